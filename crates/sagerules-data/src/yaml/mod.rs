//! YAML documents into [`Node`] trees.
//!
//! [`fast`] is our reader for YAML as templates are written (block and flow collections,
//! every scalar style, tags, anchors, comments, with libyaml's leniency and positions); it
//! feeds the tree builder ([`builder`]: tags' long forms, anchors, merge keys, duplicate keys,
//! the limits). Nothing in the loader can panic, so nothing catches a panic.
//!
//! libyaml-safer, the reader before issue 17, is kept as a reference behind the
//! `libyaml-reference` feature ([`libyaml`]): the differential test, the `yaml_differential`
//! fuzz target and the benchmark compare the two; documents are never loaded with it.

mod builder;
#[cfg(feature = "libyaml-reference")]
mod chunks;
mod fast;
#[cfg(feature = "libyaml-reference")]
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
    fast::parse(text, duplicates)
}

/// A YAML reader, for the differential test and the benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// Ours ([`fast`]), the one [`parse`] uses.
    Fast,
    /// libyaml-safer's events into the same builder (feature `libyaml-reference`).
    #[cfg(feature = "libyaml-reference")]
    Libyaml,
}

/// Parses with the given reader.
pub(crate) fn parse_with_reader(
    reader: Reader,
    text: &str,
    duplicates: &mut Duplicates,
) -> Result<Node, LoadError> {
    match reader {
        Reader::Fast => fast::parse(text, duplicates),
        #[cfg(feature = "libyaml-reference")]
        Reader::Libyaml => libyaml::parse(text, duplicates),
    }
}
