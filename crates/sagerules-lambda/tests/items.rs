//! Change and oversized notifications judged end to end with the bundled pack (dry run,
//! mocked clients): the fixtures of tests/events and an oversized item fetched through a
//! mocked GetResourceConfigHistory (moto cannot serve SageMaker items).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

mod common;

use aws_sdk_config::operation::get_resource_config_history::GetResourceConfigHistoryOutput;
use aws_sdk_config::primitives::DateTime;
use aws_sdk_config::types::{ConfigurationItem, ConfigurationItemStatus, ResourceType};
use aws_smithy_mocks::{mock, Rule};
use sagerules_lambda::clients::Clients;
use sagerules_lambda::engine::Engine;
use sagerules_lambda::evaluation::{Compliance, Evaluation};
use sagerules_lambda::event::{ConfigEvent, EventError};
use sagerules_lambda::handler::{handle_with, Deadline, HandlerError, Invocation};

/// Clients whose every call must match one of `config_rules` (none: no call allowed).
fn clients(config_rules: &[&Rule]) -> Clients {
    common::mocked_clients(&[], config_rules, &[], &[])
}

fn fixture(name: &str) -> ConfigEvent {
    let path = format!("{}/tests/events/{name}", env!("CARGO_MANIFEST_DIR"));
    ConfigEvent::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

async fn judge(event: &ConfigEvent, clients: &Clients) -> Result<Vec<Evaluation>, HandlerError> {
    let engine = Engine::bundled().unwrap();
    let run = Invocation {
        dry_run: true,
        deadline: Deadline::none(),
    };
    handle_with(&engine, clients, event, run)
        .await
        .map(|(_, evaluations)| evaluations)
}

async fn one(name: &str) -> Evaluation {
    let evaluations = judge(&fixture(name), &clients(&[])).await.unwrap();
    assert_eq!(evaluations.len(), 1, "{evaluations:?}");
    evaluations.into_iter().next().unwrap()
}

#[tokio::test]
async fn a_secure_notebook_item_is_compliant_at_its_capture_time() {
    let evaluation = one("change-notebook.json").await;
    assert_eq!(
        evaluation.compliance_type,
        Compliance::Compliant,
        "{}",
        evaluation.annotation
    );
    assert_eq!(evaluation.compliance_resource_id, "nb-secure");
    assert_eq!(
        evaluation.ordering_timestamp,
        DateTime::from_millis(1_682_607_791_636)
    );
    assert!(evaluation
        .annotation
        .starts_with("passed SAGEMAKER_NOTEBOOK_"));
}

#[tokio::test]
async fn deleted_left_scope_and_foreign_items_are_not_applicable() {
    for (name, note) in [
        (
            "change-notebook-deleted.json",
            "configuration item status ResourceDeleted",
        ),
        (
            "change-notebook-left-scope.json",
            "the resource left the rule's scope",
        ),
        (
            "change-ec2-powertools.json",
            "AWS::EC2::Instance is not checked by sagerules",
        ),
    ] {
        let evaluation = one(name).await;
        assert_eq!(
            (evaluation.compliance_type, evaluation.annotation.as_str()),
            (Compliance::NotApplicable, note),
            "{name}"
        );
    }
}

#[tokio::test]
async fn an_unknown_message_type_is_an_error_and_sends_nothing() {
    // No mock rule: any API call would fail the handler with a different error.
    let error = judge(&fixture("snapshot-delivery.json"), &clients(&[]))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, HandlerError::Event(EventError::UnknownMessageType(t)) if t == "ConfigurationSnapshotDeliveryCompleted"),
        "{error}"
    );
}

/// The notebook change fixture with its `configuration` replaced by `configuration`.
fn notebook_change_with(configuration: serde_json::Value) -> ConfigEvent {
    let mut event = fixture("change-notebook.json");
    let text = event.invoking_event.as_str().unwrap().to_string();
    let mut invoking: serde_json::Value = serde_json::from_str(&text).unwrap();
    invoking["configurationItem"]["configuration"] = configuration;
    event.invoking_event = serde_json::Value::String(invoking.to_string());
    event
}

/// GetResourceConfigHistory answering with the notebook `nb-1`'s item whose configuration is
/// `configuration` (a JSON string, as the API sends it).
fn history_of_notebook(resource_id: &'static str, configuration: &'static str) -> Rule {
    mock!(aws_sdk_config::Client::get_resource_config_history)
        .match_requests(move |r| r.limit() == Some(1) && r.resource_id() == Some(resource_id))
        .then_output(move || {
            let item = ConfigurationItem::builder()
                .resource_type(ResourceType::from("AWS::SageMaker::NotebookInstance"))
                .resource_id(resource_id)
                .resource_name(resource_id)
                .configuration_item_status(ConfigurationItemStatus::Ok)
                .configuration_item_capture_time(DateTime::from_millis(1_475_771_176_261))
                .configuration(configuration)
                .build();
            GetResourceConfigHistoryOutput::builder()
                .configuration_items(item)
                .build()
        })
}

fn notebook_id() -> &'static str {
    let event = fixture("change-notebook.json");
    let text = event.invoking_event.as_str().unwrap().to_string();
    let invoking: serde_json::Value = serde_json::from_str(&text).unwrap();
    let id = invoking["configurationItem"]["resourceId"]
        .as_str()
        .unwrap()
        .to_string();
    Box::leak(id.into_boxed_str())
}

#[tokio::test]
async fn an_item_with_null_configuration_is_fetched_again_and_judged_not_not_applicable() {
    let id = notebook_id();
    let history = history_of_notebook(
        id,
        r#"{"NotebookInstanceName":"nb","DirectInternetAccess":"Enabled","RootAccess":"Disabled"}"#,
    );
    for configuration in [serde_json::Value::Null, serde_json::json!("not json {")] {
        let event = notebook_change_with(configuration.clone());
        let evaluations = judge(&event, &clients(&[&history])).await.unwrap();
        assert_eq!(evaluations.len(), 1, "{configuration}: {evaluations:?}");
        assert_eq!(
            evaluations[0].compliance_type,
            Compliance::NonCompliant,
            "{configuration}"
        );
        assert!(
            evaluations[0]
                .annotation
                .contains("SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET"),
            "{}",
            evaluations[0].annotation
        );
    }
    assert_eq!(history.num_calls(), 2);
}

#[tokio::test]
async fn an_item_whose_configuration_stays_unusable_is_an_error_not_not_applicable() {
    let id = notebook_id();
    let history = history_of_notebook(id, "null");
    let event = notebook_change_with(serde_json::Value::Null);
    let error = judge(&event, &clients(&[&history])).await.unwrap_err();
    assert!(matches!(error, HandlerError::UnusableItem(_)), "{error}");
    assert_eq!(
        error.to_string(),
        format!("the configuration item cannot be judged: AWS::SageMaker::NotebookInstance {id}: its configuration is null, in the event and in GetResourceConfigHistory")
    );
}

#[tokio::test]
async fn an_oversized_item_is_fetched_and_judged() {
    let history = mock!(aws_sdk_config::Client::get_resource_config_history)
        .match_requests(|r| r.limit() == Some(1) && r.resource_id() == Some("nb-big") && r.later_time().is_some())
        .then_output(|| {
            let item = ConfigurationItem::builder()
                .resource_type(ResourceType::from("AWS::SageMaker::NotebookInstance"))
                .resource_id("nb-big")
                .resource_name("nb-big")
                .configuration_item_status(ConfigurationItemStatus::Ok)
                .configuration_item_capture_time(DateTime::from_millis(1_475_771_176_261))
                .configuration(r#"{"NotebookInstanceName":"nb-big","DirectInternetAccess":"Enabled","RootAccess":"Disabled"}"#)
                .build();
            GetResourceConfigHistoryOutput::builder().configuration_items(item).build()
        });
    let evaluations = judge(&fixture("oversized-notebook.json"), &clients(&[&history]))
        .await
        .unwrap();
    let evaluation = &evaluations[0];
    assert_eq!(evaluation.compliance_type, Compliance::NonCompliant);
    assert!(
        evaluation
            .annotation
            .contains("SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET"),
        "{}",
        evaluation.annotation
    );
    assert_eq!(
        evaluation.ordering_timestamp,
        DateTime::from_millis(1_475_771_176_261)
    );
}

#[tokio::test]
async fn an_oversized_item_config_does_not_know_is_an_error_not_a_verdict() {
    let history = mock!(aws_sdk_config::Client::get_resource_config_history)
        .then_output(|| GetResourceConfigHistoryOutput::builder().build());
    let error = judge(&fixture("oversized-notebook.json"), &clients(&[&history]))
        .await
        .unwrap_err();
    assert!(
        matches!(error, HandlerError::ItemNotFound(ref what) if what.contains("nb-big")),
        "{error}"
    );
}

#[tokio::test]
async fn invalid_parameters_give_no_evaluation() {
    let mut event = fixture("change-notebook.json");
    event.rule_parameters =
        serde_json::Value::String(r#"{"families":"notebook","kmsKeyArns":42}"#.into());
    let error = judge(&event, &clients(&[])).await.unwrap_err();
    assert!(matches!(error, HandlerError::Params(_)), "{error}");
}
