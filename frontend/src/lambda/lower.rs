//! Lowering a parsed λ program to Core, resolving names on the way.
//!
//! * `λ x y. b` becomes one [`Expr::Lam`] with a fresh `Value` binder per
//!   source binder (`_` becomes a fresh binder named `_`). A λ's binders
//!   bind left to right, so `λ x x. x` is `λ a b. b`.
//! * An application becomes one flat [`Expr::App`].
//! * A variable becomes [`Expr::Var`] of the innermost binder of that name,
//!   or else [`Expr::Global`] of the definition above with that name.
//! * Each definition `name = term;` becomes the top-level [`Def`](lull_middle::core::ir::Def)
//!   `name`, in source order (so its [`GlobalId`] is its index): shared,
//!   evaluated at most once, visible to later definitions and to the final
//!   term only. The final term becomes a def named `main` (or `main_1`,
//!   `main_2`, ... if the program defines `main`), the entry.
//!
//! Errors: a variable bound nowhere above (with a "did you mean" among the
//! names in scope, and a note when it is the definition itself or one
//! defined below), and a name defined twice. The traversal uses an explicit
//! stack, so any depth lowers without recursion.

use std::collections::HashMap;

use lull_middle::core::builder::Builder;
use lull_middle::core::ir::{Expr, GlobalId, Module, Rep, VarId};

use crate::diagnostic::{truncate, Diagnostic, MAX_REPORTED};
use crate::lambda::ast::{Program, Term, TermKind};
use crate::span::Span;
use crate::suggest::did_you_mean;

/// A λ program lowered to Core.
#[derive(Debug)]
pub struct Compiled {
    /// One def per source definition, in order, then the entry.
    pub module: Module,
    /// The def holding the final term.
    pub entry: GlobalId,
}

/// Resolves the names of `program` and lowers it to Core.
///
/// ```
/// use lull_frontend::lambda::{lower, parse};
/// let c = lower(&parse("I = λx. x; I I").unwrap()).unwrap();
/// assert_eq!(c.module.def(c.entry).name, "main");
/// assert_eq!(c.module.defs.len(), 2);
/// ```
pub fn lower(program: &Program) -> Result<Compiled, Vec<Diagnostic>> {
    let mut cx = Lowerer::new(program);
    for (i, def) in program.defs.iter().enumerate() {
        if let Some(&(first, first_span)) = cx.defined.get(def.name.as_str()) {
            if first != i {
                cx.diags.push(
                    Diagnostic::error(format!("`{}` is defined twice", def.name), def.name_span, "defined again here")
                        .with_secondary(first_span, "first defined here")
                        .with_help("give one of the definitions another name"),
                );
            }
        }
        let body = cx.term(&def.body, Some(i));
        let g = cx.builder.def(&def.name, body);
        // A duplicate keeps the first definition in scope.
        let scope = cx.scope.entry(def.name.as_str()).or_default();
        if scope.is_empty() {
            scope.push(Binding::Global(g));
        }
    }
    let body = cx.term(&program.body, None);
    let entry_name = entry_name(program);
    let entry = cx.builder.def(&entry_name, body);
    if cx.diags.is_empty() {
        Ok(Compiled { module: cx.builder.finish(), entry })
    } else {
        truncate(&mut cx.diags);
        Err(cx.diags)
    }
}

/// `main`, or `main_N` for the smallest `N` the program does not define.
fn entry_name(program: &Program) -> String {
    let taken = |n: &str| program.defs.iter().any(|d| d.name == n);
    let mut name = "main".to_string();
    let mut n = 0;
    while taken(&name) {
        n += 1;
        name = format!("main_{n}");
    }
    name
}

/// What a name in scope stands for.
#[derive(Clone, Copy)]
enum Binding {
    Local(VarId),
    Global(GlobalId),
}

/// The state of one lowering.
struct Lowerer<'p> {
    builder: Builder,
    /// Every name in scope, innermost binding last.
    scope: HashMap<&'p str, Vec<Binding>>,
    /// Each defined name: the index and name span of its first definition.
    defined: HashMap<&'p str, (usize, Span)>,
    diags: Vec<Diagnostic>,
}

/// One step of the explicit-stack traversal in [`Lowerer::term`].
enum Task<'p> {
    /// Lower this term, pushing its Core onto the output stack.
    Lower(&'p Term),
    /// Pop the body, unbind these names, push the λ.
    EndLam(Vec<VarId>, Vec<&'p str>),
    /// Pop this many arguments and the head, push the application.
    EndApp(usize),
}

impl<'p> Lowerer<'p> {
    fn new(program: &'p Program) -> Self {
        let mut defined = HashMap::new();
        for (i, d) in program.defs.iter().enumerate() {
            defined.entry(d.name.as_str()).or_insert((i, d.name_span));
        }
        Lowerer { builder: Builder::new(), scope: HashMap::new(), defined, diags: Vec::new() }
    }

    /// Lowers `term`, the body of definition `def` (`None` for the final
    /// term). Leaves the scope as it found it.
    fn term(&mut self, term: &'p Term, def: Option<usize>) -> Expr {
        let mut tasks = vec![Task::Lower(term)];
        let mut out: Vec<Expr> = Vec::new();
        while let Some(task) = tasks.pop() {
            match task {
                Task::Lower(t) => match &t.kind {
                    TermKind::Var(x) => {
                        let e = match self.scope.get(x.as_str()).and_then(|b| b.last()) {
                            Some(Binding::Local(v)) => Expr::Var(*v),
                            Some(Binding::Global(g)) => Expr::Global(*g),
                            None => {
                                self.unbound(x, t.span, def);
                                Expr::Free(x.clone())
                            }
                        };
                        out.push(e);
                    }
                    TermKind::Lam(binders, body) => {
                        let mut params = Vec::with_capacity(binders.len());
                        let mut names = Vec::with_capacity(binders.len());
                        for b in binders {
                            match &b.name {
                                Some(x) => {
                                    let v = self.builder.var(x, Rep::Value);
                                    self.scope.entry(x.as_str()).or_default().push(Binding::Local(v));
                                    names.push(x.as_str());
                                    params.push(v);
                                }
                                None => params.push(self.builder.var("_", Rep::Value)),
                            }
                        }
                        tasks.push(Task::EndLam(params, names));
                        tasks.push(Task::Lower(body));
                    }
                    TermKind::App(head, args) => {
                        tasks.push(Task::EndApp(args.len()));
                        tasks.extend(args.iter().rev().map(Task::Lower));
                        tasks.push(Task::Lower(head));
                    }
                },
                Task::EndLam(params, names) => {
                    for x in names.iter().rev() {
                        if let Some(b) = self.scope.get_mut(x) {
                            b.pop();
                        }
                    }
                    let body = out.pop().unwrap_or_else(missing);
                    out.push(Builder::lam(params, body));
                }
                Task::EndApp(n) => {
                    let args = out.split_off(out.len().saturating_sub(n));
                    let head = out.pop().unwrap_or_else(missing);
                    out.push(Builder::app(head, args));
                }
            }
        }
        out.pop().unwrap_or_else(missing)
    }

    /// Reports `x`, bound nowhere, used at `span` in definition `def`.
    fn unbound(&mut self, x: &str, span: Span, def: Option<usize>) {
        let mut d =
            Diagnostic::error(format!("unbound variable `{x}`"), span, "not bound by any λ or definition above");
        let defined = self.defined.get(x).copied();
        // A suggestion would only distract from a definition used too early.
        if defined.is_none() && self.diags.len() < MAX_REPORTED {
            let in_scope = self.scope.iter().filter(|(_, b)| !b.is_empty()).map(|(n, _)| *n);
            if let Some(s) = did_you_mean(x, in_scope) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
        }
        match (defined, def) {
            (Some((j, _)), Some(i)) if j == i => {
                d = d.with_note(
                    "a definition cannot refer to itself; write recursion with a fixpoint combinator, \
                     e.g. `Y = λ f. (λ x. f (x x)) (λ x. f (x x));`",
                );
            }
            (Some((_, later)), _) => {
                d = d
                    .with_secondary(later, format!("`{x}` is defined here, below its use"))
                    .with_note("a definition can only use the definitions above it");
            }
            (None, _) => {}
        }
        if x == "_" {
            d = d.with_note("`_` can only be a λ binder, for a value that is never used");
        }
        self.diags.push(d);
    }
}

/// The output stack is balanced by construction; should it ever not be,
/// lower to a visible error rather than panic.
fn missing() -> Expr {
    Builder::error(Rep::Value, "internal error: λ lowering lost a term")
}
