//! Closure conversion and the Flat IR verifier: the `test closure_conv`
//! filetests (see `filetests.rs`), properties over generated modules and
//! every Core test input, deep terms on small stacks, and one rejection of
//! the Flat verifier per invariant on hand-built modules.

use std::fs;
use std::path::Path;

use lull_middle::closure_conv::closure_convert;
use lull_middle::core::builder::Builder;
use lull_middle::core::ir as core;
use lull_middle::core::{parse::parse_module, verify::verify_module as verify_core};
use lull_middle::flat::ir::*;
use lull_middle::flat::print::print_module;
use lull_middle::flat::verify::verify_module;

use crate::deep::on_small_stack;
use crate::filetests::collect;
use crate::gen;

/// Convert a verified Core module, verify the result, print it.
fn convert_checked(m: &core::Module) -> Result<(Module, String), String> {
    let flat = closure_convert(m).map_err(|e| e.to_string())?;
    let printed = print_module(&flat);
    if let Err(errs) = verify_module(&flat) {
        let errs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        return Err(format!("Flat output does not verify:\n{}\n\n{printed}", errs.join("\n")));
    }
    Ok((flat, printed))
}

/// The `test closure_conv` filetest kind: the actual output lines.
pub fn filetest(input: &str) -> Result<Vec<String>, (String, Option<Vec<String>>)> {
    let m = parse_module(input).map_err(|e| (format!("parse error: {e}"), None))?;
    if let Err(errs) = verify_core(&m) {
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        return Err((format!("does not verify:\n{}", msgs.join("\n")), None));
    }
    let (_, printed) = convert_checked(&m).map_err(|e| (e, None))?;
    Ok(printed.lines().map(str::to_string).collect())
}

/// Generated modules convert, and the output verifies and prints
/// deterministically.
#[test]
fn generated_modules_convert_and_verify() {
    for seed in 0..1500u64 {
        let size = 1 + (seed as usize * 7) % 80;
        let m = gen::module(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15), size);
        if verify_core(&m).is_err() {
            continue;
        }
        let (flat, printed) = convert_checked(&m)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}\n\nCore:\n{}", lull_middle::core::print::print_module(&m)));
        assert_eq!(flat.globals.len(), m.defs.len());
        let (_, again) = convert_checked(&m).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(printed, again, "seed {seed}: conversion is not deterministic");
    }
}

/// Every Core module in the repository's tests (the middle filetests and
/// the driver's UI cases) that parses and verifies converts to a Flat
/// module that verifies.
#[test]
fn every_core_test_input_converts() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&manifest.join("tests/filetests"), &mut files);
    collect(&manifest.join("../tests/ui"), &mut files);
    files.sort();
    let mut converted = 0;
    for path in &files {
        let Ok(text) = fs::read_to_string(path) else { continue };
        // Filetests start with a `test` header line; blank it.
        let text = match text.strip_prefix("test ") {
            Some(rest) => rest.split_once('\n').map_or(String::new(), |(_, r)| format!("\n{r}")),
            None => text,
        };
        let Ok(m) = parse_module(&text) else { continue };
        if verify_core(&m).is_err() {
            continue;
        }
        if let Err(e) = convert_checked(&m) {
            panic!("{}: {e}", path.display());
        }
        converted += 1;
    }
    assert!(converted >= 60, "only {converted} Core inputs converted");
}

const DEEP: usize = 100_000;

/// Convert, verify, print and drop deep terms on a 2 MB stack: nested
/// applications (a thunk per level), nested λs (a code per level), a long
/// let chain, nested cases in scrutinees and alternatives, nested strict
/// primitives, and a long constructor chain (one allocation group).
#[test]
fn deep_terms_convert_on_a_small_stack() {
    on_small_stack(|| {
        let mut b = Builder::new();
        let list = b.data("List", &[("Nil", &[]), ("Cons", &[core::Rep::Value, core::Rep::Value])]);
        let (nil, cons) = (core::ConRef { data: list, tag: 0 }, core::ConRef { data: list, tag: 1 });
        // \f x. f (f (... (f x)))
        let f = b.var("f", core::Rep::Value);
        let x = b.var("x", core::Rep::Value);
        let mut e = core::Expr::Var(x);
        for _ in 0..DEEP {
            e = Builder::app(core::Expr::Var(f), vec![e]);
        }
        b.def("church", Builder::lam(vec![f, x], e));
        // \y1. \y2. ... Cons(y1, yn)
        let ys: Vec<core::VarId> = (0..DEEP / 4).map(|_| b.var("y", core::Rep::Value)).collect();
        let mut e = Builder::con(cons, vec![core::Expr::Var(ys[0]), core::Expr::Var(ys[ys.len() - 1])]);
        for y in ys.iter().rev() {
            e = Builder::lam(vec![*y], e);
        }
        b.def("lams", e);
        // let x1 = free "a" in let x2 = x1 x1 in ...
        let xs: Vec<core::VarId> = (0..DEEP).map(|_| b.var("x", core::Rep::Value)).collect();
        let mut e = core::Expr::Var(xs[DEEP - 1]);
        for i in (0..DEEP).rev() {
            let bound = if i == 0 {
                core::Expr::Free("a".into())
            } else {
                Builder::app(core::Expr::Var(xs[i - 1]), vec![core::Expr::Var(xs[i - 1])])
            };
            e = Builder::let_(xs[i], bound, e);
        }
        b.def("chain", e);
        // Cases nested in scrutinees and in alternatives.
        let mut e = core::Expr::Free("s".into());
        for i in 0..DEEP / 4 {
            let s = b.var("s", core::Rep::Value);
            let (h, t) = (b.var("h", core::Rep::Value), b.var("t", core::Rep::Value));
            e = if i % 2 == 0 {
                let alt = core::Alt { pat: core::Pat::Con(cons, vec![h, t]), body: core::Expr::Var(t) };
                Builder::case(e, s, vec![alt], Some(Builder::con(nil, vec![])))
            } else {
                let alt = core::Alt { pat: core::Pat::Con(cons, vec![h, t]), body: e };
                Builder::case(core::Expr::Free("q".into()), s, vec![alt], None)
            };
        }
        b.def("cases", e);
        // iadd(iadd(... 0 ..., 1), 1) in a constructor.
        let ib = b.data("IntBox", &[("I", &[core::Rep::Int64])]);
        let mut e = Builder::int(0);
        for _ in 0..DEEP {
            e = Builder::prim(core::PrimOp::IAdd, vec![e, Builder::int(1)]);
        }
        b.def("sum", Builder::con(core::ConRef { data: ib, tag: 0 }, vec![e]));
        // Cons(a, Cons(a, ... Nil)).
        let mut e = Builder::con(nil, vec![]);
        for _ in 0..DEEP {
            e = Builder::con(cons, vec![core::Expr::Free("a".into()), e]);
        }
        b.def("long", e);
        let m = b.finish();
        assert!(verify_core(&m).is_ok());
        let (flat, printed) = convert_checked(&m).unwrap_or_else(|e| panic!("{}", &e[..e.len().min(2000)]));
        assert!(flat.codes.len() > DEEP);
        assert!(printed.len() > DEEP);
        drop(flat);
        drop(m);
    });
}

/// Closure conversion of a λ-dialect-sized term, 10,000 deep, on a 2 MB
/// stack, as the brief demands (the deep test above goes ten times deeper).
#[test]
fn ten_thousand_deep_lambda_term_on_2mb() {
    on_small_stack(|| {
        let mut b = Builder::new();
        let mut e = core::Expr::Free("z".into());
        let ps: Vec<core::VarId> = (0..10_000).map(|_| b.var("x", core::Rep::Value)).collect();
        for (i, p) in ps.iter().enumerate().rev() {
            let arg = if i > 0 { core::Expr::Var(ps[i - 1]) } else { core::Expr::Free("w".into()) };
            e = Builder::lam(vec![*p], Builder::app(core::Expr::Var(*p), vec![arg, e]));
        }
        b.def("main", e);
        let m = b.finish();
        assert!(verify_core(&m).is_ok());
        convert_checked(&m).unwrap_or_else(|e| panic!("{}", &e[..e.len().min(2000)]));
    });
}

// ---------------------------------------------------------------------------
// The verifier's rejections, one per invariant, on hand-built modules.

/// A small valid module:
///
/// ```text
/// data List { Nil, Cons(value, value) }
/// data IntBox { I(i64) }
/// global @id = fun %id
/// global @main = caf %main
/// code %id fun(x) { enter x }
/// code %main thunk { let nil = con Nil, f = fun %main.lam1(nil); return f }
/// code %main.lam1 fun(y) env(a) { let c = con Cons(y, a); return c }
/// ```
struct Base {
    m: Module,
    x: VarId,
    nil: VarId,
    f: VarId,
    y: VarId,
    a: VarId,
    c: VarId,
}

const NIL: ConRef = ConRef { data: DataId(0), tag: 0 };
const CONS: ConRef = ConRef { data: DataId(0), tag: 1 };
const IBOX: ConRef = ConRef { data: DataId(1), tag: 0 };

fn var(m: &mut Module, name: &str, rep: Rep) -> VarId {
    m.vars.push(VarInfo { name: name.into(), rep });
    VarId(m.vars.len() as u32 - 1)
}

fn base() -> Base {
    let mut m = Module {
        datas: vec![
            DataDecl {
                name: "List".into(),
                cons: vec![
                    ConDecl { name: "Nil".into(), fields: vec![] },
                    ConDecl { name: "Cons".into(), fields: vec![Rep::Value, Rep::Value] },
                ],
            },
            DataDecl { name: "IntBox".into(), cons: vec![ConDecl { name: "I".into(), fields: vec![Rep::Int64] }] },
        ],
        ..Module::default()
    };
    let x = var(&mut m, "x", Rep::Value);
    let nil = var(&mut m, "nil", Rep::Value);
    let f = var(&mut m, "f", Rep::Value);
    let y = var(&mut m, "y", Rep::Value);
    let a = var(&mut m, "a", Rep::Value);
    let c = var(&mut m, "c", Rep::Value);
    m.codes = vec![
        Code {
            name: "id".into(),
            kind: CodeKind::Fun { params: vec![x] },
            env: vec![],
            body: Body::Enter(Atom::Var(x), vec![]),
        },
        Code {
            name: "main".into(),
            kind: CodeKind::Thunk,
            env: vec![],
            body: Body::Let(
                vec![
                    (nil, Alloc::Con { con: NIL, fields: vec![] }),
                    (f, Alloc::Closure { code: CodeId(2), env: vec![Atom::Var(nil)] }),
                ],
                Box::new(Body::Return(Atom::Var(f))),
            ),
        },
        Code {
            name: "main.lam1".into(),
            kind: CodeKind::Fun { params: vec![y] },
            env: vec![a],
            body: Body::Let(
                vec![(c, Alloc::Con { con: CONS, fields: vec![Atom::Var(y), Atom::Var(a)] })],
                Box::new(Body::Return(Atom::Var(c))),
            ),
        },
    ];
    m.globals = vec![
        Global { name: "id".into(), kind: GlobalKind::Fun(CodeId(0)) },
        Global { name: "main".into(), kind: GlobalKind::Caf(CodeId(1)) },
    ];
    Base { m, x, nil, f, y, a, c }
}

/// `m` is rejected with invariant `n` among its errors.
fn rejects(m: &Module, n: u32) {
    match verify_module(m) {
        Ok(()) => panic!("[F{n}] not detected:\n{}", print_module(m)),
        Err(errs) => {
            let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
            assert!(
                errs.iter().any(|e| e.invariant == n),
                "[F{n}] not among the errors:\n{}\n{}",
                all.join("\n"),
                print_module(m)
            );
        }
    }
}

fn lam_body(b: &mut Base) -> &mut Body {
    &mut b.m.codes[2].body
}

#[test]
fn base_module_verifies_and_prints() {
    let b = base();
    if let Err(errs) = verify_module(&b.m) {
        panic!("{}", errs[0]);
    }
    let printed = print_module(&b.m);
    assert!(printed.contains("code %main.lam1 fun(y) env(a) {\n  let c = con Cons(y, a)\n  return c\n}"), "{printed}");
    assert!(printed.contains("let nil = con Nil,\n      f = fun %main.lam1(nil)"), "{printed}");
}

#[test]
fn f01_ids_in_range() {
    let mut b = base();
    *lam_body(&mut b) = Body::Enter(Atom::Var(VarId(999)), vec![]);
    rejects(&b.m, 1);
    let mut b = base();
    *lam_body(&mut b) = Body::Enter(Atom::Global(GlobalId(7)), vec![]);
    rejects(&b.m, 1);
    let mut b = base();
    b.m.codes[1].body = Body::Let(
        vec![(b.f, Alloc::Con { con: ConRef { data: DataId(0), tag: 5 }, fields: vec![] })],
        Box::new(Body::Return(Atom::Var(b.f))),
    );
    rejects(&b.m, 1);
}

#[test]
fn f02_unique_names() {
    let mut b = base();
    b.m.codes[2].name = "main".into();
    rejects(&b.m, 2);
}

#[test]
fn f03_globals() {
    let mut b = base();
    b.m.globals[0].kind = GlobalKind::Caf(CodeId(0));
    rejects(&b.m, 3);
    let mut b = base();
    b.m.globals[1].kind = GlobalKind::Caf(CodeId(0));
    rejects(&b.m, 3);
    let mut b = base();
    if let Body::Let(group, _) = &mut b.m.codes[1].body {
        group[1].1 = Alloc::Closure { code: CodeId(0), env: vec![] };
    }
    rejects(&b.m, 3);
}

#[test]
fn f04_bound_once() {
    let mut b = base();
    let x = b.x;
    b.m.codes[2].kind = CodeKind::Fun { params: vec![x] };
    rejects(&b.m, 4);
}

#[test]
fn f05_scope() {
    // A variable of another code.
    let mut b = base();
    let (c, y, x) = (b.c, b.y, b.x);
    *lam_body(&mut b) = Body::Let(
        vec![(c, Alloc::Con { con: CONS, fields: vec![Atom::Var(y), Atom::Var(x)] })],
        Box::new(Body::Return(Atom::Var(c))),
    );
    rejects(&b.m, 5);
    // A strict binder in its own first body.
    let mut b = base();
    let t = var(&mut b.m, "t", Rep::Int64);
    b.m.codes[0].body =
        Body::Strict(vec![t], Box::new(Body::Return(Atom::Var(t))), Box::new(Body::Enter(Atom::Var(b.x), vec![])));
    rejects(&b.m, 5);
}

#[test]
fn f06_env_exact() {
    // An unused environment variable.
    let mut b = base();
    let extra = var(&mut b.m, "extra", Rep::Value);
    let nil = b.nil;
    b.m.codes[2].env.push(extra);
    if let Body::Let(group, _) = &mut b.m.codes[1].body {
        group[1].1 = Alloc::Closure { code: CodeId(2), env: vec![Atom::Var(nil), Atom::Var(nil)] };
    }
    rejects(&b.m, 6);
    // Unboxed before value.
    let mut b = base();
    let n = var(&mut b.m, "n", Rep::Int64);
    let (c, y, a, nil) = (b.c, b.y, b.a, b.nil);
    b.m.codes[2].env = vec![n, a];
    *lam_body(&mut b) = Body::Let(
        vec![(c, Alloc::Con { con: CONS, fields: vec![Atom::Var(y), Atom::Var(a)] })],
        Box::new(Body::Case(Box::new(Case {
            scrut: Atom::Var(n),
            alts: vec![],
            default: Some(Body::Return(Atom::Var(c))),
        }))),
    );
    if let Body::Let(group, _) = &mut b.m.codes[1].body {
        group[1].1 = Alloc::Closure { code: CodeId(2), env: vec![Atom::Lit(Lit::Int(1)), Atom::Var(nil)] };
    }
    rejects(&b.m, 6);
}

#[test]
fn f07_fun_params() {
    let mut b = base();
    b.m.codes[2].kind = CodeKind::Fun { params: vec![] };
    rejects(&b.m, 7);
    let mut b = base();
    let n = var(&mut b.m, "n", Rep::Int64);
    b.m.codes[0].kind = CodeKind::Fun { params: vec![n] };
    b.m.codes[0].body = Body::Return(Atom::Global(GlobalId(0)));
    rejects(&b.m, 7);
}

#[test]
fn f08_let_group() {
    let mut b = base();
    *lam_body(&mut b) = Body::Let(vec![], Box::new(Body::Return(Atom::Free("a".into()))));
    b.m.codes[2].env.clear();
    if let Body::Let(group, _) = &mut b.m.codes[1].body {
        group[1].1 = Alloc::Closure { code: CodeId(2), env: vec![] };
    }
    rejects(&b.m, 8);
    let mut b = base();
    let n = var(&mut b.m, "n", Rep::Int64);
    b.m.codes[0].body =
        Body::Let(vec![(n, Alloc::Con { con: NIL, fields: vec![] })], Box::new(Body::Enter(Atom::Var(b.x), vec![])));
    rejects(&b.m, 8);
}

#[test]
fn f09_closure_env() {
    let mut b = base();
    if let Body::Let(group, _) = &mut b.m.codes[1].body {
        group[1].1 = Alloc::Closure { code: CodeId(2), env: vec![] };
    }
    rejects(&b.m, 9);
    let mut b = base();
    if let Body::Let(group, _) = &mut b.m.codes[1].body {
        group[1].1 = Alloc::Closure { code: CodeId(2), env: vec![Atom::Lit(Lit::Int(3))] };
    }
    rejects(&b.m, 9);
}

#[test]
fn f10_con_and_str() {
    let mut b = base();
    let (c, y) = (b.c, b.y);
    *lam_body(&mut b) = Body::Let(
        vec![(c, Alloc::Con { con: CONS, fields: vec![Atom::Var(y)] })],
        Box::new(Body::Return(Atom::Var(c))),
    );
    rejects(&b.m, 10);
    let mut b = base();
    let (c, y) = (b.c, b.y);
    *lam_body(&mut b) = Body::Let(
        vec![(c, Alloc::Con { con: IBOX, fields: vec![Atom::Var(y)] })],
        Box::new(Body::Return(Atom::Var(c))),
    );
    rejects(&b.m, 10);
    let mut b = base();
    let x = b.x;
    let s = var(&mut b.m, "s", Rep::Value);
    let lit = StrLit { text: "a".into(), nil: NIL, cons: IBOX, chr: IBOX };
    b.m.codes[0].body = Body::Let(vec![(s, Alloc::Str(Box::new(lit)))], Box::new(Body::Enter(Atom::Var(x), vec![])));
    rejects(&b.m, 10);
}

#[test]
fn f11_enter_values() {
    let mut b = base();
    b.m.codes[0].body = Body::Enter(Atom::Var(b.x), vec![Atom::Lit(Lit::Int(1))]);
    rejects(&b.m, 11);
}

#[test]
fn f12_prim_operands() {
    let mut b = base();
    b.m.codes[0].body = Body::Prim(PrimOp::PutChar, vec![Atom::Free("w".into()), Atom::Lit(Lit::Float(1.0))]);
    rejects(&b.m, 12);
    let mut b = base();
    b.m.codes[0].body = Body::Prim(PrimOp::PutChar, vec![Atom::Free("w".into())]);
    rejects(&b.m, 12);
}

#[test]
fn f13_delivery() {
    // An unboxed value at a code's tail.
    let mut b = base();
    b.m.codes[0].body = Body::Return(Atom::Lit(Lit::Int(1)));
    rejects(&b.m, 13);
    // A multi-result primitive at a tail.
    let mut b = base();
    b.m.codes[0].body = Body::Prim(PrimOp::GetChar, vec![Atom::Free("w".into())]);
    rejects(&b.m, 13);
    // A strict binder of the wrong representation.
    let mut b = base();
    let t = var(&mut b.m, "t", Rep::Float64);
    b.m.codes[0].body = Body::Strict(
        vec![t],
        Box::new(Body::Prim(PrimOp::IAdd, vec![Atom::Lit(Lit::Int(1)), Atom::Lit(Lit::Int(2))])),
        Box::new(Body::Enter(Atom::Var(b.x), vec![])),
    );
    rejects(&b.m, 13);
}

#[test]
fn f14_strict_binders() {
    let mut b = base();
    b.m.codes[0].body = Body::Strict(
        vec![],
        Box::new(Body::Prim(PrimOp::PutChar, vec![Atom::Free("w".into()), Atom::Lit(Lit::Int(65))])),
        Box::new(Body::Enter(Atom::Var(b.x), vec![])),
    );
    rejects(&b.m, 14);
}

#[test]
fn f15_whnf() {
    // Returning a parameter.
    let mut b = base();
    b.m.codes[0].body = Body::Return(Atom::Var(b.x));
    rejects(&b.m, 15);
    // Returning a CAF.
    let mut b = base();
    b.m.codes[0].body = Body::Return(Atom::Global(GlobalId(1)));
    rejects(&b.m, 15);
    // A case on an environment variable.
    let mut b = base();
    let a = b.a;
    *lam_body(&mut b) = Body::Case(Box::new(Case {
        scrut: Atom::Var(a),
        alts: vec![],
        default: Some(Body::Enter(Atom::Var(b.y), vec![])),
    }));
    rejects(&b.m, 15);
    // A thunk's token to putchar.
    let mut b = base();
    b.m.codes[0].body = Body::Prim(PrimOp::PutChar, vec![Atom::Var(b.x), Atom::Lit(Lit::Int(65))]);
    rejects(&b.m, 15);
}

#[test]
fn f16_value_case() {
    let mut b = base();
    let (h, t) = (var(&mut b.m, "h", Rep::Value), var(&mut b.m, "t", Rep::Int64));
    b.m.codes[1].body = Body::Let(
        vec![(b.nil, Alloc::Con { con: NIL, fields: vec![] })],
        Box::new(Body::Case(Box::new(Case {
            scrut: Atom::Var(b.nil),
            alts: vec![(Pat::Con(CONS, vec![h, t]), Body::Return(Atom::Var(b.nil)))],
            default: None,
        }))),
    );
    b.m.codes.truncate(2);
    rejects(&b.m, 16);
    let mut b = base();
    b.m.codes[1].body = Body::Let(
        vec![(b.nil, Alloc::Con { con: NIL, fields: vec![] })],
        Box::new(Body::Case(Box::new(Case {
            scrut: Atom::Var(b.nil),
            alts: vec![
                (Pat::Con(NIL, vec![]), Body::Return(Atom::Var(b.nil))),
                (Pat::Lit(Lit::Int(0)), Body::Return(Atom::Var(b.nil))),
            ],
            default: None,
        }))),
    );
    b.m.codes.truncate(2);
    rejects(&b.m, 16);
}

#[test]
fn f17_literal_case() {
    let mut b = base();
    b.m.codes[0].body = Body::Case(Box::new(Case {
        scrut: Atom::Lit(Lit::Int(1)),
        alts: vec![
            (Pat::Lit(Lit::Int(1)), Body::Enter(Atom::Var(b.x), vec![])),
            (Pat::Lit(Lit::Int(1)), Body::Enter(Atom::Var(b.x), vec![])),
        ],
        default: None,
    }));
    rejects(&b.m, 17);
    let mut b = base();
    b.m.codes[0].body = Body::Case(Box::new(Case {
        scrut: Atom::Lit(Lit::Int(1)),
        alts: vec![(Pat::Lit(Lit::Float(1.0)), Body::Enter(Atom::Var(b.x), vec![]))],
        default: Some(Body::Enter(Atom::Var(b.x), vec![])),
    }));
    rejects(&b.m, 17);
}

#[test]
fn f18_empty_case() {
    let mut b = base();
    b.m.codes[0].body = Body::Case(Box::new(Case { scrut: Atom::Lit(Lit::Int(1)), alts: vec![], default: None }));
    rejects(&b.m, 18);
}

/// The printer and verifier tolerate ill-formed modules (out-of-range ids)
/// without panicking.
#[test]
fn ill_formed_modules_print_and_verify_without_panicking() {
    let mut b = base();
    let f = b.f;
    b.m.codes[1].body = Body::Let(
        vec![
            (VarId(77), Alloc::Closure { code: CodeId(40), env: vec![Atom::Global(GlobalId(9))] }),
            (f, Alloc::Con { con: ConRef { data: DataId(8), tag: 0 }, fields: vec![Atom::Var(VarId(99))] }),
        ],
        Box::new(Body::Case(Box::new(Case {
            scrut: Atom::Var(VarId(1000)),
            alts: vec![(Pat::Con(ConRef { data: DataId(3), tag: 2 }, vec![VarId(500)]), Body::Return(Atom::Var(f)))],
            default: None,
        }))),
    );
    b.m.globals.push(Global { name: "bad".into(), kind: GlobalKind::Fun(CodeId(12)) });
    let printed = print_module(&b.m);
    assert!(printed.contains("<bad"), "{printed}");
    assert!(verify_module(&b.m).is_err());
}
