//! The substitution and unification.
//!
//! [`Subst`] owns the unification variables. Each unbound variable has a
//! *level* (the number of enclosing `let` groups being inferred when it was
//! made, lowered when it is unified with a variable of a lower level) and a
//! *numeric* flag (it may only become `Int` or `Double`). Generalisation
//! (`infer.rs`) quantifies exactly the unbound variables whose level is
//! above the current one: those are the variables not free in the
//! environment, without ever scanning the environment (Rémy's levels).
//!
//! Skolems (the rigid variables of a signature) have a level too: binding a
//! variable of a lower level to a type that mentions a skolem would let the
//! skolem escape its signature, and is an error.

use super::types::{Ty, TyCon, TyVar};

#[derive(Clone, Debug)]
enum VarState {
    Unbound { level: u32, numeric: bool, constrained: bool },
    Bound(Ty),
}

/// A rigid type variable.
#[derive(Clone, Debug)]
pub struct SkolemInfo {
    /// The name written in the signature.
    pub name: String,
    pub level: u32,
}

/// Why two types do not unify. The types are the innermost parts that
/// clash (not zonked).
#[derive(Clone, Debug)]
pub enum UnifyError {
    /// Two different type constructors, or a rigid variable and another type.
    Mismatch(Ty, Ty),
    /// `a = t` where `t` mentions `a`.
    Occurs(TyVar, Ty),
    /// A numeric variable unified with a type that is not `Int` or `Double`.
    NotNumeric(Ty),
    /// A numeric variable unified with a rigid variable of a signature.
    RigidNumeric(u32),
    /// A rigid variable would escape its signature through a variable of an
    /// outer scope.
    Escape(u32),
}

/// The unification variables and skolems of one check.
#[derive(Clone, Debug, Default)]
pub struct Subst {
    vars: Vec<VarState>,
    skolems: Vec<SkolemInfo>,
    /// The numeric variables in order of creation (see `infer.rs`).
    numeric: Vec<TyVar>,
}

impl Subst {
    pub fn new() -> Subst {
        Subst::default()
    }

    /// A fresh variable at `level`.
    pub fn fresh(&mut self, level: u32, numeric: bool) -> Ty {
        let v = self.vars.len() as TyVar;
        self.vars.push(VarState::Unbound { level, numeric, constrained: false });
        if numeric {
            self.numeric.push(v);
        }
        Ty::Var(v)
    }

    /// A fresh variable constrained by a class that means nothing but the
    /// monomorphism restriction (`Eq`, `Ord`, `Show`, `Enum`).
    pub fn fresh_constrained(&mut self, level: u32) -> Ty {
        let v = self.vars.len() as TyVar;
        self.vars.push(VarState::Unbound { level, numeric: false, constrained: true });
        Ty::Var(v)
    }

    /// Whether the unbound `v` is class-constrained (numeric included).
    pub fn constrained(&self, v: TyVar) -> bool {
        matches!(self.vars.get(v as usize), Some(VarState::Unbound { numeric, constrained, .. }) if *numeric || *constrained)
    }

    /// A fresh skolem named `name` at `level`.
    pub fn skolem(&mut self, name: &str, level: u32) -> Ty {
        self.skolems.push(SkolemInfo { name: name.to_string(), level });
        Ty::Skolem(self.skolems.len() as u32 - 1)
    }

    pub fn skolem_names(&self) -> Vec<String> {
        self.skolems.iter().map(|s| s.name.clone()).collect()
    }

    /// How many numeric variables were ever made: numeric variables made
    /// after a point are `numeric_since(mark)`.
    pub fn numeric_mark(&self) -> usize {
        self.numeric.len()
    }

    /// The numeric variables made since `mark` (bound or not).
    pub fn numeric_since(&self, mark: usize) -> Vec<TyVar> {
        self.numeric.get(mark..).map(<[TyVar]>::to_vec).unwrap_or_default()
    }

    /// All numeric variables ever made.
    pub fn all_numeric(&self) -> Vec<TyVar> {
        self.numeric.clone()
    }

    /// The level and numeric flag of `v` if it is unbound.
    pub fn unbound(&self, v: TyVar) -> Option<(u32, bool)> {
        match self.vars.get(v as usize) {
            Some(VarState::Unbound { level, numeric, .. }) => Some((*level, *numeric)),
            _ => None,
        }
    }

    /// Sets the level of the unbound variable `v`.
    pub fn set_level(&mut self, v: TyVar, new: u32) {
        if let Some(VarState::Unbound { level, .. }) = self.vars.get_mut(v as usize) {
            *level = new;
        }
    }

    /// Binds the unbound variable `v` to `t` without any check (for
    /// defaulting numeric variables to `Int`).
    pub fn force_bind(&mut self, v: TyVar, t: Ty) {
        if let Some(slot) = self.vars.get_mut(v as usize) {
            *slot = VarState::Bound(t);
        }
    }

    /// `t` with its outermost bound variables replaced by their values.
    pub fn shallow(&self, t: &Ty) -> Ty {
        let mut t = t.clone();
        while let Ty::Var(v) = t {
            match self.vars.get(v as usize) {
                Some(VarState::Bound(u)) => t = u.clone(),
                _ => break,
            }
        }
        t
    }

    /// `t` with every bound variable replaced by its value.
    pub fn zonk(&self, t: &Ty) -> Ty {
        match t {
            Ty::Var(v) => match self.vars.get(*v as usize) {
                Some(VarState::Bound(u)) => self.zonk(u),
                _ => t.clone(),
            },
            Ty::Con(c, args) => Ty::Con(*c, args.iter().map(|a| self.zonk(a)).collect()),
            Ty::Gen(_) | Ty::Skolem(_) => t.clone(),
        }
    }

    /// Makes `a` and `b` equal.
    pub fn unify(&mut self, a: &Ty, b: &Ty) -> Result<(), UnifyError> {
        let (a, b) = (self.shallow(a), self.shallow(b));
        match (&a, &b) {
            (Ty::Var(x), Ty::Var(y)) if x == y => Ok(()),
            (Ty::Var(x), _) => self.bind(*x, &b),
            (_, Ty::Var(y)) => self.bind(*y, &a),
            (Ty::Skolem(x), Ty::Skolem(y)) if x == y => Ok(()),
            (Ty::Con(c, xs), Ty::Con(d, ys)) if c == d && xs.len() == ys.len() => {
                for (x, y) in xs.iter().zip(ys) {
                    self.unify(x, y)?;
                }
                Ok(())
            }
            _ => Err(UnifyError::Mismatch(a, b)),
        }
    }

    /// Binds the unbound `v` to `t` (already shallow, not `v` itself).
    fn bind(&mut self, v: TyVar, t: &Ty) -> Result<(), UnifyError> {
        let Some((level, numeric)) = self.unbound(v) else {
            return Err(UnifyError::Mismatch(Ty::Var(v), t.clone()));
        };
        if matches!(self.vars.get(v as usize), Some(VarState::Unbound { constrained: true, .. })) {
            self.constrain_all(t);
        }
        if numeric {
            match t {
                Ty::Var(u) => {
                    if let Some(VarState::Unbound { numeric, .. }) = self.vars.get_mut(*u as usize) {
                        if !*numeric {
                            *numeric = true;
                            self.numeric.push(*u);
                        }
                    }
                }
                Ty::Con(c, args) if args.is_empty() && (*c == TyCon::INT || *c == TyCon::DOUBLE) => {}
                Ty::Skolem(s) => return Err(UnifyError::RigidNumeric(*s)),
                _ => return Err(UnifyError::NotNumeric(t.clone())),
            }
        }
        self.adjust(v, level, t)?;
        self.vars[v as usize] = VarState::Bound(t.clone());
        Ok(())
    }

    /// Marks the unbound variables of `t` class-constrained.
    fn constrain_all(&mut self, t: &Ty) {
        match t {
            Ty::Var(u) => match self.vars.get_mut(*u as usize) {
                Some(VarState::Unbound { constrained, .. }) => *constrained = true,
                Some(VarState::Bound(w)) => {
                    let w = w.clone();
                    self.constrain_all(&w);
                }
                None => {}
            },
            Ty::Con(_, args) => {
                for a in args {
                    self.constrain_all(a);
                }
            }
            _ => {}
        }
    }

    /// The occurs check, and lowers the levels of the variables in `t` to
    /// `level`; fails when a skolem of a higher level occurs in `t`.
    fn adjust(&mut self, v: TyVar, level: u32, t: &Ty) -> Result<(), UnifyError> {
        match t {
            Ty::Var(u) => match self.vars.get(*u as usize).cloned() {
                Some(VarState::Bound(w)) => self.adjust(v, level, &w),
                Some(VarState::Unbound { level: l, .. }) => {
                    if *u == v {
                        return Err(UnifyError::Occurs(v, t.clone()));
                    }
                    if l > level {
                        self.set_level(*u, level);
                    }
                    Ok(())
                }
                None => Ok(()),
            },
            Ty::Skolem(s) => match self.skolems.get(*s as usize) {
                Some(info) if info.level > level => Err(UnifyError::Escape(*s)),
                _ => Ok(()),
            },
            Ty::Con(_, args) => {
                for a in args {
                    self.adjust(v, level, a).map_err(|e| match e {
                        // Report the whole type, not the part that has `v`.
                        UnifyError::Occurs(v, _) => UnifyError::Occurs(v, t.clone()),
                        e => e,
                    })?;
                }
                Ok(())
            }
            Ty::Gen(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unifies_and_checks_occurrence() {
        let mut s = Subst::new();
        let a = s.fresh(1, false);
        let b = s.fresh(1, false);
        s.unify(&a, &Ty::list(b.clone())).unwrap();
        s.unify(&b, &Ty::int()).unwrap();
        assert_eq!(s.zonk(&a), Ty::list(Ty::int()));
        let c = s.fresh(1, false);
        assert!(matches!(s.unify(&c, &Ty::list(c.clone())), Err(UnifyError::Occurs(..))));
    }

    #[test]
    fn numeric_variables_take_only_numbers() {
        let mut s = Subst::new();
        let n = s.fresh(1, true);
        assert!(matches!(s.unify(&n, &Ty::char()), Err(UnifyError::NotNumeric(_))));
        let m = s.fresh(1, false);
        s.unify(&n, &m).unwrap();
        assert!(matches!(s.unify(&m, &Ty::list(Ty::int())), Err(UnifyError::NotNumeric(_))));
        s.unify(&m, &Ty::double()).unwrap();
        assert_eq!(s.zonk(&n), Ty::double());
    }
}
