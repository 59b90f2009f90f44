//! The Core text form's round trip on every test program of the project.
//!
//! For every λ program under `tests/ui/` (cases and auxiliary files) that
//! the λ front end accepts, and every Core module under `tests/ui/` and
//! `middle/tests/filetests/` that parses and verifies: print the module,
//! parse the text back, and check that
//!
//! * the printed text parses,
//! * printing the re-parsed module gives the same text
//!   (print ∘ parse ∘ print = print), and
//! * the re-parsed module verifies.
//!
//! Inputs that are invalid on purpose (the `fail/` cases, the filetests of
//! parse errors and verifier rejections) are skipped; floors on the number
//! of modules checked make sure the test cannot silently check nothing.
//! A λ program that compiles must also verify (the driver relies on it).

use std::fs;
use std::path::{Path, PathBuf};

use lull_frontend::lambda;
use lull_middle::core::ir::Module;
use lull_middle::core::{parse::parse_module, print::print_module, verify::verify_module};

/// Lowering and verifying recurse on the depth of a term, and the test terms
/// go as deep as the front end allows (`lambda::MAX_NESTING`): run on a
/// thread with a large stack (reserved, touched only as deep as needed; the
/// current cases need less than 8 MiB).
const STACK_BYTES: usize = 64 << 20;

/// Fewer modules than this means the collection is broken (at the time of
/// writing: 62 λ programs and 79 Core modules are checked).
const MIN_LAMBDA: usize = 50;
const MIN_CORE: usize = 50;
const MIN_TOTAL: usize = 120;

fn collect(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    collect(dir, ext, &mut out);
    out.sort();
    out
}

/// The round trip of one module; `Err` describes the failure.
fn round_trip(m: &Module) -> Result<(), String> {
    let printed = print_module(m);
    let again = parse_module(&printed).map_err(|e| format!("the printed module does not parse: {e}\n{printed}"))?;
    let printed2 = print_module(&again);
    if printed2 != printed {
        let diff = first_difference(&printed, &printed2);
        return Err(format!("printing the re-parsed module changes the text ({diff})\n--- first print:\n{printed}\n--- second print:\n{printed2}"));
    }
    verify_module(&again).map_err(|errs| {
        let msgs: Vec<String> = errs.iter().map(|e| format!("  {e}")).collect();
        format!("the re-parsed module does not verify:\n{}\n{printed}", msgs.join("\n"))
    })
}

fn first_difference(a: &str, b: &str) -> String {
    match a.lines().zip(b.lines()).enumerate().find(|(_, (x, y))| x != y) {
        Some((i, (x, y))) => format!("line {}: `{x}` became `{y}`", i + 1),
        None => format!("{} lines became {}", a.lines().count(), b.lines().count()),
    }
}

/// Filetests start with a `test <kind>` header that is not Core; the rest
/// (the expected block included) is Core text and comments. Blank the
/// header, as the filetest runner does.
fn filetest_source(text: &str) -> String {
    match text.split_once('\n') {
        Some((first, rest)) if first.starts_with("test ") => format!("\n{rest}"),
        _ => text.to_string(),
    }
}

struct Report {
    lambda_checked: usize,
    lambda_skipped: usize,
    core_checked: usize,
    core_skipped: usize,
    failures: Vec<String>,
}

fn check_all(root: &Path) -> Report {
    let mut r = Report { lambda_checked: 0, lambda_skipped: 0, core_checked: 0, core_skipped: 0, failures: Vec::new() };
    let ui = root.join("tests/ui");
    let name = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();

    for path in files(&ui, "lc") {
        let Ok(text) = fs::read_to_string(&path) else {
            r.lambda_skipped += 1; // not UTF-8: rejected by the driver too
            continue;
        };
        let Ok(compiled) = lambda::compile(&text) else {
            r.lambda_skipped += 1;
            continue;
        };
        if let Err(errs) = verify_module(&compiled.module) {
            let msgs: Vec<String> = errs.iter().map(|e| format!("  {e}")).collect();
            r.failures.push(format!("{}: the lowered module does not verify:\n{}", name(&path), msgs.join("\n")));
            continue;
        }
        r.lambda_checked += 1;
        if let Err(e) = round_trip(&compiled.module) {
            r.failures.push(format!("{}: {e}", name(&path)));
        }
    }

    let mut core_files = files(&ui, "core");
    core_files.extend(files(&root.join("middle/tests/filetests"), "core"));
    for path in core_files {
        let Ok(text) = fs::read_to_string(&path) else {
            r.core_skipped += 1;
            continue;
        };
        let Ok(m) = parse_module(&filetest_source(&text)) else {
            r.core_skipped += 1;
            continue;
        };
        if verify_module(&m).is_err() {
            r.core_skipped += 1;
            continue;
        }
        r.core_checked += 1;
        if let Err(e) = round_trip(&m) {
            r.failures.push(format!("{}: {e}", name(&path)));
        }
    }
    r
}

#[test]
fn print_parse_print_on_every_test_program() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let report = std::thread::Builder::new()
        .name("roundtrip".into())
        .stack_size(STACK_BYTES)
        .spawn(move || check_all(&root))
        .expect("cannot start the test thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let Report { lambda_checked, lambda_skipped, core_checked, core_skipped, failures } = report;
    eprintln!(
        "round trip: {lambda_checked} λ programs checked ({lambda_skipped} rejected by the front end), \
         {core_checked} Core modules checked ({core_skipped} do not parse or verify)"
    );
    assert!(failures.is_empty(), "{} round-trip failures:\n\n{}", failures.len(), failures.join("\n\n"));
    assert!(lambda_checked >= MIN_LAMBDA, "only {lambda_checked} λ programs checked, expected at least {MIN_LAMBDA}");
    assert!(core_checked >= MIN_CORE, "only {core_checked} Core modules checked, expected at least {MIN_CORE}");
    let total = lambda_checked + core_checked;
    assert!(total >= MIN_TOTAL, "only {total} modules checked, expected at least {MIN_TOTAL}");
}
