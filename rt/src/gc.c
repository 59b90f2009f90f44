/*
 * gc.c: the heap and its generational copying collector.
 *
 * Note [The heap]
 * ~~~~~~~~~~~~~~~
 * At start-up the collector reserves one large range of address space
 * (PROT_NONE, sized from --max-memory: Note [The reservation]) and carves
 * every heap block out of it. Blocks are aligned to and sized in multiples
 * of LULL_CHUNK_BYTES, and two side tables indexed by
 * (address - heap_base) >> LULL_CHUNK_SHIFT give the space (nursery, old,
 * from-space, none) and the block of every chunk. So "is p in the heap",
 * "in the nursery", "in from-space" are a subtraction, a compare and at
 * most one table load: no hashing. An address outside every block is a
 * static object (in the program's data) and is never moved or scanned
 * (except updated statics, which are roots: see below).
 *
 *  - The nursery is one block. Generated code bump-allocates in it upward
 *    from regs.hp to regs.hl and calls lull_rt_gc when an allocation
 *    does not fit. Its range is cached in nursery_lo/nursery_size, so the
 *    nursery test (lull_gc_young) is one subtraction and one compare.
 *  - The old space is a list of blocks in allocation order, each
 *    bump-allocated from `start` to `fill`.
 *
 * A minor collection copies every live nursery object to the old space
 * (no aging: the nursery is empty afterwards). A major collection relabels
 * every old block as from-space and copies everything live (nursery and
 * old) into old blocks, then frees the from-space. When to do which: see
 * Note [Major or minor].
 *
 * Freed old blocks of the standard size stay committed on a free list
 * (up to the next major threshold) and are reused, so a steady state does
 * no mmap/munmap and takes no page faults; the rest is decommitted
 * (mmap'd back to PROT_NONE) and returned to the reservation's free
 * ranges. heap_bytes counts every committed block, free ones included
 * (they are resident); when the heap is over --max-memory the free blocks
 * are released before deciding that the limit is reached.
 *
 * Both collections are Cheney copies: evacuate the roots, then scan the
 * copied objects in allocation order, block after block, evacuating their
 * pointers; no recursion on the depth of the heap.
 *
 * Roots: the data stack (base to regs.sp), the native frames of generated
 * code (stack maps; a minor collection only those newer than the
 * watermark: Note [The watermark] in watermark.c; after every collection
 * the watermark moves under the newest frame), the remembered set (minor
 * only), the updated static objects (permanent) and the read-back root
 * stack.
 *
 * Spawned procs (Note [Procs] in sched.c) share one reservation instead,
 * readable and writable from the start (1 TiB, MAP_NORESERVE): a block is
 * committed by touching it and decommitted with MADV_DONTNEED, so a proc
 * adds no mapping. Its side tables and free ranges are shared; each block
 * is one proc's, and no proc's heap points into another's. Up to 1,024
 * freed one-chunk blocks (the first nursery of a spawned proc) are kept
 * committed and given to the next new proc, so a short proc costs no
 * system call and no page fault for its heap.
 *
 * Note [The reservation]
 * ~~~~~~~~~~~~~~~~~~~~~~
 * The heap's range is 4 x --max-memory + 4 x the nursery + 64 MiB, within
 * [LULL_RESERVE_MIN_BYTES, LULL_RESERVE_MAX_BYTES]: a major collection
 * needs from-space and to-space at once, and the limit is checked after
 * each collection, so the heap's committed blocks stay well inside it. A
 * PROT_NONE mapping costs no memory and is not counted by the kernel's
 * overcommit accounting; blocks are committed with mprotect. If the range
 * is ever exhausted, that is reported as the memory limit.
 *
 * Note [Major or minor]
 * ~~~~~~~~~~~~~~~~~~~~~
 * A major collection happens when asked for, when the old space has
 * outgrown its threshold, when the heap is over the memory limit, and when
 * it is cheaper than a minor one: a minor collection's cost is what it
 * promotes (it walks only the native frames that ran since the previous
 * collection: Note [The watermark] in watermark.c), a major one's the live
 * data plus both stacks in use (it walks every frame, and a deep
 * recursion's millions of frames cost as much as megabytes of live data:
 * we count their bytes, gc->stack_bytes). The threshold grows
 * geometrically with that cost: after a major collection it is the live
 * data plus (live data + stack bytes), at least LULL_MAJOR_THRESHOLD_MIN,
 * so the old space may grow by at least what the collection cost before
 * the next one, and a growing stack makes major collections rarer instead
 * of more frequent.
 *
 * Promotion is not always the live young data: an old thunk that is
 * updated to a young value keeps that value (and everything it reaches)
 * alive through the remembered set even when the thunk itself is dead, and
 * the promoted copy holds more such thunks. Lazy programs with little live
 * data but long-lived chains of updates (Church numerals) then promote
 * megabytes at every minor collection, of which a major one finds a few
 * kilobytes live. So we keep an estimate of what a minor collection
 * promotes (the last one's promotion, decaying by 1/16 at every major
 * collection so that a minor one is tried again now and then) and collect
 * major when twice the live data of the last major collection plus the
 * stacks is below it. Small promotions (under 1/16 of the nursery) are
 * cheap whatever the live data, and then minor collections stay the rule.
 * (sumr over a 3,000,000-element list promotes half of every nursery that
 * way, with 200 MB of native stack: minor collections it is.)
 *
 * Note [Evacuation]
 * ~~~~~~~~~~~~~~~~~
 * evacuate(p) returns p's new address and is idempotent: a pointer that is
 * not in from-space (static, old during a minor collection, already in
 * to-space) is returned unchanged, and a FORWARD gives its new address.
 * A REF is not copied: evacuation follows it (shortening REF chains). A
 * BLACKHOLE's contents are dead (its free variables were loaded before it
 * was blackholed), so it is copied as 2 words: enough to become a REF when
 * its update frame returns. The from-space copy becomes a FORWARD
 * (entry = prog->forward_entry, word 1 = the new address). The minor and
 * major versions are the same code specialised on a constant (the from-space
 * test of a minor collection is the nursery's range check alone).
 *
 * Note [Objects in the old space are never parsed]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * An old object overwritten in place (blackholed, or updated to a REF)
 * leaves dead words behind it that no info prefix describes, so the old
 * space cannot be walked linearly. Only the region being copied into
 * during a collection is scanned linearly, and it holds fresh copies. The
 * heap checker therefore traverses the heap from the roots.
 *
 * Note [The remembered set]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~
 * The only writes into existing objects are thunk updates (a REF to the
 * value, lull_rt_update_frames and lull_rt_str_unpack). An updated old
 * object that now points into the nursery is remembered, and a minor
 * collection evacuates its value. An updated static object (a CAF) joins
 * the static roots for good: statics are never scanned otherwise. The
 * barrier's common case (the updated object is young) is the nursery's
 * range check (lull_gc_barrier in gc.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "gc.h"
#include "msg.h"
#include "proc.h"
#include "sched.h"
#include "segment.h"
#include "stackmap.h"

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

static size_t hash_chunk(uint64_t k) {
    k ^= k >> 31;
    k *= 0x9e3779b97f4a7c15ull;
    k ^= k >> 29;
    return (size_t)k;
}

static size_t round_chunks(size_t bytes) {
    return (bytes + LULL_CHUNK_BYTES - 1) & ~(LULL_CHUNK_BYTES - 1);
}

/* ---- the reservation ---------------------------------------------------- */

static void reserve_heap(struct lull_gc *gc, uint64_t max_memory, size_t nursery) {
    uint64_t want = max_memory > LULL_RESERVE_MAX_BYTES ? LULL_RESERVE_MAX_BYTES : max_memory * 4;
    want += (uint64_t)nursery * 4 + ((uint64_t)64 << 20);
    if (want < LULL_RESERVE_MIN_BYTES) {
        want = LULL_RESERVE_MIN_BYTES;
    }
    if (want > LULL_RESERVE_MAX_BYTES) {
        want = LULL_RESERVE_MAX_BYTES;
    }
    size_t bytes = round_chunks((size_t)want);
    char *p;
    for (;;) {
        p = mmap(NULL, bytes + LULL_CHUNK_BYTES, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED) {
            break;
        }
        if (bytes <= LULL_RESERVE_MIN_BYTES / 4) { /* address space limited (ulimit -v) */
            lull_out_of_memory(lull_current_proc);
        }
        bytes = round_chunks(bytes / 2);
    }
    char *a = (char *)(((uintptr_t)p + LULL_CHUNK_BYTES - 1) & ~(uintptr_t)(LULL_CHUNK_BYTES - 1));
    if (a > p) {
        munmap(p, (size_t)(a - p));
    }
    char *tail = a + bytes;
    if (tail < p + bytes + LULL_CHUNK_BYTES) {
        munmap(tail, (size_t)(p + bytes + LULL_CHUNK_BYTES - tail));
    }
    gc->heap_base = (uintptr_t)a;
    gc->heap_size = bytes;
    gc->nchunks = bytes >> LULL_CHUNK_SHIFT;
    /* calloc of these sizes maps fresh zero pages: only the entries of
     * chunks in use are ever touched. */
    gc->chunk_space = calloc(gc->nchunks, sizeof *gc->chunk_space);
    gc->chunk_block = calloc(gc->nchunks, sizeof *gc->chunk_block);
    if (gc->chunk_space == NULL || gc->chunk_block == NULL) {
        lull_out_of_memory(lull_current_proc);
    }
    struct lull_range *r = lull_xmalloc(sizeof *r);
    r->start = a;
    r->bytes = bytes;
    r->next = NULL;
    gc->ranges = r;
}

/* The spawned procs' reservation: one for the OS process, readable and
 * writable from the start (a block is committed by touching it and
 * decommitted with MADV_DONTNEED), so that no proc adds a mapping. Its
 * side tables and free ranges are shared; its blocks are each proc's. */
#define SHARED_RESERVE_BYTES ((size_t)1 << 40)
#define SHARED_RESERVE_MIN_BYTES ((size_t)16 << 30)

static struct {
    uintptr_t base, size;
    uint8_t *chunk_space;
    struct lull_block **chunk_block;
    size_t nchunks;
    struct lull_range *ranges;
    /* Freed one-chunk blocks (spawned procs' first nurseries) kept
     * committed for the next proc, at most SHARED_KEEP_BLOCKS of them. */
    struct lull_block *kept;
    size_t nkept;
} shared_heap;

#define SHARED_KEEP_BLOCKS 1024

static void reserve_shared(struct lull_gc *gc) {
    if (shared_heap.base == 0) {
        char *p = MAP_FAILED;
        size_t bytes = SHARED_RESERVE_BYTES;
        for (; bytes >= SHARED_RESERVE_MIN_BYTES; bytes /= 2) {
            p = mmap(NULL, bytes + LULL_CHUNK_BYTES, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
            if (p != MAP_FAILED) {
                break;
            }
        }
        if (p == MAP_FAILED) {
            lull_out_of_memory(lull_current_proc);
        }
        char *a = (char *)(((uintptr_t)p + LULL_CHUNK_BYTES - 1) & ~(uintptr_t)(LULL_CHUNK_BYTES - 1));
        shared_heap.base = (uintptr_t)a;
        shared_heap.size = bytes;
        shared_heap.nchunks = bytes >> LULL_CHUNK_SHIFT;
        shared_heap.chunk_space = calloc(shared_heap.nchunks, sizeof *shared_heap.chunk_space);
        shared_heap.chunk_block = calloc(shared_heap.nchunks, sizeof *shared_heap.chunk_block);
        struct lull_range *r = malloc(sizeof *r);
        if (shared_heap.chunk_space == NULL || shared_heap.chunk_block == NULL || r == NULL) {
            lull_out_of_memory(lull_current_proc);
        }
        r->start = a;
        r->bytes = bytes;
        r->next = NULL;
        shared_heap.ranges = r;
    }
    gc->shared = true;
    gc->heap_base = shared_heap.base;
    gc->heap_size = shared_heap.size;
    gc->nchunks = shared_heap.nchunks;
    gc->chunk_space = shared_heap.chunk_space;
    gc->chunk_block = shared_heap.chunk_block;
}

static struct lull_range **ranges_of(struct lull_gc *gc) {
    return gc->shared ? &shared_heap.ranges : &gc->ranges;
}

/* First fit in the free ranges. */
static char *range_take(struct lull_gc *gc, size_t bytes) {
    for (struct lull_range **rp = ranges_of(gc); *rp != NULL; rp = &(*rp)->next) {
        struct lull_range *r = *rp;
        if (r->bytes >= bytes) {
            char *a = r->start;
            r->start += bytes;
            r->bytes -= bytes;
            if (r->bytes == 0) {
                *rp = r->next;
                free(r);
            }
            return a;
        }
    }
    return NULL;
}

/* Give a range back, keeping the list sorted and coalesced. */
static void range_give(struct lull_gc *gc, char *a, size_t bytes) {
    struct lull_range **rp = ranges_of(gc);
    struct lull_range *prev = NULL;
    while (*rp != NULL && (*rp)->start < a) {
        prev = *rp;
        rp = &(*rp)->next;
    }
    struct lull_range *next = *rp;
    if (prev != NULL && prev->start + prev->bytes == a) {
        prev->bytes += bytes;
        if (next != NULL && prev->start + prev->bytes == next->start) {
            prev->bytes += next->bytes;
            prev->next = next->next;
            free(next);
        }
        return;
    }
    if (next != NULL && a + bytes == next->start) {
        next->start = a;
        next->bytes += bytes;
        return;
    }
    struct lull_range *r = lull_xmalloc(sizeof *r);
    r->start = a;
    r->bytes = bytes;
    r->next = next;
    *rp = r;
}

/* ---- blocks ------------------------------------------------------------- */

static void set_space(struct lull_gc *gc, struct lull_block *b, enum lull_space space) {
    size_t first = ((uintptr_t)b->start - gc->heap_base) >> LULL_CHUNK_SHIFT;
    size_t n = b->bytes >> LULL_CHUNK_SHIFT;
    memset(&gc->chunk_space[first], (int)space, n);
    struct lull_block *owner = space == LULL_SPACE_NONE ? NULL : b;
    for (size_t i = 0; i < n; i++) {
        gc->chunk_block[first + i] = owner;
    }
    b->space = space;
}

static struct lull_block *block_new(struct lull_gc *gc, size_t bytes, enum lull_space space) {
    bytes = round_chunks(bytes);
    struct lull_block *b;
    if (bytes == LULL_OLD_BLOCK_BYTES && gc->free_blocks != NULL) {
        b = gc->free_blocks;
        gc->free_blocks = b->next;
        gc->free_bytes -= bytes;
    } else {
        if (gc->shared && bytes == LULL_CHUNK_BYTES && shared_heap.kept != NULL) {
            b = shared_heap.kept; /* committed already */
            shared_heap.kept = b->next;
            shared_heap.nkept--;
        } else {
            char *a = range_take(gc, bytes);
            if (a == NULL || (!gc->shared && mprotect(a, bytes, PROT_READ | PROT_WRITE) != 0)) {
                lull_out_of_memory(lull_current_proc);
            }
            b = lull_xmalloc(sizeof *b);
            b->start = (lull_word *)a;
            b->end = (lull_word *)(a + bytes);
            b->bytes = bytes;
        }
        gc->heap_bytes += bytes;
        if (lull_current_proc != NULL) {
            lull_proc_account(lull_current_proc);
        }
    }
    b->fill = b->start;
    b->next = NULL;
    set_space(gc, b, space);
    return b;
}

/* Decommit a block and give its range back. */
static void block_release(struct lull_gc *gc, struct lull_block *b) {
    gc->heap_bytes -= b->bytes;
    /* A spawned proc's nursery goes to the next proc as it is: procs that
     * start and end by the thousand would otherwise pay a madvise and
     * the page faults after it each (Note [The heap]). */
    if (gc->shared && b->bytes == LULL_CHUNK_BYTES && shared_heap.nkept < SHARED_KEEP_BLOCKS) {
        b->next = shared_heap.kept;
        shared_heap.kept = b;
        shared_heap.nkept++;
        return;
    }
    if (gc->shared) {
        madvise(b->start, b->bytes, MADV_DONTNEED);
    } else {
        void *r = mmap(b->start, b->bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
        if (r == MAP_FAILED) {
            lull_internal("cannot decommit a heap block");
        }
    }
    range_give(gc, (char *)b->start, b->bytes);
    free(b);
}

/* Free a block: keep it committed for reuse when it has the standard
 * size and the free list is under `keep` bytes, else release it. */
static void block_free(struct lull_gc *gc, struct lull_block *b, size_t keep) {
    set_space(gc, b, LULL_SPACE_NONE);
    if (b->bytes == LULL_OLD_BLOCK_BYTES && gc->free_bytes + b->bytes <= keep) {
        b->next = gc->free_blocks;
        gc->free_blocks = b;
        gc->free_bytes += b->bytes;
    } else {
        block_release(gc, b);
    }
}

/* Release free blocks until at most `keep` bytes of them remain. */
static void trim_free(struct lull_gc *gc, size_t keep) {
    while (gc->free_blocks != NULL && gc->free_bytes > keep) {
        struct lull_block *b = gc->free_blocks;
        gc->free_blocks = b->next;
        gc->free_bytes -= b->bytes;
        block_release(gc, b);
    }
}

struct lull_block *lull_gc_block_of(struct lull_proc *proc, const void *p) {
    struct lull_gc *gc = &proc->gc;
    uintptr_t off = (uintptr_t)p - gc->heap_base;
    if (off >= gc->heap_size) {
        return NULL;
    }
    return gc->chunk_block[off >> LULL_CHUNK_SHIFT];
}

bool lull_gc_in_nursery(struct lull_proc *proc, const void *p) {
    return lull_gc_young(&proc->gc, p);
}

void lull_objvec_grow(struct lull_objvec *v) {
    v->cap = v->cap ? v->cap * 2 : 64;
    v->items = lull_xrealloc(v->items, v->cap * sizeof *v->items);
}

/* ---- set-up ----------------------------------------------------------- */

static void set_nursery(struct lull_proc *proc, struct lull_block *n) {
    struct lull_gc *gc = &proc->gc;
    gc->nursery = n;
    gc->nursery_lo = (uintptr_t)n->start;
    gc->nursery_size = n->bytes;
    /* Generated code's copy (Note [Inline updates] in lull_rt.h). */
    proc->regs.nursery_lo = gc->nursery_lo;
    proc->regs.nursery_size = gc->nursery_size;
}

static void reset_nursery(struct lull_proc *proc, uint64_t words) {
    struct lull_gc *gc = &proc->gc;
    proc->regs.hp = gc->nursery->start;
    proc->regs.hl = gc->stress ? proc->regs.hp + words : gc->nursery->end;
}

void lull_gc_init(struct lull_proc *proc, size_t nursery_bytes, bool stress) {
    struct lull_gc *gc = &proc->gc;
    memset(gc, 0, sizeof *gc);
    gc->stress = stress;
    gc->nursery_bytes = round_chunks(nursery_bytes < LULL_CHUNK_BYTES ? LULL_CHUNK_BYTES : nursery_bytes);
    gc->major_threshold = LULL_MAJOR_THRESHOLD_MIN;
    if (proc->pooled) {
        reserve_shared(gc);
    } else {
        reserve_heap(gc, proc->opts.max_memory, gc->nursery_bytes);
    }
    set_nursery(proc, block_new(gc, gc->nursery_bytes, LULL_SPACE_NURSERY));
    reset_nursery(proc, 0);
}

void lull_gc_fini(struct lull_proc *proc) {
    struct lull_gc *gc = &proc->gc;
    if (gc->shared) {
        /* Give every block back to the shared reservation. */
        struct lull_block *lists[4] = {gc->old_first, gc->free_blocks, gc->from_first, gc->nursery};
        gc->nursery->next = NULL;
        for (int i = 0; i < 4; i++) {
            struct lull_block *b = lists[i];
            while (b != NULL) {
                struct lull_block *n = b->next;
                set_space(gc, b, LULL_SPACE_NONE);
                block_release(gc, b);
                b = n;
            }
        }
        free(gc->remembered.items);
        free(gc->static_roots.items);
        memset(gc, 0, sizeof *gc);
        return;
    }
    struct lull_block *b = gc->old_first;
    while (b != NULL) {
        struct lull_block *n = b->next;
        free(b);
        b = n;
    }
    b = gc->free_blocks;
    while (b != NULL) {
        struct lull_block *n = b->next;
        free(b);
        b = n;
    }
    free(gc->nursery);
    struct lull_range *r = gc->ranges;
    while (r != NULL) {
        struct lull_range *n = r->next;
        free(r);
        r = n;
    }
    if (gc->heap_size != 0) {
        munmap((void *)gc->heap_base, gc->heap_size);
    }
    free(gc->chunk_space);
    free(gc->chunk_block);
    free(gc->remembered.items);
    free(gc->static_roots.items);
    memset(gc, 0, sizeof *gc);
}

/* ---- copying ---------------------------------------------------------- */

static __attribute__((noinline)) lull_word *to_alloc_slow(struct lull_proc *proc, size_t words) {
    struct lull_gc *gc = &proc->gc;
    size_t bytes = words * LULL_WORD_SIZE;
    struct lull_block *b = block_new(gc, bytes > LULL_OLD_BLOCK_BYTES ? bytes : LULL_OLD_BLOCK_BYTES, LULL_SPACE_OLD);
    gc->old_bytes += b->bytes;
    if (gc->old_last != NULL) {
        gc->old_last->next = b;
    } else {
        gc->old_first = b;
    }
    gc->old_last = b;
    lull_word *p = b->fill;
    b->fill += words;
    return p;
}

static inline lull_word *to_alloc(struct lull_proc *proc, size_t words) {
    struct lull_block *b = proc->gc.old_last;
    proc->gc.copied_words += words;
    if (LIKELY(b != NULL && b->fill + words <= b->end)) {
        lull_word *p = b->fill;
        b->fill += words;
        return p;
    }
    return to_alloc_slow(proc, words);
}

static inline __attribute__((always_inline)) bool in_from_space(const struct lull_gc *gc, const void *p, bool major) {
    if (lull_gc_young(gc, p)) {
        return true;
    }
    if (!major) {
        return false;
    }
    uintptr_t off = (uintptr_t)p - gc->heap_base;
    return off < gc->heap_size && gc->chunk_space[off >> LULL_CHUNK_SHIFT] == LULL_SPACE_FROM;
}

/* See Note [Evacuation]. */
static inline __attribute__((always_inline)) struct lull_object *evacuate_in(struct lull_proc *proc,
                                                                             struct lull_object *p, bool major) {
    for (;;) {
        if (!in_from_space(&proc->gc, p, major)) {
            return p; /* NULL, static, or not being collected */
        }
        const struct lull_info *info = lull_info_fast(p);
        uint32_t tag = info->tag;
        if (tag == LULL_TAG_FORWARD) {
            return (struct lull_object *)p->contents[0];
        }
        if (tag == LULL_TAG_REF) {
            p = (struct lull_object *)p->contents[0];
            continue;
        }
        size_t words;
        if (tag == LULL_TAG_BLACKHOLE) {
            words = 2;
        } else {
            words = info->size;
            if (words == LULL_SIZE_IN_FIRST_WORD) {
                words = p->contents[0];
            }
            if (UNLIKELY(words < LULL_MIN_OBJECT_WORDS)) {
                lull_internal("object %p of %zu words (tag %s)", (void *)p, words, lull_rt_tag_name(tag));
            }
        }
        lull_word *to = to_alloc(proc, words);
        const lull_word *from = (const lull_word *)p;
        if (words <= 8) {
            for (size_t i = 0; i < words; i++) {
                to[i] = from[i];
            }
        } else {
            memcpy(to, from, words * LULL_WORD_SIZE);
        }
        p->entry = proc->prog->forward_entry;
        p->contents[0] = (lull_word)(uintptr_t)to;
        return (struct lull_object *)to;
    }
}

static struct lull_object *evacuate_minor(struct lull_proc *proc, struct lull_object *p) {
    return evacuate_in(proc, p, false);
}

static struct lull_object *evacuate_major(struct lull_proc *proc, struct lull_object *p) {
    return evacuate_in(proc, p, true);
}

static inline __attribute__((always_inline)) void evacuate_slot(struct lull_proc *proc, lull_word *slot, bool major) {
    struct lull_object *p = (struct lull_object *)(uintptr_t)*slot;
    if (in_from_space(&proc->gc, p, major)) {
        *slot = (lull_word)(uintptr_t)evacuate_in(proc, p, major);
    }
}

/* Evacuate the pointers of a to-space object; returns its size. */
static inline __attribute__((always_inline)) size_t scan_object(struct lull_proc *proc, struct lull_object *obj,
                                                                bool major) {
    const struct lull_info *info = lull_info_fast(obj);
    switch (info->tag) {
    case LULL_TAG_FUN:
    case LULL_TAG_THUNK:
    case LULL_TAG_CON: {
        size_t n = info->size - 1 - info->nptrs;
        for (size_t i = 0; i < n; i++) {
            evacuate_slot(proc, &obj->contents[i], major);
        }
        return info->size;
    }
    case LULL_TAG_PAP: {
        size_t size = obj->contents[0];
        for (size_t i = 1; i < size - 1; i++) {
            evacuate_slot(proc, &obj->contents[i], major);
        }
        return size;
    }
    case LULL_TAG_RIGID: {
        size_t size = obj->contents[0];
        for (size_t i = 2; i < size - 1; i++) {
            evacuate_slot(proc, &obj->contents[i], major);
        }
        return size;
    }
    case LULL_TAG_REF:
        evacuate_slot(proc, &obj->contents[0], major);
        return 2;
    case LULL_TAG_BLACKHOLE:
        return 2;
    default:
        lull_internal("scanning an object with tag %s at %p", lull_rt_tag_name(info->tag), (void *)obj);
    }
}

/* Cheney scan from (b, p) to the end of the old space. */
static inline __attribute__((always_inline)) void scan_from(struct lull_proc *proc, struct lull_block *b, lull_word *p,
                                                            bool major) {
    while (b != NULL) {
        while (p < b->fill) {
            p += scan_object(proc, (struct lull_object *)p, major);
        }
        b = b->next;
        if (b != NULL) {
            p = b->start;
        }
    }
}

static inline __attribute__((always_inline)) void scan_roots(struct lull_proc *proc, bool major) {
    struct lull_gc *gc = &proc->gc;
    for (lull_word **s = proc->ds_base; s < proc->regs.sp; s++) {
        evacuate_slot(proc, (lull_word *)s, major);
    }
    lull_stackmap_walk(proc, major ? evacuate_major : evacuate_minor, major ? LULL_WALK_ALL : LULL_WALK_NEW);
    if (!major) {
        for (size_t i = 0; i < gc->remembered.len; i++) {
            struct lull_object *o = gc->remembered.items[i];
            if (lull_info_fast(o)->tag == LULL_TAG_REF) {
                evacuate_slot(proc, &o->contents[0], major);
            }
        }
    }
    for (size_t i = 0; i < gc->static_roots.len; i++) {
        struct lull_object *o = gc->static_roots.items[i];
        if (lull_info_fast(o)->tag == LULL_TAG_REF) {
            evacuate_slot(proc, &o->contents[0], major);
        }
    }
    for (size_t i = 0; i < proc->roots.len; i++) {
        evacuate_slot(proc, (lull_word *)&proc->roots.items[i], major);
    }
}

static void minor(struct lull_proc *proc) {
    struct lull_gc *gc = &proc->gc;
    gc->major = false;
    gc->copied_words = 0;
    struct lull_block *b = gc->old_last;
    lull_word *p = b != NULL ? b->fill : NULL;
    scan_roots(proc, false);
    if (b == NULL) {
        b = gc->old_first;
        p = b != NULL ? b->start : NULL;
    }
    scan_from(proc, b, p, false);
    gc->remembered.len = 0;
    gc->promoted_estimate = gc->copied_words * LULL_WORD_SIZE;
    gc->minor_count++;
}

static void major(struct lull_proc *proc) {
    struct lull_gc *gc = &proc->gc;
    struct lull_block *from = gc->old_first;
    for (struct lull_block *b = from; b != NULL; b = b->next) {
        set_space(gc, b, LULL_SPACE_FROM);
    }
    gc->from_first = from;
    gc->old_first = gc->old_last = NULL;
    gc->old_bytes = 0;
    gc->major = true;
    gc->copied_words = 0;
    scan_roots(proc, true);
    if (gc->old_first != NULL) {
        scan_from(proc, gc->old_first, gc->old_first->start, true);
    }
    gc->major = false;
    gc->from_first = NULL;
    size_t live = gc->copied_words * LULL_WORD_SIZE;
    gc->live_after_major = live;
    size_t grow = live + gc->stack_bytes;
    gc->major_threshold = live + grow > LULL_MAJOR_THRESHOLD_MIN ? live + grow : LULL_MAJOR_THRESHOLD_MIN;
    /* Keep enough free blocks to fill the old space up to the next
     * threshold; release the rest. */
    size_t keep = gc->major_threshold > gc->old_bytes ? gc->major_threshold - gc->old_bytes : 0;
    while (from != NULL) {
        struct lull_block *n = from->next;
        block_free(gc, from, keep);
        from = n;
    }
    trim_free(gc, keep);
    gc->remembered.len = 0;
    gc->promoted_estimate -= gc->promoted_estimate / 16;
    gc->major_count++;
}

static uint64_t heap_total(struct lull_proc *proc) {
    return proc->gc.heap_bytes + proc->extra_bytes;
}

/* Over the memory limit? Free blocks are released first. */
static bool over_limit(struct lull_proc *proc) {
    if (heap_total(proc) <= proc->opts.max_memory) {
        return false;
    }
    trim_free(&proc->gc, 0);
    return heap_total(proc) > proc->opts.max_memory;
}

void lull_gc_collect(struct lull_proc *proc, uint64_t words, bool force_major) {
    struct lull_gc *gc = &proc->gc;
    if (gc->collecting) {
        lull_internal("collection re-entered");
    }
    gc->collecting = true;
    uint64_t ds_bytes = (uint64_t)(proc->regs.sp - proc->ds_base) * LULL_WORD_SIZE;
    if (ds_bytes > proc->ds_peak_bytes) {
        proc->ds_peak_bytes = ds_bytes;
    }
    /* The native stack in use (when we run on the proc's stack: not in
     * the runtime's tests). */
    char *rsp = __builtin_frame_address(0);
    uint64_t ns_bytes = proc->pooled                                 ? lull_seg_in_use(proc, rsp)
                        : rsp > proc->ns_lo && rsp <= proc->ns_hi ? (uint64_t)(proc->ns_hi - rsp)
                                                                  : 0;
    if (ns_bytes > proc->ns_peak_bytes) {
        proc->ns_peak_bytes = ns_bytes;
    }
    gc->stack_bytes = ds_bytes + ns_bytes;
    if (gc->stress) {
        lull_gc_sanity(proc, "before a collection");
    }
    /* See Note [Major or minor]. */
    bool do_major = force_major || gc->old_bytes > gc->major_threshold || over_limit(proc) ||
                    (gc->promoted_estimate >= gc->nursery_bytes / 16 &&
                     (gc->live_after_major + gc->stack_bytes) * 2 < gc->promoted_estimate) ||
                    (gc->stress && (gc->minor_count + gc->major_count) % 8 == 7);
    if (do_major) {
        major(proc);
    } else {
        minor(proc);
        if (gc->old_bytes > gc->major_threshold || over_limit(proc)) {
            major(proc);
        }
    }
    /* An allocation bigger than the nursery: grow the nursery (it is empty
     * now). */
    if (words * LULL_WORD_SIZE > gc->nursery->bytes) {
        struct lull_block *old = gc->nursery;
        set_nursery(proc, block_new(gc, words * LULL_WORD_SIZE, LULL_SPACE_NURSERY));
        set_space(gc, old, LULL_SPACE_NONE);
        block_release(gc, old);
    }
    reset_nursery(proc, words);
    lull_watermark_after_gc(proc);
    if (over_limit(proc)) {
        lull_memory_limit(proc);
    }
    lull_proc_account(proc);
    if (gc->stress) {
        lull_gc_sanity(proc, "after a collection");
    }
    gc->collecting = false;
}

lull_word *lull_gc_alloc(struct lull_proc *proc, uint64_t words) {
    if (proc->gc.stress || proc->regs.hp + words > proc->regs.hl) {
        lull_gc_collect(proc, words, false);
    }
    lull_word *p = proc->regs.hp;
    proc->regs.hp += words;
    return p;
}

void lull_gc_barrier_slow(struct lull_gc *gc, struct lull_object *obj, struct lull_object *v) {
    if ((uintptr_t)obj - gc->heap_base >= gc->heap_size) {
        if (lull_sched_active) {
            /* Note [CAFs and procs] in sched.c. */
            obj->contents[0] = (lull_word)(uintptr_t)lull_share(lull_current_proc, v);
            return;
        }
        lull_objvec_push(&gc->static_roots, obj);
    } else if (lull_gc_young(gc, v)) {
        lull_objvec_push(&gc->remembered, obj);
    }
}

void lull_gc_write_barrier(struct lull_proc *proc, struct lull_object *obj, struct lull_object *v) {
    lull_gc_barrier(&proc->gc, obj, v);
}

/* ---- the heap checker ------------------------------------------------- */

struct sanity {
    struct lull_proc *proc;
    const char *when;
    uintptr_t *seen;
    size_t seen_cap, seen_len;
    struct lull_objvec todo;
};

static _Thread_local struct sanity *current_sanity;

static bool seen_insert(struct sanity *s, uintptr_t p) {
    if ((s->seen_len + 1) * 2 > s->seen_cap) {
        size_t ncap = s->seen_cap ? s->seen_cap * 2 : 1024;
        uintptr_t *n = calloc(ncap, sizeof *n);
        if (n == NULL) {
            lull_out_of_memory(s->proc);
        }
        for (size_t i = 0; i < s->seen_cap; i++) {
            if (s->seen[i] != 0) {
                size_t j = hash_chunk(s->seen[i]) & (ncap - 1);
                while (n[j] != 0) {
                    j = (j + 1) & (ncap - 1);
                }
                n[j] = s->seen[i];
            }
        }
        free(s->seen);
        s->seen = n;
        s->seen_cap = ncap;
    }
    size_t j = hash_chunk(p) & (s->seen_cap - 1);
    while (s->seen[j] != 0) {
        if (s->seen[j] == p) {
            return false;
        }
        j = (j + 1) & (s->seen_cap - 1);
    }
    s->seen[j] = p;
    s->seen_len++;
    return true;
}

static _Noreturn void insane(struct sanity *s, const void *p, const char *what) {
    lull_internal("heap check %s: %s (object %p)", s->when, what, p);
}

/* Check one pointer (non-NULL) and queue it. */
static void check_ptr(struct sanity *s, const struct lull_object *p) {
    if (p == NULL) {
        insane(s, p, "a NULL pointer");
    }
    if ((uintptr_t)p % LULL_WORD_SIZE != 0) {
        insane(s, p, "a misaligned pointer");
    }
    struct lull_block *b = lull_gc_block_of(s->proc, p);
    if (b != NULL) {
        const lull_word *limit = b->space == LULL_SPACE_NURSERY ? s->proc->regs.hp : b->fill;
        if (b->space == LULL_SPACE_FROM) {
            insane(s, p, "a pointer into from-space");
        }
        if ((const lull_word *)p + LULL_MIN_OBJECT_WORDS > limit) {
            insane(s, p, "a pointer past the allocated part of its block");
        }
    }
    if (p->entry == NULL || (uintptr_t)p->entry % LULL_ENTRY_ALIGN != 0) {
        insane(s, p, "a bad entry word");
    }
    const struct lull_info *info = lull_rt_object_info(p);
    if (info->tag >= LULL_TAG_COUNT || info->tag == LULL_TAG_FORWARD) {
        insane(s, p, "a bad tag");
    }
    if (info->tag != LULL_TAG_BLACKHOLE && info->tag != LULL_TAG_REF) {
        size_t w = lull_rt_object_words(p);
        if (w < LULL_MIN_OBJECT_WORDS) {
            insane(s, p, "an object smaller than 2 words");
        }
        if (b != NULL) {
            const lull_word *limit = b->space == LULL_SPACE_NURSERY ? s->proc->regs.hp : b->fill;
            if ((const lull_word *)p + w > limit) {
                insane(s, p, "an object past the allocated part of its block");
            }
        }
        if ((info->tag == LULL_TAG_FUN || info->tag == LULL_TAG_THUNK || info->tag == LULL_TAG_CON) &&
            (info->size == 0 || info->nptrs > info->size - 1)) {
            insane(s, p, "bad nptrs");
        }
        if (info->tag == LULL_TAG_RIGID && w < 4) {
            insane(s, p, "a rigid term smaller than 4 words");
        }
        if (info->tag == LULL_TAG_PAP && w < 3) {
            insane(s, p, "a PAP smaller than 3 words");
        }
    }
    if (seen_insert(s, (uintptr_t)p)) {
        lull_objvec_push(&s->todo, (struct lull_object *)p);
    }
}

static struct lull_object *check_root(struct lull_proc *proc, struct lull_object *p) {
    (void)proc;
    check_ptr(current_sanity, p);
    return p;
}

void lull_gc_sanity(struct lull_proc *proc, const char *when) {
    struct sanity s = {.proc = proc, .when = when};
    current_sanity = &s;
    for (lull_word **sl = proc->ds_base; sl < proc->regs.sp; sl++) {
        check_ptr(&s, (struct lull_object *)*sl);
    }
    lull_stackmap_walk(proc, check_root, LULL_WALK_ALL);
    for (size_t i = 0; i < proc->gc.remembered.len; i++) {
        check_ptr(&s, proc->gc.remembered.items[i]);
    }
    for (size_t i = 0; i < proc->gc.static_roots.len; i++) {
        check_ptr(&s, proc->gc.static_roots.items[i]);
    }
    for (size_t i = 0; i < proc->roots.len; i++) {
        check_ptr(&s, proc->roots.items[i]);
    }
    while (s.todo.len > 0) {
        struct lull_object *o = s.todo.items[--s.todo.len];
        const struct lull_info *info = lull_rt_object_info(o);
        switch (info->tag) {
        case LULL_TAG_FUN:
        case LULL_TAG_THUNK:
        case LULL_TAG_CON:
            /* A zero pointer field is the padding word of a 1-word object
             * whose info counts it as a pointer (the back end's statics do);
             * evacuation leaves NULL alone. */
            for (size_t i = 0; i + 1 + info->nptrs < info->size; i++) {
                if (o->contents[i] != 0 || info->size != LULL_MIN_OBJECT_WORDS) {
                    check_ptr(&s, (struct lull_object *)o->contents[i]);
                }
            }
            break;
        case LULL_TAG_PAP:
            for (size_t i = 1; i < o->contents[0] - 1; i++) {
                check_ptr(&s, (struct lull_object *)o->contents[i]);
            }
            break;
        case LULL_TAG_RIGID:
            if (o->contents[2] != 0) {
                check_ptr(&s, (struct lull_object *)o->contents[2]);
            }
            for (size_t i = 3; i < o->contents[0] - 1; i++) {
                check_ptr(&s, (struct lull_object *)o->contents[i]);
            }
            break;
        case LULL_TAG_REF:
            check_ptr(&s, (struct lull_object *)o->contents[0]);
            break;
        default:
            break;
        }
    }
    free(s.seen);
    free(s.todo.items);
    current_sanity = NULL;
}
