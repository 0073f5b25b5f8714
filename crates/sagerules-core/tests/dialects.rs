//! The two dialects agree wherever Guard has no quirk: small rules and documents generated
//! within the shared subset (lower-case keys that no case style turns into another key of the
//! document, no all-digit keys, no `keys` filters, no regexes with braces, no `regex_replace`,
//! no character ranges, one definition per rule name) get the same verdict per rule from the
//! Guard dialect and the sagerules dialect. Where they differ on purpose, the differential
//! suite (`tests/differential/dialect.yaml`) pins each difference against cfn-guard 3.2.1.

use proptest::prelude::*;
use sagerules_core::{evaluate, parse, Dialect, Input, RuleSet, Source};
use sagerules_data::{Format, Node};

const KEYS: [&str; 3] = ["alpha", "beta", "gamma"];

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..4i64).prop_map(|n| n.to_string()),
        prop::sample::select(vec!["x", "y", "z"]).prop_map(|s| format!("'{s}'")),
    ]
}

/// One resource's YAML: a type and up to three properties, scalars or lists of scalars.
fn resource() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        3 => scalar(),
        1 => prop::collection::vec(scalar(), 0..3).prop_map(|items| format!("[{}]", items.join(", "))),
    ];
    (
        prop::sample::select(vec!["T1", "T2"]),
        prop::collection::btree_map(prop::sample::select(KEYS.to_vec()), value, 0..3),
    )
        .prop_map(|(kind, props)| {
            let props: Vec<String> = props.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("{{Type: {kind}, Properties: {{{}}}}}", props.join(", "))
        })
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(resource(), 0..3).prop_map(|resources| {
        let entries: Vec<String> = resources
            .iter()
            .enumerate()
            .map(|(i, r)| format!("R{i}: {r}"))
            .collect();
        format!("Resources: {{{}}}\n", entries.join(", "))
    })
}

/// A query over the resources: every resource, or those of one type.
fn query() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["Resources.*", "Resources.*[ Type == 'T1' ]"]),
        prop::sample::select(KEYS.to_vec()),
    )
        .prop_map(|(from, key)| format!("{from}.Properties.{key}"))
}

fn check() -> impl Strategy<Value = String> {
    let op = prop_oneof![
        scalar().prop_map(|v| format!("== {v}")),
        scalar().prop_map(|v| format!("!= {v}")),
        (0..4i64).prop_map(|n| format!("> {n}")),
        Just("exists".to_string()),
        Just("!exists".to_string()),
        Just("empty".to_string()),
        Just("!empty".to_string()),
        prop::collection::vec(scalar(), 1..3).prop_map(|v| format!("in [{}]", v.join(", "))),
        Just("== /^[xy]/".to_string()),
    ];
    (any::<bool>(), query(), op).prop_map(|(some, q, op)| {
        let some = if some { "some " } else { "" };
        format!("{some}{q} {op}")
    })
}

/// A rule body: one or two checks (joined by `or` or on two lines), maybe behind `when`.
fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        check(),
        (check(), check()).prop_map(|(a, b)| format!("{a} or {b}")),
        (check(), check()).prop_map(|(a, b)| format!("{a}\n  {b}")),
        (check(), check()).prop_map(|(w, c)| format!("when {w} {{\n    {c}\n  }}")),
    ]
}

fn rules() -> impl Strategy<Value = String> {
    prop::collection::vec(body(), 1..4).prop_map(|bodies| {
        bodies
            .iter()
            .enumerate()
            .map(|(i, b)| format!("rule r{i} {{\n  {b}\n}}\n"))
            .collect()
    })
}

/// `{rule: status}` in one dialect, or the build error.
fn verdicts(rules: &str, doc: &Node, dialect: Dialect) -> Result<Vec<(String, String)>, String> {
    let (file, errors) = parse(rules);
    if !errors.is_empty() {
        return Err(format!("{errors:?}"));
    }
    let source = Source {
        name: "generated".into(),
        text: rules.to_string(),
    };
    let set =
        RuleSet::build_with(vec![(source, file)], Some(dialect)).map_err(|e| format!("{e:?}"))?;
    let input = Input {
        data: doc,
        params: None,
        expander: None,
        only: None,
    };
    let report = evaluate(&set, &input);
    let mut out: Vec<(String, String)> = report
        .rules
        .iter()
        .map(|r| (r.rule.clone(), r.status.as_str().to_string()))
        .collect();
    out.extend(
        report
            .errors
            .iter()
            .map(|e| (e.rule.clone(), "ERROR".into())),
    );
    Ok(out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn both_dialects_agree_within_the_shared_subset(rules in rules(), doc in document()) {
        let doc = sagerules_data::load(doc.as_bytes(), Format::Yaml)
            .map_err(|e| TestCaseError::fail(format!("generated YAML: {e}")))?;
        let guard = verdicts(&rules, &doc, Dialect::Guard);
        let ours = verdicts(&rules, &doc, Dialect::Sagerules);
        prop_assert!(ours.is_ok(), "generated rules do not build: {ours:?}\n{rules}");
        prop_assert_eq!(guard, ours, "\n{}", rules);
    }
}
