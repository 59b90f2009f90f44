/*
 * services.h: the runtime's internal helpers shared with the services of
 * lull_rt.h (updates, fuel, describing values for error messages).
 */
#ifndef LULL_SERVICES_H
#define LULL_SERVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "lull_rt.h"

struct lull_proc;

/* Overwrite `obj` with a REF to `v`, with the write barrier. */
void lull_update(struct lull_proc *proc, struct lull_object *obj, struct lull_object *v);

/* Count the steps made since the last refill and refill (exit 2 past
 * --max-steps). See Note [Fuel] in services.c. */
void lull_fuel_refill(struct lull_proc *proc);

/* Exit 2 if the timeout's watchdog has fired. */
void lull_check_timeout(struct lull_proc *proc);

/* The interpreter's description of a value ("constructor Cons", "a
 * function", ...). */
/* The next code point of a UTF-8 byte stream (next_byte gives a byte or
   EOF): -1 at its end, U+FFFD for a malformed or overlong sequence.
   Standard input and files share it. */
int64_t lull_utf8_next(int (*next_byte)(void *src), void *src);

/* The UTF-8 bytes of code point c (a Unicode scalar value) in b; their
   number. */
size_t lull_utf8_encode(int64_t c, unsigned char b[4]);

/* Whether standard output is a terminal (asked once). */
bool lull_stdout_is_tty(void);

void lull_describe(struct lull_proc *proc, const struct lull_object *v, char *buf, size_t n);

#endif /* LULL_SERVICES_H */
