//! Data documents (templates, test inputs, parameter files) from bytes, with load errors
//! turned into diagnostics that show the offending line.

use crate::diag::Diag;
use sagerules_data::{LoadError, Node};

/// Loads `bytes` read from `name`: JSON or YAML as the extension says, sniffed otherwise
/// (`.template`, standard input).
pub fn load(name: &str, bytes: &[u8]) -> Result<Node, Diag> {
    let loaded = if name == "-" {
        sagerules_data::load_auto(bytes)
    } else {
        sagerules_data::load_for_path(name, bytes)
    };
    loaded.map_err(|error| load_diag(name, bytes, &error))
}

fn load_diag(name: &str, bytes: &[u8], error: &LoadError) -> Diag {
    let text = String::from_utf8_lossy(bytes);
    Diag::at_line_col(name, &text, error.line as usize, error.col as usize, &error.message)
}
