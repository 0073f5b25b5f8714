//! What the rules say about themselves: severity, title, description, remediation and
//! references (`#@ key: value` lines above a rule). `sagerules rules` lists it, SARIF puts it
//! in `tool.driver.rules`, and the text output takes the severity from it.
//!
//! Read from the rule set's own sources (re-parsed: a few kilobytes, once per run), so the list
//! follows rule-set order.

use crate::rulefiles::LoadedRules;
use sagerules_core::ast::{Item, Rule};
use sagerules_core::{parse, Severity};

/// One reportable rule.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct RuleInfo {
    pub name: String,
    #[serde(serialize_with = "severity_str")]
    pub severity: Severity,
    pub title: Option<String>,
    pub description: Option<String>,
    pub remediation: Option<String>,
    /// References to the same control elsewhere (`#@ see: securityhub:SageMaker.1 config:x`,
    /// separated by spaces or commas).
    pub see: Vec<String>,
    pub tags: Vec<String>,
    /// The rules file that defines it.
    pub file: String,
    pub line: usize,
}

fn severity_str<S: serde::Serializer>(severity: &Severity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(severity.as_str())
}

impl RuleInfo {
    /// A one-line summary: the title, else the description's first line, else the name.
    pub fn summary(&self) -> &str {
        self.title
            .as_deref()
            .or_else(|| self.description.as_deref().and_then(|d| d.lines().next()))
            .unwrap_or(&self.name)
    }
}

/// Every reportable rule (named, not parameterized) of every set, in order; a name defined in
/// several sets is listed once.
pub fn rules_of(sets: &[LoadedRules]) -> Vec<RuleInfo> {
    let mut infos: Vec<RuleInfo> = Vec::new();
    for source in sets.iter().flat_map(|s| s.set.sources.iter()) {
        let (ast, _) = parse(&source.text);
        for rule in ast.items.iter().filter_map(reportable) {
            if !infos.iter().any(|i| i.name == rule.name.name) {
                infos.push(info(rule, &source.name, &source.text));
            }
        }
    }
    infos
}

fn reportable(item: &Item) -> Option<&Rule> {
    match item {
        Item::Rule(rule) if rule.params.is_empty() => Some(rule),
        _ => None,
    }
}

fn info(rule: &Rule, file: &str, text: &str) -> RuleInfo {
    let offset = rule.name.span.start as usize;
    let mut info = RuleInfo {
        name: rule.name.name.clone(),
        file: file.to_string(),
        line: crate::diag::line_col(text, offset).0,
        ..RuleInfo::default()
    };
    for meta in &rule.meta {
        apply(&mut info, &meta.key.name, meta.value.trim());
    }
    info
}

/// One `#@ key: value` line; repeated text keys continue the text on a new line.
fn apply(info: &mut RuleInfo, key: &str, value: &str) {
    match key {
        "severity" => info.severity = Severity::parse(value).unwrap_or_default(),
        "title" => append(&mut info.title, value),
        "description" => append(&mut info.description, value),
        "remediation" => append(&mut info.remediation, value),
        "see" => info.see.extend(value.split([' ', ',']).filter(|r| !r.is_empty()).map(String::from)),
        "tags" => info.tags.extend(value.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty())),
        _ => {}
    }
}

fn append(field: &mut Option<String>, value: &str) {
    match field {
        Some(text) => {
            text.push('\n');
            text.push_str(value);
        }
        None => *field = Some(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_text_keys_continue_the_text() {
        let mut info = RuleInfo::default();
        apply(&mut info, "description", "first");
        apply(&mut info, "description", "second");
        apply(&mut info, "see", "securityhub:SageMaker.1 config:notebook-kms,checkov:CKV_AWS_22");
        apply(&mut info, "severity", "HIGH");
        assert_eq!(info.description.as_deref(), Some("first\nsecond"));
        assert_eq!(info.see, ["securityhub:SageMaker.1", "config:notebook-kms", "checkov:CKV_AWS_22"]);
        assert_eq!(info.severity, Severity::High);
        assert_eq!(info.summary(), "first");
    }
}
