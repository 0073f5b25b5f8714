//! The JSON writer and JSON-pointer lookup.

// Test helpers outside #[test] functions unwrap too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use sagerules_data::{load, to_json, Format, Map, Node, Pos, Value};

fn node(value: Value) -> Node {
    Node::new(value, Pos::default())
}

#[test]
fn strings_are_escaped() {
    let text = node(Value::String("q\"b\\n\n\t\u{1}é/".into()));
    assert_eq!(to_json(&text), r#""q\"b\\n\n\t\u0001é/""#);
}

#[test]
fn floats_are_written_to_read_back_as_floats() {
    let floats = [0.1, 1.0, -2.5e-7, 1e300, 123456.789];
    let list = node(Value::List(
        floats.iter().map(|f| node(Value::Float(*f))).collect(),
    ));
    assert_eq!(to_json(&list), "[0.1,1.0,-2.5e-7,1e300,123456.789]");
}

#[test]
fn non_finite_floats_are_written_as_null() {
    let list = node(Value::List(vec![
        node(Value::Float(f64::NAN)),
        node(Value::Float(f64::INFINITY)),
    ]));
    assert_eq!(to_json(&list), "[null,null]");
}

#[test]
fn map_order_is_kept() {
    let mut map = Map::default();
    map.insert("z".into(), node(Value::Int(1)));
    map.insert("a".into(), node(Value::Null));
    assert_eq!(to_json(&node(Value::map(map))), r#"{"z":1,"a":null}"#);
}

#[test]
fn pointer_lookup_follows_rfc_6901() {
    let doc = load(br#"{"a/b": {"m~n": [10, 20]}, "": 1}"#, Format::Json).unwrap();
    assert_eq!(
        doc.pointer_get("/a~1b/m~0n/1").map(|n| &n.value),
        Some(&Value::Int(20))
    );
    assert_eq!(doc.pointer_get("/").map(|n| &n.value), Some(&Value::Int(1)));
    assert!(doc.pointer_get("").is_some());
    assert!(doc.pointer_get("/a~1b/m~0n/01").is_none());
    assert!(doc.pointer_get("/a~1b/m~0n/2").is_none());
    assert!(doc.pointer_get("/a~1b/m~0n/-").is_none());
    assert!(doc.pointer_get("a").is_none());
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::Float),
        any::<String>().prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6)
                .prop_map(|items| Value::List(items.into_iter().map(node).collect())),
            prop::collection::vec((any::<String>(), inner), 0..6).prop_map(|entries| {
                Value::map(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.into(), node(v)))
                        .collect(),
                )
            }),
        ]
    })
}

/// Compares values, ignoring positions.
fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k, p), (l, q))| k == l && same(p, q))
        }
        (x, y) => x == y,
    }
}

proptest! {
    #[test]
    fn written_json_reads_back_to_the_same_value(value in arb_value()) {
        let original = node(value);
        let text = to_json(&original);
        let back = load(text.as_bytes(), Format::Json).unwrap();
        prop_assert!(same(&original, &back), "{}", text);
        prop_assert_eq!(to_json(&back), text);
    }
}

#[test]
fn pointer_tokens_escape_and_unescape_in_rfc_6901_order() {
    use sagerules_data::pointer::{
        escape_token as escape_pointer_token, unescape_token as unescape_pointer_token,
    };
    assert_eq!(escape_pointer_token("a/b~c"), "a~1b~0c");
    assert_eq!(unescape_pointer_token("a~1b~0c"), "a/b~c");
    // `~01` is `~1` escaped, not `/`: `~1` is unescaped first.
    assert_eq!(unescape_pointer_token("~01"), "~1");
    for key in ["plain", "a/b", "~", "~1", "/~0/"] {
        assert_eq!(unescape_pointer_token(&escape_pointer_token(key)), key);
    }
}
