//! Read-back to full normal form, and lazy conversion checking.
//!
//! ### Note [Read-back under binders]
//!
//! Read-back evaluates a value to weak head normal form and then:
//! * a function (closure or PAP still missing `n` arguments) is applied to
//!   `n` fresh rigid variables (each a rigid term with a new binder id and
//!   an empty spine); if the result is again a function, more variables
//!   are applied, so a run of λs becomes one [`Nf::Lam`]; the final body
//!   is read back under those binders;
//! * a rigid term (a variable applied to a spine) becomes [`Nf::App`] of
//!   its head to its arguments read back left to right (or the bare
//!   variable when the spine is empty);
//! * a constructor becomes [`Nf::Con`] of its fields read back; literals
//!   are themselves.
//!
//! Fresh ids come from a counter of the machine, so they are unique in the
//! whole run, hence in the term. Read-back builds the normal form top-down:
//! its worklist pairs a value with the placeholder node it must fill, so
//! the worklist only grows with the *breadth* still to visit, and a spine
//! 10,000,000 deep (`a (a (a ...))`) is read back in constant worklist
//! space. `conv` walks both values the same way in lock-step, with one
//! fresh variable given to both sides when both are functions, and stops
//! at the first difference; it never builds a normal form.

use super::compile::Program;
use super::machine::Machine;
use super::value::{Head, Obj, Val};
use crate::core::nf::{placeholders, Nf};
use std::rc::Rc;

use super::machine::{rt, R};

const NF_BYTES: u64 = std::mem::size_of::<Nf>() as u64;

/// The value's remaining arity if it is a function.
fn fun_arity(v: &Val<'_>) -> Option<usize> {
    match v {
        Val::Ptr(p) => match &**p {
            Obj::Fun { code, .. } => Some(code.arity as usize),
            Obj::Pap { code, args, .. } => Some((code.arity as usize).saturating_sub(args.len()).max(1)),
            _ => None,
        },
        _ => None,
    }
}

/// The head and the whole spine of a rigid term (walking the chain of
/// partial spines iteratively).
fn rigid_spine<'p>(p: &Rc<Obj<'p>>) -> Option<(Head, Vec<Val<'p>>)> {
    let Obj::Rigid { head, .. } = &**p else { return None };
    let mut parts: Vec<&[Val<'p>]> = Vec::new();
    let mut cur: &Obj<'p> = p;
    while let Obj::Rigid { prev, args, .. } = cur {
        parts.push(args);
        match prev {
            Some(q) => cur = q,
            None => break,
        }
    }
    let mut spine = Vec::with_capacity(parts.iter().map(|a| a.len()).sum());
    for a in parts.into_iter().rev() {
        spine.extend(a.iter().cloned());
    }
    Some((head.clone(), spine))
}

fn head_nf(h: &Head) -> Nf {
    match h {
        Head::Bound(id) => Nf::Bound(*id),
        Head::Free(name) => Nf::Free(name.to_string()),
    }
}

fn con_name(prog: &Program, con: u32) -> &str {
    prog.cons.get(con as usize).map_or("?", |c| c.name.as_str())
}

/// Normalise `root` fully.
pub(crate) fn normalise<'p>(m: &mut Machine<'p>, root: Val<'p>) -> R<Nf> {
    let prog = m.prog;
    let mut out = Nf::Int(0);
    {
        let mut stack: Vec<(Val<'p>, &mut Nf)> = vec![(root, &mut out)];
        let item_bytes = std::mem::size_of::<(Val<'p>, &mut Nf)>() as u64;
        let mut nf_bytes = NF_BYTES;
        while let Some((v, dst)) = stack.pop() {
            m.extra_bytes = nf_bytes + stack.capacity() as u64 * item_bytes;
            m.check_memory()?;
            let mut w = m.whnf(v)?;
            if fun_arity(&w).is_some() {
                let mut ids = Vec::new();
                while let Some(n) = fun_arity(&w) {
                    let mut vars = Vec::with_capacity(n);
                    for _ in 0..n {
                        let (id, x) = m.fresh_rigid();
                        ids.push(id);
                        vars.push(x);
                    }
                    w = m.apply(w, vars)?;
                }
                nf_bytes += NF_BYTES + 4 * ids.len() as u64;
                *dst = Nf::Lam(ids, Box::new(Nf::Int(0)));
                if let Nf::Lam(_, body) = dst {
                    stack.push((w, &mut **body));
                }
                continue;
            }
            match w {
                Val::Int(n) => *dst = Nf::Int(n),
                Val::Float(x) => *dst = Nf::Float(x),
                Val::Ptr(p) => match &*p {
                    Obj::Rigid { .. } => {
                        let Some((head, spine)) = rigid_spine(&p) else { continue };
                        if spine.is_empty() {
                            *dst = head_nf(&head);
                        } else {
                            nf_bytes += NF_BYTES * (1 + spine.len() as u64);
                            *dst = Nf::App(Box::new(head_nf(&head)), placeholders(spine.len()));
                            if let Nf::App(_, holes) = dst {
                                for (a, hole) in spine.into_iter().zip(holes.iter_mut()).rev() {
                                    stack.push((a, hole));
                                }
                            }
                        }
                    }
                    Obj::Con { con, fields } => {
                        let fields = fields.as_slice();
                        nf_bytes += NF_BYTES * fields.len() as u64;
                        *dst = Nf::Con(con_name(prog, *con).to_string(), placeholders(fields.len()));
                        if let Nf::Con(_, holes) = dst {
                            for (a, hole) in fields.iter().zip(holes.iter_mut()).rev() {
                                stack.push((a.clone(), hole));
                            }
                        }
                    }
                    Obj::Fun { .. } | Obj::Pap { .. } | Obj::Thunk(_) => {
                        return Err(rt("internal: read-back met an unevaluated value"));
                    }
                },
            }
        }
    }
    Ok(out)
}

/// Do `a` and `b` have the same normal form? Compared lazily, in lock-step.
pub(crate) fn conv<'p>(m: &mut Machine<'p>, a: Val<'p>, b: Val<'p>) -> R<bool> {
    let prog = m.prog;
    let mut stack: Vec<(Val<'p>, Val<'p>)> = vec![(a, b)];
    let item_bytes = std::mem::size_of::<(Val<'p>, Val<'p>)>() as u64;
    while let Some((a, b)) = stack.pop() {
        m.extra_bytes = stack.capacity() as u64 * item_bytes;
        m.check_memory()?;
        let a = m.whnf(a)?;
        let b = m.whnf(b)?;
        if fun_arity(&a).is_some() || fun_arity(&b).is_some() {
            if fun_arity(&a).is_none() || fun_arity(&b).is_none() {
                return Ok(false);
            }
            let (_, x) = m.fresh_rigid();
            let ra = m.apply(a, vec![x.clone()])?;
            let rb = m.apply(b, vec![x])?;
            stack.push((ra, rb));
            continue;
        }
        match (&a, &b) {
            (Val::Int(x), Val::Int(y)) => {
                if x != y {
                    return Ok(false);
                }
            }
            (Val::Float(x), Val::Float(y)) => {
                if x.to_bits() != y.to_bits() {
                    return Ok(false);
                }
            }
            (Val::Ptr(p), Val::Ptr(q)) => match (&**p, &**q) {
                (Obj::Rigid { .. }, Obj::Rigid { .. }) => {
                    let (Some((h1, s1)), Some((h2, s2))) = (rigid_spine(p), rigid_spine(q)) else {
                        return Ok(false);
                    };
                    if h1 != h2 || s1.len() != s2.len() {
                        return Ok(false);
                    }
                    for pair in s1.into_iter().zip(s2).rev() {
                        stack.push(pair);
                    }
                }
                (Obj::Con { con: c1, fields: f1 }, Obj::Con { con: c2, fields: f2 }) => {
                    if con_name(prog, *c1) != con_name(prog, *c2) || f1.len() != f2.len() {
                        return Ok(false);
                    }
                    for (x, y) in f1.as_slice().iter().zip(f2.as_slice().iter()).rev() {
                        stack.push((x.clone(), y.clone()));
                    }
                }
                _ => return Ok(false),
            },
            _ => return Ok(false),
        }
    }
    Ok(true)
}
