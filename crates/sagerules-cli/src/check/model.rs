//! What `check` found, per file, independent of the output format: the core's [`Report`]s
//! turned into verdicts that carry file positions, and the errors. Verdicts are made from the
//! reports alone (a resource's position comes with its result), after the document is dropped,
//! so memory follows the number of verdicts, not of documents.

use super::words;
use crate::diag::Diag;
use sagerules_core::ast::Span;
use sagerules_core::{Finding, Report, ResourceResult, RuleResult, Severity, SourceId, Status};
use sagerules_data::{Pointer, Pos};
use std::sync::Arc;

/// One (rule, resource) verdict in one file.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// Shared by the rule's verdicts (one per resource it reached).
    pub rule: Arc<str>,
    pub severity: Severity,
    pub status: Status,
    /// The logical id, or `None` for the document as a whole (or a rule that reached nothing).
    pub resource: Option<String>,
    pub resource_type: Option<Arc<str>>,
    /// Where the resource is: `/Resources/Nb` and its position.
    pub at: Place,
    /// One per failing check (empty unless `status` is FAIL).
    pub failures: Vec<Detail>,
    /// Checks that could not be decided before deployment.
    pub unknowns: Vec<Detail>,
}

/// A JSON pointer and the position of the value it names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Place {
    pub pointer: Pointer,
    pub pos: Pos,
}

/// One failing or undecided check (a clause of the rule), however many values failed it.
#[derive(Clone, Debug, PartialEq)]
pub struct Detail {
    /// The first value that failed the check.
    pub at: Place,
    /// For a person ([`words`]): the rule's message when it has one, else what the value is and
    /// what the rule requires.
    pub message: String,
    /// The evaluator's short texts, shown by the JSON and SARIF outputs and by `--verbose`.
    pub expected: String,
    pub found: String,
    /// The other values that failed the same check (a second production variant, a second
    /// allowed value of a parameter).
    pub also: Vec<Place>,
}

/// A verdict set aside on purpose (reported as suppressed, never as a pass) and something that
/// could not be checked (a pipeline body in S3, say): the CloudFormation layer's own types, shown
/// as they are.
pub use sagerules_cfn::{Note, Suppressed};

/// How a suppression is shown: its reason, after the other tool's check when it is one
/// (`checkov skip CKV_AWS_187: sample data`).
pub fn suppression_reason(s: &Suppressed) -> String {
    match s.origin.label() {
        Some(label) => format!("{label}: {}", s.reason),
        None => s.reason.clone(),
    }
}

/// `/Resources/<id>` of the resource a note is about.
pub fn note_pointer(note: &Note) -> Pointer {
    Pointer::from_keys(["Resources", note.resource.as_str()])
}

/// Everything about one checked document (an input file, or a template it leads to).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileOutcome {
    pub file: String,
    pub verdicts: Vec<Verdict>,
    pub suppressed: Vec<Suppressed>,
    pub notes: Vec<Note>,
    /// Problems that did not stop the check (a key written twice: the later value counts).
    pub warnings: Vec<Diag>,
    pub errors: Vec<Diag>,
}

impl FileOutcome {
    pub fn failed(file: String, error: Diag) -> FileOutcome {
        FileOutcome {
            file,
            errors: vec![error],
            ..FileOutcome::default()
        }
    }

    /// Adds one rule set's report on a document whose root is at `root` (line 1, column 1
    /// unless the text starts with blank lines or comments).
    pub fn add_report(&mut self, root: Pos, report: Report) {
        let count: usize = report.rules.iter().map(|r| r.resources.len().max(1)).sum();
        self.verdicts.reserve(count);
        for rule in report.rules {
            push_verdicts(&mut self.verdicts, root, rule);
        }
        for error in report.errors {
            let message = format!(
                "rule {} could not be evaluated: {}",
                error.rule, error.message
            );
            self.errors.push(Diag::file(&self.file, message));
        }
    }
}

/// The verdicts of one rule: one per resource it reached, or one SKIP when it reached none.
fn push_verdicts(out: &mut Vec<Verdict>, root: Pos, rule: RuleResult) {
    if rule.resources.is_empty() {
        let at = Place {
            pointer: Pointer::root(),
            pos: root,
        };
        out.push(Verdict {
            rule: rule.rule.into(),
            severity: rule.severity,
            status: rule.status,
            resource: None,
            resource_type: None,
            at,
            failures: Vec::new(),
            unknowns: Vec::new(),
        });
        return;
    }
    let (name, severity): (Arc<str>, _) = (rule.rule.into(), rule.severity);
    out.extend(
        rule.resources
            .into_iter()
            .map(|r| verdict(&name, severity, r)),
    );
}

fn verdict(rule: &Arc<str>, severity: Severity, result: ResourceResult) -> Verdict {
    let at = resource_place(result.resource.as_deref(), result.pos);
    Verdict {
        rule: Arc::clone(rule),
        severity,
        status: result.status,
        failures: details(&at, result.failures, words::failure),
        unknowns: details(&at, result.unknowns, words::undecided),
        resource: result.resource,
        resource_type: result.resource_type,
        at,
    }
}

type Wording = fn(&Finding, &dyn Fn(&sagerules_data::Pointer) -> String) -> String;

/// One [`Detail`] per check (clause of the rule), in the order the checks first failed; the
/// further values that failed the same check become its `also` places.
fn details(resource: &Place, findings: Vec<Finding>, wording: Wording) -> Vec<Detail> {
    // Room for a detail per finding (most have one): pushed one by one, a verdict's first
    // detail took room for four, 10 MB for the 20k failures of the 20k-resource template.
    let mut keys: Vec<(SourceId, Span, Arc<str>)> = Vec::with_capacity(findings.len());
    let mut out: Vec<Detail> = Vec::with_capacity(findings.len());
    for finding in findings {
        let key = (
            finding.source,
            finding.span,
            finding.message.clone().unwrap_or_default(),
        );
        let place = place_of(resource, &finding);
        match keys.iter().position(|k| *k == key) {
            Some(i) => {
                if let Some(detail) = out.get_mut(i) {
                    if detail.at != place && !detail.also.contains(&place) {
                        detail.also.push(place);
                    }
                }
            }
            None => {
                keys.push(key);
                out.push(detail(resource, place, &finding, wording));
            }
        }
    }
    out.shrink_to_fit();
    out
}

/// `/Resources/<id>` (the root for `None`, the document as a whole) at `pos`.
pub fn resource_place(resource: Option<&str>, pos: Pos) -> Place {
    let pointer = match resource {
        Some(id) => Pointer::from_keys(["Resources", id]),
        None => Pointer::root(),
    };
    Place { pointer, pos }
}

/// Where a finding is: its pointer, and its position (its resource's when the evaluator made
/// the value up).
fn place_of(resource: &Place, finding: &Finding) -> Place {
    let pos = if finding.pos == Pos::default() {
        resource.pos
    } else {
        finding.pos
    };
    Place {
        pointer: finding.pointer.clone(),
        pos,
    }
}

fn detail(resource: &Place, at: Place, finding: &Finding, wording: Wording) -> Detail {
    let path = |pointer: &Pointer| relative_path(&resource.pointer, pointer);
    Detail {
        at,
        message: wording(finding, &path),
        expected: finding.expected.clone(),
        found: finding.found.clone(),
        also: Vec::new(),
    }
}

/// `/Resources/Nb/Properties/KmsKeyId` under `/Resources/Nb` → `Properties.KmsKeyId`.
fn relative_path(resource: &Pointer, pointer: &Pointer) -> String {
    let keys: Vec<_> = match pointer.under(resource) {
        Some(under) => under.collect(),
        None => pointer.keys().collect(),
    };
    if keys.is_empty() {
        "the resource".to_string()
    } else {
        keys.join(".")
    }
}

/// Counts over a whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    /// (file, rule, resource) verdicts by status.
    pub pass: usize,
    pub fail: usize,
    pub skip: usize,
    /// Failing checks (a failing verdict has one or more).
    pub failures: usize,
    /// Checks that could not be decided before deployment.
    pub unknown: usize,
    pub suppressed: usize,
    pub notes: usize,
    pub warnings: usize,
    pub errors: usize,
}

impl Summary {
    /// Counts one more checked document.
    pub fn add(&mut self, file: &FileOutcome) {
        self.files += 1;
        self.errors += file.errors.len();
        self.suppressed += file.suppressed.len();
        self.notes += file.notes.len();
        self.warnings += file.warnings.len();
        for verdict in &file.verdicts {
            self.count(verdict);
        }
    }

    fn count(&mut self, verdict: &Verdict) {
        match verdict.status {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::Skip => self.skip += 1,
        }
        self.failures += verdict
            .failures
            .len()
            .max(usize::from(verdict.status == Status::Fail));
        self.unknown += verdict.unknowns.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(pos: Pos, message: Option<&str>) -> Finding {
        Finding {
            pointer: Pointer::parse("/Resources/Nb/Properties/KmsKeyId").unwrap(),
            pos,
            expected: "exists".into(),
            found: "missing".into(),
            message: message.map(Arc::from),
            source: SourceId(0),
            span: Span::default(),
            alternatives: Vec::new(),
        }
    }

    #[test]
    fn a_made_up_position_falls_back_to_the_resource() {
        let result = ResourceResult {
            resource: Some("Nb".into()),
            resource_type: None,
            pos: Pos::new(3, 3),
            status: Status::Fail,
            failures: vec![
                finding(Pos::default(), None),
                finding(Pos::new(9, 7), Some(" set a key ")),
            ],
            unknowns: vec![],
        };
        let v = verdict(&Arc::from("R"), Severity::High, result);
        assert_eq!(v.at.pointer, "/Resources/Nb");
        assert_eq!(v.failures[0].at.pos, Pos::new(3, 3));
        assert_eq!(
            v.failures[0].message,
            "Properties.KmsKeyId is not set, but it must be set"
        );
        assert_eq!(v.failures[1].at.pos, Pos::new(9, 7));
        assert_eq!(v.failures[1].message, "set a key");
    }

    #[test]
    fn relative_path_drops_the_resource_prefix() {
        let path = |resource: &str, pointer: &str| {
            relative_path(
                &Pointer::parse(resource).unwrap(),
                &Pointer::parse(pointer).unwrap(),
            )
        };
        assert_eq!(
            path("/Resources/Nb", "/Resources/Nb/Properties/Tags/0"),
            "Properties.Tags.0"
        );
        assert_eq!(path("/Resources/Nb", "/Resources/Nb"), "the resource");
        assert_eq!(path("", "/Parameters/a~1b"), "Parameters.a/b");
        assert_eq!(path("/Resources/N", "/Resources/Nb/X"), "Resources.Nb.X");
    }

    #[test]
    fn resource_places_escape_their_keys() {
        let place = resource_place(Some("a/b~c"), Pos::new(2, 3));
        assert_eq!(place.pointer.to_string(), "/Resources/a~1b~0c");
        assert_eq!(place.pos, Pos::new(2, 3));
    }
}
