//! Deep terms on small stacks: printing, parsing, verifying and dropping
//! deep terms must not recurse (Note [No recursion on term depth]). The
//! printer and the verifier get a million-deep term; the round trip through
//! the parser uses 100,000 levels to keep the test binary fast (the parser
//! is iterative too: depth only costs time and memory).

use lull_middle::core::builder::Builder;
use lull_middle::core::ir::*;
use lull_middle::core::{parse::parse_module, print::print_module, verify::verify_module};

use crate::alpha::alpha_eq;

/// The stack deep-term tests run on: far less than recursion on their
/// depth would need.
pub(crate) const SMALL_STACK: usize = 2 << 20;
const MILLION: usize = 1_000_000;
const ROUND_TRIP_DEPTH: usize = 100_000;

/// Run `f` on a thread with a [`SMALL_STACK`], passing its panics on.
pub(crate) fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new().stack_size(SMALL_STACK).spawn(f);
    match handle.map(|h| h.join()) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => std::panic::resume_unwind(e),
        Err(e) => panic!("cannot spawn: {e}"),
    }
}

fn verifies(m: &Module) {
    if let Err(errs) = verify_module(m) {
        panic!("{}", errs[0]);
    }
}

/// Print, parse back, compare, verify.
fn round_trip(m: Module) {
    verifies(&m);
    let printed = print_module(&m);
    let parsed = parse_module(&printed).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(print_module(&parsed), printed);
    if let Err(e) = alpha_eq(&m, &parsed) {
        panic!("{e}");
    }
    verifies(&parsed);
}

/// `let x = free "a" in let x_1 = x in ... x_{n-1}`.
fn let_chain(n: usize) -> Module {
    let mut b = Builder::new();
    let xs: Vec<VarId> = (0..n).map(|_| b.var("x", Rep::Value)).collect();
    let mut e = Expr::Var(xs[n - 1]);
    for i in (0..n).rev() {
        let bound = if i == 0 { Expr::Free("a".into()) } else { Expr::Var(xs[i - 1]) };
        e = Builder::let_(xs[i], bound, e);
    }
    b.def("main", e);
    b.finish()
}

/// `\f x. f (f (... (f x)))` and `\y. \y_1. ... free "z"`.
fn apps_and_lams(n: usize) -> Module {
    let mut b = Builder::new();
    let f = b.var("f", Rep::Value);
    let x = b.var("x", Rep::Value);
    let mut e = Expr::Var(x);
    for _ in 0..n {
        e = Builder::app(Expr::Var(f), vec![e]);
    }
    b.def("church", Builder::lam(vec![f, x], e));
    let mut body = Expr::Free("z".into());
    let params: Vec<VarId> = (0..n / 4).map(|_| b.var("y", Rep::Value)).collect();
    for p in params.into_iter().rev() {
        body = Builder::lam(vec![p], body);
    }
    b.def("lams", body);
    b.finish()
}

#[test]
fn million_deep_terms_print_and_verify() {
    on_small_stack(|| {
        let m = let_chain(MILLION);
        verifies(&m);
        let printed = print_module(&m);
        assert!(printed.starts_with("def main =\n  let x = free \"a\" in\n  let x_1 = x in\n"));
        assert!(printed.ends_with(&format!("  let x_{} = x_{} in\n  x_{}\n", MILLION - 1, MILLION - 2, MILLION - 1)));
        let m = apps_and_lams(MILLION);
        verifies(&m);
        let printed = print_module(&m);
        assert!(printed.starts_with("def church = \\f x. f (f (f"));
        assert_eq!(printed.matches('(').count(), MILLION - 1);
    });
}

#[test]
fn deep_lets_round_trip() {
    on_small_stack(|| round_trip(let_chain(ROUND_TRIP_DEPTH)));
}

#[test]
fn deep_applications_and_lambdas_round_trip() {
    on_small_stack(|| round_trip(apps_and_lams(ROUND_TRIP_DEPTH)));
}

#[test]
fn deep_cases_and_constructors_round_trip() {
    on_small_stack(|| {
        let mut b = Builder::new();
        let list = b.data("List", &[("Nil", &[]), ("Cons", &[Rep::Value, Rep::Value])]);
        let (nil, cons) = (ConRef { data: list, tag: 0 }, ConRef { data: list, tag: 1 });
        // Cons(a, Cons(a, ... Nil)).
        let mut e = Builder::con(nil, vec![]);
        for _ in 0..ROUND_TRIP_DEPTH {
            e = Builder::con(cons, vec![Expr::Free("a".into()), e]);
        }
        b.def("long", e);
        // Cases nested in scrutinees and in defaults, alternately.
        let mut e = Expr::Free("s".into());
        for i in 0..ROUND_TRIP_DEPTH / 4 {
            let s = b.var("s", Rep::Value);
            let (h, t) = (b.var("h", Rep::Value), b.var("t", Rep::Value));
            let alt = Alt { pat: Pat::Con(cons, vec![h, t]), body: Expr::Var(t) };
            e = if i % 2 == 0 {
                Builder::case(e, s, vec![alt], Some(Builder::con(nil, vec![])))
            } else {
                Builder::case(Expr::Free("q".into()), s, vec![alt], Some(e))
            };
        }
        b.def("cases", e);
        // A deep letrec/strict mix.
        let mut e = Builder::int(0);
        for _ in 0..ROUND_TRIP_DEPTH / 4 {
            let n = b.var("n", Rep::Int64);
            e = Builder::let_strict(vec![n], Builder::prim(PrimOp::IAdd, vec![e, Builder::int(1)]), Expr::Var(n));
        }
        let r = b.var("r", Rep::Int64);
        let l = b.var("l", Rep::Value);
        b.def(
            "sum",
            Builder::letrec(vec![(l, Builder::let_strict(vec![r], e, Expr::Free("done".into())))], Expr::Var(l)),
        );
        round_trip(b.finish());
    });
}
