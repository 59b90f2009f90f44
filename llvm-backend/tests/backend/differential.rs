//! Differential tests of the native back end against the reference
//! interpreter (`core::interp::normalise`, which defines the meaning of
//! Core):
//!
//! * generated λ programs (a small generator of λ-dialect source below:
//!   random terms over shared definitions, Church arithmetic, combinators
//!   over- and partially applied to rigid variables, CAFs used many times),
//! * generated Core modules (`middle/tests/core/gen.rs`, the generator of
//!   the Flat evaluator's differential test), every definition that does
//!   not reach an effect,
//!
//! each normalised by the interpreter under [`limits`]; the ones that
//! succeed are compiled in batches (one Flat module per program, all in one
//! [`Program`]) and run once per batch with the runtime's `nf-each` mode,
//! whose output lines must equal the interpreter's normal forms. The seeds
//! are fixed. When a run fails part-way, the terms before it are compared,
//! the failing one is reported and the rest of the batch runs again.
//!
//! And the `test run` filetests of `middle/tests/filetests/run`, one native
//! run each, against their expected blocks.
//!
//! `LULL_DIFF_SCALE=N` multiplies the number of generated λ programs and
//! Core seeds (for a longer soak); `LULL_RT=asan` and `LULL_GC_STRESS=1`
//! apply as they do to `lull` (the sanitizer runtime, a collection at every
//! heap check).

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lull_llvm::run::rt_variant_from_env;
use lull_llvm::{compile, link_executable, Output, Program, RtVariant};
use lull_middle::closure_conv::closure_convert;
use lull_middle::core::interp::{normalise, Limits};
use lull_middle::core::ir as core;
use lull_middle::core::print::print_module;
use lull_middle::core::verify::verify_module;
use lull_middle::flat::ir as flat;

#[allow(dead_code)]
#[path = "../../../middle/tests/core/gen.rs"]
mod gen;

use gen::Rng;

/// The interpreter's limits for a generated term: a term that needs more
/// is dropped, not compared.
fn limits() -> Limits {
    Limits { max_steps: Some(200_000), max_memory: Some(64 << 20), timeout: Some(Duration::from_secs(5)) }
}

/// Normal forms larger than this (in `Nf::size` nodes) are dropped.
const MAX_NF_SIZE: u64 = 4000;

/// Terms per executable.
const BATCH: usize = 300;

/// The runtime to link with: `LULL_RT=asan` runs the comparison against the
/// sanitizer build of the runtime.
fn rt_variant() -> RtVariant {
    rt_variant_from_env().expect("LULL_RT names a runtime variant")
}

fn scale() -> usize {
    std::env::var("LULL_DIFF_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1).max(1)
}

// ---------------------------------------------------------------------------
// Batches.

/// One term to compare: an entry of one of the batch's modules.
struct Item {
    module: usize,
    global: flat::GlobalId,
    /// The interpreter's normal form, printed.
    want: String,
    /// Where it came from (seed, definition).
    label: String,
}

#[derive(Default)]
struct Batch {
    modules: Vec<flat::Module>,
    /// Each module's source: the λ text or the printed Core module.
    sources: Vec<String>,
    items: Vec<Item>,
}

#[derive(Default)]
struct Tally {
    compared: usize,
    runs: usize,
    compile: Duration,
    link: Duration,
    run: Duration,
    mismatches: Vec<String>,
}

impl Tally {
    fn report(&mut self, batch: &Batch, item: &Item, got: &str) {
        let mut m = String::new();
        let _ = write!(
            m,
            "{}: def `{}`\n--- source ---\n{}\n--- interpreter ---\n{}\n--- native ---\n{}",
            item.label,
            item.global.0,
            batch.sources[item.module].trim_end(),
            item.want,
            got
        );
        self.mismatches.push(m);
    }
}

/// Compile, link and run `batch` with `nf-each`, comparing every line.
fn check_batch(batch: &Batch, t: &mut Tally) {
    let dir = tempfile::Builder::new().prefix("lull-diff-").tempdir().expect("temporary directory");
    let mut start = 0;
    let mut failures = 0;
    while start < batch.items.len() {
        let items = &batch.items[start..];
        let program = Program {
            modules: batch.modules.iter().collect(),
            entries: items.iter().map(|i| (i.module, i.global)).collect(),
            exports: vec![],
            linkage: Default::default(),
        };
        let t0 = Instant::now();
        let object = match compile(&program, Output::Object) {
            Ok(o) => o,
            Err(e) => {
                t.mismatches.push(format!("{}..: the batch does not compile: {e}", items[0].label));
                return;
            }
        };
        let t1 = Instant::now();
        let exe = link_executable(&[object], dir.path(), rt_variant()).expect("link");
        let t2 = Instant::now();
        let out = Command::new(&exe)
            .args(["nf-each", "--max-memory", "2147483648", "--timeout", "60"])
            .stdin(Stdio::null())
            .output()
            .expect("run the native program");
        t.runs += 1;
        t.compile += t1 - t0;
        t.link += t2 - t1;
        t.run += t2.elapsed();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Only complete lines count.
        let lines: Vec<&str> = stdout.split_inclusive('\n').filter_map(|l| l.strip_suffix('\n')).collect();
        for (item, line) in items.iter().zip(&lines) {
            t.compared += 1;
            if *line != item.want {
                t.report(batch, item, line);
            }
        }
        if out.status.success() {
            if lines.len() != items.len() {
                t.mismatches.push(format!(
                    "{}..: {} normal forms printed for {} entries\n{stderr}",
                    items[0].label,
                    lines.len(),
                    items.len()
                ));
            }
            return;
        }
        let bad = lines.len();
        if bad >= items.len() {
            t.mismatches.push(format!("{}..: every line printed, then {}: {stderr}", items[0].label, out.status));
            return;
        }
        t.compared += 1;
        t.report(batch, &items[bad], &format!("(the run fails, {}) {}", out.status, stderr.trim_end()));
        failures += 1;
        if failures >= 10 {
            t.mismatches.push(format!("{}..: too many failures; the rest of the batch is skipped", items[0].label));
            return;
        }
        start += bad + 1;
    }
}

/// Normalise definition `g` of `m` with the interpreter; the printed normal
/// form when it succeeds (and is small and one line).
fn reference(m: &core::Module, g: core::GlobalId) -> Option<String> {
    match normalise(m, g, &limits()) {
        Ok((nf, _)) if nf.size() <= MAX_NF_SIZE => Some(nf.to_string()).filter(|s| !s.contains('\n')),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// The λ program generator.

#[derive(Clone)]
enum T {
    V(String),
    L(Vec<String>, Box<T>),
    A(Box<T>, Vec<T>),
}

fn show(t: &T, out: &mut String) {
    match t {
        T::V(n) => out.push_str(n),
        T::L(bs, b) => {
            out.push('λ');
            for x in bs {
                out.push(' ');
                out.push_str(x);
            }
            out.push_str(". ");
            show(b, out);
        }
        T::A(h, args) => {
            match **h {
                T::L(..) => {
                    out.push('(');
                    show(h, out);
                    out.push(')');
                }
                _ => show(h, out),
            }
            for a in args {
                out.push(' ');
                match a {
                    T::V(_) => show(a, out),
                    _ => {
                        out.push('(');
                        show(a, out);
                        out.push(')');
                    }
                }
            }
        }
    }
}

/// The definitions programs may use, in dependency order. Only the ones a
/// program uses (transitively) are emitted.
const LIB: &[(&str, &str)] = &[
    ("I", "λ x. x"),
    ("K", "λ x y. x"),
    ("KI", "λ x y. y"),
    ("S", "λ f g x. f x (g x)"),
    ("B", "λ f g x. f (g x)"),
    ("C", "λ f x y. f y x"),
    ("W", "λ f x. f x x"),
    ("zero", "λ f x. x"),
    ("one", "λ f x. f x"),
    ("two", "λ f x. f (f x)"),
    ("three", "λ f x. f (f (f x))"),
    ("succ", "λ n f x. f (n f x)"),
    ("add", "λ m n f x. m f (n f x)"),
    ("mul", "λ m n f. m (n f)"),
    ("exp", "λ m n. n m"),
    ("pair", "λ a b s. s a b"),
    ("fst", "λ p. p K"),
    ("snd", "λ p. p KI"),
    ("pred", "λ n f x. n (λ g h. h (g f)) (λ u. x) (λ u. u)"),
    ("sub", "λ m n. n pred m"),
    ("iszero", "λ n. n (λ _. KI) K"),
    ("Y", "λ f. (λ x. f (x x)) (λ x. f (x x))"),
    ("fact", "Y (λ r n. iszero n one (mul n (r (pred n))))"),
    ("four", "add two two"),
    ("plus2", "add two"),
    ("twice", "λ f x. f (f x)"),
    ("nil", "λ c n. n"),
    ("cons", "λ h t c n. c h (t c n)"),
    ("list3", "cons one (cons two (cons three nil))"),
    ("sum", "λ l. l add zero"),
];

const BINDERS: &[&str] = &["x", "y", "z", "f", "g", "h", "n", "m", "x'", "k_1"];
const COMBINATORS: &[&str] = &["I", "K", "KI", "S", "B", "C", "W", "pair", "fst", "snd", "twice", "two", "plus2"];

struct LGen {
    rng: Rng,
}

impl LGen {
    fn var(&mut self, scope: &[String]) -> T {
        // Mostly the innermost binders.
        let n = scope.len();
        let i = if n > 3 && self.rng.chance(60) { n - 1 - self.rng.below(3) } else { self.rng.below(n) };
        T::V(scope[i].clone())
    }

    fn term(&mut self, scope: &[String], size: usize) -> T {
        if scope.is_empty() || (size > 2 && self.rng.chance(8)) {
            return self.lam(scope, size);
        }
        if size <= 1 {
            return self.var(scope);
        }
        match self.rng.below(100) {
            0..=29 => self.lam(scope, size),
            30..=84 => {
                let max = if self.rng.chance(20) { 5 } else { 3 };
                let nargs = 1 + self.rng.below(max);
                let head = if self.rng.chance(55) || size < 4 {
                    self.var(scope)
                } else {
                    let s = 1 + self.rng.below(size / 2);
                    self.lam(scope, s)
                };
                let per = (size.saturating_sub(1) / nargs).max(1);
                let args = (0..nargs)
                    .map(|_| {
                        let s = 1 + self.rng.below(per);
                        self.term(scope, s)
                    })
                    .collect();
                T::A(Box::new(head), args)
            }
            _ => self.var(scope),
        }
    }

    fn lam(&mut self, scope: &[String], size: usize) -> T {
        let n = 1 + self.rng.below(3);
        let mut inner = scope.to_vec();
        let mut bs = Vec::new();
        for _ in 0..n {
            if self.rng.chance(10) {
                bs.push("_".to_string());
            } else {
                let b = self.rng.pick(BINDERS).to_string();
                inner.push(b.clone());
                bs.push(b);
            }
        }
        let body = self.term(&inner, size.saturating_sub(1).max(1));
        T::L(bs, Box::new(body))
    }

    fn numeral(&mut self, depth: usize) -> String {
        const LEAVES: &[&str] = &["zero", "one", "two", "three", "four"];
        if depth == 0 || self.rng.chance(25) {
            return self.rng.pick(LEAVES).to_string();
        }
        let d = depth - 1;
        match self.rng.below(9) {
            0 | 1 => format!("(add {} {})", self.numeral(d), self.numeral(d)),
            2 => format!("(mul {} {})", self.numeral(d), self.numeral(d)),
            3 => format!("(succ {})", self.numeral(d)),
            4 => format!("(pred {})", self.numeral(d)),
            5 => format!("(sub {} {})", self.numeral(d), self.numeral(d)),
            6 => format!(
                "(exp {} {})",
                self.rng.pick(&["two", "three"]),
                self.rng.pick(&["zero", "one", "two", "three"])
            ),
            7 => format!("(fact {})", self.rng.pick(&["zero", "one", "two", "three"])),
            _ => format!("(plus2 {})", self.numeral(d)),
        }
    }

    /// The body of a λ program (definitions and the final term) before the
    /// library definitions it uses are prepended.
    fn program(&mut self) -> String {
        let mut out = String::new();
        match self.rng.below(5) {
            // Random terms over random shared definitions and some of the library.
            0 | 1 => {
                let mut scope: Vec<String> =
                    (0..1 + self.rng.below(4)).map(|_| self.rng.pick(COMBINATORS).to_string()).collect();
                for i in 0..self.rng.below(4) {
                    let size = 2 + self.rng.below(10);
                    let t = self.term(&scope, size);
                    let name = format!("d{i}");
                    let _ = write!(out, "{name} = ");
                    show(&t, &mut out);
                    out.push_str(";\n");
                    scope.push(name.clone());
                    // Used often: sharing.
                    scope.push(name);
                }
                let size = 4 + self.rng.below(22);
                let t = self.term(&scope, size);
                show(&t, &mut out);
            }
            // Church arithmetic, the result used in several ways.
            2 => {
                let e = self.numeral(3);
                match self.rng.below(7) {
                    0 => out.push_str(&e),
                    1 => {
                        let _ = write!(out, "{e} succ zero");
                    }
                    2 => {
                        let _ = write!(out, "λ a. {e} a");
                    }
                    3 => {
                        let e2 = self.numeral(2);
                        let _ = write!(out, "pair {e} (iszero {e2})");
                    }
                    4 => {
                        let _ = write!(out, "{e} (λ p. pair (snd p) (fst p)) (pair one two)");
                    }
                    5 => {
                        let _ = write!(out, "n = {e};\nm = mul n n;\nλ f x. m f (n f (n f x))");
                    }
                    _ => {
                        let _ = write!(out, "sum (cons {e} list3)");
                    }
                }
            }
            // Combinators over- and partially applied to rigid variables.
            3 => {
                let vars = ["a", "b", "c", "d"];
                let nv = 1 + self.rng.below(4);
                let mut pool: Vec<String> = vars[..nv].iter().map(|s| s.to_string()).collect();
                for _ in 0..4 {
                    pool.push(self.rng.pick(COMBINATORS).to_string());
                }
                let t = self.comb(&pool, 3);
                let _ = write!(out, "λ {}. ", vars[..nv].join(" "));
                show(&t, &mut out);
            }
            // Sharing: a CAF (a partial application or a value) used many times.
            _ => {
                let e = self.numeral(2);
                let caf = match self.rng.below(4) {
                    0 => format!("add {e}"),
                    1 => format!("K ({e})"),
                    2 => format!("pair {e}"),
                    _ => e,
                };
                let _ = writeln!(out, "s = {caf};");
                let scope: Vec<String> = ["s", "s", "s", "I", "K"].iter().map(|s| s.to_string()).collect();
                let size = 4 + self.rng.below(10);
                let t = self.term(&scope, size);
                out.push_str("λ q. ");
                show(&t, &mut out);
            }
        }
        out
    }

    /// An application tree over `pool`, heads applied to 1..4 arguments.
    fn comb(&mut self, pool: &[String], depth: usize) -> T {
        let leaf = T::V(self.rng.pick(pool).clone());
        if depth == 0 || self.rng.chance(30) {
            return leaf;
        }
        let nargs = 1 + self.rng.below(4);
        T::A(Box::new(leaf), (0..nargs).map(|_| self.comb(pool, depth - 1)).collect())
    }
}

/// `body` with the library definitions it uses prepended.
fn with_library(body: &str) -> String {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\''))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut used: std::collections::HashSet<String> = words(body).into_iter().collect();
    let mut keep = vec![false; LIB.len()];
    for (i, (name, def)) in LIB.iter().enumerate().rev() {
        if used.contains(*name) {
            keep[i] = true;
            used.extend(words(def));
        }
    }
    let mut out = String::new();
    for (i, (name, def)) in LIB.iter().enumerate() {
        if keep[i] {
            let _ = writeln!(out, "{name} = {def};");
        }
    }
    out.push_str(body);
    out
}

// ---------------------------------------------------------------------------
// The tests.

fn lambda_batches(count: usize, seed0: u64) -> (Vec<Batch>, usize) {
    let mut batches = vec![Batch::default()];
    let mut dropped = 0;
    for k in 0..count as u64 {
        let seed = seed0 + k;
        let mut g = LGen { rng: Rng::new(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ 0x1234_5678) };
        let src = with_library(&g.program());
        let c = lull_frontend::lambda::compile(&src).unwrap_or_else(|d| panic!("seed {seed}: {src}\n{d:?}"));
        let Some(want) = reference(&c.module, c.entry) else {
            dropped += 1;
            continue;
        };
        let fl = closure_convert(&c.module).unwrap_or_else(|e| panic!("seed {seed}: {src}\n{e}"));
        let b = batches.last_mut().unwrap();
        b.items.push(Item { module: b.modules.len(), global: c.entry, want, label: format!("λ seed {seed}") });
        b.modules.push(fl);
        b.sources.push(src);
        if b.items.len() >= BATCH {
            batches.push(Batch::default());
        }
    }
    batches.retain(|b| !b.items.is_empty());
    (batches, dropped)
}

/// Can evaluating global `g` reach `putchar`/`getchar`? (As in the Flat
/// evaluator's differential test.)
fn uses_effects(m: &flat::Module, g: flat::GlobalId) -> bool {
    use std::collections::HashSet;
    let (mut seen_codes, mut seen_globals) = (HashSet::new(), HashSet::new());
    let mut stack = vec![g];
    let mut found = false;
    while let Some(g) = stack.pop() {
        if !seen_globals.insert(g) {
            continue;
        }
        let Some(gl) = m.global(g) else { continue };
        let mut codes: Vec<_> = gl.kind.code().into_iter().collect();
        while let Some(c) = codes.pop() {
            if !seen_codes.insert(c) {
                continue;
            }
            let Some(code) = m.code(c) else { continue };
            flat::walk(&code.body, |b| {
                if matches!(b, flat::Body::Prim(op, _) if op.signature().effect) {
                    found = true;
                }
                if let flat::Body::Let(group, _) = b {
                    for (_, a) in group {
                        if let flat::Alloc::Closure { code, .. } = a {
                            codes.push(*code);
                        }
                    }
                }
                for a in flat::atoms_of(b) {
                    if let flat::Atom::Global(h) = a {
                        stack.push(*h);
                    }
                }
            });
        }
    }
    found
}

fn core_batches(seeds: u64) -> (Vec<Batch>, usize, usize) {
    let mut batches = vec![Batch::default()];
    let (mut effects, mut dropped) = (0, 0);
    for seed in 0..seeds {
        let size = 1 + (seed as usize * 7) % 80;
        let m = gen::module(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15), size);
        if verify_module(&m).is_err() {
            continue;
        }
        let fl = closure_convert(&m).unwrap_or_else(|e| panic!("Core seed {seed}: {e}"));
        let mut items = Vec::new();
        for i in 0..m.defs.len() {
            let g = core::GlobalId(i as u32);
            if uses_effects(&fl, g) {
                effects += 1;
                continue;
            }
            match reference(&m, g) {
                Some(want) => items.push((g, want)),
                None => dropped += 1,
            }
        }
        if items.is_empty() {
            continue;
        }
        let b = batches.last_mut().unwrap();
        let module = b.modules.len();
        for (g, want) in items {
            b.items.push(Item {
                module,
                global: g,
                want,
                label: format!("Core seed {seed} (gen::module(seed * 0x9e3779b97f4a7c15, {size}))"),
            });
        }
        b.modules.push(fl);
        b.sources.push(print_module(&m));
        if b.items.len() >= BATCH {
            batches.push(Batch::default());
        }
    }
    batches.retain(|b| !b.items.is_empty());
    (batches, effects, dropped)
}

/// Check `batches` on two threads (the machine's cores: compiling is most
/// of the time).
fn run_batches(what: &str, batches: &[Batch]) -> Tally {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut t = Tally::default();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(b) = batches.get(i) else { return t };
            check_batch(b, &mut t);
        }
    };
    let tallies: Vec<Tally> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2).map(|_| s.spawn(work)).collect();
        hs.into_iter().map(|h| h.join().expect("a batch thread panicked")).collect()
    });
    let mut t = Tally::default();
    for u in tallies {
        t.compared += u.compared;
        t.runs += u.runs;
        t.compile += u.compile;
        t.link += u.link;
        t.run += u.run;
        t.mismatches.extend(u.mismatches);
    }
    eprintln!(
        "differential ({what}): {} terms compared in {} runs (CPU time: compile {:.1?}, link {:.1?}, run {:.1?}), {} mismatches",
        t.compared,
        t.runs,
        t.compile,
        t.link,
        t.run,
        t.mismatches.len()
    );
    t
}

fn finish(t: Tally, min: usize) {
    assert!(t.mismatches.is_empty(), "{} mismatches:\n\n{}", t.mismatches.len(), t.mismatches.join("\n\n"));
    assert!(t.compared >= min, "only {} terms compared", t.compared);
}

#[test]
fn native_agrees_with_the_interpreter_on_lambda_programs() {
    let start = Instant::now();
    let (batches, dropped) = lambda_batches(2500 * scale(), 0);
    let kept: usize = batches.iter().map(|b| b.items.len()).sum();
    eprintln!(
        "differential (λ): {kept} programs kept, {dropped} dropped by the interpreter's limits ({:.1?})",
        start.elapsed()
    );
    let t = run_batches("λ", &batches);
    eprintln!("differential (λ): {:.1?} in all", start.elapsed());
    finish(t, 2000);
}

#[test]
fn native_agrees_with_the_interpreter_on_generated_core() {
    let start = Instant::now();
    let (batches, effects, dropped) = core_batches(600 * scale() as u64);
    let kept: usize = batches.iter().map(|b| b.items.len()).sum();
    eprintln!(
        "differential (Core): {kept} definitions kept, {effects} reach effects, {dropped} fail or exceed the limits ({:.1?})",
        start.elapsed()
    );
    let t = run_batches("Core", &batches);
    eprintln!("differential (Core): {:.1?} in all", start.elapsed());
    finish(t, 300);
}

// ---------------------------------------------------------------------------
// The `test run` filetests, natively.

#[test]
fn native_runs_the_run_filetests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../middle/tests/filetests/run");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("filetest directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "core"))
        .collect();
    files.sort();
    let dir = tempfile::Builder::new().prefix("lull-filetests-").tempdir().expect("temporary directory");
    let mut failures = Vec::new();
    let mut n = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("read");
        let Some(rest) = text.strip_prefix("test run") else { continue };
        let lines: Vec<&str> = rest.lines().collect();
        let marker = lines.iter().position(|l| l.trim_end() == "; expected:").unwrap_or(lines.len());
        // The header line blanked, as the interpreter's runner does (error
        // locations are the file's own lines).
        let input = lines[..marker].join("\n") + "\n";
        let mut expected: Vec<String> = lines[marker.min(lines.len())..]
            .iter()
            .skip(1)
            .map(|l| l.strip_prefix("; ").or_else(|| l.strip_prefix(';')).unwrap_or(l).to_string())
            .collect();
        while expected.last().is_some_and(|l| l.trim().is_empty()) {
            expected.pop();
        }
        let expected = expected.join("\n");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let m = lull_middle::core::parse::parse_module(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
        verify_module(&m).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let main = m.find_def("main").expect("def main");
        let fl = closure_convert(&m).expect("closure conversion");
        let effects = uses_effects(&fl, main);
        let program =
            Program { modules: vec![&fl], entries: vec![(0, main)], exports: vec![], linkage: Default::default() };
        let object = compile(&program, Output::Object).unwrap_or_else(|e| panic!("{name}: {e}"));
        let exe = link_executable(&[object], dir.path(), rt_variant()).expect("link");
        // The interpreter runner's limits.
        let out = Command::new(&exe)
            .args(["nf", "--max-steps", "1000000", "--max-memory", "268435456", "--timeout", "30"])
            .stdin(Stdio::null())
            .output()
            .expect("run");
        n += 1;
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let ok = if expected.starts_with("error: ") {
            !out.status.success() && stderr.trim_end() == expected
        } else if effects {
            // The interpreter's runner lets `putchar` write to the test's own
            // standard output, outside the expected block: here the
            // program's output comes first, the normal form last.
            out.status.success() && stdout.ends_with(&format!("{expected}\n"))
        } else {
            out.status.success() && stdout == format!("{expected}\n")
        };
        if !ok {
            failures.push(format!(
                "{name}: expected\n{expected}\nnative ({}):\nstdout: {stdout}\nstderr: {stderr}",
                out.status
            ));
        }
    }
    eprintln!("native filetests: {n} run, {} fail", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(n >= 20, "only {n} run filetests");
}

/// Prints the first generated λ programs and their normal forms (for
/// looking at the population): `cargo test -p lull-llvm --test backend
/// lambda_samples -- --ignored --nocapture`.
#[test]
#[ignore]
fn lambda_samples() {
    let (batches, _) = lambda_batches(40, 0);
    for b in &batches {
        for i in &b.items {
            eprintln!("== {}\n{}\n-> {}", i.label, b.sources[i.module], i.want);
        }
    }
}
