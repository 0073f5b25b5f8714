//! Event parsing on captured shapes of every message type (tests/events/*.json), with and
//! without `evaluationMode` and `eventLeftScope`, numeric and string `configurationStateId`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

use sagerules_lambda::event::{ConfigEvent, EventError, Trigger};
use serde_json::json;

fn load(name: &str) -> ConfigEvent {
    let path = format!("{}/tests/events/{name}", env!("CARGO_MANIFEST_DIR"));
    ConfigEvent::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn change_item(event: &ConfigEvent) -> sagerules_lambda::event::ConfigItem {
    match event.trigger().unwrap() {
        Trigger::Change(item) => item,
        other => panic!("expected a change notification, got {other:?}"),
    }
}

#[test]
fn change_notification_with_evaluation_mode_and_numeric_state_id() {
    let event = load("change-notebook.json");
    assert_eq!(event.evaluation_mode.as_deref(), Some("DETECTIVE"));
    assert!(!event.event_left_scope);
    assert!(event.is_test_mode());
    let item = change_item(&event);
    assert_eq!(
        item.header.resource_type.as_deref(),
        Some("AWS::SageMaker::NotebookInstance")
    );
    assert_eq!(item.header.resource_id.as_deref(), Some("nb-secure"));
    assert_eq!(
        item.header.configuration_state_id,
        json!(1_682_607_791_636_u64)
    );
    assert_eq!(
        item.header.configuration_item_capture_time.as_deref(),
        Some("2023-04-27T15:03:11.636Z")
    );
    assert_eq!(
        item.raw["configuration"]["DirectInternetAccess"],
        "Disabled"
    );
    assert!(!item.is_gone());
}

#[test]
fn change_notification_without_left_scope_or_mode_and_string_state_id() {
    let event = load("change-notebook-string-state-id.json");
    assert_eq!(event.evaluation_mode, None);
    assert!(!event.event_left_scope);
    let item = change_item(&event);
    assert_eq!(item.header.configuration_state_id, json!("1682607791636"));
}

#[test]
fn deleted_item_is_gone_and_left_scope_is_read() {
    assert!(change_item(&load("change-notebook-deleted.json")).is_gone());
    assert!(load("change-notebook-left-scope.json").event_left_scope);
}

#[test]
fn real_powertools_capture_of_an_ec2_change_parses() {
    let event = load("change-ec2-powertools.json");
    assert!(!event.is_test_mode());
    assert!(event.rule_parameters().unwrap().is_empty());
    let item = change_item(&event);
    assert_eq!(
        item.header.arn.as_deref(),
        Some("arn:aws:ec2:us-east-1:0123456789012:instance/i-042dd005362091826")
    );
}

#[test]
fn oversized_notification_carries_the_summary() {
    let event = load("oversized-notebook.json");
    let Trigger::Oversized(summary) = event.trigger().unwrap() else {
        panic!("not oversized")
    };
    assert_eq!(summary.header.resource_id.as_deref(), Some("nb-big"));
    assert_eq!(summary.header.resource_name, None);
    assert_eq!(summary.header.configuration_state_id, json!(0));
}

#[test]
fn scheduled_notification_with_and_without_parameters() {
    let event = load("scheduled-training.json");
    assert_eq!(
        event.trigger().unwrap(),
        Trigger::Scheduled {
            notification_time: Some("2016-07-13T21:50:00.373Z".into())
        }
    );
    assert_eq!(event.rule_parameters().unwrap()["families"], "training");
    let bare = load("scheduled-no-params.json");
    assert!(bare.rule_parameters().unwrap().is_empty());
    assert!(matches!(bare.trigger().unwrap(), Trigger::Scheduled { .. }));
}

#[test]
fn unknown_message_type_is_an_error_not_ignored() {
    let error = load("snapshot-delivery.json").trigger().unwrap_err();
    assert!(
        matches!(&error, EventError::UnknownMessageType(t) if t == "ConfigurationSnapshotDeliveryCompleted"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("is not one AWS Config sends to rules"),
        "{error}"
    );
}

#[test]
fn hand_made_event_with_objects_instead_of_strings() {
    let event = ConfigEvent::from_value(json!({
        "invokingEvent": {"messageType": "ScheduledNotification"},
        "ruleParameters": {"windowDays": 3},
        "eventLeftScope": "TRUE"
    }))
    .unwrap();
    assert_eq!(
        event.trigger().unwrap(),
        Trigger::Scheduled {
            notification_time: None
        }
    );
    assert_eq!(event.rule_parameters().unwrap()["windowDays"], 3);
    assert!(event.event_left_scope);
}

#[test]
fn malformed_events_are_errors_not_panics() {
    assert!(matches!(
        ConfigEvent::from_slice(b"{not json"),
        Err(EventError::NotJson(_))
    ));
    let bad_invoking =
        ConfigEvent::from_value(json!({"invokingEvent": "{\"messageType\":"})).unwrap();
    assert!(matches!(
        bad_invoking.trigger(),
        Err(EventError::InvokingEvent(_))
    ));
    let list_invoking = ConfigEvent::from_value(json!({"invokingEvent": "[1]"})).unwrap();
    assert!(matches!(
        list_invoking.trigger(),
        Err(EventError::InvokingEvent(_))
    ));
    let bad_params = ConfigEvent::from_value(json!({"ruleParameters": "a=b"})).unwrap();
    assert!(matches!(
        bad_params.rule_parameters(),
        Err(EventError::RuleParameters(_))
    ));
}

#[test]
fn an_empty_event_is_an_error_not_ignored() {
    let event = ConfigEvent::from_value(json!({})).unwrap();
    let error = event.trigger().unwrap_err();
    assert!(matches!(error, EventError::NoMessageType), "{error}");
}

#[test]
fn a_change_notification_without_configuration_item_is_an_error_not_ignored() {
    let event = ConfigEvent::from_value(
        json!({"invokingEvent": "{\"messageType\":\"ConfigurationItemChangeNotification\"}"}),
    )
    .unwrap();
    let error = event.trigger().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invokingEvent is a ConfigurationItemChangeNotification without configurationItem"
    );
    let oversized = ConfigEvent::from_value(json!({"invokingEvent": {
        "messageType": "OversizedConfigurationItemChangeNotification", "configurationItemSummary": null}}))
    .unwrap();
    assert_eq!(
        oversized.trigger().unwrap_err().to_string(),
        "invokingEvent is a OversizedConfigurationItemChangeNotification without configurationItemSummary"
    );
}
