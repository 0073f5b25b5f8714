//! `Metadata.sagerules.suppress`: a resource opting out of named rules, with a reason.
//!
//! Why: a template sometimes has a good reason to break a control (a public demo notebook),
//! and the gate must still pass. A suppression is never silent: the rule still runs, its
//! verdict for that resource is moved from the report into a [`Suppressed`] entry the CLI
//! prints, and a suppression without a reason is an error (and is not applied).
//!
//! Accepted forms:
//!
//! ```yaml
//! Metadata:
//!   sagerules:
//!     suppress:
//!       - rule: SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET
//!         reason: Public workshop notebook, no data
//!       - SAGEMAKER_NOTEBOOK_KMS        # a bare name takes the shared reason below
//!     reason: Workshop account only
//! ```
//!
//! A suppression on an `AWS::SageMaker::Pipeline` also covers its steps (`Pipeline/Train`).

use crate::error::CfnError;
use sagerules_core::{Report, ResourceResult, RuleResult, Severity, Status};
use sagerules_data::{Node, Pos, Value};
use std::collections::HashMap;

/// One rule a resource opts out of.
#[derive(Clone, Debug, PartialEq)]
pub struct Suppression {
    pub rule: String,
    pub reason: String,
    /// Where the rule name is written.
    pub pos: Pos,
}

/// A rule's verdict for a resource, set aside because the resource suppresses the rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Suppressed {
    pub rule: String,
    /// The rule's severity.
    pub severity: Severity,
    /// The logical id (`Notebook`, or `Pipeline/Train` for a pipeline step).
    pub resource: String,
    pub reason: String,
    /// Where the suppression is written.
    pub pos: Pos,
    /// The verdict the rule gave before it was set aside, with its findings.
    pub result: ResourceResult,
}

/// Every resource's suppressions, by logical id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Suppressions {
    by_resource: HashMap<String, Vec<Suppression>>,
}

impl Suppressions {
    /// Reads `Metadata.sagerules.suppress` of every resource; malformed entries become errors
    /// and are not applied.
    pub fn read(root: &Node) -> (Suppressions, Vec<CfnError>) {
        let mut out = Suppressions::default();
        let mut errors = Vec::new();
        let resources = root.get("Resources").and_then(Node::as_map);
        for (id, resource) in resources.into_iter().flatten() {
            let Some(meta) = resource.get("Metadata").and_then(|m| m.get("sagerules")) else {
                continue;
            };
            let entries = read_resource(id, meta, &mut errors);
            if !entries.is_empty() {
                out.by_resource.insert(id.to_string(), entries);
            }
        }
        (out, errors)
    }

    pub fn is_empty(&self) -> bool {
        self.by_resource.is_empty()
    }

    /// Every suppression, by logical id.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Suppression)> {
        self.by_resource
            .iter()
            .flat_map(|(id, list)| list.iter().map(move |s| (id.as_str(), s)))
    }

    /// The suppression of `rule` for `resource`, or for the pipeline a step belongs to.
    pub fn find(&self, resource: &str, rule: &str) -> Option<&Suppression> {
        let owner = resource
            .split_once('/')
            .map_or(resource, |(pipeline, _)| pipeline);
        [resource, owner]
            .into_iter()
            .filter_map(|id| self.by_resource.get(id))
            .flatten()
            .find(|s| s.rule == rule)
    }

    /// Moves the suppressed verdicts out of `report` and recomputes the affected rules'
    /// statuses from what is left.
    pub fn apply(&self, report: &mut Report) -> Vec<Suppressed> {
        let mut suppressed = Vec::new();
        if self.is_empty() {
            return suppressed;
        }
        for rule in &mut report.rules {
            let before = rule.resources.len();
            let (kept, removed): (Vec<_>, Vec<_>) = std::mem::take(&mut rule.resources)
                .into_iter()
                .partition(|r| self.lookup(&rule.rule, r).is_none());
            for result in removed {
                if let Some(s) = self.lookup(&rule.rule, &result) {
                    suppressed.push(entry(rule, s, result));
                }
            }
            rule.resources = kept;
            if rule.resources.len() != before {
                rule.status = combined(&rule.resources);
            }
        }
        suppressed
    }

    fn lookup(&self, rule: &str, result: &ResourceResult) -> Option<&Suppression> {
        self.find(result.resource.as_deref()?, rule)
    }
}

fn entry(rule: &RuleResult, s: &Suppression, result: ResourceResult) -> Suppressed {
    Suppressed {
        rule: rule.rule.clone(),
        severity: rule.severity,
        resource: result.resource.clone().unwrap_or_default(),
        reason: s.reason.clone(),
        pos: s.pos,
        result,
    }
}

/// The verdict of what is left: the worst status, `Skip` when nothing is left.
fn combined(resources: &[ResourceResult]) -> Status {
    resources
        .iter()
        .map(|r| r.status)
        .max()
        .unwrap_or(Status::Skip)
}

fn read_resource(id: &str, meta: &Node, errors: &mut Vec<CfnError>) -> Vec<Suppression> {
    let shared_reason = meta.get("reason").and_then(non_empty);
    let Some(list) = meta.get("suppress") else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &list.value {
        Value::List(items) => items.iter().collect(),
        Value::String(_) | Value::Map(_) => vec![list],
        _ => {
            errors.push(CfnError::BadSuppression {
                resource: id.to_string(),
                pos: list.pos,
            });
            return Vec::new();
        }
    };
    items
        .into_iter()
        .filter_map(|item| read_entry(id, item, shared_reason, errors))
        .collect()
}

/// `NAME` or `{rule: NAME, reason: TEXT}`.
fn read_entry(
    id: &str,
    item: &Node,
    shared_reason: Option<&str>,
    errors: &mut Vec<CfnError>,
) -> Option<Suppression> {
    let (rule, reason) = match &item.value {
        Value::String(name) => (Some(name.as_ref()), shared_reason),
        Value::Map(_) => (
            item.get("rule").and_then(Node::as_str),
            item.get("reason").and_then(non_empty).or(shared_reason),
        ),
        _ => (None, None),
    };
    let Some(rule) = rule.map(str::trim).filter(|r| !r.is_empty()) else {
        errors.push(CfnError::BadSuppression {
            resource: id.to_string(),
            pos: item.pos,
        });
        return None;
    };
    let Some(reason) = reason else {
        let (resource, rule) = (id.to_string(), rule.to_string());
        errors.push(CfnError::SuppressionWithoutReason {
            resource,
            rule,
            pos: item.pos,
        });
        return None;
    };
    Some(Suppression {
        rule: rule.to_string(),
        reason: reason.to_string(),
        pos: item.pos,
    })
}

fn non_empty(node: &Node) -> Option<&str> {
    node.as_str().map(str::trim).filter(|s| !s.is_empty())
}
