//! A small, straightforward evaluator for Flat IR (the output of closure
//! conversion) and a differential test against the reference interpreter:
//! for generated Core modules and the `test run` filetests, the normal form
//! read back from the converted Flat module must equal the one
//! `core::interp::normalise` gives for the Core module.
//!
//! The evaluator is environment-based and lazy (call-by-need: thunks are
//! `Rc<RefCell<..>>` objects updated with their value), with rigid
//! variables and spines, PAPs and over-application. It recurses in Rust on
//! the depth of evaluation, so it runs on a 64 MB thread and gives up (like
//! running out of fuel) beyond a fixed depth. It also checks the Flat
//! invariants it relies on dynamically: every delivered `Value` and every
//! `Value` case scrutinee must be in WHNF (not an unevaluated thunk).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::rc::Rc;

use lull_middle::closure_conv::closure_convert;
use lull_middle::core::interp::{normalise, Limits};
use lull_middle::core::ir as core;
use lull_middle::core::nf::Nf;
use lull_middle::core::parse::parse_module;
use lull_middle::core::verify::verify_module as verify_core;
use lull_middle::flat::ir::*;

use crate::filetests::collect;
use crate::gen;

// ---------------------------------------------------------------------------
// Values and heap objects.

#[derive(Clone)]
enum V {
    Int(i64),
    Float(f64),
    Ptr(Rc<RefCell<Obj>>),
}

#[derive(Clone)]
enum Head {
    Free(String),
    Bound(u32),
}

enum Obj {
    /// A FUN closure.
    Fun {
        code: CodeId,
        env: Vec<V>,
    },
    /// A partial application of a FUN closure.
    Pap {
        code: CodeId,
        env: Vec<V>,
        args: Vec<V>,
    },
    /// An unevaluated THUNK closure.
    Thunk {
        code: CodeId,
        env: Vec<V>,
    },
    /// A lazily unpacked string literal from code point `pos` on.
    Str {
        lit: Rc<StrLit>,
        chars: Rc<Vec<char>>,
        pos: usize,
    },
    Con {
        con: ConRef,
        fields: Vec<V>,
    },
    Rigid {
        head: Head,
        args: Vec<V>,
    },
    /// An updated thunk.
    Ind(V),
    /// A thunk under evaluation (or an allocation not yet filled).
    Blackhole,
}

#[derive(Debug)]
enum Stop {
    /// Out of fuel or too deep: not a verdict.
    Fuel,
    /// A run-time error of the program (or of the evaluator's checks).
    Err(String),
}

type R<T> = Result<T, Stop>;

fn err<T>(msg: impl Into<String>) -> R<T> {
    Err(Stop::Err(msg.into()))
}

fn ptr(o: Obj) -> V {
    V::Ptr(Rc::new(RefCell::new(o)))
}

const MAX_DEPTH: usize = 4000;

struct Eval<'m> {
    m: &'m Module,
    globals: Vec<V>,
    fuel: u64,
    depth: usize,
    next_rigid: u32,
}

type Locals = HashMap<VarId, V>;

impl<'m> Eval<'m> {
    fn new(m: &'m Module, fuel: u64) -> Self {
        let globals = m
            .globals
            .iter()
            .map(|g| match g.kind {
                GlobalKind::Fun(code) => ptr(Obj::Fun { code, env: Vec::new() }),
                GlobalKind::Caf(code) => ptr(Obj::Thunk { code, env: Vec::new() }),
                // Another crate's: entering it is a blackhole's error here.
                GlobalKind::Import(_) => ptr(Obj::Blackhole),
            })
            .collect();
        Eval { m, globals, fuel, depth: 0, next_rigid: 0 }
    }

    fn tick(&mut self) -> R<()> {
        if self.fuel == 0 {
            return Err(Stop::Fuel);
        }
        self.fuel -= 1;
        Ok(())
    }

    fn enter_depth(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Stop::Fuel);
        }
        Ok(())
    }

    fn atom(&self, locals: &Locals, a: &Atom) -> R<V> {
        Ok(match a {
            Atom::Var(v) => match locals.get(v) {
                Some(x) => x.clone(),
                None => return err(format!("unbound variable {:?}", v)),
            },
            Atom::Global(g) => match self.globals.get(g.index()) {
                Some(x) => x.clone(),
                None => return err("bad global"),
            },
            Atom::Lit(Lit::Int(n)) => V::Int(*n),
            Atom::Lit(Lit::Float(x)) => V::Float(*x),
            Atom::Free(name) => ptr(Obj::Rigid { head: Head::Free(name.clone()), args: Vec::new() }),
        })
    }

    /// Follow indirections.
    fn deref(v: V) -> V {
        let mut v = v;
        loop {
            let next = match &v {
                V::Ptr(p) => match &*p.borrow() {
                    Obj::Ind(x) => x.clone(),
                    _ => return v.clone(),
                },
                _ => return v,
            };
            v = next;
        }
    }

    fn is_whnf(v: &V) -> bool {
        match Self::deref(v.clone()) {
            V::Ptr(p) => !matches!(&*p.borrow(), Obj::Thunk { .. } | Obj::Str { .. } | Obj::Blackhole),
            _ => true,
        }
    }

    /// Evaluate to weak head normal form.
    fn whnf(&mut self, v: V) -> R<V> {
        let v = Self::deref(v);
        let V::Ptr(p) = &v else { return Ok(v) };
        let state = std::mem::replace(&mut *p.borrow_mut(), Obj::Blackhole);
        match state {
            Obj::Thunk { code, env } => {
                self.tick()?;
                self.enter_depth()?;
                let r = self.run_code(code, env, Vec::new());
                self.depth -= 1;
                let r = match r {
                    Ok(r) => r,
                    Err(e) => {
                        // Leave it blackholed: the run is over anyway.
                        return Err(e);
                    }
                };
                if !Self::is_whnf(&r) {
                    return err(format!("thunk code {} returned a value not in WHNF", self.code_name(code)));
                }
                let r = Self::deref(r);
                *p.borrow_mut() = Obj::Ind(r.clone());
                Ok(r)
            }
            Obj::Str { lit, chars, pos } => {
                self.tick()?;
                let r = match chars.get(pos) {
                    None => ptr(Obj::Con { con: lit.nil, fields: Vec::new() }),
                    Some(&c) => {
                        let chr = ptr(Obj::Con { con: lit.chr, fields: vec![V::Int(c as i64)] });
                        let rest = ptr(Obj::Str { lit: lit.clone(), chars: chars.clone(), pos: pos + 1 });
                        ptr(Obj::Con { con: lit.cons, fields: vec![chr, rest] })
                    }
                };
                *p.borrow_mut() = Obj::Ind(r.clone());
                Ok(r)
            }
            Obj::Blackhole => err("<<loop>>"),
            other => {
                *p.borrow_mut() = other;
                Ok(v)
            }
        }
    }

    fn code_name(&self, c: CodeId) -> String {
        self.m.code(c).map_or_else(|| format!("{c}"), |c| c.name.clone())
    }

    fn fun_arity(&self, code: CodeId) -> R<usize> {
        match self.m.code(code).map(|c| &c.kind) {
            Some(CodeKind::Fun { params }) => Ok(params.len()),
            _ => err(format!("code {code} is not a function")),
        }
    }

    /// Run a code with its environment and (for a function) exactly its
    /// arguments; returns the delivered value.
    fn run_code(&mut self, code: CodeId, env: Vec<V>, args: Vec<V>) -> R<V> {
        let m = self.m;
        let Some(c) = m.code(code) else { return err("bad code") };
        if c.env.len() != env.len() {
            return err(format!("code {}: environment of {} for {} fields", c.name, c.env.len(), env.len()));
        }
        let mut locals: Locals = HashMap::new();
        for (x, v) in c.env.iter().zip(env) {
            locals.insert(*x, v);
        }
        match &c.kind {
            CodeKind::Fun { params } => {
                if params.len() != args.len() {
                    return err("arity mismatch in run_code");
                }
                for (x, v) in params.iter().zip(args) {
                    locals.insert(*x, v);
                }
            }
            CodeKind::Thunk => {
                if !args.is_empty() {
                    return err("thunk run with arguments");
                }
            }
        }
        let mut out = self.exec(&mut locals, &c.body)?;
        if out.len() != 1 {
            return err(format!("code {} delivered {} values", c.name, out.len()));
        }
        let v = out.pop().unwrap();
        if !Self::is_whnf(&v) {
            return err(format!("code {} delivered a value not in WHNF", c.name));
        }
        Ok(v)
    }

    /// Apply an evaluated function value to arguments (none: evaluate it).
    fn apply(&mut self, f: V, mut args: Vec<V>) -> R<V> {
        let mut f = self.whnf(f)?;
        loop {
            if args.is_empty() {
                return Ok(f);
            }
            let V::Ptr(p) = &f else { return err("applying a literal") };
            let (code, env, mut have) = match &*p.borrow() {
                Obj::Fun { code, env } => (*code, env.clone(), Vec::new()),
                Obj::Pap { code, env, args } => (*code, env.clone(), args.clone()),
                Obj::Rigid { head, args: spine } => {
                    let mut spine = spine.clone();
                    spine.append(&mut args);
                    return Ok(ptr(Obj::Rigid { head: head.clone(), args: spine }));
                }
                Obj::Con { .. } => return err("applying a constructor"),
                _ => return err("applying a non-WHNF value"),
            };
            let arity = self.fun_arity(code)?;
            let missing = arity - have.len();
            if args.len() < missing {
                have.append(&mut args);
                return Ok(ptr(Obj::Pap { code, env, args: have }));
            }
            let rest = args.split_off(missing);
            have.append(&mut args);
            args = rest;
            self.tick()?;
            self.enter_depth()?;
            let r = self.run_code(code, env, have);
            self.depth -= 1;
            f = Self::deref(r?);
        }
    }

    fn prim(&mut self, op: PrimOp, xs: Vec<V>) -> R<Vec<V>> {
        use PrimOp::*;
        let int = |i: usize| match xs.get(i) {
            Some(V::Int(n)) => Ok(*n),
            _ => err(format!("{}: operand {i} is not an int", op.name())),
        };
        let flt = |i: usize| match xs.get(i) {
            Some(V::Float(x)) => Ok(*x),
            _ => err(format!("{}: operand {i} is not a float", op.name())),
        };
        let b = |c: bool| V::Int(c as i64);
        let v = match op {
            IAdd => V::Int(int(0)?.wrapping_add(int(1)?)),
            ISub => V::Int(int(0)?.wrapping_sub(int(1)?)),
            IMul => V::Int(int(0)?.wrapping_mul(int(1)?)),
            IQuot | IRem => {
                let (x, y) = (int(0)?, int(1)?);
                if y == 0 || (x == i64::MIN && y == -1) {
                    return err(format!("{}: bad operands", op.name()));
                }
                V::Int(if op == IQuot { x / y } else { x % y })
            }
            INeg => V::Int(int(0)?.wrapping_neg()),
            IAnd => V::Int(int(0)? & int(1)?),
            IOr => V::Int(int(0)? | int(1)?),
            IXor => V::Int(int(0)? ^ int(1)?),
            IShl => V::Int(int(0)?.wrapping_shl((int(1)? & 63) as u32)),
            IShr => V::Int(int(0)?.wrapping_shr((int(1)? & 63) as u32)),
            IEq => b(int(0)? == int(1)?),
            INe => b(int(0)? != int(1)?),
            ILt => b(int(0)? < int(1)?),
            ILe => b(int(0)? <= int(1)?),
            IGt => b(int(0)? > int(1)?),
            IGe => b(int(0)? >= int(1)?),
            FAdd => V::Float(flt(0)? + flt(1)?),
            FSub => V::Float(flt(0)? - flt(1)?),
            FMul => V::Float(flt(0)? * flt(1)?),
            FDiv => V::Float(flt(0)? / flt(1)?),
            FNeg => V::Float(-flt(0)?),
            FEq => b(flt(0)? == flt(1)?),
            FNe => b(flt(0)? != flt(1)?),
            FLt => b(flt(0)? < flt(1)?),
            FLe => b(flt(0)? <= flt(1)?),
            FGt => b(flt(0)? > flt(1)?),
            FGe => b(flt(0)? >= flt(1)?),
            IToF => V::Float(int(0)? as f64),
            FToI => V::Int(flt(0)? as i64),
            ConTag | DataId => match Self::deref(xs[0].clone()) {
                V::Ptr(p) => match &*p.borrow() {
                    Obj::Con { con, .. } => V::Int(if op == ConTag { con.tag } else { con.data.0 } as i64),
                    _ => V::Int(-1),
                },
                _ => V::Int(-1),
            },
            FSqrt => V::Float(flt(0)?.sqrt()),
            FExp => V::Float(flt(0)?.exp()),
            FLog => V::Float(flt(0)?.ln()),
            FSin => V::Float(flt(0)?.sin()),
            FCos => V::Float(flt(0)?.cos()),
            FTan => V::Float(flt(0)?.tan()),
            FAtan2 => V::Float(flt(0)?.atan2(flt(1)?)),
            FPow => V::Float(flt(0)?.powf(flt(1)?)),
            FShowChar => {
                let s = lull_middle::core::numeric::show_double(flt(0)?);
                let i = int(1)?;
                V::Int(usize::try_from(i).ok().and_then(|i| s.as_bytes().get(i)).map_or(-1, |b| *b as i64))
            }
            FDec => V::Float(lull_middle::core::numeric::dec_to_double(int(0)?, int(1)?)),
            _ if op.signature().effect => return err("effects are not supported"),
            _ => return err("unknown primitive"),
        };
        Ok(vec![v])
    }

    /// Execute a body; returns the delivered values.
    fn exec(&mut self, locals: &mut Locals, body: &Body) -> R<Vec<V>> {
        let mut body = body;
        loop {
            match body {
                Body::Let(group, k) => {
                    let cells: Vec<Rc<RefCell<Obj>>> =
                        group.iter().map(|_| Rc::new(RefCell::new(Obj::Blackhole))).collect();
                    for ((x, _), cell) in group.iter().zip(&cells) {
                        locals.insert(*x, V::Ptr(cell.clone()));
                    }
                    for ((_, alloc), cell) in group.iter().zip(&cells) {
                        let obj = match alloc {
                            Alloc::Closure { code, env } => {
                                let env = env.iter().map(|a| self.atom(locals, a)).collect::<R<Vec<V>>>()?;
                                match self.m.code(*code).map(|c| &c.kind) {
                                    Some(CodeKind::Fun { .. }) => Obj::Fun { code: *code, env },
                                    Some(CodeKind::Thunk) => Obj::Thunk { code: *code, env },
                                    None => return err("bad code in closure"),
                                }
                            }
                            Alloc::Con { con, fields } => {
                                let fields = fields.iter().map(|a| self.atom(locals, a)).collect::<R<Vec<V>>>()?;
                                Obj::Con { con: *con, fields }
                            }
                            Alloc::Str(s) => {
                                let chars: Vec<char> = s.text.chars().collect();
                                Obj::Str { lit: Rc::new((**s).clone()), chars: Rc::new(chars), pos: 0 }
                            }
                        };
                        *cell.borrow_mut() = obj;
                    }
                    body = k;
                }
                Body::Strict(xs, first, k) => {
                    self.enter_depth()?;
                    let r = self.exec(locals, first);
                    self.depth -= 1;
                    let vs = r?;
                    if vs.len() != xs.len() {
                        return err(format!("strict of {} binders got {} values", xs.len(), vs.len()));
                    }
                    for (x, v) in xs.iter().zip(vs) {
                        if self.m.var(*x).is_some_and(|i| i.rep == Rep::Value) && !Self::is_whnf(&v) {
                            return err("strict binder received a value not in WHNF");
                        }
                        locals.insert(*x, v);
                    }
                    body = k;
                }
                Body::Prim(op, args) => {
                    let xs = args.iter().map(|a| self.atom(locals, a)).collect::<R<Vec<V>>>()?;
                    return self.prim(*op, xs);
                }
                Body::Case(c) => {
                    let s = Self::deref(self.atom(locals, &c.scrut)?);
                    let mut chosen: Option<&Body> = None;
                    match &s {
                        V::Int(n) => {
                            for (pat, alt) in &c.alts {
                                if let Pat::Lit(Lit::Int(k)) = pat {
                                    if k == n {
                                        chosen = Some(alt);
                                        break;
                                    }
                                }
                            }
                        }
                        V::Float(x) => {
                            for (pat, alt) in &c.alts {
                                if let Pat::Lit(Lit::Float(k)) = pat {
                                    if k == x {
                                        chosen = Some(alt);
                                        break;
                                    }
                                }
                            }
                        }
                        V::Ptr(p) => {
                            let o = p.borrow();
                            match &*o {
                                Obj::Thunk { .. } | Obj::Str { .. } | Obj::Blackhole => {
                                    return err("case scrutinee not in WHNF");
                                }
                                Obj::Con { con, fields } => {
                                    for (pat, alt) in &c.alts {
                                        if let Pat::Con(pc, xs) = pat {
                                            if pc == con {
                                                if xs.len() != fields.len() {
                                                    return err("pattern arity");
                                                }
                                                for (x, f) in xs.iter().zip(fields) {
                                                    locals.insert(*x, f.clone());
                                                }
                                                chosen = Some(alt);
                                                break;
                                            }
                                        }
                                    }
                                }
                                _ => {
                                    if !c.alts.is_empty() {
                                        return err("case on a function or rigid term");
                                    }
                                }
                            }
                        }
                    }
                    match chosen.or(c.default.as_ref()) {
                        Some(b) => body = b,
                        None => return err("no alternative matches"),
                    }
                }
                Body::Enter(f, args) => {
                    let fv = self.atom(locals, f)?;
                    let xs = args.iter().map(|a| self.atom(locals, a)).collect::<R<Vec<V>>>()?;
                    self.enter_depth()?;
                    let r = self.apply(fv, xs);
                    self.depth -= 1;
                    return Ok(vec![r?]);
                }
                Body::Return(a) => {
                    let v = self.atom(locals, a)?;
                    if matches!(a, Atom::Var(_) | Atom::Global(_)) && !Self::is_whnf(&v) {
                        return err(format!("return of {a:?}, not in WHNF"));
                    }
                    return Ok(vec![v]);
                }
                Body::Error { msg, .. } => return err(format!("error: {msg}")),
            }
        }
    }

    // -----------------------------------------------------------------------
    // Read-back, as the reference interpreter's.

    fn fresh(&mut self) -> (u32, V) {
        let id = self.next_rigid;
        self.next_rigid += 1;
        (id, ptr(Obj::Rigid { head: Head::Bound(id), args: Vec::new() }))
    }

    fn remaining_arity(&self, v: &V) -> R<Option<usize>> {
        let V::Ptr(p) = v else { return Ok(None) };
        let o = p.borrow();
        Ok(match &*o {
            Obj::Fun { code, .. } => Some(self.fun_arity(*code)?),
            Obj::Pap { code, args, .. } => Some(self.fun_arity(*code)?.saturating_sub(args.len()).max(1)),
            _ => None,
        })
    }

    fn readback(&mut self, v: V) -> R<Nf> {
        self.enter_depth()?;
        let r = self.readback_inner(v);
        self.depth -= 1;
        r
    }

    fn readback_inner(&mut self, v: V) -> R<Nf> {
        let mut w = self.whnf(v)?;
        if self.remaining_arity(&w)?.is_some() {
            let mut ids = Vec::new();
            while let Some(n) = self.remaining_arity(&w)? {
                let mut vars = Vec::new();
                for _ in 0..n {
                    let (id, x) = self.fresh();
                    ids.push(id);
                    vars.push(x);
                }
                w = self.apply(w, vars)?;
            }
            let body = self.readback(w)?;
            return Ok(Nf::Lam(ids, Box::new(body)));
        }
        match w {
            V::Int(n) => Ok(Nf::Int(n)),
            V::Float(x) => Ok(Nf::Float(x)),
            V::Ptr(p) => {
                enum What {
                    App(Nf),
                    Con(String),
                }
                let (what, items): (What, Vec<V>) = match &*p.borrow() {
                    Obj::Rigid { head, args } => {
                        let h = match head {
                            Head::Bound(id) => Nf::Bound(*id),
                            Head::Free(n) => Nf::Free(n.clone()),
                        };
                        if args.is_empty() {
                            return Ok(h);
                        }
                        (What::App(h), args.clone())
                    }
                    Obj::Con { con, fields } => {
                        let name = self.m.con(*con).map_or("?".to_string(), |c| c.name.clone());
                        (What::Con(name), fields.clone())
                    }
                    _ => return err("read-back met an unevaluated value"),
                };
                let mut out = Vec::with_capacity(items.len());
                for a in items {
                    out.push(self.readback(a)?);
                }
                Ok(match what {
                    What::App(h) => Nf::App(Box::new(h), out),
                    What::Con(n) => Nf::Con(n, out),
                })
            }
        }
    }
}

/// Evaluate global `g` of a Flat module and read it back.
fn flat_normalise(m: &Module, g: GlobalId, fuel: u64) -> R<Nf> {
    let mut ev = Eval::new(m, fuel);
    let v = ev.globals.get(g.index()).cloned().ok_or(Stop::Err("no such global".into()))?;
    ev.readback(v)
}

// ---------------------------------------------------------------------------
// The differential test.

/// Can evaluating global `g` reach `putchar`/`getchar` (through the codes
/// and globals it references)?
fn uses_effects(m: &Module, g: GlobalId) -> bool {
    let mut seen_codes = std::collections::HashSet::new();
    let mut seen_globals = std::collections::HashSet::new();
    let mut stack = vec![g];
    let mut codes = Vec::new();
    let mut found = false;
    while let Some(g) = stack.pop() {
        if !seen_globals.insert(g) {
            continue;
        }
        let Some(gl) = m.global(g) else { continue };
        codes.extend(gl.kind.code());
        while let Some(c) = codes.pop() {
            if !seen_codes.insert(c) {
                continue;
            }
            let Some(code) = m.code(c) else { continue };
            walk(&code.body, |b| {
                if matches!(b, Body::Prim(op, _) if op.signature().effect) {
                    found = true;
                }
                if let Body::Let(group, _) = b {
                    for (_, a) in group {
                        if let Alloc::Closure { code, .. } = a {
                            codes.push(*code);
                        }
                    }
                }
                for a in atoms_of(b) {
                    if let Atom::Global(h) = a {
                        stack.push(*h);
                    }
                }
            });
        }
    }
    found
}

#[derive(Default)]
struct Tally {
    compared: usize,
    ref_failed: usize,
    fuel: usize,
    mismatches: Vec<String>,
}

fn limits() -> Limits {
    Limits { max_steps: Some(200_000), max_memory: Some(256 << 20), timeout: Some(std::time::Duration::from_secs(10)) }
}

/// Compare the reference and the Flat evaluator on definition `g` of `core`.
fn compare_def(label: &str, core_m: &core::Module, flat: &Module, g: GlobalId, t: &mut Tally) {
    let want = match normalise(core_m, g, &limits()) {
        Ok((nf, _)) => nf,
        Err(_) => {
            t.ref_failed += 1;
            return;
        }
    };
    match flat_normalise(flat, g, 2_000_000) {
        Ok(got) => {
            if got.alpha_eq(&want) {
                t.compared += 1;
            } else {
                t.compared += 1;
                t.mismatches.push(format!(
                    "{label}, def `{}`: reference gives\n  {want}\nFlat evaluator gives\n  {got}",
                    core_m.def(g).name
                ));
            }
        }
        Err(Stop::Fuel) => t.fuel += 1,
        Err(Stop::Err(e)) => t.mismatches.push(format!(
            "{label}, def `{}`: reference gives\n  {want}\nFlat evaluator fails: {e}",
            core_m.def(g).name
        )),
    }
}

fn differential() {
    let mut t = Tally::default();
    // Generated modules: the generator and seeds of `closure_conv.rs`.
    let (mut unverified, mut effects) = (0, 0);
    for seed in 0..1500u64 {
        let size = 1 + (seed as usize * 7) % 80;
        let m = gen::module(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15), size);
        if verify_core(&m).is_err() {
            unverified += 1;
            continue;
        }
        let flat = closure_convert(&m).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        for i in 0..m.defs.len() {
            if uses_effects(&flat, GlobalId(i as u32)) {
                effects += 1;
                continue;
            }
            compare_def(&format!("seed {seed}"), &m, &flat, GlobalId(i as u32), &mut t);
        }
    }
    // The `test run` filetests.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&manifest.join("tests/filetests/run"), &mut files);
    files.sort();
    for path in &files {
        let Ok(text) = fs::read_to_string(path) else { continue };
        let Some(rest) = text.strip_prefix("test run") else { continue };
        let text = format!("\n{}", rest.split_once('\n').map_or("", |(_, r)| r));
        let Ok(m) = parse_module(&text) else { continue };
        if verify_core(&m).is_err() {
            continue;
        }
        let Some(main) = m.find_def("main") else { continue };
        let flat = closure_convert(&m).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if uses_effects(&flat, main) {
            continue;
        }
        compare_def(&path.display().to_string(), &m, &flat, main, &mut t);
    }
    eprintln!("flat_eval: generated modules: {unverified} do not verify, {effects} definitions use effects");
    eprintln!(
        "flat_eval: compared {}, reference failed {}, flat out of fuel {}, mismatches {}",
        t.compared,
        t.ref_failed,
        t.fuel,
        t.mismatches.len()
    );
    assert!(t.mismatches.is_empty(), "{} mismatches:\n{}", t.mismatches.len(), t.mismatches.join("\n\n"));
    assert!(t.compared >= 100, "only {} cases compared", t.compared);
}

#[test]
fn flat_evaluator_agrees_with_the_reference() {
    let h = std::thread::Builder::new().stack_size(64 << 20).spawn(differential).expect("spawn");
    if let Err(e) = h.join() {
        std::panic::resume_unwind(e);
    }
}

/// A couple of hand checks of the evaluator itself.
#[test]
fn flat_evaluator_smoke() {
    let src = "
data List { Nil, Cons(value, value) }
def k = \\x y. x
def main = @k (\\a. a) Nil
";
    let m = parse_module(src).expect("parses");
    verify_core(&m).expect("verifies");
    let flat = closure_convert(&m).expect("converts");
    let g = m.find_def("main").unwrap();
    let got = flat_normalise(&flat, g, 10_000).map_err(|e| format!("{e:?}")).unwrap();
    assert_eq!(got.to_string(), "λ a. a");
}
