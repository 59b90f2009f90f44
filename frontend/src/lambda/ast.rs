//! The λ dialect's syntax tree, with byte spans.
//!
//! Applications are flat spines (a head and its arguments) so that long
//! applications do not nest; parentheses leave no node behind (the span of
//! a parenthesised term is the span inside the parentheses), and an
//! application whose head is itself an application is merged into one
//! spine by the parser: `(f x) y` is `f x y`.
//!
//! See Note [No recursion on term depth] in `lull_middle::core`: a tree can
//! be arbitrarily deep before the nesting check rejects it, so [`Term`]'s
//! `Drop` and `Display` use explicit stacks. (For the same reason `Term` is
//! not `Clone` or `PartialEq`: derived impls would recurse. Compare printed
//! forms instead.)

use std::fmt;

use crate::span::Span;

/// A whole program: definitions, then the term to normalise.
#[derive(Debug)]
pub struct Program {
    pub defs: Vec<Definition>,
    pub body: Term,
}

/// `name = body;`
#[derive(Debug)]
pub struct Definition {
    pub name: String,
    /// The span of the name.
    pub name_span: Span,
    pub body: Term,
    /// From the name to the `;`.
    pub span: Span,
}

/// A λ's binder: a name, or `_` for a value that is never used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binder {
    /// `None` for `_`.
    pub name: Option<String>,
    pub span: Span,
}

/// A term and its span.
pub struct Term {
    pub kind: TermKind,
    pub span: Span,
}

/// The forms of a term.
pub enum TermKind {
    /// A variable: a λ binder or a definition above.
    Var(String),
    /// `λ x y. body`. The parser rejects a λ with no binders (`λ. x`), but
    /// a hand-built tree may have one: it means just `body`.
    Lam(Vec<Binder>, Box<Term>),
    /// `head arg1 arg2 ...`, with at least one argument.
    App(Box<Term>, Vec<Term>),
}

impl Term {
    /// A variable.
    pub fn var(name: impl Into<String>, span: Span) -> Term {
        Term { kind: TermKind::Var(name.into()), span }
    }

    /// A λ.
    pub fn lam(binders: Vec<Binder>, body: Term, span: Span) -> Term {
        Term { kind: TermKind::Lam(binders, Box::new(body)), span }
    }

    /// `head args`, merged into `head`'s spine when `head` is an
    /// application itself; just `head` when there is no argument.
    pub fn app(head: Term, mut args: Vec<Term>, span: Span) -> Term {
        if args.is_empty() {
            return head;
        }
        let mut head = head;
        match &mut head.kind {
            TermKind::App(_, inner) => {
                inner.append(&mut args);
                head.span = head.span.to(span);
                head
            }
            _ => Term { kind: TermKind::App(Box::new(head), args), span },
        }
    }
}

/// Drops deep trees without recursion.
impl Drop for Term {
    fn drop(&mut self) {
        let mut stack: Vec<Term> = Vec::new();
        take_children(self, &mut stack);
        while let Some(mut t) = stack.pop() {
            take_children(&mut t, &mut stack);
            // `t` owns no sub-terms any more: dropping it does not recurse.
        }
    }
}

/// Moves the sub-terms of `t` onto `out`, leaving empty placeholders.
fn take_children(t: &mut Term, out: &mut Vec<Term>) {
    match &mut t.kind {
        TermKind::Var(_) => {}
        TermKind::Lam(_, body) => out.push(std::mem::replace(&mut **body, Term::var(String::new(), Span::default()))),
        TermKind::App(head, args) => {
            out.push(std::mem::replace(&mut **head, Term::var(String::new(), Span::default())));
            out.append(args);
        }
    }
}

/// Prints the term in source syntax with `λ`, parenthesising a λ or an
/// application in argument position and a λ in head position, so that the
/// output parses back to the same tree. Iterative: works at any depth.
impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        enum Job<'a> {
            Term(&'a Term),
            Text(&'static str),
        }
        let mut stack = vec![Job::Term(self)];
        while let Some(job) = stack.pop() {
            match job {
                Job::Text(s) => f.write_str(s)?,
                Job::Term(t) => match &t.kind {
                    TermKind::Var(x) => f.write_str(x)?,
                    TermKind::Lam(bs, body) => {
                        f.write_str("λ")?;
                        for b in bs {
                            write!(f, " {}", b.name.as_deref().unwrap_or("_"))?;
                        }
                        f.write_str(". ")?;
                        stack.push(Job::Term(body));
                    }
                    TermKind::App(head, args) => {
                        // Pushed in reverse: the head is printed first.
                        for a in args.iter().rev() {
                            if matches!(a.kind, TermKind::Var(_)) {
                                stack.push(Job::Term(a));
                            } else {
                                stack.push(Job::Text(")"));
                                stack.push(Job::Term(a));
                                stack.push(Job::Text("("));
                            }
                            stack.push(Job::Text(" "));
                        }
                        if matches!(head.kind, TermKind::Var(_)) {
                            stack.push(Job::Term(head));
                        } else {
                            stack.push(Job::Text(")"));
                            stack.push(Job::Term(head));
                            stack.push(Job::Text("("));
                        }
                    }
                },
            }
        }
        Ok(())
    }
}

/// The source form and the span (iterative, like `Display`).
impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Term({:?} @ {})", self.to_string(), self.span)
    }
}

impl fmt::Display for Program {
    /// One definition per line, then the final term.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.defs {
            writeln!(f, "{} = {};", d.name, d.body)?;
        }
        write!(f, "{}", self.body)
    }
}
