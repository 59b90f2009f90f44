//! `cargo xtask`: Lull's developer tasks (set-up, tests, UI snapshots,
//! benchmarks). Every verb first runs the set-up (LLVM 19 and a C compiler
//! present?), prints one line per step on stderr, and exits with status 1
//! and a message on failure.
//!
//! xtask never depends on LLVM crates: it is what installs LLVM.

mod bench;
mod capture;
mod error;
mod examples;
mod gen_lull;
#[cfg(test)]
mod notes;
mod project;
mod rt;
mod setup;
mod testing;
mod ui;

use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};

use crate::error::{Error, Result};
use crate::project::{command_line, describe_status, step, Project};

#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", about = "Lull's developer tasks", version = None)]
struct Cli {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Subcommand)]
enum Verb {
    /// Make sure LLVM 19 and a C compiler are installed (apt-get as root).
    Setup,
    /// Run every test: the C runtime's, `cargo test --workspace`, the UI tests.
    Test {
        /// Also run the slow suites (sets LULL_TEST_FULL=1 for the tests).
        #[arg(long)]
        full: bool,
    },
    /// Run the UI snapshot tests of tests/ui (see tests/ui/README.md).
    Ui {
        /// Write the actual outputs as the expected ones.
        #[arg(long)]
        bless: bool,
        /// Only the cases whose label contains this: the path (`nf/foo.lc`),
        /// followed by ` [interp]` for the interpreter's runs.
        filter: Option<String>,
        /// Run under these engines only (repeatable): native, interp,
        /// gc-stress, asan (every fourth case), asan-all, shared-rt (every
        /// fourth case), shared-rt-all. Default: native and interp.
        #[arg(long = "engine", value_name = "NAME")]
        engines: Vec<String>,
    },
    /// Build `lull` in release and run it with ARGS.
    Run {
        /// Arguments for lull (put them after `--`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Build the runtime libraries for embedding hosts: target/lull-rt/
    /// liblull_rt.a and liblull_rt.so (the header: rt/include/lull_embed.h).
    Rt,
    /// Build the crate examples/Words.lull and run the C and Rust hosts on it.
    Examples,
    /// Build `lull` in release and time the benchmarks.
    Bench {
        /// Only the small benchmarks.
        #[arg(long)]
        quick: bool,
        /// Only the procs benchmarks (ring, spawn, idle memory, hot split).
        #[arg(long, conflicts_with = "quick")]
        procs: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::FAILURE } else { ExitCode::SUCCESS };
        }
    };
    match run(cli.verb) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(verb: Verb) -> Result<ExitCode> {
    let project = Project::locate()?;
    // The `lull`s that the tests, examples and benchmarks run keep their
    // compiled library crate (src/library_crate.rs) in the target
    // directory, not in the user's cache.
    if std::env::var_os("LULL_CACHE_DIR").is_none() {
        std::env::set_var("LULL_CACHE_DIR", project.target_dir.join("lull-cache"));
    }
    let tools = setup::ensure()?;
    match verb {
        Verb::Setup => {}
        Verb::Test { full } => testing::run(&project, &tools, full)?,
        Verb::Ui { bless, filter, engines } => {
            let engines = if engines.is_empty() {
                ui::engines()
            } else {
                engines
                    .iter()
                    .map(|name| {
                        ui::engine_named(name).ok_or_else(|| {
                            Error::new(format!(
                                "ui: unknown engine {name:?} (engines: native, interp, gc-stress, asan, asan-all, shared-rt, shared-rt-all)"
                            ))
                        })
                    })
                    .collect::<Result<Vec<_>>>()?
            };
            ui::run(&project, ui::Options { bless, filter, engines })?
        }
        Verb::Run { args } => return run_lull(&project, &args),
        Verb::Rt => {
            rt::build_libs(&project, &tools.cc)?;
        }
        Verb::Examples => examples::run(&project, &tools.cc)?,
        Verb::Bench { quick, procs } => bench::run(&project, bench::Options { quick, procs })?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask run -- ARGS`: lull's exit status becomes ours.
fn run_lull(project: &Project, args: &[String]) -> Result<ExitCode> {
    let bin = project.build_lull()?;
    let mut cmd = Command::new(&bin);
    cmd.args(args);
    step(format!("run: {}", command_line(&cmd)));
    let status = cmd.status().map_err(|e| Error::new(format!("run: cannot run {}: {e}", bin.display())))?;
    match status.code() {
        Some(code) => Ok(ExitCode::from(u8::try_from(code).unwrap_or(1))),
        None => {
            step(format!("run: lull was {}", describe_status(status)));
            use std::os::unix::process::ExitStatusExt;
            Ok(ExitCode::from(128u8.saturating_add(status.signal().unwrap_or(0) as u8)))
        }
    }
}
