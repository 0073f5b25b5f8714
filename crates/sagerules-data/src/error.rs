//! Load errors as data: what went wrong and where (1-based line and column, in characters).
//!
//! Rendering (file names, source snippets, colours) belongs to the binaries; this module only
//! says which byte broke which rule.

use crate::value::Pos;

/// What kind of problem stopped a load. The CLI can match on it; the message says the details.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Bytes that are not UTF-8 (`\xff`).
    InvalidUtf8,
    /// Nothing but whitespace or comments.
    Empty,
    /// JSON or YAML grammar broken (`{"a" 1}`).
    Syntax,
    /// A key written twice in one map.
    DuplicateKey,
    /// A map or list used as a key (`? [a, b]`).
    ComplexKey,
    /// A second `---` document in one file.
    MultipleDocuments,
    /// Deeper than [`crate::MAX_DEPTH`].
    TooDeep,
    /// Aliases expanding to more than [`crate::MAX_ALIAS_NODES`] nodes ("billion laughs").
    AliasBudget,
    /// An alias used inside the node it names (`&a [*a]`), or a bad merge (`<<: 3`).
    BadAlias,
    /// A YAML core tag whose value does not fit it (`!!int abc`).
    BadTag,
    /// A tag that is neither a YAML core tag nor a CloudFormation short form (`!Reff x`):
    /// a warning, since plain YAML may carry any tag; a template checker makes it an error.
    UnknownTag,
}

/// A document that could not be loaded, with the 1-based line and column of the problem.
///
/// ```text
/// 3:7: duplicate key "Type" (first at 2:5)
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{col}: {message}")]
pub struct LoadError {
    pub line: u32,
    pub col: u32,
    pub kind: ErrorKind,
    pub message: String,
}

impl LoadError {
    pub fn new(pos: Pos, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            line: pos.line,
            col: pos.col,
            kind,
            message: message.into(),
        }
    }

    /// Where the problem is, as a [`Pos`].
    pub fn pos(&self) -> Pos {
        Pos::new(self.line, self.col)
    }
}

/// Converts a count to `u32`, saturating: positions past 4 billion lines are not worth an error.
pub(crate) fn sat_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The 1-based line and column (in characters) of byte `offset` of `bytes`, by a linear scan.
/// Used for errors only, so the scan's cost is paid once.
/// The line and column of byte offsets in a text its reader walks front to back: the reader
/// reports each line break (`next_line`), and a column is counted from the last one asked
/// for on the same line, so a 15 MB single-line file costs one pass, not one per value.
/// Shared by the JSON and YAML readers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lines {
    pub(crate) line: u32,
    /// The byte offset where the current line starts.
    pub(crate) start: usize,
    /// The last offset whose column was counted, and that column.
    mark: (usize, u32),
}

impl Lines {
    pub(crate) fn new() -> Self {
        Self {
            line: 1,
            start: 0,
            mark: (0, 1),
        }
    }

    /// A line starts at byte offset `at`.
    pub(crate) fn next_line(&mut self, at: usize) {
        self.line = self.line.saturating_add(1);
        self.start = at;
    }

    /// The position of byte `offset` of `bytes`, on the current line.
    pub(crate) fn pos_at(&mut self, bytes: &[u8], offset: usize) -> Pos {
        let (mut from, mut col) = self.mark;
        if from < self.start || from > offset {
            (from, col) = (self.start, 1);
        }
        let chars = bytes.get(from..offset).map_or(0, count_chars);
        let col = col.saturating_add(sat_u32(chars));
        self.mark = (offset, col);
        Pos::new(self.line, col)
    }
}

pub(crate) fn pos_of_offset(bytes: &[u8], offset: usize) -> Pos {
    let prefix = bytes.get(..offset).unwrap_or(bytes);
    let line_start = prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + prefix.iter().filter(|&&b| b == b'\n').count();
    let line_text = prefix.get(line_start..).unwrap_or_default();
    Pos::new(sat_u32(line), sat_u32(1 + count_chars(line_text)))
}

/// Number of UTF-8 characters in `bytes` (bytes that do not continue a character).
pub(crate) fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| !is_continuation(b)).count()
}

pub(crate) const fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

/// Checks that `bytes` is UTF-8 and returns it as text without a leading byte-order mark.
///
/// `b"ok\n\xff"` fails at 2:1, the first bad byte.
pub(crate) fn utf8_text(bytes: &[u8]) -> Result<&str, LoadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let pos = pos_of_offset(bytes, e.valid_up_to());
        let bad = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
        let message = format!("not valid UTF-8 (byte 0x{bad:02x})");
        LoadError::new(pos, ErrorKind::InvalidUtf8, message)
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// What to do with a key written twice in one map.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DuplicateKeys {
    /// Refuse the document ([`crate::load`]).
    #[default]
    Error,
    /// Keep the later value, at the first key's place in the map, and report a warning
    /// ([`crate::load_lenient`]); cfn-guard 3.2.1 and most YAML readers keep the later value.
    LastWins,
}

/// Applies a [`DuplicateKeys`] choice and collects the warnings it produces.
pub(crate) struct Duplicates {
    mode: DuplicateKeys,
    pub(crate) warnings: Vec<LoadError>,
}

impl Duplicates {
    pub(crate) fn new(mode: DuplicateKeys) -> Self {
        Self {
            mode,
            warnings: Vec::new(),
        }
    }

    /// A key repeats (`error` says where): fail, or note it and go on.
    pub(crate) fn found(&mut self, error: LoadError) -> Result<(), LoadError> {
        match self.mode {
            DuplicateKeys::Error => Err(error),
            DuplicateKeys::LastWins => {
                self.warnings.push(error);
                Ok(())
            }
        }
    }
}

/// The error for `name` repeated at `pos`, its first value being at `first`.
pub(crate) fn duplicate_key(name: &str, pos: Pos, first: Pos) -> LoadError {
    let message = format!(
        "duplicate key {name:?} (first value at {}:{})",
        first.line, first.col
    );
    LoadError::new(pos, ErrorKind::DuplicateKey, message)
}
