//! Parser tests: one-line helpers per construct, error snapshots, and round trips.

use super::*;
use crate::format::format;

/// Developer aid: `SR_FILE=path cargo test -p sagerules-core dump_file -- --ignored --nocapture`.
#[test]
#[ignore]
fn dump_file() {
    let path = std::env::var("SR_FILE").unwrap();
    let src = std::fs::read_to_string(path).unwrap();
    let (file, errors) = parse(&src);
    if std::env::var("SR_AST").is_ok() {
        println!("{file:#?}");
    }
    for e in &errors {
        let (l, c) = line_col(&src, e.span.start);
        println!("ERROR {l}:{c} {} (expected {:?}, found {:?}, hint {:?})", e.message, e.expected, e.found, e.hint);
    }
    println!("----\n{}", format(&file, &src));
}
