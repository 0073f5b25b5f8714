//! CloudFormation Lambda hook invocations (`AWS::CloudFormation::LambdaHook`): before a
//! SageMaker resource is created or updated, judge its proposed properties with the pack and
//! answer `SUCCESS`, or `FAILED` with `NonCompliant` and the findings.
//!
//! The request shape, from the CloudFormation Hooks User Guide ("Create Lambda functions to
//! evaluate resources for Lambda Hooks"; samples in `tests/events/hook-*.json`):
//!
//! ```json
//! {"clientRequestToken": "...", "awsAccountId": "123456789012", "stackId": "arn:...",
//!  "hookTypeName": "Private::Lambda::SageRules", "actionInvocationPoint": "CREATE_PRE_PROVISION",
//!  "requestData": {"targetName": "AWS::SageMaker::NotebookInstance", "targetType": "AWS::SageMaker::NotebookInstance",
//!                  "targetLogicalId": "Notebook", "targetModel": {"resourceProperties": {...}, "previousResourceProperties": {...}}},
//!  "requestContext": {"invocation": 1, "callbackContext": null}}
//! ```
//!
//! Never `SUCCESS` for something not judged: a SageMaker resource without its properties, a
//! malformed request, and stack or change-set targets (their template sits behind an S3 URL
//! this version does not fetch) are `FAILED` with `InternalFailure` and the reason, which the
//! hook's `FailureMode` (`WARN` by default in `cfn/`) turns into a warning or a stop.

use crate::engine::{Engine, Outcome};
use crate::evaluation::cut_to;
use crate::params::RuleConfig;
use serde::Serialize;
use serde_json::Value as Json;

/// The most characters of a response message CloudFormation keeps.
const MAX_MESSAGE: usize = 4_096;

/// A hook invocation, as far as this crate reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct HookRequest {
    pub client_request_token: Option<String>,
    pub invocation_point: String,
    pub target_type: String,
    pub logical_id: String,
    /// `requestData.targetModel.resourceProperties`, when present.
    pub properties: Option<Json>,
    /// `requestData.payload`: for `STACK` and `CHANGE_SET` targets, the S3 presigned URL of
    /// `{"template": "...", ...}`.
    pub payload_url: Option<String>,
}

impl HookRequest {
    /// A `STACK` or `CHANGE_SET` target, judged on the template its payload URL holds.
    pub fn is_template_target(&self) -> bool {
        matches!(self.target_type.as_str(), "STACK" | "CHANGE_SET")
    }

    /// Whether the operation deletes (nothing to judge).
    pub fn is_delete(&self) -> bool {
        self.invocation_point.starts_with("DELETE")
    }
}

/// The answer CloudFormation expects.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HookResponse {
    pub hook_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<&'static str>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_request_token: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
}

/// One rule's result, shown by CloudFormation next to the hook's status.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotation {
    pub annotation_name: String,
    pub status: &'static str,
    pub status_message: String,
}

/// `Some` when `event` is a hook invocation (it names an `actionInvocationPoint` or a
/// `hookTypeName`): the request, or why it cannot be read.
pub fn parse(event: &Json) -> Option<Result<HookRequest, String>> {
    let is_hook =
        event.get("actionInvocationPoint").is_some() || event.get("hookTypeName").is_some();
    if !is_hook {
        return None;
    }
    Some(read(event))
}

fn read(event: &Json) -> Result<HookRequest, String> {
    let text = |value: Option<&Json>, what: &str| {
        value
            .and_then(Json::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("the hook request has no {what}"))
    };
    let data = event
        .get("requestData")
        .filter(|d| d.is_object())
        .ok_or("the hook request has no requestData")?;
    Ok(HookRequest {
        client_request_token: event
            .get("clientRequestToken")
            .and_then(Json::as_str)
            .map(str::to_string),
        invocation_point: text(event.get("actionInvocationPoint"), "actionInvocationPoint")?,
        target_type: text(data.get("targetType"), "requestData.targetType")?,
        logical_id: text(data.get("targetLogicalId"), "requestData.targetLogicalId")
            .unwrap_or_else(|_| "resource".into()),
        properties: data
            .get("targetModel")
            .and_then(|m| m.get("resourceProperties"))
            .filter(|p| p.is_object())
            .cloned(),
        payload_url: data
            .get("payload")
            .and_then(Json::as_str)
            .map(str::to_string),
    })
}

/// The answer to a hook request that could not be read.
pub fn unreadable(event: &Json, why: &str) -> HookResponse {
    let token = event
        .get("clientRequestToken")
        .and_then(Json::as_str)
        .map(str::to_string);
    failure(
        "InternalFailure",
        format!("sagerules could not read the hook request: {why}"),
        token,
    )
}

/// The answer to a request this crate read but cannot judge (`why`).
pub fn unreadable_request(request: &HookRequest, why: &str) -> HookResponse {
    let message = format!("{} {}: {why}", request.target_type, request.logical_id);
    failure(
        "InternalFailure",
        message,
        request.client_request_token.clone(),
    )
}

/// Judges one hook request with the rules `config` selects.
pub fn respond(engine: &Engine, config: &RuleConfig, request: &HookRequest) -> HookResponse {
    let token = request.client_request_token.clone();
    if request.is_delete() {
        return success(
            "a deletion creates nothing insecure: not judged".into(),
            token,
            Vec::new(),
        );
    }
    if request.is_template_target() {
        let why = format!(
            "{} {}: the template payload was not fetched",
            request.target_type, request.logical_id
        );
        return failure("InternalFailure", why, token);
    }
    if !request.target_type.starts_with("AWS::SageMaker::") {
        let why = format!(
            "{} is not a SageMaker resource: no sagerules rule applies",
            request.target_type
        );
        return success(why, token, Vec::new());
    }
    let Some(properties) = &request.properties else {
        let why = format!(
            "{} {} came without resourceProperties: it cannot be judged",
            request.target_type, request.logical_id
        );
        return failure("InternalFailure", why, token);
    };
    let document = serde_json::json!({"Resources": {request.logical_id.clone(): {
        "Type": request.target_type, "Properties": properties}}});
    let outcome = engine.check(
        &crate::node::from_json(&document),
        &config.pack_params,
        &config.rules,
    );
    verdict(&request.logical_id, &outcome, token)
}

fn verdict(logical_id: &str, outcome: &Outcome, token: Option<String>) -> HookResponse {
    let mut annotations: Vec<Annotation> = outcome
        .failed
        .iter()
        .map(|f| annotation(&f.rule, "FAILED", &f.reason))
        .collect();
    annotations.extend(outcome.errors.iter().map(|e| {
        annotation(
            &e.rule,
            "FAILED",
            &format!("could not be evaluated: {}", e.reason),
        )
    }));
    annotations.extend(
        outcome
            .passed
            .iter()
            .map(|rule| annotation(rule, "PASSED", "passed")),
    );
    if let Some(first) = outcome.errors.first() {
        let message = format!(
            "{logical_id}: rule {} could not be evaluated: {}",
            first.rule, first.reason
        );
        let mut response = failure("InternalFailure", message, token);
        response.annotations = annotations;
        return response;
    }
    if !outcome.failed.is_empty() {
        let lines: Vec<String> = outcome
            .failed
            .iter()
            .map(|f| format!("{}: {}", f.rule, f.reason))
            .collect();
        let message = format!("{logical_id} is not compliant: {}", lines.join("; "));
        let mut response = failure("NonCompliant", message, token);
        response.annotations = annotations;
        return response;
    }
    let message = if outcome.passed.is_empty() {
        format!("{logical_id}: no selected rule applies to it")
    } else {
        format!("{logical_id} passed {}", outcome.passed.join(", "))
    };
    success(message, token, annotations)
}

fn annotation(rule: &str, status: &'static str, message: &str) -> Annotation {
    Annotation {
        annotation_name: rule.to_string(),
        status,
        status_message: cut_to(message, 1_024),
    }
}

fn success(message: String, token: Option<String>, annotations: Vec<Annotation>) -> HookResponse {
    HookResponse {
        hook_status: "SUCCESS",
        error_code: None,
        message: cut_to(&message, MAX_MESSAGE),
        client_request_token: token,
        annotations,
    }
}

fn failure(code: &'static str, message: String, token: Option<String>) -> HookResponse {
    HookResponse {
        hook_status: "FAILED",
        error_code: Some(code),
        message: cut_to(&message, MAX_MESSAGE),
        client_request_token: token,
        annotations: Vec::new(),
    }
}

/// Judges a `STACK` or `CHANGE_SET` target on its payload (`{"template": "...", ...}`): the
/// whole template, as `sagerules check` judges it (intrinsics, pipelines, suppressions).
pub fn respond_to_payload(
    engine: &Engine,
    config: &RuleConfig,
    request: &HookRequest,
    payload: &[u8],
) -> HookResponse {
    let token = request.client_request_token.clone();
    let fail = |why: String| failure("InternalFailure", why, token.clone());
    let payload: Json = match serde_json::from_slice(payload) {
        Ok(value) => value,
        Err(e) => return fail(format!("the template payload is not JSON: {e}")),
    };
    let Some(text) = payload
        .get("template")
        .and_then(Json::as_str)
        .filter(|t| !t.trim().is_empty())
    else {
        return fail("the template payload holds no template".into());
    };
    let root = match sagerules_data::load_lenient("template", text.as_bytes()) {
        Ok(loaded) => loaded.node,
        Err(e) => return fail(format!("the template does not load: {e}")),
    };
    let template = sagerules_cfn::Template {
        name: &request.logical_id,
        text: Some(text),
        root: &root,
    };
    let options = sagerules_cfn::Options {
        params: Some(&config.pack_params),
        only: Some(&config.rules),
        no_foreign_suppressions: false,
        stack_keys_allowed: sagerules_pack::params::stack_keys_allowed(&config.pack_params),
    };
    let checked = sagerules_cfn::check(
        &[engine.rule_set()],
        template,
        options,
        &sagerules_cfn::no_files,
    );
    template_verdict(&request.logical_id, &checked, token)
}

/// One answer for a whole template: every failing (resource, rule) in the message and as an
/// annotation; a rule that could not be evaluated is an internal failure.
fn template_verdict(
    stack: &str,
    checked: &[sagerules_cfn::Checked],
    token: Option<String>,
) -> HookResponse {
    let mut failures = Vec::new();
    let mut errors = Vec::new();
    let mut passed = 0usize;
    for document in checked {
        for report in &document.reports {
            errors.extend(
                report
                    .errors
                    .iter()
                    .map(|e| format!("{}: {}", e.rule, e.message)),
            );
            for rule in &report.rules {
                for resource in &rule.resources {
                    match resource.status {
                        sagerules_core::Status::Fail => {
                            let reason = resource
                                .failures
                                .first()
                                .and_then(|f| f.message.clone())
                                .unwrap_or_else(|| "failed".into());
                            let name = resource.resource.as_deref().unwrap_or("template");
                            failures.push((rule.rule.clone(), format!("{name}: {reason}")));
                        }
                        sagerules_core::Status::Pass => passed += 1,
                        sagerules_core::Status::Skip => {}
                    }
                }
            }
        }
    }
    if let Some(first) = errors.first() {
        return failure(
            "InternalFailure",
            format!("{stack}: rule {first} could not be evaluated"),
            token,
        );
    }
    if failures.is_empty() {
        let message =
            format!("{stack}: the template passed ({passed} rule checks on its resources)");
        return success(message, token, Vec::new());
    }
    let annotations = failures
        .iter()
        .map(|(rule, text)| annotation(rule, "FAILED", text))
        .collect();
    let lines: Vec<String> = failures
        .iter()
        .map(|(rule, text)| format!("{rule} {text}"))
        .collect();
    let mut response = failure(
        "NonCompliant",
        format!("{stack} is not compliant: {}", lines.join("; ")),
        token,
    );
    response.annotations = annotations;
    response
}
