//! Core IR: the typed, representation-aware λ-calculus every front end
//! lowers to. See [`ir`] for the data types and their evaluation order.
//!
//! # Note [No recursion on term depth]
//!
//! Terms can be millions of nodes deep: a normal form such as Church
//! 5,000,000 is an application spine that deep, and generated programs nest
//! freely. Rust's stack overflow aborts the process, so no test can catch it.
//! Therefore evaluation, read-back, printing, `conv` and `Drop` of Core
//! expressions and normal forms use explicit heap-allocated stacks, never
//! Rust recursion on the depth of a term; so do the verifier and the text
//! form's parser. Passes that still recurse (the λ lowering) are only given
//! terms whose depth the front end has bounded (see the nesting limit of the
//! λ parser), and the `lull` driver runs them on a thread with a large stack.

pub mod builder;
pub mod interp;
pub mod ir;
pub mod nf;
pub mod numeric;
pub mod parse;
pub mod print;
pub(crate) mod text;
pub mod unicode;
mod unicode_data;
pub mod verify;
