/*
 * embed.c: the embedding API of rt/include/lull_embed.h: runtimes, crates
 * loaded with dlopen, calls of their exports with values converted in and
 * out of the Lull heap.
 *
 * Note [Calls from a host]
 * ~~~~~~~~~~~~~~~~~~~~~~~~
 * Each open crate has a proc of its own (its heap, stacks and limits), so
 * a crate's top-level values (CAFs, updated in the crate's static data)
 * point into one heap only. A call runs on the proc's thread
 * (lull_proc_run): the arguments are built in the heap from the host's
 * values by the types the crate recorded (Note [Export types] in
 * frontend/src/lull/lower/export.rs), pushed on the data stack, the export
 * entered through the crate's call_entry, and the result forced as the
 * conversion walks it (iteratively along list spines, recursively only
 * into the type's nesting).
 *
 * A failure anywhere in the run (a Lull error, a limit, a stack overflow
 * caught by the fault handler, an internal error) goes through lull_fail
 * or the fault handler, which, when the thread has an escape (fail.c),
 * store the message there and siglongjmp back here instead of ending the
 * process. The proc is then in no state to go on (blackholes, update
 * frames, CAFs under evaluation), so it is freed, every CAF of the crate is
 * put back as it was linked (struct lull_caf), and a fresh proc is made:
 * the next call starts as the first did.
 *
 * A crate file that is already open (in any runtime) is loaded again from
 * a private copy, since dlopen would hand back the same image, CAFs and
 * all.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "link.h"
#include "lull_embed.h"
#include "nf.h"
#include "escape.h"
#include "proc.h"
#include "readback.h"
#include "services.h"

struct lull_value {
    lull_kind kind;
    union {
        int64_t i;
        double d;
        uint32_t c;
        struct {
            char *bytes;
            size_t len, cap;
        } s;
        struct {
            size_t n, cap;
            lull_value **items;
        } xs;
    } u;
};

struct lull_runtime {
    lull_config cfg;
    struct lull_crate *crates;
};

/* The constructors the conversions build and read (by their names in the
 * crate's constructor table). */
enum known { K_INT, K_DOUBLE, K_CHAR, K_NIL, K_CONS, K_FALSE, K_TRUE, K_UNIT, K_TUPLE2, K_COUNT = K_TUPLE2 + 6 };
static const char *const known_names[K_COUNT] = {
    "I#", "D#", "C#", "[]", ":", "False", "True", "()", "(,)", "(,,)", "(,,,)", "(,,,,)", "(,,,,,)", "(,,,,,,)",
};

struct lull_crate {
    lull_runtime *rt;
    struct lull_crate *next;         /* in the runtime */
    struct lull_crate *next_open;    /* in the process (open_crates) */
    void *handle;
    const struct lull_program *prog;
    struct lull_proc *proc;
    dev_t dev;
    ino_t ino;
    const void *known[K_COUNT];
};

/* Every open crate of every runtime, for the private copies. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lull_crate *open_crates;

/* ---- errors --------------------------------------------------------------- */

static void set_err(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_err(char **err, const char *fmt, ...) {
    if (err == NULL) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) {
        s = NULL;
    }
    va_end(ap);
    *err = s;
}

/* ---- runtimes ------------------------------------------------------------- */

lull_runtime *lull_runtime_new(const lull_config *cfg) {
    lull_runtime *rt = calloc(1, sizeof *rt);
    if (rt == NULL) {
        return NULL;
    }
    if (cfg != NULL) {
        rt->cfg = *cfg;
    }
    return rt;
}

void lull_runtime_free(lull_runtime *rt) {
    if (rt == NULL) {
        return;
    }
    while (rt->crates != NULL) {
        lull_crate_close(rt->crates);
    }
    free(rt);
}

static struct lull_options options_of(const lull_runtime *rt) {
    struct lull_options o = {
        .max_steps = rt->cfg.max_steps != 0 ? rt->cfg.max_steps : UINT64_MAX,
        .max_memory = rt->cfg.max_memory != 0 ? rt->cfg.max_memory : (uint64_t)4 << 30,
    };
    return o;
}

/* A proc for the crate, made under an escape: NULL and *err on failure. */
static struct lull_proc *new_proc(struct lull_crate *c, char **err) {
    struct lull_escape esc;
    char msg_text[LULL_ESCAPE_TEXT], err_text[LULL_ESCAPE_TEXT];
    esc.msg = msg_text;
    esc.err = err_text;
    esc.err_len = 0;
    esc.child = false;
    esc.exited = false;
    struct lull_escape *outer = lull_escape;
    struct lull_options o = options_of(c->rt);
    struct lull_proc *host_proc = lull_current_proc;
    if (sigsetjmp(esc.jb, 1) != 0) {
        lull_escape = outer;
        lull_current_proc = host_proc;
        set_err(err, "%s", esc.msg);
        return NULL;
    }
    lull_escape = &esc;
    struct lull_proc *p = lull_proc_new(c->prog, &o);
    lull_current_proc = host_proc; /* the host's thread runs no proc */
    lull_escape = outer;
    return p;
}

/* ---- crates --------------------------------------------------------------- */

/* A private copy of `path` (for a crate already open), unlinked once
 * loaded; the handle, or NULL and *err. */
static void *open_copy(const char *path, char **err) {
    char tmp[] = "/tmp/lull-crate-XXXXXX";
    int out = mkstemp(tmp);
    int in = open(path, O_RDONLY | O_CLOEXEC);
    bool ok = out >= 0 && in >= 0;
    char buf[1 << 16];
    while (ok) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        ok = write(out, buf, (size_t)n) == n;
    }
    if (in >= 0) {
        close(in);
    }
    if (out >= 0) {
        close(out);
    }
    void *h = ok ? dlopen(tmp, RTLD_NOW | RTLD_LOCAL) : NULL;
    if (!ok) {
        set_err(err, "cannot make a private copy of the crate %s to load it a second time: %s", path,
                strerror(errno));
    } else if (h == NULL) {
        set_err(err, "cannot load the crate %s: %s", path, dlerror());
    }
    unlink(tmp);
    return h;
}

lull_crate *lull_crate_open(lull_runtime *rt, const char *path, char **err) {
    if (rt == NULL || path == NULL) {
        set_err(err, "lull_crate_open: no runtime or no path");
        return NULL;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        set_err(err, "cannot open the crate %s: %s", path, strerror(errno));
        return NULL;
    }
    lull_crate *c = calloc(1, sizeof *c);
    if (c == NULL) {
        set_err(err, "out of memory");
        return NULL;
    }
    c->rt = rt;
    c->dev = st.st_dev;
    c->ino = st.st_ino;
    pthread_mutex_lock(&open_lock);
    bool again = false;
    for (struct lull_crate *o = open_crates; o != NULL; o = o->next_open) {
        again |= o->dev == c->dev && o->ino == c->ino;
    }
    pthread_mutex_unlock(&open_lock);
    if (again) {
        c->handle = open_copy(path, err);
    } else {
        c->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (c->handle == NULL) {
            set_err(err, "cannot load the crate %s: %s", path, dlerror());
        }
    }
    if (c->handle == NULL) {
        free(c);
        return NULL;
    }
    lull_entry_fn entry;
    void *sym = dlsym(c->handle, LULL_ENTRY_SYMBOL);
    memcpy(&entry, &sym, sizeof entry);
    if (sym == NULL) {
        set_err(err, "%s is not a Lull crate: it has no `%s` symbol", path, LULL_ENTRY_SYMBOL);
        dlclose(c->handle);
        free(c);
        return NULL;
    }
    c->prog = entry(&lull_rt_services);
    const char *why = lull_program_check(c->prog);
    if (why == NULL) {
        why = lull_program_link(c->prog, &lull_rt_services);
    }
    if (why != NULL) {
        set_err(err, "%s: %s", path, why);
        dlclose(c->handle);
        free(c);
        return NULL;
    }
    for (int k = 0; k < K_COUNT; k++) {
        for (uint64_t i = 0; i < c->prog->ncons; i++) {
            if (strcmp(c->prog->cons[i].name, known_names[k]) == 0) {
                c->known[k] = c->prog->cons[i].entry;
                break;
            }
        }
    }
    c->proc = new_proc(c, err);
    if (c->proc == NULL) {
        dlclose(c->handle);
        free(c);
        return NULL;
    }
    c->next = rt->crates;
    rt->crates = c;
    pthread_mutex_lock(&open_lock);
    c->next_open = open_crates;
    open_crates = c;
    pthread_mutex_unlock(&open_lock);
    return c;
}

void lull_crate_close(lull_crate *c) {
    if (c == NULL) {
        return;
    }
    for (lull_crate **p = &c->rt->crates; *p != NULL; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    pthread_mutex_lock(&open_lock);
    for (lull_crate **p = &open_crates; *p != NULL; p = &(*p)->next_open) {
        if (*p == c) {
            *p = c->next_open;
            break;
        }
    }
    pthread_mutex_unlock(&open_lock);
    if (c->proc != NULL) {
        lull_proc_free(c->proc);
    }
    /* The crate's code stays mapped: its stack maps are in the runtime's
     * table for good (Note [Calls from a host]), and another runtime may
     * have the same image. dlclose would unmap it only when unused. */
    free(c);
}

size_t lull_crate_exports(const lull_crate *c) {
    return c != NULL ? c->prog->nexports : 0;
}

const char *lull_crate_export_name(const lull_crate *c, size_t i) {
    return c != NULL && i < c->prog->nexports ? c->prog->exports[i].name : NULL;
}

const char *lull_crate_export_type(const lull_crate *c, size_t i) {
    return c != NULL && i < c->prog->nexports ? c->prog->exports[i].type_text : NULL;
}

/* Puts the CAFs of one crate back as they were linked (called on the
 * crate and the crates it imports from: each crate a host opens has its
 * library to itself, Note [Crate imports]). */
static void restore_cafs(const struct lull_program *prog, void *unused) {
    (void)unused;
    for (uint64_t i = 0; i < prog->ncafs; i++) {
        struct lull_object *o = prog->cafs[i].object;
        o->entry = prog->cafs[i].entry;
        o->contents[0] = 0;
    }
}

/* After a failed call: a fresh proc, the CAFs as linked. */
static void reset(lull_crate *c) {
    lull_proc_free(c->proc);
    c->proc = NULL;
    lull_program_each(c->prog, restore_cafs, NULL);
    c->proc = new_proc(c, NULL);
}

/* ---- type codes (Note [Export types]) ------------------------------------- */

/* The end of the type code at `t`, or NULL when it is malformed. */
static const char *type_end(const char *t) {
    switch (*t) {
    case 'i': case 'd': case 'b': case 'c': case 's': case 'u':
        return t + 1;
    case 'l':
        return type_end(t + 1);
    case 't': {
        int n = t[1] - '0';
        if (n < 2 || n > 7) {
            return NULL;
        }
        t += 2;
        for (int k = 0; k < n && t != NULL; k++) {
            t = type_end(t);
        }
        return t;
    }
    default:
        return NULL;
    }
}

static const char *kind_name(lull_kind k) {
    static const char *const names[] = {"an Int", "a Double", "a Bool", "a Char", "a String", "a list", "a tuple"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "an unknown value";
}

static void type_text(const char *t, char *buf, size_t n) {
    switch (*t) {
    case 'i': snprintf(buf, n, "Int"); return;
    case 'd': snprintf(buf, n, "Double"); return;
    case 'b': snprintf(buf, n, "Bool"); return;
    case 'c': snprintf(buf, n, "Char"); return;
    case 's': snprintf(buf, n, "String"); return;
    case 'u': snprintf(buf, n, "()"); return;
    case 'l': {
        char in[200];
        type_text(t + 1, in, sizeof in);
        snprintf(buf, n, "[%s]", in);
        return;
    }
    default: snprintf(buf, n, "a tuple"); return;
    }
}

/* Whether v fits the type code t; else a message in why. */
static bool fits(const lull_value *v, const char *t, char *why, size_t n) {
    lull_kind want;
    switch (*t) {
    case 'i': want = LULL_INT; break;
    case 'd': want = LULL_DOUBLE; break;
    case 'b': want = LULL_BOOL; break;
    case 'c': want = LULL_CHAR; break;
    case 's': want = LULL_STRING; break;
    case 'l': want = LULL_LIST; break;
    default: want = LULL_TUPLE; break;
    }
    char tt[256];
    type_text(t, tt, sizeof tt);
    if (v == NULL) {
        snprintf(why, n, "a NULL value where %s is expected", tt);
        return false;
    }
    /* An empty list is also an empty String. */
    if (v->kind != want && !(want == LULL_STRING && v->kind == LULL_LIST && v->u.xs.n == 0)) {
        snprintf(why, n, "%s where %s%s is expected", kind_name(v->kind), *t == 'l' || *t == 't' ? "" : "a value of type ", tt);
        return false;
    }
    if (*t == 'l') {
        for (size_t i = 0; i < v->u.xs.n; i++) {
            if (!fits(v->u.xs.items[i], t + 1, why, n)) {
                return false;
            }
        }
    } else if (*t == 'u' || *t == 't') {
        size_t arity = *t == 'u' ? 0 : (size_t)(t[1] - '0');
        if (v->u.xs.n != arity) {
            snprintf(why, n, "a tuple of %zu items where one of %zu is expected", v->u.xs.n, arity);
            return false;
        }
        const char *it = t + 2;
        for (size_t i = 0; i < arity; i++) {
            if (!fits(v->u.xs.items[i], it, why, n)) {
                return false;
            }
            it = type_end(it);
        }
    }
    return true;
}

/* ---- into the heap ------------------------------------------------------ */

struct bytes {
    const unsigned char *s;
    size_t len, at;
};

static int next_byte(void *src) {
    struct bytes *b = src;
    return b->at < b->len ? b->s[b->at++] : -1;
}

/* The code point at b->at (U+FFFD for malformed UTF-8, as standard input
 * reads it), moving past it. */
static int64_t decode(struct bytes *b) {
    return lull_utf8_next(next_byte, b);
}

static struct lull_object *top_root(struct lull_proc *p, size_t from_top) {
    return p->roots.items[p->roots.len - 1 - from_top];
}

/* A constructor object with `nwords` content words (zeroed), its fields
 * filled from the top `nroots` roots (the deepest first), which are
 * popped; the object is pushed as a root. */
static void build_con(struct lull_proc *p, const void *entry, size_t nwords, size_t nroots) {
    if (entry == NULL) {
        lull_internal("the crate has no constructor for a value of its exports");
    }
    size_t words = 1 + (nwords < 1 ? 1 : nwords);
    lull_word *m = lull_gc_alloc(p, words);
    m[0] = (lull_word)(uintptr_t)entry;
    for (size_t i = 1; i < words; i++) {
        m[i] = 0;
    }
    for (size_t k = 0; k < nroots; k++) {
        m[1 + k] = (lull_word)(uintptr_t)top_root(p, nroots - 1 - k);
    }
    p->roots.len -= nroots;
    lull_objvec_push(&p->roots, (struct lull_object *)m);
}

static void build_list_end(struct lull_crate *c) {
    build_con(c->proc, c->known[K_NIL], 0, 0);
}

/* Cons the top root (an element) onto the root below it (a list): both
 * popped, the cell pushed. */
static void build_cons(struct lull_crate *c) {
    struct lull_proc *p = c->proc;
    struct lull_object *x = top_root(p, 0);
    p->roots.items[p->roots.len - 1] = top_root(p, 1);
    p->roots.items[p->roots.len - 2] = x;
    build_con(p, c->known[K_CONS], 2, 2);
}

/* Build v (of type t, checked by fits) as a heap object; pushed as a root. */
static void to_heap(struct lull_crate *c, const lull_value *v, const char *t) {
    struct lull_proc *p = c->proc;
    switch (*t) {
    case 'i':
        build_con(p, c->known[K_INT], 1, 0);
        top_root(p, 0)->contents[0] = (lull_word)v->u.i;
        return;
    case 'd':
        build_con(p, c->known[K_DOUBLE], 1, 0);
        memcpy(&top_root(p, 0)->contents[0], &v->u.d, sizeof(double));
        return;
    case 'c':
        build_con(p, c->known[K_CHAR], 1, 0);
        top_root(p, 0)->contents[0] = v->u.c;
        return;
    case 'b':
        build_con(p, c->known[v->u.i ? K_TRUE : K_FALSE], 0, 0);
        return;
    case 'u':
        build_con(p, c->known[K_UNIT], 0, 0);
        return;
    case 's': {
        /* The code points, then the list from its end. */
        size_t n = 0, len = v->kind == LULL_STRING ? v->u.s.len : 0;
        int64_t *cps = lull_xmalloc((len + 1) * sizeof *cps);
        struct bytes src = {(const unsigned char *)v->u.s.bytes, len, 0};
        while (src.at < src.len) {
            cps[n++] = decode(&src);
        }
        build_list_end(c);
        while (n > 0) {
            build_con(p, c->known[K_CHAR], 1, 0);
            top_root(p, 0)->contents[0] = (lull_word)cps[--n];
            build_cons(c);
        }
        free(cps);
        return;
    }
    case 'l':
        build_list_end(c);
        for (size_t i = v->u.xs.n; i > 0; i--) {
            to_heap(c, v->u.xs.items[i - 1], t + 1);
            build_cons(c);
        }
        return;
    default: {
        size_t n = (size_t)(t[1] - '0');
        const char *it = t + 2;
        for (size_t i = 0; i < n; i++) {
            to_heap(c, v->u.xs.items[i], it);
            it = type_end(it);
        }
        build_con(p, c->known[K_TUPLE2 + n - 2], n, n);
        return;
    }
    }
}

/* ---- out of the heap ---------------------------------------------------- */

/* A value of kind k (zeroed), or NULL when out of memory. */
static lull_value *value_or_null(lull_kind k) {
    lull_value *v = calloc(1, sizeof *v);
    if (v != NULL) {
        v->kind = k;
    }
    return v;
}

/* The same inside a call: out of memory is the call's error. */
static lull_value *new_value(lull_kind k) {
    lull_value *v = value_or_null(k);
    if (v == NULL) {
        lull_out_of_memory(NULL);
    }
    return v;
}

static void add_item(lull_value *xs, lull_value *item) {
    if (xs->u.xs.n == xs->u.xs.cap) {
        xs->u.xs.cap = xs->u.xs.cap < 4 ? 4 : xs->u.xs.cap * 2;
        xs->u.xs.items = lull_xrealloc(xs->u.xs.items, xs->u.xs.cap * sizeof *xs->u.xs.items);
    }
    xs->u.xs.items[xs->u.xs.n++] = item;
}

static void add_bytes(lull_value *s, const unsigned char *b, size_t n) {
    if (s->u.s.len + n + 1 > s->u.s.cap) {
        size_t cap = s->u.s.cap < 16 ? 16 : s->u.s.cap;
        while (cap < s->u.s.len + n + 1) {
            cap *= 2;
        }
        s->u.s.bytes = lull_xrealloc(s->u.s.bytes, cap);
        s->u.s.cap = cap;
    }
    memcpy(s->u.s.bytes + s->u.s.len, b, n);
    s->u.s.len += n;
    s->u.s.bytes[s->u.s.len] = 0;
}

/* The top root in weak head normal form, as a constructor. */
static struct lull_object *whnf_top(struct lull_proc *p) {
    lull_whnf_root(p, p->roots.len - 1);
    struct lull_object *o = top_root(p, 0);
    const struct lull_info *info = lull_rt_object_info(o);
    if (info->tag != LULL_TAG_CON) {
        lull_internal("a value of an export's result is a %s, not a constructor", lull_rt_tag_name(info->tag));
    }
    return o;
}

static uint32_t con_number(const struct lull_object *o) {
    return lull_rt_object_info(o)->con_or_arity;
}

static lull_kind kind_of_code(char t) {
    switch (t) {
    case 'i': return LULL_INT;
    case 'd': return LULL_DOUBLE;
    case 'b': return LULL_BOOL;
    case 'c': return LULL_CHAR;
    case 's': return LULL_STRING;
    case 'l': return LULL_LIST;
    default: return LULL_TUPLE;
    }
}

/* Convert the top root (of type t) into *out, which is linked into the
 * result already (so a failure part-way loses nothing); pops the root. */
static void from_heap(struct lull_crate *c, const char *t, lull_value *out) {
    struct lull_proc *p = c->proc;
    switch (*t) {
    case 'i': out->u.i = (int64_t)whnf_top(p)->contents[0]; break;
    case 'd': memcpy(&out->u.d, &whnf_top(p)->contents[0], sizeof(double)); break;
    case 'c': out->u.c = (uint32_t)whnf_top(p)->contents[0]; break;
    case 'b': out->u.i = con_number(whnf_top(p)) != 0; break;
    case 'u': whnf_top(p); break;
    case 's':
    case 'l':
        for (;;) {
            struct lull_object *cell = whnf_top(p);
            if (con_number(cell) == 0) {
                break;
            }
            lull_objvec_push(&p->roots, (struct lull_object *)(uintptr_t)cell->contents[0]);
            if (*t == 's') {
                unsigned char b[4];
                int64_t cp = (int64_t)whnf_top(p)->contents[0];
                add_bytes(out, b, lull_utf8_encode(cp, b));
                p->roots.len--;
            } else {
                lull_value *item = new_value(kind_of_code(t[1]));
                add_item(out, item);
                from_heap(c, t + 1, item);
            }
            /* On to the tail (the cell may have moved). */
            cell = top_root(p, 0);
            p->roots.items[p->roots.len - 1] = (struct lull_object *)(uintptr_t)cell->contents[1];
        }
        if (*t == 's' && out->u.s.bytes == NULL) {
            add_bytes(out, (const unsigned char *)"", 0);
        }
        break;
    default: {
        size_t n = (size_t)(t[1] - '0');
        const char *it = t + 2;
        whnf_top(p);
        for (size_t i = 0; i < n; i++) {
            struct lull_object *tuple = top_root(p, 0);
            lull_objvec_push(&p->roots, (struct lull_object *)(uintptr_t)tuple->contents[i]);
            lull_value *item = new_value(kind_of_code(*it));
            add_item(out, item);
            from_heap(c, it, item);
            it = type_end(it);
        }
        break;
    }
    }
    p->roots.len--;
}


/* ---- calls ----------------------------------------------------------------- */

struct job {
    struct lull_crate *crate;
    const struct lull_export *export;
    const char *result_type;
    const char *const *arg_types;
    size_t argc;
    lull_value *const *argv;
    lull_value *result;
    bool failed;
    char msg[4096];
};

static int run_job(struct lull_proc *p, void *arg) {
    struct job *j = arg;
    struct lull_escape esc;
    char msg_text[LULL_ESCAPE_TEXT], err_text[LULL_ESCAPE_TEXT];
    esc.msg = msg_text;
    esc.err = err_text;
    esc.err_len = 0;
    esc.child = false;
    esc.exited = false;
    if (sigsetjmp(esc.jb, 1) != 0) {
        lull_escape = NULL;
        j->failed = true;
        snprintf(j->msg, sizeof j->msg, "%s", esc.msg);
        return 1;
    }
    lull_escape = &esc;
    /* The step limit is per call. */
    p->steps_done = 0;
    p->fuel_refill = 0;
    p->regs.fuel = 0;
    size_t base = p->roots.len;
    for (size_t i = j->argc; i > 0; i--) {
        to_heap(j->crate, j->argv[i - 1], j->arg_types[i - 1]);
    }
    /* The roots hold the arguments last first (the first on top); they go
     * on the data stack in that order, so the first argument ends on top
     * (Note [The data stack]). */
    for (size_t i = base; i < p->roots.len; i++) {
        lull_ds_push(p, p->roots.items[i]);
    }
    p->roots.len = base;
    struct lull_object *v = lull_call_object(p, j->export->value, j->argc);
    lull_objvec_push(&p->roots, v);
    j->result = new_value(kind_of_code(*j->result_type));
    from_heap(j->crate, j->result_type, j->result);
    lull_escape = NULL;
    return 0;
}

lull_value *lull_call(lull_crate *c, const char *name, size_t argc, lull_value *const *argv, char **err) {
    if (c == NULL || name == NULL) {
        set_err(err, "lull_call: no crate or no name");
        return NULL;
    }
    if (c->proc == NULL) {
        set_err(err, "the crate could not be reset after an earlier error (out of memory?)");
        return NULL;
    }
    const struct lull_export *e = NULL;
    for (uint64_t i = 0; i < c->prog->nexports; i++) {
        if (strcmp(c->prog->exports[i].name, name) == 0) {
            e = &c->prog->exports[i];
        }
    }
    if (e == NULL) {
        set_err(err, "the crate exports no function `%s`", name);
        return NULL;
    }
    const char *arg_types[64];
    size_t n = 0;
    const char *t = e->type;
    while (*t != '>' && *t != 0) {
        if (n == sizeof arg_types / sizeof arg_types[0]) {
            set_err(err, "`%s` takes more than 64 arguments", name);
            return NULL;
        }
        arg_types[n++] = t;
        t = type_end(t);
        if (t == NULL) {
            set_err(err, "the crate's type code of `%s` is malformed (%s)", name, e->type);
            return NULL;
        }
    }
    if (*t != '>' || type_end(t + 1) == NULL) {
        set_err(err, "the crate's type code of `%s` is malformed (%s)", name, e->type);
        return NULL;
    }
    if (argc != n) {
        set_err(err, "`%s :: %s` takes %zu argument%s, not %zu", name, e->type_text, n, n == 1 ? "" : "s", argc);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        char why[512];
        if (!fits(argv[i], arg_types[i], why, sizeof why)) {
            set_err(err, "argument %zu of `%s :: %s`: %s", i + 1, name, e->type_text, why);
            return NULL;
        }
    }
    struct job j = {.crate = c, .export = e, .result_type = t + 1, .arg_types = arg_types, .argc = argc, .argv = argv};
    lull_proc_run(c->proc, run_job, &j);
    if (j.failed) {
        lull_value_free(j.result);
        set_err(err, "%s", j.msg);
        reset(c);
        return NULL;
    }
    return j.result;
}

/* ---- values ------------------------------------------------------------------ */

lull_value *lull_int(int64_t n) {
    lull_value *v = value_or_null(LULL_INT);
    if (v != NULL) {
        v->u.i = n;
    }
    return v;
}

lull_value *lull_double(double x) {
    lull_value *v = value_or_null(LULL_DOUBLE);
    if (v != NULL) {
        v->u.d = x;
    }
    return v;
}

lull_value *lull_bool(int b) {
    lull_value *v = value_or_null(LULL_BOOL);
    if (v != NULL) {
        v->u.i = b != 0;
    }
    return v;
}

lull_value *lull_char(uint32_t c) {
    lull_value *v = value_or_null(LULL_CHAR);
    if (v != NULL) {
        v->u.c = c;
    }
    return v;
}

lull_value *lull_string_n(const char *utf8, size_t len) {
    lull_value *v = value_or_null(LULL_STRING);
    char *b = malloc(len + 1);
    if (v == NULL || b == NULL) {
        free(v);
        free(b);
        return NULL;
    }
    if (len > 0) {
        memcpy(b, utf8, len);
    }
    b[len] = 0;
    v->u.s.bytes = b;
    v->u.s.len = len;
    return v;
}

lull_value *lull_string(const char *utf8) {
    return lull_string_n(utf8 != NULL ? utf8 : "", utf8 != NULL ? strlen(utf8) : 0);
}

static lull_value *sequence(lull_kind k, size_t n, lull_value *const *items) {
    lull_value *v = value_or_null(k);
    lull_value **xs = malloc((n > 0 ? n : 1) * sizeof *xs);
    if (v == NULL || xs == NULL) {
        free(v);
        free(xs);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        xs[i] = items[i];
    }
    v->u.xs.n = v->u.xs.cap = n;
    v->u.xs.items = xs;
    return v;
}

lull_value *lull_list(size_t n, lull_value *const *items) {
    return sequence(LULL_LIST, n, items);
}

lull_value *lull_tuple(size_t n, lull_value *const *items) {
    return sequence(LULL_TUPLE, n, items);
}

lull_kind lull_kind_of(const lull_value *v) {
    return v != NULL ? v->kind : LULL_TUPLE;
}

int64_t lull_as_int(const lull_value *v) {
    return v != NULL && v->kind == LULL_INT ? v->u.i : 0;
}

double lull_as_double(const lull_value *v) {
    return v != NULL && v->kind == LULL_DOUBLE ? v->u.d : 0.0;
}

int lull_as_bool(const lull_value *v) {
    return v != NULL && v->kind == LULL_BOOL ? (int)v->u.i : 0;
}

uint32_t lull_as_char(const lull_value *v) {
    return v != NULL && v->kind == LULL_CHAR ? v->u.c : 0;
}

const char *lull_as_string(const lull_value *v, size_t *len) {
    if (v == NULL || v->kind != LULL_STRING) {
        if (len != NULL) {
            *len = 0;
        }
        return NULL;
    }
    if (len != NULL) {
        *len = v->u.s.len;
    }
    return v->u.s.bytes;
}

size_t lull_length(const lull_value *v) {
    return v != NULL && (v->kind == LULL_LIST || v->kind == LULL_TUPLE) ? v->u.xs.n : 0;
}

const lull_value *lull_item(const lull_value *v, size_t i) {
    return i < lull_length(v) ? v->u.xs.items[i] : NULL;
}

void lull_value_free(lull_value *v) {
    if (v == NULL) {
        return;
    }
    if (v->kind == LULL_STRING) {
        free(v->u.s.bytes);
    } else if (v->kind == LULL_LIST || v->kind == LULL_TUPLE) {
        for (size_t i = 0; i < v->u.xs.n; i++) {
            lull_value_free(v->u.xs.items[i]);
        }
        free(v->u.xs.items);
    }
    free(v);
}

/* ---- show ------------------------------------------------------------------- */

struct buf {
    char *s;
    size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap < 64 ? 64 : b->cap;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        b->s = lull_xrealloc(b->s, cap);
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

static void puts_(struct buf *b, const char *s) {
    put(b, s, strlen(s));
}

/* GHC's showLitChar; `quote` is the delimiter that needs a backslash.
 * *pending_digit_escape: the previous output was a numeric escape, so a
 * following digit needs "\&" (and, after "\SO", an 'H' does). */
static void show_char_in(struct buf *b, uint32_t c, char quote, int *after) {
    static const char *const ascii[32] = {"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "a",   "b",  "t", "n",
                                          "v",   "f",   "r",   "SO",  "SI",  "DLE", "DC1", "DC2", "DC3", "DC4", "NAK",
                                          "SYN", "ETB", "CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US"};
    if ((*after == 1 && c >= '0' && c <= '9') || (*after == 2 && c == 'H')) {
        puts_(b, "\\&");
    }
    *after = 0;
    char tmp[16];
    if (c > 127) {
        snprintf(tmp, sizeof tmp, "\\%u", c);
        puts_(b, tmp);
        *after = 1;
    } else if (c == 127) {
        puts_(b, "\\DEL");
    } else if (c == '\\') {
        puts_(b, "\\\\");
    } else if (c == (uint32_t)quote) {
        tmp[0] = '\\';
        tmp[1] = quote;
        put(b, tmp, 2);
    } else if (c >= ' ') {
        tmp[0] = (char)c;
        put(b, tmp, 1);
    } else {
        puts_(b, "\\");
        puts_(b, ascii[c]);
        *after = c == 14 ? 2 : 0;
    }
}

static void show(struct buf *b, const lull_value *v) {
    char tmp[64];
    int after = 0;
    switch (v->kind) {
    case LULL_INT:
        snprintf(tmp, sizeof tmp, "%lld", (long long)v->u.i);
        puts_(b, tmp);
        return;
    case LULL_DOUBLE:
        put(b, tmp, lull_show_double(v->u.d, tmp));
        return;
    case LULL_BOOL:
        puts_(b, v->u.i ? "True" : "False");
        return;
    case LULL_CHAR:
        puts_(b, "'");
        show_char_in(b, v->u.c, '\'', &after);
        puts_(b, "'");
        return;
    case LULL_STRING: {
        puts_(b, "\"");
        struct bytes src = {(const unsigned char *)v->u.s.bytes, v->u.s.len, 0};
        while (src.at < src.len) {
            show_char_in(b, (uint32_t)decode(&src), '"', &after);
        }
        puts_(b, "\"");
        return;
    }
    case LULL_LIST:
    case LULL_TUPLE:
        puts_(b, v->kind == LULL_LIST ? "[" : "(");
        for (size_t i = 0; i < v->u.xs.n; i++) {
            if (i > 0) {
                puts_(b, ",");
            }
            show(b, v->u.xs.items[i]);
        }
        puts_(b, v->kind == LULL_LIST ? "]" : ")");
        return;
    }
}

char *lull_value_show(const lull_value *v) {
    struct buf b = {0};
    if (v == NULL) {
        puts_(&b, "NULL");
    } else {
        show(&b, v);
    }
    return b.s;
}
