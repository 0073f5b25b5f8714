//! The bundled SageMaker rule pack. STUB: the rule-pack engineer replaces the bodies, keeping
//! these signatures (the CLI and the Lambda code against them).
//!
//! The pack's `.rules` files live in `rules/` at the repository root and are compiled into the
//! binaries, so `sagerules check template.yaml` works on a fresh install.

pub mod adapt;

use sagerules_core::Source;
use sagerules_data::Node;

/// One bundled rules file: its path relative to `rules/` and its text.
#[derive(Clone, Copy, Debug)]
pub struct PackFile {
    pub name: &'static str,
    pub text: &'static str,
}

/// Every bundled rules file.
pub fn files() -> &'static [PackFile] {
    &[]
}

/// The bundled files as sources for `RuleSet::build` (after parsing).
pub fn sources() -> Vec<Source> {
    files()
        .iter()
        .map(|f| Source { name: format!("rules/{}", f.name), text: f.text.to_string() })
        .collect()
}

/// A rule parameter value that is not acceptable, e.g. `maxRuntimeSeconds: "soon"`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("parameter {name}: {message}")]
pub struct ParamError {
    pub name: String,
    pub message: String,
}

/// The parameters document the rules read (merged at the data root): the documented defaults
/// overlaid with `user` (from `--params` or the AWS Config rule's `InputParameters`), checked.
pub fn resolve_params(user: Option<&Node>) -> Result<Node, ParamError> {
    let _ = user;
    Ok(Node::new(sagerules_data::Value::Map(Default::default()), Default::default()))
}
