//! Every control of the spec is a rule of the pack, with complete metadata. The metadata is
//! read here from the `#@ key: value` lines directly above each rule, as the language defines.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

use std::collections::{BTreeMap, BTreeSet};

/// The rule names of `shared/spec/sagemaker-controls.md`, verbatim.
const SPEC_RULES: [&str; 47] = [
    "SAGEMAKER_TRAINING_JOB_VOLUME_KMS",
    "SAGEMAKER_TRAINING_JOB_OUTPUT_KMS",
    "SAGEMAKER_TRAINING_JOB_IN_VPC",
    "SAGEMAKER_TRAINING_JOB_NETWORK_ISOLATION",
    "SAGEMAKER_TRAINING_JOB_INTER_CONTAINER_ENCRYPTION",
    "SAGEMAKER_TRAINING_JOB_MAX_RUNTIME",
    "SAGEMAKER_TRAINING_JOB_INSTANCE_TYPE_ALLOWED",
    "SAGEMAKER_TRAINING_JOB_REQUIRED_TAGS",
    "SAGEMAKER_HPO_JOB_VOLUME_KMS",
    "SAGEMAKER_HPO_JOB_OUTPUT_KMS",
    "SAGEMAKER_HPO_JOB_IN_VPC",
    "SAGEMAKER_HPO_JOB_NETWORK_ISOLATION",
    "SAGEMAKER_HPO_JOB_INTER_CONTAINER_ENCRYPTION",
    "SAGEMAKER_HPO_JOB_MAX_RUNTIME",
    "SAGEMAKER_HPO_JOB_INSTANCE_TYPE_ALLOWED",
    "SAGEMAKER_PROCESSING_JOB_VOLUME_KMS",
    "SAGEMAKER_PROCESSING_JOB_OUTPUT_KMS",
    "SAGEMAKER_PROCESSING_JOB_IN_VPC",
    "SAGEMAKER_PROCESSING_JOB_NETWORK_ISOLATION",
    "SAGEMAKER_PROCESSING_JOB_INTER_CONTAINER_ENCRYPTION",
    "SAGEMAKER_PROCESSING_JOB_MAX_RUNTIME",
    "SAGEMAKER_TRANSFORM_JOB_VOLUME_KMS",
    "SAGEMAKER_TRANSFORM_JOB_OUTPUT_KMS",
    "SAGEMAKER_NOTEBOOK_KMS",
    "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET",
    "SAGEMAKER_NOTEBOOK_ROOT_ACCESS_DISABLED",
    "SAGEMAKER_NOTEBOOK_IN_VPC",
    "SAGEMAKER_NOTEBOOK_PLATFORM",
    "SAGEMAKER_NOTEBOOK_IMDSV2",
    "SAGEMAKER_NOTEBOOK_INSTANCE_TYPE_ALLOWED",
    "SAGEMAKER_NOTEBOOK_REQUIRED_TAGS",
    "SAGEMAKER_ENDPOINT_CONFIG_KMS",
    "SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT",
    "SAGEMAKER_ENDPOINT_CONFIG_DATA_CAPTURE_KMS",
    "SAGEMAKER_ENDPOINT_CONFIG_ASYNC_OUTPUT_KMS",
    "SAGEMAKER_ENDPOINT_CONFIG_INSTANCE_TYPE_ALLOWED",
    "SAGEMAKER_MODEL_NETWORK_ISOLATION",
    "SAGEMAKER_MODEL_IN_VPC",
    "SAGEMAKER_MODEL_PRIVATE_REGISTRY",
    "SAGEMAKER_DOMAIN_VPC_ONLY",
    "SAGEMAKER_DOMAIN_KMS",
    "SAGEMAKER_MONITORING_NETWORK_ISOLATION",
    "SAGEMAKER_MONITORING_INTER_CONTAINER_ENCRYPTION",
    "SAGEMAKER_MONITORING_KMS",
    "SAGEMAKER_FEATURE_GROUP_KMS",
    "SAGEMAKER_INFERENCE_EXPERIMENT_KMS",
    "SAGEMAKER_REQUIRED_TAGS",
];

const KEYS: [&str; 5] = ["severity", "title", "description", "remediation", "see"];
const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];
const SEE_SOURCES: [&str; 7] = [
    "config",
    "securityhub",
    "checkov",
    "prowler",
    "guard",
    "cfn_nag",
    "iam",
];

/// The tools whose suppressions count for a rule: their `see:` ids must exist for
/// CloudFormation (rules/foreign-checks.txt).
const SUPPRESSING_TOOLS: [&str; 3] = ["checkov", "guard", "cfn_nag"];

#[test]
fn see_entries_of_suppressing_tools_name_cloudformation_checks_that_exist() {
    let listed = include_str!("../../../rules/foreign-checks.txt");
    let known: BTreeSet<&str> = listed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut named = 0;
    for (rule, meta) in pack_metadata() {
        for entry in meta.get("see").into_iter().flat_map(|s| s.split(',')) {
            let entry = entry.trim();
            let tool = entry.split(':').next().unwrap_or_default();
            if SUPPRESSING_TOOLS.contains(&tool) {
                named += 1;
                assert!(
                    known.contains(entry),
                    "{rule}: see {entry} is not a CloudFormation check of {tool} (rules/foreign-checks.txt)"
                );
            }
        }
    }
    assert!(named >= 10, "{named}");
}

/// Rule name → its `#@` metadata, for every exported rule (upper-case name) of the pack.
fn pack_metadata() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut rules = BTreeMap::new();
    for file in sagerules_pack::files() {
        let mut pending = BTreeMap::new();
        for line in file.text.lines() {
            if let Some(meta) = line.strip_prefix("#@ ") {
                let (key, value) = meta.split_once(':').unwrap();
                pending.insert(key.trim().to_string(), value.trim().to_string());
            } else if let Some(rest) = line.strip_prefix("rule ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let meta = std::mem::take(&mut pending);
                if name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
                {
                    assert!(
                        rules.insert(name.clone(), meta).is_none(),
                        "{name} defined twice"
                    );
                }
            } else {
                assert!(
                    pending.is_empty() || line.starts_with("#@"),
                    "metadata not directly above a rule in {}",
                    file.name
                );
            }
        }
    }
    rules
}

/// Rules beyond the spec, each with the issue that asked for it: the cross-resource rules of
/// `rules/stack.rules` (issue 11).
const ADDED_RULES: [&str; 2] = [
    "SAGEMAKER_STACK_EXECUTION_ROLE_LEAST_PRIVILEGE",
    "SAGEMAKER_STACK_KMS_KEY_ROTATION",
];

#[test]
fn the_pack_has_exactly_the_rules_of_the_spec_and_the_added_ones() {
    let pack: BTreeSet<String> = pack_metadata().into_keys().collect();
    let spec: BTreeSet<String> = SPEC_RULES
        .iter()
        .chain(&ADDED_RULES)
        .map(|s| s.to_string())
        .collect();
    assert_eq!(pack, spec);
}

/// Rules with no equivalent anywhere: the spec lists none in other tools, and IAM has no key
/// for them (CreateEndpointConfig has no sagemaker:OutputKmsKey; `tests/iam.rs` checks every
/// `see: iam:` key against the Service Authorization Reference).
const WITHOUT_EQUIVALENT: [&str; 2] = [
    "SAGEMAKER_ENDPOINT_CONFIG_DATA_CAPTURE_KMS",
    "SAGEMAKER_ENDPOINT_CONFIG_ASYNC_OUTPUT_KMS",
];

#[test]
fn every_rule_has_every_metadata_key() {
    for (rule, meta) in pack_metadata() {
        for key in KEYS {
            if key == "see" && WITHOUT_EQUIVALENT.contains(&rule.as_str()) {
                assert!(
                    !meta.contains_key("see"),
                    "{rule} now has an equivalent: update WITHOUT_EQUIVALENT"
                );
                continue;
            }
            assert!(
                meta.get(key).is_some_and(|v| !v.is_empty()),
                "{rule} lacks #@ {key}"
            );
        }
        assert!(
            meta.keys().all(|k| KEYS.contains(&k.as_str())),
            "{rule} has an unknown key: {meta:?}"
        );
    }
}

#[test]
fn severities_are_known_and_references_are_typed() {
    for (rule, meta) in pack_metadata() {
        assert!(
            SEVERITIES.contains(&meta["severity"].as_str()),
            "{rule}: {}",
            meta["severity"]
        );
        let see = meta.get("see").map(String::as_str).unwrap_or_default();
        for reference in see.split(", ").filter(|r| !r.is_empty()) {
            let (source, id) = reference.split_once(':').unwrap_or_default();
            assert!(
                SEE_SOURCES.contains(&source) && !id.is_empty(),
                "{rule}: bad reference {reference}"
            );
        }
    }
}

#[test]
fn remediation_names_a_property_and_an_api() {
    for (rule, meta) in pack_metadata() {
        let remediation = &meta["remediation"];
        let names_api = ["Create", "Update", "AddTags", "SDK"]
            .iter()
            .any(|w| remediation.contains(w));
        assert!(
            names_api,
            "{rule}: remediation names no API call: {remediation}"
        );
    }
}
