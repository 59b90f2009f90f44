//! The Lull parser: every syntactic form to the expected tree (printed
//! compactly by [`show_module`]), fixity resolution, and the exact text of
//! parse and lexical diagnostics.

use lull_frontend::diagnostic::render;
use lull_frontend::lull::ast::*;
use lull_frontend::lull::depth::{walk, Node};
use lull_frontend::lull::fixity::{resolve, Fixities};
use lull_frontend::lull::parse_module;

// ---------------------------------------------------------------- a compact printer (recursive: small trees only)

fn lit(l: &Literal) -> String {
    match l {
        Literal::Int(n) => n.to_string(),
        Literal::Float(x) => format!("{x:?}"),
        Literal::Char(c) => format!("{c:?}"),
        Literal::String(s) => format!("{s:?}"),
    }
}

fn var(n: &Name) -> String {
    if n.text.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '(' || c == '[') {
        n.text.clone()
    } else {
        format!("({})", n.text)
    }
}

fn list<T>(xs: &[T], f: impl Fn(&T) -> String, sep: &str) -> String {
    xs.iter().map(f).collect::<Vec<_>>().join(sep)
}

pub fn ty(t: &Type) -> String {
    match t {
        Type::Var(n) | Type::Con(n) => n.text.clone(),
        Type::App(h, args, _) => format!("({} {})", ty(h), list(args, ty, " ")),
        Type::Fun(a, b, _) => format!("({} -> {})", ty(a), ty(b)),
        Type::List(x, _) => format!("[{}]", ty(x)),
        Type::Tuple(ts, _) => format!("({})", list(ts, ty, ", ")),
        Type::Unit(_) => "()".into(),
        Type::Paren(x, _) => format!("(paren {})", ty(x)),
    }
}

pub fn pat(p: &Pat) -> String {
    match p {
        Pat::Var(n) => var(n),
        Pat::Wild(_) => "_".into(),
        Pat::Lit(l, _) => lit(l),
        Pat::NegLit(l, _) => format!("-{}", lit(l)),
        Pat::Con(c, ps, _) if ps.is_empty() => var(c),
        Pat::Con(c, ps, _) => format!("({} {})", var(c), list(ps, pat, " ")),
        Pat::OpSeq(items, _) => format!(
            "{{{}}}",
            list(
                items,
                |i| match i {
                    PatItem::Operand(p) => pat(p),
                    PatItem::Op(n) => n.text.clone(),
                },
                " "
            )
        ),
        Pat::Tuple(ps, _) => format!("(tuple {})", list(ps, pat, " ")),
        Pat::Unit(_) => "()".into(),
        Pat::List(ps, _) => format!("[{}]", list(ps, pat, ", ")),
        Pat::As(n, p, _) => format!("{}@{}", n.text, pat(p)),
        Pat::Lazy(p, _) => format!("~{}", pat(p)),
        Pat::Bang(p, _) => format!("!{}", pat(p)),
        Pat::Paren(p, _) => format!("(paren {})", pat(p)),
        Pat::Sig(p, t, _) => format!("({} :: {})", pat(p), ty(t)),
    }
}

fn stmt(s: &Stmt) -> String {
    match s {
        Stmt::Bind(p, e, _) => format!("{} <- {}", pat(p), expr(e)),
        Stmt::Let(ds, _) => format!("let {{{}}}", decls(ds)),
        Stmt::Expr(e, _) => expr(e),
    }
}

pub fn expr(e: &Expr) -> String {
    match e {
        Expr::Var(n) | Expr::Con(n) => var(n),
        Expr::Lit(l, _) => lit(l),
        Expr::App(h, args, _) => format!("({} {})", expr(h), list(args, expr, " ")),
        Expr::OpSeq(items, _) => format!(
            "{{{}}}",
            list(
                items,
                |i| match i {
                    OpItem::Operand(e) => expr(e),
                    OpItem::Op(n) => n.text.clone(),
                    OpItem::Minus(_) => "neg".into(),
                },
                " "
            )
        ),
        Expr::BinOp(op, l, r, _) => format!("({} {} {})", expr(l), op.text, expr(r)),
        Expr::Neg(x, _) => format!("(-{})", expr(x)),
        Expr::LeftSection(x, op, _) => format!("(sec {} {})", expr(x), op.text),
        Expr::RightSection(op, x, _) => format!("(sec {} {})", op.text, expr(x)),
        Expr::Lam(ps, b, _) => format!("(\\{} -> {})", list(ps, pat, " "), expr(b)),
        Expr::Let(ds, b, _) => format!("(let {{{}}} in {})", decls(ds), expr(b)),
        Expr::If(c, t, f, _) => format!("(if {} then {} else {})", expr(c), expr(t), expr(f)),
        Expr::Case(s, alts, _) => format!(
            "(case {} of {{{}}})",
            expr(s),
            list(alts, |a| format!("{}{}", pat(&a.pat), rhs(&a.rhs, "->")), "; ")
        ),
        Expr::Do(stmts, _) => format!("(do {{{}}})", list(stmts, stmt, "; ")),
        Expr::Tuple(es, _) => format!("(tuple {})", list(es, expr, " ")),
        Expr::Unit(_) => "()".into(),
        Expr::List(es, _) => format!("[{}]", list(es, expr, ", ")),
        Expr::Range { from, then, to, .. } => format!(
            "[{}{} .. {}]",
            expr(from),
            then.as_ref().map_or(String::new(), |t| format!(", {}", expr(t))),
            to.as_ref().map_or(String::new(), |t| expr(t))
        ),
        Expr::Comprehension(x, qs, _) => format!("[{} | {}]", expr(x), list(qs, stmt, ", ")),
        Expr::Ann(x, t, _) => format!("({} :: {})", expr(x), ty(t)),
        Expr::Paren(x, _) => format!("(paren {})", expr(x)),
    }
}

fn guard(g: &Guard) -> String {
    match g {
        Guard::Bool(e) => expr(e),
        Guard::Let(ds, _) => format!("let {{{}}}", decls(ds)),
        Guard::Pat(p, e) => format!("{} <- {}", pat(p), expr(e)),
    }
}

fn rhs(r: &Rhs, eq: &str) -> String {
    let body = match &r.body {
        RhsBody::Plain(e) => format!(" {eq} {}", expr(e)),
        RhsBody::Guarded(gs) => list(gs, |g| format!(" | {} {eq} {}", list(&g.guards, guard, ", "), expr(&g.body)), ""),
    };
    if r.wheres.is_empty() {
        body
    } else {
        format!("{body} where {{{}}}", decls(&r.wheres))
    }
}

fn ctx(cs: &[Constraint]) -> String {
    if cs.is_empty() {
        String::new()
    } else {
        format!("({}) => ", list(cs, |c| format!("{} {}", c.class.text, ty(&c.ty)), ", "))
    }
}

pub fn decl(d: &Decl) -> String {
    match d {
        Decl::Data(x) => format!(
            "data {}{}{} = {}{}",
            ctx(&x.context),
            x.name.text,
            list(&x.params, |p| format!(" {}", p.text), ""),
            list(
                &x.cons,
                |c| format!(
                    "{}{}{}",
                    c.name.text,
                    if c.record { "{}" } else { "" },
                    list(&c.fields, |f| format!(" {}{}", if f.strict { "!" } else { "" }, ty(&f.ty)), "")
                ),
                " | "
            ),
            if x.deriving.is_empty() {
                String::new()
            } else {
                format!(" deriving ({})", list(&x.deriving, |n| n.text.clone(), ", "))
            }
        ),
        Decl::Newtype(x) => format!(
            "newtype {}{} = {} {}{}",
            x.name.text,
            list(&x.params, |p| format!(" {}", p.text), ""),
            x.con.text,
            ty(&x.field),
            if x.deriving.is_empty() {
                String::new()
            } else {
                format!(" deriving ({})", list(&x.deriving, |n| n.text.clone(), ", "))
            }
        ),
        Decl::TypeSyn(x) => {
            format!("type {}{} = {}", x.name.text, list(&x.params, |p| format!(" {}", p.text), ""), ty(&x.ty))
        }
        Decl::Sig(x) => format!("{} :: {}{}", list(&x.names, var, ", "), ctx(&x.context), ty(&x.ty)),
        Decl::Fixity(x) => format!(
            "{} {} {}",
            match x.assoc {
                Assoc::Left => "infixl",
                Assoc::Right => "infixr",
                Assoc::None => "infix",
            },
            x.prec,
            list(&x.ops, |n| n.text.clone(), ", ")
        ),
        Decl::FunClause(c) => format!(
            "{}{}{}{}",
            if c.infix { "infix " } else { "" },
            var(&c.name),
            list(&c.args, |p| format!(" {}", pat(p)), ""),
            rhs(&c.rhs, "=")
        ),
        Decl::PatBind(b) => format!("{}{}", pat(&b.pat), rhs(&b.rhs, "=")),
        Decl::Unsupported { feature, .. } => format!("unsupported: {feature}"),
    }
}

fn decls(ds: &[Decl]) -> String {
    list(ds, decl, "; ")
}

fn item(i: &ImportItem) -> String {
    match &i.subordinates {
        None => i.name.text.clone(),
        Some(Subordinates::All) => format!("{}(..)", i.name.text),
        Some(Subordinates::Some(ns)) => format!("{}({})", i.name.text, list(ns, |n| n.text.clone(), ", ")),
    }
}

/// The whole module, one top-level item per line.
pub fn show_module(m: &Module) -> String {
    let mut out = String::new();
    if let Some(h) = &m.header {
        out.push_str(&format!("module {}", h.name.text));
        if let Some(ex) = &h.exports {
            out.push_str(&format!(" ({})", list(ex, item, ", ")));
        }
        out.push('\n');
    }
    for i in &m.imports {
        out.push_str(&format!(
            "import {}{}{}{}{}\n",
            if i.qualified { "qualified " } else { "" },
            i.module.text,
            i.alias.as_ref().map_or(String::new(), |a| format!(" as {}", a.text)),
            if i.hiding { " hiding" } else { "" },
            i.items.as_ref().map_or(String::new(), |it| format!(" ({})", list(it, item, ", ")))
        ));
    }
    for d in &m.decls {
        out.push_str(&decl(d));
        out.push('\n');
    }
    out
}

/// Parses `src` (panicking with the rendered diagnostics if it fails).
pub fn parsed(src: &str) -> Module {
    match parse_module(src) {
        Ok(m) => m,
        Err(d) => panic!("{src:?} does not parse:\n{}", render(&d, "test.lull", src)),
    }
}

/// The printed tree of `src`, before fixity resolution.
pub fn show(src: &str) -> String {
    show_module(&parsed(src))
}

/// Whether an operator sequence remains anywhere.
pub fn has_op_seq(m: &Module) -> bool {
    let mut found = false;
    walk(m, |n, _| match n {
        Node::Expr(Expr::OpSeq(..)) | Node::Pat(Pat::OpSeq(..)) => found = true,
        _ => {}
    });
    found
}

/// The printed tree of `src` after fixity resolution with the Prelude's
/// fixities; checks that no sequence remains.
pub fn resolved(src: &str) -> String {
    let mut m = parsed(src);
    let errs = resolve(&mut m, &Fixities::haskell_prelude());
    if !errs.is_empty() {
        panic!("{src:?} does not resolve:\n{}", render(&errs, "test.lull", src));
    }
    assert!(!has_op_seq(&m), "an operator sequence remains in {src:?}");
    show_module(&m)
}

/// The rendered errors of `src` (parse, then resolution).
pub fn errors(src: &str) -> String {
    match parse_module(src) {
        Err(d) => render(&d, "test.lull", src),
        Ok(mut m) => {
            let errs = resolve(&mut m, &Fixities::haskell_prelude());
            assert!(!errs.is_empty(), "{src:?} has no errors");
            render(&errs, "test.lull", src)
        }
    }
}

/// The first error message of `src`.
pub fn first_error(src: &str) -> String {
    match parse_module(src) {
        Err(d) => d[0].message.clone(),
        Ok(mut m) => {
            let errs = resolve(&mut m, &Fixities::haskell_prelude());
            match errs.first() {
                Some(d) => d.message.clone(),
                None => panic!("{src:?} has no errors"),
            }
        }
    }
}

// ---------------------------------------------------------------- declarations

#[test]
fn module_header_and_imports() {
    assert_eq!(
        show("module Main (main, T(..), U(A, B), (+++)) where\nimport Data.List (sort, nub)\nimport Data.Char hiding (ord)\nimport qualified Data.Maybe as M\nimport System.IO\nmain = 1"),
        "module Main (main, T(..), U(A, B), +++)\nimport Data.List (sort, nub)\nimport Data.Char hiding (ord)\nimport qualified Data.Maybe as M\nimport System.IO\nmain = 1\n"
    );
    assert_eq!(show("module Main where\nmain = 1"), "module Main\nmain = 1\n");
    assert_eq!(show("import Data.List (sort,)\n"), "import Data.List (sort)\n");
    assert_eq!(show(""), "");
}

#[test]
fn data_newtype_type() {
    assert_eq!(
        show("data T a b = K1 a !Int | K2 [a] (Maybe b) | Nil deriving (Show, Eq)"),
        "data T a b = K1 a !Int | K2 [a] (paren (Maybe b)) | Nil deriving (Show, Eq)\n"
    );
    assert_eq!(show("data C = Int :+ !Int deriving Show"), "data C = :+ Int !Int deriving (Show)\n");
    assert_eq!(show("data R = R { x, y :: Int, z :: !Bool }"), "data R = R{} Int !Bool\n");
    assert_eq!(show("data Eq a => S a = S a"), "data (Eq a) => S a = S a\n");
    assert_eq!(show("data Void"), "data Void = \n");
    assert_eq!(show("newtype N a = N (a -> Int) deriving (Eq)"), "newtype N a = N (paren (a -> Int)) deriving (Eq)\n");
    assert_eq!(show("type S = [(Int, Char)]"), "type S = [(Int, Char)]\n");
    assert_eq!(show("type F a = a -> a -> ()"), "type F a = (a -> (a -> ()))\n");
}

#[test]
fn signatures_and_fixity() {
    assert_eq!(
        show("f, g :: Int -> Int\nh :: Eq a => [a] -> Bool\nk :: (Eq a, Show b) => a -> b -> (a, b)\n(<+>) :: Int"),
        "f, g :: (Int -> Int)\nh :: (Eq a) => ([a] -> Bool)\nk :: (Eq a, Show b) => (a -> (b -> (a, b)))\n(<+>) :: Int\n"
    );
    assert_eq!(
        show("infixl 6 <+>, `plus`\ninfixr 5 :+\ninfix 4 ===\ninfixl -"),
        "infixl 6 <+>, plus\ninfixr 5 :+\ninfix 4 ===\ninfixl 9 -\n"
    );
    assert_eq!(show("m :: Maybe (IO ()) -> (->) a b"), "m :: ((Maybe (paren (IO ()))) -> (-> a b))\n");
}

#[test]
fn function_equations() {
    assert_eq!(show("f x (Just y) _ = x"), "f x (paren (Just y)) _ = x\n");
    assert_eq!(show("x `op` y = x"), "infix op x y = x\n");
    assert_eq!(show("x <+> y = x"), "infix (<+>) x y = x\n");
    assert_eq!(show("(f x) y = x"), "f x y = x\n");
    assert_eq!(show("(x <+> y) z = z"), "infix (<+>) x y z = z\n");
    assert_eq!(show("(x:xs) ++. ys = ys"), "infix (++.) (paren {x : xs}) ys = ys\n");
    assert_eq!(show("f [] = 0\nf (x:_) = x"), "f [] = 0\nf (paren {x : _}) = x\n");
    assert_eq!(show("f all@(x:_) ~(a, b) = 1"), "f all@(paren {x : _}) ~(tuple a b) = 1\n");
    assert_eq!(show("f (-1) 'c' \"s\" 2.5 = 1"), "f (paren -1) 'c' \"s\" 2.5 = 1\n");
}

#[test]
fn pattern_bindings() {
    assert_eq!(show("(q, r) = divMod n 10"), "(tuple q r) = (divMod n 10)\n");
    assert_eq!(show("x = 1"), "x = 1\n");
    assert_eq!(show("Just y = z"), "(Just y) = z\n");
    assert_eq!(show("x : xs = l"), "{x : xs} = l\n");
    assert_eq!(show("_ = 1"), "_ = 1\n");
    assert_eq!(show("[a, b] = l"), "[a, b] = l\n");
}

#[test]
fn guards_and_where() {
    assert_eq!(
        show("f x\n  | x > 0, even x = 1\n  | let y = x, y < 3 = 2\n  | Just z <- g x = z\n  | otherwise = 3\n  where g = h"),
        "f x | {x > 0}, (even x) = 1 | let {y = x}, {y < 3} = 2 | (Just z) <- (g x) = z | otherwise = 3 where {g = h}\n"
    );
    assert_eq!(show("f = x where { x = 1; y = 2 }"), "f = x where {x = 1; y = 2}\n");
}

#[test]
fn unsupported_declarations() {
    assert_eq!(
        show("class Foo a where\n  foo :: a -> Int\ninstance Foo Int where\n  foo = id\nmain = 1"),
        "unsupported: type classes (`class` declarations)\nunsupported: `instance` declarations\nmain = 1\n"
    );
    assert_eq!(show("default (Int)\nx = 1"), "unsupported: `default` declarations\nx = 1\n");
}

// ---------------------------------------------------------------- expressions

fn e(src: &str) -> String {
    let m = parsed(&format!("x = {src}"));
    match &m.decls[..] {
        [Decl::PatBind(b)] => match &b.rhs.body {
            RhsBody::Plain(e) => expr(e),
            _ => String::new(),
        },
        _ => show_module(&m),
    }
}

fn r(src: &str) -> String {
    let out = resolved(&format!("x = {src}"));
    out.trim_start_matches("x = ").trim_end().to_string()
}

#[test]
fn application_lambda_let_if() {
    assert_eq!(e("f a (g b) c"), "(f a (paren (g b)) c)");
    assert_eq!(e("\\x _ (a, b) -> x"), "(\\x _ (tuple a b) -> x)");
    assert_eq!(e("let y = 1; z = 2 in y"), "(let {y = 1; z = 2} in y)");
    assert_eq!(e("if a then b else c"), "(if a then b else c)");
    assert_eq!(e("f $ \\x -> x + 1"), "{f $ (\\x -> {x + 1})}");
    assert_eq!(e("\\x -> x :: Int"), "(\\x -> (x :: Int))");
    assert_eq!(e("- if a then 1 else 2"), "{neg (if a then 1 else 2)}");
}

#[test]
fn case_and_do() {
    assert_eq!(
        e("case m of\n      Just y | y > 0 -> y\n             | otherwise -> 0\n      Nothing -> -1"),
        "(case m of {(Just y) | {y > 0} -> y | otherwise -> 0; Nothing -> {neg 1}})"
    );
    assert_eq!(
        e("do\n  l <- getLine\n  let n = read l\n  print n\n  return ()"),
        "(do {l <- getLine; let {n = (read l)}; (print n); (return ())})"
    );
    assert_eq!(e("do { (a, b) <- f; g a }"), "(do {(tuple a b) <- f; (g a)})");
    assert_eq!(e("case x of { 1 -> y where y = 2 }"), "(case x of {1 -> y where {y = 2}})");
}

#[test]
fn tuples_lists_ranges_comprehensions() {
    assert_eq!(e("((), (a, b), [], [a], [a, b, c])"), "(tuple () (tuple a b) [] [a] [a, b, c])");
    assert_eq!(e("([1..], [1..n], [1, 3..], [1, 3..n])"), "(tuple [1 .. ] [1 .. n] [1, 3 .. ] [1, 3 .. n])");
    assert_eq!(e("['a' .. 'z']"), "['a' .. 'z']");
    assert_eq!(e("[(x, y) | x <- xs, let y = x * 2, odd y]"), "[(tuple x y) | x <- xs, let {y = {x * 2}}, (odd y)]");
    assert_eq!(e("(,) 1 2"), "((,) 1 2)");
    assert_eq!(e("(,,)"), "(,,)");
}

#[test]
fn sections_and_operators() {
    assert_eq!(e("(+ 1)"), "(sec + 1)");
    assert_eq!(e("(1 +)"), "(sec 1 +)");
    assert_eq!(e("(`div` 2)"), "(sec div 2)");
    assert_eq!(e("(2 `div`)"), "(sec 2 div)");
    assert_eq!(e("(- 1)"), "(paren {neg 1})");
    assert_eq!(e("(subtract 1)"), "(paren (subtract 1))");
    assert_eq!(e("(+)"), "(+)");
    assert_eq!(e("(-)"), "(-)");
    assert_eq!(e("(:)"), "(:)");
    assert_eq!(e("(: [])"), "(sec : [])");
    assert_eq!(e("a + b * c"), "{a + b * c}");
    assert_eq!(e("- a `div` b"), "{neg a div b}");
    assert_eq!(e("x :: Int"), "(x :: Int)");
    assert_eq!(e("f . g $ x"), "{f . g $ x}");
    assert_eq!(e("a --> b"), "{a --> b}");
    assert_eq!(e("a !! 0"), "{a !! 0}");
}

#[test]
fn if_with_semicolons_in_do() {
    assert_eq!(e("do\n  if a\n  then b\n  else c\n  d"), "(do {(if a then b else c); d})");
    assert_eq!(e("do { if a; then b; else c }"), "(do {(if a then b else c)})");
}

#[test]
fn literals_and_escapes() {
    assert_eq!(e("0x1F + 0o17 + 1.5e10 + 2e-3 + 10"), "{31 + 15 + 15000000000.0 + 0.002 + 10}");
    assert_eq!(
        e(r#""\n\t\\\'\"\65\x41\o101\NUL\SOH\SO\DEL\^A\&z\   \gap""#),
        format!("{:?}", "\n\t\\'\"AAA\0\u{1}\u{e}\u{7f}\u{1}zgap")
    );
    assert_eq!(e(r"'\SOH'"), "'\\u{1}'");
    assert_eq!(e(r"['\'', '\\', 'é', '\1114111']"), "['\\'', '\\\\', 'é', '\\u{10ffff}']");
}

// ---------------------------------------------------------------- patterns

#[test]
fn case_patterns() {
    assert_eq!(
        e("case v of { x:y:ys -> 1; (a, b) -> 2; [p] -> 3; K p q -> 4; -2 -> 5; ~(a, _) -> 6; n@(Just _) -> 7; () -> 8; (x :+ y) -> 9; a `K` b -> 10; !z -> 11; (p :: Int) -> 12 }"),
        "(case v of {{x : y : ys} -> 1; (tuple a b) -> 2; [p] -> 3; (K p q) -> 4; -2 -> 5; ~(tuple a _) -> 6; n@(paren (Just _)) -> 7; () -> 8; (paren {x :+ y}) -> 9; {a K b} -> 10; !z -> 11; (p :: Int) -> 12})"
    );
}

// ---------------------------------------------------------------- fixity resolution

#[test]
fn prelude_fixities() {
    assert_eq!(r("a + b * c"), "(a + (b * c))");
    assert_eq!(r("a - b - c"), "((a - b) - c)");
    assert_eq!(r("a : b : c"), "(a : (b : c))");
    assert_eq!(r("f . g . h $ x $ y"), "((f . (g . h)) $ (x $ y))");
    assert_eq!(r("a == b && c || d"), "(((a == b) && c) || d)");
    assert_eq!(r("a `div` b + c"), "((a div b) + c)");
    assert_eq!(r("a ++ b ++ c"), "(a ++ (b ++ c))");
    assert_eq!(r("m >>= f >> g"), "((m >>= f) >> g)");
    assert_eq!(r("a <+> b <+> c"), "((a <+> b) <+> c)");
}

#[test]
fn unary_minus() {
    assert_eq!(r("- a"), "(-a)");
    assert_eq!(r("- a + b"), "((-a) + b)");
    assert_eq!(r("- a * b"), "(-(a * b))");
    assert_eq!(r("a == - b"), "(a == (-b))");
    assert_eq!(r("(- 1)"), "(paren (-1))");
    assert_eq!(r("- 2 ^ 2"), "(-(2 ^ 2))");
}

#[test]
fn sections_resolve() {
    assert_eq!(r("(a * b +)"), "(sec (a * b) +)");
    assert_eq!(r("(+ a * b)"), "(sec + (a * b))");
    assert_eq!(r("(- a +)"), "(sec (-a) +)");
    assert_eq!(r("(: a : b)"), "(sec : (a : b))");
}

#[test]
fn patterns_resolve() {
    let out = resolved("f (x:y:ys) = 1\nf (a :+ b) = 2");
    assert_eq!(out, "f (paren ((:) x ((:) y ys))) = 1\nf (paren ((:+) a b)) = 2\n");
    let out = resolved("g v = case v of { x:xs -> 1 }");
    assert_eq!(out, "g v = (case v of {((:) x xs) -> 1})\n");
}

#[test]
fn user_fixities() {
    assert_eq!(
        resolved("infixr 5 <+>\nf = a <+> b <+> c\ng = a <+> b + c"),
        "infixr 5 <+>\nf = (a <+> (b <+> c))\ng = (a <+> (b + c))\n"
    );
    // Declared after use, and locally in `where` and `let`.
    assert_eq!(resolved("f = a |> b |> c\ninfixl 1 |>"), "f = ((a |> b) |> c)\ninfixl 1 |>\n");
    assert_eq!(
        resolved("f = a *** b + c where { infixl 1 ***; x *** y = x }"),
        "f = (a *** (b + c)) where {infixl 1 ***; infix (***) x y = x}\n"
    );
    assert_eq!(
        resolved("f = let infixr 0 #; a # b = a in a # b # c + d"),
        "f = (let {infixr 0 #; infix (#) a b = a} in (a # (b # (c + d))))\n"
    );
    // A local definition without a fixity declaration hides the Prelude's.
    assert_eq!(resolved("f = let a + b = a in a + b * c"), "f = (let {infix (+) a b = a} in ((a + b) * c))\n");
    // Constructor operators in data declarations and patterns.
    assert_eq!(
        resolved("infixr 5 :<\ndata L = N | Int :< L\nf (a :< b :< N) = a"),
        "infixr 5 :<\ndata L = N | :< Int L\nf (paren ((:<) a ((:<) b N))) = a\n"
    );
}

#[test]
fn fixity_errors() {
    assert_eq!(
        errors("x = a == b == c"),
        r#"Error: cannot mix `==` [infix 4] and `==` [infix 4] in the same infix expression
   ╭─[ test.lull:1:7 ]
   │
 1 │ x = a == b == c
   │       ─┬   ─┬  
   │        ╰─────── `==` [infix 4]
   │             │  
   │             ╰── `==` [infix 4]
   │ 
   │ Help: add parentheses to say which operator applies first
───╯
"#
    );
    assert_eq!(
        first_error("x = a + - b"),
        "cannot mix `+` [infixl 6] and prefix `-` [infixl 6] in the same infix expression"
    );
    assert_eq!(
        first_error("x = a == b < c"),
        "cannot mix `==` [infix 4] and `<` [infix 4] in the same infix expression"
    );
    assert_eq!(
        first_error("x = (a + b *)"),
        "the operator `*` [infixl 7] of a section must have lower precedence than that of the operand, namely `+` [infixl 6]"
    );
    assert_eq!(
        first_error("x = (* a + b)"),
        "the operator `*` [infixl 7] of a section must have lower precedence than that of the operand, namely `+` [infixl 6]"
    );
    assert_eq!(
        first_error("infixr 6 +++\nx = a + b +++ c"),
        "cannot mix `+` [infixl 6] and `+++` [infixr 6] in the same infix expression"
    );
}

// ---------------------------------------------------------------- UI cases

/// What `lull check` prints for a case that fails in parsing or fixity
/// resolution: `render(diags, "<path from tests/ui>", source)`.
fn ui_stderr(name: &str, src: &str) -> String {
    match parse_module(src) {
        Err(d) => render(&d, name, src),
        Ok(mut m) => {
            let errs = resolve(&mut m, &Fixities::haskell_prelude());
            render(&errs, name, src)
        }
    }
}

/// Every `tests/ui/fail/parse_*.lull` case renders exactly its `.stderr`
/// snapshot (until `lull check` runs them; `BLESS=1` rewrites them).
#[test]
fn ui_parse_cases() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/ui/fail");
    let mut cases: Vec<std::path::PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                name.starts_with("parse_") && name.ends_with(".lull")
            })
            .collect(),
        Err(e) => panic!("cannot read {}: {e}", dir.display()),
    };
    cases.sort();
    assert!(cases.len() >= 15, "only {} parse UI cases", cases.len());
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let file = case.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        let src = std::fs::read_to_string(case).unwrap_or_default();
        let actual = ui_stderr(&format!("fail/{file}"), &src);
        assert!(!actual.is_empty(), "{file} has no errors");
        let snapshot = case.with_extension("stderr");
        if bless {
            if let Err(e) = std::fs::write(&snapshot, &actual) {
                panic!("cannot write {}: {e}", snapshot.display());
            }
            continue;
        }
        let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
        if expected != actual {
            failures.push(format!("{file}:\n--- expected\n{expected}--- actual\n{actual}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------- lexical and syntax errors

#[test]
fn lexical_errors() {
    let cases: &[(&str, &str)] = &[
        ("x = 1 § 2", "invalid character `§`"),
        ("x = \"abc", "unterminated string literal"),
        ("x = \"a\nb\"", "unterminated string literal"),
        ("x = \"\\q\"", "invalid escape sequence"),
        ("x = \"\\1114112\"", "character escape out of range"),
        ("x = \"\\xD800\"", "invalid character escape"),
        ("x = \"\\^1\"", "invalid control escape"),
        ("x = \"a\\  b\"", "unterminated string gap"),
        ("x = ''", "empty character literal"),
        ("x = 'ab'", "character literal with more than one character"),
        ("x = 'a", "unterminated character literal"),
        ("x = '\\&'", "`\\&` is not a character"),
        ("x = 1 {- a {- b -} c", "unclosed comment"),
        ("x = 340282366920938463463374607431768211456", "integer literal too large"),
        ("x = \u{200b}", "invalid character U+200B"),
    ];
    for (src, msg) in cases {
        assert_eq!(first_error(src), *msg, "for {src:?}");
    }
    // Every error is reported, in source order.
    let d = parse_module("x = '' + § + \"\\q\"").err().unwrap_or_default();
    let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(msgs, ["empty character literal", "invalid character `§`", "invalid escape sequence"]);
}

#[test]
fn syntax_errors() {
    let cases: &[(&str, &str)] = &[
        ("x = (1, 2", "unexpected end of input"),
        ("x = [1 .. 2 .. 3]", "unexpected `..`"),
        ("x = if a then b", "unexpected end of input"),
        ("x = case y of", "`case` without alternatives"),
        ("x = \\ -> 1", "unexpected `->`"),
        ("x = y@z", "as-pattern in an expression"),
        ("x = ~y", "lazy pattern in an expression"),
        ("f (\\x -> x) = 1", "a lambda is not a valid pattern"),
        ("f (g x) = 1", "a function application is not a valid pattern"),
        ("x + y * z = 1", "invalid left-hand side: more than one variable operator"),
        ("f (- x) = 1", "`-` in a pattern must be followed by a number"),
        ("data T = a b", "invalid constructor declaration"),
        ("data t = A", "invalid `data` declaration head"),
        ("newtype N = N Int Int", "a `newtype` constructor must have exactly one field"),
        ("newtype N = N { unN :: Int }", "record syntax is not supported"),
        ("f :: Eq => a", "invalid constraint"),
        ("module M (module N) where\nx = 1", "exporting a module is not supported"),
        ("x = M.y", "qualified names are not supported"),
        ("x = let { class } in 1", "unexpected `class`"),
        ("x = let in", "unexpected end of input"),
        ("x = (+ 1", "unexpected end of input"),
    ];
    for (src, msg) in cases {
        assert_eq!(first_error(src), *msg, "for {src:?}");
    }
}

#[test]
fn syntax_error_rendering() {
    assert_eq!(
        errors("f x = case x of\n  1 -> 2\n  2 -> \n  3 -> 4"),
        r#"Error: unexpected new line at the block's indentation
   ╭─[ test.lull:4:3 ]
   │
 4 │   3 -> 4
   │   ┬  
   │   ╰── expected an expression before this line
   │ 
   │ Note: a line indented exactly as much as its block starts a new item of the block (Haskell's layout rule); indent it more to continue the line before
───╯
"#
    );
    assert_eq!(
        errors("main = do\n  let x = 1\n  print (x +)) 2"),
        r#"Error: unexpected `)`
   ╭─[ test.lull:3:14 ]
   │
 3 │   print (x +)) 2
   │              ┬  
   │              ╰── expected `::`, `<-` or the end of the line
───╯
"#
    );
}
