/*
 * lull_rt.h: the public header of Lull's C runtime (liblull_rt).
 *
 * This header is the single source of truth for the object layout shared by
 * the runtime and the LLVM back end. The back end mirrors the constants below
 * in llvm-backend/src/layout.rs, and a test there (llvm-backend/tests/)
 * parses this file and checks that both agree: when you change a value here,
 * change it there too. Keep every constant a plain `#define NAME VALUE` line
 * or an `enumerator = VALUE,` line so that the test's text scan finds it.
 *
 * Note [Object layout]
 * ~~~~~~~~~~~~~~~~~~~~
 * Every heap object starts with one word pointing at its entry code, followed
 * by its contents (free variables, fields, arguments). An object is at least
 * LULL_MIN_OBJECT_WORDS words long, so that any object can be overwritten in
 * place by a REF (entry + target) or a FORWARD (entry + new address).
 *
 *      object                      entry code
 *     +----------------+          +---------------------------+
 *     | entry  --------+--------->| machine code ...          |
 *     +----------------+          +---------------------------+
 *     | content word 0 |
 *     | content word 1 |          the 16 bytes right before the entry code
 *     | ...            |          (the info prefix, struct lull_info):
 *     +----------------+
 *                                  entry-16  u32 con_or_arity
 *                                  entry-12  u32 nptrs
 *                                  entry- 8  u32 size     \  the seed's gc_data,
 *                                  entry- 4  u32 tag      /  still at entry - 8
 *
 *  - con_or_arity: the constructor number of a CON, the arity of a FUN;
 *    0 for other tags.
 *  - nptrs: for a CON, the number of non-pointer content words (fields are
 *    laid out pointers first, so the non-pointers are the last nptrs words).
 *  - size: the object's size in words, the entry word included. Size
 *    LULL_SIZE_IN_FIRST_WORD (0) means that the true size is in the object's
 *    first content word (PAPs, rigid terms).
 *  - tag: one of enum lull_tag below; the values are fixed, the back end and
 *    the collector switch on them.
 *
 * The prefix is 16 bytes so that entry codes stay LULL_ENTRY_ALIGN-aligned
 * when the function (prefix included) is 16-aligned. The back end emits it
 * with LLVMSetPrefixData (see llvm-backend/src/smoke.rs).
 */
#ifndef LULL_RT_H
#define LULL_RT_H

#include <stddef.h>
#include <stdint.h>

/* The machine word, in bytes. Lull targets x86-64 only. */
#define LULL_WORD_SIZE 8

/* Minimum object size in words (entry word + one content word).
 * See Note [Object layout]. */
#define LULL_MIN_OBJECT_WORDS 2

/* Size of the info prefix before every entry code, in bytes. */
#define LULL_INFO_SIZE 16

/* Byte offsets of the info prefix fields from the start of the prefix
 * (that is, from entry - LULL_INFO_SIZE). */
#define LULL_INFO_OFFSET_CON_OR_ARITY 0
#define LULL_INFO_OFFSET_NPTRS 4
#define LULL_INFO_OFFSET_SIZE 8
#define LULL_INFO_OFFSET_TAG 12

/* Alignment of entry codes, in bytes. */
#define LULL_ENTRY_ALIGN 16

/* A size field equal to this means: the size is in the first content word. */
#define LULL_SIZE_IN_FIRST_WORD 0

/* Object tags, stored in the info prefix. The values are fixed. */
enum lull_tag {
    LULL_TAG_FORWARD = 0,   /* moved by the collector; word 1 is the new address */
    LULL_TAG_REF = 1,       /* an updated thunk; word 1 is the value */
    LULL_TAG_FUN = 2,       /* a function closure; con_or_arity is its arity */
    LULL_TAG_PAP = 3,       /* a partial application; size in word 1 */
    LULL_TAG_RIGID = 4,     /* a free variable applied to a spine; size in word 1 */
    LULL_TAG_THUNK = 5,     /* an unevaluated expression */
    LULL_TAG_BLACKHOLE = 6, /* a thunk under evaluation; re-entry is <<loop>> */
    LULL_TAG_CON = 7,       /* a constructor; con_or_arity is its number */
};

/* The number of tags; tags are 0 .. LULL_TAG_COUNT - 1. */
#define LULL_TAG_COUNT 8

typedef uint64_t lull_word;

/* The info prefix. See Note [Object layout]. */
struct lull_info {
    uint32_t con_or_arity;
    uint32_t nptrs;
    uint32_t size;
    uint32_t tag;
};

/* A heap object: the entry word, then the contents. */
struct lull_object {
    const void *entry;
    lull_word contents[];
};

_Static_assert(sizeof(lull_word) == LULL_WORD_SIZE, "word size");
_Static_assert(sizeof(void *) == LULL_WORD_SIZE, "pointer size");
_Static_assert(sizeof(struct lull_info) == LULL_INFO_SIZE, "info prefix size");
_Static_assert(offsetof(struct lull_info, con_or_arity) == LULL_INFO_OFFSET_CON_OR_ARITY,
               "con_or_arity offset");
_Static_assert(offsetof(struct lull_info, nptrs) == LULL_INFO_OFFSET_NPTRS, "nptrs offset");
_Static_assert(offsetof(struct lull_info, size) == LULL_INFO_OFFSET_SIZE, "size offset");
_Static_assert(offsetof(struct lull_info, tag) == LULL_INFO_OFFSET_TAG, "tag offset");

/* The info prefix of an entry code. See Note [Object layout]. */
const struct lull_info *lull_rt_info_of(const void *entry);

/* The info prefix of an object (through its entry word). */
const struct lull_info *lull_rt_object_info(const struct lull_object *obj);

/* The size of an object in words, entry word included: the size field of its
 * info prefix, or its first content word when that field is
 * LULL_SIZE_IN_FIRST_WORD. */
size_t lull_rt_object_words(const struct lull_object *obj);

/* The name of a tag ("FORWARD", ..., "CON"), or "?" for an invalid one. */
const char *lull_rt_tag_name(uint32_t tag);

#endif /* LULL_RT_H */
