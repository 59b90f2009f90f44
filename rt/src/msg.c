/*
 * msg.c: copying object graphs out of one heap and into another.
 *
 * Note [Messages]
 * ~~~~~~~~~~~~~~~
 * Procs share no heap objects (Note [Procs] in sched.c), so whatever goes
 * from one proc to another is copied: a message (`send`), the action of a
 * new proc (`spawn`), a CAF's value (into the shared space). A copy is made
 * in two steps:
 *
 *  - pack: the graph reachable from the value, as far as it lies in the
 *    sender's heap, is copied into a malloc'd struct lull_msg. REFs are
 *    followed (not copied); objects outside the heap (static objects, the
 *    shared space) are not copied: pointers to them stay as they are.
 *    Pointers between copied objects become tagged word offsets
 *    ((offset << 1) | 1: objects are word-aligned, so a real pointer is
 *    even). A hash table from the original's address to its offset keeps
 *    sharing (and cycles) as they were. The traversal is a Cheney scan over
 *    the message itself: no recursion on the depth of the graph, so a
 *    million-element list is packed in constant C stack.
 *  - unpack: the message is copied into nwords words of the receiver's
 *    heap (or of the shared space) in one allocation, then walked linearly
 *    (fresh copies can be parsed: Note [Objects in the old space are never
 *    parsed] in gc.c does not apply) to turn offsets back into addresses.
 *
 * The message is what a receiver's heap pays for, word for word, so a
 * message costs its size in the receiver's budget and nothing in the
 * sender's. Thunks (inside functions sent as they are) are copied
 * unevaluated: evaluating a copy gives the same value. A BLACKHOLE (a thunk
 * the sender is evaluating) is copied as one, so entering the copy reports
 * `<<loop>>`; the library forces messages to normal form first, so only a
 * function's free variables can hold one.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "gc.h"
#include "msg.h"
#include "proc.h"

static bool in_heap(const struct lull_gc *gc, const void *p) {
    return (uintptr_t)p - gc->heap_base < gc->heap_size;
}

static size_t object_words(const struct lull_object *p) {
    const struct lull_info *info = lull_info_fast(p);
    if (info->tag == LULL_TAG_BLACKHOLE) {
        return 2;
    }
    size_t words = info->size;
    if (words == LULL_SIZE_IN_FIRST_WORD) {
        words = p->contents[0];
    }
    return words;
}

/* The pointer words of an object: contents[*first .. *first + *n). */
static void pointer_slots(const struct lull_object *p, size_t *first, size_t *n) {
    const struct lull_info *info = lull_info_fast(p);
    switch (info->tag) {
    case LULL_TAG_FUN:
    case LULL_TAG_THUNK:
    case LULL_TAG_CON:
        *first = 0;
        *n = info->size - 1 - info->nptrs;
        return;
    case LULL_TAG_PAP:
        *first = 1;
        *n = p->contents[0] - 2;
        return;
    case LULL_TAG_RIGID:
        *first = 2;
        *n = p->contents[0] - 3;
        return;
    default:
        *first = 0;
        *n = 0;
        return;
    }
}

/* ---- pack ----------------------------------------------------------------- */

/* A small message (the common case: an Int, a short list) is packed in
 * the packer's own arrays, on the C stack; a bigger one moves to malloc'd
 * ones as it grows. */
#define PACK_SMALL_KEYS 32
#define PACK_SMALL_WORDS 64

struct packer {
    const struct lull_gc *gc;
    lull_word *words;
    size_t len, cap;
    /* Open addressing: key the original address (0: empty), value the offset. */
    uintptr_t *keys;
    size_t *vals;
    size_t mask, used;
    uintptr_t small_keys[PACK_SMALL_KEYS];
    size_t small_vals[PACK_SMALL_KEYS];
    lull_word small_words[PACK_SMALL_WORDS];
};

static size_t hash_addr(uintptr_t a) {
    a ^= a >> 33;
    a *= 0xff51afd7ed558ccdull;
    a ^= a >> 29;
    return (size_t)a;
}

static void table_grow(struct packer *k) {
    size_t cap = (k->mask + 1) * 2;
    uintptr_t *keys = calloc(cap, sizeof *keys);
    size_t *vals = malloc(cap * sizeof *vals);
    if (keys == NULL || vals == NULL) {
        lull_out_of_memory(lull_current_proc);
    }
    for (size_t i = 0; k->mask != 0 && i <= k->mask; i++) {
        if (k->keys[i] != 0) {
            size_t j = hash_addr(k->keys[i]) & (cap - 1);
            while (keys[j] != 0) {
                j = (j + 1) & (cap - 1);
            }
            keys[j] = k->keys[i];
            vals[j] = k->vals[i];
        }
    }
    if (k->keys != k->small_keys) {
        free(k->keys);
        free(k->vals);
    }
    k->keys = keys;
    k->vals = vals;
    k->mask = cap - 1;
}

/* The tagged offset of p's copy, copying p (shallowly) when it has none. */
static lull_word pack_object(struct packer *k, struct lull_object *p) {
    for (;;) {
        if (!in_heap(k->gc, p)) {
            return (lull_word)(uintptr_t)p;
        }
        if (lull_info_fast(p)->tag == LULL_TAG_REF) {
            p = (struct lull_object *)(uintptr_t)p->contents[0];
            continue;
        }
        break;
    }
    if ((k->used + 1) * 2 > k->mask + 1) {
        table_grow(k);
    }
    size_t j = hash_addr((uintptr_t)p) & k->mask;
    while (k->keys[j] != 0) {
        if (k->keys[j] == (uintptr_t)p) {
            return (lull_word)(k->vals[j] << 1 | 1);
        }
        j = (j + 1) & k->mask;
    }
    size_t words = object_words(p);
    if (k->len + words > k->cap) {
        size_t cap = k->cap;
        while (cap < k->len + words) {
            cap *= 2;
        }
        if (k->words == k->small_words) {
            k->words = lull_xmalloc(cap * sizeof *k->words);
            memcpy(k->words, k->small_words, k->len * sizeof *k->words);
        } else {
            k->words = lull_xrealloc(k->words, cap * sizeof *k->words);
        }
        k->cap = cap;
    }
    size_t off = k->len;
    memcpy(&k->words[off], p, words * LULL_WORD_SIZE);
    if (lull_info_fast(p)->tag == LULL_TAG_BLACKHOLE) {
        k->words[off + 1] = 0;
    }
    k->len += words;
    k->keys[j] = (uintptr_t)p;
    k->vals[j] = off;
    k->used++;
    return (lull_word)(off << 1 | 1);
}

struct lull_msg *lull_msg_pack(struct lull_proc *proc, struct lull_object *v) {
    struct packer k;
    k.gc = &proc->gc;
    k.words = k.small_words;
    k.len = 0;
    k.cap = PACK_SMALL_WORDS;
    k.keys = k.small_keys;
    k.vals = k.small_vals;
    k.mask = PACK_SMALL_KEYS - 1;
    k.used = 0;
    memset(k.small_keys, 0, sizeof k.small_keys);
    lull_word root = pack_object(&k, v);
    /* Cheney: the copies not yet scanned are those after `scan`. */
    for (size_t scan = 0; scan < k.len;) {
        struct lull_object *o = (struct lull_object *)&k.words[scan];
        size_t words = object_words(o), first, n;
        pointer_slots(o, &first, &n);
        for (size_t i = 0; i < n; i++) {
            lull_word w = k.words[scan + 1 + first + i];
            lull_word t = pack_object(&k, (struct lull_object *)(uintptr_t)w);
            k.words[scan + 1 + first + i] = t; /* k.words may have moved: index again */
        }
        scan += words;
    }
    if (k.keys != k.small_keys) {
        free(k.keys);
        free(k.vals);
    }
    struct lull_msg *m = lull_xmalloc(sizeof *m + k.len * sizeof(lull_word));
    m->next = NULL;
    m->root = root;
    m->nwords = k.len;
    if (k.len > 0) {
        memcpy(m->words, k.words, k.len * sizeof(lull_word));
    }
    if (k.words != k.small_words) {
        free(k.words);
    }
    return m;
}

/* ---- unpack --------------------------------------------------------------- */

static lull_word relocate(lull_word w, lull_word *dst) {
    return (w & 1) ? (lull_word)(uintptr_t)(dst + (w >> 1)) : w;
}

struct lull_object *lull_msg_unpack_at(const struct lull_msg *msg, lull_word *dst) {
    if (msg->nwords > 0) {
        memcpy(dst, msg->words, msg->nwords * sizeof(lull_word));
    }
    for (size_t at = 0; at < msg->nwords;) {
        struct lull_object *o = (struct lull_object *)&dst[at];
        size_t words = object_words(o), first, n;
        pointer_slots(o, &first, &n);
        for (size_t i = 0; i < n; i++) {
            o->contents[first + i] = relocate(o->contents[first + i], dst);
        }
        at += words;
    }
    return (struct lull_object *)(uintptr_t)relocate(msg->root, dst);
}

struct lull_object *lull_msg_unpack(struct lull_proc *proc, const struct lull_msg *msg) {
    if (msg->nwords == 0) {
        return (struct lull_object *)(uintptr_t)msg->root;
    }
    lull_word *dst = lull_gc_alloc(proc, msg->nwords);
    return lull_msg_unpack_at(msg, dst);
}

void lull_msg_free(struct lull_msg *msg) {
    free(msg);
}

/* ---- the shared space ----------------------------------------------------- */

#define SHARED_CHUNK_WORDS ((size_t)1 << 17) /* 1 MiB */

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static lull_word *shared_hp, *shared_end;
static uint64_t shared_bytes;

static lull_word *shared_alloc(size_t words) {
    pthread_mutex_lock(&shared_lock);
    if (shared_hp == NULL || (size_t)(shared_end - shared_hp) < words) {
        size_t n = words > SHARED_CHUNK_WORDS ? words : SHARED_CHUNK_WORDS;
        lull_word *c = aligned_alloc(16, n * sizeof(lull_word));
        if (c == NULL) {
            pthread_mutex_unlock(&shared_lock);
            lull_out_of_memory(lull_current_proc);
        }
        shared_hp = c;
        shared_end = c + n;
    }
    lull_word *p = shared_hp;
    shared_hp += words;
    shared_bytes += words * sizeof(lull_word);
    pthread_mutex_unlock(&shared_lock);
    return p;
}

struct lull_object *lull_share(struct lull_proc *proc, struct lull_object *v) {
    if (!in_heap(&proc->gc, v)) {
        return v;
    }
    struct lull_msg *m = lull_msg_pack(proc, v);
    struct lull_object *r = lull_msg_unpack_at(m, shared_alloc(m->nwords));
    lull_msg_free(m);
    return r;
}

uint64_t lull_shared_bytes(void) {
    pthread_mutex_lock(&shared_lock);
    uint64_t b = shared_bytes;
    pthread_mutex_unlock(&shared_lock);
    return b;
}
