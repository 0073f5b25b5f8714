//! Diagnostics: every error the CLI reports (a rules syntax error, an unknown rule, a data file
//! that is not YAML) becomes a [`Diag`], rendered at the edge with `codespan-reporting`:
//!
//! ```text
//! error: expected an operator after the query
//!   ┌─ rules/nb.rules:3:20
//!   │
//! 3 │     Properties.Foo = "x"
//!   │                    ^ found `=`
//!   │
//!   = expected one of: ==, !=, exists, in
//!   = hint: use `==` to compare; `=` only appears in `let`
//! ```
//!
//! Why a `Diag` keeps only an excerpt (the lines around the error) and not the whole source: data
//! files can be 100 MB, errors are collected on worker threads and printed later in a fixed
//! order, and the JSON/SARIF outputs need the same `file:line:col` without any source.

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config};
use std::io::{IsTerminal, Write};
use std::ops::Range;
use termcolor::{BufferWriter, ColorChoice, NoColor, WriteColor};

/// One error to show: where (file and 1-based line/column), what, and the lines around it.
#[derive(Clone, Debug, PartialEq)]
pub struct Diag {
    /// The file as the user named it (`rules/nb.rules`, `-` for standard input).
    pub file: String,
    /// 1-based line; 0 when the error is about the file as a whole (unreadable, say).
    pub line: usize,
    /// 1-based column (in characters); 0 with `line == 0`.
    pub column: usize,
    /// One line, e.g. "expected an operator after the query".
    pub message: String,
    /// Errors make a command exit 2; warnings are shown and change nothing.
    pub level: Level,
    /// Boxed: diagnostics travel in `Result`s, which should stay small.
    extra: Box<Extra>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Level {
    #[default]
    Error,
    Warning,
}

/// The parts of a diagnostic beyond its location and message.
#[derive(Clone, Debug, Default, PartialEq)]
struct Extra {
    /// What the label under the span says, e.g. "found `=`".
    label: Option<String>,
    /// Alternatives the parser would have accepted.
    expected: Vec<String>,
    hint: Option<String>,
    /// The source lines around the error and the span inside them.
    excerpt: Option<Excerpt>,
}

/// A few lines cut out of a source: `text` starts at line `first_line` (1-based), and `span`
/// is a byte range inside `text`. A line longer than [`MAX_EXCERPT_LINE`] is cut to a window
/// around the span (`…` marks the cuts); `columns_cut` characters were removed before it, so
/// columns still count from the real start of the line.
#[derive(Clone, Debug, PartialEq)]
struct Excerpt {
    first_line: usize,
    text: String,
    span: Range<usize>,
    columns_cut: usize,
}

/// The longest source line an excerpt shows whole (bytes). A minified 6 MB JSON template is
/// one line: its diagnostics show a window of it, never the line.
const MAX_EXCERPT_LINE: usize = 240;
/// Bytes kept on each side of the span when a long line is cut.
const EXCERPT_CONTEXT: usize = 80;

impl Diag {
    /// An error about a whole file: `cannot read rules/x.rules: No such file or directory`.
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Diag {
        Diag {
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            level: Level::Error,
            extra: Box::default(),
        }
    }

    /// An error at byte range `span` of `source` (the whole text of `file`).
    pub fn at_span(
        file: &str,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diag {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let (line, column) = line_col(source, start);
        let mut diag = Diag {
            line,
            column,
            ..Diag::file(file, message)
        };
        diag.extra.excerpt = Some(Excerpt::cut(source, start..end, line));
        diag
    }

    /// An error at a 1-based line and column of `source`, as data loaders report them.
    pub fn at_line_col(
        file: &str,
        source: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Diag {
        match byte_offset(source, line, column) {
            Some(offset) => Diag::at_span(file, source, offset..offset, message),
            None => Diag {
                line,
                column,
                ..Diag::file(file, message)
            },
        }
    }

    /// The same diagnostic as a warning.
    pub fn warning(mut self) -> Diag {
        self.level = Level::Warning;
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diag {
        self.extra.label = Some(label.into());
        self
    }

    pub fn with_expected(mut self, expected: Vec<String>) -> Diag {
        self.extra.expected = expected;
        self
    }

    pub fn with_hint(mut self, hint: Option<String>) -> Diag {
        self.extra.hint = hint;
        self
    }

    /// `rules/nb.rules:3:20`, or just the file name for whole-file errors.
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.column)
        }
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.extra.expected.is_empty() {
            notes.push(format!(
                "expected one of: {}",
                self.extra.expected.join(", ")
            ));
        }
        if let Some(hint) = &self.extra.hint {
            notes.push(format!("hint: {hint}"));
        }
        notes
    }

    fn to_codespan(&self) -> Diagnostic<()> {
        let diagnostic = match self.level {
            Level::Error => Diagnostic::error(),
            Level::Warning => Diagnostic::warning(),
        };
        let mut diagnostic = diagnostic
            .with_message(&self.message)
            .with_notes(self.notes());
        if let Some(excerpt) = &self.extra.excerpt {
            let label = Label::primary((), excerpt.span.clone());
            let label = match &self.extra.label {
                Some(text) => label.with_message(text),
                None => label,
            };
            diagnostic = diagnostic.with_labels(vec![label]);
        } else {
            diagnostic = diagnostic.with_message(format!("{}: {}", self.location(), self.message));
        }
        diagnostic
    }
}

impl Excerpt {
    /// The lines that `span` touches, from `source`; a long line only around the span.
    fn cut(source: &str, span: Range<usize>, line: usize) -> Excerpt {
        let from = source
            .get(..span.start)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |i| i + 1);
        let to = line_end(source, span.end);
        if to - from > MAX_EXCERPT_LINE {
            return Excerpt::window(source, span, line, from);
        }
        let text = source.get(from..to).unwrap_or_default().to_string();
        Excerpt {
            first_line: line,
            text,
            span: span.start - from..span.end - from,
            columns_cut: 0,
        }
    }

    /// A window of the line starting at byte `from` around `span` (which it clamps to that
    /// line and to [`EXCERPT_CONTEXT`] bytes), with `…` where the line was cut.
    fn window(source: &str, span: Range<usize>, line: usize, from: usize) -> Excerpt {
        let line_to = line_end(source, span.start);
        let span_end = span.end.min(line_to).min(span.start + EXCERPT_CONTEXT);
        let start =
            floor_char_boundary(source, span.start.saturating_sub(EXCERPT_CONTEXT).max(from));
        let end = ceil_char_boundary(source, (span_end + EXCERPT_CONTEXT).min(line_to));
        let before = if start > from { "…" } else { "" };
        let after = if end < line_to { "…" } else { "" };
        let text = format!(
            "{before}{}{after}",
            source.get(start..end).unwrap_or_default()
        );
        let shift = before.len();
        let removed = source.get(from..start).map_or(0, |s| s.chars().count());
        Excerpt {
            first_line: line,
            text,
            span: span.start - start + shift..span_end - start + shift,
            columns_cut: removed.saturating_sub(usize::from(!before.is_empty())),
        }
    }
}

/// The end of the line holding byte `offset` (before its newline).
fn line_end(source: &str, offset: usize) -> usize {
    source
        .get(offset..)
        .and_then(|rest| rest.find('\n'))
        .map_or(source.len(), |i| offset + i)
}

/// 1-based line and character column of byte `offset`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = source.get(..offset).unwrap_or(source);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// The byte offset of a 1-based line and character column, when both exist.
fn byte_offset(source: &str, line: usize, column: usize) -> Option<usize> {
    let line_start = if line <= 1 {
        0
    } else {
        source
            .match_indices('\n')
            .nth(line - 2)
            .map(|(i, _)| i + 1)?
    };
    let text = source.get(line_start..)?;
    let text = text.split('\n').next().unwrap_or_default();
    let in_line = text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    Some(line_start + in_line)
}

fn ceil_char_boundary(text: &str, mut index: usize) -> usize {
    while index < text.len() && !text.is_char_boundary(index) {
        index += 1;
    }
    index.min(text.len())
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The excerpt as a codespan file whose line numbers start at the excerpt's first line.
struct ExcerptFile<'a> {
    name: &'a str,
    excerpt: &'a Excerpt,
    line_starts: Vec<usize>,
}

impl<'a> ExcerptFile<'a> {
    fn new(name: &'a str, excerpt: &'a Excerpt) -> Self {
        let line_starts = codespan_reporting::files::line_starts(&excerpt.text).collect();
        ExcerptFile {
            name,
            excerpt,
            line_starts,
        }
    }
}

impl<'a> Files<'a> for ExcerptFile<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.excerpt.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self
            .line_starts
            .binary_search(&byte_index)
            .unwrap_or_else(|next| next.saturating_sub(1)))
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, FilesError> {
        Ok(self.excerpt.first_line + line_index)
    }

    /// Columns count from the start of the real line, before any cut.
    fn column_number(
        &'a self,
        (): (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let range = self.line_range((), line_index)?;
        let column = codespan_reporting::files::column_index(&self.excerpt.text, range, byte_index);
        let cut = if line_index == 0 {
            self.excerpt.columns_cut
        } else {
            0
        };
        Ok(column + cut + 1)
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        let start = *self
            .line_starts
            .get(line_index)
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: self.line_starts.len().saturating_sub(1),
            })?;
        let end = self
            .line_starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(self.excerpt.text.len());
        Ok(start..end)
    }
}

/// Whether to colour output on a stream: only for a terminal, and never with `NO_COLOR` set.
pub fn color_choice(is_terminal: bool) -> ColorChoice {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if is_terminal && !no_color {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    }
}

/// Renders `diag` into `out` (colours only if `out` supports them).
pub fn render(out: &mut dyn WriteColor, diag: &Diag) -> std::io::Result<()> {
    let config = Config::default();
    let result = match &diag.extra.excerpt {
        Some(excerpt) => {
            let file = ExcerptFile::new(&diag.file, excerpt);
            term::emit_to_write_style(out, &config, &file, &diag.to_codespan())
        }
        None => term::emit_to_write_style(out, &config, &NoFiles, &diag.to_codespan()),
    };
    result.map_err(std::io::Error::other)
}

/// Renders `diag` without colours, as the snapshot tests see it.
pub fn render_plain(diag: &Diag) -> String {
    let mut out = NoColor::new(Vec::new());
    if render(&mut out, diag).is_err() {
        return format!("error: {}: {}\n", diag.location(), diag.message);
    }
    String::from_utf8_lossy(&out.into_inner()).into_owned()
}

/// Prints every diagnostic to standard error, in the order given, in one write: standard
/// error is unbuffered, and codespan-reporting writes a diagnostic in a dozen pieces (the
/// corpus check's 1,600 lines of diagnostics were 23,000 system calls).
pub fn eprint_all(diags: &[Diag]) {
    if diags.is_empty() {
        return;
    }
    let writer = BufferWriter::stderr(color_choice(std::io::stderr().is_terminal()));
    let mut buffer = writer.buffer();
    for diag in diags {
        if render(&mut buffer, diag).is_err() {
            let level = if diag.level == Level::Warning {
                "warning"
            } else {
                "error"
            };
            let _ = writeln!(buffer, "{level}: {}: {}", diag.location(), diag.message);
        }
    }
    let _ = writer.print(&buffer);
}

/// No files at all, for diagnostics without a source excerpt.
struct NoFiles;

impl<'a> Files<'a> for NoFiles {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Err(FilesError::FileMissing)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Err(FilesError::FileMissing)
    }

    fn line_index(&'a self, (): (), _: usize) -> Result<usize, FilesError> {
        Err(FilesError::FileMissing)
    }

    fn line_range(&'a self, (): (), _: usize) -> Result<Range<usize>, FilesError> {
        Err(FilesError::FileMissing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        assert_eq!(line_col("a\nébc", 5), (2, 3));
    }

    #[test]
    fn byte_offset_inverts_line_col() {
        let src = "one\ntwo\nthree";
        assert_eq!(byte_offset(src, 3, 2), Some(9));
        assert_eq!(line_col(src, 9), (3, 2));
    }

    #[test]
    fn excerpt_keeps_only_the_lines_of_the_span() {
        let src = "a\nbb cc\nd\n";
        let diag = Diag::at_span("f", src, 5..7, "bad").with_label("here");
        assert_eq!((diag.line, diag.column), (2, 4));
        let text = render_plain(&diag);
        assert!(text.contains("f:2:4"), "{text}");
        assert!(text.contains("2 │ bb cc"), "{text}");
        assert!(!text.contains("3 │"), "{text}");
    }

    #[test]
    fn a_huge_line_is_shown_as_a_window_around_the_error_with_its_real_column() {
        let line = format!("{}BAD{}", "a".repeat(100_000), "b".repeat(100_000));
        let diag = Diag::at_span("big.json", &line, 100_000..100_003, "bad byte");
        assert_eq!((diag.line, diag.column), (1, 100_001));
        let text = render_plain(&diag);
        assert!(text.len() < 1_000, "{} bytes:\n{text}", text.len());
        assert!(text.contains("big.json:1:100001"), "{text}");
        assert!(text.contains("…aaaa"), "{text}");
        assert!(text.contains("BADbbb"), "{text}");
        assert!(text.contains("^^^"), "{text}");
    }

    #[test]
    fn warnings_render_as_warnings() {
        let text = render_plain(&Diag::at_span("f", "a: 1\n", 0..1, "duplicate key").warning());
        assert!(text.starts_with("warning: duplicate key"), "{text}");
    }

    #[test]
    fn whole_file_error_names_the_file() {
        let text = render_plain(&Diag::file("x.yaml", "cannot read"));
        assert!(text.contains("x.yaml: cannot read"), "{text}");
    }
}
