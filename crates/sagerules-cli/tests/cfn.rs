#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

//! `sagerules check` on CloudFormation templates with the bundled SageMaker pack: parameters
//! of each category, pipeline steps, Service Catalog products and suppressions, through the
//! real binary. Lines are located in the fixtures by their text, not hard-coded.

mod common;

use common::{repo_root, sagerules, Run};

const DIR: &str = "crates/sagerules-cli/tests/fixtures/cfn";

/// `sagerules check <args>`.
fn check(args: &[&str]) -> Run {
    sagerules(&[&["check"], args].concat())
}

fn path(fixture: &str) -> String {
    format!("{DIR}/{fixture}")
}

/// `path:line:col` of the first occurrence of `needle` in the fixture.
fn at(fixture: &str, needle: &str) -> String {
    let text = std::fs::read_to_string(repo_root().join(path(fixture))).unwrap();
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {fixture}"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("{}:{line}:{col}", path(fixture))
}

/// The output lines that mention `rule`.
fn lines_of<'a>(run: &'a Run, rule: &str) -> Vec<&'a str> {
    run.stdout
        .lines()
        .filter(|l| l.contains(&format!(" {rule} ")))
        .collect()
}

// ---- the three categories of security parameters ----

#[test]
fn not_exposed_parameter_fails_naming_the_parameter() {
    let run = check(&[&path("params.yaml")]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let lines = lines_of(&run, "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET");
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    let value_at = at("params.yaml", "!Ref NotebookInternet");
    assert!(
        lines[0].starts_with(&format!("{value_at}: FAIL")),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains(
            "DirectInternetAccess comes from parameter NotebookInternet, which allows any value"
        ),
        "{}",
        lines[0]
    );
}

#[test]
fn restricted_parameter_fails_on_the_allowed_value_that_fails() {
    let run = check(&[&path("params.yaml")]);
    let lines = lines_of(&run, "SAGEMAKER_NOTEBOOK_ROOT_ACCESS_DISABLED");
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(
        lines[0].starts_with(&format!("{}: FAIL", at("params.yaml", "Enabled, Disabled"))),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("RootAccess comes from parameter NotebookRoot (AllowedValues)"),
        "{}",
        lines[0]
    );
}

#[test]
fn validated_key_and_aws_typed_network_parameters_pass() {
    let run = check(&[&path("params.yaml")]);
    for rule in ["SAGEMAKER_NOTEBOOK_KMS", "SAGEMAKER_NOTEBOOK_IN_VPC"] {
        assert!(
            lines_of(&run, rule).is_empty(),
            "{rule} should pass:\n{}",
            run.stdout
        );
    }
}

// ---- pipelines ----

#[test]
fn pipeline_step_in_a_json_string_fails_at_its_template_line() {
    let run = check(&[&path("pipeline.yaml")]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = lines_of(&run, "SAGEMAKER_TRAINING_JOB_NETWORK_ISOLATION")
        .into_iter()
        .filter(|l| l.contains("TrainPipeline/Train [AWS::SageMaker::TrainingJob]"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    let false_at = at("pipeline.yaml", "false}}]}");
    assert!(
        lines[0].starts_with(&format!("{false_at}: FAIL")),
        "{} vs {false_at}",
        lines[0]
    );
}

#[test]
fn pipeline_step_in_a_sub_names_the_template_parameter() {
    let run = check(&[&path("pipeline.yaml")]);
    let lines: Vec<&str> = lines_of(&run, "SAGEMAKER_TRAINING_JOB_OUTPUT_KMS")
        .into_iter()
        .filter(|l| l.contains("SubPipeline/Train"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(
        lines[0].starts_with(&format!(
            "{}: FAIL",
            at("pipeline.yaml", "\"${OutputKey}\"")
        )),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("KmsKeyId comes from parameter OutputKey, which allows any value"),
        "{}",
        lines[0]
    );
}

#[test]
fn pipeline_in_s3_is_reported_not_checked() {
    let run = check(&[&path("pipeline.yaml")]);
    let expected = format!(
        "{}: NOT CHECKED S3Pipeline: the pipeline definition is in S3 (PipelineDefinitionS3Location): its steps are not checked",
        at("pipeline.yaml", "Bucket: definitions")
    );
    assert!(
        run.stdout.lines().any(|l| l == expected),
        "{expected}\n{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 not checked"), "{}", run.stdout);
}

#[test]
fn pipeline_steps_appear_in_sarif_with_their_logical_id() {
    let run = check(&["--format", "sarif", &path("pipeline.yaml")]);
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let names: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["logicalLocations"][0]["name"].as_str())
        .collect();
    assert!(names.contains(&"TrainPipeline/Train"), "{names:?}");
    assert!(names.contains(&"SubPipeline/Train"), "{names:?}");
}

// ---- Service Catalog ----

#[test]
fn product_template_next_to_the_portfolio_is_checked() {
    let run = check(&[&path("catalog/portfolio.yaml")]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("3 files:"), "{}", run.stdout);
    let internet = lines_of(&run, "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET");
    assert_eq!(internet.len(), 1, "{}", run.stdout);
    let value_at = at("catalog/products/notebook.yaml", "!Ref NotebookInternet");
    assert!(
        internet[0].starts_with(&format!("{value_at}: FAIL")),
        "{}",
        internet[0]
    );
    assert!(
        internet[0].contains(" Notebook [AWS::SageMaker::NotebookInstance]"),
        "{}",
        internet[0]
    );
}

#[test]
fn provisioning_parameters_are_applied_to_the_product_template() {
    let run = check(&[&path("catalog/portfolio.yaml")]);
    let provisioned: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("Notebook (provisioned product TeamNotebook)"))
        .collect();
    assert!(!provisioned.is_empty(), "{}", run.stdout);
    assert!(
        provisioned
            .iter()
            .all(|l| !l.contains("SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET")),
        "TeamNotebook sets NotebookInternet to Disabled:\n{}",
        run.stdout
    );
}

// ---- suppression ----

#[test]
fn suppressed_rule_is_printed_with_its_reason() {
    let run = check(&[&path("suppress.yaml")]);
    assert!(lines_of(&run, "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET")
        .iter()
        .all(|l| !l.contains(": FAIL")));
    let expected = format!(
        "{}: SUPPRESSED SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET (high) WorkshopNotebook: Public workshop notebook, holds no data",
        at("suppress.yaml", "rule: SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET")
    );
    assert!(
        run.stdout.lines().any(|l| l == expected),
        "{expected}\n{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 suppressed"), "{}", run.stdout);
}

#[test]
fn suppression_without_a_reason_is_an_error_and_the_rule_still_runs() {
    let run = check(&[&path("suppress-no-reason.yaml")]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("the suppression of SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET has no reason"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&at(
            "suppress-no-reason.yaml",
            "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET]"
        )),
        "{}",
        run.stderr
    );
    let lines = lines_of(&run, "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET");
    assert!(lines.iter().any(|l| l.contains(": FAIL")), "{}", run.stdout);
}

// ---- nested stacks ----

#[test]
fn nested_stack_templates_are_checked_with_the_parameters_their_parent_passes() {
    let run = check(&[&path("nested/parent.yaml")]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("3 files:"), "{}", run.stdout);
    let internet = lines_of(&run, "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET");
    assert_eq!(internet.len(), 1, "{}", run.stdout);
    assert!(
        internet[0].starts_with(&format!(
            "{}: FAIL",
            at("nested/notebook.yaml", "!Ref NotebookInternet")
        )),
        "{}",
        internet[0]
    );
    assert!(
        internet[0].contains("Notebook (nested stack PassedThrough)"),
        "{}",
        internet[0]
    );
    assert!(
        internet[0].contains("parameter ParentInternet, which allows any value"),
        "{}",
        internet[0]
    );
    let remote = format!(
        "{}: NOT CHECKED Remote: the nested stack template https://example-bucket.s3.amazonaws.com/notebook.yaml is not a local file: it is not checked",
        at("nested/parent.yaml", "https://")
    );
    assert!(
        run.stdout.lines().any(|l| l == remote),
        "{remote}\n{}",
        run.stdout
    );
}

// ---- other tools' suppressions ----

#[test]
fn a_checkov_skip_suppresses_the_bundled_rule_that_names_its_check_and_says_so() {
    let fixture = "foreign-suppressions.yaml";
    let run = check(&[&path(fixture)]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        lines_of(&run, "SAGEMAKER_NOTEBOOK_KMS"),
        [format!(
            "{}: SUPPRESSED SAGEMAKER_NOTEBOOK_KMS (high) Nb: checkov skip CKV_AWS_187: Workshop account, public sample data only",
            at(fixture, "CKV_AWS_187")
        )]
    );
    assert_eq!(
        lines_of(&run, "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET"),
        [format!(
            "{}: SUPPRESSED SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET (high) Nb: guard SuppressedRules SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS: no reason given (Metadata.guard.SuppressedRules)",
            at(fixture, "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS")
        )]
    );
}

#[test]
fn no_foreign_suppressions_on_the_command_line_or_in_the_config_file_fails_them() {
    let fixture = path("foreign-suppressions.yaml");
    let flag = check(&["--no-foreign-suppressions", &fixture]);
    assert_eq!(flag.code, 1);
    assert!(
        flag.stdout.contains("FAIL SAGEMAKER_NOTEBOOK_KMS"),
        "{}",
        flag.stdout
    );
    assert!(!flag.stdout.contains("SUPPRESSED"), "{}", flag.stdout);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("gate.yaml");
    std::fs::write(&config, "check:\n  no-foreign-suppressions: true\n").unwrap();
    let from_file = check(&["--config", config.to_str().unwrap(), &fixture]);
    assert_eq!(from_file.code, 1);
    assert!(
        from_file
            .stdout
            .contains("FAIL SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET"),
        "{}",
        from_file.stdout
    );
}

// ---- following references to the roles and keys of the same template ----

#[test]
fn execution_role_policy_with_sagemaker_star_fails_on_the_policy_not_on_other_roles() {
    let run = check(&[&path("cross-resource.yaml")]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let lines = lines_of(&run, "SAGEMAKER_STACK_EXECUTION_ROLE_LEAST_PRIVILEGE");
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    let statement = at("cross-resource.yaml", "'*'}\n  OtherRole");
    assert!(
        lines[0].starts_with(&format!(
            "{statement}: FAIL SAGEMAKER_STACK_EXECUTION_ROLE_LEAST_PRIVILEGE (high) NotebookPolicy [AWS::IAM::Policy]: the policy allows every action (or sagemaker:*) on every resource (\"Resource\": \"*\") to the execution role of Notebook"
        )),
        "{}",
        lines[0]
    );
}

#[test]
fn key_made_by_the_stack_for_a_notebook_without_rotation_fails_on_the_key() {
    let run = check(&[&path("cross-resource.yaml")]);
    let lines = lines_of(&run, "SAGEMAKER_STACK_KMS_KEY_ROTATION");
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    let key = at("cross-resource.yaml", "KeyPolicy: {}");
    assert!(
        lines[0].starts_with(&format!(
            "{key}: FAIL SAGEMAKER_STACK_KMS_KEY_ROTATION (medium) NotebookKey [AWS::KMS::Key]: EnableKeyRotation is not true: the key that encrypts the data of Notebook never rotates"
        )),
        "{}",
        lines[0]
    );
}

#[test]
fn a_key_made_by_the_stack_is_unknown_to_a_key_allow_list_unless_allow_stack_keys_is_set() {
    let template = path("cross-resource.yaml");
    let listed = check(&["--params", &path("key-allow-list.yaml"), &template]);
    let lines = lines_of(&listed, "SAGEMAKER_NOTEBOOK_KMS");
    assert_eq!(lines.len(), 1, "{}", listed.stdout);
    let key = at("cross-resource.yaml", "!Ref NotebookKey");
    assert!(
        lines[0].starts_with(&format!("{key}: UNKNOWN SAGEMAKER_NOTEBOOK_KMS")),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("Ref to resource NotebookKey, made by the stack"));
    let allowed = check(&[
        "--format",
        "json",
        "--params",
        &path("allow-stack-keys.yaml"),
        &template,
    ]);
    let json: serde_json::Value = serde_json::from_str(&allowed.stdout).unwrap();
    let verdicts: Vec<(&str, &str)> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == "SAGEMAKER_NOTEBOOK_KMS")
        .map(|r| {
            (
                r["status"].as_str().unwrap(),
                r["resource"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(verdicts, [("PASS", "Notebook")]);
    assert_eq!(json["summary"]["unknown"], 0, "{}", allowed.stdout);
}

// ---- Fn::ForEach (AWS::LanguageExtensions) ----

/// Regression: a notebook made by `Fn::ForEach` was an opaque map under Resources, so the gate
/// judged nothing and exited 0 (a few UNKNOWNs about `Resources` itself).
#[test]
fn resources_made_by_fn_foreach_are_judged_one_per_item_not_passed() {
    let run = check(&[&path("foreach.yaml")]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let lines = lines_of(&run, "SAGEMAKER_NOTEBOOK_KMS");
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    // The fragment's Properties, where KmsKeyId is missing, for both items.
    let properties = at("foreach.yaml", "InstanceType: ml.t3.medium");
    for line in &lines {
        assert!(line.starts_with(&format!("{properties}: FAIL")), "{line}");
    }
    for (line, id) in lines.iter().zip(["NotebookResearch", "NotebookFraud"]) {
        assert!(
            line.contains(&format!(
                "FAIL SAGEMAKER_NOTEBOOK_KMS (high) {id} [AWS::SageMaker::NotebookInstance]"
            )),
            "{line}"
        );
    }
    let isolation = lines_of(&run, "SAGEMAKER_MODEL_NETWORK_ISOLATION");
    let ids: Vec<bool> = ["Modeldev [", "Modelprod ["]
        .iter()
        .map(|id| isolation.iter().any(|l| l.contains(id)))
        .collect();
    assert_eq!(
        ids,
        [true, true],
        "every allowed value of the list parameter: {isolation:?}"
    );
}

#[test]
fn a_foreach_over_a_free_list_parameter_is_not_checked_and_says_so() {
    let run = check(&[&path("foreach.yaml")]);
    let note = run
        .stdout
        .lines()
        .find(|l| l.contains("NOT CHECKED Fn::ForEach::Free"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        note.contains("has a collection known only at deployment"),
        "{note}"
    );
    assert!(!run.stdout.contains("BucketX"), "{}", run.stdout);
    assert!(run.stdout.contains("1 not checked"), "{}", run.stdout);
}
