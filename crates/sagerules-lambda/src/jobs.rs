//! The SageMaker job kinds AWS Config does not record, which the scheduled sweep enumerates
//! through the SageMaker API: what each is called in rule names, in Config and in the pack.

use sagerules_pack::adapt::ApiKind;
use sagerules_pack::families;

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

    /// The prefix of the pack's rule names for this kind, e.g. `SAGEMAKER_HPO_JOB_`: that of
    /// the pack's family for its resource type ([`families::FAMILIES`]).
    pub fn rule_prefix(self) -> &'static str {
        let resource_type = self.native_type();
        families::FAMILIES
            .iter()
            .find(|f| f.resource_types.contains(&resource_type))
            .map_or("", |f| f.rule_prefix)
    }

    /// The CloudFormation resource type reported to Config by default (the pack's).
    pub fn native_type(self) -> &'static str {
        self.api_kind().resource_type()
    }

    pub fn from_native_type(resource_type: &str) -> Option<JobKind> {
        JobKind::ALL
            .into_iter()
            .find(|k| k.native_type() == resource_type)
    }

    /// The pack's kind for it, which names its resource type.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_kind_has_its_family_prefix_and_type() {
        let prefixes: Vec<&str> = JobKind::ALL.iter().map(|k| k.rule_prefix()).collect();
        assert_eq!(
            prefixes,
            [
                "SAGEMAKER_TRAINING_JOB_",
                "SAGEMAKER_HPO_JOB_",
                "SAGEMAKER_PROCESSING_JOB_",
                "SAGEMAKER_TRANSFORM_JOB_"
            ]
        );
        for kind in JobKind::ALL {
            assert_eq!(JobKind::from_native_type(kind.native_type()), Some(kind));
        }
    }
}
