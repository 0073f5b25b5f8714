//! The SNS message about a non-compliant resource, written for the person on call: the subject
//! says what and what was done, the body names the resource, each failing rule with its
//! message and fix, a console link and how to exempt it. Message attributes carry the rule
//! names, the severity and the action, for subscription filter policies:
//!
//! ```text
//! Subject: [sagerules] STOPPED training job nightly-42: 2 rules failed (high)
//! Attributes: rules=["SAGEMAKER_TRAINING_JOB_VOLUME_KMS", …] severity=high action=stopped
//! ```

use crate::respond::{Action, Decision};
use aws_sdk_sns::types::MessageAttributeValue;

/// SNS's limit on a subject, in ASCII characters.
const MAX_SUBJECT: usize = 100;

/// What was done, as a sentence (the decision's note and the body's "Action" line).
pub fn action_sentence(decision: &Decision) -> String {
    match &decision.action {
        Action::Stopped { call } => format!("stopped: {call} was called (mode enforce)"),
        Action::StopFailed { call, error } => {
            format!("NOT stopped: {call} failed ({error}); it still runs, and the event is retried")
        }
        Action::Reported { why } => format!("reported, not stopped: {why}"),
        Action::WouldStop { call } => format!("dry run: {call} would be called"),
        Action::None => "nothing to do".into(),
    }
}

fn action_word(action: &Action) -> &'static str {
    match action {
        Action::Stopped { .. } => "stopped",
        Action::StopFailed { .. } => "stop_failed",
        Action::Reported { .. } => "reported",
        Action::WouldStop { .. } => "would_stop",
        Action::None => "none",
    }
}

/// `[sagerules] STOPPED training job nightly-42: 2 rules failed (high)`, at most 100 ASCII
/// characters (SNS rejects longer ones and non-ASCII).
pub fn subject(decision: &Decision) -> String {
    let head = match decision.action {
        Action::Stopped { .. } => "STOPPED",
        Action::StopFailed { .. } => "STOP FAILED for",
        _ => "Non-compliant",
    };
    let count = decision.failing.len();
    let severity = decision
        .failing
        .iter()
        .map(|f| f.level)
        .max()
        .unwrap_or_default();
    let text = format!(
        "[sagerules] {head} {} {}: {count} rule{} failed ({})",
        decision.kind,
        decision.name,
        if count == 1 { "" } else { "s" },
        severity.as_str()
    );
    let ascii: String = text
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '?'
            }
        })
        .collect();
    crate::evaluation::cut_to(&ascii, MAX_SUBJECT - 2).replace('…', "...")
}

/// The message body (plain text).
pub fn body(decision: &Decision) -> String {
    let mut lines = vec![
        format!(
            "sagerules found the SageMaker {} {} non-compliant.",
            decision.kind, decision.name
        ),
        String::new(),
        format!("Action: {}", action_sentence(decision)),
        format!(
            "Resource: {}",
            decision.arn.as_deref().unwrap_or(&decision.name)
        ),
        format!(
            "Account {}, region {}",
            decision.account.as_deref().unwrap_or("unknown"),
            decision.region.as_deref().unwrap_or("unknown")
        ),
    ];
    if let Some(console) = &decision.console {
        lines.push(format!("Console: {console}"));
    }
    lines.push(format!("Seen in: {}", decision.trigger));
    if let Some(status) = &decision.status {
        lines.push(format!("Status: {status}"));
    }
    lines.push(String::new());
    lines.push("Failing rules:".into());
    for rule in &decision.failing {
        lines.push(format!(
            "- {} ({}): {}",
            rule.rule, rule.severity, rule.message
        ));
        if let Some(fix) = &rule.remediation {
            lines.push(format!("  Fix: {fix}"));
        }
    }
    if !decision.redacted.is_empty() {
        lines.push(String::new());
        lines.push(format!(
            "CloudTrail hid these request values: {}.",
            decision.redacted.join(", ")
        ));
    }
    lines.push(String::new());
    lines.push(match &decision.exempt {
        Some(reason) => format!("Exempt: yes, by its exemption tag, which says: {reason}"),
        None => "Exempt: no. A resource tagged with the deployment's exemption tag (value: who exempted it and why) is reported, never stopped.".into(),
    });
    lines.join("\n")
}

fn string_attribute(value: &str) -> Result<MessageAttributeValue, String> {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .map_err(|e| e.to_string())
}

/// Publishes the message; the SNS message id.
pub async fn publish(
    client: &aws_sdk_sns::Client,
    topic_arn: &str,
    decision: &Decision,
) -> Result<String, String> {
    let rules: Vec<&str> = decision.failing.iter().map(|f| f.rule.as_str()).collect();
    let severity = decision
        .failing
        .iter()
        .map(|f| f.level)
        .max()
        .unwrap_or_default();
    let rules_attribute = MessageAttributeValue::builder()
        .data_type("String.Array")
        .string_value(serde_json::to_string(&rules).map_err(|e| e.to_string())?)
        .build()
        .map_err(|e| e.to_string())?;
    let sent = client
        .publish()
        .topic_arn(topic_arn)
        .subject(subject(decision))
        .message(body(decision))
        .message_attributes("rules", rules_attribute)
        .message_attributes("severity", string_attribute(severity.as_str())?)
        .message_attributes("action", string_attribute(action_word(&decision.action))?)
        .message_attributes("resource_type", string_attribute(decision.resource_type)?)
        .send()
        .await
        .map_err(|e| crate::error_text::error_text(&e))?;
    Ok(sent.message_id().unwrap_or_default().to_string())
}
