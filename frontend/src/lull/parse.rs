//! Parsing: source text to a [`Module`], or diagnostics.
//!
//! The stages: [`lex`] (reports every lexical error), a check that
//! qualified names appear only as module names, [`layout`] (Note [The layout rule]),
//! a pre-pass that replaces each unsupported top-level declaration
//! (`class`, `instance`, ...) by one token, the LR parser generated from
//! `grammar.lalrpop` (which stops at the first syntax error, reported with
//! the tokens it expected in words), and finally one walk over the tree
//! that rejects pattern syntax used as an expression and trees nested
//! deeper than [`MAX_NESTING`](super::depth::MAX_NESTING).
//!
//! The functions the grammar's actions call live here too; they run in
//! constant stack space (conversions of expressions to patterns use an
//! explicit stack), so that any input parses without deep recursion.

pub use crate::lull::ast::{decl_span, expr_span, pat_span, type_span};
use lalrpop_util::ParseError;

use crate::diagnostic::{truncate, Diagnostic};
use crate::lull::ast::*;
use crate::lull::depth;
use crate::lull::grammar::ModuleParser;
use crate::lull::layout::{layout, Spanned};
use crate::lull::token::{lex, Tok, Token};
use crate::span::Span;

/// Parses a whole module: lexing, layout, parsing and the checks above.
/// The result still holds operator sequences ([`Expr::OpSeq`],
/// [`Pat::OpSeq`]); [`crate::lull::fixity::resolve`] resolves them.
///
/// ```
/// use lull_frontend::lull::parse_module;
/// let m = parse_module("main :: IO ()\nmain = print (1 + 2)\n").unwrap();
/// assert_eq!(m.decls.len(), 2);
/// assert!(parse_module("main = (").is_err());
/// ```
pub fn parse_module(source: &str) -> Result<Module, Vec<Diagnostic>> {
    let finish = |mut d: Vec<Diagnostic>| {
        d.sort_by_key(|d| d.primary.span.start);
        truncate(&mut d);
        d
    };
    let tokens = lex(source).map_err(finish)?;
    check_qualified(&tokens).map_err(finish)?;
    let tokens = layout(tokens, source.len()).map_err(finish)?;
    let tokens = unsupported_decls(tokens);
    let mut errs = Vec::new();
    let parsed = ModuleParser::new().parse(&mut errs, tokens.iter().cloned());
    let module = match parsed {
        Ok(m) => m,
        Err(e) => {
            errs.push(syntax_error(e, &tokens, source));
            return Err(finish(errs));
        }
    };
    errs.extend(depth::check(&module));
    if errs.is_empty() {
        Ok(module)
    } else {
        Err(finish(errs))
    }
}

// ---------------------------------------------------------------- pre-passes

/// Rejects qualified names except as module names (after `import`,
/// `qualified`, `as` and `module`).
fn check_qualified(tokens: &[Token<'_>]) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut prev: Option<&Tok<'_>> = None;
    for t in tokens {
        if let Tok::QVarId(s) | Tok::QConId(s) | Tok::QVarSym(s) | Tok::QConSym(s) = t.tok {
            let module_name = matches!(prev, Some(Tok::Import | Tok::Qualified | Tok::As | Tok::Module));
            if !module_name {
                let d = Diagnostic::error("qualified names are not supported", t.span, "a qualified name");
                let d = if let Some(module) = s.strip_suffix("..") {
                    d.with_help(format!(
                        "`{s}` is read as the operator `.` of a module `{module}`; for an enumeration write a space before `..`"
                    ))
                } else {
                    let plain = unqualified(s);
                    d.with_help(format!("Lull has no qualified names: import the module without `qualified` or `as` and write `{plain}`"))
                };
                errors.push(d);
            }
        }
        prev = Some(&t.tok);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// `M.N.x` to `x`, `M.+` to `+`, `M..` to `.`.
fn unqualified(s: &str) -> &str {
    // The module part is conids and dots; the name starts after the last
    // dot that follows a conid character.
    let mut cut = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_uppercase() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'\'') {
                i += 1;
            }
            if i < bytes.len() && bytes[i] == b'.' && i + 1 < bytes.len() {
                cut = i + 1;
                i += 1;
                continue;
            }
        }
        break;
    }
    &s[cut..]
}

/// Replaces each top-level `class`, `instance`, `default`, `foreign` and
/// standalone `deriving` declaration (all of its tokens, nested blocks
/// included) by one [`Tok::Unsupported`] token spanning its head (up to its
/// `where`).
fn unsupported_decls(tokens: Vec<Spanned<'_>>) -> Vec<Spanned<'_>> {
    let feature = |t: &Tok<'_>| -> Option<&'static str> {
        Some(match t {
            Tok::Class => "type classes (`class` declarations)",
            Tok::Instance => "`instance` declarations",
            Tok::Default => "`default` declarations",
            Tok::Foreign => "the foreign function interface (`foreign` declarations)",
            Tok::Deriving => "standalone `deriving` declarations",
            _ => return None,
        })
    };
    let is_open = |t: &Tok<'_>| matches!(t, Tok::LBrace | Tok::VLBrace);
    let is_close = |t: &Tok<'_>| matches!(t, Tok::RBrace | Tok::VRBrace);
    let is_semi = |t: &Tok<'_>| matches!(t, Tok::Semi | Tok::VSemi);
    if !tokens.iter().any(|(_, t, _)| feature(t).is_some()) {
        return tokens;
    }
    let mut out = Vec::with_capacity(tokens.len());
    let mut depth = 0usize;
    let mut item_start = false;
    let mut i = 0;
    while i < tokens.len() {
        let (l, ref t, r) = tokens[i];
        if depth == 1 && item_start {
            if let Some(f) = feature(t) {
                let mut end = r;
                let mut head_done = false;
                let mut d = 0usize;
                let mut j = i + 1;
                while j < tokens.len() {
                    let (_, ref tj, rj) = tokens[j];
                    if is_open(tj) {
                        d += 1;
                    } else if is_close(tj) {
                        if d == 0 {
                            break;
                        }
                        d -= 1;
                    } else if d == 0 && is_semi(tj) {
                        break;
                    } else if d == 0 && *tj == Tok::Where {
                        head_done = true;
                    }
                    if !head_done && !matches!(tj, Tok::VLBrace | Tok::VRBrace | Tok::VSemi) {
                        end = rj;
                    }
                    j += 1;
                }
                out.push((l, Tok::Unsupported(f), end));
                item_start = false;
                i = j;
                continue;
            }
        }
        if is_open(t) {
            depth += 1;
        } else if is_close(t) {
            depth = depth.saturating_sub(1);
        }
        item_start = depth == 1 && (is_open(t) || is_semi(t));
        out.push(tokens[i].clone());
        i += 1;
    }
    out
}

// ---------------------------------------------------------------- syntax errors

/// Turns the generated parser's error into a diagnostic.
fn syntax_error(e: ParseError<usize, Tok<'_>, Diagnostic>, tokens: &[Spanned<'_>], source: &str) -> Diagnostic {
    // The real token at or after `at`, for errors found at a virtual token.
    let next_real = |at: usize| {
        tokens
            .iter()
            .find(|(l, t, _)| *l >= at && !matches!(t, Tok::VLBrace | Tok::VSemi | Tok::VRBrace))
            .map(|(l, _, r)| Span::new(*l, *r))
    };
    match e {
        ParseError::UnrecognizedEof { location, expected } => Diagnostic::error(
            "unexpected end of input",
            Span::point(location),
            format!("expected {}", expected_list(&expected)),
        ),
        ParseError::UnrecognizedToken { token: (l, tok, r), expected } => {
            let expected = expected_list(&expected);
            match tok {
                Tok::VSemi => match next_real(r) {
                    Some(next) => Diagnostic::error(
                        "unexpected new line at the block's indentation",
                        next,
                        format!("expected {expected} before this line"),
                    )
                    .with_note(
                        "a line indented exactly as much as its block starts a new item of the block \
                         (Haskell's layout rule); indent it more to continue the line before",
                    ),
                    None => {
                        Diagnostic::error("unexpected end of input", Span::point(l), format!("expected {expected}"))
                    }
                },
                Tok::VRBrace => match next_real(r) {
                    Some(next) => Diagnostic::error(
                        "unexpected end of a layout block",
                        next,
                        format!("expected {expected} before this line"),
                    )
                    .with_note("a line indented less than its block ends the block (Haskell's layout rule)"),
                    None => {
                        Diagnostic::error("unexpected end of input", Span::point(l), format!("expected {expected}"))
                    }
                },
                Tok::VLBrace => {
                    let span = next_real(r).unwrap_or(Span::point(l));
                    Diagnostic::error("unexpected start of a layout block", span, format!("expected {expected}"))
                }
                Tok::Unsupported(feature) => Diagnostic::error(
                    format!("unexpected declaration: {feature} are not supported"),
                    Span::new(l, r),
                    format!("expected {expected}"),
                ),
                _ => {
                    let span = Span::new(l, r);
                    let d = Diagnostic::error(
                        format!("unexpected {}", found(&tok, span, source)),
                        span,
                        format!("expected {expected}"),
                    );
                    // Right after a block closed by indentation?
                    let i = tokens.iter().position(|(tl, _, tr)| *tl == l && *tr == r);
                    let first_on_line = source.get(..l).is_some_and(|before| {
                        before.rsplit(['\n', '\r']).next().is_some_and(|line| line.trim().is_empty())
                    });
                    let after_close =
                        first_on_line && i.and_then(|i| i.checked_sub(1)).is_some_and(|j| tokens[j].1 == Tok::VRBrace);
                    let d = if after_close {
                        d.with_note(
                            "this line is indented less than the layout block above it, which ends that block \
                             (Haskell's layout rule); check the indentation",
                        )
                    } else {
                        d
                    };
                    hint(d, &tok)
                }
            }
        }
        ParseError::ExtraToken { token: (l, tok, r) } => {
            let span = Span::new(l, r);
            Diagnostic::error(
                format!("unexpected {}", found(&tok, span, source)),
                span,
                "expected the end of the input",
            )
        }
        ParseError::InvalidToken { location } => {
            Diagnostic::error("invalid token", Span::point(location), "this token is not part of Lull")
        }
        ParseError::User { error } => error,
    }
}

/// The found token as the message names it: its text, shortened.
fn found(tok: &Tok<'_>, span: Span, source: &str) -> String {
    match tok {
        Tok::String(_) => "string literal".to_string(),
        _ => {
            let text = span.text(source);
            if text.is_empty() {
                tok.describe()
            } else if text.chars().count() > 40 {
                format!("`{}...`", text.chars().take(40).collect::<String>())
            } else {
                format!("`{text}`")
            }
        }
    }
}

/// Help lines for common mistakes.
fn hint(d: Diagnostic, tok: &Tok<'_>) -> Diagnostic {
    match tok {
        Tok::Class | Tok::Instance | Tok::Default | Tok::Foreign => d.with_help(format!(
            "`{}` declarations are not supported in Lull, and only allowed at the top level in Haskell",
            tok.text()
        )),
        Tok::Import => d.with_help("`import` declarations must come first, before every other declaration"),
        _ => d,
    }
}

/// "an expression, `)` or `,`" from lalrpop's terminal names.
fn expected_list(expected: &[String]) -> String {
    let has = |s: &str| expected.iter().any(|e| e == s);
    let mut words: Vec<&'static str> = Vec::new();
    let expression = has("\"\\\\\"") && has("\"case\"");
    let pattern = !expression && has("\"_\"") && has("Integer");
    let ty = !expression && !pattern && has("VarId") && has("ConId") && has("\"(\"") && !has("Integer");
    let module_name = has("QConId");
    for e in expected {
        let e = e.as_str();
        let starts_expression = matches!(
            e,
            "VarId"
                | "ConId"
                | "Integer"
                | "Float"
                | "Char"
                | "String"
                | "\"(\""
                | "\"[\""
                | "\"_\""
                | "\"~\""
                | "\"\\\\\""
                | "\"let\""
                | "\"if\""
                | "\"case\""
                | "\"do\""
                | "\"-\""
                | "\"as\""
                | "\"qualified\""
                | "\"hiding\""
        );
        let starts_pattern = matches!(
            e,
            "VarId"
                | "ConId"
                | "Integer"
                | "Float"
                | "Char"
                | "String"
                | "\"(\""
                | "\"[\""
                | "\"_\""
                | "\"~\""
                | "\"!\""
                | "\"-\""
                | "\"as\""
                | "\"qualified\""
                | "\"hiding\""
        );
        let starts_type =
            matches!(e, "VarId" | "ConId" | "\"(\"" | "\"[\"" | "\"as\"" | "\"qualified\"" | "\"hiding\"");
        let word: &'static str = if expression && starts_expression {
            "an expression"
        } else if pattern && starts_pattern {
            "a pattern"
        } else if ty && starts_type {
            "a type"
        } else {
            match e {
                "VarId" | "\"as\"" | "\"qualified\"" | "\"hiding\"" => "a variable name",
                "ConId" if module_name => "a module name",
                "ConId" => "a constructor name",
                "QConId" => "a module name",
                "VarSym" | "ConSym" | "\":\"" | "\"`\"" | "\"-\"" | "\"!\"" => "an operator",
                "Integer" | "Float" => "a number",
                "Char" => "a character literal",
                "String" => "a string literal",
                "VSemi" | "VRBrace" => "the end of the line",
                "\";\"" if !has("VSemi") => "`;`",
                "\"}\"" if !has("VRBrace") => "`}`",
                "\"{\"" | "\"}\"" | "\";\"" | "VLBrace" => "",
                "Unsupported" => "",
                other => keyword_word(other),
            }
        };
        if !word.is_empty() {
            words.push(word);
        }
    }
    let rank = |w: &str| {
        [
            "an expression",
            "a pattern",
            "a type",
            "a variable name",
            "a constructor name",
            "a module name",
            "a number",
            "an operator",
            "`;`",
            "`}`",
            "the end of the line",
        ]
        .iter()
        .position(|x| *x == w)
        .unwrap_or(50)
    };
    words.sort_by_key(|w| (rank(w), *w));
    // Fixed words (keywords, punctuation) before the end of the line.
    words.sort_by_key(|w| match rank(w) {
        50 => (1, 0),
        r if r >= 8 => (2, r),
        r => (0, r),
    });
    words.dedup();
    match words.as_slice() {
        [] => "the end of the block".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// `"\"where\""` to "`where`".
fn keyword_word(e: &str) -> &'static str {
    const WORDS: &[(&str, &str)] = &[
        ("\"data\"", "`data`"),
        ("\"deriving\"", "`deriving`"),
        ("\"else\"", "`else`"),
        ("\"import\"", "`import`"),
        ("\"in\"", "`in`"),
        ("\"infix\"", "`infix`"),
        ("\"infixl\"", "`infixl`"),
        ("\"infixr\"", "`infixr`"),
        ("\"module\"", "`module`"),
        ("\"newtype\"", "`newtype`"),
        ("\"of\"", "`of`"),
        ("\"then\"", "`then`"),
        ("\"type\"", "`type`"),
        ("\"where\"", "`where`"),
        ("\"..\"", "`..`"),
        ("\"::\"", "`::`"),
        ("\"=\"", "`=`"),
        ("\"|\"", "`|`"),
        ("\"<-\"", "`<-`"),
        ("\"->\"", "`->`"),
        ("\"@\"", "`@`"),
        ("\"=>\"", "`=>`"),
        ("\")\"", "`)`"),
        ("\"]\"", "`]`"),
        ("\",\"", "`,`"),
        ("\"(\"", "`(`"),
        ("\"[\"", "`[`"),
        ("\"_\"", "`_`"),
        ("\"~\"", "`~`"),
        ("\"\\\\\"", "`\\`"),
        ("\"let\"", "`let`"),
        ("\"if\"", "`if`"),
        ("\"case\"", "`case`"),
        ("\"do\"", "`do`"),
    ];
    WORDS.iter().find(|(k, _)| *k == e).map_or("something else", |(_, w)| w)
}

// ---------------------------------------------------------------- helpers for the grammar's actions

/// A top-level item before imports and declarations are separated.
pub enum Item {
    Import(Import),
    Decl(Decl),
}

/// Minus signs (innermost first) and the operand they negate.
pub type NegOperand = (Vec<Span>, Expr);

/// A [`Name`] from its text and byte range.
pub fn name(s: &str, l: usize, r: usize) -> Name {
    Name { text: s.to_string(), span: Span::new(l, r) }
}

/// `(,)`, `(,,)` ... for `commas` commas.
pub fn tuple_con(commas: usize, l: usize, r: usize) -> Name {
    name(&format!("({})", ",".repeat(commas)), l, r)
}

/// Splits the top-level items; imports after declarations are an error.
pub fn module(errs: &mut Vec<Diagnostic>, header: Option<ModuleHeader>, items: Vec<Item>, span: Span) -> Module {
    let mut imports = Vec::new();
    let mut decls = Vec::new();
    for item in items {
        match item {
            Item::Import(i) => {
                if let Some(d) = decls.first() {
                    errs.push(
                        Diagnostic::error(
                            "`import` after a declaration",
                            i.span,
                            "this import comes after a declaration",
                        )
                        .with_secondary(decl_span(d), "the first declaration")
                        .with_help("move every `import` to the top of the module, before the declarations"),
                    );
                }
                imports.push(i);
            }
            Item::Decl(d) => decls.push(d),
        }
    }
    Module { header, imports, decls, span }
}

/// The diagnostic for `module M` in an export list.
pub fn unsupported_export(m: &Name, span: Span) -> Diagnostic {
    Diagnostic::error("exporting a module is not supported", span, format!("this re-exports module `{}`", m.text))
        .with_help("list the exported names instead")
}

/// `f a b` or just `f`.
pub fn app(head: Expr, args: Vec<Expr>, span: Span) -> Expr {
    if args.is_empty() {
        head
    } else {
        Expr::App(Box::new(head), args, span)
    }
}

/// `T a b` or just `T`.
pub fn type_app(head: Type, args: Vec<Type>, span: Span) -> Type {
    if args.is_empty() {
        head
    } else {
        Type::App(Box::new(head), args, span)
    }
}

/// Appends the unary minuses and the operand of `n` to `items`.
pub fn push_operand(mut items: Vec<OpItem>, n: NegOperand) -> Vec<OpItem> {
    let (minuses, e) = n;
    items.extend(minuses.into_iter().rev().map(OpItem::Minus));
    items.push(OpItem::Operand(e));
    items
}

/// An operator sequence, or its only operand.
pub fn op_seq(mut items: Vec<OpItem>, span: Span) -> Expr {
    if items.len() == 1 {
        if let Some(OpItem::Operand(e)) = items.pop() {
            return e;
        }
        // Unreachable: a one-item sequence is an operand.
        return Expr::Unit(span);
    }
    Expr::OpSeq(items, span)
}

/// An infix pattern sequence, or its only operand.
pub fn pat_seq(mut items: Vec<PatItem>, span: Span) -> Pat {
    if items.len() == 1 {
        if let Some(PatItem::Operand(p)) = items.pop() {
            return p;
        }
        return Pat::Wild(span);
    }
    Pat::OpSeq(items, span)
}

/// The name an expression uses for `x@e` in pattern position.
pub const AS_MARKER: &str = "@";
/// The name an expression uses for `~e` in pattern position.
pub const LAZY_MARKER: &str = "~";
/// The name an expression uses for `_` in pattern position.
pub const WILD_MARKER: &str = "_";

/// `x@e` in an expression that will become a pattern.
pub fn as_marker(v: Name, e: Expr, span: Span) -> Expr {
    let at = Name { text: AS_MARKER.to_string(), span: Span::new(v.span.end, v.span.end + 1) };
    Expr::App(Box::new(Expr::Var(at)), vec![Expr::Var(v), e], span)
}

/// `~e` in an expression that will become a pattern.
pub fn lazy_marker(e: Expr, span: Span) -> Expr {
    let tilde = Name { text: LAZY_MARKER.to_string(), span: Span::new(span.start, span.start + 1) };
    Expr::App(Box::new(Expr::Var(tilde)), vec![e], span)
}

/// `e :: t`; a context there is reported.
pub fn annotation(errs: &mut Vec<Diagnostic>, e: Expr, st: (Vec<Constraint>, Type), span: Span) -> Expr {
    let (context, ty) = st;
    if let (Some(first), Some(last)) = (context.first(), context.last()) {
        errs.push(Diagnostic::error(
            "a context in a type annotation is not supported",
            first.span.to(last.span),
            "this context",
        ));
    }
    Expr::Ann(Box::new(e), ty, span)
}

/// `case e of alts`; at least one alternative.
pub fn case(errs: &mut Vec<Diagnostic>, e: Expr, alts: Vec<Alt>, span: Span) -> Expr {
    if alts.is_empty() {
        errs.push(
            Diagnostic::error("`case` without alternatives", span, "this `case` has no alternatives")
                .with_help("write at least one alternative `pattern -> expression`"),
        );
    }
    Expr::Case(Box::new(e), alts, span)
}

/// `do { stmts }`; not empty, and ending with an expression.
pub fn do_block(errs: &mut Vec<Diagnostic>, stmts: Vec<Stmt>, span: Span) -> Expr {
    match stmts.last() {
        None => errs.push(
            Diagnostic::error("empty `do` block", span, "this `do` block has no statements")
                .with_help("a `do` block needs at least one statement, and its last statement must be an expression"),
        ),
        Some(Stmt::Bind(_, _, s)) | Some(Stmt::Let(_, s)) => errs.push(
            Diagnostic::error(
                "the last statement of a `do` block must be an expression",
                *s,
                "this statement ends the `do` block",
            )
            .with_help("add an expression after it, such as `return ()`"),
        ),
        Some(Stmt::Expr(..)) => {}
    }
    Expr::Do(stmts, span)
}

/// A fixity declaration; the precedence must be 0 to 9.
pub fn fixity(
    errs: &mut Vec<Diagnostic>,
    assoc: Assoc,
    prec: Option<(usize, u128, usize)>,
    ops: Vec<Name>,
    span: Span,
) -> Decl {
    let prec = match prec {
        None => 9,
        Some((_, n, _)) if n <= 9 => n as u8,
        Some((l, n, r)) => {
            errs.push(
                Diagnostic::error(format!("precedence {n} is out of range"), Span::new(l, r), "not between 0 and 9")
                    .with_help("operator precedences go from 0 (binds least tightly) to 9 (binds most tightly)"),
            );
            9
        }
    };
    Decl::Fixity(FixityDecl { assoc, prec, ops, span })
}

fn peel_type_parens(mut t: Type) -> Type {
    loop {
        match &mut t {
            Type::Paren(inner, _) => {
                let inner = std::mem::replace(&mut **inner, Type::Unit(Span::default()));
                t = inner;
            }
            _ => return t,
        }
    }
}

/// A context (`Eq a`, `(Eq a, Show b)`, `()`) from the type it was parsed
/// as.
pub fn context(errs: &mut Vec<Diagnostic>, t: Type) -> Vec<Constraint> {
    let mut t = peel_type_parens(t);
    let parts: Vec<Type> = match &mut t {
        Type::Unit(_) => return Vec::new(),
        Type::Tuple(ts, _) => std::mem::take(ts),
        _ => vec![t],
    };
    let mut out = Vec::new();
    for part in parts {
        let mut part = peel_type_parens(part);
        let span = type_span(&part);
        match &mut part {
            Type::App(head, args, _) if args.len() == 1 => {
                if let Type::Con(class) = &**head {
                    let class = class.clone();
                    if let Some(ty) = args.pop() {
                        out.push(Constraint { class, ty, span });
                        continue;
                    }
                }
                errs.push(invalid_constraint(span));
            }
            _ => errs.push(invalid_constraint(span)),
        }
    }
    out
}

fn invalid_constraint(span: Span) -> Diagnostic {
    Diagnostic::error("invalid constraint", span, "expected a class name applied to one type, as in `Eq a`")
}

/// `T a b` as the head of a `data`, `newtype` or `type` declaration.
fn decl_head(errs: &mut Vec<Diagnostic>, t: Type, what: &str) -> (Name, Vec<Name>) {
    let span = type_span(&t);
    let mut t = t;
    let (head, args) = match &mut t {
        Type::App(h, args, _) => (std::mem::replace(&mut **h, Type::Unit(span)), std::mem::take(args)),
        _ => (std::mem::replace(&mut t, Type::Unit(span)), Vec::new()),
    };
    let name = match head {
        Type::Con(ref n) => n.clone(),
        _ => {
            errs.push(Diagnostic::error(
                format!("invalid {what} declaration head"),
                span,
                "expected a type name followed by type variables, as in `T a b`",
            ));
            Name { text: "?".into(), span }
        }
    };
    let mut params = Vec::new();
    for a in args {
        match a {
            Type::Var(ref v) => params.push(v.clone()),
            _ => errs.push(Diagnostic::error(
                "invalid type parameter",
                type_span(&a),
                "expected a type variable (a lower-case name)",
            )),
        }
    }
    (name, params)
}

/// A `data` declaration from its parts.
pub fn data_decl(
    errs: &mut Vec<Diagnostic>,
    head: (Option<Type>, Type),
    cons: Vec<ConDecl>,
    deriving: Vec<Name>,
    span: Span,
) -> Decl {
    let context = head.0.map(|c| context(errs, c)).unwrap_or_default();
    let (name, params) = decl_head(errs, head.1, "`data`");
    Decl::Data(DataDecl { context, name, params, cons, deriving, span })
}

/// A `newtype` declaration from its parts: one constructor with one field.
pub fn newtype_decl(
    errs: &mut Vec<Diagnostic>,
    head: (Option<Type>, Type),
    con: ConDecl,
    deriving: Vec<Name>,
    span: Span,
) -> Decl {
    if let Some(c) = head.0 {
        let s = type_span(&c);
        errs.push(Diagnostic::error("a context on a `newtype` is not supported", s, "this context"));
    }
    let (name, params) = decl_head(errs, head.1, "`newtype`");
    let ConDecl { name: con_name, mut fields, record, span: con_span, .. } = con;
    if record {
        errs.push(
            Diagnostic::error("record syntax is not supported", con_span, "a record constructor")
                .with_help("write the field's type alone: `newtype N = N Int`"),
        );
    } else if fields.len() != 1 {
        errs.push(Diagnostic::error(
            "a `newtype` constructor must have exactly one field",
            con_span,
            format!("this constructor has {} fields", fields.len()),
        ));
    }
    let field = if fields.is_empty() { Type::Unit(con_span) } else { fields.swap_remove(0).ty };
    Decl::Newtype(NewtypeDecl { name, params, con: con_name, field, deriving, span })
}

/// A `type` synonym from its parts.
pub fn type_syn(errs: &mut Vec<Diagnostic>, head: Type, ty: Type, span: Span) -> Decl {
    let (name, params) = decl_head(errs, head, "`type`");
    Decl::TypeSyn(TypeSynDecl { name, params, ty, span })
}

/// `K t1 !t2`: the first type must be the constructor's name.
pub fn con_decl(errs: &mut Vec<Diagnostic>, fs: Vec<(bool, Type)>, span: Span) -> ConDecl {
    let mut it = fs.into_iter();
    let name = match it.next() {
        Some((false, Type::Con(ref n))) => n.clone(),
        _ => {
            errs.push(Diagnostic::error(
                "invalid constructor declaration",
                span,
                "expected a constructor name followed by its field types, as in `Node Tree Int Tree`",
            ));
            Name { text: "?".into(), span }
        }
    };
    ConDecl { name, fields: it.map(|(strict, ty)| Field { strict, ty }).collect(), record: false, infix: false, span }
}

/// `t1 :+ t2`.
pub fn infix_con_decl(a: Vec<(bool, Type)>, op: Name, b: Vec<(bool, Type)>, span: Span) -> ConDecl {
    let side = |v: Vec<(bool, Type)>| {
        let strict = v.first().is_some_and(|(s, _)| *s);
        let mut types: Vec<Type> = v.into_iter().map(|(_, t)| t).collect();
        let ty = if types.len() == 1 {
            types.pop().unwrap_or(Type::Unit(span))
        } else {
            let head = types.remove(0);
            let s = type_span(&head).to(types.last().map_or(type_span(&head), type_span));
            Type::App(Box::new(head), types, s)
        };
        Field { strict, ty }
    };
    ConDecl { name: op, fields: vec![side(a), side(b)], record: false, infix: true, span }
}

/// The fields of one record field declaration `x, y :: t`: one field
/// stands for all the names (records are rejected later; only
/// `record: true` matters).
pub fn fields(_names: usize, strict: bool, ty: Type) -> Vec<Field> {
    vec![Field { strict, ty }]
}

/// Whether an operator name is a variable (not a constructor) operator.
pub fn is_var_op(n: &Name) -> bool {
    !(n.text.starts_with(':') || n.text.starts_with(|c: char| c.is_uppercase()))
}

fn is_marker(n: &Name) -> bool {
    matches!(n.text.as_str(), AS_MARKER | LAZY_MARKER | WILD_MARKER)
}

fn take(b: &mut Box<Expr>) -> Expr {
    std::mem::replace(&mut **b, Expr::Unit(Span::default()))
}

/// Whether `e` is a function left-hand side under parentheses, as in
/// `(f x) y` or `(x <+> y) z` (checked without recursion).
fn paren_funlhs(e: &Expr) -> bool {
    let mut e = e;
    loop {
        match e {
            Expr::Paren(inner, _) => match &**inner {
                Expr::App(h, _, _) => match &**h {
                    Expr::Var(n) => return !is_marker(n),
                    Expr::Paren(..) => e = h,
                    _ => return false,
                },
                Expr::OpSeq(items, _) => return infix_op_index(items).is_some(),
                _ => return false,
            },
            _ => return false,
        }
    }
}

/// The index of the only variable operator of an infix left-hand side.
fn infix_op_index(items: &[OpItem]) -> Option<usize> {
    let mut found = None;
    for (i, it) in items.iter().enumerate() {
        if let OpItem::Op(n) = it {
            if is_var_op(n) {
                if found.is_some() {
                    return None;
                }
                found = Some(i);
            }
        }
    }
    found
}

/// Splits an infix left-hand side `l op r` into the operator and the two
/// argument patterns.
fn split_infix(errs: &mut Vec<Diagnostic>, mut items: Vec<OpItem>, i: usize, span: Span) -> (Name, Vec<Pat>) {
    let right: Vec<OpItem> = items.split_off(i + 1);
    let op = match items.pop() {
        Some(OpItem::Op(n)) => n,
        _ => Name { text: "?".into(), span },
    };
    let side = |v: Vec<OpItem>| {
        let s = v.iter().fold(None::<Span>, |acc, it| {
            let s = match it {
                OpItem::Operand(e) => expr_span(e),
                OpItem::Op(n) => n.span,
                OpItem::Minus(s) => *s,
            };
            Some(acc.map_or(s, |a| a.to(s)))
        });
        op_seq(v, s.unwrap_or(span))
    };
    let l = expr_to_pat(errs, side(items));
    let r = expr_to_pat(errs, side(right));
    (op, vec![l, r])
}

/// A declaration from its left-hand side, parsed as an expression:
/// `f p1 p2`, `x op y`, `(f x) y` are equations of a function, anything
/// else is a pattern binding.
pub fn lhs_decl(errs: &mut Vec<Diagnostic>, lhs: Expr, rhs: Rhs, span: Span) -> Decl {
    let mut lhs = lhs;
    // `x op y = ...`
    if let Expr::OpSeq(items, s) = &mut lhs {
        let s = *s;
        let var_ops = items.iter().filter(|it| matches!(it, OpItem::Op(n) if is_var_op(n))).count();
        if var_ops == 1 {
            if let Some(i) = infix_op_index(items) {
                let items = std::mem::take(items);
                let (name, args) = split_infix(errs, items, i, s);
                return Decl::FunClause(FunClause { name, infix: true, args, rhs, span });
            }
        }
        if var_ops > 1 {
            errs.push(
                Diagnostic::error(
                    "invalid left-hand side: more than one variable operator",
                    s,
                    "an equation defines one operator, written between its two arguments",
                )
                .with_help("add parentheses to show which operator this equation defines, or to group patterns"),
            );
            return Decl::PatBind(PatBind { pat: Pat::Wild(s), rhs, span });
        }
    }
    // `f p1 p2 = ...` and `(f p1) p2 = ...`
    if let Expr::App(head, args, _) = &mut lhs {
        let is_fun = match &**head {
            Expr::Var(n) => !is_marker(n),
            e @ Expr::Paren(..) => paren_funlhs(e),
            _ => false,
        };
        if is_fun {
            let mut groups: Vec<Vec<Expr>> = vec![std::mem::take(args)];
            let mut cur = take(head);
            let mut infix = false;
            let name = loop {
                match &mut cur {
                    Expr::Var(n) => break n.clone(),
                    Expr::Paren(inner, _) => {
                        let mut inner = take(inner);
                        match &mut inner {
                            Expr::App(h, a, _) => {
                                groups.push(std::mem::take(a));
                                cur = take(h);
                            }
                            Expr::OpSeq(items, s) => {
                                let s = *s;
                                let items = std::mem::take(items);
                                let Some(i) = infix_op_index(&items) else { break Name { text: "?".into(), span: s } };
                                let (name, args) = split_infix(errs, items, i, s);
                                infix = true;
                                let mut all = args;
                                for g in groups.into_iter().rev() {
                                    all.extend(g.into_iter().map(|e| expr_to_pat(errs, e)));
                                }
                                return Decl::FunClause(FunClause { name, infix, args: all, rhs, span });
                            }
                            _ => break Name { text: "?".into(), span: expr_span(&inner) },
                        }
                    }
                    _ => break Name { text: "?".into(), span: expr_span(&cur) },
                }
            };
            let mut args = Vec::new();
            for g in groups.into_iter().rev() {
                args.extend(g.into_iter().map(|e| expr_to_pat(errs, e)));
            }
            return Decl::FunClause(FunClause { name, infix, args, rhs, span });
        }
    }
    let pat = expr_to_pat(errs, lhs);
    Decl::PatBind(PatBind { pat, rhs, span })
}

/// Converts an expression parsed in a pattern position (a left-hand side,
/// a `do` bind, a pattern guard, a generator) to the pattern it spells;
/// what is not a pattern is reported and becomes `_`. Iterative.
pub fn expr_to_pat(errs: &mut Vec<Diagnostic>, e: Expr) -> Pat {
    enum Shape {
        Con(Name, usize, Span),
        Tuple(usize, Span),
        List(usize, Span),
        As(Name, Span),
        Lazy(Span),
        Paren(Span),
        Sig(Type, Span),
        /// The operators, in order; one more operand than operators.
        OpSeq(Vec<Name>, Span),
    }
    enum Task {
        Convert(Expr),
        Ready(Pat),
        Build(Shape),
    }
    let not_a_pattern = |errs: &mut Vec<Diagnostic>, span: Span, what: &str| {
        errs.push(
            Diagnostic::error(format!("{what} is not a valid pattern"), span, "expected a pattern here")
                .with_help("patterns are variables, `_`, literals, constructors applied to patterns, tuples and lists of patterns, `x@p` and `~p`"),
        );
        Pat::Wild(span)
    };
    let mut tasks = vec![Task::Convert(e)];
    let mut results: Vec<Pat> = Vec::new();
    while let Some(task) = tasks.pop() {
        match task {
            Task::Ready(p) => results.push(p),
            Task::Build(shape) => {
                let mut pop = |n: usize| results.split_off(results.len().saturating_sub(n));
                let p = match shape {
                    Shape::Con(c, n, s) => Pat::Con(c, pop(n), s),
                    Shape::Tuple(n, s) => Pat::Tuple(pop(n), s),
                    Shape::List(n, s) => Pat::List(pop(n), s),
                    Shape::As(x, s) => Pat::As(x, Box::new(pop(1).pop().unwrap_or(Pat::Wild(s))), s),
                    Shape::Lazy(s) => Pat::Lazy(Box::new(pop(1).pop().unwrap_or(Pat::Wild(s))), s),
                    Shape::Paren(s) => Pat::Paren(Box::new(pop(1).pop().unwrap_or(Pat::Wild(s))), s),
                    Shape::Sig(t, s) => Pat::Sig(Box::new(pop(1).pop().unwrap_or(Pat::Wild(s))), t, s),
                    Shape::OpSeq(ops, s) => {
                        let operands = pop(ops.len() + 1);
                        let mut items = Vec::with_capacity(ops.len() * 2 + 1);
                        let mut ops = ops.into_iter();
                        for (i, p) in operands.into_iter().enumerate() {
                            if i > 0 {
                                if let Some(op) = ops.next() {
                                    items.push(PatItem::Op(op));
                                }
                            }
                            items.push(PatItem::Operand(p));
                        }
                        Pat::OpSeq(items, s)
                    }
                };
                results.push(p);
            }
            Task::Convert(mut e) => {
                let span = expr_span(&e);
                match &mut e {
                    Expr::Var(n) if n.text == WILD_MARKER => results.push(Pat::Wild(n.span)),
                    Expr::Var(n) if is_marker(n) => results.push(not_a_pattern(errs, span, "this")),
                    Expr::Var(n) => results.push(Pat::Var(n.clone())),
                    Expr::Con(n) => results.push(Pat::Con(n.clone(), Vec::new(), n.span)),
                    Expr::Lit(lit, s) => results.push(Pat::Lit(lit.clone(), *s)),
                    Expr::Unit(s) => results.push(Pat::Unit(*s)),
                    Expr::App(head, args, s) => {
                        let s = *s;
                        match &**head {
                            Expr::Con(c) => {
                                tasks.push(Task::Build(Shape::Con(c.clone(), args.len(), s)));
                                tasks.extend(std::mem::take(args).into_iter().rev().map(Task::Convert));
                            }
                            Expr::Var(m) if m.text == AS_MARKER && args.len() == 2 => {
                                let mut args = std::mem::take(args);
                                let p = args.pop();
                                match (args.pop(), p) {
                                    (Some(Expr::Var(ref x)), Some(p)) => {
                                        tasks.push(Task::Build(Shape::As(x.clone(), s)));
                                        tasks.push(Task::Convert(p));
                                    }
                                    _ => results.push(Pat::Wild(s)),
                                }
                            }
                            Expr::Var(m) if m.text == LAZY_MARKER && args.len() == 1 => {
                                tasks.push(Task::Build(Shape::Lazy(s)));
                                tasks.extend(std::mem::take(args).into_iter().map(Task::Convert));
                            }
                            Expr::Var(_) => results.push(not_a_pattern(errs, s, "a function application")),
                            _ => results.push(not_a_pattern(errs, s, "this application")),
                        }
                    }
                    Expr::Tuple(es, s) => {
                        tasks.push(Task::Build(Shape::Tuple(es.len(), *s)));
                        tasks.extend(std::mem::take(es).into_iter().rev().map(Task::Convert));
                    }
                    Expr::List(es, s) => {
                        tasks.push(Task::Build(Shape::List(es.len(), *s)));
                        tasks.extend(std::mem::take(es).into_iter().rev().map(Task::Convert));
                    }
                    Expr::Paren(inner, s) => {
                        tasks.push(Task::Build(Shape::Paren(*s)));
                        tasks.push(Task::Convert(take(inner)));
                    }
                    Expr::Ann(inner, ty, s) => {
                        let ty = std::mem::replace(ty, Type::Unit(*s));
                        tasks.push(Task::Build(Shape::Sig(ty, *s)));
                        tasks.push(Task::Convert(take(inner)));
                    }
                    Expr::OpSeq(items, s) => {
                        let s = *s;
                        let mut ops = Vec::new();
                        let mut operands: Vec<Task> = Vec::new();
                        let mut ok = true;
                        let mut minus: Option<Span> = None;
                        for it in std::mem::take(items) {
                            match it {
                                OpItem::Minus(m) => {
                                    if minus.is_some() {
                                        ok = false;
                                    }
                                    minus = Some(m);
                                }
                                OpItem::Operand(mut o) => match minus.take() {
                                    None => operands.push(Task::Convert(o)),
                                    Some(m) => match &mut o {
                                        Expr::Lit(lit @ (Literal::Int(_) | Literal::Float(_)), ls) => {
                                            operands.push(Task::Ready(Pat::NegLit(lit.clone(), m.to(*ls))));
                                        }
                                        _ => {
                                            errs.push(
                                                Diagnostic::error(
                                                    "`-` in a pattern must be followed by a number",
                                                    m.to(expr_span(&o)),
                                                    "not a negative literal",
                                                )
                                                .with_help("only negative number literals such as `-1` are patterns"),
                                            );
                                            operands.push(Task::Ready(Pat::Wild(m)));
                                        }
                                    },
                                },
                                OpItem::Op(n) => {
                                    if is_var_op(&n) {
                                        errs.push(Diagnostic::error(
                                            format!("variable operator `{}` in a pattern", n.text),
                                            n.span,
                                            "only constructor operators such as `:` are allowed in patterns",
                                        ));
                                        ok = false;
                                    }
                                    ops.push(n);
                                }
                            }
                        }
                        if !ok || operands.len() != ops.len() + 1 {
                            results.push(Pat::Wild(s));
                        } else if ops.is_empty() {
                            tasks.extend(operands);
                        } else {
                            tasks.push(Task::Build(Shape::OpSeq(ops, s)));
                            tasks.extend(operands.into_iter().rev());
                        }
                    }
                    Expr::Lam(..) => results.push(not_a_pattern(errs, span, "a lambda")),
                    Expr::Let(..) => results.push(not_a_pattern(errs, span, "a `let` expression")),
                    Expr::If(..) => results.push(not_a_pattern(errs, span, "an `if` expression")),
                    Expr::Case(..) => results.push(not_a_pattern(errs, span, "a `case` expression")),
                    Expr::Do(..) => results.push(not_a_pattern(errs, span, "a `do` block")),
                    Expr::Range { .. } => results.push(not_a_pattern(errs, span, "a range")),
                    Expr::Comprehension(..) => results.push(not_a_pattern(errs, span, "a list comprehension")),
                    Expr::LeftSection(..) | Expr::RightSection(..) => {
                        results.push(not_a_pattern(errs, span, "an operator section"))
                    }
                    Expr::BinOp(..) | Expr::Neg(..) => results.push(not_a_pattern(errs, span, "this expression")),
                }
            }
        }
    }
    results.pop().unwrap_or(Pat::Wild(Span::default()))
}

/// The diagnostic for pattern syntax (`_`, `x@p`, `~p`) found where an
/// expression is required, if `e` is such a marker.
pub fn pattern_in_expression(e: &Expr) -> Option<Diagnostic> {
    match e {
        Expr::Var(n) if n.text == WILD_MARKER => Some(
            Diagnostic::error("`_` is not an expression", n.span, "a wildcard is only allowed in patterns")
                .with_help("use a variable, or `undefined` for a value that is never used"),
        ),
        Expr::App(h, args, s) => match &**h {
            Expr::Var(n) if n.text == AS_MARKER => {
                let span = args.first().map_or(*s, |a| expr_span(a).to(n.span));
                Some(Diagnostic::error("as-pattern in an expression", span, "`x@p` is only allowed in patterns"))
            }
            Expr::Var(n) if n.text == LAZY_MARKER => {
                Some(Diagnostic::error("lazy pattern in an expression", n.span, "`~p` is only allowed in patterns"))
            }
            _ => None,
        },
        _ => None,
    }
}
