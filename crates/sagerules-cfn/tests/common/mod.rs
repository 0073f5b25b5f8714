//! Test helpers: JSON documents as [`Node`]s, and expansions as short text.

#![allow(dead_code, reason = "each test binary uses a subset")]

use sagerules_cfn::CfnExpander;
use sagerules_core::{Expander, Expansion};
use sagerules_data::{Node, Pos, Value};

/// A `serde_json` value as a node tree (positions made up).
pub fn node(json: serde_json::Value) -> Node {
    let value = match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap()),
        },
        serde_json::Value::String(s) => Value::String(s.into()),
        serde_json::Value::Array(items) => Value::List(items.into_iter().map(node).collect()),
        serde_json::Value::Object(map) => {
            Value::Map(map.into_iter().map(|(k, v)| (k.into_boxed_str(), node(v))).collect())
        }
    };
    Node::new(value, Pos::default())
}

/// A scalar or list as compact text: `Disabled`, `3`, `[a, b]`.
pub fn text(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::String(s) => s.to_string(),
        Value::List(items) => format!("[{}]", items.iter().map(text).collect::<Vec<_>>().join(", ")),
        Value::Map(map) => {
            let parts: Vec<String> = map.iter().map(|(k, v)| format!("{k}: {}", text(v))).collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// An expansion as one line: `Enabled (note) | <absent> (note)`, `unknown: why`, `any: why`.
pub fn show(expansion: Option<Expansion<'_>>) -> String {
    match expansion {
        None => "as is".into(),
        Some(Expansion::Unknown { why }) => format!("unknown: {why}"),
        Some(Expansion::Any { why, may_be_empty }) => {
            let empty = if may_be_empty { "may be empty" } else { "never empty" };
            format!("any ({empty}): {why}")
        }
        Some(Expansion::Alternatives(alts)) => alts
            .iter()
            .map(|a| {
                let value = a.node.map_or("<absent>".to_string(), text);
                match &a.note {
                    Some(note) => format!("{value} ({note})"),
                    None => value,
                }
            })
            .collect::<Vec<_>>()
            .join(" | "),
    }
}

/// Expands `value` as it would appear in a template made of `template` plus a resource.
pub fn expand_in(template: serde_json::Value, value: serde_json::Value) -> String {
    let mut doc = template;
    doc["Resources"]["Subject"] = serde_json::json!({"Type": "AWS::SageMaker::NotebookInstance",
        "Properties": {"Value": value}});
    let root = node(doc);
    let expander = CfnExpander::new(&root);
    let subject = root.get("Resources").and_then(|r| r.get("Subject")).and_then(|s| s.get("Properties"))
        .and_then(|p| p.get("Value")).unwrap();
    show(expander.expand(&root, subject))
}
