//! End-to-end behaviours of the `lull` command that the UI harness cannot
//! express (it compares whole outputs of a finished run).

use std::io::Read;
use std::process::{Command, Stdio};

/// `lull nf big.lc | head -c 10`: when the reader of standard output goes
/// away, both engines stop with the same message and status 1 (never a
/// signal death, which the driver would report as a bug).
#[test]
fn a_closed_output_pipe_is_an_error_not_a_crash() {
    // 2^17: a normal form of about 500 KB, more than a pipe holds.
    let seventeen = format!("λ s z. {}z{}", "s (".repeat(17), ")".repeat(17));
    let program = format!("(λ b e. e b) (λ s z. s (s z)) ({seventeen})");
    for engine in [None, Some("--interp")] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lull"))
            .arg("nf")
            .args(engine)
            .args(["-e", &program])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lull starts");
        let mut first = [0u8; 10];
        child.stdout.take().expect("piped stdout").read_exact(&mut first).expect("the normal form starts");
        // Dropping the read end closes the pipe.
        let out = child.wait_with_output().expect("lull ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{engine:?}: {stderr}");
        assert!(stderr.contains("cannot write the normal form: Broken pipe"), "{engine:?}: {stderr}");
        assert_eq!(&first[..9], "λ a b. a".as_bytes(), "{engine:?}");
    }
}

/// `lull build` writes a standalone executable that prints the normal form
/// (the reference interpreter's text) and takes the runtime's limits.
#[test]
fn build_makes_an_executable_that_prints_the_normal_form() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let exe = dir.path().join("church");
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/church.lc");
    let lull = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_lull")).args(args).output().expect("lull runs");
    let built = lull(&["build", source, "-o", exe.to_str().expect("a UTF-8 path")]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let expected = lull(&["nf", "--interp", source]);
    let run = Command::new(&exe).output().expect("the executable runs");
    assert!(run.status.success());
    assert_eq!(run.stdout, expected.stdout);
    let limited = Command::new(&exe).args(["--max-steps", "10"]).output().expect("the executable runs");
    assert_eq!(limited.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&limited.stderr), "error: step limit of 10 reached (--max-steps)\n");
}

/// The `steps:` line of `--stats`.
fn steps_of(stderr: &[u8]) -> Option<u64> {
    String::from_utf8_lossy(stderr).lines().find_map(|l| l.strip_prefix("steps: ")?.parse().ok())
}

/// `--stats` and `--discard` on both engines: the same node count, the same
/// step count (closure entries: β-reductions and thunk evaluations are
/// counted alike), and a peak memory line.
#[test]
fn stats_and_discard_agree_between_engines() {
    let root = env!("CARGO_MANIFEST_DIR");
    for file in ["examples/church.lc", "tests/ui/nf/shared_definitions.lc", "tests/ui/nf/scott_numerals.lc"] {
        let path = format!("{root}/{file}");
        let run = |engine: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_lull"))
                .args(["nf", "--stats", "--discard"])
                .args(engine)
                .arg(&path)
                .output()
                .expect("lull runs")
        };
        let (native, interp) = (run(&[]), run(&["--interp"]));
        assert!(native.status.success() && interp.status.success(), "{file}");
        assert_eq!(native.stdout, interp.stdout, "{file}: node counts");
        assert!(String::from_utf8_lossy(&native.stdout).ends_with(" nodes\n"), "{file}");
        let (n, i) = (steps_of(&native.stderr), steps_of(&interp.stderr));
        assert!(n.is_some() && n == i, "{file}: steps {n:?} (native) vs {i:?} (interp)");
        for out in [&native.stderr, &interp.stderr] {
            let text = String::from_utf8_lossy(out);
            assert!(text.lines().any(|l| l.starts_with("peak memory: ") && l.ends_with(" bytes")), "{file}: {text}");
        }
    }
}

/// `LULL_KEEP=DIR` keeps the linked program, and `LULL_TIMING=1` reports
/// the compile, link and run times.
#[test]
fn the_native_engine_can_keep_its_program_and_report_timings() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = Command::new(env!("CARGO_BIN_EXE_lull"))
        .args(["nf", "-e", "(λ x y. x) (λ x. x)"])
        .env("LULL_KEEP", dir.path())
        .env("LULL_TIMING", "1")
        .output()
        .expect("lull runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "λ a b. b\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("timing: compile ") && stderr.contains(" ms, link "), "{stderr}");
    let kept = dir.path().join("program");
    let again = Command::new(&kept).arg("nf").output().expect("the kept program runs");
    assert_eq!(String::from_utf8_lossy(&again.stdout), "λ a b. b\n");
}

/// The first Lull build of a `lull` compiles the library crate into
/// `$LULL_CACHE_DIR` (one object); the next builds link that object; a
/// `--whole` build compiles the library in and prunes it, so its
/// executable is smaller; both print the same.
#[test]
fn the_library_crate_is_compiled_once_and_linked() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cache = dir.path().join("cache");
    let src = dir.path().join("p.lull");
    std::fs::write(&src, "main :: IO ()\nmain = print (sum (map (* 2) [1 .. 10 :: Int]), Just 'x')\n").unwrap();
    let build = |flags: &[&str], out: &str| {
        let exe = dir.path().join(out);
        let o = Command::new(env!("CARGO_BIN_EXE_lull"))
            .arg("build")
            .args(flags)
            .arg(&src)
            .arg("-o")
            .arg(&exe)
            .env("LULL_CACHE_DIR", &cache)
            .output()
            .expect("lull runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let run = Command::new(&exe).output().expect("the executable runs");
        assert_eq!(String::from_utf8_lossy(&run.stdout), "(110,Just 'x')\n");
        std::fs::metadata(&exe).unwrap().len()
    };
    let objects = || -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&cache)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        v.retain(|n| n.ends_with(".o"));
        v
    };
    let linked = build(&[], "linked");
    let cached = objects();
    assert_eq!(cached.len(), 1, "{cached:?}");
    assert!(cached[0].starts_with("lib-"), "{cached:?}");
    let modified = std::fs::metadata(cache.join(&cached[0])).unwrap().modified().unwrap();
    build(&[], "again");
    assert_eq!(objects(), cached);
    assert_eq!(std::fs::metadata(cache.join(&cached[0])).unwrap().modified().unwrap(), modified);
    let whole = build(&["--whole"], "whole");
    assert!(whole < linked, "whole {whole} bytes, linked {linked} bytes");
}
