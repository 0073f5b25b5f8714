//! Shared by the CLI integration tests (`cli.rs`, `cfn.rs`, `sarif.rs`): runs the `sagerules`
//! binary from the repository root, so paths in its output are relative and the same on
//! every machine.

#![allow(
    dead_code,
    reason = "each test crate compiles this module and uses only part of it"
)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The repository root, the working directory of every run.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// What a run printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `sagerules <args>` with an empty standard input and `NO_COLOR`.
pub fn sagerules(args: &[&str]) -> Run {
    sagerules_with_stdin(args, "")
}

/// `sagerules <args>` with `stdin` on its standard input and `NO_COLOR`.
pub fn sagerules_with_stdin(args: &[&str], stdin: &str) -> Run {
    let output = Command::cargo_bin("sagerules")
        .unwrap()
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}
