/*
 * services.c: the runtime services that generated code calls (declared in
 * lull_rt.h), with the reference interpreter's messages.
 *
 * The GC-capable services (lull_rt_gc, lull_rt_make_pap,
 * lull_rt_rigid_apply, lull_rt_str_unpack) record their return-address
 * slot on entry (Note [Walking generated frames] in stackmap.c) and clear
 * it before returning. A GC pointer they receive as an argument is pushed
 * on the data stack across their allocation, so the collector sees it and
 * updates it.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gc.h"
#include "nf.h"
#include "proc.h"
#include "program.h"
#include "sched.h"
#include "segment.h"
#include "services.h"
#include "stackmap.h"

/* ---- updates ------------------------------------------------------------ */

void lull_update(struct lull_proc *proc, struct lull_object *obj, struct lull_object *v) {
    obj->entry = proc->prog->ref_entry;
    obj->contents[0] = (lull_word)(uintptr_t)v;
    lull_gc_barrier(&proc->gc, obj, v);
}

static __attribute__((noinline, cold)) void update_frames_slow(struct lull_proc *proc, lull_word **s,
                                                              lull_word **top, struct lull_object *v) {
    /* *s is already overwritten; it is not young. */
    lull_gc_barrier_slow(&proc->gc, (struct lull_object *)*s, v);
    for (s++; s < top; s++) {
        lull_update(proc, (struct lull_object *)*s, v);
    }
}

/* Called at every return to a real call: keep it a leaf in the common
 * case, where every frame is young (the nursery's range check: Note [The
 * remembered set] in gc.c). */
void lull_rt_update_frames(struct lull_proc *proc, lull_word **base, lull_word **top, struct lull_object *v) {
    const void *ref = proc->prog->ref_entry;
    uintptr_t lo = proc->gc.nursery_lo, size = proc->gc.nursery_size;
    for (lull_word **s = base; s < top; s++) {
        struct lull_object *obj = (struct lull_object *)*s;
        obj->entry = ref;
        obj->contents[0] = (lull_word)(uintptr_t)v;
        if (__builtin_expect((uintptr_t)obj - lo >= size, 0)) {
            update_frames_slow(proc, s, top, v);
            return;
        }
    }
}

/* ---- allocation services ------------------------------------------------ */

__attribute__((noinline)) void lull_rt_gc(struct lull_proc *proc, uint64_t words) {
    LULL_RECORD_RET_SLOT(proc);
    lull_gc_collect(proc, words, false);
    proc->last_ret_slot = NULL;
}

/* Fill a PAP of `size` words at m for f (flattened when it is a PAP, with
 * k saved arguments) and the argc arguments on the data stack, which are
 * popped. */
static inline __attribute__((always_inline)) struct lull_object *fill_pap(struct lull_proc *proc, lull_word *m,
                                                                          struct lull_object *f, bool flatten,
                                                                          uint64_t k, uint64_t size, uint64_t argc) {
    m[0] = (lull_word)(uintptr_t)proc->prog->pap_entry;
    m[1] = size;
    lull_word *a = &m[3];
    if (flatten) {
        m[2] = f->contents[1];
        for (uint64_t i = 0; i < k; i++) {
            a[i] = f->contents[2 + i];
        }
        a += k;
    } else {
        m[2] = (lull_word)(uintptr_t)f;
    }
    lull_word **sp = proc->regs.sp;
    for (uint64_t i = 0; i < argc; i++) {
        a[i] = (lull_word)(uintptr_t)sp[-1 - (int64_t)i];
    }
    proc->regs.sp = sp - argc;
    return (struct lull_object *)m;
}

/* make_pap when the PAP does not fit (or in stress mode): may collect.
 * `ret_slot` is make_pap's return-address slot, where the frame walk
 * starts. */
static __attribute__((noinline, cold)) struct lull_object *make_pap_slow(struct lull_proc *proc, struct lull_object *f,
                                                                        bool flatten, uint64_t k, uint64_t size,
                                                                        uint64_t argc, void **ret_slot) {
    proc->last_ret_slot = ret_slot;
    lull_ds_push(proc, f);
    lull_word *m = lull_gc_alloc(proc, size);
    f = lull_ds_pop(proc);
    proc->last_ret_slot = NULL;
    return fill_pap(proc, m, f, flatten, k, size, argc);
}

/* Called at every under-application: the common case (the PAP fits in the
 * nursery) neither touches the data stack nor calls out. */
__attribute__((noinline)) struct lull_object *lull_rt_make_pap(struct lull_proc *proc, struct lull_object *f,
                                                               uint64_t argc) {
    bool flatten = lull_info_fast(f)->tag == LULL_TAG_PAP;
    uint64_t k = flatten ? f->contents[0] - 3 : 0;
    uint64_t size = 3 + k + argc;
    lull_word *m = proc->regs.hp;
    if (__builtin_expect(m + size > proc->regs.hl || proc->gc.stress, 0)) {
        return make_pap_slow(proc, f, flatten, k, size, argc, (void **)__builtin_frame_address(0) + 1);
    }
    proc->regs.hp = m + size;
    return fill_pap(proc, m, f, flatten, k, size, argc);
}

__attribute__((noinline)) struct lull_object *lull_rt_rigid_apply(struct lull_proc *proc, struct lull_object *r,
                                                                  uint64_t argc) {
    LULL_RECORD_RET_SLOT(proc);
    uint64_t size = 4 + argc;
    lull_ds_push(proc, r);
    lull_word *m = lull_gc_alloc(proc, size);
    r = lull_ds_pop(proc);
    m[0] = (lull_word)(uintptr_t)proc->prog->rigid_entry;
    m[1] = size;
    m[2] = r->contents[1];
    m[3] = (lull_word)(uintptr_t)r;
    lull_word **sp = proc->regs.sp;
    for (uint64_t i = 0; i < argc; i++) {
        m[4 + i] = (lull_word)(uintptr_t)sp[-1 - (int64_t)i];
    }
    proc->regs.sp = sp - argc;
    proc->last_ret_slot = NULL;
    return (struct lull_object *)m;
}

/* The first byte of a UTF-8 sequence: false if it cannot start one; else
 * *n continuation bytes follow and *c holds the lead byte's bits (an ASCII
 * byte is a whole sequence: *n = 0). Shared by string unpacking and
 * getchar, which differ in where their bytes come from. */
static bool utf8_lead(uint32_t b0, unsigned *n, uint32_t *c) {
    if (b0 < 0x80) {
        *n = 0;
        *c = b0;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
        *n = 1;
        *c = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        *n = 2;
        *c = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        *n = 3;
        *c = b0 & 0x07;
    } else {
        return false;
    }
    return true;
}

/* Decode one UTF-8 code point from s[*pos..len); U+FFFD (consuming one
 * byte) for a malformed sequence. */
static uint32_t decode_utf8(const unsigned char *s, uint64_t len, uint64_t *pos) {
    uint64_t i = *pos;
    uint32_t c;
    unsigned n;
    if (!utf8_lead(s[i], &n, &c)) {
        *pos = i + 1;
        return 0xFFFD;
    }
    for (unsigned k = 1; k <= n; k++) {
        if (i + k >= len || (s[i + k] & 0xC0) != 0x80) {
            *pos = i + 1;
            return 0xFFFD;
        }
        c = (c << 6) | (s[i + k] & 0x3F);
    }
    if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF || (n == 2 && c < 0x800) || (n == 3 && c < 0x10000)) {
        *pos = i + 1;
        return 0xFFFD;
    }
    *pos = i + 1 + n;
    return c;
}

size_t lull_utf8_encode(int64_t c, unsigned char b[4]) {
    if (c < 0x80) {
        b[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        b[0] = (unsigned char)(0xC0 | (c >> 6));
        b[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (c >> 12));
        b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    b[0] = (unsigned char)(0xF0 | (c >> 18));
    b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    b[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

bool lull_stdout_is_tty(void) {
    static int tty = -1;
    if (tty < 0) {
        tty = isatty(1);
    }
    return tty == 1;
}

int64_t lull_utf8_next(int (*next_byte)(void *src), void *src) {
    int b0 = next_byte(src);
    if (b0 == EOF) {
        return -1;
    }
    unsigned n;
    uint32_t c;
    if (!utf8_lead((uint32_t)b0, &n, &c)) {
        return 0xFFFD;
    }
    for (unsigned k = 0; k < n; k++) {
        int b = next_byte(src);
        if (b == EOF || (b & 0xC0) != 0x80) {
            return 0xFFFD;
        }
        c = (c << 6) | ((uint32_t)b & 0x3F);
    }
    if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF || (n == 2 && c < 0x800) || (n == 3 && c < 0x10000)) {
        return 0xFFFD;
    }
    return c;
}

/* Note [Unpacking strings]
 * ~~~~~~~~~~~~~~~~~~~~~~~~
 * A string thunk [str_entry, desc, offset] unpacks to desc's static Nil at
 * the end of the bytes, else to Cons (Chr c) <the string thunk at the next
 * code point>, where Chr has one i64 field ([chr_entry, c]) and Cons two
 * value fields ([cons_entry, chr, tail]). lull_rt_str_unpack overwrites s
 * with a REF to the result itself (running the write barrier), so the
 * string entry must NOT blackhole s or push an update frame for it before
 * calling: a blackhole's contents are dead to the collector, and the
 * offset would be lost. */
__attribute__((noinline)) struct lull_object *lull_rt_str_unpack(struct lull_proc *proc, struct lull_object *s) {
    LULL_RECORD_RET_SLOT(proc);
    const struct lull_str_desc *d = (const struct lull_str_desc *)(uintptr_t)s->contents[0];
    uint64_t off = s->contents[1];
    struct lull_object *v;
    if (off >= d->len) {
        v = (struct lull_object *)d->nil_static;
    } else {
        uint64_t next = off;
        uint32_t c = decode_utf8((const unsigned char *)d->bytes, d->len, &next);
        lull_ds_push(proc, s);
        lull_word *m = lull_gc_alloc(proc, 8);
        s = lull_ds_pop(proc);
        m[0] = (lull_word)(uintptr_t)d->chr_entry;
        m[1] = c;
        m[2] = (lull_word)(uintptr_t)proc->prog->str_entry;
        m[3] = (lull_word)(uintptr_t)d;
        m[4] = next;
        m[5] = (lull_word)(uintptr_t)d->cons_entry;
        m[6] = (lull_word)(uintptr_t)&m[0];
        m[7] = (lull_word)(uintptr_t)&m[2];
        v = (struct lull_object *)&m[5];
    }
    lull_update(proc, s, v);
    proc->last_ret_slot = NULL;
    return v;
}

/* ---- fuel: steps and the timeout ------------------------------------------ */

/* Note [Fuel]
 * ~~~~~~~~~~~
 * regs.fuel counts down at every closure entry; when it is spent,
 * generated code calls lull_rt_out_of_fuel. At the call, the entries made
 * since the last refill are `fuel_refill - fuel` (whether the back end
 * tests `fuel <= 0` or `fuel < 0` after decrementing), so the steps so far
 * are steps_done + fuel_refill - fuel. A refill gives at most the steps
 * left under --max-steps, so the call that finds steps > max is the one
 * for entry max + 1, as in the interpreter. The timeout's watchdog thread
 * sets `timed_out` and zeroes fuel (repeatedly: a racing decrement may
 * overwrite it), so the next entry calls here and we stop. */
#define FUEL_CHUNK ((int64_t)1 << 30)

void lull_fuel_refill(struct lull_proc *proc) {
    uint64_t steps = lull_proc_steps(proc);
    if (steps > proc->opts.max_steps) {
        proc->steps_done = proc->opts.max_steps;
        proc->fuel_refill = proc->regs.fuel = 0;
        proc->stop = LULL_STOP_FATAL;
        lull_fail(2, "step limit of %llu reached (--max-steps)", (unsigned long long)proc->opts.max_steps);
    }
    proc->steps_done = steps;
    int64_t r = FUEL_CHUNK;
    if (proc->opts.max_steps != UINT64_MAX && proc->opts.max_steps - steps < (uint64_t)r) {
        r = (int64_t)(proc->opts.max_steps - steps);
    }
    r = lull_sched_slice(proc, r);
    proc->fuel_refill = r;
    proc->regs.fuel = r;
}

void lull_check_timeout(struct lull_proc *proc) {
    if (atomic_load(&lull_sched_main(proc)->timed_out)) {
        proc->stop = LULL_STOP_FATAL;
        char b[64];
        lull_f64_display(b, sizeof b, proc->opts.timeout);
        lull_fail(2, "time limit of %s s reached (--timeout)", b);
    }
}

void lull_rt_out_of_fuel(struct lull_proc *proc) {
    lull_check_timeout(proc);
    lull_fuel_refill(proc);
    lull_sched_preempt(proc);
}

/* ---- input and output ----------------------------------------------------- */

void lull_rt_putchar(struct lull_proc *proc, int64_t c) {
    (void)proc;
    if (c < 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        lull_fail(1, "putchar: %lld is not a Unicode scalar value", (long long)c);
    }
    unsigned char b[4];
    size_t n = lull_utf8_encode(c, b);
    lull_in_stdio = 1;
    for (size_t i = 0; i < n; i++) {
        putc_unlocked(b[i], stdout);
    }
    lull_in_stdio = 0;
}

static int read_byte(void) {
    lull_in_stdio = 1;
    int c = getc_unlocked(stdin);
    lull_in_stdio = 0;
    return c;
}

static int stdin_byte(void *src) {
    (void)src;
    return read_byte();
}

/* One UTF-8 code point from standard input; -1 at end of input; U+FFFD
 * for a malformed sequence (the interpreter's read_char). */
int64_t lull_rt_getchar(struct lull_proc *proc) {
    (void)proc;
    /* A prompt written before a read must be seen when a person answers
       it; into a pipe or a file, flushing per character read would cost a
       write per character. */
    if (lull_stdout_is_tty()) {
        lull_in_stdio = 1;
        fflush(stdout);
        lull_in_stdio = 0;
    }
    return lull_utf8_next(stdin_byte, NULL);
}

/* ---- run-time errors ------------------------------------------------------ */

void lull_describe(struct lull_proc *proc, const struct lull_object *v, char *buf, size_t n) {
    const struct lull_info *info = lull_rt_object_info(v);
    switch (info->tag) {
    case LULL_TAG_FUN:
    case LULL_TAG_PAP:
        snprintf(buf, n, "a function");
        return;
    case LULL_TAG_CON: {
        const struct lull_con_desc *d = lull_con_of_entry(proc->prog, v->entry);
        snprintf(buf, n, "constructor %s", d != NULL ? d->name : "?");
        return;
    }
    case LULL_TAG_RIGID: {
        lull_word head = v->contents[1];
        if (head & 1) {
            snprintf(buf, n, "a rigid term (a variable bound outside)");
        } else {
            snprintf(buf, n, "a rigid term (free variable %s)", (const char *)(uintptr_t)head);
        }
        return;
    }
    case LULL_TAG_REF:
        lull_describe(proc, (const struct lull_object *)(uintptr_t)v->contents[0], buf, n);
        return;
    default:
        snprintf(buf, n, "an unevaluated thunk");
        return;
    }
}

_Noreturn void lull_rt_loop(struct lull_proc *proc) {
    (void)proc;
    lull_fail(1, "<<loop>>");
}

_Noreturn void lull_rt_bad_apply(struct lull_proc *proc, struct lull_object *self) {
    char d[256];
    lull_describe(proc, self, d, sizeof d);
    lull_fail(1, "cannot apply a constructor (%s) to arguments", d);
}

_Noreturn void lull_rt_error(struct lull_proc *proc, const char *msg, const char *loc) {
    (void)proc;
    if (loc != NULL) {
        lull_fail(1, "%s: %s", loc, msg);
    }
    lull_fail(1, "%s", msg);
}

_Noreturn void lull_rt_no_match(struct lull_proc *proc) {
    (void)proc;
    lull_fail(1, "no case alternative matches");
}

_Noreturn void lull_rt_no_match_con(struct lull_proc *proc, struct lull_object *v) {
    const struct lull_con_desc *d = lull_con_of_entry(proc->prog, v->entry);
    lull_fail(1, "no case alternative matches constructor %s", d != NULL ? d->name : "?");
}

_Noreturn void lull_rt_no_match_i64(struct lull_proc *proc, int64_t n) {
    (void)proc;
    lull_fail(1, "no case alternative matches %lld", (long long)n);
}

_Noreturn void lull_rt_no_match_f64(struct lull_proc *proc, double x) {
    (void)proc;
    char b[64];
    lull_f64_debug(b, sizeof b, x);
    lull_fail(1, "no case alternative matches %s", b);
}

_Noreturn void lull_rt_bad_case(struct lull_proc *proc, struct lull_object *v, const char *what) {
    char d[256];
    lull_describe(proc, v, d, sizeof d);
    lull_fail(1, "case over %s on %s", what, d);
}

/* ---- the service table (Note [The service table] in lull_rt.h) -------- */

const struct lull_services lull_rt_services = {
    .version = LULL_SERVICES_VERSION,
    .size = sizeof(struct lull_services),
    .gc = lull_rt_gc,
    .make_pap = lull_rt_make_pap,
    .rigid_apply = lull_rt_rigid_apply,
    .str_unpack = lull_rt_str_unpack,
    .update_frames = lull_rt_update_frames,
    .out_of_fuel = lull_rt_out_of_fuel,
    .putchar = lull_rt_putchar,
    .getchar = lull_rt_getchar,
    .dataid = lull_rt_dataid,
    .fshowchar = lull_rt_fshowchar,
    .uniprop = lull_rt_uniprop,
    .fdec = lull_rt_fdec,
    .hputchar = lull_rt_hputchar,
    .hcommit = lull_rt_hcommit,
    .hgetchar = lull_rt_hgetchar,
    .hflush = lull_rt_hflush,
    .hclose = lull_rt_hclose,
    .pathchar = lull_rt_pathchar,
    .hopen = lull_rt_hopen,
    .exit = lull_rt_exit,
    .argcount = lull_rt_argcount,
    .argchar = lull_rt_argchar,
    .loop = lull_rt_loop,
    .bad_apply = lull_rt_bad_apply,
    .error = lull_rt_error,
    .no_match = lull_rt_no_match,
    .no_match_con = lull_rt_no_match_con,
    .no_match_i64 = lull_rt_no_match_i64,
    .no_match_f64 = lull_rt_no_match_f64,
    .bad_case = lull_rt_bad_case,
    .spawn = lull_rt_spawn,
    .procself = lull_rt_procself,
    .newchan = lull_rt_newchan,
    .send = lull_rt_send,
    .recv = lull_rt_recv,
    .wait = lull_rt_wait,
    .exitchar = lull_rt_exitchar,
    .yield = lull_rt_yield,
    .blackhole = lull_rt_blackhole,
    .morestack = lull_morestack,
    .ds_overflow = lull_rt_ds_overflow,
};

_Static_assert(sizeof(struct lull_services) == LULL_SERVICES_SIZE, "service table size");
_Static_assert(offsetof(struct lull_services, gc) == LULL_SVC_OFFSET_GC, "gc");
_Static_assert(offsetof(struct lull_services, make_pap) == LULL_SVC_OFFSET_MAKE_PAP, "make_pap");
_Static_assert(offsetof(struct lull_services, rigid_apply) == LULL_SVC_OFFSET_RIGID_APPLY, "rigid_apply");
_Static_assert(offsetof(struct lull_services, str_unpack) == LULL_SVC_OFFSET_STR_UNPACK, "str_unpack");
_Static_assert(offsetof(struct lull_services, update_frames) == LULL_SVC_OFFSET_UPDATE_FRAMES, "update_frames");
_Static_assert(offsetof(struct lull_services, out_of_fuel) == LULL_SVC_OFFSET_OUT_OF_FUEL, "out_of_fuel");
_Static_assert(offsetof(struct lull_services, putchar) == LULL_SVC_OFFSET_PUTCHAR, "putchar");
_Static_assert(offsetof(struct lull_services, getchar) == LULL_SVC_OFFSET_GETCHAR, "getchar");
_Static_assert(offsetof(struct lull_services, dataid) == LULL_SVC_OFFSET_DATAID, "dataid");
_Static_assert(offsetof(struct lull_services, fshowchar) == LULL_SVC_OFFSET_FSHOWCHAR, "fshowchar");
_Static_assert(offsetof(struct lull_services, uniprop) == LULL_SVC_OFFSET_UNIPROP, "uniprop");
_Static_assert(offsetof(struct lull_services, fdec) == LULL_SVC_OFFSET_FDEC, "fdec");
_Static_assert(offsetof(struct lull_services, hputchar) == LULL_SVC_OFFSET_HPUTCHAR, "hputchar");
_Static_assert(offsetof(struct lull_services, hcommit) == LULL_SVC_OFFSET_HCOMMIT, "hcommit");
_Static_assert(offsetof(struct lull_services, hgetchar) == LULL_SVC_OFFSET_HGETCHAR, "hgetchar");
_Static_assert(offsetof(struct lull_services, hflush) == LULL_SVC_OFFSET_HFLUSH, "hflush");
_Static_assert(offsetof(struct lull_services, hclose) == LULL_SVC_OFFSET_HCLOSE, "hclose");
_Static_assert(offsetof(struct lull_services, pathchar) == LULL_SVC_OFFSET_PATHCHAR, "pathchar");
_Static_assert(offsetof(struct lull_services, hopen) == LULL_SVC_OFFSET_HOPEN, "hopen");
_Static_assert(offsetof(struct lull_services, exit) == LULL_SVC_OFFSET_EXIT, "exit");
_Static_assert(offsetof(struct lull_services, argcount) == LULL_SVC_OFFSET_ARGCOUNT, "argcount");
_Static_assert(offsetof(struct lull_services, argchar) == LULL_SVC_OFFSET_ARGCHAR, "argchar");
_Static_assert(offsetof(struct lull_services, loop) == LULL_SVC_OFFSET_LOOP, "loop");
_Static_assert(offsetof(struct lull_services, bad_apply) == LULL_SVC_OFFSET_BAD_APPLY, "bad_apply");
_Static_assert(offsetof(struct lull_services, error) == LULL_SVC_OFFSET_ERROR, "error");
_Static_assert(offsetof(struct lull_services, no_match) == LULL_SVC_OFFSET_NO_MATCH, "no_match");
_Static_assert(offsetof(struct lull_services, no_match_con) == LULL_SVC_OFFSET_NO_MATCH_CON, "no_match_con");
_Static_assert(offsetof(struct lull_services, no_match_i64) == LULL_SVC_OFFSET_NO_MATCH_I64, "no_match_i64");
_Static_assert(offsetof(struct lull_services, no_match_f64) == LULL_SVC_OFFSET_NO_MATCH_F64, "no_match_f64");
_Static_assert(offsetof(struct lull_services, bad_case) == LULL_SVC_OFFSET_BAD_CASE, "bad_case");
_Static_assert(offsetof(struct lull_services, spawn) == LULL_SVC_OFFSET_SPAWN, "spawn");
_Static_assert(offsetof(struct lull_services, procself) == LULL_SVC_OFFSET_PROCSELF, "procself");
_Static_assert(offsetof(struct lull_services, newchan) == LULL_SVC_OFFSET_NEWCHAN, "newchan");
_Static_assert(offsetof(struct lull_services, send) == LULL_SVC_OFFSET_SEND, "send");
_Static_assert(offsetof(struct lull_services, recv) == LULL_SVC_OFFSET_RECV, "recv");
_Static_assert(offsetof(struct lull_services, wait) == LULL_SVC_OFFSET_WAIT, "wait");
_Static_assert(offsetof(struct lull_services, exitchar) == LULL_SVC_OFFSET_EXITCHAR, "exitchar");
_Static_assert(offsetof(struct lull_services, yield) == LULL_SVC_OFFSET_YIELD, "yield");
_Static_assert(offsetof(struct lull_services, blackhole) == LULL_SVC_OFFSET_BLACKHOLE, "blackhole");
_Static_assert(offsetof(struct lull_services, morestack) == LULL_SVC_OFFSET_MORESTACK, "morestack");
_Static_assert(offsetof(struct lull_services, ds_overflow) == LULL_SVC_OFFSET_DS_OVERFLOW, "ds_overflow");
_Static_assert(offsetof(struct lull_proc_regs, ds_check) == LULL_PROC_OFFSET_DS_CHECK, "ds_check offset");
_Static_assert(offsetof(struct lull_proc_regs, svc) == LULL_PROC_OFFSET_SVC, "proc svc offset");
_Static_assert(offsetof(struct lull_proc_regs, nursery_lo) == LULL_PROC_OFFSET_NURSERY_LO, "nursery_lo offset");
_Static_assert(offsetof(struct lull_proc_regs, nursery_size) == LULL_PROC_OFFSET_NURSERY_SIZE, "nursery_size");

const char *lull_program_check(const struct lull_program *prog) {
    static char why[256];
    if (prog == NULL) {
        return "the crate's entry returned no description";
    }
    if (prog->services_version != LULL_SERVICES_VERSION) {
        snprintf(why, sizeof why,
                 "the crate was compiled for version %llu of the runtime's service table, but this runtime has "
                 "version %llu (rebuild the crate with this lull)",
                 (unsigned long long)prog->services_version, (unsigned long long)LULL_SERVICES_VERSION);
        return why;
    }
    if (prog->services_size > sizeof(struct lull_services)) {
        snprintf(why, sizeof why,
                 "the crate needs a service table of %llu bytes, but this runtime's has %llu (the crate is newer "
                 "than the runtime: rebuild it with this lull)",
                 (unsigned long long)prog->services_size, (unsigned long long)sizeof(struct lull_services));
        return why;
    }
    return NULL;
}
