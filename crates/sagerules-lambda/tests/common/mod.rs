//! Shared by the mocked-client tests (`config_mocks.rs`, `sweep_mocks.rs`, `items.rs`).

#![allow(
    dead_code,
    reason = "each test crate compiles this module and uses only part of it"
)]

use aws_sdk_config::types::{
    EvaluationResult, EvaluationResultIdentifier, EvaluationResultQualifier,
};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode};

/// An interceptor that answers calls from `rules`, matched in `mode`.
pub fn interceptor(mode: RuleMode, rules: &[&Rule]) -> MockResponseInterceptor {
    rules
        .iter()
        .fold(MockResponseInterceptor::new().rule_mode(mode), |i, r| {
            i.with_rule(r)
        })
}

/// A result Config holds for `resource_id` from an earlier run of `rule`, as
/// GetComplianceDetailsByConfigRule lists it.
pub fn prior_result(rule: &str, resource_type: &str, resource_id: &str) -> EvaluationResult {
    let qualifier = EvaluationResultQualifier::builder()
        .config_rule_name(rule)
        .resource_type(resource_type)
        .resource_id(resource_id)
        .build();
    let identifier = EvaluationResultIdentifier::builder()
        .evaluation_result_qualifier(qualifier)
        .build();
    EvaluationResult::builder()
        .evaluation_result_identifier(identifier)
        .build()
}

/// A client of one service whose calls must each match one of `rules` (none: every call
/// fails), with no retries.
macro_rules! mocked {
    ($sdk:ident, $rules:expr) => {{
        let conf = $sdk::Config::builder()
            .behavior_version($sdk::config::BehaviorVersion::latest())
            .region($sdk::config::Region::new("us-east-1"))
            .credentials_provider($sdk::config::Credentials::new(
                "AKIDTEST", "secret", None, None, "test",
            ))
            .http_client(aws_smithy_mocks::create_mock_http_client())
            .interceptor(interceptor(RuleMode::MatchAny, $rules))
            .retry_config($sdk::config::retry::RetryConfig::standard().with_max_attempts(1))
            .build();
        $sdk::Client::from_conf(conf)
    }};
}

/// Clients of every service the Lambda calls, each answered by its own mock rules.
pub fn mocked_clients(
    sagemaker: &[&Rule],
    config: &[&Rule],
    sns: &[&Rule],
    dynamodb: &[&Rule],
) -> sagerules_lambda::clients::Clients {
    sagerules_lambda::clients::Clients {
        config: mocked!(aws_sdk_config, config),
        sagemaker: mocked!(aws_sdk_sagemaker, sagemaker),
        sns: mocked!(aws_sdk_sns, sns),
        dynamodb: mocked!(aws_sdk_dynamodb, dynamodb),
    }
}

/// A customer KMS key ARN for the secure shapes.
pub const KMS: &str = "arn:aws:kms:us-east-1:123456789012:key/1111";

/// DescribeTrainingJob of a job that passes every training rule (add ARN, status, ...).
pub fn secure_training_job(
    name: &str,
) -> aws_sdk_sagemaker::operation::describe_training_job::builders::DescribeTrainingJobOutputBuilder
{
    use aws_sdk_sagemaker::operation::describe_training_job::DescribeTrainingJobOutput;
    use aws_sdk_sagemaker::types::{
        OutputDataConfig, ResourceConfig, StoppingCondition, TrainingInstanceType, VpcConfig,
    };
    DescribeTrainingJobOutput::builder()
        .training_job_name(name)
        .resource_config(
            ResourceConfig::builder()
                .instance_type(TrainingInstanceType::MlM5Xlarge)
                .instance_count(1)
                .volume_size_in_gb(10)
                .volume_kms_key_id(KMS)
                .build(),
        )
        .output_data_config(
            OutputDataConfig::builder()
                .kms_key_id(KMS)
                .s3_output_path("s3://b/o")
                .build(),
        )
        .vpc_config(
            VpcConfig::builder()
                .subnets("subnet-1")
                .security_group_ids("sg-1")
                .build(),
        )
        .stopping_condition(
            StoppingCondition::builder()
                .max_runtime_in_seconds(3600)
                .build(),
        )
        .enable_network_isolation(true)
        .enable_inter_container_traffic_encryption(true)
}

/// DescribeTrainingJob of a job with none of the controls: no keys, no VPC, no isolation,
/// five days of run time.
pub fn bare_training_job(
    name: &str,
) -> aws_sdk_sagemaker::operation::describe_training_job::builders::DescribeTrainingJobOutputBuilder
{
    use aws_sdk_sagemaker::operation::describe_training_job::DescribeTrainingJobOutput;
    use aws_sdk_sagemaker::types::{ResourceConfig, StoppingCondition, TrainingInstanceType};
    DescribeTrainingJobOutput::builder()
        .training_job_name(name)
        .resource_config(
            ResourceConfig::builder()
                .instance_type(TrainingInstanceType::MlM5Xlarge)
                .instance_count(1)
                .build(),
        )
        .stopping_condition(
            StoppingCondition::builder()
                .max_runtime_in_seconds(432_000)
                .build(),
        )
        .enable_network_isolation(false)
}
