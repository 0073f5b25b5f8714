//! Builds [`Finding`]s: the JSON pointer, the position, short `expected` / `found` texts and
//! the clause's message with `{{%var}}` filled in. Only called for checks that failed (or
//! could not be decided), so none of this runs on the passing path.

use std::fmt::Write as _;
use std::sync::Arc;

use sagerules_data::{Node, Pos, Value};

use crate::ast::{Check, CmpOp, Message, MessagePart, OpKind, QueryBlock, RuleRef};
use crate::eval::engine::{Ctx, EvalResult, Scope};
use crate::eval::value::{Got, Miss, Val, NO_PATH};
use crate::report::{Finding, Status};
use crate::ruleset::{Lit, RangeLit};
use sagerules_data::Pointer;

/// Longest `found` / `expected` text before it is cut with `…`.
const MAX_TEXT: usize = 120;

/// The message with variables: resolved in the clause's scope.
pub(crate) fn message<'c>(
    ctx: &'c Ctx<'c>,
    message: Option<&'c Message>,
    scope: &Scope<'_, 'c>,
) -> EvalResult<Option<Arc<str>>> {
    let Some(message) = message else {
        return Ok(None);
    };
    let mut out = String::new();
    for part in &message.parts {
        match part {
            MessagePart::Text(text) => out.push_str(text),
            MessagePart::Var(query) => {
                let values = ctx.quietly(false, false, || ctx.query(query, scope))?;
                let texts: Vec<String> = values.iter().map(message_text).collect();
                out.push_str(&texts.join(", "));
            }
        }
    }
    Ok(Some(ctx.shared(out.trim())))
}

/// A value as a message shows it: strings without quotes (`{{%name}}` → `Nb`), the rest
/// as in `found`.
fn message_text(got: &Got<'_>) -> String {
    match got {
        Got::Val(val) => match val.as_str() {
            Some(text) => truncate(text.to_string()),
            None => found_text(got),
        },
        Got::Missing { .. } => found_text(got),
    }
}

pub(crate) fn pointer(ctx: &Ctx<'_>, got: &Got<'_>) -> Pointer {
    let paths = ctx.paths.borrow();
    match got {
        Got::Val(val) if val.path() == NO_PATH => Pointer::root(),
        Got::Val(val) => paths.pointer(val.path()),
        Got::Missing { at, miss, .. } => {
            let index;
            let missing = match miss {
                Miss::Key(key) => Some(*key),
                Miss::Index(i) => {
                    index = i.to_string();
                    Some(index.as_str())
                }
                _ => None,
            };
            if *at == NO_PATH {
                Pointer::from_keys(missing)
            } else {
                paths.pointer_then(*at, missing)
            }
        }
    }
}

fn got_pos(got: &Got<'_>) -> Pos {
    match got {
        Got::Val(val) => val.pos(),
        Got::Missing { pos, .. } => *pos,
    }
}

pub(crate) fn check_finding(
    ctx: &Ctx<'_>,
    check: &Check,
    negated: bool,
    got: &Got<'_>,
    rhs: Option<&[Got<'_>]>,
    message: Option<Arc<str>>,
    why: Option<std::rc::Rc<str>>,
) -> Finding {
    let mut found = found_text(got);
    if let Some(why) = why.filter(|why| !found.contains(why.as_ref())) {
        found = format!("{found} ({why})");
    }
    Finding {
        pointer: pointer(ctx, got),
        pos: got_pos(got),
        expected: expected_text(&check.op.kind, negated, rhs),
        found,
        message,
        source: ctx.source.get(),
        span: check.span,
        alternatives: Vec::new(),
    }
}

/// `%nbs !empty` when `%nbs` has no values at all.
pub(crate) fn nothing_finding(ctx: &Ctx<'_>, check: &Check) -> Finding {
    Finding {
        pointer: Pointer::root(),
        pos: Pos::default(),
        expected: "not empty".to_string(),
        found: "no values".to_string(),
        message: None,
        source: ctx.source.get(),
        span: check.span,
        alternatives: Vec::new(),
    }
}

pub(crate) fn rule_ref_finding(
    ctx: &Ctx<'_>,
    rule_ref: &RuleRef,
    inner: Status,
    message: Option<Arc<str>>,
) -> Finding {
    let want = if rule_ref.not { "FAIL" } else { "PASS" };
    Finding {
        pointer: Pointer::root(),
        pos: Pos::default(),
        expected: format!("rule {} to {want}", rule_ref.name.name),
        found: inner.as_str().to_string(),
        message,
        source: ctx.source.get(),
        span: rule_ref.span,
        alternatives: Vec::new(),
    }
}

pub(crate) fn missing_block_finding(
    ctx: &Ctx<'_>,
    qb: &QueryBlock,
    got: &Got<'_>,
    message: Option<Arc<str>>,
) -> Finding {
    Finding {
        pointer: pointer(ctx, got),
        pos: got_pos(got),
        expected: "a value to check".to_string(),
        found: found_text(got),
        message,
        source: ctx.source.get(),
        span: qb.query.span,
        alternatives: Vec::new(),
    }
}

fn expected_text(op: &OpKind, negated: bool, rhs: Option<&[Got<'_>]>) -> String {
    let not = if negated { "not " } else { "" };
    match op {
        OpKind::Unary(unary) => format!("{not}{}", unary.keyword()),
        OpKind::Binary(cmp, _) => {
            let (symbol, negated) = match (cmp, negated) {
                (CmpOp::Eq, true) | (CmpOp::Ne, false) => ("!=", false),
                (CmpOp::Eq, false) | (CmpOp::Ne, true) => ("==", false),
                (CmpOp::Lt, n) => ("<", n),
                (CmpOp::Le, n) => ("<=", n),
                (CmpOp::Gt, n) => (">", n),
                (CmpOp::Ge, n) => (">=", n),
                (CmpOp::In, n) => ("in", n),
            };
            let values: Vec<String> = rhs.unwrap_or_default().iter().map(found_text).collect();
            let prefix = if negated { "not " } else { "" };
            truncate(format!("{prefix}{symbol} {}", values.join(", ")))
        }
    }
}

/// A short text for a value: `"Enabled"`, `3`, `["a","b"]`, `missing`.
pub(crate) fn found_text(got: &Got<'_>) -> String {
    match got {
        Got::Missing {
            miss: Miss::NoValue,
            ..
        } => "absent (AWS::NoValue)".to_string(),
        Got::Missing {
            miss: Miss::Nothing,
            ..
        } => "nothing (empty)".to_string(),
        Got::Missing {
            miss: Miss::Function(name),
            ..
        } => format!("no result from {name}"),
        Got::Missing { .. } => "missing".to_string(),
        Got::Val(val) => val_text(val),
    }
}

fn val_text(val: &Val<'_>) -> String {
    match val {
        Val::Doc(node, _) => node_text(node),
        Val::Key(key) => quoted(key),
        Val::Regex(regex) => format!("/{}/", regex.as_str()),
        Val::Range(range) => range_text(range),
        Val::Mixed(items) => {
            let texts: Vec<String> = items.iter().map(lit_text).collect();
            truncate(format!("[{}]", texts.join(", ")))
        }
        Val::Unknown(deferred) => format!("unknown until deployment: {}", deferred.why),
        Val::Any(deferred) => format!("any value: {}", deferred.why),
    }
}

fn lit_text(lit: &Lit) -> String {
    match lit {
        Lit::Node(node) => node_text(node),
        Lit::Regex(regex) => format!("/{}/", regex.as_str()),
        Lit::Range(range) => range_text(range),
        Lit::Mixed(items) => format!(
            "[{}]",
            items.iter().map(lit_text).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn range_text(range: &RangeLit) -> String {
    format!(
        "r{}{}, {}{}",
        if range.lower_inclusive { '[' } else { '(' },
        node_text(&range.lower),
        node_text(&range.upper),
        if range.upper_inclusive { ']' } else { ')' }
    )
}

/// Compact JSON, cut at [`MAX_TEXT`] characters without rendering the rest.
pub(crate) fn node_text(node: &Node) -> String {
    let mut out = String::new();
    write_node(node, &mut out);
    truncate(out)
}

fn write_node(node: &Node, out: &mut String) {
    if out.len() > MAX_TEXT {
        return;
    }
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        Value::String(s) => out.push_str(&quoted(s)),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_node(item, out);
                if out.len() > MAX_TEXT {
                    return;
                }
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (key, value)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&quoted(key));
                out.push(':');
                write_node(value, out);
                if out.len() > MAX_TEXT {
                    return;
                }
            }
            out.push('}');
        }
    }
}

fn quoted(text: &str) -> String {
    let short: String = text.chars().take(MAX_TEXT + 1).collect();
    format!("{short:?}")
}

fn truncate(text: String) -> String {
    if text.chars().count() <= MAX_TEXT {
        return text;
    }
    let mut short: String = text.chars().take(MAX_TEXT).collect();
    short.push('…');
    short
}
