//! `lull-middle`: Lull's intermediate representations.
//!
//! * [`core`]: Core IR, the explicitly typed, representation-aware
//!   λ-calculus that front ends lower to: data types, a builder, a verifier,
//!   a text form that round-trips, and the reference interpreter that
//!   defines what every Lull program means.
//! * [`closure_conv`] and [`flat`]: closure conversion of Core into Flat
//!   IR (top-level codes, explicit environments, grouped allocations), its
//!   verifier and printer: the input of the LLVM back end.
//!
//! This crate knows no source syntax and no LLVM.
//!
//! # Using the crate from a front end
//!
//! 1. **Build** a Core [`Module`](core::ir::Module) with
//!    [`core::builder::Builder`]: [`data`](core::builder::Builder::data)
//!    declares a data type (its constructors are
//!    [`ConRef`](core::ir::ConRef)s: the type and a tag),
//!    [`var`](core::builder::Builder::var) makes a fresh local binder of a
//!    representation, [`def`](core::builder::Builder::def) adds a top-level
//!    definition ([`declare`](core::builder::Builder::declare) and
//!    [`define`](core::builder::Builder::define) when bodies refer to it
//!    first), and associated functions build expressions:
//!    [`lam`](core::builder::Builder::lam),
//!    [`app`](core::builder::Builder::app),
//!    [`case`](core::builder::Builder::case) (with
//!    [`Alt`](core::ir::Alt)s), [`con`](core::builder::Builder::con),
//!    [`prim`](core::builder::Builder::prim), lets and literals.
//!    [`finish`](core::builder::Builder::finish) hands the module over.
//! 2. **Verify** it with [`core::verify::verify_module`], which lists every
//!    broken invariant. The other passes expect a verified module.
//! 3. **Print** it with [`core::print::print_module`] to inspect it or
//!    store it; [`core::parse::parse_module`] reads the text form back.
//! 4. **Run** it with the reference interpreter:
//!    [`core::interp::normalise`] evaluates a definition under
//!    [`Limits`](core::interp::Limits) and reads it back to a normal form
//!    ([`core::nf::Nf`], whose `Display` is what `lull nf` prints);
//!    [`core::interp::run_io`] runs an IO program.
//! 5. **Compile** it: [`closure_conv::closure_convert`] turns it into a Flat
//!    [`Module`](flat::ir::Module), which [`flat::verify::verify_module`]
//!    checks and [`flat::print::print_module`] prints, for the back end.
//!
//! # Example
//!
//! A data type `Box` with one `i64` field, `twice = \f x. f (f x)`, a
//! function that increments a box by a `case`, and `main = twice inc
//! (Box 40)`:
//!
//! ```rust
//! use lull_middle::closure_conv::closure_convert;
//! use lull_middle::core::builder::Builder as B;
//! use lull_middle::core::interp::{normalise, Limits};
//! use lull_middle::core::ir::{Alt, ConRef, Pat, PrimOp, Rep};
//! use lull_middle::core::{parse::parse_module, print::print_module, verify::verify_module};
//! use lull_middle::flat;
//!
//! let mut b = B::new();
//! // data Box { Box(i64) }
//! let box_type = b.data("Box", &[("Box", &[Rep::Int64])]);
//! let box_con = ConRef { data: box_type, tag: 0 };
//!
//! // def twice = \f x. f (f x)
//! let f = b.var("f", Rep::Value);
//! let x = b.var("x", Rep::Value);
//! let f_x = B::app(B::var_ref(f), vec![B::var_ref(x)]);
//! let twice = b.def("twice", B::lam(vec![f, x], B::app(B::var_ref(f), vec![f_x])));
//!
//! // def inc = \v. case v as s { Box(n: i64) -> Box(iadd(n, 1)) }
//! let v = b.var("v", Rep::Value);
//! let scrut = b.var("s", Rep::Value);
//! let n = b.var("n", Rep::Int64);
//! let bumped = B::con(box_con, vec![B::prim(PrimOp::IAdd, vec![B::var_ref(n), B::int(1)])]);
//! let alts = vec![Alt { pat: Pat::Con(box_con, vec![n]), body: bumped }];
//! let inc = b.def("inc", B::lam(vec![v], B::case(B::var_ref(v), scrut, alts, None)));
//!
//! // def main = @twice @inc Box(40)
//! let main = b.def("main", B::app(B::global(twice), vec![B::global(inc), B::con(box_con, vec![B::int(40)])]));
//! let module = b.finish();
//! verify_module(&module).expect("the module verifies");
//!
//! // The text form reads back to a module that prints the same.
//! let text = print_module(&module);
//! assert!(text.contains("def main = @twice @inc Box(40)"));
//! let parsed = parse_module(&text).expect("the printout parses");
//! assert_eq!(print_module(&parsed), text);
//!
//! // The interpreter reads values back in full, and functions under their
//! // binders (applied to fresh rigid variables).
//! let (nf, _stats) = normalise(&module, main, &Limits::default()).expect("main runs");
//! assert_eq!(nf.to_string(), "Box 42");
//! let (nf, _stats) = normalise(&module, twice, &Limits::default()).expect("twice runs");
//! assert_eq!(nf.to_string(), "λ a b. a (a b)");
//!
//! // Closure conversion keeps one global per definition, at the same index.
//! let flat_module = closure_convert(&module).expect("verified Core converts");
//! flat::verify::verify_module(&flat_module).expect("the Flat module verifies");
//! assert_eq!(flat_module.globals[main.index()].name, "main");
//! ```

#![deny(missing_docs)]

pub mod closure_conv;
pub mod core;
pub mod flat;
