//! YAML tags: the core `!!` tags, and CloudFormation's short-form intrinsic functions turned
//! into the long forms CloudFormation itself reads (`!Ref x` → `{"Ref": "x"}`).
//!
//! An unknown local tag is not dropped: `!Foo::Bar v` becomes `{"Foo::Bar": "v"}`, so a rule
//! (or a reader of the findings) sees that something special was written there instead of a
//! plain `"v"`. cfn-guard 3.2.1 keeps only `"v"`; we prefer not to lose information.

use crate::error::{ErrorKind, LoadError};
use crate::value::{Map, Node, Pos, Value};

const CORE_PREFIX: &str = "tag:yaml.org,2002:";

/// Short-form tag → long-form key. `Ref` and `Condition` have no `Fn::` prefix; the rest of the
/// CloudFormation intrinsics do, as do the `Rules`-section assertions cfn-guard also expands.
const SHORT_FORMS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("If", "Fn::If"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("FindInMap", "Fn::FindInMap"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("ImportValue", "Fn::ImportValue"),
    ("GetAZs", "Fn::GetAZs"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("Transform", "Fn::Transform"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Contains", "Fn::Contains"),
    ("EachMemberEquals", "Fn::EachMemberEquals"),
    ("EachMemberIn", "Fn::EachMemberIn"),
    ("RefAll", "Fn::RefAll"),
    ("ValueOf", "Fn::ValueOf"),
];

/// What a tag does to the node it is written on.
#[derive(Debug, PartialEq)]
pub(crate) enum TagAction {
    /// `!!str`, `!` (non-specific), `!!binary`, `!!timestamp`...: the scalar stays text.
    Text,
    /// `!!int`, `!!float`, `!!bool`, `!!null`: the scalar must parse as that type.
    Core(CoreType),
    /// `!!map`, `!!seq` and other core tags on collections: nothing to do.
    Keep,
    /// Wrap the node in a one-entry map under this key (`!Sub` → `Fn::Sub`).
    Wrap(Box<str>),
    /// `!GetAtt`: like `Wrap("Fn::GetAtt")`, and a scalar `a.b` becomes `[a, b]`.
    GetAtt,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum CoreType {
    Int,
    Float,
    Bool,
    Null,
}

/// What `tag` (as the parser resolved it: `!Ref`, `tag:yaml.org,2002:str`) does.
pub(crate) fn classify(tag: &str) -> TagAction {
    if let Some(core) = tag.strip_prefix(CORE_PREFIX) {
        return match core {
            "int" => TagAction::Core(CoreType::Int),
            "float" => TagAction::Core(CoreType::Float),
            "bool" => TagAction::Core(CoreType::Bool),
            "null" => TagAction::Core(CoreType::Null),
            "map" | "seq" | "omap" | "set" | "pairs" => TagAction::Keep,
            _ => TagAction::Text,
        };
    }
    match tag.strip_prefix('!') {
        Some("") => TagAction::Text,
        Some("GetAtt") => TagAction::GetAtt,
        Some(local) => {
            let long = SHORT_FORMS.iter().find(|(short, _)| *short == local);
            TagAction::Wrap(long.map_or(local, |(_, long)| long).into())
        }
        None => TagAction::Wrap(tag.into()),
    }
}

/// The warning for a tag that is neither a YAML core tag, the non-specific `!`, nor a
/// CloudFormation short form, with the closest short form as a hint:
/// `unknown tag !Reff (did you mean !Ref?)`.
pub(crate) fn unknown(tag: &str, pos: Pos) -> Option<LoadError> {
    if tag.starts_with(CORE_PREFIX) || tag == "!" {
        return None;
    }
    let local = tag.strip_prefix('!');
    if local.is_some_and(|l| l == "GetAtt" || SHORT_FORMS.iter().any(|(short, _)| *short == l)) {
        return None;
    }
    let shown = local.map_or_else(|| format!("<{tag}>"), |l| format!("!{l}"));
    let closest = local.and_then(|l| {
        SHORT_FORMS
            .iter()
            .map(|(short, _)| *short)
            .chain(["GetAtt"])
            .map(|short| {
                (
                    strsim::levenshtein(&l.to_ascii_lowercase(), &short.to_ascii_lowercase()),
                    short,
                )
            })
            .filter(|(distance, _)| *distance <= (l.chars().count() / 3).max(1))
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, short)| short)
    });
    if local.is_some_and(|l| l.starts_with("Rain::")) {
        let message = format!(
            "unknown tag {shown}: a Rain directive, which CloudFormation does not read (check the template `rain pkg` writes)"
        );
        return Some(LoadError::new(pos, ErrorKind::UnknownTag, message));
    }
    let hint = match closest {
        Some(short) => format!(" (did you mean !{short}?)"),
        None => {
            " (CloudFormation's short forms are !Ref, !GetAtt, !Sub, !If, !Join, ...)".to_string()
        }
    };
    Some(LoadError::new(
        pos,
        ErrorKind::UnknownTag,
        format!("unknown tag {shown}{hint}"),
    ))
}

/// `{key: inner}` at `pos` (where the tag is written).
pub(crate) fn wrap(key: &str, inner: Node, pos: Pos) -> Node {
    let mut map = Map::with_capacity(1);
    map.insert(key.into(), inner);
    Node::new(Value::map(map), pos)
}

/// `!GetAtt Bucket.Arn` → `{"Fn::GetAtt": ["Bucket", "Arn"]}`, split at the first dot
/// (`!GetAtt A.B.C` → `["A", "B.C"]`); the list form and dot-less text are kept as written.
/// `plain_text` is true when the scalar was written unquoted on one line, so the column of the
/// attribute name can be computed from the scalar's.
pub(crate) fn get_att(inner: Node, plain_text: bool, tag_pos: Pos) -> Node {
    let Value::String(text) = &inner.value else {
        return wrap("Fn::GetAtt", inner, tag_pos);
    };
    let Some((resource, attribute)) = text.split_once('.') else {
        return wrap("Fn::GetAtt", inner, tag_pos);
    };
    let pos = inner.pos;
    let attribute_pos = if plain_text {
        let offset = crate::error::sat_u32(resource.chars().count() + 1);
        Pos::new(pos.line, pos.col.saturating_add(offset))
    } else {
        pos
    };
    let parts = vec![
        Node::new(Value::String(resource.into()), pos),
        Node::new(Value::String(attribute.into()), attribute_pos),
    ];
    wrap("Fn::GetAtt", Node::new(Value::List(parts), pos), tag_pos)
}
