/*
 * program.c: tables over the generated program: constructor descriptions
 * found by their entry code (for read-back, printing and error messages).
 *
 * One table per crate (with the constructors of the crates it imports
 * from, linked first: rt/src/link.c), built on first use and kept for the process (a
 * host may open several crates, in several runtimes on several threads):
 * the list of tables is guarded by a lock, and each thread remembers the
 * table it used last, so the common lookup takes no lock.
 */
#include <pthread.h>
#include <stdlib.h>

#include "link.h"
#include "proc.h"
#include "program.h"

struct con_table {
    const struct lull_program *prog;
    const struct lull_con_desc **slots; /* open addressing by entry */
    size_t cap;
    struct con_table *next;
};

static pthread_mutex_t tables_lock = PTHREAD_MUTEX_INITIALIZER;
static struct con_table *tables;
static _Thread_local struct con_table *last;

static size_t hash_ptr(const void *p) {
    uint64_t k = (uint64_t)(uintptr_t)p;
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (size_t)k;
}

/* The constructors of `prog` and of the crates it imports from (each
 * linked crate has entries of its own: Note [Crate imports]), through
 * lull_program_each. */
static void count_cons(const struct lull_program *prog, void *n) {
    *(uint64_t *)n += prog->ncons;
}

static void insert_cons(const struct lull_program *prog, void *table) {
    struct con_table *t = table;
    for (uint64_t i = 0; i < prog->ncons; i++) {
        const struct lull_con_desc *d = &prog->cons[i];
        size_t j = hash_ptr(d->entry) & (t->cap - 1);
        while (t->slots[j] != NULL && t->slots[j]->entry != d->entry) {
            j = (j + 1) & (t->cap - 1);
        }
        t->slots[j] = d;
    }
}

static struct con_table *build(const struct lull_program *prog) {
    struct con_table *t = calloc(1, sizeof *t);
    if (t == NULL) {
        lull_out_of_memory(NULL);
    }
    t->prog = prog;
    t->cap = 16;
    uint64_t n = 0;
    lull_program_each(prog, count_cons, &n);
    while (t->cap < n * 2 + 1) {
        t->cap *= 2;
    }
    t->slots = calloc(t->cap, sizeof *t->slots);
    if (t->slots == NULL) {
        lull_out_of_memory(NULL);
    }
    lull_program_each(prog, insert_cons, t);
    return t;
}

static struct con_table *table_of(const struct lull_program *prog) {
    struct con_table *t = last;
    if (t != NULL && t->prog == prog) {
        return t;
    }
    pthread_mutex_lock(&tables_lock);
    for (t = tables; t != NULL && t->prog != prog; t = t->next) {
    }
    if (t == NULL) {
        t = build(prog);
        t->next = tables;
        tables = t;
    }
    pthread_mutex_unlock(&tables_lock);
    last = t;
    return t;
}

void lull_program_init(const struct lull_program *prog) {
    table_of(prog);
}

const struct lull_con_desc *lull_con_of_entry(const struct lull_program *prog, const void *entry) {
    const struct con_table *t = table_of(prog);
    size_t j = hash_ptr(entry) & (t->cap - 1);
    while (t->slots[j] != NULL) {
        if (t->slots[j]->entry == entry) {
            return t->slots[j];
        }
        j = (j + 1) & (t->cap - 1);
    }
    return NULL;
}

void lull_con_field_offsets(const struct lull_con_desc *desc, uint32_t *out) {
    uint32_t w = 0;
    for (uint64_t i = 0; i < desc->nfields; i++) {
        if (desc->field_kinds[i] == LULL_FIELD_VALUE) {
            out[i] = w++;
        }
    }
    for (uint64_t i = 0; i < desc->nfields; i++) {
        if (desc->field_kinds[i] != LULL_FIELD_VALUE) {
            out[i] = w++;
        }
    }
}
