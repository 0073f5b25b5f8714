//! Shared by the loader tests (`json.rs`, `yaml.rs`).

use sagerules_data::Node;

/// `(line, col)` of the value at a JSON pointer: `pos_at(&doc, "/a/0")`.
pub fn pos_at(node: &Node, pointer: &str) -> (u32, u32) {
    let found = node
        .pointer_get(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"));
    (found.pos.line, found.pos.col)
}
