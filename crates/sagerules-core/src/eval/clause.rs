//! Clauses, blocks and rule references, with cfn-guard 3.2.1's verdicts (each recorded in
//! `tests/differential/`):
//!
//! - a query with no values makes a check SKIP (`empty` passes and `!empty` fails instead);
//! - a missing value fails every check except `!exists` and `empty` (and clause-level `not`
//!   does not rescue a comparison on a missing value);
//! - a block over a query with no values SKIPs; a missing value in it FAILs;
//! - a `when` condition that does not PASS makes the rule or block SKIP;
//! - a rule used as a clause fails when it SKIPs, negated or not.

use std::rc::Rc;

use crate::ast::{
    Block, BlockItem, Check, Clause, CmpOp, Conjunction, Disjunction, OpKind, QueryBlock, RuleRef,
    Step, TypeBlock, UnaryOp, WhenBlock,
};
use crate::eval::compare;
use crate::eval::engine::{and_all, Ctx, EvalResult, Noted, Scope};
use crate::eval::render;
use crate::eval::value::{Got, Seg, Val, ROOT};
use crate::report::{Finding, Status};

/// What one value did under a check.
#[derive(Clone, Debug)]
pub(crate) enum Verdict {
    Pass,
    Fail,
    /// Failed because the deployer may choose any value.
    FailWhy(Rc<str>),
    /// Not decidable before deployment.
    Unknown(Rc<str>),
}

impl<'c> Ctx<'c> {
    pub fn block(&'c self, block: &'c Block, scope: &Scope<'_, 'c>) -> EvalResult<Status> {
        let clauses = block.items.iter().filter_map(|item| match item {
            BlockItem::Clause(clause) => Some(clause),
            _ => None,
        });
        self.all_of(clauses, scope)
    }

    pub fn conjunction(
        &'c self,
        conj: &'c Conjunction,
        scope: &Scope<'_, 'c>,
    ) -> EvalResult<Status> {
        self.all_of(&conj.clauses, scope)
    }

    /// Clauses joined by `and` (a block's lines or a conjunction): any FAIL fails, else any
    /// PASS passes, else SKIP. Stops at the first FAIL unless findings are being collected.
    fn all_of(
        &'c self,
        clauses: impl IntoIterator<Item = &'c Disjunction>,
        scope: &Scope<'_, 'c>,
    ) -> EvalResult<Status> {
        let mut out = Status::Skip;
        for clause in clauses {
            match self.disjunction(clause, scope)? {
                Status::Fail if !self.collect.get() => return Ok(Status::Fail),
                Status::Fail => out = Status::Fail,
                Status::Pass if out == Status::Skip => out = Status::Pass,
                _ => {}
            }
        }
        Ok(out)
    }

    /// `a or b`: any PASS passes; otherwise any FAIL fails. Findings are only built when
    /// the whole disjunction fails.
    pub fn disjunction(
        &'c self,
        disj: &'c Disjunction,
        scope: &Scope<'_, 'c>,
    ) -> EvalResult<Status> {
        if let [only] = disj.clauses.as_slice() {
            return self.clause(only, scope);
        }
        let mut statuses = Vec::with_capacity(disj.clauses.len());
        let point = self.rescue_point();
        for clause in &disj.clauses {
            let status = self.quietly(false, true, || self.clause(clause, scope))?;
            if status == Status::Pass {
                self.rescue(point);
                return Ok(Status::Pass);
            }
            statuses.push(status);
        }
        let status = if statuses.contains(&Status::Fail) {
            Status::Fail
        } else {
            Status::Skip
        };
        if status == Status::Fail && self.collect.get() {
            let first = self.recorder.borrow().findings.len();
            for clause in &disj.clauses {
                self.clause(clause, scope)?;
            }
            self.merge_alternatives(first);
        }
        Ok(status)
    }

    /// Folds the findings that the alternatives of one failing disjunction recorded (those from
    /// index `first` on) into one finding per (resource, undecided), so `a or b or c` reads as
    /// one failed check, not three.
    fn merge_alternatives(&self, first: usize) {
        let mut recorder = self.recorder.borrow_mut();
        if recorder.findings.len().saturating_sub(first) < 2 {
            return;
        }
        let recorded = recorder.findings.split_off(first);
        let mut merged: Vec<Noted> = Vec::new();
        for noted in recorded {
            let same = merged
                .iter_mut()
                .find(|m| m.res == noted.res && m.unknown == noted.unknown);
            match same {
                Some(group) => group.finding.alternatives.push(noted.finding),
                None => {
                    let mut group = noted.clone();
                    group.finding.alternatives = vec![noted.finding];
                    merged.push(group);
                }
            }
        }
        for group in &mut merged {
            summarise_alternatives(&mut group.finding);
        }
        recorder.findings.extend(merged);
    }

    /// A backtracking pattern (Guard dialect) that gives up on one of the values is a runtime
    /// error of the rule, not a failed comparison: the rule is reported as not evaluated.
    fn stop_runaway_patterns(
        &self,
        check: &Check,
        values: &[Got<'c>],
        rhs: Option<&[Got<'c>]>,
    ) -> EvalResult<()> {
        let patterns = rhs.unwrap_or_default().iter().filter_map(|got| match got {
            Got::Val(Val::Regex(pattern)) if pattern.linear().is_none() => Some(pattern),
            _ => None,
        });
        for pattern in patterns {
            for text in values.iter().filter_map(|got| match got {
                Got::Val(val) => val.as_str(),
                Got::Missing { .. } => None,
            }) {
                pattern
                    .is_match(text)
                    .map_err(|why| self.error(check.span, why))?;
            }
        }
        Ok(())
    }

    pub fn clause(&'c self, clause: &'c Clause, scope: &Scope<'_, 'c>) -> EvalResult<Status> {
        match clause {
            Clause::Check(check) => self.check(check, scope),
            Clause::RuleRef(rule_ref) => self.rule_ref(rule_ref, scope),
            Clause::QueryBlock(block) => self.query_block(block, scope),
            Clause::TypeBlock(block) => self.type_block(block, scope),
            Clause::WhenBlock(block) => self.when_block(block, scope),
        }
    }

    fn check(&'c self, check: &'c Check, scope: &Scope<'_, 'c>) -> EvalResult<Status> {
        let negated = check.not != check.op.negated;
        let values = self.expr(&check.lhs, scope)?;
        if values.is_empty() {
            return Ok(self.check_nothing(check, negated));
        }
        let (rhs_single, rhs_many);
        let rhs: Option<&[Got<'c>]> = match &check.op.kind {
            OpKind::Binary(_, expr) => match self.literal(expr) {
                Some(got) => {
                    rhs_single = [got];
                    Some(&rhs_single)
                }
                None => {
                    rhs_many = self.expr(expr, scope)?;
                    Some(&rhs_many)
                }
            },
            OpKind::Unary(_) => None,
        };
        self.stop_runaway_patterns(check, &values, rhs)?;
        let lenient = self.expander.is_some_and(|e| e.lenient_scalars());
        let free_holds = self.free_value_holds();
        let (mut any_pass, mut any_fail, mut any_unknown) = (false, false, false);
        let point = self.rescue_point();
        for got in &values {
            if check.some && any_pass {
                break; // `some` stops at the first value that passes, as Guard does
            }
            let verdict = match some_elements(check, got) {
                Some(items) => {
                    let each = |item| {
                        verdict(
                            &Got::Val(Val::Doc(item, got.path())),
                            &check.op.kind,
                            negated,
                            rhs,
                            lenient,
                        )
                    };
                    pass_if(
                        items
                            .iter()
                            .any(|item| matches!(each(item), Verdict::Pass | Verdict::Unknown(_))),
                    )
                }
                None if scalar_empty(got, &check.op.kind) => {
                    self.poison(check, got);
                    Verdict::Fail
                }
                None => verdict(got, &check.op.kind, negated, rhs, lenient),
            };
            match verdict {
                Verdict::Pass => any_pass = true,
                Verdict::Unknown(_) => (any_pass, any_unknown) = (true, true),
                Verdict::FailWhy(_) if free_holds => any_pass = true,
                Verdict::FailWhy(_) => {
                    if self.conditioning.get() {
                        if let Some(expander) = self.expander {
                            expander.free_value_in_condition();
                        }
                    }
                    any_fail = true
                }
                Verdict::Fail => any_fail = true,
            }
            self.touch_path(got.path());
        }
        let passed = if check.some { any_pass } else { !any_fail };
        if check.some && passed {
            self.rescue(point);
        }
        let status = if passed { Status::Pass } else { Status::Fail };
        if self.collect.get() && (!passed || any_unknown) {
            let verdicts: Vec<Verdict> = values
                .iter()
                .map(|got| verdict(got, &check.op.kind, negated, rhs, lenient))
                .collect();
            self.note_check(check, negated, scope, &values, &verdicts, rhs, status)?;
        }
        Ok(status)
    }

    /// Marks the rule as failed by `empty` on a scalar and says why, once per rule, even
    /// where nothing else is recorded (inside a filter or a `when`).
    fn poison(&'c self, check: &'c Check, got: &Got<'c>) {
        if self.poisoned.replace(true) {
            return;
        }
        self.touch_path(got.path());
        let mut finding = render::check_finding(
            self,
            check,
            check.not != check.op.negated,
            got,
            None,
            None,
            None,
        );
        finding.found = format!(
            "{} (`empty` applies to lists, maps and strings)",
            finding.found
        );
        let res = self.paths.borrow().resource(got.path());
        self.note(res, finding, false);
    }

    /// Where to go back to when a passing `or` or `some` makes an `empty`-on-scalar failure
    /// inside it irrelevant: the poison flag and the number of findings.
    fn rescue_point(&self) -> (bool, usize) {
        (self.poisoned.get(), self.recorder.borrow().findings.len())
    }

    fn rescue(&self, (was_poisoned, findings): (bool, usize)) {
        if !was_poisoned && self.poisoned.replace(false) {
            self.recorder.borrow_mut().findings.truncate(findings);
        }
    }

    /// A literal operand without building a list.
    fn literal(&self, expr: &'c crate::ast::Expr) -> Option<Got<'c>> {
        let crate::ast::Expr::Literal(literal) = expr else {
            return None;
        };
        let lit = self
            .set
            .lits
            .get(&(literal as *const crate::ast::Literal as usize))?;
        Some(Got::Val(compare::lit_val(lit)))
    }

    /// A check whose left side has no values at all.
    fn check_nothing(&'c self, check: &'c Check, negated: bool) -> Status {
        match check.op.kind {
            OpKind::Unary(UnaryOp::Empty) if negated => {
                if self.collect.get() {
                    let finding = render::nothing_finding(self, check);
                    self.note(0, finding, false);
                }
                self.touch_path(ROOT);
                Status::Fail
            }
            OpKind::Unary(UnaryOp::Empty) => {
                self.touch_path(ROOT);
                Status::Pass
            }
            _ => Status::Skip,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn note_check(
        &'c self,
        check: &'c Check,
        negated: bool,
        scope: &Scope<'_, 'c>,
        values: &[Got<'c>],
        verdicts: &[Verdict],
        rhs: Option<&[Got<'c>]>,
        status: Status,
    ) -> EvalResult<()> {
        for (got, verdict) in values.iter().zip(verdicts) {
            let (unknown, why) = match verdict {
                Verdict::Pass => continue,
                Verdict::Fail if status == Status::Fail => (false, None),
                Verdict::FailWhy(why) if status == Status::Fail => (false, Some(why.clone())),
                Verdict::Unknown(why) => (true, Some(why.clone())),
                _ => continue,
            };
            let message = render::message(self, check.message.as_ref(), scope)?;
            let finding = render::check_finding(self, check, negated, got, rhs, message, why);
            let res = self.paths.borrow().resource(got.path());
            self.note(res, finding, unknown);
        }
        Ok(())
    }

    /// `rule_name`, `not rule_name` or `rule_name(args)` used as a clause.
    fn rule_ref(&'c self, rule_ref: &'c RuleRef, scope: &Scope<'_, 'c>) -> EvalResult<Status> {
        let Some(index) = self.set.rule_index(&rule_ref.name.name) else {
            return Err(self.error(
                rule_ref.name.span,
                format!("unknown rule `{}`", rule_ref.name.name),
            ));
        };
        let (inner, copied) = match &rule_ref.args {
            Some(args) => (
                self.quietly(false, true, || self.call_rule(index, args, scope))?,
                None,
            ),
            None => {
                let outcome = self.rule_outcome(index);
                let status = outcome
                    .status
                    .clone()
                    .map_err(|e| self.error(rule_ref.span, e.message))?;
                self.merge_touched(&outcome.touched);
                if outcome.poisoned {
                    self.poisoned.set(true);
                }
                (status, Some(outcome))
            }
        };
        let status = match (inner, rule_ref.not) {
            (Status::Pass, false) | (Status::Fail, true) => Status::Pass,
            (Status::Skip, true) if self.in_when.get() => Status::Pass,
            _ => Status::Fail,
        };
        if status == Status::Fail && self.collect.get() {
            self.note_rule_ref(rule_ref, inner, copied.as_ref(), scope)?;
        }
        Ok(status)
    }

    fn note_rule_ref(
        &'c self,
        rule_ref: &'c RuleRef,
        inner: Status,
        outcome: Option<&crate::eval::engine::RuleOutcome>,
        scope: &Scope<'_, 'c>,
    ) -> EvalResult<()> {
        let message = render::message(self, rule_ref.message.as_ref(), scope)?;
        let copied = outcome.map(|o| o.findings.as_slice()).unwrap_or_default();
        if inner == Status::Fail && !rule_ref.not && !copied.is_empty() {
            for noted in copied.iter().filter(|n| !n.unknown) {
                let mut finding = noted.finding.clone();
                if message.is_some() {
                    finding.message = message.clone();
                }
                self.note(noted.res, finding, false);
            }
            return Ok(());
        }
        if let (Status::Fail, Some(args), false) = (inner, &rule_ref.args, rule_ref.not) {
            // The call's own failing checks are the findings: run it again, recording.
            self.call_rule_with_message(rule_ref, args, scope, message)?;
            return Ok(());
        }
        let finding = render::rule_ref_finding(self, rule_ref, inner, message);
        self.note(0, finding, false);
        Ok(())
    }

    fn merge_touched(&self, touched: &[bool]) {
        if !self.touch.get() {
            return;
        }
        let mut recorder = self.recorder.borrow_mut();
        for (slot, &hit) in recorder.touched.iter_mut().zip(touched) {
            *slot |= hit;
        }
    }

    /// Re-runs a failed call with recording on; the reference's message, if any, replaces
    /// the messages of the findings it records.
    fn call_rule_with_message(
        &'c self,
        rule_ref: &'c RuleRef,
        args: &'c [crate::ast::Expr],
        scope: &Scope<'_, 'c>,
        message: Option<std::sync::Arc<str>>,
    ) -> EvalResult<()> {
        let Some(index) = self.set.rule_index(&rule_ref.name.name) else {
            return Ok(());
        };
        let before = self.recorder.borrow().findings.len();
        self.call_rule(index, args, scope)?;
        if message.is_some() {
            let mut recorder = self.recorder.borrow_mut();
            for noted in recorder.findings.iter_mut().skip(before) {
                noted.finding.message = message.clone();
            }
        }
        Ok(())
    }

    /// Calls a parameterized rule with arguments evaluated in the caller's scope.
    fn call_rule(
        &'c self,
        index: usize,
        args: &'c [crate::ast::Expr],
        scope: &Scope<'_, 'c>,
    ) -> EvalResult<Status> {
        let Some(ast) = self
            .set
            .rules
            .get(index)
            .and_then(|r| self.set.rule_ast(r.body))
        else {
            return Ok(Status::Skip);
        };
        let mut callee = Scope::new(None, self.root_val(), Some(&ast.body));
        for (param, arg) in ast.params.iter().zip(args) {
            let values = self.quietly(false, false, || self.expr(arg, scope))?;
            callee.bound.push((param.name.as_str(), values.into()));
        }
        let saved = self.source.get();
        if let Some(rule) = self.set.rules.get(index) {
            self.source.set(rule.source);
        }
        let status = self.rule_body(ast, &callee);
        self.source.set(saved);
        status
    }

    /// `[some] query { body }`: the body for each value, as `this`.
    fn query_block(&'c self, qb: &'c QueryBlock, scope: &Scope<'_, 'c>) -> EvalResult<Status> {
        let values = self.query(&qb.query, scope)?;
        if values.is_empty() {
            return Ok(Status::Skip);
        }
        let capture = match qb.query.steps.last() {
            Some(Step::Filter(filter)) => filter.capture.as_ref().map(|c| c.name.as_str()),
            _ => None,
        };
        if qb.some {
            let point = self.rescue_point();
            let status =
                self.quietly(false, true, || self.each_value(qb, &values, capture, scope))?;
            if status == Status::Pass {
                self.rescue(point);
            }
            if status == Status::Fail && self.collect.get() {
                self.each_value(qb, &values, capture, scope)?;
            }
            return Ok(status);
        }
        self.each_value(qb, &values, capture, scope)
    }

    fn each_value(
        &'c self,
        qb: &'c QueryBlock,
        values: &[Got<'c>],
        capture: Option<&'c str>,
        scope: &Scope<'_, 'c>,
    ) -> EvalResult<Status> {
        let mut statuses = Vec::with_capacity(values.len());
        for got in values {
            let status = match got {
                Got::Missing { .. } => {
                    self.touch_path(got.path());
                    if self.collect.get() {
                        let message = render::message(self, qb.message.as_ref(), scope)?;
                        let finding = render::missing_block_finding(self, qb, got, message);
                        let res = self.paths.borrow().resource(got.path());
                        self.note(res, finding, false);
                    }
                    Status::Fail
                }
                Got::Val(val) => {
                    let mut inner = Scope::new(Some(scope), got.clone(), Some(&qb.body));
                    if let Some(name) = capture {
                        inner.bound.push((name, self.capture_key(val).into()));
                    }
                    self.block(&qb.body, &inner)?
                }
            };
            statuses.push(status);
            if qb.some && status == Status::Pass {
                break; // `some` stops at the first value that passes, as Guard does
            }
        }
        Ok(if qb.some {
            any_pass(&statuses)
        } else {
            and_all(statuses)
        })
    }

    /// The map key or list index that led to `val` (for `[ name | ... ]` captures).
    pub fn capture_key(&'c self, val: &Val<'c>) -> Vec<Got<'c>> {
        match self.paths.borrow().last_seg(val.path()) {
            Some(Seg::Key(key)) => vec![Got::Val(Val::Key(key))],
            Some(Seg::Index(i)) => {
                let node = self.alloc(sagerules_data::Node::new(
                    sagerules_data::Value::Int(i64::from(i)),
                    val.pos(),
                ));
                vec![Got::Val(Val::Doc(node, crate::eval::value::NO_PATH))]
            }
            _ => Vec::new(),
        }
    }

    /// `AWS::X::Y [when cond] { body }`: the body for every resource of that type.
    fn type_block(&'c self, tb: &'c TypeBlock, scope: &Scope<'_, 'c>) -> EvalResult<Status> {
        let name = tb.type_name.name.as_str();
        // `X::MODULE { ... }` checks resources of type `X`, as in Guard 3.2.1.
        let resources = self.typed_resources(name.strip_suffix("::MODULE").unwrap_or(name), scope);
        let mut statuses = Vec::with_capacity(resources.len());
        for got in resources {
            let inner = Scope::new(Some(scope), got, Some(&tb.body));
            if let Some(when) = &tb.when {
                let condition = self.condition(when, &inner)?;
                if condition != Status::Pass {
                    statuses.push(Status::Skip);
                    continue;
                }
            }
            statuses.push(self.block(&tb.body, &inner)?);
        }
        Ok(and_all(statuses))
    }

    /// `Resources.*[ Type == 'X' ]` under the scope's `this`, skipping what is not there.
    fn typed_resources(&'c self, type_name: &str, scope: &Scope<'_, 'c>) -> Vec<Got<'c>> {
        if let Some(values) = self.typed_from_index(type_name, scope) {
            return values;
        }
        let Got::Val(Val::Doc(this, this_path)) = &scope.this else {
            return Vec::new();
        };
        let Some((res_index, key, resources)) = this.as_map().and_then(|m| m.get_full("Resources"))
        else {
            return Vec::new();
        };
        let Some(map) = resources.as_map() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut resources_path = None;
        for (index, (id, resource)) in map.iter().enumerate() {
            if resource.get("Type").and_then(|t| t.as_str()) != Some(type_name) {
                continue;
            }
            let mut paths = self.paths.borrow_mut();
            let parent = *resources_path
                .get_or_insert_with(|| paths.child(*this_path, Seg::Key(key), res_index));
            let path = paths.child(parent, Seg::Key(id), index);
            drop(paths);
            self.push_expanded(resource, path, &mut out);
        }
        out
    }

    fn when_block(&'c self, wb: &'c WhenBlock, scope: &Scope<'_, 'c>) -> EvalResult<Status> {
        let condition = self.condition(&wb.when, scope)?;
        if condition != Status::Pass {
            return Ok(Status::Skip);
        }
        let inner = Scope::new(Some(scope), scope.this.clone(), Some(&wb.body));
        self.block(&wb.body, &inner)
    }
}

fn any_pass(statuses: &[Status]) -> Status {
    if statuses.contains(&Status::Pass) {
        Status::Pass
    } else if statuses.iter().all(|s| *s == Status::Skip) {
        Status::Skip
    } else {
        Status::Fail
    }
}

/// One value under a check's operator.
fn verdict(
    got: &Got<'_>,
    op: &OpKind,
    negated: bool,
    rhs: Option<&[Got<'_>]>,
    lenient: bool,
) -> Verdict {
    let val = match got {
        Got::Missing { .. } => return missing_verdict(op, negated),
        Got::Val(val) => val,
    };
    match val {
        Val::Unknown(deferred) => match (op, &deferred.string) {
            (OpKind::Unary(UnaryOp::Exists), _) => pass_if(!negated),
            (OpKind::Binary(CmpOp::Eq | CmpOp::In, _), Some(_))
                if deferred.meets_allow_lists
                    && !negated
                    && rhs.is_some_and(|r| !r.is_empty() && !r.iter().any(is_regex)) =>
            {
                Verdict::Pass
            }
            (OpKind::Unary(unary), Some(_)) => {
                // Some non-empty string: `!empty` and `is_string` hold whatever it is.
                let some_string = crate::eval::value::Plain::Str(DEPLOY_TIME_TEXT);
                pass_if(compare::unary(*unary, some_string).passes(negated))
            }
            (OpKind::Binary(cmp, _), Some(Some(shape)))
                if rhs.is_some_and(|r| !r.is_empty() && r.iter().all(is_regex)) =>
            {
                let plain = crate::eval::value::Plain::Str(shape);
                binary_verdict(plain, *cmp, negated, rhs.unwrap_or_default(), lenient)
            }
            _ => Verdict::Unknown(deferred.why.clone()),
        },
        Val::Any(deferred) => any_verdict(op, negated, &deferred.why, deferred.may_be_empty),
        _ => match (op, val.plain()) {
            (OpKind::Unary(unary), Some(plain)) => {
                pass_if(compare::unary(*unary, plain).passes(negated))
            }
            (OpKind::Unary(UnaryOp::Exists), None) => pass_if(!negated),
            (OpKind::Binary(cmp, _), Some(plain)) => {
                binary_verdict(plain, *cmp, negated, rhs.unwrap_or_default(), lenient)
            }
            _ => Verdict::Fail,
        },
    }
}

/// Stands for a deploy-time string under `empty` and `is_string` (any non-empty text).
const DEPLOY_TIME_TEXT: &str = "deploy-time value";

fn is_regex(got: &Got<'_>) -> bool {
    matches!(got, Got::Val(Val::Regex(_)))
}

/// Under `some`, a list compared with a non-list counts element by element: it passes when
/// one element passes, and an empty list passes nothing (Guard).
fn some_elements<'c>(check: &Check, got: &Got<'c>) -> Option<&'c [sagerules_data::Node]> {
    let OpKind::Binary(cmp, rhs) = &check.op.kind else {
        return None;
    };
    let Got::Val(val) = got else {
        return None;
    };
    let Some(crate::eval::value::Plain::List(items)) = val.plain() else {
        return None;
    };
    let list_rhs = matches!(rhs.as_ref(), crate::ast::Expr::Literal(l) if matches!(l.kind, crate::ast::LiteralKind::List(_)));
    let list_equality = matches!(cmp, CmpOp::Eq | CmpOp::Ne) && list_rhs;
    (check.some && !list_equality && *cmp != CmpOp::In).then_some(items)
}

/// `empty` / `!empty` on a number, boolean or null (which fails the whole rule, see
/// [`Ctx::poisoned`]).
fn scalar_empty(got: &Got<'_>, op: &OpKind) -> bool {
    let Got::Val(val) = got else {
        return false;
    };
    let scalar = matches!(
        val.plain(),
        Some(crate::eval::value::Plain::Int(_) | crate::eval::value::Plain::Float(_))
            | Some(crate::eval::value::Plain::Bool(_) | crate::eval::value::Plain::Null)
    );
    scalar && matches!(op, OpKind::Unary(UnaryOp::Empty))
}

fn pass_if(pass: bool) -> Verdict {
    if pass {
        Verdict::Pass
    } else {
        Verdict::Fail
    }
}

/// A missing value: not there, empty, of no type; every comparison fails, negated or not.
fn missing_verdict(op: &OpKind, negated: bool) -> Verdict {
    match op {
        OpKind::Unary(UnaryOp::Empty) => pass_if(!negated),
        OpKind::Unary(_) => pass_if(negated),
        OpKind::Binary(..) => Verdict::Fail,
    }
}

fn any_verdict(op: &OpKind, negated: bool, why: &Rc<str>, may_be_empty: bool) -> Verdict {
    let fail = Verdict::FailWhy(why.clone());
    match op {
        OpKind::Unary(UnaryOp::Exists) if !negated && !may_be_empty => Verdict::Pass,
        OpKind::Unary(UnaryOp::Empty) if negated && !may_be_empty => Verdict::Pass,
        _ => fail,
    }
}

fn binary_verdict(
    lhs: crate::eval::value::Plain<'_>,
    cmp: CmpOp,
    negated: bool,
    rhs: &[Got<'_>],
    lenient: bool,
) -> Verdict {
    let mut values = Vec::with_capacity(rhs.len());
    for got in rhs {
        match got {
            Got::Missing { .. } => return Verdict::Fail,
            Got::Val(Val::Unknown(deferred)) => return Verdict::Unknown(deferred.why.clone()),
            Got::Val(Val::Any(deferred)) => return Verdict::FailWhy(deferred.why.clone()),
            Got::Val(val) => values.push(val.clone()),
        }
    }
    pass_if(compare::binary(lhs, cmp, negated, &values, lenient))
}

/// The disjunction's finding from its alternatives: the first one's place, every `expected`
/// and `found`, and the message written on any of them (Guard attaches `<< … >>` to the last
/// clause of `a or b << msg >>`). A single alternative stands for itself.
fn summarise_alternatives(finding: &mut Finding) {
    if let [only] = finding.alternatives.as_slice() {
        *finding = only.clone();
        return;
    }
    let join = |part: fn(&Finding) -> &str, sep: &str| {
        finding
            .alternatives
            .iter()
            .map(part)
            .collect::<Vec<_>>()
            .join(sep)
    };
    let expected = join(|f| &f.expected, " or ");
    let found = join(|f| &f.found, "; ");
    let message = finding
        .alternatives
        .iter()
        .rev()
        .find_map(|f| f.message.clone());
    finding.expected = expected;
    finding.found = found;
    finding.message = message;
}
