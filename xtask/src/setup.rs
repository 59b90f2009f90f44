//! Set-up: makes sure the tools the build needs are present (LLVM 19 for
//! `lull-llvm`, a C compiler for `rt/`), installing them with apt-get when
//! running as root. Every verb runs it first; it is fast when all is there.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::project::{run_step, step};

/// Where Debian's `llvm-19-dev` installs LLVM 19 (also `LLVM_SYS_191_PREFIX`).
pub const LLVM_PREFIX: &str = "/usr/lib/llvm-19";

/// Files under [`LLVM_PREFIX`] that llvm-sys needs with inkwell's
/// `llvm19-1-prefer-dynamic` feature: llvm-config, the shared library and
/// the LLVM-C headers.
const LLVM_FILES: &[&str] = &["bin/llvm-config", "lib/libLLVM-19.so", "include/llvm-c/Core.h"];

/// The Debian packages that provide LLVM 19 for llvm-sys (static linking
/// also needs Polly, zstd and zlib; installing them keeps that option open).
const LLVM_PACKAGES: &[&str] = &["llvm-19-dev", "libpolly-19-dev", "libzstd-dev", "zlib1g-dev"];

/// The Debian package that provides `cc`.
const C_COMPILER_PACKAGE: &str = "gcc";

/// What set-up found.
pub struct Tools {
    /// The C compiler to build `rt/` with (`$CC`, `cc` or `gcc`).
    pub cc: String,
}

/// Checks for LLVM 19 and a C compiler and installs what is missing.
pub fn ensure() -> Result<Tools> {
    let missing_llvm = missing_llvm_files();
    let cc = find_c_compiler();
    if missing_llvm.is_empty() {
        if let Some(cc) = cc {
            step(format!("setup: LLVM 19 in {LLVM_PREFIX}, C compiler `{cc}`: present"));
            return Ok(Tools { cc });
        }
    }

    let mut packages: Vec<&str> = Vec::new();
    if !missing_llvm.is_empty() {
        step(format!("setup: LLVM 19 is missing ({} not found)", missing_llvm.join(", ")));
        packages.extend(LLVM_PACKAGES);
    }
    if cc.is_none() {
        step("setup: no C compiler found (tried $CC, cc, gcc)");
        packages.push(C_COMPILER_PACKAGE);
    }
    let install = format!("apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y {}", packages.join(" "));
    if !is_root()? {
        return Err(Error::new(format!("setup: missing tools; install them with:\n    sudo sh -c '{install}'")));
    }
    run_step("setup", Command::new("apt-get").arg("update"))?;
    run_step(
        "setup",
        Command::new("apt-get").env("DEBIAN_FRONTEND", "noninteractive").args(["install", "-y"]).args(&packages),
    )?;

    let still_missing = missing_llvm_files();
    if !still_missing.is_empty() {
        return Err(Error::new(format!(
            "setup: installed {} but {} still missing",
            packages.join(" "),
            still_missing.join(", ")
        )));
    }
    let cc = find_c_compiler()
        .ok_or_else(|| Error::new(format!("setup: installed {C_COMPILER_PACKAGE} but still no working `cc`")))?;
    step(format!("setup: LLVM 19 in {LLVM_PREFIX}, C compiler `{cc}`: installed"));
    Ok(Tools { cc })
}

fn missing_llvm_files() -> Vec<String> {
    LLVM_FILES.iter().map(|f| format!("{LLVM_PREFIX}/{f}")).filter(|p| !Path::new(p).exists()).collect()
}

/// The first of `$CC`, `cc`, `gcc` that runs.
fn find_c_compiler() -> Option<String> {
    let from_env = std::env::var("CC").ok().filter(|cc| !cc.trim().is_empty());
    from_env.into_iter().chain(["cc".to_string(), "gcc".to_string()]).find(|cc| {
        Command::new(cc)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Whether we run as root, asked of `id -u` (no libc call needed).
fn is_root() -> Result<bool> {
    let output =
        Command::new("id").arg("-u").output().map_err(|e| Error::new(format!("setup: cannot run `id -u`: {e}")))?;
    Ok(String::from_utf8_lossy(&output.stdout).trim() == "0")
}
