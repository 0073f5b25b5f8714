//! The Lambda entry: load the rule pack and the SDK configuration once per cold start (logged
//! as `init_ms`), then handle each event with the invocation's deadline.

use crate::clients;
use crate::dispatch::dispatch;
use crate::engine::Engine;
use crate::handler::{Deadline, Invocation};
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value as Json;
use std::sync::Arc;
use std::time::Instant;

struct Shared {
    engine: Engine,
    base: aws_config::SdkConfig,
}

/// Serves events until the runtime stops.
pub async fn serve(started: Instant) -> Result<(), Error> {
    let engine = Engine::bundled()?;
    let base = clients::base_config().await;
    tracing::info!(
        init_ms = started.elapsed().as_millis() as u64,
        rules = engine.rule_names().len(),
        "initialised"
    );
    let shared = Arc::new(Shared { engine, base });
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Json>| {
        let shared = Arc::clone(&shared);
        async move { on_event(&shared, event).await }
    }))
    .await
}

async fn on_event(shared: &Shared, event: LambdaEvent<Json>) -> Result<Json, Error> {
    let run = Invocation {
        dry_run: false,
        deadline: Deadline::from_epoch_ms(event.context.deadline),
    };
    match dispatch(&shared.engine, &shared.base, event.payload, run).await {
        Ok(outcome) => Ok(outcome.to_json(false)),
        Err(error) => {
            tracing::error!(error = %error, "invocation failed");
            crate::logging::error_metric(&error.to_string());
            Err(error)
        }
    }
}
