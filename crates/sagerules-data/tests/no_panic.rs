//! Robustness: the loaders meet untrusted bytes first (templates, configuration items,
//! events), so no input may panic, overflow the stack or hang them. Every input must end as a
//! document or as a `LoadError` that points into the text.
//!
//! This is the stable-toolchain companion of the `load_data` cargo-fuzz target (`make fuzz`):
//! random bytes, plus generators biased towards JSON and YAML syntax so that the cases reach
//! past the first token, plus the hostile shapes named in the robustness requirements.

use proptest::prelude::*;
use sagerules_data::{load, load_auto, to_json, ErrorKind, Format, LoadError};

/// Loads `bytes` every way a caller can and checks each outcome's invariants.
fn load_every_way(bytes: &[u8]) -> Result<(), TestCaseError> {
    for result in [
        load(bytes, Format::Json),
        load(bytes, Format::Yaml),
        load_auto(bytes),
    ] {
        match result {
            Ok(doc) => json_round_trips(&doc)?,
            Err(error) => error_points_into(bytes, &error)?,
        }
    }
    Ok(())
}

/// What the writer prints, the JSON loader reads back to the same text.
fn json_round_trips(doc: &sagerules_data::Node) -> Result<(), TestCaseError> {
    let written = to_json(doc);
    let reread = load(written.as_bytes(), Format::Json);
    prop_assert!(
        reread.is_ok(),
        "to_json output does not load: {written:?} {reread:?}"
    );
    if let Ok(again) = reread {
        prop_assert_eq!(to_json(&again), written);
    }
    Ok(())
}

/// An error names a line of the text (or the line just past its end) and says something.
/// Lines are counted as YAML 1.1 counts them: `\r`, NEL, LS and PS break lines too (proptest
/// found `"A:\u{2028}\u{a47}"`, whose error is on line 3 of one `\n`-line).
fn error_points_into(bytes: &[u8], error: &LoadError) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(bytes);
    let breaks = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];
    let lines = text.chars().filter(|c| breaks.contains(c)).count() + 1;
    let line = error.pos().line as usize;
    prop_assert!(
        line <= lines + 1,
        "error at line {line} of {lines}: {error}"
    );
    prop_assert!(!error.to_string().trim().is_empty());
    Ok(())
}

/// Tokens that make random text look like JSON.
fn json_token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        "\"a\"",
        "\"Type\"",
        "\"\\u00e9\"",
        "\"\\ud800\"",
        "\"\\",
        "0",
        "-1",
        "1.5e308",
        "1e999",
        "-0.0",
        "123456789012345678901234567890",
        "true",
        "false",
        "null",
        " ",
        "\n",
        "\t",
        "\"",
        "\\",
        "/",
        "nul",
    ])
}

/// Tokens that make random text look like YAML (CloudFormation flavour).
fn yaml_token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "\n",
        "\n  ",
        "\n    ",
        "- ",
        "key: ",
        "Type: ",
        "? ",
        ": ",
        "&a ",
        "*a",
        "&b ",
        "*b",
        "<<: ",
        "!Ref ",
        "!GetAtt ",
        "!Sub ",
        "!If ",
        "!!int ",
        "!!str ",
        "!!binary ",
        "!Foo ",
        "|",
        ">-",
        "---",
        "...",
        "[",
        "]",
        "{",
        "}",
        ",",
        "'q'",
        "\"q\\x\"",
        "#c",
        "\t",
        "~",
        "200",
        "0x1F",
        ".inf",
        "yes",
        "A.B",
        "%YAML 1.2",
        "\u{feff}",
    ])
}

fn joined(tokens: impl Strategy<Value = &'static str>) -> impl Strategy<Value = String> {
    prop::collection::vec(tokens, 0..64).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        load_every_way(&bytes)?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        load_every_way(text.as_bytes())?;
    }

    #[test]
    fn json_like_text_never_panics(text in joined(json_token())) {
        load_every_way(text.as_bytes())?;
    }

    #[test]
    fn yaml_like_text_never_panics(text in joined(yaml_token())) {
        load_every_way(text.as_bytes())?;
    }
}

fn kind_of(result: Result<sagerules_data::Node, LoadError>) -> Option<ErrorKind> {
    result.err().map(|error| error.kind)
}

#[test]
fn json_nested_ten_thousand_levels_is_an_error() {
    let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(
        kind_of(load(text.as_bytes(), Format::Json)),
        Some(ErrorKind::TooDeep)
    );
}

#[test]
fn yaml_flow_nested_ten_thousand_levels_is_an_error() {
    let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(load(text.as_bytes(), Format::Yaml).is_err());
}

#[test]
fn yaml_block_nested_ten_thousand_levels_is_an_error() {
    let text: String = (0..10_000)
        .map(|depth| format!("{}k:\n", " ".repeat(depth)))
        .collect();
    assert!(load(text.as_bytes(), Format::Yaml).is_err());
}

#[test]
fn unclosed_nesting_is_an_error() {
    let text = "{\"a\":".repeat(100_000);
    assert!(load(text.as_bytes(), Format::Json).is_err());
    assert!(load(text.as_bytes(), Format::Yaml).is_err());
}

#[test]
fn alias_bomb_is_an_error() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let refs = vec![format!("*a{}", level - 1); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    assert_eq!(
        kind_of(load(text.as_bytes(), Format::Yaml)),
        Some(ErrorKind::AliasBudget)
    );
}

#[test]
fn invalid_utf8_is_an_error_in_both_formats() {
    let bytes = b"{\"a\": \"\xff\xfe\"}";
    assert_eq!(
        kind_of(load(bytes, Format::Json)),
        Some(ErrorKind::InvalidUtf8)
    );
    assert_eq!(
        kind_of(load(bytes, Format::Yaml)),
        Some(ErrorKind::InvalidUtf8)
    );
}

#[test]
fn non_string_and_complex_keys_do_not_panic() {
    let text = "200: ok\ntrue: yes\n? [a, b]\n: c\n";
    assert_eq!(
        kind_of(load(text.as_bytes(), Format::Yaml)),
        Some(ErrorKind::ComplexKey)
    );
}

/// Found by `make bench` on the corpus (rain's `fmtmultiwithgt.yaml`, whose last line is
/// inside a `|` block with no newline after it): the YAML scanner panicked with "unexpected
/// end of input". Such text is valid YAML.
#[test]
fn block_scalar_ending_without_newline_loads() {
    for (text, pointer, value) in [
        ("a: >\n  x", "/a", "x"),
        ("a: |\n  x", "/a", "x"),
        (
            "Code:\n  ZipFile: |\n    import boto3\n\n    TEST = 1",
            "/Code/ZipFile",
            "import boto3\n\nTEST = 1",
        ),
    ] {
        let doc = load(text.as_bytes(), Format::Yaml).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let got = doc
            .pointer_get(pointer)
            .and_then(|n| n.as_str().map(str::to_string));
        assert_eq!(got.as_deref(), Some(value), "{text:?}");
    }
}
