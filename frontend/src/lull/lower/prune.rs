//! Whole-program dead code removal: only the definitions reachable from
//! the entry stay in the module, so an executable carries only what the
//! program uses of the library.

use lull_middle::core::ir::{Def, Expr, GlobalId, Module};

/// The module with only the definitions reachable from `entry` (renumbered
/// in their old order), and the entry's new id.
pub(super) fn prune(mut module: Module, entry: GlobalId) -> (Module, GlobalId) {
    let n = module.defs.len();
    let mut live = vec![false; n];
    let mut work = vec![entry];
    live[entry.index()] = true;
    while let Some(g) = work.pop() {
        each_global(&module.defs[g.index()].body, |r| {
            if !live[r.index()] {
                live[r.index()] = true;
                work.push(r);
            }
        });
    }
    let mut new_id = vec![None; n];
    let mut next = 0u32;
    for (i, l) in live.iter().enumerate() {
        if *l {
            new_id[i] = Some(GlobalId(next));
            next += 1;
        }
    }
    let old: Vec<Def> = std::mem::take(&mut module.defs);
    for (i, mut def) in old.into_iter().enumerate() {
        if live[i] {
            rename_globals(&mut def.body, &new_id);
            module.defs.push(def);
        }
    }
    let entry = new_id[entry.index()].unwrap_or(GlobalId(0));
    (module, entry)
}

/// Calls `f` on every global that `e` refers to (without recursion on
/// the depth of `e`).
fn each_global(e: &Expr, mut f: impl FnMut(GlobalId)) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Global(g) => f(*g),
            Expr::Var(_) | Expr::Lit(_) | Expr::Str(_) | Expr::Free(_) | Expr::Error { .. } => {}
            Expr::Lam(_, b) => stack.push(b),
            Expr::App(g, args) => {
                stack.push(g);
                stack.extend(args.iter());
            }
            Expr::Let(_, a, b) | Expr::LetStrict(_, a, b) => {
                stack.push(a);
                stack.push(b);
            }
            Expr::LetRec(binds, b) => {
                stack.extend(binds.iter().map(|(_, e)| e));
                stack.push(b);
            }
            Expr::Case(c) => {
                stack.push(&c.scrut);
                stack.extend(c.alts.iter().map(|a| &a.body));
                stack.extend(c.default.iter());
            }
            Expr::Con(_, args) | Expr::Prim(_, args) => stack.extend(args.iter()),
        }
    }
}

fn rename_globals(e: &mut Expr, new_id: &[Option<GlobalId>]) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Global(g) => {
                if let Some(n) = new_id[g.index()] {
                    *g = n;
                }
            }
            Expr::Var(_) | Expr::Lit(_) | Expr::Str(_) | Expr::Free(_) | Expr::Error { .. } => {}
            Expr::Lam(_, b) => stack.push(b),
            Expr::App(g, args) => {
                stack.push(g);
                stack.extend(args.iter_mut());
            }
            Expr::Let(_, a, b) | Expr::LetStrict(_, a, b) => {
                stack.push(a);
                stack.push(b);
            }
            Expr::LetRec(binds, b) => {
                stack.extend(binds.iter_mut().map(|(_, e)| e));
                stack.push(b);
            }
            Expr::Case(c) => {
                let c = &mut **c;
                stack.push(&mut c.scrut);
                stack.extend(c.alts.iter_mut().map(|a| &mut a.body));
                stack.extend(c.default.iter_mut());
            }
            Expr::Con(_, args) | Expr::Prim(_, args) => stack.extend(args.iter_mut()),
        }
    }
}
