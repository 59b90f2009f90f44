//! Parsing every form of the λ dialect; the printer shows the tree.

use super::support::reprint;
use lull_frontend::lambda::ast::TermKind;
use lull_frontend::lambda::parse;
use lull_frontend::span::Span;

#[test]
fn variables_and_identifiers() {
    assert_eq!(reprint("x"), "x");
    assert_eq!(reprint("x = λa. a; x'"), "x = λ a. a;\nx'");
    assert_eq!(reprint("λ _x A_1' b2. _x"), "λ _x A_1' b2. _x");
}

#[test]
fn lambdas_both_spellings() {
    assert_eq!(reprint("λx. x"), "λ x. x");
    assert_eq!(reprint("\\x. x"), "λ x. x");
    assert_eq!(reprint("\\x y z.x"), "λ x y z. x");
    assert_eq!(reprint("λ_ y. y"), "λ _ y. y");
}

#[test]
fn lambda_body_extends_right() {
    assert_eq!(reprint("λ x. x x λ y. y x"), "λ x. x x (λ y. y x)");
    assert_eq!(reprint("λ x. λ y. x"), "λ x. λ y. x");
}

#[test]
fn application_is_left_associative_and_flat() {
    assert_eq!(reprint("λ f a b c. f a b c"), "λ f a b c. f a b c");
    assert_eq!(reprint("λ f a b. ((f a) b)"), "λ f a b. f a b");
    assert_eq!(reprint("λ f a b. f (a b)"), "λ f a b. f (a b)");
    let p = parse("λ f. ((f f) f) f").unwrap();
    let TermKind::Lam(_, body) = &p.body.kind else { panic!("not a λ") };
    let TermKind::App(_, args) = &body.kind else { panic!("not an application") };
    assert_eq!(args.len(), 3);
}

#[test]
fn lambda_as_last_argument() {
    assert_eq!(reprint("λ f. f λ x. x"), "λ f. f (λ x. x)");
    assert_eq!(reprint("λ f a. f a λ x. x a"), "λ f a. f a (λ x. x a)");
    assert_eq!(reprint("(λ x. x) λ y. y"), "(λ x. x) (λ y. y)");
}

#[test]
fn parentheses_leave_no_node() {
    assert_eq!(reprint("((((λ x. ((x))))))"), "λ x. x");
    assert_eq!(reprint("( x )"), "x");
    assert_eq!(reprint("(f x) ((y))"), "f x y");
}

#[test]
fn definitions_in_order() {
    let src = "I = λx. x;\nK = λx _. x;\n/- the term -/ K I";
    assert_eq!(reprint(src), "I = λ x. x;\nK = λ x _. x;\nK I");
    let p = parse(src).unwrap();
    assert_eq!(p.defs.len(), 2);
    assert_eq!(p.defs[1].name, "K");
    assert_eq!(p.defs[1].name_span, Span::new(12, 13));
}

#[test]
fn comments_and_whitespace() {
    assert_eq!(reprint("/- a -/λ/- b -/x/--/./- c.d -/x/- -/"), "λ x. x");
    assert_eq!(reprint("λ x.\n\t x /- not /- nested -/ x"), "λ x. x x");
    assert_eq!(reprint("\u{a0}λ x.\u{2003}x"), "λ x. x");
}

#[test]
fn spans_are_byte_ranges() {
    let src = "f = λ a. a; λ x. (f x)";
    let p = parse(src).unwrap();
    let at = |s: &str| src.find(s).unwrap();
    assert_eq!(p.body.span, Span::new(at("λ x"), src.len()));
    let TermKind::Lam(bs, body) = &p.body.kind else { panic!("not a λ") };
    assert_eq!(bs[0].span, Span::new(at("x."), at("x.") + 1));
    // The span of a parenthesised term is inside the parentheses.
    assert_eq!(body.span, Span::new(at("f x"), at("f x") + 3));
}
