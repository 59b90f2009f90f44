//! The integration tests of Core IR, in one test binary (CI links one binary
//! per crate): filetests, the text form's round trip and robustness
//! properties, the verifier's invariants, and deep terms on small stacks.

#[path = "core/alpha.rs"]
mod alpha;
#[path = "core/closure_conv.rs"]
mod closure_conv;
#[path = "core/deep.rs"]
mod deep;
#[path = "core/filetests.rs"]
mod filetests;
#[path = "core/flat_eval.rs"]
mod flat_eval;
#[path = "core/gen.rs"]
mod gen;
#[path = "core/props.rs"]
mod props;
#[path = "core/text.rs"]
mod text;
#[path = "core/verify.rs"]
mod verify;
