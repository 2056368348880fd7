//! Ids: the index of the model's ids, their text without the formatting machinery, and the
//! cache of counter ids a sweep's next model reuses.

use std::collections::BTreeMap;

use super::shared::ORG_ID;
use crate::org::types::SharedStr;

/// An index of ids: those the model makes from a counter (a fixed prefix, then a fixed number of
/// digits: `ou-sim1-00000001`, `p-00000001`, `car-00000001`, 12-digit account ids) by their
/// number, compared as integers; any other id by its text. The counter's numbers from `base`
/// on are positions in a vector (the counters count up from there, so it stays dense); a
/// number far from them (an account id a scenario chose) goes to a map.
#[derive(Debug, Clone)]
pub(super) struct IdIndex {
    prefix: &'static str,
    width: usize,
    /// The prefix as the first eight bytes of an id read as a little-endian word, masked by
    /// `prefix_mask` (one comparison instead of a loop over its bytes).
    prefix_word: u64,
    prefix_mask: u64,
    base: u64,
    /// Position `n - base` holds the entry of number `n`, or `NONE`.
    pub(super) dense: Vec<usize>,
    sparse: BTreeMap<u64, usize>,
    by_text: BTreeMap<SharedStr, usize>,
}

impl IdIndex {
    /// An empty slot of `IdIndex::dense`.
    const NONE: usize = usize::MAX;
    /// How far past the end of `dense` a number may be and still extend it.
    const SLACK: u64 = 1024;

    pub(super) fn new(prefix: &'static str, width: usize, base: u64) -> IdIndex {
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
    pub(super) fn number(&self, id: &str) -> Option<u64> {
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

    pub(super) fn get(&self, id: &str) -> Option<usize> {
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

    pub(super) fn contains_key(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// Forgets `id`, and moves every entry after `at` (the removed one's place) down by one:
    /// the record at `at` was removed from its vector. O(entries): deletes are rare.
    pub(super) fn remove_at(&mut self, id: &str, at: usize) {
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

    pub(super) fn insert(&mut self, id: SharedStr, at: usize) {
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
pub(super) const FIRST_ACCOUNT_NUMBER: u64 = 100_000_000_001;
/// `n` in decimal, zero-padded to at least `width` digits, as `format!("{n:0width$}")` writes
/// it, without the formatting machinery (the model's counter ids).
pub(super) struct Padded {
    buf: [u8; 20],
    start: usize,
}

impl Padded {
    pub(super) fn new(mut n: u64, width: usize) -> Padded {
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

    pub(super) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[self.start..]).expect("ASCII digits")
    }
}

/// Eight ASCII digits as a number, `None` if any is not a digit: all eight at once in one
/// 64-bit word (the model reads an id's number on most calls).
pub(super) fn eight_digits(bytes: [u8; 8]) -> Option<u64> {
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

/// The ARN of the resource `id` of type `kind` (`root`, `ou`, `account`, `policy`) in the
/// simulated organization of the management account `management`, as AWS writes it.
pub(super) fn org_arn(management: &str, kind: &str, id: &str) -> SharedStr {
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
    pub(super) fn get_or_make(
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
    pub(super) fn account(&mut self, n: u64) -> SharedStr {
        let make = || SharedStr::concat(&[Padded::new(n, 12).as_str()]);
        match n.checked_sub(FIRST_ACCOUNT_NUMBER) {
            Some(k) => Self::get_or_make(&mut self.accounts, k, make),
            None => make(),
        }
    }

    /// The ARN of account `id` in the organization of `management`; `counter`: the counter
    /// value `id` was made from ([`IdCache::account`]), if it was.
    pub(super) fn account_arn(
        &mut self,
        management: &str,
        id: &str,
        counter: Option<u64>,
    ) -> SharedStr {
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
    pub(super) fn creation(&mut self, n: u64) -> SharedStr {
        let make = || SharedStr::concat(&["car-", Padded::new(n, 8).as_str()]);
        match n.checked_sub(1) {
            Some(k) => Self::get_or_make(&mut self.creations, k, make),
            None => make(),
        }
    }
}
