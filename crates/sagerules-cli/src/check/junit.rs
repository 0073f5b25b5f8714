//! JUnit XML for CI dashboards: one `testsuite` per checked file, one `testcase` per
//! (rule, resource) verdict, named `RULE (resource)`. FAIL is a `failure` listing every failing
//! check as `file:line:col: message`, and checks that could not be decided before deployment go
//! to the test case's `system-out`; SKIP is `skipped`, and so is a suppressed verdict (with
//! its reason); what could not be checked goes to the suite's `system-out`; a file that could not be read or
//! parsed, or a rule that could not be evaluated, is an `error` test case. No timestamps, so
//! the output is the same on every run.

use super::model::{suppression_reason, FileOutcome, Suppressed, Verdict};
use crate::diag::Diag;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use sagerules_core::Status;
use std::io::{self, Write};

/// Writes the JUnit report for the run.
pub fn write(out: &mut dyn Write, files: &[FileOutcome], run_errors: &[Diag]) -> io::Result<()> {
    let mut report = Report::new("sagerules");
    if !run_errors.is_empty() {
        let mut suite = TestSuite::new("sagerules");
        suite.add_test_cases(run_errors.iter().map(error_case));
        report.add_test_suite(suite);
    }
    for file in files {
        report.add_test_suite(suite_of(file));
    }
    report.serialize(&mut *out).map_err(io::Error::other)?;
    writeln!(out)
}

fn suite_of(file: &FileOutcome) -> TestSuite {
    let mut suite = TestSuite::new(file.file.as_str());
    suite.add_test_cases(file.verdicts.iter().map(|v| verdict_case(&file.file, v)));
    suite.add_test_cases(
        file.suppressed
            .iter()
            .map(|s| suppressed_case(&file.file, s)),
    );
    suite.add_test_cases(file.errors.iter().map(error_case));
    if !file.warnings.is_empty() {
        let warnings: Vec<String> = file
            .warnings
            .iter()
            .map(|w| format!("{}: warning: {}", w.location(), w.message))
            .collect();
        suite.set_system_err(warnings.join("\n"));
    }
    if !file.notes.is_empty() {
        let notes: Vec<String> = file
            .notes
            .iter()
            .map(|n| {
                format!(
                    "{}:{}:{}: not checked: {}",
                    file.file, n.pos.line, n.pos.col, n.message
                )
            })
            .collect();
        suite.set_system_out(notes.join("\n"));
    }
    suite
}

fn suppressed_case(file: &str, s: &Suppressed) -> TestCase {
    let mut status = TestCaseStatus::skipped();
    status.set_message(format!("suppressed: {}", suppression_reason(s)));
    let mut case = TestCase::new(format!("{} ({})", s.rule, s.resource), status);
    case.set_classname(file);
    case
}

fn verdict_case(file: &str, verdict: &Verdict) -> TestCase {
    let name = match &verdict.resource {
        Some(resource) => format!("{} ({resource})", verdict.rule),
        None => verdict.rule.to_string(),
    };
    let mut case = TestCase::new(name, status_of(file, verdict));
    case.set_classname(file);
    if !verdict.unknowns.is_empty() {
        let lines: Vec<String> = verdict
            .unknowns
            .iter()
            .map(|d| {
                format!(
                    "{file}:{}:{}: unknown until deployment: {}",
                    d.at.pos.line, d.at.pos.col, d.message
                )
            })
            .collect();
        case.set_system_out(lines.join("\n"));
    }
    case
}

fn status_of(file: &str, verdict: &Verdict) -> TestCaseStatus {
    match verdict.status {
        Status::Pass => TestCaseStatus::success(),
        Status::Skip => TestCaseStatus::skipped(),
        Status::Fail => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let lines: Vec<String> = verdict
                .failures
                .iter()
                .map(|d| format!("{file}:{}:{}: {}", d.at.pos.line, d.at.pos.col, d.message))
                .collect();
            let first = verdict
                .failures
                .first()
                .map_or("rule failed", |d| d.message.as_str());
            status
                .set_message(first)
                .set_type(verdict.severity.as_str())
                .set_description(lines.join("\n"));
            status
        }
    }
}

fn error_case(diag: &Diag) -> TestCase {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    status
        .set_message(diag.message.as_str())
        .set_description(diag.location());
    let mut case = TestCase::new("error", status);
    case.set_classname(diag.file.as_str());
    case
}
