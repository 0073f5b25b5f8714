//! SageMaker API calls of the sweep: List* with pagination (100 per page), Describe* and
//! ListTags, each job kind behind one function so the sweep itself is kind-agnostic.

use crate::describe;
use crate::jobs::JobKind;
use aws_sdk_sagemaker::error::ProvideErrorMetadata;
use aws_sdk_sagemaker::primitives::DateTime;
use aws_sdk_sagemaker::types as sm;
use aws_sdk_sagemaker::Client;
use sagerules_data::Node;
use sagerules_pack::adapt::ApiKind;

/// A job found by a List* call.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct JobRef {
    pub kind: JobKind,
    pub name: String,
    pub arn: Option<String>,
}

impl JobRef {
    fn new(kind: JobKind, name: Option<&str>, arn: Option<&str>) -> Option<JobRef> {
        let name = name.filter(|n| !n.is_empty())?.to_string();
        Some(JobRef {
            kind,
            name,
            arn: arn.map(str::to_string),
        })
    }
}

/// Which jobs a List* call asks for.
#[derive(Clone, Copy, Debug)]
pub enum Listing {
    CreatedAfter(DateTime),
    InProgress,
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

/// Pages through one List* call, 100 jobs per page.
macro_rules! list_pages {
    ($request:expr, $kind:expr, $summaries:ident, $name:ident, $arn:ident) => {{
        let mut pages = $request.max_results(100).into_paginator().send();
        let mut jobs = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(failure)?;
            let found = page
                .$summaries()
                .iter()
                .filter_map(|s| JobRef::new($kind, s.$name(), s.$arn()));
            jobs.extend(found);
        }
        Ok(jobs)
    }};
}

/// Lists the jobs of `kind` that match `listing`.
pub async fn list_jobs(
    client: &Client,
    kind: JobKind,
    listing: Listing,
) -> Result<Vec<JobRef>, ApiFailure> {
    let (after, in_progress) = match listing {
        Listing::CreatedAfter(time) => (Some(time), false),
        Listing::InProgress => (None, true),
    };
    match kind {
        JobKind::Training => {
            let status = in_progress.then_some(sm::TrainingJobStatus::InProgress);
            let request = client
                .list_training_jobs()
                .set_creation_time_after(after)
                .set_status_equals(status);
            list_pages!(
                request,
                kind,
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
                .set_status_equals(status);
            list_pages!(
                request,
                kind,
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
                .set_status_equals(status);
            list_pages!(
                request,
                kind,
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
                .set_status_equals(status);
            list_pages!(
                request,
                kind,
                transform_job_summaries,
                transform_job_name,
                transform_job_arn
            )
        }
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
