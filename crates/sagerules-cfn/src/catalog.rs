//! Service Catalog: the templates a product deploys, and the parameter values its
//! provisionings fix.
//!
//! Why: in a portfolio repository the SageMaker resources live in the product templates, not
//! in the portfolio template, so checking only the file given would pass everything. This
//! module finds, in one template:
//!
//! ```yaml
//! Product:                                   # AWS::ServiceCatalog::CloudFormationProduct
//!   Properties:
//!     ProvisioningArtifactParameters:
//!       - Name: v1
//!         Info: {LoadTemplateFromURL: products/notebook.yaml}   # a relative path: checked
//! Analytics:                                 # AWS::ServiceCatalog::CloudFormationProvisionedProduct
//!   Properties:
//!     ProductId: !Ref Product
//!     ProvisioningArtifactName: v1
//!     ProvisioningParameters: [{Key: NotebookInternet, Value: Disabled}]
//! ```
//!
//! `LoadTemplateFromURL` is the only field the resource specification offers for a product's
//! template (`Info` is free-form JSON, an object or a string holding one). A repository keeps a
//! relative path there to check it; the deployed copy names the uploaded template's URL
//! (`aws cloudformation package` does not rewrite product templates). A URL, an absolute path or an intrinsic is
//! reported as not checkable. `AWS::SageMaker::Project` provisions a product through
//! `ServiceCatalogProvisioningDetails.{ProductId, ProvisioningArtifactId, ProvisioningParameters}`.
//! A provisioning is matched to a product of the same template by `ProductId: !Ref Product` or
//! by `ProductName` equal to the product's `Name`; its artifact by `ProvisioningArtifactName`
//! (every artifact when it names none, or names one by id).
//!
//! Nested stacks use the same machinery: an `AWS::CloudFormation::Stack` with a relative
//! `TemplateURL` is an artifact checked only with the `Parameters` its stack passes.

use crate::error::{Note, NoteKind};
use crate::fold::{intrinsic, static_text};
use sagerules_data::{Format, Node, Pos, Value};
use std::collections::HashMap;

const PRODUCT: &str = "AWS::ServiceCatalog::CloudFormationProduct";
const PROVISIONED: &str = "AWS::ServiceCatalog::CloudFormationProvisionedProduct";
const PROJECT: &str = "AWS::SageMaker::Project";
const STACK: &str = "AWS::CloudFormation::Stack";

/// One provisioning artifact (version) of a product, or a nested stack, with a local
/// template.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalArtifact {
    /// "Service Catalog product" or "nested stack".
    pub kind: &'static str,
    /// Whether the template is also checked without any provisioning (a product can be
    /// provisioned by anyone; a nested stack only ever gets its parent's parameters).
    pub alone: bool,
    /// The product's (or stack's) logical id.
    pub product: String,
    /// The artifact's `Name` when it is literal (`v1`).
    pub name: Option<String>,
    /// The path as written, relative to the template that names it.
    pub path: String,
    /// Where the path is written.
    pub pos: Pos,
}

/// A provisioning of a product of the same template.
#[derive(Clone, Debug, PartialEq)]
pub struct Provisioner<'t> {
    /// Its logical id.
    pub id: String,
    /// "provisioned product" or "SageMaker project".
    pub kind: &'static str,
    /// The product's logical id.
    pub product: String,
    /// The artifact it names, when it names one by name.
    pub artifact: Option<String>,
    /// Parameter name → the value given.
    pub values: HashMap<String, &'t Node>,
}

/// Everything Service Catalog in one template.
#[derive(Debug, Default)]
pub struct Catalog<'t> {
    pub artifacts: Vec<LocalArtifact>,
    pub provisioners: Vec<Provisioner<'t>>,
    pub notes: Vec<Note>,
}

impl<'t> Catalog<'t> {
    pub fn read(root: &'t Node) -> Catalog<'t> {
        let mut catalog = Catalog::default();
        let resources: Vec<(&str, &Node)> = root
            .get("Resources")
            .and_then(Node::as_map)
            .map(|m| m.iter().collect())
            .unwrap_or_default();
        for (id, resource) in &resources {
            let props = resource.get("Properties");
            match (resource.get("Type").and_then(Node::as_str), props) {
                (Some(PRODUCT), Some(props)) => catalog.read_product(id, props),
                (Some(PROVISIONED), Some(props)) => {
                    catalog.read_provisioner(id, "provisioned product", props, &resources);
                }
                (Some(PROJECT), Some(props)) => {
                    if let Some(details) = props.get("ServiceCatalogProvisioningDetails") {
                        catalog.read_provisioner(id, "SageMaker project", details, &resources);
                    }
                }
                (Some(STACK), Some(props)) => catalog.read_stack(id, props),
                _ => {}
            }
        }
        catalog
    }

    /// The provisionings of `artifact`.
    pub fn provisioners_of<'s>(
        &'s self,
        artifact: &'s LocalArtifact,
    ) -> impl Iterator<Item = &'s Provisioner<'t>> + 's {
        self.provisioners.iter().filter(move |p| {
            p.product == artifact.product
                && p.artifact
                    .as_ref()
                    .is_none_or(|name| artifact.name.as_ref() == Some(name))
        })
    }

    fn read_product(&mut self, id: &str, props: &Node) {
        let list = props
            .get("ProvisioningArtifactParameters")
            .and_then(Node::as_list);
        for artifact in list.into_iter().flatten() {
            let Some(info) = artifact.get("Info") else {
                continue;
            };
            let name = artifact.get("Name").and_then(static_text);
            match template_location(info) {
                Location::Local(path, pos) => {
                    let (kind, alone, product) = ("Service Catalog product", true, id.to_string());
                    self.artifacts.push(LocalArtifact {
                        kind,
                        alone,
                        product,
                        name,
                        path,
                        pos,
                    });
                }
                Location::Elsewhere(message, pos) => {
                    self.note(id, pos, NoteKind::NotCheckable, message)
                }
            }
        }
    }

    fn read_provisioner(
        &mut self,
        id: &str,
        kind: &'static str,
        details: &'t Node,
        resources: &[(&str, &Node)],
    ) {
        let Some(product) = product_of(details, resources) else {
            let message = format!(
                "the {kind}'s product is not defined in this template: its template is not checked"
            );
            self.note(id, details.pos, NoteKind::ProductNotFound, message);
            return;
        };
        let artifact = details
            .get("ProvisioningArtifactName")
            .and_then(static_text);
        let values = provisioning_values(details);
        self.provisioners.push(Provisioner {
            id: id.to_string(),
            kind,
            product,
            artifact,
            values,
        });
    }

    /// `AWS::CloudFormation::Stack` with `TemplateURL: nested.yaml` (before `aws cloudformation
    /// package`): the nested template, checked with the `Parameters` the stack passes.
    fn read_stack(&mut self, id: &str, props: &'t Node) {
        let Some(url) = props.get("TemplateURL") else {
            return;
        };
        let (path, pos) = match classify(url) {
            Location::Local(path, pos) => (path, pos),
            Location::Elsewhere(message, pos) => {
                let message = message.replace("product template", "nested stack template");
                return self.note(id, pos, NoteKind::NotCheckable, message);
            }
        };
        let (kind, product) = ("nested stack", id.to_string());
        self.artifacts.push(LocalArtifact {
            kind,
            alone: false,
            product: product.clone(),
            name: None,
            path,
            pos,
        });
        let values = props
            .get("Parameters")
            .and_then(Node::as_map)
            .map(|m| m.iter().map(|(k, v)| (k.to_string(), v)).collect())
            .unwrap_or_default();
        self.provisioners.push(Provisioner {
            id: id.to_string(),
            kind,
            product,
            artifact: None,
            values,
        });
    }

    fn note(&mut self, id: &str, pos: Pos, kind: NoteKind, message: String) {
        self.notes.push(Note {
            resource: id.to_string(),
            pos,
            kind,
            message,
        });
    }
}

enum Location {
    Local(String, Pos),
    Elsewhere(String, Pos),
}

/// Where an artifact's `Info` says its template is.
fn template_location(info: &Node) -> Location {
    let Value::String(json) = &info.value else {
        return location_in(info);
    };
    // `Info` written as a JSON string: positions inside it are not template positions.
    match sagerules_data::load(json.as_bytes(), Format::Json) {
        Ok(tree) => match location_in(&tree) {
            Location::Local(path, _) => Location::Local(path, info.pos),
            Location::Elsewhere(message, _) => Location::Elsewhere(message, info.pos),
        },
        Err(_) => Location::Elsewhere("the artifact's Info is not JSON".into(), info.pos),
    }
}

fn location_in(info: &Node) -> Location {
    let Some(url) = info.get("LoadTemplateFromURL") else {
        let message = "the artifact names no LoadTemplateFromURL: its template is not checked";
        return Location::Elsewhere(message.into(), info.pos);
    };
    classify(url)
}

fn classify(url: &Node) -> Location {
    let Some(text) =
        static_text(url).filter(|_| intrinsic(url).is_none_or(|(n, _)| n == "Fn::Sub"))
    else {
        let message =
            "the product template's location is computed at deploy time: it is not checked";
        return Location::Elsewhere(message.into(), url.pos);
    };
    if text.starts_with("{{resolve:") {
        let message = "the product template's location is a dynamic reference, resolved at deploy time: it is not checked";
        return Location::Elsewhere(message.into(), url.pos);
    }
    if text.contains("://") || text.starts_with("s3:") {
        let message = format!("the product template {text} is not a local file: it is not checked");
        return Location::Elsewhere(message, url.pos);
    }
    if text.starts_with('/') || text.starts_with('\\') || text.get(1..2) == Some(":") {
        let message = format!(
            "the product template {text} is an absolute path: only relative paths are followed"
        );
        return Location::Elsewhere(message, url.pos);
    }
    Location::Local(text, url.pos)
}

/// The product a provisioning names: `ProductId: !Ref Product`, or `ProductName` equal to a
/// product's `Name`.
fn product_of(details: &Node, resources: &[(&str, &Node)]) -> Option<String> {
    let is_product = |r: &Node| r.get("Type").and_then(Node::as_str) == Some(PRODUCT);
    if let Some(("Ref", target)) = details.get("ProductId").and_then(intrinsic) {
        let target = target.as_str()?;
        return resources
            .iter()
            .find(|(id, r)| *id == target && is_product(r))
            .map(|(id, _)| id.to_string());
    }
    let name = details.get("ProductName").and_then(static_text)?;
    resources
        .iter()
        .filter(|(_, r)| is_product(r))
        .find(|(_, r)| {
            r.get("Properties")
                .and_then(|p| p.get("Name"))
                .and_then(static_text)
                .as_ref()
                == Some(&name)
        })
        .map(|(id, _)| id.to_string())
}

/// `ProvisioningParameters: [{Key: P, Value: v}]` → `{P: v}`.
fn provisioning_values(details: &Node) -> HashMap<String, &Node> {
    let list = details
        .get("ProvisioningParameters")
        .and_then(Node::as_list)
        .unwrap_or_default();
    list.iter()
        .filter_map(|p| Some((static_text(p.get("Key")?)?, p.get("Value")?)))
        .collect()
}
