//! JSON loading: values, positions, strictness and errors with line/col.

// Test helpers outside #[test] functions unwrap too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::pos_at;
use sagerules_data::{
    load, load_auto, load_for_path, load_lenient, to_json, ErrorKind, Format, LoadError, Node,
};
use sagerules_data::{Pos, Value};

fn json(text: &str) -> Node {
    load(text.as_bytes(), Format::Json).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn json_err(text: &str) -> LoadError {
    load(text.as_bytes(), Format::Json).expect_err("should not load")
}

fn err_at(text: &str) -> (ErrorKind, u32, u32) {
    let error = json_err(text);
    (error.kind, error.line, error.col)
}

#[test]
fn values_of_every_type() {
    let doc = json(
        r#"{"n": null, "t": true, "f": false, "i": -12, "x": 1.5e2, "s": "v", "l": [], "m": {}}"#,
    );
    assert_eq!(
        to_json(&doc),
        r#"{"n":null,"t":true,"f":false,"i":-12,"x":150.0,"s":"v","l":[],"m":{}}"#
    );
}

#[test]
fn integers_beyond_i64_become_floats() {
    let doc = json("[9223372036854775807, 9223372036854775808, -0, 0.0]");
    let values: Vec<&Value> = doc.as_list().unwrap().iter().map(|n| &n.value).collect();
    assert_eq!(values[0], &Value::Int(i64::MAX));
    assert_eq!(values[1], &Value::Float(9223372036854775808.0));
    assert_eq!(values[2], &Value::Int(0));
    assert_eq!(values[3], &Value::Float(0.0));
}

#[test]
fn string_escapes_and_surrogate_pairs() {
    let doc = json(r#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u20AC", "\ud83d\ude00", "plain é"]"#);
    let strings: Vec<&str> = doc
        .as_list()
        .unwrap()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    assert_eq!(
        strings,
        ["a\"b\\c/d\u{8}\u{c}\n\r\t", "é€", "😀", "plain é"]
    );
}

#[test]
fn positions_of_nested_values() {
    let text = "{\n  \"Resources\": {\n    \"B\": {\"Type\": \"X\", \"P\": [1, {\"k\": \"é\"}, 3]}\n  }\n}";
    let doc = json(text);
    assert_eq!(pos_at(&doc, ""), (1, 1));
    assert_eq!(pos_at(&doc, "/Resources"), (2, 16));
    assert_eq!(pos_at(&doc, "/Resources/B"), (3, 10));
    assert_eq!(pos_at(&doc, "/Resources/B/Type"), (3, 19));
    assert_eq!(pos_at(&doc, "/Resources/B/P"), (3, 29));
    assert_eq!(pos_at(&doc, "/Resources/B/P/1/k"), (3, 39));
    assert_eq!(pos_at(&doc, "/Resources/B/P/2"), (3, 45));
}

#[test]
fn columns_on_one_long_line_count_characters() {
    let doc = json(r#"{"ä": "ö", "b": [true]}"#);
    assert_eq!(pos_at(&doc, "/ä"), (1, 7));
    assert_eq!(pos_at(&doc, "/b/0"), (1, 18));
}

#[test]
fn grammar_errors_have_line_and_column() {
    assert_eq!(err_at("{\"a\": 1,\n \"b\" 2}"), (ErrorKind::Syntax, 2, 6));
    assert_eq!(err_at("[1, 2"), (ErrorKind::Syntax, 1, 6));
    assert_eq!(err_at("{\"a\": tru}"), (ErrorKind::Syntax, 1, 7));
    assert_eq!(err_at("[01]"), (ErrorKind::Syntax, 1, 3));
    assert_eq!(err_at("[1.]"), (ErrorKind::Syntax, 1, 4));
    assert_eq!(err_at("[-]"), (ErrorKind::Syntax, 1, 3));
    assert_eq!(err_at("[\"a\nb\"]"), (ErrorKind::Syntax, 1, 4));
    assert_eq!(err_at("[\"\\x\"]"), (ErrorKind::Syntax, 1, 4));
    assert_eq!(err_at("[\"\\ud800\"]"), (ErrorKind::Syntax, 1, 3));
    assert_eq!(err_at("{} {}"), (ErrorKind::Syntax, 1, 4));
}

#[test]
fn error_message_says_what_was_expected() {
    let error = json_err("{\"a\": 1 \"b\": 2}");
    assert_eq!(error.message, "expected `,` or `}`, found `\"`");
}

#[test]
fn duplicate_keys_are_errors_at_the_second_key() {
    let error = json_err("{\"a\": 1,\n \"a\": 2}");
    assert_eq!(
        (error.kind, error.line, error.col),
        (ErrorKind::DuplicateKey, 2, 2)
    );
    assert_eq!(error.message, r#"duplicate key "a" (first value at 1:7)"#);
}

#[test]
fn lenient_json_keeps_the_later_duplicate() {
    let loaded = load_lenient("t.json", br#"{"a": 1, "b": 2, "a": 3}"#).unwrap();
    assert_eq!(to_json(&loaded.node), r#"{"a":3,"b":2}"#);
    assert_eq!(loaded.warnings[0].pos(), Pos::new(1, 18));
}

/// A map's first eight entries are kept in a list, later ones in an index (`entries.rs`):
/// order and repeated keys must not notice the move.
#[test]
fn lenient_json_past_eight_entries_keeps_order_and_later_duplicates() {
    let mut text = String::from("{");
    for (n, key) in ["k", "j", "i", "h", "g", "f", "e", "d", "c", "b", "a"]
        .iter()
        .enumerate()
    {
        text.push_str(&format!("\n\"{key}\": {n},"));
        if n == 2 {
            text.push_str("\n\"k\": \"before\",");
        }
    }
    text.push_str("\n\"j\": \"after\"}");
    let loaded = load_lenient("t.json", text.as_bytes()).unwrap();
    assert_eq!(
        to_json(&loaded.node),
        r#"{"k":"before","j":"after","i":2,"h":3,"g":4,"f":5,"e":6,"d":7,"c":8,"b":9,"a":10}"#
    );
    let warned: Vec<Pos> = loaded.warnings.iter().map(|w| w.pos()).collect();
    assert_eq!(warned, [Pos::new(5, 1), Pos::new(14, 1)]);
}

#[test]
fn empty_json_is_an_error() {
    assert_eq!(json_err(" \n ").kind, ErrorKind::Empty);
}

#[test]
fn trailing_comma_is_a_strict_json_error() {
    assert_eq!(err_at("{\"a\": 1,}"), (ErrorKind::Syntax, 1, 9));
}

#[test]
fn auto_falls_back_to_yaml_like_cloudformation() {
    // Two corpus templates end a JSON object with `,}`; libyaml (and cfn-guard) accept it.
    let doc = load_for_path("t.json", b"{\"a\": [1, 2,],}").unwrap();
    assert_eq!(to_json(&doc), r#"{"a":[1,2]}"#);
}

#[test]
fn json_errors_win_when_yaml_fails_too() {
    let error = load_auto(b"{\"a\": [1, 2}").unwrap_err();
    assert_eq!(error.message, "expected `,` or `]`, found `}`");
}

#[test]
fn auto_keeps_json_duplicate_key_errors() {
    assert_eq!(
        load_auto(b"{\"a\": 1, \"a\": 2}").unwrap_err().kind,
        ErrorKind::DuplicateKey
    );
}

#[test]
fn byte_order_mark_is_skipped() {
    assert_eq!(to_json(&json("\u{feff}{\"a\": 1}")), r#"{"a":1}"#);
}

#[test]
fn auto_detects_json_and_yaml() {
    assert_eq!(to_json(&load_auto(b"  {\"a\": 1}").unwrap()), r#"{"a":1}"#);
    assert_eq!(
        to_json(&load_auto(b"a: !Ref b").unwrap()),
        r#"{"a":{"Ref":"b"}}"#
    );
    assert_eq!(
        to_json(&load_auto(b"[a, {b: c}]").unwrap()),
        r#"["a",{"b":"c"}]"#
    );
}

#[test]
fn format_from_path() {
    assert_eq!(Format::from_path("x/t.JSON"), Some(Format::Json));
    assert_eq!(Format::from_path("t.jsn"), Some(Format::Json));
    assert_eq!(Format::from_path("t.yml"), Some(Format::Yaml));
    assert_eq!(Format::from_path("a.b/t.yaml"), Some(Format::Yaml));
    assert_eq!(Format::from_path("t.template"), None);
    assert!(sagerules_data::is_data_path("dir/t.template"));
    assert!(!sagerules_data::is_data_path("README.md"));
    assert!(!sagerules_data::is_data_path("json"));
}

#[test]
fn from_json_str_reads_json() {
    let node = Node::from_json_str(r#"{"a": [1, 2]}"#).unwrap();
    assert_eq!(pos_at(&node, "/a/1"), (1, 11));
}
