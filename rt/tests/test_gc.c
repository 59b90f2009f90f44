/*
 * test_gc.c: the collector on object graphs built by hand (lists a
 * million long, PAPs, rigid spines, REF chains, blackholes, cycles,
 * statics), the write barrier of updates, the allocation services, the
 * stress mode's heap checker, the memory limit, and the watermark of
 * the frame walk.
 */
#define _GNU_SOURCE
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"
#include "../src/stackmap.h"

static struct lull_object *root(struct lull_proc *p, size_t i) {
    return p->roots.items[i];
}

static void push_root(struct lull_proc *p, struct lull_object *o) {
    lull_objvec_push(&p->roots, o);
}

/* Build [n-1, ..., 1, 0] as Cons (I i) cells; the list is roots[i]. */
static void build_list(struct lull_proc *p, size_t slot, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        struct lull_object *x = mk_int(p, i);
        p->roots.items[slot] = mk_cons(p, x, root(p, slot));
    }
}

static int64_t check_list(struct lull_proc *p, struct lull_object *l, int64_t n) {
    int64_t len = 0;
    while (tag(l) == LULL_TAG_CON && l->entry == e_cons.code) {
        struct lull_object *h = O(l->contents[0]);
        if (h->entry != e_int.code || (int64_t)h->contents[0] != n - 1 - len) {
            return -1;
        }
        len++;
        l = O(l->contents[1]);
    }
    (void)p;
    return l == static_nil_obj() ? len : -2;
}

static void test_long_list(void) {
    struct lull_proc *p = new_proc((uint64_t)4 << 30);
    push_root(p, static_nil_obj());
    const int64_t n = 1000000;
    build_list(p, 0, n);
    CHECK(p->gc.minor_count > 0);
    CHECK(check_list(p, root(p, 0), n) == n);
    lull_gc_collect(p, 0, false);
    CHECK(check_list(p, root(p, 0), n) == n);
    CHECK(!lull_gc_in_nursery(p, root(p, 0)));
    lull_gc_collect(p, 0, true);
    CHECK(p->gc.major_count > 0);
    CHECK(check_list(p, root(p, 0), n) == n);
    lull_gc_sanity(p, "after the long list");
    /* Dropping the list: a major collection frees its blocks. */
    size_t before = p->gc.heap_bytes;
    p->roots.len = 0;
    lull_gc_collect(p, 0, true);
    CHECK(p->gc.heap_bytes < before);
    CHECK(p->gc.old_bytes == 0);
    lull_proc_free(p);
}

static void test_shapes(bool major) {
    struct lull_proc *p = new_proc((uint64_t)4 << 30);
    /* 0: a PAP [pap, 5, K, I 1, I 2] */
    struct lull_object *k = static_nil_obj(); /* placeholder for the static K */
    static lull_word kobj[2];
    kobj[0] = W(e_k.code);
    k = (struct lull_object *)kobj;
    lull_word *m = lull_gc_alloc(p, 5);
    m[0] = W(e_pap.code);
    m[1] = 5;
    m[2] = W(k);
    push_root(p, (struct lull_object *)m);
    struct lull_object *i1 = mk_int(p, 1);
    root(p, 0)->contents[2] = W(i1);
    struct lull_object *i2 = mk_int(p, 2);
    root(p, 0)->contents[3] = W(i2);

    /* 1: a rigid chain x 7 8 built in two segments, free head "x" */
    static const char xname[] = "x";
    push_root(p, mk_var(p, W(xname)));
    p->roots.items[1] = mk_rapp(p, root(p, 1), mk_int(p, 7));
    p->roots.items[1] = mk_rapp(p, root(p, 1), mk_int(p, 8));

    /* 2: a REF chain REF -> REF -> I 42 */
    struct lull_object *v = mk_int(p, 42);
    push_root(p, v);
    m = lull_gc_alloc(p, 2);
    m[0] = W(e_ref.code);
    m[1] = W(root(p, 2));
    p->roots.items[2] = (struct lull_object *)m;
    m = lull_gc_alloc(p, 2);
    m[0] = W(e_ref.code);
    m[1] = W(root(p, 2));
    p->roots.items[2] = (struct lull_object *)m;

    /* 3: a blackhole of 4 words (a thunk that had 3 free variables) */
    m = lull_gc_alloc(p, 4);
    m[0] = W(e_blackhole.code);
    m[1] = m[2] = m[3] = 0xdeadbeef;
    push_root(p, (struct lull_object *)m);

    /* 4: a cycle: Cons (I 5) <itself> */
    push_root(p, mk_cons(p, mk_int(p, 5), static_nil_obj()));
    root(p, 4)->contents[1] = W(root(p, 4));

    /* 5: a FUN with env [I 3, static nil, 12345] */
    push_root(p, mk_int(p, 3));
    m = lull_gc_alloc(p, 4);
    m[0] = W(e_fenv.code);
    m[1] = W(root(p, 5));
    m[2] = W(static_nil_obj());
    m[3] = 12345;
    p->roots.items[5] = (struct lull_object *)m;

    /* 6: a string thunk (no pointers) */
    static const struct lull_str_desc sd = {.bytes = "hi", .len = 2};
    m = lull_gc_alloc(p, 3);
    m[0] = W(e_str.code);
    m[1] = W(&sd);
    m[2] = 1;
    push_root(p, (struct lull_object *)m);

    /* 7: a P (i64 f64 value i64) */
    push_root(p, mk_int(p, 9));
    m = lull_gc_alloc(p, 5);
    m[0] = W(e_p.code);
    m[1] = W(root(p, 7));
    m[2] = (lull_word)-4;
    double f = 2.5;
    memcpy(&m[3], &f, 8);
    m[4] = 77;
    p->roots.items[7] = (struct lull_object *)m;

    lull_gc_sanity(p, "before");
    for (int round = 0; round < 2; round++) {
        lull_gc_collect(p, 0, major);
        lull_gc_sanity(p, "after");
        struct lull_object *pap = root(p, 0);
        CHECK(tag(pap) == LULL_TAG_PAP && pap->contents[0] == 5 && O(pap->contents[1]) == k);
        CHECK(O(pap->contents[2])->contents[0] == 1 && O(pap->contents[3])->contents[0] == 2);
        CHECK(!lull_gc_in_nursery(p, pap));

        struct lull_object *r = root(p, 1);
        CHECK(tag(r) == LULL_TAG_RIGID && r->contents[0] == 5 && r->contents[1] == W(xname));
        CHECK(O(r->contents[3])->contents[0] == 8);
        struct lull_object *r1 = O(r->contents[2]);
        CHECK(tag(r1) == LULL_TAG_RIGID && O(r1->contents[3])->contents[0] == 7);
        struct lull_object *r0 = O(r1->contents[2]);
        CHECK(tag(r0) == LULL_TAG_RIGID && r0->contents[0] == 4 && r0->contents[2] == 0);

        CHECK(root(p, 2)->entry == e_int.code && root(p, 2)->contents[0] == 42); /* REFs shortened */
        CHECK(tag(root(p, 3)) == LULL_TAG_BLACKHOLE);
        struct lull_object *cyc = root(p, 4);
        CHECK(O(cyc->contents[1]) == cyc && O(cyc->contents[0])->contents[0] == 5);
        struct lull_object *fn = root(p, 5);
        CHECK(fn->entry == e_fenv.code && O(fn->contents[0])->contents[0] == 3);
        CHECK(O(fn->contents[1]) == static_nil_obj() && fn->contents[2] == 12345);
        struct lull_object *s = root(p, 6);
        CHECK(s->entry == e_str.code && s->contents[0] == W(&sd) && s->contents[1] == 1);
        struct lull_object *po = root(p, 7);
        double g;
        memcpy(&g, &po->contents[2], 8);
        CHECK(O(po->contents[0])->contents[0] == 9 && (int64_t)po->contents[1] == -4 && g == 2.5 &&
              po->contents[3] == 77);
    }
    /* The blackholed copy is 2 words: a later REF fits. */
    lull_update(p, root(p, 3), root(p, 2));
    lull_gc_collect(p, 0, major);
    lull_proc_free(p);
}

/* Updates of old and static objects: the remembered set and static roots. */
static void test_write_barrier(void) {
    struct lull_proc *p = new_proc((uint64_t)4 << 30);
    /* An old thunk (promoted by a minor collection). */
    lull_word *m = lull_gc_alloc(p, 2);
    m[0] = W(e_ind.code);
    m[1] = W(static_nil_obj());
    push_root(p, (struct lull_object *)m);
    lull_gc_collect(p, 0, false);
    struct lull_object *old = root(p, 0);
    CHECK(!lull_gc_in_nursery(p, old));
    /* Update it, as an update frame on the data stack, to a young value. */
    struct lull_object *young = mk_int(p, 99);
    lull_ds_push(p, old);
    lull_rt_update_frames(p, p->regs.sp - 1, p->regs.sp, young);
    lull_ds_pop(p);
    CHECK(old->entry == e_ref.code && O(old->contents[0]) == young);
    CHECK(p->gc.remembered.len == 1);
    lull_gc_collect(p, 0, false);
    CHECK(root(p, 0) == old); /* old objects do not move in a minor collection */
    struct lull_object *val = O(old->contents[0]);
    CHECK(!lull_gc_in_nursery(p, val) && val->entry == e_int.code && val->contents[0] == 99);
    CHECK(p->gc.remembered.len == 0);
    lull_gc_sanity(p, "after the barrier");

    /* A static thunk (a CAF) updated to a young value becomes a root. */
    static lull_word caf[2];
    caf[0] = W(e_ind.code);
    caf[1] = W(static_nil_obj());
    struct lull_object *cafo = (struct lull_object *)caf;
    struct lull_object *y2 = mk_int(p, 123);
    lull_ds_push(p, cafo);
    lull_rt_update_frames(p, p->regs.sp - 1, p->regs.sp, y2);
    lull_ds_pop(p);
    CHECK(p->gc.static_roots.len == 1);
    p->roots.len = 0;
    lull_gc_collect(p, 0, false);
    lull_gc_collect(p, 0, true);
    lull_gc_collect(p, 0, true);
    struct lull_object *cv = O(caf[1]);
    CHECK(caf[0] == W(e_ref.code) && cv->entry == e_int.code && cv->contents[0] == 123);
    CHECK(lull_gc_block_of(p, cv) != NULL && !lull_gc_in_nursery(p, cv));
    lull_gc_sanity(p, "after the static update");
    lull_proc_free(p);
}

static void test_services(void) {
    struct lull_proc *p = new_proc((uint64_t)4 << 30);
    static lull_word kobj[2];
    kobj[0] = W(e_k.code);
    struct lull_object *k = (struct lull_object *)kobj;
    /* make_pap: K applied to (I 1): args popped; a1 first */
    lull_ds_push(p, mk_int(p, 1));
    lull_word **sp0 = p->regs.sp - 1;
    struct lull_object *pap = lull_rt_make_pap(p, k, 1);
    CHECK(p->regs.sp == sp0);
    CHECK(pap->entry == e_pap.code && pap->contents[0] == 4 && O(pap->contents[1]) == k);
    CHECK(O(pap->contents[2])->contents[0] == 1);
    /* flattening: (PAP K [1]) applied to 2 more */
    push_root(p, pap);
    lull_ds_push(p, mk_int(p, 3));
    lull_ds_push(p, mk_int(p, 2)); /* a1 = 2 on top */
    struct lull_object *pap2 = lull_rt_make_pap(p, root(p, 0), 2);
    CHECK(pap2->contents[0] == 6 && O(pap2->contents[1]) == k);
    CHECK(O(pap2->contents[2])->contents[0] == 1 && O(pap2->contents[3])->contents[0] == 2 &&
          O(pap2->contents[4])->contents[0] == 3);
    CHECK(p->regs.sp == p->ds_base);
    /* rigid_apply: x a b */
    static const char xname[] = "x";
    push_root(p, mk_var(p, W(xname)));
    lull_ds_push(p, mk_int(p, 20));
    lull_ds_push(p, mk_int(p, 10));
    struct lull_object *r = lull_rt_rigid_apply(p, root(p, 1), 2);
    CHECK(r->entry == e_rigid.code && r->contents[0] == 6 && r->contents[1] == W(xname));
    CHECK(O(r->contents[2]) == root(p, 1));
    CHECK(O(r->contents[3])->contents[0] == 10 && O(r->contents[4])->contents[0] == 20);
    CHECK(p->regs.sp == p->ds_base);
    /* str_unpack: "aé" then Nil, and the thunk is updated */
    static lull_word nil[2];
    nil[0] = W(e_nil.code);
    static const struct lull_str_desc sd = {.bytes = "a\xc3\xa9",
                                            .len = 3,
                                            .nil_entry = e_nil.code,
                                            .cons_entry = e_cons.code,
                                            .chr_entry = e_chr.code,
                                            .nil_static = (struct lull_object *)nil};
    lull_word *m = lull_gc_alloc(p, 3);
    m[0] = W(e_str.code);
    m[1] = W(&sd);
    m[2] = 0;
    struct lull_object *s = (struct lull_object *)m;
    struct lull_object *c1 = lull_rt_str_unpack(p, s);
    CHECK(s->entry == e_ref.code && O(s->contents[0]) == c1);
    CHECK(c1->entry == e_cons.code && O(c1->contents[0])->entry == e_chr.code &&
          O(c1->contents[0])->contents[0] == 'a');
    struct lull_object *t1 = O(c1->contents[1]);
    CHECK(t1->entry == e_str.code && t1->contents[1] == 1);
    struct lull_object *c2 = lull_rt_str_unpack(p, t1);
    CHECK(O(c2->contents[0])->contents[0] == 0xE9);
    struct lull_object *c3 = lull_rt_str_unpack(p, O(c2->contents[1]));
    CHECK(c3 == (struct lull_object *)nil);
    lull_proc_free(p);
}

/* Stress mode: every allocation collects, with the heap checker. */
static void test_stress(void) {
    setenv("LULL_GC_STRESS", "1", 1);
    struct lull_proc *p = new_proc((uint64_t)4 << 30);
    unsetenv("LULL_GC_STRESS");
    CHECK(p->gc.stress);
    push_root(p, static_nil_obj());
    build_list(p, 0, 300);
    CHECK(check_list(p, root(p, 0), 300) == 300);
    CHECK(p->gc.minor_count + p->gc.major_count >= 600);
    CHECK(p->gc.major_count > 0);
    lull_proc_free(p);
}

/* Steady state: freed old blocks are reused (no new memory), and the
 * heap's address tests are range checks. */
static void test_block_reuse(void) {
    struct lull_proc *p = new_proc((uint64_t)4 << 30);
    push_root(p, static_nil_obj());
    build_list(p, 0, 50000); /* 2 MB live: several old blocks */
    lull_gc_collect(p, 0, true);
    lull_gc_collect(p, 0, true);
    size_t heap = p->gc.heap_bytes;
    for (int i = 0; i < 20; i++) {
        lull_gc_collect(p, 0, true);
        CHECK(p->gc.heap_bytes == heap);
    }
    CHECK(check_list(p, root(p, 0), 50000) == 50000);
    CHECK(lull_gc_block_of(p, static_nil_obj()) == NULL);
    CHECK(lull_gc_block_of(p, NULL) == NULL);
    CHECK(lull_gc_block_of(p, root(p, 0)) != NULL && !lull_gc_in_nursery(p, root(p, 0)));
    struct lull_object *y = mk_int(p, 1);
    CHECK(lull_gc_in_nursery(p, y) && lull_gc_block_of(p, y) == p->gc.nursery);
    lull_proc_free(p);
}

/* Note [Major or minor]: when minor collections promote much more than a
 * major one finds live, the collector switches to major collections. */
static void test_policy(void) {
    struct lull_proc *p = new_proc((uint64_t)4 << 30);
    push_root(p, static_nil_obj());
    build_list(p, 0, 20000); /* 800 KB, live at a minor collection */
    lull_gc_collect(p, 0, false);
    CHECK(p->gc.promoted_estimate >= p->gc.nursery_bytes / 16);
    p->roots.len = 0; /* then dead */
    uint64_t majors = p->gc.major_count;
    lull_gc_collect(p, 0, false);
    CHECK(p->gc.major_count == majors + 1);
    CHECK(p->gc.live_after_major == 0 && p->gc.old_bytes == 0);
    lull_proc_free(p);
}

/* Run f in a child; return its exit status and stderr. */
static int in_child(void (*f)(void), char *err, size_t n) {
    int fds[2];
    if (pipe(fds) != 0) {
        abort();
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        f();
        _exit(0);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t r;
    while (len + 1 < n && (r = read(fds[0], err + len, n - 1 - len)) > 0) {
        len += (size_t)r;
    }
    err[len] = '\0';
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void over_limit(void) {
    struct lull_proc *p = new_proc((uint64_t)16 << 20);
    push_root(p, static_nil_obj());
    build_list(p, 0, 2000000); /* 80 MB live */
}

static void under_limit(void) {
    struct lull_proc *p = new_proc((uint64_t)16 << 20);
    for (int i = 0; i < 20; i++) { /* 20 x 4 MB of garbage, little live */
        push_root(p, static_nil_obj());
        build_list(p, 0, 100000);
        p->roots.len = 0;
    }
}

static void test_memory_limit(void) {
    char err[512];
    int st = in_child(over_limit, err, sizeof err);
    CHECK(st == 2);
    CHECK_STR(err, "error: memory limit of 16 MiB reached (--max-memory)\n");
    st = in_child(under_limit, err, sizeof err);
    CHECK(st == 0);
    CHECK_STR(err, "");
    char b[64];
    lull_format_bytes(b, sizeof b, 1000);
    CHECK_STR(b, "1000 bytes");
    lull_format_bytes(b, sizeof b, (uint64_t)3 << 30);
    CHECK_STR(b, "3 GiB");
    lull_format_bytes(b, sizeof b, (uint64_t)4 << 30);
    CHECK_STR(b, "4 GiB");
    lull_format_bytes(b, sizeof b, 1536);
    CHECK_STR(b, "1536 bytes");
}

/* ---- the watermark (Note [The watermark] in rt/src/watermark.c) ---- */

void *lull_watermark_returned(void **rsp);

static size_t walked;

static struct lull_object *count_slot(struct lull_proc *p, struct lull_object *o) {
    (void)p;
    walked++;
    return o;
}

static size_t walk_count(struct lull_proc *p, enum lull_walk which) {
    walked = 0;
    lull_stackmap_walk(p, count_slot, which);
    return walked;
}

static void put16(uint8_t *b, size_t at, uint16_t v) {
    memcpy(b + at, &v, 2);
}
static void put32(uint8_t *b, size_t at, uint32_t v) {
    memcpy(b + at, &v, 4);
}
static void put64(uint8_t *b, size_t at, uint64_t v) {
    memcpy(b + at, &v, 8);
}

/* A hand-made stack map (one function of stack size 16 whose one call site
 * keeps a GC pointer at [rsp]) and a fake native stack of three frames of
 * it above a caller that is not generated code. */
static void test_watermark(void) {
    static alignas(8) uint8_t map[128];
    const uint64_t fun = 0x7f0000001000ull, ra = fun + 0x10;
    map[0] = 3;
    put32(map, 4, 1);      /* functions */
    put32(map, 12, 1);     /* records */
    put64(map, 16, fun);
    put64(map, 24, 16);    /* stack size */
    put64(map, 32, 1);     /* record count */
    size_t r = 40;
    put32(map, r + 8, 0x10); /* instruction offset */
    put16(map, r + 14, 5);   /* cc, flags, 0 deopt, base, derived */
    for (int i = 0; i < 3; i++) {
        map[r + 16 + 12 * i] = 4; /* constants (all 0) */
    }
    for (int i = 3; i < 5; i++) {
        map[r + 16 + 12 * i] = 3; /* [rsp + 0] */
        put16(map, r + 16 + 12 * i + 2, 8);
        put16(map, r + 16 + 12 * i + 4, 7);
    }
    lull_stackmap_load(map, map + sizeof map);
    uint64_t size;
    CHECK(lull_stackmap_frame_size(ra, &size) && size == 16);
    CHECK(!lull_stackmap_frame_size(0x1234, &size));

    struct lull_proc *p = new_proc((uint64_t)4 << 30);
    void *stack[12] = {0};
    void *nil = static_nil_obj();
    /* slot, frame (2 words) three times, then the C caller's address */
    for (int f = 0; f < 3; f++) {
        stack[3 * f] = (void *)(uintptr_t)ra;
        stack[3 * f + 1] = nil;
    }
    stack[9] = (void *)(uintptr_t)0x1234;
    p->last_ret_slot = &stack[0];
    CHECK(walk_count(p, LULL_WALK_ALL) == 3);
    CHECK(walk_count(p, LULL_WALK_NEW) == 3); /* no watermark yet */

    /* After a collection: F2's slot is hijacked; a minor walk sees F1 only. */
    lull_watermark_after_gc(p);
    CHECK(p->wm_slot == &stack[3] && p->wm_ret == (void *)(uintptr_t)ra);
    CHECK(stack[3] == (void *)&lull_watermark_return);
    CHECK(walk_count(p, LULL_WALK_NEW) == 1);
    CHECK(walk_count(p, LULL_WALK_ALL) == 3);
    lull_watermark_after_gc(p); /* again from the same frame: same slot */
    CHECK(p->wm_slot == &stack[3] && stack[3] == (void *)&lull_watermark_return);

    /* F1 returns into F2 through the stub: the watermark moves to F3's slot. */
    CHECK(lull_watermark_returned(&stack[4]) == (void *)(uintptr_t)ra);
    CHECK(p->wm_slot == &stack[6] && stack[6] == (void *)&lull_watermark_return);
    stack[3] = (void *)(uintptr_t)ra; /* F2 calls again, and that collects */
    p->last_ret_slot = &stack[3];
    CHECK(walk_count(p, LULL_WALK_NEW) == 1);
    CHECK(walk_count(p, LULL_WALK_ALL) == 2);

    /* F2 returns into F3, whose caller is not generated code: no watermark. */
    CHECK(lull_watermark_returned(&stack[7]) == (void *)(uintptr_t)ra);
    CHECK(p->wm_slot == NULL && p->wm_ret == NULL);
    stack[6] = (void *)(uintptr_t)ra;
    p->last_ret_slot = &stack[6];
    CHECK(walk_count(p, LULL_WALK_NEW) == 1);
    lull_watermark_after_gc(p); /* F3's caller is C: nothing to hijack */
    CHECK(p->wm_slot == NULL && stack[9] == (void *)(uintptr_t)0x1234);
    p->last_ret_slot = NULL;
    lull_proc_free(p);
}

int main(void) {
    test_long_list();
    test_shapes(false);
    test_shapes(true);
    test_write_barrier();
    test_services();
    test_stress();
    test_block_reuse();
    test_policy();
    test_memory_limit();
    test_watermark();
    return test_report("test_gc");
}
