//! A compiled set of rules. STUB: replaced by the evaluator helper, keeping the signatures.

use crate::ast::{RulesFile, Span};
use crate::SourceId;

/// A rules source: a display name (usually the path) and its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// A semantic error found while building a rule set (unknown rule, duplicate rule, bad regex,
/// wrong argument count, unknown metadata key, ...).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct CompileError {
    pub source_id: SourceId,
    pub span: Span,
    pub message: String,
    pub hint: Option<String>,
}

/// Rules from one or more files (a file and what it includes), ready to evaluate many
/// documents. `files[i]` gets `SourceId(i)`.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub sources: Vec<Source>,
}

impl RuleSet {
    pub fn build(files: Vec<(Source, RulesFile)>) -> Result<RuleSet, Vec<CompileError>> {
        Ok(RuleSet {
            sources: files.into_iter().map(|(source, _)| source).collect(),
        })
    }

    pub fn source(&self, id: SourceId) -> Option<&Source> {
        self.sources.get(id.0 as usize)
    }
}
