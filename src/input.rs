//! Reading programs: files or `-e` terms, front ends, and Core text.

use crate::commands::Failure;
use lull_frontend::lull::lower::Link;
use lull_frontend::{diagnostic, lambda, lull};
use lull_middle::core::ir::{GlobalId, Module};
use lull_middle::core::{parse, verify};
use std::path::Path;

/// A program's text and the name diagnostics call it by.
pub struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    /// The file at `path`, named as the user wrote it (so that output has no
    /// absolute paths the user did not type).
    pub fn file(path: &Path) -> Result<Source, Failure> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Failure::input(format!("cannot read `{name}`: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Failure::input(format!("`{name}` is not valid UTF-8 (at byte {})", e.utf8_error().valid_up_to()))
        })?;
        Ok(Source { name, text })
    }

    /// A term given on the command line.
    pub fn expr(text: &str) -> Source {
        Source { name: "<-e>".to_string(), text: text.to_string() }
    }
}

/// A compiled program: Core and the definition to evaluate.
pub struct Program {
    pub module: Module,
    pub entry: GlobalId,
}

/// Parse and lower a λ program, then verify the Core it lowered to.
pub fn lambda_program(src: &Source) -> Result<Program, Failure> {
    let compiled = lambda::compile(&src.text)
        .map_err(|diags| Failure::rendered(diagnostic::render(&diags, &src.name, &src.text)))?;
    verified(&compiled.module, &src.name)?;
    Ok(Program { module: compiled.module, entry: compiled.entry })
}

/// Check a Lull program: parsing, names and types.
pub fn lull_program(src: &Source) -> Result<lull::Checked, Failure> {
    lull::check(&src.text).map_err(|diags| Failure::rendered(diagnostic::render(&diags, &src.name, &src.text)))
}

/// The library modules, loaded (once per process).
pub fn library() -> Result<&'static lull::library::Library, Failure> {
    lull::library::library()
        .map_err(|(name, _, _)| Failure::input(format!("the library module `{name}` does not load")))
}

/// Check a Lull program and lower it, with the library or against the
/// library crate (`link`), to Core (verified).
pub fn lull_core(src: &Source, link: Link<'_>) -> Result<Program, Failure> {
    let checked = lull_program(src)?;
    let lowered = lull::lower::lower_program(&checked, library()?, &src.name, &src.text, link)
        .map_err(|diags| Failure::rendered(diagnostic::render(&diags, &src.name, &src.text)))?;
    verified(&lowered.module, &src.name)?;
    Ok(Program { module: lowered.module, entry: lowered.entry })
}

/// Check a Lull program or module and lower it, with the library (what
/// `lull check` does): a program (no header, or `module Main`) as
/// `lull run` lowers it, another module as `lull build --crate` does.
pub fn lull_checked_lowered(src: &Source) -> Result<(), Failure> {
    let checked = lull_program(src)?;
    let is_program = checked.module.header.as_ref().is_none_or(|h| h.name.text == "Main");
    if is_program {
        return lull_core(src, Link::Whole).map(|_| ());
    }
    lull_crate_lowered(src, checked, Link::Whole).map(|_| ())
}

/// Check a Lull module and lower it, with the library or against the
/// library crate (`link`), to a crate's Core (verified) and the functions
/// it exports.
pub fn lull_crate_core(src: &Source, link: Link<'_>) -> Result<(Module, Vec<lull::lower::CrateExport>), Failure> {
    let lowered = lull_crate_lowered(src, lull_program(src)?, link)?;
    if lowered.exports.is_empty() {
        return Err(Failure::input(format!(
            "{}: the module exports no function a host can call (their types must be built from Int, Double, \
             Bool, Char, String, (), lists and tuples)",
            src.name
        )));
    }
    Ok((lowered.module, lowered.exports))
}

fn lull_crate_lowered(
    src: &Source,
    checked: lull::Checked,
    link: Link<'_>,
) -> Result<lull::lower::LoweredCrate, Failure> {
    let lowered = lull::lower::lower_crate(&checked, library()?, &src.name, &src.text, link)
        .map_err(|diags| Failure::rendered(diagnostic::render(&diags, &src.name, &src.text)))?;
    verified(&lowered.module, &src.name)?;
    Ok(lowered)
}

/// The name a Lull program gives itself (`getProgName`, error messages):
/// the file name without directory and extension, as GHC's executable.
pub fn prog_name(path: &Path) -> String {
    path.file_stem().map_or_else(|| "main".to_string(), |s| s.to_string_lossy().into_owned())
}

/// Whether a path names a Lull program.
pub fn is_lull(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "lull")
}

/// Parse and verify a Core module in the text form; its entry is `main`.
pub fn core_module(src: &Source) -> Result<Module, Failure> {
    let module = parse::parse_module(&src.text)
        .map_err(|e| Failure::input(format!("{}:{}:{}: {}", src.name, e.line, e.col, e.msg)))?;
    verified(&module, &src.name)?;
    Ok(module)
}

/// The `main` definition of a Core module.
pub fn core_entry(module: &Module, name: &str) -> Result<GlobalId, Failure> {
    module.find_def("main").ok_or_else(|| Failure::input(format!("{name}: the module has no `def main`")))
}

pub fn verified(module: &Module, name: &str) -> Result<(), Failure> {
    verify::verify_module(module).map_err(|errors| {
        let mut msg = format!("{name}: the module does not verify:");
        for e in errors {
            msg.push_str(&format!("\n  {e}"));
        }
        Failure::input(msg)
    })
}
