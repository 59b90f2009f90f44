/*
 * gc.h: the heap (nursery and old space), allocation and the generational
 * copying collector. See Note [The heap] in gc.c.
 */
#ifndef LULL_GC_H
#define LULL_GC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lull_rt.h"

struct lull_proc;

/* Heap blocks are carved out of one reserved range, aligned to and sized
 * in multiples of a chunk; a side table indexed by chunk gives the space
 * and the block of any heap address. */
#define LULL_CHUNK_SHIFT 16
#define LULL_CHUNK_BYTES ((size_t)1 << LULL_CHUNK_SHIFT)

/* Default sizes. The nursery default (LULL_NURSERY overrides it) was
 * measured on examples/bench.lc: 256 KiB to 1 MiB are equally fast, 2 to
 * 8 MiB 5-10% slower (a nursery that outgrows the L2 cache makes every
 * allocation a cache miss); 1 MiB keeps minor collections rarer for
 * programs with more live data. */
#define LULL_NURSERY_DEFAULT_BYTES ((size_t)1 << 20)
#define LULL_OLD_BLOCK_BYTES ((size_t)1 << 20)
#define LULL_MAJOR_THRESHOLD_MIN ((size_t)8 << 20)

/* The reservation for the heap: sized from --max-memory, within these. */
#define LULL_RESERVE_MIN_BYTES ((size_t)256 << 20)
#define LULL_RESERVE_MAX_BYTES ((size_t)256 << 30)

enum lull_space {
    LULL_SPACE_NONE = 0,    /* not in a block (free, or outside the heap) */
    LULL_SPACE_NURSERY = 1,
    LULL_SPACE_OLD = 2,
    LULL_SPACE_FROM = 3,    /* an old block being evacuated by a major collection */
};

struct lull_block {
    lull_word *start;
    lull_word *fill; /* old blocks: the bump pointer; nursery: unused */
    lull_word *end;
    size_t bytes;
    enum lull_space space;
    struct lull_block *next;
};

/* A free, uncommitted (PROT_NONE) part of the reservation. */
struct lull_range {
    char *start;
    size_t bytes;
    struct lull_range *next;
};

/* A growable array of object pointers. */
struct lull_objvec {
    struct lull_object **items;
    size_t len, cap;
};

struct lull_gc {
    /* The nursery's range, for the one-compare tests (hot). */
    uintptr_t nursery_lo;
    uintptr_t nursery_size;
    /* The reservation and its per-chunk side tables. */
    uintptr_t heap_base;
    uintptr_t heap_size;
    uint8_t *chunk_space;              /* enum lull_space per chunk */
    struct lull_block **chunk_block;   /* the block holding each chunk */
    size_t nchunks;
    struct lull_range *ranges;         /* free uncommitted ranges, by address */
    bool shared; /* the reservation is the spawned procs' shared one (Note [The heap]) */

    struct lull_block *nursery;
    struct lull_block *old_first, *old_last; /* in allocation order */
    struct lull_block *from_first; /* during a major collection: the old blocks being evacuated */
    struct lull_block *free_blocks; /* committed, empty old blocks kept for reuse */
    size_t free_bytes;     /* bytes of free_blocks */
    size_t old_bytes;      /* bytes of old blocks */
    size_t heap_bytes;     /* bytes of every committed block (nursery and free blocks included) */
    size_t major_threshold;
    size_t nursery_bytes;  /* the nursery size asked for */

    struct lull_objvec remembered; /* old objects updated to point at young ones */
    struct lull_objvec static_roots; /* updated static objects (permanent) */

    bool stress;
    bool collecting;
    bool major; /* the collection under way is a major one */
    uint64_t minor_count, major_count;
    uint64_t live_after_major;
    uint64_t promoted_estimate; /* what a minor collection would promote (bytes) */
    uint64_t copied_words;      /* words copied by the collection under way */
    uint64_t stack_bytes;       /* both stacks in use at the collection under way:
                                   what a major collection walks besides the live data */
};

/* Set up the heap: a nursery of `nursery_bytes` (rounded up to a chunk). */
void lull_gc_init(struct lull_proc *proc, size_t nursery_bytes, bool stress);
void lull_gc_fini(struct lull_proc *proc);

/* Collect so that `words` words can be allocated at regs.hp (used by
 * lull_rt_gc and by the runtime's own allocation). `force_major` asks for a
 * major collection. */
void lull_gc_collect(struct lull_proc *proc, uint64_t words, bool force_major);

/* Allocate `words` words in the nursery from C (may collect: every GC
 * pointer the caller holds must be in a root: the data stack or the
 * read-back root stack). */
lull_word *lull_gc_alloc(struct lull_proc *proc, uint64_t words);

/* The block holding `p`, or NULL (a static object, or not an object). */
struct lull_block *lull_gc_block_of(struct lull_proc *proc, const void *p);
bool lull_gc_in_nursery(struct lull_proc *proc, const void *p);

/* The write barrier of an update: `obj` now points at `v`. */
void lull_gc_write_barrier(struct lull_proc *proc, struct lull_object *obj, struct lull_object *v);

/* The slow path of the write barrier, for an `obj` outside the nursery. */
void lull_gc_barrier_slow(struct lull_gc *gc, struct lull_object *obj, struct lull_object *v);

/* Is `p` in the nursery? Two compares. */
static inline bool lull_gc_young(const struct lull_gc *gc, const void *p) {
    return (uintptr_t)p - gc->nursery_lo < gc->nursery_size;
}

/* The write barrier's fast path: an update of a nursery object needs
 * nothing. */
static inline void lull_gc_barrier(struct lull_gc *gc, struct lull_object *obj, struct lull_object *v) {
    if (!lull_gc_young(gc, obj)) {
        lull_gc_barrier_slow(gc, obj, v);
    }
}

/* The info prefix of an object, inline (lull_rt_object_info). */
static inline const struct lull_info *lull_info_fast(const struct lull_object *obj) {
    return (const struct lull_info *)((const char *)obj->entry - LULL_INFO_SIZE);
}

/* The debug heap checker: every pointer reachable from the roots points at
 * a valid object. Exits 3 with a message when a check fails. `when` names
 * the moment for the message. */
void lull_gc_sanity(struct lull_proc *proc, const char *when);

void lull_objvec_grow(struct lull_objvec *v);

/* Append obj (the growth is out of line: this is on hot paths). */
static inline void lull_objvec_push(struct lull_objvec *v, struct lull_object *obj) {
    if (__builtin_expect(v->len == v->cap, 0)) {
        lull_objvec_grow(v);
    }
    v->items[v->len++] = obj;
}

#endif /* LULL_GC_H */
