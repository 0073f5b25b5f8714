//! The AWS Config rule event, parsed leniently into our own types.
//!
//! Why our own types: Config's event is a flat object whose `invokingEvent` and
//! `ruleParameters` are JSON *strings*, fields come and go between versions
//! (`evaluationMode` appears in real captures but not in the docs, `eventLeftScope` is missing
//! from hand-made events) and `configurationStateId` is a number in events but a string in the
//! API. Every field here has a default, and a string-or-object field is accepted either way,
//! so only text that is not JSON at all is an error.
//!
//! ```json
//! {"invokingEvent": "{\"messageType\":\"ScheduledNotification\",\"notificationCreationTime\":\"2016-07-13T21:50:00.373Z\"}",
//!  "ruleParameters": "{\"families\":\"training\"}", "resultToken": "TESTMODE", "accountId": "123456789012"}
//! ```

use serde::Deserialize;
use serde_json::Value as Json;

/// The outer event Config hands the Lambda.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConfigEvent {
    /// A JSON string (real events) or an object (hand-made events).
    pub invoking_event: Json,
    /// A JSON string, an object, or absent.
    pub rule_parameters: Json,
    pub result_token: Option<String>,
    #[serde(deserialize_with = "lenient_bool")]
    pub event_left_scope: bool,
    pub execution_role_arn: Option<String>,
    pub config_rule_arn: Option<String>,
    pub config_rule_name: Option<String>,
    pub config_rule_id: Option<String>,
    pub account_id: Option<String>,
    pub version: Option<String>,
    pub evaluation_mode: Option<String>,
}

/// Why an event could not be used at all.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("the event is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    #[error("invokingEvent is not a JSON object: {0}")]
    InvokingEvent(String),
    #[error("ruleParameters is not a JSON object: {0}")]
    RuleParameters(String),
    /// `{}`, or an event of some other service: nothing says what to do.
    #[error("not an AWS Config rule event (invokingEvent has no messageType) nor a SageMaker job state change")]
    NoMessageType,
    /// A message type AWS Config does not send to rules.
    #[error("invokingEvent.messageType {0:?} is not one AWS Config sends to rules (ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification, ScheduledNotification)")]
    UnknownMessageType(String),
    /// A change notification without the item it is about.
    #[error("invokingEvent is a {message_type} without {field}")]
    MissingItem {
        message_type: &'static str,
        field: &'static str,
    },
}

/// What triggered the invocation, from `invokingEvent.messageType`.
#[derive(Clone, Debug, PartialEq)]
pub enum Trigger {
    /// `ConfigurationItemChangeNotification`: the whole item is in the event.
    Change(ConfigItem),
    /// `OversizedConfigurationItemChangeNotification`: only a summary; fetch the item.
    Oversized(ConfigItem),
    /// `ScheduledNotification`, with its `notificationCreationTime`.
    Scheduled { notification_time: Option<String> },
}

/// A configuration item (or the summary of one), kept as JSON so the rule-pack adapter sees
/// exactly what Config sent, plus the header fields this crate reads.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigItem {
    pub raw: Json,
    pub header: ItemHeader,
}

/// The fields of a configuration item this crate needs.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ItemHeader {
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub resource_name: Option<String>,
    pub configuration_item_status: Option<String>,
    pub configuration_item_capture_time: Option<String>,
    /// A number in events (`1682607791636`), a string in the API and the SNS sample.
    pub configuration_state_id: Json,
    pub aws_account_id: Option<String>,
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
}

impl ConfigItem {
    /// Reads the header out of `raw` (any missing or mistyped header field is `None`).
    pub fn new(raw: Json) -> Self {
        let header = ItemHeader::deserialize(&raw).unwrap_or_default();
        Self { raw, header }
    }

    /// Deleted, not recorded, or otherwise not something to judge (`OK` and
    /// `ResourceDiscovered` are the statuses that carry a current configuration).
    pub fn is_gone(&self) -> bool {
        !matches!(
            self.header.configuration_item_status.as_deref(),
            None | Some("OK") | Some("ResourceDiscovered")
        )
    }
}

/// `invokingEvent`, parsed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct InvokingEvent {
    message_type: Option<String>,
    configuration_item: Option<Json>,
    configuration_item_summary: Option<Json>,
    notification_creation_time: Option<String>,
}

impl ConfigEvent {
    /// Parses the outer event from bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, EventError> {
        serde_json::from_slice(bytes).map_err(EventError::NotJson)
    }

    /// Parses the outer event from a JSON value (what the Lambda runtime hands over).
    pub fn from_value(value: Json) -> Result<Self, EventError> {
        serde_json::from_value(value).map_err(EventError::NotJson)
    }

    /// The trigger inside `invokingEvent`.
    pub fn trigger(&self) -> Result<Trigger, EventError> {
        let object = embedded_object(&self.invoking_event).map_err(EventError::InvokingEvent)?;
        let invoking = match object {
            Json::Null => InvokingEvent::default(),
            object => InvokingEvent::deserialize(&object)
                .map_err(|e| EventError::InvokingEvent(e.to_string()))?,
        };
        invoking.into_trigger()
    }

    /// `ruleParameters` as an object (`{}` when absent, empty or `null`).
    pub fn rule_parameters(&self) -> Result<serde_json::Map<String, Json>, EventError> {
        match embedded_object(&self.rule_parameters).map_err(EventError::RuleParameters)? {
            Json::Object(map) => Ok(map),
            _ => Ok(serde_json::Map::new()),
        }
    }

    /// `resultToken: "TESTMODE"`: a hand-made event; PutEvaluations gets `TestMode=true`.
    pub fn is_test_mode(&self) -> bool {
        self.result_token.as_deref() == Some("TESTMODE")
    }
}

impl InvokingEvent {
    /// The trigger; any other message type, or a change notification without its item, is an
    /// error (never a silent "ignored").
    fn into_trigger(self) -> Result<Trigger, EventError> {
        const CHANGE: &str = "ConfigurationItemChangeNotification";
        const OVERSIZED: &str = "OversizedConfigurationItemChangeNotification";
        let item = |raw: Option<Json>, message_type, field| match raw {
            Some(item @ Json::Object(_)) => Ok(ConfigItem::new(item)),
            _ => Err(EventError::MissingItem {
                message_type,
                field,
            }),
        };
        match self.message_type.as_deref() {
            Some(CHANGE) => {
                item(self.configuration_item, CHANGE, "configurationItem").map(Trigger::Change)
            }
            Some(OVERSIZED) => item(
                self.configuration_item_summary,
                OVERSIZED,
                "configurationItemSummary",
            )
            .map(Trigger::Oversized),
            Some("ScheduledNotification") => Ok(Trigger::Scheduled {
                notification_time: self.notification_creation_time,
            }),
            Some(other) => Err(EventError::UnknownMessageType(other.to_string())),
            None => Err(EventError::NoMessageType),
        }
    }
}

/// A field that holds a JSON object either directly or as a JSON string. Absent, `null` and
/// `""` give `{}`-like `Json::Null`.
fn embedded_object(field: &Json) -> Result<Json, String> {
    match field {
        Json::Null => Ok(Json::Null),
        Json::Object(_) => Ok(field.clone()),
        Json::String(text) if text.trim().is_empty() => Ok(Json::Null),
        Json::String(text) => match serde_json::from_str::<Json>(text) {
            Ok(value @ (Json::Object(_) | Json::Null)) => Ok(value),
            Ok(other) => Err(format!("found {}", json_type(&other))),
            Err(e) => Err(e.to_string()),
        },
        other => Err(format!("found {}", json_type(other))),
    }
}

fn json_type(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// `true`, `"true"` (any case) → true; anything else, including `null`, → false.
fn lenient_bool<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(match Json::deserialize(deserializer)? {
        Json::Bool(b) => b,
        Json::String(s) => s.eq_ignore_ascii_case("true"),
        _ => false,
    })
}
