//! The project's gate policy, kept in the repository next to the templates, so a CI job and a
//! developer's `sagerules check` judge alike: `.sagerules.yaml` in the current directory, or
//! the file given with `--config`.
//!
//! ```yaml
//! check:
//!   fail-on: high            # like --fail-on
//!   fail-on-unknown: true    # like --fail-on-unknown: UNKNOWN fails the run
//!   allow-non-templates: false
//!   no-foreign-suppressions: true   # like --no-foreign-suppressions
//!   max-size: 2M
//!   root: .
//!   allow-outside: false
//!   rules: [rules/]          # used when --rules is not given
//!   params: params.yaml      # used when --params is not given
//! ```
//!
//! The command line wins over the file for every value it gives; a flag set in either place is
//! set. An unknown key or a wrongly typed value is an error at its line and column.

use crate::check::{Args, FailOn};
use crate::diag::Diag;
use crate::inputs::{self, InputPath};
use sagerules_data::{Node, Value};
use std::path::{Path, PathBuf};

/// The file read when `--config` is not given (and it exists).
pub const DEFAULT_FILE: &str = ".sagerules.yaml";

const CHECK_KEYS: [&str; 9] = [
    "fail-on",
    "fail-on-unknown",
    "allow-non-templates",
    "no-foreign-suppressions",
    "max-size",
    "root",
    "allow-outside",
    "rules",
    "params",
];

/// `args` with the configuration file's `check` settings filled in where the command line
/// left them unset.
pub fn apply(args: &Args) -> Result<Args, Vec<Diag>> {
    let path = match &args.config {
        Some(path) => path.clone(),
        None if Path::new(DEFAULT_FILE).is_file() => PathBuf::from(DEFAULT_FILE),
        None => return Ok(args.clone()),
    };
    let input = InputPath::File(path);
    let name = input.display();
    let text = input.read().map_err(|d| vec![d])?;
    let doc = crate::document::load(&name, text.as_bytes()).map_err(|d| vec![d])?;
    let mut reader = Reader {
        name: &name,
        text: &text,
        errors: Vec::new(),
    };
    let merged = reader.merge(args, &doc);
    if reader.errors.is_empty() {
        Ok(merged)
    } else {
        Err(reader.errors)
    }
}

struct Reader<'a> {
    name: &'a str,
    text: &'a str,
    errors: Vec<Diag>,
}

impl Reader<'_> {
    fn error(&mut self, at: &Node, message: String) {
        let (line, col) = (at.pos.line as usize, at.pos.col as usize);
        self.errors
            .push(Diag::at_line_col(self.name, self.text, line, col, message));
    }

    fn merge(&mut self, args: &Args, doc: &Node) -> Args {
        let mut out = args.clone();
        let Some(root) = self.map(doc, "the configuration") else {
            return out;
        };
        for (key, value) in root.iter() {
            if key != "check" {
                self.error(value, format!("unknown section `{key}` (sections: check)"));
            }
        }
        let Some(check) = root.get("check") else {
            return out;
        };
        let Some(check) = self.map(check, "check") else {
            return out;
        };
        for (key, value) in check.iter() {
            self.setting(&mut out, key, value);
        }
        out
    }

    fn map<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n sagerules_data::Map> {
        match &node.value {
            Value::Map(map) => Some(map),
            Value::Null => None,
            other => {
                let found = other.type_name();
                self.error(node, format!("{what} must be a map, found {found}"));
                None
            }
        }
    }

    fn setting(&mut self, out: &mut Args, key: &str, value: &Node) {
        match key {
            "fail-on" => {
                if out.fail_on.is_none() {
                    out.fail_on = self.severity(value);
                }
            }
            "fail-on-unknown" => out.fail_on_unknown |= self.flag(key, value),
            "allow-non-templates" => out.allow_non_templates |= self.flag(key, value),
            "no-foreign-suppressions" => out.no_foreign_suppressions |= self.flag(key, value),
            "allow-outside" => out.allow_outside |= self.flag(key, value),
            "max-size" => {
                if out.max_size.is_none() {
                    out.max_size = self.size(value);
                }
            }
            "root" => {
                if out.root.is_none() {
                    out.root = self.text(key, value).map(PathBuf::from);
                }
            }
            "params" => {
                if out.params.is_none() {
                    out.params = self.text(key, value).map(PathBuf::from);
                }
            }
            "rules" => {
                if out.rules.is_empty() {
                    out.rules = self.paths(value);
                }
            }
            unknown => {
                let hint = CHECK_KEYS
                    .iter()
                    .find(|k| strsim::levenshtein(k, unknown) <= 2)
                    .map(|k| format!(" (did you mean `{k}`?)"))
                    .unwrap_or_default();
                self.error(
                    value,
                    format!(
                        "unknown setting `check.{unknown}`{hint}; settings: {}",
                        CHECK_KEYS.join(", ")
                    ),
                );
            }
        }
    }

    fn flag(&mut self, key: &str, value: &Node) -> bool {
        match value.value {
            Value::Bool(b) => b,
            _ => {
                self.error(value, format!("check.{key} must be true or false"));
                false
            }
        }
    }

    fn text(&mut self, key: &str, value: &Node) -> Option<String> {
        match value.as_str() {
            Some(text) => Some(text.to_string()),
            None => {
                self.error(value, format!("check.{key} must be a path"));
                None
            }
        }
    }

    fn paths(&mut self, value: &Node) -> Vec<PathBuf> {
        match &value.value {
            Value::String(one) => vec![PathBuf::from(one.as_ref())],
            Value::List(items) => items
                .iter()
                .filter_map(|item| self.text("rules", item).map(PathBuf::from))
                .collect(),
            _ => {
                self.error(
                    value,
                    "check.rules must be a path or a list of paths".into(),
                );
                Vec::new()
            }
        }
    }

    fn severity(&mut self, value: &Node) -> Option<FailOn> {
        let parsed = value
            .as_str()
            .and_then(|text| <FailOn as clap::ValueEnum>::from_str(text, true).ok());
        if parsed.is_none() {
            self.error(
                value,
                "check.fail-on must be one of: critical, high, medium, low, info".into(),
            );
        }
        parsed
    }

    fn size(&mut self, value: &Node) -> Option<u64> {
        let parsed = match &value.value {
            Value::Int(n) => u64::try_from(*n).map_err(|_| "must be positive".to_string()),
            Value::String(text) => inputs::parse_size(text),
            _ => Err("must be a size such as 2M".to_string()),
        };
        match parsed {
            Ok(size) => Some(size),
            Err(why) => {
                self.error(value, format!("check.max-size: {why}"));
                None
            }
        }
    }
}
