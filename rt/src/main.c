/*
 * main.c: lull_rt_main, the runtime's entry from an executable's start
 * stub (rt/start/start.c): run-time arguments, the run on the big-stack
 * thread, printing the result and the statistics.
 *
 *   PROGRAM nf   [--max-steps N] [--max-memory BYTES] [--timeout SECONDS]
 *                [--stats] [--discard]
 *   PROGRAM nf-each [same options]
 *   PROGRAM conv [same options]
 *
 * `nf` reads back entries[0] and prints its normal form (or "N nodes" with
 * --discard); `nf-each` does the same for every entry in order, one line
 * each, in one run (one heap, shared CAFs, the limits and the statistics
 * counting the whole run; the first failure ends it, so a batch of terms
 * that should all succeed is checked by one executable); `conv` reads back
 * entries[0] and entries[1] in lock-step and prints true or false. Exit statuses: 0 success, 1 run-time or usage
 * error, 2 resource limit, 3 internal error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nf.h"
#include "proc.h"
#include "program.h"
#include "readback.h"

enum mode { MODE_NF, MODE_NF_EACH, MODE_CONV };

struct run {
    enum mode mode;
    int status;
};

static uint64_t parse_u64(const char *opt, const char *s) {
    char *end;
    errno = 0;
    if (s == NULL || *s < '0' || *s > '9') {
        lull_fail(1, "%s needs a non-negative integer", opt);
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0') {
        lull_fail(1, "%s needs a non-negative integer, not `%s`", opt, s);
    }
    return (uint64_t)v;
}

static void parse_args(int argc, char **argv, enum mode *mode, struct lull_options *o) {
    o->max_steps = UINT64_MAX;
    o->max_memory = (uint64_t)4 << 30;
    o->timeout = 0;
    o->has_timeout = false;
    o->stats = false;
    o->discard = false;
    /* No command (an executable made by `lull build`, run as it is, or
     * with options only): nf. */
    int first_option = 2;
    if (argc < 2 || strncmp(argv[1], "--", 2) == 0) {
        *mode = MODE_NF;
        first_option = 1;
    } else if (strcmp(argv[1], "nf") == 0) {
        *mode = MODE_NF;
    } else if (strcmp(argv[1], "nf-each") == 0) {
        *mode = MODE_NF_EACH;
    } else if (strcmp(argv[1], "conv") == 0) {
        *mode = MODE_CONV;
    } else {
        lull_fail(1,
                  "unknown command `%s` (usage: %s [nf|nf-each|conv] [--max-steps N] [--max-memory BYTES] "
                  "[--timeout SECONDS] [--stats] [--discard])",
                  argv[1], argv[0]);
    }
    for (int i = first_option; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--max-steps") == 0) {
            o->max_steps = parse_u64(a, next);
            i++;
        } else if (strcmp(a, "--max-memory") == 0) {
            o->max_memory = parse_u64(a, next);
            i++;
        } else if (strcmp(a, "--timeout") == 0) {
            char *end;
            double t = next != NULL ? strtod(next, &end) : -1;
            if (next == NULL || *end != '\0' || !(t >= 0) || !isfinite(t)) {
                lull_fail(1, "--timeout needs a number of seconds");
            }
            /* The driver's Duration: whole nanoseconds. */
            o->timeout = (double)llround(t * 1e9) / 1e9;
            o->has_timeout = true;
            i++;
        } else if (strcmp(a, "--stats") == 0) {
            o->stats = true;
        } else if (strcmp(a, "--discard") == 0) {
            o->discard = true;
        } else {
            lull_fail(1, "unknown option `%s`", a);
        }
    }
}

/* Note [The timeout's watchdog]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A detached thread sleeps until the deadline, then sets proc->timed_out
 * and zeroes the fuel every millisecond (a racing decrement in generated
 * code may undo one store), so that the next closure entry calls
 * lull_rt_out_of_fuel, which reports the timeout. The read-back checks the
 * flag at every node. The process exits with the run, taking the thread
 * with it. */
static void *watchdog(void *p) {
    struct lull_proc *proc = p;
    double t = proc->opts.timeout;
    struct timespec ts = {.tv_sec = (time_t)t, .tv_nsec = (long)((t - floor(t)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    atomic_store(&proc->timed_out, 1);
    for (;;) {
        __atomic_store_n(&proc->regs.fuel, 0, __ATOMIC_RELAXED);
        struct timespec ms = {.tv_sec = 0, .tv_nsec = 1000000};
        nanosleep(&ms, NULL);
    }
    return NULL;
}

static void start_watchdog(struct lull_proc *proc) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 1 << 16);
    if (pthread_create(&t, &attr, watchdog, proc) != 0) {
        lull_internal("cannot start the timeout's thread");
    }
    pthread_attr_destroy(&attr);
}

static void report_stats(struct lull_proc *proc) {
    if (!proc->opts.stats) {
        return;
    }
    lull_proc_account(proc);
    fprintf(stderr, "steps: %llu\npeak memory: %llu bytes\ngc: %llu minor, %llu major\n",
            (unsigned long long)lull_proc_steps(proc), (unsigned long long)proc->peak_bytes,
            (unsigned long long)proc->gc.minor_count, (unsigned long long)proc->gc.major_count);
}

static void check_written(void) {
    if (fflush(stdout) != 0 || ferror(stdout)) {
        lull_fail(1, "cannot write the normal form: %s", strerror(errno));
    }
}

/* Read back one entry and print its normal form (or its size) on a line
 * of its own, after the program's own output. */
/* Standard output may be a pipe whose reader has gone (`lull nf x | head`):
 * SIGPIPE is ignored and a failed write is reported as the reference
 * interpreter reports it, with status 1. */
static void check_output(void) {
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int e = errno;
        lull_fail(1, "cannot write the normal form: %s (os error %d)", strerror(e), e);
    }
}

static void print_entry(struct lull_proc *proc, struct lull_object *entry, bool stats) {
    struct lull_nf nf = {0};
    lull_readback(proc, entry, &nf);
    lull_in_stdio = 1;
    fflush(stdout); /* the program's own output first */
    lull_in_stdio = 0;
    if (stats) {
        report_stats(proc);
    }
    if (proc->opts.discard) {
        printf("%llu nodes\n", (unsigned long long)lull_nf_size(&nf));
    } else {
        lull_nf_print(&nf, stdout);
        putchar('\n');
    }
    lull_nf_free(&nf);
    check_output();
}

static int run(struct lull_proc *proc, void *arg) {
    struct run *r = arg;
    const struct lull_program *prog = proc->prog;
    if (r->mode == MODE_NF) {
        if (prog->nentries < 1) {
            lull_internal("the program has no entry to normalise");
        }
        print_entry(proc, prog->entries[0], true);
    } else if (r->mode == MODE_NF_EACH) {
        for (uint64_t i = 0; i < prog->nentries; i++) {
            print_entry(proc, prog->entries[i], false);
        }
        lull_in_stdio = 1;
        fflush(stdout);
        lull_in_stdio = 0;
        report_stats(proc);
    } else {
        if (prog->nentries < 2) {
            lull_internal("conv needs two entries");
        }
        bool same = lull_conv(proc, prog->entries[0], prog->entries[1]);
        fflush(stdout);
        report_stats(proc);
        printf("%s\n", same ? "true" : "false");
    }
    check_written();
    return 0;
}

int lull_rt_main(int argc, char **argv, const struct lull_program *prog) {
    enum mode mode = MODE_NF;
    struct lull_options opts;
    parse_args(argc, argv, &mode, &opts);
    signal(SIGPIPE, SIG_IGN);
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    lull_program_init(prog);
    struct lull_proc *proc = lull_proc_new(prog, &opts);
    if (opts.has_timeout) {
        start_watchdog(proc);
    }
    struct run r = {.mode = mode, .status = 0};
    int status = lull_proc_run(proc, run, &r);
    check_output();
    return status;
}
