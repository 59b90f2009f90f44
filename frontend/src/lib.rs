//! `lull-frontend`: the front ends of Lull, from source text to Core IR.
//!
//! * [`lambda`]: the λ dialect (untyped λ-calculus with shared
//!   definitions, LANGUAGE.md section 2): [`lambda::parse`],
//!   [`lambda::lower()`] and [`lambda::compile`], which gives a Core
//!   module and its entry definition, ready for the reference interpreter.
//! * [`lull`]: the syntax of the Lull language (LANGUAGE.md section 1):
//!   lexer, layout, parser ([`lull::parse_module`]) and fixity resolution.
//! * [`diagnostic`]: the errors every front end reports, with spans, and
//!   [`diagnostic::render`] to show them with the source underlined
//!   (no colour, stable text for snapshot tests).
//! * [`span`]: byte ranges into the source; [`suggest`]: "did you mean".
//!
//! This crate knows nothing of LLVM or the runtime's object layout.
//!
//! ```
//! use lull_frontend::{diagnostic::render, lambda::compile};
//!
//! let ok = compile("two = λ f x. f (f x); two two").unwrap();
//! assert_eq!(ok.module.def(ok.entry).name, "main");
//!
//! let source = "λ x. y";
//! let errors = compile(source).unwrap_err();
//! let text = render(&errors, "demo.lc", source);
//! assert!(text.contains("unbound variable `y`"));
//! ```

pub mod diagnostic;
pub mod lambda;
pub mod lull;
pub mod span;
pub mod suggest;
