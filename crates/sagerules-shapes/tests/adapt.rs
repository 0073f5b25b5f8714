//! The adapters produce the template shape from Config items, Describe responses and
//! pipeline steps.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

use sagerules_data::Node;
use sagerules_shapes::adapt::{
    from_config_item, from_describe, from_pipeline_definition, from_pipeline_step, ApiKind,
};

fn json(text: &str) -> Node {
    Node::from_json_str(text).unwrap()
}

fn at<'a>(doc: &'a Node, pointer: &str) -> &'a Node {
    doc.pointer_get(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in {}", sagerules_data::to_json(doc)))
}

#[test]
fn describe_notebook_uses_cloudformation_names() {
    let response = json(
        r#"{"NotebookInstanceName": "nb", "SecurityGroups": ["sg-1"], "NotebookInstanceLifecycleConfigName": "lc"}"#,
    );
    let doc = from_describe(ApiKind::NotebookInstance, "nb", response, None);
    assert_eq!(
        at(&doc, "/Resources/nb/Type").as_str(),
        Some("AWS::SageMaker::NotebookInstance")
    );
    assert_eq!(
        at(&doc, "/Resources/nb/Properties/SecurityGroupIds/0").as_str(),
        Some("sg-1")
    );
    assert_eq!(
        at(&doc, "/Resources/nb/Properties/LifecycleConfigName").as_str(),
        Some("lc")
    );
    assert!(doc
        .pointer_get("/Resources/nb/Properties/SecurityGroups")
        .is_none());
    assert_eq!(
        at(&doc, "/Resources/nb/Metadata/SageRules/Source").as_str(),
        Some("describe")
    );
}

#[test]
fn describe_keeps_positions_of_the_response() {
    let response = json("{\n  \"EnableNetworkIsolation\": false\n}");
    let doc = from_describe(ApiKind::TrainingJob, "job", response, None);
    let value = at(&doc, "/Resources/job/Properties/EnableNetworkIsolation");
    assert_eq!((value.pos.line, value.pos.col), (2, 29));
}

#[test]
fn describe_tags_from_list_tags_become_properties_tags() {
    let tags = json(r#"[{"Key": "team", "Value": "ml"}]"#);
    let doc = from_describe(ApiKind::TrainingJob, "job", json("{}"), Some(tags));
    assert_eq!(
        at(&doc, "/Resources/job/Properties/Tags/0/Key").as_str(),
        Some("team")
    );
    assert_eq!(
        at(&doc, "/Resources/job/Type").as_str(),
        Some("AWS::SageMaker::TrainingJob")
    );
}

#[test]
fn event_style_tag_map_becomes_a_list() {
    let doc = from_describe(
        ApiKind::TrainingJob,
        "job",
        json(r#"{"Tags": {"team": "ml"}}"#),
        None,
    );
    assert_eq!(
        at(&doc, "/Resources/job/Properties/Tags/0/Key").as_str(),
        Some("team")
    );
    assert_eq!(
        at(&doc, "/Resources/job/Properties/Tags/0/Value").as_str(),
        Some("ml")
    );
}

#[test]
fn describe_domain_copies_the_deprecated_efs_key() {
    let doc = from_describe(
        ApiKind::Domain,
        "d",
        json(r#"{"HomeEfsFileSystemKmsKeyId": "k"}"#),
        None,
    );
    assert_eq!(
        at(&doc, "/Resources/d/Properties/KmsKeyId").as_str(),
        Some("k")
    );
    let both = from_describe(
        ApiKind::Domain,
        "d",
        json(r#"{"HomeEfsFileSystemKmsKeyId": "old", "KmsKeyId": "new"}"#),
        None,
    );
    assert_eq!(
        at(&both, "/Resources/d/Properties/KmsKeyId").as_str(),
        Some("new")
    );
}

#[test]
fn config_item_becomes_one_resource_with_tag_list() {
    let item = json(
        r#"{"resourceType": "AWS::SageMaker::NotebookInstance", "resourceId": "id-1", "resourceName": "nb1",
            "tags": {"team": "ml", "aws:cloudformation:stack-name": "s"},
            "configuration": {"KmsKeyId": "k", "SecurityGroupIds": ["sg-1"]}}"#,
    );
    let doc = from_config_item(&item).unwrap();
    assert_eq!(
        at(&doc, "/Resources/nb1/Properties/KmsKeyId").as_str(),
        Some("k")
    );
    assert_eq!(
        at(&doc, "/Resources/nb1/Properties/Tags/1/Key").as_str(),
        Some("aws:cloudformation:stack-name")
    );
    assert_eq!(
        at(&doc, "/Resources/nb1/Metadata/SageRules/Source").as_str(),
        Some("config-item")
    );
}

#[test]
fn config_item_without_name_uses_the_resource_id() {
    let item = json(
        r#"{"resourceType": "AWS::SageMaker::Domain", "resourceId": "d-123", "configuration": {}}"#,
    );
    let doc = from_config_item(&item).unwrap();
    assert!(doc.pointer_get("/Resources/d-123/Properties").is_some());
}

#[test]
fn config_item_of_another_service_or_deleted_is_none() {
    assert!(from_config_item(&json(
        r#"{"resourceType": "AWS::S3::Bucket", "configuration": {}}"#
    ))
    .is_none());
    let deleted = json(
        r#"{"resourceType": "AWS::SageMaker::Model", "resourceId": "m", "configuration": null}"#,
    );
    assert!(from_config_item(&deleted).is_none());
}

#[test]
fn pipeline_steps_become_job_resources() {
    let definition = json(
        r#"{"Version": "2020-12-01", "Steps": [
            {"Name": "Train", "Type": "Training", "Arguments": {"EnableNetworkIsolation": true}},
            {"Name": "Check", "Type": "Condition", "Arguments": {"Conditions": []}},
            {"Name": "Tune", "Type": "Tuning", "Arguments": {"TrainingJobDefinition": {}}},
            {"Name": "Prep", "Type": "Processing", "Arguments": {}},
            {"Name": "Score", "Type": "Transform", "Arguments": {}}]}"#,
    );
    let doc = from_pipeline_definition(&definition);
    let resources = at(&doc, "/Resources").as_map().unwrap();
    let types: Vec<&str> = resources
        .values()
        .map(|r| r.get("Type").and_then(Node::as_str).unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "AWS::SageMaker::TrainingJob",
            "AWS::SageMaker::HyperParameterTuningJob",
            "AWS::SageMaker::ProcessingJob",
            "AWS::SageMaker::TransformJob"
        ]
    );
    assert_eq!(
        at(&doc, "/Resources/Train/Metadata/SageRules/Source").as_str(),
        Some("pipeline-step")
    );
}

#[test]
fn a_step_without_arguments_is_skipped() {
    assert!(from_pipeline_step(&json(r#"{"Name": "T", "Type": "Training"}"#)).is_none());
}

#[test]
fn kinds_round_trip_through_their_resource_type() {
    for kind in [
        ApiKind::TrainingJob,
        ApiKind::Domain,
        ApiKind::ProcessingJob,
    ] {
        assert_eq!(
            ApiKind::from_resource_type(kind.resource_type()),
            Some(kind)
        );
    }
    assert_eq!(
        ApiKind::from_step_type("Tuning"),
        Some(ApiKind::HyperParameterTuningJob)
    );
    assert_eq!(ApiKind::from_step_type("Lambda"), None);
}
