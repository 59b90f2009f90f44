//! Closure conversion: Core IR to Flat IR.
//!
//! [`closure_convert`] takes a verified Core module and gives a Flat module
//! (see [`crate::flat::ir`] for the target and its design decisions):
//!
//! * Each Core top-level definition becomes a [`Global`] at the same index:
//!   a λ becomes a [`GlobalKind::Fun`] whose code takes the λ's parameters,
//!   anything else a [`GlobalKind::Caf`] whose thunk code evaluates the body;
//!   an imported definition becomes a [`GlobalKind::Import`], a slot of the
//!   module's import table, and has no code.
//!   Globals are never captured: they are referenced as [`Atom::Global`].
//! * Each nested λ becomes a `Fun` code, and each non-trivial expression in a
//!   lazy position (a `let`/`letrec` right-hand side, an application
//!   argument, a `value` constructor field) becomes a `Thunk` code; both are
//!   allocated with [`Alloc::Closure`] capturing their free local variables.
//!   *Value forms* in lazy positions are allocated directly, without a
//!   thunk: a λ, a string literal, and a constructor whose unboxed fields are
//!   atoms and whose `value` fields are atoms or value forms (so a literal
//!   list `Cons(a, Cons(b, Nil))` is one allocation group of two objects).
//! * Atoms in lazy positions are not allocated at all: `let x = y` and
//!   `letrec x = y` (with `y` outside the group) substitute `y` for `x`.
//!   `strict x = a` substitutes when `a` is unboxed or known to be in WHNF,
//!   and a case binder is substituted by its scrutinee when that is already
//!   an evaluated atom; otherwise the binder is the `Strict` binder that
//!   receives the evaluated scrutinee. `strict x = V` of a value form
//!   allocates `V` bound to `x`, as does a value form in any strict
//!   `value` position (evaluating it is allocating it). `letrec x = x` (or `x = y, y = x`)
//!   becomes a thunk that enters itself: the runtime reports `<<loop>>`.
//! * Strict positions are evaluated into atoms with [`Body::Strict`] first;
//!   see Note [Closure conversion and evaluation order].
//! * Allocations of one straight-line stretch (no `Strict` in between) are
//!   one [`Body::Let`] group; a `letrec` is always one group (knots).
//! * Each code's environment is exactly its body's free variables, `value`
//!   ones first: conversion captures what the Core λ or thunk expression has
//!   free, then a final pass drops the variables that substitution made
//!   unused (innermost codes first, updating every allocation of them).
//!
//! Names: a global's code is named after the definition; nested codes are
//! `def.lamN` and `def.thunkN`, numbered in the order conversion meets them
//! (breadth first), with a `_K` suffix if that name is taken.
//!
//! # Note [Closure conversion and evaluation order]
//!
//! Core evaluates strict positions left to right: a case scrutinee, a
//! strict let's bound expression, the operands of a primitive, the unboxed
//! fields of a constructor, and the function of an application. Conversion
//! turns each strict sub-expression that is not already an evaluated atom
//! into `strict t = <its conversion> in ...`, in exactly that order, right
//! before the form that consumes it, and it never moves any other work
//! across it: allocation (the only thing conversion is free to reorder) has
//! no effect, and everything that can have one (a primitive, an `error`, an
//! evaluation that may diverge) stays in its Core position, in a `Strict`
//! first body or at a tail. So `putchar(putchar(w, 72), 105)` prints `H`
//! before `i`, and `iadd(error "a", error "b")` fails with `a`.
//!
//! `Value` operands of primitives (the tokens of effectful ones) and `Value`
//! case scrutinees are evaluated too, as in the reference interpreter: a
//! variable not known to be in WHNF is `Enter`ed with no arguments into a
//! `Strict` binder first. An application's function is not evaluated
//! separately when it is an atom (`Enter f args` evaluates it); nested
//! applications `(f a) b` become one call `Enter f [a, b]` (the runtime
//! handles over-application), which is the same in a lazy language because
//! arguments are never evaluated by the call. Lazy arguments are allocated
//! after the function has been evaluated, so they are not live across that
//! evaluation.
//!
//! # No recursion on term depth
//!
//! Conversion uses no Rust recursion on the depth of the input (Note [No
//! recursion on term depth] in `core/mod.rs`): nested codes (λ and thunk
//! bodies) are queued and converted one after another; within a code, a
//! straight-line stretch (`let`, `strict`, `letrec` chains) is walked by a
//! loop, and the sub-expressions it needs converted (strict operands, case
//! alternatives) are tasks on an explicit stack whose results are
//! assembled bottom-up; nested value forms are allocated from a work list;
//! free variables are computed by an explicit post-order walk. Any depth
//! converts on a small stack (tests convert 100,000-deep terms on 2 MB).
//!
//! Conversion never panics: an input that breaks an invariant it relies on
//! (an unbound or out-of-range variable, an unknown constructor, a bad
//! arity) gives [`ConvError::Malformed`]. It does not re-check everything the
//! Core verifier checks: run [`crate::core::verify::verify_module`] first.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;

use crate::core::ir as core;
use crate::core::ir::Expr;
use crate::flat::ir::*;

/// Why a module could not be converted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConvError {
    /// The input breaks an invariant of verified Core (verify it first).
    Malformed(String),
}

impl fmt::Display for ConvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConvError::Malformed(msg) => write!(f, "closure conversion: malformed Core: {msg}"),
        }
    }
}

impl std::error::Error for ConvError {}

type R<T> = Result<T, ConvError>;

fn malformed<T>(msg: impl Into<String>) -> R<T> {
    Err(ConvError::Malformed(msg.into()))
}

/// Convert a verified Core module to Flat IR.
pub fn closure_convert(core: &core::Module) -> Result<Module, ConvError> {
    let fvs = free_var_sets(core);
    let fun_globals: Vec<bool> = core.defs.iter().map(|d| matches!(d.body, Expr::Lam(..))).collect();
    let mut cx = Cx {
        core,
        fvs,
        fun_globals,
        vars: core.vars.clone(),
        whnf: vec![false; core.vars.len()],
        codes: Vec::new(),
        names: HashSet::new(),
        counters: vec![0; core.defs.len()],
        queue: VecDeque::new(),
    };
    let mut globals = Vec::with_capacity(core.defs.len());
    let mut imports = Vec::new();
    for (i, def) in core.defs.iter().enumerate() {
        if let Some(import) = &def.import {
            globals.push(Global { name: def.name.clone(), kind: GlobalKind::Import(ImportId(imports.len() as u32)) });
            imports.push(import.clone());
            continue;
        }
        let mut subst = HashMap::new();
        let (kind, body) = match &def.body {
            Expr::Lam(params, body) => {
                if params.is_empty() {
                    return malformed(format!("definition `{}` is a λ without parameters", def.name));
                }
                for p in params {
                    cx.check_var(*p)?;
                    subst.insert(*p, Atom::Var(*p));
                }
                (CodeKind::Fun { params: params.clone() }, &**body)
            }
            body => (CodeKind::Thunk, body),
        };
        let is_fun = matches!(kind, CodeKind::Fun { .. });
        let name = cx.unique_name(def.name.clone());
        let code = cx.push_code(name, kind, Vec::new());
        let gkind = if is_fun { GlobalKind::Fun(code) } else { GlobalKind::Caf(code) };
        globals.push(Global { name: def.name.clone(), kind: gkind });
        cx.queue.push_back(Pending { code, def: i, body, subst });
        while let Some(p) = cx.queue.pop_front() {
            let mut body = cx.convert_code(&p)?;
            flatten(&mut body);
            if let Some(c) = cx.codes.get_mut(p.code.index()) {
                c.body = body;
            }
        }
    }
    let mut codes = cx.codes;
    trim_envs(&mut codes);
    Ok(Module { datas: core.datas.clone(), vars: cx.vars, codes, globals, imports })
}

/// A code whose body is still to be converted.
struct Pending<'m> {
    code: CodeId,
    /// The top-level definition it belongs to (for naming).
    def: usize,
    body: &'m Expr,
    /// Core variable → operand in this code.
    subst: HashMap<core::VarId, Atom>,
}

struct Cx<'m> {
    core: &'m core::Module,
    /// Free variables of every λ and of every non-leaf expression in a lazy
    /// position, keyed by address.
    fvs: HashMap<*const Expr, Vec<core::VarId>>,
    fun_globals: Vec<bool>,
    vars: Vec<VarInfo>,
    /// Known to be in WHNF (design decision 5 of `flat::ir`), per variable.
    whnf: Vec<bool>,
    codes: Vec<Code>,
    names: HashSet<String>,
    counters: Vec<u32>,
    queue: VecDeque<Pending<'m>>,
}

/// One binding form of a straight-line stretch.
enum Item {
    Let(Vec<(VarId, Alloc)>),
    /// Takes the next converted sub-body as its first body.
    Strict(Vec<VarId>),
}

/// How a stretch ends.
enum Term {
    Ready(Body),
    /// Takes one converted sub-body per alternative, then the default's.
    Case(Atom, Vec<Pat>, bool),
}

/// A converted stretch waiting for its sub-bodies.
struct Plan {
    items: Vec<Item>,
    term: Term,
    /// How many sub-bodies it takes.
    subs: usize,
}

enum Task<'m> {
    Conv(&'m Expr),
    Assemble(Plan),
}

/// Is `e` an operand as it stands?
fn is_atom(e: &Expr) -> bool {
    matches!(e, Expr::Var(_) | Expr::Global(_) | Expr::Lit(_) | Expr::Free(_))
}

impl<'m> Cx<'m> {
    fn check_var(&self, v: core::VarId) -> R<Rep> {
        match self.core.vars.get(v.index()) {
            Some(info) => Ok(info.rep),
            None => malformed(format!("variable {v} is out of range")),
        }
    }

    fn fresh(&mut self, name: &str, rep: Rep) -> VarId {
        let v = VarId(self.vars.len() as u32);
        self.vars.push(VarInfo { name: name.to_string(), rep });
        self.whnf.push(false);
        v
    }

    fn set_whnf(&mut self, v: VarId) {
        if let Some(w) = self.whnf.get_mut(v.index()) {
            *w = true;
        }
    }

    fn rep(&self, v: VarId) -> Rep {
        self.vars.get(v.index()).map_or(Rep::Value, |i| i.rep)
    }

    fn known_whnf(&self, a: &Atom) -> bool {
        match a {
            Atom::Var(v) => self.rep(*v) != Rep::Value || self.whnf.get(v.index()).copied().unwrap_or(false),
            Atom::Global(g) => self.fun_globals.get(g.index()).copied().unwrap_or(false),
            Atom::Lit(_) | Atom::Free(_) => true,
        }
    }

    fn unique_name(&mut self, base: String) -> String {
        let mut name = base.clone();
        let mut k = 1;
        while self.names.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        self.names.insert(name.clone());
        name
    }

    fn push_code(&mut self, name: String, kind: CodeKind, env: Vec<VarId>) -> CodeId {
        let id = CodeId(self.codes.len() as u32);
        let placeholder = Body::Error { rep: Rep::Value, msg: "not converted yet".into(), loc: None };
        self.codes.push(Code { name, kind, env, body: placeholder });
        id
    }

    /// The operand for an atomic Core expression.
    fn atom(&self, e: &Expr, subst: &HashMap<core::VarId, Atom>) -> R<Atom> {
        match e {
            Expr::Var(v) => match subst.get(v) {
                Some(a) => Ok(a.clone()),
                None => malformed(format!("variable {v} is used out of scope")),
            },
            Expr::Global(g) => {
                if g.index() < self.core.defs.len() {
                    Ok(Atom::Global(*g))
                } else {
                    malformed(format!("global {g} is out of range"))
                }
            }
            Expr::Lit(l) => Ok(Atom::Lit(*l)),
            Expr::Free(name) => Ok(Atom::Free(name.clone())),
            _ => malformed("internal: not an atom"),
        }
    }

    /// Deliver an operand: `Return` when it is evaluated, else `Enter` it.
    fn deliver(&self, a: Atom) -> Body {
        if self.known_whnf(&a) {
            Body::Return(a)
        } else {
            Body::Enter(a, Vec::new())
        }
    }

    /// Create a nested code for `body` (the λ or thunk expression `key`),
    /// capturing the free variables of `key` from `subst`; returns the code
    /// and the environment operands of its allocation.
    fn nested_code(
        &mut self,
        def: usize,
        key: &Expr,
        params: Option<&[core::VarId]>,
        body: &'m Expr,
        subst: &HashMap<core::VarId, Atom>,
    ) -> R<(CodeId, Vec<Atom>)> {
        let mut inner = HashMap::new();
        let mut captured: Vec<(VarId, VarId)> = Vec::new();
        let mut seen: HashMap<VarId, VarId> = HashMap::new();
        let fv = match key {
            Expr::Var(v) => vec![*v],
            _ => self.fvs.get(&(key as *const Expr)).cloned().unwrap_or_default(),
        };
        for v in fv {
            let a = match subst.get(&v) {
                Some(a) => a.clone(),
                None => return malformed(format!("variable {v} is used out of scope")),
            };
            match a {
                Atom::Var(outer) => {
                    let iv = match seen.get(&outer) {
                        Some(iv) => *iv,
                        None => {
                            let info = self.vars.get(outer.index()).cloned();
                            let (name, rep) = info.map_or(("v".to_string(), Rep::Value), |i| (i.name, i.rep));
                            let iv = self.fresh(&name, rep);
                            seen.insert(outer, iv);
                            captured.push((outer, iv));
                            iv
                        }
                    };
                    inner.insert(v, Atom::Var(iv));
                }
                other => {
                    inner.insert(v, other);
                }
            }
        }
        // Pointers first.
        let (mut env_pairs, unboxed): (Vec<_>, Vec<_>) =
            captured.into_iter().partition(|(outer, _)| self.rep(*outer) == Rep::Value);
        env_pairs.extend(unboxed);
        let kind = match params {
            Some(ps) => {
                if ps.is_empty() {
                    return malformed("a λ without parameters");
                }
                for p in ps {
                    self.check_var(*p)?;
                    inner.insert(*p, Atom::Var(*p));
                }
                CodeKind::Fun { params: ps.to_vec() }
            }
            None => CodeKind::Thunk,
        };
        let counter = match self.counters.get_mut(def) {
            Some(c) => {
                *c += 1;
                *c
            }
            None => return malformed("internal: definition index"),
        };
        let what = if params.is_some() { "lam" } else { "thunk" };
        let def_name = self.core.defs.get(def).map_or("?", |d| d.name.as_str());
        let name = self.unique_name(format!("{def_name}.{what}{counter}"));
        let env: Vec<VarId> = env_pairs.iter().map(|(_, iv)| *iv).collect();
        let code = self.push_code(name, kind, env);
        self.queue.push_back(Pending { code, def, body, subst: inner });
        Ok((code, env_pairs.into_iter().map(|(outer, _)| Atom::Var(outer)).collect()))
    }

    /// Allocate `e` (in a lazy position) into the current group, bound to
    /// `binder` (or a fresh variable), unless it is an atom; returns its
    /// operand. Nested value forms are allocated from a work list.
    fn lazy(
        &mut self,
        def: usize,
        binder: Option<VarId>,
        e: &'m Expr,
        subst: &HashMap<core::VarId, Atom>,
        items: &mut Vec<Item>,
    ) -> R<Atom> {
        if is_atom(e) {
            return self.atom(e, subst);
        }
        let root = match binder {
            Some(b) => b,
            None => {
                let hint = self.hint_of(e);
                self.fresh(&hint, Rep::Value)
            }
        };
        let mut work = vec![(root, e)];
        while let Some((v, e)) = work.pop() {
            let alloc = match e {
                Expr::Lam(ps, body) => {
                    self.set_whnf(v);
                    let (code, env) = self.nested_code(def, e, Some(ps), body, subst)?;
                    Alloc::Closure { code, env }
                }
                Expr::Str(s) => Alloc::Str(s.clone()),
                Expr::Con(c, args) if self.is_value_con(*c, args) => {
                    let Some(decl) = self.core.datas.get(c.data.index()).and_then(|d| d.cons.get(c.tag as usize))
                    else {
                        return malformed("internal: constructor");
                    };
                    let mut fields = Vec::with_capacity(args.len());
                    for (a, rep) in args.iter().zip(&decl.fields) {
                        if is_atom(a) || *rep != Rep::Value {
                            fields.push(self.atom(a, subst)?);
                        } else {
                            let hint = self.hint_of(a);
                            let w = self.fresh(&hint, Rep::Value);
                            work.push((w, a));
                            fields.push(Atom::Var(w));
                        }
                    }
                    self.set_whnf(v);
                    Alloc::Con { con: *c, fields }
                }
                _ => {
                    let (code, env) = self.nested_code(def, e, None, e, subst)?;
                    Alloc::Closure { code, env }
                }
            };
            push_alloc(items, v, alloc);
        }
        Ok(Atom::Var(root))
    }

    /// A name hint for a fresh binder of `e` in a lazy position.
    fn hint_of(&self, e: &Expr) -> String {
        match e {
            Expr::Lam(..) => "f".into(),
            Expr::Str(_) => "s".into(),
            Expr::Con(c, args) if self.is_value_con(*c, args) => con_hint(
                self.core
                    .datas
                    .get(c.data.index())
                    .and_then(|d| d.cons.get(c.tag as usize))
                    .map_or("c", |d| d.name.as_str()),
            ),
            _ => "t".into(),
        }
    }

    /// A saturated constructor whose unboxed fields are atoms.
    fn is_value_con(&self, c: core::ConRef, args: &[Expr]) -> bool {
        let Some(decl) = self.core.datas.get(c.data.index()).and_then(|d| d.cons.get(c.tag as usize)) else {
            return false;
        };
        decl.fields.len() == args.len() && args.iter().zip(&decl.fields).all(|(a, r)| *r == Rep::Value || is_atom(a))
    }

    /// Evaluate `e` (of representation `rep`) into an operand, adding a
    /// `Strict` item (and a sub-body task) unless it is an atom that needs
    /// no evaluation. `need_whnf` is false for an application's function.
    #[allow(clippy::too_many_arguments)]
    fn strict(
        &mut self,
        def: usize,
        e: &'m Expr,
        rep: Rep,
        need_whnf: bool,
        hint: &str,
        subst: &HashMap<core::VarId, Atom>,
        items: &mut Vec<Item>,
        subs: &mut Vec<&'m Expr>,
    ) -> R<Atom> {
        if is_atom(e) {
            let a = self.atom(e, subst)?;
            if rep != Rep::Value || !need_whnf || self.known_whnf(&a) {
                return Ok(a);
            }
        }
        // A λ or a constructor of atoms and value forms is evaluated by
        // allocating it.
        let value_form = match e {
            Expr::Lam(..) => true,
            Expr::Con(c, args) => self.is_value_con(*c, args),
            _ => false,
        };
        if value_form {
            return self.lazy(def, None, e, subst, items);
        }
        let t = self.fresh(hint, rep);
        if rep == Rep::Value {
            self.set_whnf(t);
        }
        items.push(Item::Strict(vec![t]));
        subs.push(e);
        Ok(Atom::Var(t))
    }

    /// Convert one code's body.
    fn convert_code(&mut self, p: &Pending<'m>) -> R<Body> {
        let mut subst = p.subst.clone();
        let mut tasks = vec![Task::Conv(p.body)];
        let mut results: Vec<Body> = Vec::new();
        while let Some(task) = tasks.pop() {
            match task {
                Task::Conv(e) => {
                    let (plan, subs) = self.stretch(p.def, e, &mut subst)?;
                    tasks.push(Task::Assemble(plan));
                    tasks.extend(subs.into_iter().rev().map(Task::Conv));
                }
                Task::Assemble(plan) => {
                    let Some(at) = results.len().checked_sub(plan.subs) else {
                        return malformed("internal: missing sub-bodies");
                    };
                    let bodies = results.split_off(at);
                    results.push(assemble(plan, bodies)?);
                }
            }
        }
        match (results.pop(), results.is_empty()) {
            (Some(b), true) => Ok(b),
            _ => malformed("internal: unbalanced conversion"),
        }
    }

    /// Walk the straight-line stretch starting at `e` (which is to be
    /// evaluated and its value delivered): returns the plan and the
    /// sub-expressions to convert, in the order the plan takes them.
    fn stretch(
        &mut self,
        def: usize,
        mut e: &'m Expr,
        subst: &mut HashMap<core::VarId, Atom>,
    ) -> R<(Plan, Vec<&'m Expr>)> {
        let mut items: Vec<Item> = Vec::new();
        let mut subs: Vec<&'m Expr> = Vec::new();
        let term = loop {
            match e {
                Expr::Var(v) => {
                    self.check_var(*v)?;
                    let a = self.atom(e, subst)?;
                    break Term::Ready(self.deliver(a));
                }
                Expr::Global(_) | Expr::Lit(_) | Expr::Free(_) => {
                    let a = self.atom(e, subst)?;
                    break Term::Ready(self.deliver(a));
                }
                Expr::Error { rep, msg, loc } => {
                    break Term::Ready(Body::Error { rep: *rep, msg: msg.clone(), loc: loc.clone() })
                }
                Expr::Str(_) | Expr::Lam(..) => {
                    let a = self.lazy(def, None, e, subst, &mut items)?;
                    break Term::Ready(self.deliver(a));
                }
                Expr::Let(x, rhs, body) => {
                    self.check_var(*x)?;
                    if is_atom(rhs) {
                        let a = self.atom(rhs, subst)?;
                        subst.insert(*x, a);
                    } else {
                        self.lazy(def, Some(*x), rhs, subst, &mut items)?;
                        subst.insert(*x, Atom::Var(*x));
                    }
                    e = body;
                }
                Expr::LetRec(binds, body) => {
                    let group: HashSet<core::VarId> = binds.iter().map(|(x, _)| *x).collect();
                    let in_group = |rhs: &Expr| matches!(rhs, Expr::Var(y) if group.contains(y));
                    // Aliases of operands outside the group first, so that
                    // every allocation below sees them.
                    for (x, rhs) in binds {
                        self.check_var(*x)?;
                        if !is_atom(rhs) || in_group(rhs) {
                            subst.insert(*x, Atom::Var(*x));
                        }
                    }
                    for (x, rhs) in binds {
                        if is_atom(rhs) && !in_group(rhs) {
                            let a = self.atom(rhs, subst)?;
                            subst.insert(*x, a);
                        }
                    }
                    for (x, rhs) in binds {
                        if in_group(rhs) {
                            // `x = y` inside the group: a thunk entering `y`.
                            let (code, env) = self.nested_code(def, rhs, None, rhs, subst)?;
                            push_alloc(&mut items, *x, Alloc::Closure { code, env });
                        } else if !is_atom(rhs) {
                            self.lazy(def, Some(*x), rhs, subst, &mut items)?;
                        }
                    }
                    e = body;
                }
                Expr::LetStrict(xs, rhs, body) => {
                    for x in xs {
                        self.check_var(*x)?;
                    }
                    let alias = match (xs.as_slice(), is_atom(rhs)) {
                        ([x], true) => {
                            let a = self.atom(rhs, subst)?;
                            (self.rep(*x) != Rep::Value || self.known_whnf(&a)).then_some((*x, a))
                        }
                        _ => None,
                    };
                    let value_form = match (xs.as_slice(), &**rhs) {
                        ([x], Expr::Lam(..)) => Some(*x),
                        ([x], Expr::Con(c, args)) if self.is_value_con(*c, args) => Some(*x),
                        _ => None,
                    };
                    match (alias, value_form) {
                        (Some((x, a)), _) => {
                            subst.insert(x, a);
                        }
                        (None, Some(x)) => {
                            // Evaluating a value form is allocating it.
                            self.lazy(def, Some(x), rhs, subst, &mut items)?;
                            subst.insert(x, Atom::Var(x));
                        }
                        (None, None) => {
                            for x in xs {
                                subst.insert(*x, Atom::Var(*x));
                                if self.rep(*x) == Rep::Value {
                                    self.set_whnf(*x);
                                }
                            }
                            items.push(Item::Strict(xs.clone()));
                            subs.push(rhs);
                        }
                    }
                    e = body;
                }
                Expr::Case(c) => {
                    let b = c.binder;
                    let brep = self.check_var(b)?;
                    let scrut = if is_atom(&c.scrut) && {
                        let a = self.atom(&c.scrut, subst)?;
                        brep != Rep::Value || self.known_whnf(&a)
                    } {
                        let a = self.atom(&c.scrut, subst)?;
                        subst.insert(b, a.clone());
                        a
                    } else {
                        if brep == Rep::Value {
                            self.set_whnf(b);
                        }
                        subst.insert(b, Atom::Var(b));
                        items.push(Item::Strict(vec![b]));
                        subs.push(&c.scrut);
                        Atom::Var(b)
                    };
                    let mut pats = Vec::with_capacity(c.alts.len());
                    for alt in &c.alts {
                        if let Pat::Con(_, vs) = &alt.pat {
                            for v in vs {
                                self.check_var(*v)?;
                                subst.insert(*v, Atom::Var(*v));
                            }
                        }
                        pats.push(alt.pat.clone());
                        subs.push(&alt.body);
                    }
                    if let Some(d) = &c.default {
                        subs.push(d);
                    }
                    break Term::Case(scrut, pats, c.default.is_some());
                }
                Expr::App(..) => {
                    // The whole spine: `(f a) b` is one call `f a b`.
                    let mut lists = Vec::new();
                    let mut f = e;
                    while let Expr::App(g, args) = f {
                        lists.push(args);
                        f = g;
                    }
                    let fa = self.strict(def, f, Rep::Value, false, "f", subst, &mut items, &mut subs)?;
                    let mut args = Vec::new();
                    for list in lists.into_iter().rev() {
                        for a in list {
                            args.push(self.lazy(def, None, a, subst, &mut items)?);
                        }
                    }
                    break Term::Ready(Body::Enter(fa, args));
                }
                Expr::Con(c, args) => {
                    let Some(decl) = self.core.datas.get(c.data.index()).and_then(|d| d.cons.get(c.tag as usize))
                    else {
                        return malformed(format!("constructor {}#{} does not exist", c.data, c.tag));
                    };
                    if decl.fields.len() != args.len() {
                        return malformed(format!("constructor `{}` is not saturated", decl.name));
                    }
                    // Unboxed fields are strict, left to right; then the
                    // lazy ones are allocated with the constructor.
                    let mut fields: Vec<Option<Atom>> = vec![None; args.len()];
                    for (i, (a, rep)) in args.iter().zip(&decl.fields).enumerate() {
                        if *rep != Rep::Value {
                            fields[i] = Some(self.strict(def, a, *rep, true, "n", subst, &mut items, &mut subs)?);
                        }
                    }
                    for (i, (a, rep)) in args.iter().zip(&decl.fields).enumerate() {
                        if *rep == Rep::Value {
                            fields[i] = Some(self.lazy(def, None, a, subst, &mut items)?);
                        }
                    }
                    let fields: Vec<Atom> = fields.into_iter().flatten().collect();
                    let v = self.fresh(&con_hint(&decl.name), Rep::Value);
                    self.set_whnf(v);
                    push_alloc(&mut items, v, Alloc::Con { con: *c, fields });
                    break Term::Ready(Body::Return(Atom::Var(v)));
                }
                Expr::Prim(op, args) => {
                    let sig = op.signature();
                    if sig.args.len() != args.len() {
                        return malformed(format!("primitive `{op}` has the wrong number of operands"));
                    }
                    let mut atoms = Vec::with_capacity(args.len());
                    for (a, rep) in args.iter().zip(sig.args) {
                        let hint = if *rep == Rep::Value { "w" } else { "n" };
                        atoms.push(self.strict(def, a, *rep, true, hint, subst, &mut items, &mut subs)?);
                    }
                    break Term::Ready(Body::Prim(*op, atoms));
                }
            }
        };
        let term_subs = match &term {
            Term::Ready(_) => 0,
            Term::Case(_, pats, d) => pats.len() + usize::from(*d),
        };
        let strict_subs = items.iter().filter(|i| matches!(i, Item::Strict(_))).count();
        let plan = Plan { items, term, subs: strict_subs + term_subs };
        if plan.subs != subs.len() {
            return malformed("internal: sub-body count");
        }
        Ok((plan, subs))
    }
}

/// Add an allocation to the current group (a new group after a `Strict`).
fn push_alloc(items: &mut Vec<Item>, v: VarId, alloc: Alloc) {
    match items.last_mut() {
        Some(Item::Let(group)) => group.push((v, alloc)),
        _ => items.push(Item::Let(vec![(v, alloc)])),
    }
}

/// Build a stretch's body from its plan and its converted sub-bodies.
fn assemble(plan: Plan, bodies: Vec<Body>) -> R<Body> {
    let strict_subs = plan.items.iter().filter(|i| matches!(i, Item::Strict(_))).count();
    let mut bodies = bodies.into_iter();
    let mut firsts: Vec<Body> = bodies.by_ref().take(strict_subs).collect();
    let mut body = match plan.term {
        Term::Ready(b) => b,
        Term::Case(scrut, pats, has_default) => {
            let mut alts = Vec::with_capacity(pats.len());
            for pat in pats {
                match bodies.next() {
                    Some(b) => alts.push((pat, b)),
                    None => return malformed("internal: missing alternative"),
                }
            }
            let default = if has_default { bodies.next() } else { None };
            Body::Case(Box::new(Case { scrut, alts, default }))
        }
    };
    for item in plan.items.into_iter().rev() {
        body = match item {
            Item::Let(group) => Body::Let(group, Box::new(body)),
            Item::Strict(xs) => match firsts.pop() {
                Some(first) => Body::Strict(xs, Box::new(first), Box::new(body)),
                None => return malformed("internal: missing first body"),
            },
        };
    }
    Ok(body)
}

fn hole() -> Body {
    Body::Return(Atom::Lit(Lit::Int(0)))
}

fn take(b: &mut Body) -> Body {
    std::mem::replace(b, hole())
}

/// Move straight-line prefixes out of `Strict` first bodies and merge
/// adjacent allocation groups, in one top-down pass without recursion:
///
/// * `strict x = { let g; F } in K` becomes `let g; strict x = F in K`;
/// * `strict x = { strict y = A in F } in K` becomes
///   `strict y = A in strict x = F in K`;
/// * `let g1; let g2; K` becomes `let g1, g2; K`.
///
/// Evaluation order is unchanged and every variable is bound once, so the
/// moved binders may scope further without capturing anything; only a
/// `case` (a real join point) stays inside a first body. Each rotation is
/// O(1) and moves a binding form out for good, so long chains of nested
/// primitive operands flatten in linear time.
fn flatten(body: &mut Body) {
    fn rotate(node: &mut Body) -> bool {
        let Body::Strict(xs, first, k) = node else { return false };
        match &mut **first {
            Body::Let(g, f) => {
                let (g, f, xs, k) = (std::mem::take(g), take(f), std::mem::take(xs), take(k));
                *node = Body::Let(g, Box::new(Body::Strict(xs, Box::new(f), Box::new(k))));
                true
            }
            Body::Strict(ys, a, f) => {
                let (ys, a, f, xs, k) = (std::mem::take(ys), take(a), take(f), std::mem::take(xs), take(k));
                *node = Body::Strict(ys, Box::new(a), Box::new(Body::Strict(xs, Box::new(f), Box::new(k))));
                true
            }
            _ => false,
        }
    }
    // Each node is rewritten before its children are visited.
    walk_mut(body, |node| loop {
        if rotate(&mut *node) {
            continue;
        }
        if let Body::Let(g, k) = &mut *node {
            while rotate(k) {}
            if let Body::Let(g2, k2) = &mut **k {
                g.append(g2);
                let rest = take(k2);
                **k = rest;
                continue;
            }
        }
        break;
    });
}

/// A constructor allocation's binder hint: the constructor's name in lower
/// case (`Cons` → `cons`).
fn con_hint(name: &str) -> String {
    let lower = name.to_lowercase();
    if lower.is_empty() {
        "c".into()
    } else {
        lower
    }
}

/// Drop the environment variables that the body does not use, innermost
/// codes first (a code is only allocated by codes created before it), and
/// the matching operands of every allocation.
fn trim_envs(codes: &mut [Code]) {
    let mut keep: Vec<Option<Vec<bool>>> = vec![None; codes.len()];
    for i in (0..codes.len()).rev() {
        let code = &mut codes[i];
        walk_mut(&mut code.body, |b| {
            if let Body::Let(group, _) = b {
                for (_, alloc) in group.iter_mut() {
                    if let Alloc::Closure { code, env } = alloc {
                        if let Some(Some(mask)) = keep.get(code.index()) {
                            if mask.len() == env.len() {
                                let mut it = mask.iter();
                                env.retain(|_| it.next().copied().unwrap_or(true));
                            }
                        }
                    }
                }
            }
        });
        let used: HashSet<VarId> = free_vars(&code.body).into_iter().collect();
        let mask: Vec<bool> = code.env.iter().map(|v| used.contains(v)).collect();
        code.env.retain(|v| used.contains(v));
        keep[i] = Some(mask);
    }
}

/// Free variables of every λ and every non-leaf expression in a lazy
/// position (let and letrec right-hand sides, application arguments,
/// constructor fields), sorted, by an explicit post-order walk.
fn free_var_sets(core: &core::Module) -> HashMap<*const Expr, Vec<core::VarId>> {
    enum T<'a> {
        Enter(&'a Expr, bool),
        Exit(&'a Expr, bool),
    }
    let mut out = HashMap::new();
    for def in &core.defs {
        let mut tasks = vec![T::Enter(&def.body, false)];
        let mut vals: Vec<Vec<core::VarId>> = Vec::new();
        while let Some(t) = tasks.pop() {
            match t {
                T::Enter(e, rec) => {
                    let children: Vec<(&Expr, bool)> = match e {
                        Expr::Var(v) => {
                            vals.push(vec![*v]);
                            continue;
                        }
                        Expr::Global(_) | Expr::Lit(_) | Expr::Str(_) | Expr::Free(_) | Expr::Error { .. } => {
                            vals.push(Vec::new());
                            continue;
                        }
                        Expr::Lam(_, body) => vec![(body, false)],
                        Expr::App(f, args) => {
                            std::iter::once((&**f, false)).chain(args.iter().map(|a| (a, true))).collect()
                        }
                        Expr::Let(_, rhs, body) => vec![(rhs, true), (body, false)],
                        Expr::LetStrict(_, rhs, body) => vec![(rhs, false), (body, false)],
                        Expr::LetRec(binds, body) => {
                            binds.iter().map(|(_, r)| (r, true)).chain(std::iter::once((&**body, false))).collect()
                        }
                        Expr::Case(c) => std::iter::once((&c.scrut, false))
                            .chain(c.alts.iter().map(|a| (&a.body, false)))
                            .chain(c.default.iter().map(|d| (d, false)))
                            .collect(),
                        Expr::Con(_, args) => args.iter().map(|a| (a, true)).collect(),
                        Expr::Prim(_, args) => args.iter().map(|a| (a, false)).collect(),
                    };
                    tasks.push(T::Exit(e, rec));
                    for (c, r) in children.into_iter().rev() {
                        tasks.push(T::Enter(c, r));
                    }
                }
                T::Exit(e, rec) => {
                    let n = match e {
                        Expr::Lam(..) => 1,
                        Expr::App(_, args) => 1 + args.len(),
                        Expr::Let(..) | Expr::LetStrict(..) => 2,
                        Expr::LetRec(binds, _) => binds.len() + 1,
                        Expr::Case(c) => 1 + c.alts.len() + usize::from(c.default.is_some()),
                        Expr::Con(_, args) | Expr::Prim(_, args) => args.len(),
                        _ => 0,
                    };
                    let at = vals.len().saturating_sub(n);
                    let mut kids = vals.split_off(at);
                    kids.resize(n, Vec::new());
                    let set = match e {
                        Expr::Lam(ps, _) => minus(std::mem::take(&mut kids[0]), ps),
                        Expr::Let(x, _, _) => {
                            let body = minus(std::mem::take(&mut kids[1]), &[*x]);
                            union(vec![std::mem::take(&mut kids[0]), body])
                        }
                        Expr::LetStrict(xs, _, _) => {
                            let body = minus(std::mem::take(&mut kids[1]), xs);
                            union(vec![std::mem::take(&mut kids[0]), body])
                        }
                        Expr::LetRec(binds, _) => {
                            let xs: Vec<core::VarId> = binds.iter().map(|(x, _)| *x).collect();
                            minus(union(kids), &xs)
                        }
                        Expr::Case(c) => {
                            let mut parts = Vec::with_capacity(kids.len());
                            let mut kids = kids.into_iter();
                            parts.push(kids.next().unwrap_or_default());
                            for alt in &c.alts {
                                let mut bound = vec![c.binder];
                                if let Pat::Con(_, vs) = &alt.pat {
                                    bound.extend(vs);
                                }
                                parts.push(minus(kids.next().unwrap_or_default(), &bound));
                            }
                            if c.default.is_some() {
                                parts.push(minus(kids.next().unwrap_or_default(), &[c.binder]));
                            }
                            union(parts)
                        }
                        _ => union(kids),
                    };
                    if rec || matches!(e, Expr::Lam(..)) {
                        out.insert(e as *const Expr, set.clone());
                    }
                    vals.push(set);
                }
            }
        }
    }
    out
}

fn union(parts: Vec<Vec<core::VarId>>) -> Vec<core::VarId> {
    let mut all: Vec<core::VarId> = parts.into_iter().flatten().collect();
    all.sort_unstable();
    all.dedup();
    all
}

fn minus(mut set: Vec<core::VarId>, bound: &[core::VarId]) -> Vec<core::VarId> {
    if bound.len() > 8 {
        let b: HashSet<core::VarId> = bound.iter().copied().collect();
        set.retain(|v| !b.contains(v));
    } else {
        set.retain(|v| !bound.contains(v));
    }
    set
}
