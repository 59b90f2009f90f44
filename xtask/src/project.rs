//! Where things are (repository root, target directory, the `lull` binary)
//! and how child processes are started and reported.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

use crate::error::{Error, IoContext, Result};
use crate::setup::LLVM_PREFIX;

/// The repository and its build directory.
pub struct Project {
    /// The repository root (the workspace's directory).
    pub root: PathBuf,
    /// Cargo's target directory: `$CARGO_TARGET_DIR` when set, else `target/`.
    pub target_dir: PathBuf,
}

impl Project {
    pub fn locate() -> Result<Project> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or_else(|| Error::new("xtask's manifest directory has no parent"))?
            .to_path_buf();
        let target_dir = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if !dir.is_empty() => {
                let dir = PathBuf::from(dir);
                if dir.is_absolute() {
                    dir
                } else {
                    // Cargo resolves a relative CARGO_TARGET_DIR against the
                    // directory it runs in; ours run in the root.
                    std::env::current_dir().with_context(|| "reading the current directory".to_string())?.join(dir)
                }
            }
            _ => root.join("target"),
        };
        Ok(Project { root, target_dir })
    }

    /// A `cargo` command run in the repository root, with the LLVM prefix
    /// and the target directory passed explicitly.
    pub fn cargo(&self) -> Command {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        let mut cmd = Command::new(cargo);
        cmd.current_dir(&self.root).env("LLVM_SYS_191_PREFIX", LLVM_PREFIX).env("CARGO_TARGET_DIR", &self.target_dir);
        cmd
    }

    /// The release `lull` binary (as built by [`Project::build_lull`]).
    pub fn lull_release(&self) -> PathBuf {
        self.target_dir.join("release").join("lull")
    }

    /// Builds the `lull` binary in the release profile and returns its path.
    pub fn build_lull(&self) -> Result<PathBuf> {
        let mut cmd = self.cargo();
        cmd.args(["build", "--release", "--package", "lull", "--bin", "lull"]);
        run_step("build lull (release)", &mut cmd)?;
        let bin = self.lull_release();
        if !bin.is_file() {
            return Err(Error::new(format!("cargo built lull but {} does not exist", bin.display())));
        }
        Ok(bin)
    }
}

/// Prints one line saying what xtask does now.
pub fn step(message: impl std::fmt::Display) {
    eprintln!("xtask: {message}");
}

/// Runs `cmd` with inherited standard streams after printing its command
/// line; an error names `what` when it cannot start or exits non-zero.
pub fn run_step(what: &str, cmd: &mut Command) -> Result<()> {
    step(format!("{what}: {}", command_line(cmd)));
    let status = cmd.status().with_context(|| format!("{what}: cannot run {}", command_line(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!("{what}: `{}` failed ({})", command_line(cmd), describe_status(status))))
    }
}

/// "exit status 1" or "killed by signal 9".
pub fn describe_status(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        (None, None) => "unknown status".to_string(),
    }
}

/// The program and arguments of `cmd`, quoted for a POSIX shell.
pub fn command_line(cmd: &Command) -> String {
    let program = Path::new(cmd.get_program());
    // Show cargo and system tools by their short name, other programs in full.
    let program = match program.file_name() {
        Some(name) if name == "cargo" => name.to_string_lossy().into_owned(),
        _ => program.to_string_lossy().into_owned(),
    };
    std::iter::once(program)
        .chain(cmd.get_args().map(|a| a.to_string_lossy().into_owned()))
        .map(|a| shell_quote(&a))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `arg` quoted for a POSIX shell when it needs quoting.
pub fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty() && arg.chars().all(|c| c.is_alphanumeric() || "-_./=:,+@%{}".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(shell_quote("nf/foo.lc"), "nf/foo.lc");
        assert_eq!(shell_quote("λx.x"), "λx.x");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
