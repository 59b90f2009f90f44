//! The embedding examples (`examples/embed-c`, `examples/embed-rust`):
//! build the crate `examples/Words.lull` with `lull build --crate`, run
//! each host on it and compare its standard output with the example's
//! `expected.stdout`. The C host runs twice: linked with the static and
//! with the shared runtime library.

use std::path::Path;
use std::process::Command;

use crate::error::{Error, IoContext, Result};
use crate::project::{command_line, run_step, step, Project};
use crate::rt;

/// The text every host gets (its expected outputs depend on it).
const TEXT: &str = "The cat and the hat, and the bat.";

pub fn run(project: &Project, cc: &str) -> Result<()> {
    let lull = project.build_lull()?;
    let (archive, _shared) = rt::build_libs(project, cc)?;
    let out = project.target_dir.join("examples");
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let krate = out.join("libWords.so");
    run_step(
        "examples: build the crate",
        Command::new(&lull)
            .arg("build")
            .arg("--crate")
            .arg(project.root.join("examples/Words.lull"))
            .arg("-o")
            .arg(&krate),
    )?;

    let c_dir = project.root.join("examples/embed-c");
    let host_static = out.join("embed-c-static");
    let host_shared = out.join("embed-c-shared");
    let compile = |exe: &Path, lib: &[&str]| -> Result<()> {
        let mut cmd = Command::new(cc);
        cmd.args(["-std=c11", "-Wall", "-Wextra", "-Werror"])
            .arg("-I")
            .arg(project.root.join("rt/include"))
            .arg(c_dir.join("host.c"))
            .arg("-o")
            .arg(exe)
            .args(lib)
            .args(["-lpthread", "-lm", "-ldl"]);
        run_step("examples: compile the C host", &mut cmd)
    };
    compile(&host_static, &[archive.to_str().ok_or_else(|| Error::new("non-UTF-8 target path"))?])?;
    let libs = rt::libs_dir(project);
    let libs = libs.to_str().ok_or_else(|| Error::new("non-UTF-8 target path"))?;
    compile(&host_shared, &[&format!("-L{libs}"), "-llull_rt", &format!("-Wl,-rpath,{libs}")])?;
    let expected_c = c_dir.join("expected.stdout");
    check(&mut Command::new(&host_static), &krate, &expected_c)?;
    check(&mut Command::new(&host_shared), &krate, &expected_c)?;

    let mut cargo = project.cargo();
    cargo.args(["build", "--package", "embed-rust"]);
    run_step("examples: build the Rust host", &mut cargo)?;
    let rust_host = project.target_dir.join("debug").join("embed-rust");
    check(&mut Command::new(rust_host), &krate, &project.root.join("examples/embed-rust/expected.stdout"))?;
    step("examples: both hosts print what they should");
    Ok(())
}

/// Runs `host CRATE TEXT` and compares its standard output with `expected`.
fn check(host: &mut Command, krate: &Path, expected: &Path) -> Result<()> {
    host.arg(krate).arg(TEXT);
    step(format!("examples: {}", command_line(host)));
    let output = host.output().with_context(|| format!("cannot run {}", command_line(host)))?;
    let want = std::fs::read_to_string(expected).with_context(|| format!("reading {}", expected.display()))?;
    let got = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || got != want {
        return Err(Error::new(format!(
            "examples: `{}` ({}) printed\n{got}\nstandard error:\n{}\nbut {} expects\n{want}",
            command_line(host),
            output.status,
            String::from_utf8_lossy(&output.stderr),
            expected.display()
        )));
    }
    Ok(())
}
