//! The integration tests of `lull-llvm` (one test binary for the crate).

mod layout_header;
mod smoke;
