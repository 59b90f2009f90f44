//! The builtins: library names declared by a signature without a body
//! (frontend/lib/README.md), which lowering implements in Core, chosen by
//! the type the name is used at (LANGUAGE.md 1.6: arithmetic over `Int`
//! or `Double`, structural comparison and `show` on every type). Each is
//! made into a global once per type it is used at.

use lull_middle::core::builder::Builder as B;
use lull_middle::core::ir::{Alt, ConRef, Expr, Pat as CPat, PrimOp, Rep, VarId};

use super::{Ctx, Lowerer};
use crate::lull::types::{Ty, TyCon};
use crate::span::Span;

/// The type a builtin works at, as far as it matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum At {
    Int,
    Double,
    Char,
    /// A data type (not a box), with its type constructor.
    Data(TyCon),
    Other,
}

fn at(ty: Option<&Ty>) -> At {
    match ty {
        Some(Ty::Con(TyCon::INT, _)) => At::Int,
        Some(Ty::Con(TyCon::DOUBLE, _)) => At::Double,
        Some(Ty::Con(TyCon::CHAR, _)) => At::Char,
        Some(Ty::Con(tc, _)) if *tc != TyCon::FUN && *tc != TyCon::IO => At::Data(*tc),
        _ => At::Other,
    }
}

fn arg(ty: Option<&Ty>, i: usize) -> Option<&Ty> {
    let mut t = ty?;
    for _ in 0..i {
        t = t.as_fun()?.1;
    }
    t.as_fun().map(|(a, _)| a)
}

fn result(ty: Option<&Ty>) -> Option<&Ty> {
    let mut t = ty?;
    while let Some((_, r)) = t.as_fun() {
        t = r;
    }
    Some(t)
}

impl Lowerer<'_> {
    /// A global made once per key.
    pub(super) fn memo(&mut self, key: String, make: impl FnOnce(&mut Self) -> Expr) -> Expr {
        if let Some(g) = self.builtin_globals.get(&key) {
            return B::global(*g);
        }
        let g = self.b.declare(&key);
        self.builtin_globals.insert(key, g);
        let body = make(self);
        self.b.define(g, body);
        B::global(g)
    }

    /// A library definition by name (the library defines it in Lull).
    pub(super) fn lib_global(&mut self, name: &str, span: Span) -> Expr {
        match self.lib.get(name) {
            Some(g) => B::global(*g),
            None => {
                self.error(span, format!("internal error: the library does not define `{name}`"));
                B::error(Rep::Value, "missing library definition")
            }
        }
    }

    fn vars(&mut self, n: usize) -> Vec<VarId> {
        (0..n).map(|i| self.b.var(&format!("x{i}"), Rep::Value)).collect()
    }

    fn box_of(&self, a: At) -> (ConRef, Rep) {
        match a {
            At::Double => (self.known.double, Rep::Float64),
            At::Char => (self.known.chr, Rep::Int64),
            _ => (self.known.int, Rep::Int64),
        }
    }

    /// `\a b. unbox a, unbox b, k(x, y)` over one box type.
    fn binary(&mut self, a: At, k: impl FnOnce(&mut Self, Expr, Expr) -> Expr) -> Expr {
        let ps = self.vars(2);
        let (boxc, rep) = self.box_of(a);
        let (x, y) = (self.b.var("x", rep), self.b.var("y", rep));
        let body = k(self, B::var_ref(x), B::var_ref(y));
        let body = self.unbox(B::var_ref(ps[0]), boxc, x, |l| l.unbox(B::var_ref(ps[1]), boxc, y, |_| body));
        B::lam(ps, body)
    }

    fn unary(&mut self, from: (ConRef, Rep), k: impl FnOnce(&mut Self, Expr) -> Expr) -> Expr {
        let ps = self.vars(1);
        let x = self.b.var("x", from.1);
        let body = k(self, B::var_ref(x));
        let body = self.unbox(B::var_ref(ps[0]), from.0, x, |_| body);
        B::lam(ps, body)
    }

    /// `negate` at the type of a negation.
    pub(super) fn numeric_unary(&mut self, ty: Option<&Ty>, iop: PrimOp, fop: PrimOp) -> Expr {
        let a = if at(ty) == At::Double { At::Double } else { At::Int };
        let key = format!("lull'{}'{:?}", if a == At::Double { fop } else { iop }, a);
        self.memo(key, |l| {
            let (boxc, rep) = l.box_of(a);
            let op = if a == At::Double { fop } else { iop };
            l.unary((boxc, rep), |_, x| B::con(boxc, vec![B::prim(op, vec![x])]))
        })
    }

    fn arith(&mut self, ty: Option<&Ty>, iop: Option<PrimOp>, fop: PrimOp) -> Expr {
        let a = if at(ty) == At::Double || iop.is_none() { At::Double } else { At::Int };
        let op = if a == At::Double { fop } else { iop.unwrap_or(fop) };
        self.memo(format!("lull'{op}'{a:?}"), |l| {
            let (boxc, _) = l.box_of(a);
            l.binary(a, |_, x, y| B::con(boxc, vec![B::prim(op, vec![x, y])]))
        })
    }

    /// A comparison operator at the type of its operands.
    fn comparison(&mut self, name: &str, ty: Option<&Ty>, span: Span) -> Expr {
        let a = at(ty);
        let prims = |a: At| -> Option<(PrimOp, PrimOp)> {
            // (the comparison itself, equality for `compare`)
            let f = a == At::Double;
            Some(match name {
                "==" => (if f { PrimOp::FEq } else { PrimOp::IEq }, PrimOp::IEq),
                "/=" => (if f { PrimOp::FNe } else { PrimOp::INe }, PrimOp::IEq),
                "<" => (if f { PrimOp::FLt } else { PrimOp::ILt }, PrimOp::IEq),
                "<=" => (if f { PrimOp::FLe } else { PrimOp::ILe }, PrimOp::IEq),
                ">" => (if f { PrimOp::FGt } else { PrimOp::IGt }, PrimOp::IEq),
                ">=" => (if f { PrimOp::FGe } else { PrimOp::IGe }, PrimOp::IEq),
                "compare" => (if f { PrimOp::FLt } else { PrimOp::ILt }, if f { PrimOp::FEq } else { PrimOp::IEq }),
                _ => return None,
            })
        };
        if matches!(a, At::Int | At::Double | At::Char) {
            let Some((op, eq)) = prims(a) else { return B::error(Rep::Value, "comparison") };
            return self.memo(format!("lull'{name}'{a:?}"), |l| {
                l.binary(a, |l, x, y| {
                    if name == "compare" {
                        let (lt, eqc, gt) = (l.known.lt, l.known.eq, l.known.gt);
                        let inner =
                            l.if_i64(B::prim(eq, vec![x.clone(), y.clone()]), B::con(eqc, vec![]), B::con(gt, vec![]));
                        l.if_i64(B::prim(op, vec![x, y]), B::con(lt, vec![]), inner)
                    } else {
                        l.bool_of_i64(B::prim(op, vec![x, y]))
                    }
                })
            });
        }
        match name {
            "==" => self.lib_global("lull'eq", span),
            "compare" => self.lib_global("lull'compare", span),
            "/=" => {
                let eq = self.lib_global("lull'eq", span);
                self.memo("lull'ne".into(), |l| {
                    let ps = l.vars(2);
                    let (t, f) = (l.bool_expr(true), l.bool_expr(false));
                    let body = l.if_bool(B::app(eq, vec![B::var_ref(ps[0]), B::var_ref(ps[1])]), f, t);
                    B::lam(ps, body)
                })
            }
            _ => {
                let cmp = self.lib_global("lull'compare", span);
                // Which results of `compare` make the operator true.
                let (lt, eq, gt) = match name {
                    "<" => (true, false, false),
                    "<=" => (true, true, false),
                    ">" => (false, false, true),
                    _ => (false, true, true),
                };
                self.memo(format!("lull'{name}'generic"), |l| {
                    let ps = l.vars(2);
                    let bnd = l.b.var("o", Rep::Value);
                    let alts = vec![
                        Alt { pat: CPat::Con(l.known.lt, vec![]), body: l.bool_expr(lt) },
                        Alt { pat: CPat::Con(l.known.eq, vec![]), body: l.bool_expr(eq) },
                        Alt { pat: CPat::Con(l.known.gt, vec![]), body: l.bool_expr(gt) },
                    ];
                    B::lam(
                        ps.clone(),
                        B::case(B::app(cmp, vec![B::var_ref(ps[0]), B::var_ref(ps[1])]), bnd, alts, None),
                    )
                })
            }
        }
    }

    /// `show` at the type of its argument.
    pub(super) fn show_at(&mut self, ty: Option<&Ty>, span: Span) -> Expr {
        match ty {
            Some(Ty::Con(TyCon::INT, _)) => self.lib_global("lull'showInt", span),
            Some(Ty::Con(TyCon::DOUBLE, _)) => self.lib_global("lull'showDouble", span),
            Some(Ty::Con(TyCon::CHAR, _)) => self.lib_global("lull'showChar", span),
            Some(Ty::Con(TyCon::LIST, args)) if matches!(args.first(), Some(Ty::Con(TyCon::CHAR, _))) => {
                self.lib_global("lull'showString", span)
            }
            _ => {
                let shows = self.lib_global("lull'showsPrec", span);
                let desc = self.desc_of(ty, span);
                let x = self.b.var("x", Rep::Value);
                let nil = B::con(self.known.nil, vec![]);
                B::lam(vec![x], B::app(shows, vec![desc, self.boxed_int(0), B::var_ref(x), nil]))
            }
        }
    }

    /// The reader (`String -> Maybe (t, String)`, see `lull'readWith` in the
    /// Prelude) of values of type `ty`, when `read` supports it.
    fn reader(&mut self, ty: Option<&Ty>, span: Span) -> Option<Expr> {
        let Some(Ty::Con(tc, args)) = ty else { return None };
        let (name, parts) = match (*tc, args.len()) {
            (TyCon::INT, 0) => ("lull'readsInt", 0),
            (TyCon::DOUBLE, 0) => ("lull'readsDouble", 0),
            (TyCon::LIST, 1) => ("lull'readsList", 1),
            (tc, 2) if tc == TyCon::TUPLE2 => ("lull'readsPair", 2),
            (tc, 3) if Some(tc) == TyCon::tuple(3) => ("lull'readsTriple", 3),
            _ => return None,
        };
        let readers = args[..parts].iter().map(|a| self.reader(Some(a), span)).collect::<Option<Vec<_>>>()?;
        let f = self.lib_global(name, span);
        Some(if readers.is_empty() { f } else { B::app(f, readers) })
    }

    /// The builtin `name` used at type `ty`, as a value.
    pub(super) fn builtin(&mut self, ctx: &Ctx, name: &str, ty: Option<&Ty>, span: Span) -> Option<Expr> {
        let _ = ctx;
        let a0 = arg(ty, 0);
        Some(match name {
            "+" => self.arith(a0, Some(PrimOp::IAdd), PrimOp::FAdd),
            "-" => self.arith(a0, Some(PrimOp::ISub), PrimOp::FSub),
            "*" => self.arith(a0, Some(PrimOp::IMul), PrimOp::FMul),
            "/" => self.arith(a0, None, PrimOp::FDiv),
            "negate" => self.numeric_unary(a0, PrimOp::INeg, PrimOp::FNeg),
            "**" => self.arith(a0, None, PrimOp::FPow),
            "atan2" => self.arith(a0, None, PrimOp::FAtan2),
            "sqrt" | "exp" | "log" | "sin" | "cos" | "tan" => {
                let op = match name {
                    "sqrt" => PrimOp::FSqrt,
                    "exp" => PrimOp::FExp,
                    "log" => PrimOp::FLog,
                    "sin" => PrimOp::FSin,
                    "cos" => PrimOp::FCos,
                    _ => PrimOp::FTan,
                };
                self.numeric_unary(Some(&Ty::double()), op, op)
            }
            "pi" => B::con(self.known.double, vec![B::float(std::f64::consts::PI)]),
            "truncate" => self.memo("lull'truncate".into(), |l| {
                let from = (l.known.double, Rep::Float64);
                let ib = l.known.int;
                l.unary(from, |_, x| B::con(ib, vec![B::prim(PrimOp::FToI, vec![x])]))
            }),
            "fromIntegral" => match at(result(ty)) {
                At::Double => self.memo("lull'fromIntegral'Double".into(), |l| {
                    let from = (l.known.int, Rep::Int64);
                    let db = l.known.double;
                    l.unary(from, |_, x| B::con(db, vec![B::prim(PrimOp::IToF, vec![x])]))
                }),
                _ => self.identity(),
            },
            "==" | "/=" | "<" | "<=" | ">" | ">=" | "compare" => self.comparison(name, a0, span),
            "show" => self.show_at(a0, span),
            "print" => {
                let show = self.show_at(a0, span);
                let put = self.lib_global("putStrLn", span);
                let x = self.b.var("x", Rep::Value);
                B::lam(vec![x], B::app(put, vec![B::app(show, vec![B::var_ref(x)])]))
            }
            "read" => match self.reader(result(ty), span) {
                Some(reader) => {
                    let with = self.lib_global("lull'readWith", span);
                    B::app(with, vec![reader])
                }
                None if matches!(result(ty), None | Some(Ty::Var(_) | Ty::Gen(_))) => {
                    self.error(
                        span,
                        "the type that `read` returns here is ambiguous: annotate it, as in `read s :: Int`",
                    );
                    B::error(Rep::Value, "read")
                }
                None => {
                    self.error(span, "`read` is supported at `Int`, `Double`, and lists, pairs and triples of these");
                    B::error(Rep::Value, "read")
                }
            },
            "genericLength" => {
                let t = if at(result(ty)) == At::Double { "Double" } else { "Int" };
                self.lib_global(&format!("lull'genericLength'{t}"), span)
            }
            "sum" | "product" | "abs" | "signum" | "subtract" | "^" => {
                let base = if name == "^" { "pow" } else { name };
                let t = if at(result(ty)) == At::Double { "Double" } else { "Int" };
                self.lib_global(&format!("lull'{base}'{t}"), span)
            }
            "seq" => self.memo("lull'seq".into(), |l| {
                let ps = l.vars(2);
                let bnd = l.b.var("s", Rep::Value);
                B::lam(ps.clone(), B::case(B::var_ref(ps[0]), bnd, vec![], Some(B::var_ref(ps[1]))))
            }),
            "return" | "pure" => self.memo("lull'return".into(), |l| {
                let (x, w) = (l.b.var("x", Rep::Value), l.b.var("w", Rep::Value));
                B::lam(vec![x, w], B::con(l.known.io_res, vec![B::var_ref(w), B::var_ref(x)]))
            }),
            ">>=" => self.memo("lull'bind".into(), |l| {
                let (m, k, w) = (l.b.var("m", Rep::Value), l.b.var("k", Rep::Value), l.b.var("w", Rep::Value));
                let (w1, r) = (l.b.var("w", Rep::Value), l.b.var("r", Rep::Value));
                let body = l.io_case(
                    B::app(B::var_ref(m), vec![B::var_ref(w)]),
                    w1,
                    r,
                    B::app(B::var_ref(k), vec![B::var_ref(r), B::var_ref(w1)]),
                );
                B::lam(vec![m, k, w], body)
            }),
            ">>" => self.memo("lull'then".into(), |l| {
                let (m, n, w) = (l.b.var("m", Rep::Value), l.b.var("n", Rep::Value), l.b.var("w", Rep::Value));
                let (w1, r) = (l.b.var("w", Rep::Value), l.b.var("r", Rep::Value));
                let body = l.io_case(
                    B::app(B::var_ref(m), vec![B::var_ref(w)]),
                    w1,
                    r,
                    B::app(B::var_ref(n), vec![B::var_ref(w1)]),
                );
                B::lam(vec![m, n, w], body)
            }),
            "fromEnum" => match at(a0) {
                At::Int => self.identity(),
                At::Char => self.rebox("lull'ord", self.known.chr, self.known.int),
                At::Double => return self.builtin(ctx, "truncate", ty, span),
                _ => self.tag_fun(),
            },
            "ord" | "lull'ord" => self.rebox("lull'ord", self.known.chr, self.known.int),
            "chr" | "lull'chr" => self.chr(),
            "toEnum" => self.to_enum(at(result(ty)), span),
            "succ" | "pred" => {
                let d = if name == "succ" { 1 } else { -1 };
                let a = at(a0);
                match a {
                    At::Int | At::Char => {
                        let (boxc, _) = self.box_of(a);
                        self.memo(format!("lull'{name}'{a:?}"), |l| {
                            l.unary((boxc, Rep::Int64), |_, x| {
                                B::con(boxc, vec![B::prim(PrimOp::IAdd, vec![x, B::int(d)])])
                            })
                        })
                    }
                    _ => {
                        let to = self.to_enum(a, span);
                        let tag = self.tag_fun();
                        let add = self.arith(Some(&Ty::int()), Some(PrimOp::IAdd), PrimOp::FAdd);
                        let x = self.b.var("x", Rep::Value);
                        let n = B::app(add, vec![B::app(tag, vec![B::var_ref(x)]), self.boxed_int(d)]);
                        B::lam(vec![x], B::app(to, vec![n]))
                    }
                }
            }
            "stdout" => self.boxed_int(1),
            "stderr" => self.boxed_int(2),
            "lull'handleNum" | "lull'coerce" => self.identity(),
            "lull'quot" | "lull'rem" => {
                // GHC: division by zero is an error; `quot minBound (-1)`
                // overflows (an error too), `rem minBound (-1)` is 0.
                let quot = name == "lull'quot";
                let op = if quot { PrimOp::IQuot } else { PrimOp::IRem };
                self.memo(format!("{name}'checked"), |l| {
                    l.binary(At::Int, |l, x, y| {
                        let ok = B::con(l.known.int, vec![B::prim(op, vec![x.clone(), y.clone()])]);
                        let by_minus_one = if quot {
                            let least = B::prim(PrimOp::IEq, vec![x.clone(), B::int(i64::MIN)]);
                            let negated = B::con(l.known.int, vec![B::prim(PrimOp::INeg, vec![x])]);
                            l.if_i64(least, B::error(Rep::Value, "arithmetic overflow"), negated)
                        } else {
                            B::con(l.known.int, vec![B::int(0)])
                        };
                        let bnd = l.b.var("d", Rep::Int64);
                        let alt = |n: i64, body| Alt { pat: CPat::Lit(lull_middle::core::ir::Lit::Int(n)), body };
                        B::case(
                            y,
                            bnd,
                            vec![alt(0, B::error(Rep::Value, "divide by zero")), alt(-1, by_minus_one)],
                            Some(ok),
                        )
                    })
                })
            }
            "lull'fshowChar" => self.memo(name.into(), |l| {
                let ps = l.vars(2);
                let (x, i) = (l.b.var("x", Rep::Float64), l.b.var("i", Rep::Int64));
                let body = B::con(l.known.int, vec![B::prim(PrimOp::FShowChar, vec![B::var_ref(x), B::var_ref(i)])]);
                let (db, ib) = (l.known.double, l.known.int);
                let body = l.unbox(B::var_ref(ps[0]), db, x, |l| l.unbox(B::var_ref(ps[1]), ib, i, |_| body));
                B::lam(ps, body)
            }),
            "lull'uniProp" => self.memo(name.into(), |l| {
                l.binary(At::Int, |l, c, w| B::con(l.known.int, vec![B::prim(PrimOp::UniProp, vec![c, w])]))
            }),
            "lull'fdec" => self.memo(name.into(), |l| {
                l.binary(At::Int, |l, m, e| B::con(l.known.double, vec![B::prim(PrimOp::FDec, vec![m, e])]))
            }),
            "lull'hPutChar" => self.io_prim(name, 2, PrimOp::HPutChar, false),
            "lull'hCommit" => self.io_prim(name, 2, PrimOp::HCommit, false),
            "lull'hGetChar" => self.io_prim(name, 1, PrimOp::HGetChar, true),
            "lull'hFlush" => self.io_prim(name, 1, PrimOp::HFlush, false),
            "lull'hClose" => self.io_prim(name, 1, PrimOp::HClose, false),
            "lull'pathChar" => self.io_prim(name, 1, PrimOp::PathChar, false),
            "lull'hOpen" => self.io_prim(name, 1, PrimOp::HOpen, true),
            "lull'exit" => self.io_prim(name, 1, PrimOp::Exit, false),
            "lull'argCount" => self.io_prim(name, 0, PrimOp::ArgCount, true),
            "lull'argChar" => self.io_prim(name, 2, PrimOp::ArgChar, true),
            "lull'self" => self.io_prim(name, 0, PrimOp::ProcSelf, true),
            "lull'newChan" => self.io_prim(name, 0, PrimOp::NewChan, true),
            "lull'wait" => self.io_prim(name, 1, PrimOp::Wait, true),
            "lull'exitChar" => self.io_prim(name, 2, PrimOp::ExitChar, true),
            "lull'yield" => self.io_prim(name, 0, PrimOp::Yield, false),
            "lull'spawn" => {
                let i = Some(self.known.int);
                self.proc_prim(name, &[None, i, i], PrimOp::Spawn, Some(true))
            }
            "lull'send" => self.proc_prim(name, &[Some(self.known.int), None], PrimOp::Send, None),
            "lull'recv" => self.proc_prim(name, &[Some(self.known.int)], PrimOp::Recv, Some(false)),
            "lull'unsafePerformIO" => self.memo(name.into(), |l| {
                let m = l.b.var("m", Rep::Value);
                let (w1, r) = (l.b.var("w", Rep::Value), l.b.var("r", Rep::Value));
                let tok = B::con(l.known.unit, vec![]);
                let body = l.io_case(B::app(B::var_ref(m), vec![tok]), w1, r, B::var_ref(r));
                B::lam(vec![m], body)
            }),
            "lull'unsafeInterleaveIO" => self.memo(name.into(), |l| {
                let (m, w) = (l.b.var("m", Rep::Value), l.b.var("w", Rep::Value));
                let (w1, r) = (l.b.var("w", Rep::Value), l.b.var("r", Rep::Value));
                let later = l.io_case(B::app(B::var_ref(m), vec![B::var_ref(w)]), w1, r, B::var_ref(r));
                B::lam(vec![m, w], B::con(l.known.io_res, vec![B::var_ref(w), later]))
            }),
            "lull'kind" | "lull'tag" | "lull'conName" | "lull'conFixity" | "lull'arity" | "lull'field"
            | "lull'fieldDescs" => self.reflect(name, span),
            _ => return None,
        })
    }

    pub(super) fn identity(&mut self) -> Expr {
        self.memo("lull'id".into(), |l| {
            let x = l.b.var("x", Rep::Value);
            B::lam(vec![x], B::var_ref(x))
        })
    }

    fn rebox(&mut self, key: &str, from: ConRef, to: ConRef) -> Expr {
        self.memo(key.into(), |l| l.unary((from, Rep::Int64), |_, x| B::con(to, vec![x])))
    }

    fn chr(&mut self) -> Expr {
        self.memo("lull'chr".into(), |l| {
            let (ib, cb) = (l.known.int, l.known.chr);
            l.unary((ib, Rep::Int64), |l, x| {
                let ok = B::con(cb, vec![x.clone()]);
                // GHC's message shows the argument (`showsPrec 11`).
                let error = l.lib_global("lull'chrError", Span { start: 0, end: 0 });
                let bad = B::app(error, vec![B::con(ib, vec![x.clone()])]);
                let in_range = B::prim(
                    PrimOp::IAnd,
                    vec![
                        B::prim(PrimOp::IGe, vec![x.clone(), B::int(0)]),
                        B::prim(PrimOp::ILe, vec![x, B::int(0x10FFFF)]),
                    ],
                );
                l.if_i64(in_range, ok, bad)
            })
        })
    }

    /// `fromEnum` on a data type: the constructor's number.
    fn tag_fun(&mut self) -> Expr {
        self.memo("lull'tagOf".into(), |l| {
            let x = l.b.var("x", Rep::Value);
            B::lam(vec![x], B::con(l.known.int, vec![B::prim(PrimOp::ConTag, vec![B::var_ref(x)])]))
        })
    }

    /// `toEnum` at a type: boxes for Int and Char, the nullary
    /// constructors of an enumeration.
    fn to_enum(&mut self, a: At, span: Span) -> Expr {
        match a {
            At::Int => self.identity(),
            At::Char => self.chr(),
            At::Data(tc) => {
                let Some(&d) = self.data_of.get(&tc) else {
                    self.error(span, "`toEnum` at this type is not supported");
                    return B::error(Rep::Value, "toEnum");
                };
                let name = self.globals.tycons.name(tc).to_string();
                self.memo(format!("lull'toEnum'{name}"), |l| {
                    let ncons = l.b.module().data(d).cons.len();
                    let ib = l.known.int;
                    l.unary((ib, Rep::Int64), |l, x| {
                        let alts = (0..ncons)
                            .filter(|t| l.b.module().data(d).cons[*t].fields.is_empty())
                            .map(|t| Alt {
                                pat: CPat::Lit(lull_middle::core::ir::Lit::Int(t as i64)),
                                body: B::con(ConRef { data: d, tag: t as u32 }, vec![]),
                            })
                            .collect();
                        let bnd = l.b.var("t", Rep::Int64);
                        let bad = B::error(Rep::Value, &format!("Prelude.Enum.{name}.toEnum: bad argument"));
                        B::case(x, bnd, alts, Some(bad))
                    })
                })
            }
            _ => {
                self.error(span, "`toEnum` needs a known result type here");
                B::error(Rep::Value, "toEnum")
            }
        }
    }

    /// An IO primitive of Lull type `Int -> ... -> IO r` with `nargs`
    /// boxed `Int`/`Char` arguments; `result` when the primitive gives an
    /// `i64` (boxed as `Int`), else the result is `()`.
    fn io_prim(&mut self, name: &str, nargs: usize, op: PrimOp, result: bool) -> Expr {
        // Chars and Ints are both boxes of one i64 field: unbox with the
        // constructor the argument's type has.
        let boxes: Vec<Option<ConRef>> = prim_arg_boxes(name, self).into_iter().take(nargs).map(Some).collect();
        self.proc_prim(name, &boxes, op, if result { Some(true) } else { None })
    }

    /// An IO primitive whose arguments are unboxed with the constructor
    /// given (`Some`) or passed as they are (`None`); its result an `i64`
    /// boxed as `Int` (`Some(true)`), a value (`Some(false)`) or `()`.
    fn proc_prim(&mut self, name: &str, boxes: &[Option<ConRef>], op: PrimOp, result: Option<bool>) -> Expr {
        self.memo(name.into(), |l| {
            let ps = l.vars(boxes.len());
            let w = l.b.var("w", Rep::Value);
            let raws: Vec<Option<VarId>> = boxes.iter().map(|b| b.map(|_| l.b.var("n", Rep::Int64))).collect();
            let w1 = l.b.var("w", Rep::Value);
            let mut operands = vec![B::var_ref(w)];
            operands.extend(ps.iter().zip(&raws).map(|(p, r)| B::var_ref(r.unwrap_or(*p))));
            let body = match result {
                Some(true) => {
                    let r = l.b.var("r", Rep::Int64);
                    let res = B::con(l.known.io_res, vec![B::var_ref(w1), B::con(l.known.int, vec![B::var_ref(r)])]);
                    B::let_strict(vec![w1, r], B::prim(op, operands), res)
                }
                Some(false) => {
                    let r = l.b.var("r", Rep::Value);
                    let res = B::con(l.known.io_res, vec![B::var_ref(w1), B::var_ref(r)]);
                    B::let_strict(vec![w1, r], B::prim(op, operands), res)
                }
                None => {
                    let res = B::con(l.known.io_res, vec![B::var_ref(w1), B::con(l.known.unit, vec![])]);
                    B::let_strict(vec![w1], B::prim(op, operands), res)
                }
            };
            let body = ps.iter().zip(&raws).zip(boxes).rev().fold(body, |k, ((p, r), bx)| match (r, bx) {
                (Some(r), Some(bx)) => {
                    let bnd = l.b.var("bx", Rep::Value);
                    B::case(B::var_ref(*p), bnd, vec![Alt { pat: CPat::Con(*bx, vec![*r]), body: k }], None)
                }
                _ => k,
            });
            let mut params = ps;
            params.push(w);
            B::lam(params, body)
        })
    }
}

/// The boxes of the arguments of the IO primitives (Char arguments are
/// `C#`, the others `I#`).
fn prim_arg_boxes(name: &str, l: &Lowerer) -> Vec<ConRef> {
    let (i, c) = (l.known.int, l.known.chr);
    match name {
        "lull'hPutChar" => vec![i, c],
        "lull'pathChar" => vec![c],
        _ => vec![i, i],
    }
}
