//! The AWS Config reads: the full item behind an oversized notification
//! (`GetResourceConfigHistory`) and the resources a rule already has results for
//! (`GetComplianceDetailsByConfigRule`), for stale-result cleanup.

use crate::error_text::error_text;
use crate::event::ConfigItem;
use aws_sdk_config::error::ProvideErrorMetadata;
use aws_sdk_config::primitives::{DateTime, DateTimeFormat};
use aws_sdk_config::types::{ComplianceType, ConfigurationItem, ResourceType};
use serde_json::{json, Map, Value as Json};

#[derive(Debug, thiserror::Error)]
#[error("{operation}: {message}")]
pub struct ConfigApiError {
    pub operation: &'static str,
    pub code: Option<String>,
    pub message: String,
}

fn api_error<E, R>(
    operation: &'static str,
    error: aws_sdk_config::error::SdkError<E, R>,
) -> ConfigApiError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let code = error.code().map(str::to_string);
    ConfigApiError {
        operation,
        code,
        message: error_text(&error),
    }
}

/// The configuration item an oversized notification summarises: the newest one recorded at
/// or before `capture_time`, reshaped into the event's item shape.
pub async fn fetch_item(
    client: &aws_sdk_config::Client,
    resource_type: &str,
    resource_id: &str,
    capture_time: Option<DateTime>,
) -> Result<Option<ConfigItem>, ConfigApiError> {
    let output = client
        .get_resource_config_history()
        .resource_type(ResourceType::from(resource_type))
        .resource_id(resource_id)
        .set_later_time(capture_time)
        .limit(1)
        .send()
        .await
        .map_err(|e| api_error("GetResourceConfigHistory", e))?;
    Ok(output
        .configuration_items()
        .first()
        .map(|item| ConfigItem::new(event_shape(item))))
}

/// An API `ConfigurationItem` in the event's field names: `arn` → `ARN`, `accountId` →
/// `awsAccountId`, `configurationItemMD5Hash` → `configurationStateMd5Hash`, `version` →
/// `configurationItemVersion`, string-encoded `configuration` and `supplementaryConfiguration`
/// values parsed, `relationshipName` → `name`, timestamps as RFC 3339 strings.
pub fn event_shape(item: &ConfigurationItem) -> Json {
    let relationships: Vec<Json> = item
        .relationships()
        .iter()
        .map(|r| {
            json!({"resourceType": r.resource_type().map(|t| t.as_str()), "resourceId": r.resource_id(),
                   "resourceName": r.resource_name(), "name": r.relationship_name()})
        })
        .collect();
    let supplementary: Map<String, Json> = item
        .supplementary_configuration()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), embedded_json(v)))
        .collect();
    json!({
        "configurationItemVersion": item.version(),
        "awsAccountId": item.account_id(),
        "configurationItemCaptureTime": item.configuration_item_capture_time().and_then(rfc3339),
        "configurationItemStatus": item.configuration_item_status().map(|s| s.as_str()),
        "configurationStateId": item.configuration_state_id(),
        "configurationStateMd5Hash": item.configuration_item_md5_hash(),
        "ARN": item.arn(),
        "resourceType": item.resource_type().map(|t| t.as_str()),
        "resourceId": item.resource_id(),
        "resourceName": item.resource_name(),
        "awsRegion": item.aws_region(),
        "availabilityZone": item.availability_zone(),
        "resourceCreationTime": item.resource_creation_time().and_then(rfc3339),
        "tags": item.tags(),
        "relatedEvents": item.related_events(),
        "relationships": relationships,
        "configuration": item.configuration().map(embedded_json),
        "supplementaryConfiguration": supplementary,
    })
}

/// A JSON document inside a string; text that is not JSON stays a string.
fn embedded_json(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or_else(|_| Json::String(text.to_string()))
}

fn rfc3339(time: &DateTime) -> Option<String> {
    time.fmt(DateTimeFormat::DateTime).ok()
}

/// A resource a Config rule holds a COMPLIANT or NON_COMPLIANT result for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReportedResource {
    pub resource_type: String,
    pub resource_id: String,
}

/// The resources with a current COMPLIANT or NON_COMPLIANT result from `rule`: at most
/// `max_pages` pages of 100, from `token` on; also the token of the page after them.
pub async fn reported_resources(
    client: &aws_sdk_config::Client,
    rule: &str,
    token: Option<String>,
    max_pages: usize,
) -> Result<(Vec<ReportedResource>, Option<String>), ConfigApiError> {
    let mut found = Vec::new();
    let mut token = token;
    for _ in 0..max_pages {
        let page = client
            .get_compliance_details_by_config_rule()
            .config_rule_name(rule)
            .compliance_types(ComplianceType::Compliant)
            .compliance_types(ComplianceType::NonCompliant)
            .limit(100)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| api_error("GetComplianceDetailsByConfigRule", e))?;
        let qualifiers = page.evaluation_results().iter().filter_map(|r| {
            r.evaluation_result_identifier()?
                .evaluation_result_qualifier()
        });
        found.extend(qualifiers.filter_map(|q| {
            Some(ReportedResource {
                resource_type: q.resource_type()?.to_string(),
                resource_id: q.resource_id()?.to_string(),
            })
        }));
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok((found, token))
}
