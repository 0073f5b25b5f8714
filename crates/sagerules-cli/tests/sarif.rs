#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

//! The SARIF output validated by Microsoft's SARIF multitool (`validate`), the checker GitHub
//! code scanning's format is defined against. The multitool is an npm package, so this test
//! needs it installed: `make test-sarif` does that (into `.tools/sarif`) and runs it with
//! `SARIF_MULTITOOL` pointing at the tool. Plain `cargo test` leaves it out, with this reason.

mod common;

use assert_cmd::Command;
use common::repo_root;
use std::path::Path;

/// Writes the SARIF of `args` (run from the repository root) to `out`.
fn sarif_of(args: &[&str], out: &Path) {
    let output = Command::cargo_bin("sagerules")
        .unwrap()
        .current_dir(repo_root())
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.code().unwrap() <= 2,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(out, &output.stdout).unwrap();
}

/// Runs `sarif-multitool validate` and returns the errors it reports (warnings are allowed).
fn validate(tool: &str, log: &Path, dir: &Path) -> Vec<String> {
    let report = dir.join("validation.sarif");
    let output = std::process::Command::new(tool)
        .arg("validate")
        .arg(log)
        .arg("--output")
        .arg(&report)
        .arg("--log")
        .arg("ForceOverwrite")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        text.contains("Analysis completed successfully"),
        "validator did not run:\n{text}"
    );
    text.lines()
        .filter(|l| l.contains(": error "))
        .map(String::from)
        .collect()
}

#[test]
#[ignore = "needs Microsoft's SARIF multitool (npm); `make test-sarif` installs it and runs this"]
fn sarif_output_passes_the_sarif_multitool_validator() {
    let tool = std::env::var("SARIF_MULTITOOL").expect("SARIF_MULTITOOL: path to sarif-multitool");
    let dir = tempfile::tempdir().unwrap();
    let absolute = repo_root().join("examples/templates");
    let absolute = absolute.to_str().unwrap();
    let cases: [(&str, Vec<&str>); 4] = [
        (
            "bundled-pack",
            vec![
                "check",
                "--format",
                "sarif",
                "examples/templates",
                "crates/sagerules-cli/tests/fixtures/cfn",
            ],
        ),
        (
            "example-rules",
            vec![
                "check",
                "--format",
                "sarif",
                "--rules",
                "examples/rules/notebook.rules",
                "examples/templates",
            ],
        ),
        (
            "errors",
            vec![
                "check",
                "--format",
                "sarif",
                "--rules",
                "examples/rules/notebook.rules",
                "crates/sagerules-cli/tests/fixtures/data",
            ],
        ),
        (
            "absolute-paths",
            vec!["check", "--format", "sarif", absolute],
        ),
    ];
    for (name, args) in cases {
        let log = dir.path().join(format!("{name}.sarif"));
        sarif_of(&args, &log);
        let errors = validate(&tool, &log, dir.path());
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}
