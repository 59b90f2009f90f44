/*
 * proc.h: the proc (the runtime's per-run machine state) and its stacks.
 */
#ifndef LULL_PROC_H
#define LULL_PROC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gc.h"
#include "lull_rt.h"

#define LULL_STACK_DEFAULT_BYTES ((size_t)1 << 30)
#define LULL_GUARD_BYTES ((size_t)1 << 20)
/* A spawned proc's stacks and nursery (Note [Procs] in sched.c). */
#define LULL_PROC_STACK_DEFAULT_BYTES ((size_t)256 << 20)
#define LULL_PROC_DATA_STACK_DEFAULT_BYTES ((size_t)32 << 20)
#define LULL_PROC_NURSERY_DEFAULT_BYTES ((size_t)64 << 10)

/* The limits and options of a run. */
struct lull_options {
    uint64_t max_steps;  /* UINT64_MAX: none */
    uint64_t max_memory; /* bytes */
    double timeout;      /* seconds; <= 0: none */
    bool has_timeout;
    bool stats;
    bool discard;
    bool nodes; /* --nodes: Note [Normal forms for a library caller] */
};

struct lull_proc {
    struct lull_proc_regs regs; /* must come first: generated code's view */

    /* The return-address slot of the GC-capable service that generated
     * code called last (NULL when the runtime runs on its own): where the
     * frame walk starts. See Note [Walking generated frames] in stackmap.c. */
    void **last_ret_slot;

    /* The watermark: the return-address slot hijacked after the last
     * collection (it holds lull_watermark_return), and the return address
     * it held; NULL when there is none. Every generated frame older than
     * the slot has not run since a collection. See Note [The watermark] in
     * watermark.c. */
    void **wm_slot;
    void *wm_ret;

    const struct lull_program *prog;
    struct lull_options opts;

    /* The data stack: [ds_base, ds_limit), guard above ds_limit. */
    lull_word **ds_base;
    lull_word **ds_limit;
    void *ds_map;
    size_t ds_map_bytes;

    /* The native stack of the run's thread: [ns_lo, ns_hi), guard below. */
    char *ns_map;
    size_t ns_map_bytes;
    char *ns_lo, *ns_hi;
    /* A stack was made smaller than its default by --max-memory: its
     * overflow is reported as the memory limit. */
    bool ds_capped, ns_capped;
    size_t guard_bytes; /* of each stack's guard region */

    struct lull_gc gc;

    /* The read-back root stack (scanned and updated by the collector). */
    struct lull_objvec roots;

    /* Steps: see Note [Fuel] in services.c. */
    uint64_t steps_done;  /* closure entries paid for before the last refill */
    int64_t fuel_refill;  /* the fuel given at the last refill */
    atomic_int timed_out;

    /* Memory accounting: bytes outside the heap counted against the limit
     * (the read-back's node array), and the peak. */
    uint64_t extra_bytes;
    uint64_t peak_bytes;
    uint64_t ds_peak_bytes;
    uint64_t ns_peak_bytes; /* native stack in use: the deepest rsp seen at collections */

    /* The first rigid-variable id not yet used by read-back. */
    uint64_t next_rigid;

    /* Procs (Note [Procs] in sched.c): its number (1: main), its saved
     * native stack pointer while it does not run, its link in the run
     * queue or in a wait list, its state, why it stops early (enum
     * lull_stop), its tick budget (0: none), whether opts.max_memory is a
     * budget of its own, its escape while it does not run, and the action
     * of a proc not started yet. */
    uint64_t pid;
    void *ctx_sp;
    struct lull_proc *link;
    int state;
    int stop;
    uint64_t tick_budget;
    bool memory_budget;
    struct lull_escape *escape;
    struct lull_msg *start;

    /* A spawned proc's stacks come from the pool (Note [Segmented stacks]
     * in segment.c): its current native segment (ns_lo, ns_hi are its
     * bounds), the bytes of the older segments in use, the most its
     * segments may add up to, its split-stack limit (0 for main) and
     * whether its stacks are the pool's. */
    struct lull_seg *seg;
    uint64_t ns_below;
    size_t ns_cap;
    uintptr_t ns_limit;
    bool pooled;
    /* A spawned proc's block (the proc is in it), and the room there for
     * its escape's text (2 x LULL_ESCAPE_TEXT bytes). */
    char *block;
    size_t block_bytes;
    char *child_text;
    /* The data stack's size asked for (the limit messages name it). */
    size_t ds_bytes;
};

/* Create a proc for `prog`: stacks, heap, limits. */
struct lull_proc *lull_proc_new(const struct lull_program *prog, const struct lull_options *opts);

/* Create a proc spawned by `parent`: smaller stacks and nursery
 * (LULL_PROC_STACK, LULL_PROC_NURSERY), the parent's limits, and a memory
 * budget of `memory` bytes when it is not 0. */
struct lull_proc *lull_proc_new_child(const struct lull_proc *parent, uint64_t memory);
void lull_proc_free(struct lull_proc *proc);

/* Run `fn(arg)` on a thread whose stack is the proc's native stack, with
 * the overflow handler installed; returns fn's result. */
int lull_proc_run(struct lull_proc *proc, int (*fn)(struct lull_proc *, void *), void *arg);

/* Steps taken so far (closure entries). */
uint64_t lull_proc_steps(const struct lull_proc *proc);

/* Record the current memory use in the peak. */
void lull_proc_account(struct lull_proc *proc);

/* Push/pop on the data stack from C (checked against its limit). */
void lull_ds_push(struct lull_proc *proc, struct lull_object *obj);
/* The data stack is full (past regs.ds_check for generated code, the
 * ds_overflow service; at ds_limit for the runtime's pushes): the memory
 * limit when the limit made the stack small, else a stack overflow. */
_Noreturn void lull_rt_ds_overflow(struct lull_proc *proc);
struct lull_object *lull_ds_pop(struct lull_proc *proc);

/* Fatal exits (fail.c): flush stdout, print `error: ...` to stderr,
 * _exit(status). */
_Noreturn void lull_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void lull_internal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* `PROG: msg` (status 1, in io mode) or `error: msg` on standard error,
 * as the fatal exits write it. */
void lull_write_error(int status, const char *msg);
_Noreturn void lull_memory_limit(struct lull_proc *proc);
_Noreturn void lull_out_of_memory(struct lull_proc *proc);
/* `256 MiB`, `1000 bytes`: like the interpreter's format_bytes. */
void lull_format_bytes(char *buf, size_t n, uint64_t bytes);
/* malloc/realloc that exit on failure. */
void *lull_xmalloc(size_t n);
void *lull_xrealloc(void *p, size_t n);

/* The proc of the running thread, for the signal handler and allocation
 * failures. */
extern _Thread_local struct lull_proc *lull_current_proc;

/* Where a failure goes instead of ending the process (an embedding's
 * call): escape.h. */
struct lull_escape;

/* The running thread's escape, or NULL. */
extern _Thread_local struct lull_escape *lull_escape;

/* Leave through the thread's escape when it has one (msg is a full
 * message, without prefix or newline); returns when there is none. */
void lull_escape_with(int status, const char *msg);

/* Set while the runtime is inside stdio on stdout, so the fault handler
 * does not flush a stream in an inconsistent state. */
extern volatile int lull_in_stdio;

/* The prefix of run-time error messages (exit status 1): NULL means
 * "error: "; io mode sets "PROG: " (see main.c). */
extern const char *lull_error_prefix;

/* io.c: the program's arguments and name (argcount, argchar). */
void lull_io_set_args(int argc, char **argv, const char *prog_name);
/* Flush every file open for writing (before a fatal exit). */
void lull_io_flush_files(void);
/* Hands standard output written since the last commit to stdio (`keep`)
   or drops it: Note [Pending output] in io.c. */
void lull_io_commit_stdout(bool keep);

#endif /* LULL_PROC_H */
