//! The Flat IR verifier: checks that a [`Module`] is well formed.
//!
//! [`verify_module`] checks exactly the invariants below and reports every
//! violation it finds (each [`VerifyError`] names its invariant as `[Fn]`).
//! Closure conversion's output is verified in tests. It never panics and
//! walks bodies with an explicit stack, so any depth works.
//!
//! # Invariants
//!
//! Module:
//! * **F1** Ids are in range: every [`VarId`] (bound or used) in
//!   `Module::vars`, every [`GlobalId`] in `Module::globals`, every
//!   [`CodeId`] in `Module::codes`, every [`ConRef`] (allocation, pattern,
//!   string literal) names a declared constructor.
//! * **F2** Code names are unique, and global names are unique.
//! * **F3** A [`GlobalKind::Fun`] global's code is a `Fun` code and a
//!   [`GlobalKind::Caf`]'s a `Thunk` code; a global's code has an empty
//!   environment, belongs to no other global and is never allocated by
//!   [`Alloc::Closure`] (it is a static closure).
//!
//! Binding and scope:
//! * **F4** Every variable is bound at most once in the whole module (as a
//!   parameter, an environment variable, a `Let` or `Strict` binder, or a
//!   pattern field), so it belongs to one code.
//! * **F5** Every variable is used in scope, in its own code: parameters
//!   and environment variables in the whole body; a `Let` group's binders
//!   in every allocation of the group and in the continuation; `Strict`
//!   binders in the continuation (not the first body); pattern fields in
//!   their alternative. Nothing is visible from another code.
//! * **F6** A code's `env` is exactly the free variables of its body minus
//!   its parameters: no duplicates, every variable used by the body (and,
//!   with F5, nothing else free); `value` variables come before unboxed
//!   ones (the pointers-first layout).
//! * **F7** A `Fun` code has at least one parameter, all `value`.
//!
//! Allocation:
//! * **F8** A `Let` group is not empty and its binders are `value`.
//! * **F9** An [`Alloc::Closure`] has one operand per variable of its
//!   code's `env`, each of that variable's representation. (The object is a
//!   FUN or a THUNK as its code is a `Fun` or a `Thunk` code.)
//! * **F10** An [`Alloc::Con`] is saturated, each operand of its field's
//!   representation; an [`Alloc::Str`]'s `nil` constructor has no fields,
//!   its `cons` two `value` fields and its `chr` one `i64` field.
//!
//! Operations:
//! * **F11** [`Body::Enter`]'s function and arguments are `value` atoms.
//! * **F12** A [`Body::Prim`] has as many operands as its signature, each
//!   of the signature's representation.
//! * **F13** Delivery (design decision 4 of [`super::ir`]): what a terminal
//!   delivers matches its target. At a code's tail the target takes one
//!   `value`; in the first body of a `Strict` it takes the binders'
//!   representations. `Return a` delivers `a`'s representation, `Enter`
//!   one `value`, a primitive its results (so a primitive with several
//!   results only ever ends the first body of a `Strict` with one binder
//!   per result), `Error` its representation.
//! * **F14** A `Strict` binds at least one variable.
//! * **F15** The WHNF rule (design decision 5 of [`super::ir`]): a
//!   `value` atom that is `Return`ed, that is a case scrutinee or that is a
//!   primitive's operand is *known to be in WHNF*: a rigid variable, a
//!   `Fun` global, or a variable bound in its code by a `Let` allocation of
//!   a constructor or of a `Fun` code's closure, or by a `Strict`.
//!
//! Case:
//! * **F16** A case on a `value` has only constructor patterns, all of one
//!   data type, each constructor at most once, each binding one variable
//!   per field of the field's representation.
//! * **F17** A case on an `i64` or `f64` has only literal patterns of that
//!   representation, no two equal (floats compared bitwise).
//! * **F18** A case without alternatives has a default.

use std::collections::HashSet;
use std::fmt;

use super::ir::*;

/// One violated invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    /// The code (name and id) the error is in, or `None` for module-level
    /// declarations.
    pub code: Option<(String, CodeId)>,
    /// What: the form the error is in (`let`, `strict`, `case`, …).
    pub what: String,
    /// The number of the invariant, as listed in the module documentation.
    pub invariant: u32,
    /// What is wrong, naming the offending variables, codes or
    /// constructors.
    pub message: String,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some((name, c)) => write!(f, "code `{name}` ({c}), in {}", self.what)?,
            None => write!(f, "{}", self.what)?,
        }
        write!(f, ": [F{}] {}", self.invariant, self.message)
    }
}

/// Check every invariant listed in the module documentation.
pub fn verify_module(m: &Module) -> Result<(), Vec<VerifyError>> {
    let mut c = Checker {
        m,
        errors: Vec::new(),
        bound: vec![false; m.vars.len()],
        in_scope: vec![0; m.vars.len()],
        whnf: vec![false; m.vars.len()],
        global_codes: HashSet::new(),
        code: None,
    };
    c.check_module();
    for (i, code) in m.codes.iter().enumerate() {
        c.code = Some((code.name.clone(), CodeId(i as u32)));
        c.check_code(code);
    }
    if c.errors.is_empty() {
        Ok(())
    } else {
        Err(c.errors)
    }
}

/// Where a body delivers.
#[derive(Clone, Copy)]
enum Target<'a> {
    Tail,
    Join(&'a [VarId]),
}

enum Task<'a> {
    Body(&'a Body, Target<'a>),
    Bind(Vec<VarId>, bool, &'static str),
    Unbind(Vec<VarId>),
}

struct Checker<'m> {
    m: &'m Module,
    errors: Vec<VerifyError>,
    bound: Vec<bool>,
    in_scope: Vec<u32>,
    whnf: Vec<bool>,
    global_codes: HashSet<CodeId>,
    code: Option<(String, CodeId)>,
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

impl<'m> Checker<'m> {
    fn err(&mut self, what: &str, invariant: u32, message: impl Into<String>) {
        self.errors.push(VerifyError {
            code: self.code.clone(),
            what: what.to_string(),
            invariant,
            message: message.into(),
        });
    }

    fn var_name(&self, v: VarId) -> String {
        match self.m.var(v) {
            Some(info) => format!("`{}` ({v})", info.name),
            None => format!("{v}"),
        }
    }

    fn rep(&self, v: VarId) -> Option<Rep> {
        self.m.var(v).map(|i| i.rep)
    }

    fn check_module(&mut self) {
        let mut names = HashSet::new();
        for code in &self.m.codes {
            if !names.insert(code.name.as_str()) {
                self.err(&format!("code `{}`", code.name), 2, "code name defined twice");
            }
        }
        let mut names = HashSet::new();
        for (i, g) in self.m.globals.iter().enumerate() {
            let what = format!("global `{}` ({})", g.name, GlobalId(i as u32));
            if !names.insert(g.name.as_str()) {
                self.err(&what, 2, "global name defined twice");
            }
            let Some(code_id) = g.kind.code() else {
                if let GlobalKind::Import(i) = g.kind {
                    if i.index() >= self.m.imports.len() {
                        self.err(&what, 1, format!("import {} is out of range", i.0));
                    }
                }
                continue;
            };
            let Some(code) = self.m.code(code_id) else {
                self.err(&what, 1, format!("code {code_id} is out of range"));
                continue;
            };
            if !self.global_codes.insert(code_id) {
                self.err(&what, 3, format!("code `{}` belongs to two globals", code.name));
            }
            match (g.kind, &code.kind) {
                (GlobalKind::Fun(_), CodeKind::Fun { .. }) | (GlobalKind::Caf(_), CodeKind::Thunk) => {}
                (GlobalKind::Fun(_), CodeKind::Thunk) => {
                    self.err(&what, 3, format!("a fun global's code `{}` is a thunk code", code.name))
                }
                (GlobalKind::Caf(_), CodeKind::Fun { .. }) => {
                    self.err(&what, 3, format!("a caf global's code `{}` is a fun code", code.name))
                }
                (GlobalKind::Import(_), _) => {}
            }
            if !code.env.is_empty() {
                self.err(&what, 3, format!("a global's code `{}` has a non-empty environment", code.name));
            }
        }
    }

    /// Bind `v` (F1, F4), marking it known-WHNF when `whnf` holds.
    fn bind(&mut self, v: VarId, whnf: bool, what: &str) {
        if v.index() >= self.m.vars.len() {
            self.err(what, 1, format!("binder {v} is out of range"));
            return;
        }
        if self.bound[v.index()] {
            self.err(what, 4, format!("variable {} is bound more than once in the module", self.var_name(v)));
        }
        self.bound[v.index()] = true;
        self.in_scope[v.index()] += 1;
        self.whnf[v.index()] = whnf;
    }

    fn unbind(&mut self, v: VarId) {
        if let Some(n) = self.in_scope.get_mut(v.index()) {
            *n = n.saturating_sub(1);
        }
    }

    /// Check a use of an atom (F1, F5); its representation if known.
    fn use_atom(&mut self, a: &Atom, what: &str) -> Option<Rep> {
        match a {
            Atom::Var(v) => {
                if v.index() >= self.m.vars.len() {
                    self.err(what, 1, format!("variable {v} is out of range"));
                    return None;
                }
                if self.in_scope[v.index()] == 0 {
                    self.err(what, 5, format!("variable {} is not in scope", self.var_name(*v)));
                }
                self.rep(*v)
            }
            Atom::Global(g) => {
                if g.index() >= self.m.globals.len() {
                    self.err(what, 1, format!("global {g} is out of range"));
                }
                Some(Rep::Value)
            }
            Atom::Lit(l) => Some(l.rep()),
            Atom::Free(_) => Some(Rep::Value),
        }
    }

    fn known_whnf(&self, a: &Atom) -> bool {
        match a {
            Atom::Var(v) => self.whnf.get(v.index()).copied().unwrap_or(false),
            Atom::Global(g) => matches!(self.m.global(*g).map(|g| g.kind), Some(GlobalKind::Fun(_))),
            Atom::Free(_) | Atom::Lit(_) => true,
        }
    }

    /// F15 for a `value` atom in a position that needs WHNF.
    fn need_whnf(&mut self, a: &Atom, rep: Option<Rep>, what: &str, role: &str) {
        if rep == Some(Rep::Value) && !self.known_whnf(a) {
            let name = match a {
                Atom::Var(v) => format!("variable {}", self.var_name(*v)),
                Atom::Global(g) => format!("caf global {g}"),
                _ => "atom".into(),
            };
            self.err(what, 15, format!("{role} {name} is not known to be in WHNF (enter it first)"));
        }
    }

    fn check_con(&mut self, c: ConRef, what: &str) -> Option<&'m ConDecl> {
        let con = self.m.con(c);
        if con.is_none() {
            self.err(what, 1, format!("constructor {}#{} does not exist", c.data, c.tag));
        }
        con
    }

    fn check_code(&mut self, code: &'m Code) {
        let empty: &[VarId] = &[];
        let params = match &code.kind {
            CodeKind::Fun { params } => {
                if params.is_empty() {
                    self.err("header", 7, "fun code without parameters");
                }
                for p in params {
                    if let Some(r) = self.rep(*p).filter(|r| *r != Rep::Value) {
                        self.err("header", 7, format!("parameter {} is {r}; it must be value", self.var_name(*p)));
                    }
                }
                params.as_slice()
            }
            CodeKind::Thunk => empty,
        };
        for &v in params.iter().chain(&code.env) {
            self.bind(v, false, "header");
        }
        // F6: environment exactness and layout.
        let used: HashSet<VarId> = free_vars(&code.body).into_iter().collect();
        let mut seen = HashSet::new();
        let mut unboxed_seen = false;
        for &v in &code.env {
            if !seen.insert(v) {
                self.err("header", 6, format!("environment variable {} is listed twice", self.var_name(v)));
            }
            if !used.contains(&v) {
                self.err("header", 6, format!("environment variable {} is not used by the body", self.var_name(v)));
            }
            match self.rep(v) {
                Some(Rep::Value) if unboxed_seen => self.err(
                    "header",
                    6,
                    format!("environment variable {} is value but follows an unboxed one", self.var_name(v)),
                ),
                Some(Rep::Value) | None => {}
                Some(_) => unboxed_seen = true,
            }
        }
        let mut tasks = vec![Task::Body(&code.body, Target::Tail)];
        while let Some(t) = tasks.pop() {
            match t {
                Task::Bind(vs, whnf, what) => {
                    for v in vs {
                        let w = whnf && self.rep(v) == Some(Rep::Value);
                        self.bind(v, w, what);
                    }
                }
                Task::Unbind(vs) => vs.into_iter().for_each(|v| self.unbind(v)),
                Task::Body(b, target) => self.body(b, target, &mut tasks),
            }
        }
        for &v in params.iter().chain(&code.env) {
            self.unbind(v);
        }
    }

    /// F13: a terminal delivering `reps` (`None` entries are unknown).
    fn deliver(&mut self, reps: &[Option<Rep>], target: Target<'_>, what: &str) {
        let want: Vec<Option<Rep>> = match target {
            Target::Tail => vec![Some(Rep::Value)],
            Target::Join(xs) => xs.iter().map(|x| self.rep(*x)).collect(),
        };
        let place = match target {
            Target::Tail => "the code's tail",
            Target::Join(_) => "a strict binding",
        };
        if want.len() != reps.len() {
            self.err(
                what,
                13,
                format!("delivers {} to {place}, which takes {}", plural(reps.len(), "value"), want.len()),
            );
            return;
        }
        for (i, (w, r)) in want.iter().zip(reps).enumerate() {
            if let (Some(w), Some(r)) = (w, r) {
                if w != r {
                    self.err(what, 13, format!("delivers {r} as result {i} to {place}, which takes {w}"));
                }
            }
        }
    }

    fn body(&mut self, b: &'m Body, target: Target<'m>, tasks: &mut Vec<Task<'m>>) {
        match b {
            Body::Let(group, k) => {
                if group.is_empty() {
                    self.err("let", 8, "empty allocation group");
                }
                for (v, alloc) in group {
                    if let Some(r) = self.rep(*v).filter(|r| *r != Rep::Value) {
                        self.err("let", 8, format!("let binder {} is {r}; it must be value", self.var_name(*v)));
                    }
                    let whnf = match alloc {
                        Alloc::Con { .. } => true,
                        Alloc::Closure { code, .. } => {
                            matches!(self.m.code(*code).map(|c| &c.kind), Some(CodeKind::Fun { .. }))
                        }
                        Alloc::Str(_) => false,
                    };
                    self.bind(*v, whnf, "let");
                }
                for (_, alloc) in group {
                    self.alloc(alloc);
                }
                tasks.push(Task::Unbind(group.iter().map(|(v, _)| *v).collect()));
                tasks.push(Task::Body(k, target));
            }
            Body::Strict(xs, first, k) => {
                if xs.is_empty() {
                    self.err("strict", 14, "strict without binders");
                }
                tasks.push(Task::Unbind(xs.clone()));
                tasks.push(Task::Body(k, target));
                tasks.push(Task::Bind(xs.clone(), true, "strict"));
                tasks.push(Task::Body(first, Target::Join(xs)));
            }
            Body::Prim(op, args) => {
                let sig = op.signature();
                let reps: Vec<Option<Rep>> = args.iter().map(|a| self.use_atom(a, "prim")).collect();
                if reps.len() != sig.args.len() {
                    self.err(
                        "prim",
                        12,
                        format!(
                            "primitive `{op}` takes {} but is given {}",
                            plural(sig.args.len(), "operand"),
                            args.len()
                        ),
                    );
                } else {
                    for (i, (r, want)) in reps.iter().zip(sig.args).enumerate() {
                        if let Some(r) = r.filter(|r| r != want) {
                            self.err("prim", 12, format!("operand {i} of `{op}` is {r}; it must be {want}"));
                        }
                    }
                }
                for (a, r) in args.iter().zip(&reps) {
                    self.need_whnf(a, *r, "prim", "operand");
                }
                let results: Vec<Option<Rep>> = sig.results.iter().map(|r| Some(*r)).collect();
                self.deliver(&results, target, "prim");
            }
            Body::Enter(f, args) => {
                for (i, a) in std::iter::once(f).chain(args).enumerate() {
                    if let Some(r) = self.use_atom(a, "enter").filter(|r| *r != Rep::Value) {
                        let role = if i == 0 { "the function".to_string() } else { format!("argument {}", i - 1) };
                        self.err("enter", 11, format!("{role} is {r}; it must be value"));
                    }
                }
                self.deliver(&[Some(Rep::Value)], target, "enter");
            }
            Body::Return(a) => {
                let r = self.use_atom(a, "return");
                self.need_whnf(a, r, "return", "returned");
                self.deliver(&[r], target, "return");
            }
            Body::Error { rep, .. } => self.deliver(&[Some(*rep)], target, "error"),
            Body::Case(c) => self.case(c, target, tasks),
        }
    }

    fn alloc(&mut self, alloc: &Alloc) {
        match alloc {
            Alloc::Closure { code, env } => {
                let reps: Vec<Option<Rep>> = env.iter().map(|a| self.use_atom(a, "let")).collect();
                let Some(target) = self.m.code(*code) else {
                    self.err("let", 1, format!("code {code} is out of range"));
                    return;
                };
                if self.global_codes.contains(code) {
                    self.err("let", 3, format!("allocates a closure of global code `{}`", target.name));
                }
                if target.env.len() != env.len() {
                    self.err(
                        "let",
                        9,
                        format!(
                            "closure of `{}` has {} but the code's environment has {}",
                            target.name,
                            plural(env.len(), "operand"),
                            plural(target.env.len(), "variable")
                        ),
                    );
                    return;
                }
                for (i, (r, v)) in reps.iter().zip(&target.env).enumerate() {
                    if let (Some(r), Some(w)) = (r, self.rep(*v)) {
                        if *r != w {
                            self.err(
                                "let",
                                9,
                                format!(
                                    "closure of `{}`: operand {i} is {r}; the environment variable is {w}",
                                    target.name
                                ),
                            );
                        }
                    }
                }
            }
            Alloc::Con { con, fields } => {
                let reps: Vec<Option<Rep>> = fields.iter().map(|a| self.use_atom(a, "let")).collect();
                let Some(decl) = self.check_con(*con, "let") else { return };
                if decl.fields.len() != fields.len() {
                    self.err(
                        "let",
                        10,
                        format!(
                            "constructor `{}` has {} but is given {}",
                            decl.name,
                            plural(decl.fields.len(), "field"),
                            plural(fields.len(), "operand")
                        ),
                    );
                    return;
                }
                for (i, (r, want)) in reps.iter().zip(&decl.fields).enumerate() {
                    if let Some(r) = r.filter(|r| r != want) {
                        self.err("let", 10, format!("field {i} of `{}` is {r}; it must be {want}", decl.name));
                    }
                }
            }
            Alloc::Str(s) => {
                let shapes: [(&str, ConRef, &[Rep]); 3] =
                    [("nil", s.nil, &[]), ("cons", s.cons, &[Rep::Value, Rep::Value]), ("chr", s.chr, &[Rep::Int64])];
                for (role, c, want) in shapes {
                    if let Some(decl) = self.check_con(c, "let") {
                        if decl.fields != want {
                            self.err(
                                "let",
                                10,
                                format!("string literal's {role} constructor `{}` has the wrong fields", decl.name),
                            );
                        }
                    }
                }
            }
        }
    }

    fn case(&mut self, c: &'m Case, target: Target<'m>, tasks: &mut Vec<Task<'m>>) {
        let scrut = self.use_atom(&c.scrut, "case");
        self.need_whnf(&c.scrut, scrut, "case", "the scrutinee");
        if c.alts.is_empty() && c.default.is_none() {
            self.err("case", 18, "case without alternatives has no default");
        }
        let mut data: Option<DataId> = None;
        let mut seen_cons = HashSet::new();
        let mut seen_lits = HashSet::new();
        for (i, (pat, _)) in c.alts.iter().enumerate() {
            match (pat, scrut) {
                (Pat::Con(cr, vs), s) => {
                    let Some(decl) = self.check_con(*cr, "case") else { continue };
                    if let Some(s) = s.filter(|s| *s != Rep::Value) {
                        self.err("case", 17, format!("alternative {i}: constructor pattern in a case on {s}"));
                        continue;
                    }
                    match data {
                        None => data = Some(cr.data),
                        Some(d) if d != cr.data => {
                            self.err("case", 16, format!("alternative {i}: constructor of another data type"))
                        }
                        Some(_) => {}
                    }
                    if !seen_cons.insert(*cr) {
                        self.err(
                            "case",
                            16,
                            format!("alternative {i}: constructor `{}` has two alternatives", decl.name),
                        );
                    }
                    if vs.len() != decl.fields.len() {
                        self.err(
                            "case",
                            16,
                            format!(
                                "alternative {i}: pattern binds {} but `{}` has {}",
                                plural(vs.len(), "variable"),
                                decl.name,
                                plural(decl.fields.len(), "field")
                            ),
                        );
                    } else {
                        for (v, want) in vs.iter().zip(&decl.fields) {
                            if let Some(r) = self.rep(*v).filter(|r| r != want) {
                                self.err(
                                    "case",
                                    16,
                                    format!(
                                        "alternative {i}: field binder {} is {r}; the field is {want}",
                                        self.var_name(*v)
                                    ),
                                );
                            }
                        }
                    }
                }
                (Pat::Lit(_), Some(Rep::Value)) => {
                    self.err("case", 16, format!("alternative {i}: literal pattern in a case on value"));
                }
                (Pat::Lit(l), s) => {
                    if let Some(s) = s.filter(|s| *s != l.rep()) {
                        self.err("case", 17, format!("alternative {i}: {} literal in a case on {s}", l.rep()));
                    }
                    let bits = match l {
                        Lit::Int(n) => *n as u64,
                        Lit::Float(x) => x.to_bits(),
                    };
                    if !seen_lits.insert(bits) {
                        self.err("case", 17, format!("alternative {i}: literal has two alternatives"));
                    }
                }
            }
        }
        if let Some(d) = &c.default {
            tasks.push(Task::Body(d, target));
        }
        for (pat, alt) in c.alts.iter().rev() {
            let vs = match pat {
                Pat::Con(_, vs) => vs.clone(),
                Pat::Lit(_) => Vec::new(),
            };
            tasks.push(Task::Unbind(vs.clone()));
            tasks.push(Task::Body(alt, target));
            tasks.push(Task::Bind(vs, false, "case"));
        }
    }
}
