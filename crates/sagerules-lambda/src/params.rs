//! The Config rule's `InputParameters` (`ruleParameters` in the event): which rules of the
//! pack this Config rule runs, how jobs are reported, and the pack's own parameters.
//!
//! One Lambda backs many Config rules, so each rule says what it checks:
//!
//! ```json
//! {"families": "training,hpo", "rules": "SAGEMAKER_NOTEBOOK_KMS", "windowDays": "7",
//!  "jobResourceType": "AWS::::Account", "maxRuntimeSeconds": "3600"}
//! ```
//!
//! Config passes every value as a string, so lists are comma-separated strings (JSON arrays
//! and numbers are accepted too). Keys this module does not own go to
//! `sagerules_pack::resolve_params`, which checks them. Any invalid value is an error: the
//! caller logs it and sends no evaluation, never a guessed verdict.

use crate::jobs::JobKind;
use crate::node;
use sagerules_data::Node;
use sagerules_pack::families;
use serde_json::Value as Json;
use std::collections::BTreeSet;

/// Keys read here; every other key is a rule-pack parameter.
const OWN_KEYS: [&str; 6] = [
    "rules",
    "families",
    "jobResourceType",
    "windowDays",
    "describeConcurrency",
    "executionRoleName",
];

/// How job verdicts are reported to Config.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobResourceType {
    /// `AWS::SageMaker::TrainingJob` etc., one evaluation per job.
    Native,
    /// `AWS::::Account` (for accounts where Config rejects the job types): one evaluation for
    /// the account, naming the failing jobs in the annotation.
    Account,
}

/// Everything a Config rule's parameters decide.
#[derive(Clone, Debug)]
pub struct RuleConfig {
    /// The pack rules to evaluate, sorted.
    pub rules: Vec<String>,
    pub job_resource_type: JobResourceType,
    /// Jobs created in the last `window_days` days are swept (plus every job in progress).
    pub window_days: u32,
    pub describe_concurrency: usize,
    /// The pack's parameters, resolved and checked.
    pub pack_params: Node,
}

/// An invalid parameter, e.g. `windowDays: "a week"`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("invalid rule parameter {name}: {message}")]
pub struct ParamsError {
    pub name: String,
    pub message: String,
}

fn invalid(name: &str, message: impl Into<String>) -> ParamsError {
    ParamsError {
        name: name.to_string(),
        message: message.into(),
    }
}

impl RuleConfig {
    /// Reads the parameters; `known_rules` are the rule names the pack defines.
    pub fn from_parameters(
        params: &serde_json::Map<String, Json>,
        known_rules: &[String],
    ) -> Result<RuleConfig, ParamsError> {
        if non_empty_text(params.get("executionRoleName")).is_some() {
            return Err(invalid(
                "executionRoleName",
                "is not accepted: the role to assume is fixed by the deployment (SAGERULES_ASSUME_ROLE), so a rule parameter cannot redirect it",
            ));
        }
        Ok(RuleConfig {
            rules: select_rules(params, known_rules)?,
            job_resource_type: job_resource_type(params.get("jobResourceType"))?,
            window_days: bounded_int(params, "windowDays", 7, 1..=3650)?,
            describe_concurrency: bounded_int(params, "describeConcurrency", 8, 1..=64)? as usize,
            pack_params: pack_params(params)?,
        })
    }

    /// The job kinds some selected rule checks.
    pub fn job_kinds(&self) -> Vec<JobKind> {
        JobKind::ALL
            .into_iter()
            .filter(|k| self.checks_kind(*k))
            .collect()
    }

    fn checks_kind(&self, kind: JobKind) -> bool {
        self.rules.iter().any(|r| kind.judged_by(r))
    }

    /// Whether a selected rule reads the tags of jobs of `kind` and some tag key is required
    /// (otherwise the tag rules skip, and a ListTags call per job would be wasted).
    pub fn needs_tags(&self, kind: JobKind) -> bool {
        let tag_rule = self
            .rules
            .iter()
            .any(|r| kind.judged_by(r) && is_tag_rule(r));
        tag_rule && self.requires_tag_keys()
    }

    /// Whether some selected tag rule has a tag key to require, so judging any resource needs
    /// its tags (a `Describe*` response has none).
    pub fn reads_tags(&self) -> bool {
        let tag_rule = self.rules.iter().any(|r| is_tag_rule(r));
        tag_rule && self.requires_tag_keys()
    }

    fn requires_tag_keys(&self) -> bool {
        let keys = self
            .pack_params
            .get(sagerules_pack::PARAMS_KEY)
            .and_then(|p| p.get("requiredTagKeys"));
        keys.and_then(Node::as_list).is_some_and(|k| !k.is_empty())
    }
}

/// A JSON object in the syntax of InputParameters from the environment variable `name`
/// (`{"families": "notebook", "kmsKeyArns": "arn:…"}`); unset or empty is `{}`.
pub fn object_from_env(
    name: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<serde_json::Map<String, Json>, ParamsError> {
    match lookup(name) {
        Some(text) if !text.trim().is_empty() => match serde_json::from_str::<Json>(&text) {
            Ok(Json::Object(map)) => Ok(map),
            Ok(_) => Err(invalid(name, "not a JSON object")),
            Err(e) => Err(invalid(name, e.to_string())),
        },
        _ => Ok(serde_json::Map::new()),
    }
}

/// The rules and parameters events are judged with: `SAGERULES_EVENT_PARAMETERS` (a JSON
/// object like InputParameters), with `SAGERULES_EVENT_FAMILIES` (default `all`) and
/// `SAGERULES_EVENT_RULES` as shorthands for its `families` and `rules`.
pub fn event_rules(
    engine: &crate::engine::Engine,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<RuleConfig, ParamsError> {
    let mut params = object_from_env("SAGERULES_EVENT_PARAMETERS", lookup)?;
    let families = lookup("SAGERULES_EVENT_FAMILIES").filter(|f| !f.trim().is_empty());
    if let Some(families) = families {
        params.insert("families".into(), Json::String(families));
    }
    if let Some(rules) = lookup("SAGERULES_EVENT_RULES").filter(|r| !r.trim().is_empty()) {
        params.insert("rules".into(), Json::String(rules));
    }
    RuleConfig::from_parameters(&params, engine.rule_names())
}

/// `rules` and `families` together; neither means every rule of the pack.
fn select_rules(
    params: &serde_json::Map<String, Json>,
    known: &[String],
) -> Result<Vec<String>, ParamsError> {
    let names = text_list(params.get("rules"), "rules")?;
    let families = text_list(params.get("families"), "families")?;
    let mut chosen = BTreeSet::new();
    for name in &names {
        if !known.iter().any(|k| k == name) {
            return Err(invalid("rules", format!("unknown rule {name}")));
        }
        chosen.insert(name.clone());
    }
    for family in &families {
        let found = families::expand(family).ok_or_else(|| unknown_family(family))?;
        chosen.extend(
            known
                .iter()
                .filter(|k| found.iter().any(|f| f.has_rule(k)))
                .cloned(),
        );
    }
    if names.is_empty() && families.is_empty() {
        chosen.extend(known.iter().cloned());
    }
    if chosen.is_empty() {
        return Err(invalid(
            "rules",
            "the parameters select no rule of the pack",
        ));
    }
    Ok(chosen.into_iter().collect())
}

/// A rule that reads `requiredTagKeys`: the pack names each `*_REQUIRED_TAGS` (the generic
/// `SAGEMAKER_REQUIRED_TAGS` and its copies in the notebook and training families).
fn is_tag_rule(rule: &str) -> bool {
    rule.ends_with("_REQUIRED_TAGS")
}

fn unknown_family(family: &str) -> ParamsError {
    invalid(
        "families",
        format!(
            "unknown family {family} (known: {})",
            families::known_names()
        ),
    )
}

fn job_resource_type(value: Option<&Json>) -> Result<JobResourceType, ParamsError> {
    match non_empty_text(value).as_deref() {
        None | Some("native") => Ok(JobResourceType::Native),
        Some("account") | Some("AWS::::Account") => Ok(JobResourceType::Account),
        Some(other) => Err(invalid(
            "jobResourceType",
            format!("{other:?} is neither \"native\" nor \"AWS::::Account\""),
        )),
    }
}

/// A whole number from a JSON number or a string, within `range`; `default` when absent.
fn bounded_int(
    params: &serde_json::Map<String, Json>,
    name: &str,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, ParamsError> {
    let parsed = match params.get(name) {
        None | Some(Json::Null) => return Ok(default),
        Some(Json::Number(n)) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Some(Json::String(s)) if s.trim().is_empty() => return Ok(default),
        Some(Json::String(s)) => s.trim().parse::<u32>().ok(),
        Some(_) => None,
    };
    match parsed {
        Some(n) if range.contains(&n) => Ok(n),
        _ => Err(invalid(
            name,
            format!(
                "expected a whole number from {} to {}",
                range.start(),
                range.end()
            ),
        )),
    }
}

/// `"a, b"` or `["a","b"]` → `["a","b"]`; absent → `[]`.
fn text_list(value: Option<&Json>, name: &str) -> Result<Vec<String>, ParamsError> {
    let items: Vec<String> = match value {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::String(s)) => s.split(',').map(|p| p.trim().to_string()).collect(),
        Some(Json::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(|s| s.trim().to_string()))
            .collect::<Option<_>>()
            .ok_or_else(|| invalid(name, "expected a list of strings"))?,
        Some(_) => return Err(invalid(name, "expected a comma-separated string")),
    };
    Ok(items.into_iter().filter(|s| !s.is_empty()).collect())
}

fn non_empty_text(value: Option<&Json>) -> Option<String> {
    value
        .and_then(Json::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Every key this module does not own, handed to the pack's resolver. An empty string means
/// "not set" (CloudFormation templates pass `""` for optional parameters).
fn pack_params(params: &serde_json::Map<String, Json>) -> Result<Node, ParamsError> {
    let rest: serde_json::Map<String, Json> = params
        .iter()
        .filter(|(k, _)| !OWN_KEYS.contains(&k.as_str()))
        .filter(|(_, v)| !matches!(v, Json::String(s) if s.trim().is_empty()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let user = node::from_json(&Json::Object(rest));
    sagerules_pack::resolve_params(Some(&user)).map_err(|e| invalid(&e.name, e.message))
}
