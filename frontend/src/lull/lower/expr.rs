//! Expressions: variables, constructors, application, operators and
//! sections, `let`, `if`, `case`, `do` (token passing, Note
//! [Representation of Lull values] in `mod.rs`), tuples and lists, list
//! comprehensions (Wadler's translation, no `++`), and ranges.

use lull_middle::core::builder::Builder as B;
use lull_middle::core::ir::{Alt, ConRef, Expr, Pat as CPat, PrimOp, Rep, StrLit, VarId};

use super::{Bound, Ctx, Lowerer};
use crate::lull::ast::{expr_span, Expr as E, Literal, Name, Stmt};
use crate::lull::types::{Ty, TyCon};
use crate::span::Span;

impl Lowerer<'_> {
    pub(super) fn expr(&mut self, ctx: &Ctx, e: &E) -> Expr {
        match e {
            E::Var(n) => self.var(ctx, n),
            E::Con(n) => self.con(ctx, n, Vec::new()),
            E::Lit(lit, span) => self.literal(ctx, lit, *span),
            E::App(f, args, _) => {
                let args: Vec<Expr> = args.iter().map(|a| self.expr(ctx, a)).collect();
                self.apply(ctx, f, args)
            }
            E::BinOp(op, l, r, _) => {
                let args = vec![self.expr(ctx, l), self.expr(ctx, r)];
                self.apply_name(ctx, op, args)
            }
            E::Neg(x, span) => {
                let x = self.expr(ctx, x);
                let ty = ctx.tables.expr_types.get(span).cloned();
                let neg = self.numeric_unary(ty.as_ref(), PrimOp::INeg, PrimOp::FNeg);
                B::app(neg, vec![x])
            }
            E::LeftSection(x, op, _) => {
                let x = self.expr(ctx, x);
                self.apply_name(ctx, op, vec![x])
            }
            E::RightSection(op, x, _) => {
                let x = self.expr(ctx, x);
                self.share(x, "r", |l, x| {
                    let a = l.b.var("l", Rep::Value);
                    let body = l.apply_name(ctx, op, vec![B::var_ref(a), x]);
                    B::lam(vec![a], body)
                })
            }
            E::Lam(pats, body, span) => {
                let params: Vec<VarId> = (0..pats.len()).map(|i| self.b.var(&format!("p{i}"), Rep::Value)).collect();
                let fail = ctx.pattern_fail("Non-exhaustive patterns in lambda", *span);
                let mark = self.locals.len();
                let plans: Vec<_> = params.iter().zip(pats).map(|(v, p)| self.plan(ctx, *v, p)).collect();
                let b = self.expr(ctx, body);
                self.locals.truncate(mark);
                let matched = plans.into_iter().rev().fold(b, |k, p| self.build(p, k, &fail));
                B::lam(params, matched)
            }
            E::Let(decls, body, _) => self.local_decls(ctx, decls, |l| l.expr(ctx, body)),
            E::If(c, t, f, _) => {
                let c = self.expr(ctx, c);
                let t = self.expr(ctx, t);
                let f = self.expr(ctx, f);
                self.if_bool(c, t, f)
            }
            E::Case(scrut, alts, span) => {
                let s = self.expr(ctx, scrut);
                let v = self.b.var("scrut", Rep::Value);
                let fail = ctx.pattern_fail("Non-exhaustive patterns in case", *span);
                let eqs = alts.iter().map(|a| (std::slice::from_ref(&a.pat), &a.rhs, a.span)).collect();
                let body = self.equations(ctx, &[v], eqs, fail);
                B::let_(v, s, body)
            }
            E::Do(stmts, span) => {
                let w = self.b.var("w", Rep::Value);
                let body = self.do_stmts(ctx, stmts, w, *span);
                B::lam(vec![w], body)
            }
            E::Tuple(items, _) => {
                let args: Vec<Expr> = items.iter().map(|a| self.expr(ctx, a)).collect();
                match TyCon::tuple(args.len()) {
                    Some(tc) => B::con(ConRef { data: self.data_of[&tc], tag: 0 }, args),
                    None => {
                        self.error(expr_span(e), "tuples have at most 7 components");
                        B::error(Rep::Value, "tuple")
                    }
                }
            }
            E::Unit(_) => B::con(self.known.unit, vec![]),
            E::List(items, _) => {
                let items: Vec<Expr> = items.iter().map(|a| self.expr(ctx, a)).collect();
                self.list(items)
            }
            E::Range { from, then, to, span } => self.range(ctx, from, then.as_deref(), to.as_deref(), *span),
            E::Comprehension(head, quals, _) => {
                let nil = B::con(self.known.nil, vec![]);
                self.comprehension(ctx, head, quals, nil)
            }
            E::Ann(x, _, _) | E::Paren(x, _) => self.expr(ctx, x),
            E::OpSeq(_, span) => {
                self.error(*span, "internal error: an unresolved operator expression");
                B::error(Rep::Value, "unresolved")
            }
        }
    }

    /// A variable occurrence.
    fn var(&mut self, ctx: &Ctx, n: &Name) -> Expr {
        match self.lookup(ctx, &n.text) {
            Some(Bound::Local(v)) => B::var_ref(v),
            Some(Bound::Global(g)) => B::global(g),
            None => {
                let ty = ctx.ty(n.span).cloned();
                match self.builtin(ctx, &n.text, ty.as_ref(), n.span) {
                    Some(e) => e,
                    None => {
                        self.error(n.span, format!("internal error: `{}` has no definition to lower", n.text));
                        B::error(Rep::Value, "undefined builtin")
                    }
                }
            }
        }
    }

    /// `f args`, with constructors applied directly.
    fn apply(&mut self, ctx: &Ctx, f: &E, args: Vec<Expr>) -> Expr {
        match f {
            E::Con(n) => self.con(ctx, n, args),
            E::Var(n) => self.apply_name(ctx, n, args),
            E::Paren(inner, _) => self.apply(ctx, inner, args),
            _ => {
                let f = self.expr(ctx, f);
                B::app(f, args)
            }
        }
    }

    /// An operator or name (variable or constructor) applied to `args`.
    fn apply_name(&mut self, ctx: &Ctx, n: &Name, mut args: Vec<Expr>) -> Expr {
        if n.text.starts_with(':') || n.text.starts_with(|c: char| c.is_uppercase()) {
            return self.con(ctx, n, args);
        }
        let f = self.var(ctx, n);
        // `seq a b`, `a && b`, `a || b` and `f $ x` applied in place: `b`
        // is then a tail expression, not a lazy argument (entering it as a
        // thunk would push an update frame per iteration of loops like
        // `m \`seq\` go m xs` or `p x && all p xs`).
        if let Some(how) = self.in_place(&f).filter(|_| args.len() >= 2) {
            let rest = args.split_off(2);
            let Ok([a, b]) = <[Expr; 2]>::try_from(args) else { unreachable!("two operands were split off") };
            let applied = match how {
                InPlace::Seq => {
                    let bnd = self.b.var("s", Rep::Value);
                    B::case(a, bnd, vec![], Some(b))
                }
                InPlace::And => {
                    let no = B::con(self.known.false_, vec![]);
                    self.if_bool(a, b, no)
                }
                InPlace::Or => {
                    let yes = B::con(self.known.true_, vec![]);
                    self.if_bool(a, yes, b)
                }
                InPlace::Apply => B::app(a, vec![b]),
            };
            return B::app(applied, rest);
        }
        B::app(f, args)
    }

    /// Which of the library functions lowered in place `f` is.
    fn in_place(&self, f: &Expr) -> Option<InPlace> {
        let Expr::Global(g) = f else { return None };
        let is = |name: &str| self.lib.get(name) == Some(g);
        if self.builtin_globals.get("lull'seq") == Some(g) {
            Some(InPlace::Seq)
        } else if is("&&") {
            Some(InPlace::And)
        } else if is("||") {
            Some(InPlace::Or)
        } else if is("$") {
            Some(InPlace::Apply)
        } else {
            None
        }
    }

    /// A constructor applied to `args` (possibly none, possibly fewer than
    /// its fields).
    fn con(&mut self, _ctx: &Ctx, n: &Name, args: Vec<Expr>) -> Expr {
        let Some(c) = self.con_id(&n.text) else {
            self.error(n.span, format!("internal error: unknown constructor `{}`", n.text));
            return B::error(Rep::Value, "unknown constructor");
        };
        let dc = &self.globals.datacons[c];
        let nfields = dc.fields.len();
        let strict: Vec<bool> = dc.strict.clone();
        let Some(con) = self.con_ref(c) else {
            // A newtype constructor is the identity.
            let mut args = args;
            if args.is_empty() {
                let x = self.b.var("x", Rep::Value);
                return B::lam(vec![x], B::var_ref(x));
            }
            let first = args.remove(0);
            return B::app(first, args);
        };
        if args.len() == nfields {
            return self.saturated_con(con, &strict, args);
        }
        if nfields == 0 {
            return B::app(B::con(con, vec![]), args);
        }
        let g = match self.con_funs.get(&c) {
            Some(g) => *g,
            None => {
                let params: Vec<VarId> = (0..nfields).map(|i| self.b.var(&format!("c{i}"), Rep::Value)).collect();
                let body = self.saturated_con(con, &strict, params.iter().map(|v| B::var_ref(*v)).collect());
                let g = self.b.def(&n.text, B::lam(params, body));
                self.con_funs.insert(c, g);
                g
            }
        };
        B::app(B::global(g), args)
    }

    /// `K a1 .. an`, forcing the strict fields first.
    fn saturated_con(&mut self, con: ConRef, strict: &[bool], args: Vec<Expr>) -> Expr {
        let mut binds = Vec::new();
        let mut fields = Vec::new();
        for (i, a) in args.into_iter().enumerate() {
            if strict.get(i).copied().unwrap_or(false) {
                let v = self.b.var("s", Rep::Value);
                binds.push((v, a));
                fields.push(B::var_ref(v));
            } else {
                fields.push(a);
            }
        }
        binds.into_iter().rev().fold(B::con(con, fields), |k, (v, e)| B::let_strict(vec![v], e, k))
    }

    pub(super) fn boxed_int(&self, n: i64) -> Expr {
        B::con(self.known.int, vec![B::int(n)])
    }

    fn literal(&mut self, ctx: &Ctx, lit: &Literal, span: Span) -> Expr {
        let ty = ctx.tables.lit_types.get(&span);
        let is_double = matches!(ty, Some(Ty::Con(TyCon::DOUBLE, _)));
        match lit {
            Literal::Int(n) if is_double => B::con(self.known.double, vec![B::float(*n as f64)]),
            Literal::Int(n) => self.boxed_int(*n as i64),
            Literal::Float(x) => B::con(self.known.double, vec![B::float(*x)]),
            Literal::Char(c) => B::con(self.known.chr, vec![B::int(*c as i64)]),
            Literal::String(s) => self.string(s),
        }
    }

    pub(super) fn string(&self, s: &str) -> Expr {
        Expr::Str(Box::new(StrLit {
            text: s.to_string(),
            nil: self.known.nil,
            cons: self.known.cons,
            chr: self.known.chr,
        }))
    }

    /// The statements of a `do` block run with the token `w`: the result
    /// is the last action's `IORes`.
    fn do_stmts(&mut self, ctx: &Ctx, stmts: &[Stmt], w: VarId, span: Span) -> Expr {
        let Some((s, rest)) = stmts.split_first() else {
            self.error(span, "the last statement of a `do` block must be an expression");
            return B::error(Rep::Value, "empty do");
        };
        match s {
            Stmt::Expr(e, _) if rest.is_empty() => {
                let e = self.expr(ctx, e);
                B::app(e, vec![B::var_ref(w)])
            }
            Stmt::Expr(e, _) => {
                let e = self.expr(ctx, e);
                let (w1, r) = (self.b.var("w", Rep::Value), self.b.var("r", Rep::Value));
                let k = self.do_stmts(ctx, rest, w1, span);
                self.io_case(B::app(e, vec![B::var_ref(w)]), w1, r, k)
            }
            Stmt::Bind(p, e, sspan) => {
                if rest.is_empty() {
                    self.error(*sspan, "the last statement of a `do` block must be an expression");
                    return B::error(Rep::Value, "do");
                }
                let e = self.expr(ctx, e);
                let (w1, r) = (self.b.var("w", Rep::Value), self.b.var("r", Rep::Value));
                let mark = self.locals.len();
                let plan = self.plan(ctx, r, p);
                let k = self.do_stmts(ctx, rest, w1, span);
                self.locals.truncate(mark);
                let fail = Expr::Error {
                    rep: Rep::Value,
                    msg: "Pattern match failure in do expression".into(),
                    loc: Some(ctx.loc(crate::lull::ast::pat_span(p))),
                };
                let k = self.build(plan, k, &fail);
                self.io_case(B::app(e, vec![B::var_ref(w)]), w1, r, k)
            }
            Stmt::Let(decls, sspan) => {
                if rest.is_empty() {
                    self.error(*sspan, "the last statement of a `do` block must be an expression");
                    return B::error(Rep::Value, "do");
                }
                self.local_decls(ctx, decls, |l| l.do_stmts(ctx, rest, w, span))
            }
        }
    }

    /// `case io of IORes(w1, r) -> k`.
    pub(super) fn io_case(&mut self, io: Expr, w1: VarId, r: VarId, k: Expr) -> Expr {
        let bnd = self.b.var("io", Rep::Value);
        B::case(io, bnd, vec![Alt { pat: CPat::Con(self.known.io_res, vec![w1, r]), body: k }], None)
    }

    /// `[head | quals] ++ tail` without `++` (tail: an atom).
    fn comprehension(&mut self, ctx: &Ctx, head: &E, quals: &[Stmt], tail: Expr) -> Expr {
        let Some((q, rest)) = quals.split_first() else {
            let h = self.expr(ctx, head);
            return B::con(self.known.cons, vec![h, tail]);
        };
        match q {
            Stmt::Expr(c, _) => {
                let c = self.expr(ctx, c);
                self.share(tail, "tl", |l, tail| {
                    let k = l.comprehension(ctx, head, rest, tail.clone());
                    l.if_bool(c, k, tail)
                })
            }
            Stmt::Let(decls, _) => self.local_decls(ctx, decls, |l| l.comprehension(ctx, head, rest, tail)),
            Stmt::Bind(p, src, _) => {
                let src = self.expr(ctx, src);
                self.share(tail, "tl", |l, tail| {
                    let go = l.b.var("go", Rep::Value);
                    let xs = l.b.var("xs", Rep::Value);
                    let (y, ys) = (l.b.var("y", Rep::Value), l.b.var("ys", Rep::Value));
                    let next = l.b.var("next", Rep::Value);
                    let mark = l.locals.len();
                    let plan = l.plan(ctx, y, p);
                    let k = l.comprehension(ctx, head, rest, B::var_ref(next));
                    l.locals.truncate(mark);
                    let matched = l.build(plan, k, &B::var_ref(next));
                    let cons_body = B::let_(next, B::app(B::var_ref(go), vec![B::var_ref(ys)]), matched);
                    let bnd = l.b.var("cb", Rep::Value);
                    let body = B::case(
                        B::var_ref(xs),
                        bnd,
                        vec![
                            Alt { pat: CPat::Con(l.known.nil, vec![]), body: tail },
                            Alt { pat: CPat::Con(l.known.cons, vec![y, ys]), body: cons_body },
                        ],
                        None,
                    );
                    B::letrec(vec![(go, B::lam(vec![xs], body))], B::app(B::var_ref(go), vec![src]))
                })
            }
        }
    }

    fn range(&mut self, ctx: &Ctx, from: &E, then: Option<&E>, to: Option<&E>, span: Span) -> Expr {
        let elem = ctx.tables.expr_types.get(&span).cloned();
        let (boxc, lo, hi) = match elem {
            Some(Ty::Con(TyCon::CHAR, _)) => (self.known.chr, 0, 0x10FFFF),
            Some(Ty::Con(TyCon::INT, _)) | None | Some(Ty::Var(_)) => (self.known.int, i64::MIN, i64::MAX),
            Some(_) => {
                self.error(span, "ranges are supported over `Int` and `Char` only");
                return B::error(Rep::Value, "range");
            }
        };
        let from = self.expr(ctx, from);
        let then = then.map(|t| self.expr(ctx, t));
        let to = to.map(|t| self.expr(ctx, t));
        let key = if boxc == self.known.chr { "Char" } else { "Int" };
        match then {
            None => {
                let to = to.unwrap_or_else(|| B::con(boxc, vec![B::int(hi)]));
                let g = self.enum_from_to(key, boxc);
                B::app(B::global(g), vec![from, to])
            }
            Some(then) => {
                let g = self.enum_from_then_to(key, boxc);
                match to {
                    Some(to) => B::app(B::global(g), vec![from, then, to]),
                    None => {
                        // The bound is the end of the type in the direction
                        // of the step.
                        self.share(from, "from", |l, from| {
                            l.share(then, "then", |l, then| {
                                let (x, y) = (l.b.var("x", Rep::Int64), l.b.var("y", Rep::Int64));
                                let up = B::con(boxc, vec![B::int(hi)]);
                                let down = B::con(boxc, vec![B::int(lo)]);
                                let bound =
                                    l.if_i64(B::prim(PrimOp::IGe, vec![B::var_ref(y), B::var_ref(x)]), up, down);
                                let to = l.unbox(from.clone(), boxc, x, |l| l.unbox(then.clone(), boxc, y, |_| bound));
                                B::app(B::global(g), vec![from, then, to])
                            })
                        })
                    }
                }
            }
        }
    }

    /// `case e of boxc(x) -> k`.
    pub(super) fn unbox(&mut self, e: Expr, boxc: ConRef, x: VarId, k: impl FnOnce(&mut Self) -> Expr) -> Expr {
        let bnd = self.b.var("bx", Rep::Value);
        let body = k(self);
        B::case(e, bnd, vec![Alt { pat: CPat::Con(boxc, vec![x]), body }], None)
    }

    /// `enumFromTo` over a box of `i64` (Int or Char).
    fn enum_from_to(&mut self, key: &str, boxc: ConRef) -> lull_middle::core::ir::GlobalId {
        let key = format!("lull'enumFromTo'{key}");
        if let Some(g) = self.builtin_globals.get(&key) {
            return *g;
        }
        let g = self.b.declare(&key);
        self.builtin_globals.insert(key, g);
        let (i, to) = (self.b.var("i", Rep::Value), self.b.var("to", Rep::Value));
        let (x, n) = (self.b.var("x", Rep::Int64), self.b.var("n", Rep::Int64));
        let next = B::app(
            B::global(g),
            vec![B::con(boxc, vec![B::prim(PrimOp::IAdd, vec![B::var_ref(x), B::int(1)])]), B::var_ref(to)],
        );
        let nil = B::con(self.known.nil, vec![]);
        let rest = self.if_i64(B::prim(PrimOp::IEq, vec![B::var_ref(x), B::var_ref(n)]), nil.clone(), next);
        let cell = B::con(self.known.cons, vec![B::var_ref(i), rest]);
        let body = self.if_i64(B::prim(PrimOp::IGt, vec![B::var_ref(x), B::var_ref(n)]), nil, cell);
        let body = self.unbox(B::var_ref(i), boxc, x, |l| l.unbox(B::var_ref(to), boxc, n, |_| body));
        self.b.define(g, B::lam(vec![i, to], body));
        g
    }

    /// `enumFromThenTo` over a box of `i64`.
    fn enum_from_then_to(&mut self, key: &str, boxc: ConRef) -> lull_middle::core::ir::GlobalId {
        let key = format!("lull'enumFromThenTo'{key}");
        if let Some(g) = self.builtin_globals.get(&key) {
            return *g;
        }
        // go i d to: i, i+d, ... while within `to` in the direction of d,
        // stopping (as GHC does) where the next element would wrap around.
        let go = self.b.declare(&format!("lull'enumStep'{key}"));
        let (i, d, to) = (self.b.var("i", Rep::Value), self.b.var("d", Rep::Value), self.b.var("to", Rep::Value));
        let (x, k, n) = (self.b.var("x", Rep::Int64), self.b.var("k", Rep::Int64), self.b.var("n", Rep::Int64));
        let nil = B::con(self.known.nil, vec![]);
        let y = || B::prim(PrimOp::IAdd, vec![B::var_ref(x), B::var_ref(k)]);
        let next = B::app(B::global(go), vec![B::con(boxc, vec![y()]), B::var_ref(d), B::var_ref(to)]);
        let next_up = self.if_i64(B::prim(PrimOp::ILt, vec![y(), B::var_ref(x)]), nil.clone(), next.clone());
        let next_down = self.if_i64(B::prim(PrimOp::IGt, vec![y(), B::var_ref(x)]), nil.clone(), next);
        let cell_up = B::con(self.known.cons, vec![B::var_ref(i), next_up]);
        let cell_down = B::con(self.known.cons, vec![B::var_ref(i), next_down]);
        let up = self.if_i64(B::prim(PrimOp::IGt, vec![B::var_ref(x), B::var_ref(n)]), nil.clone(), cell_up);
        let down = self.if_i64(B::prim(PrimOp::ILt, vec![B::var_ref(x), B::var_ref(n)]), nil, cell_down);
        let body = self.if_i64(B::prim(PrimOp::IGe, vec![B::var_ref(k), B::int(0)]), up, down);
        let body = self.unbox(B::var_ref(i), boxc, x, |l| {
            l.unbox(B::var_ref(d), l.known.int, k, |l| l.unbox(B::var_ref(to), boxc, n, |_| body))
        });
        self.b.define(go, B::lam(vec![i, d, to], body));
        // enumFromThenTo a b c = go a (b - a) c
        let g = self.b.declare(&key);
        self.builtin_globals.insert(key, g);
        let (a, bb, c) = (self.b.var("a", Rep::Value), self.b.var("b", Rep::Value), self.b.var("c", Rep::Value));
        let (xa, xb) = (self.b.var("xa", Rep::Int64), self.b.var("xb", Rep::Int64));
        let step = B::con(self.known.int, vec![B::prim(PrimOp::ISub, vec![B::var_ref(xb), B::var_ref(xa)])]);
        let body = self.unbox(B::var_ref(a), boxc, xa, |l| {
            l.unbox(B::var_ref(bb), boxc, xb, |_| B::app(B::global(go), vec![B::var_ref(a), step, B::var_ref(c)]))
        });
        self.b.define(g, B::lam(vec![a, bb, c], body));
        g
    }
}

/// The library functions that [`Lowerer::in_place`] recognises.
enum InPlace {
    Seq,
    And,
    Or,
    Apply,
}
