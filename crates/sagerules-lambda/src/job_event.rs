//! EventBridge "SageMaker … Job State Change" events. Such an invocation has no Config result
//! token, so it cannot call PutEvaluations: it judges the job at once (the verdict goes to the
//! log, where a metric filter or alarm can pick it up) and asks AWS Config to re-run the
//! periodic job rule (`SAGERULES_PERIODIC_RULE`), which records the verdict.
//!
//! ```json
//! {"source": "aws.sagemaker", "detail-type": "SageMaker Training Job State Change",
//!  "account": "123456789012", "detail": {"TrainingJobName": "nightly-42", "TrainingJobStatus": "Completed"}}
//! ```
//!
//! The rules come from `SAGERULES_EVENT_FAMILIES` / `SAGERULES_EVENT_RULES` (same syntax as
//! the `families` / `rules` rule parameters; default: every job rule).

use crate::clients::Clients;
use crate::engine::Engine;
use crate::error_text::error_text;
use crate::evaluation::{verdict, Compliance};
use crate::jobs::JobKind;
use crate::params::{ParamsError, RuleConfig};
use crate::sagemaker::{self, ApiFailure};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// The part of an EventBridge event this module reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StateChange {
    source: Option<String>,
    #[serde(rename = "detail-type")]
    detail_type: Option<String>,
    detail: Json,
}

/// A job named by a state-change event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobEvent {
    pub kind: JobKind,
    pub name: String,
    pub status: Option<String>,
}

/// What the invocation did, for the log line and the return value.
#[derive(Clone, Debug, Serialize)]
pub struct JobVerdict {
    pub job: String,
    pub kind: &'static str,
    pub compliance: Option<Compliance>,
    pub annotation: String,
    pub periodic_rule_started: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum JobEventError {
    #[error(transparent)]
    Params(#[from] ParamsError),
    #[error("describing the job failed: {0}")]
    Describe(#[from] ApiFailure),
    /// A SageMaker event that names no job, or of a kind this crate does not judge.
    #[error("SageMaker event not handled: {0}")]
    Unusable(String),
}

/// `Ok(Some)` for a SageMaker job state change, `Ok(None)` for an event from another source
/// (an AWS Config event, say), and an error for a SageMaker event this crate cannot use: one
/// of another detail type, or a state change without its job name.
pub fn parse(event: &Json) -> Result<Option<JobEvent>, JobEventError> {
    let Ok(change) = StateChange::deserialize(event) else {
        return Ok(None);
    };
    if change.source.as_deref() != Some("aws.sagemaker") {
        return Ok(None);
    }
    let unusable = |why: String| Err(JobEventError::Unusable(why));
    let Some(detail_type) = change.detail_type.as_deref() else {
        return unusable("it has no detail-type".into());
    };
    let (kind, name_key, status_key) = match detail_type {
        "SageMaker Training Job State Change" => {
            (JobKind::Training, "TrainingJobName", "TrainingJobStatus")
        }
        "SageMaker HyperParameter Tuning Job State Change" => (
            JobKind::Tuning,
            "HyperParameterTuningJobName",
            "HyperParameterTuningJobStatus",
        ),
        "SageMaker Processing Job State Change" => (
            JobKind::Processing,
            "ProcessingJobName",
            "ProcessingJobStatus",
        ),
        "SageMaker Transform Job State Change" => {
            (JobKind::Transform, "TransformJobName", "TransformJobStatus")
        }
        other => return unusable(format!("detail-type {other:?} is not a job state change")),
    };
    let Some(name) = change.detail.get(name_key).and_then(Json::as_str) else {
        return unusable(format!("{detail_type} without detail.{name_key}"));
    };
    let status = change
        .detail
        .get(status_key)
        .and_then(Json::as_str)
        .map(str::to_string);
    Ok(Some(JobEvent {
        kind,
        name: name.to_string(),
        status,
    }))
}

/// The rule selection for job events, from the environment.
pub fn config_from_env(engine: &Engine) -> Result<RuleConfig, ParamsError> {
    let mut params = serde_json::Map::new();
    let families = std::env::var("SAGERULES_EVENT_FAMILIES").unwrap_or_else(|_| "jobs".into());
    params.insert("families".into(), Json::String(families));
    if let Ok(rules) = std::env::var("SAGERULES_EVENT_RULES") {
        params.insert("rules".into(), Json::String(rules));
    }
    RuleConfig::from_parameters(&params, engine.rule_names())
}

/// Judges the job and nudges the periodic rule.
pub async fn handle(
    engine: &Engine,
    clients: &Clients,
    job: &JobEvent,
) -> Result<JobVerdict, JobEventError> {
    let config = config_from_env(engine)?;
    let response = sagemaker::describe_job(&clients.sagemaker, job.kind, &job.name).await?;
    let arn = response
        .get(arn_key(job.kind))
        .and_then(|n| n.as_str())
        .map(str::to_string);
    let tags = match (config.needs_tags(job.kind), arn) {
        (true, Some(arn)) => Some(sagemaker::list_tags(&clients.sagemaker, &arn).await?),
        _ => None,
    };
    let document =
        sagerules_pack::adapt::from_describe(job.kind.api_kind(), &job.name, response, tags);
    let rules: Vec<String> = config
        .rules
        .iter()
        .filter(|r| r.starts_with(job.kind.rule_prefix()))
        .cloned()
        .collect();
    let (compliance, annotation) =
        verdict(&engine.check(&document, &config.pack_params, &rules), None);
    let periodic_rule_started = start_periodic_rule(clients).await;
    Ok(JobVerdict {
        job: job.name.clone(),
        kind: job.kind.label(),
        compliance: Some(compliance),
        annotation,
        periodic_rule_started,
    })
}

fn arn_key(kind: JobKind) -> &'static str {
    match kind {
        JobKind::Training => "TrainingJobArn",
        JobKind::Tuning => "HyperParameterTuningJobArn",
        JobKind::Processing => "ProcessingJobArn",
        JobKind::Transform => "TransformJobArn",
    }
}

/// `StartConfigRulesEvaluation` on the periodic rule; Config allows about one a minute, so a
/// refusal is logged, not an error (the next scheduled run catches up).
async fn start_periodic_rule(clients: &Clients) -> bool {
    let Ok(rule) = std::env::var("SAGERULES_PERIODIC_RULE") else {
        return false;
    };
    match clients
        .config
        .start_config_rules_evaluation()
        .config_rule_names(&rule)
        .send()
        .await
    {
        Ok(_) => true,
        Err(error) => {
            tracing::warn!(rule = %rule, error = %error_text(&error), "could not start the periodic rule");
            false
        }
    }
}
