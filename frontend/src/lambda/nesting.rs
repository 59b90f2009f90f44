//! The nesting limit, and the checks that walk a freshly parsed tree once:
//! its depth and λs without binders.
//!
//! Note [What counts toward the nesting limit]
//! -------------------------------------------
//! The nesting of a subterm is the number of positions it sits inside:
//! each enclosing λ body counts one, and each application it is the
//! function or an argument of counts one. Parentheses alone count nothing
//! (`((x))` is just `x`), and neither do the binders of one λ (`λ x y z. b`
//! puts `b` one level deep) nor the arguments of one application
//! (`f a b c` puts each of `a`, `b`, `c` one level deep; `(f a) b` is the
//! same application). So `f (g (h x))` puts `x` at depth 3 and
//! `λ x. λ y. x y` puts `y` at depth 3. Each definition's body and the
//! final term are measured on their own, from 0.
//!
//! This is exactly the depth of the syntax tree, which is what passes that
//! recurse (the Core verifier, printers that are not yet iterative) pay for;
//! a program deeper than [`MAX_NESTING`] is rejected, pointing at its
//! deepest subterm, and the help says to split it with definitions.

use crate::diagnostic::Diagnostic;
use crate::lambda::ast::{Program, Term, TermKind};
use crate::span::Span;

/// The deepest nesting a program may have; see
/// Note [What counts toward the nesting limit].
pub const MAX_NESTING: usize = 10_000;

/// The depth of `term` (0 for a variable) and the span of its deepest
/// subterm (the first one found, left to right). Iterative.
pub fn depth(term: &Term) -> (usize, Span) {
    let mut deepest = (0, term.span);
    let mut stack: Vec<(&Term, usize)> = vec![(term, 0)];
    while let Some((t, d)) = stack.pop() {
        if d > deepest.0 {
            deepest = (d, t.span);
        }
        match &t.kind {
            TermKind::Var(_) => {}
            TermKind::Lam(_, body) => stack.push((body, d + 1)),
            TermKind::App(head, args) => {
                stack.extend(args.iter().rev().map(|a| (a, d + 1)));
                stack.push((head, d + 1));
            }
        }
    }
    deepest
}

/// Reports every λ without binders, and each definition body or final term
/// nested deeper than [`MAX_NESTING`].
pub fn check(program: &Program, source: &str) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for term in program.defs.iter().map(|d| &d.body).chain(std::iter::once(&program.body)) {
        empty_lambdas(term, source, &mut diags);
        let (d, span) = depth(term);
        if d > MAX_NESTING {
            diags.push(too_deep(d, span));
        }
    }
    diags
}

fn too_deep(depth: usize, span: Span) -> Diagnostic {
    Diagnostic::error(
        format!("term nested too deeply ({depth} levels; the limit is {MAX_NESTING})"),
        span,
        format!("this is {depth} levels deep"),
    )
    .with_help(
        "each enclosing λ body and each application the term is the function or an argument of \
         counts one level (parentheses alone do not); move parts of the term into definitions \
         (`name = term;`) to make it shallower",
    )
}

/// Pushes a diagnostic for each `λ. body` in `term`. Iterative.
fn empty_lambdas(term: &Term, source: &str, diags: &mut Vec<Diagnostic>) {
    let mut stack = vec![term];
    while let Some(t) = stack.pop() {
        match &t.kind {
            TermKind::Var(_) => {}
            TermKind::Lam(bs, body) => {
                if bs.is_empty() {
                    // Point at the `λ .` itself (up to the body, less the
                    // whitespace and comments), not at the whole body.
                    let head = Span::new(t.span.start, body.span.start.max(t.span.start));
                    let text = head.text(source);
                    let dot = text.rfind('.').map_or(text.len(), |i| i + 1);
                    let head = Span::new(head.start, head.start + dot);
                    diags.push(
                        Diagnostic::error("λ without binders", head, "this λ binds no variable")
                            .with_help("write at least one binder before the `.`, e.g. `λ x. x`; use `_` for a binder that is never used"),
                    );
                }
                stack.push(body);
            }
            TermKind::App(head, args) => {
                stack.extend(args.iter().rev());
                stack.push(head);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lambda::parse;

    fn depth_of(src: &str) -> usize {
        parse(src).map(|p| depth(&p.body).0).unwrap_or(usize::MAX)
    }

    #[test]
    fn what_counts() {
        assert_eq!(depth_of("x"), 0);
        assert_eq!(depth_of("((((x))))"), 0);
        assert_eq!(depth_of("λ x y z. x"), 1);
        assert_eq!(depth_of("f a b c"), 1);
        assert_eq!(depth_of("((f a) b) c"), 1);
        assert_eq!(depth_of("f (g (h x))"), 3);
        assert_eq!(depth_of("λ x. λ y. x y"), 3);
        assert_eq!(depth_of("f λ x. x"), 2);
    }

    #[test]
    fn deepest_span_is_the_first_deepest() {
        let src = "f (g x) (h y)";
        let p = parse(src).map_err(|_| ()).unwrap_or_else(|()| panic!("parse"));
        assert_eq!(depth(&p.body), (2, Span::new(3, 4)));
    }
}
