//! A builder for Core modules: declares data types, creates fresh binders
//! and top-level definitions, and offers short constructors for expressions.
//!
//! ```
//! use lull_middle::core::{builder::Builder, ir::*};
//!
//! let mut b = Builder::new();
//! let x = b.var("x", Rep::Value);
//! let y = b.var("y", Rep::Value);
//! let k = b.def("const", Builder::lam(vec![x, y], Builder::var_ref(x)));
//! let module = b.finish();
//! assert_eq!(module.def(k).name, "const");
//! ```

use super::ir::*;

/// Builds a [`Module`]. Every binder gets a fresh [`VarId`].
#[derive(Default)]
pub struct Builder {
    module: Module,
}

impl Builder {
    /// A builder of an empty module.
    pub fn new() -> Self {
        Self::default()
    }

    /// Continue building an existing module.
    pub fn from_module(module: Module) -> Self {
        Builder { module }
    }

    /// The module built so far.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// The built module. It is not verified: see
    /// [`verify_module`](crate::core::verify::verify_module).
    pub fn finish(self) -> Module {
        self.module
    }

    /// Declare a data type with its constructors `(name, field reps)`.
    pub fn data(&mut self, name: &str, cons: &[(&str, &[Rep])]) -> DataId {
        let id = DataId(self.module.datas.len() as u32);
        self.module.datas.push(DataDecl {
            name: name.to_string(),
            cons: cons.iter().map(|(n, f)| ConDecl { name: n.to_string(), fields: f.to_vec() }).collect(),
        });
        id
    }

    /// A fresh local binder.
    pub fn var(&mut self, name: &str, rep: Rep) -> VarId {
        let id = VarId(self.module.vars.len() as u32);
        self.module.vars.push(VarInfo { name: name.to_string(), rep });
        id
    }

    /// Reserve a top-level definition (so that bodies can refer to it before
    /// it is defined); its body is `error` until [`Builder::define`].
    pub fn declare(&mut self, name: &str) -> GlobalId {
        let id = GlobalId(self.module.defs.len() as u32);
        self.module.defs.push(Def {
            name: name.to_string(),
            body: Expr::Error { rep: Rep::Value, msg: format!("{name} is declared but not defined"), loc: None },
            import: None,
        });
        id
    }

    /// Give a declared definition its body.
    pub fn define(&mut self, g: GlobalId, body: Expr) {
        self.module.defs[g.index()].body = body;
    }

    /// Declare and define a top-level definition.
    pub fn def(&mut self, name: &str, body: Expr) -> GlobalId {
        let g = self.declare(name);
        self.define(g, body);
        g
    }

    /// A use of the local binder `v`.
    pub fn var_ref(v: VarId) -> Expr {
        Expr::Var(v)
    }

    /// A use of the top-level definition `g`.
    pub fn global(g: GlobalId) -> Expr {
        Expr::Global(g)
    }

    /// An `Int64` literal.
    pub fn int(n: i64) -> Expr {
        Expr::Lit(Lit::Int(n))
    }

    /// A `Float64` literal.
    pub fn float(x: f64) -> Expr {
        Expr::Lit(Lit::Float(x))
    }

    /// `\params. body`; with no parameters, just `body`.
    pub fn lam(params: Vec<VarId>, body: Expr) -> Expr {
        if params.is_empty() {
            body
        } else {
            Expr::Lam(params, Box::new(body))
        }
    }

    /// `f args`; with no arguments, just `f`.
    pub fn app(f: Expr, args: Vec<Expr>) -> Expr {
        if args.is_empty() {
            f
        } else {
            Expr::App(Box::new(f), args)
        }
    }

    /// `let x = e in body`: lazy.
    pub fn let_(x: VarId, e: Expr, body: Expr) -> Expr {
        Expr::Let(x, Box::new(e), Box::new(body))
    }

    /// `strict xs = e in body`: evaluates `e` first and binds its result
    /// (or, for a primitive with several results, one binder per result).
    pub fn let_strict(xs: Vec<VarId>, e: Expr, body: Expr) -> Expr {
        Expr::LetStrict(xs, Box::new(e), Box::new(body))
    }

    /// `letrec x = e; ... in body`: lazy and mutually recursive.
    pub fn letrec(binds: Vec<(VarId, Expr)>, body: Expr) -> Expr {
        Expr::LetRec(binds, Box::new(body))
    }

    /// A `case` on `scrut`, bound to `binder` in every alternative and the
    /// default (see [`Case`]).
    pub fn case(scrut: Expr, binder: VarId, alts: Vec<Alt>, default: Option<Expr>) -> Expr {
        Expr::Case(Box::new(Case { scrut, binder, alts, default }))
    }

    /// Constructor `c` applied to its fields (one argument per field).
    pub fn con(c: ConRef, args: Vec<Expr>) -> Expr {
        Expr::Con(c, args)
    }

    /// Primitive `op` applied to its operands (one per operand of its
    /// [`PrimOp::signature`]).
    pub fn prim(op: PrimOp, args: Vec<Expr>) -> Expr {
        Expr::Prim(op, args)
    }

    /// A run-time error of representation `rep` with message `msg` and no
    /// source location.
    pub fn error(rep: Rep, msg: &str) -> Expr {
        Expr::Error { rep, msg: msg.to_string(), loc: None }
    }
}
