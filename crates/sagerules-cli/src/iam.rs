//! `sagerules iam-policy`: the rule pack as IAM `Deny` statements (an identity policy, an SCP or
//! a permissions boundary), so an insecure SageMaker resource cannot be created at all.
//!
//! ```text
//! sagerules iam-policy --kind scp --params params.yaml > scp.json      # one document, or a list
//! sagerules iam-policy --explain                                        # per rule: full / partial / none, and why
//! ```
//!
//! Exit code: 0 with the policies on standard output, 2 on bad input (parameters, rules, or a
//! mapping that names a key an action does not support).

use crate::diag::{self, Diag};
use crate::outcome::Outcome;
use crate::rulefiles;
use sagerules_pack::iam::{self, Explained, PolicyKind, Request};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rules files or directories whose rules to enforce (default: the bundled pack). Rules
    /// without an entry in `rules/iam.yaml` are listed by `--explain` as not mapped.
    #[arg(long = "rules", short = 'r', value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// The pack's parameters (allowed keys, subnets, instance types, run time, tags), over its
    /// defaults.
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
    /// Where the policy is attached: an identity policy (6,144 characters), an SCP (5,120), or
    /// a permissions boundary (6,144, with an `Allow` of the rest).
    #[arg(long, value_enum, default_value_t = KindArg::Identity)]
    pub kind: KindArg,
    /// Principals the denies do not apply to (an ARN pattern for `aws:PrincipalArn`, e.g. a
    /// break-glass role); repeat for more. Off by default.
    #[arg(long = "exempt-principal-arn", value_name = "ARN_PATTERN")]
    pub exempt_principal_arn: Vec<String>,
    /// Instead of the policy, a Markdown table: per rule, how much IAM enforces and why.
    #[arg(long)]
    pub explain: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    Identity,
    Scp,
    Boundary,
}

impl KindArg {
    fn kind(self) -> PolicyKind {
        match self {
            KindArg::Identity => PolicyKind::Identity,
            KindArg::Scp => PolicyKind::Scp,
            KindArg::Boundary => PolicyKind::Boundary,
        }
    }
}

pub fn run(args: &Args) -> Outcome {
    match generate(args) {
        Ok(text) => crate::outcome::print(&text, "policy"),
        Err(errors) => {
            diag::eprint_all(&errors);
            Outcome::Error
        }
    }
}

/// The policy JSON (or the explanation) as text, or every error.
fn generate(args: &Args) -> Result<String, Vec<Diag>> {
    let names = rule_names(&args.rules)?;
    let params = crate::check::load_params(args.params.as_ref(), true)?.ok_or_else(|| {
        vec![Diag::file(
            "parameters",
            "the pack's parameters did not resolve",
        )]
    })?;
    let request = Request {
        rules: &names,
        params: &params,
        kind: args.kind.kind(),
        exempt_principals: &args.exempt_principal_arn,
    };
    let generated = iam::generate(&request).map_err(|errors| {
        errors
            .iter()
            .map(|e| Diag::file("rules/iam.yaml", e.to_string()))
            .collect::<Vec<_>>()
    })?;
    if args.explain {
        return Ok(explain_table(&generated.explained));
    }
    let value = match generated.documents.as_slice() {
        [one] => one.clone(),
        many => {
            eprintln!(
                "note: the statements fill {} policies of at most {} characters (whitespace excluded): attach each of them",
                many.len(),
                args.kind.kind().size_limit()
            );
            serde_json::Value::Array(many.to_vec())
        }
    };
    let mut text = serde_json::to_string_pretty(&value)
        .map_err(|e| vec![Diag::file("policy", e.to_string())])?;
    text.push('\n');
    Ok(text)
}

/// The rules to enforce: the bundled pack's, or those of the given files, in catalogue order.
fn rule_names(paths: &[PathBuf]) -> Result<Vec<String>, Vec<Diag>> {
    let loaded = if paths.is_empty() {
        rulefiles::bundled()
    } else {
        rulefiles::from_paths(paths, None)
    };
    if !loaded.errors.is_empty() {
        return Err(loaded.errors);
    }
    Ok(crate::catalog::rules_of(&loaded.sets)
        .into_iter()
        .map(|r| r.name)
        .collect())
}

/// The Markdown table of `--explain` (docs/controls.md holds the bundled pack's).
pub fn explain_table(explained: &[Explained]) -> String {
    let mut out = String::from("| Rule | IAM | Statements | Why |\n|---|---|---|---|\n");
    for e in explained {
        let unset = if e.unset.is_empty() {
            String::new()
        } else {
            format!(" (not emitted while unset: {})", e.unset.join(", "))
        };
        let coverage = e.coverage.as_str();
        out.push_str(&format!(
            "| `{}` | {coverage} | {}{unset} | {} |\n",
            e.rule,
            e.statements,
            e.why.replace('|', "\\|")
        ));
    }
    out
}
