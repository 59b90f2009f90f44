//! The λ dialect (LANGUAGE.md section 2): untyped λ-calculus with shared
//! definitions, lowered to Core for normalisation.
//!
//! The stages, each usable on its own:
//! * [`parse`]: text to a [`Program`] ([`ast`]), reporting lexical and
//!   syntax errors, λs without binders, and nesting deeper than
//!   [`MAX_NESTING`] (see Note [What counts toward the nesting limit] in
//!   [`nesting`]).
//! * [`lower()`]: a [`Program`] to a Core [`Module`](lull_middle::core::ir::Module)
//!   and its entry, reporting unbound variables and names defined twice.
//! * [`compile()`] does both.
//!
//! No stage recurses on the depth of a term, and none panics on any input.
//!
//! ```
//! use lull_frontend::lambda::compile;
//! let c = compile("K = λ x _. x; K K").unwrap();
//! assert_eq!(c.module.defs[0].name, "K");
//! assert_eq!(c.module.def(c.entry).name, "main");
//! assert!(compile("λ x. y").is_err());
//! ```

pub mod ast;
pub mod lower;
pub mod nesting;
mod parse;
pub mod token;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_parens, missing_docs)]
    grammar,
    "/lambda/grammar.rs"
);

pub use ast::Program;
pub use lower::{lower, Compiled};
pub use nesting::MAX_NESTING;
pub use parse::parse;

use crate::diagnostic::Diagnostic;

/// Parses and lowers a λ program: the whole front end.
pub fn compile(source: &str) -> Result<Compiled, Vec<Diagnostic>> {
    lower(&parse(source)?)
}
