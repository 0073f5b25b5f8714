//! Evaluator behaviour beyond PASS/FAIL/SKIP parity (which `differential.rs` covers):
//! per-resource verdicts, findings (pointer, position, expected/found, messages), runtime
//! errors, `only`, input parameters, the `Expander` hook, and build-time errors.

// Helpers outside `#[test]` functions may panic on malformed fixtures.
#![allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use sagerules_core::ruleset::RuleInfo;
use sagerules_core::{
    evaluate, parse, Alternative, CompileError, Expander, Expansion, Input, Report, RuleSet,
    Severity, Source, Status,
};
use sagerules_data::{Format, Node};

fn yaml(text: &str) -> Node {
    sagerules_data::load(text.as_bytes(), Format::Yaml).expect("test data is YAML")
}

fn build(rules: &str) -> Result<RuleSet, Vec<CompileError>> {
    let (file, errors) = parse(rules);
    assert!(errors.is_empty(), "parse errors: {errors:?}");
    RuleSet::build(vec![(
        Source {
            name: "t.rules".into(),
            text: rules.into(),
        },
        file,
    )])
}

fn run_with(
    rules: &str,
    data: &str,
    params: Option<&str>,
    expander: Option<&dyn Expander>,
    only: Option<&[String]>,
) -> Report {
    let set = build(rules).expect("rules build");
    let data = yaml(data);
    let params = params.map(yaml);
    evaluate(
        &set,
        &Input {
            data: &data,
            params: params.as_ref(),
            expander,
            only,
        },
    )
}

fn run(rules: &str, data: &str) -> Report {
    run_with(rules, data, None, None, None)
}

fn assert_status(rules: &str, data: &str, want: &[(&str, Status)]) {
    let report = run(rules, data);
    assert!(
        report.errors.is_empty(),
        "runtime errors: {:?}",
        report.errors
    );
    let got: Vec<(&str, Status)> = report
        .rules
        .iter()
        .map(|r| (r.rule.as_str(), r.status))
        .collect();
    assert_eq!(got, want, "rules:\n{rules}");
}

fn build_errors(rules: &str) -> Vec<CompileError> {
    build(rules).expect_err("build should fail")
}

const TWO_NOTEBOOKS: &str = "
Resources:
  Good:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      RootAccess: Disabled
  Bad:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      RootAccess: Enabled
  Bucket:
    Type: AWS::S3::Bucket
";

const ROOT_ACCESS: &str = "rule no_root {
  AWS::SageMaker::NotebookInstance {
    Properties.RootAccess == 'Disabled' << root access must be disabled >>
  }
}";

#[test]
fn type_block_gives_a_verdict_per_reached_resource() {
    let report = run(ROOT_ACCESS, TWO_NOTEBOOKS);
    let rule = &report.rules[0];
    assert_eq!(rule.status, Status::Fail);
    let verdicts: Vec<(Option<&str>, Status)> = rule
        .resources
        .iter()
        .map(|r| (r.resource.as_deref(), r.status))
        .collect();
    assert_eq!(
        verdicts,
        [(Some("Good"), Status::Pass), (Some("Bad"), Status::Fail)]
    );
    assert_eq!(
        rule.resources[1].resource_type.as_deref(),
        Some("AWS::SageMaker::NotebookInstance")
    );
}

#[test]
fn finding_has_pointer_position_expected_found_and_message() {
    let report = run(ROOT_ACCESS, TWO_NOTEBOOKS);
    let finding = &report.rules[0].resources[1].failures[0];
    assert_eq!(finding.pointer, "/Resources/Bad/Properties/RootAccess");
    assert_eq!((finding.pos.line, finding.pos.col), (10, 19));
    assert_eq!(finding.expected, "== \"Disabled\"");
    assert_eq!(finding.found, "\"Enabled\"");
    assert_eq!(
        finding.message.as_deref(),
        Some("root access must be disabled")
    );
    let span_text = &ROOT_ACCESS[finding.span.start as usize..finding.span.end as usize];
    assert!(
        span_text.starts_with("Properties.RootAccess =="),
        "span covers {span_text:?}"
    );
}

#[test]
fn missing_key_points_at_nearest_parent_plus_key() {
    let report = run(
        "rule kms { AWS::SageMaker::NotebookInstance { Properties.KmsKeyId exists } }",
        TWO_NOTEBOOKS,
    );
    let bad = &report.rules[0].resources[0];
    assert_eq!(bad.status, Status::Fail);
    let finding = &bad.failures[0];
    assert_eq!(finding.pointer, "/Resources/Good/Properties/KmsKeyId");
    assert_eq!(finding.pos.line, 6, "position of the Properties map");
    assert_eq!(
        (finding.expected.as_str(), finding.found.as_str()),
        ("exists", "missing")
    );
}

#[test]
fn pointer_escapes_slash_and_tilde() {
    let report = run(
        "rule r { Resources.A.Properties.'a/b~c' == 1 }",
        "Resources: {A: {Properties: {'a/b~c': 2}}}",
    );
    assert_eq!(
        report.rules[0].resources[0].failures[0].pointer,
        "/Resources/A/Properties/a~1b~0c"
    );
}

#[test]
fn list_elements_get_index_pointers() {
    let report = run(
        "rule r { Resources.A.Tags[*].Key == 'team' }",
        "Resources: {A: {Tags: [{Key: team}, {Key: env}]}}",
    );
    let failure = &report.rules[0].resources[0].failures[0];
    assert_eq!(
        (failure.pointer.to_string().as_str(), failure.found.as_str()),
        ("/Resources/A/Tags/1/Key", "\"env\"")
    );
}

#[test]
fn skipped_rule_reaches_no_resource() {
    let report = run(
        "rule m { AWS::SageMaker::Model { Properties.VpcConfig exists } }",
        TWO_NOTEBOOKS,
    );
    assert_eq!(report.rules[0].status, Status::Skip);
    assert!(report.rules[0].resources.is_empty());
}

#[test]
fn values_outside_resources_belong_to_the_document() {
    let report = run(
        "rule v { AWSTemplateFormatVersion == '2010-09-09' }",
        "AWSTemplateFormatVersion: '2009'\n",
    );
    let resources = &report.rules[0].resources;
    assert_eq!(resources.len(), 1);
    assert_eq!(
        (resources[0].resource.as_deref(), resources[0].status),
        (None, Status::Fail)
    );
    assert_eq!(
        resources[0].failures[0].pointer,
        "/AWSTemplateFormatVersion"
    );
}

#[test]
fn filters_and_when_conditions_do_not_count_as_reaching() {
    let rules = "rule r when Resources.Bucket.Type exists { Resources.*[ Type == 'AWS::S3::Bucket' ].Type exists }";
    let report = run(rules, TWO_NOTEBOOKS);
    let reached: Vec<Option<&str>> = report.rules[0]
        .resources
        .iter()
        .map(|r| r.resource.as_deref())
        .collect();
    assert_eq!(reached, [Some("Bucket")]);
}

#[test]
fn message_fills_in_variables() {
    let rules = "let wanted = 'Disabled'
rule no_root {
  AWS::SageMaker::NotebookInstance {
    Properties.RootAccess == %wanted << RootAccess is {{%this.Properties.RootAccess}}, want {{%wanted}} >>
  }
}";
    let report = run(rules, TWO_NOTEBOOKS);
    let finding = &report.rules[0].resources[1].failures[0];
    assert_eq!(
        finding.message.as_deref(),
        Some("RootAccess is Enabled, want Disabled")
    );
}

#[test]
fn passing_disjunction_leaves_no_findings() {
    let report = run(
        "rule r { Resources.Bad.Properties.RootAccess == 'x' or Resources.Bad.Type exists }",
        TWO_NOTEBOOKS,
    );
    assert_eq!(report.rules[0].status, Status::Pass);
    assert!(report.rules[0]
        .resources
        .iter()
        .all(|r| r.failures.is_empty() && r.status == Status::Pass));
}

#[test]
fn failing_disjunction_is_one_finding_that_names_every_branch() {
    let report = run("rule r { Resources.Bad.Properties.RootAccess == 'x' or Resources.Bad.Properties.Nope exists }", TWO_NOTEBOOKS);
    let failures = &report.rules[0].resources[0].failures;
    assert_eq!(failures.len(), 1, "{failures:#?}");
    let one = &failures[0];
    let branches: Vec<(String, &str)> = one
        .alternatives
        .iter()
        .map(|f| (f.pointer.to_string(), f.expected.as_str()))
        .collect();
    assert_eq!(
        branches,
        [
            (
                "/Resources/Bad/Properties/RootAccess".to_string(),
                "== \"x\""
            ),
            ("/Resources/Bad/Properties/Nope".to_string(), "exists"),
        ]
    );
    assert_eq!(one.pointer, "/Resources/Bad/Properties/RootAccess");
    assert_eq!(one.expected, "== \"x\" or exists");
}

#[test]
fn rule_reference_copies_the_referenced_failures() {
    let rules = format!("{ROOT_ACCESS}\nrule all_good {{\n  no_root\n}}");
    let report = run(&rules, TWO_NOTEBOOKS);
    let all_good = &report.rules[1];
    assert_eq!(all_good.status, Status::Fail);
    assert_eq!(
        all_good
            .resources
            .iter()
            .filter(|r| r.status == Status::Fail)
            .count(),
        1
    );
}

/// A rule is reported before the clauses outside rules run (`default` comes last), and a
/// rule nothing refers to gives its findings to the report instead of keeping a copy: the
/// one a top-level clause refers to must still lend them.
#[test]
fn clause_outside_rules_copies_the_failures_of_a_rule_reported_before_it() {
    let rules = format!("{ROOT_ACCESS}\nrule unreferenced {{\n  Resources.Bad.Properties.RootAccess == 'x'\n}}\nno_root\n");
    let report = run(&rules, TWO_NOTEBOOKS);
    let names: Vec<&str> = report.rules.iter().map(|r| r.rule.as_str()).collect();
    assert_eq!(names, ["no_root", "unreferenced", "default"]);
    let failures = |rule: &sagerules_core::RuleResult| -> Vec<(Option<String>, String)> {
        rule.resources
            .iter()
            .flat_map(|r| {
                r.failures
                    .iter()
                    .map(|f| (r.resource.clone(), f.pointer.to_string()))
            })
            .collect()
    };
    let bad = (
        Some("Bad".to_string()),
        "/Resources/Bad/Properties/RootAccess".to_string(),
    );
    for rule in &report.rules {
        assert_eq!(rule.status, Status::Fail, "{}", rule.rule);
        assert_eq!(failures(rule), std::slice::from_ref(&bad), "{}", rule.rule);
    }
}

#[test]
fn negated_call_that_fails_leaves_no_findings() {
    let rules = "rule has_k(res) { %res.K exists }\nrule r {\n  not has_k(Resources.A)\n}";
    let report = run(rules, "Resources: {A: {J: 1}}");
    assert_eq!(report.rules[0].status, Status::Pass);
    assert!(
        report.rules[0]
            .resources
            .iter()
            .all(|r| r.failures.is_empty()),
        "{:?}",
        report.rules[0].resources
    );
}

#[test]
fn failing_call_reports_the_called_checks_with_the_reference_message() {
    let rules =
        "rule has_k(res) { %res.K exists }\nrule r {\n  has_k(Resources.A) << A needs K >>\n}";
    let report = run(rules, "Resources: {A: {J: 1}}");
    let failure = &report.rules[0].resources[0].failures[0];
    assert_eq!(
        (
            failure.pointer.to_string().as_str(),
            failure.message.as_deref()
        ),
        ("/Resources/A/K", Some("A needs K"))
    );
}

#[test]
fn runtime_error_goes_to_errors_not_pass() {
    let report = run("let s = substring(Resources.A.S, 'one', 2)\nrule r { %s == 'ab' }\nrule ok { Resources.A.S exists }", "Resources: {A: {S: abc}}");
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].rule, "r");
    let names: Vec<&str> = report.rules.iter().map(|r| r.rule.as_str()).collect();
    assert_eq!(names, ["ok"]);
}

#[test]
fn only_reports_the_selected_rules_and_evaluates_dependencies() {
    let rules = "rule a { Resources.A.X == 1 }\nrule b when a { Resources.A.Y == 1 }\nrule c { Resources.A.Z == 1 }";
    let only = ["b".to_string()];
    let report = run_with(
        rules,
        "Resources: {A: {X: 1, Y: 2}}",
        None,
        None,
        Some(&only),
    );
    let got: Vec<(&str, Status)> = report
        .rules
        .iter()
        .map(|r| (r.rule.as_str(), r.status))
        .collect();
    assert_eq!(got, [("b", Status::Fail)]);
}

#[test]
fn params_are_visible_at_the_root() {
    let report = run_with(
        "rule r { Resources.A.N <= LIMITS.max }",
        "Resources: {A: {N: 7}}",
        Some("LIMITS: {max: 5}"),
        None,
        None,
    );
    assert_eq!(report.rules[0].status, Status::Fail);
    assert_eq!(report.rules[0].resources[0].failures[0].expected, "<= 5");
}

#[test]
fn default_rule_is_named_default() {
    assert_status(
        "Resources.A.X exists\nrule r { Resources.A.Y exists }",
        "Resources: {A: {X: 1}}",
        &[("r", Status::Fail), ("default", Status::Pass)],
    );
}

#[test]
fn long_values_are_truncated_in_findings() {
    let long = "x".repeat(500);
    let report = run(
        "rule r { Resources.A.S == 'y' }",
        &format!("Resources: {{A: {{S: {long}}}}}"),
    );
    let found = &report.rules[0].resources[0].failures[0].found;
    assert!(
        found.chars().count() <= 121 && found.ends_with('…'),
        "{found}"
    );
}

#[test]
fn missing_key_is_not_retried_in_other_case_styles() {
    assert_status(
        "rule r { Resources.A.kmsKeyId exists }",
        "Resources: {A: {KmsKeyId: k}}",
        &[("r", Status::Fail)],
    );
}

#[test]
fn regex_is_linear_time_on_pathological_input() {
    let evil = format!("{}!", "a".repeat(50_000));
    let started = std::time::Instant::now();
    assert_status(
        "rule r { Resources.A.S == /^(a+)+$/ }",
        &format!("Resources: {{A: {{S: '{evil}'}}}}"),
        &[("r", Status::Fail)],
    );
    assert!(started.elapsed().as_secs() < 5);
}

/// Treats `{Ref: Choice}` as either of two values, `{Ref: Later}` as unknown, `{Ref: Free}`
/// as any value, and `{Ref: Gone}` as one present and one absent alternative.
struct TestExpander {
    choices: Node,
}

impl Expander for TestExpander {
    fn expand<'a>(&'a self, _root: &'a Node, node: &'a Node) -> Option<Expansion<'a>> {
        let target = node.get("Ref")?.as_str()?;
        let alt = |node| Alternative { node, note: None };
        Some(match target {
            "Choice" => Expansion::Alternatives(
                self.choices
                    .as_list()?
                    .iter()
                    .map(|n| alt(Some(n)))
                    .collect(),
            ),
            "Gone" => {
                Expansion::Alternatives(vec![alt(self.choices.as_list()?.first()), alt(None)])
            }
            "Later" => Expansion::Unknown {
                why: "Fn::GetAtt".into(),
            },
            _ => Expansion::Any {
                why: format!("parameter {target} has no AllowedValues"),
                may_be_empty: false,
            },
        })
    }
}

fn expanded(rules: &str, reference: &str) -> Report {
    let expander = TestExpander {
        choices: yaml("[Disabled, Enabled]"),
    };
    let data =
        format!("Resources: {{A: {{Type: T, Properties: {{RootAccess: {{Ref: {reference}}}}}}}}}");
    run_with(rules, &data, None, Some(&expander), None)
}

#[test]
fn every_alternative_must_pass() {
    let report = expanded(
        "rule r { Resources.A.Properties.RootAccess == 'Disabled' }",
        "Choice",
    );
    assert_eq!(report.rules[0].status, Status::Fail);
    assert_eq!(report.rules[0].resources[0].failures.len(), 1);
    let report = expanded(
        "rule r { Resources.A.Properties.RootAccess in ['Disabled', 'Enabled'] }",
        "Choice",
    );
    assert_eq!(report.rules[0].status, Status::Pass);
}

#[test]
fn absent_alternative_fails_exists() {
    let report = expanded(
        "rule r { Resources.A.Properties.RootAccess exists }",
        "Gone",
    );
    assert_eq!(report.rules[0].status, Status::Fail);
}

#[test]
fn unknown_value_exists_but_comparisons_are_unknowns() {
    assert_eq!(
        expanded(
            "rule r { Resources.A.Properties.RootAccess exists }",
            "Later"
        )
        .rules[0]
            .status,
        Status::Pass
    );
    let report = expanded(
        "rule r { Resources.A.Properties.RootAccess == 'Disabled' }",
        "Later",
    );
    let resource = &report.rules[0].resources[0];
    assert_eq!(
        (report.rules[0].status, resource.status),
        (Status::Pass, Status::Pass)
    );
    assert_eq!(resource.unknowns.len(), 1);
    assert!(resource.failures.is_empty());
}

#[test]
fn any_value_fails_comparisons_with_the_reason() {
    let report = expanded(
        "rule r { Resources.A.Properties.RootAccess == 'Disabled' }",
        "Free",
    );
    let finding = &report.rules[0].resources[0].failures[0];
    assert!(
        finding
            .found
            .contains("parameter Free has no AllowedValues"),
        "{}",
        finding.found
    );
    assert_eq!(
        expanded(
            "rule r { Resources.A.Properties.RootAccess exists }",
            "Free"
        )
        .rules[0]
            .status,
        Status::Pass
    );
}

/// Lenient scalars: `"true"` is a boolean and `"3"` a number, as CloudFormation reads them.
struct Lenient;

impl Expander for Lenient {
    fn expand<'a>(&'a self, _root: &'a Node, _node: &'a Node) -> Option<Expansion<'a>> {
        None
    }
    fn lenient_scalars(&self) -> bool {
        true
    }
}

#[test]
fn lenient_scalars_compare_strings_as_booleans_and_numbers() {
    let data = "Resources: {M: {Isolation: 'true', Count: '3'}}";
    let rules = "rule r {\n  Resources.M.Isolation == true\n  Resources.M.Count > 2\n  Resources.M.Count in [3, 4]\n}";
    assert_eq!(
        run_with(rules, data, None, Some(&Lenient), None).rules[0].status,
        Status::Pass
    );
    assert_eq!(run(rules, data).rules[0].status, Status::Fail);
}

#[test]
fn alternatives_are_expanded_again() {
    let expander = TestExpander {
        choices: yaml("[{Ref: Free}, Disabled]"),
    };
    let data = "Resources: {A: {Properties: {RootAccess: {Ref: Choice}}}}";
    let report = run_with(
        "rule r { Resources.A.Properties.RootAccess == 'Disabled' }",
        data,
        None,
        Some(&expander),
        None,
    );
    let failures = &report.rules[0].resources[0].failures;
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].found.contains("parameter Free"),
        "{}",
        failures[0].found
    );
}

#[test]
fn duplicate_rule_is_an_error() {
    let errors = build_errors("rule a { X exists }\nrule a { Y exists }");
    assert!(errors[0].message.contains("defined twice"), "{errors:?}");
}

#[test]
fn unknown_rule_suggests_a_close_name() {
    let errors =
        build_errors("rule notebook_kms { X exists }\nrule b when notebok_kms { Y exists }");
    assert_eq!(errors[0].message, "unknown rule `notebok_kms`");
    assert_eq!(
        errors[0].hint.as_deref(),
        Some("did you mean `notebook_kms`?")
    );
}

#[test]
fn unknown_variable_is_an_error() {
    let errors = build_errors("let buckets = Resources.*\nrule r { %bucket.Properties exists }");
    assert_eq!(errors[0].message, "unknown variable `%bucket`");
    assert_eq!(errors[0].hint.as_deref(), Some("did you mean `%buckets`?"));
}

#[test]
fn wrong_argument_count_is_an_error() {
    let errors = build_errors("rule p(a, b) { %a exists }\nrule r {\n  p(Resources)\n}");
    assert!(
        errors[0]
            .message
            .contains("takes 2 argument(s) but 1 were given"),
        "{errors:?}"
    );
}

#[test]
fn dependency_cycle_is_an_error() {
    let errors = build_errors("rule a when b { X exists }\nrule b when a { Y exists }");
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("depends on itself")),
        "{errors:?}"
    );
}

#[test]
fn lookaround_regex_is_an_error_with_a_hint() {
    let errors = build_errors("rule r { Resources.A.S == /^(?!alias)/ }");
    assert_eq!(
        errors[0].message,
        "invalid regular expression /^(?!alias)/: look-around, including look-ahead and look-behind, is not supported"
    );
    assert!(errors[0]
        .hint
        .as_deref()
        .is_some_and(|h| h.contains("look-around")));
}

#[test]
fn unknown_function_is_an_error() {
    let errors = build_errors("let x = lower(Resources.A)\nrule r { %x exists }");
    assert_eq!(errors[0].hint.as_deref(), Some("did you mean `to_lower`?"));
}

#[test]
fn metadata_is_validated_and_exposed() {
    let errors = build_errors("#@ severty: high\nrule r { X exists }");
    assert_eq!(
        errors[0]
            .hint
            .as_deref()
            .map(|h| h.starts_with("did you mean `severity`?")),
        Some(true)
    );
    let errors = build_errors("#@ severity: urgent\nrule r { X exists }");
    assert!(errors[0].message.contains("unknown severity"));
    let set = build(
        "#@ severity: high\n#@ title: Root access off\n#@ see: SageMaker.3, CIS 1.2\n#@ tags: notebook\n#@ remediation: Set RootAccess\nrule r { X exists }\nrule p(a) { %a exists }\nY exists",
    )
    .expect("builds");
    let infos: &[RuleInfo] = set.rules();
    let names: Vec<&str> = infos.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["r", "default"]);
    assert_eq!(infos[0].severity, Severity::High);
    assert_eq!(infos[0].title.as_deref(), Some("Root access off"));
    assert_eq!(infos[0].see, ["SageMaker.3", "CIS 1.2"]);
    assert_eq!(infos[0].tags, ["notebook"]);
    assert_eq!(infos[0].remediation.as_deref(), Some("Set RootAccess"));
}

#[test]
fn rules_from_several_files_share_one_namespace() {
    let common = "let notebooks = Resources.*[ Type == 'AWS::SageMaker::NotebookInstance' ]\nrule has_notebooks { %notebooks !empty }";
    let main = "rule kms when has_notebooks { %notebooks.Properties.KmsKeyId exists }";
    let files = [("common.rules", common), ("main.rules", main)]
        .into_iter()
        .map(|(name, text)| {
            (
                Source {
                    name: name.into(),
                    text: text.into(),
                },
                parse(text).0,
            )
        })
        .collect();
    let set = RuleSet::build(files).expect("builds");
    let data = yaml(TWO_NOTEBOOKS);
    let report = evaluate(
        &set,
        &Input {
            data: &data,
            params: None,
            expander: None,
            only: None,
        },
    );
    let got: Vec<(&str, Status)> = report
        .rules
        .iter()
        .map(|r| (r.rule.as_str(), r.status))
        .collect();
    assert_eq!(
        got,
        [("has_notebooks", Status::Pass), ("kms", Status::Fail)]
    );
}

/// One line per rule, resource and finding, for snapshots.
fn outline(report: &Report) -> String {
    let mut out = String::new();
    for rule in &report.rules {
        out.push_str(&format!("{} {}\n", rule.rule, rule.status.as_str()));
        for resource in &rule.resources {
            let id = resource.resource.as_deref().unwrap_or("(document)");
            let kind = resource.resource_type.as_deref().unwrap_or("-");
            out.push_str(&format!("  {id} {kind} {}\n", resource.status.as_str()));
            let findings = resource
                .failures
                .iter()
                .map(|f| ("fail", f))
                .chain(resource.unknowns.iter().map(|f| ("unknown", f)));
            for (kind, f) in findings {
                let message = f.message.as_deref().unwrap_or("-");
                out.push_str(&format!(
                    "    {kind} {} {}:{} expected `{}` found `{}` message `{message}`\n",
                    f.pointer, f.pos.line, f.pos.col, f.expected, f.found
                ));
            }
        }
    }
    for error in &report.errors {
        out.push_str(&format!("error {error}\n"));
    }
    out
}

#[test]
fn report_outline_for_a_small_template() {
    let rules = "let notebooks = Resources.*[ Type == 'AWS::SageMaker::NotebookInstance' ]
#@ severity: high
rule notebook_root {
  AWS::SageMaker::NotebookInstance {
    Properties.RootAccess == 'Disabled' << RootAccess is {{%this.Properties.RootAccess}}; disable it >>
  }
}
rule notebook_kms when %notebooks !empty {
  %notebooks.Properties.KmsKeyId exists
}
rule models {
  AWS::SageMaker::Model { Properties.EnableNetworkIsolation == true }
}
rule both {
  notebook_root
  notebook_kms
}";
    insta::assert_snapshot!(outline(&run(rules, TWO_NOTEBOOKS)));
}

/// A filter whose first line tests only `Type` is judged once per type (eval/shortcut.rs);
/// what it keeps must still come in document order, across types, as `join` shows.
#[test]
fn type_filter_over_several_types_keeps_document_order() {
    let rules = r#"
let named = Resources.*[ Type in ['D', 'B', 'A', 'E']
                         Properties.Name exists ]
let names = join(%named.Properties.Name, ",")
rule in_document_order { %names == "b1,a1,d1,e1,a2,e2" }
"#;
    let data = "
Resources:
  NoName: {Type: A, Properties: {}}
  B1: {Type: B, Properties: {Name: b1}}
  A1: {Type: A, Properties: {Name: a1}}
  Other: {Type: C, Properties: {Name: c1}}
  D1: {Type: D, Properties: {Name: d1}}
  E1: {Type: E, Properties: {Name: e1}}
  A2: {Type: A, Properties: {Name: a2}}
  Untyped: {Properties: {Name: u1}}
  E2: {Type: E, Properties: {Name: e2}}
";
    assert_status(rules, data, &[("in_document_order", Status::Pass)]);
}
