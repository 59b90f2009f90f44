/*
 * stackmap.h: LLVM stack maps (version 3) and the walk over the native
 * frames of generated code. See Note [Walking generated frames] in
 * stackmap.c.
 */
#ifndef LULL_STACKMAP_H
#define LULL_STACKMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lull_rt.h"

struct lull_proc;

/* What the walk does with each GC pointer: returns its new value (the
 * collector's evacuation, or the identity for the heap checker). Must be
 * idempotent: a slot may be named twice. */
typedef struct lull_object *(*lull_relocate_fn)(struct lull_proc *proc, struct lull_object *p);

/* Parse the stack map section of a crate (between the bounds its
 * lull_program gives), once per section. */
void lull_stackmap_add_program(const struct lull_program *prog);

/* Parse the stack map sections in [start, stop) (tests; add_program uses it). */
void lull_stackmap_load(const uint8_t *start, const uint8_t *stop);

/* The number of call sites known. */
size_t lull_stackmap_records(void);

/* Which frames a walk visits. */
enum lull_walk {
    LULL_WALK_ALL, /* every generated frame (major collections, the heap checker) */
    LULL_WALK_NEW, /* those that ran since the last collection: the walk stops
                    * at the watermark (minor collections) */
};

/* Walk the generated frames from proc->last_ret_slot (nothing when it is
 * NULL), applying `fn` to every GC pointer slot. */
void lull_stackmap_walk(struct lull_proc *proc, lull_relocate_fn fn, enum lull_walk which);

/* The stack size of the generated function that the return address `ra`
 * returns into (the caller's frame), in *size; false when `ra` is not a
 * call site of generated code (the C trampoline). */
bool lull_stackmap_frame_size(uint64_t ra, uint64_t *size);

/* ---- the watermark (watermark.c; Note [The watermark]) ---- */

/* The assembly stub that a hijacked return-address slot returns to. */
void lull_watermark_return(void);

/* After a collection: put the watermark under the newest generated frame
 * (the one whose call into the runtime is at proc->last_ret_slot). */
void lull_watermark_after_gc(struct lull_proc *proc);

/* Record the return-address slot of the calling service: every
 * GC-capable service called by generated code does this on entry (it must
 * be compiled with frame pointers and not inlined). */
#define LULL_RECORD_RET_SLOT(proc) \
    ((proc)->last_ret_slot = (void **)__builtin_frame_address(0) + 1)

#endif /* LULL_STACKMAP_H */
