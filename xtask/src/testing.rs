//! `cargo xtask test`: every test suite of the repository, in order.

use crate::error::Result;
use crate::project::{run_step, step, Project};
use crate::setup::Tools;
use crate::{examples, rt, ui};

/// Environment variable that `--full` sets for the test processes: slow
/// suites run only when it is `1`.
pub const FULL_ENV: &str = "LULL_TEST_FULL";

/// Runs the runtime's tests, `cargo test --workspace` (doc tests
/// included), the embedding examples, the UI tests and `cargo doc` of the
/// toolkit crates,
/// stopping at the first step that fails. The UI tests run under every
/// engine of [`ui::test_engines`]: the engine-dependent modes (`nf/`,
/// `core/`, `conv/`) once more with `--interp`, with `LULL_GC_STRESS=1`, and
/// with `LULL_RT=asan` (every fourth case, or all of them with `--full`).
pub fn run(project: &Project, tools: &Tools, full: bool) -> Result<()> {
    step("test: step 1/5: the C runtime's tests");
    rt::test(project, &tools.cc).map_err(|e| e.context("test: step 1/5 (rt) failed"))?;

    step(format!("test: step 2/5: cargo test --workspace{}", if full { " (full)" } else { "" }));
    let mut cargo = project.cargo();
    cargo.args(["test", "--workspace", "--no-fail-fast"]);
    if full {
        cargo.env(FULL_ENV, "1");
    }
    run_step("cargo test", &mut cargo).map_err(|e| e.context("test: step 2/5 failed"))?;

    step("test: step 3/5: the embedding examples (a C host and a Rust host)");
    examples::run(project, &tools.cc).map_err(|e| e.context("test: step 3/5 (examples) failed"))?;

    step("test: step 4/5: the UI tests (native, interpreter, GC stress, sanitizers)");
    ui::run(project, ui::Options { bless: false, filter: None, engines: ui::test_engines(full) })
        .map_err(|e| e.context("test: step 4/5 (ui) failed"))?;

    // The toolkit's API documentation builds without a warning (broken
    // links, missing docs: both crates deny missing_docs). Its doc tests,
    // docs/toolkit.md's code blocks among them, ran in step 2.
    step("test: step 5/5: cargo doc of the toolkit crates (warnings are errors)");
    let mut doc = project.cargo();
    doc.args(["doc", "--no-deps", "--package", "lull-middle", "--package", "lull-llvm"])
        .env("RUSTDOCFLAGS", "-D warnings");
    run_step("cargo doc", &mut doc).map_err(|e| e.context("test: step 5/5 (doc) failed"))?;

    step("test: all steps passed");
    Ok(())
}
