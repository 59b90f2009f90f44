//! The Core text form: parsing. [`parse_module`] reads what
//! [`super::print::print_module`] writes (and what people write by hand in
//! filetests).
//!
//! # Syntax
//!
//! ```text
//! ; A comment runs from `;` to the end of the line.
//! data List { Nil, Cons(value, value) }      ; constructors and field reps
//! data Char { C(i64) }
//! data FBox { F(f64) }
//! data Void {}
//!
//! def main =
//!   let xs = Cons(I(1), Nil) in                ; lazy let (binder is `value`)
//!   strict n: i64 = iadd(1, 2) in              ; strict let, binder's rep
//!   strict (t, c: i64) = getchar(@tok) in      ; multi-result primitive
//!   letrec ones = Cons(one, ones),             ; letrec: all binders scope
//!     one = I(1) in                            ;   over all bound expressions
//!   case xs as s {                             ; case with a binder
//!     Cons(h, t2) -> @twice (\x. x) h,         ; constructor alternative
//!     _ -> error[value] "empty" @ "main.lull:3:7",  ; default, last
//!   }
//! def twice = \f x. f (f x)                    ; λ, application, @global
//! def lits = F(case 0 as k: i64 { 0 -> 1.5, -5 -> -0.0, _ -> nan })
//! def text = str[Nil, Cons, C] "a\n\u{3bb}"     ; string literal and its constructors
//! def open = free "y"                          ; rigid variable
//! def map = import "lib" "Prelude.map"         ; defined in another crate
//! ```
//!
//! * **Names.** Local variables, constructors and primitives are bare
//!   identifiers `[A-Za-z_][A-Za-z0-9_']*` that are not keywords (`data def
//!   let strict letrec in case as free error str import _ nan inf`). A bare
//!   identifier in an expression is, in this order: a local variable in
//!   scope, a primitive (then an argument list must follow), a constructor.
//!   Globals are written `@name`. Names of globals, data types and
//!   constructors that are not bare identifiers are written between
//!   backticks with the string escapes: ``@`my def` ``, `` `iadd`(x) ``
//!   (a constructor named like a primitive). A backticked name in an
//!   expression or pattern is always a constructor.
//! * **Binders** are `name` or `name: rep` with `rep` one of `value`, `i64`,
//!   `f64`; without an annotation a binder is `value`. Every binder form
//!   accepts an annotation, so that ill-represented modules can be written
//!   for verifier tests.
//! * **Argument lists** of constructors and primitives follow the name
//!   directly, without a space: `Cons(h, t)`, `iadd(a, 1)`. A nullary
//!   constructor is just its name. With a space, `f (x)` is an application.
//! * **Application** is juxtaposition of atoms: `f a b` is one application
//!   with two arguments, `(f a) b` is an application of an application.
//!   Atoms are names, `@globals`, literals, `free "x"`, `error[...] "..."`,
//!   `str[...] "..."`, argument-list forms, `case ... { ... }` and
//!   parenthesised expressions.
//! * **Open-ended forms** `\x y. e`, `let`, `strict`, `letrec` extend as far
//!   as possible (to the next `,`, `)`, `}`, `in`, `as`, `def`, `data` or the
//!   end of input).
//! * **Literals**: integers are decimal `i64` (`-9223372036854775808` is
//!   fine); a float has a `.` or an exponent (`1.0`, `-0.0`, `1e300`), or is
//!   `inf`, `-inf`, `nan` (the canonical quiet NaN) or `nan0x<hex bits>` for
//!   any other NaN. Strings and quoted names use the escapes `\n \t \r \0 \\
//!   \" \` \u{HEX}`.
//! * **Case**: `case e as b { p -> e, ... }` where each pattern is a
//!   constructor with one binder per field, `Con(x, n: i64)`, a literal, or
//!   the default `_` (at most one, last). A trailing `,` is optional.
//! * **Errors**: `error[rep] "message"`, optionally `@ "file:line:col"`.
//! * **Strings**: `str[nil, cons, chr] "text"` names the three constructors
//!   the literal unpacks into.
//!
//! # Scoping and ids
//!
//! Definitions and data types may be used before they are declared.
//! Shadowing between nested scopes is allowed; the same name twice in one
//! binder group (the parameters of a λ, the binders of a `strict` or a
//! `letrec`, a case binder with the fields of one pattern) is an error, and
//! so are unknown names and ambiguous references (a global or constructor
//! name declared twice, which is otherwise left to the verifier to report).
//!
//! [`VarId`]s are allocated in the order a left-to-right reading meets the
//! binders, except that all binders of a `letrec` are allocated when its
//! `letrec` keyword is read. The module's `vars` table holds exactly the
//! binders of the text, with their names as hints. So parsing a printed
//! module gives the original up to a renumbering of [`VarId`]s (and dropped
//! unused table entries), and printing it again gives the same text.
//!
//! # Robustness
//!
//! The parser never panics, and never recurses on the nesting depth of the
//! input: expressions are parsed with an explicit stack of pending frames
//! (see Note [No recursion on term depth] in `core/mod.rs`).

use std::collections::HashMap;
use std::fmt;

use super::ir::*;
use super::text::lexer::{lex, Tok, Token};
use super::text::FxHashMap;

/// A syntax or name-resolution error, at a 1-based line and column
/// (counted in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The 1-based line.
    pub line: u32,
    /// The 1-based column, in characters.
    pub col: u32,
    /// What went wrong, usually naming what was expected.
    pub msg: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: error: {}", self.line, self.col, self.msg)
    }
}

impl std::error::Error for ParseError {}

/// Parse a module in the text form.
///
/// ```
/// use lull_middle::core::{parse::parse_module, print::print_module, verify::verify_module};
///
/// let m = parse_module("def twice = \\f x. f (f x)  ; a comment").unwrap();
/// assert!(verify_module(&m).is_ok());
/// assert_eq!(print_module(&m), "def twice = \\f x. f (f x)\n");
/// let err = parse_module("def f = \\x. y").unwrap_err();
/// assert_eq!(err.to_string(), "1:13: error: unknown variable or constructor `y`");
/// ```
pub fn parse_module(src: &str) -> Result<Module, ParseError> {
    let toks = lex(src)?;
    let letrec_binders = prescan_letrecs(&toks);
    let mut p = Parser {
        toks,
        pos: 0,
        module: Module::default(),
        globals: HashMap::new(),
        cons: HashMap::new(),
        scope: Scope::default(),
        letrec_binders,
        data_ends: HashMap::new(),
    };
    p.declarations()?;
    p.items()?;
    Ok(p.module)
}

type PResult<T> = Result<T, ParseError>;

/// Local variables in scope, with shadowing. Names are interned so that a
/// push or pop does not allocate.
#[derive(Default)]
struct Scope {
    symbols: FxHashMap<String, u32>,
    /// For each interned name, its binders, innermost last.
    stacks: Vec<Vec<VarId>>,
    /// The names pushed, innermost last.
    pushed: Vec<u32>,
}

impl Scope {
    fn push(&mut self, name: &str, v: VarId) {
        let sym = match self.symbols.get(name) {
            Some(&sym) => sym,
            None => {
                let sym = self.stacks.len() as u32;
                self.symbols.insert(name.to_string(), sym);
                self.stacks.push(Vec::new());
                sym
            }
        };
        if let Some(stack) = self.stacks.get_mut(sym as usize) {
            stack.push(v);
        }
        self.pushed.push(sym);
    }

    fn mark(&self) -> usize {
        self.pushed.len()
    }

    fn pop_to(&mut self, mark: usize) {
        while self.pushed.len() > mark {
            let Some(sym) = self.pushed.pop() else { break };
            if let Some(stack) = self.stacks.get_mut(sym as usize) {
                stack.pop();
            }
        }
    }

    fn lookup(&self, name: &str) -> Option<VarId> {
        let sym = *self.symbols.get(name)?;
        self.stacks.get(sym as usize).and_then(|s| s.last().copied())
    }
}

/// A binder as written: its name, position and representation.
#[derive(Clone)]
struct Binder {
    name: String,
    line: u32,
    col: u32,
    rep: Rep,
}

/// The parts of a `case` being parsed.
struct CaseState {
    scrut: Expr,
    binder: VarId,
    binder_name: String,
    alts: Vec<Alt>,
    default: Option<Expr>,
    mark: usize,
}

/// What an alternative whose body is being parsed matches.
enum Pending {
    Pat(Pat),
    Default,
}

/// A construct waiting for the expression being parsed.
enum Frame {
    /// Collecting the atoms of an application.
    App {
        head: Option<Expr>,
        args: Vec<Expr>,
    },
    Lam {
        params: Vec<VarId>,
        mark: usize,
    },
    LetBound {
        x: VarId,
        name: String,
    },
    LetBody {
        x: VarId,
        bound: Expr,
        mark: usize,
    },
    StrictBound {
        xs: Vec<(VarId, String)>,
    },
    StrictBody {
        xs: Vec<VarId>,
        bound: Expr,
        mark: usize,
    },
    LetrecBound {
        vars: Vec<VarId>,
        done: Vec<(VarId, Expr)>,
        mark: usize,
        letrec_tok: usize,
    },
    LetrecBody {
        binds: Vec<(VarId, Expr)>,
        mark: usize,
    },
    Paren,
    ConArgs {
        con: ConRef,
        args: Vec<Expr>,
    },
    PrimArgs {
        op: PrimOp,
        args: Vec<Expr>,
    },
    CaseScrut,
    CaseAlt {
        case: Box<CaseState>,
        pending: Pending,
        mark: usize,
    },
}

/// What the expression parser does next.
enum State {
    /// Parse an expression at the current token.
    Expr,
    /// Parse an atom at the current token (an `App` frame is on top).
    Atom,
    /// An expression is complete: give it to the frame on top.
    Value(Expr),
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    module: Module,
    globals: HashMap<String, Vec<GlobalId>>,
    cons: HashMap<String, Vec<ConRef>>,
    scope: Scope,
    /// For each `letrec` token, the token indices of its binders' names.
    letrec_binders: HashMap<usize, Vec<usize>>,
    /// For each `data` token, the index of the token after its declaration.
    data_ends: HashMap<usize, usize>,
}

/// Find the binder names of every `letrec` before parsing, so that the
/// bound expressions can refer to binders written after them. Follows the
/// bracket and `let`/`in` structure: a binder is the identifier after
/// `letrec` or after a `,` that belongs to the `letrec` itself.
fn prescan_letrecs(toks: &[Token]) -> HashMap<usize, Vec<usize>> {
    enum Open {
        Bracket,
        LetLike,
        Letrec(usize),
    }
    let is_ident = |i: usize| matches!(toks.get(i).map(|t| &t.tok), Some(Tok::Ident(_)));
    let mut stack: Vec<Open> = Vec::new();
    let mut out: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, t) in toks.iter().enumerate() {
        match t.tok {
            Tok::LParen | Tok::LBrace | Tok::LBracket => stack.push(Open::Bracket),
            Tok::RParen | Tok::RBrace | Tok::RBracket => {
                while let Some(o) = stack.pop() {
                    if matches!(o, Open::Bracket) {
                        break;
                    }
                }
            }
            Tok::Let | Tok::Strict => stack.push(Open::LetLike),
            Tok::Letrec => {
                stack.push(Open::Letrec(i));
                let names = out.entry(i).or_default();
                if is_ident(i + 1) {
                    names.push(i + 1);
                }
            }
            Tok::In => {
                if matches!(stack.last(), Some(Open::LetLike | Open::Letrec(_))) {
                    stack.pop();
                }
            }
            Tok::Comma => {
                if let Some(Open::Letrec(j)) = stack.last() {
                    if is_ident(i + 1) {
                        out.entry(*j).or_default().push(i + 1);
                    }
                }
            }
            Tok::Def | Tok::Data => stack.clear(),
            _ => {}
        }
    }
    out
}

/// Can this token start an atom (an argument of an application)?
fn starts_atom(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Ident(_)
            | Tok::Quoted(_)
            | Tok::At
            | Tok::Int(_)
            | Tok::Float(_)
            | Tok::Free
            | Tok::Error
            | Tok::StrKw
            | Tok::LParen
            | Tok::Case
    )
}

impl Parser {
    // ---- tokens ----

    fn cur(&self) -> &Token {
        // `lex` always ends the vector with `Eof` and `bump` never moves past it.
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn tok(&self) -> &Tok {
        &self.cur().tok
    }

    fn peek_tok(&self, ahead: usize) -> &Tok {
        self.toks.get(self.pos + ahead).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn bump(&mut self) {
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
    }

    fn error_at(&self, t: &Token, msg: impl Into<String>) -> ParseError {
        ParseError { line: t.line, col: t.col, msg: msg.into() }
    }

    fn error(&self, msg: impl Into<String>) -> ParseError {
        self.error_at(self.cur(), msg)
    }

    fn expected(&self, what: &str) -> ParseError {
        self.error(format!("expected {what}, found {}", self.tok().describe()))
    }

    /// Consume a keyword or punctuation token.
    fn expect(&mut self, t: Tok) -> PResult<()> {
        if *self.tok() == t {
            self.bump();
            Ok(())
        } else {
            Err(self.expected(&format!("`{}`", t.spelling())))
        }
    }

    fn eat(&mut self, t: Tok) -> bool {
        if *self.tok() == t {
            self.bump();
            true
        } else {
            false
        }
    }

    /// A global, data or constructor name: bare or backticked.
    fn name(&mut self, what: &str) -> PResult<String> {
        match self.tok() {
            Tok::Ident(s) | Tok::Quoted(s) => {
                let s = s.clone();
                self.bump();
                Ok(s)
            }
            _ => Err(self.expected(what)),
        }
    }

    fn string(&mut self, what: &str) -> PResult<String> {
        match self.tok() {
            Tok::Str(s) => {
                let s = s.clone();
                self.bump();
                Ok(s)
            }
            _ => Err(self.expected(what)),
        }
    }

    /// The rest of a parenthesised, comma-separated list whose `(` has just
    /// been read: items up to and including the `)`.
    fn list_rest<T>(&mut self, mut item: impl FnMut(&mut Self) -> PResult<T>) -> PResult<Vec<T>> {
        let mut items = Vec::new();
        if self.eat(Tok::RParen) {
            return Ok(items);
        }
        loop {
            items.push(item(self)?);
            if self.eat(Tok::RParen) {
                return Ok(items);
            }
            if !self.eat(Tok::Comma) {
                return Err(self.expected("`,` or `)`"));
            }
        }
    }

    fn rep(&mut self) -> PResult<Rep> {
        let rep = match self.tok() {
            Tok::Ident(s) if s == "value" => Rep::Value,
            Tok::Ident(s) if s == "i64" => Rep::Int64,
            Tok::Ident(s) if s == "f64" => Rep::Float64,
            _ => return Err(self.expected("a representation (`value`, `i64` or `f64`)")),
        };
        self.bump();
        Ok(rep)
    }

    /// `name` or `name: rep`.
    fn binder(&mut self) -> PResult<Binder> {
        let t = self.cur().clone();
        let Tok::Ident(name) = t.tok else {
            return Err(self.expected("a binder name"));
        };
        self.bump();
        let rep = if self.eat(Tok::Colon) { self.rep()? } else { Rep::Value };
        Ok(Binder { name, line: t.line, col: t.col, rep })
    }

    fn new_var(&mut self, name: &str, rep: Rep) -> VarId {
        let id = VarId(self.module.vars.len() as u32);
        self.module.vars.push(VarInfo { name: name.to_string(), rep });
        id
    }

    /// Reject a name bound twice in one binder group.
    fn check_distinct(&self, binders: &[Binder], also: Option<&str>) -> PResult<()> {
        for (i, b) in binders.iter().enumerate() {
            if binders[..i].iter().any(|o| o.name == b.name) || also == Some(b.name.as_str()) {
                return Err(ParseError {
                    line: b.line,
                    col: b.col,
                    msg: format!("`{}` is bound twice in the same scope", b.name),
                });
            }
        }
        Ok(())
    }

    // ---- names ----

    fn lookup_con(&self, name: &str) -> PResult<ConRef> {
        match self.cons.get(name).map(Vec::as_slice) {
            Some([c]) => Ok(*c),
            Some(cs) if cs.len() > 1 => {
                Err(self.error(format!("ambiguous constructor `{name}`: declared {} times", cs.len())))
            }
            _ => Err(self.error(format!("unknown constructor `{name}`"))),
        }
    }

    fn lookup_global(&self, name: &str) -> PResult<GlobalId> {
        match self.globals.get(name).map(Vec::as_slice) {
            Some([g]) => Ok(*g),
            Some(gs) if gs.len() > 1 => {
                Err(self.error(format!("ambiguous global `@{name}`: defined {} times", gs.len())))
            }
            _ => Err(self.error(format!("unknown global `@{name}`"))),
        }
    }

    // ---- module structure ----

    /// First pass: every data declaration and the name of every definition,
    /// so that bodies can refer to anything in the module.
    fn declarations(&mut self) -> PResult<()> {
        for i in 0..self.toks.len() {
            match self.toks[i].tok {
                Tok::Data => {
                    self.pos = i;
                    self.data_decl()?;
                    self.data_ends.insert(i, self.pos);
                }
                Tok::Def => {
                    self.pos = i;
                    self.bump();
                    let name = self.name("a definition name")?;
                    let g = GlobalId(self.module.defs.len() as u32);
                    self.globals.entry(name.clone()).or_default().push(g);
                    self.module.defs.push(Def {
                        name,
                        body: Expr::Error { rep: Rep::Value, msg: String::new(), loc: None },
                        import: None,
                    });
                }
                _ => {}
            }
        }
        self.pos = 0;
        Ok(())
    }

    /// `data Name { Con, Con(rep, ...), ... }`
    fn data_decl(&mut self) -> PResult<()> {
        self.expect(Tok::Data)?;
        let name = self.name("a data type name")?;
        let d = DataId(self.module.datas.len() as u32);
        self.expect(Tok::LBrace)?;
        let mut cons = Vec::new();
        while *self.tok() != Tok::RBrace {
            let cname = self.name("a constructor name or `}`")?;
            let fields = if self.eat(Tok::LParen) { self.list_rest(Self::rep)? } else { Vec::new() };
            let c = ConRef { data: d, tag: cons.len() as u32 };
            self.cons.entry(cname.clone()).or_default().push(c);
            cons.push(ConDecl { name: cname, fields });
            if !self.eat(Tok::Comma) && *self.tok() != Tok::RBrace {
                return Err(self.expected("`,` or `}`"));
            }
        }
        self.bump();
        self.module.datas.push(DataDecl { name, cons });
        Ok(())
    }

    /// Second pass: the bodies of the definitions.
    fn items(&mut self) -> PResult<()> {
        let mut next_def = 0usize;
        loop {
            match self.tok() {
                Tok::Eof => return Ok(()),
                Tok::Data => match self.data_ends.get(&self.pos) {
                    Some(&end) => self.pos = end,
                    None => return Err(self.error("malformed data declaration")),
                },
                Tok::Def => {
                    self.bump();
                    self.name("a definition name")?;
                    self.expect(Tok::Eq)?;
                    let (body, import) = if self.eat(Tok::Import) {
                        let krate = self.string("the name of the crate a definition is imported from")?;
                        let symbol = self.string("the symbol a definition is imported as")?;
                        let import = Import { krate, symbol };
                        (import.body(), Some(import))
                    } else {
                        (self.expr()?, None)
                    };
                    match self.module.defs.get_mut(next_def) {
                        Some(def) => {
                            def.body = body;
                            def.import = import;
                        }
                        None => return Err(self.error("internal error: definition count mismatch")),
                    }
                    next_def += 1;
                }
                _ => return Err(self.expected("`def`, `data` or end of input")),
            }
        }
    }

    // ---- expressions ----

    /// Parse one expression with an explicit stack of frames.
    fn expr(&mut self) -> PResult<Expr> {
        let mut stack: Vec<Frame> = Vec::new();
        let mut state = State::Expr;
        loop {
            state = match state {
                State::Expr => self.start_expr(&mut stack)?,
                State::Atom => self.start_atom(&mut stack)?,
                State::Value(v) => match stack.pop() {
                    None => return Ok(v),
                    Some(frame) => self.reduce(frame, v, &mut stack)?,
                },
            };
        }
    }

    fn start_expr(&mut self, stack: &mut Vec<Frame>) -> PResult<State> {
        match self.tok() {
            Tok::Backslash => {
                self.bump();
                let mut binders = Vec::new();
                while matches!(self.tok(), Tok::Ident(_)) {
                    binders.push(self.binder()?);
                }
                self.expect(Tok::Dot).map_err(|_| self.expected("a parameter or `.`"))?;
                self.check_distinct(&binders, None)?;
                let mark = self.scope.mark();
                let params = binders
                    .iter()
                    .map(|b| {
                        let v = self.new_var(&b.name, b.rep);
                        self.scope.push(&b.name, v);
                        v
                    })
                    .collect();
                stack.push(Frame::Lam { params, mark });
                Ok(State::Expr)
            }
            Tok::Let => {
                self.bump();
                let b = self.binder()?;
                self.expect(Tok::Eq)?;
                let x = self.new_var(&b.name, b.rep);
                stack.push(Frame::LetBound { x, name: b.name });
                Ok(State::Expr)
            }
            Tok::Strict => {
                self.bump();
                let binders = if self.eat(Tok::LParen) { self.list_rest(Self::binder)? } else { vec![self.binder()?] };
                self.check_distinct(&binders, None)?;
                self.expect(Tok::Eq)?;
                let xs = binders.iter().map(|b| (self.new_var(&b.name, b.rep), b.name.clone())).collect();
                stack.push(Frame::StrictBound { xs });
                Ok(State::Expr)
            }
            Tok::Letrec => {
                let letrec_tok = self.pos;
                let names: Vec<usize> = self.letrec_binders.get(&letrec_tok).cloned().unwrap_or_default();
                self.bump();
                if names.is_empty() {
                    return Err(self.expected("a binder name"));
                }
                let mut binders = Vec::new();
                for &i in &names {
                    if let Some(Token { tok: Tok::Ident(name), line, col, .. }) = self.toks.get(i) {
                        binders.push(Binder { name: name.clone(), line: *line, col: *col, rep: Rep::Value });
                    }
                }
                self.check_distinct(&binders, None)?;
                let mark = self.scope.mark();
                let vars: Vec<VarId> = binders
                    .iter()
                    .map(|b| {
                        let v = self.new_var(&b.name, Rep::Value);
                        self.scope.push(&b.name, v);
                        v
                    })
                    .collect();
                self.letrec_binding_head(&vars, 0, letrec_tok)?;
                stack.push(Frame::LetrecBound { vars, done: Vec::new(), mark, letrec_tok });
                Ok(State::Expr)
            }
            t if starts_atom(t) => {
                stack.push(Frame::App { head: None, args: Vec::new() });
                Ok(State::Atom)
            }
            _ => Err(self.expected("an expression")),
        }
    }

    /// `name (: rep)? =` of the `k`-th binding of a letrec.
    fn letrec_binding_head(&mut self, vars: &[VarId], k: usize, letrec_tok: usize) -> PResult<()> {
        let expected_pos = self.letrec_binders.get(&letrec_tok).and_then(|v| v.get(k)).copied();
        let var = vars.get(k).copied();
        match (expected_pos, var) {
            (Some(p), Some(var)) if p == self.pos => {
                let b = self.binder()?;
                if let Some(info) = self.module.vars.get_mut(var.index()) {
                    info.rep = b.rep;
                }
                self.expect(Tok::Eq)
            }
            _ => Err(self.expected("a letrec binder")),
        }
    }

    fn start_atom(&mut self, stack: &mut Vec<Frame>) -> PResult<State> {
        // Fast path for the commonest atom, without cloning the token.
        if let Tok::Ident(name) = self.tok() {
            if let Some(v) = self.scope.lookup(name) {
                self.bump();
                return Ok(State::Value(Expr::Var(v)));
            }
        }
        let t = self.cur().clone();
        match t.tok {
            Tok::Ident(name) => {
                if let Some(v) = self.scope.lookup(&name) {
                    self.bump();
                    return Ok(State::Value(Expr::Var(v)));
                }
                if let Some(op) = PrimOp::from_name(&name) {
                    self.bump();
                    if !(*self.tok() == Tok::LParen && self.cur().adjacent) {
                        return Err(self.expected(&format!("`(` right after primitive `{name}`")));
                    }
                    self.bump();
                    if self.eat(Tok::RParen) {
                        return Ok(State::Value(Expr::Prim(op, Vec::new())));
                    }
                    stack.push(Frame::PrimArgs { op, args: Vec::new() });
                    return Ok(State::Expr);
                }
                if self.cons.contains_key(&name) {
                    return self.con_atom(&name, stack);
                }
                Err(self.error(format!("unknown variable or constructor `{name}`")))
            }
            Tok::Quoted(name) => self.con_atom(&name, stack),
            Tok::At => {
                self.bump();
                let g = match self.tok() {
                    Tok::Ident(name) | Tok::Quoted(name) => self.lookup_global(&name.clone())?,
                    _ => return Err(self.expected("a global name after `@`")),
                };
                self.bump();
                Ok(State::Value(Expr::Global(g)))
            }
            Tok::Int(n) => {
                self.bump();
                Ok(State::Value(Expr::Lit(Lit::Int(n))))
            }
            Tok::Float(x) => {
                self.bump();
                Ok(State::Value(Expr::Lit(Lit::Float(x))))
            }
            Tok::Free => {
                self.bump();
                let name = self.string("a string literal (the free variable's name)")?;
                Ok(State::Value(Expr::Free(name)))
            }
            Tok::Error => {
                self.bump();
                self.expect(Tok::LBracket)?;
                let rep = self.rep()?;
                self.expect(Tok::RBracket)?;
                let msg = self.string("a string literal (the error message)")?;
                let loc = if *self.tok() == Tok::At && matches!(self.peek_tok(1), Tok::Str(_)) {
                    self.bump();
                    Some(self.string("a location string")?)
                } else {
                    None
                };
                Ok(State::Value(Expr::Error { rep, msg, loc }))
            }
            Tok::StrKw => {
                self.bump();
                self.expect(Tok::LBracket)?;
                let nil = self.con_ref("the nil constructor")?;
                self.expect(Tok::Comma)?;
                let cons = self.con_ref("the cons constructor")?;
                self.expect(Tok::Comma)?;
                let chr = self.con_ref("the char constructor")?;
                self.expect(Tok::RBracket)?;
                let text = self.string("a string literal")?;
                Ok(State::Value(Expr::Str(Box::new(StrLit { text, nil, cons, chr }))))
            }
            Tok::LParen => {
                self.bump();
                stack.push(Frame::Paren);
                Ok(State::Expr)
            }
            Tok::Case => {
                self.bump();
                stack.push(Frame::CaseScrut);
                Ok(State::Expr)
            }
            _ => Err(self.expected("an expression")),
        }
    }

    /// A constructor name (bare or quoted) in a `str[...]` or pattern.
    fn con_ref(&mut self, what: &str) -> PResult<ConRef> {
        match self.tok() {
            Tok::Ident(name) | Tok::Quoted(name) => {
                let c = self.lookup_con(&name.clone())?;
                self.bump();
                Ok(c)
            }
            _ => Err(self.expected(what)),
        }
    }

    fn con_atom(&mut self, name: &str, stack: &mut Vec<Frame>) -> PResult<State> {
        let con = self.lookup_con(name)?;
        self.bump();
        if *self.tok() == Tok::LParen && self.cur().adjacent {
            self.bump();
            if self.eat(Tok::RParen) {
                return Ok(State::Value(Expr::Con(con, Vec::new())));
            }
            stack.push(Frame::ConArgs { con, args: Vec::new() });
            return Ok(State::Expr);
        }
        Ok(State::Value(Expr::Con(con, Vec::new())))
    }

    fn reduce(&mut self, frame: Frame, v: Expr, stack: &mut Vec<Frame>) -> PResult<State> {
        match frame {
            Frame::App { head, mut args } => {
                let head = match head {
                    None => v,
                    Some(h) => {
                        args.push(v);
                        h
                    }
                };
                if starts_atom(self.tok()) {
                    stack.push(Frame::App { head: Some(head), args });
                    Ok(State::Atom)
                } else if args.is_empty() {
                    Ok(State::Value(head))
                } else {
                    Ok(State::Value(Expr::App(Box::new(head), args)))
                }
            }
            Frame::Lam { params, mark } => {
                self.scope.pop_to(mark);
                Ok(State::Value(Expr::Lam(params, Box::new(v))))
            }
            Frame::LetBound { x, name } => {
                self.expect(Tok::In)?;
                let mark = self.scope.mark();
                self.scope.push(&name, x);
                stack.push(Frame::LetBody { x, bound: v, mark });
                Ok(State::Expr)
            }
            Frame::LetBody { x, bound, mark } => {
                self.scope.pop_to(mark);
                Ok(State::Value(Expr::Let(x, Box::new(bound), Box::new(v))))
            }
            Frame::StrictBound { xs } => {
                self.expect(Tok::In)?;
                let mark = self.scope.mark();
                for (x, name) in &xs {
                    self.scope.push(name, *x);
                }
                stack.push(Frame::StrictBody { xs: xs.into_iter().map(|(x, _)| x).collect(), bound: v, mark });
                Ok(State::Expr)
            }
            Frame::StrictBody { xs, bound, mark } => {
                self.scope.pop_to(mark);
                Ok(State::Value(Expr::LetStrict(xs, Box::new(bound), Box::new(v))))
            }
            Frame::LetrecBound { vars, mut done, mark, letrec_tok } => {
                let k = done.len();
                match vars.get(k) {
                    Some(&x) => done.push((x, v)),
                    None => return Err(self.expected("`in`")),
                }
                if self.eat(Tok::Comma) {
                    self.letrec_binding_head(&vars, k + 1, letrec_tok)?;
                    stack.push(Frame::LetrecBound { vars, done, mark, letrec_tok });
                    Ok(State::Expr)
                } else if *self.tok() == Tok::In && done.len() == vars.len() {
                    self.bump();
                    stack.push(Frame::LetrecBody { binds: done, mark });
                    Ok(State::Expr)
                } else {
                    Err(self.expected("`,` or `in`"))
                }
            }
            Frame::LetrecBody { binds, mark } => {
                self.scope.pop_to(mark);
                Ok(State::Value(Expr::LetRec(binds, Box::new(v))))
            }
            Frame::Paren => {
                self.expect(Tok::RParen)?;
                Ok(State::Value(v))
            }
            Frame::ConArgs { con, mut args } => {
                args.push(v);
                if self.eat(Tok::Comma) {
                    stack.push(Frame::ConArgs { con, args });
                    Ok(State::Expr)
                } else if self.eat(Tok::RParen) {
                    Ok(State::Value(Expr::Con(con, args)))
                } else {
                    Err(self.expected("`,` or `)`"))
                }
            }
            Frame::PrimArgs { op, mut args } => {
                args.push(v);
                if self.eat(Tok::Comma) {
                    stack.push(Frame::PrimArgs { op, args });
                    Ok(State::Expr)
                } else if self.eat(Tok::RParen) {
                    Ok(State::Value(Expr::Prim(op, args)))
                } else {
                    Err(self.expected("`,` or `)`"))
                }
            }
            Frame::CaseScrut => {
                self.expect(Tok::As)?;
                let b = self.binder()?;
                self.expect(Tok::LBrace)?;
                let binder = self.new_var(&b.name, b.rep);
                let mark = self.scope.mark();
                self.scope.push(&b.name, binder);
                let case = Box::new(CaseState {
                    scrut: v,
                    binder,
                    binder_name: b.name,
                    alts: Vec::new(),
                    default: None,
                    mark,
                });
                self.next_alt(case, stack)
            }
            Frame::CaseAlt { mut case, pending, mark } => {
                self.scope.pop_to(mark);
                match pending {
                    Pending::Pat(pat) => case.alts.push(Alt { pat, body: v }),
                    Pending::Default => case.default = Some(v),
                }
                if self.eat(Tok::Comma) || *self.tok() == Tok::RBrace {
                    self.next_alt(case, stack)
                } else {
                    Err(self.expected("`,` or `}`"))
                }
            }
        }
    }

    /// After `{` or an alternative's `,`: the next alternative or `}`.
    fn next_alt(&mut self, case: Box<CaseState>, stack: &mut Vec<Frame>) -> PResult<State> {
        if self.eat(Tok::RBrace) {
            self.scope.pop_to(case.mark);
            let CaseState { scrut, binder, alts, default, .. } = *case;
            return Ok(State::Value(Expr::Case(Box::new(Case { scrut, binder, alts, default }))));
        }
        if case.default.is_some() {
            return Err(self.expected("`}` (the default alternative `_` must be the last)"));
        }
        let mark = self.scope.mark();
        let t = self.cur().clone();
        let pending = match t.tok {
            Tok::Underscore => {
                self.bump();
                Pending::Default
            }
            Tok::Int(n) => {
                self.bump();
                Pending::Pat(Pat::Lit(Lit::Int(n)))
            }
            Tok::Float(x) => {
                self.bump();
                Pending::Pat(Pat::Lit(Lit::Float(x)))
            }
            Tok::Ident(_) | Tok::Quoted(_) => {
                let con = self.con_ref("a pattern")?;
                let binders = if self.eat(Tok::LParen) { self.list_rest(Self::binder)? } else { Vec::new() };
                self.check_distinct(&binders, Some(&case.binder_name))?;
                let vars = binders
                    .iter()
                    .map(|b| {
                        let v = self.new_var(&b.name, b.rep);
                        self.scope.push(&b.name, v);
                        v
                    })
                    .collect();
                Pending::Pat(Pat::Con(con, vars))
            }
            _ => return Err(self.expected("a pattern (constructor, literal or `_`) or `}`")),
        };
        self.expect(Tok::Arrow)?;
        stack.push(Frame::CaseAlt { case, pending, mark });
        Ok(State::Expr)
    }
}
