//! Data documents (templates, test inputs, parameter files) from bytes, with load errors
//! turned into diagnostics that show the offending line.

use crate::diag::Diag;
use sagerules_data::{ErrorKind, LoadError, Node};

/// Loads `bytes` read from `name`: YAML for `.yaml`/`.yml`, JSON (or YAML when that fails, as
/// CloudFormation reads templates) for the rest, standard input included.
pub fn load(name: &str, bytes: &[u8]) -> Result<Node, Diag> {
    load_with_warnings(name, bytes).map(|(node, _)| node)
}

/// [`load`], plus a warning for each key written twice (the later value is kept, as
/// CloudFormation and cfn-guard do) and for each tag that is not a CloudFormation short form.
pub fn load_with_warnings(name: &str, bytes: &[u8]) -> Result<(Node, Vec<Diag>), Diag> {
    let loaded = sagerules_data::load_lenient(name, bytes)
        .map_err(|error| load_diag(name, bytes, &error))?;
    let warnings = loaded
        .warnings
        .iter()
        .map(|w| load_diag(name, bytes, w).warning())
        .collect();
    Ok((loaded.node, warnings))
}

/// A template as CloudFormation would read it: like [`load_with_warnings`], but a tag that is
/// not a CloudFormation short form (`!Reff KeyParam`) is an error, since CloudFormation
/// rejects the template (and a rule would otherwise judge `{"Reff": "KeyParam"}`).
pub fn load_template(name: &str, text: &str) -> Result<(Node, Vec<Diag>), Vec<Diag>> {
    let bytes = text.as_bytes();
    let loaded = sagerules_data::load_lenient_text(name, text)
        .map_err(|error| vec![load_diag(name, bytes, &error)])?;
    let (errors, warnings): (Vec<&LoadError>, Vec<&LoadError>) = loaded
        .warnings
        .iter()
        .partition(|w| w.kind == ErrorKind::UnknownTag);
    if !errors.is_empty() {
        return Err(errors.iter().map(|e| load_diag(name, bytes, e)).collect());
    }
    let warnings = warnings
        .iter()
        .map(|w| load_diag(name, bytes, w).warning())
        .collect();
    Ok((loaded.node, warnings))
}

/// Why `bytes`, which are not UTF-8, cannot be read: the first bad byte's line and column.
pub fn not_utf8(name: &str, bytes: &[u8]) -> Diag {
    match sagerules_data::load_lenient(name, bytes) {
        Err(error) => load_diag(name, bytes, &error),
        Ok(_) => Diag::file(name, "not valid UTF-8"),
    }
}

fn load_diag(name: &str, bytes: &[u8], error: &LoadError) -> Diag {
    let text = String::from_utf8_lossy(bytes);
    Diag::at_line_col(
        name,
        &text,
        error.line as usize,
        error.col as usize,
        &error.message,
    )
}
