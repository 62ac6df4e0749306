//! A small deterministic pseudo-random sequence (xorshift64) for generated benchmark data and
//! randomized tests: the same numbers on every platform and run, and no dependency.

/// Marsaglia's xorshift64 (shifts 13, 7, 17).
#[derive(Clone, Debug)]
pub(crate) struct Xorshift(u64);

impl Xorshift {
    /// The sequence from `seed` (zero, where xorshift would stay, is replaced).
    pub(crate) fn new(seed: u64) -> Self {
        Xorshift(if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed })
    }

    /// The next value.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// The next value below `n` (0 when `n` is 0).
    #[cfg_attr(not(test), allow(dead_code))] // the randomized tests' draw
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}
