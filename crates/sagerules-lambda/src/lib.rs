//! The AWS Config custom-rule Lambda (binary `sagerules-config-rule`): evaluates SageMaker
//! resources with the bundled rule pack and reports one verdict per resource through
//! `PutEvaluations`.
//!
//! This is the only crate that knows AWS Config and EventBridge event JSON and the AWS SDKs;
//! the rules and the shape adapters come from `sagerules-pack`, the engine from
//! `sagerules-core`. Map: [`dispatch`] routes an event; for AWS Config, [`event`] parses,
//! [`params`] selects rules, [`handler`] runs one invocation ([`sweep`] for scheduled ones,
//! [`engine`] for the verdicts), [`reporter`] sends; for SageMaker events, [`job_event`] and
//! [`cloudtrail`] parse, [`respond`] decides and acts, [`notify`] writes the message, [`state`]
//! keeps claims; [`kinds`] is the one table of resource kinds; [`hook`] answers hooks.

pub mod clients;
pub mod cloudtrail;
pub mod config_api;
pub mod describe;
pub mod dispatch;
pub mod engine;
pub mod error_text;
pub mod evaluation;
pub mod event;
pub mod handler;
pub mod hook;
pub mod job_event;
pub mod jobs;
pub use sagerules_shapes::kinds;
pub mod local;
pub mod logging;
pub mod node;
pub mod notify;
pub mod params;
pub mod payload;
pub mod reporter;
pub mod respond;
pub mod runtime;
pub mod sagemaker;
pub mod state;
pub mod sweep;
