//! The subcommands.

use crate::args::{BuildArgs, CheckArgs, Cli, Command, ConvArgs, EmitArgs, LimitArgs, NfArgs, RunArgs, TermInput};
use crate::input::{self, Program, Source};
use crate::library_crate;
use lull_frontend::lull::lower::Link;
use lull_middle::closure_conv::closure_convert;
use lull_middle::core::interp::{self, EvalError, Limits, Stats};
use lull_middle::core::ir::{GlobalId, Module};
use lull_middle::core::nf::Nf;
use lull_middle::core::print;
use lull_middle::flat;
use std::io::Write;
use std::path::Path;

/// Why a command failed, with the exit status it maps to.
pub enum Failure {
    /// Bad input or a run-time error: exit 1. The text is printed as is.
    Error(String),
    /// A resource limit stopped the run: exit 2.
    Limit(String),
    /// A native program ended with this non-zero status; it has printed its
    /// own messages.
    Exit(u8),
    /// A native program was killed by a signal (a bug, never a verdict on
    /// the input): the message is printed and the status is 3.
    Crash(String),
}

impl Failure {
    /// A one-line input error, printed as `error: MSG`.
    pub fn input(msg: String) -> Failure {
        Failure::Error(format!("error: {msg}\n"))
    }

    /// Diagnostics already rendered with their source spans.
    pub fn rendered(text: String) -> Failure {
        Failure::Error(text)
    }
}

impl From<EvalError> for Failure {
    fn from(e: EvalError) -> Failure {
        match e {
            EvalError::Limit(hit) => Failure::Limit(format!("error: {hit}\n")),
            EvalError::Exit(status) => Failure::Exit(u8::try_from(status).unwrap_or(1)),
            other => Failure::Error(format!("error: {other}\n")),
        }
    }
}

/// Run the command and return the process exit status.
pub fn run(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Nf(a) => nf(a),
        Command::Conv(a) => conv(a),
        Command::Emit(a) => emit(a),
        Command::Run(a) => run_core(a),
        Command::Check(a) => check(a),
        Command::Build(a) => build(a),
    };
    let status = match result {
        Ok(()) => 0,
        Err(Failure::Error(msg)) => {
            eprint!("{msg}");
            1
        }
        Err(Failure::Limit(msg)) => {
            eprint!("{msg}");
            2
        }
        Err(Failure::Exit(status)) => status,
        Err(Failure::Crash(msg)) => {
            eprint!("{msg}");
            3
        }
    };
    // Output lost to a closed pipe is not worth a panic.
    let _ = std::io::stdout().flush();
    status
}

fn limits(a: &LimitArgs) -> Limits {
    Limits { max_steps: a.max_steps, max_memory: Some(a.max_memory), timeout: a.timeout }
}

fn report_stats(a: &LimitArgs, stats: &Stats) {
    if a.stats {
        eprintln!("steps: {}\npeak memory: {} bytes", stats.steps, stats.peak_memory);
    }
}

fn term_source(t: &TermInput) -> Result<Source, Failure> {
    match (&t.expr, &t.file) {
        (Some(e), _) => Ok(Source::expr(e)),
        (None, Some(path)) => Source::file(path),
        (None, None) => Err(Failure::input("give a FILE or a term with -e".to_string())),
    }
}

fn nf(a: NfArgs) -> Result<(), Failure> {
    let src = term_source(&a.input)?;
    let Program { module, entry } = input::lambda_program(&src)?;
    if !a.interp {
        let flat = flat_module(&module, &src.name)?;
        return native(&[(&flat, entry)], lull_llvm::run::Mode::Nf, &a.limits, a.discard);
    }
    let (nf, stats) = interp::normalise(&module, entry, &limits(&a.limits))?;
    report_stats(&a.limits, &stats);
    if a.discard {
        println!("{} nodes", nf.size());
    } else {
        print_nf(&nf)?;
    }
    Ok(())
}

fn print_nf(nf: &Nf) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = nf.write_to(&mut out).and_then(|()| writeln!(out)).and_then(|()| out.flush());
    written.map_err(|e| Failure::input(format!("cannot write the normal form: {e}")))
}

fn conv(a: ConvArgs) -> Result<(), Failure> {
    let load = |s: &str| {
        let src = if a.expr { Source::expr(s) } else { Source::file(Path::new(s))? };
        input::lambda_program(&src)
    };
    let (pa, pb) = (load(&a.a)?, load(&a.b)?);
    if !a.interp {
        let fa = flat_module(&pa.module, &a.a)?;
        let fb = flat_module(&pb.module, &a.b)?;
        return native(&[(&fa, pa.entry), (&fb, pb.entry)], lull_llvm::run::Mode::Conv, &a.limits, false);
    }
    let (same, stats) = interp::conv(&pa.module, pa.entry, &pb.module, pb.entry, &limits(&a.limits))?;
    report_stats(&a.limits, &stats);
    println!("{same}");
    Ok(())
}

fn emit(a: EmitArgs) -> Result<(), Failure> {
    let src = term_source(&a.input)?;
    if a.types {
        return emit_types(&src);
    }
    let is_core = a.input.expr.is_none() && src.name.ends_with(".core");
    let is_lull = a.input.expr.is_none() && src.name.ends_with(".lull");
    let (module, entry) = if is_lull {
        // The whole program: what the interpreter runs.
        let program = input::lull_core(&src, Link::Whole)?;
        (program.module, Some(program.entry))
    } else if is_core {
        let module = input::core_module(&src)?;
        // Only the native stages need the entry.
        let entry = if a.llvm_ir || a.asm { Some(input::core_entry(&module, &src.name)?) } else { None };
        (module, entry)
    } else {
        let program = input::lambda_program(&src)?;
        (program.module, Some(program.entry))
    };
    if let (Some(entry), true) = (entry, a.llvm_ir || a.asm) {
        let flat = flat_module(&module, &src.name)?;
        let output = if a.llvm_ir { lull_llvm::Output::LlvmIr } else { lull_llvm::Output::Asm };
        let program = lull_llvm::Program::new(vec![&flat], vec![(0, entry)]);
        let text = lull_llvm::compile(&program, output).map_err(|e| Failure::input(format!("{}: {e}", src.name)))?;
        let mut out = std::io::stdout().lock();
        return out
            .write_all(&text)
            .and_then(|()| out.flush())
            .map_err(|e| Failure::input(format!("cannot write the output: {e}")));
    }
    if a.flat {
        let flat = closure_convert(&module).map_err(|e| Failure::input(format!("{}: {e}", src.name)))?;
        print!("{}", flat::print::print_module(&flat));
    } else {
        print!("{}", print::print_module(&module));
    }
    Ok(())
}

fn run_core(a: RunArgs) -> Result<(), Failure> {
    if !a.core {
        if !input::is_lull(&a.file) {
            return Err(Failure::input(format!(
                "{}: `lull run` takes a Lull program (`*.lull`), or Core with `--core`",
                a.file.display()
            )));
        }
        return run_lull(a);
    }
    if !a.args.is_empty() {
        return Err(Failure::input("a Core program takes no arguments".to_string()));
    }
    let src = Source::file(&a.file)?;
    let module = input::core_module(&src)?;
    let entry = input::core_entry(&module, &src.name)?;
    if !a.interp {
        let flat = flat_module(&module, &src.name)?;
        return native(&[(&flat, entry)], lull_llvm::run::Mode::Nf, &a.limits, false);
    }
    let (nf, stats) = interp::normalise(&module, entry, &limits(&a.limits))?;
    report_stats(&a.limits, &stats);
    print_nf(&nf)
}

/// `lull run FILE.lull [-- ARGS]`: the program's standard streams, arguments
/// and exit status are its own.
fn run_lull(a: RunArgs) -> Result<(), Failure> {
    let src = Source::file(&a.file)?;
    let link = link_for(a.interp || a.whole);
    let Program { module, entry } = input::lull_core(&src, link)?;
    let name = input::prog_name(&a.file);
    if a.interp {
        // A run-time error is the program's: `PROG: msg`, as native code
        // and GHC print it.
        let stats = interp::run_io(&module, entry, &limits(&a.limits), &a.args, &name).map_err(|e| match e {
            EvalError::Runtime { .. } | EvalError::Loop => Failure::Error(format!("{name}: {e}\n")),
            other => Failure::from(other),
        })?;
        report_stats(&a.limits, &stats);
        return Ok(());
    }
    let flat = flat_module(&module, &src.name)?;
    let lib = library_for(link)?;
    let program =
        lull_llvm::Program { modules: vec![&flat], entries: vec![(0, entry)], exports: vec![], linkage: linkage(&lib) };
    let mut run = lull_llvm::RunArgs::io(Vec::new(), None);
    run.max_steps = a.limits.max_steps;
    run.max_memory = Some(a.limits.max_memory);
    run.timeout = a.limits.timeout;
    run.stats = a.limits.stats;
    let status =
        lull_llvm::run_native_io(&program, &a.args, Some(&name), &run).map_err(|e| Failure::input(e.to_string()))?;
    exit_status(status)
}

/// `lull build FILE [-o OUT]`: a standalone executable.
fn build(a: BuildArgs) -> Result<(), Failure> {
    let src = Source::file(&a.file)?;
    if a.krate {
        return build_crate(&a, &src);
    }
    let rt = if a.shared_rt {
        lull_llvm::RtVariant::Shared
    } else {
        lull_llvm::run::rt_variant_from_env().map_err(|e| Failure::input(e.to_string()))?
    };
    if input::is_lull(&a.file) {
        let link = link_for(a.whole);
        let Program { module, entry } = input::lull_core(&src, link)?;
        let flat = flat_module(&module, &src.name)?;
        let out = a.output.unwrap_or_else(|| a.file.with_extension(""));
        let lib = library_for(link)?;
        let program = lull_llvm::Program {
            modules: vec![&flat],
            entries: vec![(0, entry)],
            exports: vec![],
            linkage: linkage(&lib),
        };
        return lull_llvm::build_executable(&program, &out, true, rt).map_err(|e| Failure::input(e.to_string()));
    }
    let (module, entry) = if src.name.ends_with(".core") {
        let module = input::core_module(&src)?;
        let entry = input::core_entry(&module, &src.name)?;
        (module, entry)
    } else {
        let Program { module, entry } = input::lambda_program(&src)?;
        (module, entry)
    };
    let flat = flat_module(&module, &src.name)?;
    let out = a.output.unwrap_or_else(|| a.file.with_extension(""));
    if out == a.file {
        return Err(Failure::input(format!("{}: give the executable a name with -o", src.name)));
    }
    let program = lull_llvm::Program::new(vec![&flat], vec![(0, entry)]);
    lull_llvm::build_executable(&program, &out, false, rt).map_err(|e| Failure::input(e.to_string()))
}

/// `lull build --crate FILE.lull [-o libNAME.so]`: a crate for a host.
fn build_crate(a: &BuildArgs, src: &Source) -> Result<(), Failure> {
    if !input::is_lull(&a.file) {
        return Err(Failure::input(format!("{}: --crate builds Lull modules (*.lull) only", src.name)));
    }
    let link = link_for(a.whole);
    let (module, exports) = input::lull_crate_core(src, link)?;
    let flat = flat_module(&module, &src.name)?;
    let out = a.output.clone().unwrap_or_else(|| {
        let stem = a.file.file_stem().map_or_else(|| "crate".into(), |s| s.to_string_lossy().into_owned());
        a.file.with_file_name(format!("lib{stem}.so"))
    });
    let exports = exports
        .into_iter()
        .map(|e| lull_llvm::Export { name: e.name, global: (0, e.global), code: e.code, type_text: e.ty })
        .collect();
    let lib = library_for(link)?;
    let program = lull_llvm::Program { modules: vec![&flat], entries: vec![], exports, linkage: linkage(&lib) };
    lull_llvm::build_crate(&program, &out).map_err(|e| Failure::input(e.to_string()))
}

/// How a Lull program is lowered: with the library (`whole`), or against
/// the library crate.
fn link_for(whole: bool) -> Link<'static> {
    if whole {
        Link::Whole
    } else {
        Link::Against(library_crate::KRATE)
    }
}

/// The library crate a program lowered with `link` links against.
fn library_for(link: Link<'_>) -> Result<Option<library_crate::LibraryCrate>, Failure> {
    match link {
        Link::Whole => Ok(None),
        Link::Against(_) => library_crate::get().map(Some),
    }
}

/// The linkage of a program or crate that imports from `lib`.
fn linkage(lib: &Option<library_crate::LibraryCrate>) -> lull_llvm::Linkage<'_> {
    lull_llvm::Linkage { deps: lib.iter().map(|l| l.dep()).collect(), ..Default::default() }
}

/// Closure conversion, for the native engine and the emitted stages.
fn flat_module(module: &Module, name: &str) -> Result<flat::ir::Module, Failure> {
    closure_convert(module).map_err(|e| Failure::input(format!("{name}: {e}")))
}

/// The native engine: compile the modules with their entries, link them
/// with the runtime and run the executable, which prints the result and its
/// own messages; its exit status becomes ours.
fn native(
    modules: &[(&flat::ir::Module, GlobalId)],
    mode: lull_llvm::run::Mode,
    limits: &LimitArgs,
    discard: bool,
) -> Result<(), Failure> {
    let program = lull_llvm::Program::new(
        modules.iter().map(|(m, _)| *m).collect(),
        modules.iter().enumerate().map(|(i, (_, entry))| (i, *entry)).collect(),
    );
    let args = lull_llvm::RunArgs {
        mode,
        max_steps: limits.max_steps,
        max_memory: Some(limits.max_memory),
        timeout: limits.timeout,
        stats: limits.stats,
        discard,
        prog_args: Vec::new(),
        prog_name: None,
    };
    let status = lull_llvm::run_native(&program, &args).map_err(|e| Failure::input(e.to_string()))?;
    exit_status(status)
}

/// A native program's exit status as ours.
fn exit_status(status: std::process::ExitStatus) -> Result<(), Failure> {
    match status.code() {
        Some(0) => Ok(()),
        Some(code) => Err(Failure::Exit(u8::try_from(code).unwrap_or(1))),
        None => {
            use std::os::unix::process::ExitStatusExt;
            let signal = status.signal().map_or_else(|| "?".to_string(), describe_signal);
            Err(Failure::Crash(format!("error: the native program was killed by signal {signal} (a bug in Lull)\n")))
        }
    }
}

fn describe_signal(signal: i32) -> String {
    let name = match signal {
        2 => "SIGINT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => return signal.to_string(),
    };
    format!("{signal} ({name})")
}

/// `lull check FILE`: silent when the program is well-typed.
fn check(a: CheckArgs) -> Result<(), Failure> {
    input::lull_checked_lowered(&Source::file(&a.file)?)
}

/// `lull emit --types FILE`: `name :: type` per top-level binding.
fn emit_types(src: &Source) -> Result<(), Failure> {
    let checked = input::lull_program(src)?;
    let mut out = String::new();
    for (name, ty) in checked.top_level_types() {
        let shown =
            if name.starts_with(|c: char| c.is_alphanumeric() || c == '_') { name } else { format!("({name})") };
        out.push_str(&format!("{shown} :: {ty}\n"));
    }
    print!("{out}");
    Ok(())
}
