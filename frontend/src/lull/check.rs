//! The checking pipeline of a Lull program: parse, resolve fixities (the
//! imported libraries' and the module's own), process the imports and the
//! type declarations, resolve names, and infer types
//! ([`check`]); and what a well-typed program gives later stages
//! ([`Checked`]).
//!
//! Every stage reports all the errors it finds; a stage runs only when
//! the stages before it found none, so that one mistake does not cascade
//! (an unbound name is not also a type error).

use std::collections::{BTreeMap, HashSet};

use super::ast::{Assoc, Decl, Module};
use super::env::{declare_types, sig_scheme, Converter, Globals, Scope, SigMode};
use super::fixity::{self, Fixities};
use super::infer::{Infer, Tables, TopBinding};
use super::library::{self, Library};
use super::resolve::{resolve, Imported};
use super::types::{Printer, Ty};
use crate::diagnostic::{truncate, Diagnostic};
use crate::span::Span;

/// A well-typed program.
#[derive(Debug)]
pub struct Checked {
    /// The syntax tree, fixities resolved (no `OpSeq` left).
    pub module: Module,
    /// The types of variable occurrences, binders, literals, negations and
    /// ranges, by span (see [`Tables`]).
    pub tables: Tables,
    /// Every type and data constructor (built-in, library, program).
    pub globals: Globals,
    /// The type names and constructors in scope at the top level.
    pub scope: Scope,
    /// The top-level bindings in source order.
    pub top: Vec<TopBinding>,
}

impl Checked {
    /// Each top-level binding's name and type, in source order, printed as
    /// Haskell does: a binding with a signature shows its signature (its
    /// context dropped, type synonyms such as `String` as written), one
    /// without shows its inferred type (synonyms expanded, so `[Char]`).
    /// Type variables are named `a`, `b`, ... in order of first appearance.
    pub fn top_level_types(&self) -> Vec<(String, String)> {
        self.top
            .iter()
            .map(|b| {
                let t = match &b.written {
                    Some(w) => w.clone(),
                    None => Printer::new(&self.globals.tycons, &[]).print(&b.scheme.ty),
                };
                (b.name.clone(), t)
            })
            .collect()
    }

    /// A type written in Haskell syntax (in the scope of the program, so
    /// with its type synonyms), with synonyms expanded and variables
    /// renamed `a`, `b`, ... in order of first appearance: two types are
    /// the same up to renaming and synonyms exactly when their canonical
    /// forms are equal. Class contexts are dropped.
    pub fn canonical_type(&self, text: &str) -> Result<String, Vec<Diagnostic>> {
        let src = format!("x :: {text}\n");
        let m = super::parse_module(&src)?;
        let Some(Decl::Sig(sig)) = m.decls.first() else {
            return Err(vec![Diagnostic::error("not a type", Span::point(0), "here")]);
        };
        let mut diags = Vec::new();
        let conv = Converter { globals: &self.globals, scope: &self.scope };
        let scheme = sig_scheme(&conv, &[], &sig.ty, SigMode::User, &mut diags);
        if !diags.is_empty() {
            return Err(diags);
        }
        Ok(Printer::new(&self.globals.tycons, &[]).print(&scheme.ty))
    }

    /// The canonical form (see [`Checked::canonical_type`]) of the type of
    /// the top-level binding `name`.
    pub fn canonical_type_of(&self, name: &str) -> Option<String> {
        let b = self.top.iter().find(|b| b.name == name)?;
        Some(Printer::new(&self.globals.tycons, &[]).print(&b.scheme.ty))
    }

    /// The zonked type recorded for the name or literal at `span`.
    pub fn type_at(&self, span: Span) -> Option<&Ty> {
        self.tables.var_types.get(&span).or_else(|| self.tables.lit_types.get(&span))
    }
}

/// Checks a Lull program: `Ok` when it is well-typed and has a `main` of
/// type `IO t`, with everything later stages need; otherwise every error
/// found, at most [`crate::diagnostic::MAX_REPORTED`].
pub fn check(source: &str) -> Result<Checked, Vec<Diagnostic>> {
    let lib = library::library().map_err(|(name, src, diags)| {
        let text = crate::diagnostic::render(diags, &format!("<library {name}>"), src);
        vec![Diagnostic::error(
            format!("internal error: the library module `{name}` does not load"),
            Span::point(0),
            "in the library",
        )
        .with_note(text)]
    })?;
    let mut module = super::parse_module(source)?;
    let finish = |mut d: Vec<Diagnostic>| {
        d.sort_by_key(|d| d.primary.span.start);
        truncate(&mut d);
        d
    };
    check_module(&mut module, lib).map_err(finish).map(|(tables, globals, scope, top)| Checked {
        module,
        tables,
        globals,
        scope,
        top,
    })
}

type Parts = (Tables, Globals, Scope, Vec<TopBinding>);

fn check_module(module: &mut Module, lib: &Library) -> Result<Parts, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut globals = lib.globals.clone();
    let mut scope = Scope::builtin(&globals);
    let imports = library::imports(module, lib, &mut scope, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    diags.extend(resolve_fixities(module, &imports.fixities));
    if !diags.is_empty() {
        return Err(diags);
    }
    declare_types(&module.decls, &mut globals, &mut scope, &mut diags);
    let values: HashSet<String> = imports.values.keys().cloned().collect();
    let cons: HashSet<String> = scope.cons.keys().cloned().collect();
    let res = resolve(module, &Imported { values: &values, cons: &cons, elsewhere: &imports.elsewhere }, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    let bool_ty = Ty::con(lib.bool_tycon);
    let mut inf = Infer::new(&globals, &scope, &imports.values, &res, bool_ty);
    inf.module(module);
    if !inf.diags.is_empty() {
        return Err(inf.diags);
    }
    let (tables, top) = (inf.tables, inf.top);
    Ok((tables, globals, scope, top))
}

/// Resolves the operator sequences of `module` with the imported
/// fixities (and `:`, built in); the module's own fixity declarations are
/// read by `fixity::resolve` itself.
fn resolve_fixities(module: &mut Module, imported: &BTreeMap<String, library::Fixity>) -> Vec<Diagnostic> {
    let mut table = Fixities::new();
    table.insert(":", Assoc::Right, 5);
    for (name, (assoc, prec)) in imported {
        table.insert(name, *assoc, *prec);
    }
    fixity::resolve(module, &table)
}
