//! The integration tests of `lull-frontend`, in one test binary:
//! parsing and lowering of every λ form, the exact text of every
//! diagnostic, deep inputs, and a deterministic fuzz run.

mod frontend {
    pub mod deep;
    pub mod diagnostics;
    pub mod fuzz;
    pub mod lower;
    pub mod lull_fuzz;
    pub mod lull_layout;
    pub mod lull_parse;
    pub mod lull_types;
    pub mod parse;
    pub mod support;
}
