//! Lull (LANGUAGE.md section 1): a lazy, typed language whose syntax and
//! meaning are a subset of Haskell 2010. This module is its syntax: the
//! stages from text to a syntax tree with resolved operators.
//!
//! * [`token`]: the lexer (logos), every token with its span, line and
//!   column.
//! * [`layout`]: Haskell 2010's offside rule as a token-stream
//!   transformation (Note [The layout rule]).
//! * [`parse_module`]: the LR parser (lalrpop) and the checks run on the
//!   tree, giving an [`ast::Module`] with operator sequences still flat.
//! * [`fixity`]: fixity resolution (Haskell 2010 section 10.6) with
//!   [`fixity::Fixities`], rewriting the sequences into trees.
//! * [`depth`]: the nesting limit [`MAX_NESTING`] (Note [Depth of the
//!   syntax tree]), iterative walks, and `Drop` without recursion.
//!
//! No stage recurses on the depth of the input, and none panics on any
//! input.
//!
//! ```
//! use lull_frontend::lull::{fixity, parse_module};
//! let mut m = parse_module("main = print (1 + 2 * 3)").unwrap();
//! let errors = fixity::resolve(&mut m, &fixity::Fixities::haskell_prelude());
//! assert!(errors.is_empty());
//! ```

pub mod ast;
pub mod depth;
pub mod fixity;
pub mod layout;
mod parse;
pub mod token;

// Name resolution, dependency analysis and type checking.
pub mod check;
pub mod env;
pub mod infer;
pub mod library;
pub mod lower;
pub mod resolve;
pub mod scc;
pub mod types;
pub mod unify;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_parens, missing_docs)]
    grammar,
    "/lull/grammar.rs"
);

pub use check::{check, Checked};
pub use depth::MAX_NESTING;
pub use parse::parse_module;
