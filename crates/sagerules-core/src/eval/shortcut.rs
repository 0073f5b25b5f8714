//! Shortcuts for the two query shapes nearly every CloudFormation rule uses, with results
//! identical to the general path (`tests/differential/` checks both):
//!
//! - `Resources.*[ Type == 'AWS::X::Y' ]` (and type blocks): answered from an index of
//!   `/Resources` by type, built once per document, instead of one pass over every resource
//!   per rule. A filter whose first line tests only `Type` against literals
//!   (`[ Type in [...] Properties.X exists ]`, `[ Type == /^AWS::SageMaker::/ ]`) takes the
//!   types it names from the index, matches its patterns once per distinct type (any other
//!   such line is judged once per distinct type), and only the resources of the types it
//!   keeps (and those without a string `Type`) go through the rest of the filter;
//! - `%file_let.Key...`: the first key step after a file-scope variable is remembered, so
//!   eight rules over `%notebooks.Properties` look `Properties` up once per notebook.

use foldhash::HashMap;
use std::rc::Rc;

use crate::ast::{Clause, CmpOp, Disjunction, Expr, Filter, LiteralKind, OpKind, Step};
use crate::eval::engine::{Ctx, EvalResult, Scope};
use crate::eval::value::{Got, Miss, Seg, Val, ROOT};
use crate::report::Status;
use crate::ruleset::lit::Pattern;
use crate::ruleset::Lit;

/// Remembered `%file_let.Key` results, by file-let index and key.
pub(crate) type LetSteps<'c> = HashMap<(usize, &'c str), Rc<[Got<'c>]>>;

/// `/Resources` by `Type`.
pub(crate) enum TypeIndex<'c> {
    /// The shortcut does not apply (the expander rewrites a resource or its `Type`, or the
    /// parameters hold `Resources`): use the general path.
    Unusable,
    /// What `Resources.*` gives when there is nothing to iterate (`Resources` missing, or `{}`).
    Nothing(Got<'c>),
    ByType(ResourcesByType<'c>),
}

/// `/Resources` in document order, with the positions of each `Type`.
pub(crate) struct ResourcesByType<'c> {
    resources: Vec<Got<'c>>,
    /// Positions in `resources` by `Type` string, ascending.
    by_type: HashMap<&'c str, Vec<u32>>,
    /// Positions of the resources whose `Type` is missing or not a string.
    untyped: Vec<u32>,
}

impl<'c> ResourcesByType<'c> {
    fn of_type(&self, type_name: &str) -> Vec<Got<'c>> {
        let positions = self.by_type.get(type_name).map_or(&[][..], Vec::as_slice);
        positions
            .iter()
            .filter_map(|&p| self.resources.get(p as usize).cloned())
            .collect()
    }
}

impl<'c> Ctx<'c> {
    fn type_index(&'c self) -> Rc<TypeIndex<'c>> {
        if let Some(index) = self.type_index.borrow().as_ref() {
            return index.clone();
        }
        let index = Rc::new(self.build_type_index());
        *self.type_index.borrow_mut() = Some(index.clone());
        index
    }

    fn build_type_index(&'c self) -> TypeIndex<'c> {
        let params_have_resources = self.params.and_then(|p| p.get("Resources")).is_some();
        let Some(root) = self.root.as_map() else {
            return TypeIndex::Unusable;
        };
        if params_have_resources || self.expander.is_some_and(|e| e.disable_shortcuts()) {
            return TypeIndex::Unusable;
        }
        let Some((at, key, resources)) = root.get_full("Resources") else {
            return TypeIndex::Nothing(Got::Missing {
                at: ROOT,
                pos: self.root.pos,
                miss: Miss::Key("Resources"),
            });
        };
        let Some(map) = resources.as_map() else {
            // `*` on a list or a scalar: the general path knows what that gives.
            return TypeIndex::Unusable;
        };
        let path = self.paths.borrow_mut().child(ROOT, Seg::Key(key), at);
        if map.is_empty() {
            return TypeIndex::Nothing(Got::Missing {
                at: path,
                pos: resources.pos,
                miss: Miss::Nothing,
            });
        }
        let mut index = ResourcesByType {
            resources: Vec::with_capacity(map.len()),
            by_type: HashMap::default(),
            untyped: Vec::new(),
        };
        for (position, (id, resource)) in map.iter().enumerate() {
            if self.expands(resource) {
                return TypeIndex::Unusable;
            }
            let type_node = resource.as_map().and_then(|m| m.get_full("Type"));
            if type_node.is_some_and(|(_, _, node)| self.expands(node)) {
                return TypeIndex::Unusable;
            }
            let Ok(at) = u32::try_from(position) else {
                return TypeIndex::Unusable;
            };
            match type_node.and_then(|(_, _, node)| node.as_str()) {
                Some(type_name) => index.by_type.entry(type_name).or_default().push(at),
                None => index.untyped.push(at),
            }
            let resource_path = self.paths.borrow_mut().child(path, Seg::Key(id), position);
            index
                .resources
                .push(Got::Val(Val::Doc(resource, resource_path)));
        }
        TypeIndex::ByType(index)
    }

    /// Whether the expander would replace this node; then only the general path is exact.
    pub(crate) fn expands(&'c self, node: &'c sagerules_data::Node) -> bool {
        self.expander
            .is_some_and(|e| e.expand(self.root, node).is_some())
    }

    /// The resources of one type for a type block at the root; `None`: use the general path.
    pub fn typed_from_index(
        &'c self,
        type_name: &str,
        scope: &Scope<'_, 'c>,
    ) -> Option<Vec<Got<'c>>> {
        if scope.this.path() != ROOT {
            return None;
        }
        match &*self.type_index() {
            TypeIndex::Unusable => None,
            TypeIndex::Nothing(_) => Some(Vec::new()),
            TypeIndex::ByType(index) => Some(index.of_type(type_name)),
        }
    }

    /// `Resources.*[ Type == 'X' ... ]` at the root: the values and the remaining steps;
    /// `None`: use the general path.
    pub fn typed_query(
        &'c self,
        steps: &'c [Step],
        scope: &Scope<'_, 'c>,
    ) -> EvalResult<Option<(Vec<Got<'c>>, &'c [Step])>> {
        let [Step::Key(resources, _), Step::AllValues(_), Step::Filter(filter), rest @ ..] = steps
        else {
            return Ok(None);
        };
        if resources != "Resources" || scope.this.path() != ROOT {
            return Ok(None);
        }
        let Some(type_test) = type_test(filter) else {
            return Ok(None);
        };
        match &*self.type_index() {
            TypeIndex::Unusable => Ok(None),
            TypeIndex::Nothing(missing) => Ok(Some((vec![missing.clone()], rest))),
            TypeIndex::ByType(index) => Ok(Some((
                self.filter_by_type(filter, type_test, index, scope)?,
                rest,
            ))),
        }
    }

    /// The resources `filter` keeps, in document order. Its first line, `type_test`, reads
    /// only `Type` and literals, so on a string `Type` its verdict depends on that string
    /// alone: named types (`Type == 'X'`, `Type in ['X', 'Y']`) pass and every other fails;
    /// other tests are judged once per distinct type, on the first resource of that type. A
    /// FAIL there fails the whole filter (its lines stop at the first FAIL), so those
    /// resources are left out unevaluated. Where the first line PASSes and is the only one,
    /// the resource is kept; the rest, and every resource without a string `Type` (a list
    /// `Type: [X]` can pass `Type == 'X'`), are judged whole.
    fn filter_by_type(
        &'c self,
        filter: &'c Filter,
        type_test: &'c Disjunction,
        index: &ResourcesByType<'c>,
        scope: &Scope<'_, 'c>,
    ) -> EvalResult<Vec<Got<'c>>> {
        let only_line = filter.conds.clauses.len() == 1;
        // (position, whether the whole filter must still judge it)
        let mut candidates: Vec<(u32, bool)> = index.untyped.iter().map(|&p| (p, true)).collect();
        let mut add = |positions: &[u32], judge: bool| {
            candidates.extend(positions.iter().map(|&p| (p, judge)));
        };
        match self.named_types(type_test) {
            Some(named) if named.patterns.is_empty() => {
                for name in &named.names {
                    add(
                        index.by_type.get(name).map_or(&[], Vec::as_slice),
                        !only_line,
                    );
                }
            }
            named => {
                for (type_name, positions) in &index.by_type {
                    let known = named.as_ref().and_then(|n| n.passes(type_name));
                    let status = match (known, positions.first()) {
                        (Some(true), _) => Status::Pass,
                        (Some(false), _) => Status::Fail,
                        (None, Some(&first)) => match index.resources.get(first as usize) {
                            Some(first) => self.judge_quietly(type_test, first, scope)?,
                            None => continue,
                        },
                        (None, None) => continue,
                    };
                    match status {
                        Status::Fail => {}
                        Status::Pass if only_line => add(positions, false),
                        _ => add(positions, true),
                    }
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup_by_key(|(position, _)| *position);
        // Room for every candidate (most are kept): grown by doubling, the lists of a
        // 20k-resource template's filters left 9 MB of freed blocks behind.
        let mut kept = Vec::with_capacity(candidates.len());
        for (position, judge) in candidates {
            let Some(got) = index.resources.get(position as usize) else {
                continue;
            };
            if !judge || self.keeps(filter, got, false, scope)? {
                kept.push(got.clone());
            }
        }
        Ok(kept)
    }

    /// The types a filter line names when it is nothing but `Type == 'X'`,
    /// `Type in ['X', 'Y']` and `Type == /re/` joined by `or` (no `not`, no `some`): on a
    /// string `Type` it passes exactly when one of them names or matches it.
    fn named_types(&'c self, line: &'c Disjunction) -> Option<NamedTypes<'c>> {
        let mut named = NamedTypes::default();
        for clause in &line.clauses {
            let Clause::Check(check) = clause else {
                return None;
            };
            if check.not || check.some || check.op.negated {
                return None;
            }
            let OpKind::Binary(op, rhs) = &check.op.kind else {
                return None;
            };
            let Expr::Literal(literal) = rhs.as_ref() else {
                return None;
            };
            match (op, &literal.kind) {
                (CmpOp::Eq, LiteralKind::String(name)) => named.names.push(name),
                (CmpOp::Eq, LiteralKind::Regex(_)) => {
                    let Some(Lit::Regex(pattern)) = self.compiled(literal) else {
                        return None;
                    };
                    named.patterns.push(pattern);
                }
                (CmpOp::In, LiteralKind::List(items)) => {
                    for item in items {
                        let LiteralKind::String(name) = &item.kind else {
                            return None;
                        };
                        named.names.push(name);
                    }
                }
                _ => return None,
            }
        }
        Some(named)
    }

    /// `%v.Key` where `%v` is a file-scope variable: remembered per evaluation.
    pub fn let_step(&'c self, values: &Rc<[Got<'c>]>, step: &'c Step) -> Option<Rc<[Got<'c>]>> {
        if self.expander.is_some_and(|e| e.disable_shortcuts()) {
            return None;
        }
        let Step::Key(key, _) = step else {
            return None;
        };
        let index = self
            .file_lets
            .borrow()
            .iter()
            .position(|v| v.as_ref().is_some_and(|v| Rc::ptr_eq(v, values)))?;
        if let Some(done) = self.let_steps.borrow().get(&(index, key.as_str())) {
            return Some(done.clone());
        }
        let step = std::slice::from_ref(step);
        let mut out = Vec::with_capacity(values.len());
        for got in values.iter() {
            self.walk_keys(got.clone(), step, &mut out);
        }
        let out: Rc<[Got<'c>]> = out.into();
        self.let_steps
            .borrow_mut()
            .insert((index, key.as_str()), out.clone());
        Some(out)
    }
}

/// The first line of a filter when it reads nothing but `Type` and literals
/// (`Type == 'X'`, `Type in [...]`, `Type == /re/`, `Type != 'X'`, joined by `or`).
fn type_test(filter: &Filter) -> Option<&Disjunction> {
    if filter.capture.is_some() {
        return None;
    }
    let first = filter.conds.clauses.first()?;
    let reads_only_type = |clause: &Clause| {
        let Clause::Check(check) = clause else {
            return false;
        };
        let Expr::Query(lhs) = &check.lhs else {
            return false;
        };
        let literal_rhs = match &check.op.kind {
            OpKind::Unary(_) => true,
            OpKind::Binary(_, rhs) => matches!(rhs.as_ref(), Expr::Literal(_)),
        };
        literal_rhs && matches!(lhs.steps.as_slice(), [Step::Key(key, _)] if key == "Type")
    };
    first.clauses.iter().all(reads_only_type).then_some(first)
}

/// What [`Ctx::named_types`] reads from a filter line.
#[derive(Default)]
struct NamedTypes<'c> {
    names: Vec<&'c str>,
    patterns: Vec<&'c Pattern>,
}

impl NamedTypes<'_> {
    /// Whether the line passes on a resource of this type; `None` when a pattern cannot say
    /// (a backtracking pattern stopped at its step limit): then the line is judged.
    fn passes(&self, type_name: &str) -> Option<bool> {
        if self.names.contains(&type_name) {
            return Some(true);
        }
        let mut undecided = false;
        for pattern in &self.patterns {
            match pattern.is_match(type_name) {
                Ok(true) => return Some(true),
                Ok(false) => {}
                Err(_) => undecided = true,
            }
        }
        (!undecided).then_some(false)
    }
}
