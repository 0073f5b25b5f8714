//! The `sagerules` binary: parse the arguments, run the subcommand, exit with its code.

use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: loading a template allocates a string or map
/// per value and frees them all after checking; with glibc's malloc that was about a fifth of
/// `sagerules check`'s instructions over the corpus.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = sagerules_cli::Cli::parse();
    sagerules_cli::run(&cli).into()
}
