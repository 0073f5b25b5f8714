//! A map's entries while a reader collects them, shared by the YAML builder and the JSON
//! reader.

use crate::value::{Map, Node};
use indexmap::map::raw_entry_v1::{RawEntryApiV1, RawEntryMut};
use std::hash::BuildHasher;

/// A map's entries while it is read. Most maps of a template hold a handful, so they are
/// kept in a list and the map is built once, at its exact size, when it closes; a map that
/// outgrows [`FEW`] moves into an index. Maps grown by doubling and then trimmed left `check`
/// at 142 MB on the 20k-resource template; built at their size, 124 MB, for about the same
/// instructions.
pub(crate) enum Entries {
    /// `(hash, key, value)`, hashed by `hasher`, the hasher the finished map gets.
    Few {
        hasher: foldhash::fast::RandomState,
        list: FewList,
    },
    Many(Map),
}

/// How many entries a map keeps in a list before it moves into an index.
const FEW: usize = 8;

/// The list of a map's first entries.
type FewList = Vec<(u64, Box<str>, Node)>;

impl Default for Entries {
    fn default() -> Self {
        Entries::with_list(Vec::new())
    }
}

/// The emptied lists of the maps a reader has closed, handed to the next maps it opens, so
/// that a document's maps share a few lists instead of growing one each.
#[derive(Default)]
pub(crate) struct SpareLists(Vec<FewList>);

impl SpareLists {
    /// The entries of a map being opened.
    pub(crate) fn open(&mut self) -> Entries {
        Entries::with_list(self.0.pop().unwrap_or_default())
    }

    /// The finished map of `entries`, whose list is kept for the next map opened.
    pub(crate) fn close(&mut self, entries: &mut Entries) -> Map {
        let map = entries.finish();
        if let Entries::Few { list, .. } = entries {
            if list.capacity() > 0 {
                self.0.push(std::mem::take(list));
            }
        }
        map
    }
}

impl Entries {
    fn with_list(list: FewList) -> Self {
        Entries::Few {
            hasher: foldhash::fast::RandomState::default(),
            list,
        }
    }

    pub(crate) fn hash(&self, key: &str) -> u64 {
        match self {
            Entries::Few { hasher, .. } => hasher.hash_one(key),
            Entries::Many(map) => map.hasher().hash_one(key),
        }
    }

    /// The value already stored under `key` (with the key's hash).
    pub(crate) fn get(&self, hash: u64, key: &str) -> Option<&Node> {
        match self {
            Entries::Few { list, .. } => list
                .iter()
                .find(|(h, k, _)| *h == hash && &**k == key)
                .map(|(_, _, node)| node),
            Entries::Many(map) => map
                .raw_entry_v1()
                .from_key_hashed_nocheck(hash, key)
                .map(|(_, node)| node),
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Entries::Few { list, .. } => list.len(),
            Entries::Many(map) => map.len(),
        }
    }

    /// `insert(key, node)`: a repeated key keeps its place and takes the later value.
    pub(crate) fn insert(&mut self, hash: u64, key: Box<str>, node: Node) {
        match self {
            Entries::Few { list, .. } => {
                if let Some(slot) = list.iter_mut().find(|(h, k, _)| *h == hash && *k == key) {
                    slot.2 = node;
                } else if list.len() < FEW {
                    list.push((hash, key, node));
                } else {
                    let mut map = self.take_map(FEW * 2);
                    insert_hashed(&mut map, hash, key, node);
                    *self = Entries::Many(map);
                }
            }
            Entries::Many(map) => insert_hashed(map, hash, key, node),
        }
    }

    /// The finished map, holding only the room it uses; a list is left empty for reuse.
    fn finish(&mut self) -> Map {
        let grown = matches!(self, Entries::Many(_));
        let mut map = self.take_map(self.len());
        if grown {
            map.shrink_to_fit();
        }
        map
    }

    /// The listed entries as a map with room for `capacity`, leaving the list empty.
    fn take_map(&mut self, capacity: usize) -> Map {
        match self {
            Entries::Few { hasher, list } => {
                let mut map = Map::with_capacity_and_hasher(capacity, hasher.clone());
                for (hash, key, node) in list.drain(..) {
                    insert_hashed(&mut map, hash, key, node);
                }
                map
            }
            Entries::Many(map) => std::mem::take(map),
        }
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
