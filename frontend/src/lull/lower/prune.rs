//! Whole-program dead code removal: only the definitions reachable from
//! the entry stay in the module, so an executable carries only what the
//! program uses of the library.

use lull_middle::core::ir::{Def, Expr, GlobalId, Module};

/// The module with only the definitions reachable from `roots` (renumbered
/// in their old order), and the roots' new ids.
pub(super) fn prune(mut module: Module, roots: &[GlobalId]) -> (Module, Vec<GlobalId>) {
    let n = module.defs.len();
    let mut live = vec![false; n];
    let mut work = roots.to_vec();
    for r in roots {
        live[r.index()] = true;
    }
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
    let roots = roots.iter().map(|r| new_id[r.index()].unwrap_or(GlobalId(0))).collect();
    (module, roots)
}

/// Calls `f` on every global that `e` refers to (without recursion on
/// the depth of `e`).
fn each_global(e: &Expr, mut f: impl FnMut(GlobalId)) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if let Expr::Global(g) = e {
            f(*g);
        }
        e.for_each_child(|c| stack.push(c));
    }
}

fn rename_globals(e: &mut Expr, new_id: &[Option<GlobalId>]) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if let Expr::Global(g) = e {
            if let Some(n) = new_id[g.index()] {
                *g = n;
            }
        }
        e.for_each_child_mut(|c| stack.push(c));
    }
}
