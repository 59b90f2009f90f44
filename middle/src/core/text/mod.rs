//! Lexical rules shared by the Core text printer ([`super::print`]) and
//! parser ([`super::parse`]): which words are reserved, what a bare name
//! is, and how strings and quoted names are escaped. Keeping them in one
//! place is what makes the printer's output parse back.

pub(crate) mod lexer;

use super::ir::PrimOp;
use std::fmt::Write as _;

/// Words that can never be bare names (variables, constructors, globals).
/// `nan` and `inf` (and `nan0x…`) are float literals.
pub(crate) const KEYWORDS: &[&str] = &[
    "data", "def", "let", "strict", "letrec", "in", "case", "as", "free", "error", "str", "import", "_", "nan", "inf",
];

/// The prefix of a NaN literal with an explicit bit pattern: `nan0x7ff8000000000001`.
pub(crate) const NAN_BITS_PREFIX: &str = "nan0x";

/// May `c` start a bare name?
pub(crate) fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

/// May `c` continue a bare name?
pub(crate) fn is_ident_continue(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '\''
}

/// Is `s` lexed as a keyword or a float word rather than as a name?
pub(crate) fn is_reserved_word(s: &str) -> bool {
    KEYWORDS.contains(&s) || s.starts_with(NAN_BITS_PREFIX)
}

/// Can `s` be written as a bare identifier (and is then read back as an
/// identifier, not a keyword or literal)?
pub(crate) fn is_bare_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if is_ident_start(c) => {}
        _ => return false,
    }
    chars.all(is_ident_continue) && !is_reserved_word(s)
}

/// Is `s` the name of a primitive operation?
pub(crate) fn is_prim_name(s: &str) -> bool {
    PrimOp::from_name(s).is_some()
}

/// Append `s` to `out` between `quote` characters, escaping `\`, the quote,
/// and control characters (`\n`, `\t`, `\r`, `\0`, otherwise `\u{HEX}`).
pub(crate) fn write_quoted(out: &mut String, s: &str, quote: char) {
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// Append a name that is bare when [`is_bare_name`] allows it and `extra_ok`
/// holds, and quoted with backticks otherwise.
pub(crate) fn write_name(out: &mut String, s: &str, extra_ok: bool) {
    if extra_ok && is_bare_name(s) {
        out.push_str(s);
    } else {
        write_quoted(out, s, '`');
    }
}

/// A fast, non-cryptographic hasher (FxHash with a final mix) for the name tables of the
/// printer and parser, which hash a name per binder of terms that can be
/// millions of nodes long. Inputs are trusted to be non-adversarial enough.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply only spreads low input bits upwards; names that
        // differ in their last bytes (`x_1`, `x_2`) need a final mix.
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// A `HashMap` with [`FxHasher`].
pub(crate) type FxHashMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;
/// A `HashSet` with [`FxHasher`].
pub(crate) type FxHashSet<K> = std::collections::HashSet<K, std::hash::BuildHasherDefault<FxHasher>>;
