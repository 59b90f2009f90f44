//! Object layout constants, mirrored from the C runtime header.
//!
//! `rt/include/lull_rt.h` is the only definition of the object layout (see
//! `Note [Object layout]` there); this module repeats its constants for the
//! code generator, and the test `llvm-backend/tests/backend/layout_header.rs`
//! parses the header and checks that every constant here has the same value.
//! Change both together.
//!
//! In short: every object starts with a word pointing at its entry code; the
//! [`INFO_SIZE`] bytes right before the entry code hold an [`InfoPrefix`]
//! `{u32 con_or_arity, u32 nptrs, u32 size, u32 tag}`.

/// The machine word, in bytes (`LULL_WORD_SIZE`).
pub const WORD_SIZE: u32 = 8;

/// Minimum object size in words, so that any object can become a REF or a
/// FORWARD in place (`LULL_MIN_OBJECT_WORDS`).
pub const MIN_OBJECT_WORDS: u32 = 2;

/// Size of the info prefix before every entry code, in bytes (`LULL_INFO_SIZE`).
pub const INFO_SIZE: u32 = 16;

/// Byte offset of `con_or_arity` from the start of the info prefix.
pub const INFO_OFFSET_CON_OR_ARITY: u32 = 0;
/// Byte offset of `nptrs` from the start of the info prefix.
pub const INFO_OFFSET_NPTRS: u32 = 4;
/// Byte offset of `size` from the start of the info prefix (the seed's
/// `gc_data`, at `entry - 8`).
pub const INFO_OFFSET_SIZE: u32 = 8;
/// Byte offset of `tag` from the start of the info prefix.
pub const INFO_OFFSET_TAG: u32 = 12;

/// Alignment of entry codes, in bytes (`LULL_ENTRY_ALIGN`).
pub const ENTRY_ALIGN: u32 = 16;

/// A `size` field with this value means the true size is in the object's
/// first content word (PAPs, rigid terms).
pub const SIZE_IN_FIRST_WORD: u32 = 0;

/// Byte offsets of the registers in `struct lull_proc_regs` at the start of
/// every proc (`LULL_PROC_OFFSET_*`): the heap pointer, the heap limit, the
/// data stack pointer and the fuel (steps left before the runtime is asked).
pub const PROC_OFFSET_HP: u32 = 0;
/// The heap limit (see [`PROC_OFFSET_HP`]).
pub const PROC_OFFSET_HL: u32 = 8;
/// The data stack pointer (see [`PROC_OFFSET_HP`]).
pub const PROC_OFFSET_SP: u32 = 16;
/// The fuel (see [`PROC_OFFSET_HP`]).
pub const PROC_OFFSET_FUEL: u32 = 24;
/// Byte offsets of the nursery's range in the proc, for inline updates
/// (`LULL_PROC_OFFSET_NURSERY_*`; Note [Inline updates] in `lull_rt.h`):
/// its lowest address.
pub const PROC_OFFSET_NURSERY_LO: u32 = 32;
/// The nursery's size in bytes (see [`PROC_OFFSET_NURSERY_LO`]).
pub const PROC_OFFSET_NURSERY_SIZE: u32 = 40;
/// Byte offset of the data stack's checked limit (`LULL_PROC_OFFSET_DS_CHECK`;
/// Note [Segmented stacks] in `rt/src/segment.c`): an entry whose sp is
/// beyond it calls the `ds_overflow` service.
pub const PROC_OFFSET_DS_CHECK: u32 = 48;
/// Byte offset of the proc's copy of the service table (`LULL_PROC_OFFSET_SVC`).
pub const PROC_OFFSET_SVC: u32 = 56;

/// The one symbol a crate exports: its entry (`LULL_ENTRY_SYMBOL`; Note
/// [Crate entries] in `rt/include/lull_rt.h`).
pub const ENTRY_SYMBOL: &str = "lull_entry";

/// The version of the service table this back end compiles against
/// (`LULL_SERVICES_VERSION`; Note [The service table] in
/// `rt/include/lull_rt.h`).
pub const SERVICES_VERSION: u32 = 3;

/// The runtime services in table order, by the names of their fields in
/// `struct lull_services`; the table starts with two words (version and
/// size), so service `i` is at byte offset `16 + 8 * i`
/// (`LULL_SVC_OFFSET_*`).
pub const SERVICES: [&str; 41] = [
    "gc",
    "make_pap",
    "rigid_apply",
    "str_unpack",
    "update_frames",
    "out_of_fuel",
    "putchar",
    "getchar",
    "dataid",
    "fshowchar",
    "uniprop",
    "fdec",
    "hputchar",
    "hcommit",
    "hgetchar",
    "hflush",
    "hclose",
    "pathchar",
    "hopen",
    "exit",
    "argcount",
    "argchar",
    "loop",
    "bad_apply",
    "error",
    "no_match",
    "no_match_con",
    "no_match_i64",
    "no_match_f64",
    "bad_case",
    "spawn",
    "procself",
    "newchan",
    "send",
    "recv",
    "wait",
    "exitchar",
    "yield",
    "blackhole",
    "morestack",
    "ds_overflow",
];

/// The size of the service table in bytes (`LULL_SERVICES_SIZE`).
pub const SERVICES_SIZE: u32 = 16 + 8 * SERVICES.len() as u32;

/// The byte offset of service `name` in the table.
///
/// # Panics
/// When `name` is not one of [`SERVICES`]: the code generator names
/// services by constant strings, so that is a bug in it.
pub fn service_offset(name: &str) -> u32 {
    match SERVICES.iter().position(|s| *s == name) {
        Some(i) => 16 + 8 * i as u32,
        None => panic!("no runtime service `{name}` in the service table"),
    }
}

/// Field kinds of a constructor descriptor (`LULL_FIELD_*`): a pointer to
/// an object.
pub const FIELD_VALUE: u32 = 0;
/// An unboxed 64-bit integer field (see [`FIELD_VALUE`]).
pub const FIELD_I64: u32 = 1;
/// An unboxed double field (see [`FIELD_VALUE`]).
pub const FIELD_F64: u32 = 2;

/// The number of tags (`LULL_TAG_COUNT`).
pub const TAG_COUNT: u32 = 8;

/// Object tags (`enum lull_tag`); the values are fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Tag {
    /// Moved by the collector; the first content word is the new address.
    Forward = 0,
    /// An updated thunk; the first content word is the value.
    Ref = 1,
    /// A function closure; `con_or_arity` is its arity.
    Fun = 2,
    /// A partial application; its size is in the first content word.
    Pap = 3,
    /// A free variable applied to a spine; its size is in the first content word.
    Rigid = 4,
    /// An unevaluated expression.
    Thunk = 5,
    /// A thunk under evaluation; entering it again reports `<<loop>>`.
    Blackhole = 6,
    /// A constructor; `con_or_arity` is its number.
    Con = 7,
}

impl Tag {
    /// All tags, in value order.
    pub const ALL: [Tag; TAG_COUNT as usize] =
        [Tag::Forward, Tag::Ref, Tag::Fun, Tag::Pap, Tag::Rigid, Tag::Thunk, Tag::Blackhole, Tag::Con];

    /// The tag's value in the info prefix.
    pub const fn value(self) -> u32 {
        self as u32
    }

    /// The name the C header gives the tag, without its `LULL_TAG_` prefix.
    pub const fn c_name(self) -> &'static str {
        match self {
            Tag::Forward => "FORWARD",
            Tag::Ref => "REF",
            Tag::Fun => "FUN",
            Tag::Pap => "PAP",
            Tag::Rigid => "RIGID",
            Tag::Thunk => "THUNK",
            Tag::Blackhole => "BLACKHOLE",
            Tag::Con => "CON",
        }
    }
}

/// The info prefix placed right before an entry code (`struct lull_info`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InfoPrefix {
    /// The constructor number of a CON, the arity of a FUN, else 0.
    pub con_or_arity: u32,
    /// For a CON, the number of non-pointer content words (laid out last).
    pub nptrs: u32,
    /// The size in words, entry word included, or [`SIZE_IN_FIRST_WORD`].
    pub size: u32,
    /// The object's tag.
    pub tag: Tag,
}

impl InfoPrefix {
    /// The prefix as four `u32` words in memory order.
    pub fn words(&self) -> [u32; 4] {
        [self.con_or_arity, self.nptrs, self.size, self.tag.value()]
    }
}

// The prefix must stay a whole number of entry alignments, and its fields
// must tile it in order.
const _: () = assert!(INFO_SIZE.is_multiple_of(ENTRY_ALIGN));
const _: () = assert!(INFO_OFFSET_NPTRS == INFO_OFFSET_CON_OR_ARITY + 4);
const _: () = assert!(INFO_OFFSET_SIZE == INFO_OFFSET_NPTRS + 4);
const _: () = assert!(INFO_OFFSET_TAG == INFO_OFFSET_SIZE + 4);
const _: () = assert!(INFO_OFFSET_TAG + 4 == INFO_SIZE);
