//! Flat IR to native code: entry codes in the runtime's protocol.
//!
//! [`compile`] writes the program as LLVM IR text (`emit.rs` for the module
//! level, `body.rs` for each entry code, `support.ll` for the hand-written
//! entries), has LLVM parse it, verifies it, rewrites every call that may
//! collect into a statepoint (`rewrite-statepoints-for-gc`), optimises it
//! (`default<O2>`), verifies it again and emits assembly or
//! an object file whose `.llvm_stackmaps` section describes the GC roots of
//! every native frame.
//!
//! The protocol is described once, in the Notes of `rt/include/lull_rt.h`:
//! Note [Registers and the entry signature], Note [The data stack], Note
//! [Update frames] and Note [Objects the runtime knows].
//!
//! # Note [Why the back end writes LLVM IR text]
//!
//! The generator prints LLVM IR and parses it with inkwell
//! (`Context::create_module_from_ir`) rather than calling the builder API
//! for each instruction. The text is what `lull emit --llvm-ir` shows
//! before optimisation, it is how the hand-written support entries
//! (`support.ll`) are kept readable, and it is the form the LangRef
//! documents; GHC's LLVM back end makes the same choice. The parser and the
//! verifier run on every compilation, so a malformed module is an error,
//! never undefined behaviour.
//!
//! # Note [GC pointers in generated code]
//!
//! Heap pointers are `ptr addrspace(1)` and the data layout marks that
//! address space non-integral (`ni:1`), so the optimiser never turns a GC
//! pointer into an integer and back across a call. The heap pointer, the
//! data stack pointer and the proc are plain `ptr`s. A fresh object's
//! address becomes a GC pointer through `inttoptr`, which the statepoint
//! rewriter takes as a base; values returned by an evaluation come back as
//! an `i64` and are turned into a GC pointer right after the call. Every
//! call that cannot collect (tail calls, runtime services that do not
//! allocate) carries the `"gc-leaf-function"` attribute: a tail call
//! rewritten into a statepoint would stop being a tail call.
//!
//! The statepoint rewrite runs *before* the optimiser, not after it as
//! LLVM suggests. Run late, it missed GC pointers that the optimiser had
//! merged: two neighbouring environment words loaded as one
//! `<2 x ptr addrspace(1)>` were kept in a vector register across the
//! collector's call and not relocated (found by the GC stress mode). Once
//! every pointer live across a call goes through an explicit
//! `gc.relocate`, whatever the optimiser does to the values before the call
//! cannot reach the uses after it.

//! # Note [The optimisation pipeline]
//!
//! Generated code is a set of small functions that end in tail calls
//! through unknown pointers; there is little for the whole `-O2` pipeline to
//! do (no loops, nothing to inline across indirect calls). Measured on
//! 2026-11-22 (user CPU of the compiled program): bench.lc 0.75 s with the
//! short function pipeline in [`PIPELINE`] and 0.82 s with `default<O2>`;
//! nat5m 0.17 / 0.19 s; tree8m 0.26 / 0.24 s. Compiling a one-line term
//! takes 13 ms with it and 24 ms with `-O2`, which matters for the 50 ms
//! latency target of `lull nf -e`. The machine-code generator still runs at
//! its default (`-O2`) level. `instcombine` runs once, without LLVM 19's
//! check that one iteration reached a fixpoint: that check aborts the
//! process (found by the differential test on generated Core).

mod body;
mod emit;

use inkwell::context::Context;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::FileType;
use lull_middle::flat::ir as flat;

use crate::smoke::x86_64_target_machine;
use crate::Error;

/// The optimisation pipeline run after the statepoint rewrite (the
/// environment variable `LULL_LLVM_PASSES` replaces it, in `opt -passes=`
/// syntax). See Note [The optimisation pipeline].
pub const PIPELINE: &str = "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg)";

/// What to compile: one or more Flat modules and the globals to run.
pub struct Program<'a> {
    /// The modules; their symbols are kept apart by a per-module prefix.
    pub modules: Vec<&'a flat::Module>,
    /// The entries the runtime runs (`nf`: one; `conv`: two; `nf-each`: any
    /// number), as (index in `modules`, global of that module).
    pub entries: Vec<(usize, flat::GlobalId)>,
    /// The functions a host may call (a crate built for embedding); empty
    /// for an executable.
    pub exports: Vec<Export>,
    /// How the crate links with other crates: what it imports from and
    /// what it offers (Note [Crate imports] in `rt/include/lull_rt.h`).
    pub linkage: Linkage<'a>,
}

impl<'a> Program<'a> {
    /// A program of `modules` that runs `entries` (index in `modules`,
    /// global of that module): no exports, no links to other crates.
    pub fn new(modules: Vec<&'a flat::Module>, entries: Vec<(usize, flat::GlobalId)>) -> Program<'a> {
        Program { modules, entries, exports: Vec::new(), linkage: Linkage::default() }
    }
}

/// How a crate links with others.
#[derive(Clone, Debug, Default)]
pub struct Linkage<'a> {
    /// The crate's entry symbol. `None`: `lull_entry`
    /// ([`ENTRY_SYMBOL`](crate::layout::ENTRY_SYMBOL)), for a program or a
    /// crate a host loads. A library crate, linked into the programs and
    /// crates that import from it, has one of its own (hidden).
    pub entry_symbol: Option<String>,
    /// The crates this one imports from: every import of the modules
    /// ([`flat::Module::imports`]) names one of them.
    pub deps: Vec<Dep<'a>>,
    /// The values this crate offers to the crates that import from it:
    /// (symbol, (index in [`Program::modules`], global of that module)).
    pub symbols: Vec<(String, (usize, flat::GlobalId))>,
}

/// A crate that another imports from.
#[derive(Clone, Debug)]
pub struct Dep<'a> {
    /// The name imports give it ([`flat::Import::krate`]).
    pub name: String,
    /// Its entry symbol ([`Linkage::entry_symbol`]).
    pub entry_symbol: String,
    /// Its object, from [`library_object`](crate::link::library_object),
    /// linked with the crates that import from it.
    pub object: &'a [u8],
}

/// A function a crate exports to a host (`struct lull_export` in
/// `rt/include/lull_rt.h`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// The name the host calls it by.
    pub name: String,
    /// Its definition: (index in [`Program::modules`], global of that module).
    pub global: (usize, flat::GlobalId),
    /// The code of its type (Note [Export types] in the Lull front end's
    /// `lower/export.rs`).
    pub code: String,
    /// Its type in Haskell syntax, for the host's messages.
    pub type_text: String,
}

/// The stages [`compile`] can stop at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// LLVM IR text as generated, before any pass.
    LlvmIrRaw,
    /// LLVM IR text after the optimisation and statepoint passes.
    LlvmIr,
    /// x86-64 assembly text.
    Asm,
    /// An ELF object file (the bytes).
    Object,
}

/// Programs with more codes than this are compiled in parts, on several
/// threads (Note \[Parts\] in `emit.rs`); smaller ones in one module, which
/// keeps the latency of a small term low.
pub const SPLIT_ABOVE_CODES: usize = 400;

/// Compile `program` to `output`, as one LLVM module.
pub fn compile(program: &Program<'_>, output: Output) -> Result<Vec<u8>, Error> {
    let (layout, triple) = target_strings()?;
    let text = emit::module_texts(program, &layout, &triple, 1)?.swap_remove(0);
    if output == Output::LlvmIrRaw {
        return Ok(text.into_bytes());
    }
    compile_text(&text, output)
}

/// Compile `program` to the ELF objects to link: one, or one per part on
/// as many threads when the program has more than [`SPLIT_ABOVE_CODES`]
/// codes (at most the machine's parallelism, at most 8).
pub fn compile_objects(program: &Program<'_>) -> Result<Vec<Vec<u8>>, Error> {
    let codes: usize = program.modules.iter().map(|m| m.codes.len()).sum();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    compile_parts(program, if codes > SPLIT_ABOVE_CODES { threads } else { 1 })
}

/// Compile `program` in `parts` parts (Note \[Parts\] in `emit.rs`), each on
/// a thread of its own: one ELF object per part.
pub fn compile_parts(program: &Program<'_>, parts: usize) -> Result<Vec<Vec<u8>>, Error> {
    let (layout, triple) = target_strings()?;
    let texts = emit::module_texts(program, &layout, &triple, parts)?;
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            texts.iter().map(|text| scope.spawn(move || compile_text(text, Output::Object))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(Error::Emit("a code generation thread panicked".into()))))
            .collect()
    })
}

/// A small object defining the symbol `lull_io_program`: linked into an
/// executable, it makes the runtime run the program in io mode with all of
/// the command line as the program's arguments (see `rt/src/main.c`).
pub fn io_marker_object() -> Result<Vec<u8>, Error> {
    let (layout, triple) = target_strings()?;
    let text =
        format!("target datalayout = \"{layout}\"\ntarget triple = \"{triple}\"\n@lull_io_program = constant i8 1\n");
    compile_text(&text, Output::Object)
}

/// The data layout (with the GC address space non-integral) and the target
/// triple.
fn target_strings() -> Result<(String, String), Error> {
    let machine = x86_64_target_machine()?;
    let layout = machine.get_target_data().get_data_layout();
    let layout = format!("{}-ni:1", layout.as_str().to_string_lossy());
    let triple = machine.get_triple().as_str().to_string_lossy().into_owned();
    Ok((layout, triple))
}

/// Parse, verify, rewrite, optimise, verify and emit one module's text, in
/// a context of its own (so that parts compile on separate threads).
fn compile_text(text: &str, output: Output) -> Result<Vec<u8>, Error> {
    let machine = x86_64_target_machine()?;
    let context = Context::create();
    let buffer = MemoryBuffer::create_from_memory_range_copy(text.as_bytes(), "lull");
    let module = context
        .create_module_from_ir(buffer)
        .map_err(|e| Error::Verify(format!("generated LLVM IR does not parse: {}", e.to_string_lossy())))?;
    module.verify().map_err(|e| Error::Verify(e.to_string()))?;
    // The statepoint rewrite runs first, so that every GC pointer live
    // across a call is explicit (a `gc.relocate`) before the optimiser
    // runs: see Note [GC pointers in generated code].
    module
        .run_passes("rewrite-statepoints-for-gc", &machine, PassBuilderOptions::create())
        .map_err(|e| Error::Emit(e.to_string()))?;
    let pipeline = std::env::var("LULL_LLVM_PASSES");
    let pipeline = pipeline.as_deref().unwrap_or(PIPELINE);
    module.run_passes(pipeline, &machine, PassBuilderOptions::create()).map_err(|e| Error::Emit(e.to_string()))?;
    module.verify().map_err(|e| Error::Verify(format!("after the statepoint rewrite: {e}")))?;
    match output {
        Output::LlvmIrRaw => Ok(text.as_bytes().to_vec()),
        Output::LlvmIr => Ok(module.print_to_string().to_bytes().to_vec()),
        Output::Asm | Output::Object => {
            let ft = if output == Output::Asm { FileType::Assembly } else { FileType::Object };
            let buf = machine.write_to_memory_buffer(&module, ft).map_err(|e| Error::Emit(e.to_string()))?;
            Ok(buf.as_slice().to_vec())
        }
    }
}
