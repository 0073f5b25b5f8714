//! Data documents for sagerules: JSON and YAML read into a [`Node`] tree in which every value
//! keeps its line and column, so a failing rule can point at `template.yaml:42:7`.
//!
//! Why a crate of its own: the rules engine (`sagerules-core`), the CLI and the Lambda all read
//! documents, and the loader is the piece that meets untrusted bytes first (it has its own
//! fuzz target). It parses strings only; it does no file or network I/O.
//!
//! # Reading
//!
//! ```
//! use sagerules_data::{load, load_auto, Format};
//! let doc = load(b"Arn: !GetAtt Bucket.Arn\n", Format::Yaml).unwrap();
//! assert_eq!(sagerules_data::to_json(&doc), r#"{"Arn":{"Fn::GetAtt":["Bucket","Arn"]}}"#);
//! let doc = load_auto(br#"{"Port": 443}"#).unwrap();
//! assert_eq!(doc.pointer_get("/Port").map(|n| n.pos.col), Some(10));
//! ```
//!
//! # Two parsers
//!
//! - **JSON** ([`Format::Json`]) has its own strict RFC 8259 reader (`json.rs`), 2.6 times
//!   faster than reading JSON through the YAML parser and about twice as fast as Python's
//!   `json.load`, with errors that speak JSON.
//! - **YAML** ([`Format::Yaml`]) has its own reader too (`yaml/fast.rs`), which reads YAML as
//!   templates are written with libyaml's leniency (hence cfn-guard's) and positions, and
//!   cannot panic; it was checked against libyaml-safer, the reader it replaced, on every corpus
//!   template and on generated documents (`tests/yaml_differential.rs`).
//!
//! # YAML semantics
//!
//! - Plain scalars follow the YAML 1.2 core schema: `null`, `~` and empty are null; `true` and
//!   `false` (also `True`, `TRUE`...) are booleans; `12`, `0x1F`, `0o17` integers; `1.5`,
//!   `.inf`, `.nan` floats. `yes`, `on`, `2012-10-17` and `1_000` are strings, and so is
//!   anything quoted. (cfn-guard 3.2.1 reads `yes`/`no`/`on`/`off`/`y`/`n` as booleans.)
//! - CloudFormation short-form tags become long forms: `!Ref x` → `{"Ref": "x"}`,
//!   `!Condition c` → `{"Condition": "c"}`, `!Sub`, `!If`, `!Join`, ... → `{"Fn::Sub": ...}`,
//!   on scalars, lists and maps alike. A tagged scalar stays a string (`!Ref 5` → `"5"`).
//!   `!GetAtt A.B.C` (text) becomes `["A", "B.C"]` (split at the first dot, the form
//!   CloudFormation documents); the list form is kept. An unknown tag is kept as a key, never
//!   dropped: `!Foo::Bar v` → `{"Foo::Bar": "v"}`. Core tags (`!!str`, `!!int`, ...) are
//!   applied. (cfn-guard 3.2.1 differs on both: it keeps `{"Fn::GetAtt": "A.B.C"}` and reads
//!   `!Foo v` as plain `"v"`.)
//! - Anchors and aliases are resolved to copies; the copy's root takes the alias's position,
//!   nodes inside keep the positions where their text is written. Merge keys (`<<: *base`,
//!   `<<: [*a, *b]`) insert the entries the map does not set itself, where `<<` was written.
//!   Copies (anchored nodes included) are limited to [`MAX_ALIAS_NODES`] nodes.
//! - Non-string scalar keys become their text (`200:` → `"200"`, `true:` → `"true"`);
//!   map or list keys, a second document and empty input are errors.
//!
//! # Duplicate keys
//!
//! [`load`] and [`load_auto`] refuse a key written twice in one map (error at the second
//! key). [`load_for_path`] and [`load_lenient`], the entry points for template files, keep the
//! later value like cfn-guard does, and [`load_lenient`] reports each duplicate as a warning.
//!
//! # Limits
//!
//! Nesting deeper than [`MAX_DEPTH`] containers is an error (a tag's long form counts as one),
//! so neither loading, writing nor dropping a tree can overflow a thread's stack.
//! Bytes that are not UTF-8 are an error at the first bad byte.

mod entries;
pub mod error;
mod json;
mod map;
pub mod pointer;
pub mod value;
mod write;
mod yaml;

use error::Duplicates;
pub use error::{DuplicateKeys, ErrorKind, LoadError};
pub use map::{Iter as MapIter, IterMut as MapIterMut};
pub use pointer::Pointer;
pub use value::{Map, Node, Pos, Value};
pub use write::to_json;
pub use yaml::Reader as YamlReader;

/// The most containers (maps and lists) a path from the root may pass through.
pub const MAX_DEPTH: usize = 512;

/// The most nodes YAML anchors and aliases may copy in one document.
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// The syntax of a data file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// The format a file name promises: `.json`/`.jsn` JSON, `.yaml`/`.yml` YAML (any case).
    /// `None` for anything else, `.template` included: such content is sniffed by [`load_auto`].
    pub fn from_path(path: &str) -> Option<Format> {
        match extension(path)?.to_ascii_lowercase().as_str() {
            "json" | "jsn" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }
}

/// Does this file name look like a data file (`.json .jsn .yaml .yml .template`)? For walking
/// directories.
pub fn is_data_path(path: &str) -> bool {
    Format::from_path(path).is_some()
        || extension(path).is_some_and(|ext| ext.eq_ignore_ascii_case("template"))
}

fn extension(path: &str) -> Option<&str> {
    let name = path.rsplit(['/', '\\']).next()?;
    name.rsplit_once('.').map(|(_, ext)| ext)
}

/// A document loaded by [`load_lenient`], with what it tolerated.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub node: Node,
    /// Duplicate keys (kind [`ErrorKind::DuplicateKey`]: the later value was kept) and tags
    /// that are neither YAML core tags nor CloudFormation short forms (kind
    /// [`ErrorKind::UnknownTag`]: kept in the tree as a one-entry map).
    pub warnings: Vec<LoadError>,
}

/// Loads one document in the given format; a duplicate key is an error.
///
/// [`Format::Json`] is strict RFC 8259 (use [`load_auto`] for CloudFormation's leniency).
pub fn load(bytes: &[u8], format: Format) -> Result<Node, LoadError> {
    load_with(bytes, Some(format), DuplicateKeys::Error).map(|loaded| loaded.node)
}

/// Loads one document of unknown format the way CloudFormation reads a template: text whose
/// first non-blank character is `{` or `[` is read as JSON, and read again as YAML when the
/// JSON grammar rejects it (two corpus templates end an object with `,}`, which libyaml,
/// cfn-guard and CloudFormation accept). When both fail, the JSON error is returned.
/// Anything else is YAML.
pub fn load_auto(bytes: &[u8]) -> Result<Node, LoadError> {
    load_with(bytes, None, DuplicateKeys::Error).map(|loaded| loaded.node)
}

/// Loads a data file's bytes: `.yaml`/`.yml` as YAML, anything else (`.json`, `.template`,
/// `-` for stdin) as [`load_auto`] does. A key written twice keeps its later value, as in
/// cfn-guard and CloudFormation: real templates have such keys (7 of the corpus's 2,029), and
/// all of them must load. Use [`load_lenient`] to get those duplicates as warnings.
pub fn load_for_path(path: &str, bytes: &[u8]) -> Result<Node, LoadError> {
    load_lenient(path, bytes).map(|loaded| loaded.node)
}

/// Like [`load_for_path`], and returns each duplicate key as a warning (an error of kind
/// [`ErrorKind::DuplicateKey`] that did not stop the load), for the CLI to print.
pub fn load_lenient(path: &str, bytes: &[u8]) -> Result<Loaded, LoadError> {
    load_with(bytes, format_for_path(path), DuplicateKeys::LastWins)
}

/// [`load_lenient`] for text already known to be UTF-8 (a caller that keeps the text for its
/// diagnostics checks it once, not twice).
pub fn load_lenient_text(path: &str, text: &str) -> Result<Loaded, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    load_text_with(text, format_for_path(path), DuplicateKeys::LastWins)
}

/// The parser a path asks for: YAML for YAML names, `None` (sniff) for the rest.
fn format_for_path(path: &str) -> Option<Format> {
    Format::from_path(path).filter(|format| *format == Format::Yaml)
}

/// The one loading routine behind the public ones: `format` `None` sniffs like [`load_auto`].
pub fn load_with(
    bytes: &[u8],
    format: Option<Format>,
    duplicate_keys: DuplicateKeys,
) -> Result<Loaded, LoadError> {
    load_text_with(error::utf8_text(bytes)?, format, duplicate_keys)
}

/// [`load_with`] after the UTF-8 check.
fn load_text_with(
    text: &str,
    format: Option<Format>,
    duplicate_keys: DuplicateKeys,
) -> Result<Loaded, LoadError> {
    match format {
        Some(Format::Json) => return parse_with(text, duplicate_keys, json::parse),
        Some(Format::Yaml) => return parse_with(text, duplicate_keys, yaml::parse),
        None if !looks_like_json(text) => return parse_with(text, duplicate_keys, yaml::parse),
        None => {}
    }
    parse_with(text, duplicate_keys, json::parse).or_else(|json_error| {
        if json_error.kind != ErrorKind::Syntax {
            return Err(json_error);
        }
        parse_with(text, duplicate_keys, yaml::parse).map_err(|_| json_error)
    })
}

fn parse_with(
    text: &str,
    duplicate_keys: DuplicateKeys,
    parse: fn(&str, &mut Duplicates) -> Result<Node, LoadError>,
) -> Result<Loaded, LoadError> {
    let mut duplicates = Duplicates::new(duplicate_keys);
    let node = parse(text, &mut duplicates)?;
    Ok(Loaded {
        node,
        warnings: duplicates.warnings,
    })
}

fn looks_like_json(text: &str) -> bool {
    matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

/// Loads YAML text with the given reader, as [`load_lenient`] would for a `.yaml` file. For
/// the differential test, the fuzz targets and the benchmark, which compare our reader with
/// libyaml-safer (feature `libyaml-reference`); [`load`] and friends always use ours.
#[doc(hidden)]
pub fn load_yaml_with(reader: YamlReader, bytes: &[u8]) -> Result<Loaded, LoadError> {
    let text = error::utf8_text(bytes)?;
    let mut duplicates = Duplicates::new(DuplicateKeys::LastWins);
    let node = yaml::parse_with_reader(reader, text, &mut duplicates)?;
    Ok(Loaded {
        node,
        warnings: duplicates.warnings,
    })
}
