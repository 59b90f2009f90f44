/*
 * escape.h: where a failure goes instead of ending the process (an
 * embedding's call, Note [Calls from a host] in embed.c). Needs
 * _GNU_SOURCE (sigjmp_buf) before the first system header.
 */
#ifndef LULL_ESCAPE_H
#define LULL_ESCAPE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

/* lull_fail and the fault handler store the message (without the
 * `error: ` prefix) and the exit status they would have used, then
 * siglongjmp to jb (lull_escape_with in fail.c). */
struct lull_escape {
    sigjmp_buf jb;
    int status;
    size_t err_len; /* of err */
    /* A spawned proc's escape (sched.c): what it writes to standard error
     * is written too, `exit 0` ends it normally, and the messages keep
     * their command-line flags. */
    bool child;
    /* It ended through lull_rt_exit (the Prelude's `error` has written its
     * message already). */
    bool exited;
    /* Both LULL_ESCAPE_TEXT bytes, elsewhere: a spawned proc's are in its
     * block, away from what an idle proc touches (Note [Segmented
     * stacks] in segment.c). */
    char *msg;
    /* What the code wrote to standard error (the Prelude's `error` writes
     * `PROG: msg` there, then exits): the message when it exits. */
    char *err;
};

#define LULL_ESCAPE_TEXT 4096

#endif /* LULL_ESCAPE_H */
