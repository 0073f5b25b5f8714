//! References to names a template does not declare: `!Ref NoSuchParam`, `!GetAtt Missing.Arn`,
//! `!Sub "${Typo}"`. CloudFormation rejects such a template ("Unresolved resource
//! dependencies"), so a gate must not judge it as if the value were merely unknown.
//!
//! ```text
//! KmsKeyId: !Ref KeyParm     → error at its line:col: `Ref` to KeyParm, which the template
//!                              does not declare (did you mean KeyParam?)
//! ```
//!
//! A template with a `Transform` (SAM, macros, `AWS::LanguageExtensions`) is not checked: the
//! transform may declare names (SAM's `<Function>Role`, `Fn::ForEach` identifiers) that only
//! exist after it runs.

use crate::error::CfnError;
use crate::fold::{intrinsic, sub_vars};
use sagerules_data::{Node, Pos, Value};
// foldhash, not SipHash: this walk visits every value of every template.
use foldhash::HashSet;

/// Pseudo parameters CloudFormation defines in every stack.
const PSEUDO_PARAMETERS: [&str; 8] = [
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// Template sections whose intrinsics CloudFormation resolves against the declared names, and
/// what one entry of each is called in messages.
const SECTIONS: [(&str, &str); 3] = [
    ("Conditions", "condition"),
    ("Resources", "resource"),
    ("Outputs", "output"),
];

/// Every `Ref`, `Fn::GetAtt` and `Fn::Sub` variable of `root` that names nothing declared.
pub fn undeclared(root: &Node) -> Vec<CfnError> {
    if root.get("Transform").is_some() {
        return Vec::new();
    }
    let names = Declared::of(root);
    let mut errors = Vec::new();
    for (section, entry) in SECTIONS {
        let Some(map) = root.get(section).and_then(Node::as_map) else {
            continue;
        };
        for (id, node) in map.iter() {
            names.walk((entry, id), node, &mut errors);
        }
    }
    errors
}

/// The names a template declares.
struct Declared<'t> {
    parameters: HashSet<&'t str>,
    resources: HashSet<&'t str>,
}

impl<'t> Declared<'t> {
    fn of(root: &'t Node) -> Self {
        let keys = |section: &str| -> HashSet<&'t str> {
            root.get(section)
                .and_then(Node::as_map)
                .map(|m| m.keys().collect())
                .unwrap_or_default()
        };
        Declared {
            parameters: keys("Parameters"),
            resources: keys("Resources"),
        }
    }

    /// The undeclared references under `node`, the entry `id` of a section whose entries are
    /// `entry`s (`("resource", "Bucket")`); the place is spelled only for an error.
    fn walk(&self, (entry, id): (&str, &str), node: &Node, errors: &mut Vec<CfnError>) {
        each_reference(node, &mut |reference| {
            let known = match reference.target {
                Target::Resource(name) => self.resources.contains(name),
                Target::Name(name) => {
                    self.parameters.contains(name)
                        || self.resources.contains(name)
                        || PSEUDO_PARAMETERS.contains(&name)
                }
                // Condition names are not judged here.
                Target::Condition(_) => true,
            };
            if !known {
                errors.push(self.undeclared(&format!("{entry} {id}"), &reference));
            }
        });
    }

    fn undeclared(&self, place: &str, reference: &Reference<'_>) -> CfnError {
        let (name, hint) = match reference.target {
            Target::Resource(name) => (name, closest(name, self.resources.iter().copied())),
            Target::Name(name) => {
                let candidates = self.parameters.iter().chain(&self.resources).copied();
                (name, closest(name, candidates.chain(PSEUDO_PARAMETERS)))
            }
            Target::Condition(name) => (name, None),
        };
        CfnError::UndeclaredReference {
            resource: place.to_string(),
            what: reference.what.to_string(),
            name: name.to_string(),
            pos: reference.pos,
            hint,
        }
    }
}

/// The ids of the resources of `root` that `node` names at any depth, once each, in the order
/// first named: `!Ref Key`, `!GetAtt Role.Arn`, `!Sub 'arn:${AWS::Partition}:...:${Role}'`.
/// Parameters, pseudo parameters and `Fn::Sub` locals are not resources.
///
/// ```text
/// RoleArn: !If [UseOwn, !GetAtt Role.Arn, !Ref ExistingRoleArn]   → ["Role"]
/// ```
pub fn referenced_resources(root: &Node, node: &Node) -> Vec<String> {
    let resources = root.get("Resources").and_then(Node::as_map);
    let mut ids: Vec<String> = Vec::new();
    each_reference(node, &mut |reference| {
        let (Target::Resource(name) | Target::Name(name)) = reference.target else {
            return;
        };
        let declared = resources.is_some_and(|r| r.get(name).is_some());
        if declared && !ids.iter().any(|id| id == name) {
            ids.push(name.to_string());
        }
    });
    ids
}

/// What an intrinsic refers to.
#[derive(Clone, Copy)]
pub(crate) enum Target<'n> {
    /// `Ref: X`, `${X}`: a parameter, a pseudo parameter or a resource.
    Name(&'n str),
    /// `Fn::GetAtt: [X, Attr]`, `${X.Attr}`: only a resource.
    Resource(&'n str),
    /// `Fn::If: [X, a, b]`: a condition.
    Condition(&'n str),
}

pub(crate) struct Reference<'n> {
    /// `Ref`, `Fn::GetAtt`, `Fn::Sub variable` or `Fn::If`, for messages.
    what: &'static str,
    pub(crate) target: Target<'n>,
    pos: Pos,
}

/// Calls `visit` for every reference in `node` and below it, the one place that knows how
/// `Ref`, `Fn::GetAtt`, `Fn::Sub` and `Fn::If` name things.
pub(crate) fn each_reference<'n>(node: &'n Node, visit: &mut impl FnMut(Reference<'n>)) {
    if let Some((name, arg)) = intrinsic(node) {
        match name {
            "Ref" => {
                if let Some(target) = arg.as_str() {
                    visit(Reference {
                        what: "Ref",
                        target: Target::Name(target),
                        pos: arg.pos,
                    });
                }
            }
            "Fn::GetAtt" => {
                if let Some(target) = get_att_resource(arg) {
                    visit(Reference {
                        what: "Fn::GetAtt",
                        target: Target::Resource(target),
                        pos: arg.pos,
                    });
                }
            }
            "Fn::Sub" => sub_references(arg, node.pos, visit),
            "Fn::If" => {
                if let Some(condition) = arg.as_list().and_then(|l| l.first()?.as_str()) {
                    visit(Reference {
                        what: "Fn::If",
                        target: Target::Condition(condition),
                        pos: arg.pos,
                    });
                }
            }
            _ => {}
        }
    }
    match &node.value {
        Value::Map(map) => {
            for child in map.values() {
                each_reference(child, visit);
            }
        }
        Value::List(items) => {
            for child in items {
                each_reference(child, visit);
            }
        }
        _ => {}
    }
}

/// `!Sub "text ${Name} ${Res.Attr}"` or `!Sub ["text ${Local}", {Local: ...}]`: the variables
/// that are not locals (`${!Literal}` is no variable).
fn sub_references<'n>(arg: &'n Node, pos: Pos, visit: &mut impl FnMut(Reference<'n>)) {
    let (text, locals) = match &arg.value {
        Value::String(text) => (text.as_ref(), HashSet::default()),
        Value::List(items) => {
            let Some(text) = items.first().and_then(Node::as_str) else {
                return;
            };
            let locals: HashSet<&str> = items
                .get(1)
                .and_then(Node::as_map)
                .map(|m| m.keys().collect())
                .unwrap_or_default();
            (text, locals)
        }
        _ => return,
    };
    for var in sub_vars(text) {
        if locals.contains(var) {
            continue;
        }
        let target = match var.split_once('.') {
            Some((resource, _)) => Target::Resource(resource),
            None => Target::Name(var),
        };
        visit(Reference {
            what: if matches!(target, Target::Resource(_)) {
                "Fn::GetAtt"
            } else {
                "Fn::Sub variable"
            },
            target,
            pos,
        });
    }
}

/// `[Res, Attr]` or `"Res.Attr"` → `Res` (an intrinsic in the resource position is skipped).
fn get_att_resource(arg: &Node) -> Option<&str> {
    match &arg.value {
        Value::List(items) => items.first().and_then(Node::as_str),
        Value::String(text) => Some(text.split_once('.').map_or(text.as_ref(), |(r, _)| r)),
        _ => None,
    }
}

/// The declared name nearest to `name`, if one is a likely typo of it.
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let length = name.chars().count();
    let limit = (length / 3).max(1);
    candidates
        // The edit distance is at least the difference in length: skip those too far apart
        // before computing it (templates with thousands of names made this 2% of a check).
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, c)| (*distance, c.to_string()))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(yaml: &str) -> Vec<String> {
        let root = sagerules_data::load(yaml.as_bytes(), sagerules_data::Format::Yaml).unwrap();
        undeclared(&root)
            .iter()
            .map(|e| format!("{}:{} {e}", e.pos().line, e.pos().col))
            .collect()
    }

    #[test]
    fn a_ref_to_an_undeclared_parameter_is_an_error_with_a_suggestion() {
        let got = errors(
            "Parameters:\n  KeyParam: {Type: String}\nResources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      KmsKeyId: !Ref KeyParm\n",
        );
        assert_eq!(
            got,
            ["7:22 resource Nb: Ref to KeyParm, which the template does not declare (did you mean KeyParam?)"]
        );
    }

    #[test]
    fn declared_names_pseudo_parameters_sub_locals_and_escapes_are_fine() {
        let got = errors(
            "Parameters:\n  P: {Type: String}\nResources:\n  K:\n    Type: AWS::KMS::Key\n  Nb:\n    Type: X\n    Properties:\n      A: !Ref P\n      B: !GetAtt K.Arn\n      C: !Sub '${AWS::Region}-${P}-${K.Arn}-${!Literal}'\n      D: !Sub ['${L}', {L: x}]\n      E: !Ref AWS::NoValue\nOutputs:\n  O: {Value: !Ref K}\n",
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn getatt_and_sub_to_missing_resources_are_errors() {
        let got = errors(
            "Resources:\n  Nb:\n    Type: X\n    Properties:\n      A: !GetAtt Missing.Arn\n      B: !Sub '${Nope}'\nOutputs:\n  O: {Value: !Ref Gone}\n",
        );
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got[0].contains("Fn::GetAtt to Missing"), "{got:?}");
        assert!(got[1].contains("Fn::Sub variable to Nope"), "{got:?}");
        assert!(got[2].contains("output O: Ref to Gone"), "{got:?}");
    }

    fn referenced(yaml: &str, resource: &str) -> Vec<String> {
        let root = sagerules_data::load(yaml.as_bytes(), sagerules_data::Format::Yaml).unwrap();
        let node = root.get("Resources").and_then(|r| r.get(resource)).unwrap();
        referenced_resources(&root, node)
    }

    #[test]
    fn referenced_resources_follow_ref_getatt_and_sub_but_not_parameters_or_locals() {
        let got = referenced(
            "Parameters:\n  P: {Type: String}\nResources:\n  Role: {Type: AWS::IAM::Role}\n  Key: {Type: AWS::KMS::Key}\n  Alias: {Type: AWS::KMS::Alias}\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      RoleArn: !If [C, !GetAtt Role.Arn, !Ref P]\n      KmsKeyId: {'Fn::GetAtt': [Key, Arn]}\n      A: !Sub '${AWS::Region}-${Alias}-${P}-${Role.Arn}'\n      B: !Sub ['${L}', {L: !Ref P}]\n",
            "Nb",
        );
        assert_eq!(got, ["Role", "Key", "Alias"]);
    }

    #[test]
    fn a_template_with_a_transform_is_not_checked() {
        let got = errors("Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: X\n    Properties: {Role: !GetAtt FRole.Arn}\n");
        assert!(got.is_empty(), "{got:?}");
    }
}
