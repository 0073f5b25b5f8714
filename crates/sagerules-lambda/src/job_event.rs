//! EventBridge state-change events of the resources a response can stop: the four "SageMaker
//! … Job State Change" events and "SageMaker Notebook Instance State Change". `detail` mirrors
//! the `Describe*` response; only the name and status are read from it, because the decision
//! is made on a fresh `Describe*` (events repeat and arrive out of order).
//!
//! ```json
//! {"source": "aws.sagemaker", "detail-type": "SageMaker Training Job State Change",
//!  "account": "123456789012", "region": "us-east-1",
//!  "detail": {"TrainingJobName": "nightly-42", "TrainingJobStatus": "InProgress"}}
//! ```

use crate::kinds::{self, KindFacts};
use serde::Deserialize;
use serde_json::Value as Json;

/// The envelope of an EventBridge event (the part this crate reads).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Envelope {
    pub source: Option<String>,
    #[serde(rename = "detail-type")]
    pub detail_type: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub detail: Json,
}

impl Envelope {
    /// The envelope of a SageMaker event, `None` for any other event (an AWS Config event,
    /// a hook request).
    pub fn of_sagemaker(event: &Json) -> Option<Envelope> {
        let envelope = Envelope::deserialize(event).ok()?;
        (envelope.source.as_deref() == Some("aws.sagemaker")).then_some(envelope)
    }
}

/// A resource named by a state-change event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateChange {
    pub facts: &'static KindFacts,
    pub name: String,
    /// The status the event reports (the decision reads the status again from `Describe*`).
    pub status: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    /// The event's `detail` (it mirrors the Describe response): what a dry run judges, since it
    /// makes no call.
    pub detail: Json,
}

#[derive(Debug, thiserror::Error)]
pub enum JobEventError {
    /// A SageMaker event that names no resource, or of a kind this crate does not handle.
    #[error("SageMaker event not handled: {0}")]
    Unusable(String),
}

/// The state change in a SageMaker event, or `None` when `detail-type` is not a state change
/// (the caller tries CloudTrail next). A state change without its name is an error.
pub fn parse(envelope: &Envelope) -> Result<Option<StateChange>, JobEventError> {
    let Some(detail_type) = envelope.detail_type.as_deref() else {
        return Err(JobEventError::Unusable("it has no detail-type".into()));
    };
    let Some(facts) = kinds::by_state_change(detail_type) else {
        return Ok(None);
    };
    if facts.running_status.is_none() {
        return Err(JobEventError::Unusable(format!(
            "detail-type {detail_type:?}: {} are judged from their CloudTrail calls, not from state changes",
            facts.label
        )));
    }
    let name = envelope.detail.get(facts.name_field).and_then(Json::as_str);
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return Err(JobEventError::Unusable(format!(
            "{detail_type} without detail.{}",
            facts.name_field
        )));
    };
    let status = facts
        .status_field
        .and_then(|field| envelope.detail.get(field))
        .and_then(Json::as_str)
        .map(str::to_string);
    Ok(Some(StateChange {
        facts,
        name: name.to_string(),
        status,
        account: envelope.account.clone(),
        region: envelope.region.clone(),
        detail: envelope.detail.clone(),
    }))
}
