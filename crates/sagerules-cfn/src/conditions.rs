//! Whether a template's `Conditions` hold in one combination of parameter values.
//!
//! ```yaml
//! Conditions:
//!   IsProd: !Equals [!Ref Env, prod]          # true with Env=prod, false with Env=dev
//!   Private: !And [!Condition IsProd, !Not [!Equals [!Ref Net, public]]]
//!   Regional: !Equals [!Ref AWS::Region, us-east-1]   # unknown: the Region is not chosen here
//! ```
//!
//! A condition over a parameter the combination does not fix (a free parameter, a pseudo
//! parameter, an intrinsic) is [`Truth::Unknown`], and both branches of an `Fn::If` on it stay
//! possible. CloudFormation compares `Fn::Equals` operands as strings.

use crate::fold::static_text;
use sagerules_data::{Node, Value};
use std::collections::{BTreeSet, HashMap};

/// How deep `Condition` references may nest (CloudFormation rejects cycles; this stops them).
const MAX_DEPTH: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn from_bool(value: bool) -> Truth {
        if value {
            Truth::True
        } else {
            Truth::False
        }
    }

    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

/// Whether condition `name` of `root` holds when each parameter of `world` has its value.
pub fn truth(root: &Node, name: &str, world: &HashMap<String, Node>) -> Truth {
    named(root, name, world, 0)
}

fn named(root: &Node, name: &str, world: &HashMap<String, Node>, depth: usize) -> Truth {
    let definition = root.get("Conditions").and_then(|c| c.get(name));
    match definition {
        Some(definition) if depth < MAX_DEPTH => evaluate(root, definition, world, depth + 1),
        _ => Truth::Unknown,
    }
}

fn evaluate(root: &Node, node: &Node, world: &HashMap<String, Node>, depth: usize) -> Truth {
    let Some((function, arg)) = single_entry(node) else {
        return Truth::Unknown;
    };
    let operands = || {
        arg.as_list()
            .map(|l| l.iter().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    match function {
        "Condition" => arg
            .as_str()
            .map_or(Truth::Unknown, |name| named(root, name, world, depth)),
        "Fn::Equals" => match operands().as_slice() {
            [a, b] => match (text(a, world), text(b, world)) {
                (Some(a), Some(b)) => Truth::from_bool(a == b),
                _ => Truth::Unknown,
            },
            _ => Truth::Unknown,
        },
        "Fn::Not" => match operands().as_slice() {
            [inner] => evaluate(root, inner, world, depth).not(),
            _ => Truth::Unknown,
        },
        "Fn::And" => combine(
            operands(),
            |t| evaluate(root, t, world, depth),
            Truth::False,
        ),
        "Fn::Or" => combine(operands(), |t| evaluate(root, t, world, depth), Truth::True),
        _ => Truth::Unknown,
    }
}

/// `And` (decisive `False`) or `Or` (decisive `True`): the decisive value if any operand has
/// it, else unknown if any is unknown, else the other value.
fn combine(operands: Vec<&Node>, each: impl Fn(&Node) -> Truth, decisive: Truth) -> Truth {
    let mut unknown = false;
    for operand in operands {
        match each(operand) {
            t if t == decisive => return decisive,
            Truth::Unknown => unknown = true,
            _ => {}
        }
    }
    if unknown {
        Truth::Unknown
    } else {
        decisive.not()
    }
}

/// A literal, or a `Ref` to a parameter the world fixes, as the text CloudFormation compares.
fn text(node: &Node, world: &HashMap<String, Node>) -> Option<String> {
    if let Some((function, arg)) = single_entry(node) {
        return match function {
            "Ref" => world.get(arg.as_str()?).and_then(static_text),
            _ => None,
        };
    }
    static_text(node)
}

/// `{"Fn::X": arg}`: the single key of a one-entry map.
fn single_entry(node: &Node) -> Option<(&str, &Node)> {
    match &node.value {
        Value::Map(map) if map.len() == 1 => map.iter().next(),
        _ => None,
    }
}

/// The parameters condition `name` refers to, through the conditions it names.
pub fn parameters(root: &Node, name: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut pending = vec![name.to_string()];
    while let Some(condition) = pending.pop() {
        if !seen.insert(condition.clone()) || seen.len() > MAX_DEPTH * 8 {
            continue;
        }
        let Some(definition) = root.get("Conditions").and_then(|c| c.get(&condition)) else {
            continue;
        };
        let mut stack = vec![definition];
        while let Some(node) = stack.pop() {
            match &node.value {
                Value::Map(map) => {
                    if let Some((function, arg)) = single_entry(node) {
                        match (function, arg.as_str()) {
                            ("Ref", Some(param)) => {
                                found.insert(param.to_string());
                            }
                            ("Condition", Some(other)) => pending.push(other.to_string()),
                            _ => {}
                        }
                    }
                    stack.extend(map.values());
                }
                Value::List(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> Node {
        Node::from_json_str(
            r#"{"Conditions": {
                "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                "Private": {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Not": [{"Fn::Equals": [{"Ref": "Net"}, "public"]}]}]},
                "Regional": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},
                "ProdOrRegional": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "Regional"}]},
                "Loop": {"Condition": "Loop"}}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn world(pairs: &[(&str, &str)]) -> HashMap<String, Node> {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    Node::from_json_str(&format!("\"{v}\"")).unwrap_or_else(|e| panic!("{e}")),
                )
            })
            .collect()
    }

    #[test]
    fn conditions_hold_or_not_in_a_world_and_are_unknown_over_what_it_does_not_fix() {
        let t = template();
        let prod = world(&[("Env", "prod"), ("Net", "private")]);
        let dev = world(&[("Env", "dev")]);
        assert_eq!(truth(&t, "IsProd", &prod), Truth::True);
        assert_eq!(truth(&t, "IsProd", &dev), Truth::False);
        assert_eq!(truth(&t, "Private", &prod), Truth::True);
        assert_eq!(truth(&t, "Private", &dev), Truth::False);
        assert_eq!(truth(&t, "Regional", &prod), Truth::Unknown);
        assert_eq!(truth(&t, "ProdOrRegional", &prod), Truth::True);
        assert_eq!(truth(&t, "ProdOrRegional", &dev), Truth::Unknown);
        assert_eq!(truth(&t, "Loop", &prod), Truth::Unknown);
        assert_eq!(truth(&t, "Missing", &prod), Truth::Unknown);
    }

    #[test]
    fn parameters_are_found_through_named_conditions() {
        let names: Vec<String> = parameters(&template(), "Private").into_iter().collect();
        assert_eq!(names, ["Env", "Net"]);
    }
}
