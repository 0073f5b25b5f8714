//! Robustness: rules text comes from users and from `include`d files, so no input may panic,
//! overflow the stack or hang the parser or the formatter. Every error must point into the
//! text it was found in (the diagnostics renderer slices the source with that span).
//!
//! This is the stable-toolchain companion of the `parse_rules` cargo-fuzz target (`make
//! fuzz`): random text, plus token soups made of the language's own words so that the cases
//! reach past the first token, plus the hostile shapes (deep nesting, unclosed blocks).

use proptest::prelude::*;
use sagerules_core::format::format;
use sagerules_core::{parse, ParseError};

/// Parses `src`; when it parses cleanly, formats it and parses the layout again.
fn parse_and_reformat(src: &str) -> Result<(), TestCaseError> {
    let (file, errors) = parse(src);
    spans_point_into(src, &errors)?;
    if errors.is_empty() {
        let formatted = format(&file, src);
        let (_, again) = parse(&formatted);
        spans_point_into(&formatted, &again)?;
    }
    Ok(())
}

fn spans_point_into(src: &str, errors: &[ParseError]) -> Result<(), TestCaseError> {
    for error in errors {
        let (start, end) = (error.span.start as usize, error.span.end as usize);
        prop_assert!(
            start <= end && end <= src.len(),
            "span {start}..{end} of {}: {error:?}",
            src.len()
        );
        prop_assert!(
            src.is_char_boundary(start) && src.is_char_boundary(end),
            "span splits a character: {error:?}"
        );
        prop_assert!(!error.message.trim().is_empty());
    }
    Ok(())
}

/// Words, operators and snippets of the rules language (Guard 3 plus sagerules additions).
fn rules_token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "rule ",
        "r1 ",
        "r2",
        "when ",
        "let ",
        "x ",
        "= ",
        ":= ",
        "%x",
        "%x.a",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        "[*]",
        "[0]",
        "*",
        ".",
        "Resources",
        ".Properties",
        "Type ",
        "== ",
        "!= ",
        "<= ",
        "> ",
        "IN ",
        "in ",
        "not ",
        "!",
        "exists",
        "empty",
        "is_string",
        "or ",
        "OR ",
        "|OR| ",
        "some ",
        "this",
        "keys ",
        "| ",
        "'AWS::S3::Bucket' ",
        "\"q\\\"\" ",
        "/re+/ ",
        "/(a*)*$/ ",
        "r[1,5] ",
        "r(1,5] ",
        "10 ",
        "-3.5 ",
        "true ",
        "null ",
        ",",
        ":",
        "<< msg {{%x}} >>",
        "<<",
        ">>",
        "# comment",
        "\n",
        "\n    ",
        " ",
        "\t",
        "count(",
        "json_parse(",
        "regex_replace(",
        "include ",
        "'other.rules'",
        "@severity ",
        "high",
        "AWS::SageMaker::Model ",
        "\"",
        "'",
        "/",
        "\\",
        "é",
        "\u{0}",
    ])
}

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(rules_token(), 0..80).prop_map(|parts| parts.concat())
}

/// A plausible rules file from a small grammar (lets, rules with `when`, clauses with
/// filters, blocks), so that most cases parse cleanly and the formatter is exercised too.
fn rules_file() -> impl Strategy<Value = String> {
    let statement = prop_oneof![
        (name(), literal()).prop_map(|(n, l)| format!("let {n} = {l}\n")),
        (name(), query()).prop_map(|(n, q)| format!("let {n} = {q}\n")),
        rule(),
    ];
    prop::collection::vec(statement, 1..6).prop_map(|parts| parts.concat())
}

fn rule() -> impl Strategy<Value = String> {
    let body = prop::collection::vec(clause(), 1..5);
    (name(), prop::option::of(clause()), body).prop_map(|(n, when, clauses)| {
        let when = when.map(|c| format!(" when {c}")).unwrap_or_default();
        format!("rule {n}{when} {{\n    {}\n}}\n", clauses.join("\n    "))
    })
}

fn clause() -> impl Strategy<Value = String> {
    let op = prop::sample::select(vec!["==", "!=", "<", ">=", "IN", "not in"]);
    let unary = prop::sample::select(vec![
        "exists",
        "!exists",
        "empty",
        "!empty",
        "is_string",
        "is_list",
    ]);
    let leaf = prop_oneof![
        (query(), op, literal()).prop_map(|(q, o, l)| format!("{q} {o} {l}")),
        (query(), unary).prop_map(|(q, u)| format!("{q} {u}")),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} or {b}")),
            (query(), prop::collection::vec(inner.clone(), 1..3))
                .prop_map(|(q, cs)| format!("{q} {{\n        {}\n    }}", cs.join("\n        "))),
            (inner, "[a-z ]{0,12}").prop_map(|(c, m)| format!("{c} << {m} >>")),
        ]
    })
}

fn query() -> impl Strategy<Value = String> {
    let step = prop_oneof![
        "[A-Z][a-zA-Z]{0,6}".prop_map(|s| format!(".{s}")),
        Just(".*".to_owned()),
        Just("[*]".to_owned()),
        Just("[0]".to_owned()),
        Just("[ Type == 'AWS::S3::Bucket' ]".to_owned()),
        Just("[ keys == /^N/ ]".to_owned()),
    ];
    let root = prop_oneof![
        Just("Resources".to_owned()),
        Just("Properties".to_owned()),
        Just("%v".to_owned())
    ];
    (root, prop::collection::vec(step, 0..4))
        .prop_map(|(r, steps)| format!("{r}{}", steps.concat()))
}

fn literal() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        "'[a-zA-Z: ]{0,10}'",
        "\"[a-z]{0,6}\"",
        any::<i32>().prop_map(|n| n.to_string()),
        Just("true".to_owned()),
        Just("null".to_owned()),
        Just("/^[a-z]+$/".to_owned()),
        Just("r[1, 10]".to_owned()),
        Just("1.5".to_owned()),
    ];
    prop_oneof![
        scalar.clone(),
        prop::collection::vec(scalar, 0..3).prop_map(|items| format!("[{}]", items.join(", "))),
    ]
}

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z_]{0,8}".prop_filter("keywords are not names", |n| {
        !matches!(
            n.as_str(),
            "rule"
                | "let"
                | "when"
                | "some"
                | "this"
                | "keys"
                | "in"
                | "not"
                | "or"
                | "exists"
                | "empty"
                | "include"
                | "true"
                | "false"
                | "null"
        )
    })
}

/// A grammar-made file with one character deleted or one token inserted: near-valid text,
/// which drives the parser's error recovery.
fn damaged_rules_file() -> impl Strategy<Value = String> {
    (
        rules_file(),
        any::<prop::sample::Index>(),
        rules_token(),
        any::<bool>(),
    )
        .prop_map(|(src, at, token, delete)| {
            let mut cut = at.index(src.len() + 1);
            while !src.is_char_boundary(cut) {
                cut -= 1;
            }
            let (head, tail) = src.split_at(cut);
            if delete {
                let mut rest = tail.chars();
                rest.next();
                format!("{head}{}", rest.as_str())
            } else {
                format!("{head}{token}{tail}")
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(src in any::<String>()) {
        parse_and_reformat(&src)?;
    }

    #[test]
    fn token_soup_never_panics(src in token_soup()) {
        parse_and_reformat(&src)?;
    }

    #[test]
    fn grammar_made_files_never_panic(src in rules_file()) {
        parse_and_reformat(&src)?;
    }

    #[test]
    fn damaged_files_never_panic(src in damaged_rules_file()) {
        parse_and_reformat(&src)?;
    }
}

/// Runs `parse_and_reformat` on a fixed input.
fn check(src: &str) -> Result<(), TestCaseError> {
    parse_and_reformat(src)
}

#[test]
fn braces_nested_ten_thousand_levels_do_not_overflow() {
    let src = format!("rule r {}{}", "{ ".repeat(10_000), "} ".repeat(10_000));
    check(&src).unwrap();
}

#[test]
fn brackets_nested_ten_thousand_levels_do_not_overflow() {
    let src = format!("let x = {}{}", "[".repeat(10_000), "]".repeat(10_000));
    check(&src).unwrap();
}

#[test]
fn parentheses_nested_ten_thousand_levels_do_not_overflow() {
    let src = format!("let x = {}1{}", "count(".repeat(10_000), ")".repeat(10_000));
    check(&src).unwrap();
}

#[test]
fn filters_nested_ten_thousand_levels_do_not_overflow() {
    let src = format!(
        "Resources.*{} exists",
        "[ a".repeat(10_000) + &" exists ]".repeat(10_000)
    );
    check(&src).unwrap();
}

#[test]
fn unclosed_blocks_are_errors() {
    let src = "rule r {\n".repeat(5_000);
    let (_, errors) = parse(&src);
    assert!(
        !errors.is_empty(),
        "5,000 unclosed rule blocks parsed without an error"
    );
}

#[test]
fn unterminated_message_and_regex_are_errors() {
    for src in [
        "rule r { a exists << never closed",
        "rule r { a == /never closed }",
    ] {
        let (_, errors) = parse(src);
        assert!(!errors.is_empty(), "{src:?} parsed without an error");
    }
}
