//! Code generation: every λ program and Core filetest compiles to a
//! verified module (the statepoint rewrite included).

use lull_llvm::{compile, Output, Program};
use lull_middle::closure_conv::closure_convert;

fn compile_lambda(src: &str, output: Output) -> Vec<u8> {
    let c = lull_frontend::lambda::compile(src).unwrap_or_else(|d| panic!("{src}: {d:?}"));
    let flat = closure_convert(&c.module).expect("closure conversion");
    let p = Program { modules: vec![&flat], entries: vec![(0, c.entry)], exports: vec![] };
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
            let p = Program { modules: vec![&flat], entries: vec![(0, module.find_def("main").unwrap())], exports: vec![] };
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
        let p = Program { modules: vec![&flat], entries: vec![(0, entry)], exports: vec![] };
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
        let program = Program { modules: vec![&flat], entries: vec![(0, entry)], exports: vec![] };
        let objects = compile_parts(&program, 3).expect("compile");
        assert_eq!(objects.len(), 3);
        let dir = tempfile::tempdir().expect("a temporary directory");
        let exe = link_executable(&objects, dir.path(), RtVariant::Normal).expect("link");
        let out = std::process::Command::new(exe).arg("nf").env("LULL_GC_STRESS", "1").output().expect("run");
        assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{nf}\n"), "{file}");
    }
}
