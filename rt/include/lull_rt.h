/*
 * lull_rt.h: the public header of Lull's C runtime (liblull_rt).
 *
 * This header is the single source of truth for the object layout shared by
 * the runtime and the LLVM back end. The back end mirrors the constants below
 * in llvm-backend/src/layout.rs, and a test there (llvm-backend/tests/)
 * parses this file and checks that both agree: when you change a value here,
 * change it there too. Keep every constant a plain `#define NAME VALUE` line
 * or an `enumerator = VALUE,` line so that the test's text scan finds it.
 *
 * Note [Object layout]
 * ~~~~~~~~~~~~~~~~~~~~
 * Every heap object starts with one word pointing at its entry code, followed
 * by its contents (free variables, fields, arguments). An object is at least
 * LULL_MIN_OBJECT_WORDS words long, so that any object can be overwritten in
 * place by a REF (entry + target) or a FORWARD (entry + new address).
 *
 *      object                      entry code
 *     +----------------+          +---------------------------+
 *     | entry  --------+--------->| machine code ...          |
 *     +----------------+          +---------------------------+
 *     | content word 0 |
 *     | content word 1 |          the 16 bytes right before the entry code
 *     | ...            |          (the info prefix, struct lull_info):
 *     +----------------+
 *                                  entry-16  u32 con_or_arity
 *                                  entry-12  u32 nptrs
 *                                  entry- 8  u32 size     \  the seed's gc_data,
 *                                  entry- 4  u32 tag      /  still at entry - 8
 *
 *  - con_or_arity: the constructor number of a CON, the arity of a FUN;
 *    0 for other tags.
 *  - nptrs: for a CON, the number of non-pointer content words (fields are
 *    laid out pointers first, so the non-pointers are the last nptrs words).
 *  - size: the object's size in words, the entry word included. Size
 *    LULL_SIZE_IN_FIRST_WORD (0) means that the true size is in the object's
 *    first content word (PAPs, rigid terms).
 *  - tag: one of enum lull_tag below; the values are fixed, the back end and
 *    the collector switch on them.
 *
 * The prefix is 16 bytes so that entry codes stay LULL_ENTRY_ALIGN-aligned
 * when the function (prefix included) is 16-aligned. The back end emits it
 * with LLVMSetPrefixData (see llvm-backend/src/smoke.rs).
 */
#ifndef LULL_RT_H
#define LULL_RT_H

#include <stddef.h>
#include <stdint.h>

/* The machine word, in bytes. Lull targets x86-64 only. */
#define LULL_WORD_SIZE 8

/* Minimum object size in words (entry word + one content word).
 * See Note [Object layout]. */
#define LULL_MIN_OBJECT_WORDS 2

/* Size of the info prefix before every entry code, in bytes. */
#define LULL_INFO_SIZE 16

/* Byte offsets of the info prefix fields from the start of the prefix
 * (that is, from entry - LULL_INFO_SIZE). */
#define LULL_INFO_OFFSET_CON_OR_ARITY 0
#define LULL_INFO_OFFSET_NPTRS 4
#define LULL_INFO_OFFSET_SIZE 8
#define LULL_INFO_OFFSET_TAG 12

/* Alignment of entry codes, in bytes. */
#define LULL_ENTRY_ALIGN 16

/* A size field equal to this means: the size is in the first content word. */
#define LULL_SIZE_IN_FIRST_WORD 0

/* Object tags, stored in the info prefix. The values are fixed. */
enum lull_tag {
    LULL_TAG_FORWARD = 0,   /* moved by the collector; word 1 is the new address */
    LULL_TAG_REF = 1,       /* an updated thunk; word 1 is the value */
    LULL_TAG_FUN = 2,       /* a function closure; con_or_arity is its arity */
    LULL_TAG_PAP = 3,       /* a partial application; size in word 1 */
    LULL_TAG_RIGID = 4,     /* a free variable applied to a spine; size in word 1 */
    LULL_TAG_THUNK = 5,     /* an unevaluated expression */
    LULL_TAG_BLACKHOLE = 6, /* a thunk under evaluation; re-entry is <<loop>> */
    LULL_TAG_CON = 7,       /* a constructor; con_or_arity is its number */
};

/* The number of tags; tags are 0 .. LULL_TAG_COUNT - 1. */
#define LULL_TAG_COUNT 8

typedef uint64_t lull_word;

/* The info prefix. See Note [Object layout]. */
struct lull_info {
    uint32_t con_or_arity;
    uint32_t nptrs;
    uint32_t size;
    uint32_t tag;
};

/* A heap object: the entry word, then the contents. */
struct lull_object {
    const void *entry;
    lull_word contents[];
};

_Static_assert(sizeof(lull_word) == LULL_WORD_SIZE, "word size");
_Static_assert(sizeof(void *) == LULL_WORD_SIZE, "pointer size");
_Static_assert(sizeof(struct lull_info) == LULL_INFO_SIZE, "info prefix size");
_Static_assert(offsetof(struct lull_info, con_or_arity) == LULL_INFO_OFFSET_CON_OR_ARITY,
               "con_or_arity offset");
_Static_assert(offsetof(struct lull_info, nptrs) == LULL_INFO_OFFSET_NPTRS, "nptrs offset");
_Static_assert(offsetof(struct lull_info, size) == LULL_INFO_OFFSET_SIZE, "size offset");
_Static_assert(offsetof(struct lull_info, tag) == LULL_INFO_OFFSET_TAG, "tag offset");

/* The info prefix of an entry code. See Note [Object layout]. */
const struct lull_info *lull_rt_info_of(const void *entry);

/* The info prefix of an object (through its entry word). */
const struct lull_info *lull_rt_object_info(const struct lull_object *obj);

/* The size of an object in words, entry word included: the size field of its
 * info prefix, or its first content word when that field is
 * LULL_SIZE_IN_FIRST_WORD. */
size_t lull_rt_object_words(const struct lull_object *obj);

/* The name of a tag ("FORWARD", ..., "CON"), or "?" for an invalid one. */
const char *lull_rt_tag_name(uint32_t tag);


/* ======================================================================
 * The native protocol: what generated code and the runtime agree on.
 * ======================================================================
 *
 * Note [Registers and the entry signature]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Every entry code (generated, or one of the support entries the back end
 * emits: PAP, RIGID, REF, BLACKHOLE, string) is an LLVM `ghccc` function
 *
 *     {ptr, ptr, i64} entry(ptr hp, ptr proc, ptr sp, ptr addrspace(1) self,
 *                           ptr hl, i64 a5, i64 a6, i64 a7, i64 a8, i64 argc)
 *
 * so hp=r13, proc=rbp, sp=r12, self=rbx, argc=r15 (a5..a8 are unused).
 * It returns {hp, sp, self} (rax, rdx, rcx): the heap pointer, the data
 * stack pointer and the value (self as an integer). Generated code keeps
 * hp and sp in registers and stores them into the proc (below) before
 * calling any runtime service that may look at the heap or the data stack,
 * and reloads hp and sp from the proc after every call into the runtime or
 * into other generated code.
 *
 * The heap limit is *not* kept in a register, a departure from the seed
 * (004 pins hl in r14): the `hl` parameter (r14) is passed as `undef`,
 * and every heap check loads the limit from the proc (proc->regs.hl, at
 * rbp+8; see body.rs's heap check). So the runtime may change the limit
 * at any time (to preempt, say) without a reload protocol. The cost of
 * that load against a pinned register has not been measured yet (issue
 * 13 asks for it).
 *
 * Note [The data stack]
 * ~~~~~~~~~~~~~~~~~~~~~
 * The data stack holds GC pointers only (object addresses, never
 * integers). It grows upward: `sp` points at the first free slot and the
 * top element is sp[-1]. Arguments are pushed last first, so the first
 * argument is on top. Entering `f a1 a2 a3` with an empty pending set:
 *
 *        | ...          |
 *        | a3           |  sp[-3]
 *        | a2           |  sp[-2]
 *        | a1           |  sp[-1]   argc = 3, self = f
 *  sp -> |              |
 *
 * Entering an object pops argc arguments and leaves the value of
 * `self a1 .. a_argc` (in weak head normal form) as the returned self; the
 * returned sp is the caller's sp minus argc plus the update frames pushed
 * on the way (Note [Update frames]).
 *
 *  - FUN of arity n, argc >= n: pops a1..an into its parameters and runs
 *    its body with `pending = argc - n`; the body's tail call pushes its
 *    own arguments on top of the pending ones and enters with
 *    argc = pending + k (over-application costs nothing). A body that
 *    delivers a value v at its tail with pending > 0 enters v with
 *    argc = pending.
 *  - FUN with 0 < argc < n: tail-calls the back end's PAP stub, which
 *    builds a PAP holding self and the argc arguments (popped) and returns
 *    it; it allocates inline and calls lull_rt_make_pap only when the
 *    nursery is full. argc = 0: returns self.
 *  - PAP entered with argc > 0: pushes its k saved arguments on top
 *    (saved first argument on top, so they come before the new ones) and
 *    enters its function with argc + k. argc = 0: returns self.
 *  - RIGID entered with argc > 0: makes a new RIGID whose spine is self's
 *    followed by the argc arguments (popped); inline, or through
 *    lull_rt_rigid_apply when the nursery is full.
 *  - CON: argc = 0 returns self; argc > 0 is a run-time error
 *    (lull_rt_bad_apply).
 *  - REF: enters its value with the same argc.
 *  - BLACKHOLE: `<<loop>>` (exit 1), unless another proc is evaluating
 *    it: then it waits and enters it again (the blackhole service, Note
 *    [CAFs and procs] in rt/src/sched.c).
 *  - THUNK with argc = 0: see Note [Update frames]. With argc > 0: the
 *    back end's thunk-apply stub makes a real call of self with argc 0,
 *    performs the updates, then enters the value with argc.
 *
 * Note [Update frames]
 * ~~~~~~~~~~~~~~~~~~~~
 * A THUNK entered with argc = 0 loads its free variables, overwrites its
 * entry word with lull_blackhole_entry (blackholing: entering it again
 * reports `<<loop>>`), pushes itself on the data stack (its update frame)
 * and runs its body, whose tail calls leave the frame where it is:
 *
 *  before entry       after the thunk's entry    when the value returns
 *  | ...       |      | ...          |           | ...          |
 *  |           |<-sp  | thunk (BH)   |           | thunk (BH)   |
 *                     |              |<-sp       | thunk2 (BH)  |  (a tail
 *                                                |              |<-sp  chain)
 *
 * Nobody pops update frames on the way: whoever made the *real* call (a
 * strict position in generated code, the thunk-apply stub, or the runtime
 * through lull_call_entry) knows the sp it expects back (its sp before it
 * pushed the arguments) and overwrites every object between that sp and the
 * returned sp with a REF to the value (lull_rt_update_frames, which also
 * runs the write barrier). So adjacent update frames collapse for free: a
 * chain of thunks that tail-enter one another costs no native stack, and all
 * of them are updated with the one value when it comes back.
 *
 * Note [Objects the runtime knows]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Content words are numbered from 1 (word 0 is the entry). Pointer words
 * come first; `nptrs` of the info prefix counts the trailing non-pointer
 * words for FUN, THUNK and CON objects.
 *
 *   FUN        [entry, env...]              size from the info prefix
 *   THUNK      [entry, env...]              size from the info prefix
 *   CON        [entry, fields...]           pointer fields first
 *   PAP        [entry, size, fun, a1..ak]   info size 0; a1 = first argument
 *   RIGID      [entry, size, head, prev, a1..ak]
 *              head: a bound variable as (id << 1) | 1, or the address of
 *              the NUL-terminated name of a free variable (even);
 *              prev: NULL or the RIGID whose spine comes before a1..ak.
 *   REF        [entry, value]
 *   BLACKHOLE  [entry, ...]                 contents dead; copied as 2 words
 *   FORWARD    [entry, new address]         only during a collection
 *   string     [lull_str_entry, desc, byte offset]  a THUNK with nptrs 2
 *
 * Every object is at least LULL_MIN_OBJECT_WORDS words (padded with a
 * zero word). Static objects (globals, nullary constructors, free
 * variables) live in the generated module's data; the collector never moves
 * them and tells them apart by address (outside every heap block). A static
 * THUNK (a CAF) that is updated becomes a permanent root.
 */

/* The per-proc machine state. Generated code reads and writes the fields
 * up to `fuel` at the offsets below (mirrored in llvm-backend/src/layout.rs);
 * the rest belongs to the runtime. */
struct lull_proc;

#define LULL_PROC_OFFSET_HP 0
#define LULL_PROC_OFFSET_HL 8
#define LULL_PROC_OFFSET_SP 16
#define LULL_PROC_OFFSET_FUEL 24
#define LULL_PROC_OFFSET_NURSERY_LO 32
#define LULL_PROC_OFFSET_NURSERY_SIZE 40
#define LULL_PROC_OFFSET_DS_CHECK 48
#define LULL_PROC_OFFSET_SVC 56

/* struct lull_proc_regs: after struct lull_services, below. */

/* A constructor's description, for read-back and printing. */
#define LULL_FIELD_VALUE 0
#define LULL_FIELD_I64 1
#define LULL_FIELD_F64 2
struct lull_con_desc {
    const void *entry;          /* the constructor's entry code */
    const char *name;           /* NUL-terminated */
    uint64_t nfields;
    const uint8_t *field_kinds; /* source order, LULL_FIELD_* */
    uint64_t data;              /* its data type's index in its Core module
                                   (Module::datas), for the dataid primitive */
};

/* A string literal, unpacked lazily by lull_rt_str_unpack. */
struct lull_str_desc {
    const char *bytes;          /* UTF-8, not NUL-terminated */
    uint64_t len;
    const void *nil_entry;      /* entry codes of the list and char constructors */
    const void *cons_entry;
    const void *chr_entry;
    const struct lull_object *nil_static; /* the static nullary Nil object */
};

/* A CAF of a crate: its static object and its entry code. */
struct lull_caf {
    struct lull_object *object;
    const void *entry;
};

/* A function a crate exports to a host. */
struct lull_export {
    const char *name;           /* its Lull name, NUL-terminated */
    struct lull_object *value;  /* its static object */
    const char *type;           /* the code of its type: Note [Export types] in
                                   frontend/src/lull/lower/export.rs */
    const char *type_text;      /* its type in Haskell syntax */
};

typedef struct lull_object *(*lull_call_entry_fn)(struct lull_proc *proc, struct lull_object *self,
                                                   uint64_t argc);

struct lull_program;
struct lull_services;
typedef const struct lull_program *(*lull_entry_fn)(const struct lull_services *svc);

/* Note [Crate imports]
 * ~~~~~~~~~~~~~~~~~~~~
 * A crate refers to a definition of another crate (a program to the
 * library's `map`) through one slot of its import table: generated code
 * loads the slot and treats the value as an unknown closure (it may be a
 * CAF: it is entered before use, and called through its entry word). The
 * slot is the one indirection between crates, in one place, so that it
 * can become the seed's TOC (lazily resolved, informed on reload) without
 * touching generated code.
 *
 * The crate's description lists the crates it imports from (deps, by
 * their entries), and one struct lull_import per slot: the symbol, the
 * slot, the dep that defines it. A crate offers its definitions to others
 * in `symbols`, sorted by name (strcmp). Before a crate runs, the runtime
 * links it (lull_program_link in rt/src/link.c): it calls each dep's
 * entry, links the dep first, and fills every slot from the dep's symbols;
 * a symbol that is missing is an internal error naming it. Slots are
 * written once, before any code of the crate runs, and never again.
 *
 * A library crate (the Prelude and the library modules) is one object
 * whose only global symbol is its own entry, `lull_entry_lib_<key>`
 * (hidden): it is linked, statically, into every executable and every
 * shared crate that imports from it, so each crate a host opens has its
 * library, its CAFs and its constructor entries to itself. Constructor
 * entries of the same type exist in both crates; nothing compares entry
 * addresses, only the tags and constructor numbers of the info words, and
 * the runtime's table of constructor descriptions covers a crate and its
 * deps (rt/src/program.c). */
struct lull_import {
    const char *name;           /* the symbol, NUL-terminated */
    struct lull_object **slot;  /* the import table's slot */
    uint64_t dep;               /* the index in deps of the crate defining it */
};

/* A definition a crate offers to the crates that import from it. */
struct lull_symbol {
    const char *name;           /* NUL-terminated; sorted by strcmp */
    struct lull_object *value;  /* its static object */
};

/* Everything a crate gives the runtime, returned by its entry (below). */
struct lull_program {
    /* The service table the crate was compiled against: Note [The
     * service table]. */
    uint64_t services_version;
    uint64_t services_size;
    uint64_t nentries;
    struct lull_object *const *entries;  /* the static objects to run */
    uint64_t ncons;
    const struct lull_con_desc *cons;
    /* Support entry codes emitted by the back end. */
    const void *pap_entry;
    const void *rigid_entry;
    const void *ref_entry;
    const void *blackhole_entry;
    const void *forward_entry;
    const void *str_entry;
    /* The C-to-generated-code trampoline: loads hp, hl, sp from the proc,
     * enters self with argc arguments already on the data stack, stores hp
     * and sp back, and returns the value. The caller then performs the
     * updates between its expected sp and proc->sp (Note [Update frames]). */
    lull_call_entry_fn call_entry;
    /* The crate's GC stack maps (its llvm_stackmaps section, bounds
     * defined by the linker inside the crate). */
    const uint8_t *stackmaps_start;
    const uint8_t *stackmaps_end;
    /* Every CAF (static THUNK) and the entry it was linked with, so that an
     * embedding can put them back after a failed call (Note [Calls from a
     * host] in rt/src/embed.c). */
    uint64_t ncafs;
    const struct lull_caf *cafs;
    /* The functions a host may call (crates built with --crate). */
    uint64_t nexports;
    const struct lull_export *exports;
    /* Links to other crates: Note [Crate imports]. */
    uint64_t ndeps;
    const lull_entry_fn *deps;
    uint64_t nimports;
    const struct lull_import *imports;
    uint64_t nsymbols;
    const struct lull_symbol *symbols;
};

/* Note [Crate entries]
 * ~~~~~~~~~~~~~~~~~~~~
 * A crate's one exported symbol is its entry, LULL_ENTRY_SYMBOL, of type
 * lull_entry_fn: the runtime calls it with its service table and gets the
 * crate's description back. The entry itself does not look at the table
 * today; what a crate imports from other crates is resolved by the runtime
 * (Note [Crate imports]). An executable's start stub (rt/start/start.c)
 * hands the entry to lull_rt_start; an embedding host finds it with dlsym
 * (lull_crate_open in rt/include/lull_embed.h). A library crate's entry
 * has a name of its own and is not exported. The description's layout is
 * versioned with the service table (LULL_SERVICES_VERSION). */
#define LULL_ENTRY_SYMBOL "lull_entry"

/* Runtime services called by generated code (C convention). The ones
 * marked GC may collect: generated code calls them as statepoints, with hp
 * and sp stored in the proc, and reloads hp, hl and sp afterwards. The
 * others are `gc-leaf-function` calls. */
void lull_rt_gc(struct lull_proc *proc, uint64_t words);                               /* GC */
struct lull_object *lull_rt_make_pap(struct lull_proc *proc, struct lull_object *f, uint64_t argc); /* GC */
struct lull_object *lull_rt_rigid_apply(struct lull_proc *proc, struct lull_object *r, uint64_t argc); /* GC */
struct lull_object *lull_rt_str_unpack(struct lull_proc *proc, struct lull_object *s);  /* GC */
/* lull_rt_str_unpack overwrites s with a REF to its value itself: the
 * string entry must neither blackhole s nor push an update frame for it
 * (see Note [Unpacking strings] in rt/src/services.c). */
void lull_rt_update_frames(struct lull_proc *proc, lull_word **base, lull_word **top, struct lull_object *v);
void lull_rt_out_of_fuel(struct lull_proc *proc);
void lull_rt_putchar(struct lull_proc *proc, int64_t c);
int64_t lull_rt_getchar(struct lull_proc *proc);
/* The primitives of Core's IO programs and numeric library (leaf calls;
 * see PrimOp in middle/src/core/ir.rs for what each one means). Handles:
 * 0 stdin, 1 stdout (the putchar buffer), 2 stderr (unbuffered), >= 3
 * files opened by lull_rt_hopen. */
int64_t lull_rt_dataid(struct lull_proc *proc, struct lull_object *v);
int64_t lull_rt_fshowchar(double x, int64_t i);
/* The Unicode property `which` of code point c (PrimOp::UniProp): 0 the
   general category, 1 the simple upper case, 2 the simple lower case. */
int64_t lull_rt_uniprop(int64_t c, int64_t which);
double lull_rt_fdec(int64_t m, int64_t e);
void lull_rt_hputchar(struct lull_proc *proc, int64_t h, int64_t c);
int64_t lull_rt_hgetchar(struct lull_proc *proc, int64_t h);
void lull_rt_hflush(struct lull_proc *proc, int64_t h);
/* PrimOp::HCommit: Note [Pending output] in rt/src/io.c. */
void lull_rt_hcommit(struct lull_proc *proc, int64_t h, int64_t mode);
void lull_rt_hclose(struct lull_proc *proc, int64_t h);
void lull_rt_pathchar(struct lull_proc *proc, int64_t c);
int64_t lull_rt_hopen(struct lull_proc *proc, int64_t mode);
_Noreturn void lull_rt_exit(struct lull_proc *proc, int64_t status);
int64_t lull_rt_argcount(struct lull_proc *proc);
int64_t lull_rt_argchar(struct lull_proc *proc, int64_t i, int64_t j);
/* Haskell's `show` of a double into buf (at least 32 bytes); its length. */
size_t lull_show_double(double x, char *buf);

_Noreturn void lull_rt_loop(struct lull_proc *proc);
_Noreturn void lull_rt_bad_apply(struct lull_proc *proc, struct lull_object *self);
_Noreturn void lull_rt_error(struct lull_proc *proc, const char *msg, const char *loc); /* loc may be NULL */
_Noreturn void lull_rt_no_match(struct lull_proc *proc);

/* Added by the runtime: the interpreter's exact messages for a failed
 * case, when the back end knows what it scrutinised.
 *   no_match_con: "no case alternative matches constructor NAME"
 *   no_match_i64: "no case alternative matches N"
 *   no_match_f64: "no case alternative matches X" (X in Rust's {:?} form)
 *   bad_case:     "case over WHAT on DESC" (WHAT e.g. "a data type",
 *                 "integers", "floats"; DESC describes v as the
 *                 interpreter does: "a function", "constructor C", ...) */
_Noreturn void lull_rt_no_match_con(struct lull_proc *proc, struct lull_object *v);
_Noreturn void lull_rt_no_match_i64(struct lull_proc *proc, int64_t n);
_Noreturn void lull_rt_no_match_f64(struct lull_proc *proc, double x);
_Noreturn void lull_rt_bad_case(struct lull_proc *proc, struct lull_object *v, const char *what);

/* Note [The service table]
 * ~~~~~~~~~~~~~~~~~~~~~~~~
 * Generated code reaches the runtime only through this table: no object
 * the back end writes refers to a runtime symbol (a test runs `nm -u` on a
 * crate). The runtime fills one table (lull_rt_services, services.c) and
 * copies it into every proc (proc->regs.svc, at LULL_PROC_OFFSET_SVC from
 * rbp), so a service call is one indirect call through memory at a
 * constant offset from rbp:
 *
 *     call *(LULL_PROC_OFFSET_SVC + LULL_SVC_OFFSET_<NAME>)(%rbp)
 *
 * (A copy rather than a pointer saves a dependent load per call, for
 * LULL_SERVICES_SIZE bytes per proc.) The one service on a hot path,
 * update_frames after every real call that left update frames, has its
 * common case inline: Note [Inline updates].
 *
 * Note [Inline updates]
 * ~~~~~~~~~~~~~~~~~~~~~
 * When a real call returns with exactly one update frame whose object is
 * in the nursery (the range in proc->regs.nursery_lo/nursery_size, kept by
 * the collector), generated code overwrites it with a REF to the value
 * itself: no write barrier is needed for a nursery object (Note [The
 * remembered set] in rt/src/gc.c). Every other case calls
 * lull_rt_update_frames. Through the table, that call made bench.lc 8%
 * slower than the direct call before it (an indirect call per update;
 * measured 2026-12-07 on an AMD EPYC, docs/benchmarks.md); inline, the
 * table costs nothing measurable.
 *
 * The hot paths do not call: allocation, the heap check, entering an
 * object and the fuel count stay inline in generated code.
 *
 * The table is versioned: a crate records the version and the size of the
 * table it was compiled against (the first words of its struct
 * lull_program), and the runtime refuses a crate whose version differs or
 * that needs a bigger table than the runtime has. Adding a service at the
 * end keeps old crates working (bump nothing, the size grows; the procs'
 * services came so); changing or
 * removing one bumps LULL_SERVICES_VERSION, as does a change of struct
 * lull_program (version 2: the links of Note [Crate imports]). The byte offsets below are
 * mirrored in llvm-backend/src/layout.rs (SERVICES) and checked by its
 * test; _Static_asserts in services.c check them against the struct.
 * The services are documented at their declarations above.
 */
#define LULL_SERVICES_VERSION 3
#define LULL_SVC_OFFSET_GC 16
#define LULL_SVC_OFFSET_MAKE_PAP 24
#define LULL_SVC_OFFSET_RIGID_APPLY 32
#define LULL_SVC_OFFSET_STR_UNPACK 40
#define LULL_SVC_OFFSET_UPDATE_FRAMES 48
#define LULL_SVC_OFFSET_OUT_OF_FUEL 56
#define LULL_SVC_OFFSET_PUTCHAR 64
#define LULL_SVC_OFFSET_GETCHAR 72
#define LULL_SVC_OFFSET_DATAID 80
#define LULL_SVC_OFFSET_FSHOWCHAR 88
#define LULL_SVC_OFFSET_UNIPROP 96
#define LULL_SVC_OFFSET_FDEC 104
#define LULL_SVC_OFFSET_HPUTCHAR 112
#define LULL_SVC_OFFSET_HCOMMIT 120
#define LULL_SVC_OFFSET_HGETCHAR 128
#define LULL_SVC_OFFSET_HFLUSH 136
#define LULL_SVC_OFFSET_HCLOSE 144
#define LULL_SVC_OFFSET_PATHCHAR 152
#define LULL_SVC_OFFSET_HOPEN 160
#define LULL_SVC_OFFSET_EXIT 168
#define LULL_SVC_OFFSET_ARGCOUNT 176
#define LULL_SVC_OFFSET_ARGCHAR 184
#define LULL_SVC_OFFSET_LOOP 192
#define LULL_SVC_OFFSET_BAD_APPLY 200
#define LULL_SVC_OFFSET_ERROR 208
#define LULL_SVC_OFFSET_NO_MATCH 216
#define LULL_SVC_OFFSET_NO_MATCH_CON 224
#define LULL_SVC_OFFSET_NO_MATCH_I64 232
#define LULL_SVC_OFFSET_NO_MATCH_F64 240
#define LULL_SVC_OFFSET_BAD_CASE 248
#define LULL_SVC_OFFSET_SPAWN 256
#define LULL_SVC_OFFSET_PROCSELF 264
#define LULL_SVC_OFFSET_NEWCHAN 272
#define LULL_SVC_OFFSET_SEND 280
#define LULL_SVC_OFFSET_RECV 288
#define LULL_SVC_OFFSET_WAIT 296
#define LULL_SVC_OFFSET_EXITCHAR 304
#define LULL_SVC_OFFSET_YIELD 312
#define LULL_SVC_OFFSET_BLACKHOLE 320
#define LULL_SVC_OFFSET_MORESTACK 328
#define LULL_SVC_OFFSET_DS_OVERFLOW 336
#define LULL_SERVICES_SIZE 344

struct lull_services {
    uint64_t version; /* LULL_SERVICES_VERSION */
    uint64_t size;    /* sizeof(struct lull_services) of the runtime */
    void (*gc)(struct lull_proc *proc, uint64_t words);
    struct lull_object *(*make_pap)(struct lull_proc *proc, struct lull_object *f, uint64_t argc);
    struct lull_object *(*rigid_apply)(struct lull_proc *proc, struct lull_object *r, uint64_t argc);
    struct lull_object *(*str_unpack)(struct lull_proc *proc, struct lull_object *s);
    void (*update_frames)(struct lull_proc *proc, lull_word **base, lull_word **top, struct lull_object *v);
    void (*out_of_fuel)(struct lull_proc *proc);
    void (*putchar)(struct lull_proc *proc, int64_t c);
    int64_t (*getchar)(struct lull_proc *proc);
    int64_t (*dataid)(struct lull_proc *proc, struct lull_object *v);
    int64_t (*fshowchar)(double x, int64_t i);
    int64_t (*uniprop)(int64_t c, int64_t which);
    double (*fdec)(int64_t m, int64_t e);
    void (*hputchar)(struct lull_proc *proc, int64_t h, int64_t c);
    void (*hcommit)(struct lull_proc *proc, int64_t h, int64_t mode);
    int64_t (*hgetchar)(struct lull_proc *proc, int64_t h);
    void (*hflush)(struct lull_proc *proc, int64_t h);
    void (*hclose)(struct lull_proc *proc, int64_t h);
    void (*pathchar)(struct lull_proc *proc, int64_t c);
    int64_t (*hopen)(struct lull_proc *proc, int64_t mode);
    void (*exit)(struct lull_proc *proc, int64_t status); /* never returns */
    int64_t (*argcount)(struct lull_proc *proc);
    int64_t (*argchar)(struct lull_proc *proc, int64_t i, int64_t j);
    void (*loop)(struct lull_proc *proc); /* never returns */
    void (*bad_apply)(struct lull_proc *proc, struct lull_object *self); /* never returns */
    void (*error)(struct lull_proc *proc, const char *msg, const char *loc); /* never returns */
    void (*no_match)(struct lull_proc *proc); /* never returns */
    void (*no_match_con)(struct lull_proc *proc, struct lull_object *v); /* never returns */
    void (*no_match_i64)(struct lull_proc *proc, int64_t n); /* never returns */
    void (*no_match_f64)(struct lull_proc *proc, double x); /* never returns */
    void (*bad_case)(struct lull_proc *proc, struct lull_object *v, const char *what); /* never returns */
    /* Procs: the primitives of Lull.Proc (PrimOp::Spawn ... Yield in
     * middle/src/core/ir.rs; Note [Procs] in rt/src/sched.c). recv is the
     * one GC call; the others are leaf calls that may switch procs. */
    int64_t (*spawn)(struct lull_proc *proc, struct lull_object *action, int64_t memory, int64_t ticks);
    int64_t (*procself)(struct lull_proc *proc);
    int64_t (*newchan)(struct lull_proc *proc);
    void (*send)(struct lull_proc *proc, int64_t chan, struct lull_object *v);
    struct lull_object *(*recv)(struct lull_proc *proc, int64_t chan); /* GC */
    int64_t (*wait)(struct lull_proc *proc, int64_t pid);
    int64_t (*exitchar)(struct lull_proc *proc, int64_t pid, int64_t j);
    void (*yield)(struct lull_proc *proc);
    /* The BLACKHOLE entry's: Note [CAFs and procs]. Returns when the
     * object may have been updated by another proc (enter it again);
     * `<<loop>>` when it is one of the proc's own update frames (the data
     * stack up to sp). */
    void (*blackhole)(struct lull_proc *proc, struct lull_object *self, lull_word **sp);
    /* Segmented stacks (Note [Segmented stacks] in rt/src/segment.c): the
     * generated object's __morestack jumps to `morestack` (not a C
     * function: its own protocol, r10 = the frame size); `ds_overflow` is
     * called by an entry whose sp is past regs.ds_check. */
    void (*morestack)(void);
    void (*ds_overflow)(struct lull_proc *proc); /* never returns */
};

/* The runtime's own table. */
extern const struct lull_services lull_rt_services;

struct lull_proc_regs {
    lull_word *hp;    /* next free heap word (bump allocation upward) */
    lull_word *hl;    /* heap limit: allocation may not pass it */
    lull_word **sp;   /* data stack pointer: first free slot */
    int64_t fuel;     /* decremented at every closure entry; <= 0 calls
                         lull_rt_out_of_fuel (step limit, timeout) */
    uintptr_t nursery_lo;   /* the nursery's range, for the update of a */
    uintptr_t nursery_size; /* young frame inline: Note [Inline updates] */
    lull_word **ds_check;   /* an entry with sp beyond it calls ds_overflow:
                               Note [Segmented stacks] in rt/src/segment.c */
    struct lull_services svc; /* a copy of the service table: Note [The service table] */
};

/* The runtime's main, called by an executable's start stub with its
 * crate's entry: parses the run-time arguments (see rt/src/main.c), runs
 * the program's entries and prints the result. */
int lull_rt_start(int argc, char **argv, lull_entry_fn entry);

/* Why the runtime cannot run `prog` (a service table version or size it
 * does not offer), in a static buffer, or NULL when it can. */
const char *lull_program_check(const struct lull_program *prog);

#endif /* LULL_RT_H */
