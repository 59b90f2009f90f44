//! The Core verifier: checks that a [`Module`] is well formed.
//!
//! [`verify_module`] checks exactly the invariants below and reports every
//! violation it finds (each [`VerifyError`] names its invariant as `[Vn]`).
//! Every pass's output is verified in tests. Representations are computed
//! bottom-up ([`rep_of`] gives the representation of one expression).
//!
//! # Invariants
//!
//! Names:
//! * **V1** Data type names are unique in the module.
//! * **V2** Constructor names are unique in the module (across data types).
//! * **V3** Top-level definition names are unique.
//!
//! Entities:
//! * **V4** Every [`VarId`] (bound or used) is in range of `Module::vars`.
//! * **V5** Every [`GlobalId`] is in range of `Module::defs`.
//! * **V6** Every [`ConRef`] (in a constructor application, a pattern or a
//!   string literal) names an existing data type and constructor.
//!
//! Scoping:
//! * **V7** Every variable is used in the scope of its binder: λ parameters
//!   in the λ's body, a `let` binder in the body (not the bound expression),
//!   `strict` binders in the body, `letrec` binders in every bound expression
//!   and the body, the case binder in every alternative and the default,
//!   pattern binders in their alternative. Scopes do not cross definitions.
//! * **V8** Each [`VarId`] is bound at most once in the whole module.
//!
//! Representations (see "Where unboxed values may live" in [`super::ir`]):
//! * **V9** A λ has at least one parameter; its parameters and its body are
//!   `value`.
//! * **V10** An application has at least one argument; the function and
//!   every argument are `value`.
//! * **V11** A lazy `let` binder and its bound expression are `value`.
//! * **V12** A `letrec` has at least one binding; its binders and bound
//!   expressions are `value`.
//! * **V13** A strict `let` has one binder of its expression's
//!   representation, or, when the expression is a primitive with several
//!   results, exactly one binder per result with the result's
//!   representation.
//! * **V14** A primitive has as many operands as its signature, each of the
//!   signature's representation; a primitive with several results appears
//!   only as the bound expression of a strict `let`.
//! * **V15** A constructor application is saturated: one argument per field,
//!   each of the field's representation.
//! * **V16** Every top-level definition's body is `value`.
//!
//! Case:
//! * **V17** A case on a `value` has only constructor patterns, all of one
//!   data type, each constructor at most once, each binding one variable
//!   per field of the field's representation.
//! * **V18** A case on an `i64` or `f64` has only literal patterns of that
//!   representation, no two equal (floats compared bitwise).
//! * **V19** A case with no alternatives has a default.
//! * **V20** All alternatives and the default have the same representation
//!   (the case's).
//! * **V21** The case binder has the scrutinee's representation.
//!
//! Literals:
//! * **V22** A string literal's `nil` constructor has no fields, its `cons`
//!   constructor two `value` fields, its `chr` constructor one `i64` field.
//!
//! The verifier never panics, and walks terms with an explicit stack (see
//! Note [No recursion on term depth] in `core/mod.rs`), so any depth works.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::ir::*;

/// One violated invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    /// The definition (name and index) the error is in, or `None` for
    /// module-level declarations.
    pub def: Option<(String, GlobalId)>,
    /// Where: a path from the definition's body to the offending expression
    /// (`body/let.body/app.arg[1]`, the last steps only when deep), or the
    /// offending declaration.
    pub path: String,
    /// The number of the invariant, as listed in the module documentation.
    pub invariant: u32,
    /// What is wrong, naming the offending variables or constructors.
    pub message: String,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.def {
            Some((name, g)) => write!(f, "def `{name}` ({g}), at {}", self.path)?,
            None => write!(f, "{}", self.path)?,
        }
        write!(f, ": [V{}] {}", self.invariant, self.message)
    }
}

/// Check every invariant listed in the module documentation.
pub fn verify_module(module: &Module) -> Result<(), Vec<VerifyError>> {
    let mut c = Checker {
        m: module,
        errors: Vec::new(),
        bound: vec![false; module.vars.len()],
        in_scope: vec![0; module.vars.len()],
        paths: Vec::new(),
        def: None,
    };
    c.check_names();
    for (i, def) in module.defs.iter().enumerate() {
        c.def = Some((def.name.clone(), GlobalId(i as u32)));
        c.check_def(def);
    }
    if c.errors.is_empty() {
        Ok(())
    } else {
        Err(c.errors)
    }
}

/// The representation of `e`, or `None` when it has none (a primitive with
/// several results) or it cannot be determined (out-of-range ids, a case
/// without alternatives whose default is missing). Follows tail positions
/// iteratively, so deep terms are fine; it does not check `e`.
pub fn rep_of(module: &Module, e: &Expr) -> Option<Rep> {
    let mut e = e;
    loop {
        return match e {
            Expr::Var(v) => module.vars.get(v.index()).map(|i| i.rep),
            Expr::Lit(l) => Some(l.rep()),
            Expr::Error { rep, .. } => Some(*rep),
            Expr::Global(_) | Expr::Str(_) | Expr::Free(_) | Expr::Lam(..) | Expr::App(..) | Expr::Con(..) => {
                Some(Rep::Value)
            }
            Expr::Prim(op, _) => match op.signature().results {
                [r] => Some(*r),
                _ => None,
            },
            Expr::Let(_, _, body) | Expr::LetStrict(_, _, body) | Expr::LetRec(_, body) => {
                e = body;
                continue;
            }
            Expr::Case(c) => match (c.alts.first(), &c.default) {
                (Some(alt), _) => {
                    e = &alt.body;
                    continue;
                }
                (None, Some(d)) => {
                    e = d;
                    continue;
                }
                (None, None) => None,
            },
        };
    }
}

/// The computed type of a checked expression.
#[derive(Clone, Copy, Debug)]
enum Ty {
    Rep(Rep),
    /// A primitive with several results, at this path.
    Multi(PrimOp, u32),
    /// Unknown because of an error already reported.
    Unknown,
}

/// A set of binders.
#[derive(Clone, Copy)]
enum Binders<'a> {
    One(VarId),
    Many(&'a [VarId]),
    Rec(&'a [(VarId, Expr)]),
}

impl Binders<'_> {
    fn each(self, mut f: impl FnMut(VarId)) {
        match self {
            Binders::One(v) => f(v),
            Binders::Many(vs) => vs.iter().for_each(|v| f(*v)),
            Binders::Rec(bs) => bs.iter().for_each(|(v, _)| f(*v)),
        }
    }
}

enum Task<'a> {
    Enter(&'a Expr, u32),
    Exit(&'a Expr, u32),
    Bind(Binders<'a>, u32),
    Unbind(Binders<'a>),
}

/// One step of a path: the parent's kind, the child's role, an index.
#[derive(Clone, Copy)]
struct Step {
    parent: u32,
    kind: &'static str,
    child: &'static str,
    index: Option<u32>,
}

const ROOT: u32 = u32::MAX;
/// How many trailing steps of a path an error shows.
const PATH_STEPS_SHOWN: usize = 12;

struct Checker<'m> {
    m: &'m Module,
    errors: Vec<VerifyError>,
    bound: Vec<bool>,
    in_scope: Vec<u32>,
    paths: Vec<Step>,
    def: Option<(String, GlobalId)>,
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

impl<'m> Checker<'m> {
    fn render_path(&self, mut path: u32) -> String {
        let mut steps = Vec::new();
        let mut truncated = false;
        while path != ROOT {
            let Some(step) = self.paths.get(path as usize) else { break };
            if steps.len() == PATH_STEPS_SHOWN {
                truncated = true;
                break;
            }
            steps.push(match step.index {
                Some(i) => format!("{}.{}[{i}]", step.kind, step.child),
                None => format!("{}.{}", step.kind, step.child),
            });
            path = step.parent;
        }
        steps.reverse();
        let mut s = String::from(if truncated { "…" } else { "body" });
        for step in steps {
            s.push('/');
            s.push_str(&step);
        }
        s
    }

    fn err(&mut self, path: u32, invariant: u32, message: impl Into<String>) {
        let path = self.render_path(path);
        self.errors.push(VerifyError { def: self.def.clone(), path, invariant, message: message.into() });
    }

    fn decl_err(&mut self, what: String, invariant: u32, message: impl Into<String>) {
        self.errors.push(VerifyError { def: None, path: what, invariant, message: message.into() });
    }

    fn child(&mut self, parent: u32, kind: &'static str, child: &'static str, index: Option<usize>) -> u32 {
        self.paths.push(Step { parent, kind, child, index: index.map(|i| i as u32) });
        (self.paths.len() - 1) as u32
    }

    /// How a variable is named in messages.
    fn var_name(&self, v: VarId) -> String {
        match self.m.vars.get(v.index()) {
            Some(info) => format!("`{}` ({v})", info.name),
            None => format!("{v}"),
        }
    }

    fn var_rep(&self, v: VarId) -> Option<Rep> {
        self.m.vars.get(v.index()).map(|i| i.rep)
    }

    fn con(&self, c: ConRef) -> Option<&'m ConDecl> {
        self.m.datas.get(c.data.index()).and_then(|d| d.cons.get(c.tag as usize))
    }

    /// V6 for one constructor reference.
    fn check_con_ref(&mut self, c: ConRef, path: u32) -> Option<&'m ConDecl> {
        let con = self.con(c);
        if con.is_none() {
            self.err(path, 6, format!("constructor {}#{} does not exist", c.data, c.tag));
        }
        con
    }

    /// A single representation where one is needed; reports V14 for a
    /// multi-result primitive.
    fn need(&mut self, ty: Ty) -> Option<Rep> {
        match ty {
            Ty::Rep(r) => Some(r),
            Ty::Unknown => None,
            Ty::Multi(op, path) => {
                self.err(
                    path,
                    14,
                    format!(
                        "primitive `{op}` has {}; it may only be the bound expression of a strict let",
                        plural(op.signature().results.len(), "result")
                    ),
                );
                None
            }
        }
    }

    fn check_names(&mut self) {
        let mut datas = HashSet::new();
        let mut cons = HashSet::new();
        for data in &self.m.datas {
            if !datas.insert(data.name.as_str()) {
                self.decl_err(format!("data `{}`", data.name), 1, "data type name declared twice");
            }
            for con in &data.cons {
                if !cons.insert(con.name.as_str()) {
                    self.decl_err(format!("constructor `{}`", con.name), 2, "constructor name declared twice");
                }
            }
        }
        let mut defs = HashSet::new();
        for (i, def) in self.m.defs.iter().enumerate() {
            if !defs.insert(def.name.as_str()) {
                self.decl_err(
                    format!("def `{}` ({})", def.name, GlobalId(i as u32)),
                    3,
                    "definition name defined twice",
                );
            }
        }
    }

    fn check_def(&mut self, def: &'m Def) {
        self.paths.clear();
        let mut tasks = vec![Task::Enter(&def.body, ROOT)];
        let mut vals: Vec<Ty> = Vec::new();
        while let Some(task) = tasks.pop() {
            match task {
                Task::Enter(e, path) => self.enter(e, path, &mut tasks, &mut vals),
                Task::Exit(e, path) => self.exit(e, path, &mut vals),
                Task::Bind(bs, path) => bs.each(|v| self.bind(v, path)),
                Task::Unbind(bs) => bs.each(|v| {
                    if let Some(n) = self.in_scope.get_mut(v.index()) {
                        *n = n.saturating_sub(1);
                    }
                }),
            }
        }
        let ty = vals.pop().unwrap_or(Ty::Unknown);
        if let Some(r) = self.need(ty) {
            if r != Rep::Value {
                self.err(ROOT, 16, format!("the body of a definition is {r}, not value"));
            }
        }
    }

    fn bind(&mut self, v: VarId, path: u32) {
        if v.index() >= self.m.vars.len() {
            self.err(
                path,
                4,
                format!("binder {v} is out of range (the module has {})", plural(self.m.vars.len(), "variable")),
            );
            return;
        }
        if self.bound[v.index()] {
            self.err(path, 8, format!("variable {} is bound more than once in the module", self.var_name(v)));
        }
        self.bound[v.index()] = true;
        self.in_scope[v.index()] += 1;
    }

    fn enter(&mut self, e: &'m Expr, path: u32, tasks: &mut Vec<Task<'m>>, vals: &mut Vec<Ty>) {
        match e {
            Expr::Var(v) => match self.var_rep(*v) {
                None => {
                    let n = self.m.vars.len();
                    self.err(
                        path,
                        4,
                        format!("variable {v} is out of range (the module has {})", plural(n, "variable")),
                    );
                    vals.push(Ty::Unknown);
                }
                Some(rep) => {
                    if self.in_scope[v.index()] == 0 {
                        self.err(path, 7, format!("variable {} is not in scope", self.var_name(*v)));
                    }
                    vals.push(Ty::Rep(rep));
                }
            },
            Expr::Global(g) => {
                if g.index() >= self.m.defs.len() {
                    self.err(
                        path,
                        5,
                        format!(
                            "global {g} is out of range (the module has {})",
                            plural(self.m.defs.len(), "definition")
                        ),
                    );
                }
                vals.push(Ty::Rep(Rep::Value));
            }
            Expr::Lit(l) => vals.push(Ty::Rep(l.rep())),
            Expr::Str(s) => {
                self.check_str(s, path);
                vals.push(Ty::Rep(Rep::Value));
            }
            Expr::Free(_) => vals.push(Ty::Rep(Rep::Value)),
            Expr::Error { rep, .. } => vals.push(Ty::Rep(*rep)),
            Expr::Lam(params, body) => {
                if params.is_empty() {
                    self.err(path, 9, "λ without parameters");
                }
                tasks.push(Task::Exit(e, path));
                tasks.push(Task::Unbind(Binders::Many(params)));
                let p = self.child(path, "lam", "body", None);
                tasks.push(Task::Enter(body, p));
                tasks.push(Task::Bind(Binders::Many(params), path));
            }
            Expr::App(f, args) => {
                if args.is_empty() {
                    self.err(path, 10, "application without arguments");
                }
                tasks.push(Task::Exit(e, path));
                for (i, a) in args.iter().enumerate().rev() {
                    let p = self.child(path, "app", "arg", Some(i));
                    tasks.push(Task::Enter(a, p));
                }
                let p = self.child(path, "app", "fun", None);
                tasks.push(Task::Enter(f, p));
            }
            Expr::Let(x, bound, body) => {
                tasks.push(Task::Exit(e, path));
                tasks.push(Task::Unbind(Binders::One(*x)));
                let p = self.child(path, "let", "body", None);
                tasks.push(Task::Enter(body, p));
                tasks.push(Task::Bind(Binders::One(*x), path));
                let p = self.child(path, "let", "bound", None);
                tasks.push(Task::Enter(bound, p));
            }
            Expr::LetStrict(xs, bound, body) => {
                tasks.push(Task::Exit(e, path));
                tasks.push(Task::Unbind(Binders::Many(xs)));
                let p = self.child(path, "strict", "body", None);
                tasks.push(Task::Enter(body, p));
                tasks.push(Task::Bind(Binders::Many(xs), path));
                let p = self.child(path, "strict", "bound", None);
                tasks.push(Task::Enter(bound, p));
            }
            Expr::LetRec(binds, body) => {
                if binds.is_empty() {
                    self.err(path, 12, "letrec without bindings");
                }
                tasks.push(Task::Exit(e, path));
                tasks.push(Task::Unbind(Binders::Rec(binds)));
                let p = self.child(path, "letrec", "body", None);
                tasks.push(Task::Enter(body, p));
                for (i, (_, bound)) in binds.iter().enumerate().rev() {
                    let p = self.child(path, "letrec", "bound", Some(i));
                    tasks.push(Task::Enter(bound, p));
                }
                tasks.push(Task::Bind(Binders::Rec(binds), path));
            }
            Expr::Case(c) => {
                tasks.push(Task::Exit(e, path));
                tasks.push(Task::Unbind(Binders::One(c.binder)));
                if let Some(d) = &c.default {
                    let p = self.child(path, "case", "default", None);
                    tasks.push(Task::Enter(d, p));
                }
                for (i, alt) in c.alts.iter().enumerate().rev() {
                    let p = self.child(path, "case", "alt", Some(i));
                    match &alt.pat {
                        Pat::Con(_, vs) => {
                            tasks.push(Task::Unbind(Binders::Many(vs)));
                            tasks.push(Task::Enter(&alt.body, p));
                            tasks.push(Task::Bind(Binders::Many(vs), p));
                        }
                        Pat::Lit(_) => tasks.push(Task::Enter(&alt.body, p)),
                    }
                }
                tasks.push(Task::Bind(Binders::One(c.binder), path));
                let p = self.child(path, "case", "scrut", None);
                tasks.push(Task::Enter(&c.scrut, p));
            }
            Expr::Con(_, args) | Expr::Prim(_, args) => {
                let kind = if matches!(e, Expr::Con(..)) { "con" } else { "prim" };
                tasks.push(Task::Exit(e, path));
                for (i, a) in args.iter().enumerate().rev() {
                    let p = self.child(path, kind, "arg", Some(i));
                    tasks.push(Task::Enter(a, p));
                }
            }
        }
    }

    /// Pop the types of the `n` children of the node being exited.
    fn pop_n(vals: &mut Vec<Ty>, n: usize) -> Vec<Ty> {
        let at = vals.len().saturating_sub(n);
        let mut tys = vals.split_off(at);
        tys.resize(n, Ty::Unknown);
        tys
    }

    fn exit(&mut self, e: &'m Expr, path: u32, vals: &mut Vec<Ty>) {
        let ty = match e {
            Expr::Lam(params, _) => {
                let [body] = Self::pop_n(vals, 1)[..] else { return };
                for &v in params {
                    if let Some(r) = self.var_rep(v).filter(|r| *r != Rep::Value) {
                        self.err(path, 9, format!("λ parameter {} is {r}; parameters must be value", self.var_name(v)));
                    }
                }
                if let Some(r) = self.need(body).filter(|r| *r != Rep::Value) {
                    self.err(path, 9, format!("λ body is {r}; it must be value"));
                }
                Ty::Rep(Rep::Value)
            }
            Expr::App(_, args) => {
                let tys = Self::pop_n(vals, args.len() + 1);
                for (i, ty) in tys.into_iter().enumerate() {
                    if let Some(r) = self.need(ty).filter(|r| *r != Rep::Value) {
                        let what = if i == 0 { "the function".to_string() } else { format!("argument {}", i - 1) };
                        self.err(path, 10, format!("{what} of an application is {r}; it must be value"));
                    }
                }
                Ty::Rep(Rep::Value)
            }
            Expr::Let(x, _, _) => {
                let [bound, body] = Self::pop_n(vals, 2)[..] else { return };
                if let Some(r) = self.var_rep(*x).filter(|r| *r != Rep::Value) {
                    self.err(
                        path,
                        11,
                        format!("let binder {} is {r}; lazy let binders must be value", self.var_name(*x)),
                    );
                }
                if let Some(r) = self.need(bound).filter(|r| *r != Rep::Value) {
                    self.err(
                        path,
                        11,
                        format!("the bound expression of a lazy let is {r}; it must be value (use strict)"),
                    );
                }
                self.need(body).map_or(Ty::Unknown, Ty::Rep)
            }
            Expr::LetStrict(xs, _, _) => {
                let [bound, body] = Self::pop_n(vals, 2)[..] else { return };
                self.check_strict(xs, bound, path);
                self.need(body).map_or(Ty::Unknown, Ty::Rep)
            }
            Expr::LetRec(binds, _) => {
                let tys = Self::pop_n(vals, binds.len() + 1);
                for ((v, _), ty) in binds.iter().zip(&tys) {
                    if let Some(r) = self.var_rep(*v).filter(|r| *r != Rep::Value) {
                        self.err(path, 12, format!("letrec binder {} is {r}; it must be value", self.var_name(*v)));
                    }
                    if let Some(r) = self.need(*ty).filter(|r| *r != Rep::Value) {
                        self.err(
                            path,
                            12,
                            format!(
                                "the bound expression of letrec binder {} is {r}; it must be value",
                                self.var_name(*v)
                            ),
                        );
                    }
                }
                let body = tys.last().copied().unwrap_or(Ty::Unknown);
                self.need(body).map_or(Ty::Unknown, Ty::Rep)
            }
            Expr::Case(c) => {
                let n = 1 + c.alts.len() + usize::from(c.default.is_some());
                let tys = Self::pop_n(vals, n);
                self.check_case(c, &tys, path)
            }
            Expr::Con(c, args) => {
                let tys = Self::pop_n(vals, args.len());
                if let Some(con) = self.check_con_ref(*c, path) {
                    if con.fields.len() != args.len() {
                        self.err(
                            path,
                            15,
                            format!(
                                "constructor `{}` has {} but is given {}",
                                con.name,
                                plural(con.fields.len(), "field"),
                                plural(args.len(), "argument")
                            ),
                        );
                    } else {
                        for (i, (ty, field)) in tys.into_iter().zip(&con.fields).enumerate() {
                            if let Some(r) = self.need(ty).filter(|r| r != field) {
                                self.err(
                                    path,
                                    15,
                                    format!("argument {i} of constructor `{}` is {r}; the field is {field}", con.name),
                                );
                            }
                        }
                    }
                } else {
                    tys.into_iter().for_each(|ty| {
                        self.need(ty);
                    });
                }
                Ty::Rep(Rep::Value)
            }
            Expr::Prim(op, args) => {
                let tys = Self::pop_n(vals, args.len());
                let sig = op.signature();
                if sig.args.len() != args.len() {
                    self.err(
                        path,
                        14,
                        format!(
                            "primitive `{op}` takes {} but is given {}",
                            plural(sig.args.len(), "operand"),
                            args.len()
                        ),
                    );
                    tys.into_iter().for_each(|ty| {
                        self.need(ty);
                    });
                } else {
                    for (i, (ty, want)) in tys.into_iter().zip(sig.args).enumerate() {
                        if let Some(r) = self.need(ty).filter(|r| r != want) {
                            self.err(path, 14, format!("operand {i} of primitive `{op}` is {r}; it must be {want}"));
                        }
                    }
                }
                match sig.results {
                    [r] => Ty::Rep(*r),
                    _ => Ty::Multi(*op, path),
                }
            }
            // Leaves push their type on entry and have no exit task.
            Expr::Var(_) | Expr::Global(_) | Expr::Lit(_) | Expr::Str(_) | Expr::Free(_) | Expr::Error { .. } => {
                return;
            }
        };
        vals.push(ty);
    }

    fn check_strict(&mut self, xs: &[VarId], bound: Ty, path: u32) {
        match bound {
            Ty::Multi(op, _) => {
                let results = op.signature().results;
                if xs.len() != results.len() {
                    self.err(
                        path,
                        13,
                        format!(
                            "strict let binds {} but primitive `{op}` has {}",
                            plural(xs.len(), "variable"),
                            plural(results.len(), "result")
                        ),
                    );
                    return;
                }
                for (&x, want) in xs.iter().zip(results) {
                    if let Some(r) = self.var_rep(x).filter(|r| r != want) {
                        self.err(
                            path,
                            13,
                            format!("strict binder {} is {r} but the result of `{op}` is {want}", self.var_name(x)),
                        );
                    }
                }
            }
            Ty::Rep(rep) => {
                if xs.len() != 1 {
                    self.err(
                        path,
                        13,
                        format!("strict let binds {} but its expression has one result", plural(xs.len(), "variable")),
                    );
                    return;
                }
                if let Some(r) = self.var_rep(xs[0]).filter(|r| *r != rep) {
                    self.err(
                        path,
                        13,
                        format!("strict binder {} is {r} but its expression is {rep}", self.var_name(xs[0])),
                    );
                }
            }
            Ty::Unknown => {}
        }
    }

    fn check_case(&mut self, c: &'m Case, tys: &[Ty], path: u32) -> Ty {
        let scrut = tys.first().copied().unwrap_or(Ty::Unknown);
        let scrut = self.need(scrut);
        if let (Some(s), Some(b)) = (scrut, self.var_rep(c.binder)) {
            if s != b {
                self.err(path, 21, format!("case binder {} is {b} but the scrutinee is {s}", self.var_name(c.binder)));
            }
        }
        let mut data: Option<DataId> = None;
        let mut seen_cons = HashSet::new();
        let mut seen_lits: HashMap<u64, ()> = HashMap::new();
        for (i, alt) in c.alts.iter().enumerate() {
            match (&alt.pat, scrut) {
                (Pat::Con(cr, vs), s) => {
                    let Some(con) = self.check_con_ref(*cr, path) else { continue };
                    match s {
                        Some(Rep::Value) | None => {}
                        Some(s) => {
                            self.err(
                                path,
                                18,
                                format!("alternative {i}: constructor pattern `{}` in a case on {s}", con.name),
                            );
                            continue;
                        }
                    }
                    match data {
                        None => data = Some(cr.data),
                        Some(d) if d != cr.data => {
                            let (a, b) = (&self.m.data(d).name, &self.m.data(cr.data).name);
                            self.err(
                                path,
                                17,
                                format!("alternative {i}: constructor `{}` of `{b}` in a case on `{a}`", con.name),
                            );
                        }
                        Some(_) => {}
                    }
                    if !seen_cons.insert(*cr) {
                        self.err(path, 17, format!("alternative {i}: constructor `{}` has two alternatives", con.name));
                    }
                    if vs.len() != con.fields.len() {
                        self.err(
                            path,
                            17,
                            format!(
                                "alternative {i}: pattern binds {} but `{}` has {}",
                                plural(vs.len(), "variable"),
                                con.name,
                                plural(con.fields.len(), "field")
                            ),
                        );
                    } else {
                        for (&v, field) in vs.iter().zip(&con.fields) {
                            if let Some(r) = self.var_rep(v).filter(|r| r != field) {
                                self.err(
                                    path,
                                    17,
                                    format!(
                                        "alternative {i}: field binder {} is {r}; the field is {field}",
                                        self.var_name(v)
                                    ),
                                );
                            }
                        }
                    }
                }
                (Pat::Lit(_), Some(Rep::Value)) => {
                    self.err(path, 17, format!("alternative {i}: literal pattern in a case on value"));
                }
                (Pat::Lit(l), s) => {
                    if let Some(s) = s.filter(|s| *s != l.rep()) {
                        self.err(path, 18, format!("alternative {i}: {} literal pattern in a case on {s}", l.rep()));
                    }
                    let bits = match l {
                        Lit::Int(n) => *n as u64,
                        Lit::Float(x) => x.to_bits(),
                    };
                    if seen_lits.insert(bits, ()).is_some() && s.is_some_and(|s| s == l.rep()) {
                        self.err(
                            path,
                            18,
                            format!("alternative {i}: literal {} has two alternatives", super::print::print_lit(*l)),
                        );
                    }
                }
            }
        }
        if c.alts.is_empty() && c.default.is_none() {
            self.err(path, 19, "case without alternatives has no default");
        }
        let mut rep: Option<Rep> = None;
        for (i, ty) in tys.iter().skip(1).enumerate() {
            let Some(r) = self.need(*ty) else { continue };
            match rep {
                None => rep = Some(r),
                Some(first) if first != r => {
                    let what = if i < c.alts.len() { format!("alternative {i}") } else { "the default".to_string() };
                    self.err(path, 20, format!("{what} is {r} but an earlier alternative is {first}"));
                }
                Some(_) => {}
            }
        }
        rep.map_or(Ty::Unknown, Ty::Rep)
    }

    fn check_str(&mut self, s: &StrLit, path: u32) {
        let shapes: [(&str, ConRef, &[Rep]); 3] =
            [("nil", s.nil, &[]), ("cons", s.cons, &[Rep::Value, Rep::Value]), ("chr", s.chr, &[Rep::Int64])];
        for (role, c, want) in shapes {
            if let Some(con) = self.check_con_ref(c, path) {
                if con.fields != want {
                    let fields: Vec<&str> = con.fields.iter().map(|r| r.name()).collect();
                    let want: Vec<&str> = want.iter().map(|r| r.name()).collect();
                    self.err(
                        path,
                        22,
                        format!(
                            "string literal's {role} constructor `{}` has fields ({}); it needs ({})",
                            con.name,
                            fields.join(", "),
                            want.join(", ")
                        ),
                    );
                }
            }
        }
    }
}
