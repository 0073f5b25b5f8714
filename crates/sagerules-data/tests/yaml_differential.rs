//! Our YAML reader against libyaml-safer, the reader it replaced: where libyaml-safer reads a
//! text, ours must build exactly the same tree (values, tags' long forms, every position) with
//! the same warnings; where one refuses a text, so must the other, with an error of the same
//! kind. The only exceptions are constructs ours refuses on purpose, with a message saying
//! they are not supported (explicit `? ` keys, NEL/LS/PS line breaks). Run on every corpus
//! template (read as YAML, JSON ones included, since JSON is YAML), on generated documents,
//! and on the hostile inputs of the other tests.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use sagerules_data::{load_yaml_with, LoadError, Loaded, Node, Value, YamlReader};
use std::path::Path;

mod common;
use common::corpus_files;

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
            // Same keys in the same order: compare the entries pairwise.
            a.iter()
                .zip(b.iter())
                .find_map(|((key, child), (_, theirs))| {
                    first_difference(child, theirs, &format!("{at}/{key}"))
                })
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

/// libyaml-safer's reading, or `None` when it panicked: it does on a few inputs (`[!a,]`), so
/// it runs on a thread of its own, where a panic ends only that thread. (Our reader needs no
/// such care: it runs on the test's thread.)
fn reference(text: &[u8]) -> Option<Result<Loaded, LoadError>> {
    let bytes = text.to_vec();
    std::thread::spawn(move || load_yaml_with(YamlReader::Libyaml, &bytes))
        .join()
        .ok()
}

/// Constructs our reader refuses on purpose although libyaml reads them (documented in
/// `yaml/fast.rs`).
fn documented_refusal(error: &LoadError) -> bool {
    error.message.contains("not supported") || error.message.contains("does not read")
}

/// `None` when both readers agree: the same tree and warnings, or errors of the same kind.
///
/// The reference reads text given a final line break (libyaml-safer panics on some text without
/// one), which moves what sits at the very end (an empty value, the end of the stream) to the
/// next line; texts are compared with that break, and the unit tests in `yaml.rs` pin what
/// our reader makes of a file that lacks it.
fn disagreement(text: &[u8]) -> Option<String> {
    let with_break;
    let text = if text.ends_with(b"\n") || text.is_empty() {
        text
    } else {
        with_break = [text, b"\n"].concat();
        &with_break
    };
    let ours = load_yaml_with(YamlReader::Fast, text);
    let reference = reference(text)?;
    match (ours, reference) {
        (Ok(ours), Ok(reference)) => compare(&ours, &reference),
        (Ok(_), Err(error)) => Some(format!("ours accepted; libyaml: {error}")),
        (Err(error), Ok(_)) if documented_refusal(&error) => None,
        (Err(error), Ok(_)) => Some(format!("ours refused what libyaml reads: {error}")),
        // A text with two faults may have them found in a different order (libyaml's scanner
        // reads a few tokens ahead of the events the builder sees); at the same place, the
        // kind must agree.
        (Err(ours), Err(theirs)) if ours.kind != theirs.kind && ours.pos() == theirs.pos() => {
            Some(format!("error kinds differ: ours {ours}; libyaml {theirs}"))
        }
        (Err(_), Err(_)) => None,
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
    let Some(files) = corpus_files() else {
        return;
    };
    let mut compared = 0;
    let mut differing = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        compared += 1;
        if let Some(difference) = disagreement(&bytes) {
            differing.push(format!("{}: {difference}", file.display()));
        }
    }
    eprintln!("compared {compared} corpus templates read as YAML");
    assert!(
        differing.is_empty(),
        "{} differ:\n{}",
        differing.len(),
        differing.join("\n")
    );
}

/// One-line scalars both generators write (tags, anchors, the core schema, `#` and `:`
/// inside plain text).
const ONE_LINE_SCALARS: &[&str] = &[
    "v",
    "two words",
    "text  # comment",
    "'single ''q'''",
    "!Ref Name",
    "!GetAtt A.B",
    "!GetAtt [A, B]",
    "!Sub 'x-${A}'",
    "!!int 12",
    "!!str 12",
    "&anchor v",
    "*anchor",
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
];

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
    let mut values = ONE_LINE_SCALARS.to_vec();
    values.extend([
        "",
        "\"dq \\n \\u00e9 \\\"\"",
        "'open",
        "continued'",
        "\"open",
        "more\"",
        "!If",
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
        "&m {x: 1}",
        "*m",
        "- x",
        "# only a comment",
        "x #y",
        "\t",
        "...",
        "---",
        "%YAML",
        "?x",
        ":x",
        "@x",
    ]);
    let value = prop::sample::select(values);
    (indent, lead, value).prop_map(|(i, l, v)| format!("{i}{l}{v}"))
}

fn yaml_document() -> impl Strategy<Value = String> {
    let ending = prop::sample::select(vec!["\n", "", "\r\n", "\n\n", "\n  \n"]);
    (prop::collection::vec(yaml_line(), 1..24), ending).prop_map(|(lines, ending)| {
        lines.join(if ending == "\r\n" { "\r\n" } else { "\n" }) + ending
    })
}

/// A generated document before rendering: collections carry how they are written.
#[derive(Clone, Debug)]
enum Tree {
    Scalar(&'static str),
    List(u8, Vec<Tree>),
    Map(u8, Vec<(&'static str, Tree)>),
}

fn scalar_text() -> impl Strategy<Value = &'static str> {
    let mut values = ONE_LINE_SCALARS.to_vec();
    values.extend([
        r#""dq \n \u00e9 \"""#,
        "''",
        r#""""#,
        "!Ref",
        "'it''s'",
        "\"a\\\n  b\"",
        "<<",
        "200",
        "'two\n\n  lines'",
        "plain\n  folded",
        "|\n  literal\n\n  x\n",
        ">-\n  folded\n  text\n",
        "|+\n  keep\n\n",
        "!Sub |\n  a ${B}\n",
    ]);
    prop::sample::select(values)
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

/// Fails the case when the readers disagree on `text`.
fn agree(text: &str) -> Result<(), TestCaseError> {
    match disagreement(text.as_bytes()) {
        Some(difference) => Err(TestCaseError::fail(format!(
            "{difference}\n--- text ---\n{text}"
        ))),
        None => Ok(()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// Lines of block-style text, often broken: the two readers agree.
    #[test]
    fn fast_reader_agrees_with_libyaml_on_generated_documents(text in yaml_document()) {
        agree(&text)?;
    }

    /// Rendered trees, block and flow styles mixed: the two readers agree.
    #[test]
    fn fast_reader_agrees_with_libyaml_on_rendered_trees(text in rendered_document()) {
        agree(&text)?;
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
        if load_yaml_with(YamlReader::Fast, text.as_bytes()).is_ok() {
            accepted += 1;
        }
    }
    eprintln!("fast reader accepted {accepted} of 2000 rendered documents");
    assert!(accepted >= 1000, "only {accepted} of 2000 accepted");
}

/// Implicit keys near libyaml's limit: it pairs a key with its `:` only within 1,024 bytes of
/// the key's first token (tag and anchor included), in block and flow context alike. Found by
/// the yaml_differential fuzz target (a flow map with a 1,100-character plain key).
fn long_key_cases() -> Vec<(String, Vec<u8>)> {
    let a = |n: usize| "a".repeat(n);
    let texts = [
        format!("{{{}: b}}\n", a(1100)),
        format!("{{{}: b}}\n", a(1024)),
        format!("{{{}: b}}\n", a(1025)),
        format!("[{}: b]\n", a(1100)),
        format!("[x, {}: b]\n", a(1024)),
        format!("{}: b\n", a(1024)),
        format!("{}: b\n", a(1025)),
        format!("{}   : b\n", a(1022)),
        format!("- {}: b\n", a(1030)),
        format!("top:\n  {}: b\n", a(1030)),
        format!("\"{}\": b\n", a(1023)),
        format!("\"{}\": b\n", a(1022)),
        format!("!!str {}: b\n", a(1020)),
        format!("&x {}: b\n", a(1020)),
        format!("{}: b\n", "é".repeat(512)),
        format!("{}: b\n", "é".repeat(513)),
        format!("{{{}: b}}\n", "é".repeat(600)),
        format!("k: {{{}}}\n", a(1100)),
    ];
    texts
        .into_iter()
        .map(|text| {
            (
                format!("long key of {} bytes", text.len()),
                text.into_bytes(),
            )
        })
        .collect()
}

/// Broken and hostile inputs: the hostile files of `tests/adversarial` and the broken texts the
/// other tests of this crate use, plus the classic YAML mistakes. Both readers must refuse the
/// same ones with errors of the same kind at the same place (the wording is ours), and read
/// the rest alike.
#[test]
fn hostile_and_broken_inputs_get_the_same_error_kind_and_place() {
    let adversarial = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/adversarial");
    let mut cases: Vec<(String, Vec<u8>)> = std::fs::read_dir(&adversarial)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .map(|path| (path.display().to_string(), std::fs::read(&path).unwrap()))
        .collect();
    let broken = [
        "? [a, b]\n: 1\n",
        "Resources:\n  A:\n    Type: X\n    Type: Y\n",
        "a: !!int abc\n",
        "a: &x [1, *x]\n",
        "a: *nope\n",
        "a: 1\n---\nb: 2\n",
        "a: [1, 2\nb: 3\n",
        "m:\n  <<: 3\n",
        "{a: 1}: x\n",
        "a: 'open\n",
        "a: \"open\n",
        "a: b: c\n",
        "a:\n  - x\n  y: 1\n",
        "a:\n\t- x\n",
        "a: 1\n  b: 2\n",
        "- a\nb: 1\n",
        "a: {b: 1\n",
        "a: [b, c]]\n",
        "a: \"\\q\"\n",
        "a: |0\n  x\n",
        "%YAML 2.0\n---\na: 1\n",
        "%FOO bar\na: 1\n",
        "--- a\n--- b\n",
        "a: 1\n...\nb: 2\n",
        "@a: 1\n",
        "a: `b`\n",
        "a: !e!x 1\n",
        "&a a: 1\n*a : 2\n",
        "[a]: 1\n",
        "a:\n- b\n - c\n",
        // Found by the yaml_differential fuzz target: a verbatim tag with a character URIs do
        // not have; a flow key followed by a second node.
        "!<ai<>\n",
        "\u{feff}\u{feff}a: 1\n",
        "%TAG ! t:!>\n---\n",
        "{\n  \"a\"\" :b\",\n  \"c\": 1}\n",
        // Keys in flow collections that libyaml cannot pair with a `:` on a later line: a
        // key with no `:` is read with an empty value; with one, the key is read (with an empty
        // value in a map, so a merge key `<<` is refused first) and the `:` refused.
        "{a\n b}\n",
        "{a\n b: c}\n",
        "[a\n b: c]\n",
        "{k: v,\n!If\n <<: v}\n",
        "[!!int abc\n : 1]\n",
        // Found by the yaml_differential fuzz target: inside a flow collection, a tab may not
        // indent a plain scalar's continuation line up to the enclosing block's column; it may
        // further in, at the top level, and before a new entry.
        "Haa: [1,Logger()\n\to]\n",
        "a: [b\n\tc]\n",
        "a: [b,\n\tc]\n",
        "[b\n\tc]\n",
        "a:\n  - {k: b\n \tc}\n",
        "a:\n  - {k: b\n   \tc}\n",
        "a:\n  - [b\n  \tc]\n",
        // Found by the yaml_differential fuzz target: a directive's name must end at a blank.
        "%TAG! t5:[.\n---\n- a: 1\n",
        "%YAML1.2\n---\na: 1\n",
        "%FOO!bar\n---\na: 1\n",
        "%TAG\t! t:\n---\n!x a\n",
        // Found by the yaml_differential fuzz target: `%TAG !` does not expand a lone `!`.
        "%TAG ! tag:x,24-!GetA\n--- ! tag:y\n",
        "%TAG ! tag:x,24:\n---\na: ! b\nc: !d e\n",
        // Found by the yaml_differential fuzz target: a directive starts at column 1 only.
        "   %TAG ! 0:-\n---\n",
        " %YAML 1.2\n---\na: 1\n",
        "---\n  %TAG ! x:\n",
        "a: 1\n...\n %YAML 1.2\n---\nb: 2\n",
    ];
    cases.extend(
        broken
            .iter()
            .map(|text| ((*text).to_owned(), text.as_bytes().to_vec())),
    );
    cases.extend(long_key_cases());
    let mut differing = Vec::new();
    for (name, bytes) in &cases {
        let ours = load_yaml_with(YamlReader::Fast, bytes);
        let Some(theirs) = reference(bytes) else {
            continue; // libyaml-safer panicked; ours returned (this line was reached)
        };
        let same = match (&ours, &theirs) {
            (Ok(a), Ok(b)) => compare(a, b).is_none(),
            (Err(a), Err(b)) => a.kind == b.kind && a.pos() == b.pos(),
            _ => false,
        };
        if !same {
            let show = |r: &Result<Loaded, LoadError>| match r {
                Ok(_) => "read".to_string(),
                Err(e) => format!("{:?} at {}:{} ({})", e.kind, e.line, e.col, e.message),
            };
            differing.push(format!(
                "{name:?}: ours {}; libyaml {}",
                show(&ours),
                show(&theirs)
            ));
        }
    }
    assert!(
        differing.is_empty(),
        "{} differ:\n{}",
        differing.len(),
        differing.join("\n")
    );
}
