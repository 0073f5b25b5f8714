//! A compact JSON writer for [`Node`] trees: test expectations, `json_parse` round trips and
//! the CLI's `--format json` embed documents with it.
//!
//! Output is RFC 8259 JSON on one line: strings escaped, map order kept, floats printed in the
//! shortest form that reads back to the same `f64` (always with a `.` or an exponent, so they
//! read back as floats). JSON has no NaN or infinity; those are written as `null`.

use crate::value::{Node, Value};
use std::fmt::Write as _;

/// `{"Ref":"Bucket","Port":80,"Ratio":0.5,"Tags":["a\"b"]}`
pub fn to_json(node: &Node) -> String {
    let mut out = String::new();
    let mut todo = vec![Piece::Node(node)];
    while let Some(piece) = todo.pop() {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Key(key) => {
                write_string(&mut out, key);
                out.push(':');
            }
            Piece::Node(node) => write_node(&mut out, node, &mut todo),
        }
    }
    out
}

/// Work left to do, on an explicit stack so deep trees cannot overflow the thread's stack.
enum Piece<'a> {
    Node(&'a Node),
    Key(&'a str),
    Text(&'static str),
}

/// Writes a scalar, or the opening bracket of a collection and queues its contents.
fn write_node<'a>(out: &mut String, node: &'a Node, todo: &mut Vec<Piece<'a>>) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) if f.is_finite() => out.push_str(&float_text(*f)),
        Value::Float(_) => out.push_str("null"),
        Value::String(s) => write_string(out, s),
        Value::List(items) => {
            out.push('[');
            todo.push(Piece::Text("]"));
            for (index, item) in items.iter().enumerate().rev() {
                todo.push(Piece::Node(item));
                if index > 0 {
                    todo.push(Piece::Text(","));
                }
            }
        }
        Value::Map(map) => {
            out.push('{');
            todo.push(Piece::Text("}"));
            for (index, (key, value)) in map.iter().enumerate().rev() {
                todo.push(Piece::Node(value));
                todo.push(Piece::Key(key));
                if index > 0 {
                    todo.push(Piece::Text(","));
                }
            }
        }
    }
}

/// The shortest text that reads back to `f` (`0.1`, `1.0`, `1e300`, `-2.5e-7`).
pub(crate) fn float_text(f: f64) -> String {
    format!("{f:?}")
}

/// Writes `text` as a JSON string: `"`, `\` and control characters escaped, the rest as is.
fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
