//! Literals compiled once at build time: scalars, lists and maps become data [`Node`]s (so
//! comparing them with the document needs no conversion), regexes become [`Pattern`]s: the
//! linear-time `regex` engine, or in the Guard dialect, for what it cannot run (look-around,
//! back-references), Guard's own backtracking engine with a hard step limit.

use regex::Regex;
use sagerules_data::{Map, Node, Pos, Value};

use crate::ast::{Literal, LiteralKind};
use crate::dialect::Dialect;

/// A compiled literal.
#[derive(Clone, Debug)]
pub(crate) enum Lit {
    /// A plain value: `'x'`, `3`, `[1, 2]`, `{ a: 1 }`.
    Node(Node),
    Regex(Pattern),
    Range(RangeLit),
    /// A list holding regexes or ranges: `[/^a/, 'b']`.
    Mixed(Vec<Lit>),
}

/// `r[1, 5)`: bounds as data values.
#[derive(Clone, Debug)]
pub(crate) struct RangeLit {
    pub lower: Node,
    pub upper: Node,
    pub lower_inclusive: bool,
    pub upper_inclusive: bool,
    /// False for a character range in the Guard dialect, which no value is inside.
    pub comparable: bool,
}

/// A compiled regex.
#[derive(Clone, Debug)]
pub(crate) enum Pattern {
    Linear(Regex),
    /// Guard dialect only: a pattern the linear engine refuses, on fancy-regex (Guard's engine)
    /// with at most [`BACKTRACK_LIMIT`] backtracking steps per match.
    Backtracking(fancy_regex::Regex),
}

/// Backtracking steps one match may take before it is an error (a runaway pattern such as
/// `(a+)+$` on a long string), never a hang.
pub(crate) const BACKTRACK_LIMIT: usize = 1_000_000;

impl Pattern {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Pattern::Linear(regex) => regex.as_str(),
            Pattern::Backtracking(regex) => regex.as_str(),
        }
    }

    /// Whether `text` matches; an error when the backtracking engine gave up.
    pub(crate) fn is_match(&self, text: &str) -> Result<bool, String> {
        match self {
            Pattern::Linear(regex) => Ok(regex.is_match(text)),
            Pattern::Backtracking(regex) => regex.is_match(text).map_err(|e| {
                format!(
                    "the regex /{}/ was stopped after {BACKTRACK_LIMIT} backtracking steps: {e}",
                    regex.as_str()
                )
            }),
        }
    }

    /// The linear engine's regex, when this is one.
    pub(crate) fn linear(&self) -> Option<&Regex> {
        match self {
            Pattern::Linear(regex) => Some(regex),
            Pattern::Backtracking(_) => None,
        }
    }
}

/// Why a literal could not be compiled: a message and a hint.
pub(crate) struct LitError {
    pub message: String,
    pub hint: Option<String>,
}

pub(crate) fn compile(literal: &Literal, dialect: Dialect) -> Result<Lit, LitError> {
    match &literal.kind {
        LiteralKind::Regex(pattern) => compile_pattern(pattern, dialect).map(Lit::Regex),
        LiteralKind::Range(range) => Ok(Lit::Range(RangeLit {
            lower: plain_node(&range.lower)?,
            upper: plain_node(&range.upper)?,
            lower_inclusive: range.lower_inclusive,
            upper_inclusive: range.upper_inclusive,
            // Guard's characters compare with no string: `'c' in r[a, f]` is FAIL there.
            comparable: !(range.chars && dialect == Dialect::Guard),
        })),
        LiteralKind::List(items) if items.iter().any(needs_mixed) => items
            .iter()
            .map(|item| compile(item, dialect))
            .collect::<Result<Vec<_>, _>>()
            .map(Lit::Mixed),
        _ => plain_node(literal).map(Lit::Node),
    }
}

/// Compiles a pattern: with the linear-time engine, or in the Guard dialect, when that engine
/// refuses it, with the backtracking one.
pub(crate) fn compile_pattern(pattern: &str, dialect: Dialect) -> Result<Pattern, LitError> {
    match compile_regex(pattern) {
        Ok(regex) => Ok(Pattern::Linear(regex)),
        Err(linear_error) if dialect == Dialect::Guard => {
            fancy_regex::RegexBuilder::new(&literal_braces(pattern))
                .backtrack_limit(BACKTRACK_LIMIT)
                .build()
                .map(Pattern::Backtracking)
                .map_err(|_| linear_error)
        }
        Err(error) => Err(error),
    }
}

/// Compiles a pattern with the linear-time engine, explaining what it cannot do. A `{` that
/// starts no repetition is a literal brace, as in Guard's engine (`/{{resolve:ssm:.*}}/`).
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, LitError> {
    Regex::new(&literal_braces(pattern)).map_err(|error| LitError {
        message: format!(
            "invalid regular expression /{pattern}/: {}",
            first_line(&error.to_string())
        ),
        hint: Some(regex_hint(pattern)),
    })
}

fn regex_hint(pattern: &str) -> String {
    let lookaround = ["(?=", "(?!", "(?<=", "(?<!"]
        .iter()
        .any(|p| pattern.contains(p));
    let backref = pattern
        .as_bytes()
        .windows(2)
        .any(|w| matches!(w, [b'\\', b'1'..=b'9']));
    if lookaround || backref {
        "regexes run on a linear-time engine without look-around or back-references; \
         express the negative case with `!=` or a second clause instead"
            .to_string()
    } else {
        "regexes use Rust `regex` syntax (https://docs.rs/regex)".to_string()
    }
}

fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(text)
        .trim();
    line.strip_prefix("error: ").unwrap_or(line).to_string()
}

fn needs_mixed(literal: &Literal) -> bool {
    match &literal.kind {
        LiteralKind::Regex(_) | LiteralKind::Range(_) => true,
        LiteralKind::List(items) => items.iter().any(needs_mixed),
        _ => false,
    }
}

/// A literal without regexes or ranges, as a data node.
fn plain_node(literal: &Literal) -> Result<Node, LitError> {
    let value = match &literal.kind {
        LiteralKind::Null => Value::Null,
        LiteralKind::Bool(b) => Value::Bool(*b),
        LiteralKind::Int(i) => Value::Int(*i),
        LiteralKind::Float(f) => Value::Float(*f),
        LiteralKind::String(s) => Value::String(s.as_str().into()),
        LiteralKind::List(items) => {
            Value::List(items.iter().map(plain_node).collect::<Result<_, _>>()?)
        }
        LiteralKind::Map(entries) => Value::map(map_node(entries)?),
        LiteralKind::Regex(_) | LiteralKind::Range(_) => {
            return Err(LitError {
                message: "a regex or range cannot appear inside a map or range literal".to_string(),
                hint: None,
            })
        }
    };
    Ok(Node::new(value, Pos::default()))
}

fn map_node(entries: &[(String, Literal)]) -> Result<Map, LitError> {
    let mut map = Map::with_capacity(entries.len());
    for (key, value) in entries {
        map.insert(key.as_str().into(), plain_node(value)?);
    }
    Ok(map)
}

/// `pattern` with every brace that is not part of a repetition (`a{2}`, `a{2,}`, `a{2,5}`
/// after something to repeat) escaped: `{{resolve:.*}}` → `\{\{resolve:.*\}\}`. Escapes and
/// character classes are copied as written.
pub(crate) fn literal_braces(pattern: &str) -> std::borrow::Cow<'_, str> {
    if !pattern.contains(['{', '}']) {
        return std::borrow::Cow::Borrowed(pattern);
    }
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut rest = pattern;
    // Whether the last token can take a repetition (a character, a class, a group, `.`).
    let mut repeatable = false;
    while let Some(c) = rest.chars().next() {
        let len = c.len_utf8();
        match c {
            '\\' => {
                let escaped = rest.chars().nth(1).map_or(0, char::len_utf8);
                out.push_str(rest.get(..len + escaped).unwrap_or(rest));
                rest = rest.get(len + escaped..).unwrap_or_default();
                repeatable = true;
                continue;
            }
            '[' => {
                let end = class_end(rest);
                out.push_str(rest.get(..end).unwrap_or(rest));
                rest = rest.get(end..).unwrap_or_default();
                repeatable = true;
                continue;
            }
            '{' => match repetition_len(rest) {
                Some(n) if repeatable => {
                    out.push_str(rest.get(..n).unwrap_or(rest));
                    rest = rest.get(n..).unwrap_or_default();
                    repeatable = false;
                    continue;
                }
                _ => {
                    out.push_str("\\{");
                    repeatable = true;
                }
            },
            '}' => {
                out.push_str("\\}");
                repeatable = true;
            }
            '(' | '|' => {
                out.push(c);
                repeatable = false;
            }
            '*' | '+' | '?' => {
                out.push(c);
                repeatable = false;
            }
            _ => {
                out.push(c);
                repeatable = true;
            }
        }
        rest = rest.get(len..).unwrap_or_default();
    }
    std::borrow::Cow::Owned(out)
}

/// The length of `{n}`, `{n,}` or `{n,m}` at the start of `text`, if it is one.
fn repetition_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('{')?;
    let close = inner.find('}')?;
    let body = inner.get(..close)?;
    let (low, high) = body.split_once(',').unwrap_or((body, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(low) && (high.is_empty() || digits(high))).then_some(close + 2)
}

/// The length of the character class `[...]` at the start of `text` (all of it when unclosed).
fn class_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 1;
    if bytes.get(i) == Some(&b'^') {
        i += 1;
    }
    if bytes.get(i) == Some(&b']') {
        i += 1;
    }
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b']' => return i + 1,
            _ => i += 1,
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_that_repeat_nothing_are_literal() {
        assert_eq!(
            literal_braces("{{resolve:ssm:.*}}"),
            "\\{\\{resolve:ssm:.*\\}\\}"
        );
        assert_eq!(literal_braces("a{2}b{1,}c{1,3}"), "a{2}b{1,}c{1,3}");
        assert_eq!(literal_braces("(?:{x})"), "(?:\\{x\\})");
        assert_eq!(literal_braces("[{}]{2}"), "[{}]{2}");
        assert_eq!(literal_braces("\\{a"), "\\{a");
        assert_eq!(literal_braces("plain"), "plain");
        let regex = compile_regex("{{resolve\\:secretsmanager\\:.*}}")
            .ok()
            .unwrap();
        let lookaround = compile_pattern("^(?!alias)", Dialect::Guard).ok().unwrap();
        assert_eq!(lookaround.is_match("arn:x"), Ok(true));
        assert_eq!(lookaround.is_match("alias/x"), Ok(false));
        assert!(compile_pattern("^(?!alias)", Dialect::Sagerules).is_err());
        let runaway = compile_pattern("^(a+)+\\1$", Dialect::Guard).ok().unwrap();
        let error = runaway
            .is_match(&format!("{}b", "a".repeat(40)))
            .unwrap_err();
        assert!(error.contains("backtracking steps"), "{error}");
        assert!(regex.is_match("{{resolve:secretsmanager:MySecret:SecretString:password}}"));
        assert!(!regex.is_match("hunter2"));
    }
}
