//! The document model: a tree of [`Node`]s, each a [`Value`] plus the [`Pos`] it was read from.
//!
//! No node stores its path: a JSON pointer is built on demand by whoever walks the tree
//! (the evaluator keeps the keys it followed). That keeps a 20,000-resource template at
//! roughly the size of its values.

pub use crate::map::Map;

/// A 1-based line and column in a data file. `Pos::default()` (0:0) means "made up, not read".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const fn new(line: u32, col: u32) -> Self {
        Self { line, col }
    }
}

/// A value with its source position.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

/// A JSON/YAML value. CloudFormation short-form tags are already expanded (`!Ref x` is the map
/// `{"Ref": "x"}`), and YAML aliases are resolved to copies of their anchored node.
///
/// A node is 32 bytes whatever it holds: a [`Map`] is 16 bytes (its entries, length and
/// capacity included, are one allocation), so it needs no box. (An `IndexMap`, 72 bytes,
/// was boxed; so was the `Vec`-based map after it, a 32-byte allocation per map.)
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(Box<str>),
    List(Vec<Node>),
    Map(Map),
}

// The size the comment above counts on.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Node>() == 32);

impl Value {
    /// A map value: `Value::map(Map::default())`.
    pub fn map(map: Map) -> Value {
        Value::Map(map)
    }
}

impl Node {
    pub fn new(value: Value, pos: Pos) -> Self {
        Self { value, pos }
    }

    /// The child under `key` when this node is a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(map) => map.get(key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Node]> {
        match &self.value {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The node at a JSON pointer (RFC 6901), or `None` when the path leads nowhere.
    ///
    /// `"/Resources/Bucket/Properties/Tags/0/Key"`; `""` is the node itself; `~1` stands for
    /// `/` and `~0` for `~` inside a key (`"/Fn::GetAtt"` needs no escape).
    pub fn pointer_get(&self, pointer: &str) -> Option<&Node> {
        self.get_at(&crate::Pointer::parse(pointer)?)
    }

    /// The node a [`crate::Pointer`] leads to, or `None` when it leads nowhere.
    pub fn get_at(&self, pointer: &crate::Pointer) -> Option<&Node> {
        let mut node = self;
        for key in pointer.keys() {
            node = match &node.value {
                Value::Map(map) => map.get(&key)?,
                Value::List(items) => items.get(list_index(&key)?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Reads one JSON document with positions, as [`crate::load`] with [`crate::Format::Json`]
    /// does (so JSON-like YAML such as a trailing comma is accepted too).
    ///
    /// `Node::from_json_str(r#"{"a": [1, 2]}"#)`
    pub fn from_json_str(text: &str) -> Result<Node, crate::LoadError> {
        crate::load(text.as_bytes(), crate::Format::Json)
    }
}

/// A list index in a pointer: digits without leading zeros (`0`, `12`, not `01` or `-`).
fn list_index(token: &str) -> Option<usize> {
    let digits_only = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if !digits_only || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    token.parse().ok()
}

impl Value {
    /// The type name used in messages: `null`, `bool`, `int`, `float`, `string`, `list`, `map`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
        }
    }
}
