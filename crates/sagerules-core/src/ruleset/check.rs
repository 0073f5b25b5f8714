//! The build-time walk over every rule: resolves rule references and variables in their
//! scopes, checks call arities, compiles literals, and finds dependency cycles.

use foldhash::HashMap;

use crate::ast::{
    Block, BlockItem, Call, Clause, Conjunction, Disjunction, Expr, Ident, Item, Literal,
    LiteralKind, Message, MessagePart, OpKind, Query, RuleRef, Step,
};
use crate::ruleset::lit::{self, Lit};
use crate::ruleset::{did_you_mean, CompileError, RuleBody, RuleSet};
use crate::SourceId;

/// What the walk produced.
pub(crate) struct Checked {
    pub errors: Vec<CompileError>,
    pub lits: HashMap<usize, Lit>,
    /// `referenced[i]`: some clause (in a rule or outside one) refers to rule `i` by name.
    pub referenced: Vec<bool>,
}

/// `%this` (in messages: `{{%this.Properties.Name}}`) is the block's current value.
pub(crate) const THIS_VAR: &str = "this";

/// The built-in functions and how many arguments each takes.
pub(crate) const FUNCTIONS: [(&str, usize); 16] = [
    ("count", 1),
    ("join", 2),
    ("json_parse", 1),
    ("regex_replace", 3),
    ("substring", 3),
    ("to_lower", 1),
    ("to_upper", 1),
    ("url_decode", 1),
    ("parse_int", 1),
    ("parse_float", 1),
    ("parse_boolean", 1),
    ("parse_string", 1),
    ("parse_char", 1),
    ("parse_epoch", 1),
    ("now", 0),
    ("referenced_ids", 1),
];

pub(crate) fn check(set: &RuleSet) -> Checked {
    let mut walker = Walker {
        set,
        source: SourceId(0),
        scopes: Vec::new(),
        errors: Vec::new(),
        lits: HashMap::default(),
        edges: Vec::new(),
        referenced: vec![false; set.rules.len()],
    };
    walker.walk_all();
    let cycles = find_cycles(set, &walker.edges);
    walker.errors.extend(cycles);
    Checked {
        errors: walker.errors,
        lits: walker.lits,
        referenced: walker.referenced,
    }
}

struct Walker<'s> {
    set: &'s RuleSet,
    source: SourceId,
    /// Variable names visible, innermost last. File-scope lets are looked up separately.
    scopes: Vec<Vec<&'s str>>,
    errors: Vec<CompileError>,
    lits: HashMap<usize, Lit>,
    /// Rule dependencies `(from rule index, to rule index, where)`, for cycle detection.
    edges: Vec<(usize, usize, SourceId, crate::ast::Span)>,
    referenced: Vec<bool>,
}

impl<'s> Walker<'s> {
    fn walk_all(&mut self) {
        for (file, parsed) in self.set.files.iter().enumerate() {
            self.source = SourceId(file as u32);
            for (item, entry) in parsed.items.iter().enumerate() {
                match entry {
                    Item::Let(binding) => self.expr(&binding.value, None),
                    Item::Clause(clause) => {
                        let current = self.set.rule_index(crate::ruleset::DEFAULT_RULE);
                        self.disjunction(clause, current);
                    }
                    Item::Rule(rule) => {
                        let current = self.set.rule_index(&rule.name.name).filter(|&i| {
                            self.set
                                .rules
                                .get(i)
                                .is_some_and(|r| r.body == RuleBody::Named { file, item })
                        });
                        self.scopes
                            .push(rule.params.iter().map(|p| p.name.as_str()).collect());
                        if let Some(when) = &rule.when {
                            self.scopes.push(block_lets(&rule.body));
                            self.conjunction(when, current);
                            self.scopes.pop();
                        }
                        self.block(&rule.body, current);
                        self.scopes.pop();
                    }
                    Item::Include(_) => {}
                }
            }
        }
    }

    fn block(&mut self, block: &'s Block, current: Option<usize>) {
        self.scopes.push(block_lets(block));
        for item in &block.items {
            match item {
                BlockItem::Let(binding) => self.expr(&binding.value, current),
                BlockItem::Clause(clause) => self.disjunction(clause, current),
            }
        }
        self.scopes.pop();
    }

    fn conjunction(&mut self, conj: &'s Conjunction, current: Option<usize>) {
        for clause in &conj.clauses {
            self.disjunction(clause, current);
        }
    }

    fn disjunction(&mut self, disj: &'s Disjunction, current: Option<usize>) {
        for clause in &disj.clauses {
            self.clause(clause, current);
        }
    }

    fn clause(&mut self, clause: &'s Clause, current: Option<usize>) {
        match clause {
            Clause::Check(check) => {
                let captures = self.expr_captures(&check.lhs, current);
                self.scopes.push(captures);
                if let OpKind::Binary(_, rhs) = &check.op.kind {
                    self.expr(rhs, current);
                }
                self.message(check.message.as_ref(), current);
                self.scopes.pop();
            }
            Clause::RuleRef(rule_ref) => self.rule_ref(rule_ref, current),
            Clause::QueryBlock(qb) => {
                let captures = self.query(&qb.query, current);
                self.scopes.push(captures);
                self.block(&qb.body, current);
                self.message(qb.message.as_ref(), current);
                self.scopes.pop();
            }
            Clause::TypeBlock(tb) => {
                if let Some(when) = &tb.when {
                    self.conjunction(when, current);
                }
                self.block(&tb.body, current);
            }
            Clause::WhenBlock(wb) => {
                self.conjunction(&wb.when, current);
                self.block(&wb.body, current);
            }
        }
    }

    fn message(&mut self, message: Option<&'s Message>, current: Option<usize>) {
        for part in message.iter().flat_map(|m| m.parts.iter()) {
            if let MessagePart::Var(query) = part {
                self.query(query, current);
            }
        }
    }

    fn rule_ref(&mut self, rule_ref: &'s RuleRef, current: Option<usize>) {
        let name = &rule_ref.name;
        for arg in rule_ref.args.iter().flatten() {
            self.expr(arg, current);
        }
        self.message(rule_ref.message.as_ref(), current);
        let Some(target) = self.set.rule_index(&name.name) else {
            self.unknown_rule(name);
            return;
        };
        if let Some(seen) = self.referenced.get_mut(target) {
            *seen = true;
        }
        if let Some(from) = current {
            self.edges.push((from, target, self.source, name.span));
        }
        let params = self
            .set
            .rules
            .get(target)
            .and_then(|r| self.set.rule_ast(r.body))
            .map_or(0, |r| r.params.len());
        let given = rule_ref.args.as_ref().map_or(0, Vec::len);
        if params != given {
            let error = CompileError::new(
                self.source,
                rule_ref.span,
                format!(
                    "rule `{}` takes {params} argument(s) but {given} were given",
                    name.name
                ),
            );
            self.errors.push(if params > 0 && rule_ref.args.is_none() {
                error.with_hint(format!("call it with arguments: `{}(...)`", name.name))
            } else {
                error
            });
        }
    }

    fn unknown_rule(&mut self, name: &Ident) {
        let error = CompileError::new(
            self.source,
            name.span,
            format!("unknown rule `{}`", name.name),
        );
        let names = self.set.rules.iter().map(|r| r.name.as_str());
        self.errors.push(match did_you_mean(&name.name, names) {
            Some(best) => error.with_hint(format!("did you mean `{best}`?")),
            None => error.with_hint(
                "rules from every included file share one namespace; is an `include` missing?",
            ),
        });
    }

    /// Checks an expression; returns the capture names its query binds.
    fn expr_captures(&mut self, expr: &'s Expr, current: Option<usize>) -> Vec<&'s str> {
        match expr {
            Expr::Query(query) => self.query(query, current),
            other => {
                self.expr(other, current);
                Vec::new()
            }
        }
    }

    fn expr(&mut self, expr: &'s Expr, current: Option<usize>) {
        match expr {
            Expr::Query(query) => {
                self.query(query, current);
            }
            Expr::Literal(literal) => self.literal(literal),
            Expr::Call(call) => self.call(call, current),
        }
    }

    fn literal(&mut self, literal: &'s Literal) {
        match lit::compile(literal, self.set.dialect(self.source)) {
            Ok(compiled) => {
                self.lits
                    .insert(literal as *const Literal as usize, compiled);
            }
            Err(error) => {
                let mut compile_error = CompileError::new(self.source, literal.span, error.message);
                compile_error.hint = error.hint;
                self.errors.push(compile_error);
            }
        }
    }

    fn call(&mut self, call: &'s Call, current: Option<usize>) {
        let name = call.name.name.as_str();
        match FUNCTIONS.iter().find(|(f, _)| *f == name) {
            None => {
                let error = CompileError::new(
                    self.source,
                    call.name.span,
                    format!("unknown function `{name}`"),
                );
                self.errors.push(
                    match did_you_mean(name, FUNCTIONS.iter().map(|(f, _)| *f)) {
                        Some(best) => error.with_hint(format!("did you mean `{best}`?")),
                        None => error.with_hint(format!(
                            "functions are: {}",
                            FUNCTIONS
                                .iter()
                                .map(|(f, _)| *f)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    },
                );
            }
            Some((_, arity)) if *arity != call.args.len() => {
                self.errors.push(CompileError::new(
                    self.source,
                    call.span,
                    format!(
                        "`{name}` takes {arity} argument(s) but {} were given",
                        call.args.len()
                    ),
                ));
            }
            Some(_) => {}
        }
        for (index, arg) in call.args.iter().enumerate() {
            match arg {
                Expr::Literal(literal) if name == "regex_replace" && index == 1 => {
                    self.pattern_arg(literal)
                }
                other => self.expr(other, current),
            }
        }
    }

    /// `regex_replace(s, "pattern", "with")`: a literal pattern is compiled now.
    fn pattern_arg(&mut self, literal: &'s Literal) {
        let pattern = match &literal.kind {
            LiteralKind::String(s) | LiteralKind::Regex(s) => s,
            _ => return self.literal(literal),
        };
        match lit::compile_regex(pattern) {
            Ok(regex) => {
                self.lits.insert(
                    literal as *const Literal as usize,
                    Lit::Regex(lit::Pattern::Linear(regex)),
                );
            }
            Err(error) => {
                let mut compile_error = CompileError::new(self.source, literal.span, error.message);
                compile_error.hint = error.hint;
                self.errors.push(compile_error);
            }
        }
    }

    /// Checks a query's variables and filters; returns the names its filters capture.
    fn query(&mut self, query: &'s Query, current: Option<usize>) -> Vec<&'s str> {
        let mut captures = Vec::new();
        for step in &query.steps {
            match step {
                Step::Var(ident)
                    if !self.var_visible(&ident.name)
                        && !captures.contains(&ident.name.as_str()) =>
                {
                    self.unknown_var(ident);
                }
                Step::Filter(filter) => {
                    if let Some(capture) = &filter.capture {
                        captures.push(capture.name.as_str());
                    }
                    self.scopes.push(captures.clone());
                    self.conjunction(&filter.conds, current);
                    self.scopes.pop();
                }
                _ => {}
            }
        }
        captures
    }

    fn var_visible(&self, name: &str) -> bool {
        name == THIS_VAR
            || self.scopes.iter().any(|scope| scope.contains(&name))
            || self.set.lets_by_name.contains_key(name)
    }

    fn unknown_var(&mut self, ident: &Ident) {
        let error = CompileError::new(
            self.source,
            ident.span,
            format!("unknown variable `%{}`", ident.name),
        );
        let scoped = self.scopes.iter().flatten().copied();
        let global = self.set.lets_by_name.keys().map(String::as_str);
        let candidates: Vec<&str> = scoped.chain(global).collect();
        self.errors
            .push(match did_you_mean(&ident.name, candidates.into_iter()) {
                Some(best) => error.with_hint(format!("did you mean `%{best}`?")),
                None => error.with_hint(format!("declare it first: `let {} = ...`", ident.name)),
            });
    }
}

fn block_lets(block: &Block) -> Vec<&str> {
    block
        .items
        .iter()
        .filter_map(|item| match item {
            BlockItem::Let(binding) => Some(binding.name.name.as_str()),
            BlockItem::Clause(_) => None,
        })
        .collect()
}

/// Reports each rule that depends on itself (through `when`, references or calls) once.
fn find_cycles(
    set: &RuleSet,
    edges: &[(usize, usize, SourceId, crate::ast::Span)],
) -> Vec<CompileError> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); set.rules.len()];
    for (from, to, _, _) in edges {
        if let Some(list) = out.get_mut(*from) {
            list.push(*to);
        }
    }
    let mut state = vec![0u8; set.rules.len()];
    let mut errors = Vec::new();
    for start in 0..set.rules.len() {
        let mut stack = Vec::new();
        visit(start, &out, &mut state, &mut stack, &mut |cycle| {
            let names: Vec<&str> = cycle
                .iter()
                .filter_map(|&i| set.rules.get(i).map(|r| r.name.as_str()))
                .collect();
            let first = cycle.first().and_then(|&i| set.rules.get(i));
            let edge = edges
                .iter()
                .find(|(from, to, _, _)| Some(from) == cycle.last() && Some(to) == cycle.first());
            let (source, span) = edge
                .map(|(_, _, s, sp)| (*s, *sp))
                .or(first.map(|r| (r.source, r.span)))
                .unwrap_or_default();
            errors.push(
                CompileError::new(
                    source,
                    span,
                    format!(
                        "rule `{}` depends on itself",
                        names.first().copied().unwrap_or("?")
                    ),
                )
                .with_hint(format!(
                    "cycle: {} -> {}",
                    names.join(" -> "),
                    names.first().copied().unwrap_or("?")
                )),
            );
        });
    }
    errors
}

/// Depth-first search; `state`: 0 new, 1 on the stack, 2 done.
fn visit(
    node: usize,
    out: &[Vec<usize>],
    state: &mut [u8],
    stack: &mut Vec<usize>,
    report: &mut dyn FnMut(&[usize]),
) {
    match state.get(node) {
        Some(0) => {}
        Some(1) => {
            if let Some(at) = stack.iter().position(|&n| n == node) {
                report(stack.get(at..).unwrap_or_default());
            }
            return;
        }
        _ => return,
    }
    if let Some(s) = state.get_mut(node) {
        *s = 1;
    }
    stack.push(node);
    for &next in out.get(node).map(Vec::as_slice).unwrap_or_default() {
        visit(next, out, state, stack, report);
    }
    stack.pop();
    if let Some(s) = state.get_mut(node) {
        *s = 2;
    }
}
