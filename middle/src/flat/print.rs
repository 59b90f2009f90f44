//! The Flat IR text form: a readable, deterministic printout (there is no
//! parser; tests compare printouts and build modules through the types).
//!
//! ```text
//! data List { Nil, Cons(value, value) }
//!
//! global @main = caf %main
//!
//! code %main thunk {
//!   let y = thunk %main.thunk1
//!   enter @f(y)
//! }
//!
//! code %main.lam1 fun(x) env(y, n: i64) {
//!   let t = thunk %main.thunk2(y),
//!       cons = con Cons(x, t)
//!   return cons
//! }
//! ```
//!
//! * Data declarations as in Core, then one `global @name = fun|caf %code`
//!   line per global, then the codes in [`CodeId`] order separated by blank
//!   lines: `code %name fun(params) env(vars) {` or `code %name thunk
//!   env(vars) {` (no `env(...)` when it is empty), the body indented, `}`.
//! * Binders (parameters, environment variables, `let`, `strict` and
//!   pattern binders) show their representation unless it is `value`.
//! * `let a = ALLOC, b = ALLOC` is one allocation group, one allocation per
//!   line; `ALLOC` is `con C(atoms)`, `fun %code(env atoms)`, `thunk
//!   %code(env atoms)` (the code's kind) or `str[Nil, Cons, C] "text"`.
//! * `strict x = FIRST` then the continuation on the next line; `FIRST` is
//!   inline when it is a terminal or a case, else a `{ ... }` block.
//! * Terminals: `return a`, `enter f` (no arguments), `enter f(a, b)`,
//!   `prim(a, b)`, `error[rep] "msg" @ "loc"`, and `case a { PAT -> ... }`
//!   with one alternative per line (a `{ ... }` block when it is not a
//!   terminal or a case).
//! * Atoms: variable names, `@global`, literals as Core prints them,
//!   `free "name"`.
//!
//! Variable names come from their hints, made valid (characters outside
//! `[A-Za-z0-9_']` become `_`, a leading digit or `'` gets a `v`) and
//! unique within each code (`x`, `x_1`, `x_2`, … in order of first
//! appearance). Names of globals and codes are bare when they consist of
//! `[A-Za-z0-9_.']`, else quoted with backticks. Out-of-range ids print as
//! `<bad ...>`, so ill-formed modules print too. The printer uses a work
//! list (no recursion on depth) and caps indentation at [`MAX_INDENT`].

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use super::ir::*;
use crate::core::print::{print_data, print_lit};
use crate::core::text::write_quoted;

/// Indentation stops growing after this many levels (two spaces each).
pub const MAX_INDENT: u32 = 40;

/// Print a whole module.
pub fn print_module(m: &Module) -> String {
    let mut out = String::new();
    for data in &m.datas {
        print_data(&mut out, data);
    }
    let has_rest = !m.globals.is_empty() || !m.codes.is_empty();
    if !m.datas.is_empty() && has_rest {
        out.push('\n');
    }
    for g in &m.globals {
        out.push_str("global @");
        write_name(&mut out, &g.name);
        let (kind, code) = match g.kind {
            GlobalKind::Fun(c) => ("fun", c),
            GlobalKind::Caf(c) => ("caf", c),
            GlobalKind::Import(i) => {
                match m.imports.get(i.index()) {
                    Some(import) => {
                        let _ = write!(out, " = import {:?} {:?}\n", import.krate, import.symbol);
                    }
                    None => {
                        let _ = write!(out, " = import ?{}\n", i.0);
                    }
                }
                continue;
            }
        };
        let _ = write!(out, " = {kind} ");
        write_code_ref(&mut out, m, code);
        out.push('\n');
    }
    for (i, code) in m.codes.iter().enumerate() {
        if i > 0 || !m.globals.is_empty() {
            out.push('\n');
        }
        print_code(&mut out, m, code);
    }
    out
}

/// Print one code.
pub fn print_code(out: &mut String, m: &Module, code: &Code) {
    let mut p = Printer { m, out, names: HashMap::new(), taken: HashSet::new(), next: HashMap::new() };
    p.out.push_str("code %");
    write_name(p.out, &code.name);
    match &code.kind {
        CodeKind::Fun { params } => {
            p.out.push_str(" fun(");
            p.binders(params);
            p.out.push(')');
        }
        CodeKind::Thunk => p.out.push_str(" thunk"),
    }
    if !code.env.is_empty() {
        p.out.push_str(" env(");
        p.binders(&code.env);
        p.out.push(')');
    }
    p.out.push_str(" {");
    p.newline(1);
    p.run(&code.body, 1);
    p.out.push_str("\n}\n");
}

fn is_plain(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '\'')
}

/// A global, code or constructor name: bare when plain, else in backticks.
fn write_name(out: &mut String, s: &str) {
    if is_plain(s) {
        out.push_str(s);
    } else {
        write_quoted(out, s, '`');
    }
}

fn write_code_ref(out: &mut String, m: &Module, c: CodeId) {
    out.push('%');
    match m.code(c) {
        Some(code) => write_name(out, &code.name),
        None => {
            let _ = write!(out, "<bad code {c}>");
        }
    }
}

fn sanitise(hint: &str) -> String {
    let mut s: String =
        hint.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '\'' { c } else { '_' }).collect();
    match s.chars().next() {
        None => s.push('v'),
        Some(c) if !(c.is_ascii_alphabetic() || c == '_') => s.insert(0, 'v'),
        Some(_) => {}
    }
    s
}

/// Terminals print on one line.
fn is_inline(b: &Body) -> bool {
    matches!(b, Body::Prim(..) | Body::Enter(..) | Body::Return(_) | Body::Error { .. })
}

enum Work<'a> {
    Body(&'a Body, u32),
    /// A sub-body after `=` or `->`: inline, or a `{ ... }` block.
    Arm(&'a Body, u32),
    Text(&'static str),
    Newline(u32),
    Pat(&'a Pat),
}

struct Printer<'m, 'o> {
    m: &'m Module,
    out: &'o mut String,
    names: HashMap<VarId, String>,
    taken: HashSet<String>,
    next: HashMap<String, u32>,
}

impl Printer<'_, '_> {
    fn newline(&mut self, indent: u32) {
        self.out.push('\n');
        for _ in 0..indent.min(MAX_INDENT) {
            self.out.push_str("  ");
        }
    }

    fn write_var(&mut self, v: VarId) {
        if !self.names.contains_key(&v) {
            let hint = match self.m.var(v) {
                Some(info) => sanitise(&info.name),
                None => format!("<bad {v}>"),
            };
            let name = if self.taken.contains(&hint) {
                let mut n = self.next.get(&hint).copied().unwrap_or(1);
                let mut cand = format!("{hint}_{n}");
                while self.taken.contains(&cand) {
                    n += 1;
                    cand = format!("{hint}_{n}");
                }
                self.next.insert(hint, n + 1);
                cand
            } else {
                hint
            };
            self.taken.insert(name.clone());
            self.names.insert(v, name);
        }
        if let Some(name) = self.names.get(&v) {
            self.out.push_str(name);
        }
    }

    fn binder(&mut self, v: VarId) {
        self.write_var(v);
        if let Some(info) = self.m.var(v) {
            if info.rep != Rep::Value {
                self.out.push_str(": ");
                self.out.push_str(info.rep.name());
            }
        }
    }

    fn binders(&mut self, vs: &[VarId]) {
        for (i, v) in vs.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.binder(*v);
        }
    }

    fn atom(&mut self, a: &Atom) {
        match a {
            Atom::Var(v) => self.write_var(*v),
            Atom::Global(g) => {
                self.out.push('@');
                match self.m.global(*g) {
                    Some(gl) => write_name(self.out, &gl.name),
                    None => {
                        let _ = write!(self.out, "<bad global {g}>");
                    }
                }
            }
            Atom::Lit(l) => self.out.push_str(&print_lit(*l)),
            Atom::Free(name) => {
                self.out.push_str("free ");
                write_quoted(self.out, name, '"');
            }
        }
    }

    /// `(a, b)`, or nothing when empty and `omit_empty`.
    fn args(&mut self, args: &[Atom], omit_empty: bool) {
        if args.is_empty() && omit_empty {
            return;
        }
        self.out.push('(');
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.atom(a);
        }
        self.out.push(')');
    }

    fn con(&mut self, c: ConRef) {
        match self.m.con(c) {
            Some(decl) => write_name(self.out, &decl.name),
            None => {
                let _ = write!(self.out, "<bad constructor {}#{}>", c.data, c.tag);
            }
        }
    }

    fn alloc(&mut self, a: &Alloc) {
        match a {
            Alloc::Closure { code, env } => {
                let kind = match self.m.code(*code).map(|c| &c.kind) {
                    Some(CodeKind::Fun { .. }) => "fun ",
                    Some(CodeKind::Thunk) => "thunk ",
                    None => "closure ",
                };
                self.out.push_str(kind);
                write_code_ref(self.out, self.m, *code);
                self.args(env, true);
            }
            Alloc::Con { con, fields } => {
                self.out.push_str("con ");
                self.con(*con);
                self.args(fields, true);
            }
            Alloc::Str(s) => {
                self.out.push_str("str[");
                self.con(s.nil);
                self.out.push_str(", ");
                self.con(s.cons);
                self.out.push_str(", ");
                self.con(s.chr);
                self.out.push_str("] ");
                write_quoted(self.out, &s.text, '"');
            }
        }
    }

    fn run(&mut self, root: &Body, indent: u32) {
        let mut work = vec![Work::Body(root, indent)];
        while let Some(w) = work.pop() {
            match w {
                Work::Text(s) => self.out.push_str(s),
                Work::Newline(i) => self.newline(i),
                Work::Pat(Pat::Lit(l)) => self.out.push_str(&print_lit(*l)),
                Work::Pat(Pat::Con(c, vs)) => {
                    self.con(*c);
                    if !vs.is_empty() {
                        self.out.push('(');
                        self.binders(vs);
                        self.out.push(')');
                    }
                }
                Work::Arm(b, indent) => {
                    if is_inline(b) || matches!(b, Body::Case(_)) {
                        work.push(Work::Body(b, indent));
                    } else {
                        self.out.push('{');
                        work.push(Work::Text("}"));
                        work.push(Work::Newline(indent));
                        work.push(Work::Body(b, indent + 1));
                        work.push(Work::Newline(indent + 1));
                    }
                }
                Work::Body(b, indent) => self.body(b, indent, &mut work),
            }
        }
    }

    /// Print the head of `b`, push the rest onto `work` (in reverse).
    fn body<'a>(&mut self, b: &'a Body, indent: u32, work: &mut Vec<Work<'a>>) {
        match b {
            Body::Let(group, k) => {
                self.out.push_str("let ");
                for (i, (v, a)) in group.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                        self.newline(indent);
                        self.out.push_str("    ");
                    }
                    self.binder(*v);
                    self.out.push_str(" = ");
                    self.alloc(a);
                }
                work.push(Work::Body(k, indent));
                work.push(Work::Newline(indent));
            }
            Body::Strict(xs, first, k) => {
                self.out.push_str("strict ");
                if xs.len() == 1 {
                    self.binders(xs);
                } else {
                    self.out.push('(');
                    self.binders(xs);
                    self.out.push(')');
                }
                self.out.push_str(" = ");
                work.push(Work::Body(k, indent));
                work.push(Work::Newline(indent));
                work.push(Work::Arm(first, indent));
            }
            Body::Case(c) => {
                self.out.push_str("case ");
                self.atom(&c.scrut);
                self.out.push_str(" {");
                work.push(Work::Text("}"));
                work.push(Work::Newline(indent));
                if let Some(d) = &c.default {
                    work.push(Work::Arm(d, indent + 1));
                    work.push(Work::Text("_ -> "));
                    work.push(Work::Newline(indent + 1));
                }
                for (pat, alt) in c.alts.iter().rev() {
                    work.push(Work::Arm(alt, indent + 1));
                    work.push(Work::Text(" -> "));
                    work.push(Work::Pat(pat));
                    work.push(Work::Newline(indent + 1));
                }
            }
            Body::Prim(op, args) => {
                self.out.push_str(op.name());
                self.args(args, false);
            }
            Body::Enter(f, args) => {
                self.out.push_str("enter ");
                self.atom(f);
                self.args(args, true);
            }
            Body::Return(a) => {
                self.out.push_str("return ");
                self.atom(a);
            }
            Body::Error { rep, msg, loc } => {
                let _ = write!(self.out, "error[{}] ", rep.name());
                write_quoted(self.out, msg, '"');
                if let Some(loc) = loc {
                    self.out.push_str(" @ ");
                    write_quoted(self.out, loc, '"');
                }
            }
        }
    }
}
