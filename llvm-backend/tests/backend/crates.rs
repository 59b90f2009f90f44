//! Crates that import from a library crate (Note [Crate imports] in
//! `rt/include/lull_rt.h`): Core text on both sides, the library made one
//! object by `library_object`, the program linked with it and run.

use std::process::Command;

use lull_llvm::{compile_objects, library_object, Dep, Linkage, Program, RtVariant};
use lull_middle::closure_conv::closure_convert;
use lull_middle::core::parse::parse_module;
use lull_middle::core::verify::verify_module;
use lull_middle::flat::ir as flat;

const ENTRY: &str = "lull_entry_test_lib";

const LIBRARY: &str = r#"
data List { Nil, Cons(value, value) }
data IBox { I(i64) }

def map = \f xs. case xs as b { Cons(h, t) -> Cons(f h, @map f t), _ -> Nil }
def inc = \x. case x as b { I(n: i64) -> I(iadd(n, 1)), _ -> b }
def upto = \a b. case a as x {
  I(i: i64) -> case b as y {
    I(j: i64) -> case igt(i, j) as c: i64 { 0 -> Cons(x, @upto I(iadd(i, 1)) y), _ -> Nil },
    _ -> Nil,
  },
  _ -> Nil,
}
def sum = \xs. case xs as b {
  Cons(h, t) -> case h as hb { I(n: i64) -> case @sum t as s { I(m: i64) -> I(iadd(n, m)), _ -> s }, _ -> h },
  _ -> I(0),
}
def three = @inc I(2)
"#;

/// The library's object, offering every definition by its name.
fn library() -> Vec<u8> {
    let module = parse_module(LIBRARY).expect("the library parses");
    verify_module(&module).expect("the library verifies");
    let flat = closure_convert(&module).expect("closure conversion");
    let symbols =
        module.defs.iter().enumerate().map(|(i, d)| (d.name.clone(), (0, flat::GlobalId(i as u32)))).collect();
    let program = Program {
        modules: vec![&flat],
        entries: vec![],
        exports: vec![],
        linkage: Linkage { entry_symbol: Some(ENTRY.into()), deps: vec![], symbols },
    };
    library_object(&compile_objects(&program).expect("compile the library"), ENTRY).expect("the library object")
}

/// Builds `program` (Core text) against the library and runs it (`nf`
/// mode) with `env`: (status, stdout, stderr).
fn run(program: &str, lib: &[u8], env: &[(&str, &str)]) -> (i32, String, String) {
    let module = parse_module(program).expect("the program parses");
    verify_module(&module).expect("the program verifies");
    let flat = closure_convert(&module).expect("closure conversion");
    let main = module.find_def("main").expect("main");
    let program = Program {
        modules: vec![&flat],
        entries: vec![(0, main)],
        exports: vec![],
        linkage: Linkage {
            deps: vec![Dep { name: "lib".into(), entry_symbol: ENTRY.into(), object: lib }],
            ..Default::default()
        },
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let exe = dir.path().join("prog");
    lull_llvm::build_executable(&program, &exe, false, RtVariant::Normal).expect("build");
    let out = Command::new(&exe).envs(env.iter().copied()).output().expect("run the program");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const PROGRAM: &str = r#"
data List { Nil, Cons(value, value) }
data IBox { I(i64) }

def map = import "lib" "map"
def inc = import "lib" "inc"
def three = import "lib" "three"
def twice = \f x. f (f x)

def main = Cons(@sum (@map (@twice @inc) (@upto I(1) I(2000))), @map @inc Cons(@three, Cons(I(41), Nil)))
def upto = import "lib" "upto"
def sum = import "lib" "sum"
"#;

#[test]
fn a_program_calls_and_shows_what_the_library_crate_defines() {
    let lib = library();
    // sum of (i + 2) for i in 1..2000; the CAF `three` from the library;
    // the constructors built by the library's code, shown by name.
    let expected = "Cons (I 2005000) (Cons (I 4) (Cons (I 42) Nil))\n";
    assert_eq!(run(PROGRAM, &lib, &[]), (0, expected.to_string(), String::new()));
    // The collector walks frames of both crates and moves what the
    // library's code allocated.
    assert_eq!(run(PROGRAM, &lib, &[("LULL_GC_STRESS", "1")]), (0, expected.to_string(), String::new()));
}

#[test]
fn an_import_the_library_does_not_define_stops_the_program_with_its_name() {
    let lib = library();
    let program = "data IBox { I(i64) }\ndef nope = import \"lib\" \"nope\"\ndef main = @nope I(1)\n";
    let (status, stdout, stderr) = run(program, &lib, &[]);
    assert_eq!((status, stdout.as_str()), (3, ""), "{stderr}");
    assert!(stderr.contains("imports `nope`, which the crate it names does not define"), "{stderr}");
}

#[test]
fn an_import_from_a_crate_that_is_not_linked_is_a_compile_error() {
    let module = parse_module("def f = import \"other\" \"f\"\ndef main = @f\n").expect("parses");
    let flat = closure_convert(&module).expect("closure conversion");
    let program = Program {
        modules: vec![&flat],
        entries: vec![(0, module.find_def("main").expect("main"))],
        exports: vec![],
        linkage: Linkage::default(),
    };
    let err = compile_objects(&program).expect_err("no crate `other`").to_string();
    assert!(err.contains("`f` is imported from the crate `other`, which is not linked"), "{err}");
}

#[test]
fn the_library_object_defines_one_global_symbol_its_entry() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("lib.o");
    std::fs::write(&path, library()).expect("write");
    let out = Command::new("nm").args(["-g", "--defined-only"]).arg(&path).output().expect("run nm");
    assert!(out.status.success());
    let globals: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().last().map(str::to_string))
        .collect();
    assert_eq!(globals, vec![ENTRY.to_string()]);
}
