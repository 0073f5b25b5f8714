//! CloudFormation Lambda hook requests (samples in `tests/events/hook-*.json`, shaped after the
//! Hooks User Guide): judged with the bundled pack, answered SUCCESS or FAILED with the rule
//! names, and never SUCCESS for something not judged. The last test runs the binary's local
//! mode, as `sagerules-config-rule --event hook-request.json --dry-run`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

use sagerules_lambda::engine::Engine;
use sagerules_lambda::hook::{self, HookResponse};
use sagerules_lambda::params::RuleConfig;
use serde_json::Value as Json;

fn event(name: &str) -> Json {
    let path = format!("{}/tests/events/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Fails unless `response` has this status and error code.
fn assert_answer(response: &HookResponse, status: &str, code: Option<&str>) {
    assert_eq!(
        (response.hook_status, response.error_code),
        (status, code),
        "{response:?}"
    );
}

/// Fails unless the response's message holds `text`.
fn assert_says(response: &HookResponse, text: &str) {
    assert!(
        response.message.contains(text),
        "expected {text:?} in {:?}",
        response.message
    );
}

fn answer(event: &Json) -> HookResponse {
    let engine = Engine::bundled().unwrap();
    let config = RuleConfig::from_parameters(&serde_json::Map::new(), engine.rule_names()).unwrap();
    match hook::parse(event).expect("a hook request") {
        Ok(request) => hook::respond(&engine, &config, &request),
        Err(why) => hook::unreadable(event, &why),
    }
}

#[test]
fn a_compliant_notebook_gets_success_with_its_rules_passed() {
    let response = answer(&event("hook-notebook-create.json"));
    assert_answer(&response, "SUCCESS", None);
    assert_eq!(
        response.client_request_token.as_deref(),
        Some("f8da6d11-b23f-48f4-814c-0fb6a667f50e")
    );
    let passed: Vec<&str> = response
        .annotations
        .iter()
        .filter(|a| a.status == "PASSED")
        .map(|a| a.annotation_name.as_str())
        .collect();
    assert!(passed.contains(&"SAGEMAKER_NOTEBOOK_KMS"), "{passed:?}");
    assert!(
        passed.contains(&"SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET"),
        "{passed:?}"
    );
    assert!(
        response.message.starts_with("ResearchNotebook passed "),
        "{}",
        response.message
    );
}

#[test]
fn an_open_notebook_fails_noncompliant_naming_each_failing_rule() {
    let response = answer(&event("hook-notebook-open.json"));
    assert_answer(&response, "FAILED", Some("NonCompliant"));
    assert!(
        response
            .message
            .starts_with("OpenNotebook is not compliant: "),
        "{}",
        response.message
    );
    for rule in [
        "SAGEMAKER_NOTEBOOK_KMS",
        "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET",
    ] {
        assert!(
            response.message.contains(rule),
            "{rule}: {}",
            response.message
        );
        assert!(
            response
                .annotations
                .iter()
                .any(|a| a.annotation_name == rule && a.status == "FAILED"),
            "{rule}: {:?}",
            response.annotations
        );
    }
}

#[test]
fn an_endpoint_config_update_is_judged_on_its_proposed_properties() {
    let response = answer(&event("hook-endpoint-config-update.json"));
    assert_eq!(response.hook_status, "FAILED", "{response:?}");
    assert_says(&response, "SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT");
    assert_says(&response, "SAGEMAKER_ENDPOINT_CONFIG_KMS");
}

#[test]
fn a_malformed_request_is_a_clear_internal_failure_never_a_success() {
    let response = answer(&event("hook-malformed.json"));
    assert_answer(&response, "FAILED", Some("InternalFailure"));
    assert_eq!(
        response.message,
        "sagerules could not read the hook request: the hook request has no requestData"
    );
    assert_eq!(response.client_request_token.as_deref(), Some("x-1"));
}

/// A stack template: a notebook open to the internet, and a pipeline whose training step runs
/// outside any VPC.
const INSECURE_TEMPLATE: &str = r#"Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/nb
      DirectInternetAccess: Enabled
  Train:
    Type: AWS::SageMaker::Pipeline
    Properties:
      PipelineName: train
      RoleArn: arn:aws:iam::123456789012:role/pipeline
      PipelineDefinition:
        PipelineDefinitionBody: '{"Version": "2020-12-01", "Steps": [{"Name": "Fit", "Type": "Training", "Arguments": {"ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10}, "StoppingCondition": {"MaxRuntimeInSeconds": 3600}}}]}'
"#;

fn judge_payload(payload: &Json) -> HookResponse {
    let engine = Engine::bundled().unwrap();
    let config = RuleConfig::from_parameters(&serde_json::Map::new(), engine.rule_names()).unwrap();
    let request = hook::parse(&event("hook-stack.json")).unwrap().unwrap();
    hook::respond_to_payload(&engine, &config, &request, payload.to_string().as_bytes())
}

#[test]
fn a_stack_target_is_judged_on_its_whole_template_pipelines_included() {
    let response =
        judge_payload(&serde_json::json!({"template": INSECURE_TEMPLATE, "previousTemplate": ""}));
    assert_answer(&response, "FAILED", Some("NonCompliant"));
    assert!(
        response.message.starts_with("ml-team is not compliant: "),
        "{}",
        response.message
    );
    assert_says(
        &response,
        "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET Notebook: ",
    );
    assert!(
        response
            .message
            .contains("SAGEMAKER_TRAINING_JOB_IN_VPC Train/Fit: "),
        "the pipeline's training step is judged as a job: {}",
        response.message
    );
}

#[test]
fn a_change_set_target_is_judged_on_its_template() {
    let secure = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n";
    let response = judge_payload(&serde_json::json!({"template": secure, "changedResources": []}));
    assert_eq!(response.hook_status, "SUCCESS", "{response:?}");
    assert!(
        response.message.starts_with("ml-team: the template passed"),
        "{}",
        response.message
    );
}

#[test]
fn a_payload_without_a_template_is_an_internal_failure() {
    for payload in [serde_json::json!({"template": ""}), serde_json::json!([1])] {
        let response = judge_payload(&payload);
        assert_eq!(response.hook_status, "FAILED", "{payload}");
        assert_eq!(response.error_code, Some("InternalFailure"), "{payload}");
    }
}

#[test]
fn a_stack_target_whose_payload_cannot_be_fetched_is_an_internal_failure() {
    let mut request = event("hook-stack.json");
    request["requestData"]["payload"] = "http://127.0.0.1:9/unreachable.json".into();
    let dir = tempfile_dir();
    let path = dir.join("hook-stack-unreachable.json");
    std::fs::write(&path, request.to_string()).unwrap();
    let response = local_mode(&path.to_string_lossy());
    assert_eq!(response["hookStatus"], "FAILED");
    assert_eq!(response["errorCode"], "InternalFailure");
    assert!(
        response["message"]
            .as_str()
            .unwrap()
            .starts_with("STACK ml-team: the template payload could not be fetched: "),
        "{response}"
    );
}

/// `sagerules-config-rule --event PATH --dry-run`: the hook response it printed (it must exit 0:
/// the request was handled, whatever the answer).
fn local_mode(path: &str) -> Json {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sagerules-config-rule"))
        .args(["--event", path, "--dry-run"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A fresh directory under the system's temporary directory, for this test process.
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sagerules-hooks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_sagemaker_resource_without_properties_is_an_internal_failure() {
    let mut request = event("hook-notebook-create.json");
    request["requestData"]["targetModel"] = serde_json::json!({});
    let response = answer(&request);
    assert_answer(&response, "FAILED", Some("InternalFailure"));
    assert_says(&response, "without resourceProperties");
}

#[test]
fn deletions_and_other_resource_types_pass_and_say_why() {
    let mut delete = event("hook-notebook-open.json");
    delete["actionInvocationPoint"] = "DELETE_PRE_PROVISION".into();
    let response = answer(&delete);
    assert_eq!(response.hook_status, "SUCCESS");
    assert_eq!(
        response.message,
        "a deletion creates nothing insecure: not judged"
    );
    let mut bucket = event("hook-notebook-create.json");
    bucket["requestData"]["targetType"] = "AWS::S3::Bucket".into();
    let response = answer(&bucket);
    assert_eq!(response.hook_status, "SUCCESS");
    assert_eq!(
        response.message,
        "AWS::S3::Bucket is not a SageMaker resource: no sagerules rule applies"
    );
}

#[test]
fn local_mode_prints_the_hook_response() {
    let path = format!(
        "{}/tests/events/hook-notebook-open.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let response = local_mode(&path);
    assert_eq!(response["hookStatus"], "FAILED");
    assert_eq!(response["errorCode"], "NonCompliant");
    assert_eq!(
        response["clientRequestToken"],
        "f8da6d11-b23f-48f4-814c-0fb6a667f50e"
    );
    assert!(response["annotations"].as_array().unwrap().len() > 3);
}
