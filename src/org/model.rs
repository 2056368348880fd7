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

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rand::Rng;
use rand_distr::StandardNormal;

use super::types::{
    Account, AccountNode, ApiError, ApiResult, ConstraintViolationReason as Cv,
    CreateAccountFailureReason, CreateAccountState, CreateAccountStatus, ErrorCode, OpSet,
    Operation, OrgSnapshot, OrganizationalUnit, OuNode, Parent, ParentType, PolicySummary,
    PolicyTarget, Request, Response, Root, SharedStr, Tags, TargetKind,
};
use crate::config::service::{Bucket, LatencyRange, ServiceParams};
use crate::config::OrganizationConfig;

/// What the service answers to one request, and how long the call takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Time from the request's arrival to the answer's delivery (ms).
    pub latency_ms: u64,
    pub result: ApiResult,
}

/// The id of the AWS-managed SCP attached to every root, OU and account.
pub const FULL_AWS_ACCESS_ID: &str = "p-FullAWSAccess";
/// Its name.
pub const FULL_AWS_ACCESS_NAME: &str = "FullAWSAccess";
/// FullAWSAccess's place in the model's policies: the first.
const FULL_ACCESS_AT: usize = 0;
/// The simulated organization's root id.
pub const ROOT_ID: &str = "r-sim1";
/// What the model's OU ids start with (then 8 digits).
const OU_ID_PREFIX: &str = "ou-sim1-";

/// An index of ids: those the model makes from a counter (a fixed prefix, then a fixed number of
/// digits: `ou-sim1-00000001`, `p-00000001`, `car-00000001`, 12-digit account ids) by their
/// number, compared as integers; any other id by its text. The counter's numbers from `base`
/// on are positions in a vector (the counters count up from there, so it stays dense); a
/// number far from them (an account id a scenario chose) goes to a map.
#[derive(Debug, Clone)]
struct IdIndex {
    prefix: &'static str,
    width: usize,
    /// The prefix as the first eight bytes of an id read as a little-endian word, masked by
    /// `prefix_mask` (one comparison instead of a loop over its bytes).
    prefix_word: u64,
    prefix_mask: u64,
    base: u64,
    /// Position `n - base` holds the entry of number `n`, or `NONE`.
    dense: Vec<usize>,
    sparse: BTreeMap<u64, usize>,
    by_text: BTreeMap<SharedStr, usize>,
}

impl IdIndex {
    /// An empty slot of `IdIndex::dense`.
    const NONE: usize = usize::MAX;
    /// How far past the end of `dense` a number may be and still extend it.
    const SLACK: u64 = 1024;

    fn new(prefix: &'static str, width: usize, base: u64) -> IdIndex {
        assert!(
            prefix.len() <= 8 && prefix.len() + width >= 8,
            "an id in counter form has at least eight bytes, the prefix at most eight"
        );
        let mut word = [0u8; 8];
        word[..prefix.len()].copy_from_slice(prefix.as_bytes());
        let prefix_mask = match prefix.len() {
            0 => 0,
            n => u64::MAX >> (64 - 8 * n),
        };
        IdIndex {
            prefix,
            width,
            prefix_word: u64::from_le_bytes(word),
            prefix_mask,
            base,
            dense: Vec::new(),
            sparse: BTreeMap::new(),
            by_text: BTreeMap::new(),
        }
    }

    /// The number of an id in the counter's form (the prefix, then exactly `width` digits).
    fn number(&self, id: &str) -> Option<u64> {
        // The length first (most ids that are not of this kind have another length), then the
        // prefix in one word (a call to memcmp costs more than these few bytes).
        let id = id.as_bytes();
        if id.len() != self.prefix.len() + self.width {
            return None;
        }
        let head: [u8; 8] = id.get(..8)?.try_into().ok()?;
        if u64::from_le_bytes(head) & self.prefix_mask != self.prefix_word {
            return None;
        }
        // The digits before the last eight one by one, the last eight at once.
        let digits = &id[self.prefix.len()..];
        let (head, tail) = digits.split_at(digits.len().saturating_sub(8));
        let mut n: u64 = 0;
        for &b in head {
            if !b.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u64::from(b - b'0');
        }
        match <[u8; 8]>::try_from(tail) {
            Ok(eight) => Some(n * 100_000_000 + eight_digits(eight)?),
            Err(_) => tail.iter().try_fold(n, |n, &b| {
                b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
            }),
        }
    }

    fn get(&self, id: &str) -> Option<usize> {
        match self.number(id) {
            Some(n) => {
                let dense = n
                    .checked_sub(self.base)
                    .and_then(|k| self.dense.get(usize::try_from(k).ok()?))
                    .copied()
                    .filter(|&at| at != Self::NONE);
                dense.or_else(|| self.sparse.get(&n).copied())
            }
            None => self.by_text.get(id).copied(),
        }
    }

    fn contains_key(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// Forgets `id`, and moves every entry after `at` (the removed one's place) down by one:
    /// the record at `at` was removed from its vector. O(entries): deletes are rare.
    fn remove_at(&mut self, id: &str, at: usize) {
        match self.number(id) {
            Some(n) => {
                let k = n
                    .checked_sub(self.base)
                    .and_then(|k| usize::try_from(k).ok());
                match k.and_then(|k| self.dense.get_mut(k)) {
                    Some(slot) if *slot == at => *slot = Self::NONE,
                    _ => {
                        self.sparse.remove(&n);
                    }
                }
            }
            None => {
                self.by_text.remove(id);
            }
        }
        let shift = |v: &mut usize| {
            if *v != Self::NONE && *v > at {
                *v -= 1;
            }
        };
        self.dense.iter_mut().for_each(shift);
        self.sparse.values_mut().for_each(shift);
        self.by_text.values_mut().for_each(shift);
    }

    fn insert(&mut self, id: SharedStr, at: usize) {
        let Some(n) = self.number(&id) else {
            self.by_text.insert(id, at);
            return;
        };
        match n.checked_sub(self.base) {
            Some(k) if k <= self.dense.len() as u64 + Self::SLACK => {
                let k = k as usize;
                if k >= self.dense.len() {
                    self.dense.resize(k + 1, Self::NONE);
                }
                self.dense[k] = at;
            }
            _ => {
                self.sparse.insert(n, at);
            }
        }
    }
}
/// The number of the first account id the model makes.
const FIRST_ACCOUNT_NUMBER: u64 = 100_000_000_001;
/// `n` in decimal, zero-padded to at least `width` digits, as `format!("{n:0width$}")` writes
/// it, without the formatting machinery (the model's counter ids).
struct Padded {
    buf: [u8; 20],
    start: usize,
}

impl Padded {
    fn new(mut n: u64, width: usize) -> Padded {
        let mut buf = [b'0'; 20];
        let mut start = buf.len();
        while n > 0 {
            start -= 1;
            buf[start] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        // u64::MAX has 20 digits: a wider request is as wide as the buffer.
        start = start.min(buf.len().saturating_sub(width.max(1)));
        Padded { buf, start }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[self.start..]).expect("ASCII digits")
    }
}

/// Eight ASCII digits as a number, `None` if any is not a digit: all eight at once in one
/// 64-bit word (the model reads an id's number on most calls).
fn eight_digits(bytes: [u8; 8]) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let v = u64::from_le_bytes(bytes);
    // Each byte minus '0': a digit leaves 0..=9, with a high nibble of 0, which adding 6 does
    // not carry out of; any other byte shows in a high nibble (a byte below '0' borrows, but
    // then it shows itself).
    let d = v.wrapping_sub(0x30 * ONES);
    if (d | d.wrapping_add(0x06 * ONES)) & (0xF0 * ONES) != 0 {
        return None;
    }
    // The first byte is the most significant digit: pairs, then fours, then the eight.
    let d = (d.wrapping_mul(10) + (d >> 8)) & 0x00FF_00FF_00FF_00FF;
    let d = (d.wrapping_mul(100) + (d >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((d.wrapping_mul(10_000) + (d >> 32)) & 0xFFFF_FFFF)
}

/// The simulated organization's id.
pub const ORG_ID: &str = "o-sim0000001";
/// The simulated management account's email.
pub const MANAGEMENT_EMAIL: &str = "management@orgsim.invalid";

/// The ARN of the resource `id` of type `kind` (`root`, `ou`, `account`, `policy`) in the
/// simulated organization of the management account `management`, as AWS writes it.
fn org_arn(management: &str, kind: &str, id: &str) -> SharedStr {
    SharedStr::concat(&[
        "arn:aws:organizations::",
        management,
        ":",
        kind,
        "/",
        ORG_ID,
        "/",
        id,
    ])
}

/// The message of a throttled call (token bucket empty).
pub const MSG_RATE_EXCEEDED: &str = "Rate exceeded";
/// The message of a CreateAccount refused because too many creations are in progress.
pub const MSG_IN_PROGRESS: &str = "AWS Organizations can't complete your request because another request is already in progress. Try again later.";
/// The message of a ConcurrentModificationException.
pub const MSG_CONCURRENT: &str = "AWS Organizations can't complete your request because it conflicts with another attempt to modify the same entity. Try again later.";
const MSG_INTERNAL: &str = "AWS Organizations can't complete your request because of an internal service error. Try again later.";
const MSG_INVALID_INPUT: &str = "The requested operation failed because you provided invalid values for one or more of the request parameters.";

/// One token, in the integer units the buckets count in.
const TOKEN: u64 = 1_000_000_000;
const DAY_MS: u64 = 86_400_000;
/// The 95th percentile of the standard normal distribution.
const Z95: f64 = 1.644_853_6;

/// A token bucket counted in integer units (`TOKEN` per token), refilled per millisecond.
#[derive(Debug, Clone)]
struct TokenBucket {
    units: u64,
    cap: u64,
    per_ms: u64,
    last_ms: u64,
}

impl TokenBucket {
    fn new(b: Bucket) -> TokenBucket {
        let cap = (b.burst * TOKEN as f64).round().max(0.0) as u64;
        // rate tokens/s = rate * TOKEN units per 1000 ms.
        let per_ms = (b.rate * (TOKEN / 1000) as f64).round().max(0.0) as u64;
        TokenBucket {
            units: cap,
            cap,
            per_ms,
            last_ms: 0,
        }
    }

    fn refill(&mut self, now_ms: u64) {
        if now_ms > self.last_ms {
            let add = (now_ms - self.last_ms).saturating_mul(self.per_ms);
            self.units = self.units.saturating_add(add).min(self.cap);
            self.last_ms = now_ms;
        }
    }

    /// Takes one token if there is one.
    fn take(&mut self, now_ms: u64) -> bool {
        self.refill(now_ms);
        if self.units >= TOKEN {
            self.units -= TOKEN;
            true
        } else {
            false
        }
    }
}

#[derive(Debug, Clone)]
struct AccountRec {
    id: SharedStr,
    arn: SharedStr,
    name: SharedStr,
    email: SharedStr,
    parent_id: SharedStr,
    tags: Tags,
}

impl AccountRec {
    /// The account as the API gives it; `active` is the model's `ACTIVE`.
    fn api(&self, active: &SharedStr) -> Account {
        Account {
            id: self.id.clone(),
            arn: self.arn.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            status: active.clone(),
        }
    }
}

#[derive(Debug, Clone)]
struct OuRec {
    id: SharedStr,
    arn: SharedStr,
    name: SharedStr,
    parent_id: SharedStr,
    tags: Tags,
    /// Depth below the root (a child of the root has depth 1).
    depth: u32,
}

impl OuRec {
    fn api(&self) -> OrganizationalUnit {
        OrganizationalUnit {
            id: self.id.clone(),
            arn: self.arn.clone(),
            name: self.name.clone(),
        }
    }
}

#[derive(Debug, Clone)]
struct PolicyRec {
    summary: PolicySummary,
    /// The policy document (JSON), as CreatePolicy gave it.
    content: SharedStr,
    tags: Tags,
}

/// The document of the AWS-managed FullAWSAccess policy.
const FULL_AWS_ACCESS_CONTENT: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// One policy attached to one target.
#[derive(Debug, Clone, Copy)]
struct Attached {
    /// The policy's place in `OrgModel::policies`.
    policy: usize,
    target: Entity,
}

#[derive(Debug, Clone)]
struct Creation {
    id: SharedStr,
    name: SharedStr,
    email: SharedStr,
    tags: Tags,
    /// Decided at acceptance: `Some` when the creation will fail.
    failure: Option<CreateAccountFailureReason>,
    state: CreateAccountState,
    account_id: Option<SharedStr>,
}

impl Creation {
    fn status(&self) -> CreateAccountStatus {
        CreateAccountStatus {
            id: self.id.clone(),
            account_name: self.name.clone(),
            state: self.state,
            account_id: self.account_id.clone(),
            failure_reason: if self.state == CreateAccountState::Failed {
                self.failure
            } else {
                None
            },
        }
    }
}

/// A `[[service.faults]]` window as the model applies it.
#[derive(Debug, Clone)]
struct FaultRule {
    from_ms: u64,
    to_ms: u64,
    /// The operations it covers.
    ops: OpSet,
    probability: f64,
    error: ApiError,
}

impl FaultRule {
    fn new(i: usize, f: &crate::config::service::Fault) -> FaultRule {
        let ops = Operation::ALL
            .into_iter()
            .filter(|&op| f.covers(op))
            .collect();
        // Checked at load time; a fault built by hand with an unknown name answers as AWS
        // answers an unknown code.
        let code = f
            .code()
            .unwrap_or_else(|| ErrorCode::Other(f.error.clone()));
        // The message the model gives the code elsewhere; the fault's place for the others.
        let message = match &code {
            ErrorCode::TooManyRequestsException => MSG_RATE_EXCEEDED.to_string(),
            ErrorCode::ConcurrentModificationException => MSG_CONCURRENT.to_string(),
            ErrorCode::ServiceException => MSG_INTERNAL.to_string(),
            ErrorCode::ConstraintViolationException(r) => cv_message(r),
            _ => format!("{} (service.faults[{i}])", f.error),
        };
        FaultRule {
            from_ms: f.from,
            to_ms: f.to,
            ops,
            probability: f.probability,
            error: ApiError::new(code, message),
        }
    }
}

/// What an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Entity {
    Root,
    Ou(usize),
    Account(usize),
    Policy(usize),
}

/// The texts of the counter ids a model makes, by counter value: the same in every model, so a
/// sweep thread's next model shares them instead of writing (and allocating) each again.
#[derive(Debug, Clone, Default)]
pub struct IdCache {
    /// Account id `FIRST_ACCOUNT_NUMBER + k` at `k`.
    accounts: Vec<SharedStr>,
    /// The ARN of account `FIRST_ACCOUNT_NUMBER + k` at `k`, in the organization of
    /// `management_account_id`.
    account_arns: Vec<SharedStr>,
    management_account_id: String,
    /// Creation request id `car-…` of counter `k + 1` at `k`.
    creations: Vec<SharedStr>,
}

impl IdCache {
    /// Entry `k` of `list`, made by `make` the first time.
    fn get_or_make(
        list: &mut Vec<SharedStr>,
        k: u64,
        make: impl FnOnce() -> SharedStr,
    ) -> SharedStr {
        let Ok(k) = usize::try_from(k) else {
            return make();
        };
        if k == list.len() {
            list.push(make());
        } else if k > list.len() {
            return make(); // only ever grown one by one
        }
        list[k].clone()
    }

    /// The account id of counter value `n`.
    fn account(&mut self, n: u64) -> SharedStr {
        let make = || SharedStr::concat(&[Padded::new(n, 12).as_str()]);
        match n.checked_sub(FIRST_ACCOUNT_NUMBER) {
            Some(k) => Self::get_or_make(&mut self.accounts, k, make),
            None => make(),
        }
    }

    /// The ARN of account `id` in the organization of `management`; `counter`: the counter
    /// value `id` was made from ([`IdCache::account`]), if it was.
    fn account_arn(&mut self, management: &str, id: &str, counter: Option<u64>) -> SharedStr {
        let make = || org_arn(management, "account", id);
        if self.management_account_id != management {
            self.account_arns.clear();
            self.management_account_id = management.to_string();
        }
        match counter.and_then(|n| n.checked_sub(FIRST_ACCOUNT_NUMBER)) {
            Some(k) => Self::get_or_make(&mut self.account_arns, k, make),
            None => make(),
        }
    }

    /// The creation request id of counter value `n`.
    fn creation(&mut self, n: u64) -> SharedStr {
        let make = || SharedStr::concat(&["car-", Padded::new(n, 8).as_str()]);
        match n.checked_sub(1) {
            Some(k) => Self::get_or_make(&mut self.creations, k, make),
            None => make(),
        }
    }
}

/// The simulated Organizations service.
#[derive(Debug, Clone)]
pub struct OrgModel {
    params: ServiceParams,
    account_quota: u32,
    management_account_id: String,
    root: Root,
    root_tags: Tags,
    ous: Vec<OuRec>,
    ou_index: IdIndex,
    accounts: Vec<AccountRec>,
    account_index: IdIndex,
    policies: Vec<PolicyRec>,
    policy_index: IdIndex,
    /// Every attachment, in the order made (a detached one removed). One list, not one per
    /// target: a created account's FullAWSAccess is one push, and the few calls that look
    /// attachments up (AttachPolicy, DetachPolicy, ListPoliciesForTarget,
    /// ListTargetsForPolicy: a handful a deployment) scan it.
    attachments: Vec<Attached>,
    creations: Vec<Creation>,
    creation_index: IdIndex,
    /// Creations not yet completed: (completion time, index into `creations`).
    pending: BTreeSet<(u64, usize)>,
    /// Acceptance times of every accepted creation (for the per-day limit).
    accepted_at: Vec<u64>,
    /// Lower-cased emails of the accounts and of the accepted, not-failed creations. Hashed:
    /// only looked up, never iterated; an email already in lower case is shared, not copied.
    emails: HashSet<SharedStr>,
    /// Lower-cased email → account id to give.
    hints: BTreeMap<String, String>,
    hinted_ids: BTreeSet<String>,
    buckets: Vec<TokenBucket>,
    /// Each operation's latency range (`ServiceParams::latency_for`), by `Operation::index`:
    /// looked up once per model, not by name per call.
    latency: Vec<LatencyRange>,
    /// `[[service.faults]]`, in file order (empty: no fault is looked at, nothing is drawn).
    faults: Vec<FaultRule>,
    /// Lock key → windows `[start, end)` of successful writes holding it. An id that names
    /// nothing holds no lock (no write on it succeeds), and ids are never reused.
    locks: BTreeMap<LockKey, Vec<(u64, u64)>>,
    next_ou: u64,
    next_policy: u64,
    next_account: u64,
    next_car: u64,
    /// The counter ids made so far, kept for the next model of the same organization
    /// ([`OrgModel::take_ids`], [`OrgModel::reuse_ids`]).
    ids: IdCache,
    /// `ACTIVE` (every account's status) and FullAWSAccess's id, made once per model: answers
    /// share them, and no other thread's model counts references to them.
    active: SharedStr,
    full_access: SharedStr,
}

fn err(code: ErrorCode, msg: impl Into<std::borrow::Cow<'static, str>>) -> ApiResult {
    Err(ApiError::new(code, msg))
}

fn cv_message(reason: &Cv) -> String {
    format!(
        "You can't perform the operation because it would violate a constraint: {}.",
        reason.as_str()
    )
}

fn cv(reason: Cv) -> ApiResult {
    let msg = cv_message(&reason);
    err(ErrorCode::ConstraintViolationException(reason), msg)
}

fn secs_to_ms(s: f64) -> u64 {
    (s * 1000.0).round().max(0.0) as u64
}

/// True when `content` is a JSON object with a `Statement` key: the model's test of a policy
/// document. Read without building the document (no allocation for a key without escapes).
fn has_statement(content: &str) -> bool {
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
fn lower_shared(email: &SharedStr, lower: std::borrow::Cow<'_, str>) -> SharedStr {
    match lower {
        std::borrow::Cow::Borrowed(_) => email.clone(),
        std::borrow::Cow::Owned(s) => s.into(),
    }
}

/// An email as the model compares emails (lower case), borrowed when it already is: AWS
/// treats emails case-insensitively.
fn lower_email(email: &str) -> std::borrow::Cow<'_, str> {
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

/// What a write locks: the entity it changes, or the organization's policy list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum LockKey {
    Policies,
    Entity(Entity),
}

/// The lock key a request takes (an id, or the policy list) and the one it only checks.
fn lock_keys(req: &Request) -> (Option<LockOn<'_>>, Option<LockOn<'_>>) {
    use LockOn::{Id, Policies};
    match req {
        Request::CreateOrganizationalUnit { parent_id, .. } => (Some(Id(parent_id)), None),
        Request::CreatePolicy { .. } => (Some(Policies), None),
        Request::AttachPolicy { target_id, .. } | Request::DetachPolicy { target_id, .. } => {
            (Some(Id(target_id)), Some(Policies))
        }
        Request::MoveAccount { account_id, .. } => (Some(Id(account_id)), None),
        Request::UpdateOrganizationalUnit {
            organizational_unit_id,
            ..
        } => (Some(Id(organizational_unit_id)), None),
        Request::UpdatePolicy { policy_id, .. } => (Some(Id(policy_id)), Some(Policies)),
        Request::DeleteOrganizationalUnit {
            organizational_unit_id,
        } => (Some(Id(organizational_unit_id)), None),
        Request::DeletePolicy { policy_id } => (Some(Id(policy_id)), Some(Policies)),
        Request::TagResource { resource_id, .. } | Request::UntagResource { resource_id, .. } => {
            (Some(Id(resource_id)), None)
        }
        _ => (None, None),
    }
}

/// A lock key as a request names it.
#[derive(Debug, Clone, Copy)]
enum LockOn<'a> {
    Policies,
    Id(&'a str),
}

impl OrgModel {
    pub fn new(params: ServiceParams, org: &OrganizationConfig) -> OrgModel {
        let mgmt = org.management_account_id.clone();
        let buckets = Operation::ALL
            .iter()
            .map(|&op| TokenBucket::new(params.bucket(op)))
            .collect();
        let latency = Operation::ALL
            .iter()
            .map(|&op| params.latency_for(op))
            .collect();
        let faults = params
            .faults
            .iter()
            .enumerate()
            .map(|(i, f)| FaultRule::new(i, f))
            .collect();
        let root = Root {
            id: ROOT_ID.into(),
            arn: org_arn(&mgmt, "root", ROOT_ID),
            name: "Root".into(),
        };
        let mut m = OrgModel {
            params,
            account_quota: org.account_quota,
            management_account_id: mgmt.clone(),
            root,
            root_tags: Tags::new(),
            ous: Vec::new(),
            ou_index: IdIndex::new(OU_ID_PREFIX, 8, 1),
            accounts: Vec::new(),
            account_index: IdIndex::new("", 12, FIRST_ACCOUNT_NUMBER),
            policies: Vec::new(),
            policy_index: IdIndex::new("p-", 8, 1),
            attachments: Vec::new(),
            creations: Vec::new(),
            creation_index: IdIndex::new("car-", 8, 1),
            pending: BTreeSet::new(),
            accepted_at: Vec::new(),
            emails: HashSet::new(),
            hints: BTreeMap::new(),
            hinted_ids: BTreeSet::new(),
            buckets,
            latency,
            faults,
            locks: BTreeMap::new(),
            next_ou: 1,
            next_policy: 1,
            next_account: FIRST_ACCOUNT_NUMBER,
            next_car: 1,
            ids: IdCache::default(),
            active: "ACTIVE".into(),
            full_access: FULL_AWS_ACCESS_ID.into(),
        };
        m.push_policy(PolicyRec {
            summary: PolicySummary {
                id: m.full_access.clone(),
                arn: format!(
                    "arn:aws:organizations::aws:policy/service_control_policy/{FULL_AWS_ACCESS_ID}"
                )
                .into(),
                name: FULL_AWS_ACCESS_NAME.into(),
                aws_managed: true,
            },
            content: FULL_AWS_ACCESS_CONTENT.into(),
            tags: Tags::new(),
        });
        debug_assert_eq!(m.policies[FULL_ACCESS_AT].summary.id, m.full_access);
        m.attach(FULL_ACCESS_AT, Entity::Root);
        m.add_account(
            mgmt.into(),
            None,
            "Management".into(),
            org.management_email
                .as_deref()
                .unwrap_or(MANAGEMENT_EMAIL)
                .into(),
            Tags::new(),
        );
        for i in 1..=org.existing_accounts {
            let (id, n) = m.next_free_account_id();
            m.add_account(
                id,
                Some(n),
                format!("Existing account {i}").into(),
                format!("existing-{i}@orgsim.invalid").into(),
                Tags::new(),
            );
        }
        m
    }

    /// The model of `sc`'s organization (its `[service]` and `[organization]` tables), giving the
    /// accounts it creates the ids the scenario's customers are known by (their `account_id`,
    /// first claim winning).
    pub fn for_scenario(sc: &crate::scenario::Scenario) -> OrgModel {
        let mut hints = BTreeMap::new();
        let mut used = BTreeSet::new();
        used.insert(sc.organization.management_account_id.clone());
        for c in &sc.customers {
            if let Some(id) = &c.account_id {
                if used.insert(id.clone()) {
                    hints
                        .entry(c.email.to_ascii_lowercase())
                        .or_insert_with(|| id.clone());
                }
            }
        }
        let mut m = OrgModel::new(sc.service.clone(), &sc.organization);
        m.set_account_id_hints(hints);
        // One account and one creation a customer: room for them at once, not by doubling.
        let n = sc.customers.len();
        m.accounts.reserve(n);
        m.creations.reserve(n);
        m.accepted_at.reserve(n);
        m
    }

    /// The counter ids this model made (its account ids, their ARNs and its creation request
    /// ids), to hand to the next model of a sweep thread: [`OrgModel::reuse_ids`].
    pub fn take_ids(&mut self) -> IdCache {
        std::mem::take(&mut self.ids)
    }

    /// Makes the ids in `ids` (from [`OrgModel::take_ids`]) again by sharing them rather than
    /// writing them anew: the same texts, so nothing this model answers changes (an ARN names
    /// the management account: the ARNs are kept only for the same one).
    pub fn reuse_ids(&mut self, ids: IdCache) {
        self.ids = ids;
    }

    /// Account ids to give the accounts created for these emails (the scenario's `account_id`s),
    /// so that reports show the ids the customers are known by. Emails match case-insensitively.
    pub fn set_account_id_hints(&mut self, hints: BTreeMap<String, String>) {
        self.hinted_ids = hints.values().cloned().collect();
        self.hints = hints
            .into_iter()
            .map(|(e, id)| (lower_email(&e).into_owned(), id))
            .collect();
    }

    /// The parameters in force.
    pub fn params(&self) -> &ServiceParams {
        &self.params
    }

    /// The root's id.
    pub fn root_id(&self) -> &str {
        &self.root.id
    }

    /// Account creations in progress at `now_ms` (those due by then are completed first).
    pub fn in_progress_creations(&mut self, now_ms: u64) -> usize {
        self.complete_due(now_ms);
        self.pending.len()
    }

    /// The earliest time a creation in progress completes, if any.
    pub fn next_completion_ms(&self) -> Option<u64> {
        self.pending.first().map(|&(t, _)| t)
    }

    /// Handles `req` arriving at `now_ms`.
    pub fn handle<R: Rng>(&mut self, now_ms: u64, req: &Request, rng: &mut R) -> Answer {
        self.complete_due(now_ms);
        let op = req.operation();
        let mut latency_ms = self.draw_latency(op, rng);
        let mut result = self.process(now_ms, latency_ms, req, rng);
        // A long list comes in pages, one request each (the SDK's paginator): every page after
        // the first takes its own latency and its own token, at the time it is sent.
        let pages = match &result {
            Ok(r) => r.list_len().map_or(1, |n| {
                n.div_ceil(self.params.list_page_size.max(1) as usize)
            }),
            Err(_) => 1,
        };
        for _ in 1..pages {
            let sent = now_ms + latency_ms;
            latency_ms += self.draw_latency(op, rng);
            if !self.buckets[op.index()].take(sent) {
                result = err(ErrorCode::TooManyRequestsException, MSG_RATE_EXCEEDED);
                break;
            }
        }
        Answer { latency_ms, result }
    }

    /// The management account's id.
    pub fn management_account_id(&self) -> &str {
        &self.management_account_id
    }

    /// The organization as it stands at `now_ms` (account creations due by then completed).
    pub fn snapshot(&mut self, now_ms: u64) -> OrgSnapshot {
        self.complete_due(now_ms);
        self.clone().into_snapshot(now_ms)
    }

    /// [`OrgModel::snapshot`], giving the model's records to the snapshot rather than copying
    /// them (the end of a run: half the memory at its peak).
    pub fn into_snapshot(mut self, now_ms: u64) -> OrgSnapshot {
        self.complete_due(now_ms);
        let attachments: Vec<(SharedStr, SharedStr)> = self
            .attachments
            .iter()
            .map(|a| {
                let policy = &self.policies[a.policy].summary.id;
                (policy.clone(), self.entity_id(a.target).clone())
            })
            .collect();
        OrgSnapshot {
            root_id: self.root.id.into(),
            management_account_id: self.management_account_id,
            ous: self
                .ous
                .into_iter()
                .map(|o| OuNode {
                    id: o.id,
                    name: o.name,
                    parent_id: o.parent_id,
                    tags: o.tags,
                })
                .collect(),
            accounts: self
                .accounts
                .into_iter()
                .map(|a| AccountNode {
                    id: a.id,
                    name: a.name,
                    email: a.email,
                    parent_id: a.parent_id,
                    tags: a.tags,
                })
                .collect(),
            policies: self.policies.into_iter().map(|p| p.summary).collect(),
            attachments,
        }
    }

    // ---- the pipeline -------------------------------------------------------------------

    fn process<R: Rng>(
        &mut self,
        now: u64,
        latency_ms: u64,
        req: &Request,
        rng: &mut R,
    ) -> ApiResult {
        let op = req.operation();
        if !self.buckets[op.index()].take(now) {
            return err(ErrorCode::TooManyRequestsException, MSG_RATE_EXCEEDED);
        }
        if !self.faults.is_empty() {
            if let Some(e) = self.fault(now, op, rng) {
                return Err(e);
            }
        }
        if Self::chance(self.params.internal_error_probability, rng) {
            return err(ErrorCode::ServiceException, MSG_INTERNAL);
        }
        let (takes, checks) = lock_keys(req);
        let overlap = [takes, checks]
            .into_iter()
            .flatten()
            .filter_map(|k| self.lock_key(k))
            .any(|k| self.is_locked(k, now));
        if overlap && Self::chance(self.params.concurrent_modification_probability, rng) {
            return err(ErrorCode::ConcurrentModificationException, MSG_CONCURRENT);
        }
        let result = self.apply(now, req, rng);
        if result.is_ok() && latency_ms > 0 {
            if let Some(k) = takes.and_then(|k| self.lock_key(k)) {
                let windows = self.locks.entry(k).or_default();
                windows.retain(|&(_, end)| end > now);
                windows.push((now, now + latency_ms));
            }
        }
        result
    }

    /// The error of the first fault, in file order, that covers `op` at `now` and fires (each
    /// draws only when its window and operations hold and 0 < probability < 1).
    fn fault<R: Rng>(&self, now: u64, op: Operation, rng: &mut R) -> Option<ApiError> {
        self.faults
            .iter()
            .filter(|f| f.from_ms <= now && now < f.to_ms && f.ops.contains(op))
            .find(|f| Self::chance(f.probability, rng))
            .map(|f| f.error.clone())
    }

    /// True with probability `p`; draws from `rng` only when 0 < p < 1.
    fn chance<R: Rng>(p: f64, rng: &mut R) -> bool {
        if p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            rng.random::<f64>() < p
        }
    }

    fn lock_key(&self, on: LockOn<'_>) -> Option<LockKey> {
        match on {
            LockOn::Policies => Some(LockKey::Policies),
            LockOn::Id(id) => self.entity(id).map(LockKey::Entity),
        }
    }

    fn is_locked(&self, key: LockKey, now: u64) -> bool {
        self.locks
            .get(&key)
            .is_some_and(|ws| ws.iter().any(|&(start, end)| start <= now && now < end))
    }

    fn apply<R: Rng>(&mut self, now: u64, req: &Request, rng: &mut R) -> ApiResult {
        match req {
            Request::ListRoots => Ok(Response::Roots(vec![self.root.clone()])),
            Request::CreateOrganizationalUnit { parent_id, name, tags } => {
                self.create_ou(parent_id, name, tags)
            }
            Request::CreatePolicy { name, content, tags, .. } => {
                self.create_policy(name, content, tags)
            }
            Request::AttachPolicy { policy_id, target_id } => self.attach_policy(policy_id, target_id),
            Request::DetachPolicy { policy_id, target_id } => self.detach_policy(policy_id, target_id),
            Request::CreateAccount { email, account_name, tags } => {
                self.create_account(now, email, account_name, tags, rng)
            }
            Request::DescribeCreateAccountStatus { create_account_request_id } => {
                match self.creation_index.get(create_account_request_id) {
                    Some(i) => Ok(Response::CreateAccountStatus(self.creations[i].status())),
                    None => err(
                        ErrorCode::CreateAccountStatusNotFoundException,
                        "We can't find a create account request with the CreateAccountRequestId that you specified.",
                    ),
                }
            }
            Request::MoveAccount { account_id, source_parent_id, destination_parent_id } => {
                self.move_account(account_id, source_parent_id, destination_parent_id)
            }
            Request::TagResource { resource_id, tags } => self.tag_resource(resource_id, tags),
            Request::UntagResource { resource_id, tag_keys } => {
                let Some(t) = self.tags_mut(resource_id) else {
                    return Self::target_not_found();
                };
                for k in tag_keys {
                    t.make_mut().remove(k);
                }
                Ok(Response::Empty)
            }
            Request::ListParents { child_id } => {
                let parent = match self.entity(child_id) {
                    Some(Entity::Account(i)) => self.accounts[i].parent_id.clone(),
                    Some(Entity::Ou(i)) => self.ous[i].parent_id.clone(),
                    _ => {
                        return err(
                            ErrorCode::Other("ChildNotFoundException".into()),
                            "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
                        )
                    }
                };
                let kind =
                    if parent == self.root.id { ParentType::Root } else { ParentType::OrganizationalUnit };
                Ok(Response::Parents(vec![Parent { id: parent, kind }]))
            }
            Request::ListAccountsForParent { parent_id } => {
                if !self.is_parent(parent_id) {
                    return Self::parent_not_found();
                }
                Ok(Response::Accounts(
                    self.accounts.iter().filter(|a| &a.parent_id == parent_id).map(|a| a.api(&self.active)).collect(),
                ))
            }
            Request::ListOrganizationalUnitsForParent { parent_id } => {
                if !self.is_parent(parent_id) {
                    return Self::parent_not_found();
                }
                Ok(Response::OrganizationalUnits(
                    self.ous.iter().filter(|o| &o.parent_id == parent_id).map(OuRec::api).collect(),
                ))
            }
            Request::ListAccounts => {
                Ok(Response::Accounts(self.accounts.iter().map(|a| a.api(&self.active)).collect()))
            }
            Request::ListPolicies => {
                Ok(Response::Policies(self.policies.iter().map(|p| p.summary.clone()).collect()))
            }
            Request::ListPoliciesForTarget { target_id } => {
                let Some(target) = self.attach_target(target_id) else {
                    return Self::target_not_found();
                };
                let attached: BTreeSet<usize> = self.attached_to(target).map(|a| a.policy).collect();
                Ok(Response::Policies(
                    attached.into_iter().map(|i| self.policies[i].summary.clone()).collect(),
                ))
            }
            Request::ListTagsForResource { resource_id } => match self.tags_mut(resource_id) {
                Some(t) => Ok(Response::Tags(t.clone())),
                None => Self::target_not_found(),
            },
            Request::DescribeAccount { account_id } => match self.account_index.get(account_id) {
                Some(i) => Ok(Response::Account(self.accounts[i].api(&self.active))),
                None => Self::account_not_found(),
            },
            Request::DescribeOrganizationalUnit { organizational_unit_id } => {
                match self.ou_index.get(organizational_unit_id) {
                    Some(i) => Ok(Response::OrganizationalUnit(self.ous[i].api())),
                    None => err(
                        ErrorCode::OrganizationalUnitNotFoundException,
                        "We can't find an OU with the OrganizationalUnitId that you specified.",
                    ),
                }
            }
            Request::DescribePolicy { policy_id } => match self.policy_index.get(policy_id) {
                Some(i) => Ok(Response::PolicyDocument {
                    summary: self.policies[i].summary.clone(),
                    content: self.policies[i].content.clone(),
                }),
                None => Self::policy_not_found(),
            },
            Request::UpdateOrganizationalUnit { organizational_unit_id, name } => {
                self.update_ou(organizational_unit_id, name.as_ref())
            }
            Request::UpdatePolicy { policy_id, name, content } => {
                self.update_policy(policy_id, name.as_ref(), content.as_ref())
            }
            Request::DeleteOrganizationalUnit { organizational_unit_id } => {
                self.delete_ou(organizational_unit_id)
            }
            Request::DeletePolicy { policy_id } => self.delete_policy(policy_id),
            Request::ListCreateAccountStatus => Ok(Response::CreateAccountStatuses(
                self.creations
                    .iter()
                    .filter(|c| c.state != CreateAccountState::Failed)
                    .map(Creation::status)
                    .collect(),
            )),
            Request::ListTargetsForPolicy { policy_id } => {
                let Some(i) = self.policy_index.get(policy_id) else {
                    return Self::policy_not_found();
                };
                Ok(Response::PolicyTargets(
                    self.attachments
                        .iter()
                        .filter(|a| a.policy == i)
                        .filter_map(|a| self.policy_target(a.target))
                        .collect(),
                ))
            }
        }
    }

    // ---- operations ---------------------------------------------------------------------

    fn create_ou(&mut self, parent_id: &SharedStr, name: &SharedStr, tags: &Tags) -> ApiResult {
        let parent_depth = match self.entity(parent_id) {
            Some(Entity::Root) => 0,
            Some(Entity::Ou(i)) => self.ous[i].depth,
            _ => return Self::parent_not_found(),
        };
        let n = name.chars().count();
        if n == 0 || n > 128 {
            return err(ErrorCode::InvalidInputException, MSG_INVALID_INPUT);
        }
        if self
            .ous
            .iter()
            .any(|o| &o.parent_id == parent_id && &o.name == name)
        {
            return err(
                ErrorCode::DuplicateOrganizationalUnitException,
                "An OU with the same name already exists.",
            );
        }
        if parent_depth + 1 > self.params.max_ou_depth {
            return cv(Cv::OuDepthLimitExceeded);
        }
        if self.ous.len() >= self.params.max_ous as usize {
            return cv(Cv::OuNumberLimitExceeded);
        }
        if tags.len() > self.params.max_tags_per_resource as usize {
            return cv(Cv::MaxTagLimitExceeded);
        }
        let id = SharedStr::concat(&[OU_ID_PREFIX, Padded::new(self.next_ou, 8).as_str()]);
        self.next_ou += 1;
        let ou = OuRec {
            arn: org_arn(&self.management_account_id, "ou", &id),
            id: id.clone(),
            name: name.clone(),
            parent_id: parent_id.clone(),
            tags: tags.clone(),
            depth: parent_depth + 1,
        };
        let out = ou.api();
        let at = self.ous.len();
        self.ou_index.insert(id.clone(), at);
        self.ous.push(ou);
        self.attach(FULL_ACCESS_AT, Entity::Ou(at));
        Ok(Response::OrganizationalUnit(out))
    }

    fn create_policy(&mut self, name: &SharedStr, content: &SharedStr, tags: &Tags) -> ApiResult {
        let n = name.chars().count();
        if n == 0 || n > 128 {
            return err(ErrorCode::InvalidInputException, MSG_INVALID_INPUT);
        }
        if self.policies.iter().any(|p| &p.summary.name == name) {
            return err(
                ErrorCode::DuplicatePolicyException,
                "A policy with the same name already exists.",
            );
        }
        if content.chars().count() > self.params.max_policy_size as usize {
            return cv(Cv::PolicyContentLimitExceeded);
        }
        let well_formed = has_statement(content);
        if !well_formed {
            return err(
                ErrorCode::MalformedPolicyDocumentException,
                "The provided policy document doesn't meet the requirements of the specified policy type.",
            );
        }
        let customer = self
            .policies
            .iter()
            .filter(|p| !p.summary.aws_managed)
            .count();
        if customer >= self.params.max_policies as usize {
            return cv(Cv::PolicyNumberLimitExceeded);
        }
        if tags.len() > self.params.max_tags_per_resource as usize {
            return cv(Cv::MaxTagLimitExceeded);
        }
        let id = SharedStr::concat(&["p-", Padded::new(self.next_policy, 8).as_str()]);
        self.next_policy += 1;
        let summary = PolicySummary {
            arn: org_arn(
                &self.management_account_id,
                "policy",
                &["service_control_policy/", &id].concat(),
            ),
            id,
            name: name.clone(),
            aws_managed: false,
        };
        self.push_policy(PolicyRec {
            summary: summary.clone(),
            content: content.clone(),
            tags: tags.clone(),
        });
        Ok(Response::Policy(summary))
    }

    fn attach_policy(&mut self, policy_id: &SharedStr, target_id: &SharedStr) -> ApiResult {
        let Some(policy) = self.policy_index.get(policy_id) else {
            return Self::policy_not_found();
        };
        let Some(target) = self.attach_target(target_id) else {
            return Self::target_not_found();
        };
        if self.attached_to(target).any(|a| a.policy == policy) {
            return err(
                ErrorCode::DuplicatePolicyAttachmentException,
                "The selected policy is already attached to the specified target.",
            );
        }
        if self.attached_to(target).count() >= self.params.max_policies_per_target as usize {
            return cv(Cv::MaxPolicyTypeAttachmentLimitExceeded);
        }
        self.attach(policy, target);
        Ok(Response::Empty)
    }

    /// UpdateOrganizationalUnit: a new name, unique among its siblings (none: unchanged).
    fn update_ou(&mut self, ou_id: &SharedStr, name: Option<&SharedStr>) -> ApiResult {
        let Some(i) = self.ou_index.get(ou_id) else {
            return err(
                ErrorCode::OrganizationalUnitNotFoundException,
                "We can't find an OU with the OrganizationalUnitId that you specified.",
            );
        };
        if let Some(name) = name {
            let n = name.chars().count();
            if n == 0 || n > 128 {
                return err(ErrorCode::InvalidInputException, MSG_INVALID_INPUT);
            }
            let parent = &self.ous[i].parent_id;
            if self
                .ous
                .iter()
                .enumerate()
                .any(|(j, o)| j != i && &o.parent_id == parent && &o.name == name)
            {
                return err(
                    ErrorCode::DuplicateOrganizationalUnitException,
                    "An OU with the same name already exists.",
                );
            }
            self.ous[i].name = name.clone();
        }
        Ok(Response::OrganizationalUnit(self.ous[i].api()))
    }

    /// UpdatePolicy: a new name (unique) or document (within the size limit, with a
    /// statement); an AWS-managed policy cannot be changed.
    fn update_policy(
        &mut self,
        policy_id: &SharedStr,
        name: Option<&SharedStr>,
        content: Option<&SharedStr>,
    ) -> ApiResult {
        let Some(i) = self.policy_index.get(policy_id) else {
            return Self::policy_not_found();
        };
        if self.policies[i].summary.aws_managed {
            return err(
                ErrorCode::AccessDeniedException,
                "You don't have permissions to modify an AWS managed policy.",
            );
        }
        if let Some(name) = name {
            let n = name.chars().count();
            if n == 0 || n > 128 {
                return err(ErrorCode::InvalidInputException, MSG_INVALID_INPUT);
            }
            if self
                .policies
                .iter()
                .enumerate()
                .any(|(j, p)| j != i && &p.summary.name == name)
            {
                return err(
                    ErrorCode::DuplicatePolicyException,
                    "A policy with the same name already exists.",
                );
            }
        }
        if let Some(content) = content {
            if content.chars().count() > self.params.max_policy_size as usize {
                return cv(Cv::PolicyContentLimitExceeded);
            }
            if !has_statement(content) {
                return err(
                    ErrorCode::MalformedPolicyDocumentException,
                    "The provided policy document doesn't meet the requirements of the specified policy type.",
                );
            }
        }
        let p = &mut self.policies[i];
        if let Some(name) = name {
            p.summary.name = name.clone();
        }
        if let Some(content) = content {
            p.content = content.clone();
        }
        Ok(Response::PolicyDocument {
            summary: p.summary.clone(),
            content: p.content.clone(),
        })
    }

    /// DeleteOrganizationalUnit: an empty OU (no accounts, no OUs in it) goes, with its
    /// attachments and tags.
    fn delete_ou(&mut self, ou_id: &SharedStr) -> ApiResult {
        let Some(i) = self.ou_index.get(ou_id) else {
            return err(
                ErrorCode::OrganizationalUnitNotFoundException,
                "We can't find an OU with the OrganizationalUnitId that you specified.",
            );
        };
        let id = self.ous[i].id.clone();
        if self.accounts.iter().any(|a| a.parent_id == id)
            || self.ous.iter().any(|o| o.parent_id == id)
        {
            return err(
                ErrorCode::Other("OrganizationalUnitNotEmptyException".into()),
                "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try again.",
            );
        }
        self.ou_index.remove_at(&id, i);
        self.ous.remove(i);
        self.attachments.retain(|a| a.target != Entity::Ou(i));
        let after = |e: Entity| match e {
            Entity::Ou(j) if j > i => Entity::Ou(j - 1),
            e => e,
        };
        for a in &mut self.attachments {
            a.target = after(a.target);
        }
        self.locks = std::mem::take(&mut self.locks)
            .into_iter()
            .filter(|(k, _)| *k != LockKey::Entity(Entity::Ou(i)))
            .map(|(k, w)| match k {
                LockKey::Entity(e) => (LockKey::Entity(after(e)), w),
                k => (k, w),
            })
            .collect();
        Ok(Response::Empty)
    }

    /// DeletePolicy: a customer-managed policy attached to nothing goes, with its tags.
    fn delete_policy(&mut self, policy_id: &SharedStr) -> ApiResult {
        let Some(i) = self.policy_index.get(policy_id) else {
            return Self::policy_not_found();
        };
        if self.policies[i].summary.aws_managed {
            return err(
                ErrorCode::AccessDeniedException,
                "You don't have permissions to delete an AWS managed policy.",
            );
        }
        if self.attachments.iter().any(|a| a.policy == i) {
            return err(
                ErrorCode::Other("PolicyInUseException".into()),
                "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.",
            );
        }
        let id = self.policies[i].summary.id.clone();
        self.policy_index.remove_at(&id, i);
        self.policies.remove(i);
        for a in &mut self.attachments {
            if a.policy > i {
                a.policy -= 1;
            }
        }
        self.locks = std::mem::take(&mut self.locks)
            .into_iter()
            .filter(|(k, _)| *k != LockKey::Entity(Entity::Policy(i)))
            .map(|(k, w)| match k {
                LockKey::Entity(Entity::Policy(j)) if j > i => {
                    (LockKey::Entity(Entity::Policy(j - 1)), w)
                }
                k => (k, w),
            })
            .collect();
        Ok(Response::Empty)
    }

    fn detach_policy(&mut self, policy_id: &SharedStr, target_id: &SharedStr) -> ApiResult {
        let Some(policy) = self.policy_index.get(policy_id) else {
            return Self::policy_not_found();
        };
        let Some(target) = self.attach_target(target_id) else {
            return Self::target_not_found();
        };
        let Some(pos) = self
            .attachments
            .iter()
            .position(|a| a.target == target && a.policy == policy)
        else {
            return err(
                ErrorCode::PolicyNotAttachedException,
                "The policy isn't attached to the specified target in the specified root.",
            );
        };
        if self.attached_to(target).count() <= 1 {
            return cv(Cv::MinPolicyTypeAttachmentLimitExceeded);
        }
        self.attachments.remove(pos);
        Ok(Response::Empty)
    }

    fn create_account<R: Rng>(
        &mut self,
        now: u64,
        email: &SharedStr,
        name: &SharedStr,
        tags: &Tags,
        rng: &mut R,
    ) -> ApiResult {
        if self.pending.len() >= self.params.create_account_concurrency as usize {
            return err(ErrorCode::TooManyRequestsException, MSG_IN_PROGRESS);
        }
        let per_day = self.params.account_creations_per_day as usize;
        if per_day > 0 {
            let recent = self
                .accepted_at
                .iter()
                .filter(|&&t| t <= now && now - t < DAY_MS)
                .count();
            if recent >= per_day {
                return cv(Cv::AccountCreationRateLimitExceeded);
            }
        }
        if tags.len() > self.params.max_tags_per_resource as usize {
            return cv(Cv::MaxTagLimitExceeded);
        }
        let lower = lower_email(email);
        let failure = if !email_is_valid(email) {
            Some(CreateAccountFailureReason::InvalidEmail)
        } else if self.emails.contains(&*lower) {
            Some(CreateAccountFailureReason::EmailAlreadyExists)
        } else if self.accounts.len() + self.pending_successes() >= self.account_quota as usize {
            Some(CreateAccountFailureReason::AccountLimitExceeded)
        } else {
            None
        };
        let duration_ms = match failure {
            Some(_) => secs_to_ms(self.params.account_creation.min_s),
            None => self.draw_creation_ms(rng),
        };
        if failure.is_none() {
            self.emails.insert(lower_shared(email, lower));
        }
        let id = self.ids.creation(self.next_car);
        self.next_car += 1;
        let c = Creation {
            id: id.clone(),
            name: name.clone(),
            email: email.clone(),
            tags: tags.clone(),
            failure,
            state: CreateAccountState::InProgress,
            account_id: None,
        };
        let status = c.status();
        let idx = self.creations.len();
        self.creations.push(c);
        self.creation_index.insert(id, idx);
        self.pending.insert((now.saturating_add(duration_ms), idx));
        self.accepted_at.push(now);
        Ok(Response::CreateAccountStatus(status))
    }

    fn move_account(
        &mut self,
        account_id: &str,
        source: &str,
        destination: &SharedStr,
    ) -> ApiResult {
        let Some(i) = self.account_index.get(account_id) else {
            return Self::account_not_found();
        };
        if !self.is_parent(source) || self.accounts[i].parent_id != source {
            return err(
                ErrorCode::SourceParentNotFoundException,
                "We can't find a source root or OU with the ParentId that you specified.",
            );
        }
        if !self.is_parent(destination) {
            return err(
                ErrorCode::DestinationParentNotFoundException,
                "We can't find the destination container (a root or OU) with the ParentId that you specified.",
            );
        }
        if source == destination {
            return err(
                ErrorCode::DuplicateAccountException,
                "That account is already present in the specified destination.",
            );
        }
        self.accounts[i].parent_id = destination.clone();
        Ok(Response::Empty)
    }

    fn tag_resource(&mut self, resource_id: &str, tags: &Tags) -> ApiResult {
        let max = self.params.max_tags_per_resource as usize;
        let Some(t) = self.tags_mut(resource_id) else {
            return Self::target_not_found();
        };
        let added = tags.keys().filter(|k| !t.contains_key(*k)).count();
        if t.len() + added > max {
            return cv(Cv::MaxTagLimitExceeded);
        }
        t.make_mut()
            .extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(Response::Empty)
    }

    // ---- helpers ------------------------------------------------------------------------

    /// Completes every creation due by `now`, in order of completion time, then of request.
    fn complete_due(&mut self, now: u64) {
        while let Some(&(t, idx)) = self.pending.first() {
            if t > now {
                break;
            }
            self.pending.pop_first();
            self.finish_creation(idx);
        }
    }

    fn finish_creation(&mut self, idx: usize) {
        if self.creations[idx].failure.is_some() {
            self.creations[idx].state = CreateAccountState::Failed;
            return;
        }
        // The account takes the creation's email and tags (the status keeps only its name).
        let c = &mut self.creations[idx];
        let (name, email, tags) = (
            c.name.clone(),
            std::mem::take(&mut c.email),
            std::mem::take(&mut c.tags),
        );
        // Most scenarios give no account ids: then no email is lower-cased for a lookup.
        let hint = if self.hints.is_empty() {
            None
        } else {
            self.hints.get(&*lower_email(&email))
        };
        let (id, counter) = match hint {
            Some(h) if !self.account_index.contains_key(h.as_str()) => (h.as_str().into(), None),
            _ => {
                let (id, n) = self.next_free_account_id();
                (id, Some(n))
            }
        };
        self.add_account(id.clone(), counter, name, email, tags);
        let c = &mut self.creations[idx];
        c.state = CreateAccountState::Succeeded;
        c.account_id = Some(id);
    }

    /// The next counter id not used by an account nor promised to an email, and its counter
    /// value.
    fn next_free_account_id(&mut self) -> (SharedStr, u64) {
        loop {
            let n = self.next_account;
            let id = self.ids.account(n);
            self.next_account += 1;
            if !self.account_index.contains_key(&id) && !self.hinted_ids.contains(id.as_str()) {
                return (id, n);
            }
        }
    }

    /// Adds account `id`, made from counter value `counter` when it was.
    fn add_account(
        &mut self,
        id: SharedStr,
        counter: Option<u64>,
        name: SharedStr,
        email: SharedStr,
        tags: Tags,
    ) {
        // A created account's email was taken when its creation was accepted.
        let lower = lower_email(&email);
        if !self.emails.contains(&*lower) {
            let lower = lower_shared(&email, lower);
            self.emails.insert(lower);
        }
        let arn = self
            .ids
            .account_arn(&self.management_account_id, &id, counter);
        let at = self.accounts.len();
        self.account_index.insert(id.clone(), at);
        self.accounts.push(AccountRec {
            id: id.clone(),
            arn,
            name,
            email,
            parent_id: self.root.id.clone(),
            tags,
        });
        self.attach(FULL_ACCESS_AT, Entity::Account(at));
    }

    fn push_policy(&mut self, p: PolicyRec) {
        self.policy_index
            .insert(p.summary.id.clone(), self.policies.len());
        self.policies.push(p);
    }

    /// Attaches policy `policy` (its place in `policies`) to `target`.
    fn attach(&mut self, policy: usize, target: Entity) {
        self.attachments.push(Attached { policy, target });
    }

    /// The attachments on `target`, in the order made.
    fn attached_to(&self, target: Entity) -> impl Iterator<Item = &Attached> {
        self.attachments.iter().filter(move |a| a.target == target)
    }

    /// The id of what `e` names.
    fn entity_id(&self, e: Entity) -> &SharedStr {
        match e {
            Entity::Root => &self.root.id,
            Entity::Ou(i) => &self.ous[i].id,
            Entity::Account(i) => &self.accounts[i].id,
            Entity::Policy(i) => &self.policies[i].summary.id,
        }
    }

    /// A policy target as ListTargetsForPolicy lists it (`None`: not a root, OU or account).
    fn policy_target(&self, target: Entity) -> Option<PolicyTarget> {
        let (name, kind) = match target {
            Entity::Root => (&self.root.name, TargetKind::Root),
            Entity::Ou(i) => (&self.ous[i].name, TargetKind::OrganizationalUnit),
            Entity::Account(i) => (&self.accounts[i].name, TargetKind::Account),
            Entity::Policy(_) => return None,
        };
        Some(PolicyTarget {
            target_id: self.entity_id(target).clone(),
            name: name.clone(),
            kind,
        })
    }

    /// Accepted, not-failed creations still in progress.
    fn pending_successes(&self) -> usize {
        self.pending
            .iter()
            .filter(|&&(_, i)| self.creations[i].failure.is_none())
            .count()
    }

    /// A successful creation's duration: lognormal with the configured median and p95,
    /// clamped to `[min_s, max_s]`, in ms.
    /// One request's latency: from the latency profile when it covers `op`, else uniform in
    /// the operation's range.
    fn draw_latency<R: Rng>(&self, op: Operation, rng: &mut R) -> u64 {
        if let Some(p) = &self.params.latency_profile {
            if let Some(ms) = Self::measured_latency(p, op, rng) {
                return ms;
            }
        }
        let lat = self.latency[op.index()];
        if lat.max_ms > lat.min_ms {
            rng.random_range(lat.min_ms..=lat.max_ms)
        } else {
            lat.min_ms
        }
    }

    /// Drawn from the latency profile's measurement of `op`, if it has one. Apart, and never
    /// inlined, so that the common call, without a profile, stays a few instructions (the
    /// profile's lookup inlined into `draw_latency` cost every call 9 instructions more).
    #[inline(never)]
    fn measured_latency<R: Rng>(
        p: &crate::config::latency::LatencyProfile,
        op: Operation,
        rng: &mut R,
    ) -> Option<u64> {
        let q = p.operation(op)?;
        Some(q.at(rng.random::<f64>()).round() as u64)
    }

    /// With a latency profile that measured creations, drawn from those instead.
    fn draw_creation_ms<R: Rng>(&self, rng: &mut R) -> u64 {
        if let Some(q) = self
            .params
            .latency_profile
            .as_ref()
            .and_then(|p| p.account_creation.as_ref())
        {
            return q.at(rng.random::<f64>()).round() as u64;
        }
        let ac = &self.params.account_creation;
        let median = ac.median_s.max(f64::MIN_POSITIVE);
        let sigma = (ac.p95_s / median).ln().max(0.0) / Z95;
        let z: f64 = rng.sample(StandardNormal);
        let s = (median.ln() + sigma * z)
            .exp()
            .clamp(ac.min_s, ac.max_s.max(ac.min_s));
        secs_to_ms(s)
    }

    fn entity(&self, id: &str) -> Option<Entity> {
        if id == self.root.id {
            Some(Entity::Root)
        } else if let Some(i) = self.ou_index.get(id) {
            Some(Entity::Ou(i))
        } else if let Some(i) = self.account_index.get(id) {
            Some(Entity::Account(i))
        } else {
            self.policy_index.get(id).map(Entity::Policy)
        }
    }

    fn is_parent(&self, id: &str) -> bool {
        matches!(self.entity(id), Some(Entity::Root | Entity::Ou(_)))
    }

    /// What `id` names when it is something a policy attaches to: the root, an OU or an
    /// account.
    fn attach_target(&self, id: &str) -> Option<Entity> {
        self.entity(id)
            .filter(|e| matches!(e, Entity::Root | Entity::Ou(_) | Entity::Account(_)))
    }

    /// The tags of a taggable resource: the root, an OU, an account or a customer-managed policy.
    fn tags_mut(&mut self, id: &str) -> Option<&mut Tags> {
        match self.entity(id)? {
            Entity::Root => Some(&mut self.root_tags),
            Entity::Ou(i) => Some(&mut self.ous[i].tags),
            Entity::Account(i) => Some(&mut self.accounts[i].tags),
            Entity::Policy(i) if !self.policies[i].summary.aws_managed => {
                Some(&mut self.policies[i].tags)
            }
            Entity::Policy(_) => None,
        }
    }

    fn parent_not_found() -> ApiResult {
        err(
            ErrorCode::ParentNotFoundException,
            "We can't find a root or OU with the ParentId that you specified.",
        )
    }

    fn target_not_found() -> ApiResult {
        err(
            ErrorCode::TargetNotFoundException,
            "We can't find a root, OU, account, or policy with the TargetId that you specified.",
        )
    }

    fn policy_not_found() -> ApiResult {
        err(
            ErrorCode::PolicyNotFoundException,
            "We can't find a policy with the PolicyId that you specified.",
        )
    }

    fn account_not_found() -> ApiResult {
        err(
            ErrorCode::AccountNotFoundException,
            "We can't find an AWS account with the AccountId that you specified, or the account whose credentials you used to make this request isn't a member of an organization.",
        )
    }
}

#[cfg(test)]
mod tests;
