//! The type-level environment: the type constructors, type synonyms and
//! data constructors of a check ([`Globals`]), the names in scope for them
//! ([`Scope`]), the conversion of written types ([`ast::Type`]) into
//! [`Ty`] (synonym expansion and the kind check), and the processing of
//! `data`, `newtype` and `type` declarations.
//!
//! Kinds: Lull has no higher kinds. A type constructor or synonym must be
//! applied to exactly as many arguments as it has parameters, and a type
//! variable cannot be applied to arguments; this is the whole kind check.

use std::collections::{HashMap, HashSet};

use super::ast::{self, Name};
use super::types::{Scheme, Ty, TyCon, TyConInfo, TyCons, VarKind};
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::suggest::did_you_mean;

/// A data constructor: an index into [`Globals::datacons`].
pub type ConId = usize;

#[derive(Clone, Debug)]
pub struct DataCon {
    pub name: String,
    pub tycon: TyCon,
    /// Its position among the constructors of its type.
    pub tag: usize,
    /// The field types, the type's parameters being `Gen(0..arity)`.
    pub fields: Vec<Ty>,
    /// The strict fields (`!t`).
    pub strict: Vec<bool>,
}

impl DataCon {
    /// `forall params. f1 -> ... -> T params`.
    pub fn scheme(&self, tycons: &TyCons) -> Scheme {
        let arity = tycons.get(self.tycon).map_or(0, |i| i.arity);
        let result = Ty::Con(self.tycon, (0..arity as u32).map(Ty::Gen).collect());
        Scheme { vars: vec![VarKind::Any; arity], ty: Ty::funs(self.fields.clone(), result) }
    }
}

/// A type synonym.
#[derive(Clone, Debug)]
pub struct Synonym {
    pub name: String,
    pub params: Vec<String>,
    /// The expansion, the parameters being `Gen(0..)`; `None` while it is
    /// being defined, or when its definition is in error.
    pub rhs: Option<Ty>,
}

/// A type-level name in scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeEntity {
    Con(TyCon),
    /// An index into [`Globals::synonyms`].
    Syn(usize),
}

/// Every type constructor, synonym and data constructor of one check
/// (built-in, library and program).
#[derive(Clone, Debug)]
pub struct Globals {
    pub tycons: TyCons,
    pub synonyms: Vec<Synonym>,
    pub datacons: Vec<DataCon>,
}

impl Default for Globals {
    fn default() -> Self {
        Self::new()
    }
}

impl Globals {
    /// The built-in types and constructors (`[]`, `:`, `()`, tuples).
    pub fn new() -> Globals {
        let tycons = TyCons::new();
        let mut datacons = vec![
            DataCon { name: "[]".into(), tycon: TyCon::LIST, tag: 0, fields: vec![], strict: vec![] },
            DataCon {
                name: ":".into(),
                tycon: TyCon::LIST,
                tag: 1,
                fields: vec![Ty::Gen(0), Ty::list(Ty::Gen(0))],
                strict: vec![false, false],
            },
            DataCon { name: "()".into(), tycon: TyCon::UNIT, tag: 0, fields: vec![], strict: vec![] },
        ];
        for n in 2..=TyCon::MAX_TUPLE {
            if let Some(tc) = TyCon::tuple(n) {
                datacons.push(DataCon {
                    name: format!("({})", ",".repeat(n - 1)),
                    tycon: tc,
                    tag: 0,
                    fields: (0..n as u32).map(Ty::Gen).collect(),
                    strict: vec![false; n],
                });
            }
        }
        Globals { tycons, synonyms: Vec::new(), datacons }
    }

    pub fn datacon(&self, c: ConId) -> Option<&DataCon> {
        self.datacons.get(c)
    }
}

/// The type constructors, synonyms and data constructors in scope.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub types: HashMap<String, TypeEntity>,
    pub cons: HashMap<String, ConId>,
}

impl Scope {
    /// The built-in names: `Int`, `Double`, `Char`, `IO` and the
    /// constructors of lists, unit and tuples.
    pub fn builtin(globals: &Globals) -> Scope {
        let mut s = Scope::default();
        for c in [TyCon::INT, TyCon::DOUBLE, TyCon::CHAR, TyCon::IO] {
            s.types.insert(globals.tycons.name(c).to_string(), TypeEntity::Con(c));
        }
        for (i, d) in globals.datacons.iter().enumerate() {
            if d.tycon.0 <= TyCon::TUPLE2.0 + TyCon::MAX_TUPLE as u32 {
                s.cons.insert(d.name.clone(), i);
            }
        }
        s
    }
}

/// How the type variables of a written type are treated.
pub struct TyVars {
    /// Each variable's name and what it stands for (`Gen(i)`, or a fixed
    /// type such as `Int` for an `Integral a` of a library signature).
    pub names: Vec<(String, Ty)>,
    /// New variables may appear (a signature) or not (a `data` right-hand
    /// side, whose variables must be parameters).
    pub implicit: bool,
    pub next_gen: u32,
}

impl TyVars {
    /// Variables are quantified where they first appear (signatures).
    pub fn implicit() -> TyVars {
        TyVars { names: Vec::new(), implicit: true, next_gen: 0 }
    }

    /// Only the given parameters, as `Gen(0..)`.
    pub fn params(params: &[Name]) -> TyVars {
        let names = params.iter().enumerate().map(|(i, p)| (p.text.clone(), Ty::Gen(i as u32))).collect();
        TyVars { names, implicit: false, next_gen: params.len() as u32 }
    }

    fn lookup(&mut self, name: &Name, diags: &mut Vec<Diagnostic>) -> Ty {
        if let Some((_, t)) = self.names.iter().find(|(n, _)| *n == name.text) {
            return t.clone();
        }
        if !self.implicit {
            diags.push(
                Diagnostic::error(
                    format!("type variable `{}` is not in scope", name.text),
                    name.span,
                    "not a parameter of this declaration",
                )
                .with_help(format!("add `{}` to the parameters of the type being declared", name.text)),
            );
        }
        let t = Ty::Gen(self.next_gen);
        self.next_gen += 1;
        self.names.push((name.text.clone(), t.clone()));
        t
    }
}

/// Converts written types, expanding synonyms and checking kinds.
pub struct Converter<'a> {
    pub globals: &'a Globals,
    pub scope: &'a Scope,
}

impl Converter<'_> {
    /// `ty` as a [`Ty`]; errors go to `diags` (and the result is then a
    /// placeholder type that should not be relied on).
    pub fn convert(&self, ty: &ast::Type, vars: &mut TyVars, diags: &mut Vec<Diagnostic>) -> Ty {
        match ty {
            ast::Type::Var(n) => vars.lookup(n, diags),
            ast::Type::Con(n) => self.apply(n, Vec::new(), n.span, diags),
            ast::Type::App(head, args, span) => {
                // Flatten `(f a) b` and parenthesised heads.
                let mut head = &**head;
                let mut all: Vec<&ast::Type> = args.iter().collect();
                loop {
                    match head {
                        ast::Type::Paren(h, _) => head = h,
                        ast::Type::App(h, more, _) => {
                            let mut v: Vec<&ast::Type> = more.iter().collect();
                            v.extend(all);
                            all = v;
                            head = h;
                        }
                        _ => break,
                    }
                }
                let converted: Vec<Ty> = all.iter().map(|a| self.convert(a, vars, diags)).collect();
                match head {
                    ast::Type::Con(n) => self.apply(n, converted, *span, diags),
                    ast::Type::List(..) | ast::Type::Tuple(..) | ast::Type::Unit(..) | ast::Type::Fun(..) => {
                        diags.push(Diagnostic::error(
                            "this type is applied to too many arguments",
                            *span,
                            "a complete type cannot take arguments",
                        ));
                        Ty::unit()
                    }
                    _ => {
                        diags.push(
                            Diagnostic::error(
                                "higher-kinded types are not supported",
                                *span,
                                "a type variable applied to arguments",
                            )
                            .with_note("Lull's type variables stand for complete types such as `Int` or `[a]`"),
                        );
                        Ty::unit()
                    }
                }
            }
            ast::Type::Fun(a, b, _) => Ty::fun(self.convert(a, vars, diags), self.convert(b, vars, diags)),
            ast::Type::List(t, _) => Ty::list(self.convert(t, vars, diags)),
            ast::Type::Tuple(ts, span) => {
                let args: Vec<Ty> = ts.iter().map(|t| self.convert(t, vars, diags)).collect();
                match TyCon::tuple(args.len()) {
                    Some(tc) => Ty::Con(tc, args),
                    None => {
                        diags.push(too_big_tuple(args.len(), *span));
                        Ty::unit()
                    }
                }
            }
            ast::Type::Unit(_) => Ty::unit(),
            ast::Type::Paren(t, _) => self.convert(t, vars, diags),
        }
    }

    /// The type constructor or synonym `name` applied to `args`.
    fn apply(&self, name: &Name, args: Vec<Ty>, span: Span, diags: &mut Vec<Diagnostic>) -> Ty {
        let builtin = match name.text.as_str() {
            "[]" => Some(TyCon::LIST),
            "->" | "(->)" => Some(TyCon::FUN),
            "()" => Some(TyCon::UNIT),
            t if t.starts_with("(,") => {
                let n = t.matches(',').count() + 1;
                match TyCon::tuple(n) {
                    Some(tc) => Some(tc),
                    None => {
                        diags.push(too_big_tuple(n, span));
                        return Ty::unit();
                    }
                }
            }
            _ => None,
        };
        let entity = match builtin {
            Some(tc) => TypeEntity::Con(tc),
            None => match self.scope.types.get(&name.text) {
                Some(e) => *e,
                None => {
                    let mut d =
                        Diagnostic::error(format!("unknown type `{}`", name.text), name.span, "not a type in scope");
                    if let Some(s) = did_you_mean(&name.text, self.scope.types.keys().map(String::as_str)) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    diags.push(d);
                    return Ty::unit();
                }
            },
        };
        let (arity, shown) = match entity {
            TypeEntity::Con(tc) => {
                (self.globals.tycons.get(tc).map_or(0, |i| i.arity), self.globals.tycons.name(tc).to_string())
            }
            TypeEntity::Syn(s) => (self.globals.synonyms.get(s).map_or(0, |i| i.params.len()), name.text.clone()),
        };
        if args.len() != arity {
            diags.push(arity_error(&shown, arity, args.len(), span));
            return Ty::unit();
        }
        match entity {
            TypeEntity::Con(tc) => Ty::Con(tc, args),
            TypeEntity::Syn(s) => match self.globals.synonyms.get(s).and_then(|s| s.rhs.as_ref()) {
                Some(rhs) => instantiate_gen(rhs, &args),
                // A synonym whose own definition failed: already reported.
                None => Ty::unit(),
            },
        }
    }
}

/// `t` with `Gen(i)` replaced by `args[i]`.
pub fn instantiate_gen(t: &Ty, args: &[Ty]) -> Ty {
    match t {
        Ty::Gen(i) => args.get(*i as usize).cloned().unwrap_or_else(|| t.clone()),
        Ty::Con(c, xs) => Ty::Con(*c, xs.iter().map(|x| instantiate_gen(x, args)).collect()),
        _ => t.clone(),
    }
}

fn too_big_tuple(n: usize, span: Span) -> Diagnostic {
    Diagnostic::error(
        format!("tuples of {n} components are not supported"),
        span,
        format!("this tuple has {n} components"),
    )
    .with_note(format!("Lull's tuples have at most {} components", TyCon::MAX_TUPLE))
}

fn arity_error(name: &str, arity: usize, given: usize, span: Span) -> Diagnostic {
    let s = if arity == 1 { "" } else { "s" };
    let given_text = match given {
        0 => "none".to_string(),
        n => n.to_string(),
    };
    Diagnostic::error(
        format!("the type `{name}` takes {arity} argument{s}, but was given {given_text}"),
        span,
        format!("`{name}` needs {arity} type argument{s} here"),
    )
    .with_note("Lull has no higher kinds: a type constructor is always applied to all its arguments")
}

/// How the class contexts of a signature are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigMode {
    /// A program's signature: `Eq`, `Ord`, `Show` are accepted and mean
    /// nothing; any other class is rejected.
    User,
    /// A library signature: the class vocabulary of `frontend/lib/README.md`.
    Library,
}

/// The scheme of a signature `ctx => ty`.
pub fn sig_scheme(
    conv: &Converter<'_>,
    context: &[ast::Constraint],
    ty: &ast::Type,
    mode: SigMode,
    diags: &mut Vec<Diagnostic>,
) -> Scheme {
    let mut vars = TyVars::implicit();
    let mut numeric: Vec<String> = Vec::new();
    let mut constrained: Vec<String> = Vec::new();
    for c in context {
        let var = match &c.ty {
            ast::Type::Var(v) => Some(v.text.clone()),
            ast::Type::Paren(t, _) => match &**t {
                ast::Type::Var(v) => Some(v.text.clone()),
                _ => None,
            },
            _ => None,
        };
        let class = c.class.text.as_str();
        let meaning = match (mode, class) {
            (SigMode::User, "Eq" | "Ord" | "Show") => Some(None),
            (SigMode::Library, "Eq" | "Ord" | "Show" | "Enum" | "Read") => Some(Some("constrained")),
            (SigMode::Library, "Num") => Some(Some("num")),
            (SigMode::Library, "Integral") => Some(Some("int")),
            (SigMode::Library, "Fractional" | "Floating" | "RealFrac" | "RealFloat") => Some(Some("double")),
            _ => None,
        };
        let Some(meaning) = meaning else {
            diags.push(unsupported_context(class, c.span));
            continue;
        };
        let Some(var) = var else {
            diags.push(Diagnostic::error(
                "a class constraint must constrain a type variable",
                c.span,
                "not of the form `C a`",
            ));
            continue;
        };
        match meaning {
            Some("int") => vars.names.push((var, Ty::int())),
            Some("double") => vars.names.push((var, Ty::double())),
            Some("constrained") => constrained.push(var),
            Some(_) => numeric.push(var),
            None => {}
        }
    }
    let t = conv.convert(ty, &mut vars, diags);
    let mut kinds = vec![VarKind::Any; vars.next_gen as usize];
    for (name, t) in &vars.names {
        if let Ty::Gen(g) = t {
            if let Some(k) = kinds.get_mut(*g as usize) {
                if numeric.contains(name) {
                    *k = VarKind::Numeric;
                } else if constrained.contains(name) {
                    *k = VarKind::Constrained;
                }
            }
        }
    }
    Scheme { vars: kinds, ty: t }
}

fn unsupported_context(class: &str, span: Span) -> Diagnostic {
    match class {
        "Num" | "Integral" | "Fractional" | "Floating" | "Real" | "RealFrac" | "RealFloat" => Diagnostic::error(
            format!("numeric polymorphism is not supported: a signature cannot have a `{class}` context"),
            span,
            "a numeric class constraint",
        )
        .with_help("give the numeric type itself: `Int` or `Double`")
        .with_note("Lull's arithmetic is overloaded over `Int` and `Double`, resolved per binding group; a binding cannot be polymorphic over the numeric type"),
        _ => Diagnostic::error(
            format!("type classes are not supported: a signature cannot have a `{class}` context"),
            span,
            "a class constraint",
        )
        .with_note("only `Eq`, `Ord` and `Show` contexts are accepted (and need nothing: equality, ordering and `show` work on every type)"),
    }
}

/// Declares the `data`, `newtype` and `type` declarations of `decls`:
/// adds their type constructors, synonyms and data constructors to
/// `globals` and `scope` (shadowing imported names), reporting duplicates,
/// recursive synonyms and errors in the written types.
pub fn declare_types(decls: &[ast::Decl], globals: &mut Globals, scope: &mut Scope, diags: &mut Vec<Diagnostic>) {
    let mut seen_types: HashMap<String, Span> = HashMap::new();
    let mut seen_cons: HashMap<String, Span> = HashMap::new();
    let dup = |seen: &mut HashMap<String, Span>, n: &Name, what: &str, diags: &mut Vec<Diagnostic>| {
        if let Some(first) = seen.get(&n.text) {
            diags.push(
                Diagnostic::error(format!("the {what} `{}` is defined twice", n.text), n.span, "defined again here")
                    .with_secondary(*first, "first defined here"),
            );
            false
        } else {
            seen.insert(n.text.clone(), n.span);
            true
        }
    };
    // 1. The names: type constructors and synonyms.
    let mut tycon_of: Vec<Option<TyCon>> = Vec::new();
    let mut syns: Vec<(usize, &ast::TypeSynDecl)> = Vec::new();
    for d in decls {
        let (name, params, arity, cons, newtype) = match d {
            ast::Decl::Data(dd) => {
                (&dd.name, &dd.params, dd.params.len(), dd.cons.iter().map(|c| c.name.text.clone()).collect(), false)
            }
            ast::Decl::Newtype(nd) => (&nd.name, &nd.params, nd.params.len(), vec![nd.con.text.clone()], true),
            ast::Decl::TypeSyn(sd) => {
                tycon_of.push(None);
                if dup(&mut seen_types, &sd.name, "type", diags) {
                    check_params(&sd.params, diags);
                    globals.synonyms.push(Synonym {
                        name: sd.name.text.clone(),
                        params: sd.params.iter().map(|p| p.text.clone()).collect(),
                        rhs: None,
                    });
                    let id = globals.synonyms.len() - 1;
                    scope.types.insert(sd.name.text.clone(), TypeEntity::Syn(id));
                    syns.push((id, sd));
                }
                continue;
            }
            _ => {
                tycon_of.push(None);
                continue;
            }
        };
        if !dup(&mut seen_types, name, "type", diags) {
            tycon_of.push(None);
            continue;
        }
        check_params(params, diags);
        let tc = globals.tycons.add(TyConInfo { name: name.text.clone(), arity, cons, newtype });
        scope.types.insert(name.text.clone(), TypeEntity::Con(tc));
        tycon_of.push(Some(tc));
    }
    // 2. Synonyms, in dependency order; cycles are errors.
    let syn_names: HashMap<&str, usize> =
        syns.iter().enumerate().map(|(i, (_, sd))| (sd.name.text.as_str(), i)).collect();
    let mut state = vec![0u8; syns.len()]; // 0 new, 1 in progress, 2 done
    for start in 0..syns.len() {
        // Iterative depth-first search: (synonym, its dependencies, next).
        let mut stack: Vec<(usize, Vec<usize>, usize)> = Vec::new();
        if state[start] == 0 {
            state[start] = 1;
            stack.push((start, syn_deps(&syns[start].1.ty, &syn_names), 0));
        }
        while let Some((i, deps, next)) = stack.last_mut() {
            let i = *i;
            if let Some(&d) = deps.get(*next) {
                *next += 1;
                match state[d] {
                    0 => {
                        state[d] = 1;
                        let deps = syn_deps(&syns[d].1.ty, &syn_names);
                        stack.push((d, deps, 0));
                    }
                    1 => {
                        let sd = syns[d].1;
                        diags.push(
                            Diagnostic::error(
                                format!("the type synonym `{}` is recursive", sd.name.text),
                                sd.name.span,
                                "it mentions itself through its own definition",
                            )
                            .with_help("use `newtype` or `data` for a recursive type"),
                        );
                        // Mark the whole cycle as failed by leaving rhs None.
                        for (j, _, _) in stack.iter() {
                            state[*j] = 3;
                        }
                    }
                    _ => {}
                }
            } else {
                stack.pop();
                if state[i] == 1 {
                    state[i] = 2;
                    let (id, sd) = syns[i];
                    let conv = Converter { globals, scope };
                    let mut vars = TyVars::params(&sd.params);
                    let rhs = conv.convert(&sd.ty, &mut vars, diags);
                    if let Some(s) = globals.synonyms.get_mut(id) {
                        s.rhs = Some(rhs);
                    }
                }
            }
        }
    }
    // 3. Data constructors.
    for (d, tc) in decls.iter().zip(&tycon_of) {
        let Some(tc) = *tc else { continue };
        let (params, cons): (&[Name], Vec<ConFields<'_>>) = match d {
            ast::Decl::Data(dd) => (
                &dd.params,
                dd.cons.iter().map(|c| (&c.name, c.fields.iter().map(|f| (&f.ty, f.strict)).collect())).collect(),
            ),
            ast::Decl::Newtype(nd) => (&nd.params, vec![(&nd.con, vec![(&nd.field, false)])]),
            _ => continue,
        };
        for (tag, (name, fields)) in cons.into_iter().enumerate() {
            let conv = Converter { globals, scope };
            let mut vars = TyVars::params(params);
            let tys: Vec<Ty> = fields.iter().map(|(t, _)| conv.convert(t, &mut vars, diags)).collect();
            if !dup(&mut seen_cons, name, "constructor", diags) {
                continue;
            }
            globals.datacons.push(DataCon {
                name: name.text.clone(),
                tycon: tc,
                tag,
                fields: tys,
                strict: fields.iter().map(|(_, s)| *s).collect(),
            });
            scope.cons.insert(name.text.clone(), globals.datacons.len() - 1);
        }
    }
}

/// A constructor's name and its field types with their strictness.
type ConFields<'a> = (&'a Name, Vec<(&'a ast::Type, bool)>);

fn check_params(params: &[Name], diags: &mut Vec<Diagnostic>) {
    let mut seen: HashSet<&str> = HashSet::new();
    for p in params {
        if !seen.insert(&p.text) {
            diags.push(Diagnostic::error(
                format!("the type parameter `{}` is declared twice", p.text),
                p.span,
                "a second parameter of the same name",
            ));
        }
    }
}

/// The synonyms of this module (indices) that `ty` mentions.
fn syn_deps(ty: &ast::Type, syns: &HashMap<&str, usize>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack = vec![ty];
    while let Some(t) = stack.pop() {
        match t {
            ast::Type::Var(_) | ast::Type::Unit(_) => {}
            ast::Type::Con(n) => {
                if let Some(&i) = syns.get(n.text.as_str()) {
                    out.push(i);
                }
            }
            ast::Type::App(h, args, _) => {
                stack.push(h);
                stack.extend(args.iter());
            }
            ast::Type::Fun(a, b, _) => {
                stack.push(a);
                stack.push(b);
            }
            ast::Type::List(t, _) | ast::Type::Paren(t, _) => stack.push(t),
            ast::Type::Tuple(ts, _) => stack.extend(ts.iter()),
        }
    }
    out
}

/// A written type as Haskell prints it: parentheses only where needed,
/// type variables renamed `a`, `b`, ... in order of first appearance,
/// synonyms kept as written. Used for the types of bindings that have a
/// signature.
pub fn print_written(ty: &ast::Type) -> String {
    let mut names: Vec<(String, String)> = Vec::new();
    let mut out = String::new();
    print_written_go(ty, 0, &mut names, &mut out);
    out
}

fn print_written_go(ty: &ast::Type, prec: u8, names: &mut Vec<(String, String)>, out: &mut String) {
    match ty {
        ast::Type::Var(n) => {
            let name = match names.iter().find(|(k, _)| *k == n.text) {
                Some((_, v)) => v.clone(),
                None => {
                    let v = super::types::var_name(names.len());
                    names.push((n.text.clone(), v.clone()));
                    v
                }
            };
            out.push_str(&name);
        }
        ast::Type::Con(n) => out.push_str(&n.text),
        ast::Type::App(h, args, _) => {
            if prec > 1 {
                out.push('(');
            }
            print_written_go(h, 2, names, out);
            for a in args {
                out.push(' ');
                print_written_go(a, 2, names, out);
            }
            if prec > 1 {
                out.push(')');
            }
        }
        ast::Type::Fun(a, b, _) => {
            if prec > 0 {
                out.push('(');
            }
            print_written_go(a, 1, names, out);
            out.push_str(" -> ");
            print_written_go(b, 0, names, out);
            if prec > 0 {
                out.push(')');
            }
        }
        ast::Type::List(t, _) => {
            out.push('[');
            print_written_go(t, 0, names, out);
            out.push(']');
        }
        ast::Type::Tuple(ts, _) => {
            out.push('(');
            for (i, t) in ts.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                print_written_go(t, 0, names, out);
            }
            out.push(')');
        }
        ast::Type::Unit(_) => out.push_str("()"),
        ast::Type::Paren(t, _) => print_written_go(t, prec, names, out),
    }
}
