//! Property test of the combinations of parameter values: small templates with restricted
//! parameters, conditions, `Fn::If` and resource `Condition:` are judged by `check`, and by a
//! brute-force oracle that writes out each combination as a plain template (parameters
//! substituted, `Fn::If` resolved, resources whose condition is false removed), checks each and
//! combines the verdicts: a resource fails when it fails in some combination, passes when it
//! passes in some and fails in none.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

mod common;

use proptest::prelude::*;
use sagerules_core::Status;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const RULES: &str = r#"
let notebooks = Resources.*[ Type == 'AWS::SageMaker::NotebookInstance' ]
rule NO_INTERNET when %notebooks !empty {
    %notebooks.Properties.DirectInternetAccess == "Disabled"
}
rule ROOT_GUARDED when %notebooks !empty {
    %notebooks[ Properties.RootAccess == "Enabled" ] {
        Properties.DirectInternetAccess == "Disabled"
    }
}
"#;

const VALUES: [&str; 3] = ["Enabled", "Disabled", "Other"];

/// A value written in a property: a literal, a parameter, or an `Fn::If`.
#[derive(Clone, Debug)]
enum Val {
    Lit(usize),
    Param(usize),
    If(usize, Box<Val>, Box<Val>),
}

/// A condition: `Equals [Ref P, v]`, negated or not, or `And` of two.
#[derive(Clone, Debug)]
enum Cond {
    Equals(usize, usize, bool),
    And(Box<Cond>, Box<Cond>),
}

#[derive(Clone, Debug)]
struct Case {
    /// Each parameter's allowed values (indexes into VALUES, two or three of them).
    params: Vec<Vec<usize>>,
    conds: Vec<Cond>,
    /// (condition of the resource, DirectInternetAccess, RootAccess) per notebook.
    notebooks: Vec<(Option<usize>, Val, Val)>,
}

fn val(params: usize, conds: usize) -> impl Strategy<Value = Val> {
    let leaf = prop_oneof![
        (0..VALUES.len()).prop_map(Val::Lit),
        (0..params).prop_map(Val::Param),
    ];
    leaf.prop_recursive(2, 4, 2, move |inner| {
        (0..conds.max(1), inner.clone(), inner)
            .prop_map(|(c, a, b)| Val::If(c, Box::new(a), Box::new(b)))
    })
}

fn cond(params: usize) -> impl Strategy<Value = Cond> {
    let leaf =
        (0..params, 0..VALUES.len(), any::<bool>()).prop_map(|(p, v, neg)| Cond::Equals(p, v, neg));
    leaf.prop_recursive(1, 3, 2, |inner| {
        (inner.clone(), inner).prop_map(|(a, b)| Cond::And(Box::new(a), Box::new(b)))
    })
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..=3, 1usize..=2)
        .prop_flat_map(|(p, c)| {
            let params = proptest::collection::vec(
                proptest::sample::subsequence(vec![0usize, 1, 2], 2..=3),
                p,
            );
            let conds = proptest::collection::vec(cond(p), c);
            let notebook = (proptest::option::of(0..c), val(p, c), val(p, c));
            let notebooks = proptest::collection::vec(notebook, 1..=2);
            (params, conds, notebooks)
        })
        .prop_map(|(params, conds, notebooks)| Case {
            params,
            conds,
            notebooks,
        })
}

fn val_json(v: &Val) -> Value {
    match v {
        Val::Lit(i) => json!(VALUES[*i]),
        Val::Param(p) => json!({"Ref": format!("P{p}")}),
        Val::If(c, a, b) => json!({"Fn::If": [format!("C{c}"), val_json(a), val_json(b)]}),
    }
}

fn cond_json(c: &Cond) -> Value {
    match c {
        Cond::Equals(p, v, false) => json!({"Fn::Equals": [{"Ref": format!("P{p}")}, VALUES[*v]]}),
        Cond::Equals(p, v, true) => {
            json!({"Fn::Not": [{"Fn::Equals": [{"Ref": format!("P{p}")}, VALUES[*v]]}]})
        }
        Cond::And(a, b) => json!({"Fn::And": [cond_json(a), cond_json(b)]}),
    }
}

fn template(case: &Case) -> Value {
    let mut params = Map::default();
    for (i, allowed) in case.params.iter().enumerate() {
        let values: Vec<&str> = allowed.iter().map(|v| VALUES[*v]).collect();
        params.insert(
            format!("P{i}"),
            json!({"Type": "String", "AllowedValues": values}),
        );
    }
    let mut conds = Map::default();
    for (i, c) in case.conds.iter().enumerate() {
        conds.insert(format!("C{i}"), cond_json(c));
    }
    let mut resources = Map::default();
    for (i, (condition, internet, root)) in case.notebooks.iter().enumerate() {
        let mut resource = json!({
            "Type": "AWS::SageMaker::NotebookInstance",
            "Properties": {"DirectInternetAccess": val_json(internet), "RootAccess": val_json(root)}
        });
        if let Some(c) = condition {
            resource["Condition"] = json!(format!("C{c}"));
        }
        resources.insert(format!("Nb{i}"), resource);
    }
    json!({"Parameters": params, "Conditions": conds, "Resources": resources})
}

// ---- the oracle ----

fn holds(c: &Cond, world: &[usize]) -> bool {
    match c {
        Cond::Equals(p, v, neg) => (world[*p] == *v) != *neg,
        Cond::And(a, b) => holds(a, world) && holds(b, world),
    }
}

fn value_in(v: &Val, case: &Case, world: &[usize]) -> &'static str {
    match v {
        Val::Lit(i) => VALUES[*i],
        Val::Param(p) => VALUES[world[*p]],
        Val::If(c, a, b) => {
            if holds(&case.conds[*c], world) {
                value_in(a, case, world)
            } else {
                value_in(b, case, world)
            }
        }
    }
}

/// The template of one combination, with no intrinsic left.
fn written_out(case: &Case, world: &[usize]) -> Value {
    let mut resources = Map::default();
    for (i, (condition, internet, root)) in case.notebooks.iter().enumerate() {
        if condition.is_some_and(|c| !holds(&case.conds[c], world)) {
            continue;
        }
        resources.insert(
            format!("Nb{i}"),
            json!({"Type": "AWS::SageMaker::NotebookInstance", "Properties": {
                "DirectInternetAccess": value_in(internet, case, world),
                "RootAccess": value_in(root, case, world)}}),
        );
    }
    json!({"Resources": resources})
}

fn worlds(case: &Case) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for allowed in &case.params {
        out = out
            .into_iter()
            .flat_map(|w| {
                allowed.iter().map(move |v| {
                    let mut next = w.clone();
                    next.push(*v);
                    next
                })
            })
            .collect();
    }
    out
}

/// (rule, resource) → status, from one checked document.
fn statuses(doc: &Value) -> BTreeMap<(String, String), Status> {
    let yaml = serde_json::to_string(doc).unwrap();
    let checked = common::run(RULES, &yaml);
    let mut out = BTreeMap::new();
    for rule in &checked.reports[0].rules {
        for resource in &rule.resources {
            if let Some(id) = &resource.resource {
                out.insert((rule.rule.clone(), id.clone()), resource.status);
            }
        }
    }
    out
}

fn oracle(case: &Case) -> BTreeMap<(String, String), Status> {
    let mut combined: BTreeMap<(String, String), Status> = BTreeMap::new();
    for world in worlds(case) {
        for (key, status) in statuses(&written_out(case, &world)) {
            let entry = combined.entry(key).or_insert(Status::Skip);
            *entry = (*entry).max(status);
        }
    }
    combined.retain(|_, s| *s != Status::Skip);
    combined
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn each_combination_is_judged_as_the_template_written_out_for_it(case in case()) {
        let mut got = statuses(&template(&case));
        got.retain(|_, s| *s != Status::Skip);
        prop_assert_eq!(got, oracle(&case), "{}", serde_json::to_string_pretty(&template(&case)).unwrap());
    }
}
