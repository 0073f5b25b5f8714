//! The SageMaker job kinds AWS Config does not record, which the scheduled sweep enumerates
//! through the SageMaker API: what each is called in rule names, in Config and in the pack.

use sagerules_pack::adapt::ApiKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobKind {
    Training,
    Tuning,
    Processing,
    Transform,
}

impl JobKind {
    pub const ALL: [JobKind; 4] = [
        JobKind::Training,
        JobKind::Tuning,
        JobKind::Processing,
        JobKind::Transform,
    ];

    /// The prefix of the pack's rule names for this kind, e.g. `SAGEMAKER_HPO_JOB_`.
    pub fn rule_prefix(self) -> &'static str {
        match self {
            JobKind::Training => "SAGEMAKER_TRAINING_JOB_",
            JobKind::Tuning => "SAGEMAKER_HPO_JOB_",
            JobKind::Processing => "SAGEMAKER_PROCESSING_JOB_",
            JobKind::Transform => "SAGEMAKER_TRANSFORM_JOB_",
        }
    }

    /// The CloudFormation resource type reported to Config by default.
    pub fn native_type(self) -> &'static str {
        match self {
            JobKind::Training => "AWS::SageMaker::TrainingJob",
            JobKind::Tuning => "AWS::SageMaker::HyperParameterTuningJob",
            JobKind::Processing => "AWS::SageMaker::ProcessingJob",
            JobKind::Transform => "AWS::SageMaker::TransformJob",
        }
    }

    pub fn from_native_type(resource_type: &str) -> Option<JobKind> {
        JobKind::ALL
            .into_iter()
            .find(|k| k.native_type() == resource_type)
    }

    pub fn api_kind(self) -> ApiKind {
        match self {
            JobKind::Training => ApiKind::TrainingJob,
            JobKind::Tuning => ApiKind::HyperParameterTuningJob,
            JobKind::Processing => ApiKind::ProcessingJob,
            JobKind::Transform => ApiKind::TransformJob,
        }
    }

    /// For annotations and logs: `training job`.
    pub fn label(self) -> &'static str {
        match self {
            JobKind::Training => "training job",
            JobKind::Tuning => "HPO job",
            JobKind::Processing => "processing job",
            JobKind::Transform => "transform job",
        }
    }
}
