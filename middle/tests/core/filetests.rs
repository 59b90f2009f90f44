//! The Core filetest runner (Cranelift style).
//!
//! Each file under `tests/filetests/` (extension `.core`) starts with a
//! header line `test <kind>`, then Core text, then a trailing comment block
//! that starts with the line `; expected:` and holds the expected output,
//! each line prefixed by `; `. The header line is blanked before parsing,
//! so error positions are the file's own lines and columns. Kinds:
//!
//! * `test print`: the module parses and verifies; the expected output is
//!   its printed form, which must also print identically after another
//!   parse (the round trip).
//! * `test verify`: the module parses. With no expected lines it must
//!   verify. Otherwise each expected line `error: <substring>` must match
//!   some verifier error, and every verifier error must be matched by some
//!   line (so cascades are noticed).
//! * `test parse-error`: parsing fails; the expected line is the error,
//!   `LINE:COL: error: MESSAGE`, exactly.
//! * `test run`: the module parses and verifies; its `def main` is
//!   normalised by the reference interpreter (under [`run_limits`]) and the
//!   expected output is the printed normal form, or `error: MESSAGE` when
//!   the run fails (a run-time error, `<<loop>>`, a limit). `putchar`
//!   writes to the test process's own standard output and `getchar` reads
//!   its standard input, so run tests should not depend on input.
//! * `test closure_conv`: the module parses and verifies; it is closure
//!   converted, the Flat module must pass the Flat verifier, and the
//!   expected output is its Flat printout (see `closure_conv.rs`).
//!
//! `BLESS=1 cargo test -p lull-middle --test core filetests` rewrites the
//! expected blocks from the actual output (for `verify`, with the full
//! error messages).

use std::fs;
use std::path::{Path, PathBuf};

use std::time::Duration;

use lull_middle::core::interp::{normalise, Limits};
use lull_middle::core::{parse::parse_module, print::print_module, verify::verify_module};

const MARKER: &str = "; expected:";

/// Every `.core` file below `dir`, recursively (shared by the tests of this
/// binary that run over the Core files of the project).
pub(crate) fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "core") {
            out.push(path);
        }
    }
}

/// A filetest split into its parts.
struct FileTest {
    kind: String,
    /// The input with the header line blanked (positions match the file).
    input: String,
    /// The lines before the expected block (header included), verbatim.
    head: String,
    expected: Vec<String>,
}

fn split(text: &str) -> Result<FileTest, String> {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let kind = header.strip_prefix("test ").ok_or("the first line must be `test <kind>`")?.trim().to_string();
    let all: Vec<&str> = text.lines().collect();
    let marker = all.iter().position(|l| l.trim_end() == MARKER).unwrap_or(all.len());
    let mut input = String::from("\n");
    for l in &all[1..marker] {
        input.push_str(l);
        input.push('\n');
    }
    let mut head = String::new();
    for l in &all[..marker] {
        head.push_str(l);
        head.push('\n');
    }
    let expected = all
        .get(marker + 1..)
        .unwrap_or_default()
        .iter()
        .map(|l| l.strip_prefix("; ").or_else(|| l.strip_prefix(';')).unwrap_or(l).to_string())
        .collect();
    Ok(FileTest { kind, input, head, expected })
}

/// The limits of a `test run`: generous for every test, small enough that
/// a run that does not terminate fails quickly and deterministically (by
/// steps, long before the memory limit or the timeout).
fn run_limits() -> Limits {
    Limits { max_steps: Some(1_000_000), max_memory: Some(256 << 20), timeout: Some(Duration::from_secs(30)) }
}

fn diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual).unified_diff().header("expected", "actual").to_string()
}

/// Run one filetest; returns the actual output lines (for blessing) or a failure.
fn run(t: &FileTest) -> Result<Vec<String>, (String, Option<Vec<String>>)> {
    match t.kind.as_str() {
        "print" => {
            let m = parse_module(&t.input).map_err(|e| (format!("parse error: {e}"), None))?;
            if let Err(errs) = verify_module(&m) {
                let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
                return Err((format!("does not verify:\n{}", msgs.join("\n")), None));
            }
            let printed = print_module(&m);
            let again =
                parse_module(&printed).map_err(|e| (format!("printed form does not parse: {e}\n{printed}"), None))?;
            let printed2 = print_module(&again);
            if printed2 != printed {
                return Err((format!("round trip changes the text:\n{}", diff(&printed, &printed2)), None));
            }
            let actual: Vec<String> = printed.lines().map(str::to_string).collect();
            compare(&t.expected, actual)
        }
        "verify" => {
            let m = parse_module(&t.input).map_err(|e| (format!("parse error: {e}"), None))?;
            let errors: Vec<String> = match verify_module(&m) {
                Ok(()) => Vec::new(),
                Err(errs) => errs.iter().map(|e| e.to_string()).collect(),
            };
            let actual: Vec<String> = errors.iter().map(|e| format!("error: {e}")).collect();
            let wanted: Vec<&str> =
                t.expected.iter().filter_map(|l| l.trim().strip_prefix("error:")).map(str::trim).collect();
            let mut problems = Vec::new();
            for w in &wanted {
                if !errors.iter().any(|e| e.contains(w)) {
                    problems.push(format!("no error matches `{w}`"));
                }
            }
            for e in &errors {
                if !wanted.iter().any(|w| e.contains(w)) {
                    problems.push(format!("unexpected error: {e}"));
                }
            }
            if problems.is_empty() {
                Ok(actual)
            } else {
                Err((problems.join("\n"), Some(actual)))
            }
        }
        "parse-error" => match parse_module(&t.input) {
            Ok(_) => Err(("parsed without error".to_string(), None)),
            Err(e) => compare(&t.expected, vec![e.to_string()]),
        },
        "run" => {
            let m = parse_module(&t.input).map_err(|e| (format!("parse error: {e}"), None))?;
            if let Err(errs) = verify_module(&m) {
                let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
                return Err((format!("does not verify:\n{}", msgs.join("\n")), None));
            }
            let main = m.find_def("main").ok_or_else(|| ("the module has no `def main`".to_string(), None))?;
            let out = match normalise(&m, main, &run_limits()) {
                Ok((nf, _stats)) => nf.to_string(),
                Err(e) => format!("error: {e}"),
            };
            compare(&t.expected, out.lines().map(str::to_string).collect())
        }
        "closure_conv" => crate::closure_conv::filetest(&t.input).and_then(|actual| compare(&t.expected, actual)),
        other => Err((format!("unknown test kind `{other}`"), None)),
    }
}

fn compare(expected: &[String], actual: Vec<String>) -> Result<Vec<String>, (String, Option<Vec<String>>)> {
    let trim = |ls: &[String]| {
        let mut v: Vec<String> = ls.to_vec();
        while v.last().is_some_and(|l| l.trim().is_empty()) {
            v.pop();
        }
        v
    };
    let (e, a) = (trim(expected), trim(&actual));
    if e == a {
        Ok(actual)
    } else {
        let (e, a) = (e.join("\n") + "\n", a.join("\n") + "\n");
        Err((format!("output differs:\n{}", diff(&e, &a)), Some(actual)))
    }
}

fn bless(path: &Path, t: &FileTest, actual: &[String]) {
    let mut text = t.head.clone();
    text.push_str(MARKER);
    text.push('\n');
    for l in actual {
        if l.is_empty() {
            text.push_str(";\n");
        } else {
            text.push_str("; ");
            text.push_str(l);
            text.push('\n');
        }
    }
    if let Err(e) = fs::write(path, text) {
        panic!("cannot bless {}: {e}", path.display());
    }
}

#[test]
fn filetests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filetests");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    assert!(files.len() >= 30, "expected at least 30 filetests, found {}", files.len());
    let blessing = std::env::var("BLESS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for path in &files {
        let name = path.strip_prefix(&root).unwrap_or(path).display().to_string();
        let text = match fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{name}: cannot read: {e}"));
                continue;
            }
        };
        let t = match split(&text) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        match run(&t) {
            Ok(actual) => {
                if blessing && t.kind != "verify" && compare(&t.expected, actual.clone()).is_err() {
                    bless(path, &t, &actual);
                }
            }
            Err((msg, actual)) => match (blessing, actual) {
                (true, Some(actual)) => bless(path, &t, &actual),
                _ => failures.push(format!("{name}: {msg}")),
            },
        }
    }
    if !failures.is_empty() {
        panic!(
            "{} of {} filetests failed (BLESS=1 rewrites expected output):\n\n{}",
            failures.len(),
            files.len(),
            failures.join("\n\n")
        );
    }
}
