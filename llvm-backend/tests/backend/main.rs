//! The integration tests of `lull-llvm` (one test binary for the crate).

mod codegen;
mod crates;
mod differential;
mod io;
mod layout_header;
mod normal;
mod smoke;
