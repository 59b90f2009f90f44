//! Flat IR: the output of closure conversion and the input of the LLVM back
//! end. Top-level codes with explicit environments, operands that are
//! atoms, grouped allocations and explicit evaluation; see [`ir`] for the
//! data types and every design decision, [`verify`] for the invariants and
//! [`print`](mod@print) for the text form (print only: there is no parser).

pub mod ir;
pub mod print;
pub mod verify;
