//! The pack's rules as IAM `Deny` statements: `rules/iam.yaml` says, per rule, which SageMaker
//! actions to deny under which condition keys (with the pack's parameters filled in), and
//! `rules/iam-condition-keys.json` (the Service Authorization Reference) says which keys each
//! action supports. Nothing is emitted for a key an action does not support: that is an error
//! of the mapping.
//!
//! ```text
//! SAGEMAKER_NOTEBOOK_KMS + defaults → {"Sid": "NotebookKms1", "Effect": "Deny",
//!   "Action": ["sagemaker:CreateNotebookInstance"], "Resource": "*",
//!   "Condition": {"Null": {"sagemaker:VolumeKmsKey": "true"}}}
//! ```
//!
//! Statements are packed into as few policies as fit the size limit of the policy kind
//! (characters without whitespace: 6,144 for an identity policy or permissions boundary,
//! 5,120 for an SCP).

use crate::params::PARAMS_KEY;
use sagerules_data::{Format, Node, Value};
use serde_json::{json, Map as JsonMap, Value as Json};
use std::collections::BTreeMap;

/// The rule → IAM mapping (`rules/iam.yaml`).
pub const IAM_MAPPING: &str = include_str!("../../../rules/iam.yaml");
/// Condition keys per SageMaker action (`rules/iam-condition-keys.json`).
pub const IAM_CONDITION_KEYS: &str = include_str!("../../../rules/iam-condition-keys.json");

/// Where the policies are attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    /// A customer managed policy on users or roles.
    Identity,
    /// A service control policy of AWS Organizations (no `Principal`).
    Scp,
    /// A permissions boundary: the denies, and an `Allow` of everything else (a boundary only
    /// limits; the identity policies still grant).
    Boundary,
}

impl PolicyKind {
    /// The largest policy, in characters without whitespace.
    pub fn size_limit(self) -> usize {
        match self {
            PolicyKind::Identity | PolicyKind::Boundary => 6_144,
            PolicyKind::Scp => 5_120,
        }
    }
}

/// How much of a rule IAM enforces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    Full,
    Partial,
    None,
    /// The rule has no entry in `rules/iam.yaml` (a rule of the user's own).
    Unmapped,
}

impl Coverage {
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Full => "full",
            Coverage::Partial => "partial",
            Coverage::None => "none",
            Coverage::Unmapped => "not mapped",
        }
    }
}

/// What the generator says about one rule (`iam-policy --explain`).
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    pub rule: String,
    pub coverage: Coverage,
    pub why: String,
    /// Statements emitted for the rule.
    pub statements: usize,
    /// Parameters whose statements were left out because they are not set (`kmsKeyArns`).
    pub unset: Vec<String>,
}

/// The policies, and the explanation per rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    pub documents: Vec<Json>,
    pub explained: Vec<Explained>,
}

/// Why no policy could be generated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IamError {
    #[error("rules/iam.yaml: {0}")]
    Mapping(String),
    #[error("rule {rule}: sagemaker:{action} does not support the condition key {key} (Service Authorization Reference)")]
    UnsupportedKey {
        rule: String,
        action: String,
        key: String,
    },
    #[error("rule {rule}: a statement of {size} characters does not fit a policy of {limit}")]
    TooLarge {
        rule: String,
        size: usize,
        limit: usize,
    },
}

/// What to generate.
pub struct Request<'a> {
    /// The rules to enforce, by name, in the order to emit them.
    pub rules: &'a [String],
    /// The resolved parameters (`resolve_params`): `{"SageRules": {...}}`.
    pub params: &'a Node,
    pub kind: PolicyKind,
    /// Principals (ARN patterns) the denies do not apply to: `aws:PrincipalArn` with
    /// `ArnNotLike` on every statement. Empty: none.
    pub exempt_principals: &'a [String],
}

/// Generates the policies for `request` from the pack's mapping and key matrix.
pub fn generate(request: &Request<'_>) -> Result<Generated, Vec<IamError>> {
    generate_with(request, IAM_MAPPING, IAM_CONDITION_KEYS)
}

/// [`generate`] with a mapping and matrix given as text (tests check the checks with their own).
pub fn generate_with(
    request: &Request<'_>,
    mapping: &str,
    matrix: &str,
) -> Result<Generated, Vec<IamError>> {
    let mapping = sagerules_data::load(mapping.as_bytes(), Format::Yaml)
        .map_err(|e| vec![IamError::Mapping(e.to_string())])?;
    let matrix = Matrix::parse(matrix).map_err(|e| vec![IamError::Mapping(e)])?;
    let params = request.params.get(PARAMS_KEY).unwrap_or(request.params);
    let mut statements = Vec::new();
    let mut explained = Vec::new();
    let mut errors = Vec::new();
    for rule in request.rules {
        let Some(entry) = mapping.get(rule) else {
            explained.push(Explained {
                rule: rule.clone(),
                coverage: Coverage::Unmapped,
                why: "not in rules/iam.yaml: the rule is enforced by the template gate and the Config rule only".into(),
                statements: 0,
                unset: Vec::new(),
            });
            continue;
        };
        match rule_statements(rule, entry, params, &matrix, request) {
            Ok((rule_statements, explanation)) => {
                statements.extend(rule_statements);
                explained.push(explanation);
            }
            Err(mut rule_errors) => errors.append(&mut rule_errors),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let documents = pack(statements, request.kind).map_err(|e| vec![e])?;
    Ok(Generated {
        documents,
        explained,
    })
}

/// Condition keys per action, from `rules/iam-condition-keys.json`.
struct Matrix(BTreeMap<String, Vec<String>>);

impl Matrix {
    fn parse(text: &str) -> Result<Matrix, String> {
        let doc: Json = serde_json::from_str(text).map_err(|e| format!("condition keys: {e}"))?;
        let actions = doc
            .get("actions")
            .and_then(Json::as_object)
            .ok_or("condition keys: no `actions` object")?;
        let mut map = BTreeMap::new();
        for (action, keys) in actions {
            let keys = keys
                .as_array()
                .map(|k| {
                    k.iter()
                        .filter_map(Json::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            map.insert(action.clone(), keys);
        }
        Ok(Matrix(map))
    }

    /// Whether `action` supports `key` (`aws:RequestTag/team` as `aws:RequestTag/${TagKey}`).
    fn supports(&self, action: &str, key: &str) -> bool {
        let generic = match key.split_once('/') {
            Some(("aws:RequestTag", _)) => "aws:RequestTag/${TagKey}",
            _ => key,
        };
        // Global keys (aws:PrincipalArn) apply to every action.
        let global = key == "aws:PrincipalArn";
        global
            || self
                .0
                .get(action)
                .is_some_and(|keys| keys.iter().any(|k| k == generic))
    }
}

/// A statement before packing: its rule (for errors) and its JSON.
struct Statement {
    rule: String,
    json: Json,
}

fn rule_statements(
    rule: &str,
    entry: &Node,
    params: &Node,
    matrix: &Matrix,
    request: &Request<'_>,
) -> Result<(Vec<Statement>, Explained), Vec<IamError>> {
    let bad = |what: &str| vec![IamError::Mapping(format!("{rule}: {what}"))];
    let coverage = match entry.get("iam").and_then(Node::as_str) {
        Some("full") => Coverage::Full,
        Some("partial") => Coverage::Partial,
        Some("none") => Coverage::None,
        _ => return Err(bad("`iam` must be full, partial or none")),
    };
    let why = entry
        .get("why")
        .and_then(Node::as_str)
        .ok_or_else(|| bad("`why` must say what IAM enforces"))?
        .to_string();
    let mut statements = Vec::new();
    let mut unset = Vec::new();
    let mut errors = Vec::new();
    let denies = entry
        .get("deny")
        .and_then(Node::as_list)
        .unwrap_or_default();
    for deny in denies {
        if let Some(needed) = deny.get("needs").and_then(Node::as_str) {
            if !is_set(params.get(needed)) {
                if !unset.iter().any(|u| u == needed) {
                    unset.push(needed.to_string());
                }
                continue;
            }
        }
        let actions: Vec<&str> = deny
            .get("actions")
            .and_then(Node::as_list)
            .map(|a| a.iter().filter_map(Node::as_str).collect())
            .unwrap_or_default();
        let Some(when) = deny.get("when").and_then(Node::as_map) else {
            return Err(bad("each deny needs a `when` map"));
        };
        let items: Vec<Option<String>> = match deny.get("each").and_then(Node::as_str) {
            Some(list) => {
                let values = texts(params.get(list));
                if values.is_empty() && !unset.iter().any(|u| u == list) {
                    unset.push(list.to_string());
                }
                values.into_iter().map(Some).collect()
            }
            None => vec![None],
        };
        for item in items {
            let condition = condition(when, params, item.as_deref(), request.exempt_principals);
            for action in &actions {
                for key in condition_keys(&condition) {
                    if !matrix.supports(action, &key) {
                        errors.push(IamError::UnsupportedKey {
                            rule: rule.to_string(),
                            action: action.to_string(),
                            key,
                        });
                    }
                }
            }
            let sid = format!("{}{}", sid_base(rule), statements.len() + 1);
            let actions: Vec<String> = actions.iter().map(|a| format!("sagemaker:{a}")).collect();
            statements.push(Statement {
                rule: rule.to_string(),
                json: json!({
                    "Sid": sid,
                    "Effect": "Deny",
                    "Action": actions,
                    "Resource": "*",
                    "Condition": condition,
                }),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let explained = Explained {
        rule: rule.to_string(),
        coverage,
        why,
        statements: statements.len(),
        unset,
    };
    Ok((statements, explained))
}

/// A parameter that turns statements on: a non-empty list, `true`, a non-empty string.
fn is_set(value: Option<&Node>) -> bool {
    match value.map(|v| &v.value) {
        Some(Value::List(items)) => !items.is_empty(),
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Int(_) | Value::Float(_)) => true,
        _ => false,
    }
}

/// A parameter's values as text: a list's items, or one scalar.
fn texts(value: Option<&Node>) -> Vec<String> {
    match value.map(|v| &v.value) {
        Some(Value::List(items)) => items.iter().filter_map(scalar_text).collect(),
        Some(_) => value.and_then(scalar_text).into_iter().collect(),
        None => Vec::new(),
    }
}

fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(s) => Some(s.to_string()),
        Value::Int(n) => Some(n.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The `Condition` block: `$param` values filled in, `$item` replaced, and the exempt
/// principals added.
fn condition(
    when: &sagerules_data::Map,
    params: &Node,
    item: Option<&str>,
    exempt: &[String],
) -> Json {
    let mut out = JsonMap::new();
    for (operator, keys) in when.iter() {
        let mut block = JsonMap::new();
        for (key, value) in keys.as_map().into_iter().flat_map(|m| m.iter()) {
            let key = item.map_or_else(|| key.to_string(), |i| key.replace("$item", i));
            block.insert(key, condition_value(value, params));
        }
        out.insert(operator.to_string(), Json::Object(block));
    }
    if !exempt.is_empty() {
        out.insert("ArnNotLike".into(), json!({ "aws:PrincipalArn": exempt }));
    }
    Json::Object(out)
}

/// `"$kmsKeyArns"` → the parameter's values (one value stays a string); anything else as
/// written.
fn condition_value(value: &Node, params: &Node) -> Json {
    match value.as_str().and_then(|s| s.strip_prefix('$')) {
        Some(name) => {
            let values = texts(params.get(name));
            match values.as_slice() {
                [one] => Json::String(one.clone()),
                _ => json!(values),
            }
        }
        None => Json::String(scalar_text(value).unwrap_or_default()),
    }
}

fn condition_keys(condition: &Json) -> Vec<String> {
    condition
        .as_object()
        .into_iter()
        .flat_map(|ops| ops.values())
        .filter_map(Json::as_object)
        .flat_map(|keys| keys.keys().cloned())
        .collect()
}

/// `SAGEMAKER_NOTEBOOK_KMS` → `NotebookKms`: a statement id (letters and digits only).
pub fn sid_base(rule: &str) -> String {
    rule.trim_start_matches("SAGEMAKER_")
        .split('_')
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<String>()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Characters of `value` as JSON without whitespace, as AWS counts a policy's size.
pub fn policy_size(value: &Json) -> usize {
    serde_json::to_string(value).map_or(usize::MAX, |s| s.len())
}

/// Packs the statements, in order, into as few documents as fit the kind's size limit.
fn pack(statements: Vec<Statement>, kind: PolicyKind) -> Result<Vec<Json>, IamError> {
    let limit = kind.size_limit();
    let document = |statements: &[Json]| {
        let mut all = Vec::with_capacity(statements.len() + 1);
        if kind == PolicyKind::Boundary {
            all.push(json!({"Sid": "AllowWithinBoundary", "Effect": "Allow", "Action": "*", "Resource": "*"}));
        }
        all.extend(statements.iter().cloned());
        json!({"Version": "2012-10-17", "Statement": all})
    };
    let mut documents = Vec::new();
    let mut current: Vec<Json> = Vec::new();
    for statement in statements {
        current.push(statement.json.clone());
        if policy_size(&document(&current)) <= limit {
            continue;
        }
        current.pop();
        if current.is_empty() {
            return Err(IamError::TooLarge {
                rule: statement.rule,
                size: policy_size(&document(&[statement.json])),
                limit,
            });
        }
        documents.push(document(&current));
        current = vec![statement.json.clone()];
        if policy_size(&document(&current)) > limit {
            return Err(IamError::TooLarge {
                rule: statement.rule,
                size: policy_size(&document(&current)),
                limit,
            });
        }
    }
    if !current.is_empty() || documents.is_empty() {
        documents.push(document(&current));
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_ids_are_letters_and_digits() {
        assert_eq!(sid_base("SAGEMAKER_NOTEBOOK_KMS"), "NotebookKms");
        assert_eq!(sid_base("SAGEMAKER_HPO_JOB_IN_VPC"), "HpoJobInVpc");
    }

    #[test]
    fn request_tag_keys_match_the_generic_key() {
        let matrix =
            Matrix::parse(r#"{"actions": {"CreateModel": ["aws:RequestTag/${TagKey}"]}}"#).unwrap();
        assert!(matrix.supports("CreateModel", "aws:RequestTag/team"));
        assert!(!matrix.supports("CreateModel", "sagemaker:NetworkIsolation"));
        assert!(matrix.supports("CreateModel", "aws:PrincipalArn"));
    }
}
