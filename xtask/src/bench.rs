//! Benchmarks: runs `lull` on the benchmark inputs under each engine,
//! measuring wall time and the child's peak resident set size, checks the
//! output, and prints a table.
//!
//! A benchmark is a [`Task`] (a command, its inputs and its expected output)
//! run under every [`Engine`]. The first engine, the reference interpreter,
//! is the reference: each other engine's time on the same task is shown as a
//! ratio against it (native / interp). An engine that fails a task is
//! reported in its row and in the error at the end; the other runs go on.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::error::{Error, Result};
use crate::project::{command_line, step, Project};

mod procs;

/// A way of running `lull`: arguments right after the subcommand.
struct Engine {
    name: &'static str,
    args: &'static [&'static str],
}

/// The engines, the reference first.
const ENGINES: &[Engine] = &[Engine { name: "interp", args: &["--interp"] }, Engine { name: "native", args: &[] }];

/// A benchmark: `lull <command> <engine args> <files>` and what it must print.
struct Task {
    name: &'static str,
    /// The subcommand and its options.
    command: &'static [&'static str],
    /// The inputs, relative to the repository root.
    files: &'static [&'static str],
    /// Whether `--quick` runs it.
    quick: bool,
    expect: Expect,
}

/// The expected standard output. Large outputs are never kept in memory:
/// only their length, first and last bytes are compared.
enum Expect {
    /// Exactly this text (a trailing newline is optional).
    Exact(&'static str),
    /// The Church numeral `n` in normal form: `λ a b. a (a (... (a b)))`.
    ChurchNumeral(u64),
    /// `N nodes` (from `--discard`), the same N under every engine.
    Nodes,
}

/// Normalise with `--discard`: the whole normal form is built, only its size printed.
const NF_DISCARD: &[&str] = &["nf", "--discard"];

const TASKS: &[Task] = &[
    Task {
        name: "bench",
        command: &["nf"],
        files: &["examples/bench.lc"],
        quick: true,
        expect: Expect::Exact("λ a b. b"),
    },
    Task {
        name: "nat5m-print",
        command: &["nf"],
        files: &["benches/lc/nat5m.lc"],
        quick: false,
        expect: Expect::ChurchNumeral(5_000_000),
    },
    Task { name: "nat5m", command: NF_DISCARD, files: &["benches/lc/nat5m.lc"], quick: false, expect: Expect::Nodes },
    Task { name: "nat10m", command: NF_DISCARD, files: &["benches/lc/nat10m.lc"], quick: false, expect: Expect::Nodes },
    Task { name: "tree2m", command: NF_DISCARD, files: &["benches/lc/tree2m.lc"], quick: false, expect: Expect::Nodes },
    Task { name: "tree8m", command: NF_DISCARD, files: &["benches/lc/tree8m.lc"], quick: false, expect: Expect::Nodes },
    // Compile time: a 750-definition program (about 3,750 codes) whose run
    // is short, so the native figure is LLVM's time.
    Task {
        name: "compile750",
        command: NF_DISCARD,
        files: &["benches/lc/compile750.lc"],
        quick: false,
        expect: Expect::Nodes,
    },
    Task {
        name: "conv-nat5m",
        command: &["conv"],
        files: &["benches/lc/nat5m.lc", "benches/lc/nat5m-b.lc"],
        quick: false,
        expect: Expect::Exact("true"),
    },
    Task {
        name: "conv-nat10m",
        command: &["conv"],
        files: &["benches/lc/nat10m.lc", "benches/lc/nat10m-b.lc"],
        quick: false,
        expect: Expect::Exact("true"),
    },
    Task {
        name: "conv-tree2m",
        command: &["conv"],
        files: &["benches/lc/tree2m.lc", "benches/lc/tree2m-b.lc"],
        quick: false,
        expect: Expect::Exact("true"),
    },
    Task {
        name: "conv-tree8m",
        command: &["conv"],
        files: &["benches/lc/tree8m.lc", "benches/lc/tree8m-b.lc"],
        quick: false,
        expect: Expect::Exact("true"),
    },
];

/// Where the benchmark inputs come from when the repository has no copy.
const SHARED_BENCH_DIR: &str = "../shared/bench";

/// Options of `cargo xtask bench`.
pub struct Options {
    pub quick: bool,
    /// Only the procs benchmarks ([`procs`]).
    pub procs: bool,
}

/// One measured run.
struct Measurement {
    seconds: f64,
    peak_mb: f64,
}

/// Builds `lull` in release and runs the benchmarks.
pub fn run(project: &Project, options: Options) -> Result<()> {
    let bin = project.build_lull()?;
    if options.procs {
        let mut failures = Vec::new();
        procs::run(project, &bin, &mut failures)?;
        return failed(&failures);
    }
    let tasks: Vec<&Task> = TASKS.iter().filter(|t| t.quick || !options.quick).collect();
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for task in &tasks {
        let inputs = task.files.iter().map(|f| locate_input(project, f)).collect::<Result<Vec<_>>>()?;
        let mut reference: Option<f64> = None;
        // The first output of a `Nodes` task, which the other engines must match.
        let mut agreed: Option<OutputDigest> = None;
        for (index, engine) in ENGINES.iter().enumerate() {
            let mut cmd = Command::new(&bin);
            let (subcommand, options) = task.command.split_first().ok_or_else(|| Error::new("bench: empty command"))?;
            cmd.current_dir(&project.root).arg(subcommand).args(engine.args).args(options).args(&inputs);
            step(format!("bench: {} ({}): {}", task.name, engine.name, command_line(&cmd)));
            let result = measure(&mut cmd).and_then(|(m, output)| {
                check_output(&task.expect, &output)?;
                if let Expect::Nodes = task.expect {
                    match &agreed {
                        Some(first) if !first.same_as(&output) => {
                            return Err(Error::new(format!(
                                "printed {:?}, another engine {:?}",
                                String::from_utf8_lossy(&output.head),
                                String::from_utf8_lossy(&first.head)
                            )))
                        }
                        Some(_) => {}
                        None => agreed = Some(output),
                    }
                }
                Ok(m)
            });
            match result {
                Ok(m) => {
                    if index == 0 {
                        reference = Some(m.seconds);
                    }
                    let ratio = match reference {
                        Some(r) if index > 0 && r > 0.0 => format!("{:.2}", m.seconds / r),
                        _ => "-".to_string(),
                    };
                    rows.push([
                        task.name.to_string(),
                        engine.name.to_string(),
                        format!("{:.3}", m.seconds),
                        format!("{:.1}", m.peak_mb),
                        ratio,
                    ]);
                }
                Err(e) => {
                    rows.push([
                        task.name.to_string(),
                        engine.name.to_string(),
                        "failed".to_string(),
                        "-".to_string(),
                        "-".to_string(),
                    ]);
                    failures.push(format!("{} ({}): {e}", task.name, engine.name));
                }
            }
        }
    }
    if !options.quick {
        check_bench(project, &bin, &mut rows, &mut failures)?;
    }
    lull_bench(project, &bin, options.quick, &mut rows, &mut failures)?;
    print_table(&rows);
    if !options.quick {
        procs::run(project, &bin, &mut failures)?;
    }
    failed(&failures)
}

/// The error that names every failed run, if any.
fn failed(failures: &[String]) -> Result<()> {
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::new(format!("bench: {} run(s) failed:\n  {}", failures.len(), failures.join("\n  "))))
    }
}

/// Lines of the generated program that `lull check` is timed on.
const CHECK_LINES: usize = 10_000;

/// The front end's benchmark: `lull check` on a generated
/// [`CHECK_LINES`]-line program (see `gen_lull.rs`), against
/// `ghc -fno-code` on the same text when GHC is installed (it is the peer,
/// never needed: the row says `-` without it).
fn check_bench(project: &Project, bin: &Path, rows: &mut Vec<[String; 5]>, failures: &mut Vec<String>) -> Result<()> {
    let dir = project.target_dir.join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| Error::new(format!("bench: cannot create {}: {e}", dir.display())))?;
    let text = crate::gen_lull::program(CHECK_LINES);
    let lull_file = dir.join("check10k.lull");
    let hs_file = dir.join("check10k.hs");
    for file in [&lull_file, &hs_file] {
        std::fs::write(file, &text).map_err(|e| Error::new(format!("bench: cannot write {}: {e}", file.display())))?;
    }
    let name = "check10k";
    let mut runs: Vec<(&str, Command)> = Vec::new();
    if have_ghc() {
        let mut ghc = Command::new("ghc");
        ghc.arg("-fno-code").arg("-outputdir").arg(dir.join("ghc-out")).arg(&hs_file);
        runs.push(("ghc -fno-code", ghc));
    }
    let mut lull = Command::new(bin);
    lull.arg("check").arg(&lull_file);
    runs.push(("lull check", lull));
    let peer_present = runs.len() > 1;
    let mut reference = None;
    for (engine, mut cmd) in runs {
        step(format!("bench: {name} ({engine}): {}", command_line(&cmd)));
        match measure(&mut cmd) {
            Ok((m, _)) => {
                let ratio = match reference {
                    Some(r) if r > 0.0 => format!("{:.2}", m.seconds / r),
                    _ => "-".to_string(),
                };
                if peer_present && reference.is_none() {
                    reference = Some(m.seconds);
                }
                rows.push([
                    name.to_string(),
                    engine.to_string(),
                    format!("{:.3}", m.seconds),
                    format!("{:.1}", m.peak_mb),
                    ratio,
                ]);
            }
            Err(e) => {
                rows.push([name.to_string(), engine.to_string(), "failed".into(), "-".into(), "-".into()]);
                failures.push(format!("{name} ({engine}): {e}"));
            }
        }
    }
    Ok(())
}

/// Lull programs in `benches/lull/` (valid Haskell) and what they print.
const LULL_PROGRAMS: &[(&str, &str)] = &[("queens", "14200"), ("primes", "27457"), ("nfib", "48315633"), ("tak", "11")];

/// Whether `ghc` is installed (the peer of the Lull benchmarks; optional).
fn have_ghc() -> bool {
    Command::new("ghc").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// The Lull language's benchmarks: start-up (`lull run` of hello world,
/// compile and run), compile time (`lull build` of a generated 200-line
/// program), and the run time of the executables `lull build` makes for
/// [`LULL_PROGRAMS`] against the same programs compiled by `ghc -O2`.
fn lull_bench(
    project: &Project,
    bin: &Path,
    quick: bool,
    rows: &mut Vec<[String; 5]>,
    failures: &mut Vec<String>,
) -> Result<()> {
    let dir = project.target_dir.join("bench").join("lull");
    std::fs::create_dir_all(&dir).map_err(|e| Error::new(format!("bench: cannot create {}: {e}", dir.display())))?;
    let ghc = have_ghc();
    // Start-up: the whole `lull run` of the smallest program.
    let hello = project.root.join("benches/lull/hello.lull");
    let mut cmd = Command::new(bin);
    cmd.arg("run").arg(&hello);
    step(format!("bench: hello (lull run): {}", command_line(&cmd)));
    record(rows, failures, "hello", "lull run", measure(&mut cmd), Some("Hello, world!"), None);
    // Compile time of a 200-line program.
    let text = crate::gen_lull::program(200);
    let src = dir.join("build200.lull");
    std::fs::write(&src, &text).map_err(|e| Error::new(format!("bench: cannot write {}: {e}", src.display())))?;
    let mut cmd = Command::new(bin);
    cmd.arg("build").arg(&src).arg("-o").arg(dir.join("build200"));
    step(format!("bench: build200 (lull build): {}", command_line(&cmd)));
    record(rows, failures, "build200", "lull build", measure(&mut cmd), None, None);
    if quick {
        return Ok(());
    }
    for (name, expect) in LULL_PROGRAMS {
        let src = project.root.join("benches/lull").join(format!("{name}.lull"));
        let mut peer = None;
        if ghc {
            // GHC wants a `.hs` name; its build is not timed.
            let hs = dir.join(format!("{name}.hs"));
            let exe = dir.join(format!("{name}.ghc"));
            std::fs::copy(&src, &hs).map_err(|e| Error::new(format!("bench: cannot copy {}: {e}", src.display())))?;
            let mut build = Command::new("ghc");
            build
                .args(["-O2", "-v0", "-outputdir"])
                .arg(dir.join(format!("{name}.ghc-out")))
                .arg(&hs)
                .arg("-o")
                .arg(&exe);
            step(format!("bench: {name}: {}", command_line(&build)));
            let built = build.status().map_err(|e| Error::new(format!("cannot run ghc: {e}")))?;
            if built.success() {
                let mut cmd = Command::new(&exe);
                step(format!("bench: {name} (ghc -O2): {}", command_line(&cmd)));
                peer = record(rows, failures, name, "ghc -O2", measure(&mut cmd), Some(expect), None);
            } else {
                failures.push(format!("{name} (ghc -O2): ghc failed"));
            }
        }
        let exe = dir.join(format!("{name}.lull-exe"));
        let mut build = Command::new(bin);
        build.arg("build").arg(&src).arg("-o").arg(&exe);
        step(format!("bench: {name}: {}", command_line(&build)));
        let built = build.status().map_err(|e| Error::new(format!("cannot run lull: {e}")))?;
        if !built.success() {
            failures.push(format!("{name} (lull build): the build failed"));
            continue;
        }
        let mut cmd = Command::new(&exe);
        step(format!("bench: {name} (lull build): {}", command_line(&cmd)));
        record(rows, failures, name, "lull build", measure(&mut cmd), Some(expect), peer);
    }
    Ok(())
}

/// Adds the row of one measured run (its output checked against `expect`,
/// its time as a ratio against `peer`'s); the seconds when it succeeded.
fn record(
    rows: &mut Vec<[String; 5]>,
    failures: &mut Vec<String>,
    name: &str,
    engine: &str,
    result: Result<(Measurement, OutputDigest)>,
    expect: Option<&'static str>,
    peer: Option<f64>,
) -> Option<f64> {
    let checked = result.and_then(|(m, out)| match expect {
        Some(text) => check_output(&Expect::Exact(text), &out).map(|()| m),
        None => Ok(m),
    });
    match checked {
        Ok(m) => {
            let ratio = peer.filter(|p| *p > 0.0).map_or("-".to_string(), |p| format!("{:.2}", m.seconds / p));
            rows.push([name.into(), engine.into(), format!("{:.3}", m.seconds), format!("{:.1}", m.peak_mb), ratio]);
            Some(m.seconds)
        }
        Err(e) => {
            rows.push([name.into(), engine.into(), "failed".into(), "-".into(), "-".into()]);
            failures.push(format!("{name} ({engine}): {e}"));
            None
        }
    }
}

/// The repository's copy of a benchmark input, or the shared one.
fn locate_input(project: &Project, file: &str) -> Result<PathBuf> {
    let in_repo = project.root.join(file);
    if in_repo.is_file() {
        return Ok(PathBuf::from(file));
    }
    let name = Path::new(file).file_name().unwrap_or_default();
    let shared = project.root.join(SHARED_BENCH_DIR).join(name);
    if shared.is_file() {
        return Ok(shared);
    }
    Err(Error::new(format!("bench: input {file} not found (nor {})", shared.display())))
}

/// What the child printed on stdout, summarised.
#[derive(Debug, Default)]
struct OutputDigest {
    len: u64,
    /// The first [`DIGEST_EDGE`] bytes.
    head: Vec<u8>,
    /// The last [`DIGEST_EDGE`] bytes.
    tail: Vec<u8>,
}

const DIGEST_EDGE: usize = 64;

impl OutputDigest {
    fn add(&mut self, bytes: &[u8]) {
        self.len += bytes.len() as u64;
        let room = DIGEST_EDGE.saturating_sub(self.head.len());
        self.head.extend_from_slice(&bytes[..room.min(bytes.len())]);
        self.tail.extend_from_slice(&bytes[bytes.len().saturating_sub(DIGEST_EDGE)..]);
        let excess = self.tail.len().saturating_sub(DIGEST_EDGE);
        self.tail.drain(..excess);
    }

    /// Whether the whole output is in `head`.
    fn is_complete(&self) -> bool {
        self.len as usize == self.head.len()
    }

    /// Whether two digests are of the same output (as far as they tell).
    fn same_as(&self, other: &OutputDigest) -> bool {
        self.len == other.len && self.head == other.head && self.tail == other.tail
    }
}

/// Runs `cmd` to its end, streaming its stdout into a digest, and measures
/// its wall time and peak RSS.
///
/// The peak RSS is the child's own `ru_maxrss`, read with `wait4`: the
/// `getrusage(RUSAGE_CHILDREN)` figure would be the maximum over every child
/// xtask ever waited for, `cargo build` (and its rustc) included.
fn measure(cmd: &mut Command) -> Result<(Measurement, OutputDigest)> {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::new(format!("cannot run {}: {e}", command_line(cmd))))?;
    let mut stdout = child.stdout.take().ok_or_else(|| Error::new("no stdout pipe"))?;
    let mut stderr = child.stderr.take().ok_or_else(|| Error::new("no stderr pipe"))?;
    let stderr_reader = std::thread::spawn(move || {
        let mut buffer = Vec::new();
        let _ = stderr.read_to_end(&mut buffer);
        buffer
    });
    let mut digest = OutputDigest::default();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        match stdout.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => digest.add(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::new(format!("reading lull's output: {e}"))),
        }
    }
    let (status, peak_kb) = wait_with_rusage(child.id())?;
    let seconds = start.elapsed().as_secs_f64();
    let stderr = stderr_reader.join().unwrap_or_default();
    if status != 0 {
        let stderr = String::from_utf8_lossy(&stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        let tail = lines[lines.len().saturating_sub(10)..].join("\n");
        return Err(Error::new(format!(
            "lull failed ({}); its stderr ends with:\n{tail}",
            describe_wait_status(status)
        )));
    }
    Ok((Measurement { seconds, peak_mb: peak_kb as f64 / 1024.0 }, digest))
}

/// Waits for the child `pid`, returning its raw wait status and its peak
/// RSS in KiB.
fn wait_with_rusage(pid: u32) -> Result<(i32, i64)> {
    let pid = libc::pid_t::try_from(pid).map_err(|_| Error::new("child pid out of range"))?;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; wait4 fills it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our own child, not yet reaped (std's Child is never
        // waited on); the pointers are to live locals.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(Error::new(format!("waiting for lull: {e}")));
        }
    }
    Ok((status, usage.ru_maxrss))
}

fn describe_wait_status(status: i32) -> String {
    if libc::WIFEXITED(status) {
        format!("exit status {}", libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        format!("killed by signal {}", libc::WTERMSIG(status))
    } else {
        format!("wait status {status}")
    }
}

/// Checks the digest of `lull`'s output against the expectation.
fn check_output(expect: &Expect, digest: &OutputDigest) -> Result<()> {
    let (len, head, tail) = match expect {
        Expect::Exact(text) => {
            let actual = String::from_utf8_lossy(&digest.head);
            if digest.is_complete() && actual.strip_suffix('\n').unwrap_or(&actual) == *text {
                return Ok(());
            }
            return Err(Error::new(format!(
                "expected output {text:?}, got {:?}{}",
                actual,
                if digest.is_complete() { "" } else { " (truncated)" }
            )));
        }
        Expect::ChurchNumeral(n) => church_numeral_shape(*n),
        Expect::Nodes => {
            let actual = String::from_utf8_lossy(&digest.head);
            let text = actual.strip_suffix('\n').unwrap_or(&actual);
            let count = text.strip_suffix(" nodes").filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if digest.is_complete() && count.is_some() {
                return Ok(());
            }
            return Err(Error::new(format!("expected `N nodes`, got {actual:?}")));
        }
    };
    let actual_len = digest.len - u64::from(digest.tail.last() == Some(&b'\n'));
    let actual_tail = digest.tail.strip_suffix(b"\n").unwrap_or(&digest.tail);
    let head_ok = digest.head.starts_with(&head) || head.starts_with(&digest.head) && digest.is_complete();
    if actual_len == len && head_ok && actual_tail.ends_with(&tail) {
        return Ok(());
    }
    Err(Error::new(format!(
        "expected {len} bytes starting {:?} and ending {:?}, got {actual_len} bytes starting {:?} and ending {:?}",
        String::from_utf8_lossy(&head),
        String::from_utf8_lossy(&tail),
        String::from_utf8_lossy(&digest.head[..head.len().min(digest.head.len())]),
        String::from_utf8_lossy(actual_tail),
    )))
}

/// The length (without a final newline), first 20 bytes and last 20 bytes
/// of the Church numeral `n` printed as `λ a b. a (a (... (a b)))`.
fn church_numeral_shape(n: u64) -> (u64, Vec<u8>, Vec<u8>) {
    const EDGE: usize = 20;
    let text = |k: u64| -> String {
        match k {
            0 => "λ a b. b".to_string(),
            k => format!("λ a b. {}a b{}", "a (".repeat(k as usize - 1), ")".repeat(k as usize - 1)),
        }
    };
    let len = match n {
        0 => "λ a b. b".len() as u64,
        // "λ a b. " + (n-1) × "a (" + "a b" + (n-1) × ")".
        n => "λ a b. ".len() as u64 + 3 * (n - 1) + 3 + (n - 1),
    };
    // The edges of a small numeral are those of the large one.
    let small = text(n.min(EDGE as u64 + 1));
    let bytes = small.as_bytes();
    let head = bytes[..EDGE.min(bytes.len())].to_vec();
    let tail = bytes[bytes.len().saturating_sub(EDGE)..].to_vec();
    (len, head, tail)
}

fn print_table(rows: &[[String; 5]]) {
    let header = ["name", "engine", "seconds", "peak MB", "ratio"];
    let mut widths = header.map(str::len);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        format!(
            "{:<w0$}  {:<w1$}  {:>w2$}  {:>w3$}  {:>w4$}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
            w4 = widths[4]
        )
    };
    println!("{}", line(header));
    for row in rows {
        println!("{}", line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest_of(text: &str) -> OutputDigest {
        let mut digest = OutputDigest::default();
        for chunk in text.as_bytes().chunks(7) {
            digest.add(chunk);
        }
        digest
    }

    #[test]
    fn church_numeral_shapes_match_the_text() {
        for n in [0u64, 1, 2, 5, 21, 22, 100] {
            let text = match n {
                0 => "λ a b. b".to_string(),
                n => format!("λ a b. {}a b{}", "a (".repeat(n as usize - 1), ")".repeat(n as usize - 1)),
            };
            let (len, _, _) = church_numeral_shape(n);
            assert_eq!(len, text.len() as u64, "n = {n}");
            check_output(&Expect::ChurchNumeral(n), &digest_of(&format!("{text}\n"))).unwrap();
            check_output(&Expect::ChurchNumeral(n), &digest_of(&text)).unwrap();
            assert!(check_output(&Expect::ChurchNumeral(n + 1), &digest_of(&text)).is_err());
        }
        assert_eq!(church_numeral_shape(5_000_000).0, 20_000_007);
    }

    #[test]
    fn node_counts() {
        check_output(&Expect::Nodes, &digest_of("123 nodes\n")).unwrap();
        assert!(check_output(&Expect::Nodes, &digest_of(" nodes\n")).is_err());
        assert!(check_output(&Expect::Nodes, &digest_of("λ a b. b\n")).is_err());
        assert!(digest_of("12 nodes\n").same_as(&digest_of("12 nodes\n")));
        assert!(!digest_of("12 nodes\n").same_as(&digest_of("13 nodes\n")));
    }

    #[test]
    fn exact_outputs() {
        check_output(&Expect::Exact("λ a b. b"), &digest_of("λ a b. b\n")).unwrap();
        assert!(check_output(&Expect::Exact("λ a b. b"), &digest_of("λ a b. a\n")).is_err());
        let long = "x".repeat(1000);
        assert!(check_output(&Expect::Exact("x"), &digest_of(&long)).is_err());
    }

    #[test]
    fn digest_keeps_the_edges() {
        let text: String = (0..1000).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        let digest = digest_of(&text);
        assert_eq!(digest.len, 1000);
        assert_eq!(digest.head, text.as_bytes()[..DIGEST_EDGE]);
        assert_eq!(digest.tail, text.as_bytes()[1000 - DIGEST_EDGE..]);
    }

    #[test]
    fn every_task_input_is_in_the_repository() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for task in TASKS {
            for file in task.files {
                assert!(root.join(file).is_file(), "{file} is missing");
            }
        }
    }
}
