//! The scheduled sweep over the jobs AWS Config does not record, evaluated as each Describe
//! arrives and handed to the [`Reporter`] (which sends full batches as it goes); no new work
//! starts within the deadline's margin, and every call is bounded by its hard end.
//!
//! **Stateless** (no state table, or account mode): list every job created in the window plus
//! every job in progress, Describe them a few at a time.
//!
//! **Resumable** (state table, per job kind): a job's configuration cannot change after it is
//! created, and Config keeps each job's last evaluation, so a kind's progress is one time,
//! `at`: every job created before it has a verdict. A run first judges the jobs created since
//! the previous run started (`last_start`: new jobs first) when a backlog remains, then walks
//! the backlog from `at` oldest first, page by page, and stores how far it got: the creation
//! time of the first job it could not judge, or, when it reached the end, its own start less
//! [`OVERLAP_MS`], so the jobs of the last 15 minutes are listed once more (List* is
//! eventually consistent). A job that got a verdict is not described again once `at` passed
//! it; a new job is judged by the next run; the backlog shrinks by what a run can describe,
//! every run.

use crate::engine::{Engine, Outcome};
use crate::evaluation::{verdict, Compliance, Evaluation};
use crate::handler::Deadline;
use crate::jobs::JobKind;
use crate::params::{JobResourceType, RuleConfig};
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
    /// Per kind swept resumably, what earlier runs left; kinds not here are swept statelessly.
    pub progress: Vec<(JobKind, Progress)>,
    /// This run's start, epoch milliseconds.
    pub run_start: i64,
    pub deadline: Deadline,
}

/// A kind's progress in the state table (epoch milliseconds).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Every job created before this has a verdict (`None`: nothing judged yet).
    pub at: Option<i64>,
    /// When the previous run started.
    pub last_start: Option<i64>,
    /// Jobs created at or after `at` that already have a verdict (name, creation time), so a
    /// job that failed does not make the next run describe the ones after it again.
    pub done: Vec<(String, i64)>,
}

/// The most judged-beyond-`at` jobs kept per kind (a DynamoDB item holds 400 KB).
pub const MAX_DONE: usize = 2000;

/// When a walk reaches the end, the jobs created in this last stretch before the run started
/// are listed again next time, so a job whose listing lagged its creation is not missed.
pub const OVERLAP_MS: i64 = 900_000;

/// Counts and timings of one sweep, for the invocation log line and the benchmark.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SweepStats {
    pub listed: usize,
    pub described: usize,
    pub describe_failed: usize,
    /// Jobs listed but not started because the deadline was near.
    pub skipped_for_deadline: usize,
    /// A listing was cut short by the deadline.
    pub listing_cut: bool,
    pub list_ms: u128,
    pub describe_ms: u128,
    /// Time spent in the rule engine, summed over jobs.
    pub evaluate_us: u128,
    /// Kinds swept resumably.
    pub incremental_kinds: usize,
    /// Listings that failed (after the SDK's retries): the run reports what it judged, then
    /// ends as an error.
    pub list_errors: Vec<String>,
    /// Jobs seen, for stale-result cleanup: (kind, name).
    #[serde(skip)]
    pub seen: HashSet<(JobKind, String)>,
    /// Per kind swept resumably, the progress to store.
    #[serde(skip)]
    pub advanced: Vec<(JobKind, Progress)>,
}

impl SweepPlan<'_> {
    fn progress_of(&self, kind: JobKind) -> Option<&Progress> {
        self.progress
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, p)| p)
    }

    /// The listing of jobs created at `time` (epoch ms) or later, never before the window.
    fn from(&self, time: i64) -> Listing {
        let window = self.window_start.to_millis().unwrap_or_default();
        Listing::CreatedAfter(DateTime::from_millis(time.saturating_sub(1).max(window)))
    }
}

/// A described job, or why it could not be.
struct Described {
    job: JobRef,
    response: Result<(Node, Option<Node>), ApiFailure>,
}

async fn describe(
    client: aws_sdk_sagemaker::Client,
    job: JobRef,
    with_tags: bool,
    deadline: Deadline,
) -> Described {
    let response = deadline
        .bound(async {
            let node = sagemaker::describe_job(&client, job.kind, &job.name).await?;
            let tags = match (with_tags, job.arn.as_deref()) {
                (true, Some(arn)) => Some(sagemaker::list_tags(&client, arn).await?),
                _ => None,
            };
            Ok((node, tags))
        })
        .await
        .unwrap_or_else(|late| Err(sagemaker::out_of_time(late)));
    Described { job, response }
}

/// One sweep in progress: the verdicts so far and where they go.
struct Sweeper<'p, 'a> {
    plan: &'p SweepPlan<'a>,
    client: &'p aws_sdk_sagemaker::Client,
    stats: SweepStats,
    tally: AccountTally,
}

impl Sweeper<'_, '_> {
    /// Describes `jobs`, a few at a time, until the deadline; returns each job with whether it
    /// got a verdict, in the order results came (the backlog walk reads its progress from the
    /// page's order, so a slow call never holds the others back).
    async fn judge(
        &mut self,
        jobs: Vec<JobRef>,
        reporter: &mut Reporter,
    ) -> Result<Vec<(JobRef, bool)>, SweepError> {
        let deadline = self.plan.deadline;
        let total = jobs.len();
        let (plan, client) = (self.plan, self.client.clone());
        let work = stream::iter(jobs.into_iter().take_while(move |_| !deadline.passed())).map(
            move |job| {
                let with_tags = plan.config.needs_tags(job.kind);
                describe(client.clone(), job, with_tags, deadline)
            },
        );
        let mut results = work
            .buffer_unordered(plan.config.describe_concurrency)
            .boxed();
        let started = Instant::now();
        let mut done = Vec::new();
        while let Some(item) = results.next().await {
            let judged = self.record(&item, reporter).await?;
            done.push((item.job, judged));
        }
        self.stats.describe_ms += started.elapsed().as_millis();
        self.stats.skipped_for_deadline += total - done.len();
        Ok(done)
    }

    /// Evaluates and reports one described job; `false` when it got no verdict.
    async fn record(
        &mut self,
        item: &Described,
        reporter: &mut Reporter,
    ) -> Result<bool, SweepError> {
        self.stats
            .seen
            .insert((item.job.kind, item.job.name.clone()));
        let (node, tags) = match &item.response {
            Ok(found) => found.clone(),
            Err(failure) => {
                self.stats.describe_failed += 1;
                tracing::warn!(job = %item.job.name, kind = item.job.kind.label(), error = %failure, "describe failed; no verdict for this job");
                return Ok(false);
            }
        };
        self.stats.described += 1;
        let (outcome, took) = evaluate_job(self.plan, &item.job, node, tags);
        self.stats.evaluate_us += took.as_micros();
        match self.plan.config.job_resource_type {
            JobResourceType::Native => {
                reporter
                    .push(native_evaluation(self.plan, &item.job, &outcome))
                    .await?
            }
            JobResourceType::Account => self.tally.add(&item.job, &outcome),
        }
        Ok(true)
    }

    /// Lists `listing` of `kind` to the end or the deadline.
    /// Lists `listing` of `kind` to the end, the deadline or a failed call (logged and
    /// kept in the stats); the jobs found, and whether the listing was complete.
    async fn list(&mut self, kind: JobKind, listing: Listing) -> (Vec<JobRef>, bool) {
        let started = Instant::now();
        let listed = sagemaker::list_jobs(self.client, kind, listing, &self.plan.deadline).await;
        self.stats.list_ms += started.elapsed().as_millis();
        self.stats.listed += listed.jobs.len();
        self.stats.listing_cut |= !listed.complete;
        if let Some(failure) = listed.error {
            self.list_failed(kind, failure);
        }
        (listed.jobs, listed.complete)
    }

    fn list_failed(&mut self, kind: JobKind, failure: ApiFailure) {
        tracing::warn!(kind = kind.label(), error = %failure, "listing jobs failed; the jobs found so far are judged, the rest wait for the next run");
        self.stats
            .list_errors
            .push(format!("{}: {failure}", kind.label()));
    }

    /// The resumable walk of `kind`'s backlog from `progress.at`, oldest first, page by page,
    /// skipping `judged_before`, until the end or the deadline: where the progress may move
    /// (the first job without a verdict, else as far as the walk got) and the jobs judged.
    async fn backlog(
        &mut self,
        kind: JobKind,
        progress: &Progress,
        judged_before: &HashSet<String>,
        reporter: &mut Reporter,
    ) -> Result<Walked, SweepError> {
        let window = self.plan.window_start.to_millis().unwrap_or_default();
        let mut walked = Walked {
            reached: progress.at.unwrap_or(window).max(window),
            ..Walked::default()
        };
        let start = walked.reached;
        let listing = self.plan.from(start);
        let mut token = None;
        loop {
            if self.plan.deadline.passed() {
                self.stats.listing_cut = true;
                return Ok(walked);
            }
            let started = Instant::now();
            let page = match self
                .plan
                .deadline
                .bound(sagemaker::list_page(self.client, kind, listing, token))
                .await
            {
                Ok(Ok(page)) => page,
                Ok(Err(failure)) => {
                    self.list_failed(kind, failure);
                    return Ok(walked);
                }
                Err(_late) => {
                    self.stats.listing_cut = true;
                    return Ok(walked);
                }
            };
            self.stats.list_ms += started.elapsed().as_millis();
            self.stats.listed += page.jobs.len();
            let fresh: Vec<JobRef> = page
                .jobs
                .iter()
                .filter(|j| !judged_before.contains(&j.name))
                .cloned()
                .collect();
            let done = self.judge(fresh, reporter).await?;
            let judged: HashSet<&str> = done
                .iter()
                .filter(|(_, ok)| *ok)
                .map(|(j, _)| j.name.as_str())
                .collect();
            walked.judged.extend(
                done.iter()
                    .filter(|(_, ok)| *ok)
                    .filter_map(|(j, _)| Some((j.name.clone(), j.created?))),
            );
            // Oldest first: the first job of the page without a verdict bounds the progress;
            // the walk goes on, and what it judges beyond is remembered.
            let missing = page
                .jobs
                .iter()
                .find(|j| !judged_before.contains(&j.name) && !judged.contains(j.name.as_str()));
            if let (Some(missing), None) = (missing, walked.missing) {
                walked.missing = Some(missing.created.unwrap_or(walked.reached));
            }
            if let Some(created) = page.jobs.iter().filter_map(|j| j.created).max() {
                walked.reached = walked.reached.max(created);
            }
            if self.plan.deadline.passed() && missing.is_some() {
                return Ok(walked);
            }
            match page.next {
                Some(next) => token = Some(next),
                None => {
                    // The end of the listing: every job older than the run's start less the
                    // overlap has a verdict. Not the newest job listed: a job created just
                    // before it may not be listed yet, so the last 15 minutes are listed again.
                    let end = self.plan.run_start.saturating_sub(OVERLAP_MS);
                    walked.reached = end.max(start);
                    return Ok(walked);
                }
            }
        }
    }
}

/// Where a backlog walk got.
#[derive(Debug, Default)]
struct Walked {
    /// Every job listed before this was judged or skipped as judged.
    reached: i64,
    /// The creation time of the first job without a verdict, if any.
    missing: Option<i64>,
    /// The jobs judged (name, creation time).
    judged: Vec<(String, i64)>,
}

impl Walked {
    /// The progress the walk allows: up to its first job without a verdict.
    fn at(&self) -> i64 {
        self.missing.map_or(self.reached, |m| m.min(self.reached))
    }
}

/// Sweeps, evaluates and reports the jobs of the selected kinds.
pub async fn sweep(
    plan: &SweepPlan<'_>,
    client: &aws_sdk_sagemaker::Client,
    reporter: &mut Reporter,
) -> Result<SweepStats, SweepError> {
    let mut sweeper = Sweeper {
        plan,
        client,
        stats: SweepStats::default(),
        tally: AccountTally::default(),
    };
    let kinds = plan.config.job_kinds();
    // First: every stateless kind's window and in-progress jobs, and every resumable kind's
    // jobs created since the previous run (new jobs are judged before the backlog).
    let mut first = Vec::new();
    let mut seen = HashSet::new();
    // Per resumable kind whose new jobs could not all be listed: where that listing began,
    // which its progress must not pass.
    let mut head_cut: Vec<(JobKind, i64)> = Vec::new();
    for kind in &kinds {
        let listings = match plan.progress_of(*kind) {
            None => vec![
                Listing::CreatedAfter(plan.window_start),
                Listing::InProgress,
            ],
            Some(Progress {
                at: Some(at),
                last_start: Some(last),
                ..
            }) if last.saturating_sub(OVERLAP_MS) > *at => vec![plan.from(last - OVERLAP_MS)],
            Some(_) => Vec::new(),
        };
        for listing in listings {
            let (jobs, complete) = sweeper.list(*kind, listing).await;
            if let (false, Listing::CreatedAfter(after), Some(_)) =
                (complete, listing, plan.progress_of(*kind))
            {
                head_cut.push((*kind, after.to_millis().unwrap_or_default()));
            }
            first.extend(
                jobs.into_iter()
                    .filter(|j| seen.insert((j.kind, j.name.clone()))),
            );
        }
    }
    let first_jobs = first.clone();
    let head = sweeper.judge(first, reporter).await?;
    let judged_first: HashSet<(JobKind, String)> = head
        .iter()
        .filter(|(_, ok)| *ok)
        .map(|(j, _)| (j.kind, j.name.clone()))
        .collect();
    // Then each resumable kind's backlog, oldest first.
    for kind in &kinds {
        let Some(progress) = plan.progress_of(*kind) else {
            continue;
        };
        sweeper.stats.incremental_kinds += 1;
        let new_judged: HashSet<String> = judged_first
            .iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, name)| name.clone())
            .collect();
        let mut skip = new_judged.clone();
        skip.extend(progress.done.iter().map(|(name, _)| name.clone()));
        let walked = sweeper.backlog(*kind, progress, &skip, reporter).await?;
        // A new job of this kind left without a verdict holds the progress back to its
        // creation, so the backlog walk reaches it later.
        let held = first_jobs
            .iter()
            .filter(|j| j.kind == *kind && !new_judged.contains(&j.name))
            .map(|j| j.created.unwrap_or(plan.run_start))
            .min();
        let cut = head_cut.iter().find(|(k, _)| k == kind).map(|(_, t)| *t);
        let at = [Some(walked.at()), held, cut]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or_else(|| walked.at());
        let new_done = first_jobs
            .iter()
            .filter(|j| j.kind == *kind && new_judged.contains(&j.name))
            .filter_map(|j| Some((j.name.clone(), j.created?)));
        let done = remembered(
            progress
                .done
                .iter()
                .cloned()
                .chain(walked.judged)
                .chain(new_done),
            at,
        );
        sweeper.stats.advanced.push((
            *kind,
            Progress {
                at: Some(at),
                last_start: Some(plan.run_start),
                done,
            },
        ));
    }
    let mut stats = sweeper.stats;
    if plan.config.job_resource_type == JobResourceType::Account {
        if let Some(evaluation) = sweeper
            .tally
            .evaluation(plan, stats.describe_failed + stats.skipped_for_deadline)
        {
            reporter.push(evaluation).await?;
        }
    }
    stats.seen.shrink_to_fit();
    Ok(stats)
}

/// The judged jobs still ahead of `at`, each once, oldest first, at most [`MAX_DONE`] (the
/// newest dropped: they are described again, never skipped unjudged).
fn remembered(jobs: impl Iterator<Item = (String, i64)>, at: i64) -> Vec<(String, i64)> {
    let mut seen = HashSet::new();
    let mut kept: Vec<(String, i64)> = jobs
        .filter(|(_, created)| *created >= at)
        .filter(|(name, _)| seen.insert(name.clone()))
        .collect();
    kept.sort_by_key(|(_, created)| *created);
    kept.truncate(MAX_DONE);
    kept
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A listing failed; the verdicts of the jobs found were sent.
    #[error("listing jobs failed ({0}); the jobs found were judged and reported, the rest wait for the next run")]
    Incomplete(String),
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// The selected rules that concern jobs of `kind`.
fn rules_for(config: &RuleConfig, kind: JobKind) -> Vec<String> {
    let wanted = |r: &String| kind.judged_by(r);
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
        sagerules_shapes::adapt::from_describe(job.kind.api_kind(), &job.name, response, tags);
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
