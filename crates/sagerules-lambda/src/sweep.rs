//! The scheduled sweep over the jobs AWS Config does not record: list every job created in
//! the window plus every job in progress, Describe them a few at a time, evaluate each as
//! soon as it arrives and hand its verdict to the [`Reporter`] (which sends full batches as it
//! goes), and stop starting new work before the Lambda deadline.
//!
//! Incremental with a state table: a job's configuration cannot change after it is created,
//! and Config keeps each job's last evaluation, so once a sweep has judged every job of a kind
//! created before time T (its watermark), later sweeps list only the jobs created since
//! T minus [`WATERMARK_OVERLAP_SECS`]. A re-run triggered by events then costs the new jobs,
//! not the window.

use crate::engine::{Engine, Outcome};
use crate::evaluation::{verdict, Compliance, Evaluation};
use crate::handler::Deadline;
use crate::jobs::JobKind;
use crate::params::{JobResourceType, RuleConfig, GENERIC_TAG_RULE};
use crate::reporter::{ReportError, Reporter};
use crate::sagemaker::{self, ApiFailure, JobRef, Listing};
use aws_sdk_sagemaker::primitives::DateTime;
use futures_util::stream::{self, StreamExt};
use sagerules_data::Node;
use serde::Serialize;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// What a sweep needs besides the clients.
pub struct SweepPlan<'a> {
    pub engine: &'a Engine,
    pub config: &'a RuleConfig,
    /// `notificationCreationTime` of the event.
    pub ordering: DateTime,
    /// The account reported against in `AWS::::Account` mode.
    pub account_id: &'a str,
    /// Jobs created after this are listed (plus every job in progress).
    pub window_start: DateTime,
    /// Per kind, the watermark of an earlier complete sweep (epoch seconds): only jobs
    /// created after it (less the overlap) are listed, and none "in progress" besides.
    pub watermarks: Vec<(JobKind, i64)>,
    pub deadline: Deadline,
}

/// Counts and timings of one sweep, for the invocation log line and the benchmark.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SweepStats {
    pub listed: usize,
    pub described: usize,
    pub describe_failed: usize,
    /// Jobs not started because the deadline was near.
    pub skipped_for_deadline: usize,
    pub list_ms: u128,
    pub describe_ms: u128,
    /// Time spent in the rule engine, summed over jobs.
    pub evaluate_us: u128,
    /// Kinds listed from a watermark rather than the whole window.
    pub incremental_kinds: usize,
    /// Jobs seen, for stale-result cleanup: (kind, name).
    #[serde(skip)]
    pub seen: HashSet<(JobKind, String)>,
    /// Kinds with a job that got no verdict (describe failed, or the deadline came first):
    /// their watermark must not move.
    #[serde(skip)]
    pub incomplete: HashSet<JobKind>,
}

/// Jobs created this long before a watermark are listed again, so a job whose listing lagged
/// its creation (List* is eventually consistent) is not missed.
pub const WATERMARK_OVERLAP_SECS: i64 = 900;

/// What to list for one kind: jobs created after `after`, and in-progress jobs unless the
/// kind is swept incrementally (those were judged when they were created).
#[derive(Clone, Copy, Debug)]
pub struct KindListing {
    pub kind: JobKind,
    pub after: DateTime,
    pub in_progress: bool,
}

impl SweepPlan<'_> {
    /// The listing of each selected kind: from its watermark when there is one, else the window.
    pub fn listings(&self) -> Vec<KindListing> {
        self.config
            .job_kinds()
            .into_iter()
            .map(|kind| {
                let mark = self.watermarks.iter().find(|(k, _)| *k == kind);
                match mark {
                    Some((_, at)) => {
                        let from = at.saturating_sub(WATERMARK_OVERLAP_SECS);
                        let after = DateTime::from_secs(from.max(self.window_start.secs()));
                        KindListing {
                            kind,
                            after,
                            in_progress: false,
                        }
                    }
                    None => KindListing {
                        kind,
                        after: self.window_start,
                        in_progress: true,
                    },
                }
            })
            .collect()
    }
}

/// The jobs of each listing, each once.
pub async fn list_window(
    client: &aws_sdk_sagemaker::Client,
    listings: &[KindListing],
) -> Result<Vec<JobRef>, ApiFailure> {
    let mut seen = HashSet::new();
    let mut jobs = Vec::new();
    for listing in listings {
        let kind = &listing.kind;
        let created = Some(Listing::CreatedAfter(listing.after));
        let running = listing.in_progress.then_some(Listing::InProgress);
        for listing in created.into_iter().chain(running) {
            let listed = sagemaker::list_jobs(client, *kind, listing).await?;
            jobs.extend(
                listed
                    .into_iter()
                    .filter(|j| seen.insert((j.kind, j.name.clone()))),
            );
        }
    }
    Ok(jobs)
}

/// A described job, or why it could not be.
struct Described {
    job: JobRef,
    response: Result<(Node, Option<Node>), ApiFailure>,
}

async fn describe(client: aws_sdk_sagemaker::Client, job: JobRef, with_tags: bool) -> Described {
    let response = async {
        let node = sagemaker::describe_job(&client, job.kind, &job.name).await?;
        let tags = match (with_tags, job.arn.as_deref()) {
            (true, Some(arn)) => Some(sagemaker::list_tags(&client, arn).await?),
            _ => None,
        };
        Ok((node, tags))
    }
    .await;
    Described { job, response }
}

/// Sweeps, evaluates and reports every job of the selected kinds.
pub async fn sweep(
    plan: &SweepPlan<'_>,
    client: &aws_sdk_sagemaker::Client,
    reporter: &mut Reporter,
) -> Result<SweepStats, SweepError> {
    let mut stats = SweepStats::default();
    let started = Instant::now();
    let listings = plan.listings();
    stats.incremental_kinds = listings.iter().filter(|l| !l.in_progress).count();
    let jobs = list_window(client, &listings)
        .await
        .map_err(SweepError::List)?;
    let listed_jobs: Vec<(JobKind, String)> =
        jobs.iter().map(|j| (j.kind, j.name.clone())).collect();
    stats.list_ms = started.elapsed().as_millis();
    stats.listed = jobs.len();
    let mut tally = AccountTally::default();
    let deadline = plan.deadline;
    let total = jobs.len();
    let described = stream::iter(jobs.into_iter().take_while(move |_| !deadline.passed()))
        .map(|job| {
            let with_tags = plan.config.needs_tags(job.kind);
            describe(client.clone(), job, with_tags)
        })
        .buffer_unordered(plan.config.describe_concurrency);
    futures_util::pin_mut!(described);
    let started = Instant::now();
    let mut handled = 0;
    while let Some(item) = described.next().await {
        handled += 1;
        stats.seen.insert((item.job.kind, item.job.name.clone()));
        let (node, tags) = match item.response {
            Ok(found) => found,
            Err(failure) => {
                stats.describe_failed += 1;
                stats.incomplete.insert(item.job.kind);
                tracing::warn!(job = %item.job.name, kind = item.job.kind.label(), error = %failure, "describe failed; no verdict for this job");
                continue;
            }
        };
        stats.described += 1;
        let (outcome, took) = evaluate_job(plan, &item.job, node, tags);
        stats.evaluate_us += took.as_micros();
        match plan.config.job_resource_type {
            JobResourceType::Native => {
                reporter
                    .push(native_evaluation(plan, &item.job, &outcome))
                    .await?
            }
            JobResourceType::Account => tally.add(&item.job, &outcome),
        }
    }
    stats.describe_ms = started.elapsed().as_millis();
    stats.skipped_for_deadline = total - handled;
    let skipped = listed_jobs
        .iter()
        .filter(|(kind, name)| !stats.seen.contains(&(*kind, name.clone())))
        .map(|(kind, _)| *kind);
    stats.incomplete.extend(skipped);
    if plan.config.job_resource_type == JobResourceType::Account {
        if let Some(evaluation) =
            tally.evaluation(plan, stats.describe_failed + stats.skipped_for_deadline)
        {
            reporter.push(evaluation).await?;
        }
    }
    Ok(stats)
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("listing jobs failed: {0}")]
    List(ApiFailure),
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// The selected rules that concern jobs of `kind`.
fn rules_for(config: &RuleConfig, kind: JobKind) -> Vec<String> {
    let wanted = |r: &String| r.starts_with(kind.rule_prefix()) || r == GENERIC_TAG_RULE;
    config.rules.iter().filter(|r| wanted(r)).cloned().collect()
}

fn evaluate_job(
    plan: &SweepPlan<'_>,
    job: &JobRef,
    response: Node,
    tags: Option<Node>,
) -> (Outcome, Duration) {
    let started = Instant::now();
    let document =
        sagerules_pack::adapt::from_describe(job.kind.api_kind(), &job.name, response, tags);
    let outcome = plan.engine.check(
        &document,
        &plan.config.pack_params,
        &rules_for(plan.config, job.kind),
    );
    (outcome, started.elapsed())
}

fn native_evaluation(plan: &SweepPlan<'_>, job: &JobRef, outcome: &Outcome) -> Evaluation {
    let (compliance, annotation) = verdict(outcome, None);
    Evaluation::new(
        job.kind.native_type(),
        &job.name,
        compliance,
        &annotation,
        plan.ordering,
    )
}

/// Job verdicts folded into one `AWS::::Account` evaluation: Config keeps one result per
/// resource, so per-job evaluations against the account would overwrite each other.
#[derive(Default)]
struct AccountTally {
    judged: usize,
    /// (job name, its annotation) of every non-compliant job.
    failing: Vec<(String, String)>,
}

impl AccountTally {
    fn add(&mut self, job: &JobRef, outcome: &Outcome) {
        let subject = format!("{} {}", job.kind.label(), job.name);
        let (compliance, annotation) = verdict(outcome, Some(&subject));
        match compliance {
            Compliance::NonCompliant => {
                self.judged += 1;
                self.failing.push((job.name.clone(), annotation));
            }
            Compliance::Compliant => self.judged += 1,
            Compliance::NotApplicable => {}
        }
    }

    /// `2 of 3 jobs non-compliant: job-a, job-b; training job job-a: RULE failed: reason`.
    /// `None` when some job could not be judged and none failed: a job that could not be
    /// described must not make the account look compliant.
    fn evaluation(&self, plan: &SweepPlan<'_>, unjudged: usize) -> Option<Evaluation> {
        let mut failing: Vec<&(String, String)> = self.failing.iter().collect();
        failing.sort();
        let (compliance, text) = match (failing.first(), self.judged, unjudged) {
            (Some((_, first)), _, _) => {
                let names: Vec<&str> = failing.iter().map(|(name, _)| name.as_str()).collect();
                let head = format!(
                    "{} of {} jobs non-compliant: {}",
                    failing.len(),
                    self.judged,
                    names.join(", ")
                );
                (Compliance::NonCompliant, format!("{head}; {first}"))
            }
            (None, 0, 0) => (
                Compliance::NotApplicable,
                "no SageMaker job in the window".to_string(),
            ),
            (None, _, 1..) => return None,
            (None, judged, 0) => (
                Compliance::Compliant,
                format!("{judged} jobs checked, all compliant"),
            ),
        };
        Some(Evaluation::new(
            "AWS::::Account",
            plan.account_id,
            compliance,
            &text,
            plan.ordering,
        ))
    }
}
