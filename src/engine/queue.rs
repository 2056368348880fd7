//! The event queue: a binary heap ordered by (time, insertion sequence).
//!
//! Ties are broken by insertion order, so a run is deterministic whatever the payload. The one
//! queue of the crate: the engine's timers, the simulation driver's deliveries (`crate::sim`,
//! which re-exports it as `sim::EventQueue`), the support desk and the onboarding staff
//! (`crate::ops`) and the queueing checks. It lives in the engine, the lowest of its users.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

struct Entry<T> {
    at: u64,
    seq: u64,
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at && self.seq == other.seq
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Entry<T> {
    /// (at, seq) as one number, ordered as the pair: one comparison of two words, with no
    /// branch and no choice between the two comparisons of a pair.
    fn key(&self) -> u128 {
        (u128::from(self.at) << 64) | u128::from(self.seq)
    }
}

impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on (at, seq).
        other.key().cmp(&self.key())
    }
}

/// A priority queue of timed events, earliest first, FIFO among equal times.
pub struct EventQueue<T> {
    heap: BinaryHeap<Entry<T>>,
    seq: u64,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> EventQueue<T> {
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }

    pub fn with_capacity(n: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(n),
            seq: 0,
        }
    }

    pub fn push(&mut self, at: u64, item: T) {
        self.seq += 1;
        self.heap.push(Entry {
            at,
            seq: self.seq,
            item,
        });
    }

    /// Time of the earliest event.
    pub fn peek_time(&self) -> Option<u64> {
        self.heap.peek().map(|e| e.at)
    }

    /// The earliest event and its time, left in the queue.
    pub fn peek(&self) -> Option<(u64, &T)> {
        self.heap.peek().map(|e| (e.at, &e.item))
    }

    pub fn pop(&mut self) -> Option<(u64, T)> {
        self.heap.pop().map(|e| (e.at, e.item))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Empties the queue, keeping its memory; the tie-break sequence starts again.
    pub fn clear(&mut self) {
        self.heap.clear();
        self.seq = 0;
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_fifo_on_ties() {
        let mut q = EventQueue::new();
        q.push(5, "c");
        q.push(1, "a");
        q.push(5, "d");
        q.push(1, "b");
        assert_eq!(q.peek(), Some((1, &"a")));
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![(1, "a"), (1, "b"), (5, "c"), (5, "d")]);
    }
}
