//! Shape adapters: every context is turned into a template-shaped document
//! `{"Resources": {"<id>": {"Type": "AWS::SageMaker::…", "Properties": {…}, "Metadata": …}}}`
//! so each rule is written once, against CloudFormation property names.
//!
//! Three shapes come in besides templates:
//!
//! - an AWS Config configuration item: `configuration` already uses CloudFormation names; its
//!   `tags` map becomes the template's `[{Key, Value}]` list;
//! - a `Describe*` response (API names): NotebookInstance `SecurityGroups` →
//!   `SecurityGroupIds`, `NotebookInstanceLifecycleConfigName` → `LifecycleConfigName`; Domain
//!   `HomeEfsFileSystemKmsKeyId` → `KmsKeyId` when only the former is set;
//! - a SageMaker Pipeline step: `{Name, Type: Training|Tuning|Processing|Transform, Arguments}`,
//!   whose `Arguments` are the `Create*` request (the Describe names).
//!
//! Training, tuning and transform jobs have no CloudFormation type; their resources are typed
//! `AWS::SageMaker::TrainingJob`, `AWS::SageMaker::HyperParameterTuningJob` and
//! `AWS::SageMaker::TransformJob` (processing jobs use the real `AWS::SageMaker::ProcessingJob`).
//! Each resource is marked `Metadata.SageRules.Source` (`config-item`, `describe` or
//! `pipeline-step`) for the few rules that depend on what a shape can record. Positions of the
//! input are kept, so findings still point into the original document.

use sagerules_data::{Map, Node, Pos, Value};

/// The SageMaker API resources the Lambda describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApiKind {
    TrainingJob,
    HyperParameterTuningJob,
    ProcessingJob,
    TransformJob,
    NotebookInstance,
    EndpointConfig,
    Model,
    Domain,
}

impl ApiKind {
    /// The resource type the rules select, e.g. `AWS::SageMaker::TrainingJob`.
    pub fn resource_type(self) -> &'static str {
        match self {
            ApiKind::TrainingJob => "AWS::SageMaker::TrainingJob",
            ApiKind::HyperParameterTuningJob => "AWS::SageMaker::HyperParameterTuningJob",
            ApiKind::ProcessingJob => "AWS::SageMaker::ProcessingJob",
            ApiKind::TransformJob => "AWS::SageMaker::TransformJob",
            ApiKind::NotebookInstance => "AWS::SageMaker::NotebookInstance",
            ApiKind::EndpointConfig => "AWS::SageMaker::EndpointConfig",
            ApiKind::Model => "AWS::SageMaker::Model",
            ApiKind::Domain => "AWS::SageMaker::Domain",
        }
    }

    /// The job a pipeline step of this `Type` starts: `"Training"` → `TrainingJob`.
    pub fn from_step_type(step_type: &str) -> Option<ApiKind> {
        match step_type {
            "Training" => Some(ApiKind::TrainingJob),
            "Tuning" => Some(ApiKind::HyperParameterTuningJob),
            "Processing" => Some(ApiKind::ProcessingJob),
            "Transform" => Some(ApiKind::TransformJob),
            _ => None,
        }
    }

    /// The kind whose resource type is `resource_type`, if the API describes it.
    pub fn from_resource_type(resource_type: &str) -> Option<ApiKind> {
        ApiKind::ALL
            .into_iter()
            .find(|kind| kind.resource_type() == resource_type)
    }
}

impl ApiKind {
    /// Every kind, in the order of [`crate::kinds::KINDS`].
    pub const ALL: [ApiKind; 8] = [
        ApiKind::TrainingJob,
        ApiKind::HyperParameterTuningJob,
        ApiKind::ProcessingJob,
        ApiKind::TransformJob,
        ApiKind::NotebookInstance,
        ApiKind::EndpointConfig,
        ApiKind::Model,
        ApiKind::Domain,
    ];
}

/// `Metadata.SageRules.Source` of a resource built from an AWS Config configuration item.
pub const SOURCE_CONFIG_ITEM: &str = "config-item";
/// `Metadata.SageRules.Source` of a resource built from a `Describe*` response.
pub const SOURCE_DESCRIBE: &str = "describe";
/// `Metadata.SageRules.Source` of a resource built from a pipeline step.
pub const SOURCE_PIPELINE_STEP: &str = "pipeline-step";

/// API name → CloudFormation name, per resource type.
const RENAMES: [(&str, &str, &str); 3] = [
    (
        "AWS::SageMaker::NotebookInstance",
        "SecurityGroups",
        "SecurityGroupIds",
    ),
    (
        "AWS::SageMaker::NotebookInstance",
        "NotebookInstanceLifecycleConfigName",
        "LifecycleConfigName",
    ),
    (
        "AWS::SageMaker::Domain",
        "HomeEfsFileSystemKmsKeyId",
        "KmsKeyId",
    ),
];

/// A `Describe*` response (API field names, as JSON) plus its tags (`[{Key, Value}]` from
/// `ListTags`, or a `{key: value}` map) → a one-resource template document with logical id
/// `name`.
///
/// ```
/// # use sagerules_shapes::adapt::{from_describe, ApiKind};
/// let response = sagerules_data::Node::from_json_str(r#"{"SecurityGroups": ["sg-1"]}"#).unwrap();
/// let doc = from_describe(ApiKind::NotebookInstance, "nb", response, None);
/// let groups = doc.pointer_get("/Resources/nb/Properties/SecurityGroupIds/0");
/// assert_eq!(groups.and_then(|n| n.as_str()), Some("sg-1"));
/// ```
pub fn from_describe(kind: ApiKind, name: &str, response: Node, tags: Option<Node>) -> Node {
    let pos = response.pos;
    let mut properties = into_map(response);
    rename_api_fields(kind.resource_type(), &mut properties);
    if let Some(tags) = tags {
        properties.insert("Tags".into(), tag_list(tags));
    } else if let Some(tags) = properties.shift_remove("Tags") {
        properties.insert("Tags".into(), tag_list(tags));
    }
    document(name, kind.resource_type(), properties, SOURCE_DESCRIBE, pos)
}

/// An AWS Config configuration item (the `configurationItem` object of the event) →
/// a one-resource template document, or `None` when its type is not a SageMaker type or it
/// has no `configuration` (a deleted resource).
///
/// The logical id is `resourceName`, else `resourceId`. The item's `tags` map replaces any
/// `Tags` in `configuration`.
pub fn from_config_item(item: &Node) -> Option<Node> {
    let resource_type = item.get("resourceType")?.as_str()?;
    if !resource_type.starts_with("AWS::SageMaker::") {
        return None;
    }
    let configuration = item.get("configuration").filter(|c| c.as_map().is_some())?;
    let id = ["resourceName", "resourceId"]
        .iter()
        .find_map(|key| {
            item.get(key)
                .and_then(Node::as_str)
                .filter(|s| !s.is_empty())
        })
        .unwrap_or("resource");
    let mut properties = into_map(configuration.clone());
    rename_api_fields(resource_type, &mut properties);
    if let Some(tags) = item.get("tags").filter(|t| !matches!(t.value, Value::Null)) {
        properties.insert("Tags".into(), tag_list(tags.clone()));
    }
    Some(document(
        id,
        resource_type,
        properties,
        SOURCE_CONFIG_ITEM,
        item.pos,
    ))
}

/// A pipeline step `{"Name": "Train", "Type": "Training", "Arguments": {...}}` → its name and
/// the job resource (`{Type, Properties, Metadata}`), or `None` for steps that start no job
/// (Condition, Lambda, RegisterModel, ...) or have no `Arguments` map.
pub fn from_pipeline_step(step: &Node) -> Option<(String, Node)> {
    let kind = ApiKind::from_step_type(step.get("Type")?.as_str()?)?;
    let name = step
        .get("Name")
        .and_then(Node::as_str)
        .unwrap_or("step")
        .to_string();
    let arguments = step.get("Arguments").filter(|a| a.as_map().is_some())?;
    let document = from_describe(kind, &name, arguments.clone(), None);
    let mut resource = document.get("Resources")?.get(&name)?.clone();
    set_source(&mut resource, SOURCE_PIPELINE_STEP);
    Some((name, resource))
}

/// A parsed pipeline definition (`{"Version": ..., "Steps": [...]}`) → a template document
/// with one job resource per Training, Tuning, Processing or Transform step, keyed by step
/// name.
pub fn from_pipeline_definition(definition: &Node) -> Node {
    let steps = definition
        .get("Steps")
        .and_then(Node::as_list)
        .unwrap_or_default();
    let resources: Map = steps
        .iter()
        .filter_map(from_pipeline_step)
        .map(|(name, r)| (name.into(), r))
        .collect();
    map_node(
        Map::from_iter([("Resources".into(), map_node(resources, definition.pos))]),
        definition.pos,
    )
}

/// `{"Resources": {id: {"Type": t, "Properties": p, "Metadata": {"SageRules": {"Source": s}}}}}`.
fn document(id: &str, resource_type: &str, properties: Map, source: &str, pos: Pos) -> Node {
    let mut resource = Map::default();
    resource.insert("Type".into(), text(resource_type, pos));
    resource.insert("Properties".into(), map_node(properties, pos));
    let mut resource = map_node(resource, pos);
    set_source(&mut resource, source);
    let resources = Map::from_iter([(Box::from(id), resource)]);
    map_node(
        Map::from_iter([("Resources".into(), map_node(resources, pos))]),
        pos,
    )
}

/// Sets `Metadata.SageRules.Source` on a resource map, keeping any other metadata.
fn set_source(resource: &mut Node, source: &str) {
    let pos = resource.pos;
    let Value::Map(map) = &mut resource.value else {
        return;
    };
    if map
        .get("Metadata")
        .is_none_or(|metadata| metadata.as_map().is_none())
    {
        map.insert("Metadata".into(), map_node(Map::default(), pos));
    }
    if let Some(Value::Map(metadata)) = map.get_mut("Metadata").map(|node| &mut node.value) {
        let marker = Map::from_iter([(Box::from("Source"), text(source, pos))]);
        metadata.insert("SageRules".into(), map_node(marker, pos));
    }
}

/// Renames the API fields of `resource_type` to their CloudFormation names, unless the
/// CloudFormation name is already set.
fn rename_api_fields(resource_type: &str, properties: &mut Map) {
    for (ty, api, cfn) in RENAMES {
        if ty != resource_type || properties.contains_key(cfn) {
            continue;
        }
        if let Some(value) = properties.shift_remove(api) {
            properties.insert(cfn.into(), value);
        }
    }
}

/// Tags in the template's shape: a `{key: value}` map (Config items, EventBridge) becomes
/// `[{Key, Value}]`; a list is kept; anything else becomes an empty list.
fn tag_list(tags: Node) -> Node {
    let pos = tags.pos;
    match tags.value {
        Value::List(items) => Node::new(Value::List(items), pos),
        Value::Map(map) => {
            let items = map
                .into_iter()
                .map(|(key, value)| tag_entry(&key, value))
                .collect();
            Node::new(Value::List(items), pos)
        }
        _ => Node::new(Value::List(Vec::new()), pos),
    }
}

/// `("team", "ml")` → `{"Key": "team", "Value": "ml"}`, at the value's position.
fn tag_entry(key: &str, value: Node) -> Node {
    let pos = value.pos;
    map_node(
        Map::from_iter([
            (Box::from("Key"), text(key, pos)),
            (Box::from("Value"), value),
        ]),
        pos,
    )
}

fn into_map(node: Node) -> Map {
    match node.value {
        Value::Map(map) => map,
        _ => Map::default(),
    }
}

fn text(value: &str, pos: Pos) -> Node {
    Node::new(Value::String(value.into()), pos)
}

fn map_node(map: Map, pos: Pos) -> Node {
    Node::new(Value::map(map), pos)
}
