//! `Fn::ForEach` of the `AWS::LanguageExtensions` transform, expanded before judging, so the
//! resources a loop makes are checked like any other instead of being an opaque map:
//!
//! ```yaml
//! Fn::ForEach::Notebooks:
//!   - Name                       # the identifier
//!   - [Team, Lab]                # the collection
//!   - "Notebook${Name}":         # the fragment: ${Name} and &{Name} in keys, !Ref Name and
//!       Type: AWS::SageMaker::NotebookInstance   # ${Name} in Fn::Sub strings take each item
//! ```
//!
//! becomes `NotebookTeam` and `NotebookLab`, their positions those of the fragment, so findings
//! point at the lines written. Loops may nest and may appear in any map (Resources, Outputs,
//! Properties). A collection is a literal list, or `!Ref` a list parameter: with
//! `AllowedValues`, every allowed value is an item (whatever subset is deployed, each resource
//! it makes is one of those judged); without, the loop cannot be expanded and a note says its
//! resources are not checked.

use crate::error::{Note, NoteKind};
use crate::fold::{intrinsic, static_text, sub_parts, SubPart};
use sagerules_data::{Map, Node, Value};

const PREFIX: &str = "Fn::ForEach::";

/// The most nodes loops may make in one template, as YAML aliases may copy at most
/// [`sagerules_data::MAX_ALIAS_NODES`]: nested loops multiply, and a gate must not run out of
/// memory on a hostile template. Beyond it the remaining items are not expanded, and a note
/// says so.
pub const MAX_LOOP_NODES: usize = sagerules_data::MAX_ALIAS_NODES;

/// The document with every `Fn::ForEach` expanded, and a note per loop that could not be;
/// `None` when it has no loop. Only templates that declare the transform are walked
/// (CloudFormation rejects a loop without it), so others cost nothing.
pub fn expand(root: &Node) -> Option<(Node, Vec<Note>)> {
    if !declares_language_extensions(root) || !has_loop(root) {
        return None;
    }
    let mut notes = Vec::new();
    let expanded = Expander {
        root,
        notes: &mut notes,
        budget: MAX_LOOP_NODES,
    }
    .node(root, &[]);
    Some((expanded, notes))
}

/// `Transform: AWS::LanguageExtensions`, alone or in a list.
fn declares_language_extensions(root: &Node) -> bool {
    const TRANSFORM: &str = "AWS::LanguageExtensions";
    match root.get("Transform").map(|t| &t.value) {
        Some(Value::String(name)) => name.as_ref() == TRANSFORM,
        Some(Value::List(names)) => names.iter().any(|n| n.as_str() == Some(TRANSFORM)),
        _ => false,
    }
}

fn has_loop(node: &Node) -> bool {
    match &node.value {
        Value::Map(map) => map
            .iter()
            .any(|(key, child)| key.starts_with(PREFIX) || has_loop(child)),
        Value::List(items) => items.iter().any(has_loop),
        _ => false,
    }
}

/// One identifier and the item it stands for in the current iteration.
type Binding = (String, String);

struct Expander<'a> {
    root: &'a Node,
    notes: &'a mut Vec<Note>,
    /// Nodes the loops may still make ([`MAX_LOOP_NODES`]).
    budget: usize,
}

impl Expander<'_> {
    /// A copy of `node` with the bindings substituted and the loops inside it expanded.
    fn node(&mut self, node: &Node, bindings: &[Binding]) -> Node {
        if !bindings.is_empty() {
            self.budget = self.budget.saturating_sub(1);
        }
        if let Some(item) = bound_ref(node, bindings) {
            return Node::new(Value::String(item.into()), node.pos);
        }
        let value = match &node.value {
            Value::Map(map) => Value::map(self.map(map, bindings)),
            Value::List(items) => {
                Value::List(items.iter().map(|i| self.node(i, bindings)).collect())
            }
            other => other.clone(),
        };
        let mut out = Node::new(value, node.pos);
        if !bindings.is_empty() {
            substitute_sub(&mut out, bindings);
        }
        out
    }

    fn map(&mut self, map: &Map, bindings: &[Binding]) -> Map {
        let mut out = Map::default();
        for (key, value) in map {
            match key.strip_prefix(PREFIX) {
                Some(name) => {
                    for (k, v) in self.one_loop(name, value, bindings) {
                        out.insert(k.into(), v);
                    }
                }
                None => {
                    out.insert(substitute(key, bindings).into(), self.node(value, bindings));
                }
            }
        }
        out
    }

    /// `[Identifier, Collection, {OutputKey: OutputValue}]` → the entries it makes.
    fn one_loop(&mut self, name: &str, spec: &Node, outer: &[Binding]) -> Vec<(String, Node)> {
        let parts = spec.as_list().unwrap_or_default();
        let (Some(identifier), Some(collection), Some(fragment)) = (
            parts.first().and_then(Node::as_str),
            parts.get(1),
            parts.get(2).and_then(Node::as_map),
        ) else {
            self.note(name, spec, "is not [identifier, collection, {key: value}]");
            return Vec::new();
        };
        let Some(items) = self.items(collection, outer) else {
            self.note(
                name,
                spec,
                "has a collection known only at deployment (a parameter without AllowedValues, an intrinsic), so the resources it makes are not checked",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (index, item) in items.into_iter().enumerate() {
            if self.budget == 0 {
                self.note(
                    name,
                    spec,
                    &format!(
                        "makes more than {MAX_LOOP_NODES} nodes: items from number {} on are not expanded, and the resources they make are not checked",
                        index + 1
                    ),
                );
                break;
            }
            let mut bindings = outer.to_vec();
            bindings.push((identifier.to_string(), item));
            for (key, value) in self.map(fragment, &bindings) {
                out.push((key.to_string(), value));
            }
        }
        out
    }

    /// The items of a collection: a literal list of scalars, or `!Ref` a list parameter with
    /// `AllowedValues` (every allowed value).
    fn items(&self, collection: &Node, bindings: &[Binding]) -> Option<Vec<String>> {
        if let Some(list) = collection.as_list() {
            return list.iter().map(|item| scalar(item, bindings)).collect();
        }
        let (name, arg) = intrinsic(collection)?;
        let parameter = (name == "Ref").then(|| arg.as_str()).flatten()?;
        let allowed = self
            .root
            .get("Parameters")?
            .get(parameter)?
            .get("AllowedValues")?
            .as_list()?;
        allowed.iter().map(|item| scalar(item, bindings)).collect()
    }

    fn note(&mut self, name: &str, spec: &Node, what: &str) {
        self.notes.push(Note {
            resource: format!("{PREFIX}{name}"),
            pos: spec.pos,
            kind: NoteKind::NotCheckable,
            message: format!("the loop {PREFIX}{name} {what}"),
        });
    }
}

/// A collection item as text (`Team`, `2`), after the outer loops' substitutions.
fn scalar(item: &Node, bindings: &[Binding]) -> Option<String> {
    if let Some(bound) = bound_ref(item, bindings) {
        return Some(bound.to_string());
    }
    match &item.value {
        Value::String(text) => Some(substitute(text, bindings)),
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => static_text(item),
        _ => None,
    }
}

/// `{"Ref": "Name"}` where `Name` is bound → its item.
fn bound_ref<'b>(node: &Node, bindings: &'b [Binding]) -> Option<&'b str> {
    let (name, arg) = intrinsic(node)?;
    let target = (name == "Ref").then(|| arg.as_str()).flatten()?;
    item_of(bindings, target)
}

/// The item `identifier` stands for, the innermost loop's first.
fn item_of<'b>(bindings: &'b [Binding], identifier: &str) -> Option<&'b str> {
    bindings
        .iter()
        .rev()
        .find(|(bound, _)| bound == identifier)
        .map(|(_, item)| item.as_str())
}

/// `Notebook${Name}` / `Notebook&{Name}` with `Name` = `Lab-1` → `NotebookLab-1` /
/// `NotebookLab1` (`&{}` keeps only letters and digits, as key names need).
fn substitute(text: &str, bindings: &[Binding]) -> String {
    let mut out = text.to_string();
    for (identifier, item) in bindings.iter().rev() {
        out = out.replace(&format!("${{{identifier}}}"), item);
        let alphanumeric: String = item.chars().filter(char::is_ascii_alphanumeric).collect();
        out = out.replace(&format!("&{{{identifier}}}"), &alphanumeric);
    }
    out
}

/// The `Fn::Sub` string of `node` (`!Sub "x-${Name}"` or its `[text, vars]` form) with bound
/// identifiers replaced; its own variables and escapes (`${!x}`) are left alone.
fn substitute_sub(node: &mut Node, bindings: &[Binding]) {
    let Value::Map(map) = &mut node.value else {
        return;
    };
    if map.len() != 1 {
        return;
    }
    let Some(arg) = map.get_mut("Fn::Sub") else {
        return;
    };
    let text = match &mut arg.value {
        Value::String(text) => text,
        Value::List(items) => match items.first_mut().map(|n| &mut n.value) {
            Some(Value::String(text)) => text,
            _ => return,
        },
        _ => return,
    };
    let parts = sub_parts(text);
    if !parts
        .iter()
        .any(|p| matches!(p, SubPart::Var(v) if item_of(bindings, v).is_some()))
    {
        return;
    }
    let mut rewritten = String::new();
    for part in parts {
        match part {
            SubPart::Text(literal) => rewritten.push_str(&literal.replace("${", "${!")),
            SubPart::Var(var) => match item_of(bindings, var) {
                Some(item) => rewritten.push_str(item),
                None => {
                    rewritten.push_str("${");
                    rewritten.push_str(var);
                    rewritten.push('}');
                }
            },
        }
    }
    *text = rewritten.into();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(yaml: &str) -> (String, Vec<String>) {
        let root = sagerules_data::load(yaml.as_bytes(), sagerules_data::Format::Yaml).unwrap();
        let (node, notes) = expand(&root).unwrap();
        (
            sagerules_data::to_json(&node),
            notes.into_iter().map(|n| n.message).collect(),
        )
    }

    #[test]
    fn a_literal_collection_makes_one_resource_per_item_with_refs_and_subs_replaced() {
        let (json, notes) = expanded(
            "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Nb:\n    - Name\n    - [Team, Lab-1]\n    - 'Notebook&{Name}':\n        Type: AWS::SageMaker::NotebookInstance\n        Properties:\n          NotebookInstanceName: !Ref Name\n          Tags: [{Key: n, Value: !Sub '${Name}-${AWS::Region}-${!x}'}]\n",
        );
        assert!(notes.is_empty(), "{notes:?}");
        assert!(json.contains(r#""NotebookTeam":{"Type":"AWS::SageMaker::NotebookInstance","Properties":{"NotebookInstanceName":"Team""#), "{json}");
        assert!(json.contains(r#""NotebookLab1":"#), "{json}");
        assert!(
            json.contains(r#"{"Fn::Sub":"Lab-1-${AWS::Region}-${!x}"}"#),
            "{json}"
        );
        assert!(!json.contains("Fn::ForEach"), "{json}");
    }

    #[test]
    fn nested_loops_and_a_restricted_list_parameter_expand_a_free_one_is_a_note() {
        let (json, notes) = expanded(
            "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\nParameters:\n  Envs: {Type: CommaDelimitedList, AllowedValues: [dev, prod]}\n  Free: {Type: CommaDelimitedList}\nResources:\n  Fn::ForEach::Outer:\n    - Env\n    - !Ref Envs\n    - Fn::ForEach::Inner:\n        - Size\n        - [S, L]\n        - 'M${Env}${Size}': {Type: AWS::SageMaker::Model}\n  Fn::ForEach::Unknown:\n    - X\n    - !Ref Free\n    - 'B${X}': {Type: AWS::S3::Bucket}\n",
        );
        for id in ["MdevS", "MdevL", "MprodS", "MprodL"] {
            assert!(json.contains(&format!("\"{id}\":")), "{id}: {json}");
        }
        assert!(!json.contains("\"B"), "{json}");
        assert_eq!(notes.len(), 1);
        assert!(notes[0].starts_with(
            "the loop Fn::ForEach::Unknown has a collection known only at deployment"
        ));
    }

    /// Regression guard: nested loops multiply (here 200 x 200 x 200 = 8 million resources), and
    /// the gate must stop at its budget with a note, not run out of memory.
    #[test]
    fn nested_loops_beyond_the_node_budget_stop_with_a_note() {
        let items: Vec<String> = (0..200).map(|i| format!("i{i}")).collect();
        let list = format!("[{}]", items.join(", "));
        let yaml = format!(
            "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::A:\n    - X\n    - {list}\n    - Fn::ForEach::B:\n        - Y\n        - {list}\n        - Fn::ForEach::C:\n            - Z\n            - {list}\n            - 'R${{X}}${{Y}}${{Z}}': {{Type: AWS::SageMaker::Model, Properties: {{A: 1}}}}\n"
        );
        let root = sagerules_data::load(yaml.as_bytes(), sagerules_data::Format::Yaml).unwrap();
        let (node, notes) = expand(&root).unwrap();
        let made = node
            .get("Resources")
            .and_then(Node::as_map)
            .map_or(0, |m| m.len());
        assert!(made > 0 && made < 1_000_000, "{made}");
        assert!(!notes.is_empty());
        assert!(
            notes.iter().all(|n| n.message.contains("not expanded")),
            "{:?}",
            notes[0].message
        );
    }

    #[test]
    fn a_document_without_loops_or_without_the_transform_is_not_copied() {
        let load = |yaml: &str| {
            sagerules_data::load(yaml.as_bytes(), sagerules_data::Format::Yaml).unwrap()
        };
        let plain = load("Transform: AWS::LanguageExtensions\nResources: {A: {Type: X}}\n");
        assert!(expand(&plain).is_none());
        let no_transform = load("Resources:\n  Fn::ForEach::L: [I, [a], {'R${I}': {Type: X}}]\n");
        assert!(expand(&no_transform).is_none());
    }
}
