//! The canonical layout of a rules file (`sagerules fmt`). STUB: replaced by the parser helper.

use crate::ast::RulesFile;

/// Prints `file` in canonical layout; `src` is the text it was parsed from (for comments).
pub fn format(file: &RulesFile, src: &str) -> String {
    let _ = (file, src);
    String::new()
}
