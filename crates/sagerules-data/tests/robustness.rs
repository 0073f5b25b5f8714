//! Hostile inputs: deep nesting, bad bytes, large documents. Each ends in a clear error (kind
//! and position) or a document, never a panic, a stack overflow or a hang.

// Test helpers outside #[test] functions unwrap too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use sagerules_data::{load, load_auto, ErrorKind, Format, LoadError, MAX_DEPTH};

fn err(bytes: &[u8], format: Format) -> LoadError {
    load(bytes, format).expect_err("should not load")
}

#[test]
fn ten_thousand_json_brackets_are_too_deep() {
    let text = "[".repeat(10_000);
    let error = err(text.as_bytes(), Format::Json);
    assert_eq!(
        (error.kind, error.line, error.col),
        (ErrorKind::TooDeep, 1, 513)
    );
}

#[test]
fn ten_thousand_yaml_flow_brackets_are_too_deep() {
    let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let error = err(text.as_bytes(), Format::Yaml);
    assert_eq!(
        (error.kind, error.line, error.col),
        (ErrorKind::TooDeep, 1, 513)
    );
}

#[test]
fn ten_thousand_yaml_indentation_levels_are_too_deep() {
    let text: String = (0..10_000)
        .map(|level| format!("{}k:\n", " ".repeat(level)))
        .collect();
    let error = err(text.as_bytes(), Format::Yaml);
    assert_eq!(
        (error.kind, error.line, error.col),
        (ErrorKind::TooDeep, 513, 513)
    );
}

#[test]
fn the_depth_limit_itself_loads() {
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(load(ok.as_bytes(), Format::Json).is_ok());
    assert!(load(ok.as_bytes(), Format::Yaml).is_ok());
    let over = format!("[{ok}]");
    assert_eq!(err(over.as_bytes(), Format::Json).kind, ErrorKind::TooDeep);
}

#[test]
fn tag_long_forms_count_towards_the_depth() {
    let text = format!("{}x{}", "[!Ref ".repeat(300), "]".repeat(300));
    assert_eq!(err(text.as_bytes(), Format::Yaml).kind, ErrorKind::TooDeep);
}

#[test]
fn aliases_cannot_exceed_the_depth_limit() {
    let deep = format!("{}{}", "[".repeat(400), "]".repeat(400));
    let text = format!(
        "a: &a {deep}\nb: {}*a{}\n",
        "[".repeat(200),
        "]".repeat(200)
    );
    assert_eq!(err(text.as_bytes(), Format::Yaml).kind, ErrorKind::TooDeep);
}

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte() {
    let bytes = b"a: 1\nbb: \"x\xff\"\n";
    for format in [Format::Json, Format::Yaml] {
        let error = err(bytes, format);
        assert_eq!(
            (error.kind, error.line, error.col),
            (ErrorKind::InvalidUtf8, 2, 7)
        );
    }
    let error = load_auto(b"{\"\xc3\"}").unwrap_err();
    assert_eq!(
        (error.kind, error.line, error.col),
        (ErrorKind::InvalidUtf8, 1, 3)
    );
}

#[test]
fn column_of_bad_byte_counts_characters_before_it() {
    let error = err(
        "é\u{20ac}\u{7f}"
            .as_bytes()
            .iter()
            .copied()
            .chain([0xfe])
            .collect::<Vec<u8>>()
            .as_slice(),
        Format::Yaml,
    );
    assert_eq!((error.line, error.col), (1, 4));
}

#[test]
fn a_wide_json_document_loads_in_linear_time() {
    // 200,000 values on one line: column tracking must not rescan the line per value.
    let items = vec!["{\"k\": [1, \"two\", 3.5]}"; 200_000].join(",");
    let text = format!("[{items}]");
    let started = std::time::Instant::now();
    let doc = load(text.as_bytes(), Format::Json).unwrap();
    assert_eq!(doc.as_list().map(<[_]>::len), Some(200_000));
    let last = doc.pointer_get("/199999/k/2").unwrap();
    assert_eq!(last.pos.col as usize, text.len() - 5);
    assert!(
        started.elapsed().as_secs() < 20,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_long_yaml_document_loads() {
    let text: String = (0..50_000)
        .map(|i| format!("k{i}: [a, !Ref b, {{c: {i}}}]\n"))
        .collect();
    let doc = load(text.as_bytes(), Format::Yaml).unwrap();
    assert_eq!(
        doc.pointer_get("/k49999/2/c").map(|n| n.pos.line),
        Some(50_000)
    );
}
