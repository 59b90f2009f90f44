//! A tidy check: every `Note [Title]` that the sources mention is written
//! somewhere.
//!
//! Notes (GHC's convention) are how the back end and the runtime share one
//! explanation of the protocol between them, so a reference to a Note that
//! was renamed or never written is a broken link in the design. A Note is
//! *defined* by a heading line (`# Note [Title]`, in Rust docs or Markdown)
//! or by a line `Note [Title]` underlined on the next line with `~~~` or
//! `---` (C comments and plain text); any other mention is a reference.
//! The check runs as a test of this crate, so `cargo test` keeps it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The directories scanned (below the repository root) and the file
/// extensions that may hold Notes.
const ROOTS: &[&str] = &["frontend", "middle", "llvm-backend", "rt", "src", "xtask", "docs", "tests"];
const EXTENSIONS: &[&str] = &["rs", "c", "h", "ll", "md", "lalrpop"];

/// Every Note title referenced but not defined, with the places that
/// reference it.
pub fn undefined_notes(root: &Path) -> BTreeMap<String, Vec<String>> {
    let mut defined = BTreeSet::new();
    let mut referenced: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in source_files(root) {
        // This file talks about Notes without meaning any.
        if file.ends_with("xtask/src/notes.rs") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            for title in titles(line) {
                let underlined = lines.get(i + 1).is_some_and(|next| {
                    let t = next.trim_start_matches(|c: char| c == '/' || c == '*' || c == '!' || c.is_whitespace());
                    t.starts_with("~~~") || t.starts_with("---")
                });
                let heading = line.contains(&format!("# Note [{title}]"));
                if underlined || heading {
                    defined.insert(title);
                } else {
                    let place = format!("{}:{}", file.strip_prefix(root).unwrap_or(&file).display(), i + 1);
                    referenced.entry(title).or_default().push(place);
                }
            }
        }
    }
    referenced.retain(|title, _| !defined.contains(title));
    referenced
}

/// The titles of the Notes a line mentions.
fn titles(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("Note [") {
        let after = &rest[at + "Note [".len()..];
        match after.find(']') {
            Some(end) => {
                out.push(after[..end].to_string());
                rest = &after[end..];
            }
            None => break,
        }
    }
    out
}

fn source_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs: Vec<PathBuf> = ROOTS.iter().map(|d| root.join(d)).collect();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.contains(&e)) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_found() {
        assert_eq!(titles("see Note [A b] and Note [C]."), vec!["A b".to_string(), "C".to_string()]);
        assert!(titles("Note [unclosed").is_empty());
    }

    #[test]
    fn every_referenced_note_is_defined() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let missing = undefined_notes(&root);
        assert!(missing.is_empty(), "Notes referenced but never written: {missing:#?}");
    }
}
