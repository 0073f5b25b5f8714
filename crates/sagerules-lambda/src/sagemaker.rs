//! SageMaker API calls of the sweep: List* with pagination (100 per page), Describe* and
//! ListTags, each job kind behind one function so the sweep itself is kind-agnostic.

use crate::describe;
use crate::jobs::JobKind;
use aws_sdk_sagemaker::error::ProvideErrorMetadata;
use aws_sdk_sagemaker::primitives::DateTime;
use aws_sdk_sagemaker::types as sm;
use aws_sdk_sagemaker::Client;
use sagerules_data::Node;
use sagerules_shapes::adapt::ApiKind;

/// A job found by a List* call.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct JobRef {
    pub kind: JobKind,
    pub name: String,
    pub arn: Option<String>,
    /// Its creation time, epoch milliseconds (the resumable sweep's order).
    pub created: Option<i64>,
}

impl JobRef {
    fn new(
        kind: JobKind,
        name: Option<&str>,
        arn: Option<&str>,
        created: Option<&DateTime>,
    ) -> Option<JobRef> {
        let name = name.filter(|n| !n.is_empty())?.to_string();
        Some(JobRef {
            kind,
            name,
            arn: arn.map(str::to_string),
            created: created.and_then(|c| c.to_millis().ok()),
        })
    }
}

/// Which jobs a List* call asks for.
#[derive(Clone, Copy, Debug)]
pub enum Listing {
    /// Created after this time, oldest first.
    CreatedAfter(DateTime),
    InProgress,
}

/// One page of a List* call and the token of the next, if any.
#[derive(Clone, Debug, Default)]
pub struct Page {
    pub jobs: Vec<JobRef>,
    pub next: Option<String>,
}

/// A failed SageMaker call: the service's error code (when there is one) and the full text.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ApiFailure {
    pub code: Option<String>,
    pub message: String,
}

impl ApiFailure {
    /// The job does not exist (any more). SageMaker answers a Describe of an unknown job with
    /// `ValidationException` ("Could not find …", "… not found") or `ResourceNotFound`.
    pub fn is_not_found(&self) -> bool {
        let text = self.message.to_ascii_lowercase();
        self.code.as_deref() == Some("ResourceNotFound")
            || (self.code.as_deref() == Some("ValidationException")
                && (text.contains("could not find") || text.contains("not found")))
    }
}

fn failure<E, R>(error: aws_sdk_sagemaker::error::SdkError<E, R>) -> ApiFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let code = error.code().map(str::to_string);
    let detail = error.message().map(str::to_string);
    let text = crate::error_text::error_text(&error);
    ApiFailure {
        code,
        message: detail.unwrap_or(text),
    }
}

/// One page (up to 100 jobs) of a List* call, oldest first when listing by creation time.
macro_rules! list_page {
    ($request:expr, $kind:expr, $token:expr, $summaries:ident, $name:ident, $arn:ident) => {{
        let page = $request
            .max_results(100)
            .set_next_token($token)
            .send()
            .await
            .map_err(failure)?;
        let jobs = page
            .$summaries()
            .iter()
            .filter_map(|s| JobRef::new($kind, s.$name(), s.$arn(), s.creation_time()))
            .collect();
        Ok(Page {
            jobs,
            next: page.next_token().map(str::to_string),
        })
    }};
}

/// One page of the jobs of `kind` that match `listing`; `token` continues a listing.
pub async fn list_page(
    client: &Client,
    kind: JobKind,
    listing: Listing,
    token: Option<String>,
) -> Result<Page, ApiFailure> {
    let (after, in_progress) = match listing {
        Listing::CreatedAfter(time) => (Some(time), false),
        Listing::InProgress => (None, true),
    };
    let ascending = after.map(|_| sm::SortOrder::Ascending);
    match kind {
        JobKind::Training => {
            let status = in_progress.then_some(sm::TrainingJobStatus::InProgress);
            let request = client
                .list_training_jobs()
                .set_creation_time_after(after)
                .set_status_equals(status)
                .set_sort_by(after.map(|_| sm::SortBy::CreationTime))
                .set_sort_order(ascending);
            list_page!(
                request,
                kind,
                token,
                training_job_summaries,
                training_job_name,
                training_job_arn
            )
        }
        JobKind::Tuning => {
            let status = in_progress.then_some(sm::HyperParameterTuningJobStatus::InProgress);
            let request = client
                .list_hyper_parameter_tuning_jobs()
                .set_creation_time_after(after)
                .set_status_equals(status)
                .set_sort_by(after.map(|_| sm::HyperParameterTuningJobSortByOptions::CreationTime))
                .set_sort_order(ascending);
            list_page!(
                request,
                kind,
                token,
                hyper_parameter_tuning_job_summaries,
                hyper_parameter_tuning_job_name,
                hyper_parameter_tuning_job_arn
            )
        }
        JobKind::Processing => {
            let status = in_progress.then_some(sm::ProcessingJobStatus::InProgress);
            let request = client
                .list_processing_jobs()
                .set_creation_time_after(after)
                .set_status_equals(status)
                .set_sort_by(after.map(|_| sm::SortBy::CreationTime))
                .set_sort_order(ascending);
            list_page!(
                request,
                kind,
                token,
                processing_job_summaries,
                processing_job_name,
                processing_job_arn
            )
        }
        JobKind::Transform => {
            let status = in_progress.then_some(sm::TransformJobStatus::InProgress);
            let request = client
                .list_transform_jobs()
                .set_creation_time_after(after)
                .set_status_equals(status)
                .set_sort_by(after.map(|_| sm::SortBy::CreationTime))
                .set_sort_order(ascending);
            list_page!(
                request,
                kind,
                token,
                transform_job_summaries,
                transform_job_name,
                transform_job_arn
            )
        }
    }
}

/// What a listing found before it ended.
#[derive(Clone, Debug, Default)]
pub struct Listed {
    pub jobs: Vec<JobRef>,
    /// The last page was read.
    pub complete: bool,
    /// Why it stopped early, if a call failed (the deadline is not a failure).
    pub error: Option<ApiFailure>,
}

/// Every job of `kind` that matches `listing`, page after page until the last, the deadline,
/// or a failed call; the jobs of the pages read are kept either way.
pub async fn list_jobs(
    client: &Client,
    kind: JobKind,
    listing: Listing,
    deadline: &crate::handler::Deadline,
) -> Listed {
    let mut listed = Listed::default();
    let mut token = None;
    loop {
        if deadline.passed() {
            return listed;
        }
        let page = match deadline
            .bound(list_page(client, kind, listing, token))
            .await
        {
            Ok(Ok(page)) => page,
            Ok(Err(failure)) => {
                listed.error = Some(failure);
                return listed;
            }
            Err(_late) => return listed,
        };
        listed.jobs.extend(page.jobs);
        match page.next {
            Some(next) => token = Some(next),
            None => {
                listed.complete = true;
                return listed;
            }
        }
    }
}

/// A call cut by the invocation's deadline, as a failure.
pub fn out_of_time(error: crate::handler::OutOfTime) -> ApiFailure {
    ApiFailure {
        code: Some("DeadlineReached".into()),
        message: error.to_string(),
    }
}

/// The job's Describe* response in API field names.
pub async fn describe_job(client: &Client, kind: JobKind, name: &str) -> Result<Node, ApiFailure> {
    Ok(match kind {
        JobKind::Training => describe::training_job(
            &client
                .describe_training_job()
                .training_job_name(name)
                .send()
                .await
                .map_err(failure)?,
        ),
        JobKind::Tuning => describe::tuning_job(
            &client
                .describe_hyper_parameter_tuning_job()
                .hyper_parameter_tuning_job_name(name)
                .send()
                .await
                .map_err(failure)?,
        ),
        JobKind::Processing => describe::processing_job(
            &client
                .describe_processing_job()
                .processing_job_name(name)
                .send()
                .await
                .map_err(failure)?,
        ),
        JobKind::Transform => describe::transform_job(
            &client
                .describe_transform_job()
                .transform_job_name(name)
                .send()
                .await
                .map_err(failure)?,
        ),
    })
}

/// The `Describe*` response of a resource a response can act on (the four job kinds and
/// notebook instances); `None` for kinds that are judged from their CloudTrail request only.
pub async fn describe(
    client: &Client,
    kind: ApiKind,
    name: &str,
) -> Option<Result<Node, ApiFailure>> {
    if kind == ApiKind::NotebookInstance {
        let out = client
            .describe_notebook_instance()
            .notebook_instance_name(name)
            .send()
            .await;
        return Some(
            out.map(|o| describe::notebook_instance(&o))
                .map_err(failure),
        );
    }
    let job = JobKind::ALL.into_iter().find(|k| k.api_kind() == kind)?;
    Some(describe_job(client, job, name).await)
}

/// `StopTrainingJob`, `StopHyperParameterTuningJob`, `StopProcessingJob`,
/// `StopTransformJob` or `StopNotebookInstance`; `None` for a kind that cannot be stopped.
pub async fn stop(client: &Client, kind: ApiKind, name: &str) -> Option<Result<(), ApiFailure>> {
    let done = |r: Result<(), ApiFailure>| Some(r);
    match kind {
        ApiKind::TrainingJob => done(
            client
                .stop_training_job()
                .training_job_name(name)
                .send()
                .await
                .map(|_| ())
                .map_err(failure),
        ),
        ApiKind::HyperParameterTuningJob => done(
            client
                .stop_hyper_parameter_tuning_job()
                .hyper_parameter_tuning_job_name(name)
                .send()
                .await
                .map(|_| ())
                .map_err(failure),
        ),
        ApiKind::ProcessingJob => done(
            client
                .stop_processing_job()
                .processing_job_name(name)
                .send()
                .await
                .map(|_| ())
                .map_err(failure),
        ),
        ApiKind::TransformJob => done(
            client
                .stop_transform_job()
                .transform_job_name(name)
                .send()
                .await
                .map(|_| ())
                .map_err(failure),
        ),
        ApiKind::NotebookInstance => done(
            client
                .stop_notebook_instance()
                .notebook_instance_name(name)
                .send()
                .await
                .map(|_| ())
                .map_err(failure),
        ),
        ApiKind::EndpointConfig | ApiKind::Model | ApiKind::Domain => None,
    }
}

/// Every tag of the resource, as `[{"Key": …, "Value": …}]`.
pub async fn list_tags(client: &Client, arn: &str) -> Result<Node, ApiFailure> {
    let mut pages = client
        .list_tags()
        .resource_arn(arn)
        .max_results(100)
        .into_paginator()
        .send();
    let mut tags = Vec::new();
    while let Some(page) = pages.next().await {
        tags.extend(page.map_err(failure)?.tags().iter().cloned());
    }
    Ok(describe::tags(&tags))
}
