//! Shape adapters: every context is turned into a template-shaped document
//! `{"Resources": {"<id>": {"Type": "AWS::SageMaker::…", "Properties": {…}}}}` so each rule is
//! written once. STUB: the rule-pack engineer implements these.

use sagerules_data::Node;

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

/// A `Describe*` response (API field names, as JSON) plus its tags (`[{Key, Value}]`) →
/// a one-resource template document with logical id `name`.
pub fn from_describe(kind: ApiKind, name: &str, response: Node, tags: Option<Node>) -> Node {
    let _ = (kind, name, tags);
    response
}

/// An AWS Config configuration item (the `configurationItem` object of the event) →
/// a one-resource template document, or `None` when its type is not a SageMaker type the
/// pack knows.
pub fn from_config_item(item: &Node) -> Option<Node> {
    let _ = item;
    None
}
