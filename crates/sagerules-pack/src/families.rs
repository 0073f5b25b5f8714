//! The pack's rule families: one per rules file, each with the resource types it judges and
//! how AWS Config reaches those resources. A rule belongs to the family whose file declares
//! it (read with the language's parser), whatever its name. The Lambda reads
//! it to select rules (`{"families": "notebook,tags"}` in a Config rule's InputParameters);
//! `sagerules deploy-template` reads it to lay out one Config rule per family.
//!
//! ```
//! # use sagerules_pack::families::{self, Reach};
//! let notebook = families::find("notebook").unwrap();
//! assert_eq!(notebook.resource_types, ["AWS::SageMaker::NotebookInstance"]);
//! assert_eq!(families::expand("jobs").unwrap().len(), 4);
//! assert_eq!(families::of_rule("SAGEMAKER_HPO_JOB_VOLUME_KMS").map(|f| f.reach), Some(Reach::Swept));
//! ```

/// How AWS Config gets to a family's resources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Config records the types: a change-triggered rule sees each configuration item.
    Recorded,
    /// Config does not record the types (jobs): a periodic rule lists them through the API.
    Swept,
    /// The rules apply to every SageMaker resource (the tag rule): they join every Config rule.
    Everywhere,
    /// The rules follow references to other resources of the same template (an execution
    /// role's policies, a key's rotation): they judge templates only, since a configuration
    /// item names those resources by ARN without their settings. No Config rule runs them.
    Template,
}

/// One family of rules.
#[derive(Clone, Copy, Debug)]
pub struct Family {
    /// The name used in `families` parameters, e.g. `endpoint-config`.
    pub name: &'static str,
    /// Its rules file under `rules/`.
    pub file: &'static str,
    /// The resource types its rules judge (none for [`Reach::Everywhere`]).
    pub resource_types: &'static [&'static str],
    pub reach: Reach,
    /// What it checks, in a few words, for generated descriptions.
    pub summary: &'static str,
}

/// Every family, in the order of `rules/` listings and generated templates. A test checks
/// that each file names exactly these resource types.
pub const FAMILIES: [Family; 13] = [
    Family {
        name: "training",
        file: "training.rules",
        resource_types: &["AWS::SageMaker::TrainingJob"],
        reach: Reach::Swept,
        summary: "training jobs",
    },
    Family {
        name: "hpo",
        file: "hpo.rules",
        resource_types: &["AWS::SageMaker::HyperParameterTuningJob"],
        reach: Reach::Swept,
        summary: "hyperparameter tuning jobs",
    },
    Family {
        name: "processing",
        file: "processing.rules",
        resource_types: &["AWS::SageMaker::ProcessingJob"],
        reach: Reach::Swept,
        summary: "processing jobs",
    },
    Family {
        name: "transform",
        file: "transform.rules",
        resource_types: &["AWS::SageMaker::TransformJob"],
        reach: Reach::Swept,
        summary: "batch transform jobs",
    },
    Family {
        name: "notebook",
        file: "notebook.rules",
        resource_types: &["AWS::SageMaker::NotebookInstance"],
        reach: Reach::Recorded,
        summary: "notebook instances",
    },
    Family {
        name: "endpoint-config",
        file: "endpoint-config.rules",
        resource_types: &["AWS::SageMaker::EndpointConfig"],
        reach: Reach::Recorded,
        summary: "endpoint configurations",
    },
    Family {
        name: "model",
        file: "model.rules",
        resource_types: &["AWS::SageMaker::Model"],
        reach: Reach::Recorded,
        summary: "models",
    },
    Family {
        name: "domain",
        file: "domain.rules",
        resource_types: &["AWS::SageMaker::Domain"],
        reach: Reach::Recorded,
        summary: "Studio domains",
    },
    Family {
        name: "monitoring",
        file: "monitoring.rules",
        resource_types: &[
            "AWS::SageMaker::DataQualityJobDefinition",
            "AWS::SageMaker::ModelBiasJobDefinition",
            "AWS::SageMaker::ModelExplainabilityJobDefinition",
            "AWS::SageMaker::ModelQualityJobDefinition",
            "AWS::SageMaker::MonitoringSchedule",
        ],
        reach: Reach::Recorded,
        summary: "model monitoring schedules and job definitions",
    },
    Family {
        name: "feature-group",
        file: "feature-group.rules",
        resource_types: &["AWS::SageMaker::FeatureGroup"],
        reach: Reach::Recorded,
        summary: "Feature Store feature groups",
    },
    Family {
        name: "inference-experiment",
        file: "inference-experiment.rules",
        resource_types: &["AWS::SageMaker::InferenceExperiment"],
        reach: Reach::Recorded,
        summary: "inference experiments",
    },
    Family {
        name: "tags",
        file: "tags.rules",
        resource_types: &[],
        reach: Reach::Everywhere,
        summary: "required tags on every SageMaker resource",
    },
    Family {
        name: "stack",
        file: "stack.rules",
        resource_types: &[],
        reach: Reach::Template,
        summary: "execution roles and KMS keys a template creates for its SageMaker resources",
    },
];

/// The family called `name` (`endpoint_config` and `Endpoint-Config` are `endpoint-config`).
pub fn find(name: &str) -> Option<&'static Family> {
    let wanted = normalize(name);
    FAMILIES.iter().find(|f| f.name == wanted)
}

/// A name of a `families` parameter as families: one family, `jobs` (the four swept job
/// families) or `all`; `None` when it names none of them.
pub fn expand(name: &str) -> Option<Vec<&'static Family>> {
    match normalize(name).as_str() {
        "all" => Some(FAMILIES.iter().collect()),
        "jobs" => Some(
            FAMILIES
                .iter()
                .filter(|f| f.reach == Reach::Swept)
                .collect(),
        ),
        _ => find(name).map(|f| vec![f]),
    }
}

/// The family a rule belongs to: the one whose file declares it.
pub fn of_rule(rule: &str) -> Option<&'static Family> {
    FAMILIES
        .iter()
        .zip(declared())
        .find(|(_, names)| names.iter().any(|n| n == rule))
        .map(|(family, _)| family)
}

impl Family {
    /// Whether this family's file declares `rule`.
    pub fn has_rule(&self, rule: &str) -> bool {
        self.rules().iter().any(|r| r == rule)
    }

    /// The rules its file declares, in file order (parameterized helper rules included).
    pub fn rules(&self) -> &'static [String] {
        FAMILIES
            .iter()
            .zip(declared())
            .find(|(f, _)| f.name == self.name)
            .map_or(&[], |(_, names)| names.as_slice())
    }
}

/// The rule names each family's file declares, in [`FAMILIES`] order, parsed once.
fn declared() -> &'static [Vec<String>] {
    static DECLARED: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
    DECLARED.get_or_init(|| {
        FAMILIES
            .iter()
            .map(|family| {
                let text = crate::files()
                    .iter()
                    .find(|f| f.name == family.file)
                    .map_or("", |f| f.text);
                rules_declared_in(text)
            })
            .collect()
    })
}

/// `rule NAME ...` items of a rules file (a file that does not parse declares nothing; the
/// pack's tests parse every file).
fn rules_declared_in(text: &str) -> Vec<String> {
    let (file, _) = sagerules_core::parse(text);
    file.items
        .iter()
        .filter_map(|item| match item {
            sagerules_core::ast::Item::Rule(rule) => Some(rule.name.name.clone()),
            _ => None,
        })
        .collect()
}

/// Every name [`expand`] accepts, for error messages: `training, hpo, ..., jobs, all`.
pub fn known_names() -> String {
    let mut names: Vec<&str> = FAMILIES.iter().map(|f| f.name).collect();
    names.extend(["jobs", "all"]);
    names.join(", ")
}

fn normalize(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// `AWS::SageMaker::X` names quoted in a rules file (the tag rule's regex is not one).
    fn types_named_in(text: &str) -> BTreeSet<String> {
        text.split('"')
            .filter(|piece| {
                piece.starts_with("AWS::SageMaker::")
                    && piece.len() > "AWS::SageMaker::".len()
                    && piece.chars().all(|c| c.is_ascii_alphanumeric() || c == ':')
            })
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_family_names_the_types_its_rules_file_selects() {
        for family in FAMILIES.iter().filter(|f| !f.resource_types.is_empty()) {
            let file = crate::files()
                .iter()
                .find(|f| f.name == family.file)
                .unwrap();
            let declared: BTreeSet<String> = family
                .resource_types
                .iter()
                .map(|t| t.to_string())
                .collect();
            assert_eq!(types_named_in(file.text), declared, "{}", family.name);
        }
    }

    #[test]
    fn every_bundled_file_is_one_family_and_declares_its_rules() {
        let names: BTreeSet<&str> = crate::files().iter().map(|f| f.name).collect();
        let families: BTreeSet<&str> = FAMILIES.iter().map(|f| f.file).collect();
        assert_eq!(names, families);
        let set = crate::rule_set().unwrap();
        for info in set.rules() {
            let family = of_rule(&info.name).unwrap();
            assert!(family.has_rule(&info.name));
            assert!(family.rules().contains(&info.name), "{}", info.name);
        }
        let notebook = find("notebook").unwrap();
        assert!(notebook.has_rule("SAGEMAKER_NOTEBOOK_KMS"));
        assert!(!notebook.has_rule("SAGEMAKER_NOTEBOOK_KMS_X"));
        assert_eq!(
            of_rule("SAGEMAKER_STACK_KMS_KEY_ROTATION").map(|f| f.name),
            Some("stack")
        );
        assert!(of_rule("SAGEMAKER_NOPE").is_none());
    }

    #[test]
    fn names_are_normalized_and_unions_expand() {
        assert_eq!(
            find("Endpoint_Config").map(|f| f.name),
            Some("endpoint-config")
        );
        assert_eq!(expand("all").map(|f| f.len()), Some(FAMILIES.len()));
        let jobs: Vec<&str> = expand("jobs").unwrap().iter().map(|f| f.name).collect();
        assert_eq!(jobs, ["training", "hpo", "processing", "transform"]);
        assert!(expand("notebooks").is_none());
        assert!(known_names().ends_with("tags, stack, jobs, all"));
    }
}
