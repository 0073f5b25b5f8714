//! Routes a raw event (Lambda payload or `--event FILE`) to the CloudFormation hook, the
//! responses to SageMaker events (state changes and CloudTrail calls), or the AWS Config
//! handler, and logs the outcome as one line.

use crate::clients::Clients;
use crate::cloudtrail;
use crate::engine::Engine;
use crate::event::ConfigEvent;
use crate::handler::{handle, Invocation};
use crate::hook;
use crate::job_event::{self, Envelope, JobEventError};
use crate::logging;
use crate::respond::{self, Decision, RespondError, Run, Settings};
use serde_json::Value as Json;

/// What an invocation produced: the evaluations for Config events (sent, or to be sent in
/// dry run), the decision for a SageMaker event.
pub enum Outcome {
    Config {
        summary: Box<crate::handler::Summary>,
        evaluations: Vec<crate::evaluation::Evaluation>,
    },
    Response(Box<Decision>),
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
            Outcome::Response(decision) => serde_json::to_value(decision),
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
    if let Some(envelope) = Envelope::of_sagemaker(&event) {
        let decision = respond_to(engine, &Clients::new(base), &envelope, run).await?;
        return Ok(Outcome::Response(Box::new(decision)));
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
    let lookup = |name: &str| std::env::var(name).ok();
    let params = crate::params::object_from_env("SAGERULES_HOOK_PARAMETERS", &lookup)
        .map_err(|e| e.message)?;
    crate::params::RuleConfig::from_parameters(&params, engine.rule_names())
        .map_err(|e| e.to_string())
}

/// A SageMaker event: a state change or a CloudTrail call, judged and answered
/// ([`respond`]); any other SageMaker event is an error. Logs one line per decision.
pub async fn respond_to(
    engine: &Engine,
    clients: &Clients,
    envelope: &Envelope,
    run: crate::handler::Invocation,
) -> Result<Decision, Error> {
    let own_region = clients
        .sagemaker
        .config()
        .region()
        .map(|r| r.as_ref().to_string());
    if let (Some(theirs), Some(ours)) = (envelope.region.as_deref(), own_region.as_deref()) {
        if theirs != ours {
            return Err(JobEventError::Unusable(format!(
                "the event is from {theirs} but this function runs in {ours}: deploy one stack per region"
            ))
            .into());
        }
    }
    let settings = Settings::from_env(engine)?;
    let run = Run {
        dry_run: run.dry_run,
    };
    let result = if let Some(change) = job_event::parse(envelope)? {
        respond::on_state_change(engine, clients, &settings, &change, run).await
    } else if let Some(call) = cloudtrail::parse(envelope)? {
        respond::on_api_call(engine, clients, &settings, &call, run).await
    } else {
        let detail_type = envelope.detail_type.as_deref().unwrap_or_default();
        return Err(JobEventError::Unusable(format!(
            "detail-type {detail_type:?} is neither a job or notebook state change nor a CloudTrail call"
        ))
        .into());
    };
    match result {
        Ok(decision) => {
            logging::decision(&decision);
            if !run.dry_run {
                respond::nudge_periodic_rule(clients, &settings, &decision).await;
            }
            Ok(decision)
        }
        Err(error) => {
            if let RespondError::StopFailed { decision, .. }
            | RespondError::Publish { decision, .. } = &error
            {
                logging::decision(decision);
            }
            Err(error.into())
        }
    }
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
