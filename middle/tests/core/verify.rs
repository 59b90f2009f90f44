//! Verifier invariants that the text form cannot express (ids out of range,
//! a binder bound twice, empty applications and letrecs), and `rep_of`.

use lull_middle::core::builder::Builder;
use lull_middle::core::ir::*;
use lull_middle::core::verify::{rep_of, verify_module, VerifyError};

fn errors(m: &Module) -> Vec<VerifyError> {
    verify_module(m).err().unwrap_or_default()
}

fn assert_only(m: &Module, invariant: u32, substring: &str) {
    let errs = errors(m);
    assert!(!errs.is_empty(), "expected V{invariant}, module verifies");
    for e in &errs {
        assert_eq!(e.invariant, invariant, "unexpected error: {e}");
        assert!(e.to_string().contains(substring), "`{e}` does not contain `{substring}`");
    }
}

#[test]
fn v4_variable_out_of_range() {
    let mut b = Builder::new();
    b.def("f", Expr::Var(VarId(7)));
    assert_only(&b.finish(), 4, "variable v7 is out of range");
    let mut b = Builder::new();
    b.def("f", Builder::lam(vec![VarId(3)], Expr::Free("a".into())));
    assert_only(&b.finish(), 4, "binder v3 is out of range");
}

#[test]
fn v7_variable_out_of_scope() {
    // A lazy let's binder in its own bound expression.
    let mut b = Builder::new();
    let x = b.var("x", Rep::Value);
    b.def("own", Builder::let_(x, Expr::Var(x), Expr::Var(x)));
    // A pattern binder used outside its alternative, and a case binder in
    // the scrutinee.
    let list = b.data("L", &[("Nil", &[]), ("Box", &[Rep::Value])]);
    let (s, h) = (b.var("s", Rep::Value), b.var("h", Rep::Value));
    let alt = Alt { pat: Pat::Con(ConRef { data: list, tag: 1 }, vec![h]), body: Expr::Var(h) };
    b.def("escape", Builder::case(Expr::Var(s), s, vec![alt], Some(Expr::Var(h))));
    // A λ parameter of another definition.
    let p = b.var("p", Rep::Value);
    b.def("k", Builder::lam(vec![p], Expr::Var(p)));
    b.def("other", Expr::Var(p));
    let m = b.finish();
    assert_only(&m, 7, "is not in scope");
    let paths: Vec<String> = errors(&m).iter().map(|e| e.to_string()).collect();
    assert_eq!(
        paths,
        [
            "def `own` (g0), at body/let.bound: [V7] variable `x` (v0) is not in scope",
            "def `escape` (g1), at body/case.scrut: [V7] variable `s` (v1) is not in scope",
            "def `escape` (g1), at body/case.default: [V7] variable `h` (v2) is not in scope",
            "def `other` (g3), at body: [V7] variable `p` (v3) is not in scope",
        ]
    );
}

#[test]
fn v5_global_out_of_range() {
    let mut b = Builder::new();
    b.def("f", Expr::Global(GlobalId(9)));
    assert_only(&b.finish(), 5, "global g9 is out of range");
}

#[test]
fn v6_constructor_out_of_range() {
    let mut b = Builder::new();
    let d = b.data("T", &[("A", &[])]);
    b.def("f", Builder::con(ConRef { data: d, tag: 1 }, vec![]));
    b.def("g", Builder::con(ConRef { data: DataId(5), tag: 0 }, vec![]));
    let x = b.var("x", Rep::Value);
    let s = Expr::Str(Box::new(StrLit {
        text: "a".into(),
        nil: ConRef { data: d, tag: 0 },
        cons: ConRef { data: d, tag: 3 },
        chr: ConRef { data: d, tag: 3 },
    }));
    b.def(
        "h",
        Builder::case(s, x, vec![Alt { pat: Pat::Con(ConRef { data: d, tag: 2 }, vec![]), body: Expr::Var(x) }], None),
    );
    let m = b.finish();
    assert_only(&m, 6, "does not exist");
    assert_eq!(errors(&m).len(), 5);
}

#[test]
fn v8_binder_bound_twice() {
    let mut b = Builder::new();
    let x = b.var("x", Rep::Value);
    b.def("f", Builder::lam(vec![x], Expr::Var(x)));
    b.def("g", Builder::lam(vec![x], Expr::Var(x)));
    assert_only(&b.finish(), 8, "variable `x` (v0) is bound more than once");
    let mut b = Builder::new();
    let x = b.var("x", Rep::Value);
    b.def("f", Builder::lam(vec![x], Builder::let_(x, Expr::Free("a".into()), Expr::Var(x))));
    assert_only(&b.finish(), 8, "bound more than once");
}

#[test]
fn v10_application_without_arguments() {
    let mut b = Builder::new();
    b.def("f", Expr::App(Box::new(Expr::Free("a".into())), vec![]));
    assert_only(&b.finish(), 10, "application without arguments");
}

#[test]
fn v12_letrec_without_bindings() {
    let mut b = Builder::new();
    b.def("f", Builder::letrec(vec![], Expr::Free("a".into())));
    assert_only(&b.finish(), 12, "letrec without bindings");
}

#[test]
fn error_paths_point_at_the_expression() {
    let mut b = Builder::new();
    let x = b.var("x", Rep::Value);
    let bad = Builder::prim(PrimOp::IAdd, vec![Builder::int(1), Builder::float(2.0)]);
    let n = b.var("n", Rep::Int64);
    b.def("f", Builder::lam(vec![x], Builder::let_strict(vec![n], bad, Expr::Var(x))));
    let errs = errors(&b.finish());
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].to_string(),
        "def `f` (g0), at body/lam.body/strict.bound: [V14] operand 1 of primitive `iadd` is f64; it must be i64"
    );
}

#[test]
fn rep_of_follows_tail_positions() {
    let mut b = Builder::new();
    let x = b.var("x", Rep::Int64);
    let s = b.var("s", Rep::Int64);
    let e = Builder::let_strict(
        vec![x],
        Builder::int(1),
        Builder::case(Expr::Var(x), s, vec![Alt { pat: Pat::Lit(Lit::Int(0)), body: Builder::float(1.0) }], None),
    );
    let m = b.finish();
    assert_eq!(rep_of(&m, &e), Some(Rep::Float64));
    assert_eq!(rep_of(&m, &Builder::prim(PrimOp::GetChar, vec![Expr::Free("t".into())])), None);
    assert_eq!(rep_of(&m, &Expr::Lam(vec![], Box::new(Builder::int(1)))), Some(Rep::Value));
}
