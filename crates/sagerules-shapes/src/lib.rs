//! Where SageMaker resources come from, apart from the rules that judge them: rules are written
//! once against the template shape, and this crate turns every other shape into it and keeps
//! the facts about each SageMaker kind. It knows no rule and no AWS SDK.
//!
//! - [`adapt`]: AWS Config items, `Describe*` responses and pipeline steps → template shape.
//! - [`kinds`]: one row per SageMaker kind judged through the API (event detail-type,
//!   CloudTrail, List/Describe/Stop calls, ARN segment), read by the Lambda and by
//!   `sagerules deploy-template`.

pub mod adapt;
pub mod kinds;
