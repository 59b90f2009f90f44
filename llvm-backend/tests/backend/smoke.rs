//! The LLVM smoke test: a `ghccc` entry code with an info prefix.

use lull_llvm::layout::{InfoPrefix, Tag, INFO_SIZE};
use lull_llvm::smoke;

/// The `.long` values of the data directives right before `label:` (up to
/// the previous label or section directive).
fn longs_before_label(asm: &str, label: &str) -> Vec<u32> {
    let lines: Vec<&str> = asm.lines().map(str::trim).collect();
    let at =
        lines.iter().position(|l| *l == format!("{label}:")).unwrap_or_else(|| panic!("no label {label}: in\n{asm}"));
    let mut longs = Vec::new();
    for line in lines[..at].iter().rev() {
        if let Some(v) = line.strip_prefix(".long") {
            let v = v.trim().split('#').next().unwrap_or("").trim();
            longs.push(v.parse().unwrap_or_else(|_| panic!("bad .long line: {line}")));
        } else if line.ends_with(':') || line.starts_with(".section") || line.starts_with(".text") {
            break;
        }
    }
    longs.reverse();
    longs
}

#[test]
fn ghccc_entry_carries_its_info_prefix() {
    let info = InfoPrefix { con_or_arity: 3, nptrs: 1, size: 4, tag: Tag::Con };
    let asm = smoke::prefixed_entry_asm("lull_smoke_entry", info).expect("emits assembly");
    let longs = longs_before_label(&asm, "lull_smoke_entry");
    assert_eq!(longs, vec![3, 1, 4, Tag::Con.value()], "assembly:\n{asm}");
    assert_eq!(longs.len() * 4, INFO_SIZE as usize);
    // Prefix plus entry aligned to 16 bytes (`.p2align 4`).
    assert!(asm.contains(".p2align\t4") || asm.contains(".p2align 4"), "assembly:\n{asm}");
    // The body is a bare `retq`: ghccc has no prologue and no frame pointer.
    assert!(!asm.contains("%rbp"), "ghccc entry touches rbp:\n{asm}");
}

#[test]
fn module_verifies_with_ghccc_convention() {
    let context = inkwell::context::Context::create();
    let info = InfoPrefix { con_or_arity: 2, nptrs: 0, size: 3, tag: Tag::Fun };
    let module = smoke::prefixed_entry_module(&context, "f", info);
    module.verify().expect("verifies");
    let f = module.get_function("f").expect("function exists");
    assert_eq!(f.get_call_conventions(), smoke::GHCCC);
    let ir = module.print_to_string().to_string();
    assert!(ir.contains("ghccc"), "IR:\n{ir}");
    assert!(ir.contains("prefix [4 x i32] [i32 2, i32 0, i32 3, i32 2]"), "IR:\n{ir}");
}
