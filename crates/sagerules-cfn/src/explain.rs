//! Findings that name where a value comes from.
//!
//! Why: a rule's own message ("DirectInternetAccess is not Disabled") replaces the
//! evaluator's expected/found text, so a failure caused by a parameter would not name it. Each
//! finding whose value is an intrinsic gets the origin appended to its message:
//!
//! ```text
//! DirectInternetAccess is not Disabled (DirectInternetAccess comes from parameter NotebookInternet, which allows any value)
//! ```

use crate::expand::CfnExpander;
use sagerules_core::{Alternative, Expander, Expansion, Finding, Report};
use sagerules_data::Node;

/// Appends "(X comes from …)" to the message of every finding of `report` whose value in
/// `data` is an intrinsic. Findings without a message keep theirs empty: the evaluator's
/// `found` text already says what the value can be.
pub fn explain(report: &mut Report, data: &Node, expander: &CfnExpander<'_>) {
    let findings = report
        .rules
        .iter_mut()
        .flat_map(|rule| rule.resources.iter_mut())
        .flat_map(|resource| {
            resource
                .failures
                .iter_mut()
                .chain(resource.unknowns.iter_mut())
        });
    for finding in findings {
        if let Some(origin) = origin(finding, data, expander) {
            append(finding, &origin);
        }
    }
}

/// "DirectInternetAccess comes from parameter NotebookInternet, which allows any value".
fn origin(finding: &Finding, data: &Node, expander: &CfnExpander<'_>) -> Option<String> {
    finding.message.as_ref()?;
    let node = data.get_at(&finding.pointer)?;
    let why = match expander.expand(data, node)? {
        Expansion::Any { why, .. }
        | Expansion::Unknown { why }
        | Expansion::DeployTimeString { why, .. } => why,
        Expansion::Alternatives(alternatives) => notes(&alternatives)?,
    };
    let key = finding.pointer.last().unwrap_or_default();
    Some(format!("{key} comes from {why}"))
}

/// The distinct notes of the alternatives, `; `-separated.
fn notes(alternatives: &[Alternative<'_>]) -> Option<String> {
    let mut notes: Vec<&str> = Vec::new();
    for note in alternatives.iter().filter_map(|a| a.note.as_deref()) {
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

fn append(finding: &mut Finding, origin: &str) {
    if let Some(message) = &mut finding.message {
        if !message.contains(origin) {
            *message = format!("{message} ({origin})").into();
        }
    }
}
