//! Verdicts as AWS Config evaluations, and their annotations.
//!
//! Config's limits, which the SDK does not check: `Annotation` is 1..=256 characters (never
//! `""`), `ComplianceType` is COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE (INSUFFICIENT_DATA is
//! rejected), and `OrderingTimestamp` is required.

use crate::engine::Outcome;
use aws_sdk_config::primitives::{DateTime, DateTimeFormat};
use aws_sdk_config::types::ComplianceType;
use serde::Serialize;

/// The longest annotation Config accepts, in characters.
pub const MAX_ANNOTATION: usize = 256;
/// Appended to an annotation that had to be cut, so nobody mistakes it for the whole text.
pub const CUT_MARKER: &str = " …[cut]";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Compliance {
    Compliant,
    NonCompliant,
    NotApplicable,
}

impl Compliance {
    pub fn as_str(self) -> &'static str {
        match self {
            Compliance::Compliant => "COMPLIANT",
            Compliance::NonCompliant => "NON_COMPLIANT",
            Compliance::NotApplicable => "NOT_APPLICABLE",
        }
    }

    fn to_sdk(self) -> ComplianceType {
        match self {
            Compliance::Compliant => ComplianceType::Compliant,
            Compliance::NonCompliant => ComplianceType::NonCompliant,
            Compliance::NotApplicable => ComplianceType::NotApplicable,
        }
    }
}

/// One verdict for one resource, as it will be sent.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Evaluation {
    pub compliance_resource_type: String,
    pub compliance_resource_id: String,
    pub compliance_type: Compliance,
    pub annotation: String,
    /// RFC 3339, e.g. `2023-04-27T15:03:11.636Z`.
    #[serde(serialize_with = "rfc3339")]
    pub ordering_timestamp: DateTime,
}

impl Evaluation {
    /// An evaluation whose annotation is already clamped to Config's limits.
    pub fn new(
        resource_type: &str,
        resource_id: &str,
        compliance: Compliance,
        annotation: &str,
        ordering_timestamp: DateTime,
    ) -> Self {
        Evaluation {
            compliance_resource_type: resource_type.to_string(),
            compliance_resource_id: resource_id.to_string(),
            compliance_type: compliance,
            annotation: clamp_annotation(annotation, compliance),
            ordering_timestamp,
        }
    }

    pub fn to_sdk(&self) -> Result<aws_sdk_config::types::Evaluation, String> {
        aws_sdk_config::types::Evaluation::builder()
            .compliance_resource_type(&self.compliance_resource_type)
            .compliance_resource_id(&self.compliance_resource_id)
            .compliance_type(self.compliance_type.to_sdk())
            .annotation(&self.annotation)
            .ordering_timestamp(self.ordering_timestamp)
            .build()
            .map_err(|e| e.to_string())
    }
}

fn rfc3339<S: serde::Serializer>(time: &DateTime, serializer: S) -> Result<S::Ok, S::Error> {
    let text = time
        .fmt(DateTimeFormat::DateTime)
        .map_err(serde::ser::Error::custom)?;
    serializer.serialize_str(&text)
}

/// An ISO timestamp from an event (`2016-07-13T21:50:00.373Z`); `None` when it does not parse.
pub fn parse_time(text: &str) -> Option<DateTime> {
    DateTime::from_str(text.trim(), DateTimeFormat::DateTime).ok()
}

/// Cuts `text` to [`MAX_ANNOTATION`] characters with [`CUT_MARKER`] at the end; an empty text
/// becomes the compliance type, so the annotation is never empty.
pub fn clamp_annotation(text: &str, compliance: Compliance) -> String {
    let text = text.trim();
    if text.is_empty() {
        return compliance.as_str().to_string();
    }
    cut_to(text, MAX_ANNOTATION)
}

/// `text` in at most `max` characters: as it is when it fits, else cut and ending with
/// [`CUT_MARKER`] (annotations, hook messages).
pub fn cut_to(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let keep = max.saturating_sub(CUT_MARKER.chars().count());
    let mut cut: String = text.chars().take(keep).collect();
    cut.truncate(cut.trim_end().len());
    cut.push_str(CUT_MARKER);
    cut
}

/// The verdict and annotation for a rule outcome: failing rules first, then the first reason.
///
/// `subject` names what was checked when the resource id alone does not (a job reported
/// against `AWS::::Account`), e.g. `training job nightly-42`.
pub fn verdict(outcome: &Outcome, subject: Option<&str>) -> (Compliance, String) {
    let prefix = subject.map(|s| format!("{s}: ")).unwrap_or_default();
    if let Some(first) = outcome.errors.first() {
        let text = format!(
            "{prefix}{} could not be evaluated: {}",
            first.rule, first.reason
        );
        return (Compliance::NonCompliant, text);
    }
    if let Some(first) = outcome.failed.first() {
        let names: Vec<&str> = outcome.failed.iter().map(|f| f.rule.as_str()).collect();
        let text = format!("{prefix}{} failed: {}", names.join(", "), first.reason);
        return (Compliance::NonCompliant, text);
    }
    if !outcome.passed.is_empty() {
        let text = format!("{prefix}passed {}", outcome.passed.join(", "));
        return (Compliance::Compliant, text);
    }
    (
        Compliance::NotApplicable,
        format!("{prefix}no selected rule applies"),
    )
}
