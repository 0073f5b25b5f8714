//! [`CfnExpander`]: what each CloudFormation intrinsic can be when the stack is deployed.
//!
//! Why: a rule such as `DirectInternetAccess == "Disabled"` must judge
//! `DirectInternetAccess: !Ref NotebookInternet` by every value the parameter admits, and
//! `KmsKeyId: !GetAtt Key.Arn` as "set, value unknown". The evaluator in `sagerules-core` knows
//! nothing of CloudFormation; it asks this expander through [`Expander`].
//!
//! | intrinsic | expansion |
//! |---|---|
//! | `Ref` to a parameter | its `AllowedValues` as alternatives, else `Any` (see [`crate::params`]) |
//! | `Ref: AWS::NoValue` | one absent alternative |
//! | `Ref` to a resource or pseudo parameter, `Fn::GetAtt`, `Fn::ImportValue`, `Fn::Base64`, `Fn::GetAZs`, `Fn::Cidr` | `Unknown` |
//! | `Fn::If [c, a, b]` | alternatives `a` and `b`, each expanded in turn |
//! | `Fn::Sub` | its string when it has no variables; `"${P}"` as `Ref: P`; else `Unknown` |
//! | `Fn::Join`, `Fn::Split` | folded when every piece is literal, else `Unknown` |
//! | `Fn::Select` | the element when the index and list are known; every element when only the list is; for a list parameter, the element of each allowed list, or `Any` |
//! | `Fn::FindInMap` | the `Mappings` value for literal keys; alternatives over the map for keys known only at deploy time |
//!
//! An alternative may itself be an intrinsic whose expansion is not a list of alternatives
//! (`!If [c, !Ref FreeParam, Disabled]` gives `{"Ref": "FreeParam"}` and `"Disabled"`); the
//! evaluator expands each alternative again.

use crate::conditions::{self, Truth};
use crate::deploy_time;
use crate::fold::{address, intrinsic, static_text, sub_parts, Folded, SubPart};
use crate::params::{admits as admits_of, is_list_parameter, Admits};
use sagerules_core::{Alternative, Expander, Expansion};
use sagerules_data::{Node, Value};
use std::cell::OnceCell;
use std::collections::HashMap;

/// Expands the intrinsics of one template (and the pipeline steps drawn from it).
pub struct CfnExpander<'t> {
    root: &'t Node,
    /// Each parameter's declaration, and what it admits once asked (compiling an
    /// `AllowedPattern` is not free, and most parameters never reach a rule).
    params: HashMap<&'t str, (&'t Node, OnceCell<Admits>)>,
    folded: Folded,
    fixed: Option<Provisioning<'t>>,
    /// The provisioned values of list-typed parameters, split at commas (`"sg-1,sg-2"`).
    fixed_lists: HashMap<String, Node>,
    extra: HashMap<usize, Registered>,
    /// One combination of parameter values being judged ([`crate::worlds`]): each of these
    /// parameters takes exactly this value.
    world: HashMap<String, Node>,
    /// Whether a freely chosen value meets `when` conditions and filters (the deployer can
    /// make it).
    free_values_meet_conditions: bool,
    /// KMS keys the stack creates pass key allow-lists (the pack's `allowStackKeys`).
    stack_keys_allowed: bool,
    /// Set when a condition or filter compared a freely chosen value.
    met_free_value: std::cell::Cell<bool>,
    /// The parameters the evaluation reached (a `Ref`, a `Fn::Sub` variable, the condition of
    /// an `Fn::If`), so only those are combined ([`crate::worlds`]).
    reached: std::cell::RefCell<std::collections::BTreeSet<String>>,
}

/// An expansion registered for one node that carries no intrinsic of its own (a pipeline's
/// `{"Get": "Parameters.InstanceType"}`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Registered {
    Unknown(String),
    Any { why: String, may_be_empty: bool },
    Values { note: String, values: Vec<Node> },
}

impl Registered {
    fn expansion(&self) -> Expansion<'_> {
        match self {
            Registered::Unknown(why) => unknown(why.clone()),
            Registered::Any { why, may_be_empty } => Expansion::Any {
                why: why.clone(),
                may_be_empty: *may_be_empty,
            },
            Registered::Values { note, values } => Expansion::Alternatives(
                values
                    .iter()
                    .map(|v| Alternative {
                        node: Some(v),
                        note: Some(note.clone()),
                    })
                    .collect(),
            ),
        }
    }
}

#[derive(Clone)]
/// Parameter values fixed by whoever provisions the template (a
/// `AWS::ServiceCatalog::CloudFormationProvisionedProduct` or `AWS::SageMaker::Project`).
pub struct Provisioning<'t> {
    /// Who sets them, e.g. "provisioned product Analytics".
    pub by: String,
    /// Parameter name → the value given, as written in the provisioning template.
    pub values: HashMap<String, &'t Node>,
    /// The provisioning template and its expander, for values that are themselves intrinsics
    /// (`Value: !Ref OuterParam`).
    pub outer: Option<(&'t dyn Expander, &'t Node)>,
}

impl<'t> CfnExpander<'t> {
    /// An expander over `root`, a template document.
    pub fn new(root: &'t Node) -> Self {
        let params = root
            .get("Parameters")
            .and_then(Node::as_map)
            .map(|map| map.iter().map(|(k, v)| (k, (v, OnceCell::new()))).collect())
            .unwrap_or_default();
        let folded = Folded::of(root);
        Self {
            root,
            params,
            folded,
            fixed: None,
            fixed_lists: HashMap::new(),
            extra: HashMap::new(),
            world: HashMap::new(),
            free_values_meet_conditions: false,
            stack_keys_allowed: false,
            met_free_value: std::cell::Cell::new(false),
            reached: std::cell::RefCell::default(),
        }
    }

    /// Judges one combination of parameter values: each parameter named takes exactly the
    /// value given (one of its `AllowedValues`, as [`crate::params::admits`] gives them).
    pub(crate) fn with_world(mut self, world: HashMap<String, Node>) -> Self {
        self.world = world;
        self
    }

    /// Lets a KMS key the stack creates (`!Ref Key`, `!GetAtt Key.Arn`, an alias of the
    /// template) pass key allow-lists (`kmsKeyArns`), which cannot name a key that does not
    /// exist yet: the pack's `allowStackKeys`.
    pub fn with_stack_keys_allowed(mut self, allowed: bool) -> Self {
        self.stack_keys_allowed = allowed;
        self
    }

    /// Whether [`CfnExpander::with_stack_keys_allowed`] was set.
    pub(crate) fn stack_keys_allowed(&self) -> bool {
        self.stack_keys_allowed
    }

    /// Judges `when` conditions and filters as if each freely chosen value met them.
    pub(crate) fn with_free_values_meeting_conditions(mut self, meet: bool) -> Self {
        self.free_values_meet_conditions = meet;
        self
    }

    /// The parameters expanded so far (see `reached`).
    pub(crate) fn reached_parameters(&self) -> std::collections::BTreeSet<String> {
        self.reached.borrow().clone()
    }

    /// Whether a `when` condition or a filter compared a freely chosen value since this
    /// expander was made.
    pub(crate) fn met_free_value(&self) -> bool {
        self.met_free_value.get()
    }

    /// Whether a provisioning fixes the parameters (then there is nothing to combine).
    pub(crate) fn is_provisioned(&self) -> bool {
        self.fixed.is_some()
    }

    /// Fixes parameter values: a parameter given a value takes only that value; one not given
    /// takes its `Default` (as CloudFormation does), or anything when it has none.
    pub fn with_provisioning(mut self, provisioning: Provisioning<'t>) -> Self {
        self.fixed_lists = list_values(self.root, &provisioning);
        self.fixed = Some(provisioning);
        self
    }

    /// Registers expansions for particular nodes of `root` (pipeline `{"Get": …}` values).
    pub(crate) fn with_extra(mut self, extra: HashMap<usize, Registered>) -> Self {
        self.extra = extra;
        self
    }

    /// The template this expander reads `Parameters` and `Mappings` from.
    pub fn root(&self) -> &'t Node {
        self.root
    }

    fn expand_intrinsic<'a>(&'a self, node: &'a Node) -> Option<Expansion<'a>> {
        if let Some(found) = self.extra.get(&address(node)) {
            return Some(found.expansion());
        }
        let (name, arg) = intrinsic(node)?;
        if let Some(folded) = self.folded.get(node) {
            return Some(one(folded, None));
        }
        match name {
            "Ref" => self.reference(arg.as_str()?),
            "Fn::If" => self.branches(arg),
            "Fn::Sub" => self.sub(arg),
            "Fn::FindInMap" => Some(self.find_in_map(arg)),
            "Fn::Select" => Some(self.select(arg)),
            "Fn::GetAtt" => Some(self.get_att(&get_att_name(arg))),
            "Fn::ImportValue" => Some(Expansion::DeployTimeString {
                why: import_why(arg),
                shape: None,
                meets_allow_lists: false,
            }),
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => None,
            other => Some(unknown(other.to_string())),
        }
    }

    /// `Ref: name`.
    fn reference<'a>(&'a self, name: &str) -> Option<Expansion<'a>> {
        if name == "AWS::NoValue" {
            return Some(absent("AWS::NoValue".into()));
        }
        if name.starts_with("AWS::") {
            return Some(unknown(format!("pseudo parameter {name}")));
        }
        if self.params.contains_key(name) {
            self.reached.borrow_mut().insert(name.to_string());
        }
        if let Some(value) = self.world.get(name) {
            return Some(one(
                value,
                Some(format!("parameter {name} (AllowedValues)")),
            ));
        }
        if let Some(expansion) = self.provisioned(name) {
            return Some(expansion);
        }
        if let Some((decl, admits)) = self.params.get(name) {
            return Some(from_admits(
                name,
                admits.get_or_init(|| admits_of(name, decl)),
            ));
        }
        if let Some(resource_type) = self.resource_type(name) {
            return Some(Expansion::DeployTimeString {
                why: format!("Ref to resource {name}, made by the stack"),
                shape: deploy_time::shape(resource_type, "Ref").map(str::to_string),
                meets_allow_lists: self.allowed_as_made(resource_type),
            });
        }
        if self
            .root
            .get("Resources")
            .and_then(|r| r.get(name))
            .is_some()
        {
            return Some(unknown(format!("Ref to resource {name}")));
        }
        Some(unknown(format!(
            "Ref to {name}, which the template does not declare"
        )))
    }

    /// Whether a value the stack makes of this type passes allow-lists: a KMS key when the
    /// caller said keys created by the stack are allowed ([`CfnExpander::with_stack_keys_allowed`]).
    fn allowed_as_made(&self, resource_type: &str) -> bool {
        self.stack_keys_allowed && deploy_time::is_key(resource_type)
    }

    /// The `Type` of resource `name` of the template, when it has a string one.
    fn resource_type(&self, name: &str) -> Option<&'t str> {
        self.root.get("Resources")?.get(name)?.get("Type")?.as_str()
    }

    /// `Fn::GetAtt Resource.Attribute`: a non-empty string of a known shape for the kinds
    /// [`deploy_time`] knows, else unknown (an attribute may be a list or a number).
    fn get_att<'a>(&self, name: &str) -> Expansion<'a> {
        let why = format!("Fn::GetAtt {name}");
        let (resource_type, attribute) = match name.split_once('.') {
            Some((resource, attribute)) => (self.resource_type(resource), attribute),
            None => (None, ""),
        };
        let shape = resource_type.and_then(|t| deploy_time::shape(t, attribute));
        match shape {
            Some(shape) => Expansion::DeployTimeString {
                why: format!("{why}, made by the stack"),
                shape: Some(shape.to_string()),
                meets_allow_lists: resource_type.is_some_and(|t| self.allowed_as_made(t)),
            },
            None => unknown(why),
        }
    }

    /// A `Fn::Sub` string with literal text and variables: a non-empty string; its shape when
    /// every variable has one (a pseudo parameter, a resource's id or attribute of a known
    /// kind).
    fn sub_text<'a>(&self, parts: &[SubPart<'_>]) -> Expansion<'a> {
        let mut shape = Some(String::new());
        for part in parts {
            let piece = match part {
                SubPart::Text(text) => Some(text.clone()),
                SubPart::Var(var) => self.variable_shape(var),
            };
            shape = shape.zip(piece).map(|(mut s, p)| {
                s.push_str(&p);
                s
            });
        }
        Expansion::DeployTimeString {
            why: "Fn::Sub, known at deployment".to_string(),
            shape,
            meets_allow_lists: false,
        }
    }

    fn variable_shape(&self, var: &str) -> Option<String> {
        if let Some(value) = deploy_time::pseudo(var) {
            return Some(value.to_string());
        }
        let (resource, attribute) = var.split_once('.').unwrap_or((var, "Ref"));
        deploy_time::shape(self.resource_type(resource)?, attribute).map(str::to_string)
    }

    /// The value a provisioning gives parameter `name` (or its `Default` when it gives none).
    fn provisioned<'a>(&'a self, name: &str) -> Option<Expansion<'a>> {
        let fixed = self.fixed.as_ref()?;
        let given = fixed.values.get(name).copied();
        let note = match given {
            Some(_) => format!("parameter {name} (set by {})", fixed.by),
            None => format!(
                "parameter {name} (its Default: {} does not set it)",
                fixed.by
            ),
        };
        if let Some(list) = self.fixed_lists.get(name) {
            return Some(one(list, Some(note)));
        }
        let Some(value) = given else {
            let default = self.root.get("Parameters")?.get(name)?.get("Default")?;
            return Some(one(default, Some(note)));
        };
        if let (Some((outer, outer_root)), Some(_)) = (fixed.outer, intrinsic(value)) {
            if let Some(expansion) = outer.expand(outer_root, value) {
                return Some(renote(expansion, &note));
            }
        }
        Some(one(value, Some(note)))
    }

    /// `Fn::If [cond, a, b]`: both branches, or the one the condition selects when a
    /// combination of parameter values decides it.
    fn branches<'a>(&'a self, arg: &'a Node) -> Option<Expansion<'a>> {
        let [cond, yes, no] = arg.as_list()? else {
            return None;
        };
        let cond = cond.as_str().unwrap_or("?");
        self.reached
            .borrow_mut()
            .extend(conditions::parameters(self.root, cond));
        let truth = if self.world.is_empty() {
            Truth::Unknown
        } else {
            conditions::truth(self.root, cond, &self.world)
        };
        let mut alternatives = Vec::new();
        if truth != Truth::False {
            alternatives.extend(self.branch(yes, format!("Fn::If {cond} (true)")));
        }
        if truth != Truth::True {
            alternatives.extend(self.branch(no, format!("Fn::If {cond} (false)")));
        }
        Some(Expansion::Alternatives(alternatives))
    }

    /// One branch, flattened when it expands to alternatives itself.
    fn branch<'a>(&'a self, node: &'a Node, note: String) -> Vec<Alternative<'a>> {
        match self.expand_intrinsic(node) {
            Some(Expansion::Alternatives(inner)) => inner
                .into_iter()
                .map(|alt| Alternative {
                    node: alt.node,
                    note: Some(chain(&note, alt.note)),
                })
                .collect(),
            _ => vec![Alternative {
                node: Some(node),
                note: Some(note),
            }],
        }
    }

    /// `Fn::Sub "text"` or `Fn::Sub ["text", {vars}]`.
    fn sub<'a>(&'a self, arg: &'a Node) -> Option<Expansion<'a>> {
        let (text_node, vars) = match &arg.value {
            Value::String(_) => (arg, None),
            Value::List(items) => (items.first()?, items.get(1)),
            _ => return None,
        };
        let parts = sub_parts(text_node.as_str()?);
        match parts.as_slice() {
            [] | [SubPart::Text(_)] => Some(one(text_node, None)),
            [SubPart::Var(var)] => Some(self.sub_variable(var, vars)),
            _ if vars.is_none() && has_text(&parts) => Some(self.sub_text(&parts)),
            _ => Some(unknown("Fn::Sub".into())),
        }
    }

    /// `"${var}"`, the whole of a `Sub` string.
    fn sub_variable<'a>(&'a self, var: &str, vars: Option<&'a Node>) -> Expansion<'a> {
        if let Some(value) = vars.and_then(|v| v.get(var)) {
            return match self.expand_intrinsic(value) {
                Some(expansion) => expansion,
                None => one(value, None),
            };
        }
        if var.contains('.') {
            return self.get_att(var);
        }
        self.reference(var)
            .unwrap_or_else(|| unknown("Fn::Sub".into()))
    }

    /// `Fn::FindInMap [Map, TopKey, SecondKey]`.
    fn find_in_map<'a>(&'a self, arg: &'a Node) -> Expansion<'a> {
        let Some([map_name, top, second, ..]) = arg.as_list() else {
            return unknown("Fn::FindInMap".into());
        };
        let name = static_text(map_name).unwrap_or_default();
        let Some(map) = self.root.get("Mappings").and_then(|m| m.get(&name)) else {
            return unknown(format!(
                "Fn::FindInMap {name}, which the template does not declare"
            ));
        };
        let mut found = Vec::new();
        for (top_key, level) in self.keys(top, map) {
            for (second_key, value) in self.keys(second, level) {
                found.push((format!("{name}.{top_key}.{second_key}"), value));
            }
        }
        match found.as_slice() {
            [] => unknown(format!("Fn::FindInMap {name}, with no matching keys")),
            [(_, value)] => one(value, None),
            _ => Expansion::Alternatives(
                found
                    .into_iter()
                    .map(|(path, v)| Alternative {
                        node: Some(v),
                        note: Some(format!("Mappings {path}")),
                    })
                    .collect(),
            ),
        }
    }

    /// The entries of `map` that key `key` can select: one for a literal key, those of its
    /// alternatives for a restricted parameter, else all.
    fn keys<'a>(&'a self, key: &'a Node, map: &'a Node) -> Vec<(String, &'a Node)> {
        let Some(entries) = map.as_map() else {
            return Vec::new();
        };
        let wanted: Option<Vec<String>> = match static_text(key) {
            Some(text) => Some(vec![text]),
            None => match self.expand_intrinsic(key) {
                Some(Expansion::Alternatives(alts)) => {
                    alts.iter().map(|a| a.node.and_then(static_text)).collect()
                }
                _ => None,
            },
        };
        entries
            .iter()
            .filter(|(k, _)| wanted.as_ref().is_none_or(|w| w.iter().any(|x| x == *k)))
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    }

    /// `Fn::Select [index, list]`: the element of a known list; of each list a restricted
    /// parameter allows; any element of a free list parameter.
    fn select<'a>(&'a self, arg: &'a Node) -> Expansion<'a> {
        let Some([index, list]) = arg.as_list() else {
            return unknown("Fn::Select".into());
        };
        let index = static_text(index).and_then(|i| i.trim().parse::<usize>().ok());
        let lists = match self.candidate_lists(list) {
            Ok(lists) => lists,
            Err(expansion) => return expansion,
        };
        if let ([(items, None)], Some(i)) = (lists.as_slice(), index) {
            return match items.get(i) {
                Some(item) => self
                    .expand_intrinsic(item)
                    .unwrap_or_else(|| one(item, None)),
                None => unknown(format!("Fn::Select index {i} past the end of the list")),
            };
        }
        let mut alternatives = Vec::new();
        for (items, note) in lists {
            let chosen: Vec<&Node> = match index {
                Some(i) => items.get(i).into_iter().collect(),
                None => items.iter().collect(),
            };
            alternatives.extend(chosen.into_iter().map(|n| Alternative {
                node: Some(n),
                note: note.clone(),
            }));
        }
        if alternatives.is_empty() {
            return unknown("Fn::Select index past the end of the list".into());
        }
        Expansion::Alternatives(alternatives)
    }

    /// The lists `list` can be, with their notes; `Err` with the whole expansion when it is a
    /// free parameter (`Any`) or unknown.
    #[expect(
        clippy::type_complexity,
        reason = "a list of (items, note) pairs, used once"
    )]
    fn candidate_lists<'a>(
        &'a self,
        list: &'a Node,
    ) -> Result<Vec<(&'a [Node], Option<String>)>, Expansion<'a>> {
        if let Some(items) = list.as_list() {
            return Ok(vec![(items, None)]);
        }
        match self.expand_intrinsic(list) {
            Some(Expansion::Alternatives(alts)) => alts
                .into_iter()
                .map(|a| Some((a.node?.as_list()?, a.note)))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| unknown("Fn::Select".into())),
            Some(Expansion::Any { why, may_be_empty }) => Err(Expansion::Any {
                why: format!("an element of {why}"),
                may_be_empty,
            }),
            _ => Err(unknown("Fn::Select".into())),
        }
    }
}

impl Expander for CfnExpander<'_> {
    fn expand<'a>(&'a self, _root: &'a Node, node: &'a Node) -> Option<Expansion<'a>> {
        match &node.value {
            Value::Map(map) if map.len() == 1 => self.expand_intrinsic(node),
            _ => None,
        }
    }

    fn lenient_scalars(&self) -> bool {
        true
    }

    fn free_values_meet_conditions(&self) -> bool {
        self.free_values_meet_conditions
    }

    fn free_value_in_condition(&self) {
        self.met_free_value.set(true);
    }

    fn referenced_ids(&self, _root: &Node, node: &Node) -> Vec<String> {
        crate::references::referenced_resources(self.root, node)
    }
}

/// The provisioned (or default) values of list-typed parameters that are written as one
/// comma-separated string, as lists: `"sg-1, sg-2"` → `[sg-1, sg-2]`.
fn list_values(root: &Node, provisioning: &Provisioning<'_>) -> HashMap<String, Node> {
    let params = root.get("Parameters").and_then(Node::as_map);
    let mut lists = HashMap::new();
    for (name, decl) in params.into_iter().flatten() {
        if !is_list_parameter(decl) {
            continue;
        }
        let value = provisioning
            .values
            .get(name)
            .copied()
            .or_else(|| decl.get("Default"));
        let Some((text, pos)) = value.and_then(|v| Some((v.as_str()?, v.pos))) else {
            continue;
        };
        let items = text
            .split(',')
            .map(|item| Node::new(Value::String(item.trim().into()), pos))
            .collect();
        lists.insert(name.to_string(), Node::new(Value::List(items), pos));
    }
    lists
}

/// What a parameter admits, as an expansion.
pub(crate) fn from_admits<'a>(name: &str, admits: &'a Admits) -> Expansion<'a> {
    match admits {
        Admits::Values(values) => Expansion::Alternatives(
            values
                .iter()
                .map(|v| Alternative {
                    node: Some(v),
                    note: Some(format!("parameter {name} (AllowedValues)")),
                })
                .collect(),
        ),
        Admits::Anything { why, may_be_empty } => Expansion::Any {
            why: why.clone(),
            may_be_empty: *may_be_empty,
        },
    }
}

fn one<'a>(node: &'a Node, note: Option<String>) -> Expansion<'a> {
    Expansion::Alternatives(vec![Alternative {
        node: Some(node),
        note,
    }])
}

fn absent<'a>(note: String) -> Expansion<'a> {
    Expansion::Alternatives(vec![Alternative {
        node: None,
        note: Some(note),
    }])
}

fn unknown<'a>(why: String) -> Expansion<'a> {
    Expansion::Unknown { why }
}

/// `"outer"` + `Some("inner")` → `"outer, inner"`.
fn chain(outer: &str, inner: Option<String>) -> String {
    match inner {
        Some(inner) => format!("{outer}, {inner}"),
        None => outer.to_string(),
    }
}

/// Prefixes every note (or `why`) of `expansion` with `note`.
fn renote<'a>(expansion: Expansion<'a>, note: &str) -> Expansion<'a> {
    match expansion {
        Expansion::Alternatives(alts) => Expansion::Alternatives(
            alts.into_iter()
                .map(|a| Alternative {
                    node: a.node,
                    note: Some(chain(note, a.note)),
                })
                .collect(),
        ),
        Expansion::Unknown { why } => Expansion::Unknown {
            why: format!("{note}, {why}"),
        },
        Expansion::Any { why, may_be_empty } => Expansion::Any {
            why: format!("{note}, {why}"),
            may_be_empty,
        },
        Expansion::DeployTimeString {
            why,
            shape,
            meets_allow_lists,
        } => Expansion::DeployTimeString {
            why: format!("{note}, {why}"),
            shape,
            meets_allow_lists,
        },
    }
}

/// Whether a `Fn::Sub` string has literal text, so it cannot be empty.
fn has_text(parts: &[SubPart<'_>]) -> bool {
    parts
        .iter()
        .any(|p| matches!(p, SubPart::Text(t) if !t.is_empty()))
}

/// `["Role", "Arn"]` or `"Role.Arn"` → `Role.Arn`.
fn get_att_name(arg: &Node) -> String {
    match &arg.value {
        Value::String(s) => s.to_string(),
        Value::List(items) => items
            .iter()
            .map(|i| static_text(i).unwrap_or_else(|| "?".into()))
            .collect::<Vec<_>>()
            .join("."),
        _ => "?".into(),
    }
}

fn import_why(arg: &Node) -> String {
    match static_text(arg) {
        Some(name) => format!("Fn::ImportValue {name}"),
        None => "Fn::ImportValue".into(),
    }
}
