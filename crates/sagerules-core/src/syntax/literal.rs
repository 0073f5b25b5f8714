//! Literal values: `'s'`, `"s"`, `42`, `-1.5e3`, `true`, `null`, `/regex/`, `r[1, 5)`,
//! `[1, 2]`, `{ key: 'v' }`.
//!
//! Escapes follow cfn-guard exactly: inside a quoted string only `\` before the closing quote
//! character is an escape (`"a\"b"` is `a"b`); every other backslash is kept as written
//! (`"a\d"` is `a\d`), so regex-like strings need no doubling. Inside `/.../` only `\/` is an
//! escape.

use nom::bytes::complete::tag;
use nom::character::complete::{char, one_of};
use nom::combinator::{opt, recognize};
use nom::sequence::{pair, tuple};

use super::error::{backtrack, Diag, PResult};
use super::{Parser, MAX_DEPTH};
use crate::ast::{Literal, LiteralKind, Range, Span};

const BOOL_NULL: [(&str, LiteralKind); 9] = [
    ("true", LiteralKind::Bool(true)),
    ("True", LiteralKind::Bool(true)),
    ("TRUE", LiteralKind::Bool(true)),
    ("false", LiteralKind::Bool(false)),
    ("False", LiteralKind::Bool(false)),
    ("FALSE", LiteralKind::Bool(false)),
    ("null", LiteralKind::Null),
    ("Null", LiteralKind::Null),
    ("NULL", LiteralKind::Null),
];

impl<'s> Parser<'s> {
    /// A literal at `i` (no leading whitespace), or a backtrack if `i` does not start one.
    pub(crate) fn literal(&self, i: &'s str) -> PResult<'s, Literal> {
        match i.chars().next() {
            Some('\'' | '"') => self.string_literal(i),
            Some('/') => self.regex(i),
            Some('[') => self.list(i),
            Some('{') => self.map(i),
            Some('-' | '0'..='9') => self.number(i),
            Some('r') if self.at_range(i) => self.range(i),
            _ => self.bool_or_null(i),
        }
    }

    /// Whether `i` starts a literal (as opposed to a query or call).
    pub(crate) fn at_literal(&self, i: &'s str) -> bool {
        match i.chars().next() {
            Some('\'' | '"' | '/' | '[' | '-' | '0'..='9') => true,
            Some('{') => self.at_map(i),
            Some('r') => self.at_range(i),
            _ => self.bool_or_null(i).is_ok(),
        }
    }

    fn string_literal(&self, i: &'s str) -> PResult<'s, Literal> {
        let (rest, text) = self.quoted(i)?;
        Ok((
            rest,
            Literal {
                kind: LiteralKind::String(text),
                span: self.span(i, rest),
            },
        ))
    }

    /// A quoted string's content, escapes resolved (see the module docs).
    pub(crate) fn quoted(&self, i: &'s str) -> PResult<'s, String> {
        let quote = match i.chars().next() {
            Some(q @ ('\'' | '"')) => q,
            _ => return backtrack(i),
        };
        let key = if quote == '\'' { "'" } else { "\"" };
        if self.known_unclosed(key, i) {
            return Err(self.unclosed_string(i, quote));
        }
        let body = i.get(1..).unwrap_or_default();
        let mut text = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((n, c)) = chars.next() {
            if c == '\\' && chars.peek().is_some_and(|(_, next)| *next == quote) {
                text.push(quote);
                chars.next();
            } else if c == quote {
                return Ok((body.get(n + 1..).unwrap_or_default(), text));
            } else {
                text.push(c);
            }
        }
        self.unclosed.borrow_mut().insert(key, self.off(i));
        Err(self.unclosed_string(i, quote))
    }

    /// Whether a scan for `key` from `i` is already known to reach the end of input.
    pub(crate) fn known_unclosed(&self, key: &'static str, i: &'s str) -> bool {
        self.unclosed
            .borrow()
            .get(key)
            .is_some_and(|from| self.off(i) >= *from)
    }

    fn unclosed_string(&self, i: &'s str, quote: char) -> nom::Err<super::error::Fail<'s>> {
        let start = self.off(i);
        self.failure(
            i,
            Diag {
                span: Span::new(start, start + 1),
                message: "unclosed string".to_string(),
                expected: vec![format!("{quote}")],
                found: Some("end of input".to_string()),
                hint: Some(format!(
                    "add the closing `{quote}`; write `\\{quote}` for a quote inside the string"
                )),
            },
        )
    }

    /// `/pattern/`, with `\/` for a slash inside; must close on the same line.
    fn regex(&self, i: &'s str) -> PResult<'s, Literal> {
        let body = i.get(1..).unwrap_or_default();
        let mut pattern = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((n, c)) = chars.next() {
            match c {
                '\\' if chars.peek().is_some_and(|(_, next)| *next == '/') => {
                    pattern.push('/');
                    chars.next();
                }
                '/' => {
                    let rest = body.get(n + 1..).unwrap_or_default();
                    let kind = LiteralKind::Regex(pattern);
                    return Ok((
                        rest,
                        Literal {
                            kind,
                            span: self.span(i, rest),
                        },
                    ));
                }
                '\n' => break,
                c => pattern.push(c),
            }
        }
        let start = self.off(i);
        Err(self.failure(
            i,
            Diag {
                span: Span::new(start, start + 1),
                message: "unclosed regex".to_string(),
                expected: vec!["/".to_string()],
                found: Some("end of line".to_string()),
                hint: Some(
                    "a regex ends with `/` on the same line; write `\\/` for a slash inside it"
                        .to_string(),
                ),
            },
        ))
    }

    /// `42`, `-7`, `1.5`, `-1.5e3`.
    fn number(&self, i: &'s str) -> PResult<'s, Literal> {
        let fraction = opt(pair(char('.'), |s| self.digits(s)));
        let exponent = opt(tuple((one_of("eE"), opt(one_of("+-")), |s| self.digits(s))));
        let (rest, text) = match recognize(tuple((
            opt(char('-')),
            |s| self.digits(s),
            fraction,
            exponent,
        )))(i)
        {
            Ok(ok) => ok,
            Err(_) => return self.fail(i, "expected a number after `-`", &["a number"]),
        };
        let span = self.span(i, rest);
        let kind = if text.contains(['.', 'e', 'E']) {
            text.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(LiteralKind::Float)
        } else {
            text.parse::<i64>().ok().map(LiteralKind::Int)
        };
        match kind {
            Some(kind) => Ok((rest, Literal { kind, span })),
            None => Err(self.failure(
                i,
                Diag {
                    span,
                    message: "number out of range".to_string(),
                    expected: vec!["a 64-bit integer".to_string()],
                    hint: Some(
                        "integers are 64-bit signed; write a float (`1.0e20`) for larger values"
                            .to_string(),
                    ),
                    ..Diag::default()
                },
            )),
        }
    }

    fn bool_or_null(&self, i: &'s str) -> PResult<'s, Literal> {
        for (word, kind) in BOOL_NULL {
            if let Ok((rest, _)) = self.keyword(i, &[word]) {
                return Ok((
                    rest,
                    Literal {
                        kind,
                        span: self.span(i, rest),
                    },
                ));
            }
        }
        backtrack(i)
    }

    /// Runs `f` one nesting level deeper, failing instead once [`MAX_DEPTH`] is reached.
    pub(crate) fn nested<T>(
        &self,
        i: &'s str,
        f: impl FnOnce(&'s str) -> PResult<'s, T>,
    ) -> PResult<'s, T> {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            let diag = Diag {
                span: self.token_span(i),
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                hint: Some("split the rule into smaller rules or `let` variables".to_string()),
                ..Diag::default()
            };
            return Err(self.failure(i, diag));
        }
        self.depth.set(depth + 1);
        let result = f(i);
        self.depth.set(depth);
        result
    }

    /// `[a, b, c]` (a trailing comma is allowed).
    fn list(&self, i: &'s str) -> PResult<'s, Literal> {
        self.nested(i, |i| {
            let (rest, items) = self.comma_list(i, '[', ']', |s| self.list_element(s))?;
            Ok((
                rest,
                Literal {
                    kind: LiteralKind::List(items),
                    span: self.span(i, rest),
                },
            ))
        })
    }

    fn list_element(&self, i: &'s str) -> PResult<'s, Literal> {
        match self.literal(i) {
            Err(nom::Err::Error(_)) => self.fail(
                i,
                "expected a literal value in the list",
                &["a string", "a number", "a list"],
            ),
            other => other,
        }
    }

    /// `open item, item, ... close`, whitespace and comments allowed around items.
    pub(crate) fn comma_list<T>(
        &self,
        i: &'s str,
        open: char,
        close: char,
        mut item: impl FnMut(&'s str) -> PResult<'s, T>,
    ) -> PResult<'s, Vec<T>> {
        let (mut rest, _) = char(open)(i)?;
        let mut items = Vec::new();
        loop {
            rest = self.ws(rest);
            if let Some(after) = rest.strip_prefix(close) {
                return Ok((after, items));
            }
            if rest.is_empty() || self.at_rule_header(rest) {
                return Err(self.unclosed(i, open, close, rest));
            }
            let (after, value) = item(rest)?;
            items.push(value);
            rest = self.list_separator(self.ws(after), (i, open, close))?;
        }
    }

    /// After an item: `,` (consumed) or the closing bracket (left in place).
    fn list_separator(
        &self,
        rest: &'s str,
        (open_at, open, close): (&'s str, char, char),
    ) -> Result<&'s str, nom::Err<super::error::Fail<'s>>> {
        if let Some(after) = rest.strip_prefix(',') {
            return Ok(after);
        }
        if rest.starts_with(close) {
            return Ok(rest);
        }
        if rest.is_empty() || self.at_rule_header(rest) {
            return Err(self.unclosed(open_at, open, close, rest));
        }
        let mut diag = self.diag(
            rest,
            &format!("expected `,` or `{close}`"),
            &[",", &close.to_string()],
        );
        diag.hint = super::error::hint_for(super::error::token_text(rest));
        Err(self.failure(rest, diag))
    }

    /// "`[` is never closed", pointing at the opening bracket.
    pub(crate) fn unclosed(
        &self,
        open_at: &'s str,
        open: char,
        close: char,
        found: &'s str,
    ) -> nom::Err<super::error::Fail<'s>> {
        let start = self.off(open_at);
        self.failure(
            found,
            Diag {
                span: Span::new(start, start + super::to_u32(open.len_utf8())),
                message: format!("unclosed `{open}`"),
                expected: vec![close.to_string()],
                found: Some(super::error::found_at(found)),
                hint: Some(format!("add `{close}` to close the `{open}` opened here")),
            },
        )
    }

    /// Whether `i` starts a map literal: `{` then `}` or `key:` (a block never does).
    pub(crate) fn at_map(&self, i: &'s str) -> bool {
        let Some(body) = i.strip_prefix('{') else {
            return false;
        };
        let body = self.blanks_and_newlines(body);
        if body.starts_with('}') {
            return true;
        }
        match self.map_key(body) {
            Ok((rest, _)) => {
                let rest = self.blanks(rest);
                rest.starts_with(':') && !rest.starts_with("::")
            }
            Err(_) => false,
        }
    }

    fn blanks_and_newlines(&self, i: &'s str) -> &'s str {
        i.trim_start_matches([' ', '\t', '\r', '\n'])
    }

    /// `{ key: value, "other-key": value }`.
    fn map(&self, i: &'s str) -> PResult<'s, Literal> {
        self.nested(i, |i| {
            let (rest, entries) = self.comma_list(i, '{', '}', |s| self.map_entry(s))?;
            Ok((
                rest,
                Literal {
                    kind: LiteralKind::Map(entries),
                    span: self.span(i, rest),
                },
            ))
        })
    }

    fn map_entry(&self, i: &'s str) -> PResult<'s, (String, Literal)> {
        let (rest, key) = match self.map_key(i) {
            Err(nom::Err::Error(_)) => {
                return self.fail(i, "expected a map key", &["a key", "a quoted key"])
            }
            other => other?,
        };
        let rest = self.ws(rest);
        let Ok((rest, _)) = tag::<_, _, super::error::Fail<'s>>(":")(rest) else {
            return self.fail(rest, "expected `:` after the map key", &[":"]);
        };
        let rest = self.ws(rest);
        let (rest, value) = match self.literal(rest) {
            Err(nom::Err::Error(_)) => {
                return self.fail(
                    rest,
                    "expected a literal value after `:`",
                    &["a string", "a number"],
                )
            }
            other => other?,
        };
        Ok((rest, (key, value)))
    }

    /// A map key: quoted, or bare letters, digits, `_` and `-`.
    fn map_key(&self, i: &'s str) -> PResult<'s, String> {
        if i.starts_with(['\'', '"']) {
            return self.quoted(i);
        }
        let len = i
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
            .map_or(i.len(), |(n, _)| n);
        match (i.get(..len), i.get(len..)) {
            (Some(key), Some(rest)) if len > 0 => Ok((rest, key.to_string())),
            _ => backtrack(i),
        }
    }

    /// Whether `i` is `r[` or `r(` followed by a scalar and a comma.
    fn at_range(&self, i: &'s str) -> bool {
        let Some(body) = i.strip_prefix("r[").or_else(|| i.strip_prefix("r(")) else {
            return false;
        };
        let body = self.blanks(body);
        match self.range_bound(body) {
            Ok((rest, _)) => self.blanks(rest).starts_with(','),
            Err(_) => false,
        }
    }

    /// `r[1, 5]`, `r(0.5, 1]`, `r['a', 'f')`: brackets include, parentheses exclude.
    fn range(&self, i: &'s str) -> PResult<'s, Literal> {
        let lower_inclusive = i.starts_with("r[");
        let rest = self.blanks(i.get(2..).unwrap_or_default());
        let chars = bare_char(rest).is_some();
        let (rest, lower) = self.range_bound(rest)?;
        let rest = self.blanks(rest);
        let rest = rest.strip_prefix(',').unwrap_or(rest);
        let rest = self.blanks(rest);
        let (rest, upper) = match self.range_bound(rest) {
            Err(nom::Err::Error(_)) => {
                return self.fail(
                    rest,
                    "expected the range's upper bound",
                    &["a number", "a string"],
                )
            }
            other => other?,
        };
        let rest = self.blanks(rest);
        let (rest, upper_inclusive) = match rest.chars().next() {
            Some(']') => (rest.get(1..).unwrap_or_default(), true),
            Some(')') => (rest.get(1..).unwrap_or_default(), false),
            _ => return self.fail(rest, "expected `]` or `)` to close the range", &["]", ")"]),
        };
        let range = Range {
            lower,
            upper,
            lower_inclusive,
            upper_inclusive,
            chars,
        };
        Ok((
            rest,
            Literal {
                kind: LiteralKind::Range(Box::new(range)),
                span: self.span(i, rest),
            },
        ))
    }

    fn range_bound(&self, i: &'s str) -> PResult<'s, Literal> {
        if let Some(c) = bare_char(i) {
            let rest = i.get(c.len_utf8()..).unwrap_or_default();
            let kind = LiteralKind::String(c.to_string());
            return Ok((
                rest,
                Literal {
                    kind,
                    span: self.span(i, rest),
                },
            ));
        }
        match i.chars().next() {
            Some('\'' | '"') => self.string_literal(i),
            Some('-' | '0'..='9') => self.number(i),
            _ => backtrack(i),
        }
    }
}

/// A range bound written as one bare letter (`a` in `r[a, f]`, Guard's character literal):
/// a letter followed by `,`, `]`, `)` or a blank.
fn bare_char(i: &str) -> Option<char> {
    let mut chars = i.chars();
    let c = chars.next().filter(char::is_ascii_alphabetic)?;
    let next = chars.next()?;
    matches!(next, ',' | ']' | ')' | ' ' | '\t').then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(src: &str) -> LiteralKind {
        let p = Parser::new(src);
        let (rest, lit) = p.literal(src).unwrap();
        assert_eq!(rest, "", "left over");
        lit.kind
    }

    #[test]
    fn strings_escape_only_their_quote() {
        assert_eq!(lit(r#""a\"b""#), LiteralKind::String("a\"b".into()));
        assert_eq!(lit(r"'a\'b'"), LiteralKind::String("a'b".into()));
        assert_eq!(lit(r#""a\db""#), LiteralKind::String("a\\db".into()));
        assert_eq!(lit(r#""a\\"b""#), LiteralKind::String("a\\\"b".into()));
    }

    #[test]
    fn regex_unescapes_slash() {
        assert_eq!(lit(r"/a\/b\d/"), LiteralKind::Regex("a/b\\d".into()));
    }

    #[test]
    fn numbers() {
        assert_eq!(lit("-3"), LiteralKind::Int(-3));
        assert_eq!(lit("1.5"), LiteralKind::Float(1.5));
        assert_eq!(lit("-1.5e3"), LiteralKind::Float(-1500.0));
    }

    #[test]
    fn bools_and_null_in_three_cases() {
        assert_eq!(lit("True"), LiteralKind::Bool(true));
        assert_eq!(lit("FALSE"), LiteralKind::Bool(false));
        assert_eq!(lit("NULL"), LiteralKind::Null);
    }

    #[test]
    fn map_with_bare_and_quoted_keys() {
        let LiteralKind::Map(entries) = lit("{ a-b: 1, 'c': [true] }") else {
            panic!()
        };
        assert_eq!(
            entries.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["a-b", "c"]
        );
    }

    #[test]
    fn half_open_range() {
        let LiteralKind::Range(r) = lit("r(1, 5]") else {
            panic!()
        };
        assert!(!r.lower_inclusive && r.upper_inclusive);
    }
}
