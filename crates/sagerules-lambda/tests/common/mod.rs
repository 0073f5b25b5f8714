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
