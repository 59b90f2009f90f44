/*
 * test_nf_print.c: the normal-form printer against the reference
 * printer's cases (middle/src/core/nf.rs), Rust's float formats, deep
 * spines, binder names and node counts.
 */
#define _GNU_SOURCE
#include <math.h>

#include "../src/nf.h"
#include "testlib.h"

static struct lull_nf_node lam(uint32_t n, uint64_t first) {
    return (struct lull_nf_node){.kind = LULL_NF_LAM, .n = n, .u.id = first};
}
static struct lull_nf_node bound(uint64_t id) {
    return (struct lull_nf_node){.kind = LULL_NF_BOUND, .u.id = id};
}
static struct lull_nf_node fre(const char *name) {
    return (struct lull_nf_node){.kind = LULL_NF_FREE, .u.name = name};
}
static struct lull_nf_node app(uint32_t n) {
    return (struct lull_nf_node){.kind = LULL_NF_APP, .n = n};
}
static struct lull_nf_node con(const char *name, uint32_t n) {
    return (struct lull_nf_node){.kind = LULL_NF_CON, .n = n, .u.name = name};
}
static struct lull_nf_node lit(int64_t i) {
    return (struct lull_nf_node){.kind = LULL_NF_INT, .u.i = i};
}
static struct lull_nf_node flt(double f) {
    return (struct lull_nf_node){.kind = LULL_NF_FLOAT, .u.f = f};
}

static char *print(const struct lull_nf *nf) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    lull_nf_print(nf, f);
    fclose(f);
    return buf;
}

static void check_print(const struct lull_nf_node *nodes, size_t n, const char *want) {
    struct lull_nf nf = {0};
    for (size_t i = 0; i < n; i++) {
        lull_nf_push(&nf, nodes[i]);
    }
    char *got = print(&nf);
    CHECK_STR(got, want);
    free(got);
    lull_nf_free(&nf);
}

#define P(want, ...)                                                     \
    do {                                                                 \
        const struct lull_nf_node ns_[] = {__VA_ARGS__};                 \
        check_print(ns_, sizeof ns_ / sizeof ns_[0], want);              \
    } while (0)

static void test_examples(void) {
    P("λ a b. b", lam(2, 7), bound(8));
    /* λ f. f (λ x. x) (λ y z. y) */
    P("λ a. a (λ b. b) (λ c d. c)", lam(1, 0), app(2), bound(0), lam(1, 1), bound(1), lam(2, 2), bound(2));
    P("Cons 1 (Cons 2 Nil)", con("Cons", 2), lit(1), con("Cons", 2), lit(2), con("Nil", 0));
    P("P (-3) 1.0 (-0.5) NaN inf 1.0e100", con("P", 6), lit(-3), flt(1.0), flt(-0.5), flt(NAN), flt(INFINITY),
      flt(1e100));
    P("-inf", flt(-INFINITY));
    P("f (g x) y", app(2), fre("f"), app(1), fre("g"), fre("x"), fre("y"));
    P("λ b. a b", lam(1, 7), app(1), fre("a"), bound(7));
    /* a free v27 is skipped as well */
    P("λ a. v27 a", lam(1, 0), app(1), fre("v27"), bound(0));
    /* λ run as the last argument, nested parens merged */
    P("x (y (λ a. a (z (-1))))", app(1), fre("x"), app(1), fre("y"), lam(1, 3), app(1), bound(3), app(1), fre("z"),
      lit(-1));
    P("C (-0.0) (C 0.0)", con("C", 2), flt(-0.0), con("C", 1), flt(0.0));
    P("-5", lit(-5));
    P("x Nil", app(1), fre("x"), con("Nil", 0));
    P("λ a. C (λ b. b) a", lam(1, 0), con("C", 2), lam(1, 1), bound(1), bound(0));
}

static void test_binder_names(void) {
    struct lull_nf nf = {0};
    lull_nf_push(&nf, lam(28, 0));
    lull_nf_push(&nf, bound(27));
    char *s = print(&nf);
    CHECK(strncmp(s, "λ a b c", strlen("λ a b c")) == 0);
    const char *tail = "z v26 v27. v27";
    CHECK(strlen(s) > strlen(tail) && strcmp(s + strlen(s) - strlen(tail), tail) == 0);
    CHECK(lull_nf_size(&nf) == 29);
    free(s);
    lull_nf_free(&nf);
}

static void test_deep(void) {
    const size_t n = 1000000;
    struct lull_nf nf = {0};
    lull_nf_push(&nf, lam(2, 0));
    for (size_t i = 0; i < n; i++) {
        lull_nf_push(&nf, app(1));
        lull_nf_push(&nf, bound(0));
    }
    lull_nf_push(&nf, bound(1));
    char *s = print(&nf);
    CHECK(strncmp(s, "λ a b. a (a (a ", strlen("λ a b. a (a (a ")) == 0);
    CHECK(strlen(s) == strlen("λ a b. ") + 4 * n - 1);
    CHECK(s[strlen(s) - 1] == ')');
    CHECK(lull_nf_size(&nf) == 2 + 2 * n + 1);
    free(s);
    lull_nf_free(&nf);

    /* A deep left-nested constructor: Cons (Cons (... Nil) 1) 1 */
    const size_t m = 100000;
    for (size_t i = 0; i < m; i++) {
        lull_nf_push(&nf, con("Cons", 2));
    }
    lull_nf_push(&nf, con("Nil", 0));
    for (size_t i = 0; i < m; i++) {
        lull_nf_push(&nf, lit(1));
    }
    s = print(&nf);
    CHECK(strlen(s) == 5 * m + 3 + (m - 1) * 2 + 2 * m);
    free(s);
    lull_nf_free(&nf);
}

static void check_float(double x, const char *debug, const char *nf, const char *display) {
    char b[64];
    lull_f64_debug(b, sizeof b, x);
    CHECK_STR(b, debug);
    lull_f64_nf_text(b, sizeof b, x);
    CHECK_STR(b, nf);
    if (display != NULL) {
        lull_f64_display(b, sizeof b, x);
        CHECK_STR(b, display);
    }
}

static void test_floats(void) {
    check_float(1.0, "1.0", "1.0", "1");
    check_float(-0.5, "-0.5", "-0.5", "-0.5");
    check_float(0.5, "0.5", "0.5", "0.5");
    check_float(2.0, "2.0", "2.0", "2");
    check_float(1e100, "1e100", "1.0e100", NULL);
    check_float(0.1, "0.1", "0.1", "0.1");
    check_float(1e16, "1e16", "1.0e16", "10000000000000000");
    check_float(1e15, "1000000000000000.0", "1000000000000000.0", "1000000000000000");
    check_float(1e-5, "1e-5", "1.0e-5", "0.00001");
    check_float(0.0001, "0.0001", "0.0001", "0.0001");
    check_float(1.5e-7, "1.5e-7", "1.5e-7", "0.00000015");
    check_float(123456.789, "123456.789", "123456.789", "123456.789");
    check_float(5e-324, "5e-324", "5.0e-324", NULL);
    check_float(0.0, "0.0", "0.0", "0");
    check_float(-0.0, "-0.0", "-0.0", "-0");
    check_float(NAN, "NaN", "NaN", "NaN");
    check_float(INFINITY, "inf", "inf", "inf");
    check_float(-INFINITY, "-inf", "-inf", "-inf");
    check_float(1.7976931348623157e308, "1.7976931348623157e308", "1.7976931348623157e308", NULL);
    check_float(0.30000000000000004, "0.30000000000000004", "0.30000000000000004", "0.30000000000000004");
    check_float(-1.25e20, "-1.25e20", "-1.25e20", "-125000000000000000000");
}

int main(void) {
    test_examples();
    test_binder_names();
    test_deep();
    test_floats();
    return test_report("test_nf_print");
}
