//! Lull's tokens and lexer (logos): the lexical syntax of LANGUAGE.md
//! section 1.1, which is Haskell 2010's (chapter 2) without Unicode
//! symbols.
//!
//! * Identifiers: `[a-z_][A-Za-z0-9_']*` (variables) and
//!   `[A-Z][A-Za-z0-9_']*` (constructors); non-ASCII letters are accepted
//!   too (lower-case and other letters start a variable, upper- and
//!   title-case ones a constructor). Reserved words become keyword tokens;
//!   `qualified`, `as` and `hiding` get tokens of their own but are
//!   variables everywhere else (the grammar accepts them as names).
//! * Operators: maximal runs of `!#$%&*+./<=>?@\^|-~:`; the reserved ones
//!   (`..` `:` `::` `=` `\` `|` `<-` `->` `@` `~` `=>`) and `-` and `!`
//!   (which the grammar treats specially) get tokens of their own; others
//!   starting with `:` are constructor operators.
//! * Qualified names (`Data.List.sort`, `M.x`, `M.+`, `Data.List`) are one
//!   token each; the parser accepts them only as module names and reports
//!   every other use.
//! * Literals: decimal, `0x` and `0o` integers (kept as `u128`; wider ones
//!   are an error), floats (`1.5`, `2e-3`, `1.5e10`), characters and strings
//!   with every Haskell escape (`\n`, `\65`, `\x41`, `\o101`, `\NUL` ...
//!   `\DEL`, `\^A`, string gaps `\  \` and `\&`).
//! * Comments: `--` (two or more dashes not part of an operator, so `-->`
//!   is an operator) to the end of the line, and nested `{- -}`.
//!
//! Every token records its byte span, its line and its column (columns
//! count Unicode scalar values from 1, a tab moves to the next multiple of
//! 8 plus one), and whether it is the first token on its line: the layout
//! algorithm (`layout.rs`) needs them.

use logos::{FilterResult, Logos};

use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// A token of Lull, as the parser sees it. The `V*` tokens are inserted by
/// the layout algorithm, `Unsupported` by the parser's pre-pass.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok<'s> {
    VarId(&'s str),
    ConId(&'s str),
    /// `M.x` (the whole text).
    QVarId(&'s str),
    /// `M.T`, also a dotted module name such as `Data.List`.
    QConId(&'s str),
    /// `M.+`
    QVarSym(&'s str),
    /// `M.:+`
    QConSym(&'s str),
    /// An operator such as `+`, `>>=`, `.`.
    VarSym(&'s str),
    /// A constructor operator such as `:+` (not `:` alone, see `Colon`).
    ConSym(&'s str),
    Integer(u128),
    Float(f64),
    Char(char),
    String(String),

    Case,
    Class,
    Data,
    Default,
    Deriving,
    Do,
    Else,
    Foreign,
    If,
    Import,
    In,
    Infix,
    Infixl,
    Infixr,
    Instance,
    Let,
    Module,
    Newtype,
    Of,
    Then,
    Type,
    Where,
    /// `_`
    Underscore,
    Qualified,
    As,
    Hiding,

    /// `..`
    DotDot,
    /// `:`
    Colon,
    /// `::`
    DColon,
    /// `=`
    Equals,
    /// `\`
    Backslash,
    /// `|`
    Bar,
    /// `<-`
    LArrow,
    /// `->`
    RArrow,
    /// `@`
    At,
    /// `~`
    Tilde,
    /// `=>`
    DArrow,
    /// `-` (binary or unary minus)
    Minus,
    /// `!` (an operator, or a strictness mark in `data` fields)
    Bang,

    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Semi,
    LBrace,
    RBrace,
    Backquote,

    /// A `{` inserted by the layout algorithm.
    VLBrace,
    /// A `;` inserted by the layout algorithm.
    VSemi,
    /// A `}` inserted by the layout algorithm.
    VRBrace,

    /// A whole top-level declaration Lull does not support (`class`,
    /// `instance`, ...), replaced by one token naming the feature.
    Unsupported(&'static str),
}

/// A token with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Token<'s> {
    pub tok: Tok<'s>,
    pub span: Span,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (Unicode scalar values, tabs to the next multiple
    /// of 8 plus one).
    pub col: usize,
    /// Whether only whitespace and comments precede it on its line.
    pub first_on_line: bool,
}

/// What logos recognises.
#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(error = LexError)]
#[logos(skip r"[ \t\r\n\x0B\x0C]+")]
enum Raw {
    #[regex(r"[a-z_][A-Za-z0-9_']*")]
    VarId,
    #[regex(r"[A-Z][A-Za-z0-9_']*")]
    ConId,
    #[regex(r"([A-Z][A-Za-z0-9_']*\.)+[a-z_][A-Za-z0-9_']*")]
    QVarId,
    #[regex(r"([A-Z][A-Za-z0-9_']*\.)+[A-Z][A-Za-z0-9_']*")]
    QConId,
    #[regex(r"([A-Z][A-Za-z0-9_']*\.)+[!#$%&*+./<=>?@\\^|~:-]+")]
    QSym,
    /// An operator or a `--` comment.
    #[regex(r"[!#$%&*+./<=>?@\\^|~:-]+", symbol)]
    Sym(bool),
    #[regex(r"[0-9]+")]
    Decimal,
    #[regex(r"0[xX][0-9a-fA-F]+")]
    Hex,
    #[regex(r"0[oO][0-7]+")]
    Octal,
    #[regex(r"[0-9]+\.[0-9]+([eE][+-]?[0-9]+)?")]
    #[regex(r"[0-9]+[eE][+-]?[0-9]+")]
    Float,
    #[token("'", char_literal)]
    Char(char),
    #[token("\"", string_literal)]
    String(String),
    #[token("{-", block_comment)]
    Comment,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("`")]
    Backquote,
    /// A non-ASCII character: a letter starting an identifier, Unicode
    /// whitespace, or an invalid character.
    #[regex(r"[^\x00-\x7F]", unicode)]
    Unicode(UniKind),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum UniKind {
    Var,
    Con,
}

/// Why logos stopped on some input.
#[derive(Clone, Debug, Default, PartialEq)]
enum LexError {
    /// A character that starts no token.
    #[default]
    Invalid,
    /// `{-` without its `-}`.
    UnclosedComment,
    /// A character or string literal with a problem: the message, the label
    /// and the span (absolute byte offsets) of the problem.
    Literal(String, String, usize, usize),
}

/// `true` for a `--` comment (skipped by the callback), `false` for an
/// operator.
fn symbol(lex: &mut logos::Lexer<'_, Raw>) -> FilterResult<bool, LexError> {
    let s = lex.slice();
    if s.len() >= 2 && s.bytes().all(|b| b == b'-') {
        let rest = lex.remainder();
        let end = rest.find(['\n', '\r', '\x0C']).unwrap_or(rest.len());
        lex.bump(end);
        FilterResult::Skip
    } else {
        FilterResult::Emit(false)
    }
}

/// Skips a nested comment whose `{-` was just matched.
fn block_comment(lex: &mut logos::Lexer<'_, Raw>) -> FilterResult<(), LexError> {
    let rest = lex.remainder().as_bytes();
    let mut depth = 1usize;
    let mut i = 0;
    while i < rest.len() {
        if rest[i] == b'{' && rest.get(i + 1) == Some(&b'-') {
            depth += 1;
            i += 2;
        } else if rest[i] == b'-' && rest.get(i + 1) == Some(&b'}') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                lex.bump(i);
                return FilterResult::Skip;
            }
        } else {
            i += 1;
        }
    }
    lex.bump(rest.len());
    FilterResult::Error(LexError::UnclosedComment)
}

fn unicode(lex: &mut logos::Lexer<'_, Raw>) -> FilterResult<UniKind, LexError> {
    let c = lex.slice().chars().next().unwrap_or(' ');
    if c.is_whitespace() {
        return FilterResult::Skip;
    }
    if !c.is_alphabetic() {
        return FilterResult::Error(LexError::Invalid);
    }
    let kind = if c.is_uppercase() || is_titlecase(c) { UniKind::Con } else { UniKind::Var };
    let rest = lex.remainder();
    let n: usize = rest.chars().take_while(|&c| c.is_alphanumeric() || c == '_' || c == '\'').map(char::len_utf8).sum();
    lex.bump(n);
    FilterResult::Emit(kind)
}

fn is_titlecase(c: char) -> bool {
    // Title-case letters are the few whose upper and lower forms differ
    // from themselves.
    !c.is_uppercase() && !c.is_lowercase() && c.to_uppercase().next() != Some(c)
}

/// Lexes a character literal whose `'` was just matched.
fn char_literal(lex: &mut logos::Lexer<'_, Raw>) -> Result<char, LexError> {
    let start = lex.span().start;
    let rest = lex.remainder();
    let base = start + 1;
    let mut chars = rest.char_indices();
    let unterminated = |upto: usize| {
        LexError::Literal(
            "unterminated character literal".into(),
            "this character literal has no closing `'`".into(),
            start,
            upto,
        )
    };
    let value = match chars.next() {
        None | Some((_, '\n' | '\r')) => return Err(unterminated(base)),
        Some((_, '\'')) => {
            lex.bump(1);
            return Err(LexError::Literal(
                "empty character literal".into(),
                "a character literal holds exactly one character".into(),
                start,
                start + 2,
            ));
        }
        Some((_, '\\')) => match escape(rest, 1, base, false) {
            Ok((Some(c), used)) => {
                lex.bump(used);
                c
            }
            Ok((None, used)) => {
                lex.bump(used);
                return Err(LexError::Literal(
                    "`\\&` is not a character".into(),
                    "`\\&` stands for no character: it is only allowed in strings".into(),
                    base,
                    base + used,
                ));
            }
            Err(e) => {
                // Skip to the closing quote on this line, if any.
                let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
                lex.bump(rest[..line_end].find('\'').map_or(line_end, |i| i + 1).min(rest.len()));
                return Err(e);
            }
        },
        Some((_, c)) => {
            lex.bump(c.len_utf8());
            c
        }
    };
    let rest = lex.remainder();
    if rest.starts_with('\'') {
        lex.bump(1);
        Ok(value)
    } else {
        // `'ab'` or a lone `'`.
        let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        match rest[..line_end].find('\'') {
            Some(i) if i <= 16 => {
                lex.bump(i + 1);
                Err(LexError::Literal(
                    "character literal with more than one character".into(),
                    "a character literal holds exactly one character".into(),
                    start,
                    lex.span().end,
                ))
            }
            _ => Err(unterminated(lex.span().end)),
        }
    }
}

/// Lexes a string literal whose `"` was just matched.
fn string_literal(lex: &mut logos::Lexer<'_, Raw>) -> Result<String, LexError> {
    let start = lex.span().start;
    let base = start + 1;
    let rest = lex.remainder();
    let mut out = String::new();
    let mut i = 0;
    let mut error: Option<LexError> = None;
    loop {
        let Some(c) = rest[i..].chars().next() else {
            lex.bump(i);
            return Err(LexError::Literal(
                "unterminated string literal".into(),
                "this string has no closing `\"`".into(),
                start,
                start + 1,
            ));
        };
        match c {
            '"' => {
                lex.bump(i + 1);
                return match error {
                    Some(e) => Err(e),
                    None => Ok(out),
                };
            }
            '\n' | '\r' => {
                lex.bump(i);
                return Err(LexError::Literal(
                    "unterminated string literal".into(),
                    "this string has no closing `\"` on its line".into(),
                    start,
                    start + 1,
                ));
            }
            '\\' => match escape(rest, i + 1, base, true) {
                Ok((c, used)) => {
                    out.extend(c);
                    i += used;
                }
                Err(e) => {
                    error.get_or_insert(e);
                    // Resume after the backslash and the next character.
                    i += 1 + rest[i + 1..].chars().next().map_or(0, |c| if c == '"' { 0 } else { c.len_utf8() });
                }
            },
            c => {
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
}

/// The ASCII control-character names of Haskell's escapes, longest first
/// where one is a prefix of another (`SOH` before `SO`).
const ASCII_NAMES: &[(&str, u32)] = &[
    ("NUL", 0),
    ("SOH", 1),
    ("STX", 2),
    ("ETX", 3),
    ("EOT", 4),
    ("ENQ", 5),
    ("ACK", 6),
    ("BEL", 7),
    ("BS", 8),
    ("HT", 9),
    ("LF", 10),
    ("VT", 11),
    ("FF", 12),
    ("CR", 13),
    ("SO", 14),
    ("SI", 15),
    ("DLE", 16),
    ("DC1", 17),
    ("DC2", 18),
    ("DC3", 19),
    ("DC4", 20),
    ("NAK", 21),
    ("SYN", 22),
    ("ETB", 23),
    ("CAN", 24),
    ("EM", 25),
    ("SUB", 26),
    ("ESC", 27),
    ("FS", 28),
    ("GS", 29),
    ("RS", 30),
    ("US", 31),
    ("SP", 32),
    ("DEL", 127),
];

/// Decodes the escape after the backslash at `text[at - 1]`: the character
/// (`None` for `\&` and string gaps) and the bytes used from the backslash
/// on. `base` is the absolute offset of `text`.
fn escape(text: &str, at: usize, base: usize, in_string: bool) -> Result<(Option<char>, usize), LexError> {
    let rest = &text[at..];
    let bad = |len: usize, msg: &str, label: &str| {
        LexError::Literal(msg.to_string(), label.to_string(), base + at - 1, base + at + len)
    };
    let Some(c) = rest.chars().next() else {
        return Err(bad(0, "unterminated escape sequence", "the input ends inside this escape"));
    };
    let simple = match c {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        '\\' => Some('\\'),
        '"' => Some('"'),
        '\'' => Some('\''),
        _ => None,
    };
    if let Some(v) = simple {
        return Ok((Some(v), 2));
    }
    if c == '&' {
        return Ok((None, 2));
    }
    if c == '^' {
        return match rest[1..].chars().next() {
            Some(d @ ('@'..='_')) => Ok((char::from_u32(d as u32 - 64), 3)),
            _ => Err(bad(
                1 + rest[1..].chars().next().map_or(0, char::len_utf8),
                "invalid control escape",
                "`\\^` must be followed by a character from `@` to `_`, as in `\\^A`",
            )),
        };
    }
    let numeric = |digits: &str, radix: u32, skip: usize| -> Result<(Option<char>, usize), LexError> {
        let n = digits.len();
        let mut value: u32 = 0;
        for d in digits.chars() {
            let v = d.to_digit(radix).unwrap_or(0);
            value = match value.checked_mul(radix).and_then(|x| x.checked_add(v)) {
                Some(x) if x <= 0x10FFFF => x,
                _ => {
                    return Err(bad(
                        skip + n,
                        "character escape out of range",
                        "the largest character is `\\1114111` (`\\x10FFFF`)",
                    ))
                }
            };
        }
        match char::from_u32(value) {
            Some(ch) => Ok((Some(ch), 1 + skip + n)),
            None => Err(bad(skip + n, "invalid character escape", "this is a surrogate code point, not a character")),
        }
    };
    let digits_of = |s: &str, radix: u32| -> usize { s.chars().take_while(|d| d.is_digit(radix)).count() };
    if c.is_ascii_digit() {
        let n = digits_of(rest, 10);
        return numeric(&rest[..n], 10, 0);
    }
    if c == 'x' || c == 'o' {
        let radix = if c == 'x' { 16 } else { 8 };
        let n = digits_of(&rest[1..], radix);
        if n == 0 {
            return Err(bad(1, "invalid character escape", "expected digits after this escape"));
        }
        return numeric(&rest[1..1 + n], radix, 1);
    }
    for &(name, code) in ASCII_NAMES {
        if rest.starts_with(name) {
            return Ok((char::from_u32(code), 1 + name.len()));
        }
    }
    if in_string && matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C' | '\x0B') {
        // A string gap: whitespace up to the next backslash.
        let n = rest.find(|ch: char| !ch.is_whitespace()).unwrap_or(rest.len());
        if rest[n..].starts_with('\\') {
            return Ok((None, 1 + n + 1));
        }
        return Err(LexError::Literal(
            "unterminated string gap".into(),
            "a string gap `\\ ... \\` must end with a backslash".into(),
            base + at - 1,
            base + at,
        ));
    }
    Err(bad(c.len_utf8(), "invalid escape sequence", "this escape is not part of Haskell"))
}

/// Splits `source` into tokens with their positions, or reports every
/// lexical error (each run of adjacent invalid characters once).
pub fn lex(source: &str) -> Result<Vec<Token<'_>>, Vec<Diagnostic>> {
    let mut raw: Vec<(Tok<'_>, Span)> = Vec::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut invalid: Option<Span> = None;
    let mut lexer = Raw::lexer(source);
    while let Some(result) = lexer.next() {
        let r = lexer.span();
        let span = Span::new(r.start, r.end);
        let text = lexer.slice();
        let tok = match result {
            Ok(Raw::VarId) => keyword(text).unwrap_or(Tok::VarId(text)),
            Ok(Raw::ConId) => Tok::ConId(text),
            Ok(Raw::Unicode(UniKind::Var)) => Tok::VarId(text),
            Ok(Raw::Unicode(UniKind::Con)) => Tok::ConId(text),
            Ok(Raw::QVarId) => Tok::QVarId(text),
            Ok(Raw::QConId) => Tok::QConId(text),
            Ok(Raw::QSym) => {
                let op = text.rsplit_once('.').map_or("", |(_, op)| op);
                // `M..` is the operator `.` of module `M`.
                let op = if op.is_empty() { "." } else { op };
                if op.starts_with(':') {
                    Tok::QConSym(text)
                } else {
                    Tok::QVarSym(text)
                }
            }
            Ok(Raw::Sym(_)) => operator(text),
            Ok(Raw::Decimal) => integer(text, 10, span, &mut errors),
            Ok(Raw::Hex) => integer(&text[2..], 16, span, &mut errors),
            Ok(Raw::Octal) => integer(&text[2..], 8, span, &mut errors),
            Ok(Raw::Float) => Tok::Float(text.parse().unwrap_or(f64::INFINITY)),
            Ok(Raw::Char(c)) => Tok::Char(c),
            Ok(Raw::String(s)) => Tok::String(s),
            Ok(Raw::Comment) => continue,
            Ok(Raw::LParen) => Tok::LParen,
            Ok(Raw::RParen) => Tok::RParen,
            Ok(Raw::LBracket) => Tok::LBracket,
            Ok(Raw::RBracket) => Tok::RBracket,
            Ok(Raw::Comma) => Tok::Comma,
            Ok(Raw::Semi) => Tok::Semi,
            Ok(Raw::LBrace) => Tok::LBrace,
            Ok(Raw::RBrace) => Tok::RBrace,
            Ok(Raw::Backquote) => Tok::Backquote,
            Err(LexError::Invalid) => {
                invalid = Some(match invalid {
                    Some(run) if run.end == span.start => run.to(span),
                    Some(run) => {
                        errors.push(invalid_chars(run, source));
                        span
                    }
                    None => span,
                });
                continue;
            }
            Err(e) => {
                if let Some(run) = invalid.take() {
                    errors.push(invalid_chars(run, source));
                }
                match e {
                    LexError::UnclosedComment => {
                        let open = Span::new(span.start, span.start + 2);
                        errors.push(
                            Diagnostic::error("unclosed comment", open, "this comment is never closed")
                                .with_help("close the comment with `-}` (comments nest: each `{-` needs its own `-}`)"),
                        );
                    }
                    LexError::Literal(message, label, s, e) => {
                        errors.push(Diagnostic::error(message, Span::new(s, e.max(s)), label));
                    }
                    LexError::Invalid => {}
                }
                continue;
            }
        };
        if let Some(run) = invalid.take() {
            errors.push(invalid_chars(run, source));
        }
        raw.push((tok, span));
    }
    if let Some(run) = invalid.take() {
        errors.push(invalid_chars(run, source));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|d| d.primary.span.start);
        return Err(errors);
    }
    Ok(positions(source, raw))
}

/// Adds line, column and first-on-line to each token, in one pass over the
/// source.
fn positions<'s>(source: &str, raw: Vec<(Tok<'s>, Span)>) -> Vec<Token<'s>> {
    let mut out = Vec::with_capacity(raw.len());
    let bytes = source.as_bytes();
    let (mut pos, mut line, mut col) = (0usize, 1usize, 1usize);
    let mut newline_seen = true;
    for (tok, span) in raw {
        // Walk from `pos` to the token's start.
        let gap = source.get(pos..span.start).unwrap_or("");
        let mut chars = gap.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\n' | '\x0C' => {
                    line += 1;
                    col = 1;
                    newline_seen = true;
                }
                '\r' => {
                    if chars.peek() != Some(&'\n') {
                        line += 1;
                        col = 1;
                        newline_seen = true;
                    }
                }
                '\t' => col = (col - 1) / 8 * 8 + 9,
                _ => col += 1,
            }
        }
        out.push(Token { tok, span, line, col, first_on_line: newline_seen });
        newline_seen = false;
        // Walk over the token itself (string gaps may span lines).
        let text = source.get(span.start..span.end).unwrap_or("");
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\n' | '\x0C' => {
                    line += 1;
                    col = 1;
                }
                '\r' => {
                    if chars.peek() != Some(&'\n') {
                        line += 1;
                        col = 1;
                    }
                }
                '\t' => col = (col - 1) / 8 * 8 + 9,
                _ => col += 1,
            }
        }
        pos = span.end.min(bytes.len());
    }
    out
}

fn keyword(s: &str) -> Option<Tok<'static>> {
    Some(match s {
        "case" => Tok::Case,
        "class" => Tok::Class,
        "data" => Tok::Data,
        "default" => Tok::Default,
        "deriving" => Tok::Deriving,
        "do" => Tok::Do,
        "else" => Tok::Else,
        "foreign" => Tok::Foreign,
        "if" => Tok::If,
        "import" => Tok::Import,
        "in" => Tok::In,
        "infix" => Tok::Infix,
        "infixl" => Tok::Infixl,
        "infixr" => Tok::Infixr,
        "instance" => Tok::Instance,
        "let" => Tok::Let,
        "module" => Tok::Module,
        "newtype" => Tok::Newtype,
        "of" => Tok::Of,
        "then" => Tok::Then,
        "type" => Tok::Type,
        "where" => Tok::Where,
        "_" => Tok::Underscore,
        "qualified" => Tok::Qualified,
        "as" => Tok::As,
        "hiding" => Tok::Hiding,
        _ => return None,
    })
}

fn operator(s: &str) -> Tok<'_> {
    match s {
        ".." => Tok::DotDot,
        ":" => Tok::Colon,
        "::" => Tok::DColon,
        "=" => Tok::Equals,
        "\\" => Tok::Backslash,
        "|" => Tok::Bar,
        "<-" => Tok::LArrow,
        "->" => Tok::RArrow,
        "@" => Tok::At,
        "~" => Tok::Tilde,
        "=>" => Tok::DArrow,
        "-" => Tok::Minus,
        "!" => Tok::Bang,
        _ if s.starts_with(':') => Tok::ConSym(s),
        _ => Tok::VarSym(s),
    }
}

fn integer<'s>(digits: &str, radix: u32, span: Span, errors: &mut Vec<Diagnostic>) -> Tok<'s> {
    match u128::from_str_radix(digits, radix) {
        Ok(n) => Tok::Integer(n),
        Err(_) => {
            errors.push(
                Diagnostic::error("integer literal too large", span, "this literal does not fit in 128 bits")
                    .with_help(
                        "`Int` is 64 bits wide: literals range from -9223372036854775808 to 9223372036854775807",
                    ),
            );
            Tok::Integer(0)
        }
    }
}

/// The diagnostic for a run of characters that start no token.
fn invalid_chars(run: Span, source: &str) -> Diagnostic {
    let text = run.text(source);
    let what = if text.chars().count() == 1 { "character" } else { "characters" };
    let d = Diagnostic::error(
        format!("invalid {what} {}", crate::diagnostic::quote_chars(text)),
        run,
        "not part of any token",
    );
    if text.contains("-}") {
        d.with_note("`-}` closes a comment, but no comment is open here")
    } else {
        d
    }
}

impl Tok<'_> {
    /// How messages name this token: its text in backticks for fixed
    /// tokens, a description otherwise.
    pub fn describe(&self) -> String {
        let fixed = |s: &str| format!("`{s}`");
        match self {
            Tok::VarId(s) | Tok::ConId(s) | Tok::VarSym(s) | Tok::ConSym(s) => fixed(s),
            Tok::QVarId(s) | Tok::QConId(s) | Tok::QVarSym(s) | Tok::QConSym(s) => fixed(s),
            Tok::Integer(_) | Tok::Float(_) => "a number".into(),
            Tok::Char(_) => "a character literal".into(),
            Tok::String(_) => "a string literal".into(),
            Tok::VLBrace => "the start of a layout block".into(),
            Tok::VSemi => "a new line at the block's indentation".into(),
            Tok::VRBrace => "the end of a layout block".into(),
            Tok::Unsupported(_) => "an unsupported declaration".into(),
            other => fixed(other.text()),
        }
    }

    /// The text of a fixed token (keywords, reserved operators, special
    /// characters); `""` for the others.
    pub fn text(&self) -> &'static str {
        match self {
            Tok::Case => "case",
            Tok::Class => "class",
            Tok::Data => "data",
            Tok::Default => "default",
            Tok::Deriving => "deriving",
            Tok::Do => "do",
            Tok::Else => "else",
            Tok::Foreign => "foreign",
            Tok::If => "if",
            Tok::Import => "import",
            Tok::In => "in",
            Tok::Infix => "infix",
            Tok::Infixl => "infixl",
            Tok::Infixr => "infixr",
            Tok::Instance => "instance",
            Tok::Let => "let",
            Tok::Module => "module",
            Tok::Newtype => "newtype",
            Tok::Of => "of",
            Tok::Then => "then",
            Tok::Type => "type",
            Tok::Where => "where",
            Tok::Underscore => "_",
            Tok::Qualified => "qualified",
            Tok::As => "as",
            Tok::Hiding => "hiding",
            Tok::DotDot => "..",
            Tok::Colon => ":",
            Tok::DColon => "::",
            Tok::Equals => "=",
            Tok::Backslash => "\\",
            Tok::Bar => "|",
            Tok::LArrow => "<-",
            Tok::RArrow => "->",
            Tok::At => "@",
            Tok::Tilde => "~",
            Tok::DArrow => "=>",
            Tok::Minus => "-",
            Tok::Bang => "!",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Semi => ";",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Backquote => "`",
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok<'_>> {
        lex(src).unwrap_or_default().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn operators_and_comments() {
        use Tok::*;
        assert_eq!(kinds("a --> b -- c\nd"), [VarId("a"), VarSym("-->"), VarId("b"), VarId("d")]);
        assert_eq!(kinds("x --- y\n|-- z"), [VarId("x"), VarSym("|--"), VarId("z")]);
        assert_eq!(kinds("{- a {- b -} c -} x"), [VarId("x")]);
        assert_eq!(kinds(": :+ :: .. -> ! -"), [Colon, ConSym(":+"), DColon, DotDot, RArrow, Bang, Minus]);
    }

    #[test]
    fn columns_count_tabs_and_chars() {
        let toks = lex("\tx\n  λy z").unwrap_or_default();
        let pos: Vec<(usize, usize, bool)> = toks.iter().map(|t| (t.line, t.col, t.first_on_line)).collect();
        assert_eq!(pos, [(1, 9, true), (2, 3, true), (2, 6, false)]);
    }
}
