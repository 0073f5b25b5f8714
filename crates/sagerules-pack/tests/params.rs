//! `resolve_params`: defaults, overrides in both accepted shapes, checks, glob expansion.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

use sagerules_data::{Node, Value};
use sagerules_pack::{resolve_params, ParamError};

fn yaml(text: &str) -> Node {
    sagerules_data::load(text.as_bytes(), sagerules_data::Format::Yaml).unwrap()
}

fn resolved(user: &str) -> Node {
    resolve_params(Some(&yaml(user))).unwrap()
}

fn param<'a>(params: &'a Node, name: &str) -> &'a Node {
    params
        .get("SageRules")
        .and_then(|p| p.get(name))
        .unwrap_or_else(|| panic!("no {name}"))
}

fn texts(node: &Node) -> Vec<&str> {
    node.as_list()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect()
}

fn error(user: &str) -> ParamError {
    resolve_params(Some(&yaml(user))).unwrap_err()
}

#[test]
fn defaults_are_documented_values() {
    let params = resolve_params(None).unwrap();
    assert_eq!(param(&params, "maxRuntimeSeconds").value, Value::Int(86400));
    assert_eq!(param(&params, "requireAlways").value, Value::Bool(false));
    assert_eq!(
        texts(param(&params, "supportedPlatforms")),
        ["notebook-al2023-v1"]
    );
    assert!(texts(param(&params, "kmsKeyArns")).is_empty());
    assert!(texts(param(&params, "allowedInstanceTypesExpanded")).is_empty());
}

#[test]
fn local_nvme_globs_expand_to_families_only() {
    let params = resolve_params(None).unwrap();
    let nvme = texts(param(&params, "localNvmeInstanceTypesExpanded"));
    for t in [
        "ml.g5.xlarge",
        "ml.p4d.24xlarge",
        "ml.m5d.large",
        "ml.trn1.32xlarge",
    ] {
        assert!(nvme.contains(&t), "{t} missing");
    }
    for t in ["ml.m5.xlarge", "ml.g4dn.xlarge.x", "ml.p4de"] {
        assert!(!nvme.contains(&t), "{t} should not be local NVMe");
    }
}

#[test]
fn config_input_parameters_are_strings() {
    let params = resolved(
        r#"{maxRuntimeSeconds: "3600", requireAlways: "TRUE", subnetIds: "subnet-1, subnet-2,"}"#,
    );
    assert_eq!(param(&params, "maxRuntimeSeconds").value, Value::Int(3600));
    assert_eq!(param(&params, "requireAlways").value, Value::Bool(true));
    assert_eq!(texts(param(&params, "subnetIds")), ["subnet-1", "subnet-2"]);
}

#[test]
fn a_parameters_file_may_wrap_them_in_the_pack_key() {
    let params = resolved("SageRules:\n  kmsKeyArns: [arn:aws:kms:us-east-1:1:key/a]\n");
    assert_eq!(
        texts(param(&params, "kmsKeyArns")),
        ["arn:aws:kms:us-east-1:1:key/a"]
    );
    assert_eq!(param(&params, "maxRuntimeSeconds").value, Value::Int(86400));
}

#[test]
fn allowed_instance_type_globs_expand_against_the_catalogue() {
    let params = resolved("allowedInstanceTypes: [ml.t3.*, ml.newfamily.large]");
    let allowed = texts(param(&params, "allowedInstanceTypesExpanded"));
    assert!(
        allowed.contains(&"ml.t3.medium") && allowed.contains(&"ml.t3.xlarge"),
        "{allowed:?}"
    );
    assert!(allowed.contains(&"ml.newfamily.large"));
    assert!(
        allowed
            .iter()
            .all(|t| t.starts_with("ml.t3.") || *t == "ml.newfamily.large"),
        "{allowed:?}"
    );
}

#[test]
fn instance_types_extend_the_catalogue_for_globs() {
    let params = resolved("allowedInstanceTypes: [ml.zz1.*]\ninstanceTypes: [ml.zz1.large]");
    assert_eq!(
        texts(param(&params, "allowedInstanceTypesExpanded")),
        ["ml.zz1.large"]
    );
}

#[test]
fn aws_reserved_tag_keys_are_ignored() {
    let params = resolved("requiredTagKeys: [team, 'aws:cloudformation:stack-name']");
    assert_eq!(texts(param(&params, "requiredTagKeys")), ["team"]);
}

#[test]
fn unknown_parameter_is_an_error_naming_the_known_ones() {
    let e = error("maxRuntime: 10");
    assert_eq!(e.name, "maxRuntime");
    assert!(e.message.contains("maxRuntimeSeconds"), "{}", e.message);
}

#[test]
fn wrong_types_are_errors() {
    assert_eq!(
        error(r#"maxRuntimeSeconds: "soon""#).message,
        "expected a whole number of seconds, at least 1, found \"soon\""
    );
    assert_eq!(error("maxRuntimeSeconds: 0").name, "maxRuntimeSeconds");
    assert_eq!(error("requireAlways: maybe").name, "requireAlways");
    assert_eq!(error("kmsKeyArns: {a: 1}").name, "kmsKeyArns");
    assert_eq!(error("subnetIds: [subnet-1, 2]").name, "subnetIds");
    assert_eq!(error("[a]").name, "SageRules");
}

#[test]
fn derived_parameters_cannot_be_set() {
    let e = error("allowedInstanceTypesExpanded: [ml.m5.large]");
    assert!(
        e.message.contains("set allowedInstanceTypes instead"),
        "{}",
        e.message
    );
}

#[test]
fn a_glob_matching_nothing_is_an_error() {
    let e = error("allowedInstanceTypes: [ml.m55.*]");
    assert_eq!(e.name, "allowedInstanceTypes");
    assert!(e.message.contains("ml.m55.*"), "{}", e.message);
}

#[test]
fn null_user_parameters_mean_defaults() {
    let params = resolve_params(Some(&yaml("null"))).unwrap();
    assert_eq!(param(&params, "maxRuntimeSeconds").value, Value::Int(86400));
}

#[test]
fn error_display_names_the_parameter() {
    assert_eq!(
        error("requireAlways: 3").to_string(),
        "parameter requireAlways: expected true or false, found int"
    );
}

/// `rules/cfn-guard-parameters.json` is the resolved defaults, for running the pack under
/// cfn-guard (`cfn-guard validate -r rules/x.rules -i rules/cfn-guard-parameters.json ...`),
/// which cannot expand globs itself. `SAGERULES_BLESS=1 cargo test` rewrites it.
#[test]
fn cfn_guard_parameters_file_is_the_resolved_defaults() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../rules/cfn-guard-parameters.json");
    let resolved = sagerules_data::to_json(&resolve_params(None).unwrap()) + "\n";
    if std::env::var_os("SAGERULES_BLESS").is_some() {
        std::fs::write(&path, &resolved).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(on_disk == resolved, "rules/cfn-guard-parameters.json is stale: run SAGERULES_BLESS=1 cargo test -p sagerules-pack");
}
