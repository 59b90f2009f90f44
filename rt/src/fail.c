/*
 * fail.c: fatal exits with the reference interpreter's messages, and
 * allocation from the C heap that exits on failure.
 *
 * Exit statuses are the driver's: 1 for run-time errors, 2 for resource
 * limits, 3 for internal errors of the runtime.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "sched.h"
#include "proc.h"

_Thread_local struct lull_proc *lull_current_proc;
_Thread_local struct lull_escape *lull_escape;

/* The command-line flags that messages name, and what an embedding calls
 * the same limits. */
static const struct {
    const char *flag, *field;
} flags[] = {{" (--max-memory)", " (lull_config.max_memory)"}, {" (--max-steps)", " (lull_config.max_steps)"}};

void lull_escape_with(int status, const char *msg) {
    struct lull_escape *e = lull_escape;
    if (e == NULL) {
        return;
    }
    lull_escape = NULL;
    snprintf(e->msg, LULL_ESCAPE_TEXT, "%s", msg);
    for (size_t i = 0; !e->child && i < sizeof flags / sizeof flags[0]; i++) {
        char *at = strstr(e->msg, flags[i].flag);
        if (at != NULL && strlen(at) == strlen(flags[i].flag)) {
            snprintf(at, LULL_ESCAPE_TEXT - (size_t)(at - e->msg), "%s", flags[i].field);
        }
    }
    e->status = status;
    siglongjmp(e->jb, 1);
}
volatile int lull_in_stdio;
const char *lull_error_prefix;

void lull_write_error(int status, const char *msg) {
    char buf[4096];
    int n = snprintf(buf, sizeof buf, "%s", status == 1 && lull_error_prefix != NULL ? lull_error_prefix : "error: ");
    if (n < 0 || (size_t)n >= sizeof buf / 2) {
        n = snprintf(buf, sizeof buf, "error: ");
    }
    int m = snprintf(buf + n, sizeof buf - (size_t)n - 1, "%s", msg);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof buf - 2) {
        len = sizeof buf - 2;
    }
    buf[len++] = '\n';
    ssize_t w = write(2, buf, len);
    (void)w;
}

static _Noreturn void vfail(int status, const char *fmt, va_list ap) {
    char msg[4096];
    vsnprintf(msg, sizeof msg, fmt, ap);
    lull_escape_with(status, msg); /* returns when there is no escape */
    if (!lull_in_stdio) {
        fflush(stdout);
        lull_io_flush_files();
    }
    lull_write_error(status, msg);
    _exit(status);
}

_Noreturn void lull_fail(int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfail(status, fmt, ap);
}

_Noreturn void lull_internal(const char *fmt, ...) {
    char buf[3000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    lull_fail(3, "internal error: %s", buf);
}

void lull_format_bytes(char *buf, size_t n, uint64_t bytes) {
    static const struct {
        uint64_t size;
        const char *name;
    } units[] = {{1ull << 40, "TiB"}, {1ull << 30, "GiB"}, {1ull << 20, "MiB"}, {1ull << 10, "KiB"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (bytes >= units[i].size && bytes % units[i].size == 0) {
            snprintf(buf, n, "%llu %s", (unsigned long long)(bytes / units[i].size), units[i].name);
            return;
        }
    }
    snprintf(buf, n, "%llu bytes", (unsigned long long)bytes);
}

_Noreturn void lull_memory_limit(struct lull_proc *proc) {
    lull_stop_for_memory(proc);
    char b[64];
    lull_format_bytes(b, sizeof b, proc->opts.max_memory);
    lull_fail(2, "memory limit of %s reached (--max-memory)", b);
}

_Noreturn void lull_out_of_memory(struct lull_proc *proc) {
    if (proc != NULL) {
        lull_memory_limit(proc);
    }
    lull_fail(2, "out of memory");
}

void *lull_xmalloc(size_t n) {
    void *p = malloc(n == 0 ? 1 : n);
    if (p == NULL) {
        lull_out_of_memory(lull_current_proc);
    }
    return p;
}

void *lull_xrealloc(void *p, size_t n) {
    void *q = realloc(p, n == 0 ? 1 : n);
    if (q == NULL) {
        lull_out_of_memory(lull_current_proc);
    }
    return q;
}
