//! Reads, parses and builds the rules files of an `eval` run, timing the whole step.

use sagerules_core::{parse, RuleSet, Source};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The rule set built from `paths`, and how long reading, parsing and building took.
pub fn build(paths: &[PathBuf]) -> Result<(RuleSet, Duration), String> {
    let start = Instant::now();
    let mut files = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| format!("{name}: {error}"))?;
        let (file, errors) = parse(&text);
        if let Some(first) = errors.first() {
            return Err(format!(
                "{name}: {} parse errors, the first: {first}",
                errors.len()
            ));
        }
        files.push((Source { name, text }, file));
    }
    let rule_set = RuleSet::build(files).map_err(|errors| match errors.first() {
        Some(first) => format!("{} compile errors, the first: {first}", errors.len()),
        None => "the rules do not compile".to_owned(),
    })?;
    Ok((rule_set, start.elapsed()))
}
