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
        rejected_types = %summary.rejected_types.join(","),
        evaluate_us = summary.evaluate_us as u64,
        jobs_listed = sweep.map(|s| s.listed),
        incremental_kinds = sweep.map(|s| s.incremental_kinds),
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

/// The one line per response decision (`"message": "response decided"`), with the fields a
/// metric filter or a query needs; the full decision is the invocation's return value.
pub fn decision(decision: &crate::respond::Decision) {
    let rules: Vec<&str> = decision.failing.iter().map(|f| f.rule.as_str()).collect();
    let action = serde_json::to_value(&decision.action).unwrap_or_default();
    tracing::info!(
        resource_type = decision.resource_type,
        name = %decision.name,
        arn = decision.arn.as_deref().unwrap_or_default(),
        trigger = %decision.trigger,
        status = decision.status.as_deref().unwrap_or_default(),
        verdict = ?decision.verdict,
        mode = ?decision.mode,
        action = action.get("action").and_then(|a| a.as_str()).unwrap_or_default(),
        failing_rules = %rules.join(","),
        exempt = decision.exempt.as_deref().unwrap_or_default(),
        duplicate = decision.duplicate,
        notified = decision.notified.is_some(),
        calls = %decision.calls.join(","),
        note = %decision.note,
        decision_ms = decision.decision_ms,
        "response decided"
    );
}

/// The CloudWatch metric namespace of [`error_metric`] (`SAGERULES_METRIC_NAMESPACE`).
const DEFAULT_NAMESPACE: &str = "sagerules";

/// Writes one CloudWatch Embedded Metric Format line counting a failed invocation
/// (`InvocationErrors`, by `FunctionName`): CloudWatch turns it into a metric with no API
/// call, so an alarm can watch an evaluator that fails instead of seeing a quiet account.
pub fn error_metric(message: &str) {
    let function =
        std::env::var("AWS_LAMBDA_FUNCTION_NAME").unwrap_or_else(|_| "local".to_string());
    let namespace = std::env::var("SAGERULES_METRIC_NAMESPACE")
        .unwrap_or_else(|_| DEFAULT_NAMESPACE.to_string());
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    eprintln!(
        "{}",
        error_metric_line(message, &namespace, &function, now_ms)
    );
}

/// The EMF object for one failed invocation.
///
/// ```json
/// {"_aws": {"Timestamp": 1700000000000, "CloudWatchMetrics": [{"Namespace": "sagerules",
///   "Dimensions": [["FunctionName"]], "Metrics": [{"Name": "InvocationErrors", "Unit": "Count"}]}]},
///  "FunctionName": "sagerules-config-rule", "InvocationErrors": 1, "level": "ERROR", "error": "..."}
/// ```
pub fn error_metric_line(message: &str, namespace: &str, function: &str, now_ms: u64) -> String {
    serde_json::json!({
        "_aws": {
            "Timestamp": now_ms,
            "CloudWatchMetrics": [{
                "Namespace": namespace,
                "Dimensions": [["FunctionName"]],
                "Metrics": [{"Name": "InvocationErrors", "Unit": "Count"}],
            }],
        },
        "FunctionName": function,
        "InvocationErrors": 1,
        "level": "ERROR",
        "error": message,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_invocation_is_an_embedded_metric_cloudwatch_reads() {
        let line = error_metric_line("boom", "sagerules", "fn-1", 1_700_000_000_000);
        let value: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        let directive = &value["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], "sagerules");
        assert_eq!(
            directive["Dimensions"],
            serde_json::json!([["FunctionName"]])
        );
        assert_eq!(directive["Metrics"][0]["Name"], "InvocationErrors");
        assert_eq!(value["_aws"]["Timestamp"], 1_700_000_000_000u64);
        assert_eq!(value["FunctionName"], "fn-1");
        assert_eq!(value["InvocationErrors"], 1);
        assert_eq!(value["error"], "boom");
        assert!(!line.contains('\n'));
    }
}
