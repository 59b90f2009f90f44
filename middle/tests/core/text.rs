//! Unit tests of the text form: literals, names, parse errors.

use lull_middle::core::builder::Builder;
use lull_middle::core::ir::*;
use lull_middle::core::parse::{parse_module, ParseError};
use lull_middle::core::print::{print_expr, print_lit, print_module};

use crate::alpha::alpha_eq;

fn err(src: &str) -> ParseError {
    match parse_module(src) {
        Ok(m) => panic!("parsed:\n{}", print_module(&m)),
        Err(e) => e,
    }
}

#[test]
fn parse_error_display() {
    let e = err("def main =\n  \\x. y");
    assert_eq!(e.to_string(), "2:7: error: unknown variable or constructor `y`");
    assert_eq!((e.line, e.col), (2, 7));
}

#[test]
fn parse_errors_name_what_was_expected() {
    let cases: &[(&str, &str)] = &[
        ("def f = let x = 1", "1:18: error: expected `in`, found end of input"),
        ("def f = \\x x. x", "1:12: error: `x` is bound twice in the same scope"),
        ("def f = Foo", "1:9: error: unknown variable or constructor `Foo`"),
        ("def f = @g", "1:10: error: unknown global `@g`"),
        ("def f = 1\ndef f = 2\ndef g = @f", "3:10: error: ambiguous global `@f`: defined 2 times"),
        ("def f = 99999999999999999999", "1:9: error: integer literal `99999999999999999999` does not fit in i64"),
        ("def f = free \"abc", "1:14: error: unterminated string literal"),
        ("def f = iadd (1, 2)", "1:14: error: expected `(` right after primitive `iadd`, found `(`"),
        ("def f = 1 2 )", "1:13: error: expected `def`, `data` or end of input, found `)`"),
        (
            "data T { A }\ndef f = case 1 as x: i64 { _ -> 1, 2 -> 3 }",
            "2:36: error: expected `}` (the default alternative `_` must be the last), found integer `2`",
        ),
        ("def f = nan0xzz", "1:9: error: `nan0xzz` is not a NaN bit pattern (`nan0x` and 1 to 16 hex digits of a NaN)"),
        ("def f = $", "1:9: error: unexpected character `$`"),
        ("def f = letrec x = y, x = 1 in x", "1:23: error: `x` is bound twice in the same scope"),
    ];
    for (src, want) in cases {
        assert_eq!(err(src).to_string(), *want, "for {src:?}");
    }
}

#[test]
fn float_and_int_literals_print_distinctly() {
    let cases: &[(f64, &str)] = &[
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (1.0, "1.0"),
        (1e300, "1e300"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
        (f64::NAN, "nan"),
        (f64::from_bits(0xfff8_0000_0000_0001), "nan0xfff8000000000001"),
    ];
    for (x, want) in cases {
        assert_eq!(print_lit(Lit::Float(*x)), *want);
    }
    assert_eq!(print_lit(Lit::Int(i64::MIN)), "-9223372036854775808");
    // Every literal reads back bitwise.
    let mut b = Builder::new();
    let mut e = Builder::int(i64::MIN);
    for (x, _) in cases {
        let v = b.var("v", Rep::Float64);
        e = Builder::let_strict(vec![v], Builder::float(*x), e);
    }
    let v = b.var("r", Rep::Int64);
    b.def("lits", Builder::let_strict(vec![v], e, Expr::Free("k".into())));
    let m = b.finish();
    let back = parse_module(&print_module(&m)).unwrap_or_else(|e| panic!("{e}"));
    alpha_eq(&m, &back).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn hints_are_sanitised_and_made_unique() {
    let mut b = Builder::new();
    b.data("L", &[("Nil", &[]), ("iadd", &[Rep::Value])]);
    let names = ["x", "x", "x_1", "let", "", "9z", "a b", "Nil", "iadd", "nan0x1", "_"];
    let vs: Vec<VarId> = names.iter().map(|n| b.var(n, Rep::Value)).collect();
    let body = Builder::lam(vs.clone(), Expr::Var(vs[0]));
    b.def("let", body);
    let m = b.finish();
    let text = print_module(&m);
    assert_eq!(
        text,
        "data L { Nil, `iadd`(value) }\n\ndef `let` = \\x x_1 x_1_1 let_1 v v9z a_b Nil_1 iadd_1 v_nan0x1 __1. x\n"
    );
    let back = parse_module(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(print_module(&back), text);
}

#[test]
fn adjacency_distinguishes_arguments_from_argument_lists() {
    let src = "data L { Nil, Box(value) }\ndef f = \\g. g Nil (Box(Nil))\n";
    let m = parse_module(src).unwrap_or_else(|e| panic!("{e}"));
    let Expr::Lam(_, body) = &m.defs[0].body else { panic!("not a λ") };
    let Expr::App(_, args) = &**body else { panic!("not an application") };
    assert_eq!(args.len(), 2);
    assert_eq!(print_module(&m), "data L { Nil, Box(value) }\n\ndef f = \\g. g Nil Box(Nil)\n");
}

#[test]
fn print_expr_names_free_variables_after_their_hints() {
    let mut b = Builder::new();
    let x = b.var("x", Rep::Int64);
    let y = b.var("y", Rep::Int64);
    let e =
        Builder::let_strict(vec![y], Builder::prim(PrimOp::IAdd, vec![Expr::Var(x), Builder::int(1)]), Expr::Var(y));
    assert_eq!(print_expr(b.module(), &e), "strict y: i64 = iadd(x, 1) in\ny");
}

#[test]
fn empty_and_odd_modules() {
    assert_eq!(print_module(&parse_module("").unwrap_or_default()), "");
    assert_eq!(print_module(&parse_module("; just a comment\n").unwrap_or_default()), "");
    let m = parse_module("data `a b` {}\ndata V { `x\\`y`() }").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(print_module(&m), "data `a b` {}\ndata V { `x\\`y` }\n");
}

/// An imported definition (Note [Crate imports] in rt/include/lull_rt.h)
/// prints as `import "crate" "symbol"`, parses back, converts to an import
/// slot, and stops the interpreter with a message naming it.
#[test]
fn imported_definitions_round_trip_and_are_not_interpreted() {
    let src = "def map = import \"lib\" \"Prelude.map\"\n\ndef main = @map\n";
    let m = parse_module(src).expect("parses");
    lull_middle::core::verify::verify_module(&m).expect("verifies");
    assert_eq!(m.defs[0].import, Some(Import { krate: "lib".into(), symbol: "Prelude.map".into() }));
    assert_eq!(print_module(&m), src);
    let flat = lull_middle::closure_conv::closure_convert(&m).expect("converts");
    assert_eq!(flat.globals[0].kind, lull_middle::flat::ir::GlobalKind::Import(lull_middle::flat::ir::ImportId(0)));
    assert_eq!(flat.imports, vec![Import { krate: "lib".into(), symbol: "Prelude.map".into() }]);
    assert!(lull_middle::flat::print::print_module(&flat).contains("global @map = import \"lib\" \"Prelude.map\""));
    lull_middle::flat::verify::verify_module(&flat).expect("the flat module verifies");
    let limits = lull_middle::core::interp::Limits::default();
    let err = lull_middle::core::interp::normalise(&m, GlobalId(1), &limits).expect_err("not interpretable");
    assert!(err.to_string().contains("`Prelude.map` is imported from the crate `lib`"), "{err}");
    // `import` is a keyword: a definition named so is quoted.
    assert!(err_text("def import = import").contains("a definition name"));
}

fn err_text(src: &str) -> String {
    err(src).to_string()
}
