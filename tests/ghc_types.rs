//! The types Lull infers for the real programs of `tests/programs/` are
//! GHC's: for every `NAME.lull` with a `NAME.types` file (GHC's types of
//! the top-level bindings, `name :: type` per line, source order, class
//! contexts dropped and numeric types defaulted to `Int`), `check`
//! succeeds and gives the same bindings with the same types, up to the
//! names of type variables and type synonyms (`String` is `[Char]`).

use std::path::{Path, PathBuf};

use lull_frontend::diagnostic::render;
use lull_frontend::lull;

/// Fewer compared programs than this means the test lost its inputs.
const MIN_COMPARED: usize = 10;

fn programs() -> Vec<(PathBuf, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("programs");
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "lull") {
                let t = p.with_extension("types");
                if t.is_file() {
                    out.push((p, t));
                }
            }
        }
    }
    out.sort();
    out
}

/// `name :: type` lines; `(op) :: t` names the operator `op`.
fn parse_types(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"))
        .filter_map(|l| {
            let (n, t) = l.split_once(" :: ")?;
            let n = n.trim();
            let n = n.strip_prefix('(').and_then(|m| m.strip_suffix(')')).unwrap_or(n);
            Some((n.to_string(), t.trim().to_string()))
        })
        .collect()
}

/// The differences between GHC's types and ours for one program.
fn compare(src_path: &Path, types_path: &Path) -> Result<(), String> {
    let name = src_path.display().to_string();
    let src = std::fs::read_to_string(src_path).map_err(|e| format!("{name}: {e}"))?;
    let expected = parse_types(&std::fs::read_to_string(types_path).map_err(|e| format!("{name}: {e}"))?);
    let checked = lull::check(&src).map_err(|d| format!("{name} does not check:\n{}", render(&d, &name, &src)))?;
    let ours = checked.top_level_types();
    let mut problems = Vec::new();
    let names = |v: &[(String, String)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    if names(&ours) != names(&expected) {
        problems.push(format!("  bindings differ:\n    GHC:  {:?}\n    Lull: {:?}", names(&expected), names(&ours)));
    }
    for (n, ghc) in &expected {
        let Some((_, mine)) = ours.iter().find(|(m, _)| m == n) else { continue };
        let canon = |t: &str| checked.canonical_type(t).map_err(|d| render(&d, "<type>", &format!("x :: {t}\n")));
        match (canon(ghc), canon(mine)) {
            (Ok(a), Ok(b)) if a == b => {}
            (Ok(_), Ok(_)) => problems.push(format!("  {n}:\n    GHC:  {ghc}\n    Lull: {mine}")),
            (Err(e), _) | (_, Err(e)) => problems.push(format!("  {n}: cannot read a type:\n{e}")),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{name}:\n{}", problems.join("\n")))
    }
}

#[test]
fn programs_have_the_types_ghc_infers() {
    // Inference recurses on the (bounded) depth of the syntax tree: give
    // it the driver's kind of stack.
    let worker = std::thread::Builder::new().stack_size(256 << 20).spawn(|| {
        let mut failures = Vec::new();
        let mut compared = 0;
        for (src, types) in programs() {
            compared += 1;
            if let Err(e) = compare(&src, &types) {
                failures.push(e);
            }
        }
        (compared, failures)
    });
    let (compared, failures) = worker.expect("spawn").join().expect("the comparison panicked");
    assert!(failures.is_empty(), "{} of {compared} programs differ from GHC:\n{}", failures.len(), failures.join("\n"));
    assert!(compared >= MIN_COMPARED, "only {compared} programs with a .types file (at least {MIN_COMPARED} expected)");
}
