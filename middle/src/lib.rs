//! `lull-middle`: Lull's intermediate representations.
//!
//! * [`core`]: Core IR, the explicitly typed, representation-aware
//!   λ-calculus that front ends lower to: data types, a builder, a verifier,
//!   a text form that round-trips, and the reference interpreter that
//!   defines what every Lull program means.
//!
//! This crate knows no source syntax and no LLVM.

pub mod core;
