//! The expander's answer for each intrinsic and each category of security parameter.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

mod common;

use common::expand_in;
use serde_json::json;

fn template() -> serde_json::Value {
    json!({
        "Parameters": {
            "NotebookInternet": {"Type": "String", "Default": "Disabled"},
            "RestrictedInternet": {"Type": "String", "AllowedValues": ["Enabled", "Disabled"]},
            "InstanceType": {"Type": "String", "AllowedValues": ["ml.t3.medium", "ml.m5.xlarge"]},
            "Subnet": {"Type": "AWS::EC2::Subnet::Id"},
            "SecurityGroups": {"Type": "List<AWS::EC2::SecurityGroup::Id>"},
            "KmsKey": {"Type": "String"},
            "ValidatedKey": {"Type": "String", "AllowedPattern": "arn:aws:kms:.+"},
            "MinKey": {"Type": "String", "MinLength": 1},
            "Env": {"Type": "String", "AllowedValues": ["dev", "prod"]}
        },
        "Mappings": {
            "EnvSettings": {
                "dev": {"Internet": "Enabled", "Key": "arn:dev"},
                "prod": {"Internet": "Disabled", "Key": "arn:prod"}
            }
        },
        "Resources": {"Key": {"Type": "AWS::KMS::Key"}}
    })
}

fn expand(value: serde_json::Value) -> String {
    expand_in(template(), value)
}

// --- category 1: not exposed -------------------------------------------------------------

#[test]
fn unconstrained_parameter_allows_any_value_and_is_named() {
    assert_eq!(
        expand(json!({"Ref": "NotebookInternet"})),
        "any (may be empty): parameter NotebookInternet, which allows any value"
    );
}

#[test]
fn parameter_with_allowed_values_gives_each_value() {
    assert_eq!(
        expand(json!({"Ref": "RestrictedInternet"})),
        "Enabled (parameter RestrictedInternet (AllowedValues)) | \
         Disabled (parameter RestrictedInternet (AllowedValues))"
    );
}

// --- category 2: restricted --------------------------------------------------------------

#[test]
fn restricted_instance_type_gives_each_allowed_value() {
    assert_eq!(
        expand(json!({"Ref": "InstanceType"})),
        "ml.t3.medium (parameter InstanceType (AllowedValues)) | \
         ml.m5.xlarge (parameter InstanceType (AllowedValues))"
    );
}

#[test]
fn subnet_id_type_is_any_but_never_empty() {
    assert_eq!(
        expand(json!({"Ref": "Subnet"})),
        "any (never empty): parameter Subnet, which allows any non-empty value \
         (its AWS-specific type rejects \"\")"
    );
    assert!(expand(json!({"Ref": "SecurityGroups"})).starts_with("any (never empty)"));
}

// --- category 3: validated ---------------------------------------------------------------

#[test]
fn kms_key_parameter_without_constraint_may_be_empty() {
    assert_eq!(
        expand(json!({"Ref": "KmsKey"})),
        "any (may be empty): parameter KmsKey, which allows any value"
    );
}

#[test]
fn kms_key_parameter_with_pattern_or_min_length_is_never_empty() {
    assert_eq!(
        expand(json!({"Ref": "ValidatedKey"})),
        "any (never empty): parameter ValidatedKey, which allows any non-empty value \
         (AllowedPattern rejects \"\")"
    );
    assert!(expand(json!({"Ref": "MinKey"})).contains("(MinLength rejects \"\")"));
}

// --- Ref ---------------------------------------------------------------------------------

#[test]
fn ref_to_no_value_is_absent() {
    assert_eq!(
        expand(json!({"Ref": "AWS::NoValue"})),
        "<absent> (AWS::NoValue)"
    );
}

#[test]
fn ref_to_pseudo_parameter_is_unknown_and_to_a_resource_a_deploy_time_string() {
    assert_eq!(
        expand(json!({"Ref": "AWS::Region"})),
        "unknown: pseudo parameter AWS::Region"
    );
    assert_eq!(
        expand(json!({"Ref": "Key"})),
        "deploy-time string like 11111111-2222-3333-4444-555555555555: Ref to resource Key, made by the stack"
    );
    assert_eq!(
        expand(json!({"Ref": "Nowhere"})),
        "unknown: Ref to Nowhere, which the template does not declare"
    );
}

#[test]
fn plain_values_are_left_alone() {
    assert_eq!(expand(json!("Disabled")), "as is");
    assert_eq!(expand(json!({"Name": "x"})), "as is");
}

// --- Fn::If ------------------------------------------------------------------------------

#[test]
fn if_gives_both_branches() {
    assert_eq!(
        expand(json!({"Fn::If": ["IsProd", "Disabled", "Enabled"]})),
        "Disabled (Fn::If IsProd (true)) | Enabled (Fn::If IsProd (false))"
    );
}

#[test]
fn if_with_no_value_branch_may_be_absent() {
    assert_eq!(
        expand(json!({"Fn::If": ["HasKey", {"Fn::GetAtt": ["Key", "Arn"]}, {"Ref": "AWS::NoValue"}]})),
        "{Fn::GetAtt: [Key, Arn]} (Fn::If HasKey (true)) | <absent> (Fn::If HasKey (false), AWS::NoValue)"
    );
}

#[test]
fn if_flattens_restricted_parameters_and_nested_ifs() {
    assert_eq!(
        expand(
            json!({"Fn::If": ["A", {"Ref": "RestrictedInternet"}, {"Fn::If": ["B", "Disabled", "Off"]}]})
        ),
        "Enabled (Fn::If A (true), parameter RestrictedInternet (AllowedValues)) | \
         Disabled (Fn::If A (true), parameter RestrictedInternet (AllowedValues)) | \
         Disabled (Fn::If A (false), Fn::If B (true)) | Off (Fn::If A (false), Fn::If B (false))"
    );
}

#[test]
fn if_keeps_an_unconstrained_parameter_for_the_evaluator_to_expand() {
    assert_eq!(
        expand(json!({"Fn::If": ["A", {"Ref": "NotebookInternet"}, "Disabled"]})),
        "{Ref: NotebookInternet} (Fn::If A (true)) | Disabled (Fn::If A (false))"
    );
}

// --- Fn::Sub -----------------------------------------------------------------------------

#[test]
fn sub_without_variables_is_its_string() {
    assert_eq!(expand(json!({"Fn::Sub": "Disabled"})), "Disabled");
    assert_eq!(expand(json!({"Fn::Sub": "a-${!Literal}"})), "a-${Literal}");
}

#[test]
fn sub_of_exactly_one_parameter_is_that_parameter() {
    assert_eq!(
        expand(json!({"Fn::Sub": "${NotebookInternet}"})),
        "any (may be empty): parameter NotebookInternet, which allows any value"
    );
    assert_eq!(
        expand(json!({"Fn::Sub": ["${X}", {"X": {"Ref": "RestrictedInternet"}}]})),
        "Enabled (parameter RestrictedInternet (AllowedValues)) | \
         Disabled (parameter RestrictedInternet (AllowedValues))"
    );
    assert_eq!(
        expand(json!({"Fn::Sub": ["${X}", {"X": "Disabled"}]})),
        "Disabled"
    );
}

#[test]
fn sub_with_text_and_variables_is_a_deploy_time_string_shaped_when_every_variable_is() {
    assert_eq!(
        expand(json!({"Fn::Sub": "arn:aws:kms:${AWS::Region}:key/${KmsKey}"})),
        "deploy-time string: Fn::Sub, known at deployment"
    );
    assert_eq!(
        expand(json!({"Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/ml"})),
        "deploy-time string like arn:aws:kms:us-east-1:000000000000:alias/ml: Fn::Sub, known at deployment"
    );
    assert_eq!(
        expand(json!({"Fn::Sub": "${Key.Arn}"})),
        "deploy-time string like arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555: Fn::GetAtt Key.Arn, made by the stack"
    );
    // Variables only: both could be empty.
    assert_eq!(
        expand(json!({"Fn::Sub": "${KmsKey}${MinKey}"})),
        "unknown: Fn::Sub"
    );
}

// --- Fn::GetAtt, Fn::ImportValue, Fn::Base64 and friends ----------------------------------

#[test]
fn get_att_in_both_forms_of_a_known_kind_is_a_shaped_deploy_time_string() {
    let want = "deploy-time string like arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555: Fn::GetAtt Key.Arn, made by the stack";
    assert_eq!(expand(json!({"Fn::GetAtt": ["Key", "Arn"]})), want);
    assert_eq!(expand(json!({"Fn::GetAtt": "Key.Arn"})), want);
    // An attribute of no known kind may be a list or a number.
    assert_eq!(
        expand(json!({"Fn::GetAtt": "Key.Origin"})),
        "unknown: Fn::GetAtt Key.Origin"
    );
}

#[test]
fn import_value_is_a_deploy_time_string_of_unknown_shape() {
    assert_eq!(
        expand(json!({"Fn::ImportValue": "SharedKey"})),
        "deploy-time string: Fn::ImportValue SharedKey"
    );
    assert_eq!(
        expand(json!({"Fn::ImportValue": {"Fn::Sub": "${AWS::StackName}-Key"}})),
        "deploy-time string: Fn::ImportValue"
    );
}

#[test]
fn base64_get_azs_and_cidr_are_unknown() {
    assert_eq!(expand(json!({"Fn::Base64": "x"})), "unknown: Fn::Base64");
    assert_eq!(expand(json!({"Fn::GetAZs": ""})), "unknown: Fn::GetAZs");
    assert_eq!(
        expand(json!({"Fn::Cidr": ["10.0.0.0/16", 2, 8]})),
        "unknown: Fn::Cidr"
    );
}

// --- Fn::Join, Fn::Split, Fn::Select -----------------------------------------------------

#[test]
fn join_of_literals_is_folded() {
    assert_eq!(
        expand(json!({"Fn::Join": ["", ["Dis", "abled"]]})),
        "Disabled"
    );
    assert_eq!(
        expand(json!({"Fn::Join": ["-", ["a", {"Fn::Join": ["", ["b", 3]]}]]})),
        "a-b3"
    );
}

#[test]
fn join_with_deploy_time_pieces_is_unknown() {
    assert_eq!(
        expand(json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}]]})),
        "unknown: Fn::Join"
    );
}

#[test]
fn select_picks_from_literal_and_split_lists() {
    assert_eq!(
        expand(json!({"Fn::Select": [1, ["Enabled", "Disabled"]]})),
        "Disabled"
    );
    assert_eq!(
        expand(json!({"Fn::Select": ["0", {"Fn::Split": [",", "Disabled,Enabled"]}]})),
        "Disabled"
    );
    assert_eq!(
        expand(json!({"Fn::Select": [{"Ref": "Idx"}, ["Enabled", "Disabled"]]})),
        "Enabled | Disabled"
    );
    assert_eq!(
        expand(json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})),
        "unknown: Fn::Select"
    );
    assert_eq!(
        expand(json!({"Fn::Select": [5, ["a"]]})),
        "unknown: Fn::Select index 5 past the end of the list"
    );
}

#[test]
fn select_from_list_parameters() {
    assert_eq!(
        expand(json!({"Fn::Select": [0, {"Ref": "SecurityGroups"}]})),
        "any (never empty): an element of parameter SecurityGroups, which allows any non-empty value \
         (its AWS-specific type rejects \"\")"
    );
    let mut t = template();
    t["Parameters"]["Subnets"] =
        json!({"Type": "CommaDelimitedList", "AllowedValues": ["subnet-a", "subnet-b"]});
    assert_eq!(
        expand_in(t, json!({"Fn::Select": [0, {"Ref": "Subnets"}]})),
        "subnet-a (parameter Subnets (AllowedValues)) | subnet-b (parameter Subnets (AllowedValues))"
    );
}

#[test]
fn select_expands_the_chosen_element() {
    assert_eq!(
        expand(json!({"Fn::Select": [0, [{"Ref": "NotebookInternet"}]]})),
        "any (may be empty): parameter NotebookInternet, which allows any value"
    );
}

// --- Fn::FindInMap -----------------------------------------------------------------------

#[test]
fn find_in_map_with_literal_keys_is_the_value() {
    assert_eq!(
        expand(json!({"Fn::FindInMap": ["EnvSettings", "prod", "Internet"]})),
        "Disabled"
    );
}

#[test]
fn find_in_map_with_a_deploy_time_key_gives_every_value() {
    assert_eq!(
        expand(json!({"Fn::FindInMap": ["EnvSettings", {"Ref": "AWS::Region"}, "Internet"]})),
        "Enabled (Mappings EnvSettings.dev.Internet) | Disabled (Mappings EnvSettings.prod.Internet)"
    );
}

#[test]
fn find_in_map_keyed_by_a_restricted_parameter_gives_its_values_only() {
    let mut t = template();
    t["Parameters"]["Env"]["AllowedValues"] = json!(["prod"]);
    assert_eq!(
        expand_in(
            t,
            json!({"Fn::FindInMap": ["EnvSettings", {"Ref": "Env"}, "Internet"]})
        ),
        "Disabled"
    );
}

#[test]
fn find_in_map_without_the_map_or_key_is_unknown() {
    assert_eq!(
        expand(json!({"Fn::FindInMap": ["Nope", "a", "b"]})),
        "unknown: Fn::FindInMap Nope, which the template does not declare"
    );
    assert_eq!(
        expand(json!({"Fn::FindInMap": ["EnvSettings", "test", "Internet"]})),
        "unknown: Fn::FindInMap EnvSettings, with no matching keys"
    );
}

// --- lenient scalars ---------------------------------------------------------------------

#[test]
fn template_scalars_are_lenient() {
    use sagerules_core::Expander;
    let root = common::node(json!({}));
    assert!(sagerules_cfn::CfnExpander::new(&root).lenient_scalars());
}
