//! The `sagerules` command line, as a library so its modules can be unit-tested: one module per
//! subcommand ([`check`], [`test`], [`fmt`], [`rules`], [`iam`], [`deploy`]) and the pieces they share (finding input
//! files, loading rules with their includes, rendering diagnostics). `main.rs` only parses
//! arguments and dispatches.
//!
//! Nothing here decides what a rule means: that is `sagerules-core`. This crate reads files,
//! renders results and picks the exit code (0 ok, 1 findings, 2 errors).

pub mod catalog;
pub mod cfn;
pub mod check;
pub mod config;
pub mod confine;
pub mod deploy;
pub mod diag;
pub mod document;
pub mod fmt;
pub mod iam;
pub mod inputs;
pub mod outcome;
pub mod rulefiles;
pub mod rules;
pub mod test;

pub use outcome::Outcome;

/// `sagerules`: SageMaker security rules for CloudFormation templates and AWS data.
#[derive(Debug, clap::Parser)]
#[command(name = "sagerules", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Evaluate rules on templates and data files; report failures with file:line:col.
    Check(check::Args),
    /// Run rule unit tests (cfn-guard's test-file format).
    Test(test::Args),
    /// Rewrite rules files in the canonical layout (--check: only report).
    Fmt(fmt::Args),
    /// List the rules with their severity, title and remediation.
    Rules(rules::Args),
    /// Generate IAM policies (identity, SCP or boundary) that deny creating what the rules
    /// forbid, from the same rule pack and parameters.
    IamPolicy(iam::Args),
    /// Generate the CloudFormation that deploys the rules (one account's stack, a conformance
    /// pack, the organization templates) from the rule pack.
    DeployTemplate(deploy::Args),
}

/// Runs the chosen subcommand.
pub fn run(cli: &Cli) -> Outcome {
    match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Test(args) => test::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Rules(args) => rules::run(args),
        Command::IamPolicy(args) => iam::run(args),
        Command::DeployTemplate(args) => deploy::run(args),
    }
}
