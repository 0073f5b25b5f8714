//! The resumable sweep against mocked clients: with a state table whose progress says every
//! training job created before T was judged, the sweep lists only jobs created from T on,
//! oldest first (no in-progress listing, no stale cleanup), judges them, and, having reached
//! the end, stores its own start less the overlap; a job the last run judged beyond its
//! progress point is not described again.
//!
//! One test per file: it sets SAGERULES_STATE_TABLE for the process.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

mod common;

use aws_sdk_config::operation::put_evaluations::PutEvaluationsOutput;
use aws_sdk_dynamodb::operation::get_item::GetItemOutput;
use aws_sdk_dynamodb::operation::put_item::PutItemOutput;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_sagemaker::operation::describe_training_job::DescribeTrainingJobOutput;
use aws_sdk_sagemaker::operation::list_training_jobs::ListTrainingJobsOutput;
use aws_sdk_sagemaker::types::{ResourceConfig, TrainingInstanceType, TrainingJobSummary};
use aws_smithy_mocks::mock;
use sagerules_lambda::engine::Engine;
use sagerules_lambda::event::ConfigEvent;
use sagerules_lambda::handler::{handle_with, Deadline, Invocation};
use sagerules_lambda::state::now_ms;
use sagerules_lambda::sweep::OVERLAP_MS;
use serde_json::json;
use std::sync::{Arc, Mutex};

#[tokio::test]
async fn a_resumable_sweep_lists_only_jobs_created_since_its_progress_and_cleans_up_a_bounded_slice(
) {
    std::env::set_var("SAGERULES_STATE_TABLE", "sagerules-state");
    let mark = now_ms() - 3_600_000;
    let watermark = mock!(aws_sdk_dynamodb::Client::get_item)
        .match_requests(|r| {
            r.key().and_then(|k| k.get("pk"))
                == Some(&AttributeValue::S(
                    "sweep#sagerules-jobs#AWS::SageMaker::TrainingJob".into(),
                ))
        })
        .then_output(move || {
            GetItemOutput::builder()
                .item("pk", AttributeValue::S("x".into()))
                .item("at", AttributeValue::N(mark.to_string()))
                .item(
                    "done",
                    AttributeValue::M(
                        [(
                            "judged-last-run".to_string(),
                            AttributeValue::N((mark + 1000).to_string()),
                        )]
                        .into(),
                    ),
                )
                .build()
        });
    let advanced = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&advanced);
    let advance = mock!(aws_sdk_dynamodb::Client::put_item)
        .match_requests(move |r| {
            let progress =
                r.condition_expression() == Some("attribute_not_exists(pk) OR #at <= :at");
            if progress {
                let at = r.item().and_then(|i| i.get("at")).cloned();
                seen.lock().unwrap().push(at);
            }
            progress
        })
        .then_output(|| PutItemOutput::builder().build());
    let since = mock!(aws_sdk_sagemaker::Client::list_training_jobs)
        .match_requests(move |r| {
            r.status_equals().is_none()
                && r.creation_time_after().and_then(|t| t.to_millis().ok()) == Some(mark - 1)
                && r.sort_order() == Some(&aws_sdk_sagemaker::types::SortOrder::Ascending)
        })
        .then_output(|| {
            ListTrainingJobsOutput::builder()
                .training_job_summaries(
                    // Judged by the last run beyond its progress point: not described again.
                    TrainingJobSummary::builder()
                        .training_job_name("judged-last-run")
                        .build(),
                )
                .training_job_summaries(
                    // Created just now: the progress must still stop 15 minutes back.
                    TrainingJobSummary::builder()
                        .creation_time(aws_sdk_sagemaker::primitives::DateTime::from_millis(
                            now_ms(),
                        ))
                        .training_job_name("new-job")
                        .training_job_arn(
                            "arn:aws:sagemaker:us-east-1:123456789012:training-job/new-job",
                        )
                        .build(),
                )
                .build()
        });
    let describe = mock!(aws_sdk_sagemaker::Client::describe_training_job)
        .match_requests(|r| r.training_job_name() == Some("new-job"))
        .then_output(|| {
            DescribeTrainingJobOutput::builder()
                .training_job_name("new-job")
                .resource_config(
                    ResourceConfig::builder()
                        .instance_type(TrainingInstanceType::MlM5Xlarge)
                        .instance_count(1)
                        .build(),
                )
                .build()
        });
    let put = mock!(aws_sdk_config::Client::put_evaluations)
        .then_output(|| PutEvaluationsOutput::builder().build());
    // Cleanup: no cursor yet; one earlier result, of a job that no longer exists.
    let no_cursor = mock!(aws_sdk_dynamodb::Client::get_item)
        .match_requests(|r| {
            r.key().and_then(|k| k.get("pk"))
                == Some(&AttributeValue::S("cleanup#sagerules-jobs".into()))
        })
        .then_output(|| GetItemOutput::builder().build());
    let cursor = mock!(aws_sdk_dynamodb::Client::put_item)
        .match_requests(|r| r.condition_expression().is_none())
        .then_output(|| PutItemOutput::builder().build());
    let earlier = mock!(aws_sdk_config::Client::get_compliance_details_by_config_rule).then_output(|| {
        aws_sdk_config::operation::get_compliance_details_by_config_rule::GetComplianceDetailsByConfigRuleOutput::builder()
            .evaluation_results(common::prior_result("sagerules-jobs", "AWS::SageMaker::TrainingJob", "gone-job"))
            .build()
    });
    let gone = mock!(aws_sdk_sagemaker::Client::describe_training_job)
        .match_requests(|r| r.training_job_name() == Some("gone-job"))
        .sequence()
        .http_status(400, Some(r#"{"__type":"ValidationException","message":"Could not find training job 'gone-job'"}"#.into()))
        .build();
    let clients = common::mocked_clients(
        &[&since, &describe, &gone],
        &[&put, &earlier],
        &[],
        &[&watermark, &advance, &no_cursor, &cursor],
    );
    let invoking = json!({"messageType": "ScheduledNotification", "notificationCreationTime": "2026-11-20T10:00:00.373Z"});
    let event = ConfigEvent::from_value(json!({
        "invokingEvent": invoking.to_string(), "ruleParameters": json!({"families": "training"}).to_string(),
        "resultToken": "TESTMODE", "accountId": "123456789012", "configRuleName": "sagerules-jobs"
    }))
    .unwrap();
    let before = now_ms();
    let (summary, evaluations) = handle_with(
        &Engine::bundled().unwrap(),
        &clients,
        &event,
        Invocation {
            dry_run: false,
            deadline: Deadline::none(),
        },
    )
    .await
    .unwrap();
    let sweep = summary.sweep.unwrap();
    assert_eq!(
        (sweep.listed, sweep.described, sweep.incremental_kinds),
        (2, 1, 1),
        "two listed, only the one not judged before described"
    );
    assert_eq!(
        since.num_calls(),
        1,
        "one listing, created since the watermark"
    );
    assert_eq!(evaluations.len(), 2);
    assert_eq!(evaluations[0].compliance_resource_id, "new-job");
    assert_eq!(
        (
            evaluations[1].compliance_resource_id.as_str(),
            summary.stale_cleared
        ),
        ("gone-job", 1),
        "the bounded cleanup runs in resumable sweeps too"
    );
    assert_eq!(cursor.num_calls(), 1, "the cleanup cursor is saved");
    let advanced = advanced.lock().unwrap();
    assert_eq!(advanced.len(), 1);
    let at: i64 = advanced[0]
        .as_ref()
        .unwrap()
        .as_n()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        at >= before - OVERLAP_MS && at <= now_ms() - OVERLAP_MS,
        "moved to the sweep's start less the overlap: {at}"
    );
}
