//! The types of the type checker: [`Ty`], [`Scheme`], the table of type
//! constructors, and printing types as Haskell does.
//!
//! A [`Ty`] is a tree: unification variables ([`Ty::Var`], resolved through
//! the substitution in `unify.rs`), the bound variables of a type scheme
//! ([`Ty::Gen`]), rigid variables from signatures ([`Ty::Skolem`]), and type
//! constructors applied to all their arguments ([`Ty::Con`]; type
//! constructors are never partially applied in Lull, see `env.rs`).
//! Functions, lists, tuples and unit are constructors like any other, with
//! fixed ids ([`TyCon::FUN`], ...). Type synonyms never appear in a `Ty`:
//! they are expanded when a written type is converted.

use std::collections::HashMap;
use std::fmt::Write;

/// A type constructor: an index into [`TyCons`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TyCon(pub u32);

impl TyCon {
    pub const INT: TyCon = TyCon(0);
    pub const DOUBLE: TyCon = TyCon(1);
    pub const CHAR: TyCon = TyCon(2);
    pub const LIST: TyCon = TyCon(3);
    pub const UNIT: TyCon = TyCon(4);
    pub const FUN: TyCon = TyCon(5);
    pub const IO: TyCon = TyCon(6);
    /// `(,)` is `TUPLE2`, ... up to `(,,,,,,)`: `TyCon(TUPLE2.0 + n - 2)`.
    pub const TUPLE2: TyCon = TyCon(7);
    /// The largest tuple Lull has (LANGUAGE.md 1.4).
    pub const MAX_TUPLE: usize = 7;

    /// The tuple constructor of `n` components (2 to [`Self::MAX_TUPLE`]).
    pub fn tuple(n: usize) -> Option<TyCon> {
        (2..=Self::MAX_TUPLE).contains(&n).then(|| TyCon(Self::TUPLE2.0 + n as u32 - 2))
    }

    /// The number of components when this is a tuple constructor.
    pub fn tuple_arity(self) -> Option<usize> {
        let n = self.0.checked_sub(Self::TUPLE2.0)? as usize + 2;
        (n <= Self::MAX_TUPLE).then_some(n)
    }
}

/// What is known of a type constructor.
#[derive(Clone, Debug)]
pub struct TyConInfo {
    pub name: String,
    pub arity: usize,
    /// Its data constructors, in declaration order (empty for the
    /// primitive types and for `data Handle`).
    pub cons: Vec<String>,
    /// Declared with `newtype`.
    pub newtype: bool,
}

/// The type constructors known to one check: the built-in ones first, at
/// the fixed ids of [`TyCon`], then the library's and the program's.
#[derive(Clone, Debug)]
pub struct TyCons {
    infos: Vec<TyConInfo>,
}

impl Default for TyCons {
    fn default() -> Self {
        Self::new()
    }
}

impl TyCons {
    /// The built-in type constructors.
    pub fn new() -> TyCons {
        let mut infos = Vec::new();
        let mut add = |name: &str, arity: usize, cons: &[&str]| {
            infos.push(TyConInfo {
                name: name.to_string(),
                arity,
                cons: cons.iter().map(|c| c.to_string()).collect(),
                newtype: false,
            })
        };
        add("Int", 0, &[]);
        add("Double", 0, &[]);
        add("Char", 0, &[]);
        add("[]", 1, &["[]", ":"]);
        add("()", 0, &["()"]);
        add("->", 2, &[]);
        add("IO", 1, &[]);
        for n in 2..=TyCon::MAX_TUPLE {
            let name = format!("({})", ",".repeat(n - 1));
            add(&name.clone(), n, &[&name]);
        }
        TyCons { infos }
    }

    pub fn add(&mut self, info: TyConInfo) -> TyCon {
        self.infos.push(info);
        TyCon(self.infos.len() as u32 - 1)
    }

    pub fn get(&self, c: TyCon) -> Option<&TyConInfo> {
        self.infos.get(c.0 as usize)
    }

    pub fn get_mut(&mut self, c: TyCon) -> Option<&mut TyConInfo> {
        self.infos.get_mut(c.0 as usize)
    }

    pub fn name(&self, c: TyCon) -> &str {
        self.get(c).map_or("?", |i| i.name.as_str())
    }
}

/// A unification variable: an index into the substitution (`unify.rs`).
pub type TyVar = u32;

/// A type.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// A unification variable.
    Var(TyVar),
    /// The `n`th bound variable of the enclosing [`Scheme`].
    Gen(u32),
    /// A rigid type variable: a variable of a signature while the binding
    /// is checked against it (an index into the skolem table of `unify.rs`).
    Skolem(u32),
    /// A type constructor applied to exactly its arity of arguments.
    Con(TyCon, Vec<Ty>),
}

impl Ty {
    pub fn con(c: TyCon) -> Ty {
        Ty::Con(c, Vec::new())
    }
    pub fn int() -> Ty {
        Ty::con(TyCon::INT)
    }
    pub fn double() -> Ty {
        Ty::con(TyCon::DOUBLE)
    }
    pub fn char() -> Ty {
        Ty::con(TyCon::CHAR)
    }
    pub fn unit() -> Ty {
        Ty::con(TyCon::UNIT)
    }
    pub fn list(t: Ty) -> Ty {
        Ty::Con(TyCon::LIST, vec![t])
    }
    pub fn string() -> Ty {
        Ty::list(Ty::char())
    }
    pub fn io(t: Ty) -> Ty {
        Ty::Con(TyCon::IO, vec![t])
    }
    pub fn fun(a: Ty, b: Ty) -> Ty {
        Ty::Con(TyCon::FUN, vec![a, b])
    }
    /// `a1 -> a2 -> ... -> r`.
    pub fn funs(args: impl IntoIterator<Item = Ty, IntoIter: DoubleEndedIterator>, r: Ty) -> Ty {
        args.into_iter().rev().fold(r, |acc, a| Ty::fun(a, acc))
    }
    /// The argument and result when this is a function type.
    pub fn as_fun(&self) -> Option<(&Ty, &Ty)> {
        match self {
            Ty::Con(TyCon::FUN, args) if args.len() == 2 => Some((&args[0], &args[1])),
            _ => None,
        }
    }
}

/// Whether a bound variable of a scheme is restricted to the numeric
/// types. Only library signatures (`Num a =>`, `Read a =>`) produce
/// numeric bound variables: see Note [Numeric defaulting] in `infer.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Any,
    Numeric,
    /// Constrained by `Eq`, `Ord`, `Show` or `Enum` in a library
    /// signature: no restriction on the type, but a binding restricted by
    /// the monomorphism restriction does not generalise it (see Note
    /// [Numeric defaulting] in `infer.rs`).
    Constrained,
}

/// A type scheme `forall g0 g1 ... . ty`, the bound variables being the
/// [`Ty::Gen`] indices `0..vars.len()`.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheme {
    pub vars: Vec<VarKind>,
    pub ty: Ty,
}

impl Scheme {
    /// A type without bound variables.
    pub fn mono(ty: Ty) -> Scheme {
        Scheme { vars: Vec::new(), ty }
    }
}

/// Prints types as Haskell writes them, naming variables `a`, `b`, ... in
/// the order they are first printed (one `Printer` for several types gives
/// them consistent names). Skolems print under their signature's name.
pub struct Printer<'a> {
    tycons: &'a TyCons,
    skolem_names: &'a [String],
    names: HashMap<VarKey, String>,
    next: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum VarKey {
    Var(TyVar),
    Gen(u32),
}

impl<'a> Printer<'a> {
    pub fn new(tycons: &'a TyCons, skolem_names: &'a [String]) -> Printer<'a> {
        Printer { tycons, skolem_names, names: HashMap::new(), next: 0 }
    }

    /// `ty` as Haskell source. Unification variables should be resolved
    /// first (`zonk`); an unresolved one prints as a type variable.
    pub fn print(&mut self, ty: &Ty) -> String {
        let mut out = String::new();
        self.go(ty, 0, &mut out);
        out
    }

    fn var_name(&mut self, key: VarKey) -> String {
        if let Some(n) = self.names.get(&key) {
            return n.clone();
        }
        loop {
            let name = var_name(self.next);
            self.next += 1;
            if !self.skolem_names.contains(&name) {
                self.names.insert(key, name.clone());
                return name;
            }
        }
    }

    /// Precedence: 0 top, 1 function argument (arrows need parentheses),
    /// 2 constructor argument (applications need them too).
    fn go(&mut self, ty: &Ty, prec: u8, out: &mut String) {
        match ty {
            Ty::Var(v) => out.push_str(&self.var_name(VarKey::Var(*v))),
            Ty::Gen(g) => out.push_str(&self.var_name(VarKey::Gen(*g))),
            Ty::Skolem(s) => out.push_str(self.skolem_names.get(*s as usize).map_or("t", |n| n.as_str())),
            Ty::Con(c, args) => {
                if let Some((a, r)) = ty.as_fun() {
                    if prec > 0 {
                        out.push('(');
                    }
                    self.go(a, 1, out);
                    out.push_str(" -> ");
                    self.go(r, 0, out);
                    if prec > 0 {
                        out.push(')');
                    }
                } else if *c == TyCon::LIST && args.len() == 1 {
                    out.push('[');
                    self.go(&args[0], 0, out);
                    out.push(']');
                } else if c.tuple_arity() == Some(args.len()) {
                    out.push('(');
                    for (i, a) in args.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        self.go(a, 0, out);
                    }
                    out.push(')');
                } else if args.is_empty() {
                    out.push_str(self.tycons.name(*c));
                } else {
                    if prec > 1 {
                        out.push('(');
                    }
                    out.push_str(self.tycons.name(*c));
                    for a in args {
                        out.push(' ');
                        self.go(a, 2, out);
                    }
                    if prec > 1 {
                        out.push(')');
                    }
                }
            }
        }
    }
}

/// `a`, `b`, ..., `z`, `a1`, `b1`, ...
pub fn var_name(n: usize) -> String {
    let mut s = String::new();
    s.push((b'a' + (n % 26) as u8) as char);
    if n >= 26 {
        let _ = write!(s, "{}", n / 26);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_haskell() {
        let tc = TyCons::new();
        let mut p = Printer::new(&tc, &[]);
        let t = Ty::fun(
            Ty::fun(Ty::Var(7), Ty::Var(3)),
            Ty::fun(
                Ty::list(Ty::Var(7)),
                Ty::Con(TyCon::IO, vec![Ty::Con(TyCon::TUPLE2, vec![Ty::int(), Ty::unit()])]),
            ),
        );
        assert_eq!(p.print(&t), "(a -> b) -> [a] -> IO (Int, ())");
        assert_eq!(var_name(27), "b1");
    }
}
