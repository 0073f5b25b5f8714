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
