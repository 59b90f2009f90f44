//! Structural equality of modules up to a renumbering of `VarId`s.

use lull_middle::core::ir::*;

/// A short name for the form of an expression (no recursion into it).
fn kind(e: &Expr) -> &'static str {
    match e {
        Expr::Var(_) => "var",
        Expr::Global(_) => "global",
        Expr::Lit(_) => "literal",
        Expr::Str(_) => "string",
        Expr::Free(_) => "free",
        Expr::Lam(..) => "lambda",
        Expr::App(..) => "application",
        Expr::Let(..) => "let",
        Expr::LetStrict(..) => "strict let",
        Expr::LetRec(..) => "letrec",
        Expr::Case(..) => "case",
        Expr::Con(..) => "constructor",
        Expr::Prim(..) => "primitive",
        Expr::Error { .. } => "error",
    }
}

fn lit_eq(a: Lit, b: Lit) -> bool {
    match (a, b) {
        (Lit::Int(x), Lit::Int(y)) => x == y,
        (Lit::Float(x), Lit::Float(y)) => x.to_bits() == y.to_bits(),
        _ => false,
    }
}

struct Alpha<'a> {
    a: &'a Module,
    b: &'a Module,
    /// The correspondence, indexed by `VarId` (`u32::MAX`: none yet).
    fwd: Vec<u32>,
    bwd: Vec<u32>,
}

impl Alpha<'_> {
    /// `x` in `a` corresponds to `y` in `b`: consistently, with equal reps.
    fn var(&mut self, x: VarId, y: VarId) -> Result<(), String> {
        let rx = self.a.vars.get(x.index()).map(|i| i.rep);
        let ry = self.b.vars.get(y.index()).map(|i| i.rep);
        if rx != ry {
            return Err(format!("{x} is {rx:?} but {y} is {ry:?}"));
        }
        let (Some(&fx), Some(&by)) = (self.fwd.get(x.index()), self.bwd.get(y.index())) else {
            return Err(format!("{x} or {y} is out of range"));
        };
        match (fx, by) {
            (u32::MAX, u32::MAX) => {
                self.fwd[x.index()] = y.0;
                self.bwd[y.index()] = x.0;
                Ok(())
            }
            (fx, by) if fx == y.0 && by == x.0 => Ok(()),
            _ => Err(format!("{x} and {y} do not correspond")),
        }
    }

    fn vars(&mut self, xs: &[VarId], ys: &[VarId]) -> Result<(), String> {
        if xs.len() != ys.len() {
            return Err(format!("{} binders versus {}", xs.len(), ys.len()));
        }
        xs.iter().zip(ys).try_for_each(|(x, y)| self.var(*x, *y))
    }

    fn expr(&mut self, a: &Expr, b: &Expr) -> Result<(), String> {
        let mut stack = vec![(a, b)];
        while let Some((a, b)) = stack.pop() {
            let ok = match (a, b) {
                (Expr::Var(x), Expr::Var(y)) => {
                    self.var(*x, *y)?;
                    true
                }
                (Expr::Global(g), Expr::Global(h)) => g == h,
                (Expr::Lit(l), Expr::Lit(k)) => lit_eq(*l, *k),
                (Expr::Str(s), Expr::Str(t)) => s == t,
                (Expr::Free(n), Expr::Free(m)) => n == m,
                (Expr::Error { .. }, Expr::Error { .. }) => a == b,
                (Expr::Lam(ps, x), Expr::Lam(qs, y)) => {
                    self.vars(ps, qs)?;
                    stack.push((x, y));
                    true
                }
                (Expr::App(f, xs), Expr::App(g, ys)) => {
                    stack.push((f, g));
                    stack.extend(xs.iter().zip(ys));
                    xs.len() == ys.len()
                }
                (Expr::Let(x, e1, b1), Expr::Let(y, e2, b2)) => {
                    self.var(*x, *y)?;
                    stack.push((e1, e2));
                    stack.push((b1, b2));
                    true
                }
                (Expr::LetStrict(xs, e1, b1), Expr::LetStrict(ys, e2, b2)) => {
                    self.vars(xs, ys)?;
                    stack.push((e1, e2));
                    stack.push((b1, b2));
                    true
                }
                (Expr::LetRec(xs, b1), Expr::LetRec(ys, b2)) => {
                    if xs.len() != ys.len() {
                        false
                    } else {
                        for ((x, e1), (y, e2)) in xs.iter().zip(ys) {
                            self.var(*x, *y)?;
                            stack.push((e1, e2));
                        }
                        stack.push((b1, b2));
                        true
                    }
                }
                (Expr::Case(c), Expr::Case(d)) => {
                    self.var(c.binder, d.binder)?;
                    stack.push((&c.scrut, &d.scrut));
                    if c.alts.len() != d.alts.len() || c.default.is_some() != d.default.is_some() {
                        false
                    } else {
                        for (p, q) in c.alts.iter().zip(&d.alts) {
                            match (&p.pat, &q.pat) {
                                (Pat::Con(c1, xs), Pat::Con(c2, ys)) if c1 == c2 => self.vars(xs, ys)?,
                                (Pat::Lit(l), Pat::Lit(k)) if lit_eq(*l, *k) => {}
                                _ => return Err("patterns differ".to_string()),
                            }
                            stack.push((&p.body, &q.body));
                        }
                        if let (Some(x), Some(y)) = (&c.default, &d.default) {
                            stack.push((x, y));
                        }
                        true
                    }
                }
                (Expr::Con(c, xs), Expr::Con(d, ys)) => {
                    stack.extend(xs.iter().zip(ys));
                    c == d && xs.len() == ys.len()
                }
                (Expr::Prim(o, xs), Expr::Prim(p, ys)) => {
                    stack.extend(xs.iter().zip(ys));
                    o == p && xs.len() == ys.len()
                }
                _ => false,
            };
            if !ok {
                return Err(format!("a {} differs from a {}", kind(a), kind(b)));
            }
        }
        Ok(())
    }
}

/// `a` and `b` are equal up to a consistent renumbering of `VarId`s (binder
/// reps must agree; hints may differ). Unused entries of the `vars` tables
/// are ignored.
pub fn alpha_eq(a: &Module, b: &Module) -> Result<(), String> {
    if a.datas != b.datas {
        return Err("data declarations differ".to_string());
    }
    if a.defs.len() != b.defs.len() {
        return Err(format!("{} definitions versus {}", a.defs.len(), b.defs.len()));
    }
    let mut alpha = Alpha { a, b, fwd: vec![u32::MAX; a.vars.len()], bwd: vec![u32::MAX; b.vars.len()] };
    for (d, e) in a.defs.iter().zip(&b.defs) {
        if d.name != e.name {
            return Err(format!("definition `{}` versus `{}`", d.name, e.name));
        }
        alpha.expr(&d.body, &e.body).map_err(|m| format!("in `{}`: {m}", d.name))?;
    }
    Ok(())
}
