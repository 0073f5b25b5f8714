//! What this crate reports besides rule verdicts: errors (the template is wrong, or a file it
//! names cannot be read) and notes (something that cannot be checked statically). Both are data
//! with a position in the template; the CLI renders them.

use sagerules_data::Pos;

/// A problem with the template itself, or with a file it names. The CLI counts these as
/// errors (exit code 2).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CfnError {
    /// `suppress: [RULE]` with no `reason`.
    #[error("resource {resource}: the suppression of {rule} has no reason (add `reason:`)")]
    SuppressionWithoutReason {
        resource: String,
        rule: String,
        pos: Pos,
    },
    /// `suppress: 3`, or an entry without a rule name.
    #[error(
        "resource {resource}: Metadata.sagerules.suppress must list rule names or \
         {{rule: NAME, reason: TEXT}} entries"
    )]
    BadSuppression { resource: String, pos: Pos },
    /// An inline pipeline definition that is not JSON.
    #[error("pipeline {resource}: PipelineDefinitionBody is not valid JSON: {message}")]
    PipelineBody {
        resource: String,
        pos: Pos,
        message: String,
    },
    /// A Service Catalog product's local template that cannot be read.
    #[error("resource {resource}: cannot read template {path}: {message}")]
    ProductTemplateUnreadable {
        resource: String,
        pos: Pos,
        path: String,
        message: String,
    },
    /// `!Ref`, `!GetAtt` or a `!Sub` variable naming nothing the template declares, which
    /// CloudFormation rejects.
    #[error("{resource}: {what} to {name}, which the template does not declare{}", .hint.as_ref().map(|h| format!(" (did you mean {h}?)")).unwrap_or_default())]
    UndeclaredReference {
        /// Where the reference is written: `resource Nb`, `output Url`, `condition IsProd`.
        resource: String,
        what: String,
        name: String,
        pos: Pos,
        hint: Option<String>,
    },
    /// A Service Catalog product's local template that cannot be parsed.
    #[error("resource {resource}: template {path} does not load: {message}")]
    ProductTemplateInvalid {
        resource: String,
        pos: Pos,
        path: String,
        message: String,
    },
}

impl CfnError {
    /// Where in the checked template the problem is.
    pub fn pos(&self) -> Pos {
        match self {
            CfnError::SuppressionWithoutReason { pos, .. }
            | CfnError::BadSuppression { pos, .. }
            | CfnError::PipelineBody { pos, .. }
            | CfnError::ProductTemplateUnreadable { pos, .. }
            | CfnError::ProductTemplateInvalid { pos, .. }
            | CfnError::UndeclaredReference { pos, .. } => *pos,
        }
    }

    /// The logical id of the resource concerned.
    pub fn resource(&self) -> &str {
        match self {
            CfnError::SuppressionWithoutReason { resource, .. }
            | CfnError::BadSuppression { resource, .. }
            | CfnError::PipelineBody { resource, .. }
            | CfnError::ProductTemplateUnreadable { resource, .. }
            | CfnError::ProductTemplateInvalid { resource, .. }
            | CfnError::UndeclaredReference { resource, .. } => resource,
        }
    }
}

/// Something the check could not look at, said out loud so nobody takes it for a pass:
/// a pipeline definition in S3, a product template behind a URL, a suppression of a rule that
/// is not in the rule set.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// The logical id of the resource concerned.
    pub resource: String,
    pub pos: Pos,
    pub kind: NoteKind,
    /// One line, e.g. "the pipeline definition is in S3 (PipelineDefinitionS3Location): its
    /// steps are not checked".
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoteKind {
    /// Content that exists only at deploy time (S3, a URL, an intrinsic).
    NotCheckable,
    /// A suppression naming a rule the rule set does not have.
    UnknownRule,
    /// A Service Catalog provisioning whose product is not in the template.
    ProductNotFound,
    /// Too many combinations of parameter values to judge each ([`crate::worlds`]).
    CombinationsNotJudged,
}
