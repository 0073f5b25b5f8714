//! Our YAML reader: YAML text into [`Builder`] events, with libyaml's rules for what is read
//! and where each node is (libyaml-safer, the reader it replaced, is kept as a reference:
//! `tests/yaml_differential.rs` checks that both read every corpus template into the same tree,
//! refuse the same broken texts with errors of the same kind at the same place, and agree on
//! generated documents).
//!
//! It reads block mappings and sequences (indentless and compact ones too, explicit `? `
//! keys), plain, quoted and block scalars over one or more lines, flow collections over one or
//! more lines, tags (`!Ref`, `!!str`, `!<verbatim>`, `%TAG` handles), anchors, aliases,
//! comments, `%YAML`/`%TAG` directives, `---`/`...`, a byte-order mark, `\n`, `\r\n` and `\r`
//! line breaks, and libyaml's leniencies that real templates rely on (a flow collection closed
//! at its parent's indentation, under-indented quoted continuation lines, `'...'#`).
//! Positions follow libyaml's marks: a node starts at its tag or anchor, an empty value sits
//! just after its `:` or `-`; lines and columns count from 1, columns in characters.
//!
//! It refuses on purpose, with a message saying so, two things libyaml reads and templates do
//! not use: explicit keys inside flow collections (`{? a: b}`) and the YAML 1.1 line breaks
//! NEL, LS and PS. Every other refusal is a syntax error with the place it was found.
//!
//! It cannot panic: it indexes nothing (bytes are read through `get`), and its recursion (a
//! few frames per nesting level, at most [`MAX_DEPTH`] levels, which the builder enforces)
//! runs on a stack that `stacker` grows when it runs low. The `yaml_fast` fuzz target runs it
//! on arbitrary bytes with no panic net.

use super::builder::{Builder, Scalar, Style};
use crate::error::{is_continuation, pos_of_offset, Duplicates, ErrorKind, Lines, LoadError};
use crate::value::{Node, Pos};
use crate::MAX_DEPTH;
use std::borrow::Cow;

/// What a reading step gives: a syntax error with its position, or the builder's own error
/// (a duplicate key, nesting too deep, a bad alias, ...).
type Step<T> = Result<T, LoadError>;

/// The deepest nesting the reader follows: the builder refuses deeper trees anyway (a tag's
/// long form counts as a level there), and the reader recurses a few frames per level, so this
/// bounds its stack too.
const MAX_NESTING: usize = MAX_DEPTH + 1;

/// How far, in bytes, libyaml looks for an implicit key's `:` from the key's first token (its
/// tag or anchor, when it has one): `k: v` with `k` 1,100 bytes long is refused.
const MAX_KEY_BYTES: usize = 1024;

/// Reads one document. Builder warnings (duplicate keys kept, unknown tags) go to
/// `duplicates`.
pub(super) fn parse(text: &str, duplicates: &mut Duplicates) -> Result<Node, LoadError> {
    if let Some(error) = unreadable_character(text) {
        return Err(error);
    }
    let mut builder = Builder::new(duplicates);
    let mut reader = Reader::new(text, &mut builder);
    reader.stream()?;
    builder.finish()
}

/// The first character YAML does not allow in a document (a control character, or a
/// byte-order mark after the start), or one this reader does not take as a line break (NEL,
/// LS, PS), as an error at its position.
fn unreadable_character(text: &str) -> Option<LoadError> {
    let bytes = text.as_bytes();
    let ascii_ok = |b: u8| matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7e);
    // Whole chunks without an early exit, so the common all-ASCII check is vectorised.
    let all_ascii_ok = bytes
        .chunks(256)
        .all(|chunk| chunk.iter().fold(true, |ok, &b| ok & ascii_ok(b)));
    if all_ascii_ok {
        return None;
    }
    let (offset, c) = text.char_indices().find(|&(offset, c)| match c {
        '\u{0}'..='\u{7f}' => !ascii_ok(c as u8),
        '\u{feff}' => offset != 0,
        '\u{85}' | '\u{2028}' | '\u{2029}' => true,
        '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}' => false,
        _ => true,
    })?;
    let message = match c {
        '\u{85}' | '\u{2028}' | '\u{2029}' => format!(
            "U+{:04X} is a line break YAML 1.1 knew but sagerules does not read; use \\n",
            u32::from(c)
        ),
        _ => format!(
            "U+{:04X} is not allowed in a YAML document (a control character?)",
            u32::from(c)
        ),
    };
    Some(LoadError::new(
        pos_of_offset(bytes, offset),
        ErrorKind::Syntax,
        message,
    ))
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

/// Characters of a tag after its handle (libyaml's URI characters, `%` escapes aside).
fn is_tag_char(b: u8) -> bool {
    is_name(b)
        || matches!(
            b,
            b';' | b'/'
                | b'?'
                | b':'
                | b'@'
                | b'&'
                | b'='
                | b'+'
                | b'$'
                | b'.'
                | b'!'
                | b'~'
                | b'*'
                | b'\''
                | b'('
                | b')'
        )
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
    lines: Lines,
    out: &'b mut Builder<'d>,
    depth: usize,
    /// `%TAG` handles and their prefixes.
    handles: Vec<(&'t str, &'t str)>,
    /// Whitespace before this offset was read by a plain scalar looking for a continuation
    /// line, which takes tabs that indent more than its parent (libyaml reads it so too).
    vetted_until: usize,
    /// The column of the block collection a flow collection sits in (-1 at the top level):
    /// libyaml refuses a tab that indents a plain scalar's continuation line up to it, even
    /// inside `[...]` (`a: [b,\n\tc]`).
    flow_parent_indent: i64,
}

impl<'t, 'b, 'd> Reader<'t, 'b, 'd> {
    fn new(text: &'t str, out: &'b mut Builder<'d>) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            at: 0,
            lines: Lines::new(),
            out,
            depth: 0,
            handles: Vec::new(),
            vetted_until: 0,
            flow_parent_indent: -1,
        }
    }

    // ---- the document -------------------------------------------------------------------

    fn stream(&mut self) -> Step<()> {
        if self.text.starts_with('\u{feff}') {
            // `load` has dropped the file's byte-order mark already; a second one is read past
            // as libyaml does, counted as a column.
            self.at = 3;
        }
        self.skip_to_content()?;
        if self.eof() {
            return Ok(()); // no document: the builder reports an empty one
        }
        self.document()?;
        self.skip_to_content()?;
        if self.at_document_marker(b'.') {
            self.at += 3;
            self.skip_to_content()?;
        }
        if self.eof() {
            return Ok(());
        }
        if self.at_document_marker(b'-') || self.at_directive() {
            // A second document: the builder refuses it at its start.
            let pos = self.pos();
            self.out.document_start(pos)?;
        }
        Err(self.refuse("expected the end of the document (`...`, `---` or the end of the file)"))
    }

    /// One document: directives, `---`, the root node (on the `---` line or below it).
    fn document(&mut self) -> Step<()> {
        let start = self.pos();
        if self.at_document_marker(b'.') {
            return Err(self.refuse("a document end marker `...` before any document"));
        }
        let directives = self.at_directive();
        while self.at_directive() {
            self.directive()?;
            self.skip_to_content()?;
        }
        if !self.at_document_marker(b'-') {
            if directives {
                return Err(self.refuse("directives must be followed by `---`"));
            }
            self.out.document_start(start)?;
            let col = self.column0();
            return self.own_line(-1, col, None);
        }
        self.out.document_start(start)?;
        self.at += 3;
        self.skip_blanks()?;
        if !self.at_line_end() {
            // `--- !Tag`, `--- text`, `--- {a: 1}`: the root starts on the marker's line.
            let empty = self.pos();
            return self.block_value(-1, false, false, empty);
        }
        self.skip_to_content()?;
        let empty = self.pos();
        if self.eof() || self.at_any_document_marker() || self.at_directive() {
            return self.empty_scalar(None, empty);
        }
        let col = self.column0();
        self.own_line(-1, col, None)
    }

    /// A `%` that starts a line; an indented one starts no token at all (` %YAML 1.2`).
    fn at_directive(&mut self) -> bool {
        self.peek() == b'%' && self.column0() == 0
    }

    /// `%YAML 1.2` or `%TAG !e! tag:example.com,2000:` on a line of its own.
    fn directive(&mut self) -> Step<()> {
        let pos = self.pos();
        self.at += 1;
        let name = self.name()?;
        let after_name = self.pos();
        if !is_blankz(self.peek()) {
            // `%TAG!e! ...`, `%YAML1.2`: libyaml wants a blank after the name.
            return Err(self.refuse("a directive's name ends with a space (`%TAG !e! prefix`)"));
        }
        self.skip_blanks()?;
        match name {
            "YAML" => {
                let version = self.word();
                if !matches!(version, "1.1" | "1.2" | "1.0") {
                    let message = format!("%YAML {version}: only YAML 1.x documents are read");
                    return Err(LoadError::new(pos, ErrorKind::Syntax, message));
                }
            }
            "TAG" => {
                let handle = self.word();
                self.skip_blanks()?;
                let prefix_start = self.at;
                while is_tag_char(self.peek()) || matches!(self.peek(), b',' | b'[' | b']') {
                    self.at += 1;
                }
                if !is_blankz(self.peek()) {
                    return Err(self.refuse("a %TAG prefix is made of URI characters"));
                }
                let prefix = self.slice(prefix_start, self.at)?;
                let handle_ok = handle == "!"
                    || handle == "!!"
                    || (handle.len() > 2
                        && handle.starts_with('!')
                        && handle.ends_with('!')
                        && handle.bytes().skip(1).take(handle.len() - 2).all(is_name));
                if !handle_ok || prefix.is_empty() {
                    let message =
                        "a %TAG directive takes a handle (`!`, `!!`, `!name!`) and a prefix";
                    return Err(LoadError::new(pos, ErrorKind::Syntax, message));
                }
                self.handles.push((handle, prefix));
            }
            _ => {
                // YAML says to ignore them with a warning; libyaml refuses them, and so do we.
                let message = format!("unknown directive %{name} (only %YAML and %TAG exist)");
                return Err(LoadError::new(after_name, ErrorKind::Syntax, message));
            }
        }
        self.skip_blanks()?;
        if self.at_line_end() {
            self.skip_comment();
            Ok(())
        } else {
            Err(self.refuse("unexpected text after a directive"))
        }
    }

    /// Non-blank characters up to a blank or the line end.
    fn word(&mut self) -> &'t str {
        let start = self.at;
        while !is_blankz(self.peek()) {
            self.at += 1;
        }
        self.text.get(start..self.at).unwrap_or_default()
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
        // After `-`, `?` and an explicit entry's `:` a key may start, and libyaml refuses a
        // tab there; after an implicit key's `:` it skips tabs.
        if compact {
            self.skip_spaces()?;
        } else {
            self.skip_blanks()?;
        }
        if compact && self.at_block_entry() {
            let col = self.column0();
            return self.block_sequence(col, None, false);
        }
        if compact && self.at_explicit_key() {
            let col = self.column0();
            return self.block_mapping(col, None, None);
        }
        let props = self.properties()?;
        if !self.at_line_end() {
            return self.same_line(indent, None, props, compact);
        }
        self.skip_to_content()?;
        let col = self.column0();
        // libyaml also takes a block scalar at the parent's own column as the value.
        let at_parent_column = col == indent
            && ((indentless && self.at_block_entry()) || matches!(self.peek(), b'|' | b'>'));
        let nested = col > indent || at_parent_column;
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
        if self.at_explicit_key() {
            return self.block_mapping(col, before, None);
        }
        let here = self.properties()?;
        if here.is_none() || !self.at_line_end() {
            return self.same_line(indent, before, here, true);
        }
        // A tag or anchor alone on its line (`!If` above `- Cond`): it belongs to the node
        // on the next content line, or to an empty node.
        let here = one_of(before, here).map_err(|()| self.two_props())?;
        self.skip_to_content()?;
        let next = self.column0();
        let at_end = self.eof() || self.at_any_document_marker();
        if at_end || next < indent || (next == indent && !self.at_block_entry()) {
            return self.empty_scalar(here, Pos::default());
        }
        if next == indent {
            let message = "a list at its parent's column after a tag or anchor on a line of its own is not supported; put the tag after the key";
            return Err(self.refuse(message));
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
                let props = one_of(before, here).map_err(|()| self.two_props())?;
                return self.block_scalar(indent, props);
            }
            b'[' | b'{' => {
                let props = one_of(before, here).map_err(|()| self.two_props())?;
                let pos = props.as_ref().map_or_else(|| self.pos(), |p| p.pos);
                self.flow_parent_indent = indent;
                self.flow_collection(props)?;
                self.skip_blanks()?;
                if self.at_value_indicator() {
                    return Err(complex_key(pos));
                }
                return self.line_ends();
            }
            b'*' => {
                if here.is_some() {
                    return Err(self.refuse("an alias cannot have a tag or an anchor"));
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
            _ => return Err(self.unexpected()),
        };
        self.skip_blanks()?;
        let is_key = self.at_value_indicator() && keys && !self.key_is_stale(item_pos(&item));
        if is_key {
            return self.block_mapping(key_col, before, Some(item));
        }
        let item = match (item, before) {
            (item, None) => item,
            (Item::Scalar(mut scalar), Some(props))
                if !(props.tag.is_some() && scalar.tag.is_some()
                    || props.anchor.is_some() && scalar.anchor.is_some()) =>
            {
                // `!Ref` on one line, `&a v` on the next: one node with both.
                scalar.tag = props.tag.or(scalar.tag);
                scalar.anchor = props.anchor.or(scalar.anchor);
                scalar.pos = props.pos;
                Item::Scalar(scalar)
            }
            _ => return Err(self.two_props()),
        };
        if self.at_value_indicator() {
            // As in libyaml, the value is read before the misplaced `:` is refused.
            let stale = self.key_is_stale(item_pos(&item));
            self.emit(item)?;
            if stale && keys {
                return Err(
                    self.refuse("a key must be on one line and at most 1024 characters long")
                );
            }
            return Err(
                self.refuse("a mapping value is not allowed here (a second `: ` on the line?)")
            );
        }
        self.emit(item)?;
        self.line_ends()
    }

    /// A block mapping at column `col` whose first key has been read; the reader is at its
    /// `:`.
    fn block_mapping(
        &mut self,
        col: i64,
        props: Option<Props<'t>>,
        first: Option<Item<'t>>,
    ) -> Step<()> {
        grow_stack(|| self.block_mapping_here(col, props, first))
    }

    /// `first` is `None` when the mapping starts with an explicit key (`? key`) at the reader.
    fn block_mapping_here(
        &mut self,
        col: i64,
        props: Option<Props<'t>>,
        first: Option<Item<'t>>,
    ) -> Step<()> {
        let pos = match (&props, &first) {
            (Some(p), _) => p.pos,
            (None, Some(item)) => item_pos(item),
            (None, None) => self.pos(),
        };
        self.open(false, props, pos)?;
        let mut key = first;
        loop {
            match key {
                Some(item) => {
                    self.emit(item)?;
                    self.at += 1; // the `:`
                    let empty = self.pos();
                    self.block_value(col, true, false, empty)?;
                }
                None => self.explicit_entry(col)?,
            }
            if !self.another_entry_at(col, "the keys of its mapping")? {
                break;
            }
            if self.at_block_entry() {
                return Err(self.refuse("a list entry `- ` where a mapping key was expected"));
            }
            key = if self.at_explicit_key() {
                None
            } else {
                Some(self.key_item()?)
            };
        }
        self.close()
    }

    /// `? key` and, on a later line at the mapping's column, `: value` (or no value: null).
    /// A key that is a map or a list is refused by the builder.
    fn explicit_entry(&mut self, col: i64) -> Step<()> {
        self.at += 1; // the `?`
        let empty = self.pos();
        self.block_value(col, true, true, empty)?;
        self.skip_to_content()?;
        let at_end = self.eof() || self.at_any_document_marker();
        if !at_end && self.column0() == col && self.at_value_indicator() {
            self.at += 1;
            let empty = self.pos();
            return self.block_value(col, true, true, empty);
        }
        let pos = self.pos();
        self.empty_scalar(None, pos)
    }

    /// After an entry of a block collection at column `col`: true when the next content line
    /// is at that column (another entry), false when the collection has ended (the end, a
    /// document marker, a line indented less); a line indented more is an error.
    fn another_entry_at(&mut self, col: i64, entries: &str) -> Step<bool> {
        self.skip_to_content()?;
        if self.eof() || self.at_any_document_marker() {
            return Ok(false);
        }
        let next = self.column0();
        if next > col {
            let message = format!("this line is indented more than {entries}");
            return Err(self.refuse(&message));
        }
        Ok(next == col)
    }

    /// At `?` followed by a blank or the line end.
    fn at_explicit_key(&self) -> bool {
        self.peek() == b'?' && is_blankz(self.peek_at(1))
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
            _ => return Err(self.unexpected()),
        };
        self.skip_blanks()?;
        if item_spans_lines(&item) {
            return Err(self.refuse("a key must be on one line and at most 1024 characters long"));
        }
        if !self.at_value_indicator() {
            return Err(self.refuse("could not find the `:` after this mapping key"));
        }
        if self.key_is_stale(item_pos(&item)) {
            return Err(self.refuse("a key must be on one line and at most 1024 characters long"));
        }
        Ok(item)
    }

    /// A block sequence at column `col`; the reader is at its first `-`.
    fn block_sequence(&mut self, col: i64, props: Option<Props<'t>>, indentless: bool) -> Step<()> {
        grow_stack(|| self.block_sequence_here(col, props, indentless))
    }

    fn block_sequence_here(
        &mut self,
        col: i64,
        props: Option<Props<'t>>,
        indentless: bool,
    ) -> Step<()> {
        let pos = props.as_ref().map_or_else(|| self.pos(), |p| p.pos);
        self.open(true, props, pos)?;
        loop {
            self.at += 1; // the `-`
            let empty = self.pos();
            self.block_value(col, false, true, empty)?;
            if !self.another_entry_at(col, "the entries of its list")? {
                break;
            }
            if !self.at_block_entry() {
                if indentless {
                    break;
                }
                return Err(self.refuse("expected a list entry `- ` at the list's column"));
            }
        }
        self.close()
    }

    // ---- flow collections ---------------------------------------------------------------

    /// `[a, b]` or `{k: v}`, over as many lines as it takes; the reader is at the bracket.
    fn flow_collection(&mut self, props: Option<Props<'t>>) -> Step<()> {
        grow_stack(|| self.flow_collection_here(props))
    }

    fn flow_collection_here(&mut self, props: Option<Props<'t>>) -> Step<()> {
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
            if self.flow_ends(b']')? {
                return Ok(());
            }
            let item = self.flow_item()?;
            self.skip_flow_space()?;
            match item {
                Some(key) if self.peek() == b':' => self.flow_pair(key)?,
                Some(item) => self.emit(item)?,
                None if self.peek() == b':' => return Err(self.complex_key_here()),
                None => {}
            }
            if self.flow_separator(b']')? {
                return Ok(());
            }
        }
    }

    /// Before an entry of a flow collection: true (and past it) at its closing bracket
    /// `close` (`[]`, or `[a, ]` after a trailing comma).
    fn flow_ends(&mut self, close: u8) -> Step<bool> {
        self.skip_flow_space()?;
        let ends = self.peek() == close;
        if ends {
            self.at += 1;
        }
        Ok(ends)
    }

    /// After an entry of a flow collection: `,` (false: more may follow) or its closing
    /// bracket `close` (true).
    fn flow_separator(&mut self, close: u8) -> Step<bool> {
        match self.peek() {
            b',' => {
                self.at += 1;
                Ok(false)
            }
            b if b == close => {
                self.at += 1;
                Ok(true)
            }
            _ => Err(self.expected_separator(close)),
        }
    }

    fn expected_separator(&mut self, close: u8) -> LoadError {
        let message = format!(
            "expected `,` or `{}` in this flow collection",
            char::from(close)
        );
        self.refuse(&message)
    }

    fn flow_key_on_two_lines(&mut self) -> LoadError {
        self.refuse("a key in a flow collection must be on one line with its `:`, at most 1024 bytes from its start")
    }

    /// `[Ref: Name]`: a one-entry map inside a flow list; the reader is at the `:`.
    fn flow_pair(&mut self, key: Item<'t>) -> Step<()> {
        let pos = item_pos(&key);
        if self.key_is_stale(pos) {
            // libyaml reads the key as a plain entry, then stops at the `:`.
            self.emit(key)?;
            return Err(self.flow_key_on_two_lines());
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
            if self.flow_ends(b'}')? {
                return Ok(());
            }
            let Some(key) = self.flow_item()? else {
                return Err(self.complex_key_here());
            };
            let key_pos = item_pos(&key);
            self.emit(key)?;
            self.skip_flow_space()?;
            let has_value = self.peek() == b':';
            if has_value {
                if self.key_is_stale(key_pos) {
                    // libyaml gives the key an empty value (a merge key `<<` is refused for
                    // it), then stops at the `:`.
                    let here = self.pos();
                    self.empty_scalar(None, here)?;
                    return Err(self.flow_key_on_two_lines());
                }
                self.at += 1;
                self.skip_flow_space()?;
            }
            if !has_value && !matches!(self.peek(), b',' | b'}') {
                // `{"a" "b"}`: a second node where `:`, `,` or `}` belongs.
                return Err(self.expected_separator(b'}'));
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
            if self.flow_separator(b'}')? {
                return Ok(());
            }
        }
    }

    /// One node inside a flow collection; `None` when it was a nested collection, which has
    /// been emitted already.
    fn flow_item(&mut self) -> Step<Option<Item<'t>>> {
        let props = self.properties_in(true)?;
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
                let read = self.plain(self.flow_parent_indent, true)?;
                Ok(Some(scalar_of(read, Style::Plain, props)))
            }
            b'?' => {
                Err(self.refuse("explicit keys (`? key`) are not supported; write `key: value`"))
            }
            _ => Err(self.unexpected()),
        }
    }

    // ---- events -------------------------------------------------------------------------

    fn open(&mut self, list: bool, props: Option<Props<'t>>, pos: Pos) -> Step<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(LoadError::new(
                pos,
                ErrorKind::TooDeep,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        let (tag, anchor) = props.map_or((None, None), |p| (p.tag, p.anchor));
        self.out.open(list, anchor, tag.as_deref(), pos)
    }

    fn close(&mut self) -> Step<()> {
        self.depth = self.depth.saturating_sub(1);
        self.out.close()
    }

    fn emit(&mut self, item: Item<'t>) -> Step<()> {
        match item {
            Item::Scalar(scalar) => self.out.scalar(scalar),
            Item::Alias(name, pos) => self.out.alias(name, pos),
        }
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
        self.properties_in(false)
    }

    /// [`Self::properties`]; in a flow collection (`flow`), they may be on separate lines.
    fn properties_in(&mut self, flow: bool) -> Step<Option<Props<'t>>> {
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
                return Err(
                    self.refuse("a tag or anchor must be followed by a space or the line end")
                );
            }
            props.end = self.pos();
            if flow {
                self.skip_flow_space()?;
            } else {
                self.skip_blanks()?;
            }
        }
    }

    /// `!Ref` (kept as written), `!!str` (`tag:yaml.org,2002:str`), `!` alone, a verbatim
    /// `!<tag:example.com,2000:x>`, and the handles a `%TAG` directive declares.
    fn tag(&mut self) -> Step<Cow<'t, str>> {
        let start = self.at;
        let pos = self.pos();
        self.at += 1;
        if self.peek() == b'<' {
            self.at += 1;
            let from = self.at;
            while is_tag_char(self.peek()) || matches!(self.peek(), b',' | b'[' | b']') {
                self.at += 1;
            }
            if self.peek() != b'>' || self.at == from {
                return Err(self.refuse("expected the `>` that closes a verbatim tag `!<...>`"));
            }
            let uri = self.slice(from, self.at)?;
            self.at += 1;
            return Ok(Cow::Borrowed(uri));
        }
        let name_start = self.at;
        while is_name(self.peek()) {
            self.at += 1;
        }
        let (handle, suffix_start) = if self.peek() == b'!' {
            self.at += 1;
            (self.slice(start, self.at)?, self.at)
        } else {
            ("!", name_start)
        };
        while is_tag_char(self.peek()) {
            self.at += 1;
        }
        if self.peek() == b'%' {
            let message = "percent-escapes in tags are not supported";
            return Err(LoadError::new(pos, ErrorKind::Syntax, message));
        }
        let suffix = self.slice(suffix_start, self.at)?;
        if handle != "!" && suffix.is_empty() {
            let message = format!("the tag {handle} has nothing after its handle");
            return Err(LoadError::new(pos, ErrorKind::Syntax, message));
        }
        if handle == "!" && suffix.is_empty() {
            // The non-specific tag `!` is never expanded, even when `%TAG !` declares `!`.
            return Ok(Cow::Borrowed("!"));
        }
        if let Some((_, prefix)) = self.handles.iter().rev().find(|(h, _)| *h == handle) {
            return Ok(Cow::Owned(format!("{prefix}{suffix}")));
        }
        match handle {
            "!" => self.slice(start, self.at).map(Cow::Borrowed),
            "!!" => Ok(Cow::Owned(format!("tag:yaml.org,2002:{suffix}"))),
            _ => {
                let message =
                    format!("the tag handle {handle} is not declared by a %TAG directive");
                Err(LoadError::new(pos, ErrorKind::Syntax, message))
            }
        }
    }

    /// `*name`, followed by a blank, the line end, `:` or a flow indicator.
    fn alias_name(&mut self) -> Step<(&'t str, Pos)> {
        let pos = self.pos();
        self.at += 1;
        let name = self.name()?;
        let next = self.peek();
        if !(is_blankz(next) || next == b':' || is_flow_indicator(next)) {
            return Err(self.refuse("an alias name is made of letters, digits, `_` and `-`"));
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
            _ => Err(self.refuse("expected a name (letters, digits, `_`, `-`)")),
        }
    }

    // ---- scalars ------------------------------------------------------------------------

    /// A plain scalar, folded over continuation lines indented more than `indent` (any line
    /// in a flow collection, where `indent` is the enclosing block's and only bounds where
    /// a tab may indent), as libyaml's `scan_plain_scalar` reads it.
    fn plain(&mut self, indent: i64, flow: bool) -> Step<Read<'t>> {
        let pos = self.pos();
        let first = self.at;
        let mut end = self.plain_run(flow)?;
        if end == first {
            return Err(self.unexpected());
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
            let saved = (self.at, self.lines);
            let breaks = self.skip_breaks_in_plain(indent)?;
            let col = self.column0();
            let continues = !self.eof()
                && !self.at_any_document_marker()
                && self.peek() != b'#'
                && (flow || col > indent)
                && !self.plain_stops(flow);
            if !continues {
                self.vetted_until = self.at;
                (self.at, self.lines) = saved;
                self.at = end;
                break;
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
                    return Err(self
                        .refuse("unexpected `:` in a flow collection (write `: ` with a space)"));
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
    /// breaks. A tab where the next line's indentation is read (up to the parent's column) is
    /// an error, as in libyaml, in a flow collection too.
    fn skip_breaks_in_plain(&mut self, indent: i64) -> Step<usize> {
        let mut breaks = 0;
        loop {
            match self.peek() {
                b' ' => self.at += 1,
                b'\t' if self.column0() > indent => self.at += 1,
                b'\t' => {
                    return Err(self
                        .refuse("a tab character where indentation is read (indent with spaces)"))
                }
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
            if self.at_any_document_marker() {
                return Err(
                    self.refuse("a document marker inside a quoted scalar (a quote left open?)")
                );
            }
            if self.eof() {
                return Err(
                    self.refuse("the file ends inside a quoted scalar (a quote left open?)")
                );
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
        let escape_pos = self.pos_at(self.at.saturating_sub(2));
        let bad = |message: &str| LoadError::new(escape_pos, ErrorKind::Syntax, message);
        let width = match code {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => {
                return Err(bad(
                    "unknown escape in a double-quoted scalar (write `\\\\` for a backslash)",
                ))
            }
        };
        let digits = self.text.get(self.at..self.at + width).unwrap_or_default();
        if digits.len() != width || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("expected hexadecimal digits after this escape"));
        }
        let value = u32::from_str_radix(digits, 16).unwrap_or(u32::MAX);
        let Some(ch) = char::from_u32(value) else {
            return Err(bad("this escape is not a Unicode character"));
        };
        text.push(ch);
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
            _ => {
                let message = "expected a comment or the line end after a block scalar's `|` or `>` and its indicators";
                return Err(self.refuse(message));
            }
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
                return Err(self.refuse("a tab character where a block scalar's indentation is read (indent with spaces)"));
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
            .ok_or_else(|| self.lost())
    }

    fn slice(&self, from: usize, to: usize) -> Step<&'t str> {
        self.text.get(from..to).ok_or_else(|| self.lost())
    }

    /// An offset that is not on a character boundary: a bug in this reader, reported as an
    /// error rather than a panic.
    fn lost(&self) -> LoadError {
        let message =
            "the YAML reader lost its place in the text (a bug in sagerules; please report it)";
        LoadError::new(Pos::new(self.lines.line, 1), ErrorKind::Syntax, message)
    }

    /// A syntax error at the reader's position.
    fn refuse(&mut self, message: &str) -> LoadError {
        LoadError::new(self.pos(), ErrorKind::Syntax, message)
    }

    /// A character that cannot start a node here.
    fn unexpected(&mut self) -> LoadError {
        let message = match self.char_here() {
            Ok(c) => format!("{c:?} cannot start a value here"),
            Err(_) => "expected a value".to_string(),
        };
        self.refuse(&message)
    }

    fn two_props(&mut self) -> LoadError {
        self.refuse("a node has two sets of tags or anchors")
    }

    /// A flow collection followed by `:`, used as a key.
    fn complex_key_here(&mut self) -> LoadError {
        complex_key(self.pos())
    }

    /// Past a `\n`, `\r\n` or a lone `\r`.
    fn newline(&mut self) {
        if self.peek() == b'\r' && self.peek_at(1) == b'\n' {
            self.at += 1;
        }
        self.at += 1;
        self.lines.next_line(self.at);
    }

    fn pos(&mut self) -> Pos {
        self.pos_at(self.at)
    }

    /// The position of a byte offset on the current line.
    fn pos_at(&mut self, offset: usize) -> Pos {
        self.lines.pos_at(self.bytes, offset)
    }

    /// True when the `:` the reader is at is too far from an implicit key starting at
    /// `start` for libyaml to pair them: on a later line, or more than [`MAX_KEY_BYTES`]
    /// bytes on. Columns count characters, so only keys longer than a quarter of the limit
    /// are measured in bytes.
    fn key_is_stale(&mut self, start: Pos) -> bool {
        let here = self.pos();
        if here.line != start.line {
            return true;
        }
        let chars = usize::try_from(here.col.saturating_sub(start.col)).unwrap_or(usize::MAX);
        if chars.saturating_mul(4) <= MAX_KEY_BYTES {
            return false;
        }
        let line = self
            .bytes
            .get(self.lines.start..self.at)
            .unwrap_or_default();
        line.len().saturating_sub(chars_back(line, chars)) > MAX_KEY_BYTES
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

    /// Spaces after `-`, `?` or an explicit entry's `:`, where libyaml allows a key to start
    /// and so refuses a tab.
    fn skip_spaces(&mut self) -> Step<()> {
        while self.peek() == b' ' {
            self.at += 1;
        }
        if self.peek() == b'\t' {
            return Err(self.tab_error());
        }
        Ok(())
    }

    fn tab_error(&mut self) -> LoadError {
        self.refuse("a tab character where indentation or a key is read (YAML indents with spaces)")
    }

    fn skip_comment(&mut self) {
        while !is_break(self.peek()) && !self.eof() {
            self.at += 1;
        }
    }

    /// Blanks, comments and line breaks up to the next content, or the end. A tab where the
    /// next line's indentation is read is an error (libyaml refuses it there too).
    fn skip_to_content(&mut self) -> Step<()> {
        let mut line_start = self.at == self.lines.start;
        loop {
            match self.peek() {
                b' ' => self.at += 1,
                b'\t' if line_start && self.at >= self.vetted_until => {
                    return Err(self.tab_error());
                }
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
                _ if self.at_any_document_marker() => {
                    return Err(self.refuse(
                        "a document marker inside a flow collection (a bracket left open?)",
                    ));
                }
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
            Err(self.refuse(
                "unexpected text after a value (a missing `: `, or a quote in plain text?)",
            ))
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
        self.at == self.lines.start
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

/// The properties a node takes when they may have been written on a line before it, on its
/// own line, or a tag on one and an anchor on the other; two tags or two anchors are an error.
fn one_of<'t>(before: Option<Props<'t>>, here: Option<Props<'t>>) -> Result<Option<Props<'t>>, ()> {
    match (before, here) {
        (Some(first), Some(second)) => {
            let clash = first.tag.is_some() && second.tag.is_some()
                || first.anchor.is_some() && second.anchor.is_some();
            if clash {
                return Err(());
            }
            Ok(Some(Props {
                pos: first.pos,
                end: second.end,
                tag: first.tag.or(second.tag),
                anchor: first.anchor.or(second.anchor),
            }))
        }
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

/// Runs a step that reads one more level of nesting on a stack with room for it: the reader
/// recurses a few frames per level, and [`MAX_DEPTH`] levels would not fit in a small thread
/// stack (a debug build's 2 MiB test thread overflows near 300). stacker moves the rest of
/// the recursion to a new heap-allocated segment when less than `RED_ZONE` is left.
fn grow_stack<T>(step: impl FnOnce() -> T) -> T {
    const RED_ZONE: usize = 64 * 1024;
    const SEGMENT: usize = 1024 * 1024;
    stacker::maybe_grow(RED_ZONE, SEGMENT, step)
}

/// A map or list written where a key is read (`[a]: x`).
fn complex_key(pos: Pos) -> LoadError {
    let message = "a map or list used as a key; keys must be scalars";
    LoadError::new(pos, ErrorKind::ComplexKey, message)
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
        Item::Scalar(scalar) => scalar.end.line != scalar.pos.line,
        Item::Alias(..) => false,
    }
}

/// The offset in `line` (text of one line up to some point) that lies `chars` characters
/// before its end.
fn chars_back(line: &[u8], chars: usize) -> usize {
    let mut seen = 0;
    for (offset, &byte) in line.iter().enumerate().rev() {
        if !is_continuation(byte) {
            seen += 1;
            if seen == chars {
                return offset;
            }
        }
    }
    0
}
