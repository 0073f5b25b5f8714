//! One control, four shapes, one verdict: each control is run on a template resource, an AWS
//! Config configuration item (through `from_config_item`), a `Describe*` response (through
//! `from_describe`) and a pipeline step (through `from_pipeline_definition`), wherever the
//! spec says the control applies, passing and failing alike. Runs the real evaluator on the
//! bundled pack with the default parameters.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

use sagerules_core::{evaluate, Input, RuleSet, Status};
use sagerules_data::Node;
use sagerules_shapes::adapt::{from_config_item, from_describe, from_pipeline_definition, ApiKind};
use std::sync::OnceLock;

/// The bundled pack, parsed and built once for all tests.
fn pack() -> &'static RuleSet {
    static PACK: OnceLock<RuleSet> = OnceLock::new();
    PACK.get_or_init(build_pack)
}

fn build_pack() -> RuleSet {
    sagerules_pack::rule_set().unwrap()
}

fn json(text: &str) -> Node {
    Node::from_json_str(text).unwrap()
}

/// The status of `rule` on `doc`, with the pack's default parameters.
fn verdict(rules: &RuleSet, doc: &Node, rule: &str) -> Status {
    let params = sagerules_pack::resolve_params(None).unwrap();
    let only = [rule.to_string()];
    let input = Input {
        data: doc,
        params: Some(&params),
        expander: None,
        only: Some(&only),
    };
    let report = evaluate(rules, &input);
    assert!(report.errors.is_empty(), "{rule}: {:?}", report.errors);
    report
        .rules
        .iter()
        .find(|r| r.rule == rule)
        .unwrap_or_else(|| panic!("{rule} not reported"))
        .status
}

/// `{"Resources": {"R": {"Type": ty, "Properties": props}}}`.
fn template(ty: &str, props: &str) -> Node {
    json(&format!(
        r#"{{"Resources": {{"R": {{"Type": "{ty}", "Properties": {props}}}}}}}"#
    ))
}

fn config_item(ty: &str, configuration: &str, tags: &str) -> Node {
    let item = json(&format!(
        r#"{{"resourceType": "{ty}", "resourceId": "id-1", "resourceName": "R", "configurationItemStatus": "OK",
            "tags": {tags}, "configuration": {configuration}}}"#
    ));
    from_config_item(&item).unwrap()
}

fn describe(kind: ApiKind, response: &str, tags: Option<&str>) -> Node {
    from_describe(kind, "R", json(response), tags.map(json))
}

fn pipeline(step_type: &str, arguments: &str) -> Node {
    let body = format!(
        r#"{{"Version": "2020-12-01", "Steps": [{{"Name": "R", "Type": "{step_type}", "Arguments": {arguments}}}]}}"#
    );
    from_pipeline_definition(&json(&body))
}

/// Asserts `rule` gives `expected` on every shape in `docs` (labelled for the message).
fn same_verdict(rule: &str, expected: Status, docs: &[(&str, Node)]) {
    let rules = pack();
    for (shape, doc) in docs {
        assert_eq!(
            verdict(rules, doc, rule),
            expected,
            "{rule} on the {shape}: {}",
            sagerules_data::to_json(doc)
        );
    }
}

const NOTEBOOK: &str = "AWS::SageMaker::NotebookInstance";

fn notebook_shapes(cfn: &str, api: &str) -> Vec<(&'static str, Node)> {
    vec![
        ("template", template(NOTEBOOK, cfn)),
        ("Config item", config_item(NOTEBOOK, cfn, "{}")),
        (
            "Describe response",
            describe(ApiKind::NotebookInstance, api, None),
        ),
    ]
}

#[test]
fn notebook_in_vpc_is_judged_alike_although_the_api_says_security_groups() {
    let cfn = r#"{"SubnetId": "subnet-1", "SecurityGroupIds": ["sg-1"]}"#;
    let api = r#"{"SubnetId": "subnet-1", "SecurityGroups": ["sg-1"]}"#;
    same_verdict(
        "SAGEMAKER_NOTEBOOK_IN_VPC",
        Status::Pass,
        &notebook_shapes(cfn, api),
    );
    let cfn = r#"{"SubnetId": "subnet-1", "SecurityGroupIds": []}"#;
    let api = r#"{"SubnetId": "subnet-1", "SecurityGroups": []}"#;
    same_verdict(
        "SAGEMAKER_NOTEBOOK_IN_VPC",
        Status::Fail,
        &notebook_shapes(cfn, api),
    );
}

#[test]
fn notebook_kms_direct_internet_and_root_access_on_three_shapes() {
    let good = r#"{"KmsKeyId": "arn:aws:kms:us-east-1:1:key/a", "DirectInternetAccess": "Disabled", "RootAccess": "Disabled"}"#;
    let bad = r#"{"DirectInternetAccess": "Enabled", "RootAccess": "Enabled"}"#;
    for rule in [
        "SAGEMAKER_NOTEBOOK_KMS",
        "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET",
        "SAGEMAKER_NOTEBOOK_ROOT_ACCESS_DISABLED",
    ] {
        same_verdict(rule, Status::Pass, &notebook_shapes(good, good));
        same_verdict(rule, Status::Fail, &notebook_shapes(bad, bad));
    }
}

#[test]
fn notebook_platform_not_recorded_by_config_is_not_judged_there() {
    let rules = pack();
    let item = config_item(NOTEBOOK, r#"{"KmsKeyId": "k"}"#, "{}");
    assert_eq!(
        verdict(rules, &item, "SAGEMAKER_NOTEBOOK_PLATFORM"),
        Status::Skip
    );
    let response = describe(
        ApiKind::NotebookInstance,
        r#"{"PlatformIdentifier": "notebook-al2-v1"}"#,
        None,
    );
    assert_eq!(
        verdict(rules, &response, "SAGEMAKER_NOTEBOOK_PLATFORM"),
        Status::Fail
    );
}

fn training_shapes(request: &str) -> Vec<(&'static str, Node)> {
    vec![
        (
            "Describe response",
            describe(ApiKind::TrainingJob, request, None),
        ),
        ("pipeline step", pipeline("Training", request)),
    ]
}

#[test]
fn training_job_controls_on_describe_and_pipeline_step() {
    let good = r#"{"ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeKmsKeyId": "k"},
                   "OutputDataConfig": {"S3OutputPath": "s3://b/o", "KmsKeyId": "k"},
                   "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
                   "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
                   "EnableNetworkIsolation": true, "EnableInterContainerTrafficEncryption": true}"#;
    let bad = r#"{"ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2},
                  "OutputDataConfig": {"S3OutputPath": "s3://b/o"}, "VpcConfig": {"Subnets": [], "SecurityGroupIds": []},
                  "StoppingCondition": {"MaxRuntimeInSeconds": 2419200},
                  "EnableNetworkIsolation": false, "EnableInterContainerTrafficEncryption": false}"#;
    for control in [
        "VOLUME_KMS",
        "OUTPUT_KMS",
        "IN_VPC",
        "NETWORK_ISOLATION",
        "INTER_CONTAINER_ENCRYPTION",
        "MAX_RUNTIME",
    ] {
        let rule = format!("SAGEMAKER_TRAINING_JOB_{control}");
        same_verdict(&rule, Status::Pass, &training_shapes(good));
        same_verdict(&rule, Status::Fail, &training_shapes(bad));
    }
}

#[test]
fn training_job_on_local_nvme_needs_no_volume_key_on_any_shape() {
    let request = r#"{"ResourceConfig": {"InstanceType": "ml.p4d.24xlarge", "InstanceCount": 1}}"#;
    same_verdict(
        "SAGEMAKER_TRAINING_JOB_VOLUME_KMS",
        Status::Pass,
        &training_shapes(request),
    );
}

#[test]
fn hpo_job_controls_on_describe_and_pipeline_step() {
    let request = r#"{"TrainingJobDefinition": {"EnableNetworkIsolation": false,
                      "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeKmsKeyId": "k"}}}"#;
    let shapes = [
        (
            "Describe response",
            describe(ApiKind::HyperParameterTuningJob, request, None),
        ),
        ("pipeline step", pipeline("Tuning", request)),
    ];
    same_verdict("SAGEMAKER_HPO_JOB_NETWORK_ISOLATION", Status::Fail, &shapes);
    same_verdict("SAGEMAKER_HPO_JOB_VOLUME_KMS", Status::Pass, &shapes);
    same_verdict(
        "SAGEMAKER_HPO_JOB_INTER_CONTAINER_ENCRYPTION",
        Status::Skip,
        &shapes,
    );
}

#[test]
fn processing_job_controls_on_template_describe_and_pipeline_step() {
    let job = r#"{"ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30}},
                  "NetworkConfig": {"EnableNetworkIsolation": true}, "StoppingCondition": {"MaxRuntimeInSeconds": 600}}"#;
    let shapes = [
        ("template", template("AWS::SageMaker::ProcessingJob", job)),
        (
            "Describe response",
            describe(ApiKind::ProcessingJob, job, None),
        ),
        ("pipeline step", pipeline("Processing", job)),
    ];
    same_verdict(
        "SAGEMAKER_PROCESSING_JOB_NETWORK_ISOLATION",
        Status::Pass,
        &shapes,
    );
    same_verdict(
        "SAGEMAKER_PROCESSING_JOB_MAX_RUNTIME",
        Status::Pass,
        &shapes,
    );
    same_verdict("SAGEMAKER_PROCESSING_JOB_VOLUME_KMS", Status::Fail, &shapes);
    same_verdict("SAGEMAKER_PROCESSING_JOB_IN_VPC", Status::Fail, &shapes);
    same_verdict(
        "SAGEMAKER_PROCESSING_JOB_INTER_CONTAINER_ENCRYPTION",
        Status::Skip,
        &shapes,
    );
}

#[test]
fn transform_job_controls_on_describe_and_pipeline_step() {
    let job = r#"{"TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeKmsKeyId": "k"},
                  "TransformOutput": {"S3OutputPath": "s3://b/o"}}"#;
    let shapes = [
        (
            "Describe response",
            describe(ApiKind::TransformJob, job, None),
        ),
        ("pipeline step", pipeline("Transform", job)),
    ];
    same_verdict("SAGEMAKER_TRANSFORM_JOB_VOLUME_KMS", Status::Pass, &shapes);
    same_verdict("SAGEMAKER_TRANSFORM_JOB_OUTPUT_KMS", Status::Fail, &shapes);
}

fn three_shapes(ty: &str, kind: ApiKind, props: &str) -> Vec<(&'static str, Node)> {
    vec![
        ("template", template(ty, props)),
        ("Config item", config_item(ty, props, "{}")),
        ("Describe response", describe(kind, props, None)),
    ]
}

#[test]
fn endpoint_config_controls_on_three_shapes() {
    let ty = "AWS::SageMaker::EndpointConfig";
    let single = r#"{"ProductionVariants": [{"VariantName": "a", "ModelName": "m", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}]}"#;
    let shapes = three_shapes(ty, ApiKind::EndpointConfig, single);
    same_verdict("SAGEMAKER_ENDPOINT_CONFIG_KMS", Status::Fail, &shapes);
    same_verdict(
        "SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT",
        Status::Fail,
        &shapes,
    );
    same_verdict(
        "SAGEMAKER_ENDPOINT_CONFIG_DATA_CAPTURE_KMS",
        Status::Skip,
        &shapes,
    );
    let serverless = r#"{"ProductionVariants": [{"VariantName": "a", "ModelName": "m", "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 1}}]}"#;
    let shapes = three_shapes(ty, ApiKind::EndpointConfig, serverless);
    same_verdict("SAGEMAKER_ENDPOINT_CONFIG_KMS", Status::Pass, &shapes);
    same_verdict(
        "SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT",
        Status::Skip,
        &shapes,
    );
}

#[test]
fn model_and_domain_controls_on_three_shapes() {
    let model = r#"{"EnableNetworkIsolation": true, "PrimaryContainer": {"Image": "i", "ImageConfig": {"RepositoryAccessMode": "Platform"}}}"#;
    let shapes = three_shapes("AWS::SageMaker::Model", ApiKind::Model, model);
    same_verdict("SAGEMAKER_MODEL_NETWORK_ISOLATION", Status::Pass, &shapes);
    same_verdict("SAGEMAKER_MODEL_PRIVATE_REGISTRY", Status::Fail, &shapes);
    same_verdict("SAGEMAKER_MODEL_IN_VPC", Status::Fail, &shapes);
    let domain = r#"{"AppNetworkAccessType": "VpcOnly", "KmsKeyId": "k"}"#;
    let shapes = three_shapes("AWS::SageMaker::Domain", ApiKind::Domain, domain);
    same_verdict("SAGEMAKER_DOMAIN_VPC_ONLY", Status::Pass, &shapes);
    same_verdict("SAGEMAKER_DOMAIN_KMS", Status::Pass, &shapes);
}

#[test]
fn required_tags_from_a_list_a_map_and_list_tags_agree() {
    let rules = pack();
    let params =
        sagerules_pack::resolve_params(Some(&json(r#"{"requiredTagKeys": "team"}"#))).unwrap();
    let judge = |doc: &Node| {
        let only = ["SAGEMAKER_REQUIRED_TAGS".to_string()];
        let input = Input {
            data: doc,
            params: Some(&params),
            expander: None,
            only: Some(&only),
        };
        evaluate(rules, &input)
            .rules
            .into_iter()
            .find(|r| r.rule == only[0])
            .unwrap()
            .status
    };
    let tagged = [
        template(
            "AWS::SageMaker::Domain",
            r#"{"Tags": [{"Key": "team", "Value": "ml"}]}"#,
        ),
        config_item("AWS::SageMaker::Domain", "{}", r#"{"team": "ml"}"#),
        describe(
            ApiKind::Domain,
            "{}",
            Some(r#"[{"Key": "team", "Value": "ml"}]"#),
        ),
    ];
    let untagged = [
        template(
            "AWS::SageMaker::Domain",
            r#"{"Tags": [{"Key": "owner", "Value": "x"}]}"#,
        ),
        config_item("AWS::SageMaker::Domain", "{}", r#"{"owner": "x"}"#),
        describe(ApiKind::Domain, "{}", Some("[]")),
    ];
    assert!(tagged.iter().all(|doc| judge(doc) == Status::Pass));
    assert!(untagged.iter().all(|doc| judge(doc) == Status::Fail));
    assert_eq!(judge(&pipeline("Training", "{}")), Status::Skip);
}

/// Every control in `controls` passes on `good` and fails on `bad`, on every shape built by
/// `shapes`.
fn pass_and_fail(
    controls: &[&str],
    shapes: impl Fn(&str) -> Vec<(&'static str, Node)>,
    good: &str,
    bad: &str,
) {
    for rule in controls {
        same_verdict(rule, Status::Pass, &shapes(good));
        same_verdict(rule, Status::Fail, &shapes(bad));
    }
}

fn template_and_config_item(ty: &'static str) -> impl Fn(&str) -> Vec<(&'static str, Node)> {
    move |props| {
        vec![
            ("template", template(ty, props)),
            ("Config item", config_item(ty, props, "{}")),
        ]
    }
}

#[test]
fn hpo_controls_pass_and_fail_on_describe_and_pipeline_step() {
    let good = r#"{"TrainingJobDefinition": {"EnableNetworkIsolation": true, "EnableInterContainerTrafficEncryption": true,
                   "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeKmsKeyId": "k"},
                   "OutputDataConfig": {"S3OutputPath": "s3://b/o", "KmsKeyId": "k"},
                   "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
                   "StoppingCondition": {"MaxRuntimeInSeconds": 3600}}}"#;
    let bad = r#"{"TrainingJobDefinitions": [{"EnableNetworkIsolation": "false",
                  "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 3},
                  "OutputDataConfig": {"S3OutputPath": "s3://b/o", "KmsKeyId": ""},
                  "StoppingCondition": {"MaxRuntimeInSeconds": 2419200}}]}"#;
    let shapes = |request: &str| {
        vec![
            (
                "Describe response",
                describe(ApiKind::HyperParameterTuningJob, request, None),
            ),
            ("pipeline step", pipeline("Tuning", request)),
        ]
    };
    let controls = [
        "VOLUME_KMS",
        "OUTPUT_KMS",
        "IN_VPC",
        "NETWORK_ISOLATION",
        "INTER_CONTAINER_ENCRYPTION",
        "MAX_RUNTIME",
    ]
    .map(|c| format!("SAGEMAKER_HPO_JOB_{c}"));
    pass_and_fail(&controls.each_ref().map(String::as_str), shapes, good, bad);
}

#[test]
fn processing_and_transform_controls_pass_and_fail_on_every_shape() {
    let good = r#"{"ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeKmsKeyId": "k"}},
                   "ProcessingOutputConfig": {"Outputs": [], "KmsKeyId": "k"},
                   "NetworkConfig": {"EnableNetworkIsolation": true, "EnableInterContainerTrafficEncryption": true,
                                     "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}},
                   "StoppingCondition": {"MaxRuntimeInSeconds": 600}}"#;
    let bad = r#"{"ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2}},
                  "ProcessingOutputConfig": {"Outputs": []}, "NetworkConfig": {"EnableNetworkIsolation": false}}"#;
    let shapes = |job: &str| {
        vec![
            ("template", template("AWS::SageMaker::ProcessingJob", job)),
            (
                "Describe response",
                describe(ApiKind::ProcessingJob, job, None),
            ),
            ("pipeline step", pipeline("Processing", job)),
        ]
    };
    let controls = [
        "VOLUME_KMS",
        "OUTPUT_KMS",
        "IN_VPC",
        "NETWORK_ISOLATION",
        "INTER_CONTAINER_ENCRYPTION",
        "MAX_RUNTIME",
    ]
    .map(|c| format!("SAGEMAKER_PROCESSING_JOB_{c}"));
    pass_and_fail(&controls.each_ref().map(String::as_str), shapes, good, bad);

    let good = r#"{"TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeKmsKeyId": "k"},
                   "TransformOutput": {"S3OutputPath": "s3://b/o", "KmsKeyId": "k"}}"#;
    let bad = r#"{"TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}, "TransformOutput": {"S3OutputPath": "s3://b/o"}}"#;
    let shapes = |job: &str| {
        vec![
            (
                "Describe response",
                describe(ApiKind::TransformJob, job, None),
            ),
            ("pipeline step", pipeline("Transform", job)),
        ]
    };
    pass_and_fail(
        &[
            "SAGEMAKER_TRANSFORM_JOB_VOLUME_KMS",
            "SAGEMAKER_TRANSFORM_JOB_OUTPUT_KMS",
        ],
        shapes,
        good,
        bad,
    );
}

#[test]
fn model_and_domain_controls_pass_and_fail_on_three_shapes() {
    let good = r#"{"EnableNetworkIsolation": true, "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
                   "Containers": [{"Image": "10.0.0.5:5000/a", "ImageConfig": {"RepositoryAccessMode": "Vpc"}}]}"#;
    let bad = r#"{"EnableNetworkIsolation": false, "VpcConfig": {"Subnets": [], "SecurityGroupIds": ["sg-1"]},
                  "Containers": [{"Image": "10.0.0.5:5000/a", "ImageConfig": {"RepositoryAccessMode": "Vpc"}}, {"Image": "b"}]}"#;
    let shapes = |props: &str| three_shapes("AWS::SageMaker::Model", ApiKind::Model, props);
    pass_and_fail(
        &[
            "SAGEMAKER_MODEL_NETWORK_ISOLATION",
            "SAGEMAKER_MODEL_IN_VPC",
            "SAGEMAKER_MODEL_PRIVATE_REGISTRY",
        ],
        shapes,
        good,
        bad,
    );

    let shapes = |props: &str| three_shapes("AWS::SageMaker::Domain", ApiKind::Domain, props);
    let good = r#"{"AppNetworkAccessType": "VpcOnly", "KmsKeyId": "k"}"#;
    let bad = r#"{"AppNetworkAccessType": "PublicInternetOnly"}"#;
    pass_and_fail(
        &["SAGEMAKER_DOMAIN_VPC_ONLY", "SAGEMAKER_DOMAIN_KMS"],
        shapes,
        good,
        bad,
    );
}

#[test]
fn monitoring_controls_pass_and_fail_on_template_and_config_item() {
    let good = r#"{"JobResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeKmsKeyId": "k"}},
                   "ModelQualityJobOutputConfig": {"MonitoringOutputs": [], "KmsKeyId": "k"},
                   "NetworkConfig": {"EnableNetworkIsolation": true, "EnableInterContainerTrafficEncryption": true}}"#;
    let bad = r#"{"JobResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2}},
                  "ModelQualityJobOutputConfig": {"MonitoringOutputs": []}, "NetworkConfig": {"EnableNetworkIsolation": false}}"#;
    let controls = [
        "SAGEMAKER_MONITORING_NETWORK_ISOLATION",
        "SAGEMAKER_MONITORING_INTER_CONTAINER_ENCRYPTION",
        "SAGEMAKER_MONITORING_KMS",
    ];
    pass_and_fail(
        &controls,
        template_and_config_item("AWS::SageMaker::ModelQualityJobDefinition"),
        good,
        bad,
    );
}

#[test]
fn feature_group_and_inference_experiment_pass_and_fail_on_template_and_config_item() {
    let good = r#"{"OfflineStoreConfig": {"S3StorageConfig": {"S3Uri": "s3://b", "KmsKeyId": "k"}},
                   "OnlineStoreConfig": {"EnableOnlineStore": true, "SecurityConfig": {"KmsKeyId": "k"}}}"#;
    let bad = r#"{"OfflineStoreConfig": {"S3StorageConfig": {"S3Uri": "s3://b", "KmsKeyId": "k"}},
                  "OnlineStoreConfig": {"EnableOnlineStore": true}}"#;
    pass_and_fail(
        &["SAGEMAKER_FEATURE_GROUP_KMS"],
        template_and_config_item("AWS::SageMaker::FeatureGroup"),
        good,
        bad,
    );

    let good = r#"{"KmsKey": "k", "DataStorageConfig": {"Destination": "s3://b", "KmsKey": "k"}}"#;
    let bad = r#"{"KmsKey": "k", "DataStorageConfig": {"Destination": "s3://b"}}"#;
    pass_and_fail(
        &["SAGEMAKER_INFERENCE_EXPERIMENT_KMS"],
        template_and_config_item("AWS::SageMaker::InferenceExperiment"),
        good,
        bad,
    );
}

#[test]
fn notebook_imds_and_platform_pass_and_fail_on_template_and_describe() {
    let good = r#"{"PlatformIdentifier": "notebook-al2023-v1", "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "2"}}"#;
    let bad = r#"{"PlatformIdentifier": "notebook-al2-v2", "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "1"}}"#;
    let shapes = |props: &str| {
        vec![
            ("template", template(NOTEBOOK, props)),
            (
                "Describe response",
                describe(ApiKind::NotebookInstance, props, None),
            ),
        ]
    };
    pass_and_fail(
        &["SAGEMAKER_NOTEBOOK_PLATFORM", "SAGEMAKER_NOTEBOOK_IMDSV2"],
        shapes,
        good,
        bad,
    );
}
