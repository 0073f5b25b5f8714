//! Queries (`Resources.*[ Type == 'X' ].Properties."Some-Key"[0]`), function calls
//! (`count(%x)`) and the operand expressions built from them and literals.

use nom::character::complete::char;

use super::clause::ClauseCx;
use super::error::{Diag, PResult};
use super::Parser;
use crate::ast::{Call, Conjunction, Expr, Filter, Ident, Query, Step};

/// A parsed query and whether it is a single bare identifier (`a`), which is a rule name when
/// no operator follows it.
pub(crate) struct ParsedQuery {
    pub query: Query,
    pub bare_ident: bool,
}

impl<'s> Parser<'s> {
    /// An operand: literal, function call or query. A leading quoted string is a literal here.
    pub(crate) fn expr(&self, i: &'s str) -> PResult<'s, Expr> {
        if self.at_literal(i) {
            let (rest, lit) = self.literal(i)?;
            return Ok((rest, Expr::Literal(lit)));
        }
        if self.at_call(i) {
            let (rest, call) = self.call(i)?;
            return Ok((rest, Expr::Call(call)));
        }
        let (rest, parsed) = self.query(i, false)?;
        Ok((rest, Expr::Query(parsed.query)))
    }

    /// Whether `i` is `name(`.
    pub(crate) fn at_call(&self, i: &'s str) -> bool {
        match self.ident(i) {
            Ok((rest, _)) => self.blanks(rest).starts_with('('),
            Err(_) => false,
        }
    }

    /// `name(arg, ...)`; arguments are any operands.
    pub(crate) fn call(&self, i: &'s str) -> PResult<'s, Call> {
        let (rest, name) = self.ident(i)?;
        let rest = self.blanks(rest);
        let (rest, args) =
            self.nested(rest, |s| self.comma_list(s, '(', ')', |a| self.argument(a)))?;
        Ok((
            rest,
            Call {
                name,
                args,
                span: self.span(i, rest),
            },
        ))
    }

    fn argument(&self, i: &'s str) -> PResult<'s, Expr> {
        match self.expr(i) {
            Err(nom::Err::Error(_)) => self.fail(
                i,
                "expected an argument",
                &["a query", "a variable", "a literal"],
            ),
            other => other,
        }
    }

    /// A query. `in_filter`: a bare `keys` first step means the key being filtered. A leading
    /// quoted string is a key (this is the left-hand side of a clause).
    pub(crate) fn query(&self, i: &'s str, in_filter: bool) -> PResult<'s, ParsedQuery> {
        let (mut rest, (first, bare_ident)) = self.first_step(i, in_filter)?;
        let mut steps = vec![first];
        loop {
            let next = self.ws(rest);
            let step = if next.starts_with('.') {
                self.dot_step(next)?
            } else if next.starts_with('[') {
                self.bracket_step(next)?
            } else {
                break;
            };
            steps.push(step.1);
            rest = step.0;
        }
        let bare_ident = bare_ident && steps.len() == 1;
        Ok((
            rest,
            ParsedQuery {
                query: Query {
                    steps,
                    span: self.span(i, rest),
                },
                bare_ident,
            },
        ))
    }

    fn first_step(&self, i: &'s str, in_filter: bool) -> PResult<'s, (Step, bool)> {
        if i.starts_with('%') {
            let (rest, var) = self.variable(i)?;
            return Ok((rest, (Step::Var(var), false)));
        }
        if i.starts_with(['\'', '"']) {
            let (rest, key) = self.quoted(i)?;
            return Ok((rest, (Step::Key(key, self.span(i, rest)), false)));
        }
        if let Some(rest) = i.strip_prefix('*') {
            return Ok((rest, (Step::AllValues(self.span(i, rest)), false)));
        }
        let (rest, ident) = self.ident(i)?;
        if super::lexer::KEYWORDS.contains(&ident.name.as_str()) {
            return Err(nom::Err::Error(super::error::Fail { at: i, diag: None }));
        }
        let step = match ident.name.as_str() {
            "this" | "THIS" => Step::This(ident.span),
            "keys" | "KEYS" if in_filter => Step::Keys(ident.span),
            _ => return Ok((rest, (Step::Key(ident.name, ident.span), true))),
        };
        Ok((rest, (step, false)))
    }

    /// `%name`.
    pub(crate) fn variable(&self, i: &'s str) -> PResult<'s, Ident> {
        let (after, _) = char('%')(i)?;
        match self.ident(after) {
            Ok((rest, mut ident)) => {
                ident.span = self.span(i, rest);
                Ok((rest, ident))
            }
            Err(_) => self.fail(after, "expected a variable name after `%`", &["a name"]),
        }
    }

    /// `.key`, `."quoted"`, `.*`, `.0`, `.%var`.
    fn dot_step(&self, i: &'s str) -> PResult<'s, Step> {
        let after = i.get(1..).unwrap_or_default();
        if let Some(rest) = after.strip_prefix('*') {
            return Ok((rest, Step::AllValues(self.span(i, rest))));
        }
        if after.starts_with('%') {
            let (rest, var) = self.variable(after)?;
            return Ok((rest, Step::Var(var)));
        }
        if after.starts_with(['\'', '"']) {
            let (rest, key) = self.quoted(after)?;
            return Ok((rest, Step::Key(key, self.span(after, rest))));
        }
        if after.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            return self.index_after_dot(after);
        }
        match self.ident(after) {
            Ok((rest, ident)) => Ok((rest, Step::Key(ident.name, ident.span))),
            Err(_) => {
                let mut diag = self.diag(
                    after,
                    "expected a key after `.`",
                    &["a key", "\"quoted-key\"", "*", "an index"],
                );
                if after.starts_with(char::is_whitespace) {
                    diag.hint = Some("remove the space after `.`".to_string());
                } else if after.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == ':') {
                    diag.hint = Some(
                        "keys with `-`, `:` or other symbols need quotes: `.\"my-key\"`"
                            .to_string(),
                    );
                }
                Err(self.failure(after, diag))
            }
        }
    }

    fn index_after_dot(&self, i: &'s str) -> PResult<'s, Step> {
        let (rest, index) = self.index(i)?;
        if rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '-') {
            let mut diag = self.diag(i, "a key cannot start with a digit", &["a key", "an index"]);
            diag.hint = Some("quote the key: `.\"0abc\"`".to_string());
            return Err(self.failure(i, diag));
        }
        Ok((rest, Step::Index(index, self.span(i, rest))))
    }

    /// `3` or `-1`.
    fn index(&self, i: &'s str) -> PResult<'s, i64> {
        let digits_at = i.strip_prefix('-').unwrap_or(i);
        let (rest, _) = self.digits(digits_at)?;
        let text = i.get(..i.len() - rest.len()).unwrap_or_default();
        match text.parse::<i64>() {
            Ok(n) => Ok((rest, n)),
            Err(_) => self.fail(i, "index out of range", &["an index"]),
        }
    }

    /// A diagnostic at the token starting `at`.
    pub(crate) fn diag(&self, at: &'s str, message: &str, expected: &[&str]) -> Diag {
        Diag {
            span: self.token_span(at),
            message: message.to_string(),
            expected: expected.iter().map(|e| (*e).to_string()).collect(),
            ..Diag::default()
        }
    }

    /// `[*]`, `[3]`, `['key']`, or a filter `[ name | clauses ]`.
    fn bracket_step(&self, i: &'s str) -> PResult<'s, Step> {
        self.nested(i, |i| {
            if let Some(done) = self.simple_bracket(i) {
                return Ok(done);
            }
            let (rest, filter) = self.filter(i)?;
            Ok((rest, Step::Filter(filter)))
        })
    }

    /// `[*]`, `[3]`, `['key']`, or `None` when the brackets hold a filter.
    fn simple_bracket(&self, i: &'s str) -> Option<(&'s str, Step)> {
        let inner = self.blanks(i.get(1..).unwrap_or_default());
        let (after, step) = if let Some(after) = inner.strip_prefix('*') {
            (after, Step::AllIndices(Default::default()))
        } else if let Ok((after, n)) = self.index(inner) {
            (after, Step::Index(n, Default::default()))
        } else if let Ok((after, key)) = self.quoted(inner) {
            (after, Step::Key(key, Default::default()))
        } else {
            return None;
        };
        let rest = self.blanks(after).strip_prefix(']')?;
        let span = self.span(i, rest);
        let step = match step {
            Step::AllIndices(_) => Step::AllIndices(span),
            Step::Index(n, _) => Step::Index(n, span),
            Step::Key(k, _) => Step::Key(k, span),
            other => other,
        };
        Some((rest, step))
    }

    /// `[ clauses ]`, `[ name | clauses ]` or `[ name ]` (every value, key bound to `name`).
    fn filter(&self, i: &'s str) -> PResult<'s, Filter> {
        let inner = self.ws(i.get(1..).unwrap_or_default());
        let (body, capture) = self.capture(inner);
        if capture.is_some() {
            let after = self.ws(body);
            if let Some(rest) = after.strip_prefix(']') {
                let conds = Conjunction {
                    clauses: Vec::new(),
                    span: self.span(after, after),
                };
                return Ok((
                    rest,
                    Filter {
                        capture,
                        conds,
                        span: self.span(i, rest),
                    },
                ));
            }
        }
        if self.ws(body).starts_with(']') {
            let diag = self.diag(
                self.ws(body),
                "empty filter",
                &["a clause", "*", "an index"],
            );
            return Err(self.failure(body, diag));
        }
        let (rest, conds) = self.conjunction_until(i, body, ']', ClauseCx::FILTER)?;
        Ok((
            rest,
            Filter {
                capture,
                conds,
                span: self.span(i, rest),
            },
        ))
    }

    /// `name |` (not `|OR|`) or a lone `name ]` at the start of a filter.
    fn capture(&self, i: &'s str) -> (&'s str, Option<Ident>) {
        let Ok((rest, ident)) = self.ident(i) else {
            return (i, None);
        };
        let after = self.ws(rest);
        if after.starts_with('|') && !after.starts_with("|OR|") {
            return (after.get(1..).unwrap_or_default(), Some(ident));
        }
        if after.starts_with(']') && !super::lexer::RESERVED.contains(&ident.name.as_str()) {
            return (rest, Some(ident));
        }
        (i, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(src: &str) -> Vec<Step> {
        let p = Parser::new(src);
        let (rest, q) = p.query(src, false).unwrap();
        assert_eq!(rest, "");
        q.query.steps
    }

    #[test]
    fn dotted_star_index_and_quoted_keys() {
        let s = steps("Resources.*.Properties.\"a-b\"['c-d'][0].x.0[*]");
        assert!(matches!(s[1], Step::AllValues(_)));
        assert!(matches!(&s[3], Step::Key(k, _) if k == "a-b"));
        assert!(matches!(&s[4], Step::Key(k, _) if k == "c-d"));
        assert!(matches!(s[5], Step::Index(0, _)));
        assert!(matches!(s[7], Step::Index(0, _)));
        assert!(matches!(s[8], Step::AllIndices(_)));
    }

    #[test]
    fn variables_first_and_interpolated() {
        let s = steps("Resources.%ids.Properties");
        assert!(matches!(&s[1], Step::Var(v) if v.name == "ids"));
    }

    #[test]
    fn filter_with_capture() {
        let s = steps("Resources[ id | Type == 'X' ]");
        let Step::Filter(f) = &s[1] else { panic!() };
        assert_eq!(f.capture.as_ref().unwrap().name, "id");
        assert_eq!(f.conds.clauses.len(), 1);
    }
}
