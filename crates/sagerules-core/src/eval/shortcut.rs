//! Shortcuts for the two query shapes nearly every CloudFormation rule uses, with results
//! identical to the general path (`tests/differential/` checks both):
//!
//! - `Resources.*[ Type == 'AWS::X::Y' ]` (and type blocks): answered from an index of
//!   `/Resources` by type, built once per document, instead of one pass over every resource
//!   per rule;
//! - `%file_let.Key...`: the first key step after a file-scope variable is remembered, so
//!   eight rules over `%notebooks.Properties` look `Properties` up once per notebook.

use foldhash::HashMap;
use std::rc::Rc;

use crate::ast::{Clause, CmpOp, Expr, Filter, LiteralKind, OpKind, Step};
use crate::eval::engine::{Ctx, Scope};
use crate::eval::value::{lookup, Got, Miss, Seg, Val, ROOT};

/// Remembered `%file_let.Key` results, by file-let index and key.
pub(crate) type LetSteps<'c> = HashMap<(usize, &'c str), Rc<[Got<'c>]>>;

/// `/Resources` by `Type`.
pub(crate) enum TypeIndex<'c> {
    /// The shortcut does not apply (the expander rewrites a resource or its `Type`, or the
    /// parameters hold `Resources`): use the general path.
    Unusable,
    /// What `Resources.*` gives when there is nothing to iterate (`Resources` missing, or `{}`).
    Nothing(Got<'c>),
    ByType(HashMap<&'c str, Vec<Got<'c>>>),
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
        let Some((at, key, resources)) = lookup(root, "Resources") else {
            return TypeIndex::Nothing(Got::Missing {
                at: ROOT,
                pos: self.root.pos,
                miss: Miss::Key("Resources"),
            });
        };
        let path = self.paths.borrow_mut().child(ROOT, Seg::Key(key), at);
        let Some(map) = resources.as_map() else {
            return TypeIndex::ByType(HashMap::default());
        };
        if map.is_empty() {
            return TypeIndex::Nothing(Got::Missing {
                at: path,
                pos: resources.pos,
                miss: Miss::Nothing,
            });
        }
        let mut by_type: HashMap<&'c str, Vec<Got<'c>>> = HashMap::default();
        for (index, (id, resource)) in map.iter().enumerate() {
            if self.expands(resource) {
                return TypeIndex::Unusable;
            }
            let Some((_, _, type_node)) = resource.as_map().and_then(|m| lookup(m, "Type")) else {
                continue;
            };
            if self.expands(type_node) {
                return TypeIndex::Unusable;
            }
            let Some(type_name) = type_node.as_str() else {
                continue;
            };
            let resource_path = self.paths.borrow_mut().child(path, Seg::Key(id), index);
            by_type
                .entry(type_name)
                .or_default()
                .push(Got::Val(Val::Doc(resource, resource_path)));
        }
        TypeIndex::ByType(by_type)
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
            TypeIndex::ByType(by_type) => Some(by_type.get(type_name).cloned().unwrap_or_default()),
        }
    }

    /// `Resources.*[ Type == 'X' ]` at the root: the values and the remaining steps.
    pub fn typed_query(
        &'c self,
        steps: &'c [Step],
        scope: &Scope<'_, 'c>,
    ) -> Option<(Vec<Got<'c>>, &'c [Step])> {
        let [Step::Key(resources, _), Step::AllValues(_), Step::Filter(filter), rest @ ..] = steps
        else {
            return None;
        };
        if resources != "Resources" || scope.this.path() != ROOT {
            return None;
        }
        let type_name = type_equality(filter)?;
        match &*self.type_index() {
            TypeIndex::Unusable => None,
            TypeIndex::Nothing(missing) => Some((vec![missing.clone()], rest)),
            TypeIndex::ByType(by_type) => {
                Some((by_type.get(type_name).cloned().unwrap_or_default(), rest))
            }
        }
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

/// `[ Type == 'X' ]` (one clause, no capture, no negation): `X`.
fn type_equality(filter: &Filter) -> Option<&str> {
    if filter.capture.is_some() {
        return None;
    }
    let [disjunction] = filter.conds.clauses.as_slice() else {
        return None;
    };
    let [Clause::Check(check)] = disjunction.clauses.as_slice() else {
        return None;
    };
    if check.not || check.some || check.op.negated {
        return None;
    }
    let OpKind::Binary(CmpOp::Eq, rhs) = &check.op.kind else {
        return None;
    };
    let (Expr::Query(lhs), Expr::Literal(literal)) = (&check.lhs, rhs.as_ref()) else {
        return None;
    };
    match (lhs.steps.as_slice(), &literal.kind) {
        ([Step::Key(key, _)], LiteralKind::String(type_name)) if key == "Type" => Some(type_name),
        _ => None,
    }
}
