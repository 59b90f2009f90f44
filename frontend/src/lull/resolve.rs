//! Name resolution: which binding every variable and constructor refers to.
//!
//! [`resolve`] walks a fixity-resolved module with a stack of scopes
//! (innermost first: lambda, case, `do`, guard, `let`/`where` binders,
//! then the module's top level, then what the imports bring) and reports:
//! unbound variables and constructors (with "did you mean", and which
//! library module to import when the name lives in one), names defined
//! twice in one declaration list or bound twice by one pattern (two
//! spans), equations of one function with different numbers of arguments
//! or separated by other declarations, signatures without a binding, and
//! the Haskell features Lull does not have (bang patterns, pattern
//! signatures, records, `deriving` of classes other than `Show`, `Eq`,
//! `Ord`, datatype contexts, `class`/`instance` and friends). Type names
//! are resolved when types are converted (`env.rs`).
//!
//! It also groups the equations of each function ([`group_bindings`]) and
//! records, for every occurrence of a variable bound in the program, the
//! span of its binder ([`Resolution::refs`]): dependency analysis
//! (`scc.rs`) reads the dependencies of each binding from that table.
//! Top-level and local definitions shadow imported names.

use std::collections::{HashMap, HashSet};

use super::ast::*;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::suggest::did_you_mean;

/// A binding of a declaration list: a function (its equations grouped) or
/// a pattern binding.
#[derive(Debug)]
pub struct Binding<'a> {
    pub kind: BindingKind<'a>,
    /// The names it binds (one for a function).
    pub binders: Vec<&'a Name>,
    pub span: Span,
}

impl<'a> Binding<'a> {
    /// The name of a function, or of a pattern binding `x = e` whose
    /// pattern is a single variable: the bindings a signature can type.
    pub fn simple_name(&self) -> Option<&'a Name> {
        match &self.kind {
            BindingKind::Fun { name, .. } => Some(name),
            BindingKind::Pat(p) => {
                let mut pat = &p.pat;
                while let Pat::Paren(q, _) = pat {
                    pat = q;
                }
                match pat {
                    Pat::Var(n) => Some(n),
                    _ => None,
                }
            }
        }
    }
}

#[derive(Debug)]
pub enum BindingKind<'a> {
    /// All the equations of one function, in order (at least one).
    Fun { name: &'a Name, clauses: Vec<&'a FunClause> },
    /// `p = e` (including `x = e`).
    Pat(&'a PatBind),
}

/// The bindings and signatures of one declaration list (top level, `let`
/// or `where`).
#[derive(Debug, Default)]
pub struct Group<'a> {
    pub bindings: Vec<Binding<'a>>,
    /// Each signed name with its signature (the first, if there are two).
    pub sigs: HashMap<String, &'a SigDecl>,
}

/// Groups consecutive equations of the same function, and reports names
/// bound twice, equations with different numbers of arguments, and
/// signatures that are duplicated or (unless `sigs_declare`, for library
/// files) lack a binding.
pub fn group_bindings<'a>(decls: &'a [Decl], sigs_declare: bool, diags: &mut Vec<Diagnostic>) -> Group<'a> {
    let mut group = Group::default();
    let mut defined: HashMap<&str, Span> = HashMap::new();
    let mut prev_fun: Option<usize> = None;
    for d in decls {
        match d {
            Decl::FunClause(c) => {
                if let Some(i) = prev_fun {
                    if let BindingKind::Fun { name, clauses } = &mut group.bindings[i].kind {
                        if name.text == c.name.text {
                            let arity = clauses[0].args.len();
                            if c.args.len() != arity {
                                diags.push(
                                    Diagnostic::error(
                                        format!(
                                            "the equations of `{}` have different numbers of arguments",
                                            c.name.text
                                        ),
                                        c.span,
                                        format!("this equation has {}", plural(c.args.len(), "argument")),
                                    )
                                    .with_secondary(
                                        clauses[0].span,
                                        format!("this one has {}", plural(arity, "argument")),
                                    ),
                                );
                            }
                            clauses.push(c);
                            let span = group.bindings[i].span.to(c.span);
                            group.bindings[i].span = span;
                            continue;
                        }
                    }
                }
                if let Some(first) = defined.get(c.name.text.as_str()) {
                    diags.push(
                        defined_twice(&c.name, *first)
                            .with_note("the equations of a function must be written together, one after another"),
                    );
                } else {
                    defined.insert(&c.name.text, c.name.span);
                }
                group.bindings.push(Binding {
                    kind: BindingKind::Fun { name: &c.name, clauses: vec![c] },
                    binders: vec![&c.name],
                    span: c.span,
                });
                prev_fun = Some(group.bindings.len() - 1);
                continue;
            }
            Decl::PatBind(p) => {
                let binders = pat_binders(&p.pat);
                for b in &binders {
                    if let Some(first) = defined.get(b.text.as_str()) {
                        diags.push(defined_twice(b, *first));
                    } else {
                        defined.insert(&b.text, b.span);
                    }
                }
                group.bindings.push(Binding { kind: BindingKind::Pat(p), binders, span: p.span });
            }
            Decl::Sig(s) => {
                for n in &s.names {
                    if let Some(first) = group.sigs.get(&n.text) {
                        let first_span = first.names.iter().find(|m| m.text == n.text).map_or(first.span, |m| m.span);
                        diags.push(
                            Diagnostic::error(
                                format!("`{}` has two type signatures", n.text),
                                n.span,
                                "second signature",
                            )
                            .with_secondary(first_span, "first signature"),
                        );
                    } else {
                        group.sigs.insert(n.text.clone(), s);
                    }
                }
            }
            _ => {}
        }
        prev_fun = None;
    }
    if !sigs_declare {
        let mut lacking: Vec<&Name> = Vec::new();
        for s in group.sigs.values() {
            for n in &s.names {
                if !defined.contains_key(n.text.as_str())
                    && group.sigs.get(&n.text).is_some_and(|f| std::ptr::eq(*f, *s))
                {
                    lacking.push(n);
                }
            }
        }
        lacking.sort_by_key(|n| n.span);
        for n in lacking {
            diags.push(
                Diagnostic::error(
                    format!("the type signature for `{}` lacks a binding", n.text),
                    n.span,
                    "a signature without a definition",
                )
                .with_help(format!("define `{}` beside its signature", n.text)),
            );
        }
    }
    group
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn defined_twice(n: &Name, first: Span) -> Diagnostic {
    Diagnostic::error(format!("`{}` is defined twice", n.text), n.span, "defined again here")
        .with_secondary(first, "first defined here")
}

/// The variables a pattern binds, in order.
pub fn pat_binders(p: &Pat) -> Vec<&Name> {
    let mut out = Vec::new();
    let mut stack = vec![p];
    while let Some(p) = stack.pop() {
        match p {
            Pat::Var(n) => out.push(n),
            Pat::As(n, q, _) => {
                out.push(n);
                stack.push(q);
            }
            Pat::Con(_, ps, _) | Pat::Tuple(ps, _) | Pat::List(ps, _) => stack.extend(ps.iter().rev()),
            Pat::OpSeq(items, _) => {
                for i in items.iter().rev() {
                    if let PatItem::Operand(q) = i {
                        stack.push(q);
                    }
                }
            }
            Pat::Lazy(q, _) | Pat::Bang(q, _) | Pat::Paren(q, _) | Pat::Sig(q, _, _) => stack.push(q),
            Pat::Wild(_) | Pat::Lit(..) | Pat::NegLit(..) | Pat::Unit(_) => {}
        }
    }
    out
}

/// What name resolution found.
#[derive(Debug, Default)]
pub struct Resolution {
    /// For each occurrence of a variable bound in the program (not
    /// imported): the span of the occurrence's name and of its binder.
    pub refs: Vec<(Span, Span)>,
}

/// What is in scope before the module's own declarations.
pub struct Imported<'a> {
    /// Imported variables.
    pub values: &'a HashSet<String>,
    /// Constructors in scope (imported and the module's own).
    pub cons: &'a HashSet<String>,
    /// Library values not imported, with the module that has them, for
    /// "add `import Data.List`".
    pub elsewhere: &'a HashMap<String, String>,
}

/// Resolves the names of `module` (its `data` declarations already
/// declared: their constructors are in `imported.cons`).
pub fn resolve(module: &Module, imported: &Imported<'_>, diags: &mut Vec<Diagnostic>) -> Resolution {
    let mut r = Resolver { imported, scopes: Vec::new(), refs: Vec::new(), diags };
    r.check_type_decls(&module.decls);
    r.decls(&module.decls, true);
    if let Some(h) = &module.header {
        if let Some(exports) = &h.exports {
            r.exports(exports, &module.decls);
        }
    }
    let mut refs = r.refs;
    refs.sort();
    Resolution { refs }
}

struct Resolver<'a, 'd> {
    imported: &'a Imported<'a>,
    /// Innermost last; the first is the module's top level.
    scopes: Vec<HashMap<String, Span>>,
    refs: Vec<(Span, Span)>,
    diags: &'d mut Vec<Diagnostic>,
}

impl Resolver<'_, '_> {
    fn unsupported(&mut self, what: &str, span: Span, label: &str) {
        self.diags.push(Diagnostic::error(format!("{what} are not supported"), span, label));
    }

    fn check_type_decls(&mut self, decls: &[Decl]) {
        for d in decls {
            let deriving = match d {
                Decl::Data(dd) => {
                    if let Some(c) = dd.context.first() {
                        self.unsupported("datatype contexts", c.span, "a context on a data declaration");
                    }
                    for c in &dd.cons {
                        if c.record {
                            self.diags.push(
                                Diagnostic::error(
                                    "records are not supported",
                                    c.span,
                                    "a constructor with named fields",
                                )
                                .with_help("declare the fields by position: `K t1 t2`"),
                            );
                        }
                    }
                    &dd.deriving
                }
                Decl::Newtype(nd) => &nd.deriving,
                _ => continue,
            };
            for class in deriving {
                if !matches!(class.text.as_str(), "Show" | "Eq" | "Ord") {
                    self.diags.push(
                        Diagnostic::error(
                            format!("deriving `{}` is not supported", class.text),
                            class.span,
                            "only `Show`, `Eq` and `Ord` can be derived",
                        )
                        .with_note("type classes are not supported; `show`, equality and ordering work on every type"),
                    );
                }
            }
        }
    }

    fn exports(&mut self, exports: &[ImportItem], decls: &[Decl]) {
        let mut types: HashSet<&str> = HashSet::new();
        for d in decls {
            match d {
                Decl::Data(x) => drop(types.insert(&x.name.text)),
                Decl::Newtype(x) => drop(types.insert(&x.name.text)),
                Decl::TypeSyn(x) => drop(types.insert(&x.name.text)),
                _ => {}
            }
        }
        for item in exports {
            let n = &item.name;
            let upper = n.text.starts_with(|c: char| c.is_uppercase());
            let known = if upper {
                types.contains(n.text.as_str())
            } else {
                self.scopes.first().is_some_and(|s| s.contains_key(&n.text)) || self.imported.values.contains(&n.text)
            };
            if !known {
                self.diags.push(Diagnostic::error(
                    format!("the export list names `{}`, which is not defined", n.text),
                    n.span,
                    "not in scope",
                ));
            }
        }
    }

    /// Resolves a declaration list in a new scope that stays pushed.
    fn decls(&mut self, decls: &[Decl], top: bool) {
        let group = group_bindings(decls, false, self.diags);
        let mut scope = HashMap::new();
        for b in &group.bindings {
            for n in &b.binders {
                scope.entry(n.text.clone()).or_insert(n.span);
            }
        }
        self.scopes.push(scope);
        for d in decls {
            match d {
                Decl::Unsupported { feature, span } => self.unsupported_decl(feature, *span),
                Decl::Data(x) if !top => self.local_type_decl(x.span),
                Decl::Newtype(x) if !top => self.local_type_decl(x.span),
                Decl::TypeSyn(x) if !top => self.local_type_decl(x.span),
                _ => {}
            }
        }
        for b in &group.bindings {
            match &b.kind {
                BindingKind::Fun { clauses, .. } => {
                    for c in clauses {
                        self.with_pats(&c.args, |r| r.rhs(&c.rhs));
                    }
                }
                BindingKind::Pat(p) => {
                    self.pat(&p.pat);
                    self.rhs(&p.rhs);
                }
            }
        }
    }

    fn unsupported_decl(&mut self, feature: &str, span: Span) {
        let d = if feature.starts_with("type classes") {
            Diagnostic::error("type classes are not supported", span, "a `class` declaration")
        } else {
            Diagnostic::error(format!("{feature} are not supported"), span, "not part of Lull")
        };
        self.diags.push(d.with_note(
            "Lull has no user-defined type classes: `==`, `compare` and `show` work on every type (LANGUAGE.md 1.6)",
        ));
    }

    fn local_type_decl(&mut self, span: Span) {
        self.diags.push(Diagnostic::error(
            "type declarations are only allowed at the top level",
            span,
            "inside `let` or `where`",
        ));
    }

    /// Runs `f` in a scope that binds the variables of `pats`, reporting a
    /// variable bound twice.
    fn with_pats(&mut self, pats: &[Pat], f: impl FnOnce(&mut Self)) {
        let mut scope: HashMap<String, Span> = HashMap::new();
        for p in pats {
            self.bind_pat(p, &mut scope);
        }
        self.scopes.push(scope);
        f(self);
        self.scopes.pop();
    }

    /// Resolves the names `p` uses and adds the variables it binds to
    /// `scope`, reporting a variable bound twice.
    fn bind_pat(&mut self, p: &Pat, scope: &mut HashMap<String, Span>) {
        self.pat(p);
        for n in pat_binders(p) {
            if let Some(first) = scope.get(&n.text) {
                self.diags.push(
                    Diagnostic::error(
                        format!("`{}` is bound twice in the same pattern", n.text),
                        n.span,
                        "bound again here",
                    )
                    .with_secondary(*first, "first bound here"),
                );
            } else {
                scope.insert(n.text.clone(), n.span);
            }
        }
    }

    fn rhs(&mut self, rhs: &Rhs) {
        self.decls(&rhs.wheres, false);
        match &rhs.body {
            RhsBody::Plain(e) => self.expr(e),
            RhsBody::Guarded(gs) => {
                for g in gs {
                    let depth = self.scopes.len();
                    for q in &g.guards {
                        match q {
                            Guard::Bool(e) => self.expr(e),
                            Guard::Let(ds, _) => self.decls(ds, false),
                            Guard::Pat(p, e) => {
                                self.expr(e);
                                self.push_pat(p);
                            }
                        }
                    }
                    self.expr(&g.body);
                    self.scopes.truncate(depth);
                }
            }
        }
        self.scopes.pop();
    }

    /// Pushes a scope binding the variables of `p` (left pushed).
    fn push_pat(&mut self, p: &Pat) {
        let mut scope: HashMap<String, Span> = HashMap::new();
        self.bind_pat(p, &mut scope);
        self.scopes.push(scope);
    }

    /// Statements of `do` or qualifiers of a comprehension, then `last`.
    fn stmts(&mut self, stmts: &[Stmt], last: Option<&Expr>) {
        let depth = self.scopes.len();
        for s in stmts {
            match s {
                Stmt::Bind(p, e, _) => {
                    self.expr(e);
                    self.push_pat(p);
                }
                Stmt::Let(ds, _) => self.decls(ds, false),
                Stmt::Expr(e, _) => self.expr(e),
            }
        }
        if let Some(e) = last {
            self.expr(e);
        }
        self.scopes.truncate(depth);
    }

    fn var(&mut self, n: &Name) {
        for s in self.scopes.iter().rev() {
            if let Some(b) = s.get(&n.text) {
                self.refs.push((n.span, *b));
                return;
            }
        }
        if self.imported.values.contains(&n.text) {
            return;
        }
        let mut d = Diagnostic::error(format!("unbound variable `{}`", n.text), n.span, "not in scope");
        if let Some(m) = self.imported.elsewhere.get(&n.text) {
            d = d.with_help(format!("`{}` is in `{m}`: add `import {m}`", n.text));
        } else {
            let mut candidates: Vec<&str> = self.imported.values.iter().map(String::as_str).collect();
            for s in &self.scopes {
                candidates.extend(s.keys().map(String::as_str));
            }
            if let Some(s) = did_you_mean(&n.text, candidates.into_iter()) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
        }
        self.diags.push(d);
    }

    fn con(&mut self, n: &Name) {
        if self.imported.cons.contains(&n.text) || n.text.starts_with("(,") {
            return;
        }
        let mut d =
            Diagnostic::error(format!("unknown constructor `{}`", n.text), n.span, "not a constructor in scope");
        if let Some(m) = self.imported.elsewhere.get(&n.text) {
            d = d.with_help(format!("`{}` is in `{m}`: add `import {m}`", n.text));
        } else if let Some(s) = did_you_mean(&n.text, self.imported.cons.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        self.diags.push(d);
    }

    /// An operator of a `BinOp` or section: a constructor when it starts
    /// with `:` or an upper-case letter.
    fn op(&mut self, n: &Name) {
        if is_con_name(&n.text) {
            self.con(n)
        } else {
            self.var(n)
        }
    }

    fn pat(&mut self, p: &Pat) {
        match p {
            Pat::Var(_) | Pat::Wild(_) | Pat::Lit(..) | Pat::NegLit(..) | Pat::Unit(_) => {}
            Pat::Con(n, ps, _) => {
                self.con(n);
                for q in ps {
                    self.pat(q);
                }
            }
            Pat::Tuple(ps, _) | Pat::List(ps, _) => {
                for q in ps {
                    self.pat(q);
                }
            }
            Pat::OpSeq(items, _) => {
                for i in items {
                    match i {
                        PatItem::Operand(q) => self.pat(q),
                        PatItem::Op(n) => self.con(n),
                    }
                }
            }
            Pat::As(_, q, _) | Pat::Lazy(q, _) | Pat::Paren(q, _) => self.pat(q),
            Pat::Bang(q, span) => {
                self.diags.push(
                    Diagnostic::error("bang patterns are not supported", *span, "a bang pattern")
                        .with_help("use `seq` to force a value"),
                );
                self.pat(q);
            }
            Pat::Sig(q, _, span) => {
                self.unsupported("type signatures in patterns", *span, "a pattern with a signature");
                self.pat(q);
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Var(n) => self.var(n),
            Expr::Con(n) => self.con(n),
            Expr::Lit(..) | Expr::Unit(_) => {}
            Expr::App(h, args, _) => {
                self.expr(h);
                for a in args {
                    self.expr(a);
                }
            }
            Expr::OpSeq(items, _) => {
                for i in items {
                    match i {
                        OpItem::Operand(x) => self.expr(x),
                        OpItem::Op(n) => self.op(n),
                        OpItem::Minus(_) => {}
                    }
                }
            }
            Expr::BinOp(op, l, r, _) => {
                self.expr(l);
                self.op(op);
                self.expr(r);
            }
            Expr::Neg(x, _) | Expr::Paren(x, _) | Expr::Ann(x, _, _) => self.expr(x),
            Expr::LeftSection(x, op, _) => {
                self.expr(x);
                self.op(op);
            }
            Expr::RightSection(op, x, _) => {
                self.op(op);
                self.expr(x);
            }
            Expr::Lam(ps, body, _) => self.with_pats(ps, |r| r.expr(body)),
            Expr::Let(ds, body, _) => {
                self.decls(ds, false);
                self.expr(body);
                self.scopes.pop();
            }
            Expr::If(c, t, f, _) => {
                self.expr(c);
                self.expr(t);
                self.expr(f);
            }
            Expr::Case(s, alts, _) => {
                self.expr(s);
                for a in alts {
                    self.with_pats(std::slice::from_ref(&a.pat), |r| r.rhs(&a.rhs));
                }
            }
            Expr::Do(stmts, _) => self.stmts(stmts, None),
            Expr::Tuple(xs, _) | Expr::List(xs, _) => {
                for x in xs {
                    self.expr(x);
                }
            }
            Expr::Range { from, then, to, .. } => {
                self.expr(from);
                if let Some(t) = then {
                    self.expr(t);
                }
                if let Some(t) = to {
                    self.expr(t);
                }
            }
            Expr::Comprehension(head, quals, _) => self.stmts(quals, Some(head)),
        }
    }
}

/// Whether an operator or backticked name is a constructor.
pub fn is_con_name(s: &str) -> bool {
    s.starts_with(':') || s.starts_with(|c: char| c.is_uppercase()) || s.starts_with("(,") || s == "[]" || s == "()"
}
