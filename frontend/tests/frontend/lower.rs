//! Lowering every form to Core.

use super::support::{compiled, show_module};
use lull_frontend::lambda::{lower, parse};
use lull_middle::core::ir::{Expr, GlobalId, Rep};

#[test]
fn lambda_and_application() {
    let c = compiled("λ f x. f x x");
    assert_eq!(show_module(&c), "main = (λ f#0 x#1. [f#0 x#1 x#1])\n");
    assert_eq!(c.entry, GlobalId(0));
    assert!(c.module.vars.iter().all(|v| v.rep == Rep::Value));
}

#[test]
fn nested_lambdas_stay_nested() {
    let c = compiled("λ x. λ y. y x");
    assert_eq!(show_module(&c), "main = (λ x#0. (λ y#1. [y#1 x#0]))\n");
}

#[test]
fn underscore_binders_are_fresh() {
    let c = compiled("λ _ _ x. x");
    assert_eq!(show_module(&c), "main = (λ _#0 _#1 x#2. x#2)\n");
}

#[test]
fn shadowing_picks_innermost() {
    let c = compiled("λ x. (λ x. x) x");
    assert_eq!(show_module(&c), "main = (λ x#0. [(λ x#1. x#1) x#0])\n");
    let c = compiled("λ x x. x");
    assert_eq!(show_module(&c), "main = (λ x#0 x#1. x#1)\n");
}

#[test]
fn definitions_become_globals_in_order() {
    let c = compiled("I = λ x. x;\nK = λ x y. x;\nK I (λ I. I)");
    assert_eq!(show_module(&c), "I = (λ x#0. x#0)\nK = (λ x#1 y#2. x#1)\nmain = [@K @I (λ I#3. I#3)]\n");
    assert_eq!(c.entry, GlobalId(2));
    assert_eq!(c.module.find_def("K"), Some(GlobalId(1)));
}

#[test]
fn entry_name_avoids_user_main() {
    let c = compiled("main = λx. x; main_1 = main; main_1");
    assert_eq!(c.module.def(c.entry).name, "main_2");
    assert_eq!(show_module(&c), "main = (λ x#0. x#0)\nmain_1 = @main\nmain_2 = @main_1\n");
}

#[test]
fn flattened_spines() {
    let c = compiled("λ f. ((f f) f) (f f)");
    let Expr::Lam(_, body) = &c.module.def(c.entry).body else { panic!("not a λ") };
    let Expr::App(_, args) = &**body else { panic!("not an application") };
    assert_eq!(args.len(), 3);
}

#[test]
fn parse_then_lower_separately() {
    let p = parse("two = λ f x. f (f x); two two").unwrap();
    let c = lower(&p).unwrap();
    assert_eq!(c.module.defs.len(), 2);
    assert_eq!(show_module(&c), "two = (λ f#0 x#1. [f#0 [f#0 x#1]])\nmain = [@two @two]\n");
}

#[test]
fn many_binders() {
    let names: Vec<String> = (0..40).map(|i| format!("x{i}")).collect();
    let src = format!("λ {}. x39 x0", names.join(" "));
    let c = compiled(&src);
    let Expr::Lam(ps, body) = &c.module.def(c.entry).body else { panic!("not a λ") };
    assert_eq!(ps.len(), 40);
    assert_eq!(**body, Expr::App(Box::new(Expr::Var(ps[39])), vec![Expr::Var(ps[0])]));
}
