//! The module-level part of code generation: symbols, static objects,
//! constructor entries, string literals, the `lull_program` table, and one
//! LLVM function per Flat [`Code`] (whose body [`super::body`] emits).
//!
//! The output is LLVM IR text; see Note [Why the back end writes LLVM IR
//! text] in `codegen/mod.rs`.

use std::collections::HashMap;
use std::fmt::Write;

use lull_middle::flat::ir::{self as flat, Alloc, Code, CodeKind, ConRef, GlobalKind, Rep};

use super::body::FnEmitter;
use super::Program;
use crate::layout::{
    service_offset, Tag, ENTRY_SYMBOL, MIN_OBJECT_WORDS, PROC_OFFSET_NURSERY_LO, PROC_OFFSET_NURSERY_SIZE,
    PROC_OFFSET_SVC, SERVICES_SIZE, SERVICES_VERSION,
};
use crate::Error;

/// The LLVM type of a value of representation `rep`.
pub(crate) fn llvm_type(rep: Rep) -> &'static str {
    match rep {
        Rep::Value => "ptr addrspace(1)",
        Rep::Int64 => "i64",
        Rep::Float64 => "double",
    }
}

/// A static object's address as a GC-pointer constant. The `inttoptr` form
/// is what the statepoint rewriter takes as a base (see ARCHITECTURE.md).
pub(crate) fn gc_const(sym: &str) -> String {
    format!("inttoptr (i64 ptrtoint (ptr {sym} to i64) to ptr addrspace(1))")
}

/// `@"..."` with every byte outside `[A-Za-z0-9._]` replaced by `_`.
fn symbol(parts: &str) -> String {
    let clean: String =
        parts.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '_' { c } else { '_' }).collect();
    format!("@\"{clean}\"")
}

/// An LLVM string constant body: `c"..."` with escapes.
pub(crate) fn c_string(bytes: &[u8]) -> String {
    let mut s = String::from("c\"");
    for &b in bytes {
        if (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' {
            s.push(b as char);
        } else {
            let _ = write!(s, "\\{b:02X}");
        }
    }
    s.push('"');
    s
}

/// Defines `sym` as a private NUL-terminated string constant holding `text`.
fn c_string_constant(out: &mut String, sym: &str, text: &str) {
    let mut bytes = text.as_bytes().to_vec();
    bytes.push(0);
    let _ = writeln!(out, "{sym} = private unnamed_addr constant [{} x i8] {}", bytes.len(), c_string(&bytes));
}

/// The word layout of a constructor: for each source field, its content
/// word index (1-based; pointers first).
pub(crate) fn con_layout(fields: &[Rep]) -> Vec<usize> {
    let mut words = vec![0; fields.len()];
    let mut next = 1;
    for pass_values in [true, false] {
        for (i, r) in fields.iter().enumerate() {
            if (*r == Rep::Value) == pass_values {
                words[i] = next;
                next += 1;
            }
        }
    }
    words
}

/// Object size in words for `content` content words.
pub(crate) fn object_words(content: usize) -> usize {
    (1 + content).max(MIN_OBJECT_WORDS as usize)
}

/// Per-module naming and the module-level text.
pub(crate) struct ModuleEmitter<'a> {
    pub(crate) m: &'a flat::Module,
    /// `m0`, `m1`, ...: keeps the symbols of several modules apart.
    pub(crate) prefix: String,
    /// Global data (static objects, strings, descriptors).
    pub(crate) data: String,
    /// Functions.
    pub(crate) funcs: String,
    frees: HashMap<String, String>,
    strings: usize,
    /// Entries carry the stack checks of spawned procs ([`stack_checks`]).
    pub(crate) stack_checks: bool,
}

impl<'a> ModuleEmitter<'a> {
    pub(crate) fn new(m: &'a flat::Module, index: usize) -> Self {
        ModuleEmitter {
            m,
            prefix: format!("m{index}"),
            data: String::new(),
            funcs: String::new(),
            frees: HashMap::new(),
            strings: 0,
            stack_checks: true,
        }
    }

    pub(crate) fn code_sym(&self, c: flat::CodeId) -> String {
        let name = self.m.code(c).map_or("?", |c| c.name.as_str());
        symbol(&format!("{}.c{}.{}", self.prefix, c.0, name))
    }

    pub(crate) fn global_sym(&self, g: flat::GlobalId) -> String {
        let name = self.m.global(g).map_or("?", |g| g.name.as_str());
        symbol(&format!("{}.g{}.{}", self.prefix, g.0, name))
    }

    /// The module's import table: one slot per [`flat::Module::imports`].
    pub(crate) fn imports_sym(&self) -> String {
        symbol(&format!("{}.imports", self.prefix))
    }

    pub(crate) fn con_entry_sym(&self, c: ConRef) -> String {
        let name = self.m.con(c).map_or("?", |c| c.name.as_str());
        symbol(&format!("{}.k{}.{}.{}", self.prefix, c.data.0, c.tag, name))
    }

    pub(crate) fn con_static_sym(&self, c: ConRef) -> String {
        let name = self.m.con(c).map_or("?", |c| c.name.as_str());
        symbol(&format!("{}.kk{}.{}.{}", self.prefix, c.data.0, c.tag, name))
    }

    /// The static closure of a FUN code with an empty environment (such a
    /// closure never needs allocating: every instance would be the same).
    pub(crate) fn closed_fun_sym(&self, c: flat::CodeId) -> String {
        let name = self.m.code(c).map_or("?", |c| c.name.as_str());
        symbol(&format!("{}.s{}.{}", self.prefix, c.0, name))
    }

    /// Is `c` a FUN code with an empty environment?
    pub(crate) fn is_closed_fun(&self, c: flat::CodeId) -> bool {
        self.m.code(c).is_some_and(|c| c.env.is_empty() && matches!(c.kind, CodeKind::Fun { .. }))
    }

    /// The static RIGID object of free variable `name`, created on first use.
    pub(crate) fn free_sym(&mut self, name: &str) -> String {
        if let Some(s) = self.frees.get(name) {
            return s.clone();
        }
        let n = self.frees.len();
        let sym = symbol(&format!("{}.free{n}", self.prefix));
        let name_sym = symbol(&format!("{}.freename{n}", self.prefix));
        let mut bytes = name.as_bytes().to_vec();
        bytes.push(0);
        let _ = writeln!(
            self.data,
            "{name_sym} = private unnamed_addr constant [{} x i8] {}, align 2",
            bytes.len(),
            c_string(&bytes)
        );
        let _ = writeln!(
            self.data,
            "{sym} = internal global {{ ptr, i64, ptr, ptr }} {{ ptr @lull_rigid_entry, i64 4, ptr {name_sym}, ptr null }}, align 8"
        );
        self.frees.insert(name.to_string(), sym.clone());
        sym
    }

    /// The descriptor of a string literal (see `struct lull_str_desc`).
    pub(crate) fn string_desc(&mut self, s: &flat::StrLit) -> Result<String, Error> {
        let n = self.strings;
        self.strings += 1;
        let bytes_sym = symbol(&format!("{}.str{n}", self.prefix));
        let desc_sym = symbol(&format!("{}.strdesc{n}", self.prefix));
        let bytes = s.text.as_bytes();
        let _ = writeln!(
            self.data,
            "{bytes_sym} = private unnamed_addr constant [{} x i8] {}",
            bytes.len(),
            c_string(bytes)
        );
        for c in [s.nil, s.cons, s.chr] {
            if self.m.con(c).is_none() {
                return Err(Error::Emit(format!("string literal names an unknown constructor {c:?}")));
            }
        }
        let _ = writeln!(
            self.data,
            "{desc_sym} = internal constant {{ ptr, i64, ptr, ptr, ptr, ptr }} {{ ptr {bytes_sym}, i64 {}, ptr {}, ptr {}, ptr {}, ptr {} }}",
            bytes.len(),
            self.con_entry_sym(s.nil),
            self.con_entry_sym(s.cons),
            self.con_entry_sym(s.chr),
            self.con_static_sym(s.nil),
        );
        Ok(desc_sym)
    }

    /// Emit this module's share of part `part` of `parts` (Note [Parts]):
    /// the first part has the module-level objects (constructor entries,
    /// static objects), each part every `parts`-th code, and every part
    /// declares what it uses from the others. Returns the constructor
    /// descriptor initialisers for the program table (first part only).
    pub(crate) fn emit(&mut self, part: usize, parts: usize) -> Result<Vec<String>, Error> {
        let mut descs = Vec::new();
        for (d, data) in self.m.datas.iter().enumerate() {
            for (t, con) in data.cons.iter().enumerate() {
                let c = ConRef { data: flat::DataId(d as u32), tag: t as u32 };
                if part == 0 {
                    descs.push(self.emit_con(c, con)?);
                } else {
                    let _ =
                        writeln!(self.data, "declare hidden ghccc %lull.ret {}({ENTRY_TYPES})", self.con_entry_sym(c));
                    if con.fields.is_empty() {
                        self.declare_static(&self.con_static_sym(c));
                    }
                }
            }
        }
        if !self.m.imports.is_empty() {
            let (table, n) = (self.imports_sym(), self.m.imports.len());
            if part == 0 {
                let _ = writeln!(self.data, "{table} = hidden global [{n} x ptr] zeroinitializer, align 8");
            } else {
                let _ = writeln!(self.data, "{table} = external hidden global [{n} x ptr], align 8");
            }
        }
        for (g, global) in self.m.globals.iter().enumerate() {
            let g = flat::GlobalId(g as u32);
            let Some(code) = global.kind.code() else { continue };
            if part == 0 {
                self.define_static(&self.global_sym(g), &self.code_sym(code));
            } else {
                self.declare_static(&self.global_sym(g));
            }
        }
        for c in 0..self.m.codes.len() {
            let c = flat::CodeId(c as u32);
            if self.is_closed_fun(c) {
                if part == 0 {
                    self.define_static(&self.closed_fun_sym(c), &self.code_sym(c));
                } else {
                    self.declare_static(&self.closed_fun_sym(c));
                }
            }
            if c.index() % parts == part {
                self.emit_code(c)?;
            } else {
                let _ = writeln!(self.data, "declare hidden ghccc %lull.ret {}({ENTRY_TYPES})", self.code_sym(c));
            }
        }
        Ok(descs)
    }

    /// A static two-word object `[entry, 0]` (see Note [Objects the runtime
    /// knows] in `rt/include/lull_rt.h`).
    fn define_static(&mut self, sym: &str, entry: &str) {
        let _ = writeln!(self.data, "{sym} = hidden global [2 x ptr] [ptr {entry}, ptr null], align 8");
    }

    fn declare_static(&mut self, sym: &str) {
        let _ = writeln!(self.data, "{sym} = external hidden global [2 x ptr], align 8");
    }

    /// The split-stack attribute of an entry, when it checks its stacks.
    fn split_attr(&self) -> &'static str {
        if self.stack_checks {
            "\"split-stack\" "
        } else {
            ""
        }
    }

    fn emit_con(&mut self, c: ConRef, con: &flat::ConDecl) -> Result<String, Error> {
        let ss = self.split_attr();
        let entry = self.con_entry_sym(c);
        let size = object_words(con.fields.len());
        // Padding words count as non-pointers (Note [Objects the runtime knows]).
        let nptrs = con.fields.iter().filter(|r| **r != Rep::Value).count() + (size - 1 - con.fields.len());
        let _ = writeln!(
            self.funcs,
            "define hidden ghccc %lull.ret {entry}({}) {ss}align 16 gc \"statepoint-example\" prefix [4 x i32] [i32 {}, i32 {nptrs}, i32 {size}, i32 {}] {{\n\
             \x20 %z = icmp eq i64 %argc, 0\n\
             \x20 br i1 %z, label %whnf, label %bad\n\
             whnf:\n\
             \x20 %sv = ptrtoint ptr addrspace(1) %self to i64\n\
             \x20 %w0 = insertvalue %lull.ret undef, ptr %hp, 0\n\
             \x20 %w1 = insertvalue %lull.ret %w0, ptr %sp, 1\n\
             \x20 %w2 = insertvalue %lull.ret %w1, i64 %sv, 2\n\
             \x20 ret %lull.ret %w2\n\
             bad:\n\
             \x20 $service %bad_apply bad_apply\n\
             \x20 call void %bad_apply(ptr %proc, ptr addrspace(1) %self) #1\n\
             \x20 unreachable\n\
             }}\n",
            ENTRY_PARAMS,
            c.tag,
            Tag::Con as u32
        );
        if con.fields.is_empty() {
            self.define_static(&self.con_static_sym(c), &entry);
        }
        let n = format!("{}.{}.{}", self.prefix, c.data.0, c.tag);
        let name_sym = symbol(&format!("{n}.name"));
        let kinds_sym = symbol(&format!("{n}.kinds"));
        let mut name = con.name.as_bytes().to_vec();
        name.push(0);
        let _ =
            writeln!(self.data, "{name_sym} = private unnamed_addr constant [{} x i8] {}", name.len(), c_string(&name));
        let kinds: Vec<String> = con
            .fields
            .iter()
            .map(|r| match r {
                Rep::Value => "i8 0",
                Rep::Int64 => "i8 1",
                Rep::Float64 => "i8 2",
            })
            .map(String::from)
            .collect();
        let _ = writeln!(
            self.data,
            "{kinds_sym} = private unnamed_addr constant [{} x i8] [{}]",
            kinds.len(),
            kinds.join(", ")
        );
        Ok(format!(
            "{{ ptr, ptr, i64, ptr, i64 }} {{ ptr {entry}, ptr {name_sym}, i64 {}, ptr {kinds_sym}, i64 {} }}",
            con.fields.len(),
            c.data.0
        ))
    }

    fn emit_code(&mut self, c: flat::CodeId) -> Result<(), Error> {
        let ss = self.split_attr();
        let m = self.m;
        let code: &Code = m.code(c).ok_or_else(|| Error::Emit(format!("missing code {c}")))?;
        let env_reps: Vec<Rep> = code.env.iter().map(|v| m.var(*v).map_or(Rep::Value, |i| i.rep)).collect::<Vec<_>>();
        let size = object_words(code.env.len());
        let nptrs = env_reps.iter().filter(|r| **r != Rep::Value).count() + (size - 1 - code.env.len());
        let (arity, tag) = match &code.kind {
            CodeKind::Fun { params } => (params.len(), Tag::Fun),
            CodeKind::Thunk => (0, Tag::Thunk),
        };
        let _ = writeln!(
            self.funcs,
            "; {} {}\ndefine hidden ghccc %lull.ret {}({ENTRY_PARAMS}) {ss}align 16 gc \"statepoint-example\" prefix [4 x i32] [i32 {arity}, i32 {nptrs}, i32 {size}, i32 {}] {{",
            match code.kind {
                CodeKind::Fun { .. } => "fun",
                CodeKind::Thunk => "thunk",
            },
            code.name,
            self.code_sym(c),
            tag as u32
        );
        let text = FnEmitter::emit_code(self, code)?;
        self.funcs.push_str(&text);
        self.funcs.push_str("}\n\n");
        Ok(())
    }

    /// The size in words of an allocation; 0 for the ones that are static
    /// objects (nullary constructors, closed functions).
    pub(crate) fn alloc_words(&self, a: &Alloc) -> Result<usize, Error> {
        Ok(match a {
            Alloc::Closure { code, .. } if self.is_closed_fun(*code) => 0,
            Alloc::Closure { code, .. } => {
                let code = self.m.code(*code).ok_or_else(|| Error::Emit(format!("missing code {code}")))?;
                object_words(code.env.len())
            }
            Alloc::Con { fields, .. } if fields.is_empty() => 0,
            Alloc::Con { fields, .. } => object_words(fields.len()),
            Alloc::Str(_) => 3,
        })
    }
}

/// The parameter types of every entry code, for declarations.
pub(crate) const ENTRY_TYPES: &str = "ptr, ptr, ptr, ptr addrspace(1), ptr, i64, i64, i64, i64, i64";

/// The parameter list of every entry code (Note [Registers and the entry
/// signature] in `rt/include/lull_rt.h`).
pub(crate) const ENTRY_PARAMS: &str =
    "ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %self, ptr %hl, i64 %a5, i64 %a6, i64 %a7, i64 %a8, i64 %argc";

// Note [Parts]
// ~~~~~~~~~~~~
// A large program is written as several LLVM modules ("parts") that LLVM
// compiles on separate threads, one object each, linked together: machine
// code generation is nearly all of a large program's compile time (see
// `docs/benchmarks.md`). The first part has the support entries, the
// constructor entries, every static object and the program table; codes
// are dealt out round robin; a part declares every code, constructor entry
// and static object it does not define. So every symbol that crosses parts
// has hidden (not internal) linkage. Data made while emitting a code
// (string literals, messages, free variables' static objects) stays in
// that code's part, with local linkage: two parts may each have a copy.

/// The LLVM module texts for `program`, in `parts` parts.
pub(crate) fn module_texts(
    program: &Program<'_>,
    data_layout: &str,
    triple: &str,
    parts: usize,
) -> Result<Vec<String>, Error> {
    let parts = parts.max(1);
    (0..parts).map(|part| part_text(program, data_layout, triple, part, parts)).collect()
}

fn part_text(
    program: &Program<'_>,
    data_layout: &str,
    triple: &str,
    part: usize,
    parts: usize,
) -> Result<String, Error> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "; Generated by lull-llvm (part {} of {parts}).\ntarget datalayout = \"{data_layout}\"\ntarget triple = \"{triple}\"\n",
        part + 1
    );
    out.push_str(include_str!("support_decls.ll"));
    out.push('\n');
    let checks = stack_checks(program);
    let support = if part == 0 { include_str!("support.ll") } else { include_str!("support_extern.ll") };
    if checks {
        out.push_str(&morestack_stub());
        out.push_str(support);
    } else {
        out.push_str(&support.replace("\"split-stack\" ", ""));
    }
    out.push('\n');
    let mut descs = Vec::new();
    let mut emitters = Vec::new();
    for (i, m) in program.modules.iter().enumerate() {
        let mut e = ModuleEmitter::new(m, i);
        e.stack_checks = checks;
        descs.extend(e.emit(part, parts)?);
        emitters.push(e);
    }
    let mut entries = Vec::new();
    for &(mi, g) in &program.entries {
        let e = emitters.get(mi).ok_or_else(|| Error::Emit(format!("entry names module {mi}, which is missing")))?;
        if e.m.global(g).is_none() {
            return Err(Error::Emit(format!("entry names global {g:?}, which is missing")));
        }
        entries.push(format!("ptr {}", e.global_sym(g)));
    }
    for e in &emitters {
        out.push_str(&e.data);
    }
    out.push('\n');
    for e in &emitters {
        out.push_str(&e.funcs);
    }
    let mut out = expand_services(&out)
        .replace("$proc.nursery_lo", &PROC_OFFSET_NURSERY_LO.to_string())
        .replace("$proc.nursery_size", &PROC_OFFSET_NURSERY_SIZE.to_string());
    if part == 0 {
        let mut cafs = Vec::new();
        for e in &emitters {
            for (g, global) in e.m.globals.iter().enumerate() {
                if let GlobalKind::Caf(c) = global.kind {
                    cafs.push(format!(
                        "{{ ptr, ptr }} {{ ptr {}, ptr {} }}",
                        e.global_sym(flat::GlobalId(g as u32)),
                        e.code_sym(c)
                    ));
                }
            }
        }
        let mut exports = Vec::new();
        for (i, x) in program.exports.iter().enumerate() {
            let (mi, g) = x.global;
            let e = defined_global(&emitters, (mi, g)).ok_or_else(|| {
                Error::Emit(format!("export `{}` names a global that is missing or imported", x.name))
            })?;
            let mut strings = Vec::new();
            for (what, text) in [("name", &x.name), ("type", &x.code), ("text", &x.type_text)] {
                let sym = format!("@lull.export.{i}.{what}");
                c_string_constant(&mut out, &sym, text);
                strings.push(sym);
            }
            exports.push(format!(
                "{{ ptr, ptr, ptr, ptr }} {{ ptr {}, ptr {}, ptr {}, ptr {} }}",
                strings[0],
                e.global_sym(g),
                strings[1],
                strings[2]
            ));
        }
        let links = crate_links(&mut out, program, &emitters)?;
        program_table(&mut out, &entries, &descs, &cafs, &exports, &links);
    }
    out.push_str("\ndeclare i64 @llvm.fptosi.sat.i64.f64(double)\n");
    // Branch weights: !0 for a condition that is almost never true, !1 for
    // one that almost always is.
    out.push_str("!0 = !{!\"branch_weights\", i32 1, i32 2000}\n!1 = !{!\"branch_weights\", i32 2000, i32 1}\n");
    // The loads of the service table and its entries (Note [The service
    // table] in rt/include/lull_rt.h) read memory that never changes.
    out.push_str("!2 = !{}\n");
    Ok(out)
}

/// The emitter of module `mi` when it defines global `g` (not an import).
fn defined_global<'e, 'a>(
    emitters: &'e [ModuleEmitter<'a>],
    (mi, g): (usize, flat::GlobalId),
) -> Option<&'e ModuleEmitter<'a>> {
    emitters.get(mi).filter(|e| e.m.global(g).is_some_and(|g| g.kind.code().is_some()))
}

/// The parts of `lull_program` that link crates (Note [Crate imports] in
/// `rt/include/lull_rt.h`), as LLVM constants.
struct Links {
    entry_symbol: String,
    deps: Vec<String>,
    imports: Vec<String>,
    symbols: Vec<String>,
}

/// Emits the strings and declarations of the crate's links and returns
/// their table entries: the entries of the crates it imports from, one
/// import per slot of every module's import table, and the values it
/// offers to others sorted by name (the runtime looks them up by binary
/// search).
fn crate_links(out: &mut String, program: &Program<'_>, emitters: &[ModuleEmitter<'_>]) -> Result<Links, Error> {
    let link = &program.linkage;
    let mut deps = Vec::new();
    for d in &link.deps {
        if d.entry_symbol.is_empty() || d.entry_symbol == ENTRY_SYMBOL {
            return Err(Error::Emit(format!("the crate `{}` needs an entry symbol of its own", d.name)));
        }
        let _ = writeln!(out, "declare hidden ptr @\"{}\"(ptr)", d.entry_symbol);
        deps.push(format!("ptr @\"{}\"", d.entry_symbol));
    }
    let string = |out: &mut String, what: &str, i: usize, text: &str| {
        let sym = format!("@lull.{what}.{i}");
        c_string_constant(out, &sym, text);
        sym
    };
    let mut imports = Vec::new();
    for e in emitters {
        for (slot, import) in e.m.imports.iter().enumerate() {
            let dep = link.deps.iter().position(|d| d.name == import.krate).ok_or_else(|| {
                Error::Emit(format!(
                    "`{}` is imported from the crate `{}`, which is not linked",
                    import.symbol, import.krate
                ))
            })?;
            let name = string(out, "import", imports.len(), &import.symbol);
            imports.push(format!(
                "{{ ptr, ptr, i64 }} {{ ptr {name}, ptr getelementptr inbounds ([{} x ptr], ptr {}, i64 0, i64 {slot}), i64 {dep} }}",
                e.m.imports.len(),
                e.imports_sym()
            ));
        }
    }
    let mut offered: Vec<&(String, (usize, flat::GlobalId))> = link.symbols.iter().collect();
    offered.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(w) = offered.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Error::Emit(format!("the symbol `{}` is offered twice", w[0].0)));
    }
    let mut symbols = Vec::new();
    for (i, (name, at)) in offered.into_iter().enumerate() {
        let e = defined_global(emitters, *at)
            .ok_or_else(|| Error::Emit(format!("the symbol `{name}` names a global that is missing or imported")))?;
        let name_sym = string(out, "symbol", i, name);
        symbols.push(format!("{{ ptr, ptr }} {{ ptr {name_sym}, ptr {} }}", e.global_sym(at.1)));
    }
    let entry_symbol = link.entry_symbol.clone().unwrap_or_else(|| ENTRY_SYMBOL.to_string());
    Ok(Links { entry_symbol, deps, imports, symbols })
}

/// `lull_program` (`struct lull_program` in `rt/include/lull_rt.h`) and the
/// crate's entry, its one exported symbol, which returns it (Note [Crate
/// entries] there). A library crate's entry has a symbol of its own and is
/// hidden: it is linked into the program or crate that imports from it.
fn program_table(
    out: &mut String,
    entries: &[String],
    descs: &[String],
    cafs: &[String],
    exports: &[String],
    links: &Links,
) {
    let _ = writeln!(out, "@lull_entries = internal constant [{} x ptr] [{}]", entries.len(), entries.join(", "));
    let _ = writeln!(
        out,
        "@lull_cons = internal constant [{} x {{ ptr, ptr, i64, ptr, i64 }}] [{}]",
        descs.len(),
        descs.join(", ")
    );
    let _ = writeln!(out, "@lull_cafs = internal constant [{} x {{ ptr, ptr }}] [{}]", cafs.len(), cafs.join(", "));
    let _ = writeln!(
        out,
        "@lull_exports = internal constant [{} x {{ ptr, ptr, ptr, ptr }}] [{}]",
        exports.len(),
        exports.join(", ")
    );
    // The linker defines these inside the crate for its (renamed) stack
    // map section: see link.rs.
    out.push_str("@__start_llvm_stackmaps = extern_weak hidden global i8\n@__stop_llvm_stackmaps = extern_weak hidden global i8\n");
    let _ = writeln!(out, "@lull_deps = internal constant [{} x ptr] [{}]", links.deps.len(), links.deps.join(", "));
    let _ = writeln!(
        out,
        "@lull_imports = internal constant [{} x {{ ptr, ptr, i64 }}] [{}]",
        links.imports.len(),
        links.imports.join(", ")
    );
    let _ = writeln!(
        out,
        "@lull_symbols = internal constant [{} x {{ ptr, ptr }}] [{}]",
        links.symbols.len(),
        links.symbols.join(", ")
    );
    let _ = writeln!(
        out,
        "@lull_program = internal constant {{ i64, i64, i64, ptr, i64, ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr, i64, ptr, i64, ptr, i64, ptr, i64, ptr, i64, ptr }} \
         {{ i64 {SERVICES_VERSION}, i64 {SERVICES_SIZE}, i64 {}, ptr @lull_entries, i64 {}, ptr @lull_cons, \
         ptr @lull_pap_entry, ptr @lull_rigid_entry, ptr @lull_ref_entry, ptr @lull_blackhole_entry, \
         ptr @lull_forward_entry, ptr @lull_str_entry, ptr @lull_call_entry, \
         ptr @__start_llvm_stackmaps, ptr @__stop_llvm_stackmaps, \
         i64 {}, ptr @lull_cafs, i64 {}, ptr @lull_exports, \
         i64 {}, ptr @lull_deps, i64 {}, ptr @lull_imports, i64 {}, ptr @lull_symbols }}",
        entries.len(),
        descs.len(),
        cafs.len(),
        exports.len(),
        links.deps.len(),
        links.imports.len(),
        links.symbols.len()
    );
    let visibility = if links.entry_symbol == ENTRY_SYMBOL { "" } else { "hidden " };
    let _ = writeln!(
        out,
        "define {visibility}ptr @\"{}\"(ptr %services) {{\n  ret ptr @lull_program\n}}",
        links.entry_symbol
    );
}

/// Expands every `$service %f NAME` line of `text` into the load that puts
/// the address of runtime service NAME in `%f`, from the proc's copy of
/// the service table (at `PROC_OFFSET_SVC` from `%proc`; Note [The service
/// table] in `rt/include/lull_rt.h`). Every use is in a function
/// whose proc parameter is `%proc`, and each `%f` is defined once.
fn expand_services(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4096);
    for line in text.split_inclusive('\n') {
        let Some(rest) = line.trim_start().strip_prefix("$service ") else {
            out.push_str(line);
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(f), Some(name)) = (words.next(), words.next()) else {
            out.push_str(line); // Malformed: LLVM's parser will say so.
            continue;
        };
        let _ = writeln!(
            out,
            "  {f}.at = getelementptr inbounds i8, ptr %proc, i64 {}\n\
             \x20 {f} = load ptr, ptr {f}.at, !invariant.load !2",
            PROC_OFFSET_SVC + service_offset(name)
        );
    }
    out
}

/// The generated object's `__morestack`, which the split-stack prologue of
/// every entry calls: a jump to the runtime's through the proc's service
/// table (rbp is the proc in every entry), so r10 and r11 reach it intact
/// and no object refers to a runtime symbol (Note [Segmented stacks] in
/// `rt/src/segment.c`). Weak: every part of a program defines it.
fn morestack_stub() -> String {
    let off = PROC_OFFSET_SVC + service_offset("morestack");
    format!(
        "module asm \".text\"\nmodule asm \".weak __morestack\"\nmodule asm \".hidden __morestack\"\n\
         module asm \".type __morestack,@function\"\nmodule asm \"__morestack:\"\n\
         module asm \"  jmpq *{off}(%rbp)\"\nmodule asm \".size __morestack, .-__morestack\"\n\n"
    )
}

/// Whether the program's entries check their stacks for spawned procs
/// (split-stack prologues and the data stack check: Note [Segmented
/// stacks] in `rt/src/segment.c`): when it can spawn, or links with other
/// crates (whose procs may run its code). A closed program without procs,
/// every λ program among them, runs on main's stacks alone, which have
/// guard pages, and goes without.
fn stack_checks(program: &Program<'_>) -> bool {
    let spawns = |m: &flat::Module| {
        m.codes.iter().any(|c| {
            let mut found = false;
            flat::walk(&c.body, |b| found |= matches!(b, flat::Body::Prim(flat::PrimOp::Spawn, _)));
            found
        })
    };
    !program.linkage.deps.is_empty() || !program.linkage.symbols.is_empty() || program.modules.iter().any(|m| spawns(m))
}
