//! Service Catalog: product templates followed through the caller's file reader, and
//! provisioning parameters applied to them.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

mod common;

use common::{fixture, show};
use sagerules_cfn::catalog::Catalog;
use sagerules_cfn::{check, CfnError, CfnExpander, NoteKind, Options, Provisioning, Template};
use sagerules_core::{Expander, RuleSet};
use sagerules_data::Node;
use std::collections::HashMap;
use std::path::Path;

/// Reads fixtures relative to the naming template's directory, as the CLI does.
fn reader(from: &str, path: &str) -> Result<(String, Vec<u8>), String> {
    let full = Path::new(from).parent().unwrap_or(Path::new("")).join(path);
    let name = full.to_string_lossy().into_owned();
    std::fs::read(&full)
        .map(|bytes| (name, bytes))
        .map_err(|e| e.to_string())
}

fn check_fixture(path: &str) -> Vec<sagerules_cfn::Checked> {
    let (source, root) = fixture(path);
    let name = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    let template = Template {
        name: &name,
        text: Some(&source),
        root: &root,
    };
    check(
        &[&RuleSet::default()],
        template,
        Options::default(),
        &reader,
    )
}

#[test]
fn product_with_local_template_is_checked_alone_and_per_provisioning() {
    let checked = check_fixture("catalog/portfolio.yaml");
    let files: Vec<(&str, Option<&str>)> = checked
        .iter()
        .map(|c| (c.file.rsplit('/').next().unwrap(), c.context.as_deref()))
        .collect();
    assert_eq!(files.len(), 3, "{files:?}");
    assert_eq!(files[0], ("portfolio.yaml", None));
    assert_eq!(files[1].0, "notebook.yaml");
    assert!(files[1]
        .1
        .unwrap()
        .starts_with("Service Catalog product NotebookProduct (artifact v1) in "));
    assert!(
        files[2]
            .1
            .unwrap()
            .ends_with(", provisioned product AnalyticsNotebook"),
        "{:?}",
        files[2]
    );
    assert!(checked[1]
        .text
        .as_deref()
        .unwrap()
        .contains("AWS::SageMaker::NotebookInstance"));
}

#[test]
fn remote_product_template_is_reported_not_checkable() {
    let checked = check_fixture("catalog/portfolio.yaml");
    let notes: Vec<&str> = checked[0]
        .notes
        .iter()
        .map(|n| n.message.as_str())
        .collect();
    assert_eq!(
        notes,
        ["the product template https://example-bucket.s3.amazonaws.com/notebook-v0.yaml is not a \
          local file: it is not checked"]
    );
    assert_eq!(checked[0].notes[0].kind, NoteKind::NotCheckable);
}

#[test]
fn project_with_json_string_info_and_external_product() {
    let checked = check_fixture("catalog/project.yaml");
    let contexts: Vec<Option<&str>> = checked.iter().map(|c| c.context.as_deref()).collect();
    assert_eq!(contexts.len(), 3, "{contexts:?}");
    assert!(contexts[2]
        .unwrap()
        .ends_with(", SageMaker project Project"));
    let note = checked[0]
        .notes
        .iter()
        .find(|n| n.resource == "External")
        .unwrap();
    assert_eq!(note.kind, NoteKind::ProductNotFound);
}

#[test]
fn missing_and_self_including_product_templates_are_errors() {
    let checked = check_fixture("catalog/self.yaml");
    assert_eq!(checked.len(), 1);
    let errors = &checked[0].errors;
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        matches!(&errors[0], CfnError::ProductTemplateInvalid { resource, .. } if resource == "Loop")
    );
    assert!(
        errors[0].to_string().contains("includes itself"),
        "{}",
        errors[0]
    );
    assert!(
        matches!(&errors[1], CfnError::ProductTemplateUnreadable { resource, .. } if resource == "Missing")
    );
}

#[test]
fn catalog_matches_provisioning_to_product_and_artifact() {
    let (_, root) = fixture("catalog/portfolio.yaml");
    let catalog = Catalog::read(&root);
    assert_eq!(catalog.artifacts.len(), 1);
    let artifact = &catalog.artifacts[0];
    assert_eq!(
        (artifact.product.as_str(), artifact.path.as_str()),
        ("NotebookProduct", "products/notebook.yaml")
    );
    let provisioners: Vec<&str> = catalog
        .provisioners_of(artifact)
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(provisioners, ["AnalyticsNotebook"]);
}

fn notebook_property<'a>(root: &'a Node, name: &str) -> &'a Node {
    root.pointer_get(&format!("/Resources/Notebook/Properties/{name}"))
        .unwrap()
}

#[test]
fn provisioning_values_fix_the_product_parameters() {
    let (_, outer) = fixture("catalog/portfolio.yaml");
    let (_, product) = fixture("catalog/products/notebook.yaml");
    let catalog = Catalog::read(&outer);
    let provisioner = &catalog.provisioners[0];
    let outer_expander = CfnExpander::new(&outer);
    let provisioning = Provisioning {
        by: "provisioned product AnalyticsNotebook".into(),
        values: provisioner.values.clone(),
        outer: Some((&outer_expander as &dyn Expander, &outer)),
    };
    let expander = CfnExpander::new(&product).with_provisioning(provisioning);
    let expand = |name| show(expander.expand(&product, notebook_property(&product, name)));
    assert_eq!(
        expand("DirectInternetAccess"),
        "Disabled (parameter NotebookInternet (set by provisioned product AnalyticsNotebook))"
    );
    assert_eq!(
        expand("KmsKeyId"),
        "arn:aws:kms:us-east-1:111122223333:key/abcd (parameter KmsKey (set by provisioned product AnalyticsNotebook))"
    );
    // Not given: its AllowedValues are not used, its Default (none here) would be.
    assert!(
        expand("InstanceType").starts_with("ml.t3.medium (parameter InstanceType (AllowedValues))")
    );
}

#[test]
fn provisioning_without_a_value_uses_the_default() {
    let (_, product) = fixture("catalog/products/notebook.yaml");
    let provisioning = Provisioning {
        by: "SageMaker project P".into(),
        values: HashMap::new(),
        outer: None,
    };
    let expander = CfnExpander::new(&product).with_provisioning(provisioning);
    let value = notebook_property(&product, "DirectInternetAccess");
    assert_eq!(
        show(expander.expand(&product, value)),
        "Disabled (parameter NotebookInternet (its Default: SageMaker project P does not set it))"
    );
}

#[test]
fn provisioning_value_that_is_an_outer_intrinsic_expands_in_the_outer_template() {
    let outer = common::node(serde_json::json!({
        "Parameters": {"Internet": {"Type": "String", "AllowedValues": ["Enabled", "Disabled"]}},
        "Resources": {}
    }));
    let value = common::node(serde_json::json!({"Ref": "Internet"}));
    let (_, product) = fixture("catalog/products/notebook.yaml");
    let outer_expander = CfnExpander::new(&outer);
    let provisioning = Provisioning {
        by: "provisioned product PP".into(),
        values: HashMap::from([("NotebookInternet".to_string(), &value)]),
        outer: Some((&outer_expander as &dyn Expander, &outer)),
    };
    let expander = CfnExpander::new(&product).with_provisioning(provisioning);
    assert_eq!(
        show(expander.expand(&product, notebook_property(&product, "DirectInternetAccess"))),
        "Enabled (parameter NotebookInternet (set by provisioned product PP), parameter Internet (AllowedValues)) | \
         Disabled (parameter NotebookInternet (set by provisioned product PP), parameter Internet (AllowedValues))"
    );
}

#[test]
fn provisioned_list_parameters_are_split_at_commas() {
    let product = common::node(serde_json::json!({
        "Parameters": {"Groups": {"Type": "List<AWS::EC2::SecurityGroup::Id>"}},
        "Resources": {"Nb": {"Type": "AWS::SageMaker::NotebookInstance",
            "Properties": {"SecurityGroupIds": {"Ref": "Groups"}}}}
    }));
    let value = common::node(serde_json::json!("sg-1, sg-2"));
    let provisioning = Provisioning {
        by: "provisioned product PP".into(),
        values: HashMap::from([("Groups".to_string(), &value)]),
        outer: None,
    };
    let expander = CfnExpander::new(&product).with_provisioning(provisioning);
    let groups = product
        .pointer_get("/Resources/Nb/Properties/SecurityGroupIds")
        .unwrap();
    assert_eq!(
        show(expander.expand(&product, groups)),
        "[sg-1, sg-2] (parameter Groups (set by provisioned product PP))"
    );
}

#[test]
fn info_written_as_a_json_string_points_at_the_string() {
    let (_, root) = fixture("catalog/project.yaml");
    let info = root
        .pointer_get("/Resources/NotebookProduct/Properties/ProvisioningArtifactParameters/0/Info")
        .unwrap();
    let catalog = Catalog::read(&root);
    assert_eq!(catalog.artifacts[0].pos, info.pos);
}

#[test]
fn provisioning_by_product_name_without_an_artifact_name_covers_every_artifact() {
    let root = common::node(serde_json::json!({"Resources": {
        "Prod": {"Type": "AWS::ServiceCatalog::CloudFormationProduct", "Properties": {
            "Name": "Notebook", "ProvisioningArtifactParameters": [
                {"Name": "v1", "Info": {"LoadTemplateFromURL": "v1.yaml"}},
                {"Name": "v2", "Info": {"LoadTemplateFromURL": "v2.yaml"}}]}},
        "ByName": {"Type": "AWS::ServiceCatalog::CloudFormationProvisionedProduct", "Properties": {
            "ProductName": "Notebook", "ProvisioningArtifactId": "pa-123"}},
        "OnlyV2": {"Type": "AWS::ServiceCatalog::CloudFormationProvisionedProduct", "Properties": {
            "ProductId": {"Ref": "Prod"}, "ProvisioningArtifactName": "v2"}}
    }}));
    let catalog = Catalog::read(&root);
    let by_artifact: Vec<(Option<&str>, Vec<&str>)> = catalog
        .artifacts
        .iter()
        .map(|a| {
            (
                a.name.as_deref(),
                catalog.provisioners_of(a).map(|p| p.id.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        by_artifact,
        [
            (Some("v1"), vec!["ByName"]),
            (Some("v2"), vec!["ByName", "OnlyV2"])
        ]
    );
}
