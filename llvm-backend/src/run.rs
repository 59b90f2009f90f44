//! Running a program natively: compile to an object, link it with the C
//! runtime into a temporary directory, and run the executable.
//!
//! The executable's command line is the runtime's (see `lull_rt_start` in
//! `rt/include/lull_rt.h` and the header of `rt/src/main.c`): the mode
//! (`nf`, `nf-each`, `conv` or `io`), then `--max-steps N`,
//! `--max-memory BYTES` (a plain integer), `--timeout SECONDS` (decimal),
//! `--stats` and `--discard`, each only when asked for; in `io` mode also
//! `--prog-name NAME`, then `--` and the program's own arguments. The child inherits
//! standard input, output and error: the runtime prints the normal form, the
//! statistics and its error messages itself, and exits 0 on success, 1 on a
//! run-time error and 2 when a limit stops the run.
//!
//! Environment variables:
//!
//! - `LULL_RT=asan` links the runtime built with
//!   `-fsanitize=address,undefined` ([`RtVariant::Asan`]), `LULL_RT=shared`
//!   the shared runtime (written beside the executable, [`RtVariant::Shared`]);
//!   unset (or `LULL_RT=normal`) links the normal static one.
//! - `LULL_KEEP=DIR` links in `DIR` (created if needed) instead of a
//!   temporary directory, and keeps the object (`program.o`, its stack-map
//!   section already renamed), the runtime library and the executable
//!   (`program`) there, for debugging: `DIR/program nf` runs it again.
//! - `LULL_TIMING=1` prints the time of each step (compile, link, run) to
//!   standard error.
//!
//! Every other variable (such as the runtime's `LULL_GC_STRESS`) reaches the
//! program unchanged.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use crate::link::{link_executable, RtVariant};
use crate::{compile_objects, Error, Program};

/// What the runtime does with the program's entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Normalise the one entry and print its normal form.
    Nf,
    /// Normalise every entry in order, in one run, and print each normal
    /// form on a line of its own (the first failure ends the run).
    NfEach,
    /// Compare the normal forms of the two entries; print `true` or `false`.
    Conv,
    /// Run the one entry as an IO program: apply it to the IO token and
    /// evaluate the application to weak head normal form (the value is
    /// dropped); the program's output is all there is. Exit status 0, or
    /// the program's own (the `exit` primitive); a run-time error prints
    /// `PROG: MESSAGE` and exits 1, a limit `error: ...` and exits 2.
    Io,
}

/// The run-time arguments of a native run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunArgs {
    /// What the runtime does with the entries.
    pub mode: Mode,
    /// Stop after N closure entries.
    pub max_steps: Option<u64>,
    /// Stop when heap and stacks exceed this many bytes.
    pub max_memory: Option<u64>,
    /// Stop after this much wall-clock time.
    pub timeout: Option<Duration>,
    /// Print steps and peak memory to standard error.
    pub stats: bool,
    /// Build the whole normal form but print only its size.
    pub discard: bool,
    /// [`Mode::Io`]: the program's own arguments (`argcount`, `argchar`).
    pub prog_args: Vec<String>,
    /// [`Mode::Io`]: the program's name (`argchar(t, -1, j)`, Haskell's
    /// `getProgName`, and the prefix of its error messages); `None`: the
    /// executable's file name (`program`).
    pub prog_name: Option<String>,
}

impl RunArgs {
    /// Arguments for `mode` with no limits and no flags.
    pub fn new(mode: Mode) -> RunArgs {
        RunArgs {
            mode,
            max_steps: None,
            max_memory: None,
            timeout: None,
            stats: false,
            discard: false,
            prog_args: Vec::new(),
            prog_name: None,
        }
    }

    /// Arguments for an IO program ([`Mode::Io`]) with these program
    /// arguments and no limits.
    pub fn io(prog_args: Vec<String>, prog_name: Option<String>) -> RunArgs {
        RunArgs { prog_args, prog_name, ..RunArgs::new(Mode::Io) }
    }

    /// The executable's command line (without the program name).
    pub fn to_args(&self) -> Vec<String> {
        let mut args = vec![match self.mode {
            Mode::Nf => "nf".to_string(),
            Mode::NfEach => "nf-each".to_string(),
            Mode::Conv => "conv".to_string(),
            Mode::Io => "io".to_string(),
        }];
        if let Some(n) = self.max_steps {
            args.extend(["--max-steps".to_string(), n.to_string()]);
        }
        if let Some(n) = self.max_memory {
            args.extend(["--max-memory".to_string(), n.to_string()]);
        }
        if let Some(t) = self.timeout {
            // f64's Display never uses an exponent: `0.25`, `3`, `1e-9` is `0.000000001`.
            args.extend(["--timeout".to_string(), t.as_secs_f64().to_string()]);
        }
        if self.stats {
            args.push("--stats".to_string());
        }
        if self.discard {
            args.push("--discard".to_string());
        }
        if self.mode == Mode::Io {
            if let Some(name) = &self.prog_name {
                args.extend(["--prog-name".to_string(), name.clone()]);
            }
            args.push("--".to_string());
            args.extend(self.prog_args.iter().cloned());
        }
        args
    }
}

/// The runtime variant `LULL_RT` asks for.
pub fn rt_variant_from_env() -> Result<RtVariant, Error> {
    match std::env::var("LULL_RT") {
        Err(std::env::VarError::NotPresent) => Ok(RtVariant::Normal),
        Ok(v) if v.is_empty() || v == "normal" => Ok(RtVariant::Normal),
        Ok(v) if v == "asan" => Ok(RtVariant::Asan),
        Ok(v) if v == "shared" => Ok(RtVariant::Shared),
        Ok(v) => Err(Error::Run(format!("LULL_RT={v:?}: the runtime variants are `normal`, `asan` and `shared`"))),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Error::Run("LULL_RT is not valid UTF-8: the runtime variants are `normal`, `asan` and `shared`".into()))
        }
    }
}

/// Where to link: a temporary directory (removed when dropped) or the
/// `LULL_KEEP` directory.
enum LinkDir {
    Temp(tempfile::TempDir),
    Kept(PathBuf),
}

impl LinkDir {
    fn from_env() -> Result<LinkDir, Error> {
        match std::env::var_os("LULL_KEEP").filter(|d| !d.is_empty()) {
            Some(dir) => {
                let dir = PathBuf::from(dir);
                std::fs::create_dir_all(&dir)
                    .map_err(|e| Error::Run(format!("LULL_KEEP: cannot create {}: {e}", dir.display())))?;
                Ok(LinkDir::Kept(dir))
            }
            None => tempfile::Builder::new()
                .prefix("lull-")
                .tempdir()
                .map(LinkDir::Temp)
                .map_err(|e| Error::Run(format!("cannot create a temporary directory to link in: {e}"))),
        }
    }

    fn path(&self) -> &Path {
        match self {
            LinkDir::Temp(t) => t.path(),
            LinkDir::Kept(p) => p,
        }
    }
}

/// Compiles `program`, links it with the runtime (the variant `LULL_RT`
/// names) and runs it with `args`, its standard streams inherited. Returns
/// the child's exit status; the program's output and messages have gone to
/// the inherited streams. See the module documentation for the environment
/// variables.
pub fn run_native(program: &Program<'_>, args: &RunArgs) -> Result<ExitStatus, Error> {
    let timing = std::env::var_os("LULL_TIMING").is_some_and(|v| v == "1");
    let variant = rt_variant_from_env()?;
    let start = Instant::now();
    let objects = crate_objects(program)?;
    let compiled = Instant::now();
    let dir = LinkDir::from_env()?;
    let exe = link_executable(&objects, dir.path(), variant)?;
    let linked = Instant::now();
    let status = Command::new(&exe)
        .args(args.to_args())
        .status()
        .map_err(|e| Error::Run(format!("cannot run the native program {}: {e}", exe.display())))?;
    let ran = Instant::now();
    if timing {
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
        eprintln!(
            "timing: compile {:.1} ms, link {:.1} ms, run {:.1} ms",
            ms(start, compiled),
            ms(compiled, linked),
            ms(linked, ran)
        );
    }
    drop(dir);
    Ok(status)
}

/// Compiles `program` and links it with the runtime (the variant
/// `LULL_RT` selects) into the executable `out`. Run without arguments, the
/// executable prints the normal form of the program's first entry; it takes
/// the runtime's options (`--max-steps N`, `--max-memory BYTES`,
/// `--timeout SECONDS`, `--stats`, `--discard`).
pub fn build_native(program: &Program<'_>, out: &Path) -> Result<(), Error> {
    build_executable(program, out, false, rt_variant_from_env()?)
}

/// Links `objects` with the runtime `variant` in a temporary directory and
/// copies the executable to `out`.
fn link_to(objects: &[Vec<u8>], out: &Path, variant: RtVariant) -> Result<(), Error> {
    let dir = tempfile::Builder::new()
        .prefix("lull-")
        .tempdir()
        .map_err(|e| Error::Run(format!("cannot create a temporary directory to link in: {e}")))?;
    let exe = link_executable(objects, dir.path(), variant)?;
    std::fs::copy(&exe, out).map_err(|e| Error::Link(format!("cannot write {}: {e}", out.display())))?;
    if variant == RtVariant::Shared {
        // The executable finds the runtime beside itself ($ORIGIN).
        let beside =
            out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).join(variant.archive_name());
        std::fs::write(&beside, variant.archive())
            .map_err(|e| Error::Link(format!("cannot write {}: {e}", beside.display())))?;
    }
    Ok(())
}

/// The objects to link for `program`: its own, compiled, and those of the
/// crates it imports from.
fn crate_objects(program: &Program<'_>) -> Result<Vec<Vec<u8>>, Error> {
    let mut objects = compile_objects(program)?;
    objects.extend(program.linkage.deps.iter().map(|d| d.object.to_vec()));
    Ok(objects)
}

/// Compiles the IO program `program` (its first entry is `main`, a
/// function of the IO token; see [`Mode::Io`]) and links it with the
/// runtime (the variant `LULL_RT` selects) into the executable `out`.
/// The executable runs in io mode on its own: every command-line argument
/// is the program's (`./out a b` has the two arguments `a` and `b`), none
/// is the runtime's; its name (`argchar(t, -1, j)`) is the basename of
/// the path it was started by. Its limits come from the environment:
/// `LULL_MAX_MEMORY=BYTES` (default 4 GiB) and `LULL_MAX_STEPS=N`.
pub fn build_native_io(program: &Program<'_>, out: &Path) -> Result<(), Error> {
    build_executable(program, out, true, rt_variant_from_env()?)
}

/// Builds the executable `out`: the start stub, `program`'s objects and the
/// runtime `variant` (for [`RtVariant::Shared`], `liblull_rt.so` is written
/// beside `out`). `io`: an IO program, whose command line is all its own
/// (as [`build_native_io`]); else the runtime's (as [`build_native`]).
pub fn build_executable(program: &Program<'_>, out: &Path, io: bool, variant: RtVariant) -> Result<(), Error> {
    let mut objects = crate_objects(program)?;
    if io {
        objects.push(crate::codegen::io_marker_object()?);
    }
    link_to(&objects, out, variant)
}

/// Builds the shared crate `out` from `program` (its exports, for a host:
/// `rt/include/lull_embed.h`): no start stub, no runtime.
pub fn build_crate(program: &Program<'_>, out: &Path) -> Result<(), Error> {
    let objects = crate_objects(program)?;
    let dir = tempfile::Builder::new()
        .prefix("lull-")
        .tempdir()
        .map_err(|e| Error::Run(format!("cannot create a temporary directory to link in: {e}")))?;
    let so = crate::link::link_crate(&objects, dir.path(), "crate.so")?;
    std::fs::copy(&so, out).map_err(|e| Error::Link(format!("cannot write {}: {e}", out.display())))?;
    Ok(())
}

/// Compiles, links and runs the IO program `program` (see [`Mode::Io`])
/// with the program arguments `prog_args`, the program name `prog_name`
/// (`None`: `program`) and the limits of `limits` (its `mode`, `prog_args`
/// and `prog_name` are ignored); the standard streams are inherited.
/// Returns the child's exit status: 0, the program's own `exit` status, 1
/// for a run-time error (`PROG: MESSAGE` on standard error), 2 for a limit.
pub fn run_native_io(
    program: &Program<'_>,
    prog_args: &[String],
    prog_name: Option<&str>,
    limits: &RunArgs,
) -> Result<ExitStatus, Error> {
    let args = RunArgs {
        mode: Mode::Io,
        prog_args: prog_args.to_vec(),
        prog_name: prog_name.map(str::to_string),
        discard: false,
        ..limits.clone()
    };
    run_native(program, &args)
}
