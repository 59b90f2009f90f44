//! The Core text form: printing. [`print_module`] writes a module in the
//! syntax that [`super::parse::parse_module`] reads back; the syntax is
//! described there, with a full example.
//!
//! The printer is deterministic and never recurses on the depth of a term
//! (it runs an explicit work list; see Note [No recursion on term depth] in
//! `core/mod.rs`), so a chain of a million nested `let`s or applications
//! prints on a small stack. It does not panic on ill-formed modules either
//! (out-of-range ids print as names that do not parse back), so it can be
//! used to show what the verifier rejected.
//!
//! # Layout
//!
//! * Data declarations first, one per line, then a blank line, then the
//!   definitions separated by blank lines.
//! * After `def f =`, `\x.`, `->` and `let x =`, a `let`, `strict`,
//!   `letrec` or `case` starts on a new line, one level deeper than the
//!   enclosing form (a definition's body at two spaces); anything else
//!   follows on the same line.
//! * `let x = e in` ends a line; its body continues at the same indentation,
//!   so chains of lets do not drift right.
//! * Applications parenthesise arguments (and functions) that are not
//!   variables, globals, literals, constructor or primitive applications.
//! * Each `case` alternative is on its own line, indented one level deeper
//!   than the `case`, and ends with `,`.
//! * Everything else stays on one line. Indentation is capped at
//!   [`MAX_INDENT`] levels so that deeply nested cases stay linear in size.
//!
//! # Names
//!
//! Local binders are printed with names derived from their hints, unique in
//! the whole definition: the hint is sanitised (characters outside
//! `[A-Za-z0-9_']` become `_`, a leading digit or `'` gets a `v` prefix, an
//! empty hint becomes `v`), and if the result is taken or reserved (a
//! keyword, a primitive's or a constructor's name) the first free of
//! `name_1`, `name_2`, … is used. A name that is already unique and valid is
//! kept, so printing a parsed printout gives the same text.

use std::fmt::Write as _;

use super::ir::*;
use super::text::{is_prim_name, is_reserved_word, write_name, write_quoted, FxHashMap, FxHashSet};

/// Indentation stops growing after this many levels (two spaces each).
pub const MAX_INDENT: u32 = 40;

/// Print a whole module in the text form.
pub fn print_module(module: &Module) -> String {
    let mut out = String::new();
    for data in &module.datas {
        print_data(&mut out, data);
    }
    for (i, def) in module.defs.iter().enumerate() {
        if i > 0 || !module.datas.is_empty() {
            out.push('\n');
        }
        out.push_str("def ");
        write_name(&mut out, &def.name, true);
        out.push_str(" =");
        match &def.import {
            Some(import) => {
                out.push_str(" import ");
                write_quoted(&mut out, &import.krate, '"');
                out.push(' ');
                write_quoted(&mut out, &import.symbol, '"');
            }
            None => Printer::new(module, &mut out).run(Work::Block { e: &def.body, indent: 1 }),
        }
        out.push('\n');
    }
    out
}

/// Print one expression of `module` (binder names are made unique within
/// the expression; free variables are named after their hints).
pub fn print_expr(module: &Module, expr: &Expr) -> String {
    let mut out = String::new();
    Printer::new(module, &mut out).run(Work::Expr { e: expr, atom: false, indent: 0 });
    out
}

/// Print a representation, `value`, `i64` or `f64`.
pub fn print_rep(rep: Rep) -> &'static str {
    rep.name()
}

/// Print a literal: integers in decimal, floats with a `.` or an exponent,
/// `inf`, `-inf`, `nan` (the canonical quiet NaN) or `nan0x<bits>`.
pub fn print_lit(lit: Lit) -> String {
    let mut s = String::new();
    write_lit(&mut s, lit);
    s
}

fn write_lit(out: &mut String, lit: Lit) {
    match lit {
        Lit::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Lit::Float(x) if x.is_nan() => {
            if x.to_bits() == f64::NAN.to_bits() {
                out.push_str("nan");
            } else {
                let _ = write!(out, "{}{:x}", super::text::NAN_BITS_PREFIX, x.to_bits());
            }
        }
        Lit::Float(x) if x.is_infinite() => out.push_str(if x > 0.0 { "inf" } else { "-inf" }),
        // `{:?}` gives the shortest text that reads back to the same bits and
        // always has a `.` or an exponent (`1.0`, `-0.0`, `1e300`).
        Lit::Float(x) => {
            let _ = write!(out, "{x:?}");
        }
    }
}

/// A data declaration, as Core and Flat IR both print it.
pub(crate) fn print_data(out: &mut String, data: &DataDecl) {
    out.push_str("data ");
    write_name(out, &data.name, true);
    out.push_str(" {");
    for (i, con) in data.cons.iter().enumerate() {
        out.push_str(if i == 0 { " " } else { ", " });
        write_con_name(out, &con.name);
        if !con.fields.is_empty() {
            out.push('(');
            for (j, rep) in con.fields.iter().enumerate() {
                if j > 0 {
                    out.push_str(", ");
                }
                out.push_str(rep.name());
            }
            out.push(')');
        }
    }
    out.push_str(if data.cons.is_empty() { "}\n" } else { " }\n" });
}

/// Constructor names are bare unless they would read as a keyword or a
/// primitive.
fn write_con_name(out: &mut String, name: &str) {
    write_name(out, name, !is_prim_name(name));
}

/// Forms printed over several lines: a definition starts them on a new line.
fn is_block(e: &Expr) -> bool {
    matches!(e, Expr::Let(..) | Expr::LetStrict(..) | Expr::LetRec(..) | Expr::Case(..))
}

/// Forms printed without parentheses as a function or an argument (`free`,
/// `error` and `str` would parse without them too, but read badly).
fn is_atomic(e: &Expr) -> bool {
    matches!(e, Expr::Var(_) | Expr::Global(_) | Expr::Lit(_) | Expr::Con(..) | Expr::Prim(..))
}

/// One item of the printer's work list.
enum Work<'a> {
    /// Print an expression; `atom` asks for parentheses around non-atomic forms.
    Expr {
        e: &'a Expr,
        atom: bool,
        indent: u32,
    },
    Text(&'static str),
    Newline(u32),
    /// Print a binder with its name and, unless `Value`, its representation.
    Binder(VarId),
    /// Name the binders of a `letrec` before any of its expressions.
    NameAll(&'a [(VarId, Expr)]),
    Pat(&'a Pat),
    /// An expression after `=`, `.`, `->` or `in`: on the same line after a
    /// space, or, for a let, strict, letrec or case, on a new line.
    Block {
        e: &'a Expr,
        indent: u32,
    },
}

struct Printer<'m, 'o> {
    module: &'m Module,
    out: &'o mut String,
    /// The printed name of each variable, indexed by `VarId` (out-of-range
    /// ids are named too, in `other_names`).
    names: Vec<Option<String>>,
    other_names: FxHashMap<VarId, String>,
    taken: FxHashSet<String>,
    /// The next suffix to try for each sanitised hint, so that a million
    /// binders named `x` do not take quadratic time.
    next_suffix: FxHashMap<String, u32>,
    con_names: FxHashSet<&'m str>,
}

impl<'m, 'o> Printer<'m, 'o> {
    fn new(module: &'m Module, out: &'o mut String) -> Self {
        let con_names = module.datas.iter().flat_map(|d| d.cons.iter().map(|c| c.name.as_str())).collect();
        Printer {
            module,
            out,
            names: vec![None; module.vars.len()],
            other_names: FxHashMap::default(),
            taken: FxHashSet::default(),
            next_suffix: FxHashMap::default(),
            con_names,
        }
    }

    fn newline(&mut self, indent: u32) {
        self.out.push('\n');
        for _ in 0..indent.min(MAX_INDENT) {
            self.out.push_str("  ");
        }
    }

    fn is_free_name(&self, s: &str) -> bool {
        !self.taken.contains(s) && !is_reserved_word(s) && !is_prim_name(s) && !self.con_names.contains(s)
    }

    fn lookup(&self, v: VarId) -> Option<&str> {
        match self.names.get(v.index()) {
            Some(slot) => slot.as_deref(),
            None => self.other_names.get(&v).map(String::as_str),
        }
    }

    /// Choose the printed name of `v` on first sight.
    fn name(&mut self, v: VarId) {
        if self.lookup(v).is_some() {
            return;
        }
        let hint = match self.module.vars.get(v.index()) {
            Some(info) => sanitise(&info.name),
            None => format!("v{}", v.0),
        };
        let name = if self.is_free_name(&hint) {
            hint
        } else {
            let mut n = self.next_suffix.get(&hint).copied().unwrap_or(1);
            let mut candidate = format!("{hint}_{n}");
            while !self.is_free_name(&candidate) {
                n += 1;
                candidate = format!("{hint}_{n}");
            }
            self.next_suffix.insert(hint, n + 1);
            candidate
        };
        self.taken.insert(name.clone());
        match self.names.get_mut(v.index()) {
            Some(slot) => *slot = Some(name),
            None => {
                self.other_names.insert(v, name);
            }
        }
    }

    fn write_var(&mut self, v: VarId) {
        self.name(v);
        let name = match self.names.get(v.index()) {
            Some(slot) => slot.as_deref(),
            None => self.other_names.get(&v).map(String::as_str),
        };
        self.out.push_str(name.unwrap_or("?"));
    }

    fn write_binder(&mut self, v: VarId) {
        self.write_var(v);
        let rep = self.module.vars.get(v.index()).map_or(Rep::Value, |info| info.rep);
        if rep != Rep::Value {
            self.out.push_str(": ");
            self.out.push_str(rep.name());
        }
    }

    fn write_con(&mut self, c: ConRef) {
        match self.module.datas.get(c.data.index()).and_then(|d| d.cons.get(c.tag as usize)) {
            Some(con) => write_con_name(self.out, &con.name),
            None => {
                let _ = write!(self.out, "<bad constructor {}#{}>", c.data, c.tag);
            }
        }
    }

    fn write_global(&mut self, g: GlobalId) {
        self.out.push('@');
        match self.module.defs.get(g.index()) {
            Some(def) => write_name(self.out, &def.name, true),
            None => {
                let _ = write!(self.out, "<bad global {g}>");
            }
        }
    }

    fn run(&mut self, root: Work<'_>) {
        let mut work = vec![root];
        while let Some(item) = work.pop() {
            match item {
                Work::Text(s) => self.out.push_str(s),
                Work::Newline(i) => self.newline(i),
                Work::Binder(v) => self.write_binder(v),
                Work::NameAll(binds) => {
                    for (v, _) in binds {
                        self.name(*v);
                    }
                }
                Work::Pat(Pat::Lit(l)) => write_lit(self.out, *l),
                Work::Pat(Pat::Con(c, vs)) => {
                    self.write_con(*c);
                    if !vs.is_empty() {
                        self.out.push('(');
                        for (i, v) in vs.iter().enumerate() {
                            if i > 0 {
                                self.out.push_str(", ");
                            }
                            self.write_binder(*v);
                        }
                        self.out.push(')');
                    }
                }
                Work::Block { e, indent } => {
                    if is_block(e) {
                        self.newline(indent);
                    } else {
                        self.out.push(' ');
                    }
                    work.push(Work::Expr { e, atom: false, indent });
                }
                Work::Expr { e, atom, indent } => {
                    if atom && !is_atomic(e) {
                        self.out.push('(');
                        work.push(Work::Text(")"));
                        work.push(Work::Expr { e, atom: false, indent });
                        continue;
                    }
                    self.expr(e, indent, &mut work);
                }
            }
        }
    }

    /// Print the head of `e` and push the rest onto `work` (in reverse).
    fn expr<'a>(&mut self, e: &'a Expr, indent: u32, work: &mut Vec<Work<'a>>) {
        match e {
            Expr::Var(v) => self.write_var(*v),
            Expr::Global(g) => self.write_global(*g),
            Expr::Lit(l) => write_lit(self.out, *l),
            Expr::Str(s) => {
                self.out.push_str("str[");
                self.write_con(s.nil);
                self.out.push_str(", ");
                self.write_con(s.cons);
                self.out.push_str(", ");
                self.write_con(s.chr);
                self.out.push_str("] ");
                write_quoted(self.out, &s.text, '"');
            }
            Expr::Free(name) => {
                self.out.push_str("free ");
                write_quoted(self.out, name, '"');
            }
            Expr::Error { rep, msg, loc } => {
                self.out.push_str("error[");
                self.out.push_str(rep.name());
                self.out.push_str("] ");
                write_quoted(self.out, msg, '"');
                if let Some(loc) = loc {
                    self.out.push_str(" @ ");
                    write_quoted(self.out, loc, '"');
                }
            }
            Expr::Lam(params, body) => {
                self.out.push('\\');
                for (i, v) in params.iter().enumerate() {
                    if i > 0 {
                        self.out.push(' ');
                    }
                    self.write_binder(*v);
                }
                self.out.push('.');
                work.push(Work::Block { e: body, indent });
            }
            Expr::App(f, args) => {
                for a in args.iter().rev() {
                    work.push(Work::Expr { e: a, atom: true, indent });
                    work.push(Work::Text(" "));
                }
                work.push(Work::Expr { e: f, atom: true, indent });
            }
            Expr::Let(x, bound, body) => {
                self.out.push_str("let ");
                self.write_binder(*x);
                self.out.push_str(" =");
                work.push(Work::Expr { e: body, atom: false, indent });
                work.push(Work::Newline(indent));
                work.push(Work::Text(" in"));
                work.push(Work::Block { e: bound, indent: indent + 1 });
            }
            Expr::LetStrict(xs, bound, body) => {
                self.out.push_str("strict ");
                if xs.len() == 1 {
                    self.write_binder(xs[0]);
                } else {
                    self.out.push('(');
                    for (i, v) in xs.iter().enumerate() {
                        if i > 0 {
                            self.out.push_str(", ");
                        }
                        self.write_binder(*v);
                    }
                    self.out.push(')');
                }
                self.out.push_str(" =");
                work.push(Work::Expr { e: body, atom: false, indent });
                work.push(Work::Newline(indent));
                work.push(Work::Text(" in"));
                work.push(Work::Block { e: bound, indent: indent + 1 });
            }
            Expr::LetRec(binds, body) => {
                self.out.push_str("letrec ");
                work.push(Work::Expr { e: body, atom: false, indent });
                work.push(Work::Newline(indent));
                work.push(Work::Text(" in"));
                for (i, (v, bound)) in binds.iter().enumerate().rev() {
                    work.push(Work::Block { e: bound, indent: indent + 2 });
                    work.push(Work::Text(" ="));
                    work.push(Work::Binder(*v));
                    if i > 0 {
                        work.push(Work::Newline(indent + 1));
                        work.push(Work::Text(","));
                    }
                }
                work.push(Work::NameAll(binds));
            }
            Expr::Case(c) => {
                self.out.push_str("case ");
                if c.alts.is_empty() && c.default.is_none() {
                    work.push(Work::Text(" {}"));
                } else {
                    work.push(Work::Text("}"));
                    work.push(Work::Newline(indent));
                    if let Some(d) = &c.default {
                        work.push(Work::Text(","));
                        work.push(Work::Block { e: d, indent: indent + 2 });
                        work.push(Work::Text("_ ->"));
                        work.push(Work::Newline(indent + 1));
                    }
                    for alt in c.alts.iter().rev() {
                        work.push(Work::Text(","));
                        work.push(Work::Block { e: &alt.body, indent: indent + 2 });
                        work.push(Work::Text(" ->"));
                        work.push(Work::Pat(&alt.pat));
                        work.push(Work::Newline(indent + 1));
                    }
                    work.push(Work::Text(" {"));
                }
                work.push(Work::Binder(c.binder));
                work.push(Work::Text(" as "));
                work.push(Work::Expr { e: &c.scrut, atom: false, indent: indent + 1 });
            }
            Expr::Con(c, args) => {
                self.write_con(*c);
                if !args.is_empty() {
                    self.out.push('(');
                    push_args(work, args, indent);
                }
            }
            Expr::Prim(op, args) => {
                self.out.push_str(op.name());
                self.out.push('(');
                push_args(work, args, indent);
            }
        }
    }
}

/// Push `a, b, c)` for an argument list whose `(` is already printed.
fn push_args<'a>(work: &mut Vec<Work<'a>>, args: &'a [Expr], indent: u32) {
    work.push(Work::Text(")"));
    for (i, a) in args.iter().enumerate().rev() {
        work.push(Work::Expr { e: a, atom: false, indent: indent + 1 });
        if i > 0 {
            work.push(Work::Text(", "));
        }
    }
}

/// Turn a hint into a valid bare name (not yet checked for clashes).
fn sanitise(hint: &str) -> String {
    let mut s: String = hint.chars().map(|c| if super::text::is_ident_continue(c) { c } else { '_' }).collect();
    match s.chars().next() {
        None => s.push('v'),
        Some(c) if !super::text::is_ident_start(c) => s.insert(0, 'v'),
        Some(_) => {}
    }
    if s.starts_with(super::text::NAN_BITS_PREFIX) {
        s.insert_str(0, "v_");
    }
    s
}
