/*
 * main.c: lull_rt_start, the runtime's entry from an executable's start
 * stub (rt/start/start.c): run-time arguments, the run on the big-stack
 * thread, printing the result and the statistics.
 *
 *   PROGRAM nf   [--max-steps N] [--max-memory BYTES] [--timeout SECONDS]
 *                [--stats] [--discard] [--nodes]
 *   PROGRAM nf-each [same options]
 *   PROGRAM conv [same options]
 *   PROGRAM io   [same options] [--prog-name NAME] [-- PROGRAM-ARGS...]
 *
 * `nf` reads back entries[0] and prints its normal form (or "N nodes" with
 * --discard); `nf-each` does the same for every entry in order, one line
 * each, in one run (one heap, shared CAFs, the limits and the statistics
 * counting the whole run; the first failure ends it, so a batch of terms
 * that should all succeed is checked by one executable); `conv` reads back
 * entries[0] and entries[1] in lock-step and prints true or false.
 * `--nodes` writes each normal form as its node list instead of its text
 * (Note [Normal forms for a library caller] in nf_print.c). Exit statuses: 0 success, 1 run-time or usage
 * error, 2 resource limit, 3 internal error.
 *
 * `io` runs an IO program: entries[0] is applied to an IO token and the
 * application evaluated to weak head normal form (its value is dropped);
 * then standard output and open files are flushed and the exit status is
 * 0 (or the program's own, from the exit primitive). The arguments after
 * `--` are the program's (argcount, argchar); its name (argchar -1,
 * Haskell's getProgName) is NAME of --prog-name, else the basename of
 * argv[0]. Run-time errors print `NAME: MESSAGE` on stderr (exit 1);
 * limits and internal errors print `error: ...` as in the other modes.
 *
 * An executable linked with the io marker (lull_llvm's build_native_io
 * adds an object defining the symbol `lull_io_program`) is an IO program
 * on its own: every argument is the program's, none is the runtime's, and
 * it runs in io mode. Its limits come from the environment:
 * LULL_MAX_MEMORY=BYTES (default 4 GiB) and LULL_MAX_STEPS=N (default
 * none); --stats and the timeout are not available.
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

#include "link.h"
#include "nf.h"
#include "proc.h"
#include "program.h"
#include "readback.h"

enum mode { MODE_NF, MODE_NF_EACH, MODE_CONV, MODE_IO };

/* Defined (by an extra object) in executables built as IO programs. */
extern const char lull_io_program __attribute__((weak));

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

static const char *basename_of(const char *p) {
    const char *slash = p != NULL ? strrchr(p, '/') : NULL;
    return slash != NULL ? slash + 1 : (p != NULL ? p : "");
}

/* The program's own arguments (io mode). */
static int prog_argc;
static char **prog_argv;
static const char *prog_name;

static void parse_args(int argc, char **argv, enum mode *mode, struct lull_options *o) {
    o->max_steps = UINT64_MAX;
    o->max_memory = (uint64_t)4 << 30;
    o->timeout = 0;
    o->has_timeout = false;
    o->stats = false;
    o->discard = false;
    o->nodes = false;
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
    } else if (strcmp(argv[1], "io") == 0) {
        *mode = MODE_IO;
    } else {
        lull_fail(1,
                  "unknown command `%s` (usage: %s [nf|nf-each|conv|io] [--max-steps N] [--max-memory BYTES] "
                  "[--timeout SECONDS] [--stats] [--discard] [--prog-name NAME] [-- ARGS...])",
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
        } else if (strcmp(a, "--nodes") == 0) {
            o->nodes = true;
        } else if (strcmp(a, "--prog-name") == 0 && next != NULL) {
            prog_name = next;
            i++;
        } else if (strcmp(a, "--") == 0 && *mode == MODE_IO) {
            prog_argc = argc - i - 1;
            prog_argv = argv + i + 1;
            break;
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
    } else if (proc->opts.nodes) {
        lull_nf_write_nodes(&nf, stdout);
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
    } else if (r->mode == MODE_IO) {
        if (prog->nentries < 1) {
            lull_internal("the program has no entry to run");
        }
        lull_run_io(proc, prog->entries[0]);
        lull_io_commit_stdout(true);
        lull_in_stdio = 1;
        fflush(stdout);
        lull_in_stdio = 0;
        lull_io_flush_files();
        report_stats(proc);
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

int lull_rt_start(int argc, char **argv, lull_entry_fn entry) {
    const struct lull_program *prog = entry(&lull_rt_services);
    const char *why = lull_program_check(prog);
    if (why == NULL) {
        why = lull_program_link(prog, &lull_rt_services);
    }
    if (why != NULL) {
        lull_fail(3, "%s", why);
    }
    enum mode mode = MODE_NF;
    struct lull_options opts;
    if (&lull_io_program != NULL) {
        /* A built IO program: every argument is the program's. */
        char *dummy[] = {argv[0], NULL};
        parse_args(1, dummy, &mode, &opts);
        mode = MODE_IO;
        prog_argc = argc > 0 ? argc - 1 : 0;
        prog_argv = argv + (argc > 0 ? 1 : 0);
        const char *mem = getenv("LULL_MAX_MEMORY");
        if (mem != NULL && *mem != '\0') {
            opts.max_memory = parse_u64("LULL_MAX_MEMORY", mem);
        }
        const char *steps = getenv("LULL_MAX_STEPS");
        if (steps != NULL && *steps != '\0') {
            opts.max_steps = parse_u64("LULL_MAX_STEPS", steps);
        }
    } else {
        parse_args(argc, argv, &mode, &opts);
    }
    if (mode == MODE_IO) {
        const char *name = prog_name != NULL ? prog_name : basename_of(argc > 0 ? argv[0] : NULL);
        static char prefix[512];
        snprintf(prefix, sizeof prefix, "%s: ", name);
        lull_error_prefix = prefix;
        lull_io_set_args(prog_argc, prog_argv, name);
    }
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
