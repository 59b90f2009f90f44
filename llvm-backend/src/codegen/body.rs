//! One entry code: the prologue of the runtime protocol (fuel, argc check,
//! blackholing and the update frame, environment and parameter loads) and
//! the body, a tree of Flat [`Body`] forms, emitted without recursion.
//!
//! # Delivery
//!
//! Every terminal form delivers its result to a target (Flat IR design
//! decision 4): at the code's tail ([`Target::Tail`]) a `Value` is returned
//! to the caller, or entered with the pending arguments when there are
//! some; an `Enter` there is a `musttail` call. Inside the first body of a
//! `Strict` ([`Target::Join`]) the results flow into the join block's phis,
//! and an `Enter` there is a real call (a statepoint once the rewriter has
//! run) followed by the update of the frames the callee left (Note [Update
//! frames] in `rt/include/lull_rt.h`).
//!
//! The heap pointer `hp` and the data stack pointer `sp` are SSA values
//! threaded through the body (phis at joins); the heap limit is loaded from
//! the proc at each heap check.

use std::collections::HashMap;
use std::fmt::Write;

use lull_middle::flat::ir::{
    self as flat, Alloc, Atom, Body, Code, CodeKind, GlobalKind, Lit, Pat, PrimOp, Rep, VarId,
};

use super::emit::{con_layout, gc_const, llvm_type, ModuleEmitter};
use crate::layout::{
    service_offset, Tag, INFO_OFFSET_CON_OR_ARITY, INFO_OFFSET_TAG, INFO_SIZE, PROC_OFFSET_DS_CHECK, PROC_OFFSET_FUEL,
    PROC_OFFSET_HL, PROC_OFFSET_NURSERY_LO, PROC_OFFSET_NURSERY_SIZE, PROC_OFFSET_SP, PROC_OFFSET_SVC,
};
use crate::Error;

#[derive(Clone, Copy)]
enum Target {
    Tail,
    Join(usize),
}

struct Join {
    label: String,
    binders: Vec<(VarId, Rep)>,
    /// (values, hp, sp, predecessor block).
    incoming: Vec<(Vec<String>, String, String, String)>,
}

enum Task<'b> {
    Emit { body: &'b Body, target: Target, hp: String, sp: String, label: Option<String> },
    Join { join: usize, cont: &'b Body, target: Target },
}

pub(crate) struct FnEmitter<'e, 'a> {
    me: &'e mut ModuleEmitter<'a>,
    out: String,
    tmp: usize,
    block: String,
    joins: Vec<Join>,
    /// Variables bound to something other than their SSA name (statics).
    subst: HashMap<VarId, String>,
    /// The pending argument count at the tail: `None` for a thunk (0).
    pending: Option<String>,
    /// Variables bound to a closure allocated in this code: their entry
    /// code is known, so entering them is a direct call.
    known: HashMap<VarId, flat::CodeId>,
}

const PROC_SP: u32 = PROC_OFFSET_SP;
const PROC_HL: u32 = PROC_OFFSET_HL;
const PROC_FUEL: u32 = PROC_OFFSET_FUEL;

const UNDEF_ARGS: &str = "ptr undef, i64 undef, i64 undef, i64 undef, i64 undef";

impl<'e, 'a> FnEmitter<'e, 'a> {
    /// The text of `code`'s function body (between the braces).
    pub(crate) fn emit_code(me: &'e mut ModuleEmitter<'a>, code: &Code) -> Result<String, Error> {
        let mut f = FnEmitter {
            me,
            out: String::new(),
            tmp: 0,
            block: "entry".into(),
            joins: Vec::new(),
            subst: HashMap::new(),
            pending: None,
            known: HashMap::new(),
        };
        f.prologue(code)?;
        f.body(&code.body)?;
        Ok(f.out)
    }

    fn fresh(&mut self, hint: &str) -> String {
        self.tmp += 1;
        format!("%{hint}{}", self.tmp)
    }

    fn label(&mut self, hint: &str) -> String {
        self.tmp += 1;
        format!("{hint}{}", self.tmp)
    }

    fn line(&mut self, s: impl AsRef<str>) {
        self.out.push_str("  ");
        self.out.push_str(s.as_ref());
        self.out.push('\n');
    }

    fn start_block(&mut self, label: &str) {
        let _ = writeln!(self.out, "{label}:");
        self.block = label.to_string();
    }

    fn var_rep(&self, v: VarId) -> Result<Rep, Error> {
        self.me.m.var(v).map(|i| i.rep).ok_or_else(|| Error::Emit(format!("unknown variable {v:?}")))
    }

    fn var(&self, v: VarId) -> String {
        self.subst.get(&v).cloned().unwrap_or_else(|| format!("%v{}", v.0))
    }

    /// Calls runtime service `name` through the proc's service table
    /// (Note [The service table] in `rt/include/lull_rt.h`): `call` is the
    /// instruction up to its callee (`"%r = call i64"`), `args` its
    /// arguments. Only `gc` may collect here (a statepoint); the others
    /// are leaf calls, the failing ones marked `noreturn`.
    fn call_service(&mut self, call: &str, name: &str, args: &str) {
        let fp = self.proc_field(PROC_OFFSET_SVC + service_offset(name));
        let f = self.fresh("svf");
        self.line(format!("{f} = load ptr, ptr {fp}, !invariant.load !2"));
        let attrs = match name {
            "gc" | "recv" => "",
            "loop" | "bad_apply" | "error" | "no_match" | "no_match_con" | "no_match_i64" | "no_match_f64"
            | "bad_case" | "ds_overflow" => " #1",
            _ => " #0",
        };
        self.line(format!("{call} {f}({args}){attrs}"));
    }

    fn proc_field(&mut self, offset: u32) -> String {
        let p = self.fresh("pf");
        self.line(format!("{p} = getelementptr i8, ptr %proc, i64 {offset}"));
        p
    }

    /// An atom as `(type, operand)`.
    fn atom(&mut self, a: &Atom) -> Result<(String, String), Error> {
        Ok(match a {
            Atom::Var(v) => (llvm_type(self.var_rep(*v)?).into(), self.var(*v)),
            Atom::Global(g) => match self.me.m.global(*g).map(|g| g.kind) {
                None => return Err(Error::Emit(format!("unknown global {g:?}"))),
                Some(GlobalKind::Import(i)) => {
                    // A slot of the import table, filled when the crate is
                    // linked and never written again (Note [Crate imports]
                    // in rt/include/lull_rt.h).
                    let slot = self.fresh("imp");
                    let v = self.fresh("impv");
                    let table = self.me.imports_sym();
                    let n = self.me.m.imports.len();
                    self.line(format!(
                        "{slot} = getelementptr inbounds [{n} x ptr], ptr {table}, i64 0, i64 {}",
                        i.index()
                    ));
                    self.line(format!("{v} = load ptr addrspace(1), ptr {slot}, !invariant.load !2"));
                    (llvm_type(Rep::Value).into(), v)
                }
                Some(_) => (llvm_type(Rep::Value).into(), gc_const(&self.me.global_sym(*g))),
            },
            Atom::Lit(Lit::Int(n)) => ("i64".into(), n.to_string()),
            Atom::Lit(Lit::Float(x)) => ("double".into(), format!("0x{:016X}", x.to_bits())),
            Atom::Free(name) => {
                let sym = self.me.free_sym(name);
                (llvm_type(Rep::Value).into(), gc_const(&sym))
            }
        })
    }

    fn operand(&mut self, a: &Atom) -> Result<String, Error> {
        Ok(self.atom(a)?.1)
    }

    fn prologue(&mut self, code: &Code) -> Result<(), Error> {
        self.start_block("entry");
        match &code.kind {
            CodeKind::Fun { params } => {
                let n = params.len();
                self.line(format!("%enough = icmp uge i64 %argc, {n}"));
                self.line("br i1 %enough, label %body, label %few");
                self.start_block("few");
                self.line("%none = icmp eq i64 %argc, 0");
                self.line("br i1 %none, label %whnf, label %pap");
                self.start_block("whnf");
                self.ret_value("%hp", "%sp", "%self");
                self.start_block("pap");
                self.line(format!(
                    "%papr = musttail call ghccc %lull.ret @lull_pap_stub(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %self, {UNDEF_ARGS}, i64 %argc) #0"
                ));
                self.line("ret %lull.ret %papr");
                self.start_block("body");
                self.fuel();
                self.ds_check();
                self.load_env(code)?;
                for (i, p) in params.iter().enumerate() {
                    let slot = self.fresh("ps");
                    self.line(format!("{slot} = getelementptr ptr addrspace(1), ptr %sp, i64 -{}", i + 1));
                    self.line(format!("%v{} = load ptr addrspace(1), ptr {slot}", p.0));
                }
                self.line(format!("%sp.in = getelementptr ptr addrspace(1), ptr %sp, i64 -{n}"));
                self.line(format!("%pending = sub i64 %argc, {n}"));
                self.pending = Some("%pending".into());
            }
            CodeKind::Thunk => {
                self.line("%hasargs = icmp ne i64 %argc, 0");
                self.line("br i1 %hasargs, label %apply, label %body");
                self.start_block("apply");
                self.line(format!(
                    "%appr = musttail call ghccc %lull.ret @lull_thunk_apply_stub(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %self, {UNDEF_ARGS}, i64 %argc) #0"
                ));
                self.line("ret %lull.ret %appr");
                self.start_block("body");
                self.fuel();
                self.ds_check();
                self.load_env(code)?;
                // Blackhole, then push the update frame (Note [Update frames]).
                self.line("store ptr @lull_blackhole_entry, ptr addrspace(1) %self");
                self.line("store ptr addrspace(1) %self, ptr %sp");
                self.line("%sp.in = getelementptr ptr addrspace(1), ptr %sp, i64 1");
            }
        }
        Ok(())
    }

    /// Count one closure entry; an exhausted budget calls the runtime.
    fn fuel(&mut self) {
        let p = self.proc_field(PROC_FUEL);
        self.line(format!("%fuel = load i64, ptr {p}"));
        self.line("%fuel1 = sub i64 %fuel, 1");
        self.line(format!("store i64 %fuel1, ptr {p}"));
        self.line("%spent = icmp slt i64 %fuel1, 0");
        self.line("br i1 %spent, label %nofuel, label %fuelok, !prof !0");
        self.start_block("nofuel");
        self.call_service("call void", "out_of_fuel", "ptr %proc");
        self.line("br label %fuelok");
        self.start_block("fuelok");
    }

    /// Check the data stack's room: a body pushes at most
    /// `LULL_DS_SLACK_WORDS` before it enters anything (Note [Segmented
    /// stacks] in `rt/src/segment.c`).
    fn ds_check(&mut self) {
        if !self.me.stack_checks {
            return;
        }
        let p = self.proc_field(PROC_OFFSET_DS_CHECK);
        self.line(format!("%dsc = load ptr, ptr {p}"));
        self.line("%dsfull = icmp ugt ptr %sp, %dsc");
        self.line("br i1 %dsfull, label %dsover, label %dsok, !prof !0");
        self.start_block("dsover");
        self.call_service("call void", "ds_overflow", "ptr %proc");
        self.line("unreachable");
        self.start_block("dsok");
    }

    fn load_env(&mut self, code: &Code) -> Result<(), Error> {
        for (i, v) in code.env.iter().enumerate() {
            let rep = self.var_rep(*v)?;
            let p = self.fresh("ep");
            self.line(format!("{p} = getelementptr i64, ptr addrspace(1) %self, i64 {}", i + 1));
            self.line(format!("%v{} = load {}, ptr addrspace(1) {p}", v.0, llvm_type(rep)));
        }
        Ok(())
    }

    fn ret_value(&mut self, hp: &str, sp: &str, v: &str) {
        let i = self.fresh("ri");
        let a = self.fresh("r");
        let b = self.fresh("r");
        let c = self.fresh("r");
        self.line(format!("{i} = ptrtoint ptr addrspace(1) {v} to i64"));
        self.line(format!("{a} = insertvalue %lull.ret undef, ptr {hp}, 0"));
        self.line(format!("{b} = insertvalue %lull.ret {a}, ptr {sp}, 1"));
        self.line(format!("{c} = insertvalue %lull.ret {b}, i64 {i}, 2"));
        self.line(format!("ret %lull.ret {c}"));
    }

    /// The entry code of an atom when it is known here: a global function,
    /// or a closure allocated earlier in this code.
    fn known_entry(&self, a: &Atom) -> Option<String> {
        let code = match a {
            Atom::Global(g) => match self.me.m.global(*g)?.kind {
                GlobalKind::Fun(c) => c,
                GlobalKind::Caf(_) | GlobalKind::Import(_) => return None,
            },
            Atom::Var(v) => *self.known.get(v)?,
            _ => return None,
        };
        Some(self.me.code_sym(code))
    }

    /// The entry code to call for `f`: its known symbol, or a load of its
    /// entry word.
    fn entry_of(&mut self, f: &str, known: Option<String>) -> String {
        match known {
            Some(sym) => sym,
            None => {
                let e = self.fresh("fe");
                self.line(format!("{e} = load ptr, ptr addrspace(1) {f}"));
                e
            }
        }
    }

    /// `musttail` enter `f` with `argc`.
    fn tail_enter(&mut self, hp: &str, sp: &str, f: &str, argc: &str) {
        self.tail_enter_known(hp, sp, f, argc, None)
    }

    fn tail_enter_known(&mut self, hp: &str, sp: &str, f: &str, argc: &str, known: Option<String>) {
        let e = self.entry_of(f, known);
        let r = self.fresh("tr");
        self.line(format!(
            "{r} = musttail call ghccc %lull.ret {e}(ptr {hp}, ptr %proc, ptr {sp}, ptr addrspace(1) {f}, {UNDEF_ARGS}, i64 {argc}) #0"
        ));
        self.line(format!("ret %lull.ret {r}"));
    }

    /// Deliver an evaluated `Value` at the code's tail.
    fn deliver_tail_value(&mut self, hp: &str, sp: &str, v: &str) {
        match self.pending.clone() {
            None => self.ret_value(hp, sp, v),
            Some(p) => {
                let z = self.fresh("nopend");
                let (r, a) = (self.label("ret"), self.label("over"));
                self.line(format!("{z} = icmp eq i64 {p}, 0"));
                self.line(format!("br i1 {z}, label %{r}, label %{a}"));
                self.start_block(&r);
                self.ret_value(hp, sp, v);
                self.start_block(&a);
                self.tail_enter(hp, sp, v, &p);
            }
        }
    }

    fn deliver(&mut self, target: Target, hp: &str, sp: &str, values: Vec<(String, String)>) -> Result<(), Error> {
        match target {
            Target::Tail => {
                let [(ty, v)] = &values[..] else {
                    return Err(Error::Emit("a code's tail must deliver exactly one value".into()));
                };
                if ty != llvm_type(Rep::Value) {
                    return Err(Error::Emit("a code's tail must deliver a value, not an unboxed number".into()));
                }
                self.deliver_tail_value(hp, sp, v);
            }
            Target::Join(j) => {
                if self.joins[j].binders.len() != values.len() {
                    return Err(Error::Emit("a strict binding receives the wrong number of results".into()));
                }
                let label = self.joins[j].label.clone();
                let block = self.block.clone();
                self.joins[j].incoming.push((
                    values.into_iter().map(|(_, v)| v).collect(),
                    hp.to_string(),
                    sp.to_string(),
                    block,
                ));
                self.line(format!("br label %{label}"));
            }
        }
        Ok(())
    }

    /// Push `args` (the first ends on top) and return the new sp.
    fn push_args(&mut self, sp: &str, args: &[Atom]) -> Result<String, Error> {
        let k = args.len();
        for (i, a) in args.iter().enumerate() {
            let v = self.operand(a)?;
            let slot = self.fresh("as");
            self.line(format!("{slot} = getelementptr ptr addrspace(1), ptr {sp}, i64 {}", k - 1 - i));
            self.line(format!("store ptr addrspace(1) {v}, ptr {slot}"));
        }
        if k == 0 {
            return Ok(sp.to_string());
        }
        let nsp = self.fresh("sp");
        self.line(format!("{nsp} = getelementptr ptr addrspace(1), ptr {sp}, i64 {k}"));
        Ok(nsp)
    }

    fn body(&mut self, root: &Body) -> Result<(), Error> {
        let mut tasks =
            vec![Task::Emit { body: root, target: Target::Tail, hp: "%hp".into(), sp: "%sp.in".into(), label: None }];
        while let Some(task) = tasks.pop() {
            match task {
                Task::Join { join, cont, target } => {
                    if self.joins[join].incoming.is_empty() {
                        continue; // every branch stopped: the continuation is dead
                    }
                    let j = &self.joins[join];
                    let label = j.label.clone();
                    let mut phis = Vec::new();
                    for (i, (v, rep)) in j.binders.iter().enumerate() {
                        let inc: Vec<String> =
                            j.incoming.iter().map(|(vals, _, _, b)| format!("[ {}, %{b} ]", vals[i])).collect();
                        phis.push(format!("%v{} = phi {} {}", v.0, llvm_type(*rep), inc.join(", ")));
                    }
                    let hp = format!("%jhp.{join}");
                    let sp = format!("%jsp.{join}");
                    let inc_hp: Vec<String> = j.incoming.iter().map(|(_, h, _, b)| format!("[ {h}, %{b} ]")).collect();
                    let inc_sp: Vec<String> = j.incoming.iter().map(|(_, _, s, b)| format!("[ {s}, %{b} ]")).collect();
                    phis.push(format!("{hp} = phi ptr {}", inc_hp.join(", ")));
                    phis.push(format!("{sp} = phi ptr {}", inc_sp.join(", ")));
                    self.start_block(&label);
                    for p in phis {
                        self.line(p);
                    }
                    tasks.push(Task::Emit { body: cont, target, hp, sp, label: None });
                }
                Task::Emit { body, target, hp, sp, label } => {
                    if let Some(l) = label {
                        self.start_block(&l);
                    }
                    self.emit_one(body, target, hp, sp, &mut tasks)?;
                }
            }
        }
        Ok(())
    }

    fn emit_one<'b>(
        &mut self,
        body: &'b Body,
        target: Target,
        hp: String,
        sp: String,
        tasks: &mut Vec<Task<'b>>,
    ) -> Result<(), Error> {
        match body {
            Body::Let(group, k) => {
                let hp = self.alloc_group(group, &hp, &sp)?;
                tasks.push(Task::Emit { body: k, target, hp, sp, label: None });
            }
            Body::Strict(xs, first, k) => {
                let mut binders = Vec::new();
                for x in xs {
                    binders.push((*x, self.var_rep(*x)?));
                }
                let label = self.label("join");
                self.joins.push(Join { label, binders, incoming: Vec::new() });
                let j = self.joins.len() - 1;
                tasks.push(Task::Join { join: j, cont: k, target });
                tasks.push(Task::Emit { body: first, target: Target::Join(j), hp, sp, label: None });
            }
            Body::Return(a) => {
                let v = self.atom(a)?;
                self.deliver(target, &hp, &sp, vec![v])?;
            }
            Body::Enter(f, args) => {
                let fv = self.operand(f)?;
                let known = self.known_entry(f);
                let nsp = self.push_args(&sp, args)?;
                match target {
                    Target::Tail => {
                        let argc = match self.pending.clone() {
                            None => args.len().to_string(),
                            Some(p) => {
                                let a = self.fresh("argc");
                                self.line(format!("{a} = add i64 {p}, {}", args.len()));
                                a
                            }
                        };
                        self.tail_enter_known(&hp, &nsp, &fv, &argc, known);
                    }
                    Target::Join(_) => {
                        let (rhp, rv) = self.eval_call(&hp, &sp, &nsp, &fv, args.len(), known)?;
                        self.deliver(target, &rhp, &sp, vec![(llvm_type(Rep::Value).into(), rv)])?;
                    }
                }
            }
            Body::Prim(PrimOp::Recv, args) => {
                // The one primitive that allocates in the heap (the
                // message's copy): a GC call, like the heap check's.
                let [tok, chan] = args.as_slice() else {
                    return Err(Error::Emit("primitive recv takes 2 operands".into()));
                };
                let tok = self.atom(tok)?;
                let chan = self.operand(chan)?;
                let spp = self.proc_field(PROC_SP);
                self.line(format!("store ptr {hp}, ptr %proc"));
                self.line(format!("store ptr {sp}, ptr {spp}"));
                let r = self.fresh("msg");
                self.call_service(&format!("{r} = call ptr addrspace(1)"), "recv", &format!("ptr %proc, i64 {chan}"));
                let rhp = self.fresh("rhp");
                self.line(format!("{rhp} = load ptr, ptr %proc"));
                self.deliver(target, &rhp, &sp, vec![tok, (llvm_type(Rep::Value).into(), r)])?;
            }
            Body::Prim(op, args) => {
                let results = self.prim(*op, args)?;
                self.deliver(target, &hp, &sp, results)?;
            }
            Body::Error { msg, loc, .. } => {
                let m = self.string_const(msg.as_bytes());
                let l = match loc {
                    Some(l) => self.string_const(l.as_bytes()),
                    None => "null".into(),
                };
                self.call_service("call void", "error", &format!("ptr %proc, ptr {m}, ptr {l}"));
                self.line("unreachable");
            }
            Body::Case(c) => {
                let (ty, s) = self.atom(&c.scrut)?;
                let default = self.label("default");
                let mut alts = Vec::new();
                let mut seen_ints = std::collections::HashSet::new();
                match ty.as_str() {
                    // Only a default: taken whatever the value is, as in
                    // the reference interpreter.
                    "ptr addrspace(1)" if c.alts.is_empty() => {
                        self.line(format!("br label %{default}"));
                    }
                    "ptr addrspace(1)" => {
                        let e = self.fresh("se");
                        let tp = self.fresh("stp");
                        let tag = self.fresh("stag");
                        let iscon = self.fresh("iscon");
                        let conb = self.label("con");
                        let nomatch = self.label("nomatch");
                        self.line(format!("{e} = load ptr, ptr addrspace(1) {s}"));
                        self.line(format!("{tp} = getelementptr i8, ptr {e}, i64 -{}", INFO_SIZE - INFO_OFFSET_TAG));
                        self.line(format!("{tag} = load i32, ptr {tp}"));
                        self.line(format!("{iscon} = icmp eq i32 {tag}, {}", Tag::Con as u32));
                        self.line(format!("br i1 {iscon}, label %{conb}, label %{nomatch}"));
                        self.start_block(&nomatch);
                        self.call_service(
                            "call void",
                            "bad_case",
                            &format!("ptr %proc, ptr addrspace(1) {s}, ptr @lull.what.data"),
                        );
                        self.line("unreachable");
                        self.start_block(&conb);
                        let cp = self.fresh("scp");
                        let cn = self.fresh("scn");
                        self.line(format!(
                            "{cp} = getelementptr i8, ptr {e}, i64 -{}",
                            INFO_SIZE - INFO_OFFSET_CON_OR_ARITY
                        ));
                        self.line(format!("{cn} = load i32, ptr {cp}"));
                        let mut cases = Vec::new();
                        for (pat, b) in &c.alts {
                            let Pat::Con(con, _) = pat else {
                                return Err(Error::Emit("a literal pattern on a value scrutinee".into()));
                            };
                            if !seen_ints.insert(con.tag as i64) {
                                continue;
                            }
                            let l = self.label("alt");
                            cases.push(format!("i32 {}, label %{l}", con.tag));
                            alts.push((l, pat, b));
                        }
                        self.line(format!("switch i32 {cn}, label %{default} [ {} ]", cases.join(" ")));
                    }
                    "i64" => {
                        let mut cases = Vec::new();
                        for (pat, b) in &c.alts {
                            let Pat::Lit(Lit::Int(n)) = pat else {
                                return Err(Error::Emit("a non-integer pattern on an i64 scrutinee".into()));
                            };
                            if !seen_ints.insert(*n) {
                                continue;
                            }
                            let l = self.label("alt");
                            cases.push(format!("i64 {n}, label %{l}"));
                            alts.push((l, pat, b));
                        }
                        self.line(format!("switch i64 {s}, label %{default} [ {} ]", cases.join(" ")));
                    }
                    _ => {
                        // Floats: IEEE equality, first match wins.
                        for (pat, b) in &c.alts {
                            let Pat::Lit(Lit::Float(x)) = pat else {
                                return Err(Error::Emit("a non-float pattern on an f64 scrutinee".into()));
                            };
                            let l = self.label("alt");
                            let next = self.label("next");
                            let eq = self.fresh("feq");
                            self.line(format!("{eq} = fcmp oeq double {s}, 0x{:016X}", x.to_bits()));
                            self.line(format!("br i1 {eq}, label %{l}, label %{next}"));
                            self.start_block(&next);
                            alts.push((l, pat, b));
                        }
                        self.line(format!("br label %{default}"));
                    }
                }
                // Alternatives are emitted by later tasks; the loads of the
                // fields go first in each.
                match &c.default {
                    Some(d) => tasks.push(Task::Emit {
                        body: d,
                        target,
                        hp: hp.clone(),
                        sp: sp.clone(),
                        label: Some(default.clone()),
                    }),
                    None => {
                        self.start_block(&default);
                        let (service, arg) = match ty.as_str() {
                            "i64" => ("no_match_i64", format!("i64 {s}")),
                            "double" => ("no_match_f64", format!("double {s}")),
                            _ => ("no_match_con", format!("ptr addrspace(1) {s}")),
                        };
                        self.call_service("call void", service, &format!("ptr %proc, {arg}"));
                        self.line("unreachable");
                    }
                }
                for (l, pat, b) in alts.into_iter().rev() {
                    if let Pat::Con(con, vars) = pat {
                        self.start_block(&l);
                        let fields = self.me.m.con(*con).map(|c| c.fields.clone()).unwrap_or_default();
                        if fields.len() != vars.len() {
                            return Err(Error::Emit(format!("pattern arity mismatch for {con:?}")));
                        }
                        let words = con_layout(&fields);
                        for ((v, rep), w) in vars.iter().zip(fields.iter()).zip(words) {
                            let p = self.fresh("fp");
                            self.line(format!("{p} = getelementptr i64, ptr addrspace(1) {s}, i64 {w}"));
                            self.line(format!("%v{} = load {}, ptr addrspace(1) {p}", v.0, llvm_type(*rep)));
                        }
                        let after = self.label("altbody");
                        self.line(format!("br label %{after}"));
                        tasks.push(Task::Emit { body: b, target, hp: hp.clone(), sp: sp.clone(), label: Some(after) });
                    } else {
                        tasks.push(Task::Emit { body: b, target, hp: hp.clone(), sp: sp.clone(), label: Some(l) });
                    }
                }
            }
        }
        Ok(())
    }

    /// A real call: evaluate `f` applied to the arguments already pushed
    /// (`nsp` is sp after the pushes, `sp` before them); performs the
    /// updates the callee left. Returns (hp, value).
    fn eval_call(
        &mut self,
        hp: &str,
        sp: &str,
        nsp: &str,
        f: &str,
        argc: usize,
        known: Option<String>,
    ) -> Result<(String, String), Error> {
        let e = self.entry_of(f, known);
        let r = self.fresh("call");
        let (rhp, rsp, ri, rv) = (self.fresh("rhp"), self.fresh("rsp"), self.fresh("ri"), self.fresh("rv"));
        self.line(format!(
            "{r} = call ghccc %lull.ret {e}(ptr {hp}, ptr %proc, ptr {nsp}, ptr addrspace(1) {f}, {UNDEF_ARGS}, i64 {argc})"
        ));
        self.line(format!("{rhp} = extractvalue %lull.ret {r}, 0"));
        self.line(format!("{rsp} = extractvalue %lull.ret {r}, 1"));
        self.line(format!("{ri} = extractvalue %lull.ret {r}, 2"));
        self.line(format!("{rv} = inttoptr i64 {ri} to ptr addrspace(1)"));
        let upd = self.fresh("upd");
        let (ul, fl, sl, cl) = (self.label("update"), self.label("ufast"), self.label("uslow"), self.label("updated"));
        self.line(format!("{upd} = icmp ne ptr {rsp}, {sp}"));
        self.line(format!("br i1 {upd}, label %{ul}, label %{cl}"));
        // Note [Inline updates] in rt/include/lull_rt.h: one young frame
        // here, anything else in the runtime.
        self.start_block(&ul);
        let (one, single, obj, oi, lo, size, off, young, fast) = (
            self.fresh("one"),
            self.fresh("single"),
            self.fresh("uo"),
            self.fresh("uoi"),
            self.fresh("nlo"),
            self.fresh("nsz"),
            self.fresh("noff"),
            self.fresh("young"),
            self.fresh("fast"),
        );
        let (lop, sizep) = (self.proc_field(PROC_OFFSET_NURSERY_LO), self.proc_field(PROC_OFFSET_NURSERY_SIZE));
        self.line(format!("{one} = getelementptr ptr addrspace(1), ptr {sp}, i64 1"));
        self.line(format!("{single} = icmp eq ptr {rsp}, {one}"));
        self.line(format!("{obj} = load ptr addrspace(1), ptr {sp}"));
        self.line(format!("{oi} = ptrtoint ptr addrspace(1) {obj} to i64"));
        self.line(format!("{lo} = load i64, ptr {lop}"));
        self.line(format!("{size} = load i64, ptr {sizep}"));
        self.line(format!("{off} = sub i64 {oi}, {lo}"));
        self.line(format!("{young} = icmp ult i64 {off}, {size}"));
        self.line(format!("{fast} = and i1 {single}, {young}"));
        self.line(format!("br i1 {fast}, label %{fl}, label %{sl}, !prof !1"));
        self.start_block(&fl);
        let vp = self.fresh("uvp");
        self.line("store ptr @lull_ref_entry, ptr addrspace(1) ".to_string() + &obj);
        self.line(format!("{vp} = getelementptr ptr addrspace(1), ptr addrspace(1) {obj}, i64 1"));
        self.line(format!("store ptr addrspace(1) {rv}, ptr addrspace(1) {vp}"));
        self.line(format!("br label %{cl}"));
        self.start_block(&sl);
        self.call_service(
            "call void",
            "update_frames",
            &format!("ptr %proc, ptr {sp}, ptr {rsp}, ptr addrspace(1) {rv}"),
        );
        self.line(format!("br label %{cl}"));
        self.start_block(&cl);
        Ok((rhp, rv))
    }

    /// One allocation group: a heap check, then every object (binders are
    /// in scope in every allocation: knots). Returns the new hp.
    fn alloc_group(&mut self, group: &[(VarId, Alloc)], hp: &str, sp: &str) -> Result<String, Error> {
        // (offset, words) of each allocation; 0 words for a static object.
        let mut places = Vec::new();
        let mut total = 0usize;
        for (_, a) in group {
            let words = self.me.alloc_words(a)?;
            places.push((total, words));
            total += words;
        }
        // Statics first, so that every binder has an operand before fills.
        for (v, a) in group {
            match a {
                Alloc::Con { con, fields } if fields.is_empty() => {
                    self.subst.insert(*v, gc_const(&self.me.con_static_sym(*con)));
                }
                Alloc::Closure { code, .. } if self.me.is_closed_fun(*code) => {
                    self.subst.insert(*v, gc_const(&self.me.closed_fun_sym(*code)));
                    self.known.insert(*v, *code);
                }
                // Only functions: a thunk's entry word changes when it is
                // blackholed and updated.
                Alloc::Closure { code, .. }
                    if self.me.m.code(*code).is_some_and(|c| matches!(c.kind, CodeKind::Fun { .. })) =>
                {
                    self.known.insert(*v, *code);
                }
                _ => {}
            }
        }
        if total == 0 {
            return Ok(hp.to_string());
        }
        let new = self.fresh("hpn");
        let hlp = self.proc_field(PROC_HL);
        let hl = self.fresh("hl");
        let ok = self.fresh("hok");
        let (gcl, okl) = (self.label("gc"), self.label("alloc"));
        let from = self.block.clone();
        self.line(format!("{new} = getelementptr i64, ptr {hp}, i64 {total}"));
        self.line(format!("{hl} = load ptr, ptr {hlp}"));
        self.line(format!("{ok} = icmp ule ptr {new}, {hl}"));
        self.line(format!("br i1 {ok}, label %{okl}, label %{gcl}, !prof !1"));
        self.start_block(&gcl);
        let spp = self.proc_field(PROC_SP);
        self.line(format!("store ptr {hp}, ptr %proc"));
        self.line(format!("store ptr {sp}, ptr {spp}"));
        self.call_service("call void", "gc", &format!("ptr %proc, i64 {total}"));
        let ghp = self.fresh("ghp");
        self.line(format!("{ghp} = load ptr, ptr %proc"));
        self.line(format!("br label %{okl}"));
        self.start_block(&okl);
        let base = self.fresh("hpb");
        self.line(format!("{base} = phi ptr [ {hp}, %{from} ], [ {ghp}, %{gcl} ]"));
        let mut raw = Vec::new();
        for ((v, _), &(off, words)) in group.iter().zip(&places) {
            if words == 0 {
                raw.push(None);
                continue;
            }
            let p = self.fresh("obj");
            let i = self.fresh("oi");
            self.line(format!("{p} = getelementptr i64, ptr {base}, i64 {off}"));
            self.line(format!("{i} = ptrtoint ptr {p} to i64"));
            self.line(format!("%v{} = inttoptr i64 {i} to ptr addrspace(1)", v.0));
            raw.push(Some(p));
        }
        for ((_, a), p) in group.iter().zip(raw) {
            let Some(p) = p else { continue };
            let words: Vec<(usize, String, String)> = match a {
                Alloc::Closure { code, env } => {
                    let entry = self.me.code_sym(*code);
                    self.line(format!("store ptr {entry}, ptr {p}"));
                    let mut ws = Vec::new();
                    for (i, at) in env.iter().enumerate() {
                        let (ty, v) = self.atom(at)?;
                        ws.push((i + 1, ty, v));
                    }
                    if env.is_empty() {
                        ws.push((1, "i64".into(), "0".into()));
                    }
                    ws
                }
                Alloc::Con { con, fields } => {
                    let entry = self.me.con_entry_sym(*con);
                    self.line(format!("store ptr {entry}, ptr {p}"));
                    let reps: Vec<Rep> = self.me.m.con(*con).map(|c| c.fields.clone()).unwrap_or_default();
                    if reps.len() != fields.len() {
                        return Err(Error::Emit(format!("constructor arity mismatch for {con:?}")));
                    }
                    let layout = con_layout(&reps);
                    let mut ws = Vec::new();
                    for (at, w) in fields.iter().zip(layout) {
                        let (ty, v) = self.atom(at)?;
                        ws.push((w, ty, v));
                    }
                    ws
                }
                Alloc::Str(s) => {
                    let desc = self.me.string_desc(s)?;
                    self.line(format!("store ptr @lull_str_entry, ptr {p}"));
                    vec![(1, "ptr".into(), desc), (2, "i64".into(), "0".into())]
                }
            };
            for (w, ty, v) in words {
                let fp = self.fresh("fp");
                self.line(format!("{fp} = getelementptr i64, ptr {p}, i64 {w}"));
                self.line(format!("store {ty} {v}, ptr {fp}"));
            }
        }
        let nhp = self.fresh("hp");
        self.line(format!("{nhp} = getelementptr i64, ptr {base}, i64 {total}"));
        Ok(nhp)
    }

    fn string_const(&mut self, bytes: &[u8]) -> String {
        let mut b = bytes.to_vec();
        b.push(0);
        let n = self.me.data.len();
        let sym = format!("@\"{}.msg{n}\"", self.me.prefix);
        let _ = writeln!(
            self.me.data,
            "{sym} = private unnamed_addr constant [{} x i8] {}",
            b.len(),
            super::emit::c_string(&b)
        );
        sym
    }

    fn prim(&mut self, op: PrimOp, args: &[Atom]) -> Result<Vec<(String, String)>, Error> {
        use PrimOp::*;
        let sig = op.signature();
        if sig.args.len() != args.len() {
            return Err(Error::Emit(format!("primitive {op} takes {} operands", sig.args.len())));
        }
        let mut xs = Vec::new();
        for a in args {
            xs.push(self.operand(a)?);
        }
        let r = self.fresh("p");
        let int = |s: &str| ("i64".to_string(), s.to_string());
        let bin = |f: &mut Self, instr: &str| {
            f.line(format!("{r} = {instr} {}, {}", xs[0], xs[1]));
        };
        let cmp = |f: &mut Self, instr: &str| {
            let c = f.fresh("c");
            f.line(format!("{c} = {instr} {}, {}", xs[0], xs[1]));
            f.line(format!("{r} = zext i1 {c} to i64"));
        };
        match op {
            IAdd => bin(self, "add i64"),
            ISub => bin(self, "sub i64"),
            IMul => bin(self, "mul i64"),
            IAnd => bin(self, "and i64"),
            IOr => bin(self, "or i64"),
            IXor => bin(self, "xor i64"),
            IShl | IShr => {
                let m = self.fresh("m");
                self.line(format!("{m} = and i64 {}, 63", xs[1]));
                let instr = if op == IShl { "shl" } else { "ashr" };
                self.line(format!("{r} = {instr} i64 {}, {m}", xs[0]));
            }
            INeg => self.line(format!("{r} = sub i64 0, {}", xs[0])),
            IQuot | IRem => {
                let z = self.fresh("z");
                let (zl, okl, ovl, ok2) =
                    (self.label("divz"), self.label("divnz"), self.label("divov"), self.label("div"));
                self.line(format!("{z} = icmp eq i64 {}, 0", xs[1]));
                self.line(format!("br i1 {z}, label %{zl}, label %{okl}, !prof !0"));
                self.start_block(&zl);
                let m = self.string_const(format!("{op}: division by zero").as_bytes());
                self.call_service("call void", "error", &format!("ptr %proc, ptr {m}, ptr null"));
                self.line("unreachable");
                self.start_block(&okl);
                let a = self.fresh("mn");
                let b = self.fresh("m1");
                let c = self.fresh("ov");
                self.line(format!("{a} = icmp eq i64 {}, {}", xs[0], i64::MIN));
                self.line(format!("{b} = icmp eq i64 {}, -1", xs[1]));
                self.line(format!("{c} = and i1 {a}, {b}"));
                self.line(format!("br i1 {c}, label %{ovl}, label %{ok2}, !prof !0"));
                self.start_block(&ovl);
                let m = self.string_const(format!("{op}: overflow ({} / -1)", i64::MIN).as_bytes());
                self.call_service("call void", "error", &format!("ptr %proc, ptr {m}, ptr null"));
                self.line("unreachable");
                self.start_block(&ok2);
                let instr = if op == IQuot { "sdiv" } else { "srem" };
                self.line(format!("{r} = {instr} i64 {}, {}", xs[0], xs[1]));
            }
            IEq => cmp(self, "icmp eq i64"),
            INe => cmp(self, "icmp ne i64"),
            ILt => cmp(self, "icmp slt i64"),
            ILe => cmp(self, "icmp sle i64"),
            IGt => cmp(self, "icmp sgt i64"),
            IGe => cmp(self, "icmp sge i64"),
            FAdd => bin(self, "fadd double"),
            FSub => bin(self, "fsub double"),
            FMul => bin(self, "fmul double"),
            FDiv => bin(self, "fdiv double"),
            FNeg => self.line(format!("{r} = fneg double {}", xs[0])),
            FEq => cmp(self, "fcmp oeq double"),
            FNe => cmp(self, "fcmp une double"),
            FLt => cmp(self, "fcmp olt double"),
            FLe => cmp(self, "fcmp ole double"),
            FGt => cmp(self, "fcmp ogt double"),
            FGe => cmp(self, "fcmp oge double"),
            IToF => self.line(format!("{r} = sitofp i64 {} to double", xs[0])),
            FToI => self.line(format!("{r} = call i64 @llvm.fptosi.sat.i64.f64(double {})", xs[0])),
            PutChar => {
                self.call_service("call void", "putchar", &format!("ptr %proc, i64 {}", xs[1]));
                return Ok(vec![(llvm_type(Rep::Value).into(), xs[0].clone())]);
            }
            GetChar => {
                self.call_service(&format!("{r} = call i64"), "getchar", "ptr %proc");
                return Ok(vec![(llvm_type(Rep::Value).into(), xs[0].clone()), int(&r)]);
            }
            ConTag => {
                // A WHNF value: a CON's number is in its info prefix.
                let (e, tp, tag, iscon, cp, cn, cn64) = (
                    self.fresh("ce"),
                    self.fresh("ctp"),
                    self.fresh("ctag"),
                    self.fresh("ciscon"),
                    self.fresh("ccp"),
                    self.fresh("ccn"),
                    self.fresh("ccn"),
                );
                self.line(format!("{e} = load ptr, ptr addrspace(1) {}", xs[0]));
                self.line(format!("{tp} = getelementptr i8, ptr {e}, i64 -{}", INFO_SIZE - INFO_OFFSET_TAG));
                self.line(format!("{tag} = load i32, ptr {tp}"));
                self.line(format!("{iscon} = icmp eq i32 {tag}, {}", Tag::Con as u32));
                self.line(format!("{cp} = getelementptr i8, ptr {e}, i64 -{}", INFO_SIZE - INFO_OFFSET_CON_OR_ARITY));
                self.line(format!("{cn} = load i32, ptr {cp}"));
                self.line(format!("{cn64} = zext i32 {cn} to i64"));
                self.line(format!("{r} = select i1 {iscon}, i64 {cn64}, i64 -1"));
            }
            DataId => {
                self.call_service(
                    &format!("{r} = call i64"),
                    "dataid",
                    &format!("ptr %proc, ptr addrspace(1) {}", xs[0]),
                );
            }
            FSqrt => self.line(format!("{r} = call double @llvm.sqrt.f64(double {}) #0", xs[0])),
            FExp | FLog | FSin | FCos | FTan => {
                let f = match op {
                    FExp => "exp",
                    FLog => "log",
                    FSin => "sin",
                    FCos => "cos",
                    _ => "tan",
                };
                self.line(format!("{r} = call double @{f}(double {}) #0", xs[0]));
            }
            FAtan2 | FPow => {
                let f = if op == FAtan2 { "atan2" } else { "pow" };
                self.line(format!("{r} = call double @{f}(double {}, double {}) #0", xs[0], xs[1]));
            }
            FShowChar => {
                self.call_service(&format!("{r} = call i64"), "fshowchar", &format!("double {}, i64 {}", xs[0], xs[1]));
            }
            FDec => self.call_service(&format!("{r} = call double"), "fdec", &format!("i64 {}, i64 {}", xs[0], xs[1])),
            UniProp => {
                self.call_service(&format!("{r} = call i64"), "uniprop", &format!("i64 {}, i64 {}", xs[0], xs[1]))
            }
            HPutChar | HCommit => {
                let f = if op == HPutChar { "hputchar" } else { "hcommit" };
                self.call_service("call void", f, &format!("ptr %proc, i64 {}, i64 {}", xs[1], xs[2]));
                return Ok(vec![(llvm_type(Rep::Value).into(), xs[0].clone())]);
            }
            HFlush | HClose | PathChar | Exit => {
                let f = match op {
                    HFlush => "hflush",
                    HClose => "hclose",
                    PathChar => "pathchar",
                    _ => "exit",
                };
                self.call_service("call void", f, &format!("ptr %proc, i64 {}", xs[1]));
                return Ok(vec![(llvm_type(Rep::Value).into(), xs[0].clone())]);
            }
            HGetChar | HOpen => {
                let f = if op == HGetChar { "hgetchar" } else { "hopen" };
                self.call_service(&format!("{r} = call i64"), f, &format!("ptr %proc, i64 {}", xs[1]));
                return Ok(vec![(llvm_type(Rep::Value).into(), xs[0].clone()), int(&r)]);
            }
            ArgCount => {
                self.call_service(&format!("{r} = call i64"), "argcount", "ptr %proc");
                return Ok(vec![(llvm_type(Rep::Value).into(), xs[0].clone()), int(&r)]);
            }
            ArgChar | ExitChar => {
                let f = if op == ArgChar { "argchar" } else { "exitchar" };
                self.call_service(&format!("{r} = call i64"), f, &format!("ptr %proc, i64 {}, i64 {}", xs[1], xs[2]));
                return Ok(vec![(llvm_type(Rep::Value).into(), xs[0].clone()), int(&r)]);
            }
            // Procs (Note [Procs] in rt/src/sched.c): leaf calls that may
            // switch procs; none allocates in this proc's heap. Recv is
            // emitted by `emit_one`.
            Spawn => {
                self.call_service(
                    &format!("{r} = call i64"),
                    "spawn",
                    &format!("ptr %proc, ptr addrspace(1) {}, i64 {}, i64 {}", xs[1], xs[2], xs[3]),
                );
                return Ok(vec![(llvm_type(Rep::Value).into(), xs[0].clone()), int(&r)]);
            }
            ProcSelf | NewChan => {
                let f = if op == ProcSelf { "procself" } else { "newchan" };
                self.call_service(&format!("{r} = call i64"), f, "ptr %proc");
                return Ok(vec![(llvm_type(Rep::Value).into(), xs[0].clone()), int(&r)]);
            }
            Wait => {
                self.call_service(&format!("{r} = call i64"), "wait", &format!("ptr %proc, i64 {}", xs[1]));
                return Ok(vec![(llvm_type(Rep::Value).into(), xs[0].clone()), int(&r)]);
            }
            Send => {
                self.call_service(
                    "call void",
                    "send",
                    &format!("ptr %proc, i64 {}, ptr addrspace(1) {}", xs[1], xs[2]),
                );
                return Ok(vec![(llvm_type(Rep::Value).into(), xs[0].clone())]);
            }
            Yield => {
                self.call_service("call void", "yield", "ptr %proc");
                return Ok(vec![(llvm_type(Rep::Value).into(), xs[0].clone())]);
            }
            Recv => return Err(Error::Emit("primitive recv in an unexpected place".into())),
        }
        let rep = sig.results.first().copied().unwrap_or(Rep::Int64);
        Ok(vec![(llvm_type(rep).into(), r)])
    }
}
