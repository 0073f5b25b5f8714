//! The values the evaluator passes around: borrowed document nodes with a path id (no
//! copies, no path strings), a few owned values (function results), and compiled literals.
//!
//! Paths live in an arena of `(parent, segment)` links owned by the evaluation, so a value
//! knows where it came from for the price of a `u32`; a JSON pointer is only spelled out
//! when a finding is reported.

use std::borrow::Cow;
use std::hash::BuildHasher;
use std::rc::Rc;

use hashbrown::HashTable;

use crate::ruleset::lit::Pattern;
use sagerules_data::{Map, Node, Pointer, Pos, Value};

use crate::ruleset::{Lit, RangeLit};

/// Index into the path arena.
pub(crate) type PathId = u32;
/// The document root (`""`).
pub(crate) const ROOT: PathId = 0;
/// A value that is not in the document (a literal).
pub(crate) const NO_PATH: PathId = u32::MAX;
/// `res` of the `/Resources` node itself: its children are resources.
const RESOURCES_MARK: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Seg<'a> {
    Root,
    Key(&'a str),
    Index(u32),
}

#[derive(Clone, Copy, Debug)]
struct PathNode<'a> {
    parent: PathId,
    seg: Seg<'a>,
    /// 0: not inside a resource; `i + 1`: inside the `i`-th entry of `/Resources`.
    res: u32,
}

/// Every path the evaluation has stepped through.
#[derive(Debug)]
pub(crate) struct Paths<'a> {
    nodes: Vec<PathNode<'a>>,
    /// The id already given to each `(parent, segment)`: a path is its spelling, so stepping
    /// to the same place again (every `Resources.*[Type == ...]` of every rule file, every
    /// rule reading `Properties`) reuses it instead of growing the arena. On a 20,000-resource
    /// template the arena held 940,064 paths (32 bytes each); with this, 100,012. The table
    /// holds only ids, hashed by the `(parent, segment)` they name in `nodes`: 5 bytes an
    /// entry instead of the 33 of a map from the pair (5.4 MB → 0.7 MB on that template).
    known: HashTable<PathId>,
    hasher: foldhash::fast::RandomState,
}

impl<'a> Paths<'a> {
    pub fn new() -> Self {
        Self {
            nodes: vec![PathNode {
                parent: NO_PATH,
                seg: Seg::Root,
                res: 0,
            }],
            known: HashTable::new(),
            hasher: foldhash::fast::RandomState::default(),
        }
    }

    /// The id of `(parent, seg)` if it has one.
    fn known(&self, hash: u64, parent: PathId, seg: Seg<'a>) -> Option<PathId> {
        let nodes = &self.nodes;
        let same = |id: &PathId| {
            nodes
                .get(*id as usize)
                .is_some_and(|n| n.parent == parent && n.seg == seg)
        };
        self.known.find(hash, same).copied()
    }

    /// The path of `parent`'s child `seg`; `index` is the child's position in its map
    /// (used to number resources).
    pub fn child(&mut self, parent: PathId, seg: Seg<'a>, index: usize) -> PathId {
        if parent == NO_PATH {
            return NO_PATH;
        }
        let hash = self.hasher.hash_one((parent, seg));
        if let Some(known) = self.known(hash, parent, seg) {
            return known;
        }
        let parent_res = self.nodes.get(parent as usize).map_or(0, |n| n.res);
        let res = if parent_res == RESOURCES_MARK {
            u32::try_from(index).map_or(0, |i| i.saturating_add(1))
        } else if parent == ROOT && matches!(seg, Seg::Key("Resources")) {
            RESOURCES_MARK
        } else {
            parent_res
        };
        let id = self.nodes.len() as PathId;
        self.nodes.push(PathNode { parent, seg, res });
        let (nodes, hasher) = (&self.nodes, &self.hasher);
        let rehash = |id: &PathId| {
            nodes
                .get(*id as usize)
                .map_or(0, |n| hasher.hash_one((n.parent, n.seg)))
        };
        self.known.insert_unique(hash, id, rehash);
        id
    }

    /// The resource (`i + 1` into `/Resources`) a path is inside, 0 for none.
    pub fn resource(&self, path: PathId) -> u32 {
        match self.nodes.get(path as usize).map(|n| n.res) {
            Some(RESOURCES_MARK) | None => 0,
            Some(res) => res,
        }
    }

    /// The key or index that leads to `path` from its parent.
    pub fn last_seg(&self, path: PathId) -> Option<Seg<'a>> {
        self.nodes.get(path as usize).map(|n| n.seg)
    }

    /// The pointer of a path, e.g. `/Resources/Nb/Properties/Tags/0`.
    pub fn pointer(&self, path: PathId) -> Pointer {
        self.pointer_then(path, None)
    }

    /// The pointer of a path with one more key, the one found missing there:
    /// `/Resources/Nb/Properties` then `KmsKeyId`.
    pub fn pointer_then(&self, path: PathId, missing: Option<&str>) -> Pointer {
        let mut segs = Vec::new();
        let mut at = path;
        while let Some(node) = self.nodes.get(at as usize) {
            segs.push(node.seg);
            at = node.parent;
        }
        let keys = segs.iter().rev().filter_map(|seg| match seg {
            Seg::Root => None,
            Seg::Key(key) => Some(Cow::Borrowed(*key)),
            Seg::Index(i) => Some(Cow::Owned(i.to_string())),
        });
        Pointer::from_keys(keys.chain(missing.map(Cow::Borrowed)))
    }
}

/// A value in evaluation.
#[derive(Clone, Debug)]
pub(crate) enum Val<'a> {
    /// A node of the document or the parameters, a literal (`path == NO_PATH`), or a
    /// function result (kept in the evaluation's arena; `path` is the value it came from).
    Doc(&'a Node, PathId),
    /// A string that is not a node: a map key (`keys`, captures).
    Key(&'a str),
    Regex(&'a Pattern),
    Range(&'a RangeLit),
    /// A list literal holding regexes or ranges.
    Mixed(&'a [Lit]),
    /// Set, but known only at deploy time (an [`crate::Expander`] said so).
    Unknown(Rc<Deferred<'a>>),
    /// Any value the deployer chooses.
    Any(Rc<Deferred<'a>>),
}

/// A value the template leaves to deployment. Kept behind an `Rc`: such values are rare, and
/// inline they made every value in evaluation 56 bytes instead of 24.
#[derive(Debug)]
pub(crate) struct Deferred<'a> {
    pub node: &'a Node,
    pub path: PathId,
    pub why: Rc<str>,
    /// Unknown: `Some` when it is known to be a non-empty string, with a value of its kind for
    /// regexes (`Some(None)`: no such value).
    pub string: Option<Option<Rc<str>>>,
    /// Unknown: `==` and `in` a literal pass ([`crate::Expansion::DeployTimeString`]).
    pub meets_allow_lists: bool,
    /// Any: the deployer may leave it empty.
    pub may_be_empty: bool,
}

impl<'a> Deferred<'a> {
    /// `node` at `path`, left to deployment for the reason `why`, with nothing more known.
    pub fn new(node: &'a Node, path: PathId, why: impl Into<Rc<str>>) -> Self {
        Deferred {
            node,
            path,
            why: why.into(),
            string: None,
            meets_allow_lists: false,
            may_be_empty: false,
        }
    }
}

/// What could not be found.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Miss<'a> {
    Key(&'a str),
    Index(i64),
    /// `*` or `[*]` over an empty collection.
    Nothing,
    /// An alternative in which the property is absent (`AWS::NoValue`).
    NoValue,
    /// A function could not produce a value from this input.
    Function(&'a str),
}

/// One result of a query: a value, or the place where the query stopped.
#[derive(Clone, Debug)]
pub(crate) enum Got<'a> {
    Val(Val<'a>),
    Missing {
        at: PathId,
        pos: Pos,
        miss: Miss<'a>,
    },
}

/// A plain view of a value for comparisons.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Plain<'x> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'x str),
    List(&'x [Node]),
    Map(&'x Map),
}

pub(crate) fn plain(node: &Node) -> Plain<'_> {
    match &node.value {
        Value::Null => Plain::Null,
        Value::Bool(b) => Plain::Bool(*b),
        Value::Int(i) => Plain::Int(*i),
        Value::Float(f) => Plain::Float(*f),
        Value::String(s) => Plain::Str(s),
        Value::List(items) => Plain::List(items),
        Value::Map(map) => Plain::Map(map),
    }
}

impl<'a> Val<'a> {
    /// The node behind a data value.
    pub fn node(&self) -> Option<&'a Node> {
        match self {
            Val::Doc(node, _) => Some(node),
            _ => None,
        }
    }

    pub fn plain(&self) -> Option<Plain<'a>> {
        match self {
            Val::Key(key) => Some(Plain::Str(key)),
            other => other.node().map(plain),
        }
    }

    pub fn path(&self) -> PathId {
        match self {
            Val::Doc(_, path) => *path,
            Val::Unknown(deferred) | Val::Any(deferred) => deferred.path,
            _ => NO_PATH,
        }
    }

    pub fn pos(&self) -> Pos {
        match self {
            Val::Doc(node, _) => node.pos,
            Val::Unknown(deferred) | Val::Any(deferred) => deferred.node.pos,
            _ => Pos::default(),
        }
    }

    pub fn as_str(&self) -> Option<&'a str> {
        match self.plain()? {
            Plain::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl<'a> Got<'a> {
    pub fn path(&self) -> PathId {
        match self {
            Got::Val(val) => val.path(),
            Got::Missing { at, .. } => *at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stepping_to_the_same_place_again_reuses_its_path() {
        let mut paths = Paths::new();
        let resources = paths.child(ROOT, Seg::Key("Resources"), 0);
        let notebook = paths.child(resources, Seg::Key("Nb"), 0);
        let bucket = paths.child(resources, Seg::Key("Bucket"), 1);
        let first_tag = paths.child(notebook, Seg::Index(0), 0);
        // A second rule file's `Resources.*`, and a second rule reading the tags.
        assert_eq!(paths.child(ROOT, Seg::Key("Resources"), 0), resources);
        assert_eq!(paths.child(resources, Seg::Key("Nb"), 0), notebook);
        assert_eq!(paths.child(notebook, Seg::Index(0), 0), first_tag);
        assert_eq!(paths.nodes.len(), 5, "root and four distinct paths");
        assert_ne!(notebook, bucket);
        assert_eq!(paths.pointer(first_tag).to_string(), "/Resources/Nb/0");
        assert_eq!(paths.pointer(bucket).to_string(), "/Resources/Bucket");
        assert_eq!((paths.resource(notebook), paths.resource(bucket)), (1, 2));
        assert_eq!(paths.resource(first_tag), 1);
    }
}
