//! The data types of Flat IR, the output of closure conversion
//! ([`crate::closure_conv`]) and the input of the LLVM back end.
//!
//! Flat IR has no nested functions: a module is a table of top-level
//! [`Code`]s (the entry codes of functions and thunks) and [`Global`]s (the
//! static closures of Core's top-level definitions). Every value a code
//! needs is an operand ([`Atom`]): a local variable, a global, a literal or a
//! rigid variable. Heap allocation is explicit and grouped ([`Body::Let`]:
//! one heap check per group), evaluation is explicit ([`Body::Strict`] and
//! [`Body::Enter`]) and control flow is a tree of [`Body`] forms.
//!
//! # Design decisions
//!
//! 1. **Entities.** [`VarId`], [`GlobalId`], [`DataId`] and [`ConRef`] are
//!    Core's; [`CodeId`] is new and indexes [`Module::codes`]. The data types
//!    are Core's unchanged. The variable table starts as a copy of the Core
//!    module's (a Core binder keeps its id in the code that binds it), and
//!    closure conversion appends fresh binders: temporaries of evaluated
//!    sub-expressions and the environment variables of nested codes (a
//!    captured variable is a *different* binder in the inner code, so every
//!    variable is bound exactly once in the module and belongs to one code).
//!    Core binders that conversion substitutes away (aliases) stay in the
//!    table unused.
//! 2. **Globals.** One [`Global`] per Core top-level definition, at the same
//!    index, so Core's [`GlobalId`]s are Flat's. A λ definition is a static
//!    FUN closure ([`GlobalKind::Fun`]), anything else a CAF: a static THUNK
//!    updated in place ([`GlobalKind::Caf`]). Their codes have empty
//!    environments and are never allocated by [`Alloc::Closure`].
//! 3. **Codes.** A [`Code`] is a FUN entry ([`CodeKind::Fun`], arity =
//!    `params.len() >= 1`, all parameters `Value`) or a THUNK entry
//!    ([`CodeKind::Thunk`]). Its `env` lists the variables loaded from the
//!    entered object's fields at entry, in field order: `Value` variables
//!    first, then unboxed ones (the pointers-first layout of the runtime).
//!    The environment is exactly the free variables of the body minus the
//!    parameters. Every code returns one `Value` in weak head normal form.
//!    The object kind of an allocated closure is its code's kind.
//! 4. **Delivery.** Every terminal form ([`Body::Return`], [`Body::Enter`],
//!    [`Body::Prim`], [`Body::Error`], and through its alternatives
//!    [`Body::Case`]) *delivers* its result to a target: at the code's tail,
//!    to the code's caller (an `Enter` there is a tail call); inside the
//!    first body of a [`Body::Strict`], to that `Strict`'s binders (the first
//!    body is a join point: a call returns there, every branch of a case
//!    meets there). The delivered representations must match the target's:
//!    one `Value` for a code's tail, the binders' representations for a
//!    `Strict`. A primitive with several results can only deliver to a
//!    `Strict` with one binder per result.
//! 5. **Evaluatedness (the WHNF rule).** A delivered `Value` is always in
//!    weak head normal form, and so is the scrutinee of a `Value` case and
//!    every `Value` operand of a primitive (the tokens of effectful
//!    primitives are evaluated, as in the reference interpreter). A `Value`
//!    atom is *known to be in WHNF* when it is a [`Atom::Free`] (a static
//!    rigid variable), a [`Atom::Global`] of a [`GlobalKind::Fun`] global,
//!    or a variable bound in the same code by a `Let` allocation of a
//!    constructor or of a closure of a `Fun` code, or by a `Strict` (which
//!    only ever receives delivered, hence evaluated, values). Parameters,
//!    environment variables, constructor fields bound by patterns, thunk and
//!    string allocations and CAF globals are not known to be evaluated: to
//!    deliver or inspect one, `Enter` it with no arguments (entering a FUN
//!    or constructor with no arguments returns it; a thunk evaluates and is
//!    updated by the caller). `Return` of a `Value`, a `Value` case
//!    scrutinee and `Value` primitive operands must be known-WHNF atoms.
//! 6. **Case has no binder** (a departure from the first design): the
//!    scrutinee is already an atom, so Core's case binder is either
//!    substituted by that atom or is the `Strict` binder that received the
//!    evaluated scrutinee.
//! 7. **Allocation groups.** A [`Body::Let`] allocates all its objects with
//!    one heap check; its binders are in scope in every allocation of the
//!    group (letrec knots and merged consecutive `let`s), so the back end
//!    reserves all objects first and then fills their fields.
//!    [`Alloc::Str`] is a string literal that the runtime unpacks lazily: it
//!    is not known to be evaluated.
//! 8. **Text form.** [`super::print`] writes a readable, deterministic text
//!    form; there is no parser (tests compare printouts, and Flat IR is
//!    built by closure conversion or by hand through these types).
//! 9. **No recursion on term depth.** `Drop` of a [`Body`], the walkers
//!    below, the printer, the verifier and closure conversion use explicit
//!    stacks (Note [No recursion on term depth] in `core/mod.rs`). The
//!    derived `Clone`, `PartialEq` and `Debug` do recurse, as Core's do: do
//!    not use them on bodies of unbounded depth.

use std::collections::HashSet;
use std::fmt;

pub use crate::core::ir::{
    ConDecl, ConRef, DataDecl, DataId, GlobalId, Import, Lit, Pat, PrimOp, Rep, StrLit, VarId, VarInfo,
};

/// A code block, an index into [`Module::codes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodeId(pub u32);

impl CodeId {
    /// The index of this code in [`Module::codes`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for CodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}", self.0)
    }
}

/// A Flat module.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    /// The data types, as in Core.
    pub datas: Vec<DataDecl>,
    /// Every binder of every code (see design decision 1).
    pub vars: Vec<VarInfo>,
    /// Every code block, indexed by [`CodeId`]: the globals' codes and those
    /// of the closures that bodies allocate.
    pub codes: Vec<Code>,
    /// One per Core top-level definition, at the same index.
    pub globals: Vec<Global>,
    /// What the [`GlobalKind::Import`] globals import, by [`ImportId`]:
    /// the module's import table (Note [Crate imports] in
    /// `rt/include/lull_rt.h`).
    pub imports: Vec<Import>,
}

impl Module {
    /// The name hint and representation of binder `v` (`None` when out of
    /// range).
    pub fn var(&self, v: VarId) -> Option<&VarInfo> {
        self.vars.get(v.index())
    }

    /// The code `c` (`None` when out of range).
    pub fn code(&self, c: CodeId) -> Option<&Code> {
        self.codes.get(c.index())
    }

    /// The global `g` (`None` when out of range).
    pub fn global(&self, g: GlobalId) -> Option<&Global> {
        self.globals.get(g.index())
    }

    /// The declaration of constructor `c` (`None` when it names no declared
    /// constructor).
    pub fn con(&self, c: ConRef) -> Option<&ConDecl> {
        self.datas.get(c.data.index()).and_then(|d| d.cons.get(c.tag as usize))
    }

    /// The code with this name, if any.
    pub fn find_code(&self, name: &str) -> Option<CodeId> {
        self.codes.iter().position(|c| c.name == name).map(|i| CodeId(i as u32))
    }

    /// The representation of an atom (`None` for an out-of-range variable).
    pub fn atom_rep(&self, a: &Atom) -> Option<Rep> {
        match a {
            Atom::Var(v) => self.var(*v).map(|i| i.rep),
            Atom::Lit(l) => Some(l.rep()),
            Atom::Global(_) | Atom::Free(_) => Some(Rep::Value),
        }
    }
}

/// A static closure for a Core top-level definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Global {
    /// The Core definition's name, unique among the globals.
    pub name: String,
    /// What kind of static object the global is, and its code.
    pub kind: GlobalKind,
}

/// The kind of a [`Global`]: a static FUN closure, a CAF or an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GlobalKind {
    /// A static FUN closure with an empty environment.
    Fun(CodeId),
    /// A static THUNK (a CAF), updated in place when first evaluated.
    Caf(CodeId),
    /// Defined in another crate, a slot of the module's import table
    /// ([`Module::imports`]): not known to be in WHNF, and called as an
    /// unknown function.
    Import(ImportId),
}

impl GlobalKind {
    /// The global's code (none for an import).
    pub fn code(self) -> Option<CodeId> {
        match self {
            GlobalKind::Fun(c) | GlobalKind::Caf(c) => Some(c),
            GlobalKind::Import(_) => None,
        }
    }
}

/// An entry of [`Module::imports`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImportId(pub u32);

impl ImportId {
    /// The index of this import in [`Module::imports`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A top-level code block: the entry code of a function or a thunk.
#[derive(Clone, Debug, PartialEq)]
pub struct Code {
    /// Unique in the module: the definition's name for a global's code,
    /// `def.lamN` / `def.thunkN` for the codes nested in definition `def`.
    pub name: String,
    /// A function's entry (with its parameters) or a thunk's.
    pub kind: CodeKind,
    /// Loaded from the entered object's fields at entry: `Value` variables
    /// first, then unboxed ones.
    pub env: Vec<VarId>,
    /// What the code runs when entered; it returns one `Value` in weak head
    /// normal form.
    pub body: Body,
}

/// What a [`Code`] is the entry of: a function or a thunk.
#[derive(Clone, Debug, PartialEq)]
pub enum CodeKind {
    /// A function of `params.len() >= 1` `Value` parameters.
    Fun {
        /// The parameters, bound to the arguments at entry.
        params: Vec<VarId>,
    },
    /// A thunk: evaluated at most once, then updated by its caller.
    Thunk,
}

/// An operand.
#[derive(Clone, Debug, PartialEq)]
pub enum Atom {
    /// A variable bound in the current code.
    Var(VarId),
    /// A global's static object (known to be in WHNF only when it is a
    /// [`GlobalKind::Fun`]).
    Global(GlobalId),
    /// An unboxed literal.
    Lit(Lit),
    /// A static rigid variable with this name (in WHNF).
    Free(String),
}

/// One heap allocation.
#[derive(Clone, Debug, PartialEq)]
pub enum Alloc {
    /// A FUN or THUNK object (the code's kind) with these environment
    /// fields, one per variable of the code's `env`, in that order.
    Closure {
        /// The closure's code, which is not a global's.
        code: CodeId,
        /// One operand per variable of the code's `env`.
        env: Vec<Atom>,
    },
    /// A constructor with one atom per field (source order; the back end
    /// lays pointers out first).
    Con {
        /// The constructor.
        con: ConRef,
        /// One operand per field, of the field's representation.
        fields: Vec<Atom>,
    },
    /// A string literal, unpacked lazily by the runtime.
    Str(Box<StrLit>),
}

/// A code's body, or a sub-body; see design decisions 4 and 5.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// One allocation group (one heap check): every binder is in scope in
    /// every allocation of the group and in the continuation.
    Let(Vec<(VarId, Alloc)>, Box<Body>),
    /// Run the first body (a join point: what it delivers binds the
    /// binders), then the continuation.
    Strict(Vec<VarId>, Box<Body>, Box<Body>),
    /// Deliver the primitive's result(s).
    Prim(PrimOp, Vec<Atom>),
    /// Choose an alternative on an evaluated atom.
    Case(Box<Case>),
    /// Evaluate `f args` (all `Value`; no arguments: evaluate `f`) and
    /// deliver the result: a tail call at the code's tail.
    Enter(Atom, Vec<Atom>),
    /// Deliver an atom (a `Value` only when known to be in WHNF).
    Return(Atom),
    /// Bottom: stop with a run-time error.
    Error {
        /// The representation it stands for, which must match its target
        /// (invariant F13 of [`super::verify`]).
        rep: Rep,
        /// The message the run-time error reports.
        msg: String,
        /// The source location of the error, when known.
        loc: Option<String>,
    },
}

/// The parts of a [`Body::Case`].
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// A known-WHNF `Value` or an unboxed atom.
    pub scrut: Atom,
    /// Patterns as Core's.
    pub alts: Vec<(Pat, Body)>,
    /// Taken when no alternative matches.
    pub default: Option<Body>,
}

impl Body {
    /// The direct sub-bodies of this body, in order.
    pub fn children(&self) -> Vec<&Body> {
        match self {
            Body::Let(_, k) => vec![&**k],
            Body::Strict(_, first, k) => vec![&**first, &**k],
            Body::Case(c) => c.alts.iter().map(|(_, b)| b).chain(c.default.as_ref()).collect(),
            Body::Prim(..) | Body::Enter(..) | Body::Return(_) | Body::Error { .. } => Vec::new(),
        }
    }
}

/// Visit every body node of `body` (pre-order, children in order) without
/// recursion.
pub fn walk<'a>(body: &'a Body, mut f: impl FnMut(&'a Body)) {
    let mut stack = vec![body];
    while let Some(b) = stack.pop() {
        f(b);
        match b {
            Body::Let(_, k) => stack.push(k),
            Body::Strict(_, first, k) => {
                stack.push(k);
                stack.push(first);
            }
            Body::Case(c) => {
                if let Some(d) = &c.default {
                    stack.push(d);
                }
                for (_, alt) in c.alts.iter().rev() {
                    stack.push(alt);
                }
            }
            Body::Prim(..) | Body::Enter(..) | Body::Return(_) | Body::Error { .. } => {}
        }
    }
}

/// Visit every body node mutably (pre-order) without recursion.
pub fn walk_mut(body: &mut Body, mut f: impl FnMut(&mut Body)) {
    let mut stack = vec![body];
    while let Some(b) = stack.pop() {
        f(b);
        match b {
            Body::Let(_, k) => stack.push(k),
            Body::Strict(_, first, k) => {
                stack.push(k);
                stack.push(first);
            }
            Body::Case(c) => {
                let c = &mut **c;
                if let Some(d) = &mut c.default {
                    stack.push(d);
                }
                for (_, alt) in c.alts.iter_mut().rev() {
                    stack.push(alt);
                }
            }
            Body::Prim(..) | Body::Enter(..) | Body::Return(_) | Body::Error { .. } => {}
        }
    }
}

/// The atoms a body node uses directly (not those of its sub-bodies).
pub fn atoms_of(b: &Body) -> Vec<&Atom> {
    match b {
        Body::Let(group, _) => group
            .iter()
            .flat_map(|(_, a)| match a {
                Alloc::Closure { env, .. } => env.iter().collect::<Vec<_>>(),
                Alloc::Con { fields, .. } => fields.iter().collect(),
                Alloc::Str(_) => Vec::new(),
            })
            .collect(),
        Body::Strict(..) | Body::Error { .. } => Vec::new(),
        Body::Prim(_, args) => args.iter().collect(),
        Body::Case(c) => vec![&c.scrut],
        Body::Enter(f, args) => std::iter::once(f).chain(args).collect(),
        Body::Return(a) => vec![a],
    }
}

/// The variables a body node binds directly (for a case, the fields of all
/// its patterns).
pub fn binders_of(b: &Body) -> Vec<VarId> {
    match b {
        Body::Let(group, _) => group.iter().map(|(v, _)| *v).collect(),
        Body::Strict(xs, _, _) => xs.clone(),
        Body::Case(c) => c
            .alts
            .iter()
            .flat_map(|(p, _)| match p {
                Pat::Con(_, vs) => vs.clone(),
                Pat::Lit(_) => Vec::new(),
            })
            .collect(),
        Body::Prim(..) | Body::Enter(..) | Body::Return(_) | Body::Error { .. } => Vec::new(),
    }
}

/// The variables used in `body` and not bound in it, in order of first
/// use. Exact when `body` binds each variable at most once and uses it only
/// in scope (as the verifier checks); otherwise an approximation.
pub fn free_vars(body: &Body) -> Vec<VarId> {
    let mut bound = HashSet::new();
    let mut used = Vec::new();
    let mut seen = HashSet::new();
    walk(body, |b| {
        bound.extend(binders_of(b));
        for a in atoms_of(b) {
            if let Atom::Var(v) = a {
                if seen.insert(*v) {
                    used.push(*v);
                }
            }
        }
    });
    used.retain(|v| !bound.contains(v));
    used
}

/// Drop deep bodies without recursion (Rust's derived `Drop` recurses on
/// the depth of the tree, and a stack overflow aborts the process).
impl Drop for Body {
    fn drop(&mut self) {
        if matches!(self, Body::Prim(..) | Body::Enter(..) | Body::Return(_) | Body::Error { .. }) {
            return;
        }
        let mut stack: Vec<Body> = Vec::new();
        take_children(self, &mut stack);
        while let Some(mut b) = stack.pop() {
            take_children(&mut b, &mut stack);
        }
    }
}

fn take_children(b: &mut Body, out: &mut Vec<Body>) {
    let hole = || Body::Return(Atom::Lit(Lit::Int(0)));
    match b {
        Body::Let(_, k) => out.push(std::mem::replace(&mut **k, hole())),
        Body::Strict(_, first, k) => {
            out.push(std::mem::replace(&mut **first, hole()));
            out.push(std::mem::replace(&mut **k, hole()));
        }
        Body::Case(c) => {
            let c = &mut **c;
            out.extend(c.alts.drain(..).map(|(_, b)| b));
            if let Some(d) = c.default.take() {
                out.push(d);
            }
        }
        Body::Prim(..) | Body::Enter(..) | Body::Return(_) | Body::Error { .. } => {}
    }
}
