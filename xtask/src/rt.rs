//! Building the C runtime (`rt/`) and running its own tests.
//!
//! Each `rt/tests/*.c` is a test program: it is compiled together with every
//! `rt/src/*.c` into `<target>/rt/<name>` and passes when it exits 0.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, IoContext, Result};
use crate::project::{run_step, step, Project};

include!("../../rt/cflags.rs");

/// The flags every runtime file is compiled with here: the runtime's, and
/// warnings are errors.
fn cflags() -> Vec<&'static str> {
    RT_CFLAGS.iter().copied().chain(["-Werror"]).collect()
}

/// The libraries the runtime needs, after the sources on the link line.
pub const LIBS: &[&str] = RT_LIBS;

/// Builds and runs every runtime test program with the C compiler `cc`.
pub fn test(project: &Project, cc: &str) -> Result<()> {
    let rt = project.root.join("rt");
    let out_dir = project.target_dir.join("rt");
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let sources = c_files(&rt.join("src"))?;
    let tests = c_files(&rt.join("tests"))?;
    if tests.is_empty() {
        return Err(Error::new("rt: no test programs in rt/tests/"));
    }
    for test in &tests {
        let name = test.file_stem().ok_or_else(|| Error::new(format!("rt: bad test file name {}", test.display())))?;
        let exe = out_dir.join(name);
        let mut compile = Command::new(cc);
        compile
            .current_dir(&project.root)
            .args(cflags())
            .arg("-Irt/include")
            .args(sources.iter().map(|s| relative(project, s)))
            .arg(relative(project, test))
            .arg("-o")
            .arg(&exe)
            .args(LIBS);
        run_step("rt: compile", &mut compile)?;
        run_step("rt: run", Command::new(&exe).current_dir(&project.root))?;
    }
    step(format!("rt: {} test program(s) passed", tests.len()));
    Ok(())
}

/// The `.c` files directly in `dir`, sorted.
fn c_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.with_context(|| format!("reading {}", dir.display()))?.path();
        if path.extension().is_some_and(|e| e == "c") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn relative(project: &Project, path: &Path) -> PathBuf {
    path.strip_prefix(&project.root).unwrap_or(path).to_path_buf()
}

/// Where [`build_libs`] puts the runtime libraries.
pub fn libs_dir(project: &Project) -> PathBuf {
    project.target_dir.join("lull-rt")
}

/// Builds `liblull_rt.a` and `liblull_rt.so` from `rt/src` into
/// [`libs_dir`], for hosts that embed Lull crates (`rt/include/lull_embed.h`)
/// and for `lull build --shared-rt` users who want their own copy. The
/// objects are position-independent, so both libraries share them.
pub fn build_libs(project: &Project, cc: &str) -> Result<(PathBuf, PathBuf)> {
    let rt = project.root.join("rt");
    let dir = libs_dir(project);
    let objects_dir = dir.join("obj");
    std::fs::create_dir_all(&objects_dir).with_context(|| format!("creating {}", objects_dir.display()))?;
    let mut objects = Vec::new();
    for source in c_files(&rt.join("src"))? {
        let stem = source.file_stem().ok_or_else(|| Error::new(format!("rt: bad file name {}", source.display())))?;
        let object = objects_dir.join(stem).with_extension("o");
        let mut compile = Command::new(cc);
        compile
            .current_dir(&project.root)
            .args(cflags())
            .arg("-fPIC")
            .arg("-Irt/include")
            .arg("-c")
            .arg(relative(project, &source))
            .arg("-o")
            .arg(&object);
        run_step("rt: compile", &mut compile)?;
        objects.push(object);
    }
    let archive = dir.join("liblull_rt.a");
    let _ = std::fs::remove_file(&archive);
    run_step("rt: archive", Command::new("ar").arg("rcs").arg(&archive).args(&objects))?;
    let shared = dir.join("liblull_rt.so");
    run_step(
        "rt: link",
        Command::new(cc).args(["-shared", "-Wl,-soname,liblull_rt.so", "-o"]).arg(&shared).args(&objects).args(LIBS),
    )?;
    step(format!("rt: built {} and {}", archive.display(), shared.display()));
    Ok((archive, shared))
}
