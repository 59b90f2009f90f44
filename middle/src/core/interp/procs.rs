//! Procs in the interpreter: the scheduler behind the `spawn`, `recv`,
//! `wait`, ... primitives (docs/procs.md has the semantics both engines
//! share).
//!
//! ### Note [Procs in the interpreter]
//!
//! A proc is the machine's stacks and registers (locals, pending
//! arguments, continuation frames, `eb`/`lb`/`lbase`/`argbase`) plus the
//! [`Mode`] it goes on with. The running proc's stacks are the machine's
//! own fields; every other proc's are saved in its [`Proc`]. A switch
//! swaps the two, so the evaluator itself knows nothing of procs.
//!
//! Switches happen only between two steps of the evaluator's loop (at
//! depth one: never inside a read-back), when `switch_due` is set: by
//! `yield`, and by the tick count when a slice of [`SLICE`] closure entries
//! is used up (preemption, so loops that never allocate are preempted
//! too). A primitive that must wait (`recv` on an empty channel, `wait`
//! on a running proc) parks the proc with its own code as the mode to go
//! on with: it runs again, from the start, when the proc is woken.
//!
//! Objects are shared between procs here (values are immutable and
//! reference counted; messages are forced to normal form by the library
//! before they are sent, as natively). A thunk that another proc is
//! evaluating is blackholed: a proc that enters it waits for it (it yields
//! and enters it again) instead of reporting `<<loop>>`, which it does only
//! when the thunk's update frame is its own.
//!
//! A proc's memory is what it allocated and still holds, measured as the
//! change of the live bytes during its slices, plus its stacks; its ticks
//! are the closure entries of its slices. Exceeding a budget ends the proc
//! with `OutOfMemory` or `OutOfTicks`; an error ends it with `Error msg`
//! after writing `PROG: msg` to standard error (as GHC does for a thread),
//! `exit` with status 0 normally, with another status as an error.

use super::compile::Code;
use super::machine::{rt, Frame, Machine, Mode, R};
use super::value::{live_bytes, Obj, Val};
use crate::core::interp::limits::EvalError;
use std::collections::VecDeque;
use std::rc::Rc;

/// Closure entries per slice before a proc is preempted.
pub(crate) const SLICE: u64 = 2000;

/// Why a proc ended: the `kind` of the `wait` primitive and the message.
#[derive(Clone, Debug)]
pub(crate) enum ExitReason {
    Normal,
    Error(String),
    OutOfMemory,
    OutOfTicks,
}

impl ExitReason {
    fn kind(&self) -> i64 {
        match self {
            ExitReason::Normal => 0,
            ExitReason::Error(_) => 1,
            ExitReason::OutOfMemory => 2,
            ExitReason::OutOfTicks => 3,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Runnable,
    Running,
    Blocked,
    Ended,
}

/// A saved proc's stacks and registers.
pub(crate) struct Saved<'p> {
    pub args: Vec<Val<'p>>,
    pub locals: Vec<Val<'p>>,
    pub conts: Vec<Frame<'p>>,
    pub regs: (usize, usize, usize, usize),
    pub mode: Mode<'p>,
}

pub(crate) struct Proc<'p> {
    state: State,
    saved: Option<Saved<'p>>,
    exit: Option<ExitReason>,
    waiters: Vec<usize>,
    mem_budget: u64,
    tick_budget: u64,
    /// Bytes allocated and still held, over the slices so far.
    mem: i64,
    ticks: u64,
    /// What it wrote to standard error (the text of its `error`).
    err: Vec<u8>,
}

/// Every proc and channel of a run.
#[derive(Default)]
pub(crate) struct Procs<'p> {
    procs: Vec<Proc<'p>>,
    run_queue: VecDeque<usize>,
    chans: Vec<(VecDeque<Val<'p>>, Vec<usize>)>,
    /// The running proc (index: pid - 1).
    pub cur: usize,
    /// More than one proc has existed: the scheduler is on.
    pub active: bool,
    /// Switch at the next step of the evaluator's loop.
    pub switch_due: bool,
    /// A budget of the running proc ran out (checked by `tick`).
    pub budget_hit: Option<ExitReason>,
    /// The error under way ends the whole run (a deadlock).
    fatal: bool,
    slice_steps: u64,
    slice_live: u64,
}

impl<'p> Procs<'p> {
    fn ensure_main(&mut self) {
        if self.procs.is_empty() {
            self.procs.push(Proc {
                state: State::Running,
                saved: None,
                exit: None,
                waiters: Vec::new(),
                mem_budget: 0,
                tick_budget: 0,
                mem: 0,
                ticks: 0,
                err: Vec::new(),
            });
        }
    }

    /// Record what the running proc's stderr text is (a child's `error`).
    pub fn note_stderr(&mut self, bytes: &[u8]) {
        if self.cur != 0 {
            if let Some(p) = self.procs.get_mut(self.cur) {
                if p.err.len() < 4096 {
                    p.err.extend_from_slice(bytes);
                }
            }
        }
    }
}

/// What a proc primitive asks the evaluator to do.
pub(crate) const BLOCK: usize = usize::MAX;

impl<'p> Machine<'p> {
    fn chan(&mut self, c: i64) -> R<&mut (VecDeque<Val<'p>>, Vec<usize>)> {
        let n = self.procs.chans.len();
        usize::try_from(c)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| self.procs.chans.get_mut(i))
            .ok_or_else(|| rt(format!("no channel {c} (there are {n})")))
    }

    fn proc_index(&self, pid: i64) -> R<usize> {
        let n = self.procs.procs.len().max(1);
        usize::try_from(pid)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .filter(|i| *i < n)
            .ok_or_else(|| rt(format!("no proc {pid} (there are {n})")))
    }

    pub(super) fn prim_spawn(&mut self, action: Val<'p>, memory: i64, ticks: i64) -> R<i64> {
        self.procs.ensure_main();
        if !self.procs.active {
            self.procs.active = true;
            self.procs.slice_steps = self.steps;
            self.procs.slice_live = live_bytes();
        }
        let (_, token) = self.fresh_rigid();
        let id = self.procs.procs.len();
        self.procs.procs.push(Proc {
            state: State::Runnable,
            saved: Some(Saved {
                args: vec![token],
                locals: Vec::new(),
                conts: Vec::new(),
                regs: (0, 0, 0, 0),
                mode: Mode::Ret(action),
            }),
            exit: None,
            waiters: Vec::new(),
            mem_budget: memory.max(0) as u64,
            tick_budget: ticks.max(0) as u64,
            mem: 0,
            ticks: 0,
            err: Vec::new(),
        });
        self.procs.run_queue.push_back(id);
        Ok(id as i64 + 1)
    }

    pub(super) fn prim_self(&mut self) -> i64 {
        self.procs.cur as i64 + 1
    }

    pub(super) fn prim_newchan(&mut self) -> i64 {
        self.procs.chans.push((VecDeque::new(), Vec::new()));
        self.procs.chans.len() as i64
    }

    pub(super) fn prim_send(&mut self, c: i64, v: Val<'p>) -> R<()> {
        let (queue, waiting) = self.chan(c)?;
        queue.push_back(v);
        let woken: Vec<usize> = std::mem::take(waiting);
        for w in woken {
            self.wake(w);
        }
        Ok(())
    }

    /// `Some(v)`, or `None` when the proc must wait.
    pub(super) fn prim_recv(&mut self, c: i64) -> R<Option<Val<'p>>> {
        let cur = self.procs.cur;
        let (queue, waiting) = self.chan(c)?;
        match queue.pop_front() {
            Some(v) => Ok(Some(v)),
            None => {
                waiting.push(cur);
                Ok(None)
            }
        }
    }

    /// The exit kind, or `None` when the proc must wait.
    pub(super) fn prim_wait(&mut self, pid: i64) -> R<Option<i64>> {
        self.procs.ensure_main();
        let i = self.proc_index(pid)?;
        let cur = self.procs.cur;
        let p = &mut self.procs.procs[i];
        match &p.exit {
            Some(e) => Ok(Some(e.kind())),
            None => {
                p.waiters.push(cur);
                Ok(None)
            }
        }
    }

    pub(super) fn prim_exit_char(&mut self, pid: i64, j: i64) -> R<i64> {
        self.procs.ensure_main();
        let i = self.proc_index(pid)?;
        Ok(match &self.procs.procs[i].exit {
            Some(ExitReason::Error(msg)) => {
                usize::try_from(j).ok().and_then(|j| msg.chars().nth(j)).map_or(-1, |c| c as i64)
            }
            _ => -1,
        })
    }

    fn wake(&mut self, i: usize) {
        if let Some(p) = self.procs.procs.get_mut(i) {
            if p.state == State::Blocked {
                p.state = State::Runnable;
                self.procs.run_queue.push_back(i);
            }
        }
    }

    /// The accounting of the slice that ends now.
    fn end_slice(&mut self) {
        let live = live_bytes();
        let (steps, slive) = (self.procs.slice_steps, self.procs.slice_live);
        if let Some(p) = self.procs.procs.get_mut(self.procs.cur) {
            p.ticks += self.steps - steps;
            p.mem += live as i64 - slive as i64;
        }
        self.procs.slice_steps = self.steps;
        self.procs.slice_live = live;
    }

    /// Checked by `tick` every few steps while the scheduler is on: the
    /// slice and the running proc's budgets.
    pub(super) fn proc_tick(&mut self) {
        let Some(p) = self.procs.procs.get(self.procs.cur) else { return };
        let ticks = p.ticks + (self.steps - self.procs.slice_steps);
        if p.tick_budget > 0 && ticks > p.tick_budget {
            self.procs.budget_hit = Some(ExitReason::OutOfTicks);
            return;
        }
        if p.mem_budget > 0 {
            let mem = p.mem + (live_bytes() as i64 - self.procs.slice_live as i64) + self.stack_bytes() as i64;
            if mem > p.mem_budget as i64 {
                self.procs.budget_hit = Some(ExitReason::OutOfMemory);
                return;
            }
        }
        if self.steps - self.procs.slice_steps >= SLICE {
            self.procs.switch_due = true;
        }
    }

    fn save_current(&mut self, mode: Mode<'p>) -> Saved<'p> {
        Saved {
            args: std::mem::take(&mut self.args),
            locals: std::mem::take(&mut self.locals),
            conts: std::mem::take(&mut self.conts),
            regs: (self.eb, self.lb, self.lbase, self.argbase),
            mode,
        }
    }

    /// Run the first runnable proc; an error when none can run.
    fn dispatch(&mut self) -> R<Mode<'p>> {
        let Some(next) = self.procs.run_queue.pop_front() else {
            self.procs.fatal = true;
            return Err(rt("deadlock: every proc is waiting (in recv or wait) and none can run"));
        };
        let p = &mut self.procs.procs[next];
        p.state = State::Running;
        let s = p.saved.take().ok_or_else(|| rt("internal: a runnable proc has no state"))?;
        self.procs.cur = next;
        self.args = s.args;
        self.locals = s.locals;
        self.conts = s.conts;
        (self.eb, self.lb, self.lbase, self.argbase) = s.regs;
        Ok(s.mode)
    }

    /// `yield` or the end of a slice: to the back of the run queue.
    pub(super) fn reschedule(&mut self, mode: Mode<'p>) -> R<Mode<'p>> {
        self.procs.switch_due = false;
        self.end_slice();
        if self.procs.run_queue.is_empty() {
            return Ok(mode);
        }
        let cur = self.procs.cur;
        let saved = self.save_current(mode);
        let p = &mut self.procs.procs[cur];
        p.saved = Some(saved);
        p.state = State::Runnable;
        self.procs.run_queue.push_back(cur);
        self.dispatch()
    }

    /// Park the running proc (a primitive must wait); it goes on with
    /// `code` when it is woken.
    pub(super) fn block(&mut self, code: &'p Code) -> R<Mode<'p>> {
        self.end_slice();
        let cur = self.procs.cur;
        let saved = self.save_current(Mode::Eval(code));
        let p = &mut self.procs.procs[cur];
        p.saved = Some(saved);
        p.state = State::Blocked;
        self.dispatch()
    }

    /// Wait for a thunk another proc is evaluating: `Ok(None)` when its
    /// update frame is the running proc's own (a true `<<loop>>`).
    pub(super) fn wait_blackhole(&mut self, thunk: &Rc<Obj<'p>>) -> R<Option<Mode<'p>>> {
        if !self.procs.active {
            return Ok(None);
        }
        let mine = self.conts.iter().any(|f| matches!(f, Frame::Update { thunk: t, .. } if Rc::ptr_eq(t, thunk)));
        if mine {
            return Ok(None);
        }
        self.reschedule(Mode::Ret(Val::Ptr(thunk.clone()))).map(Some)
    }

    /// The running proc (not main) ended: record why, wake its waiters,
    /// run the next one.
    pub(super) fn end_proc(&mut self, why: ExitReason) -> R<Mode<'p>> {
        self.end_slice();
        self.procs.budget_hit = None;
        self.procs.switch_due = false;
        let cur = self.procs.cur;
        // Its stacks go now (their objects may be freed).
        self.args.clear();
        self.locals.clear();
        self.conts.clear();
        let p = &mut self.procs.procs[cur];
        p.state = State::Ended;
        p.exit = Some(why);
        p.saved = None;
        let waiters = std::mem::take(&mut p.waiters);
        for w in waiters {
            self.wake(w);
        }
        self.dispatch()
    }

    /// How an error ends a proc other than main (`None`: it ends the
    /// whole run: a limit of the run, or an internal error).
    pub(super) fn exit_reason(&mut self, e: &EvalError) -> Option<ExitReason> {
        if self.procs.fatal {
            return None;
        }
        if let Some(b) = self.procs.budget_hit.take() {
            return Some(b);
        }
        let cur = self.procs.cur;
        match e {
            EvalError::Limit(_) => None,
            EvalError::Loop => Some(self.child_error("<<loop>>".into())),
            EvalError::Runtime { msg, .. } => Some(self.child_error(msg.clone())),
            EvalError::Exit(0) => Some(ExitReason::Normal),
            EvalError::Exit(status) => {
                let err = std::mem::take(&mut self.procs.procs[cur].err);
                let text = String::from_utf8_lossy(&err).into_owned();
                let prefix = format!("{}: ", self.io_prog_name());
                let text = text.strip_prefix(&prefix).unwrap_or(&text).trim_end_matches('\n').to_string();
                Some(ExitReason::Error(if text.is_empty() {
                    format!("the code exited with status {status}")
                } else {
                    text
                }))
            }
        }
    }

    /// A run-time error of a proc: `PROG: msg` on standard error.
    fn child_error(&mut self, msg: String) -> ExitReason {
        let line = format!("{}: {msg}\n", self.io_prog_name());
        self.write_stderr(line.as_bytes());
        ExitReason::Error(msg)
    }
}
