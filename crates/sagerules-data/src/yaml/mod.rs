//! YAML documents into [`Node`] trees, built from libyaml-safer's event stream.
//!
//! Why libyaml-safer: it is libyaml (the reference C parser behind PyYAML, Ruby's Psych and,
//! through unsafe-libyaml, cfn-guard) ported to safe Rust. Real templates depend on libyaml's
//! leniency: yaml-rust2 (and the YAML 1.2-strict saphyr) reject 11 of the corpus's 2,029
//! templates (a `}` or `]` closing flow content at the parent's indentation, quoted scalars
//! whose continuation lines are under-indented, `'...'#` without a space), all of which
//! libyaml, cfn-guard and CloudFormation accept. Its pull parser gives every event its start
//! and end mark (the start mark includes the node's tag and anchor) and its raw tag, which is
//! all a position-keeping tree with CloudFormation tags needs. serde_yaml is deprecated and
//! drops positions.
//!
//! The builder keeps an explicit stack of open collections (no recursion), refuses nesting
//! deeper than [`MAX_DEPTH`] and stops alias expansion at [`MAX_ALIAS_NODES`].

mod chunks;
mod scalar;
mod tags;

use crate::error::{duplicate_key, sat_u32, Duplicates, ErrorKind, LoadError};
use crate::value::{Map, Node, Pos, Value};
use crate::{MAX_ALIAS_NODES, MAX_DEPTH};
use indexmap::map::raw_entry_v1::{RawEntryApiV1, RawEntryMut};
use libyaml_safer::{Encoding, Event, EventData, Mark, Parser, ScalarStyle};
use std::cell::Cell;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::panic::{self, AssertUnwindSafe};
use tags::{CoreType, TagAction};

pub(crate) use scalar::{core_float, core_int, key_text};

/// Parses exactly one YAML document.
///
/// ```text
/// Bucket:
///   Type: AWS::S3::Bucket
///   Arn: !GetAtt Bucket.Arn     # → {"Fn::GetAtt": ["Bucket", "Arn"]} at 3:8
/// ```
///
/// libyaml-safer 0.3 panics on a few inputs (a block scalar ending the file without a line
/// break; a tag directly followed by `,` in a flow collection). The text is given a final line
/// break, which avoids the first, and a panic that still happens is caught and returned as an
/// error, so callers never see one. A block scalar that ends the original text keeps no line
/// break the text did not have (`a: |\n  x` is `"x"`, as in YAML and CloudFormation).
pub(crate) fn parse(text: &str, duplicates: &mut Duplicates) -> Result<Node, LoadError> {
    let with_break;
    let (text, added_break) = if text.ends_with('\n') {
        (text, None)
    } else {
        with_break = format!("{text}\n");
        let last_line = crate::error::sat_u32(text.matches('\n').count() + 1);
        (with_break.as_str(), Some(last_line))
    };
    let last = Cell::new(Pos::new(1, 1));
    let run = panic::catch_unwind(AssertUnwindSafe(|| {
        parse_events(text, duplicates, &last, added_break)
    }));
    run.unwrap_or_else(|_| {
        let message = "the YAML parser failed after this point (libyaml-safer panicked)";
        Err(LoadError::new(last.get(), ErrorKind::Syntax, message))
    })
}

fn parse_events(
    text: &str,
    duplicates: &mut Duplicates,
    last: &Cell<Pos>,
    added_break: Option<u32>,
) -> Result<Node, LoadError> {
    let mut parser = Parser::new();
    parser.set_encoding(Encoding::Utf8);
    parser.set_input(chunks::Chunks::new(text.as_bytes()));
    let mut builder = Builder::new(duplicates);
    builder.added_break = added_break;
    loop {
        let event = parser.parse().map_err(|e| parser_error(&e))?;
        last.set(pos_of(&event.start_mark));
        if let Some(root) = builder.event(event)? {
            return Ok(root);
        }
    }
}

fn parser_error(error: &libyaml_safer::Error) -> LoadError {
    let pos = error
        .problem_mark()
        .map_or(Pos::new(1, 1), |mark| pos_of(&mark));
    let message = match error.context() {
        Some(context) => format!("{} {context}", error.problem()),
        None => error.problem().to_owned(),
    };
    LoadError::new(pos, ErrorKind::Syntax, message)
}

/// libyaml marks count lines and columns from 0.
fn pos_of(mark: &Mark) -> Pos {
    let one_based = |n: u64| u32::try_from(n).unwrap_or(u32::MAX).saturating_add(1);
    Pos::new(one_based(mark.line), one_based(mark.column))
}

/// An open collection.
struct Frame {
    kind: FrameKind,
    pos: Pos,
    anchor: Option<String>,
    tag: Option<TagAction>,
    /// Containers this frame adds to the depth: 2 when a tag wraps it in a one-entry map.
    levels: usize,
}

enum FrameKind {
    List(Vec<Node>),
    Map(MapFrame),
}

#[derive(Default)]
struct MapFrame {
    map: Map,
    key: Option<PendingKey>,
    /// The map's hash of the pending key, computed once for the duplicate check and reused
    /// by the insertion ([`store_value`]).
    key_hash: u64,
    /// Entries from `<<` merge keys (first source wins) and the entry index they go before.
    merged: Option<(usize, Map)>,
}

enum PendingKey {
    Key(Box<str>),
    Merge,
}

/// An anchored node kept for its aliases, with its node count and height.
struct Anchored {
    node: Node,
    count: usize,
    height: usize,
}

struct Builder<'d> {
    stack: Vec<Frame>,
    depth: usize,
    anchors: HashMap<String, Anchored>,
    copied: usize,
    documents: usize,
    root: Option<Node>,
    duplicates: &'d mut Duplicates,
    /// The last line of the original text when [`parse`] added a final line break to it.
    added_break: Option<u32>,
}

impl<'d> Builder<'d> {
    fn new(duplicates: &'d mut Duplicates) -> Self {
        Self {
            stack: Vec::new(),
            depth: 0,
            anchors: HashMap::new(),
            copied: 0,
            documents: 0,
            root: None,
            duplicates,
            added_break: None,
        }
    }

    /// Feeds one event; returns the root once the stream has ended.
    fn event(&mut self, event: Event) -> Result<Option<Node>, LoadError> {
        let pos = pos_of(&event.start_mark);
        match event.data {
            EventData::DocumentStart { .. } => self.document_start(pos)?,
            EventData::StreamEnd => return self.finish().map(Some),
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => {
                let end = pos_of(&event.end_mark);
                self.note_tag(tag.as_deref(), pos);
                let scalar = Scalar {
                    text: value,
                    style,
                    tag,
                    pos,
                    end,
                };
                self.scalar(scalar, anchor)?;
            }
            EventData::Alias { anchor } => self.alias(&anchor, pos)?,
            EventData::SequenceStart { anchor, tag, .. } => {
                self.note_tag(tag.as_deref(), pos);
                self.open(FrameKind::List(Vec::new()), anchor, tag, pos)?;
            }
            EventData::MappingStart { anchor, tag, .. } => {
                self.note_tag(tag.as_deref(), pos);
                self.open(FrameKind::Map(MapFrame::default()), anchor, tag, pos)?;
            }
            EventData::SequenceEnd | EventData::MappingEnd => self.close()?,
            EventData::StreamStart { .. } | EventData::DocumentEnd { .. } => {}
        }
        Ok(None)
    }

    fn document_start(&mut self, pos: Pos) -> Result<(), LoadError> {
        self.documents += 1;
        if self.documents > 1 {
            let message = "a second YAML document starts here; one file holds one document";
            return Err(LoadError::new(pos, ErrorKind::MultipleDocuments, message));
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<Node, LoadError> {
        self.root
            .take()
            .ok_or_else(|| LoadError::new(Pos::new(1, 1), ErrorKind::Empty, "empty document"))
    }

    /// True when the innermost open collection is a map waiting for a key.
    fn wants_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame { kind: FrameKind::Map(m), .. }) if m.key.is_none())
    }

    /// The innermost open map when it is waiting for a key.
    fn map_wanting_key(&mut self) -> Option<&mut MapFrame> {
        match self.stack.last_mut() {
            Some(Frame {
                kind: FrameKind::Map(map_frame),
                ..
            }) if map_frame.key.is_none() => Some(map_frame),
            _ => None,
        }
    }

    fn scalar(&mut self, mut scalar: Scalar, anchor: Option<String>) -> Result<(), LoadError> {
        let block = matches!(scalar.style, ScalarStyle::Literal | ScalarStyle::Folded);
        if block && self.added_break.is_some_and(|last| scalar.end.line > last) {
            // The break [`parse`] added is not the document's: drop it from the value.
            if scalar.text.ends_with('\n') {
                scalar.text.pop();
            }
        }
        if self.wants_key() {
            let merge = scalar.style == ScalarStyle::Plain && scalar.text == "<<";
            let key = if merge {
                PendingKey::Merge
            } else {
                PendingKey::Key(scalar.text.into())
            };
            return self.set_key(key, scalar.pos);
        }
        let node = scalar.into_node(self.depth)?;
        self.complete(node, anchor)
    }

    fn alias(&mut self, name: &str, pos: Pos) -> Result<(), LoadError> {
        let Some(anchored) = self.anchors.get(name) else {
            let message = format!(
                "alias *{name} names no finished anchor (undefined, or used inside its own node)"
            );
            return Err(LoadError::new(pos, ErrorKind::BadAlias, message));
        };
        if self.wants_key() {
            let Some(key) = key_text(&anchored.node.value) else {
                return Err(complex_key(pos));
            };
            return self.set_key(PendingKey::Key(key), pos);
        }
        let (count, height) = (anchored.count, anchored.height);
        if self.depth + height > MAX_DEPTH {
            return Err(too_deep(pos));
        }
        self.charge(count, pos)?;
        let Some(anchored) = self.anchors.get(name) else {
            return Ok(());
        };
        let mut node = anchored.node.clone();
        node.pos = pos;
        self.complete(node, None)
    }

    /// Counts `count` more copied nodes against [`MAX_ALIAS_NODES`].
    fn charge(&mut self, count: usize, pos: Pos) -> Result<(), LoadError> {
        self.copied = self.copied.saturating_add(count);
        if self.copied > MAX_ALIAS_NODES {
            let message = format!(
                "anchors and aliases copy more than {MAX_ALIAS_NODES} nodes (an alias bomb?)"
            );
            return Err(LoadError::new(pos, ErrorKind::AliasBudget, message));
        }
        Ok(())
    }

    /// A tag that is neither a YAML core tag nor a CloudFormation short form (`!Reff`) is kept
    /// in the tree (as `{"Reff": …}`) and noted as a warning of kind
    /// [`ErrorKind::UnknownTag`]: CloudFormation rejects such a template, so a template
    /// checker makes it an error, while plain data may keep it.
    fn note_tag(&mut self, tag: Option<&str>, pos: Pos) {
        if let Some(error) = tag.and_then(|tag| tags::unknown(tag, pos)) {
            self.duplicates.warnings.push(error);
        }
    }

    fn open(
        &mut self,
        kind: FrameKind,
        anchor: Option<String>,
        tag: Option<String>,
        pos: Pos,
    ) -> Result<(), LoadError> {
        if self.wants_key() {
            return Err(complex_key(pos));
        }
        let tag = tag.as_deref().map(tags::classify);
        let levels = if tag.as_ref().is_some_and(TagAction::wraps) {
            2
        } else {
            1
        };
        if self.depth + levels > MAX_DEPTH {
            return Err(too_deep(pos));
        }
        if let Some(name) = &anchor {
            // An alias inside this node must not find an older anchor of the same name.
            self.anchors.remove(name);
        }
        self.depth += levels;
        self.stack.push(Frame {
            kind,
            pos,
            anchor,
            tag,
            levels,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), LoadError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        self.depth = self.depth.saturating_sub(frame.levels);
        let value = match frame.kind {
            FrameKind::List(items) => Value::List(items),
            FrameKind::Map(map_frame) => Value::Map(merged_map(map_frame)),
        };
        let node = Node::new(value, frame.pos);
        let node = match frame.tag {
            Some(TagAction::Wrap(key)) => tags::wrap(&key, node, frame.pos),
            Some(TagAction::GetAtt) => tags::get_att(node, false, frame.pos),
            _ => node,
        };
        self.complete(node, frame.anchor)
    }

    /// A node is finished: remember it under its anchor, then put it in its parent.
    fn complete(&mut self, node: Node, anchor: Option<String>) -> Result<(), LoadError> {
        if let Some(name) = anchor {
            let (count, height) = measure(&node);
            self.charge(count, node.pos)?;
            self.anchors.insert(
                name,
                Anchored {
                    node: node.clone(),
                    count,
                    height,
                },
            );
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut frame.kind {
            FrameKind::List(items) => items.push(node),
            FrameKind::Map(map_frame) => store_value(map_frame, node)?,
        }
        Ok(())
    }

    fn set_key(&mut self, key: PendingKey, pos: Pos) -> Result<(), LoadError> {
        let Some(map_frame) = self.map_wanting_key() else {
            return Ok(());
        };
        let repeated = match &key {
            PendingKey::Key(name) => {
                map_frame.key_hash = map_frame.map.hasher().hash_one(&**name);
                let first = map_frame.map.raw_entry_v1();
                let first = first.from_key_hashed_nocheck(map_frame.key_hash, &**name);
                first.map(|(_, first)| (&**name, first.pos))
            }
            PendingKey::Merge => map_frame.merged.as_ref().map(|_| ("<<", pos)),
        };
        let error = repeated.map(|(name, first)| duplicate_key(name, pos, first));
        if matches!(key, PendingKey::Merge) && map_frame.merged.is_none() {
            map_frame.merged = Some((map_frame.map.len(), Map::new()));
        }
        map_frame.key = Some(key);
        match error {
            Some(error) => self.duplicates.found(error),
            None => Ok(()),
        }
    }
}

/// A scalar event's parts.
struct Scalar {
    text: String,
    style: ScalarStyle,
    tag: Option<String>,
    /// Where the scalar starts, tag and anchor included.
    pos: Pos,
    end: Pos,
}

impl Scalar {
    /// The node: plain text by the core schema, quoted text as a string, then its tag.
    fn into_node(self, depth: usize) -> Result<Node, LoadError> {
        let action = self.tag.as_deref().map(tags::classify);
        let levels = match &action {
            Some(TagAction::Wrap(_)) => 1,
            Some(TagAction::GetAtt) => 2,
            _ => 0,
        };
        if depth + levels > MAX_DEPTH {
            return Err(too_deep(self.pos));
        }
        let value_pos = self.value_pos();
        let plain_one_line = self.style == ScalarStyle::Plain && self.pos.line == self.end.line;
        let value = match &action {
            None if self.style == ScalarStyle::Plain => scalar::resolve_plain(&self.text),
            Some(TagAction::Core(core)) => core_value(*core, &self.text, self.pos)?,
            _ => Value::String(self.text.into()),
        };
        let node = Node::new(value, value_pos);
        Ok(match action {
            Some(TagAction::Wrap(key)) => tags::wrap(&key, node, self.pos),
            Some(TagAction::GetAtt) => tags::get_att(node, plain_one_line, self.pos),
            _ => node,
        })
    }

    /// Where the value itself starts: after its tag (`!Ref ` in `!Ref x`) when that can be
    /// told from the end mark (a plain scalar on one line), else the event's start.
    fn value_pos(&self) -> Pos {
        if self.tag.is_none() || self.style != ScalarStyle::Plain || self.pos.line != self.end.line
        {
            return self.pos;
        }
        let width = sat_u32(self.text.chars().count());
        let col = self.end.col.saturating_sub(width).max(self.pos.col);
        Pos::new(self.pos.line, col)
    }
}

impl TagAction {
    /// Does this tag wrap its node in one more map?
    fn wraps(&self) -> bool {
        matches!(self, TagAction::Wrap(_) | TagAction::GetAtt)
    }
}

/// Puts a finished value under the map's pending key, or merges it for `<<`.
fn store_value(map_frame: &mut MapFrame, node: Node) -> Result<(), LoadError> {
    match map_frame.key.take() {
        Some(PendingKey::Key(key)) => {
            insert_hashed(&mut map_frame.map, map_frame.key_hash, key, node);
            Ok(())
        }
        Some(PendingKey::Merge) => {
            let Some((_, merged)) = map_frame.merged.as_mut() else {
                return Ok(());
            };
            merge_source(merged, node)
        }
        None => Ok(()),
    }
}

/// `map.insert(key, node)` with the key's hash already known: a repeated key keeps its place
/// and takes the later value.
fn insert_hashed(map: &mut Map, hash: u64, key: Box<str>, node: Node) {
    match map.raw_entry_mut_v1().from_key_hashed_nocheck(hash, &*key) {
        RawEntryMut::Occupied(mut entry) => {
            entry.insert(node);
        }
        RawEntryMut::Vacant(entry) => {
            entry.insert_hashed_nocheck(hash, key, node);
        }
    }
}

/// Adds the entries of a `<<` value (a map, or a list of maps) that are not merged yet.
fn merge_source(merged: &mut Map, node: Node) -> Result<(), LoadError> {
    let sources = match node.value {
        Value::Map(map) => vec![map],
        Value::List(items) => items
            .into_iter()
            .map(|item| match item.value {
                Value::Map(map) => Ok(map),
                _ => Err(bad_merge(item.pos)),
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err(bad_merge(node.pos)),
    };
    for (key, value) in sources.into_iter().flatten() {
        merged.entry(key).or_insert(value);
    }
    Ok(())
}

fn bad_merge(pos: Pos) -> LoadError {
    let message = "a merge key `<<` takes a map or a list of maps (`<<: *defaults`)";
    LoadError::new(pos, ErrorKind::BadAlias, message)
}

/// The map's own entries with merged entries (those it does not set itself) inserted where
/// the `<<` key was written.
fn merged_map(map_frame: MapFrame) -> Map {
    let Some((at, merged)) = map_frame.merged else {
        return map_frame.map;
    };
    let own = map_frame.map;
    let merged: Vec<(Box<str>, Node)> = merged
        .into_iter()
        .filter(|(key, _)| !own.contains_key(key))
        .collect();
    let mut out = Map::with_capacity(own.len() + merged.len());
    let mut merged = Some(merged);
    for (index, (key, value)) in own.into_iter().enumerate() {
        if index == at {
            out.extend(merged.take().into_iter().flatten());
        }
        out.insert(key, value);
    }
    out.extend(merged.into_iter().flatten());
    out
}

/// Number of nodes and height (containers on the longest path) of a tree, without recursion.
fn measure(node: &Node) -> (usize, usize) {
    let mut count = 0;
    let mut height = 0;
    let mut todo = vec![(node, 0usize)];
    while let Some((next, level)) = todo.pop() {
        count += 1;
        match &next.value {
            Value::List(items) => todo.extend(items.iter().map(|child| (child, level + 1))),
            Value::Map(map) => todo.extend(map.values().map(|child| (child, level + 1))),
            _ => continue,
        }
        height = height.max(level + 1);
    }
    (count, height)
}

fn complex_key(pos: Pos) -> LoadError {
    let message = "a map or list used as a key; keys must be scalars";
    LoadError::new(pos, ErrorKind::ComplexKey, message)
}

fn too_deep(pos: Pos) -> LoadError {
    LoadError::new(
        pos,
        ErrorKind::TooDeep,
        format!("nesting deeper than {MAX_DEPTH} levels"),
    )
}

/// `!!int 42`, `!!float 1.5`, `!!bool true`, `!!null ~`: the text must fit the type.
fn core_value(core: CoreType, text: &str, pos: Pos) -> Result<Value, LoadError> {
    let value = match core {
        CoreType::Int => core_int(text),
        CoreType::Float => core_float(text).map(Value::Float),
        CoreType::Bool | CoreType::Null => match scalar::resolve_plain(text) {
            value @ Value::Bool(_) if core == CoreType::Bool => Some(value),
            value @ Value::Null if core == CoreType::Null => Some(value),
            _ => None,
        },
    };
    value.ok_or_else(|| {
        let name = format!("{core:?}").to_lowercase();
        LoadError::new(
            pos,
            ErrorKind::BadTag,
            format!("{text:?} is not a valid !!{name}"),
        )
    })
}
