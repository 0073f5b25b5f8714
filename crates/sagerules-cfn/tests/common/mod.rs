//! Test helpers: JSON documents as [`Node`]s, and expansions as short text.

#![allow(dead_code, reason = "each test binary uses a subset")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use sagerules_cfn::{check, no_files, CfnExpander, Checked, Options, Template};
use sagerules_core::{parse, Expander, Expansion, RuleSet, Source};
use sagerules_data::{load, Format, Node, Pos, Value};

/// A rule set of one `test.rules` file, which must parse and build.
pub fn rules(text: &str) -> RuleSet {
    let (file, errors) = parse(text);
    assert!(errors.is_empty(), "{errors:?}");
    RuleSet::build(vec![(
        Source {
            name: "test.rules".into(),
            text: text.into(),
        },
        file,
    )])
    .unwrap()
}

/// Checks a YAML template (`t.yaml`) with `rules_text`; the main document's results.
pub fn run(rules_text: &str, yaml: &str) -> Checked {
    let set = rules(rules_text);
    let root = load(yaml.as_bytes(), Format::Yaml).unwrap();
    let template = Template {
        name: "t.yaml",
        text: Some(yaml),
        root: &root,
    };
    check(&[&set], template, Options::default(), &no_files).remove(0)
}

/// A `serde_json` value as a node tree (positions made up).
pub fn node(json: serde_json::Value) -> Node {
    let value = match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap()),
        },
        serde_json::Value::String(s) => Value::String(s.into()),
        serde_json::Value::Array(items) => Value::List(items.into_iter().map(node).collect()),
        serde_json::Value::Object(map) => Value::map(
            map.into_iter()
                .map(|(k, v)| (k.into_boxed_str(), node(v)))
                .collect(),
        ),
    };
    Node::new(value, Pos::default())
}

/// A scalar or list as compact text: `Disabled`, `3`, `[a, b]`.
pub fn text(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::String(s) => s.to_string(),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(text).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}: {}", text(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// An expansion as one line: `Enabled (note) | <absent> (note)`, `unknown: why`, `any: why`.
pub fn show(expansion: Option<Expansion<'_>>) -> String {
    match expansion {
        None => "as is".into(),
        Some(Expansion::Unknown { why }) => format!("unknown: {why}"),
        Some(Expansion::DeployTimeString { why, shape, .. }) => match shape {
            Some(shape) => format!("deploy-time string like {shape}: {why}"),
            None => format!("deploy-time string: {why}"),
        },
        Some(Expansion::Any { why, may_be_empty }) => {
            let empty = if may_be_empty {
                "may be empty"
            } else {
                "never empty"
            };
            format!("any ({empty}): {why}")
        }
        Some(Expansion::Alternatives(alts)) => alts
            .iter()
            .map(|a| {
                let value = a.node.map_or("<absent>".to_string(), text);
                match &a.note {
                    Some(note) => format!("{value} ({note})"),
                    None => value,
                }
            })
            .collect::<Vec<_>>()
            .join(" | "),
    }
}

/// Expands `value` as it would appear in a template made of `template` plus a resource.
pub fn expand_in(template: serde_json::Value, value: serde_json::Value) -> String {
    let mut doc = template;
    doc["Resources"]["Subject"] = serde_json::json!({"Type": "AWS::SageMaker::NotebookInstance",
        "Properties": {"Value": value}});
    let root = node(doc);
    let expander = CfnExpander::new(&root);
    let subject = root
        .get("Resources")
        .and_then(|r| r.get("Subject"))
        .and_then(|s| s.get("Properties"))
        .and_then(|p| p.get("Value"))
        .unwrap();
    show(expander.expand(&root, subject))
}

/// A fixture's text and its loaded document.
pub fn fixture(path: &str) -> (String, Node) {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap();
    let root = sagerules_data::load_for_path(&full, &bytes).unwrap();
    (String::from_utf8(bytes).unwrap(), root)
}

/// A step adapter that does not depend on the rule pack: `{Type: <kind>, Properties: args}`.
pub fn plain_adapter(step: &Node) -> Option<Node> {
    let kind = sagerules_shapes::adapt::ApiKind::from_step_type(step.get("Type")?.as_str()?)?;
    let args = step.get("Arguments")?;
    let ty = Node::new(Value::String(format!("{kind:?}").into()), args.pos);
    let map = [
        (Box::from("Type"), ty),
        (Box::from("Properties"), args.clone()),
    ];
    Some(Node::new(Value::map(map.into_iter().collect()), args.pos))
}

/// The 1-based line and column where `needle` first appears in `text`.
pub fn line_col_of(text: &str, needle: &str) -> (u32, u32) {
    let offset = text.find(needle).unwrap();
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line as u32, col as u32)
}
