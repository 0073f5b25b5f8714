//! Which Config rules a deployment has and what each passes: the families and rules chosen,
//! laid out as one change-triggered rule per recorded family and one periodic rule for the
//! jobs, with the pack parameters each rule's rules read and a length budget per parameter.

use sagerules_data::{Node, Value};
use sagerules_pack::families::{self, Family, Reach};
use sagerules_pack::params::{self, Kind};
use std::collections::BTreeSet;

/// AWS Config's limit on a rule's `InputParameters` (the JSON text).
pub const INPUT_PARAMETERS_MAX: usize = 1024;
/// AWS Config's limit on a rule name.
pub const RULE_NAME_MAX: usize = 128;
/// The longest value of a number or a flag parameter (`3153600000`, `false`).
const SECONDS_MAX: usize = 10;
const FLAG_MAX: usize = 5;
/// How many shares of a rule's length budget a list parameter gets (one unless named): key
/// ARNs are long, and several are common.
const LIST_SHARES: [(&str, usize); 1] = [("kmsKeyArns", 4)];
/// The longest `windowDays` and `jobResourceType` values the job rule can pass.
const JOB_PARAMETER_WORST: [(&str, &str); 2] = [
    ("windowDays", "3650"),
    ("jobResourceType", "AWS::::Account"),
];

/// One AWS Config rule of the deployment.
#[derive(Clone, Debug)]
pub struct ConfigRule {
    /// The template's logical id, e.g. `NotebookRule`.
    pub logical_id: String,
    /// The rule name after the prefix: `sagerules-notebook`.
    pub suffix: &'static str,
    /// `("families", "notebook,tags")`, or `("rules", "A,B")` when `--rules` chose.
    pub selector: (&'static str, String),
    /// The recorded types a change-triggered rule is scoped to; empty for the periodic rule.
    pub resource_types: Vec<&'static str>,
    pub periodic: bool,
    /// The pack parameters it passes (keys of [`Layout::params`]).
    pub params: Vec<&'static str>,
    /// The pack rules it runs.
    pub rules: Vec<String>,
    pub description: String,
}

/// A pack parameter exposed as a template parameter.
#[derive(Clone, Debug)]
pub struct TemplateParam {
    /// The pack's name, e.g. `kmsKeyArns`.
    pub key: &'static str,
    /// The template's name, e.g. `KmsKeyArns`.
    pub name: String,
    pub kind: Kind,
    /// `""` (the pack's default) or the value of `--params`, as Config passes it.
    pub default: String,
    /// The longest value every rule that passes it can take within 1,024 characters.
    pub max_length: usize,
}

/// Everything a deployment template needs.
#[derive(Clone, Debug)]
pub struct Layout {
    pub rules: Vec<ConfigRule>,
    pub params: Vec<TemplateParam>,
    /// What events are judged with: every chosen family (`SAGERULES_EVENT_FAMILIES`).
    pub event_families: String,
    /// `--rules`, when given (`SAGERULES_EVENT_RULES`).
    pub event_rules: Option<String>,
}

impl Layout {
    /// The layout for `families` (empty: all) and `rules` (empty: all of those families),
    /// with the defaults of `user` (the `--params` document as written). Every problem is
    /// returned, each as a sentence.
    pub fn new(
        families: &[String],
        rules: &[String],
        known: &[String],
        user: Option<&Node>,
    ) -> Result<Layout, Vec<String>> {
        let chosen_families = choose_families(families)?;
        let chosen_rules = choose_rules(&chosen_families, rules, known, !families.is_empty())?;
        let mut config_rules = lay_out(&chosen_families, &chosen_rules, !rules.is_empty());
        let mut params = exposed_params(&config_rules);
        let mut errors = budget(&mut config_rules, &mut params);
        errors.extend(apply_defaults(&mut params, user));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Layout {
            rules: config_rules,
            params,
            event_families: if chosen_families.len() == families::FAMILIES.len() {
                "all".to_string()
            } else {
                chosen_families
                    .iter()
                    .map(|f| f.name)
                    .collect::<Vec<_>>()
                    .join(",")
            },
            event_rules: (!rules.is_empty()).then(|| chosen_rules.join(",")),
        })
    }

    /// The periodic rule, if a job family is deployed.
    pub fn sweep(&self) -> Option<&ConfigRule> {
        self.rules.iter().find(|r| r.periodic)
    }

    /// The longest rule-name suffix (`-inference-experiment`), for the prefix's `MaxLength`.
    pub fn longest_suffix(&self) -> usize {
        self.rules
            .iter()
            .map(|r| r.suffix.len() + 1)
            .max()
            .unwrap_or(0)
    }
}

fn choose_families(names: &[String]) -> Result<Vec<&'static Family>, Vec<String>> {
    if names.is_empty() {
        return Ok(families::FAMILIES.iter().collect());
    }
    let mut chosen: Vec<&'static Family> = Vec::new();
    let mut errors = Vec::new();
    for name in names.iter().filter(|n| !n.trim().is_empty()) {
        match families::expand(name) {
            Some(found) if found.len() == 1 && found.iter().all(|f| f.reach == Reach::Template) => {
                errors.push(template_only(&format!("--families: {name}")));
            }
            Some(found) => chosen.extend(found),
            None => errors.push(format!(
                "--families: unknown family {name:?} (known: {})",
                families::known_names()
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Catalogue order, each once.
    Ok(families::FAMILIES
        .iter()
        .filter(|f| chosen.iter().any(|c| c.name == f.name))
        .collect())
}

/// Why a family or rule that follows references within a template gets no Config rule.
fn template_only(what: &str) -> String {
    format!(
        "{what} judges templates only (`sagerules check`): its rules follow references to other \
         resources of the same template, which an AWS Config configuration item does not carry"
    )
}

fn choose_rules(
    chosen: &[&'static Family],
    names: &[String],
    known: &[String],
    families_given: bool,
) -> Result<Vec<String>, Vec<String>> {
    let in_chosen = |rule: &str| {
        families::of_rule(rule).is_some_and(|f| chosen.iter().any(|c| c.name == f.name))
    };
    if names.is_empty() {
        return Ok(known.iter().filter(|r| in_chosen(r)).cloned().collect());
    }
    let mut errors = Vec::new();
    let mut picked = BTreeSet::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        if !known.iter().any(|k| k == name) {
            errors.push(format!(
                "--rules: unknown rule {name} (`sagerules rules` lists them)"
            ));
        } else if families::of_rule(name).is_some_and(|f| f.reach == Reach::Template) {
            errors.push(template_only(&format!("--rules: {name}")));
        } else if families_given && !in_chosen(name) {
            errors.push(format!(
                "--rules: {name} is not in the families chosen by --families"
            ));
        } else {
            picked.insert(name.to_string());
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(known
        .iter()
        .filter(|k| picked.contains(*k))
        .cloned()
        .collect())
}

/// One rule per recorded family with rules, one periodic rule for the job families; the tag
/// family joins each (alone, it is laid out over every family).
fn lay_out(chosen: &[&'static Family], rules: &[String], by_rule: bool) -> Vec<ConfigRule> {
    let has_rules = |f: &Family| rules.iter().any(|r| f.has_rule(r));
    let tags: Vec<&'static Family> = chosen
        .iter()
        .copied()
        .filter(|f| f.reach == Reach::Everywhere && has_rules(f))
        .collect();
    let mut slots: Vec<&'static Family> = chosen
        .iter()
        .copied()
        .filter(|f| f.reach != Reach::Everywhere && has_rules(f))
        .collect();
    if slots.is_empty() && !tags.is_empty() {
        slots = families::FAMILIES
            .iter()
            .filter(|f| f.reach != Reach::Everywhere)
            .collect();
    }
    let mut laid = Vec::new();
    for family in slots.iter().filter(|f| f.reach == Reach::Recorded) {
        let own: Vec<&'static Family> = if has_rules(family) {
            vec![*family]
        } else {
            Vec::new()
        };
        laid.push(config_rule(family.name, own, &tags, rules, by_rule, false));
    }
    let jobs: Vec<&'static Family> = slots
        .iter()
        .copied()
        .filter(|f| f.reach == Reach::Swept && has_rules(f))
        .collect();
    if slots.iter().any(|f| f.reach == Reach::Swept) {
        laid.push(config_rule("jobs", jobs, &tags, rules, by_rule, true));
    }
    laid
}

fn config_rule(
    suffix: &'static str,
    own: Vec<&'static Family>,
    tags: &[&'static Family],
    rules: &[String],
    by_rule: bool,
    periodic: bool,
) -> ConfigRule {
    let members: Vec<&'static Family> = own.iter().chain(tags).copied().collect();
    let runs: Vec<String> = rules
        .iter()
        .filter(|r| members.iter().any(|f| f.has_rule(r)))
        .cloned()
        .collect();
    let all_jobs = own.len() == 4 && periodic;
    let family_names: Vec<&str> = if all_jobs {
        std::iter::once("jobs")
            .chain(tags.iter().map(|f| f.name))
            .collect()
    } else {
        members.iter().map(|f| f.name).collect()
    };
    let selector = if by_rule {
        ("rules", runs.join(","))
    } else {
        ("families", family_names.join(","))
    };
    let mut params: Vec<&'static str> = Vec::new();
    for family in &members {
        let text = sagerules_pack::files()
            .iter()
            .find(|f| f.name == family.file)
            .map_or("", |f| f.text);
        for read in params::read_by(text) {
            if !params.contains(&read) {
                params.push(read);
            }
        }
    }
    let resource_types = if periodic {
        Vec::new()
    } else {
        let slot = families::find(suffix);
        slot.map_or(Vec::new(), |f| f.resource_types.to_vec())
    };
    let summaries: Vec<&str> = own.iter().map(|f| f.summary).collect();
    let what = match (summaries.is_empty(), tags.is_empty()) {
        (true, _) => "required tags".to_string(),
        (false, true) => summaries.join(", "),
        (false, false) => format!("{}, with required tags", summaries.join(", ")),
    };
    let how = if periodic {
        "swept through the SageMaker API (AWS Config does not record jobs)"
    } else {
        "on each configuration change AWS Config records"
    };
    ConfigRule {
        logical_id: format!("{}Rule", upper_camel(suffix)),
        suffix,
        selector,
        resource_types,
        periodic,
        params: sorted_by_catalogue(params),
        description: format!("sagerules: {} rule(s) on {what}, {how}.", runs.len()),
        rules: runs,
    }
}

fn sorted_by_catalogue(names: Vec<&'static str>) -> Vec<&'static str> {
    params::settable()
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| names.contains(name))
        .collect()
}

/// The parameters some rule passes, in catalogue order (budgets set by [`budget`]).
fn exposed_params(rules: &[ConfigRule]) -> Vec<TemplateParam> {
    params::settable()
        .iter()
        .filter(|(key, _)| rules.iter().any(|r| r.params.contains(key)))
        .map(|(key, kind)| TemplateParam {
            key,
            name: upper_camel(key),
            kind: *kind,
            default: String::new(),
            max_length: INPUT_PARAMETERS_MAX,
        })
        .collect()
}

/// Gives each parameter the length every rule passing it can afford: numbers and flags their
/// longest value; what is left of 1,024 after the rule's `InputParameters` with those and
/// empty lists goes to the lists, in shares ([`LIST_SHARES`]).
fn budget(rules: &mut [ConfigRule], params: &mut [TemplateParam]) -> Vec<String> {
    let mut errors = Vec::new();
    for param in params.iter_mut() {
        param.max_length = match param.kind {
            Kind::Seconds => SECONDS_MAX,
            Kind::Flag => FLAG_MAX,
            Kind::TextList => INPUT_PARAMETERS_MAX,
        };
    }
    for rule in rules.iter() {
        let fixed = input_parameters_length(rule, |key| {
            params
                .iter()
                .find(|p| p.key == key && p.kind != Kind::TextList)
                .map_or(0, |p| p.max_length)
        });
        let lists: Vec<&'static str> = params
            .iter()
            .filter(|p| p.kind == Kind::TextList && rule.params.contains(&p.key))
            .map(|p| p.key)
            .collect();
        let shares: usize = lists.iter().map(|key| list_shares(key)).sum();
        let unit = INPUT_PARAMETERS_MAX
            .checked_sub(fixed)
            .map(|left| left / shares.max(1));
        match unit {
            Some(unit) if unit > 0 || lists.is_empty() => {
                for param in params.iter_mut().filter(|p| lists.contains(&p.key)) {
                    param.max_length = param.max_length.min(unit * list_shares(param.key));
                }
            }
            _ => errors.push(format!(
                "the InputParameters of the {} rule would take {fixed} characters before any list, over AWS Config's {INPUT_PARAMETERS_MAX}: choose fewer rules or whole families",
                rule.suffix
            )),
        }
    }
    errors
}

fn list_shares(key: &str) -> usize {
    LIST_SHARES
        .iter()
        .find(|(name, _)| *name == key)
        .map_or(1, |(_, shares)| *shares)
}

/// The length of a rule's `InputParameters` as compact JSON, each pack parameter `value_len`
/// characters long (job parameters at their longest).
pub fn input_parameters_length(rule: &ConfigRule, value_len: impl Fn(&str) -> usize) -> usize {
    let mut object = serde_json::Map::new();
    object.insert(
        rule.selector.0.to_string(),
        serde_json::Value::String(rule.selector.1.clone()),
    );
    if rule.periodic {
        for (key, worst) in JOB_PARAMETER_WORST {
            object.insert(
                key.to_string(),
                serde_json::Value::String(worst.to_string()),
            );
        }
    }
    for key in &rule.params {
        object.insert(
            (*key).to_string(),
            serde_json::Value::String("x".repeat(value_len(key))),
        );
    }
    serde_json::Value::Object(object).to_string().len()
}

/// Sets each parameter's default from the `--params` document (`{SageRules: {...}}` or bare).
fn apply_defaults(params: &mut [TemplateParam], user: Option<&Node>) -> Vec<String> {
    let Some(user) = user else {
        return Vec::new();
    };
    let map = match user.get(sagerules_pack::PARAMS_KEY) {
        Some(inner) => inner,
        None => user,
    };
    let Some(entries) = map.as_map() else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    for (key, value) in entries {
        let Some(param) = params.iter_mut().find(|p| p.key == key) else {
            errors.push(format!(
                "--params: {key} is read by none of the chosen rules, so no template would pass it"
            ));
            continue;
        };
        let text = as_config_string(value);
        if text.len() > param.max_length {
            errors.push(format!(
                "--params: {key} is {} characters; within the 1,024 characters of a Config rule's InputParameters it may take {}",
                text.len(),
                param.max_length
            ));
        }
        param.default = text;
    }
    errors
}

/// A parameter value as Config passes it: lists comma-separated, numbers and flags as text.
fn as_config_string(value: &Node) -> String {
    match &value.value {
        Value::List(items) => items
            .iter()
            .map(as_config_string)
            .collect::<Vec<_>>()
            .join(","),
        Value::String(text) => text.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Float(f) => f.to_string(),
        _ => String::new(),
    }
}

/// `kmsKeyArns` → `KmsKeyArns`, `endpoint-config` → `EndpointConfig`.
pub fn upper_camel(name: &str) -> String {
    name.split(['-', '_'])
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The bundled pack's rule names, as `deploy-template` knows them (tests of layout and render).
#[cfg(test)]
pub(super) fn bundled_rule_names() -> Vec<String> {
    let loaded = crate::rulefiles::bundled();
    crate::catalog::rules_of(&loaded.sets)
        .into_iter()
        .map(|r| r.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn all_families_give_one_rule_per_recorded_family_and_one_sweep() {
        let layout = Layout::new(&[], &[], &bundled_rule_names(), None).unwrap();
        let suffixes: Vec<&str> = layout.rules.iter().map(|r| r.suffix).collect();
        assert_eq!(
            suffixes,
            [
                "notebook",
                "endpoint-config",
                "model",
                "domain",
                "monitoring",
                "feature-group",
                "inference-experiment",
                "jobs"
            ]
        );
        let notebook = &layout.rules[0];
        assert_eq!(notebook.selector, ("families", "notebook,tags".to_string()));
        assert_eq!(
            notebook.resource_types,
            ["AWS::SageMaker::NotebookInstance"]
        );
        assert!(notebook.params.contains(&"kmsKeyArns"));
        assert!(notebook.params.contains(&"requiredTagKeys"));
        let jobs = layout.sweep().unwrap();
        assert_eq!(jobs.selector.1, "jobs,tags");
        assert!(jobs.resource_types.is_empty());
        assert!(jobs.params.contains(&"maxRuntimeSeconds"));
        assert!(!layout
            .rules
            .iter()
            .any(|r| r.params.contains(&"instanceTypes")));
    }

    #[test]
    fn every_rule_keeps_its_input_parameters_within_1024_at_the_longest_values() {
        let layout = Layout::new(&[], &[], &bundled_rule_names(), None).unwrap();
        for rule in &layout.rules {
            let longest = input_parameters_length(rule, |key| {
                layout
                    .params
                    .iter()
                    .find(|p| p.key == key)
                    .unwrap()
                    .max_length
            });
            assert!(
                longest <= INPUT_PARAMETERS_MAX,
                "{}: {longest}",
                rule.suffix
            );
        }
        // Four key ARNs (`arn:aws:kms:us-east-1:123456789012:key/` and a UUID: 75 each).
        let kms = layout
            .params
            .iter()
            .find(|p| p.key == "kmsKeyArns")
            .unwrap();
        assert!(kms.max_length >= 4 * 76, "{}", kms.max_length);
        let seconds = layout
            .params
            .iter()
            .find(|p| p.key == "maxRuntimeSeconds")
            .unwrap();
        assert_eq!(seconds.max_length, 10);
    }

    #[test]
    fn chosen_rules_are_passed_by_name_to_their_family_rule_only() {
        let layout = Layout::new(
            &[],
            &strings(&[
                "SAGEMAKER_NOTEBOOK_KMS",
                "SAGEMAKER_TRAINING_JOB_VOLUME_KMS",
            ]),
            &bundled_rule_names(),
            None,
        )
        .unwrap();
        let selectors: Vec<(&str, &str)> = layout
            .rules
            .iter()
            .map(|r| (r.suffix, r.selector.1.as_str()))
            .collect();
        assert_eq!(
            selectors,
            [
                ("notebook", "SAGEMAKER_NOTEBOOK_KMS"),
                ("jobs", "SAGEMAKER_TRAINING_JOB_VOLUME_KMS")
            ]
        );
        assert_eq!(layout.sweep().unwrap().selector.0, "rules");
    }

    #[test]
    fn unknown_families_rules_and_parameters_are_errors_that_name_them() {
        let errors =
            Layout::new(&strings(&["notebooks"]), &[], &bundled_rule_names(), None).unwrap_err();
        assert!(
            errors[0].contains("unknown family \"notebooks\""),
            "{errors:?}"
        );
        let errors = Layout::new(
            &strings(&["notebook"]),
            &strings(&["SAGEMAKER_TRAINING_JOB_VOLUME_KMS", "NOPE"]),
            &bundled_rule_names(),
            None,
        )
        .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        let user = sagerules_data::Node::from_json_str(r#"{"maxRuntimeSeconds": 3600}"#).unwrap();
        let errors = Layout::new(
            &strings(&["notebook"]),
            &[],
            &bundled_rule_names(),
            Some(&user),
        )
        .unwrap_err();
        assert!(
            errors[0].contains("maxRuntimeSeconds is read by none"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_default_longer_than_its_budget_is_refused() {
        let keys = vec!["arn:aws:kms:us-east-1:123456789012:key/x"; 40].join(",");
        let user =
            sagerules_data::Node::from_json_str(&format!(r#"{{"kmsKeyArns": "{keys}"}}"#)).unwrap();
        let errors = Layout::new(&[], &[], &bundled_rule_names(), Some(&user)).unwrap_err();
        assert!(
            errors[0].contains("kmsKeyArns is 1639 characters"),
            "{errors:?}"
        );
    }

    #[test]
    fn too_many_rules_by_name_overflow_input_parameters() {
        let all = bundled_rule_names();
        let config_rules: Vec<String> = all
            .iter()
            .filter(|r| families::of_rule(r).is_some_and(|f| f.reach != Reach::Template))
            .cloned()
            .collect();
        let errors = Layout::new(&[], &config_rules, &all, None).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.contains("the jobs rule would take")),
            "{errors:?}"
        );
    }

    #[test]
    fn template_only_rules_get_no_config_rule_and_naming_them_is_refused() {
        let layout = Layout::new(&[], &[], &bundled_rule_names(), None).unwrap();
        assert!(layout.rules.iter().all(|r| r
            .rules
            .iter()
            .all(|rule| !rule.starts_with("SAGEMAKER_STACK_"))));
        let errors =
            Layout::new(&strings(&["stack"]), &[], &bundled_rule_names(), None).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("--families: stack judges templates only"));
        let rule = strings(&["SAGEMAKER_STACK_KMS_KEY_ROTATION"]);
        let errors = Layout::new(&[], &rule, &bundled_rule_names(), None).unwrap_err();
        assert!(errors[0].starts_with("--rules: SAGEMAKER_STACK_KMS_KEY_ROTATION judges"));
    }

    #[test]
    fn the_tag_family_alone_runs_on_every_family() {
        let layout = Layout::new(&strings(&["tags"]), &[], &bundled_rule_names(), None).unwrap();
        assert_eq!(layout.rules.len(), 8);
        assert!(layout.rules.iter().all(|r| r.selector.1 == "tags"));
        assert_eq!(
            layout.rules[0].resource_types,
            ["AWS::SageMaker::NotebookInstance"]
        );
    }
}
