//! The reference interpreter for Core: it defines what every Lull program
//! means; the native back end must agree with it.
//!
//! * [`normalise`] evaluates a top-level definition and reads it back to
//!   full normal form ([`Nf`]): under binders (a function is applied to
//!   fresh rigid variables), into rigid spines and constructor fields.
//! * [`conv`] decides whether two definitions (of two modules) have the
//!   same β-normal form up to renaming of bound variables, comparing lazily
//!   and stopping at the first difference.
//!
//! # How it works
//!
//! 1. `compile.rs` turns Core into a code tree with resolved variable
//!    access: every λ and thunk is a flat closure capturing exactly its free
//!    variables; locals live in numbered slots of a frame; top-level
//!    definitions are accessed by index; strict operands get hidden slots.
//! 2. `machine.rs` runs an eval/apply machine (STG-like, with a Krivine
//!    argument stack) over that code with explicit heap stacks: locals,
//!    pending arguments, and continuation frames (update, case, strict
//!    let). Objects (`value.rs`) are reference counted; thunks are updated
//!    with their value (call-by-need) and blackholed while evaluated.
//! 3. `readback.rs` drives the machine to read values back (or compare
//!    them), with its own explicit worklist.
//!
//! Nothing recurses on the depth of a term at run time: evaluation,
//! read-back, `conv`, and dropping objects (long lists, chains of thunks)
//! all use heap stacks (Note [No recursion on term depth] in `core/mod.rs`;
//! Note [Dropping deep structures] in `value.rs`). The compiler does
//! recurse on the depth of the *Core* term, like the verifier; every run
//! therefore happens on a thread of the interpreter's own with a
//! [`THREAD_STACK`]-byte stack, and the compiler reports a run-time error
//! before using it up.
//!
//! # Semantics in brief
//!
//! Lazy `let`, `letrec`, application arguments and `Value` constructor
//! fields build thunks (atoms, λs and constructors with atom fields need
//! none); `case` scrutinees, strict `let`, primitive operands and unboxed
//! constructor fields are evaluated first, left to right. A `case` with only
//! a default accepts any value (it just forces); otherwise the scrutinee
//! must be a constructor of the alternatives' data type or a literal of
//! their representation, else a run-time error names what was found
//! (function, rigid term, ...). Float literal patterns match by IEEE `==`.
//! Applying a rigid term extends its spine; applying a constructor or a
//! literal is a run-time error. Integer arithmetic wraps, shifts take their
//! amount modulo 64, `iquot`/`irem` by zero or of `i64::MIN` by -1 are
//! run-time errors naming the operation. String literals unpack lazily
//! (each tail is a thunk; forcing one counts as a step). `putchar` writes
//! UTF-8 to standard output (buffered; flushed at the end of the run,
//! before errors and before reading input), `getchar` reads one UTF-8 code
//! point (-1 at end of input, U+FFFD for a malformed sequence); both force
//! their token operand and return it. A token is any value: programs
//! receive theirs as an argument (under `normalise`, a rigid variable).
//! Every `Value` operand of a primitive is forced (`contag`/`dataid` read
//! the constructor of the forced value, -1 for anything else). The handle
//! primitives (`hputchar`, `hgetchar`, `hflush`, `hclose`, `pathchar`,
//! `hopen`) use handle 0 for standard input, 1 for standard output (the
//! `putchar` buffer), 2 for standard error (unbuffered) and 3 on for files;
//! `exit` flushes everything and ends the run with [`EvalError::Exit`];
//! `argcount`/`argchar` see the arguments given to [`run_io`] (none
//! elsewhere). `fshowchar` and `fdec` are [`crate::core::numeric`].
//!
//! # Limits
//!
//! Steps count closure entries: each function entry with enough arguments
//! (one β-reduction, whatever the arity) and each thunk evaluation
//! (including the CAFs and string tails). The timeout is checked every 4096
//! steps; memory (Note [Memory accounting] in `value.rs`) every 64 steps and at
//! every read-back node, so a run stops within a few KiB of its limit.

//! # Performance
//!
//! Measured in release mode on the 2-core machine (CPU time): the λ
//! benchmark `bench.lc` (215 million steps: 129M β-reductions, 86M thunk
//! evaluations) takes about 14 s and 3 MB; `nat5m.lc` normalises in about
//! 1.5 s (its 10-million-node normal form dominates memory: ~480 MB
//! accounted); `conv nat5m nat5m-b` about 1.6 s and 3 MB. The time goes to
//! `malloc`/`free` and reference counting of one heap object per thunk and
//! PAP; an arena heap with a copying collector is the next step if the
//! interpreter must get faster.

mod compile;
mod limits;
mod machine;
mod procs;
mod readback;
mod value;

#[cfg(test)]
mod tests;

pub use limits::{format_bytes, EvalError, LimitHit, Limits, Stats};

use crate::core::ir::{GlobalId, Module};
use crate::core::nf::Nf;
use machine::{Io, Machine};

/// The stack size of the interpreter's thread (reserved, touched only as
/// deep as the compiler recurses).
pub const THREAD_STACK: usize = 256 << 20;

/// Run `f` on a thread with a [`THREAD_STACK`]-byte stack.
fn on_interp_thread<T: Send>(f: impl FnOnce() -> Result<T, Box<EvalError>> + Send) -> Result<T, EvalError> {
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new()
            .name("lull-interp".into())
            .stack_size(THREAD_STACK)
            .spawn_scoped(s, f)
            .map_err(|e| EvalError::runtime(format!("cannot start the interpreter's thread: {e}")))?;
        match handle.join() {
            Ok(r) => r.map_err(|e| *e),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Evaluate the top-level definition `entry` of `module` and read it back
/// to full normal form.
pub fn normalise(module: &Module, entry: GlobalId, limits: &Limits) -> Result<(Nf, Stats), EvalError> {
    normalise_with_io(module, entry, limits, Io::stdio)
}

fn normalise_with_io(
    module: &Module,
    entry: GlobalId,
    limits: &Limits,
    io: impl FnOnce() -> Io + Send,
) -> Result<(Nf, Stats), EvalError> {
    on_interp_thread(move || {
        let prog = compile::compile(&[module]);
        let root = prog.global(0, entry)?;
        let mut m = Machine::new(&prog, limits, io());
        let r = m.check_memory().and_then(|()| {
            let v = m.globals[root as usize].clone();
            readback::normalise(&mut m, v)
        });
        m.flush();
        let stats = m.stats();
        drop(m);
        r.map(|nf| (nf, stats))
    })
}

/// Run the IO program `entry` of `module`: apply it to a token (the IO
/// token: a value the effectful primitives take and give back), evaluate
/// the application to weak head normal form and discard the value, then
/// flush standard output and the files still open. `args` are the
/// program's arguments (`argcount`, `argchar`), `prog_name` its name
/// (`argchar(t, -1, j)`, Haskell's `getProgName`).
///
/// Errors are those of [`normalise`] (output written before them is
/// flushed first); a call of the `exit` primitive ends the run with
/// [`EvalError::Exit`], which a driver turns into that exit status without
/// printing anything.
pub fn run_io(
    module: &Module,
    entry: GlobalId,
    limits: &Limits,
    args: &[String],
    prog_name: &str,
) -> Result<Stats, EvalError> {
    let io = || {
        let mut io = Io::stdio();
        io.args = args.to_vec();
        io.prog_name = prog_name.to_string();
        io
    };
    run_io_with(module, entry, limits, io)
}

fn run_io_with(
    module: &Module,
    entry: GlobalId,
    limits: &Limits,
    io: impl FnOnce() -> Io + Send,
) -> Result<Stats, EvalError> {
    on_interp_thread(move || {
        let prog = compile::compile(&[module]);
        let root = prog.global(0, entry)?;
        let mut m = Machine::new(&prog, limits, io());
        let r = m.check_memory().and_then(|()| {
            let f = m.globals[root as usize].clone();
            let (_, token) = m.fresh_rigid();
            m.apply(f, vec![token]).map(drop)
        });
        // A run that ends normally keeps its pending output; one that
        // fails drops it (Note [Pending output] in rt/src/io.c).
        if r.is_ok() {
            m.commit(true);
        }
        m.flush_all();
        let stats = m.stats();
        drop(m);
        r.map(|()| stats)
    })
}

/// Do the definitions `a_entry` of `a` and `b_entry` of `b` have the same
/// β-normal form (up to renaming of bound variables)? Both are read back
/// lazily in lock-step (when both are functions, they are applied to the
/// same fresh rigid variable) and the comparison stops at the first
/// difference, without building either normal form. Constructors compare
/// by name, floats bitwise.
pub fn conv(
    a: &Module,
    a_entry: GlobalId,
    b: &Module,
    b_entry: GlobalId,
    limits: &Limits,
) -> Result<(bool, Stats), EvalError> {
    on_interp_thread(move || {
        let prog = compile::compile(&[a, b]);
        let ra = prog.global(0, a_entry)?;
        let rb = prog.global(1, b_entry)?;
        let mut m = Machine::new(&prog, limits, Io::stdio());
        let r = m.check_memory().and_then(|()| {
            let va = m.globals[ra as usize].clone();
            let vb = m.globals[rb as usize].clone();
            readback::conv(&mut m, va, vb)
        });
        m.flush();
        let stats = m.stats();
        drop(m);
        r.map(|same| (same, stats))
    })
}
