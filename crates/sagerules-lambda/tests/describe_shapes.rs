//! SDK `Describe*` outputs become documents in the API's field names, which the pack's
//! adapter turns into template shape: every field a job control reads is where the rules look.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of tests"
)]

use aws_sdk_sagemaker::operation::describe_hyper_parameter_tuning_job::DescribeHyperParameterTuningJobOutput;
use aws_sdk_sagemaker::operation::describe_processing_job::DescribeProcessingJobOutput;
use aws_sdk_sagemaker::operation::describe_training_job::DescribeTrainingJobOutput;
use aws_sdk_sagemaker::operation::describe_transform_job::DescribeTransformJobOutput;
use aws_sdk_sagemaker::types::*;
use sagerules_data::{Node, Value};
use sagerules_lambda::describe;

fn at<'a>(doc: &'a Node, pointer: &str) -> &'a Value {
    &doc.pointer_get(pointer)
        .unwrap_or_else(|| panic!("{pointer} missing"))
        .value
}

fn text(value: &str) -> Value {
    Value::String(value.into())
}

fn vpc() -> VpcConfig {
    VpcConfig::builder()
        .subnets("subnet-1")
        .security_group_ids("sg-1")
        .build()
}

fn stopping() -> StoppingCondition {
    StoppingCondition::builder()
        .max_runtime_in_seconds(3600)
        .build()
}

#[test]
fn training_job_fields() {
    let group = InstanceGroup::builder()
        .instance_group_name("g")
        .instance_type(TrainingInstanceType::from("ml.p4d.24xlarge"))
        .instance_count(2)
        .build();
    let out = DescribeTrainingJobOutput::builder()
        .training_job_name("t")
        .resource_config(
            ResourceConfig::builder()
                .instance_type(TrainingInstanceType::MlM5Xlarge)
                .instance_count(2)
                .volume_kms_key_id("k1")
                .instance_groups(group)
                .build(),
        )
        .output_data_config(OutputDataConfig::builder().kms_key_id("k2").build())
        .vpc_config(vpc())
        .stopping_condition(stopping())
        .enable_network_isolation(true)
        .enable_inter_container_traffic_encryption(false)
        .build();
    let doc = describe::training_job(&out);
    assert_eq!(at(&doc, "/ResourceConfig/VolumeKmsKeyId"), &text("k1"));
    assert_eq!(
        at(&doc, "/ResourceConfig/InstanceType"),
        &text("ml.m5.xlarge")
    );
    assert_eq!(at(&doc, "/ResourceConfig/InstanceCount"), &Value::Int(2));
    assert_eq!(
        at(&doc, "/ResourceConfig/InstanceGroups/0/InstanceType"),
        &text("ml.p4d.24xlarge")
    );
    assert_eq!(at(&doc, "/OutputDataConfig/KmsKeyId"), &text("k2"));
    assert_eq!(at(&doc, "/VpcConfig/Subnets/0"), &text("subnet-1"));
    assert_eq!(at(&doc, "/VpcConfig/SecurityGroupIds/0"), &text("sg-1"));
    assert_eq!(
        at(&doc, "/StoppingCondition/MaxRuntimeInSeconds"),
        &Value::Int(3600)
    );
    assert_eq!(at(&doc, "/EnableNetworkIsolation"), &Value::Bool(true));
    assert_eq!(
        at(&doc, "/EnableInterContainerTrafficEncryption"),
        &Value::Bool(false)
    );
}

#[test]
fn absent_api_fields_stay_absent() {
    let doc = describe::training_job(
        &DescribeTrainingJobOutput::builder()
            .training_job_name("bare")
            .build(),
    );
    assert!(doc.get("VpcConfig").is_none());
    assert!(doc.get("ResourceConfig").is_none());
    assert_eq!(at(&doc, "/TrainingJobName"), &text("bare"));
}

#[test]
fn tuning_job_definitions() {
    let definition = HyperParameterTrainingJobDefinition::builder()
        .definition_name("d")
        .hyper_parameter_tuning_resource_config(
            HyperParameterTuningResourceConfig::builder()
                .volume_kms_key_id("k1")
                .instance_configs(
                    HyperParameterTuningInstanceConfig::builder()
                        .instance_type(TrainingInstanceType::MlC5Xlarge)
                        .instance_count(1)
                        .volume_size_in_gb(5)
                        .build(),
                )
                .build(),
        )
        .vpc_config(vpc())
        .stopping_condition(stopping())
        .enable_network_isolation(true)
        .build();
    let out = DescribeHyperParameterTuningJobOutput::builder()
        .hyper_parameter_tuning_job_name("h")
        .training_job_definition(definition.clone())
        .training_job_definitions(definition)
        .build();
    let doc = describe::tuning_job(&out);
    assert_eq!(
        at(
            &doc,
            "/TrainingJobDefinition/HyperParameterTuningResourceConfig/VolumeKmsKeyId"
        ),
        &text("k1")
    );
    assert_eq!(at(&doc, "/TrainingJobDefinition/HyperParameterTuningResourceConfig/InstanceConfigs/0/InstanceType"), &text("ml.c5.xlarge"));
    assert_eq!(
        at(&doc, "/TrainingJobDefinitions/0/VpcConfig/Subnets/0"),
        &text("subnet-1")
    );
    assert_eq!(
        at(&doc, "/TrainingJobDefinitions/0/EnableNetworkIsolation"),
        &Value::Bool(true)
    );
}

#[test]
fn processing_job_fields() {
    let cluster = ProcessingClusterConfig::builder()
        .instance_count(2)
        .instance_type(ProcessingInstanceType::MlM5Xlarge)
        .volume_size_in_gb(30)
        .volume_kms_key_id("k1")
        .build();
    let out = DescribeProcessingJobOutput::builder()
        .processing_job_name("p")
        .processing_resources(
            ProcessingResources::builder()
                .cluster_config(cluster)
                .build(),
        )
        .processing_output_config(ProcessingOutputConfig::builder().kms_key_id("k2").build())
        .network_config(
            NetworkConfig::builder()
                .enable_network_isolation(true)
                .enable_inter_container_traffic_encryption(true)
                .vpc_config(vpc())
                .build(),
        )
        .stopping_condition(
            ProcessingStoppingCondition::builder()
                .max_runtime_in_seconds(600)
                .build(),
        )
        .build();
    let doc = describe::processing_job(&out);
    assert_eq!(
        at(&doc, "/ProcessingResources/ClusterConfig/VolumeKmsKeyId"),
        &text("k1")
    );
    assert_eq!(
        at(&doc, "/ProcessingResources/ClusterConfig/InstanceCount"),
        &Value::Int(2)
    );
    assert_eq!(at(&doc, "/ProcessingOutputConfig/KmsKeyId"), &text("k2"));
    assert_eq!(
        at(&doc, "/NetworkConfig/VpcConfig/SecurityGroupIds/0"),
        &text("sg-1")
    );
    assert_eq!(
        at(&doc, "/NetworkConfig/EnableInterContainerTrafficEncryption"),
        &Value::Bool(true)
    );
    assert_eq!(
        at(&doc, "/StoppingCondition/MaxRuntimeInSeconds"),
        &Value::Int(600)
    );
}

#[test]
fn transform_job_fields_and_tags() {
    let out = DescribeTransformJobOutput::builder()
        .transform_job_name("x")
        .transform_resources(
            TransformResources::builder()
                .instance_type(TransformInstanceType::MlM5Xlarge)
                .instance_count(1)
                .volume_kms_key_id("k1")
                .build(),
        )
        .transform_output(
            TransformOutput::builder()
                .kms_key_id("k2")
                .s3_output_path("s3://b")
                .build(),
        )
        .data_capture_config(
            BatchDataCaptureConfig::builder()
                .kms_key_id("k3")
                .destination_s3_uri("s3://c")
                .build(),
        )
        .build();
    let doc = describe::transform_job(&out);
    assert_eq!(at(&doc, "/TransformResources/VolumeKmsKeyId"), &text("k1"));
    assert_eq!(at(&doc, "/TransformOutput/KmsKeyId"), &text("k2"));
    assert_eq!(at(&doc, "/DataCaptureConfig/KmsKeyId"), &text("k3"));
    let tags = describe::tags(&[Tag::builder().key("team").value("ml").build()]);
    assert_eq!(at(&tags, "/0/Key"), &text("team"));
}
