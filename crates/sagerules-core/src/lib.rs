//! The sagerules language, as a library: parse `.rules` text into an [`ast::RulesFile`],
//! build a [`RuleSet`] (names resolved, regexes compiled, includes joined), and evaluate it
//! against a [`sagerules_data::Node`] document into a [`report::Report`].
//!
//! Why this crate stands alone: the same rules run in the CLI (templates), in the AWS Config
//! Lambda (configuration items, Describe* responses) and in tests. So it does no I/O and
//! knows nothing of AWS, async runtimes, argument parsing or terminals; callers hand it
//! strings and documents and get data back.
//!
//! The language is a superset of AWS CloudFormation Guard 3; `docs/language.md` is the
//! reference.

pub mod ast;
pub mod dialect;
pub mod eval;
pub mod format;
pub mod report;
pub mod ruleset;
pub mod syntax;

pub use dialect::Dialect;
pub use eval::{evaluate, Alternative, Expander, Expansion, Input};
pub use report::{Finding, Report, ResourceResult, RuleResult, Severity, Status};
pub use ruleset::{CompileError, RuleSet, Source};
pub use syntax::{parse, ParseError};

/// Index of a rules source inside a [`RuleSet`] (or of a file being parsed), used to find the
/// text a [`ast::Span`] points into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);
