//! A small seeded generator (SplitMix64): the corpus must be identical on every run so that
//! benchmark numbers are comparable, and a random-number crate would be the only other
//! dependency.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 100.0 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A stable hash of a number, for ids that must be the same wherever they are referenced.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `n` hex digits derived from `key` (e.g. 17 for `sg-…`, 64 for an image digest).
pub fn hex(key: u64, n: usize) -> String {
    let mut s = String::with_capacity(n + 16);
    let mut k = key;
    while s.len() < n {
        k = mix(k.wrapping_add(0x51_7CC1_B727_220A));
        s.push_str(&format!("{k:016x}"));
    }
    s.truncate(n);
    s
}
