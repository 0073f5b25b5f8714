//! The AWS SDK clients: one HTTP/TLS stack (hyper 1 + rustls with the `ring` provider, so no
//! C build of aws-lc), standard retries with backoff for throttling and 5xx, the endpoint and
//! credentials from the environment (`AWS_ENDPOINT_URL` points the tests at moto), and the
//! optional cross-account mode.

use crate::event::ConfigEvent;
use crate::params::RuleConfig;
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

    /// The Lambda's own credentials, or, when the rule names `executionRoleName`, that role in
    /// the event's account (a central Lambda serving rules of other accounts; the result token
    /// belongs to the rule's account, so PutEvaluations goes through the role too).
    pub async fn for_event(
        base: &SdkConfig,
        config: &RuleConfig,
        event: &ConfigEvent,
    ) -> Result<Clients, String> {
        let Some(role) = config.execution_role_name.as_deref() else {
            return Ok(Clients::new(base));
        };
        let role_arn = role_arn(role, event)?;
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

/// `ConfigRuleAuditor` in account 111122223333 → `arn:aws:iam::111122223333:role/ConfigRuleAuditor`
/// (partition taken from the rule's ARN); a full role ARN is used as it is.
pub fn role_arn(role: &str, event: &ConfigEvent) -> Result<String, String> {
    if role.starts_with("arn:") {
        return Ok(role.to_string());
    }
    let account = event
        .account_id
        .as_deref()
        .filter(|a| !a.is_empty())
        .ok_or("the event has no accountId")?;
    let partition = event
        .config_rule_arn
        .as_deref()
        .and_then(|arn| arn.split(':').nth(1))
        .filter(|p| !p.is_empty())
        .unwrap_or("aws");
    Ok(format!("arn:{partition}:iam::{account}:role/{role}"))
}
