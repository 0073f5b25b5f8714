//! Shared by the loader tests (`json.rs`, `yaml.rs`, `corpus.rs`, `yaml_differential.rs`); each
//! uses some of it.
#![allow(dead_code)]

use sagerules_data::Node;
use std::path::{Path, PathBuf};

/// `(line, col)` of the value at a JSON pointer: `pos_at(&doc, "/a/0")`.
pub fn pos_at(node: &Node, pointer: &str) -> (u32, u32) {
    let found = node
        .pointer_get(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"));
    (found.pos.line, found.pos.col)
}

/// The shared template corpus beside the checkout (`../shared/corpus/templates`).
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/templates")
}

/// Every data file under `dir`, recursively.
pub fn data_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            data_files(&path, out);
        } else if sagerules_data::is_data_path(&path.to_string_lossy()) {
            out.push(path);
        }
    }
}

/// The corpus's 2,029 data files, or `None` (said on stderr) when the corpus is not beside
/// the checkout.
pub fn corpus_files() -> Option<Vec<PathBuf>> {
    let dir = corpus_dir();
    if !dir.is_dir() {
        eprintln!("corpus not found at {}; skipped", dir.display());
        return None;
    }
    let mut files = Vec::new();
    data_files(&dir, &mut files);
    assert_eq!(files.len(), 2029, "corpus size changed");
    Some(files)
}
