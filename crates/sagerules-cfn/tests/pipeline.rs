//! Pipeline steps read from each form of inline definition, with positions and pipeline
//! parameters. Uses a step adapter independent of the rule pack.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

mod common;

use common::{fixture, line_col_of, plain_adapter, show, text};
use sagerules_cfn::pipeline::read_with;
use sagerules_cfn::{NoteKind, Prepared};
use sagerules_core::Expander;
use sagerules_data::{Node, Pos};

fn prepared(root: &Node, source: Option<&str>) -> Prepared<'static> {
    let root: &'static Node = Box::leak(Box::new(root.clone()));
    Prepared::from_steps(root, read_with(root, source, &plain_adapter))
}

fn at<'a>(data: &'a Node, pointer: &str) -> &'a Node {
    let found = data.pointer_get(pointer);
    assert!(found.is_some(), "no {pointer}");
    found.unwrap()
}

#[test]
fn string_body_steps_become_resources_including_condition_branches() {
    let (source, root) = fixture("pipeline/string.yaml");
    let p = prepared(&root, Some(&source));
    let ids: Vec<&str> = p
        .steps()
        .resources
        .iter()
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(ids, ["TrainingPipeline/Train", "TrainingPipeline/Prep"]);
    assert_eq!(
        text(at(p.data(), "/Resources/TrainingPipeline~1Train/Type")),
        "TrainingJob"
    );
    assert_eq!(
        text(at(p.data(), "/Resources/TrainingPipeline~1Prep/Type")),
        "ProcessingJob"
    );
}

#[test]
fn block_scalar_body_values_point_at_their_template_line_and_column() {
    let (source, root) = fixture("pipeline/string.yaml");
    let p = prepared(&root, Some(&source));
    let value = at(
        p.data(),
        "/Resources/TrainingPipeline~1Train/Properties/StoppingCondition/MaxRuntimeInSeconds",
    );
    let (line, col) = line_col_of(&source, "3600");
    assert_eq!(value.pos, Pos::new(line, col));
}

#[test]
fn without_source_text_values_point_at_the_body() {
    let (_, root) = fixture("pipeline/string.yaml");
    let body = root
        .pointer_get(
            "/Resources/TrainingPipeline/Properties/PipelineDefinition/PipelineDefinitionBody",
        )
        .unwrap();
    let p = prepared(&root, None);
    let value = at(
        p.data(),
        "/Resources/TrainingPipeline~1Train/Properties/StoppingCondition/MaxRuntimeInSeconds",
    );
    assert_eq!(value.pos, body.pos);
}

#[test]
fn pipeline_parameters_expand_to_enum_values_or_anything() {
    let (source, root) = fixture("pipeline/string.yaml");
    let p = prepared(&root, Some(&source));
    let (data, expander) = (p.data(), p.expander());
    let props = "/Resources/TrainingPipeline~1Train/Properties";
    let instance = at(data, &format!("{props}/ResourceConfig/InstanceType"));
    assert_eq!(
        show(expander.expand(data, instance)),
        "ml.m5.xlarge (pipeline parameter InstanceType of TrainingPipeline (EnumValues)) | \
         ml.m5.2xlarge (pipeline parameter InstanceType of TrainingPipeline (EnumValues))"
    );
    let isolation = at(data, &format!("{props}/EnableNetworkIsolation"));
    assert_eq!(
        show(expander.expand(data, isolation)),
        "any (never empty): pipeline parameter Isolation of TrainingPipeline, which can be set to \
         any value when the pipeline is started"
    );
}

#[test]
fn sub_body_variables_become_intrinsics() {
    let (source, root) = fixture("pipeline/sub.yaml");
    let p = prepared(&root, Some(&source));
    let props = "/Resources/SubPipeline~1Train/Properties";
    let get = |path: &str| text(at(p.data(), &format!("{props}/{path}")));
    assert_eq!(get("RoleArn"), "{Fn::GetAtt: [Role, Arn]}");
    assert_eq!(get("OutputDataConfig/KmsKeyId"), "{Ref: KmsKey}");
    assert_eq!(
        get("OutputDataConfig/S3OutputPath"),
        "{Fn::Sub: [s3://${AWS::AccountId}-out/, {}]}"
    );
    assert_eq!(
        get("StoppingCondition/MaxRuntimeInSeconds"),
        "{Ref: Runtime}"
    );
    assert_eq!(get("HyperParameters/note"), "${NotAVariable}");
}

#[test]
fn sub_body_values_expand_through_template_parameters() {
    let (source, root) = fixture("pipeline/sub.yaml");
    let p = prepared(&root, Some(&source));
    let (data, expander) = (p.data(), p.expander());
    let key = at(
        data,
        "/Resources/SubPipeline~1Train/Properties/OutputDataConfig/KmsKeyId",
    );
    assert_eq!(
        show(expander.expand(data, key)),
        "any (may be empty): parameter KmsKey, which allows any value"
    );
    let runtime = at(
        data,
        "/Resources/SubPipeline~1Train/Properties/StoppingCondition/MaxRuntimeInSeconds",
    );
    assert!(
        show(expander.expand(data, runtime)).starts_with("any (never empty): parameter Runtime")
    );
    let (line, _) = line_col_of(&source, "\"KmsKeyId\": \"${KmsKey}\"");
    assert_eq!(key.pos.line, line);
}

#[test]
fn join_body_binds_non_literal_pieces() {
    let (_, root) = fixture("pipeline/other-forms.json");
    let p = prepared(&root, None);
    let data = p.data();
    let key = at(
        data,
        "/Resources/JoinPipeline~1Tr/Properties/TransformOutput/KmsKeyId",
    );
    assert_eq!(text(key), "{Fn::GetAtt: [Key, Arn]}");
    assert_eq!(
        show(p.expander().expand(data, key)),
        "deploy-time string like arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555: Fn::GetAtt Key.Arn, made by the stack"
    );
}

#[test]
fn to_json_string_body_is_read_as_is() {
    let (_, root) = fixture("pipeline/other-forms.json");
    let p = prepared(&root, None);
    assert_eq!(
        text(at(p.data(), "/Resources/TreePipeline~1Tune/Type")),
        "HyperParameterTuningJob"
    );
}

#[test]
fn s3_definition_is_reported_not_checkable() {
    let (_, root) = fixture("pipeline/other-forms.json");
    let p = prepared(&root, None);
    let notes: Vec<_> = p
        .steps()
        .notes
        .iter()
        .filter(|n| n.resource == "S3Pipeline")
        .collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].kind, NoteKind::NotCheckable);
    assert!(
        notes[0].message.contains("PipelineDefinitionS3Location"),
        "{}",
        notes[0].message
    );
}

#[test]
fn broken_json_body_is_an_error_not_a_pass() {
    let (_, root) = fixture("pipeline/other-forms.json");
    let p = prepared(&root, None);
    let errors: Vec<String> = p.steps().errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("pipeline BrokenPipeline: PipelineDefinitionBody is not valid JSON"),
        "{}",
        errors[0]
    );
}
