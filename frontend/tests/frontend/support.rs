//! Helpers shared by the test modules.

use lull_frontend::diagnostic::render;
use lull_frontend::lambda::{compile, parse, Compiled};
use lull_middle::core::ir::{Expr, Module};

/// Parses `src` and prints it back, panicking with the diagnostics if it
/// does not parse.
pub fn reprint(src: &str) -> String {
    match parse(src) {
        Ok(p) => p.to_string(),
        Err(d) => panic!("{src:?} does not parse:\n{}", render(&d, "test.lc", src)),
    }
}

/// Compiles `src`, panicking with the diagnostics if it fails.
pub fn compiled(src: &str) -> Compiled {
    match compile(src) {
        Ok(c) => c,
        Err(d) => panic!("{src:?} does not compile:\n{}", render(&d, "test.lc", src)),
    }
}

/// The rendered diagnostics for `src`, which must fail to compile.
pub fn errors(src: &str) -> String {
    match compile(src) {
        Ok(_) => panic!("{src:?} compiled"),
        Err(d) => render(&d, "test.lc", src),
    }
}

/// A Core expression of the λ fragment as text: binders as `name#id`,
/// variables likewise, globals as `@name`, free variables as `?name`.
/// Recursive: only for the small terms of unit tests.
pub fn show(m: &Module, e: &Expr) -> String {
    let var = |v: &lull_middle::core::ir::VarId| format!("{}#{}", m.var(*v).name, v.0);
    match e {
        Expr::Var(v) => var(v),
        Expr::Global(g) => format!("@{}", m.def(*g).name),
        Expr::Free(x) => format!("?{x}"),
        Expr::Lam(ps, b) => {
            let ps: Vec<String> = ps.iter().map(var).collect();
            format!("(λ {}. {})", ps.join(" "), show(m, b))
        }
        Expr::App(f, args) => {
            let mut s = format!("[{}", show(m, f));
            for a in args {
                s.push(' ');
                s.push_str(&show(m, a));
            }
            s.push(']');
            s
        }
        other => format!("<unexpected {other:?}>"),
    }
}

/// Every def of `c` as `name = core`, one per line.
pub fn show_module(c: &Compiled) -> String {
    let mut out = String::new();
    for d in &c.module.defs {
        out.push_str(&format!("{} = {}\n", d.name, show(&c.module, &d.body)));
    }
    out
}

/// SplitMix64: small, fast, and the same everywhere; the fuzz tests'
/// deterministic source of randomness.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}
