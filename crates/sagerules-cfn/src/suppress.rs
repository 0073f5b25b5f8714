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
//!
//! Other tools' suppressions count too, for the rules whose `#@ see:` names that tool's check
//! as the same control (`checkov:CKV_AWS_187`, `cfn_nag:W1201`,
//! `guard:SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED`), unless the caller turns them off:
//!
//! ```yaml
//! Metadata:
//!   checkov: {skip: [{id: CKV_AWS_187, comment: Demo data only}]}
//!   cfn_nag: {rules_to_suppress: [{id: W1201, reason: Demo data only}]}
//!   guard: {SuppressedRules: [SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED]}
//! ```
//!
//! Each is reported as suppressed with its origin (`checkov skip CKV_AWS_187`) and the
//! reason written there (Guard's form has none, which the report says).

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
    /// Whose suppression it is.
    pub origin: Origin,
}

/// Where a suppression is written: ours, or another tool's check found equivalent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `Metadata.sagerules.suppress`.
    Sagerules,
    /// Another tool's entry: its `see:` prefix (`checkov`, `cfn_nag`, `guard`) and check id.
    Foreign { tool: &'static str, id: String },
}

impl Origin {
    /// The metadata path of the entry under the resource, e.g. `Metadata/checkov/skip`.
    pub fn metadata_path(&self) -> &'static str {
        match self {
            Origin::Sagerules => "Metadata/sagerules/suppress",
            Origin::Foreign { tool, .. } => FOREIGN
                .iter()
                .find(|f| f.tool == *tool)
                .map_or("Metadata", |f| f.path),
        }
    }

    /// `checkov skip CKV_AWS_187`; `None` for ours.
    pub fn label(&self) -> Option<String> {
        match self {
            Origin::Sagerules => None,
            Origin::Foreign { tool, id } => {
                let form = FOREIGN
                    .iter()
                    .find(|f| f.tool == *tool)
                    .map_or("", |f| f.form);
                Some(format!("{tool} {form} {id}"))
            }
        }
    }
}

/// A tool's suppression format.
struct ForeignFormat {
    /// The `see:` prefix of its check ids.
    tool: &'static str,
    /// `Metadata.<key>.<list>`.
    key: &'static str,
    list: &'static str,
    path: &'static str,
    /// How the tool calls it, for labels.
    form: &'static str,
    /// The fields of an entry naming the check and the reason; `None`: entries are bare ids.
    fields: Option<(&'static str, &'static str)>,
}

const FOREIGN: [ForeignFormat; 3] = [
    ForeignFormat {
        tool: "checkov",
        key: "checkov",
        list: "skip",
        path: "Metadata/checkov/skip",
        form: "skip",
        fields: Some(("id", "comment")),
    },
    ForeignFormat {
        tool: "cfn_nag",
        key: "cfn_nag",
        list: "rules_to_suppress",
        path: "Metadata/cfn_nag/rules_to_suppress",
        form: "rules_to_suppress",
        fields: Some(("id", "reason")),
    },
    ForeignFormat {
        tool: "guard",
        key: "guard",
        list: "SuppressedRules",
        path: "Metadata/guard/SuppressedRules",
        form: "SuppressedRules",
        fields: None,
    },
];

/// A rule's verdict for a resource, set aside because the resource suppresses the rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Suppressed {
    pub rule: String,
    /// The rule's severity.
    pub severity: Severity,
    /// The logical id (`Notebook`, or `Pipeline/Train` for a pipeline step).
    pub resource: String,
    pub reason: String,
    pub origin: Origin,
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

    /// Adds the other tools' suppressions of every resource, each for the rules `equivalent`
    /// names for its check (`equivalent("checkov", "CKV_AWS_187")` →
    /// `["SAGEMAKER_NOTEBOOK_KMS", "SAGEMAKER_DOMAIN_KMS"]`). An id no rule lists is ignored:
    /// it suppresses that tool's check, not one of ours.
    pub fn add_foreign(&mut self, root: &Node, equivalent: &dyn Fn(&str, &str) -> Vec<String>) {
        let resources = root.get("Resources").and_then(Node::as_map);
        for (id, resource) in resources.into_iter().flatten() {
            let Some(meta) = resource.get("Metadata") else {
                continue;
            };
            for format in &FOREIGN {
                let entries = meta.get(format.key).and_then(|m| m.get(format.list));
                for entry in entries.and_then(Node::as_list).into_iter().flatten() {
                    let Some((check, reason, pos)) = foreign_entry(format, entry) else {
                        continue;
                    };
                    for rule in equivalent(format.tool, &check) {
                        let already = self.find(id, &rule).is_some();
                        if !already {
                            self.by_resource
                                .entry(id.to_string())
                                .or_default()
                                .push(Suppression {
                                    rule,
                                    reason: reason.clone(),
                                    pos,
                                    origin: Origin::Foreign {
                                        tool: format.tool,
                                        id: check.clone(),
                                    },
                                });
                        }
                    }
                }
            }
        }
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

/// An entry's check id, reason and the id's position: `{id: W1201, reason: ...}` or a bare
/// id (Guard, which has no reason field).
fn foreign_entry(format: &ForeignFormat, entry: &Node) -> Option<(String, String, Pos)> {
    match format.fields {
        Some((id_key, reason_key)) => {
            let id_node = entry.get(id_key)?;
            let id = non_empty(id_node)?;
            let reason = entry
                .get(reason_key)
                .and_then(non_empty)
                .unwrap_or("no reason given");
            Some((id.to_string(), reason.to_string(), id_node.pos))
        }
        None => {
            let id = non_empty(entry)?;
            let reason = format!("no reason given (Metadata.{}.{})", format.key, format.list);
            Some((id.to_string(), reason, entry.pos))
        }
    }
}

fn entry(rule: &RuleResult, s: &Suppression, result: ResourceResult) -> Suppressed {
    Suppressed {
        rule: rule.rule.clone(),
        severity: rule.severity,
        resource: result.resource.clone().unwrap_or_default(),
        reason: s.reason.clone(),
        origin: s.origin.clone(),
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
        origin: Origin::Sagerules,
    })
}

fn non_empty(node: &Node) -> Option<&str> {
    node.as_str().map(str::trim).filter(|s| !s.is_empty())
}
