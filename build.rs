//! Hashes the sources that decide what the library crate compiles to (the
//! library modules, the front end that lowers them, Core, closure
//! conversion, the back end, the runtime's header), so that `lull` keys
//! its cache of the compiled library by their content
//! (src/library_crate.rs): `LULL_SOURCE_HASH`, 16 hex digits.

use std::path::{Path, PathBuf};

/// The directories hashed, below the package root.
const DIRS: &[&str] = &["frontend/lib", "frontend/src", "middle/src", "llvm-backend/src", "rt/include"];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in DIRS {
        let dir = root.join(dir);
        println!("cargo:rerun-if-changed={}", dir.display());
        collect(&dir, &mut files);
    }
    files.sort();
    // FNV-1a, 64 bits: stable across Rust versions, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for f in &files {
        eat(f.strip_prefix(&root).unwrap_or(f).to_string_lossy().as_bytes());
        eat(&[0]);
        eat(&std::fs::read(f).unwrap_or_default());
        eat(&[0]);
    }
    println!("cargo:rustc-env=LULL_SOURCE_HASH={h:016x}");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}
