//! Lull's layout rule (Note [The layout rule] in `lull/layout.rs`): every rule and
//! parse-error(t) case, checked on the parsed tree, and the layout and
//! token stream themselves.

use lull_frontend::lull::layout::layout;
use lull_frontend::lull::token::{lex, Tok};

use super::lull_parse::{first_error, show};

/// The token stream after layout, virtual tokens as `{{`, `;;`, `}}`.
fn laid(src: &str) -> String {
    let tokens = match lex(src) {
        Ok(t) => t,
        Err(d) => panic!("{src:?} does not lex: {}", d[0].message),
    };
    let out = match layout(tokens, src.len()) {
        Ok(t) => t,
        Err(d) => panic!("{src:?} has a layout error: {}", d[0].message),
    };
    out.iter()
        .map(|(l, t, r)| match t {
            Tok::VLBrace => "{{".to_string(),
            Tok::VSemi => ";;".to_string(),
            Tok::VRBrace => "}}".to_string(),
            _ => src[*l..*r].to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn top_level_block() {
    assert_eq!(laid("f = 1\ng = 2"), "{{ f = 1 ;; g = 2 }}");
    assert_eq!(laid("module M where\nf = 1\ng = 2"), "module M where {{ f = 1 ;; g = 2 }}");
    assert_eq!(laid("module M where { f = 1; g = 2 }"), "module M where { f = 1 ; g = 2 }");
    assert_eq!(laid("{ f = 1 }"), "{ f = 1 }");
    assert_eq!(laid(""), "{{ }}");
    assert_eq!(laid("module M where"), "module M where {{ }}");
    assert_eq!(laid("  f = 1\n  g = 2"), "{{ f = 1 ;; g = 2 }}");
}

#[test]
fn nested_blocks_and_offside() {
    assert_eq!(laid("main = do\n  a\n  b\n    c\nf = 1"), "{{ main = do {{ a ;; b c }} ;; f = 1 }}");
    assert_eq!(
        laid("f x = case x of\n  1 -> y\n    where y = 2\n  _ -> 3"),
        "{{ f x = case x of {{ 1 -> y where {{ y = 2 }} ;; _ -> 3 }} }}"
    );
    // The block after a keyword must be indented more than the enclosing
    // one, else it is empty.
    assert_eq!(laid("f = x where\ng = 1"), "{{ f = x where {{ }} ;; g = 1 }}");
    assert_eq!(laid("f = do\n  x where"), "{{ f = do {{ x }} where {{ }} }}");
    // `where` at a smaller indentation closes the `do`.
    assert_eq!(laid("main = do\n    print x\n  where x = 1"), "{{ main = do {{ print x }} where {{ x = 1 }} }}");
    // Tabs count to the next multiple of 8.
    assert_eq!(laid("f = do\n\ta\n        b"), "{{ f = do {{ a ;; b }} }}");
}

#[test]
fn explicit_braces() {
    assert_eq!(laid("f = do { a; b }"), "{{ f = do { a ; b } }}");
    assert_eq!(laid("f = let { x = 1 } in x"), "{{ f = let { x = 1 } in x }}");
    assert_eq!(show("f = do { a\n; b\n}"), "f = (do {a; b})\n");
    assert_eq!(show("f = let {\n x = 1\n; y = 2 } in y"), "f = (let {x = 1; y = 2} in y)\n");
}

#[test]
fn parse_error_rule() {
    // `let ... in` on one line.
    assert_eq!(laid("f = let x = 1 in x"), "{{ f = let {{ x = 1 }} in x }}");
    assert_eq!(show("f = let x = 1; y = 2 in x + y"), "f = (let {x = 1; y = 2} in {x + y})\n");
    assert_eq!(show("f = let y = let x = 1 in x in y"), "f = (let {y = (let {x = 1} in x)} in y)\n");
    assert_eq!(show("f = let y = let {x = 1} in x in y"), "f = (let {y = (let {x = 1} in x)} in y)\n");
    // Closed by `)`, `]` and `,`.
    assert_eq!(show("f = (do a; b)"), "f = (paren (do {a; b}))\n");
    assert_eq!(show("f = [case x of 1 -> 2]"), "f = [(case x of {1 -> 2})]\n");
    assert_eq!(show("f = (case x of 1 -> 2, 3)"), "f = (tuple (case x of {1 -> 2}) 3)\n");
    assert_eq!(show("f = [y | x <- xs, let y = x + 1, odd y]"), "f = [y | x <- xs, let {y = {x + 1}}, (odd y)]\n");
    assert_eq!(show("f x | let y = x, y > 0 = y"), "f x | let {y = x}, {y > 0} = y\n");
    // A second `=` closes a `let` block of a guard.
    assert_eq!(show("f x | let y = x = y"), "f x | let {y = x} = y\n");
    // Commas that belong to the block: guards and signatures.
    assert_eq!(show("f = (case x of y | a, b -> 1, 2)"), "f = (tuple (case x of {y | a, b -> 1}) 2)\n");
    assert_eq!(show("f = [let g, h :: Int; g = 1; h = 2 in g]"), "f = [(let {g, h :: Int; g = 1; h = 2} in g)]\n");
    // Closed by `then`, `else` and `of`.
    assert_eq!(show("f = if do a then do b else do c"), "f = (if (do {a}) then (do {b}) else (do {c}))\n");
    assert_eq!(show("f = case do x of y -> y"), "f = (case (do {x}) of {y -> y})\n");
    // `where` closes a `do` on the same line.
    assert_eq!(show("f = do g where g = 1"), "f = (do {g}) where {g = 1}\n");
}

#[test]
fn do_and_if_then_else() {
    assert_eq!(show("main = do\n  if a\n  then b\n  else c\n  d"), "main = (do {(if a then b else c); d})\n");
    assert_eq!(
        show("main = do\n  if a then do\n    b\n  else do\n    c"),
        "main = (do {(if a then (do {b}) else (do {c}))})\n"
    );
    assert_eq!(
        show("main = do\n  x <- if a\n    then b\n    else c\n  print x"),
        "main = (do {x <- (if a then b else c); (print x)})\n"
    );
}

#[test]
fn layout_errors() {
    assert_eq!(first_error("main = do\n  print (foo\nbar)"), "unclosed `(`");
    assert_eq!(first_error("main = do\n  print (foo\n  bar)"), "unclosed `(`");
    assert_eq!(first_error("  f = 1\ng = 2"), "line indented less than the top-level declarations");
    assert_eq!(first_error("f = do\n    a\n  b"), "unexpected `b`");
}
