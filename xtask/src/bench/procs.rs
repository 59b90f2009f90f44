//! The procs benchmarks (`benches/procs/`): a ring of procs passing a
//! counter, the spawn of many procs, the memory of idle procs, and the hot
//! split. The first three run beside the same program in Erlang (`erl`)
//! and in GHC (`forkIO` and `MVar`s, `ghc -O2`) when those are installed,
//! in the same run; the hot split's peer is the same loop away from a
//! segment boundary.
//!
//! A time per hop or per spawn is the run's wall time less that of the
//! program's smallest case (its start-up), divided by the count; every
//! time is the best of [`RUNS`]. Memory per idle proc is the difference of
//! the resident sets the programs print at two counts.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{check_output, measure, Expect, Measurement, OutputDigest};
use crate::error::{Error, Result};
use crate::project::{command_line, step, Project};

/// Runs per figure; the best is kept.
const RUNS: usize = 3;

/// Who runs a program.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Peer {
    Lull,
    Erlang,
    Ghc,
}

impl Peer {
    fn name(self) -> &'static str {
        match self {
            Peer::Lull => "lull build",
            Peer::Erlang => "erlang",
            Peer::Ghc => "ghc -O2",
        }
    }
}

/// A program of `benches/procs/` in each language.
struct Program {
    /// The Lull file's and the Erlang module's name.
    name: &'static str,
    /// The Haskell file (its module is `Main`).
    haskell: &'static str,
    /// Extra options for `ghc`.
    ghc_options: &'static [&'static str],
}

const RING: Program = Program { name: "ring", haskell: "Ring.hs", ghc_options: &["-threaded"] };
const SPAWN: Program = Program { name: "spawn", haskell: "Spawn.hs", ghc_options: &[] };
const IDLE: Program = Program { name: "idle", haskell: "Idle.hs", ghc_options: &[] };

/// One row of the procs table.
struct Row {
    name: String,
    peer: Peer,
    seconds: f64,
    peak_mb: f64,
    /// The figure (in `unit`), or why there is none.
    figure: std::result::Result<f64, String>,
    unit: &'static str,
    /// The target for Lull's figure (at most this).
    target: f64,
}

impl Row {
    /// The row of a measured figure (with the run it came from), or of
    /// why there is none.
    fn new(name: &str, peer: Peer, result: Result<(f64, Measurement)>, unit: &'static str, target: f64) -> Row {
        let (figure, seconds, peak_mb) = match result {
            Ok((figure, m)) => (Ok(figure), m.seconds, m.peak_mb),
            Err(e) => (Err(e.to_string()), f64::NAN, f64::NAN),
        };
        Row { name: name.to_string(), peer, seconds, peak_mb, figure, unit, target }
    }
}

/// How a peer runs a built program with some arguments.
type Runner = Box<dyn Fn(&[&str]) -> Command>;

/// Runs the executable `exe`.
fn run_exe(exe: PathBuf) -> Runner {
    Box::new(move |args: &[&str]| {
        let mut c = Command::new(&exe);
        c.args(args);
        c
    })
}

/// The executables built for one program: a command per peer.
struct Built {
    commands: Vec<(Peer, Runner)>,
}

/// Builds `program` for Lull and for each installed peer (a peer whose
/// build fails is reported and left out).
fn build(project: &Project, bin: &Path, dir: &Path, program: &Program, failures: &mut Vec<String>) -> Built {
    let src = project.root.join("benches/procs");
    let mut commands: Vec<(Peer, Runner)> = Vec::new();
    let exe = dir.join(program.name);
    let mut lull = Command::new(bin);
    lull.arg("build").arg(src.join(format!("{}.lull", program.name))).arg("-o").arg(&exe);
    if run_build(&mut lull, program.name, Peer::Lull, failures) {
        commands.push((Peer::Lull, run_exe(exe)));
    }
    if installed("erl") {
        let mut erlc = Command::new("erlc");
        erlc.arg("-o").arg(dir).arg(src.join(format!("{}.erl", program.name)));
        if run_build(&mut erlc, program.name, Peer::Erlang, failures) {
            let (dir, module) = (dir.to_path_buf(), program.name);
            commands.push((
                Peer::Erlang,
                Box::new(move |args: &[&str]| {
                    let mut c = Command::new("erl");
                    c.args(["-noshell", "-pa"]).arg(&dir).args(["-s", module, "main"]).args(args);
                    c
                }),
            ));
        }
    }
    if installed("ghc") {
        let exe = dir.join(format!("{}.ghc", program.name));
        let mut ghc = Command::new("ghc");
        ghc.args(["-O2", "-v0"])
            .args(program.ghc_options)
            .arg("-outputdir")
            .arg(dir.join(format!("{}.ghc-out", program.name)))
            .arg(src.join(program.haskell))
            .arg("-o")
            .arg(&exe);
        if run_build(&mut ghc, program.name, Peer::Ghc, failures) {
            commands.push((Peer::Ghc, run_exe(exe)));
        }
    }
    Built { commands }
}

/// Whether `tool` runs (`erl` comes with `erlc`).
fn installed(tool: &str) -> bool {
    let probe = if tool == "erl" { ["-noshell", "-eval", "halt()."].as_slice() } else { ["--version"].as_slice() };
    Command::new(tool)
        .args(probe)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run_build(cmd: &mut Command, name: &str, peer: Peer, failures: &mut Vec<String>) -> bool {
    step(format!("bench: {name} ({}): build: {}", peer.name(), command_line(cmd)));
    match cmd.status() {
        Ok(s) if s.success() => true,
        Ok(s) => {
            failures.push(format!("{name} ({}): the build failed ({s})", peer.name()));
            false
        }
        Err(e) => {
            failures.push(format!("{name} ({}): cannot run {}: {e}", peer.name(), command_line(cmd)));
            false
        }
    }
}

/// The best of [`RUNS`] runs of `cmd`, its output checked by `check`.
fn best(
    mut cmd: impl FnMut() -> Command,
    check: &dyn Fn(&OutputDigest) -> Result<()>,
) -> Result<(Measurement, OutputDigest)> {
    let mut best: Option<(Measurement, OutputDigest)> = None;
    for _ in 0..RUNS {
        let mut c = cmd();
        step(format!("bench: {}", command_line(&c)));
        let (m, out) = measure(&mut c)?;
        check(&out)?;
        if best.as_ref().is_none_or(|(b, _)| m.seconds < b.seconds) {
            best = Some((m, out));
        }
    }
    best.ok_or_else(|| Error::new("no run"))
}

/// The output's text (it is short).
fn text(out: &OutputDigest) -> Result<String> {
    if !out.is_complete() {
        return Err(Error::new(format!("printed {} bytes, expected a line or two", out.len)));
    }
    Ok(String::from_utf8_lossy(&out.head).into_owned())
}

/// Prints `expect` (any case: Erlang prints `true` where Haskell prints `True`).
fn prints(expect: &'static str) -> impl Fn(&OutputDigest) -> Result<()> {
    move |out| {
        let got = text(out)?;
        if got.trim().eq_ignore_ascii_case(expect) {
            Ok(())
        } else {
            check_output(&Expect::Exact(expect), out)
        }
    }
}

/// A time per event: `args` against the start-up case `small`, over `count` events.
#[allow(clippy::too_many_arguments)]
fn per_event(
    built: &Built,
    name: &str,
    args: &[&str],
    small: (&[&str], &'static str),
    expect: &'static str,
    count: f64,
    unit: &'static str,
    target: f64,
    rows: &mut Vec<Row>,
) {
    for (peer, cmd) in &built.commands {
        let result = best(|| cmd(small.0), &prints(small.1)).and_then(|(start, _)| {
            best(|| cmd(args), &prints(expect)).map(|(m, _)| (((m.seconds - start.seconds).max(0.0)) / count * 1e6, m))
        });
        rows.push(Row::new(name, *peer, result, unit, target));
    }
}

/// Idle procs at which memory is read.
const IDLE_PROCS: u64 = 100_000;

/// The resident set an idle run printed, in kB (its first word), after
/// checking that its last line is `True`.
fn idle_rss(out: &OutputDigest) -> Result<f64> {
    let got = text(out)?;
    let mut lines = got.lines();
    let first = lines.next().unwrap_or_default();
    if !lines.last().is_some_and(|l| l.trim().eq_ignore_ascii_case("true")) {
        return Err(Error::new(format!("printed {got:?}, expected the resident set and True")));
    }
    first
        .split_whitespace()
        .next()
        .and_then(|w| w.parse::<f64>().ok())
        .ok_or_else(|| Error::new(format!("printed {first:?}, expected the resident set in kB")))
}

fn idle(built: &Built, rows: &mut Vec<Row>) {
    let name = format!("idle {IDLE_PROCS}");
    let big = IDLE_PROCS.to_string();
    let ok = |out: &OutputDigest| idle_rss(out).map(|_| ());
    for (peer, cmd) in &built.commands {
        let result = (|| {
            let (_, small) = best(|| cmd(&["0"]), &ok)?;
            let (m, out) = best(|| cmd(&[&big]), &ok)?;
            Ok::<_, Error>(((idle_rss(&out)? - idle_rss(&small)?) * 1024.0 / IDLE_PROCS as f64, m))
        })();
        rows.push(Row::new(&name, *peer, result, "bytes/proc", 1024.0));
    }
}

/// The hot split (benches/procs/split.lull): `split D K` runs a loop of K
/// calls at D nested calls deep in a proc. The depths 0..SWEEP_DEPTHS are
/// timed with a short loop; the slowest (re-timed to rule out noise) is
/// where the loop's calls cross a segment boundary (each depth is run
/// twice and the faster run kept). The figure is the
/// long loop's time there over its time 16 calls shallower or deeper
/// (the faster of the two: away from any boundary), start-up taken off.
fn hot_split(project: &Project, bin: &Path, dir: &Path, rows: &mut Vec<Row>, failures: &mut Vec<String>) {
    let name = "hot split";
    let exe = dir.join("split");
    let mut build = Command::new(bin);
    build.arg("build").arg(project.root.join("benches/procs/split.lull")).arg("-o").arg(&exe);
    if !run_build(&mut build, name, Peer::Lull, failures) {
        return;
    }
    let result = (|| {
        let time = |d: usize, k: u64, runs: usize| -> Result<f64> {
            let mut t = f64::INFINITY;
            for _ in 0..runs {
                let mut c = Command::new(&exe);
                c.arg(d.to_string()).arg(k.to_string());
                let (m, out) = measure(&mut c)?;
                let got = text(&out)?;
                if !got.trim_end().ends_with(",Normal)") {
                    return Err(Error::new(format!("split {d} {k} printed {got:?}")));
                }
                t = t.min(m.seconds);
            }
            Ok(t)
        };
        step(format!("bench: {name}: a sweep of {SWEEP_DEPTHS} depths: {}", exe.display()));
        // Two runs per depth: noise makes a run slower, never faster.
        let mut sweep = (0..SWEEP_DEPTHS).map(|d| Ok((time(d, 100_000, 2)?, d))).collect::<Result<Vec<_>>>()?;
        sweep.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut hot = (0.0, 0);
        for &(_, d) in sweep.iter().take(6) {
            let t = time(d, 1_000_000, RUNS)?;
            if t > hot.0 {
                hot = (t, d);
            }
        }
        let d = hot.1;
        let start = time(d, 0, RUNS)?;
        let long = 10_000_000;
        step(format!("bench: {name}: at depth {d} and 16 away, {long} calls"));
        let at = time(d, long, RUNS)? - start;
        let away = time(d.saturating_sub(16), long, RUNS)?.min(time(d + 16, long, RUNS)?) - start;
        Ok::<_, Error>((at / away.max(1e-9), Measurement { seconds: at + start, peak_mb: f64::NAN }))
    })();
    rows.push(Row::new(name, Peer::Lull, result, "× away", 1.2));
}

/// Depths the hot split's sweep times.
const SWEEP_DEPTHS: usize = 700;

/// Runs the procs benchmarks and prints their table; failed runs are
/// added to `failures`.
pub fn run(project: &Project, bin: &Path, failures: &mut Vec<String>) -> Result<()> {
    let dir: PathBuf = project.target_dir.join("bench").join("procs");
    std::fs::create_dir_all(&dir).map_err(|e| Error::new(format!("bench: cannot create {}: {e}", dir.display())))?;
    let mut rows = Vec::new();
    let ring = build(project, bin, &dir, &RING, failures);
    per_event(
        &ring,
        "ring 10000x100",
        &["10000", "100"],
        (&["1", "1"], "1"),
        "1000000",
        1e6,
        "µs/hop",
        0.15,
        &mut rows,
    );
    let spawn = build(project, bin, &dir, &SPAWN, failures);
    per_event(&spawn, "spawn 100000", &["100000"], (&["1"], "1"), "5000050000", 1e5, "µs/spawn", 1.0, &mut rows);
    let idle_built = build(project, bin, &dir, &IDLE, failures);
    idle(&idle_built, &mut rows);
    hot_split(project, bin, &dir, &mut rows, failures);
    for row in &rows {
        if let Err(e) = &row.figure {
            failures.push(format!("{} ({}): {e}", row.name, row.peer.name()));
        }
    }
    print_table(&rows);
    Ok(())
}

/// The table: each figure, Lull's against each peer's on the same
/// benchmark, and the target.
fn print_table(rows: &[Row]) {
    let peer_figure = |name: &str, peer: Peer| {
        rows.iter().find(|r| r.name == name && r.peer == peer).and_then(|r| r.figure.as_ref().ok().copied())
    };
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            let fmt = |x: f64, digits: usize| if x.is_finite() { format!("{x:.digits$}") } else { "-".to_string() };
            let vs = |peer: Peer| match (&r.figure, peer_figure(&r.name, peer)) {
                (Ok(f), Some(p)) if r.peer == Peer::Lull && p > 0.0 => format!("{:.2}", f / p),
                _ => "-".to_string(),
            };
            let (figure, target) = match &r.figure {
                Ok(f) => (
                    format!("{} {}", fmt(*f, 3), r.unit),
                    if r.peer == Peer::Lull { format!("≤ {} {}", r.target, r.unit) } else { String::new() },
                ),
                Err(_) => ("failed".to_string(), String::new()),
            };
            [
                r.name.clone(),
                r.peer.name().to_string(),
                fmt(r.seconds, 3),
                fmt(r.peak_mb, 1),
                figure,
                vs(Peer::Erlang),
                vs(Peer::Ghc),
                target,
            ]
        })
        .collect();
    let header = ["procs", "engine", "seconds", "peak MB", "figure", "/erlang", "/ghc", "target"];
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w - c.chars().count();
            if i < 2 || i == 7 {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
            s.push_str("  ");
        }
        s.trim_end().to_string()
    };
    println!("{}", line(&header.map(String::from)));
    for row in &cells {
        println!("{}", line(row));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest_of(text: &str) -> OutputDigest {
        let mut digest = OutputDigest::default();
        digest.add(text.as_bytes());
        digest
    }

    #[test]
    fn idle_rss_reads_each_peer() {
        // Lull and GHC print `VmRSS`'s value with its unit, Erlang without.
        assert_eq!(idle_rss(&digest_of("2904 kB\nTrue\n")).unwrap(), 2904.0);
        assert_eq!(idle_rss(&digest_of("37356\ntrue\n")).unwrap(), 37356.0);
        assert!(idle_rss(&digest_of("2904 kB\nFalse\n")).is_err());
        assert!(idle_rss(&digest_of("kB\nTrue\n")).is_err());
    }

    #[test]
    fn prints_ignores_case_only() {
        assert!(prints("True")(&digest_of("true\n")).is_ok());
        assert!(prints("1000000")(&digest_of("1000000\n")).is_ok());
        assert!(prints("1000000")(&digest_of("999999\n")).is_err());
    }
}
