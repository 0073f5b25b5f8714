//! "AWS API Call via CloudTrail" events for the SageMaker calls that create (or change) what
//! the rules judge: `CreateTrainingJob`, `CreateHyperParameterTuningJob`,
//! `CreateProcessingJob`, `CreateTransformJob`, `CreateNotebookInstance`,
//! `UpdateNotebookInstance`, `CreateEndpointConfig`, `CreateModel` and `CreateDomain`.
//!
//! CloudTrail writes the request in lower camel case (`trainingJobName`,
//! `resourceConfig.volumeKmsKeyId`); [`api_names`] turns it into the API's names
//! (`TrainingJobName`, `ResourceConfig.VolumeKmsKeyId`) so the same adapter and rules judge it.
//! Values CloudTrail hides are kept as the marker string and listed in [`ApiCall::redacted`].
//!
//! ```json
//! {"source": "aws.sagemaker", "detail-type": "AWS API Call via CloudTrail",
//!  "detail": {"eventSource": "sagemaker.amazonaws.com", "eventName": "CreateTrainingJob",
//!   "awsRegion": "us-east-1", "recipientAccountId": "123456789012",
//!   "userIdentity": {"arn": "arn:aws:sts::123456789012:assumed-role/DataScientist/alice"},
//!   "requestParameters": {"trainingJobName": "nightly-42", "resourceConfig": {...}},
//!   "responseElements": {"trainingJobArn": "arn:aws:sagemaker:…:training-job/nightly-42"}}}
//! ```

use crate::job_event::{Envelope, JobEventError};
use crate::kinds::{self, KindFacts};
use serde_json::{Map, Value as Json};

/// The `detail-type` of CloudTrail events on EventBridge.
pub const DETAIL_TYPE: &str = "AWS API Call via CloudTrail";
/// What CloudTrail writes in place of a value it does not record.
pub const REDACTED: &str = "HIDDEN_DUE_TO_SECURITY_REASONS";

/// Maps whose keys are the user's, not the API's (left as they are).
const USER_MAPS: [&str; 3] = ["Environment", "HyperParameters", "StaticHyperParameters"];

/// One recorded SageMaker call.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiCall {
    pub facts: &'static KindFacts,
    pub event_name: String,
    pub name: String,
    /// The request in the API's names.
    pub request: Json,
    /// From `responseElements` (`TrainingJobArn`, ...), when the call returned one.
    pub arn: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    /// `userIdentity.arn`: who made the call.
    pub caller: Option<String>,
    /// `errorCode`: the call failed, so nothing was created.
    pub error_code: Option<String>,
    /// Dotted paths of the values CloudTrail hid (`Environment.TOKEN`).
    pub redacted: Vec<String>,
}

impl ApiCall {
    /// An update call (`UpdateNotebookInstance`, the kind's `update_call`): its request holds
    /// only the changed fields, so the resource is judged on a fresh Describe instead.
    pub fn is_update(&self) -> bool {
        self.facts.update_call == Some(self.event_name.as_str())
    }
}

/// The SageMaker call in a CloudTrail event, `None` when the event is not one; an error for a
/// CloudTrail event of a call this crate does not judge, or one without the resource's name.
pub fn parse(envelope: &Envelope) -> Result<Option<ApiCall>, JobEventError> {
    if envelope.detail_type.as_deref() != Some(DETAIL_TYPE) {
        return Ok(None);
    }
    let detail = &envelope.detail;
    let text = |key: &str| detail.get(key).and_then(Json::as_str).map(str::to_string);
    let event_name = text("eventName").unwrap_or_default();
    let facts = kinds::by_call(&event_name);
    let Some(facts) = facts else {
        return Err(JobEventError::Unusable(format!(
            "CloudTrail call {event_name:?} is not one sagerules judges"
        )));
    };
    let mut redacted = Vec::new();
    let request = api_names(
        detail.get("requestParameters").unwrap_or(&Json::Null),
        "",
        &mut redacted,
    );
    let response = api_names(
        detail.get("responseElements").unwrap_or(&Json::Null),
        "",
        &mut Vec::new(),
    );
    let name = request.get(facts.name_field).and_then(Json::as_str);
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return Err(JobEventError::Unusable(format!(
            "CloudTrail {event_name} without requestParameters.{}",
            lower_first(facts.name_field)
        )));
    };
    Ok(Some(ApiCall {
        facts,
        event_name: event_name.clone(),
        name: name.to_string(),
        arn: response
            .get(facts.arn_field)
            .and_then(Json::as_str)
            .map(str::to_string),
        account: text("recipientAccountId").or_else(|| envelope.account.clone()),
        region: text("awsRegion").or_else(|| envelope.region.clone()),
        caller: detail
            .get("userIdentity")
            .and_then(|u| u.get("arn"))
            .and_then(Json::as_str)
            .map(str::to_string),
        error_code: text("errorCode"),
        request,
        redacted,
    }))
}

/// `{"resourceConfig": {"volumeKmsKeyId": "k"}}` → `{"ResourceConfig": {"VolumeKmsKeyId": "k"}}`;
/// the keys of [`USER_MAPS`] are kept, and every [`REDACTED`] value's path is collected.
pub fn api_names(value: &Json, path: &str, redacted: &mut Vec<String>) -> Json {
    match value {
        Json::Object(map) => {
            let user_map = USER_MAPS.iter().any(|m| path.ends_with(m));
            let converted: Map<String, Json> = map
                .iter()
                .map(|(key, value)| {
                    let key = if user_map {
                        key.clone()
                    } else {
                        upper_first(key)
                    };
                    let inner = join(path, &key);
                    (key, api_names(value, &inner, redacted))
                })
                .collect();
            Json::Object(converted)
        }
        Json::Array(items) => Json::Array(
            items
                .iter()
                .map(|item| api_names(item, path, redacted))
                .collect(),
        ),
        Json::String(text) if text == REDACTED => {
            redacted.push(path.to_string());
            value.clone()
        }
        other => other.clone(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn upper_first(key: &str) -> String {
    let mut chars = key.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn lower_first(key: &str) -> String {
    let mut chars = key.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn camel_case_request_becomes_api_names_except_user_maps() {
        let mut hidden = Vec::new();
        let converted = api_names(
            &json!({"resourceConfig": {"volumeKmsKeyId": "k"}, "environment": {"myVar": "HIDDEN_DUE_TO_SECURITY_REASONS"},
                    "tags": [{"key": "team", "value": "ml"}]}),
            "",
            &mut hidden,
        );
        assert_eq!(
            converted,
            json!({"ResourceConfig": {"VolumeKmsKeyId": "k"}, "Environment": {"myVar": REDACTED},
                   "Tags": [{"Key": "team", "Value": "ml"}]})
        );
        assert_eq!(hidden, vec!["Environment.myVar".to_string()]);
    }
}
