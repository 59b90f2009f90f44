//! Lowering: a checked Lull program and the library modules it builds on
//! become one Core module ([`lower_program`]), whole or importing from the
//! library crate ([`Link`]); the library alone is [`lower_library`].
//!
//! * `mod.rs` (this file): the lowering's state, data types, top-level
//!   declaration lists and the program's entry.
//! * `expr.rs`: expressions, `do`, list comprehensions, ranges.
//! * `pat.rs`: pattern matching, equations with guards and fall-through.
//! * `builtin.rs`: the library names without a Lull body (arithmetic,
//!   comparison, `show`, IO primitives), expanded by the type at their use.
//! * `reflect.rs`: the reflection builtins that the library's structural
//!   `==`, `compare` and `show` are written with.
//! * `prune.rs`: whole-program dead code removal.
//! * `export.rs`: what a crate exports to a host, and the codes of its
//!   types ([`lower_crate`]).
//!
//! Note [Representation of Lull values]
//! ------------------------------------
//! Every Lull value is a Core `Value`. `Int`, `Double` and `Char` are boxes:
//! the Core data types `Int { I#(i64) }`, `Double { D#(f64) }` and
//! `Char { C#(i64) }` (a code point). Every `data` type of the library and
//! the program is a Core data type with the same constructors in the same
//! order (so the structural order is the declaration order), every field a
//! `Value`; a strict field is forced before the constructor is built. A
//! `newtype` is erased: its constructor is the identity and matching on it
//! forces nothing. Lists, unit and tuples are Core data types too (`[]`
//! before `:`). `IO a` is a function from the state token to
//! `IORes(token, a)`; the token returned is the one after every effect of
//! the action (Core's effect primitives thread it).

mod builtin;
mod export;
mod expr;
mod pat;
mod prune;
mod reflect;

use std::collections::HashMap;

use lull_middle::core::builder::Builder as B;
use lull_middle::core::ir::{ConRef, DataId, Expr, GlobalId, Import, Module, Rep, VarId};

use super::ast::{Decl, Name};
use super::check::Checked;
use super::env::{ConId, Globals};
use super::infer::Tables;
use super::library::Library;
use super::resolve::{group_bindings, BindingKind};
use super::types::{Ty, TyCon};
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// A lowered program: the Core module and its entry (`main` applied to
/// the IO token gives `IORes`).
pub struct Lowered {
    pub module: Module,
    pub entry: GlobalId,
}

/// A lowered crate: the Core module and the functions it exports.
pub struct LoweredCrate {
    pub module: Module,
    pub exports: Vec<CrateExport>,
}

/// A function a crate exports to a host.
pub struct CrateExport {
    /// Its Lull name.
    pub name: String,
    /// Its definition in the module.
    pub global: GlobalId,
    /// Its type, as written or inferred (Haskell syntax).
    pub ty: String,
    /// The code of its type: Note [Export types] in `export.rs`.
    pub code: String,
}

/// The library lowered on its own, as a crate that programs import from
/// ([`lower_library`]).
pub struct LoweredLibrary {
    pub module: Module,
    /// Every top-level definition of every library module, by its symbol
    /// (`Module.name`, as [`Link::Against`] imports it).
    pub symbols: Vec<(String, GlobalId)>,
}

/// Where a program or crate finds the library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link<'a> {
    /// Lowered with it, into one module (then pruned): what the reference
    /// interpreter runs, and what `--whole` compiles.
    Whole,
    /// Imported from the library crate of this name ([`lower_library`]):
    /// every library definition the program uses is a Core import of its
    /// symbol (Note [Crate imports] in `rt/include/lull_rt.h`). The
    /// library's builtins that the program uses at its own types (`show`
    /// at a type, constructor functions) are still the program's.
    Against(&'a str),
}

/// Lowers a checked program with the library. `file` names the source in
/// run-time error locations.
pub fn lower_program(
    checked: &Checked,
    lib: &Library,
    file: &str,
    source: &str,
    link: Link<'_>,
) -> Result<Lowered, Vec<Diagnostic>> {
    let (mut l, main) = lower_all(checked, lib, file, source)?;
    let Some(main) = main.get("main").copied() else {
        return Err(vec![Diagnostic::error("the program has no `main`", Span::point(0), "here")]);
    };
    let w = l.b.var("w", Rep::Value);
    let entry = l.b.def("lull'entry", B::lam(vec![w], B::app(B::global(main), vec![B::var_ref(w)])));
    let imports = l.imports(link);
    let (module, roots) = prune::prune(l.b.finish(), &[entry], &imports, &l.reflective);
    Ok(Lowered { module, entry: roots[0] })
}

/// Lowers the library modules alone: every top-level definition is kept
/// and offered by its symbol. The result is the same whatever program
/// imports from it (lowering the library does not depend on the program),
/// which is what lets one compiled library serve every program.
pub fn lower_library(lib: &Library) -> Result<LoweredLibrary, Vec<Diagnostic>> {
    let mut l = Lowerer::new(&lib.globals);
    l.note_decls(lib.checked.iter().map(|m| &m.module.decls));
    l.lower_library_modules(lib);
    if !l.diags.is_empty() {
        return Err(l.diags);
    }
    let symbols = std::mem::take(&mut l.lib_symbols);
    let roots: Vec<GlobalId> = symbols.iter().map(|(_, g)| *g).collect();
    let (module, roots) = prune::prune(l.b.finish(), &roots, &HashMap::new(), &Default::default());
    Ok(LoweredLibrary { module, symbols: symbols.into_iter().map(|(n, _)| n).zip(roots).collect() })
}

/// Lowers a checked module with the library into a crate for a host: its
/// exports are the bindings of its export list (each must have a type a
/// host can call, Note [Export types]), or without one every top-level
/// binding that has such a type. No `main` is needed.
pub fn lower_crate(
    checked: &Checked,
    lib: &Library,
    file: &str,
    source: &str,
    link: Link<'_>,
) -> Result<LoweredCrate, Vec<Diagnostic>> {
    let (l, top) = lower_all(checked, lib, file, source)?;
    let types = checked.top_level_types();
    let listed = checked.module.header.as_ref().and_then(|h| h.exports.as_ref());
    let mut exports = Vec::new();
    let mut diags = Vec::new();
    let mut export = |name: &str, span: Option<Span>| {
        let Some(b) = checked.top.iter().find(|b| b.name == name) else { return };
        let ty = types.iter().find(|(n, _)| n == name).map_or_else(String::new, |(_, t)| t.clone());
        match (export::export_code(&checked.globals, &b.scheme.ty), top.get(name)) {
            (Some(code), Some(&global)) => exports.push(CrateExport { name: name.to_string(), global, ty, code }),
            _ => {
                if let Some(span) = span {
                    diags.push(
                        Diagnostic::error(
                            format!("`{name}` cannot be exported to a host: its type is `{ty}`"),
                            span,
                            "exported here",
                        )
                        .with_note(
                            "a crate's exports take and return Int, Double, Bool, Char, String, (), and lists and tuples of these",
                        ),
                    );
                }
            }
        }
    };
    match listed {
        Some(items) => {
            for item in items {
                if item.subordinates.is_none() && checked.top.iter().any(|b| b.name == item.name.text) {
                    export(&item.name.text, Some(item.span));
                }
            }
        }
        None => {
            for b in &checked.top {
                export(&b.name, None);
            }
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let roots: Vec<GlobalId> = exports.iter().map(|e| e.global).collect();
    let imports = l.imports(link);
    let (module, roots) = prune::prune(l.b.finish(), &roots, &imports, &l.reflective);
    for (e, g) in exports.iter_mut().zip(roots) {
        e.global = g;
    }
    Ok(LoweredCrate { module, exports })
}

/// Lowers the library and the checked module; the module's top-level names.
fn lower_all<'a>(
    checked: &'a Checked,
    lib: &'a Library,
    file: &str,
    source: &str,
) -> Result<(Lowerer<'a>, HashMap<String, GlobalId>), Vec<Diagnostic>> {
    let mut l = Lowerer::new(&checked.globals);
    l.note_decls(lib.checked.iter().map(|m| &m.module.decls).chain(std::iter::once(&checked.module.decls)));
    l.lower_library_modules(lib);
    let top = l.lower_module(&checked.module.decls, &checked.tables, file, Some(source), false);
    if !l.diags.is_empty() {
        return Err(l.diags);
    }
    Ok((l, top))
}

/// What a name refers to.
#[derive(Clone, Copy, Debug)]
enum Bound {
    Local(VarId),
    Global(GlobalId),
}

/// The Core data types and constructors that lowering builds itself.
struct Known {
    int: ConRef,
    double: ConRef,
    chr: ConRef,
    nil: ConRef,
    cons: ConRef,
    unit: ConRef,
    io_res: ConRef,
    false_: ConRef,
    true_: ConRef,
    lt: ConRef,
    eq: ConRef,
    gt: ConRef,
}

/// The per-module context of lowering.
struct Ctx<'a> {
    tables: &'a Tables,
    file: &'a str,
    /// The text of the source (for line and column of error locations).
    source: Option<&'a str>,
    /// The module's own top-level names.
    top: HashMap<String, GlobalId>,
}

impl Ctx<'_> {
    /// `FILE:LINE:COL-COL` (or `FILE:(L,C)-(L,C)` across lines) of a span,
    /// as GHC names source locations in run-time errors: the end is the
    /// column of the span's last character, inclusive.
    fn loc(&self, span: Span) -> String {
        match self.source {
            Some(src) => {
                let (l1, c1) = line_col(src, span.start);
                let end = src.get(..span.end.min(src.len())).and_then(|s| s.char_indices().last()).map(|(i, _)| i);
                let (l2, c2) = line_col(src, end.unwrap_or(span.start).max(span.start));
                if l1 == l2 {
                    format!("{}:{}:{}-{}", self.file, l1, c1, c2)
                } else {
                    format!("{}:({},{})-({},{})", self.file, l1, c1, l2, c2)
                }
            }
            None => self.file.to_string(),
        }
    }

    /// The error of a failed pattern match (`what` like "Non-exhaustive
    /// patterns in case") at `span`. GHC's message for it ends with a
    /// newline of its own, so its stderr has an empty line after the
    /// message; ours too.
    fn pattern_fail(&self, what: &str, span: Span) -> Expr {
        Expr::Error { rep: Rep::Value, msg: format!("{what}\n"), loc: Some(self.loc(span)) }
    }

    /// The source text of a span (empty without the source).
    fn text(&self, span: Span) -> &str {
        self.source.and_then(|src| src.get(span.start..span.end)).unwrap_or("")
    }

    fn ty(&self, span: Span) -> Option<&Ty> {
        self.tables.var_types.get(&span)
    }
}

fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let col = src[start..offset].chars().count() + 1;
    (line, col)
}

/// The state of lowering one program.
struct Lowerer<'g> {
    b: B,
    globals: &'g Globals,
    /// The Core data type of each type constructor (none for `->`, `IO`
    /// and newtypes).
    data_of: HashMap<TyCon, DataId>,
    known: Known,
    /// Local scopes: innermost last.
    locals: Vec<(String, VarId)>,
    /// The library's definitions by name.
    lib: HashMap<String, GlobalId>,
    /// The library's definitions by symbol (`Module.name`), in the order
    /// of [`Lowerer::lower_library_modules`].
    lib_symbols: Vec<(String, GlobalId)>,
    /// The reflection builtins made so far ([`Lowerer::reflect`]).
    reflective: std::collections::HashSet<GlobalId>,
    /// Constructor wrappers (`Just` used as a function), made on demand.
    con_funs: HashMap<ConId, GlobalId>,
    /// Builtins made into globals on demand, by a key naming the builtin
    /// and the type it was used at.
    builtin_globals: HashMap<String, GlobalId>,
    /// The precedence of each operator with a fixity declaration (derived
    /// `show` of infix constructors needs it).
    con_fixity: HashMap<String, u8>,
    /// The constructors declared infix (see `ConDecl::infix`).
    infix_cons: std::collections::HashSet<String>,
    diags: Vec<Diagnostic>,
}

impl<'g> Lowerer<'g> {
    fn new(globals: &'g Globals) -> Lowerer<'g> {
        let mut b = B::new();
        let mut data_of = HashMap::new();
        let int = b.data("Int", &[("I#", &[Rep::Int64])]);
        let double = b.data("Double", &[("D#", &[Rep::Float64])]);
        let chr = b.data("Char", &[("C#", &[Rep::Int64])]);
        data_of.insert(TyCon::INT, int);
        data_of.insert(TyCon::DOUBLE, double);
        data_of.insert(TyCon::CHAR, chr);
        let io = b.data("IORes", &[("IORes", &[Rep::Value, Rep::Value])]);
        let mut by_tycon: Vec<(TyCon, Vec<(String, usize)>)> = Vec::new();
        for (id, dc) in globals.datacons.iter().enumerate() {
            match by_tycon.iter_mut().find(|(t, _)| *t == dc.tycon) {
                Some((_, v)) => v.push((dc.name.clone(), id)),
                None => by_tycon.push((dc.tycon, vec![(dc.name.clone(), id)])),
            }
        }
        for (tc, mut cons) in by_tycon {
            let info = globals.tycons.get(tc);
            if info.is_some_and(|i| i.newtype) {
                continue;
            }
            cons.sort_by_key(|(_, id)| globals.datacons[*id].tag);
            let fields: Vec<Vec<Rep>> =
                cons.iter().map(|(_, id)| vec![Rep::Value; globals.datacons[*id].fields.len()]).collect();
            let spec: Vec<(&str, &[Rep])> =
                cons.iter().zip(&fields).map(|((n, _), f)| (n.as_str(), f.as_slice())).collect();
            let name = info.map_or("?", |i| i.name.as_str());
            let d = b.data(name, &spec);
            data_of.insert(tc, d);
        }
        let con = |tc: TyCon, tag: u32| ConRef { data: data_of[&tc], tag };
        let find =
            |name: &str| -> ConRef {
                globals.datacons.iter().find(|d| d.name == name).map_or(ConRef { data: DataId(0), tag: 0 }, |d| {
                    ConRef { data: data_of[&d.tycon], tag: d.tag as u32 }
                })
            };
        let known = Known {
            int: con(TyCon::INT, 0),
            double: con(TyCon::DOUBLE, 0),
            chr: con(TyCon::CHAR, 0),
            nil: con(TyCon::LIST, 0),
            cons: con(TyCon::LIST, 1),
            unit: con(TyCon::UNIT, 0),
            io_res: ConRef { data: io, tag: 0 },
            false_: find("False"),
            true_: find("True"),
            lt: find("LT"),
            eq: find("EQ"),
            gt: find("GT"),
        };
        Lowerer {
            b,
            globals,
            data_of,
            known,
            locals: Vec::new(),
            lib: HashMap::new(),
            lib_symbols: Vec::new(),
            reflective: Default::default(),
            con_funs: HashMap::new(),
            builtin_globals: HashMap::new(),
            con_fixity: HashMap::new(),
            infix_cons: Default::default(),
            diags: Vec::new(),
        }
    }

    /// The Core constructor of a Lull constructor (`None` for a newtype's).
    fn con_ref(&self, c: ConId) -> Option<ConRef> {
        let dc = &self.globals.datacons[c];
        self.data_of.get(&dc.tycon).map(|d| ConRef { data: *d, tag: dc.tag as u32 })
    }

    fn con_id(&self, name: &str) -> Option<ConId> {
        // Constructor names are unique across the library and the program
        // (a program's constructor shadows nothing the library exports
        // under the same name in practice); prefer the last declared.
        self.globals.datacons.iter().rposition(|d| d.name == name)
    }

    fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(msg.into(), span, "here"));
    }

    /// Notes the fixities and the infix constructors of these modules
    /// (derived `show` needs them).
    fn note_decls<'d>(&mut self, modules: impl Iterator<Item = &'d Vec<Decl>>) {
        for decls in modules {
            for d in decls {
                match d {
                    Decl::Fixity(f) => {
                        for op in &f.ops {
                            self.con_fixity.insert(op.text.clone(), f.prec);
                        }
                    }
                    Decl::Data(data) => {
                        self.infix_cons.extend(data.cons.iter().filter(|c| c.infix).map(|c| c.name.text.clone()));
                    }
                    _ => {}
                }
            }
        }
    }

    /// Lowers every library module, recording each top-level definition
    /// under its symbol `Module.name` (in a deterministic order).
    fn lower_library_modules(&mut self, lib: &Library) {
        for m in &lib.checked {
            let lib_file = format!("<library {}>", m.name);
            let top = self.lower_module(&m.module.decls, &m.tables, &lib_file, None, true);
            let mut names: Vec<(String, GlobalId)> = top.into_iter().collect();
            names.sort();
            self.lib_symbols.extend(names.into_iter().map(|(n, g)| (format!("{}.{n}", m.name), g)));
        }
    }

    /// The library definitions that `link` imports rather than lowers.
    fn imports(&self, link: Link<'_>) -> HashMap<GlobalId, Import> {
        match link {
            Link::Whole => HashMap::new(),
            Link::Against(krate) => self
                .lib_symbols
                .iter()
                .map(|(symbol, g)| (*g, Import { krate: krate.to_string(), symbol: symbol.clone() }))
                .collect(),
        }
    }

    /// Lowers the top-level declarations of one module; returns its
    /// top-level names.
    fn lower_module(
        &mut self,
        decls: &[Decl],
        tables: &Tables,
        file: &str,
        source: Option<&str>,
        is_lib: bool,
    ) -> HashMap<String, GlobalId> {
        let mut ignored = Vec::new();
        let group = group_bindings(decls, true, &mut ignored);
        let mut ctx = Ctx { tables, file, source, top: HashMap::new() };
        // Declare every binder first: top-level bindings are mutually
        // recursive.
        let mut globals_of: Vec<Vec<GlobalId>> = Vec::new();
        for binding in &group.bindings {
            let mut gs = Vec::new();
            for n in &binding.binders {
                let g = self.b.declare(&n.text);
                ctx.top.insert(n.text.clone(), g);
                gs.push(g);
            }
            globals_of.push(gs);
        }
        if is_lib {
            for (n, g) in &ctx.top {
                self.lib.insert(n.clone(), *g);
            }
        }
        for (binding, gs) in group.bindings.iter().zip(&globals_of) {
            match &binding.kind {
                BindingKind::Fun { name, clauses } => {
                    let body = self.function(&ctx, name, clauses);
                    let body = self.eta_io(&ctx, name.span, body);
                    self.b.define(gs[0], body);
                }
                BindingKind::Pat(pb) => {
                    // `p = e` at the top level: a CAF for `e`, and one CAF
                    // per variable of `p` that matches it lazily.
                    if let Some(v) = simple_var(&pb.pat) {
                        let body = self.rhs(&ctx, &pb.rhs, None, pb.span);
                        let body = self.eta_io(&ctx, v.span, body);
                        self.b.define(gs[0], body);
                    } else {
                        let whole = self.b.declare("lull'pat");
                        let body = self.rhs(&ctx, &pb.rhs, None, pb.span);
                        self.b.define(whole, body);
                        for (n, g) in binding.binders.iter().zip(gs) {
                            let body = self.lazy_select(&ctx, B::global(whole), &pb.pat, n, pb.span);
                            self.b.define(*g, body);
                        }
                    }
                }
            }
        }
        ctx.top
    }

    /// A top-level `IO` action that is not yet a function of the world
    /// token, as `\w. body w`. As a CAF,
    /// `main = mapM_ print [1 .. n]` would keep its value (a partial
    /// application holding the list) alive for the whole run, and with it
    /// every cell of the list; as a function, each run builds its list
    /// afresh and drops it as it goes (GHC's "state hack" does the same).
    fn eta_io(&mut self, ctx: &Ctx, name: Span, body: Expr) -> Expr {
        let is_io = matches!(ctx.ty(name), Some(Ty::Con(TyCon::IO, _)));
        if !is_io || matches!(body, Expr::Lam(..)) {
            return body;
        }
        let w = self.b.var("w", Rep::Value);
        B::lam(vec![w], B::app(body, vec![B::var_ref(w)]))
    }

    /// Looks a variable up: locals innermost first, then the module's top
    /// level, then (in a program) the library.
    fn lookup(&self, ctx: &Ctx, name: &str) -> Option<Bound> {
        if let Some((_, v)) = self.locals.iter().rev().find(|(n, _)| n == name) {
            return Some(Bound::Local(*v));
        }
        if let Some(g) = ctx.top.get(name) {
            return Some(Bound::Global(*g));
        }
        self.lib.get(name).map(|g| Bound::Global(*g))
    }

    fn bool_expr(&self, b: bool) -> Expr {
        B::con(if b { self.known.true_ } else { self.known.false_ }, vec![])
    }

    /// `case e of { <tag 1 pattern> -> t; _ -> f }` on a Core `i64`
    /// truth value.
    fn if_i64(&mut self, e: Expr, t: Expr, f: Expr) -> Expr {
        use lull_middle::core::ir::{Alt, Lit, Pat};
        let bnd = self.b.var("c", Rep::Int64);
        B::case(e, bnd, vec![Alt { pat: Pat::Lit(Lit::Int(0)), body: f }], Some(t))
    }

    /// `case e of True -> t; _ -> f`.
    fn if_bool(&mut self, e: Expr, t: Expr, f: Expr) -> Expr {
        use lull_middle::core::ir::{Alt, Pat};
        let bnd = self.b.var("b", Rep::Value);
        B::case(e, bnd, vec![Alt { pat: Pat::Con(self.known.true_, vec![]), body: t }], Some(f))
    }

    /// A Bool from a Core `i64` truth value.
    fn bool_of_i64(&mut self, e: Expr) -> Expr {
        let (t, f) = (self.bool_expr(true), self.bool_expr(false));
        self.if_i64(e, t, f)
    }

    /// Binds `e` to a fresh variable when it is not one already.
    fn share(&mut self, e: Expr, hint: &str, k: impl FnOnce(&mut Self, Expr) -> Expr) -> Expr {
        match e {
            Expr::Var(_) | Expr::Global(_) | Expr::Lit(_) => k(self, e),
            e => {
                let v = self.b.var(hint, Rep::Value);
                let body = k(self, B::var_ref(v));
                B::let_(v, e, body)
            }
        }
    }

    /// The list `[e1, ..., en]`.
    fn list(&self, items: Vec<Expr>) -> Expr {
        items.into_iter().rev().fold(B::con(self.known.nil, vec![]), |acc, e| B::con(self.known.cons, vec![e, acc]))
    }
}

/// The variable of a pattern that is just a variable (in parentheses or
/// not).
fn simple_var(p: &super::ast::Pat) -> Option<&Name> {
    match p {
        super::ast::Pat::Var(n) => Some(n),
        super::ast::Pat::Paren(q, _) => simple_var(q),
        _ => None,
    }
}
