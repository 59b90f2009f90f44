//! Checks `lull_llvm::layout` against the C runtime header, the single
//! source of truth for the object layout (see `Note [Object layout]` in
//! `rt/include/lull_rt.h`).

use std::collections::BTreeMap;

use lull_llvm::layout::{self, Tag};

const HEADER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../rt/include/lull_rt.h");

/// The integer constants of the header: `#define LULL_NAME VALUE` lines and
/// `LULL_NAME = VALUE,` enumerators. A text scan, not a C parser: the header
/// promises to keep its constants in these two forms.
fn header_constants() -> BTreeMap<String, i64> {
    let text = std::fs::read_to_string(HEADER).unwrap_or_else(|e| panic!("reading {HEADER}: {e}"));
    let mut constants = BTreeMap::new();
    for line in text.lines() {
        let line = strip_comment(line).trim();
        let (name, value) = if let Some(rest) = line.strip_prefix("#define ") {
            match rest.split_once(char::is_whitespace) {
                Some((name, value)) => (name.trim(), value.trim()),
                None => continue, // An include guard.
            }
        } else if let Some((name, value)) = line.split_once('=') {
            (name.trim(), value.trim().trim_end_matches(','))
        } else {
            continue;
        };
        if !name.starts_with("LULL_") {
            continue;
        }
        if value.starts_with('"') {
            continue; // A string (LULL_ENTRY_SYMBOL), checked by its own test.
        }
        let value = value.trim_start_matches('(').trim_end_matches(')');
        let parsed =
            if let Some(hex) = value.strip_prefix("0x") { i64::from_str_radix(hex, 16) } else { value.parse() };
        match parsed {
            Ok(v) => {
                let previous = constants.insert(name.to_string(), v);
                assert!(previous.is_none(), "{name} is defined twice in {HEADER}");
            }
            Err(_) => panic!("{HEADER}: cannot read the value of {name}: {value:?}"),
        }
    }
    constants
}

fn strip_comment(line: &str) -> &str {
    let line = line.split("/*").next().unwrap_or("");
    line.split("//").next().unwrap_or("")
}

/// Every header constant with the value the Rust side gives it.
fn rust_constants() -> BTreeMap<String, i64> {
    let mut constants: BTreeMap<String, i64> = [
        ("LULL_WORD_SIZE", layout::WORD_SIZE),
        ("LULL_MIN_OBJECT_WORDS", layout::MIN_OBJECT_WORDS),
        ("LULL_INFO_SIZE", layout::INFO_SIZE),
        ("LULL_INFO_OFFSET_CON_OR_ARITY", layout::INFO_OFFSET_CON_OR_ARITY),
        ("LULL_INFO_OFFSET_NPTRS", layout::INFO_OFFSET_NPTRS),
        ("LULL_INFO_OFFSET_SIZE", layout::INFO_OFFSET_SIZE),
        ("LULL_INFO_OFFSET_TAG", layout::INFO_OFFSET_TAG),
        ("LULL_ENTRY_ALIGN", layout::ENTRY_ALIGN),
        ("LULL_SIZE_IN_FIRST_WORD", layout::SIZE_IN_FIRST_WORD),
        ("LULL_TAG_COUNT", layout::TAG_COUNT),
        ("LULL_PROC_OFFSET_HP", layout::PROC_OFFSET_HP),
        ("LULL_PROC_OFFSET_HL", layout::PROC_OFFSET_HL),
        ("LULL_PROC_OFFSET_SP", layout::PROC_OFFSET_SP),
        ("LULL_PROC_OFFSET_FUEL", layout::PROC_OFFSET_FUEL),
        ("LULL_PROC_OFFSET_NURSERY_LO", layout::PROC_OFFSET_NURSERY_LO),
        ("LULL_PROC_OFFSET_NURSERY_SIZE", layout::PROC_OFFSET_NURSERY_SIZE),
        ("LULL_PROC_OFFSET_DS_CHECK", layout::PROC_OFFSET_DS_CHECK),
        ("LULL_PROC_OFFSET_SVC", layout::PROC_OFFSET_SVC),
        ("LULL_SERVICES_VERSION", layout::SERVICES_VERSION),
        ("LULL_SERVICES_SIZE", layout::SERVICES_SIZE),
        ("LULL_FIELD_VALUE", layout::FIELD_VALUE),
        ("LULL_FIELD_I64", layout::FIELD_I64),
        ("LULL_FIELD_F64", layout::FIELD_F64),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), i64::from(value)))
    .collect();
    for tag in Tag::ALL {
        constants.insert(format!("LULL_TAG_{}", tag.c_name()), i64::from(tag.value()));
    }
    for name in layout::SERVICES {
        constants.insert(format!("LULL_SVC_OFFSET_{}", name.to_uppercase()), i64::from(layout::service_offset(name)));
    }
    constants
}

#[test]
fn rust_layout_constants_match_the_c_header() {
    let c = header_constants();
    let rust = rust_constants();
    for (name, value) in &rust {
        match c.get(name) {
            Some(c_value) => assert_eq!(c_value, value, "{name} is {c_value} in lull_rt.h but {value} in layout.rs"),
            None => panic!("{name} is in layout.rs but not in lull_rt.h"),
        }
    }
    for name in c.keys() {
        assert!(
            rust.contains_key(name),
            "{name} is defined in lull_rt.h but not mirrored in llvm-backend/src/layout.rs"
        );
    }
}

#[test]
fn the_entry_symbol_matches_the_c_header() {
    let text = std::fs::read_to_string(HEADER).unwrap();
    let line = format!("#define LULL_ENTRY_SYMBOL \"{}\"", layout::ENTRY_SYMBOL);
    assert!(text.lines().any(|l| l.trim() == line), "lull_rt.h lacks `{line}`");
}

#[test]
fn tags_are_numbered_in_order() {
    for (i, tag) in Tag::ALL.iter().enumerate() {
        assert_eq!(tag.value() as usize, i);
    }
    assert_eq!(Tag::ALL.len(), layout::TAG_COUNT as usize);
}

#[test]
fn header_scan_reads_both_forms() {
    let c = header_constants();
    assert_eq!(c.get("LULL_INFO_SIZE"), Some(&16));
    assert_eq!(c.get("LULL_TAG_CON"), Some(&7));
}
