//! Checking one template the CloudFormation way: pipeline steps added as job resources,
//! intrinsics expanded, suppressions applied, and Service Catalog product templates followed.
//!
//! ```text
//! template ─┬─ pipeline steps ──▶ template + "<Pipeline>/<Step>" resources ──evaluate(CfnExpander)──▶ Report
//!           │                                                             suppressions applied ──▶ Checked
//!           └─ product artifacts with a local template ──FileReader──▶ check (alone, then once per provisioning)
//! ```

use crate::catalog::{Catalog, LocalArtifact, Provisioner};
use crate::error::{CfnError, Note, NoteKind};
use crate::expand::{CfnExpander, Provisioning, Registered};
use crate::explain::explain;
use crate::pipeline::{self, Steps};
use crate::references;

use crate::suppress::{Suppressed, Suppressions};
use crate::worlds;
use sagerules_core::{evaluate, Expander, Input, Report, RuleSet};
use sagerules_data::{Node, Value};
use std::collections::HashMap;

/// How deep product templates may name further product templates.
const MAX_NESTING: usize = 8;

/// Reads the files a template names (Service Catalog product templates). This crate does no
/// I/O of its own.
pub trait FileReader {
    /// Reads `path`, written in the template shown as `from` and relative to its directory.
    /// Returns the name to show for the file (and to pass as `from` for the files it names)
    /// and its bytes, or a one-line reason.
    fn read(&self, from: &str, path: &str) -> Result<(String, Vec<u8>), String>;
}

impl<F> FileReader for F
where
    F: Fn(&str, &str) -> Result<(String, Vec<u8>), String>,
{
    fn read(&self, from: &str, path: &str) -> Result<(String, Vec<u8>), String> {
        self(from, path)
    }
}

/// A reader for callers that follow no files: every product template is reported unreadable.
pub fn no_files(_from: &str, path: &str) -> Result<(String, Vec<u8>), String> {
    Err(format!("{path}: files are not read in this context"))
}

/// A loaded template.
#[derive(Clone, Copy, Debug)]
pub struct Template<'a> {
    /// The name shown for it (usually its path).
    pub name: &'a str,
    /// Its source text, used to map the lines of pipeline bodies written as YAML block
    /// scalars; `None` maps every step to its body's position.
    pub text: Option<&'a str>,
    pub root: &'a Node,
}

/// What the caller passes through to the evaluator.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options<'a> {
    /// Rule parameters (`--params`).
    pub params: Option<&'a Node>,
    /// Evaluate only these rules.
    pub only: Option<&'a [String]>,
    /// Ignore other tools' suppressions (`Metadata.checkov.skip`, `Metadata.cfn_nag`,
    /// `Metadata.guard`); by default each suppresses the rules whose `#@ see:` names its check.
    pub no_foreign_suppressions: bool,
    /// KMS keys the template creates pass key allow-lists (the pack's `allowStackKeys`);
    /// otherwise such a comparison is unknown until deployment.
    pub stack_keys_allowed: bool,
}

/// The results for one document: the template given, or a product template it leads to.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    /// The file's name as shown.
    pub file: String,
    /// How this document was reached, for a product template: "Service Catalog product
    /// Notebook (artifact v1) in portfolio.yaml", "..., provisioned by Analytics".
    pub context: Option<String>,
    /// For a product template checked with a provisioning's parameter values: who provisions
    /// it ("provisioned product Analytics"). The same file is also checked alone, without.
    pub provisioned_by: Option<String>,
    /// The text of a file this crate read (a product template), for source snippets; `None`
    /// for the caller's own template.
    pub text: Option<String>,
    /// Rule verdicts, one report per rule set given (in order), suppressed verdicts removed.
    /// Pipeline steps appear as resources `<Pipeline>/<Step>`.
    pub reports: Vec<Report>,
    /// Verdicts set aside by `Metadata.sagerules.suppress`.
    pub suppressed: Vec<Suppressed>,
    /// What could not be checked.
    pub notes: Vec<Note>,
    pub errors: Vec<CfnError>,
}

/// Checks `template` and every local product template it names with each rule set; the
/// template's own results come first.
pub fn check(
    sets: &[&RuleSet],
    template: Template<'_>,
    options: Options<'_>,
    files: &dyn FileReader,
) -> Vec<Checked> {
    let mut out = Vec::new();
    check_each(sets, template, options, files, &mut |_, checked| {
        out.push(checked)
    });
    out
}

/// [`check`], handing each document's results to `visit` with the document that was
/// evaluated (the template plus its pipeline steps), whose `Resources.<id>` positions locate
/// every resource reported, steps included.
pub fn check_each(
    sets: &[&RuleSet],
    template: Template<'_>,
    options: Options<'_>,
    files: &dyn FileReader,
    visit: &mut dyn FnMut(&Node, Checked),
) {
    let job = Job {
        sets,
        options,
        files,
    };
    job.document(template, Context::default(), visit);
}

struct Job<'a> {
    sets: &'a [&'a RuleSet],
    options: Options<'a>,
    files: &'a dyn FileReader,
}

/// The rules whose `#@ see:` names `entry` (`checkov:CKV_AWS_187`), each once. Asked only
/// for the other tools' suppressions a template carries, so a scan of the `see:` lists (a few
/// hundred short strings) beats building an index for every template.
fn rules_seeing(sets: &[&RuleSet], entry: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let seeing = sets
        .iter()
        .flat_map(|set| set.rules())
        .filter(|rule| rule.see.iter().any(|see| see.trim() == entry));
    for rule in seeing {
        if !names.contains(&rule.name) {
            names.push(rule.name.clone());
        }
    }
    names
}

/// Where a document sits: who led to it, and which files are being checked above it.
#[derive(Clone, Default)]
struct Context<'p> {
    label: Option<String>,
    text: Option<String>,
    ancestors: Vec<String>,
    provisioning: Option<Provisioning<'p>>,
}

/// A combination of parameter values: its label, its values and its expander.
type WorldExpander<'p> = (String, HashMap<String, Node>, CfnExpander<'p>);

/// One expander per combination of parameter values to judge, with its label, or a note
/// when there are too many; none for a provisioned template (its values are fixed).
fn world_expanders<'p>(
    prepared: &'p Prepared<'_>,
    expander: &CfnExpander<'_>,
) -> (Vec<WorldExpander<'p>>, Option<Note>) {
    if expander.is_provisioned() {
        return (Vec::new(), None);
    }
    let data = prepared.data();
    match worlds::of(data, &expander.reached_parameters()) {
        worlds::Worlds::None => (Vec::new(), None),
        worlds::Worlds::Each(list) => {
            let expanders = list
                .into_iter()
                .map(|world| {
                    let expander = prepared
                        .expander()
                        .with_stack_keys_allowed(expander.stack_keys_allowed())
                        .with_world(world.values.clone())
                        .with_free_values_meeting_conditions(world.free);
                    (world.label, world.values, expander)
                })
                .collect();
            (expanders, None)
        }
        worlds::Worlds::TooMany { count, parameters } => {
            let pos = data.get("Parameters").map_or(data.pos, |p| p.pos);
            let note = Note {
                resource: "Parameters".to_string(),
                pos,
                kind: NoteKind::CombinationsNotJudged,
                message: format!(
                    "{count} combinations of {} are too many to judge one by one (at most {}): each value was judged on its own, so a rule guarded by one of them may be skipped where a combination would fail",
                    parameters.join(", "),
                    worlds::MAX_WORLDS
                ),
            };
            (Vec::new(), Some(note))
        }
    }
}

/// A template made ready for evaluation: its `Fn::ForEach` loops expanded
/// ([`crate::foreach`]) and its pipeline steps added as resources.
pub struct Prepared<'t> {
    root: &'t Node,
    augmented: Option<Node>,
    steps: Steps,
    /// Loops that could not be expanded.
    notes: Vec<Note>,
}

impl<'t> Prepared<'t> {
    /// Reads `template`'s pipelines with the rule pack's step adapter.
    pub fn new(template: Template<'t>) -> Self {
        Self::from_steps(template.root, pipeline::read(template.root, template.text))
    }

    /// Uses steps read some other way ([`pipeline::read_with`]).
    pub fn from_steps(root: &'t Node, steps: Steps) -> Self {
        let (expanded, notes) = match crate::foreach::expand(root) {
            Some((expanded, notes)) => (Some(expanded), notes),
            None => (None, Vec::new()),
        };
        let augmented = match with_steps(expanded.as_ref().unwrap_or(root), &steps) {
            Some(augmented) => Some(augmented),
            None => expanded,
        };
        Self {
            root,
            augmented,
            steps,
            notes,
        }
    }

    /// The document to evaluate: the template plus a resource per pipeline step.
    pub fn data(&self) -> &Node {
        self.augmented.as_ref().unwrap_or(self.root)
    }

    /// The expander for [`Prepared::data`], pipeline parameters included.
    pub fn expander(&self) -> CfnExpander<'_> {
        let data = self.data();
        CfnExpander::new(data).with_extra(step_values(data, &self.steps))
    }

    /// What reading the pipelines found: steps, notes (a definition in S3) and errors.
    pub fn steps(&self) -> &Steps {
        &self.steps
    }
}

impl Job<'_> {
    fn document(
        &self,
        template: Template<'_>,
        context: Context<'_>,
        visit: &mut dyn FnMut(&Node, Checked),
    ) {
        let prepared = Prepared::new(template);
        let data = prepared.data();
        let mut expander = prepared
            .expander()
            .with_stack_keys_allowed(self.options.stack_keys_allowed);
        if let Some(provisioning) = context.provisioning.clone() {
            expander = expander.with_provisioning(provisioning);
        }
        let (mut suppressions, mut errors) = Suppressions::read(template.root);
        if !self.options.no_foreign_suppressions {
            suppressions.add_foreign(template.root, &|tool, id| {
                rules_seeing(self.sets, &format!("{tool}:{id}"))
            });
        }
        let base = self.value_by_value(data, &expander);
        let (worlds, worlds_note) = world_expanders(&prepared, &expander);
        let (reports, suppressed) = self.evaluate_all(data, base, &worlds, &suppressions);
        let catalog = Catalog::read(data);
        let mut notes = prepared.steps.notes.clone();
        notes.extend(prepared.notes.iter().cloned());
        notes.extend(worlds_note);
        notes.extend(self.unknown_rules(&suppressions, &reports));
        notes.extend(catalog.notes.iter().cloned());
        errors.extend(prepared.steps.errors.iter().cloned());
        errors.extend(references::undeclared(template.root));
        let products =
            self.load_products(template.name, &catalog, &context, &mut errors, &mut notes);
        let checked = Checked {
            file: template.name.to_string(),
            context: context.label.clone(),
            provisioned_by: context.provisioning.as_ref().map(|p| p.by.clone()),
            text: context.text.clone(),
            reports,
            suppressed,
            notes,
            errors,
        };
        visit(data, checked);
        self.products(
            template.name,
            &catalog,
            products,
            &expander,
            data,
            &context,
            visit,
        );
    }

    /// Every rule set's report on `data`, each parameter value judged on its own, findings
    /// explained; the expander records the parameters the rules reached.
    fn value_by_value(&self, data: &Node, expander: &CfnExpander<'_>) -> Vec<Report> {
        let input = Input {
            data,
            params: self.options.params,
            expander: Some(expander),
            only: self.options.only,
        };
        self.sets
            .iter()
            .map(|set| {
                let mut report = evaluate(set, &input);
                explain(&mut report, data, expander);
                report
            })
            .collect()
    }

    /// Every rule set's report on `data`: `base` (value by value), or merged over the
    /// combinations of parameter values when there are any ([`worlds`]); suppressions applied.
    fn evaluate_all(
        &self,
        data: &Node,
        base: Vec<Report>,
        worlds: &[(String, HashMap<String, Node>, CfnExpander<'_>)],
        suppressions: &Suppressions,
    ) -> (Vec<Report>, Vec<Suppressed>) {
        let input = Input {
            data,
            params: self.options.params,
            expander: None,
            only: self.options.only,
        };
        let mut reports = Vec::with_capacity(self.sets.len());
        let mut suppressed = Vec::new();
        for (set, base) in self.sets.iter().zip(base) {
            let mut report = if worlds.is_empty() {
                base
            } else {
                // A world judged with free values meeting conditions only matters when its
                // twin (same values, the first half) compared a free value in a condition.
                let half = worlds.len() / 2;
                let judged = worlds
                    .iter()
                    .enumerate()
                    .filter(|(i, (_, _, world))| {
                        !world.free_values_meet_conditions()
                            || worlds
                                .get(i.wrapping_sub(half))
                                .is_some_and(|(_, _, twin)| twin.met_free_value())
                    })
                    .map(|(_, (label, values, world))| {
                        let input = Input {
                            expander: Some(world),
                            ..input
                        };
                        let mut found = evaluate(set, &input);
                        explain(&mut found, data, world);
                        for rule in &mut found.rules {
                            rule.resources.retain(|r| {
                                r.resource
                                    .as_deref()
                                    .is_none_or(|id| worlds::present(data, id, values))
                            });
                        }
                        (label.clone(), found)
                    })
                    .collect();
                worlds::merge(judged)
            };
            suppressed.extend(suppressions.apply(&mut report));
            reports.push(report);
        }
        (reports, suppressed)
    }

    /// Notes for suppressions naming rules the rule set did not report on.
    fn unknown_rules(&self, suppressions: &Suppressions, reports: &[Report]) -> Vec<Note> {
        if self.options.only.is_some() {
            return Vec::new();
        }
        let known = |rule: &str| {
            reports.iter().any(|report| {
                report.rules.iter().any(|r| r.rule == rule)
                    || report.errors.iter().any(|e| e.rule == rule)
            })
        };
        suppressions
            .iter()
            .filter(|(_, s)| !known(&s.rule))
            .map(|(id, s)| Note {
                resource: id.to_string(),
                pos: s.pos,
                kind: NoteKind::UnknownRule,
                message: format!(
                    "the suppression names rule {}, which is not in the rule set",
                    s.rule
                ),
            })
            .collect()
    }

    /// Reads and loads every local product (or nested stack) template. A product template
    /// that fails is an error of the naming document; a nested stack's is a note (nested
    /// stacks are followed as a courtesy, and `aws cloudformation package` reports them).
    fn load_products(
        &self,
        from: &str,
        catalog: &Catalog<'_>,
        context: &Context<'_>,
        errors: &mut Vec<CfnError>,
        notes: &mut Vec<Note>,
    ) -> Vec<Option<Loaded>> {
        let mut loaded = Vec::with_capacity(catalog.artifacts.len());
        for artifact in &catalog.artifacts {
            match self.load_product(from, artifact, context) {
                Ok(template) => loaded.push(Some(template)),
                Err(error) if artifact.alone => {
                    errors.push(error);
                    loaded.push(None);
                }
                Err(error) => {
                    notes.push(unreadable_note(artifact, &error));
                    loaded.push(None);
                }
            }
        }
        loaded
    }

    /// Checks each loaded product template alone, then once per provisioning of it.
    #[expect(
        clippy::too_many_arguments,
        reason = "the recursion's whole state; a struct would only rename it"
    )]
    fn products<'o>(
        &self,
        from: &str,
        catalog: &Catalog<'o>,
        loaded: Vec<Option<Loaded>>,
        expander: &'o CfnExpander<'o>,
        data: &'o Node,
        context: &Context<'_>,
        visit: &mut dyn FnMut(&Node, Checked),
    ) {
        let mut ancestors = context.ancestors.clone();
        ancestors.push(from.to_string());
        for (artifact, loaded) in catalog.artifacts.iter().zip(loaded) {
            let Some(Loaded { name, text, root }) = loaded else {
                continue;
            };
            let product = Template {
                name: &name,
                text: Some(&text),
                root: &root,
            };
            let label = product_label(artifact, from);
            if artifact.alone {
                let alone = Context {
                    label: Some(label.clone()),
                    text: Some(text.clone()),
                    ancestors: ancestors.clone(),
                    provisioning: None,
                };
                self.document(product, alone, visit);
            }
            for provisioner in catalog.provisioners_of(artifact) {
                let fixed = Context {
                    label: Some(provisioned_label(&label, artifact, provisioner)),
                    text: Some(text.clone()),
                    ancestors: ancestors.clone(),
                    provisioning: Some(provisioning(provisioner, expander, data)),
                };
                self.document(product, fixed, visit);
            }
        }
    }

    /// Reads and loads one product template.
    fn load_product(
        &self,
        from: &str,
        artifact: &LocalArtifact,
        context: &Context<'_>,
    ) -> Result<Loaded, CfnError> {
        let failure = |message: String, unreadable: bool| {
            let (resource, pos, path) = (
                artifact.product.clone(),
                artifact.pos,
                artifact.path.clone(),
            );
            if unreadable {
                CfnError::ProductTemplateUnreadable {
                    resource,
                    pos,
                    path,
                    message,
                }
            } else {
                CfnError::ProductTemplateInvalid {
                    resource,
                    pos,
                    path,
                    message,
                }
            }
        };
        let (name, bytes) = self
            .files
            .read(from, &artifact.path)
            .map_err(|m| failure(m, true))?;
        let nested = context.ancestors.len() >= MAX_NESTING;
        if nested || context.ancestors.contains(&name) || name == from {
            return Err(failure(
                "it includes itself (directly or through other products)".into(),
                false,
            ));
        }
        let root = sagerules_data::load_for_path(&name, &bytes)
            .map_err(|e| failure(e.to_string(), false))?;
        Ok(Loaded {
            name,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            root,
        })
    }
}

/// "the nested stack template inner.yaml cannot be read (No such file ...): it is not checked".
fn unreadable_note(artifact: &LocalArtifact, error: &CfnError) -> Note {
    let reason = match error {
        CfnError::ProductTemplateUnreadable { message, .. }
        | CfnError::ProductTemplateInvalid { message, .. } => message.as_str(),
        _ => "",
    };
    Note {
        resource: artifact.product.clone(),
        pos: artifact.pos,
        kind: NoteKind::NotCheckable,
        message: format!(
            "the {} template {} cannot be used ({reason}): it is not checked",
            artifact.kind, artifact.path
        ),
    }
}

/// A product template read and loaded.
struct Loaded {
    name: String,
    text: String,
    root: Node,
}

/// "Service Catalog product Notebook (artifact v1) in portfolio.yaml".
fn product_label(artifact: &LocalArtifact, file: &str) -> String {
    let LocalArtifact { kind, product, .. } = artifact;
    match &artifact.name {
        Some(name) => format!("{kind} {product} (artifact {name}) in {file}"),
        None => format!("{kind} {product} in {file}"),
    }
}

/// "..., provisioned product Analytics"; a nested stack is its own provisioning.
fn provisioned_label(
    label: &str,
    artifact: &LocalArtifact,
    provisioner: &Provisioner<'_>,
) -> String {
    if provisioner.id == artifact.product {
        return label.to_string();
    }
    format!("{label}, {} {}", provisioner.kind, provisioner.id)
}

fn provisioning<'o>(
    provisioner: &Provisioner<'o>,
    expander: &'o CfnExpander<'o>,
    data: &'o Node,
) -> Provisioning<'o> {
    Provisioning {
        by: format!("{} {}", provisioner.kind, provisioner.id),
        values: provisioner.values.clone(),
        outer: Some((expander as &dyn Expander, data)),
    }
}

/// The template with its pipeline steps added as resources; `None` when it has none.
fn with_steps(root: &Node, steps: &Steps) -> Option<Node> {
    if steps.resources.is_empty() {
        return None;
    }
    let mut augmented = root.clone();
    let Value::Map(top) = &mut augmented.value else {
        return None;
    };
    let Some(Value::Map(resources)) = top.get_mut("Resources").map(|r| &mut r.value) else {
        return None;
    };
    for (id, resource) in &steps.resources {
        resources.insert(id.as_str().into(), resource.clone());
    }
    Some(augmented)
}

/// Expansions for the pipeline values inside the step resources of `data`.
fn step_values(data: &Node, steps: &Steps) -> HashMap<usize, Registered> {
    let mut out = HashMap::new();
    let resources = data.get("Resources");
    for (id, _) in &steps.resources {
        let pipeline = id.split_once('/').map_or(id.as_str(), |(p, _)| p);
        let (Some(resource), Some(declared)) = (
            resources.and_then(|r| r.get(id)),
            steps.parameters.get(pipeline),
        ) else {
            continue;
        };
        pipeline::pipeline_values(pipeline, resource, declared, &mut out);
    }
    out
}
