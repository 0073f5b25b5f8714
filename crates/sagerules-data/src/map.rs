//! [`Map`]: a document map, its entries in document order, found by key.
//!
//! Most maps of a template are small (`{"Ref": "Bucket"}`, a tag's `Key` and `Value`, a
//! resource's `Type` and `Properties`), so a map is a list of entries searched in order, and
//! only a map of more than [`LINEAR`] entries (`Resources`, `Parameters`, a long `Properties`)
//! also keeps a hash index. An `IndexMap` gave every map an index and a hasher: on the
//! 20k-resource benchmark template (`tests/bench/gen.py big-yaml`), whose 110,000 maps hold
//! 2.6 entries each, that was about 130 bytes more per map than the list alone.

use crate::value::Node;
use hashbrown::HashTable;
use std::hash::BuildHasher;
use thin_vec::ThinVec;

/// How many entries a map searches in order before it keeps a hash index. Comparing a key
/// with 16 others (length first) costs about what hashing it does.
pub(crate) const LINEAR: usize = 16;

/// A map's entry: its key and value.
pub(crate) type Entry = (Box<str>, Node);

/// Map entries keep document order; keys are always strings (YAML scalar keys such as `200:`
/// are turned into their text).
///
/// The methods are named as `IndexMap`'s are: `insert` keeps a repeated key's place and takes
/// the new value, `shift_remove` keeps the order of the rest. Two maps are equal when they
/// hold the same keys with equal values, in any order.
///
/// ```
/// use sagerules_data::{Map, Node, Pos, Value};
/// let mut map = Map::default();
/// map.insert("Ref".into(), Node::new(Value::String("Bucket".into()), Pos::new(1, 6)));
/// assert_eq!(map.get("Ref").and_then(Node::as_str), Some("Bucket"));
/// ```
///
/// A map is 16 bytes, so a [`crate::Value`] holds it without a box: its entries are a
/// `ThinVec`, whose length and capacity sit in the entries' own allocation (an empty map
/// allocates nothing). Boxed with a `Vec`, every map cost a second allocation of 32 bytes.
#[derive(Clone, Default)]
pub struct Map {
    entries: ThinVec<Entry>,
    /// Present while the map holds more than [`LINEAR`] entries.
    index: Option<Box<Index>>,
}

/// Positions in `entries`, hashed by key. Hashed with foldhash rather than std's SipHash: it
/// costs a fraction, and is seeded per process, so keys cannot be chosen ahead to collide.
#[derive(Clone, Default)]
struct Index {
    table: HashTable<usize>,
    hasher: foldhash::fast::RandomState,
}

impl Index {
    fn of(entries: &[Entry]) -> Index {
        let mut index = Index::default();
        index.table.reserve(entries.len(), |_| 0);
        for at in 0..entries.len() {
            index.add(entries, at);
        }
        index
    }

    fn find(&self, entries: &[Entry], key: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(key);
        self.table
            .find(hash, |&at| {
                entries.get(at).is_some_and(|(k, _)| &**k == key)
            })
            .copied()
    }

    /// Records that `entries[at]` is in the map, under a key not recorded yet.
    fn add(&mut self, entries: &[Entry], at: usize) {
        let hasher = &self.hasher;
        let hash = hash_at(hasher, entries, at);
        self.table
            .insert_unique(hash, at, |&at| hash_at(hasher, entries, at));
    }
}

fn hash_at(hasher: &foldhash::fast::RandomState, entries: &[Entry], at: usize) -> u64 {
    entries
        .get(at)
        .map_or(0, |(key, _)| hasher.hash_one(&**key))
}

impl Map {
    pub fn new() -> Map {
        Map::default()
    }

    /// An empty map with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Map {
        Map {
            entries: ThinVec::with_capacity(capacity),
            index: None,
        }
    }

    /// The map of `entries`, which the caller knows to have distinct keys (a reader that
    /// checked each key as it came).
    pub(crate) fn from_distinct(entries: ThinVec<Entry>) -> Map {
        let mut map = Map {
            entries,
            index: None,
        };
        map.reindex();
        map
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where `key` is in the entries.
    pub fn get_index_of(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.find(&self.entries, key),
            None => self.entries.iter().position(|(k, _)| &**k == key),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        let at = self.get_index_of(key)?;
        self.entries.get(at).map(|(_, node)| node)
    }

    /// The entry under `key` with its place: `(index, key, value)`.
    pub fn get_full(&self, key: &str) -> Option<(usize, &str, &Node)> {
        let at = self.get_index_of(key)?;
        self.entries.get(at).map(|(k, node)| (at, &**k, node))
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        let at = self.get_index_of(key)?;
        self.entries.get_mut(at).map(|(_, node)| node)
    }

    /// The entry at a place in document order.
    pub fn get_index(&self, at: usize) -> Option<(&str, &Node)> {
        self.entries.get(at).map(|(k, node)| (&**k, node))
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get_index_of(key).is_some()
    }

    /// Sets `key` to `value`. A key already there keeps its place, takes the new value and
    /// the old one is returned; a new key goes last.
    pub fn insert(&mut self, key: Box<str>, value: Node) -> Option<Node> {
        match self.get_index_of(&key) {
            Some(at) => self
                .entries
                .get_mut(at)
                .map(|(_, node)| std::mem::replace(node, value)),
            None => {
                self.push_new(key, value);
                None
            }
        }
    }

    /// Appends an entry whose key the caller knows is not in the map yet.
    pub(crate) fn push_new(&mut self, key: Box<str>, value: Node) {
        self.entries.push((key, value));
        match &mut self.index {
            Some(index) => index.add(&self.entries, self.entries.len() - 1),
            None if self.entries.len() > LINEAR => self.reindex(),
            None => {}
        }
    }

    /// Removes `key`'s entry, keeping the others in order.
    pub fn shift_remove(&mut self, key: &str) -> Option<Node> {
        let at = self.get_index_of(key)?;
        let (_, node) = self.entries.remove(at);
        self.reindex();
        Some(node)
    }

    /// Keeps the entries for which `keep(key, value)` is true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut Node) -> bool) {
        let before = self.entries.len();
        self.entries.retain_mut(|(key, node)| keep(key, node));
        if self.entries.len() != before {
            self.reindex();
        }
    }

    /// The index matching the entries: one when there are more than [`LINEAR`], else none.
    fn reindex(&mut self) {
        self.index = (self.entries.len() > LINEAR).then(|| Box::new(Index::of(&self.entries)));
    }

    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
        if let Some(index) = &mut self.index {
            let hasher = &index.hasher;
            let entries = &self.entries;
            index
                .table
                .shrink_to_fit(|&at| hash_at(hasher, entries, at));
        }
    }

    pub fn reserve(&mut self, additional: usize) {
        self.entries.reserve(additional);
    }

    /// The entries in document order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    /// The entries in document order, values changeable.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        IterMut(self.entries.iter_mut())
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.entries.iter().map(|(key, _)| &**key)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Node> + ExactSizeIterator {
        self.entries.iter().map(|(_, node)| node)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Node> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, node)| node)
    }

    pub fn first(&self) -> Option<(&str, &Node)> {
        self.get_index(0)
    }

    pub fn last(&self) -> Option<(&str, &Node)> {
        self.entries.last().map(|(k, node)| (&**k, node))
    }

    /// Takes the entries out, leaving the map empty.
    pub(crate) fn take_entries(&mut self) -> ThinVec<Entry> {
        self.index = None;
        std::mem::take(&mut self.entries)
    }
}

/// The entries of a [`Map`] in document order.
#[derive(Clone)]
pub struct Iter<'a>(std::slice::Iter<'a, Entry>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a Node);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(key, node)| (&**key, node))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(key, node)| (&**key, node))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// The entries of a [`Map`] in document order, values changeable.
pub struct IterMut<'a>(std::slice::IterMut<'a, Entry>);

impl<'a> Iterator for IterMut<'a> {
    type Item = (&'a str, &'a mut Node);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(key, node)| (&**key, node))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for IterMut<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(key, node)| (&**key, node))
    }
}

impl ExactSizeIterator for IterMut<'_> {}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a str, &'a Node);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a str, &'a mut Node);
    type IntoIter = IterMut<'a>;

    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

impl IntoIterator for Map {
    type Item = Entry;
    type IntoIter = thin_vec::IntoIter<Entry>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl Extend<Entry> for Map {
    fn extend<I: IntoIterator<Item = Entry>>(&mut self, entries: I) {
        for (key, node) in entries {
            self.insert(key, node);
        }
    }
}

impl FromIterator<Entry> for Map {
    fn from_iter<I: IntoIterator<Item = Entry>>(entries: I) -> Map {
        let entries = entries.into_iter();
        let mut map = Map::with_capacity(entries.size_hint().0);
        map.extend(entries);
        map
    }
}

impl<const N: usize> From<[Entry; N]> for Map {
    fn from(entries: [Entry; N]) -> Map {
        entries.into_iter().collect()
    }
}

/// Equal when both hold the same keys with equal values, in any order (as `IndexMap`).
impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(key, node)| other.get(key).is_some_and(|theirs| theirs == node))
    }
}

impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Pos, Value};

    fn int(i: i64) -> Node {
        Node::new(Value::Int(i), Pos::default())
    }

    fn keys(map: &Map) -> Vec<&str> {
        map.keys().collect()
    }

    /// The same answers below, at and above the size where the index starts.
    #[test]
    fn a_map_finds_inserts_and_removes_the_same_with_and_without_its_index() {
        for size in [2, LINEAR, LINEAR + 1, 3 * LINEAR] {
            let mut map = Map::default();
            for i in 0..size {
                assert_eq!(map.insert(format!("k{i}").into(), int(i as i64)), None);
            }
            assert_eq!(map.index.is_some(), size > LINEAR, "size {size}");
            let last = format!("k{}", size - 1);
            assert_eq!(map.get(&last), Some(&int(size as i64 - 1)));
            assert_eq!(map.get_index_of("k0"), Some(0));
            assert_eq!(map.get("nope"), None);
            // A repeated key keeps its place and takes the new value.
            assert_eq!(map.insert("k0".into(), int(-1)), Some(int(0)));
            assert_eq!(map.get_index(0), Some(("k0", &int(-1))));
            assert_eq!(map.len(), size);
            // Removal keeps the rest in order and findable.
            assert_eq!(map.shift_remove("k0"), Some(int(-1)));
            assert_eq!(map.get("k0"), None);
            assert_eq!(map.get(&last), Some(&int(size as i64 - 1)));
            assert_eq!(map.get_index_of(&last), Some(size - 2));
            assert_eq!(map.index.is_some(), size - 1 > LINEAR, "size {size}");
        }
    }

    #[test]
    fn retain_keeps_order_and_the_index_true() {
        let mut map: Map = (0..40).map(|i| (format!("k{i}").into(), int(i))).collect();
        map.retain(|_, node| matches!(node.value, Value::Int(i) if i % 3 == 0));
        assert_eq!(keys(&map).first(), Some(&"k0"));
        assert_eq!(map.len(), 14);
        assert_eq!(map.get_index_of("k39"), Some(13));
        assert_eq!(map.get("k38"), None);
    }

    #[test]
    fn equality_ignores_order_and_debug_shows_document_order() {
        let ab: Map = [("a".into(), int(1)), ("b".into(), int(2))].into();
        let ba: Map = [("b".into(), int(2)), ("a".into(), int(1))].into();
        assert_eq!(ab, ba);
        assert_ne!(ab, Map::from([("a".into(), int(1))]));
        assert!(format!("{ab:?}").starts_with(r#"{"a": Node"#));
    }
}
