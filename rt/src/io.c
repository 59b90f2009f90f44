/*
 * io.c: the services behind Core's IO and numeric primitives (declared in
 * lull_rt.h; see PrimOp in middle/src/core/ir.rs), with the reference
 * interpreter's results and messages (middle/src/core/interp/machine.rs,
 * middle/src/core/numeric.rs):
 *
 *   dataid                       the data index of a constructor's desc
 *   fshowchar, fdec              Haskell's `show` of a double; m * 10^e
 *   hputchar, hgetchar, hflush,  handles: 0 stdin, 1 stdout (putchar's
 *   hclose, pathchar, hopen      buffer), 2 stderr (unbuffered), >= 3
 *                                files opened by hopen from the pending
 *                                path that pathchar builds
 *   exit                         flush everything, exit with a status
 *   argcount, argchar            the program's arguments and name
 *
 * All are leaf calls: none allocates on the heap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "proc.h"
#include "program.h"
#include "services.h"

/* ---- constructors ---------------------------------------------------------- */

int64_t lull_rt_dataid(struct lull_proc *proc, struct lull_object *v) {
    if (lull_rt_object_info(v)->tag != LULL_TAG_CON) {
        return -1;
    }
    const struct lull_con_desc *d = lull_con_of_entry(proc->prog, v->entry);
    return d != NULL ? (int64_t)d->data : -1;
}

/* ---- numbers --------------------------------------------------------------- */

static bool round_trips(const char *s, double a) {
    return strtod(s, NULL) == a;
}

/* Add delta (+1 or -1) to the last digit of the n-digit string d (no
 * leading zero); false when the result has another number of digits. */
static bool step_digits(char *d, int n, int delta) {
    int i = n - 1;
    if (delta > 0) {
        while (i >= 0 && d[i] == '9') {
            d[i--] = '0';
        }
        if (i < 0) {
            return false;
        }
        d[i]++;
    } else {
        while (i >= 0 && d[i] == '0') {
            d[i--] = '9';
        }
        if (i < 0) {
            return false;
        }
        d[i]--;
        if (d[0] == '0') {
            return false;
        }
    }
    return true;
}

/* The shortest decimal digits of a > 0 (finite) that read back as a,
 * the closest to a among those (Rust's `{:e}` digits): digits into d (NUL
 * terminated), value = d[0].d[1..] * 10^*x10. */
static void shortest_digits(double a, char *d, int *x10) {
    char s[64];
    for (int p = 0; p <= 17; p++) {
        snprintf(s, sizeof s, "%.*e", p, a);
        char *e = strchr(s, 'e');
        int x = atoi(e + 1);
        int n = 0;
        for (char *c = s; c < e; c++) {
            if (*c != '.') {
                d[n++] = *c;
            }
        }
        d[n] = '\0';
        bool ok = round_trips(s, a);
        if (ok && p >= 14) {
            /* An exact tie that printf rounded to even (down): the
             * interpreter (Rust, like GHC's floatToDigits) rounds half up
             * when the upper neighbour reads back too. Ties need 16 or
             * more significant digits, so short outputs skip the check. */
            static char exact[800];
            snprintf(exact, sizeof exact, "%.*e", 780, a);
            char *ee = strchr(exact, 'e');
            char ed[800];
            int m = 0;
            for (char *c = exact; c < ee; c++) {
                if (*c != '.') {
                    ed[m++] = *c;
                }
            }
            bool tie = m > n && ed[n] == '5' && atoi(ee + 1) == x && memcmp(ed, d, (size_t)n) == 0;
            for (int k = n + 1; tie && k < m; k++) {
                tie = ed[k] == '0';
            }
            char t[32], u[64];
            memcpy(t, d, (size_t)n + 1);
            if (tie && step_digits(t, n, 1)) {
                snprintf(u, sizeof u, "%c.%se%d", t[0], t + 1, x);
                if (round_trips(u, a)) {
                    memcpy(d, t, (size_t)n + 1);
                }
            }
        }
        /* The correctly rounded n digits may fall just outside an
         * asymmetric rounding interval while a neighbour is inside. */
        for (int delta = 1; !ok && delta >= -1; delta -= 2) {
            char t[32], u[64];
            memcpy(t, d, (size_t)n + 1);
            if (!step_digits(t, n, delta)) {
                continue;
            }
            snprintf(u, sizeof u, "%c.%se%d", t[0], t + 1, x);
            if (round_trips(u, a)) {
                memcpy(d, t, (size_t)n + 1);
                ok = true;
            }
        }
        if (ok) {
            while (n > 1 && d[n - 1] == '0') {
                d[--n] = '\0';
            }
            *x10 = x;
            return;
        }
    }
    lull_internal("no decimal form of %a round-trips", a);
}

size_t lull_show_double(double x, char *buf) {
    if (isnan(x)) {
        return (size_t)sprintf(buf, "NaN");
    }
    if (isinf(x)) {
        return (size_t)sprintf(buf, x > 0 ? "Infinity" : "-Infinity");
    }
    char *o = buf;
    if (signbit(x)) {
        *o++ = '-';
    }
    double a = fabs(x);
    if (a == 0) {
        o += sprintf(o, "0.0");
        return (size_t)(o - buf);
    }
    char d[32];
    int x10;
    shortest_digits(a, d, &x10);
    int n = (int)strlen(d);
    int e = x10 + 1; /* GHC's floatToDigits exponent: a = 0.d * 10^e */
    if (e >= 0 && e <= 7) {
        if (e == 0) {
            o += sprintf(o, "0.%s", d);
        } else if (n <= e) {
            o += sprintf(o, "%s", d);
            for (int i = n; i < e; i++) {
                *o++ = '0';
            }
            o += sprintf(o, ".0");
        } else {
            o += sprintf(o, "%.*s.%s", e, d, d + e);
        }
    } else {
        o += sprintf(o, "%c.%se%d", d[0], n == 1 ? "0" : d + 1, e - 1);
    }
    return (size_t)(o - buf);
}

int64_t lull_rt_fshowchar(double x, int64_t i) {
    /* The last double shown: walking i = 0, 1, ... formats it once. */
    static uint64_t last_bits;
    static bool valid;
    static char text[48];
    static size_t len;
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    if (!valid || bits != last_bits) {
        len = lull_show_double(x, text);
        last_bits = bits;
        valid = true;
    }
    if (i < 0 || (uint64_t)i >= len) {
        return -1;
    }
    return (unsigned char)text[i];
}

double lull_rt_fdec(int64_t m, int64_t e) {
    char s[64];
    snprintf(s, sizeof s, "%lldE%lld", (long long)m, (long long)e);
    return strtod(s, NULL);
}

/* ---- handles --------------------------------------------------------------- */

struct file {
    FILE *f;
    bool writing;
};

static struct file *files; /* by handle - 3 */
static size_t nfiles;      /* handles 3 .. 3 + nfiles - 1 have been given */
static char *path;
static size_t path_len, path_cap;

void lull_io_flush_files(void) {
    for (size_t i = 0; i < nfiles; i++) {
        if (files[i].f != NULL && files[i].writing) {
            fflush(files[i].f);
        }
    }
}

static bool scalar(int64_t c) {
    return c >= 0 && c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
}

static struct file *file_of(int64_t h) {
    if (h < 3 || (uint64_t)(h - 3) >= nfiles || files[h - 3].f == NULL) {
        return NULL;
    }
    return &files[h - 3];
}

/*
 * Note [Pending output]
 * ---------------------
 * GHC's hPutStr fills a buffer of its own with the string's characters and
 * hands the buffer to the handle when it is full (2048 characters), at the
 * end of the string, and, when the handle is line-buffered (a terminal),
 * at each newline. So when evaluating the string fails (`print (f x)` with
 * an error inside `f x`), the part of that string not yet handed over is
 * lost, and the program's output ends before it. Lull does the same for
 * standard output: the library's hPutStr and putStrLn start a hold
 * (hcommit mode 2), during which hputchar on handle 1 appends to
 * `pending`; their closing hcommit (mode 1), a full buffer, a newline on a
 * terminal, hflush, exit and the normal end of the program hand it over to
 * stdio; a run-time error does not, so the pending part is dropped. Outside
 * a hold (Core programs that write with hputchar), output goes straight to
 * stdio. The reference interpreter keeps the same rule
 * (middle/src/core/interp/machine.rs).
 */
#define PENDING_CHARS 2048
static unsigned char pending[PENDING_CHARS * 4];
static size_t pending_len, pending_chars;
static bool holding; /* hcommit mode 2 .. mode 0 or 1 */

void lull_io_commit_stdout(bool keep) {
    holding = false;
    if (keep && pending_len > 0) {
        lull_in_stdio = 1;
        fwrite(pending, 1, pending_len, stdout);
        lull_in_stdio = 0;
    }
    pending_len = 0;
    pending_chars = 0;
}

void lull_rt_hcommit(struct lull_proc *proc, int64_t h, int64_t mode) {
    (void)proc;
    if (h == 1) {
        lull_io_commit_stdout(mode != 0);
        holding = mode == 2;
    }
}

void lull_rt_hputchar(struct lull_proc *proc, int64_t h, int64_t c) {
    if (!scalar(c)) {
        lull_fail(1, "hputchar: %lld is not a Unicode scalar value", (long long)c);
    }
    if (h == 1 && !holding) {
        lull_rt_putchar(proc, c);
        return;
    }
    unsigned char b[4];
    size_t n = lull_utf8_encode(c, b);
    struct lull_escape *e = lull_escape;
    if (h == 2 && e != NULL) {
        /* An embedding's call or a spawned proc: kept for the message
         * (lull_rt_exit); a proc's is written too. */
        if (e->err_len + n < LULL_ESCAPE_TEXT) {
            memcpy(e->err + e->err_len, b, n);
            e->err_len += n;
        }
        if (!e->child) {
            return;
        }
    }
    if (h == 1) {
        memcpy(pending + pending_len, b, n);
        pending_len += n;
        pending_chars++;
        if (pending_chars >= PENDING_CHARS) {
            lull_io_commit_stdout(true);
            holding = true;
        } else if (c == '\n' && lull_stdout_is_tty()) {
            lull_io_commit_stdout(true);
            lull_rt_hflush(proc, 1);
            holding = true;
        }
        return;
    }
    if (h == 2) {
        ssize_t w = write(2, b, n);
        (void)w;
        return;
    }
    struct file *f = file_of(h);
    if (f == NULL || !f->writing) {
        lull_fail(1, "hputchar: handle %lld is not open for writing", (long long)h);
    }
    if (fwrite(b, 1, n, f->f) != n) {
        lull_fail(1, "hputchar: cannot write to handle %lld: %s", (long long)h, strerror(errno));
    }
}

static int file_byte(void *f) {
    return getc_unlocked((FILE *)f);
}

int64_t lull_rt_hgetchar(struct lull_proc *proc, int64_t h) {
    if (h == 0) {
        return lull_rt_getchar(proc);
    }
    struct file *f = file_of(h);
    if (f == NULL || f->writing) {
        lull_fail(1, "hgetchar: handle %lld is not open for reading", (long long)h);
    }
    return lull_utf8_next(file_byte, f->f);
}

void lull_rt_hflush(struct lull_proc *proc, int64_t h) {
    (void)proc;
    if (h == 1) {
        lull_io_commit_stdout(true);
        lull_in_stdio = 1;
        fflush(stdout);
        lull_in_stdio = 0;
        return;
    }
    if (h == 0 || h == 2) {
        return;
    }
    struct file *f = file_of(h);
    if (f == NULL) {
        lull_fail(1, "hflush: handle %lld is not open for flushing", (long long)h);
    }
    if (f->writing) {
        fflush(f->f);
    }
}

void lull_rt_hclose(struct lull_proc *proc, int64_t h) {
    (void)proc;
    struct file *f = file_of(h);
    if (f != NULL) {
        fclose(f->f);
        f->f = NULL;
    }
}

void lull_rt_pathchar(struct lull_proc *proc, int64_t c) {
    (void)proc;
    if (!scalar(c)) {
        lull_fail(1, "pathchar: %lld is not a Unicode scalar value", (long long)c);
    }
    if (path_len + 5 > path_cap) {
        path_cap = path_cap * 2 + 64;
        path = lull_xrealloc(path, path_cap);
    }
    path_len += lull_utf8_encode(c, (unsigned char *)path + path_len);
    path[path_len] = '\0';
}

/* GHC's text for a failed openFile: "PATH: openFile: WHAT (DETAIL)". */
static _Noreturn void open_failed(const char *p, int e) {
    const char *what, *detail = strerror(e);
    switch (e) {
    case ENOENT:
    case ENOTDIR:
        what = "does not exist";
        break;
    case EACCES:
    case EPERM:
    case EROFS:
        what = "permission denied";
        break;
    case EISDIR:
        what = "inappropriate type";
        detail = "is a directory";
        break;
    case EBUSY:
    case ETXTBSY:
        what = "resource busy";
        break;
    case EEXIST:
        what = "already exists";
        break;
    case EMFILE:
    case ENFILE:
    case ENOSPC:
        what = "resource exhausted";
        break;
    default:
        what = "failed";
        break;
    }
    lull_fail(1, "%s: openFile: %s (%s)", p, what, detail);
}

int64_t lull_rt_hopen(struct lull_proc *proc, int64_t mode) {
    (void)proc;
    const char *p = path != NULL ? path : "";
    const char *m = mode == 0 ? "r" : mode == 1 ? "w" : mode == 2 ? "a" : NULL;
    if (m == NULL) {
        lull_fail(1, "hopen: bad mode %lld", (long long)mode);
    }
    FILE *f = fopen(p, m);
    if (f == NULL) {
        open_failed(p, errno);
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        open_failed(p, EISDIR);
    }
    files = lull_xrealloc(files, (nfiles + 1) * sizeof *files);
    files[nfiles] = (struct file){.f = f, .writing = mode != 0};
    nfiles++;
    path_len = 0;
    if (path != NULL) {
        path[0] = '\0';
    }
    return (int64_t)(nfiles - 1 + 3);
}

static const char *prog_name;

_Noreturn void lull_rt_exit(struct lull_proc *proc, int64_t status) {
    (void)proc;
    struct lull_escape *e = lull_escape;
    if (e != NULL) {
        /* An embedding's call does not end the host: what the code wrote
         * to standard error, without the program name that the Prelude's
         * `error` puts first (empty here) and the final newline, is the
         * message. */
        char msg[LULL_ESCAPE_TEXT + 64];
        size_t len = e->err_len;
        const char *text = e->err;
        size_t skip = strlen(prog_name) + 2;
        if (len >= skip && strncmp(text, prog_name, skip - 2) == 0 && text[skip - 2] == ':' && text[skip - 1] == ' ') {
            text += skip;
            len -= skip;
        }
        while (len > 0 && text[len - 1] == '\n') {
            len--;
        }
        if (len == 0) {
            snprintf(msg, sizeof msg, "the code exited with status %lld", (long long)status);
        } else {
            snprintf(msg, sizeof msg, "%.*s", (int)len, text);
        }
        e->exited = true;
        lull_escape_with(status == 0 ? (e->child ? 0 : 1) : (int)status, msg);
    }
    lull_io_commit_stdout(true);
    lull_in_stdio = 1;
    fflush(stdout);
    lull_in_stdio = 0;
    lull_io_flush_files();
    _exit((int)(status & 255));
}

/* ---- arguments --------------------------------------------------------------- */

static int prog_argc;
static char **prog_argv;
static const char *prog_name = "";

void lull_io_set_args(int argc, char **argv, const char *name) {
    prog_argc = argc;
    prog_argv = argv;
    prog_name = name != NULL ? name : "";
}

int64_t lull_rt_argcount(struct lull_proc *proc) {
    (void)proc;
    return prog_argc;
}

/* The byte length of the UTF-8 sequence at s (1 for a malformed one). */
static size_t utf8_step(const unsigned char *s, uint32_t *c) {
    unsigned char b0 = s[0];
    size_t n;
    uint32_t v;
    if (b0 < 0x80) {
        *c = b0;
        return 1;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 1;
        v = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 2;
        v = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 3;
        v = b0 & 0x07;
    } else {
        *c = 0xFFFD;
        return 1;
    }
    for (size_t k = 1; k <= n; k++) {
        if ((s[k] & 0xC0) != 0x80) {
            *c = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[k] & 0x3F);
    }
    *c = v;
    return n + 1;
}

int64_t lull_rt_argchar(struct lull_proc *proc, int64_t i, int64_t j) {
    (void)proc;
    /* Walking j = 0, 1, ... of one argument continues where it stopped. */
    static int64_t last_i = -2, last_j;
    static size_t last_off;
    const char *s;
    if (i == -1) {
        s = prog_name;
    } else if (i >= 0 && i < prog_argc) {
        s = prog_argv[i];
    } else {
        return -1;
    }
    if (j < 0) {
        return -1;
    }
    int64_t k = 0;
    size_t off = 0;
    if (i == last_i && j >= last_j) {
        k = last_j;
        off = last_off;
    }
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c = 0;
    for (;;) {
        if (u[off] == '\0') {
            return -1;
        }
        size_t n = utf8_step(u + off, &c);
        if (k == j) {
            last_i = i;
            last_j = j;
            last_off = off;
            return c;
        }
        off += n;
        k++;
    }
}
