//! The number formatting and parsing behind `fshowchar` and `fdec`, shared
//! by the reference interpreter and the tests (the native runtime has the
//! same algorithms in C, `rt/src/services.c`).

/// Haskell's `show` of a `Double` (GHC's `showFloat` / `formatRealFloat
/// FFGeneric Nothing`): the shortest digits that read back to the same
/// double; plain decimal with at least one digit after the point when
/// `0.1 <= |x| < 10^7`, else `d.ddde-N` scientific notation (no `+`);
/// a leading `-` for negative numbers and `-0.0`; `Infinity`,
/// `-Infinity`, `NaN`.
///
/// ```
/// use lull_middle::core::numeric::show_double;
/// assert_eq!(show_double(0.1), "0.1");
/// assert_eq!(show_double(1.0e7), "1.0e7");
/// assert_eq!(show_double(1234567.0), "1234567.0");
/// assert_eq!(show_double(0.01), "1.0e-2");
/// assert_eq!(show_double(-0.0), "-0.0");
/// assert_eq!(show_double(5e-324), "5.0e-324");
/// ```
pub fn show_double(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let neg = x.is_sign_negative();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let a = x.abs();
    if a == 0.0 {
        out.push_str("0.0");
        return out;
    }
    // `{:e}`: the shortest round-trip digits, `d.ddde<X>`, value d.ddd * 10^X.
    let s = format!("{a:e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let x10: i64 = exp.parse().unwrap_or(0);
    // GHC's floatToDigits exponent: value = 0.d1d2... * 10^e.
    let e = x10 + 1;
    if (0..=7).contains(&e) {
        let e = e as usize;
        if e == 0 {
            out.push_str("0.");
            out.push_str(&digits);
        } else if digits.len() <= e {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', e - digits.len()));
            out.push_str(".0");
        } else {
            out.push_str(&digits[..e]);
            out.push('.');
            out.push_str(&digits[e..]);
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        if digits.len() == 1 {
            out.push('0');
        } else {
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push_str(&(e - 1).to_string());
    }
    out
}

/// The double nearest to `m * 10^e` (correctly rounded).
///
/// ```
/// use lull_middle::core::numeric::dec_to_double;
/// assert_eq!(dec_to_double(125, -1), 12.5);
/// assert_eq!(dec_to_double(1, 400), f64::INFINITY);
/// ```
pub fn dec_to_double(m: i64, e: i64) -> f64 {
    format!("{m}e{e}").parse::<f64>().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ghc_examples() {
        let cases: &[(f64, &str)] = &[
            (0.1, "0.1"),
            (1.0, "1.0"),
            (1.0e7, "1.0e7"),
            (9999999.0, "9999999.0"),
            (1234567.0, "1234567.0"),
            (12.5, "12.5"),
            (0.01, "1.0e-2"),
            (5e-324, "5.0e-324"),
            (1.7976931348623157e308, "1.7976931348623157e308"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (12345.678, "12345.678"),
            (0.30000000000000004, "0.30000000000000004"),
            (-2.5, "-2.5"),
            (-1.0e-3, "-1.0e-3"),
            (1.2345e22, "1.2345e22"),
            (100.0, "100.0"),
            (0.09, "9.0e-2"),
        ];
        for (x, want) in cases {
            assert_eq!(show_double(*x), *want, "show {x:?}");
        }
    }

    #[test]
    fn decimal() {
        assert_eq!(dec_to_double(1, -1), 0.1);
        assert_eq!(dec_to_double(-5, 3), -5000.0);
        assert_eq!(dec_to_double(0, 99999), 0.0);
        assert_eq!(dec_to_double(1, -400), 0.0);
        assert_eq!(dec_to_double(i64::MAX, i64::MIN), 0.0);
        assert_eq!(dec_to_double(17976931348623157, 292), f64::MAX);
    }
}
