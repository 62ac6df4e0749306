//! Message text storage in fixed-size blocks.
//!
//! One growing `String` for all text doubles its capacity as it grows, and each doubling
//! needs the old and the new buffer at once: in wasm, whose memory never shrinks, a 10M-message
//! file peaked at twice its text. Blocks of [`BLOCK`] bytes are allocated once and never moved.

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// Block size; also the longest text kept per message (longer texts are cut at a character
/// boundary: a 16 MiB chat message is a paste, not conversation).
pub const BLOCK: usize = 1 << 24;

/// Append-only text store addressed by `(start, len)`, `start` = block * BLOCK + offset.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TextArena {
    #[serde(deserialize_with = "checked_blocks")]
    blocks: Vec<String>,
}

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
        let fits = self.blocks.last().is_some_and(|b| b.len() + text.len() <= BLOCK);
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

/// Blocks read back from a piece or a model (the binary forms workers hand each other), their
/// UTF-8 checked by encoding_rs's vector validator: the standard library's check, which
/// deriving gives, was a third of taking a piece back in WebAssembly. The wire form is a
/// `String`'s (a length, then the bytes).
fn checked_blocks<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    struct Blocks;
    impl<'de> Visitor<'de> for Blocks {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a sequence of text blocks")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut blocks = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 10));
            while let Some(Block(text)) = seq.next_element()? {
                blocks.push(text);
            }
            Ok(blocks)
        }
    }
    deserializer.deserialize_seq(Blocks)
}

/// One text block, read as bytes and checked.
struct Block(String);

impl<'de> Deserialize<'de> for Block {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl<'de> Visitor<'de> for Bytes {
            type Value = Block;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a UTF-8 text block")
            }
            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Block, E> {
                if encoding_rs::Encoding::utf8_valid_up_to(bytes) != bytes.len() {
                    return Err(E::custom("a text block is not UTF-8"));
                }
                // SAFETY: checked to be UTF-8 just above.
                Ok(Block(unsafe { String::from_utf8_unchecked(bytes.to_vec()) })) // ok: validated just above
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Block, E> {
                Ok(Block(text.to_string()))
            }
        }
        deserializer.deserialize_bytes(Bytes)
    }
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
    fn blocks_read_back_as_written_and_bad_text_is_refused() {
        let mut a = TextArena::default();
        let spans: Vec<_> = ["你好", "", "world", "混合 mixed ✓"].iter().map(|t| a.push(t)).collect();
        let bytes = postcard::to_allocvec(&a).unwrap();
        let back: TextArena = postcard::from_bytes(&bytes).unwrap();
        for s in spans {
            assert_eq!(back.get(s), a.get(s));
        }
        // A block whose bytes are not UTF-8 (an invalid lead byte where 'w' was).
        let at = bytes.iter().position(|&b| b == b'w').unwrap();
        let mut bad = bytes.clone();
        bad[at] = 0xFF;
        let err = postcard::from_bytes::<TextArena>(&bad).unwrap_err();
        assert!(matches!(err, postcard::Error::SerdeDeCustom), "{err:?}");
    }

    #[test]
    fn overlong_texts_are_cut_at_a_character_boundary() {
        let mut a = TextArena::default();
        let s = a.push(&"é".repeat(BLOCK));
        assert!(a.get(s).len() <= BLOCK && a.get(s).len() >= BLOCK - 1);
        assert!(a.get(s).chars().all(|c| c == 'é'));
    }
}
