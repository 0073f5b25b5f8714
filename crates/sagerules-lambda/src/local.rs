//! `sagerules-config-rule --event FILE [--dry-run] [--deadline-seconds N]`: one event outside Lambda, so a user can
//! see what a Config rule would report before deploying it. The evaluations go to stdout as a
//! JSON array; logs go to stderr.

use crate::clients;
use crate::dispatch::dispatch;
use crate::engine::Engine;
use crate::handler::{Deadline, Invocation};
use std::path::Path;

/// Runs the event in `path`, within `deadline_seconds` when given (as the Lambda deadline
/// would bound it); the error is the text to print.
pub async fn run(path: &Path, dry_run: bool, deadline_seconds: Option<u64>) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let event =
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let engine = Engine::bundled().map_err(|e| e.to_string())?;
    let base = clients::base_config().await;
    let run = Invocation {
        dry_run,
        deadline: deadline_seconds.map_or_else(Deadline::none, |s| {
            Deadline::after(std::time::Duration::from_secs(s))
        }),
    };
    let outcome = dispatch(&engine, &base, event, run)
        .await
        .map_err(|e| e.to_string())?;
    let text = serde_json::to_string_pretty(&outcome.to_json(true)).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}
