//! The in-memory Organizations service (STUB: being written; see docs/model.md).
//!
//! Architecture invariant: plain data and rules. No I/O, no clock: the caller says what time it
//! is, and randomness comes from the caller's generator.

use std::collections::BTreeMap;

use rand::Rng;

use super::params::ServiceParams;
use super::types::{ApiResult, OrgSnapshot, Request};
use crate::scenario::OrganizationConfig;

/// What the service answers to one request, and how long the call takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Time from the request's arrival to the answer's delivery (ms).
    pub latency_ms: u64,
    pub result: ApiResult,
}

/// The simulated Organizations service.
#[derive(Debug, Clone)]
pub struct OrgModel {
    _params: ServiceParams,
}

impl OrgModel {
    pub fn new(params: ServiceParams, _org: &OrganizationConfig) -> OrgModel {
        OrgModel { _params: params }
    }

    /// Account ids to give the accounts created for these emails (the scenario's `account_id`s),
    /// so that reports show the ids the customers are known by.
    pub fn set_account_id_hints(&mut self, _hints: BTreeMap<String, String>) {}

    /// Handles `req` arriving at `now_ms`.
    pub fn handle<R: Rng>(&mut self, _now_ms: u64, _req: &Request, _rng: &mut R) -> Answer {
        unimplemented!("model")
    }

    /// The organization as it stands at `now_ms` (account creations due by then completed).
    pub fn snapshot(&mut self, _now_ms: u64) -> OrgSnapshot {
        OrgSnapshot::default()
    }
}
