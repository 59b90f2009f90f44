//! Command-line arguments (clap).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(name = "lull", version, about = "Lull: a compiler toolkit for lazy functional languages")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Normalise a λ term to full β-normal form and print it.
    Nf(NfArgs),
    /// Answer whether two λ terms have the same β-normal form (`true`/`false`).
    Conv(ConvArgs),
    /// Print an intermediate form of a program.
    Emit(EmitArgs),
    /// Run a program and print its value.
    Run(RunArgs),
    /// Check a Lull program (names, types, and what lowering to Core needs,
    /// like the type `read` returns); silent when it compiles.
    Check(CheckArgs),
    /// Compile a λ program or a Core module into a standalone executable
    /// that prints its normal form (it takes --max-steps, --max-memory in
    /// bytes, --timeout, --stats and --discard).
    Build(BuildArgs),
}

/// A λ program: a file, or a term given with `-e`.
#[derive(Args, Debug)]
pub struct TermInput {
    /// The term itself instead of a file name.
    #[arg(short = 'e', long = "expr", value_name = "TERM", conflicts_with = "file")]
    pub expr: Option<String>,
    /// A λ program (`*.lc`): definitions `name = term;` then a term.
    #[arg(value_name = "FILE", required_unless_present = "expr")]
    pub file: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct LimitArgs {
    /// Stop after N closure entries (β-reductions and thunk evaluations).
    #[arg(long, value_name = "N")]
    pub max_steps: Option<u64>,
    /// Stop when the program's heap and stacks exceed SIZE (e.g. 256M, 2G).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "4G")]
    pub max_memory: u64,
    /// Stop after SECONDS of wall-clock time (fractions allowed).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<Duration>,
    /// Print steps and peak memory to standard error.
    #[arg(long)]
    pub stats: bool,
}

#[derive(Args, Debug)]
pub struct NfArgs {
    #[command(flatten)]
    pub input: TermInput,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Use the reference interpreter instead of native code.
    #[arg(long)]
    pub interp: bool,
    /// Build the whole normal form but print only its size in nodes (for
    /// benchmarks whose normal forms are tens of megabytes).
    #[arg(long)]
    pub discard: bool,
}

#[derive(Args, Debug)]
pub struct ConvArgs {
    /// A and B are terms rather than file names.
    #[arg(short = 'e', long = "expr")]
    pub expr: bool,
    /// The first term (a file, or a term with `-e`).
    #[arg(value_name = "A")]
    pub a: String,
    /// The second term (a file, or a term with `-e`).
    #[arg(value_name = "B")]
    pub b: String,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Use the reference interpreter instead of native code.
    #[arg(long)]
    pub interp: bool,
}

#[derive(Args, Debug)]
#[group(id = "stage", required = true, multiple = false)]
pub struct EmitArgs {
    /// Print Core IR in its text form.
    #[arg(long, group = "stage")]
    pub core: bool,
    /// Print Flat IR: the program after closure conversion.
    #[arg(long, group = "stage")]
    pub flat: bool,
    /// Print the LLVM IR of the program (after the optimisation and
    /// statepoint passes).
    #[arg(long = "llvm-ir", group = "stage")]
    pub llvm_ir: bool,
    /// Print the x86-64 assembly of the program.
    #[arg(long, group = "stage")]
    pub asm: bool,
    /// Print the type of each top-level binding of a Lull program
    /// (`name :: type`, in source order).
    #[arg(long, group = "stage")]
    pub types: bool,
    #[command(flatten)]
    pub input: TermInput,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The program is Core IR in its text form (`*.core`, its normal form
    /// is printed); without it, FILE is a Lull program (`*.lull`).
    #[arg(long)]
    pub core: bool,
    /// The program.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Use the reference interpreter instead of native code.
    #[arg(long)]
    pub interp: bool,
    /// Compile the library with the program, as one crate, instead of
    /// linking the library crate compiled once (a Lull program).
    #[arg(long, conflicts_with = "interp")]
    pub whole: bool,
    /// The arguments of a Lull program (`getArgs`), after `--`.
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// A Lull program (`*.lull`), a λ program (`*.lc`) or a Core module
    /// (`*.core`, entry `main`).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The executable to write (default: FILE without its extension; with
    /// --crate, libNAME.so beside FILE).
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Build a crate for a host to load (a shared object exporting the
    /// module's functions; see rt/include/lull_embed.h) instead of an
    /// executable. Lull modules only.
    #[arg(long = "crate")]
    pub krate: bool,
    /// Link the runtime as a shared library, liblull_rt.so, written beside
    /// the executable (default: linked in statically).
    #[arg(long = "shared-rt", conflicts_with = "krate")]
    pub shared_rt: bool,
    /// Compile the library with the program, as one crate, instead of
    /// linking the library crate compiled once (Lull programs and modules).
    #[arg(long)]
    pub whole: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// A Lull program (`*.lull`).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// `123`, `64K`, `256M`, `2G` (powers of 1024; a trailing `B`/`iB` is allowed).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let t = t.strip_suffix("iB").or_else(|| t.strip_suffix('B')).unwrap_or(t);
    let (digits, shift) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return Err(format!("unknown size unit `{c}` (use K, M, G or T)")),
            };
            (&t[..i], shift)
        }
        _ => (t, 0),
    };
    let n: u64 = digits.parse().map_err(|_| format!("`{s}` is not a size such as 256M or 2G"))?;
    n.checked_mul(1u64 << shift).ok_or_else(|| format!("`{s}` is too large"))
}

/// Non-negative, finite seconds, fractions allowed.
pub fn parse_seconds(s: &str) -> Result<Duration, String> {
    let x: f64 = s.trim().parse().map_err(|_| format!("`{s}` is not a number of seconds"))?;
    Duration::try_from_secs_f64(x).map_err(|_| format!("`{s}` is not a valid number of seconds"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("123"), Ok(123));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("256M"), Ok(256 << 20));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("12X").is_err());
        assert!(parse_size("").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("99999999999T").is_err());
    }

    #[test]
    fn seconds() {
        assert_eq!(parse_seconds("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("nan").is_err());
        assert!(parse_seconds("x").is_err());
    }
}
