//! Literals compiled once at build time: scalars, lists and maps become data [`Node`]s (so
//! comparing them with the document needs no conversion), regexes become [`regex::Regex`]es.

use regex::Regex;
use sagerules_data::{Map, Node, Pos, Value};

use crate::ast::{Literal, LiteralKind};

/// A compiled literal.
#[derive(Clone, Debug)]
pub(crate) enum Lit {
    /// A plain value: `'x'`, `3`, `[1, 2]`, `{ a: 1 }`.
    Node(Node),
    Regex(Regex),
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
}

/// Why a literal could not be compiled: a message and a hint.
pub(crate) struct LitError {
    pub message: String,
    pub hint: Option<String>,
}

pub(crate) fn compile(literal: &Literal) -> Result<Lit, LitError> {
    match &literal.kind {
        LiteralKind::Regex(pattern) => compile_regex(pattern).map(Lit::Regex),
        LiteralKind::Range(range) => Ok(Lit::Range(RangeLit {
            lower: plain_node(&range.lower)?,
            upper: plain_node(&range.upper)?,
            lower_inclusive: range.lower_inclusive,
            upper_inclusive: range.upper_inclusive,
        })),
        LiteralKind::List(items) if items.iter().any(needs_mixed) => items
            .iter()
            .map(compile)
            .collect::<Result<Vec<_>, _>>()
            .map(Lit::Mixed),
        _ => plain_node(literal).map(Lit::Node),
    }
}

/// Compiles a pattern with the linear-time engine, explaining what it cannot do.
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, LitError> {
    Regex::new(pattern).map_err(|error| LitError {
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
        LiteralKind::Map(entries) => Value::Map(map_node(entries)?),
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
