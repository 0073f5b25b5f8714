//! The text output: one line per failing check (and per undecidable check, suppression and
//! thing not checked), then a summary.
//!
//! ```text
//! examples/nb.yaml:14:7: FAIL SAGEMAKER_NOTEBOOK_KMS (high) Notebook [AWS::SageMaker::NotebookInstance]: a KMS key must be set
//! examples/nb.yaml:20:9: UNKNOWN SAGEMAKER_NOTEBOOK_IN_VPC (high) Notebook [...]: SubnetId comes from Fn::ImportValue
//! examples/wk.yaml:8:13: SUPPRESSED SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET (high) Workshop: public workshop, no data
//! 3 files: 2 FAIL, 40 PASS, 66 SKIP verdicts; 2 failures, 1 unknown, 1 suppressed, 0 not checked, 0 warnings, 0 errors
//! ```
//!
//! Errors and warnings are rendered as diagnostics on standard error. Output is written through one buffer,
//! one line per failure, so it stays linear in the number of failures.

use super::model::{Detail, FileOutcome, Note, Summary, Suppressed, Verdict};
use sagerules_core::Status;
use std::io;
use termcolor::{Color, ColorSpec, WriteColor};

/// Writes every failing and undecided check of `files`, then the summary line.
pub fn write(out: &mut dyn WriteColor, files: &[FileOutcome], summary: &Summary) -> io::Result<()> {
    for file in files {
        for verdict in &file.verdicts {
            write_verdict(out, &file.file, verdict)?;
        }
        for suppressed in &file.suppressed {
            write_suppressed(out, &file.file, suppressed)?;
        }
        for note in &file.notes {
            write_note(out, &file.file, note)?;
        }
    }
    write_summary(out, summary)
}

fn write_verdict(out: &mut dyn WriteColor, file: &str, verdict: &Verdict) -> io::Result<()> {
    if verdict.status == Status::Fail {
        if verdict.failures.is_empty() {
            let detail = Detail {
                at: verdict.at.clone(),
                message: "rule failed".to_string(),
                expected: String::new(),
                found: String::new(),
            };
            write_line(out, file, verdict, &detail, Label::Fail)?;
        }
        for detail in &verdict.failures {
            write_line(out, file, verdict, detail, Label::Fail)?;
        }
    }
    for detail in &verdict.unknowns {
        write_line(out, file, verdict, detail, Label::Unknown)?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Label {
    Fail,
    Unknown,
}

fn write_line(
    out: &mut dyn WriteColor,
    file: &str,
    verdict: &Verdict,
    detail: &Detail,
    label: Label,
) -> io::Result<()> {
    let (tag, color) = match label {
        Label::Fail => ("FAIL", Color::Red),
        Label::Unknown => ("UNKNOWN", Color::Yellow),
    };
    write_tag(out, file, detail.at.pos, tag, color)?;
    write!(out, " {} ({})", verdict.rule, verdict.severity.as_str())?;
    if let Some(resource) = &verdict.resource {
        write!(out, " {resource}")?;
    }
    if let Some(kind) = &verdict.resource_type {
        write!(out, " [{kind}]")?;
    }
    writeln!(out, ": {}", detail.message)
}

fn write_tag(
    out: &mut dyn WriteColor,
    file: &str,
    pos: sagerules_data::Pos,
    tag: &str,
    color: Color,
) -> io::Result<()> {
    out.set_color(ColorSpec::new().set_bold(true))?;
    write!(out, "{file}:{}:{}:", pos.line, pos.col)?;
    out.set_color(ColorSpec::new().set_fg(Some(color)).set_bold(true))?;
    write!(out, " {tag}")?;
    out.reset()
}

fn write_suppressed(out: &mut dyn WriteColor, file: &str, s: &Suppressed) -> io::Result<()> {
    write_tag(out, file, s.at.pos, "SUPPRESSED", Color::Cyan)?;
    writeln!(
        out,
        " {} ({}) {}: {}",
        s.rule,
        s.severity.as_str(),
        s.resource,
        s.reason
    )
}

fn write_note(out: &mut dyn WriteColor, file: &str, note: &Note) -> io::Result<()> {
    write_tag(out, file, note.at.pos, "NOT CHECKED", Color::Yellow)?;
    match &note.resource {
        Some(resource) => writeln!(out, " {resource}: {}", note.message),
        None => writeln!(out, " {}", note.message),
    }
}

fn write_summary(out: &mut dyn WriteColor, s: &Summary) -> io::Result<()> {
    let files = if s.files == 1 { "file" } else { "files" };
    writeln!(
        out,
        "{} {files}: {} FAIL, {} PASS, {} SKIP verdicts; {} failures, {} unknown, {} suppressed, {} not checked, {} warnings, {} errors",
        s.files, s.fail, s.pass, s.skip, s.failures, s.unknown, s.suppressed, s.notes, s.warnings, s.errors
    )
}
