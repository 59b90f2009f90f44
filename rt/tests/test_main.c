/*
 * test_main.c: lull_rt_start end to end on the fake program (in child
 * processes): printing, --discard, --stats, step and time limits, usage
 * errors, nf-each over several entries, and the stack overflow reports of
 * the fault handler.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

static lull_word k_obj[2];
static lull_word spin_obj[2];
static lull_word nil_obj[2];
static lull_word ind_obj[2];
static struct lull_object *entries[3];

struct result {
    int status;
    char out[4096];
    char err[4096];
};

static void slurp(int fd, char *buf, size_t n) {
    lseek(fd, 0, SEEK_SET);
    ssize_t r = read(fd, buf, n - 1);
    buf[r < 0 ? 0 : r] = '\0';
    close(fd);
}

/* Run f(arg) in a child with stdout and stderr captured. */
static void in_child(int (*f)(void *), void *arg, struct result *res) {
    char on[] = "/tmp/lull_rt_outXXXXXX", en[] = "/tmp/lull_rt_errXXXXXX";
    int o = mkstemp(on), e = mkstemp(en);
    unlink(on);
    unlink(en);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(o, 1);
        dup2(e, 2);
        int st = f(arg);
        fflush(stdout);
        _exit(st);
    }
    int st;
    waitpid(pid, &st, 0);
    res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    slurp(o, res->out, sizeof res->out);
    slurp(e, res->err, sizeof res->err);
}

static const struct lull_program *fake_entry(const struct lull_services *svc) {
    (void)svc;
    return &fake_program;
}

static int run_main(void *arg) {
    char **argv = arg;
    int argc = 0;
    while (argv[argc] != NULL) {
        argc++;
    }
    return lull_rt_start(argc, argv, fake_entry);
}

#define RUN(res, ...)                                      \
    do {                                                   \
        char *argv_[] = {"prog", __VA_ARGS__, NULL};       \
        in_child(run_main, argv_, (res));                  \
    } while (0)

static volatile int depth_limit = 1 << 30;

static int deep(struct lull_proc *p, void *arg) {
    volatile char pad[4096];
    pad[0] = (char)(uintptr_t)arg;
    if ((int)(uintptr_t)arg > depth_limit) {
        return 0;
    }
    return deep(p, (void *)((uintptr_t)arg + 1)) + pad[0];
}

static int native_overflow(void *arg) {
    (void)arg;
    setenv("LULL_NATIVE_STACK", "8388608", 1);
    struct lull_proc *p = new_proc((uint64_t)1 << 30);
    return lull_proc_run(p, deep, NULL);
}

static int fill_ds(struct lull_proc *p, void *arg) {
    (void)arg;
    volatile lull_word **s = (volatile lull_word **)p->ds_base;
    for (;;) {
        *s++ = NULL;
    }
    return 0;
}

static int data_overflow(void *arg) {
    (void)arg;
    setenv("LULL_DATA_STACK", "1048576", 1);
    struct lull_proc *p = new_proc((uint64_t)1 << 30);
    return lull_proc_run(p, fill_ds, NULL);
}

static int wild(struct lull_proc *p, void *arg) {
    (void)p;
    (void)arg;
    static volatile uintptr_t addr = 16;
    return *(volatile int *)addr;
}

static int wild_fault(void *arg) {
    (void)arg;
    struct lull_proc *p = new_proc((uint64_t)1 << 30);
    return lull_proc_run(p, wild, NULL);
}

int main(void) {
    k_obj[0] = W(e_k.code);
    spin_obj[0] = W(e_spin.code);
    nil_obj[0] = W(e_nil.code);
    ind_obj[0] = W(e_ind.code);
    ind_obj[1] = W(k_obj);
    entries[0] = (struct lull_object *)k_obj;
    entries[1] = (struct lull_object *)ind_obj;
    fake_program.entries = entries;
    fake_program.nentries = 2;
    struct result r;

    RUN(&r, "nf");
    CHECK(r.status == 0);
    CHECK_STR(r.out, "λ a b. a\n");
    CHECK_STR(r.err, "");

    RUN(&r, "nf", "--discard", "--stats");
    CHECK(r.status == 0);
    CHECK_STR(r.out, "3 nodes\n");
    CHECK(strncmp(r.err, "steps: 1\npeak memory: ", 22) == 0);
    CHECK(strstr(r.err, " bytes\ngc: 0 minor, 0 major\n") != NULL);

    RUN(&r, "conv");
    CHECK(r.status == 0);
    CHECK_STR(r.out, "true\n");

    /* nf-each: every entry, in order, one line each. */
    entries[2] = (struct lull_object *)nil_obj;
    fake_program.nentries = 3;
    RUN(&r, "nf-each");
    CHECK(r.status == 0);
    CHECK_STR(r.out, "λ a b. a\nλ a b. a\nNil\n");
    CHECK_STR(r.err, "");
    RUN(&r, "nf-each", "--discard", "--stats");
    CHECK(r.status == 0);
    CHECK_STR(r.out, "3 nodes\n3 nodes\n1 nodes\n");
    /* The statistics count the whole run: 1 step for k, 2 for ind to k. */
    CHECK(strncmp(r.err, "steps: 3\npeak memory: ", 22) == 0);
    /* The first failure ends the batch; the lines before it are printed. */
    entries[2] = (struct lull_object *)spin_obj;
    RUN(&r, "nf-each", "--max-steps", "1000");
    CHECK(r.status == 2);
    CHECK_STR(r.out, "λ a b. a\nλ a b. a\n");
    CHECK_STR(r.err, "error: step limit of 1000 reached (--max-steps)\n");
    fake_program.nentries = 1;
    RUN(&r, "nf-each");
    CHECK(r.status == 0);
    CHECK_STR(r.out, "λ a b. a\n");
    fake_program.nentries = 2;

    entries[1] = (struct lull_object *)nil_obj;
    RUN(&r, "conv", "--max-memory", "16777216");
    CHECK(r.status == 0);
    CHECK_STR(r.out, "false\n");

    entries[0] = (struct lull_object *)spin_obj;
    RUN(&r, "nf", "--max-steps", "1000");
    CHECK(r.status == 2);
    CHECK_STR(r.out, "");
    CHECK_STR(r.err, "error: step limit of 1000 reached (--max-steps)\n");

    RUN(&r, "nf", "--timeout", "0.2");
    CHECK(r.status == 2);
    CHECK_STR(r.err, "error: time limit of 0.2 s reached (--timeout)\n");

    RUN(&r, "nf", "--timeout", "1");
    CHECK_STR(r.err, "error: time limit of 1 s reached (--timeout)\n");

    entries[0] = (struct lull_object *)ind_obj;
    ind_obj[0] = W(e_ind.code);
    RUN(&r, "nf", "--max-steps", "0");
    CHECK(r.status == 2);
    CHECK_STR(r.err, "error: step limit of 0 reached (--max-steps)\n");
    RUN(&r, "nf", "--max-steps", "1", "--stats");
    CHECK(r.status == 2);
    CHECK_STR(r.err, "error: step limit of 1 reached (--max-steps)\n");
    RUN(&r, "nf", "--max-steps", "2", "--stats");
    CHECK(r.status == 0);
    CHECK(strncmp(r.err, "steps: 2\n", 9) == 0);
    CHECK_STR(r.out, "λ a b. a\n");

    /* A blackhole entered: <<loop>> */
    static lull_word bh[2];
    bh[0] = W(e_blackhole.code);
    entries[0] = (struct lull_object *)bh;
    RUN(&r, "nf");
    CHECK(r.status == 1);
    CHECK_STR(r.err, "error: <<loop>>\n");

    /* No command: nf (an executable from `lull build`, given options). */
    RUN(&r, "--max-steps", "1000");
    CHECK(r.status == 1);
    CHECK_STR(r.err, "error: <<loop>>\n");

    RUN(&r, "frob");
    CHECK(r.status == 1);
    RUN(&r, "nf", "--max-steps");
    CHECK(r.status == 1);

    /* A crate compiled for another service table is refused. */
    fake_program.services_version = LULL_SERVICES_VERSION + 1;
    RUN(&r, "nf");
    CHECK(r.status == 3);
    CHECK(strstr(r.err, "compiled for version") != NULL);
    fake_program.services_version = LULL_SERVICES_VERSION;
    fake_program.services_size = sizeof(struct lull_services) + 8;
    RUN(&r, "nf");
    CHECK(r.status == 3);
    CHECK(strstr(r.err, "needs a service table of") != NULL);
    fake_program.services_size = sizeof(struct lull_services);

    in_child(native_overflow, NULL, &r);
    CHECK(r.status == 2);
    CHECK_STR(r.err, "error: stack overflow (native stack limit of 8 MiB)\n");
    in_child(data_overflow, NULL, &r);
    CHECK(r.status == 2);
    CHECK_STR(r.err, "error: stack overflow (data stack limit of 1 MiB)\n");
    in_child(wild_fault, NULL, &r);
    CHECK(r.status == 3);
    CHECK_STR(r.err, "error: internal error: segmentation fault at 0x10\n");
    return test_report("test_main");
}
