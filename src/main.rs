//! `lull`: the command-line driver of the Lull toolkit.
//!
//! It only glues the libraries together: the front ends (`lull-frontend`),
//! Core IR, closure conversion and the reference interpreter
//! (`lull-middle`), and the native engine (`lull-llvm`: compile, link with
//! the C runtime, run), which `nf`, `conv` and `run --core` use unless given
//! `--interp`. Exit statuses: 0 on success, 1 for bad input and run-time
//! errors, 2 when a resource limit stops a run (see LANGUAGE.md); a native
//! program's status becomes lull's, and one killed by a signal (a bug)
//! makes lull exit 3.

mod args;
mod commands;
mod input;
mod library_crate;

use clap::Parser;
use std::process::ExitCode;

/// The driver's work runs on a thread with a large stack: passes that recurse
/// on term depth (the verifier, lowering) get terms whose depth the front end
/// has bounded, and this stack is sized for that bound. See Note [No
/// recursion on term depth] in middle/src/core/mod.rs.
const DRIVER_STACK_BYTES: usize = 512 << 20;

fn main() -> ExitCode {
    // A bad command line is bad input: exit 1 (clap's default, 2, is the
    // status of a resource limit). `--help` and `--version` exit 0.
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(1) } else { ExitCode::SUCCESS };
        }
    };
    let worker = std::thread::Builder::new()
        .name("lull".into())
        .stack_size(DRIVER_STACK_BYTES)
        .spawn(move || commands::run(cli));
    match worker.map(|h| h.join()) {
        Ok(Ok(status)) => status.into(),
        Ok(Err(_)) => ExitCode::from(101),
        Err(e) => {
            eprintln!("error: cannot start the driver thread: {e}");
            ExitCode::from(1)
        }
    }
}
