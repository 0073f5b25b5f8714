//! The evaluator: runs a [`RuleSet`] over one document and returns a [`Report`] with
//! cfn-guard 3.2.1's PASS / FAIL / SKIP per rule, plus a verdict per resource and a
//! [`crate::Finding`] per failing check.
//!
//! Why it is built this way: templates reach 20,000 resources, so evaluation borrows the
//! document (`&Node`), keeps paths as `u32` links into an arena, and builds text (pointers,
//! messages) only for findings. `docs/semantics.md` lists every behaviour decision.

mod clause;
mod compare;
mod engine;
mod functions;
mod query;
mod render;
mod shortcut;
mod value;

use crate::report::{Report, ResourceResult, RuleResult, Status};
use crate::ruleset::{CompiledRule, RuleSet};
use engine::{Ctx, RuleOutcome};
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
    /// Whether, in `when` conditions and filters, a comparison with a value the deployer
    /// chooses freely ([`Expansion::Any`]) holds: the deployer can make it hold, so the
    /// CloudFormation caller judges a template once more this way (default: it does not).
    fn free_values_meet_conditions(&self) -> bool {
        false
    }
    /// Called when a `when` condition or a filter compared a freely chosen value (whatever
    /// [`Expander::free_values_meet_conditions`] says), so the caller knows whether judging
    /// with them met would change anything.
    fn free_value_in_condition(&self) {}
    /// The ids of the resources of the same document that `node` names, at any depth, for
    /// the `referenced_ids` function: `{"Fn::GetAtt": ["Role", "Arn"]}` → `["Role"]`. None by
    /// default (plain data names no resources).
    fn referenced_ids(&self, root: &Node, node: &Node) -> Vec<String> {
        let _ = (root, node);
        Vec::new()
    }
    /// For tests: resolve every query through the general path, without the shortcuts for
    /// `Resources.*[ Type == 'X' ]` and file-scope variables. Verdicts are identical; only
    /// slower.
    #[doc(hidden)]
    fn disable_shortcuts(&self) -> bool {
        false
    }
}

pub enum Expansion<'a> {
    /// The node stands for each of these. An alternative's node may itself be an intrinsic
    /// the expander could not flatten into alternatives (`!If [c, !Ref FreeParam, Disabled]`
    /// gives `{"Ref": "FreeParam"}` and `"Disabled"`, and `{"Ref": "FreeParam"}` expands to
    /// `Any`), so the evaluator expands each alternative's node again. Expanders never return
    /// an alternative that expands back to the node itself.
    Alternatives(Vec<Alternative<'a>>),
    /// Known to be set, value unknown until deployment (`!GetAtt`, `!Sub`, pseudo
    /// parameters); `why` names the intrinsic. Existence checks pass; comparisons are reported
    /// as unknown, not as failures.
    Unknown { why: String },
    /// A non-empty string known only at deploy time: the id or ARN of a resource the same
    /// template creates (`!Ref Key`, `!GetAtt Key.Arn`), an export (`!ImportValue`). `exists`,
    /// `!empty` and `is_string` pass; a regex is matched against `shape`, a value of the same
    /// kind (`arn:aws:kms:us-east-1:000000000000:key/…` for a key ARN), when there is one;
    /// any other comparison is unknown, as for [`Expansion::Unknown`]. With
    /// `meets_allow_lists` (a kind the deployer accepts however it is named, such as a KMS key
    /// the stack creates when the pack's `allowStackKeys` says so), `==` and `in` a literal
    /// pass instead of being unknown.
    DeployTimeString {
        why: String,
        shape: Option<String>,
        meets_allow_lists: bool,
    },
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
///
/// Rules are reported in rule-set order; a rule whose evaluation hits a runtime error (a
/// function given something it cannot convert) is listed in `errors` instead.
pub fn evaluate(rules: &RuleSet, input: &Input<'_>) -> Report {
    let ctx = Ctx::new(rules, input.data, input.params, input.expander);
    run(&ctx, input.only)
}

fn run<'c>(ctx: &'c Ctx<'c>, only: Option<&[String]>) -> Report {
    let mut report = Report::default();
    for (index, rule) in ctx.set.rules.iter().enumerate() {
        let selected = only.is_none_or(|names| names.contains(&rule.name));
        if !rule.reportable || !selected {
            continue;
        }
        let outcome = ctx.reported_outcome(index);
        match outcome.status.clone() {
            Err(error) => report.errors.push(error),
            Ok(status) => push_result(&mut report, rule_result(ctx, rule, status, outcome)),
        }
    }
    report
}

/// Adds a rule's result; a second rule of the same name (allowed in the Guard dialect) joins
/// the first one's: FAIL if either fails, else PASS if either passes, its resources added.
fn push_result(report: &mut Report, result: RuleResult) {
    match report.rules.iter_mut().find(|r| r.rule == result.rule) {
        Some(earlier) => {
            earlier.status = match (earlier.status, result.status) {
                (Status::Fail, _) | (_, Status::Fail) => Status::Fail,
                (Status::Pass, _) | (_, Status::Pass) => Status::Pass,
                _ => Status::Skip,
            };
            earlier.resources.extend(result.resources);
        }
        None => report.rules.push(result),
    }
}

fn rule_result(
    ctx: &Ctx<'_>,
    rule: &CompiledRule,
    status: Status,
    outcome: RuleOutcome,
) -> RuleResult {
    let resources = if status == Status::Skip {
        Vec::new()
    } else {
        resource_results(ctx, outcome)
    };
    RuleResult {
        rule: rule.name.clone(),
        status,
        severity: rule.severity,
        source: rule.source,
        span: rule.span,
        resources,
    }
}

/// One entry per resource the rule reached or has a finding about; the document (values
/// outside `/Resources/<Id>`) first. The findings are moved when nothing else holds them.
fn resource_results(ctx: &Ctx<'_>, outcome: RuleOutcome) -> Vec<ResourceResult> {
    let mut slot_of = vec![u32::MAX; outcome.touched.len()];
    // Sized to the resources reached, and trimmed at the end: a growing Vec of 104-byte
    // results was a fifth of check's peak memory on the 20k-resource template.
    let reached = outcome.touched.iter().filter(|hit| **hit).count();
    let mut results = Vec::with_capacity(reached);
    let mut slot = |results: &mut Vec<ResourceResult>, res: usize| -> Option<usize> {
        let entry = slot_of.get_mut(res)?;
        if *entry == u32::MAX {
            *entry = results.len() as u32;
            results.push(new_resource_result(ctx, res));
        }
        Some(*entry as usize)
    };
    for (res, _) in outcome.touched.iter().enumerate().filter(|(_, hit)| **hit) {
        slot(&mut results, res);
    }
    let findings =
        std::rc::Rc::try_unwrap(outcome.findings).unwrap_or_else(|shared| (*shared).clone());
    // Each result's findings are counted before they are moved in: pushed one by one, a
    // result's first finding took room for four (most have one), later trimmed by a copy.
    let mut room: Vec<(usize, usize)> = Vec::new();
    for noted in &findings {
        let Some(i) = slot(&mut results, noted.res as usize) else {
            continue;
        };
        room.resize(results.len(), (0, 0));
        if let Some((failures, unknowns)) = room.get_mut(i) {
            *(if noted.unknown { unknowns } else { failures }) += 1;
        }
    }
    for (result, (failures, unknowns)) in results.iter_mut().zip(room) {
        result.failures.reserve_exact(failures);
        result.unknowns.reserve_exact(unknowns);
    }
    for noted in findings {
        let Some(result) = slot(&mut results, noted.res as usize).and_then(|i| results.get_mut(i))
        else {
            continue;
        };
        if noted.unknown {
            result.unknowns.push(noted.finding);
        } else {
            result.status = Status::Fail;
            result.failures.push(noted.finding);
        }
    }
    results.shrink_to_fit();
    results
}

fn new_resource_result(ctx: &Ctx<'_>, res: usize) -> ResourceResult {
    let entry = res
        .checked_sub(1)
        .and_then(|i| ctx.resources.and_then(|m| m.get_index(i)));
    ResourceResult {
        resource: entry.map(|(id, _)| id.to_string()),
        resource_type: entry
            .and_then(|(_, r)| r.get("Type"))
            .and_then(Node::as_str)
            .map(|name| ctx.shared(name)),
        pos: entry.map_or(ctx.root.pos, |(_, r)| r.pos),
        status: Status::Pass,
        failures: Vec::new(),
        unknowns: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::indexing_slicing)]
    use super::*;
    use crate::{parse, Source};

    /// Only a rule another clause refers to keeps its outcome (and findings) after it has
    /// been reported; the others leave the cache, their findings moved into the report.
    #[test]
    fn reported_rules_leave_the_cache_unless_referenced() {
        let text = "rule base { Resources.A.K == 1 }\nrule lone { Resources.A.K == 2 }\nrule uses { base }\n";
        let (file, errors) = parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        let source = Source {
            name: "t.rules".into(),
            text: text.into(),
        };
        let set = RuleSet::build(vec![(source, file)]).expect("rules build");
        let data = sagerules_data::load(b"Resources: {A: {K: 3}}", sagerules_data::Format::Yaml)
            .expect("yaml");
        let ctx = Ctx::new(&set, &data, None, None);
        let report = run(&ctx, None);
        let failing: Vec<(&str, usize)> = report
            .rules
            .iter()
            .map(|r| {
                (
                    r.rule.as_str(),
                    r.resources.iter().map(|x| x.failures.len()).sum(),
                )
            })
            .collect();
        assert_eq!(failing, [("base", 1), ("lone", 1), ("uses", 1)]);
        let cached: Vec<bool> = ctx.rules.borrow().iter().map(Option::is_some).collect();
        assert_eq!(cached, [true, false, false], "base is referenced by uses");
    }
}
