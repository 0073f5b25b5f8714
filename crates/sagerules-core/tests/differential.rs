//! Runs every case in `tests/differential/*.yaml` (verdicts recorded from cfn-guard 3.2.1 by
//! `tests/differential/record.py`) in both dialects ([`Dialect`]):
//!
//! - the Guard dialect (how `.guard` files run) must give Guard's recorded PASS / FAIL / SKIP
//!   per rule, except where a case says `guard_dialect:` why it keeps the sagerules answer
//!   (Guard rejects the rules, errors at run time or panics: the dialect stays a superset);
//! - the sagerules dialect (`.rules` files) must give Guard's verdicts too, or the case's
//!   `expected` where it carries a `deviation`.

// Test helpers outside `#[test]` functions may panic on malformed fixtures.
#![allow(clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use sagerules_core::{evaluate, parse, Dialect, Expander, Expansion, Input, RuleSet, Source};
use sagerules_data::{Format, Node, Value};

struct Case {
    file: String,
    name: String,
    rules: String,
    data: Node,
    params: Option<Node>,
    /// What the sagerules dialect must give.
    want: Verdicts,
    /// What the Guard dialect must give.
    want_guard: Verdicts,
    deviation: Option<String>,
}

/// `{rule: "PASS"}`, or `Err("ERROR")` when the rules are rejected.
type Verdicts = Result<BTreeMap<String, String>, String>;

fn case_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/differential")
}

fn load_cases() -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(case_dir())
        .expect("tests/differential exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for path in files {
        let bytes = std::fs::read(&path).expect("readable case file");
        let doc = sagerules_data::load(&bytes, Format::Yaml).expect("case file is YAML");
        let file = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        for entry in doc.as_list().expect("a list of cases") {
            cases.push(read_case(&file, entry));
        }
    }
    cases
}

fn read_case(file: &str, entry: &Node) -> Case {
    let text = |key: &str| entry.get(key).and_then(Node::as_str).map(str::to_string);
    let recorded = |key: &str| verdicts(entry.get(key).expect("recorded verdicts"));
    let deviation = text("deviation");
    let ours = if deviation.is_some() {
        recorded("expected")
    } else {
        recorded("guard")
    };
    let want_guard = if text("guard_dialect").is_some() {
        ours.clone()
    } else {
        recorded("guard")
    };
    Case {
        file: file.to_string(),
        name: text("name").expect("case name"),
        rules: text("rules").expect("case rules"),
        data: entry.get("data").cloned().expect("case data"),
        params: entry.get("params").cloned(),
        want: ours,
        want_guard,
        deviation,
    }
}

fn verdicts(node: &Node) -> Verdicts {
    match &node.value {
        Value::Map(map) => Ok(map
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_str().expect("a status").to_string()))
            .collect()),
        Value::String(s) => Err(s.to_string()),
        other => panic!("unexpected verdicts {other:?}"),
    }
}

/// Expands nothing and turns off the evaluator's shortcuts, so every case also checks that
/// the general query path gives the same verdicts.
struct Plain;

impl Expander for Plain {
    fn expand<'a>(&'a self, _root: &'a Node, _node: &'a Node) -> Option<Expansion<'a>> {
        None
    }
    fn disable_shortcuts(&self) -> bool {
        true
    }
}

fn run_case(case: &Case, dialect: Dialect) -> Verdicts {
    let fast = run_case_with(case, None, dialect);
    let general = run_case_with(case, Some(&Plain), dialect);
    assert_eq!(
        fast, general,
        "{}::{}: shortcut and general path disagree",
        case.file, case.name
    );
    fast
}

fn run_case_with(case: &Case, expander: Option<&dyn Expander>, dialect: Dialect) -> Verdicts {
    let (file, errors) = parse(&case.rules);
    if !errors.is_empty() {
        return Err(format!(
            "ERROR (parse: {})",
            errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    let source = Source {
        name: "case.guard".into(),
        text: case.rules.clone(),
    };
    let set = RuleSet::build_with(vec![(source, file)], Some(dialect)).map_err(|errors| {
        format!(
            "ERROR (build: {})",
            errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    let input = Input {
        data: &case.data,
        params: case.params.as_ref(),
        expander,
        only: None,
    };
    let report = evaluate(&set, &input);
    if let Some(error) = report.errors.first() {
        return Err(format!("ERROR (eval: {error})"));
    }
    Ok(report
        .rules
        .iter()
        .map(|r| (r.rule.clone(), r.status.as_str().to_string()))
        .collect())
}

fn same(want: &Verdicts, got: &Verdicts) -> bool {
    match (want, got) {
        (Ok(a), Ok(b)) => a == b,
        (Err(_), Err(_)) => true,
        _ => false,
    }
}

#[test]
fn differential_cases_match_cfn_guard() {
    let cases = load_cases();
    assert!(
        cases.len() >= 150,
        "only {} differential cases",
        cases.len()
    );
    let mut failures = Vec::new();
    let mut deviations = 0;
    for case in &cases {
        deviations += usize::from(case.deviation.is_some());
        for (dialect, want) in [
            (Dialect::Sagerules, &case.want),
            (Dialect::Guard, &case.want_guard),
        ] {
            let got = run_case(case, dialect);
            if !same(want, &got) {
                failures.push(format!(
                    "{}::{} ({} dialect)\n    want {:?}\n    got  {:?}",
                    case.file,
                    case.name,
                    dialect.as_str(),
                    want,
                    got
                ));
            }
        }
    }
    println!(
        "differential: {} of {} cases agree ({} deliberate deviations)",
        cases.len() - failures.len(),
        cases.len(),
        deviations
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
