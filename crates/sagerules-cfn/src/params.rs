//! What a template parameter can be set to when the stack is deployed.
//!
//! Why this module exists: the three categories of security parameters (not exposed,
//! restricted, validated) all reduce to one question, "which values can a person provisioning
//! the product choose?". A parameter with `AllowedValues` can take exactly those; any other
//! parameter can take anything its constraints admit. Its `Default` does not constrain it: the
//! person provisioning can override it.
//!
//! Whether "anything" includes the empty string decides the validated category (a KMS key
//! parameter passes "key is set" only if it cannot be empty). It cannot be empty when:
//! - `MinLength` is 1 or more (`MinLength: 1`);
//! - `AllowedPattern` does not match `""` (CloudFormation matches the whole value, so the
//!   pattern is anchored here); a pattern this crate's regex engine cannot compile (look-around)
//!   is treated as admitting `""`, and the reason says so;
//! - the type is `Number` or `List<Number>` (CloudFormation rejects a non-numeric value);
//! - the type is an AWS-specific type (`AWS::EC2::Subnet::Id`, `AWS::EC2::SecurityGroup::Id`,
//!   `List<AWS::EC2::Subnet::Id>`, and every other `AWS::EC2::*` or `AWS::Route53::*` type):
//!   CloudFormation checks such values against existing resources of the account, so an empty
//!   value is rejected. `AWS::SSM::Parameter::Value<…>` types are not among them: the SSM
//!   parameter itself can hold anything.

use regex::{Regex, RegexBuilder};
use sagerules_data::{Node, Value};

/// The values a parameter admits.
#[derive(Clone, Debug, PartialEq)]
pub enum Admits {
    /// Exactly these (from `AllowedValues`); for list types each value is wrapped in a
    /// one-element list, so `SecurityGroupIds: !Ref P` sees a list.
    Values(Vec<Node>),
    /// Anything the constraints admit.
    Anything {
        /// Why, e.g. "parameter NotebookInternet, which allows any value".
        why: String,
        may_be_empty: bool,
    },
}

/// Reads `Parameters.<name>` of a template into what it admits.
///
/// ```yaml
/// NotebookInternet: {Type: String, AllowedValues: [Enabled, Disabled]}  # Values([Enabled, Disabled])
/// KmsKey: {Type: String, MinLength: 1}                                   # Anything, not empty
/// ```
pub fn admits(name: &str, decl: &Node) -> Admits {
    let list_type = is_list_parameter(decl);
    if let Some(values) = decl.get("AllowedValues").and_then(Node::as_list) {
        return Admits::Values(values.iter().map(|v| wrap_if(list_type, v)).collect());
    }
    let emptiness = emptiness(decl);
    Admits::Anything {
        why: anything_why(name, &emptiness),
        may_be_empty: emptiness.may_be_empty(),
    }
}

fn wrap_if(list_type: bool, value: &Node) -> Node {
    if list_type {
        Node::new(Value::List(vec![value.clone()]), value.pos)
    } else {
        value.clone()
    }
}

/// Whether the parameter's value is a list (`CommaDelimitedList`, `List<…>`).
pub fn is_list_parameter(decl: &Node) -> bool {
    param_type(decl).is_some_and(is_list_type)
}

fn param_type(decl: &Node) -> Option<&str> {
    decl.get("Type").and_then(Node::as_str).map(str::trim)
}

/// `CommaDelimitedList`, `List<…>`, and the SSM types that hold lists.
fn is_list_type(ty: &str) -> bool {
    ty == "CommaDelimitedList" || ty.starts_with("List<") || ty.contains("<List<")
}

/// Why a parameter's value can or cannot be empty.
#[derive(Debug, PartialEq)]
enum Emptiness {
    MayBeEmpty,
    /// The pattern could not be compiled here, so it is assumed to admit `""`.
    UnreadablePattern(String),
    NotEmpty(&'static str),
}

impl Emptiness {
    fn may_be_empty(&self) -> bool {
        !matches!(self, Emptiness::NotEmpty(_))
    }
}

fn emptiness(decl: &Node) -> Emptiness {
    if min_length(decl).is_some_and(|n| n >= 1) {
        return Emptiness::NotEmpty("MinLength");
    }
    if let Some(ty) = param_type(decl) {
        if let Some(reason) = type_rejects_empty(ty) {
            return Emptiness::NotEmpty(reason);
        }
    }
    match decl.get("AllowedPattern").and_then(Node::as_str) {
        Some(pattern) => pattern_emptiness(pattern),
        None => Emptiness::MayBeEmpty,
    }
}

fn type_rejects_empty(ty: &str) -> Option<&'static str> {
    let inner = ty
        .strip_prefix("List<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(ty);
    if inner == "Number" {
        return Some("its Number type");
    }
    let aws_specific = inner.starts_with("AWS::EC2::") || inner.starts_with("AWS::Route53::");
    aws_specific.then_some("its AWS-specific type")
}

/// Compiled as CloudFormation reads it: the whole value must match, and `\w`, `\d`, `\s` are
/// ASCII classes (Java's default); a pattern that needs Unicode is compiled with it.
fn pattern_emptiness(pattern: &str) -> Emptiness {
    let anchored = format!("^(?:{pattern})$");
    let ascii = RegexBuilder::new(&anchored).unicode(false).build();
    match ascii.or_else(|_| Regex::new(&anchored)) {
        Ok(re) if re.is_match("") => Emptiness::MayBeEmpty,
        Ok(_) => Emptiness::NotEmpty("AllowedPattern"),
        Err(_) => Emptiness::UnreadablePattern(pattern.to_string()),
    }
}

/// `MinLength: 1` or `MinLength: "1"`.
fn min_length(decl: &Node) -> Option<i64> {
    match &decl.get("MinLength")?.value {
        Value::Int(n) => Some(*n),
        Value::Float(f) => Some(f.ceil() as i64),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn anything_why(name: &str, emptiness: &Emptiness) -> String {
    match emptiness {
        Emptiness::MayBeEmpty => format!("parameter {name}, which allows any value"),
        Emptiness::UnreadablePattern(p) => format!(
            "parameter {name}, which allows any value (its AllowedPattern {p:?} could not be \
             checked, so it is assumed to admit the empty string)"
        ),
        Emptiness::NotEmpty(reason) => {
            format!("parameter {name}, which allows any non-empty value ({reason} rejects \"\")")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sagerules_data::Pos;

    fn s(text: &str) -> Node {
        Node::new(Value::String(text.into()), Pos::default())
    }

    fn decl(pairs: &[(&str, Node)]) -> Node {
        let map = pairs
            .iter()
            .map(|(k, v)| (Box::from(*k), v.clone()))
            .collect::<sagerules_data::Map>();
        Node::new(Value::map(map), Pos::default())
    }

    fn may_be_empty(d: &Node) -> bool {
        match admits("P", d) {
            Admits::Anything { may_be_empty, .. } => may_be_empty,
            Admits::Values(_) => panic!("expected Anything"),
        }
    }

    #[test]
    fn plain_string_may_be_empty() {
        assert!(may_be_empty(&decl(&[("Type", s("String"))])));
    }

    #[test]
    fn min_length_one_as_string_or_int() {
        assert!(!may_be_empty(&decl(&[("MinLength", s("1"))])));
        let one = Node::new(Value::Int(1), Pos::default());
        assert!(!may_be_empty(&decl(&[("MinLength", one)])));
        let zero = Node::new(Value::Int(0), Pos::default());
        assert!(may_be_empty(&decl(&[("MinLength", zero)])));
    }

    #[test]
    fn pattern_is_anchored_like_cloudformation() {
        assert!(!may_be_empty(&decl(&[(
            "AllowedPattern",
            s("arn:aws:kms:.+")
        )])));
        assert!(!may_be_empty(&decl(&[("AllowedPattern", s(".+"))])));
        assert!(may_be_empty(&decl(&[("AllowedPattern", s(".*"))])));
        assert!(may_be_empty(&decl(&[("AllowedPattern", s("|arn:.+"))])));
    }

    #[test]
    fn unreadable_pattern_admits_empty_and_says_why() {
        let d = decl(&[("AllowedPattern", s("(?=x).+"))]);
        let Admits::Anything { why, may_be_empty } = admits("Key", &d) else {
            panic!()
        };
        assert!(may_be_empty);
        assert!(why.contains("could not be checked"), "{why}");
    }

    #[test]
    fn aws_specific_and_number_types_cannot_be_empty() {
        for ty in [
            "AWS::EC2::Subnet::Id",
            "List<AWS::EC2::SecurityGroup::Id>",
            "Number",
        ] {
            assert!(!may_be_empty(&decl(&[("Type", s(ty))])), "{ty}");
        }
        assert!(may_be_empty(&decl(&[("Type", s("CommaDelimitedList"))])));
        assert!(may_be_empty(&decl(&[(
            "Type",
            s("AWS::SSM::Parameter::Value<String>")
        )])));
    }

    #[test]
    fn default_does_not_constrain() {
        let d = decl(&[("Type", s("String")), ("Default", s("Disabled"))]);
        let Admits::Anything { why, .. } = admits("NotebookInternet", &d) else {
            panic!()
        };
        assert_eq!(why, "parameter NotebookInternet, which allows any value");
    }

    #[test]
    fn allowed_values_of_list_types_are_wrapped() {
        let values = Node::new(Value::List(vec![s("sg-1"), s("sg-2")]), Pos::default());
        let d = decl(&[
            ("Type", s("List<AWS::EC2::SecurityGroup::Id>")),
            ("AllowedValues", values),
        ]);
        let Admits::Values(vals) = admits("Sgs", &d) else {
            panic!()
        };
        assert_eq!(vals.len(), 2);
        assert_eq!(vals[0].as_list().map(<[Node]>::len), Some(1));
    }
}
