//! The library crate: the Prelude and the library modules
//! (`frontend/lib/`) lowered on their own, compiled once per `lull`
//! binary into one object, and cached, so that a program compiles only
//! its own code and links the library's object (Note [Crate imports] in
//! `rt/include/lull_rt.h`).
//!
//! The cache is the directory `$LULL_CACHE_DIR`, else `$XDG_CACHE_HOME/lull`,
//! else `$HOME/.cache/lull`; the object is `lib-KEY.o`. KEY is the content
//! hash of the sources that decide the object (the library modules, the
//! front end, Core, the back end, the runtime's header: `build.rs` hashes
//! them when `lull` is built), mixed with `LULL_LLVM_PASSES` when set,
//! which changes the code. The object is written to a temporary file and renamed into place,
//! and a lock file keeps parallel runs from compiling it twice. Without a
//! cache directory that can be written, the library is compiled for each
//! build (about as slow as `--whole`).

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::Write as _;
use std::path::PathBuf;

use lull_frontend::{diagnostic, lull};
use lull_middle::closure_conv::closure_convert;

use crate::commands::Failure;
use crate::input;

/// The name programs import the library crate by (`Import::krate`).
pub const KRATE: &str = "lib";

/// The compiled library crate.
pub struct LibraryCrate {
    /// Its entry symbol (`lull_entry_lib_KEY`).
    pub entry_symbol: String,
    /// Its object (`lull_llvm::library_object`).
    pub object: Vec<u8>,
}

impl LibraryCrate {
    /// The dependency a program compiled against this crate declares.
    pub fn dep(&self) -> lull_llvm::Dep<'_> {
        lull_llvm::Dep { name: KRATE.to_string(), entry_symbol: self.entry_symbol.clone(), object: &self.object }
    }
}

/// The library crate of this `lull`: from the cache, or compiled (and
/// cached).
pub fn get() -> Result<LibraryCrate, Failure> {
    let key = key();
    let entry_symbol = format!("lull_entry_lib_{key:016x}");
    let Some(dir) = cache_dir() else {
        return Ok(LibraryCrate { object: compile(&entry_symbol)?, entry_symbol });
    };
    let path = dir.join(format!("lib-{key:016x}.o"));
    if let Ok(object) = std::fs::read(&path) {
        return Ok(LibraryCrate { entry_symbol, object });
    }
    if std::fs::create_dir_all(&dir).is_err() {
        return Ok(LibraryCrate { object: compile(&entry_symbol)?, entry_symbol });
    }
    // One compiler at a time: the others wait, then read its object.
    let lock = File::create(dir.join("lib.lock")).ok().filter(|f| f.lock().is_ok());
    if let Ok(object) = std::fs::read(&path) {
        return Ok(LibraryCrate { entry_symbol, object });
    }
    let object = compile(&entry_symbol)?;
    // A cache that cannot be written is only slower.
    if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(&dir) {
        if tmp.write_all(&object).is_ok() {
            let _ = tmp.persist(&path);
        }
    }
    drop(lock);
    Ok(LibraryCrate { entry_symbol, object })
}

/// Lowers, verifies and compiles the library into one object whose entry
/// is `entry_symbol` and which offers every library definition by its
/// symbol.
fn compile(entry_symbol: &str) -> Result<Vec<u8>, Failure> {
    let lib = input::library()?;
    let lowered = lull::lower::lower_library(lib).map_err(|diags| {
        Failure::input(format!("the library does not lower:\n{}", diagnostic::render(&diags, "<library>", "")))
    })?;
    input::verified(&lowered.module, "<library>")?;
    let flat = closure_convert(&lowered.module).map_err(|e| Failure::input(format!("<library>: {e}")))?;
    let program = lull_llvm::Program {
        modules: vec![&flat],
        entries: vec![],
        exports: vec![],
        linkage: lull_llvm::Linkage {
            entry_symbol: Some(entry_symbol.to_string()),
            deps: vec![],
            symbols: lowered.symbols.into_iter().map(|(name, g)| (name, (0, g))).collect(),
        },
    };
    let objects = lull_llvm::compile_objects(&program).map_err(|e| Failure::input(format!("the library: {e}")))?;
    lull_llvm::library_object(&objects, entry_symbol).map_err(|e| Failure::input(format!("the library: {e}")))
}

/// The cache key: what the library's object depends on. The content
/// hash of the sources that decide it (`build.rs`) and the LLVM pipeline
/// a user may set; with the default pipeline, the key is the source
/// hash itself.
fn key() -> u64 {
    let source = u64::from_str_radix(env!("LULL_SOURCE_HASH"), 16).unwrap_or(0);
    match std::env::var("LULL_LLVM_PASSES") {
        Ok(passes) => {
            let mut h = std::hash::DefaultHasher::new();
            passes.hash(&mut h);
            source ^ h.finish()
        }
        Err(_) => source,
    }
}

/// Where compiled library objects are kept (see the module documentation).
fn cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("LULL_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("lull")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("lull")))
}
