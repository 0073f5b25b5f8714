//! `rules/iam.yaml` against the pack and the Service Authorization Reference matrix: every rule
//! has an entry, every `see: iam:KEY` is a key the rule's actions support, and a key an action
//! does not support is refused, never emitted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use sagerules_data::{Format, Node};
use sagerules_pack::iam::{
    generate_with, IamError, PolicyKind, Request, IAM_CONDITION_KEYS, IAM_MAPPING,
};
use std::collections::BTreeSet;

fn pack_rules() -> Vec<sagerules_core::ruleset::RuleInfo> {
    sagerules_pack::rule_set().unwrap().rules().to_vec()
}

fn mapping() -> Node {
    sagerules_data::load(IAM_MAPPING.as_bytes(), Format::Yaml).unwrap()
}

fn matrix() -> serde_json::Value {
    serde_json::from_str(IAM_CONDITION_KEYS).unwrap()
}

#[test]
fn every_pack_rule_has_an_iam_entry_and_every_entry_a_rule() {
    let names: BTreeSet<String> = pack_rules().into_iter().map(|r| r.name).collect();
    let mapped: BTreeSet<String> = mapping()
        .as_map()
        .unwrap()
        .keys()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(names, mapped);
}

#[test]
fn every_iam_reference_of_a_rule_is_a_key_its_actions_support() {
    let mapping = mapping();
    let matrix = matrix();
    for rule in pack_rules() {
        let keys: Vec<&str> = rule
            .see
            .iter()
            .filter_map(|s| s.strip_prefix("iam:"))
            .collect();
        let entry = mapping.get(&rule.name).unwrap();
        let actions: BTreeSet<&str> = entry
            .get("deny")
            .and_then(Node::as_list)
            .unwrap_or_default()
            .iter()
            .flat_map(|d| d.get("actions").and_then(Node::as_list).unwrap_or_default())
            .filter_map(Node::as_str)
            .collect();
        for key in keys {
            let generic = if key.starts_with("aws:RequestTag") {
                "aws:RequestTag/${TagKey}"
            } else {
                key
            };
            let supported = actions.iter().any(|action| {
                matrix["actions"][action]
                    .as_array()
                    .is_some_and(|ks| ks.iter().any(|k| k == generic))
            });
            assert!(
                supported,
                "{}: see iam:{key}, which none of its IAM actions {actions:?} supports",
                rule.name
            );
        }
    }
}

#[test]
fn a_key_an_action_does_not_support_is_refused() {
    let mapping = "SOME_RULE:\n  iam: full\n  why: test\n  deny:\n    - actions: [CreateTransformJob]\n      when: {Bool: {\"sagemaker:NetworkIsolation\": \"false\"}}\n";
    let params = sagerules_pack::resolve_params(None).unwrap();
    let rules = vec!["SOME_RULE".to_string()];
    let request = Request {
        rules: &rules,
        params: &params,
        kind: PolicyKind::Identity,
        exempt_principals: &[],
    };
    let errors = generate_with(&request, mapping, IAM_CONDITION_KEYS).unwrap_err();
    assert_eq!(
        errors,
        [IamError::UnsupportedKey {
            rule: "SOME_RULE".into(),
            action: "CreateTransformJob".into(),
            key: "sagemaker:NetworkIsolation".into(),
        }]
    );
}
