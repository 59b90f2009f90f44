/*
 * The Unicode properties behind Data.Char (PrimOp::UniProp): the same
 * lookup as middle/src/core/unicode.rs, over the same generated tables
 * (unicode_data.c; tools/gen-unicode.py writes both).
 */
#include "lull_rt.h"
#include "unicode_data.h"

/* The category of unassigned code points (GHC's NotAssigned). */
#define UNASSIGNED 29

int64_t lull_rt_uniprop(int64_t c, int64_t which) {
    if (c < 0 || c > 0x10FFFF) {
        return which == 0 ? UNASSIGNED : c;
    }
    uint32_t cp = (uint32_t)c;
    if (which == 0) {
        /* The last run starting at or before cp. */
        size_t lo = 0, hi = LULL_UNI_RUNS;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (lull_uni_runs[mid].start <= cp) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lull_uni_runs[lo].cat;
    }
    if (which == 1 || which == 2) {
        size_t lo = 0, hi = LULL_UNI_CASES;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (lull_uni_cases[mid].c < cp) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo < LULL_UNI_CASES && lull_uni_cases[lo].c == cp) {
            return which == 1 ? lull_uni_cases[lo].upper : lull_uni_cases[lo].lower;
        }
    }
    return c;
}
