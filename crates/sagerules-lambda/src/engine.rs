//! The one place that calls the rule engine: load the bundled pack once per cold start, and
//! turn a [`Report`] on a one-resource document into an [`Outcome`] for that resource.
//!
//! Kept small on purpose: the engine and the pack evolve in parallel, and whatever changes in
//! their API should only touch this file.

use sagerules_core::ruleset::{RuleInfo, DEFAULT_RULE};
use sagerules_core::{evaluate, Finding, Input, Report, RuleSet, Severity, Status};
use sagerules_data::Node;

/// The bundled rule pack, compiled.
pub struct Engine {
    rules: RuleSet,
    names: Vec<String>,
}

/// The pack could not be loaded (a bug in the build, since the pack is compiled in).
pub type EngineError = sagerules_pack::BuildError;

/// What the selected rules said about one resource.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Rules that failed, each with its first reason.
    pub failed: Vec<RuleNote>,
    /// Rules that could not be evaluated: never a pass.
    pub errors: Vec<RuleNote>,
    /// Rules that passed.
    pub passed: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RuleNote {
    pub rule: String,
    pub reason: String,
}

impl Engine {
    /// Parses and builds the pack's sources.
    pub fn bundled() -> Result<Engine, EngineError> {
        let rules = sagerules_pack::rule_set()?;
        let mut names: Vec<String> = rules
            .rules()
            .iter()
            .map(|r| r.name.clone())
            .filter(|n| n != DEFAULT_RULE)
            .collect();
        names.sort();
        names.dedup();
        Ok(Engine { rules, names })
    }

    /// The compiled pack (for whole-template checks through `sagerules-cfn`).
    pub fn rule_set(&self) -> &RuleSet {
        &self.rules
    }

    /// The named, non-parameterized rules of the pack.
    pub fn rule_names(&self) -> &[String] {
        &self.names
    }

    /// The `#@` metadata of `rule` (severity, title, remediation).
    pub fn info(&self, rule: &str) -> Option<&RuleInfo> {
        self.rules.rules().iter().find(|info| info.name == rule)
    }

    /// The severity of `rule` (`medium` for a rule without a `#@ severity:` line).
    pub fn severity(&self, rule: &str) -> Severity {
        self.info(rule)
            .map(|info| info.severity)
            .unwrap_or_default()
    }

    /// Evaluates `only` on a one-resource document.
    pub fn check(&self, document: &Node, params: &Node, only: &[String]) -> Outcome {
        let input = Input {
            data: document,
            params: Some(params),
            expander: None,
            only: Some(only),
        };
        outcome(&evaluate(&self.rules, &input), only)
    }
}

/// Folds a report into per-rule notes, keeping only the selected rules (the engine may
/// report rules they depend on), sorted by rule name so annotations do not depend on the
/// order of the pack's files. A rule's verdict is the evaluator's, never recomputed from its
/// resources: the evaluator can fail a rule no resource failed (a `when` condition that
/// fails the whole rule), and that must not read as a pass.
pub fn outcome(report: &Report, only: &[String]) -> Outcome {
    let selected = |rule: &str| only.iter().any(|o| o == rule);
    let mut result = Outcome::default();
    for rule in report.rules.iter().filter(|r| selected(&r.rule)) {
        match rule.status {
            Status::Fail => result.failed.push(RuleNote {
                rule: rule.rule.clone(),
                reason: first_reason(rule.resources.iter().flat_map(|r| r.failures.iter())),
            }),
            Status::Pass => result.passed.push(rule.rule.clone()),
            Status::Skip => {}
        }
    }
    for error in report.errors.iter().filter(|e| selected(&e.rule)) {
        result.errors.push(RuleNote {
            rule: error.rule.clone(),
            reason: error.message.clone(),
        });
    }
    result.failed.sort_by(|a, b| a.rule.cmp(&b.rule));
    result.errors.sort_by(|a, b| a.rule.cmp(&b.rule));
    result.passed.sort();
    result
}

fn first_reason<'a>(mut findings: impl Iterator<Item = &'a Finding>) -> String {
    let Some(finding) = findings.next() else {
        return "failed".to_string();
    };
    if let Some(message) = finding
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        return message.to_string();
    }
    format!(
        "{}: expected {}, found {}",
        property_path(&finding.pointer),
        finding.expected,
        finding.found
    )
}

/// `/Resources/job/Properties/ResourceConfig/VolumeKmsKeyId` → `ResourceConfig.VolumeKmsKeyId`.
pub fn property_path(pointer: &sagerules_data::Pointer) -> String {
    let keys: Vec<_> = pointer.keys().collect();
    let rest = match keys.as_slice() {
        [resources, _, properties, rest @ ..]
            if resources == "Resources" && properties == "Properties" =>
        {
            rest
        }
        [resources, _, rest @ ..] if resources == "Resources" => rest,
        all => all,
    };
    if rest.iter().all(|key| key.is_empty()) {
        return pointer.to_string();
    }
    rest.join(".")
}
