//! Rule parameters: the bundled defaults, the user's overrides, their checks, and the instance
//! type globs expanded to lists.
//!
//! Why expand globs here: the rules are plain CloudFormation Guard, which has no glob operator
//! and cannot compare a value against a regular expression held in data. So
//! `allowedInstanceTypes: [ml.m5.*]` is matched (as an IAM-style glob) against the bundled
//! catalogue of SageMaker instance types once, and the rules test membership in the result,
//! `allowedInstanceTypesExpanded`, with Guard's `IN`. A name without `*` is kept as written,
//! so a type newer than the catalogue can still be allowed by its exact name.

use crate::{ParamError, DEFAULT_PARAMETERS, INSTANCE_TYPES};
use sagerules_data::{Format, Map, Node, Pos, Value};

/// The key at the data root under which the rules read their parameters.
pub const PARAMS_KEY: &str = "SageRules";

/// How a parameter's value is written and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A list of strings, or one comma-separated string (`"subnet-1, subnet-2"`).
    TextList,
    /// A whole number of seconds, at least 1 (`3600` or `"3600"`).
    Seconds,
    /// A boolean (`true` or `"true"`).
    Flag,
}

/// Every parameter a user may set.
const PARAMETERS: [(&str, Kind); 11] = [
    ("kmsKeyArns", Kind::TextList),
    ("allowStackKeys", Kind::Flag),
    ("subnetIds", Kind::TextList),
    ("securityGroupIds", Kind::TextList),
    ("allowedInstanceTypes", Kind::TextList),
    ("maxRuntimeSeconds", Kind::Seconds),
    ("requiredTagKeys", Kind::TextList),
    ("supportedPlatforms", Kind::TextList),
    ("requireAlways", Kind::Flag),
    ("localNvmeInstanceTypes", Kind::TextList),
    ("instanceTypes", Kind::TextList),
];

/// Whether resolved parameters (`resolve_params`) let KMS keys a template creates pass the
/// `kmsKeyArns` allow-list (`allowStackKeys: true`). Templates only: no rule reads it, the
/// CloudFormation layer does (a key that does not exist yet has no ARN to list).
///
/// ```
/// let user = sagerules_data::Node::from_json_str(r#"{"allowStackKeys": "true"}"#).unwrap();
/// let resolved = sagerules_pack::resolve_params(Some(&user)).unwrap();
/// assert!(sagerules_pack::params::stack_keys_allowed(&resolved));
/// ```
pub fn stack_keys_allowed(resolved: &Node) -> bool {
    resolved
        .get(PARAMS_KEY)
        .and_then(|p| p.get("allowStackKeys"))
        .is_some_and(|v| matches!(v.value, Value::Bool(true)))
}

/// Every parameter a user may set, with its kind, e.g. `("maxRuntimeSeconds", Kind::Seconds)`.
pub fn settable() -> &'static [(&'static str, Kind)] {
    &PARAMETERS
}

/// The parameters a rules file reads (`SageRules.kmsKeyArns`, or a derived list such as
/// `SageRules.allowedInstanceTypesExpanded`, which counts as `allowedInstanceTypes`), in
/// catalogue order.
///
/// ```
/// let read = sagerules_pack::params::read_by("let k = SageRules.kmsKeyArns\nlet t = SageRules.allowedInstanceTypesExpanded");
/// assert_eq!(read, ["kmsKeyArns", "allowedInstanceTypes"]);
/// ```
pub fn read_by(rules_text: &str) -> Vec<&'static str> {
    let prefix = format!("{PARAMS_KEY}.");
    let named: Vec<&str> = rules_text
        .match_indices(prefix.as_str())
        .filter_map(|(at, _)| rules_text.get(at + prefix.len()..))
        .map(|rest| {
            let end = rest
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            rest.get(..end).unwrap_or_default()
        })
        .map(|name| {
            DERIVED
                .iter()
                .find(|(derived, _)| *derived == name)
                .map_or(name, |(_, source)| *source)
        })
        .collect();
    PARAMETERS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| named.contains(name))
        .collect()
}

/// Derived parameter → the parameter whose globs it expands.
const DERIVED: [(&str, &str); 2] = [
    ("allowedInstanceTypesExpanded", "allowedInstanceTypes"),
    ("localNvmeInstanceTypesExpanded", "localNvmeInstanceTypes"),
];

/// Defaults, overlaid with `user`, checked and expanded, wrapped as `{"SageRules": {...}}`.
/// Every parameter is checked: the errors of all of them are returned, in document order.
pub(crate) fn resolve(user: Option<&Node>) -> Result<Node, Vec<ParamError>> {
    let mut params = defaults().map_err(|e| vec![e])?;
    if let Some(user) = user {
        let mut errors = Vec::new();
        for (name, value) in user_entries(user).map_err(|e| vec![e])? {
            match check(name, value) {
                Ok(checked) => {
                    params.insert(name.into(), checked);
                }
                Err(error) => errors.push(error),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
    }
    drop_reserved_tag_keys(&mut params);
    add_expansions(&mut params).map_err(|e| vec![e])?;
    let root = Map::from_iter([(Box::from(PARAMS_KEY), map_node(params))]);
    Ok(map_node(root))
}

/// `rules/parameters.yaml` as a map of checked values.
fn defaults() -> Result<Map, ParamError> {
    let bundled = |message: String| ParamError {
        name: "rules/parameters.yaml".into(),
        message,
        pos: Pos::default(),
    };
    let doc = sagerules_data::load(DEFAULT_PARAMETERS.as_bytes(), Format::Yaml)
        .map_err(|e| bundled(e.to_string()))?;
    let Some(map) = doc.get(PARAMS_KEY).and_then(Node::as_map) else {
        return Err(bundled(format!("has no {PARAMS_KEY} map")));
    };
    map.iter()
        .map(|(name, value)| Ok((name.into(), check(name, value)?)))
        .collect()
}

/// The user's parameters: `{"SageRules": {...}}` or the bare map; `null` sets nothing.
fn user_entries(user: &Node) -> Result<Vec<(&str, &Node)>, ParamError> {
    let map = match &user.value {
        Value::Null => return Ok(Vec::new()),
        Value::Map(map) => map,
        other => {
            return Err(error(
                PARAMS_KEY,
                format!("expected a map of parameters, found {}", other.type_name()),
            )
            .at(user.pos))
        }
    };
    let inner = match (map.len(), map.get(PARAMS_KEY)) {
        (1, Some(wrapped)) => return user_entries(wrapped),
        _ => map,
    };
    Ok(inner.iter().collect())
}

/// One parameter's value in its canonical form, or why it is not acceptable.
fn check(name: &str, value: &Node) -> Result<Node, ParamError> {
    let Some(kind) = PARAMETERS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, kind)| *kind)
    else {
        return Err(unknown(name).at(value.pos));
    };
    match kind {
        Kind::TextList => text_list(name, value),
        Kind::Seconds => seconds(name, value),
        Kind::Flag => flag(name, value),
    }
}

fn unknown(name: &str) -> ParamError {
    if let Some((_, source)) = DERIVED.iter().find(|(derived, _)| *derived == name) {
        return error(
            name,
            format!("is derived from {source}; set {source} instead"),
        );
    }
    let known: Vec<&str> = PARAMETERS.iter().map(|(known, _)| *known).collect();
    error(
        name,
        format!("unknown parameter (known: {})", known.join(", ")),
    )
}

/// `["a", "b"]`, `"a, b"` or `null` → a list of the non-empty, trimmed strings.
fn text_list(name: &str, value: &Node) -> Result<Node, ParamError> {
    let items: Vec<&str> = match &value.value {
        Value::Null => Vec::new(),
        Value::String(text) => text.split(',').collect(),
        Value::List(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .ok_or_else(|| wrong_type(name, "a list of strings", item))
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(wrong_type(
                name,
                "a list of strings or a comma-separated string",
                value,
            ))
        }
    };
    let nodes = items
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| text_node(item, value.pos))
        .collect();
    Ok(Node::new(Value::List(nodes), value.pos))
}

/// `3600` or `"3600"` → the integer 3600; anything below 1 is an error.
fn seconds(name: &str, value: &Node) -> Result<Node, ParamError> {
    let parsed = match &value.value {
        Value::Int(n) => Some(*n),
        Value::String(text) => text.trim().parse::<i64>().ok(),
        _ => None,
    };
    match parsed {
        Some(n) if n >= 1 => Ok(Node::new(Value::Int(n), value.pos)),
        _ => Err(wrong_type(
            name,
            "a whole number of seconds, at least 1",
            value,
        )),
    }
}

/// `true` or `"true"` (any case) → the boolean.
fn flag(name: &str, value: &Node) -> Result<Node, ParamError> {
    let parsed = match &value.value {
        Value::Bool(b) => Some(*b),
        Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    };
    parsed
        .map(|b| Node::new(Value::Bool(b), value.pos))
        .ok_or_else(|| wrong_type(name, "true or false", value))
}

/// Tag keys starting with `aws:` are reserved for AWS: nobody can set them, so they are not
/// required (as in AWS Config's tagging rules).
fn drop_reserved_tag_keys(params: &mut Map) {
    if let Some(Value::List(keys)) = params.get_mut("requiredTagKeys").map(|n| &mut n.value) {
        keys.retain(|key| {
            !key.as_str()
                .is_some_and(|k| k.to_ascii_lowercase().starts_with("aws:"))
        });
    }
}

/// Adds each `*Expanded` list: the source parameter's globs matched against the catalogue.
fn add_expansions(params: &mut Map) -> Result<(), ParamError> {
    let catalogue = catalogue(params);
    for (derived, source) in DERIVED {
        let patterns = strings(params.get(source));
        let expanded = expand(source, &patterns, &catalogue)?;
        let nodes = expanded
            .iter()
            .map(|t| text_node(t, Pos::default()))
            .collect();
        params.insert(
            derived.into(),
            Node::new(Value::List(nodes), Pos::default()),
        );
    }
    Ok(())
}

/// The bundled instance types plus the user's `instanceTypes`.
fn catalogue(params: &Map) -> Vec<String> {
    let bundled = INSTANCE_TYPES
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|line| !line.is_empty())
        .map(str::to_string);
    bundled
        .chain(strings(params.get("instanceTypes")))
        .collect()
}

fn strings(node: Option<&Node>) -> Vec<String> {
    node.and_then(Node::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .map(str::to_string)
        .collect()
}

/// `["ml.m5.*", "ml.c5.xlarge"]` → every catalogue type `ml.m5.*` matches, then `ml.c5.xlarge`
/// (kept as written), without repeats. A glob that matches nothing is an error: it is
/// almost certainly a typo, and silently allowing nothing would fail every resource.
pub(crate) fn expand(
    name: &str,
    patterns: &[String],
    catalogue: &[String],
) -> Result<Vec<String>, ParamError> {
    let mut expanded: Vec<String> = Vec::new();
    for pattern in patterns {
        let matches: Vec<String> = if pattern.contains('*') {
            catalogue
                .iter()
                .filter(|t| glob_matches(pattern, t))
                .cloned()
                .collect()
        } else {
            vec![pattern.clone()]
        };
        if matches.is_empty() {
            return Err(error(name, format!("`{pattern}` matches no known instance type; list exact names, or add them to instanceTypes")));
        }
        for t in matches {
            if !expanded.contains(&t) {
                expanded.push(t);
            }
        }
    }
    Ok(expanded)
}

/// Does `text` match an IAM-style glob, where `*` stands for any run of characters and
/// everything else is itself (case-sensitive, as IAM's `StringLike`)? `ml.g5.*` matches
/// `ml.g5.xlarge`; `ml.*.xlarge` matches `ml.m5.xlarge`.
///
/// Matched directly rather than through a regex: building one (even without its full DFA)
/// cost about 0.45 M instructions per glob, 9.6 M for the bundled parameters before any
/// template was read; the parameters' globs are matched against a few hundred names once.
fn glob_matches(glob: &str, text: &str) -> bool {
    let mut pieces = glob.split('*');
    let first = pieces.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let mut middle: Vec<&str> = pieces.collect();
    let Some(last) = middle.pop() else {
        // No `*`: the whole text.
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = rest.get(at + piece.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    rest.ends_with(last)
}

fn text_node(text: &str, pos: Pos) -> Node {
    Node::new(Value::String(text.into()), pos)
}

fn map_node(map: Map) -> Node {
    Node::new(Value::map(map), Pos::default())
}

fn error(name: &str, message: String) -> ParamError {
    ParamError {
        name: name.to_string(),
        message,
        pos: Pos::default(),
    }
}

fn wrong_type(name: &str, expected: &str, found: &Node) -> ParamError {
    let shown = match &found.value {
        Value::String(text) => format!("\"{text}\""),
        other => other.type_name().to_string(),
    };
    error(name, format!("expected {expected}, found {shown}")).at(found.pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Vec<String> {
        [
            "ml.m5.large",
            "ml.m5.xlarge",
            "ml.m5d.large",
            "ml.c5.xlarge",
        ]
        .map(String::from)
        .to_vec()
    }

    fn expanded(patterns: &[&str]) -> Result<Vec<String>, ParamError> {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        expand("allowedInstanceTypes", &patterns, &catalogue())
    }

    #[test]
    fn a_family_glob_does_not_match_the_d_variant() {
        assert_eq!(
            expanded(&["ml.m5.*"]).unwrap(),
            ["ml.m5.large", "ml.m5.xlarge"]
        );
    }

    #[test]
    fn a_glob_inside_the_name_matches_across_dots() {
        assert_eq!(
            expanded(&["ml.*.xlarge"]).unwrap(),
            ["ml.m5.xlarge", "ml.c5.xlarge"]
        );
    }

    #[test]
    fn exact_names_are_kept_even_when_not_in_the_catalogue() {
        assert_eq!(
            expanded(&["ml.zz9.large", "ml.c5.xlarge"]).unwrap(),
            ["ml.zz9.large", "ml.c5.xlarge"]
        );
    }

    #[test]
    fn regex_metacharacters_in_a_glob_are_literal() {
        assert!(expanded(&["ml.m5+.*"]).is_err());
        assert!(!glob_matches("ml.m5.?", "ml.m5.x"));
        assert!(glob_matches("ml.m5.?", "ml.m5.?"));
    }

    #[test]
    fn a_glob_matches_whole_names_only() {
        assert!(glob_matches("ml.*", "ml.m5.large"));
        assert!(glob_matches("*large", "ml.m5.large"));
        assert!(glob_matches("ml.*.*large", "ml.m5.xlarge"));
        assert!(glob_matches("*", ""));
        assert!(glob_matches("a*a", "aa"));
        assert!(!glob_matches("a*a", "a"));
        assert!(!glob_matches("ml.m5.*", "xml.m5.large"));
        assert!(!glob_matches("ml.*.large", "ml.m5.largest"));
        assert!(!glob_matches("ml.m5", "ml.m5.large"));
    }

    #[test]
    fn repeats_are_dropped() {
        assert_eq!(
            expanded(&["ml.m5.*", "ml.m5.large"]).unwrap(),
            ["ml.m5.large", "ml.m5.xlarge"]
        );
    }
}
