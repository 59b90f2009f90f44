//! Run-time values and heap objects, their memory accounting, and their
//! non-recursive `Drop`.
//!
//! ### Note [Memory accounting]
//!
//! Objects are reference counted (`Rc<Obj>`). The interpreter counts, in a
//! thread-local counter ([`live_bytes`]), the bytes of every live object:
//! `OBJ_BYTES` (the `Rc` header plus the `Obj` enum, which holds up to
//! three values of an environment or constructor inline) plus 16 bytes per
//! value held out of line (larger environments and constructors, PAP
//! arguments, rigid spines). The counter
//! goes up in [`alloc`], down in `Drop for Obj` and when a thunk's state
//! changes (entering a thunk moves its environment onto the locals stack).
//! The machine adds its own stacks (locals, arguments, continuation frames)
//! and the read-back's bookkeeping and normal-form nodes, and compares the
//! sum with `--max-memory` every 64 closure entries and at every read-back
//! node; the
//! peak of that sum is `Stats::peak_memory`. The compiled code and the
//! allocator's own overhead are not counted. The interpreter runs each
//! `normalise`/`conv` on its own thread, so the counter starts at zero.
//!
//! Cycles: `letrec` ties knots through thunk cells, which reference counting
//! cannot free; the machine keeps weak references to every `letrec` cell and
//! empties the live ones when the run ends, so nothing leaks past a run
//! (during a run, cyclic garbage stays counted as live).
//!
//! ### Note [Dropping deep structures]
//!
//! A list of 10,000,000 cons cells or a chain of thunks would make the
//! derived `Drop` recurse 10,000,000 deep. `Drop for Obj` instead moves every
//! child that it owns uniquely (strong count 1) onto a heap stack, leaving
//! `Val::Int(0)` behind, and unwraps those children one by one; each
//! unwrapped child's own `Drop` then finds no unique children left.

use super::compile::{LamCode, StrCode, ThunkCode};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

thread_local! {
    static LIVE: Cell<u64> = const { Cell::new(0) };
}

/// The bytes of live objects on this thread (see Note [Memory accounting]).
pub(crate) fn live_bytes() -> u64 {
    LIVE.with(|c| c.get())
}

#[inline]
fn add_live(n: u64) {
    LIVE.with(|c| c.set(c.get().wrapping_add(n)));
}

#[inline]
fn sub_live(n: u64) {
    LIVE.with(|c| c.set(c.get().saturating_sub(n)));
}

/// A value: a heap pointer or an unboxed literal.
pub(crate) enum Val<'p> {
    Ptr(Rc<Obj<'p>>),
    Int(i64),
    Float(f64),
}

impl Clone for Val<'_> {
    #[inline]
    fn clone(&self) -> Self {
        match self {
            Val::Ptr(p) => Val::Ptr(Rc::clone(p)),
            Val::Int(n) => Val::Int(*n),
            Val::Float(x) => Val::Float(*x),
        }
    }
}

/// The values a closure, thunk or constructor holds: up to three inline (so
/// most objects take one allocation), more out of line.
pub(crate) enum Env<'p> {
    E0,
    E1([Val<'p>; 1]),
    E2([Val<'p>; 2]),
    E3([Val<'p>; 3]),
    Heap(Box<[Val<'p>]>),
}

impl<'p> Env<'p> {
    #[inline]
    pub fn as_slice(&self) -> &[Val<'p>] {
        match self {
            Env::E0 => &[],
            Env::E1(a) => a,
            Env::E2(a) => a,
            Env::E3(a) => a,
            Env::Heap(b) => b,
        }
    }

    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [Val<'p>] {
        match self {
            Env::E0 => &mut [],
            Env::E1(a) => a,
            Env::E2(a) => a,
            Env::E3(a) => a,
            Env::Heap(b) => b,
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Values held out of line (for the accounting).
    #[inline]
    fn heap_len(&self) -> usize {
        match self {
            Env::Heap(b) => b.len(),
            _ => 0,
        }
    }

    /// Build from `n` values produced in order by `f`.
    #[inline]
    pub fn build<E>(n: usize, mut f: impl FnMut(usize) -> Result<Val<'p>, E>) -> Result<Env<'p>, E> {
        Ok(match n {
            0 => Env::E0,
            1 => Env::E1([f(0)?]),
            2 => {
                let a = f(0)?;
                Env::E2([a, f(1)?])
            }
            3 => {
                let a = f(0)?;
                let b = f(1)?;
                Env::E3([a, b, f(2)?])
            }
            _ => {
                let mut v = Vec::with_capacity(n);
                for i in 0..n {
                    v.push(f(i)?);
                }
                Env::Heap(v.into_boxed_slice())
            }
        })
    }

    /// Move the values onto the end of `out`.
    #[inline]
    pub fn push_into(self, out: &mut Vec<Val<'p>>) {
        match self {
            Env::E0 => {}
            Env::E1(a) => out.extend(a),
            Env::E2(a) => out.extend(a),
            Env::E3(a) => out.extend(a),
            Env::Heap(b) => out.extend(b.into_vec()),
        }
    }
}

/// The head of a rigid term.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Head {
    /// A fresh variable made by read-back to go under a binder.
    Bound(u32),
    /// A free variable of the program (`Expr::Free`).
    Free(Rc<str>),
}

/// A heap object.
pub(crate) enum Obj<'p> {
    /// A function closure: code and captured values.
    Fun { code: &'p LamCode, env: Env<'p> },
    /// A partial application of a `Fun` (held in `fun`) to too few arguments.
    Pap { fun: Val<'p>, code: &'p LamCode, args: Env<'p> },
    /// A constructor (an index into the program's constructor table).
    Con { con: u32, fields: Env<'p> },
    /// A rigid term: `head` applied to the arguments of `prev` (a shorter
    /// rigid term with the same head) and then `args`. Chaining makes
    /// extending a spine O(new arguments).
    Rigid { head: Head, prev: Option<Rc<Obj<'p>>>, args: Box<[Val<'p>]> },
    /// A suspended computation and its state.
    Thunk(RefCell<Thunk<'p>>),
}

/// The state of a thunk.
pub(crate) enum Thunk<'p> {
    /// Not evaluated yet.
    Pending { code: &'p ThunkCode, env: Env<'p> },
    /// The rest of a string literal, from code point `pos`.
    Str { code: &'p StrCode, pos: u32 },
    /// Being evaluated (or a `letrec` cell not yet filled).
    Blackhole,
    /// Evaluated: its value (in weak head normal form, or for a `letrec`
    /// cell possibly another thunk).
    Done(Val<'p>),
}

/// The `Rc` header plus the object itself.
pub(crate) const OBJ_BYTES: u64 = (std::mem::size_of::<Obj<'static>>() + 2 * std::mem::size_of::<usize>()) as u64;
/// One value held out of line.
pub(crate) const VAL_BYTES: u64 = std::mem::size_of::<Val<'static>>() as u64;

fn thunk_state_bytes(t: &Thunk<'_>) -> u64 {
    match t {
        Thunk::Pending { env, .. } => env.heap_len() as u64 * VAL_BYTES,
        _ => 0,
    }
}

/// The accounted size of an object in its current state.
fn obj_bytes(o: &Obj<'_>) -> u64 {
    let out_of_line = match o {
        Obj::Fun { env, .. } => env.heap_len(),
        Obj::Pap { args, .. } => args.heap_len(),
        Obj::Con { fields, .. } => fields.heap_len(),
        Obj::Rigid { args, .. } => args.len(),
        Obj::Thunk(t) => return OBJ_BYTES + t.try_borrow().map(|t| thunk_state_bytes(&t)).unwrap_or(0),
    };
    OBJ_BYTES + out_of_line as u64 * VAL_BYTES
}

/// Allocate an object, counting its bytes.
#[inline(always)]
pub(crate) fn alloc(o: Obj<'_>) -> Rc<Obj<'_>> {
    add_live(obj_bytes(&o));
    Rc::new(o)
}

/// Replace a thunk's state, keeping the accounting right; returns the old
/// state.
#[inline]
pub(crate) fn set_thunk<'p>(cell: &RefCell<Thunk<'p>>, new: Thunk<'p>) -> Thunk<'p> {
    let add = thunk_state_bytes(&new);
    let old = std::mem::replace(&mut *cell.borrow_mut(), new);
    let sub = thunk_state_bytes(&old);
    add_live(add);
    sub_live(sub);
    old
}

impl Drop for Obj<'_> {
    fn drop(&mut self) {
        sub_live(obj_bytes(self));
        let mut stack: Vec<Rc<Obj<'_>>> = Vec::new();
        take_unique(self, &mut stack);
        while let Some(rc) = stack.pop() {
            if let Ok(mut o) = Rc::try_unwrap(rc) {
                take_unique(&mut o, &mut stack);
                // `o` drops here: its own `Drop` finds no unique children.
            }
        }
    }
}

/// Move the uniquely owned heap children of `o` to `out`.
fn take_unique<'p>(o: &mut Obj<'p>, out: &mut Vec<Rc<Obj<'p>>>) {
    fn vals<'p>(vs: &mut [Val<'p>], out: &mut Vec<Rc<Obj<'p>>>) {
        for v in vs {
            take_val(v, out);
        }
    }
    fn take_val<'p>(v: &mut Val<'p>, out: &mut Vec<Rc<Obj<'p>>>) {
        if let Val::Ptr(p) = v {
            if Rc::strong_count(p) == 1 && has_children(p) {
                if let Val::Ptr(p) = std::mem::replace(v, Val::Int(0)) {
                    out.push(p);
                }
            }
        }
    }
    match o {
        Obj::Fun { env, .. } => vals(env.as_mut_slice(), out),
        Obj::Pap { fun, args, .. } => {
            take_val(fun, out);
            vals(args.as_mut_slice(), out);
        }
        Obj::Con { fields, .. } => vals(fields.as_mut_slice(), out),
        Obj::Rigid { prev, args, .. } => {
            if let Some(p) = prev {
                if Rc::strong_count(p) == 1 {
                    if let Some(p) = prev.take() {
                        out.push(p);
                    }
                }
            }
            vals(args, out);
        }
        Obj::Thunk(t) => match t.get_mut() {
            Thunk::Pending { env, .. } => vals(env.as_mut_slice(), out),
            Thunk::Done(v) => take_val(v, out),
            Thunk::Str { .. } | Thunk::Blackhole => {}
        },
    }
}

/// Could dropping this object recurse?
fn has_children(o: &Obj<'_>) -> bool {
    match o {
        Obj::Fun { env, .. } => env.len() > 0,
        Obj::Pap { .. } => true,
        Obj::Con { fields, .. } => fields.as_slice().iter().any(|f| matches!(f, Val::Ptr(_))),
        Obj::Rigid { prev, args, .. } => prev.is_some() || !args.is_empty(),
        Obj::Thunk(_) => true,
    }
}
