//! Sends evaluations to AWS Config as the work goes: batches of at most 100, the same result
//! token for every batch, `TestMode` for the `TESTMODE` token, `FailedEvaluations` retried once
//! and then an error. In dry-run mode nothing is sent; the evaluations are only collected.

use crate::error_text::error_text;
use crate::evaluation::Evaluation;

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
        }
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
            self.send(&batch).await?;
            self.sent.extend(batch);
        }
        Ok(())
    }

    async fn send(&mut self, batch: &[Evaluation]) -> Result<(), ReportError> {
        let Some(client) = self.client.clone() else {
            return Ok(());
        };
        if self.token.is_empty() {
            return Err(ReportError::NoToken);
        }
        let sdk: Vec<_> = batch
            .iter()
            .map(Evaluation::to_sdk)
            .collect::<Result<_, _>>()
            .map_err(ReportError::Build)?;
        let failed = self.put(&client, sdk).await?;
        if failed.is_empty() {
            return Ok(());
        }
        let still_failed = self.put(&client, failed).await?;
        match still_failed.first() {
            None => Ok(()),
            Some(first) => Err(ReportError::Rejected {
                count: still_failed.len(),
                resource: first.compliance_resource_id().to_string(),
            }),
        }
    }

    /// One PutEvaluations call; returns the evaluations Config did not accept.
    async fn put(
        &mut self,
        client: &aws_sdk_config::Client,
        evaluations: Vec<aws_sdk_config::types::Evaluation>,
    ) -> Result<Vec<aws_sdk_config::types::Evaluation>, ReportError> {
        self.calls += 1;
        let output = client
            .put_evaluations()
            .set_evaluations(Some(evaluations))
            .result_token(&self.token)
            .set_test_mode(self.test_mode.then_some(true))
            .send()
            .await
            .map_err(|e| ReportError::Call(error_text(&e)))?;
        Ok(output.failed_evaluations.unwrap_or_default())
    }
}
