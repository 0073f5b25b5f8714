//! `sagerules check`: evaluate rules on data files and report every failure with its
//! `file:line:col`.
//!
//! ```text
//! sagerules check templates/                      # the bundled SageMaker rule pack
//! sagerules check --rules my.rules --format sarif t.yaml > results.sarif
//! ```
//!
//! Files are checked in parallel; each document is dropped as soon as its verdicts are made, and
//! results are printed in input order. Exit code: 0 nothing failed, 1 a rule failed (at or above
//! `--fail-on`), 2 an error (rules, parameters or a data file could not be read or parsed); a
//! bad file never stops the others from being checked and reported.

mod json;
mod junit;
pub mod model;
mod sarif;
mod text;

use crate::catalog::{self, RuleInfo};
use crate::diag::{self, Diag};
use crate::document;
use crate::inputs::{self, InputPath, DATA_EXTENSIONS};
use crate::outcome::Outcome;
use crate::rulefiles::{self, LoadedRules};
use model::{FileOutcome, Summary};
use rayon::prelude::*;
use sagerules_core::{Severity, Status};
use sagerules_data::Node;
use std::collections::HashSet;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use termcolor::BufferedStandardStream;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rules files or directories (`.rules`, `.guard`); the bundled SageMaker pack when absent.
    #[arg(long = "rules", short = 'r', value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Input parameters (JSON or YAML), visible at the data root; for the bundled pack, they
    /// override the pack's documented defaults.
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
    /// Output format: failures as text lines, one JSON object, SARIF 2.1.0, or JUnit XML.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Exit 1 only for failures of rules at least this severe (default: any failure).
    #[arg(long = "fail-on", value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// Data files or directories (`.yaml .yml .json .jsn .template`); `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
    Junit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Critical => Severity::Critical,
            FailOn::High => Severity::High,
            FailOn::Medium => Severity::Medium,
            FailOn::Low => Severity::Low,
            FailOn::Info => Severity::Info,
        }
    }
}

/// What every file is checked with.
pub struct Context<'a> {
    pub sets: &'a [LoadedRules],
    pub params: Option<&'a Node>,
}

/// Runs `check` and prints its report.
pub fn run(args: &Args) -> Outcome {
    let bundled = args.rules.is_empty();
    let loaded = if bundled {
        rulefiles::bundled()
    } else {
        rulefiles::from_paths(&args.rules)
    };
    let mut run_errors = loaded.errors;
    let params = load_params(args.params.as_ref(), bundled).unwrap_or_else(|diag| {
        run_errors.push(diag);
        None
    });
    let (inputs, mut input_errors) = inputs::expand(&args.paths, DATA_EXTENSIONS);
    run_errors.append(&mut input_errors);
    let context = Context {
        sets: &loaded.sets,
        params: params.as_ref(),
    };
    let files = check_all(&inputs, &context);
    let rules = catalog_for(&loaded.sets, &files);
    let outcome = outcome_of(&files, &run_errors, args.fail_on.map(FailOn::severity));
    eprint_diagnostics(&run_errors, &files);
    match print(args.format, &rules, &files, &run_errors) {
        Ok(()) => outcome,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => outcome,
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            Outcome::Error
        }
    }
}

/// Every error and warning on standard error: the run's, then each file's, in input order.
fn eprint_diagnostics(run_errors: &[Diag], files: &[FileOutcome]) {
    diag::eprint_all(run_errors);
    let per_file: Vec<Diag> = files
        .iter()
        .flat_map(|f| f.warnings.iter().chain(&f.errors).cloned())
        .collect();
    diag::eprint_all(&per_file);
}

/// The parameters document: the file's content, or for the bundled pack its defaults overlaid
/// with the file's content.
fn load_params(path: Option<&PathBuf>, bundled: bool) -> Result<Option<Node>, Diag> {
    let user = match path {
        Some(path) => {
            let input = InputPath::File(path.clone());
            Some(document::load(&input.display(), &input.read_bytes()?)?)
        }
        None => None,
    };
    if !bundled {
        return Ok(user);
    }
    let name = path.map_or_else(|| "parameters".to_string(), |p| inputs::display_path(p));
    sagerules_pack::resolve_params(user.as_ref())
        .map(Some)
        .map_err(|e| Diag::file(name, e.to_string()))
}

/// Checks every input in parallel; the result keeps input order (an input's own document
/// first, then any document it leads to).
pub fn check_all(inputs: &[InputPath], context: &Context<'_>) -> Vec<FileOutcome> {
    let per_input: Vec<Vec<FileOutcome>> = inputs
        .par_iter()
        .map(|input| check_input(input, context))
        .collect();
    per_input.into_iter().flatten().collect()
}

/// Loads one input and checks it the CloudFormation way ([`crate::cfn`]): intrinsics expanded,
/// pipeline steps checked as jobs, suppressions applied, and each Service Catalog product
/// template it names checked as an extra [`FileOutcome`].
fn check_input(input: &InputPath, context: &Context<'_>) -> Vec<FileOutcome> {
    let file = input.display();
    let loaded = input
        .read_bytes()
        .and_then(|bytes| document::load_with_warnings(&file, &bytes).map(|doc| (bytes, doc)));
    match loaded {
        Ok((bytes, (doc, warnings))) => {
            let text = loaded_text(bytes);
            let mut outcomes = crate::cfn::check_template(&file, &text, &doc, context);
            if let Some(first) = outcomes.first_mut() {
                first.warnings = warnings;
            }
            outcomes
        }
        Err(diag) => vec![FileOutcome::failed(file, diag)],
    }
}

/// The text of bytes that loaded, so valid UTF-8: taken without a copy (the lossy
/// conversion, a copy, is only a fallback that a loaded document never needs).
fn loaded_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The rules' metadata, plus any rule that reported without being in it (the implicit
/// `default` rule), so every SARIF result has its rule.
fn catalog_for(sets: &[LoadedRules], files: &[FileOutcome]) -> Vec<RuleInfo> {
    let mut rules = catalog::rules_of(sets);
    let mut known: HashSet<String> = rules.iter().map(|r| r.name.clone()).collect();
    for verdict in files.iter().flat_map(|f| f.verdicts.iter()) {
        if !known.contains(&verdict.rule) && known.insert(verdict.rule.clone()) {
            rules.push(RuleInfo {
                name: verdict.rule.clone(),
                severity: verdict.severity,
                ..RuleInfo::default()
            });
        }
    }
    rules
}

/// 2 on any error, else 1 when a rule at or above `threshold` failed, else 0.
fn outcome_of(files: &[FileOutcome], run_errors: &[Diag], threshold: Option<Severity>) -> Outcome {
    let counts = |severity: Severity| threshold.is_none_or(|t| severity >= t);
    let failed = files
        .iter()
        .flat_map(|f| f.verdicts.iter())
        .any(|v| v.status == Status::Fail && counts(v.severity));
    let errors = !run_errors.is_empty() || files.iter().any(|f| !f.errors.is_empty());
    match (errors, failed) {
        (true, _) => Outcome::Error,
        (false, true) => Outcome::Findings,
        (false, false) => Outcome::Ok,
    }
}

fn print(
    format: OutputFormat,
    rules: &[RuleInfo],
    files: &[FileOutcome],
    run_errors: &[Diag],
) -> io::Result<()> {
    let summary = Summary::of(files, run_errors.len());
    if format == OutputFormat::Text {
        let choice = diag::color_choice(io::stdout().is_terminal());
        let mut out = BufferedStandardStream::stdout(choice);
        text::write(&mut out, files, &summary)?;
        return out.flush();
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        OutputFormat::Json => json::write(&mut out, files, run_errors, &summary)?,
        OutputFormat::Sarif => sarif::write(&mut out, rules, files, run_errors)?,
        OutputFormat::Junit | OutputFormat::Text => junit::write(&mut out, files, run_errors)?,
    }
    out.flush()
}
