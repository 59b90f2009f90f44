/*
 * segment.h: the memory of spawned procs: one pool per OS process for
 * their stacks, and the segments of their native stacks. See Note
 * [Segmented stacks] in segment.c.
 */
#ifndef LULL_SEGMENT_H
#define LULL_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

struct lull_proc;

/* A native stack segment's header, at the top of the segment (its stack
 * grows down from the header). */
struct lull_seg {
    struct lull_seg *prev; /* the older segment; NULL for the first */
    struct lull_seg *next; /* the newer one, kept for the next overflow */
    char *lo;              /* the segment's lowest byte */
    size_t bytes;          /* its size (a power of two) */
    void **saved_rsp;      /* the older segment's rsp when this one was entered */
    uint64_t pad;
};

/* Bytes below a segment's limit left to the runtime's C code (which has
 * no split-stack check) when generated code is as deep as it may go. */
#if defined(__SANITIZE_ADDRESS__)
#define LULL_SEG_SLACK ((size_t)48 << 10)
#else
#define LULL_SEG_SLACK ((size_t)12 << 10)
#endif
/* Generated frames of a proc's first segment (above its slack), in the
 * proc's block: Note [Segmented stacks]. */
#define LULL_SEG_FIRST_FRAMES ((size_t)2 << 10)

/* The data stack's room above its checked limit (Note [Segmented stacks]):
 * every push between two entry checks fits in it. */
#define LULL_DS_SLACK_WORDS ((size_t)4096)

/* A spawned proc in a block of the pool (zeroed but for its stacks): its
 * control block, its first native segment and a data stack of about
 * `ds_bytes`; its native stack may grow to `ns_cap` bytes of segments. */
struct lull_proc *lull_seg_proc_new(size_t ds_bytes, size_t ns_cap);
/* Return a spawned proc's block and segments to the pool: the proc is
 * gone after it. */
void lull_seg_proc_free(struct lull_proc *proc);

/* The split-stack limit of the running thread (%fs:0x70, where LLVM's
 * split-stack prologue looks): the running proc's, 0 (never checked) for
 * main. */
void lull_seg_set_limit(uintptr_t limit);

/* The native stack in use by `proc` at `rsp` (all its segments). */
uint64_t lull_seg_in_use(const struct lull_proc *proc, const char *rsp);

/* The return address of lull_morestack's call of a function body on a new
 * segment; and, for a slot holding it, the older segment's slot holding
 * the return address into the function's caller (the frame walk and the
 * watermark step over the split: Note [Walking generated frames]). */
void lull_morestack(void);
extern const char lull_morestack_ret[];
void **lull_seg_hop(void **slot);

#endif /* LULL_SEGMENT_H */
