//! A deterministic fuzz run of the Lull parser and fixity resolution:
//! 100,000 generated and mutated programs per `cargo test` (fixed seed),
//! on a thread with a 2 MB stack. No panic, no stack overflow, no hang;
//! every generated program parses; every diagnostic points inside the
//! input and renders. Plus 100,000-deep inputs of every nesting kind, which
//! must get the nesting-limit diagnostic, on 2 MB threads too.

use std::time::{Duration, Instant};

use lull_frontend::diagnostic::{render, Diagnostic};
use lull_frontend::lull::fixity::{resolve, Fixities};
use lull_frontend::lull::{parse_module, MAX_NESTING};

use super::lull_parse::has_op_seq;
use super::support::Rng;

/// Inputs per run.
const RUNS: usize = 100_000;
const SEED: u64 = 0x4c55_4c4c_5041_5253; // "LULLPARS"

/// Runs `f` on a thread with a 2 MB stack.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let handle = std::thread::Builder::new().stack_size(2 << 20).spawn(f);
    match handle {
        Ok(h) => match h.join() {
            Ok(v) => v,
            Err(_) => panic!("the parser panicked"),
        },
        Err(e) => panic!("cannot spawn a thread: {e}"),
    }
}

const VARS: &[&str] = &["x", "y", "xs", "f", "g", "n", "acc", "x'", "_k", "as", "hiding"];
const CONS: &[&str] = &["Just", "Nothing", "True", "False", "Leaf", "Node", "K"];
const OPS: &[&str] =
    &["+", "-", "*", "==", "<", "&&", "||", ":", "++", ".", "$", "`div`", "<+>", ">>=", "!!", "`elem`", ":+"];
const TYPES: &[&str] = &["Int", "Bool", "[Int]", "a", "Maybe a", "(Int, Char)", "IO ()", "a -> b", "[[Char]]", "()"];

/// Generates valid Lull programs as text.
struct Gen<'r> {
    rng: &'r mut Rng,
    out: String,
    /// Inside an implicit layout block opened on the current line, where a
    /// multi-line `case` would be offside.
    inline_block: usize,
}

impl Gen<'_> {
    fn w(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn program(&mut self) {
        if self.rng.chance(30) {
            self.w("module Main (main) where\n");
        }
        if self.rng.chance(30) {
            self.w("import Data.List (sort, nub)\nimport Data.Char\n");
        }
        for _ in 0..1 + self.rng.below(4) {
            self.decl();
        }
        self.w("main :: IO ()\nmain = do\n");
        for _ in 0..1 + self.rng.below(3) {
            self.w("  ");
            self.stmt(3);
            self.w("\n");
        }
        self.w("  return ()\n");
    }

    fn decl(&mut self) {
        match self.rng.below(7) {
            0 => {
                self.w("data T a = Leaf | Node (T a) a !(T a) | K [a] deriving (Show, Eq)\n");
            }
            1 => {
                let t = self.rng.pick(TYPES).to_string();
                self.w(&format!("f, g :: Eq a => {t} -> {t}\n"));
            }
            2 => self.w("infixr 5 <+>\n"),
            3 => {
                // Equations with guards and a layout `where`.
                self.w("f x (Just y) n\n  | n > 0, let z = y = ");
                self.expr(3);
                self.w("\n  | otherwise = ");
                self.expr(3);
                self.w("\n  where\n    g = ");
                self.expr(3);
                self.w("\n    h a b = a\n");
            }
            4 => {
                self.w("(q, r) = ");
                self.expr(3);
                self.w("\n");
            }
            5 => {
                self.w("x <+> y = ");
                self.expr(4);
                self.w("\n");
            }
            _ => {
                let v = self.rng.pick(VARS).to_string();
                self.w(&format!("{v} "));
                self.pat(2);
                self.w(" = ");
                self.expr(5);
                self.w("\n");
            }
        }
    }

    fn stmt(&mut self, budget: usize) {
        match self.rng.below(4) {
            0 => {
                self.pat(2);
                self.w(" <- ");
                self.expr(budget);
            }
            1 => {
                self.w("let { y = ");
                self.expr(budget);
                self.w(" }");
            }
            _ => self.expr(budget),
        }
    }

    fn pat(&mut self, budget: usize) {
        let choice = if budget == 0 { self.rng.below(3) } else { self.rng.below(9) };
        match choice {
            0 => {
                let v = self.rng.pick(VARS).to_string();
                self.w(&v);
            }
            1 => self.w("_"),
            2 => {
                let n = self.rng.below(100);
                self.w(&n.to_string());
            }
            3 => {
                self.w("(");
                self.pat(budget - 1);
                self.w(" : ");
                self.pat(budget - 1);
                self.w(")");
            }
            4 => {
                self.w("(");
                self.pat(budget - 1);
                self.w(", ");
                self.pat(budget - 1);
                self.w(")");
            }
            5 => {
                self.w("[");
                self.pat(budget - 1);
                self.w("]");
            }
            6 => {
                self.w("(Just ");
                self.pat(budget - 1);
                self.w(")");
            }
            7 => {
                self.w("all@");
                self.w("(");
                self.pat(budget - 1);
                self.w(")");
            }
            _ => {
                self.w("~(");
                self.pat(budget - 1);
                self.w(")");
            }
        }
    }

    /// An operand that can be followed by an operator.
    fn atom(&mut self, budget: usize) {
        let choice = if budget == 0 { self.rng.below(4) } else { self.rng.below(22) };
        match choice {
            0 => {
                let v = self.rng.pick(VARS).to_string();
                self.w(&v);
            }
            1 => {
                let c = self.rng.pick(CONS).to_string();
                self.w(&c);
            }
            2 => {
                let lit = *self.rng.pick(&["1", "0x1F", "2.5", "1e3", "'a'", "'\\n'", "\"s\\t\\\"q\"", "\"\""]);
                self.w(lit);
            }
            3 => self.w("()"),
            4 | 5 => {
                self.atom(budget - 1);
                self.w(" ");
                self.atom(budget - 1);
            }
            6 => {
                self.w("(");
                self.expr(budget - 1);
                self.w(")");
            }
            7 => {
                self.w("(");
                self.expr(budget - 1);
                self.w(", ");
                self.expr(budget - 1);
                self.w(")");
            }
            8 => {
                self.w("[");
                self.expr(budget - 1);
                self.w(", ");
                self.expr(budget - 1);
                self.w("]");
            }
            9 => {
                self.w("[");
                self.expr(budget - 1);
                self.w(" .. ");
                self.expr(budget - 1);
                self.w("]");
            }
            10 => {
                self.w("[");
                self.expr(budget - 1);
                self.w(" | x <- ");
                self.expr(budget - 1);
                self.w(", let y = x, odd y]");
            }
            11 => {
                self.w("(\\ ");
                self.pat(1);
                self.w(" -> ");
                self.expr(budget - 1);
                self.w(")");
            }
            12 => {
                self.w("(let y = ");
                self.inline_block += 1;
                self.expr(budget - 1);
                self.inline_block -= 1;
                self.w(" in ");
                self.expr(budget - 1);
                self.w(")");
            }
            13 => {
                self.w("(if ");
                self.expr(budget - 1);
                self.w(" then ");
                self.expr(budget - 1);
                self.w(" else ");
                self.expr(budget - 1);
                self.w(")");
            }
            14 => {
                self.w("(case ");
                self.expr(budget - 1);
                self.w(" of { ");
                self.pat(1);
                self.w(" | x > 0 -> ");
                self.expr(budget - 1);
                self.w("; _ -> ");
                self.expr(budget - 1);
                self.w(" })");
            }
            15 => {
                self.w("(do { ");
                self.stmt(budget - 1);
                self.w("; ");
                self.expr(budget - 1);
                self.w(" })");
            }
            16 => {
                let op = self.rng.pick(OPS).to_string();
                if op == "-" {
                    self.w("(subtract 1)");
                } else {
                    self.w(&format!("({op} "));
                    self.atom(budget - 1);
                    self.w(")");
                }
            }
            17 => {
                let op = self.rng.pick(OPS).to_string();
                self.w("(");
                self.atom(budget - 1);
                self.w(&format!(" {op})"));
            }
            18 => {
                self.w("(");
                self.expr(budget - 1);
                let t = self.rng.pick(TYPES).to_string();
                self.w(&format!(" :: {t})"));
            }
            19 => self.w("(-1)"),
            20 => {
                let op = self.rng.pick(OPS).to_string();
                self.w(&format!("({})", op.trim_matches('`')));
            }
            _ if self.inline_block > 0 => self.w("(f x)"),
            _ => {
                self.w("(case x of\n        ");
                self.pat(1);
                self.w(" -> ");
                self.inline_block += 1;
                self.atom(budget - 1);
                self.inline_block -= 1;
                self.w("\n        _ -> 0)");
            }
        }
    }

    fn expr(&mut self, budget: usize) {
        if self.rng.chance(15) {
            self.w("- ");
        }
        self.atom(budget);
        for _ in 0..self.rng.below(3) {
            let op = self.rng.pick(OPS).to_string();
            self.w(&format!(" {op} "));
            self.atom(budget.saturating_sub(1));
        }
        if budget > 0 && self.rng.chance(10) {
            self.w(" $ \\z -> ");
            self.expr(budget - 1);
        }
    }
}

/// Tokens that mutations insert.
const JUNK: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ";",
    ",",
    "=",
    "->",
    "<-",
    "|",
    "\\",
    "let",
    "in",
    "where",
    "do",
    "of",
    "case",
    "if",
    "then",
    "else",
    "::",
    "=>",
    "@",
    "~",
    "!",
    "-",
    "--",
    "{-",
    "-}",
    "\"",
    "'",
    "`",
    ":",
    "..",
    "_",
    "\n",
    "\n  ",
    "\t",
    "\r\n",
    "é",
    "λ",
    "𝔸",
    "\u{0}",
    "\u{feff}",
    "\u{2028}",
    "M.x",
    "Data.List",
    "0x",
    "1e",
    "'\\q'",
    "\"\\",
    "class",
    "instance",
    "import",
    "module",
    "data",
    "newtype",
    "type",
    "infixl 10",
    "deriving",
];

fn random_char(rng: &mut Rng) -> char {
    let code = match rng.below(5) {
        0 => rng.below(0x80),
        1 => 0x80 + rng.below(0x780),
        2 => 0x800 + rng.below(0xF800),
        3 => 0x10000 + rng.below(0x100000),
        _ => *rng.pick(&[0x0a, 0x0d, 0x09, 0x0c, 0x20, 0x28, 0x29, 0x7b, 0x7d, 0x2d, 0x5c, 0x22, 0x27]),
    };
    char::from_u32(code as u32).unwrap_or('\u{fffd}')
}

fn mutate(rng: &mut Rng, text: &str) -> String {
    match rng.below(4) {
        // Token-level: split on spaces.
        0 => {
            let mut toks: Vec<String> = text.split(' ').map(str::to_string).collect();
            if toks.is_empty() {
                return text.to_string();
            }
            let i = rng.below(toks.len());
            match rng.below(5) {
                0 => {
                    toks.remove(i);
                }
                1 => toks.insert(i, rng.pick(JUNK).to_string()),
                2 => {
                    let j = rng.below(toks.len());
                    toks.swap(i, j);
                }
                3 => {
                    let copy = toks[i].clone();
                    toks.insert(rng.below(toks.len() + 1), copy);
                }
                _ => toks.truncate(i),
            }
            toks.join(" ")
        }
        // Indentation: add or remove spaces at a line start.
        1 => {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            if lines.is_empty() {
                return text.to_string();
            }
            let i = rng.below(lines.len());
            if rng.chance(50) {
                lines[i].insert_str(0, &" ".repeat(1 + rng.below(4)));
            } else {
                let n = lines[i].len() - lines[i].trim_start().len();
                let k = n.min(1 + rng.below(4));
                lines[i].replace_range(..k, "");
            }
            lines.join("\n")
        }
        // Character-level.
        2 => {
            let mut cs: Vec<char> = text.chars().collect();
            if cs.is_empty() {
                return random_char(rng).to_string();
            }
            let i = rng.below(cs.len());
            if rng.chance(50) {
                cs.drain(i..(i + 1 + rng.below(4)).min(cs.len()));
            } else {
                for _ in 0..1 + rng.below(3) {
                    cs.insert(i, random_char(rng));
                }
            }
            cs.into_iter().collect()
        }
        // Truncation.
        _ => {
            let cs: Vec<char> = text.chars().collect();
            cs[..rng.below(cs.len() + 1)].iter().collect()
        }
    }
}

/// Checks the diagnostics of a rejected input: inside it, and rendering.
fn check_diagnostics(src: &str, diags: &[Diagnostic]) {
    assert!(!diags.is_empty(), "rejected without a diagnostic: {src:?}");
    for d in diags {
        for l in std::iter::once(&d.primary).chain(&d.secondary) {
            assert!(
                l.span.start <= l.span.end && l.span.end <= src.len(),
                "span {:?} outside the input for {:?} in {src:?}",
                l.span,
                d.message
            );
            assert!(src.is_char_boundary(l.span.start) && src.is_char_boundary(l.span.end));
        }
    }
    let text = render(diags, "fuzz.lull", src);
    assert!(text.starts_with("Error: "));
}

/// Parses and resolves; `true` when parsing succeeded.
fn run_one(src: &str) -> bool {
    match parse_module(src) {
        Ok(mut m) => {
            let errs = resolve(&mut m, &Fixities::haskell_prelude());
            if !errs.is_empty() {
                check_diagnostics(src, &errs);
            }
            assert!(!has_op_seq(&m), "an operator sequence survived resolution in {src:?}");
            true
        }
        Err(d) => {
            check_diagnostics(src, &d);
            false
        }
    }
}

#[test]
fn fuzz_generated_and_mutated_programs() {
    let (ok, total, slowest) = on_small_stack(|| {
        let mut rng = Rng(SEED);
        let start = Instant::now();
        let mut slowest = Duration::ZERO;
        let mut ok = 0;
        let mut total = 0;
        while total < RUNS {
            let mut g = Gen { rng: &mut rng, out: String::new(), inline_block: 0 };
            g.program();
            let program = g.out;
            let t = Instant::now();
            assert!(run_one(&program), "a generated program does not parse:\n{program}\n{}", {
                let d = parse_module(&program).err().unwrap_or_default();
                render(&d, "gen.lull", &program)
            });
            slowest = slowest.max(t.elapsed());
            ok += 1;
            total += 1;
            // Several mutants of each program.
            let mut text = program;
            for _ in 0..4 {
                text = mutate(&mut rng, &text);
                let t = Instant::now();
                if run_one(&text) {
                    ok += 1;
                }
                slowest = slowest.max(t.elapsed());
                total += 1;
            }
        }
        assert!(start.elapsed() < Duration::from_secs(120), "the fuzz run took {:?}", start.elapsed());
        (ok, total, slowest)
    });
    assert!(total >= RUNS);
    // Mutants are mostly rejected, but not all.
    assert!(ok > total / 5 && ok < total, "{ok} of {total} accepted");
    assert!(slowest < Duration::from_secs(2), "one input took {slowest:?}");
}

// ---------------------------------------------------------------- deep inputs

const N: usize = 100_000;

/// The first error message for `src`, parsed on a 2 MB thread.
fn deep_error(src: String) -> Option<String> {
    on_small_stack(move || match parse_module(&src) {
        Ok(mut m) => {
            let errs = resolve(&mut m, &Fixities::haskell_prelude());
            errs.first().map(|d| d.message.clone())
        }
        Err(d) => {
            let text = render(&d[..1], "deep.lull", &src);
            assert!(text.starts_with("Error: "));
            Some(d[0].message.clone())
        }
    })
}

fn too_deep(msg: Option<String>) -> bool {
    let expected_end = format!("the limit is {MAX_NESTING})");
    msg.is_some_and(|m| m.starts_with("program nested too deeply (") && m.ends_with(&expected_end))
}

#[test]
fn deep_expressions_hit_the_limit() {
    let cases: Vec<(&str, String)> = vec![
        ("parens", format!("x = {}1{}", "(".repeat(N), ")".repeat(N))),
        ("lets", format!("x = {}1", "let y = 1 in ".repeat(N))),
        ("lambdas", format!("x = {}1", "\\y -> ".repeat(N))),
        ("ifs", format!("x = {}1", "if a then b else ".repeat(N))),
        ("cons chain", format!("x = {}[]", "1 : ".repeat(N))),
        ("plus chain", format!("x = 1{}", " + 1".repeat(N))),
        ("lists", format!("x = {}1{}", "[".repeat(N), "]".repeat(N))),
        ("applications", format!("x = {}1{}", "f (".repeat(N), ")".repeat(N))),
        ("negations", format!("x = {}1", "- ".repeat(N))),
        ("do blocks", format!("x = {}1", "do ".repeat(N))),
        ("cases", format!("x = {}1{}", "case y of { _ -> ".repeat(N), " }".repeat(N))),
        ("tuples", format!("x = {}1{}", "(1, ".repeat(N), ")".repeat(N))),
        ("sections", format!("x = {}1{}", "(+ ".repeat(N), ")".repeat(N))),
        ("types", format!("x :: {}Int{}", "[".repeat(N), "]".repeat(N))),
        ("function types", format!("x :: {}Int", "Int -> ".repeat(N))),
        ("patterns", format!("f {}x{} = 1", "(".repeat(N), ")".repeat(N))),
        ("case patterns", format!("f = case y of {}x{} -> 1", "(Just ".repeat(N), ")".repeat(N))),
        ("pattern chain", format!("f ({}[]) = 1", "x : ".repeat(N))),
        ("lambda patterns", format!("f = \\ {}x{} -> 1", "~(".repeat(N), ")".repeat(N))),
        ("wheres", format!("f = 1{}", " where { g = 1".repeat(N) + &" }".repeat(N))),
        ("comprehensions", format!("x = {}1{}", "[y | y <- ".repeat(N), "]".repeat(N))),
    ];
    for (what, src) in cases {
        let msg = deep_error(src);
        assert!(too_deep(msg.clone()), "{what}: {msg:?}");
    }
}

#[test]
fn wide_inputs_are_fine() {
    let list = format!("x = [{}1]", "1, ".repeat(N));
    assert_eq!(deep_error(list), None);
    let app = format!("x = f{}", " y".repeat(N));
    assert_eq!(deep_error(app), None);
    let decls: String = (0..N / 10).map(|i| format!("f{i} x = x + {i}\n")).collect();
    assert_eq!(deep_error(decls), None);
    let stmts = format!("main = do\n{}  return ()\n", "  print 1\n".repeat(N / 10));
    assert_eq!(deep_error(stmts), None);
    let string = format!("x = \"{}\"", "a".repeat(10 * N));
    assert_eq!(deep_error(string), None);
}

#[test]
fn nesting_at_the_limit_is_accepted() {
    // `x = (((...1...)))`: the declaration is at depth 1, the pattern
    // binding's right-hand side at 2, each parenthesis one more.
    let k = MAX_NESTING - 2;
    assert_eq!(deep_error(format!("x = {}1{}", "(".repeat(k), ")".repeat(k))), None);
    let k = MAX_NESTING - 1;
    assert!(too_deep(deep_error(format!("x = {}1{}", "(".repeat(k), ")".repeat(k)))));
}

#[test]
fn unclosed_and_unfinished_deep_inputs() {
    let m = |s: String| deep_error(s);
    assert_eq!(m(format!("x = {}", "(".repeat(N))), Some("unexpected end of input".to_string()));
    assert_eq!(m(format!("x = {}", "[".repeat(N))), Some("unexpected end of input".to_string()));
    assert_eq!(m(format!("x = {}", ")".repeat(N))), Some("unexpected `)`".to_string()));
    assert_eq!(m(format!("x = 1 {}", "{- ".repeat(N))), Some("unclosed comment".to_string()));
    assert_eq!(m(format!("x = {}", "let ".repeat(N))).map(|s| s.starts_with("unexpected")), Some(true));
    assert_eq!(m(format!("x = {}", "\\".repeat(N))).map(|s| s.starts_with("unexpected")), Some(true));
    assert_eq!(m("x = ".to_string() + &"do\n".repeat(N)).map(|s| s.starts_with("empty `do` block")), Some(true));
}
