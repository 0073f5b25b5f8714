//! `sagerules test`: rule unit tests in cfn-guard's format, a YAML or JSON list of
//!
//! ```yaml
//! - name: notebook without a key fails
//!   input: { Resources: { Nb: { Type: AWS::SageMaker::NotebookInstance, Properties: {} } } }
//!   params: { requiredTagKeys: [owner] }     # optional (sagerules extension): Input.params
//!   cfn: true    # optional (sagerules extension): evaluated as `check` does templates, as --cfn
//!   expectations:
//!     rules:
//!       SAGEMAKER_NOTEBOOK_KMS: FAIL
//! ```
//!
//! `sagerules test --rules F --tests T` runs the cases of `T` (a file or a directory) against
//! `F`; `sagerules test DIR` finds every `X.rules`/`X.guard` under `DIR` and runs the test files
//! in the `tests/` folder beside it whose names start with `X`. Exit 0 when every expectation
//! is met, 1 on a mismatch, 2 on an error. As in cfn-guard, a rule without an expectation and an
//! expectation naming a rule the file does not have are reported (the former counted, and
//! listed with `--verbose`) but do not fail the run, unless `--strict` is given. Cases are
//! evaluated with Guard's semantics (the document as written); `--cfn` evaluates them as
//! `check` does templates (intrinsics and parameters expanded).

use crate::check::DialectArg;
use crate::diag::{self, Diag};
use crate::document;
use crate::inputs::{self, InputPath, DATA_EXTENSIONS, RULES_EXTENSIONS};
use crate::outcome::Outcome;
use crate::rulefiles::{self, LoadedRules};
use sagerules_core::report::Report;
use sagerules_core::{evaluate, Input, RuleResult, Status};
use sagerules_data::{Node, Pos};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A directory of rules files, each with its tests in a sibling `tests/` folder.
    #[arg(value_name = "DIR", conflicts_with_all = ["rules", "tests"], required_unless_present = "rules")]
    pub dir: Option<PathBuf>,
    /// The rules file to test.
    #[arg(long, short = 'r', value_name = "FILE", requires = "tests")]
    pub rules: Option<PathBuf>,
    /// A test file, or a directory of them.
    #[arg(long, short = 't', value_name = "PATH", requires = "rules")]
    pub tests: Option<PathBuf>,
    /// Parameters for every case (a case's own `params:` replaces them).
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
    /// Overlay the parameters on the bundled pack's documented defaults, as `check` does.
    #[arg(long)]
    pub pack_defaults: bool,
    /// Evaluate as `check` does: CloudFormation intrinsics and parameters expanded, pipeline
    /// steps checked as jobs, suppressions applied (plain Guard semantics without it).
    #[arg(long)]
    pub cfn: bool,
    /// Fail on rules without an expectation and on expectations for unknown rules.
    #[arg(long)]
    pub strict: bool,
    /// Also list the cases that pass, and the rules a case sets no expectation for.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Read the rules in this dialect (default: by extension, `.guard` as cfn-guard reads it).
    #[arg(long, value_enum, value_name = "DIALECT")]
    pub dialect: Option<DialectArg>,
    /// Exit 0 when no test case is found (by default that is an error: a CI step that tests
    /// nothing must not pass).
    #[arg(long = "allow-empty")]
    pub allow_empty: bool,
}

/// A rules file and the test files that go with it.
#[derive(Debug, PartialEq)]
struct Suite {
    rules: PathBuf,
    tests: Vec<InputPath>,
}

/// Counts over the run.
#[derive(Debug, Default)]
struct Tally {
    cases: usize,
    failed_cases: usize,
    met: usize,
    not_met: usize,
    /// Expectations naming a rule the file does not have.
    notes: usize,
    /// Rules the file has that a case sets no expectation for.
    unexpected: usize,
    errors: Vec<Diag>,
}

pub fn run(args: &Args) -> Outcome {
    let mut tally = Tally::default();
    let suites = suites(args, &mut tally.errors);
    let global = args
        .params
        .as_ref()
        .and_then(|p| load_node(&InputPath::File(p.clone()), &mut tally.errors));
    let mut out = String::new();
    for suite in &suites {
        run_suite(args, suite, global.as_ref(), &mut tally, &mut out);
    }
    if tally.cases == 0 && !args.allow_empty {
        tally.errors.push(no_cases(args));
    }
    summarize(&tally, &mut out);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush());
    diag::eprint_all(&tally.errors);
    let noted = tally.notes > 0 || tally.unexpected > 0;
    let mismatched = tally.not_met > 0 || tally.failed_cases > 0 || (args.strict && noted);
    let outcome = if mismatched {
        Outcome::Findings
    } else {
        Outcome::Ok
    };
    outcome.with_errors(&tally.errors)
}

/// The error for a run that found nothing to test.
fn no_cases(args: &Args) -> Diag {
    let (place, looked) = match (&args.dir, &args.tests) {
        (Some(dir), _) => (
            inputs::display_path(dir),
            "rules files with test files named after them in a sibling tests/ directory (nb.rules → tests/nb_tests.yaml)",
        ),
        (None, Some(tests)) => (inputs::display_path(tests), "test cases in the test files"),
        (None, None) => ("sagerules test".to_string(), "test cases"),
    };
    Diag::file(place, format!("no test cases found (looked for {looked})")).with_hint(Some(
        "pass --allow-empty if testing nothing is intended".into(),
    ))
}

/// The suites to run, from `--rules/--tests` or from a directory.
fn suites(args: &Args, errors: &mut Vec<Diag>) -> Vec<Suite> {
    if let (Some(rules), Some(tests)) = (&args.rules, &args.tests) {
        let (tests, mut missing) = inputs::expand(std::slice::from_ref(tests), DATA_EXTENSIONS);
        errors.append(&mut missing);
        return vec![Suite {
            rules: rules.clone(),
            tests,
        }];
    }
    let Some(dir) = &args.dir else {
        return Vec::new();
    };
    let (rules_files, mut missing) = inputs::expand(std::slice::from_ref(dir), RULES_EXTENSIONS);
    errors.append(&mut missing);
    rules_files
        .into_iter()
        .filter_map(|input| match input {
            InputPath::File(path) => Some(Suite {
                tests: sibling_tests(&path),
                rules: path,
            }),
            InputPath::Stdin => None,
        })
        .filter(|suite| !suite.tests.is_empty())
        .collect()
}

/// Data files in `tests/` beside `rules` whose names start with its stem, in sorted order:
/// `iam.rules` → `tests/iam_tests.yaml`, `tests/iam-more.json`.
fn sibling_tests(rules: &Path) -> Vec<InputPath> {
    let (Some(dir), Some(stem)) = (rules.parent(), rules.file_stem().and_then(|s| s.to_str()))
    else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir.join("tests")) else {
        return Vec::new();
    };
    let mut tests: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && inputs::has_extension(p, DATA_EXTENSIONS))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(stem))
        })
        .collect();
    tests.sort();
    tests.into_iter().map(InputPath::File).collect()
}

fn load_node(input: &InputPath, errors: &mut Vec<Diag>) -> Option<Node> {
    match input
        .read_bytes()
        .and_then(|bytes| document::load(&input.display(), &bytes))
    {
        Ok(node) => Some(node),
        Err(diag) => {
            errors.push(diag);
            None
        }
    }
}

fn run_suite(
    args: &Args,
    suite: &Suite,
    global: Option<&Node>,
    tally: &mut Tally,
    out: &mut String,
) {
    let dialect = args.dialect.map(DialectArg::dialect);
    let loaded = rulefiles::from_paths(std::slice::from_ref(&suite.rules), dialect);
    let rules_name = inputs::display_path(&suite.rules);
    let _ = writeln!(out, "{rules_name}");
    tally.errors.extend(loaded.errors);
    let Some(rules) = loaded.sets.first() else {
        let _ = writeln!(out, "  not run: the rules have errors");
        return;
    };
    for test_file in &suite.tests {
        run_test_file(args, rules, test_file, global, tally, out);
    }
}

fn run_test_file(
    args: &Args,
    rules: &LoadedRules,
    file: &InputPath,
    global: Option<&Node>,
    tally: &mut Tally,
    out: &mut String,
) {
    let name = file.display();
    let _ = writeln!(out, "  {name}");
    let Some(doc) = load_node(file, &mut tally.errors) else {
        return;
    };
    let cases = match cases_of(&doc) {
        Ok(cases) => cases,
        Err((pos, message)) => {
            let text = file.read().unwrap_or_default();
            let (line, col) = (pos.line as usize, pos.col as usize);
            tally
                .errors
                .push(Diag::at_line_col(&name, &text, line, col, message));
            return;
        }
    };
    for case in &cases {
        match params_for(args, case.params.or(global), &name) {
            Ok(params) => {
                let report = run_case(args, rules, case, params.as_ref());
                judge(args, case, &report, &name, tally, out);
            }
            Err(diag) => tally.errors.push(diag),
        }
    }
}

/// Evaluates the rules on one case's input, with its parameters (the CloudFormation way with
/// `--cfn`).
fn run_case(args: &Args, rules: &LoadedRules, case: &Case<'_>, params: Option<&Node>) -> Report {
    if args.cfn || case.cfn {
        let template = sagerules_cfn::Template {
            name: &case.name,
            text: None,
            root: case.input,
        };
        let options = sagerules_cfn::Options {
            params,
            only: None,
            no_foreign_suppressions: false,
            stack_keys_allowed: params.is_some_and(sagerules_pack::params::stack_keys_allowed),
        };
        let checked =
            sagerules_cfn::check(&[&rules.set], template, options, &sagerules_cfn::no_files);
        return checked
            .into_iter()
            .next()
            .and_then(|c| c.reports.into_iter().next())
            .unwrap_or_default();
    }
    let input = Input {
        data: case.input,
        params,
        expander: None,
        only: None,
    };
    evaluate(&rules.set, &input)
}

/// The parameters a case runs with: its own or the global ones, on the pack's defaults if asked.
fn params_for(args: &Args, params: Option<&Node>, file: &str) -> Result<Option<Node>, Diag> {
    if !args.pack_defaults {
        return Ok(params.cloned());
    }
    sagerules_pack::resolve_params(params)
        .map(Some)
        .map_err(|e| Diag::file(file, e.to_string()))
}

/// One test case as written.
#[derive(Debug)]
struct Case<'a> {
    name: String,
    pos: Pos,
    input: &'a Node,
    params: Option<&'a Node>,
    /// `cfn: true`: this case is a template, evaluated as `--cfn` evaluates every case (rules
    /// that follow references, `referenced_ids`, need the template's semantics).
    cfn: bool,
    expectations: Vec<(String, Status)>,
}

/// The cases of a test file, or the first thing wrong with it and where.
fn cases_of(doc: &Node) -> Result<Vec<Case<'_>>, (Pos, String)> {
    let items = doc
        .as_list()
        .ok_or((doc.pos, "a test file is a list of test cases".to_string()))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| case_of(i + 1, item))
        .collect()
}

fn case_of(number: usize, item: &Node) -> Result<Case<'_>, (Pos, String)> {
    let map = item
        .as_map()
        .ok_or((item.pos, format!("test case #{number} is not a map")))?;
    let name = map
        .get("name")
        .and_then(Node::as_str)
        .map_or_else(|| format!("#{number}"), String::from);
    let input = map
        .get("input")
        .ok_or((item.pos, format!("test case {name} has no `input`")))?;
    let rules = map
        .get("expectations")
        .and_then(|e| e.get("rules"))
        .ok_or((
            item.pos,
            format!("test case {name} has no `expectations: rules:`"),
        ))?;
    let rules = rules.as_map().ok_or((
        rules.pos,
        "`expectations: rules:` must map rule names to PASS, FAIL or SKIP".to_string(),
    ))?;
    let expectations = rules
        .iter()
        .map(|(rule, status)| Ok((rule.to_string(), status_of(status)?)))
        .collect::<Result<Vec<_>, (Pos, String)>>()?;
    Ok(Case {
        name,
        pos: item.pos,
        input,
        params: map.get("params"),
        cfn: cfn_of(map.get("cfn"))?,
        expectations,
    })
}

/// `cfn: true` / `cfn: false` (absent: false).
fn cfn_of(node: Option<&Node>) -> Result<bool, (Pos, String)> {
    match node.map(|n| (n, &n.value)) {
        None => Ok(false),
        Some((_, sagerules_data::Value::Bool(on))) => Ok(*on),
        Some((n, _)) => Err((n.pos, "`cfn:` is true or false".to_string())),
    }
}

fn status_of(node: &Node) -> Result<Status, (Pos, String)> {
    match node.as_str().map(str::to_ascii_uppercase).as_deref() {
        Some("PASS") => Ok(Status::Pass),
        Some("FAIL") => Ok(Status::Fail),
        Some("SKIP") => Ok(Status::Skip),
        _ => Err((node.pos, "an expectation is PASS, FAIL or SKIP".to_string())),
    }
}

/// Compares one case's report with its expectations and writes what did not match.
fn judge(
    args: &Args,
    case: &Case<'_>,
    report: &Report,
    file: &str,
    tally: &mut Tally,
    out: &mut String,
) {
    tally.cases += 1;
    let mut lines = String::new();
    let mut failed = false;
    for (rule, expected) in &case.expectations {
        failed |= !check_expectation(report, rule, *expected, tally, &mut lines);
    }
    let expects = |rule: &str| case.expectations.iter().any(|(name, _)| name == rule);
    for result in report.rules.iter().filter(|r| !expects(&r.rule)) {
        tally.unexpected += 1;
        if args.verbose || args.strict {
            let got = result.status.as_str();
            let _ = writeln!(
                lines,
                "      note: no expectation for rule {} (got {got})",
                result.rule
            );
        }
    }
    for error in report.errors.iter().filter(|e| !expects(&e.rule)) {
        let message = format!("case {}: rule {}: {}", case.name, error.rule, error.message);
        tally.errors.push(Diag::file(file, message));
    }
    tally.failed_cases += usize::from(failed);
    if failed || args.verbose || !lines.is_empty() {
        let label = if failed { "FAIL" } else { "ok  " };
        let _ = writeln!(
            out,
            "    {label} {} ({}:{})",
            case.name, case.pos.line, case.pos.col
        );
        out.push_str(&lines);
    }
}

/// Whether `rule` came out as `expected`; writes the mismatch (and the failing checks) if not.
fn check_expectation(
    report: &Report,
    rule: &str,
    expected: Status,
    tally: &mut Tally,
    lines: &mut String,
) -> bool {
    let expected = expected.as_str();
    let Some(result) = report.rules.iter().find(|r| r.rule == rule) else {
        if let Some(error) = report.errors.iter().find(|e| e.rule == rule) {
            tally.not_met += 1;
            let _ = writeln!(
                lines,
                "      {rule}: expected {expected}, got ERROR: {}",
                error.message
            );
            return false;
        }
        tally.notes += 1;
        let _ = writeln!(
            lines,
            "      note: expectation for rule {rule}, which the rules file does not have"
        );
        return true;
    };
    if result.status.as_str() == expected {
        tally.met += 1;
        return true;
    }
    tally.not_met += 1;
    let _ = writeln!(
        lines,
        "      {rule}: expected {expected}, got {}",
        result.status.as_str()
    );
    write_findings(result, lines);
    false
}

/// `/Resources/Nb/Properties/KmsKeyId (6:21): message (expected exists, found missing)` for
/// each failing check of `result`.
fn write_findings(result: &RuleResult, lines: &mut String) {
    for finding in result.resources.iter().flat_map(|r| r.failures.iter()) {
        let what = format!("expected {}, found {}", finding.expected, finding.found);
        let what = match finding
            .message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            Some(message) => format!("{message} ({what})"),
            None => what,
        };
        let (pointer, pos) = (&finding.pointer, finding.pos);
        let _ = writeln!(
            lines,
            "        {pointer} ({}:{}): {what}",
            pos.line, pos.col
        );
    }
}

fn summarize(tally: &Tally, out: &mut String) {
    let _ = writeln!(
        out,
        "Summary: {} ({} with a mismatch); {} ({} met, {} not met); {} for unknown rules; {} without expectation; {}",
        plural(tally.cases, "case"),
        tally.failed_cases,
        plural(tally.met + tally.not_met, "expectation"),
        tally.met,
        tally.not_met,
        plural(tally.notes, "expectation"),
        plural(tally.unexpected, "rule result"),
        plural(tally.errors.len(), "error"),
    );
}

/// `1 case`, `2 cases`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sibling_tests_start_with_the_rules_stem() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("tests")).unwrap();
        for name in ["iam_tests.yaml", "iam-b.json", "s3_tests.yaml", "iam.txt"] {
            std::fs::write(dir.path().join("tests").join(name), "[]").unwrap();
        }
        let found = sibling_tests(&dir.path().join("iam.rules"));
        let names: Vec<String> = found
            .iter()
            .map(|i| i.display().rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(names, ["iam-b.json", "iam_tests.yaml"]);
    }
}
