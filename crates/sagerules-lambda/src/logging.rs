//! Structured logs: one JSON object per line on stderr (CloudWatch keeps them as they are),
//! and one summary line per invocation. Items and templates are never logged, only names,
//! counts and timings.

use crate::handler::Summary;

/// Installs the JSON subscriber; `RUST_LOG`-style filtering is not needed, the level is info.
pub fn init() {
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The one line per invocation.
pub fn summary(summary: &Summary) {
    let sweep = summary.sweep.as_ref();
    tracing::info!(
        message_type = %summary.message_type,
        config_rule = summary.config_rule.as_deref().unwrap_or_default(),
        rules_selected = summary.rules_selected,
        evaluations = summary.evaluations,
        compliant = summary.compliant,
        non_compliant = summary.non_compliant,
        not_applicable = summary.not_applicable,
        put_calls = summary.put_calls,
        stale_cleared = summary.stale_cleared,
        evaluate_us = summary.evaluate_us as u64,
        jobs_listed = sweep.map(|s| s.listed),
        jobs_described = sweep.map(|s| s.described),
        describe_failed = sweep.map(|s| s.describe_failed),
        skipped_for_deadline = sweep.map(|s| s.skipped_for_deadline),
        list_ms = sweep.map(|s| s.list_ms as u64),
        describe_ms = sweep.map(|s| s.describe_ms as u64),
        sweep_evaluate_us = sweep.map(|s| s.evaluate_us as u64),
        total_ms = summary.total_ms as u64,
        "invocation done"
    );
}
