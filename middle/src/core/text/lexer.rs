//! The lexer of the Core text form. See [`crate::core::parse`] for the
//! syntax; this module turns text into [`Token`]s with line and column.

use super::{is_ident_continue, is_ident_start, NAN_BITS_PREFIX};
use crate::core::parse::ParseError;

/// A lexical token.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// A bare identifier that is not a keyword.
    Ident(String),
    /// A name between backticks.
    Quoted(String),
    Int(i64),
    Float(f64),
    /// A string literal between double quotes.
    Str(String),
    Data,
    Def,
    Let,
    Strict,
    Letrec,
    In,
    Case,
    As,
    Free,
    Error,
    StrKw,
    Import,
    Underscore,
    Backslash,
    Dot,
    Comma,
    Colon,
    Eq,
    Arrow,
    At,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Eof,
}

impl Tok {
    /// How error messages name this token.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("identifier `{s}`"),
            Tok::Quoted(s) => format!("quoted name `{}`", s.escape_debug()),
            Tok::Int(n) => format!("integer `{n}`"),
            Tok::Float(x) => format!("float `{x:?}`"),
            Tok::Str(_) => "a string literal".to_string(),
            Tok::Eof => "end of input".to_string(),
            other => format!("`{}`", other.spelling()),
        }
    }

    /// The fixed spelling of a keyword or punctuation token.
    pub(crate) fn spelling(&self) -> &'static str {
        match self {
            Tok::Data => "data",
            Tok::Def => "def",
            Tok::Let => "let",
            Tok::Strict => "strict",
            Tok::Letrec => "letrec",
            Tok::In => "in",
            Tok::Case => "case",
            Tok::As => "as",
            Tok::Free => "free",
            Tok::Error => "error",
            Tok::StrKw => "str",
            Tok::Import => "import",
            Tok::Underscore => "_",
            Tok::Backslash => "\\",
            Tok::Dot => ".",
            Tok::Comma => ",",
            Tok::Colon => ":",
            Tok::Eq => "=",
            Tok::Arrow => "->",
            Tok::At => "@",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Eof => "end of input",
            Tok::Ident(_) | Tok::Quoted(_) | Tok::Int(_) | Tok::Float(_) | Tok::Str(_) => "",
        }
    }
}

/// A token with its position (1-based line and column, in characters) and
/// whether it directly follows the previous token (no space or comment in
/// between): `Cons(` starts an argument list, `f (` an argument.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub tok: Tok,
    pub line: u32,
    pub col: u32,
    pub adjacent: bool,
}

struct Lexer<'s> {
    chars: std::iter::Peekable<std::str::Chars<'s>>,
    line: u32,
    col: u32,
}

impl Lexer<'_> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.col = 1;
        } else {
            self.col = self.col.saturating_add(1);
        }
        Some(c)
    }

    fn error(&self, line: u32, col: u32, msg: impl Into<String>) -> ParseError {
        ParseError { line, col, msg: msg.into() }
    }

    fn ident_rest(&mut self, first: char) -> String {
        let mut s = String::from(first);
        while let Some(c) = self.peek().filter(|&c| is_ident_continue(c)) {
            s.push(c);
            self.bump();
        }
        s
    }

    /// A string or quoted name whose opening `quote` has been consumed.
    fn quoted(&mut self, quote: char, line: u32, col: u32) -> Result<String, ParseError> {
        let mut s = String::new();
        loop {
            let (l, c) = (self.line, self.col);
            match self.bump() {
                None | Some('\n') => {
                    let what = if quote == '"' { "string literal" } else { "quoted name" };
                    return Err(self.error(line, col, format!("unterminated {what}")));
                }
                Some(ch) if ch == quote => return Ok(s),
                Some('\\') => match self.bump() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('r') => s.push('\r'),
                    Some('0') => s.push('\0'),
                    Some('\\') => s.push('\\'),
                    Some('"') => s.push('"'),
                    Some('`') => s.push('`'),
                    Some('u') => {
                        if self.bump() != Some('{') {
                            return Err(self.error(l, c, "expected `{` after `\\u` in escape"));
                        }
                        let mut hex = String::new();
                        loop {
                            match self.bump() {
                                Some('}') => break,
                                Some(h) if h.is_ascii_hexdigit() && hex.len() < 6 => hex.push(h),
                                _ => {
                                    return Err(self.error(
                                        l,
                                        c,
                                        "expected 1 to 6 hex digits and `}` in `\\u{...}` escape",
                                    ))
                                }
                            }
                        }
                        let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                        match ch {
                            Some(ch) => s.push(ch),
                            None => return Err(self.error(l, c, "`\\u{...}` escape is not a Unicode scalar value")),
                        }
                    }
                    _ => {
                        return Err(self.error(
                            l,
                            c,
                            "unknown escape (expected one of \\n \\t \\r \\0 \\\\ \\\" \\` \\u{HEX})",
                        ))
                    }
                },
                Some(ch) => s.push(ch),
            }
        }
    }

    /// A number; `neg` when a `-` was consumed before `first`.
    fn number(&mut self, first: char, neg: bool, line: u32, col: u32) -> Result<Tok, ParseError> {
        let mut text = String::new();
        if neg {
            text.push('-');
        }
        text.push(first);
        let mut is_float = false;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() {
                text.push(c);
                self.bump();
            } else {
                break;
            }
        }
        // Fraction: a `.` only when a digit follows (`\x.1` is not a float).
        let mut look = self.chars.clone();
        if look.next() == Some('.') && look.next().is_some_and(|c| c.is_ascii_digit()) {
            is_float = true;
            text.push('.');
            self.bump();
            while let Some(c) = self.peek().filter(|c| c.is_ascii_digit()) {
                text.push(c);
                self.bump();
            }
        }
        // Exponent.
        let mut look = self.chars.clone();
        if matches!(look.next(), Some('e' | 'E')) {
            let mut digits_follow = false;
            let mut sign = None;
            match look.next() {
                Some(c) if c.is_ascii_digit() => digits_follow = true,
                Some(c @ ('+' | '-')) => {
                    sign = Some(c);
                    digits_follow = look.next().is_some_and(|c| c.is_ascii_digit());
                }
                _ => {}
            }
            if digits_follow {
                is_float = true;
                text.push('e');
                self.bump();
                if let Some(s) = sign {
                    text.push(s);
                    self.bump();
                }
                while let Some(c) = self.peek().filter(|c| c.is_ascii_digit()) {
                    text.push(c);
                    self.bump();
                }
            }
        }
        if self.peek().is_some_and(|c| is_ident_continue(c) || c == '.') {
            return Err(self.error(line, col, format!("invalid number literal starting `{text}`")));
        }
        if is_float {
            text.parse::<f64>()
                .map(Tok::Float)
                .map_err(|_| self.error(line, col, format!("invalid float literal `{text}`")))
        } else {
            text.parse::<i64>()
                .map(Tok::Int)
                .map_err(|_| self.error(line, col, format!("integer literal `{text}` does not fit in i64")))
        }
    }
}

/// Split `src` into tokens, ending with [`Tok::Eof`]. Comments run from `;`
/// to the end of the line.
pub(crate) fn lex(src: &str) -> Result<Vec<Token>, ParseError> {
    let mut lx = Lexer { chars: src.chars().peekable(), line: 1, col: 1 };
    let mut tokens = Vec::new();
    let mut adjacent = false;
    loop {
        let (line, col) = (lx.line, lx.col);
        let Some(c) = lx.bump() else {
            tokens.push(Token { tok: Tok::Eof, line, col, adjacent });
            return Ok(tokens);
        };
        let tok = match c {
            c if c.is_whitespace() => {
                adjacent = false;
                continue;
            }
            ';' => {
                while lx.peek().is_some_and(|c| c != '\n') {
                    lx.bump();
                }
                adjacent = false;
                continue;
            }
            '\\' => Tok::Backslash,
            '.' => Tok::Dot,
            ',' => Tok::Comma,
            ':' => Tok::Colon,
            '=' => Tok::Eq,
            '@' => Tok::At,
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            '{' => Tok::LBrace,
            '}' => Tok::RBrace,
            '[' => Tok::LBracket,
            ']' => Tok::RBracket,
            '"' => Tok::Str(lx.quoted('"', line, col)?),
            '`' => Tok::Quoted(lx.quoted('`', line, col)?),
            '-' => match lx.peek() {
                Some('>') => {
                    lx.bump();
                    Tok::Arrow
                }
                Some(d) if d.is_ascii_digit() => {
                    lx.bump();
                    lx.number(d, true, line, col)?
                }
                Some(i) if is_ident_start(i) => {
                    lx.bump();
                    let word = lx.ident_rest(i);
                    if word == "inf" {
                        Tok::Float(f64::NEG_INFINITY)
                    } else {
                        return Err(lx.error(
                            line,
                            col,
                            format!("expected a number or `inf` after `-`, found `{word}`"),
                        ));
                    }
                }
                _ => return Err(lx.error(line, col, "expected `->`, a number or `-inf` after `-`")),
            },
            d if d.is_ascii_digit() => lx.number(d, false, line, col)?,
            i if is_ident_start(i) => {
                let word = lx.ident_rest(i);
                keyword_or_ident(word).map_err(|msg| lx.error(line, col, msg))?
            }
            other => return Err(lx.error(line, col, format!("unexpected character `{}`", other.escape_debug()))),
        };
        tokens.push(Token { tok, line, col, adjacent });
        adjacent = true;
    }
}

fn keyword_or_ident(word: String) -> Result<Tok, String> {
    Ok(match word.as_str() {
        "data" => Tok::Data,
        "def" => Tok::Def,
        "let" => Tok::Let,
        "strict" => Tok::Strict,
        "letrec" => Tok::Letrec,
        "in" => Tok::In,
        "case" => Tok::Case,
        "as" => Tok::As,
        "free" => Tok::Free,
        "error" => Tok::Error,
        "str" => Tok::StrKw,
        "import" => Tok::Import,
        "_" => Tok::Underscore,
        "nan" => Tok::Float(f64::NAN),
        "inf" => Tok::Float(f64::INFINITY),
        w if w.starts_with(NAN_BITS_PREFIX) => {
            let hex = &w[NAN_BITS_PREFIX.len()..];
            let bits = if (1..=16).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                u64::from_str_radix(hex, 16).ok()
            } else {
                None
            };
            match bits.map(f64::from_bits) {
                Some(x) if x.is_nan() => Tok::Float(x),
                _ => return Err(format!("`{w}` is not a NaN bit pattern (`nan0x` and 1 to 16 hex digits of a NaN)")),
            }
        }
        _ => Tok::Ident(word),
    })
}
