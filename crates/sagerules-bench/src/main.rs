//! `sagerules-bench`: the in-process half of `make bench` (`tests/bench/run.sh`).
//!
//! The benchmark compares `sagerules check` with the time our loader needs to only parse the
//! same files. This binary provides that baseline, and splits a full run into its phases:
//!
//! ```text
//! sagerules-bench load tests/bench/out/big.json
//! sagerules-bench eval --rules tests/bench/eight.guard ../shared/corpus/templates
//! ```
//!
//! Each prints one JSON object (files, bytes, and seconds per phase). It reads files the way
//! the CLI does (directories walked for `.json .jsn .yaml .yml .template`, in parallel on
//! every core) but applies no CloudFormation expansion: `eval` is the core evaluator alone.

mod files;
mod frontend;
mod measure;
mod rules;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sagerules-bench",
    about = "Load-only and load+evaluate timings, as JSON"
)]
struct Cli {
    /// Worker threads; default one per core, like `sagerules check`.
    #[arg(long, global = true)]
    threads: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read and parse every data file, nothing else.
    Load {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Parse every YAML file with one front end, nothing else (issue 17's comparison).
    Frontend {
        #[arg(long, value_enum)]
        parser: frontend::Candidate,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Parse and build the rules once, then load and evaluate every data file.
    Eval {
        #[arg(long, required = true)]
        rules: Vec<PathBuf>,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("sagerules-bench: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> Result<serde_json::Value, String> {
    if let Some(threads) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .map_err(|error| format!("cannot start {threads} threads: {error}"))?;
    }
    match &cli.command {
        Command::Load { paths } => {
            Ok(measure::load_only(&files::data_files(paths)?).to_json("load"))
        }
        Command::Frontend { parser, paths } => {
            Ok(frontend::compare(*parser, &files::data_files(paths)?))
        }
        Command::Eval { rules, paths } => {
            let (rule_set, rules_time) = rules::build(rules)?;
            let data = files::data_files(paths)?;
            let mut totals = measure::load_and_evaluate(&data, &rule_set);
            totals.rules = rules_time;
            Ok(totals.to_json("eval"))
        }
    }
}
