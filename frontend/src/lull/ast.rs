//! The syntax tree of Lull (LANGUAGE.md section 1), as the parser builds it.
//!
//! Every node carries the [`Span`] of the source it came from. Operator
//! expressions and infix patterns are kept as flat sequences
//! ([`Expr::OpSeq`], [`Pat::OpSeq`]) until fixity resolution (`fixity.rs`),
//! which happens after parsing because fixity declarations may follow their
//! use; resolution replaces them with [`Expr::BinOp`] / [`Expr::Neg`] /
//! [`Pat::Con`] nodes, so later passes never see an `OpSeq`.
//!
//! Names are plain strings: Lull has no qualified names (the parser rejects
//! them with a diagnostic naming the feature). Operators are names too:
//! `+` is the variable `+`, `:` and `:+` are constructors.
//!
//! Deep trees: see Note [Depth of the syntax tree] in `lull/depth.rs`:
//! the parser rejects trees nested deeper than `MAX_NESTING`, and `Drop`
//! of these types does not recurse on depth.

use crate::span::Span;

/// A name with where it was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A whole source file.
#[derive(Debug)]
pub struct Module {
    /// `module Main (main) where`: the name and the export list as written.
    pub header: Option<ModuleHeader>,
    pub imports: Vec<Import>,
    pub decls: Vec<Decl>,
    pub span: Span,
}

#[derive(Debug)]
pub struct ModuleHeader {
    pub name: Name,
    /// `None` when there is no export list.
    pub exports: Option<Vec<ImportItem>>,
    pub span: Span,
}

/// `import Data.List (sort, nub)` / `import Data.Char hiding (ord)`.
#[derive(Debug)]
pub struct Import {
    /// The dotted module name as one string, e.g. `Data.List`.
    pub module: Name,
    /// `import qualified ...` (parsed so that it can be rejected clearly).
    pub qualified: bool,
    /// `as M` (parsed so that it can be rejected clearly).
    pub alias: Option<Name>,
    pub items: Option<Vec<ImportItem>>,
    pub hiding: bool,
    pub span: Span,
}

/// An item of an import or export list: `sort`, `(+)`, `Maybe`,
/// `ExitCode(..)`, `BufferMode(NoBuffering, LineBuffering)`.
#[derive(Debug)]
pub struct ImportItem {
    pub name: Name,
    pub subordinates: Option<Subordinates>,
    pub span: Span,
}

#[derive(Debug)]
pub enum Subordinates {
    /// `T(..)`
    All,
    /// `T(A, B)`
    Some(Vec<Name>),
}

/// A declaration at the top level, in `let`, or in `where`.
#[derive(Debug)]
pub enum Decl {
    Data(DataDecl),
    Newtype(NewtypeDecl),
    TypeSyn(TypeSynDecl),
    Sig(SigDecl),
    Fixity(FixityDecl),
    /// One equation of a function, `f p1 p2 | g = e where ...`. Consecutive
    /// equations of one function are grouped by the renamer.
    FunClause(FunClause),
    /// `(q, r) = divMod n 10`, `x = 1`: a pattern binding (a plain variable
    /// is a pattern binding too, as in Haskell).
    PatBind(PatBind),
    /// A Haskell declaration Lull does not support (`class`, `instance`,
    /// `deriving instance`, `default`, `foreign`, ...), kept so that the
    /// front end can name it in a diagnostic.
    Unsupported {
        feature: &'static str,
        span: Span,
    },
}

/// `data T a b = K1 t1 !t2 | K2 { ... } deriving (Show, Eq)`.
#[derive(Debug)]
pub struct DataDecl {
    /// A context before the type (`data Eq a => T a`), rejected later.
    pub context: Vec<Constraint>,
    pub name: Name,
    pub params: Vec<Name>,
    pub cons: Vec<ConDecl>,
    pub deriving: Vec<Name>,
    pub span: Span,
}

#[derive(Debug)]
pub struct ConDecl {
    pub name: Name,
    pub fields: Vec<Field>,
    /// Record syntax `K { x :: Int }` was used (rejected later: records are
    /// not part of Lull).
    pub record: bool,
    /// Declared infix (`t1 :+ t2`, ``t1 `K` t2``): derived `show` prints it
    /// infix, as GHC does.
    pub infix: bool,
    pub span: Span,
}

#[derive(Debug)]
pub struct Field {
    /// `!t`
    pub strict: bool,
    pub ty: Type,
}

/// `newtype N a = K t deriving (...)`.
#[derive(Debug)]
pub struct NewtypeDecl {
    pub name: Name,
    pub params: Vec<Name>,
    pub con: Name,
    pub field: Type,
    pub deriving: Vec<Name>,
    pub span: Span,
}

/// `type S a = t`.
#[derive(Debug)]
pub struct TypeSynDecl {
    pub name: Name,
    pub params: Vec<Name>,
    pub ty: Type,
    pub span: Span,
}

/// `f, g :: Ctx => t`.
#[derive(Debug)]
pub struct SigDecl {
    pub names: Vec<Name>,
    pub context: Vec<Constraint>,
    pub ty: Type,
    pub span: Span,
}

/// `Eq a` in a context: a class name and its argument type.
#[derive(Debug)]
pub struct Constraint {
    pub class: Name,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assoc {
    Left,
    Right,
    None,
}

/// `infixl 6 <+>, `plus``.
#[derive(Debug)]
pub struct FixityDecl {
    pub assoc: Assoc,
    /// 0..=9; 9 when omitted.
    pub prec: u8,
    pub ops: Vec<Name>,
    pub span: Span,
}

#[derive(Debug)]
pub struct FunClause {
    pub name: Name,
    /// Written infix, as in ``x `op` y = ...`` or `x <+> y = ...`.
    pub infix: bool,
    pub args: Vec<Pat>,
    pub rhs: Rhs,
    pub span: Span,
}

#[derive(Debug)]
pub struct PatBind {
    pub pat: Pat,
    pub rhs: Rhs,
    pub span: Span,
}

/// The right-hand side of an equation, a pattern binding or a case
/// alternative, with its `where` declarations.
#[derive(Debug)]
pub struct Rhs {
    pub body: RhsBody,
    pub wheres: Vec<Decl>,
    pub span: Span,
}

#[derive(Debug)]
pub enum RhsBody {
    /// `= e` (or `-> e` in a case alternative).
    Plain(Expr),
    /// `| g1, g2 = e1 | g3 = e2`.
    Guarded(Vec<GuardedExpr>),
}

#[derive(Debug)]
pub struct GuardedExpr {
    pub guards: Vec<Guard>,
    pub body: Expr,
    pub span: Span,
}

/// One guard qualifier (Haskell 2010 section 3.13).
#[derive(Debug)]
pub enum Guard {
    /// A boolean guard.
    Bool(Expr),
    /// `let decls`.
    Let(Vec<Decl>, Span),
    /// A pattern guard `p <- e`.
    Pat(Pat, Expr),
}

/// A literal as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// Decimal or `0x`; kept wide so that the type checker can report
    /// literals that do not fit `Int`.
    Int(u128),
    Float(f64),
    Char(char),
    String(String),
}

#[derive(Debug)]
pub enum Expr {
    Var(Name),
    Con(Name),
    Lit(Literal, Span),
    /// `f a b`: a head and at least one argument.
    App(Box<Expr>, Vec<Expr>, Span),
    /// An operator expression before fixity resolution: operands and
    /// operators alternate; a leading `-` is unary minus.
    OpSeq(Vec<OpItem>, Span),
    /// After fixity resolution: `l op r` (`op` a variable or constructor
    /// operator, or a backticked name).
    BinOp(Name, Box<Expr>, Box<Expr>, Span),
    /// After fixity resolution: unary minus.
    Neg(Box<Expr>, Span),
    /// `(e op)`.
    LeftSection(Box<Expr>, Name, Span),
    /// `(op e)` (never `(- e)`, which is negation).
    RightSection(Name, Box<Expr>, Span),
    /// `\p1 p2 -> e`.
    Lam(Vec<Pat>, Box<Expr>, Span),
    Let(Vec<Decl>, Box<Expr>, Span),
    If(Box<Expr>, Box<Expr>, Box<Expr>, Span),
    Case(Box<Expr>, Vec<Alt>, Span),
    Do(Vec<Stmt>, Span),
    /// `(a, b, ...)`, two or more components.
    Tuple(Vec<Expr>, Span),
    /// `()`
    Unit(Span),
    /// `[a, b, c]` (possibly empty).
    List(Vec<Expr>, Span),
    /// `[from..]`, `[from, then..]`, `[from..to]`, `[from, then..to]`.
    Range {
        from: Box<Expr>,
        then: Option<Box<Expr>>,
        to: Option<Box<Expr>>,
        span: Span,
    },
    /// `[e | quals]`.
    Comprehension(Box<Expr>, Vec<Stmt>, Span),
    /// `e :: t`.
    Ann(Box<Expr>, Type, Span),
    /// `(e)`, kept for spans and for telling `(- 1)` from `- 1`.
    Paren(Box<Expr>, Span),
}

/// An item of an operator sequence.
#[derive(Debug)]
pub enum OpItem {
    Operand(Expr),
    /// An operator: a symbol (`+`, `:`) or a backticked name (`` `div` ``).
    Op(Name),
    /// `-` in prefix position (unary minus).
    Minus(Span),
}

#[derive(Debug)]
pub struct Alt {
    pub pat: Pat,
    pub rhs: Rhs,
    pub span: Span,
}

/// A statement of a `do` block or a qualifier of a list comprehension.
#[derive(Debug)]
pub enum Stmt {
    /// `p <- e`
    Bind(Pat, Expr, Span),
    /// `let decls`
    Let(Vec<Decl>, Span),
    /// `e` (in a comprehension: a boolean guard)
    Expr(Expr, Span),
}

#[derive(Debug)]
pub enum Pat {
    Var(Name),
    Wild(Span),
    Lit(Literal, Span),
    /// `-5`, `-2.5` as a pattern.
    NegLit(Literal, Span),
    /// `K p1 p2` (also an infix constructor after fixity resolution).
    Con(Name, Vec<Pat>, Span),
    /// Infix patterns before fixity resolution: operands and constructor
    /// operators alternate (`x : y : ys`, ``a `K` b``).
    OpSeq(Vec<PatItem>, Span),
    Tuple(Vec<Pat>, Span),
    Unit(Span),
    List(Vec<Pat>, Span),
    /// `x@p`
    As(Name, Box<Pat>, Span),
    /// `~p`
    Lazy(Box<Pat>, Span),
    /// `!p` (a bang pattern; rejected later: not Haskell 2010).
    Bang(Box<Pat>, Span),
    /// `(p)`
    Paren(Box<Pat>, Span),
    /// `(p :: t)` (rejected later: not Haskell 2010).
    Sig(Box<Pat>, Type, Span),
}

#[derive(Debug)]
pub enum PatItem {
    Operand(Pat),
    Op(Name),
}

#[derive(Debug)]
pub enum Type {
    /// `a`
    Var(Name),
    /// `Int`, `Maybe`, `[]`, `(->)`, `(,)`
    Con(Name),
    /// `t1 t2 ...`
    App(Box<Type>, Vec<Type>, Span),
    /// `a -> b`
    Fun(Box<Type>, Box<Type>, Span),
    /// `[t]`
    List(Box<Type>, Span),
    /// `(t1, t2, ...)`, two or more.
    Tuple(Vec<Type>, Span),
    /// `()`
    Unit(Span),
    /// `(t)`
    Paren(Box<Type>, Span),
}

// Spans of nodes: one definition, shared by the parser, the depth check,
// fixity resolution and the type checker.

/// The span of an expression.
pub fn expr_span(e: &Expr) -> Span {
    match e {
        Expr::Var(n) | Expr::Con(n) => n.span,
        Expr::Lit(_, s)
        | Expr::App(_, _, s)
        | Expr::OpSeq(_, s)
        | Expr::BinOp(_, _, _, s)
        | Expr::Neg(_, s)
        | Expr::LeftSection(_, _, s)
        | Expr::RightSection(_, _, s)
        | Expr::Lam(_, _, s)
        | Expr::Let(_, _, s)
        | Expr::If(_, _, _, s)
        | Expr::Case(_, _, s)
        | Expr::Do(_, s)
        | Expr::Tuple(_, s)
        | Expr::Unit(s)
        | Expr::List(_, s)
        | Expr::Comprehension(_, _, s)
        | Expr::Ann(_, _, s)
        | Expr::Paren(_, s) => *s,
        Expr::Range { span, .. } => *span,
    }
}

/// The span of a pattern.
pub fn pat_span(p: &Pat) -> Span {
    match p {
        Pat::Var(n) => n.span,
        Pat::Wild(s)
        | Pat::Lit(_, s)
        | Pat::NegLit(_, s)
        | Pat::Con(_, _, s)
        | Pat::OpSeq(_, s)
        | Pat::Tuple(_, s)
        | Pat::Unit(s)
        | Pat::List(_, s)
        | Pat::As(_, _, s)
        | Pat::Lazy(_, s)
        | Pat::Bang(_, s)
        | Pat::Paren(_, s)
        | Pat::Sig(_, _, s) => *s,
    }
}

/// The span of a type.
pub fn type_span(t: &Type) -> Span {
    match t {
        Type::Var(n) | Type::Con(n) => n.span,
        Type::App(_, _, s)
        | Type::Fun(_, _, s)
        | Type::List(_, s)
        | Type::Tuple(_, s)
        | Type::Unit(s)
        | Type::Paren(_, s) => *s,
    }
}

/// The span of a declaration.
pub fn decl_span(d: &Decl) -> Span {
    match d {
        Decl::Data(x) => x.span,
        Decl::Newtype(x) => x.span,
        Decl::TypeSyn(x) => x.span,
        Decl::Sig(x) => x.span,
        Decl::Fixity(x) => x.span,
        Decl::FunClause(x) => x.span,
        Decl::PatBind(x) => x.span,
        Decl::Unsupported { span, .. } => *span,
    }
}
