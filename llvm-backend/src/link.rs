//! Linking the objects of a crate from [`compile`](crate::compile) into an
//! executable (with the start stub and the C runtime) or into a shared
//! crate that a host loads.
//!
//! The runtime (`rt/src/*.c`) is compiled by this crate's build script into
//! libraries that are embedded here as bytes, so `lull` needs no files
//! beside itself: the normal static one, a variant built with
//! `-fsanitize=address,undefined`, and a shared one ([`RtVariant`]); and
//! the start stub (`rt/start/start.c`, `main`, which hands the crate's
//! entry to the runtime). An executable is the stub, the crate's objects
//! and the runtime; a crate ([`link_crate`]) is the objects alone, whose
//! one exported symbol is the entry and which refer to nothing of the
//! runtime (Note [The service table] in `rt/include/lull_rt.h`). Linking
//! uses the system C compiler driver (`$CC`, else `cc`).
//!
//! Before linking, the object's `.llvm_stackmaps` section is renamed
//! `llvm_stackmaps` and made allocated and writable, so that the runtime
//! finds every module's stack map between `__start_llvm_stackmaps` and
//! `__stop_llvm_stackmaps` (a section name must be a C identifier for the
//! linker to define those symbols), without text relocations. This is the
//! effect of `objcopy --rename-section
//! .llvm_stackmaps=llvm_stackmaps,alloc,load,contents,data`, done in place
//! on the ELF section headers (see `rename_sections`). The split-stack
//! note of a program that can spawn is renamed too, so that the linker
//! ignores it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Error;

/// The runtime library, built by `build.rs`.
static RT_NORMAL: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/liblull_rt.a"));
/// The runtime library built with `-fsanitize=address,undefined`.
static RT_ASAN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/liblull_rt_asan.a"));
/// The runtime as a shared library.
static RT_SHARED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/liblull_rt.so"));
/// The executable's start stub.
static START: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lull_start.o"));
/// Why the runtime did not build, or empty.
static RT_BUILD_ERROR: &str = include_str!(concat!(env!("OUT_DIR"), "/rt_build_error.txt"));

/// Which build of the runtime to link with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RtVariant {
    /// `-O2`: the normal runtime.
    Normal,
    /// `-O1 -fsanitize=address,undefined`, for sanitizer runs.
    Asan,
    /// The normal runtime as a shared library, `liblull_rt.so`, found at
    /// run time beside the executable (`lull build --shared-rt`).
    Shared,
}

impl RtVariant {
    /// The embedded library.
    pub fn archive(self) -> &'static [u8] {
        match self {
            RtVariant::Normal => RT_NORMAL,
            RtVariant::Asan => RT_ASAN,
            RtVariant::Shared => RT_SHARED,
        }
    }

    /// The library's file name.
    pub fn archive_name(self) -> &'static str {
        match self {
            RtVariant::Normal => "liblull_rt.a",
            RtVariant::Asan => "liblull_rt_asan.a",
            RtVariant::Shared => "liblull_rt.so",
        }
    }

    /// Extra flags for the link.
    fn link_flags(self) -> &'static [&'static str] {
        match self {
            RtVariant::Normal => &[],
            RtVariant::Asan => &["-fsanitize=address,undefined"],
            // `$ORIGIN`: the executable's directory, at run time.
            RtVariant::Shared => &["-Wl,-rpath,$ORIGIN"],
        }
    }
}

/// The start stub's object (`rt/start/start.c`), embedded.
pub fn start_stub() -> &'static [u8] {
    START
}

/// The flags of every link. Measured on the 2-core machine (10 runs each, a
/// small program with the runtime): through the `cc` driver, GNU ld takes
/// 15 ms, gold 11.5 ms (so gold is used when installed, see
/// [`gold_available`]); PIE or not, `--hash-style`, `--build-id` make no
/// measurable difference; a static libc makes the link slower (37 ms with
/// ld, 22 ms with gold) for a start-up gain under 1 ms. Calling `ld.gold`
/// directly with the C start files would save another 4.5 ms (the driver
/// and collect2) at the price of hard-coding the toolchain's paths.
const LINK_FLAGS: &[&str] = &["-no-pie", "-Wl,--build-id=none"];

/// Whether `ld.gold` is on `PATH`, so `-fuse-ld=gold` works (checked once).
fn gold_available() -> bool {
    static GOLD: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *GOLD.get_or_init(|| {
        std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|d| d.join("ld.gold").is_file()))
    })
}

/// The libraries the runtime needs, after it on the command line.
const LINK_LIBS: &[&str] = &["-lpthread", "-lm"];

/// The C compiler driver used to link: `$CC` (its first word; the rest are
/// arguments), else `cc`.
fn c_compiler() -> (String, Vec<String>) {
    let cc = std::env::var("CC").ok().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "cc".to_string());
    let mut words = cc.split_whitespace().map(str::to_string);
    let program = words.next().unwrap_or_else(|| "cc".to_string());
    (program, words.collect())
}

/// Links `objects` (the ELF objects of one program, from
/// [`compile_objects`](crate::compile_objects) or [`compile`](crate::compile)
/// with [`Output::Object`](crate::Output::Object)) with the runtime into the
/// executable `dir/program`, and returns its path. `dir` must exist; the
/// objects and the runtime library are written into it too.
pub fn link_executable(objects: &[Vec<u8>], dir: &Path, variant: RtVariant) -> Result<PathBuf, Error> {
    if !RT_BUILD_ERROR.is_empty() {
        return Err(Error::Link(format!(
            "the C runtime (rt/) did not compile when lull was built (the compiler's messages are among the \
             warnings of that `cargo build`), so native programs cannot be linked; use --interp.\n{RT_BUILD_ERROR}"
        )));
    }
    let object_paths = write_objects(objects, dir, "program")?;
    let archive_path = dir.join(variant.archive_name());
    let exe = dir.join("program");
    write(&archive_path, variant.archive())?;
    let start_path = dir.join("lull_start.o");
    write(&start_path, START)?;

    let (cc, cc_args) = c_compiler();
    let mut cmd = Command::new(&cc);
    cmd.args(&cc_args)
        .args(LINK_FLAGS)
        .args(gold_available().then_some("-fuse-ld=gold"))
        .args(variant.link_flags())
        .arg("-o")
        .arg(&exe)
        .arg(&start_path)
        .args(&object_paths)
        .arg(&archive_path)
        .args(LINK_LIBS);
    run_linker(cmd, &cc, "the native program")?;
    Ok(exe)
}

/// Links `objects` (one crate's, as for [`link_executable`]) into the
/// shared crate `dir/name` and returns its path: no start stub, no
/// runtime; its one exported symbol is the entry.
pub fn link_crate(objects: &[Vec<u8>], dir: &Path, name: &str) -> Result<PathBuf, Error> {
    let object_paths = write_objects(objects, dir, "crate")?;
    let out = dir.join(name);
    let (cc, cc_args) = c_compiler();
    let mut cmd = Command::new(&cc);
    cmd.args(&cc_args)
        .args(["-shared", "-Wl,--build-id=none"])
        .args(gold_available().then_some("-fuse-ld=gold"))
        .arg("-o")
        .arg(&out)
        .args(&object_paths)
        .arg("-lm");
    run_linker(cmd, &cc, "the crate")?;
    Ok(out)
}

/// Makes one relocatable object of a library crate's `objects` (compiled
/// with [`Linkage::entry_symbol`](crate::Linkage) set to `entry_symbol`)
/// whose only global symbol is its entry: `cc -r` joins the parts, then
/// `objcopy --keep-global-symbol` makes every other symbol local, so that
/// the library links beside a program (or another library) whose own
/// symbols have the same names. The result goes to [`Dep::object`](crate::Dep).
pub fn library_object(objects: &[Vec<u8>], entry_symbol: &str) -> Result<Vec<u8>, Error> {
    let dir = tempfile::Builder::new()
        .prefix("lull-lib-")
        .tempdir()
        .map_err(|e| Error::Link(format!("cannot create a temporary directory to build a library crate in: {e}")))?;
    let object_paths = write_objects(objects, dir.path(), "part")?;
    let joined = dir.path().join("library.o");
    let (cc, cc_args) = c_compiler();
    let mut cmd = Command::new(&cc);
    cmd.args(&cc_args).args(["-r", "-nostdlib", "-o"]).arg(&joined).args(&object_paths);
    run_linker(cmd, &cc, "the library crate")?;
    let objcopy = std::env::var("OBJCOPY").ok().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "objcopy".into());
    let output =
        Command::new(&objcopy).arg(format!("--keep-global-symbol={entry_symbol}")).arg(&joined).output().map_err(
            |e| {
                Error::Link(format!(
                "cannot run `{objcopy}` to build the library crate: {e} (install binutils, set OBJCOPY, or use --whole)"
            ))
            },
        )?;
    if !output.status.success() {
        return Err(Error::Link(format!(
            "`{objcopy}` failed on the library crate ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim_end()
        )));
    }
    std::fs::read(&joined).map_err(|e| Error::Link(format!("cannot read {}: {e}", joined.display())))
}

fn run_linker(mut cmd: Command, cc: &str, what: &str) -> Result<(), Error> {
    let output = cmd.output().map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::NotFound { "not found".to_string() } else { e.to_string() };
        Error::Link(format!(
            "cannot run the C compiler `{cc}` to link {what}: {why} \
             (install gcc, set CC, or use --interp)"
        ))
    })?;
    if !output.status.success() {
        return Err(Error::Link(format!(
            "`{cc}` failed to link {what} ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim_end()
        )));
    }
    Ok(())
}

/// Writes `objects` into `dir` as `STEM.o`, `STEM1.o`, ..., each with its
/// stack-map and split-stack sections renamed (see the module
/// documentation), and returns
/// their paths.
fn write_objects(objects: &[Vec<u8>], dir: &Path, stem: &str) -> Result<Vec<PathBuf>, Error> {
    let mut paths = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        let mut object = object.clone();
        rename_sections(&mut object)?;
        let path = dir.join(if i == 0 { format!("{stem}.o") } else { format!("{stem}{i}.o") });
        write(&path, &object)?;
        paths.push(path);
    }
    Ok(paths)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|e| Error::Link(format!("cannot write {}: {e}", path.display())))
}

/// The section LLVM writes stack maps to, and the name the runtime finds
/// them under (the same bytes without the dot, so renaming only moves the
/// section's name offset one byte on in the section-name string table).
const STACKMAPS: &[u8] = b".llvm_stackmaps";

const SHF_WRITE: u64 = 0x1;
const SHF_ALLOC: u64 = 0x2;

/// Renames every `.llvm_stackmaps` section of an x86-64 ELF object to
/// `llvm_stackmaps` and marks it allocated and writable, and renames the
/// `.note.GNU-split-stack` section (in place). An object without such
/// sections is left as it is.
pub(crate) fn rename_sections(elf: &mut [u8]) -> Result<(), Error> {
    let bad = |what: &str| Error::Link(format!("the compiled object is not a valid ELF64 file: {what}"));
    if elf.len() < 64 || &elf[..4] != b"\x7fELF" {
        return Err(bad("no ELF header"));
    }
    if elf[4] != 2 || elf[5] != 1 {
        return Err(bad("not 64-bit little-endian"));
    }
    let shoff = read_u64(elf, 0x28).ok_or_else(|| bad("header"))? as usize;
    let shentsize = read_u16(elf, 0x3a).ok_or_else(|| bad("header"))? as usize;
    let mut shnum = read_u16(elf, 0x3c).ok_or_else(|| bad("header"))? as usize;
    let mut shstrndx = read_u16(elf, 0x3e).ok_or_else(|| bad("header"))? as usize;
    if shoff == 0 {
        return Ok(()); // No sections at all.
    }
    if shentsize < 64 {
        return Err(bad("section header entries too small"));
    }
    let header = |i: usize| shoff.checked_add(i.checked_mul(shentsize)?);
    // Extended numbering: the real counts are in section header 0.
    if shnum == 0 {
        shnum = read_u64(elf, shoff + 0x20).ok_or_else(|| bad("section header 0"))? as usize;
    }
    if shstrndx == 0xffff {
        shstrndx = read_u32(elf, shoff + 0x28).ok_or_else(|| bad("section header 0"))? as usize;
    }
    let strtab = header(shstrndx).ok_or_else(|| bad("section-name table index"))?;
    let str_off = read_u64(elf, strtab + 0x18).ok_or_else(|| bad("section-name table header"))? as usize;
    let str_size = read_u64(elf, strtab + 0x20).ok_or_else(|| bad("section-name table header"))? as usize;
    let names = str_off
        .checked_add(str_size)
        .and_then(|end| elf.get(str_off..end))
        .ok_or_else(|| bad("section-name table out of bounds"))?
        .to_vec();
    for i in 0..shnum {
        let h = header(i).ok_or_else(|| bad("section header table"))?;
        let name = read_u32(elf, h).ok_or_else(|| bad("section header out of bounds"))? as usize;
        let is_stackmaps = section_is(&names, name, STACKMAPS);
        // The split-stack note makes gold rewrite calls into the runtime
        // (which is not split-stack) to __morestack_non_split, which fails
        // on our prologues; the runtime's C code has its room below each
        // segment's limit instead (Note [Segmented stacks] in
        // rt/src/segment.c). Renamed, linkers ignore the section.
        let is_split_note = section_is(&names, name, SPLIT_NOTE);
        if is_split_note {
            elf[h..h + 4].copy_from_slice(&(name as u32 + 1).to_le_bytes());
        }
        if is_stackmaps {
            let flags = read_u64(elf, h + 8).ok_or_else(|| bad("section header out of bounds"))?;
            elf[h..h + 4].copy_from_slice(&(name as u32 + 1).to_le_bytes());
            elf[h + 8..h + 16].copy_from_slice(&(flags | SHF_ALLOC | SHF_WRITE).to_le_bytes());
        }
    }
    Ok(())
}

const SPLIT_NOTE: &[u8] = b".note.GNU-split-stack";

/// Whether the section name at offset `name` of the section-name table
/// `names` is `wanted` (NUL-terminated there).
fn section_is(names: &[u8], name: usize, wanted: &[u8]) -> bool {
    names
        .get(name..)
        .and_then(|rest| rest.get(..wanted.len() + 1))
        .is_some_and(|s| s[..wanted.len()] == *wanted && s[wanted.len()] == 0)
}

fn read_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

fn read_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at.checked_add(8)?)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_elf() {
        assert!(rename_sections(&mut [0u8; 10]).is_err());
        assert!(rename_sections(&mut b"not an ELF file at all, but long enough to hold a header..........".to_vec())
            .is_err());
    }
}
