//! Combinations of parameter values ("worlds"): the failures that judging each parameter value
//! by value misses.
//!
//! Why: the evaluator judges a parameter with `AllowedValues` as alternatives that must all
//! pass, which is right for a check but wrong for a `when` guard or a filter, where "every
//! value holds" is read as the condition:
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
//! `InstanceCount > 1` does not hold for every value, so the rule is skipped; deployed with
//! `Count=2` the job is an unencrypted two-instance cluster. So the document is also judged
//! once per combination of the values of the parameters with `AllowedValues` that SageMaker
//! resources name, each parameter fixed to one value, and a resource that fails in some
//! combination fails, its findings naming the combination (`with Count=2`). Failures the
//! value-by-value pass already reports are kept as they are. Over [`MAX_WORLDS`]
//! combinations, only the value-by-value pass runs and a note says so.
//!
//! Not yet combined: parameters without `AllowedValues` (any value), `Conditions` and a
//! resource's `Condition:`.

use crate::params::{admits, Admits};
use sagerules_core::{Report, Status};
use sagerules_data::{Node, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The most combinations judged per document.
pub const MAX_WORLDS: usize = 64;

/// One combination: parameter → value, and its label (`Count=2, Mode=Enabled`).
pub struct World {
    pub values: HashMap<String, Node>,
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
/// `data` name (`Ref`, or `${Name}` in a `Fn::Sub`).
pub fn of(data: &Node) -> Worlds {
    let named = names_in_sagemaker_resources(data);
    let Some(declared) = data.get("Parameters").and_then(Node::as_map) else {
        return Worlds::None;
    };
    let mut choices: Vec<(String, Vec<Node>)> = Vec::new();
    for name in named {
        let Some(decl) = declared.get(name.as_str()) else {
            continue;
        };
        if let Admits::Values(values) = admits(&name, decl) {
            if values.len() >= 2 {
                choices.push((name, values));
            }
        }
    }
    if choices.is_empty() {
        return Worlds::None;
    }
    let count = choices
        .iter()
        .try_fold(1usize, |n, (_, values)| n.checked_mul(values.len()))
        .unwrap_or(usize::MAX);
    if count > MAX_WORLDS {
        return Worlds::TooMany {
            count,
            parameters: choices.into_iter().map(|(name, _)| name).collect(),
        };
    }
    Worlds::Each(combine(&choices))
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

/// Parameter names referred to inside `Resources.<id>` of SageMaker types, sorted.
fn names_in_sagemaker_resources(data: &Node) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let Some(resources) = data.get("Resources").and_then(Node::as_map) else {
        return names;
    };
    for resource in resources.values() {
        let sagemaker = resource
            .get("Type")
            .and_then(Node::as_str)
            .is_some_and(|t| t.starts_with("AWS::SageMaker::"));
        if sagemaker {
            collect_references(resource, &mut names);
        }
    }
    names
}

/// `{"Ref": name}` and the `${name}` of `{"Fn::Sub": ...}` anywhere under `node` (iterative).
fn collect_references(node: &Node, names: &mut BTreeSet<String>) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Map(map) => {
                if map.len() == 1 {
                    if let Some(name) = map.get("Ref").and_then(Node::as_str) {
                        names.insert(name.to_string());
                    }
                    if let Some(sub) = map.get("Fn::Sub") {
                        let text = sub
                            .as_str()
                            .or_else(|| sub.as_list().and_then(|l| l.first()?.as_str()));
                        names.extend(text.map(sub_names).unwrap_or_default());
                    }
                }
                stack.extend(map.values());
            }
            Value::List(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
}

/// `"a-${Env}-${AWS::Region}"` → `["Env", "AWS::Region"]` (`${!Literal}` is not a name).
fn sub_names(text: &str) -> Vec<String> {
    text.split("${")
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| !name.starts_with('!'))
        .map(str::to_string)
        .collect()
}

/// Adds to `base` (the value-by-value report) each resource that fails in `world` but not in
/// `base`, its findings labelled with the combination (a rule that gains a failing resource
/// fails), and each resource `base` did not reach that passes in `world` (a guard that holds
/// only in some combination).
pub fn add_failures(base: &mut Report, world: Report, label: &str) {
    for found in world.rules {
        let Some(rule) = base.rules.iter_mut().find(|r| r.rule == found.rule) else {
            continue;
        };
        for mut resource in found.resources {
            let existing = rule
                .resources
                .iter_mut()
                .find(|r| r.resource == resource.resource);
            match (resource.status, existing) {
                (Status::Fail, Some(existing)) if existing.status == Status::Fail => {}
                (Status::Fail, existing) => {
                    for finding in resource.failures.iter_mut() {
                        label_finding(finding, label);
                    }
                    match existing {
                        Some(existing) => {
                            existing.status = Status::Fail;
                            existing.failures = resource.failures;
                        }
                        None => {
                            resource.unknowns.clear();
                            rule.resources.push(resource);
                        }
                    }
                }
                (Status::Pass, None) => rule.resources.push(resource),
                _ => {}
            }
            rule.status = rule
                .resources
                .iter()
                .map(|r| r.status)
                .max()
                .unwrap_or(rule.status)
                .max(rule.status);
        }
    }
    let mut seen: BTreeMap<String, ()> = BTreeMap::new();
    for error in world.errors {
        let key = format!("{}\u{0}{}", error.rule, error.message);
        let known = base
            .errors
            .iter()
            .any(|e| e.rule == error.rule && e.message == error.message);
        if !known && seen.insert(key, ()).is_none() {
            base.errors.push(error);
        }
    }
}

fn label_finding(finding: &mut sagerules_core::Finding, label: &str) {
    let with = format!("with {label}");
    match &mut finding.message {
        Some(message) => message.push_str(&format!(" ({with})")),
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
        let Worlds::Each(worlds) = of(&data) else {
            panic!("expected combinations")
        };
        let labels: Vec<&str> = worlds.iter().map(|w| w.label.as_str()).collect();
        assert_eq!(
            labels,
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
        let Worlds::TooMany { count, parameters } = of(&data) else {
            panic!("expected too many")
        };
        assert_eq!((count, parameters.len()), (128, 7));
    }

    #[test]
    fn sub_names_skip_literals() {
        assert_eq!(
            sub_names("a-${Env}-${!Lit}-${AWS::Region}"),
            ["Env", "AWS::Region"]
        );
    }
}
