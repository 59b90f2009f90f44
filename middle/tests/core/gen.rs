//! A generator of random well-formed Core modules, driven by a seed: random
//! data types and random well-scoped, well-represented expressions of
//! bounded size using every construct and every primitive.

use lull_middle::core::builder::Builder;
use lull_middle::core::ir::*;

/// SplitMix64: small, deterministic, good enough for test generation.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Binder hints, including ones the printer must sanitise or rename.
const HINTS: &[&str] =
    &["x", "x", "y", "x_1", "let", "Nil", "iadd", "a b", "", "nan0x1", "_", "λ", "9z", "tok", "x'", "inf", "v"];
const DEF_NAMES: &[&str] = &["main", "f", "let", "two words", "@x", "", "iadd", "nan0x1", "Nil", "g'", "`q`"];
const DATA_NAMES: &[&str] = &["T", "Tree", "let", "a type", "U"];
const CON_NAMES: &[&str] = &["A", "B", "Leaf", "iadd", "in", "two words", "q`uote", "_", "nan", "x", "Node"];

fn unique(rng: &mut Rng, pool: &[&str], used: &mut Vec<String>) -> String {
    let base = rng.pick(pool).to_string();
    let mut name = base.clone();
    let mut n = 0;
    while used.contains(&name) {
        n += 1;
        name = format!("{base}{n}");
    }
    used.push(name.clone());
    name
}

/// The data types every generated module has, and where they are.
struct Std {
    nil: ConRef,
    cons: ConRef,
    chr: ConRef,
}

pub struct Gen {
    rng: Rng,
    b: Builder,
    std: Std,
    globals: Vec<GlobalId>,
    /// Nodes still allowed in the current definition.
    budget: usize,
}

const INT_RESULT_OPS: &[PrimOp] = &[
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
    PrimOp::FEq,
    PrimOp::FNe,
    PrimOp::FLt,
    PrimOp::FLe,
    PrimOp::FGt,
    PrimOp::FGe,
    PrimOp::FToI,
];
const FLOAT_RESULT_OPS: &[PrimOp] =
    &[PrimOp::FAdd, PrimOp::FSub, PrimOp::FMul, PrimOp::FDiv, PrimOp::FNeg, PrimOp::IToF];

/// Generate a module from `seed`; `size` bounds the nodes per definition.
pub fn module(seed: u64, size: usize) -> Module {
    let mut rng = Rng::new(seed);
    let mut b = Builder::new();
    let mut con_names: Vec<String> = vec!["Nil".into(), "Cons".into(), "C".into(), "I".into(), "F".into()];
    let mut data_names: Vec<String> = vec!["List".into(), "Char".into(), "IntBox".into(), "FBox".into()];
    let list = b.data("List", &[("Nil", &[]), ("Cons", &[Rep::Value, Rep::Value])]);
    let chr = b.data("Char", &[("C", &[Rep::Int64])]);
    b.data("IntBox", &[("I", &[Rep::Int64])]);
    b.data("FBox", &[("F", &[Rep::Float64])]);
    for _ in 0..rng.below(4) {
        let name = unique(&mut rng, DATA_NAMES, &mut data_names);
        let ncons = 1 + rng.below(4);
        let cons: Vec<(String, Vec<Rep>)> = (0..ncons)
            .map(|_| {
                let cname = unique(&mut rng, CON_NAMES, &mut con_names);
                let fields = (0..rng.below(4)).map(|_| *rng.pick(&[Rep::Value, Rep::Int64, Rep::Float64])).collect();
                (cname, fields)
            })
            .collect();
        let cons_ref: Vec<(&str, &[Rep])> = cons.iter().map(|(n, f)| (n.as_str(), f.as_slice())).collect();
        b.data(&name, &cons_ref);
    }
    let mut def_names = Vec::new();
    let globals: Vec<GlobalId> =
        (0..1 + rng.below(4)).map(|_| b.declare(&unique(&mut rng, DEF_NAMES, &mut def_names))).collect();
    let std = Std {
        nil: ConRef { data: list, tag: 0 },
        cons: ConRef { data: list, tag: 1 },
        chr: ConRef { data: chr, tag: 0 },
    };
    let mut g = Gen { rng, b, std, globals: globals.clone(), budget: 0 };
    for &gl in &globals {
        g.budget = size;
        let body = g.expr(Rep::Value, 6, &mut Vec::new());
        g.b.define(gl, body);
    }
    g.b.finish()
}

impl Gen {
    fn var(&mut self, rep: Rep) -> VarId {
        let hint = *self.rng.pick(HINTS);
        self.b.var(hint, rep)
    }

    fn rep_of(&self, v: VarId) -> Rep {
        self.b.module().var(v).rep
    }

    fn scoped(&mut self, env: &[VarId], rep: Rep) -> Option<VarId> {
        let cands: Vec<VarId> = env.iter().copied().filter(|v| self.rep_of(*v) == rep).collect();
        if cands.is_empty() {
            None
        } else {
            Some(*self.rng.pick(&cands))
        }
    }

    fn int_lit(&mut self) -> i64 {
        let r = self.rng.next() as i64;
        *self.rng.pick(&[0, 1, -1, 42, -5, i64::MIN, i64::MAX, r, 97])
    }

    fn float_lit(&mut self) -> f64 {
        let weird_nan = f64::from_bits(0xfff8_0000_0000_0001);
        let random = f64::from_bits(self.rng.next());
        *self.rng.pick(&[
            0.0,
            -0.0,
            1.5,
            -2.25,
            0.1,
            1e300,
            5e-324,
            f64::NAN,
            weird_nan,
            f64::INFINITY,
            f64::NEG_INFINITY,
            random,
        ])
    }

    fn leaf(&mut self, rep: Rep, env: &[VarId]) -> Expr {
        if self.rng.chance(50) {
            if let Some(v) = self.scoped(env, rep) {
                return Expr::Var(v);
            }
        }
        if self.rng.chance(5) {
            return Expr::Error {
                rep,
                msg: (*self.rng.pick(&["boom", "quote \" and \\ and \n", ""])).to_string(),
                loc: if self.rng.chance(50) { Some("f.lull:1:2".into()) } else { None },
            };
        }
        match rep {
            Rep::Int64 => Builder::int(self.int_lit()),
            Rep::Float64 => Builder::float(self.float_lit()),
            Rep::Value => match self.rng.below(5) {
                0 => Expr::Global(*self.rng.pick(&self.globals.clone())),
                1 => Expr::Free((*self.rng.pick(&["y", "a b", "\u{1}"])).to_string()),
                2 => Expr::Str(Box::new(StrLit {
                    text: (*self.rng.pick(&["", "abc", "a\n\"λ\u{7f}"])).to_string(),
                    nil: self.std.nil,
                    cons: self.std.cons,
                    chr: self.std.chr,
                })),
                3 => Expr::Con(self.std.nil, vec![]),
                _ => Expr::Con(ConRef { data: DataId(2), tag: 0 }, vec![Builder::int(self.int_lit())]),
            },
        }
    }

    /// A random expression of `rep` using the variables in `env`.
    fn expr(&mut self, rep: Rep, depth: u32, env: &mut Vec<VarId>) -> Expr {
        if depth == 0 || self.budget == 0 || self.rng.chance(20) {
            return self.leaf(rep, env);
        }
        self.budget -= 1;
        let d = depth - 1;
        // 0..=5 work at any representation; 6.. are specific.
        let choice = self.rng.below(10);
        match choice {
            0 => {
                let x = self.var(Rep::Value);
                let bound = self.expr(Rep::Value, d, env);
                env.push(x);
                let body = self.expr(rep, d, env);
                env.pop();
                Builder::let_(x, bound, body)
            }
            1 => {
                let r = *self.rng.pick(&[Rep::Value, Rep::Int64, Rep::Float64]);
                let x = self.var(r);
                let bound = self.expr(r, d, env);
                env.push(x);
                let body = self.expr(rep, d, env);
                env.pop();
                Builder::let_strict(vec![x], bound, body)
            }
            2 => {
                // IO: read a char, write it back.
                let tok = self.expr(Rep::Value, 0, env);
                let (t, c) = (self.var(Rep::Value), self.var(Rep::Int64));
                env.push(t);
                env.push(c);
                let body = if self.rng.chance(50) {
                    let t2 = self.var(Rep::Value);
                    let put = Builder::prim(PrimOp::PutChar, vec![Expr::Var(t), Expr::Var(c)]);
                    env.push(t2);
                    let body = self.expr(rep, d, env);
                    env.pop();
                    Builder::let_strict(vec![t2], put, body)
                } else {
                    self.expr(rep, d, env)
                };
                env.truncate(env.len() - 2);
                Builder::let_strict(vec![t, c], Builder::prim(PrimOp::GetChar, vec![tok]), body)
            }
            3 => {
                let n = 1 + self.rng.below(3);
                let xs: Vec<VarId> = (0..n).map(|_| self.var(Rep::Value)).collect();
                env.extend(&xs);
                let binds = xs.iter().map(|&x| (x, self.expr(Rep::Value, d, env))).collect();
                let body = self.expr(rep, d, env);
                env.truncate(env.len() - n);
                Builder::letrec(binds, body)
            }
            4 => self.value_case(rep, d, env),
            5 => self.lit_case(rep, d, env),
            _ => match rep {
                Rep::Value => match self.rng.below(4) {
                    0 => {
                        let n = 1 + self.rng.below(3);
                        let xs: Vec<VarId> = (0..n).map(|_| self.var(Rep::Value)).collect();
                        env.extend(&xs);
                        let body = self.expr(Rep::Value, d, env);
                        env.truncate(env.len() - n);
                        Builder::lam(xs, body)
                    }
                    1 => {
                        let f = self.expr(Rep::Value, d, env);
                        let args = (0..1 + self.rng.below(3)).map(|_| self.expr(Rep::Value, d, env)).collect();
                        Expr::App(Box::new(f), args)
                    }
                    2 => {
                        let datas = self.b.module().datas.clone();
                        let di = self.rng.below(datas.len());
                        let tag = self.rng.below(datas[di].cons.len());
                        let fields = datas[di].cons[tag].fields.clone();
                        let args = fields.iter().map(|r| self.expr(*r, d, env)).collect();
                        Expr::Con(ConRef { data: DataId(di as u32), tag: tag as u32 }, args)
                    }
                    _ => {
                        let tok = self.expr(Rep::Value, d, env);
                        let c = self.expr(Rep::Int64, d, env);
                        // putchar has one result: fine as an expression.
                        Builder::prim(PrimOp::PutChar, vec![tok, c])
                    }
                },
                Rep::Int64 | Rep::Float64 => {
                    let ops = if rep == Rep::Int64 { INT_RESULT_OPS } else { FLOAT_RESULT_OPS };
                    let op = *self.rng.pick(ops);
                    let args = op.signature().args.iter().map(|r| self.expr(*r, d, env)).collect();
                    Builder::prim(op, args)
                }
            },
        }
    }

    fn value_case(&mut self, rep: Rep, d: u32, env: &mut Vec<VarId>) -> Expr {
        let scrut = self.expr(Rep::Value, d, env);
        let binder = self.var(Rep::Value);
        env.push(binder);
        let datas = self.b.module().datas.clone();
        let di = self.rng.below(datas.len());
        let mut tags: Vec<usize> = (0..datas[di].cons.len()).collect();
        // Shuffle, then keep a prefix.
        for i in (1..tags.len()).rev() {
            let j = self.rng.below(i + 1);
            tags.swap(i, j);
        }
        let keep = self.rng.below(tags.len() + 1);
        let mut alts = Vec::new();
        for &tag in &tags[..keep] {
            let fields = datas[di].cons[tag].fields.clone();
            let vs: Vec<VarId> = fields.iter().map(|r| self.var(*r)).collect();
            env.extend(&vs);
            let body = self.expr(rep, d, env);
            env.truncate(env.len() - vs.len());
            alts.push(Alt { pat: Pat::Con(ConRef { data: DataId(di as u32), tag: tag as u32 }, vs), body });
        }
        let default = if alts.is_empty() || self.rng.chance(40) { Some(self.expr(rep, d, env)) } else { None };
        env.pop();
        Builder::case(scrut, binder, alts, default)
    }

    fn lit_case(&mut self, rep: Rep, d: u32, env: &mut Vec<VarId>) -> Expr {
        let srep = *self.rng.pick(&[Rep::Int64, Rep::Float64]);
        let scrut = self.expr(srep, d, env);
        let binder = self.var(srep);
        env.push(binder);
        let mut seen: Vec<u64> = Vec::new();
        let mut alts = Vec::new();
        for _ in 0..self.rng.below(4) {
            let lit = if srep == Rep::Int64 { Lit::Int(self.int_lit()) } else { Lit::Float(self.float_lit()) };
            let bits = match lit {
                Lit::Int(n) => n as u64,
                Lit::Float(x) => x.to_bits(),
            };
            if seen.contains(&bits) {
                continue;
            }
            seen.push(bits);
            let body = self.expr(rep, d, env);
            alts.push(Alt { pat: Pat::Lit(lit), body });
        }
        let default = if alts.is_empty() || self.rng.chance(60) { Some(self.expr(rep, d, env)) } else { None };
        env.pop();
        Builder::case(scrut, binder, alts, default)
    }
}
