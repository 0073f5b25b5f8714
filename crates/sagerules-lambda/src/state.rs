//! The state table (`SAGERULES_STATE_TABLE`: DynamoDB, String partition key `pk`, no sort
//! key). Every write is conditional, so overlapping invocations and repeated events cannot
//! act twice. Three kinds of item:
//!
//! ```text
//! pk = "respond#<arn>#<rules digest>#stop"   a response already carried out (expires_at: TTL)
//! pk = "nudge#<config rule>"                 when the periodic rule was last started (at)
//! pk = "cleanup#<config rule>"              where the bounded stale-result cleanup goes on
//! pk = "sweep#<config rule>#<job kind>"      jobs created before `at` were all judged; the
//!                                            previous run started at `last_start` (both ms);
//!                                            `done`: jobs after `at` already judged
//! ```

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable naming the table.
pub const TABLE_VAR: &str = "SAGERULES_STATE_TABLE";

/// The table `SAGERULES_STATE_TABLE` names, if it is set and not empty.
pub fn table_from_env(client: &Client) -> Option<StateTable> {
    let name = std::env::var(TABLE_VAR).ok()?;
    let name = name.trim();
    (!name.is_empty()).then(|| StateTable::new(client.clone(), name))
}

/// How long a response claim is kept (the `expires_at` TTL attribute): long enough to outlast
/// every repeated event of one job or notebook.
pub const CLAIM_DAYS: u64 = 30;

/// The table and the client that reaches it.
#[derive(Clone, Debug)]
pub struct StateTable {
    client: Client,
    name: String,
}

/// A state-table call failed (not a lost condition, which is an answer).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("state table {table}: {message}")]
pub struct StateError {
    pub table: String,
    pub message: String,
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// Seconds since the epoch.
pub fn now_epoch() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

fn number(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// An item as DynamoDB returns it.
type Item = std::collections::HashMap<String, AttributeValue>;

/// The number stored under `key`, when there is one that parses.
fn read_number<T: std::str::FromStr>(item: &Item, key: &str) -> Option<T> {
    item.get(key)?.as_n().ok()?.parse().ok()
}

impl StateTable {
    pub fn new(client: Client, name: &str) -> Self {
        StateTable {
            client,
            name: name.to_string(),
        }
    }

    fn error<E: ProvideErrorMetadata + std::fmt::Display>(&self, error: &E) -> StateError {
        StateError {
            table: self.name.clone(),
            message: error
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| error.to_string()),
        }
    }

    /// A put whose condition may not hold: `true` when it was written, `false` when the
    /// condition did not hold (an answer, not a failure).
    async fn put_if(&self, request: PutItemFluentBuilder) -> Result<bool, StateError> {
        match request.table_name(&self.name).send().await {
            Ok(_) => Ok(true),
            Err(error) if lost_condition(&error) => Ok(false),
            Err(error) => Err(self.error(&error)),
        }
    }

    /// The item whose key is `pk`, read consistently, if there is one.
    async fn get(&self, pk: String) -> Result<Option<Item>, StateError> {
        self.client
            .get_item()
            .table_name(&self.name)
            .key("pk", AttributeValue::S(pk))
            .consistent_read(true)
            .send()
            .await
            .map(|out| out.item)
            .map_err(|e| self.error(&e))
    }

    /// Claims `key` once: `true` for the first caller, `false` when it was claimed already.
    pub async fn claim(&self, key: &str) -> Result<bool, StateError> {
        let now = now_epoch();
        let expires = now.saturating_add(i64::try_from(CLAIM_DAYS * 86_400).unwrap_or(0));
        let request = self
            .client
            .put_item()
            .item("pk", AttributeValue::S(key.to_string()))
            .item("at", number(now))
            .item("expires_at", number(expires))
            .condition_expression("attribute_not_exists(pk)");
        self.put_if(request).await
    }

    /// Gives a claim back (after the action it stood for failed, so a retry can act).
    pub async fn release(&self, key: &str) -> Result<(), StateError> {
        self.client
            .delete_item()
            .table_name(&self.name)
            .key("pk", AttributeValue::S(key.to_string()))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.error(&e))
    }

    /// `true` when no nudge of `rule` happened in the last `interval_secs` (and records this
    /// one), `false` when one did: many events, one re-run.
    pub async fn nudge_due(&self, rule: &str, interval_secs: i64) -> Result<bool, StateError> {
        let now = now_epoch();
        let request = self
            .client
            .put_item()
            .item("pk", AttributeValue::S(format!("nudge#{rule}")))
            .item("at", number(now))
            .condition_expression("attribute_not_exists(pk) OR #at < :cutoff")
            .expression_attribute_names("#at", "at")
            .expression_attribute_values(":cutoff", number(now.saturating_sub(interval_secs)));
        self.put_if(request).await
    }

    /// Where the stale-result cleanup of `rule` stopped: the results page token and the
    /// offset of the next candidate in it.
    pub async fn cleanup_cursor(&self, rule: &str) -> Result<(Option<String>, usize), StateError> {
        let item = self.get(format!("cleanup#{rule}")).await?;
        let token = item
            .as_ref()
            .and_then(|i| i.get("token"))
            .and_then(|v| v.as_s().ok())
            .cloned();
        let offset = item
            .as_ref()
            .and_then(|i| read_number(i, "offset"))
            .unwrap_or(0);
        Ok((token, offset))
    }

    /// Stores the cleanup cursor (the last writer wins: two runs at once check some
    /// candidates twice, none never).
    pub async fn save_cleanup_cursor(
        &self,
        rule: &str,
        token: Option<&str>,
        offset: usize,
    ) -> Result<(), StateError> {
        let mut request = self
            .client
            .put_item()
            .table_name(&self.name)
            .item("pk", AttributeValue::S(format!("cleanup#{rule}")))
            .item("offset", AttributeValue::N(offset.to_string()));
        if let Some(token) = token {
            request = request.item("token", AttributeValue::S(token.to_string()));
        }
        request.send().await.map(|_| ()).map_err(|e| self.error(&e))
    }

    /// The sweep progress of `rule` and `kind`, if a run stored one.
    pub async fn progress(
        &self,
        rule: &str,
        kind: &str,
    ) -> Result<Option<crate::sweep::Progress>, StateError> {
        let Some(item) = self.get(format!("sweep#{rule}#{kind}")).await? else {
            return Ok(None);
        };
        let done = item
            .get("done")
            .and_then(|v| v.as_m().ok())
            .map(|m| {
                m.iter()
                    .filter_map(|(name, v)| Some((name.clone(), v.as_n().ok()?.parse().ok()?)))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(crate::sweep::Progress {
            at: read_number(&item, "at"),
            last_start: read_number(&item, "last_start"),
            done,
        }))
    }

    /// Stores a kind's progress; never moves `at` back (an older, slower run finishing late
    /// loses the condition, which is fine).
    pub async fn save_progress(
        &self,
        rule: &str,
        kind: &str,
        at: i64,
        last_start: i64,
        done: &[(String, i64)],
    ) -> Result<(), StateError> {
        let done: std::collections::HashMap<String, AttributeValue> = done
            .iter()
            .map(|(name, created)| (name.clone(), number(*created)))
            .collect();
        let request = self
            .client
            .put_item()
            .item("pk", AttributeValue::S(format!("sweep#{rule}#{kind}")))
            .item("at", number(at))
            .item("last_start", number(last_start))
            .item("done", AttributeValue::M(done))
            .condition_expression("attribute_not_exists(pk) OR #at <= :at")
            .expression_attribute_names("#at", "at")
            .expression_attribute_values(":at", number(at));
        self.put_if(request).await.map(|_written| ())
    }
}

/// The write's condition did not hold (DynamoDB's `ConditionalCheckFailedException`).
fn lost_condition<R>(error: &SdkError<PutItemError, R>) -> bool {
    error
        .as_service_error()
        .is_some_and(PutItemError::is_conditional_check_failed_exception)
}
