//! The tree built from a stream of YAML events, whichever reader produces them: our reader
//! ([`super::fast`]) and the libyaml-safer reference (feature `libyaml-reference`) make the
//! same calls, so tags, anchors, merge keys, duplicate keys and the limits are applied in one
//! place, and the two can be compared tree for tree.
//!
//! The builder keeps an explicit stack of open collections (no recursion), refuses nesting
//! deeper than [`MAX_DEPTH`] and stops alias expansion at [`MAX_ALIAS_NODES`].

use super::scalar::{self, core_float, core_int, key_text};
use super::tags::{self, CoreType, TagAction};
use crate::entries::{Entries, SpareLists};
use crate::error::{duplicate_key, sat_u32, Duplicates, ErrorKind, LoadError};
use crate::value::{Map, Node, Pos, Value};
use crate::{MAX_ALIAS_NODES, MAX_DEPTH};
use std::borrow::Cow;
use std::collections::HashMap;

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
    entries: Entries,
    key: Option<PendingKey>,
    /// Whether the pending key is already in the map, found by the duplicate check and used
    /// by the insertion ([`store_value`]) to append a new key without searching again.
    key_seen: bool,
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

pub(super) struct Builder<'d> {
    stack: Vec<Frame>,
    depth: usize,
    anchors: HashMap<String, Anchored>,
    copied: usize,
    documents: usize,
    root: Option<Node>,
    duplicates: &'d mut Duplicates,
    spare_lists: SpareLists,
}

impl<'d> Builder<'d> {
    pub(super) fn new(duplicates: &'d mut Duplicates) -> Self {
        Self {
            stack: Vec::new(),
            depth: 0,
            anchors: HashMap::new(),
            copied: 0,
            documents: 0,
            root: None,
            duplicates,
            spare_lists: SpareLists::default(),
        }
    }

    /// `---`, or the first node of a document without one.
    pub(super) fn document_start(&mut self, pos: Pos) -> Result<(), LoadError> {
        self.documents += 1;
        if self.documents > 1 {
            let message = "a second YAML document starts here; one file holds one document";
            return Err(LoadError::new(pos, ErrorKind::MultipleDocuments, message));
        }
        Ok(())
    }

    /// The end of the stream: the document's root.
    pub(super) fn finish(&mut self) -> Result<Node, LoadError> {
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

    /// A scalar: a key when the innermost map waits for one, else a value.
    pub(super) fn scalar(&mut self, scalar: Scalar<'_>) -> Result<(), LoadError> {
        self.note_tag(scalar.tag.as_deref(), scalar.pos);
        if self.wants_key() {
            let merge = scalar.style == Style::Plain && scalar.text == "<<";
            let key = if merge {
                PendingKey::Merge
            } else {
                PendingKey::Key(scalar.text.into())
            };
            return self.set_key(key, scalar.pos);
        }
        let anchor = scalar.anchor.map(str::to_owned);
        let node = scalar.into_node(self.depth)?;
        self.complete(node, anchor)
    }

    /// `*name`.
    pub(super) fn alias(&mut self, name: &str, pos: Pos) -> Result<(), LoadError> {
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

    /// The start of a list (`list` true) or a map, with its tag and anchor.
    pub(super) fn open(
        &mut self,
        list: bool,
        anchor: Option<&str>,
        tag: Option<&str>,
        pos: Pos,
    ) -> Result<(), LoadError> {
        self.note_tag(tag, pos);
        if self.wants_key() {
            return Err(complex_key(pos));
        }
        let kind = if list {
            FrameKind::List(Vec::new())
        } else {
            FrameKind::Map(MapFrame {
                entries: self.spare_lists.open(),
                ..MapFrame::default()
            })
        };
        let anchor = anchor.map(str::to_owned);
        let tag = tag.map(tags::classify);
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

    /// The end of the innermost open list or map.
    pub(super) fn close(&mut self) -> Result<(), LoadError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        self.depth = self.depth.saturating_sub(frame.levels);
        let value = match frame.kind {
            // Lists grow by doubling while they are read and are trimmed when they close (on
            // the 20k-resource benchmark template, 77 MB → 68 MB). Read into spare lists and
            // copied out at their size, as maps are and as the JSON reader's lists are, they
            // left `check` 6 MB higher (94 MB against 88 MB): the allocator's pages fill
            // differently.
            FrameKind::List(mut items) => {
                items.shrink_to_fit();
                Value::List(items)
            }
            FrameKind::Map(mut map_frame) => {
                let own = self.spare_lists.close(&mut map_frame.entries);
                Value::map(merged_map(own, map_frame.merged))
            }
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
                let first = map_frame.entries.get(name);
                map_frame.key_seen = first.is_some();
                first.map(|first| (&**name, first.pos))
            }
            PendingKey::Merge => map_frame.merged.as_ref().map(|_| ("<<", pos)),
        };
        let error = repeated.map(|(name, first)| duplicate_key(name, pos, first));
        if matches!(key, PendingKey::Merge) && map_frame.merged.is_none() {
            map_frame.merged = Some((map_frame.entries.len(), Map::default()));
        }
        map_frame.key = Some(key);
        match error {
            Some(error) => self.duplicates.found(error),
            None => Ok(()),
        }
    }
}

/// How a scalar was written: plain text is resolved by the core schema, the rest is text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Style {
    Plain,
    Quoted,
    Block,
}

/// A scalar event's parts, borrowed from the text where it can be.
pub(super) struct Scalar<'t> {
    pub(super) text: Cow<'t, str>,
    pub(super) style: Style,
    /// The resolved tag: `!Ref`, `tag:yaml.org,2002:str`.
    pub(super) tag: Option<Cow<'t, str>>,
    pub(super) anchor: Option<&'t str>,
    /// Where the scalar starts, tag and anchor included.
    pub(super) pos: Pos,
    /// Where a plain scalar ends (just after its last character); unused for other styles.
    pub(super) end: Pos,
}

impl Scalar<'_> {
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
        let plain_one_line = self.style == Style::Plain && self.pos.line == self.end.line;
        let value = match &action {
            None if self.style == Style::Plain => scalar::resolve_plain(&self.text),
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
        if self.tag.is_none() || self.style != Style::Plain || self.pos.line != self.end.line {
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
            map_frame.entries.insert(map_frame.key_seen, key, node);
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
        if !merged.contains_key(&key) {
            merged.push_new(key, value);
        }
    }
    Ok(())
}

fn bad_merge(pos: Pos) -> LoadError {
    let message = "a merge key `<<` takes a map or a list of maps (`<<: *defaults`)";
    LoadError::new(pos, ErrorKind::BadAlias, message)
}

/// The map's own entries with merged entries (those it does not set itself) inserted where
/// the `<<` key was written.
fn merged_map(own: Map, merged: Option<(usize, Map)>) -> Map {
    let Some((at, merged)) = merged else {
        return own;
    };
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
