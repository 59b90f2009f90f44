//! Type inference: Hindley–Milner with let-polymorphism, over the
//! fixity-resolved, name-resolved syntax tree.
//!
//! The algorithm is algorithm J with levels:
//! * Every declaration list (top level, `let`, `where`) is split into
//!   binding groups by dependency analysis (`scc.rs`); the groups are
//!   inferred in dependency order. Names with a signature enter the
//!   environment with their declared type before any group is inferred.
//! * A group is inferred one level deeper than its context: its
//!   unsigned binders get fresh monomorphic types (so recursion within the
//!   group is monomorphic), every equation is checked, and at the end the
//!   unbound variables of a level above the context's are generalised
//!   (they are not free in the environment; see `unify.rs`).
//! * A binding with a signature is checked against its signature made
//!   rigid (skolemised): a skolem only unifies with itself, so a signature
//!   more general than the binding is reported ("the signature is too
//!   general"), while a signature more specific than the inferred type
//!   simply holds.
//! * Expressions are checked against an expected type where one is known
//!   (arguments against the function's parameter types, branches against
//!   each other, bodies against signatures), each expectation carrying
//!   where it came from ([`Why`]), so that a mismatch points both at the
//!   expression and at the origin of the expected type.
//!
//! The types of every variable occurrence and binder (by the span of its
//! name), of every literal, and of every negation and range (by span) are
//! recorded in [`Tables`], zonked once the whole module is inferred, so
//! that lowering can pick `show`, `==`, `read` and arithmetic at the right
//! type.
//!
//! # Note [Numeric defaulting]
//!
//! Lull overloads numeric literals and the `Num` functions of the library
//! over `Int` and `Double` only (LANGUAGE.md 1.6). An integer literal, or
//! a library scheme variable with a `Num` context, becomes a
//! *numeric* unification variable: it may only be unified with `Int`,
//! `Double` or another variable (which becomes numeric); anything else is
//! an error ("`Bool` is not a numeric type"). Numeric variables are never
//! generalised — no binding is polymorphic over the numeric type — so at
//! the end of each binding group the numeric variables made inside it that
//! are still unbound and not free in the environment are resolved:
//! * in a group of functions, or of bindings with signatures, they become
//!   `Int` (a function that GHC would give `Num a => a -> a` gets
//!   `Int -> Int`, which agrees with GHC's defaulting whenever the program
//!   uses it at one type);
//! * in a group with a pattern binding without signature (`x = 3`, to
//!   which Haskell's monomorphism restriction applies) the numeric
//!   variables that occur in the bound types stay unresolved and move to
//!   the enclosing scope, as GHC's monomorphism restriction does: `let
//!   y = 3 in y + 2.5` makes `y` a `Double`. Those left at the end of the
//!   module become `Int`.
//!
//! The monomorphism restriction applies to the other classes too: a type
//! variable that a library signature constrains with `Eq`, `Ord`, `Show`
//! or `Enum` (`VarKind::Constrained`) means nothing to the checker, except
//! that a restricted group does not generalise it, so that `sortDesc =
//! sortBy (flip compare)` used on strings gets `[Char] -> [Char]` as in
//! GHC.

use crate::lull::ast::{decl_span, expr_span, type_span};
use std::collections::HashMap;

use super::ast::*;
use super::env::{sig_scheme, Converter, Globals, Scope, SigMode};
use super::resolve::{group_bindings, BindingKind, Group, Resolution};
use super::scc::binding_groups;
use super::types::{Printer, Scheme, Ty, TyCon, TyVar, VarKind};
use super::unify::{Subst, UnifyError};
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// The types recorded for lowering, by span.
#[derive(Clone, Debug, Default)]
pub struct Tables {
    /// Every variable, constructor and operator occurrence (the type it is
    /// used at) and every binder (its monomorphic type inside its scope),
    /// by the span of its name.
    pub var_types: HashMap<Span, Ty>,
    /// Every literal, in expressions and patterns, by its span.
    pub lit_types: HashMap<Span, Ty>,
    /// The type of every negation `- e` (by the span of the `Neg` node) and
    /// the element type of every range `[a..b]` (by the span of the
    /// `Range` node).
    pub expr_types: HashMap<Span, Ty>,
}

/// A top-level binding and its type.
#[derive(Clone, Debug)]
pub struct TopBinding {
    pub name: String,
    pub span: Span,
    /// The generalised type (unsigned bindings: zonked at the end).
    pub scheme: Scheme,
    /// The signature as written, printed (signed bindings).
    pub written: Option<String>,
}

/// Where an expected type came from, for the secondary label or note of
/// a mismatch.
#[derive(Clone, Debug)]
pub enum Why {
    Nothing,
    /// "expected `T` because of this" at the span.
    Because(Span),
    /// The signature at the span.
    Sig(Span),
    /// The `n`th argument of the function at the span.
    Arg {
        fun: Span,
        n: usize,
    },
    /// No span; a note.
    Note(&'static str),
}

struct SigInfo {
    scheme: Scheme,
    names: Vec<String>,
    span: Span,
    written: String,
}

/// The state of inference over one module.
pub struct Infer<'a> {
    globals: &'a Globals,
    scope: &'a Scope,
    imported: &'a HashMap<String, Scheme>,
    res: &'a Resolution,
    bool_ty: Ty,
    pub subst: Subst,
    level: u32,
    env: HashMap<String, Vec<Scheme>>,
    frames: Vec<Vec<String>>,
    pub diags: Vec<Diagnostic>,
    /// A type error was reported in the current top-level binding group:
    /// later ones there are usually its consequences, and are dropped.
    failed_group: bool,
    pub tables: Tables,
    pub top: Vec<TopBinding>,
    /// How signatures' class contexts are read: a program's, or a library
    /// module's (the vocabulary of `frontend/lib/README.md`).
    pub sig_mode: SigMode,
}

impl<'a> Infer<'a> {
    pub fn new(
        globals: &'a Globals,
        scope: &'a Scope,
        imported: &'a HashMap<String, Scheme>,
        res: &'a Resolution,
        bool_ty: Ty,
    ) -> Infer<'a> {
        Infer {
            globals,
            scope,
            imported,
            res,
            bool_ty,
            subst: Subst::new(),
            level: 0,
            env: HashMap::new(),
            frames: vec![Vec::new()],
            diags: Vec::new(),
            failed_group: false,
            tables: Tables::default(),
            top: Vec::new(),
            sig_mode: SigMode::User,
        }
    }

    /// Infers the whole module, checks `main` (of a program: a module
    /// without a header or named `Main`, as in Haskell; another module is
    /// a crate's), defaults what is left and zonks the tables.
    pub fn module(&mut self, module: &Module) {
        let program = module.header.as_ref().is_none_or(|h| h.name.text == "Main");
        self.body(module, program);
    }

    /// Infers a library module (which has no `main`), defaults and zonks.
    pub fn module_body(&mut self, module: &Module) {
        self.body(module, false);
    }

    fn body(&mut self, module: &Module, program: bool) {
        self.decls(&module.decls, true);
        for v in self.subst.all_numeric() {
            if self.subst.unbound(v).is_some() {
                self.subst.force_bind(v, Ty::int());
            }
        }
        if program {
            self.check_main(module);
        }
        for t in self
            .tables
            .var_types
            .values_mut()
            .chain(self.tables.lit_types.values_mut())
            .chain(self.tables.expr_types.values_mut())
        {
            *t = self.subst.zonk(t);
        }
        for b in &mut self.top {
            b.scheme.ty = self.subst.zonk(&b.scheme.ty);
        }
        self.top.sort_by_key(|b| b.span);
    }

    fn check_main(&mut self, module: &Module) {
        let Some(main) = self.top.iter().find(|b| b.name == "main").cloned() else {
            let at = module.decls.first().map_or(Span::point(0), decl_span);
            let at = Span::new(at.start, at.start);
            self.diags.push(
                Diagnostic::error("the program has no `main`", at, "`main` is not defined in this module")
                    .with_help("define the entry point: `main :: IO ()`"),
            );
            return;
        };
        let t = self.instantiate(&main.scheme);
        let r = self.fresh();
        if self.subst.unify(&t, &Ty::io(r)).is_err() {
            let shown = self.show(&[&t]);
            self.diags.push(
                Diagnostic::error(
                    format!("`main` must have type `IO t`, but it has type `{}`", shown[0]),
                    main.span,
                    "the entry point of the program",
                )
                .with_note("`main` is an `IO` action, such as `main = putStrLn \"hello\"`"),
            );
        }
    }

    // ---- the environment ----

    fn fresh(&mut self) -> Ty {
        self.subst.fresh(self.level, false)
    }

    fn fresh_numeric(&mut self) -> Ty {
        self.subst.fresh(self.level, true)
    }

    fn push_frame(&mut self) {
        self.frames.push(Vec::new());
    }

    fn pop_frame(&mut self) {
        if let Some(names) = self.frames.pop() {
            for n in names {
                if let Some(v) = self.env.get_mut(&n) {
                    v.pop();
                }
            }
        }
    }

    fn bind(&mut self, name: &str, scheme: Scheme) {
        self.env.entry(name.to_string()).or_default().push(scheme);
        if let Some(f) = self.frames.last_mut() {
            f.push(name.to_string());
        }
    }

    fn lookup(&self, name: &str) -> Option<&Scheme> {
        self.env.get(name).and_then(|v| v.last()).or_else(|| self.imported.get(name))
    }

    fn instantiate(&mut self, s: &Scheme) -> Ty {
        if s.vars.is_empty() {
            return s.ty.clone();
        }
        let args: Vec<Ty> = s
            .vars
            .iter()
            .map(|k| match k {
                VarKind::Any => self.subst.fresh(self.level, false),
                VarKind::Numeric => self.subst.fresh(self.level, true),
                VarKind::Constrained => self.subst.fresh_constrained(self.level),
            })
            .collect();
        super::env::instantiate_gen(&s.ty, &args)
    }

    fn generalise(&self, t: &Ty) -> Scheme {
        let t = self.subst.zonk(t);
        let mut vars: Vec<TyVar> = Vec::new();
        let ty = self.gen_go(&t, &mut vars);
        Scheme { vars: vec![VarKind::Any; vars.len()], ty }
    }

    fn gen_go(&self, t: &Ty, vars: &mut Vec<TyVar>) -> Ty {
        match t {
            Ty::Var(v) => match self.subst.unbound(*v) {
                Some((level, false)) if level > self.level => {
                    let i = vars.iter().position(|w| w == v).unwrap_or_else(|| {
                        vars.push(*v);
                        vars.len() - 1
                    });
                    Ty::Gen(i as u32)
                }
                _ => t.clone(),
            },
            Ty::Con(c, args) => Ty::Con(*c, args.iter().map(|a| self.gen_go(a, vars)).collect()),
            _ => t.clone(),
        }
    }

    // ---- diagnostics ----

    /// The zonked types printed with one set of variable names.
    fn show(&self, tys: &[&Ty]) -> Vec<String> {
        let names = self.subst.skolem_names();
        let mut p = Printer::new(&self.globals.tycons, &names);
        tys.iter().map(|t| p.print(&self.subst.zonk(t))).collect()
    }

    /// Unifies the type of the thing at `span` (`actual`) with what is
    /// expected, reporting a mismatch. `pattern`: the thing is a pattern.
    fn expect(&mut self, actual: &Ty, expected: &Ty, span: Span, why: &Why, pattern: bool) {
        if let Err(e) = self.subst.unify(actual, expected) {
            let d = self.mismatch(e, actual, expected, span, why, pattern);
            self.report(d);
        }
    }

    /// Reports a type error, unless one was already reported in this
    /// top-level binding group.
    fn report(&mut self, d: Diagnostic) {
        if !self.failed_group {
            self.diags.push(d);
            self.failed_group = true;
        }
    }

    fn mismatch(
        &self,
        err: UnifyError,
        actual: &Ty,
        expected: &Ty,
        span: Span,
        why: &Why,
        pattern: bool,
    ) -> Diagnostic {
        let skolems = self.subst.skolem_names();
        let mut p = Printer::new(&self.globals.tycons, &skolems);
        let exp = p.print(&self.subst.zonk(expected));
        let act = p.print(&self.subst.zonk(actual));
        let is_number =
            |t: &Ty| matches!(self.subst.shallow(t), Ty::Var(v) if self.subst.unbound(v).is_some_and(|(_, n)| n));
        let this = if pattern { "this pattern has type" } else { "this has type" };
        let this_is = |act: &str| {
            if is_number(actual) {
                format!("this is a number (`Int` or `Double`){}", if pattern { " pattern" } else { "" })
            } else {
                format!("{this} `{act}`")
            }
        };
        let exp_text = if is_number(expected) { "a number".to_string() } else { format!("`{exp}`") };
        let mut d = match &err {
            UnifyError::Occurs(v, t) => {
                let var = p.print(&Ty::Var(*v));
                let whole = p.print(&self.subst.zonk(t));
                Diagnostic::error(
                    format!("cannot construct the infinite type `{var} = {whole}`"),
                    span,
                    format!("{this} `{act}`, but `{exp}` is expected"),
                )
            }
            UnifyError::NotNumeric(t) => {
                let t = p.print(&self.subst.zonk(t));
                Diagnostic::error(format!("`{t}` is not a numeric type: only Int and Double are"), span, this_is(&act))
                    .with_note("numeric literals and arithmetic work on `Int` and `Double` only")
            }
            UnifyError::RigidNumeric(s) => {
                let name = skolems.get(*s as usize).cloned().unwrap_or_default();
                Diagnostic::error(
                    format!("the signature is too general: its type variable `{name}` is used as a number"),
                    span,
                    format!("{this} `{act}`, which must be a numeric type here"),
                )
                .with_help(format!("write `Int` or `Double` instead of `{name}` in the signature"))
                .with_note("Lull has no numeric polymorphism: a binding cannot be polymorphic over the numeric type")
            }
            UnifyError::Escape(s) => {
                let name = skolems.get(*s as usize).cloned().unwrap_or_default();
                Diagnostic::error(
                    format!("the signature is too general: its type variable `{name}` would have to be a type from outside"),
                    span,
                    format!("{this} `{act}`"),
                )
                .with_note(format!("`{name}` stands for every type, but here it must be the type of a variable bound outside the signed binding"))
            }
            UnifyError::Mismatch(x, y) => {
                let rigid = [x, y].into_iter().find_map(|t| match self.subst.shallow(t) {
                    Ty::Skolem(s) => Some(s),
                    _ => None,
                });
                if let Some(s) = rigid {
                    let name = skolems.get(s as usize).cloned().unwrap_or_default();
                    let other = if matches!(self.subst.shallow(x), Ty::Skolem(t) if t == s) { y } else { x };
                    let other = p.print(&self.subst.zonk(other));
                    Diagnostic::error(
                        format!("the signature is too general: expected `{exp}`, found `{act}`"),
                        span,
                        this_is(&act),
                    )
                    .with_note(format!(
                        "the type variable `{name}` of the signature stands for every type, so it cannot be `{other}`"
                    ))
                } else {
                    let mut d = Diagnostic::error(
                        format!("mismatched types: expected `{exp}`, found `{act}`"),
                        span,
                        this_is(&act),
                    );
                    let (xi, yi) = (p.print(&self.subst.zonk(x)), p.print(&self.subst.zonk(y)));
                    if !((xi == exp && yi == act) || (xi == act && yi == exp)) {
                        d = d.with_note(format!("`{yi}` and `{xi}` do not match"));
                    }
                    d
                }
            }
        };
        match why {
            Why::Nothing => {}
            Why::Because(s) => d = d.with_secondary(*s, format!("expected {exp_text} because of this")),
            Why::Sig(s) => d = d.with_secondary(*s, format!("expected {exp_text} because of this signature")),
            Why::Arg { fun, n } => {
                d = d.with_secondary(*fun, format!("this function expects {exp_text} as its {} argument", ordinal(*n)))
            }
            Why::Note(n) => d = d.with_note(*n),
        }
        d
    }

    // ---- declarations ----

    /// Infers a declaration list, binding its names in the current frame.
    pub fn decls(&mut self, decls: &[Decl], top: bool) {
        let mut ignored = Vec::new();
        let group = group_bindings(decls, false, &mut ignored);
        let sigs = self.signatures(&group);
        for b in &group.bindings {
            if let Some(n) = b.simple_name() {
                if let Some(s) = sigs.get(&n.text) {
                    self.bind(&n.text, s.scheme.clone());
                }
            }
        }
        for comp in binding_groups(&group, self.res) {
            self.group(&group, &comp, &sigs, top);
        }
    }

    fn signatures(&mut self, group: &Group<'_>) -> HashMap<String, SigInfo> {
        let mut out = HashMap::new();
        let mut done: HashMap<*const SigDecl, (Scheme, Vec<String>)> = HashMap::new();
        let mut entries: Vec<(&String, &&SigDecl)> = group.sigs.iter().collect();
        entries.sort_by_key(|(_, s)| s.span);
        for (name, sig) in entries {
            let ptr: *const SigDecl = *sig;
            let (scheme, names) = match done.get(&ptr) {
                Some((s, n)) => (s.clone(), n.clone()),
                None => {
                    let conv = Converter { globals: self.globals, scope: self.scope };
                    let before = self.diags.len();
                    let scheme = sig_scheme(&conv, &sig.context, &sig.ty, self.sig_mode, &mut self.diags);
                    if self.diags.len() > before {
                        // A signature in error is reported and ignored: the
                        // binding is inferred as if it had none.
                        continue;
                    }
                    let names = written_var_names(&sig.ty);
                    done.insert(ptr, (scheme.clone(), names.clone()));
                    (scheme, names)
                }
            };
            out.insert(
                name.clone(),
                SigInfo { scheme, names, span: sig.span, written: super::env::print_written(&sig.ty) },
            );
        }
        out
    }

    fn skolemise(&mut self, sig: &SigInfo) -> Ty {
        let args: Vec<Ty> = (0..sig.scheme.vars.len())
            .map(|i| {
                let name = sig.names.get(i).cloned().unwrap_or_else(|| super::types::var_name(i));
                self.subst.skolem(&name, self.level)
            })
            .collect();
        super::env::instantiate_gen(&sig.scheme.ty, &args)
    }

    fn group(&mut self, group: &Group<'_>, comp: &[usize], sigs: &HashMap<String, SigInfo>, top: bool) {
        if top {
            self.failed_group = false;
        }
        self.level += 1;
        let mark = self.subst.numeric_mark();
        self.push_frame();
        let signed = |i: usize| group.bindings[i].simple_name().and_then(|n| sigs.get(&n.text));
        let mut mono: Vec<(&Name, Ty)> = Vec::new();
        let mut restricted = false;
        for &i in comp {
            if signed(i).is_some() {
                continue;
            }
            if matches!(group.bindings[i].kind, BindingKind::Pat(_)) {
                restricted = true;
            }
            for n in &group.bindings[i].binders {
                let t = self.fresh();
                self.bind(&n.text, Scheme::mono(t.clone()));
                mono.push((n, t));
            }
        }
        for &i in comp {
            let b = &group.bindings[i];
            match (&b.kind, signed(i)) {
                (BindingKind::Fun { name, clauses }, sig) => {
                    let (expected, why) = match sig {
                        Some(s) => (self.skolemise(s), Why::Sig(s.span)),
                        None => (
                            mono.iter().find(|(n, _)| n.span == name.span).map_or_else(Ty::unit, |(_, t)| t.clone()),
                            Why::Nothing,
                        ),
                    };
                    self.tables.var_types.insert(name.span, expected.clone());
                    self.clauses(name, clauses, &expected, &why);
                }
                (BindingKind::Pat(pb), Some(s)) => {
                    let expected = self.skolemise(s);
                    if let Some(n) = b.simple_name() {
                        self.tables.var_types.insert(n.span, expected.clone());
                    }
                    self.rhs(&pb.rhs, &expected, &Why::Sig(s.span));
                }
                (BindingKind::Pat(pb), None) => {
                    let t = self.fresh();
                    self.rhs(&pb.rhs, &t, &Why::Nothing);
                    let mut binds = Vec::new();
                    self.pat(&pb.pat, &t, &Why::Nothing, &mut binds);
                    for (n, ty) in binds {
                        if let Some((_, m)) = mono.iter().find(|(m, _)| m.span == n.span) {
                            let m = m.clone();
                            self.expect(&ty, &m, n.span, &Why::Nothing, true);
                        }
                        if let Some(s) = sigs.get(&n.text) {
                            let st = self.instantiate(&s.scheme);
                            self.expect(&ty, &st, n.span, &Why::Sig(s.span), true);
                        }
                    }
                }
            }
        }
        self.pop_frame();
        self.level -= 1;
        // See Note [Numeric defaulting].
        let reachable: Vec<TyVar> = if restricted {
            let mut vs = Vec::new();
            for (_, t) in &mono {
                free_vars(&self.subst.zonk(t), &mut vs);
            }
            vs
        } else {
            Vec::new()
        };
        for v in self.subst.numeric_since(mark) {
            match self.subst.unbound(v) {
                Some((level, _)) if level > self.level => {
                    if reachable.contains(&v) {
                        self.subst.set_level(v, self.level);
                    } else {
                        self.subst.force_bind(v, Ty::int());
                    }
                }
                _ => {}
            }
        }
        if restricted {
            // The monomorphism restriction: class-constrained variables of
            // the bound types are not generalised but left to the uses.
            for v in &reachable {
                if self.subst.constrained(*v) && self.subst.unbound(*v).is_some_and(|(l, _)| l > self.level) {
                    self.subst.set_level(*v, self.level);
                }
            }
        }
        for (n, t) in &mono {
            let scheme = self.generalise(t);
            self.bind(&n.text, scheme.clone());
            if top {
                self.top.push(TopBinding { name: n.text.clone(), span: n.span, scheme, written: None });
            }
        }
        if top {
            for &i in comp {
                if let (Some(n), Some(s)) = (group.bindings[i].simple_name(), signed(i)) {
                    self.top.push(TopBinding {
                        name: n.text.clone(),
                        span: n.span,
                        scheme: s.scheme.clone(),
                        written: Some(s.written.clone()),
                    });
                }
            }
        }
    }

    /// Checks the equations of a function against `expected`.
    fn clauses(&mut self, name: &Name, clauses: &[&FunClause], expected: &Ty, why: &Why) {
        let Some(first) = clauses.first() else { return };
        let arity = first.args.len();
        let mut args = Vec::new();
        let mut t = expected.clone();
        for _ in 0..arity {
            match self.split_fun(&t) {
                Some((a, r)) => {
                    args.push(a);
                    t = r;
                }
                None => {
                    let shown = self.show(&[expected]);
                    let mut d = Diagnostic::error(
                        format!(
                            "`{}` is defined with {} but its type `{}` has only {}",
                            name.text,
                            plural(arity, "argument"),
                            shown[0],
                            args.len()
                        ),
                        name.span,
                        "too many arguments for its type",
                    );
                    if let Why::Sig(s) = why {
                        d = d.with_secondary(*s, "the type given here");
                    }
                    self.report(d);
                    return;
                }
            }
        }
        for c in clauses {
            self.push_frame();
            let mut binds = Vec::new();
            for (p, a) in c.args.iter().zip(&args) {
                self.pat(p, a, why, &mut binds);
            }
            self.bind_all(binds);
            self.rhs(&c.rhs, &t, why);
            self.pop_frame();
        }
    }

    fn bind_all(&mut self, binds: Vec<(&Name, Ty)>) {
        for (n, t) in binds {
            self.bind(&n.text, Scheme::mono(t));
        }
    }

    /// The parameter and result of a function type, unifying a variable
    /// with a fresh function type; `None` when `t` is not a function.
    fn split_fun(&mut self, t: &Ty) -> Option<(Ty, Ty)> {
        let s = self.subst.shallow(t);
        if let Some((a, r)) = s.as_fun() {
            return Some((a.clone(), r.clone()));
        }
        if let Ty::Var(_) = s {
            let (a, r) = (self.fresh(), self.fresh());
            if self.subst.unify(&s, &Ty::fun(a.clone(), r.clone())).is_ok() {
                return Some((a, r));
            }
        }
        None
    }

    fn rhs(&mut self, rhs: &Rhs, expected: &Ty, why: &Why) {
        self.push_frame();
        self.decls(&rhs.wheres, false);
        match &rhs.body {
            RhsBody::Plain(e) => self.check(e, expected, why),
            RhsBody::Guarded(gs) => {
                for g in gs {
                    self.push_frame();
                    for q in &g.guards {
                        self.guard(q);
                    }
                    self.check(&g.body, expected, why);
                    self.pop_frame();
                }
            }
        }
        self.pop_frame();
    }

    fn guard(&mut self, q: &Guard) {
        match q {
            Guard::Bool(e) => {
                let b = self.bool_ty.clone();
                self.check(e, &b, &Why::Note("a guard must be a `Bool`"));
            }
            Guard::Let(ds, _) => self.decls(ds, false),
            Guard::Pat(p, e) => {
                let t = self.infer(e);
                let mut binds = Vec::new();
                self.pat(p, &t, &Why::Because(expr_span(e)), &mut binds);
                self.bind_all(binds);
            }
        }
    }

    // ---- patterns ----

    /// Checks `p` against `expected`, adding its variables to `binds`.
    fn pat<'p>(&mut self, p: &'p Pat, expected: &Ty, why: &Why, binds: &mut Vec<(&'p Name, Ty)>) {
        match p {
            Pat::Var(n) => {
                self.tables.var_types.insert(n.span, expected.clone());
                binds.push((n, expected.clone()));
            }
            Pat::Wild(_) => {}
            Pat::Lit(l, span) | Pat::NegLit(l, span) => {
                let t = self.literal(l, *span);
                self.expect(&t, expected, *span, why, true);
            }
            Pat::Con(n, args, span) => {
                let Some(con) = self.scope.cons.get(&n.text).and_then(|c| self.globals.datacon(*c)) else {
                    for a in args {
                        let t = self.fresh();
                        self.pat(a, &t, &Why::Nothing, binds);
                    }
                    return;
                };
                let scheme = con.scheme(&self.globals.tycons);
                let arity = con.fields.len();
                let t = self.instantiate(&scheme);
                self.tables.var_types.insert(n.span, t.clone());
                if args.len() != arity {
                    self.report(Diagnostic::error(
                        format!(
                            "the constructor `{}` takes {} but {} {} given",
                            n.text,
                            plural(arity, "argument"),
                            args.len(),
                            if args.len() == 1 { "was" } else { "were" }
                        ),
                        *span,
                        format!("`{}` applied to {}", n.text, plural(args.len(), "pattern")),
                    ));
                }
                let mut t = t;
                for a in args {
                    let (at, rt) = match self.subst.shallow(&t).as_fun() {
                        Some((x, y)) => (x.clone(), y.clone()),
                        None => (self.fresh(), t.clone()),
                    };
                    self.pat(a, &at, &Why::Nothing, binds);
                    t = rt;
                }
                if args.len() == arity {
                    self.expect(&t, expected, *span, why, true);
                }
            }
            Pat::Tuple(ps, span) => {
                let ts: Vec<Ty> = ps.iter().map(|_| self.fresh()).collect();
                match TyCon::tuple(ps.len()) {
                    Some(tc) => self.expect(&Ty::Con(tc, ts.clone()), expected, *span, why, true),
                    None => self.diags.push(too_big_tuple(ps.len(), *span)),
                }
                for (q, t) in ps.iter().zip(&ts) {
                    self.pat(q, t, &Why::Nothing, binds);
                }
            }
            Pat::Unit(span) => self.expect(&Ty::unit(), expected, *span, why, true),
            Pat::List(ps, span) => {
                let e = self.fresh();
                self.expect(&Ty::list(e.clone()), expected, *span, why, true);
                for q in ps {
                    self.pat(q, &e, &Why::Nothing, binds);
                }
            }
            Pat::As(n, q, _) => {
                self.tables.var_types.insert(n.span, expected.clone());
                binds.push((n, expected.clone()));
                self.pat(q, expected, why, binds);
            }
            Pat::Lazy(q, _) | Pat::Bang(q, _) | Pat::Paren(q, _) | Pat::Sig(q, _, _) => {
                self.pat(q, expected, why, binds)
            }
            Pat::OpSeq(..) => {}
        }
    }

    fn literal(&mut self, l: &Literal, span: Span) -> Ty {
        let t = match l {
            Literal::Int(v) => {
                if *v > u128::from(u64::MAX) {
                    self.diags.push(
                        Diagnostic::error("this integer literal is too large", span, "it does not fit in 64 bits")
                            .with_note("`Int` has 64 bits; write a large `Double` with an exponent, as in `1.0e30`"),
                    );
                }
                self.fresh_numeric()
            }
            Literal::Float(_) => Ty::double(),
            Literal::Char(_) => Ty::char(),
            Literal::String(_) => Ty::string(),
        };
        self.tables.lit_types.insert(span, t.clone());
        t
    }

    // ---- expressions ----

    /// Checks `e` against `expected`.
    pub fn check(&mut self, e: &Expr, expected: &Ty, why: &Why) {
        match e {
            Expr::Paren(x, _) => self.check(x, expected, why),
            Expr::If(c, t, f, _) => {
                let b = self.bool_ty.clone();
                self.check(c, &b, &Why::Note("the condition of an `if` must be a `Bool`"));
                self.check(t, expected, why);
                self.check(f, expected, why);
            }
            Expr::Let(ds, body, _) => {
                self.push_frame();
                self.decls(ds, false);
                self.check(body, expected, why);
                self.pop_frame();
            }
            Expr::Case(s, alts, _) => self.case(s, alts, expected, why),
            _ => {
                let t = self.infer(e);
                self.expect(&t, expected, expr_span(e), why, false);
            }
        }
    }

    fn case(&mut self, s: &Expr, alts: &[Alt], result: &Ty, why: &Why) {
        let ts = self.infer(s);
        for (i, a) in alts.iter().enumerate() {
            self.push_frame();
            let mut binds = Vec::new();
            self.pat(&a.pat, &ts, &Why::Because(expr_span(s)), &mut binds);
            self.bind_all(binds);
            let w = match (i, why, alts.first()) {
                (0, _, _) | (_, Why::Sig(_) | Why::Arg { .. } | Why::Because(_), _) => why.clone(),
                (_, _, Some(first)) => Why::Because(rhs_body_span(&first.rhs)),
                _ => why.clone(),
            };
            self.rhs(&a.rhs, result, &w);
            self.pop_frame();
        }
    }

    fn var(&mut self, n: &Name) -> Ty {
        let t = match self.lookup(&n.text).cloned() {
            Some(s) => self.instantiate(&s),
            None => self.fresh(), // Unbound: reported by the resolver.
        };
        self.tables.var_types.insert(n.span, t.clone());
        t
    }

    fn con(&mut self, n: &Name) -> Ty {
        let scheme =
            self.scope.cons.get(&n.text).and_then(|c| self.globals.datacon(*c)).map(|c| c.scheme(&self.globals.tycons));
        let t = match scheme {
            Some(s) => self.instantiate(&s),
            None => self.fresh(),
        };
        self.tables.var_types.insert(n.span, t.clone());
        t
    }

    fn op(&mut self, n: &Name) -> Ty {
        if super::resolve::is_con_name(&n.text) {
            self.con(n)
        } else {
            self.var(n)
        }
    }

    /// `head` (of type `ft`, at `head_span`) applied to `args`.
    fn apply(&mut self, mut ft: Ty, head_span: Span, head_name: Option<&str>, args: &[&Expr]) -> Ty {
        let whole = ft.clone();
        for (i, a) in args.iter().enumerate() {
            match self.split_fun(&ft) {
                Some((p, r)) => {
                    self.check(a, &p, &Why::Arg { fun: head_span, n: i + 1 });
                    ft = r;
                }
                None => {
                    let shown = self.show(&[&whole]);
                    let what = head_name.map_or_else(|| "this expression".to_string(), |n| format!("`{n}`"));
                    let d = if i == 0 {
                        Diagnostic::error(
                            format!("{} is not a function: it has type `{}`", what, shown[0]),
                            head_span,
                            "applied to an argument here",
                        )
                    } else {
                        Diagnostic::error(
                            format!("{what} is applied to too many arguments"),
                            head_span,
                            format!("it has type `{}`, which takes {}", shown[0], plural(i, "argument")),
                        )
                        .with_secondary(expr_span(a), "an extra argument")
                    };
                    self.report(d);
                    for b in &args[i..] {
                        self.infer(b);
                    }
                    return self.fresh();
                }
            }
        }
        ft
    }

    /// The type of `e`.
    pub fn infer(&mut self, e: &Expr) -> Ty {
        match e {
            Expr::Var(n) => self.var(n),
            Expr::Con(n) => self.con(n),
            Expr::Lit(l, span) => self.literal(l, *span),
            Expr::App(h, args, _) => {
                let ft = self.infer(h);
                let name = match &**h {
                    Expr::Var(n) | Expr::Con(n) => Some(n.text.as_str()),
                    _ => None,
                };
                let args: Vec<&Expr> = args.iter().collect();
                self.apply(ft, expr_span(h), name, &args)
            }
            Expr::BinOp(op, l, r, _) => {
                let ft = self.op(op);
                self.apply(ft, op.span, Some(&op.text), &[l, r])
            }
            Expr::Neg(x, span) => {
                let t = self.fresh_numeric();
                self.check(x, &t, &Why::Note("`-` negates a number"));
                self.tables.expr_types.insert(*span, t.clone());
                t
            }
            Expr::LeftSection(x, op, _) => {
                let ft = self.op(op);
                self.apply(ft, op.span, Some(&op.text), &[x])
            }
            Expr::RightSection(op, x, span) => {
                let ft = self.op(op);
                let split = self.split_fun(&ft).and_then(|(a, rest)| self.split_fun(&rest).map(|(b, r)| (a, b, r)));
                match split {
                    Some((a, b, r)) => {
                        self.check(x, &b, &Why::Arg { fun: op.span, n: 2 });
                        Ty::fun(a, r)
                    }
                    None => {
                        let shown = self.show(&[&ft]);
                        self.report(Diagnostic::error(
                            format!("`{}` does not take two arguments: it has type `{}`", op.text, shown[0]),
                            *span,
                            "in this section",
                        ));
                        self.infer(x);
                        self.fresh()
                    }
                }
            }
            Expr::Lam(ps, body, _) => {
                self.push_frame();
                let mut binds = Vec::new();
                let mut args = Vec::new();
                for p in ps {
                    let t = self.fresh();
                    self.pat(p, &t, &Why::Nothing, &mut binds);
                    args.push(t);
                }
                self.bind_all(binds);
                let r = self.infer(body);
                self.pop_frame();
                Ty::funs(args, r)
            }
            Expr::Let(..) | Expr::If(..) | Expr::Case(..) => {
                let t = self.fresh();
                self.check(e, &t, &Why::Nothing);
                t
            }
            Expr::Do(stmts, span) => self.do_block(stmts, *span),
            Expr::Tuple(xs, span) => {
                let ts: Vec<Ty> = xs.iter().map(|x| self.infer(x)).collect();
                match TyCon::tuple(ts.len()) {
                    Some(tc) => Ty::Con(tc, ts),
                    None => {
                        self.diags.push(too_big_tuple(ts.len(), *span));
                        self.fresh()
                    }
                }
            }
            Expr::Unit(_) => Ty::unit(),
            Expr::List(xs, _) => {
                let el = self.fresh();
                for (i, x) in xs.iter().enumerate() {
                    let why = match xs.first() {
                        Some(f) if i > 0 => Why::Because(expr_span(f)),
                        _ => Why::Nothing,
                    };
                    self.check(x, &el, &why);
                }
                Ty::list(el)
            }
            Expr::Range { from, then, to, span } => {
                let t = self.infer(from);
                for x in [then, to].into_iter().flatten() {
                    self.check(x, &t, &Why::Because(expr_span(from)));
                }
                self.tables.expr_types.insert(*span, t.clone());
                Ty::list(t)
            }
            Expr::Comprehension(head, quals, _) => {
                self.push_frame();
                for q in quals {
                    match q {
                        Stmt::Bind(p, x, _) => {
                            let el = self.fresh();
                            self.check(x, &Ty::list(el.clone()), &Why::Note("a generator `p <- e` draws from a list"));
                            let mut binds = Vec::new();
                            self.pat(p, &el, &Why::Because(expr_span(x)), &mut binds);
                            self.push_frame();
                            self.bind_all(binds);
                        }
                        Stmt::Let(ds, _) => {
                            self.push_frame();
                            self.decls(ds, false);
                        }
                        Stmt::Expr(x, _) => {
                            let b = self.bool_ty.clone();
                            self.check(x, &b, &Why::Note("a guard of a list comprehension must be a `Bool`"));
                            self.push_frame();
                        }
                    }
                }
                let t = self.infer(head);
                for _ in quals {
                    self.pop_frame();
                }
                self.pop_frame();
                Ty::list(t)
            }
            Expr::Ann(x, ty, _) => {
                let conv = Converter { globals: self.globals, scope: self.scope };
                let before = self.diags.len();
                let scheme = sig_scheme(&conv, &[], ty, SigMode::User, &mut self.diags);
                if self.diags.len() > before {
                    return self.infer(x);
                }
                let tspan = type_span(ty);
                if scheme.vars.is_empty() {
                    self.check(x, &scheme.ty, &Why::Because(tspan));
                    return scheme.ty;
                }
                self.level += 1;
                let info = SigInfo {
                    names: written_var_names(ty),
                    scheme: scheme.clone(),
                    span: tspan,
                    written: String::new(),
                };
                let sk = self.skolemise(&info);
                self.check(x, &sk, &Why::Because(tspan));
                self.level -= 1;
                self.instantiate(&scheme)
            }
            Expr::Paren(x, _) => self.infer(x),
            Expr::OpSeq(..) => self.fresh(),
        }
    }

    fn do_block(&mut self, stmts: &[Stmt], span: Span) -> Ty {
        self.push_frame();
        let mut result = None;
        for (i, s) in stmts.iter().enumerate() {
            let last = i + 1 == stmts.len();
            match s {
                Stmt::Bind(p, x, sspan) => {
                    let a = self.fresh();
                    self.check(x, &Ty::io(a.clone()), &Why::Note("in a `do` block, `p <- e` needs an `IO` action `e`"));
                    let mut binds = Vec::new();
                    self.pat(p, &a, &Why::Because(expr_span(x)), &mut binds);
                    self.push_frame();
                    self.bind_all(binds);
                    if last {
                        self.last_stmt_error(*sspan, "a `<-` binding");
                    }
                }
                Stmt::Let(ds, sspan) => {
                    self.push_frame();
                    self.decls(ds, false);
                    if last {
                        self.last_stmt_error(*sspan, "a `let` statement");
                    }
                }
                Stmt::Expr(x, _) => {
                    let a = self.fresh();
                    let io = Ty::io(a);
                    self.check(x, &io, &Why::Note("each statement of a `do` block must be an `IO` action"));
                    self.push_frame();
                    if last {
                        result = Some(io);
                    }
                }
            }
        }
        for _ in stmts {
            self.pop_frame();
        }
        self.pop_frame();
        if stmts.is_empty() {
            self.diags.push(Diagnostic::error("empty `do` block", span, "a `do` block needs at least one statement"));
        }
        result.unwrap_or_else(|| self.fresh())
    }

    fn last_stmt_error(&mut self, span: Span, what: &str) {
        self.diags.push(
            Diagnostic::error(
                "the last statement of a `do` block must be an expression",
                span,
                format!("{what} cannot end a `do` block"),
            )
            .with_help("end the block with an action such as `return ()`"),
        );
    }
}

fn free_vars(t: &Ty, out: &mut Vec<TyVar>) {
    match t {
        Ty::Var(v) => out.push(*v),
        Ty::Con(_, args) => {
            for a in args {
                free_vars(a, out);
            }
        }
        _ => {}
    }
}

/// The variables of a written type in order of first appearance (the
/// order `TyVars::implicit` numbers them).
fn written_var_names(ty: &Type) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut stack = vec![ty];
    while let Some(t) = stack.pop() {
        match t {
            Type::Var(n) => {
                if !out.contains(&n.text) {
                    out.push(n.text.clone());
                }
            }
            Type::Con(_) | Type::Unit(_) => {}
            Type::App(h, args, _) => {
                // Converted arguments first, then the head (see `Converter`).
                stack.push(h);
                stack.extend(args.iter().rev());
            }
            Type::Fun(a, b, _) => {
                stack.push(b);
                stack.push(a);
            }
            Type::List(t, _) | Type::Paren(t, _) => stack.push(t),
            Type::Tuple(ts, _) => stack.extend(ts.iter().rev()),
        }
    }
    out
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn ordinal(n: usize) -> String {
    match n {
        1 => "first".into(),
        2 => "second".into(),
        3 => "third".into(),
        4 => "fourth".into(),
        5 => "fifth".into(),
        n => format!("{n}th"),
    }
}

fn too_big_tuple(n: usize, span: Span) -> Diagnostic {
    Diagnostic::error(format!("tuples of {n} components are not supported"), span, "too many components")
        .with_note(format!("Lull's tuples have at most {} components", TyCon::MAX_TUPLE))
}

fn rhs_body_span(rhs: &Rhs) -> Span {
    match &rhs.body {
        RhsBody::Plain(e) => expr_span(e),
        RhsBody::Guarded(gs) => gs.first().map_or(rhs.span, |g| expr_span(&g.body)),
    }
}
