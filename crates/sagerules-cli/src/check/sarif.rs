//! SARIF 2.1.0 for code-scanning tools (GitHub code scanning among them): one `rule` per rule
//! with its severity and help text, one `result` per failing (rule, resource) whose location is
//! the first failing value (`physicalLocation`) and the resource's logical id
//! (`logicalLocations[0].name`); further failing values of the same resource are
//! `relatedLocations`. Checks that could not be decided are `note` results of kind `review`.
//! Suppressed failures are results with an `inSource` suppression and its justification.
//! Files that could not be read or parsed are error `toolExecutionNotifications`; what could not
//! be checked (a pipeline body in S3) are warning notifications.
//!
//! Only the SARIF properties used here are modelled, as plain serde structs. Rules carry no
//! `name` (the validator wants it omitted when it would repeat the `id`).

use super::model::{suppression_reason, Detail, FileOutcome, Note, Place, Suppressed, Verdict};
use crate::catalog::RuleInfo;
use crate::diag::{Diag, Level};
use sagerules_core::{Severity, Status};
use serde::Serialize;
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation; 1],
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    kind: &'static str,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

/// Writes the SARIF log for the run.
pub fn write(
    out: &mut dyn Write,
    rules: &[RuleInfo],
    files: &[FileOutcome],
    run_errors: &[Diag],
) -> io::Result<()> {
    let errors: Vec<Notification> = run_errors
        .iter()
        .chain(files.iter().flat_map(|f| f.errors.iter()))
        .map(notification)
        .collect();
    let invocation = Invocation {
        execution_successful: errors.is_empty(),
        tool_execution_notifications: errors,
    };
    let mut run = Run {
        tool: Tool {
            driver: driver(rules),
        },
        invocations: [invocation],
        results: Vec::new(),
    };
    for file in files {
        add_file(&mut run, rules, file);
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [run],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// One file's results, suppressed results, and warnings and not-checked notes.
fn add_file(run: &mut Run<'_>, rules: &[RuleInfo], file: &FileOutcome) {
    for verdict in &file.verdicts {
        run.results.extend(results_of(rules, &file.file, verdict));
    }
    run.results.extend(
        file.suppressed
            .iter()
            .map(|s| suppressed_result(rules, &file.file, s)),
    );
    let [invocation] = &mut run.invocations;
    let notifications = &mut invocation.tool_execution_notifications;
    notifications.extend(file.warnings.iter().map(notification));
    notifications.extend(file.notes.iter().map(|n| note_notification(&file.file, n)));
}

fn driver(rules: &[RuleInfo]) -> Driver<'_> {
    let version = env!("CARGO_PKG_VERSION");
    Driver {
        name: "sagerules",
        version,
        semantic_version: version,
        rules: rules.iter().map(descriptor).collect(),
    }
}

fn descriptor(rule: &RuleInfo) -> ReportingDescriptor<'_> {
    let mut tags = vec!["security".to_string()];
    tags.extend(rule.tags.iter().cloned());
    ReportingDescriptor {
        id: &rule.name,
        short_description: Text {
            text: rule.summary().to_string(),
        },
        full_description: Text {
            text: rule
                .description
                .clone()
                .unwrap_or_else(|| rule.summary().to_string()),
        },
        help: help(rule),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            security_severity: security_severity(rule.severity),
            tags,
        },
    }
}

/// The remediation and references, as text and as Markdown.
fn help(rule: &RuleInfo) -> Help {
    let remediation = rule
        .remediation
        .clone()
        .unwrap_or_else(|| rule.summary().to_string());
    let mut text = remediation.clone();
    let mut markdown = remediation;
    if !rule.see.is_empty() {
        text.push_str(&format!("\nSee also: {}", rule.see.join("; ")));
        markdown.push_str("\n\nSee also:\n");
        for see in &rule.see {
            markdown.push_str(&format!("\n- {see}"));
        }
    }
    Help { text, markdown }
}

/// SARIF `level` from the rule's severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score (over 9 critical, 7 high, 4 medium, else low).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// The FAIL result and the undecided `review` results of one verdict.
fn results_of(rules: &[RuleInfo], file: &str, verdict: &Verdict) -> Vec<SarifResult> {
    let rule_index = rules
        .iter()
        .position(|r| *r.name == *verdict.rule)
        .unwrap_or_default();
    let mut results = Vec::new();
    if verdict.status == Status::Fail {
        let first = verdict.failures.first();
        let message = failure_message(verdict);
        let mut result = result(file, verdict, first, rule_index, message);
        result.related_locations = related_places(verdict)
            .map(|place| located(file, verdict, place))
            .collect();
        results.push(result);
    }
    for detail in &verdict.unknowns {
        let mut unknown = result(
            file,
            verdict,
            Some(detail),
            rule_index,
            detail.message.clone(),
        );
        unknown.kind = "review";
        unknown.level = "note";
        results.push(unknown);
    }
    results
}

fn result(
    file: &str,
    verdict: &Verdict,
    detail: Option<&Detail>,
    rule_index: usize,
    message: String,
) -> SarifResult {
    SarifResult {
        rule_id: verdict.rule.to_string(),
        rule_index,
        kind: "fail",
        level: level(verdict.severity),
        message: Text { text: message },
        locations: [location(file, verdict, detail)],
        related_locations: Vec::new(),
        suppressions: Vec::new(),
    }
}

/// A failure set aside in the template: a result with an in-source suppression.
fn suppressed_result(rules: &[RuleInfo], file: &str, s: &Suppressed) -> SarifResult {
    let pointer =
        sagerules_data::Pointer::from_keys(["Resources", s.resource.as_str()]).to_string();
    let logical = LogicalLocation {
        name: s.resource.clone(),
        fully_qualified_name: pointer,
        kind: "resource",
    };
    let mut location = pos_location(file, s.pos);
    location.logical_locations = vec![logical];
    SarifResult {
        rule_id: s.rule.clone(),
        rule_index: rules
            .iter()
            .position(|r| r.name == s.rule)
            .unwrap_or_default(),
        kind: "fail",
        level: level(s.severity),
        message: Text {
            text: format!("{}: suppressed: {}", s.resource, suppression_reason(s)),
        },
        locations: [location],
        related_locations: Vec::new(),
        suppressions: vec![Suppression {
            kind: "inSource",
            justification: suppression_reason(s),
        }],
    }
}

fn place_location(file: &str, place: &Place) -> Location {
    pos_location(file, place.pos)
}

fn pos_location(file: &str, pos: sagerules_data::Pos) -> Location {
    let region = (pos.line > 0).then_some(Region {
        start_line: pos.line,
        start_column: pos.col.max(1),
    });
    Location {
        physical_location: PhysicalLocation {
            artifact_location: artifact(file),
            region,
        },
        logical_locations: Vec::new(),
    }
}

/// Something that could not be checked, as a warning notification.
fn note_notification(file: &str, note: &Note) -> Notification {
    let text = format!("{}: not checked: {}", note.resource, note.message);
    Notification {
        level: "warning",
        message: Text { text },
        locations: vec![pos_location(file, note.pos)],
    }
}

/// "Nb: a KMS key must be set; ..." with every failing check of the verdict.
fn failure_message(verdict: &Verdict) -> String {
    let what: Vec<&str> = verdict
        .failures
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    let what = if what.is_empty() {
        "rule failed".to_string()
    } else {
        what.join("; ")
    };
    match &verdict.resource {
        Some(resource) => format!("{resource}: {what}"),
        None => what,
    }
}

/// Every failing value of a verdict but the first: the other checks' places, then the further
/// values of each check.
fn related_places(verdict: &Verdict) -> impl Iterator<Item = &Place> {
    let others = verdict.failures.iter().skip(1).map(|d| &d.at);
    others.chain(verdict.failures.iter().flat_map(|d| d.also.iter()))
}

fn location(file: &str, verdict: &Verdict, detail: Option<&Detail>) -> Location {
    located(file, verdict, detail.map_or(&verdict.at, |d| &d.at))
}

fn located(file: &str, verdict: &Verdict, place: &Place) -> Location {
    let mut location = place_location(file, place);
    location.logical_locations = verdict
        .resource
        .iter()
        .map(|id| LogicalLocation {
            name: id.clone(),
            fully_qualified_name: verdict.at.pointer.to_string(),
            kind: "resource",
        })
        .collect();
    location
}

fn notification(diag: &Diag) -> Notification {
    let region = (diag.line > 0).then_some(Region {
        start_line: diag.line as u32,
        start_column: diag.column.max(1) as u32,
    });
    let physical_location = PhysicalLocation {
        artifact_location: artifact(&diag.file),
        region,
    };
    Notification {
        level: if diag.level == Level::Warning {
            "warning"
        } else {
            "error"
        },
        message: Text {
            text: diag.message.clone(),
        },
        locations: vec![Location {
            physical_location,
            logical_locations: Vec::new(),
        }],
    }
}

fn artifact(file: &str) -> ArtifactLocation {
    ArtifactLocation {
        uri: uri_path(file),
    }
}

/// A URI for a path: a relative reference for a relative path, a `file://` URI for an absolute
/// one; unreserved characters and `/` kept, the rest percent-encoded (`my file.yaml` →
/// `my%20file.yaml`).
pub fn uri_path(path: &str) -> String {
    let path = if path == "-" { "stdin" } else { path };
    let mut uri = String::with_capacity(path.len() + 7);
    if path.starts_with('/') {
        uri.push_str("file://");
    }
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_path_percent_encodes_reserved_characters() {
        assert_eq!(uri_path("a dir/t#1.yaml"), "a%20dir/t%231.yaml");
        assert_eq!(uri_path("-"), "stdin");
        assert_eq!(uri_path("/work/t.yaml"), "file:///work/t.yaml");
    }

    #[test]
    fn severity_maps_to_level_and_score() {
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(security_severity(Severity::Critical), "9.5");
    }
}
