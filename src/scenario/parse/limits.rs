//! The bounds the parser holds a scenario to.

/// Most customers `[generate]` may add: as many as a scenario may have
/// (`config::limits::MAX_CUSTOMERS`).
pub const MAX_GENERATED: u64 = crate::config::limits::MAX_CUSTOMERS as u64;
/// Most `existing_accounts` an organization may start with (the model holds each one).
pub(super) const MAX_EXISTING_ACCOUNTS: u32 = crate::config::limits::MAX_EXISTING_ACCOUNTS;
/// Largest amount of money accepted anywhere, in dollars.
pub(super) const MAX_DOLLARS: i64 = 1_000_000_000_000;
