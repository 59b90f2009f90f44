//! Builds the C runtime (`rt/`) into two static libraries that the crate
//! embeds as bytes (see `src/link.rs`): `liblull_rt.a` and the sanitizer
//! variant `liblull_rt_asan.a`. They are never linked into the Rust crate.
//!
//! Every `rt/src/*.c` and `rt/start/*.c` goes in (the start file holds the
//! executable's `main`). The runtime's files define `_GNU_SOURCE`
//! themselves (as `xtask`'s build of the runtime tests passes no such flag),
//! so it is not passed here: a second definition would warn. When the runtime does not compile, the build goes
//! on with a warning: the error text is embedded instead, and linking a
//! native program reports it (so the interpreter stays usable while the
//! runtime is being edited).

use std::path::{Path, PathBuf};

/// The flags of the normal runtime.
const FLAGS: &[&str] = &["-std=c11", "-O2", "-fno-omit-frame-pointer", "-Wall", "-Wextra"];

/// The flags of the sanitizer runtime.
const ASAN_FLAGS: &[&str] =
    &["-std=c11", "-O1", "-g", "-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-Wall", "-Wextra"];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let rt = manifest.join("..").join("rt");
    // The whole directory: a new file (say rt/start/start.c) is a change too.
    println!("cargo:rerun-if-changed={}", rt.display());
    println!("cargo:rerun-if-env-changed=CC");
    println!("cargo:rerun-if-env-changed=CFLAGS");

    let sources: Vec<PathBuf> = ["src", "start"].iter().flat_map(|d| c_files(&rt.join(d))).collect();
    let mut errors = Vec::new();
    for (name, flags) in [("lull_rt", FLAGS), ("lull_rt_asan", ASAN_FLAGS)] {
        // After a failure, the other variant would only repeat the messages.
        let built = if errors.is_empty() { build(&rt, &sources, name, flags, &out_dir) } else { Err("skipped".into()) };
        if let Err(e) = built {
            errors.push(format!("{name}: {e}"));
            // An empty archive keeps include_bytes! happy; linking reports the error.
            std::fs::write(out_dir.join(format!("lib{name}.a")), b"").expect("writing to OUT_DIR");
        }
    }
    for e in &errors {
        for line in e.lines() {
            println!("cargo:warning=the C runtime did not build: {line}");
        }
    }
    std::fs::write(out_dir.join("rt_build_error.txt"), errors.join("\n")).expect("writing to OUT_DIR");
}

fn build(rt: &Path, sources: &[PathBuf], name: &str, flags: &[&str], out_dir: &Path) -> Result<(), String> {
    if sources.is_empty() {
        return Err(format!("no C files in {}/src", rt.display()));
    }
    let mut build = cc::Build::new();
    build
        .cargo_metadata(false)
        .no_default_flags(true)
        .out_dir(out_dir.join(name))
        .include(rt.join("include"))
        .files(sources);
    for flag in flags {
        build.flag(flag);
    }
    build.try_compile(name).map_err(|e| e.to_string())?;
    let built = out_dir.join(name).join(format!("lib{name}.a"));
    std::fs::copy(&built, out_dir.join(format!("lib{name}.a")))
        .map_err(|e| format!("copying {}: {e}", built.display()))?;
    Ok(())
}

/// The `.c` files directly in `dir`, sorted; none when `dir` is missing.
fn c_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "c"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}
