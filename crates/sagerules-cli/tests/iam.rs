#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

//! `sagerules iam-policy`: the policies it prints are evaluated, as IAM evaluates a request's
//! condition keys, against the table of example requests in `docs/controls.md` ("What the
//! generated policy allows and denies"); they fit the size limits when split; the escape hatch
//! reaches every statement; and `--explain` is what the docs show.

mod common;

use common::{repo_root, sagerules};
use serde_json::Value as Json;
use std::collections::BTreeMap;

const PARAMS: &str = "tests/iam/params.yaml";

/// The statements of every document `iam-policy` printed (one document, or a list).
fn statements(stdout: &str) -> Vec<Json> {
    let value: Json = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}:\n{stdout}"));
    let documents = match value {
        Json::Array(documents) => documents,
        one => vec![one],
    };
    documents
        .iter()
        .flat_map(|d| d["Statement"].as_array().unwrap().clone())
        .collect()
}

fn documents(stdout: &str) -> Vec<Json> {
    match serde_json::from_str(stdout).unwrap() {
        Json::Array(documents) => documents,
        one => vec![one],
    }
}

// ---- a small IAM condition evaluator (the operators the generator uses) ----

/// A request's condition keys: each key's values (a single-valued key has one).
type Context = BTreeMap<String, Vec<String>>;

/// `*` and `?` wildcards, as in IAM's `StringLike` and `ArnLike`.
fn like(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

fn policy_values(value: &Json) -> Vec<String> {
    match value {
        Json::Array(items) => items
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect(),
        other => vec![other.as_str().unwrap().to_string()],
    }
}

/// One operator on one key, with IAM's rules for a key the request does not have: negated
/// operators hold, the others do not; `ForAllValues` holds on an empty set, `ForAnyValue` not.
fn holds(operator: &str, key: &str, wanted: &[String], context: &Context) -> bool {
    let got = context.get(key);
    let values: &[String] = got.map_or(&[], Vec::as_slice);
    let matches_any = |v: &String, f: &dyn Fn(&str, &str) -> bool| wanted.iter().any(|w| f(w, v));
    let eq = |w: &str, v: &str| w == v;
    let lk = |w: &str, v: &str| like(w, v);
    match operator {
        "Null" => (wanted[0] == "true") == got.is_none(),
        "Bool" | "StringEquals" => values.iter().any(|v| matches_any(v, &eq)),
        "StringNotEquals" => got.is_none() || values.iter().all(|v| !matches_any(v, &eq)),
        "StringNotLike" | "ArnNotLike" => {
            got.is_none() || values.iter().all(|v| !matches_any(v, &lk))
        }
        "NumericGreaterThan" => values
            .iter()
            .any(|v| v.parse::<f64>().unwrap() > wanted[0].parse::<f64>().unwrap()),
        "ForAnyValue:StringNotLike" => values.iter().any(|v| !matches_any(v, &lk)),
        "ForAnyValue:StringNotEquals" => values.iter().any(|v| !matches_any(v, &eq)),
        "ForAllValues:StringNotLike" => values.iter().all(|v| !matches_any(v, &lk)),
        other => panic!("the test evaluator does not know {other}"),
    }
}

/// The statements that deny `action` for `context`.
fn denying<'s>(statements: &'s [Json], action: &str, context: &Context) -> Vec<&'s Json> {
    statements
        .iter()
        .filter(|s| s["Effect"] == "Deny")
        .filter(|s| {
            s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == &format!("sagemaker:{action}"))
        })
        .filter(|s| {
            s["Condition"]
                .as_object()
                .unwrap()
                .iter()
                .all(|(op, keys)| {
                    keys.as_object()
                        .unwrap()
                        .iter()
                        .all(|(key, value)| holds(op, key, &policy_values(value), context))
                })
        })
        .collect()
}

// ---- the table in docs/controls.md ----

fn controls_md() -> String {
    std::fs::read_to_string(repo_root().join("docs/controls.md")).unwrap()
}

/// The text between `<!-- NAME start -->` and `<!-- NAME end -->`.
fn between<'a>(text: &'a str, name: &str) -> &'a str {
    let start = format!("<!-- {name} start -->\n");
    let from = text.find(&start).unwrap() + start.len();
    let to = text.find(&format!("<!-- {name} end -->")).unwrap();
    &text[from..to]
}

/// The rows of the Markdown tables in `text` (header and rule rows left out).
fn rows(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut previous_was_table = false;
    for line in text.lines() {
        if !line.starts_with('|') {
            previous_was_table = false;
            continue;
        }
        let cells: Vec<String> = line
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        let header = !previous_was_table;
        previous_was_table = true;
        if header || cells.iter().all(|c| c.chars().all(|ch| ch == '-')) {
            continue;
        }
        out.push(cells);
    }
    out
}

/// `key=a,b; key2=c` (and `-key` to remove) applied to `context`.
fn apply(context: &mut Context, changes: &str) {
    for change in changes.split(';').map(str::trim).filter(|c| !c.is_empty()) {
        if let Some(key) = change.strip_prefix('-') {
            context.remove(key);
            continue;
        }
        let (key, values) = change.split_once('=').unwrap();
        context.insert(
            key.to_string(),
            values.split(',').map(str::to_string).collect(),
        );
    }
}

/// `SAGEMAKER_NOTEBOOK_KMS` → `NotebookKms`, the statement ids' stem.
fn sid_stem(rule: &str) -> String {
    sagerules_pack::iam::sid_base(rule)
}

#[test]
fn the_generated_policy_allows_and_denies_the_example_requests_as_the_docs_say() {
    let run = sagerules(&["iam-policy", "--params", PARAMS]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let statements = statements(&run.stdout);
    let docs = controls_md();
    let table = rows(between(&docs, "iam requests"));
    let mut bases: BTreeMap<String, (String, Context)> = BTreeMap::new();
    let mut checked = 0;
    for row in &table {
        if row.len() == 3 {
            let mut context = Context::new();
            apply(&mut context, &row[2]);
            bases.insert(row[0].clone(), (row[1].clone(), context));
            continue;
        }
        let [example, base, changes, expected, rule] = row.as_slice() else {
            panic!("unexpected row {row:?}");
        };
        let (action, base_context) = bases.get(base).unwrap_or_else(|| panic!("no base {base}"));
        let mut context = base_context.clone();
        apply(&mut context, changes);
        let denied_by = denying(&statements, action, &context);
        match expected.as_str() {
            "Allow" => assert!(
                denied_by.is_empty(),
                "{example}: expected Allow, denied by {denied_by:#?}"
            ),
            "Deny" => {
                let stem = sid_stem(rule);
                assert!(
                    denied_by
                        .iter()
                        .any(|s| s["Sid"].as_str().unwrap().starts_with(&stem)),
                    "{example}: expected a Deny from {rule} ({stem}*), got {denied_by:#?}"
                );
            }
            other => panic!("{example}: expected is {other}"),
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} examples");
}

#[test]
fn the_explanation_in_the_docs_is_what_explain_prints() {
    let run = sagerules(&["iam-policy", "--explain"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(between(&controls_md(), "iam explain"), run.stdout);
    assert!(
        run.stdout
            .contains("| `SAGEMAKER_NOTEBOOK_PLATFORM` | none | 0 | no condition key carries PlatformIdentifier. |"),
        "{}",
        run.stdout
    );
}

#[test]
fn every_policy_fits_its_size_limit_when_many_statements_are_split() {
    let dir = tempfile::tempdir().unwrap();
    let tags: Vec<String> = (0..40).map(|i| format!("tag-key-number-{i:02}")).collect();
    let params = dir.path().join("params.yaml");
    std::fs::write(
        &params,
        format!(
            "requiredTagKeys: [{}]\nkmsKeyArns: [arn:aws:kms:us-east-1:111122223333:key/abc]\n",
            tags.join(", ")
        ),
    )
    .unwrap();
    let params = params.to_string_lossy().into_owned();
    for (kind, limit) in [("identity", 6_144), ("scp", 5_120), ("boundary", 6_144)] {
        let run = sagerules(&["iam-policy", "--kind", kind, "--params", &params]);
        assert_eq!(run.code, 0, "{kind}: {}", run.stderr);
        let documents = documents(&run.stdout);
        assert!(
            documents.len() >= 3,
            "{kind}: {} documents",
            documents.len()
        );
        assert!(
            run.stderr.contains(&format!(
                "note: the statements fill {} policies of at most {limit} characters",
                documents.len()
            )),
            "{kind}: {}",
            run.stderr
        );
        for document in &documents {
            let size = serde_json::to_string(document).unwrap().len();
            assert!(size <= limit, "{kind}: {size} > {limit}");
            let first = &document["Statement"][0];
            assert_eq!(
                first["Effect"] == "Allow",
                kind == "boundary",
                "{kind}: {first}"
            );
            assert!(document.get("Principal").is_none());
        }
        let statements: Vec<Json> = documents
            .iter()
            .flat_map(|d| d["Statement"].as_array().unwrap().clone())
            .filter(|s| s["Effect"] == "Deny")
            .collect();
        for tag in &tags {
            let key = format!("aws:RequestTag/{tag}");
            assert!(
                statements
                    .iter()
                    .any(|s| s["Condition"]["Null"].get(&key).is_some()),
                "{kind}: no statement for {tag}"
            );
        }
    }
}

#[test]
fn the_exempt_principal_is_excluded_from_every_statement_and_only_when_asked() {
    let pattern = "arn:aws:iam::*:role/BreakGlass";
    let run = sagerules(&[
        "iam-policy",
        "--kind",
        "scp",
        "--exempt-principal-arn",
        pattern,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = statements(&run.stdout);
    assert!(!all.is_empty());
    for s in &all {
        assert_eq!(
            s["Condition"]["ArnNotLike"]["aws:PrincipalArn"],
            serde_json::json!([pattern]),
            "{s}"
        );
    }
    let plain = statements(&sagerules(&["iam-policy", "--kind", "scp"]).stdout);
    assert!(plain
        .iter()
        .all(|s| s["Condition"].get("ArnNotLike").is_none()));
    let mut context = Context::new();
    context.insert(
        "aws:PrincipalArn".into(),
        vec!["arn:aws:iam::111122223333:role/BreakGlass".into()],
    );
    assert!(denying(&all, "CreateNotebookInstance", &context).is_empty());
    context.insert(
        "aws:PrincipalArn".into(),
        vec!["arn:aws:iam::111122223333:role/Dev".into()],
    );
    assert!(!denying(&all, "CreateNotebookInstance", &context).is_empty());
}

#[test]
fn bad_parameters_are_an_error_and_print_no_policy() {
    let dir = tempfile::tempdir().unwrap();
    let params = dir.path().join("params.yaml");
    std::fs::write(&params, "maxRuntimeSeconds: soon\n").unwrap();
    let run = sagerules(&["iam-policy", "--params", &params.to_string_lossy()]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("parameter maxRuntimeSeconds: expected a whole number of seconds"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_default_identity_policy_is_stable() {
    let run = sagerules(&["iam-policy"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("iam_identity_defaults", run.stdout);
}
