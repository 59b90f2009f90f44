//! The Unicode properties behind Data.Char (`PrimOp::UniProp`), from the
//! generated tables in `unicode_data.rs` (tools/gen-unicode.py writes them
//! and the runtime's `rt/src/unicode_data.c` from one run, so that native
//! code and the reference interpreter agree). The runtime's
//! `lull_rt_uniprop` (rt/src/unicode.c) is the same lookup in C.

use super::unicode_data::{CASES, RUNS};

/// `which` 0: the general category of `c` (GHC's `GeneralCategory`
/// order; 29, unassigned, for no code point); 1: its simple upper-case
/// mapping; 2: its simple lower-case mapping (`c` when it has none).
pub fn property(c: i64, which: i64) -> i64 {
    let Ok(cp) = u32::try_from(c) else { return if which == 0 { UNASSIGNED } else { c } };
    if cp > 0x10FFFF {
        return if which == 0 { UNASSIGNED } else { c };
    }
    match which {
        0 => {
            // The last run starting at or before `cp`.
            let i = RUNS.partition_point(|&(start, _)| start <= cp);
            RUNS[i.saturating_sub(1)].1 as i64
        }
        1 | 2 => match CASES.binary_search_by_key(&cp, |&(k, _, _)| k) {
            Ok(i) => (if which == 1 { CASES[i].1 } else { CASES[i].2 }) as i64,
            Err(_) => c,
        },
        _ => c,
    }
}

/// The category of unassigned code points (`NotAssigned`).
const UNASSIGNED: i64 = 29;

#[cfg(test)]
mod tests {
    use super::property;

    #[test]
    fn categories_and_cases_as_ghc() {
        // Lu, Ll, Lo, Nd, Zs, Cn (U+0378), Cn beyond Unicode 12.1 (U+0D04).
        let cats: Vec<i64> = ['A', 'a', 'ا', '7', ' '].iter().map(|&c| property(c as i64, 0)).collect();
        assert_eq!(cats, [0, 1, 4, 8, 22]);
        assert_eq!(property(0x378, 0), 29);
        assert_eq!(property(0xD04, 0), 29);
        assert_eq!(property(0x110000, 0), 29);
        assert_eq!(property('ω' as i64, 1), 'Ω' as i64);
        assert_eq!(property('Ж' as i64, 2), 'ж' as i64);
        assert_eq!(property('ÿ' as i64, 1), 0x178);
        assert_eq!(property('ß' as i64, 1), 'ß' as i64, "no simple upper case");
        assert_eq!(property(0x1FB3, 1), 0x1FBC, "simple, not full, mapping");
        assert_eq!(property(-5, 1), -5);
    }
}
