//! The fast YAML reader against libyaml-safer: wherever the fast reader accepts a text, it
//! must build exactly the tree libyaml-safer builds (values, tags' long forms, every
//! position) with the same warnings. Run on every corpus template (read as YAML, JSON ones
//! included, since JSON is YAML) and on generated block-style documents.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use sagerules_data::{load_yaml_with, Loaded, Node, Value, YamlReader};
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/templates")
}

fn data_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            data_files(&path, out);
        } else if sagerules_data::is_data_path(&path.to_string_lossy()) {
            out.push(path);
        }
    }
}

/// The first place two trees differ, as `pointer: left vs right`.
fn first_difference(left: &Node, right: &Node, at: &str) -> Option<String> {
    if left.pos != right.pos {
        return Some(format!("{at}: position {:?} vs {:?}", left.pos, right.pos));
    }
    match (&left.value, &right.value) {
        (Value::Map(a), Value::Map(b)) => {
            let keys_a: Vec<_> = a.keys().collect();
            let keys_b: Vec<_> = b.keys().collect();
            if keys_a != keys_b {
                return Some(format!("{at}: keys {keys_a:?} vs {keys_b:?}"));
            }
            a.iter()
                .find_map(|(key, child)| first_difference(child, &b[key], &format!("{at}/{key}")))
        }
        (Value::List(a), Value::List(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{at}/{i}"))),
        (Value::Float(a), Value::Float(b)) if a.is_nan() && b.is_nan() => None,
        (a, b) if a == b => None,
        (a, b) => Some(format!("{at}: {a:?} vs {b:?}")),
    }
}

/// `None` when both readers agree (or the fast one declines); else what differs.
fn disagreement(text: &[u8]) -> Option<String> {
    let fast = load_yaml_with(YamlReader::Fast, text)?;
    let reference = load_yaml_with(YamlReader::Libyaml, text).expect("libyaml always answers");
    match (fast, reference) {
        (Ok(fast), Ok(reference)) => compare(&fast, &reference),
        (Ok(_), Err(error)) => Some(format!("fast accepted; libyaml: {error}")),
        (Err(error), _) => Some(format!("the fast reader returned an error: {error}")),
    }
}

fn compare(fast: &Loaded, reference: &Loaded) -> Option<String> {
    if let Some(difference) = first_difference(&fast.node, &reference.node, "") {
        return Some(difference);
    }
    (fast.warnings != reference.warnings)
        .then(|| format!("warnings {:?} vs {:?}", fast.warnings, reference.warnings))
}

#[test]
fn fast_reader_builds_libyamls_tree_for_every_corpus_template() {
    let dir = corpus_dir();
    if !dir.is_dir() {
        eprintln!("corpus not found at {}; skipped", dir.display());
        return;
    }
    let mut files = Vec::new();
    data_files(&dir, &mut files);
    assert_eq!(files.len(), 2029, "corpus size changed");
    let mut read = 0;
    let mut declined = Vec::new();
    let mut differing = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        if load_yaml_with(YamlReader::Libyaml, &bytes)
            .unwrap()
            .is_err()
        {
            continue; // neither reads it as YAML (a JSON template libyaml refuses)
        }
        if load_yaml_with(YamlReader::Fast, &bytes).is_none() {
            declined.push(file.display().to_string());
            continue;
        }
        read += 1;
        if let Some(difference) = disagreement(&bytes) {
            differing.push(format!("{}: {difference}", file.display()));
        }
    }
    eprintln!("fast reader: read {read}, declined {}", declined.len());
    for file in declined.iter().take(40) {
        eprintln!("  declined {file}");
    }
    assert!(
        differing.is_empty(),
        "{} differ:\n{}",
        differing.len(),
        differing.join("\n")
    );
}

/// One line of block-style YAML: an indentation, a key or entry indicator, a value.
fn yaml_line() -> impl Strategy<Value = String> {
    let indent = prop::sample::select(vec!["", "  ", "    ", "      ", " ", "   "]);
    let lead = prop::sample::select(vec![
        "Key: ",
        "Other: ",
        "- ",
        "- Name: ",
        "- - ",
        "Key:",
        "-",
        "",
        "'quoted key': ",
        "!Ref k: ",
        "&k Key: ",
        "<<: ",
        "Key : ",
        "? ",
    ]);
    let value = prop::sample::select(vec![
        "",
        "v",
        "two words",
        "text  # comment",
        "'single ''q'''",
        "\"dq \\n \\u00e9 \\\"\"",
        "'open",
        "continued'",
        "\"open",
        "more\"",
        "!Ref Name",
        "!GetAtt A.B",
        "!GetAtt [A, B]",
        "!Sub 'x-${A}'",
        "!If",
        "!!int 12",
        "!!str 12",
        "[a, b]",
        "[Ref: x, 'q', [1, 2]]",
        "{k: v, \"q\": 1, e}",
        "{a: [b, {c: d}]}",
        "[",
        "]",
        "{k:",
        "}",
        "|",
        "|-",
        ">",
        ">+",
        "|2",
        "&anchor v",
        "*anchor",
        "&m {x: 1}",
        "*m",
        "1.5",
        "0x1F",
        "~",
        "null",
        "true",
        "a:b",
        "arn:aws:s3:::b/*",
        "-1",
        "- x",
        "# only a comment",
        "x #y",
        "x#y",
        "'a'#c",
        "é ü",
        "\t",
        "tab\tinside",
        "...",
        "---",
        "%YAML",
        "?x",
        ":x",
        "@x",
    ]);
    (indent, lead, value).prop_map(|(i, l, v)| format!("{i}{l}{v}"))
}

fn yaml_document() -> impl Strategy<Value = String> {
    let ending = prop::sample::select(vec!["\n", "", "\r\n", "\n\n", "\n  \n"]);
    (prop::collection::vec(yaml_line(), 1..24), ending).prop_map(|(lines, ending)| {
        lines.join(if ending == "\r\n" { "\r\n" } else { "\n" }) + ending
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// Wherever the fast reader accepts generated block-style text, libyaml-safer reads the
    /// same tree from it.
    #[test]
    fn fast_reader_agrees_with_libyaml_on_generated_documents(text in yaml_document()) {
        if let Some(difference) = disagreement(text.as_bytes()) {
            prop_assert!(false, "{difference}\n--- text ---\n{text}");
        }
    }
}

/// A generated document before rendering: collections carry how they are written.
#[derive(Clone, Debug)]
enum Tree {
    Scalar(&'static str),
    List(u8, Vec<Tree>),
    Map(u8, Vec<(&'static str, Tree)>),
}

fn scalar_text() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "v",
        "two words",
        "text  # comment",
        "'single ''q'''",
        r#""dq \n \u00e9 \"""#,
        "!Ref Name",
        "!GetAtt A.B",
        "!GetAtt [A, B]",
        "!Sub 'x-${A}'",
        "!!int 12",
        "!!str 12",
        "&anchor v",
        "1.5",
        "0x1F",
        "~",
        "null",
        "true",
        "a:b",
        "arn:aws:s3:::b/*",
        "-1",
        "x#y",
        "'a'#c",
        "é ü",
        "tab\tinside",
        "''",
        r#""""#,
        "!Ref",
        "'it''s'",
        "\"a\\\n  b\"",
        "*anchor",
        "<<",
        "200",
        "'two\n\n  lines'",
        "plain\n  folded",
        "|\n  literal\n\n  x\n",
        ">-\n  folded\n  text\n",
        "|+\n  keep\n\n",
        "!Sub |\n  a ${B}\n",
    ])
}

fn key_text() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "Key",
        "Other",
        "Type",
        "'quoted key'",
        "\"dq\"",
        "Fn::If",
        "200",
        "true",
        "!Ref k",
        "a b",
        "Key",
        "Other",
        "<<",
    ])
}

fn tree() -> impl Strategy<Value = Tree> {
    scalar_text()
        .prop_map(Tree::Scalar)
        .prop_recursive(5, 40, 5, |inner| {
            prop_oneof![
                (any::<u8>(), prop::collection::vec(inner.clone(), 0..5))
                    .prop_map(|(style, items)| Tree::List(style, items)),
                (
                    any::<u8>(),
                    prop::collection::vec((key_text(), inner), 0..5)
                )
                    .prop_map(|(style, entries)| Tree::Map(style, entries)),
            ]
        })
}

/// Writes a tree in flow style: `[a, {k: v}]`, sometimes over several lines.
fn flow(tree: &Tree, out: &mut String) {
    match tree {
        Tree::Scalar(text) => out.push_str(text.lines().next().unwrap_or("")),
        Tree::List(style, items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(if style % 3 == 0 { ",\n  " } else { ", " });
                }
                flow(item, out);
            }
            out.push(']');
        }
        Tree::Map(style, entries) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(if style % 3 == 0 { ",\n " } else { ", " });
                }
                out.push_str(key);
                out.push_str(": ");
                flow(value, out);
            }
            out.push('}');
        }
    }
}

/// Writes a tree in block style under a parent at column `indent`, after text that ends in
/// `key:` or `-` (`after_dash`: compact forms are allowed).
fn block(tree: &Tree, indent: usize, after_dash: bool, out: &mut String) {
    let pad = |n: usize| " ".repeat(n);
    let style = match tree {
        Tree::Scalar(text) => {
            out.push(' ');
            // Continuation lines of multi-line scalars go under the parent.
            out.push_str(&text.replace('\n', &format!("\n{}", pad(indent + 2))));
            return;
        }
        Tree::List(style, _) | Tree::Map(style, _) => *style,
    };
    if style % 4 == 0 {
        out.push(' ');
        flow(tree, out);
        return;
    }
    let step = 1 + usize::from(style % 3);
    match tree {
        Tree::List(_, items) if items.is_empty() => out.push_str(" []"),
        Tree::Map(_, entries) if entries.is_empty() => out.push_str(" {}"),
        Tree::List(_, items) => {
            let compact = after_dash && style % 2 == 1;
            let inner = if compact {
                indent + 2
            } else if style % 5 == 1 && !after_dash {
                indent
            } else {
                indent + step
            };
            for (i, item) in items.iter().enumerate() {
                if i == 0 && compact {
                    out.push(' ');
                } else {
                    out.push('\n');
                    out.push_str(&pad(inner));
                }
                out.push('-');
                block(item, inner, true, out);
            }
        }
        Tree::Map(_, entries) => {
            let compact = after_dash && style % 2 == 1;
            let inner = if compact { indent + 2 } else { indent + step };
            for (i, (key, value)) in entries.iter().enumerate() {
                if i == 0 && compact {
                    out.push(' ');
                } else {
                    out.push('\n');
                    out.push_str(&pad(inner));
                }
                out.push_str(key);
                out.push(':');
                block(value, inner, false, out);
            }
        }
        Tree::Scalar(_) => {}
    }
}

/// A rendered tree, a third of the time with one generated line spliced in to break it.
fn rendered_document() -> impl Strategy<Value = String> {
    (tree(), any::<u8>(), yaml_line(), any::<u16>()).prop_map(|(tree, style, line, at)| {
        let mut out = String::from("Resources:");
        block(&tree, 0, false, &mut out);
        out.push('\n');
        if style % 3 == 0 {
            let mut lines: Vec<String> = out.lines().map(str::to_owned).collect();
            let at = usize::from(at) % (lines.len() + 1);
            lines.insert(at, line);
            out = lines.join("\n") + "\n";
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// Rendered trees, block and flow styles mixed: the two readers agree.
    #[test]
    fn fast_reader_agrees_with_libyaml_on_rendered_trees(text in rendered_document()) {
        if let Some(difference) = disagreement(text.as_bytes()) {
            prop_assert!(false, "{difference}\n--- text ---\n{text}");
        }
    }
}

/// The rendered documents are worth comparing only if the fast reader reads most of them.
#[test]
fn rendered_documents_are_mostly_read_by_the_fast_reader() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = rendered_document();
    let mut accepted = 0;
    for _ in 0..2000 {
        let text = strategy.new_tree(&mut runner).unwrap().current();
        if matches!(
            load_yaml_with(YamlReader::Fast, text.as_bytes()),
            Some(Ok(_))
        ) {
            accepted += 1;
        }
    }
    eprintln!("fast reader accepted {accepted} of 2000 rendered documents");
    assert!(accepted >= 1000, "only {accepted} of 2000 accepted");
}
