//! `Metadata.sagerules.suppress`: read with reasons, applied to a report, never silent.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

mod common;

use common::fixture;
use sagerules_cfn::{CfnError, Suppressions};
use sagerules_core::ast::Span;
use sagerules_core::{Report, ResourceResult, RuleResult, Severity, SourceId, Status};

fn resource(id: &str, status: Status) -> ResourceResult {
    ResourceResult {
        resource: Some(id.into()),
        resource_type: Some("AWS::SageMaker::NotebookInstance".into()),
        status,
        failures: Vec::new(),
        unknowns: Vec::new(),
    }
}

fn rule(name: &str, resources: Vec<ResourceResult>) -> RuleResult {
    let status = resources
        .iter()
        .map(|r| r.status)
        .max()
        .unwrap_or(Status::Skip);
    RuleResult {
        rule: name.into(),
        status,
        severity: Severity::High,
        source: SourceId(0),
        span: Span::default(),
        resources,
    }
}

#[test]
fn both_entry_forms_are_read_with_their_reasons() {
    let (_, root) = fixture("suppress.yaml");
    let (suppressions, _) = Suppressions::read(&root);
    let internet = suppressions
        .find("DemoNotebook", "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET")
        .unwrap();
    assert_eq!(internet.reason, "Public workshop notebook without data");
    let kms = suppressions
        .find("DemoNotebook", "SAGEMAKER_NOTEBOOK_KMS")
        .unwrap();
    assert_eq!(kms.reason, "Workshop account only");
    assert!(suppressions
        .find("DemoNotebook", "SAGEMAKER_NOTEBOOK_IN_VPC")
        .is_none());
}

#[test]
fn suppression_without_reason_is_an_error_and_not_applied() {
    let (_, root) = fixture("suppress.yaml");
    let (suppressions, errors) = Suppressions::read(&root);
    assert!(suppressions
        .find("NoReason", "SAGEMAKER_NOTEBOOK_ROOT_ACCESS_DISABLED")
        .is_none());
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "resource NoReason: the suppression of SAGEMAKER_NOTEBOOK_ROOT_ACCESS_DISABLED has no reason (add `reason:`)",
            "resource BadShape: Metadata.sagerules.suppress must list rule names or {rule: NAME, reason: TEXT} entries",
        ]
    );
    assert!(matches!(
        errors[0],
        CfnError::SuppressionWithoutReason { .. }
    ));
    assert_eq!(errors[0].pos().line, 19);
}

#[test]
fn applying_moves_the_verdict_out_and_recomputes_the_status() {
    let (_, root) = fixture("suppress.yaml");
    let (suppressions, _) = Suppressions::read(&root);
    let mut report = Report {
        rules: vec![
            rule(
                "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET",
                vec![
                    resource("DemoNotebook", Status::Fail),
                    resource("NoReason", Status::Pass),
                ],
            ),
            rule(
                "SAGEMAKER_NOTEBOOK_KMS",
                vec![resource("DemoNotebook", Status::Fail)],
            ),
            rule(
                "SAGEMAKER_NOTEBOOK_ROOT_ACCESS_DISABLED",
                vec![resource("NoReason", Status::Fail)],
            ),
        ],
        errors: Vec::new(),
    };
    let suppressed = suppressions.apply(&mut report);
    let statuses: Vec<Status> = report.rules.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Status::Pass, Status::Skip, Status::Fail]);
    let moved: Vec<(&str, &str, Status)> = suppressed
        .iter()
        .map(|s| (s.rule.as_str(), s.resource.as_str(), s.result.status))
        .collect();
    assert_eq!(
        moved,
        [
            (
                "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET",
                "DemoNotebook",
                Status::Fail
            ),
            ("SAGEMAKER_NOTEBOOK_KMS", "DemoNotebook", Status::Fail),
        ]
    );
}

#[test]
fn suppression_on_a_pipeline_covers_its_steps() {
    let root = common::node(serde_json::json!({"Resources": {"Pipe": {
        "Type": "AWS::SageMaker::Pipeline",
        "Metadata": {"sagerules": {"suppress": [{"rule": "R", "reason": "legacy"}]}}}}}));
    let (suppressions, errors) = Suppressions::read(&root);
    assert!(errors.is_empty());
    assert_eq!(
        suppressions
            .find("Pipe/Train", "R")
            .map(|s| s.reason.as_str()),
        Some("legacy")
    );
    assert!(suppressions.find("Other/Train", "R").is_none());
}
