//! Seeds: every generator of a run is seeded from the run seed alone, through a named stream,
//! so the same scenario and seed give the same bytes, and the drivers (simulated and live) agree
//! on which stream feeds what.

/// SplitMix64: a well-mixed 64-bit value from `x`.
pub(crate) fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seed derived from a base seed and a path of indices. Each part is mixed in turn, so
/// different paths give independent-looking seeds.
pub(crate) fn derive_seed(seed: u64, parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(splitmix64(seed), |acc, &p| splitmix64(acc ^ splitmix64(p)))
}

/// The generators of one run (or one load test), each seeded from the run seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// The service: latencies, creation times, faults (the model, or the mock backend's model).
    Service = 1,
    /// The deployer's backoff jitter, in `run`.
    Engine = 2,
    /// A load test's arrival times.
    Arrivals = 3,
    /// The load test's bootstrap deployment (the shared resources).
    Bootstrap = 4,
    /// Customer *i*'s onboarding in a load test (with the index).
    Onboarding = 5,
    /// `orgsim ops`: replication *r* of the support desk and onboarding (with the index).
    OpsDesk = 0x4f50_5321,
    /// `orgsim ops`: the brief's claims.
    OpsClaims = 0x434c_4d53,
    /// `orgsim staff`: the staffing search.
    OpsStaff = 0x5741_4646,
}

impl Stream {
    /// The seed of this stream in the run seeded `seed`.
    pub fn seed(self, seed: u64) -> u64 {
        derive_seed(seed, &[self as u64])
    }

    /// The seed of item `i` of this stream (e.g. customer `i`'s onboarding).
    pub(crate) fn seed_of(self, seed: u64, i: u64) -> u64 {
        derive_seed(seed, &[self as u64, i])
    }
}

/// The seed of replication `k` at `n` customers in a sweep: independent of the thread count.
pub(crate) fn replication(seed: u64, n: usize, k: u32) -> u64 {
    derive_seed(seed, &[n as u64, k as u64])
}

/// An engine's provisioning times (account factory), apart from its jitter stream.
pub(crate) fn provisioning(engine_seed: u64) -> u64 {
    splitmix64(engine_seed ^ 0x5052_4f56_4953_494f)
}

/// An engine's overhead draw (`[deploy.overhead]`), apart from its jitter and provisioning.
pub(crate) fn overhead(engine_seed: u64) -> u64 {
    splitmix64(engine_seed ^ 0x4f56_4552_4845_4144)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_seeds_differ_by_path() {
        assert_ne!(derive_seed(1, &[1]), derive_seed(1, &[2]));
        assert_ne!(derive_seed(1, &[1, 2]), derive_seed(1, &[2, 1]));
        assert_eq!(derive_seed(9, &[3, 4]), derive_seed(9, &[3, 4]));
        assert_eq!(Stream::Service.seed(7), derive_seed(7, &[1]));
        assert_ne!(Stream::Service.seed(7), Stream::Engine.seed(7));
    }
}
