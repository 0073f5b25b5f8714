//! A map's entries while a reader collects them, shared by the YAML builder and the JSON
//! reader.

use crate::value::{Map, Node};
use indexmap::map::raw_entry_v1::{RawEntryApiV1, RawEntryMut};
use std::hash::BuildHasher;

/// A map's entries while it is read. Most maps of a template hold a handful, so they are
/// kept in a list and the map is built once, at its exact size, when it closes; a map that
/// outgrows [`FEW`] moves into an index. Growing every map by doubling and trimming it at the
/// end cost about a tenth of the loader's instructions on the corpus.
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

/// The list of a map's first entries; emptied lists are handed to the next maps opened.
pub(crate) type FewList = Vec<(u64, Box<str>, Node)>;

impl Default for Entries {
    fn default() -> Self {
        Entries::with_list(Vec::new())
    }
}

impl Entries {
    pub(crate) fn with_list(list: FewList) -> Self {
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
    pub(crate) fn finish(&mut self) -> Map {
        let grown = matches!(self, Entries::Many(_));
        let mut map = self.take_map(self.len());
        if grown {
            map.shrink_to_fit();
        }
        map
    }

    /// The emptied list, when there is one worth reusing.
    pub(crate) fn into_spare(self) -> Option<FewList> {
        match self {
            Entries::Few { list, .. } if list.capacity() > 0 => Some(list),
            _ => None,
        }
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
