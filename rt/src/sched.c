/*
 * sched.c: procs, channels and the scheduler of an OS process.
 *
 * Note [Procs]
 * ~~~~~~~~~~~~
 * A proc is a struct lull_proc: its registers (hp, hl, sp, fuel), its own
 * heap (nursery and old space, collected alone), its own data stack and
 * native stack, its limits. The program's first proc (main, pid 1) runs
 * on the run thread's stack (proc.c); `spawn` makes more, each with
 * stacks from the pool and heap blocks from the shared reservation, which
 * add no mapping (Note [Segmented stacks] in segment.c), and a smaller
 * first nursery (LULL_PROC_NURSERY, 64 KiB). All procs
 * of an OS process run on its one run thread, one at a time.
 *
 * A switch happens only inside a runtime service that generated code
 * called (yield, recv, wait, the blackhole wait, and out_of_fuel when a
 * slice is spent). Those are C calls, and every register generated code
 * pins (hp r13, proc rbp, sp r12, self rbx, argc r15) is callee-saved in
 * the C convention, so the switch (lull_ctx_switch, below) saves the
 * callee-saved registers and the stack pointer on the old proc's native
 * stack and restores the new proc's: the generated code of each proc
 * finds its registers as it left them. A parked proc's heap is never
 * collected (only a running proc collects, and only its own heap), so a
 * switch inside a leaf call (one without a stack map) is safe; recv, the
 * one service that allocates in the receiver's heap, is a GC call.
 *
 * Preemption: the fuel (Note [Fuel] in services.c) counts closure entries
 * down; while the scheduler is on, a refill gives at most a slice of
 * LULL_SLICE entries (and no more than the tick budget left), and the
 * refill lets the other procs run when some are waiting. A loop that never
 * allocates still enters closures, so it is preempted too.
 *
 * Isolation: procs share no heap objects. A message, and the action of a
 * new proc, is copied (msg.c); the library forces a message to normal
 * form first. A proc that fails (an error, its memory budget, its tick
 * budget) stops alone: every failure of a proc's code goes through its
 * escape (escape.h), set up where the proc starts (proc_boot), which
 * records the exit reason, wakes the procs waiting for it and runs the
 * next proc. The proc's stacks and heap are freed whole by the next proc
 * to run (a proc cannot unmap the stack it runs on). A limit of the whole
 * run (--max-steps, --timeout, --max-memory without a budget) ends the
 * process, whichever proc meets it.
 *
 * A proc that waits while no proc can run is a deadlock: the run ends
 * with an error. When main returns, the run ends; procs still running are
 * stopped. Channels are unbounded FIFO queues that any proc may use.
 *
 * Note [CAFs and procs]
 * ~~~~~~~~~~~~~~~~~~~~~
 * Static objects are shared by all procs, and a CAF (a static THUNK) is
 * updated in place. Its value must therefore not live in one proc's heap:
 * another proc would hold a pointer into a heap that moves and is freed.
 * So while the scheduler is on, updating an object that is outside the
 * updating proc's heap (a CAF, or an object of the shared space) copies
 * the value into the shared space (lull_share in msg.c), memory that no
 * collector moves or frees, and the object becomes a REF to the copy
 * (lull_gc_barrier_slow in gc.c). So objects outside every heap never
 * point into one. When the scheduler starts (the first spawn), the CAFs
 * that main has already evaluated are moved there the same way. Thunks of
 * the shared space are evaluated by whichever proc needs them, each update
 * copying again: the shared space only grows, like a CAF's value that
 * stays reachable.
 *
 * Two procs may then enter the same thunk: the second finds a BLACKHOLE
 * that is not one of its own update frames. Its blackhole entry calls
 * lull_rt_blackhole, which lets the other procs run and returns, and the
 * entry enters the object again (the value is there once the owner has
 * updated it). Only a BLACKHOLE on the proc's own data stack, or one that
 * no other proc could update (none can run), is `<<loop>>`.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "gc.h"
#include "msg.h"
#include "proc.h"
#include "readback.h"
#include "sched.h"
#include "segment.h"
#include "services.h"
#include "stackmap.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define LULL_ASAN 1
#endif

/* Closure entries per slice. */
#define LULL_SLICE ((int64_t)20000)

enum { STATE_RUNNING, STATE_RUNNABLE, STATE_BLOCKED, STATE_ENDED };

/* What is known of a pid: its proc while it runs, then its exit. */
struct pid_rec {
    struct lull_proc *proc;
    bool ended;
    int kind;
    char *msg; /* an error's text */
    struct lull_proc *waiters;
};

struct chan {
    struct lull_msg *head, *tail;
    struct lull_proc *waiters;
};

bool lull_sched_active;

static struct {
    struct lull_proc *main;
    struct pid_rec *pids;
    size_t npids, cap_pids;
    struct lull_proc *rq_head, *rq_tail;
    struct chan *chans;
    size_t nchans, cap_chans;
    struct lull_proc *zombie; /* ended; freed by the next proc to run */
} S;

/* ---- the context switch --------------------------------------------------- */

/* lull_ctx_switch(&from->ctx_sp, to->ctx_sp): push the callee-saved
 * registers, save rsp, load the other's, pop its registers, return into it.
 * A new proc's stack is laid out so that the pops and the return land in
 * lull_ctx_boot with the proc in r12. */
void lull_ctx_switch(void **save, void *to);
void lull_ctx_boot(void);
__asm__(".text\n"
        ".globl lull_ctx_switch\n"
        ".hidden lull_ctx_switch\n"
        ".type lull_ctx_switch,@function\n"
        "lull_ctx_switch:\n"
        "  pushq %rbp\n"
        "  pushq %rbx\n"
        "  pushq %r12\n"
        "  pushq %r13\n"
        "  pushq %r14\n"
        "  pushq %r15\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "  popq %r15\n"
        "  popq %r14\n"
        "  popq %r13\n"
        "  popq %r12\n"
        "  popq %rbx\n"
        "  popq %rbp\n"
        "  ret\n"
        ".size lull_ctx_switch, .-lull_ctx_switch\n"
        ".globl lull_ctx_boot\n"
        ".hidden lull_ctx_boot\n"
        ".type lull_ctx_boot,@function\n"
        "lull_ctx_boot:\n"
        "  movq %r12, %rdi\n"
        "  andq $-16, %rsp\n"
        "  call lull_proc_boot\n"
        "  ud2\n"
        ".size lull_ctx_boot, .-lull_ctx_boot\n");

_Noreturn void lull_proc_boot(struct lull_proc *proc);

static void free_zombie(void) {
    struct lull_proc *z = S.zombie;
    if (z != NULL) {
        S.zombie = NULL;
        if (z->start != NULL) {
            lull_msg_free(z->start);
        }
        lull_proc_free(z);
    }
}

/* Run `to`; returns when someone switches back to `from` (never when
 * `from` has ended). */
static void switch_to(struct lull_proc *from, struct lull_proc *to) {
    from->escape = lull_escape;
    lull_current_proc = to;
    lull_escape = to->escape;
    to->state = STATE_RUNNING;
    lull_seg_set_limit(to->ns_limit);
#ifdef LULL_ASAN
    void *fake = NULL;
    __sanitizer_start_switch_fiber(from->state == STATE_ENDED ? NULL : &fake, to->ns_lo,
                                   (size_t)(to->ns_hi - to->ns_lo));
#endif
    lull_ctx_switch(&from->ctx_sp, to->ctx_sp);
#ifdef LULL_ASAN
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
    free_zombie();
}

static void rq_push(struct lull_proc *p) {
    p->state = STATE_RUNNABLE;
    p->link = NULL;
    if (S.rq_tail == NULL) {
        S.rq_head = p;
    } else {
        S.rq_tail->link = p;
    }
    S.rq_tail = p;
}

static struct lull_proc *rq_pop(void) {
    struct lull_proc *p = S.rq_head;
    if (p != NULL) {
        S.rq_head = p->link;
        if (S.rq_head == NULL) {
            S.rq_tail = NULL;
        }
        p->link = NULL;
    }
    return p;
}

static _Noreturn void deadlock(void) {
    lull_escape = NULL; /* the whole run ends */
    lull_fail(1, "deadlock: every proc is waiting (in recv or wait) and none can run");
}

/* The running proc waits (it is in a wait list): run the next one. */
static void block(struct lull_proc *cur) {
    cur->state = STATE_BLOCKED;
    struct lull_proc *next = rq_pop();
    if (next == NULL) {
        deadlock();
    }
    switch_to(cur, next);
}

static void yield(struct lull_proc *cur) {
    if (S.rq_head == NULL) {
        return;
    }
    rq_push(cur);
    switch_to(cur, rq_pop());
}

static void wake_all(struct lull_proc **list) {
    struct lull_proc *p = *list;
    *list = NULL;
    while (p != NULL) {
        struct lull_proc *n = p->link;
        if (p->state == STATE_BLOCKED) {
            rq_push(p);
        }
        p = n;
    }
}

static struct pid_rec *new_pid(struct lull_proc *p) {
    if (S.npids == S.cap_pids) {
        S.cap_pids = S.cap_pids == 0 ? 64 : S.cap_pids * 2;
        S.pids = lull_xrealloc(S.pids, S.cap_pids * sizeof *S.pids);
    }
    struct pid_rec *r = &S.pids[S.npids++];
    memset(r, 0, sizeof *r);
    r->proc = p;
    p->pid = S.npids;
    return r;
}

/* The scheduler starts with the first proc service main calls: main gets
 * pid 1, and the CAFs it has evaluated move to the shared space (Note
 * [CAFs and procs]). */
static void start(struct lull_proc *proc) {
    if (lull_sched_active) {
        return;
    }
    if (lull_escape != NULL) {
        lull_fail(1, "Lull.Proc is not available in a call from a host");
    }
    S.main = proc;
    new_pid(proc);
    proc->state = STATE_RUNNING;
    struct lull_objvec *roots = &proc->gc.static_roots;
    for (size_t i = 0; i < roots->len; i++) {
        struct lull_object *o = roots->items[i];
        if (lull_info_fast(o)->tag == LULL_TAG_REF) {
            o->contents[0] = (lull_word)(uintptr_t)lull_share(proc, (struct lull_object *)(uintptr_t)o->contents[0]);
        }
    }
    roots->len = 0;
    lull_sched_active = true;
    /* From now on the fuel comes in slices. */
    proc->steps_done = lull_proc_steps(proc);
    proc->fuel_refill = proc->regs.fuel = lull_sched_slice(proc, proc->regs.fuel > 0 ? proc->regs.fuel : 1);
}

struct lull_proc *lull_sched_main(struct lull_proc *proc) {
    return lull_sched_active ? S.main : proc;
}

/* ---- fuel ------------------------------------------------------------------ */

int64_t lull_sched_slice(struct lull_proc *proc, int64_t r) {
    if (!lull_sched_active) {
        return r;
    }
    if (r > LULL_SLICE) {
        r = LULL_SLICE;
    }
    if (proc->tick_budget > 0) {
        uint64_t steps = lull_proc_steps(proc);
        if (steps > proc->tick_budget) {
            proc->stop = LULL_STOP_TICKS;
            lull_fail(2, "tick budget of %llu reached", (unsigned long long)proc->tick_budget);
        }
        uint64_t left = proc->tick_budget - steps + 1;
        if ((uint64_t)r > left) {
            r = (int64_t)left;
        }
    }
    return r;
}

void lull_sched_preempt(struct lull_proc *proc) {
    if (lull_sched_active) {
        yield(proc);
    }
}

/* ---- a proc's life --------------------------------------------------------- */

/* The proc ended: record why, wake who waits for it, run the next one. */
/* End `proc` with its exit (`msg`, malloc'd or NULL, is the record's). */
static _Noreturn void finish(struct lull_proc *proc, int kind, char *msg) {
    struct pid_rec *r = &S.pids[proc->pid - 1];
    r->ended = true;
    r->kind = kind;
    r->msg = msg;
    r->proc = NULL;
    wake_all(&r->waiters);
    proc->state = STATE_ENDED;
    struct lull_proc *next = rq_pop();
    if (next == NULL) {
        deadlock(); /* main waits for something nobody will do */
    }
    S.zombie = proc;
    switch_to(proc, next);
    lull_internal("an ended proc ran again");
}

_Noreturn void lull_proc_boot(struct lull_proc *proc) {
#ifdef LULL_ASAN
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
    free_zombie();
    /* Its text is in the proc's block, whose pages an idle proc does not
     * touch (Note [Segmented stacks] in segment.c). */
    struct lull_escape esc_storage;
    struct lull_escape *esc = &esc_storage;
    esc->msg = proc->child_text;
    esc->err = proc->child_text + LULL_ESCAPE_TEXT;
    esc->status = 0;
    esc->err_len = 0;
    esc->child = true;
    esc->exited = false;
    proc->escape = esc;
    lull_escape = esc;
    int kind = LULL_EXIT_NORMAL;
    const char *msg = NULL;
    /* No saved signal mask: the fault handler unblocks its signal itself
     * (on_fault in proc.c). */
    if (sigsetjmp(esc->jb, 0) == 0) {
        struct lull_object *action = lull_msg_unpack(proc, proc->start);
        lull_msg_free(proc->start);
        proc->start = NULL;
        lull_run_io(proc, action);
    } else if (proc->stop == LULL_STOP_MEMORY) {
        kind = LULL_EXIT_OUT_OF_MEMORY;
    } else if (proc->stop == LULL_STOP_TICKS) {
        kind = LULL_EXIT_OUT_OF_TICKS;
    } else if (proc->stop == LULL_STOP_FATAL) {
        lull_escape = NULL;
        lull_fail(esc->status, "%s", esc->msg);
    } else if (esc->status != 0) {
        kind = LULL_EXIT_ERROR;
        msg = esc->msg;
        if (!esc->exited) {
            /* As GHC does for a thread: the error on standard error. The
             * Prelude's `error` has written it already (and exited). */
            lull_in_stdio = 1;
            fflush(stdout);
            lull_in_stdio = 0;
            lull_write_error(1, esc->msg);
        }
    }
    lull_escape = NULL;
    proc->escape = NULL;
    char *owned = NULL;
    if (msg != NULL) {
        owned = lull_xmalloc(strlen(msg) + 1);
        strcpy(owned, msg);
    }
    finish(proc, kind, owned);
}

/* ---- the services ------------------------------------------------------------ */

int64_t lull_rt_spawn(struct lull_proc *proc, struct lull_object *action, int64_t memory, int64_t ticks) {
    start(proc);
    if (memory < 0 || ticks < 0) {
        lull_fail(1, "spawn: a negative budget");
    }
    struct lull_msg *m = lull_msg_pack(proc, action);
    struct lull_proc *child = lull_proc_new_child(proc, (uint64_t)memory);
    child->tick_budget = (uint64_t)ticks;
    child->start = m;
    /* Its first slice (a refill at its first entry would preempt it
     * before it has run). */
    child->fuel_refill = child->regs.fuel = lull_sched_slice(child, LULL_SLICE);
    new_pid(child);
    /* The first switch to it pops six registers (r12 = the proc) and
     * returns into lull_ctx_boot. */
    void **sp = (void **)((uintptr_t)child->ns_hi & ~(uintptr_t)15);
    *--sp = NULL; /* alignment */
    *--sp = (void *)lull_ctx_boot;
    *--sp = NULL;  /* rbp */
    *--sp = NULL;  /* rbx */
    *--sp = child; /* r12 */
    *--sp = NULL;  /* r13 */
    *--sp = NULL;  /* r14 */
    *--sp = NULL;  /* r15 */
    child->ctx_sp = sp;
    child->escape = NULL;
    rq_push(child);
    return (int64_t)child->pid;
}

int64_t lull_rt_procself(struct lull_proc *proc) {
    start(proc);
    return (int64_t)proc->pid;
}

int64_t lull_rt_newchan(struct lull_proc *proc) {
    start(proc);
    if (S.nchans == S.cap_chans) {
        S.cap_chans = S.cap_chans == 0 ? 64 : S.cap_chans * 2;
        S.chans = lull_xrealloc(S.chans, S.cap_chans * sizeof *S.chans);
    }
    struct chan *c = &S.chans[S.nchans++];
    memset(c, 0, sizeof *c);
    return (int64_t)S.nchans;
}

static struct chan *chan_at(int64_t c) {
    if (c < 1 || (uint64_t)c > S.nchans) {
        lull_fail(1, "no channel %lld (there are %zu)", (long long)c, S.nchans);
    }
    return &S.chans[c - 1];
}

static struct pid_rec *pid_at(int64_t pid) {
    size_t n = S.npids > 0 ? S.npids : 1;
    if (pid < 1 || (uint64_t)pid > S.npids) {
        lull_fail(1, "no proc %lld (there are %zu)", (long long)pid, n);
    }
    return &S.pids[pid - 1];
}

void lull_rt_send(struct lull_proc *proc, int64_t chan, struct lull_object *v) {
    start(proc);
    struct chan *c = chan_at(chan);
    struct lull_msg *m = lull_msg_pack(proc, v);
    if (c->tail == NULL) {
        c->head = m;
    } else {
        c->tail->next = m;
    }
    c->tail = m;
    wake_all(&c->waiters);
}

__attribute__((noinline)) struct lull_object *lull_rt_recv(struct lull_proc *proc, int64_t chan) {
    LULL_RECORD_RET_SLOT(proc);
    start(proc);
    struct chan *c = chan_at(chan);
    while (c->head == NULL) {
        proc->link = c->waiters;
        c->waiters = proc;
        block(proc);
        c = chan_at(chan); /* the table may have grown */
    }
    struct lull_msg *m = c->head;
    c->head = m->next;
    if (c->head == NULL) {
        c->tail = NULL;
    }
    struct lull_object *v = lull_msg_unpack(proc, m);
    lull_msg_free(m);
    proc->last_ret_slot = NULL;
    return v;
}

int64_t lull_rt_wait(struct lull_proc *proc, int64_t pid) {
    start(proc);
    struct pid_rec *r = pid_at(pid);
    while (!r->ended) {
        proc->link = r->waiters;
        r->waiters = proc;
        block(proc);
        r = pid_at(pid);
    }
    return r->kind;
}

struct bytes {
    const unsigned char *s;
    size_t at;
};

static int next_byte(void *p) {
    struct bytes *b = p;
    return b->s[b->at] == 0 ? -1 : b->s[b->at++];
}

int64_t lull_rt_exitchar(struct lull_proc *proc, int64_t pid, int64_t j) {
    start(proc);
    struct pid_rec *r = pid_at(pid);
    if (!r->ended || r->kind != LULL_EXIT_ERROR || r->msg == NULL || j < 0) {
        return -1;
    }
    struct bytes b = {(const unsigned char *)r->msg, 0};
    for (int64_t i = 0;; i++) {
        int64_t c = lull_utf8_next(next_byte, &b);
        if (c < 0 || i == j) {
            return c;
        }
    }
}

void lull_rt_yield(struct lull_proc *proc) {
    if (lull_sched_active) {
        yield(proc);
    }
}

void lull_rt_blackhole(struct lull_proc *proc, struct lull_object *self, lull_word **sp) {
    if (!lull_sched_active || S.rq_head == NULL) {
        lull_rt_loop(proc);
    }
    for (lull_word **s = proc->ds_base; s < sp; s++) {
        if ((struct lull_object *)*s == self) {
            lull_rt_loop(proc);
        }
    }
    yield(proc);
}
