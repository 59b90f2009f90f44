/*
 * layout.c: reading object layout. See Note [Object layout] in
 * rt/include/lull_rt.h.
 */
#include "lull_rt.h"

const struct lull_info *lull_rt_info_of(const void *entry) {
    return (const struct lull_info *)((const char *)entry - LULL_INFO_SIZE);
}

const struct lull_info *lull_rt_object_info(const struct lull_object *obj) {
    return lull_rt_info_of(obj->entry);
}

size_t lull_rt_object_words(const struct lull_object *obj) {
    const struct lull_info *info = lull_rt_object_info(obj);
    if (info->size == LULL_SIZE_IN_FIRST_WORD) {
        return (size_t)obj->contents[0];
    }
    return info->size;
}

const char *lull_rt_tag_name(uint32_t tag) {
    static const char *const names[LULL_TAG_COUNT] = {
        [LULL_TAG_FORWARD] = "FORWARD",
        [LULL_TAG_REF] = "REF",
        [LULL_TAG_FUN] = "FUN",
        [LULL_TAG_PAP] = "PAP",
        [LULL_TAG_RIGID] = "RIGID",
        [LULL_TAG_THUNK] = "THUNK",
        [LULL_TAG_BLACKHOLE] = "BLACKHOLE",
        [LULL_TAG_CON] = "CON",
    };
    if (tag >= LULL_TAG_COUNT) {
        return "?";
    }
    return names[tag];
}
