//! The evaluator: an eval/apply machine with explicit stacks.
//!
//! State: the code being evaluated or the value being returned ([`Mode`]),
//! and five stacks/registers:
//!
//! * `locals`: the values of the frames (see `compile.rs`); `eb` is where
//!   the current frame's captured values start, `lb` where its parameters
//!   and binders start, `lbase` the lowest slot that a tail call may
//!   discard;
//! * `args`: pending arguments, the first argument on top; `argbase`
//!   separates the arguments of the current evaluation from those of the
//!   evaluations waiting below;
//! * `conts`: continuation frames ([`Frame`]): update, case and strict-let
//!   frames, each remembering the registers to restore.
//!
//! ### Note [Update frames and blackholing]
//!
//! Entering a pending thunk replaces its state by `Blackhole`, moves its
//! environment onto the locals stack as a fresh frame, and pushes an update
//! frame that records the registers of the context that demanded it
//! (`argbase` in particular: arguments waiting to be applied to the thunk's
//! value stay on the argument stack, invisible to the thunk's code). When a
//! value comes back to the update frame, the thunk's state becomes
//! `Done(value)` (call-by-need: later uses share it) and the value goes on
//! to the context, which may apply it to the waiting arguments. Entering a
//! `Blackhole` means the thunk's value depends on itself: `<<loop>>`. After
//! an error the machine is discarded, so thunks left blackholed by an
//! aborted evaluation are never seen again.
//!
//! ### Note [Sharing of CAFs]
//!
//! The global table holds, per top-level definition, either a closure with
//! an empty environment (a λ) or one thunk (a CAF). Code refers to globals
//! by index, so every use of a CAF enters the same thunk: it is evaluated at
//! most once per run and its value is shared, like any thunk's. Globals are
//! never captured, so they create no reference cycles.
//!
//! ### Note [Tail calls and the locals stack]
//!
//! An application pushes its (lazily built) arguments, then evaluates the
//! function. Entering a closure with enough arguments truncates the locals
//! stack to `lbase` before laying out the new frame, so a chain of tail
//! calls runs in constant space. A `case` scrutinee or strict right-hand
//! side is evaluated above the current frame: the case frame saves `lbase`
//! and sets it to the current top, so that calls inside the scrutinee keep
//! the frame that the alternatives will need. Returning to a frame
//! truncates the locals to where they were when it was pushed.

use super::compile::{Alts, Atom, Build, CaseCode, Code, GlobalCode, Program, StrCode};
use super::limits::{EvalError, LimitHit, Limits, Stats};
use super::procs::{ExitReason, Procs, BLOCK};
use super::value::{alloc, live_bytes, set_thunk, Env, Head, Obj, Thunk, Val};
use crate::core::ir::PrimOp;
use std::io::{Read, Write};
use std::rc::{Rc, Weak};
use std::time::Instant;

/// Continuation frames.
pub(crate) enum Frame<'p> {
    Update { thunk: Rc<Obj<'p>>, top: u32, lbase: u32, argbase: u32 },
    Case { code: &'p CaseCode, top: u32, eb: u32, lb: u32, lbase: u32, argbase: u32 },
    Strict { body: &'p Code, top: u32, eb: u32, lb: u32, lbase: u32, argbase: u32 },
}

pub(crate) enum Mode<'p> {
    Eval(&'p Code),
    /// Return (or, for a thunk, enter) a value.
    Ret(Val<'p>),
}

/// Errors are boxed inside the machine: results stay small on the hot path.
pub(crate) type R<T> = Result<T, Box<EvalError>>;

/// The outside world of a run: standard input and output (`getchar`,
/// `putchar`, handles 0 and 1), standard error (handle 2) and the
/// program's arguments and name (`argcount`, `argchar`).
pub(crate) struct Io {
    pub out: Box<dyn Write>,
    pub inp: Box<dyn Read>,
    pub err: Box<dyn Write>,
    pub args: Vec<String>,
    pub prog_name: String,
}

impl Io {
    pub fn stdio() -> Io {
        Io {
            out: Box::new(std::io::stdout()),
            inp: Box::new(std::io::stdin()),
            err: Box::new(std::io::stderr()),
            args: Vec::new(),
            prog_name: "lull".into(),
        }
    }
}

/// A buffered byte source with UTF-8 decoding.
#[derive(Default)]
pub(crate) struct InBuf {
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
}

impl InBuf {
    fn byte(&mut self, r: &mut dyn Read) -> Option<u8> {
        if self.pos >= self.buf.len() {
            if self.eof {
                return None;
            }
            self.buf.resize(1 << 16, 0);
            self.pos = 0;
            loop {
                match r.read(&mut self.buf) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Ok(0) | Err(_) => {
                        self.buf.clear();
                        self.eof = true;
                        return None;
                    }
                    Ok(n) => {
                        self.buf.truncate(n);
                        break;
                    }
                }
            }
        }
        let b = self.buf.get(self.pos).copied();
        self.pos += 1;
        b
    }

    /// One UTF-8 code point; -1 at end of input; U+FFFD for a malformed
    /// sequence.
    fn char(&mut self, r: &mut dyn Read) -> i64 {
        let Some(b0) = self.byte(r) else { return -1 };
        let (len, init) = match b0 {
            0x00..=0x7F => return b0 as i64,
            0xC2..=0xDF => (1, (b0 & 0x1F) as u32),
            0xE0..=0xEF => (2, (b0 & 0x0F) as u32),
            0xF0..=0xF4 => (3, (b0 & 0x07) as u32),
            _ => return 0xFFFD,
        };
        let mut c = init;
        for _ in 0..len {
            match self.byte(r) {
                Some(b) if b & 0xC0 == 0x80 => c = (c << 6) | (b & 0x3F) as u32,
                _ => return 0xFFFD,
            }
        }
        // Overlong forms are malformed too (as in the runtime's
        // lull_utf8_next).
        let overlong = (len == 2 && c < 0x800) || (len == 3 && c < 0x10000);
        if overlong {
            return 0xFFFD;
        }
        char::from_u32(c).map_or(0xFFFD, |ch| ch as i64)
    }
}

/// A file opened by `hopen`.
enum FileHandle {
    Read(std::fs::File, InBuf),
    Write(std::io::BufWriter<std::fs::File>),
}

/// GHC's text for a failed `openFile`: `PATH: openFile: WHAT (DETAIL)`.
fn open_error(path: &str, e: &std::io::Error) -> String {
    let code = e.raw_os_error().unwrap_or(0);
    let strerror = || {
        let s = std::io::Error::from_raw_os_error(code).to_string();
        match s.rfind(" (os error ") {
            Some(i) => s[..i].to_string(),
            None => s,
        }
    };
    let (what, detail) = match code {
        2 | 20 => ("does not exist", strerror()),
        13 | 1 | 30 => ("permission denied", strerror()),
        21 => ("inappropriate type", "is a directory".to_string()),
        16 | 26 => ("resource busy", strerror()),
        17 => ("already exists", strerror()),
        24 | 23 | 28 => ("resource exhausted", strerror()),
        _ => ("failed", strerror()),
    };
    format!("{path}: openFile: {what} ({detail})")
}

/// The timeout is checked every 4096 steps, memory every 64.
const TIME_CHECK_MASK: u64 = 0xFFF;
const MEMORY_CHECK_MASK: u64 = 0x3F;
/// Pending standard output is committed when it reaches this many
/// characters, as GHC commits its character buffer of that size.
const PENDING_CHARS: usize = 2048;

pub(crate) struct Machine<'p> {
    pub prog: &'p Program,
    pub globals: Vec<Val<'p>>,
    closed: Vec<Val<'p>>,
    pub(super) args: Vec<Val<'p>>,
    pub(super) locals: Vec<Val<'p>>,
    pub(super) conts: Vec<Frame<'p>>,
    pub(super) eb: usize,
    pub(super) lb: usize,
    pub(super) lbase: usize,
    pub(super) argbase: usize,
    /// The procs and channels (Note [Procs in the interpreter]).
    pub(super) procs: Procs<'p>,
    /// How many runs of the evaluator's loop are nested (switches only at 1).
    depth: u32,
    pub steps: u64,
    max_steps: u64,
    max_memory: u64,
    peak: u64,
    start: Instant,
    limits: Limits,
    /// Memory used by the read-back (its stack and the normal form).
    pub extra_bytes: u64,
    letrecs: Vec<Weak<Obj<'p>>>,
    letrec_compact_at: usize,
    io: Io,
    out_buf: Vec<u8>,
    /// Standard output written since the last `HCommit` (Note [Pending
    /// output] in rt/src/io.c), and how many characters it holds.
    pending: Vec<u8>,
    pending_chars: usize,
    /// Whether standard output is being held back (`HCommit` mode 2).
    holding: bool,
    stdin: InBuf,
    files: std::collections::HashMap<i64, FileHandle>,
    next_handle: i64,
    path: String,
    /// The last `fshowchar` operand and its text.
    shown: (f64, Vec<u8>),
    next_rigid: u32,
}

fn frame_bytes() -> u64 {
    std::mem::size_of::<Frame<'static>>() as u64
}

impl<'p> Machine<'p> {
    pub fn new(prog: &'p Program, limits: &Limits, io: Io) -> Machine<'p> {
        let globals = prog
            .globals
            .iter()
            .map(|g| match g {
                GlobalCode::Fun(code) => Val::Ptr(alloc(Obj::Fun { code, env: Env::E0 })),
                GlobalCode::Caf(code) => {
                    Val::Ptr(alloc(Obj::Thunk(std::cell::RefCell::new(Thunk::Pending { code, env: Env::E0 }))))
                }
            })
            .collect();
        let closed = prog.closed.iter().map(|code| Val::Ptr(alloc(Obj::Fun { code, env: Env::E0 }))).collect();
        Machine {
            prog,
            globals,
            closed,
            args: Vec::new(),
            locals: Vec::new(),
            conts: Vec::new(),
            eb: 0,
            lb: 0,
            lbase: 0,
            argbase: 0,
            procs: Procs::default(),
            depth: 0,
            steps: 0,
            max_steps: limits.max_steps.unwrap_or(u64::MAX),
            max_memory: limits.max_memory.unwrap_or(u64::MAX),
            peak: 0,
            start: Instant::now(),
            limits: limits.clone(),
            extra_bytes: 0,
            letrecs: Vec::new(),
            letrec_compact_at: 1024,
            io,
            out_buf: Vec::new(),
            pending: Vec::new(),
            pending_chars: 0,
            holding: false,
            stdin: InBuf::default(),
            files: std::collections::HashMap::new(),
            next_handle: 3,
            path: String::new(),
            shown: (0.0, Vec::new()),
            next_rigid: 0,
        }
    }

    pub fn stats(&self) -> Stats {
        Stats { steps: self.steps, peak_memory: self.peak }
    }

    /// A fresh rigid variable for read-back: its id and the value.
    pub fn fresh_rigid(&mut self) -> (u32, Val<'p>) {
        let id = self.next_rigid;
        self.next_rigid = self.next_rigid.wrapping_add(1);
        (id, Val::Ptr(alloc(Obj::Rigid { head: Head::Bound(id), prev: None, args: Box::new([]) })))
    }

    /// Write buffered output (done at the end of a run and before errors).
    pub fn flush(&mut self) {
        if !self.out_buf.is_empty() {
            let _ = self.io.out.write_all(&self.out_buf);
            self.out_buf.clear();
        }
        let _ = self.io.out.flush();
    }

    /// Makes the pending standard output part of the output (`keep`) or
    /// drops it, and ends the hold.
    pub(super) fn commit(&mut self, keep: bool) {
        self.holding = false;
        if keep {
            self.out_buf.extend_from_slice(&self.pending);
            if self.out_buf.len() >= 1 << 16 {
                self.flush();
            }
        }
        self.pending.clear();
        self.pending_chars = 0;
    }

    /// Flush standard output and every file open for writing.
    pub fn flush_all(&mut self) {
        self.flush();
        for f in self.files.values_mut() {
            if let FileHandle::Write(w) = f {
                let _ = w.flush();
            }
        }
    }

    /// The current memory accounting (see Note [Memory accounting]).
    pub fn memory(&self) -> u64 {
        live_bytes()
            + (self.locals.capacity() + self.args.capacity()) as u64 * super::value::VAL_BYTES
            + self.conts.capacity() as u64 * frame_bytes()
            + self.extra_bytes
    }

    /// Record the peak and check the memory limit.
    #[inline]
    pub fn check_memory(&mut self) -> R<()> {
        let m = self.memory();
        if m > self.peak {
            self.peak = m;
            if m > self.max_memory {
                return Err(EvalError::Limit(LimitHit::Memory(self.max_memory)).into());
            }
        }
        Ok(())
    }

    /// One closure entry.
    #[inline(always)]
    fn tick(&mut self) -> R<()> {
        self.steps += 1;
        if self.steps > self.max_steps || self.steps & MEMORY_CHECK_MASK == 0 {
            return self.tick_slow();
        }
        Ok(())
    }

    #[inline(never)]
    fn tick_slow(&mut self) -> R<()> {
        if self.steps > self.max_steps {
            self.steps = self.max_steps;
            return Err(EvalError::Limit(LimitHit::Steps(self.max_steps)).into());
        }
        if self.steps & TIME_CHECK_MASK == 0 {
            self.check_time()?;
        }
        if self.procs.active {
            self.proc_tick();
            if self.procs.budget_hit.is_some() {
                // The carrier of the budget: exit_reason (procs.rs) reads
                // budget_hit first.
                return Err(EvalError::Loop.into());
            }
        }
        self.check_memory()
    }

    /// The bytes of the evaluator's stacks (the running proc's).
    pub(super) fn stack_bytes(&self) -> u64 {
        (self.locals.capacity() + self.args.capacity()) as u64 * super::value::VAL_BYTES
            + self.conts.capacity() as u64 * frame_bytes()
    }

    pub(super) fn io_prog_name(&self) -> String {
        self.io.prog_name.clone()
    }

    /// Write to standard error (handle 2), unbuffered.
    pub(super) fn write_stderr(&mut self, bytes: &[u8]) {
        self.flush();
        let _ = self.io.err.write_all(bytes);
        let _ = self.io.err.flush();
    }

    pub fn check_time(&self) -> R<()> {
        if let Some(t) = self.limits.timeout {
            if self.start.elapsed() >= t {
                return Err(EvalError::Limit(LimitHit::Timeout(t)).into());
            }
        }
        Ok(())
    }

    /// Evaluate a value to weak head normal form.
    pub fn whnf(&mut self, v: Val<'p>) -> R<Val<'p>> {
        if let Val::Ptr(p) = &v {
            if !matches!(&**p, Obj::Thunk(_)) {
                return Ok(v);
            }
        } else {
            return Ok(v);
        }
        self.run_from(Mode::Ret(v), &[])
    }

    /// Apply a value to arguments and evaluate to weak head normal form.
    pub fn apply(&mut self, f: Val<'p>, args: Vec<Val<'p>>) -> R<Val<'p>> {
        self.run_from(Mode::Ret(f), &args)
    }

    /// Run the machine from a clean context (as seen by the caller) until
    /// the mode returns a value to it.
    fn run_from(&mut self, mode: Mode<'p>, args: &[Val<'p>]) -> R<Val<'p>> {
        let saved = (self.eb, self.lb, self.lbase, self.argbase);
        let base = self.conts.len();
        self.lbase = self.locals.len();
        self.eb = self.lbase;
        self.lb = self.lbase;
        self.argbase = self.args.len();
        self.args.extend(args.iter().rev().cloned());
        let r = self.run(mode, base);
        if r.is_ok() {
            self.locals.truncate(self.lbase);
            (self.eb, self.lb, self.lbase, self.argbase) = saved;
        }
        r
    }

    #[inline]
    fn local(&self, i: usize) -> R<Val<'p>> {
        match self.locals.get(i) {
            Some(v) => Ok(v.clone()),
            None => Err(bad_slot()),
        }
    }

    #[inline(always)]
    fn atom(&self, a: &'p Atom) -> R<Val<'p>> {
        Ok(match a {
            Atom::Cap(i) => self.local(self.eb + *i as usize)?,
            Atom::Loc(i) => self.local(self.lb + *i as usize)?,
            Atom::Global(g) => match self.globals.get(*g as usize) {
                Some(v) => v.clone(),
                None => return Err(rt("reference to a missing top-level definition")),
            },
            Atom::Closed(i) => match self.closed.get(*i as usize) {
                Some(v) => v.clone(),
                None => return Err(rt("internal: missing closed λ")),
            },
            Atom::Int(n) => Val::Int(*n),
            Atom::Float(x) => Val::Float(*x),
            Atom::Free(name) => {
                Val::Ptr(alloc(Obj::Rigid { head: Head::Free(name.clone()), prev: None, args: Box::new([]) }))
            }
        })
    }

    #[inline]
    fn captures(&self, caps: &'p [Atom]) -> R<Env<'p>> {
        Env::build(caps.len(), |i| self.atom(&caps[i]))
    }

    #[inline]
    fn build(&self, b: &'p Build) -> R<Val<'p>> {
        Ok(match b {
            Build::Atom(a) => self.atom(a)?,
            Build::Thunk(code) => {
                let env = self.captures(&code.captures)?;
                Val::Ptr(alloc(Obj::Thunk(std::cell::RefCell::new(Thunk::Pending { code, env }))))
            }
            Build::Lam(code) => {
                let env = self.captures(&code.captures)?;
                Val::Ptr(alloc(Obj::Fun { code, env }))
            }
            Build::Con(con, atoms) => {
                let fields = Env::build(atoms.len(), |i| self.atom(&atoms[i]))?;
                Val::Ptr(alloc(Obj::Con { con: *con, fields }))
            }
            Build::Str(code) => Val::Ptr(alloc(Obj::Thunk(std::cell::RefCell::new(Thunk::Str { code, pos: 0 })))),
        })
    }

    fn str_cell(&self, code: &'p StrCode, pos: u32) -> Val<'p> {
        match code.chars.get(pos as usize) {
            None => Val::Ptr(alloc(Obj::Con { con: code.nil, fields: Env::E0 })),
            Some(&c) => {
                let chr = Val::Ptr(alloc(Obj::Con { con: code.chr, fields: Env::E1([Val::Int(c as i64)]) }));
                let rest = Val::Ptr(alloc(Obj::Thunk(std::cell::RefCell::new(Thunk::Str { code, pos: pos + 1 }))));
                Val::Ptr(alloc(Obj::Con { con: code.cons, fields: Env::E2([chr, rest]) }))
            }
        }
    }

    fn push_frame_regs(&self) -> R<(u32, u32, u32, u32, u32)> {
        let c = |x: usize| u32::try_from(x).map_err(|_| rt("the interpreter's stack is too deep"));
        Ok((c(self.locals.len())?, c(self.eb)?, c(self.lb)?, c(self.lbase)?, c(self.argbase)?))
    }

    /// The main loop: run until a value returns to continuation depth
    /// `base` with no pending arguments.
    fn run(&mut self, mode: Mode<'p>, base: usize) -> R<Val<'p>> {
        self.depth += 1;
        let r = self.run_procs(mode, base);
        self.depth -= 1;
        r
    }

    /// The evaluator's loop, with the scheduler's switches between steps
    /// (Note [Procs in the interpreter] in procs.rs).
    fn run_procs(&mut self, mut mode: Mode<'p>, base: usize) -> R<Val<'p>> {
        let owner = self.procs.cur;
        loop {
            if self.procs.switch_due && self.depth == 1 {
                mode = self.reschedule(mode)?;
            }
            let b = if self.procs.cur == owner { base } else { 0 };
            match self.step(mode, b) {
                Ok(Ok(m)) => mode = m,
                Ok(Err(v)) => {
                    if self.procs.cur == owner {
                        return Ok(v);
                    }
                    mode = self.end_proc(ExitReason::Normal)?;
                }
                Err(e) => {
                    if self.procs.cur == owner || self.depth != 1 {
                        return Err(e);
                    }
                    match self.exit_reason(&e) {
                        Some(why) => mode = self.end_proc(why)?,
                        None => return Err(e),
                    }
                }
            }
        }
    }

    /// One step: the next mode, or `Err(v)` when the value `v` reaches the
    /// frame at `base` (the run is over).
    #[inline(always)]
    fn step(&mut self, mode: Mode<'p>, base: usize) -> R<Result<Mode<'p>, Val<'p>>> {
        {
            Ok(Ok(match mode {
                Mode::Eval(code) => self.eval(code)?,
                Mode::Ret(Val::Ptr(p)) => {
                    let pending = self.args.len() - self.argbase;
                    match &*p {
                        Obj::Thunk(cell) => self.enter_thunk(&p, cell)?,
                        _ if pending == 0 => match self.pop_frame(Val::Ptr(p), base)? {
                            Ok(m) => m,
                            Err(v) => return Ok(Err(v)),
                        },
                        Obj::Fun { code, env } => {
                            let arity = code.arity as usize;
                            if pending >= arity {
                                self.tick()?;
                                self.locals.truncate(self.lbase);
                                self.eb = self.lbase;
                                self.locals.extend(env.as_slice().iter().cloned());
                                self.lb = self.locals.len();
                                for _ in 0..arity {
                                    match self.args.pop() {
                                        Some(a) => self.locals.push(a),
                                        None => return Err(rt("internal: argument stack underflow")),
                                    }
                                }
                                Mode::Eval(&code.body)
                            } else {
                                let code = *code;
                                let args = self.pop_args_env(pending);
                                Mode::Ret(Val::Ptr(alloc(Obj::Pap { fun: Val::Ptr(p.clone()), code, args })))
                            }
                        }
                        Obj::Pap { fun, code, args } => {
                            if args.len() + pending < code.arity as usize {
                                let mut all = args.as_slice().to_vec();
                                all.extend(self.pop_args(pending).into_vec());
                                let (fun, code) = (fun.clone(), *code);
                                let args = Env::build(all.len(), |i| Ok::<_, ()>(all[i].clone())).unwrap_or(Env::E0);
                                Mode::Ret(Val::Ptr(alloc(Obj::Pap { fun, code, args })))
                            } else {
                                self.args.extend(args.as_slice().iter().rev().cloned());
                                Mode::Ret(fun.clone())
                            }
                        }
                        Obj::Rigid { head, .. } => {
                            let head = head.clone();
                            let args = self.pop_args(pending);
                            Mode::Ret(Val::Ptr(alloc(Obj::Rigid { head, prev: Some(p.clone()), args })))
                        }
                        Obj::Con { .. } => {
                            return Err(rt(format!(
                                "cannot apply a constructor ({}) to arguments",
                                describe(&Val::Ptr(p.clone()), self.prog)
                            )));
                        }
                    }
                }
                Mode::Ret(v) => {
                    if self.args.len() > self.argbase {
                        return Err(rt(format!("cannot apply a literal ({}) to arguments", describe(&v, self.prog))));
                    }
                    match self.pop_frame(v, base)? {
                        Ok(m) => m,
                        Err(v) => return Ok(Err(v)),
                    }
                }
            }))
        }
    }

    /// Pop `n` pending arguments, first argument first.
    fn pop_args(&mut self, n: usize) -> Box<[Val<'p>]> {
        let at = self.args.len().saturating_sub(n);
        let mut v: Vec<Val<'p>> = self.args.drain(at..).collect();
        v.reverse();
        v.into_boxed_slice()
    }

    /// Pop `n` pending arguments as an environment, first argument first.
    #[inline]
    fn pop_args_env(&mut self, n: usize) -> Env<'p> {
        let mut pop = || self.args.pop().unwrap_or(Val::Int(0));
        match n {
            0 => Env::E0,
            1 => Env::E1([pop()]),
            2 => {
                let a = pop();
                Env::E2([a, pop()])
            }
            3 => {
                let a = pop();
                let b = pop();
                Env::E3([a, b, pop()])
            }
            _ => Env::Heap(self.pop_args(n)),
        }
    }

    fn enter_thunk(&mut self, p: &Rc<Obj<'p>>, cell: &std::cell::RefCell<Thunk<'p>>) -> R<Mode<'p>> {
        {
            let st = cell.borrow();
            match &*st {
                Thunk::Done(w) => return Ok(Mode::Ret(w.clone())),
                Thunk::Blackhole => {
                    return match self.wait_blackhole(p)? {
                        Some(m) => Ok(m),
                        None => Err(EvalError::Loop.into()),
                    };
                }
                Thunk::Pending { .. } | Thunk::Str { .. } => {}
            }
        }
        self.tick()?;
        match set_thunk(cell, Thunk::Blackhole) {
            Thunk::Pending { code, env } => {
                let (top, _, _, lbase, argbase) = self.push_frame_regs()?;
                self.conts.push(Frame::Update { thunk: p.clone(), top, lbase, argbase });
                self.lbase = self.locals.len();
                self.argbase = self.args.len();
                self.eb = self.lbase;
                env.push_into(&mut self.locals);
                self.lb = self.locals.len();
                Ok(Mode::Eval(&code.body))
            }
            Thunk::Str { code, pos } => {
                let cell_val = self.str_cell(code, pos);
                set_thunk(cell, Thunk::Done(cell_val.clone()));
                Ok(Mode::Ret(cell_val))
            }
            Thunk::Done(_) | Thunk::Blackhole => Err(rt("internal: thunk state changed")),
        }
    }

    /// Give a value (in weak head normal form, no pending arguments) to the
    /// top continuation frame. `Err(v)`: the run is over, `v` is its value.
    fn pop_frame(&mut self, v: Val<'p>, base: usize) -> R<Result<Mode<'p>, Val<'p>>> {
        if self.conts.len() <= base {
            return Ok(Err(v));
        }
        let Some(frame) = self.conts.pop() else {
            return Ok(Err(v));
        };
        Ok(Ok(match frame {
            Frame::Update { thunk, top, lbase, argbase } => {
                if let Obj::Thunk(cell) = &*thunk {
                    set_thunk(cell, Thunk::Done(v.clone()));
                }
                self.locals.truncate(top as usize);
                self.lbase = lbase as usize;
                self.argbase = argbase as usize;
                Mode::Ret(v)
            }
            Frame::Strict { body, top, eb, lb, lbase, argbase } => {
                self.locals.truncate(top as usize);
                (self.eb, self.lb, self.lbase, self.argbase) =
                    (eb as usize, lb as usize, lbase as usize, argbase as usize);
                self.locals.push(v);
                Mode::Eval(body)
            }
            Frame::Case { code, top, eb, lb, lbase, argbase } => {
                self.locals.truncate(top as usize);
                (self.eb, self.lb, self.lbase, self.argbase) =
                    (eb as usize, lb as usize, lbase as usize, argbase as usize);
                self.select(code, v)?
            }
        }))
    }

    fn select(&mut self, code: &'p CaseCode, v: Val<'p>) -> R<Mode<'p>> {
        match &code.alts {
            Alts::None => {
                self.locals.push(v);
                code.default.as_ref().map(Mode::Eval).ok_or_else(|| rt("a case has no alternatives"))
            }
            Alts::Con { data, by_tag } => {
                let Val::Ptr(p) = &v else {
                    return Err(rt(format!("case over a data type on {}", describe(&v, self.prog))));
                };
                let Obj::Con { con, fields } = &**p else {
                    return Err(rt(format!("case over a data type on {}", describe(&v, self.prog))));
                };
                let info = self.prog.cons.get(*con as usize).ok_or_else(|| rt("internal: constructor"))?;
                if info.data != *data {
                    return Err(rt(format!(
                        "case over data type {} on constructor {} of type {}",
                        self.prog.data_names.get(*data as usize).map_or("?", |s| s.as_str()),
                        info.name,
                        self.prog.data_names.get(info.data as usize).map_or("?", |s| s.as_str())
                    )));
                }
                let first = self.prog.cons.iter().position(|c| c.data == *data).unwrap_or(0);
                let tag = *con as usize - first;
                match by_tag.get(tag) {
                    Some(Some((n, body))) => {
                        if *n as usize != fields.len() {
                            return Err(rt("internal: field count"));
                        }
                        self.locals.push(v.clone());
                        self.locals.extend(fields.as_slice().iter().cloned());
                        Ok(Mode::Eval(body))
                    }
                    _ => {
                        self.locals.push(v);
                        code.default
                            .as_ref()
                            .map(Mode::Eval)
                            .ok_or_else(|| rt(format!("no case alternative matches constructor {}", info.name)))
                    }
                }
            }
            Alts::Int(alts) => {
                let Val::Int(n) = v else {
                    return Err(rt(format!("case over integers on {}", describe(&v, self.prog))));
                };
                self.locals.push(v);
                match alts.iter().find(|(m, _)| *m == n) {
                    Some((_, body)) => Ok(Mode::Eval(body)),
                    None => code
                        .default
                        .as_ref()
                        .map(Mode::Eval)
                        .ok_or_else(|| rt(format!("no case alternative matches {n}"))),
                }
            }
            Alts::Float(alts) => {
                let Val::Float(x) = v else {
                    return Err(rt(format!("case over floats on {}", describe(&v, self.prog))));
                };
                self.locals.push(v);
                match alts.iter().find(|(m, _)| *m == x) {
                    Some((_, body)) => Ok(Mode::Eval(body)),
                    None => code
                        .default
                        .as_ref()
                        .map(Mode::Eval)
                        .ok_or_else(|| rt(format!("no case alternative matches {x:?}"))),
                }
            }
        }
    }

    #[inline]
    fn eval(&mut self, code: &'p Code) -> R<Mode<'p>> {
        Ok(match code {
            Code::Atom(a) => Mode::Ret(self.atom(a)?),
            Code::App(f, args) => {
                for b in args.iter().rev() {
                    let v = self.build(b)?;
                    self.args.push(v);
                }
                Mode::Eval(f)
            }
            Code::Lam(lc) => {
                let env = self.captures(&lc.captures)?;
                Mode::Ret(Val::Ptr(alloc(Obj::Fun { code: lc, env })))
            }
            Code::Let(b, body) => {
                let v = self.build(b)?;
                self.locals.push(v);
                Mode::Eval(body)
            }
            Code::Strict(rhs, body) => {
                let (top, eb, lb, lbase, argbase) = self.push_frame_regs()?;
                self.conts.push(Frame::Strict { body, top, eb, lb, lbase, argbase });
                self.lbase = self.locals.len();
                self.argbase = self.args.len();
                Mode::Eval(rhs)
            }
            Code::Case(cc) => {
                let (top, eb, lb, lbase, argbase) = self.push_frame_regs()?;
                self.conts.push(Frame::Case { code: cc, top, eb, lb, lbase, argbase });
                self.lbase = self.locals.len();
                self.argbase = self.args.len();
                Mode::Eval(&cc.scrut)
            }
            Code::Con(con, builds) => {
                let fields = Env::build(builds.len(), |i| self.build(&builds[i]))?;
                Mode::Ret(Val::Ptr(alloc(Obj::Con { con: *con, fields })))
            }
            Code::Str(sc) => Mode::Ret(self.str_cell(sc, 0)),
            Code::LetRec(builds, body) => {
                self.letrec(builds)?;
                Mode::Eval(body)
            }
            Code::Prim(op, atoms) => {
                let mut out = [Val::Int(0), Val::Int(0)];
                let n = self.prim(*op, atoms, &mut out)?;
                if n == BLOCK {
                    return self.block(code);
                }
                if n != 1 {
                    return Err(rt(format!("primitive {op} has {n} results but is used as an expression")));
                }
                let [v, _] = out;
                Mode::Ret(v)
            }
            Code::PrimBind(op, atoms, body) => {
                let mut out = [Val::Int(0), Val::Int(0)];
                let n = self.prim(*op, atoms, &mut out)?;
                if n == BLOCK {
                    return self.block(code);
                }
                for v in out.into_iter().take(n) {
                    self.locals.push(v);
                }
                Mode::Eval(body)
            }
            Code::Error(e) => {
                self.flush();
                return Err(Box::new(EvalError::Runtime { msg: e.0.clone(), loc: e.1.clone() }));
            }
        })
    }

    fn letrec(&mut self, builds: &'p [Build]) -> R<()> {
        let start = self.locals.len();
        for _ in builds {
            let cell = alloc(Obj::Thunk(std::cell::RefCell::new(Thunk::Blackhole)));
            self.letrecs.push(Rc::downgrade(&cell));
            self.locals.push(Val::Ptr(cell));
        }
        for (i, b) in builds.iter().enumerate() {
            let state = match b {
                Build::Thunk(code) => Thunk::Pending { code, env: self.captures(&code.captures)? },
                Build::Str(code) => Thunk::Str { code, pos: 0 },
                b => Thunk::Done(self.build(b)?),
            };
            if let Some(Val::Ptr(p)) = self.locals.get(start + i) {
                if let Obj::Thunk(cell) = &**p {
                    set_thunk(cell, state);
                }
            }
        }
        if self.letrecs.len() >= self.letrec_compact_at {
            self.letrecs.retain(|w| w.strong_count() > 0);
            self.letrec_compact_at = (self.letrecs.len() * 2).max(1024);
        }
        Ok(())
    }

    fn prim(&mut self, op: PrimOp, atoms: &'p [Atom], out: &mut [Val<'p>; 2]) -> R<usize> {
        use PrimOp::*;
        let arg = |m: &Self, i: usize| -> R<Val<'p>> {
            match atoms.get(i) {
                Some(a) => m.atom(a),
                None => Err(rt(format!("primitive {op} is missing operand {}", i + 1))),
            }
        };
        let int = |m: &Self, i: usize| -> R<i64> {
            match arg(m, i)? {
                Val::Int(n) => Ok(n),
                v => Err(rt(format!("primitive {op}: operand {} is {}, not an i64", i + 1, describe(&v, m.prog)))),
            }
        };
        let flt = |m: &Self, i: usize| -> R<f64> {
            match arg(m, i)? {
                Val::Float(x) => Ok(x),
                v => Err(rt(format!("primitive {op}: operand {} is {}, not an f64", i + 1, describe(&v, m.prog)))),
            }
        };
        let b = |c: bool| Val::Int(c as i64);
        let r = match op {
            IAdd => Val::Int(int(self, 0)?.wrapping_add(int(self, 1)?)),
            ISub => Val::Int(int(self, 0)?.wrapping_sub(int(self, 1)?)),
            IMul => Val::Int(int(self, 0)?.wrapping_mul(int(self, 1)?)),
            IQuot | IRem => {
                let (x, y) = (int(self, 0)?, int(self, 1)?);
                if y == 0 {
                    self.flush();
                    return Err(rt(format!("{op}: division by zero")));
                }
                if x == i64::MIN && y == -1 {
                    self.flush();
                    return Err(rt(format!("{op}: overflow ({x} / -1)")));
                }
                Val::Int(if op == IQuot { x / y } else { x % y })
            }
            INeg => Val::Int(int(self, 0)?.wrapping_neg()),
            IAnd => Val::Int(int(self, 0)? & int(self, 1)?),
            IOr => Val::Int(int(self, 0)? | int(self, 1)?),
            IXor => Val::Int(int(self, 0)? ^ int(self, 1)?),
            IShl => Val::Int(int(self, 0)?.wrapping_shl((int(self, 1)? & 63) as u32)),
            IShr => Val::Int(int(self, 0)?.wrapping_shr((int(self, 1)? & 63) as u32)),
            IEq => b(int(self, 0)? == int(self, 1)?),
            INe => b(int(self, 0)? != int(self, 1)?),
            ILt => b(int(self, 0)? < int(self, 1)?),
            ILe => b(int(self, 0)? <= int(self, 1)?),
            IGt => b(int(self, 0)? > int(self, 1)?),
            IGe => b(int(self, 0)? >= int(self, 1)?),
            FAdd => Val::Float(flt(self, 0)? + flt(self, 1)?),
            FSub => Val::Float(flt(self, 0)? - flt(self, 1)?),
            FMul => Val::Float(flt(self, 0)? * flt(self, 1)?),
            FDiv => Val::Float(flt(self, 0)? / flt(self, 1)?),
            FNeg => Val::Float(-flt(self, 0)?),
            FEq => b(flt(self, 0)? == flt(self, 1)?),
            FNe => b(flt(self, 0)? != flt(self, 1)?),
            FLt => b(flt(self, 0)? < flt(self, 1)?),
            FLe => b(flt(self, 0)? <= flt(self, 1)?),
            FGt => b(flt(self, 0)? > flt(self, 1)?),
            FGe => b(flt(self, 0)? >= flt(self, 1)?),
            IToF => Val::Float(int(self, 0)? as f64),
            FToI => Val::Int(flt(self, 0)? as i64),
            PutChar => {
                let tok = arg(self, 0)?;
                let c = int(self, 1)?;
                let ch = u32::try_from(c).ok().and_then(char::from_u32);
                let Some(ch) = ch else {
                    self.flush();
                    return Err(rt(format!("putchar: {c} is not a Unicode scalar value")));
                };
                let mut buf = [0u8; 4];
                self.out_buf.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                if self.out_buf.len() >= 1 << 16 {
                    self.flush();
                }
                tok
            }
            GetChar => {
                let tok = arg(self, 0)?;
                let c = self.read_char();
                out[0] = tok;
                out[1] = Val::Int(c);
                return Ok(2);
            }
            ConTag | DataId => match arg(self, 0)? {
                Val::Ptr(p) => match &*p {
                    Obj::Con { con, .. } => {
                        let info = self.prog.cons.get(*con as usize).ok_or_else(|| rt("internal: constructor"))?;
                        Val::Int(if op == ConTag { info.tag } else { info.local_data } as i64)
                    }
                    _ => Val::Int(-1),
                },
                _ => Val::Int(-1),
            },
            FSqrt => Val::Float(flt(self, 0)?.sqrt()),
            FExp => Val::Float(flt(self, 0)?.exp()),
            FLog => Val::Float(flt(self, 0)?.ln()),
            FSin => Val::Float(flt(self, 0)?.sin()),
            FCos => Val::Float(flt(self, 0)?.cos()),
            FTan => Val::Float(flt(self, 0)?.tan()),
            FAtan2 => Val::Float(flt(self, 0)?.atan2(flt(self, 1)?)),
            FPow => Val::Float(flt(self, 0)?.powf(flt(self, 1)?)),
            FShowChar => {
                let (x, i) = (flt(self, 0)?, int(self, 1)?);
                if self.shown.0.to_bits() != x.to_bits() || self.shown.1.is_empty() {
                    self.shown = (x, crate::core::numeric::show_double(x).into_bytes());
                }
                // The text is ASCII: a byte is a character.
                Val::Int(usize::try_from(i).ok().and_then(|i| self.shown.1.get(i)).map_or(-1, |b| *b as i64))
            }
            FDec => Val::Float(crate::core::numeric::dec_to_double(int(self, 0)?, int(self, 1)?)),
            UniProp => Val::Int(crate::core::unicode::property(int(self, 0)?, int(self, 1)?)),
            HPutChar => {
                let tok = arg(self, 0)?;
                let (h, c) = (int(self, 1)?, int(self, 2)?);
                self.put_to(op, h, c)?;
                tok
            }
            HGetChar => {
                let tok = arg(self, 0)?;
                let h = int(self, 1)?;
                let c = self.get_from(op, h)?;
                out[0] = tok;
                out[1] = Val::Int(c);
                return Ok(2);
            }
            HCommit => {
                let tok = arg(self, 0)?;
                if int(self, 1)? == 1 {
                    let mode = int(self, 2)?;
                    self.commit(mode != 0);
                    self.holding = mode == 2;
                }
                tok
            }
            HFlush => {
                let tok = arg(self, 0)?;
                match int(self, 1)? {
                    1 => {
                        self.commit(true);
                        self.flush();
                    }
                    0 | 2 => {}
                    h => match self.files.get_mut(&h) {
                        Some(FileHandle::Write(w)) => {
                            let _ = w.flush();
                        }
                        Some(FileHandle::Read(..)) => {}
                        None => return Err(self.bad_handle(op, h, "flushing")),
                    },
                }
                tok
            }
            HClose => {
                let tok = arg(self, 0)?;
                let h = int(self, 1)?;
                if let Some(FileHandle::Write(mut w)) = self.files.remove(&h) {
                    let _ = w.flush();
                }
                tok
            }
            PathChar => {
                let tok = arg(self, 0)?;
                let c = int(self, 1)?;
                let Some(ch) = u32::try_from(c).ok().and_then(char::from_u32) else {
                    self.flush();
                    return Err(rt(format!("{op}: {c} is not a Unicode scalar value")));
                };
                self.path.push(ch);
                tok
            }
            HOpen => {
                let tok = arg(self, 0)?;
                let mode = int(self, 1)?;
                let h = self.open(mode)?;
                out[0] = tok;
                out[1] = Val::Int(h);
                return Ok(2);
            }
            Exit => {
                let _tok = arg(self, 0)?;
                let status = int(self, 1)?;
                self.commit(true);
                self.flush_all();
                return Err(Box::new(EvalError::Exit((status & 255) as i32)));
            }
            ArgCount => {
                let tok = arg(self, 0)?;
                out[0] = tok;
                out[1] = Val::Int(self.io.args.len() as i64);
                return Ok(2);
            }
            ArgChar => {
                let tok = arg(self, 0)?;
                let (i, j) = (int(self, 1)?, int(self, 2)?);
                out[0] = tok;
                out[1] = Val::Int(self.arg_char(i, j));
                return Ok(2);
            }
            Spawn => {
                let tok = arg(self, 0)?;
                let action = arg(self, 1)?;
                let (memory, ticks) = (int(self, 2)?, int(self, 3)?);
                out[1] = Val::Int(self.prim_spawn(action, memory, ticks)?);
                out[0] = tok;
                return Ok(2);
            }
            ProcSelf | NewChan => {
                out[0] = arg(self, 0)?;
                out[1] = Val::Int(if op == ProcSelf { self.prim_self() } else { self.prim_newchan() });
                return Ok(2);
            }
            Send => {
                let tok = arg(self, 0)?;
                let c = int(self, 1)?;
                let v = arg(self, 2)?;
                self.prim_send(c, v)?;
                tok
            }
            Recv => {
                let tok = arg(self, 0)?;
                let c = int(self, 1)?;
                let Some(v) = self.prim_recv(c)? else { return Ok(BLOCK) };
                out[0] = tok;
                out[1] = v;
                return Ok(2);
            }
            Wait => {
                let tok = arg(self, 0)?;
                let pid = int(self, 1)?;
                let Some(k) = self.prim_wait(pid)? else { return Ok(BLOCK) };
                out[0] = tok;
                out[1] = Val::Int(k);
                return Ok(2);
            }
            ExitChar => {
                let tok = arg(self, 0)?;
                let (pid, j) = (int(self, 1)?, int(self, 2)?);
                out[1] = Val::Int(self.prim_exit_char(pid, j)?);
                out[0] = tok;
                return Ok(2);
            }
            Yield => {
                if self.procs.active {
                    self.procs.switch_due = true;
                }
                arg(self, 0)?
            }
        };
        out[0] = r;
        Ok(1)
    }

    /// One UTF-8 code point from standard input; -1 at end of input;
    /// U+FFFD for a malformed sequence.
    fn read_char(&mut self) -> i64 {
        // Output written so far should be visible before we block on input.
        self.flush();
        self.stdin.char(&mut *self.io.inp)
    }

    /// Write a code point to a handle (`hputchar`).
    fn put_to(&mut self, op: PrimOp, h: i64, c: i64) -> R<()> {
        let Some(ch) = u32::try_from(c).ok().and_then(char::from_u32) else {
            self.flush();
            return Err(rt(format!("{op}: {c} is not a Unicode scalar value")));
        };
        let mut buf = [0u8; 4];
        let bytes = ch.encode_utf8(&mut buf).as_bytes();
        match h {
            1 if self.holding => {
                self.pending.extend_from_slice(bytes);
                self.pending_chars += 1;
                if self.pending_chars >= PENDING_CHARS {
                    self.commit(true);
                    self.holding = true;
                }
            }
            1 => {
                self.out_buf.extend_from_slice(bytes);
                if self.out_buf.len() >= 1 << 16 {
                    self.flush();
                }
            }
            2 => {
                self.procs.note_stderr(bytes);
                let _ = self.io.err.write_all(bytes);
                let _ = self.io.err.flush();
            }
            _ => match self.files.get_mut(&h) {
                Some(FileHandle::Write(w)) => {
                    if let Err(e) = w.write_all(bytes) {
                        self.flush();
                        return Err(rt(format!("{op}: cannot write to handle {h}: {e}")));
                    }
                }
                _ => return Err(self.bad_handle(op, h, "writing")),
            },
        }
        Ok(())
    }

    #[cold]
    fn bad_handle(&mut self, op: PrimOp, h: i64, what: &str) -> Box<EvalError> {
        self.flush();
        rt(format!("{op}: handle {h} is not open for {what}"))
    }

    /// Read a code point from a handle (`hgetchar`).
    fn get_from(&mut self, op: PrimOp, h: i64) -> R<i64> {
        if h == 0 {
            return Ok(self.read_char());
        }
        match self.files.get_mut(&h) {
            Some(FileHandle::Read(f, buf)) => Ok(buf.char(f)),
            _ => Err(self.bad_handle(op, h, "reading")),
        }
    }

    fn open(&mut self, mode: i64) -> R<i64> {
        use std::fs::OpenOptions;
        let path = std::mem::take(&mut self.path);
        let mut o = OpenOptions::new();
        match mode {
            0 => o.read(true),
            1 => o.write(true).create(true).truncate(true),
            2 => o.append(true).create(true),
            _ => {
                self.flush();
                return Err(rt(format!("hopen: bad mode {mode}")));
            }
        };
        let opened = o.open(&path).and_then(|f| {
            if f.metadata()?.is_dir() {
                Err(std::io::Error::from_raw_os_error(21))
            } else {
                Ok(f)
            }
        });
        let f = match opened {
            Ok(f) => f,
            Err(e) => {
                self.flush_all();
                return Err(rt(open_error(&path, &e)));
            }
        };
        let h = self.next_handle;
        self.next_handle += 1;
        self.files.insert(
            h,
            if mode == 0 {
                FileHandle::Read(f, InBuf::default())
            } else {
                FileHandle::Write(std::io::BufWriter::new(f))
            },
        );
        Ok(h)
    }

    /// Code point `j` of argument `i` (`-1`: the program's name).
    fn arg_char(&self, i: i64, j: i64) -> i64 {
        let s = if i == -1 {
            Some(self.io.prog_name.as_str())
        } else {
            usize::try_from(i).ok().and_then(|i| self.io.args.get(i)).map(|s| s.as_str())
        };
        let Some(s) = s else { return -1 };
        usize::try_from(j).ok().and_then(|j| s.chars().nth(j)).map_or(-1, |c| c as i64)
    }
}

impl Drop for Machine<'_> {
    /// Break the cycles tied by `letrec` (see Note [Memory accounting]).
    fn drop(&mut self) {
        self.flush_all();
        for w in self.letrecs.drain(..) {
            if let Some(cell) = w.upgrade() {
                if let Obj::Thunk(t) = &*cell {
                    if t.try_borrow_mut().is_ok() {
                        drop(set_thunk(t, Thunk::Blackhole));
                    }
                }
            }
        }
    }
}

fn bad_slot() -> Box<EvalError> {
    rt("internal: access to a missing local slot (malformed Core?)")
}

/// A boxed run-time error.
#[cold]
pub(crate) fn rt(msg: impl Into<String>) -> Box<EvalError> {
    Box::new(EvalError::runtime(msg))
}

/// A short description of a value for error messages.
pub(crate) fn describe(v: &Val<'_>, prog: &Program) -> String {
    match v {
        Val::Int(n) => format!("the integer {n}"),
        Val::Float(x) => format!("the float {x:?}"),
        Val::Ptr(p) => match &**p {
            Obj::Fun { .. } | Obj::Pap { .. } => "a function".into(),
            Obj::Con { con, .. } => {
                format!("constructor {}", prog.cons.get(*con as usize).map_or("?", |c| c.name.as_str()))
            }
            Obj::Rigid { head: Head::Free(n), .. } => format!("a rigid term (free variable {n})"),
            Obj::Rigid { head: Head::Bound(_), .. } => "a rigid term (a variable bound outside)".into(),
            Obj::Thunk(_) => "an unevaluated thunk".into(),
        },
    }
}
