/*
 * nf_print.c: printing normal forms exactly like the reference printer
 * (middle/src/core/nf.rs), and Rust's float formats.
 *
 * Note [Printing a prefix-order node array]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * The read-back emits nodes in prefix order, which is also printing order,
 * so the printer reads the array front to back. It keeps a stack of the
 * applications and constructors whose children are still being printed,
 * each with the number of children left and the number of `)` to print
 * once its last child is done. A frame is popped when its last child
 * *starts*, and that child inherits the frame's pending `)`s (plus its own
 * if it is parenthesised), as nf.rs merges consecutive Close tasks: so a
 * right-nested spine `a (a (a ... b))` ten million deep prints with a
 * stack of one frame and one counter. Binder ids are unique in a read-back
 * term, so a binder's name needs no restoring after its scope; names are
 * `a`..`z`, `v26`, `v27`, ... in printing order, skipping the names of
 * the term's free variables.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nf.h"
#include "proc.h"

void lull_nf_push(struct lull_nf *nf, struct lull_nf_node node) {
    if (nf->len == nf->cap) {
        nf->cap = nf->cap ? nf->cap * 2 : 1024;
        nf->nodes = lull_xrealloc(nf->nodes, nf->cap * sizeof *nf->nodes);
    }
    nf->nodes[nf->len++] = node;
}

void lull_nf_free(struct lull_nf *nf) {
    free(nf->nodes);
    nf->nodes = NULL;
    nf->len = nf->cap = 0;
}

uint64_t lull_nf_size(const struct lull_nf *nf) {
    uint64_t n = 0;
    for (size_t i = 0; i < nf->len; i++) {
        const struct lull_nf_node *t = &nf->nodes[i];
        n += t->kind == LULL_NF_LAM ? (t->n > 0 ? t->n : 1) : 1;
    }
    return n;
}

/* ---- floats ------------------------------------------------------------ */

/* The shortest decimal digits that read back as |x| (x finite, non-zero):
 * digits d1 d2 ... (no trailing zeros) and the exponent e of d1.d2... x
 * 10^e. Tries each precision in turn with the C library's correctly
 * rounded conversion. */
static void shortest_digits(double x, char *digits, int *exp10) {
    char buf[64];
    x = fabs(x);
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, x);
        if (strtod(buf, NULL) == x) {
            break;
        }
    }
    size_t n = 0;
    const char *s = buf;
    for (; *s != 'e'; s++) {
        if (*s >= '0' && *s <= '9') {
            digits[n++] = *s;
        }
    }
    *exp10 = atoi(s + 1);
    /* Rust breaks an exact tie between two shortest candidates upward
     * (2787802916184.90625 prints ...9063), where printf rounds half to
     * even. The exact expansion shows a tie as 5 then zeros. */
    char exact[96];
    snprintf(exact, sizeof exact, "%.*e", (int)n + 40, x);
    const char *q = exact;
    size_t seen = 0;
    while (seen <= n && *q != 'e') {
        if (*q >= '0' && *q <= '9') {
            seen++;
        }
        q++;
    }
    bool tie = seen == n + 1 && q[-1] == '5';
    for (const char *r = q; tie && *r != 'e'; r++) {
        tie = *r == '0';
    }
    if (tie && strncmp(exact, buf, 1) == 0) {
        /* exact's first n digits equal ours only if printf rounded down */
        char ex_digits[32];
        size_t k = 0;
        for (const char *r = exact; k < n && *r != 'e'; r++) {
            if (*r >= '0' && *r <= '9') {
                ex_digits[k++] = *r;
            }
        }
        if (memcmp(ex_digits, digits, n) == 0) {
            /* round the digits up by one unit in the last place */
            size_t i = n;
            while (i > 0 && digits[i - 1] == '9') {
                digits[--i] = '0';
            }
            if (i == 0) {
                memmove(digits + 1, digits, n);
                digits[0] = '1';
                n++;
                (*exp10)++;
            } else {
                digits[i - 1]++;
            }
        }
    }
    while (n > 1 && digits[n - 1] == '0') {
        n--;
    }
    digits[n] = '\0';
}

/* Fixed notation with at least `min_frac` fractional digits. */
static void fixed(char *buf, size_t cap, bool neg, const char *digits, int e, int min_frac) {
    size_t len = strlen(digits);
    size_t o = 0;
#define PUT(c)                 \
    do {                       \
        if (o + 1 < cap) {     \
            buf[o++] = (c);    \
        }                      \
    } while (0)
    if (neg) {
        PUT('-');
    }
    size_t frac_digits = 0;
    if (e >= 0) {
        for (size_t i = 0; i < (size_t)e + 1; i++) {
            PUT(i < len ? digits[i] : '0');
        }
        if (len > (size_t)e + 1) {
            PUT('.');
            for (size_t i = (size_t)e + 1; i < len; i++) {
                PUT(digits[i]);
                frac_digits++;
            }
        }
    } else {
        PUT('0');
        PUT('.');
        for (int i = 0; i < -e - 1; i++) {
            PUT('0');
            frac_digits++;
        }
        for (size_t i = 0; i < len; i++) {
            PUT(digits[i]);
            frac_digits++;
        }
    }
    if (frac_digits == 0 && min_frac > 0) {
        PUT('.');
        for (int i = 0; i < min_frac; i++) {
            PUT('0');
        }
    }
#undef PUT
    buf[o] = '\0';
}

static bool special(char *buf, size_t n, double x) {
    if (isnan(x)) {
        snprintf(buf, n, "NaN");
        return true;
    }
    if (isinf(x)) {
        snprintf(buf, n, x < 0 ? "-inf" : "inf");
        return true;
    }
    return false;
}

void lull_f64_debug(char *buf, size_t n, double x) {
    if (special(buf, n, x)) {
        return;
    }
    bool neg = signbit(x) != 0;
    double a = fabs(x);
    char digits[32];
    int e;
    if (a == 0.0) {
        snprintf(buf, n, neg ? "-0.0" : "0.0");
        return;
    }
    shortest_digits(a, digits, &e);
    if (a < 1e-4 || a >= 1e16) {
        size_t len = strlen(digits);
        snprintf(buf, n, "%s%c%s%s%se%d", neg ? "-" : "", digits[0], len > 1 ? "." : "", digits + 1, "", e);
        return;
    }
    fixed(buf, n, neg, digits, e, 1);
}

void lull_f64_nf_text(char *buf, size_t n, double x) {
    char tmp[64];
    lull_f64_debug(tmp, sizeof tmp, x);
    if (isfinite(x) && strchr(tmp, '.') == NULL) {
        char *e = strchr(tmp, 'e');
        if (e != NULL) {
            snprintf(buf, n, "%.*s.0%s", (int)(e - tmp), tmp, e);
        } else {
            snprintf(buf, n, "%s.0", tmp);
        }
        return;
    }
    snprintf(buf, n, "%s", tmp);
}

void lull_f64_display(char *buf, size_t n, double x) {
    if (special(buf, n, x)) {
        return;
    }
    bool neg = signbit(x) != 0;
    if (x == 0.0) {
        snprintf(buf, n, neg ? "-0" : "0");
        return;
    }
    char digits[32];
    int e;
    shortest_digits(x, digits, &e);
    fixed(buf, n, neg, digits, e, 0);
}

/* ---- the printer ------------------------------------------------------- */

enum ctx { CTX_TOP, CTX_HEAD, CTX_ARG };

static bool needs_parens(const struct lull_nf_node *t, enum ctx ctx) {
    if (ctx == CTX_TOP) {
        return false;
    }
    switch (t->kind) {
    case LULL_NF_LAM:
        return true;
    case LULL_NF_APP:
        return ctx == CTX_ARG;
    case LULL_NF_CON:
        return t->n > 0;
    case LULL_NF_INT:
        return t->u.i < 0;
    case LULL_NF_FLOAT:
        return signbit(t->u.f) && !isnan(t->u.f);
    default:
        return false;
    }
}

/* The binder index a free variable's name would clash with, or -1. */
static int64_t binder_index_of_name(const char *s) {
    if (s[0] >= 'a' && s[0] <= 'z' && s[1] == '\0') {
        return s[0] - 'a';
    }
    if (s[0] == 'v' && s[1] >= '1' && s[1] <= '9') {
        int64_t v = 0;
        for (const char *p = s + 1; *p; p++) {
            if (*p < '0' || *p > '9' || v > ((int64_t)1 << 40)) {
                return -1;
            }
            v = v * 10 + (*p - '0');
        }
        return v >= 26 ? v : -1;
    }
    return -1;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

struct pframe {
    uint32_t kind;
    uint32_t done; /* children started */
    uint32_t n;    /* children in all */
    uint64_t close;
};

static void put_binder(FILE *out, uint64_t i) {
    if (i < 26) {
        putc_unlocked((int)('a' + i), out);
    } else {
        fprintf(out, "v%llu", (unsigned long long)i);
    }
}

static void put_closes(FILE *out, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        putc_unlocked(')', out);
    }
}

bool lull_nf_print(const struct lull_nf *nf, FILE *out) {
    if (nf->len == 0) {
        return true;
    }
    /* Binder ids and the names that free variables take. */
    uint64_t max_id = 0;
    size_t nforbid = 0, forbid_cap = 0;
    int64_t *forbid = NULL;
    for (size_t i = 0; i < nf->len; i++) {
        const struct lull_nf_node *t = &nf->nodes[i];
        if (t->kind == LULL_NF_LAM && t->n > 0 && t->u.id + t->n > max_id) {
            max_id = t->u.id + t->n;
        } else if (t->kind == LULL_NF_FREE) {
            int64_t b = binder_index_of_name(t->u.name);
            if (b >= 0) {
                if (nforbid == forbid_cap) {
                    forbid_cap = forbid_cap ? forbid_cap * 2 : 16;
                    forbid = lull_xrealloc(forbid, forbid_cap * sizeof *forbid);
                }
                forbid[nforbid++] = b;
            }
        }
    }
    if (nforbid > 0) {
        qsort(forbid, nforbid, sizeof *forbid, cmp_i64);
    }
    uint64_t *names = lull_xmalloc((max_id + 1) * sizeof *names);
    for (uint64_t i = 0; i <= max_id; i++) {
        names[i] = UINT64_MAX;
    }
    uint64_t next_name = 0;

    struct pframe *stack = NULL;
    size_t sp = 0, scap = 0;
    size_t i = 0;
    enum ctx ctx = CTX_TOP;
    uint64_t pending = 0;
    char buf[64];
    for (;;) {
        const struct lull_nf_node *t = &nf->nodes[i++];
        bool paren = needs_parens(t, ctx);
        if (paren) {
            putc_unlocked('(', out);
        }
        uint64_t close = pending + (paren ? 1 : 0);
        bool leaf = false;
        switch (t->kind) {
        case LULL_NF_LAM:
            fputs("\xce\xbb", out);
            for (uint32_t k = 0; k < t->n; k++) {
                /* A binder never takes the name of a free variable. */
                for (;;) {
                    int64_t key = (int64_t)next_name;
                    if (nforbid == 0 || bsearch(&key, forbid, nforbid, sizeof *forbid, cmp_i64) == NULL) {
                        break;
                    }
                    next_name++;
                }
                names[t->u.id + k] = next_name;
                putc_unlocked(' ', out);
                put_binder(out, next_name);
                next_name++;
            }
            fputs(". ", out);
            ctx = CTX_TOP;
            pending = close;
            continue; /* the body is the next node */
        case LULL_NF_BOUND:
            if (t->u.id <= max_id && names[t->u.id] != UINT64_MAX) {
                put_binder(out, names[t->u.id]);
            } else {
                fprintf(out, "?%llu", (unsigned long long)t->u.id);
            }
            leaf = true;
            break;
        case LULL_NF_FREE:
            fputs(t->u.name, out);
            leaf = true;
            break;
        case LULL_NF_INT:
            fprintf(out, "%lld", (long long)t->u.i);
            leaf = true;
            break;
        case LULL_NF_FLOAT:
            lull_f64_nf_text(buf, sizeof buf, t->u.f);
            fputs(buf, out);
            leaf = true;
            break;
        case LULL_NF_CON:
            fputs(t->u.name, out);
            leaf = t->n == 0;
            break;
        case LULL_NF_APP:
            break;
        default:
            lull_internal("bad normal-form node kind %u", t->kind);
        }
        if (leaf) {
            put_closes(out, close);
            if (sp == 0) {
                break;
            }
        } else {
            if (sp == scap) {
                scap = scap ? scap * 2 : 64;
                stack = lull_xrealloc(stack, scap * sizeof *stack);
            }
            uint32_t nchildren = t->kind == LULL_NF_APP ? t->n + 1 : t->n;
            stack[sp++] = (struct pframe){.kind = t->kind, .done = 0, .n = nchildren, .close = close};
        }
        /* The next child of the innermost unfinished node. */
        struct pframe *f = &stack[sp - 1];
        if (f->kind == LULL_NF_APP && f->done == 0) {
            ctx = CTX_HEAD;
        } else {
            putc_unlocked(' ', out);
            ctx = CTX_ARG;
        }
        f->done++;
        if (f->done == f->n) {
            pending = f->close;
            sp--;
        } else {
            pending = 0;
        }
    }
    free(stack);
    free(names);
    free(forbid);
    return !ferror(out);
}

/* Note [Normal forms for a library caller]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * With --nodes, the normal form is written as its node array instead of
 * the text, for lull_llvm::nf (llvm-backend/src/normal.rs), which reads it
 * back into an Nf exactly: free variables and constructors may have any
 * name, and floats keep their bits. One node per line, in prefix order:
 *   L n id      a λ with binders id .. id + n - 1 (one child: its body)
 *   B id        a bound variable
 *   F hex       a free variable (its name's bytes in hex)
 *   A n         an application (children: the head, then n arguments)
 *   C n hex     a constructor with n fields (children: the fields)
 *   I i         an integer
 *   D bits      a float (its 64 bits in hex)
 */
static void put_hex(FILE *out, const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p != 0; p++) {
        fprintf(out, "%02x", *p);
    }
}

bool lull_nf_write_nodes(const struct lull_nf *nf, FILE *out) {
    for (size_t i = 0; i < nf->len; i++) {
        const struct lull_nf_node *t = &nf->nodes[i];
        switch (t->kind) {
        case LULL_NF_LAM:
            fprintf(out, "L %u %llu\n", t->n, (unsigned long long)t->u.id);
            break;
        case LULL_NF_BOUND:
            fprintf(out, "B %llu\n", (unsigned long long)t->u.id);
            break;
        case LULL_NF_FREE:
            fputs("F ", out);
            put_hex(out, t->u.name);
            fputc('\n', out);
            break;
        case LULL_NF_APP:
            fprintf(out, "A %u\n", t->n);
            break;
        case LULL_NF_CON:
            fprintf(out, "C %u ", t->n);
            put_hex(out, t->u.name);
            fputc('\n', out);
            break;
        case LULL_NF_INT:
            fprintf(out, "I %lld\n", (long long)t->u.i);
            break;
        case LULL_NF_FLOAT: {
            uint64_t bits;
            memcpy(&bits, &t->u.f, sizeof bits);
            fprintf(out, "D %016llx\n", (unsigned long long)bits);
            break;
        }
        default:
            return false;
        }
    }
    return !ferror(out);
}
