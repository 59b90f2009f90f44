//! Core → the interpreter's code tree, with variable access resolved.
//!
//! Every λ and every thunk (a lazy `let`, `letrec` or argument that is not
//! an atom) becomes a *frame*: a flat closure capturing exactly its free
//! local variables, in the order the compiler meets them. At run time a
//! frame's locals live on the machine's locals stack: first the captured
//! values (accessed as [`Atom::Cap`]`(i)`, relative to the machine's `eb`
//! register), then the parameters and every binder of the body, each at the
//! slot given by its binding depth ([`Atom::Loc`]`(i)`, relative to `lb`).
//! Binders in different `case` alternatives share slots. Top-level
//! definitions are accessed by index ([`Atom::Global`]), never captured.
//!
//! Operands that must be evaluated first (primitive operands that are not
//! atoms, the token of an effectful primitive, unboxed constructor fields)
//! are bound to hidden slots by [`Code::Strict`], so primitives and
//! constructors only ever see atoms.
//!
//! The compiler recurses on the depth of the Core term (like the verifier);
//! it runs on the interpreter's own large-stack thread and checks how much
//! of that stack it has used, answering a run-time error rather than
//! overflowing on absurdly deep input. A definition that fails to compile
//! (malformed Core) becomes code that raises the error when it is used.

use super::limits::EvalError;
use crate::core::ir::*;
use std::collections::HashMap;
use std::rc::Rc;

/// A value that needs no evaluation to obtain.
#[derive(Clone, Debug)]
pub(crate) enum Atom {
    /// A captured value of the current frame.
    Cap(u32),
    /// A parameter or binder of the current frame.
    Loc(u32),
    /// A top-level definition (index in the program's global table).
    Global(u32),
    Int(i64),
    Float(f64),
    /// A rigid variable (allocated on use).
    Free(Rc<str>),
    /// A closed λ (no captures): one closure per run, allocated up front
    /// (index in [`Program::closed`]).
    Closed(u32),
}

/// How to build a lazy value (an argument, a `let`, a `Value` field).
#[derive(Debug)]
pub(crate) enum Build {
    Atom(Atom),
    Thunk(Box<ThunkCode>),
    Lam(Box<LamCode>),
    /// A constructor whose fields are all atoms.
    Con(u32, Box<[Atom]>),
    Str(Box<StrCode>),
}

#[derive(Debug)]
pub(crate) struct LamCode {
    pub arity: u32,
    /// Where the closure's captured values come from, in the creating frame.
    pub captures: Box<[Atom]>,
    pub body: Code,
}

#[derive(Debug)]
pub(crate) struct ThunkCode {
    pub captures: Box<[Atom]>,
    pub body: Code,
}

#[derive(Debug)]
pub(crate) struct StrCode {
    pub chars: Box<[char]>,
    pub nil: u32,
    pub cons: u32,
    pub chr: u32,
}

/// The code tree.
#[derive(Debug)]
pub(crate) enum Code {
    Atom(Atom),
    Lam(Box<LamCode>),
    Con(u32, Box<[Build]>),
    /// A string literal in head position: its first cell.
    Str(Box<StrCode>),
    /// Push the built arguments, then evaluate the function.
    App(Box<Code>, Box<[Build]>),
    /// Bind one lazily built value in the next slot.
    Let(Box<Build>, Box<Code>),
    /// Bind the cells of a recursive group in the next slots.
    LetRec(Box<[Build]>, Box<Code>),
    /// Evaluate the first to weak head normal form (or an unboxed value),
    /// bind it in the next slot, continue with the second.
    Strict(Box<Code>, Box<Code>),
    Case(Box<CaseCode>),
    /// A primitive with one result.
    Prim(PrimOp, Box<[Atom]>),
    /// A primitive with several results, bound in the next slots.
    PrimBind(PrimOp, Box<[Atom]>, Box<Code>),
    Error(Box<(String, Option<String>)>),
}

#[derive(Debug)]
pub(crate) struct CaseCode {
    pub scrut: Code,
    pub alts: Alts,
    /// Taken when no alternative matches (the binder is bound).
    pub default: Option<Code>,
}

#[derive(Debug)]
pub(crate) enum Alts {
    /// Only a default: any value is accepted (the `case` just forces).
    None,
    /// Alternatives over the constructors of the data type (program-wide
    /// index): by tag, the number of fields and the body.
    Con {
        data: u32,
        by_tag: Box<[Option<(u32, Code)>]>,
    },
    Int(Box<[(i64, Code)]>),
    Float(Box<[(f64, Code)]>),
}

/// A constructor, program-wide.
pub(crate) struct ConInfo {
    pub name: String,
    pub data: u32,
    /// The constructor's number in its data type.
    pub tag: u32,
    /// The data type's index in its own module (`dataid`).
    pub local_data: u32,
}

pub(crate) enum GlobalCode {
    Fun(LamCode),
    Caf(ThunkCode),
}

/// One or more compiled modules (conv compiles both of its inputs into one
/// program).
pub(crate) struct Program {
    pub cons: Vec<ConInfo>,
    pub data_names: Vec<String>,
    pub globals: Vec<GlobalCode>,
    pub global_names: Vec<String>,
    /// Per module: the index of its first global.
    pub global_base: Vec<u32>,
    /// The closed λs that are not top-level definitions.
    pub closed: Vec<LamCode>,
}

impl Program {
    /// The program-wide index of a module's top-level definition.
    pub fn global(&self, module: usize, g: GlobalId) -> Result<u32, Box<EvalError>> {
        let base = *self.global_base.get(module).ok_or_else(|| Box::new(EvalError::runtime("no such module")))?;
        let end = self.global_base.get(module + 1).copied().unwrap_or(self.globals.len() as u32);
        let i = base.checked_add(g.0).filter(|&i| i < end);
        i.ok_or_else(|| Box::new(EvalError::runtime(format!("no top-level definition {g} in the module"))))
    }
}

/// How much of its stack the compiler may use (the thread has more).
pub(crate) const COMPILE_STACK_BUDGET: usize = super::THREAD_STACK - (16 << 20);

pub(crate) fn compile(modules: &[&Module]) -> Program {
    let mut prog = Program {
        cons: Vec::new(),
        data_names: Vec::new(),
        globals: Vec::new(),
        global_names: Vec::new(),
        global_base: Vec::new(),
        closed: Vec::new(),
    };
    let stack_start = stack_addr();
    for m in modules {
        let data_base = prog.data_names.len() as u32;
        let mut con_base = Vec::with_capacity(m.datas.len());
        for (d, data) in m.datas.iter().enumerate() {
            con_base.push(prog.cons.len() as u32);
            prog.data_names.push(data.name.clone());
            for (t, c) in data.cons.iter().enumerate() {
                prog.cons.push(ConInfo {
                    name: c.name.clone(),
                    data: data_base + d as u32,
                    tag: t as u32,
                    local_data: d as u32,
                });
            }
        }
        let global_base = prog.globals.len() as u32;
        prog.global_base.push(global_base);
        let mut cx = Compiler {
            m,
            data_base,
            con_base,
            global_base,
            frames: Vec::new(),
            bound: vec![None; m.vars.len()],
            touched: Vec::new(),
            next_frame: 0,
            stack_start,
            closed: &mut prog.closed,
        };
        for def in &m.defs {
            prog.global_names.push(def.name.clone());
            let code = match cx.def(&def.body) {
                Ok(c) => c,
                Err(msg) => {
                    cx.reset();
                    let msg = format!("malformed Core in {}: {msg}", def.name);
                    GlobalCode::Caf(ThunkCode { captures: Box::new([]), body: Code::Error(Box::new((msg, None))) })
                }
            };
            prog.globals.push(code);
        }
    }
    prog
}

fn stack_addr() -> usize {
    let x = 0u8;
    std::hint::black_box(&x) as *const u8 as usize
}

struct Frame {
    id: u32,
    /// Slots bound so far in this frame (parameters included).
    depth: u32,
    captures: Vec<VarId>,
    cap_index: HashMap<VarId, u32>,
}

struct Compiler<'m> {
    m: &'m Module,
    data_base: u32,
    con_base: Vec<u32>,
    global_base: u32,
    frames: Vec<Frame>,
    /// For each binder in scope: its frame id and slot.
    bound: Vec<Option<(u32, u32)>>,
    /// Binders bound since the last reset (to clean up after an error).
    touched: Vec<VarId>,
    next_frame: u32,
    stack_start: usize,
    closed: &'m mut Vec<LamCode>,
}

type R<T> = Result<T, String>;

impl Compiler<'_> {
    fn reset(&mut self) {
        self.frames.clear();
        for v in self.touched.drain(..) {
            if let Some(b) = self.bound.get_mut(v.index()) {
                *b = None;
            }
        }
    }

    fn def(&mut self, body: &Expr) -> R<GlobalCode> {
        self.touched.clear();
        let code = match body {
            Expr::Lam(ps, b) => GlobalCode::Fun(self.lam(ps, b)?),
            e => GlobalCode::Caf(self.thunk(e)?),
        };
        Ok(code)
    }

    fn check_stack(&self) -> R<()> {
        let here = stack_addr();
        if self.stack_start.abs_diff(here) > COMPILE_STACK_BUDGET {
            return Err("the expression is nested too deeply for the interpreter".into());
        }
        Ok(())
    }

    fn push_frame(&mut self) {
        let id = self.next_frame;
        self.next_frame = self.next_frame.wrapping_add(1);
        self.frames.push(Frame { id, depth: 0, captures: Vec::new(), cap_index: HashMap::new() });
    }

    /// Pop the current frame; resolve its captures in the enclosing frame.
    fn pop_frame(&mut self) -> R<Box<[Atom]>> {
        let f = self.frames.pop().ok_or("internal: no frame")?;
        let mut caps = Vec::with_capacity(f.captures.len());
        for v in f.captures {
            caps.push(self.access(v)?);
        }
        Ok(caps.into_boxed_slice())
    }

    fn top(&mut self) -> R<&mut Frame> {
        self.frames.last_mut().ok_or_else(|| "internal: no frame".to_string())
    }

    /// Bind `v` in the next slot of the current frame.
    fn bind(&mut self, v: VarId) -> R<u32> {
        let f = self.frames.last_mut().ok_or("internal: no frame")?;
        let (id, slot) = (f.id, f.depth);
        f.depth += 1;
        let b = self.bound.get_mut(v.index()).ok_or_else(|| format!("binder {v} is not in the variable table"))?;
        if b.is_some() {
            return Err(format!("binder {v} is bound twice"));
        }
        *b = Some((id, slot));
        self.touched.push(v);
        Ok(slot)
    }

    /// A hidden slot (for a strict operand).
    fn bind_temp(&mut self) -> R<u32> {
        let f = self.top()?;
        let slot = f.depth;
        f.depth += 1;
        Ok(slot)
    }

    fn unbind(&mut self, vs: &[VarId], depth: u32) -> R<()> {
        for v in vs {
            if let Some(b) = self.bound.get_mut(v.index()) {
                *b = None;
            }
        }
        self.top()?.depth = depth;
        Ok(())
    }

    fn depth(&mut self) -> R<u32> {
        Ok(self.top()?.depth)
    }

    fn access(&mut self, v: VarId) -> R<Atom> {
        let (fid, slot) = self
            .bound
            .get(v.index())
            .copied()
            .flatten()
            .ok_or_else(|| format!("variable {v} is used outside the scope of its binder"))?;
        let f = self.top()?;
        if f.id == fid {
            return Ok(Atom::Loc(slot));
        }
        if let Some(&i) = f.cap_index.get(&v) {
            return Ok(Atom::Cap(i));
        }
        let i = f.captures.len() as u32;
        f.captures.push(v);
        f.cap_index.insert(v, i);
        Ok(Atom::Cap(i))
    }

    fn con(&self, c: ConRef) -> R<(u32, &ConDecl)> {
        let base = self.con_base.get(c.data.index()).ok_or_else(|| format!("no data type {}", c.data))?;
        let decl = self.m.datas[c.data.index()]
            .cons
            .get(c.tag as usize)
            .ok_or_else(|| format!("no constructor {} in {}", c.tag, c.data))?;
        Ok((base + c.tag, decl))
    }

    fn lam(&mut self, ps: &[VarId], body: &Expr) -> R<LamCode> {
        self.push_frame();
        for &p in ps {
            self.bind(p)?;
        }
        let body = self.expr(body)?;
        for p in ps {
            if let Some(b) = self.bound.get_mut(p.index()) {
                *b = None;
            }
        }
        let captures = self.pop_frame()?;
        Ok(LamCode { arity: ps.len() as u32, captures, body })
    }

    /// A λ in an expression: closed ones go to the program's table.
    fn lam_or_closed(&mut self, ps: &[VarId], body: &Expr) -> R<Result<Atom, LamCode>> {
        let l = self.lam(ps, body)?;
        if l.captures.is_empty() {
            self.closed.push(l);
            Ok(Ok(Atom::Closed(self.closed.len() as u32 - 1)))
        } else {
            Ok(Err(l))
        }
    }

    fn thunk(&mut self, e: &Expr) -> R<ThunkCode> {
        self.push_frame();
        let body = self.expr(e)?;
        let captures = self.pop_frame()?;
        Ok(ThunkCode { captures, body })
    }

    fn atom(&mut self, e: &Expr) -> R<Option<Atom>> {
        Ok(Some(match e {
            Expr::Var(v) => self.access(*v)?,
            Expr::Global(g) => Atom::Global(self.global(*g)?),
            Expr::Lit(Lit::Int(n)) => Atom::Int(*n),
            Expr::Lit(Lit::Float(x)) => Atom::Float(*x),
            Expr::Free(name) => Atom::Free(Rc::from(name.as_str())),
            _ => return Ok(None),
        }))
    }

    fn global(&self, g: GlobalId) -> R<u32> {
        if g.index() < self.m.defs.len() {
            Ok(self.global_base + g.0)
        } else {
            Err(format!("no top-level definition {g}"))
        }
    }

    fn str_code(&self, s: &StrLit) -> R<StrCode> {
        Ok(StrCode {
            chars: s.text.chars().collect(),
            nil: self.con(s.nil)?.0,
            cons: self.con(s.cons)?.0,
            chr: self.con(s.chr)?.0,
        })
    }

    /// A lazily built value. In a `letrec`, atoms become thunks too (so
    /// that `letrec x = x` is a loop, not a cell pointing at itself).
    fn build(&mut self, e: &Expr, in_letrec: bool) -> R<Build> {
        if !in_letrec {
            if let Some(a) = self.atom(e)? {
                return Ok(Build::Atom(a));
            }
        }
        Ok(match e {
            Expr::Lam(ps, body) => match self.lam_or_closed(ps, body)? {
                Ok(a) => Build::Atom(a),
                Err(l) => Build::Lam(Box::new(l)),
            },
            Expr::Str(s) => Build::Str(Box::new(self.str_code(s)?)),
            Expr::Con(c, args)
                if args.iter().all(|a| matches!(a, Expr::Var(_) | Expr::Global(_) | Expr::Lit(_) | Expr::Free(_))) =>
            {
                let (ci, _) = self.con(*c)?;
                let mut atoms = Vec::with_capacity(args.len());
                for a in args {
                    atoms.push(self.atom(a)?.ok_or("internal: not an atom")?);
                }
                Build::Con(ci, atoms.into_boxed_slice())
            }
            e => Build::Thunk(Box::new(self.thunk(e)?)),
        })
    }

    /// Operands evaluated first: atoms stay, others get hidden slots bound
    /// by `Strict` around the result (returned innermost first).
    fn operands(&mut self, args: &[Expr], force: &[bool], strict: &mut Vec<Code>) -> R<Vec<Atom>> {
        let mut atoms = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            let forced = force.get(i).copied().unwrap_or(false);
            match self.atom(a)? {
                Some(at) if !forced || !matches!(at, Atom::Cap(_) | Atom::Loc(_) | Atom::Global(_) | Atom::Free(_)) => {
                    atoms.push(at)
                }
                _ => {
                    let code = self.expr(a)?;
                    strict.push(code);
                    atoms.push(Atom::Loc(self.bind_temp()?));
                }
            }
        }
        Ok(atoms)
    }

    fn wrap_strict(mut inner: Code, strict: Vec<Code>) -> Code {
        for s in strict.into_iter().rev() {
            inner = Code::Strict(Box::new(s), Box::new(inner));
        }
        inner
    }

    fn expr(&mut self, e: &Expr) -> R<Code> {
        self.check_stack()?;
        if let Some(a) = self.atom(e)? {
            return Ok(Code::Atom(a));
        }
        Ok(match e {
            Expr::Var(_) | Expr::Global(_) | Expr::Lit(_) | Expr::Free(_) => return Err("internal: atom".into()),
            Expr::Str(s) => Code::Str(Box::new(self.str_code(s)?)),
            Expr::Lam(ps, body) => match self.lam_or_closed(ps, body)? {
                Ok(a) => Code::Atom(a),
                Err(l) => Code::Lam(Box::new(l)),
            },
            Expr::App(f, args) => {
                let mut bs = Vec::with_capacity(args.len());
                for a in args {
                    bs.push(self.build(a, false)?);
                }
                let f = self.expr(f)?;
                if bs.is_empty() {
                    f
                } else {
                    Code::App(Box::new(f), bs.into_boxed_slice())
                }
            }
            Expr::Let(x, rhs, body) => {
                let d = self.depth()?;
                let b = self.build(rhs, false)?;
                self.bind(*x)?;
                let body = self.expr(body)?;
                self.unbind(&[*x], d)?;
                Code::Let(Box::new(b), Box::new(body))
            }
            Expr::LetStrict(xs, rhs, body) => {
                let d = self.depth()?;
                match (xs.as_slice(), &**rhs) {
                    ([x], rhs) => {
                        let rhs = self.expr(rhs)?;
                        self.bind(*x)?;
                        let body = self.expr(body)?;
                        self.unbind(&[*x], d)?;
                        Code::Strict(Box::new(rhs), Box::new(body))
                    }
                    (xs, Expr::Prim(op, args))
                        if op.signature().results.len() == xs.len() && args.len() == op.signature().args.len() =>
                    {
                        let sig = op.signature();
                        let force: Vec<bool> = sig.args.iter().map(|r| *r == Rep::Value).collect();
                        let mut strict = Vec::new();
                        let atoms = self.operands(args, &force, &mut strict)?;
                        for x in xs {
                            self.bind(*x)?;
                        }
                        let body = self.expr(body)?;
                        self.unbind(xs, d)?;
                        Self::wrap_strict(Code::PrimBind(*op, atoms.into_boxed_slice(), Box::new(body)), strict)
                    }
                    _ => {
                        return Err(format!(
                            "a strict let binds {} variables to an expression with one result",
                            xs.len()
                        ))
                    }
                }
            }
            Expr::LetRec(binds, body) => {
                let d = self.depth()?;
                let xs: Vec<VarId> = binds.iter().map(|(x, _)| *x).collect();
                for x in &xs {
                    self.bind(*x)?;
                }
                let mut bs = Vec::with_capacity(binds.len());
                for (_, rhs) in binds {
                    bs.push(self.build(rhs, true)?);
                }
                let body = self.expr(body)?;
                self.unbind(&xs, d)?;
                Code::LetRec(bs.into_boxed_slice(), Box::new(body))
            }
            Expr::Case(c) => self.case(c)?,
            Expr::Con(c, args) => {
                let (ci, decl) = self.con(*c)?;
                if decl.fields.len() != args.len() {
                    return Err(format!(
                        "constructor {} has {} fields, given {}",
                        decl.name,
                        decl.fields.len(),
                        args.len()
                    ));
                }
                let reps = decl.fields.clone();
                let d = self.depth()?;
                let mut strict = Vec::new();
                let mut fields = Vec::with_capacity(args.len());
                for (a, rep) in args.iter().zip(reps.iter()) {
                    if *rep == Rep::Value {
                        fields.push(self.build(a, false)?);
                    } else if let Some(at) = self.atom(a)? {
                        fields.push(Build::Atom(at));
                    } else {
                        strict.push(self.expr(a)?);
                        fields.push(Build::Atom(Atom::Loc(self.bind_temp()?)));
                    }
                }
                self.top()?.depth = d;
                Self::wrap_strict(Code::Con(ci, fields.into_boxed_slice()), strict)
            }
            Expr::Prim(op, args) => {
                let sig = op.signature();
                if sig.args.len() != args.len() {
                    return Err(format!("primitive {op} takes {} operands, given {}", sig.args.len(), args.len()));
                }
                let d = self.depth()?;
                let force: Vec<bool> = sig.args.iter().map(|r| *r == Rep::Value).collect();
                let mut strict = Vec::new();
                let atoms = self.operands(args, &force, &mut strict)?;
                self.top()?.depth = d;
                Self::wrap_strict(Code::Prim(*op, atoms.into_boxed_slice()), strict)
            }
            Expr::Error { msg, loc, .. } => Code::Error(Box::new((msg.clone(), loc.clone()))),
        })
    }

    fn case(&mut self, c: &Case) -> R<Code> {
        let d = self.depth()?;
        let scrut = self.expr(&c.scrut)?;
        self.bind(c.binder)?;
        let alts = match c.alts.first().map(|a| &a.pat) {
            None => Alts::None,
            Some(Pat::Con(c0, _)) => {
                let data = c0.data;
                let ncons = self.m.datas.get(data.index()).ok_or_else(|| format!("no data type {data}"))?.cons.len();
                let mut by_tag: Vec<Option<(u32, Code)>> = (0..ncons).map(|_| None).collect();
                for alt in &c.alts {
                    let Pat::Con(con, fs) = &alt.pat else {
                        return Err("a case mixes constructor and literal patterns".into());
                    };
                    if con.data != data {
                        return Err("a case has constructors of different data types".into());
                    }
                    let (_, decl) = self.con(*con)?;
                    if decl.fields.len() != fs.len() {
                        return Err(format!(
                            "pattern {} binds {} fields, the constructor has {}",
                            decl.name,
                            fs.len(),
                            decl.fields.len()
                        ));
                    }
                    let d1 = self.depth()?;
                    for f in fs {
                        self.bind(*f)?;
                    }
                    let body = self.expr(&alt.body)?;
                    self.unbind(fs, d1)?;
                    let slot = by_tag.get_mut(con.tag as usize).ok_or("internal: tag")?;
                    if slot.is_none() {
                        *slot = Some((fs.len() as u32, body));
                    }
                }
                Alts::Con { data: self.data_base + data.0, by_tag: by_tag.into_boxed_slice() }
            }
            Some(Pat::Lit(Lit::Int(_))) => {
                let mut v = Vec::new();
                for alt in &c.alts {
                    let Pat::Lit(Lit::Int(n)) = alt.pat else {
                        return Err("a case mixes patterns of different kinds".into());
                    };
                    v.push((n, self.expr(&alt.body)?));
                }
                Alts::Int(v.into_boxed_slice())
            }
            Some(Pat::Lit(Lit::Float(_))) => {
                let mut v = Vec::new();
                for alt in &c.alts {
                    let Pat::Lit(Lit::Float(x)) = alt.pat else {
                        return Err("a case mixes patterns of different kinds".into());
                    };
                    v.push((x, self.expr(&alt.body)?));
                }
                Alts::Float(v.into_boxed_slice())
            }
        };
        let default = match &c.default {
            Some(e) => Some(self.expr(e)?),
            None => None,
        };
        self.unbind(&[c.binder], d)?;
        Ok(Code::Case(Box::new(CaseCode { scrut, alts, default })))
    }
}
