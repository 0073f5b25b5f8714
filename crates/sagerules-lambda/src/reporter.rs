//! Sends evaluations to AWS Config as the work goes: batches of at most 100, the same result
//! token for every batch, `TestMode` for the `TESTMODE` token, `FailedEvaluations` retried once
//! and then an error. In dry-run mode nothing is sent; the evaluations are only collected.
//!
//! A resource type AWS Config does not accept (`InvalidParameterValueException`; the job types
//! `AWS::SageMaker::TrainingJob` etc. are not in Config's published resource types) does not
//! fail the batch: the batch is sent again type by type, the rejected type is logged once and
//! remembered, and its evaluations are folded into one `AWS::::Account` evaluation that names
//! the non-compliant jobs and says why ([`Reporter::finish`]).

use crate::error_text::error_text;
use crate::evaluation::{Compliance, Evaluation};
use aws_sdk_config::operation::put_evaluations::PutEvaluationsError;
use std::collections::BTreeSet;

/// Config's limit on evaluations per PutEvaluations call.
pub const MAX_BATCH: usize = 100;

/// Where evaluations go.
pub struct Reporter {
    client: Option<aws_sdk_config::Client>,
    token: String,
    test_mode: bool,
    pending: Vec<Evaluation>,
    /// Every evaluation sent (or, in dry run, that would have been sent), in order.
    pub sent: Vec<Evaluation>,
    /// PutEvaluations calls made (retries included).
    pub calls: usize,
    /// Resource types AWS Config rejected in this invocation.
    pub rejected_types: BTreeSet<String>,
    /// Evaluations of rejected types, for the account evaluation.
    folded: Vec<Evaluation>,
    account_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("PutEvaluations failed: {0}")]
    Call(String),
    #[error("AWS Config rejected {count} evaluation(s) twice, first for {resource}")]
    Rejected { count: usize, resource: String },
    #[error("an evaluation could not be built: {0}")]
    Build(String),
    #[error("the event has no resultToken, so no evaluation can be sent")]
    NoToken,
}

/// A PutEvaluations call failed; `bad_type` when Config rejected a parameter value (the
/// resource type, for this crate's evaluations).
struct PutFailure {
    bad_type: bool,
    error: ReportError,
}

impl Reporter {
    /// `client: None` is dry run.
    pub fn new(client: Option<aws_sdk_config::Client>, token: Option<&str>) -> Self {
        let token = token.unwrap_or_default().to_string();
        let test_mode = token == "TESTMODE";
        Reporter {
            client,
            token,
            test_mode,
            pending: Vec::new(),
            sent: Vec::new(),
            calls: 0,
            rejected_types: BTreeSet::new(),
            folded: Vec::new(),
            account_id: None,
        }
    }

    /// The account that evaluations of rejected types are folded into.
    pub fn with_account(mut self, account_id: Option<&str>) -> Self {
        self.account_id = account_id.map(str::to_string);
        self
    }

    /// Sends what is queued and, when some resource type was rejected, the one
    /// `AWS::::Account` evaluation that stands for its resources.
    pub async fn finish(&mut self) -> Result<(), ReportError> {
        self.flush().await?;
        if let Some(evaluation) = self.account_evaluation() {
            self.pending.push(evaluation);
            self.flush().await?;
        }
        Ok(())
    }

    /// `AWS Config rejects AWS::SageMaker::TrainingJob; 2 of 5 resources non-compliant: a, b; a: …`.
    fn account_evaluation(&self) -> Option<Evaluation> {
        let account = self.account_id.as_deref()?;
        let ordering = self.folded.iter().map(|e| e.ordering_timestamp).max()?;
        let judged: Vec<&Evaluation> = self
            .folded
            .iter()
            .filter(|e| e.compliance_type != Compliance::NotApplicable)
            .collect();
        let failing: Vec<&Evaluation> = judged
            .iter()
            .copied()
            .filter(|e| e.compliance_type == Compliance::NonCompliant)
            .collect();
        let types: Vec<&str> = self.rejected_types.iter().map(String::as_str).collect();
        let why = format!("AWS Config rejects {}", types.join(", "));
        let (compliance, text) = match failing.first() {
            Some(first) => {
                let names: Vec<&str> = failing
                    .iter()
                    .map(|e| e.compliance_resource_id.as_str())
                    .collect();
                let text = format!(
                    "{why}; {} of {} resources non-compliant: {}; {}: {}",
                    failing.len(),
                    judged.len(),
                    names.join(", "),
                    first.compliance_resource_id,
                    first.annotation
                );
                (Compliance::NonCompliant, text)
            }
            None if judged.is_empty() => return None,
            None => (
                Compliance::Compliant,
                format!("{why}; {} resources checked, all compliant", judged.len()),
            ),
        };
        Some(Evaluation::new(
            "AWS::::Account",
            account,
            compliance,
            &text,
            ordering,
        ))
    }

    /// Queues one evaluation; a full batch is sent at once.
    pub async fn push(&mut self, evaluation: Evaluation) -> Result<(), ReportError> {
        self.pending.push(evaluation);
        if self.pending.len() >= MAX_BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    /// Sends everything queued, in batches of at most [`MAX_BATCH`].
    pub async fn flush(&mut self) -> Result<(), ReportError> {
        while !self.pending.is_empty() {
            let size = self.pending.len().min(MAX_BATCH);
            let batch: Vec<Evaluation> = self.pending.drain(..size).collect();
            let sent = self.send(batch).await?;
            self.sent.extend(sent);
        }
        Ok(())
    }

    /// Sends one batch; the evaluations Config took (in dry run, all of them).
    async fn send(&mut self, batch: Vec<Evaluation>) -> Result<Vec<Evaluation>, ReportError> {
        let Some(client) = self.client.clone() else {
            return Ok(batch);
        };
        if self.token.is_empty() {
            return Err(ReportError::NoToken);
        }
        let (folded, accepted): (Vec<Evaluation>, Vec<Evaluation>) = batch
            .into_iter()
            .partition(|e| self.rejected_types.contains(&e.compliance_resource_type));
        self.folded.extend(folded);
        if accepted.is_empty() {
            return Ok(accepted);
        }
        match self.send_accepted(&client, &accepted).await {
            Err(failure) if failure.bad_type => self.send_by_type(&client, accepted).await,
            Err(failure) => Err(failure.error),
            Ok(()) => Ok(accepted),
        }
    }

    /// The batch again, one resource type at a time: a type Config rejects is remembered and
    /// its evaluations folded; any other failure is an error.
    async fn send_by_type(
        &mut self,
        client: &aws_sdk_config::Client,
        batch: Vec<Evaluation>,
    ) -> Result<Vec<Evaluation>, ReportError> {
        let mut sent = Vec::new();
        let types: BTreeSet<String> = batch
            .iter()
            .map(|e| e.compliance_resource_type.clone())
            .collect();
        for resource_type in types {
            let group: Vec<Evaluation> = batch
                .iter()
                .filter(|e| e.compliance_resource_type == resource_type)
                .cloned()
                .collect();
            match self.send_accepted(client, &group).await {
                Ok(()) => sent.extend(group),
                Err(failure) if failure.bad_type => {
                    tracing::error!(resource_type = %resource_type, error = %failure.error,
                        "AWS Config rejects this resource type in PutEvaluations; its resources are reported against the account");
                    self.rejected_types.insert(resource_type);
                    self.folded.extend(group);
                }
                Err(failure) => return Err(failure.error),
            }
        }
        Ok(sent)
    }

    /// Sends evaluations Config is expected to accept; `FailedEvaluations` retried once.
    async fn send_accepted(
        &mut self,
        client: &aws_sdk_config::Client,
        batch: &[Evaluation],
    ) -> Result<(), PutFailure> {
        let sdk: Vec<_> = batch
            .iter()
            .map(Evaluation::to_sdk)
            .collect::<Result<_, _>>()
            .map_err(|text| PutFailure {
                bad_type: false,
                error: ReportError::Build(text),
            })?;
        let failed = self.put(client, sdk).await?;
        if failed.is_empty() {
            return Ok(());
        }
        let still_failed = self.put(client, failed).await?;
        match still_failed.first() {
            None => Ok(()),
            Some(first) => Err(PutFailure {
                bad_type: false,
                error: ReportError::Rejected {
                    count: still_failed.len(),
                    resource: first.compliance_resource_id().to_string(),
                },
            }),
        }
    }

    /// One PutEvaluations call; returns the evaluations Config did not accept.
    async fn put(
        &mut self,
        client: &aws_sdk_config::Client,
        evaluations: Vec<aws_sdk_config::types::Evaluation>,
    ) -> Result<Vec<aws_sdk_config::types::Evaluation>, PutFailure> {
        self.calls += 1;
        let output = client
            .put_evaluations()
            .set_evaluations(Some(evaluations))
            .result_token(&self.token)
            .set_test_mode(self.test_mode.then_some(true))
            .send()
            .await
            .map_err(|e| PutFailure {
                bad_type: e
                    .as_service_error()
                    .is_some_and(PutEvaluationsError::is_invalid_parameter_value_exception),
                error: ReportError::Call(error_text(&e)),
            })?;
        Ok(output.failed_evaluations.unwrap_or_default())
    }
}
