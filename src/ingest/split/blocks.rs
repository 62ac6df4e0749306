//! CSV structure 64 bytes at a time: where the quotes, delimiters and line breaks of a block
//! are (one vector compare per byte kind and 16 bytes), and which delimiters and line breaks
//! stand outside quotes (a prefix XOR of the quote bits). The splitter walks the bits of the
//! latter instead of searching line by line and then field by field; a record it cannot
//! confirm (a quote where RFC 4180 has none) goes to its byte-by-byte reader.

/// The bytes of one block that matter to CSV, bit `i` for byte `i`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Block {
    pub quotes: u64,
    /// Delimiters and line breaks (told apart by the byte itself, for the few that count).
    pub separators: u64,
}

/// Bytes per block.
pub(super) const BLOCK: usize = 64;

/// The quote and separator bits of `bytes` (at most [`BLOCK`] bytes; the bits past its end
/// are clear).
#[inline(always)]
pub(super) fn block(bytes: &[u8], delim: u8) -> Block {
    match <&[u8; BLOCK]>::try_from(bytes) {
        Ok(full) => full_block(full, delim),
        Err(_) => partial_block(bytes, delim),
    }
}

/// [`block`] of the input's last, partial block, through a zero-padded copy whose padding's
/// bits are then cleared.
#[cold]
fn partial_block(bytes: &[u8], delim: u8) -> Block {
    let mut padded = [0u8; BLOCK];
    let n = bytes.len().min(BLOCK);
    padded[..n].copy_from_slice(&bytes[..n]);
    let b = full_block(&padded, delim);
    let keep = if n == BLOCK { u64::MAX } else { (1u64 << n) - 1 };
    Block { quotes: b.quotes & keep, separators: b.separators & keep }
}

#[inline(always)]
fn full_block(bytes: &[u8; BLOCK], delim: u8) -> Block {
    let mut b = Block::default();
    for (k, lane) in bytes.chunks_exact(16).enumerate() {
        let lane: &[u8; 16] = lane.try_into().unwrap_or(&[0; 16]);
        let (q, s) = lane_masks(lane, delim);
        b.quotes |= (q as u64) << (16 * k);
        b.separators |= (s as u64) << (16 * k);
    }
    b
}

/// Quote and separator bits of 16 bytes, with WebAssembly's SIMD128.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn lane_masks(b: &[u8; 16], delim: u8) -> (u16, u16) {
    use core::arch::wasm32::*;
    // Sixteen byte arguments: compiled to one unaligned v128.load.
    let v = u8x16(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    let separators = v128_or(u8x16_eq(v, u8x16_splat(delim)), u8x16_eq(v, u8x16_splat(b'\n')));
    (u8x16_bitmask(u8x16_eq(v, u8x16_splat(b'"'))), u8x16_bitmask(separators))
}

/// Quote and separator bits of 16 bytes, with SSE2 (part of every x86-64 CPU).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn lane_masks(b: &[u8; 16], delim: u8) -> (u16, u16) {
    // SAFETY: the function only needs SSE2, which this build's target guarantees (cfg above).
    unsafe { lane_masks_sse2(b, delim) } // ok: SSE2 is enabled for the whole build (cfg above)
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn lane_masks_sse2(b: &[u8; 16], delim: u8) -> (u16, u16) {
    use core::arch::x86_64::*;
    let v = _mm_setr_epi8(
        b[0] as i8, b[1] as i8, b[2] as i8, b[3] as i8, b[4] as i8, b[5] as i8, b[6] as i8, b[7] as i8,
        b[8] as i8, b[9] as i8, b[10] as i8, b[11] as i8, b[12] as i8, b[13] as i8, b[14] as i8, b[15] as i8,
    );
    let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
    let separators = _mm_or_si128(eq(delim), eq(b'\n'));
    (_mm_movemask_epi8(eq(b'"')) as u16, _mm_movemask_epi8(separators) as u16)
}

/// Quote and separator bits of 16 bytes, one byte at a time (other targets).
#[cfg(not(any(all(target_arch = "wasm32", target_feature = "simd128"), all(target_arch = "x86_64", target_feature = "sse2"))))]
fn lane_masks(b: &[u8; 16], delim: u8) -> (u16, u16) {
    let mut m = (0u16, 0u16);
    for (i, &c) in b.iter().enumerate() {
        m.0 |= ((c == b'"') as u16) << i;
        m.1 |= ((c == delim || c == b'\n') as u16) << i;
    }
    m
}

/// Bit `i` of the result is the XOR of bits `0..=i` of `x`: set from an opening quote up to
/// the byte before its closing quote (a doubled quote inside turns it off and on again).
pub(super) fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

/// The delimiters and line breaks of `input` outside quotes, in order, block by block, under
/// the RFC 4180 reading that every quote opens or closes a quoted field. (Where a quote does
/// neither, the splitter notices and rereads that record byte by byte.)
pub(super) struct Structure<'a> {
    input: &'a [u8],
    delim: u8,
    /// Start of the current block.
    base: usize,
    block: Block,
    /// The current block's unvisited separators outside quotes.
    pending: u64,
    /// Inside quotes at the end of the current block.
    quoted: bool,
    /// Quotes in the blocks before the current one.
    quotes_before: u64,
}

impl<'a> Structure<'a> {
    /// The structure of `input` from its first byte, outside quotes there.
    pub fn new(input: &'a [u8], delim: u8) -> Self {
        let mut s = Structure { input, delim, base: 0, block: Block::default(), pending: 0, quoted: false, quotes_before: 0 };
        s.load(0);
        s
    }

    #[inline(always)]
    fn load(&mut self, base: usize) {
        self.base = base;
        let end = (base + BLOCK).min(self.input.len());
        self.block = block(self.input.get(base..end).unwrap_or(&[]), self.delim);
        let inside = match self.block.quotes {
            0 if self.quoted => u64::MAX,
            0 => 0,
            quotes => prefix_xor(quotes) ^ if self.quoted { u64::MAX } else { 0 },
        };
        self.quoted = inside >> 63 == 1;
        self.pending = self.block.separators & !inside;
    }

    /// The index of the next delimiter or line break outside quotes, or `None` at the end of
    /// the input.
    #[inline(always)]
    pub fn next(&mut self) -> Option<usize> {
        while self.pending == 0 {
            let next = self.base + BLOCK;
            if next >= self.input.len() {
                return None;
            }
            self.quotes_before += self.block.quotes.count_ones() as u64;
            self.load(next);
        }
        let bit = self.pending.trailing_zeros();
        self.pending &= self.pending - 1;
        Some(self.base + bit as usize)
    }

    /// Quotes in the input up to `at` included: `at` the last index [`Structure::next`]
    /// returned, or any index of the current block.
    #[inline(always)]
    pub fn quotes_through(&self, at: usize) -> u64 {
        let through = u64::MAX >> (63 - at.saturating_sub(self.base).min(63));
        self.quotes_before + (self.block.quotes & through).count_ones() as u64
    }

    /// Inside quotes at the end of the input (when [`Structure::next`] has returned `None`).
    pub fn ends_quoted(&self) -> bool {
        self.quoted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(bytes: &[u8], delim: u8) -> Block {
        let bits = |f: &dyn Fn(u8) -> bool| bytes.iter().enumerate().filter(|&(_, &b)| f(b)).fold(0u64, |m, (i, _)| m | 1 << i);
        Block { quotes: bits(&|b| b == b'"'), separators: bits(&|b| b == delim || b == b'\n') }
    }

    #[test]
    fn block_bits_are_the_bytes_positions_in_every_lane_and_length() {
        let bytes: Vec<u8> = (0..200u32).map(|i| [b'"', b',', b'\n', b'\t', 0x80, 0xFF, b'a', 0x22 ^ 0x80][(i * 7 % 11 % 8) as usize]).collect();
        for delim in [b',', b'\t', b';'] {
            for start in 0..8 {
                for len in 0..=BLOCK {
                    let part = &bytes[start..start + len];
                    assert_eq!(block(part, delim), naive(part, delim), "delim {delim} start {start} len {len}");
                }
            }
        }
    }

    #[test]
    fn prefix_xor_marks_quoted_spans() {
        // `"ab",c"d…`: quotes at 0, 3 and 6; inside from 0 to 2 and from 6 on.
        assert_eq!(prefix_xor(0b100_1001), !0b011_1000);
        assert_eq!(prefix_xor(1 << 63), 1 << 63);
        assert_eq!(prefix_xor(1), u64::MAX);
    }

    #[test]
    fn separators_outside_quotes_across_blocks() {
        // A quoted field spanning the first block boundary, with a line break and a delimiter in it.
        let mut text = String::from("a,");
        text.push('"');
        text.push_str(&"x".repeat(60));
        text.push_str(",\n\"\"y\",z\nq\n");
        let mut s = Structure::new(text.as_bytes(), b',');
        let mut got = Vec::new();
        while let Some(at) = s.next() {
            got.push((at, s.quotes_through(at)));
        }
        let close = text.find(",z").unwrap_or(0);
        assert_eq!(got, vec![(1, 0), (close, 4), (close + 2, 4), (close + 4, 4)]);
        assert!(!s.ends_quoted());
        let mut open = Structure::new(b"a,\"b\nc", b',');
        assert_eq!(open.next(), Some(1));
        assert_eq!(open.next(), None);
        assert!(open.ends_quoted());
        assert_eq!(open.quotes_through(5), 1);
    }
}
