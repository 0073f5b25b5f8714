//! The AWS Config side with `aws-smithy-mocks`: PutEvaluations batching and failure paths
//! (FailedEvaluations, throttling, 5xx, a rejected token), GetComplianceDetailsByConfigRule
//! paging and the oversized-item fetch, which moto cannot serve for SageMaker types.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

mod common;

use aws_sdk_config::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_config::operation::get_compliance_details_by_config_rule::GetComplianceDetailsByConfigRuleOutput;
use aws_sdk_config::operation::get_resource_config_history::GetResourceConfigHistoryOutput;
use aws_sdk_config::operation::put_evaluations::{PutEvaluationsError, PutEvaluationsOutput};
use aws_sdk_config::primitives::DateTime;
use aws_sdk_config::types::{
    error::InvalidResultTokenException, ConfigurationItem, EvaluationResult, ResourceType,
};
use aws_sdk_config::Client;
use aws_smithy_mocks::{create_mock_http_client, mock, Rule, RuleMode};
use common::{interceptor, prior_result};
use sagerules_lambda::config_api::{fetch_item, reported_resources, ReportedResource};
use sagerules_lambda::evaluation::{Compliance, Evaluation};
use sagerules_lambda::reporter::{ReportError, Reporter};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn client(rules: &[&Rule]) -> Client {
    client_in(RuleMode::Sequential, rules)
}

/// `MatchAny` keeps a rule for every call (in `Sequential` mode a simple rule answers once).
fn client_in(mode: RuleMode, rules: &[&Rule]) -> Client {
    let retry = aws_sdk_config::config::retry::RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(1));
    let conf = aws_sdk_config::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .http_client(create_mock_http_client())
        .interceptor(interceptor(mode, rules))
        .retry_config(retry)
        .build();
    Client::from_conf(conf)
}

fn evaluation(i: usize) -> Evaluation {
    let ordering = DateTime::from_secs(1_700_000_000);
    Evaluation::new(
        "AWS::SageMaker::TrainingJob",
        &format!("job-{i}"),
        Compliance::Compliant,
        "ok",
        ordering,
    )
}

/// (batch size, result token, TestMode) of each PutEvaluations call.
type Calls = Arc<Mutex<Vec<(usize, String, Option<bool>)>>>;

/// A PutEvaluations rule that records each call and accepts everything.
fn recording_put(calls: Calls) -> Rule {
    mock!(Client::put_evaluations).then_compute_output(move |input| {
        let size = input.evaluations().len();
        let token = input.result_token().unwrap_or_default().to_string();
        calls.lock().unwrap().push((size, token, input.test_mode()));
        PutEvaluationsOutput::builder().build()
    })
}

#[tokio::test]
async fn batches_hold_at_most_100_and_share_the_token() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let mut reporter = Reporter::new(
        Some(client_in(
            RuleMode::MatchAny,
            &[&recording_put(calls.clone())],
        )),
        Some("token-1"),
    );
    for i in 0..250 {
        reporter.push(evaluation(i)).await.unwrap();
    }
    assert_eq!(
        calls.lock().unwrap().len(),
        2,
        "full batches go out while the sweep runs"
    );
    reporter.flush().await.unwrap();
    let calls = calls.lock().unwrap().clone();
    let sizes: Vec<usize> = calls.iter().map(|c| c.0).collect();
    assert_eq!(sizes, [100, 100, 50]);
    assert!(calls.iter().all(|c| c.1 == "token-1" && c.2.is_none()));
    assert_eq!(reporter.sent.len(), 250);
}

#[tokio::test]
async fn testmode_token_sets_test_mode() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let mut reporter = Reporter::new(
        Some(client_in(
            RuleMode::MatchAny,
            &[&recording_put(calls.clone())],
        )),
        Some("TESTMODE"),
    );
    reporter.push(evaluation(1)).await.unwrap();
    reporter.flush().await.unwrap();
    assert_eq!(
        calls.lock().unwrap().clone(),
        [(1, "TESTMODE".to_string(), Some(true))]
    );
}

fn failed_once() -> PutEvaluationsOutput {
    PutEvaluationsOutput::builder()
        .failed_evaluations(evaluation(7).to_sdk().unwrap())
        .build()
}

#[tokio::test]
async fn failed_evaluations_are_retried_once() {
    let rule = mock!(Client::put_evaluations)
        .sequence()
        .output(failed_once)
        .output(|| PutEvaluationsOutput::builder().build())
        .build();
    let mut reporter = Reporter::new(Some(client(&[&rule])), Some("t"));
    reporter.push(evaluation(7)).await.unwrap();
    reporter.flush().await.unwrap();
    assert_eq!(reporter.calls, 2);
    assert_eq!(rule.num_calls(), 2);
}

#[tokio::test]
async fn failed_evaluations_twice_fail_the_invocation() {
    let rule = mock!(Client::put_evaluations)
        .sequence()
        .output(failed_once)
        .times(2)
        .build();
    let mut reporter = Reporter::new(Some(client(&[&rule])), Some("t"));
    reporter.push(evaluation(7)).await.unwrap();
    let error = reporter.flush().await.unwrap_err();
    assert!(
        matches!(error, ReportError::Rejected { count: 1, ref resource } if resource == "job-7"),
        "{error}"
    );
}

#[tokio::test]
async fn throttling_and_server_errors_are_retried_by_the_sdk() {
    let throttled = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
    let rule = mock!(Client::put_evaluations)
        .sequence()
        .http_status(400, Some(throttled.to_string()))
        .http_status(503, None)
        .output(|| PutEvaluationsOutput::builder().build())
        .build();
    let mut reporter = Reporter::new(Some(client(&[&rule])), Some("t"));
    reporter.push(evaluation(1)).await.unwrap();
    reporter.flush().await.unwrap();
    assert_eq!(rule.num_calls(), 3);
    assert_eq!(reporter.sent.len(), 1);
}

#[tokio::test]
async fn a_rejected_token_is_an_error() {
    let rule = mock!(Client::put_evaluations).then_error(|| {
        PutEvaluationsError::InvalidResultTokenException(
            InvalidResultTokenException::builder()
                .message("bad token")
                .build(),
        )
    });
    let mut reporter = Reporter::new(Some(client(&[&rule])), Some("t"));
    reporter.push(evaluation(1)).await.unwrap();
    let error = reporter.flush().await.unwrap_err();
    assert!(
        matches!(error, ReportError::Call(ref text) if text.contains("bad token")),
        "{error}"
    );
    assert!(reporter.sent.is_empty());
}

#[tokio::test]
async fn dry_run_sends_nothing_but_collects() {
    let mut reporter = Reporter::new(None, None);
    reporter.push(evaluation(1)).await.unwrap();
    reporter.flush().await.unwrap();
    assert_eq!((reporter.calls, reporter.sent.len()), (0, 1));
}

fn result(job: &str) -> EvaluationResult {
    prior_result("sagerules-training", "AWS::SageMaker::TrainingJob", job)
}

#[tokio::test]
async fn compliance_details_are_read_across_pages() {
    let first = mock!(Client::get_compliance_details_by_config_rule)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            GetComplianceDetailsByConfigRuleOutput::builder()
                .evaluation_results(result("old-1"))
                .next_token("p2")
                .build()
        });
    let second = mock!(Client::get_compliance_details_by_config_rule)
        .match_requests(|r| r.next_token() == Some("p2") && r.limit() == Some(100))
        .then_output(|| {
            GetComplianceDetailsByConfigRuleOutput::builder()
                .evaluation_results(result("old-2"))
                .build()
        });
    let (found, next) =
        reported_resources(&client(&[&first, &second]), "sagerules-training", None, 10)
            .await
            .unwrap();
    assert_eq!(next, None);
    let ids: Vec<&str> = found.iter().map(|r| r.resource_id.as_str()).collect();
    assert_eq!(ids, ["old-1", "old-2"]);
    assert_eq!(
        found.first(),
        Some(&ReportedResource {
            resource_type: "AWS::SageMaker::TrainingJob".into(),
            resource_id: "old-1".into()
        })
    );
}

#[tokio::test]
async fn oversized_item_is_fetched_at_capture_time_and_reshaped() {
    let capture = DateTime::from_secs(1_475_772_376);
    let rule = mock!(Client::get_resource_config_history)
        .match_requests(move |r| {
            r.limit() == Some(1)
                && r.later_time() == Some(&capture)
                && r.resource_id() == Some("nb-big")
        })
        .then_output(|| {
            let item = ConfigurationItem::builder()
                .resource_type(ResourceType::from("AWS::SageMaker::NotebookInstance"))
                .resource_id("nb-big")
                .arn("arn:aws:sagemaker:us-west-2:123456789012:notebook-instance/nb-big")
                .account_id("123456789012")
                .configuration_item_status(aws_sdk_config::types::ConfigurationItemStatus::Ok)
                .configuration_item_capture_time(DateTime::from_secs(1_475_772_376))
                .configuration_state_id("1475772376261")
                .configuration(r#"{"DirectInternetAccess":"Enabled","KmsKeyId":null}"#)
                .supplementary_configuration("Tags", r#"[{"key":"team"}]"#)
                .build();
            GetResourceConfigHistoryOutput::builder()
                .configuration_items(item)
                .build()
        });
    let item = fetch_item(
        &client(&[&rule]),
        "AWS::SageMaker::NotebookInstance",
        "nb-big",
        Some(capture),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        item.raw["ARN"],
        "arn:aws:sagemaker:us-west-2:123456789012:notebook-instance/nb-big"
    );
    assert_eq!(item.raw["awsAccountId"], "123456789012");
    assert_eq!(item.raw["configuration"]["DirectInternetAccess"], "Enabled");
    assert_eq!(
        item.raw["supplementaryConfiguration"]["Tags"][0]["key"],
        "team"
    );
    assert_eq!(
        item.raw["configurationItemCaptureTime"],
        "2016-10-06T16:46:16Z"
    );
    assert_eq!(
        item.header.resource_type.as_deref(),
        Some("AWS::SageMaker::NotebookInstance")
    );
    assert!(!item.is_gone());
}

fn job_evaluation(name: &str, compliance: Compliance) -> Evaluation {
    Evaluation::new(
        "AWS::SageMaker::TrainingJob",
        name,
        compliance,
        &format!("{name}: judged"),
        DateTime::from_secs(1_700_000_000),
    )
}

#[tokio::test]
async fn a_resource_type_config_rejects_is_folded_into_one_account_verdict_not_a_failed_batch() {
    let batches = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&batches);
    let rejects_jobs = mock!(Client::put_evaluations)
        .match_requests(move |r| {
            let types: Vec<String> = r
                .evaluations()
                .iter()
                .map(|e| e.compliance_resource_type().to_string())
                .collect();
            let has_jobs = types.iter().any(|t| t == "AWS::SageMaker::TrainingJob");
            seen.lock().unwrap().push(types);
            has_jobs
        })
        .sequence()
        .error(|| {
            PutEvaluationsError::InvalidParameterValueException(
                aws_sdk_config::types::error::InvalidParameterValueException::builder()
                    .message("Unsupported resource type AWS::SageMaker::TrainingJob")
                    .build(),
            )
        })
        .repeatedly()
        .build();
    let accepts_others =
        mock!(Client::put_evaluations).then_output(|| PutEvaluationsOutput::builder().build());
    let client = client_in(RuleMode::MatchAny, &[&rejects_jobs, &accepts_others]);
    let mut reporter =
        Reporter::new(Some(client), Some("TESTMODE")).with_account(Some("123456789012"));
    reporter
        .push(job_evaluation("job-a", Compliance::Compliant))
        .await
        .unwrap();
    reporter
        .push(job_evaluation("job-b", Compliance::NonCompliant))
        .await
        .unwrap();
    let notebook = Evaluation::new(
        "AWS::SageMaker::NotebookInstance",
        "nb-1",
        Compliance::Compliant,
        "ok",
        DateTime::from_secs(1_700_000_000),
    );
    reporter.push(notebook).await.unwrap();
    reporter.flush().await.unwrap();
    // Once known, a rejected type is not sent again.
    reporter
        .push(job_evaluation("job-c", Compliance::Compliant))
        .await
        .unwrap();
    reporter.finish().await.unwrap();
    assert_eq!(
        reporter.rejected_types.iter().collect::<Vec<_>>(),
        ["AWS::SageMaker::TrainingJob"]
    );
    let sent: Vec<(&str, &str, Compliance)> = reporter
        .sent
        .iter()
        .map(|e| {
            (
                e.compliance_resource_type.as_str(),
                e.compliance_resource_id.as_str(),
                e.compliance_type,
            )
        })
        .collect();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(
        sent[1],
        ("AWS::::Account", "123456789012", Compliance::NonCompliant)
    );
    let annotation = &reporter.sent[1].annotation;
    assert!(
        annotation.starts_with("AWS Config rejects AWS::SageMaker::TrainingJob; 1 of 3 resources non-compliant: job-b; job-b: job-b: judged"),
        "{annotation}"
    );
    // The mixed batch, then each type alone, then the account verdict: job-c never sent.
    let batches = batches.lock().unwrap();
    assert_eq!(batches.len(), 4, "{batches:?}");
    let job_entries = batches
        .iter()
        .flatten()
        .filter(|t| *t == "AWS::SageMaker::TrainingJob")
        .count();
    assert_eq!(
        job_entries, 4,
        "job-a and job-b twice each, job-c never: {batches:?}"
    );
}

/// A conformance pack's periodic rule is named `sagerules-jobs-conformance-pack-<id>`:
/// `SAGERULES_PERIODIC_RULE=sagerules-jobs*` finds it on the second page of
/// DescribeConfigRules; an exact name costs no call; no match is `None`, not a guess.
#[tokio::test]
async fn periodic_rule_pattern_finds_the_conformance_pack_rule_across_pages() {
    use aws_sdk_config::operation::describe_config_rules::DescribeConfigRulesOutput;
    use aws_sdk_config::types::{ConfigRule, Owner, Source};
    use sagerules_lambda::respond::periodic_rule_name;
    let rule = |name: &str| {
        ConfigRule::builder()
            .config_rule_name(name)
            .source(
                Source::builder()
                    .owner(Owner::CustomLambda)
                    .source_identifier("arn:aws:lambda:us-east-1:123456789012:function:f")
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let first = mock!(Client::describe_config_rules)
        .match_requests(|r| r.next_token().is_none())
        .then_output(move || {
            DescribeConfigRulesOutput::builder()
                .config_rules(rule("sagerules-notebook-conformance-pack-abc"))
                .next_token("page-2")
                .build()
        });
    let second = mock!(Client::describe_config_rules)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(move || {
            DescribeConfigRulesOutput::builder()
                .config_rules(rule("sagerules-jobs-conformance-pack-abc"))
                .build()
        });
    let config = client(&[&first, &second]);
    let found = periodic_rule_name(&config, "sagerules-jobs*")
        .await
        .unwrap();
    assert_eq!(
        found.as_deref(),
        Some("sagerules-jobs-conformance-pack-abc")
    );
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));

    let none = client(&[]);
    let exact = periodic_rule_name(&none, "prod-jobs").await.unwrap();
    assert_eq!(exact.as_deref(), Some("prod-jobs"));

    let empty = mock!(Client::describe_config_rules)
        .then_output(|| DescribeConfigRulesOutput::builder().build());
    let config = client(&[&empty]);
    assert_eq!(
        periodic_rule_name(&config, "sagerules-jobs*")
            .await
            .unwrap(),
        None
    );
}
