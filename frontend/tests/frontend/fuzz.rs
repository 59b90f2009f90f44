//! A deterministic fuzz run: 100,000 generated and mutated inputs per
//! `cargo test`, with a fixed seed. The front end must never panic (a panic
//! fails the test), never take long, accept every well-scoped generated
//! program, and print what it parses in a form that parses back the same;
//! every diagnostic must point inside the input and render.

use std::time::{Duration, Instant};

use lull_frontend::diagnostic::{render, Diagnostic, MAX_REPORTED};
use lull_frontend::lambda::{compile, parse};

use super::support::Rng;

/// Inputs per run.
const RUNS: usize = 100_000;
const SEED: u64 = 0x1u64 << 63 | 0x4c55_4c4c; // "LULL"

const NAMES: &[&str] = &["x", "y", "z", "f", "g", "n", "m", "a1", "x'", "_k", "Succ", "v26"];

/// Generates a well-scoped program as a token list.
struct ProgramGen<'r> {
    rng: &'r mut Rng,
    tokens: &'r mut Vec<String>,
}

impl ProgramGen<'_> {
    fn program(&mut self) {
        let mut globals: Vec<String> = Vec::new();
        for i in 0..self.rng.below(4) {
            let name = format!("d{i}");
            self.tokens.push(name.clone());
            self.tokens.push("=".into());
            let mut scope = globals.clone();
            self.term(&mut scope, 6);
            self.tokens.push(";".into());
            globals.push(name);
        }
        let mut scope = globals;
        self.term(&mut scope, 8);
    }

    /// A term whose free variables are in `scope`, of at most about
    /// `budget` levels.
    fn term(&mut self, scope: &mut Vec<String>, budget: usize) {
        let choice = if budget == 0 || (scope.is_empty() && self.rng.chance(70)) { 0 } else { self.rng.below(3) };
        match choice {
            // A λ (also when the scope is empty, so that the term is closed).
            0 if scope.is_empty() || budget == 0 && self.rng.chance(10) => self.lambda(scope, budget.saturating_sub(1)),
            0 => self.atom(scope, budget),
            1 => self.lambda(scope, budget - 1),
            _ => {
                self.atom(scope, budget - 1);
                for _ in 0..1 + self.rng.below(3) {
                    self.atom(scope, budget - 1);
                }
                if self.rng.chance(20) {
                    self.lambda(scope, budget - 1);
                }
            }
        }
    }

    fn lambda(&mut self, scope: &mut Vec<String>, budget: usize) {
        self.tokens.push(if self.rng.chance(50) { "λ".into() } else { "\\".into() });
        let n = 1 + self.rng.below(3);
        for _ in 0..n {
            if self.rng.chance(15) {
                self.tokens.push("_".into());
                scope.push(String::new()); // a placeholder, never used
            } else {
                let x = self.rng.pick(NAMES).to_string();
                self.tokens.push(x.clone());
                scope.push(x);
            }
        }
        self.tokens.push(".".into());
        self.term(scope, budget);
        for _ in 0..n {
            scope.pop();
        }
    }

    /// A variable in scope or a parenthesised term.
    fn atom(&mut self, scope: &mut Vec<String>, budget: usize) {
        let vars: Vec<&String> = scope.iter().filter(|x| !x.is_empty()).collect();
        if !vars.is_empty() && (budget == 0 || self.rng.chance(60)) {
            let x = self.rng.pick(&vars).to_string();
            self.tokens.push(x);
        } else {
            self.tokens.push("(".into());
            self.term(scope, budget.saturating_sub(1));
            self.tokens.push(")".into());
        }
    }
}

/// Joins tokens with random whitespace and comments (a space at least
/// between two identifiers).
fn layout(rng: &mut Rng, tokens: &[String]) -> String {
    let mut out = String::new();
    for t in tokens {
        match rng.below(20) {
            0 => out.push('\n'),
            1 => out.push_str(" /- c . λ ( -/ "),
            2 => out.push('\t'),
            _ => out.push(' '),
        }
        out.push_str(t);
    }
    out
}

/// Tokens that mutations insert: valid ones, near misses and junk.
const JUNK: &[&str] = &[
    "λ", "\\", ".", "(", ")", "=", ";", "_", "x", "main", "/-", "-/", "/- x -/", "-", "/", "λλ", "é", "𝔸", "\u{0}",
    "\u{7f}", "\u{feff}", "\u{200b}", "\u{2028}", "\r\n", "\r", "\t", "`", "\"", "'", "0", "9x", "x'", "→", "∀", "ℓ",
    "🦀", "\u{301}", "= ;", "((", "))",
];

/// A random Unicode scalar value, biased toward interesting ranges.
fn random_char(rng: &mut Rng) -> char {
    let code = match rng.below(6) {
        0 => rng.below(0x80),
        1 => 0x80 + rng.below(0x780),
        2 => 0x800 + rng.below(0xF800),
        3 => 0x10000 + rng.below(0x100000),
        4 => *rng.pick(&[0x3bb, 0x5c, 0x2e, 0x28, 0x29, 0x2d, 0x2f]),
        _ => *rng.pick(&[0x0a, 0x0d, 0x0b, 0x0c, 0x85, 0x2028, 0x2029, 0x09, 0xa0, 0x3000]),
    };
    char::from_u32(code as u32).unwrap_or('\u{fffd}')
}

/// One mutation of a token list.
fn mutate_tokens(rng: &mut Rng, tokens: &mut Vec<String>) {
    if tokens.is_empty() {
        tokens.push(rng.pick(JUNK).to_string());
        return;
    }
    let i = rng.below(tokens.len());
    match rng.below(5) {
        0 => {
            tokens.remove(i);
        }
        1 => tokens.insert(i, rng.pick(JUNK).to_string()),
        2 => {
            let j = i + rng.below(tokens.len() - i);
            let copy: Vec<String> = tokens[i..=j.min(tokens.len() - 1)].to_vec();
            let at = rng.below(tokens.len() + 1);
            tokens.splice(at..at, copy);
        }
        3 => {
            let j = rng.below(tokens.len());
            tokens.swap(i, j);
        }
        _ => {
            let at = rng.below(tokens.len() + 1);
            tokens.truncate(at);
        }
    }
}

/// One mutation of the text, char by char (the front end takes `&str`).
fn mutate_chars(rng: &mut Rng, text: &str) -> String {
    let mut cs: Vec<char> = text.chars().collect();
    if cs.is_empty() {
        return random_char(rng).to_string();
    }
    let i = rng.below(cs.len());
    match rng.below(5) {
        0 => {
            let n = 1 + rng.below(4);
            cs.drain(i..(i + n).min(cs.len()));
        }
        1 => {
            for _ in 0..1 + rng.below(3) {
                cs.insert(i, random_char(rng));
            }
        }
        2 => {
            let j = (i + 1 + rng.below(8)).min(cs.len());
            let copy: Vec<char> = cs[i..j].to_vec();
            let at = rng.below(cs.len() + 1);
            cs.splice(at..at, copy);
        }
        3 => {
            let j = rng.below(cs.len());
            cs.swap(i, j);
        }
        _ => cs.truncate(i),
    }
    cs.into_iter().collect()
}

/// A deep input, to mix a few into the run.
fn deep(rng: &mut Rng) -> String {
    let n = 1_000 + rng.below(30_000);
    match rng.below(5) {
        0 => format!("λ x. {}x{}", "(".repeat(n), ")".repeat(n)),
        1 => format!("{}x", "λ x. ".repeat(n)),
        2 => format!("λ f. f{}", " f".repeat(n)),
        3 => format!("λ f. {}f{}", "f (".repeat(n), ")".repeat(n - rng.below(2))),
        _ => format!("{}λ x. x", "(λ y. y ".repeat(n)),
    }
}

/// Checks one input; returns whether it compiled.
fn check(src: &str, must_compile: bool) -> bool {
    match compile(src) {
        Ok(c) => {
            // The printed form parses back to the same printed form.
            let printed = match parse(src) {
                Ok(p) => p.to_string(),
                Err(d) => panic!("compiled but does not parse: {src:?}: {d:?}"),
            };
            let again = parse(&printed).map(|p| p.to_string());
            assert_eq!(again.as_deref(), Ok(printed.as_str()), "reprint of {src:?}");
            assert!(c.module.def(c.entry).name.starts_with("main"));
            true
        }
        Err(diags) => {
            assert!(!must_compile, "a generated program was rejected: {src:?}:\n{}", render(&diags, "gen.lc", src));
            assert!(!diags.is_empty() && diags.len() <= MAX_REPORTED, "{src:?}");
            for d in &diags {
                spans_inside(d, src);
            }
            let text = render(&diags, "fuzz.lc", src);
            assert!(text.starts_with("Error: "), "{src:?}");
            false
        }
    }
}

fn spans_inside(d: &Diagnostic, src: &str) {
    for l in std::iter::once(&d.primary).chain(&d.secondary) {
        let s = l.span;
        assert!(s.start <= s.end && s.end <= src.len(), "span {s} outside {src:?}");
        assert!(src.is_char_boundary(s.start) && src.is_char_boundary(s.end), "span {s} splits a char in {src:?}");
    }
}

#[test]
fn fuzz_front_end() {
    let start = Instant::now();
    let mut rng = Rng(SEED);
    let (mut ok, mut rejected) = (0usize, 0usize);
    let mut slowest = (Duration::ZERO, String::new());
    for i in 0..RUNS {
        let mut tokens = Vec::new();
        ProgramGen { rng: &mut rng, tokens: &mut tokens }.program();
        let kind = rng.below(100);
        let (src, must_compile) = if i % 1000 == 999 {
            (deep(&mut rng), false)
        } else if kind < 25 {
            (layout(&mut rng, &tokens), true)
        } else if kind < 60 {
            for _ in 0..1 + rng.below(3) {
                mutate_tokens(&mut rng, &mut tokens);
            }
            (layout(&mut rng, &tokens), false)
        } else if kind < 95 {
            let mut text = layout(&mut rng, &tokens);
            for _ in 0..1 + rng.below(3) {
                text = mutate_chars(&mut rng, &text);
            }
            (text, false)
        } else {
            let n = rng.below(40);
            ((0..n).map(|_| random_char(&mut rng)).collect(), false)
        };
        let t = Instant::now();
        if check(&src, must_compile) {
            ok += 1;
        } else {
            rejected += 1;
        }
        let took = t.elapsed();
        if took > slowest.0 {
            slowest = (took, src.chars().take(80).collect());
        }
    }
    eprintln!(
        "fuzz: {RUNS} inputs ({ok} compiled, {rejected} rejected) in {:.1?}; slowest {:.1?}: {:?}",
        start.elapsed(),
        slowest.0,
        slowest.1
    );
    assert_eq!(ok + rejected, RUNS);
    assert!(ok > RUNS / 5 && rejected > RUNS / 5, "the mix is off: {ok} compiled, {rejected} rejected");
    assert!(slowest.0 < Duration::from_secs(2), "an input took {:?}: {:?}", slowest.0, slowest.1);
}
