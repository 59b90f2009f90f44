/*
 * stackmap.c: LLVM stack maps (format version 3) and the walk over the
 * native frames of generated code.
 *
 * Note [Finding the stack maps]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * LLVM puts each object's stack map in `.llvm_stackmaps`, whose symbol is
 * local. The driver renames the section `llvm_stackmaps` (allocated,
 * writable data: its function addresses get dynamic relocations in a PIE),
 * so the linker defines __start_llvm_stackmaps and __stop_llvm_stackmaps
 * around the concatenation of every object's map. Both symbols are weak:
 * without generated code (the runtime's tests) there are no maps.
 *
 * Each map is: a header {u8 version = 3, u8, u16, u32 NumFunctions,
 * u32 NumConstants, u32 NumRecords}; NumFunctions records {u64 address,
 * u64 stack size, u64 record count}; NumConstants u64 constants; then the
 * records in function order, each {u64 id, u32 instruction offset, u16
 * flags, u16 NumLocations, NumLocations locations of 12 bytes {u8 kind,
 * u8, u16 size, u16 dwarf reg, u16, i32 offset}, padding to 8, u16, u16
 * NumLiveOuts, NumLiveOuts live-outs of 4 bytes, padding to 8}.
 *
 * A statepoint's record lists 3 constants (calling convention, flags,
 * number of deopt locations), the deopt locations, then (base, derived)
 * pairs of GC pointers.
 *
 * Note [Walking generated frames]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Every GC-capable service called by generated code stores the address of
 * its own return-address slot in proc->last_ret_slot on entry
 * (LULL_RECORD_RET_SLOT: frame pointer + 1 word; the runtime is compiled
 * with frame pointers and the services are not inlined). From there:
 *
 *     ra  = *slot                        the return address into a caller
 *     rec = the record of ra             none: we reached the C trampoline
 *     rsp = slot + 1 word                the caller's rsp at the call
 *     Indirect [rsp + off]               a slot holding a GC pointer
 *     next slot = rsp + the caller's stack size
 *
 * The slot of the watermark (Note [The watermark] in watermark.c) holds
 * the address of lull_watermark_return instead of its return address: a
 * minor collection's walk stops there, the others read proc->wm_ret
 * instead. Nothing else in the runtime reads return addresses from the
 * stack.
 *
 * Generated (ghccc) functions have no frame pointer and a fixed frame, so
 * the stack size of their function record is exact (Note in ARCHITECTURE.md:
 * a dynamic alloca gives -1, which we reject). Base and derived pointers
 * may name the same slot more than once, so we read every location of a
 * record first, relocate the bases, then write every slot.
 *
 * Note [A NULL base is a constant]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * LLVM's statepoint rewriting gives a value whose base is a constant (the
 * address of a static closure, e.g. `return @id` on one arm of a case whose
 * other arm returns a heap object) the base `null`: a phi of bases then
 * reads `[null, %other]`. Such a pair names a static object that never
 * moves, so the walk leaves both slots alone and the collector never sees
 * the NULL. (A derived pointer into the heap always has a heap base.)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "segment.h"
#include "stackmap.h"


enum { LOC_REGISTER = 1, LOC_DIRECT = 2, LOC_INDIRECT = 3, LOC_CONSTANT = 4, LOC_CONSTANT_INDEX = 5 };

#define DWARF_RSP 7

struct sm_record {
    uint64_t ret_addr;
    uint64_t stack_size;
    const uint8_t *locs;
    uint16_t nlocs;
};

/* The records by return address (open addressing; ret_addr 0 = empty).
 * Crates are loaded while other threads walk their procs' frames, so a
 * load builds a new table (the old records and the new ones) under
 * load_lock and publishes it; lookups read the published one without a
 * lock. A replaced table is never freed (a walk may still be reading it):
 * one per crate load. */
struct sm_table {
    struct sm_record *recs;
    size_t cap, len;
};
static _Atomic(struct sm_table *) published;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
/* The table being built: only under load_lock. */
static struct sm_record *table;
static size_t table_cap, table_len;
/* The stack map sections loaded so far (a crate's, once each). */
static const uint8_t **loaded_starts;
static size_t nloaded;

static uint64_t rd64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}
static uint32_t rd32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static uint16_t rd16(const uint8_t *p) {
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static size_t hash_addr(uint64_t a) {
    a ^= a >> 33;
    a *= 0xff51afd7ed558ccdull;
    a ^= a >> 33;
    return (size_t)a;
}

static void table_insert(struct sm_record rec) {
    if ((table_len + 1) * 2 > table_cap) {
        size_t ncap = table_cap ? table_cap * 2 : 256;
        struct sm_record *nt = calloc(ncap, sizeof *nt);
        if (nt == NULL) {
            lull_out_of_memory(NULL);
        }
        for (size_t i = 0; i < table_cap; i++) {
            if (table[i].ret_addr != 0) {
                size_t j = hash_addr(table[i].ret_addr) & (ncap - 1);
                while (nt[j].ret_addr != 0) {
                    j = (j + 1) & (ncap - 1);
                }
                nt[j] = table[i];
            }
        }
        free(table); /* never published: see load_locked */
        table = nt;
        table_cap = ncap;
    }
    size_t j = hash_addr(rec.ret_addr) & (table_cap - 1);
    while (table[j].ret_addr != 0) {
        if (table[j].ret_addr == rec.ret_addr) {
            table[j] = rec; /* the same call site twice: keep one */
            return;
        }
        j = (j + 1) & (table_cap - 1);
    }
    table[j] = rec;
    table_len++;
}

static const struct sm_record *lookup(uint64_t ra) {
    const struct sm_table *t = atomic_load_explicit(&published, memory_order_acquire);
    if (t == NULL || t->cap == 0) {
        return NULL;
    }
    size_t j = hash_addr(ra) & (t->cap - 1);
    while (t->recs[j].ret_addr != 0) {
        if (t->recs[j].ret_addr == ra) {
            return &t->recs[j];
        }
        j = (j + 1) & (t->cap - 1);
    }
    return NULL;
}

/* Parse one map at p (at most `avail` bytes); returns its length. */
static size_t parse_one(const uint8_t *p, size_t avail) {
    if (avail < 16) {
        lull_internal("truncated stack map header");
    }
    if (p[0] != 3) {
        lull_internal("stack map version %u (expected 3)", p[0]);
    }
    uint32_t nfun = rd32(p + 4), nconst = rd32(p + 8), nrec = rd32(p + 12);
    size_t off = 16;
    const uint8_t *funs = p + off;
    off += (size_t)nfun * 24 + (size_t)nconst * 8;
    if (off > avail) {
        lull_internal("truncated stack map");
    }
    uint32_t fi = 0;
    uint64_t left_in_fun = nfun > 0 ? rd64(funs + 16) : 0;
    for (uint32_t r = 0; r < nrec; r++) {
        while (fi < nfun && left_in_fun == 0) {
            fi++;
            left_in_fun = fi < nfun ? rd64(funs + (size_t)fi * 24 + 16) : 0;
        }
        if (fi >= nfun || off + 16 > avail) {
            lull_internal("malformed stack map (records)");
        }
        const uint8_t *rec = p + off;
        uint32_t ins_off = rd32(rec + 8);
        uint16_t nlocs = rd16(rec + 14);
        size_t locs_end = off + 16 + (size_t)nlocs * 12;
        locs_end = (locs_end + 7) & ~(size_t)7;
        if (locs_end + 4 > avail) {
            lull_internal("truncated stack map record");
        }
        uint16_t nlive = rd16(p + locs_end + 2);
        size_t end = locs_end + 4 + (size_t)nlive * 4;
        end = (end + 7) & ~(size_t)7;
        const uint8_t *fun = funs + (size_t)fi * 24;
        struct sm_record sr = {
            .ret_addr = rd64(fun) + ins_off,
            .stack_size = rd64(fun + 8),
            .locs = rec + 16,
            .nlocs = nlocs,
        };
        table_insert(sr);
        left_in_fun--;
        off = end;
    }
    return off;
}

/* Under load_lock: a copy of the published records plus the section's,
 * published. */
static void load_locked(const uint8_t *start, const uint8_t *stop) {
    const struct sm_table *old = atomic_load_explicit(&published, memory_order_relaxed);
    table = NULL;
    table_cap = table_len = 0;
    if (old != NULL) {
        for (size_t i = 0; i < old->cap; i++) {
            if (old->recs[i].ret_addr != 0) {
                table_insert(old->recs[i]);
            }
        }
    }
    const uint8_t *p = start;
    while (p != NULL && p + 8 <= stop) {
        if (rd64(p) == 0) { /* padding between sections */
            p += 8;
            continue;
        }
        p += parse_one(p, (size_t)(stop - p));
    }
    struct sm_table *t = lull_xmalloc(sizeof *t);
    t->recs = table;
    t->cap = table_cap;
    t->len = table_len;
    atomic_store_explicit(&published, t, memory_order_release);
    table = NULL;
}

void lull_stackmap_load(const uint8_t *start, const uint8_t *stop) {
    pthread_mutex_lock(&load_lock);
    load_locked(start, stop);
    pthread_mutex_unlock(&load_lock);
}

void lull_stackmap_add_program(const struct lull_program *prog) {
    if (prog->stackmaps_start == NULL || prog->stackmaps_end == NULL) {
        return;
    }
    pthread_mutex_lock(&load_lock);
    bool known = false;
    for (size_t i = 0; i < nloaded; i++) {
        known |= loaded_starts[i] == prog->stackmaps_start;
    }
    if (!known) {
        loaded_starts = lull_xrealloc(loaded_starts, (nloaded + 1) * sizeof *loaded_starts);
        loaded_starts[nloaded++] = prog->stackmaps_start;
        load_locked(prog->stackmaps_start, prog->stackmaps_end);
    }
    pthread_mutex_unlock(&load_lock);
}

size_t lull_stackmap_records(void) {
    const struct sm_table *t = atomic_load_explicit(&published, memory_order_acquire);
    return t != NULL ? t->len : 0;
}

struct loc {
    uint8_t kind;
    uint16_t reg;
    int32_t off;
};

static struct loc read_loc(const uint8_t *l) {
    struct loc r = {.kind = l[0], .reg = rd16(l + 4), .off = (int32_t)rd32(l + 8)};
    return r;
}

static struct lull_object **gc_slot(struct loc l, char *rsp) {
    if (l.kind == LOC_INDIRECT && l.reg == DWARF_RSP) {
        return (struct lull_object **)(rsp + l.off);
    }
    lull_internal("unsupported stack map location (kind %u, register %u)", l.kind, l.reg);
}

#define MAX_PAIRS_INLINE 64

bool lull_stackmap_frame_size(uint64_t ra, uint64_t *size) {
    const struct sm_record *rec = lookup(ra);
    if (rec == NULL) {
        return false;
    }
    if (rec->stack_size == UINT64_MAX) {
        lull_internal("generated function with a dynamic frame size");
    }
    *size = rec->stack_size;
    return true;
}

void lull_stackmap_walk(struct lull_proc *proc, lull_relocate_fn fn, enum lull_walk which) {
    void **slot = proc->last_ret_slot;
    if (slot == NULL) {
        return;
    }
    for (;;) {
        uint64_t ra = (uint64_t)(uintptr_t)*slot;
        if (slot == proc->wm_slot) {
            /* Note [The watermark] in watermark.c: the frames from here on
             * have not run since the last collection. */
            if (ra != (uint64_t)(uintptr_t)&lull_watermark_return) {
                lull_internal("the watermark's slot %p lost its hijack", (void *)slot);
            }
            if (which == LULL_WALK_NEW) {
                return;
            }
            ra = (uint64_t)(uintptr_t)proc->wm_ret;
        } else if (ra == (uint64_t)(uintptr_t)&lull_watermark_return) {
            lull_internal("a hijacked return address at %p, not the watermark's slot", (void *)slot);
        }
        if (ra == (uint64_t)(uintptr_t)lull_morestack_ret) {
            /* A function's body on a newer segment: its caller's frame
             * is on the older one (Note [Segmented stacks] in segment.c). */
            slot = lull_seg_hop(slot);
            continue;
        }
        const struct sm_record *rec = lookup(ra);
        if (rec == NULL) {
            return; /* the C trampoline: the end of generated frames */
        }
        char *rsp = (char *)(slot + 1);
        if (rec->nlocs < 3) {
            lull_internal("stack map record with %u locations is not a statepoint", rec->nlocs);
        }
        struct loc ndeopt = read_loc(rec->locs + 2 * 12);
        if (ndeopt.kind != LOC_CONSTANT) {
            lull_internal("statepoint without a deopt count");
        }
        size_t first = 3 + (size_t)ndeopt.off;
        if (first > rec->nlocs || (rec->nlocs - first) % 2 != 0) {
            lull_internal("malformed statepoint record");
        }
        size_t npairs = (rec->nlocs - first) / 2;
        struct lull_object **bslot_in[MAX_PAIRS_INLINE], **dslot_in[MAX_PAIRS_INLINE];
        struct lull_object *bold_in[MAX_PAIRS_INLINE], *dold_in[MAX_PAIRS_INLINE];
        struct lull_object ***bslot = bslot_in, ***dslot = dslot_in, **bold = bold_in, **dold = dold_in;
        if (npairs > MAX_PAIRS_INLINE) {
            bslot = lull_xmalloc(npairs * sizeof *bslot);
            dslot = lull_xmalloc(npairs * sizeof *dslot);
            bold = lull_xmalloc(npairs * sizeof *bold);
            dold = lull_xmalloc(npairs * sizeof *dold);
        }
        for (size_t i = 0; i < npairs; i++) {
            bslot[i] = gc_slot(read_loc(rec->locs + (first + 2 * i) * 12), rsp);
            dslot[i] = gc_slot(read_loc(rec->locs + (first + 2 * i + 1) * 12), rsp);
            bold[i] = *bslot[i];
            dold[i] = *dslot[i];
        }
        for (size_t i = 0; i < npairs; i++) {
            if (bold[i] == NULL) {
                continue; /* Note [A NULL base is a constant] */
            }
            struct lull_object *nb = fn(proc, bold[i]);
            *bslot[i] = nb;
            if (dslot[i] != bslot[i]) {
                *dslot[i] = (struct lull_object *)((char *)nb + ((char *)dold[i] - (char *)bold[i]));
            }
        }
        if (npairs > MAX_PAIRS_INLINE) {
            free(bslot);
            free(dslot);
            free(bold);
            free(dold);
        }
        if (rec->stack_size == UINT64_MAX) {
            lull_internal("generated function with a dynamic frame size");
        }
        slot = (void **)(rsp + rec->stack_size);
    }
}
