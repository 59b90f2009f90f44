/*
 * lull_embed.h: running compiled Lull crates inside a C (or Rust) host.
 *
 * A crate built with `lull build --crate Foo.lull -o libFoo.so` is a shared
 * object whose one exported symbol is its entry (Note [Crate entries] in
 * lull_rt.h). A host links liblull_rt (static or shared), makes a runtime,
 * opens crates and calls their exported functions:
 *
 *     lull_runtime *rt = lull_runtime_new(NULL);
 *     char *err = NULL;
 *     lull_crate *c = lull_crate_open(rt, "./libWords.so", &err);
 *     lull_value *arg = lull_string("the cat and the hat");
 *     lull_value *r = lull_call(c, "wordFreq", 1, &arg, &err);
 *     ... lull_length(r), lull_item(r, i), lull_as_int(...) ...
 *     lull_value_free(r); lull_value_free(arg);
 *     lull_crate_close(c); lull_runtime_free(rt);
 *
 * Exported functions are the top-level bindings of the crate's module (its
 * export list, or every binding without one) whose type is built from
 * Int, Double, Bool, Char, String, (), lists and tuples of these; the
 * others are not callable from the host. A result is forced to normal
 * form and copied out of the Lull heap.
 *
 * Errors: every function that takes `char **err` returns NULL on failure
 * and stores a message in *err (malloc'd: free it with free()), or leaves
 * *err alone on success; err may be NULL. A Lull run-time error (`error`,
 * a failed pattern match, division by zero), a limit of the configuration
 * (memory, steps, stack) or an internal error of the runtime becomes such
 * a message: the host process is never ended by a crate. After an error
 * the crate's heap is dropped and its top-level values are reset, so the
 * next call starts afresh.
 *
 * Threads: a runtime and its crates may be used from one host thread at a
 * time; separate runtimes share no state and may run on separate threads.
 * A crate file opened by two runtimes at once is loaded twice.
 */
#ifndef LULL_EMBED_H
#define LULL_EMBED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lull_runtime lull_runtime;
typedef struct lull_crate lull_crate;
typedef struct lull_value lull_value;

/* The limits of a runtime; each crate's calls run within them. Zero
 * fields take the defaults. */
typedef struct lull_config {
    uint64_t max_memory; /* bytes of heap and stacks per crate (default 4 GiB) */
    uint64_t max_steps;  /* closure entries per call (default: no limit) */
} lull_config;

/* A runtime with the limits of `cfg` (NULL: the defaults); NULL when the
 * process is out of memory. */
lull_runtime *lull_runtime_new(const lull_config *cfg);
/* Closes every crate still open in the runtime and frees it. */
void lull_runtime_free(lull_runtime *rt);

/* Loads the crate at `path` (dlopen), finds its entry and checks that it
 * was compiled for this runtime's service table. */
lull_crate *lull_crate_open(lull_runtime *rt, const char *path, char **err);
void lull_crate_close(lull_crate *crate);

/* The number of functions the crate exports, and the name and type
 * (Haskell syntax, e.g. "String -> [(String, Int)]") of the i-th; NULL
 * past the end. */
size_t lull_crate_exports(const lull_crate *crate);
const char *lull_crate_export_name(const lull_crate *crate, size_t i);
const char *lull_crate_export_type(const lull_crate *crate, size_t i);

/* Calls the exported function `name` on argc arguments (not consumed:
 * the caller still frees them) and returns its result in normal form. */
lull_value *lull_call(lull_crate *crate, const char *name, size_t argc, lull_value *const *argv, char **err);

/* ---- values ----------------------------------------------------------- */

typedef enum lull_kind {
    LULL_INT,    /* Int: 64-bit */
    LULL_DOUBLE, /* Double */
    LULL_BOOL,   /* Bool */
    LULL_CHAR,   /* Char: a Unicode code point */
    LULL_STRING, /* String: UTF-8 text */
    LULL_LIST,   /* [a] of any element type but Char */
    LULL_TUPLE,  /* (a, b, ...); () is the tuple of no items */
} lull_kind;

/* Constructors; NULL when out of memory. lull_list and lull_tuple take
 * ownership of their items (freed with the list or tuple; an item may not
 * be in two of them). lull_string copies NUL-terminated UTF-8,
 * lull_string_n `len` bytes (which may hold NUL). */
lull_value *lull_int(int64_t n);
lull_value *lull_double(double x);
lull_value *lull_bool(int b);
lull_value *lull_char(uint32_t c);
lull_value *lull_string(const char *utf8);
lull_value *lull_string_n(const char *utf8, size_t len);
lull_value *lull_list(size_t n, lull_value *const *items);
lull_value *lull_tuple(size_t n, lull_value *const *items);

/* Readers. A reader of the wrong kind returns 0 (or NULL). */
lull_kind lull_kind_of(const lull_value *v);
int64_t lull_as_int(const lull_value *v);
double lull_as_double(const lull_value *v);
int lull_as_bool(const lull_value *v);
uint32_t lull_as_char(const lull_value *v);
/* A string's bytes (NUL-terminated; *len, when not NULL, is its length). */
const char *lull_as_string(const lull_value *v, size_t *len);
/* The number of items of a list or a tuple, and the i-th (NULL past the end). */
size_t lull_length(const lull_value *v);
const lull_value *lull_item(const lull_value *v, size_t i);

/* The value as Haskell's `show` prints it (malloc'd; free with free()). */
char *lull_value_show(const lull_value *v);

/* Frees a value and everything in it; NULL is allowed. */
void lull_value_free(lull_value *v);

#ifdef __cplusplus
}
#endif

#endif /* LULL_EMBED_H */
