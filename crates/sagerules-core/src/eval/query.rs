//! Query resolution: `Resources.*[ Type == 'X' ].Properties.Tags[*].Key` turns the current
//! values into the next ones, one step at a time, borrowing the document throughout.
//!
//! A step that finds nothing leaves a [`Got::Missing`] holding where it stopped (for the
//! finding's pointer and position); a filter that keeps nothing leaves no values at all.
//! That difference is cfn-guard's FAIL-versus-SKIP distinction. Missing keys are retried in
//! other case styles only in the Guard dialect ([`crate::dialect`]).

use std::rc::Rc;

use sagerules_data::{Map, Node, Value};

use crate::ast::{Clause, Disjunction, Expr, Filter, Query, Step};
use crate::dialect::{retry_key, Converter, Dialect};
use crate::eval::engine::{Ctx, EvalResult, Scope};
use crate::eval::value::{Deferred, Got, Miss, PathId, Seg, Val, NO_PATH, ROOT};
use crate::eval::Expansion;
use crate::report::Status;

/// Where a query starts: one value (`this`), or a variable's values (shared, not copied).
enum Start<'c> {
    One(Got<'c>),
    Many(Rc<[Got<'c>]>),
    Owned(Vec<Got<'c>>),
}

impl<'c> Start<'c> {
    fn len(&self) -> usize {
        match self {
            Start::One(_) => 1,
            Start::Many(values) => values.len(),
            Start::Owned(values) => values.len(),
        }
    }

    fn iter(&self) -> std::slice::Iter<'_, Got<'c>> {
        match self {
            Start::One(got) => std::slice::from_ref(got).iter(),
            Start::Many(values) => values.iter(),
            Start::Owned(values) => values.iter(),
        }
    }

    fn into_vec(self) -> Vec<Got<'c>> {
        match self {
            Start::One(got) => vec![got],
            Start::Many(values) => values.to_vec(),
            Start::Owned(values) => values,
        }
    }
}

/// How the current values were produced: one addressed value (`a.b`, `[0]`), or the
/// elements of something (`*`, `[*]`, a filter, a variable). A filter after a single value
/// looks inside it; after elements it tests each element itself.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Produced {
    Single,
    Elements,
}

/// What a step leaves: the elements of something after `*`, `[*]` and a filter, else one
/// addressed value.
fn produced_by(step: &Step) -> Produced {
    match step {
        Step::AllValues(_) | Step::AllIndices(_) | Step::Filter(_) => Produced::Elements,
        _ => Produced::Single,
    }
}

impl<'c> Ctx<'c> {
    pub fn query(&'c self, query: &'c Query, scope: &Scope<'_, 'c>) -> EvalResult<Vec<Got<'c>>> {
        let steps = query.steps.as_slice();
        if let Some((values, rest)) = self.typed_query(steps, scope)? {
            return self.follow(Start::Owned(values), rest, Produced::Elements, scope);
        }
        let (start, rest, produced) = match steps.split_first() {
            Some((Step::Var(ident), rest)) => {
                let values = self.var(scope, &ident.name, ident.span)?;
                match rest
                    .split_first()
                    .and_then(|(first, after)| Some((self.let_step(&values, first)?, after)))
                {
                    Some((memo, after)) => (Start::Many(memo), after, Produced::Single),
                    None => (Start::Many(values), rest, Produced::Elements),
                }
            }
            Some((Step::This(_), rest)) => (Start::One(scope.this.clone()), rest, Produced::Single),
            Some((Step::Keys(_), rest)) => match &scope.key {
                Some(key) => (Start::One(Got::Val(key.clone())), rest, Produced::Single),
                None if self.guard_dialect() => (
                    Start::Owned(self.plain_keys_key(&scope.this)),
                    rest,
                    Produced::Single,
                ),
                None => return Ok(Vec::new()),
            },
            _ => (Start::One(scope.this.clone()), steps, Produced::Single),
        };
        self.follow(start, rest, produced, scope)
    }

    /// Applies `rest` to the start values.
    fn follow(
        &'c self,
        start: Start<'c>,
        rest: &'c [Step],
        produced: Produced,
        scope: &Scope<'_, 'c>,
    ) -> EvalResult<Vec<Got<'c>>> {
        if rest.is_empty() {
            return Ok(start.into_vec());
        }
        if rest.iter().all(|s| matches!(s, Step::Key(..))) {
            let mut out = Vec::with_capacity(start.len());
            for got in start.iter() {
                self.walk_keys(got.clone(), rest, &mut out);
            }
            return Ok(out);
        }
        // The first step reads the start values where they are (a variable's list is not
        // copied first); each step's output gets room for one value per input, as most steps
        // give. Grown by doubling, these lists left megabytes of freed blocks behind on a
        // 20k-resource template.
        let Some((first, later)) = rest.split_first() else {
            return Ok(start.into_vec());
        };
        let mut current = Vec::with_capacity(start.len());
        match start {
            Start::One(got) => self.step_each(first, [got], produced, scope, &mut current)?,
            Start::Many(values) => {
                self.step_each(first, values.iter().cloned(), produced, scope, &mut current)?
            }
            Start::Owned(values) => self.step_each(first, values, produced, scope, &mut current)?,
        }
        let mut produced = produced_by(first);
        let mut next = Vec::new();
        for step in later {
            if current.is_empty() {
                break;
            }
            next.clear();
            next.reserve(current.len());
            self.step_each(step, current.drain(..), produced, scope, &mut next)?;
            std::mem::swap(&mut current, &mut next);
            produced = produced_by(step);
        }
        Ok(current)
    }

    /// Applies one step to each of `values`, in order, into `out`; a missing value stays
    /// missing.
    fn step_each(
        &'c self,
        step: &'c Step,
        values: impl IntoIterator<Item = Got<'c>>,
        produced: Produced,
        scope: &Scope<'_, 'c>,
        out: &mut Vec<Got<'c>>,
    ) -> EvalResult<()> {
        for got in values {
            match got {
                Got::Val(val) => self.step(step, val, produced, scope, out)?,
                missing => out.push(missing),
            }
        }
        Ok(())
    }

    /// The common `a.b.c` case: follows keys from one value without intermediate lists.
    pub(crate) fn walk_keys(&'c self, got: Got<'c>, steps: &'c [Step], out: &mut Vec<Got<'c>>) {
        self.walk_keys_with(got, steps, out, None);
    }

    /// [`Ctx::walk_keys`], with the case style a Guard-dialect retry chose earlier in the chain.
    fn walk_keys_with(
        &'c self,
        got: Got<'c>,
        steps: &'c [Step],
        out: &mut Vec<Got<'c>>,
        mut converter: Option<Converter>,
    ) {
        let mut current = got;
        for (at, step) in steps.iter().enumerate() {
            let Step::Key(key, _) = step else {
                continue;
            };
            let Got::Val(val) = current else {
                return out.push(current);
            };
            let Val::Doc(node, path) = val else {
                let mut opaque = Vec::new();
                self.step_opaque(step, val, &mut opaque);
                let rest = steps.get(at + 1..).unwrap_or_default();
                return opaque
                    .into_iter()
                    .for_each(|g| self.walk_keys_with(g, rest, out, converter));
            };
            let direct = node.as_map().filter(|_| !self.guard_index_key(key));
            match direct.and_then(|m| m.get_full(key)) {
                Some((index, name, child)) if !self.expands(child) => {
                    let child_path = self.paths.borrow_mut().child(path, Seg::Key(name), index);
                    current = Got::Val(Val::Doc(child, child_path));
                }
                _ => {
                    let mut found = Vec::new();
                    self.key_step(node, path, key, &mut found, &mut converter);
                    let rest = steps.get(at + 1..).unwrap_or_default();
                    return found
                        .into_iter()
                        .for_each(|g| self.walk_keys_with(g, rest, out, converter));
                }
            }
        }
        out.push(current);
    }

    fn step(
        &'c self,
        step: &'c Step,
        val: Val<'c>,
        produced: Produced,
        scope: &Scope<'_, 'c>,
        out: &mut Vec<Got<'c>>,
    ) -> EvalResult<()> {
        let Val::Doc(node, path) = val else {
            self.step_opaque(step, val, out);
            return Ok(());
        };
        match step {
            Step::Key(key, _) => self.key_step(node, path, key, out, &mut None),
            Step::Var(ident) => {
                for got in self.var(scope, &ident.name, ident.span)?.iter() {
                    match got {
                        Got::Val(v) => match v.as_str() {
                            Some(key) => self.key_step(node, path, key, out, &mut None),
                            None => out.push(Got::Missing {
                                at: path,
                                pos: node.pos,
                                miss: Miss::Nothing,
                            }),
                        },
                        missing => out.push(missing.clone()),
                    }
                }
            }
            Step::AllValues(_) => self.all_values(node, path, true, out),
            Step::AllIndices(_) => self.all_values(node, path, false, out),
            Step::Index(index, _) => self.index_step(node, path, *index, out),
            Step::This(_) | Step::Keys(_) => out.push(Got::Val(val)),
            Step::Filter(filter) => self.filter_step(filter, node, path, produced, scope, out)?,
        }
        Ok(())
    }

    /// Steps over values that are not document nodes: deploy-time unknowns stay unknown;
    /// literals stand for themselves under wildcards and filters.
    fn step_opaque(&self, step: &'c Step, val: Val<'c>, out: &mut Vec<Got<'c>>) {
        match (&val, step) {
            (Val::Unknown(_) | Val::Any(_), _) => out.push(Got::Val(val)),
            (_, Step::AllValues(_) | Step::AllIndices(_) | Step::This(_) | Step::Filter(_)) => {
                out.push(Got::Val(val))
            }
            (_, Step::Key(key, _)) => out.push(Got::Missing {
                at: NO_PATH,
                pos: val.pos(),
                miss: Miss::Key(key),
            }),
            _ => out.push(Got::Missing {
                at: NO_PATH,
                pos: val.pos(),
                miss: Miss::Nothing,
            }),
        }
    }

    /// `.key`: a map entry, a list index written as digits, or a parameter at the root. In
    /// the Guard dialect a missing map key is retried in other case styles (`converter` keeps
    /// the style that worked, for the next keys of the chain).
    fn key_step(
        &'c self,
        node: &'c Node,
        path: PathId,
        key: &'c str,
        out: &mut Vec<Got<'c>>,
        converter: &mut Option<Converter>,
    ) {
        match &node.value {
            Value::Map(_) if self.guard_index_key(key) => out.push(Got::Missing {
                at: path,
                pos: node.pos,
                miss: Miss::Key(key),
            }),
            Value::Map(map) => {
                let found = map
                    .get_full(key)
                    .or_else(|| self.retried(map, key, converter));
                if let Some((index, name, child)) = found {
                    let child_path = self.paths.borrow_mut().child(path, Seg::Key(name), index);
                    return self.push_expanded(child, child_path, out);
                }
                if path == ROOT {
                    if let Some((index, name, child)) = self
                        .params
                        .and_then(Node::as_map)
                        .and_then(|p| p.get_full(key))
                    {
                        let child_path = self.paths.borrow_mut().child(ROOT, Seg::Key(name), index);
                        return self.push_expanded(child, child_path, out);
                    }
                }
                out.push(Got::Missing {
                    at: path,
                    pos: node.pos,
                    miss: Miss::Key(key),
                });
            }
            Value::List(_) if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) => {
                self.index_step(node, path, key.parse().unwrap_or(i64::MAX), out);
            }
            _ => out.push(Got::Missing {
                at: path,
                pos: node.pos,
                miss: Miss::Key(key),
            }),
        }
    }

    /// Whether the query being evaluated was written in a Guard-dialect source.
    pub(crate) fn guard_dialect(&self) -> bool {
        self.set.dialect(self.source.get()) == Dialect::Guard
    }

    /// Guard reads `keys` as the map key only in a filter of exactly one clause
    /// (`[ keys == /^a/ ]`); anywhere else it is a plain key named `keys`, which values rarely
    /// have, so `M[ keys == /^a/ or keys == /^b/ ]` selects nothing (SKIP) in Guard.
    fn plain_keys_key(&'c self, this: &Got<'c>) -> Vec<Got<'c>> {
        let mut out = Vec::new();
        match this {
            Got::Val(Val::Doc(node, path)) => {
                self.key_step(node, *path, "keys", &mut out, &mut None)
            }
            Got::Val(val) => out.push(Got::Missing {
                at: NO_PATH,
                pos: val.pos(),
                miss: Miss::Key("keys"),
            }),
            missing => out.push(missing.clone()),
        }
        out
    }

    /// Whether `key` is all digits in the Guard dialect, where it only ever indexes a list
    /// (`M.'200'` finds nothing in the map `{"200": ...}`, as in Guard).
    fn guard_index_key(&self, key: &str) -> bool {
        !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) && self.guard_dialect()
    }

    /// Guard's retry of a missing key in other case styles, in the Guard dialect only.
    fn retried(
        &self,
        map: &'c Map,
        key: &str,
        converter: &mut Option<Converter>,
    ) -> Option<(usize, &'c str, &'c Node)> {
        if !self.guard_dialect() {
            return None;
        }
        let (spelled, used) = retry_key(key, *converter, |k| map.contains_key(k))?;
        *converter = Some(used);
        map.get_full(&spelled)
    }

    /// `*` (`maps_too`) or `[*]`: every element; a scalar stands for itself; an empty
    /// collection is missing.
    fn all_values(&'c self, node: &'c Node, path: PathId, maps_too: bool, out: &mut Vec<Got<'c>>) {
        match &node.value {
            Value::Map(map) if maps_too => {
                if map.is_empty() {
                    return out.push(Got::Missing {
                        at: path,
                        pos: node.pos,
                        miss: Miss::Nothing,
                    });
                }
                for (index, (key, child)) in map.iter().enumerate() {
                    let child_path = self.paths.borrow_mut().child(path, Seg::Key(key), index);
                    self.push_expanded(child, child_path, out);
                }
            }
            Value::List(items) => {
                if items.is_empty() {
                    return out.push(Got::Missing {
                        at: path,
                        pos: node.pos,
                        miss: Miss::Nothing,
                    });
                }
                for (index, child) in items.iter().enumerate() {
                    let child_path =
                        self.paths
                            .borrow_mut()
                            .child(path, Seg::Index(index as u32), index);
                    self.push_expanded(child, child_path, out);
                }
            }
            _ => out.push(Got::Val(Val::Doc(node, path))),
        }
    }

    /// `[3]` or `[-1]` on a list.
    fn index_step(&'c self, node: &'c Node, path: PathId, index: i64, out: &mut Vec<Got<'c>>) {
        let items = node.as_list().unwrap_or_default();
        let position = if index < 0 {
            i64::try_from(items.len()).unwrap_or(i64::MAX) + index
        } else {
            index
        };
        let found = usize::try_from(position)
            .ok()
            .and_then(|p| items.get(p).map(|child| (p, child)));
        match (node.as_list(), found) {
            (Some(_), Some((position, child))) => {
                let child_path =
                    self.paths
                        .borrow_mut()
                        .child(path, Seg::Index(position as u32), position);
                self.push_expanded(child, child_path, out);
            }
            _ => out.push(Got::Missing {
                at: path,
                pos: node.pos,
                miss: Miss::Index(index),
            }),
        }
    }

    /// Pushes a node, or what the [`crate::Expander`] says it stands for.
    pub fn push_expanded(&'c self, node: &'c Node, path: PathId, out: &mut Vec<Got<'c>>) {
        self.expand_into(node, path, out, 0);
    }

    /// Alternatives are expanded again (`!If [c, !Ref Free, Disabled]`), up to a depth that
    /// no real template reaches, so a misbehaving expander cannot loop.
    fn expand_into(&'c self, node: &'c Node, path: PathId, out: &mut Vec<Got<'c>>, depth: usize) {
        const MAX_EXPANSION_DEPTH: usize = 16;
        let expansion = match self.expander {
            Some(expander) if depth < MAX_EXPANSION_DEPTH => expander.expand(self.root, node),
            _ => None,
        };
        let Some(expansion) = expansion else {
            return out.push(Got::Val(Val::Doc(node, path)));
        };
        match expansion {
            Expansion::Alternatives(alternatives) => {
                for alternative in alternatives {
                    match alternative.node {
                        Some(alt) => self.expand_into(alt, path, out, depth + 1),
                        None => out.push(Got::Missing {
                            at: path,
                            pos: node.pos,
                            miss: Miss::NoValue,
                        }),
                    }
                }
            }
            Expansion::Unknown { why } => {
                let deferred = Deferred::new(node, path, why);
                out.push(Got::Val(Val::Unknown(Rc::new(deferred))))
            }
            Expansion::DeployTimeString {
                why,
                shape,
                meets_allow_lists,
            } => {
                let deferred = Deferred {
                    string: Some(shape.map(Rc::from)),
                    meets_allow_lists,
                    ..Deferred::new(node, path, why)
                };
                out.push(Got::Val(Val::Unknown(Rc::new(deferred))))
            }
            Expansion::Any { why, may_be_empty } => {
                let deferred = Deferred {
                    may_be_empty,
                    ..Deferred::new(node, path, why)
                };
                out.push(Got::Val(Val::Any(Rc::new(deferred))))
            }
        }
    }

    /// `[ name | conditions ]` or `[ keys == /re/ ]`: keeps the candidates whose conditions PASS.
    fn filter_step(
        &'c self,
        filter: &'c Filter,
        node: &'c Node,
        path: PathId,
        produced: Produced,
        scope: &Scope<'_, 'c>,
        out: &mut Vec<Got<'c>>,
    ) -> EvalResult<()> {
        let by_key = uses_keys(filter) && (!self.guard_dialect() || single_clause(filter));
        let needs_key = by_key || filter.capture.is_some();
        let look_inside = produced == Produced::Single || by_key;
        match &node.value {
            Value::Map(map) if look_inside => {
                for (index, (key, child)) in map.iter().enumerate() {
                    let child_path = self.paths.borrow_mut().child(path, Seg::Key(key), index);
                    self.filter_candidate(filter, child, child_path, needs_key, scope, out)?;
                }
            }
            Value::List(items) => {
                for (index, child) in items.iter().enumerate() {
                    let child_path =
                        self.paths
                            .borrow_mut()
                            .child(path, Seg::Index(index as u32), index);
                    self.filter_candidate(filter, child, child_path, needs_key, scope, out)?;
                }
            }
            _ => self.filter_candidate(filter, node, path, needs_key, scope, out)?,
        }
        Ok(())
    }

    fn filter_candidate(
        &'c self,
        filter: &'c Filter,
        node: &'c Node,
        path: PathId,
        needs_key: bool,
        scope: &Scope<'_, 'c>,
        out: &mut Vec<Got<'c>>,
    ) -> EvalResult<()> {
        if self.expander.is_none() {
            let got = Got::Val(Val::Doc(node, path));
            if self.keeps(filter, &got, needs_key, scope)? {
                out.push(got);
            }
            return Ok(());
        }
        let mut expanded = Vec::new();
        self.push_expanded(node, path, &mut expanded);
        for got in expanded {
            if self.keeps(filter, &got, needs_key, scope)? {
                out.push(got);
            }
        }
        Ok(())
    }

    pub(crate) fn keeps(
        &'c self,
        filter: &'c Filter,
        got: &Got<'c>,
        needs_key: bool,
        scope: &Scope<'_, 'c>,
    ) -> EvalResult<bool> {
        let Got::Val(val) = got else {
            return Ok(false);
        };
        let mut inner = Scope::new(Some(scope), got.clone(), None);
        if needs_key {
            let key = self.capture_key(val);
            inner.key = key.first().and_then(|k| match k {
                Got::Val(v) => Some(v.clone()),
                Got::Missing { .. } => None,
            });
            if let Some(capture) = &filter.capture {
                let bound: Rc<[Got<'c>]> = key.into();
                inner.bound.push((capture.name.as_str(), bound));
            }
        }
        let status = self.conditioning(|| {
            self.quietly(false, false, || self.conjunction(&filter.conds, &inner))
        })?;
        Ok(status == Status::Pass)
    }

    /// One line of a filter on one candidate, as [`Ctx::keeps`] judges it (no key, no
    /// capture): nothing recorded, no resource touched.
    pub(crate) fn judge_quietly(
        &'c self,
        line: &'c Disjunction,
        got: &Got<'c>,
        scope: &Scope<'_, 'c>,
    ) -> EvalResult<Status> {
        let inner = Scope::new(Some(scope), got.clone(), None);
        self.conditioning(|| self.quietly(false, false, || self.disjunction(line, &inner)))
    }
}

/// Whether a filter is one clause without alternatives (Guard's map-key filter shape).
fn single_clause(filter: &Filter) -> bool {
    matches!(filter.conds.clauses.as_slice(), [only] if only.clauses.len() == 1)
}

/// Whether a filter tests map keys (`[ keys == /Kms/ ]`).
fn uses_keys(filter: &Filter) -> bool {
    filter.conds.clauses.iter().flat_map(|d| d.clauses.iter()).any(|clause| match clause {
        Clause::Check(check) => {
            matches!(&check.lhs, Expr::Query(q) if matches!(q.steps.first(), Some(Step::Keys(_))))
        }
        _ => false,
    })
}
