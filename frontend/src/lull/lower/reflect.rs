//! The reflection builtins that the library's structural `==`, `compare`
//! and `show` are written with (`frontend/lib/Prelude.lull`), and the type
//! descriptors that `show` is given.
//!
//! Note [Structural show and type descriptors]
//! -------------------------------------------
//! Equality, ordering and `show` are structural (LANGUAGE.md 1.6): the
//! library walks the evaluated value with `lull'kind` (box, list, tuple,
//! other data, function), `lull'tag`, `lull'arity`, `lull'field`,
//! `lull'conName` and `lull'conFixity`, each a case over the data type
//! of the value (`PrimOp::DataId`) and its constructor.
//!
//! The value alone does not say everything `show` needs: `""` and `[]`
//! are the same object, but GHC shows a `String` as `""`. So `show` at a
//! type that is not a box or a string is given a *descriptor* of the
//! static type: `Lull'Char`, `Lull'List d`, `Lull'Data ds` (the
//! descriptors of the type's arguments), `Lull'New name d` (an erased
//! newtype, shown with its constructor), or `Lull'Any` (a type variable
//! or a box: the value is looked at). `lull'fieldDescs ds x` gives the
//! descriptors of the fields of `x`, its field types instantiated at `ds`.
//! A list whose descriptor is `Lull'Any` is shown as a string when its
//! first element is a `Char`.

use lull_middle::core::builder::Builder as B;
use lull_middle::core::ir::{Alt, ConRef, DataId, Expr, Lit, Pat as CPat, PrimOp, Rep};

use super::Lowerer;
use crate::lull::env::instantiate_gen;
use crate::lull::types::{Ty, TyCon};
use crate::span::Span;

impl Lowerer<'_> {
    fn desc_con(&mut self, name: &str, span: Span) -> Option<ConRef> {
        let c = self.con_id(name).and_then(|c| self.con_ref(c));
        if c.is_none() {
            self.error(span, format!("internal error: the library does not declare `{name}`"));
        }
        c
    }

    /// The descriptor of a static type (Note [Structural show and type
    /// descriptors]).
    pub(super) fn desc_of(&mut self, ty: Option<&Ty>, span: Span) -> Expr {
        match ty {
            Some(t) => self.desc_expr(t, &mut |l, _| l.any_desc(span), span),
            None => self.any_desc(span),
        }
    }

    fn any_desc(&mut self, span: Span) -> Expr {
        match self.desc_con("Lull'Any", span) {
            Some(c) => B::con(c, vec![]),
            None => B::error(Rep::Value, "descriptor"),
        }
    }

    /// The descriptor of `t`; `gen` gives that of each `Gen` variable.
    fn desc_expr(&mut self, t: &Ty, gen: &mut dyn FnMut(&mut Self, u32) -> Expr, span: Span) -> Expr {
        let any = |l: &mut Self| l.any_desc(span);
        match t {
            Ty::Gen(i) => gen(self, *i),
            Ty::Con(TyCon::CHAR, _) => match self.desc_con("Lull'Char", span) {
                Some(c) => B::con(c, vec![]),
                None => any(self),
            },
            Ty::Con(TyCon::INT | TyCon::DOUBLE | TyCon::FUN | TyCon::IO, _) => any(self),
            Ty::Con(TyCon::LIST, args) => {
                let Some(c) = self.desc_con("Lull'List", span) else { return any(self) };
                let e = match args.first() {
                    Some(a) => self.desc_expr(a, gen, span),
                    None => any(self),
                };
                B::con(c, vec![e])
            }
            Ty::Con(tc, args) => {
                let info = self.globals.tycons.get(*tc);
                if info.is_some_and(|i| i.newtype) {
                    let con = self.globals.datacons.iter().find(|d| d.tycon == *tc);
                    let (name, field) = match con {
                        Some(d) => (d.name.clone(), d.fields.first().map(|f| instantiate_gen(f, args))),
                        None => return any(self),
                    };
                    let Some(c) = self.desc_con("Lull'New", span) else { return any(self) };
                    let inner = match field {
                        Some(f) => self.desc_expr(&f, gen, span),
                        None => any(self),
                    };
                    return B::con(c, vec![self.string(&name), inner]);
                }
                let Some(c) = self.desc_con("Lull'Data", span) else { return any(self) };
                let ds: Vec<Expr> = args.iter().map(|a| self.desc_expr(a, gen, span)).collect();
                B::con(c, vec![self.list(ds)])
            }
            Ty::Var(_) | Ty::Skolem(_) => any(self),
        }
    }

    /// The Lull data types that values can have (every Core data type but
    /// the boxes and `IORes`), with their Core ids.
    fn reflected_datas(&self) -> Vec<(TyCon, DataId)> {
        let mut v: Vec<(TyCon, DataId)> = self
            .data_of
            .iter()
            .filter(|(tc, _)| !matches!(**tc, TyCon::INT | TyCon::DOUBLE | TyCon::CHAR))
            .map(|(tc, d)| (*tc, *d))
            .collect();
        v.sort_by_key(|(_, d)| d.0);
        v
    }

    /// `\x. case x of b -> case dataid(b) of { d -> case b of { K fs -> per(K, fs) } }`,
    /// with `default` for a value that is no constructor of a Lull type.
    fn per_con(
        &mut self,
        extra: Vec<lull_middle::core::ir::VarId>,
        mut per: impl FnMut(&mut Self, TyCon, ConRef, &[lull_middle::core::ir::VarId]) -> Expr,
        default: Expr,
    ) -> Expr {
        let x = self.b.var("x", Rep::Value);
        let bnd = self.b.var("b", Rep::Value);
        let mut data_alts = Vec::new();
        for (tc, d) in self.reflected_datas() {
            let ncons = self.b.module().data(d).cons.len();
            let mut alts = Vec::new();
            for tag in 0..ncons {
                let con = ConRef { data: d, tag: tag as u32 };
                let nf = self.b.module().data(d).cons[tag].fields.len();
                let fs: Vec<_> = (0..nf).map(|i| self.b.var(&format!("f{i}"), Rep::Value)).collect();
                let body = per(self, tc, con, &fs);
                alts.push(Alt { pat: CPat::Con(con, fs), body });
            }
            if alts.is_empty() {
                continue;
            }
            let inner_bnd = self.b.var("c", Rep::Value);
            data_alts.push(Alt {
                pat: CPat::Lit(Lit::Int(d.0 as i64)),
                body: B::case(B::var_ref(bnd), inner_bnd, alts, None),
            });
        }
        let id = self.b.var("d", Rep::Int64);
        let dispatch = B::case(B::prim(PrimOp::DataId, vec![B::var_ref(bnd)]), id, data_alts, Some(default));
        let mut params = extra;
        params.push(x);
        B::lam(params, B::case(B::var_ref(x), bnd, vec![], Some(dispatch)))
    }

    /// One of the reflection builtins, as a value. Each is a case over the
    /// data types of the module it is lowered in, so it is never imported:
    /// a library definition that reaches one is lowered with the program
    /// (Note [What a program imports] in `prune.rs`).
    pub(super) fn reflect(&mut self, name: &str, span: Span) -> Expr {
        let e = self.reflect_builtin(name, span);
        if let Expr::Global(g) = e {
            self.reflective.insert(g);
        }
        e
    }

    fn reflect_builtin(&mut self, name: &str, span: Span) -> Expr {
        let name = name.to_string();
        self.memo(name.clone(), |l| match name.as_str() {
            "lull'kind" => {
                let x = l.b.var("x", Rep::Value);
                let bnd = l.b.var("b", Rep::Value);
                let mut alts = vec![Alt { pat: CPat::Lit(Lit::Int(-1)), body: l.boxed_int(6) }];
                let fixed = [(TyCon::INT, 0), (TyCon::DOUBLE, 1), (TyCon::CHAR, 2), (TyCon::LIST, 3), (TyCon::UNIT, 4)];
                for (tc, k) in fixed {
                    if let Some(d) = l.data_of.get(&tc) {
                        alts.push(Alt { pat: CPat::Lit(Lit::Int(d.0 as i64)), body: l.boxed_int(k) });
                    }
                }
                for n in 2..=TyCon::MAX_TUPLE {
                    if let Some(d) = TyCon::tuple(n).and_then(|tc| l.data_of.get(&tc)) {
                        alts.push(Alt { pat: CPat::Lit(Lit::Int(d.0 as i64)), body: l.boxed_int(4) });
                    }
                }
                let id = l.b.var("d", Rep::Int64);
                let dispatch = B::case(B::prim(PrimOp::DataId, vec![B::var_ref(bnd)]), id, alts, Some(l.boxed_int(5)));
                B::lam(vec![x], B::case(B::var_ref(x), bnd, vec![], Some(dispatch)))
            }
            "lull'tag" => {
                let x = l.b.var("x", Rep::Value);
                let bnd = l.b.var("b", Rep::Value);
                let tag = B::con(l.known.int, vec![B::prim(PrimOp::ConTag, vec![B::var_ref(bnd)])]);
                B::lam(vec![x], B::case(B::var_ref(x), bnd, vec![], Some(tag)))
            }
            "lull'arity" => {
                l.per_con(vec![], |l, _, _, fs| l.boxed_int(fs.len() as i64), B::con(l.known.int, vec![B::int(0)]))
            }
            "lull'conName" => {
                let nil = B::con(l.known.nil, vec![]);
                l.per_con(
                    vec![],
                    |l, _, con, _| {
                        // As derived `show` prints the name: ``K`` when
                        // declared infix, `(:+)` when declared prefix.
                        let n = l.b.module().con(con).name.clone();
                        let operator = n.starts_with(':');
                        let shown = match (operator, l.infix_cons.contains(&n)) {
                            (false, true) => format!("`{n}`"),
                            (true, false) => format!("({n})"),
                            _ => n,
                        };
                        l.string(&shown)
                    },
                    nil,
                )
            }
            "lull'conFixity" => l.per_con(
                vec![],
                |l, _, con, _| {
                    let n = &l.b.module().con(con).name;
                    let p =
                        if l.infix_cons.contains(n) { l.con_fixity.get(n).copied().unwrap_or(9) as i64 } else { -1 };
                    l.boxed_int(p)
                },
                B::con(l.known.int, vec![B::int(-1)]),
            ),
            "lull'field" => {
                let i = l.b.var("i", Rep::Value);
                let n = l.b.var("n", Rep::Int64);
                let f = l.per_con(
                    vec![],
                    |l, _, _, fs| {
                        let alts = fs
                            .iter()
                            .enumerate()
                            .map(|(k, f)| Alt { pat: CPat::Lit(Lit::Int(k as i64)), body: B::var_ref(*f) })
                            .collect();
                        let bnd = l.b.var("k", Rep::Int64);
                        B::case(B::var_ref(n), bnd, alts, Some(B::error(Rep::Value, "lull'field: no such field")))
                    },
                    B::error(Rep::Value, "lull'field: not a constructor"),
                );
                // \i. case i of I#(n) -> (\x. ...) — the inner λ takes `x`.
                let x = l.b.var("x", Rep::Value);
                let ib = l.known.int;
                let body = l.unbox(B::var_ref(i), ib, n, |_| B::app(f, vec![B::var_ref(x)]));
                B::lam(vec![i, x], body)
            }
            "lull'fieldDescs" => {
                let ds = l.b.var("ds", Rep::Value);
                let at = l.lib_global("lull'descAt", span);
                let nil = B::con(l.known.nil, vec![]);
                l.per_con(
                    vec![ds],
                    |l, tc, con, _| {
                        let Some(dc) =
                            l.globals.datacons.iter().find(|d| d.tycon == tc && d.tag == con.tag as usize).cloned()
                        else {
                            return B::con(l.known.nil, vec![]);
                        };
                        let items: Vec<Expr> = dc
                            .fields
                            .iter()
                            .map(|f| {
                                let at = at.clone();
                                l.desc_expr(
                                    f,
                                    &mut |l, i| B::app(at.clone(), vec![B::var_ref(ds), l.boxed_int(i as i64)]),
                                    span,
                                )
                            })
                            .collect();
                        l.list(items)
                    },
                    nil,
                )
            }
            _ => B::error(Rep::Value, "unknown reflection builtin"),
        })
    }
}
