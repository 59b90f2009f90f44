//! Resource limits, run statistics and the interpreter's errors.

use std::fmt;
use std::time::Duration;

/// Resource limits of one run (`None`: unlimited).
#[derive(Clone, Debug, Default)]
pub struct Limits {
    /// Closure entries: β-reductions (a function entered with enough
    /// arguments) and thunk evaluations (`--max-steps`).
    pub max_steps: Option<u64>,
    /// Bytes of the interpreter's own accounting of live memory
    /// (`--max-memory`); see Note [Memory accounting] in `value.rs`.
    pub max_memory: Option<u64>,
    /// Wall-clock time (`--timeout`), checked every few thousand steps.
    pub timeout: Option<Duration>,
}

/// What a run used.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Closure entries (see [`Limits::max_steps`]).
    pub steps: u64,
    /// The peak of the memory accounting, in bytes.
    pub peak_memory: u64,
}

/// Which limit stopped a run, with the limit's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LimitHit {
    /// The step limit ([`Limits::max_steps`]), in closure entries.
    Steps(u64),
    /// The memory limit ([`Limits::max_memory`]), in bytes.
    Memory(u64),
    /// The wall-clock time limit ([`Limits::timeout`]).
    Timeout(Duration),
}

/// Why a run failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvalError {
    /// A resource limit stopped the run.
    Limit(LimitHit),
    /// A thunk was re-entered while being evaluated: `<<loop>>`.
    Loop,
    /// A run-time error: `error` in the program, a failed primitive, a type
    /// confusion (`case` on a function, applying a constructor, ...), or a
    /// malformed module.
    Runtime {
        /// What went wrong.
        msg: String,
        /// The source location of the failing `error`, when known.
        loc: Option<String>,
    },
    /// The program called `exit` with this status (0..=255): not an error
    /// to report, the run just ends with it (output already flushed).
    Exit(i32),
}

impl EvalError {
    /// A run-time error without a location.
    pub fn runtime(msg: impl Into<String>) -> EvalError {
        EvalError::Runtime { msg: msg.into(), loc: None }
    }
}

/// `256 MiB`, `3 GiB`, `1000 bytes`: the largest binary unit that divides
/// the amount exactly.
pub fn format_bytes(n: u64) -> String {
    const UNITS: [(u64, &str); 4] = [(1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, name) in UNITS {
        if n >= size && n.is_multiple_of(size) {
            return format!("{} {name}", n / size);
        }
    }
    format!("{n} bytes")
}

impl fmt::Display for LimitHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitHit::Steps(n) => write!(f, "step limit of {n} reached (--max-steps)"),
            LimitHit::Memory(n) => write!(f, "memory limit of {} reached (--max-memory)", format_bytes(*n)),
            LimitHit::Timeout(d) => write!(f, "time limit of {} s reached (--timeout)", d.as_secs_f64()),
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Limit(hit) => hit.fmt(f),
            EvalError::Loop => f.write_str("<<loop>>"),
            EvalError::Runtime { msg, loc: Some(loc) } => write!(f, "{loc}: {msg}"),
            EvalError::Runtime { msg, loc: None } => f.write_str(msg),
            EvalError::Exit(status) => write!(f, "exit with status {status}"),
        }
    }
}

impl std::error::Error for EvalError {}

impl From<LimitHit> for EvalError {
    fn from(h: LimitHit) -> EvalError {
        EvalError::Limit(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages() {
        assert_eq!(LimitHit::Steps(1000).to_string(), "step limit of 1000 reached (--max-steps)");
        assert_eq!(LimitHit::Memory(256 << 20).to_string(), "memory limit of 256 MiB reached (--max-memory)");
        assert_eq!(LimitHit::Memory(1000).to_string(), "memory limit of 1000 bytes reached (--max-memory)");
        assert_eq!(LimitHit::Timeout(Duration::from_secs(2)).to_string(), "time limit of 2 s reached (--timeout)");
        assert_eq!(
            LimitHit::Timeout(Duration::from_millis(500)).to_string(),
            "time limit of 0.5 s reached (--timeout)"
        );
        assert_eq!(EvalError::Loop.to_string(), "<<loop>>");
        let e = EvalError::Runtime { msg: "boom".into(), loc: Some("f.lull:3:4".into()) };
        assert_eq!(e.to_string(), "f.lull:3:4: boom");
    }
}
