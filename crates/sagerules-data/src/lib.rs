//! Data documents for sagerules: JSON and YAML read into a [`Node`] tree in which every value
//! keeps its line and column, so a failing rule can point at `template.yaml:42:7`.
//!
//! Why a crate of its own: the rules engine (`sagerules-core`), the CLI and the Lambda all read
//! documents, and the loader is the piece that meets untrusted bytes first (it has its own
//! fuzz target). It parses strings only; it does no file or network I/O.

pub mod value;

pub use value::{Map, Node, Pos, Value};
