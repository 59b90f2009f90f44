//! Whole-program dead code removal: only the definitions reachable from
//! the entry stay in the module, so an executable carries only what the
//! program uses of the library; and the cut between a program and the
//! library crate it imports from.

use std::collections::{HashMap, HashSet};

use lull_middle::core::ir::{Def, Expr, GlobalId, Import, Module};

// Note [What a program imports]
// ------------------------------
// A program compiled against the library crate imports each library
// definition it reaches, unless that definition reaches (through the
// library's own definitions) a *local* one: a reflection builtin, which
// is a case over the data types of the module it is lowered in
// (reflect.rs). The library crate's `show` knows only the library's
// types; the program's copy of `show` knows the program's too. So the
// library definitions that may look at a value of the program's types
// (`show`, `print`, `==`, `elem`, `compare`, `sort`...) are lowered
// with the program, and everything else (`map`, `foldr`, `putStrLn`,
// the numeric functions...) is imported. This is sound because a library
// definition that does not reach a reflection builtin in the static call
// graph never inspects a value's type itself: it can only call closures
// the program passed it.

/// The module with only the definitions reachable from `roots` (renumbered
/// in their old order), and the roots' new ids. A definition in `imports`
/// is kept as that import (its body, and what only it reaches, goes),
/// unless it reaches one of `local` (Note [What a program imports]).
pub(super) fn prune(
    mut module: Module,
    roots: &[GlobalId],
    imports: &HashMap<GlobalId, Import>,
    local: &HashSet<GlobalId>,
) -> (Module, Vec<GlobalId>) {
    let n = module.defs.len();
    let tainted = if imports.is_empty() { vec![false; n] } else { reaching(&module, local) };
    let imports: HashMap<GlobalId, Import> =
        imports.iter().filter(|(g, _)| !tainted[g.index()]).map(|(g, i)| (*g, i.clone())).collect();
    let mut live = vec![false; n];
    let mut work = roots.to_vec();
    for r in roots {
        live[r.index()] = true;
    }
    while let Some(g) = work.pop() {
        if let Some(import) = imports.get(&g) {
            let def = &mut module.defs[g.index()];
            def.body = import.body();
            def.import = Some(import.clone());
            continue;
        }
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

/// For each definition: whether it reaches one of `targets` (itself
/// included) through the definitions it refers to.
fn reaching(module: &Module, targets: &HashSet<GlobalId>) -> Vec<bool> {
    let n = module.defs.len();
    let mut callers: Vec<Vec<GlobalId>> = vec![Vec::new(); n];
    for (i, def) in module.defs.iter().enumerate() {
        each_global(&def.body, |r| callers[r.index()].push(GlobalId(i as u32)));
    }
    let mut reached = vec![false; n];
    let mut work: Vec<GlobalId> = targets.iter().copied().filter(|g| g.index() < n).collect();
    for g in &work {
        reached[g.index()] = true;
    }
    while let Some(g) = work.pop() {
        for &c in &callers[g.index()] {
            if !reached[c.index()] {
                reached[c.index()] = true;
                work.push(c);
            }
        }
    }
    reached
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
