//! The evaluation context: the borrowed document, the path arena, caches (file `let`s, rule
//! outcomes), and the recorder that collects findings and reached resources for the rule
//! being evaluated.
//!
//! Two switches keep the passing path cheap: `collect` (build [`Finding`]s) is off inside
//! filters, `when` conditions and the first try of a disjunction or `some`; `touch` (mark the
//! resources a rule reached) is off inside filters and `when` conditions.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use sagerules_data::{Map, Node};
use typed_arena::Arena;

use crate::ast::{Block, BlockItem, Expr, Let, Span};
use crate::eval::value::{Got, Paths, Val, ROOT};
use crate::eval::Expander;
use crate::report::{EvalError, Finding, Status};
use crate::ruleset::{Lit, RuleBody, RuleSet};
use crate::SourceId;

/// A finding and the resource it belongs to (`0` for none, `i + 1` for the `i`-th resource).
#[derive(Clone, Debug)]
pub(crate) struct Noted {
    pub res: u32,
    pub finding: Finding,
    /// Undecidable rather than failing.
    pub unknown: bool,
}

/// What one rule's evaluation left behind.
#[derive(Default)]
pub(crate) struct Recorder {
    pub findings: Vec<Noted>,
    /// `touched[res]`: the rule checked a value of that resource (index 0: the document).
    pub touched: Vec<bool>,
}

/// A rule's cached result.
#[derive(Clone)]
pub(crate) struct RuleOutcome {
    pub status: Result<Status, EvalError>,
    /// See [`Ctx::poisoned`]; rules referring to this one are poisoned too.
    pub poisoned: bool,
    pub findings: Rc<Vec<Noted>>,
    pub touched: Rc<Vec<bool>>,
}

/// A runtime failure before it is attributed to a rule.
pub(crate) type EvalResult<T> = Result<T, RuntimeError>;

#[derive(Clone, Debug)]
pub(crate) struct RuntimeError {
    pub message: String,
    pub source: SourceId,
    pub span: Span,
}

pub(crate) struct Ctx<'c> {
    pub set: &'c RuleSet,
    pub root: &'c Node,
    pub params: Option<&'c Node>,
    pub expander: Option<&'c dyn Expander>,
    pub resources: Option<&'c Map>,
    pub paths: RefCell<Paths<'c>>,
    pub arena: Arena<Node>,
    pub file_lets: RefCell<Vec<Option<Rc<[Got<'c>]>>>>,
    pub rules: RefCell<Vec<Option<RuleOutcome>>>,
    /// `/Resources` grouped by `Type`, built on first use (see [`crate::eval::shortcut`]).
    pub type_index: RefCell<Option<Rc<crate::eval::shortcut::TypeIndex<'c>>>>,
    /// `%file_let.Key` results, by file-let index and key.
    pub let_steps: RefCell<crate::eval::shortcut::LetSteps<'c>>,
    pub recorder: RefCell<Recorder>,
    /// One shared copy of each resource type and message text a report repeats: the 60,000
    /// results of a 20k-resource template name four types, its 20,000 findings three messages.
    pub shared_texts: RefCell<foldhash::HashSet<Arc<str>>>,
    pub collect: Cell<bool>,
    pub touch: Cell<bool>,
    pub source: Cell<SourceId>,
    /// Evaluating a `when` condition, where a SKIPped rule counts as failed, so
    /// `when not skipped_rule` holds (Guard).
    pub in_when: Cell<bool>,
    /// Evaluating a `when` condition or a filter, where a freely chosen value may be made to
    /// meet the condition ([`crate::Expander::free_values_meet_conditions`]).
    pub conditioning: Cell<bool>,
    /// The rule being evaluated applied `empty` / `!empty` to a number, boolean or null,
    /// anywhere (a check, a filter, a `when`, a rule it refers to): Guard 3.2.1 then reports
    /// the rule as FAIL whatever else it says.
    pub poisoned: Cell<bool>,
}

/// Variables and `this` for a block, a rule body, or one element of a filter.
pub(crate) struct Scope<'s, 'c> {
    pub parent: Option<&'s Scope<'s, 'c>>,
    pub this: Got<'c>,
    /// The key of the element being filtered (`keys`).
    pub key: Option<Val<'c>>,
    /// The block whose `let`s are visible here.
    pub block: Option<&'c Block>,
    /// Results of this block's `let`s, by item index, resolved on first use.
    pub cache: RefCell<Vec<Option<Rc<[Got<'c>]>>>>,
    /// Parameters of a called rule, capture names.
    pub bound: Vec<(&'c str, Rc<[Got<'c>]>)>,
}

impl<'s, 'c> Scope<'s, 'c> {
    pub fn new(parent: Option<&'s Scope<'s, 'c>>, this: Got<'c>, block: Option<&'c Block>) -> Self {
        Self {
            parent,
            this,
            key: None,
            block,
            cache: RefCell::new(Vec::new()),
            bound: Vec::new(),
        }
    }
}

impl<'c> Ctx<'c> {
    pub fn new(
        set: &'c RuleSet,
        root: &'c Node,
        params: Option<&'c Node>,
        expander: Option<&'c dyn Expander>,
    ) -> Self {
        let resources = root.get("Resources").and_then(Node::as_map);
        Ctx {
            set,
            root,
            params,
            expander,
            resources,
            paths: RefCell::new(Paths::new()),
            arena: Arena::new(),
            file_lets: RefCell::new(vec![None; set.file_lets.len()]),
            rules: RefCell::new(vec![None; set.rules.len()]),
            type_index: RefCell::new(None),
            let_steps: RefCell::new(foldhash::HashMap::default()),
            recorder: RefCell::new(Recorder::default()),
            shared_texts: RefCell::new(foldhash::HashSet::default()),
            collect: Cell::new(true),
            touch: Cell::new(true),
            source: Cell::new(SourceId(0)),
            in_when: Cell::new(false),
            conditioning: Cell::new(false),
            poisoned: Cell::new(false),
        }
    }

    /// The shared copy of `text` (a resource type, a message).
    pub fn shared(&self, text: &str) -> Arc<str> {
        let mut texts = self.shared_texts.borrow_mut();
        if let Some(known) = texts.get(text) {
            return known.clone();
        }
        let new: Arc<str> = Arc::from(text);
        texts.insert(new.clone());
        new
    }

    pub fn root_val(&self) -> Got<'c> {
        Got::Val(Val::Doc(self.root, ROOT))
    }

    /// Keeps a computed value for the rest of the evaluation.
    pub fn alloc(&'c self, node: Node) -> &'c Node {
        self.arena.alloc(node)
    }

    pub fn error(&self, span: Span, message: impl Into<String>) -> RuntimeError {
        RuntimeError {
            message: message.into(),
            source: self.source.get(),
            span,
        }
    }

    /// Runs `f` as a condition (a `when` or a filter), see [`Ctx::conditioning`].
    pub fn conditioning<T>(&self, f: impl FnOnce() -> T) -> T {
        let saved = self.conditioning.replace(true);
        let out = f();
        self.conditioning.set(saved);
        out
    }

    /// Whether a freely chosen value meets the condition being evaluated.
    pub fn free_value_holds(&self) -> bool {
        self.conditioning.get()
            && self
                .expander
                .is_some_and(|e| e.free_values_meet_conditions())
    }

    /// Runs `f` with the two recording switches set (each only ever turned off).
    pub fn quietly<T>(&self, collect: bool, touch: bool, f: impl FnOnce() -> T) -> T {
        let (old_collect, old_touch) = (self.collect.get(), self.touch.get());
        self.collect.set(old_collect && collect);
        self.touch.set(old_touch && touch);
        let out = f();
        self.collect.set(old_collect);
        self.touch.set(old_touch);
        out
    }

    fn resource_count(&self) -> usize {
        self.resources.map_or(0, Map::len) + 1
    }

    /// Marks the resource of `path` as reached by the current rule.
    pub fn touch_path(&self, path: u32) {
        if !self.touch.get() {
            return;
        }
        let res = self.paths.borrow().resource(path) as usize;
        let mut recorder = self.recorder.borrow_mut();
        if let Some(slot) = recorder.touched.get_mut(res) {
            *slot = true;
        }
    }

    pub fn note(&self, res: u32, finding: Finding, unknown: bool) {
        self.recorder.borrow_mut().findings.push(Noted {
            res,
            finding,
            unknown,
        });
    }

    /// The cached outcome of a (non-parameterized) rule, evaluating it on first use.
    pub fn rule_outcome(&'c self, index: usize) -> RuleOutcome {
        if let Some(Some(done)) = self.rules.borrow().get(index) {
            return done.clone();
        }
        let fresh = Recorder {
            findings: Vec::new(),
            touched: vec![false; self.resource_count()],
        };
        let saved = self.recorder.replace(fresh);
        let saved_source = self.source.get();
        let (saved_collect, saved_touch) = (self.collect.replace(true), self.touch.replace(true));
        let saved_when = (self.in_when.replace(false), self.poisoned.replace(false));
        let status = self.run_rule(index);
        let poisoned = self.poisoned.get();
        let status = status.map(|s| if poisoned { Status::Fail } else { s });
        self.in_when.set(saved_when.0);
        self.poisoned.set(saved_when.1);
        self.collect.set(saved_collect);
        self.touch.set(saved_touch);
        self.source.set(saved_source);
        let recorder = self.recorder.replace(saved);
        let outcome = RuleOutcome {
            status: status.map_err(|e| self.rule_error(index, e)),
            poisoned,
            findings: Rc::new(recorder.findings),
            touched: Rc::new(recorder.touched),
        };
        if let Some(slot) = self.rules.borrow_mut().get_mut(index) {
            *slot = Some(outcome.clone());
        }
        outcome
    }

    /// The outcome of rule `index` for its report. Unless another rule refers to it, it
    /// leaves the cache, so its findings are moved into the report rather than held twice.
    pub fn reported_outcome(&'c self, index: usize) -> RuleOutcome {
        let outcome = self.rule_outcome(index);
        if !self.set.referenced.get(index).copied().unwrap_or(true) {
            if let Some(slot) = self.rules.borrow_mut().get_mut(index) {
                *slot = None;
            }
        }
        outcome
    }

    fn rule_error(&self, index: usize, error: RuntimeError) -> EvalError {
        EvalError {
            rule: self
                .set
                .rules
                .get(index)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            message: error.message,
            source_id: error.source,
            span: error.span,
        }
    }

    fn run_rule(&'c self, index: usize) -> EvalResult<Status> {
        let Some(rule) = self.set.rules.get(index) else {
            return Ok(Status::Skip);
        };
        self.source.set(rule.source);
        match rule.body {
            RuleBody::Default => self.run_default(),
            RuleBody::Named { .. } => {
                let Some(ast) = self.set.rule_ast(rule.body) else {
                    return Ok(Status::Skip);
                };
                let scope = Scope::new(None, self.root_val(), Some(&ast.body));
                self.rule_body(ast, &scope)
            }
        }
    }

    /// `when` conditions, then the body.
    pub fn rule_body(
        &'c self,
        ast: &'c crate::ast::Rule,
        scope: &Scope<'_, 'c>,
    ) -> EvalResult<Status> {
        if let Some(when) = &ast.when {
            let condition = self.condition(when, scope)?;
            if condition != Status::Pass {
                return Ok(Status::Skip);
            }
        }
        self.block(&ast.body, scope)
    }

    /// A `when` condition: nothing recorded, and a SKIPped rule reference counts as failed.
    pub fn condition(
        &'c self,
        when: &'c crate::ast::Conjunction,
        scope: &Scope<'_, 'c>,
    ) -> EvalResult<Status> {
        let saved = self.in_when.replace(true);
        let status =
            self.conditioning(|| self.quietly(false, false, || self.conjunction(when, scope)));
        self.in_when.set(saved);
        status
    }

    fn run_default(&'c self) -> EvalResult<Status> {
        let scope = Scope::new(None, self.root_val(), None);
        let mut statuses = Vec::with_capacity(self.set.default_clauses.len());
        for &(file, item) in &self.set.default_clauses {
            let Some(crate::ast::Item::Clause(clause)) =
                self.set.files.get(file).and_then(|f| f.items.get(item))
            else {
                continue;
            };
            self.source.set(SourceId(file as u32));
            statuses.push(self.disjunction(clause, &scope)?);
        }
        Ok(and_all(statuses))
    }

    /// The values of `%name` as seen from `scope`.
    pub fn var(
        &'c self,
        scope: &Scope<'_, 'c>,
        name: &str,
        span: Span,
    ) -> EvalResult<Rc<[Got<'c>]>> {
        let mut at = Some(scope);
        while let Some(current) = at {
            if let Some((_, values)) = current.bound.iter().find(|(n, _)| *n == name) {
                return Ok(values.clone());
            }
            if let Some(found) = self.block_let(current, name)? {
                return Ok(found);
            }
            at = current.parent;
        }
        if name == crate::ruleset::THIS_VAR && !self.set.lets_by_name.contains_key(name) {
            return Ok(Rc::from([scope.this.clone()]));
        }
        self.file_let(name, span)
    }

    fn block_let(&'c self, scope: &Scope<'_, 'c>, name: &str) -> EvalResult<Option<Rc<[Got<'c>]>>> {
        let Some(block) = scope.block else {
            return Ok(None);
        };
        let found = block
            .items
            .iter()
            .enumerate()
            .find_map(|(i, item)| match item {
                BlockItem::Let(binding) if binding.name.name == name => Some((i, binding)),
                _ => None,
            });
        let Some((index, binding)) = found else {
            return Ok(None);
        };
        if let Some(Some(cached)) = scope.cache.borrow().get(index) {
            return Ok(Some(cached.clone()));
        }
        let values: Rc<[Got<'c>]> = self
            .quietly(false, false, || self.let_values(binding, scope))?
            .into();
        let mut cache = scope.cache.borrow_mut();
        if cache.len() <= index {
            cache.resize(index + 1, None);
        }
        if let Some(slot) = cache.get_mut(index) {
            *slot = Some(values.clone());
        }
        Ok(Some(values))
    }

    /// A file-scope `let`: the current file's first, else any file's.
    fn file_let(&'c self, name: &str, span: Span) -> EvalResult<Rc<[Got<'c>]>> {
        let candidates = self
            .set
            .lets_by_name
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let current = self.source.get().0 as usize;
        let index = candidates
            .iter()
            .copied()
            .find(|&i| {
                self.set
                    .file_lets
                    .get(i)
                    .is_some_and(|(file, _)| *file == current)
            })
            .or_else(|| candidates.first().copied())
            .ok_or_else(|| self.error(span, format!("unknown variable `%{name}`")))?;
        if let Some(Some(cached)) = self.file_lets.borrow().get(index) {
            return Ok(cached.clone());
        }
        let (file, item) = self.set.file_lets.get(index).copied().unwrap_or_default();
        let Some(crate::ast::Item::Let(binding)) =
            self.set.files.get(file).and_then(|f| f.items.get(item))
        else {
            return Err(self.error(span, format!("unknown variable `%{name}`")));
        };
        let saved = self.source.replace(SourceId(file as u32));
        let scope = Scope::new(None, self.root_val(), None);
        let values = self.quietly(false, false, || self.let_values(binding, &scope));
        self.source.set(saved);
        let values: Rc<[Got<'c>]> = values?.into();
        if let Some(slot) = self.file_lets.borrow_mut().get_mut(index) {
            *slot = Some(values.clone());
        }
        Ok(values)
    }

    /// A `let`'s values. `let x = some Resources.*.Properties.Tags` keeps only the paths that
    /// resolve, so a resource without `Tags` is left out instead of making `%x` fail.
    fn let_values(&'c self, binding: &'c Let, scope: &Scope<'_, 'c>) -> EvalResult<Vec<Got<'c>>> {
        let mut values = self.expr(&binding.value, scope)?;
        if binding.some {
            values.retain(|got| !matches!(got, Got::Missing { .. }));
        }
        Ok(values)
    }

    /// An operand's values: a query's results, a literal, or a function's results.
    pub fn expr(&'c self, expr: &'c Expr, scope: &Scope<'_, 'c>) -> EvalResult<Vec<Got<'c>>> {
        match expr {
            Expr::Query(query) => self.query(query, scope),
            Expr::Literal(literal) => match self.compiled(literal) {
                Some(lit) => Ok(vec![Got::Val(crate::eval::compare::lit_val(lit))]),
                None => Err(self.error(literal.span, "internal: literal was not compiled")),
            },
            Expr::Call(call) => self.call(call, scope),
        }
    }

    /// The compiled form of a literal of the rule set (they are keyed by address).
    pub(crate) fn compiled(&self, literal: &crate::ast::Literal) -> Option<&'c Lit> {
        self.set
            .lits
            .get(&(literal as *const crate::ast::Literal as usize))
    }
}

/// Newline-joined clauses: any FAIL fails; otherwise any PASS passes; all SKIP skips.
pub(crate) fn and_all(statuses: impl IntoIterator<Item = Status>) -> Status {
    let mut out = Status::Skip;
    for status in statuses {
        match status {
            Status::Fail => return Status::Fail,
            Status::Pass => out = Status::Pass,
            Status::Skip => {}
        }
    }
    out
}
