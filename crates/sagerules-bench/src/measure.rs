//! The timed work: per file, read the bytes, load the document, and optionally evaluate the
//! rule set on it. Files run in parallel (rayon), so phase times are summed over threads
//! while `wall_s` is the elapsed time of the whole run.

use rayon::prelude::*;
use sagerules_core::{evaluate, Input, Report, RuleSet, Status};
use std::ops::Add;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Counts and phase times, for one file or summed over many.
#[derive(Clone, Copy, Debug, Default)]
pub struct Totals {
    pub files: u64,
    pub bytes: u64,
    pub read_errors: u64,
    pub load_errors: u64,
    pub read: Duration,
    pub load: Duration,
    pub eval: Duration,
    pub rules: Duration,
    pub wall: Duration,
    pub verdicts: Verdicts,
}

/// Verdicts per (rule, resource) and the findings behind the failures.
#[derive(Clone, Copy, Debug, Default)]
pub struct Verdicts {
    pub pass: u64,
    pub fail: u64,
    pub skip: u64,
    pub findings: u64,
    pub eval_errors: u64,
}

/// Reads and loads every file; nothing is evaluated.
pub fn load_only(files: &[PathBuf]) -> Totals {
    timed(files, |path| measure_file(path, None))
}

/// Reads, loads and evaluates every file against `rules`.
pub fn load_and_evaluate(files: &[PathBuf], rules: &RuleSet) -> Totals {
    timed(files, |path| measure_file(path, Some(rules)))
}

fn timed(files: &[PathBuf], each: impl Fn(&PathBuf) -> Totals + Sync + Send) -> Totals {
    let start = Instant::now();
    let mut totals = files
        .par_iter()
        .map(each)
        .reduce(Totals::default, Totals::add);
    totals.wall = start.elapsed();
    totals
}

fn measure_file(path: &PathBuf, rules: Option<&RuleSet>) -> Totals {
    let mut totals = Totals {
        files: 1,
        ..Totals::default()
    };
    let start = Instant::now();
    let read = std::fs::read(path);
    totals.read = start.elapsed();
    let Ok(bytes) = read else {
        totals.read_errors = 1;
        return totals;
    };
    totals.bytes = bytes.len() as u64;
    let start = Instant::now();
    let loaded = sagerules_data::load_for_path(&path.to_string_lossy(), &bytes);
    totals.load = start.elapsed();
    let Ok(doc) = loaded else {
        totals.load_errors = 1;
        return totals;
    };
    if let Some(rules) = rules {
        let start = Instant::now();
        let input = Input {
            data: &doc,
            params: None,
            expander: None,
            only: None,
        };
        totals.verdicts = Verdicts::of(&evaluate(rules, &input));
        totals.eval = start.elapsed();
    }
    totals
}

impl Verdicts {
    fn of(report: &Report) -> Verdicts {
        let mut verdicts = Verdicts {
            eval_errors: report.errors.len() as u64,
            ..Verdicts::default()
        };
        for resource in report.rules.iter().flat_map(|rule| &rule.resources) {
            match resource.status {
                Status::Pass => verdicts.pass += 1,
                Status::Fail => verdicts.fail += 1,
                Status::Skip => verdicts.skip += 1,
            }
            verdicts.findings += resource.failures.len() as u64;
        }
        verdicts
    }
}

impl Add for Verdicts {
    type Output = Verdicts;
    fn add(self, other: Verdicts) -> Verdicts {
        Verdicts {
            pass: self.pass + other.pass,
            fail: self.fail + other.fail,
            skip: self.skip + other.skip,
            findings: self.findings + other.findings,
            eval_errors: self.eval_errors + other.eval_errors,
        }
    }
}

impl Add for Totals {
    type Output = Totals;
    fn add(self, other: Totals) -> Totals {
        Totals {
            files: self.files + other.files,
            bytes: self.bytes + other.bytes,
            read_errors: self.read_errors + other.read_errors,
            load_errors: self.load_errors + other.load_errors,
            read: self.read + other.read,
            load: self.load + other.load,
            eval: self.eval + other.eval,
            rules: self.rules + other.rules,
            wall: self.wall.max(other.wall),
            verdicts: self.verdicts + other.verdicts,
        }
    }
}

impl Totals {
    /// `{"command":"load","threads":2,"files":2029,"bytes":...,"wall_s":0.41,...}`
    pub fn to_json(self, command: &str) -> serde_json::Value {
        let v = &self.verdicts;
        serde_json::json!({
            "command": command,
            "threads": rayon::current_num_threads(),
            "files": self.files,
            "bytes": self.bytes,
            "read_errors": self.read_errors,
            "load_errors": self.load_errors,
            "wall_s": self.wall.as_secs_f64(),
            "rules_s": self.rules.as_secs_f64(),
            "read_s": self.read.as_secs_f64(),
            "load_s": self.load.as_secs_f64(),
            "eval_s": self.eval.as_secs_f64(),
            "pass": v.pass,
            "fail": v.fail,
            "skip": v.skip,
            "findings": v.findings,
            "eval_errors": v.eval_errors,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_only_reads_and_loads_each_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fuzz/seeds/load_data");
        let files = ["template.json", "template.yaml", "bad.yaml"].map(|name| dir.join(name));
        let totals = load_only(&files);
        assert_eq!(
            (totals.files, totals.read_errors, totals.load_errors),
            (3, 0, 1)
        );
        assert_eq!(totals.verdicts.findings, 0);
        assert!(totals.bytes > 0);
    }
}
