//! A smoke test of the LLVM features the code generator relies on.
//!
//! [`prefixed_entry_asm`] builds a module with one function in the `ghccc`
//! calling convention (id [`GHCCC`]) whose info prefix (see
//! `Note [Object layout]` in `rt/include/lull_rt.h`) is attached as LLVM
//! prefix data, verifies it and returns the x86-64 assembly. Inkwell has no
//! wrapper for prefix data, so it goes through `llvm_sys::core::LLVMSetPrefixData`.
//!
//! ```
//! use lull_llvm::layout::{InfoPrefix, Tag};
//! let info = InfoPrefix { con_or_arity: 2, nptrs: 0, size: 3, tag: Tag::Fun };
//! let asm = lull_llvm::smoke::prefixed_entry_asm("my_entry", info).unwrap();
//! assert!(asm.contains("my_entry:"));
//! ```

use inkwell::context::Context;
use inkwell::module::Module;
use inkwell::targets::{CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple};
use inkwell::values::{AsValueRef, FunctionValue};
use inkwell::OptimizationLevel;

use crate::layout::{InfoPrefix, ENTRY_ALIGN};
use crate::Error;

/// LLVM's id of the GHC calling convention (`ghccc`), Lull's custom convention.
pub const GHCCC: u32 = 10;

/// The target triple the back end generates code for.
pub const TARGET_TRIPLE: &str = "x86_64-unknown-linux-gnu";

/// Attaches `info` to `function` as LLVM prefix data (16 bytes right before
/// the entry) and aligns the function so that the entry is 16-aligned.
pub fn set_info_prefix<'ctx>(context: &'ctx Context, function: FunctionValue<'ctx>, info: InfoPrefix) {
    let i32_type = context.i32_type();
    let words: Vec<_> = info.words().iter().map(|&w| i32_type.const_int(u64::from(w), false)).collect();
    let prefix = i32_type.const_array(&words);
    // SAFETY: both values belong to `context`, which outlives this call;
    // the prefix is a constant, as LLVMSetPrefixData requires.
    unsafe { llvm_sys::core::LLVMSetPrefixData(function.as_value_ref(), prefix.as_value_ref()) };
    // The alignment applies to the start of the prefix; a 16-byte prefix
    // keeps the entry 16-aligned too.
    function.as_global_value().set_alignment(ENTRY_ALIGN);
}

/// Builds `name` as an empty `ghccc` entry code `void (ptr hp, ptr proc,
/// ptr sp, ptr self)` with `info` as its prefix, in a fresh module.
pub fn prefixed_entry_module<'ctx>(context: &'ctx Context, name: &str, info: InfoPrefix) -> Module<'ctx> {
    let module = context.create_module("lull_smoke");
    let ptr = context.ptr_type(inkwell::AddressSpace::default());
    let fn_type = context.void_type().fn_type(&[ptr.into(), ptr.into(), ptr.into(), ptr.into()], false);
    let function = module.add_function(name, fn_type, None);
    function.set_call_conventions(GHCCC);
    set_info_prefix(context, function, info);
    let builder = context.create_builder();
    let entry = context.append_basic_block(function, "entry");
    builder.position_at_end(entry);
    builder.build_return(None).expect("the builder is positioned in a block");
    module
}

/// Creates an x86-64 Linux target machine (position-independent, `-O2`).
pub fn x86_64_target_machine() -> Result<TargetMachine, Error> {
    Target::initialize_x86(&InitializationConfig::default());
    let triple = TargetTriple::create(TARGET_TRIPLE);
    let target = Target::from_triple(&triple).map_err(|e| Error::Target(e.to_string()))?;
    target
        .create_target_machine(&triple, "x86-64", "", OptimizationLevel::Default, RelocMode::PIC, CodeModel::Default)
        .ok_or_else(|| Error::Target(format!("LLVM has no target machine for {TARGET_TRIPLE}")))
}

/// Verifies `module` and returns its x86-64 assembly text.
pub fn emit_asm(module: &Module<'_>) -> Result<String, Error> {
    module.verify().map_err(|e| Error::Verify(e.to_string()))?;
    let machine = x86_64_target_machine()?;
    module.set_triple(&machine.get_triple());
    module.set_data_layout(&machine.get_target_data().get_data_layout());
    let buffer = machine.write_to_memory_buffer(module, FileType::Assembly).map_err(|e| Error::Emit(e.to_string()))?;
    Ok(String::from_utf8_lossy(buffer.as_slice()).into_owned())
}

/// Builds, verifies and emits (as x86-64 assembly) one `ghccc` entry code
/// named `name` carrying `info` as its prefix.
pub fn prefixed_entry_asm(name: &str, info: InfoPrefix) -> Result<String, Error> {
    let context = Context::create();
    let module = prefixed_entry_module(&context, name, info);
    emit_asm(&module)
}
