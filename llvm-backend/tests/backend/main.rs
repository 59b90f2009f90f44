//! The integration tests of `lull-llvm` (one test binary for the crate).

mod codegen;
mod layout_header;
mod smoke;
