//! What the rules say about themselves: severity, title, description, remediation and
//! references (`#@ key: value` lines above a rule). `sagerules rules` lists it, SARIF puts it
//! in `tool.driver.rules`, and the text output takes the severity from it.
//!
//! The core's [`RuleSet::rules`] with the file and line of each rule, for display.

use crate::rulefiles::LoadedRules;
use sagerules_core::{RuleSet, Severity};

/// One reportable rule.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct RuleInfo {
    pub name: String,
    #[serde(serialize_with = "severity_str")]
    pub severity: Severity,
    pub title: Option<String>,
    pub description: Option<String>,
    pub remediation: Option<String>,
    /// References to the same control elsewhere (`#@ see: securityhub:SageMaker.1, config:x`).
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

/// Every reportable rule of every set, in rule-set order; a name defined in several sets is
/// listed once.
pub fn rules_of(sets: &[LoadedRules]) -> Vec<RuleInfo> {
    let mut infos: Vec<RuleInfo> = Vec::new();
    for loaded in sets {
        for rule in loaded.set.rules() {
            if !infos.iter().any(|i| i.name == rule.name) {
                infos.push(info(&loaded.set, rule));
            }
        }
    }
    infos
}

fn info(set: &RuleSet, rule: &sagerules_core::ruleset::RuleInfo) -> RuleInfo {
    let source = set.source(rule.source);
    RuleInfo {
        name: rule.name.clone(),
        severity: rule.severity,
        title: rule.title.clone(),
        description: rule.description.clone(),
        remediation: rule.remediation.clone(),
        see: rule.see.clone(),
        tags: rule.tags.clone(),
        file: source.map_or_else(String::new, |s| s.name.clone()),
        line: source.map_or(0, |s| {
            crate::diag::line_col(&s.text, rule.span.start as usize).0
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_prefers_the_title_then_the_description() {
        let mut info = RuleInfo {
            name: "R".into(),
            description: Some("first\nsecond".into()),
            ..RuleInfo::default()
        };
        assert_eq!(info.summary(), "first");
        info.title = Some("Title".into());
        assert_eq!(info.summary(), "Title");
    }
}
