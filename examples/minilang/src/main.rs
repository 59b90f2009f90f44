//! minilang: a small strict ML-like language, compiled to native code with
//! lull-middle (Core, closure conversion) and lull-llvm (LLVM, the runtime).

mod compile;

use lull_llvm::{build_native_io, run_native_io, Program, RunArgs};
use lull_middle::closure_conv::closure_convert;
use lull_middle::core::{interp::run_io, interp::Limits, print::print_module, verify::verify_module};
use std::{path::Path, process::ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let status = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    status.map(ExitCode::from).unwrap_or_else(|msg| {
        eprintln!("{msg}");
        ExitCode::FAILURE
    })
}

/// Carry out the command `args`: the exit status, or the message to fail with.
fn run(args: &[&str]) -> Result<u8, String> {
    let (cmd, file, out) = match *args {
        ["build", file, "-o", out] => ("build", file, out),
        [cmd @ ("run" | "interp" | "core"), file] => (cmd, file, ""),
        _ => return Err("usage: minilang (build FILE.ml -o EXE | run FILE.ml | interp FILE.ml | core FILE.ml)".into()),
    };
    let src = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let (module, main) = compile::compile(&src).map_err(|e| located(file, &src, e))?;
    verify_module(&module).map_err(|errors| format!("internal error: invalid Core: {}", errors[0]))?;
    let name = Path::new(file).file_stem().unwrap_or_default().to_string_lossy();
    let flat = closure_convert(&module).map_err(|e| format!("internal error: {e}"))?;
    let prog = Program { modules: vec![&flat], entries: vec![(0, main)], exports: vec![], linkage: Default::default() };
    let status = match cmd {
        "core" => {
            print!("{}", print_module(&module));
            return Ok(0);
        }
        "interp" => {
            return run_io(&module, main, &Limits::default(), &[], &name).map(|_| 0).map_err(|e| format!("{name}: {e}"))
        }
        "build" => build_native_io(&prog, Path::new(out)).map(|()| 0),
        _ => run_native_io(&prog, &[], Some(&name), &RunArgs::io(vec![], None)).map(|s| s.code().unwrap_or(1)),
    };
    status.map(|s| s as u8).map_err(|e| format!("error: {e}"))
}

/// `FILE:LINE:COL: error: MSG`, then the line with a caret under the column.
fn located(file: &str, src: &str, (at, msg): compile::Error) -> String {
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let (row, col) = (src[..at].matches('\n').count() + 1, src[line_start..at].chars().count() + 1);
    format!("{file}:{row}:{col}: error: {msg}\n{}\n{:>col$}", src[line_start..].lines().next().unwrap_or(""), "^")
}
