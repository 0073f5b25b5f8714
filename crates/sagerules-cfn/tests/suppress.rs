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
use sagerules_data::Pos;

fn resource(id: &str, status: Status) -> ResourceResult {
    ResourceResult {
        resource: Some(id.into()),
        resource_type: Some("AWS::SageMaker::NotebookInstance".into()),
        pos: Pos::default(),
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

/// Other tools' suppressions: each suppresses the rules whose `#@ see:` names its check,
/// reported with its origin and reason; ids no rule lists change nothing; the caller can
/// turn them off.
mod foreign {
    use super::common;
    use sagerules_cfn::suppress::Origin;
    use sagerules_cfn::{check, no_files, Options, Template};
    use sagerules_core::Status;
    use sagerules_data::{load, Format};

    const RULES: &str = r#"
let notebooks = Resources.*[ Type == 'AWS::SageMaker::NotebookInstance' ]
#@ see: checkov:CKV_AWS_187, cfn_nag:W1201
rule KMS when %notebooks !empty { %notebooks.Properties.KmsKeyId exists }
#@ see: guard:SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS
rule INTERNET when %notebooks !empty { %notebooks.Properties.DirectInternetAccess == "Disabled" }
rule ROOT when %notebooks !empty { %notebooks.Properties.RootAccess == "Disabled" }
"#;

    const TEMPLATE: &str = "Resources:
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Metadata:
      checkov:
        skip:
          - {id: CKV_AWS_187, comment: Workshop data only}
          - {id: CKV_AWS_999, comment: not one of ours}
      cfn_nag:
        rules_to_suppress:
          - {id: W1201, reason: also for cfn_nag}
      guard:
        SuppressedRules: [SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS]
    Properties: {DirectInternetAccess: Enabled, RootAccess: Enabled}
";

    fn run(no_foreign_suppressions: bool) -> sagerules_cfn::Checked {
        let set = common::rules(RULES);
        let root = load(TEMPLATE.as_bytes(), Format::Yaml).unwrap();
        let template = Template {
            name: "t.yaml",
            text: Some(TEMPLATE),
            root: &root,
        };
        let options = Options {
            no_foreign_suppressions,
            ..Options::default()
        };
        check(&[&set], template, options, &no_files).remove(0)
    }

    #[test]
    fn a_checkov_skip_and_a_guard_suppression_suppress_the_rules_that_name_their_checks() {
        let checked = run(false);
        let got: Vec<(String, Option<String>, String)> = checked
            .suppressed
            .iter()
            .map(|s| (s.rule.clone(), s.origin.label(), s.reason.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "KMS".to_string(),
                    Some("checkov skip CKV_AWS_187".to_string()),
                    "Workshop data only".to_string()
                ),
                (
                    "INTERNET".to_string(),
                    Some(
                        "guard SuppressedRules SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS"
                            .to_string()
                    ),
                    "no reason given (Metadata.guard.SuppressedRules)".to_string()
                ),
            ]
        );
        assert_eq!(
            checked.suppressed[0].origin.metadata_path(),
            "Metadata/checkov/skip"
        );
        assert!(matches!(
            checked.suppressed[1].origin,
            Origin::Foreign { tool: "guard", .. }
        ));
        let root = checked.reports[0]
            .rules
            .iter()
            .find(|r| r.rule == "ROOT")
            .unwrap();
        assert_eq!(
            root.status,
            Status::Fail,
            "ROOT has no equivalent and still fails"
        );
    }

    #[test]
    fn no_foreign_suppressions_turns_them_off() {
        let checked = run(true);
        assert!(checked.suppressed.is_empty(), "{:?}", checked.suppressed);
        let failing: Vec<&str> = checked.reports[0]
            .rules
            .iter()
            .filter(|r| r.status == Status::Fail)
            .map(|r| r.rule.as_str())
            .collect();
        assert_eq!(failing, ["KMS", "INTERNET", "ROOT"]);
    }
}
