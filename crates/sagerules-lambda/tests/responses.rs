//! Responses to SageMaker events against mocked clients (`aws-smithy-mocks`): every event
//! shape of tests/events/responses parses, and every decision (compliant, non-compliant,
//! exempt, settled, out of order, duplicate, Describe failure, bad event, report mode, minimum
//! severity) makes exactly the calls it should: a mock with no rule fails any call it gets.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

mod common;

use aws_sdk_dynamodb::operation::put_item::{PutItemError, PutItemOutput};
use aws_sdk_dynamodb::types::error::ConditionalCheckFailedException;
use aws_sdk_sagemaker::operation::describe_training_job::DescribeTrainingJobOutput;
use aws_sdk_sagemaker::operation::list_tags::ListTagsOutput;
use aws_sdk_sagemaker::operation::stop_training_job::StopTrainingJobOutput;
use aws_sdk_sagemaker::types::{Tag, TrainingJobStatus};
use aws_sdk_sns::operation::publish::PublishOutput;
use aws_smithy_mocks::{mock, Rule};
use common::{mocked_clients, KMS};
use sagerules_lambda::clients::Clients;
use sagerules_lambda::cloudtrail;
use sagerules_lambda::engine::Engine;
use sagerules_lambda::job_event::{self, Envelope};
use sagerules_lambda::respond::{
    self, plan, Action, Decision, Facts, Mode, Plan, RespondError, Run, Settings, Verdict,
};
use sagerules_shapes::adapt::ApiKind;
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:sagerules";
const ARN: &str = "arn:aws:sagemaker:us-east-1:123456789012:training-job/train-bare";

fn engine() -> Engine {
    Engine::bundled().unwrap()
}

fn settings(engine: &Engine, vars: &[(&str, &str)]) -> Settings {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::from_lookup(engine, |name| vars.get(name).cloned()).unwrap()
}

fn enforce(engine: &Engine) -> Settings {
    settings(
        engine,
        &[
            ("SAGERULES_RESPONSE", "enforce"),
            ("SAGERULES_TOPIC_ARN", TOPIC),
            ("SAGERULES_STATE_TABLE", "sagerules-state"),
        ],
    )
}

fn sample(name: &str) -> Json {
    let path = format!(
        "{}/tests/events/responses/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn envelope(event: &Json) -> Envelope {
    Envelope::of_sagemaker(event).unwrap()
}

fn bare_job(status: TrainingJobStatus) -> DescribeTrainingJobOutput {
    common::bare_training_job("train-bare")
        .training_job_arn(ARN)
        .training_job_status(status)
        .build()
}

fn secure_job() -> DescribeTrainingJobOutput {
    common::secure_training_job("train-bare")
        .training_job_arn(ARN)
        .training_job_status(TrainingJobStatus::InProgress)
        .build()
}

fn describe(output: fn() -> DescribeTrainingJobOutput) -> Rule {
    mock!(aws_sdk_sagemaker::Client::describe_training_job)
        .match_requests(|r| r.training_job_name() == Some("train-bare"))
        .then_output(output)
}

fn tags(pairs: &'static [(&'static str, &'static str)]) -> Rule {
    mock!(aws_sdk_sagemaker::Client::list_tags)
        .match_requests(|r| {
            r.resource_arn()
                .is_some_and(|a| a.starts_with("arn:aws:sagemaker:"))
        })
        .then_output(move || {
            let tags = pairs
                .iter()
                .map(|(k, v)| Tag::builder().key(*k).value(*v).build());
            ListTagsOutput::builder()
                .set_tags(Some(tags.collect()))
                .build()
        })
}

fn stop() -> Rule {
    mock!(aws_sdk_sagemaker::Client::stop_training_job)
        .match_requests(|r| r.training_job_name() == Some("train-bare"))
        .then_output(|| StopTrainingJobOutput::builder().build())
}

fn claim(first: bool) -> Rule {
    let rule = mock!(aws_sdk_dynamodb::Client::put_item).match_requests(|r| {
        r.table_name() == Some("sagerules-state")
            && r.condition_expression() == Some("attribute_not_exists(pk)")
    });
    if first {
        rule.then_output(|| PutItemOutput::builder().build())
    } else {
        rule.then_error(|| {
            PutItemError::ConditionalCheckFailedException(
                ConditionalCheckFailedException::builder()
                    .message("The conditional request failed")
                    .build(),
            )
        })
    }
}

/// What Publish was sent: subject, message, and the attributes as sorted (name, value) pairs.
type Sent = Arc<Mutex<Vec<(String, String, Vec<(String, String)>)>>>;

/// Publish, keeping each message it was sent.
fn publish(sent: Sent) -> Rule {
    mock!(aws_sdk_sns::Client::publish)
        .match_requests(move |r| {
            let attributes = r
                .message_attributes()
                .map(|m| {
                    let mut pairs: Vec<(String, String)> = m
                        .iter()
                        .map(|(k, v)| (k.clone(), v.string_value().unwrap_or_default().into()))
                        .collect();
                    pairs.sort();
                    pairs
                })
                .unwrap_or_default();
            sent.lock().unwrap().push((
                r.subject().unwrap_or_default().into(),
                r.message().unwrap_or_default().into(),
                attributes,
            ));
            r.topic_arn() == Some(TOPIC)
        })
        .then_output(|| PublishOutput::builder().message_id("msg-1").build())
}

async fn on_change(
    engine: &Engine,
    clients: &Clients,
    settings: &Settings,
    event: &Json,
) -> Result<Decision, RespondError> {
    let change = job_event::parse(&envelope(event)).unwrap().unwrap();
    respond::on_state_change(engine, clients, settings, &change, Run { dry_run: false }).await
}

fn training_event(status: &str) -> Json {
    let mut event = sample("training-state-change.json");
    event["detail"]["TrainingJobStatus"] = json!(status);
    event
}

#[test]
fn every_sample_event_parses_to_its_resource() {
    let expect = [
        (
            "training-state-change.json",
            ApiKind::TrainingJob,
            "train-bare",
            Some("InProgress"),
        ),
        (
            "hpo-state-change.json",
            ApiKind::HyperParameterTuningJob,
            "tune-bare",
            Some("InProgress"),
        ),
        (
            "processing-state-change.json",
            ApiKind::ProcessingJob,
            "process-bare",
            Some("InProgress"),
        ),
        (
            "transform-state-change.json",
            ApiKind::TransformJob,
            "transform-bare",
            Some("Completed"),
        ),
        (
            "notebook-state-change.json",
            ApiKind::NotebookInstance,
            "nb-open",
            Some("InService"),
        ),
    ];
    for (file, kind, name, status) in expect {
        let change = job_event::parse(&envelope(&sample(file))).unwrap().unwrap();
        assert_eq!(
            (change.facts.kind, change.name.as_str()),
            (kind, name),
            "{file}"
        );
        assert_eq!(change.status.as_deref(), status, "{file}");
        assert_eq!(change.region.as_deref(), Some("us-east-1"));
        assert!(cloudtrail::parse(&envelope(&sample(file)))
            .unwrap()
            .is_none());
    }
    let calls = [
        (
            "cloudtrail-create-training-job.json",
            ApiKind::TrainingJob,
            "ct-train-bare",
        ),
        (
            "cloudtrail-create-hpo-job.json",
            ApiKind::HyperParameterTuningJob,
            "ct-tune",
        ),
        (
            "cloudtrail-create-processing-job-denied.json",
            ApiKind::ProcessingJob,
            "ct-process",
        ),
        (
            "cloudtrail-create-transform-job.json",
            ApiKind::TransformJob,
            "ct-transform",
        ),
        (
            "cloudtrail-create-notebook-instance.json",
            ApiKind::NotebookInstance,
            "ct-nb-open",
        ),
        (
            "cloudtrail-update-notebook-instance.json",
            ApiKind::NotebookInstance,
            "nb-open",
        ),
        (
            "cloudtrail-create-endpoint-config.json",
            ApiKind::EndpointConfig,
            "ct-epc",
        ),
        ("cloudtrail-create-model.json", ApiKind::Model, "ct-model"),
        (
            "cloudtrail-create-domain.json",
            ApiKind::Domain,
            "ct-domain",
        ),
    ];
    for (file, kind, name) in calls {
        let env = envelope(&sample(file));
        assert!(job_event::parse(&env).unwrap().is_none(), "{file}");
        let call = cloudtrail::parse(&env).unwrap().unwrap();
        assert_eq!(
            (call.facts.kind, call.name.as_str()),
            (kind, name),
            "{file}"
        );
        assert_eq!(
            call.caller.as_deref(),
            Some("arn:aws:sts::123456789012:assumed-role/DataScientist/alice")
        );
    }
    let training = cloudtrail::parse(&envelope(&sample("cloudtrail-create-training-job.json")))
        .unwrap()
        .unwrap();
    assert_eq!(
        training.request["ResourceConfig"]["InstanceType"],
        json!("ml.m5.xlarge")
    );
    assert_eq!(
        training.redacted,
        vec!["HyperParameters.epochs".to_string()]
    );
    assert_eq!(
        training.arn.as_deref(),
        Some("arn:aws:sagemaker:us-east-1:123456789012:training-job/ct-train-bare")
    );
    let denied = cloudtrail::parse(&envelope(&sample(
        "cloudtrail-create-processing-job-denied.json",
    )))
    .unwrap()
    .unwrap();
    assert_eq!(denied.error_code.as_deref(), Some("AccessDenied"));
}

#[test]
fn events_that_cannot_be_answered_are_errors_not_ignored() {
    let no_name = json!({"source": "aws.sagemaker", "detail-type": "SageMaker Training Job State Change",
        "detail": {"TrainingJobStatus": "InProgress"}});
    assert_eq!(
        job_event::parse(&envelope(&no_name)).unwrap_err().to_string(),
        "SageMaker event not handled: SageMaker Training Job State Change without detail.TrainingJobName"
    );
    let model = json!({"source": "aws.sagemaker", "detail-type": "SageMaker Model State Change", "detail": {"ModelName": "m"}});
    assert!(job_event::parse(&envelope(&model))
        .unwrap_err()
        .to_string()
        .contains("judged from their CloudTrail calls"));
    let mut delete = sample("cloudtrail-create-model.json");
    delete["detail"]["eventName"] = json!("DeleteModel");
    assert_eq!(
        cloudtrail::parse(&envelope(&delete))
            .unwrap_err()
            .to_string(),
        "SageMaker event not handled: CloudTrail call \"DeleteModel\" is not one sagerules judges"
    );
    let mut nameless = sample("cloudtrail-create-model.json");
    nameless["detail"]["requestParameters"] = json!({});
    assert_eq!(
        cloudtrail::parse(&envelope(&nameless))
            .unwrap_err()
            .to_string(),
        "SageMaker event not handled: CloudTrail CreateModel without requestParameters.modelName"
    );
    assert!(Envelope::of_sagemaker(&json!({"source": "aws.ec2", "detail-type": "x"})).is_none());
    assert!(Envelope::of_sagemaker(&json!({"invokingEvent": "{}"})).is_none());
}

#[test]
fn settings_are_read_and_bad_values_are_errors() {
    let engine = engine();
    let default = settings(&engine, &[]);
    assert_eq!(default.mode, Mode::Report);
    assert_eq!(default.exempt_tag, "sagerules:exempt");
    assert!(default.topic_arn.is_none() && default.state_table.is_none());
    let bad = Settings::from_lookup(&engine, |n| {
        (n == "SAGERULES_RESPONSE").then(|| "stop-everything".to_string())
    });
    assert_eq!(
        bad.unwrap_err().to_string(),
        "SAGERULES_RESPONSE=\"stop-everything\": report or enforce"
    );
    let bad = Settings::from_lookup(&engine, |n| {
        (n == "SAGERULES_MIN_SEVERITY").then(|| "urgent".to_string())
    });
    assert!(bad
        .unwrap_err()
        .to_string()
        .contains("SAGERULES_MIN_SEVERITY"));
}

#[test]
fn the_plan_stops_only_a_running_non_exempt_resource_in_enforce_mode() {
    let engine = engine();
    let training = sagerules_lambda::kinds::facts(ApiKind::TrainingJob);
    let model = sagerules_lambda::kinds::facts(ApiKind::Model);
    let facts = |kind, exempt, status, severity| Facts {
        kind,
        severity,
        exempt,
        status,
        redacted: &[],
    };
    use sagerules_core::Severity::{High, Low};
    let enforce = enforce(&engine);
    assert_eq!(
        plan(&enforce, &facts(training, None, Some("InProgress"), High)),
        Plan::Stop {
            call: "StopTrainingJob"
        }
    );
    let report_why = |p: Plan| match p {
        Plan::Report { why } => why,
        Plan::Stop { .. } => panic!("stopped"),
    };
    assert!(report_why(plan(
        &enforce,
        &facts(training, Some("ok by bob"), Some("InProgress"), High)
    ))
    .contains("exempt by tag sagerules:exempt = \"ok by bob\""));
    assert!(report_why(plan(
        &enforce,
        &facts(training, None, Some("Stopping"), High)
    ))
    .contains("is Stopping, not running"));
    assert!(report_why(plan(&enforce, &facts(model, None, None, High)))
        .contains("models are reported, never stopped"));
    let report = settings(&engine, &[]);
    assert!(report_why(plan(
        &report,
        &facts(training, None, Some("InProgress"), High)
    ))
    .contains("mode report"));
    let strict = settings(
        &engine,
        &[
            ("SAGERULES_RESPONSE", "enforce"),
            ("SAGERULES_MIN_SEVERITY", "high"),
        ],
    );
    assert!(report_why(plan(
        &strict,
        &facts(training, None, Some("InProgress"), Low)
    ))
    .contains("low, below SAGERULES_MIN_SEVERITY=high"));
    let redacted = ["HyperParameters.epochs".to_string()];
    let hidden = Facts {
        redacted: &redacted,
        ..facts(training, None, Some("InProgress"), High)
    };
    assert!(report_why(plan(&enforce, &hidden)).contains("CloudTrail hid HyperParameters.epochs"));
}

#[tokio::test]
async fn a_running_non_compliant_job_is_stopped_claimed_and_notified() {
    let engine = engine();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let (describe, tags, stop, claim, publish) = (
        describe(|| bare_job(TrainingJobStatus::InProgress)),
        tags(&[("team", "ml")]),
        stop(),
        claim(true),
        publish(Arc::clone(&sent)),
    );
    let clients = mocked_clients(&[&describe, &tags, &stop], &[], &[&publish], &[&claim]);
    let decision = on_change(
        &engine,
        &clients,
        &enforce(&engine),
        &training_event("InProgress"),
    )
    .await
    .unwrap();
    assert_eq!(decision.verdict, Verdict::NonCompliant);
    assert_eq!(
        decision.action,
        Action::Stopped {
            call: "StopTrainingJob"
        }
    );
    assert_eq!(
        decision.calls,
        [
            "DescribeTrainingJob",
            "ListTags",
            "PutItem",
            "StopTrainingJob",
            "Publish"
        ]
    );
    assert_eq!(
        (describe.num_calls(), tags.num_calls(), stop.num_calls()),
        (1, 1, 1)
    );
    assert_eq!((claim.num_calls(), publish.num_calls()), (1, 1));
    let rules: Vec<&str> = decision.failing.iter().map(|f| f.rule.as_str()).collect();
    assert!(
        rules.contains(&"SAGEMAKER_TRAINING_JOB_VOLUME_KMS"),
        "{rules:?}"
    );
    let sent = sent.lock().unwrap();
    let (subject, message, attributes) = &sent[0];
    assert!(
        subject.starts_with("[sagerules] STOPPED training job train-bare: "),
        "{subject}"
    );
    assert!(subject.len() <= 100 && subject.is_ascii());
    assert!(message.contains("Action: stopped: StopTrainingJob was called (mode enforce)"));
    assert!(message.contains(ARN));
    assert!(message.contains("- SAGEMAKER_TRAINING_JOB_VOLUME_KMS (high): "));
    assert!(message.contains("  Fix: Set ResourceConfig.VolumeKmsKeyId"));
    assert!(message.contains("#/jobs/train-bare"));
    let names: Vec<&str> = attributes.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["action", "resource_type", "rules", "severity"]);
    assert_eq!(attributes[0].1, "stopped");
    assert!(attributes[2]
        .1
        .contains("\"SAGEMAKER_TRAINING_JOB_VOLUME_KMS\""));
}

#[tokio::test]
async fn an_exempt_job_is_reported_with_the_reason_never_stopped() {
    let engine = engine();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let (describe, tags, claim, publish) = (
        describe(|| bare_job(TrainingJobStatus::InProgress)),
        tags(&[(
            "sagerules:exempt",
            "benchmark approved by carol until 2027-01",
        )]),
        claim(true),
        publish(Arc::clone(&sent)),
    );
    let clients = mocked_clients(&[&describe, &tags], &[], &[&publish], &[&claim]);
    let decision = on_change(
        &engine,
        &clients,
        &enforce(&engine),
        &training_event("InProgress"),
    )
    .await
    .unwrap();
    assert_eq!(
        decision.exempt.as_deref(),
        Some("benchmark approved by carol until 2027-01")
    );
    assert!(matches!(&decision.action, Action::Reported { why } if why.contains("exempt by tag")));
    assert!(!decision.calls.contains(&"StopTrainingJob"));
    let message = &sent.lock().unwrap()[0].1;
    assert!(message.contains("which says: benchmark approved by carol until 2027-01"));
}

#[tokio::test]
async fn exemption_is_read_from_the_resource_never_from_the_event() {
    let engine = engine();
    let mut event = training_event("InProgress");
    event["detail"]["Tags"] = json!({"sagerules:exempt": "forged in the event"});
    let (describe, tags, stop, claim) = (
        describe(|| bare_job(TrainingJobStatus::InProgress)),
        tags(&[]),
        stop(),
        claim(true),
    );
    let settings = settings(
        &engine,
        &[
            ("SAGERULES_RESPONSE", "enforce"),
            ("SAGERULES_STATE_TABLE", "sagerules-state"),
        ],
    );
    let clients = mocked_clients(&[&describe, &tags, &stop], &[], &[], &[&claim]);
    let decision = on_change(&engine, &clients, &settings, &event)
        .await
        .unwrap();
    assert_eq!(decision.exempt, None);
    assert_eq!(
        decision.action,
        Action::Stopped {
            call: "StopTrainingJob"
        }
    );
}

#[tokio::test]
async fn a_compliant_job_is_never_stopped_and_nobody_is_paged() {
    let engine = engine();
    let describe = describe(secure_job);
    let clients = mocked_clients(&[&describe], &[], &[], &[]);
    let decision = on_change(
        &engine,
        &clients,
        &enforce(&engine),
        &training_event("InProgress"),
    )
    .await
    .unwrap();
    assert_eq!(
        decision.verdict,
        Verdict::Compliant,
        "{:?}",
        decision.failing
    );
    assert_eq!(decision.action, Action::None);
    assert_eq!(decision.calls, ["DescribeTrainingJob"]);
}

#[tokio::test]
async fn settled_jobs_cost_no_call_and_out_of_order_events_read_the_current_state() {
    let engine = engine();
    let clients = mocked_clients(&[], &[], &[], &[]);
    for status in ["Completed", "Failed", "Stopped", "Stopping"] {
        let decision = on_change(
            &engine,
            &clients,
            &enforce(&engine),
            &training_event(status),
        )
        .await
        .unwrap();
        assert_eq!(decision.verdict, Verdict::Ignored, "{status}");
        assert!(decision.calls.is_empty(), "{status}");
        assert_eq!(
            decision.note,
            format!("ignored: the event says the training job is {status}")
        );
    }
    // An InProgress event that arrives after the job was stopped: Describe says Stopping.
    let describe = describe(|| bare_job(TrainingJobStatus::Stopping));
    let clients = mocked_clients(&[&describe], &[], &[], &[]);
    let decision = on_change(
        &engine,
        &clients,
        &enforce(&engine),
        &training_event("InProgress"),
    )
    .await
    .unwrap();
    assert_eq!(decision.verdict, Verdict::Ignored);
    assert_eq!(decision.calls, ["DescribeTrainingJob"]);
    assert!(decision.note.contains("is Stopping"));
}

#[tokio::test]
async fn a_repeated_event_finds_its_claim_and_does_nothing() {
    let engine = engine();
    let (describe, tags, claim) = (
        describe(|| bare_job(TrainingJobStatus::InProgress)),
        tags(&[]),
        claim(false),
    );
    let clients = mocked_clients(&[&describe, &tags], &[], &[], &[&claim]);
    let decision = on_change(
        &engine,
        &clients,
        &enforce(&engine),
        &training_event("InProgress"),
    )
    .await
    .unwrap();
    assert!(decision.duplicate);
    assert_eq!(decision.action, Action::None);
    assert_eq!(
        decision.calls,
        ["DescribeTrainingJob", "ListTags", "PutItem"]
    );
}

#[tokio::test]
async fn a_failing_describe_is_an_error_and_stops_nothing() {
    let engine = engine();
    let failing = mock!(aws_sdk_sagemaker::Client::describe_training_job)
        .sequence()
        .http_status(
            500,
            Some(r#"{"__type":"InternalFailure","message":"boom"}"#.into()),
        )
        .repeatedly()
        .build();
    let clients = mocked_clients(&[&failing], &[], &[], &[]);
    let error = on_change(
        &engine,
        &clients,
        &enforce(&engine),
        &training_event("InProgress"),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, RespondError::Describe { .. }), "{error}");
    assert!(error
        .to_string()
        .starts_with("training job train-bare: describing it failed"));
}

#[tokio::test]
async fn report_mode_never_stops_but_notifies() {
    let engine = engine();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let (describe, tags, publish) = (
        describe(|| bare_job(TrainingJobStatus::InProgress)),
        tags(&[]),
        publish(Arc::clone(&sent)),
    );
    let settings = settings(&engine, &[("SAGERULES_TOPIC_ARN", TOPIC)]);
    let clients = mocked_clients(&[&describe, &tags], &[], &[&publish], &[]);
    let decision = on_change(&engine, &clients, &settings, &training_event("InProgress"))
        .await
        .unwrap();
    assert_eq!(
        decision.calls,
        ["DescribeTrainingJob", "ListTags", "Publish"]
    );
    assert_eq!(decision.notified.as_deref(), Some("msg-1"));
    let subject = &sent.lock().unwrap()[0].0;
    assert!(
        subject.starts_with("[sagerules] Non-compliant training job train-bare"),
        "{subject}"
    );
}

#[tokio::test]
async fn a_failed_stop_is_an_error_after_saying_so_and_the_claim_is_released() {
    let engine = engine();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let failing_stop = mock!(aws_sdk_sagemaker::Client::stop_training_job)
        .sequence()
        .http_status(
            400,
            Some(r#"{"__type":"ValidationException","message":"not running"}"#.into()),
        )
        .build();
    let release = mock!(aws_sdk_dynamodb::Client::delete_item).then_output(|| {
        aws_sdk_dynamodb::operation::delete_item::DeleteItemOutput::builder().build()
    });
    let (describe, tags, claim, publish) = (
        describe(|| bare_job(TrainingJobStatus::InProgress)),
        tags(&[]),
        claim(true),
        publish(Arc::clone(&sent)),
    );
    let clients = mocked_clients(
        &[&describe, &tags, &failing_stop],
        &[],
        &[&publish],
        &[&claim, &release],
    );
    let error = on_change(
        &engine,
        &clients,
        &enforce(&engine),
        &training_event("InProgress"),
    )
    .await
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("StopTrainingJob failed: not running"),
        "{error}"
    );
    assert_eq!(release.num_calls(), 1);
    assert!(sent.lock().unwrap()[0]
        .0
        .starts_with("[sagerules] STOP FAILED for training job"));
}

#[tokio::test]
async fn cloudtrail_requests_are_judged_without_describe() {
    let engine = engine();
    // Report mode, no topic: a non-compliant request costs one ListTags (exemptions).
    let tags = tags(&[]);
    let clients = mocked_clients(&[&tags], &[], &[], &[]);
    let call = cloudtrail::parse(&envelope(&sample(
        "cloudtrail-create-notebook-instance.json",
    )))
    .unwrap()
    .unwrap();
    let decision = respond::on_api_call(
        &engine,
        &clients,
        &settings(&engine, &[]),
        &call,
        Run { dry_run: false },
    )
    .await
    .unwrap();
    assert_eq!(decision.verdict, Verdict::NonCompliant);
    let rules: Vec<&str> = decision.failing.iter().map(|f| f.rule.as_str()).collect();
    assert!(
        rules.contains(&"SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET"),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"SAGEMAKER_NOTEBOOK_ROOT_ACCESS_DISABLED"),
        "{rules:?}"
    );
    assert_eq!(decision.calls, ["ListTags"]);
    // A failed call created nothing: no call at all.
    let clients = mocked_clients(&[], &[], &[], &[]);
    let denied = cloudtrail::parse(&envelope(&sample(
        "cloudtrail-create-processing-job-denied.json",
    )))
    .unwrap()
    .unwrap();
    let decision = respond::on_api_call(
        &engine,
        &clients,
        &enforce(&engine),
        &denied,
        Run { dry_run: false },
    )
    .await
    .unwrap();
    assert_eq!(decision.verdict, Verdict::Ignored);
    assert!(decision.calls.is_empty());
    assert!(decision.note.contains("AccessDenied"));
}

#[tokio::test]
async fn a_cloudtrail_job_with_hidden_values_is_reported_and_its_stop_left_to_the_state_change() {
    let engine = engine();
    let (tags, claim) = (tags(&[]), claim(true));
    let clients = mocked_clients(&[&tags], &[], &[], &[&claim]);
    let call = cloudtrail::parse(&envelope(&sample("cloudtrail-create-training-job.json")))
        .unwrap()
        .unwrap();
    let settings = settings(
        &engine,
        &[
            ("SAGERULES_RESPONSE", "enforce"),
            ("SAGERULES_STATE_TABLE", "sagerules-state"),
        ],
    );
    let decision =
        respond::on_api_call(&engine, &clients, &settings, &call, Run { dry_run: false })
            .await
            .unwrap();
    assert_eq!(decision.verdict, Verdict::NonCompliant);
    assert!(
        matches!(&decision.action, Action::Reported { why } if why.contains("CloudTrail hid HyperParameters.epochs"))
    );
    assert_eq!(decision.calls, ["ListTags", "PutItem"]);
}

#[tokio::test]
async fn dry_run_makes_no_call_and_judges_the_events_detail() {
    let engine = engine();
    // No mock answers anything: any call would fail the test.
    let clients = mocked_clients(&[], &[], &[], &[]);
    let change = job_event::parse(&envelope(&training_event("InProgress")))
        .unwrap()
        .unwrap();
    let decision = respond::on_state_change(
        &engine,
        &clients,
        &enforce(&engine),
        &change,
        Run { dry_run: true },
    )
    .await
    .unwrap();
    assert_eq!(decision.verdict, Verdict::NonCompliant);
    let rules: Vec<&str> = decision.failing.iter().map(|f| f.rule.as_str()).collect();
    assert!(
        rules.contains(&"SAGEMAKER_TRAINING_JOB_VOLUME_KMS"),
        "{rules:?}"
    );
    assert_eq!(
        decision.action,
        Action::WouldStop {
            call: "StopTrainingJob"
        }
    );
    assert!(decision.calls.is_empty(), "{:?}", decision.calls);
    assert!(decision.note.starts_with("dry run: no call made"));
}

/// A CloudTrail event whose request is `request` (API names; CloudTrail's lower camel case
/// becomes the same).
fn api_call(event_name: &str, request: Json) -> Json {
    json!({"source": "aws.sagemaker", "detail-type": "AWS API Call via CloudTrail", "account": "123456789012", "region": "us-east-1",
           "detail": {"eventName": event_name, "awsRegion": "us-east-1", "recipientAccountId": "123456789012", "requestParameters": request}})
}

#[tokio::test]
async fn a_compliant_job_of_every_kind_is_never_stopped() {
    let engine = engine();
    let vpc = json!({"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1"]});
    let definition = json!({"RoleArn": "arn:aws:iam::123456789012:role/t", "OutputDataConfig": {"S3OutputPath": "s3://b/o", "KmsKeyId": KMS},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10, "VolumeKmsKeyId": KMS},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600}, "EnableNetworkIsolation": true,
        "EnableInterContainerTrafficEncryption": true, "VpcConfig": vpc});
    let mut training = definition.clone();
    training["TrainingJobName"] = json!("good-training");
    let calls = [
        ("CreateTrainingJob", training),
        (
            "CreateHyperParameterTuningJob",
            json!({"HyperParameterTuningJobName": "good-tuning", "TrainingJobDefinition": definition}),
        ),
        (
            "CreateProcessingJob",
            json!({"ProcessingJobName": "good-processing",
            "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10, "VolumeKmsKeyId": KMS}},
            "ProcessingOutputConfig": {"KmsKeyId": KMS, "Outputs": [{"OutputName": "o", "S3Output": {"S3Uri": "s3://b/o"}}]},
            "NetworkConfig": {"EnableNetworkIsolation": true, "EnableInterContainerTrafficEncryption": true, "VpcConfig": vpc},
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600}}),
        ),
        (
            "CreateTransformJob",
            json!({"TransformJobName": "good-transform", "ModelName": "m",
            "TransformOutput": {"S3OutputPath": "s3://b/o", "KmsKeyId": KMS},
            "TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeKmsKeyId": KMS}}),
        ),
    ];
    // No mock answers any call: a stop, a tag lookup or a message would fail the test.
    let clients = mocked_clients(&[], &[], &[], &[]);
    for (event_name, request) in calls {
        let call = cloudtrail::parse(&envelope(&api_call(event_name, request)))
            .unwrap()
            .unwrap();
        let decision = respond::on_api_call(
            &engine,
            &clients,
            &enforce(&engine),
            &call,
            Run { dry_run: false },
        )
        .await
        .unwrap();
        assert_eq!(
            decision.verdict,
            Verdict::Compliant,
            "{event_name}: {:?}",
            decision.failing
        );
        assert!(
            decision.calls.is_empty(),
            "{event_name}: {:?}",
            decision.calls
        );
        assert_eq!(decision.action, Action::None);
    }
}

#[tokio::test]
async fn required_tags_are_read_from_list_tags_so_a_tagged_job_is_not_stopped() {
    let engine = engine();
    let settings = settings(
        &engine,
        &[
            ("SAGERULES_RESPONSE", "enforce"),
            (
                "SAGERULES_EVENT_PARAMETERS",
                r#"{"requiredTagKeys": "team"}"#,
            ),
        ],
    );
    let (describe, tags) = (describe(secure_job), tags(&[("team", "ml")]));
    let clients = mocked_clients(&[&describe, &tags], &[], &[], &[]);
    let decision = on_change(&engine, &clients, &settings, &training_event("InProgress"))
        .await
        .unwrap();
    assert_eq!(
        decision.verdict,
        Verdict::Compliant,
        "{:?}",
        decision.failing
    );
    assert!(
        decision
            .passed
            .contains(&"SAGEMAKER_REQUIRED_TAGS".to_string()),
        "{:?}",
        decision.passed
    );
    assert_eq!(decision.calls, ["DescribeTrainingJob", "ListTags"]);
    assert_eq!(tags.num_calls(), 1);
}

#[test]
fn a_pending_notebook_is_reported_until_its_in_service_state_change() {
    let engine = engine();
    let notebook = sagerules_lambda::kinds::facts(ApiKind::NotebookInstance);
    let planned = plan(
        &enforce(&engine),
        &Facts {
            kind: notebook,
            severity: sagerules_core::Severity::High,
            exempt: None,
            status: Some("Pending"),
            redacted: &[],
        },
    );
    assert_eq!(
        planned,
        Plan::Report {
            why: "the notebook instance is Pending; it is stopped when its InService state change arrives".into()
        }
    );
}

#[tokio::test]
async fn an_event_from_another_region_is_refused_not_answered_here() {
    let engine = engine();
    let clients = mocked_clients(&[], &[], &[], &[]);
    let mut event = training_event("InProgress");
    event["region"] = json!("eu-west-1");
    let run = sagerules_lambda::handler::Invocation {
        dry_run: false,
        deadline: sagerules_lambda::handler::Deadline::none(),
    };
    let error = sagerules_lambda::dispatch::respond_to(&engine, &clients, &envelope(&event), run)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "SageMaker event not handled: the event is from eu-west-1 but this function runs in us-east-1: deploy one stack per region"
    );
}
