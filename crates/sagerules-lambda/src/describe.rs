//! SageMaker `Describe*` responses (SDK structs, which have no serde) as [`Node`] documents in
//! the API's field names, the shape `sagerules_shapes::adapt::from_describe` expects:
//!
//! ```json
//! {"TrainingJobName": "nightly-42", "ResourceConfig": {"InstanceType": "ml.m5.xlarge",
//!   "InstanceCount": 2, "VolumeKmsKeyId": "arn:aws:kms:…"}, "VpcConfig": {"Subnets": ["subnet-1"],
//!   "SecurityGroupIds": ["sg-1"]}, "EnableNetworkIsolation": true,
//!   "StoppingCondition": {"MaxRuntimeInSeconds": 3600}}
//! ```
//!
//! Only the fields the pack's controls read (plus names, ARNs and status) are converted.

use crate::node::{list, Obj};
use aws_sdk_sagemaker::operation::describe_hyper_parameter_tuning_job::DescribeHyperParameterTuningJobOutput as TuningOut;
use aws_sdk_sagemaker::operation::describe_notebook_instance::DescribeNotebookInstanceOutput as NotebookOut;
use aws_sdk_sagemaker::operation::describe_processing_job::DescribeProcessingJobOutput as ProcessingOut;
use aws_sdk_sagemaker::operation::describe_training_job::DescribeTrainingJobOutput as TrainingOut;
use aws_sdk_sagemaker::operation::describe_transform_job::DescribeTransformJobOutput as TransformOut;
use aws_sdk_sagemaker::types as sm;
use sagerules_data::Node;

pub fn training_job(out: &TrainingOut) -> Node {
    Obj::new()
        .str("TrainingJobName", out.training_job_name())
        .str("TrainingJobArn", out.training_job_arn())
        .str(
            "TrainingJobStatus",
            out.training_job_status().map(|s| s.as_str()),
        )
        .str("RoleArn", out.role_arn())
        .node("ResourceConfig", out.resource_config().map(resource_config))
        .node(
            "OutputDataConfig",
            out.output_data_config().map(output_data_config),
        )
        .node("VpcConfig", out.vpc_config().map(vpc_config))
        .node(
            "StoppingCondition",
            out.stopping_condition().map(stopping_condition),
        )
        .bool("EnableNetworkIsolation", out.enable_network_isolation())
        .bool(
            "EnableInterContainerTrafficEncryption",
            out.enable_inter_container_traffic_encryption(),
        )
        .bool(
            "EnableManagedSpotTraining",
            out.enable_managed_spot_training(),
        )
        .build()
}

pub fn tuning_job(out: &TuningOut) -> Node {
    Obj::new()
        .str(
            "HyperParameterTuningJobName",
            out.hyper_parameter_tuning_job_name(),
        )
        .str(
            "HyperParameterTuningJobArn",
            out.hyper_parameter_tuning_job_arn(),
        )
        .str(
            "HyperParameterTuningJobStatus",
            out.hyper_parameter_tuning_job_status().map(|s| s.as_str()),
        )
        .node(
            "TrainingJobDefinition",
            out.training_job_definition().map(tuning_definition),
        )
        .objs(
            "TrainingJobDefinitions",
            out.training_job_definitions().iter().map(tuning_definition),
        )
        .build()
}

pub fn processing_job(out: &ProcessingOut) -> Node {
    let cluster = out.processing_resources().and_then(|r| r.cluster_config());
    Obj::new()
        .str("ProcessingJobName", out.processing_job_name())
        .str("ProcessingJobArn", out.processing_job_arn())
        .str(
            "ProcessingJobStatus",
            out.processing_job_status().map(|s| s.as_str()),
        )
        .str("RoleArn", out.role_arn())
        .node(
            "ProcessingResources",
            cluster.map(|c| {
                Obj::new()
                    .node("ClusterConfig", Some(cluster_config(c)))
                    .build()
            }),
        )
        .node(
            "ProcessingOutputConfig",
            out.processing_output_config()
                .map(|o| Obj::new().str("KmsKeyId", o.kms_key_id()).build()),
        )
        .node("NetworkConfig", out.network_config().map(network_config))
        .node(
            "StoppingCondition",
            out.stopping_condition().map(|s| {
                Obj::new()
                    .int("MaxRuntimeInSeconds", s.max_runtime_in_seconds())
                    .build()
            }),
        )
        .build()
}

pub fn transform_job(out: &TransformOut) -> Node {
    Obj::new()
        .str("TransformJobName", out.transform_job_name())
        .str("TransformJobArn", out.transform_job_arn())
        .str(
            "TransformJobStatus",
            out.transform_job_status().map(|s| s.as_str()),
        )
        .str("ModelName", out.model_name())
        .node(
            "TransformResources",
            out.transform_resources().map(transform_resources),
        )
        .node(
            "TransformOutput",
            out.transform_output().map(|o| {
                Obj::new()
                    .str("KmsKeyId", o.kms_key_id())
                    .str("S3OutputPath", o.s3_output_path())
                    .build()
            }),
        )
        .node(
            "DataCaptureConfig",
            out.data_capture_config().map(|d| {
                Obj::new()
                    .str("KmsKeyId", d.kms_key_id())
                    .str("DestinationS3Uri", d.destination_s3_uri())
                    .build()
            }),
        )
        .build()
}

/// `DescribeNotebookInstance`, in the API's names (`SecurityGroups`,
/// `NotebookInstanceLifecycleConfigName`; the pack's adapter renames them).
pub fn notebook_instance(out: &NotebookOut) -> Node {
    let imds = out.instance_metadata_service_configuration().map(|c| {
        Obj::new()
            .str(
                "MinimumInstanceMetadataServiceVersion",
                c.minimum_instance_metadata_service_version(),
            )
            .build()
    });
    Obj::new()
        .str("NotebookInstanceName", out.notebook_instance_name())
        .str("NotebookInstanceArn", out.notebook_instance_arn())
        .str(
            "NotebookInstanceStatus",
            out.notebook_instance_status().map(|s| s.as_str()),
        )
        .str("InstanceType", out.instance_type().map(|t| t.as_str()))
        .str("SubnetId", out.subnet_id())
        .strs("SecurityGroups", out.security_groups())
        .str("RoleArn", out.role_arn())
        .str("KmsKeyId", out.kms_key_id())
        .str(
            "DirectInternetAccess",
            out.direct_internet_access().map(|d| d.as_str()),
        )
        .str("RootAccess", out.root_access().map(|r| r.as_str()))
        .int("VolumeSizeInGB", out.volume_size_in_gb())
        .str("PlatformIdentifier", out.platform_identifier())
        .str(
            "NotebookInstanceLifecycleConfigName",
            out.notebook_instance_lifecycle_config_name(),
        )
        .node("InstanceMetadataServiceConfiguration", imds)
        .build()
}

/// `ListTags` output as the API's `[{"Key": …, "Value": …}]` list.
pub fn tags(tags: &[sm::Tag]) -> Node {
    list(tags.iter().map(|t| {
        Obj::new()
            .str("Key", t.key())
            .str("Value", t.value())
            .build()
    }))
}

fn tuning_definition(def: &sm::HyperParameterTrainingJobDefinition) -> Node {
    Obj::new()
        .str("DefinitionName", def.definition_name())
        .str("RoleArn", def.role_arn())
        .node("ResourceConfig", def.resource_config().map(resource_config))
        .node(
            "HyperParameterTuningResourceConfig",
            def.hyper_parameter_tuning_resource_config()
                .map(tuning_resources),
        )
        .node(
            "OutputDataConfig",
            def.output_data_config().map(output_data_config),
        )
        .node("VpcConfig", def.vpc_config().map(vpc_config))
        .node(
            "StoppingCondition",
            def.stopping_condition().map(stopping_condition),
        )
        .bool("EnableNetworkIsolation", def.enable_network_isolation())
        .bool(
            "EnableInterContainerTrafficEncryption",
            def.enable_inter_container_traffic_encryption(),
        )
        .bool(
            "EnableManagedSpotTraining",
            def.enable_managed_spot_training(),
        )
        .build()
}

fn resource_config(rc: &sm::ResourceConfig) -> Node {
    Obj::new()
        .str("InstanceType", rc.instance_type().map(|t| t.as_str()))
        .int("InstanceCount", rc.instance_count())
        .int("VolumeSizeInGB", rc.volume_size_in_gb())
        .str("VolumeKmsKeyId", rc.volume_kms_key_id())
        .objs(
            "InstanceGroups",
            rc.instance_groups().iter().map(instance_group),
        )
        .build()
}

fn instance_group(group: &sm::InstanceGroup) -> Node {
    Obj::new()
        .str("InstanceGroupName", group.instance_group_name())
        .str("InstanceType", group.instance_type().map(|t| t.as_str()))
        .int("InstanceCount", group.instance_count())
        .build()
}

fn tuning_resources(rc: &sm::HyperParameterTuningResourceConfig) -> Node {
    let config = |c: &sm::HyperParameterTuningInstanceConfig| {
        Obj::new()
            .str("InstanceType", c.instance_type().map(|t| t.as_str()))
            .int("InstanceCount", c.instance_count())
            .int("VolumeSizeInGB", c.volume_size_in_gb())
            .build()
    };
    Obj::new()
        .str("InstanceType", rc.instance_type().map(|t| t.as_str()))
        .int("InstanceCount", rc.instance_count())
        .int("VolumeSizeInGB", rc.volume_size_in_gb())
        .str("VolumeKmsKeyId", rc.volume_kms_key_id())
        .objs("InstanceConfigs", rc.instance_configs().iter().map(config))
        .build()
}

fn output_data_config(out: &sm::OutputDataConfig) -> Node {
    Obj::new()
        .str("KmsKeyId", out.kms_key_id())
        .str("S3OutputPath", out.s3_output_path())
        .build()
}

fn vpc_config(vpc: &sm::VpcConfig) -> Node {
    Obj::new()
        .strs("Subnets", vpc.subnets())
        .strs("SecurityGroupIds", vpc.security_group_ids())
        .build()
}

fn stopping_condition(stop: &sm::StoppingCondition) -> Node {
    Obj::new()
        .int("MaxRuntimeInSeconds", stop.max_runtime_in_seconds())
        .int("MaxWaitTimeInSeconds", stop.max_wait_time_in_seconds())
        .int(
            "MaxPendingTimeInSeconds",
            stop.max_pending_time_in_seconds(),
        )
        .build()
}

fn cluster_config(c: &sm::ProcessingClusterConfig) -> Node {
    Obj::new()
        .str("InstanceType", c.instance_type().map(|t| t.as_str()))
        .int("InstanceCount", c.instance_count())
        .int("VolumeSizeInGB", c.volume_size_in_gb())
        .str("VolumeKmsKeyId", c.volume_kms_key_id())
        .build()
}

fn network_config(net: &sm::NetworkConfig) -> Node {
    Obj::new()
        .bool(
            "EnableInterContainerTrafficEncryption",
            net.enable_inter_container_traffic_encryption(),
        )
        .bool("EnableNetworkIsolation", net.enable_network_isolation())
        .node("VpcConfig", net.vpc_config().map(vpc_config))
        .build()
}

fn transform_resources(tr: &sm::TransformResources) -> Node {
    Obj::new()
        .str("InstanceType", tr.instance_type().map(|t| t.as_str()))
        .int("InstanceCount", tr.instance_count())
        .str("VolumeKmsKeyId", tr.volume_kms_key_id())
        .build()
}
