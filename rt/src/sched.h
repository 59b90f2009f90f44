/*
 * sched.h: procs (lightweight processes) and their scheduler: Note [Procs]
 * in sched.c.
 */
#ifndef LULL_SCHED_H
#define LULL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "lull_rt.h"

struct lull_proc;

/* Why a proc stops early (proc->stop), set before it fails. */
enum lull_stop {
    LULL_STOP_NONE = 0,
    LULL_STOP_MEMORY = 1, /* its memory budget */
    LULL_STOP_TICKS = 2,  /* its tick budget */
    LULL_STOP_FATAL = 3,  /* a limit of the whole run: ends the process */
};

/* Exit kinds, as the `wait` primitive gives them. */
enum lull_exit_kind {
    LULL_EXIT_NORMAL = 0,
    LULL_EXIT_ERROR = 1,
    LULL_EXIT_OUT_OF_MEMORY = 2,
    LULL_EXIT_OUT_OF_TICKS = 3,
};

/* The memory limit stops the proc: its budget, or the whole run's limit.
 * (A macro: sched.h does not see struct lull_proc.) */
#define lull_stop_for_memory(proc) \
    ((proc)->stop = (proc)->memory_budget ? LULL_STOP_MEMORY : LULL_STOP_FATAL)

/* Is the scheduler on (has a proc been spawned)? */
extern bool lull_sched_active;

/* The fuel a refill may give the running proc (its slice, its tick
 * budget), at most `r`. */
int64_t lull_sched_slice(struct lull_proc *proc, int64_t r);

/* At the end of a refill: lets the other procs run when the slice is
 * spent and someone is waiting. */
void lull_sched_preempt(struct lull_proc *proc);

/* The proc whose timeout flag counts (the main one). */
struct lull_proc *lull_sched_main(struct lull_proc *proc);

/* Services (lull_rt.h). */
int64_t lull_rt_spawn(struct lull_proc *proc, struct lull_object *action, int64_t memory, int64_t ticks);
int64_t lull_rt_procself(struct lull_proc *proc);
int64_t lull_rt_newchan(struct lull_proc *proc);
void lull_rt_send(struct lull_proc *proc, int64_t chan, struct lull_object *v);
struct lull_object *lull_rt_recv(struct lull_proc *proc, int64_t chan); /* GC */
int64_t lull_rt_wait(struct lull_proc *proc, int64_t pid);
int64_t lull_rt_exitchar(struct lull_proc *proc, int64_t pid, int64_t j);
void lull_rt_yield(struct lull_proc *proc);
void lull_rt_blackhole(struct lull_proc *proc, struct lull_object *self, lull_word **sp);

#endif /* LULL_SCHED_H */
