//! A JSON pointer (RFC 6901) kept as the keys it names, so code that needs the resource id, the
//! last key or the path under a resource reads them instead of splitting and unescaping text.
//! Escaping happens in one place, when the pointer is written out.
//!
//! ```
//! use sagerules_data::Pointer;
//! let p = Pointer::parse("/Resources/Nb/Properties/a~1b").unwrap();
//! assert_eq!(p.keys(), ["Resources", "Nb", "Properties", "a/b"]);
//! assert_eq!(p.to_string(), "/Resources/Nb/Properties/a~1b");
//! assert_eq!(p.last(), Some("a/b"));
//! ```

use std::fmt;

/// The keys (list indexes as their digits) from the document root; no keys is the root itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer {
    keys: Vec<String>,
}

impl Pointer {
    /// The document root (`""`).
    pub fn root() -> Self {
        Pointer::default()
    }

    /// `["Resources", "Nb"]` → `/Resources/Nb`.
    pub fn from_keys<K: Into<String>>(keys: impl IntoIterator<Item = K>) -> Self {
        Pointer {
            keys: keys.into_iter().map(Into::into).collect(),
        }
    }

    /// Reads the text form: `""` is the root, anything else starts with `/`; `~1` is `/` and
    /// `~0` is `~` inside a key.
    pub fn parse(text: &str) -> Option<Self> {
        if text.is_empty() {
            return Some(Pointer::root());
        }
        let keys = text
            .strip_prefix('/')?
            .split('/')
            .map(unescape_token)
            .collect();
        Some(Pointer { keys })
    }

    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    pub fn is_root(&self) -> bool {
        self.keys.is_empty()
    }

    /// The last key: `KmsKeyId` of `/Resources/Nb/Properties/KmsKeyId`.
    pub fn last(&self) -> Option<&str> {
        self.keys.last().map(String::as_str)
    }

    pub fn push(&mut self, key: impl Into<String>) {
        self.keys.push(key.into());
    }

    /// The keys after `prefix` when `prefix` leads here: `/Resources/Nb/Properties/X` under
    /// `/Resources/Nb` → `["Properties", "X"]`.
    pub fn under(&self, prefix: &Pointer) -> Option<&[String]> {
        self.keys.strip_prefix(prefix.keys.as_slice())
    }

    /// The logical id of the resource it is inside: `Nb` of `/Resources/Nb/Properties/X`.
    pub fn resource(&self) -> Option<&str> {
        match self.keys.as_slice() {
            [first, id, ..] if first == "Resources" => Some(id),
            _ => None,
        }
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for key in &self.keys {
            write!(f, "/{}", escape_token(key))?;
        }
        Ok(())
    }
}

/// Compares with the text form, for tests and messages: `pointer == "/Resources/Nb"`.
impl PartialEq<str> for Pointer {
    fn eq(&self, other: &str) -> bool {
        Pointer::parse(other).is_some_and(|p| p == *self)
    }
}

impl PartialEq<&str> for Pointer {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

/// One pointer token as the key it names: `~1` → `/`, then `~0` → `~` (in that order, per
/// RFC 6901 §4). `"a~1b~0c"` → `"a/b~c"`.
pub fn unescape_token(token: &str) -> String {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~")
    } else {
        token.to_owned()
    }
}

/// A key as one pointer token: `~` → `~0`, `/` → `~1` (RFC 6901 §3). `"a/b~c"` → `"a~1b~0c"`.
pub fn escape_token(key: &str) -> String {
    if key.contains(['~', '/']) {
        key.replace('~', "~0").replace('/', "~1")
    } else {
        key.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_escapes_and_compares_with_text() {
        for text in ["", "/a", "/Resources/x~1y/Properties/~0z/0", "/"] {
            let p = Pointer::parse(text).unwrap();
            assert_eq!(p.to_string(), text);
            assert!(p == text);
        }
        assert_eq!(Pointer::parse("/").unwrap().keys(), [""]);
        assert!(Pointer::parse("no-slash").is_none());
        let p = Pointer::from_keys(["Resources", "Nb", "Properties", "Tags", "0"]);
        assert_eq!(p.resource(), Some("Nb"));
        let nb = Pointer::from_keys(["Resources", "Nb"]);
        assert_eq!(p.under(&nb).unwrap(), ["Properties", "Tags", "0"]);
        assert!(nb.under(&p).is_none());
    }
}
