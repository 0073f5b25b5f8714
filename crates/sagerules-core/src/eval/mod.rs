//! The evaluator. STUB: replaced by the evaluator helper, keeping the public signatures.

use crate::report::Report;
use crate::ruleset::RuleSet;
use sagerules_data::Node;

/// What to evaluate.
pub struct Input<'a> {
    /// The document.
    pub data: &'a Node,
    /// Input parameters (`--params`): their top-level keys are visible at the data root, as
    /// in cfn-guard, without copying either document.
    pub params: Option<&'a Node>,
    /// Context-specific value expansion (CloudFormation intrinsics); `None` for plain data.
    pub expander: Option<&'a dyn Expander>,
    /// Evaluate only these rules (and what they depend on); `None` for all.
    pub only: Option<&'a [String]>,
}

/// A hook that lets a caller say what a value can really be at deploy time, without the core
/// knowing CloudFormation. The CLI's template expander turns `{"Ref": "P"}` into the values
/// parameter `P` allows, `{"Fn::If": [c, a, b]}` into `a` and `b`, and `!GetAtt` into
/// "unknown". Every alternative must pass for the clause to pass.
pub trait Expander {
    /// `None`: use the node as it is.
    fn expand<'a>(&'a self, root: &'a Node, node: &'a Node) -> Option<Expansion<'a>>;
    /// Whether `"true"`/`"false"` compare equal to booleans and `"3"` to numbers.
    fn lenient_scalars(&self) -> bool {
        false
    }
}

pub enum Expansion<'a> {
    /// The node stands for each of these.
    Alternatives(Vec<Alternative<'a>>),
    /// Known to be set, value unknown until deployment (`!GetAtt`, `!Sub`, pseudo
    /// parameters); `why` names the intrinsic. Existence checks pass; comparisons are reported
    /// as unknown, not as failures.
    Unknown { why: String },
    /// Anyone deploying can choose any value (a parameter without `AllowedValues`); `why` names
    /// the parameter. Comparisons against a specific value fail with `why` in the message;
    /// `exists`/`!empty` pass only when `may_be_empty` is false.
    Any { why: String, may_be_empty: bool },
}

pub struct Alternative<'a> {
    /// `None`: the property is absent in this alternative (`AWS::NoValue`).
    pub node: Option<&'a Node>,
    /// Where this alternative comes from, e.g. "parameter NotebookInternet (AllowedValues)".
    pub note: Option<String>,
}

/// Evaluates every selected rule against the input.
pub fn evaluate(rules: &RuleSet, input: &Input<'_>) -> Report {
    let _ = (rules, input);
    Report::default()
}
