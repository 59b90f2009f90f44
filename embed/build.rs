//! Compiles the C runtime (`rt/src/*.c`) into a static library linked into
//! this crate, so a Rust host needs nothing else at run time but the
//! crates it loads (and libdl, libpthread, libm). The flags are
//! `rt/cflags.rs`'s.

use std::path::PathBuf;

include!("../rt/cflags.rs");

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let rt = manifest.join("..").join("rt");
    println!("cargo:rerun-if-changed={}", rt.join("src").display());
    println!("cargo:rerun-if-changed={}", rt.join("include").display());
    println!("cargo:rerun-if-changed={}", rt.join("cflags.rs").display());
    let mut sources: Vec<PathBuf> = std::fs::read_dir(rt.join("src"))
        .expect("rt/src")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .collect();
    sources.sort();
    let mut build = cc::Build::new();
    build.include(rt.join("include")).files(&sources).warnings(false);
    for flag in RT_CFLAGS {
        build.flag(flag);
    }
    build.compile("lull_rt");
    println!("cargo:rustc-link-lib=dylib=dl");
    println!("cargo:rustc-link-lib=dylib=pthread");
    println!("cargo:rustc-link-lib=dylib=m");
}
