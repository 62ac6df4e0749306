//! `memcmp` and `bcmp` for WebAssembly, eight bytes at a time.
//!
//! `wasm32-unknown-unknown` has no C library: these come from `compiler_builtins`, whose
//! portable versions compare one byte per loop step. Every hash-map lookup by a string key
//! (a sender's account id, once per message) and every sort by name ends in one of them, and
//! in the page's worker they were 23 ms of a 1M-message load. The builtins are weak symbols,
//! so these definitions replace them for the whole module. They stay calls (`inline(never)`):
//! inlined by link-time optimisation, they also replaced LLVM's own expansion of comparisons
//! of a constant length (`starts_with("http")`: one load and compare) by this loop, and the
//! WhatsApp reader, full of those, got 10 % slower. Native targets keep their C library's
//! (already vectorised) versions.

/// The first `n` bytes of `a` and `b` compared as unsigned bytes: negative, zero or positive
/// as `a` sorts before, equal to or after `b` (C's `memcmp`).
///
/// # Safety
/// `a` and `b` must be valid for reads of `n` bytes.
#[cfg(target_arch = "wasm32")]
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the caller's contract.
    unsafe { compare(a, b, n) }
}

/// Zero when the first `n` bytes of `a` and `b` are equal, else nonzero (C's `bcmp`: what
/// slice and string equality call).
///
/// # Safety
/// `a` and `b` must be valid for reads of `n` bytes.
#[cfg(target_arch = "wasm32")]
#[unsafe(no_mangle)]
#[inline(never)]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the caller's contract.
    unsafe { compare(a, b, n) }
}

/// Eight bytes at a time while they agree; the first differing byte decides. Little-endian
/// words: the lowest differing bit of `x ^ y` lies in the first differing byte. (Compiled
/// natively too, for its test.)
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[inline(always)]
unsafe fn compare(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i + 8 <= n {
        // SAFETY: `i + 8 <= n` bytes are readable from both (the caller's contract).
        let (x, y) = unsafe { (a.add(i).cast::<u64>().read_unaligned(), b.add(i).cast::<u64>().read_unaligned()) };
        if x != y {
            let shift = (x ^ y).trailing_zeros() & !7;
            return ((x >> shift) & 0xFF) as i32 - ((y >> shift) & 0xFF) as i32;
        }
        i += 8;
    }
    while i < n {
        // SAFETY: `i < n`.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return x as i32 - y as i32;
        }
        i += 1;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Same sign as the standard library's byte-slice order, on every length and every place of
    /// the first difference.
    #[test]
    fn agrees_with_slice_order() {
        let base: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37).wrapping_add(200)).collect();
        for n in 0..base.len() {
            for at in 0..n {
                for delta in [1u8, 0x80, 0xFF] {
                    let mut other = base.clone();
                    other[at] = other[at].wrapping_add(delta);
                    let (a, b) = (&base[..n], &other[..n]);
                    // SAFETY: both slices hold `n` bytes.
                    let got = unsafe { compare(a.as_ptr(), b.as_ptr(), n) };
                    assert_eq!(got.signum(), a.cmp(b) as i32, "n {n}, at {at}, delta {delta}");
                    // SAFETY: as above.
                    assert_eq!(unsafe { compare(b.as_ptr(), a.as_ptr(), n) }.signum(), b.cmp(a) as i32);
                }
            }
            // SAFETY: as above.
            assert_eq!(unsafe { compare(base.as_ptr(), base.as_ptr(), n) }, 0);
        }
    }
}
