//! `sagerules fmt`: rewrite rules files in the one canonical layout
//! (`sagerules_core::format::format`), or with `--check` only name the files that would change.
//!
//! ```text
//! sagerules fmt rules/            # rewrite in place
//! sagerules fmt --check rules/    # exit 1 and list files that are not formatted
//! ```
//!
//! A file with a syntax error is never rewritten: its errors are shown and the exit code is 2.

use crate::diag::{self, Diag};
use crate::inputs::{self, InputPath, RULES_EXTENSIONS};
use crate::outcome::Outcome;
use crate::rulefiles::parse_diag;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Do not write; exit 1 if any file would change, naming it.
    #[arg(long)]
    pub check: bool,
    /// Rules files or directories; `-` formats standard input to standard output.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// What happened to one file.
#[derive(Debug, PartialEq)]
enum Done {
    Unchanged,
    Changed,
}

pub fn run(args: &Args) -> Outcome {
    let (files, mut errors) = inputs::expand(&args.files, RULES_EXTENSIONS);
    let mut outcome = Outcome::Ok;
    for input in &files {
        match format_one(input, args.check) {
            Ok(Done::Changed) if args.check => {
                let _ = writeln!(std::io::stdout(), "would reformat {}", input.display());
                outcome = outcome.max(Outcome::Findings);
            }
            Ok(_) => {}
            Err(mut diags) => errors.append(&mut diags),
        }
    }
    diag::eprint_all(&errors);
    outcome.with_errors(&errors)
}

/// Formats one input: standard input to standard output, a file in place (unless `check`).
fn format_one(input: &InputPath, check: bool) -> Result<Done, Vec<Diag>> {
    let name = input.display();
    let text = input.read().map_err(|d| vec![d])?;
    let formatted = formatted(&name, &text)?;
    let done = if formatted == text {
        Done::Unchanged
    } else {
        Done::Changed
    };
    match input {
        InputPath::Stdin if !check => {
            let _ = std::io::stdout().write_all(formatted.as_bytes());
        }
        InputPath::File(path) if !check && done == Done::Changed => {
            std::fs::write(path, &formatted).map_err(|e| {
                vec![Diag::file(
                    &name,
                    format!("cannot write: {}", inputs::io_reason(&e)),
                )]
            })?;
        }
        _ => {}
    }
    let _ = std::io::stdout().flush();
    Ok(done)
}

/// The canonical text of `text`, or its syntax errors.
pub fn formatted(name: &str, text: &str) -> Result<String, Vec<Diag>> {
    let (ast, errors) = sagerules_core::parse(text);
    if !errors.is_empty() {
        return Err(errors.iter().map(|e| parse_diag(name, text, e)).collect());
    }
    let formatted = sagerules_core::format::format(&ast, text);
    if formatted.trim().is_empty() && !text.trim().is_empty() {
        return Err(vec![Diag::file(
            name,
            "the formatter produced no text; file left unchanged",
        )]);
    }
    Ok(formatted)
}
