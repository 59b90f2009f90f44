//! The exact rendered text of every diagnostic.

use super::support::errors;
use lull_frontend::diagnostic::{render, Diagnostic, MAX_REPORTED};
use lull_frontend::lambda::{compile, MAX_NESTING};
use lull_frontend::span::Span;

#[test]
fn unbound_with_suggestion() {
    assert_eq!(
        errors("λ succ n. sucx n"),
        r#"Error: unbound variable `sucx`
   ╭─[ test.lc:1:11 ]
   │
 1 │ λ succ n. sucx n
   │           ──┬─  
   │             ╰─── not bound by any λ or definition above
   │ 
   │ Help: did you mean `succ`?
───╯
"#
    );
}

#[test]
fn unbound_no_suggestion() {
    assert_eq!(
        errors("λ x. zzz"),
        r#"Error: unbound variable `zzz`
   ╭─[ test.lc:1:6 ]
   │
 1 │ λ x. zzz
   │      ─┬─  
   │       ╰─── not bound by any λ or definition above
───╯
"#
    );
}

#[test]
fn unbound_single() {
    assert_eq!(
        errors("λ x. y"),
        r#"Error: unbound variable `y`
   ╭─[ test.lc:1:6 ]
   │
 1 │ λ x. y
   │      ┬  
   │      ╰── not bound by any λ or definition above
───╯
"#
    );
}

#[test]
fn unbound_self_reference() {
    assert_eq!(
        errors("f = λ x. f x;\nf"),
        r#"Error: unbound variable `f`
   ╭─[ test.lc:1:10 ]
   │
 1 │ f = λ x. f x;
   │          ┬  
   │          ╰── not bound by any λ or definition above
   │ 
   │ Note: a definition cannot refer to itself; write recursion with a fixpoint combinator, e.g. `Y = λ f. (λ x. f (x x)) (λ x. f (x x));`
───╯
"#
    );
}

#[test]
fn unbound_defined_below() {
    assert_eq!(
        errors("f = λ x. g x;\ng = λ y. y;\nf"),
        r#"Error: unbound variable `g`
   ╭─[ test.lc:1:10 ]
   │
 1 │ f = λ x. g x;
   │          ┬  
   │          ╰── not bound by any λ or definition above
 2 │ g = λ y. y;
   │ ┬  
   │ ╰── `g` is defined here, below its use
   │ 
   │ Note: a definition can only use the definitions above it
───╯
"#
    );
}

#[test]
fn unbound_many() {
    assert_eq!(
        errors("λ x. a b"),
        r#"Error: unbound variable `a`
   ╭─[ test.lc:1:6 ]
   │
 1 │ λ x. a b
   │      ┬  
   │      ╰── not bound by any λ or definition above
───╯

Error: unbound variable `b`
   ╭─[ test.lc:1:8 ]
   │
 1 │ λ x. a b
   │        ┬  
   │        ╰── not bound by any λ or definition above
───╯
"#
    );
}

#[test]
fn unclosed_comment() {
    assert_eq!(
        errors("λ x. x /- never\nclosed"),
        r#"Error: unclosed comment
   ╭─[ test.lc:1:8 ]
   │
 1 │ λ x. x /- never
   │        ─┬  
   │         ╰── this comment is never closed
   │ 
   │ Help: close the comment with `-/` (comments do not nest)
───╯
"#
    );
}

#[test]
fn invalid_character() {
    assert_eq!(
        errors("λ x. x + y"),
        r#"Error: invalid character `+`
   ╭─[ test.lc:1:8 ]
   │
 1 │ λ x. x + y
   │        ┬  
   │        ╰── not part of any token
   │ 
   │ Help: the λ dialect has only identifiers, `λ` (or `\`), `.`, `(`, `)`, `=`, `;` and comments `/- ... -/`
───╯
"#
    );
}

#[test]
fn invalid_characters() {
    assert_eq!(
        errors("λ x. x ++ y"),
        r#"Error: invalid characters `++`
   ╭─[ test.lc:1:8 ]
   │
 1 │ λ x. x ++ y
   │        ─┬  
   │         ╰── not part of any token
   │ 
   │ Help: the λ dialect has only identifiers, `λ` (or `\`), `.`, `(`, `)`, `=`, `;` and comments `/- ... -/`
───╯
"#
    );
}

#[test]
fn unexpected_token() {
    assert_eq!(
        errors("λ x. x . y"),
        r#"Error: unexpected `.`
   ╭─[ test.lc:1:8 ]
   │
 1 │ λ x. x . y
   │        ┬  
   │        ╰── expected an identifier, `λ` or `(`
───╯
"#
    );
}

#[test]
fn unexpected_close() {
    assert_eq!(
        errors("λ x. x)"),
        r#"Error: unexpected `)`
   ╭─[ test.lc:1:7 ]
   │
 1 │ λ x. x)
   │       ┬  
   │       ╰── expected the end of the program
───╯
"#
    );
}

#[test]
fn unexpected_open_after_lambda() {
    assert_eq!(
        errors("λ (x). x"),
        r#"Error: unexpected `(`
   ╭─[ test.lc:1:3 ]
   │
 1 │ λ (x). x
   │   ┬  
   │   ╰── expected an identifier, `_` or `.`
───╯
"#
    );
}

#[test]
fn unexpected_equals() {
    assert_eq!(
        errors("f x = x;\nf"),
        r#"Error: unexpected `=`
   ╭─[ test.lc:1:5 ]
   │
 1 │ f x = x;
   │     ┬  
   │     ╰── expected an identifier, `λ` or `(`
   │ 
   │ Help: definitions `name = term;` come before the final term and name one variable; to define a function write `f = λ x. body;`
───╯
"#
    );
}

#[test]
fn unexpected_underscore() {
    assert_eq!(
        errors("λ x. _"),
        r#"Error: unexpected `_`
   ╭─[ test.lc:1:6 ]
   │
 1 │ λ x. _
   │      ┬  
   │      ╰── expected an identifier, `λ` or `(`
   │ 
   │ Help: `_` can only be a λ binder, for a value that is never used; give the binder a name to use its value
───╯
"#
    );
}

#[test]
fn unexpected_eof() {
    assert_eq!(
        errors("λ x y"),
        r#"Error: unexpected end of input
   ╭─[ test.lc:1:6 ]
   │
 1 │ λ x y
   │      │ 
   │      ╰─ expected an identifier, `_` or `.`
───╯
"#
    );
}

#[test]
fn unexpected_eof_paren() {
    assert_eq!(
        errors("(λ x. x"),
        r#"Error: unexpected end of input
   ╭─[ test.lc:1:8 ]
   │
 1 │ (λ x. x
   │        │ 
   │        ╰─ expected `)`
───╯
"#
    );
}

#[test]
fn missing_final_term() {
    assert_eq!(
        errors("I = λ x. x;"),
        r#"Error: missing the final term
   ╭─[ test.lc:1:12 ]
   │
 1 │ I = λ x. x;
   │            │ 
   │            ╰─ expected the term to normalise after the definitions
   │ 
   │ Help: a program is zero or more definitions `name = term;` followed by the term to normalise
───╯
"#
    );
}

#[test]
fn duplicate_definition() {
    assert_eq!(
        errors("a = λ x. x;\nb = a;\na = b;\na"),
        r#"Error: `a` is defined twice
   ╭─[ test.lc:3:1 ]
   │
 1 │ a = λ x. x;
   │ ┬  
   │ ╰── first defined here
   │ 
 3 │ a = b;
   │ ┬  
   │ ╰── defined again here
   │ 
   │ Help: give one of the definitions another name
───╯
"#
    );
}

#[test]
fn empty_program() {
    assert_eq!(
        errors(""),
        r#"Error: empty program
   ╭─[ test.lc:1:1 ]
   │
 1 │ 
   │ │ 
   │ ╰─ there is no term here
   │ 
   │ Help: a program is zero or more definitions `name = term;` followed by the term to normalise, e.g. `λ x. x`
───╯
"#
    );
}

#[test]
fn empty_program_comment() {
    assert_eq!(
        errors("/- nothing here -/\n"),
        r#"Error: empty program
   ╭─[ test.lc:1:1 ]
   │
 1 │ /- nothing here -/
   │ ─────────┬────────  
   │          ╰────────── there is no term here
   │ 
   │ Help: a program is zero or more definitions `name = term;` followed by the term to normalise, e.g. `λ x. x`
───╯
"#
    );
}

#[test]
fn lambda_without_binders() {
    assert_eq!(
        errors("λ. x"),
        r#"Error: λ without binders
   ╭─[ test.lc:1:1 ]
   │
 1 │ λ. x
   │ ─┬  
   │  ╰── this λ binds no variable
   │ 
   │ Help: write at least one binder before the `.`, e.g. `λ x. x`; use `_` for a binder that is never used
───╯
"#
    );
}

#[test]
fn lambda_without_binders_backslash() {
    assert_eq!(
        errors("\\ . x"),
        r#"Error: λ without binders
   ╭─[ test.lc:1:1 ]
   │
 1 │ \ . x
   │ ─┬─  
   │  ╰─── this λ binds no variable
   │ 
   │ Help: write at least one binder before the `.`, e.g. `λ x. x`; use `_` for a binder that is never used
───╯
"#
    );
}

#[test]
fn one_letter_names_get_only_case_suggestions() {
    let text = errors("K = λ x. x; λ x. k y");
    assert!(text.contains("Help: did you mean `K`?"), "{text}");
    assert_eq!(text.matches("Help:").count(), 1, "{text}");
}

#[test]
fn missing_semicolon() {
    assert_eq!(
        errors("I = λ x. x\nI"),
        r#"Error: unexpected end of input
   ╭─[ test.lc:2:2 ]
   │
 2 │ I
   │  │ 
   │  ╰─ expected `;`
───╯
"#
    );
}

#[test]
fn stray_comment_closer() {
    let text = errors("λ x. x -/");
    assert!(text.contains("Note: `-/` closes a comment, but no comment is open here; comments do not nest"), "{text}");
}

#[test]
fn invalid_control_character_is_named_by_code_point() {
    let text = errors("λ x.\u{1}x");
    assert!(text.starts_with("Error: invalid character U+0001\n   ╭─[ test.lc:1:5 ]\n"), "{text}");
}

#[test]
fn nesting_too_deep() {
    // One λ per line: the deepest subterm is the `x` on the last line.
    let src = format!("{}x", "λ x.\n".repeat(MAX_NESTING + 1));
    assert_eq!(
        errors(&src),
        r#"Error: term nested too deeply (10001 levels; the limit is 10000)
       ╭─[ test.lc:10002:1 ]
       │
 10002 │ x
       │ ┬  
       │ ╰── this is 10001 levels deep
       │ 
       │ Help: each enclosing λ body and each application the term is the function or an argument of counts one level (parentheses alone do not); move parts of the term into definitions (`name = term;`) to make it shallower
───────╯
"#
    );
}

#[test]
fn nesting_at_the_limit_is_accepted() {
    let src = format!("{}x", "λ x.\n".repeat(MAX_NESTING));
    assert!(compile(&src).is_ok());
}

#[test]
fn too_many_errors_are_cut() {
    let src = format!("λ x. {}", "y ".repeat(MAX_REPORTED + 7));
    let diags = compile(&src).unwrap_err();
    assert_eq!(diags.len(), MAX_REPORTED);
    assert_eq!(diags[MAX_REPORTED - 1].notes, vec!["7 more errors not shown".to_string()]);
}

#[test]
fn several_lexical_errors_are_all_reported() {
    let diags = compile("λ x. x + y $ z").unwrap_err();
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, ["invalid character `+`", "invalid character `$`"]);
}

#[test]
fn render_clamps_bad_spans() {
    let d = vec![
        Diagnostic::error("out of range", Span::new(100, 200), "here"),
        Diagnostic::error("inside a character", Span::new(1, 1), "here").with_secondary(Span::new(5, 2), "backwards"),
    ];
    let text = render(&d, "x.lc", "λ x. x\n");
    assert!(text.contains("Error: out of range"), "{text}");
    assert!(text.contains("Error: inside a character"), "{text}");
}

#[test]
fn render_names_the_source_as_given() {
    let text = render(&compile("λ x. y").unwrap_err(), "nf/some case.lc", "λ x. y");
    assert!(text.contains("╭─[ nf/some case.lc:1:6 ]"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour codes");
}
