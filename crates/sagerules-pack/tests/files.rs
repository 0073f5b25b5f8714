//! The bundled list and the `rules/` directory agree: every rules file is compiled in, and
//! every rules file has its Guard-format tests.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

use std::collections::BTreeSet;
use std::path::PathBuf;

fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rules")
}

fn names_on_disk(dir: &PathBuf, suffix: &str) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(suffix))
        .collect()
}

#[test]
fn every_rules_file_in_the_directory_is_bundled() {
    let bundled: BTreeSet<String> = sagerules_pack::files()
        .iter()
        .map(|f| f.name.to_string())
        .collect();
    let mut on_disk = names_on_disk(&rules_dir(), ".rules");
    on_disk.extend(names_on_disk(&rules_dir(), ".guard"));
    assert_eq!(
        bundled, on_disk,
        "rules/ and sagerules_pack::files() differ: update FILES in src/lib.rs"
    );
}

#[test]
fn bundled_text_is_the_file_on_disk() {
    for file in sagerules_pack::files() {
        let on_disk = std::fs::read_to_string(rules_dir().join(file.name)).unwrap();
        assert_eq!(file.text, on_disk, "{}", file.name);
    }
}

#[test]
fn every_rules_file_has_a_tests_file() {
    let tests = names_on_disk(&rules_dir().join("tests"), ".yaml");
    for file in sagerules_pack::files() {
        let stem = file.name.trim_end_matches(".rules");
        assert!(
            tests.contains(&format!("{stem}_tests.yaml")),
            "no rules/tests/{stem}_tests.yaml"
        );
    }
}

#[test]
fn sources_are_named_by_their_path() {
    let names: Vec<String> = sagerules_pack::sources()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert!(
        names.contains(&"rules/training.rules".to_string()),
        "{names:?}"
    );
    assert_eq!(names.len(), sagerules_pack::files().len());
}
