//! The AWS SDK clients: one HTTP/TLS stack (hyper 1 + rustls with the `ring` provider, so no
//! C build of aws-lc), standard retries with backoff for throttling and 5xx, the endpoint and
//! credentials from the environment (`AWS_ENDPOINT_URL` points the tests at moto), and the
//! optional cross-account mode.

use crate::event::ConfigEvent;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};

/// Attempts per call (the first plus retries) for throttling and server errors. Standard
/// retry mode also keeps a retry quota per client, so a failing service cannot turn every
/// call into five.
pub const MAX_ATTEMPTS: u32 = 5;

/// Time limits of every call: connecting, waiting for the first byte, one attempt, and the
/// whole call with its retries. A hung connection costs seconds, not the invocation; the
/// invocation's own deadline bounds what is left (`Deadline::bound`).
pub fn timeouts() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(std::time::Duration::from_secs(3))
        .read_timeout(std::time::Duration::from_secs(10))
        .operation_attempt_timeout(std::time::Duration::from_secs(15))
        .operation_timeout(std::time::Duration::from_secs(45))
        .build()
}

/// The shared configuration, loaded once per cold start.
pub async fn base_config() -> SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(timeouts())
        .load()
        .await
}

/// The clients one invocation uses.
#[derive(Clone, Debug)]
pub struct Clients {
    pub config: aws_sdk_config::Client,
    pub sagemaker: aws_sdk_sagemaker::Client,
    /// Notifications of responses (`SAGERULES_TOPIC_ARN`).
    pub sns: aws_sdk_sns::Client,
    /// The state table (`SAGERULES_STATE_TABLE`).
    pub dynamodb: aws_sdk_dynamodb::Client,
}

impl Clients {
    pub fn new(conf: &SdkConfig) -> Self {
        Clients {
            config: aws_sdk_config::Client::new(conf),
            sagemaker: aws_sdk_sagemaker::Client::new(conf),
            sns: aws_sdk_sns::Client::new(conf),
            dynamodb: aws_sdk_dynamodb::Client::new(conf),
        }
    }

    /// The Lambda's own credentials, or, when the deployment sets `SAGERULES_ASSUME_ROLE`
    /// (a role name), that role in the event's account (a central Lambda serving rules of
    /// other accounts of its organization; the result token belongs to the rule's account, so
    /// PutEvaluations goes through the role too). An event of another region than the
    /// Lambda's is an error: one deployment covers one region.
    pub async fn for_event(base: &SdkConfig, event: &ConfigEvent) -> Result<Clients, String> {
        let own_region = base.region().map(|r| r.as_ref().to_string());
        check_region(event, own_region.as_deref())?;
        let role = std::env::var(ASSUME_ROLE_VAR)
            .ok()
            .filter(|r| !r.trim().is_empty());
        let Some(role) = role else {
            return Ok(Clients::new(base));
        };
        let role_arn = role_arn(&role, event)?;
        let provider = aws_config::sts::AssumeRoleProvider::builder(role_arn)
            .session_name("sagerules-config-rule")
            .configure(base)
            .build()
            .await;
        let credentials = aws_sdk_config::config::SharedCredentialsProvider::new(provider);
        let conf = base.to_builder().credentials_provider(credentials).build();
        Ok(Clients::new(&conf))
    }
}

/// The environment variable naming the role to assume in each rule's account.
pub const ASSUME_ROLE_VAR: &str = "SAGERULES_ASSUME_ROLE";

/// `ConfigRuleAuditor` in account 111122223333 → `arn:aws:iam::111122223333:role/ConfigRuleAuditor`
/// (partition taken from the rule's ARN). Only a role name is accepted: the account always
/// comes from the event, and the deployment's IAM policy limits which accounts (its
/// organization) the role may be assumed in.
pub fn role_arn(role: &str, event: &ConfigEvent) -> Result<String, String> {
    let role = role.trim();
    if role.contains(':') || role.contains('/') || role.is_empty() {
        return Err(format!(
            "{ASSUME_ROLE_VAR}={role:?} is not a role name (no ARN, no path)"
        ));
    }
    let account = event
        .account_id
        .as_deref()
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
        .ok_or("the event has no valid accountId")?;
    let partition = event
        .config_rule_arn
        .as_deref()
        .and_then(|arn| arn.split(':').nth(1))
        .filter(|p| !p.is_empty())
        .unwrap_or("aws");
    Ok(format!("arn:{partition}:iam::{account}:role/{role}"))
}

/// An event whose rule lives in another region than the Lambda's (`configRuleArn`
/// `arn:aws:config:eu-west-1:…`) is refused: its resources are not where the clients look.
pub fn check_region(event: &ConfigEvent, own_region: Option<&str>) -> Result<(), String> {
    let event_region = event
        .config_rule_arn
        .as_deref()
        .and_then(|arn| arn.split(':').nth(3))
        .filter(|r| !r.is_empty());
    match (event_region, own_region) {
        (Some(theirs), Some(ours)) if theirs != ours => Err(format!(
            "the rule {} is in {theirs} but this function runs in {ours}: deploy one stack per region",
            event.config_rule_name.as_deref().unwrap_or("(unnamed)")
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(account: &str, rule_arn: &str) -> ConfigEvent {
        ConfigEvent {
            account_id: Some(account.into()),
            config_rule_arn: Some(rule_arn.into()),
            config_rule_name: Some("sagerules-jobs".into()),
            ..ConfigEvent::default()
        }
    }

    #[test]
    fn the_role_is_a_name_put_in_the_events_account() {
        let e = event(
            "111122223333",
            "arn:aws-us-gov:config:us-gov-west-1:111122223333:config-rule/r",
        );
        assert_eq!(
            role_arn("Auditor", &e).as_deref(),
            Ok("arn:aws-us-gov:iam::111122223333:role/Auditor")
        );
        assert!(role_arn("arn:aws:iam::999999999999:role/Evil", &e).is_err());
        assert!(role_arn("path/Auditor", &e).is_err());
        assert!(role_arn(
            "Auditor",
            &event("12", "arn:aws:config:us-east-1:12:config-rule/r")
        )
        .is_err());
    }

    #[test]
    fn an_event_of_another_region_is_refused() {
        let e = event(
            "111122223333",
            "arn:aws:config:eu-west-1:111122223333:config-rule/r",
        );
        assert_eq!(check_region(&e, Some("eu-west-1")), Ok(()));
        assert_eq!(
            check_region(&e, Some("us-east-1")),
            Err("the rule sagerules-jobs is in eu-west-1 but this function runs in us-east-1: deploy one stack per region".into())
        );
        assert_eq!(
            check_region(&ConfigEvent::default(), Some("us-east-1")),
            Ok(())
        );
    }
}
