/*
 * proc.c: the proc, its two stacks, the thread that runs on the native
 * stack, and the fault handler that reports stack overflow.
 *
 * Note [Stacks]
 * ~~~~~~~~~~~~~
 * Both stacks are reserved up front (LULL_STACK_DEFAULT_BYTES each, mmap'd
 * MAP_NORESERVE, so only the pages touched cost memory) with a PROT_NONE
 * guard region of LULL_GUARD_BYTES where they would overflow:
 *
 *   data stack (grows up):     [ds_base ........ ds_limit)[guard]
 *   native stack (grows down): [guard][ns_lo ............ ns_hi)
 *
 * All generated code and the read-back run on a pthread whose stack is the
 * native region (pthread_attr_setstack), so evaluation as deep as the
 * stack allows works whatever the main thread's limit is. Generated code
 * does not check either stack: running into a guard raises SIGSEGV, and
 * the handler (on an alternate signal stack, installed on the run's thread)
 * tells the two overflows apart by the fault address and exits 2. Any
 * other fault is an internal error (exit 3).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "escape.h"
#include "proc.h"
#include "sched.h"
#include "segment.h"
#include "stackmap.h"

/* getenv, remembered from a run's start (lull_proc_new forgets) for its
 * spawns: a spawn reads four variables, and getenv scans the whole
 * environment each time. Per thread: a host may run crates on several. */
static _Thread_local struct {
    const char *name, *value;
} seen[8];
static _Thread_local size_t nseen;

static const char *env_get(const char *name) {
    for (size_t i = 0; i < nseen; i++) {
        if (seen[i].name == name || strcmp(seen[i].name, name) == 0) {
            return seen[i].value;
        }
    }
    const char *v = getenv(name);
    if (nseen < sizeof seen / sizeof seen[0]) {
        seen[nseen].name = name;
        seen[nseen].value = v;
        nseen++;
    }
    return v;
}

static size_t env_bytes(const char *name, size_t dflt) {
    const char *v = env_get(name);
    if (v == NULL || *v == '\0') {
        return dflt;
    }
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end != '\0' || n == 0) {
        return dflt;
    }
    return (size_t)n;
}

static void *reserve(size_t bytes) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        lull_fail(2, "cannot reserve %zu bytes for a stack", bytes);
    }
    return p;
}

/* Note [Stacks and the memory limit]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * --max-memory covers the heap and the stacks, so a stack never gets more
 * than half the limit; overflowing a stack that the limit made smaller than
 * its default reports the memory limit, not a stack overflow.
 *
 * The size of a stack, in whole pages: the environment variable `env` or
 * the default, capped by the memory limit (*capped says so). */
static size_t stack_bytes(const char *env, size_t dflt, const struct lull_options *opts, bool *capped) {
    size_t bytes = env_bytes(env, dflt);
    if (opts->max_memory / 2 < bytes) {
        bytes = opts->max_memory / 2;
        *capped = true;
    }
    return (bytes + 4095) & ~(size_t)4095;
}

/* Stacks, heap and fuel of a new proc. */
/* Main's stacks: their own mappings with guard regions. */
static void own_stacks(struct lull_proc *proc, const char *ds_env, const char *ns_env, size_t stack_default,
                       size_t guard) {
    const struct lull_options *opts = &proc->opts;
    proc->guard_bytes = guard;
    size_t ds = stack_bytes(ds_env, stack_default, opts, &proc->ds_capped);
    proc->ds_map_bytes = ds + guard;
    proc->ds_map = reserve(proc->ds_map_bytes);
    proc->ds_base = proc->ds_map;
    proc->ds_limit = (lull_word **)((char *)proc->ds_map + ds);
    proc->ds_bytes = ds;
    if (mprotect(proc->ds_limit, guard, PROT_NONE) != 0) {
        lull_internal("mprotect of the data stack guard failed");
    }
    proc->regs.sp = proc->ds_base;

    size_t ns = stack_bytes(ns_env, stack_default, opts, &proc->ns_capped);
    proc->ns_map_bytes = ns + guard;
    proc->ns_map = reserve(proc->ns_map_bytes);
    if (mprotect(proc->ns_map, guard, PROT_NONE) != 0) {
        lull_internal("mprotect of the native stack guard failed");
    }
    proc->ns_lo = proc->ns_map + guard;
    proc->ns_hi = proc->ns_map + proc->ns_map_bytes;
    proc->regs.ds_check = proc->ds_limit - LULL_DS_SLACK_WORDS;
}


/* Heap and fuel of a new proc (its stacks are set). */
static void proc_init(struct lull_proc *proc, const char *nursery_env, size_t nursery_default) {
    const struct lull_options *opts = &proc->opts;

    size_t nursery = env_bytes(nursery_env, nursery_default);
    /* A small memory limit gets a small nursery, so that a program with
     * little live data runs within it. */
    if (opts->max_memory / 4 < nursery) {
        nursery = opts->max_memory / 4;
    }
    const char *stress = env_get("LULL_GC_STRESS");
    lull_gc_init(proc, nursery, stress != NULL && strcmp(stress, "1") == 0);

    proc->fuel_refill = 0;
    proc->regs.fuel = 0; /* the first closure entry refills (Note [Fuel]) */
    atomic_init(&proc->timed_out, 0);
}

struct lull_proc *lull_proc_new(const struct lull_program *prog, const struct lull_options *opts) {
    nseen = 0; /* a new run reads the environment afresh */
    struct lull_proc *proc = calloc(1, sizeof *proc);
    if (proc == NULL) {
        lull_out_of_memory(NULL);
    }
    proc->prog = prog;
    proc->opts = *opts;
    proc->pid = 1;
    lull_stackmap_add_program(prog);
    lull_current_proc = proc;
    proc->regs.svc = lull_rt_services;
    own_stacks(proc, "LULL_DATA_STACK", "LULL_NATIVE_STACK", LULL_STACK_DEFAULT_BYTES, LULL_GUARD_BYTES);
    proc_init(proc, "LULL_NURSERY", LULL_NURSERY_DEFAULT_BYTES);
    return proc;
}

/* A spawned proc lives in a block of the pool with its stacks
 * (Note [Segmented stacks] in segment.c): no mapping of its own. */
struct lull_proc *lull_proc_new_child(const struct lull_proc *parent, uint64_t memory) {
    struct lull_options opts = parent->opts;
    bool budget = memory > 0 && memory < opts.max_memory;
    if (budget) {
        opts.max_memory = memory;
    }
    bool ds_capped = false, ns_capped = false;
    size_t ds = stack_bytes("LULL_PROC_DATA_STACK", LULL_PROC_DATA_STACK_DEFAULT_BYTES, &opts, &ds_capped);
    size_t ns = stack_bytes("LULL_PROC_STACK", LULL_PROC_STACK_DEFAULT_BYTES, &opts, &ns_capped);
    struct lull_proc *proc = lull_seg_proc_new(ds, ns);
    proc->ds_capped = ds_capped;
    proc->ns_capped = ns_capped;
    proc->prog = parent->prog;
    proc->opts = opts;
    proc->memory_budget = budget;
    proc->regs.svc = lull_rt_services;
    proc_init(proc, "LULL_PROC_NURSERY", LULL_PROC_NURSERY_DEFAULT_BYTES);
    return proc;
}

void lull_proc_free(struct lull_proc *proc) {
    lull_gc_fini(proc);
    free(proc->roots.items);
    if (lull_current_proc == proc) {
        lull_current_proc = NULL;
    }
    if (proc->pooled) {
        lull_seg_proc_free(proc); /* the proc is in its block */
        return;
    }
    munmap(proc->ds_map, proc->ds_map_bytes);
    munmap(proc->ns_map, proc->ns_map_bytes);
    free(proc);
}

uint64_t lull_proc_steps(const struct lull_proc *proc) {
    return proc->steps_done + (uint64_t)(proc->fuel_refill - proc->regs.fuel);
}

void lull_proc_account(struct lull_proc *proc) {
    uint64_t used = proc->gc.heap_bytes + proc->extra_bytes + proc->ds_peak_bytes + proc->ns_peak_bytes;
    if (used > proc->peak_bytes) {
        proc->peak_bytes = used;
    }
}

_Noreturn void lull_rt_ds_overflow(struct lull_proc *proc) {
    if (proc->ds_capped) {
        lull_memory_limit(proc);
    }
    char lim[48];
    lull_format_bytes(lim, sizeof lim, proc->ds_bytes);
    lull_fail(2, "stack overflow (data stack limit of %s)", lim);
}

void lull_ds_push(struct lull_proc *proc, struct lull_object *obj) {
    if (proc->regs.sp >= proc->ds_limit) {
        lull_rt_ds_overflow(proc);
    }
    *proc->regs.sp++ = (lull_word *)obj;
}

struct lull_object *lull_ds_pop(struct lull_proc *proc) {
    return (struct lull_object *)*--proc->regs.sp;
}

/* ---- the fault handler ------------------------------------------------ */

static void write_str(const char *s) {
    ssize_t r = write(2, s, strlen(s));
    (void)r;
}

static void format_limit(char *buf, size_t n, size_t bytes) {
    lull_format_bytes(buf, n, bytes);
}

/* The handlers the runtime's replaced, for faults outside its threads. */
static struct sigaction previous_segv, previous_bus;

/* A fault: a guard page of the running proc's stacks (a limit), or a bug.
 * Outside the runtime's threads the previous handler gets it; under an
 * escape (an embedding's call) the message goes there; otherwise it is
 * printed and the process ends. */
static void on_fault(int sig, siginfo_t *si, void *uctx) {
    (void)uctx;
    struct lull_proc *proc = lull_current_proc;
    if (proc == NULL && lull_escape == NULL) {
        /* Not ours: put the previous handler back; the faulting
         * instruction runs again and faults into it. */
        sigaction(sig, sig == SIGBUS ? &previous_bus : &previous_segv, NULL);
        return;
    }
    char *addr = si->si_addr;
    char msg[160], lim[48];
    int status = 3;
    snprintf(msg, sizeof msg, "internal error: segmentation fault at %p", (void *)addr);
    if (proc != NULL) {
        bool in_ns_guard = addr >= proc->ns_map && addr < proc->ns_lo;
        bool in_ds_guard = addr >= (char *)proc->ds_limit && addr < (char *)proc->ds_limit + proc->guard_bytes;
        if ((in_ns_guard && proc->ns_capped) || (in_ds_guard && proc->ds_capped)) {
            lull_stop_for_memory(proc);
            format_limit(lim, sizeof lim, proc->opts.max_memory);
            snprintf(msg, sizeof msg, "memory limit of %s reached (--max-memory)", lim);
            status = 2;
        } else if (in_ns_guard) {
            format_limit(lim, sizeof lim, (size_t)(proc->ns_hi - proc->ns_lo));
            snprintf(msg, sizeof msg, "stack overflow (native stack limit of %s)", lim);
            status = 2;
        } else if (in_ds_guard) {
            format_limit(lim, sizeof lim, proc->ds_bytes);
            snprintf(msg, sizeof msg, "stack overflow (data stack limit of %s)", lim);
            status = 2;
        }
    }
    /* A spawned proc's escape does not restore the signal mask (a system
     * call per spawn): unblock the signal before leaving the handler. */
    sigset_t self;
    sigemptyset(&self);
    sigaddset(&self, sig);
    pthread_sigmask(SIG_UNBLOCK, &self, NULL);
    lull_escape_with(status, msg);
    if (!lull_in_stdio) {
        fflush(stdout);
    }
    char line[200];
    snprintf(line, sizeof line, "error: %s\n", msg);
    write_str(line);
    _exit(status);
}

/* The fault handler runs on an alternate signal stack of the run's thread
 * (a stack overflow leaves no room on the thread's own stack). The previous
 * alternate stack is put back before the thread ends: a sanitizer runtime
 * installs its own and unmaps it at thread exit. */
static void install_handler(stack_t *old, char **mine) {
    size_t sz = 1 << 16;
    *mine = malloc(sz);
    if (*mine == NULL) {
        lull_out_of_memory(NULL);
    }
    stack_t ss = {.ss_sp = *mine, .ss_size = sz, .ss_flags = 0};
    if (sigaltstack(&ss, old) != 0) {
        lull_internal("sigaltstack failed");
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    struct sigaction old_segv, old_bus;
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    if (old_segv.sa_sigaction != on_fault) {
        previous_segv = old_segv;
    }
    if (old_bus.sa_sigaction != on_fault) {
        previous_bus = old_bus;
    }
}

static void remove_altstack(const stack_t *old, char *mine) {
    if (old->ss_flags & SS_DISABLE) {
        stack_t off = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
        sigaltstack(&off, NULL);
    } else {
        sigaltstack(old, NULL);
    }
    free(mine);
}

struct run_args {
    struct lull_proc *proc;
    int (*fn)(struct lull_proc *, void *);
    void *arg;
    int result;
};

static void *run_thread(void *p) {
    struct run_args *a = p;
    stack_t old;
    char *mine;
    install_handler(&old, &mine);
    lull_seg_set_limit(0); /* main's prologues never call __morestack */
    lull_current_proc = a->proc;
    a->result = a->fn(a->proc, a->arg);
    lull_current_proc = NULL;
    remove_altstack(&old, mine);
    return NULL;
}

int lull_proc_run(struct lull_proc *proc, int (*fn)(struct lull_proc *, void *), void *arg) {
    struct run_args a = {.proc = proc, .fn = fn, .arg = arg, .result = 0};
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0 ||
        pthread_attr_setstack(&attr, proc->ns_lo, (size_t)(proc->ns_hi - proc->ns_lo)) != 0) {
        lull_internal("cannot set up the run's thread");
    }
    pthread_t t;
    int e = pthread_create(&t, &attr, run_thread, &a);
    if (e != 0) {
        lull_internal("cannot start the run's thread: %s", strerror(e));
    }
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    return a.result;
}
