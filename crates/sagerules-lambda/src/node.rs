//! Small builders for [`Node`] documents, so the SDK-struct converters in [`crate::describe`]
//! read like the API shape they produce (`ResourceConfig.VolumeKmsKeyId`, ...), and a
//! `serde_json::Value` → [`Node`] conversion for configuration items.
//!
//! Nodes built here have `Pos::default()` (0:0, "made up, not read"): they come from an API
//! response or an event, not from a file a user could open.

use sagerules_data::{Map, Node, Pos, Value};

/// A map under construction. Absent values (`None`) are left out, so "missing" in a rule
/// means what it means in the API: the field was not returned.
#[derive(Default)]
pub struct Obj(Map);

impl Obj {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `key` when `value` is `Some`.
    pub fn node(mut self, key: &str, value: Option<Node>) -> Self {
        if let Some(value) = value {
            self.0.insert(key.into(), value);
        }
        self
    }

    pub fn str(self, key: &str, value: Option<&str>) -> Self {
        self.node(key, value.map(string))
    }

    pub fn bool(self, key: &str, value: Option<bool>) -> Self {
        self.node(key, value.map(|b| node(Value::Bool(b))))
    }

    pub fn int(self, key: &str, value: Option<i32>) -> Self {
        self.node(key, value.map(|i| node(Value::Int(i64::from(i)))))
    }

    /// A list of strings; an empty list is kept (the API returned `[]`).
    pub fn strs(self, key: &str, values: &[String]) -> Self {
        self.node(key, Some(list(values.iter().map(|s| string(s)))))
    }

    /// A list of sub-objects; left out when the API returned none.
    pub fn objs(self, key: &str, values: impl ExactSizeIterator<Item = Node>) -> Self {
        if values.len() == 0 {
            return self;
        }
        self.node(key, Some(list(values)))
    }

    pub fn build(self) -> Node {
        node(Value::map(self.0))
    }
}

pub fn node(value: Value) -> Node {
    Node::new(value, Pos::default())
}

pub fn string(text: &str) -> Node {
    node(Value::String(text.into()))
}

pub fn list(items: impl Iterator<Item = Node>) -> Node {
    node(Value::List(items.collect()))
}

/// A JSON value as a [`Node`] tree. Integers that fit `i64` stay integers; other numbers
/// become floats.
pub fn from_json(value: &serde_json::Value) -> Node {
    node(match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => number(n),
        serde_json::Value::String(s) => Value::String(s.as_str().into()),
        serde_json::Value::Array(items) => Value::List(items.iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Value::map(
            map.iter()
                .map(|(k, v)| (k.as_str().into(), from_json(v)))
                .collect(),
        ),
    })
}

fn number(n: &serde_json::Number) -> Value {
    match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => Value::Int(i),
        (None, Some(f)) => Value::Float(f),
        (None, None) => Value::String(n.to_string().into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_values_are_left_out_and_present_ones_kept() {
        let doc = Obj::new()
            .str("KmsKeyId", None)
            .bool("EnableNetworkIsolation", Some(false))
            .int("InstanceCount", Some(2))
            .build();
        assert!(doc.get("KmsKeyId").is_none());
        assert_eq!(
            doc.get("EnableNetworkIsolation").map(|n| &n.value),
            Some(&Value::Bool(false))
        );
        assert_eq!(
            doc.get("InstanceCount").map(|n| &n.value),
            Some(&Value::Int(2))
        );
    }

    #[test]
    fn json_numbers_keep_their_kind() {
        let doc = from_json(&serde_json::json!({"a": 1682607791636_i64, "b": 1.5, "c": [null]}));
        assert_eq!(
            doc.get("a").map(|n| &n.value),
            Some(&Value::Int(1_682_607_791_636))
        );
        assert_eq!(doc.get("b").map(|n| &n.value), Some(&Value::Float(1.5)));
        assert_eq!(
            doc.get("c").and_then(Node::as_list).map(<[Node]>::len),
            Some(1)
        );
    }
}
