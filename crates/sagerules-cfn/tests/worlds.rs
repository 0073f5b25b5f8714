//! Combinations of parameter values: a `when` guard or a filter over a parameter with
//! `AllowedValues` is judged in each combination, so a stack that some choice of values
//! deploys insecure fails, naming the choice (issue 11, shapes 1 and 2).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

mod common;

use sagerules_cfn::error::NoteKind;
use sagerules_cfn::Checked;
use sagerules_core::Status;

/// The pack's shape: a rule guarded by the instance count, and a rule over a filter.
const RULES: &str = r#"
let jobs = Resources.*[ Type == 'AWS::SageMaker::DataQualityJobDefinition' ]
let capturing = Resources.*[ Type == 'AWS::SageMaker::EndpointConfig'
    Properties.DataCaptureConfig.EnableCapture == true ]

rule CLUSTER_ENCRYPTED when %jobs !empty {
    %jobs[ Properties.JobResources.ClusterConfig.InstanceCount >= 2 ] {
        Properties.NetworkConfig.EnableInterContainerTrafficEncryption == true
            << traffic between the instances is not encrypted >>
    }
}

rule CAPTURE_KMS when %capturing !empty {
    %capturing.Properties.DataCaptureConfig.KmsKeyId exists << captured data has no KMS key >>
}
"#;

fn run(yaml: &str) -> Checked {
    common::run(RULES, yaml)
}

/// (status, messages of the failures) of `rule` for `resource`; `None` when not reached.
fn verdict(checked: &Checked, rule: &str, resource: &str) -> Option<(Status, Vec<String>)> {
    let found = checked.reports[0].rules.iter().find(|r| r.rule == rule)?;
    let r = found
        .resources
        .iter()
        .find(|r| r.resource.as_deref() == Some(resource))?;
    let messages = r
        .failures
        .iter()
        .map(|f| f.message.as_deref().unwrap_or_default().to_string())
        .collect();
    Some((r.status, messages))
}

fn monitoring(count: &str, encrypted: bool) -> String {
    format!(
        "Parameters:\n  Count: {count}\nResources:\n  Quality:\n    Type: AWS::SageMaker::DataQualityJobDefinition\n    Properties:\n      JobResources:\n        ClusterConfig: {{InstanceCount: !Ref Count, InstanceType: ml.m5.large, VolumeSizeInGB: 20}}\n      NetworkConfig: {{EnableInterContainerTrafficEncryption: {encrypted}}}\n"
    )
}

#[test]
fn a_when_guard_over_a_restricted_parameter_fails_in_the_combination_that_meets_it() {
    let checked = run(&monitoring("{Type: Number, AllowedValues: [1, 2]}", false));
    let (status, messages) = verdict(&checked, "CLUSTER_ENCRYPTED", "Quality").unwrap();
    assert_eq!(status, Status::Fail);
    assert_eq!(
        messages,
        ["traffic between the instances is not encrypted (with Count=2)"]
    );
    assert_eq!(checked.reports[0].rules[0].status, Status::Fail);
}

#[test]
fn the_same_guard_passes_when_every_combination_that_meets_it_is_encrypted() {
    let checked = run(&monitoring("{Type: Number, AllowedValues: [1, 2]}", true));
    assert_eq!(
        verdict(&checked, "CLUSTER_ENCRYPTED", "Quality"),
        Some((Status::Pass, vec![]))
    );
}

#[test]
fn a_single_allowed_value_below_the_guard_is_skipped_as_before() {
    let checked = run(&monitoring("{Type: Number, AllowedValues: [1]}", false));
    assert_eq!(verdict(&checked, "CLUSTER_ENCRYPTED", "Quality"), None);
}

#[test]
fn a_filter_over_a_restricted_parameter_fails_in_the_combination_that_selects_it() {
    let yaml = "Parameters:\n  Capture: {Type: String, AllowedValues: [\"true\", \"false\"]}\nResources:\n  Config:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      ProductionVariants: []\n      DataCaptureConfig:\n        EnableCapture: !Ref Capture\n        DestinationS3Uri: s3://bucket/capture\n";
    let checked = run(yaml);
    let (status, messages) = verdict(&checked, "CAPTURE_KMS", "Config").unwrap();
    assert_eq!(status, Status::Fail);
    assert_eq!(
        messages,
        ["captured data has no KMS key (with Capture=true)"]
    );
    assert_eq!(checked.reports[0].rules[1].resources.len(), 1);
}

#[test]
fn too_many_combinations_leave_a_note_and_the_value_by_value_verdicts() {
    let mut yaml = String::from("Parameters:\n");
    for i in 0..7 {
        yaml.push_str(&format!(
            "  P{i}: {{Type: String, AllowedValues: [a, b]}}\n"
        ));
    }
    yaml.push_str("  Count: {Type: Number, AllowedValues: [1, 2]}\nConditions:\n  All: !And\n");
    for i in 0..7 {
        yaml.push_str(&format!("    - !Equals [!Ref P{i}, a]\n"));
    }
    yaml.push_str("Resources:\n  Quality:\n    Type: AWS::SageMaker::DataQualityJobDefinition\n    Condition: All\n    Properties:\n      JobResources:\n        ClusterConfig: {InstanceCount: !Ref Count}\n      NetworkConfig: {EnableInterContainerTrafficEncryption: false}\n");
    let checked = run(&yaml);
    let note = checked
        .notes
        .iter()
        .find(|n| n.kind == NoteKind::CombinationsNotJudged)
        .unwrap_or_else(|| panic!("no note: {:?}", checked.notes));
    assert!(
        note.message
            .starts_with("256 combinations of Count, P0, P1"),
        "{}",
        note.message
    );
    assert_eq!(verdict(&checked, "CLUSTER_ENCRYPTED", "Quality"), None);
}

const NOTEBOOK_RULES: &str = r#"
let notebooks = Resources.*[ Type == 'AWS::SageMaker::NotebookInstance' ]
rule NO_INTERNET when %notebooks !empty {
    %notebooks.Properties.DirectInternetAccess == "Disabled" << internet access is on >>
}
"#;

fn notebook_statuses(yaml: &str) -> Checked {
    common::run(NOTEBOOK_RULES, yaml)
}

#[test]
fn an_if_on_the_resources_own_condition_never_gives_the_branch_no_deployment_has() {
    // Deployed only in prod, where the !If gives Disabled: judged value by value, the
    // Enabled branch failed a notebook that no stack ever creates with Enabled.
    let yaml = "Parameters:\n  Env: {Type: String, AllowedValues: [dev, prod]}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Condition: IsProd\n    Properties:\n      DirectInternetAccess: !If [IsProd, Disabled, Enabled]\n";
    let checked = notebook_statuses(yaml);
    assert_eq!(
        verdict(&checked, "NO_INTERNET", "Nb"),
        Some((Status::Pass, vec![]))
    );
}

#[test]
fn an_if_fails_in_the_combination_whose_branch_is_insecure_and_names_it() {
    let yaml = "Parameters:\n  Env: {Type: String, AllowedValues: [dev, prod]}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      DirectInternetAccess: !If [IsProd, Disabled, Enabled]\n";
    let checked = notebook_statuses(yaml);
    let (status, messages) = verdict(&checked, "NO_INTERNET", "Nb").unwrap();
    assert_eq!(status, Status::Fail);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].ends_with("(with Env=dev)"), "{}", messages[0]);
}

#[test]
fn a_resource_whose_condition_is_false_in_every_combination_is_not_judged() {
    let yaml = "Parameters:\n  Env: {Type: String, AllowedValues: [dev, prod]}\nConditions:\n  Never: !And [!Equals [!Ref Env, prod], !Equals [!Ref Env, dev]]\nResources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Condition: Never\n    Properties:\n      DirectInternetAccess: !Ref Env\n";
    let checked = notebook_statuses(yaml);
    assert_eq!(verdict(&checked, "NO_INTERNET", "Nb"), None);
}

#[test]
fn an_if_on_a_condition_over_a_free_parameter_keeps_both_branches() {
    let yaml = "Parameters:\n  Env: {Type: String, AllowedValues: [dev, prod]}\n  Free: {Type: String}\nConditions:\n  FreeProd: !Equals [!Ref Free, prod]\nResources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      DirectInternetAccess: !If [FreeProd, Disabled, Enabled]\n      Tags: [{Key: env, Value: !Ref Env}]\n";
    let checked = notebook_statuses(yaml);
    let (status, messages) = verdict(&checked, "NO_INTERNET", "Nb").unwrap();
    assert_eq!(status, Status::Fail);
    // The Enabled branch fails in every combination, so no combination is named.
    assert_eq!(
        messages,
        ["internet access is on (DirectInternetAccess comes from Fn::If FreeProd (true); Fn::If FreeProd (false))"]
    );
}

#[test]
fn a_guard_and_a_check_on_correlated_values_pass_when_every_deployment_is_encrypted() {
    // Two instances come with encryption on, one instance without: secure in each deployment.
    let yaml = "Parameters:\n  Count: {Type: Number, AllowedValues: [1, 2]}\nConditions:\n  Multi: !Equals [!Ref Count, 2]\nResources:\n  Quality:\n    Type: AWS::SageMaker::DataQualityJobDefinition\n    Properties:\n      JobResources:\n        ClusterConfig: {InstanceCount: !Ref Count}\n      NetworkConfig: {EnableInterContainerTrafficEncryption: !If [Multi, true, false]}\n";
    let checked = run(yaml);
    assert_eq!(
        verdict(&checked, "CLUSTER_ENCRYPTED", "Quality"),
        Some((Status::Pass, vec![]))
    );
}

#[test]
fn a_when_guard_over_a_free_parameter_is_judged_as_a_deployer_could_open_it() {
    let checked = run(&monitoring("{Type: Number}", false));
    let (status, messages) = verdict(&checked, "CLUSTER_ENCRYPTED", "Quality").unwrap();
    assert_eq!(status, Status::Fail);
    assert_eq!(
        messages,
        ["traffic between the instances is not encrypted (with Count set to meet the rule's conditions)"]
    );
}

#[test]
fn a_filter_over_a_free_parameter_is_judged_as_a_deployer_could_select() {
    let yaml = "Parameters:\n  Capture: {Type: String}\nResources:\n  Config:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      ProductionVariants: []\n      DataCaptureConfig:\n        EnableCapture: !Ref Capture\n        DestinationS3Uri: s3://bucket/capture\n";
    let (status, messages) = verdict(&run(yaml), "CAPTURE_KMS", "Config").unwrap();
    assert_eq!(status, Status::Fail);
    assert_eq!(
        messages,
        ["captured data has no KMS key (with Capture set to meet the rule's conditions)"]
    );
}

#[test]
fn an_exemption_over_a_free_parameter_does_not_exempt_what_the_deployer_may_not_exempt() {
    // The exemption holds only if the free instance type is a local-NVMe one; a deployer can
    // as well choose one that is not, and then the key is required.
    let rules = r#"
let configs = Resources.*[ Type == 'AWS::SageMaker::EndpointConfig' ]
rule KMS when %configs !empty {
    %configs {
        let nvme = Properties.ProductionVariants[ InstanceType in ["ml.g5.xlarge"] ]
        when %nvme empty {
            Properties.KmsKeyId exists << no key >>
        }
    }
}
"#;
    let yaml = "Parameters:\n  Type: {Type: String}\nResources:\n  Config:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      ProductionVariants: [{InstanceType: !Ref Type}]\n";
    let checked = common::run(rules, yaml);
    let (status, messages) = verdict(&checked, "KMS", "Config").unwrap();
    assert_eq!(status, Status::Fail);
    assert_eq!(messages, ["no key"]);
}
