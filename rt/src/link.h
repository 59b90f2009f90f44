/*
 * link.h: linking a crate with the crates it imports from (Note [Crate
 * imports] in rt/include/lull_rt.h).
 */
#ifndef LULL_LINK_H
#define LULL_LINK_H

#include <stddef.h>

#include "lull_rt.h"

/* Links `prog` before it runs: calls the entry of every crate it imports
 * from with `svc`, checks and links each of them first, and fills prog's
 * import slots from their symbols. Returns NULL, or a message (valid until
 * the next call on this thread) saying what is missing. Idempotent and
 * thread-safe; a crate linked once stays linked for the process. */
const char *lull_program_link(const struct lull_program *prog, const struct lull_services *svc);

/* The crates `prog` imports from, as linked (NULL if `prog` is not linked
 * or i >= prog->ndeps). */
const struct lull_program *lull_program_dep(const struct lull_program *prog, size_t i);

/* Calls f(p, arg) on `prog` and then, depth first, on every crate it
 * imports from as linked (a crate reached twice is visited twice). */
void lull_program_each(const struct lull_program *prog, void (*f)(const struct lull_program *p, void *arg),
                       void *arg);

#endif /* LULL_LINK_H */
