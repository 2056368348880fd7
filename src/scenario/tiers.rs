//! The built-in SecureBase tiers (STUB: being written).
use std::collections::BTreeMap;

use super::Tier;

/// `fintech`, `healthcare`, `gov-federal`, `standard`.
pub fn builtin_tiers() -> BTreeMap<String, Tier> {
    BTreeMap::new()
}
