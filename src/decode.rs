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
///
/// UTF-8 input is not copied when it is valid (nearly always): [`StreamDecoder::decode_each`]
/// hands the bytes themselves on as text, and only a character cut by the end of a chunk, or
/// a malformed sequence, takes the slow way. The text and the replacements are the ones of
/// the Encoding Standard's UTF-8 decoder (`encoding_rs`), a BOM at the start removed: one
/// U+FFFD per maximal invalid subpart.
pub struct StreamDecoder {
    encoding: TextEncoding,
    /// The decoder for the other encodings.
    decoder: Decoder,
    /// Count of malformed sequences replaced with U+FFFD.
    pub malformed: u64,
    /// UTF-8: the first bytes of a character the previous chunk ended inside (at most three).
    partial: Vec<u8>,
    /// UTF-8: nothing decoded yet (a BOM may still come, to be dropped).
    at_start: bool,
    /// Text decoded here before it is handed on (other encodings, malformed UTF-8).
    scratch: String,
}

/// What the first bytes of some UTF-8 input hold.
enum First {
    /// A whole character of this many bytes.
    Char(usize),
    /// A maximal invalid subpart of this many bytes: one U+FFFD.
    Malformed(usize),
    /// The start of a character that needs more bytes.
    Incomplete,
}

/// Reads the first character of `bytes` (four bytes always settle it).
fn first_char(bytes: &[u8]) -> First {
    match std::str::from_utf8(&bytes[..bytes.len().min(4)]) {
        Ok(text) => text.chars().next().map_or(First::Incomplete, |c| First::Char(c.len_utf8())),
        Err(e) if e.valid_up_to() > 0 => First::Char(utf8_width(bytes[0])),
        Err(e) => e.error_len().map_or(First::Incomplete, First::Malformed),
    }
}

/// Bytes in a character that starts with `lead` (1 for bytes that start none).
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

/// Where a character that `bytes` ends inside starts (`bytes.len()` when none does): its
/// bytes wait for the next chunk. Only a valid start of a character waits; anything else is
/// settled now.
fn cut_character_start(bytes: &[u8]) -> usize {
    let len = bytes.len();
    for back in 1..=len.min(3) {
        let b = bytes[len - back];
        if b & 0xC0 != 0x80 {
            let tail = &bytes[len - back..];
            let waits = utf8_width(b) > back && matches!(first_char(tail), First::Incomplete);
            return if waits { len - back } else { len };
        }
    }
    len
}

impl StreamDecoder {
    /// A decoder for `encoding`; a BOM at the start is removed.
    pub fn new(encoding: TextEncoding) -> Self {
        let decoder = match encoding {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => UTF_8.new_decoder_with_bom_removal(),
            other => other.encoding().new_decoder_with_bom_removal(),
        };
        StreamDecoder { encoding, decoder, malformed: 0, partial: Vec::new(), at_start: true, scratch: String::new() }
    }

    /// The encoding being decoded.
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    fn is_utf8(&self) -> bool {
        matches!(self.encoding, TextEncoding::Utf8 | TextEncoding::Utf8Bom)
    }

    /// Decodes `bytes`, appending UTF-8 to `out`. `last` flushes a trailing partial character.
    pub fn decode(&mut self, bytes: &[u8], out: &mut String, last: bool) {
        self.decode_each(bytes, last, &mut |text| out.push_str(text));
    }

    /// Decodes `bytes` and hands the text to `emit`, in one piece or a few (a character the
    /// previous chunk cut comes first, on its own). Valid UTF-8 is handed on as it is.
    ///
    /// ```
    /// use qunlens::decode::{StreamDecoder, TextEncoding};
    /// let mut decoder = StreamDecoder::new(TextEncoding::Utf8Bom);
    /// let mut text = String::new();
    /// let bytes = "\u{FEFF}群聊\n".as_bytes();
    /// decoder.decode_each(&bytes[..5], false, &mut |t| text.push_str(t)); // cuts 聊
    /// decoder.decode_each(&bytes[5..], true, &mut |t| text.push_str(t));
    /// assert_eq!(text, "群聊\n");
    /// ```
    pub fn decode_each(&mut self, bytes: &[u8], last: bool, emit: &mut dyn FnMut(&str)) {
        if self.is_utf8() {
            self.decode_utf8(bytes, last, emit);
        } else {
            let mut text = std::mem::take(&mut self.scratch);
            text.clear();
            self.decode_other(bytes, &mut text, last);
            // The Encoding Standard removes only UTF-8 and UTF-16 BOMs; GB18030 has one too
            // (84 31 95 33), which a file converted from UTF-8 with BOM keeps.
            self.hand_on(&text, emit);
            self.scratch = text;
        }
    }

    fn decode_other(&mut self, mut bytes: &[u8], out: &mut String, last: bool) {
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

    fn decode_utf8(&mut self, mut bytes: &[u8], last: bool, emit: &mut dyn FnMut(&str)) {
        if !self.partial.is_empty() {
            // Settle the character the previous chunk cut, with at most four bytes.
            let had = self.partial.len();
            let mut head = std::mem::take(&mut self.partial);
            head.extend_from_slice(&bytes[..bytes.len().min(4 - had)]);
            // `had` bytes are a valid start of a character: what settles it includes them.
            let used = match first_char(&head) {
                First::Char(len) => {
                    self.hand_on(std::str::from_utf8(&head[..len]).unwrap_or("\u{FFFD}"), emit);
                    len
                }
                First::Malformed(len) => {
                    self.replace(emit);
                    len
                }
                First::Incomplete if last => {
                    self.replace(emit);
                    return;
                }
                First::Incomplete => {
                    self.partial = head;
                    return;
                }
            };
            bytes = &bytes[used.saturating_sub(had).min(bytes.len())..];
        }
        let cut = if last { bytes.len() } else { cut_character_start(bytes) };
        match simdutf8::basic::from_utf8(&bytes[..cut]) {
            Ok(text) => {
                self.hand_on(text, emit);
                self.partial.extend_from_slice(&bytes[cut..]);
            }
            Err(_) => self.decode_utf8_lossy(bytes, last, emit),
        }
    }

    /// Malformed UTF-8: the text with one U+FFFD per maximal invalid subpart, built here.
    fn decode_utf8_lossy(&mut self, bytes: &[u8], last: bool, emit: &mut dyn FnMut(&str)) {
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        let mut chunks = bytes.utf8_chunks().peekable();
        while let Some(chunk) = chunks.next() {
            text.push_str(chunk.valid());
            let bad = chunk.invalid();
            if bad.is_empty() {
                continue;
            }
            if !last && chunks.peek().is_none() && matches!(first_char(bad), First::Incomplete) {
                self.partial.extend_from_slice(bad);
            } else {
                self.malformed += 1;
                text.push('\u{FFFD}');
            }
        }
        self.hand_on(&text, emit);
        self.scratch = text;
    }

    /// One U+FFFD for a malformed sequence.
    fn replace(&mut self, emit: &mut dyn FnMut(&str)) {
        self.malformed += 1;
        self.hand_on("\u{FFFD}", emit);
    }

    /// Hands decoded text on, without the BOM that may open the stream.
    fn hand_on(&mut self, mut text: &str, emit: &mut dyn FnMut(&str)) {
        if text.is_empty() {
            return;
        }
        if self.at_start {
            self.at_start = false;
            text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        }
        if !text.is_empty() {
            emit(text);
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
        // GB18030's own BOM (84 31 95 33): what `iconv -t GB18030` makes of a UTF-8 file with one.
        let gb_bom = gbk(&format!("\u{FEFF}{text}"));
        assert_eq!(&gb_bom[..4], b"\x84\x31\x95\x33");
        assert_eq!(decode_all(&gb_bom), (text.to_string(), TextEncoding::Gb18030));
        // Cut right after the BOM: still removed, once.
        let mut d = StreamDecoder::new(TextEncoding::Gb18030);
        let mut out = String::new();
        d.decode_each(&gb_bom[..4], false, &mut |t| out.push_str(t));
        d.decode_each(&gb_bom[4..], true, &mut |t| out.push_str(t));
        assert_eq!(out, text);
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

    /// The Encoding Standard's UTF-8 decoder (BOM removed), all bytes at once: what the
    /// pass-through must give for any bytes cut anywhere.
    fn reference_utf8(bytes: &[u8]) -> (String, u64) {
        let mut d = UTF_8.new_decoder_with_bom_removal();
        let mut out = String::with_capacity(bytes.len() * 3 + 16);
        let (mut rest, mut malformed) = (bytes, 0);
        loop {
            let (result, read) = d.decode_to_string_without_replacement(rest, &mut out, true);
            rest = &rest[read..];
            match result {
                DecoderResult::Malformed(_, _) => {
                    malformed += 1;
                    out.push('\u{FFFD}');
                }
                _ => return (out, malformed),
            }
        }
    }

    #[test]
    fn utf8_pass_through_is_the_standard_decoder_at_any_cut() {
        // Pieces that make every kind of sequence and its cuts likely: whole characters of
        // each width, a BOM, lone lead and continuation bytes, overlongs, surrogates, bytes
        // past U+10FFFF, truncated starts.
        let pieces: &[&[u8]] = &[
            b"a", b"\n", "群".as_bytes(), "é".as_bytes(), "😊".as_bytes(), b"\xEF\xBB\xBF", b"\xEF\xBB",
            b"\x80", b"\xBF", b"\xC0\xAF", b"\xC2", b"\xE0\x80", b"\xE0\xA0", b"\xED\xA0\x80", b"\xF0\x90",
            b"\xF0\x90\x80", b"\xF4\x90\x80\x80", b"\xF5", b"\xFF", b"\xE4\xB8",
        ];
        let mut rng = crate::xorshift::Xorshift::new(0x9E37_79B9_7F4A_7C15);
        let mut next = |n: usize| rng.below(n as u64) as usize;
        for case in 0..3000 {
            let bytes: Vec<u8> = (0..next(24)).flat_map(|_| pieces[next(pieces.len())].iter().copied()).collect();
            let want = reference_utf8(&bytes);
            let mut cuts: Vec<usize> = (0..next(5)).map(|_| next(bytes.len() + 1)).collect();
            cuts.extend([0, bytes.len()]);
            cuts.sort_unstable();
            let mut d = StreamDecoder::new(TextEncoding::Utf8);
            let (mut each, mut copied) = (String::new(), String::new());
            let mut c = StreamDecoder::new(TextEncoding::Utf8);
            for (k, w) in cuts.windows(2).enumerate() {
                let last = k + 2 == cuts.len();
                d.decode_each(&bytes[w[0]..w[1]], last, &mut |t| each.push_str(t));
                c.decode(&bytes[w[0]..w[1]], &mut copied, last);
            }
            assert_eq!((each, d.malformed), want, "case {case}: {bytes:x?} cut at {cuts:?}");
            assert_eq!((copied, c.malformed), want, "case {case} (decode)");
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
