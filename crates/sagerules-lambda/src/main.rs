//! `sagerules-config-rule`: without arguments, the AWS Lambda handler for AWS Config custom
//! rules, SageMaker events and CloudFormation hooks; with `--event FILE [--dry-run]`, one event
//! processed locally.

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// AWS Config custom rule for SageMaker, backed by the sagerules rule pack.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Process this AWS Config event file instead of serving Lambda invocations.
    #[arg(long, value_name = "FILE")]
    event: Option<PathBuf>,
    /// With --event: print the evaluations without calling PutEvaluations; for a SageMaker
    /// event, the decision, judged on the event alone, with no call at all.
    #[arg(long, requires = "event")]
    dry_run: bool,
    /// With --event: stand in for the Lambda deadline, N seconds from the start.
    #[arg(long, requires = "event", value_name = "N")]
    deadline_seconds: Option<u64>,
}

fn main() -> ExitCode {
    let started = Instant::now();
    let args = Args::parse();
    sagerules_lambda::logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the async runtime: {error}")),
    };
    let result = runtime.block_on(async {
        match &args.event {
            Some(path) => {
                sagerules_lambda::local::run(path, args.dry_run, args.deadline_seconds).await
            }
            None => sagerules_lambda::runtime::serve(started)
                .await
                .map_err(|e| e.to_string()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    tracing::error!(error = message, "sagerules-config-rule failed");
    sagerules_lambda::logging::error_metric(message);
    eprintln!("sagerules-config-rule: {message}");
    ExitCode::FAILURE
}
