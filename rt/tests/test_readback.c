/*
 * test_readback.c: read-back and conv on hand-built heaps, with the fake
 * program of testlib.h playing generated code (a K combinator, PAPs,
 * thunks with update frames, string thunks, rigid application).
 */
#define _GNU_SOURCE
#include <math.h>

#include "../src/readback.h"
#include "testlib.h"

static lull_word k_obj[2];
static lull_word nil_obj[2];

static struct lull_object *K(void) {
    k_obj[0] = W(e_k.code);
    return (struct lull_object *)k_obj;
}

static char *nf_text(struct lull_proc *p, struct lull_object *root) {
    struct lull_nf nf = {0};
    lull_readback(p, root, &nf);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    lull_nf_print(&nf, f);
    fclose(f);
    lull_nf_free(&nf);
    return buf;
}

#define NF(p, root, want)                 \
    do {                                  \
        char *got_ = nf_text((p), (root)); \
        CHECK_STR(got_, (want));          \
        free(got_);                       \
    } while (0)

static struct lull_object *push_r(struct lull_proc *p, struct lull_object *o) {
    lull_objvec_push(&p->roots, o);
    return o;
}

static struct lull_object *pop_r(struct lull_proc *p) {
    return p->roots.items[--p->roots.len];
}

static void run_tests(struct lull_proc *p) {
    static const char xn[] = "x", yn[] = "y", an[] = "a";
    NF(p, K(), "λ a b. a");
    /* PAP K [x] reads back as λ a. x */
    lull_ds_push(p, mk_var(p, W(xn)));
    struct lull_object *pap = lull_rt_make_pap(p, K(), 1);
    NF(p, pap, "λ a. x");
    /* A thunk chain: ind -> ind -> Cons (I 1) Nil, updated on the way */
    struct lull_object *c = mk_cons(p, mk_int(p, 1), (struct lull_object *)nil_obj);
    push_r(p, c);
    lull_word *m = lull_gc_alloc(p, 2);
    m[0] = W(e_ind.code);
    m[1] = W(pop_r(p));
    push_r(p, (struct lull_object *)m);
    m = lull_gc_alloc(p, 2);
    m[0] = W(e_ind.code);
    m[1] = W(pop_r(p));
    struct lull_object *t2 = push_r(p, (struct lull_object *)m);
    NF(p, t2, "Cons (I 1) Nil");
    t2 = pop_r(p);
    CHECK(t2->entry == e_ref.code);
    CHECK(p->regs.sp == p->ds_base);
    /* A string */
    static const struct lull_str_desc sd = {.bytes = "h\xc3\xa9",
                                            .len = 3,
                                            .nil_entry = e_nil.code,
                                            .cons_entry = e_cons.code,
                                            .chr_entry = e_chr.code,
                                            .nil_static = (struct lull_object *)nil_obj};
    m = lull_gc_alloc(p, 3);
    m[0] = W(e_str.code);
    m[1] = W(&sd);
    m[2] = 0;
    NF(p, (struct lull_object *)m, "Cons (C 104) (Cons (C 233) Nil)");
    /* A rigid spine in two segments with a free head, args read back */
    /* (helpers root their arguments, but not a C local across another
     * allocation: keep partial results in the root stack) */
    push_r(p, mk_var(p, W(xn)));
    struct lull_object *i2 = mk_int(p, -2);
    push_r(p, mk_rapp(p, pop_r(p), i2));
    struct lull_object *va = mk_var(p, W(an));
    struct lull_object *r = mk_rapp(p, pop_r(p), va);
    NF(p, r, "x (I (-2)) a");
    /* P with literals in source order */
    push_r(p, mk_var(p, W(yn)));
    m = lull_gc_alloc(p, 5);
    m[0] = W(e_p.code);
    m[1] = W(pop_r(p));
    m[2] = (lull_word)(int64_t)-7;
    double f = 1e100;
    memcpy(&m[3], &f, 8);
    m[4] = 3;
    NF(p, (struct lull_object *)m, "P (-7) 1.0e100 y 3");
    /* Binders skip free names: PAP K [a] is λ b. a */
    lull_ds_push(p, mk_var(p, W(an)));
    NF(p, lull_rt_make_pap(p, K(), 1), "λ b. a");

    /* conv */
    CHECK(lull_conv(p, K(), K()));
    lull_ds_push(p, mk_var(p, W(xn)));
    push_r(p, lull_rt_make_pap(p, K(), 1));
    CHECK(!lull_conv(p, K(), p->roots.items[0]));
    lull_ds_push(p, mk_var(p, W(xn)));
    struct lull_object *pap2 = lull_rt_make_pap(p, K(), 1);
    CHECK(lull_conv(p, pop_r(p), pap2));
    struct lull_object *l1 = push_r(p, mk_cons(p, mk_int(p, 1), (struct lull_object *)nil_obj));
    struct lull_object *l2 = mk_cons(p, mk_int(p, 1), (struct lull_object *)nil_obj);
    l1 = pop_r(p);
    CHECK(lull_conv(p, l1, l2));
    push_r(p, l1);
    l2 = mk_cons(p, mk_int(p, 2), (struct lull_object *)nil_obj);
    CHECK(!lull_conv(p, pop_r(p), l2));
    CHECK(p->roots.len == 0);
    CHECK(p->regs.sp == p->ds_base);
}

/* A spine 1,000,000 deep: x (x (x ... y)) */
static void test_deep(struct lull_proc *p) {
    static const char xn[] = "x", yn[] = "y";
    const size_t n = 1000000;
    push_r(p, mk_var(p, W(yn)));
    for (size_t i = 0; i < n; i++) {
        struct lull_object *x = mk_var(p, W(xn));
        p->roots.items[p->roots.len - 1] = mk_rapp(p, x, p->roots.items[p->roots.len - 1]);
    }
    struct lull_nf nf = {0};
    lull_readback(p, p->roots.items[p->roots.len - 1], &nf);
    CHECK(nf.len == 2 * n + 1);
    CHECK(lull_nf_size(&nf) == 2 * n + 1);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    lull_nf_print(&nf, f);
    fclose(f);
    CHECK(len == 4 * n - 1);
    CHECK(strncmp(buf, "x (x (x", 7) == 0);
    free(buf);
    lull_nf_free(&nf);
    CHECK(lull_conv(p, p->roots.items[0], p->roots.items[0]));
    p->roots.len = 0;
}

int main(void) {
    nil_obj[0] = W(e_nil.code);
    struct lull_proc *p = new_proc((uint64_t)4 << 30);
    run_tests(p);
    test_deep(p);
    CHECK(lull_proc_steps(p) > 0);
    lull_proc_free(p);

    setenv("LULL_GC_STRESS", "1", 1);
    p = new_proc((uint64_t)4 << 30);
    unsetenv("LULL_GC_STRESS");
    run_tests(p);
    CHECK(p->gc.minor_count > 10);
    lull_proc_free(p);
    return test_report("test_readback");
}
