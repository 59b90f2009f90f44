//! Builds the C runtime (`rt/`) into the libraries that the crate embeds as
//! bytes (see `src/link.rs`): the static `liblull_rt.a`, the sanitizer
//! variant `liblull_rt_asan.a`, the shared `liblull_rt.so` (position
//! independent, for `lull build --shared-rt` and embedding hosts), and the
//! executable's start stub `lull_start.o` (`rt/start/start.c`, which holds
//! `main`). They are never linked into the Rust crate.
//!
//! Every `rt/src/*.c` goes in the libraries, compiled with the flags of
//! `rt/cflags.rs`. When the runtime does not compile, the build goes
//! on with a warning: the error text is embedded instead, and linking a
//! native program reports it (so the interpreter stays usable while the
//! runtime is being edited).

use std::path::{Path, PathBuf};

include!("../rt/cflags.rs");

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let rt = manifest.join("..").join("rt");
    // The whole directory: a new file (say rt/start/start.c) is a change too.
    println!("cargo:rerun-if-changed={}", rt.display());
    println!("cargo:rerun-if-env-changed=CC");
    println!("cargo:rerun-if-env-changed=CFLAGS");

    let sources = c_files(&rt.join("src"));
    let mut errors = Vec::new();
    for (name, flags) in [("lull_rt", RT_CFLAGS), ("lull_rt_asan", RT_ASAN_CFLAGS)] {
        // After a failure, the other variant would only repeat the messages.
        let built = if errors.is_empty() { build(&rt, &sources, name, flags, &out_dir) } else { Err("skipped".into()) };
        if let Err(e) = built {
            errors.push(format!("{name}: {e}"));
            // An empty archive keeps include_bytes! happy; linking reports the error.
            std::fs::write(out_dir.join(format!("lib{name}.a")), b"").expect("writing to OUT_DIR");
        }
    }
    let shared = if errors.is_empty() { build_shared(&rt, &sources, &out_dir) } else { Err("skipped".into()) };
    if let Err(e) = shared {
        errors.push(format!("liblull_rt.so: {e}"));
        std::fs::write(out_dir.join("liblull_rt.so"), b"").expect("writing to OUT_DIR");
    }
    let start = if errors.is_empty() { build_start(&rt, &out_dir) } else { Err("skipped".into()) };
    if let Err(e) = start {
        errors.push(format!("lull_start.o: {e}"));
        std::fs::write(out_dir.join("lull_start.o"), b"").expect("writing to OUT_DIR");
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
    c_build(rt, &out_dir.join(name), sources, flags).try_compile(name).map_err(|e| e.to_string())?;
    let built = out_dir.join(name).join(format!("lib{name}.a"));
    std::fs::copy(&built, out_dir.join(format!("lib{name}.a")))
        .map_err(|e| format!("copying {}: {e}", built.display()))?;
    Ok(())
}

/// `liblull_rt.so`: the normal flags, position-independent, linked by the C
/// compiler with the libraries the runtime needs.
fn build_shared(rt: &Path, sources: &[PathBuf], out_dir: &Path) -> Result<(), String> {
    let mut build = c_build(rt, &out_dir.join("lull_rt_pic"), sources, RT_CFLAGS);
    // no_default_flags leaves -fPIC out even with pic(true).
    build.flag("-fPIC");
    let objects = build.try_compile_intermediates().map_err(|e| e.to_string())?;
    let so = out_dir.join("liblull_rt.so");
    let status = build
        .get_compiler()
        .to_command()
        .arg("-shared")
        .arg("-Wl,-soname,liblull_rt.so")
        .arg("-o")
        .arg(&so)
        .args(&objects)
        .args(RT_LIBS)
        .output()
        .map_err(|e| format!("running the C compiler to link liblull_rt.so: {e}"))?;
    if !status.status.success() {
        return Err(format!(
            "linking liblull_rt.so failed ({}): {}",
            status.status,
            String::from_utf8_lossy(&status.stderr).trim_end()
        ));
    }
    Ok(())
}

/// `lull_start.o`: the executable's start stub.
fn build_start(rt: &Path, out_dir: &Path) -> Result<(), String> {
    let build = c_build(rt, &out_dir.join("lull_start"), &[rt.join("start").join("start.c")], RT_CFLAGS);
    let objects = build.try_compile_intermediates().map_err(|e| e.to_string())?;
    let object = objects.first().ok_or("no object for start.c")?;
    std::fs::copy(object, out_dir.join("lull_start.o")).map_err(|e| format!("copying {}: {e}", object.display()))?;
    Ok(())
}

/// A build of `sources` with the runtime's headers and exactly `flags`,
/// into `out_dir`.
fn c_build(rt: &Path, out_dir: &Path, sources: &[PathBuf], flags: &[&str]) -> cc::Build {
    let mut build = cc::Build::new();
    build.cargo_metadata(false).no_default_flags(true).out_dir(out_dir).include(rt.join("include")).files(sources);
    for flag in flags {
        build.flag(flag);
    }
    build
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
