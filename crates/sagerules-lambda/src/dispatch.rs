//! Routes a raw event (Lambda payload or `--event FILE`) to the AWS Config handler or the
//! EventBridge job-event handler, and logs the outcome as one line.

use crate::clients::Clients;
use crate::engine::Engine;
use crate::event::ConfigEvent;
use crate::handler::{handle, Invocation};
use crate::hook;
use crate::job_event;
use crate::logging;
use serde_json::Value as Json;

/// What an invocation produced: the evaluations for Config events (sent, or to be sent in
/// dry run), the job verdict for EventBridge events.
pub enum Outcome {
    Config {
        summary: Box<crate::handler::Summary>,
        evaluations: Vec<crate::evaluation::Evaluation>,
    },
    Job(job_event::JobVerdict),
    /// The answer to a CloudFormation Lambda hook.
    Hook(hook::HookResponse),
}

impl Outcome {
    /// The Lambda's return value / the local mode's output.
    pub fn to_json(&self, with_evaluations: bool) -> Json {
        let value = match self {
            Outcome::Config { evaluations, .. } if with_evaluations => {
                serde_json::to_value(evaluations)
            }
            Outcome::Config { summary, .. } => serde_json::to_value(summary),
            Outcome::Job(verdict) => serde_json::to_value(verdict),
            Outcome::Hook(response) => serde_json::to_value(response),
        };
        value.unwrap_or(Json::Null)
    }
}

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Handles one event of either kind.
pub async fn dispatch(
    engine: &Engine,
    base: &aws_config::SdkConfig,
    event: Json,
    run: Invocation,
) -> Result<Outcome, Error> {
    if let Some(request) = hook::parse(&event) {
        let response = match request {
            Ok(request) => match hook_config(engine) {
                Ok(config) => respond_to_hook(engine, &config, &request).await,
                Err(error) => {
                    hook::unreadable(&event, &format!("SAGERULES_HOOK_PARAMETERS: {error}"))
                }
            },
            Err(why) => hook::unreadable(&event, &why),
        };
        tracing::info!(hook_status = response.hook_status, error_code = response.error_code.unwrap_or_default(),
            message = %response.message, "hook request judged");
        return Ok(Outcome::Hook(response));
    }
    if let Some(job) = job_event::parse(&event)? {
        let verdict = job_event::handle(engine, &Clients::new(base), &job).await?;
        tracing::info!(job = %verdict.job, kind = verdict.kind, compliance = ?verdict.compliance, annotation = %verdict.annotation,
            periodic_rule_started = verdict.periodic_rule_started, status = job.status.as_deref().unwrap_or_default(), "job state change judged");
        return Ok(Outcome::Job(verdict));
    }
    let config_event = ConfigEvent::from_value(event)?;
    let (summary, evaluations) = handle(engine, base, &config_event, run).await?;
    logging::summary(&summary);
    Ok(Outcome::Config {
        summary: Box::new(summary),
        evaluations,
    })
}

/// The rules and parameters hooks judge with: `SAGERULES_HOOK_PARAMETERS`, a JSON object in the
/// syntax of the Config rule's InputParameters (`families`, `rules`, the pack's parameters);
/// absent, every rule with the pack's defaults.
fn hook_config(engine: &Engine) -> Result<crate::params::RuleConfig, String> {
    let params = match std::env::var("SAGERULES_HOOK_PARAMETERS") {
        Ok(text) if !text.trim().is_empty() => match serde_json::from_str::<Json>(&text) {
            Ok(Json::Object(map)) => map,
            Ok(_) => return Err("not a JSON object".into()),
            Err(e) => return Err(e.to_string()),
        },
        _ => serde_json::Map::new(),
    };
    crate::params::RuleConfig::from_parameters(&params, engine.rule_names())
        .map_err(|e| e.to_string())
}

/// A resource target is judged on its properties; a stack or change-set target on the
/// template its payload URL holds (fetched here: the only I/O of a hook).
async fn respond_to_hook(
    engine: &Engine,
    config: &crate::params::RuleConfig,
    request: &hook::HookRequest,
) -> hook::HookResponse {
    if !request.is_template_target() || request.is_delete() {
        return hook::respond(engine, config, request);
    }
    let Some(url) = &request.payload_url else {
        return hook::unreadable_request(
            request,
            "requestData.payload (the template URL) is missing",
        );
    };
    match crate::payload::fetch(url).await {
        Ok(payload) => hook::respond_to_payload(engine, config, request, &payload),
        Err(why) => hook::unreadable_request(
            request,
            &format!("the template payload could not be fetched: {why}"),
        ),
    }
}
