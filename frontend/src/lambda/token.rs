//! The λ dialect's tokens and lexer (logos).
//!
//! Tokens: `λ` or `\`, `.`, `(`, `)`, `=`, `;`, identifiers
//! `[A-Za-z_][A-Za-z0-9_']*`, of which `_` alone is the unused binder.
//! Whitespace (Unicode `White_Space`) and comments `/- ... -/` separate
//! tokens; comments do not nest (the first `-/` ends one). Any other
//! character is an error, as is a comment without its `-/`.

use logos::Logos;

use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// A token of the λ dialect, as the parser sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok<'s> {
    /// `λ` or `\`.
    Lambda,
    Dot,
    LParen,
    RParen,
    Equals,
    Semi,
    /// `_` alone: the binder of an unused value.
    Underscore,
    /// Any other identifier.
    Ident(&'s str),
}

/// What logos recognises; comments are consumed by a callback and never
/// reach [`Tok`].
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(skip r"\s+")]
#[logos(error = LexError)]
enum Raw {
    #[token("λ")]
    #[token("\\")]
    Lambda,
    #[token(".")]
    Dot,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("=")]
    Equals,
    #[token(";")]
    Semi,
    #[regex(r"[A-Za-z_][A-Za-z0-9_']*")]
    Ident,
    #[token("/-", comment)]
    Comment,
}

/// Why logos stopped on some input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum LexError {
    /// A character that starts no token.
    #[default]
    Invalid,
    /// `/-` without a matching `-/`.
    UnclosedComment,
}

/// Skips a comment whose `/-` was just matched.
fn comment(lex: &mut logos::Lexer<'_, Raw>) -> Result<logos::Skip, LexError> {
    match lex.remainder().find("-/") {
        Some(i) => {
            lex.bump(i + 2);
            Ok(logos::Skip)
        }
        None => Err(LexError::UnclosedComment),
    }
}

/// A token with its byte span, in the form the generated parser takes.
pub type Spanned<'s> = (usize, Tok<'s>, usize);

/// Splits `source` into tokens, or reports every lexical error: each run of
/// adjacent invalid characters once, and an unclosed comment at its `/-`
/// (which ends lexing, since the comment swallows the rest of the input).
pub fn lex(source: &str) -> Result<Vec<Spanned<'_>>, Vec<Diagnostic>> {
    let mut tokens = Vec::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    // The pending run of invalid characters, merged before it is reported.
    let mut invalid: Option<Span> = None;
    let mut lexer = Raw::lexer(source);
    while let Some(result) = lexer.next() {
        let r = lexer.span();
        let span = Span::new(r.start, r.end);
        let tok = match result {
            Ok(Raw::Lambda) => Tok::Lambda,
            Ok(Raw::Dot) => Tok::Dot,
            Ok(Raw::LParen) => Tok::LParen,
            Ok(Raw::RParen) => Tok::RParen,
            Ok(Raw::Equals) => Tok::Equals,
            Ok(Raw::Semi) => Tok::Semi,
            Ok(Raw::Ident) => match lexer.slice() {
                "_" => Tok::Underscore,
                name => Tok::Ident(name),
            },
            // The callback skips closed comments; this arm is unreachable in
            // practice but harmless.
            Ok(Raw::Comment) => continue,
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
            Err(LexError::UnclosedComment) => {
                if let Some(run) = invalid.take() {
                    errors.push(invalid_chars(run, source));
                }
                let open = Span::new(span.start, span.start + 2);
                errors.push(
                    Diagnostic::error("unclosed comment", open, "this comment is never closed")
                        .with_help("close the comment with `-/` (comments do not nest)"),
                );
                break;
            }
        };
        tokens.push((span.start, tok, span.end));
    }
    if let Some(run) = invalid.take() {
        errors.push(invalid_chars(run, source));
    }
    if errors.is_empty() {
        Ok(tokens)
    } else {
        Err(errors)
    }
}

/// The diagnostic for a run of characters that start no token.
fn invalid_chars(run: Span, source: &str) -> Diagnostic {
    let text = run.text(source);
    let (message, label) = if text.chars().count() == 1 {
        (format!("invalid character {}", crate::diagnostic::quote_chars(text)), "not part of any token")
    } else {
        (format!("invalid characters {}", crate::diagnostic::quote_chars(text)), "not part of any token")
    };
    let d = Diagnostic::error(message, run, label).with_help(
        "the λ dialect has only identifiers, `λ` (or `\\`), `.`, `(`, `)`, `=`, `;` and comments `/- ... -/`",
    );
    if text.contains("-/") {
        d.with_note("`-/` closes a comment, but no comment is open here; comments do not nest")
    } else {
        d
    }
}

impl Tok<'_> {
    /// How the parser's error messages name this kind of token.
    pub fn describe(self) -> &'static str {
        match self {
            Tok::Lambda => "`λ`",
            Tok::Dot => "`.`",
            Tok::LParen => "`(`",
            Tok::RParen => "`)`",
            Tok::Equals => "`=`",
            Tok::Semi => "`;`",
            Tok::Underscore => "`_`",
            Tok::Ident(_) => "an identifier",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok<'_>> {
        lex(src).unwrap_or_default().into_iter().map(|(_, t, _)| t).collect()
    }

    #[test]
    fn every_token() {
        use Tok::*;
        assert_eq!(
            kinds("λ\\.()=;_ x_1' _y"),
            [Lambda, Lambda, Dot, LParen, RParen, Equals, Semi, Underscore, Ident("x_1'"), Ident("_y")]
        );
    }

    #[test]
    fn spans_are_bytes() {
        assert_eq!(lex("λx").unwrap_or_default(), [(0, Tok::Lambda, 2), (2, Tok::Ident("x"), 3)]);
    }

    #[test]
    fn comments_do_not_nest() {
        assert_eq!(kinds("a /- b /- c -/ d"), [Tok::Ident("a"), Tok::Ident("d")]);
        assert_eq!(kinds("/--/x/---/"), [Tok::Ident("x")]);
    }

    #[test]
    fn errors_merge_adjacent_invalid_characters() {
        let errs = lex("x +- y ` /- z").unwrap_err();
        let msgs: Vec<&str> = errs.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs, ["invalid characters `+-`", "invalid character U+0060", "unclosed comment"]);
        assert_eq!(errs[2].primary.span, Span::new(9, 11));
    }
}
