#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

//! `sagerules check` as a gate that fails closed: every input accounted for, nothing it did
//! not judge reported as a pass, every finding readable. One test per behaviour, named after
//! it. Inputs are written to temporary directories (the command runs from the repository root,
//! so they are named by absolute path) or taken from `tests/adversarial/`.

mod common;

use common::{sagerules, sagerules_with_stdin, Run};
use std::fs;
use std::path::Path;

const EXAMPLE_RULES: &str = "examples/rules/notebook.rules";
const GOOD: &str = "crates/sagerules-cli/tests/fixtures/data/good.yaml";

/// A notebook template whose only problem is `KmsKeyId: <kms>`.
fn notebook(kms: &str) -> String {
    format!(
        "Parameters:\n  KeyParam: {{Type: String}}\nResources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      KmsKeyId: {kms}\n      DirectInternetAccess: Disabled\n      RootAccess: Disabled\n      SubnetId: subnet-1\n      SecurityGroupIds: [sg-1]\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// Fails with what the run printed when it did not exit with `code`.
fn assert_exit(run: &Run, code: i32) {
    assert_eq!(run.code, code, "{}{}", run.stdout, run.stderr);
}

/// `sagerules check --rules RULES GOOD`, RULES being a temporary `name` holding `text`: the
/// directory (kept alive), the rules' path and the run.
fn check_with_rules(name: &str, text: &str) -> (tempfile::TempDir, String, Run) {
    let dir = tempfile::tempdir().unwrap();
    let rules = write(dir.path(), name, text);
    let run = sagerules(&["check", "--rules", &rules, GOOD]);
    (dir, rules, run)
}

/// The lines of `text` that contain `marker` (`" FAIL "`).
fn lines_with<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(marker)).collect()
}

/// Fails with the whole `text` when it lacks `needle`.
fn assert_contains(text: &str, needle: impl AsRef<str>) {
    let needle = needle.as_ref();
    assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
}

/// Fails with the whole `text` when it holds `needle`.
fn assert_lacks(text: &str, needle: impl AsRef<str>) {
    let needle = needle.as_ref();
    assert!(!text.contains(needle), "unexpected {needle:?} in:\n{text}");
}

fn errors_of(out: &serde_json::Value) -> Vec<String> {
    out["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}:{}: {}",
                e["file"].as_str().unwrap(),
                e["line"],
                e["column"],
                e["message"].as_str().unwrap()
            )
        })
        .collect()
}

// ---- inputs ----

#[test]
fn a_fifo_named_on_the_command_line_is_an_error_and_the_other_files_are_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let fifo = fifo.to_string_lossy().into_owned();
    let run = sagerules(&["check", "--rules", EXAMPLE_RULES, &fifo, GOOD]);
    assert_exit(&run, 2);
    assert_contains(
        &run.stderr,
        format!("{fifo}: cannot read: not a regular file (a FIFO)"),
    );
    assert_contains(&run.stdout, "2 files: 0 FAIL, 4 PASS, 0 SKIP verdicts");
}

#[test]
fn a_device_is_an_error_not_read_until_memory_runs_out() {
    let run = sagerules(&["check", "--rules", EXAMPLE_RULES, "/dev/zero", GOOD]);
    assert_exit(&run, 2);
    assert_contains(
        &run.stderr,
        "/dev/zero: cannot read: not a regular file (a character device)",
    );
    assert_contains(&run.stdout, "4 PASS");
}

#[test]
fn an_input_over_the_size_limit_is_an_error_and_max_size_raises_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let padding = format!("# {}\n", "x".repeat(2 * 1024 * 1024));
    let big = write(dir.path(), "big.yaml", &(padding + &notebook("k")));
    let size = fs::metadata(&big).unwrap().len();
    let run = sagerules(&["check", "--rules", EXAMPLE_RULES, &big]);
    assert_exit(&run, 2);
    assert_contains(&run.stderr, format!(
            "{big}: cannot read: larger than the 1 MiB limit ({size} bytes); raise it with --max-size"
        ));
    let run = sagerules(&["check", "--rules", EXAMPLE_RULES, "--max-size", "4M", &big]);
    assert_exit(&run, 0);
    assert_contains(&run.stdout, "0 FAIL, 4 PASS");
}

#[test]
fn standard_input_over_the_size_limit_is_an_error() {
    let text = format!("# {}\n{}", "x".repeat(2048), notebook("k"));
    let run = sagerules_with_stdin(
        &["check", "--rules", EXAMPLE_RULES, "--max-size", "1K", "-"],
        &text,
    );
    assert_exit(&run, 2);
    assert_contains(
        &run.stderr,
        "-: cannot read: larger than the 1 KiB limit; raise it with --max-size",
    );
}

#[test]
fn results_are_printed_per_file_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..12)
        .map(|i| {
            let text = notebook("k");
            let text = if i % 2 == 0 {
                text
            } else {
                text.replace("      KmsKeyId: k\n", "")
            };
            write(dir.path(), &format!("t{i:02}.yaml"), &text)
        })
        .collect();
    let mut args = vec!["check", "--rules", EXAMPLE_RULES];
    args.extend(names.iter().map(String::as_str));
    let run = sagerules(&args);
    let failing: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains(": FAIL "))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    let expected: Vec<&str> = names
        .iter()
        .skip(1)
        .step_by(2)
        .map(String::as_str)
        .collect();
    assert_eq!(failing, expected, "{}", run.stdout);
}

// ---- templates ----

#[test]
fn an_unknown_tag_is_an_error_with_line_col_and_a_typo_cannot_turn_a_failure_into_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let typo = write(dir.path(), "typo.yaml", &notebook("!Reff KeyParam"));
    let run = sagerules(&["check", "--format", "json", &typo]);
    assert_exit(&run, 2);
    let out = json(&run.stdout);
    assert_eq!(
        errors_of(&out),
        [format!(
            "{typo}:7:17: unknown tag !Reff (did you mean !Ref?)"
        )]
    );
    assert_eq!(out["summary"]["pass"], 0, "{out}");
    let foo = write(dir.path(), "foo.yaml", &notebook("!Foo KeyParam"));
    let run = sagerules(&["check", &foo]);
    assert_eq!(run.code, 2);
    assert_contains(&run.stderr, "unknown tag !Foo");
}

#[test]
fn a_file_that_is_not_a_template_is_an_error_unless_allow_non_templates() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("hello.yaml", "hello\n", "the document is a string"),
        ("list.json", "[1,2]\n", "the document is a list"),
        ("empty-map.json", "{}\n", "it has no Resources section"),
        (
            "no-resources.yaml",
            "Resources: {}\n",
            "its Resources section is empty",
        ),
    ];
    for (name, text, why) in cases {
        let path = write(dir.path(), name, text);
        let run = sagerules(&["check", &path]);
        assert_eq!(run.code, 2, "{name}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr
                .contains(&format!("not a CloudFormation template: {why}")),
            "{name}: {}",
            run.stderr
        );
        assert_contains(&run.stdout, "0 FAIL, 0 PASS, 0 SKIP");
    }
    let data = write(dir.path(), "data.yaml", "Nb: {KmsKeyId: k}\n");
    let rules = write(
        dir.path(),
        "data.rules",
        "rule kms { Nb.KmsKeyId exists }\n",
    );
    let run = sagerules(&["check", "--allow-non-templates", "--rules", &rules, &data]);
    assert_exit(&run, 0);
    assert_contains(&run.stdout, "1 PASS");
}

#[test]
fn a_ref_to_an_undeclared_parameter_is_an_error_as_cloudformation_rejects_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "t.yaml", &notebook("!Ref NoSuchParam"));
    let run = sagerules(&["check", "--format", "json", &path]);
    assert_exit(&run, 2);
    assert_eq!(
        errors_of(&json(&run.stdout)),
        [format!(
            "{path}:7:22: resource Nb: Ref to NoSuchParam, which the template does not declare"
        )]
    );
}

#[test]
fn fail_on_unknown_makes_an_undecided_check_fail_the_run() {
    let file = "crates/sagerules-cli/tests/fixtures/data/unknown.yaml";
    let run = sagerules(&["check", "--rules", EXAMPLE_RULES, file]);
    assert_exit(&run, 0);
    let run = sagerules(&["check", "--rules", EXAMPLE_RULES, "--fail-on-unknown", file]);
    assert_exit(&run, 1);
    assert_contains(&run.stdout, "UNKNOWN notebook_no_direct_internet (high) Nb [AWS::SageMaker::NotebookInstance]: cannot be decided before deployment: Properties.DirectInternetAccess must be \"Disabled\", and its value is unknown until deployment: Fn::ImportValue shared-notebook-internet-setting");
}

// ---- findings ----

#[test]
fn a_failing_or_is_one_finding_in_one_sentence_not_one_line_per_branch() {
    let run = sagerules(&["check", "examples/templates/endpoint-params.yaml"]);
    let kms: Vec<&str> = lines_with(&run.stdout, "FAIL SAGEMAKER_ENDPOINT_CONFIG_KMS ");
    assert_eq!(kms.len(), 1, "{}", run.stdout);
    assert!(
        kms[0].contains("ChurnEndpointConfig [AWS::SageMaker::EndpointConfig]: KmsKeyId is not set and a production variant runs on instances with EBS storage volumes"),
        "{}",
        kms[0]
    );
    assert_lacks(&run.stdout, "expected exists, found missing");
}

#[test]
fn a_failing_or_without_a_message_names_what_each_alternative_lacked() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write(
        dir.path(),
        "or.rules",
        "rule either {\n  Resources.Nb.Properties.KmsKeyId exists or Resources.Nb.Properties.VolumeKey exists\n}\n",
    );
    let template = write(
        dir.path(),
        "t.yaml",
        "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties: {RootAccess: Disabled}\n",
    );
    let run = sagerules(&["check", "--rules", &rules, &template]);
    assert_exit(&run, 1);
    let fails: Vec<&str> = lines_with(&run.stdout, " FAIL ");
    assert_eq!(
        fails,
        [format!("{template}:4:17: FAIL either (medium) Nb [AWS::SageMaker::NotebookInstance]: none of these holds: Properties.KmsKeyId is not set, but it must be set; or Properties.VolumeKey is not set, but it must be set")]
    );
    let verbose = sagerules(&["check", "--verbose", "--rules", &rules, &template]);
    assert_contains(
        &verbose.stdout,
        "[expected exists or exists, found missing; missing]",
    );
}

#[test]
fn the_same_check_failing_for_two_values_is_one_line_naming_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write(
        dir.path(),
        "v.rules",
        "rule variants {\n  Resources.E.Properties.Variants[*].Count > 1\n}\n",
    );
    let template = write(
        dir.path(),
        "t.yaml",
        "Resources:\n  E:\n    Type: X\n    Properties:\n      Variants:\n        - Count: 1\n        - Count: 0\n",
    );
    let run = sagerules(&["check", "--rules", &rules, &template]);
    let fails: Vec<&str> = lines_with(&run.stdout, " FAIL ");
    assert_eq!(
        fails,
        [format!("{template}:6:18: FAIL variants (medium) E [X]: Properties.Variants.0.Count is 1, but it must be greater than 1 (also at 7:18)")]
    );
}

#[test]
fn the_remediation_is_shown_once_per_rule_and_run_and_under_every_failure_with_explain() {
    let dir = tempfile::tempdir().unwrap();
    let open =
        fs::read_to_string(common::repo_root().join("examples/templates/notebook-open.json"))
            .unwrap();
    let a = write(dir.path(), "a.json", &open);
    let b = write(dir.path(), "b.json", &open);
    let remediation = "    remediation: Set KmsKeyId to the ARN of a KMS key.";
    let run = sagerules(&["check", "--rules", EXAMPLE_RULES, &a, &b]);
    assert_eq!(run.stdout.matches(remediation).count(), 1, "{}", run.stdout);
    assert_lacks(&run.stdout, "    why: ");
    let explain = sagerules(&["check", "--explain", "--rules", EXAMPLE_RULES, &a, &b]);
    assert_eq!(
        explain.stdout.matches(remediation).count(),
        2,
        "{}",
        explain.stdout
    );
    assert_contains(
        &explain.stdout,
        "    why: Notebook instances encrypt their storage volume with a customer managed KMS key",
    );
}

// ---- parameters ----

#[test]
fn a_list_as_params_is_an_error_with_line_col_and_nothing_is_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let params = write(dir.path(), "params.yaml", "- kmsKeyArns\n- x\n");
    let run = sagerules(&[
        "check",
        "--params",
        &params,
        "examples/templates/notebook-open.json",
    ]);
    assert_exit(&run, 2);
    assert_contains(&run.stderr, format!("{params}:1:1"));
    assert_lacks(&run.stdout, "FAIL ");
    assert!(run.stdout.starts_with("0 files:"), "{}", run.stdout);
    let custom = sagerules(&[
        "check",
        "--rules",
        EXAMPLE_RULES,
        "--params",
        &params,
        "examples/templates/notebook-open.json",
    ]);
    assert_exit(&custom, 2);
    assert!(
        custom
            .stderr
            .contains("parameters must be a map (it is merged at the data root), found list"),
        "{}",
        custom.stderr
    );
    assert!(custom.stdout.starts_with("0 files:"), "{}", custom.stdout);
}

#[test]
fn every_bad_parameter_is_reported_at_its_value() {
    let dir = tempfile::tempdir().unwrap();
    let params = write(
        dir.path(),
        "params.yaml",
        "SageRules:\n  maxRuntimeSeconds: soon\n  kmsKeyArn: [x]\n",
    );
    let run = sagerules(&["check", "--format", "json", "--params", &params, GOOD]);
    assert_exit(&run, 2);
    let errors = errors_of(&json(&run.stdout));
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with(&format!(
            "{params}:2:22: parameter maxRuntimeSeconds: expected a whole number"
        )),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with(&format!(
            "{params}:3:14: parameter kmsKeyArn: unknown parameter"
        )),
        "{errors:?}"
    );
}

// ---- files reached from rules and templates ----

#[test]
fn an_include_of_a_file_that_is_not_rules_is_refused_and_never_echoed() {
    let (_dir, _, run) =
        check_with_rules("r.rules", "include \"/etc/passwd\"\nrule a { x exists }\n");
    assert_exit(&run, 2);
    assert_contains(
        &run.stderr,
        "/etc/passwd is not read: only files ending in .rules, .guard are followed",
    );
    assert_lacks(&run.stderr, "root:");
}

#[test]
fn an_include_outside_the_root_is_refused_unless_allow_outside() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "outside.rules",
        "rule outside { Resources exists }\n",
    );
    let inner = dir.path().join("repo");
    let rules = write(
        &inner,
        "r.rules",
        "include \"../outside.rules\"\nrule a { Resources exists }\n",
    );
    let root = inner.to_string_lossy().into_owned();
    let run = sagerules(&["check", "--root", &root, "--rules", &rules, GOOD]);
    assert_exit(&run, 2);
    assert_contains(
        &run.stderr,
        "outside.rules is not read: it is outside the root",
    );
    let allowed = sagerules(&["check", "--allow-outside", "--rules", &rules, GOOD]);
    assert_exit(&allowed, 0);
    assert_contains(&allowed.stdout, "2 PASS");
}

#[test]
fn a_product_template_outside_the_root_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "secret.txt", "password: hunter2\n");
    write(dir.path(), "secret.yaml", "password: hunter2\n");
    let inner = dir.path().join("repo");
    let portfolio = |url: &str| {
        format!("Resources:\n  P:\n    Type: AWS::ServiceCatalog::CloudFormationProduct\n    Properties:\n      ProvisioningArtifactParameters:\n        - Info: {{LoadTemplateFromURL: {url}}}\n")
    };
    let txt = write(&inner, "a.yaml", &portfolio("../secret.txt"));
    let yaml = write(&inner, "b.yaml", &portfolio("../secret.yaml"));
    let root = inner.to_string_lossy().into_owned();
    let run = sagerules(&["check", "--root", &root, &txt, &yaml]);
    assert_exit(&run, 2);
    assert_contains(
        &run.stderr,
        "cannot read template ../secret.txt: only files ending in .yaml",
    );
    assert_contains(
        &run.stderr,
        "cannot read template ../secret.yaml: it is outside the root",
    );
    assert_lacks(&run.stderr, "hunter2");
}

// ---- diagnostics ----

#[test]
fn a_misspelt_keyword_is_named_with_the_keyword_it_resembles() {
    let (_dir, _, run) = check_with_rules(
        "typo.rules",
        "rul kms when Resources exists {\n  Resources.*.Properties.KmsKeyId exists\n}\n",
    );
    assert_exit(&run, 2);
    assert_contains(&run.stderr, "error: `rul` is not a keyword");
    assert_contains(&run.stderr, "hint: did you mean `rule`?");
    assert_lacks(&run.stderr, "unknown rule `kms`");
}

#[test]
fn syntax_and_compile_errors_of_one_file_are_all_reported_with_file_line_col() {
    let (_dir, rules, run) = check_with_rules(
        "dup.rules",
        "rule a { Resources exists }\nrule a { Resources exists }\nrule b { x == }\nrule c { nope }\n",
    );
    assert_exit(&run, 2);
    for expected in [
        "error: expected a value after `==`",
        "error: rule `a` is defined twice",
        &format!("hint: the first definition is at {rules}:1:1"),
        "error: unknown rule `nope`",
    ] {
        assert!(run.stderr.contains(expected), "{expected}:\n{}", run.stderr);
    }
    assert_lacks(&run.stderr, "byte");
}

#[test]
fn an_error_in_a_huge_one_line_file_prints_a_bounded_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let body: String = (0..200_000).map(|i| format!("\"k{i}\":{i},")).collect();
    let text = format!("{{\"Resources\":{{{body}\"bad\":\u{1}}}}}");
    let path = write(dir.path(), "big.json", &text);
    let run = sagerules(&["check", "--max-size", "16M", &path]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.len() < 2_000,
        "{} bytes of stderr",
        run.stderr.len()
    );
    assert_contains(&run.stderr, format!("{path}:1:"));
}

// ---- sagerules test ----

#[test]
fn sagerules_test_fails_when_it_finds_no_test_cases_unless_allow_empty() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "lonely.rules", "rule a { x exists }\n");
    let path = dir.path().to_string_lossy().into_owned();
    let run = sagerules(&["test", &path]);
    assert_exit(&run, 2);
    assert_contains(&run.stderr, "no test cases found");
    let allowed = sagerules(&["test", "--allow-empty", &path]);
    assert_exit(&allowed, 0);
    assert_contains(&allowed.stdout, "0 cases");
}

// ---- the gate policy file ----

#[test]
fn fail_on_unknown_in_the_config_file_makes_an_undecided_check_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "gate.yaml",
        "check:\n  fail-on-unknown: true\n  rules: [examples/rules/notebook.rules]\n",
    );
    let file = "crates/sagerules-cli/tests/fixtures/data/unknown.yaml";
    let run = sagerules(&["check", "--config", &config, file]);
    assert_exit(&run, 1);
    assert_contains(&run.stdout, "UNKNOWN notebook_no_direct_internet");
}

#[test]
fn an_unknown_setting_in_the_config_file_is_an_error_at_its_line_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "gate.yaml",
        "check:\n  fail-on-unknwn: true\n  max-size: lots\n",
    );
    let run = sagerules(&["check", "--config", &config, GOOD]);
    assert_exit(&run, 2);
    assert_contains(&run.stderr, format!("{config}:2:19"));
    assert_contains(
        &run.stderr,
        "unknown setting `check.fail-on-unknwn` (did you mean `fail-on-unknown`?)",
    );
    assert_contains(&run.stderr, format!("{config}:3:13"));
    assert!(run.stdout.is_empty(), "nothing is checked: {}", run.stdout);
}
