//! Times what this crate adds before evaluation (pipeline steps, the expander's folding walk,
//! suppressions, Service Catalog) against loading, over a directory of templates (default: the
//! shared corpus); then expands every node of every template once and counts the expansions,
//! checking that no alternative expands back to the node it came from.
//!
//! `cargo run --release -p sagerules-cfn --example prepare_corpus [DIR]`

use sagerules_cfn::catalog::Catalog;
use sagerules_cfn::{CfnExpander, Prepared, Suppressions, Template};
use sagerules_core::{Expander, Expansion};
use sagerules_data::{Node, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    let root = std::env::args().nth(1).map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/templates"),
        PathBuf::from,
    );
    let mut files = Vec::new();
    collect(&root, &mut files);
    let (mut load, mut prepare, mut count) = (Duration::ZERO, Duration::ZERO, 0usize);
    let mut tally: Tally = [0; 4];
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        let name = file.to_string_lossy();
        let started = Instant::now();
        let Ok(doc) = sagerules_data::load_for_path(&name, &bytes) else {
            continue;
        };
        load += started.elapsed();
        let text = String::from_utf8_lossy(&bytes);
        let started = Instant::now();
        let prepared = Prepared::new(Template {
            name: &name,
            text: Some(&text),
            root: &doc,
        });
        let expander = prepared.expander();
        let (suppressions, _) = Suppressions::read(&doc);
        let catalog = Catalog::read(prepared.data());
        prepare += started.elapsed();
        count += usize::from(!suppressions.is_empty() || !catalog.artifacts.is_empty());
        expand_all(prepared.data(), prepared.data(), &expander, &mut tally);
    }
    println!("{} files: load {load:?}, cfn preparation {prepare:?} ({count} with suppressions or local products)", files.len());
    println!("expansions: {tally:?}");
}

/// Expansions by kind: `[alternatives, unknown, any, self-referencing alternatives]`.
type Tally = [usize; 4];

fn expand_all(root: &Node, node: &Node, expander: &CfnExpander<'_>, tally: &mut Tally) {
    if let Some(expansion) = expander.expand(root, node) {
        let slot = match &expansion {
            Expansion::Alternatives(alts)
                if alts
                    .iter()
                    .any(|a| a.node.is_some_and(|n| std::ptr::eq(n, node))) =>
            {
                3
            }
            Expansion::Alternatives(_) => 0,
            Expansion::Unknown { .. } | Expansion::DeployTimeString { .. } => 1,
            Expansion::Any { .. } => 2,
        };
        if let Some(count) = tally.get_mut(slot) {
            *count += 1;
        }
    }
    match &node.value {
        Value::List(items) => items
            .iter()
            .for_each(|n| expand_all(root, n, expander, tally)),
        Value::Map(map) => map
            .values()
            .for_each(|n| expand_all(root, n, expander, tally)),
        _ => {}
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if sagerules_data::is_data_path(&path.to_string_lossy()) {
            out.push(path);
        }
    }
}
