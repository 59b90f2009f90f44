//! `lull_llvm::nf` and `lull_llvm::conv`: Core terms built in memory,
//! normalised and compared natively, agreeing with the reference
//! interpreter; limits and errors come back as values.

use lull_llvm::{conv, nf, NfError, Term};
use lull_middle::core::builder::Builder as B;
use lull_middle::core::interp::{self, Limits};
use lull_middle::core::ir::{Module, Rep};
use lull_middle::core::parse::parse_module;

fn module(src: &str) -> Module {
    parse_module(src).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn term(m: &Module) -> Term<'_> {
    Term { module: m, entry: m.find_def("main").expect("main") }
}

#[test]
fn normal_forms_agree_with_the_interpreter_exactly() {
    let sources = [
        // Under λs, with free variables of any name.
        "def main = \\x y. x (free \"a b\") ((\\z. z) y)\n",
        // Constructors, integers (negative too) and floats by their bits.
        "data P { P(value, value, i64, f64), Q }\ndef main = P(Q, free \"k\", -7, nan0x7ff8000000000001)\n",
        "data F { F(f64) }\ndef main = \\x. x F(-0.0) F(inf)\n",
        // Church numerals: 2 * 3.
        "def two = \\s z. s (s z)\ndef three = \\s z. s (s (s z))\ndef main = \\s. @two (@three s)\n",
    ];
    for src in sources {
        let m = module(src);
        let native = nf(term(&m), &Limits::default()).unwrap_or_else(|e| panic!("{src}: {e}"));
        let (oracle, _) = interp::normalise(&m, m.find_def("main").unwrap(), &Limits::default()).unwrap();
        assert!(native.alpha_eq(&oracle), "{src}: native {native}, interpreter {oracle}");
    }
}

#[test]
fn terms_built_in_memory_convert() {
    let mut b = B::new();
    let (x, y, z) = (b.var("x", Rep::Value), b.var("y", Rep::Value), b.var("z", Rep::Value));
    let id = b.def("id", B::lam(vec![x], B::var_ref(x)));
    let eta = b.def("eta", B::lam(vec![y], B::app(B::lam(vec![z], B::var_ref(z)), vec![B::var_ref(y)])));
    let m = b.finish();
    let limits = Limits::default();
    assert_eq!(conv(Term { module: &m, entry: id }, Term { module: &m, entry: eta }, &limits), Ok(true));
    let k = module("def main = \\x y. x\n");
    let ki = module("def main = \\x y. y\n");
    assert_eq!(conv(term(&k), term(&ki), &limits), Ok(false));
    assert_eq!(conv(term(&k), term(&k), &limits), Ok(true));
}

#[test]
fn limits_and_errors_are_values() {
    let spin = module("def loop = \\x. @loop x\ndef main = @loop @loop\n");
    let limits = Limits { max_steps: Some(1000), ..Limits::default() };
    match nf(term(&spin), &limits) {
        Err(NfError::Limit(m)) => assert!(m.contains("step limit of 1000"), "{m}"),
        other => panic!("{other:?}"),
    }
    let other = module("def main = \\x y. x\n");
    assert!(matches!(conv(term(&spin), term(&other), &limits), Err(NfError::Limit(_))));

    let boom = module("def main = error[value] \"boom\"\n");
    match nf(term(&boom), &Limits::default()) {
        Err(NfError::Runtime(m)) => assert!(m.contains("boom"), "{m}"),
        other => panic!("{other:?}"),
    }

    let mut b = B::new();
    let x = b.var("x", Rep::Value);
    let main = b.def("main", B::var_ref(x));
    let unbound = b.finish();
    assert!(matches!(nf(Term { module: &unbound, entry: main }, &Limits::default()), Err(NfError::Malformed(_))));
}
