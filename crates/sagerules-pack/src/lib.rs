//! The bundled SageMaker rule pack: the `.rules` files of `rules/` compiled into the binaries
//! (so `sagerules check template.yaml` works on a fresh install), their families, their
//! parameter defaults and their IAM mapping. The shapes other than templates are turned into
//! the template shape by `sagerules-shapes`, which knows no rule.
//!
//! - [`files`] / [`sources`]: the rules files, e.g. `training.rules`; [`rule_set`]: them
//!   parsed and built.
//! - [`resolve_params`]: `rules/parameters.yaml` overlaid with the user's parameters, checked,
//!   with instance-type globs expanded: the document the rules read under `SageRules`.

pub mod families;
pub mod iam;
pub mod params;

pub use params::PARAMS_KEY;

use sagerules_core::Source;
use sagerules_data::Node;

/// One bundled rules file: its path relative to `rules/` and its text.
#[derive(Clone, Copy, Debug)]
pub struct PackFile {
    pub name: &'static str,
    pub text: &'static str,
}

/// `pack_file!("training.rules")` → the file's name and its text, read at compile time.
macro_rules! pack_file {
    ($name:literal) => {
        PackFile {
            name: $name,
            text: include_str!(concat!("../../../rules/", $name)),
        }
    };
}

/// One file per resource family; `tests/files.rs` fails when `rules/` holds a file not listed.
const FILES: [PackFile; 13] = [
    pack_file!("training.rules"),
    pack_file!("hpo.rules"),
    pack_file!("processing.rules"),
    pack_file!("transform.rules"),
    pack_file!("notebook.rules"),
    pack_file!("endpoint-config.rules"),
    pack_file!("model.rules"),
    pack_file!("domain.rules"),
    pack_file!("monitoring.rules"),
    pack_file!("feature-group.rules"),
    pack_file!("inference-experiment.rules"),
    pack_file!("tags.rules"),
    pack_file!("stack.rules"),
];

/// Every bundled rules file.
pub fn files() -> &'static [PackFile] {
    &FILES
}

/// The bundled files as sources for `RuleSet::build` (after parsing).
pub fn sources() -> Vec<Source> {
    files()
        .iter()
        .map(|f| Source {
            name: format!("rules/{}", f.name),
            text: f.text.to_string(),
        })
        .collect()
}

/// The bundled pack could not be built (a bug in the build, since the pack is compiled in).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{file}: {count} syntax error(s), first: {first}")]
    Parse {
        file: String,
        count: usize,
        first: String,
    },
    #[error("the rule pack does not compile: {0}")]
    Compile(String),
}

/// The bundled files parsed and built into one rule set, as every context runs them.
pub fn rule_set() -> Result<sagerules_core::RuleSet, BuildError> {
    let mut files = Vec::new();
    for source in sources() {
        let (file, errors) = sagerules_core::parse(&source.text);
        if let Some(first) = errors.first() {
            return Err(BuildError::Parse {
                file: source.name.clone(),
                count: errors.len(),
                first: first.message.clone(),
            });
        }
        files.push((source, file));
    }
    sagerules_core::RuleSet::build(files).map_err(|errors| {
        BuildError::Compile(
            errors
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default(),
        )
    })
}

/// The bundled default parameters, `rules/parameters.yaml`, as written.
pub const DEFAULT_PARAMETERS: &str = include_str!("../../../rules/parameters.yaml");

/// The bundled instance-type catalogue globs are matched against, `rules/instance-types.txt`.
pub const INSTANCE_TYPES: &str = include_str!("../../../rules/instance-types.txt");

/// A rule parameter value that is not acceptable, e.g. `maxRuntimeSeconds: "soon"`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("parameter {name}: {message}")]
pub struct ParamError {
    pub name: String,
    pub message: String,
    /// Where the offending value is in the parameters document (`Pos::default()` when the
    /// problem is not at one value).
    pub pos: sagerules_data::Pos,
}

impl ParamError {
    pub(crate) fn at(mut self, pos: sagerules_data::Pos) -> Self {
        self.pos = pos;
        self
    }
}

/// The parameters document the rules read (merged at the data root): the documented defaults
/// overlaid with `user` (from `--params` or the AWS Config rule's `InputParameters`), checked.
///
/// `user` is either the parameters themselves (`{"maxRuntimeSeconds": "3600"}`, as Config
/// passes them) or wrapped in the pack's key (`{"SageRules": {...}}`, as in a file shared with
/// cfn-guard). Lists may be YAML/JSON lists or comma-separated strings; numbers and booleans
/// may be strings. The result is `{"SageRules": {...}}` with the derived
/// `allowedInstanceTypesExpanded` and `localNvmeInstanceTypesExpanded` added.
pub fn resolve_params(user: Option<&Node>) -> Result<Node, ParamError> {
    resolve_params_all(user).map_err(|errors| errors.into_iter().next().unwrap_or_else(invalid))
}

fn invalid() -> ParamError {
    ParamError {
        name: params::PARAMS_KEY.to_string(),
        message: "invalid parameters".to_string(),
        pos: sagerules_data::Pos::default(),
    }
}

/// [`resolve_params`], with every parameter's error (at least one on `Err`), each with the
/// position of its value, for a CLI to report all of them at once.
pub fn resolve_params_all(user: Option<&Node>) -> Result<Node, Vec<ParamError>> {
    params::resolve(user).map_err(|errors| {
        if errors.is_empty() {
            vec![invalid()]
        } else {
            errors
        }
    })
}
