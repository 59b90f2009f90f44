//! Dependency analysis: the bindings of a declaration list split into
//! strongly connected binding groups, in dependency order (Haskell 2010
//! section 4.5.1), so that each group is inferred and generalised before
//! the groups that use it.
//!
//! The dependencies of a binding are read from the resolver's table of
//! references ([`Resolution::refs`]): the occurrences inside the binding's
//! span whose binder is a binder of the list. As in Haskell 2010 section
//! 4.5.2, a use of a binding that has a type signature is not a dependency
//! (its type is known), which lets signatures give polymorphic recursion
//! within a group.

use std::collections::HashMap;

use super::resolve::{Binding, BindingKind, Group, Resolution};
use crate::span::Span;

/// The groups of `group`'s bindings (indices into `group.bindings`), each
/// group after the groups it depends on.
pub fn binding_groups(group: &Group<'_>, res: &Resolution) -> Vec<Vec<usize>> {
    let mut owner: HashMap<Span, usize> = HashMap::new();
    for (i, b) in group.bindings.iter().enumerate() {
        for n in &b.binders {
            owner.insert(n.span, i);
        }
        if let BindingKind::Fun { clauses, .. } = &b.kind {
            for c in clauses {
                owner.insert(c.name.span, i);
            }
        }
    }
    let signed = |b: &Binding<'_>| b.simple_name().is_some_and(|n| group.sigs.contains_key(&n.text));
    let succs: Vec<Vec<usize>> = group
        .bindings
        .iter()
        .map(|b| {
            let start = res.refs.partition_point(|(occ, _)| occ.start < b.span.start);
            let mut out: Vec<usize> = res.refs[start..]
                .iter()
                .take_while(|(occ, _)| occ.start < b.span.end)
                .filter_map(|(_, binder)| owner.get(binder).copied())
                .filter(|&j| !signed(&group.bindings[j]))
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        })
        .collect();
    sccs(&succs)
}

/// Tarjan's algorithm, iteratively: the strongly connected components of
/// the graph whose node `i` has the edges `succs[i]`, each component after
/// every component it has an edge to. Nodes within a component are in
/// increasing order.
pub fn sccs(succs: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNVISITED: usize = usize::MAX;
    let n = succs.len();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        // (node, position of the next edge to follow)
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            if let Some(&w) = succs[v].get(*pos) {
                *pos += 1;
                if w >= n {
                    continue;
                }
                if index[w] == UNVISITED {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                comp.sort_unstable();
                out.push(comp);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sccs;

    #[test]
    fn components_in_dependency_order() {
        // 0 -> 1 -> 2 -> 1, 3 -> 0, 4 alone.
        let g = vec![vec![1], vec![2], vec![1], vec![0], vec![]];
        assert_eq!(sccs(&g), vec![vec![1, 2], vec![0], vec![3], vec![4]]);
    }

    #[test]
    fn long_chains_do_not_recurse() {
        let n = 200_000;
        let g: Vec<Vec<usize>> = (0..n).map(|i| if i + 1 < n { vec![i + 1] } else { vec![0] }).collect();
        let c = sccs(&g);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].len(), n);
    }
}
