//! The values requests and answers carry, shared by reference count: [`SharedStr`] (ids,
//! names, ARNs) and [`Tags`].

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// An immutable string shared by reference count: the ids, names and ARNs that requests and
/// answers carry. The model makes each once; requests, answers and the engine's state then
/// share it, so the hot path copies pointers, not bytes. It compares, orders, hashes, prints
/// and debug-prints as its text does.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The pieces end to end, in one allocation (`format!(..).into()` makes two, the `String`
    /// and then the shared copy, and goes through the formatting machinery): for the ids and
    /// ARNs the model makes per call.
    pub(crate) fn concat(parts: &[&str]) -> SharedStr {
        use std::cell::RefCell;
        thread_local! {
            static BUF: RefCell<String> = const { RefCell::new(String::new()) };
        }
        BUF.with_borrow_mut(|buf| {
            buf.clear();
            for p in parts {
                buf.push_str(p);
            }
            SharedStr(Arc::from(buf.as_str()))
        })
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> SharedStr {
        SharedStr(s.into())
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> SharedStr {
        SharedStr(s.into())
    }
}

impl From<&String> for SharedStr {
    fn from(s: &String) -> SharedStr {
        SharedStr(s.as_str().into())
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> String {
        s.0.to_string()
    }
}

impl From<&SharedStr> for String {
    fn from(s: &SharedStr) -> String {
        s.0.to_string()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == *other.0
    }
}

impl serde::Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Tags, key to value, in key order: shared by reference count, so that a request, the model's
/// record and an answer carrying the same tags copy a pointer, not the map (a throttled
/// CreateAccount retried 25 times carried a fresh copy each time). Reads go through `Deref` to
/// the map; a change copies the map only while another holder shares it
/// ([`Tags::make_mut`]). No tags allocate nothing.
#[derive(Clone, Default)]
pub struct Tags(Option<Arc<BTreeMap<String, String>>>);

/// Equal when the maps are: no map and an empty one (all tags removed) are the same tags.
impl PartialEq for Tags {
    fn eq(&self, other: &Tags) -> bool {
        **self == **other
    }
}

impl Eq for Tags {}

/// The map of no tags, for [`Tags`]'s `Deref`.
static NO_TAGS: BTreeMap<String, String> = BTreeMap::new();

impl Tags {
    /// No tags.
    pub fn new() -> Tags {
        Tags(None)
    }

    /// The map, to change: copied first if another holder shares it.
    pub(crate) fn make_mut(&mut self) -> &mut BTreeMap<String, String> {
        Arc::make_mut(self.0.get_or_insert_with(Default::default))
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub(crate) fn insert(&mut self, key: String, value: String) -> Option<String> {
        self.make_mut().insert(key, value)
    }
}

impl Deref for Tags {
    type Target = BTreeMap<String, String>;
    fn deref(&self) -> &BTreeMap<String, String> {
        self.0.as_deref().unwrap_or(&NO_TAGS)
    }
}

impl fmt::Debug for Tags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl From<BTreeMap<String, String>> for Tags {
    fn from(map: BTreeMap<String, String>) -> Tags {
        if map.is_empty() {
            Tags(None)
        } else {
            Tags(Some(Arc::new(map)))
        }
    }
}

impl<const N: usize> From<[(String, String); N]> for Tags {
    fn from(pairs: [(String, String); N]) -> Tags {
        pairs.into_iter().collect()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Tags {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Tags {
        iter.into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect::<BTreeMap<_, _>>()
            .into()
    }
}

impl<'a> IntoIterator for &'a Tags {
    type Item = (&'a String, &'a String);
    type IntoIter = std::collections::btree_map::Iter<'a, String, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl serde::Serialize for Tags {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Tags {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Tags, D::Error> {
        BTreeMap::<String, String>::deserialize(d).map(Tags::from)
    }
}
