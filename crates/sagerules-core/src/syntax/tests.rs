//! Parser tests: one-line helpers per construct here; error snapshots in `tests/errors.rs`;
//! formatter round trips and property tests in `tests/roundtrip.rs`.

mod errors;
mod roundtrip;
mod unspan;

use super::*;
use crate::ast::*;
use crate::format::format;

/// Parses `src`, asserting it has no errors.
fn ok(src: &str) -> RulesFile {
    let (file, errors) = parse(src);
    assert!(
        errors.is_empty(),
        "unexpected errors for {src:?}: {errors:#?}"
    );
    file
}

/// The first clause of `rule r { <src> }`.
fn clause(src: &str) -> Clause {
    let file = ok(&format!("rule r {{\n{src}\n}}"));
    let Some(Item::Rule(rule)) = file.items.into_iter().next() else {
        panic!("no rule")
    };
    match rule.body.items.into_iter().next() {
        Some(BlockItem::Clause(d)) => d.clauses.into_iter().next().unwrap(),
        other => panic!("not a clause: {other:?}"),
    }
}

fn check(src: &str) -> Check {
    match clause(src) {
        Clause::Check(c) => c,
        other => panic!("not a check: {other:?}"),
    }
}

fn steps(query_src: &str) -> Vec<Step> {
    match check(&format!("{query_src} exists")).lhs {
        Expr::Query(q) => q.steps,
        other => panic!("not a query: {other:?}"),
    }
}

fn rhs(src: &str) -> Expr {
    match check(&format!("x == {src}")).op.kind {
        OpKind::Binary(_, rhs) => *rhs,
        other => panic!("not binary: {other:?}"),
    }
}

fn lit(src: &str) -> LiteralKind {
    match rhs(src) {
        Expr::Literal(l) => l.kind,
        other => panic!("not a literal: {other:?}"),
    }
}

fn op(src: &str) -> (bool, OpKind) {
    let c = check(&format!("x {src}"));
    (c.op.negated, c.op.kind)
}

fn first_error(src: &str) -> ParseError {
    let (_, errors) = parse(src);
    errors
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no error for {src:?}"))
}

fn fmt(src: &str) -> String {
    format(&ok(src), src)
}

fn key(s: &Step) -> &str {
    match s {
        Step::Key(k, _) => k,
        other => panic!("not a key: {other:?}"),
    }
}

fn rule(src: &str) -> Rule {
    ok(src)
        .items
        .into_iter()
        .find_map(|i| if let Item::Rule(r) = i { Some(r) } else { None })
        .unwrap()
}

// ---- rules ----

#[test]
fn named_rule() {
    let r = rule("rule s3_encrypted { Properties.BucketEncryption exists }");
    assert_eq!(r.name.name, "s3_encrypted");
    assert_eq!(r.body.items.len(), 1);
}

#[test]
fn rule_when_rule_name() {
    let r = rule("rule b when a { x exists }");
    let when = r.when.unwrap();
    assert!(matches!(&when.clauses[0].clauses[0], Clause::RuleRef(rr) if rr.name.name == "a"));
}

#[test]
fn rule_when_multi_line_condition() {
    let r = rule("rule b when a\n  %x !empty { x exists }");
    assert_eq!(r.when.unwrap().clauses.len(), 2);
}

#[test]
fn rule_names_as_clauses_with_not_and_message() {
    let Clause::RuleRef(rr) = clause("not a << why >>") else {
        panic!()
    };
    assert!(rr.not && rr.args.is_none());
    assert_eq!(
        rr.message.unwrap().parts,
        vec![MessagePart::Text(" why ".into())]
    );
}

#[test]
fn rule_ref_or_rule_ref() {
    let file = ok("rule c { a or b }");
    let Item::Rule(r) = &file.items[0] else {
        panic!()
    };
    let BlockItem::Clause(d) = &r.body.items[0] else {
        panic!()
    };
    assert_eq!(d.clauses.len(), 2);
}

#[test]
fn parameterized_rule_and_call() {
    let r = rule("rule check_kms(res, name) { %res.Properties.KmsKeyId exists }");
    assert_eq!(
        r.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["res", "name"]
    );
    let Clause::RuleRef(call) = clause("check_kms(%v, 'x') << m >>") else {
        panic!()
    };
    assert_eq!(call.args.unwrap().len(), 2);
}

#[test]
fn function_call_on_the_left_is_a_check() {
    assert!(matches!(check("count(Resources.*) > 2").lhs, Expr::Call(_)));
}

#[test]
fn when_block() {
    let Clause::WhenBlock(w) = clause("when %x !empty { %x.a exists }") else {
        panic!()
    };
    assert_eq!(w.when.clauses.len(), 1);
    assert_eq!(w.body.items.len(), 1);
}

#[test]
fn type_block_with_when() {
    let Clause::TypeBlock(t) =
        clause("AWS::SageMaker::Model when Properties.A exists { Properties.B exists }")
    else {
        panic!()
    };
    assert_eq!(t.type_name.name, "AWS::SageMaker::Model");
    assert!(t.when.is_some());
}

#[test]
fn type_block_short_form_and_module_suffix() {
    let Clause::TypeBlock(t) = clause("AWS::S3::Bucket::MODULE Properties.B exists") else {
        panic!()
    };
    assert_eq!(t.type_name.name, "AWS::S3::Bucket::MODULE");
    assert_eq!(t.body.items.len(), 1);
}

#[test]
fn type_block_at_top_level_is_a_default_rule_clause() {
    assert!(matches!(
        ok("AWS::S3::Bucket { Properties.X exists }").items[0],
        Item::Clause(_)
    ));
}

// ---- queries ----

#[test]
fn dotted_query() {
    assert_eq!(
        steps("Resources.MyBucket.Properties")
            .iter()
            .map(key)
            .collect::<Vec<_>>(),
        ["Resources", "MyBucket", "Properties"]
    );
}

#[test]
fn quoted_keys() {
    let s = steps("Properties.\"a-b\".'c d'['e-f']");
    assert_eq!(
        s[1..].iter().map(key).collect::<Vec<_>>(),
        ["a-b", "c d", "e-f"]
    );
}

#[test]
fn quoted_first_step_on_the_left_is_a_key() {
    assert_eq!(key(&steps("\"a-b\".c")[0]), "a-b");
}

#[test]
fn stars_and_indexes() {
    let s = steps("Resources.*.Tags[*][0].x.0.y[-1]");
    assert!(matches!(s[1], Step::AllValues(_)));
    assert!(matches!(s[3], Step::AllIndices(_)));
    assert!(matches!(s[4], Step::Index(0, _)));
    assert!(matches!(s[6], Step::Index(0, _)));
    assert!(matches!(s[8], Step::Index(-1, _)));
}

#[test]
fn space_before_dot_and_bracket_is_allowed() {
    assert_eq!(steps("a .b [*]").len(), 3);
}

#[test]
fn filter_with_cnf_clauses() {
    let s = steps("Resources.*[ Type == 'X'  a.b exists or c != 1 ]");
    let Step::Filter(f) = &s[2] else { panic!() };
    assert_eq!(f.conds.clauses.len(), 2);
    assert_eq!(f.conds.clauses[1].clauses.len(), 2);
}

#[test]
fn multi_line_filter() {
    let s = steps("Resources.*[ Type == 'X'\n  Metadata.x not exists or\n  Metadata.y != 'z'\n]");
    let Step::Filter(f) = &s[2] else { panic!() };
    assert_eq!(f.conds.clauses.len(), 2);
}

#[test]
fn key_filters() {
    let s = steps("Condition.*[ keys == /aws:[sS]ourceVpc/ ]");
    let Step::Filter(f) = &s[2] else { panic!() };
    let Clause::Check(c) = &f.conds.clauses[0].clauses[0] else {
        panic!()
    };
    assert!(matches!(&c.lhs, Expr::Query(q) if matches!(q.steps[0], Step::Keys(_))));
    let s = steps("Properties[ KEYS not in ['a', 'b'] ]");
    assert!(matches!(&s[1], Step::Filter(_)));
}

#[test]
fn keys_outside_a_filter_is_a_plain_key() {
    assert_eq!(key(&steps("keys")[0]), "keys");
}

#[test]
fn capture_filter() {
    let s = steps("Resources[ name | Type == 'AWS::S3::Bucket' ]");
    let Step::Filter(f) = &s[1] else { panic!() };
    assert_eq!(f.capture.as_ref().unwrap().name, "name");
}

#[test]
fn capture_only_filter_keeps_every_value() {
    let s = steps("Resources[ name ]");
    let Step::Filter(f) = &s[1] else { panic!() };
    assert_eq!(f.capture.as_ref().unwrap().name, "name");
    assert!(f.conds.clauses.is_empty());
}

#[test]
fn this_and_variables() {
    assert!(matches!(steps("this")[0], Step::This(_)));
    assert!(matches!(&steps("%x.y")[0], Step::Var(v) if v.name == "x"));
    assert!(matches!(&steps("Resources.%ids.Properties")[1], Step::Var(v) if v.name == "ids"));
}

#[test]
fn query_block_and_some_block() {
    let Clause::QueryBlock(b) = clause("Tags[*] { Key exists }") else {
        panic!()
    };
    assert!(!b.some);
    let Clause::QueryBlock(b) = clause("some Policy.Statement[*] { Effect == 'Deny' }") else {
        panic!()
    };
    assert!(b.some);
}

#[test]
fn block_clause_inside_filter() {
    let s = steps("Resources[ Properties { A exists or B exists } ]");
    let Step::Filter(f) = &s[1] else { panic!() };
    assert!(matches!(
        f.conds.clauses[0].clauses[0],
        Clause::QueryBlock(_)
    ));
}

// ---- let ----

#[test]
fn let_at_file_rule_and_block_scope() {
    let file = ok("let a = 1\nlet b := Resources.*\nrule r { let c = count(%b)\n Tags[*] { let d = this\n %d exists } }");
    assert!(matches!(&file.items[0], Item::Let(l) if matches!(l.value, Expr::Literal(_))));
    assert!(matches!(&file.items[1], Item::Let(l) if matches!(l.value, Expr::Query(_))));
    let Item::Rule(r) = &file.items[2] else {
        panic!()
    };
    assert!(matches!(&r.body.items[0], BlockItem::Let(l) if matches!(l.value, Expr::Call(_))));
}

#[test]
fn let_some_query() {
    let file = ok("let refs = some Resources[ Type == 'X' ].Properties.Role.Ref");
    assert!(matches!(&file.items[0], Item::Let(l) if l.some));
    assert!(first_error("let x = some 1")
        .message
        .contains("expected a query after `some`"));
}

// ---- operators ----

#[test]
fn binary_operators() {
    for (src, want) in [
        ("==", CmpOp::Eq),
        ("!=", CmpOp::Ne),
        ("<", CmpOp::Lt),
        ("<=", CmpOp::Le),
        (">", CmpOp::Gt),
        (">=", CmpOp::Ge),
        ("IN", CmpOp::In),
        ("in", CmpOp::In),
    ] {
        let (negated, kind) = op(&format!("{src} 1"));
        assert!(!negated);
        assert!(
            matches!(kind, OpKind::Binary(got, _) if got == want),
            "{src}"
        );
    }
}

#[test]
fn negated_in() {
    for src in ["not in [1]", "NOT IN [1]", "!in [1]"] {
        let (negated, kind) = op(src);
        assert!(
            negated && matches!(kind, OpKind::Binary(CmpOp::In, _)),
            "{src}"
        );
    }
}

#[test]
fn unary_operators_in_both_cases_with_negations() {
    let words = [
        "exists",
        "empty",
        "is_string",
        "is_list",
        "is_struct",
        "is_bool",
        "is_int",
        "is_float",
        "is_null",
    ];
    for word in words {
        for (src, negated) in [
            (word.to_string(), false),
            (word.to_uppercase(), false),
            (format!("!{word}"), true),
            (format!("not {word}"), true),
            (format!("NOT {}", word.to_uppercase()), true),
        ] {
            let (got, kind) = op(&src);
            assert_eq!(got, negated, "{src}");
            assert!(matches!(kind, OpKind::Unary(_)), "{src}");
        }
    }
}

#[test]
fn clause_level_not() {
    for src in ["not x exists", "NOT x exists", "!x exists"] {
        assert!(check(src).not, "{src}");
    }
    assert!(!check("x != 1").not);
}

#[test]
fn some_clause() {
    assert!(check("some Tags[*].Key == 'a'").some);
}

#[test]
fn disjunction_forms() {
    for src in [
        "a exists or b exists",
        "a exists OR b exists",
        "a exists |OR| b exists",
        "a exists or\n b exists",
        "a exists\n or b exists",
    ] {
        let file = ok(&format!("rule r {{ {src} }}"));
        let Item::Rule(r) = &file.items[0] else {
            panic!()
        };
        assert_eq!(r.body.items.len(), 1, "{src}");
    }
}

#[test]
fn newline_and_space_conjunction() {
    assert_eq!(
        rule("rule r { a exists b exists\n c exists }")
            .body
            .items
            .len(),
        3
    );
}

// ---- literals ----

#[test]
fn regex_with_escaped_slash() {
    assert_eq!(
        lit(r"/^arn:aws:iam::\d+:role\/x/"),
        LiteralKind::Regex(r"^arn:aws:iam::\d+:role/x".into())
    );
}

#[test]
fn ranges() {
    for (src, lower, upper) in [
        ("r[1, 5]", true, true),
        ("r(1, 5]", false, true),
        ("r[1,5)", true, false),
        ("r(0.5, 1.5)", false, false),
    ] {
        let LiteralKind::Range(r) = lit(src) else {
            panic!("{src}")
        };
        assert_eq!(
            (r.lower_inclusive, r.upper_inclusive),
            (lower, upper),
            "{src}"
        );
    }
}

#[test]
fn scalar_literals() {
    assert_eq!(lit("'single'"), LiteralKind::String("single".into()));
    assert_eq!(
        lit("\"dou\\\"ble\""),
        LiteralKind::String("dou\"ble".into())
    );
    assert_eq!(lit("-42"), LiteralKind::Int(-42));
    assert_eq!(lit("2.5"), LiteralKind::Float(2.5));
    for t in ["true", "True", "TRUE"] {
        assert_eq!(lit(t), LiteralKind::Bool(true));
    }
    assert_eq!(lit("false"), LiteralKind::Bool(false));
    assert_eq!(lit("null"), LiteralKind::Null);
    assert_eq!(lit("NULL"), LiteralKind::Null);
}

#[test]
fn lists_and_maps() {
    let LiteralKind::List(items) = lit("['a', 1, [2], { k: 'v' }]") else {
        panic!()
    };
    assert_eq!(items.len(), 4);
    let LiteralKind::Map(entries) =
        lit("{ \"Action\": 's3:*', Bool: { 'aws:SecureTransport': false } }")
    else {
        panic!()
    };
    assert_eq!(entries[0].0, "Action");
}

#[test]
fn rhs_queries_variables_and_calls() {
    assert!(matches!(rhs("%allowed"), Expr::Query(_)));
    assert!(matches!(rhs("this"), Expr::Query(_)));
    assert!(matches!(rhs("to_lower(%name)"), Expr::Call(c) if c.name.name == "to_lower"));
}

// ---- messages, comments, extensions ----

#[test]
fn multi_line_message_on_the_next_line() {
    let c = check("x exists\n  <<\n  Violation: no\n  >>");
    assert_eq!(
        c.message.unwrap().parts,
        vec![MessagePart::Text("\n  Violation: no\n  ".into())]
    );
}

#[test]
fn message_interpolation() {
    let c = check("x exists << bad {{%x.Name}} and {{ %y }}! >>");
    let parts = c.message.unwrap().parts;
    assert_eq!(parts.len(), 5);
    assert!(matches!(&parts[1], MessagePart::Var(q) if q.steps.len() == 2));
}

#[test]
fn double_braces_without_a_variable_are_text() {
    let c = check("x exists << {{ not a var }} >>");
    assert_eq!(
        c.message.unwrap().parts,
        vec![MessagePart::Text(" {{ not a var }} ".into())]
    );
}

#[test]
fn comments_are_kept_with_spans() {
    let src = "# one\nrule r { x exists # two\n}";
    let file = ok(src);
    assert_eq!(
        file.comments
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>(),
        [" one", " two"]
    );
    assert_eq!(
        &src[file.comments[1].span.start as usize..file.comments[1].span.end as usize],
        "# two"
    );
}

#[test]
fn include() {
    assert!(
        matches!(&ok("include \"common.rules\"").items[0], Item::Include(i) if i.path == "common.rules")
    );
}

#[test]
fn metadata_above_a_rule() {
    let r = rule("#@ severity: high\n#@ see: CIS 1.2, NIST AC-3\nrule r { x exists }");
    assert_eq!(
        r.meta
            .iter()
            .map(|m| (m.key.name.as_str(), m.value.as_str()))
            .collect::<Vec<_>>(),
        [("severity", "high"), ("see", "CIS 1.2, NIST AC-3")]
    );
}

#[test]
fn metadata_not_followed_by_a_rule_is_an_error() {
    assert!(first_error("#@ severity: high\nlet x = 1")
        .message
        .contains("not followed by a rule"));
    assert!(
        first_error("#@ severity: high\n# comment\nrule r { x exists }")
            .message
            .contains("not followed by a rule")
    );
}

#[test]
fn byte_order_mark_is_skipped() {
    assert_eq!(ok("\u{feff}rule r { x exists }").items.len(), 1);
}

#[test]
fn line_col_counts_characters() {
    assert_eq!(line_col("é\nab", 4), (2, 2));
    assert_eq!(line_col("ab", 99), (1, 3));
}

#[test]
fn regression_keyword_as_short_type_block_body_is_an_error() {
    assert_eq!(
        first_error("AWS::S3::Bucket let").hint.as_deref(),
        Some("`let` is a keyword and cannot be used here")
    );
    assert!(!parse("rule r { true }").1.is_empty());
}

#[test]
fn regression_keyword_is_not_a_value_query() {
    assert!(first_error("rule r { x < some }")
        .message
        .starts_with("expected a value after `<`"));
    assert!(first_error("rule r { x == when }")
        .message
        .starts_with("expected a value after `==`"));
}

// ---- robustness ----

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let depth = 5_000;
    let sources = [
        format!(
            "rule r {{ y == {}1{} }}",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
        format!("rule r {{ y{} exists }}", "[ x".repeat(depth)),
        format!(
            "rule r {{ {}x exists{} }}",
            "a { ".repeat(depth),
            " }".repeat(depth)
        ),
        format!("rule r {{ x == {}", "f(".repeat(depth)),
    ];
    for src in sources {
        let (_, errors) = parse(&src);
        assert!(
            errors.iter().any(|e| e.message.contains("nesting deeper")),
            "{}: {errors:?}",
            &src[..20]
        );
    }
}

#[test]
fn deep_nesting_within_the_limit_parses() {
    let src = format!("rule r {{ y == {}1{} }}", "[".repeat(100), "]".repeat(100));
    ok(&src);
}

#[test]
fn many_unclosed_messages_stay_fast() {
    let src = "rule r { x exists << never closed }\n".repeat(20_000);
    let started = std::time::Instant::now();
    let (_, errors) = parse(&src);
    assert!(!errors.is_empty());
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn long_or_chain_is_linear() {
    let src = format!("rule r {{ {} }}", vec!["a.b == 'x'"; 20_000].join(" or "));
    let started = std::time::Instant::now();
    let file = ok(&src);
    assert_eq!(file.items.len(), 1);
    assert!(started.elapsed().as_secs() < 10);
}

// ---- formatter ----

#[test]
fn format_normalises_keywords_quotes_and_spacing() {
    assert_eq!(
        fmt("rule r{x EXISTS |OR| y.z NOT IN ['a']\n%v!=1}"),
        "rule r {\n    x exists or y.z not in [\"a\"]\n    %v != 1\n}\n"
    );
}

#[test]
fn format_keeps_comments_and_one_blank_line() {
    let src = "# head\n\n\nlet a = 1 # why\n\n\n# about r\nrule r { # opening\n  x exists\n\n\n  # before y\n  y exists\n  # tail\n}\n# end\n";
    let want = "# head\n\nlet a = 1 # why\n\n# about r\nrule r {\n    # opening\n    x exists\n\n    # before y\n    y exists\n    # tail\n}\n\n# end\n";
    assert_eq!(fmt(src), want);
    assert_eq!(fmt(want), want);
}

#[test]
fn format_puts_metadata_above_the_rule() {
    assert_eq!(
        fmt("#@ severity:   high  \nrule r { x exists }"),
        "#@ severity: high\nrule r {\n    x exists\n}\n"
    );
}

#[test]
fn format_quotes_strings_that_hold_double_quotes_with_single_quotes() {
    assert_eq!(
        fmt("x == 'a\"b'\ny == \"a\\\"b'c\""),
        "x == 'a\"b'\ny == \"a\\\"b'c\"\n"
    );
}

#[test]
fn format_multi_clause_filter_gets_one_line_per_clause() {
    assert_eq!(
        fmt("let x = Resources.*[ Type == 'A' Metadata.x exists ]"),
        "let x = Resources.*[\n    Type == \"A\"\n    Metadata.x exists\n]\n"
    );
}

#[test]
fn format_of_empty_file_is_empty() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("# only\n"), "# only\n");
}
