//! `lull-llvm`: Lull's LLVM back end (LLVM 19 through inkwell).
//!
//! The back end will turn Flat IR into native code in the runtime's calling
//! convention (see `ARCHITECTURE.md`, "The runtime model"). For now it offers
//! the foundation that code generation will build on:
//!
//! - [`layout`]: the object-layout constants of the C runtime (word size,
//!   minimum object size, the 16-byte info prefix before every entry code and
//!   its field offsets, the object tags) as Rust constants. The C header
//!   `rt/include/lull_rt.h` is the single source of truth; this crate's test
//!   suite parses it and checks that every constant agrees.
//! - [`smoke`]: builds a one-function LLVM module whose function uses the
//!   `ghccc` calling convention and carries an info prefix as LLVM prefix
//!   data, verifies it and emits x86-64 assembly. It proves that the pieces
//!   the code generator needs (prefix data through `llvm-sys`, `ghccc`, a
//!   target machine) work on this LLVM.
//! - [`link`]: links an object with the embedded C runtime into an
//!   executable ([`link_executable`]).
//! - [`run`]: compiles, links and runs a program natively ([`run_native`]).
//!
//! Errors are reported through [`Error`].

use std::fmt;

pub mod codegen;
pub mod layout;
pub mod link;
pub mod run;
pub mod smoke;

pub use codegen::{compile, Output, Program};
pub use link::{link_executable, RtVariant};
pub use run::{run_native, RunArgs};

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
