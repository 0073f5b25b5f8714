//! Evaluation results as plain data. Rendering (text, JSON, SARIF, JUnit, AWS Config
//! evaluations) happens in the CLI and the Lambda; nothing here knows about terminals.

use crate::ast::Span;
use crate::SourceId;
use sagerules_data::{Pointer, Pos};
use std::sync::Arc;

/// A verdict. The order is the precedence used when combining: `Fail` beats `Pass` beats `Skip`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Skip,
    Pass,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
        }
    }
}

/// Severity from a rule's `#@ severity:` line; rules without one are `Medium`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// `"high"` (any case) → `High`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "info" | "informational" => Some(Severity::Info),
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

/// Everything one rule set said about one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// One entry per reportable rule (named, not parameterized, plus `default` when it has
    /// clauses), in rule-set order.
    pub rules: Vec<RuleResult>,
    /// Rules whose evaluation failed (a function given a bad argument, for example). Such a
    /// rule has no entry in `rules`: it is never reported as passing.
    pub errors: Vec<EvalError>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RuleResult {
    pub rule: String,
    /// The rule's overall verdict, the one cfn-guard would print.
    pub status: Status,
    pub severity: Severity,
    /// Where the rule is defined.
    pub source: SourceId,
    pub span: Span,
    /// A verdict per resource the rule reached. Values under `/Resources/<Id>` belong to
    /// resource `<Id>`; values elsewhere belong to the document (`resource: None`).
    /// Empty when the rule reached nothing (then `status` is `Skip`).
    pub resources: Vec<ResourceResult>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResourceResult {
    /// The logical id, or `None` for the document as a whole.
    pub resource: Option<String>,
    /// The resource's `Type` when it has a string one, shared by every result naming it.
    pub resource_type: Option<Arc<str>>,
    /// Where the resource is written (its `Resources.<id>` entry), or the document's start
    /// for the document as a whole: readers locate a verdict without keeping the document.
    pub pos: Pos,
    pub status: Status,
    pub failures: Vec<Finding>,
    /// Checks that could not be decided (a value known only at deploy time, such as
    /// `!GetAtt`). They do not fail the resource; they are reported so nobody mistakes them
    /// for a pass.
    pub unknowns: Vec<Finding>,
}

/// One failing (or undecidable) check.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Finding {
    /// JSON pointer of the value checked, e.g. `/Resources/Nb/Properties/KmsKeyId`. For a
    /// missing value, the pointer of the deepest part that exists plus the missing key.
    pub pointer: Pointer,
    /// Position in the data file of the value (or of its nearest existing parent).
    pub pos: Pos,
    /// What the clause wanted, e.g. `== "Disabled"` or `exists`.
    pub expected: String,
    /// What was there, e.g. `"Enabled"` or `missing`.
    pub found: String,
    /// The clause's `<< message >>` with variables filled in, when it has one; findings with
    /// the same text share it.
    pub message: Option<Arc<str>>,
    /// Where the failing clause is in the rules.
    pub source: SourceId,
    pub span: Span,
    /// For a failing `a or b or c`: one finding per alternative, in order (this finding then
    /// stands for the whole disjunction: the first alternative's place, `expected` and `found`
    /// joined with ` or ` and `; `, and the message written on the disjunction). Empty for a
    /// single check.
    pub alternatives: Vec<Finding>,
}

/// A rule that could not be evaluated.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("rule {rule}: {message}")]
pub struct EvalError {
    pub rule: String,
    pub message: String,
    pub source_id: SourceId,
    pub span: Span,
}
