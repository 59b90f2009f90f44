//! Pattern matching: function equations, case alternatives, guards, lazy
//! and pattern bindings.
//!
//! Note [Matching with fall-through]
//! ---------------------------------
//! Equations and alternatives are tried top to bottom, patterns left to
//! right, as Haskell 2010 section 3.17 says. Each equation is compiled
//! with a *failure expression*: what to do when one of its patterns or
//! all of its guards fail, namely the equations below it. The failure
//! expression is always an atom (a variable bound lazily to the rest, or a
//! run-time error), so that it can be used at every test without copying
//! code; the rest is evaluated only when some test fails, and at most once
//! per call.
//!
//! Matching happens in two phases: `plan` walks a pattern, makes a Core
//! variable for every sub-value it will take apart and brings the
//! pattern's names into scope (so that the right-hand side can be lowered
//! next), then `build` wraps the lowered right-hand side in the tests.
//!
//! Note [Failure is a join point]
//! ------------------------------
//! A failure expression is only ever jumped to from the tail of a test, so
//! it must not be a thunk: entering a thunk pushes an update frame, and a
//! recursive function whose first equation fails on every call
//! (`length n [] = n; length n (_:xs) = ...`) would then grow the stack by
//! a frame per call and keep every frame's list cell alive. So a failure
//! expression used once (not under a lambda) is put in place of its one
//! use; one used at several tests becomes a function of one ignored
//! argument, bound once and tail-called with `()` where a test fails.

use lull_middle::core::builder::Builder as B;
use lull_middle::core::ir::{Alt, ConRef, Expr, Lit, Pat as CPat, Rep, VarId};

use super::{Ctx, Lowerer};
use crate::lull::ast::{pat_span, Decl, FunClause, Guard, Literal, Name, Pat, Rhs, RhsBody};
use crate::lull::resolve::{group_bindings, BindingKind};
use crate::lull::types::{Ty, TyCon};
use crate::span::Span;

/// What matching a pattern against the value of `var` takes.
pub(super) enum Plan {
    /// Always matches (variables, wildcards, and as-patterns' names).
    Any,
    /// A constructor with the plans of its fields.
    Con { var: VarId, con: ConRef, others: bool, fields: Vec<(VarId, Plan)> },
    /// A boxed integer or character literal: the box and the value.
    Int { var: VarId, boxc: ConRef, n: i64 },
    /// A `Double` literal.
    Float { var: VarId, x: f64 },
    /// Several plans on the same value, in order.
    Seq(Vec<Plan>),
    /// Lazily bound variables of an irrefutable pattern.
    Lazy(Vec<(VarId, Expr)>),
}

impl Lowerer<'_> {
    /// An atom for a failure expression: errors and variables are used as
    /// they are; anything else is named around what `k` builds, see Note
    /// [Failure is a join point].
    pub(super) fn with_fail(&mut self, fail: Expr, k: impl FnOnce(&mut Self, Expr) -> Expr) -> Expr {
        match fail {
            Expr::Var(_) | Expr::Error { .. } | Expr::Global(_) => k(self, fail),
            e => {
                let f = self.b.var("fail", Rep::Value);
                let mut body = k(self, B::var_ref(f));
                match uses(&body, f) {
                    Uses { count: 0, .. } => body,
                    Uses { count: 1, under_lambda: false } => {
                        // The one use takes `e` itself (a failure expression
                        // holds every equation below it: no copy).
                        let mut e = Some(e);
                        replace_var(&mut body, f, &mut |v| e.take().unwrap_or(B::var_ref(v)));
                        body
                    }
                    _ => {
                        let unit = B::con(self.known.unit, vec![]);
                        replace_var(&mut body, f, &mut |v| B::app(B::var_ref(v), vec![unit.clone()]));
                        let u = self.b.var("u", Rep::Value);
                        B::let_(f, B::lam(vec![u], e), body)
                    }
                }
            }
        }
    }

    /// A function from its equations.
    pub(super) fn function(&mut self, ctx: &Ctx, name: &Name, clauses: &[&FunClause]) -> Expr {
        let arity = clauses[0].args.len();
        let span = clauses.iter().fold(clauses[0].span, |s, c| s.to(c.span));
        let final_fail = ctx.pattern_fail(&format!("Non-exhaustive patterns in function {}", name.text), span);
        if arity == 0 {
            return self.rhs(ctx, &clauses[0].rhs, Some(final_fail), clauses[0].span);
        }
        let params: Vec<VarId> = (0..arity).map(|i| self.b.var(&format!("a{i}"), Rep::Value)).collect();
        let body = self.equations(
            ctx,
            &params,
            clauses.iter().map(|c| (c.args.as_slice(), &c.rhs, c.span)).collect(),
            final_fail,
        );
        B::lam(params, body)
    }

    /// Equations over the values of `vars`, tried in order.
    pub(super) fn equations(
        &mut self,
        ctx: &Ctx,
        vars: &[VarId],
        eqs: Vec<(&[Pat], &Rhs, Span)>,
        final_fail: Expr,
    ) -> Expr {
        let mut acc = final_fail;
        for (pats, rhs, span) in eqs.into_iter().rev() {
            acc = self.with_fail(acc, |l, fail| {
                let mark = l.locals.len();
                let plans: Vec<Plan> = vars.iter().zip(pats).map(|(v, p)| l.plan(ctx, *v, p)).collect();
                let body = l.rhs(ctx, rhs, Some(fail.clone()), span);
                l.locals.truncate(mark);
                plans.into_iter().rev().fold(body, |k, p| l.build(p, k, &fail))
            });
        }
        acc
    }

    /// One alternative or equation's right-hand side: `where` bindings
    /// around guards; `fail` is taken when every guard fails.
    pub(super) fn rhs(&mut self, ctx: &Ctx, rhs: &Rhs, fail: Option<Expr>, span: Span) -> Expr {
        let fail = fail.unwrap_or_else(|| ctx.pattern_fail("Non-exhaustive guards in a definition", span));
        self.local_decls(ctx, &rhs.wheres, |l| match &rhs.body {
            RhsBody::Plain(e) => l.expr(ctx, e),
            RhsBody::Guarded(gs) => {
                let mut acc = fail;
                for g in gs.iter().rev() {
                    acc = l.with_fail(acc, |l, fail| l.guards(ctx, &g.guards, &g.body, &fail));
                }
                acc
            }
        })
    }

    fn guards(&mut self, ctx: &Ctx, gs: &[Guard], body: &crate::lull::ast::Expr, fail: &Expr) -> Expr {
        let Some((g, rest)) = gs.split_first() else {
            return self.expr(ctx, body);
        };
        match g {
            Guard::Bool(e) => {
                let c = self.expr(ctx, e);
                let k = self.guards(ctx, rest, body, fail);
                self.if_bool(c, k, fail.clone())
            }
            Guard::Let(ds, _) => self.local_decls(ctx, ds, |l| l.guards(ctx, rest, body, fail)),
            Guard::Pat(p, e) => {
                let ev = self.expr(ctx, e);
                let t = self.b.var("g", Rep::Value);
                let mark = self.locals.len();
                let plan = self.plan(ctx, t, p);
                let k = self.guards(ctx, rest, body, fail);
                self.locals.truncate(mark);
                let matched = self.build(plan, k, fail);
                B::let_(t, ev, matched)
            }
        }
    }

    /// A `let` or `where` declaration list around what `k` lowers: one
    /// `letrec` of every binding (pattern bindings select their variables
    /// lazily from a shared value).
    pub(super) fn local_decls(&mut self, ctx: &Ctx, decls: &[Decl], k: impl FnOnce(&mut Self) -> Expr) -> Expr {
        let mut ignored = Vec::new();
        let group = group_bindings(decls, false, &mut ignored);
        if group.bindings.is_empty() {
            return k(self);
        }
        let mark = self.locals.len();
        let mut vars: Vec<Vec<VarId>> = Vec::new();
        for binding in &group.bindings {
            let vs: Vec<VarId> = binding
                .binders
                .iter()
                .map(|n| {
                    let v = self.b.var(&n.text, Rep::Value);
                    self.locals.push((n.text.clone(), v));
                    v
                })
                .collect();
            vars.push(vs);
        }
        let mut binds = Vec::new();
        for (binding, vs) in group.bindings.iter().zip(&vars) {
            match &binding.kind {
                BindingKind::Fun { name, clauses } => binds.push((vs[0], self.function(ctx, name, clauses))),
                BindingKind::Pat(pb) => {
                    if super::simple_var(&pb.pat).is_some() {
                        binds.push((vs[0], self.rhs(ctx, &pb.rhs, None, pb.span)));
                    } else {
                        let whole = self.b.var("pat", Rep::Value);
                        binds.push((whole, self.rhs(ctx, &pb.rhs, None, pb.span)));
                        for (n, v) in binding.binders.iter().zip(vs) {
                            let sel = self.lazy_select(ctx, B::var_ref(whole), &pb.pat, n, pb.span);
                            binds.push((*v, sel));
                        }
                    }
                }
            }
        }
        let body = k(self);
        self.locals.truncate(mark);
        B::letrec(binds, body)
    }

    /// The value of the variable `name` of pattern `pat` matched lazily
    /// against `whole` (an atom): an error when the match fails.
    pub(super) fn lazy_select(&mut self, ctx: &Ctx, whole: Expr, pat: &Pat, name: &Name, span: Span) -> Expr {
        let s = self.b.var("s", Rep::Value);
        let mark = self.locals.len();
        let plan = self.plan(ctx, s, pat);
        let found = self.locals[mark..].iter().rev().find(|(n, _)| *n == name.text).map(|(_, v)| *v);
        self.locals.truncate(mark);
        let fail = ctx.pattern_fail(&format!("Non-exhaustive patterns in {}", pat_text(ctx, pat, 0)), span);
        let Some(v) = found else { return fail };
        let body = self.build(plan, B::var_ref(v), &fail);
        B::let_(s, whole, body)
    }

    /// Phase 1 of matching `p` against the value of `var`: variables for
    /// the sub-values, the pattern's names in scope.
    pub(super) fn plan(&mut self, ctx: &Ctx, var: VarId, p: &Pat) -> Plan {
        match p {
            Pat::Var(n) => {
                self.locals.push((n.text.clone(), var));
                Plan::Any
            }
            Pat::Wild(_) => Plan::Any,
            Pat::Paren(q, _) | Pat::Bang(q, _) | Pat::Sig(q, _, _) => self.plan(ctx, var, q),
            Pat::As(n, q, _) => {
                self.locals.push((n.text.clone(), var));
                self.plan(ctx, var, q)
            }
            Pat::Lit(lit, span) => self.lit_plan(ctx, var, lit, false, *span),
            Pat::NegLit(lit, span) => self.lit_plan(ctx, var, lit, true, *span),
            Pat::Con(name, args, span) => {
                let Some(c) = self.con_id(&name.text) else {
                    self.error(*span, format!("internal error: unknown constructor `{}`", name.text));
                    return Plan::Any;
                };
                match self.con_ref(c) {
                    None => match args.first() {
                        Some(q) => self.plan(ctx, var, q),
                        None => Plan::Any,
                    },
                    Some(con) => {
                        let fields = args
                            .iter()
                            .enumerate()
                            .map(|(i, q)| {
                                let f = self.b.var(&format!("f{i}"), Rep::Value);
                                (f, self.plan(ctx, f, q))
                            })
                            .collect();
                        self.con_plan(var, con, fields)
                    }
                }
            }
            Pat::Tuple(ps, _) => {
                let Some(tc) = TyCon::tuple(ps.len()) else { return Plan::Any };
                let con = ConRef { data: self.data_of[&tc], tag: 0 };
                let fields = ps
                    .iter()
                    .map(|q| {
                        let f = self.b.var("t", Rep::Value);
                        (f, self.plan(ctx, f, q))
                    })
                    .collect();
                self.con_plan(var, con, fields)
            }
            Pat::Unit(_) => self.con_plan(var, self.known.unit, vec![]),
            Pat::List(ps, _) => self.list_plan(ctx, var, ps),
            Pat::Lazy(q, _) => {
                // Each variable of `~q` is a thunk that matches `q` on its
                // own when forced; `q` is planned once per variable (plans
                // are consumed by `build`) and once to learn the names.
                let mark = self.locals.len();
                let probe = self.b.var("lz", Rep::Value);
                let _ = self.plan(ctx, probe, q);
                let names: Vec<String> = self.locals.drain(mark..).map(|(n, _)| n).collect();
                let fail =
                    ctx.pattern_fail(&format!("Non-exhaustive patterns in {}", pat_text(ctx, q, 0)), pat_span(p));
                let mut binds = Vec::new();
                for n in names {
                    let inner = self.b.var("lz", Rep::Value);
                    let plan = self.plan(ctx, inner, q);
                    let v = self.locals[mark..].iter().rev().find(|(m, _)| *m == n).map(|(_, v)| *v);
                    self.locals.truncate(mark);
                    let sel = match v {
                        Some(v) => self.build(plan, B::var_ref(v), &fail),
                        None => fail.clone(),
                    };
                    let outer = self.b.var(&n, Rep::Value);
                    binds.push((outer, n, B::let_(inner, B::var_ref(var), sel)));
                }
                for (outer, n, _) in &binds {
                    self.locals.push((n.clone(), *outer));
                }
                Plan::Lazy(binds.into_iter().map(|(o, _, e)| (o, e)).collect())
            }
            Pat::OpSeq(_, span) => {
                self.error(*span, "internal error: an unresolved operator pattern");
                Plan::Any
            }
        }
    }

    fn con_plan(&self, var: VarId, con: ConRef, fields: Vec<(VarId, Plan)>) -> Plan {
        let others = self.b.module().data(con.data).cons.len() > 1;
        Plan::Con { var, con, others, fields }
    }

    fn list_plan(&mut self, ctx: &Ctx, var: VarId, ps: &[Pat]) -> Plan {
        match ps.split_first() {
            None => self.con_plan(var, self.known.nil, vec![]),
            Some((h, t)) => {
                let hv = self.b.var("h", Rep::Value);
                let hp = self.plan(ctx, hv, h);
                let tv = self.b.var("tl", Rep::Value);
                let tp = self.list_plan(ctx, tv, t);
                self.con_plan(var, self.known.cons, vec![(hv, hp), (tv, tp)])
            }
        }
    }

    fn lit_plan(&mut self, ctx: &Ctx, var: VarId, lit: &Literal, neg: bool, span: Span) -> Plan {
        let ty = ctx.tables.lit_types.get(&span);
        let is_double = matches!(ty, Some(Ty::Con(TyCon::DOUBLE, _)));
        match lit {
            Literal::Int(n) if is_double => {
                let x = *n as f64;
                Plan::Float { var, x: if neg { -x } else { x } }
            }
            Literal::Int(n) => {
                let n = *n as i64;
                Plan::Int { var, boxc: self.known.int, n: if neg { n.wrapping_neg() } else { n } }
            }
            Literal::Float(x) => Plan::Float { var, x: if neg { -x } else { *x } },
            Literal::Char(c) => Plan::Int { var, boxc: self.known.chr, n: *c as i64 },
            Literal::String(s) => {
                // A string pattern is the list of its characters.
                let mut vars = Vec::new();
                let mut cur = var;
                let mut plans = Vec::new();
                for c in s.chars() {
                    let hv = self.b.var("sc", Rep::Value);
                    let tv = self.b.var("st", Rep::Value);
                    vars.push((cur, hv, tv, c));
                    cur = tv;
                }
                let mut tail = self.con_plan(cur, self.known.nil, vec![]);
                for (v, hv, tv, c) in vars.into_iter().rev() {
                    let head = Plan::Int { var: hv, boxc: self.known.chr, n: c as i64 };
                    tail = self.con_plan(v, self.known.cons, vec![(hv, head), (tv, tail)]);
                }
                plans.push(tail);
                Plan::Seq(plans)
            }
        }
    }

    /// Phase 2: the tests of `plan` around `success`; `fail` (an atom) when
    /// one fails.
    pub(super) fn build(&mut self, plan: Plan, success: Expr, fail: &Expr) -> Expr {
        match plan {
            Plan::Any => success,
            Plan::Seq(ps) => ps.into_iter().rev().fold(success, |k, p| self.build(p, k, fail)),
            Plan::Lazy(binds) => binds.into_iter().rev().fold(success, |k, (v, e)| B::let_(v, e, k)),
            Plan::Con { var, con, others, fields } => {
                let vars: Vec<VarId> = fields.iter().map(|(v, _)| *v).collect();
                let inner = fields.into_iter().rev().fold(success, |k, (_, p)| self.build(p, k, fail));
                let bnd = self.b.var("cb", Rep::Value);
                B::case(
                    B::var_ref(var),
                    bnd,
                    vec![Alt { pat: CPat::Con(con, vars), body: inner }],
                    others.then(|| fail.clone()),
                )
            }
            Plan::Int { var, boxc, n } => {
                let raw = self.b.var("n", Rep::Int64);
                let bnd = self.b.var("lb", Rep::Int64);
                let test = B::case(
                    B::var_ref(raw),
                    bnd,
                    vec![Alt { pat: CPat::Lit(Lit::Int(n)), body: success }],
                    Some(fail.clone()),
                );
                let cb = self.b.var("cb", Rep::Value);
                B::case(B::var_ref(var), cb, vec![Alt { pat: CPat::Con(boxc, vec![raw]), body: test }], None)
            }
            Plan::Float { var, x } => {
                let raw = self.b.var("x", Rep::Float64);
                let bnd = self.b.var("lb", Rep::Float64);
                let test = B::case(
                    B::var_ref(raw),
                    bnd,
                    vec![Alt { pat: CPat::Lit(Lit::Float(x)), body: success }],
                    Some(fail.clone()),
                );
                let cb = self.b.var("cb", Rep::Value);
                B::case(
                    B::var_ref(var),
                    cb,
                    vec![Alt { pat: CPat::Con(self.known.double, vec![raw]), body: test }],
                    None,
                )
            }
        }
    }
}

/// A pattern as GHC prints it in "Non-exhaustive patterns in PAT" (the
/// error of a lazy pattern that does not match): constructors applied with
/// spaces, infix constructors with a space on each side, parentheses only
/// where precedence needs them. `prec` is 0 at the top, 1 as the operand of
/// an infix constructor, 2 as a constructor's argument.
fn pat_text(ctx: &Ctx, p: &Pat, prec: u8) -> String {
    let paren = |text: String, needs: bool| if needs { format!("({text})") } else { text };
    match p {
        Pat::Var(n) => n.text.clone(),
        Pat::Wild(_) => "_".into(),
        Pat::Lit(_, span) => ctx.text(*span).to_string(),
        Pat::NegLit(_, span) => paren(ctx.text(*span).to_string(), prec > 0),
        Pat::Con(n, args, _) if args.is_empty() => n.text.clone(),
        Pat::Con(n, args, _) if args.len() == 2 && n.text.starts_with(':') => {
            let text = format!("{} {} {}", pat_text(ctx, &args[0], 1), n.text, pat_text(ctx, &args[1], 1));
            paren(text, prec > 0)
        }
        Pat::Con(n, args, _) => {
            let parts: Vec<String> = args.iter().map(|a| pat_text(ctx, a, 2)).collect();
            paren(format!("{} {}", n.text, parts.join(" ")), prec > 1)
        }
        Pat::Tuple(ps, _) => format!("({})", ps.iter().map(|q| pat_text(ctx, q, 0)).collect::<Vec<_>>().join(", ")),
        Pat::Unit(_) => "()".into(),
        Pat::List(ps, _) => format!("[{}]", ps.iter().map(|q| pat_text(ctx, q, 0)).collect::<Vec<_>>().join(", ")),
        Pat::As(n, q, _) => format!("{}@{}", n.text, pat_text(ctx, q, 2)),
        Pat::Lazy(q, _) => format!("~{}", pat_text(ctx, q, 2)),
        Pat::Bang(q, _) => format!("!{}", pat_text(ctx, q, 2)),
        Pat::Paren(q, _) | Pat::Sig(q, _, _) => pat_text(ctx, q, prec),
        Pat::OpSeq(_, span) => ctx.text(*span).to_string(),
    }
}

/// How often a variable occurs, and whether some occurrence is under a
/// lambda (where moving an expression could repeat its work).
struct Uses {
    count: usize,
    under_lambda: bool,
}

fn uses(e: &Expr, v: VarId) -> Uses {
    let mut found = Uses { count: 0, under_lambda: false };
    let mut stack = vec![(e, false)];
    while let Some((e, lam)) = stack.pop() {
        match e {
            Expr::Var(w) if *w == v => {
                found.count += 1;
                found.under_lambda |= lam;
            }
            Expr::Lam(_, body) => stack.push((body, true)),
            _ => e.for_each_child(|c| stack.push((c, lam))),
        }
    }
    found
}

/// Replaces every occurrence of `v` in `e` by `by(v)`.
fn replace_var(e: &mut Expr, v: VarId, by: &mut impl FnMut(VarId) -> Expr) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if matches!(e, Expr::Var(w) if *w == v) {
            *e = by(v);
            continue;
        }
        e.for_each_child_mut(|c| stack.push(c));
    }
}
