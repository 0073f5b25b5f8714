//! Rule selection and parameters, annotations (1..=256 characters, visible cut marker), and
//! the mapping from engine reports to Config verdicts.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

use sagerules_core::ast::Span;
use sagerules_core::report::EvalError;
use sagerules_core::{Finding, Report, ResourceResult, RuleResult, Severity, SourceId, Status};
use sagerules_data::Pos;
use sagerules_lambda::engine::{outcome, property_path, Outcome, RuleNote};
use sagerules_lambda::evaluation::{
    clamp_annotation, verdict, Compliance, CUT_MARKER, MAX_ANNOTATION,
};
use sagerules_lambda::jobs::JobKind;
use sagerules_lambda::params::{JobResourceType, RuleConfig};
use serde_json::json;

fn known() -> Vec<String> {
    [
        "SAGEMAKER_TRAINING_JOB_VOLUME_KMS",
        "SAGEMAKER_TRAINING_JOB_REQUIRED_TAGS",
        "SAGEMAKER_HPO_JOB_VOLUME_KMS",
        "SAGEMAKER_NOTEBOOK_KMS",
        "SAGEMAKER_NOTEBOOK_IN_VPC",
        "SAGEMAKER_REQUIRED_TAGS",
    ]
    .map(String::from)
    .to_vec()
}

fn config(params: serde_json::Value) -> Result<RuleConfig, String> {
    let map = params.as_object().cloned().unwrap_or_default();
    RuleConfig::from_parameters(&map, &known()).map_err(|e| e.to_string())
}

#[test]
fn no_selection_means_every_rule_and_defaults() {
    let c = config(json!({})).unwrap();
    assert_eq!(c.rules.len(), known().len());
    assert_eq!((c.window_days, c.describe_concurrency), (7, 8));
    assert_eq!(c.job_resource_type, JobResourceType::Native);
    assert_eq!(
        c.job_kinds(),
        JobKind::ALL.to_vec(),
        "the generic tag rule concerns every job kind"
    );
}

#[test]
fn families_and_names_combine() {
    let c = config(json!({"families": "notebook", "rules": "SAGEMAKER_TRAINING_JOB_VOLUME_KMS"}))
        .unwrap();
    assert_eq!(
        c.rules,
        [
            "SAGEMAKER_NOTEBOOK_IN_VPC",
            "SAGEMAKER_NOTEBOOK_KMS",
            "SAGEMAKER_TRAINING_JOB_VOLUME_KMS"
        ]
    );
    assert_eq!(c.job_kinds(), [JobKind::Training]);
    assert!(!c.needs_tags(JobKind::Training));
}

#[test]
fn tag_rules_ask_for_list_tags() {
    let c =
        config(json!({"families": ["training"], "requiredTagKeys": "team, cost-centre"})).unwrap();
    assert!(c.needs_tags(JobKind::Training));
    assert!(!c.needs_tags(JobKind::Tuning));
    let no_keys = config(json!({"families": ["training"], "requiredTagKeys": ""})).unwrap();
    assert!(
        !no_keys.needs_tags(JobKind::Training),
        "tag rules skip without required keys"
    );
    let jobs =
        config(json!({"families": "JOBS", "windowDays": 30, "jobResourceType": "AWS::::Account"}))
            .unwrap();
    assert_eq!(jobs.rules.len(), 3);
    assert_eq!(
        (jobs.window_days, jobs.job_resource_type),
        (30, JobResourceType::Account)
    );
}

#[test]
fn invalid_parameters_are_errors() {
    for (params, expected) in [
        (
            json!({"rules": "SAGEMAKER_NOPE"}),
            "unknown rule SAGEMAKER_NOPE",
        ),
        (json!({"families": "gpu"}), "unknown family gpu"),
        (json!({"windowDays": "a week"}), "windowDays"),
        (json!({"windowDays": "0"}), "windowDays"),
        (json!({"describeConcurrency": 500}), "describeConcurrency"),
        (
            json!({"jobResourceType": "AWS::SageMaker::Whatever"}),
            "jobResourceType",
        ),
        (json!({"families": 3}), "families"),
        (json!({"families": "domain"}), "select no rule"),
        // Regression: a rule parameter chose the role assumed in the event's account.
        (
            json!({"executionRoleName": "OtherAccountAdmin"}),
            "fixed by the deployment (SAGERULES_ASSUME_ROLE)",
        ),
    ] {
        let error = config(params.clone()).unwrap_err();
        assert!(error.contains(expected), "{params}: {error}");
    }
}

#[test]
fn short_annotations_are_kept_and_empty_ones_replaced() {
    assert_eq!(clamp_annotation("  fine  ", Compliance::Compliant), "fine");
    assert_eq!(
        clamp_annotation("", Compliance::NotApplicable),
        "NOT_APPLICABLE"
    );
    let exact = "x".repeat(MAX_ANNOTATION);
    assert_eq!(clamp_annotation(&exact, Compliance::Compliant), exact);
}

#[test]
fn long_annotations_are_cut_with_a_marker_by_characters() {
    let long = "é".repeat(400);
    let cut = clamp_annotation(&long, Compliance::NonCompliant);
    assert_eq!(cut.chars().count(), MAX_ANNOTATION);
    assert!(cut.ends_with(CUT_MARKER));
}

fn note(rule: &str, reason: &str) -> RuleNote {
    RuleNote {
        rule: rule.into(),
        reason: reason.into(),
    }
}

#[test]
fn verdicts_from_outcomes() {
    let failing = Outcome {
        failed: vec![
            note("A", "KmsKeyId: expected exists, found missing"),
            note("B", "x"),
        ],
        passed: vec!["C".into()],
        errors: vec![],
    };
    assert_eq!(
        verdict(&failing, None),
        (
            Compliance::NonCompliant,
            "A, B failed: KmsKeyId: expected exists, found missing".into()
        )
    );
    let passing = Outcome {
        passed: vec!["C".into(), "D".into()],
        ..Outcome::default()
    };
    assert_eq!(
        verdict(&passing, Some("training job j1")),
        (Compliance::Compliant, "training job j1: passed C, D".into())
    );
    let erroring = Outcome {
        errors: vec![note("E", "bad regex")],
        passed: vec!["C".into()],
        ..Outcome::default()
    };
    assert_eq!(
        verdict(&erroring, None).0,
        Compliance::NonCompliant,
        "an error is never a pass"
    );
    assert_eq!(
        verdict(&Outcome::default(), None).0,
        Compliance::NotApplicable
    );
}

fn finding(pointer: &str, message: Option<&str>) -> Finding {
    Finding {
        pointer: sagerules_data::Pointer::parse(pointer).unwrap(),
        pos: Pos::default(),
        expected: "exists".into(),
        found: "missing".into(),
        message: message.map(std::sync::Arc::from),
        source: SourceId(0),
        span: Span::default(),
        alternatives: Vec::new(),
    }
}

fn rule(name: &str, statuses: &[(Status, Option<Finding>)]) -> RuleResult {
    let resources = statuses
        .iter()
        .map(|(status, finding)| ResourceResult {
            resource: Some("job".into()),
            resource_type: None,
            pos: Pos::default(),
            status: *status,
            failures: finding.iter().cloned().collect(),
            unknowns: vec![],
        })
        .collect();
    RuleResult {
        rule: name.into(),
        // As the evaluator reports it: the worst resource, SKIP when none was reached.
        status: statuses
            .iter()
            .map(|(status, _)| *status)
            .max()
            .unwrap_or(Status::Skip),
        severity: Severity::High,
        source: SourceId(0),
        span: Span::default(),
        resources,
    }
}

#[test]
fn reports_fold_into_outcomes_for_selected_rules_only() {
    let report = Report {
        rules: vec![
            rule(
                "KMS",
                &[(
                    Status::Fail,
                    Some(finding(
                        "/Resources/job/Properties/ResourceConfig/VolumeKmsKeyId",
                        None,
                    )),
                )],
            ),
            rule("VPC", &[(Status::Pass, None)]),
            rule("SKIPPED", &[]),
            rule(
                "HELPER",
                &[(Status::Fail, Some(finding("/x", Some("helper"))))],
            ),
        ],
        errors: vec![EvalError {
            rule: "REGEX".into(),
            message: "bad".into(),
            source_id: SourceId(0),
            span: Span::default(),
        }],
    };
    let only = ["KMS", "VPC", "SKIPPED", "REGEX"].map(String::from);
    let result = outcome(&report, &only);
    assert_eq!(
        result.failed,
        [note(
            "KMS",
            "ResourceConfig.VolumeKmsKeyId: expected exists, found missing"
        )]
    );
    assert_eq!(result.passed, ["VPC"]);
    assert_eq!(result.errors, [note("REGEX", "bad")]);
}

/// Regression: the Lambda recomputed a rule's status from its resources, so a rule the
/// evaluator failed without a failing resource came out as SKIP (NOT_APPLICABLE).
#[test]
fn a_rule_the_evaluator_fails_without_a_failing_resource_is_non_compliant() {
    let mut failed = rule("WHOLE_RULE", &[(Status::Pass, None)]);
    failed.status = Status::Fail;
    let mut no_resource = rule("NO_RESOURCE", &[]);
    no_resource.status = Status::Fail;
    let report = Report {
        rules: vec![failed, no_resource],
        errors: vec![],
    };
    let result = outcome(&report, &["WHOLE_RULE".into(), "NO_RESOURCE".into()]);
    assert_eq!(
        result.failed,
        [note("NO_RESOURCE", "failed"), note("WHOLE_RULE", "failed")]
    );
    assert!(result.passed.is_empty());
    assert_eq!(verdict(&result, None).0, Compliance::NonCompliant);
}

#[test]
fn clause_messages_win_over_generated_reasons() {
    let report = Report {
        rules: vec![rule(
            "KMS",
            &[(Status::Fail, Some(finding("/a", Some(" use a CMK "))))],
        )],
        errors: vec![],
    };
    assert_eq!(
        outcome(&report, &["KMS".into()]).failed,
        [note("KMS", "use a CMK")]
    );
}

#[test]
fn pointers_become_property_paths() {
    assert_eq!(
        property_path(
            &sagerules_data::Pointer::parse("/Resources/nb/Properties/VpcConfig/Subnets/0")
                .unwrap()
        ),
        "VpcConfig.Subnets.0"
    );
    assert_eq!(
        property_path(&sagerules_data::Pointer::parse("/Resources/nb/Type").unwrap()),
        "Type"
    );
    assert_eq!(
        property_path(&sagerules_data::Pointer::parse("/a~1b").unwrap()),
        "a/b"
    );
    assert_eq!(
        property_path(&sagerules_data::Pointer::parse("/").unwrap()),
        "/"
    );
}
