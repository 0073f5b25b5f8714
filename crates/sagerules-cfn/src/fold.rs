//! Intrinsics whose value is fixed when the template is written, computed once.
//!
//! Why: `!Join ["", [Dis, abled]]`, `!Split [",", "a,b"]` and `!Sub "${!Literal}"` have values
//! that exist nowhere in the document, but the [`sagerules_core::Expander`] contract hands out
//! borrowed nodes. So the template is walked once and each such value is stored, keyed by the
//! address of the intrinsic's node (the template is borrowed for the expander's whole life, so
//! addresses are stable).

use foldhash::HashMap;
use sagerules_data::{Node, Pos, Value};

/// One piece of an `Fn::Sub` string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubPart<'s> {
    /// Literal text (`${!X}` already turned into `${X}`).
    Text(String),
    /// `${Name}` or `${Res.Attr}`.
    Var(&'s str),
}

/// Splits an `Fn::Sub` string: `"arn:${AWS::Region}:${!x}"` →
/// `[Text("arn:"), Var("AWS::Region"), Text(":${x}")]`.
pub fn sub_parts(text: &str) -> Vec<SubPart<'_>> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        literal.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 2..).unwrap_or_default();
        if let Some(escaped) = after.strip_prefix('!') {
            literal.push_str("${");
            rest = escaped;
            continue;
        }
        let Some(end) = after.find('}') else {
            literal.push_str(rest.get(start..).unwrap_or_default());
            rest = "";
            break;
        };
        if !literal.is_empty() {
            parts.push(SubPart::Text(std::mem::take(&mut literal)));
        }
        parts.push(SubPart::Var(after.get(..end).unwrap_or_default().trim()));
        rest = after.get(end + 1..).unwrap_or_default();
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(SubPart::Text(literal));
    }
    parts
}

/// The variables of an `Fn::Sub` string, as [`sub_parts`] finds them but without building
/// its text: `"arn:${AWS::Region}:${!x}:${B.Arn}"` → `AWS::Region`, `B.Arn`.
pub fn sub_vars(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || loop {
        let start = rest.find("${")?;
        let after = rest.get(start + 2..).unwrap_or_default();
        if let Some(escaped) = after.strip_prefix('!') {
            rest = escaped;
            continue;
        }
        let end = after.find('}')?;
        rest = after.get(end + 1..).unwrap_or_default();
        return Some(after.get(..end).unwrap_or_default().trim());
    })
}

/// The single key and argument of an intrinsic-shaped map: `{"Fn::Join": [...]}` →
/// `("Fn::Join", [...])`.
pub fn intrinsic(node: &Node) -> Option<(&str, &Node)> {
    let map = node.as_map()?;
    if map.len() != 1 {
        return None;
    }
    let (key, arg) = map.first()?;
    (key == "Ref" || key.starts_with("Fn::")).then_some((key, arg))
}

/// The text of a literal scalar, or of an intrinsic that folds to one.
///
/// `"a"` → `a`; `3` → `3`; `!Join ["-", [a, b]]` → `a-b`; `!Sub "x${!y}"` → `x${y}`.
pub fn static_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(s) => Some(s.to_string()),
        Value::Int(n) => Some(n.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Map(_) => match intrinsic(node)? {
            ("Fn::Join", arg) => join_text(arg),
            ("Fn::Sub", arg) => sub_text(arg),
            _ => None,
        },
        _ => None,
    }
}

/// `[delimiter, [pieces]]` with every piece static.
fn join_text(arg: &Node) -> Option<String> {
    let [delim, pieces] = arg.as_list()? else {
        return None;
    };
    let pieces: Option<Vec<String>> = pieces.as_list()?.iter().map(static_text).collect();
    Some(pieces?.join(delim.as_str()?))
}

/// A `Sub` string without variables (only `${!…}` escapes or none).
fn sub_text(arg: &Node) -> Option<String> {
    let text = match &arg.value {
        Value::String(s) => s.as_ref(),
        Value::List(items) => items.first()?.as_str()?,
        _ => return None,
    };
    // Most `Sub`s have a variable: they are told apart without building their text.
    if sub_vars(text).next().is_some() {
        return None;
    }
    let parts = sub_parts(text);
    match parts.as_slice() {
        [] => Some(String::new()),
        [SubPart::Text(t)] => Some(t.clone()),
        _ => None,
    }
}

/// `[delimiter, text]` with both static → the list of pieces.
fn split_list(arg: &Node, pos: Pos) -> Option<Node> {
    let [delim, text] = arg.as_list()? else {
        return None;
    };
    let (delim, text) = (delim.as_str()?, static_text(text)?);
    if delim.is_empty() {
        return None;
    }
    let items = text
        .split(delim)
        .map(|p| Node::new(Value::String(p.into()), pos))
        .collect();
    Some(Node::new(Value::List(items), pos))
}

/// Node address → its folded value.
#[derive(Debug, Default)]
pub struct Folded {
    values: HashMap<usize, Node>,
}

impl Folded {
    /// Walks `root` and folds every `Fn::Join`, `Fn::Split` and escaped `Fn::Sub` it can.
    pub fn of(root: &Node) -> Folded {
        let mut folded = Folded::default();
        folded.walk(root);
        folded
    }

    pub fn get(&self, node: &Node) -> Option<&Node> {
        self.values.get(&address(node))
    }

    fn walk(&mut self, node: &Node) {
        match &node.value {
            Value::List(items) => items.iter().for_each(|item| self.walk(item)),
            Value::Map(map) => {
                if let Some(value) = fold_one(node) {
                    self.values.insert(address(node), value);
                }
                map.values().for_each(|child| self.walk(child));
            }
            _ => {}
        }
    }
}

fn fold_one(node: &Node) -> Option<Node> {
    let (name, arg) = intrinsic(node)?;
    let text = |s: String| Some(Node::new(Value::String(s.into()), node.pos));
    match name {
        "Fn::Join" => text(join_text(arg)?),
        "Fn::Split" => split_list(arg, node.pos),
        // A Sub without variables or escapes is its own string node: nothing to store.
        "Fn::Sub" if sub_text(arg)?.contains("${") => text(sub_text(arg)?),
        _ => None,
    }
}

/// The identity of a borrowed node.
pub fn address(node: &Node) -> usize {
    std::ptr::from_ref(node) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_parts_splits_variables_and_escapes() {
        assert_eq!(
            sub_parts("arn:${AWS::Region}:${!x}"),
            vec![
                SubPart::Text("arn:".into()),
                SubPart::Var("AWS::Region"),
                SubPart::Text(":${x}".into())
            ]
        );
        assert_eq!(sub_parts("${P}"), vec![SubPart::Var("P")]);
        assert_eq!(sub_parts("plain"), vec![SubPart::Text("plain".into())]);
        assert_eq!(
            sub_parts("open ${ end"),
            vec![SubPart::Text("open ${ end".into())]
        );
    }

    #[test]
    fn sub_vars_are_the_variables_sub_parts_finds() {
        for text in [
            "arn:${AWS::Region}:${!x}:${ B.Arn }",
            "${P}",
            "plain",
            "open ${ end",
            "${!a}${b}${!c",
            "x${}y${Z}",
        ] {
            let from_parts: Vec<&str> = sub_parts(text)
                .into_iter()
                .filter_map(|part| match part {
                    SubPart::Var(var) => Some(var),
                    SubPart::Text(_) => None,
                })
                .collect();
            assert_eq!(sub_vars(text).collect::<Vec<_>>(), from_parts, "{text}");
        }
        assert_eq!(
            sub_vars("arn:${AWS::Region}:${!x}:${ B.Arn }").collect::<Vec<_>>(),
            ["AWS::Region", "B.Arn"]
        );
    }
}
