//! The checks of what a request carries: a policy document's statement, an email's syntax and
//! its case.

use crate::org::types::SharedStr;

/// True when `content` is a JSON object with a `Statement` key: the model's test of a policy
/// document. Read without building the document (no allocation for a key without escapes).
pub(super) fn has_statement(content: &str) -> bool {
    use serde::de::{DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, Visitor};
    use std::fmt;
    /// A key: is it `Statement`? (Compared where it lies, or in serde_json's scratch buffer.)
    struct IsStatement;
    impl<'de> Visitor<'de> for IsStatement {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<bool, E> {
            Ok(v == "Statement")
        }
    }
    impl<'de> DeserializeSeed<'de> for IsStatement {
        type Value = bool;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_str(self)
        }
    }
    /// An object: has it a `Statement` key? (Values are checked and skipped.)
    struct Document;
    impl<'de> Visitor<'de> for Document {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut found = false;
            while let Some(key) = map.next_key_seed(IsStatement)? {
                found |= key;
                map.next_value::<IgnoredAny>()?;
            }
            Ok(found)
        }
    }
    let mut de = serde_json::Deserializer::from_str(content);
    de.deserialize_map(Document)
        .and_then(|found| de.end().map(|()| found))
        .unwrap_or(false)
}

/// `email` in lower case as a shared string, from its [`lower_email`]: `email` itself when it
/// already was.
pub(super) fn lower_shared(email: &SharedStr, lower: std::borrow::Cow<'_, str>) -> SharedStr {
    match lower {
        std::borrow::Cow::Borrowed(_) => email.clone(),
        std::borrow::Cow::Owned(s) => s.into(),
    }
}

/// An email as the model compares emails (lower case), borrowed when it already is: AWS
/// treats emails case-insensitively.
pub(super) fn lower_email(email: &str) -> std::borrow::Cow<'_, str> {
    if email.is_ascii() && !email.bytes().any(|b| b.is_ascii_uppercase()) {
        email.into()
    } else {
        email.to_lowercase().into()
    }
}

/// The email syntax the model accepts: one '@', non-empty local part and domain, a dot in the
/// domain, no whitespace, 6 to 64 characters.
pub fn email_is_valid(email: &str) -> bool {
    // ASCII (every email a scenario makes) in one pass over the bytes; anything else by
    // characters, with Unicode's whitespace.
    let (at, ats) = if email.is_ascii() {
        let bytes = email.as_bytes();
        // `char::is_whitespace` on ASCII: space, \t, \n, vertical tab, form feed, \r.
        let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
        if !(6..=64).contains(&bytes.len()) || bytes.iter().any(blank) {
            return false;
        }
        let mut ats = bytes.iter().enumerate().filter(|(_, &b)| b == b'@');
        (ats.next().map(|(i, _)| i), ats.count())
    } else {
        let len = email.chars().count();
        if !(6..=64).contains(&len) || email.chars().any(char::is_whitespace) {
            return false;
        }
        (
            email.find('@'),
            email.matches('@').count().saturating_sub(1),
        )
    };
    let (Some(at), 0) = (at, ats) else {
        return false;
    };
    let (local, domain) = (&email[..at], &email[at + 1..]);
    !local.is_empty()
        && !domain.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}
