//! Normal forms and conversion as library calls: [`nf`] and [`conv`] take
//! Core terms built in memory, compile them natively, run them with
//! limits, and return the normal form or the verdict, with limits and
//! errors as values (for a proof assistant's conversion check, say).
//!
//! Each call compiles, links and runs an executable in a temporary
//! directory: the runtime prints the normal form as its node list
//! (Note [Normal forms for a library caller] in `rt/src/nf_print.c`), read
//! back here into an [`Nf`] exactly (names of any bytes, float bits).

use std::fmt;
use std::process::Command;

use lull_middle::closure_conv::closure_convert;
use lull_middle::core::interp::Limits;
use lull_middle::core::ir::{GlobalId, Module};
use lull_middle::core::nf::Nf;
use lull_middle::core::verify::verify_module;

use crate::link::{link_executable, RtVariant};
use crate::run::{Mode, RunArgs};
use crate::{compile_objects, Error, Program};

/// A Core term: the definition `entry` of `module`.
#[derive(Clone, Copy, Debug)]
pub struct Term<'a> {
    /// The module holding the term and everything it refers to.
    pub module: &'a Module,
    /// The definition that is the term.
    pub entry: GlobalId,
}

/// Why [`nf`] or [`conv`] gave no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NfError {
    /// The module is not valid Core: the verifier's or closure
    /// conversion's messages.
    Malformed(String),
    /// A limit stopped the run; the message names it (`step limit of 1000
    /// reached (--max-steps)`).
    Limit(String),
    /// Evaluation failed: `error`, a failed match, a loop (`<<loop>>`);
    /// the runtime's message.
    Runtime(String),
    /// Compiling, linking or running the native code failed.
    Backend(Error),
}

impl fmt::Display for NfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NfError::Malformed(m) => write!(f, "malformed Core: {m}"),
            NfError::Limit(m) | NfError::Runtime(m) => f.write_str(m),
            NfError::Backend(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for NfError {}

/// The full normal form of `term`, evaluated natively within `limits`
/// (steps, bytes of heap and stacks, wall-clock time; as the reference
/// interpreter's `normalise` takes them).
pub fn nf(term: Term<'_>, limits: &Limits) -> Result<Nf, NfError> {
    let out = run(&[term], Mode::Nf, limits)?;
    read_nodes(&out).map_err(|why| NfError::Backend(Error::Run(format!("unreadable normal form: {why}"))))
}

/// Do `a` and `b` have the same normal form (up to renaming of bound
/// variables)? Both are evaluated in lock-step and the comparison stops
/// at the first difference, within `limits` for the two together.
pub fn conv(a: Term<'_>, b: Term<'_>, limits: &Limits) -> Result<bool, NfError> {
    let out = run(&[a, b], Mode::Conv, limits)?;
    match out.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(NfError::Backend(Error::Run(format!("unexpected verdict {other:?}")))),
    }
}

/// Compiles the terms as the entries of one program, runs it in `mode`
/// and returns its standard output.
fn run(terms: &[Term<'_>], mode: Mode, limits: &Limits) -> Result<String, NfError> {
    let mut flats = Vec::new();
    for t in terms {
        verify_module(t.module).map_err(|errors| {
            NfError::Malformed(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
        })?;
        if t.module.defs.get(t.entry.index()).is_none() {
            return Err(NfError::Malformed(format!("no definition {}", t.entry)));
        }
        flats.push(closure_convert(t.module).map_err(|e| NfError::Malformed(e.to_string()))?);
    }
    let program = Program::new(flats.iter().collect(), terms.iter().enumerate().map(|(i, t)| (i, t.entry)).collect());
    let objects = compile_objects(&program).map_err(NfError::Backend)?;
    let dir = tempfile::Builder::new()
        .prefix("lull-nf-")
        .tempdir()
        .map_err(|e| NfError::Backend(Error::Run(format!("cannot create a temporary directory: {e}"))))?;
    let exe = link_executable(&objects, dir.path(), RtVariant::Normal).map_err(NfError::Backend)?;
    let mut args = RunArgs::new(mode);
    args.max_steps = limits.max_steps;
    args.max_memory = limits.max_memory;
    args.timeout = limits.timeout;
    let out = Command::new(&exe)
        .args(args.to_args())
        .arg("--nodes")
        .output()
        .map_err(|e| NfError::Backend(Error::Run(format!("cannot run {}: {e}", exe.display()))))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let message = || stderr.trim_end().strip_prefix("error: ").unwrap_or(stderr.trim_end()).to_string();
    match out.status.code() {
        Some(0) => String::from_utf8(out.stdout)
            .map_err(|_| NfError::Backend(Error::Run("the normal form is not UTF-8".into()))),
        Some(1) => Err(NfError::Runtime(message())),
        Some(2) => Err(NfError::Limit(message())),
        _ => Err(NfError::Backend(Error::Run(format!("the native program failed ({}): {}", out.status, message())))),
    }
}

/// Reads a node list back into a normal form, without recursion on its
/// depth: the nodes are taken last to first, each popping its children.
fn read_nodes(text: &str) -> Result<Nf, String> {
    fn pop(stack: &mut Vec<Nf>, n: usize) -> Result<Vec<Nf>, String> {
        if stack.len() < n {
            return Err(format!("a node needs {n} children, {} are there", stack.len()));
        }
        Ok(stack.drain(stack.len() - n..).rev().collect())
    }
    let mut stack: Vec<Nf> = Vec::new();
    for line in text.lines().rev() {
        let mut words = line.split(' ');
        let kind = words.next().unwrap_or("");
        let mut next = || words.next().ok_or_else(|| format!("short line {line:?}"));
        let num = |w: &str| w.parse::<u64>().map_err(|_| format!("bad number in {line:?}"));
        let node = match kind {
            "L" => {
                let n = num(next()?)?;
                let id = num(next()?)?;
                let ids = (id..id + n).map(|i| u32::try_from(i).map_err(|_| "binder id too big".to_string()));
                let ids = ids.collect::<Result<Vec<u32>, String>>()?;
                let body = pop(&mut stack, 1)?.remove(0);
                Nf::Lam(ids, Box::new(body))
            }
            "B" => Nf::Bound(u32::try_from(num(next()?)?).map_err(|_| "binder id too big".to_string())?),
            "F" => Nf::Free(unhex(next()?)?),
            "A" => {
                let n = num(next()?)? as usize;
                let mut parts = pop(&mut stack, n + 1)?;
                let head = parts.remove(0);
                Nf::App(Box::new(head), parts)
            }
            "C" => {
                let n = num(next()?)? as usize;
                let name = unhex(next()?)?;
                Nf::Con(name, pop(&mut stack, n)?)
            }
            "I" => Nf::Int(next()?.parse().map_err(|_| format!("bad integer in {line:?}"))?),
            "D" => Nf::Float(f64::from_bits(
                u64::from_str_radix(next()?, 16).map_err(|_| format!("bad float in {line:?}"))?,
            )),
            _ => return Err(format!("unknown node {line:?}")),
        };
        stack.push(node);
    }
    match (stack.pop(), stack.is_empty()) {
        (Some(t), true) => Ok(t),
        (None, _) => Err("no node".into()),
        (Some(_), false) => Err("more than one term".into()),
    }
}

fn unhex(h: &str) -> Result<String, String> {
    if h.len() % 2 != 0 {
        return Err(format!("odd hex {h:?}"));
    }
    let bytes = (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).map_err(|_| format!("bad hex {h:?}")))
        .collect::<Result<Vec<u8>, String>>()?;
    String::from_utf8(bytes).map_err(|_| format!("a name that is not UTF-8: {h:?}"))
}

#[cfg(test)]
mod tests {
    use super::read_nodes;
    use lull_middle::core::nf::Nf;

    #[test]
    fn node_lists_read_back_exactly() {
        // λ a b. a (F "x y") (Cons 1 (-2.5))
        let text = "L 2 0\nA 2\nB 0\nF 7820 79\nC 2 436f6e73\nI 1\nD c004000000000000\n".replace("7820 79", "782079");
        let t = read_nodes(&text).unwrap();
        assert_eq!(t.to_string(), "λ a b. a x y (Cons 1 (-2.5))");
        let Nf::Lam(_, body) = &t else { panic!() };
        let Nf::App(_, args) = &**body else { panic!() };
        assert_eq!(args[0], Nf::Free("x y".into()));
        assert!(read_nodes("A 1\nB 0\n").is_err());
        assert!(read_nodes("I 1\nI 2\n").is_err());
        assert!(read_nodes("Q\n").is_err());
        assert!(read_nodes("").is_err());
    }
}
