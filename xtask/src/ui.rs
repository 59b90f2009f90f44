//! The UI snapshot harness: runs every case under `tests/ui/` through the
//! `lull` binary and compares its exit status, stdout and stderr with the
//! expected ones beside the case. `tests/ui/README.md` documents the layout,
//! the modes and the directives; keep it in step with this file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use similar::TextDiff;

use crate::capture::{self, Ending};
use crate::error::{Error, IoContext, Result};
use crate::project::{shell_quote, step, Project};

/// The time a case may run before it is killed and reported.
pub const CASE_TIME_LIMIT: Duration = Duration::from_secs(60);

/// The extensions a case file may have (in any mode).
const CASE_EXTENSIONS: &[&str] = &["lc", "core", "lull"];

/// Environment variable naming a `lull` binary to test instead of building
/// one (for trying the harness with a stub, or a binary built elsewhere).
pub const BIN_OVERRIDE: &str = "LULL_UI_BIN";

/// Options of `cargo xtask ui`.
pub struct Options {
    pub bless: bool,
    pub filter: Option<String>,
    /// The engines to run the cases under (see [`engines`]).
    pub engines: Vec<Engine>,
}

/// A way of running the cases of some modes: `lull` arguments inserted
/// right after the subcommand, environment variables, and which cases.
/// Every case runs under the default engine; the cases of an engine's
/// modes run once more under each other engine and must give the same
/// expected output (so `--interp` and the native code are compared on every
/// `nf/` case). Only the default engine blesses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engine {
    /// Shown after the case path (`nf/foo.lc [interp]`); empty for the default.
    name: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    /// The modes whose cases it runs; `None` for every mode.
    modes: Option<&'static [Mode]>,
    /// Runs every `every`-th case of those modes (in path order, from the
    /// first): 1 for all of them.
    every: usize,
}

/// The modes whose outcome depends on the evaluation engine.
const ENGINE_MODES: &[Mode] = &[Mode::Nf, Mode::Core, Mode::Conv];

/// The modes the reference interpreter and the GC stress mode also run:
/// the engine modes and Lull programs.
const INTERP_MODES: &[Mode] = &[Mode::Nf, Mode::Core, Mode::Conv, Mode::Run, Mode::RunFail];

impl Engine {
    /// `lull` as it is: native code for `nf`, `conv` and `run --core`.
    pub const DEFAULT: Engine = Engine { name: "", args: &[], env: &[], modes: None, every: 1 };
    /// The reference interpreter.
    pub const INTERP: Engine =
        Engine { name: "interp", args: &["--interp"], env: &[], modes: Some(INTERP_MODES), every: 1 };
    /// Native code with the runtime's GC stress mode (a collection at every
    /// allocation check, with the heap checker).
    pub const GC_STRESS: Engine =
        Engine { name: "gc-stress", args: &[], env: &[("LULL_GC_STRESS", "1")], modes: Some(INTERP_MODES), every: 1 };
    /// Native code linked with the runtime built with
    /// `-fsanitize=address,undefined`, on every fourth case.
    pub const ASAN_SAMPLE: Engine =
        Engine { name: "asan", args: &[], env: &[("LULL_RT", "asan")], modes: Some(ENGINE_MODES), every: 4 };
    /// The same on every case.
    pub const ASAN: Engine = Engine { every: 1, ..Engine::ASAN_SAMPLE };
    /// Native code linked with the shared runtime (`lull build
    /// --shared-rt`'s), on every fourth case.
    pub const SHARED_RT_SAMPLE: Engine =
        Engine { name: "shared-rt", args: &[], env: &[("LULL_RT", "shared")], modes: Some(INTERP_MODES), every: 4 };

    /// Lull programs compiled with the library as one crate (`--whole`)
    /// instead of linked against the library crate, on every fourth case.
    pub const WHOLE_SAMPLE: Engine =
        Engine { name: "whole", args: &["--whole"], env: &[], modes: Some(PROGRAM_MODES), every: 4 };

    fn runs(&self, mode: Mode) -> bool {
        self.modes.is_none_or(|modes| modes.contains(&mode))
    }

    fn is_default(&self) -> bool {
        self.name.is_empty()
    }

    fn label(&self, case: &Case) -> String {
        if self.is_default() {
            case.path.clone()
        } else {
            format!("{} [{}]", case.path, self.name)
        }
    }
}

/// The engine named `name` (`native` for the default, `interp`,
/// `gc-stress`, `asan` on every fourth case, `asan-all` on all, `shared-rt`
/// on every fourth case, `shared-rt-all` on all, `whole` on every fourth
/// Lull program, `whole-all` on all).
pub fn engine_named(name: &str) -> Option<Engine> {
    match name {
        "native" | "default" => Some(Engine::DEFAULT),
        "interp" => Some(Engine::INTERP),
        "gc-stress" => Some(Engine::GC_STRESS),
        "asan" => Some(Engine::ASAN_SAMPLE),
        "asan-all" => Some(Engine::ASAN),
        "shared-rt" => Some(Engine::SHARED_RT_SAMPLE),
        "shared-rt-all" => Some(Engine { every: 1, ..Engine::SHARED_RT_SAMPLE }),
        "whole" => Some(Engine::WHOLE_SAMPLE),
        "whole-all" => Some(Engine { every: 1, ..Engine::WHOLE_SAMPLE }),
        _ => None,
    }
}

/// The engines of `cargo xtask ui`: native code and the interpreter.
pub fn engines() -> Vec<Engine> {
    vec![Engine::DEFAULT, Engine::INTERP]
}

/// The modes of Lull programs.
const PROGRAM_MODES: &[Mode] = &[Mode::Run, Mode::RunFail];

/// The engines of `cargo xtask test`: also the GC stress mode and the
/// sanitizer runtime. Unless `full`, the sanitizer runs on a quarter of the
/// cases, and the GC stress mode (whose cost grows with the square of a
/// program's live data) on a quarter of the Lull programs.
pub fn test_engines(full: bool) -> Vec<Engine> {
    let sample = if full { 1 } else { 4 };
    vec![
        Engine::DEFAULT,
        Engine::INTERP,
        Engine { modes: Some(ENGINE_MODES), ..Engine::GC_STRESS },
        Engine { modes: Some(PROGRAM_MODES), every: sample, ..Engine::GC_STRESS },
        if full { Engine::ASAN } else { Engine::ASAN_SAMPLE },
        Engine { every: sample, ..Engine::SHARED_RT_SAMPLE },
        Engine { every: sample, ..Engine::WHOLE_SAMPLE },
    ]
}

/// Builds `lull`, runs the UI cases and fails when any case fails.
pub fn run(project: &Project, options: Options) -> Result<()> {
    let bin = match std::env::var_os(BIN_OVERRIDE) {
        Some(bin) => {
            step(format!("ui: testing {} (from ${BIN_OVERRIDE})", PathBuf::from(&bin).display()));
            PathBuf::from(bin)
        }
        None => project.build_lull()?,
    };
    let config = Config {
        dir: project.root.join("tests").join("ui"),
        bin,
        bless: options.bless,
        filter: options.filter,
        engines: options.engines,
        time_limit: CASE_TIME_LIMIT,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let names: Vec<&str> = config.engines.iter().map(|e| if e.is_default() { "default" } else { e.name }).collect();
    step(format!(
        "ui: running the cases of tests/ui{} (engines: {}){} on {} thread(s)",
        config.filter.as_ref().map_or(String::new(), |f| format!(" matching {f:?}")),
        names.join(", "),
        if config.bless { " (blessing)" } else { "" },
        config.jobs
    ));
    let summary = run_suite(&config)?;
    if summary.failed > 0 {
        return Err(Error::new(format!("ui: {} failure(s)", summary.failed)));
    }
    Ok(())
}

/// Everything a suite run needs.
pub struct Config {
    /// The `tests/ui` directory; cases run with it as working directory.
    pub dir: PathBuf,
    /// The `lull` binary under test.
    pub bin: PathBuf,
    pub bless: bool,
    /// Only cases whose label (like `nf/foo.lc`, or `nf/foo.lc [interp]`
    /// under another engine than the default) contains this string.
    pub filter: Option<String>,
    /// The engines; the first should be [`Engine::DEFAULT`].
    pub engines: Vec<Engine>,
    pub time_limit: Duration,
    pub jobs: usize,
}

/// The counts of a suite run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub blessed: usize,
}

/// Runs the suite described by `config`, printing a line per case, a report
/// per failure and the summary line. Problems with the layout of the
/// directory (unknown mode, unknown extension, stray snapshot) count as
/// failures.
pub fn run_suite(config: &Config) -> Result<Summary> {
    let Discovery { cases, problems } = discover(&config.dir)?;
    // (case, engine) pairs: each engine's cases in path order.
    let mut runs: Vec<(&Case, &Engine)> = Vec::new();
    for engine in &config.engines {
        let mine = cases.iter().filter(|c| engine.runs(c.mode));
        runs.extend(mine.step_by(engine.every.max(1)).map(|c| (c, engine)));
    }
    runs.retain(|(case, engine)| config.filter.as_ref().is_none_or(|f| engine.label(case).contains(f.as_str())));
    runs.retain(|(case, engine)| engine.is_default() || !skips(config, case, engine));

    let next = AtomicUsize::new(0);
    let verdicts: Mutex<Vec<(usize, Verdict)>> = Mutex::new(Vec::with_capacity(cases.len()));
    std::thread::scope(|scope| {
        for _ in 0..config.jobs.max(1).min(runs.len().max(1)) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(case, engine)) = runs.get(index) else { break };
                let verdict = run_case(config, case, engine);
                println!("{:<8} {}", verdict.label(), engine.label(case));
                verdicts.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push((index, verdict));
            });
        }
    });
    let mut verdicts = verdicts.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    verdicts.sort_by_key(|(index, _)| *index);

    let mut summary = Summary { failed: problems.len(), ..Summary::default() };
    for (index, verdict) in &verdicts {
        match verdict {
            Verdict::Passed => summary.passed += 1,
            Verdict::Blessed => summary.blessed += 1,
            Verdict::Failed(report) => {
                summary.failed += 1;
                let (case, engine) = runs[*index];
                println!("\n---- {} ----\n{report}", engine.label(case));
            }
        }
    }
    if !problems.is_empty() {
        println!("\nproblems with the layout of {} (each counts as a failure):", config.dir.display());
        for problem in &problems {
            println!("FAILED   {problem}");
        }
    }
    println!("\nui: {} passed, {} failed, {} blessed", summary.passed, summary.failed, summary.blessed);
    Ok(summary)
}

/// Whether `case` says `ui-skip-engine:` of `engine` (an unreadable case
/// is not skipped: running it reports the problem).
fn skips(config: &Config, case: &Case, engine: &Engine) -> bool {
    let Ok(text) = std::fs::read_to_string(config.dir.join(&case.path)) else { return false };
    parse_directives(&text).is_ok_and(|d| d.skip_engines.iter().any(|e| e == engine.name))
}

/// A directory of `tests/ui`: how its cases are run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Nf,
    Limit,
    Fail,
    Conv,
    Core,
    Emit,
    Run,
    RunFail,
    Check,
}

impl Mode {
    const ALL: [Mode; 9] =
        [Mode::Nf, Mode::Limit, Mode::Fail, Mode::Conv, Mode::Core, Mode::Emit, Mode::Run, Mode::RunFail, Mode::Check];

    fn dir(self) -> &'static str {
        match self {
            Mode::Nf => "nf",
            Mode::Limit => "limit",
            Mode::Fail => "fail",
            Mode::Conv => "conv",
            Mode::Core => "core",
            Mode::Emit => "emit",
            Mode::Run => "run",
            Mode::RunFail => "run-fail",
            Mode::Check => "check",
        }
    }

    fn from_dir(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.dir() == name)
    }

    /// The case extensions this mode accepts.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Mode::Nf | Mode::Conv => &["lc"],
            Mode::Limit => &["lc", "core"],
            Mode::Fail => &["lc", "core", "lull"],
            Mode::Core => &["core"],
            Mode::Emit => &["lc", "core"],
            Mode::Run | Mode::RunFail | Mode::Check => &["lull"],
        }
    }

    /// The `lull` arguments before the case path (the first one is the
    /// subcommand), for a case with extension `ext`.
    fn subcommand(self, ext: &str) -> &'static [&'static str] {
        match (self, ext) {
            (Mode::Fail | Mode::Limit, "core") | (Mode::Core, _) => &["run", "--core"],
            (Mode::Nf | Mode::Limit, _) | (Mode::Fail, "lc") => &["nf"],
            (Mode::Fail, _) => &["check"],
            (Mode::Check, _) => &["emit", "--types"],
            (Mode::Conv, _) => &["conv"],
            (Mode::Emit, _) => &["emit", "--core"],
            (Mode::Run | Mode::RunFail, _) => &["run"],
        }
    }

    /// Whether its cases are programs that may touch files (they run in a
    /// private directory).
    fn runs_programs(self) -> bool {
        matches!(self, Mode::Run | Mode::RunFail)
    }

    /// The exit status a case of this mode must end with.
    fn expected_exit(self) -> i32 {
        match self {
            Mode::Limit => 2,
            Mode::Fail | Mode::RunFail => 1,
            _ => 0,
        }
    }
}

/// One case file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Case {
    /// Relative to `tests/ui`, with `/` separators: `nf/foo.lc`.
    path: String,
    mode: Mode,
    ext: String,
}

impl Case {
    /// The path of a snapshot beside the case (`nf/foo.stdout`).
    fn snapshot(&self, stream: &str) -> String {
        let stem = self.path.strip_suffix(&format!(".{}", self.ext)).unwrap_or(&self.path);
        format!("{stem}.{stream}")
    }
}

struct Discovery {
    cases: Vec<Case>,
    /// Layout problems, one line each.
    problems: Vec<String>,
}

/// Lists the cases under `dir` (sorted by path) and what is wrong with its
/// layout.
fn discover(dir: &Path) -> Result<Discovery> {
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for entry in sorted_entries(dir)? {
        let name = entry.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') || !entry.is_dir() {
            continue; // README.md and friends.
        }
        let Some(mode) = Mode::from_dir(&name) else {
            let known: Vec<_> = Mode::ALL.iter().map(|m| m.dir()).collect();
            problems.push(format!("{name}/: unknown mode directory (known modes: {})", known.join(", ")));
            continue;
        };
        discover_mode(&entry, mode, &mut cases, &mut problems)?;
    }
    Ok(Discovery { cases, problems })
}

fn discover_mode(dir: &Path, mode: Mode, cases: &mut Vec<Case>, problems: &mut Vec<String>) -> Result<()> {
    let mut snapshots = Vec::new();
    let mut case_stems = BTreeSet::new();
    for entry in sorted_entries(dir)? {
        let name = entry.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let path = format!("{}/{name}", mode.dir());
        if name.starts_with('.') {
            continue;
        }
        if entry.is_dir() {
            problems.push(format!("{path}/: unexpected directory inside a mode directory"));
            continue;
        }
        let Some((stem, ext)) = name.rsplit_once('.') else {
            problems.push(format!("{path}: file without an extension"));
            continue;
        };
        if ext == "stdout" || ext == "stderr" || ext == "stdin" {
            snapshots.push((stem.to_string(), path));
        } else if stem.contains('.') {
            // An auxiliary file, like conv/foo.b.lc.
        } else if mode.extensions().contains(&ext) {
            case_stems.insert(stem.to_string());
            cases.push(Case { path, mode, ext: ext.to_string() });
        } else if CASE_EXTENSIONS.contains(&ext) {
            problems.push(format!(
                "{path}: mode {} takes no .{ext} cases (it takes {})",
                mode.dir(),
                dotted(mode.extensions())
            ));
        } else {
            problems.push(format!(
                "{path}: unknown extension .{ext} (cases are {}; snapshots .stdout, .stderr; input .stdin; \
                 auxiliary files have a dot in their stem, like foo.b.lc)",
                dotted(CASE_EXTENSIONS)
            ));
        }
    }
    for (stem, path) in snapshots {
        if !case_stems.contains(&stem) {
            problems.push(format!("{path}: snapshot or input without a case (delete it or restore its case)"));
        }
    }
    Ok(())
}

fn dotted(extensions: &[&str]) -> String {
    extensions.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(", ")
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        paths.push(entry.with_context(|| format!("reading {}", dir.display()))?.path());
    }
    paths.sort();
    Ok(paths)
}

/// The directives of a case file.
#[derive(Debug, Default, PartialEq, Eq)]
struct Directives {
    /// `ui-args:` arguments, inserted right after the subcommand.
    args: Vec<String>,
    /// `ui-exit:` the expected exit status.
    exit: Option<i32>,
    /// `ui-cmd:` the whole argument list, `{file}` standing for the case.
    cmd: Option<Vec<String>>,
    /// `ui-skip-engine:` engines that do not run this case (with the
    /// reason in the case's comments).
    skip_engines: Vec<String>,
}

/// Reads the `ui-args:`, `ui-exit:` and `ui-cmd:` directives of a case.
fn parse_directives(text: &str) -> std::result::Result<Directives, String> {
    let mut directives = Directives::default();
    for (number, line) in text.lines().enumerate() {
        let number = number + 1;
        for key in ["ui-args:", "ui-exit:", "ui-cmd:", "ui-skip-engine:"] {
            let Some(at) = line.find(key) else { continue };
            let value = strip_comment_closer(&line[at + key.len()..]);
            match key {
                "ui-args:" => directives.args.extend(split_args(value)?),
                "ui-skip-engine:" => directives.skip_engines.extend(split_args(value)?),
                "ui-exit:" => {
                    let code = value
                        .parse()
                        .map_err(|_| format!("line {number}: ui-exit: {value:?} is not an exit status"))?;
                    if directives.exit.replace(code).is_some() {
                        return Err(format!("line {number}: a second ui-exit directive"));
                    }
                }
                _ => {
                    let args = split_args(value)?;
                    if args.is_empty() {
                        return Err(format!("line {number}: ui-cmd: without arguments"));
                    }
                    if directives.cmd.replace(args).is_some() {
                        return Err(format!("line {number}: a second ui-cmd directive"));
                    }
                }
            }
        }
    }
    if directives.cmd.is_some() && !directives.args.is_empty() {
        return Err("ui-cmd replaces the whole command: it cannot be combined with ui-args".into());
    }
    Ok(directives)
}

/// The value of a directive without the block-comment closer that may end
/// its line (`-/` in the λ dialect, `-}` in Lull, `*/`).
fn strip_comment_closer(value: &str) -> &str {
    let value = value.trim();
    ["-/", "-}", "*/"].iter().find_map(|closer| value.strip_suffix(closer)).unwrap_or(value).trim()
}

/// Splits on whitespace; a double-quoted part (`"λx. x"`) may hold spaces,
/// and `""` is an empty argument.
fn split_args(text: &str) -> std::result::Result<Vec<String>, String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut in_arg = false;
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                in_arg = true;
            }
            c if c.is_whitespace() && !quoted => {
                if in_arg {
                    args.push(std::mem::take(&mut current));
                    in_arg = false;
                }
            }
            c => {
                current.push(c);
                in_arg = true;
            }
        }
    }
    if quoted {
        return Err(format!("unclosed double quote in {text:?}"));
    }
    if in_arg {
        args.push(current);
    }
    Ok(args)
}

/// The `lull` arguments for `case`.
fn case_args(
    config: &Config,
    case: &Case,
    engine: &Engine,
    directives: &Directives,
) -> std::result::Result<Vec<String>, String> {
    // The engine's arguments go right after the subcommand, unless the case
    // gives them itself.
    let engine_args = |given: &[String]| -> Vec<String> {
        engine.args.iter().filter(|a| !given.iter().any(|g| g == *a)).map(|a| a.to_string()).collect()
    };
    if let Some(cmd) = &directives.cmd {
        let mut args: Vec<String> = cmd.iter().map(|a| a.replace("{file}", &case.path)).collect();
        let extra = engine_args(&args);
        args.splice(1.min(args.len())..1.min(args.len()), extra);
        return Ok(args);
    }
    let (subcommand, rest) = case
        .mode
        .subcommand(&case.ext)
        .split_first()
        .ok_or_else(|| "internal error: a mode without a subcommand".to_string())?;
    let mut args = vec![subcommand.to_string()];
    args.extend(engine_args(&directives.args));
    args.extend(directives.args.iter().cloned());
    args.extend(rest.iter().map(|a| a.to_string()));
    args.push(case.path.clone());
    if case.mode == Mode::Conv {
        let twin = format!("{}.b.lc", case.path.strip_suffix(".lc").unwrap_or(&case.path));
        if !config.dir.join(&twin).is_file() {
            return Err(format!("conv case without its twin {twin} (or a ui-cmd directive)"));
        }
        args.push(twin);
    }
    Ok(args)
}

/// The outcome of one case.
enum Verdict {
    Passed,
    Blessed,
    /// The report to print: command, statuses, diffs.
    Failed(String),
}

impl Verdict {
    fn label(&self) -> &'static str {
        match self {
            Verdict::Passed => "ok",
            Verdict::Blessed => "blessed",
            Verdict::Failed(_) => "FAILED",
        }
    }
}

fn run_case(config: &Config, case: &Case, engine: &Engine) -> Verdict {
    match try_run_case(config, case, engine) {
        Ok(verdict) => verdict,
        Err(message) => Verdict::Failed(message),
    }
}

fn try_run_case(config: &Config, case: &Case, engine: &Engine) -> std::result::Result<Verdict, String> {
    let source_path = config.dir.join(&case.path);
    let source = std::fs::read(&source_path).map_err(|e| format!("cannot read {}: {e}", case.path))?;
    let directives = parse_directives(&String::from_utf8_lossy(&source)).map_err(|e| format!("{}: {e}", case.path))?;
    let args = case_args(config, case, engine, &directives).map_err(|e| format!("{}: {e}", case.path))?;
    // Only the default engine's output is blessed; the others must agree.
    let blesses = config.bless && engine.is_default();
    let expected_exit = directives.exit.unwrap_or(case.mode.expected_exit());

    // Programs may write files: each runs in a private copy of its case's
    // directory (see `private_dir`), removed afterwards.
    let private = if case.mode.runs_programs() { Some(private_dir(config, case)?) } else { None };
    let cwd = private.as_ref().map_or(config.dir.as_path(), |dir| dir.path());
    let mut cmd = Command::new(&config.bin);
    cmd.args(&args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("RUST_BACKTRACE")
        .envs(engine.env.iter().copied());
    let env_line: String = engine.env.iter().map(|(k, v)| format!(" {k}={}", shell_quote(v))).collect();
    let command_line = format!(
        "cd tests/ui && NO_COLOR=1{env_line} {} {}",
        shell_quote(&config.bin.to_string_lossy()),
        args.iter().map(|a| shell_quote(a)).collect::<Vec<_>>().join(" ")
    );
    // `<case>.stdin` beside the case is its standard input; without one,
    // stdin is closed.
    let stdin_path = config.dir.join(case.snapshot("stdin"));
    let stdin = match std::fs::read(&stdin_path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {}: {e}", case.snapshot("stdin"))),
    };
    let stdin_note =
        if stdin.is_some() { format!(" < {}", shell_quote(&case.snapshot("stdin"))) } else { String::new() };
    let command_line = format!("{command_line}{stdin_note}");
    let captured = capture::run(&mut cmd, stdin, config.time_limit)
        .map_err(|e| format!("command: {command_line}\ncannot run {}: {e}", config.bin.display()))?;

    let exit_ok = captured.ending == Ending::Exited(expected_exit);
    let mut report = format!("command: {command_line}\n");
    if captured.ending == Ending::TimedOut {
        report.push_str(&format!("timed out after {} s (killed)\n", config.time_limit.as_secs_f64()));
    } else if !exit_ok {
        report.push_str(&format!("expected exit status {expected_exit}, got {}\n", captured.ending));
    }

    let mut outputs_ok = true;
    let mut blessed = false;
    for (stream, actual) in [("stdout", &captured.stdout), ("stderr", &captured.stderr)] {
        let snapshot = case.snapshot(stream);
        let snapshot_path = config.dir.join(&snapshot);
        let (expected, exists) = match std::fs::read(&snapshot_path) {
            Ok(bytes) => (bytes, true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Vec::new(), false),
            Err(e) => return Err(format!("cannot read {snapshot}: {e}")),
        };
        if expected == *actual {
            continue;
        }
        if blesses && exit_ok {
            bless(&snapshot_path, actual).map_err(|e| format!("cannot bless {snapshot}: {e}"))?;
            blessed = true;
            continue;
        }
        outputs_ok = false;
        let missing = if exists { "" } else { " (missing: empty expected)" };
        report.push_str(&format!("{stream} differs from {snapshot}{missing}:\n"));
        report.push_str(&diff(&snapshot, &expected, actual));
    }

    if exit_ok && outputs_ok {
        return Ok(if blessed { Verdict::Blessed } else { Verdict::Passed });
    }
    if config.bless && !engine.is_default() {
        report.push_str(&format!(
            "(not blessed: only the default engine's output is; the [{}] engine must agree with it)\n",
            engine.name
        ));
    } else if config.bless && !exit_ok && captured.ending != Ending::TimedOut {
        report.push_str("(not blessed: the exit status is wrong; if it is right, add `ui-exit: N` to the case)\n");
    }
    if exit_ok && !outputs_ok && engine.is_default() {
        report.push_str("(run `cargo xtask ui --bless` to accept the new output)\n");
    } else if !exit_ok {
        // The output helps to see why the status is wrong.
        for (stream, actual) in [("stdout", &captured.stdout), ("stderr", &captured.stderr)] {
            if !actual.is_empty() && !report.contains(&format!("{stream} differs")) {
                report.push_str(&format!("{stream}:\n{}", truncate_lines(&String::from_utf8_lossy(actual))));
            }
        }
    }
    Ok(Verdict::Failed(report))
}

/// A temporary directory holding `<mode>/<case>` and its auxiliary files
/// (`<mode>/<stem>.*.*`, like `run/io_read.input.txt`), so that a program
/// run from it sees the same relative paths as from `tests/ui` (and its
/// messages name the same files) while the files it writes go nowhere
/// near the repository, and two engines running the case at once do not
/// see each other's files.
fn private_dir(config: &Config, case: &Case) -> std::result::Result<tempfile::TempDir, String> {
    let dir = tempfile::Builder::new()
        .prefix("lull-ui-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let mode_dir = dir.path().join(case.mode.dir());
    std::fs::create_dir(&mode_dir).map_err(|e| format!("cannot make {}: {e}", mode_dir.display()))?;
    let case_name = Path::new(&case.path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let aux_prefix = format!("{}.", case_name.strip_suffix(&format!(".{}", case.ext)).unwrap_or(&case_name));
    let source_dir = config.dir.join(case.mode.dir());
    let entries = std::fs::read_dir(&source_dir).map_err(|e| format!("cannot read {}: {e}", source_dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_aux = name.strip_prefix(aux_prefix.as_str()).is_some_and(|rest| rest.contains('.'));
        if name == case_name || is_aux {
            std::fs::copy(entry.path(), mode_dir.join(&name)).map_err(|e| format!("cannot copy {name}: {e}"))?;
        }
    }
    Ok(dir)
}

/// Writes a snapshot, or deletes it when the output is empty.
fn bless(path: &Path, actual: &[u8]) -> std::io::Result<()> {
    if actual.is_empty() {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    } else {
        std::fs::write(path, actual)
    }
}

/// At most this many lines of a diff or an output are printed.
const MAX_REPORT_LINES: usize = 200;

/// A unified diff of the expected and actual output.
fn diff(snapshot: &str, expected: &[u8], actual: &[u8]) -> String {
    let expected = String::from_utf8_lossy(expected);
    let actual = String::from_utf8_lossy(actual);
    let diff = TextDiff::configure().timeout(Duration::from_secs(5)).diff_lines(expected.as_ref(), actual.as_ref());
    let text = diff.unified_diff().context_radius(3).header(&format!("expected ({snapshot})"), "actual").to_string();
    truncate_lines(&text)
}

fn truncate_lines(text: &str) -> String {
    let total = text.lines().count();
    let mut out: String = text.lines().take(MAX_REPORT_LINES).flat_map(|l| [l, "\n"]).collect();
    if total > MAX_REPORT_LINES {
        out.push_str(&format!("... ({} more lines)\n", total - MAX_REPORT_LINES));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn splits_arguments_with_quotes() {
        assert_eq!(split_args("  --a  b ").unwrap(), ["--a", "b"]);
        assert_eq!(split_args(r#"conv -e "λx. x" "λy.y""#).unwrap(), ["conv", "-e", "λx. x", "λy.y"]);
        assert_eq!(split_args(r#"a "" b"#).unwrap(), ["a", "", "b"]);
        assert_eq!(split_args(r#"--name="a b""#).unwrap(), ["--name=a b"]);
        assert!(split_args(r#"a "b"#).is_err());
    }

    #[test]
    fn reads_directives_anywhere_in_comments() {
        let text = "/- ui-args: --steps 10 -/\nλx. x\n-- ui-exit: 2\n{- ui-args: \"a b\" -}\n";
        let d = parse_directives(text).unwrap();
        assert_eq!(d.args, ["--steps", "10", "a b"]);
        assert_eq!(d.exit, Some(2));
        assert_eq!(d.cmd, None);
        let d = parse_directives("/- ui-cmd: conv -e \"λx.x\" {file} -/").unwrap();
        assert_eq!(d.cmd.unwrap(), ["conv", "-e", "λx.x", "{file}"]);
        assert!(parse_directives("ui-exit: two").is_err());
        assert!(parse_directives("ui-exit: 1\nui-exit: 2").is_err());
        assert!(parse_directives("ui-cmd: nf\nui-args: --x").is_err());
        let d = parse_directives("-- ui-skip-engine: gc-stress asan\n").unwrap();
        assert_eq!(d.skip_engines, ["gc-stress", "asan"]);
    }

    /// A fake `lull`: prints its arguments on stdout, `warning` on stderr
    /// when the case (its last argument) contains WARN, sleeps when it
    /// contains SLEEP, and exits with the number after `EXIT=`.
    const STUB: &str = r#"#!/bin/sh
for last; do :; done
echo "args: $*"
[ -n "$LULL_RT" ] && echo "rt: $LULL_RT"
if [ -f "$last" ]; then
  grep -q WARN "$last" && echo warning >&2
  grep -q SLEEP "$last" && sleep 30
  code=$(sed -n 's/.*EXIT=\([0-9]*\).*/\1/p' "$last" | head -n 1)
  exit "${code:-0}"
fi
exit 0
"#;

    struct Fixture {
        _tmp: tempfile::TempDir,
        config: Config,
    }

    impl Fixture {
        fn new() -> Fixture {
            let tmp = tempfile::tempdir().unwrap();
            let bin = tmp.path().join("fake-lull");
            std::fs::write(&bin, STUB).unwrap();
            std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
            wait_until_executable(&bin);
            let dir = tmp.path().join("ui");
            std::fs::create_dir(&dir).unwrap();
            let config = Config {
                dir,
                bin,
                bless: false,
                filter: None,
                engines: vec![Engine::DEFAULT],
                time_limit: Duration::from_secs(20),
                jobs: 2,
            };
            Fixture { _tmp: tmp, config }
        }

        fn write(&self, path: &str, text: &str) {
            let path = self.config.dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }

        fn read(&self, path: &str) -> Option<String> {
            std::fs::read_to_string(self.config.dir.join(path)).ok()
        }

        fn run(&self) -> Summary {
            run_suite(&self.config).unwrap()
        }
    }

    /// Runs the freshly written `bin` until exec stops failing with
    /// ETXTBSY: a thread of another test that forks while our write handle
    /// is open gives its child a copy of that handle until the child execs.
    fn wait_until_executable(bin: &Path) {
        for _ in 0..100 {
            match Command::new(bin).output() {
                Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => std::thread::sleep(Duration::from_millis(10)),
                other => {
                    other.unwrap();
                    return;
                }
            }
        }
        panic!("{} stays busy", bin.display());
    }

    fn summary(passed: usize, failed: usize, blessed: usize) -> Summary {
        Summary { passed, failed, blessed }
    }

    #[test]
    fn passes_when_outputs_and_status_match() {
        let f = Fixture::new();
        f.write("nf/id.lc", "λx. x\n");
        f.write("nf/id.stdout", "args: nf nf/id.lc\n");
        f.write("limit/big.lc", "EXIT=2\n");
        f.write("limit/big.stdout", "args: nf limit/big.lc\n");
        f.write("fail/bad.core", "EXIT=1 WARN\n");
        f.write("fail/bad.stdout", "args: run --core fail/bad.core\n");
        f.write("fail/bad.stderr", "warning\n");
        f.write("conv/eq.lc", "x\n");
        f.write("conv/eq.b.lc", "x\n");
        f.write("conv/eq.stdout", "args: conv conv/eq.lc conv/eq.b.lc\n");
        f.write("emit/e.core", "/- ui-args: --flat -/\n");
        f.write("emit/e.stdout", "args: emit --flat --core emit/e.core\n");
        f.write("check/c.lull", "-- ui-exit: 3\nEXIT=3\n");
        f.write("check/c.stdout", "args: emit --types check/c.lull\n");
        f.write("run/r.lull", "{- ui-cmd: conv -e \"a b\" {file} -}\n");
        f.write("run/r.stdout", "args: conv -e a b run/r.lull\n");
        f.write("README.md", "not a case\n");
        assert_eq!(f.run(), summary(7, 0, 0));
    }

    #[test]
    fn fails_on_wrong_output_or_status() {
        let f = Fixture::new();
        f.write("nf/out.lc", "\n");
        f.write("nf/out.stdout", "something else\n");
        f.write("nf/status.lc", "EXIT=1\n");
        f.write("nf/status.stdout", "args: nf nf/status.lc\n");
        f.write("nf/stderr.lc", "WARN\n"); // Missing .stderr: expected empty.
        f.write("nf/stderr.stdout", "args: nf nf/stderr.lc\n");
        assert_eq!(f.run(), summary(0, 3, 0));
    }

    #[test]
    fn bless_writes_and_deletes_snapshots() {
        let mut f = Fixture::new();
        f.write("nf/a.lc", "WARN\n");
        f.write("nf/b.lc", "\n");
        f.write("nf/b.stderr", "stale\n");
        f.write("nf/c.lc", "EXIT=1\n");
        f.config.bless = true;
        assert_eq!(f.run(), summary(0, 1, 2));
        assert_eq!(f.read("nf/a.stdout").as_deref(), Some("args: nf nf/a.lc\n"));
        assert_eq!(f.read("nf/a.stderr").as_deref(), Some("warning\n"));
        assert_eq!(f.read("nf/b.stderr"), None);
        assert_eq!(f.read("nf/c.stdout"), None, "a wrong exit status is not blessed");
        f.config.bless = false;
        f.config.filter = Some("nf/a".into());
        assert_eq!(f.run(), summary(1, 0, 0));
    }

    #[test]
    fn engines_rerun_their_modes_with_their_arguments_and_environment() {
        let mut f = Fixture::new();
        // The stub prints its arguments: the interp engine's `--interp`
        // makes its output differ, except where the case gives it itself.
        f.write("nf/a.lc", "\n");
        f.write("nf/a.stdout", "args: nf nf/a.lc\n");
        f.write("nf/b.lc", "/- ui-args: --interp -/\n");
        f.write("nf/b.stdout", "args: nf --interp nf/b.lc\n");
        f.write("nf/c.lc", "/- ui-cmd: nf --interp -e x -/\n");
        f.write("nf/c.stdout", "args: nf --interp -e x\n");
        f.write("emit/e.lc", "\n"); // Not an engine mode: default engine only.
        f.write("emit/e.stdout", "args: emit --core emit/e.lc\n");
        let rt = Engine { name: "rt", env: &[("LULL_RT", "x")], every: 2, ..Engine::INTERP };
        f.config.engines = vec![Engine::DEFAULT, Engine::INTERP, Engine { args: &[], ..rt }];
        f.write("nf/d.lc", "/- ui-skip-engine: interp -/\n");
        f.write("nf/d.stdout", "args: nf nf/d.lc\n");
        // Default: 5 pass. interp: b and c pass, a fails, d is skipped. rt (a and c):
        // both print `rt: x` too, so both fail.
        assert_eq!(f.run(), summary(7, 3, 0));
        f.config.filter = Some("[interp]".into());
        assert_eq!(f.run(), summary(2, 1, 0));
        // Blessing never takes another engine's output.
        f.config.filter = None;
        f.config.bless = true;
        assert_eq!(f.run(), summary(7, 3, 0));
        assert_eq!(f.read("nf/a.stdout").as_deref(), Some("args: nf nf/a.lc\n"));
    }

    #[test]
    fn a_stdin_file_is_the_case_input() {
        let mut f = Fixture::new();
        // `env sh -c cat` echoes the input.
        f.write("run/in.lull", "{- ui-cmd: sh -c \"cat\" -}\n");
        f.write("run/in.stdin", "line one\nline two\n");
        f.write("run/in.stdout", "line one\nline two\n");
        // Without a .stdin file, stdin is closed: cat prints nothing.
        f.write("run/none.lull", "{- ui-cmd: sh -c \"cat\" -}\n");
        f.write("run/lost.stdin", "\n"); // Input without a case.
        f.config.bin = PathBuf::from("/usr/bin/env");
        assert_eq!(f.run(), summary(2, 1, 0));
    }

    #[test]
    fn programs_run_in_a_private_directory() {
        let mut f = Fixture::new();
        // The program sees its case and its auxiliary files, and nothing
        // it writes reaches tests/ui.
        f.write("run/files.lull", "{- ui-cmd: sh -c \"ls run; echo x > out.txt\" -}\n");
        f.write("run/files.input.txt", "data\n");
        f.write("run/other.lull", "{- ui-cmd: true -}\n");
        f.write("run/files.stdout", "files.input.txt\nfiles.lull\n");
        f.config.bin = PathBuf::from("/usr/bin/env");
        assert_eq!(f.run(), summary(2, 0, 0));
        assert_eq!(f.read("out.txt"), None);
    }

    #[test]
    fn kills_cases_that_run_too_long() {
        let mut f = Fixture::new();
        f.write("nf/slow.lc", "SLEEP\n");
        f.config.time_limit = Duration::from_millis(300);
        assert_eq!(f.run(), summary(0, 1, 0));
    }

    #[test]
    fn reports_layout_problems() {
        let f = Fixture::new();
        f.write("nf/ok.lc", "\n");
        f.write("nf/ok.stdout", "args: nf nf/ok.lc\n");
        f.write("nf/aux.b.lc", "\n"); // Auxiliary: not a case, no problem.
        f.write("nf/notes.txt", "\n"); // Unknown extension.
        f.write("nf/x.core", "\n"); // Not a case extension of nf.
        f.write("nf/gone.stdout", "\n"); // Snapshot without a case.
        f.write("bogus/a.lc", "\n"); // Unknown mode.
        f.write("conv/lonely.lc", "\n"); // conv without twin.
        assert_eq!(f.run(), summary(1, 5, 0));
        let Discovery { cases, problems } = discover(&f.config.dir).unwrap();
        let paths: Vec<_> = cases.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["conv/lonely.lc", "nf/ok.lc"]);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].starts_with("bogus/: unknown mode"), "{problems:#?}");
    }

    #[test]
    fn the_repository_layout_is_valid() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/ui");
        let Discovery { problems, .. } = discover(&dir).unwrap();
        assert!(problems.is_empty(), "problems in tests/ui: {problems:#?}");
    }
}
