//! The `.rules` parser: text in, [`RulesFile`] plus every [`ParseError`] found out.
//!
//! Why a hand-shaped recursive descent over `nom` primitives rather than one big `alt`: the
//! parser looks at the next token and commits, so its cost stays linear in the input (no
//! alternative re-parses a long query), and each failure knows what it was parsing, which is
//! what makes the error messages specific. After an error it skips to the next clause (inside a
//! block) or the next `rule`/`let` (at top level) and goes on, so one run reports several
//! errors.
//!
//! Layout: [`lexer`] (whitespace, comments, identifiers, keywords), [`literal`] (strings,
//! numbers, regexes, ranges, lists, maps), [`query`] (paths and filters), [`clause`] (clauses,
//! operators, messages, blocks), [`item`] (rules, `let`, `include`, metadata, recovery),
//! [`error`] (failures, hints).

mod clause;
mod error;
mod item;
mod lexer;
mod literal;
mod query;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use crate::ast::{Comment, RulesFile, Span};
pub(crate) use lexer::RESERVED as RESERVED_FIRST_STEPS;

/// How deeply blocks, filters, lists, maps and calls may nest. Deeper input gets a
/// [`ParseError`] instead of exhausting the stack.
pub const MAX_DEPTH: u32 = 128;

/// A syntax error: where, what was expected, what was found, and a hint where one helps.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub span: Span,
    /// One line, e.g. "expected an operator after the query".
    pub message: String,
    /// Alternatives, e.g. `["==", "!=", "exists", "in"]`.
    pub expected: Vec<String>,
    /// The offending text, e.g. `"="`, or "end of input".
    pub found: String,
    /// e.g. "use `==` to compare; `=` only appears in `let`".
    pub hint: Option<String>,
}

/// Parses a whole rules file. Recovers at rule and line boundaries, so several errors can be
/// reported at once; the returned file holds everything that did parse.
///
/// ```
/// let (file, errors) = sagerules_core::parse("rule r { Properties.RootAccess == 'Disabled' }");
/// assert!(errors.is_empty());
/// assert_eq!(file.items.len(), 1);
/// ```
pub fn parse(src: &str) -> (RulesFile, Vec<ParseError>) {
    item::parse_file(src)
}

/// 1-based line and column (in characters) of byte `offset` in `src`; an offset past the end
/// (or inside a character) is clamped.
///
/// ```
/// assert_eq!(sagerules_core::syntax::line_col("a\nbc", 3), (2, 2));
/// ```
pub fn line_col(src: &str, offset: u32) -> (u32, u32) {
    let mut end = (offset as usize).min(src.len());
    while !src.is_char_boundary(end) {
        end -= 1;
    }
    let before = src.get(..end).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let col = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (to_u32(line), to_u32(col))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// State shared by every parsing function: the source (to turn slices into offsets), the
/// nesting depth, the errors recovered so far, and the comments and `#@` lines seen while
/// skipping whitespace (keyed by offset, so backtracking over the same comment twice is
/// harmless).
pub(crate) struct Parser<'s> {
    src: &'s str,
    depth: Cell<u32>,
    errors: RefCell<Vec<ParseError>>,
    comments: RefCell<BTreeMap<u32, Comment>>,
    meta_lines: RefCell<BTreeMap<u32, Span>>,
    /// Offsets from which no closing `'`, `"` or `>>` exists: a second unclosed string after
    /// the first fails at once instead of rescanning to the end (keeps bad input linear).
    unclosed: RefCell<BTreeMap<&'static str, u32>>,
}

impl<'s> Parser<'s> {
    fn new(src: &'s str) -> Self {
        Parser {
            src,
            depth: Cell::new(0),
            errors: RefCell::new(Vec::new()),
            comments: RefCell::new(BTreeMap::new()),
            meta_lines: RefCell::new(BTreeMap::new()),
            unclosed: RefCell::new(BTreeMap::new()),
        }
    }

    /// Byte offset of `rest` (any slice of the source, not only a suffix) in the source.
    fn off(&self, rest: &str) -> u32 {
        let base = self.src.as_ptr() as usize;
        let at = rest.as_ptr() as usize;
        if at >= base && at <= base + self.src.len() {
            to_u32(at - base)
        } else {
            to_u32(self.src.len().saturating_sub(rest.len()))
        }
    }

    /// The span from remaining input `start` to remaining input `end`.
    fn span(&self, start: &str, end: &str) -> Span {
        Span::new(self.off(start), self.off(end))
    }

    /// The source text from offset `at` on.
    fn rest_at(&self, at: u32) -> &'s str {
        self.src.get(at as usize..).unwrap_or_default()
    }

    fn push_error(&self, error: ParseError) {
        self.errors.borrow_mut().push(error);
    }
}

#[cfg(test)]
mod tests;
