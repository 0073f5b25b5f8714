//! The JSON output: exactly one object.
//!
//! ```json
//! {"results": [{"file": "nb.yaml", "rule": "SAGEMAKER_NOTEBOOK_KMS", "status": "FAIL",
//!               "resource": "Nb", "resource_type": "AWS::SageMaker::NotebookInstance",
//!               "path": "/Resources/Nb/Properties/KmsKeyId", "line": 9, "column": 7,
//!               "message": "...", "severity": "high", "expected": "exists", "found": "missing"}],
//!  "unknowns": [...same fields, status "UNKNOWN"...],
//!  "suppressed": [{"file", "rule", "resource", "line", "column", "reason", "severity"}],
//!  "not_checked": [{"file", "resource", "path", "line", "column", "message"}],
//!  "warnings": [{"file", "line", "column", "message"}],      (a duplicate key, say)
//!  "errors": [{"file": "bad.yaml", "line": 3, "column": 1, "message": "..."}],
//!  "summary": {"files": 2, "pass": 1, "fail": 1, ...}}
//! ```
//!
//! `results` has one entry per failing check (a resource failing two checks of a rule gives two
//! FAIL entries) and one per passing or skipped (rule, resource). `path`, `line` and `column`
//! are the failing value's, or the resource's for PASS and SKIP; they are null for a rule that
//! reached nothing.

use super::model::{
    note_pointer, suppression_reason, Detail, FileOutcome, Note, Summary, Suppressed, Verdict,
};
use crate::diag::Diag;
use sagerules_core::Status;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Output<'a> {
    results: Vec<Row<'a>>,
    unknowns: Vec<Row<'a>>,
    suppressed: Vec<SuppressedRow<'a>>,
    not_checked: Vec<NoteRow<'a>>,
    warnings: Vec<ErrorRow<'a>>,
    errors: Vec<ErrorRow<'a>>,
    summary: &'a Summary,
}

#[derive(Serialize)]
struct SuppressedRow<'a> {
    file: &'a str,
    rule: &'a str,
    resource: &'a str,
    line: u32,
    column: u32,
    reason: String,
    severity: &'static str,
}

#[derive(Serialize)]
struct NoteRow<'a> {
    file: &'a str,
    resource: Option<&'a str>,
    path: String,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct Row<'a> {
    file: &'a str,
    rule: &'a str,
    status: &'static str,
    resource: Option<&'a str>,
    resource_type: Option<&'a str>,
    path: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    message: Option<&'a str>,
    severity: &'static str,
    expected: Option<&'a str>,
    found: Option<&'a str>,
    /// The further values that failed the same check.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    also: Vec<PlaceRow>,
}

#[derive(Serialize)]
struct PlaceRow {
    path: String,
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct ErrorRow<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

/// Writes the one JSON object for the whole run, followed by a newline.
pub fn write(
    out: &mut dyn Write,
    files: &[FileOutcome],
    run_errors: &[Diag],
    summary: &Summary,
) -> io::Result<()> {
    let mut output = Output {
        results: Vec::new(),
        unknowns: Vec::new(),
        suppressed: Vec::new(),
        not_checked: Vec::new(),
        warnings: Vec::new(),
        errors: Vec::new(),
        summary,
    };
    output.errors.extend(run_errors.iter().map(error_row));
    for file in files {
        for verdict in &file.verdicts {
            add_verdict(&mut output, &file.file, verdict);
        }
        output.suppressed.extend(
            file.suppressed
                .iter()
                .map(|s| suppressed_row(&file.file, s)),
        );
        output
            .not_checked
            .extend(file.notes.iter().map(|n| note_row(&file.file, n)));
        output.warnings.extend(file.warnings.iter().map(error_row));
        output.errors.extend(file.errors.iter().map(error_row));
    }
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}

fn add_verdict<'a>(output: &mut Output<'a>, file: &'a str, verdict: &'a Verdict) {
    if verdict.status == Status::Fail && !verdict.failures.is_empty() {
        output.results.extend(
            verdict
                .failures
                .iter()
                .map(|d| detail_row(file, verdict, d, "FAIL")),
        );
    } else {
        output.results.push(verdict_row(file, verdict));
    }
    output.unknowns.extend(
        verdict
            .unknowns
            .iter()
            .map(|d| detail_row(file, verdict, d, "UNKNOWN")),
    );
}

fn verdict_row<'a>(file: &'a str, verdict: &'a Verdict) -> Row<'a> {
    let located = verdict.resource.is_some();
    Row {
        file,
        rule: &verdict.rule,
        status: verdict.status.as_str(),
        resource: verdict.resource.as_deref(),
        resource_type: verdict.resource_type.as_deref(),
        path: located.then(|| verdict.at.pointer.to_string()),
        line: located.then_some(verdict.at.pos.line),
        column: located.then_some(verdict.at.pos.col),
        message: None,
        severity: verdict.severity.as_str(),
        expected: None,
        found: None,
        also: Vec::new(),
    }
}

fn detail_row<'a>(
    file: &'a str,
    verdict: &'a Verdict,
    detail: &'a Detail,
    status: &'static str,
) -> Row<'a> {
    Row {
        status,
        path: Some(detail.at.pointer.to_string()),
        line: Some(detail.at.pos.line),
        column: Some(detail.at.pos.col),
        message: Some(&detail.message),
        expected: Some(&detail.expected),
        found: Some(&detail.found),
        also: detail
            .also
            .iter()
            .map(|p| PlaceRow {
                path: p.pointer.to_string(),
                line: p.pos.line,
                column: p.pos.col,
            })
            .collect(),
        ..verdict_row(file, verdict)
    }
}

fn suppressed_row<'a>(file: &'a str, s: &'a Suppressed) -> SuppressedRow<'a> {
    SuppressedRow {
        file,
        rule: &s.rule,
        resource: &s.resource,
        line: s.pos.line,
        column: s.pos.col,
        reason: suppression_reason(s),
        severity: s.severity.as_str(),
    }
}

fn note_row<'a>(file: &'a str, note: &'a Note) -> NoteRow<'a> {
    NoteRow {
        file,
        resource: Some(&note.resource),
        path: note_pointer(note).to_string(),
        line: note.pos.line,
        column: note.pos.col,
        message: &note.message,
    }
}

fn error_row(diag: &Diag) -> ErrorRow<'_> {
    let located = diag.line > 0;
    ErrorRow {
        file: &diag.file,
        line: located.then_some(diag.line),
        column: located.then_some(diag.column),
        message: &diag.message,
    }
}
