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
pub mod words;

use crate::catalog::{self, RuleInfo};
use crate::confine::Confine;
use crate::diag::{self, Diag};
use crate::document;
use crate::inputs::{self, InputPath, DATA_EXTENSIONS};
use crate::outcome::Outcome;
use crate::rulefiles::{self, LoadedRules};
use model::{FileOutcome, Summary};
use rayon::prelude::*;
use sagerules_core::{Severity, Status};
use sagerules_data::{Node, Value};
use std::collections::{BTreeMap, HashSet};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use termcolor::BufferedStandardStream;

#[derive(Clone, Debug, clap::Args)]
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
    /// Exit 1 when a check could not be decided before deployment (UNKNOWN), as for a failure.
    #[arg(long = "fail-on-unknown")]
    pub fail_on_unknown: bool,
    /// Check data files that are not CloudFormation templates (no `Resources` section) instead
    /// of reporting them as errors.
    #[arg(long = "allow-non-templates")]
    pub allow_non_templates: bool,
    /// Ignore other tools' suppressions in templates (`Metadata.checkov.skip`,
    /// `Metadata.cfn_nag.rules_to_suppress`, `Metadata.guard.SuppressedRules`), which by
    /// default suppress the rules whose `see:` metadata names the same check.
    #[arg(long = "no-foreign-suppressions")]
    pub no_foreign_suppressions: bool,
    /// The largest input read, in bytes or with K, M or G (binary units); default 1M, as
    /// CloudFormation takes template bodies of at most 1 MB.
    #[arg(long = "max-size", value_name = "SIZE", value_parser = inputs::parse_size)]
    pub max_size: Option<u64>,
    /// The gate policy file (default: `.sagerules.yaml` in the current directory, when it
    /// exists); the command line wins over it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Files that templates and rules lead to (product templates, nested stacks, `include`)
    /// must be under this directory (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Follow `include`s and template references outside `--root`.
    #[arg(long = "allow-outside")]
    pub allow_outside: bool,
    /// Read every rules file in this dialect (default: `.guard` files as cfn-guard 3.2.1 reads
    /// them, `.rules` files with the sagerules semantics).
    #[arg(long, value_enum, value_name = "DIALECT")]
    pub dialect: Option<DialectArg>,
    /// Text output: add the evaluator's `[expected X, found Y]` to each finding.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Text output: the rule's description and remediation under every failure (by default the
    /// remediation is shown once per rule and run).
    #[arg(long)]
    pub explain: bool,
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

/// `--dialect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DialectArg {
    Guard,
    Sagerules,
}

impl DialectArg {
    pub fn dialect(self) -> sagerules_core::Dialect {
        match self {
            DialectArg::Guard => sagerules_core::Dialect::Guard,
            DialectArg::Sagerules => sagerules_core::Dialect::Sagerules,
        }
    }
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
    /// The largest input read, in bytes.
    pub max_size: u64,
    /// Whether a document without `Resources` is checked (else it is an error).
    pub allow_non_templates: bool,
    /// Whether other tools' suppressions are ignored.
    pub no_foreign_suppressions: bool,
    /// Where files that a template names may be read from.
    pub confine: &'a Confine,
}

/// Runs `check` and prints its report: the run's own errors first (rules, parameters, paths),
/// then each file as soon as it and the files before it are checked, then the summary.
pub fn run(args: &Args) -> Outcome {
    match crate::config::apply(args) {
        Ok(args) => run_with(&args),
        Err(errors) => {
            diag::eprint_all(&errors);
            Outcome::Error
        }
    }
}

fn run_with(args: &Args) -> Outcome {
    let confine = Confine::new(args.root.as_deref(), args.allow_outside);
    let bundled = args.rules.is_empty();
    let loaded = if bundled {
        rulefiles::bundled()
    } else {
        rulefiles::from_paths_within(&args.rules, &confine, args.dialect.map(DialectArg::dialect))
    };
    let mut run_errors = loaded.errors;
    let params = load_params(args.params.as_ref(), bundled);
    let params_failed = params.is_err();
    let params = params.unwrap_or_else(|mut diags| {
        run_errors.append(&mut diags);
        None
    });
    let (inputs, mut input_errors) = inputs::expand(&args.paths, DATA_EXTENSIONS);
    run_errors.append(&mut input_errors);
    diag::eprint_all(&run_errors);
    let context = Context {
        sets: &loaded.sets,
        params: params.as_ref(),
        max_size: args.max_size.unwrap_or(inputs::DEFAULT_MAX_SIZE),
        allow_non_templates: args.allow_non_templates,
        no_foreign_suppressions: args.no_foreign_suppressions,
        confine: &confine,
    };
    let rules = catalog::rules_of(&loaded.sets);
    let mut report = Reporter::new(args, &rules, &run_errors);
    // Nothing is evaluated with parameters that did not load: findings computed without them
    // would be wrong, not partial.
    let inputs: &[InputPath] = if params_failed { &[] } else { &inputs };
    let written = for_each_checked(inputs, &context, |outcomes| report.add(outcomes));
    let outcome = report.outcome();
    match written.and_then(|()| report.finish()) {
        Ok(()) => outcome,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => outcome,
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            Outcome::Error
        }
    }
}

/// Checks `inputs` in parallel and hands each input's outcomes to `each` in input order, as
/// soon as that input and every one before it are done. Stops handing out (but lets the
/// checks finish) after `each` fails, and returns that error.
///
/// The worker that completes the run of finished inputs hands them out itself, under a
/// lock: a separate writer thread, woken once per input, took a core from the checks on a
/// two-core machine (about 2,000 context switches on the corpus of 2,029 files).
fn for_each_checked(
    inputs: &[InputPath],
    context: &Context<'_>,
    each: impl FnMut(Vec<FileOutcome>) -> io::Result<()> + Send,
) -> io::Result<()> {
    let order = Mutex::new(InOrder {
        next: 0,
        waiting: BTreeMap::new(),
        each,
        result: Ok(()),
    });
    inputs.par_iter().enumerate().for_each(|(index, input)| {
        let outcomes = check_input(input, context);
        order
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .arrive(index, outcomes);
    });
    order
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .result
}

/// Outcomes waiting for the inputs before them.
struct InOrder<F> {
    next: usize,
    waiting: BTreeMap<usize, Vec<FileOutcome>>,
    each: F,
    result: io::Result<()>,
}

impl<F: FnMut(Vec<FileOutcome>) -> io::Result<()>> InOrder<F> {
    /// Input `index` is done: hands out its outcomes and those after it that were waiting,
    /// if every input before it is done; otherwise keeps them.
    fn arrive(&mut self, index: usize, outcomes: Vec<FileOutcome>) {
        if index != self.next {
            self.waiting.insert(index, outcomes);
            return;
        }
        self.hand_out(outcomes);
        while let Some(outcomes) = self.waiting.remove(&self.next) {
            self.hand_out(outcomes);
        }
    }

    fn hand_out(&mut self, outcomes: Vec<FileOutcome>) {
        self.next += 1;
        if self.result.is_ok() {
            self.result = (self.each)(outcomes);
        }
    }
}

/// Prints what `check` found, in the chosen format, and keeps what the exit code needs. The
/// text format is written file by file; the others are one document, written at the end.
struct Reporter<'a> {
    format: OutputFormat,
    rules: &'a [RuleInfo],
    run_errors: &'a [Diag],
    text: text::Writer<'a>,
    stdout: BufferedStandardStream,
    /// Kept only for the formats written at the end.
    files: Vec<FileOutcome>,
    summary: Summary,
    threshold: Option<Severity>,
    fail_on_unknown: bool,
    failed: bool,
    errors: bool,
}

impl<'a> Reporter<'a> {
    fn new(args: &Args, rules: &'a [RuleInfo], run_errors: &'a [Diag]) -> Self {
        let detailing = text::Detailing {
            verbose: args.verbose,
            explain: args.explain,
        };
        let choice =
            diag::color_choice(io::stdout().is_terminal() && args.format == OutputFormat::Text);
        Reporter {
            format: args.format,
            rules,
            run_errors,
            text: text::Writer::new(rules, detailing),
            stdout: BufferedStandardStream::stdout(choice),
            files: Vec::new(),
            summary: Summary {
                errors: run_errors.len(),
                ..Summary::default()
            },
            threshold: args.fail_on.map(FailOn::severity),
            fail_on_unknown: args.fail_on_unknown,
            failed: false,
            errors: !run_errors.is_empty(),
        }
    }

    /// One input's outcomes: its diagnostics on standard error, and (text) its findings.
    fn add(&mut self, outcomes: Vec<FileOutcome>) -> io::Result<()> {
        for file in outcomes {
            self.count(&file);
            let diags: Vec<Diag> = file.warnings.iter().chain(&file.errors).cloned().collect();
            if self.format == OutputFormat::Text {
                self.text.file(&mut self.stdout, &file)?;
                self.stdout.flush()?;
                diag::eprint_all(&diags);
            } else {
                diag::eprint_all(&diags);
                self.files.push(file);
            }
        }
        Ok(())
    }

    fn count(&mut self, file: &FileOutcome) {
        self.summary.add(file);
        let threshold = self.threshold;
        let counts = |severity: Severity| threshold.is_none_or(|t| severity >= t);
        self.failed |= file.verdicts.iter().any(|v| {
            counts(v.severity)
                && (v.status == Status::Fail || (self.fail_on_unknown && !v.unknowns.is_empty()))
        });
        self.errors |= !file.errors.is_empty();
    }

    /// 2 on any error, else 1 when a rule at or above `--fail-on` failed (or, with
    /// `--fail-on-unknown`, could not be decided), else 0.
    fn outcome(&self) -> Outcome {
        match (self.errors, self.failed) {
            (true, _) => Outcome::Error,
            (false, true) => Outcome::Findings,
            (false, false) => Outcome::Ok,
        }
    }

    /// The summary (text), or the whole document (the other formats).
    fn finish(mut self) -> io::Result<()> {
        if self.format == OutputFormat::Text {
            text::write_summary(&mut self.stdout, &self.summary)?;
            return self.stdout.flush();
        }
        let rules = catalog_for(self.rules, &self.files);
        let mut out = io::BufWriter::new(io::stdout().lock());
        match self.format {
            OutputFormat::Json => {
                json::write(&mut out, &self.files, self.run_errors, &self.summary)?
            }
            OutputFormat::Sarif => sarif::write(&mut out, &rules, &self.files, self.run_errors)?,
            OutputFormat::Junit | OutputFormat::Text => {
                junit::write(&mut out, &self.files, self.run_errors)?
            }
        }
        out.flush()
    }
}

/// The parameters document: the file's content, or for the bundled pack its defaults overlaid
/// with the file's content, checked against the pack's parameters. Every problem is reported,
/// each at its value's line and column.
pub(crate) fn load_params(
    path: Option<&PathBuf>,
    bundled: bool,
) -> Result<Option<Node>, Vec<Diag>> {
    let user = match path {
        Some(path) => Some(read_params(path)?),
        None => None,
    };
    if !bundled {
        return Ok(user.map(|(_, _, node)| node));
    }
    let resolved = sagerules_pack::resolve_params_all(user.as_ref().map(|(_, _, node)| node));
    resolved.map(Some).map_err(|errors| {
        let (name, text) = match &user {
            Some((name, text, _)) => (name.as_str(), text.as_str()),
            None => ("parameters", ""),
        };
        errors
            .iter()
            .map(|e| {
                Diag::at_line_col(
                    name,
                    text,
                    e.pos.line as usize,
                    e.pos.col as usize,
                    e.to_string(),
                )
            })
            .collect()
    })
}

/// A `--params` file: its name, text and document, which must be a map (it is merged at the
/// data root).
fn read_params(path: &Path) -> Result<(String, String, Node), Vec<Diag>> {
    let input = InputPath::File(path.to_path_buf());
    let name = input.display();
    let text = input.read().map_err(|d| vec![d])?;
    let node = document::load(&name, text.as_bytes()).map_err(|d| vec![d])?;
    if !matches!(node.value, Value::Map(_) | Value::Null) {
        let message = format!(
            "parameters must be a map (it is merged at the data root), found {}",
            node.value.type_name()
        );
        let (line, col) = (node.pos.line as usize, node.pos.col as usize);
        return Err(vec![Diag::at_line_col(&name, &text, line, col, message)]);
    }
    Ok((name, text, node))
}

/// Loads one input and checks it the CloudFormation way ([`crate::cfn`]): intrinsics expanded,
/// pipeline steps checked as jobs, suppressions applied, and each Service Catalog product
/// template it names checked as an extra [`FileOutcome`].
fn check_input(input: &InputPath, context: &Context<'_>) -> Vec<FileOutcome> {
    let file = input.display();
    let bytes = match input.read_bytes_within(context.max_size) {
        Ok(bytes) => bytes,
        Err(diag) => return vec![FileOutcome::failed(file, diag)],
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(bad) => {
            return vec![FileOutcome::failed(
                file.clone(),
                document::not_utf8(&file, bad.as_bytes()),
            )]
        }
    };
    let (doc, warnings) = match document::load_template(&file, &text) {
        Ok(loaded) => loaded,
        Err(errors) => {
            return vec![FileOutcome {
                file,
                errors,
                ..FileOutcome::default()
            }]
        }
    };
    if !context.allow_non_templates {
        if let Some(why) = not_a_template(&doc) {
            let (line, col) = (doc.pos.line as usize, doc.pos.col as usize);
            let diag = Diag::at_line_col(&file, &text, line, col, why).with_hint(Some(
                "pass --allow-non-templates to check other data with your own rules".into(),
            ));
            return vec![FileOutcome {
                file,
                warnings,
                errors: vec![diag],
                ..FileOutcome::default()
            }];
        }
    }
    let mut outcomes = crate::cfn::check_template(&file, &text, doc, context);
    if let Some(first) = outcomes.first_mut() {
        first.warnings = warnings;
    }
    outcomes
}

/// Why `doc` is not a CloudFormation template, if it is not: CloudFormation requires a
/// `Resources` map with at least one resource, so `hello`, `[1, 2]` and `{}` are not checked
/// (a gate pointed at the wrong file must not go green).
fn not_a_template(doc: &Node) -> Option<String> {
    let Some(map) = doc.as_map() else {
        return Some(format!(
            "not a CloudFormation template: the document is {}, not a map with a Resources section",
            a_or_an(doc.value.type_name())
        ));
    };
    match map.get("Resources").map(|r| &r.value) {
        None => Some("not a CloudFormation template: it has no Resources section".to_string()),
        Some(Value::Map(resources)) if resources.is_empty() => Some(
            "not a CloudFormation template: its Resources section is empty (CloudFormation requires at least one resource)"
                .to_string(),
        ),
        Some(Value::Map(_)) => None,
        Some(other) => Some(format!(
            "not a CloudFormation template: Resources is {}, not a map of resources",
            a_or_an(other.type_name())
        )),
    }
}

/// `list` → `a list`, `int` → `an int`.
fn a_or_an(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

/// The rules' metadata, plus any rule that reported without being in it (the implicit
/// `default` rule), so every SARIF result has its rule.
fn catalog_for(rules: &[RuleInfo], files: &[FileOutcome]) -> Vec<RuleInfo> {
    let mut rules = rules.to_vec();
    let mut known: HashSet<String> = rules.iter().map(|r| r.name.clone()).collect();
    for verdict in files.iter().flat_map(|f| f.verdicts.iter()) {
        if !known.contains(&*verdict.rule) && known.insert(verdict.rule.to_string()) {
            rules.push(RuleInfo {
                name: verdict.rule.to_string(),
                severity: verdict.severity,
                ..RuleInfo::default()
            });
        }
    }
    rules
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    fn outcome(name: &str) -> Vec<FileOutcome> {
        vec![FileOutcome {
            file: name.to_string(),
            ..FileOutcome::default()
        }]
    }

    /// Inputs finishing out of order are handed out in input order, each as soon as those
    /// before it are done; after a failed hand-out nothing more is handed out.
    #[test]
    fn outcomes_are_handed_out_in_input_order_and_stop_after_an_error() {
        let mut seen: Vec<String> = Vec::new();
        let mut order = InOrder {
            next: 0,
            waiting: BTreeMap::new(),
            each: |outcomes: Vec<FileOutcome>| {
                let name = outcomes[0].file.clone();
                seen.push(name.clone());
                if name == "c" {
                    Err(io::Error::other("pipe closed"))
                } else {
                    Ok(())
                }
            },
            result: Ok(()),
        };
        order.arrive(2, outcome("c"));
        order.arrive(1, outcome("b"));
        assert_eq!(order.next, 0, "nothing before input 0 is done");
        order.arrive(0, outcome("a"));
        assert_eq!(order.next, 3);
        order.arrive(3, outcome("d"));
        let result = order.result;
        assert_eq!(seen, ["a", "b", "c"]);
        assert_eq!(result.map_err(|e| e.to_string()), Err("pipe closed".into()));
    }
}
