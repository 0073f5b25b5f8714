#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

//! `.guard` files run with cfn-guard 3.2.1's semantics and `.rules` files with ours, chosen by
//! extension, per file (an included file keeps its own), or for a whole run with `--dialect`.
//! The rules here are written for these tests in the shapes the public Guard rules use.

mod common;

use common::sagerules;
use std::fs;
use std::path::Path;

/// A template whose password is a dynamic reference written with `Ref` (the key Guard rules
/// query as `'!Ref'`), and whose metadata uses `cfn-nag` (queried as `cfn_nag`).
const TEMPLATE: &str = "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Metadata:\n      cfn-nag:\n        rules_to_suppress: [{id: F1, reason: test}]\n    Properties:\n      MasterUserPassword: '{{resolve:secretsmanager:MySecret:SecretString:password}}'\n      StorageEncrypted: true\n";

/// The password rule: a regex starting with a literal `{`, and `cfn_nag` found as `cfn-nag`.
const RULES: &str = "let dbs = Resources.*[ Type == 'AWS::RDS::DBInstance' ]\n\nrule db_password_is_a_dynamic_reference when %dbs !empty {\n  %dbs.Properties.MasterUserPassword in [ /{{resolve:secretsmanager:.*}}/, /{{resolve:ssm-secure:.*}}/ ]\n}\n\nrule db_suppressions_are_listed when %dbs !empty {\n  %dbs.Metadata.cfn_nag.rules_to_suppress exists\n}\n";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn statuses(json: &str) -> Vec<(String, String)> {
    let out: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut rows: Vec<(String, String)> = out["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn pair(rule: &str, status: &str) -> (String, String) {
    (rule.to_string(), status.to_string())
}

#[test]
fn a_guard_file_gets_guard_semantics_and_the_same_rules_as_rules_keep_ours() {
    let dir = tempfile::tempdir().unwrap();
    let template = write(dir.path(), "db.yaml", TEMPLATE);
    let guard = write(dir.path(), "db.guard", RULES);
    let ours = write(dir.path(), "db.rules", RULES);
    let run = sagerules(&["check", "--format", "json", "--rules", &guard, &template]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        statuses(&run.stdout),
        [
            pair("db_password_is_a_dynamic_reference", "PASS"),
            pair("db_suppressions_are_listed", "PASS")
        ]
    );
    let run = sagerules(&["check", "--format", "json", "--rules", &ours, &template]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let rows = statuses(&run.stdout);
    assert!(
        rows.contains(&pair("db_suppressions_are_listed", "FAIL")),
        "{rows:?}"
    );
    assert!(
        rows.contains(&pair("db_password_is_a_dynamic_reference", "PASS")),
        "brace literals hold in both dialects: {rows:?}"
    );
}

#[test]
fn dialect_flag_overrides_the_extension_for_the_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let template = write(dir.path(), "db.yaml", TEMPLATE);
    let guard = write(dir.path(), "db.guard", RULES);
    let ours = write(dir.path(), "db.rules", RULES);
    let forced_ours = sagerules(&[
        "check",
        "--format",
        "json",
        "--dialect",
        "sagerules",
        "--rules",
        &guard,
        &template,
    ]);
    assert!(
        statuses(&forced_ours.stdout).contains(&pair("db_suppressions_are_listed", "FAIL")),
        "{}",
        forced_ours.stdout
    );
    let forced_guard = sagerules(&[
        "check",
        "--format",
        "json",
        "--dialect",
        "guard",
        "--rules",
        &ours,
        &template,
    ]);
    assert_eq!(
        forced_guard.code, 0,
        "{}{}",
        forced_guard.stdout, forced_guard.stderr
    );
}

#[test]
fn an_included_guard_file_keeps_its_dialect_inside_a_rules_file() {
    let dir = tempfile::tempdir().unwrap();
    let template = write(dir.path(), "db.yaml", TEMPLATE);
    write(
        dir.path(),
        "lib.guard",
        "let suppressed = Resources.*.Metadata.cfn_nag.rules_to_suppress\n",
    );
    let main = write(
        dir.path(),
        "main.rules",
        "include \"lib.guard\"\nrule uses_guard_lookup { %suppressed !empty }\nrule uses_own_lookup { Resources.*.Metadata.cfn_nag exists }\n",
    );
    let run = sagerules(&[
        "check",
        "--format",
        "json",
        "--allow-outside",
        "--rules",
        &main,
        &template,
    ]);
    assert_eq!(
        statuses(&run.stdout),
        [
            pair("uses_guard_lookup", "PASS"),
            pair("uses_own_lookup", "FAIL")
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn a_guard_rule_file_with_its_tests_passes_sagerules_test() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write(dir.path(), "db_password.guard", RULES);
    let tests = write(
        dir.path(),
        "db_password_tests.yml",
        "- name: dynamic reference passes\n  input:\n    Resources:\n      Db:\n        Type: AWS::RDS::DBInstance\n        Metadata: {cfn-nag: {rules_to_suppress: []}}\n        Properties: {MasterUserPassword: '{{resolve:ssm-secure:pw}}'}\n  expectations:\n    rules:\n      db_password_is_a_dynamic_reference: PASS\n      db_suppressions_are_listed: PASS\n- name: plaintext fails\n  input:\n    Resources:\n      Db:\n        Type: AWS::RDS::DBInstance\n        Properties: {MasterUserPassword: hunter2}\n  expectations:\n    rules:\n      db_password_is_a_dynamic_reference: FAIL\n      db_suppressions_are_listed: FAIL\n",
    );
    let run = sagerules(&["test", "--rules", &rules, "--tests", &tests]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("Summary: 2 cases (0 with a mismatch); 4 expectations (4 met, 0 not met)"),
        "{}",
        run.stdout
    );
}
