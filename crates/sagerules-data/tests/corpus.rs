//! Every template of the shared corpus (`shared/corpus/templates`, 2,029 files) loads.
//! cfn-guard 3.2.1 rejects two of them (YAML anchors; a non-string key); we must not.
//! Skipped when the corpus is not beside the checkout.

// Test helpers outside #[test] functions unwrap too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use sagerules_data::ErrorKind;
mod common;
use common::{corpus_dir, corpus_files};

#[test]
fn every_corpus_template_loads() {
    let Some(files) = corpus_files() else {
        return;
    };
    let mut failures = Vec::new();
    let mut with_duplicates = 0;
    let mut unknown_tags = std::collections::BTreeMap::<String, usize>::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        match sagerules_data::load_lenient(&file.to_string_lossy(), &bytes) {
            Ok(loaded) => {
                let of_kind = |kind| loaded.warnings.iter().filter(move |w| w.kind == kind);
                with_duplicates += usize::from(of_kind(ErrorKind::DuplicateKey).count() > 0);
                for warning in of_kind(ErrorKind::UnknownTag) {
                    let tag = warning
                        .message
                        .split_whitespace()
                        .nth(2)
                        .unwrap_or_default();
                    let tag = tag.trim_end_matches(':');
                    *unknown_tags.entry(tag.to_string()).or_default() += 1;
                }
            }
            Err(error) => failures.push(format!("{}:{error}", file.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(with_duplicates, 7, "templates with duplicate keys");
    // The only tags that are not CloudFormation short forms are Rain's packaging directives,
    // which `rain pkg` replaces before deployment.
    let tags: Vec<(&str, usize)> = unknown_tags.iter().map(|(t, n)| (t.as_str(), *n)).collect();
    assert_eq!(tags, UNKNOWN_TAGS_IN_CORPUS, "unknown tags in the corpus");
}

const UNKNOWN_TAGS_IN_CORPUS: &[(&str, usize)] = &[
    ("!Rain::Constant", 2),
    ("!Rain::Embed", 14),
    ("!Rain::Module", 36),
    ("!Rain::S3", 3),
];

fn load_corpus_file(relative: &str) -> Option<sagerules_data::Node> {
    let path = corpus_dir().join(relative);
    let bytes = std::fs::read(&path).ok()?;
    Some(sagerules_data::load_for_path(relative, &bytes).unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn anchors_template_that_cfn_guard_rejects_loads() {
    let Some(doc) = load_corpus_file("aws-cloudformation__rain/test/templates/anchors.yaml") else {
        return;
    };
    let tags = "/Resources/MyLambda/Properties/Tags";
    let value = |i: usize| {
        doc.pointer_get(&format!("{tags}/{i}/Value"))
            .cloned()
            .unwrap()
    };
    assert_eq!(value(1).as_str(), Some("myval"));
    assert_eq!((value(1).pos.line, value(1).pos.col), (15, 18));
    let code = value(2);
    assert_eq!(
        code.get("ZipFile").and_then(|n| n.as_str()),
        Some("print(\"Hello World!\")\n")
    );
}

#[test]
fn integer_key_template_that_cfn_guard_rejects_loads() {
    let relative =
        "aws-cloudformation__cfn-lint/test/fixtures/templates/good/functions_findinmap.yaml";
    let Some(doc) = load_corpus_file(relative) else {
        return;
    };
    let ami = doc
        .pointer_get("/Mappings/myMap/us-east-1/32")
        .and_then(|n| n.as_str());
    assert_eq!(ami, Some("ami-1234567"));
}
