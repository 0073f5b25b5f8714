//! `sagerules rules`: list the rules (the bundled pack, or `--rules`) with their metadata.
//! `--format markdown` writes the controls reference (`docs/controls.md` is generated from it),
//! `--format json` a list of objects, text one block per rule.

use crate::catalog::{self, RuleInfo};
use crate::diag;
use crate::outcome::Outcome;
use crate::rulefiles;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rules files or directories; the bundled SageMaker pack when absent.
    #[arg(long = "rules", short = 'r', value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Output format (`markdown` is the controls reference, `docs/controls.md`).
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
    Markdown,
}

pub fn run(args: &Args) -> Outcome {
    let loaded = if args.rules.is_empty() {
        rulefiles::bundled()
    } else {
        rulefiles::from_paths(&args.rules, None)
    };
    diag::eprint_all(&loaded.errors);
    let rules = catalog::rules_of(&loaded.sets);
    let text = match args.format {
        ListFormat::Text => text(&rules),
        ListFormat::Json => serde_json::to_string_pretty(&rules)
            .map(|j| j + "\n")
            .unwrap_or_default(),
        ListFormat::Markdown => markdown(&rules),
    };
    let mut out = std::io::stdout().lock();
    let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    Outcome::Ok
        .with_errors(&loaded.errors)
        .max(if written.is_ok() {
            Outcome::Ok
        } else {
            Outcome::Error
        })
}

/// `NAME (high): title`, then the description, remediation and references, indented.
fn text(rules: &[RuleInfo]) -> String {
    let mut out = String::new();
    for rule in rules {
        let _ = writeln!(
            out,
            "{} ({}): {}",
            rule.name,
            rule.severity.as_str(),
            rule.summary()
        );
        for (label, value) in [
            ("description", &rule.description),
            ("remediation", &rule.remediation),
        ] {
            if let Some(value) = value
                .as_ref()
                .filter(|v| Some(v.as_str()) != rule.title.as_deref())
            {
                let _ = writeln!(out, "    {label}: {}", value.replace('\n', "\n      "));
            }
        }
        for see in &rule.see {
            let _ = writeln!(out, "    see: {see}");
        }
    }
    let _ = writeln!(out, "{} rules", rules.len());
    out
}

/// A summary table, then one section per rule.
fn markdown(rules: &[RuleInfo]) -> String {
    let mut out = String::from("# Controls\n\n| Rule | Severity | Title |\n|---|---|---|\n");
    for rule in rules {
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {} | {} |",
            rule.name,
            anchor(&rule.name),
            rule.severity.as_str(),
            cell(rule.summary())
        );
    }
    for rule in rules {
        section(&mut out, rule);
    }
    out
}

fn section(out: &mut String, rule: &RuleInfo) {
    let _ = write!(
        out,
        "\n## {}\n\n**Severity:** {}\n",
        rule.name,
        rule.severity.as_str()
    );
    if let Some(title) = &rule.title {
        let _ = write!(out, "\n{title}\n");
    }
    if let Some(description) = &rule.description {
        let _ = write!(out, "\n{description}\n");
    }
    if let Some(remediation) = &rule.remediation {
        let _ = write!(out, "\n**Remediation:** {remediation}\n");
    }
    if !rule.see.is_empty() {
        let _ = write!(out, "\n**See also:**\n\n");
        for see in &rule.see {
            let _ = writeln!(out, "- {see}");
        }
    }
    let _ = write!(out, "\nDefined in `{}:{}`.\n", rule.file, rule.line);
}

/// GitHub's heading anchor: lower case, spaces to `-`, punctuation other than `-`/`_` dropped.
fn anchor(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sagerules_core::Severity;

    fn rule() -> RuleInfo {
        RuleInfo {
            name: "SAGEMAKER_NOTEBOOK_KMS".into(),
            severity: Severity::High,
            title: Some("Notebook volumes use a KMS key".into()),
            remediation: Some("Set KmsKeyId".into()),
            see: vec!["Security Hub SageMaker.21".into()],
            file: "rules/notebook.rules".into(),
            line: 4,
            ..RuleInfo::default()
        }
    }

    #[test]
    fn markdown_links_the_table_to_the_sections() {
        let md = markdown(&[rule()]);
        assert!(
            md.contains("| [`SAGEMAKER_NOTEBOOK_KMS`](#sagemaker_notebook_kms) | high |"),
            "{md}"
        );
        assert!(md.contains("## SAGEMAKER_NOTEBOOK_KMS"), "{md}");
        assert!(md.contains("- Security Hub SageMaker.21"), "{md}");
    }

    #[test]
    fn text_lists_one_block_per_rule() {
        let text = text(&[rule()]);
        assert!(
            text.starts_with("SAGEMAKER_NOTEBOOK_KMS (high): Notebook volumes use a KMS key\n"),
            "{text}"
        );
        assert!(text.contains("    remediation: Set KmsKeyId\n"), "{text}");
        assert!(text.ends_with("1 rules\n"), "{text}");
    }
}
