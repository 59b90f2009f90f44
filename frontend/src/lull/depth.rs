//! The nesting limit of Lull syntax trees: measuring depth without
//! recursion, the check [`parse_module`](super::parse_module) runs, a
//! generic read-only walk, and the `Drop` implementations that keep deep
//! trees from overflowing the stack when they are freed.
//!
//! Note [Depth of the syntax tree]
//! -------------------------------
//! The parser itself never recurses on the depth of its input (its stacks
//! are heap vectors, and every action and conversion runs in constant stack
//! space), so it can read a 100,000-deep program on a 2 MB thread. Later
//! passes (renamer, type checker, lowering) are simpler written as
//! recursive functions; the `lull` driver runs them on a thread with a
//! 512 MB stack. [`MAX_NESTING`] bounds their recursion: a program nested
//! deeper is rejected after parsing, with a diagnostic at its deepest
//! point.
//!
//! The depth of a node is the number of nodes it sits inside: every
//! expression, pattern, type and declaration counts one (parentheses
//! included, since they are nodes that a recursive pass descends through);
//! the containers that hold them (right-hand sides, guards, alternatives,
//! statements) count nothing. Operator sequences are flat before fixity
//! resolution but become a tree of up to one level per operator after it,
//! so an operand of an [`Expr::OpSeq`] / [`Pat::OpSeq`] counts one level
//! per operator (and unary minus) of the sequence: `1 : 2 : ... : []`
//! with 100,000 operators is rejected, and no resolved tree is deeper than
//! the measure of the sequence it came from.
//!
//! 10,000 levels: far beyond hand-written programs (a 10,000-element list
//! literal is flat; 10,000 nested parentheses or a 10,000-operator chain is
//! not something a person writes), and small enough that a recursive pass
//! spending even 10 KB of stack per level fits in 100 MB, well within the
//! driver's 512 MB.
//!
//! Freeing a tree must not recurse either, since a 100,000-deep tree is
//! built before it is rejected: `Drop` for [`Expr`], [`Pat`], [`Type`] and
//! [`Rhs`] (every cycle in the types goes through one of them) moves the
//! children onto a heap stack first, as `middle`'s Core `Expr` does. One
//! consequence for code using these types: their fields cannot be moved
//! out by destructuring; match on references, or take fields with
//! `std::mem::take` / `std::mem::replace`.

use crate::diagnostic::Diagnostic;
use crate::lull::ast::*;
use crate::lull::parse::{expr_span, pat_span, pattern_in_expression, type_span};
use crate::span::Span;

/// The deepest nesting a program may have; see Note [Depth of the syntax
/// tree].
pub const MAX_NESTING: usize = 10_000;

/// A node of the tree, as [`walk`] visits it.
#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    Expr(&'a Expr),
    Pat(&'a Pat),
    Type(&'a Type),
    Decl(&'a Decl),
}

impl Node<'_> {
    /// The node's span.
    pub fn span(&self) -> Span {
        match self {
            Node::Expr(e) => expr_span(e),
            Node::Pat(p) => pat_span(p),
            Node::Type(t) => type_span(t),
            Node::Decl(d) => crate::lull::parse::decl_span(d),
        }
    }
}

/// Calls `f` on every node of `module` with its depth (top-level
/// declarations are at depth 1), in source order, depth first. Iterative.
pub fn walk<'a>(module: &'a Module, mut f: impl FnMut(Node<'a>, usize)) {
    let mut stack: Vec<(Node<'a>, usize)> = module.decls.iter().rev().map(|d| (Node::Decl(d), 1)).collect();
    let mut kids: Vec<(Node<'a>, usize)> = Vec::new();
    while let Some((n, d)) = stack.pop() {
        f(n, d);
        children(n, d, &mut kids);
        stack.extend(kids.drain(..).rev());
    }
}

/// The deepest node of `module`: its depth and span (the first one found
/// in source order).
pub fn deepest(module: &Module) -> (usize, Span) {
    let mut best = (0, module.span);
    walk(module, |n, d| {
        if d > best.0 {
            best = (d, n.span());
        }
    });
    best
}

/// The checks run on every parsed module: nesting deeper than
/// [`MAX_NESTING`] (one diagnostic, at the deepest point) and pattern
/// syntax (`_`, `x@p`, `~p`) used as an expression.
pub fn check(module: &Module) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut deepest = (0, module.span);
    walk(module, |n, d| {
        if d > deepest.0 {
            deepest = (d, n.span());
        }
        if let Node::Expr(e) = n {
            if let Some(diag) = pattern_in_expression(e) {
                diags.push(diag);
            }
        }
    });
    if deepest.0 > MAX_NESTING {
        let (d, span) = deepest;
        // Point at the start of the deepest node, not at all of it.
        let at = Span::new(span.start, span.end.min(span.start + 1).max(span.start));
        diags.push(
            Diagnostic::error(
                format!("program nested too deeply ({d} levels; the limit is {MAX_NESTING})"),
                at,
                format!("this is {d} levels deep"),
            )
            .with_help(
                "each enclosing expression, pattern, type or declaration counts one level, and each \
                 operator of an operator chain counts one; split the program into smaller definitions",
            ),
        );
    }
    diags
}

fn rhs_children<'a>(r: &'a Rhs, d: usize, out: &mut Vec<(Node<'a>, usize)>) {
    match &r.body {
        RhsBody::Plain(e) => out.push((Node::Expr(e), d)),
        RhsBody::Guarded(gs) => {
            for g in gs {
                for guard in &g.guards {
                    match guard {
                        Guard::Bool(e) => out.push((Node::Expr(e), d)),
                        Guard::Let(ds, _) => out.extend(ds.iter().map(|x| (Node::Decl(x), d))),
                        Guard::Pat(p, e) => {
                            out.push((Node::Pat(p), d));
                            out.push((Node::Expr(e), d));
                        }
                    }
                }
                out.push((Node::Expr(&g.body), d));
            }
        }
    }
    out.extend(r.wheres.iter().map(|x| (Node::Decl(x), d)));
}

fn stmt_children<'a>(s: &'a Stmt, d: usize, out: &mut Vec<(Node<'a>, usize)>) {
    match s {
        Stmt::Bind(p, e, _) => {
            out.push((Node::Pat(p), d));
            out.push((Node::Expr(e), d));
        }
        Stmt::Let(ds, _) => out.extend(ds.iter().map(|x| (Node::Decl(x), d))),
        Stmt::Expr(e, _) => out.push((Node::Expr(e), d)),
    }
}

/// The children of `n` (at depth `d`) with their depths, in source order.
fn children<'a>(n: Node<'a>, d: usize, out: &mut Vec<(Node<'a>, usize)>) {
    let c = d + 1;
    match n {
        Node::Decl(decl) => match decl {
            Decl::Data(x) => {
                out.extend(x.context.iter().map(|k| (Node::Type(&k.ty), c)));
                for con in &x.cons {
                    out.extend(con.fields.iter().map(|f| (Node::Type(&f.ty), c)));
                }
            }
            Decl::Newtype(x) => out.push((Node::Type(&x.field), c)),
            Decl::TypeSyn(x) => out.push((Node::Type(&x.ty), c)),
            Decl::Sig(x) => {
                out.extend(x.context.iter().map(|k| (Node::Type(&k.ty), c)));
                out.push((Node::Type(&x.ty), c));
            }
            Decl::Fixity(_) | Decl::Unsupported { .. } => {}
            Decl::FunClause(x) => {
                out.extend(x.args.iter().map(|p| (Node::Pat(p), c)));
                rhs_children(&x.rhs, c, out);
            }
            Decl::PatBind(x) => {
                out.push((Node::Pat(&x.pat), c));
                rhs_children(&x.rhs, c, out);
            }
        },
        Node::Expr(e) => match e {
            Expr::Var(_) | Expr::Con(_) | Expr::Lit(..) | Expr::Unit(_) => {}
            Expr::App(h, args, _) => {
                out.push((Node::Expr(h), c));
                out.extend(args.iter().map(|a| (Node::Expr(a), c)));
            }
            Expr::OpSeq(items, _) => {
                let ops = items.iter().filter(|i| !matches!(i, OpItem::Operand(_))).count();
                for i in items {
                    if let OpItem::Operand(x) = i {
                        out.push((Node::Expr(x), c + ops));
                    }
                }
            }
            Expr::BinOp(_, l, r, _) => {
                out.push((Node::Expr(l), c));
                out.push((Node::Expr(r), c));
            }
            Expr::Neg(x, _) | Expr::LeftSection(x, _, _) | Expr::RightSection(_, x, _) | Expr::Paren(x, _) => {
                out.push((Node::Expr(x), c))
            }
            Expr::Lam(ps, b, _) => {
                out.extend(ps.iter().map(|p| (Node::Pat(p), c)));
                out.push((Node::Expr(b), c));
            }
            Expr::Let(ds, b, _) => {
                out.extend(ds.iter().map(|x| (Node::Decl(x), c)));
                out.push((Node::Expr(b), c));
            }
            Expr::If(a, b, x, _) => {
                out.push((Node::Expr(a), c));
                out.push((Node::Expr(b), c));
                out.push((Node::Expr(x), c));
            }
            Expr::Case(s, alts, _) => {
                out.push((Node::Expr(s), c));
                for a in alts {
                    out.push((Node::Pat(&a.pat), c));
                    rhs_children(&a.rhs, c, out);
                }
            }
            Expr::Do(stmts, _) => {
                for s in stmts {
                    stmt_children(s, c, out);
                }
            }
            Expr::Tuple(es, _) | Expr::List(es, _) => out.extend(es.iter().map(|x| (Node::Expr(x), c))),
            Expr::Range { from, then, to, .. } => {
                out.push((Node::Expr(from), c));
                out.extend(then.iter().map(|x| (Node::Expr(x), c)));
                out.extend(to.iter().map(|x| (Node::Expr(x), c)));
            }
            Expr::Comprehension(x, stmts, _) => {
                out.push((Node::Expr(x), c));
                for s in stmts {
                    stmt_children(s, c, out);
                }
            }
            Expr::Ann(x, t, _) => {
                out.push((Node::Expr(x), c));
                out.push((Node::Type(t), c));
            }
        },
        Node::Pat(p) => match p {
            Pat::Var(_) | Pat::Wild(_) | Pat::Lit(..) | Pat::NegLit(..) | Pat::Unit(_) => {}
            Pat::Con(_, ps, _) | Pat::Tuple(ps, _) | Pat::List(ps, _) => {
                out.extend(ps.iter().map(|x| (Node::Pat(x), c)))
            }
            Pat::OpSeq(items, _) => {
                let ops = items.iter().filter(|i| matches!(i, PatItem::Op(_))).count();
                for i in items {
                    if let PatItem::Operand(x) = i {
                        out.push((Node::Pat(x), c + ops));
                    }
                }
            }
            Pat::As(_, x, _) | Pat::Lazy(x, _) | Pat::Bang(x, _) | Pat::Paren(x, _) => out.push((Node::Pat(x), c)),
            Pat::Sig(x, t, _) => {
                out.push((Node::Pat(x), c));
                out.push((Node::Type(t), c));
            }
        },
        Node::Type(t) => match t {
            Type::Var(_) | Type::Con(_) | Type::Unit(_) => {}
            Type::App(h, args, _) => {
                out.push((Node::Type(h), c));
                out.extend(args.iter().map(|x| (Node::Type(x), c)));
            }
            Type::Fun(a, b, _) => {
                out.push((Node::Type(a), c));
                out.push((Node::Type(b), c));
            }
            Type::List(x, _) | Type::Paren(x, _) => out.push((Node::Type(x), c)),
            Type::Tuple(ts, _) => out.extend(ts.iter().map(|x| (Node::Type(x), c))),
        },
    }
}

// ---------------------------------------------------------------- Drop without recursion

/// An owned subtree waiting to be freed.
enum Owned {
    E(Expr),
    P(Pat),
    T(Type),
    R(Rhs),
    D(Decl),
}

fn take_e(b: &mut Box<Expr>) -> Owned {
    Owned::E(std::mem::replace(&mut **b, Expr::Unit(Span::default())))
}

fn take_p(b: &mut Box<Pat>) -> Owned {
    Owned::P(std::mem::replace(&mut **b, Pat::Wild(Span::default())))
}

fn take_t(b: &mut Box<Type>) -> Owned {
    Owned::T(std::mem::replace(&mut **b, Type::Unit(Span::default())))
}

fn take_ty(t: &mut Type) -> Owned {
    Owned::T(std::mem::replace(t, Type::Unit(Span::default())))
}

fn drain_decls(ds: &mut Vec<Decl>, out: &mut Vec<Owned>) {
    out.extend(ds.drain(..).map(Owned::D));
}

fn drain_stmts(stmts: &mut Vec<Stmt>, out: &mut Vec<Owned>) {
    for s in stmts.drain(..) {
        match s {
            Stmt::Bind(p, e, _) => {
                out.push(Owned::P(p));
                out.push(Owned::E(e));
            }
            Stmt::Let(ds, _) => out.extend(ds.into_iter().map(Owned::D)),
            Stmt::Expr(e, _) => out.push(Owned::E(e)),
        }
    }
}

/// Moves the direct children of `e` onto `out`, leaving leaves behind.
fn drain_expr(e: &mut Expr, out: &mut Vec<Owned>) {
    match e {
        Expr::Var(_) | Expr::Con(_) | Expr::Lit(..) | Expr::Unit(_) => {}
        Expr::App(h, args, _) => {
            out.push(take_e(h));
            out.extend(args.drain(..).map(Owned::E));
        }
        Expr::OpSeq(items, _) => {
            for i in items.drain(..) {
                if let OpItem::Operand(x) = i {
                    out.push(Owned::E(x));
                }
            }
        }
        Expr::BinOp(_, l, r, _) => {
            out.push(take_e(l));
            out.push(take_e(r));
        }
        Expr::Neg(x, _) | Expr::LeftSection(x, _, _) | Expr::RightSection(_, x, _) | Expr::Paren(x, _) => {
            out.push(take_e(x))
        }
        Expr::Lam(ps, b, _) => {
            out.extend(ps.drain(..).map(Owned::P));
            out.push(take_e(b));
        }
        Expr::Let(ds, b, _) => {
            drain_decls(ds, out);
            out.push(take_e(b));
        }
        Expr::If(a, b, c, _) => {
            out.push(take_e(a));
            out.push(take_e(b));
            out.push(take_e(c));
        }
        Expr::Case(s, alts, _) => {
            out.push(take_e(s));
            for a in alts.drain(..) {
                out.push(Owned::P(a.pat));
                out.push(Owned::R(a.rhs));
            }
        }
        Expr::Do(stmts, _) => drain_stmts(stmts, out),
        Expr::Tuple(es, _) | Expr::List(es, _) => out.extend(es.drain(..).map(Owned::E)),
        Expr::Range { from, then, to, .. } => {
            out.push(take_e(from));
            if let Some(x) = then.as_mut() {
                out.push(take_e(x));
            }
            if let Some(x) = to.as_mut() {
                out.push(take_e(x));
            }
        }
        Expr::Comprehension(x, stmts, _) => {
            out.push(take_e(x));
            drain_stmts(stmts, out);
        }
        Expr::Ann(x, t, _) => {
            out.push(take_e(x));
            out.push(take_ty(t));
        }
    }
}

fn drain_pat(p: &mut Pat, out: &mut Vec<Owned>) {
    match p {
        Pat::Var(_) | Pat::Wild(_) | Pat::Lit(..) | Pat::NegLit(..) | Pat::Unit(_) => {}
        Pat::Con(_, ps, _) | Pat::Tuple(ps, _) | Pat::List(ps, _) => out.extend(ps.drain(..).map(Owned::P)),
        Pat::OpSeq(items, _) => {
            for i in items.drain(..) {
                if let PatItem::Operand(x) = i {
                    out.push(Owned::P(x));
                }
            }
        }
        Pat::As(_, x, _) | Pat::Lazy(x, _) | Pat::Bang(x, _) | Pat::Paren(x, _) => out.push(take_p(x)),
        Pat::Sig(x, t, _) => {
            out.push(take_p(x));
            out.push(take_ty(t));
        }
    }
}

fn drain_type(t: &mut Type, out: &mut Vec<Owned>) {
    match t {
        Type::Var(_) | Type::Con(_) | Type::Unit(_) => {}
        Type::App(h, args, _) => {
            out.push(take_t(h));
            out.extend(args.drain(..).map(Owned::T));
        }
        Type::Fun(a, b, _) => {
            out.push(take_t(a));
            out.push(take_t(b));
        }
        Type::List(x, _) | Type::Paren(x, _) => out.push(take_t(x)),
        Type::Tuple(ts, _) => out.extend(ts.drain(..).map(Owned::T)),
    }
}

fn drain_rhs(r: &mut Rhs, out: &mut Vec<Owned>) {
    match std::mem::replace(&mut r.body, RhsBody::Guarded(Vec::new())) {
        RhsBody::Plain(e) => out.push(Owned::E(e)),
        RhsBody::Guarded(gs) => {
            for g in gs {
                for guard in g.guards {
                    match guard {
                        Guard::Bool(e) => out.push(Owned::E(e)),
                        Guard::Let(ds, _) => out.extend(ds.into_iter().map(Owned::D)),
                        Guard::Pat(p, e) => {
                            out.push(Owned::P(p));
                            out.push(Owned::E(e));
                        }
                    }
                }
                out.push(Owned::E(g.body));
            }
        }
    }
    drain_decls(&mut r.wheres, out);
}

fn drain_decl(d: Decl, out: &mut Vec<Owned>) {
    match d {
        Decl::Data(x) => {
            out.extend(x.context.into_iter().map(|k| Owned::T(k.ty)));
            for con in x.cons {
                out.extend(con.fields.into_iter().map(|f| Owned::T(f.ty)));
            }
        }
        Decl::Newtype(x) => out.push(Owned::T(x.field)),
        Decl::TypeSyn(x) => out.push(Owned::T(x.ty)),
        Decl::Sig(x) => {
            out.extend(x.context.into_iter().map(|k| Owned::T(k.ty)));
            out.push(Owned::T(x.ty));
        }
        Decl::Fixity(_) | Decl::Unsupported { .. } => {}
        Decl::FunClause(x) => {
            out.extend(x.args.into_iter().map(Owned::P));
            out.push(Owned::R(x.rhs));
        }
        Decl::PatBind(x) => {
            out.push(Owned::P(x.pat));
            out.push(Owned::R(x.rhs));
        }
    }
}

/// Frees the subtrees on `stack` and everything they own, iteratively:
/// each node is emptied of its children (which go onto the stack) before
/// it is dropped, so its own `drop` finds no deep subtree.
fn free(mut stack: Vec<Owned>) {
    while let Some(n) = stack.pop() {
        match n {
            Owned::E(mut e) => drain_expr(&mut e, &mut stack),
            Owned::P(mut p) => drain_pat(&mut p, &mut stack),
            Owned::T(mut t) => drain_type(&mut t, &mut stack),
            Owned::R(mut r) => drain_rhs(&mut r, &mut stack),
            Owned::D(d) => drain_decl(d, &mut stack),
        }
    }
}

impl Drop for Expr {
    fn drop(&mut self) {
        if matches!(self, Expr::Var(_) | Expr::Con(_) | Expr::Lit(..) | Expr::Unit(_)) {
            return;
        }
        let mut stack = Vec::new();
        drain_expr(self, &mut stack);
        free(stack);
    }
}

impl Drop for Pat {
    fn drop(&mut self) {
        if matches!(self, Pat::Var(_) | Pat::Wild(_) | Pat::Lit(..) | Pat::NegLit(..) | Pat::Unit(_)) {
            return;
        }
        let mut stack = Vec::new();
        drain_pat(self, &mut stack);
        free(stack);
    }
}

impl Drop for Type {
    fn drop(&mut self) {
        if matches!(self, Type::Var(_) | Type::Con(_) | Type::Unit(_)) {
            return;
        }
        let mut stack = Vec::new();
        drain_type(self, &mut stack);
        free(stack);
    }
}

impl Drop for Rhs {
    fn drop(&mut self) {
        if matches!(&self.body, RhsBody::Guarded(g) if g.is_empty()) && self.wheres.is_empty() {
            return;
        }
        let mut stack = Vec::new();
        drain_rhs(self, &mut stack);
        free(stack);
    }
}
