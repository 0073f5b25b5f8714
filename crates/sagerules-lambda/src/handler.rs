//! One invocation, whatever started it (the Lambda runtime or `--event FILE`): parse the
//! event, pick the rules, judge the item or sweep the jobs, and send the evaluations.

use crate::clients::Clients;
use crate::config_api::{self, ConfigApiError};
use crate::engine::Engine;
use crate::evaluation::{parse_time, verdict, Compliance, Evaluation};
use crate::event::{ConfigEvent, ConfigItem, EventError, ItemHeader, Trigger};
use crate::jobs::JobKind;
use crate::node;
use crate::params::{JobResourceType, ParamsError, RuleConfig};
use crate::reporter::{ReportError, Reporter};
use crate::sweep::{self, SweepError, SweepPlan, SweepStats};
use aws_sdk_config::primitives::DateTime;
use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// When to stop starting new work, and when work must be over: the Lambda deadline (or
/// `--deadline-seconds N` locally) is the hard end; new work stops a margin before it, kept
/// for sending what is queued. `Deadline::none()` in local mode without a limit.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    /// The hard end.
    end: Option<Instant>,
    /// How long before `end` no new work starts.
    margin: Duration,
}

impl Deadline {
    /// The margin of a long invocation: time kept back for sending what is queued.
    pub const MARGIN: Duration = Duration::from_secs(5);

    pub fn none() -> Self {
        Deadline {
            end: None,
            margin: Self::MARGIN,
        }
    }

    /// Below this, a "deadline" cannot be milliseconds since the epoch (it would be before
    /// 2001): the `cargo lambda watch` emulator sends the function timeout (`600000`) there.
    const EPOCH_MS_FLOOR: u64 = 1_000_000_000_000;

    /// From the Lambda context's deadline (milliseconds since the epoch; a small value is
    /// read as milliseconds from now).
    pub fn from_epoch_ms(deadline_ms: u64) -> Self {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let left = match deadline_ms {
            ms if ms < Self::EPOCH_MS_FLOOR => u128::from(ms),
            ms => u128::from(ms).saturating_sub(now_ms),
        };
        Deadline::after(Duration::from_millis(
            u64::try_from(left).unwrap_or(u64::MAX),
        ))
    }

    /// `left` from now (`--deadline-seconds`). The margin is 5 seconds, or a fifth of a
    /// shorter deadline, so a short one still leaves time to work.
    pub fn after(left: Duration) -> Self {
        Deadline {
            end: Instant::now().checked_add(left),
            margin: Self::MARGIN.min(left / 5),
        }
    }

    /// No new work should start.
    pub fn passed(&self) -> bool {
        self.end
            .is_some_and(|end| Instant::now() + self.margin >= end)
    }

    /// Time left before the hard end (`None`: no limit).
    pub fn remaining(&self) -> Option<Duration> {
        self.end
            .map(|end| end.saturating_duration_since(Instant::now()))
    }

    /// Runs `work` until it ends or until half a margin before the hard end, whichever is
    /// first (the other half is kept for sending what is queued): a call still waiting then
    /// gives [`OutOfTime`].
    pub async fn bound<T>(
        &self,
        work: impl std::future::Future<Output = T>,
    ) -> Result<T, OutOfTime> {
        match self.remaining() {
            None => Ok(work.await),
            Some(left) => tokio::time::timeout(left.saturating_sub(self.margin / 2), work)
                .await
                .map_err(|_| OutOfTime),
        }
    }
}

/// The invocation's time ran out while a call was waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the invocation's deadline came while the call was waiting")]
pub struct OutOfTime;

/// How to run: send or only print, and until when.
#[derive(Clone, Copy, Debug)]
pub struct Invocation {
    pub dry_run: bool,
    pub deadline: Deadline,
}

/// Everything worth one log line about an invocation.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub message_type: String,
    pub config_rule: Option<String>,
    pub rules_selected: usize,
    pub evaluations: usize,
    pub compliant: usize,
    pub non_compliant: usize,
    pub not_applicable: usize,
    pub put_calls: usize,
    pub stale_cleared: usize,
    /// Resource types AWS Config rejected; their resources went into an account evaluation.
    pub rejected_types: Vec<String>,
    pub evaluate_us: u128,
    pub total_ms: u128,
    pub sweep: Option<SweepStats>,
}

#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error(transparent)]
    Event(#[from] EventError),
    #[error(transparent)]
    Params(#[from] ParamsError),
    #[error("the configuration item has no {0}")]
    Malformed(&'static str),
    #[error(transparent)]
    ConfigApi(#[from] ConfigApiError),
    #[error("no configuration item recorded for {0}")]
    ItemNotFound(String),
    #[error("the configuration item cannot be judged: {0}")]
    UnusableItem(String),
    #[error(transparent)]
    Sweep(#[from] SweepError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error("cross-account mode: {0}")]
    AssumeRole(String),
}

/// Runs one event to the end; returns the summary and every evaluation sent (or, in dry run,
/// that would have been sent).
pub async fn handle(
    engine: &Engine,
    base: &aws_config::SdkConfig,
    event: &ConfigEvent,
    run: Invocation,
) -> Result<(Summary, Vec<Evaluation>), HandlerError> {
    let (trigger, config) = prepare(engine, event)?;
    let clients = Clients::for_event(base, event)
        .await
        .map_err(HandlerError::AssumeRole)?;
    execute(engine, &clients, event, trigger, &config, run).await
}

/// [`handle`] with the clients given (tests hand in mocked ones; no cross-account role).
pub async fn handle_with(
    engine: &Engine,
    clients: &Clients,
    event: &ConfigEvent,
    run: Invocation,
) -> Result<(Summary, Vec<Evaluation>), HandlerError> {
    let (trigger, config) = prepare(engine, event)?;
    execute(engine, clients, event, trigger, &config, run).await
}

/// The trigger and the rule configuration; an event this crate cannot use is an error.
fn prepare(engine: &Engine, event: &ConfigEvent) -> Result<(Trigger, RuleConfig), HandlerError> {
    let trigger = event.trigger()?;
    let config = RuleConfig::from_parameters(&event.rule_parameters()?, engine.rule_names())?;
    Ok((trigger, config))
}

async fn execute(
    engine: &Engine,
    clients: &Clients,
    event: &ConfigEvent,
    trigger: Trigger,
    config: &RuleConfig,
    run: Invocation,
) -> Result<(Summary, Vec<Evaluation>), HandlerError> {
    let started = Instant::now();
    let mut summary = Summary {
        message_type: message_type(&trigger),
        config_rule: event.config_rule_name.clone(),
        rules_selected: config.rules.len(),
        ..Summary::default()
    };
    let mut reporter = Reporter::new(
        (!run.dry_run).then(|| clients.config.clone()),
        event.result_token.as_deref(),
    )
    .with_account(event.account_id.as_deref());
    let context = Context {
        engine,
        config,
        event,
        clients,
        run,
    };
    context
        .dispatch(trigger, &mut reporter, &mut summary)
        .await?;
    reporter.finish().await?;
    summary.put_calls = reporter.calls;
    summary.rejected_types = reporter.rejected_types.iter().cloned().collect();
    count(&mut summary, &reporter.sent);
    summary.total_ms = started.elapsed().as_millis();
    if let Some(first) = summary.sweep.as_ref().and_then(|s| s.list_errors.first()) {
        // What was judged is sent; the run still says it could not see every job.
        crate::logging::summary(&summary);
        return Err(HandlerError::Sweep(SweepError::Incomplete(first.clone())));
    }
    Ok((summary, reporter.sent))
}

fn message_type(trigger: &Trigger) -> String {
    match trigger {
        Trigger::Change(_) => "ConfigurationItemChangeNotification".into(),
        Trigger::Oversized(_) => "OversizedConfigurationItemChangeNotification".into(),
        Trigger::Scheduled { .. } => "ScheduledNotification".into(),
    }
}

fn count(summary: &mut Summary, sent: &[Evaluation]) {
    summary.evaluations = sent.len();
    summary.compliant = sent
        .iter()
        .filter(|e| e.compliance_type == Compliance::Compliant)
        .count();
    summary.non_compliant = sent
        .iter()
        .filter(|e| e.compliance_type == Compliance::NonCompliant)
        .count();
    summary.not_applicable = sent
        .iter()
        .filter(|e| e.compliance_type == Compliance::NotApplicable)
        .count();
}

struct Context<'a> {
    engine: &'a Engine,
    config: &'a RuleConfig,
    event: &'a ConfigEvent,
    clients: &'a Clients,
    run: Invocation,
}

impl Context<'_> {
    async fn dispatch(
        &self,
        trigger: Trigger,
        reporter: &mut Reporter,
        summary: &mut Summary,
    ) -> Result<(), HandlerError> {
        match trigger {
            Trigger::Change(item) => {
                let item = self.usable(item).await?;
                let started = Instant::now();
                let evaluation =
                    judge_item(self.engine, self.config, &item, self.event.event_left_scope)?;
                summary.evaluate_us = started.elapsed().as_micros();
                reporter.push(evaluation).await?;
            }
            Trigger::Oversized(item) => reporter.push(self.judge_oversized(item).await?).await?,
            Trigger::Scheduled { notification_time } => {
                let ordering = notification_time
                    .as_deref()
                    .and_then(parse_time)
                    .unwrap_or_else(now);
                let stats = self.sweep(ordering, reporter).await?;
                summary.stale_cleared = self.clear_stale(&stats, ordering, reporter).await?;
                summary.sweep = Some(stats);
            }
        }
        Ok(())
    }

    /// The item, or when Config sent a SageMaker item whose `configuration` is missing, null
    /// or not a JSON object, the item as GetResourceConfigHistory has it. Still unusable is an
    /// error: never NOT_APPLICABLE for something that was not evaluated.
    async fn usable(&self, item: ConfigItem) -> Result<ConfigItem, HandlerError> {
        if self.event.event_left_scope || item.is_gone() || unusable_configuration(&item).is_none()
        {
            return Ok(item);
        }
        let (resource_type, resource_id) = resource_of(&item.header)?;
        tracing::warn!(
            resource_type,
            resource_id,
            "configuration missing from the event; fetching the item from AWS Config"
        );
        let capture = capture_time(&item.header);
        let fetched =
            config_api::fetch_item(&self.clients.config, resource_type, resource_id, capture)
                .await?
                .ok_or_else(|| {
                    HandlerError::ItemNotFound(format!("{resource_type} {resource_id}"))
                })?;
        match unusable_configuration(&fetched) {
            Some(why) => Err(HandlerError::UnusableItem(format!(
                "{resource_type} {resource_id}: {why}, in the event and in GetResourceConfigHistory"
            ))),
            None => Ok(fetched),
        }
    }

    /// Fetches the full item unless the summary already says it is gone or out of scope.
    async fn judge_oversized(&self, summary: ConfigItem) -> Result<Evaluation, HandlerError> {
        if summary.is_gone() || self.event.event_left_scope {
            return judge_item(
                self.engine,
                self.config,
                &summary,
                self.event.event_left_scope,
            );
        }
        let (resource_type, resource_id) = resource_of(&summary.header)?;
        let capture = capture_time(&summary.header);
        let item =
            config_api::fetch_item(&self.clients.config, resource_type, resource_id, capture)
                .await?
                .ok_or_else(|| {
                    HandlerError::ItemNotFound(format!("{resource_type} {resource_id}"))
                })?;
        judge_item(self.engine, self.config, &item, false)
    }

    async fn sweep(
        &self,
        ordering: DateTime,
        reporter: &mut Reporter,
    ) -> Result<SweepStats, HandlerError> {
        let window = Duration::from_secs(u64::from(self.config.window_days) * 86_400);
        let start = SystemTime::now().checked_sub(window).unwrap_or(UNIX_EPOCH);
        let account_id = self
            .event
            .account_id
            .as_deref()
            .unwrap_or("unknown-account");
        let run_start = crate::state::now_ms();
        let table = self.incremental_table();
        let progress = match &table {
            Some((table, rule)) => self.progress(table, rule).await,
            None => Vec::new(),
        };
        let plan = SweepPlan {
            engine: self.engine,
            config: self.config,
            ordering,
            account_id,
            window_start: DateTime::from(start),
            progress,
            run_start,
            deadline: self.run.deadline,
        };
        let stats = sweep::sweep(&plan, &self.clients.sagemaker, reporter).await?;
        if let (Some((table, rule)), false) = (&table, self.run.dry_run) {
            save_progress(table, rule, &stats).await;
        }
        Ok(stats)
    }

    /// The state table and this Config rule's name, when the sweep can be resumable: a table
    /// is configured and jobs are reported one by one (account mode needs every job of the
    /// window in each verdict).
    fn incremental_table(&self) -> Option<(crate::state::StateTable, String)> {
        let rule = self.event.config_rule_name.clone()?;
        if self.config.job_resource_type != JobResourceType::Native {
            return None;
        }
        Some((crate::state::table_from_env(&self.clients.dynamodb)?, rule))
    }

    /// Each selected kind's stored progress (none yet: from the window's start). One that
    /// cannot be read makes that kind stateless this run: more work, never a job missed.
    async fn progress(
        &self,
        table: &crate::state::StateTable,
        rule: &str,
    ) -> Vec<(JobKind, sweep::Progress)> {
        let mut all = Vec::new();
        for kind in self.config.job_kinds() {
            match table.progress(rule, kind.native_type()).await {
                Ok(found) => all.push((kind, found.unwrap_or_default())),
                Err(error) => {
                    tracing::warn!(%error, kind = kind.label(), "sweep progress unreadable; listing the whole window")
                }
            }
        }
        all
    }
}

/// Stores each resumable kind's progress; a failure is logged (the next run redoes some work).
async fn save_progress(table: &crate::state::StateTable, rule: &str, stats: &SweepStats) {
    for (kind, progress) in &stats.advanced {
        let (Some(at), Some(last_start)) = (progress.at, progress.last_start) else {
            continue;
        };
        if let Err(error) = table
            .save_progress(rule, kind.native_type(), at, last_start, &progress.done)
            .await
        {
            tracing::warn!(%error, kind = kind.label(), "sweep progress not saved; the next run lists more");
        }
    }
}

impl Context<'_> {
    /// Sets NOT_APPLICABLE on jobs this rule judged earlier that no longer exist. Failures
    /// here are logged, not fatal: the sweep's verdicts are already sent.
    async fn clear_stale(
        &self,
        stats: &SweepStats,
        ordering: DateTime,
        reporter: &mut Reporter,
    ) -> Result<usize, HandlerError> {
        let Some(rule) = self.event.config_rule_name.as_deref() else {
            return Ok(0);
        };
        if self.config.job_resource_type != JobResourceType::Native || self.run.deadline.passed() {
            return Ok(0);
        }
        let table = crate::state::table_from_env(&self.clients.dynamodb);
        let (token, offset) = match &table {
            Some(table) => table.cleanup_cursor(rule).await.unwrap_or_else(|error| {
                tracing::warn!(%error, "cleanup cursor unreadable; starting over");
                (None, 0)
            }),
            // Stateless: a window that moves with the hour, over the first pages.
            None => (None, rotating_offset(ordering)),
        };
        let listing = config_api::reported_resources(
            &self.clients.config,
            rule,
            token.clone(),
            CLEANUP_PAGES,
        );
        let (reported, next) = match self.run.deadline.bound(listing).await {
            Ok(Ok(found)) => found,
            Err(late) => {
                tracing::warn!(error = %late, "stale-result cleanup skipped");
                return Ok(0);
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, "stale-result cleanup skipped");
                if let (Some(table), Some(_)) = (&table, &token) {
                    // A token Config no longer takes: start over next time.
                    let _ = table.save_cleanup_cursor(rule, None, 0).await;
                }
                return Ok(0);
            }
        };
        let kinds = self.config.job_kinds();
        let mut all: Vec<(JobKind, String)> = reported
            .into_iter()
            .filter_map(|r| Some((JobKind::from_native_type(&r.resource_type)?, r.resource_id)))
            .filter(|(kind, name)| {
                kinds.contains(kind) && !stats.seen.contains(&(*kind, name.clone()))
            })
            .collect();
        all.sort();
        let (candidates, next_cursor) = cleanup_slice(all, offset, token, next);
        if let (Some(table), false) = (&table, self.run.dry_run) {
            let (token, offset) = &next_cursor;
            if let Err(error) = table
                .save_cleanup_cursor(rule, token.as_deref(), *offset)
                .await
            {
                tracing::warn!(%error, "cleanup cursor not saved");
            }
        }
        let gone = self.missing_jobs(candidates).await;
        for (kind, name) in &gone {
            let note = format!("{} {name} no longer exists", kind.label());
            reporter
                .push(Evaluation::new(
                    kind.native_type(),
                    name,
                    Compliance::NotApplicable,
                    &note,
                    ordering,
                ))
                .await?;
        }
        Ok(gone.len())
    }

    /// The candidates whose Describe says "not found" (any other answer keeps the result).
    async fn missing_jobs(&self, candidates: Vec<(JobKind, String)>) -> Vec<(JobKind, String)> {
        let deadline = self.run.deadline;
        let client = &self.clients.sagemaker;
        stream::iter(
            candidates
                .into_iter()
                .take_while(move |_| !deadline.passed()),
        )
        .map(|(kind, name)| async move {
            let found = deadline
                .bound(crate::sagemaker::describe_job(client, kind, &name))
                .await;
            matches!(found, Ok(Err(ref e)) if e.is_not_found()).then_some((kind, name))
        })
        .buffer_unordered(self.config.describe_concurrency)
        .filter_map(|gone| async move { gone })
        .collect()
        .await
    }
}

/// Results pages (of 100) the stale-result cleanup reads per run.
pub const CLEANUP_PAGES: usize = 5;
/// Jobs the stale-result cleanup describes per run.
pub const CLEANUP_DESCRIBES: usize = 50;

/// The cleanup's candidates this run (at most [`CLEANUP_DESCRIBES`], from `offset`) and the
/// cursor of the next run: further into these results, or on to the next results page (back
/// to the first after the last), so every result is checked within a bounded number of runs.
pub fn cleanup_slice<T>(
    all: Vec<T>,
    offset: usize,
    this_token: Option<String>,
    next_token: Option<String>,
) -> (Vec<T>, (Option<String>, usize)) {
    let start = if all.is_empty() {
        0
    } else {
        offset % all.len()
    };
    let end = (start + CLEANUP_DESCRIBES).min(all.len());
    let cursor = if end >= all.len() {
        (next_token, 0)
    } else {
        (this_token, end)
    };
    let slice: Vec<T> = all.into_iter().skip(start).take(end - start).collect();
    (slice, cursor)
}

/// Without a state table: an offset that moves by [`CLEANUP_DESCRIBES`] each hour.
fn rotating_offset(ordering: DateTime) -> usize {
    let hours = usize::try_from(ordering.secs() / 3600).unwrap_or_default();
    hours.wrapping_mul(CLEANUP_DESCRIBES)
}

fn now() -> DateTime {
    DateTime::from(SystemTime::now())
}

/// The type and id of the item a header describes; an item without them is malformed.
fn resource_of(header: &ItemHeader) -> Result<(&str, &str), HandlerError> {
    let resource_type = header
        .resource_type
        .as_deref()
        .ok_or(HandlerError::Malformed("resourceType"))?;
    let resource_id = header
        .resource_id
        .as_deref()
        .ok_or(HandlerError::Malformed("resourceId"))?;
    Ok((resource_type, resource_id))
}

/// `configurationItemCaptureTime`, when present and readable.
fn capture_time(header: &ItemHeader) -> Option<DateTime> {
    header
        .configuration_item_capture_time
        .as_deref()
        .and_then(parse_time)
}

/// Why a SageMaker item cannot be judged (its `configuration` is absent, `null`, or not a
/// JSON object), or `None` when it can, or when it is not a SageMaker item at all.
fn unusable_configuration(item: &ConfigItem) -> Option<&'static str> {
    let sagemaker = item
        .header
        .resource_type
        .as_deref()
        .is_some_and(|t| t.starts_with("AWS::SageMaker::"));
    if !sagemaker {
        return None;
    }
    match item.raw.get("configuration") {
        Some(serde_json::Value::Object(_)) => None,
        None => Some("it has no configuration"),
        Some(serde_json::Value::Null) => Some("its configuration is null"),
        Some(_) => Some("its configuration is not a JSON object"),
    }
}

/// The verdict on one configuration item.
pub fn judge_item(
    engine: &Engine,
    config: &RuleConfig,
    item: &ConfigItem,
    left_scope: bool,
) -> Result<Evaluation, HandlerError> {
    let header = &item.header;
    let (resource_type, resource_id) = resource_of(header)?;
    let ordering = capture_time(header).unwrap_or_else(now);
    let not_applicable = |note: &str| {
        Evaluation::new(
            resource_type,
            resource_id,
            Compliance::NotApplicable,
            note,
            ordering,
        )
    };
    if left_scope {
        return Ok(not_applicable("the resource left the rule's scope"));
    }
    if item.is_gone() {
        let status = header
            .configuration_item_status
            .as_deref()
            .unwrap_or_default();
        return Ok(not_applicable(&format!(
            "configuration item status {status}"
        )));
    }
    if let Some(why) = unusable_configuration(item) {
        return Err(HandlerError::UnusableItem(format!(
            "{resource_type} {resource_id}: {why}"
        )));
    }
    let Some(document) = sagerules_shapes::adapt::from_config_item(&node::from_json(&item.raw))
    else {
        return Ok(not_applicable(&format!(
            "{resource_type} is not checked by sagerules"
        )));
    };
    let outcome = engine.check(&document, &config.pack_params, &config.rules);
    let (compliance, annotation) = verdict(&outcome, None);
    Ok(Evaluation::new(
        resource_type,
        resource_id,
        compliance,
        &annotation,
        ordering,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_in_epoch_ms_or_relative() {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let in_a_minute = u64::try_from(now_ms + 60_000).unwrap_or(u64::MAX);
        assert!(!Deadline::from_epoch_ms(in_a_minute).passed());
        let gone = u64::try_from(now_ms - 1_000).unwrap_or_default();
        assert!(Deadline::from_epoch_ms(gone).passed(), "already over");
        assert!(
            !Deadline::from_epoch_ms(600_000).passed(),
            "emulator: a timeout, not a time"
        );
        assert!(Deadline::after(Duration::ZERO).passed());
        assert!(!Deadline::none().passed());
        let short = Deadline::after(Duration::from_secs(4));
        assert!(!short.passed(), "a 4 s deadline keeps 0.8 s, not 5 s");
        assert!(short
            .remaining()
            .is_some_and(|r| r <= Duration::from_secs(4)));
    }

    #[test]
    fn cleanup_walks_every_result_in_bounded_steps() {
        let all: Vec<usize> = (0..120).collect();
        let (first, cursor) = cleanup_slice(all.clone(), 0, None, Some("p2".into()));
        assert_eq!(
            (first.len(), first.first(), cursor.clone()),
            (50, Some(&0), (None, 50))
        );
        let (second, cursor) = cleanup_slice(all.clone(), cursor.1, cursor.0, Some("p2".into()));
        assert_eq!((second.first(), cursor.clone()), (Some(&50), (None, 100)));
        let (third, cursor) = cleanup_slice(all, cursor.1, cursor.0, Some("p2".into()));
        assert_eq!((third.len(), cursor), (20, (Some("p2".to_string()), 0)));
        let (none, cursor) = cleanup_slice(Vec::<usize>::new(), 7, Some("t".into()), None);
        assert!(none.is_empty() && cursor == (None, 0));
    }

    #[tokio::test]
    async fn a_call_still_waiting_at_the_hard_end_is_out_of_time() {
        let deadline = Deadline::after(Duration::from_millis(50));
        let slow = tokio::time::sleep(Duration::from_secs(5));
        assert_eq!(deadline.bound(slow).await, Err(OutOfTime));
        assert_eq!(Deadline::none().bound(async { 7 }).await, Ok(7));
    }
}
