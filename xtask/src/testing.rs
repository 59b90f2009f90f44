//! `cargo xtask test`: every test suite of the repository, in order.

use crate::error::Result;
use crate::project::{run_step, step, Project};
use crate::setup::Tools;
use crate::{examples, rt, ui};

/// Environment variable that `--full` sets for the test processes: slow
/// suites run only when it is `1`.
pub const FULL_ENV: &str = "LULL_TEST_FULL";

/// Runs the runtime's tests, `cargo test --workspace`, the embedding
/// examples and the UI tests,
/// stopping at the first step that fails. The UI tests run under every
/// engine of [`ui::test_engines`]: the engine-dependent modes (`nf/`,
/// `core/`, `conv/`) once more with `--interp`, with `LULL_GC_STRESS=1`, and
/// with `LULL_RT=asan` (every fourth case, or all of them with `--full`).
pub fn run(project: &Project, tools: &Tools, full: bool) -> Result<()> {
    step("test: step 1/4: the C runtime's tests");
    rt::test(project, &tools.cc).map_err(|e| e.context("test: step 1/4 (rt) failed"))?;

    step(format!("test: step 2/4: cargo test --workspace{}", if full { " (full)" } else { "" }));
    let mut cargo = project.cargo();
    cargo.args(["test", "--workspace", "--no-fail-fast"]);
    if full {
        cargo.env(FULL_ENV, "1");
    }
    run_step("cargo test", &mut cargo).map_err(|e| e.context("test: step 2/4 failed"))?;

    step("test: step 3/4: the embedding examples (a C host and a Rust host)");
    examples::run(project, &tools.cc).map_err(|e| e.context("test: step 3/4 (examples) failed"))?;

    step("test: step 4/4: the UI tests (native, interpreter, GC stress, sanitizers)");
    ui::run(project, ui::Options { bless: false, filter: None, engines: ui::test_engines(full) })
        .map_err(|e| e.context("test: step 4/4 (ui) failed"))?;

    step("test: all steps passed");
    Ok(())
}
