/*
 * program.c: tables over the generated program: constructor descriptions
 * found by their entry code (for read-back, printing and error messages).
 */
#include <stdlib.h>

#include "proc.h"
#include "program.h"

static const struct lull_program *table_prog;
static const struct lull_con_desc **table; /* open addressing by entry */
static size_t table_cap;

static size_t hash_ptr(const void *p) {
    uint64_t k = (uint64_t)(uintptr_t)p;
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (size_t)k;
}

void lull_program_init(const struct lull_program *prog) {
    if (table_prog == prog) {
        return;
    }
    free(table);
    table_cap = 16;
    while (table_cap < prog->ncons * 2 + 1) {
        table_cap *= 2;
    }
    table = calloc(table_cap, sizeof *table);
    if (table == NULL) {
        lull_out_of_memory(NULL);
    }
    for (uint64_t i = 0; i < prog->ncons; i++) {
        const struct lull_con_desc *d = &prog->cons[i];
        size_t j = hash_ptr(d->entry) & (table_cap - 1);
        while (table[j] != NULL && table[j]->entry != d->entry) {
            j = (j + 1) & (table_cap - 1);
        }
        table[j] = d;
    }
    table_prog = prog;
}

const struct lull_con_desc *lull_con_of_entry(const struct lull_program *prog, const void *entry) {
    lull_program_init(prog);
    size_t j = hash_ptr(entry) & (table_cap - 1);
    while (table[j] != NULL) {
        if (table[j]->entry == entry) {
            return table[j];
        }
        j = (j + 1) & (table_cap - 1);
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
