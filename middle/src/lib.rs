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

pub mod closure_conv;
pub mod core;
pub mod flat;
