//! `sagerules deploy-template`: the CloudFormation that deploys the rules, generated from the
//! rule pack (families, rules, the parameters each rules file reads), so the stack, the
//! conformance pack, the organization template and the docs say the same thing.
//!
//! ```text
//! sagerules deploy-template --kind conformance-pack --families notebook,jobs > pack.yaml
//! sagerules deploy-template --out-dir cfn            # every committed template
//! sagerules deploy-template --out-dir cfn --check    # exit 1 when one of them is stale
//! ```
//!
//! Layout: one change-triggered Config rule per recorded family (`sagerules-notebook`, scoped
//! to `AWS::SageMaker::NotebookInstance`), one periodic rule for the job families
//! (`sagerules-jobs`), the tag family joined to each. What AWS Config would reject is refused
//! here: `InputParameters` over 1,024 characters (each parameter gets a `MaxLength` that keeps
//! the worst case under it), a conformance pack body over 51,200 bytes or with more than 60
//! parameters, a rule name over its limit.
//!
//! Exit code: 0 with the template on standard output (or the files written / up to date), 1
//! when `--check` finds a stale file, 2 on bad input.

mod layout;
mod render;

use crate::diag::{self, Diag};
use crate::outcome::Outcome;
use layout::Layout;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to generate.
    #[arg(long, value_enum, default_value_t = Kind::Stack)]
    pub kind: Kind,
    /// Rule families to deploy, comma-separated (training, hpo, processing, transform,
    /// notebook, endpoint-config, model, domain, monitoring, feature-group,
    /// inference-experiment, tags; `jobs` and `all`). Default: all.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub families: Vec<String>,
    /// Only these rules (of the chosen families), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub rules: Vec<String>,
    /// The pack's parameters (as for `check --params`): their values become the templates'
    /// parameter defaults.
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
    /// Write every template into this directory (the layout of `cfn/`) instead of printing one.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// With `--out-dir`: write nothing, exit 1 when a file differs from what would be written.
    #[arg(long, requires = "out_dir")]
    pub check: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// One account: the function, its role, alarms, response topic and the Config rules.
    Stack,
    /// A conformance pack (only Parameters and AWS::Config::ConfigRule), backed by a deployed
    /// function.
    ConformancePack,
    /// The role a central function assumes in each member account (deployed by the StackSet).
    MemberRole,
    /// For the management or delegated administrator account: a service-managed StackSet of
    /// the member role and an organization conformance pack.
    Organization,
    /// A Markdown table of the Config rules (docs/config-rules.md).
    Docs,
}

/// The files `--out-dir` writes, relative to it.
const FILES: [(Kind, &str); 4] = [
    (Kind::Stack, "sagerules-config-rule.yaml"),
    (Kind::ConformancePack, "sagerules-conformance-pack.yaml"),
    (Kind::MemberRole, "organization/sagerules-member-role.yaml"),
    (
        Kind::Organization,
        "organization/sagerules-organization.yaml",
    ),
];

pub fn run(args: &Args) -> Outcome {
    let layout = match layout(args) {
        Ok(layout) => layout,
        Err(errors) => {
            diag::eprint_all(&errors);
            return Outcome::Error;
        }
    };
    match &args.out_dir {
        Some(dir) => write_all(&layout, dir, args.check),
        None => match render::render(&layout, args.kind) {
            Ok(text) => crate::outcome::print(&text, "template"),
            Err(errors) => {
                diag::eprint_all(&errors);
                Outcome::Error
            }
        },
    }
}

fn layout(args: &Args) -> Result<Layout, Vec<Diag>> {
    let loaded = crate::rulefiles::bundled();
    if !loaded.errors.is_empty() {
        return Err(loaded.errors);
    }
    let known: Vec<String> = crate::catalog::rules_of(&loaded.sets)
        .into_iter()
        .map(|r| r.name)
        .collect();
    // Checks the values (unknown names, wrong types) the way `check --params` does.
    crate::check::load_params(args.params.as_ref(), true)?;
    let user = crate::check::load_params(args.params.as_ref(), false)?;
    Layout::new(&args.families, &args.rules, &known, user.as_ref()).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| Diag::file("deploy-template", e))
            .collect()
    })
}

/// Writes (or with `check`, compares) every file of [`FILES`] under `dir`.
fn write_all(layout: &Layout, dir: &Path, check: bool) -> Outcome {
    let mut outcome = Outcome::Ok;
    for (kind, name) in FILES {
        let path = dir.join(name);
        let text = match render::render(layout, kind) {
            Ok(text) => text,
            Err(errors) => {
                diag::eprint_all(&errors);
                outcome = outcome.max(Outcome::Error);
                continue;
            }
        };
        let current = std::fs::read_to_string(&path).ok();
        if check {
            if current.as_deref() != Some(text.as_str()) {
                eprintln!(
                    "stale: {} differs from `sagerules deploy-template --kind {}`; run `make deploy-templates`",
                    path.display(),
                    kind_name(kind)
                );
                outcome = outcome.max(Outcome::Findings);
            }
            continue;
        }
        if current.as_deref() == Some(text.as_str()) {
            continue;
        }
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, &text));
        match written {
            Ok(()) => eprintln!("wrote {}", path.display()),
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                outcome = outcome.max(Outcome::Error);
            }
        }
    }
    outcome
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Stack => "stack",
        Kind::ConformancePack => "conformance-pack",
        Kind::MemberRole => "member-role",
        Kind::Organization => "organization",
        Kind::Docs => "docs",
    }
}
