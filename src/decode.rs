//! Text encoding detection and streaming decoding to UTF-8.
//!
//! Users' files are UTF-8 (with or without BOM), UTF-16 (Windows tools, "Unicode text" from
//! Excel) or GB18030/GBK (anything re-saved by Excel on a Chinese Windows). Detection looks
//! at the BOM, then at NUL patterns (UTF-16 without BOM), then tries strict UTF-8 on the
//! sniffed head and falls back to GB18030, which is a superset of GBK.

use encoding_rs::{Decoder, DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

/// The encoding a file was read in, as shown to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TextEncoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    #[serde(rename = "utf-16le")]
    Utf16Le,
    #[serde(rename = "utf-16be")]
    Utf16Be,
    #[serde(rename = "gb18030")]
    Gb18030,
}

impl TextEncoding {
    /// Name shown in reports.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Gb18030 => "gb18030",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => UTF_8,
            TextEncoding::Utf16Le => UTF_16LE,
            TextEncoding::Utf16Be => UTF_16BE,
            TextEncoding::Gb18030 => GB18030,
        }
    }
}

/// Guesses the encoding from the first bytes of a file. `complete` says whether `head` is
/// the whole file (then a truncated multi-byte sequence at the end is a real error).
///
/// ```
/// use qunlens::decode::{sniff_encoding, TextEncoding};
/// assert_eq!(sniff_encoding(b"\xEF\xBB\xBFid,msg", true), TextEncoding::Utf8Bom);
/// assert_eq!(sniff_encoding("群聊".as_bytes(), true), TextEncoding::Utf8);
/// assert_eq!(sniff_encoding(b"\xC8\xBA\xC1\xC4", true), TextEncoding::Gb18030); // 群聊 in GBK
/// ```
pub fn sniff_encoding(head: &[u8], complete: bool) -> TextEncoding {
    if head.starts_with(b"\xEF\xBB\xBF") {
        return TextEncoding::Utf8Bom;
    }
    if head.starts_with(b"\xFF\xFE") {
        return TextEncoding::Utf16Le;
    }
    if head.starts_with(b"\xFE\xFF") {
        return TextEncoding::Utf16Be;
    }
    if let Some(utf16) = sniff_utf16_without_bom(head) {
        return utf16;
    }
    match std::str::from_utf8(head) {
        Ok(_) => TextEncoding::Utf8,
        // The head ends in the middle of a character: fine unless this is the whole file.
        Err(e) if e.error_len().is_none() && !complete => TextEncoding::Utf8,
        Err(_) => TextEncoding::Gb18030,
    }
}

/// ASCII-heavy UTF-16 without a BOM shows NULs in every other byte.
fn sniff_utf16_without_bom(head: &[u8]) -> Option<TextEncoding> {
    let n = head.len().min(4096) & !1;
    if n < 4 {
        return None;
    }
    let pairs = n / 2;
    let (mut even_nul, mut odd_nul) = (0usize, 0usize);
    for pair in head[..n].chunks_exact(2) {
        even_nul += (pair[0] == 0) as usize;
        odd_nul += (pair[1] == 0) as usize;
    }
    if odd_nul * 10 >= pairs * 3 && even_nul * 20 < pairs {
        Some(TextEncoding::Utf16Le)
    } else if even_nul * 10 >= pairs * 3 && odd_nul * 20 < pairs {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// Streaming decoder: bytes in (any chunking), UTF-8 text out.
pub struct StreamDecoder {
    encoding: TextEncoding,
    decoder: Decoder,
    /// Count of malformed sequences replaced with U+FFFD.
    pub malformed: u64,
}

impl StreamDecoder {
    /// A decoder for `encoding`; a BOM at the start is removed.
    pub fn new(encoding: TextEncoding) -> Self {
        let decoder = match encoding {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => UTF_8.new_decoder_with_bom_removal(),
            other => other.encoding().new_decoder_with_bom_removal(),
        };
        StreamDecoder { encoding, decoder, malformed: 0 }
    }

    /// The encoding being decoded.
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// Decodes `bytes`, appending UTF-8 to `out`. `last` flushes a trailing partial character.
    pub fn decode(&mut self, mut bytes: &[u8], out: &mut String, last: bool) {
        loop {
            let needed = self.decoder.max_utf8_buffer_length_without_replacement(bytes.len());
            out.reserve(needed.unwrap_or(bytes.len() * 3 + 16).max(16));
            let (result, read) =
                self.decoder.decode_to_string_without_replacement(bytes, out, last);
            bytes = &bytes[read..];
            match result {
                DecoderResult::InputEmpty => return,
                DecoderResult::OutputFull => continue,
                DecoderResult::Malformed(_, _) => {
                    self.malformed += 1;
                    out.push('\u{FFFD}');
                }
            }
        }
    }
}

/// Decodes a whole byte slice (tests, small files).
pub fn decode_all(bytes: &[u8]) -> (String, TextEncoding) {
    let enc = sniff_encoding(bytes, true);
    let mut d = StreamDecoder::new(enc);
    let mut s = String::new();
    d.decode(bytes, &mut s, true);
    (s, enc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        GB18030.encode(s).0.into_owned()
    }

    #[test]
    fn detects_each_encoding() {
        let text = "时间,发送者\n2024/10/4 11:42,小王\n";
        assert_eq!(decode_all(text.as_bytes()), (text.to_string(), TextEncoding::Utf8));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode_all(&bom), (text.to_string(), TextEncoding::Utf8Bom));
        assert_eq!(decode_all(&gbk(text)), (text.to_string(), TextEncoding::Gb18030));
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend_from_slice(&le);
        assert_eq!(decode_all(&le_bom), (text.to_string(), TextEncoding::Utf16Le));
        let ascii = "id,name,time\n1,a,2\n";
        let le: Vec<u8> = ascii.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode_all(&le), (ascii.to_string(), TextEncoding::Utf16Le));
        let be: Vec<u8> = ascii.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode_all(&be), (ascii.to_string(), TextEncoding::Utf16Be));
    }

    #[test]
    fn chunking_never_changes_the_output() {
        let text = "群聊，大家好！\r\n第二行 ok\n".repeat(50);
        for (bytes, enc) in [
            (text.as_bytes().to_vec(), TextEncoding::Utf8),
            (gbk(&text), TextEncoding::Gb18030),
        ] {
            for chunk in [1, 2, 3, 7, 64] {
                let mut d = StreamDecoder::new(enc);
                let mut out = String::new();
                let mut parts = bytes.chunks(chunk).peekable();
                while let Some(part) = parts.next() {
                    d.decode(part, &mut out, parts.peek().is_none());
                }
                assert_eq!(out, text, "chunk {chunk} {enc:?}");
                assert_eq!(d.malformed, 0);
            }
        }
    }

    #[test]
    fn utf8_cut_mid_character_in_the_head_is_still_utf8() {
        let bytes = "群聊".as_bytes();
        assert_eq!(sniff_encoding(&bytes[..4], false), TextEncoding::Utf8);
    }

    #[test]
    fn malformed_bytes_are_replaced_and_counted() {
        let mut d = StreamDecoder::new(TextEncoding::Utf8);
        let mut out = String::new();
        d.decode(b"ab\xFFcd", &mut out, true);
        assert_eq!(out, "ab\u{FFFD}cd");
        assert_eq!(d.malformed, 1);
    }
}
