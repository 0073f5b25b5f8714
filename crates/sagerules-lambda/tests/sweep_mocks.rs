//! The scheduled sweep and stale-result cleanup against mocked SageMaker and Config clients
//! (`aws-smithy-mocks`): a failed Describe gives no verdict, the deadline stops new work,
//! account mode folds jobs into one verdict, and judged-before jobs that no longer exist are
//! set NOT_APPLICABLE.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

mod common;

use aws_sdk_config::operation::get_compliance_details_by_config_rule::GetComplianceDetailsByConfigRuleOutput;
use aws_sdk_config::types::EvaluationResult;
use aws_sdk_sagemaker::operation::describe_training_job::DescribeTrainingJobOutput;
use aws_sdk_sagemaker::operation::list_training_jobs::ListTrainingJobsOutput;
use aws_sdk_sagemaker::types::TrainingJobSummary;
use aws_smithy_mocks::{mock, Rule};
use common::prior_result;
use sagerules_lambda::clients::Clients;
use sagerules_lambda::engine::Engine;
use sagerules_lambda::evaluation::{Compliance, Evaluation};
use sagerules_lambda::event::ConfigEvent;
use sagerules_lambda::handler::{handle_with, Deadline, Invocation, Summary};
use serde_json::json;

fn clients(sagemaker: &[&Rule], config: &[&Rule]) -> Clients {
    common::mocked_clients(sagemaker, config, &[], &[])
}

fn summary(name: &str) -> TrainingJobSummary {
    TrainingJobSummary::builder()
        .training_job_name(name)
        .training_job_arn(format!(
            "arn:aws:sagemaker:us-east-1:123456789012:training-job/{name}"
        ))
        .build()
}

/// ListTrainingJobs: `names` for the window listing, nothing in progress.
fn listing(names: &'static [&'static str]) -> Rule {
    mock!(aws_sdk_sagemaker::Client::list_training_jobs).then_compute_output(move |input| {
        let jobs = if input.status_equals().is_some() {
            Vec::new()
        } else {
            names.iter().map(|n| summary(n)).collect()
        };
        ListTrainingJobsOutput::builder()
            .set_training_job_summaries(Some(jobs))
            .build()
    })
}

fn secure_job(name: &str) -> DescribeTrainingJobOutput {
    common::secure_training_job(name).build()
}

fn bare_job(name: &str) -> DescribeTrainingJobOutput {
    common::bare_training_job(name).build()
}

fn describe(name: &'static str, output: fn(&str) -> DescribeTrainingJobOutput) -> Rule {
    mock!(aws_sdk_sagemaker::Client::describe_training_job)
        .match_requests(move |r| r.training_job_name() == Some(name))
        .then_output(move || output(name))
}

fn not_found(name: &'static str) -> Rule {
    let body = format!(
        r#"{{"__type":"ValidationException","message":"Could not find training job '{name}'"}}"#
    );
    mock!(aws_sdk_sagemaker::Client::describe_training_job)
        .match_requests(move |r| r.training_job_name() == Some(name))
        .sequence()
        .http_status(400, Some(body))
        .repeatedly()
        .build()
}

fn scheduled(params: serde_json::Value) -> ConfigEvent {
    let invoking = json!({"messageType": "ScheduledNotification", "notificationCreationTime": "2026-11-20T10:00:00.373Z"});
    ConfigEvent::from_value(json!({
        "invokingEvent": invoking.to_string(), "ruleParameters": params.to_string(),
        "resultToken": "TESTMODE", "accountId": "123456789012", "configRuleName": "sagerules-jobs"
    }))
    .unwrap()
}

async fn run(
    clients: &Clients,
    params: serde_json::Value,
    deadline: Deadline,
) -> (Summary, Vec<Evaluation>) {
    let engine = Engine::bundled().unwrap();
    let event = scheduled(params);
    handle_with(
        &engine,
        clients,
        &event,
        Invocation {
            dry_run: true,
            deadline,
        },
    )
    .await
    .unwrap()
}

fn verdicts(evaluations: &[Evaluation]) -> Vec<(String, String, Compliance)> {
    let mut found: Vec<_> = evaluations
        .iter()
        .map(|e| {
            (
                e.compliance_resource_type.clone(),
                e.compliance_resource_id.clone(),
                e.compliance_type,
            )
        })
        .collect();
    found.sort_by(|a, b| a.1.cmp(&b.1));
    found
}

fn no_prior_results() -> Rule {
    mock!(aws_sdk_config::Client::get_compliance_details_by_config_rule)
        .then_output(|| GetComplianceDetailsByConfigRuleOutput::builder().build())
}

const TJ: &str = "AWS::SageMaker::TrainingJob";

#[tokio::test]
async fn a_job_whose_describe_fails_gets_no_verdict_and_the_sweep_goes_on() {
    let (list, a, b, c) = (
        listing(&["job-a", "job-b", "job-c"]),
        describe("job-a", secure_job),
        not_found("job-b"),
        describe("job-c", bare_job),
    );
    let clients = clients(&[&list, &a, &b, &c], &[&no_prior_results()]);
    let (summary, evaluations) =
        run(&clients, json!({"families": "training"}), Deadline::none()).await;
    assert_eq!(
        verdicts(&evaluations),
        [
            (TJ.into(), "job-a".into(), Compliance::Compliant),
            (TJ.into(), "job-c".into(), Compliance::NonCompliant)
        ]
    );
    let sweep = summary.sweep.unwrap();
    assert_eq!(
        (sweep.listed, sweep.described, sweep.describe_failed),
        (3, 2, 1)
    );
}

#[tokio::test]
async fn nothing_new_is_started_after_the_deadline() {
    let (list, a) = (listing(&["job-a", "job-b"]), describe("job-a", secure_job));
    let clients = clients(&[&list, &a], &[&no_prior_results()]);
    let (summary, evaluations) = run(
        &clients,
        json!({"families": "training"}),
        Deadline::from_epoch_ms(1),
    )
    .await;
    assert!(evaluations.is_empty());
    let sweep = summary.sweep.unwrap();
    assert!(sweep.listing_cut, "listing respects the deadline too");
    assert_eq!((sweep.listed, list.num_calls(), a.num_calls()), (0, 0, 0));
}

#[tokio::test]
async fn account_mode_reports_one_verdict_naming_the_failing_jobs() {
    let (list, a, c) = (
        listing(&["job-a", "job-c"]),
        describe("job-a", secure_job),
        describe("job-c", bare_job),
    );
    let clients = clients(&[&list, &a, &c], &[]);
    let params = json!({"families": "training", "jobResourceType": "AWS::::Account"});
    let (_, evaluations) = run(&clients, params, Deadline::none()).await;
    assert_eq!(
        verdicts(&evaluations),
        [(
            "AWS::::Account".into(),
            "123456789012".into(),
            Compliance::NonCompliant
        )]
    );
    assert!(
        evaluations[0]
            .annotation
            .starts_with("1 of 2 jobs non-compliant: job-c; training job job-c: "),
        "{}",
        evaluations[0].annotation
    );
}

#[tokio::test]
async fn account_mode_is_never_compliant_when_a_job_could_not_be_described() {
    let (list, a, b) = (
        listing(&["job-a", "job-b"]),
        describe("job-a", secure_job),
        not_found("job-b"),
    );
    let clients = clients(&[&list, &a, &b], &[]);
    let params = json!({"families": "training", "jobResourceType": "AWS::::Account"});
    let (_, evaluations) = run(&clients, params, Deadline::none()).await;
    assert!(evaluations.is_empty(), "{evaluations:?}");
}

fn prior(job: &str) -> EvaluationResult {
    prior_result("sagerules-jobs", TJ, job)
}

#[tokio::test]
async fn results_of_jobs_that_no_longer_exist_become_not_applicable() {
    let list = listing(&["job-a"]);
    let (a, old, gone) = (
        describe("job-a", secure_job),
        describe("job-old", secure_job),
        not_found("job-gone"),
    );
    let prior_results = mock!(aws_sdk_config::Client::get_compliance_details_by_config_rule)
        .then_output(|| {
            GetComplianceDetailsByConfigRuleOutput::builder()
                .evaluation_results(prior("job-a"))
                .evaluation_results(prior("job-old"))
                .evaluation_results(prior("job-gone"))
                .build()
        });
    let clients = clients(&[&list, &a, &old, &gone], &[&prior_results]);
    let (summary, evaluations) =
        run(&clients, json!({"families": "training"}), Deadline::none()).await;
    assert_eq!(
        verdicts(&evaluations),
        [
            (TJ.into(), "job-a".into(), Compliance::Compliant),
            (TJ.into(), "job-gone".into(), Compliance::NotApplicable)
        ]
    );
    assert_eq!(summary.stale_cleared, 1);
    assert_eq!(
        old.num_calls(),
        1,
        "a job outside the window is checked for existence, and kept"
    );
}

#[tokio::test]
async fn stale_cleanup_failure_is_logged_not_fatal() {
    let (list, a) = (listing(&["job-a"]), describe("job-a", secure_job));
    let broken = mock!(aws_sdk_config::Client::get_compliance_details_by_config_rule)
        .sequence()
        .http_status(500, None)
        .repeatedly()
        .build();
    let clients = clients(&[&list, &a], &[&broken]);
    let (summary, evaluations) =
        run(&clients, json!({"families": "training"}), Deadline::none()).await;
    assert_eq!(
        verdicts(&evaluations),
        [(TJ.into(), "job-a".into(), Compliance::Compliant)]
    );
    assert_eq!(summary.stale_cleared, 0);
}
