//! Snapshot tests of the errors for bad input: message, expected, found, hint and the
//! `line:col` of each error's span.

use crate::syntax::{line_col, parse};

/// The source, then every error as `line:col message` with its details.
fn render(src: &str) -> String {
    let (_, errors) = parse(src);
    let mut out = format!("{src}\n---\n");
    for e in &errors {
        let (line, col) = line_col(src, e.span.start);
        let (end_line, end_col) = line_col(src, e.span.end);
        out.push_str(&format!(
            "{line}:{col}-{end_line}:{end_col} {}\n",
            e.message
        ));
        out.push_str(&format!(
            "  expected: {}\n  found: {}\n",
            e.expected.join(" | "),
            e.found
        ));
        if let Some(hint) = &e.hint {
            out.push_str(&format!("  hint: {hint}\n"));
        }
    }
    out
}

macro_rules! error_snapshot {
    ($name:ident, $src:expr) => {
        #[test]
        fn $name() {
            let rendered = render($src);
            assert!(
                rendered.contains("---\n1")
                    || rendered
                        .lines()
                        .skip_while(|l| *l != "---")
                        .nth(1)
                        .is_some(),
                "no error:\n{rendered}"
            );
            insta::assert_snapshot!(stringify!($name), rendered);
        }
    };
}

error_snapshot!(assign_instead_of_compare, "rule r { Properties.x = 'a' }");
error_snapshot!(exist_typo, "rule r {\n    Properties.y exist\n}");
error_snapshot!(and_and, "rule r { a exists && b exists }");
error_snapshot!(or_or, "rule r { a exists || b exists }");
error_snapshot!(
    unclosed_brace,
    "rule r {\n    x exists\n\nrule s { y exists }"
);
error_snapshot!(
    unclosed_bracket,
    "let x = Resources.*[ Type == 'a'\nrule s { y exists }"
);
error_snapshot!(unclosed_string, "rule r { x == \"abc }");
error_snapshot!(unclosed_message, "rule r { x exists << oops }");
error_snapshot!(unclosed_regex, "rule r { x == /abc }");
error_snapshot!(missing_operator, "rule r { Properties.Encrypted }");
error_snapshot!(missing_operator_before_value, "rule r { x 'a' }");
error_snapshot!(missing_value, "rule r { x == }");
error_snapshot!(
    missing_value_at_end_of_line,
    "rule r {\n    x ==\n    y exists\n}"
);
error_snapshot!(rule_without_name, "rule { x exists }\nrule ok { y exists }");
error_snapshot!(rule_without_body, "rule r x exists");
error_snapshot!(when_without_condition, "rule r when { x exists }");
error_snapshot!(let_without_equals, "let x 1");
error_snapshot!(let_with_double_equals, "let x == 1");
error_snapshot!(key_with_dash, "rule r { Properties.my-key exists }");
error_snapshot!(space_after_dot, "rule r { a. b exists }");
error_snapshot!(stray_close_brace, "}\nrule r { x exists }");
error_snapshot!(metadata_without_rule, "#@ severity: high\n\nlet x = 1");
error_snapshot!(bad_metadata_line, "#@ just text\nrule r { x exists }");
error_snapshot!(empty_block, "rule r { }");
error_snapshot!(number_too_big, "rule r { x == 99999999999999999999 }");
error_snapshot!(not_on_a_block, "rule r { not Tags[*] { Key exists } }");
error_snapshot!(
    unclosed_interpolation,
    "rule r { x exists << bad {{%x.y >> }"
);
error_snapshot!(
    too_deep,
    &format!("rule r {{ x == {}1{} }}", "[".repeat(200), "]".repeat(200))
);
error_snapshot!(
    several_errors_one_run,
    "let a = Resources.*[ Type = 'X' ]\n\nrule r when %a !empty {\n    %a.Properties.KmsKeyId exist\n    %a.Properties.RootAccess == 'Disabled'\n    %a.Properties.Tags[*] {\n        Key == \n    }\n}\n\nrule {\n    x exists\n}\n\nrule t { y exists }\n"
);

#[test]
fn recovery_keeps_what_parsed() {
    let src = "rule r {\n    a = 1\n    b exists\n}\nrule s { c exists }";
    let (file, errors) = parse(src);
    assert_eq!(errors.len(), 1);
    assert_eq!(file.items.len(), 2);
}
