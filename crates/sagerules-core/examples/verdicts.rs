//! Prints `file<TAB>rule<TAB>status` for every data file under the given paths, for comparing
//! verdicts with another engine over a corpus:
//!
//! ```text
//! cargo run --release -p sagerules-core --example verdicts -- rules.guard templates/
//! ```
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};

use sagerules_core::{evaluate, parse, Input, RuleSet, Source};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (rules_path, data_paths) = args.split_first().expect("usage: verdicts RULES DATA...");
    let text = std::fs::read_to_string(rules_path).expect("rules file");
    let (file, errors) = parse(&text);
    assert!(errors.is_empty(), "parse errors: {errors:?}");
    let set = RuleSet::build(vec![(
        Source {
            name: rules_path.clone(),
            text,
        },
        file,
    )])
    .expect("rules build");
    let mut files = Vec::new();
    for path in data_paths {
        collect(Path::new(path), &mut files);
    }
    files.sort();
    for path in files {
        let shown = path.display();
        let bytes = std::fs::read(&path).expect("readable");
        let Ok(doc) = sagerules_data::load_for_path(&path.to_string_lossy(), &bytes) else {
            println!("{shown}\t*\tLOAD_ERROR");
            continue;
        };
        let report = evaluate(
            &set,
            &Input {
                data: &doc,
                params: None,
                expander: None,
                only: None,
            },
        );
        for rule in &report.rules {
            println!("{shown}\t{}\t{}", rule.rule, rule.status.as_str());
        }
        for error in &report.errors {
            println!("{shown}\t{}\tERROR", error.rule);
        }
    }
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).expect("readable dir").flatten() {
            collect(&entry.path(), out);
        }
    } else if sagerules_data::is_data_path(&path.to_string_lossy()) {
        out.push(path.to_path_buf());
    }
}
