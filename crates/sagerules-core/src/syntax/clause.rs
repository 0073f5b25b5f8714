//! Clauses and what holds them: `[not] [some] query op [rhs] [<< message >>]`, rule
//! references, query/type/`when` blocks, `or` chains, conjunctions, and `{ ... }` blocks with
//! per-clause error recovery.

use nom::bytes::complete::tag;

use super::error::{backtrack, Diag, Fail, PResult};
use super::query::ParsedQuery;
use super::Parser;
use crate::ast::{
    Block, BlockItem, Check, Clause, CmpOp, Conjunction, Disjunction, Expr, Ident, Message,
    MessagePart, Op, OpKind, QueryBlock, RuleRef, Span, TypeBlock, UnaryOp, WhenBlock,
};

/// Where clauses are being parsed.
#[derive(Clone, Copy)]
pub(crate) struct ClauseCx {
    /// In a `when` condition, `{` ends the condition (it opens the body) instead of opening a
    /// query block.
    pub when_header: bool,
    /// In a filter, a bare `keys` is the key being filtered.
    pub in_filter: bool,
}

impl ClauseCx {
    pub const BLOCK: ClauseCx = ClauseCx {
        when_header: false,
        in_filter: false,
    };
    pub const FILTER: ClauseCx = ClauseCx {
        when_header: false,
        in_filter: true,
    };
    pub const WHEN: ClauseCx = ClauseCx {
        when_header: true,
        in_filter: false,
    };
}

const UNARY: [(&str, &str, UnaryOp); 9] = [
    ("exists", "EXISTS", UnaryOp::Exists),
    ("empty", "EMPTY", UnaryOp::Empty),
    ("is_string", "IS_STRING", UnaryOp::IsString),
    ("is_list", "IS_LIST", UnaryOp::IsList),
    ("is_struct", "IS_STRUCT", UnaryOp::IsStruct),
    ("is_bool", "IS_BOOL", UnaryOp::IsBool),
    ("is_int", "IS_INT", UnaryOp::IsInt),
    ("is_float", "IS_FLOAT", UnaryOp::IsFloat),
    ("is_null", "IS_NULL", UnaryOp::IsNull),
];

/// Two-character operators first, so `<=` is not read as `<`.
const COMPARISONS: [(&str, CmpOp); 6] = [
    ("==", CmpOp::Eq),
    ("!=", CmpOp::Ne),
    ("<=", CmpOp::Le),
    (">=", CmpOp::Ge),
    ("<", CmpOp::Lt),
    (">", CmpOp::Gt),
];

/// What an operator expects after a query, for error messages.
const OPERATORS: [&str; 13] = [
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not in",
    "exists",
    "!exists",
    "empty",
    "!empty",
    "is_string",
];

/// An operator token before its right-hand side is parsed.
enum OpToken {
    Unary(UnaryOp),
    Binary(CmpOp),
}

impl<'s> Parser<'s> {
    /// Disjunctions up to `close` (a filter body). `open_at` is the opening bracket, for the
    /// "unclosed" error.
    pub(crate) fn conjunction_until(
        &self,
        open_at: &'s str,
        i: &'s str,
        close: char,
        cx: ClauseCx,
    ) -> PResult<'s, Conjunction> {
        let mut rest = self.ws(i);
        let start = rest;
        let mut clauses = Vec::new();
        loop {
            if let Some(after) = rest.strip_prefix(close) {
                let span = self.conj_span(start, &clauses);
                return Ok((after, Conjunction { clauses, span }));
            }
            if rest.is_empty()
                || rest.starts_with('}')
                || self.at_rule_header(rest)
                || self.at_keyword(rest, &["let"])
            {
                return Err(self.unclosed(open_at, '[', close, rest));
            }
            let (after, clause) = self.required_disjunction(rest, cx)?;
            clauses.push(clause);
            rest = self.ws(after);
        }
    }

    fn conj_span(&self, start: &'s str, clauses: &[Disjunction]) -> Span {
        match (clauses.first(), clauses.last()) {
            (Some(first), Some(last)) => first.span.to(last.span),
            _ => self.span(start, start),
        }
    }

    /// `when <condition>` before a rule's or type block's body, if there is one.
    pub(crate) fn optional_when(&self, i: &'s str) -> PResult<'s, Option<Conjunction>> {
        match self.keyword(i, &["when", "WHEN"]) {
            Ok((after, _)) => {
                let (after, cond) = self.when_condition(after)?;
                Ok((after, Some(cond)))
            }
            Err(_) => Ok((i, None)),
        }
    }

    /// The condition after `when`, up to (not including) the `{` of the body.
    pub(crate) fn when_condition(&self, i: &'s str) -> PResult<'s, Conjunction> {
        let mut rest = i;
        let mut clauses = Vec::new();
        loop {
            let next = self.ws(rest);
            if next.starts_with('{') && !clauses.is_empty() {
                let span = self.conj_span(next, &clauses);
                return Ok((next, Conjunction { clauses, span }));
            }
            if next.starts_with('{') {
                return self.fail(
                    next,
                    "expected a condition after `when`",
                    &["a clause", "a rule name"],
                );
            }
            if next.is_empty() || next.starts_with('}') || self.at_rule_header(next) {
                let mut diag = self.diag(next, "expected `{` after the `when` condition", &["{"]);
                diag.hint = Some(
                    "write the block to run when the condition holds: `when cond { ... }`"
                        .to_string(),
                );
                return Err(self.failure(next, diag));
            }
            let (after, clause) = self.required_disjunction(next, ClauseCx::WHEN)?;
            clauses.push(clause);
            rest = after;
        }
    }

    /// A disjunction where one must be; a backtrack becomes "expected a clause".
    pub(crate) fn required_disjunction(
        &self,
        i: &'s str,
        cx: ClauseCx,
    ) -> PResult<'s, Disjunction> {
        match self.disjunction(i, cx) {
            Err(nom::Err::Error(fail)) => Err(self.expected_clause(fail.at)),
            other => other,
        }
    }

    fn expected_clause(&self, at: &'s str) -> nom::Err<Fail<'s>> {
        let mut diag = self.diag(
            at,
            "expected a clause",
            &["a query", "a rule name", "when", "let"],
        );
        let token = super::error::token_text(at);
        diag.hint = if super::lexer::KEYWORDS.contains(&token) {
            Some(format!("`{token}` is a keyword and cannot be used here"))
        } else {
            super::error::hint_for(token)
        };
        self.failure(at, diag)
    }

    /// `clause (or clause)*`, where `or` is `or`, `OR` or `|OR|`.
    pub(crate) fn disjunction(&self, i: &'s str, cx: ClauseCx) -> PResult<'s, Disjunction> {
        let (mut rest, first) = self.clause(i, cx)?;
        let mut clauses = vec![first];
        while let Some(after) = self.or_token(self.ws(rest)) {
            let next = self.ws(after);
            let (after, clause) = match self.clause(next, cx) {
                Err(nom::Err::Error(_)) => {
                    return self.fail(
                        next,
                        "expected a clause after `or`",
                        &["a query", "a rule name"],
                    )
                }
                other => other?,
            };
            clauses.push(clause);
            rest = after;
        }
        Ok((
            rest,
            Disjunction {
                clauses,
                span: self.span(i, rest),
            },
        ))
    }

    fn or_token(&self, i: &'s str) -> Option<&'s str> {
        if let Some(rest) = i.strip_prefix("|OR|") {
            return Some(rest);
        }
        self.keyword(i, &["or", "OR"]).ok().map(|(rest, _)| rest)
    }

    /// One clause (whitespace already skipped).
    pub(crate) fn clause(&self, i: &'s str, cx: ClauseCx) -> PResult<'s, Clause> {
        if !cx.when_header && self.at_keyword(i, &["when", "WHEN"]) {
            return self.when_block(i);
        }
        if self.at_type_name(i) {
            return self.type_block(i);
        }
        let (rest, not) = self.clause_not(i);
        let (rest, some) = match self.keyword(rest, &["some", "SOME"]) {
            Ok((after, _)) => (self.ws(after), true),
            Err(_) => (rest, false),
        };
        if self.at_call(rest) {
            return self.call_clause(i, rest, not, some);
        }
        let (after, parsed) = match self.query(rest, cx.in_filter) {
            Err(nom::Err::Error(fail)) if not || some => {
                return Err(self.expected_after_prefix(fail.at))
            }
            other => other?,
        };
        self.clause_after_query(i, after, (not, some), parsed, cx)
    }

    fn expected_after_prefix(&self, at: &'s str) -> nom::Err<Fail<'s>> {
        let diag = self.diag(
            at,
            "expected a query or rule name after `not`/`some`",
            &["a query", "a rule name"],
        );
        self.failure(at, diag)
    }

    /// Clause-level `not`, `NOT` or `!` (not `!=`).
    fn clause_not(&self, i: &'s str) -> (&'s str, bool) {
        if let Ok((rest, _)) = self.keyword(i, &["not", "NOT"]) {
            return (self.ws(rest), true);
        }
        match i.strip_prefix('!') {
            Some(rest) if !rest.starts_with('=') => (rest, true),
            _ => (i, false),
        }
    }

    fn clause_after_query(
        &self,
        start: &'s str,
        after: &'s str,
        (not, some): (bool, bool),
        parsed: ParsedQuery,
        cx: ClauseCx,
    ) -> PResult<'s, Clause> {
        let next = self.ws(after);
        if self.op_token(next).is_ok() {
            let (rest, op) = self.operator(next)?;
            return self.finish_check(start, rest, (not, some), Expr::Query(parsed.query), op);
        }
        if next.starts_with('{') && !cx.when_header {
            return self.query_block(start, next, (not, some), parsed);
        }
        if parsed.bare_ident && !some && !self.looks_like_missing_operator(after) {
            let name = match parsed.query.steps.first() {
                Some(crate::ast::Step::Key(name, span)) => Ident {
                    name: name.clone(),
                    span: *span,
                },
                _ => return backtrack(start),
            };
            if super::lexer::RESERVED.contains(&name.name.as_str()) {
                let mut diag = self.diag(start, "expected a clause", &["a query", "a rule name"]);
                diag.hint = Some(format!(
                    "`{}` is a keyword and cannot be used here",
                    name.name
                ));
                return Err(self.failure(start, diag));
            }
            return self.finish_rule_ref(start, after, not, name, None);
        }
        Err(self.missing_operator(next, &parsed))
    }

    /// After a bare name: a value or a stray operator on the same line means an operator is
    /// missing (`Type = 'X'`, `x 'a'`), not a rule reference followed by another clause.
    fn looks_like_missing_operator(&self, after: &'s str) -> bool {
        let next = self.blanks(after);
        let value_start = next.starts_with(['\'', '"', '/', '-'])
            || next.starts_with(|c: char| c.is_ascii_digit());
        let operator_like = next.starts_with(['=', '<', '>', '&', '|'])
            && !next.starts_with("<<")
            && !next.starts_with("|OR|");
        value_start || operator_like
    }

    fn missing_operator(&self, at: &'s str, parsed: &ParsedQuery) -> nom::Err<Fail<'s>> {
        let what = self
            .src
            .get(parsed.query.span.start as usize..parsed.query.span.end as usize)
            .map_or_else(|| "the query".to_string(), super::error::snippet);
        let mut diag = self.diag(
            at,
            &format!("expected an operator after `{what}`"),
            &OPERATORS,
        );
        diag.hint = super::error::hint_for(super::error::token_text(at));
        if at.starts_with(['-', ':']) && self.off(at) == parsed.query.span.end {
            diag.hint = Some(
                "keys with `-`, `:` or other symbols need quotes: `Properties.\"my-key\"`"
                    .to_string(),
            );
        } else if at.is_empty() || at.starts_with(['}', ']']) || self.at_rule_header(at) {
            diag.hint = Some("add a check such as `exists` or `== 'value'`".to_string());
        }
        self.failure(at, diag)
    }

    /// `name(args)` as a rule call, or `count(x) == 1` as a check on a function result.
    fn call_clause(
        &self,
        start: &'s str,
        i: &'s str,
        not: bool,
        some: bool,
    ) -> PResult<'s, Clause> {
        let (after, call) = self.call(i)?;
        let next = self.ws(after);
        if self.op_token(next).is_ok() {
            let (rest, op) = self.operator(next)?;
            return self.finish_check(start, rest, (not, some), Expr::Call(call), op);
        }
        if some {
            return self.fail(
                next,
                "expected an operator after the function call",
                &OPERATORS,
            );
        }
        self.finish_rule_ref(start, after, not, call.name, Some(call.args))
    }

    fn finish_check(
        &self,
        start: &'s str,
        rest: &'s str,
        (not, some): (bool, bool),
        lhs: Expr,
        op: Op,
    ) -> PResult<'s, Clause> {
        let (rest, message) = self.opt_message(rest)?;
        let span = self.span(start, rest);
        Ok((
            rest,
            Clause::Check(Check {
                not,
                some,
                lhs,
                op,
                message,
                span,
            }),
        ))
    }

    fn finish_rule_ref(
        &self,
        start: &'s str,
        rest: &'s str,
        not: bool,
        name: Ident,
        args: Option<Vec<Expr>>,
    ) -> PResult<'s, Clause> {
        let (rest, message) = self.opt_message(rest)?;
        let span = self.span(start, rest);
        Ok((
            rest,
            Clause::RuleRef(RuleRef {
                not,
                name,
                args,
                message,
                span,
            }),
        ))
    }

    fn query_block(
        &self,
        start: &'s str,
        i: &'s str,
        (not, some): (bool, bool),
        parsed: ParsedQuery,
    ) -> PResult<'s, Clause> {
        if not {
            let diag = self.diag(start, "`not` cannot negate a block", &["a clause"]);
            return Err(self.failure(start, diag));
        }
        let (rest, body) = self.block(i)?;
        let (rest, message) = self.opt_message(rest)?;
        let span = self.span(start, rest);
        Ok((
            rest,
            Clause::QueryBlock(QueryBlock {
                some,
                query: parsed.query,
                body,
                message,
                span,
            }),
        ))
    }

    /// Whether an operator starts at `i`.
    fn op_token(&self, i: &'s str) -> PResult<'s, (bool, OpToken)> {
        let (rest, negated) = if let Ok((rest, _)) = self.keyword(i, &["not", "NOT"]) {
            (self.blanks(rest), true)
        } else {
            match i.strip_prefix('!') {
                Some(rest) if !rest.starts_with('=') => (rest, true),
                _ => (i, false),
            }
        };
        for (lower, upper, op) in UNARY {
            if let Ok((after, _)) = self.keyword(rest, &[lower, upper]) {
                return Ok((after, (negated, OpToken::Unary(op))));
            }
        }
        if let Ok((after, _)) = self.keyword(rest, &["in", "IN"]) {
            return Ok((after, (negated, OpToken::Binary(CmpOp::In))));
        }
        if rest.starts_with("<<") {
            return backtrack(i);
        }
        for (text, op) in COMPARISONS {
            if let Ok((after, _)) = tag::<_, _, Fail<'s>>(text)(rest) {
                return Ok((after, (negated, OpToken::Binary(op))));
            }
        }
        backtrack(i)
    }

    /// An operator and, for binary ones, its right-hand side.
    fn operator(&self, i: &'s str) -> PResult<'s, Op> {
        let (rest, (negated, token)) = self.op_token(i)?;
        let op_span = self.span(i, rest);
        let kind = match token {
            OpToken::Unary(op) => {
                return Ok((
                    rest,
                    Op {
                        negated,
                        kind: OpKind::Unary(op),
                        span: op_span,
                    },
                ))
            }
            OpToken::Binary(op) => op,
        };
        let value_at = self.ws(rest);
        let (rest, rhs) = match self.expr(value_at) {
            Err(nom::Err::Error(_)) => {
                let op_text = self
                    .src
                    .get(op_span.start as usize..op_span.end as usize)
                    .unwrap_or("the operator");
                let mut diag = self.diag(
                    value_at,
                    &format!("expected a value after `{op_text}`"),
                    &["a literal", "a query", "%variable"],
                );
                if value_at.starts_with('=') {
                    diag.hint = Some("there is no `===`; use `==`".to_string());
                }
                return Err(self.failure(value_at, diag));
            }
            other => other?,
        };
        if self.value_is_next_clause(op_span.end, value_at, rest, &rhs) {
            let op_text = self
                .src
                .get(op_span.start as usize..op_span.end as usize)
                .unwrap_or("the operator");
            let mut diag = self.diag(
                rest,
                &format!("expected a value after `{op_text}`"),
                &["a literal", "a query", "%variable"],
            );
            diag.span = Span::new(op_span.end, op_span.end);
            diag.found = Some("end of line".to_string());
            diag.hint = Some(
                "the next line is a clause of its own; put the value right after the operator"
                    .to_string(),
            );
            return Err(self.failure(rest, diag));
        }
        let span = self.span(i, rest);
        Ok((
            rest,
            Op {
                negated,
                kind: OpKind::Binary(kind, Box::new(rhs)),
                span,
            },
        ))
    }

    /// Whether the value of `x ==` was taken from the next line although that line is a
    /// clause of its own (`x ==` newline `y exists`): the value is a query on a later line and
    /// an operator follows it.
    fn value_is_next_clause(
        &self,
        op_end: u32,
        value_at: &'s str,
        after: &'s str,
        rhs: &Expr,
    ) -> bool {
        let between = self
            .src
            .get(op_end as usize..self.off(value_at) as usize)
            .unwrap_or_default();
        matches!(rhs, Expr::Query(_))
            && between.contains('\n')
            && self.op_token(self.ws(after)).is_ok()
    }

    /// An optional `<< message >>` after a clause; `rest` is returned unchanged without one.
    fn opt_message(&self, rest: &'s str) -> PResult<'s, Option<Message>> {
        let next = self.ws(rest);
        if !next.starts_with("<<") {
            return Ok((rest, None));
        }
        let (after, message) = self.message(next)?;
        Ok((after, Some(message)))
    }

    /// `<< text {{%var.path}} text >>`, possibly over several lines.
    fn message(&self, i: &'s str) -> PResult<'s, Message> {
        let body_all = i.get(2..).unwrap_or_default();
        let close = if self.known_unclosed(">>", i) {
            None
        } else {
            body_all.find(">>")
        };
        let Some(close) = close else {
            self.unclosed.borrow_mut().insert(">>", self.off(i));
            let start = self.off(i);
            let diag = Diag {
                span: Span::new(start, start + 2),
                message: "unclosed message".to_string(),
                expected: vec![">>".to_string()],
                found: Some("end of input".to_string()),
                hint: Some("end the custom message with `>>`".to_string()),
            };
            return Err(self.failure(i, diag));
        };
        let body = body_all.get(..close).unwrap_or_default();
        let rest = body_all.get(close + 2..).unwrap_or_default();
        let parts = self.message_parts(body)?;
        Ok((
            rest,
            Message {
                parts,
                span: self.span(i, rest),
            },
        ))
    }

    /// Splits a message body into text and `{{%var...}}` parts; `{{` not followed by `%` is
    /// plain text (cfn-guard messages may contain it).
    fn message_parts(&self, body: &'s str) -> Result<Vec<MessagePart>, nom::Err<Fail<'s>>> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = body;
        while let Some(at) = rest.find("{{") {
            let (before, open) = rest.split_at(at);
            text.push_str(before);
            let inner = self.blanks(open.get(2..).unwrap_or_default());
            if !inner.starts_with('%') {
                text.push_str("{{");
                rest = open.get(2..).unwrap_or_default();
                continue;
            }
            let (after, parsed) = self.query(inner, false)?;
            let Some(after) = self.blanks(after).strip_prefix("}}") else {
                return Err(self.failure(
                    after,
                    self.diag(
                        self.blanks(after),
                        "expected `}}` to end the interpolation",
                        &["}}"],
                    ),
                ));
            };
            if !text.is_empty() {
                parts.push(MessagePart::Text(std::mem::take(&mut text)));
            }
            parts.push(MessagePart::Var(parsed.query));
            rest = after;
        }
        text.push_str(rest);
        if !text.is_empty() {
            parts.push(MessagePart::Text(text));
        }
        Ok(parts)
    }

    /// Whether `i` starts a type name such as `AWS::SageMaker::Model`.
    fn at_type_name(&self, i: &'s str) -> bool {
        match self.ident(i) {
            Ok((rest, _)) => rest.starts_with("::"),
            Err(_) => false,
        }
    }

    /// `AWS::X::Y [when cond] { block }` or `AWS::X::Y clause`.
    fn type_block(&self, i: &'s str) -> PResult<'s, Clause> {
        let (mut rest, _) = self.ident(i)?;
        while let Some(after) = rest.strip_prefix("::") {
            rest = match self.ident(after) {
                Ok((next, _)) => next,
                Err(_) => {
                    return self.fail(
                        after,
                        "expected a name after `::` in the type name",
                        &["a name"],
                    )
                }
            };
        }
        let type_name = Ident {
            name: i
                .get(..i.len() - rest.len())
                .unwrap_or_default()
                .to_string(),
            span: self.span(i, rest),
        };
        let next = self.ws(rest);
        let (next, when) = self.optional_when(next)?;
        let (rest, body) = if next.starts_with('{') || when.is_some() {
            self.required_block(next)?
        } else {
            self.single_clause_block(next)?
        };
        Ok((
            rest,
            Clause::TypeBlock(TypeBlock {
                type_name,
                when,
                body,
                span: self.span(i, rest),
            }),
        ))
    }

    /// The one-clause body of `AWS::S3::Bucket Properties.X exists` (cfn-guard's short form).
    /// Only one clause: in `AWS::A x exists or AWS::B y exists` the `or` joins the blocks.
    fn single_clause_block(&self, i: &'s str) -> PResult<'s, Block> {
        let (rest, clause) = match self.clause(i, ClauseCx::BLOCK) {
            Err(nom::Err::Error(fail)) => return Err(self.expected_clause(fail.at)),
            other => other?,
        };
        let span = self.span(i, rest);
        let disjunction = Disjunction {
            clauses: vec![clause],
            span,
        };
        Ok((
            rest,
            Block {
                items: vec![BlockItem::Clause(disjunction)],
                span,
            },
        ))
    }

    /// `when cond { block }`.
    fn when_block(&self, i: &'s str) -> PResult<'s, Clause> {
        let (after, _) = self.keyword(i, &["when", "WHEN"])?;
        let (rest, when) = self.when_condition(after)?;
        let (rest, body) = self.required_block(rest)?;
        Ok((
            rest,
            Clause::WhenBlock(WhenBlock {
                when,
                body,
                span: self.span(i, rest),
            }),
        ))
    }

    /// A `{ ... }` block where one must be.
    pub(crate) fn required_block(&self, i: &'s str) -> PResult<'s, Block> {
        let next = self.ws(i);
        if !next.starts_with('{') {
            return self.fail(next, "expected `{` to start a block", &["{"]);
        }
        self.block(next)
    }

    /// `{ items }`. Errors inside are recorded and skipped clause by clause, so the block
    /// itself only fails past the nesting limit; an unclosed block ends at the next `rule`.
    pub(crate) fn block(&self, i: &'s str) -> PResult<'s, Block> {
        self.nested(i, |i| {
            let mut rest = i.get(1..).unwrap_or_default();
            let mut items = Vec::new();
            let mut had_error = false;
            loop {
                rest = self.ws(rest);
                if let Some(after) = rest.strip_prefix('}') {
                    if items.is_empty() && !had_error {
                        self.report_empty_block(i);
                    }
                    return Ok((
                        after,
                        Block {
                            items,
                            span: self.span(i, after),
                        },
                    ));
                }
                if rest.is_empty() || self.at_rule_header(rest) {
                    self.record(self.unclosed(i, '{', '}', rest));
                    return Ok((
                        rest,
                        Block {
                            items,
                            span: self.span(i, rest),
                        },
                    ));
                }
                match self.block_item(rest) {
                    Ok((after, item)) => {
                        items.push(item);
                        rest = after;
                    }
                    Err(err) => {
                        had_error = true;
                        rest = self.recover_in_block(rest, err);
                    }
                }
            }
        })
    }

    fn report_empty_block(&self, open: &'s str) {
        let mut diag = self.diag(open, "empty block", &["a clause"]);
        diag.hint = Some("a block needs at least one clause".to_string());
        self.record(self.failure(open, diag));
    }

    fn block_item(&self, i: &'s str) -> PResult<'s, BlockItem> {
        if self.at_keyword(i, &["let"]) {
            let (rest, stmt) = self.let_stmt(i)?;
            return Ok((rest, BlockItem::Let(stmt)));
        }
        let (rest, clause) = self.required_disjunction(i, ClauseCx::BLOCK)?;
        Ok((rest, BlockItem::Clause(clause)))
    }

    /// Records `err` and returns where to resume: the end of the line the error is on (or
    /// of a `{ }` opened after the error), stopping before a `}` that closes the enclosing
    /// block, or at a `rule` line. (Blocks inside the failed clause recover on their own, so
    /// braces before the error point are already balanced.)
    fn recover_in_block(&self, item_start: &'s str, err: nom::Err<Fail<'s>>) -> &'s str {
        let fail_at = match &err {
            nom::Err::Error(f) | nom::Err::Failure(f) if self.off(f.at) >= self.off(item_start) => {
                self.rest_at(self.off(f.at))
            }
            _ => item_start,
        };
        self.record(err);
        let resume = self.skip_clause(fail_at);
        if self.off(resume) <= self.off(item_start) && !resume.starts_with('}') {
            let step = item_start.chars().next().map_or(0, char::len_utf8);
            return item_start.get(step..).unwrap_or_default();
        }
        resume
    }

    fn skip_clause(&self, from: &'s str) -> &'s str {
        let mut depth = 0u32;
        let mut in_comment = false;
        for (n, c) in from.char_indices() {
            let here = from.get(n..).unwrap_or_default();
            match c {
                '#' => in_comment = true,
                '{' if !in_comment => depth += 1,
                '}' if !in_comment => match depth.checked_sub(1) {
                    Some(d) => depth = d,
                    None => return here,
                },
                '\n' => {
                    in_comment = false;
                    let next = here.get(1..).unwrap_or_default();
                    if depth == 0 || self.at_rule_header(self.blanks(next)) {
                        return next;
                    }
                }
                _ => {}
            }
        }
        from.get(from.len()..).unwrap_or_default()
    }
}
