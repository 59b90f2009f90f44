//! IO programs natively: `build_native_io` executables (every argument is
//! the program's), the runtime's `io` mode (`-- ARGS`, `--prog-name`),
//! handles, files, `exit`, error messages `PROG: MESSAGE`, and `fshowchar`
//! against the Rust formatting of the reference interpreter on many doubles.

use std::path::Path;
use std::process::{Command, Output as ProcOutput, Stdio};

use lull_llvm::run::rt_variant_from_env;
use lull_llvm::{build_native_io, compile_objects, link_executable, Mode, Program, RunArgs};
use lull_middle::closure_conv::closure_convert;
use lull_middle::core::numeric::show_double;
use lull_middle::core::parse::parse_module;
use lull_middle::core::verify::verify_module;

const HANDLES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../middle/tests/io/handles.core"));
const ERROR: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../middle/tests/io/error.core"));

/// Build `src` (a Core module whose `main` is an IO program) into `out`.
fn build(src: &str, out: &Path) {
    let m = parse_module(src).expect("parse");
    verify_module(&m).expect("verify");
    let main = m.find_def("main").expect("main");
    let fl = closure_convert(&m).expect("closure conversion");
    let program =
        Program { modules: vec![&fl], entries: vec![(0, main)], exports: vec![], linkage: Default::default() };
    build_native_io(&program, out).expect("build");
}

fn run(exe: &Path, args: &[&str]) -> ProcOutput {
    Command::new(exe).args(args).stdin(Stdio::null()).output().expect("run")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn built_io_program_takes_its_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("myprog");
    build(HANDLES, &exe);
    let file = dir.path().join("data.txt");
    let out = run(&exe, &["ärg", file.to_str().unwrap()]);
    assert_eq!(text(&out.stderr), "to stderr\n");
    assert_eq!(text(&out.stdout), "2\nmyprog\närg\nhéllo\nmore\n0.3333333333333333\n");
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "héllo\nmore\n");
    // Runtime options are the program's arguments too.
    let out = run(&exe, &["--max-steps", file.to_str().unwrap()]);
    assert_eq!(text(&out.stdout), "2\nmyprog\n--max-steps\nhéllo\nmore\n0.3333333333333333\n");
}

#[test]
fn io_mode_with_runtime_options() {
    let dir = tempfile::tempdir().unwrap();
    let m = parse_module(HANDLES).unwrap();
    let main = m.find_def("main").unwrap();
    let fl = closure_convert(&m).unwrap();
    let program =
        Program { modules: vec![&fl], entries: vec![(0, main)], exports: vec![], linkage: Default::default() };
    let objects = compile_objects(&program).unwrap();
    let exe = link_executable(&objects, dir.path(), rt_variant_from_env().unwrap()).unwrap();
    let file = dir.path().join("data.txt");
    let mut args = RunArgs::io(vec!["x y".into(), file.to_str().unwrap().into()], Some("given".into()));
    args.max_steps = Some(1_000_000);
    assert_eq!(args.mode, Mode::Io);
    let out = Command::new(&exe).args(args.to_args()).stdin(Stdio::null()).output().unwrap();
    assert_eq!(text(&out.stdout), "2\ngiven\nx y\nhéllo\nmore\n0.3333333333333333\n");
    assert_eq!(out.status.code(), Some(3));
    // Without --prog-name: the executable's basename.
    let out = Command::new(&exe).args(["io", "--", "a", file.to_str().unwrap()]).output().unwrap();
    assert_eq!(text(&out.stdout), "2\nprogram\na\nhéllo\nmore\n0.3333333333333333\n");
    // A step limit: exit 2, `error: ...`.
    let out = Command::new(&exe).args(["io", "--max-steps", "3", "--", "a", "b"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error: step limit"), "{}", text(&out.stderr));
}

#[test]
fn io_errors_name_the_program() {
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("myprog");
    build(ERROR, &exe);
    let out = run(&exe, &[]);
    assert_eq!(text(&out.stdout), "A");
    assert_eq!(text(&out.stderr), "myprog: boom\n");
    assert_eq!(out.status.code(), Some(1));
    let exe2 = dir.path().join("opener");
    build("def main = \\w. strict t = pathchar(w, 120) in strict (t2, h: i64) = hopen(t, 0) in t2", &exe2);
    let out = Command::new(&exe2).current_dir(dir.path()).output().unwrap();
    assert_eq!(text(&out.stderr), "opener: x: openFile: does not exist (No such file or directory)\n");
    assert_eq!(out.status.code(), Some(1));
    let out = Command::new(&exe2).current_dir("/").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

/// Doubles that exercise the shortest-digits search: random bit patterns,
/// short decimals, powers of two (asymmetric rounding intervals) and ten,
/// subnormals, the range limits.
fn doubles() -> Vec<f64> {
    let mut xs = vec![0.0, -0.0, f64::MIN_POSITIVE, f64::MAX, f64::MIN, 5e-324, 1e-323, 0.1, 1e7, 9999999.0, 1e-1];
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    for _ in 0..1500 {
        let x = f64::from_bits(next());
        if x.is_finite() {
            xs.push(x);
        }
    }
    for _ in 0..600 {
        let k = (next() % 2_000_000) as f64 - 1_000_000.0;
        let d = (next() % 12) as i32;
        xs.push(k / 10f64.powi(d));
        xs.push(k * 10f64.powi(d + 3));
    }
    for e in -1074..=1023 {
        xs.push(2f64.powi(e));
    }
    for e in -323..=308 {
        xs.push(format!("1e{e}").parse().unwrap());
        xs.push(format!("9.999999999999999e{e}").parse::<f64>().unwrap());
    }
    xs.retain(|x| x.is_finite());
    xs
}

#[test]
fn fshowchar_agrees_with_the_interpreter() {
    let xs = doubles();
    let mut src = String::from(
        "data List { Nil, Cons(value, value) }\ndata IntBox { I(i64) }\ndata FBox { F(f64) }\n\
         def show = \\t fx bi. case fx as a { F(x: f64) -> case bi as ib { I(i: i64) ->\n\
           case fshowchar(x, i) as c: i64 { -1 -> hputchar(t, 1, 10),\n\
             _ -> strict t2 = hputchar(t, 1, c) in @show t2 fx I(iadd(i, 1)) } } }\n\
         def each = \\t l. case l as b { Nil -> t, Cons(x, r) -> strict t2 = @show t x I(0) in @each t2 r }\n",
    );
    let chunks: Vec<&[f64]> = xs.chunks(100).collect();
    for (i, c) in chunks.iter().enumerate() {
        let mut list = String::from("Nil");
        for x in c.iter().rev() {
            list = format!("Cons(F({x:?}), {list})");
        }
        src.push_str(&format!("def l{i} = {list}\n"));
    }
    src.push_str("def main = \\w.\n");
    for i in 0..chunks.len() {
        src.push_str(&format!(
            "  strict t{} = @each {} @l{i} in\n",
            i + 1,
            if i == 0 { "w".to_string() } else { format!("t{i}") }
        ));
    }
    src.push_str(&format!("  t{}\n", chunks.len()));
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("shows");
    build(&src, &exe);
    let out = run(&exe, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got = text(&out.stdout);
    let mut bad = Vec::new();
    for (x, line) in xs.iter().zip(got.lines()) {
        let want = show_double(*x);
        if line != want {
            bad.push(format!("{x:?} ({:#x}): native {line}, interpreter {want}", x.to_bits()));
        }
    }
    assert_eq!(got.lines().count(), xs.len());
    assert!(bad.is_empty(), "{} of {} differ:\n{}", bad.len(), xs.len(), bad.join("\n"));
}
