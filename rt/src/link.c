/*
 * link.c: linking a crate with the crates it imports from (Note [Crate
 * imports] in rt/include/lull_rt.h): their descriptions, checked and
 * linked first, and the crate's import slots filled from their symbols.
 *
 * The crates linked so far are a list guarded by a lock (a host may open
 * crates from several threads); linking is rare (once per crate), so
 * lookups take the lock too.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "stackmap.h"

/* Deeper than this, crates import from each other in a cycle. */
#define MAX_LINK_DEPTH 64

struct linked {
    const struct lull_program *prog;
    const struct lull_program **deps; /* prog->ndeps of them */
    struct linked *next;
};

static pthread_mutex_t link_lock = PTHREAD_MUTEX_INITIALIZER;
static struct linked *linked;
static _Thread_local char why[512];

static struct linked *find(const struct lull_program *prog) {
    for (struct linked *l = linked; l != NULL; l = l->next) {
        if (l->prog == prog) {
            return l;
        }
    }
    return NULL;
}

/* The value of `name` among the sorted symbols of `dep`, or NULL. */
static struct lull_object *lookup(const struct lull_program *dep, const char *name) {
    uint64_t lo = 0;
    uint64_t hi = dep->nsymbols;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        int c = strcmp(dep->symbols[mid].name, name);
        if (c == 0) {
            return dep->symbols[mid].value;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

static const char *link_locked(const struct lull_program *prog, const struct lull_services *svc, int depth) {
    if (find(prog) != NULL) {
        return NULL;
    }
    if (depth > MAX_LINK_DEPTH) {
        snprintf(why, sizeof why, "crates import from each other more than %d deep (a cycle?)", MAX_LINK_DEPTH);
        return why;
    }
    const struct lull_program **deps = calloc(prog->ndeps > 0 ? prog->ndeps : 1, sizeof *deps);
    if (deps == NULL) {
        return "out of memory while linking crates";
    }
    for (uint64_t i = 0; i < prog->ndeps; i++) {
        const struct lull_program *d = prog->deps[i] != NULL ? prog->deps[i](svc) : NULL;
        const char *bad = lull_program_check(d);
        if (bad == NULL) {
            bad = link_locked(d, svc, depth + 1);
        }
        if (bad != NULL) {
            if (bad != why) {
                snprintf(why, sizeof why, "a crate this one imports from: %s", bad);
            }
            free(deps);
            return why;
        }
        lull_stackmap_add_program(d);
        deps[i] = d;
    }
    for (uint64_t i = 0; i < prog->nimports; i++) {
        const struct lull_import *imp = &prog->imports[i];
        struct lull_object *v = imp->dep < prog->ndeps ? lookup(deps[imp->dep], imp->name) : NULL;
        if (v == NULL) {
            snprintf(why, sizeof why,
                     "the crate imports `%s`, which the crate it names does not define (were they built by the "
                     "same lull?)",
                     imp->name);
            free(deps);
            return why;
        }
        *imp->slot = v;
    }
    struct linked *l = malloc(sizeof *l);
    if (l == NULL) {
        free(deps);
        return "out of memory while linking crates";
    }
    l->prog = prog;
    l->deps = deps;
    l->next = linked;
    linked = l;
    return NULL;
}

const char *lull_program_link(const struct lull_program *prog, const struct lull_services *svc) {
    pthread_mutex_lock(&link_lock);
    const char *r = link_locked(prog, svc, 0);
    pthread_mutex_unlock(&link_lock);
    return r;
}

const struct lull_program *lull_program_dep(const struct lull_program *prog, size_t i) {
    pthread_mutex_lock(&link_lock);
    struct linked *l = find(prog);
    const struct lull_program *d = l != NULL && i < prog->ndeps ? l->deps[i] : NULL;
    pthread_mutex_unlock(&link_lock);
    return d;
}

static void each_from(const struct lull_program *prog, void (*f)(const struct lull_program *, void *), void *arg,
                      int depth) {
    f(prog, arg);
    for (uint64_t i = 0; depth < MAX_LINK_DEPTH && i < prog->ndeps; i++) {
        const struct lull_program *d = lull_program_dep(prog, i);
        if (d != NULL) {
            each_from(d, f, arg, depth + 1);
        }
    }
}

void lull_program_each(const struct lull_program *prog, void (*f)(const struct lull_program *p, void *arg),
                       void *arg) {
    each_from(prog, f, arg, 0);
}
