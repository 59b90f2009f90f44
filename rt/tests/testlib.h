/*
 * testlib.h: shared helpers of the runtime's test programs (not a test
 * itself: only *.c files are test programs). A fake program: entry codes
 * are info prefixes followed by dummy bytes, and a C `call_entry` that
 * plays the part of generated code for a few known entries.
 */
#ifndef LULL_TESTLIB_H
#define LULL_TESTLIB_H

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/gc.h"
#include "../src/proc.h"
#include "../src/program.h"
#include "../src/services.h"
#include "lull_rt.h"

__attribute__((unused)) static int failures = 0;
__attribute__((unused)) static int checks = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        checks++;                                                            \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            failures++;                                                      \
        }                                                                    \
    } while (0)

#define CHECK_STR(got, want)                                                            \
    do {                                                                                \
        checks++;                                                                       \
        if (strcmp((got), (want)) != 0) {                                               \
            fprintf(stderr, "%s:%d: got `%s`, want `%s`\n", __FILE__, __LINE__, (got), \
                    (want));                                                            \
            failures++;                                                                 \
        }                                                                               \
    } while (0)

static inline int test_report(const char *name) {
    if (failures != 0) {
        fprintf(stderr, "%s: %d of %d checks failed\n", name, failures, checks);
        return 1;
    }
    printf("%s: %d checks passed\n", name, checks);
    return 0;
}

struct fake_entry {
    alignas(LULL_ENTRY_ALIGN) struct lull_info info;
    unsigned char code[16];
};

#define FAKE(name, coa, np, sz, tg) \
    __attribute__((unused)) static const struct fake_entry name = {.info = {.con_or_arity = (coa), .nptrs = (np), .size = (sz), .tag = (tg)}}

FAKE(e_forward, 0, 0, 2, LULL_TAG_FORWARD);
FAKE(e_ref, 0, 0, 2, LULL_TAG_REF);
FAKE(e_blackhole, 0, 0, 2, LULL_TAG_BLACKHOLE);
FAKE(e_pap, 0, 0, LULL_SIZE_IN_FIRST_WORD, LULL_TAG_PAP);
FAKE(e_rigid, 0, 0, LULL_SIZE_IN_FIRST_WORD, LULL_TAG_RIGID);
FAKE(e_str, 0, 2, 3, LULL_TAG_THUNK);
FAKE(e_nil, 0, 1, 2, LULL_TAG_CON);   /* Nil, padded */
FAKE(e_cons, 1, 0, 3, LULL_TAG_CON);  /* Cons value value */
FAKE(e_chr, 2, 1, 2, LULL_TAG_CON);   /* Chr i64 */
FAKE(e_int, 3, 1, 2, LULL_TAG_CON);   /* I i64 */
FAKE(e_p, 4, 3, 5, LULL_TAG_CON);     /* P i64 f64 value i64: [P, value, i64, f64, i64] */
FAKE(e_k, 2, 1, 2, LULL_TAG_FUN);     /* λx y. x, padded */
FAKE(e_fenv, 1, 1, 4, LULL_TAG_FUN);  /* a FUN with env [ptr, ptr, non-ptr] */
FAKE(e_ind, 0, 0, 2, LULL_TAG_THUNK); /* a thunk whose value is its one field's */
FAKE(e_spin, 0, 1, 2, LULL_TAG_THUNK); /* a thunk that enters itself forever */

static const uint8_t kinds_cons[] = {LULL_FIELD_VALUE, LULL_FIELD_VALUE};
static const uint8_t kinds_chr[] = {LULL_FIELD_I64};
static const uint8_t kinds_p[] = {LULL_FIELD_I64, LULL_FIELD_F64, LULL_FIELD_VALUE, LULL_FIELD_I64};

static const struct lull_con_desc fake_cons[] = {
    {.entry = e_nil.code, .name = "Nil", .nfields = 0, .field_kinds = NULL},
    {.entry = e_cons.code, .name = "Cons", .nfields = 2, .field_kinds = kinds_cons},
    {.entry = e_chr.code, .name = "C", .nfields = 1, .field_kinds = kinds_chr},
    {.entry = e_int.code, .name = "I", .nfields = 1, .field_kinds = kinds_chr},
    {.entry = e_p.code, .name = "P", .nfields = 4, .field_kinds = kinds_p},
};

/* Static objects. */
static inline struct lull_object *static_nil_obj(void) {
    static lull_word nil[2] = {0, 0};
    nil[0] = (lull_word)(uintptr_t)e_nil.code;
    return (struct lull_object *)nil;
}

static struct lull_object *fake_call(struct lull_proc *proc, struct lull_object *self, uint64_t argc);

static struct lull_program fake_program = {
    .services_version = LULL_SERVICES_VERSION,
    .services_size = sizeof(struct lull_services),
    .nentries = 0,
    .entries = NULL,
    .ncons = sizeof fake_cons / sizeof fake_cons[0],
    .cons = fake_cons,
    .pap_entry = e_pap.code,
    .rigid_entry = e_rigid.code,
    .ref_entry = e_ref.code,
    .blackhole_entry = e_blackhole.code,
    .forward_entry = e_forward.code,
    .str_entry = e_str.code,
    .call_entry = fake_call,
};

/* One closure entry (a β-reduction or a thunk evaluation). */
#define FAKE_STEP(proc)                    \
    do {                                   \
        if (--(proc)->regs.fuel <= 0) {    \
            lull_rt_out_of_fuel(proc);     \
        }                                  \
    } while (0)

/* Plays generated code for the fake entries (Note [The data stack]). */
static inline struct lull_object *fake_call(struct lull_proc *proc, struct lull_object *self, uint64_t argc) {
    for (;;) {
        const void *e = self->entry;
        if (e == e_ref.code) {
            self = (struct lull_object *)(uintptr_t)self->contents[0];
        } else if (e == e_blackhole.code) {
            lull_rt_loop(proc);
        } else if (e == e_ind.code) {
            if (argc > 0) {
                abort(); /* not needed by the tests */
            }
            FAKE_STEP(proc);
            struct lull_object *target = (struct lull_object *)(uintptr_t)self->contents[0];
            self->entry = e_blackhole.code;
            lull_ds_push(proc, self); /* the update frame */
            self = target;
        } else if (e == e_spin.code) {
            FAKE_STEP(proc);
        } else if (e == e_str.code) {
            FAKE_STEP(proc);
            return lull_rt_str_unpack(proc, self);
        } else if (e == e_k.code) {
            if (argc == 0) {
                return self;
            }
            if (argc < 2) {
                return lull_rt_make_pap(proc, self, argc);
            }
            FAKE_STEP(proc);
            struct lull_object *a1 = (struct lull_object *)proc->regs.sp[-1];
            proc->regs.sp -= 2;
            argc -= 2;
            self = a1;
        } else if (e == e_pap.code) {
            if (argc == 0) {
                return self;
            }
            uint64_t k = self->contents[0] - 3;
            for (uint64_t j = k; j-- > 0;) {
                lull_ds_push(proc, (struct lull_object *)(uintptr_t)self->contents[2 + j]);
            }
            argc += k;
            self = (struct lull_object *)(uintptr_t)self->contents[1];
        } else if (e == e_rigid.code) {
            return argc == 0 ? self : lull_rt_rigid_apply(proc, self, argc);
        } else if (lull_rt_object_info(self)->tag == LULL_TAG_CON) {
            if (argc > 0) {
                lull_rt_bad_apply(proc, self);
            }
            return self;
        } else {
            abort();
        }
    }
}

static inline struct lull_proc *new_proc(uint64_t max_memory) {
    struct lull_options o = {.max_steps = UINT64_MAX, .max_memory = max_memory};
    lull_program_init(&fake_program);
    return lull_proc_new(&fake_program, &o);
}

static inline lull_word W(const void *p) {
    return (lull_word)(uintptr_t)p;
}

static inline struct lull_object *O(lull_word w) {
    return (struct lull_object *)(uintptr_t)w;
}

/* Allocation helpers: each keeps its pointer arguments in the read-back
 * root stack across the allocation. */
static inline struct lull_object *mk_int(struct lull_proc *proc, int64_t v) {
    lull_word *m = lull_gc_alloc(proc, 2);
    m[0] = W(e_int.code);
    m[1] = (lull_word)v;
    return (struct lull_object *)m;
}

static inline struct lull_object *mk_cons(struct lull_proc *proc, struct lull_object *h, struct lull_object *t) {
    lull_objvec_push(&proc->roots, h);
    lull_objvec_push(&proc->roots, t);
    lull_word *m = lull_gc_alloc(proc, 3);
    t = proc->roots.items[--proc->roots.len];
    h = proc->roots.items[--proc->roots.len];
    m[0] = W(e_cons.code);
    m[1] = W(h);
    m[2] = W(t);
    return (struct lull_object *)m;
}

/* A rigid variable: bound (id) or free (name). */
static inline struct lull_object *mk_var(struct lull_proc *proc, lull_word head) {
    lull_word *m = lull_gc_alloc(proc, 4);
    m[0] = W(e_rigid.code);
    m[1] = 4;
    m[2] = head;
    m[3] = 0;
    return (struct lull_object *)m;
}

/* A rigid `r a` (one more argument). */
static inline struct lull_object *mk_rapp(struct lull_proc *proc, struct lull_object *r, struct lull_object *a) {
    lull_objvec_push(&proc->roots, r);
    lull_objvec_push(&proc->roots, a);
    lull_word *m = lull_gc_alloc(proc, 5);
    a = proc->roots.items[--proc->roots.len];
    r = proc->roots.items[--proc->roots.len];
    m[0] = W(e_rigid.code);
    m[1] = 5;
    m[2] = r->contents[1];
    m[3] = W(r);
    m[4] = W(a);
    return (struct lull_object *)m;
}

static inline uint32_t tag(const struct lull_object *o) {
    return lull_rt_object_info(o)->tag;
}

#endif /* LULL_TESTLIB_H */
