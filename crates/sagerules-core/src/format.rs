//! The canonical layout of a rules file (`sagerules fmt`).
//!
//! One layout, so diffs of rule files show only real changes:
//! - 4 spaces per level; one clause per line; `or` between the disjuncts of a clause on that
//!   clause's line; one space around operators;
//! - exactly one blank line around every `rule`; elsewhere a blank line is kept where the
//!   source had one (never more than one);
//! - `#@` metadata directly above its rule; comments stay where they were relative to the
//!   items around them (a comment inside a clause moves to its own line after the clause),
//!   and a comment at the end of an item's line stays there;
//! - strings in double quotes, or single quotes when the text has a `"` and no `'`
//!   (cfn-guard accepts both; only the quote itself is ever escaped); `:=` becomes `=`;
//!   keywords in lower case (`EXISTS` → `exists`, `|OR|` → `or`); negated unary operators as
//!   `!exists`, negated `in` as `not in`;
//! - a filter or `when` condition with one clause stays on one line, with several it gets one
//!   line per clause.
//!
//! Formatting is idempotent: formatting the output again changes nothing.

use crate::ast::{
    Block, BlockItem, Call, Check, Clause, CmpOp, Conjunction, Disjunction, Expr, Filter, Item,
    Let, Literal, LiteralKind, Message, MessagePart, Op, OpKind, Query, QueryBlock, Rule, RuleRef,
    RulesFile, Span, Step, TypeBlock, WhenBlock,
};
use crate::syntax::RESERVED_FIRST_STEPS;

const INDENT: &str = "    ";

/// Prints `file` in canonical layout; `src` is the text it was parsed from (for comments and
/// blank lines; any text works, an empty one drops nothing but the blank lines).
pub fn format(file: &RulesFile, src: &str) -> String {
    let mut printer = Printer {
        src,
        comments: &file.comments,
        next_comment: 0,
        out: String::new(),
    };
    printer.items(&file.items);
    let mut out = printer.out;
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    if out.trim().is_empty() {
        out.clear();
    }
    out
}

struct Printer<'a> {
    src: &'a str,
    comments: &'a [crate::ast::Comment],
    next_comment: usize,
    out: String,
}

/// Where an expression is printed: decides how a first-step key must be written.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// Left-hand side of a clause: a quoted first step is a key.
    Lhs,
    /// Left-hand side of a clause inside a filter (a bare `keys` would mean the filtered key).
    FilterLhs,
    /// Right-hand side, `let` value, argument.
    Value,
}

impl Printer<'_> {
    fn items(&mut self, items: &[Item]) {
        let mut prev: Option<(u32, bool)> = None;
        for item in items {
            let is_rule = matches!(item, Item::Rule(_));
            let force_blank =
                prev.is_some_and(|(_, was_rule)| was_rule) || (is_rule && prev.is_some());
            self.leading(item_start(item), 0, prev.map(|(end, _)| end), force_blank);
            self.item(item);
            let end = item_span(item).end;
            self.trailing_comment(end);
            self.out.push('\n');
            prev = Some((end, is_rule));
        }
        let force_blank = prev.is_some_and(|(_, was_rule)| was_rule);
        self.leading(u32::MAX, 0, prev.map(|(end, _)| end), force_blank);
    }

    /// Comments before `limit` on their own lines, then the blank line (if any) that goes
    /// before the element at `limit`.
    fn leading(&mut self, limit: u32, indent: usize, mut last_end: Option<u32>, force_blank: bool) {
        let mut first = true;
        while let Some(comment) = self
            .comments
            .get(self.next_comment)
            .filter(|c| c.span.start < limit)
        {
            if (first && force_blank) || self.gap(last_end, comment.span.start) {
                self.blank_line();
            }
            self.write_indent(indent);
            self.out.push('#');
            self.out.push_str(comment.text.trim_end());
            self.out.push('\n');
            last_end = Some(comment.span.end);
            self.next_comment += 1;
            first = false;
        }
        if limit != u32::MAX && ((first && force_blank) || self.gap(last_end, limit)) {
            self.blank_line();
        }
    }

    /// Whether the source has an empty line between `from` and `to`.
    fn gap(&self, from: Option<u32>, to: u32) -> bool {
        let Some(from) = from else { return false };
        let Some(between) = self
            .src
            .get(from as usize..(to as usize).min(self.src.len()))
        else {
            return false;
        };
        let mut lines = between.split('\n');
        lines.next();
        let mut middle: Vec<&str> = lines.collect();
        middle.pop();
        middle.iter().any(|line| line.trim().is_empty())
    }

    fn blank_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") && !self.out.ends_with("{\n") {
            self.out.push('\n');
        }
    }

    /// A comment that starts on the line where the item ended stays at the end of that line.
    fn trailing_comment(&mut self, end: u32) {
        let Some(comment) = self.comments.get(self.next_comment) else {
            return;
        };
        if comment.span.start < end {
            return;
        }
        let same_line = self
            .src
            .get(end as usize..comment.span.start as usize)
            .is_some_and(|between| !between.contains('\n'));
        if same_line {
            self.out.push_str(" #");
            self.out.push_str(comment.text.trim_end());
            self.next_comment += 1;
        }
    }

    fn write_indent(&mut self, indent: usize) {
        for _ in 0..indent {
            self.out.push_str(INDENT);
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Include(include) => {
                self.out.push_str("include ");
                self.string(&include.path);
            }
            Item::Let(stmt) => self.let_stmt(stmt, 0),
            Item::Rule(rule) => self.rule(rule),
            Item::Clause(clause) => self.disjunction(clause, 0, Place::Lhs),
        }
    }

    fn rule(&mut self, rule: &Rule) {
        for meta in &rule.meta {
            self.out.push_str("#@ ");
            self.out.push_str(&meta.key.name);
            self.out.push(':');
            if !meta.value.is_empty() {
                self.out.push(' ');
                self.out.push_str(&meta.value);
            }
            self.out.push('\n');
        }
        self.out.push_str("rule ");
        self.out.push_str(&rule.name.name);
        if !rule.params.is_empty() {
            let names: Vec<&str> = rule.params.iter().map(|p| p.name.as_str()).collect();
            self.out.push('(');
            self.out.push_str(&names.join(", "));
            self.out.push(')');
        }
        if let Some(when) = &rule.when {
            self.when_condition(when, 0);
        }
        self.out.push(' ');
        self.block(&rule.body, 0);
    }

    /// ` when cond`, one line per clause when there are several.
    fn when_condition(&mut self, when: &Conjunction, indent: usize) {
        self.out.push_str(" when");
        self.conditions(when, indent);
    }

    /// The clauses of a condition after `when`.
    fn conditions(&mut self, when: &Conjunction, indent: usize) {
        if let [only] = when.clauses.as_slice() {
            if !multiline_disjunction(only) {
                self.out.push(' ');
                self.disjunction(only, indent, Place::Lhs);
                return;
            }
        }
        for clause in &when.clauses {
            self.out.push('\n');
            self.write_indent(indent + 1);
            self.disjunction(clause, indent + 1, Place::Lhs);
        }
    }

    fn block(&mut self, block: &Block, indent: usize) {
        self.out.push_str("{\n");
        let mut last_end = Some(block.span.start);
        for item in &block.items {
            let span = block_item_span(item);
            self.leading(span.start, indent + 1, last_end, false);
            self.write_indent(indent + 1);
            match item {
                BlockItem::Let(stmt) => self.let_stmt(stmt, indent + 1),
                BlockItem::Clause(clause) => self.disjunction(clause, indent + 1, Place::Lhs),
            }
            self.trailing_comment(span.end);
            self.out.push('\n');
            last_end = Some(span.end);
        }
        let close = block.span.end.saturating_sub(1).max(block.span.start);
        self.comments_before(close, indent + 1);
        self.write_indent(indent);
        self.out.push('}');
    }

    /// Comments before `limit`, without a blank line after them.
    fn comments_before(&mut self, limit: u32, indent: usize) {
        while let Some(comment) = self
            .comments
            .get(self.next_comment)
            .filter(|c| c.span.start < limit)
        {
            self.write_indent(indent);
            self.out.push('#');
            self.out.push_str(comment.text.trim_end());
            self.out.push('\n');
            self.next_comment += 1;
        }
    }

    fn let_stmt(&mut self, stmt: &Let, indent: usize) {
        self.out.push_str("let ");
        self.out.push_str(&stmt.name.name);
        self.out
            .push_str(if stmt.some { " = some " } else { " = " });
        self.expr(&stmt.value, indent, Place::Value);
    }

    fn disjunction(&mut self, disjunction: &Disjunction, indent: usize, place: Place) {
        let last = disjunction.clauses.len().saturating_sub(1);
        for (n, clause) in disjunction.clauses.iter().enumerate() {
            if n > 0 {
                self.out.push_str(" or ");
            }
            match (clause, short_type_block_body(clause)) {
                (Clause::TypeBlock(block), Some(only)) if n < last => {
                    self.out.push_str(&block.type_name.name);
                    self.out.push(' ');
                    self.clause(only, indent, Place::Lhs);
                }
                _ => self.clause(clause, indent, place),
            }
        }
    }

    fn clause(&mut self, clause: &Clause, indent: usize, place: Place) {
        match clause {
            Clause::Check(check) => self.check(check, indent, place),
            Clause::RuleRef(rule_ref) => self.rule_ref(rule_ref, indent),
            Clause::QueryBlock(block) => self.query_block(block, indent, place),
            Clause::TypeBlock(block) => self.type_block(block, indent),
            Clause::WhenBlock(block) => self.when_block(block, indent),
        }
    }

    fn check(&mut self, check: &Check, indent: usize, place: Place) {
        if check.not {
            self.out.push_str("not ");
        }
        if check.some {
            self.out.push_str("some ");
        }
        self.expr(&check.lhs, indent, place);
        self.op(&check.op, indent);
        self.message(check.message.as_ref(), indent);
    }

    fn op(&mut self, op: &Op, indent: usize) {
        match &op.kind {
            OpKind::Unary(unary) => {
                self.out.push(' ');
                if op.negated {
                    self.out.push('!');
                }
                self.out.push_str(unary.keyword());
            }
            OpKind::Binary(cmp, rhs) => {
                self.out.push(' ');
                if op.negated {
                    self.out.push_str("not ");
                }
                self.out.push_str(cmp_symbol(*cmp));
                self.out.push(' ');
                self.expr(rhs, indent, Place::Value);
            }
        }
    }

    fn rule_ref(&mut self, rule_ref: &RuleRef, indent: usize) {
        if rule_ref.not {
            self.out.push_str("not ");
        }
        self.out.push_str(&rule_ref.name.name);
        if let Some(args) = &rule_ref.args {
            self.args(args, indent);
        }
        self.message(rule_ref.message.as_ref(), indent);
    }

    fn query_block(&mut self, block: &QueryBlock, indent: usize, place: Place) {
        if block.some {
            self.out.push_str("some ");
        }
        self.query(&block.query, indent, place);
        self.out.push(' ');
        self.block(&block.body, indent);
        self.message(block.message.as_ref(), indent);
    }

    fn type_block(&mut self, block: &TypeBlock, indent: usize) {
        self.out.push_str(&block.type_name.name);
        if let Some(when) = &block.when {
            self.when_condition(when, indent);
        }
        self.out.push(' ');
        self.block(&block.body, indent);
    }

    fn when_block(&mut self, block: &WhenBlock, indent: usize) {
        self.out.push_str("when");
        self.conditions(&block.when, indent);
        self.out.push(' ');
        self.block(&block.body, indent);
    }

    fn message(&mut self, message: Option<&Message>, indent: usize) {
        let Some(message) = message else { return };
        self.out.push_str(" <<");
        for part in &message.parts {
            match part {
                MessagePart::Text(text) => self.out.push_str(text),
                MessagePart::Var(query) => {
                    self.out.push_str("{{");
                    self.query(query, indent, Place::Value);
                    self.out.push_str("}}");
                }
            }
        }
        self.out.push_str(">>");
    }

    fn expr(&mut self, expr: &Expr, indent: usize, place: Place) {
        match expr {
            Expr::Query(query) => self.query(query, indent, place),
            Expr::Literal(literal) => self.literal(literal),
            Expr::Call(call) => self.call(call, indent),
        }
    }

    fn call(&mut self, call: &Call, indent: usize) {
        self.out.push_str(&call.name.name);
        self.args(&call.args, indent);
    }

    fn args(&mut self, args: &[Expr], indent: usize) {
        self.out.push('(');
        for (n, arg) in args.iter().enumerate() {
            if n > 0 {
                self.out.push_str(", ");
            }
            self.expr(arg, indent, Place::Value);
        }
        self.out.push(')');
    }

    fn query(&mut self, query: &Query, indent: usize, place: Place) {
        for (n, step) in query.steps.iter().enumerate() {
            let first = n == 0;
            match step {
                Step::Key(key, _) => self.key(key, first, place),
                Step::Var(var) => {
                    self.out.push_str(if first { "%" } else { ".%" });
                    self.out.push_str(&var.name);
                }
                Step::This(_) => self.out.push_str(if first { "this" } else { ".this" }),
                Step::Keys(_) => self.out.push_str(if first { "keys" } else { ".keys" }),
                Step::AllValues(_) => self.out.push_str(if first { "*" } else { ".*" }),
                Step::AllIndices(_) => self.out.push_str("[*]"),
                Step::Index(index, _) => self.out.push_str(&format!("[{index}]")),
                Step::Filter(filter) => self.filter(filter, indent),
            }
        }
    }

    fn key(&mut self, key: &str, first: bool, place: Place) {
        let bare = is_ident(key)
            && !(first && RESERVED_FIRST_STEPS.contains(&key))
            && !(first && place == Place::FilterLhs && (key == "keys" || key == "KEYS"));
        if !first {
            self.out.push('.');
        }
        if bare {
            self.out.push_str(key);
        } else {
            self.string(key);
        }
    }

    fn filter(&mut self, filter: &Filter, indent: usize) {
        self.out.push('[');
        if let Some(capture) = &filter.capture {
            self.out.push(' ');
            self.out.push_str(&capture.name);
            if filter.conds.clauses.is_empty() {
                self.out.push_str(" ]");
                return;
            }
            self.out.push_str(" |");
        }
        if let [only] = filter.conds.clauses.as_slice() {
            if !multiline_disjunction(only) {
                self.out.push(' ');
                self.disjunction(only, indent, Place::FilterLhs);
                self.out.push_str(" ]");
                return;
            }
        }
        for clause in &filter.conds.clauses {
            self.out.push('\n');
            self.write_indent(indent + 1);
            self.disjunction(clause, indent + 1, Place::FilterLhs);
        }
        self.out.push('\n');
        self.write_indent(indent);
        self.out.push(']');
    }

    /// A range bound: bare for a character range (`r[a, f]`), else as a literal.
    fn bound(&mut self, literal: &Literal, chars: bool) {
        match &literal.kind {
            LiteralKind::String(s) if chars => self.out.push_str(s),
            _ => self.literal(literal),
        }
    }

    fn literal(&mut self, literal: &Literal) {
        match &literal.kind {
            LiteralKind::Null => self.out.push_str("null"),
            LiteralKind::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            LiteralKind::Int(n) => self.out.push_str(&n.to_string()),
            LiteralKind::Float(f) => self.out.push_str(&float_text(*f)),
            LiteralKind::String(s) => self.string(s),
            LiteralKind::Regex(pattern) => {
                self.out.push('/');
                self.out.push_str(&pattern.replace('/', "\\/"));
                self.out.push('/');
            }
            LiteralKind::Range(range) => {
                self.out
                    .push_str(if range.lower_inclusive { "r[" } else { "r(" });
                self.bound(&range.lower, range.chars);
                self.out.push_str(", ");
                self.bound(&range.upper, range.chars);
                self.out.push(if range.upper_inclusive { ']' } else { ')' });
            }
            LiteralKind::List(items) => {
                self.out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        self.out.push_str(", ");
                    }
                    self.literal(item);
                }
                self.out.push(']');
            }
            LiteralKind::Map(entries) => self.map(entries),
        }
    }

    fn map(&mut self, entries: &[(String, Literal)]) {
        if entries.is_empty() {
            self.out.push_str("{}");
            return;
        }
        self.out.push_str("{ ");
        for (n, (key, value)) in entries.iter().enumerate() {
            if n > 0 {
                self.out.push_str(", ");
            }
            if is_ident(key) {
                self.out.push_str(key);
            } else {
                self.string(key);
            }
            self.out.push_str(": ");
            self.literal(value);
        }
        self.out.push_str(" }");
    }

    fn string(&mut self, text: &str) {
        self.out.push_str(&quote(text));
    }
}

/// `text` as a string literal: double quotes, or single quotes when only `"` occurs inside.
pub(crate) fn quote(text: &str) -> String {
    if !text.contains('"') {
        format!("\"{text}\"")
    } else if !text.contains('\'') {
        format!("'{text}'")
    } else {
        format!("\"{}\"", text.replace('"', "\\\""))
    }
}

/// A float that reads back as a float: `1.0`, not `1`.
fn float_text(f: f64) -> String {
    let text = format!("{f:?}");
    if text.contains(['.', 'e', 'E']) || !f.is_finite() {
        text
    } else {
        format!("{text}.0")
    }
}

fn is_ident(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn cmp_symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::In => "in",
    }
}

/// The single clause of a type block that can be written in the short form
/// `AWS::S3::Bucket Properties.X exists`. cfn-guard needs that form before `or`: it does not
/// accept `} or`.
fn short_type_block_body(clause: &Clause) -> Option<&Clause> {
    let Clause::TypeBlock(block) = clause else {
        return None;
    };
    let ([BlockItem::Clause(disjunction)], None) = (block.body.items.as_slice(), &block.when)
    else {
        return None;
    };
    let [only] = disjunction.clauses.as_slice() else {
        return None;
    };
    (!multiline_disjunction(disjunction)).then_some(only)
}

/// Whether a clause prints over several lines (it holds a block, or a filter that does).
fn multiline_disjunction(disjunction: &Disjunction) -> bool {
    disjunction.clauses.iter().any(|clause| match clause {
        Clause::Check(check) => {
            multiline_expr(&check.lhs)
                || matches!(&check.op.kind, OpKind::Binary(_, rhs) if multiline_expr(rhs))
        }
        Clause::RuleRef(rule_ref) => rule_ref.args.iter().flatten().any(multiline_expr),
        Clause::QueryBlock(_) | Clause::TypeBlock(_) | Clause::WhenBlock(_) => true,
    })
}

fn multiline_expr(expr: &Expr) -> bool {
    match expr {
        Expr::Query(query) => query.steps.iter().any(|step| match step {
            Step::Filter(filter) => {
                filter.conds.clauses.len() > 1
                    || filter.conds.clauses.iter().any(multiline_disjunction)
            }
            _ => false,
        }),
        Expr::Call(call) => call.args.iter().any(multiline_expr),
        Expr::Literal(_) => false,
    }
}

/// Where an item starts, counting the `#@` lines above a rule.
fn item_start(item: &Item) -> u32 {
    match item {
        Item::Rule(rule) => rule
            .meta
            .first()
            .map_or(rule.span.start, |m| m.span.start.min(rule.span.start)),
        other => item_span(other).start,
    }
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Include(include) => include.span,
        Item::Let(stmt) => stmt.span,
        Item::Rule(rule) => rule.span,
        Item::Clause(clause) => clause.span,
    }
}

fn block_item_span(item: &BlockItem) -> Span {
    match item {
        BlockItem::Let(stmt) => stmt.span,
        BlockItem::Clause(clause) => clause.span,
    }
}
