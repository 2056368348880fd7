//! The in-memory Organizations service: the state of one organization and the rules AWS applies
//! to each request (quotas, throttling, asynchronous account creation, concurrent modification).
//! Every rule and default is documented, with its source, in `docs/model.md`.
//!
//! Architecture invariant: plain data and rules. No I/O, no clock: the caller says what time it
//! is (`now_ms`), and randomness comes only from the caller's generator. The same sequence of
//! calls with the same generator state gives identical answers: ids come from counters, and
//! every collection whose order can reach an output is a `Vec` or a `BTreeMap`.
//!
//! Order of processing for a request arriving at `now_ms`:
//! 1. account creations due by `now_ms` complete (lazily, in order of completion time, then of
//!    request);
//! 2. the answer's latency is drawn, uniform in `ServiceParams::latency_for(op)` (or from a
//!    measured latency profile, `config::latency`, when one is loaded);
//! 3. the operation's token bucket is charged (`TooManyRequestsException`, "Rate exceeded");
//! 4. `[[service.faults]]`: each fault whose window `[from, to)` holds `now_ms` and whose
//!    operations include the request's, in file order, fails the call with its error with its
//!    probability (the first that fires answers; nothing is applied);
//! 5. with probability `internal_error_probability`: `ServiceException`;
//! 6. concurrent modification: a write whose lock keys overlap a still-open window of an earlier
//!    successful write fails (with probability `concurrent_modification_probability`);
//! 7. the operation's own validation and effect, applied at `now_ms`. A successful write then
//!    holds its lock keys for `[now_ms, now_ms + latency_ms)`.
//!
//! The files (this one only declares and re-exports them; none of them needs it back):
//! `state.rs` the model's state, the `OrgModel` struct and the records its fields hold;
//! `service.rs` its public face (building a model, `handle`: steps 1 and 2 and a list's
//! further pages, snapshots); `limits.rs` the token buckets and fault rules as data and
//! `pipeline.rs` steps 3 to 6 applying them, with the lock windows; `operations.rs` step 7,
//! each operation's rule (`OrgModel::apply`) and the locks it takes (`lock_keys`);
//! `bookkeeping.rs` the lookups and bookkeeping the rules share; `existing.rs` an existing
//! organization held as records; `ids.rs` the ids (their index, their text, the cache a
//! sweep's models share); `validate.rs` the checks of policy documents and emails;
//! `shared.rs` the answer type, fixed ids and messages, and the error helpers.

mod bookkeeping;
mod existing;
mod ids;
mod limits;
mod operations;
mod pipeline;
mod service;
mod shared;
mod state;
mod validate;

pub use ids::IdCache;
pub use shared::*;
pub use state::OrgModel;
pub use validate::email_is_valid;

#[cfg(test)]
mod tests;
