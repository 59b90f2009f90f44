//! The library modules (`frontend/lib/*.lull`, embedded in the binary):
//! loading their declarations into an interface per module, and
//! processing a program's `import` lines against them.
//!
//! A library file declares data types, synonyms, fixities and signatures;
//! a signature without a binding *declares* the name with that type
//! (`frontend/lib/README.md`). Class contexts in these signatures follow
//! the vocabulary of that README ([`SigMode::Library`]). Every module
//! but the Prelude imports the Prelude implicitly; a module without an
//! export list exports what it declares.
//!
//! The libraries are parsed once per process ([`library`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use super::ast::{self, Assoc, Decl, ImportItem, Module, Subordinates};
use super::env::{declare_types, sig_scheme, ConId, Converter, Globals, Scope, SigMode, TypeEntity};
use super::fixity::{self, Fixities};
use super::infer::{Infer, Tables};
use super::resolve::{group_bindings, resolve, Imported};
use super::types::{Scheme, Ty, TyCon};
use crate::diagnostic::Diagnostic;
use crate::suggest::did_you_mean;

/// The library files, by module name.
pub const FILES: &[(&str, &str)] = &[
    ("Prelude", include_str!("../../lib/Prelude.lull")),
    ("Data.List", include_str!("../../lib/Data/List.lull")),
    ("Data.Char", include_str!("../../lib/Data/Char.lull")),
    ("Data.Maybe", include_str!("../../lib/Data/Maybe.lull")),
    ("Control.Monad", include_str!("../../lib/Control/Monad.lull")),
    ("System.IO", include_str!("../../lib/System/IO.lull")),
    ("System.Exit", include_str!("../../lib/System/Exit.lull")),
    ("System.Environment", include_str!("../../lib/System/Environment.lull")),
    ("Lull.Proc", include_str!("../../lib/Lull/Proc.lull")),
];

/// A fixity: associativity and precedence.
pub type Fixity = (Assoc, u8);

/// What a library module exports.
#[derive(Clone, Debug, Default)]
pub struct Interface {
    pub values: BTreeMap<String, Scheme>,
    /// Types with the names of their constructors.
    pub types: BTreeMap<String, (TypeEntity, Vec<String>)>,
    pub cons: BTreeMap<String, ConId>,
    /// The fixities of the exported operators.
    pub fixities: BTreeMap<String, Fixity>,
}

/// All library modules.
#[derive(Debug)]
pub struct Library {
    /// The built-in types and the library's.
    pub globals: Globals,
    pub modules: BTreeMap<String, Interface>,
    /// The Prelude's `Bool`.
    pub bool_tycon: TyCon,
    /// The modules' definitions, type-checked, in dependency order (the
    /// Prelude first), for lowering.
    pub checked: Vec<LibModule>,
}

/// A library module's definitions, checked.
#[derive(Debug)]
pub struct LibModule {
    pub name: &'static str,
    /// The module without the signatures that only declare a name (those
    /// names are builtins, implemented by lowering).
    pub module: Module,
    pub tables: Tables,
}

/// Whether a name is the library's own (`lull'...`, `Lull'...`): visible to
/// library modules, hidden from programs.
pub fn is_internal(name: &str) -> bool {
    name.starts_with("lull'") || name.starts_with("Lull'")
}

/// The libraries, loaded on first use. An error is an error in the
/// library files themselves (a bug of the toolkit, reported as a
/// diagnostic rather than a panic).
pub fn library() -> Result<&'static Library, (&'static str, &'static str, &'static [Diagnostic])> {
    static LIB: OnceLock<Result<Library, LoadError>> = OnceLock::new();
    match LIB.get_or_init(load) {
        Ok(l) => Ok(l),
        Err((name, src, d)) => Err((name, src, d)),
    }
}

/// A library module that does not load: its name, its text, the errors.
type LoadError = (&'static str, &'static str, Vec<Diagnostic>);

fn load() -> Result<Library, LoadError> {
    let mut globals = Globals::new();
    let mut modules: BTreeMap<String, Interface> = BTreeMap::new();
    let mut loaded = Vec::new();
    for (name, src) in FILES {
        let mut diags = Vec::new();
        let mut module = super::parse_module(src).map_err(|d| (*name, *src, d))?;
        let mut fix = Fixities::new();
        fix.insert(":", Assoc::Right, 5);
        if let Some(p) = modules.get("Prelude") {
            for (op, (assoc, prec)) in &p.fixities {
                fix.insert(op, *assoc, *prec);
            }
        }
        let errs = fixity::resolve(&mut module, &fix);
        if !errs.is_empty() {
            return Err((name, src, errs));
        }
        let prelude = if *name == "Prelude" { None } else { modules.get("Prelude") };
        let (iface, scope, values) = load_module(&module, prelude, &mut globals, &mut diags);
        if !diags.is_empty() {
            return Err((name, src, diags));
        }
        modules.insert(name.to_string(), iface);
        loaded.push((*name, *src, module, scope, values));
    }
    let bool_tycon = match modules.get("Prelude").and_then(|p| p.types.get("Bool")) {
        Some((TypeEntity::Con(tc), _)) => *tc,
        _ => {
            let d = Diagnostic::error("the Prelude does not declare `Bool`", crate::span::Span::point(0), "here");
            return Err(("Prelude", FILES[0].1, vec![d]));
        }
    };
    let mut checked = Vec::new();
    for (name, src, module, scope, values) in loaded {
        let m = check_body(name, module, &globals, &scope, &values, bool_tycon).map_err(|d| (name, src, d))?;
        checked.push(m);
    }
    Ok(Library { globals, modules, bool_tycon, checked })
}

/// Type-checks the definitions of a library module: the names declared by
/// a signature alone are taken as given (they are builtins), the others are
/// checked against their signatures, read in the library's class
/// vocabulary.
fn check_body(
    name: &'static str,
    mut module: Module,
    globals: &Globals,
    scope: &Scope,
    in_scope: &BTreeMap<String, Scheme>,
    bool_tycon: TyCon,
) -> Result<LibModule, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let defined: HashSet<String> = group_bindings(&module.decls, true, &mut diags)
        .bindings
        .iter()
        .flat_map(|b| b.binders.iter().map(|n| n.text.clone()))
        .collect();
    for d in std::mem::take(&mut module.decls) {
        match d {
            Decl::Sig(mut sig) => {
                sig.names.retain(|n| defined.contains(&n.text));
                if !sig.names.is_empty() {
                    module.decls.push(Decl::Sig(sig));
                }
            }
            d => module.decls.push(d),
        }
    }
    // The export list was read by `load_module`.
    module.header = None;
    let imported: HashMap<String, Scheme> =
        in_scope.iter().filter(|(n, _)| !defined.contains(*n)).map(|(n, s)| (n.clone(), s.clone())).collect();
    let values: HashSet<String> = imported.keys().cloned().collect();
    let cons: HashSet<String> = scope.cons.keys().cloned().collect();
    let elsewhere = HashMap::new();
    let res = resolve(&module, &Imported { values: &values, cons: &cons, elsewhere: &elsewhere }, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut inf = Infer::new(globals, scope, &imported, &res, Ty::con(bool_tycon));
    inf.sig_mode = SigMode::Library;
    inf.module_body(&module);
    if !inf.diags.is_empty() {
        return Err(inf.diags);
    }
    Ok(LibModule { name, module, tables: inf.tables })
}

fn load_module(
    module: &Module,
    prelude: Option<&Interface>,
    globals: &mut Globals,
    diags: &mut Vec<Diagnostic>,
) -> (Interface, Scope, BTreeMap<String, Scheme>) {
    let mut scope = Scope::builtin(globals);
    let mut in_scope_values: BTreeMap<String, Scheme> = BTreeMap::new();
    let mut fixities: BTreeMap<String, Fixity> = BTreeMap::new();
    if let Some(p) = prelude {
        import_all(p, &mut scope, &mut in_scope_values, &mut fixities, &HashSet::new());
    }
    declare_types(&module.decls, globals, &mut scope, diags);
    let mut own = Interface::default();
    for d in &module.decls {
        match d {
            Decl::Data(x) => {
                let cons = x.cons.iter().map(|c| c.name.text.clone()).collect();
                if let Some(e) = scope.types.get(&x.name.text) {
                    own.types.insert(x.name.text.clone(), (*e, cons));
                }
            }
            Decl::Newtype(x) => {
                if let Some(e) = scope.types.get(&x.name.text) {
                    own.types.insert(x.name.text.clone(), (*e, vec![x.con.text.clone()]));
                }
            }
            Decl::TypeSyn(x) => {
                if let Some(e) = scope.types.get(&x.name.text) {
                    own.types.insert(x.name.text.clone(), (*e, Vec::new()));
                }
            }
            Decl::Fixity(f) => {
                for op in &f.ops {
                    fixities.insert(op.text.clone(), (f.assoc, f.prec));
                }
            }
            _ => {}
        }
    }
    for (_, cons) in own.types.values() {
        for c in cons {
            if let Some(id) = scope.cons.get(c) {
                own.cons.insert(c.clone(), *id);
            }
        }
    }
    let group = group_bindings(&module.decls, true, diags);
    let conv = Converter { globals, scope: &scope };
    let mut sigs: Vec<(&String, &&ast::SigDecl)> = group.sigs.iter().collect();
    sigs.sort_by_key(|(_, s)| s.span);
    for (name, sig) in sigs {
        let scheme = sig_scheme(&conv, &sig.context, &sig.ty, SigMode::Library, diags);
        own.values.insert(name.clone(), scheme.clone());
        in_scope_values.insert(name.clone(), scheme);
    }
    let exports = module.header.as_ref().and_then(|h| h.exports.as_ref());
    let mut iface = match exports {
        None => own,
        Some(items) => {
            let mut out = Interface::default();
            for item in items {
                let n = &item.name.text;
                if let Some(s) = in_scope_values.get(n) {
                    out.values.insert(n.clone(), s.clone());
                } else if let Some(e) = scope.types.get(n) {
                    let cons = own
                        .types
                        .get(n)
                        .or_else(|| prelude.and_then(|p| p.types.get(n)))
                        .map(|(_, c)| c.clone())
                        .unwrap_or_default();
                    let exported: Vec<String> = match &item.subordinates {
                        Some(Subordinates::All) => cons.clone(),
                        Some(Subordinates::Some(names)) => names.iter().map(|n| n.text.clone()).collect(),
                        None => Vec::new(),
                    };
                    for c in &exported {
                        if let Some(id) = scope.cons.get(c) {
                            out.cons.insert(c.clone(), *id);
                        }
                    }
                    out.types.insert(n.clone(), (*e, cons));
                } else {
                    diags.push(Diagnostic::error(
                        format!("`{n}` is exported but not in scope"),
                        item.name.span,
                        "here",
                    ));
                }
            }
            out
        }
    };
    for n in iface.values.keys() {
        if let Some(f) = fixities.get(n) {
            iface.fixities.insert(n.clone(), *f);
        }
    }
    (iface, scope, in_scope_values)
}

/// Brings every export of `iface` except the `hidden` names into scope.
fn import_all(
    iface: &Interface,
    scope: &mut Scope,
    values: &mut BTreeMap<String, Scheme>,
    fixities: &mut BTreeMap<String, Fixity>,
    hidden: &HashSet<String>,
) {
    for (n, s) in &iface.values {
        if !hidden.contains(n) {
            values.insert(n.clone(), s.clone());
            if let Some(f) = iface.fixities.get(n) {
                fixities.insert(n.clone(), *f);
            }
        }
    }
    for (n, (e, _)) in &iface.types {
        if !hidden.contains(n) {
            scope.types.insert(n.clone(), *e);
        }
    }
    for (n, c) in &iface.cons {
        if !hidden.contains(n) {
            scope.cons.insert(n.clone(), *c);
        }
    }
}

/// What a program's imports bring into scope.
#[derive(Debug, Default)]
pub struct Imports {
    pub values: HashMap<String, Scheme>,
    pub fixities: BTreeMap<String, Fixity>,
    /// Library names not imported, with a module that exports them.
    pub elsewhere: HashMap<String, String>,
}

/// Processes the `import` lines of `module` (and the implicit `import
/// Prelude`), adding the types and constructors to `scope`.
pub fn imports(module: &Module, lib: &Library, scope: &mut Scope, diags: &mut Vec<Diagnostic>) -> Imports {
    let mut values: BTreeMap<String, Scheme> = BTreeMap::new();
    let mut fixities: BTreeMap<String, Fixity> = BTreeMap::new();
    let explicit_prelude = module.imports.iter().any(|i| i.module.text == "Prelude");
    if !explicit_prelude {
        if let Some(p) = lib.modules.get("Prelude") {
            import_all(p, scope, &mut values, &mut fixities, &internal_names(p));
        }
    }
    for imp in &module.imports {
        if imp.qualified {
            diags.push(
                Diagnostic::error("qualified imports are not supported", imp.span, "`import qualified`")
                    .with_help(format!("import the names unqualified: `import {}`", imp.module.text)),
            );
            continue;
        }
        if let Some(a) = &imp.alias {
            diags.push(Diagnostic::error(
                "import aliases (`as`) are not supported",
                a.span,
                "Lull has no qualified names",
            ));
            continue;
        }
        let Some(iface) = lib.modules.get(&imp.module.text) else {
            let mut d = Diagnostic::error(
                format!("unknown module `{}`", imp.module.text),
                imp.module.span,
                "not a library module of Lull",
            );
            if let Some(s) = did_you_mean(&imp.module.text, lib.modules.keys().map(String::as_str)) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            let known: Vec<&str> = lib.modules.keys().map(String::as_str).collect();
            d = d.with_note(format!("the library modules are {}", known.join(", ")));
            diags.push(d);
            continue;
        };
        match (&imp.items, imp.hiding) {
            (None, _) => import_all(iface, scope, &mut values, &mut fixities, &internal_names(iface)),
            (Some(items), true) => {
                let mut hidden = internal_names(iface);
                for item in items {
                    if check_item(item, iface, &imp.module.text, diags) {
                        hidden.insert(item.name.text.clone());
                        if let (Some(Subordinates::All), Some((_, cons))) =
                            (&item.subordinates, iface.types.get(&item.name.text))
                        {
                            hidden.extend(cons.iter().cloned());
                        }
                        if let Some(Subordinates::Some(cs)) = &item.subordinates {
                            hidden.extend(cs.iter().map(|c| c.text.clone()));
                        }
                    }
                }
                import_all(iface, scope, &mut values, &mut fixities, &hidden);
            }
            (Some(items), false) => {
                for item in items {
                    if !check_item(item, iface, &imp.module.text, diags) {
                        continue;
                    }
                    let n = &item.name.text;
                    if let Some(s) = iface.values.get(n) {
                        values.insert(n.clone(), s.clone());
                        if let Some(f) = iface.fixities.get(n) {
                            fixities.insert(n.clone(), *f);
                        }
                    } else if let Some((e, cons)) = iface.types.get(n) {
                        scope.types.insert(n.clone(), *e);
                        let wanted: Vec<String> = match &item.subordinates {
                            Some(Subordinates::All) => cons.clone(),
                            Some(Subordinates::Some(cs)) => cs.iter().map(|c| c.text.clone()).collect(),
                            None => Vec::new(),
                        };
                        for c in wanted {
                            if let Some(id) = iface.cons.get(&c) {
                                scope.cons.insert(c, *id);
                            }
                        }
                    }
                }
            }
        }
    }
    let mut elsewhere = HashMap::new();
    for (m, iface) in &lib.modules {
        for n in iface.values.keys().chain(iface.cons.keys()) {
            if !is_internal(n) && !values.contains_key(n) && !scope.cons.contains_key(n) {
                elsewhere.entry(n.clone()).or_insert_with(|| m.clone());
            }
        }
    }
    Imports { values: values.into_iter().collect(), fixities, elsewhere }
}

/// The library-internal names of an interface (hidden from programs).
fn internal_names(iface: &Interface) -> HashSet<String> {
    iface.values.keys().chain(iface.types.keys()).chain(iface.cons.keys()).filter(|n| is_internal(n)).cloned().collect()
}

/// Whether `item` names something `iface` exports (reporting it if not).
fn check_item(item: &ImportItem, iface: &Interface, module: &str, diags: &mut Vec<Diagnostic>) -> bool {
    let n = &item.name.text;
    if is_internal(n) {
        diags.push(Diagnostic::error(
            format!("module `{module}` does not export `{n}`"),
            item.name.span,
            "not exported",
        ));
        return false;
    }
    if iface.values.contains_key(n) {
        if item.subordinates.is_some() {
            diags.push(Diagnostic::error(
                format!("`{n}` is not a type"),
                item.span,
                "only a type can list constructors",
            ));
            return false;
        }
        return true;
    }
    if let Some((_, cons)) = iface.types.get(n) {
        if let Some(Subordinates::Some(cs)) = &item.subordinates {
            for c in cs {
                if !cons.contains(&c.text) {
                    diags.push(Diagnostic::error(
                        format!("`{}` is not a constructor of `{n}`", c.text),
                        c.span,
                        format!(
                            "`{n}` has {}",
                            if cons.is_empty() { "no constructors".to_string() } else { cons.join(", ") }
                        ),
                    ));
                }
            }
        }
        return true;
    }
    let mut d = Diagnostic::error(format!("module `{module}` does not export `{n}`"), item.name.span, "not exported");
    let candidates = iface.values.keys().chain(iface.types.keys()).map(String::as_str);
    if let Some((ty, _)) = iface.types.iter().find(|(_, (_, cons))| cons.contains(n)) {
        d = d.with_help(format!("a constructor is imported with its type: `{ty}({n})` or `{ty}(..)`"));
    } else if let Some(s) = did_you_mean(n, candidates) {
        d = d.with_help(format!("did you mean `{s}`?"));
    }
    diags.push(d);
    false
}
