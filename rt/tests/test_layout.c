/*
 * test_layout.c: checks the object layout of rt/include/lull_rt.h and the
 * functions of rt/src/layout.c. Exits non-zero when a check fails.
 * Built and run by `cargo xtask test`.
 */
#include "testlib.h"

/* struct fake_entry (testlib.h): an info prefix followed by (pretend) code
 * bytes, laid out as the back end lays out a function with prefix data. */

static void test_constants(void) {
    CHECK(LULL_WORD_SIZE == 8);
    CHECK(sizeof(lull_word) == LULL_WORD_SIZE);
    CHECK(sizeof(void *) == LULL_WORD_SIZE);
    CHECK(LULL_MIN_OBJECT_WORDS == 2);
    CHECK(LULL_INFO_SIZE == 16);
    CHECK(LULL_INFO_SIZE % LULL_ENTRY_ALIGN == 0);
    CHECK(sizeof(struct lull_info) == LULL_INFO_SIZE);
    CHECK(offsetof(struct lull_info, con_or_arity) == LULL_INFO_OFFSET_CON_OR_ARITY);
    CHECK(offsetof(struct lull_info, nptrs) == LULL_INFO_OFFSET_NPTRS);
    CHECK(offsetof(struct lull_info, size) == LULL_INFO_OFFSET_SIZE);
    CHECK(offsetof(struct lull_info, tag) == LULL_INFO_OFFSET_TAG);
    /* The seed's gc_data {size, tag} is at entry - 8. */
    CHECK(LULL_INFO_SIZE - LULL_INFO_OFFSET_SIZE == 8);
    CHECK(offsetof(struct lull_object, entry) == 0);
    CHECK(offsetof(struct lull_object, contents) == LULL_WORD_SIZE);
    CHECK(offsetof(struct fake_entry, code) == LULL_INFO_SIZE);
}

static void test_tags(void) {
    CHECK(LULL_TAG_FORWARD == 0);
    CHECK(LULL_TAG_REF == 1);
    CHECK(LULL_TAG_FUN == 2);
    CHECK(LULL_TAG_PAP == 3);
    CHECK(LULL_TAG_RIGID == 4);
    CHECK(LULL_TAG_THUNK == 5);
    CHECK(LULL_TAG_BLACKHOLE == 6);
    CHECK(LULL_TAG_CON == 7);
    CHECK(LULL_TAG_COUNT == 8);
    CHECK(strcmp(lull_rt_tag_name(LULL_TAG_FORWARD), "FORWARD") == 0);
    CHECK(strcmp(lull_rt_tag_name(LULL_TAG_BLACKHOLE), "BLACKHOLE") == 0);
    CHECK(strcmp(lull_rt_tag_name(LULL_TAG_CON), "CON") == 0);
    CHECK(strcmp(lull_rt_tag_name(LULL_TAG_COUNT), "?") == 0);
    for (uint32_t t = 0; t < LULL_TAG_COUNT; t++) {
        CHECK(strcmp(lull_rt_tag_name(t), "?") != 0);
    }
}

static void test_info_of(void) {
    static const struct fake_entry con = {
        .info = {.con_or_arity = 3, .nptrs = 1, .size = 4, .tag = LULL_TAG_CON},
    };
    const void *entry = con.code;
    const struct lull_info *info = lull_rt_info_of(entry);
    CHECK(info == &con.info);
    CHECK(info->con_or_arity == 3);
    CHECK(info->nptrs == 1);
    CHECK(info->size == 4);
    CHECK(info->tag == LULL_TAG_CON);
    CHECK(((uintptr_t)entry) % LULL_ENTRY_ALIGN == 0);

    /* The raw bytes at the documented offsets from the entry. */
    const unsigned char *e = entry;
    uint32_t size, tag;
    memcpy(&size, e - 8, sizeof size);
    memcpy(&tag, e - 4, sizeof tag);
    CHECK(size == 4);
    CHECK(tag == LULL_TAG_CON);
}

static void test_object_words(void) {
    static const struct fake_entry con2 = {
        .info = {.con_or_arity = 0, .nptrs = 0, .size = 3, .tag = LULL_TAG_CON},
    };
    static const struct fake_entry pap = {
        .info = {.con_or_arity = 0, .nptrs = 0, .size = LULL_SIZE_IN_FIRST_WORD,
                 .tag = LULL_TAG_PAP},
    };
    struct lull_object *c = malloc(sizeof *c + 2 * sizeof(lull_word));
    struct lull_object *p = malloc(sizeof *p + 4 * sizeof(lull_word));
    if (c == NULL || p == NULL) {
        fprintf(stderr, "test_layout: out of memory\n");
        exit(1);
    }
    c->entry = con2.code;
    c->contents[0] = c->contents[1] = 0;
    p->entry = pap.code;
    p->contents[0] = 5; /* the true size, entry word included */
    CHECK(lull_rt_object_info(c)->tag == LULL_TAG_CON);
    CHECK(lull_rt_object_words(c) == 3);
    CHECK(lull_rt_object_info(p)->tag == LULL_TAG_PAP);
    CHECK(lull_rt_object_words(p) == 5);
    CHECK(lull_rt_object_words(c) >= LULL_MIN_OBJECT_WORDS);
    free(c);
    free(p);
}

int main(void) {
    test_constants();
    test_tags();
    test_info_of();
    test_object_words();
    return test_report("test_layout");
}
