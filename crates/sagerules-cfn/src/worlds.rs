//! Combinations of parameter values ("worlds"): a template judged once per choice of its
//! restricted parameters, so a guard, a filter and a check see one consistent deployment.
//!
//! Why: judged value by value, a parameter with `AllowedValues` is a set of alternatives that
//! must all pass, which is right for a check and wrong for a `when` guard or a filter, where
//! "every value holds" is read as the condition:
//!
//! ```yaml
//! Parameters:
//!   Count: {Type: Number, AllowedValues: [1, 2]}
//! Resources:
//!   Train:   # a pipeline step or a monitoring job: `when InstanceCount > 1` guards the rule
//!     Properties:
//!       ResourceConfig: {InstanceCount: !Ref Count}
//!       EnableInterContainerTrafficEncryption: false
//! ```
//!
//! `InstanceCount > 1` does not hold for every value, so value by value the rule is skipped;
//! deployed with `Count=2` the job is an unencrypted two-instance cluster. And correlated
//! values give findings no deployment has: `!If [IsProd, Disabled, Enabled]` on a resource with
//! `Condition: IsDev` never deploys `Disabled`. So the parameters with `AllowedValues` that the
//! SageMaker resources name (directly, or through the `Conditions` of their `Fn::If`s and their
//! `Condition:`) are combined; in each combination every such parameter takes one value,
//! `Fn::If` takes the branch its condition selects (both when the condition depends on
//! something else), and a resource whose `Condition:` is false is not there. A resource fails
//! when it fails in some combination, passes when it passes in some and fails in none; a
//! finding that not every combination gives names the first one that does (`with Count=2`). Over [`MAX_WORLDS`] combinations the template is judged value by value
//! and a note says so.
//!
//! A parameter without `AllowedValues` (any value) named in a `when` condition or a filter
//! could be chosen to meet it: each combination is also judged with every such comparison
//! holding (`with Count set to meet the rule's conditions`), since a rule whose guard a
//! deployer can open must hold when opened. Conditions over such a parameter keep both
//! branches.

use crate::conditions::{self, Truth};
use crate::params::{admits, Admits};
use crate::references::{self, Target};
use sagerules_core::{Finding, Report, ResourceResult, RuleResult, Status};
use sagerules_data::{Node, Pos, Value};
use std::collections::{BTreeSet, HashMap};

/// The most combinations judged per document.
pub const MAX_WORLDS: usize = 64;

/// One combination: parameter → value, and its label (`Count=2, Mode=Enabled`).
pub struct World {
    pub values: HashMap<String, Node>,
    /// Whether the freely chosen parameters are taken to meet `when` conditions and filters.
    pub free: bool,
    pub label: String,
}

/// What there is to combine in a document.
pub enum Worlds {
    /// No parameter with two or more `AllowedValues` is named by a SageMaker resource.
    None,
    Each(Vec<World>),
    /// More than [`MAX_WORLDS`] combinations: how many, and of which parameters.
    TooMany {
        count: usize,
        parameters: Vec<String>,
    },
}

/// The combinations of the parameters with `AllowedValues` that the SageMaker resources of
/// `data` name (`Ref`, `${Name}` in a `Fn::Sub`, or through a condition) and that the rules
/// reached (`reached`: a parameter no rule looked at changes no verdict), plus those of the
/// resources' own `Condition:`.
pub fn of(data: &Node, reached: &BTreeSet<String>) -> Worlds {
    let (named, used_conditions) = names_in_sagemaker_resources(data);
    let mut named: BTreeSet<String> = named.intersection(reached).cloned().collect();
    for condition in &used_conditions {
        named.extend(
            conditions::parameters(data, condition)
                .into_iter()
                .filter(|p| reached.contains(p)),
        );
    }
    named.extend(resource_condition_parameters(data));
    let Some(declared) = data.get("Parameters").and_then(Node::as_map) else {
        return Worlds::None;
    };
    let mut choices: Vec<(String, Vec<Node>)> = Vec::new();
    let mut free: Vec<String> = Vec::new();
    for name in named {
        let Some(decl) = declared.get(name.as_str()) else {
            continue;
        };
        match admits(&name, decl) {
            Admits::Values(values) if values.len() >= 2 => choices.push((name, values)),
            Admits::Values(_) => {}
            Admits::Anything { .. } => free.push(name),
        }
    }
    if choices.is_empty() && free.is_empty() {
        return Worlds::None;
    }
    let restricted = choices
        .iter()
        .try_fold(1usize, |n, (_, values)| n.checked_mul(values.len()))
        .unwrap_or(usize::MAX);
    let count = restricted.saturating_mul(if free.is_empty() { 1 } else { 2 });
    if count > MAX_WORLDS {
        let mut parameters: Vec<String> = choices.into_iter().map(|(name, _)| name).collect();
        parameters.extend(free);
        return Worlds::TooMany { count, parameters };
    }
    let mut worlds = combine(&choices);
    if !free.is_empty() {
        let meeting = format!("{} set to meet the rule's conditions", free.join(", "));
        let with_free: Vec<World> = worlds
            .iter()
            .map(|w| World {
                values: w.values.clone(),
                free: true,
                label: if w.label.is_empty() {
                    meeting.clone()
                } else {
                    format!("{}, {meeting}", w.label)
                },
            })
            .collect();
        worlds.extend(with_free);
    }
    Worlds::Each(worlds)
}

/// Every combination, the first parameter varying slowest.
fn combine(choices: &[(String, Vec<Node>)]) -> Vec<World> {
    let mut worlds = vec![Vec::<(String, Node)>::new()];
    for (name, values) in choices {
        worlds = worlds
            .into_iter()
            .flat_map(|partial| {
                values.iter().map(move |value| {
                    let mut next = partial.clone();
                    next.push((name.clone(), value.clone()));
                    next
                })
            })
            .collect();
    }
    worlds
        .into_iter()
        .map(|pairs| World {
            free: false,
            label: pairs
                .iter()
                .map(|(name, value)| format!("{name}={}", shown(value)))
                .collect::<Vec<_>>()
                .join(", "),
            values: pairs.into_iter().collect(),
        })
        .collect()
}

/// A value as it would be typed: `2`, `Enabled`, `subnet-1` (a one-element list shows its
/// element).
fn shown(value: &Node) -> String {
    match &value.value {
        Value::List(items) if items.len() == 1 => items.first().map(shown).unwrap_or_default(),
        Value::String(s) => s.to_string(),
        _ => sagerules_data::to_json(value),
    }
}

/// The parameters of the `Condition:` of SageMaker resources (they decide which exist).
fn resource_condition_parameters(data: &Node) -> BTreeSet<String> {
    let resources = data.get("Resources").and_then(Node::as_map);
    resources
        .into_iter()
        .flatten()
        .filter(|(_, r)| {
            r.get("Type")
                .and_then(Node::as_str)
                .is_some_and(|t| t.starts_with("AWS::SageMaker::"))
        })
        .filter_map(|(_, r)| r.get("Condition").and_then(Node::as_str))
        .flat_map(|name| conditions::parameters(data, name))
        .collect()
}

/// Parameter names referred to inside `Resources.<id>` of SageMaker types, and the
/// conditions they use (`Fn::If` and `Condition:`), sorted.
fn names_in_sagemaker_resources(data: &Node) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut names = BTreeSet::new();
    let mut used = BTreeSet::new();
    let Some(resources) = data.get("Resources").and_then(Node::as_map) else {
        return (names, used);
    };
    for resource in resources.values() {
        let sagemaker = resource
            .get("Type")
            .and_then(Node::as_str)
            .is_some_and(|t| t.starts_with("AWS::SageMaker::"));
        if sagemaker {
            if let Some(condition) = resource.get("Condition").and_then(Node::as_str) {
                used.insert(condition.to_string());
            }
            collect_references(resource, &mut names, &mut used);
        }
    }
    (names, used)
}

/// The names `Ref` and `Fn::Sub` variables refer to anywhere under `node` (parameters among
/// them), and the conditions of its `Fn::If`s ([`references::each_reference`]).
fn collect_references(node: &Node, names: &mut BTreeSet<String>, used: &mut BTreeSet<String>) {
    references::each_reference(node, &mut |reference| match reference.target {
        Target::Name(name) => {
            names.insert(name.to_string());
        }
        Target::Condition(condition) => {
            used.insert(condition.to_string());
        }
        Target::Resource(_) => {}
    });
}

/// Whether resource `id` exists in `world` (its `Condition:` is not false there).
pub fn present(data: &Node, id: &str, world: &HashMap<String, Node>) -> bool {
    let condition = data
        .get("Resources")
        .and_then(|r| r.get(id))
        .and_then(|r| r.get("Condition"))
        .and_then(Node::as_str);
    condition.is_none_or(|name| conditions::truth(data, name, world) != Truth::False)
}

/// One report from the reports of every combination (`(label, report)`, each with the
/// resources absent from it removed): per rule and resource, the worst status; the findings
/// of every combination that fails, each once, labelled with the first combination giving it
/// unless every combination that reached the resource gives it.
pub fn merge(worlds: Vec<(String, Report)>) -> Report {
    let mut merged = Report::default();
    let Some((_, first)) = worlds.first() else {
        return merged;
    };
    for (index, rule) in first.rules.iter().enumerate() {
        let per_world: Vec<(&str, &RuleResult)> = worlds
            .iter()
            .filter_map(|(label, report)| {
                let found = report.rules.get(index).filter(|r| r.rule == rule.rule);
                let found = found.or_else(|| report.rules.iter().find(|r| r.rule == rule.rule));
                found.map(|r| (label.as_str(), r))
            })
            .collect();
        merged
            .rules
            .push(merge_rule(rule, &per_world, worlds.len()));
    }
    for (_, report) in &worlds {
        for error in &report.errors {
            let known = merged
                .errors
                .iter()
                .any(|e| e.rule == error.rule && e.message == error.message);
            if !known {
                merged.errors.push(error.clone());
            }
        }
    }
    merged
}

fn merge_rule(first: &RuleResult, per_world: &[(&str, &RuleResult)], all: usize) -> RuleResult {
    let mut ids: Vec<Option<String>> = Vec::new();
    for (_, rule) in per_world {
        for resource in &rule.resources {
            if !ids.contains(&resource.resource) {
                ids.push(resource.resource.clone());
            }
        }
    }
    let resources = ids
        .into_iter()
        .map(|id| {
            let reached: Vec<(&str, &ResourceResult)> = per_world
                .iter()
                .filter_map(|(label, rule)| {
                    let found = rule.resources.iter().find(|r| r.resource == id)?;
                    Some((*label, found))
                })
                .collect();
            merge_resource(&reached, all)
        })
        .collect::<Vec<_>>();
    let status = per_world
        .iter()
        .map(|(_, r)| r.status)
        .chain(resources.iter().map(|r| r.status))
        .max()
        .unwrap_or(first.status);
    RuleResult {
        status,
        resources,
        ..first.clone()
    }
}

/// A resource's verdicts in the combinations that reached it (of `all`), as one.
fn merge_resource(reached: &[(&str, &ResourceResult)], all: usize) -> ResourceResult {
    let status = reached
        .iter()
        .map(|(_, r)| r.status)
        .max()
        .unwrap_or(Status::Skip);
    let base = reached.first().map(|(_, r)| (*r).clone());
    let mut merged = base.unwrap_or(ResourceResult {
        resource: None,
        resource_type: None,
        pos: Pos::default(),
        status,
        failures: Vec::new(),
        unknowns: Vec::new(),
    });
    merged.status = status;
    merged.failures = merged_findings(reached, all, |r| &r.failures);
    merged.unknowns = merged_findings(reached, all, |r| &r.unknowns);
    merged
}

/// Each distinct finding once, in the order first met; labelled with the first combination
/// giving it unless all `all` combinations give it.
fn merged_findings(
    reached: &[(&str, &ResourceResult)],
    all: usize,
    of: impl Fn(&ResourceResult) -> &Vec<Finding>,
) -> Vec<Finding> {
    let mut distinct: Vec<(Finding, &str, usize)> = Vec::new();
    for (label, result) in reached {
        for finding in of(result) {
            match distinct.iter_mut().find(|(f, _, _)| f == finding) {
                Some((_, _, count)) => *count += 1,
                None => distinct.push((finding.clone(), label, 1)),
            }
        }
    }
    distinct
        .into_iter()
        .map(|(mut finding, label, count)| {
            if count < all && !label.is_empty() {
                label_finding(&mut finding, label);
            }
            finding
        })
        .collect()
}

fn label_finding(finding: &mut sagerules_core::Finding, label: &str) {
    let with = format!("with {label}");
    match &mut finding.message {
        Some(message) => *message = format!("{message} ({with})").into(),
        None => finding.found = format!("{} ({with})", finding.found),
    }
    for alternative in finding.alternatives.iter_mut() {
        label_finding(alternative, label);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Node {
        Node::from_json_str(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn combines_the_restricted_parameters_sagemaker_resources_name() {
        let data = doc(
            r#"{"Parameters": {"Count": {"Type": "Number", "AllowedValues": [1, 2]},
                               "Mode": {"Type": "String", "AllowedValues": ["a", "b", "c"]},
                               "Free": {"Type": "String"},
                               "Bucket": {"Type": "String", "AllowedValues": ["x", "y"]}},
                "Resources": {
                  "Job": {"Type": "AWS::SageMaker::DataQualityJobDefinition",
                          "Properties": {"N": {"Ref": "Count"}, "M": {"Fn::Sub": "${Mode}-${Free}"}}},
                  "B": {"Type": "AWS::S3::Bucket", "Properties": {"Name": {"Ref": "Bucket"}}}}}"#,
        );
        let all: BTreeSet<String> = ["Count", "Mode", "Free", "Bucket"].map(String::from).into();
        let Worlds::Each(worlds) = of(&data, &all) else {
            panic!("expected combinations")
        };
        let labels: Vec<&str> = worlds.iter().map(|w| w.label.as_str()).collect();
        assert_eq!(labels.len(), 12, "{labels:?}");
        assert!(worlds[6..].iter().all(|w| w.free));
        assert_eq!(
            labels[6],
            "Count=1, Mode=a, Free set to meet the rule's conditions"
        );
        assert_eq!(
            labels[..6],
            [
                "Count=1, Mode=a",
                "Count=1, Mode=b",
                "Count=1, Mode=c",
                "Count=2, Mode=a",
                "Count=2, Mode=b",
                "Count=2, Mode=c"
            ]
        );
    }

    #[test]
    fn too_many_combinations_are_counted_not_enumerated() {
        let params: Vec<String> = (0..7)
            .map(|i| format!(r#""P{i}": {{"Type": "String", "AllowedValues": ["a", "b"]}}"#))
            .collect();
        let props: Vec<String> = (0..7)
            .map(|i| format!(r#""K{i}": {{"Ref": "P{i}"}}"#))
            .collect();
        let data = doc(&format!(
            r#"{{"Parameters": {{{}}}, "Resources": {{"M": {{"Type": "AWS::SageMaker::Model", "Properties": {{{}}}}}}}}}"#,
            params.join(","),
            props.join(",")
        ));
        let all: BTreeSet<String> = (0..7).map(|i| format!("P{i}")).collect();
        let Worlds::TooMany { count, parameters } = of(&data, &all) else {
            panic!("expected too many")
        };
        assert_eq!((count, parameters.len()), (128, 7));
    }

    #[test]
    fn sub_names_skip_literals_and_if_conditions_are_collected() {
        let node = Node::from_json_str(
            r#"{"A": {"Fn::Sub": "a-${Env}-${!Lit}-${AWS::Region}"},
                "B": {"Fn::If": ["IsProd", {"Ref": "Size"}, "x"]}}"#,
        )
        .unwrap();
        let (mut names, mut used) = (BTreeSet::new(), BTreeSet::new());
        collect_references(&node, &mut names, &mut used);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(names, ["AWS::Region", "Env", "Size"]);
        assert_eq!(used.into_iter().collect::<Vec<_>>(), ["IsProd"]);
    }
}
