//! The SageMaker job kinds AWS Config does not record, which the scheduled sweep enumerates
//! through the SageMaker API: what each is called in rule names, in Config and in the pack.

use sagerules_pack::families::{self, Family, Reach};
use sagerules_shapes::adapt::ApiKind;

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

    /// The pack's family for its resource type ([`families::FAMILIES`]): `hpo` for tuning.
    pub fn family(self) -> Option<&'static Family> {
        let resource_type = self.native_type();
        families::FAMILIES
            .iter()
            .find(|f| f.resource_types.contains(&resource_type))
    }

    /// Whether `rule` judges jobs of this kind: a rule its family's file declares, or one that
    /// applies to every SageMaker resource (the tag rule).
    pub fn judged_by(self, rule: &str) -> bool {
        families::of_rule(rule).is_some_and(|f| {
            f.reach == Reach::Everywhere || self.family().is_some_and(|own| own.name == f.name)
        })
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
    fn every_job_kind_has_its_family_and_type() {
        let families: Vec<&str> = JobKind::ALL
            .iter()
            .filter_map(|k| k.family().map(|f| f.name))
            .collect();
        assert_eq!(families, ["training", "hpo", "processing", "transform"]);
        assert!(JobKind::Tuning.judged_by("SAGEMAKER_HPO_JOB_VOLUME_KMS"));
        assert!(JobKind::Tuning.judged_by("SAGEMAKER_REQUIRED_TAGS"));
        assert!(!JobKind::Tuning.judged_by("SAGEMAKER_TRAINING_JOB_VOLUME_KMS"));
        assert!(!JobKind::Training.judged_by("SAGEMAKER_STACK_KMS_KEY_ROTATION"));
        for kind in JobKind::ALL {
            assert_eq!(JobKind::from_native_type(kind.native_type()), Some(kind));
        }
    }
}
