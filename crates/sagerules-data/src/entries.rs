//! A map's entries while a reader collects them, shared by the YAML builder and the JSON
//! reader.

use crate::map::LINEAR;
use crate::value::{Map, Node};

/// A map's entries while it is read, in a list lent by [`SpareLists`]. The finished map is
/// built once, at its exact size, when the map closes: maps grown by doubling and then
/// trimmed left `check` at 142 MB on the 20k-resource template; built at their size, 124 MB.
#[derive(Default)]
pub(crate) struct Entries(Map);

impl Entries {
    /// The value already stored under `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.0.get(key)
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// `insert(key, node)`, where `seen` says whether [`Entries::get`] found `key`: a
    /// repeated key keeps its place and takes the later value, a new one is appended without
    /// searching again.
    pub(crate) fn insert(&mut self, seen: bool, key: Box<str>, node: Node) {
        if seen {
            self.0.insert(key, node);
        } else {
            self.0.push_new(key, node);
        }
    }
}

/// The emptied lists of the maps and lists a reader has closed, handed to the next ones it
/// opens, so that a document's collections share a few growing lists and each finished one is
/// copied out at its size. Grown by doubling and then trimmed, every collection left its
/// smaller sizes behind as freed blocks the allocator kept.
#[derive(Default)]
pub(crate) struct SpareLists {
    maps: Vec<Map>,
    lists: Vec<Vec<Node>>,
}

impl SpareLists {
    /// The entries of a map being opened.
    pub(crate) fn open(&mut self) -> Entries {
        Entries(self.maps.pop().unwrap_or_default())
    }

    /// The items of a list being opened.
    pub(crate) fn open_list(&mut self) -> Vec<Node> {
        self.lists.pop().unwrap_or_default()
    }

    /// The finished list of `items`, holding only the room it uses; `items` is kept for the
    /// next list opened.
    pub(crate) fn close_list(&mut self, mut items: Vec<Node>) -> Vec<Node> {
        // Collected anew rather than taken, for the same reason as a map's entries.
        #[allow(clippy::drain_collect)]
        let list = items.drain(..).collect();
        if items.capacity() > 0 {
            self.lists.push(items);
        }
        list
    }

    /// The finished map of `entries`, holding only the room it uses; the list is kept for the
    /// next map opened.
    pub(crate) fn close(&mut self, entries: &mut Entries) -> Map {
        let building = &mut entries.0;
        if building.len() > LINEAR {
            let mut map = std::mem::take(building);
            map.shrink_to_fit();
            return map;
        }
        let mut list = building.take_entries();
        // Collected anew rather than taken, so that the map gets exactly its size and the
        // list keeps its room for the next map.
        #[allow(clippy::drain_collect)]
        let map = Map::from_distinct(list.drain(..).collect());
        if list.capacity() > 0 {
            self.maps.push(Map::from_distinct(list));
        }
        map
    }
}
