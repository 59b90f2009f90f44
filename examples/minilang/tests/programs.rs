//! Runs every `tests/programs/NAME.ml` twice, compiled to a native
//! executable (`minilang build`) and in the reference interpreter
//! (`minilang interp`), and checks each run against the files beside it:
//! `NAME.stdout` (standard output, empty when absent) and `NAME.stderr`.
//! A program with a `NAME.stderr` is an error case: a compile-time error
//! (`minilang build` itself fails with the message) or a run-time error (the
//! executable and the interpreter fail with it); either way the exit status
//! is 1. Every other program must exit 0 with nothing on standard error.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long one build or run may take before the test kills it and fails.
const TIMEOUT: Duration = Duration::from_secs(60);

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs")
}

/// The names of the programs, sorted.
fn programs() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(programs_dir())
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().to_str()?.strip_suffix(".ml").map(str::to_string))
        .collect();
    names.sort();
    names
}

/// `minilang ARGS` run in the programs' directory (so that error messages
/// name the file as `NAME.ml`).
fn minilang(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_minilang"));
    output(cmd.args(args).current_dir(programs_dir()))
}

/// Run `cmd` with no input; kill it (and panic) when it takes longer than
/// [`TIMEOUT`], so that a miscompiled loop fails the test instead of hanging it.
fn output(cmd: &mut Command) -> Output {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut pipes = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        pipes.1.read_to_end(&mut buf).map(|_| buf)
    });
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        pipes.0.read_to_end(&mut buf).map(|_| buf)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{cmd:?} took longer than {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output { status, stdout: out.join().unwrap().unwrap(), stderr: err.join().unwrap().unwrap() }
}

fn expected(name: &str, ext: &str) -> String {
    fs::read_to_string(programs_dir().join(format!("{name}.{ext}"))).unwrap_or_default()
}

/// Compare a run of `name` with what its files expect; a description of the
/// difference, if any.
fn check(name: &str, how: &str, out: &Output) -> Option<String> {
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let want_status = if programs_dir().join(format!("{name}.stderr")).exists() { 1 } else { 0 };
    let (want_out, want_err) = (expected(name, "stdout"), expected(name, "stderr"));
    (stdout != want_out || stderr != want_err || out.status.code() != Some(want_status)).then(|| {
        format!(
            "{name} ({how}): exit status {:?}, expected {want_status}\n--- stdout:\n{stdout}--- expected:\n{want_out}\
             --- stderr:\n{stderr}--- expected:\n{want_err}",
            out.status.code()
        )
    })
}

fn report(failures: Vec<String>) {
    assert!(failures.is_empty(), "{} failure(s):\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn there_are_enough_programs() {
    let names = programs();
    let errors = names.iter().filter(|n| programs_dir().join(format!("{n}.stderr")).exists()).count();
    assert!(names.len() - errors >= 20, "{names:?}");
    assert!(errors >= 2, "{names:?}");
    for name in &names {
        let has = |ext: &str| programs_dir().join(format!("{name}.{ext}")).exists();
        assert!(has("stdout") || has("stderr"), "{name}.ml has no expected output");
    }
}

#[test]
fn native_executables() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for name in programs() {
        // The executable is called NAME: run-time errors are `NAME: MESSAGE`.
        let exe = dir.path().join(&name);
        let built = minilang(&["build", &format!("{name}.ml"), "-o", exe.to_str().unwrap()]);
        let out = if built.status.success() {
            assert!(built.stdout.is_empty() && built.stderr.is_empty(), "{name}: build printed something");
            output(&mut Command::new(&exe))
        } else {
            assert!(!exe.exists(), "{name}: a failed build left an executable");
            built
        };
        failures.extend(check(&name, "native", &out));
    }
    report(failures);
}

#[test]
fn reference_interpreter() {
    let mut failures = Vec::new();
    for name in programs() {
        failures.extend(check(&name, "interp", &minilang(&["interp", &format!("{name}.ml")])));
    }
    report(failures);
}

#[test]
fn run_compiles_and_runs() {
    for name in ["factorial", "division_by_zero", "unbound_variable"] {
        report(check(name, "run", &minilang(&["run", &format!("{name}.ml")])).into_iter().collect());
    }
}

#[test]
fn core_prints_the_module() {
    let out = minilang(&["core", "factorial.ml"]);
    let core = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(core.contains("def main = \\token.") && core.contains("letrec fact"), "{core}");
    // What `core` prints is Core's text form: it parses and verifies again.
    let module = lull_middle::core::parse::parse_module(&core).expect("the printed Core parses");
    lull_middle::core::verify::verify_module(&module).expect("the printed Core verifies");
}

#[test]
fn usage_and_missing_files() {
    let out = minilang(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("usage: minilang"));
    let out = minilang(&["run", "no_such_file.ml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("cannot read no_such_file.ml"));
}
