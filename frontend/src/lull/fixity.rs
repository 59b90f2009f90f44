//! Fixity resolution (Haskell 2010 section 10.6): rewrites every operator
//! sequence ([`Expr::OpSeq`], [`Pat::OpSeq`]) of a parsed module into a
//! tree of [`Expr::BinOp`] / [`Expr::Neg`] / [`Pat::Con`] nodes, using the
//! fixities of a [`Fixities`] environment plus the module's own fixity
//! declarations (top-level ones for the whole module, those of a `let`,
//! `where` or `do`/guard `let` for their scope). Names bound by the module
//! or a local declaration group without a fixity declaration of their own
//! get the default `infixl 9` there, hiding the environment's fixity, as in
//! Haskell. (Operators bound by lambda, `case` or function-argument
//! patterns keep the fixity of the enclosing scope.)
//!
//! Unary minus has the fixity `infixl 6`. Errors, as in Haskell: two
//! operators of the same precedence that do not associate the same way
//! (`a == b == c`, `a + - b`), and a section whose operator binds more
//! tightly than the operators of its operand (`(a + b *)`).
//!
//! The algorithm is the report's, run with explicit stacks (a
//! shunting-yard formulation that makes the same decisions), and the
//! traversal of the module is iterative too: no recursion on depth.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::lull::ast::*;
use crate::lull::parse::{expr_span, pat_span};
use crate::span::Span;

/// A fixity: associativity and precedence (0 to 9).
pub type Fixity = (Assoc, u8);

/// The fixity of an operator without a fixity declaration.
pub const DEFAULT_FIXITY: Fixity = (Assoc::Left, 9);

/// The fixity of unary minus.
pub const NEGATION_FIXITY: Fixity = (Assoc::Left, 6);

/// Fixities of operators by name (`+`, `:`, `div` for `` `div` ``).
#[derive(Clone, Debug, Default)]
pub struct Fixities {
    map: HashMap<String, Fixity>,
}

impl Fixities {
    /// No declared fixities: every operator is `infixl 9`.
    pub fn new() -> Fixities {
        Fixities::default()
    }

    /// GHC's fixities for the Prelude (and `\\` of `Data.List`, `elem`,
    /// `notElem`, `seq`).
    ///
    /// ```
    /// use lull_frontend::lull::ast::Assoc;
    /// use lull_frontend::lull::fixity::Fixities;
    /// let f = Fixities::haskell_prelude();
    /// assert_eq!(f.get("+"), (Assoc::Left, 6));
    /// assert_eq!(f.get("<+>"), (Assoc::Left, 9));
    /// ```
    pub fn haskell_prelude() -> Fixities {
        let mut f = Fixities::new();
        let table: &[(Assoc, u8, &[&str])] = &[
            (Assoc::Right, 9, &["."]),
            (Assoc::Left, 9, &["!!"]),
            (Assoc::Right, 8, &["^", "^^", "**"]),
            (Assoc::Left, 7, &["*", "/", "div", "mod", "rem", "quot"]),
            (Assoc::Left, 6, &["+", "-"]),
            (Assoc::Right, 5, &[":", "++"]),
            (Assoc::None, 5, &["\\\\"]),
            (Assoc::None, 4, &["==", "/=", "<", "<=", ">", ">=", "elem", "notElem"]),
            (Assoc::Right, 3, &["&&"]),
            (Assoc::Right, 2, &["||"]),
            (Assoc::Left, 1, &[">>", ">>="]),
            (Assoc::Right, 0, &["$", "$!", "seq"]),
        ];
        for &(assoc, prec, names) in table {
            for n in names {
                f.insert(n, assoc, prec);
            }
        }
        f
    }

    /// Declares (or redeclares) the fixity of `name`.
    pub fn insert(&mut self, name: &str, assoc: Assoc, prec: u8) {
        self.map.insert(name.to_string(), (assoc, prec));
    }

    /// The fixity of `name`, [`DEFAULT_FIXITY`] when undeclared.
    pub fn get(&self, name: &str) -> Fixity {
        self.map.get(name).copied().unwrap_or(DEFAULT_FIXITY)
    }
}

/// "infixl 6"
fn show_fixity((assoc, prec): Fixity) -> String {
    let kw = match assoc {
        Assoc::Left => "infixl",
        Assoc::Right => "infixr",
        Assoc::None => "infix",
    };
    format!("{kw} {prec}")
}

/// The scoped environment used during resolution.
struct Scopes {
    map: HashMap<String, Fixity>,
    /// For each open scope, the previous entries of the names it set.
    undo: Vec<Vec<(String, Option<Fixity>)>>,
}

impl Scopes {
    /// Opens a scope for a declaration group: its fixity declarations, and
    /// the default fixity for the other names it binds.
    fn push<'a>(&mut self, decls: impl Iterator<Item = &'a Decl> + Clone) {
        let mut undo = Vec::new();
        let mut declared: HashMap<&str, Fixity> = HashMap::new();
        for d in decls.clone() {
            if let Decl::Fixity(f) = d {
                for op in &f.ops {
                    declared.insert(op.text.as_str(), (f.assoc, f.prec));
                }
            }
        }
        let mut set = |map: &mut HashMap<String, Fixity>, name: &str, fx: Fixity| {
            let prev = map.insert(name.to_string(), fx);
            undo.push((name.to_string(), prev));
        };
        for d in decls {
            let mut bound: Vec<&str> = Vec::new();
            match d {
                Decl::FunClause(c) => bound.push(&c.name.text),
                Decl::PatBind(b) => pattern_vars(&b.pat, &mut bound),
                _ => {}
            }
            for name in bound {
                if !declared.contains_key(name) && self.map.get(name).is_some_and(|f| *f != DEFAULT_FIXITY) {
                    set(&mut self.map, name, DEFAULT_FIXITY);
                }
            }
        }
        for (name, fx) in declared {
            set(&mut self.map, name, fx);
        }
        self.undo.push(undo);
    }

    fn pop(&mut self) {
        if let Some(undo) = self.undo.pop() {
            for (name, prev) in undo.into_iter().rev() {
                match prev {
                    Some(f) => {
                        self.map.insert(name, f);
                    }
                    None => {
                        self.map.remove(&name);
                    }
                }
            }
        }
    }

    fn get(&self, name: &str) -> Fixity {
        self.map.get(name).copied().unwrap_or(DEFAULT_FIXITY)
    }
}

/// The variables a pattern binds. Iterative.
fn pattern_vars<'a>(p: &'a Pat, out: &mut Vec<&'a str>) {
    let mut stack = vec![p];
    while let Some(p) = stack.pop() {
        match p {
            Pat::Var(n) => out.push(&n.text),
            Pat::As(n, x, _) => {
                out.push(&n.text);
                stack.push(x);
            }
            Pat::Wild(_) | Pat::Lit(..) | Pat::NegLit(..) | Pat::Unit(_) => {}
            Pat::Con(_, ps, _) | Pat::Tuple(ps, _) | Pat::List(ps, _) => stack.extend(ps.iter()),
            Pat::OpSeq(items, _) => {
                for i in items {
                    if let PatItem::Operand(x) = i {
                        stack.push(x);
                    }
                }
            }
            Pat::Lazy(x, _) | Pat::Bang(x, _) | Pat::Paren(x, _) | Pat::Sig(x, _, _) => stack.push(x),
        }
    }
}

/// One item of an operator sequence, expression or pattern.
enum SeqItem<T> {
    Operand(T),
    Op(Name),
    Minus(Span),
}

enum StackOp {
    Bin(Name, Fixity),
    Neg(Span),
}

/// The report's resolution of one sequence, with explicit stacks. Reports
/// at most one error (the first) and then associates to the left.
fn shunt<T>(
    items: Vec<SeqItem<T>>,
    fixity: &dyn Fn(&str) -> Fixity,
    errs: &mut Vec<Diagnostic>,
    span_of: &dyn Fn(&T) -> Span,
    bin: &dyn Fn(Name, T, T, Span) -> T,
    neg: &dyn Fn(T, Span) -> T,
    placeholder: &dyn Fn(Span) -> T,
) -> T {
    let mut operands: Vec<T> = Vec::new();
    let mut ops: Vec<StackOp> = Vec::new();
    let mut failed = false;
    let reduce = |operands: &mut Vec<T>, op: StackOp| match op {
        StackOp::Bin(name, _) => {
            let r = operands.pop().unwrap_or_else(|| placeholder(name.span));
            let l = operands.pop().unwrap_or_else(|| placeholder(name.span));
            let s = span_of(&l).to(span_of(&r));
            operands.push(bin(name, l, r, s));
        }
        StackOp::Neg(m) => {
            let x = operands.pop().unwrap_or_else(|| placeholder(m));
            let s = m.to(span_of(&x));
            operands.push(neg(x, s));
        }
    };
    let fx_of = |op: &StackOp| match op {
        StackOp::Bin(_, f) => *f,
        StackOp::Neg(_) => NEGATION_FIXITY,
    };
    let show = |op: &StackOp| match op {
        StackOp::Bin(n, f) => format!("`{}` [{}]", n.text, show_fixity(*f)),
        StackOp::Neg(_) => format!("prefix `-` [{}]", show_fixity(NEGATION_FIXITY)),
    };
    let op_span = |op: &StackOp| match op {
        StackOp::Bin(n, _) => n.span,
        StackOp::Neg(s) => *s,
    };
    let mix_error = |errs: &mut Vec<Diagnostic>, failed: &mut bool, left: &StackOp, right: &StackOp| {
        if *failed {
            return;
        }
        *failed = true;
        errs.push(
            Diagnostic::error(
                format!("cannot mix {} and {} in the same infix expression", show(left), show(right)),
                op_span(left),
                show(left),
            )
            .with_secondary(op_span(right), show(right))
            .with_help("add parentheses to say which operator applies first"),
        );
    };
    for item in items {
        match item {
            SeqItem::Operand(x) => operands.push(x),
            SeqItem::Minus(m) => {
                let new = StackOp::Neg(m);
                if let Some(top) = ops.last() {
                    if fx_of(top).1 >= NEGATION_FIXITY.1 {
                        mix_error(errs, &mut failed, top, &new);
                    }
                }
                ops.push(new);
            }
            SeqItem::Op(name) => {
                let (a2, p2) = fixity(&name.text);
                let new = StackOp::Bin(name, (a2, p2));
                while let Some(top) = ops.last() {
                    let (a1, p1) = fx_of(top);
                    if p1 == p2 && (a1 != a2 || a1 == Assoc::None) {
                        mix_error(errs, &mut failed, top, &new);
                    }
                    if p1 > p2 || (p1 == p2 && (a1 != Assoc::Right || a2 != Assoc::Right)) {
                        if let Some(top) = ops.pop() {
                            reduce(&mut operands, top);
                        }
                    } else {
                        break;
                    }
                }
                ops.push(new);
            }
        }
    }
    while let Some(top) = ops.pop() {
        reduce(&mut operands, top);
    }
    let last = operands.pop();
    last.unwrap_or_else(|| placeholder(Span::default()))
}

fn resolve_expr_seq(items: Vec<OpItem>, scopes: &Scopes, errs: &mut Vec<Diagnostic>) -> Expr {
    let items = items
        .into_iter()
        .map(|i| match i {
            OpItem::Operand(e) => SeqItem::Operand(e),
            OpItem::Op(n) => SeqItem::Op(n),
            OpItem::Minus(s) => SeqItem::Minus(s),
        })
        .collect();
    shunt(
        items,
        &|n| scopes.get(n),
        errs,
        &expr_span,
        &|name, l, r, s| Expr::BinOp(name, Box::new(l), Box::new(r), s),
        &|x, s| Expr::Neg(Box::new(x), s),
        &|s| Expr::Var(Name { text: String::new(), span: s }),
    )
}

fn resolve_pat_seq(items: Vec<PatItem>, scopes: &Scopes, errs: &mut Vec<Diagnostic>) -> Pat {
    let items = items
        .into_iter()
        .map(|i| match i {
            PatItem::Operand(p) => SeqItem::Operand(p),
            PatItem::Op(n) => SeqItem::Op(n),
        })
        .collect();
    shunt(
        items,
        &|n| scopes.get(n),
        errs,
        &pat_span,
        &|name, l, r, s| Pat::Con(name, vec![l, r], s),
        &|x, _| x,
        &Pat::Wild,
    )
}

fn is_placeholder(e: &Expr) -> bool {
    matches!(e, Expr::Var(n) if n.text.is_empty())
}

fn take(b: &mut Box<Expr>) -> Expr {
    std::mem::replace(&mut **b, Expr::Unit(Span::default()))
}

/// The operator at the root of a resolved operand, for the section error.
fn root_operator(e: &Expr) -> String {
    match e {
        Expr::BinOp(n, ..) => format!("`{}`", n.text),
        Expr::Neg(..) => "prefix `-`".to_string(),
        _ => "?".to_string(),
    }
}

/// Resolves a section's operand: `left` for `(e op)`, else `(op e)`.
fn resolve_section(inner: &mut Box<Expr>, op: &Name, left: bool, scopes: &Scopes, errs: &mut Vec<Diagnostic>) {
    let Expr::OpSeq(items, span) = &mut **inner else { return };
    let span = *span;
    let mut items = std::mem::take(items);
    let hole = Expr::Var(Name { text: String::new(), span: op.span });
    if left {
        items.push(OpItem::Op(op.clone()));
        items.push(OpItem::Operand(hole));
    } else {
        items.insert(0, OpItem::Op(op.clone()));
        items.insert(0, OpItem::Operand(hole));
    }
    let before = errs.len();
    let mut tree = resolve_expr_seq(items, scopes, errs);
    let ok = match &tree {
        Expr::BinOp(n, l, r, _) if n.span == op.span && n.text == op.text => {
            if left {
                is_placeholder(r)
            } else {
                is_placeholder(l)
            }
        }
        _ => false,
    };
    if ok {
        if let Expr::BinOp(_, l, r, _) = &mut tree {
            **inner = if left { take(l) } else { take(r) };
        }
        return;
    }
    if errs.len() == before {
        // Find the operand's root operator to name it.
        let namely = root_operator(&tree);
        let fx = scopes.get(&op.text);
        errs.push(
            Diagnostic::error(
                format!(
                    "the operator `{}` [{}] of a section must have lower precedence than that of the operand, namely {}",
                    op.text,
                    show_fixity(fx),
                    namely_with_fixity(&namely, &tree, scopes)
                ),
                span.to(op.span),
                "this section",
            )
            .with_help("add parentheses around the operand"),
        );
    }
    // Keep a tree without sequences (the placeholder stays; the program is
    // rejected anyway).
    **inner = tree;
}

fn namely_with_fixity(namely: &str, tree: &Expr, scopes: &Scopes) -> String {
    match tree {
        Expr::BinOp(n, ..) => format!("{namely} [{}]", show_fixity(scopes.get(&n.text))),
        Expr::Neg(..) => format!("{namely} [{}]", show_fixity(NEGATION_FIXITY)),
        _ => namely.to_string(),
    }
}

enum Work<'a> {
    Expr(&'a mut Expr),
    Pat(&'a mut Pat),
    Decl(&'a mut Decl),
    Rhs(&'a mut Rhs),
    PopScope,
}

/// Resolves every operator sequence of `module` (see the module docs);
/// afterwards no [`Expr::OpSeq`] or [`Pat::OpSeq`] remains. Returns the
/// errors found (the tree is complete even then).
pub fn resolve(module: &mut Module, env: &Fixities) -> Vec<Diagnostic> {
    let mut errs = Vec::new();
    let mut scopes = Scopes { map: env.map.clone(), undo: Vec::new() };
    scopes.push(module.decls.iter());
    let mut stack: Vec<Work<'_>> = module.decls.iter_mut().rev().map(Work::Decl).collect();
    while let Some(w) = stack.pop() {
        match w {
            Work::PopScope => scopes.pop(),
            Work::Decl(d) => match d {
                Decl::FunClause(c) => {
                    stack.push(Work::Rhs(&mut c.rhs));
                    stack.extend(c.args.iter_mut().rev().map(Work::Pat));
                }
                Decl::PatBind(b) => {
                    stack.push(Work::Rhs(&mut b.rhs));
                    stack.push(Work::Pat(&mut b.pat));
                }
                _ => {}
            },
            Work::Rhs(r) => {
                let guard_lets = match &r.body {
                    RhsBody::Guarded(gs) => gs
                        .iter()
                        .flat_map(|g| g.guards.iter())
                        .filter_map(|g| if let Guard::Let(ds, _) = g { Some(ds.iter()) } else { None })
                        .flatten()
                        .collect::<Vec<&Decl>>(),
                    RhsBody::Plain(_) => Vec::new(),
                };
                scopes.push(r.wheres.iter().chain(guard_lets));
                stack.push(Work::PopScope);
                let Rhs { body, wheres, .. } = r;
                stack.extend(wheres.iter_mut().rev().map(Work::Decl));
                match body {
                    RhsBody::Plain(e) => stack.push(Work::Expr(e)),
                    RhsBody::Guarded(gs) => {
                        for g in gs.iter_mut().rev() {
                            stack.push(Work::Expr(&mut g.body));
                            for guard in g.guards.iter_mut().rev() {
                                match guard {
                                    Guard::Bool(e) => stack.push(Work::Expr(e)),
                                    Guard::Let(ds, _) => stack.extend(ds.iter_mut().rev().map(Work::Decl)),
                                    Guard::Pat(p, e) => {
                                        stack.push(Work::Expr(e));
                                        stack.push(Work::Pat(p));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Work::Pat(p) => {
                if let Pat::OpSeq(items, _) = p {
                    let items = std::mem::take(items);
                    *p = resolve_pat_seq(items, &scopes, &mut errs);
                    stack.push(Work::Pat(p));
                    continue;
                }
                match p {
                    Pat::Con(_, ps, _) | Pat::Tuple(ps, _) | Pat::List(ps, _) => {
                        stack.extend(ps.iter_mut().rev().map(Work::Pat))
                    }
                    Pat::As(_, x, _) | Pat::Lazy(x, _) | Pat::Bang(x, _) | Pat::Paren(x, _) | Pat::Sig(x, _, _) => {
                        stack.push(Work::Pat(x))
                    }
                    _ => {}
                }
            }
            Work::Expr(e) => {
                if let Expr::OpSeq(items, _) = e {
                    let items = std::mem::take(items);
                    *e = resolve_expr_seq(items, &scopes, &mut errs);
                    stack.push(Work::Expr(e));
                    continue;
                }
                match e {
                    Expr::Var(_) | Expr::Con(_) | Expr::Lit(..) | Expr::Unit(_) | Expr::OpSeq(..) => {}
                    Expr::App(h, args, _) => {
                        stack.extend(args.iter_mut().rev().map(Work::Expr));
                        stack.push(Work::Expr(h));
                    }
                    Expr::BinOp(_, l, r, _) => {
                        stack.push(Work::Expr(r));
                        stack.push(Work::Expr(l));
                    }
                    Expr::Neg(x, _) | Expr::Paren(x, _) => stack.push(Work::Expr(x)),
                    Expr::LeftSection(x, op, _) => {
                        resolve_section(x, op, true, &scopes, &mut errs);
                        stack.push(Work::Expr(x));
                    }
                    Expr::RightSection(op, x, _) => {
                        resolve_section(x, op, false, &scopes, &mut errs);
                        stack.push(Work::Expr(x));
                    }
                    Expr::Lam(ps, b, _) => {
                        stack.push(Work::Expr(b));
                        stack.extend(ps.iter_mut().rev().map(Work::Pat));
                    }
                    Expr::Let(ds, b, _) => {
                        scopes.push(ds.iter());
                        stack.push(Work::PopScope);
                        stack.push(Work::Expr(b));
                        stack.extend(ds.iter_mut().rev().map(Work::Decl));
                    }
                    Expr::If(a, b, c, _) => {
                        stack.push(Work::Expr(c));
                        stack.push(Work::Expr(b));
                        stack.push(Work::Expr(a));
                    }
                    Expr::Case(s, alts, _) => {
                        for a in alts.iter_mut().rev() {
                            stack.push(Work::Rhs(&mut a.rhs));
                            stack.push(Work::Pat(&mut a.pat));
                        }
                        stack.push(Work::Expr(s));
                    }
                    Expr::Do(stmts, _) => push_stmts(stmts, &mut scopes, &mut stack),
                    Expr::Comprehension(x, stmts, _) => {
                        push_stmts(stmts, &mut scopes, &mut stack);
                        stack.push(Work::Expr(x));
                    }
                    Expr::Tuple(es, _) | Expr::List(es, _) => stack.extend(es.iter_mut().rev().map(Work::Expr)),
                    Expr::Range { from, then, to, .. } => {
                        if let Some(x) = to {
                            stack.push(Work::Expr(x));
                        }
                        if let Some(x) = then {
                            stack.push(Work::Expr(x));
                        }
                        stack.push(Work::Expr(from));
                    }
                    Expr::Ann(x, _, _) => stack.push(Work::Expr(x)),
                }
            }
        }
    }
    errs
}

/// Pushes the statements of a `do` block or comprehension, in a scope with
/// the fixity declarations of their `let`s.
fn push_stmts<'a>(stmts: &'a mut [Stmt], scopes: &mut Scopes, stack: &mut Vec<Work<'a>>) {
    let lets: Vec<&Decl> =
        stmts.iter().filter_map(|s| if let Stmt::Let(ds, _) = s { Some(ds.iter()) } else { None }).flatten().collect();
    scopes.push(lets.into_iter());
    stack.push(Work::PopScope);
    for s in stmts.iter_mut().rev() {
        match s {
            Stmt::Bind(p, e, _) => {
                stack.push(Work::Expr(e));
                stack.push(Work::Pat(p));
            }
            Stmt::Let(ds, _) => stack.extend(ds.iter_mut().rev().map(Work::Decl)),
            Stmt::Expr(e, _) => stack.push(Work::Expr(e)),
        }
    }
}
