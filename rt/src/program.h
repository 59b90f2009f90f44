/*
 * program.h: the runtime's tables over the generated program
 * (constructor descriptions by entry code).
 */
#ifndef LULL_PROGRAM_H
#define LULL_PROGRAM_H

#include "lull_rt.h"

/* Build the tables for `prog` (once per program; idempotent; thread-safe). */
void lull_program_init(const struct lull_program *prog);

/* The description of the constructor whose entry code is `entry`, or NULL. */
const struct lull_con_desc *lull_con_of_entry(const struct lull_program *prog, const void *entry);

/* The word offset (0-based content word) of each field of `desc`, in
 * source order: value fields come first in the object, in source order,
 * then the i64/f64 fields in source order. `out` has desc->nfields
 * entries. */
void lull_con_field_offsets(const struct lull_con_desc *desc, uint32_t *out);

#endif /* LULL_PROGRAM_H */
