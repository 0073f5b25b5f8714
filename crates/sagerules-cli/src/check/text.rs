//! The text output: one line per failing check (and per undecidable check, suppression and
//! thing not checked), then a summary.
//!
//! ```text
//! examples/nb.yaml:14:7: FAIL SAGEMAKER_NOTEBOOK_KMS (high) Notebook [AWS::SageMaker::NotebookInstance]: a KMS key must be set
//!     remediation: Set KmsKeyId to a customer managed KMS key ...
//! examples/nb.yaml:20:9: UNKNOWN SAGEMAKER_NOTEBOOK_IN_VPC (high) Notebook [...]: cannot be decided before deployment: SubnetId must be set, and its value is ...
//! examples/wk.yaml:8:13: SUPPRESSED SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET (high) Workshop: public workshop, no data
//! 3 files: 2 FAIL, 40 PASS, 66 SKIP verdicts; 2 failures, 1 unknown, 1 suppressed, 0 not checked, 0 warnings, 0 errors
//! ```
//!
//! A rule's remediation is printed under its first failure of the run (`--explain`: under
//! every failure, with the rule's description). `--verbose` adds the evaluator's raw
//! `[expected X, found Y]` to each line. Files are written one at a time, as soon as each is
//! checked, so one slow input never holds back the report of those before it. Errors and
//! warnings are rendered as diagnostics on standard error.

use super::model::{suppression_reason, Detail, FileOutcome, Note, Summary, Suppressed, Verdict};
use crate::catalog::RuleInfo;
use sagerules_core::Status;
use std::collections::HashSet;
use std::io;
use termcolor::{Color, ColorSpec, WriteColor};

/// How much the text output says.
#[derive(Clone, Copy, Debug, Default)]
pub struct Detailing {
    /// Append `[expected X, found Y]` to each line.
    pub verbose: bool,
    /// Remediation (and description) under every failure, not only the first of each rule.
    pub explain: bool,
}

/// Writes files one at a time, remembering which rules' remediation it has shown.
pub struct Writer<'r> {
    rules: &'r [RuleInfo],
    detailing: Detailing,
    explained: HashSet<String>,
}

impl<'r> Writer<'r> {
    pub fn new(rules: &'r [RuleInfo], detailing: Detailing) -> Self {
        Writer {
            rules,
            detailing,
            explained: HashSet::new(),
        }
    }

    /// Every failing and undecided check of `file`, its suppressions and what was not checked.
    pub fn file(&mut self, out: &mut dyn WriteColor, file: &FileOutcome) -> io::Result<()> {
        for verdict in &file.verdicts {
            self.verdict(out, &file.file, verdict)?;
        }
        for suppressed in &file.suppressed {
            write_suppressed(out, &file.file, suppressed)?;
        }
        for note in &file.notes {
            write_note(out, &file.file, note)?;
        }
        Ok(())
    }

    fn verdict(
        &mut self,
        out: &mut dyn WriteColor,
        file: &str,
        verdict: &Verdict,
    ) -> io::Result<()> {
        if verdict.status == Status::Fail {
            if verdict.failures.is_empty() {
                let detail = Detail {
                    at: verdict.at.clone(),
                    message: "rule failed".to_string(),
                    expected: String::new(),
                    found: String::new(),
                    also: Vec::new(),
                };
                self.line(out, file, verdict, &detail, Label::Fail)?;
            }
            for detail in &verdict.failures {
                self.line(out, file, verdict, detail, Label::Fail)?;
            }
            self.explain(out, &verdict.rule)?;
        }
        for detail in &verdict.unknowns {
            self.line(out, file, verdict, detail, Label::Unknown)?;
        }
        Ok(())
    }

    fn line(
        &self,
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
        write!(out, ": {}", detail.message)?;
        if !detail.also.is_empty() {
            let places: Vec<String> = detail
                .also
                .iter()
                .map(|p| format!("{}:{}", p.pos.line, p.pos.col))
                .collect();
            write!(out, " (also at {})", places.join(", "))?;
        }
        if self.detailing.verbose && !detail.expected.is_empty() {
            write!(
                out,
                " [expected {}, found {}]",
                detail.expected, detail.found
            )?;
        }
        writeln!(out)
    }

    /// The rule's remediation, once per run (every time with `--explain`, with its
    /// description).
    fn explain(&mut self, out: &mut dyn WriteColor, rule: &str) -> io::Result<()> {
        if !self.detailing.explain && !self.explained.insert(rule.to_string()) {
            return Ok(());
        }
        let Some(info) = self.rules.iter().find(|r| r.name == rule) else {
            return Ok(());
        };
        if self.detailing.explain {
            if let Some(why) = info.description.as_ref().or(info.title.as_ref()) {
                writeln!(out, "    why: {}", why.trim())?;
            }
        }
        if let Some(remediation) = &info.remediation {
            writeln!(out, "    remediation: {}", remediation.trim())?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Label {
    Fail,
    Unknown,
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
    write_tag(out, file, s.pos, "SUPPRESSED", Color::Cyan)?;
    writeln!(
        out,
        " {} ({}) {}: {}",
        s.rule,
        s.severity.as_str(),
        s.resource,
        suppression_reason(s)
    )
}

fn write_note(out: &mut dyn WriteColor, file: &str, note: &Note) -> io::Result<()> {
    write_tag(out, file, note.pos, "NOT CHECKED", Color::Yellow)?;
    writeln!(out, " {}: {}", note.resource, note.message)
}

/// The last line: counts over the whole run.
pub fn write_summary(out: &mut dyn WriteColor, s: &Summary) -> io::Result<()> {
    let files = if s.files == 1 { "file" } else { "files" };
    writeln!(
        out,
        "{} {files}: {} FAIL, {} PASS, {} SKIP verdicts; {} failures, {} unknown, {} suppressed, {} not checked, {} warnings, {} errors",
        s.files, s.fail, s.pass, s.skip, s.failures, s.unknown, s.suppressed, s.notes, s.warnings, s.errors
    )
}
