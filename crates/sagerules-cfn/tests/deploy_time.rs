//! Values made at deploy time (issue 11, shape 3): a key the stack creates (`!Ref Key`,
//! `!GetAtt Key.Arn`), an export (`!ImportValue`) or an ARN built with `!Sub` is a non-empty
//! string, so "a key is set" passes however a rule says it, and the same in every KMS rule of
//! the pack; an allow-list of key ARNs cannot decide it and stays unknown.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

mod common;

use sagerules_cfn::{check, no_files, Checked, Options, Template};
use sagerules_core::Status;
use sagerules_data::{load, Format, Node};

/// "A key is set", four ways.
const KEY_SET: &str = r#"
let notebooks = Resources.*[ Type == 'AWS::SageMaker::NotebookInstance' ]
rule BY_EXISTS when %notebooks !empty { %notebooks.Properties.KmsKeyId exists }
rule BY_NOT_EMPTY when %notebooks !empty { %notebooks.Properties.KmsKeyId !empty }
rule BY_IS_STRING when %notebooks !empty { %notebooks.Properties.KmsKeyId is_string }
rule BY_ARN_SHAPE when %notebooks !empty {
    %notebooks.Properties.KmsKeyId == /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\//
}
rule NOT_AN_AWS_MANAGED_ALIAS when %notebooks !empty {
    %notebooks.Properties.KmsKeyId != /alias\/aws\//
}
rule ON_THE_ALLOW_LIST when %notebooks !empty {
    %notebooks.Properties.KmsKeyId in ["arn:aws:kms:us-east-1:123456789012:key/abc"]
}
"#;

fn notebook_with_key(key: &str) -> String {
    format!(
        "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties: {{EnableKeyRotation: true}}\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n      KmsKeyId: {key}\n"
    )
}

/// (rule, status, whether it has an unknown) for each rule of KEY_SET.
fn verdicts(checked: &Checked) -> Vec<(String, Status, bool)> {
    checked.reports[0]
        .rules
        .iter()
        .map(|r| {
            let unknown = r.resources.iter().any(|res| !res.unknowns.is_empty());
            (r.rule.clone(), r.status, unknown)
        })
        .collect()
}

fn expect(key: &str, arn_shape: Status, arn_unknown: bool) {
    let checked = common::run(KEY_SET, &notebook_with_key(key));
    let want: Vec<(String, Status, bool)> = [
        ("BY_EXISTS", Status::Pass, false),
        ("BY_NOT_EMPTY", Status::Pass, false),
        ("BY_IS_STRING", Status::Pass, false),
        ("BY_ARN_SHAPE", arn_shape, arn_unknown),
        ("NOT_AN_AWS_MANAGED_ALIAS", Status::Pass, arn_unknown),
        ("ON_THE_ALLOW_LIST", Status::Pass, true),
    ]
    .into_iter()
    .map(|(r, s, u)| (r.to_string(), s, u))
    .collect();
    assert_eq!(verdicts(&checked), want, "KmsKeyId: {key}");
}

#[test]
fn a_key_arn_made_by_the_stack_is_set_and_has_the_key_arn_shape() {
    expect("!GetAtt Key.Arn", Status::Pass, false);
}

#[test]
fn a_key_id_made_by_the_stack_is_set_but_has_no_arn_shape() {
    // `!Ref` of an AWS::KMS::Key is its key id, which a rule demanding an ARN rightly fails.
    expect("!Ref Key", Status::Fail, false);
}

#[test]
fn an_arn_built_with_sub_from_pseudo_parameters_is_set_and_shaped() {
    expect(
        "!Sub 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${Key}'",
        Status::Pass,
        false,
    );
}

#[test]
fn an_imported_key_is_set_and_its_shape_unknown() {
    expect("!ImportValue shared-key", Status::Pass, true);
}

fn pack_statuses(yaml: &str, params: &Node, rules: &[&str]) -> Vec<(String, Status, usize)> {
    let set = sagerules_pack::rule_set().unwrap();
    let root = load(yaml.as_bytes(), Format::Yaml).unwrap();
    let template = Template {
        name: "t.yaml",
        text: Some(yaml),
        root: &root,
    };
    let options = Options {
        params: Some(params),
        only: None,
        no_foreign_suppressions: false,
        stack_keys_allowed: sagerules_pack::params::stack_keys_allowed(params),
    };
    let checked = check(&[&set], template, options, &no_files).remove(0);
    rules
        .iter()
        .map(|rule| {
            let found = checked.reports[0]
                .rules
                .iter()
                .find(|r| r.rule == *rule)
                .unwrap();
            let unknowns = found.resources.iter().map(|r| r.unknowns.len()).sum();
            (rule.to_string(), found.status, unknowns)
        })
        .collect()
}

const STACK_KEY: &str = "Resources:
  Key:
    Type: AWS::KMS::Key
    Properties: {EnableKeyRotation: true}
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties: {InstanceType: ml.t3.medium, RoleArn: r, KmsKeyId: !Ref Key}
  Dom:
    Type: AWS::SageMaker::Domain
    Properties: {AuthMode: IAM, DomainName: d, SubnetIds: [s], VpcId: v, KmsKeyId: !GetAtt Key.Arn,
                 DefaultUserSettings: {ExecutionRole: r}}
  Ec:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      KmsKeyId: !GetAtt Key.Arn
      ProductionVariants: [{VariantName: a, ModelName: m, InstanceType: ml.m5.large, InitialInstanceCount: 2}]
";

const KMS_RULES: [&str; 3] = [
    "SAGEMAKER_NOTEBOOK_KMS",
    "SAGEMAKER_DOMAIN_KMS",
    "SAGEMAKER_ENDPOINT_CONFIG_KMS",
];

#[test]
fn a_key_made_in_the_same_stack_passes_the_notebook_domain_and_endpoint_config_kms_rules_alike() {
    let defaults = sagerules_pack::resolve_params(None).unwrap();
    let got = pack_statuses(STACK_KEY, &defaults, &KMS_RULES);
    let want: Vec<_> = KMS_RULES
        .iter()
        .map(|r| (r.to_string(), Status::Pass, 0))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn an_allow_list_of_key_arns_cannot_decide_a_key_made_in_the_same_stack() {
    let user =
        Node::from_json_str(r#"{"kmsKeyArns": "arn:aws:kms:us-east-1:123456789012:key/abc"}"#)
            .unwrap();
    let params = sagerules_pack::resolve_params(Some(&user)).unwrap();
    let got = pack_statuses(STACK_KEY, &params, &KMS_RULES);
    for (rule, status, unknowns) in got {
        assert_ne!(status, Status::Fail, "{rule}");
        assert_eq!(unknowns, 1, "{rule}: one unknown (the allow-list)");
    }
}

/// Every way to name a key, for the table below.
const KEY_FORMS: [(&str, &str); 5] = [
    (
        "literal key ARN",
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ),
    ("!Ref Key", "!Ref Key"),
    ("!GetAtt Key.Arn", "!GetAtt Key.Arn"),
    ("!ImportValue", "!ImportValue shared-sagemaker-key"),
    ("{{resolve:ssm:...}}", "'{{resolve:ssm:/keys/sagemaker}}'"),
];

/// Each key rule of the pack and a resource that passes it, `KEY` standing for its keys.
const KEY_RULES: [(&str, &str); 8] = [
    (
        "SAGEMAKER_NOTEBOOK_KMS",
        "Type: AWS::SageMaker::NotebookInstance\n    Properties: {InstanceType: ml.t3.medium, RoleArn: r, KmsKeyId: KEY}",
    ),
    (
        "SAGEMAKER_DOMAIN_KMS",
        "Type: AWS::SageMaker::Domain\n    Properties: {AuthMode: IAM, DomainName: d, SubnetIds: [s], VpcId: v, KmsKeyId: KEY, DefaultUserSettings: {ExecutionRole: r}}",
    ),
    (
        "SAGEMAKER_ENDPOINT_CONFIG_KMS",
        "Type: AWS::SageMaker::EndpointConfig\n    Properties: {KmsKeyId: KEY, ProductionVariants: [{VariantName: a, ModelName: m, InstanceType: ml.m5.large, InitialInstanceCount: 2}]}",
    ),
    (
        "SAGEMAKER_ENDPOINT_CONFIG_DATA_CAPTURE_KMS",
        "Type: AWS::SageMaker::EndpointConfig\n    Properties: {ProductionVariants: [], DataCaptureConfig: {EnableCapture: true, DestinationS3Uri: s3://b/c, KmsKeyId: KEY}}",
    ),
    (
        "SAGEMAKER_ENDPOINT_CONFIG_ASYNC_OUTPUT_KMS",
        "Type: AWS::SageMaker::EndpointConfig\n    Properties: {ProductionVariants: [], AsyncInferenceConfig: {OutputConfig: {S3OutputPath: s3://b/o, KmsKeyId: KEY}}}",
    ),
    (
        "SAGEMAKER_MONITORING_KMS",
        "Type: AWS::SageMaker::DataQualityJobDefinition\n    Properties: {DataQualityJobOutputConfig: {KmsKeyId: KEY}, JobResources: {ClusterConfig: {InstanceType: ml.m5.large, VolumeKmsKeyId: KEY}}}",
    ),
    (
        "SAGEMAKER_FEATURE_GROUP_KMS",
        "Type: AWS::SageMaker::FeatureGroup\n    Properties: {OfflineStoreConfig: {S3StorageConfig: {S3Uri: s3://b/f, KmsKeyId: KEY}}, OnlineStoreConfig: {SecurityConfig: {KmsKeyId: KEY}}}",
    ),
    (
        "SAGEMAKER_INFERENCE_EXPERIMENT_KMS",
        "Type: AWS::SageMaker::InferenceExperiment\n    Properties: {KmsKey: KEY, DataStorageConfig: {Destination: s3://b/d, KmsKey: KEY}}",
    ),
];

#[test]
fn every_key_rule_of_the_pack_judges_a_key_alike_however_it_is_named() {
    let defaults = sagerules_pack::resolve_params(None).unwrap();
    for (rule, resource) in KEY_RULES {
        for (form, key) in KEY_FORMS {
            let yaml = format!(
                "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties: {{EnableKeyRotation: true}}\n  Res:\n    {}\n",
                resource.replace("KEY", key)
            );
            let got = pack_statuses(&yaml, &defaults, &[rule]);
            assert_eq!(
                got,
                [(rule.to_string(), Status::Pass, 0)],
                "{rule} with the key as {form}"
            );
        }
    }
}

/// The rotation rule follows the name to the key: a key of the template (`!Ref`, `!GetAtt`) is
/// judged by its `EnableKeyRotation`; a key named from outside (a literal ARN, an import, an
/// SSM reference) is not in the template, so the rule skips rather than guess.
#[test]
fn the_key_rotation_rule_judges_keys_of_the_template_and_skips_keys_from_outside() {
    let defaults = sagerules_pack::resolve_params(None).unwrap();
    let rule = "SAGEMAKER_STACK_KMS_KEY_ROTATION";
    for (form, key) in KEY_FORMS {
        let in_template = matches!(form, "!Ref Key" | "!GetAtt Key.Arn");
        for rotation in [true, false] {
            let yaml = format!(
                "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties: {{EnableKeyRotation: {rotation}}}\n  Res:\n    {}\n",
                KEY_RULES[0].1.replace("KEY", key)
            );
            let want = match (in_template, rotation) {
                (false, _) => Status::Skip,
                (true, true) => Status::Pass,
                (true, false) => Status::Fail,
            };
            let got = pack_statuses(&yaml, &defaults, &[rule]);
            assert_eq!(
                got,
                [(rule.to_string(), want, 0)],
                "the key as {form}, rotation {rotation}"
            );
        }
    }
}

/// With `allowStackKeys: true` a key the template creates passes the allow-list in every KMS
/// rule, however it is named; a listed ARN still passes, an unlisted literal ARN still fails,
/// and an import (not made by this stack) stays unknown.
#[test]
fn allow_stack_keys_lets_a_key_made_in_the_same_stack_pass_the_allow_list() {
    let user = Node::from_json_str(
        r#"{"kmsKeyArns": "arn:aws:kms:us-east-1:123456789012:key/abc", "allowStackKeys": true}"#,
    )
    .unwrap();
    let params = sagerules_pack::resolve_params(Some(&user)).unwrap();
    let got = pack_statuses(STACK_KEY, &params, &KMS_RULES);
    let want: Vec<_> = KMS_RULES
        .iter()
        .map(|r| (r.to_string(), Status::Pass, 0))
        .collect();
    assert_eq!(got, want, "keys of the stack pass, no unknowns");
    let (rule, notebook) = KEY_RULES[0];
    let cases = [
        ("!Ref Alias", Status::Pass, 0),
        (
            "arn:aws:kms:us-east-1:123456789012:key/abc",
            Status::Pass,
            0,
        ),
        (
            "arn:aws:kms:us-east-1:123456789012:key/other",
            Status::Fail,
            0,
        ),
        ("!ImportValue shared-key", Status::Pass, 1),
    ];
    for (key, status, unknowns) in cases {
        let yaml = format!(
            "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties: {{EnableKeyRotation: true}}\n  Alias:\n    Type: AWS::KMS::Alias\n    Properties: {{AliasName: alias/k, TargetKeyId: !Ref Key}}\n  Res:\n    {}\n",
            notebook.replace("KEY", key)
        );
        let got = pack_statuses(&yaml, &params, &[rule]);
        assert_eq!(
            got,
            [(rule.to_string(), status, unknowns)],
            "the key as {key}"
        );
    }
}
