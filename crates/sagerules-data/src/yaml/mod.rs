//! YAML documents into [`Node`] trees.
//!
//! Two readers feed one tree builder ([`builder`]): [`fast`], our reader for the block-style
//! YAML templates are written in, which reads the 2,029 corpus templates but declines
//! anything unusual or malformed, and [`libyaml`], libyaml-safer's event stream, which reads
//! what the first declines or gives the syntax error. Both give the builder the same events,
//! so tags, anchors, merge keys, duplicate keys and the limits are applied once, whichever
//! reader ran; `tests/yaml_differential.rs` checks that the two build the same tree.

mod builder;
mod chunks;
mod fast;
mod libyaml;
mod scalar;
mod tags;

use crate::error::{Duplicates, LoadError};
use crate::value::Node;

/// Parses exactly one YAML document.
///
/// ```text
/// Bucket:
///   Type: AWS::S3::Bucket
///   Arn: !GetAtt Bucket.Arn     # → {"Fn::GetAtt": ["Bucket", "Arn"]} at 3:8
/// ```
pub(crate) fn parse(text: &str, duplicates: &mut Duplicates) -> Result<Node, LoadError> {
    let warnings_before = duplicates.warnings.len();
    if let Some(node) = fast::parse(text, duplicates) {
        return Ok(node);
    }
    duplicates.warnings.truncate(warnings_before);
    libyaml::parse(text, duplicates)
}

/// Which reader [`parse`] would use, for the differential test and the benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// Our block-style reader; it declines what it does not read.
    Fast,
    /// libyaml-safer.
    Libyaml,
}

/// Parses with one reader only: `None` when [`Reader::Fast`] declines the text.
pub(crate) fn parse_with_reader(
    reader: Reader,
    text: &str,
    duplicates: &mut Duplicates,
) -> Option<Result<Node, LoadError>> {
    match reader {
        Reader::Fast => fast::parse(text, duplicates).map(Ok),
        Reader::Libyaml => Some(libyaml::parse(text, duplicates)),
    }
}
