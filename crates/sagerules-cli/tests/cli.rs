#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

//! End-to-end tests of the `sagerules` binary: exit codes, every output format (snapshots) and
//! rendered diagnostics. Commands run from the repository root with relative paths and
//! `NO_COLOR`, so the output holds no machine-specific paths, timings or colours.

mod common;

use common::{repo_root, sagerules, sagerules_with_stdin};
use std::time::Instant;

const FIXTURES: &str = "crates/sagerules-cli/tests/fixtures";
const EXAMPLE_RULES: &str = "examples/rules/notebook.rules";
const EXAMPLE_TEMPLATES: &str = "examples/templates";

fn fixture(path: &str) -> String {
    format!("{FIXTURES}/{path}")
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

// ---- check: exit codes ----

#[test]
fn check_exits_0_when_nothing_fails() {
    let run = sagerules(&[
        "check",
        "--rules",
        EXAMPLE_RULES,
        "examples/templates/notebook-compliant.yaml",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("0 FAIL, 4 PASS"), "{}", run.stdout);
}

#[test]
fn check_exits_1_when_a_rule_fails() {
    let run = sagerules(&[
        "check",
        "--rules",
        EXAMPLE_RULES,
        "examples/templates/notebook-open.json",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let failed: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains(": FAIL "))
        .map(|l| l.split(" FAIL ").nth(1).unwrap().split(' ').next().unwrap())
        .collect();
    assert_eq!(
        failed,
        [
            "notebook_kms_key",
            "notebook_no_direct_internet",
            "notebook_no_root_access",
            "notebook_in_vpc",
            "notebook_in_vpc"
        ],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("examples/templates/notebook-open.json:7:21: FAIL notebook_kms_key (high) ScratchNotebook"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_exits_2_on_unparsable_data_and_still_reports_the_good_files() {
    let run = sagerules(&[
        "check",
        "--rules",
        EXAMPLE_RULES,
        "--format",
        "json",
        &fixture("data/broken.yaml"),
        "examples/templates/notebook-open.json",
        &fixture("data/good.yaml"),
    ]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let out = json(&run.stdout);
    let files: Vec<&str> = out["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"examples/templates/notebook-open.json"),
        "{files:?}"
    );
    assert!(
        files.contains(&fixture("data/good.yaml").as_str()),
        "{files:?}"
    );
    let errors = out["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], fixture("data/broken.yaml"));
    assert_eq!(errors[0]["line"], 4);
    assert!(
        run.stderr
            .contains(&format!("{}:4:", fixture("data/broken.yaml"))),
        "{}",
        run.stderr
    );
}

#[test]
fn a_duplicate_key_is_a_warning_and_the_later_value_counts() {
    let run = sagerules(&[
        "check",
        "--rules",
        EXAMPLE_RULES,
        "--format",
        "json",
        &fixture("data/duplicate-key.yaml"),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let out = json(&run.stdout);
    assert_eq!(out["warnings"][0]["line"], 10, "{out}");
    assert_eq!(out["summary"]["warnings"], 1);
    assert!(
        run.stderr.contains("warning: duplicate key"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_exits_2_on_a_rules_syntax_error() {
    let run = sagerules(&[
        "check",
        "--rules",
        &fixture("rules/syntax-errors.rules"),
        EXAMPLE_TEMPLATES,
    ]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
}

#[test]
fn check_exits_2_on_a_missing_input_but_checks_the_rest() {
    let run = sagerules(&[
        "check",
        "--rules",
        EXAMPLE_RULES,
        "nope.yaml",
        "examples/templates/notebook-open.json",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nope.yaml"), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("examples/templates/notebook-open.json:"),
        "{}",
        run.stdout
    );
}

#[test]
fn fail_on_ignores_failures_below_the_threshold() {
    // notebook_in_vpc (low) is the only rule failing on a notebook that sets everything else.
    let template = "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      KmsKeyId: k\n      DirectInternetAccess: Disabled\n      RootAccess: Disabled\n";
    let low = sagerules_with_stdin(&["check", "--rules", EXAMPLE_RULES, "-"], template);
    assert_eq!(low.code, 1, "{}{}", low.stdout, low.stderr);
    let medium = sagerules_with_stdin(
        &[
            "check",
            "--rules",
            EXAMPLE_RULES,
            "--fail-on",
            "medium",
            "-",
        ],
        template,
    );
    assert_eq!(medium.code, 0, "{}{}", medium.stdout, medium.stderr);
}

#[test]
fn check_reads_standard_input() {
    let template =
        std::fs::read_to_string(repo_root().join("examples/templates/notebook-open.json")).unwrap();
    let run = sagerules_with_stdin(&["check", "--rules", EXAMPLE_RULES, "-"], &template);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("-:"), "{}", run.stdout);
}

fn statuses_of(out: &serde_json::Value, rule: &str) -> Vec<String> {
    out["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == rule)
        .map(|r| r["status"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn params_overlay_the_bundled_pack_defaults() {
    let template = "examples/templates/notebook-open.json";
    let without = json(&sagerules(&["check", "--format", "json", template]).stdout);
    assert_eq!(statuses_of(&without, "SAGEMAKER_REQUIRED_TAGS"), ["SKIP"]);
    let with = sagerules(&[
        "check",
        "--format",
        "json",
        "--params",
        &fixture("params/tags.yaml"),
        template,
    ]);
    assert_eq!(with.code, 1, "{}", with.stderr);
    assert_eq!(
        statuses_of(&json(&with.stdout), "SAGEMAKER_REQUIRED_TAGS"),
        ["FAIL"]
    );
}

#[test]
fn bad_params_are_an_error_naming_the_parameter() {
    let run = sagerules(&[
        "check",
        "--params",
        &fixture("params/bad.yaml"),
        "examples/templates/notebook-open.json",
    ]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("maxRuntimeSeconds"), "{}", run.stderr);
}

#[test]
fn undecidable_checks_are_reported_as_unknown_not_as_failures() {
    let file = fixture("data/unknown.yaml");
    let run = sagerules(&["check", "--rules", EXAMPLE_RULES, &file]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let line = format!("{file}:6:29: UNKNOWN notebook_no_direct_internet (high) Nb");
    assert!(run.stdout.contains(&line), "{}", run.stdout);
    let out =
        json(&sagerules(&["check", "--rules", EXAMPLE_RULES, "--format", "json", &file]).stdout);
    assert_eq!(out["unknowns"].as_array().unwrap().len(), 1, "{out}");
    assert_eq!(
        out["unknowns"][0]["path"],
        "/Resources/Nb/Properties/DirectInternetAccess"
    );
    let junit = sagerules(&[
        "check",
        "--rules",
        EXAMPLE_RULES,
        "--format",
        "junit",
        &file,
    ])
    .stdout;
    assert!(junit.contains("unknown until deployment"), "{junit}");
}

// ---- check: output formats ----

#[test]
fn text_output_names_file_line_col_rule_resource_and_message() {
    let run = sagerules(&["check", "--rules", EXAMPLE_RULES, EXAMPLE_TEMPLATES]);
    insta::assert_snapshot!("check_text", run.stdout);
}

#[test]
fn json_output_is_one_object_with_results_errors_and_summary() {
    let run = sagerules(&[
        "check",
        "--rules",
        EXAMPLE_RULES,
        "--format",
        "json",
        EXAMPLE_TEMPLATES,
    ]);
    let out = json(&run.stdout);
    for row in out["results"].as_array().unwrap() {
        for key in [
            "file",
            "rule",
            "status",
            "resource",
            "resource_type",
            "path",
            "line",
            "column",
            "message",
            "severity",
        ] {
            assert!(row.get(key).is_some(), "{key} missing in {row}");
        }
    }
    insta::assert_json_snapshot!("check_json", out);
}

#[test]
fn sarif_output_has_rules_results_and_logical_locations() {
    let run = sagerules(&[
        "check",
        "--rules",
        EXAMPLE_RULES,
        "--format",
        "sarif",
        EXAMPLE_TEMPLATES,
    ]);
    let out = json(&run.stdout);
    assert_eq!(out["version"], "2.1.0");
    let run0 = &out["runs"][0];
    assert_eq!(run0["tool"]["driver"]["rules"].as_array().unwrap().len(), 4);
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let location = &result["locations"][0];
        assert!(
            location["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
                > 0
        );
        assert_eq!(location["logicalLocations"][0]["name"], "ScratchNotebook");
    }
    insta::assert_json_snapshot!("check_sarif", out);
}

#[test]
fn junit_output_has_one_testcase_per_rule_and_resource() {
    let run = sagerules(&[
        "check",
        "--rules",
        EXAMPLE_RULES,
        "--format",
        "junit",
        EXAMPLE_TEMPLATES,
    ]);
    assert!(
        run.stdout
            .contains("<testcase name=\"notebook_kms_key (ScratchNotebook)\""),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("check_junit", run.stdout);
}

#[test]
fn ten_thousand_failures_render_in_every_format() {
    let mut template = String::from("Resources:\n");
    for i in 0..10_000 {
        template.push_str(&format!("  Nb{i}:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      RootAccess: Enabled\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.yaml");
    std::fs::write(&path, template).unwrap();
    let rules = repo_root().join(fixture("rules/one-failure.rules"));
    for format in ["text", "json", "sarif", "junit"] {
        let started = Instant::now();
        let run = sagerules(&[
            "check",
            "--rules",
            rules.to_str().unwrap(),
            "--format",
            format,
            path.to_str().unwrap(),
        ]);
        let took = started.elapsed();
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(run.stdout.contains("Nb9999"), "{format}");
        if format == "text" {
            assert_eq!(
                run.stdout
                    .lines()
                    .filter(|l| l.contains(": FAIL root_disabled"))
                    .count(),
                10_000
            );
        }
        eprintln!("{format}: 10,000 failures in {took:?} (debug build)");
    }
}

// ---- diagnostics ----

#[test]
fn parse_errors_render_with_excerpt_expected_and_hint() {
    let run = sagerules(&[
        "check",
        "--rules",
        &fixture("rules/syntax-errors.rules"),
        EXAMPLE_TEMPLATES,
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.matches("error:").count() >= 2,
        "several errors expected:\n{}",
        run.stderr
    );
    insta::assert_snapshot!("diag_syntax_errors", run.stderr);
}

#[test]
fn data_errors_render_with_the_offending_line() {
    let run = sagerules(&["check", "--rules", EXAMPLE_RULES, &fixture("data/bad.json")]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("diag_bad_json", run.stderr);
}

#[test]
fn includes_are_resolved_relative_to_the_including_file() {
    let run = sagerules(&[
        "check",
        "--rules",
        &fixture("rules/with-include.rules"),
        "examples/templates/notebook-open.json",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("notebook_kms_key"), "{}", run.stdout);
}

#[test]
fn a_missing_include_points_at_the_include_line() {
    let run = sagerules(&[
        "check",
        "--rules",
        &fixture("rules/missing-include.rules"),
        EXAMPLE_TEMPLATES,
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("missing-include.rules:1:1"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("common/nope.rules"), "{}", run.stderr);
}

#[test]
fn an_include_cycle_is_an_error() {
    let run = sagerules(&[
        "check",
        "--rules",
        &fixture("rules/cycle/a.rules"),
        EXAMPLE_TEMPLATES,
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("include cycle"), "{}", run.stderr);
}

// ---- test ----

#[test]
fn test_dir_mode_passes_the_example_rules() {
    let run = sagerules(&["test", "examples/rules"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("3 cases (0 with a mismatch); 12 expectations (12 met, 0 not met)"),
        "{}",
        run.stdout
    );
}

#[test]
fn test_mismatch_prints_case_rule_expected_and_got() {
    let run = sagerules(&[
        "test",
        "--rules",
        &fixture("unit/notebook.rules"),
        "--tests",
        &fixture("unit/tests"),
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    insta::assert_snapshot!("test_mismatch", run.stdout);
}

#[test]
fn test_cases_carry_their_own_params() {
    let run = sagerules(&["test", &fixture("params")]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("2 expectations (2 met, 0 not met)"),
        "{}",
        run.stdout
    );
}

#[test]
fn test_cfn_expands_parameters_as_check_does() {
    let args = [
        "test",
        "--rules",
        EXAMPLE_RULES,
        "--tests",
        "crates/sagerules-cli/tests/fixtures/cfn-unit",
    ];
    let plain = sagerules(&args);
    assert_eq!(
        plain.code, 1,
        "Guard semantics compare the Ref map itself:\n{}",
        plain.stdout
    );
    let cfn = sagerules(&[&args[..], &["--cfn"]].concat());
    assert_eq!(cfn.code, 0, "{}{}", cfn.stdout, cfn.stderr);
}

#[test]
fn test_strict_fails_on_notes() {
    let run = sagerules(&[
        "test",
        "--strict",
        "--rules",
        EXAMPLE_RULES,
        "--tests",
        "examples/rules/tests",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = sagerules(&[
        "test",
        "--strict",
        "--rules",
        &fixture("unit/notebook.rules"),
        "--tests",
        &fixture("unit/tests"),
    ]);
    assert_eq!(run.code, 1);
}

#[test]
fn test_exits_2_on_an_unreadable_test_file() {
    let run = sagerules(&[
        "test",
        "--rules",
        EXAMPLE_RULES,
        "--tests",
        &fixture("data/bad.json"),
    ]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
}

// ---- fmt ----

#[test]
fn fmt_check_names_files_that_would_change_and_exits_1() {
    let run = sagerules(&["fmt", "--check", &fixture("unfmt.rules")]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("would reformat crates/sagerules-cli/tests/fixtures/unfmt.rules"),
        "{}",
        run.stdout
    );
}

#[test]
fn fmt_rewrites_in_place_and_is_then_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.rules");
    std::fs::copy(repo_root().join(fixture("unfmt.rules")), &path).unwrap();
    let path = path.to_str().unwrap();
    assert_eq!(sagerules(&["fmt", path]).code, 0);
    let run = sagerules(&["fmt", "--check", path]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains("rule r {"), "{text}");
}

#[test]
fn fmt_refuses_a_file_with_syntax_errors() {
    let original =
        std::fs::read_to_string(repo_root().join(fixture("rules/syntax-errors.rules"))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("syntax-errors.rules");
    std::fs::write(&copy, &original).unwrap();
    let copy = copy.to_string_lossy().into_owned();
    let run = sagerules(&["fmt", &copy]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        std::fs::read_to_string(&copy).unwrap(),
        original,
        "the file was rewritten"
    );
    for at in [format!("{copy}:3:49"), format!("{copy}:8:1")] {
        assert!(run.stderr.contains(&at), "{at}:\n{}", run.stderr);
    }
    assert_eq!(
        run.stderr.matches("error: expected an operator").count(),
        2,
        "{}",
        run.stderr
    );
}

// ---- rules ----

#[test]
fn rules_lists_metadata_as_markdown() {
    let run = sagerules(&["rules", "--rules", EXAMPLE_RULES, "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("rules_markdown", run.stdout);
}

#[test]
fn rules_lists_metadata_as_json() {
    let run = sagerules(&["rules", "--rules", EXAMPLE_RULES, "--format", "json"]);
    let out = json(&run.stdout);
    assert_eq!(out[0]["name"], "notebook_kms_key");
    assert_eq!(out[0]["severity"], "high");
    assert_eq!(out[3]["severity"], "low");
}

#[test]
fn bundled_pack_is_used_without_rules() {
    let names = |args: &[&str]| -> Vec<String> {
        let run = sagerules(args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let mut names: Vec<String> = json(&run.stdout)
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    let bundled = names(&["rules", "--format", "json"]);
    let on_disk = names(&["rules", "--rules", "rules/", "--format", "json"]);
    assert_eq!(bundled, on_disk);
    assert!(
        bundled.contains(&"SAGEMAKER_NOTEBOOK_KMS".to_string()),
        "{bundled:?}"
    );
}
