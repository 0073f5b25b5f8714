//! Issue 17's front-end comparison: how long each YAML parser takes to read the same files,
//! with nothing else done, so the loader is chosen by measurement.
//!
//! ```text
//! sagerules-bench frontend --parser saphyr-parser ../shared/corpus/templates
//! {"command":"frontend","parser":"saphyr-parser","files":1843,"events":...,"errors":0,...}
//! ```
//!
//! Candidates (every one reads the whole event stream with line/column marks, which the
//! findings need):
//!
//! | name | what runs |
//! |---|---|
//! | `ours` | `sagerules_data::load_for_path`: our reader (`yaml/fast.rs`) and our tree (positions, tags, anchors, duplicate keys) |
//! | `ours-libyaml` | the same tree built from libyaml-safer's events only (the loader before issue 17) |
//! | `libyaml-safer` | libyaml-safer's events only, fed 4 KiB at a time as our loader feeds it |
//! | `saphyr-parser` | saphyr-parser 0.0 events with spans (YAML 1.2) |
//! | `yaml-rust2` | yaml-rust2 0.10 events with markers |
//!
//! Only `.yaml`/`.yml`/`.template` files that are not JSON are read (a JSON template goes to
//! our own JSON reader whatever the YAML front end). Peak memory is measured around the process
//! by `tests/bench/run.sh`.

use rayon::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A YAML front end under comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Candidate {
    Ours,
    OursLibyaml,
    LibyamlSafer,
    SaphyrParser,
    YamlRust2,
}

impl Candidate {
    fn name(self) -> &'static str {
        match self {
            Candidate::Ours => "ours",
            Candidate::OursLibyaml => "ours-libyaml",
            Candidate::LibyamlSafer => "libyaml-safer",
            Candidate::SaphyrParser => "saphyr-parser",
            Candidate::YamlRust2 => "yaml-rust2",
        }
    }
}

/// What one file (or the sum of many) cost.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    files: u64,
    bytes: u64,
    /// Events read (for `ours`: 1 per document loaded).
    events: u64,
    /// Files the parser refused.
    errors: u64,
    parse: Duration,
}

impl std::ops::Add for Tally {
    type Output = Tally;
    fn add(self, other: Tally) -> Tally {
        Tally {
            files: self.files + other.files,
            bytes: self.bytes + other.bytes,
            events: self.events + other.events,
            errors: self.errors + other.errors,
            parse: self.parse + other.parse,
        }
    }
}

/// Parses every YAML file of `files` with `candidate`, in parallel as `check` reads files.
pub fn compare(candidate: Candidate, files: &[PathBuf]) -> serde_json::Value {
    let texts: Vec<(&PathBuf, String)> = files
        .iter()
        .filter_map(|path| Some((path, std::fs::read_to_string(path).ok()?)))
        .filter(|(_, text)| !looks_like_json(text))
        .collect();
    let start = Instant::now();
    let tallies: Vec<Tally> = texts
        .par_iter()
        .map(|(_, text)| parse_one(candidate, text))
        .collect();
    let wall = start.elapsed();
    let refused: Vec<String> = texts
        .iter()
        .zip(&tallies)
        .filter(|(_, tally)| tally.errors > 0)
        .map(|((path, _), _)| path.display().to_string())
        .collect();
    let total = tallies.into_iter().fold(Tally::default(), |a, b| a + b);
    serde_json::json!({
        "command": "frontend",
        "parser": candidate.name(),
        "threads": rayon::current_num_threads(),
        "files": total.files,
        "bytes": total.bytes,
        "events": total.events,
        "errors": total.errors,
        "wall_s": wall.as_secs_f64(),
        "parse_s": total.parse.as_secs_f64(),
        "refused": refused,
    })
}

/// A JSON document (first non-blank character `{` or `[`) is not read by the YAML front end.
fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with(['{', '['])
}

fn parse_one(candidate: Candidate, text: &str) -> Tally {
    let start = Instant::now();
    let outcome = match candidate {
        Candidate::Ours => sagerules_data::load_for_path("input.yaml", text.as_bytes())
            .map(|_| 1)
            .map_err(|_| ()),
        Candidate::OursLibyaml => {
            let reader = sagerules_data::YamlReader::Libyaml;
            sagerules_data::load_yaml_with(reader, text.as_bytes())
                .map(|_| 1)
                .map_err(|_| ())
        }
        Candidate::LibyamlSafer => libyaml_events(text),
        Candidate::SaphyrParser => saphyr_events(text),
        Candidate::YamlRust2 => yaml_rust2_events(text),
    };
    let parse = start.elapsed();
    Tally {
        files: 1,
        bytes: text.len() as u64,
        events: outcome.as_ref().map_or(0, |n| *n),
        errors: u64::from(outcome.is_err()),
        parse,
    }
}

/// Events until the stream ends. The whole text is one buffer: fed through a 4 KiB
/// `BufReader` instead, libyaml-safer 0.3 panics on corpus files ("unexpected end of input",
/// scanner.rs:166, a block scalar's line break at a buffer boundary).
fn libyaml_events(text: &str) -> Result<u64, ()> {
    let mut parser = libyaml_safer::Parser::new();
    parser.set_encoding(libyaml_safer::Encoding::Utf8);
    let mut input = text.as_bytes();
    parser.set_input_string(&mut input);
    let mut events = 0;
    loop {
        let event = parser.parse().map_err(|_| ())?;
        events += 1;
        if matches!(event.data, libyaml_safer::EventData::StreamEnd) {
            return Ok(events);
        }
    }
}

fn saphyr_events(text: &str) -> Result<u64, ()> {
    let mut events = 0;
    for event in saphyr_parser::Parser::new_from_str(text) {
        let (_event, _span) = event.map_err(|_| ())?;
        events += 1;
    }
    Ok(events)
}

fn yaml_rust2_events(text: &str) -> Result<u64, ()> {
    struct Count(u64);
    impl yaml_rust2::parser::MarkedEventReceiver for Count {
        fn on_event(&mut self, _event: yaml_rust2::Event, _mark: yaml_rust2::scanner::Marker) {
            self.0 += 1;
        }
    }
    let mut count = Count(0);
    yaml_rust2::parser::Parser::new_from_str(text)
        .load(&mut count, true)
        .map_err(|_| ())?;
    Ok(count.0)
}
