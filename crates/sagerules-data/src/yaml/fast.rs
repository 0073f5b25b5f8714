//! A reader for the YAML that CloudFormation templates are written in, feeding the same
//! [`Builder`] as the libyaml-safer fallback, two to five times faster and without a panic net.
//!
//! It reads block mappings and sequences (indentless and compact ones too), plain, quoted and
//! block scalars over one or more lines, flow collections over one or more lines, tags,
//! anchors, aliases and comments, with libyaml's rules for where each ends and what its
//! position is (a node's start includes its tag and anchor; an empty value sits just after
//! its `:` or `-`). Anything else it *declines*, and [`super::parse`] hands the text to
//! libyaml-safer:
//!
//! - directives (`%YAML`, `%TAG`), explicit keys (`? key`), verbatim or named tag handles
//!   (`!<tag:x>`, `!e!x`), a byte-order mark, tabs where indentation is read, line breaks other
//!   than `\n` and `\r\n`, characters libyaml refuses, more than one document, a document that
//!   is only a scalar on the `---` line;
//! - and every input it finds malformed, or whose tree the builder refuses (a duplicate key
//!   when they are errors, nesting too deep, a bad alias): the fallback then gives the error,
//!   so errors keep libyaml's wording and positions.
//!
//! So the reader only ever *accepts* input, and must then build exactly the tree libyaml would:
//! `tests/yaml_differential.rs` checks that on every corpus template and on generated input.
//!
//! Positions: lines count from 1 and columns from 1 in characters, as libyaml's marks do.

use super::builder::{Builder, Scalar, Style};
use crate::error::{count_chars, sat_u32, Duplicates};
use crate::value::{Node, Pos};
use std::borrow::Cow;

/// The reader gave up on the input; the full parser takes it from the start.
pub(super) struct Decline;

type Step<T> = Result<T, Decline>;

/// The deepest nesting the reader follows before it declines. It recurses (a few frames per
/// level), so it stops well before [`crate::MAX_DEPTH`] to stay within a small thread stack;
/// templates nest about 20 levels deep, and deeper text goes to the fallback, which keeps an
/// explicit stack.
const MAX_NESTING: usize = 64;

/// The longest implicit key libyaml accepts, in bytes (its limit is 1024 characters).
const MAX_KEY_BYTES: usize = 1024;

/// Reads one document, or `None` when the input needs the full parser. Builder warnings
/// (duplicate keys kept, unknown tags) are in `duplicates` only when a tree is returned.
pub(super) fn parse(text: &str, duplicates: &mut Duplicates) -> Option<Node> {
    if !plain_characters(text) {
        return None;
    }
    let mut builder = Builder::new(duplicates);
    let mut reader = Reader::new(text, &mut builder);
    reader.stream().ok()?;
    builder.finish().ok()
}

/// True when every character is one the reader handles: printable ASCII, tab, `\n`, `\r`
/// directly before `\n`, and non-ASCII characters that are neither controls nor line or
/// paragraph separators nor a byte-order mark.
fn plain_characters(text: &str) -> bool {
    let bytes = text.as_bytes();
    let ascii_ok = |b: u8| matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7e);
    // Whole chunks without an early exit, so the check is vectorised.
    let all_ascii_ok = bytes
        .chunks(256)
        .all(|chunk| chunk.iter().fold(true, |ok, &b| ok & ascii_ok(b)));
    let chars_ok = all_ascii_ok
        || text.chars().all(|c| match c {
            '\u{0}'..='\u{7f}' => ascii_ok(c as u8),
            '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}' => {
                !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
            }
            _ => false,
        });
    chars_ok && no_lone_carriage_return(bytes)
}

/// Every `\r` is followed by `\n`.
fn no_lone_carriage_return(bytes: &[u8]) -> bool {
    if !bytes.contains(&b'\r') {
        return true;
    }
    bytes
        .iter()
        .enumerate()
        .all(|(at, &b)| b != b'\r' || bytes.get(at + 1) == Some(&b'\n'))
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// Blank, line break or the end of the text (read as 0).
fn is_blankz(b: u8) -> bool {
    is_blank(b) || is_break(b) || b == 0
}

fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// Anchor and alias names, and tag suffix letters: libyaml's "alpha" class.
fn is_name(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// A tag or anchor written before a node, with where the first starts and the last ends.
struct Props<'t> {
    pos: Pos,
    end: Pos,
    tag: Option<Cow<'t, str>>,
    anchor: Option<&'t str>,
}

/// A scalar or alias that may turn out to be an implicit key (`Name: value`).
enum Item<'t> {
    Scalar(Scalar<'t>),
    Alias(&'t str, Pos),
}

/// A scalar's characters and where they start and end.
struct Read<'t> {
    text: Cow<'t, str>,
    pos: Pos,
    end: Pos,
}

struct Reader<'t, 'b, 'd> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    line: u32,
    line_start: usize,
    /// A byte offset on the current line and its column, so a long line is counted once.
    col_mark: (usize, u32),
    out: &'b mut Builder<'d>,
    depth: usize,
}

impl<'t, 'b, 'd> Reader<'t, 'b, 'd> {
    fn new(text: &'t str, out: &'b mut Builder<'d>) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
            line_start: 0,
            col_mark: (0, 1),
            out,
            depth: 0,
        }
    }

    // ---- the document -------------------------------------------------------------------

    fn stream(&mut self) -> Step<()> {
        self.skip_to_content()?;
        if self.eof() || self.peek() == b'%' {
            return Err(Decline);
        }
        if self.at_document_marker(b'-') {
            let pos = self.pos();
            self.out.document_start(pos).map_err(|_| Decline)?;
            self.at += 3;
            self.skip_blanks()?;
            if !self.at_line_end() {
                return Err(Decline);
            }
            self.skip_to_content()?;
        } else {
            let pos = self.pos();
            self.out.document_start(pos).map_err(|_| Decline)?;
        }
        if self.eof() || self.at_any_document_marker() {
            return Err(Decline);
        }
        let col = self.column0();
        self.own_line(-1, col, None)?;
        self.skip_to_content()?;
        if self.at_document_marker(b'.') {
            self.at += 3;
            self.skip_to_content()?;
        }
        if self.eof() {
            Ok(())
        } else {
            Err(Decline)
        }
    }

    // ---- block structure ----------------------------------------------------------------

    /// The node after `key:` (`indentless`: a `- ` list at the key's own column belongs to
    /// it) or after `- ` (`compact`: `- a: 1` and `- - x` start collections on that line),
    /// inside a block collection at column `indent`. `empty` is where an absent value sits.
    fn block_value(
        &mut self,
        indent: i64,
        indentless: bool,
        compact: bool,
        empty: Pos,
    ) -> Step<()> {
        self.skip_spaces()?;
        if compact && self.at_block_entry() {
            let col = self.column0();
            return self.block_sequence(col, None, false);
        }
        let props = self.properties()?;
        if !self.at_line_end() {
            return self.same_line(indent, None, props, compact);
        }
        self.skip_to_content()?;
        let col = self.column0();
        let nested = col > indent || (indentless && col == indent && self.at_block_entry());
        if self.eof() || self.at_any_document_marker() || !nested {
            return self.empty_scalar(props, empty);
        }
        self.own_line(indent, col, props)
    }

    /// A node whose first character starts a line at column `col` (greater than `indent`, or
    /// equal for an indentless list), with the tag or anchor written on an earlier line.
    fn own_line(&mut self, indent: i64, col: i64, before: Option<Props<'t>>) -> Step<()> {
        if self.at_block_entry() {
            return self.block_sequence(col, before, col == indent);
        }
        let here = self.properties()?;
        if here.is_none() || !self.at_line_end() {
            return self.same_line(indent, before, here, true);
        }
        // A tag or anchor alone on its line (`!If` above `- Cond`): it belongs to the node
        // on the next content line, or to an empty node.
        if before.is_some() {
            return Err(Decline);
        }
        self.skip_to_content()?;
        let next = self.column0();
        if self.eof() || self.at_any_document_marker() || next < indent {
            return self.empty_scalar(here, Pos::default());
        }
        if next == indent {
            return Err(Decline);
        }
        self.own_line(indent, next, here)
    }

    /// Content on the current line (not at its end). `keys`: a scalar followed by `: ` starts
    /// a block mapping here; otherwise it must be the whole node.
    fn same_line(
        &mut self,
        indent: i64,
        before: Option<Props<'t>>,
        here: Option<Props<'t>>,
        keys: bool,
    ) -> Step<()> {
        let key_col = match &here {
            Some(props) => i64::from(props.pos.col) - 1,
            None => self.column0(),
        };
        let item = match self.peek() {
            b'|' | b'>' => {
                let props = one_of(before, here)?;
                return self.block_scalar(indent, props);
            }
            b'[' | b'{' => {
                let props = one_of(before, here)?;
                self.flow_collection(props)?;
                self.skip_blanks()?;
                return self.line_ends();
            }
            b'*' => {
                if here.is_some() {
                    return Err(Decline);
                }
                let (name, pos) = self.alias_name()?;
                Item::Alias(name, pos)
            }
            b'"' | b'\'' => {
                let read = self.quoted()?;
                scalar_of(read, Style::Quoted, here)
            }
            _ if self.plain_may_start(false) => {
                let read = self.plain(indent, false)?;
                scalar_of(read, Style::Plain, here)
            }
            _ => return Err(Decline),
        };
        self.skip_blanks()?;
        if self.at_value_indicator() {
            if !keys || item_spans_lines(&item) {
                return Err(Decline);
            }
            return self.block_mapping(key_col, before, item);
        }
        let item = match (item, before) {
            (item, None) => item,
            (Item::Scalar(mut scalar), Some(props))
                if scalar.tag.is_none() && scalar.anchor.is_none() =>
            {
                scalar.tag = props.tag;
                scalar.anchor = props.anchor;
                scalar.pos = props.pos;
                Item::Scalar(scalar)
            }
            _ => return Err(Decline),
        };
        self.emit(item)?;
        self.line_ends()
    }

    /// A block mapping at column `col` whose first key has been read; the reader is at its
    /// `:`.
    fn block_mapping(&mut self, col: i64, props: Option<Props<'t>>, first: Item<'t>) -> Step<()> {
        let pos = props.as_ref().map_or_else(|| item_pos(&first), |p| p.pos);
        self.open(false, props, pos)?;
        let mut key = first;
        loop {
            self.emit(key)?;
            self.at += 1; // the `:`
            let empty = self.pos();
            self.block_value(col, true, false, empty)?;
            self.skip_to_content()?;
            if self.eof() || self.at_any_document_marker() {
                break;
            }
            let next = self.column0();
            if next < col {
                break;
            }
            if next > col || self.at_block_entry() {
                return Err(Decline);
            }
            key = self.key_item()?;
        }
        self.close()
    }

    /// A key at the start of a line of a block mapping, up to its `:`.
    fn key_item(&mut self) -> Step<Item<'t>> {
        let here = self.properties()?;
        let item = match self.peek() {
            b'*' if here.is_none() => {
                let (name, pos) = self.alias_name()?;
                Item::Alias(name, pos)
            }
            b'"' | b'\'' => scalar_of(self.quoted()?, Style::Quoted, here),
            _ if self.plain_may_start(false) => {
                scalar_of(self.plain(-1, false)?, Style::Plain, here)
            }
            _ => return Err(Decline),
        };
        self.skip_blanks()?;
        if !self.at_value_indicator() || item_spans_lines(&item) {
            return Err(Decline);
        }
        Ok(item)
    }

    /// A block sequence at column `col`; the reader is at its first `-`.
    fn block_sequence(&mut self, col: i64, props: Option<Props<'t>>, indentless: bool) -> Step<()> {
        let pos = props.as_ref().map_or_else(|| self.pos(), |p| p.pos);
        self.open(true, props, pos)?;
        loop {
            self.at += 1; // the `-`
            let empty = self.pos();
            self.block_value(col, false, true, empty)?;
            self.skip_to_content()?;
            if self.eof() || self.at_any_document_marker() {
                break;
            }
            let next = self.column0();
            if next < col {
                break;
            }
            if next > col {
                return Err(Decline);
            }
            if !self.at_block_entry() {
                if indentless {
                    break;
                }
                return Err(Decline);
            }
        }
        self.close()
    }

    // ---- flow collections ---------------------------------------------------------------

    /// `[a, b]` or `{k: v}`, over as many lines as it takes; the reader is at the bracket.
    fn flow_collection(&mut self, props: Option<Props<'t>>) -> Step<()> {
        let list = self.peek() == b'[';
        let pos = props.as_ref().map_or_else(|| self.pos(), |p| p.pos);
        self.open(list, props, pos)?;
        self.at += 1;
        if list {
            self.flow_list_entries()?;
        } else {
            self.flow_map_entries()?;
        }
        self.close()
    }

    fn flow_list_entries(&mut self) -> Step<()> {
        loop {
            self.skip_flow_space()?;
            if self.peek() == b']' {
                self.at += 1;
                return Ok(());
            }
            let item = self.flow_item()?;
            self.skip_flow_space()?;
            match item {
                Some(key) if self.peek() == b':' => self.flow_pair(key)?,
                Some(item) => self.emit(item)?,
                None if self.peek() == b':' => return Err(Decline),
                None => {}
            }
            match self.peek() {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(Decline),
            }
        }
    }

    /// `[Ref: Name]`: a one-entry map inside a flow list; the reader is at the `:`.
    fn flow_pair(&mut self, key: Item<'t>) -> Step<()> {
        let pos = item_pos(&key);
        if item_spans_lines(&key) || self.line != pos.line {
            return Err(Decline);
        }
        self.open(false, None, pos)?;
        self.emit(key)?;
        self.at += 1;
        self.skip_flow_space()?;
        if matches!(self.peek(), b',' | b']') {
            let empty = self.pos();
            self.empty_scalar(None, empty)?;
        } else if let Some(value) = self.flow_item()? {
            self.emit(value)?;
        }
        self.skip_flow_space()?;
        self.close()
    }

    fn flow_map_entries(&mut self) -> Step<()> {
        loop {
            self.skip_flow_space()?;
            if self.peek() == b'}' {
                self.at += 1;
                return Ok(());
            }
            let key = self.flow_item()?.ok_or(Decline)?;
            let key_line = item_pos(&key).line;
            if item_spans_lines(&key) {
                return Err(Decline);
            }
            self.emit(key)?;
            self.skip_flow_space()?;
            if self.peek() == b':' {
                if self.line != key_line {
                    return Err(Decline);
                }
                self.at += 1;
                self.skip_flow_space()?;
            }
            if matches!(self.peek(), b',' | b'}') {
                let pos = self.pos();
                self.empty_scalar(None, pos)?;
            } else {
                if let Some(value) = self.flow_item()? {
                    self.emit(value)?;
                }
                self.skip_flow_space()?;
            }
            match self.peek() {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(Decline),
            }
        }
    }

    /// One node inside a flow collection; `None` when it was a nested collection, which has
    /// been emitted already.
    fn flow_item(&mut self) -> Step<Option<Item<'t>>> {
        let props = self.properties()?;
        match self.peek() {
            b'[' | b'{' => {
                self.flow_collection(props)?;
                Ok(None)
            }
            b'*' if props.is_none() => {
                let (name, pos) = self.alias_name()?;
                Ok(Some(Item::Alias(name, pos)))
            }
            b'"' | b'\'' => Ok(Some(scalar_of(self.quoted()?, Style::Quoted, props))),
            _ if self.plain_may_start(true) => {
                Ok(Some(scalar_of(self.plain(-1, true)?, Style::Plain, props)))
            }
            _ => Err(Decline),
        }
    }

    // ---- events -------------------------------------------------------------------------

    fn open(&mut self, list: bool, props: Option<Props<'t>>, pos: Pos) -> Step<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(Decline);
        }
        let (tag, anchor) = props.map_or((None, None), |p| (p.tag, p.anchor));
        self.out
            .open(list, anchor, tag.as_deref(), pos)
            .map_err(|_| Decline)
    }

    fn close(&mut self) -> Step<()> {
        self.depth = self.depth.saturating_sub(1);
        self.out.close().map_err(|_| Decline)
    }

    fn emit(&mut self, item: Item<'t>) -> Step<()> {
        match item {
            Item::Scalar(scalar) => self.out.scalar(scalar),
            Item::Alias(name, pos) => self.out.alias(name, pos),
        }
        .map_err(|_| Decline)
    }

    /// A node with no content: null, or the empty text its tag makes of it.
    fn empty_scalar(&mut self, props: Option<Props<'t>>, empty: Pos) -> Step<()> {
        let (tag, anchor, pos, end) = match props {
            Some(p) => (p.tag, p.anchor, p.pos, p.end),
            None => (None, None, empty, empty),
        };
        self.emit(Item::Scalar(Scalar {
            text: Cow::Borrowed(""),
            style: Style::Plain,
            tag,
            anchor,
            pos,
            end,
        }))
    }

    // ---- properties and aliases ---------------------------------------------------------

    /// `!Tag`, `&anchor`, or both in either order, each followed by a blank or the line end.
    fn properties(&mut self) -> Step<Option<Props<'t>>> {
        if !matches!(self.peek(), b'!' | b'&') {
            return Ok(None);
        }
        let mut props: Option<Props<'t>> = None;
        loop {
            let b = self.peek();
            let has_tag = props.as_ref().is_some_and(|p| p.tag.is_some());
            let has_anchor = props.as_ref().is_some_and(|p| p.anchor.is_some());
            let another = (b == b'!' && !has_tag) || (b == b'&' && !has_anchor);
            if !another {
                return Ok(props);
            }
            let pos = self.pos();
            let props = props.get_or_insert(Props {
                pos,
                end: pos,
                tag: None,
                anchor: None,
            });
            if b == b'!' {
                props.tag = Some(self.tag()?);
            } else {
                self.at += 1;
                props.anchor = Some(self.name()?);
            }
            if !is_blankz(self.peek()) {
                return Err(Decline);
            }
            props.end = self.pos();
            self.skip_blanks()?;
        }
    }

    /// `!Ref` (kept as written), `!!str` (`tag:yaml.org,2002:str`) or `!`.
    fn tag(&mut self) -> Step<Cow<'t, str>> {
        let start = self.at;
        self.at += 1;
        let core = self.peek() == b'!';
        if core {
            self.at += 1;
        }
        let suffix_start = self.at;
        while is_name(self.peek()) || matches!(self.peek(), b':' | b'.' | b'/') {
            self.at += 1;
        }
        let suffix = self.text.get(suffix_start..self.at).ok_or(Decline)?;
        if core {
            if suffix.is_empty() {
                return Err(Decline);
            }
            return Ok(Cow::Owned(format!("tag:yaml.org,2002:{suffix}")));
        }
        self.text
            .get(start..self.at)
            .map(Cow::Borrowed)
            .ok_or(Decline)
    }

    /// `*name`, followed by a blank, the line end, `:` or a flow indicator.
    fn alias_name(&mut self) -> Step<(&'t str, Pos)> {
        let pos = self.pos();
        self.at += 1;
        let name = self.name()?;
        let next = self.peek();
        if !(is_blankz(next) || next == b':' || is_flow_indicator(next)) {
            return Err(Decline);
        }
        Ok((name, pos))
    }

    fn name(&mut self) -> Step<&'t str> {
        let start = self.at;
        while is_name(self.peek()) {
            self.at += 1;
        }
        match self.text.get(start..self.at) {
            Some(name) if !name.is_empty() => Ok(name),
            _ => Err(Decline),
        }
    }

    // ---- scalars ------------------------------------------------------------------------

    /// A plain scalar, folded over continuation lines indented more than `indent` (any line
    /// in a flow collection), as libyaml's `scan_plain_scalar` reads it.
    fn plain(&mut self, indent: i64, flow: bool) -> Step<Read<'t>> {
        let pos = self.pos();
        let first = self.at;
        let mut end = self.plain_run(flow)?;
        if end == first {
            return Err(Decline);
        }
        let mut end_pos = self.pos_at(end);
        let mut folded: Option<String> = None;
        loop {
            // After a run: blanks, then more text on this line, or the line ends.
            self.skip_blanks()?;
            let b = self.peek();
            if !is_break(b) {
                if b == 0 || b == b'#' || self.plain_stops(flow) {
                    self.at = end;
                    break;
                }
                // More words on the line: the blanks are part of the text.
                let run_end = self.plain_run(flow)?;
                if let Some(text) = folded.as_mut() {
                    text.push_str(self.slice(end, run_end)?);
                }
                end = run_end;
                end_pos = self.pos_at(end);
                continue;
            }
            // A line break: is the next content line a continuation?
            let saved = (self.at, self.line, self.line_start, self.col_mark);
            let breaks = self.skip_breaks_in_plain(flow)?;
            let col = self.column0();
            let continues = !self.eof()
                && !self.at_any_document_marker()
                && self.peek() != b'#'
                && (flow || col > indent)
                && !(flow && self.plain_stops(flow));
            if !continues {
                (self.at, self.line, self.line_start, self.col_mark) = saved;
                self.at = end;
                break;
            }
            if self.plain_stops(flow) {
                return Err(Decline);
            }
            let text = match folded.as_mut() {
                Some(text) => text,
                None => folded.insert(self.slice(first, end)?.to_owned()),
            };
            if breaks == 1 {
                text.push(' ');
            } else {
                (1..breaks).for_each(|_| text.push('\n'));
            }
            let run_start = self.at;
            let run_end = self.plain_run(flow)?;
            text.push_str(self.slice(run_start, run_end)?);
            end = run_end;
            end_pos = self.pos_at(end);
        }
        let text = match folded {
            Some(text) => Cow::Owned(text),
            None => Cow::Borrowed(self.slice(first, end)?),
        };
        Ok(Read {
            text,
            pos,
            end: end_pos,
        })
    }

    /// Reads non-blank characters of a plain scalar up to a blank, the line end, `: `, or a
    /// flow indicator in a flow collection; returns where the run ends.
    fn plain_run(&mut self, flow: bool) -> Step<usize> {
        loop {
            let b = self.peek();
            if is_blankz(b) {
                return Ok(self.at);
            }
            if b == b':' {
                let next = self.peek_at(1);
                if flow && (is_flow_indicator(next) || next == b'?') {
                    return Err(Decline);
                }
                if is_blankz(next) {
                    return Ok(self.at);
                }
            }
            if flow && is_flow_indicator(b) {
                return Ok(self.at);
            }
            self.at += 1;
        }
    }

    /// Can a plain scalar start here? Not at an indicator, except `-` (and, outside flow
    /// collections, `?` and `:`) followed by a non-blank (`-1`, `:x`).
    fn plain_may_start(&self, flow: bool) -> bool {
        let next = self.peek_at(1);
        match self.peek() {
            b'-' => !is_blankz(next),
            b'?' | b':' => !flow && !is_blankz(next),
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' => false,
            b => !is_blankz(b),
        }
    }

    /// Does a plain scalar stop at the reader (`: `, or a flow indicator in a flow)?
    fn plain_stops(&self, flow: bool) -> bool {
        let b = self.peek();
        (b == b':' && is_blankz(self.peek_at(1))) || (flow && is_flow_indicator(b))
    }

    /// Line breaks and the blanks around them inside a plain scalar; returns the number of
    /// breaks. A tab in the indentation of a block scalar's next line is declined.
    fn skip_breaks_in_plain(&mut self, flow: bool) -> Step<usize> {
        let mut breaks = 0;
        loop {
            match self.peek() {
                b' ' => self.at += 1,
                b'\t' if flow => self.at += 1,
                b'\t' => return Err(Decline),
                b'\n' | b'\r' => {
                    self.newline();
                    breaks += 1;
                }
                _ => return Ok(breaks),
            }
        }
    }

    /// A single- or double-quoted scalar, as libyaml's `scan_flow_scalar` reads it.
    fn quoted(&mut self) -> Step<Read<'t>> {
        let pos = self.pos();
        let single = self.peek() == b'\'';
        let quote = self.peek();
        self.at += 1;
        let start = self.at;
        // One line, no escapes: borrow.
        let mut look = start;
        while let Some(&b) = self.bytes.get(look) {
            if b == quote {
                let doubled = single && self.bytes.get(look + 1) == Some(&b'\'');
                if doubled {
                    break;
                }
                let text = self.slice(start, look)?;
                self.at = look + 1;
                let end = self.pos();
                return Ok(Read {
                    text: Cow::Borrowed(text),
                    pos,
                    end,
                });
            }
            if is_break(b) || (!single && b == b'\\') {
                break;
            }
            look += 1;
        }
        let text = self.quoted_slow(single)?;
        let end = self.pos();
        Ok(Read {
            text: Cow::Owned(text),
            pos,
            end,
        })
    }

    /// The general case of [`Self::quoted`], from just after the opening quote to just after
    /// the closing one: escapes, doubled quotes, and line folding.
    fn quoted_slow(&mut self, single: bool) -> Step<String> {
        let quote = if single { b'\'' } else { b'"' };
        let mut text = String::new();
        loop {
            if self.at_any_document_marker() || self.eof() {
                return Err(Decline);
            }
            // Non-blank characters up to a blank, break or the closing quote.
            let mut escaped_break = false;
            loop {
                let b = self.peek();
                if is_blankz(b) {
                    break;
                }
                if single && b == b'\'' && self.peek_at(1) == b'\'' {
                    text.push('\'');
                    self.at += 2;
                    continue;
                }
                if b == quote {
                    self.at += 1;
                    return Ok(text);
                }
                if !single && b == b'\\' {
                    if is_break(self.peek_at(1)) {
                        self.at += 1;
                        self.newline();
                        escaped_break = true;
                        break;
                    }
                    self.escape(&mut text)?;
                    continue;
                }
                let ch = self.char_here()?;
                text.push(ch);
                self.at += ch.len_utf8();
            }
            // Blanks and breaks: blanks inside a line are kept, a break folds.
            let mut whitespace = String::new();
            let mut breaks = 0usize;
            let mut leading_blanks = escaped_break;
            loop {
                match self.peek() {
                    b' ' | b'\t' => {
                        if !leading_blanks {
                            whitespace.push(char::from(self.peek()));
                        }
                        self.at += 1;
                    }
                    b'\n' | b'\r' => {
                        self.newline();
                        if leading_blanks {
                            breaks += 1;
                        } else {
                            whitespace.clear();
                            leading_blanks = true;
                        }
                    }
                    _ => break,
                }
            }
            if !leading_blanks {
                text.push_str(&whitespace);
            } else if escaped_break {
                (0..breaks).for_each(|_| text.push('\n'));
            } else if breaks == 0 {
                text.push(' ');
            } else {
                (0..breaks).for_each(|_| text.push('\n'));
            }
        }
    }

    /// One `\` escape of a double-quoted scalar, appended to `text`.
    fn escape(&mut self, text: &mut String) -> Step<()> {
        let code = self.peek_at(1);
        let simple = match code {
            b'0' => Some('\0'),
            b'a' => Some('\x07'),
            b'b' => Some('\x08'),
            b't' | b'\t' => Some('\t'),
            b'n' => Some('\n'),
            b'v' => Some('\x0b'),
            b'f' => Some('\x0c'),
            b'r' => Some('\r'),
            b'e' => Some('\x1b'),
            b' ' => Some(' '),
            b'"' => Some('"'),
            b'/' => Some('/'),
            b'\\' => Some('\\'),
            b'N' => Some('\u{85}'),
            b'_' => Some('\u{a0}'),
            b'L' => Some('\u{2028}'),
            b'P' => Some('\u{2029}'),
            _ => None,
        };
        self.at += 2;
        if let Some(ch) = simple {
            text.push(ch);
            return Ok(());
        }
        let width = match code {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => return Err(Decline),
        };
        let digits = self.text.get(self.at..self.at + width).ok_or(Decline)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Decline);
        }
        let value = u32::from_str_radix(digits, 16).map_err(|_| Decline)?;
        text.push(char::from_u32(value).ok_or(Decline)?);
        self.at += width;
        Ok(())
    }

    /// `|` or `>` with its indicators, and the lines indented under it, as libyaml's
    /// `scan_block_scalar` reads them.
    fn block_scalar(&mut self, indent: i64, props: Option<Props<'t>>) -> Step<()> {
        let own_pos = self.pos();
        let literal = self.peek() == b'|';
        self.at += 1;
        let (chomping, increment) = self.block_header()?;
        let mut block_indent = match increment {
            Some(step) if indent >= 0 => indent + step,
            Some(step) => step,
            None => 0,
        };
        let mut text = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        let mut trailing = self.block_breaks(&mut block_indent, indent)?;
        while self.column0() == block_indent && !self.eof() {
            let trailing_blank = is_blank(self.peek());
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if trailing == 0 {
                    text.push(' ');
                }
            } else if leading_break {
                text.push('\n');
            }
            (0..trailing).for_each(|_| text.push('\n'));
            leading_blank = is_blank(self.peek());
            let start = self.at;
            while !is_break(self.peek()) && !self.eof() {
                self.at += 1;
            }
            text.push_str(self.slice(start, self.at)?);
            leading_break = is_break(self.peek());
            if leading_break {
                self.newline();
            }
            trailing = self.block_breaks(&mut block_indent, indent)?;
        }
        if chomping != Chomping::Strip && leading_break {
            text.push('\n');
        }
        if chomping == Chomping::Keep {
            (0..trailing).for_each(|_| text.push('\n'));
        }
        let (tag, anchor, pos) = match props {
            Some(p) => (p.tag, p.anchor, p.pos),
            None => (None, None, own_pos),
        };
        self.emit(Item::Scalar(Scalar {
            text: Cow::Owned(text),
            style: Style::Block,
            tag,
            anchor,
            pos,
            end: pos,
        }))
    }

    /// The indicators after `|` or `>` (`|-`, `>+2`, `|2-`), an optional comment, the break.
    fn block_header(&mut self) -> Step<(Chomping, Option<i64>)> {
        let mut chomping = Chomping::Clip;
        let mut increment = None;
        for _ in 0..2 {
            match self.peek() {
                b'+' if chomping == Chomping::Clip => chomping = Chomping::Keep,
                b'-' if chomping == Chomping::Clip => chomping = Chomping::Strip,
                b @ b'1'..=b'9' if increment.is_none() => increment = Some(i64::from(b - b'0')),
                _ => break,
            }
            self.at += 1;
        }
        self.skip_blanks()?;
        if self.peek() == b'#' {
            self.skip_comment();
        }
        match self.peek() {
            b'\n' | b'\r' => self.newline(),
            0 => {}
            _ => return Err(Decline),
        }
        Ok((chomping, increment))
    }

    /// Empty lines before a block scalar's next content line (returned as a count of line
    /// breaks), fixing the scalar's indentation on the first call when no indicator gave it.
    fn block_breaks(&mut self, block_indent: &mut i64, indent: i64) -> Step<usize> {
        let mut max_indent = 0;
        let mut breaks = 0;
        loop {
            while (*block_indent == 0 || self.column0() < *block_indent) && self.peek() == b' ' {
                self.at += 1;
            }
            max_indent = max_indent.max(self.column0());
            if (*block_indent == 0 || self.column0() < *block_indent) && self.peek() == b'\t' {
                return Err(Decline);
            }
            if !is_break(self.peek()) {
                break;
            }
            self.newline();
            breaks += 1;
        }
        if *block_indent == 0 {
            *block_indent = max_indent.max(indent + 1).max(1);
        }
        Ok(breaks)
    }

    // ---- characters, lines and positions ------------------------------------------------

    fn peek(&self) -> u8 {
        self.bytes.get(self.at).copied().unwrap_or(0)
    }

    fn peek_at(&self, ahead: usize) -> u8 {
        self.bytes.get(self.at + ahead).copied().unwrap_or(0)
    }

    fn eof(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn char_here(&self) -> Step<char> {
        self.text
            .get(self.at..)
            .and_then(|rest| rest.chars().next())
            .ok_or(Decline)
    }

    fn slice(&self, from: usize, to: usize) -> Step<&'t str> {
        self.text.get(from..to).ok_or(Decline)
    }

    /// Past a `\n` or `\r\n`.
    fn newline(&mut self) {
        if self.peek() == b'\r' {
            self.at += 1;
        }
        self.at += 1;
        self.line = self.line.saturating_add(1);
        self.line_start = self.at;
        self.col_mark = (self.at, 1);
    }

    fn pos(&mut self) -> Pos {
        self.pos_at(self.at)
    }

    /// The position of a byte offset on the current line.
    fn pos_at(&mut self, offset: usize) -> Pos {
        let (mark, mark_col) = self.col_mark;
        let (from, base) = if offset >= mark && mark >= self.line_start {
            (mark, mark_col)
        } else {
            (self.line_start, 1)
        };
        let counted = self.bytes.get(from..offset).map_or(0, count_chars);
        let col = base.saturating_add(sat_u32(counted));
        self.col_mark = (offset, col);
        Pos::new(self.line, col)
    }

    /// The 0-based column of the reader, as libyaml's marks count it.
    fn column0(&mut self) -> i64 {
        i64::from(self.pos().col) - 1
    }

    /// Spaces (and tabs, which separate tokens but never indent).
    fn skip_blanks(&mut self) -> Step<()> {
        while is_blank(self.peek()) {
            self.at += 1;
        }
        Ok(())
    }

    /// Spaces after `-` or a block `:`, where libyaml allows a key to start and so refuses a
    /// tab.
    fn skip_spaces(&mut self) -> Step<()> {
        while self.peek() == b' ' {
            self.at += 1;
        }
        if self.peek() == b'\t' {
            return Err(Decline);
        }
        Ok(())
    }

    fn skip_comment(&mut self) {
        while !is_break(self.peek()) && !self.eof() {
            self.at += 1;
        }
    }

    /// Blanks, comments and line breaks up to the next content, or the end. A tab where the
    /// next line's indentation is read is declined (libyaml refuses it there).
    fn skip_to_content(&mut self) -> Step<()> {
        let mut line_start = self.at == self.line_start;
        loop {
            match self.peek() {
                b' ' => self.at += 1,
                b'\t' if line_start => return Err(Decline),
                b'\t' => self.at += 1,
                b'#' => self.skip_comment(),
                b'\n' | b'\r' => {
                    self.newline();
                    line_start = true;
                }
                _ => return Ok(()),
            }
        }
    }

    /// Inside a flow collection: blanks, comments and line breaks, at any indentation.
    fn skip_flow_space(&mut self) -> Step<()> {
        loop {
            match self.peek() {
                b' ' | b'\t' => self.at += 1,
                b'#' => self.skip_comment(),
                b'\n' | b'\r' => self.newline(),
                _ if self.at_any_document_marker() => return Err(Decline),
                _ => return Ok(()),
            }
        }
    }

    /// At a line break, a comment or the end.
    fn at_line_end(&self) -> bool {
        matches!(self.peek(), b'\n' | b'\r' | b'#' | 0)
    }

    /// After a node: nothing more on the line but a comment.
    fn line_ends(&mut self) -> Step<()> {
        self.skip_blanks()?;
        if self.at_line_end() {
            Ok(())
        } else {
            Err(Decline)
        }
    }

    /// At `-` followed by a blank or the line end.
    fn at_block_entry(&self) -> bool {
        self.peek() == b'-' && is_blankz(self.peek_at(1))
    }

    /// At `:` followed by a blank or the line end.
    fn at_value_indicator(&self) -> bool {
        self.peek() == b':' && is_blankz(self.peek_at(1))
    }

    /// At `---` or `...` (`mark`) at the start of a line, followed by a blank or the end.
    fn at_document_marker(&self, mark: u8) -> bool {
        self.at == self.line_start
            && self.bytes.get(self.at..self.at + 3) == Some(&[mark, mark, mark][..])
            && is_blankz(self.peek_at(3))
    }

    fn at_any_document_marker(&self) -> bool {
        self.at_document_marker(b'-') || self.at_document_marker(b'.')
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomping {
    Clip,
    Strip,
    Keep,
}

/// The properties a node takes when they may have been written before it or on its line,
/// but not both.
fn one_of<'t>(before: Option<Props<'t>>, here: Option<Props<'t>>) -> Step<Option<Props<'t>>> {
    match (before, here) {
        (Some(_), Some(_)) => Err(Decline),
        (before, here) => Ok(before.or(here)),
    }
}

fn scalar_of<'t>(read: Read<'t>, style: Style, props: Option<Props<'t>>) -> Item<'t> {
    let (tag, anchor, pos) = match props {
        Some(p) => (p.tag, p.anchor, p.pos),
        None => (None, None, read.pos),
    };
    Item::Scalar(Scalar {
        text: read.text,
        style,
        tag,
        anchor,
        pos,
        end: read.end,
    })
}

fn item_pos(item: &Item<'_>) -> Pos {
    match item {
        Item::Scalar(scalar) => scalar.pos,
        Item::Alias(_, pos) => *pos,
    }
}

/// Keys must be written on one line.
fn item_spans_lines(item: &Item<'_>) -> bool {
    match item {
        Item::Scalar(scalar) => {
            scalar.end.line != scalar.pos.line || scalar.text.len() > MAX_KEY_BYTES
        }
        Item::Alias(..) => false,
    }
}
