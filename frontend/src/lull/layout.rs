//! The layout algorithm: Haskell 2010's offside rule (section 10.3) as a
//! transformation of the token stream that inserts the braces and
//! semicolons the indentation implies ([`Tok::VLBrace`], [`Tok::VSemi`],
//! [`Tok::VRBrace`]), so that the grammar only sees explicit blocks.
//!
//! Note [The layout rule]
//! -----------------------
//! Haskell 2010 defines layout with a function `L` over the tokens and a
//! stack of layout contexts, plus the side condition parse-error(t): an
//! implicit block also closes wherever the next token `t` would be a parse
//! error and a `}` would not. An LR parser generated ahead of time cannot
//! be asked that question token by token, so this pass approximates
//! parse-error(t) by tracking, besides the layout contexts, the openers
//! that a closing token can belong to:
//!
//! * the stack holds implicit blocks (with their column and the keyword that
//!   opened them), explicit `{`, and the markers `(`, `[`, `if`, `case` and
//!   an explicit-brace `let`;
//! * `where`, `let`, `do` and `of` open a block at the column of the next
//!   token (an implicit block only if that column is greater than the
//!   enclosing block's, otherwise `{}`, exactly as `L` does), unless the
//!   next token is `{`; the module is one implicit block when it has no
//!   `module` header, otherwise the block after `module ... where` is the
//!   usual `where` block;
//! * the first token of a line closes every implicit block indented more
//!   than it, then gets a `;` if it is at its block's column (`L`'s `<n>`);
//! * a token that can only belong to an enclosing construct closes the
//!   implicit blocks opened inside that construct (parse-error(t)):
//!   `in` up to its `let`, `)` and `]` up to the matching bracket, `}` up
//!   to the matching explicit `{`, `then` and `else` up to their `if`,
//!   `of` up to its `case`, `where` closes `do` blocks on top (and a
//!   `where` at the column of a `do` or `of` block closes that block), and an `=`
//!   closes a `let` block whose current item already has its `=` (the
//!   `let` of a guard, `f x | let y = x = y`);
//! * `,` closes the implicit blocks opened inside the innermost bracket,
//!   except where a comma is part of the block itself: inside a guard
//!   (`| g1, g2 = e`, tracked per block from `|` to the next `=` or `->`)
//!   and in a declaration with no `=` yet (`f, g :: Int`,
//!   `infixl 6 +++, ---`) of a `let`/`where`/top-level block. This covers
//!   the cases in LANGUAGE.md (`[y | x <- xs, let y = x + 1, odd y]`,
//!   `(case x of 1 -> 2, 3)`).
//!
//! `if c` / `then a` / `else b` on lines of their own inside a `do` block
//! get `;` before `then` and `else`; the grammar accepts them
//! (`if e [;] then e [;] else e`, Haskell 2010's DoAndIfThenElse).
//!
//! What this does not cover: parse-error(t) cases that depend on the
//! grammar beyond these tokens, e.g. an implicit block closed by an
//! operator (`(case x of y -> y) + 1` written without the parentheses on
//! one line, `let x = 1 in x` is fine but `do a; b >>= f` on one line is
//! `do {a; b >>= f}` as in GHC). Those programs are rejected by the parser
//! with a syntax error; GHC rejects most of them too.
//!
//! Errors found here: a line that would close a block while a `(` or `[`
//! opened inside it is still open, and a line indented less than the
//! top-level declarations.

use crate::diagnostic::Diagnostic;
use crate::lull::token::{Tok, Token};
use crate::span::Span;

/// A token with its byte span, in the form the generated parser takes.
pub type Spanned<'s> = (usize, Tok<'s>, usize);

/// The keyword that opened a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Top,
    Where,
    Let,
    Do,
    Of,
}

impl Kind {
    fn keyword(self) -> &'static str {
        match self {
            Kind::Top => "top-level",
            Kind::Where => "`where`",
            Kind::Let => "`let`",
            Kind::Do => "`do`",
            Kind::Of => "`case ... of`",
        }
    }
}

#[derive(Clone, Debug)]
struct Block {
    col: usize,
    kind: Kind,
    /// The keyword that opened it.
    opener: Span,
    /// A `|` has been seen at this block's level, and no `=` or `->` since.
    in_guard: bool,
    /// The current item has an `=` or `->` at this block's level.
    has_eq: bool,
}

#[derive(Clone, Debug)]
enum Ctx {
    Implicit(Block),
    Explicit,
    Paren(Span),
    Bracket(Span),
    If,
    Case,
    /// A `let` with explicit braces, waiting for a possible `in`.
    LetExplicit,
}

struct Layout<'s> {
    out: Vec<Spanned<'s>>,
    stack: Vec<Ctx>,
    errors: Vec<Diagnostic>,
    /// The end of the last real token emitted (where virtual closing
    /// tokens go).
    last_end: usize,
}

/// Inserts the layout tokens into `tokens` (see Note [The layout rule]).
pub fn layout<'s>(tokens: Vec<Token<'s>>, source_len: usize) -> Result<Vec<Spanned<'s>>, Vec<Diagnostic>> {
    let mut l = Layout {
        out: Vec::with_capacity(tokens.len() * 5 / 4 + 4),
        stack: Vec::new(),
        errors: Vec::new(),
        last_end: 0,
    };
    // A pending block: the keyword that opens it and its span.
    let mut pending: Option<(Kind, Span)> = match tokens.first() {
        Some(t) if matches!(t.tok, Tok::Module | Tok::LBrace) => None,
        _ => Some((Kind::Top, Span::point(0))),
    };
    let mut after_let_keyword = false;
    for t in tokens {
        let start = t.span.start;
        let mut offside_done = false;
        if let Some((kind, opener)) = pending.take() {
            if t.tok == Tok::LBrace {
                if after_let_keyword {
                    l.stack.push(Ctx::LetExplicit);
                }
            } else {
                let m = l.enclosing_col();
                if t.col > m || (kind == Kind::Top && l.stack.is_empty()) {
                    l.out.push((start, Tok::VLBrace, start));
                    l.stack.push(Ctx::Implicit(Block { col: t.col, kind, opener, in_guard: false, has_eq: false }));
                    offside_done = true;
                } else {
                    l.out.push((start, Tok::VLBrace, start));
                    l.out.push((start, Tok::VRBrace, start));
                }
            }
        }
        after_let_keyword = false;
        if !offside_done && t.first_on_line && !l.offside(&t) {
            break;
        }
        l.before(&t);
        let tok = t.tok.clone();
        l.out.push((start, t.tok, t.span.end));
        l.last_end = t.span.end;
        match tok {
            Tok::LParen => l.stack.push(Ctx::Paren(t.span)),
            Tok::LBracket => l.stack.push(Ctx::Bracket(t.span)),
            Tok::LBrace => l.stack.push(Ctx::Explicit),
            Tok::If => l.stack.push(Ctx::If),
            Tok::Case => l.stack.push(Ctx::Case),
            // The block after `module ... where` is the top level.
            Tok::Where if l.stack.is_empty() => pending = Some((Kind::Top, t.span)),
            Tok::Where => pending = Some((Kind::Where, t.span)),
            Tok::Let => {
                pending = Some((Kind::Let, t.span));
                after_let_keyword = true;
            }
            Tok::Do => pending = Some((Kind::Do, t.span)),
            Tok::Of => pending = Some((Kind::Of, t.span)),
            Tok::Semi => {
                if let Some(Ctx::Implicit(b)) = l.stack.last_mut() {
                    b.in_guard = false;
                    b.has_eq = false;
                }
            }
            Tok::Bar => {
                if let Some(Ctx::Implicit(b)) = l.stack.last_mut() {
                    b.in_guard = true;
                }
            }
            Tok::Equals | Tok::RArrow => {
                if let Some(Ctx::Implicit(b)) = l.stack.last_mut() {
                    b.in_guard = false;
                    b.has_eq = true;
                }
            }
            _ => {}
        }
    }
    if !l.errors.is_empty() {
        return Err(l.errors);
    }
    let end = source_len;
    if pending.is_some() {
        l.out.push((end, Tok::VLBrace, end));
        l.out.push((end, Tok::VRBrace, end));
    }
    let last = l.last_end;
    while let Some(c) = l.stack.pop() {
        if let Ctx::Implicit(_) = c {
            l.out.push((last, Tok::VRBrace, last));
        }
    }
    Ok(l.out)
}

impl<'s> Layout<'s> {
    /// The column of the innermost layout context: an implicit block's, or
    /// 0 inside explicit braces or outside every block.
    fn enclosing_col(&self) -> usize {
        for c in self.stack.iter().rev() {
            match c {
                Ctx::Implicit(b) => return b.col,
                Ctx::Explicit => return 0,
                _ => {}
            }
        }
        0
    }

    /// The offside rule for the first token of a line; `false` after a
    /// layout error that stops the pass.
    fn offside(&mut self, t: &Token<'s>) -> bool {
        loop {
            let Some(i) = self.stack.iter().rposition(|c| matches!(c, Ctx::Implicit(_) | Ctx::Explicit)) else {
                return true;
            };
            let Ctx::Implicit(b) = &self.stack[i] else {
                return true;
            };
            let kind = b.kind;
            if t.col == b.col && t.tok == Tok::Where && matches!(kind, Kind::Of | Kind::Do) {
                // No alternative or statement starts with `where`: the `;`
                // would be a parse error, so (parse-error(t)) the block
                // closes and the `where` belongs to the enclosing equation.
                self.drop_markers_above(i, kind, t);
                if !self.errors.is_empty() {
                    return false;
                }
                self.stack.truncate(i);
                let at = self.last_end;
                self.out.push((at, Tok::VRBrace, at));
                continue;
            }
            if t.col == b.col {
                let at = self.last_end;
                self.out.push((at, Tok::VSemi, at));
                if let Some(Ctx::Implicit(b)) = self.stack.get_mut(i) {
                    b.in_guard = false;
                    b.has_eq = false;
                }
                // Markers above the block belong to its previous item,
                // except an `if` waiting for its `then`/`else` on this line
                // (DoAndIfThenElse).
                if !matches!(t.tok, Tok::Then | Tok::Else) {
                    self.drop_markers_above(i, kind, t);
                    if !self.errors.is_empty() {
                        return false;
                    }
                }
                return true;
            }
            if t.col > b.col {
                return true;
            }
            if b.kind == Kind::Top {
                let col = b.col;
                self.errors.push(
                    Diagnostic::error(
                        "line indented less than the top-level declarations",
                        t.span,
                        format!("this line starts at column {}, the declarations at column {col}", t.col),
                    )
                    .with_help(format!("top-level declarations must all start at the same column ({col})")),
                );
                return false;
            }
            let (kind, opener) = (b.kind, b.opener);
            // Close the block, checking that no bracket opened inside it is
            // still open.
            for c in &self.stack[i + 1..] {
                if let Ctx::Paren(open) | Ctx::Bracket(open) = c {
                    let what = if matches!(c, Ctx::Paren(_)) { "(" } else { "[" };
                    self.errors.push(
                        Diagnostic::error(
                            format!("unclosed `{what}`"),
                            *open,
                            format!("this `{what}` is never closed"),
                        )
                        .with_secondary(
                            t.span,
                            format!("this line is indented less than the {} block, which ends it here", kind.keyword()),
                        )
                        .with_secondary(opener, "the block starts here"),
                    );
                    return false;
                }
            }
            self.stack.truncate(i);
            let at = self.last_end;
            self.out.push((at, Tok::VRBrace, at));
        }
    }

    /// Drops the `if`/`case`/`let` markers above the block at `i` (a new
    /// item starts); a bracket still open there is an error.
    fn drop_markers_above(&mut self, i: usize, kind: Kind, t: &Token<'s>) {
        for c in &self.stack[i + 1..] {
            if let Ctx::Paren(open) | Ctx::Bracket(open) = c {
                let what = if matches!(c, Ctx::Paren(_)) { "(" } else { "[" };
                self.errors.push(
                    Diagnostic::error(format!("unclosed `{what}`"), *open, format!("this `{what}` is never closed"))
                        .with_secondary(
                            t.span,
                            format!(
                                "this line starts a new item of the {} block, so the `{what}` must be closed before it",
                                kind.keyword()
                            ),
                        ),
                );
                return;
            }
        }
        self.stack.truncate(i + 1);
    }

    /// Closes implicit blocks that `t` cannot belong to (parse-error(t)).
    fn before(&mut self, t: &Token<'s>) {
        match t.tok {
            Tok::In => {
                if let Some(i) =
                    self.find(|c| matches!(c, Ctx::Implicit(Block { kind: Kind::Let, .. }) | Ctx::LetExplicit))
                {
                    self.close_down_to(i + 1);
                    if let Some(Ctx::Implicit(_)) = self.stack.pop() {
                        let at = self.last_end;
                        self.out.push((at, Tok::VRBrace, at));
                    }
                }
            }
            Tok::RParen => self.close_matching(|c| matches!(c, Ctx::Paren(_))),
            Tok::RBracket => self.close_matching(|c| matches!(c, Ctx::Bracket(_))),
            Tok::RBrace => self.close_matching(|c| matches!(c, Ctx::Explicit)),
            Tok::Then => {
                if let Some(i) = self.find(|c| matches!(c, Ctx::If)) {
                    self.close_down_to(i + 1);
                }
            }
            Tok::Else => self.close_matching(|c| matches!(c, Ctx::If)),
            Tok::Of => self.close_matching(|c| matches!(c, Ctx::Case)),
            Tok::Where => {
                while let Some(Ctx::Implicit(Block { kind: Kind::Do, .. })) = self.stack.last() {
                    self.stack.pop();
                    let at = self.last_end;
                    self.out.push((at, Tok::VRBrace, at));
                }
            }
            Tok::Equals => {
                // `| let y = x = e`: a second `=` ends the guard's `let`.
                while let Some(Ctx::Implicit(Block { kind: Kind::Let, has_eq: true, in_guard: false, .. })) =
                    self.stack.last()
                {
                    self.stack.pop();
                    let at = self.last_end;
                    self.out.push((at, Tok::VRBrace, at));
                }
            }
            Tok::Comma => {
                let mut keep = self.stack.len();
                for (i, c) in self.stack.iter().enumerate().rev() {
                    match c {
                        Ctx::Implicit(b) => {
                            let comma_is_ours = b.kind == Kind::Top
                                || b.in_guard
                                || (matches!(b.kind, Kind::Let | Kind::Where) && !b.has_eq);
                            if comma_is_ours {
                                break;
                            }
                            keep = i;
                        }
                        _ => break,
                    }
                }
                self.close_down_to(keep);
            }
            _ => {}
        }
    }

    /// The index of the nearest context matching `target`, looking through
    /// implicit blocks (not the top-level one) and `if`/`case`/`let`
    /// markers, but not through brackets or explicit braces.
    fn find(&self, target: impl Fn(&Ctx) -> bool) -> Option<usize> {
        for (i, c) in self.stack.iter().enumerate().rev() {
            if target(c) {
                return Some(i);
            }
            match c {
                Ctx::Implicit(b) if b.kind != Kind::Top => {}
                Ctx::If | Ctx::Case | Ctx::LetExplicit => {}
                _ => return None,
            }
        }
        None
    }

    /// Closes the contexts above the nearest `target`, and `target` itself.
    fn close_matching(&mut self, target: impl Fn(&Ctx) -> bool) {
        if let Some(i) = self.find(target) {
            self.close_down_to(i + 1);
            self.stack.pop();
        }
    }

    /// Pops contexts until `len` remain, with a `}` for each implicit block.
    fn close_down_to(&mut self, len: usize) {
        while self.stack.len() > len {
            if let Some(Ctx::Implicit(_)) = self.stack.pop() {
                let at = self.last_end;
                self.out.push((at, Tok::VRBrace, at));
            }
        }
    }
}
