//! Tests of the interpreter. Modules are built with the Builder, or from
//! λ-dialect text by the small test-only parser below (the real front end
//! lives in `lull-frontend`; the middle crate must not depend on it).

use super::*;
use crate::core::builder::Builder as B;
use crate::core::ir::*;
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ---------------------------------------------------------------------------
// A test-only λ-dialect parser: `name = term;` definitions (top-level
// definitions, so shared), then the final term (the definition `main`).
// Unknown names are free (rigid) variables.

struct Lc<'s> {
    toks: Vec<&'s str>,
    pos: usize,
    b: B,
    scope: Vec<(String, VarId)>,
    defs: Vec<(String, GlobalId)>,
}

fn lex(src: &str) -> Vec<&str> {
    let mut toks = Vec::new();
    let mut rest = src;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        if let Some(r) = rest.strip_prefix("/-") {
            let end = r.find("-/").map_or(r.len(), |i| i + 2);
            rest = &r[end..];
            continue;
        }
        let c = rest.chars().next().unwrap();
        if c == 'λ' || "\\.()=;".contains(c) {
            toks.push(&rest[..c.len_utf8()]);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\'')).unwrap_or(rest.len());
        assert!(end > 0, "bad character {c:?}");
        toks.push(&rest[..end]);
        rest = &rest[end..];
    }
    toks
}

impl<'s> Lc<'s> {
    fn peek(&self) -> Option<&'s str> {
        self.toks.get(self.pos).copied()
    }
    fn next(&mut self) -> &'s str {
        let t = self.toks[self.pos];
        self.pos += 1;
        t
    }
    fn is_ident(t: &str) -> bool {
        !matches!(t, "λ" | "\\" | "." | "(" | ")" | "=" | ";")
    }
    fn term(&mut self) -> Expr {
        if matches!(self.peek(), Some("λ" | "\\")) {
            self.next();
            let mut params = Vec::new();
            while self.peek() != Some(".") {
                let name = self.next();
                let v = self.b.var(name, Rep::Value);
                params.push((name.to_string(), v));
            }
            self.next();
            let n = self.scope.len();
            self.scope.extend(params.iter().cloned());
            let body = self.term();
            self.scope.truncate(n);
            return B::lam(params.into_iter().map(|(_, v)| v).collect(), body);
        }
        let head = self.atom();
        let mut args = Vec::new();
        while let Some(t) = self.peek() {
            if t == "(" || (Self::is_ident(t) && self.toks.get(self.pos + 1) != Some(&"=")) {
                args.push(self.atom());
            } else if t == "λ" || t == "\\" {
                args.push(self.term());
            } else {
                break;
            }
        }
        B::app(head, args)
    }
    fn atom(&mut self) -> Expr {
        let t = self.next();
        if t == "(" {
            let e = self.term();
            assert_eq!(self.next(), ")");
            return e;
        }
        if let Some((_, v)) = self.scope.iter().rev().find(|(n, _)| n == t) {
            return B::var_ref(*v);
        }
        if let Some((_, g)) = self.defs.iter().rev().find(|(n, _)| n == t) {
            return B::global(*g);
        }
        Expr::Free(t.to_string())
    }
}

/// Parse a λ program; its final term is the definition `main`.
fn lc(src: &str) -> (Module, GlobalId) {
    let mut p = Lc { toks: lex(src), pos: 0, b: B::new(), scope: Vec::new(), defs: Vec::new() };
    while p.toks.get(p.pos + 1) == Some(&"=") {
        let name = p.next();
        p.next();
        let body = p.term();
        assert_eq!(p.next(), ";");
        let g = p.b.def(name, body);
        p.defs.push((name.to_string(), g));
    }
    let body = p.term();
    assert!(p.peek().is_none(), "trailing input at {:?}", p.peek());
    let main = p.b.def("main", body);
    (p.b.finish(), main)
}

fn nf_of(m: &Module, g: GlobalId) -> String {
    match normalise(m, g, &Limits::default()) {
        Ok((nf, _)) => nf.to_string(),
        Err(e) => format!("error: {e}"),
    }
}

fn nf(src: &str) -> String {
    let (m, g) = lc(src);
    nf_of(&m, g)
}

fn steps(src: &str) -> u64 {
    let (m, g) = lc(src);
    normalise(&m, g, &Limits::default()).unwrap().1.steps
}

fn conv_src(a: &str, b: &str) -> bool {
    let (ma, ga) = lc(a);
    let (mb, gb) = lc(b);
    conv(&ma, ga, &mb, gb, &Limits::default()).unwrap().0
}

const CHURCH: &str = "
  zero = λ s z. z;
  one = λ s z. s z;
  two = λ s z. s (s z);
  three = λ s z. s (s (s z));
  plus = λ m n s z. m s (n s z);
  mul = λ a b s z. a (b s) z;
  pow = λ b e. e b;
  suc = λ n s z. s (n s z);
  ";

// ---------------------------------------------------------------------------
// λ-calculus

#[test]
fn language_examples() {
    assert_eq!(nf("(λ x y. x) (λ x. x)"), "λ a b. b");
    assert_eq!(nf("λ f. f (λ x. x) (λ y z. y)"), "λ a. a (λ b. b) (λ c d. c)");
}

#[test]
fn skk_is_identity() {
    assert_eq!(nf("s = λ x y z. x z (y z); k = λ x y. x; s k k"), "λ a. a");
    assert_eq!(nf("i = λ x. x; i i i i (λ x y. y x)"), "λ a b. b a");
    assert_eq!(nf("k = λ x y. x; k k"), "λ a b c. b");
}

#[test]
fn church_arithmetic() {
    assert_eq!(nf(&format!("{CHURCH} plus two three")), "λ a b. a (a (a (a (a b))))");
    assert_eq!(nf(&format!("{CHURCH} mul two three")), "λ a b. a (a (a (a (a (a b)))))");
    assert_eq!(nf(&format!("{CHURCH} pow two three")), "λ a b. a (a (a (a (a (a (a (a b)))))))");
    assert_eq!(nf(&format!("{CHURCH} pow three zero")), "λ a. a");
    assert_eq!(nf(&format!("{CHURCH} pow three one")), "λ a b. a (a (a b))");
    assert_eq!(nf(&format!("{CHURCH} plus zero zero")), "λ a b. b");
}

#[test]
fn church_data() {
    let pairs = "pair = λ a b f. f a b; fst = λ p. p (λ a b. a); snd = λ p. p (λ a b. b);";
    assert_eq!(nf(&format!("{pairs} fst (pair x y)")), "x");
    assert_eq!(nf(&format!("{pairs} snd (pair x y)")), "y");
    assert_eq!(nf(&format!("{pairs} pair x")), "λ a b. b x a");
    // Scott-encoded list [x, y] folded by a free function
    let scott = "nil = λ n c. n; cons = λ h t n c. c h t;";
    assert_eq!(nf(&format!("{scott} cons x (cons y nil) e (λ h t. f h (t e (λ h2 t2. g h2)))")), "f x (g y)");
}

#[test]
fn rigid_spines() {
    assert_eq!(nf("λ x. f x (g x)"), "λ a. f a (g a)");
    assert_eq!(nf("(λ x. x y) (f a)"), "f a y");
    assert_eq!(nf("λ x. x (λ y. y x) x"), "λ a. a (λ b. b a) a");
    // a spine extended one argument at a time
    assert_eq!(nf("(λ g. g a b c) (f z)"), "f z a b c");
}

#[test]
fn partial_and_over_application() {
    assert_eq!(nf("k = λ x y. x; (λ g. g b) (k a)"), "a");
    assert_eq!(nf("three = λ a b c. f a b c; (λ p. p z) ((λ p. p y) (three x))"), "f x y z");
    assert_eq!(nf("(λ x. x) (λ y z. y) a b"), "a");
    assert_eq!(nf("(λ x y. x) (λ z w. w) a b"), "λ a. a");
    assert_eq!(nf("(λ x y. x) (λ z w. w) a b c"), "c");
}

#[test]
fn pap_read_back() {
    assert_eq!(nf("(λ x y z. f x z y) q"), "λ a b. f q b a");
    assert_eq!(nf("λ u. (λ x y z. f x z y) u"), "λ a b c. f a c b");
}

#[test]
fn sharing_of_cafs_and_lets() {
    // main is a λ: 1 β; c: 1 thunk + 1 β; read back c's value twice: 2 β.
    assert_eq!(steps("c = (λ x. x) (λ y. y); λ f. f c c"), 5);
    let (m, _) = lc("i = λ x. x; (λ y. y) i");
    assert!(m.defs.len() == 2);
    // Without sharing the argument would be evaluated twice.
    let shared = steps("(λ x. λ f. f x x) ((λ x. x) (λ y. y))");
    let unshared = steps("(λ u. λ f. f ((λ x. x) (λ y. y)) ((λ x. x) (λ y. y))) q");
    // CAF main, 2 β, x: 1 thunk + 1 β, read back x's value twice: 2 β.
    assert_eq!(shared, 7);
    assert_eq!(unshared, 9);
}

#[test]
fn sharing_of_let() {
    let mut b = B::new();
    let x = b.var("x", Rep::Value);
    let y = b.var("y", Rep::Value);
    let f = b.var("f", Rep::Value);
    // let x = (\y. y) w in \f. f x x
    let idlam = B::lam(vec![y], B::var_ref(y));
    let body = B::let_(
        x,
        B::app(idlam.clone(), vec![B::free("w")]),
        B::lam(vec![f], B::app(B::var_ref(f), vec![B::var_ref(x), B::var_ref(x)])),
    );
    let g = b.def("main", body);
    let m = b.finish();
    let (nf, stats) = normalise(&m, g, &Limits::default()).unwrap();
    assert_eq!(nf.to_string(), "λ a. a w w");
    // CAF main: 1 thunk; λf: 1 β; x: 1 thunk + 1 β, once.
    assert_eq!(stats.steps, 4);
}

// A shorthand used above.
trait FreeExt {
    fn free(name: &str) -> Expr;
}
impl FreeExt for B {
    fn free(name: &str) -> Expr {
        Expr::Free(name.to_string())
    }
}

// ---------------------------------------------------------------------------
// Data, literals, primitives

struct ListTy {
    nil: ConRef,
    cons: ConRef,
    chr: ConRef,
    int: ConRef,
    flt: ConRef,
}

fn list_ty(b: &mut B) -> ListTy {
    let l = b.data("List", &[("Nil", &[]), ("Cons", &[Rep::Value, Rep::Value])]);
    let c = b.data("Char", &[("Chr", &[Rep::Int64])]);
    let i = b.data("Int", &[("I", &[Rep::Int64])]);
    let f = b.data("Float", &[("F", &[Rep::Float64])]);
    ListTy {
        nil: ConRef { data: l, tag: 0 },
        cons: ConRef { data: l, tag: 1 },
        chr: ConRef { data: c, tag: 0 },
        int: ConRef { data: i, tag: 0 },
        flt: ConRef { data: f, tag: 0 },
    }
}

#[test]
fn constructors_and_cases() {
    let mut b = B::new();
    let t = list_ty(&mut b);
    let (h, tl, s) = (b.var("h", Rep::Value), b.var("t", Rep::Value), b.var("s", Rep::Value));
    // case Cons 1 (Cons 2 Nil) of Cons h t -> Cons t h
    let lst = B::con(
        t.cons,
        vec![
            B::con(t.int, vec![B::int(1)]),
            B::con(t.cons, vec![B::con(t.int, vec![B::int(2)]), B::con(t.nil, vec![])]),
        ],
    );
    let g = b.def("whole", lst.clone());
    let swap = B::case(
        lst,
        s,
        vec![Alt { pat: Pat::Con(t.cons, vec![h, tl]), body: B::con(t.cons, vec![B::var_ref(tl), B::var_ref(h)]) }],
        None,
    );
    let g2 = b.def("swap", swap);
    // literal case with default
    let (n, k) = (b.var("n", Rep::Int64), b.var("k", Rep::Int64));
    let lit = B::case(
        B::prim(PrimOp::IAdd, vec![B::int(40), B::int(2)]),
        n,
        vec![
            Alt { pat: Pat::Lit(Lit::Int(41)), body: B::free("no") },
            Alt { pat: Pat::Lit(Lit::Int(42)), body: B::free("yes") },
        ],
        Some(B::free("default")),
    );
    let g3 = b.def("lit", lit);
    let dflt = B::case(
        B::int(7),
        k,
        vec![Alt { pat: Pat::Lit(Lit::Int(1)), body: B::free("one") }],
        Some(B::con(t.int, vec![B::var_ref(k)])),
    );
    let g4 = b.def("dflt", dflt);
    let m = b.finish();
    assert_eq!(nf_of(&m, g), "Cons (I 1) (Cons (I 2) Nil)");
    assert_eq!(nf_of(&m, g2), "Cons (Cons (I 2) Nil) (I 1)");
    assert_eq!(nf_of(&m, g3), "yes");
    assert_eq!(nf_of(&m, g4), "I 7");
}

fn prim_result(op: PrimOp, args: Vec<Expr>) -> String {
    let mut b = B::new();
    let t = list_ty(&mut b);
    let sig = op.signature();
    let wrap = if sig.results[0] == Rep::Float64 { t.flt } else { t.int };
    let g = b.def("main", B::con(wrap, vec![B::prim(op, args)]));
    let m = b.finish();
    nf_of(&m, g)
}

#[test]
fn every_primop() {
    use PrimOp::*;
    let i = B::int;
    let f = B::float;
    let cases: Vec<(PrimOp, Vec<Expr>, &str)> = vec![
        (IAdd, vec![i(i64::MAX), i(1)], "I (-9223372036854775808)"),
        (ISub, vec![i(3), i(5)], "I (-2)"),
        (IMul, vec![i(6), i(7)], "I 42"),
        (IQuot, vec![i(-7), i(2)], "I (-3)"),
        (IRem, vec![i(-7), i(2)], "I (-1)"),
        (INeg, vec![i(5)], "I (-5)"),
        (IAnd, vec![i(12), i(10)], "I 8"),
        (IOr, vec![i(12), i(10)], "I 14"),
        (IXor, vec![i(12), i(10)], "I 6"),
        (IShl, vec![i(1), i(65)], "I 2"),
        (IShr, vec![i(-8), i(1)], "I (-4)"),
        (IEq, vec![i(3), i(3)], "I 1"),
        (INe, vec![i(3), i(3)], "I 0"),
        (ILt, vec![i(2), i(3)], "I 1"),
        (ILe, vec![i(3), i(3)], "I 1"),
        (IGt, vec![i(2), i(3)], "I 0"),
        (IGe, vec![i(2), i(3)], "I 0"),
        (FAdd, vec![f(0.5), f(0.25)], "F 0.75"),
        (FSub, vec![f(0.5), f(1.0)], "F (-0.5)"),
        (FMul, vec![f(1.5), f(2.0)], "F 3.0"),
        (FDiv, vec![f(1.0), f(0.0)], "F inf"),
        (FNeg, vec![f(2.0)], "F (-2.0)"),
        (FEq, vec![f(f64::NAN), f(f64::NAN)], "I 0"),
        (FNe, vec![f(f64::NAN), f(f64::NAN)], "I 1"),
        (FLt, vec![f(1.0), f(2.0)], "I 1"),
        (FLe, vec![f(2.0), f(2.0)], "I 1"),
        (FGt, vec![f(1.0), f(2.0)], "I 0"),
        (FGe, vec![f(1.0), f(2.0)], "I 0"),
        (IToF, vec![i(3)], "F 3.0"),
        (FToI, vec![f(-3.9)], "I (-3)"),
    ];
    for (op, args, want) in cases {
        assert_eq!(prim_result(op, args), want, "{op}");
    }
    assert_eq!(prim_result(FToI, vec![f(f64::NAN)]), "I 0");
    assert_eq!(prim_result(FToI, vec![f(1e300)]), format!("I {}", i64::MAX));
    assert_eq!(prim_result(FDiv, vec![f(0.0), f(0.0)]), "F NaN");
    // nested operands are evaluated first
    assert_eq!(prim_result(IMul, vec![B::prim(IAdd, vec![i(1), i(2)]), B::prim(ISub, vec![i(10), i(3)])]), "I 21");
}

#[test]
fn division_errors() {
    use PrimOp::*;
    assert_eq!(prim_result(IQuot, vec![B::int(1), B::int(0)]), "error: iquot: division by zero");
    assert_eq!(prim_result(IRem, vec![B::int(1), B::int(0)]), "error: irem: division by zero");
    assert!(prim_result(IQuot, vec![B::int(i64::MIN), B::int(-1)]).starts_with("error: iquot: overflow"));
    assert!(prim_result(IRem, vec![B::int(i64::MIN), B::int(-1)]).starts_with("error: irem: overflow"));
}

/// A shared capture buffer for `putchar`.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);
impl std::io::Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn run_io(m: &Module, g: GlobalId, input: &'static [u8]) -> (String, String) {
    let cap = Capture::default();
    let c2 = cap.clone();
    let r = normalise_with_io(m, g, &Limits::default(), move || Io {
        out: Box::new(c2),
        inp: Box::new(input),
        ..Io::stdio()
    });
    let out = String::from_utf8(cap.0.lock().unwrap().clone()).unwrap();
    (out, r.map(|(nf, _)| nf.to_string()).unwrap_or_else(|e| format!("error: {e}")))
}

#[test]
fn putchar_and_getchar() {
    let mut b = B::new();
    let t = list_ty(&mut b);
    let tok = b.var("tok", Rep::Value);
    let (t1, t2, t3, c) =
        (b.var("t1", Rep::Value), b.var("t2", Rep::Value), b.var("t3", Rep::Value), b.var("c", Rep::Int64));
    // \tok. strict t1 = putchar tok 'é'; strict (t2, c) = getchar t1; strict t3 = putchar t2 (c + 1); I c
    let body = B::let_strict(
        vec![t1],
        B::prim(PrimOp::PutChar, vec![B::var_ref(tok), B::int('é' as i64)]),
        B::let_strict(
            vec![t2, c],
            B::prim(PrimOp::GetChar, vec![B::var_ref(t1)]),
            B::let_strict(
                vec![t3],
                B::prim(PrimOp::PutChar, vec![B::var_ref(t2), B::prim(PrimOp::IAdd, vec![B::var_ref(c), B::int(1)])]),
                B::con(t.cons, vec![B::var_ref(t3), B::con(t.int, vec![B::var_ref(c)])]),
            ),
        ),
    );
    let g = b.def("main", B::lam(vec![tok], body));
    let m = b.finish();
    let (out, nf) = run_io(&m, g, "λx".as_bytes());
    assert_eq!(out, "é\u{3bc}");
    assert_eq!(nf, "λ a. Cons a (I 955)");
    let (out, nf) = run_io(&m, g, b"");
    assert_eq!(out, "é\0");
    assert_eq!(nf, "λ a. Cons a (I (-1))");
}

#[test]
fn output_is_flushed_before_errors() {
    let mut b = B::new();
    let tok = b.var("tok", Rep::Value);
    let t1 = b.var("t1", Rep::Value);
    let body = B::let_strict(
        vec![t1],
        B::prim(PrimOp::PutChar, vec![B::var_ref(tok), B::int('!' as i64)]),
        Expr::Error { rep: Rep::Value, msg: "stop".into(), loc: Some("x.lull:1:2".into()) },
    );
    let g = b.def("main", B::lam(vec![tok], body));
    let m = b.finish();
    let (out, r) = run_io(&m, g, b"");
    assert_eq!(out, "!");
    assert_eq!(r, "error: x.lull:1:2: stop");
}

#[test]
fn string_literals_unpack_lazily() {
    let mut b = B::new();
    let t = list_ty(&mut b);
    let s = |text: &str| Expr::Str(Box::new(StrLit { text: text.into(), nil: t.nil, cons: t.cons, chr: t.chr }));
    let g = b.def("main", s("hé"));
    let (h, tl, x) = (b.var("h", Rep::Value), b.var("t", Rep::Value), b.var("x", Rep::Value));
    // the head of an endless... a string whose tail is never forced
    let head = B::case(s("abc"), x, vec![Alt { pat: Pat::Con(t.cons, vec![h, tl]), body: B::var_ref(h) }], None);
    let g2 = b.def("head", head);
    let g3 = b.def("empty", s(""));
    let y = b.var("y", Rep::Value);
    let g4 = b.def("arg", B::app(B::lam(vec![y], B::var_ref(y)), vec![s("z")]));
    let m = b.finish();
    assert_eq!(nf_of(&m, g), "Cons (Chr 104) (Cons (Chr 233) Nil)");
    assert_eq!(nf_of(&m, g2), "Chr 97");
    assert_eq!(nf_of(&m, g3), "Nil");
    assert_eq!(nf_of(&m, g4), "Cons (Chr 122) Nil");
    // only the head cell was built: CAF + nothing else
    let (_, st) = normalise(&m, g2, &Limits::default()).unwrap();
    assert_eq!(st.steps, 1);
}

// ---------------------------------------------------------------------------
// Errors

#[test]
fn errors_and_loops() {
    let mut b = B::new();
    let t = list_ty(&mut b);
    let g_err = b.def("err", Expr::Error { rep: Rep::Value, msg: "undefined".into(), loc: Some("a.lull:3:1".into()) });
    let x = b.var("x", Rep::Value);
    let g_loop = b.def("loop", B::letrec(vec![(x, B::var_ref(x))], B::var_ref(x)));
    let g_caf = b.declare("caf");
    b.define(g_caf, B::app(B::global(g_caf), vec![]));
    let (y, sc) = (b.var("y", Rep::Value), b.var("sc", Rep::Value));
    let g_case_fun = b.def(
        "case_fun",
        B::case(
            B::lam(vec![y], B::var_ref(y)),
            sc,
            vec![Alt { pat: Pat::Con(t.nil, vec![]), body: B::free("n") }],
            None,
        ),
    );
    let sc2 = b.var("sc2", Rep::Value);
    let g_case_rigid = b.def(
        "case_rigid",
        B::case(B::free("q"), sc2, vec![Alt { pat: Pat::Con(t.nil, vec![]), body: B::free("n") }], None),
    );
    let g_app_con = b.def("app_con", B::app(B::con(t.nil, vec![]), vec![B::free("a")]));
    let sc3 = b.var("sc3", Rep::Value);
    let g_no_alt = b.def(
        "no_alt",
        B::case(
            B::con(t.cons, vec![B::free("a"), B::free("b")]),
            sc3,
            vec![Alt { pat: Pat::Con(t.nil, vec![]), body: B::free("n") }],
            None,
        ),
    );
    let m = b.finish();
    let err = |g| normalise(&m, g, &Limits::default()).err().unwrap();
    assert_eq!(err(g_err), EvalError::Runtime { msg: "undefined".into(), loc: Some("a.lull:3:1".into()) });
    assert_eq!(err(g_loop), EvalError::Loop);
    assert_eq!(err(g_caf), EvalError::Loop);
    assert_eq!(err(g_case_fun).to_string(), "case over a data type on a function");
    assert_eq!(err(g_case_rigid).to_string(), "case over a data type on a rigid term (free variable q)");
    assert_eq!(err(g_app_con).to_string(), "cannot apply a constructor (constructor Nil) to arguments");
    assert_eq!(err(g_no_alt).to_string(), "no case alternative matches constructor Cons");
}

#[test]
fn malformed_modules_do_not_panic() {
    let mut b = B::new();
    let x = b.var("x", Rep::Value);
    // x used outside its scope
    let g = b.def("bad", B::app(B::lam(vec![x], B::var_ref(x)), vec![B::var_ref(x)]));
    let g2 = b.def("bad_global", B::global(GlobalId(99)));
    let g3 = b.def("bad_var", B::var_ref(VarId(1234)));
    let g4 = b.def("bad_con", B::con(ConRef { data: DataId(5), tag: 0 }, vec![]));
    let m = b.finish();
    for g in [g, g2, g3, g4] {
        let e = normalise(&m, g, &Limits::default()).err().unwrap();
        assert!(e.to_string().starts_with("malformed Core"), "{e}");
    }
    assert!(normalise(&m, GlobalId(77), &Limits::default()).is_err());
}

// ---------------------------------------------------------------------------
// Limits

const OMEGA: &str = "(λ x. x x) (λ x. x x)";

#[test]
fn step_limit() {
    let (m, g) = lc(OMEGA);
    let e = normalise(&m, g, &Limits { max_steps: Some(1000), ..Limits::default() }).err().unwrap();
    assert_eq!(e, EvalError::Limit(LimitHit::Steps(1000)));
    assert_eq!(e.to_string(), "step limit of 1000 reached (--max-steps)");
    // exactly enough steps is fine
    let n = steps("(λ x. x) (λ y. y)");
    let (m, g) = lc("(λ x. x) (λ y. y)");
    assert!(normalise(&m, g, &Limits { max_steps: Some(n), ..Limits::default() }).is_ok());
    assert!(normalise(&m, g, &Limits { max_steps: Some(n - 1), ..Limits::default() }).is_err());
}

#[test]
fn timeout_on_omega() {
    let (m, g) = lc(OMEGA);
    let t = std::time::Instant::now();
    let e = normalise(&m, g, &Limits { timeout: Some(Duration::from_millis(200)), ..Limits::default() }).err().unwrap();
    assert_eq!(e, EvalError::Limit(LimitHit::Timeout(Duration::from_millis(200))));
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn memory_limit_on_growth() {
    // f x = f (g x): an ever longer chain of suspended applications.
    let (m, g) = lc("y = λ f. (λ x. f (x x)) (λ x. f (x x)); y (λ f x. f (s x)) z");
    let e = normalise(&m, g, &Limits { max_memory: Some(16 << 20), ..Limits::default() }).err().unwrap();
    assert_eq!(e, EvalError::Limit(LimitHit::Memory(16 << 20)));
    assert_eq!(e.to_string(), "memory limit of 16 MiB reached (--max-memory)");
    // and the timeout stops it too
    let e = normalise(
        &m,
        g,
        &Limits { timeout: Some(Duration::from_millis(100)), max_memory: Some(1 << 30), ..Limits::default() },
    )
    .err()
    .unwrap();
    assert!(matches!(e, EvalError::Limit(_)));
}

#[test]
fn stats_report_memory() {
    let (m, g) = lc(&format!("{CHURCH} mul (mul three three) three"));
    let (nf, st) = normalise(&m, g, &Limits::default()).unwrap();
    assert_eq!(nf.size(), 2 + 2 * 27 + 1);
    assert!(st.peak_memory > 0 && st.peak_memory < 1 << 20, "{}", st.peak_memory);
}

// ---------------------------------------------------------------------------
// conv

#[test]
fn conv_cases() {
    let c = CHURCH;
    assert!(conv_src(&format!("{c} mul two three"), &format!("{c} mul three two")));
    assert!(conv_src(&format!("{c} plus two three"), &format!("{c} suc (mul two two)")));
    assert!(!conv_src(&format!("{c} plus two two"), &format!("{c} mul three two")));
    assert!(conv_src("λ x y. x", "λ a. λ b. a"));
    assert!(!conv_src("λ x y. x", "λ a. λ b. b"));
    assert!(!conv_src("λ x. f x", "f"), "no η");
    assert!(conv_src("f (g x)", "(λ h. f (h x)) g"));
    assert!(!conv_src("f x", "f y"));
    assert!(!conv_src("f x y", "f x"));
}

#[test]
fn conv_deep_difference() {
    // Church 10,000 vs a numeral that differs only at the very bottom.
    let c = CHURCH;
    let ten = "ten = λ s z. s (s (s (s (s (s (s (s (s (s z)))))))));";
    let a = format!("{c} {ten} mul ten (mul ten (mul ten ten))");
    let b = format!("{c} {ten} λ s z. mul ten (mul ten (mul ten ten)) s (s z)");
    let b2 = format!("{c} {ten} λ s z. mul ten (mul ten (mul ten ten)) s z");
    assert!(!conv_src(&a, &b));
    assert!(conv_src(&a, &b2));
    // stops at the first difference: comparing with a term that differs at
    // the top costs almost nothing
    let (ma, ga) = lc(&a);
    let (mb, gb) = lc("λ s z. z");
    let (same, st) = conv(&ma, ga, &mb, gb, &Limits::default()).unwrap();
    assert!(!same);
    assert!(st.steps < 50, "{}", st.steps);
}

#[test]
fn conv_of_constructors() {
    let mk = |last: i64| {
        let mut b = B::new();
        let t = list_ty(&mut b);
        let mut e = B::con(t.nil, vec![]);
        e = B::con(t.cons, vec![B::con(t.int, vec![B::int(last)]), e]);
        for i in 0..1000 {
            e = B::con(t.cons, vec![B::con(t.int, vec![B::int(i)]), e]);
        }
        let g = b.def("main", e);
        (b.finish(), g)
    };
    let (a, ga) = mk(1);
    let (b, gb) = mk(1);
    let (c, gc) = mk(2);
    assert!(conv(&a, ga, &b, gb, &Limits::default()).unwrap().0);
    assert!(!conv(&a, ga, &c, gc, &Limits::default()).unwrap().0);
}

// ---------------------------------------------------------------------------
// Depth: nothing recurses on it

const NAT: &str = "
mul = λ a b s z. a (b s) z;
n2 = λ s z. s (s z);
n5 = λ s z. s (s (s (s (s z))));
n10 = mul n2 n5;
n100 = mul n10 n10;
n1k = mul n10 n100;
n10k = mul n100 n100;
n1M = mul n10k n100;
";

#[test]
fn million_deep_normal_form_on_a_small_stack() {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let (m, g) = lc(&format!("{NAT} n1M"));
            let (nf, st) = normalise(&m, g, &Limits::default()).unwrap();
            assert_eq!(nf.size(), 2 + 2 * 1_000_000 + 1);
            let s = nf.to_string();
            assert!(s.starts_with("λ a b. a (a (a "));
            assert!(s.ends_with(&format!("a b{}", ")".repeat(999_999))));
            assert_eq!(s.len(), "λ a b. ".len() + 4 * 1_000_000 - 1);
            assert!(nf.alpha_eq(&nf.clone()));
            assert!(st.steps > 1_000_000);
            drop(nf);
            // conv of two million-deep numerals built differently
            let (m2, g2) = lc(&format!("{NAT} mul n100 n10k"));
            assert!(conv(&m, g, &m2, g2, &Limits::default()).unwrap().0);
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn long_lists_and_thunk_chains_drop_iteratively() {
    // go n acc = case n of 0 -> acc; _ -> go (n - 1) (Cons n acc): a list of
    // 2M cells, built strictly; then only its head is read back.
    let n = 2_000_000;
    let mut b = B::new();
    let t = list_ty(&mut b);
    let go = b.declare("go");
    let (nv, acc, k, k2, s, h, tl) = (
        b.var("n", Rep::Value),
        b.var("acc", Rep::Value),
        b.var("k", Rep::Int64),
        b.var("k2", Rep::Int64),
        b.var("s", Rep::Value),
        b.var("h", Rep::Value),
        b.var("t", Rep::Value),
    );
    let body = B::case(
        B::var_ref(nv),
        s,
        vec![Alt {
            pat: Pat::Con(t.int, vec![k]),
            body: B::case(
                B::var_ref(k),
                k2,
                vec![Alt { pat: Pat::Lit(Lit::Int(0)), body: B::var_ref(acc) }],
                Some(B::app(
                    B::global(go),
                    vec![
                        B::con(t.int, vec![B::prim(PrimOp::ISub, vec![B::var_ref(k), B::int(1)])]),
                        B::con(t.cons, vec![B::var_ref(nv), B::var_ref(acc)]),
                    ],
                )),
            ),
        }],
        None,
    );
    b.define(go, B::lam(vec![nv, acc], body));
    let list = b.def("list", B::app(B::global(go), vec![B::con(t.int, vec![B::int(n)]), B::con(t.nil, vec![])]));
    let sc = b.var("sc", Rep::Value);
    let head = b.def(
        "head",
        B::case(B::global(list), sc, vec![Alt { pat: Pat::Con(t.cons, vec![h, tl]), body: B::var_ref(h) }], None),
    );
    // a chain of n lazy applications of `s`, dropped without being forced
    let (c, acc2, sc2, k3, k4, j) = (
        b.var("c", Rep::Value),
        b.var("acc", Rep::Value),
        b.var("sc", Rep::Value),
        b.var("k", Rep::Int64),
        b.var("k", Rep::Int64),
        b.var("j", Rep::Value),
    );
    let chain = b.declare("chain");
    let cbody = B::case(
        B::var_ref(c),
        sc2,
        vec![Alt {
            pat: Pat::Con(t.int, vec![k3]),
            body: B::case(
                B::var_ref(k3),
                k4,
                vec![Alt { pat: Pat::Lit(Lit::Int(0)), body: B::con(t.cons, vec![B::free("done"), B::var_ref(acc2)]) }],
                Some(B::app(
                    B::global(chain),
                    vec![
                        B::con(t.int, vec![B::prim(PrimOp::ISub, vec![B::var_ref(k3), B::int(1)])]),
                        B::app(B::lam(vec![j], B::app(B::free("s"), vec![B::var_ref(j)])), vec![B::var_ref(acc2)]),
                    ],
                )),
            ),
        }],
        None,
    );
    b.define(chain, B::lam(vec![c, acc2], cbody));
    let sc3 = b.var("sc", Rep::Value);
    let (h2, t2) = (b.var("h", Rep::Value), b.var("t", Rep::Value));
    let chain_head = b.def(
        "chain_head",
        B::case(
            B::app(B::global(chain), vec![B::con(t.int, vec![B::int(n)]), B::free("z")]),
            sc3,
            vec![Alt { pat: Pat::Con(t.cons, vec![h2, t2]), body: B::var_ref(h2) }],
            None,
        ),
    );
    let m = b.finish();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            assert_eq!(nf_of(&m, head), "I 1");
            assert_eq!(nf_of(&m, chain_head), "done");
            // reading the whole list back: 2M-long spine of constructors
            let (nf, _) = normalise(&m, list, &Limits::default()).unwrap();
            assert_eq!(nf.size(), 1 + 3 * n as u64);
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn deep_evaluation_uses_no_rust_stack() {
    // A right fold that is not tail recursive: sum of 1..n by nested
    // strict additions (continuation stack n deep), on a 2 MB thread.
    let n = 1_000_000i64;
    let mut b = B::new();
    let t = list_ty(&mut b);
    let sum = b.declare("sum");
    let (k, k2, r) = (b.var("k", Rep::Int64), b.var("k2", Rep::Int64), b.var("r", Rep::Int64));
    let (nv, sc, ri) = (b.var("n", Rep::Value), b.var("sc", Rep::Value), b.var("ri", Rep::Value));
    let (sc2, k5) = (b.var("sc", Rep::Value), b.var("k", Rep::Int64));
    // sum (I k) = case k of 0 -> I 0; _ -> case sum (I (k - 1)) of I r -> I (k + r)
    let body = B::case(
        B::var_ref(nv),
        sc,
        vec![Alt {
            pat: Pat::Con(t.int, vec![k]),
            body: B::case(
                B::var_ref(k),
                k2,
                vec![Alt { pat: Pat::Lit(Lit::Int(0)), body: B::con(t.int, vec![B::int(0)]) }],
                Some(B::case(
                    B::app(
                        B::global(sum),
                        vec![B::con(t.int, vec![B::prim(PrimOp::ISub, vec![B::var_ref(k), B::int(1)])])],
                    ),
                    ri,
                    vec![Alt {
                        pat: Pat::Con(t.int, vec![r]),
                        body: B::con(t.int, vec![B::prim(PrimOp::IAdd, vec![B::var_ref(k), B::var_ref(r)])]),
                    }],
                    None,
                )),
            ),
        }],
        None,
    );
    b.define(sum, B::lam(vec![nv], body));
    let main = b.def("main", B::app(B::global(sum), vec![B::con(t.int, vec![B::int(n)])]));
    let _ = (sc2, k5);
    let m = b.finish();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            assert_eq!(nf_of(&m, main), format!("I {}", n * (n + 1) / 2));
        })
        .unwrap()
        .join()
        .unwrap();
}

// ---------------------------------------------------------------------------
// Benchmarks (release mode): cargo test -p lull-middle --release --lib -- --ignored --nocapture bench_

fn bench_file(name: &str) -> String {
    let path = format!("{}/../../shared/bench/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn bench_nf(name: &str) {
    let src = bench_file(name);
    let (m, g) = lc(&src);
    let t = std::time::Instant::now();
    let (nf, st) = normalise(&m, g, &Limits::default()).unwrap();
    let el = t.elapsed();
    let size = nf.size();
    let t2 = std::time::Instant::now();
    let mut sink = std::io::sink();
    nf.write_to(&mut sink).unwrap();
    let print = t2.elapsed();
    let text = if size < 100 { nf.to_string() } else { format!("{size} nodes") };
    eprintln!(
        "{name}: {text}; normalise {el:.2?}, print {print:.2?}, {} steps, peak {} MiB",
        st.steps,
        st.peak_memory >> 20
    );
}

#[test]
#[ignore]
fn bench_lc() {
    bench_nf("bench.lc");
}

#[test]
#[ignore]
fn bench_nat5m() {
    bench_nf("nat5m.lc");
}

#[test]
#[ignore]
fn bench_nat10m() {
    bench_nf("nat10m.lc");
}

#[test]
#[ignore]
fn bench_tree2m() {
    bench_nf("tree2m.lc");
}

#[test]
#[ignore]
fn bench_conv5m() {
    let (ma, ga) = lc(&bench_file("nat5m.lc"));
    let (mb, gb) = lc(&bench_file("nat5m-b.lc"));
    let t = std::time::Instant::now();
    let (same, st) = conv(&ma, ga, &mb, gb, &Limits::default()).unwrap();
    eprintln!("conv nat5m nat5m-b: {same}; {:.2?}, {} steps, peak {} MiB", t.elapsed(), st.steps, st.peak_memory >> 20);
    assert!(same);
}

/// Run an IO program with captured standard output and error.
fn run_io_captured(src: &str, args: &[&str], name: &str) -> (String, String, Result<Stats, EvalError>) {
    let m = crate::core::parse::parse_module(src).expect("parse");
    crate::core::verify::verify_module(&m).expect("verify");
    let main = m.find_def("main").expect("main");
    let (out, err) = (Capture::default(), Capture::default());
    let (o2, e2) = (out.clone(), err.clone());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let name = name.to_string();
    let r = run_io_with(&m, main, &Limits::default(), move || Io {
        out: Box::new(o2),
        err: Box::new(e2),
        inp: Box::new(&b""[..]),
        args,
        prog_name: name,
    });
    let text = |c: &Capture| String::from_utf8(c.0.lock().unwrap().clone()).unwrap();
    (text(&out), text(&err), r)
}

#[test]
fn io_program_handles_files_arguments_and_exit() {
    let path = std::env::temp_dir().join(format!("lull-interp-io-{}.txt", std::process::id()));
    let p = path.to_str().unwrap();
    let (out, err, r) = run_io_captured(include_str!("../../../tests/io/handles.core"), &["ärg", p], "prog");
    let _ = std::fs::remove_file(&path);
    assert_eq!(r.unwrap_err(), EvalError::Exit(3));
    assert_eq!(out, "2\nprog\närg\nhéllo\nmore\n0.3333333333333333\n");
    assert_eq!(err, "to stderr\n");
}

#[test]
fn io_program_errors() {
    let (out, _, r) = run_io_captured(include_str!("../../../tests/io/error.core"), &[], "prog");
    assert_eq!(out, "A");
    assert_eq!(r.unwrap_err(), EvalError::runtime("boom"));
    let src = "def main = \\w. strict t = pathchar(w, 120) in strict (t2, h: i64) = hopen(t, 0) in t2";
    let (_, _, r) = run_io_captured(src, &[], "prog");
    assert_eq!(r.unwrap_err(), EvalError::runtime("x: openFile: does not exist (No such file or directory)"));
    let src = "def main = \\w. strict t = hputchar(w, 7, 65) in t";
    let (_, _, r) = run_io_captured(src, &[], "prog");
    assert_eq!(r.unwrap_err(), EvalError::runtime("hputchar: handle 7 is not open for writing"));
    let src = "def main = \\w. exit(w, 256)";
    assert_eq!(run_io_captured(src, &[], "prog").2.unwrap_err(), EvalError::Exit(0));
    let src = "def main = \\w. w";
    assert!(run_io_captured(src, &[], "prog").2.is_ok());
}
