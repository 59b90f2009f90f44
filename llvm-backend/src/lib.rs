//! `lull-llvm`: Lull's LLVM back end (LLVM 19 through inkwell).
//!
//! It turns Flat IR (the output of `lull_middle::closure_conv`) into native
//! code in the runtime's protocol (the Notes of `rt/include/lull_rt.h`),
//! links it with the C runtime it embeds, and runs it:
//!
//! - [`codegen`]: [`compile`] a [`Program`] (Flat modules and the globals to
//!   run) to LLVM IR, assembly or an object file with GC stack maps.
//! - [`link`]: links an object with the embedded C runtime into an
//!   executable ([`link_executable`]); [`RtVariant`] picks the plain or the
//!   sanitizer build of the runtime.
//! - [`run`]: compiles, links and runs a program natively ([`run_native`]):
//!   the runtime reads back and prints the normal form itself.
//! - [`normal`]: [`nf`] and [`conv`] of Core terms as library calls, with
//!   limits and errors as values.
//! - [`layout`]: the object-layout and proc-register constants of the C
//!   runtime as Rust constants. The C header is the single source of truth;
//!   this crate's test suite parses it and checks that every constant agrees.
//! - [`smoke`]: the target machine, and a one-function check that `ghccc`
//!   and prefix data work on this LLVM.
//!
//! ```
//! use lull_llvm::{compile, Output, Program};
//! use lull_middle::closure_conv::closure_convert;
//!
//! let lowered = lull_frontend::lambda::compile("(λ x y. x) (λ x. x)").unwrap();
//! let flat = closure_convert(&lowered.module).unwrap();
//! let program = Program { modules: vec![&flat], entries: vec![(0, lowered.entry)], exports: vec![], linkage: Default::default() };
//! let object = compile(&program, Output::Object).unwrap();
//! assert!(object.starts_with(b"\x7fELF"));
//! ```
//!
//! A front end's path through the crate:
//!
//! 1. Build, verify and closure-convert Core with `lull-middle`.
//! 2. Put the Flat modules in a [`Program`]: the entries the runtime runs,
//!    the [`Export`]s a host may call, and its [`Linkage`] with other
//!    crates (a library crate compiled once, a [`Dep`] of the programs
//!    that import from it: [`library_object`]).
//! 3. [`compile`] it (LLVM IR, assembly or an object), or build and run it
//!    in one call: [`run_native`] / [`build_native`] print the normal form
//!    of the entry, [`run_native_io`] / [`build_native_io`] run an IO
//!    program, [`build_crate`] makes a shared crate for a host. The
//!    runtime's limits go in [`RunArgs`]; [`RtVariant`] picks the normal,
//!    the sanitizer or the shared runtime.
//!
//! `docs/toolkit.md` in the repository walks through all of it with code
//! that is compiled and run as this crate's doc tests.
//!
//! Errors are reported through [`Error`].

#![deny(missing_docs)]

use std::fmt;

pub mod codegen;
pub mod layout;
pub mod link;
pub mod normal;
pub mod run;
pub mod smoke;

pub use codegen::{compile, compile_objects, compile_parts, Dep, Export, Linkage, Output, Program};
pub use link::{library_object, link_crate, link_executable, RtVariant};
pub use normal::{conv, nf, NfError, Term};
pub use run::{build_crate, build_executable, build_native, build_native_io, run_native, run_native_io, Mode, RunArgs};

// The walk-through of docs/toolkit.md: each of its code blocks is a doc
// test of this crate.
#[cfg(doctest)]
#[doc = include_str!("../../docs/toolkit.md")]
mod toolkit_md {}

/// An error of the LLVM back end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The LLVM verifier rejected a module; the message is LLVM's.
    Verify(String),
    /// No target machine could be made for the requested target.
    Target(String),
    /// LLVM failed to emit assembly or an object file.
    Emit(String),
    /// The native program could not be linked (no C compiler, the runtime
    /// did not build, the linker failed); the message says which.
    Link(String),
    /// The native program could not be started.
    Run(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Verify(msg) => write!(f, "LLVM module verification failed: {msg}"),
            Error::Target(msg) => write!(f, "cannot create the target machine: {msg}"),
            Error::Emit(msg) => write!(f, "LLVM code emission failed: {msg}"),
            Error::Link(msg) | Error::Run(msg) => write!(f, "{msg}"),
        }
    }
}

impl std::error::Error for Error {}
