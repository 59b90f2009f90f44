//! The data types of Core IR.
//!
//! Core is an explicitly typed, representation-aware λ-calculus. Every front
//! end (the λ dialect, Lull) lowers to it, the reference interpreter runs it,
//! and closure conversion turns it into Flat IR. Source types are erased
//! before Core: what remains is the *representation* of each value
//! ([`Rep`]) and the layout of each declared data type ([`DataDecl`]).
//!
//! Entities are `u32` newtypes indexing tables of the [`Module`]:
//! [`VarId`] (local binders, in [`Module::vars`]), [`GlobalId`] (top-level
//! definitions, [`Module::defs`]), [`DataId`] ([`Module::datas`]) and
//! [`ConRef`] (a constructor of a data type).
//!
//! # Where unboxed values may live
//!
//! λ parameters, the arguments and result of an application, lazy `let`
//! and `letrec` binders, top-level definitions and thunk results are always
//! [`Rep::Value`]. `Int64` and `Float64` appear only in strict binders
//! ([`Expr::Case`] binders and fields, [`Expr::LetStrict`]), primitive
//! operands and results, literals, and constructor fields. So an evaluation
//! stack holds only `Value`s. See `verify` for the full list of invariants.
//!
//! # Evaluation order
//!
//! * Lazy: [`Expr::Let`], [`Expr::LetRec`], the arguments of [`Expr::App`]
//!   and the `Value` fields of [`Expr::Con`] build thunks (an atom, a λ or a
//!   constructor needs none).
//! * Strict: the scrutinee of [`Expr::Case`], the bound expression of
//!   [`Expr::LetStrict`], the operands of [`Expr::Prim`] and the unboxed
//!   fields of [`Expr::Con`] are evaluated first, left to right.
//!
//! # Effects
//!
//! IO is state-token passing: a token is a `Value` (the interpreter and
//! runtime use a static token object), every effectful primitive takes the
//! current token as its first operand and returns the next token as its
//! first result, so no pass can reorder, duplicate or drop an effect without
//! breaking a data dependency. A primitive with several results is bound by
//! a [`Expr::LetStrict`] with as many binders.
//!
//! # Open terms
//!
//! [`Expr::Free`] is a rigid (free) variable: applying it builds a rigid
//! term, and read-back (the interpreter's `normalise`) applies functions to
//! fresh rigid variables to go under binders.

use std::fmt;

/// The representation of a value: what kind of machine word holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rep {
    /// A boxed, possibly unevaluated heap pointer (a GC pointer).
    Value,
    /// A 64-bit two's-complement integer, unboxed. Chars are Int64 too.
    Int64,
    /// An IEEE 754 binary64, unboxed.
    Float64,
}

impl Rep {
    /// The name used by the text form: `value`, `i64`, `f64`.
    pub fn name(self) -> &'static str {
        match self {
            Rep::Value => "value",
            Rep::Int64 => "i64",
            Rep::Float64 => "f64",
        }
    }
}

impl fmt::Display for Rep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! entity {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The index of this entity in its table.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", $prefix, self.0)
            }
        }
    };
}

entity!(
    /// A local binder (λ parameter, let, case binder or field), an index
    /// into [`Module::vars`]. Every binder in a module has its own id.
    VarId,
    "v"
);
entity!(
    /// A top-level definition, an index into [`Module::defs`].
    GlobalId,
    "g"
);
entity!(
    /// A declared data type, an index into [`Module::datas`].
    DataId,
    "d"
);

/// A constructor: the data type and the constructor's index (its tag) in
/// declaration order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConRef {
    /// The data type the constructor belongs to.
    pub data: DataId,
    /// The constructor's index in the data type's [`DataDecl::cons`].
    pub tag: u32,
}

/// A local binder's name hint and representation.
#[derive(Clone, Debug, PartialEq)]
pub struct VarInfo {
    /// The name the front end gave (a hint: the printer makes names unique).
    pub name: String,
    /// The representation of the values the binder holds.
    pub rep: Rep,
}

/// A declared data type.
#[derive(Clone, Debug, PartialEq)]
pub struct DataDecl {
    /// The type's name, unique in the module.
    pub name: String,
    /// The constructors in declaration order: a constructor's index is its
    /// tag.
    pub cons: Vec<ConDecl>,
}

/// A constructor of a data type: its name (unique in the module) and the
/// representations of its fields, in source order. (The back end lays
/// pointer fields out first; Core does not care.)
#[derive(Clone, Debug, PartialEq)]
pub struct ConDecl {
    /// The constructor's name, unique in the module (across data types).
    pub name: String,
    /// The representation of each field, in source order.
    pub fields: Vec<Rep>,
}

/// A top-level definition. Top-level definitions are mutually recursive,
/// always `Value`, and shared: one that is not a λ is a CAF, evaluated at
/// most once.
#[derive(Clone, Debug, PartialEq)]
pub struct Def {
    /// The definition's name, unique in the module.
    pub name: String,
    /// The defining expression, a `Value`: a λ for a function, anything
    /// else for a CAF.
    pub body: Expr,
    /// Defined in another crate: this module refers to it, the other crate
    /// holds it (Note [Crate imports] in `rt/include/lull_rt.h`). The body
    /// of an imported definition is an `Error` that says so: only a whole
    /// program (every crate lowered into one module) can be interpreted.
    pub import: Option<Import>,
}

/// Where an imported definition lives: the crate's name and the symbol it
/// exports the definition under.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Import {
    /// The name of the crate that holds the definition.
    pub krate: String,
    /// The symbol that crate exports the definition under.
    pub symbol: String,
}

impl Import {
    /// The body an imported definition has in Core.
    pub fn body(&self) -> Expr {
        Expr::Error {
            rep: Rep::Value,
            msg: format!(
                "`{}` is imported from the crate `{}`: only a whole program can be interpreted",
                self.symbol, self.krate
            ),
            loc: None,
        }
    }
}

/// A literal.
#[derive(Clone, Copy, Debug)]
pub enum Lit {
    /// An `Int64` literal (also a character's code point).
    Int(i64),
    /// A `Float64` literal.
    ///
    /// Compared bitwise by `PartialEq` on the IR (so a `NaN` literal equals
    /// itself and `0.0` differs from `-0.0`); arithmetic follows IEEE 754.
    Float(f64),
}

/// IR equality: floats compare by their bits, see [`Lit::Float`].
impl PartialEq for Lit {
    fn eq(&self, other: &Lit) -> bool {
        match (self, other) {
            (Lit::Int(a), Lit::Int(b)) => a == b,
            (Lit::Float(a), Lit::Float(b)) => a.to_bits() == b.to_bits(),
            _ => false,
        }
    }
}

impl Lit {
    /// The literal's representation: `Int64` or `Float64`.
    pub fn rep(self) -> Rep {
        match self {
            Lit::Int(_) => Rep::Int64,
            Lit::Float(_) => Rep::Float64,
        }
    }
}

/// A string literal that unpacks lazily into a list. Core knows no list type,
/// so the literal names the constructors to build: `nil` (no fields),
/// `cons` (two `Value` fields: head and tail) and `chr` (one `Int64` field,
/// boxing a code point).
#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    /// The string; the list has one element per code point.
    pub text: String,
    /// The constructor of the empty list (no fields).
    pub nil: ConRef,
    /// The constructor of a non-empty list: head and tail, both `Value`.
    pub cons: ConRef,
    /// The constructor that boxes a character: one `Int64` field, its code
    /// point.
    pub chr: ConRef,
}

/// A source location carried by [`Expr::Error`] for run-time messages.
pub type Loc = String;

/// A Core expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A local variable.
    Var(VarId),
    /// A top-level definition.
    Global(GlobalId),
    /// An unboxed literal.
    Lit(Lit),
    /// A string literal (a `Value`: a lazily unpacked list).
    Str(Box<StrLit>),
    /// A rigid (free) variable with a name: an open term's head.
    Free(String),
    /// `\x y z. body`: parameters are `Value`, the body is `Value`.
    Lam(Vec<VarId>, Box<Expr>),
    /// `f a b`: an unknown call; `f` and every argument are `Value`.
    App(Box<Expr>, Vec<Expr>),
    /// `let x = e in body`: lazy, `x` and `e` are `Value`.
    Let(VarId, Box<Expr>, Box<Expr>),
    /// `strict x = e in body`: evaluates `e` first. One binder of `e`'s
    /// representation, or one binder per result of a primitive with
    /// several results.
    LetStrict(Vec<VarId>, Box<Expr>, Box<Expr>),
    /// `letrec x = e; y = f in body`: lazy, every binder is in scope in
    /// every bound expression; all `Value`.
    LetRec(Vec<(VarId, Expr)>, Box<Expr>),
    /// Evaluate the scrutinee, bind it to `binder`, choose an alternative.
    Case(Box<Case>),
    /// A saturated constructor application.
    Con(ConRef, Vec<Expr>),
    /// A saturated primitive operation.
    Prim(PrimOp, Vec<Expr>),
    /// Bottom: a run-time error with a message and a source location, of any
    /// representation.
    Error {
        /// The representation the expression has where it occurs.
        rep: Rep,
        /// The message the run-time error reports.
        msg: String,
        /// The source location of the error, when the front end knows it.
        loc: Option<Loc>,
    },
}

/// The parts of a `case`.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// The scrutinee, evaluated first (to weak head normal form when it is
    /// a `Value`).
    pub scrut: Expr,
    /// Bound to the evaluated scrutinee, in scope in every alternative.
    pub binder: VarId,
    /// Alternatives over constructors of one data type (when the scrutinee
    /// is a `Value`) or over literals of the scrutinee's representation.
    pub alts: Vec<Alt>,
    /// Taken when no alternative matches.
    pub default: Option<Expr>,
}

/// One alternative of a `case`.
#[derive(Clone, Debug, PartialEq)]
pub struct Alt {
    /// What the evaluated scrutinee must match; binds the fields of a
    /// constructor pattern.
    pub pat: Pat,
    /// Evaluated when the pattern matches, in the scope of its binders.
    pub body: Expr,
}

/// The pattern of an alternative.
#[derive(Clone, Debug, PartialEq)]
pub enum Pat {
    /// A constructor and one binder per field (of the field's representation).
    Con(ConRef, Vec<VarId>),
    /// A literal of the scrutinee's representation.
    Lit(Lit),
}

/// A Core module: data types, local binder table, top-level definitions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    /// The declared data types, indexed by [`DataId`].
    pub datas: Vec<DataDecl>,
    /// Every local binder of every definition, indexed by [`VarId`].
    pub vars: Vec<VarInfo>,
    /// The top-level definitions, indexed by [`GlobalId`].
    pub defs: Vec<Def>,
}

impl Module {
    /// The name hint and representation of binder `v`. Panics when `v` is
    /// out of range.
    pub fn var(&self, v: VarId) -> &VarInfo {
        &self.vars[v.index()]
    }

    /// The top-level definition `g`. Panics when `g` is out of range.
    pub fn def(&self, g: GlobalId) -> &Def {
        &self.defs[g.index()]
    }

    /// The declaration of data type `d`. Panics when `d` is out of range.
    pub fn data(&self, d: DataId) -> &DataDecl {
        &self.datas[d.index()]
    }

    /// The declaration of constructor `c`. Panics when `c` names no
    /// declared constructor.
    pub fn con(&self, c: ConRef) -> &ConDecl {
        &self.datas[c.data.index()].cons[c.tag as usize]
    }

    /// The top-level definition with this name, if any.
    pub fn find_def(&self, name: &str) -> Option<GlobalId> {
        self.defs.iter().position(|d| d.name == name).map(|i| GlobalId(i as u32))
    }

    /// The constructor with this name, if any.
    pub fn find_con(&self, name: &str) -> Option<ConRef> {
        self.datas.iter().enumerate().find_map(|(d, data)| {
            data.cons.iter().position(|c| c.name == name).map(|tag| ConRef { data: DataId(d as u32), tag: tag as u32 })
        })
    }
}

/// A primitive operation. Operands are evaluated left to right before the
/// operation runs; see [`PrimOp::signature`] for the representations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrimOp {
    // Int64 arithmetic: wraps on overflow.
    /// `a + b`, wrapping on overflow.
    IAdd,
    /// `a - b`, wrapping on overflow.
    ISub,
    /// `a * b`, wrapping on overflow.
    IMul,
    /// Truncating division; a zero divisor, or `MIN / -1`, is a run-time error.
    IQuot,
    /// Remainder of `IQuot`; same errors.
    IRem,
    /// `-a`, wrapping on overflow (the negation of `MIN` is `MIN`).
    INeg,
    /// Bitwise and.
    IAnd,
    /// Bitwise or.
    IOr,
    /// Bitwise exclusive or.
    IXor,
    /// Shift left by the operand modulo 64.
    IShl,
    /// Arithmetic shift right by the operand modulo 64.
    IShr,
    // Int64 comparisons: 1 when true, 0 when false.
    /// `a == b` on `Int64`s: 1 when true, 0 when false.
    IEq,
    /// `a != b` on `Int64`s: 1 when true, 0 when false.
    INe,
    /// `a < b` (signed): 1 when true, 0 when false.
    ILt,
    /// `a <= b` (signed): 1 when true, 0 when false.
    ILe,
    /// `a > b` (signed): 1 when true, 0 when false.
    IGt,
    /// `a >= b` (signed): 1 when true, 0 when false.
    IGe,
    // Float64 arithmetic (IEEE 754).
    /// `a + b` (IEEE 754).
    FAdd,
    /// `a - b` (IEEE 754).
    FSub,
    /// `a * b` (IEEE 754).
    FMul,
    /// `a / b` (IEEE 754: dividing by zero gives an infinity or NaN, not an
    /// error).
    FDiv,
    /// `-a`: flips the sign bit (of zeros and NaNs too).
    FNeg,
    // Float64 comparisons (IEEE 754: every comparison with NaN is 0 but `FNe`).
    /// `a == b` on `Float64`s: 1 when true, 0 when false (0 with a NaN;
    /// `0.0` equals `-0.0`).
    FEq,
    /// `a != b` on `Float64`s: 1 when true, 0 when false (1 with a NaN).
    FNe,
    /// `a < b` on `Float64`s: 1 when true, 0 when false (0 with a NaN).
    FLt,
    /// `a <= b` on `Float64`s: 1 when true, 0 when false (0 with a NaN).
    FLe,
    /// `a > b` on `Float64`s: 1 when true, 0 when false (0 with a NaN).
    FGt,
    /// `a >= b` on `Float64`s: 1 when true, 0 when false (0 with a NaN).
    FGe,
    /// Int64 to Float64 (nearest).
    IToF,
    /// Float64 to Int64, truncating toward zero (saturating; NaN is 0).
    FToI,
    /// `(token, char) -> token`: writes one code point to standard output
    /// as UTF-8.
    PutChar,
    /// `token -> (token, char)`: reads one code point from standard input;
    /// -1 at end of input.
    GetChar,
    /// `value -> i64`: the constructor number (0-based, declaration order)
    /// of the evaluated operand; -1 when it is not a constructor.
    ConTag,
    /// `value -> i64`: the index in [`Module::datas`] of the data type of
    /// the evaluated operand's constructor; -1 when it is not a constructor.
    DataId,
    // Float64 functions of libm (glibc's results, in both engines).
    /// `sqrt(x)`: the square root (NaN for a negative operand).
    FSqrt,
    /// `exp(x)`: e to the power `x`.
    FExp,
    /// `log(x)`: the natural logarithm (`-inf` at zero, NaN below).
    FLog,
    /// `sin(x)`, `x` in radians.
    FSin,
    /// `cos(x)`, `x` in radians.
    FCos,
    /// `tan(x)`, `x` in radians.
    FTan,
    /// `atan2(y, x)`.
    FAtan2,
    /// `pow(x, y)`.
    FPow,
    /// `(f64, i) -> i64`: the code of character `i` (0-based) of Haskell's
    /// `show` of the double; -1 when `i` is out of range.
    FShowChar,
    /// `(m, e) -> f64`: the double nearest to `m * 10^e`.
    FDec,
    /// `(c, which) -> i64`: a Unicode property of code point `c` (as GHC
    /// 9.0.2's Data.Char has them, Unicode 12.1): `which` 0 its general
    /// category (GHC's `GeneralCategory` order, 29 unassigned), 1 its simple
    /// upper-case mapping, 2 its simple lower-case mapping (`c` itself when
    /// it has none, or when `c` is no code point).
    UniProp,
    /// `(token, handle, char) -> token`: writes a code point (UTF-8) to a
    /// handle: 1 standard output, 2 standard error, >= 3 a file of `HOpen`.
    HPutChar,
    /// `(token, handle) -> (token, char)`: reads a code point from handle
    /// 0 (standard input) or a file; -1 at end.
    HGetChar,
    /// `(token, handle) -> token`: flushes a handle (committing its
    /// pending output first, see `HCommit`).
    HFlush,
    /// `(token, handle, mode) -> token`: holding back standard output
    /// (handle 1; a no-op for others). Mode 2 starts holding back what
    /// `HPutChar` writes to it; mode 1 makes what was held back part of
    /// the output and mode 0 drops it, both ending the hold. Outside a
    /// hold, `HPutChar` writes at once. `hPutStr` holds back its string,
    /// so that a run-time error in the middle of it loses that string's
    /// pending part, as in GHC (Note [Pending output] in rt/src/io.c).
    HCommit,
    /// `(token, handle) -> token`: flushes and closes a file handle (no-op
    /// for 0, 1, 2).
    HClose,
    /// `(token, char) -> token`: appends a code point to the pending path.
    PathChar,
    /// `(token, mode) -> (token, handle)`: opens the pending path (mode 0
    /// read, 1 write, 2 append) and clears it; failure is a run-time error.
    HOpen,
    /// `(token, status) -> token`: flushes the output and ends the program
    /// with that exit status.
    Exit,
    /// `token -> (token, n)`: the number of program arguments.
    ArgCount,
    /// `(token, i, j) -> (token, char)`: code point `j` of program argument
    /// `i` (`i = -1`: the program's name); -1 past the end.
    ArgChar,
    // Procs (Lull.Proc; docs/procs.md).
    /// `(token, action, memory, ticks) -> (token, pid)`: starts a proc that
    /// runs `action` (an IO action: a function of the token) with budgets
    /// of `memory` bytes and `ticks` closure entries (0: unlimited). The
    /// action is copied into the new proc's heap as it is (unevaluated
    /// parts included).
    Spawn,
    /// `token -> (token, pid)`: the running proc's number (main is 1).
    ProcSelf,
    /// `token -> (token, chan)`: a new, empty channel.
    NewChan,
    /// `(token, chan, value) -> token`: appends a copy of `value` to the
    /// channel (the caller forces it to normal form first).
    Send,
    /// `(token, chan) -> (token, value)`: takes the oldest message of the
    /// channel, waiting while it is empty.
    Recv,
    /// `(token, pid) -> (token, kind)`: waits for the proc to end; its exit
    /// reason: 0 normal, 1 an error (its text: `ExitChar`), 2 out of
    /// memory, 3 out of ticks. An unknown pid is a run-time error.
    Wait,
    /// `(token, pid, j) -> (token, char)`: code point `j` of the error
    /// message of an ended proc; -1 past the end.
    ExitChar,
    /// `token -> token`: lets the other procs run first.
    Yield,
}

/// What a primitive takes and gives, and whether it has an effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrimSig {
    /// The representations of the operands, in order.
    pub args: &'static [Rep],
    /// The representations of the results, in order (more than one only
    /// for effectful primitives that also give back a value).
    pub results: &'static [Rep],
    /// Effectful primitives take the token first and return it first.
    pub effect: bool,
}

impl PrimOp {
    /// Every primitive, in a fixed order.
    pub const ALL: &'static [PrimOp] = &[
        PrimOp::IAdd,
        PrimOp::ISub,
        PrimOp::IMul,
        PrimOp::IQuot,
        PrimOp::IRem,
        PrimOp::INeg,
        PrimOp::IAnd,
        PrimOp::IOr,
        PrimOp::IXor,
        PrimOp::IShl,
        PrimOp::IShr,
        PrimOp::IEq,
        PrimOp::INe,
        PrimOp::ILt,
        PrimOp::ILe,
        PrimOp::IGt,
        PrimOp::IGe,
        PrimOp::FAdd,
        PrimOp::FSub,
        PrimOp::FMul,
        PrimOp::FDiv,
        PrimOp::FNeg,
        PrimOp::FEq,
        PrimOp::FNe,
        PrimOp::FLt,
        PrimOp::FLe,
        PrimOp::FGt,
        PrimOp::FGe,
        PrimOp::IToF,
        PrimOp::FToI,
        PrimOp::PutChar,
        PrimOp::GetChar,
        PrimOp::ConTag,
        PrimOp::DataId,
        PrimOp::FSqrt,
        PrimOp::FExp,
        PrimOp::FLog,
        PrimOp::FSin,
        PrimOp::FCos,
        PrimOp::FTan,
        PrimOp::FAtan2,
        PrimOp::FPow,
        PrimOp::FShowChar,
        PrimOp::FDec,
        PrimOp::UniProp,
        PrimOp::HPutChar,
        PrimOp::HGetChar,
        PrimOp::HFlush,
        PrimOp::HCommit,
        PrimOp::HClose,
        PrimOp::PathChar,
        PrimOp::HOpen,
        PrimOp::Exit,
        PrimOp::ArgCount,
        PrimOp::ArgChar,
        PrimOp::Spawn,
        PrimOp::ProcSelf,
        PrimOp::NewChan,
        PrimOp::Send,
        PrimOp::Recv,
        PrimOp::Wait,
        PrimOp::ExitChar,
        PrimOp::Yield,
    ];

    /// The name in the text form, e.g. `iadd`.
    pub fn name(self) -> &'static str {
        use PrimOp::*;
        match self {
            IAdd => "iadd",
            ISub => "isub",
            IMul => "imul",
            IQuot => "iquot",
            IRem => "irem",
            INeg => "ineg",
            IAnd => "iand",
            IOr => "ior",
            IXor => "ixor",
            IShl => "ishl",
            IShr => "ishr",
            IEq => "ieq",
            INe => "ine",
            ILt => "ilt",
            ILe => "ile",
            IGt => "igt",
            IGe => "ige",
            FAdd => "fadd",
            FSub => "fsub",
            FMul => "fmul",
            FDiv => "fdiv",
            FNeg => "fneg",
            FEq => "feq",
            FNe => "fne",
            FLt => "flt",
            FLe => "fle",
            FGt => "fgt",
            FGe => "fge",
            IToF => "itof",
            FToI => "ftoi",
            PutChar => "putchar",
            GetChar => "getchar",
            ConTag => "contag",
            DataId => "dataid",
            FSqrt => "fsqrt",
            FExp => "fexp",
            FLog => "flog",
            FSin => "fsin",
            FCos => "fcos",
            FTan => "ftan",
            FAtan2 => "fatan2",
            FPow => "fpow",
            UniProp => "uniprop",
            FShowChar => "fshowchar",
            FDec => "fdec",
            HPutChar => "hputchar",
            HGetChar => "hgetchar",
            HFlush => "hflush",
            HCommit => "hcommit",
            HClose => "hclose",
            PathChar => "pathchar",
            HOpen => "hopen",
            Exit => "exit",
            ArgCount => "argcount",
            ArgChar => "argchar",
            Spawn => "spawn",
            ProcSelf => "procself",
            NewChan => "newchan",
            Send => "send",
            Recv => "recv",
            Wait => "wait",
            ExitChar => "exitchar",
            Yield => "yield",
        }
    }

    /// The primitive with this text-form name.
    pub fn from_name(name: &str) -> Option<PrimOp> {
        PrimOp::ALL.iter().copied().find(|p| p.name() == name)
    }

    /// The representations of the primitive's operands and results, and
    /// whether it has an effect: what the verifiers check each use against.
    pub fn signature(self) -> PrimSig {
        use PrimOp::*;
        use Rep::*;
        const II_I: &[Rep] = &[Int64, Int64];
        const FF: &[Rep] = &[Float64, Float64];
        const I: &[Rep] = &[Int64];
        const F: &[Rep] = &[Float64];
        let pure = |args, results| PrimSig { args, results, effect: false };
        match self {
            IAdd | ISub | IMul | IQuot | IRem | IAnd | IOr | IXor | IShl | IShr => pure(II_I, I),
            IEq | INe | ILt | ILe | IGt | IGe => pure(II_I, I),
            INeg => pure(I, I),
            FAdd | FSub | FMul | FDiv => pure(FF, F),
            FNeg => pure(F, F),
            FEq | FNe | FLt | FLe | FGt | FGe => pure(FF, I),
            IToF => pure(I, F),
            FToI => pure(F, I),
            PutChar => PrimSig { args: &[Value, Int64], results: &[Value], effect: true },
            GetChar => PrimSig { args: &[Value], results: &[Value, Int64], effect: true },
            ConTag | DataId => pure(&[Value], I),
            FSqrt | FExp | FLog | FSin | FCos | FTan => pure(F, F),
            FAtan2 | FPow => pure(FF, F),
            UniProp => pure(&[Int64, Int64], I),
            FShowChar => pure(&[Float64, Int64], I),
            FDec => pure(II_I, F),
            HPutChar | HCommit => PrimSig { args: &[Value, Int64, Int64], results: &[Value], effect: true },
            HGetChar => PrimSig { args: &[Value, Int64], results: &[Value, Int64], effect: true },
            HFlush | HClose | PathChar | Exit => PrimSig { args: &[Value, Int64], results: &[Value], effect: true },
            HOpen => PrimSig { args: &[Value, Int64], results: &[Value, Int64], effect: true },
            ArgCount => PrimSig { args: &[Value], results: &[Value, Int64], effect: true },
            ArgChar => PrimSig { args: &[Value, Int64, Int64], results: &[Value, Int64], effect: true },
            Spawn => PrimSig { args: &[Value, Value, Int64, Int64], results: &[Value, Int64], effect: true },
            ProcSelf | NewChan => PrimSig { args: &[Value], results: &[Value, Int64], effect: true },
            Send => PrimSig { args: &[Value, Int64, Value], results: &[Value], effect: true },
            Recv => PrimSig { args: &[Value, Int64], results: &[Value, Value], effect: true },
            Wait => PrimSig { args: &[Value, Int64], results: &[Value, Int64], effect: true },
            ExitChar => PrimSig { args: &[Value, Int64, Int64], results: &[Value, Int64], effect: true },
            Yield => PrimSig { args: &[Value], results: &[Value], effect: true },
        }
    }
}

impl fmt::Display for PrimOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Expr {
    /// Calls `f` on each direct sub-expression, in evaluation-independent
    /// order (scrutinee, alternatives, default; bound expressions before
    /// bodies). Walks that must not recurse on depth keep their own stack
    /// of children (Note [No recursion on term depth] in `core/mod.rs`).
    pub fn for_each_child<'a>(&'a self, mut f: impl FnMut(&'a Expr)) {
        match self {
            Expr::Var(_) | Expr::Global(_) | Expr::Lit(_) | Expr::Str(_) | Expr::Free(_) | Expr::Error { .. } => {}
            Expr::Lam(_, body) => f(body),
            Expr::App(g, args) => {
                f(g);
                args.iter().for_each(f);
            }
            Expr::Let(_, a, b) | Expr::LetStrict(_, a, b) => {
                f(a);
                f(b);
            }
            Expr::LetRec(binds, body) => {
                binds.iter().for_each(|(_, e)| f(e));
                f(body);
            }
            Expr::Case(c) => {
                f(&c.scrut);
                c.alts.iter().for_each(|a| f(&a.body));
                c.default.iter().for_each(f);
            }
            Expr::Con(_, args) | Expr::Prim(_, args) => args.iter().for_each(f),
        }
    }

    /// [`Expr::for_each_child`] with mutable access.
    pub fn for_each_child_mut<'a>(&'a mut self, mut f: impl FnMut(&'a mut Expr)) {
        match self {
            Expr::Var(_) | Expr::Global(_) | Expr::Lit(_) | Expr::Str(_) | Expr::Free(_) | Expr::Error { .. } => {}
            Expr::Lam(_, body) => f(body),
            Expr::App(g, args) => {
                f(g);
                args.iter_mut().for_each(f);
            }
            Expr::Let(_, a, b) | Expr::LetStrict(_, a, b) => {
                f(a);
                f(b);
            }
            Expr::LetRec(binds, body) => {
                binds.iter_mut().for_each(|(_, e)| f(e));
                f(body);
            }
            Expr::Case(c) => {
                let c = &mut **c;
                f(&mut c.scrut);
                c.alts.iter_mut().for_each(|a| f(&mut a.body));
                c.default.iter_mut().for_each(f);
            }
            Expr::Con(_, args) | Expr::Prim(_, args) => args.iter_mut().for_each(f),
        }
    }
}

/// Drop deep expressions without recursion: Rust's derived `Drop` recurses
/// on the depth of the tree, and a stack overflow aborts the process.
/// See Note [No recursion on term depth] in `core/mod.rs`.
impl Drop for Expr {
    fn drop(&mut self) {
        // Fast path: leaves own no sub-expressions.
        if matches!(
            self,
            Expr::Var(_) | Expr::Global(_) | Expr::Lit(_) | Expr::Free(_) | Expr::Str(_) | Expr::Error { .. }
        ) {
            return;
        }
        let mut stack: Vec<Expr> = Vec::new();
        take_children(self, &mut stack);
        while let Some(mut e) = stack.pop() {
            take_children(&mut e, &mut stack);
            // `e` now owns no sub-expressions; dropping it does not recurse.
        }
    }
}

/// Move the direct sub-expressions of `e` onto `out`, leaving cheap
/// placeholders behind.
fn take_children(e: &mut Expr, out: &mut Vec<Expr>) {
    e.for_each_child_mut(|c| out.push(std::mem::replace(c, Expr::Lit(Lit::Int(0)))));
}
