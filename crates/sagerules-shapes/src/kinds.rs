//! What sagerules knows about each SageMaker resource kind it judges through the API, in one
//! table: the fields that name it in a `Describe*` response and a state-change event, the
//! CloudTrail calls that create or change it, the calls that list, describe and stop it, its
//! ARN and console page, and the status in which it can be stopped. The Lambda reads it to
//! handle events and sweeps; `sagerules deploy-template` reads it to write the function's
//! permissions and event patterns.
//!
//! ```text
//! TrainingJob: "SageMaker Training Job State Change", TrainingJobName / TrainingJobStatus,
//!   CreateTrainingJob, arn:…:training-job/<name>, stoppable while InProgress
//! ```

use crate::adapt::ApiKind;

/// One row of [`KINDS`].
#[derive(Debug, PartialEq, Eq)]
pub struct KindFacts {
    pub kind: ApiKind,
    /// For annotations, logs and messages: `training job`.
    pub label: &'static str,
    /// The EventBridge `detail-type` of its state-change event.
    pub state_change: &'static str,
    /// Its name, ARN and status in a `Describe*` response and in the state-change `detail`.
    pub name_field: &'static str,
    pub arn_field: &'static str,
    pub status_field: Option<&'static str>,
    /// The CloudTrail `eventName` of the call that creates one.
    pub create_call: &'static str,
    /// The CloudTrail `eventName` of a call that changes one and is judged too.
    pub update_call: Option<&'static str>,
    /// The call that lists them (the sweep's; `None`: not swept).
    pub list_call: Option<&'static str>,
    /// The resource segment of its ARN: `arn:aws:sagemaker:<region>:<account>:training-job/<name>`.
    pub arn_resource: &'static str,
    /// The SageMaker console page that lists it (the part after `#/`).
    pub console_page: &'static str,
    /// The status in which a stop applies (`None`: never stopped, only reported).
    pub running_status: Option<&'static str>,
    /// The call that describes one (`crate::sagemaker::describe` makes it; `None`: judged
    /// from its CloudTrail request only).
    pub describe_call: Option<&'static str>,
    /// The call that stops one (`crate::sagemaker::stop` makes it).
    pub stop_call: Option<&'static str>,
}

impl KindFacts {
    /// A status in which nothing will change any more, so an event about it needs no answer:
    /// `Completed`, `Failed`, `Stopped`, and `Stopping` (a stop is already under way).
    pub fn is_settled(&self, status: &str) -> bool {
        match self.running_status {
            Some("InProgress") => matches!(status, "Completed" | "Failed" | "Stopped" | "Stopping"),
            Some(_) => matches!(status, "Stopped" | "Stopping" | "Failed" | "Deleting"),
            None => false,
        }
    }

    /// The resource's ARN from its name, when no event or response gave it (SageMaker ARNs
    /// carry the name in lower case).
    pub fn arn(&self, partition: &str, region: &str, account: &str, name: &str) -> String {
        format!(
            "arn:{partition}:sagemaker:{region}:{account}:{}/{}",
            self.arn_resource,
            name.to_ascii_lowercase()
        )
    }

    /// `https://us-east-1.console.aws.amazon.com/sagemaker/home?region=us-east-1#/jobs/nightly-42`.
    pub fn console_link(&self, region: &str, name: &str) -> String {
        format!(
            "https://{region}.console.aws.amazon.com/sagemaker/home?region={region}#/{}/{name}",
            self.console_page
        )
    }
}

/// Every kind a response handles.
pub const KINDS: [KindFacts; 8] = [
    KindFacts {
        kind: ApiKind::TrainingJob,
        label: "training job",
        state_change: "SageMaker Training Job State Change",
        name_field: "TrainingJobName",
        arn_field: "TrainingJobArn",
        status_field: Some("TrainingJobStatus"),
        create_call: "CreateTrainingJob",
        update_call: None,
        list_call: Some("ListTrainingJobs"),
        arn_resource: "training-job",
        console_page: "jobs",
        running_status: Some("InProgress"),
        describe_call: Some("DescribeTrainingJob"),
        stop_call: Some("StopTrainingJob"),
    },
    KindFacts {
        kind: ApiKind::HyperParameterTuningJob,
        label: "HPO job",
        state_change: "SageMaker HyperParameter Tuning Job State Change",
        name_field: "HyperParameterTuningJobName",
        arn_field: "HyperParameterTuningJobArn",
        status_field: Some("HyperParameterTuningJobStatus"),
        create_call: "CreateHyperParameterTuningJob",
        update_call: None,
        list_call: Some("ListHyperParameterTuningJobs"),
        arn_resource: "hyper-parameter-tuning-job",
        console_page: "hyper-tuning-jobs",
        running_status: Some("InProgress"),
        describe_call: Some("DescribeHyperParameterTuningJob"),
        stop_call: Some("StopHyperParameterTuningJob"),
    },
    KindFacts {
        kind: ApiKind::ProcessingJob,
        label: "processing job",
        state_change: "SageMaker Processing Job State Change",
        name_field: "ProcessingJobName",
        arn_field: "ProcessingJobArn",
        status_field: Some("ProcessingJobStatus"),
        create_call: "CreateProcessingJob",
        update_call: None,
        list_call: Some("ListProcessingJobs"),
        arn_resource: "processing-job",
        console_page: "processing-jobs",
        running_status: Some("InProgress"),
        describe_call: Some("DescribeProcessingJob"),
        stop_call: Some("StopProcessingJob"),
    },
    KindFacts {
        kind: ApiKind::TransformJob,
        label: "transform job",
        state_change: "SageMaker Transform Job State Change",
        name_field: "TransformJobName",
        arn_field: "TransformJobArn",
        status_field: Some("TransformJobStatus"),
        create_call: "CreateTransformJob",
        update_call: None,
        list_call: Some("ListTransformJobs"),
        arn_resource: "transform-job",
        console_page: "transform-jobs",
        running_status: Some("InProgress"),
        describe_call: Some("DescribeTransformJob"),
        stop_call: Some("StopTransformJob"),
    },
    KindFacts {
        kind: ApiKind::NotebookInstance,
        label: "notebook instance",
        state_change: "SageMaker Notebook Instance State Change",
        name_field: "NotebookInstanceName",
        arn_field: "NotebookInstanceArn",
        status_field: Some("NotebookInstanceStatus"),
        create_call: "CreateNotebookInstance",
        update_call: Some("UpdateNotebookInstance"),
        list_call: None,
        arn_resource: "notebook-instance",
        console_page: "notebook-instances",
        running_status: Some("InService"),
        describe_call: Some("DescribeNotebookInstance"),
        stop_call: Some("StopNotebookInstance"),
    },
    KindFacts {
        kind: ApiKind::EndpointConfig,
        label: "endpoint configuration",
        state_change: "SageMaker Endpoint Config State Change",
        name_field: "EndpointConfigName",
        arn_field: "EndpointConfigArn",
        status_field: None,
        create_call: "CreateEndpointConfig",
        update_call: None,
        list_call: None,
        arn_resource: "endpoint-config",
        console_page: "endpointConfig",
        running_status: None,
        describe_call: None,
        stop_call: None,
    },
    KindFacts {
        kind: ApiKind::Model,
        label: "model",
        state_change: "SageMaker Model State Change",
        name_field: "ModelName",
        arn_field: "ModelArn",
        status_field: None,
        create_call: "CreateModel",
        update_call: None,
        list_call: None,
        arn_resource: "model",
        console_page: "models",
        running_status: None,
        describe_call: None,
        stop_call: None,
    },
    KindFacts {
        kind: ApiKind::Domain,
        label: "domain",
        state_change: "SageMaker Domain State Change",
        name_field: "DomainName",
        arn_field: "DomainArn",
        status_field: None,
        create_call: "CreateDomain",
        update_call: None,
        list_call: None,
        arn_resource: "domain",
        console_page: "studio",
        running_status: None,
        describe_call: None,
        stop_call: None,
    },
];

/// The row of `kind`.
pub fn facts(kind: ApiKind) -> &'static KindFacts {
    // Every ApiKind has a row (tested); the fallback keeps this total without a panic.
    KINDS.iter().find(|f| f.kind == kind).unwrap_or(&KINDS[0])
}

/// The kind whose state-change event has this `detail-type`.
pub fn by_state_change(detail_type: &str) -> Option<&'static KindFacts> {
    KINDS.iter().find(|f| f.state_change == detail_type)
}

/// The kind a CloudTrail `eventName` creates.
pub fn by_create_call(event_name: &str) -> Option<&'static KindFacts> {
    KINDS.iter().find(|f| f.create_call == event_name)
}

/// The kind a CloudTrail `eventName` creates or changes (`UpdateNotebookInstance`).
pub fn by_call(event_name: &str) -> Option<&'static KindFacts> {
    by_create_call(event_name).or_else(|| KINDS.iter().find(|f| f.update_call == Some(event_name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_row() {
        for kind in ApiKind::ALL {
            assert_eq!(
                KINDS.iter().filter(|f| f.kind == kind).count(),
                1,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn settled_statuses_per_kind() {
        let training = facts(ApiKind::TrainingJob);
        assert!(training.is_settled("Stopping") && training.is_settled("Completed"));
        assert!(!training.is_settled("InProgress"));
        let notebook = facts(ApiKind::NotebookInstance);
        assert!(notebook.is_settled("Stopped") && !notebook.is_settled("Pending"));
        assert_eq!(
            training.arn("aws", "us-east-1", "123456789012", "Nightly-42"),
            "arn:aws:sagemaker:us-east-1:123456789012:training-job/nightly-42"
        );
    }
}
