//! Message text storage in fixed-size blocks.
//!
//! One growing `String` for all text doubles its capacity as it grows, and each doubling
//! needs the old and the new buffer at once: in wasm, whose memory never shrinks, a 10M-message
//! file peaked at twice its text. Blocks of [`BLOCK`] bytes are allocated once and never moved.

/// Block size; also the longest text kept per message (longer texts are cut at a character
/// boundary: a 16 MiB chat message is a paste, not conversation).
pub const BLOCK: usize = 1 << 24;

/// Append-only text store addressed by `(start, len)`, `start` = block * BLOCK + offset.
#[derive(Clone, Debug, Default)]
pub struct TextArena {
    blocks: Vec<String>,
    /// Blocks before this index take no more text: blocks moved in whole by
    /// [`TextArena::append`] are exactly their text's size, and growing one would copy it.
    sealed: usize,
}

/// Blocks a `u32` span start can address.
const MAX_BLOCKS: usize = ((u32::MAX as u64 + 1) / BLOCK as u64) as usize;

/// The least text [`TextArena::append`] moves in whole.
const APPEND_MIN_BYTES: usize = 1 << 20;

impl TextArena {
    /// Stores `text` (cut to [`BLOCK`] bytes) and returns its span. Texts never straddle blocks.
    pub fn push(&mut self, text: &str) -> (u32, u32) {
        let mut end = text.len().min(BLOCK);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let text = &text[..end];
        if text.is_empty() {
            return (0, 0);
        }
        let fits = self.blocks.len() > self.sealed && self.blocks.last().is_some_and(|b| b.len() + text.len() <= BLOCK);
        if !fits {
            // The first block starts small so tiny inputs (tests, one small file) stay small.
            let capacity = if self.blocks.is_empty() { text.len().max(1 << 16) } else { BLOCK };
            self.blocks.push(String::with_capacity(capacity));
        }
        // The first block grows by doubling (up to BLOCK); later ones are full size from the start.
        let index = self.blocks.len() - 1;
        let block = &mut self.blocks[index];
        let start = index * BLOCK + block.len();
        block.push_str(text);
        (start as u32, text.len() as u32)
    }

    /// Makes room for about `bytes` more text in the block the next texts go to (up to a
    /// whole block): a large file's first block is then allocated once instead of doubling
    /// from 64 KiB. Capacities stay powers of two, so a later doubling stops at [`BLOCK`].
    pub fn reserve(&mut self, bytes: usize) {
        let open = self.blocks.len() > self.sealed;
        match self.blocks.last_mut() {
            Some(last) if open => {
                let capacity = (last.len() + bytes).next_power_of_two().min(BLOCK);
                last.reserve_exact(capacity.saturating_sub(last.len()));
            }
            // A new block (after moved-in ones) is a whole block from the start anyway.
            Some(_) => {}
            None if bytes > 0 => self.blocks.push(String::with_capacity(bytes.next_power_of_two().min(BLOCK))),
            None => {}
        }
    }

    /// Moves `other`'s blocks in whole, without copying a text: its spans then read here
    /// with the returned offset added to their start. Only for a large `other` (a piece of
    /// a file, megabytes of text), and only in the first half of the span addresses: each
    /// move ends the last block here early, so many small moves would use up the addresses
    /// that texts pushed one by one fill completely. `None` (nothing moved): push the texts
    /// one by one instead.
    pub fn append(&mut self, other: &mut TextArena) -> Option<u32> {
        if other.len() < APPEND_MIN_BYTES || self.blocks.len() + other.blocks.len() > MAX_BLOCKS / 2 {
            return None;
        }
        // The room left in the last block goes back to the allocator; no text goes there now.
        if let Some(last) = self.blocks.last_mut() {
            last.shrink_to_fit();
        }
        let offset = (self.blocks.len() * BLOCK) as u32;
        self.blocks.append(&mut other.blocks);
        self.sealed = self.blocks.len();
        Some(offset)
    }

    /// The blocks, in order (a span's start is its block's index times [`BLOCK`] plus its
    /// offset in the block).
    pub fn blocks(&self) -> &[String] {
        &self.blocks
    }

    /// The arena of these blocks (as [`TextArena::blocks`] gave them), or `None` when one is
    /// not UTF-8 or is longer than a block.
    pub fn from_blocks(blocks: Vec<Vec<u8>>) -> Option<TextArena> {
        let blocks = blocks.into_iter().map(|b| if b.len() <= BLOCK { checked_string(b) } else { None }).collect::<Option<Vec<_>>>()?;
        let sealed = blocks.len();
        Some(TextArena { blocks, sealed })
    }

    /// The text at `span`, or "" for a span that is not there.
    pub fn get(&self, (start, len): (u32, u32)) -> &str {
        let (block, offset) = (start as usize / BLOCK, start as usize % BLOCK);
        self.blocks.get(block).and_then(|b| b.get(offset..offset + len as usize)).unwrap_or("")
    }

    /// Bytes of text stored.
    pub fn len(&self) -> usize {
        self.blocks.iter().map(String::len).sum()
    }

    /// True when no text is stored.
    pub fn is_empty(&self) -> bool {
        self.blocks.iter().all(String::is_empty)
    }

    /// True when `span` lies inside the stored text (for checking foreign partials).
    pub fn contains(&self, (start, len): (u32, u32)) -> bool {
        let (block, offset) = (start as usize / BLOCK, start as usize % BLOCK);
        len == 0 || self.blocks.get(block).is_some_and(|b| b.get(offset..offset + len as usize).is_some())
    }
}

/// `bytes` as a `String` if they are UTF-8, checked by encoding_rs's vector validator: the
/// standard library's check was a third of taking a piece back in WebAssembly.
fn checked_string(bytes: Vec<u8>) -> Option<String> {
    if encoding_rs::Encoding::utf8_valid_up_to(&bytes) != bytes.len() {
        return None;
    }
    // SAFETY: checked to be UTF-8 just above.
    Some(unsafe { String::from_utf8_unchecked(bytes) }) // ok: validated just above
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_never_straddle_blocks_and_read_back() {
        let mut a = TextArena::default();
        let big = "字".repeat(BLOCK / 3 - 1); // just under BLOCK bytes
        let s1 = a.push("你好");
        let s2 = a.push(&big);
        let s3 = a.push("world");
        assert_eq!((a.get(s1), a.get(s3)), ("你好", "world"));
        assert_eq!(a.get(s2).len(), big.len());
        assert_eq!(s2.0 as usize, BLOCK, "the big text starts a new block");
        assert_eq!(a.get((u32::MAX, 3)), "");
        assert!(!a.contains((s3.0, 1000)));
    }

    #[test]
    fn reserved_room_is_used_and_stays_within_a_block() {
        let mut a = TextArena::default();
        a.reserve(3 << 20);
        assert_eq!(a.blocks().len(), 1);
        assert_eq!(a.blocks()[0].capacity(), 4 << 20, "a power of two, so doubling stops at BLOCK");
        let s = a.push("你好");
        assert_eq!((s, a.get(s)), ((0, 6), "你好"));
        a.reserve(BLOCK * 3);
        assert_eq!(a.blocks()[0].capacity(), BLOCK, "never more than a block");
        // Texts still never straddle blocks when the reservation was too small.
        let big = "x".repeat(BLOCK - 4);
        let s2 = a.push(&big);
        assert_eq!(s2.0 as usize, BLOCK);
        assert_eq!(a.get(s), "你好");
    }

    #[test]
    fn blocks_read_back_as_written_and_bad_text_is_refused() {
        let mut a = TextArena::default();
        let spans: Vec<_> = ["你好", "", "world", "混合 mixed ✓"].iter().map(|t| a.push(t)).collect();
        let bytes: Vec<Vec<u8>> = a.blocks().iter().map(|b| b.as_bytes().to_vec()).collect();
        let back = TextArena::from_blocks(bytes.clone()).unwrap();
        for s in spans {
            assert_eq!(back.get(s), a.get(s));
        }
        // A block whose bytes are not UTF-8 (an invalid lead byte where 'w' was).
        let at = bytes[0].iter().position(|&b| b == b'w').unwrap();
        let mut bad = bytes.clone();
        bad[0][at] = 0xFF;
        assert!(TextArena::from_blocks(bad).is_none());
    }

    #[test]
    fn appended_blocks_read_at_the_offset_and_later_texts_start_a_new_block() {
        let mut a = TextArena::default();
        let first = a.push("头部");
        let mut piece = TextArena::default();
        let big = "x".repeat(APPEND_MIN_BYTES);
        let spans = [piece.push("你好"), piece.push(&big), piece.push("尾")];
        let offset = a.append(&mut piece).expect("a large arena is moved");
        assert!(piece.is_empty());
        for (span, text) in spans.iter().zip(["你好", big.as_str(), "尾"]) {
            assert_eq!(a.get((span.0 + offset, span.1)), text);
        }
        assert_eq!(a.get(first), "头部");
        // The moved block is sealed: the next text opens a block of its own.
        let after = a.push("after");
        assert_eq!(after.0 as usize, 2 * BLOCK);
        assert_eq!(a.get(after), "after");
        // A small arena is not moved (its texts are pushed one by one).
        let mut small = TextArena::default();
        small.push("tiny");
        assert_eq!(a.append(&mut small), None);
        assert_eq!(small.len(), 4);
        // Nor once half the span addresses are used.
        let mut full = TextArena { blocks: vec![String::new(); MAX_BLOCKS / 2], sealed: 0 };
        let mut large = TextArena::default();
        large.push(&big);
        assert_eq!(full.append(&mut large), None);
    }

    #[test]
    fn overlong_texts_are_cut_at_a_character_boundary() {
        let mut a = TextArena::default();
        let s = a.push(&"é".repeat(BLOCK));
        assert!(a.get(s).len() <= BLOCK && a.get(s).len() >= BLOCK - 1);
        assert!(a.get(s).chars().all(|c| c == 'é'));
    }
}
