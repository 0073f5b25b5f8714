//! The `sagerules` binary: parse the arguments, run the subcommand, exit with its code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = sagerules_cli::Cli::parse();
    sagerules_cli::run(&cli).into()
}
