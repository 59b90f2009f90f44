/*
 * readback.h: read-back to full normal form, and conversion checking, on
 * the native heap. See Note [Native read-back] in readback.c.
 */
#ifndef LULL_READBACK_H
#define LULL_READBACK_H

#include <stdbool.h>

#include "lull_rt.h"
#include "nf.h"

struct lull_proc;

/* Evaluate `root` and read it back to full normal form into `out` (which
 * must be empty). Exits on run-time errors and limits. */
void lull_readback(struct lull_proc *proc, struct lull_object *root, struct lull_nf *out);

/* Do `a` and `b` have the same normal form (up to renaming of bound
 * variables)? Compared lazily in lock-step, like the interpreter's conv. */
bool lull_conv(struct lull_proc *proc, struct lull_object *a, struct lull_object *b);

/* Apply `entry` to an IO token and evaluate to weak head normal form
 * (io mode). Exits on run-time errors and limits. */
void lull_run_io(struct lull_proc *proc, struct lull_object *entry);

/* Enter `self` with the argc arguments on the data stack, perform the
 * updates (Note [Update frames]) and return the value (weak head normal
 * form). */
struct lull_object *lull_call_object(struct lull_proc *proc, struct lull_object *self, uint64_t argc);

/* Bring roots[i] (the read-back root stack) to weak head normal form, in
 * place, following REFs. */
void lull_whnf_root(struct lull_proc *proc, size_t i);

#endif /* LULL_READBACK_H */
