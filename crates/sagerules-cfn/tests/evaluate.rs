//! End to end: templates checked with the evaluator through [`sagerules_cfn::check`], one
//! helper call per case. These need the real evaluator of `sagerules-core`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

mod common;

use common::run;
use sagerules_cfn::Checked;
use sagerules_core::{Finding, Status};

const NOTEBOOK_RULES: &str = r#"
let notebooks = Resources.*[ Type == 'AWS::SageMaker::NotebookInstance' ]

rule NO_INTERNET when %notebooks !empty {
    %notebooks.Properties.DirectInternetAccess == "Disabled"
}

rule KMS_SET when %notebooks !empty {
    %notebooks.Properties.KmsKeyId !empty
}

rule KMS_EXISTS when %notebooks !empty {
    %notebooks.Properties.KmsKeyId exists
}

rule TYPE_ALLOWED when %notebooks !empty {
    %notebooks.Properties.InstanceType in ["ml.t3.medium", "ml.t3.large"]
}

rule ROOT_DISABLED when %notebooks !empty {
    %notebooks.Properties.RootAccess == "Disabled"
}
"#;

/// The status of `rule` for `resource`.
fn status(checked: &Checked, rule: &str, resource: &str) -> Status {
    let found = checked.reports[0]
        .rules
        .iter()
        .find(|r| r.rule == rule)
        .unwrap_or_else(|| panic!("no rule {rule}"));
    let r = found
        .resources
        .iter()
        .find(|r| r.resource.as_deref() == Some(resource));
    r.unwrap_or_else(|| panic!("{rule}: no verdict for {resource}: {found:?}"))
        .status
}

fn findings<'c>(checked: &'c Checked, rule: &str, unknown: bool) -> Vec<&'c Finding> {
    let found = checked.reports[0]
        .rules
        .iter()
        .find(|r| r.rule == rule)
        .unwrap();
    found
        .resources
        .iter()
        .flat_map(|r| if unknown { &r.unknowns } else { &r.failures })
        .collect()
}

fn finding_text(f: &Finding) -> String {
    format!(
        "{} | {} | {}",
        f.expected,
        f.found,
        f.message.as_deref().unwrap_or_default()
    )
}

fn notebook(params: &str, props: &str) -> String {
    format!(
        "Parameters:\n{params}\nResources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n{props}\n"
    )
}

// --- the three parameter categories -------------------------------------------------------

#[test]
fn not_exposed_unconstrained_parameter_fails_naming_it() {
    let t = notebook(
        "  NotebookInternet: {Type: String, Default: Disabled}",
        "      DirectInternetAccess: !Ref NotebookInternet",
    );
    let checked = run(NOTEBOOK_RULES, &t);
    assert_eq!(status(&checked, "NO_INTERNET", "Nb"), Status::Fail);
    let texts: Vec<String> = findings(&checked, "NO_INTERNET", false)
        .into_iter()
        .map(finding_text)
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("parameter NotebookInternet, which allows any value")),
        "{texts:?}"
    );
}

#[test]
fn not_exposed_parameter_with_only_secure_values_passes() {
    let t = notebook(
        "  Internet: {Type: String, AllowedValues: [Disabled]}",
        "      DirectInternetAccess: !Ref Internet",
    );
    assert_eq!(
        status(&run(NOTEBOOK_RULES, &t), "NO_INTERNET", "Nb"),
        Status::Pass
    );
}

#[test]
fn not_exposed_parameter_allowing_an_insecure_value_fails() {
    let t = notebook(
        "  Internet: {Type: String, AllowedValues: [Enabled, Disabled]}",
        "      DirectInternetAccess: !Ref Internet",
    );
    assert_eq!(
        status(&run(NOTEBOOK_RULES, &t), "NO_INTERNET", "Nb"),
        Status::Fail
    );
}

#[test]
fn restricted_instance_type_passes_when_every_allowed_value_passes() {
    let good = notebook(
        "  Type: {Type: String, AllowedValues: [ml.t3.medium, ml.t3.large]}",
        "      InstanceType: !Ref Type",
    );
    assert_eq!(
        status(&run(NOTEBOOK_RULES, &good), "TYPE_ALLOWED", "Nb"),
        Status::Pass
    );
    let bad = notebook(
        "  Type: {Type: String, AllowedValues: [ml.t3.medium, ml.p4d.24xlarge]}",
        "      InstanceType: !Ref Type",
    );
    assert_eq!(
        status(&run(NOTEBOOK_RULES, &bad), "TYPE_ALLOWED", "Nb"),
        Status::Fail
    );
    let free = notebook("  Type: {Type: String}", "      InstanceType: !Ref Type");
    assert_eq!(
        status(&run(NOTEBOOK_RULES, &free), "TYPE_ALLOWED", "Nb"),
        Status::Fail
    );
}

#[test]
fn validated_kms_parameter_passes_only_when_it_cannot_be_empty() {
    let free = notebook("  Key: {Type: String}", "      KmsKeyId: !Ref Key");
    let checked = run(NOTEBOOK_RULES, &free);
    assert_eq!(status(&checked, "KMS_SET", "Nb"), Status::Fail);
    let texts: Vec<String> = findings(&checked, "KMS_SET", false)
        .into_iter()
        .map(finding_text)
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("parameter Key")),
        "{texts:?}"
    );
    assert_eq!(status(&checked, "KMS_EXISTS", "Nb"), Status::Fail);
    let min = notebook(
        "  Key: {Type: String, MinLength: 1}",
        "      KmsKeyId: !Ref Key",
    );
    assert_eq!(
        status(&run(NOTEBOOK_RULES, &min), "KMS_SET", "Nb"),
        Status::Pass
    );
    assert_eq!(
        status(&run(NOTEBOOK_RULES, &min), "KMS_EXISTS", "Nb"),
        Status::Pass
    );
    let pattern = notebook(
        "  Key: {Type: String, AllowedPattern: 'arn:aws:kms:.+'}",
        "      KmsKeyId: !Ref Key",
    );
    assert_eq!(
        status(&run(NOTEBOOK_RULES, &pattern), "KMS_SET", "Nb"),
        Status::Pass
    );
}

// --- intrinsics ---------------------------------------------------------------------------

#[test]
fn get_att_passes_existence_and_is_unknown_for_comparisons() {
    let t = notebook(
        "  Unused: {Type: String}",
        "      KmsKeyId: !GetAtt Key.Arn\n      RootAccess: !ImportValue SharedRootAccess",
    );
    let checked = run(NOTEBOOK_RULES, &t);
    assert_eq!(status(&checked, "KMS_SET", "Nb"), Status::Pass);
    assert_ne!(status(&checked, "ROOT_DISABLED", "Nb"), Status::Fail);
    let unknowns: Vec<String> = findings(&checked, "ROOT_DISABLED", true)
        .into_iter()
        .map(finding_text)
        .collect();
    assert!(
        unknowns
            .iter()
            .any(|t| t.contains("Fn::ImportValue SharedRootAccess")),
        "{unknowns:?}"
    );
}

#[test]
fn if_with_no_value_makes_the_property_possibly_absent() {
    let t = notebook(
        "  Unused: {Type: String}",
        "      KmsKeyId: !If [HasKey, arn:aws:kms:us-east-1:111122223333:key/k, !Ref AWS::NoValue]",
    );
    let checked = run(NOTEBOOK_RULES, &t);
    assert_eq!(status(&checked, "KMS_EXISTS", "Nb"), Status::Fail);
}

#[test]
fn if_passes_only_when_both_branches_pass() {
    let both = notebook(
        "  Unused: {Type: String}",
        "      DirectInternetAccess: !If [Prod, Disabled, Disabled]",
    );
    assert_eq!(
        status(&run(NOTEBOOK_RULES, &both), "NO_INTERNET", "Nb"),
        Status::Pass
    );
    let one = notebook(
        "  Unused: {Type: String}",
        "      DirectInternetAccess: !If [Prod, Disabled, Enabled]",
    );
    assert_eq!(
        status(&run(NOTEBOOK_RULES, &one), "NO_INTERNET", "Nb"),
        Status::Fail
    );
}

#[test]
fn if_branch_with_an_unconstrained_parameter_fails_naming_it() {
    let t = notebook(
        "  Internet: {Type: String}",
        "      DirectInternetAccess: !If [Prod, Disabled, !Ref Internet]",
    );
    let checked = run(NOTEBOOK_RULES, &t);
    assert_eq!(status(&checked, "NO_INTERNET", "Nb"), Status::Fail);
    let texts: Vec<String> = findings(&checked, "NO_INTERNET", false)
        .into_iter()
        .map(finding_text)
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("parameter Internet")),
        "{texts:?}"
    );
}

#[test]
fn find_in_map_sub_join_and_select_resolve_statically() {
    let t = "Mappings:\n  Env: {prod: {Internet: Disabled}, dev: {Internet: Disabled}}\nResources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      DirectInternetAccess: !FindInMap [Env, !Ref AWS::Region, Internet]\n      RootAccess: !Join ['', [Dis, abled]]\n      InstanceType: !Select [0, [ml.t3.medium]]\n      KmsKeyId: !Sub 'arn:aws:kms:${AWS::Region}:111122223333:key/k'\n";
    let checked = run(NOTEBOOK_RULES, t);
    assert_eq!(status(&checked, "NO_INTERNET", "Nb"), Status::Pass);
    assert_eq!(status(&checked, "ROOT_DISABLED", "Nb"), Status::Pass);
    assert_eq!(status(&checked, "TYPE_ALLOWED", "Nb"), Status::Pass);
    assert_eq!(status(&checked, "KMS_SET", "Nb"), Status::Pass);
}

#[test]
fn string_booleans_count_as_booleans() {
    let rules_text = "rule ISOLATED { Resources.*[ Type == 'AWS::SageMaker::Model' ].Properties.EnableNetworkIsolation == true }";
    let t = "Resources:\n  M:\n    Type: AWS::SageMaker::Model\n    Properties:\n      EnableNetworkIsolation: 'true'\n";
    assert_eq!(status(&run(rules_text, t), "ISOLATED", "M"), Status::Pass);
}

// --- suppression --------------------------------------------------------------------------

#[test]
fn suppressed_rule_is_reported_as_suppressed_not_failed() {
    let t = "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Metadata:\n      sagerules:\n        suppress:\n          - rule: NO_INTERNET\n            reason: workshop\n    Properties:\n      DirectInternetAccess: Enabled\n      RootAccess: Enabled\n";
    let checked = run(NOTEBOOK_RULES, t);
    assert_eq!(status(&checked, "ROOT_DISABLED", "Nb"), Status::Fail);
    let rule = checked.reports[0]
        .rules
        .iter()
        .find(|r| r.rule == "NO_INTERNET")
        .unwrap();
    assert!(rule.resources.is_empty());
    assert_eq!(checked.suppressed.len(), 1);
    let s = &checked.suppressed[0];
    assert_eq!(
        (
            s.rule.as_str(),
            s.resource.as_str(),
            s.reason.as_str(),
            s.result.status
        ),
        ("NO_INTERNET", "Nb", "workshop", Status::Fail)
    );
    assert!(checked.notes.is_empty(), "{:?}", checked.notes);
}

#[test]
fn suppression_of_an_unknown_rule_is_noted() {
    let t = "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Metadata: {sagerules: {suppress: [NO_SUCH_RULE], reason: typo}}\n    Properties: {DirectInternetAccess: Disabled}\n";
    let checked = run(NOTEBOOK_RULES, t);
    assert_eq!(checked.notes.len(), 1);
    assert!(checked.notes[0].message.contains("NO_SUCH_RULE"));
}

#[test]
fn rule_messages_say_where_the_value_comes_from() {
    let rules_text = r#"rule NO_INTERNET {
    Resources.*[ Type == 'AWS::SageMaker::NotebookInstance' ].Properties.DirectInternetAccess == "Disabled"
    << internet access must be disabled >>
}"#;
    let free = notebook(
        "  Internet: {Type: String}",
        "      DirectInternetAccess: !Ref Internet",
    );
    let checked = run(rules_text, &free);
    let messages: Vec<&str> = findings(&checked, "NO_INTERNET", false)
        .iter()
        .filter_map(|f| f.message.as_deref())
        .collect();
    assert_eq!(
        messages,
        ["internet access must be disabled (DirectInternetAccess comes from parameter Internet, which allows any value)"]
    );
    let restricted = notebook(
        "  Internet: {Type: String, AllowedValues: [Enabled, Disabled]}",
        "      DirectInternetAccess: !Ref Internet",
    );
    let checked = run(rules_text, &restricted);
    let messages: Vec<&str> = findings(&checked, "NO_INTERNET", false)
        .iter()
        .filter_map(|f| f.message.as_deref())
        .collect();
    assert_eq!(
        messages,
        ["internet access must be disabled (DirectInternetAccess comes from parameter Internet (AllowedValues)) (with Internet=Enabled)"]
    );
}

#[test]
fn pipeline_steps_are_checked_as_jobs_with_the_pack_adapter() {
    let rules_text = "rule ISOLATED { Resources.*[ Type == 'AWS::SageMaker::TrainingJob' ].Properties.EnableNetworkIsolation == true }";
    let t = "Resources:\n  Pipe:\n    Type: AWS::SageMaker::Pipeline\n    Properties:\n      PipelineDefinition:\n        PipelineDefinitionBody: '{\"Steps\": [{\"Name\": \"A\", \"Type\": \"Training\", \"Arguments\": {\"EnableNetworkIsolation\": \"true\"}}, {\"Name\": \"A\", \"Type\": \"Training\", \"Arguments\": {}}]}'\n";
    let checked = run(rules_text, t);
    assert_eq!(status(&checked, "ISOLATED", "Pipe/A"), Status::Pass);
    assert_eq!(status(&checked, "ISOLATED", "Pipe/A#2"), Status::Fail);
}
