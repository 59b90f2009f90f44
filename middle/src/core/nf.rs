//! Normal forms: what the reference interpreter's read-back produces
//! ([`crate::core::interp::normalise`]) and what `lull nf` prints.
//!
//! A normal form is a tree of λs, rigid applications, constructors and
//! literals. Binders are numbered (`u32` ids, unique in the term); printing
//! renames them in the order they are printed, left to right: `a` to `z`,
//! then `v26`, `v27`, ... (LANGUAGE.md section 2), skipping any name that
//! a free (rigid) variable of the term has, so that `λ x. free "a"` prints
//! `λ b. a`, not the identity.
//!
//! # Printed form
//!
//! * A run of λs prints as one: `λ a b c. body`; a body extends as far right
//!   as possible.
//! * Application is juxtaposition: `a b (c d)`. An *argument* (of an
//!   application or a constructor) is parenthesised when it is a λ, an
//!   application, a constructor with fields, or a negative number. A *head*
//!   is parenthesised when it is a λ, a constructor with fields or a
//!   negative number (an application head needs none: application
//!   associates to the left).
//! * Constructors print by name: `Cons 1 (Cons 2 Nil)`.
//! * Integers print in decimal; floats in Rust's `{:?}` form, which always
//!   shows a `.` for finite values in fixed notation (`1.0`, `-0.5`), plus
//!   `NaN`, `inf` and `-inf`; where `{:?}` would choose an exponent without a
//!   `.` (`1e100`), `.0` is inserted before the `e` (`1.0e100`), so that
//!   every finite float has a `.`.
//! * A [`Nf::Bound`] id that no enclosing λ binds (never produced by
//!   read-back) prints as `?` followed by the id, e.g. `?7`.
//!
//! # No recursion
//!
//! Normal forms can be tens of millions of nodes deep (Church numeral
//! 10,000,000 is an application spine that deep), so `Display`,
//! [`Nf::write_to`], `Clone`, `Drop`, [`Nf::alpha_eq`] and [`Nf::size`] all
//! use explicit heap stacks. See Note [No recursion on term depth] in
//! `core/mod.rs`. Printing keeps pending closing parentheses as one counter
//! per run, so a right-nested spine prints in constant stack space.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io;

/// A β-normal form (or a constructor/literal value read back in full).
/// `Debug` shows the printed form (iteratively, like `Display`).
pub enum Nf {
    /// `λ ids. body`: binder ids, unique in the term. Read-back merges a run
    /// of λs into one node, but the printer and [`Nf::alpha_eq`] accept
    /// nested ones too.
    Lam(Vec<u32>, Box<Nf>),
    /// A variable bound by an enclosing [`Nf::Lam`].
    Bound(u32),
    /// A free (rigid) variable of the input, by name.
    Free(String),
    /// A rigid application: head (a variable, never a λ) and arguments.
    App(Box<Nf>, Vec<Nf>),
    /// A constructor with its fields.
    Con(String, Vec<Nf>),
    /// An `Int64` (an unboxed constructor field).
    Int(i64),
    /// A `Float64` (an unboxed constructor field).
    Float(f64),
}

/// The printed name of the `i`-th binder: `a`..`z`, then `v26`, `v27`, ...
pub fn binder_name(i: u32) -> String {
    let mut s = String::new();
    push_binder_name(&mut s, i);
    s
}

fn push_binder_name(s: &mut String, i: u32) {
    if i < 26 {
        s.push((b'a' + i as u8) as char);
    } else {
        use fmt::Write;
        let _ = write!(s, "v{i}");
    }
}

/// The printed form of a float (see the module doc).
pub fn float_text(x: f64) -> String {
    let s = format!("{x:?}");
    if x.is_finite() && !s.contains('.') {
        if let Some(e) = s.find('e') {
            return format!("{}.0{}", &s[..e], &s[e..]);
        }
        return format!("{s}.0");
    }
    s
}

impl Nf {
    /// Is this a λ (the printer's and the read-back's notion)?
    pub fn is_lam(&self) -> bool {
        matches!(self, Nf::Lam(..))
    }

    /// The number of nodes (each λ *binder*, variable, application,
    /// constructor and literal counts one; an application of `f` to `n`
    /// arguments counts 1 + its head + its arguments). Iterative.
    pub fn size(&self) -> u64 {
        self.nodes()
            .map(|t| match t {
                Nf::Lam(ids, _) => ids.len().max(1) as u64,
                _ => 1,
            })
            .sum()
    }

    /// Every node of the term, in no particular order, without recursion.
    pub fn nodes(&self) -> Nodes<'_> {
        Nodes { stack: vec![self] }
    }

    /// The names of the free (rigid) variables in the term.
    pub fn free_names(&self) -> HashSet<&str> {
        self.nodes()
            .filter_map(|t| match t {
                Nf::Free(name) => Some(name.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Print into any [`io::Write`], buffered internally (64 KiB chunks), so
    /// an unbuffered writer is fine too. Same text as `Display`.
    pub fn write_to(&self, w: &mut impl io::Write) -> io::Result<()> {
        let mut sink = IoSink { w, buf: String::with_capacity(IO_CHUNK + 256), err: None };
        let r = print(self, &mut sink);
        if let Some(e) = sink.err.take() {
            return Err(e);
        }
        if r.is_err() {
            return Err(io::Error::other("formatting failed"));
        }
        sink.flush_buf()
    }

    /// Alpha-equivalence: the same term up to renaming of bound variables.
    /// A run of λs compares equal however it is grouped (`Lam([a], Lam([b],
    /// ..))` and `Lam([a, b], ..)`), likewise nested application heads.
    /// Floats compare bitwise (so a `NaN` equals itself), as their printed
    /// forms do. Iterative.
    pub fn alpha_eq(&self, other: &Nf) -> bool {
        enum Task<'a> {
            Pair(&'a Nf, &'a Nf),
            /// Undo the binder mappings of one λ run: (side, id, old).
            Restore(Vec<(u32, Option<u32>)>, Vec<(u32, Option<u32>)>),
        }
        let mut map_a: HashMap<u32, u32> = HashMap::new();
        let mut map_b: HashMap<u32, u32> = HashMap::new();
        let mut next = 0u32;
        let mut stack = vec![Task::Pair(self, other)];
        let mut ids_a = Vec::new();
        let mut ids_b = Vec::new();
        let mut args_a: Vec<&Nf> = Vec::new();
        let mut args_b: Vec<&Nf> = Vec::new();
        while let Some(task) = stack.pop() {
            let (a, b) = match task {
                Task::Pair(a, b) => (a, b),
                Task::Restore(ra, rb) => {
                    for (id, old) in ra.into_iter().rev() {
                        match old {
                            Some(o) => map_a.insert(id, o),
                            None => map_a.remove(&id),
                        };
                    }
                    for (id, old) in rb.into_iter().rev() {
                        match old {
                            Some(o) => map_b.insert(id, o),
                            None => map_b.remove(&id),
                        };
                    }
                    continue;
                }
            };
            match (a, b) {
                (Nf::Lam(..), Nf::Lam(..)) => {
                    ids_a.clear();
                    ids_b.clear();
                    let ba = lam_run(a, &mut ids_a);
                    let bb = lam_run(b, &mut ids_b);
                    if ids_a.len() != ids_b.len() {
                        return false;
                    }
                    let mut ra = Vec::with_capacity(ids_a.len());
                    let mut rb = Vec::with_capacity(ids_b.len());
                    for (&x, &y) in ids_a.iter().zip(ids_b.iter()) {
                        ra.push((x, map_a.insert(x, next)));
                        rb.push((y, map_b.insert(y, next)));
                        next = next.wrapping_add(1);
                    }
                    stack.push(Task::Restore(ra, rb));
                    stack.push(Task::Pair(ba, bb));
                }
                (Nf::Bound(x), Nf::Bound(y)) => match (map_a.get(x), map_b.get(y)) {
                    (Some(i), Some(j)) if i == j => {}
                    (None, None) if x == y => {}
                    _ => return false,
                },
                (Nf::Free(x), Nf::Free(y)) => {
                    if x != y {
                        return false;
                    }
                }
                (Nf::App(..), Nf::App(..)) => {
                    args_a.clear();
                    args_b.clear();
                    let ha = app_spine(a, &mut args_a);
                    let hb = app_spine(b, &mut args_b);
                    if args_a.len() != args_b.len() {
                        return false;
                    }
                    for (x, y) in args_a.iter().zip(args_b.iter()).rev() {
                        stack.push(Task::Pair(x, y));
                    }
                    stack.push(Task::Pair(ha, hb));
                }
                (Nf::Con(c, xs), Nf::Con(d, ys)) => {
                    if c != d || xs.len() != ys.len() {
                        return false;
                    }
                    for (x, y) in xs.iter().zip(ys.iter()).rev() {
                        stack.push(Task::Pair(x, y));
                    }
                }
                (Nf::Int(x), Nf::Int(y)) => {
                    if x != y {
                        return false;
                    }
                }
                (Nf::Float(x), Nf::Float(y)) => {
                    if x.to_bits() != y.to_bits() {
                        return false;
                    }
                }
                _ => return false,
            }
        }
        true
    }
}

/// Collect the binders of a run of λs; return the body.
/// The iterator of [`Nf::nodes`].
pub struct Nodes<'a> {
    stack: Vec<&'a Nf>,
}

impl<'a> Iterator for Nodes<'a> {
    type Item = &'a Nf;

    fn next(&mut self) -> Option<&'a Nf> {
        let t = self.stack.pop()?;
        match t {
            Nf::Lam(_, body) => self.stack.push(body),
            Nf::App(h, args) => {
                self.stack.push(h);
                self.stack.extend(args.iter());
            }
            Nf::Con(_, args) => self.stack.extend(args.iter()),
            Nf::Bound(_) | Nf::Free(_) | Nf::Int(_) | Nf::Float(_) => {}
        }
        Some(t)
    }
}

fn lam_run<'a>(mut t: &'a Nf, ids: &mut Vec<u32>) -> &'a Nf {
    while let Nf::Lam(xs, body) = t {
        ids.extend_from_slice(xs);
        t = body;
    }
    t
}

/// Flatten nested application heads: `App(App(f, [a]), [b])` gives `f` and
/// `[a, b]`.
fn app_spine<'a>(t: &'a Nf, args: &mut Vec<&'a Nf>) -> &'a Nf {
    let mut heads = Vec::new();
    let mut h = t;
    while let Nf::App(f, xs) = h {
        heads.push(xs);
        h = f;
    }
    for xs in heads.into_iter().rev() {
        args.extend(xs.iter());
    }
    h
}

/// Where a node is printed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// At the top, a λ body, or inside parentheses.
    Top,
    /// The head of an application.
    Head,
    /// An argument of an application or a constructor.
    Arg,
}

fn needs_parens(t: &Nf, ctx: Ctx) -> bool {
    match ctx {
        Ctx::Top => false,
        Ctx::Head => match t {
            Nf::Lam(..) => true,
            Nf::Con(_, fs) => !fs.is_empty(),
            Nf::Int(n) => *n < 0,
            Nf::Float(x) => x.is_sign_negative() && !x.is_nan(),
            Nf::App(..) | Nf::Bound(_) | Nf::Free(_) => false,
        },
        Ctx::Arg => match t {
            Nf::Lam(..) | Nf::App(..) => true,
            Nf::Con(_, fs) => !fs.is_empty(),
            Nf::Int(n) => *n < 0,
            Nf::Float(x) => x.is_sign_negative() && !x.is_nan(),
            Nf::Bound(_) | Nf::Free(_) => false,
        },
    }
}

/// Where printed text goes.
trait Sink {
    fn put(&mut self, s: &str) -> fmt::Result;
}

impl<W: fmt::Write + ?Sized> Sink for W {
    fn put(&mut self, s: &str) -> fmt::Result {
        self.write_str(s)
    }
}

const IO_CHUNK: usize = 64 * 1024;

struct IoSink<'w, W: io::Write> {
    w: &'w mut W,
    buf: String,
    err: Option<io::Error>,
}

impl<W: io::Write> IoSink<'_, W> {
    fn flush_buf(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.w.write_all(self.buf.as_bytes())?;
            self.buf.clear();
        }
        Ok(())
    }
}

impl<W: io::Write> fmt::Write for IoSink<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.buf.push_str(s);
        if self.buf.len() >= IO_CHUNK {
            if let Err(e) = self.flush_buf() {
                self.err = Some(e);
                return Err(fmt::Error);
            }
        }
        Ok(())
    }
}

/// The printer: an explicit stack of tasks. Binder names are assigned when
/// the binder is printed and restored after its scope (for terms whose ids
/// are not unique).
fn print<S: Sink + ?Sized>(root: &Nf, out: &mut S) -> fmt::Result {
    enum Task<'a> {
        Node(&'a Nf, Ctx),
        Space,
        /// `n` closing parentheses (consecutive ones are merged).
        Close(u64),
        /// Restore binder names after a λ body: (id, previous name).
        Restore(Vec<(u32, Option<u32>)>),
    }
    // Binder id -> printed index. Small ids go in a vector, others in a map.
    const DENSE: u32 = 1 << 20;
    let mut dense: Vec<u32> = Vec::new(); // u32::MAX = unbound
    let mut sparse: HashMap<u32, u32> = HashMap::new();
    let mut next_name = 0u32;
    let free = root.free_names();
    let mut stack = vec![Task::Node(root, Ctx::Top)];
    let mut scratch = String::new();
    let mut ids = Vec::new();
    while let Some(task) = stack.pop() {
        let (t, ctx) = match task {
            Task::Node(t, ctx) => (t, ctx),
            Task::Space => {
                out.put(" ")?;
                continue;
            }
            Task::Close(n) => {
                for _ in 0..n {
                    out.put(")")?;
                }
                continue;
            }
            Task::Restore(saved) => {
                for (id, old) in saved.into_iter().rev() {
                    if id < DENSE {
                        if let Some(slot) = dense.get_mut(id as usize) {
                            *slot = old.unwrap_or(u32::MAX);
                        }
                    } else {
                        match old {
                            Some(o) => sparse.insert(id, o),
                            None => sparse.remove(&id),
                        };
                    }
                }
                continue;
            }
        };
        let t = if needs_parens(t, ctx) {
            out.put("(")?;
            match stack.last_mut() {
                Some(Task::Close(n)) => *n += 1,
                _ => stack.push(Task::Close(1)),
            }
            t
        } else {
            t
        };
        match t {
            Nf::Lam(..) => {
                ids.clear();
                let body = lam_run(t, &mut ids);
                scratch.clear();
                scratch.push('λ');
                let mut saved = Vec::with_capacity(ids.len());
                for &id in &ids {
                    // A binder never takes the name of a free variable.
                    while !free.is_empty() && free.contains(binder_name(next_name).as_str()) {
                        next_name = next_name.wrapping_add(1);
                    }
                    let name = next_name;
                    next_name = next_name.wrapping_add(1);
                    let old = if id < DENSE {
                        let i = id as usize;
                        if dense.len() <= i {
                            dense.resize(i + 1, u32::MAX);
                        }
                        let old = std::mem::replace(&mut dense[i], name);
                        (old != u32::MAX).then_some(old)
                    } else {
                        sparse.insert(id, name)
                    };
                    saved.push((id, old));
                    scratch.push(' ');
                    push_binder_name(&mut scratch, name);
                }
                scratch.push_str(". ");
                out.put(&scratch)?;
                stack.push(Task::Restore(saved));
                stack.push(Task::Node(body, Ctx::Top));
            }
            Nf::Bound(id) => {
                let name = if *id < DENSE {
                    dense.get(*id as usize).copied().filter(|&n| n != u32::MAX)
                } else {
                    sparse.get(id).copied()
                };
                scratch.clear();
                match name {
                    Some(n) => push_binder_name(&mut scratch, n),
                    None => {
                        use fmt::Write;
                        let _ = write!(scratch, "?{id}");
                    }
                }
                out.put(&scratch)?;
            }
            Nf::Free(name) => out.put(name)?,
            Nf::App(h, args) => {
                for a in args.iter().rev() {
                    stack.push(Task::Node(a, Ctx::Arg));
                    stack.push(Task::Space);
                }
                stack.push(Task::Node(h, Ctx::Head));
            }
            Nf::Con(name, fields) => {
                out.put(name)?;
                for a in fields.iter().rev() {
                    stack.push(Task::Node(a, Ctx::Arg));
                    stack.push(Task::Space);
                }
            }
            Nf::Int(n) => {
                scratch.clear();
                use fmt::Write;
                let _ = write!(scratch, "{n}");
                out.put(&scratch)?;
            }
            Nf::Float(x) => out.put(&float_text(*x))?,
        }
    }
    Ok(())
}

impl fmt::Display for Nf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        print(self, f)
    }
}

impl fmt::Debug for Nf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Nf(")?;
        print(self, f)?;
        f.write_str(")")
    }
}

impl PartialEq for Nf {
    /// Structural equality (binder ids compared as they are, floats
    /// bitwise); see [`Nf::alpha_eq`] for equality up to renaming.
    fn eq(&self, other: &Nf) -> bool {
        let mut stack = vec![(self, other)];
        while let Some((a, b)) = stack.pop() {
            match (a, b) {
                (Nf::Lam(xs, p), Nf::Lam(ys, q)) => {
                    if xs != ys {
                        return false;
                    }
                    stack.push((p, q));
                }
                (Nf::Bound(x), Nf::Bound(y)) => {
                    if x != y {
                        return false;
                    }
                }
                (Nf::Free(x), Nf::Free(y)) => {
                    if x != y {
                        return false;
                    }
                }
                (Nf::App(f, xs), Nf::App(g, ys)) => {
                    if xs.len() != ys.len() {
                        return false;
                    }
                    stack.push((f, g));
                    stack.extend(xs.iter().zip(ys.iter()));
                }
                (Nf::Con(c, xs), Nf::Con(d, ys)) => {
                    if c != d || xs.len() != ys.len() {
                        return false;
                    }
                    stack.extend(xs.iter().zip(ys.iter()));
                }
                (Nf::Int(x), Nf::Int(y)) => {
                    if x != y {
                        return false;
                    }
                }
                (Nf::Float(x), Nf::Float(y)) => {
                    if x.to_bits() != y.to_bits() {
                        return false;
                    }
                }
                _ => return false,
            }
        }
        true
    }
}

impl Clone for Nf {
    /// Iterative: builds the copy top-down, filling placeholders through an
    /// explicit stack of (source, destination) pairs.
    fn clone(&self) -> Nf {
        let mut root = Nf::Int(0);
        {
            let mut stack: Vec<(&Nf, &mut Nf)> = vec![(self, &mut root)];
            while let Some((src, dst)) = stack.pop() {
                match src {
                    Nf::Lam(ids, body) => {
                        *dst = Nf::Lam(ids.clone(), Box::new(Nf::Int(0)));
                        if let Nf::Lam(_, b) = dst {
                            stack.push((body, &mut **b));
                        }
                    }
                    Nf::App(h, args) => {
                        *dst = Nf::App(Box::new(Nf::Int(0)), placeholders(args.len()));
                        if let Nf::App(dh, dargs) = dst {
                            stack.push((h, &mut **dh));
                            stack.extend(args.iter().zip(dargs.iter_mut()));
                        }
                    }
                    Nf::Con(name, args) => {
                        *dst = Nf::Con(name.clone(), placeholders(args.len()));
                        if let Nf::Con(_, dargs) = dst {
                            stack.extend(args.iter().zip(dargs.iter_mut()));
                        }
                    }
                    Nf::Bound(x) => *dst = Nf::Bound(*x),
                    Nf::Free(x) => *dst = Nf::Free(x.clone()),
                    Nf::Int(n) => *dst = Nf::Int(*n),
                    Nf::Float(x) => *dst = Nf::Float(*x),
                }
            }
        }
        root
    }
}

/// `n` cheap placeholder nodes, to be overwritten.
pub(crate) fn placeholders(n: usize) -> Vec<Nf> {
    let mut v = Vec::with_capacity(n);
    v.resize_with(n, || Nf::Int(0));
    v
}

impl Drop for Nf {
    /// Iterative: moves children onto a heap stack before they drop.
    fn drop(&mut self) {
        if matches!(self, Nf::Bound(_) | Nf::Free(_) | Nf::Int(_) | Nf::Float(_)) {
            return;
        }
        let mut stack: Vec<Nf> = Vec::new();
        take_children(self, &mut stack);
        while let Some(mut t) = stack.pop() {
            take_children(&mut t, &mut stack);
        }
    }
}

fn take_children(t: &mut Nf, out: &mut Vec<Nf>) {
    match t {
        Nf::Lam(_, body) => {
            if !is_leaf(body) {
                out.push(std::mem::replace(&mut **body, Nf::Int(0)));
            }
        }
        Nf::App(h, args) => {
            if !is_leaf(h) {
                out.push(std::mem::replace(&mut **h, Nf::Int(0)));
            }
            out.extend(args.drain(..).filter(|a| !is_leaf(a)));
        }
        Nf::Con(_, args) => out.extend(args.drain(..).filter(|a| !is_leaf(a))),
        Nf::Bound(_) | Nf::Free(_) | Nf::Int(_) | Nf::Float(_) => {}
    }
}

fn is_leaf(t: &Nf) -> bool {
    matches!(t, Nf::Bound(_) | Nf::Free(_) | Nf::Int(_) | Nf::Float(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lam(ids: &[u32], b: Nf) -> Nf {
        Nf::Lam(ids.to_vec(), Box::new(b))
    }
    fn app(h: Nf, args: Vec<Nf>) -> Nf {
        Nf::App(Box::new(h), args)
    }

    #[test]
    fn prints_language_examples() {
        assert_eq!(lam(&[7, 9], Nf::Bound(9)).to_string(), "λ a b. b");
        // λ f. f (λ x. x) (λ y z. y)
        let t = lam(&[0], app(Nf::Bound(0), vec![lam(&[1], Nf::Bound(1)), lam(&[2, 3], Nf::Bound(2))]));
        assert_eq!(t.to_string(), "λ a. a (λ b. b) (λ c d. c)");
        // nested runs merge
        assert_eq!(lam(&[1], lam(&[2], Nf::Bound(1))).to_string(), "λ a b. a");
    }

    #[test]
    fn prints_constructors_and_literals() {
        let l = Nf::Con(
            "Cons".into(),
            vec![Nf::Int(1), Nf::Con("Cons".into(), vec![Nf::Int(2), Nf::Con("Nil".into(), vec![])])],
        );
        assert_eq!(l.to_string(), "Cons 1 (Cons 2 Nil)");
        let c = Nf::Con(
            "P".into(),
            vec![
                Nf::Int(-3),
                Nf::Float(1.0),
                Nf::Float(-0.5),
                Nf::Float(f64::NAN),
                Nf::Float(f64::INFINITY),
                Nf::Float(1e100),
            ],
        );
        assert_eq!(c.to_string(), "P (-3) 1.0 (-0.5) NaN inf 1.0e100");
        assert_eq!(Nf::Float(f64::NEG_INFINITY).to_string(), "-inf");
        let a = app(
            Nf::Free("f".into()),
            vec![app(Nf::Free("g".into()), vec![Nf::Free("x".into())]), Nf::Free("y".into())],
        );
        assert_eq!(a.to_string(), "f (g x) y");
    }

    #[test]
    fn binder_names_past_z() {
        let ids: Vec<u32> = (0..28).collect();
        let t = lam(&ids, Nf::Bound(27));
        let s = t.to_string();
        assert!(s.starts_with("λ a b c"), "{s}");
        assert!(s.ends_with("z v26 v27. v27"), "{s}");
        assert_eq!(binder_name(26), "v26");
    }

    #[test]
    fn alpha_eq_cases() {
        let a = lam(&[1, 2], app(Nf::Bound(1), vec![Nf::Bound(2)]));
        let b = lam(&[5], lam(&[6], app(Nf::Bound(5), vec![Nf::Bound(6)])));
        let c = lam(&[5, 6], app(Nf::Bound(6), vec![Nf::Bound(5)]));
        assert!(a.alpha_eq(&b));
        assert!(!a.alpha_eq(&c));
        assert!(a.alpha_eq(&a.clone()));
        assert_eq!(a, a.clone());
        assert_ne!(a, b);
        let f1 = app(app(Nf::Free("f".into()), vec![Nf::Int(1)]), vec![Nf::Int(2)]);
        let f2 = app(Nf::Free("f".into()), vec![Nf::Int(1), Nf::Int(2)]);
        assert!(f1.alpha_eq(&f2));
        assert!(Nf::Float(f64::NAN).alpha_eq(&Nf::Float(f64::NAN)));
    }

    /// Church numeral n as a normal form, built iteratively.
    pub(crate) fn church(n: usize) -> Nf {
        let mut t = Nf::Bound(1);
        for _ in 0..n {
            t = app(Nf::Bound(0), vec![t]);
        }
        lam(&[0, 1], t)
    }

    #[test]
    fn deep_normal_forms_on_a_small_stack() {
        // Runs on a 2 MB thread explicitly, whatever the test harness uses.
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let n = 1_000_000;
                let t = church(n);
                let s = t.to_string();
                assert!(s.starts_with("λ a b. a (a (a "));
                assert_eq!(s.len(), "λ a b. ".len() + 4 * n - 1);
                let mut bytes = Vec::new();
                t.write_to(&mut bytes).unwrap();
                assert_eq!(bytes, s.as_bytes());
                let u = t.clone();
                assert!(t.alpha_eq(&u));
                assert!(t == u);
                assert_eq!(t.size(), 2 + 2 * n as u64 + 1);
                drop(t);
                drop(u);
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn binders_avoid_free_names() {
        let t = Nf::Lam(vec![7], Box::new(Nf::App(Box::new(Nf::Free("a".into())), vec![Nf::Bound(7)])));
        assert_eq!(t.to_string(), "λ b. a b");
    }
}
