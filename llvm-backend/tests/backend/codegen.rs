//! Code generation: every λ program and Core filetest compiles to a
//! verified module (the statepoint rewrite included).

use lull_llvm::{compile, Output, Program};
use lull_middle::closure_conv::closure_convert;

fn compile_lambda(src: &str, output: Output) -> Vec<u8> {
    let c = lull_frontend::lambda::compile(src).unwrap_or_else(|d| panic!("{src}: {d:?}"));
    let flat = closure_convert(&c.module).expect("closure conversion");
    let p = Program { modules: vec![&flat], entries: vec![(0, c.entry)], exports: vec![], linkage: Default::default() };
    compile(&p, output).unwrap_or_else(|e| panic!("{src}: {e}"))
}

#[test]
fn lambda_terms_compile() {
    for src in ["(λ x y. x) (λ x. x)", "λ f x. f (f x)", "(λ x. x x) (λ y. y)"] {
        let obj = compile_lambda(src, Output::Object);
        assert!(obj.starts_with(b"\x7fELF"), "{src}");
    }
}

#[test]
#[ignore]
fn dump() {
    let src = std::env::var("LULL_SRC").unwrap_or_else(|_| "(λ x y. x) (λ x. x)".into());
    let go = |o| {
        if let Some(path) = src.strip_suffix(".core").map(|_| &src) {
            let text = std::fs::read_to_string(path).unwrap();
            let text = if text.starts_with("test ") { text.replacen("test ", "; test ", 1) } else { text };
            let module = lull_middle::core::parse::parse_module(&text).unwrap();
            let flat = closure_convert(&module).unwrap();
            let p = Program {
                modules: vec![&flat],
                entries: vec![(0, module.find_def("main").unwrap())],
                exports: vec![],
                linkage: Default::default(),
            };
            compile(&p, o).unwrap()
        } else {
            compile_lambda(&src, o)
        }
    };
    std::fs::write("/tmp/cg/raw.ll", go(Output::LlvmIrRaw)).unwrap();
    std::fs::write("/tmp/cg/opt.ll", go(Output::LlvmIr)).unwrap();
    std::fs::write("/tmp/cg/out.s", go(Output::Asm)).unwrap();
    std::fs::write("/tmp/cg/out.o", go(Output::Object)).unwrap();
}

/// Every Core program of the UI suite and of the `test run` filetests.
fn core_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["tests/ui/core", "middle/tests/filetests/run"] {
        for e in std::fs::read_dir(root.join(dir)).expect("core test directory") {
            let p = e.expect("directory entry").path();
            if p.extension().is_some_and(|x| x == "core") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn core_programs_compile() {
    let mut n = 0;
    for path in core_files() {
        let text = std::fs::read_to_string(&path).expect("read");
        // A filetest's first line names the test (`test run`).
        let text = if text.starts_with("test ") { text.replacen("test ", "; test ", 1) } else { text };
        let Ok(module) = lull_middle::core::parse::parse_module(&text) else { continue };
        if lull_middle::core::verify::verify_module(&module).is_err() {
            continue;
        }
        let Some(entry) = module.find_def("main") else { continue };
        let flat = closure_convert(&module).expect("closure conversion");
        let p =
            Program { modules: vec![&flat], entries: vec![(0, entry)], exports: vec![], linkage: Default::default() };
        if let Err(e) = compile(&p, Output::Object) {
            panic!("{}: {e}", path.display());
        }
        n += 1;
    }
    assert!(n >= 40, "only {n} Core programs compiled");
}

/// A program compiled in several parts (one object each, Note [Parts] in
/// `codegen/emit.rs`) runs as it does in one: every code, constructor entry
/// and static object is found across parts, and the collector walks frames
/// of every part (GC stress: a collection at every heap check).
#[test]
fn programs_compiled_in_parts_agree_with_the_interpreter() {
    use lull_llvm::{compile_parts, link_executable, RtVariant};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for file in ["tests/ui/core/sum_list.core", "tests/ui/core/deep_recursion.core", "tests/ui/core/open_terms.core"] {
        let text = std::fs::read_to_string(root.join(file)).expect("read");
        let module = lull_middle::core::parse::parse_module(&text).expect("parse");
        let entry = module.find_def("main").expect("main");
        let (nf, _) =
            lull_middle::core::interp::normalise(&module, entry, &Default::default()).expect("the interpreter");
        let flat = closure_convert(&module).expect("closure conversion");
        let program =
            Program { modules: vec![&flat], entries: vec![(0, entry)], exports: vec![], linkage: Default::default() };
        let objects = compile_parts(&program, 3).expect("compile");
        assert_eq!(objects.len(), 3);
        let dir = tempfile::tempdir().expect("a temporary directory");
        let exe = link_executable(&objects, dir.path(), RtVariant::Normal).expect("link");
        let out = std::process::Command::new(exe).arg("nf").env("LULL_GC_STRESS", "1").output().expect("run");
        assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{nf}\n"), "{file}");
    }
}

/// Note [The service table] in `rt/include/lull_rt.h`: generated code
/// reaches the runtime only through the table, so a program's objects
/// (here one that uses every kind of runtime service: IO, files,
/// arguments, exit, Double printing and reading, Unicode, errors, and the
/// collector) refer to no runtime symbol, only to the C library's maths,
/// and a crate linked from them exports its entry alone.
#[test]
fn generated_objects_refer_to_no_runtime_symbol() {
    let src = r#"module Main where
import Data.Char (toUpper, isAlpha)
import System.Environment (getArgs)
import System.Exit
main :: IO ()
main = do
  args <- getArgs
  line <- getLine
  writeFile "out.txt" (map toUpper line)
  s <- readFile "out.txt"
  print (length (filter isAlpha s), sqrt 2.0 :: Double, exp 1.0 :: Double, sin 0.5 + cos 0.5 + tan 0.5 :: Double)
  print (atan2 1.0 2.0 :: Double, 2.0 ** 0.5 :: Double, log 10.0 :: Double, read "1.5e3" :: Double)
  print (sum [1 .. length args], 7 `div` length args)
  if null args then exitWith (ExitFailure 3) else error "done"
"#;
    let checked = lull_frontend::lull::check(src).unwrap_or_else(|d| panic!("{d:?}"));
    let lib = lull_frontend::lull::library::library().map_err(|(n, _, _)| n).expect("the library");
    let lowered = lull_frontend::lull::lower::lower_program(
        &checked,
        lib,
        "prog.lull",
        src,
        lull_frontend::lull::lower::Link::Whole,
    )
    .expect("lower");
    let flat = closure_convert(&lowered.module).expect("closure conversion");
    let program = Program {
        modules: vec![&flat],
        entries: vec![(0, lowered.entry)],
        exports: vec![],
        linkage: Default::default(),
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let objects = lull_llvm::compile_parts(&program, 2).expect("compile");
    let allowed = ["exp", "log", "sin", "cos", "tan", "atan2", "pow", "memcpy", "memset", "memmove"];
    let nm = |args: &[&str], path: &std::path::Path| -> Vec<String> {
        let out = std::process::Command::new("nm").args(args).arg(path).output().expect("run nm");
        assert!(out.status.success(), "nm {args:?} {}", path.display());
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_whitespace().last().map(str::to_string))
            .collect()
    };
    let mut paths = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        let path = dir.path().join(format!("part{i}.o"));
        std::fs::write(&path, object).unwrap();
        paths.push(path);
    }
    // What one part defines, another may use (Note [Parts] in emit.rs).
    let defined: Vec<String> = paths.iter().flat_map(|p| nm(&["--defined-only"], p)).collect();
    for (i, path) in paths.iter().enumerate() {
        for sym in nm(&["-u"], path) {
            let linker_defined = sym == "__start_llvm_stackmaps" || sym == "__stop_llvm_stackmaps";
            assert!(
                defined.contains(&sym) || allowed.contains(&sym.as_str()) || linker_defined,
                "part {i} refers to `{sym}`"
            );
        }
    }
    let krate = lull_llvm::link_crate(&objects, dir.path(), "libprog.so").expect("link a crate");
    let out = std::process::Command::new("nm").args(["-D", "--defined-only"]).arg(&krate).output().expect("run nm");
    let exported: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().last().map(str::to_string))
        .filter(|s| !matches!(s.as_str(), "_edata" | "_end" | "__bss_start"))
        .collect();
    assert_eq!(exported, vec![lull_llvm::layout::ENTRY_SYMBOL.to_string()]);
}
