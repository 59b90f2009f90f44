/*
 * nf.h: normal forms as a compact prefix-order node array (built by the
 * read-back, printed by nf_print.c), and the float formats of the
 * reference implementation (Rust's `{:?}` and `{}` for f64).
 */
#ifndef LULL_NF_H
#define LULL_NF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum lull_nf_kind {
    LULL_NF_LAM,   /* n binders, ids first .. first + n - 1; one child: the body */
    LULL_NF_BOUND, /* a bound variable: id */
    LULL_NF_FREE,  /* a free variable: name */
    LULL_NF_APP,   /* n arguments; children: the head, then the n arguments */
    LULL_NF_CON,   /* a constructor `name` with n fields; children: the fields */
    LULL_NF_INT,
    LULL_NF_FLOAT,
};

/* One node; a term is its root node followed by its children's terms, in
 * order (prefix order). */
struct lull_nf_node {
    uint32_t kind;
    uint32_t n;
    union {
        uint64_t id;      /* LAM: the first binder id; BOUND: the id */
        const char *name; /* FREE, CON */
        int64_t i;
        double f;
    } u;
};

struct lull_nf {
    struct lull_nf_node *nodes;
    size_t len, cap;
};

void lull_nf_push(struct lull_nf *nf, struct lull_nf_node node);
void lull_nf_free(struct lull_nf *nf);

/* Print the normal form (no newline) exactly like the reference printer
 * (middle/src/core/nf.rs). Iterative. Returns false on a write error. */
bool lull_nf_print(const struct lull_nf *nf, FILE *out);

/* Write the node array, one node per line (Note [Normal forms for a
 * library caller] in nf_print.c). Returns false on a write error. */
bool lull_nf_write_nodes(const struct lull_nf *nf, FILE *out);

/* The number of nodes as Nf::size counts them: each λ binder one, every
 * other node one. */
uint64_t lull_nf_size(const struct lull_nf *nf);

/* Rust's `{:?}` of an f64 ("1e100", "0.5", "NaN", "-inf"). */
void lull_f64_debug(char *buf, size_t n, double x);
/* The normal-form printer's float text: `{:?}` with ".0" inserted where no
 * "." would appear ("1.0e100", "1.0"). */
void lull_f64_nf_text(char *buf, size_t n, double x);
/* Rust's `{}` (Display) of an f64: never an exponent ("0.5", "2"). */
void lull_f64_display(char *buf, size_t n, double x);

#endif /* LULL_NF_H */
