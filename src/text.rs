//! Message-text heuristics shared by the reports: is this a question, a thank-you, a
//! check-in? One place, so the health view's "questions" and the leaderboard's "question
//! asked" are the same set of messages.
//!
//! They are deliberately simple, documented rules (Chinese and English), not a model:
//! operators must be able to predict them. Precision and recall are measured on the
//! hand-labelled set in `tests/fixtures/text/questions.tsv`.

/// Chinese question words and particles. A sentence-final particle (吗/呢/么) or an
/// interrogative word anywhere marks a question.
const ZH_QUESTION_WORDS: &[&str] = &[
    "请问", "怎么", "如何", "为什么", "为何", "什么", "哪里", "哪个", "哪些", "哪儿", "多少", "几点", "几个",
    "是不是", "有没有", "能不能", "可不可以", "会不会", "要不要", "对不对", "行不行", "好不好", "咋", "啥",
    "谁知道", "谁有", "求助", "求问", "请教", "哪位", "第几", "多久", "多长时间", "谁能", "谁可以", "求推荐",
    "求个", "求分享", "几天", "几号",
];

/// Rhetorical, exclamatory or non-interrogative uses of question words ("什么都可以", "怎么这么巧",
/// "过几天再说"): the question words they contain do not count (others in the text still do).
const ZH_NOT_QUESTIONS: &[&str] = &[
    "什么都", "怎么这么", "怎么那么", "不管怎么", "无论怎么", "无论如何", "不管如何", "不知道为什么", "怎么说呢",
    "过几天", "前几天", "这几天", "好几天", "没几天", "几天前", "几天后",
];

/// Endings that ask "did it / has it" (吃了没, 到了没, 的没).
const ZH_FINAL_ASKS: &[&str] = &["了没", "的没", "过没"];

/// Chinese sentence-final question particles (checked at the end of the text, before any
/// trailing punctuation or emoji); 不 as in "能开发票不".
const ZH_FINAL_PARTICLES: &[char] = &['吗', '呢', '么', '嘛', '不'];

/// English interrogatives that open a question ("how do I…", "can anyone…").
const EN_QUESTION_STARTS: &[&str] = &[
    "what", "how", "why", "when", "where", "which", "who", "whom", "whose", "is", "are", "am", "was", "were",
    "do", "does", "did", "can", "could", "should", "would", "will", "shall", "may", "might", "has", "have",
    "any", "anyone", "anybody", "who's", "what's", "how's", "where's", "when's", "why's",
];

/// English openings that are exclamations, not questions ("What a day", "Why not").
const EN_EXCLAMATIONS: &[&str] = &["what a ", "what an ", "how nice", "how cool", "how sweet", "who knew", "why not"];

/// Phrases that carry a question anywhere in English text.
const EN_QUESTION_PHRASES: &[&str] = &["anyone know", "does anyone", "can anyone", "any idea", "how do i", "how to "];

/// Is `text` a question? Rules, in order:
/// 1. a `?` or `？` anywhere (after stripping URLs, whose query strings contain `?`);
/// 2. a Chinese question word (请问, 怎么, 如何, 为什么, 什么, 哪, 多少, 几天, 是不是, 有没有, 谁能,
///    求推荐, …) not inside a rhetorical phrase (什么都, 怎么这么, 不知道为什么, 过几天 …); a
///    sentence-final particle 吗/呢/么/嘛/不 or ask 了没/的没; a split A-not-A ending ("还能报名不能":
///    不/没 + a character already used); an alternative question "A还是B" (选B还是选C);
/// 3. English text of three words or more opening with an interrogative (what/how/why/who's/…/
///    can/does/is…) or containing a question phrase ("anyone know", "how to"), unless it opens
///    with an exclamation ("What a day", "Why not", "Who knew").
///
/// Measured on the 250 hand-labelled messages of `tests/fixtures/text/questions.tsv` (test
/// `tests/health.rs`): see the README.
///
/// ```
/// use qunlens::text::is_question;
/// assert!(is_question("这个课程怎么报名"));
/// assert!(is_question("有回放吗～"));
/// assert!(is_question("How do I export the chat"));
/// assert!(!is_question("收到，谢谢"));
/// assert!(!is_question("see https://example.com/?a=1"));
/// ```
pub fn is_question(text: &str) -> bool {
    let t = strip_urls(trim(text));
    question(&t, &words().scan(&t))
}

/// What the reports ask of every message's text, answered when the message is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextTraits {
    /// [`is_question`].
    pub question: bool,
    /// [`is_checkin`].
    pub checkin: bool,
    /// [`is_thanks`].
    pub thanks: bool,
    /// The text has an `@`: @mentions may be written in it (most texts have none, and their
    /// mention parsers need not look).
    pub at_sign: bool,
}

/// [`is_question`], [`is_checkin`] and [`is_thanks`] of one text, with one pass of one
/// automaton over it for every word list: what every text message gets when it is read.
///
/// ```
/// use qunlens::text::{traits, TextTraits};
/// assert_eq!(traits("今天怎么打卡"), TextTraits { question: true, checkin: true, thanks: false, at_sign: false });
/// assert_eq!(traits("Check-in day 3, thanks!"), TextTraits { question: false, checkin: true, thanks: true, at_sign: false });
/// assert_eq!(traits("@小王 什么都行"), TextTraits { at_sign: true, ..TextTraits::default() });
/// ```
pub fn traits(text: &str) -> TextTraits {
    let text = trim(text);
    let found = words().scan(text);
    // Questions are judged without the URLs (a second pass, over that text), the rest with them.
    let question = if found.url_scheme { is_question(text) } else { question(text, &found) };
    TextTraits { question, checkin: found.checkin, thanks: found.thanks(), at_sign: found.at_sign }
}

/// [`is_question`] of a trimmed text without URLs, given what the word pass found in it (the
/// question marks, the Chinese question words, the English question phrases, 还是).
fn question(t: &str, words: &Words) -> bool {
    if t.is_empty() {
        return false;
    }
    if words.question_mark {
        return true;
    }
    if words.non_ascii {
        // The endings are judged without trailing punctuation, spaces or emoji.
        let end = trim_end_marks(t);
        let alternative = words.hai_shi && zh_alternative(end);
        if words.zh_question || ends_with_particle(end) || zh_final_ask(end) || zh_split_a_not_a(end) || alternative {
            return true;
        }
    }
    let starts = |p: &str| t.len() >= p.len() && t.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    if EN_EXCLAMATIONS.iter().any(|e| starts(e)) {
        return false;
    }
    let opens = first_ascii_word(t).is_some_and(|first| EN_QUESTION_STARTS.iter().any(|w| w.eq_ignore_ascii_case(first)));
    (opens && t.split_whitespace().nth(2).is_some()) || words.en_phrase
}

/// The first word (a run of letters, digits and apostrophes) when it is plain ASCII; `None`
/// when it is not (a Chinese text's first "word" is often the whole text: no need to walk it).
fn first_ascii_word(t: &str) -> Option<&str> {
    let start = t.find(|c: char| is_word_char(c) || c == '\'')?;
    let rest = &t[start..];
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '\'')).unwrap_or(rest.len());
    let next = rest[end..].chars().next();
    // The word goes on with a non-ASCII letter: not an English word.
    if next.is_some_and(|c| !c.is_ascii() && is_word_char(c)) {
        return None;
    }
    Some(&rest[..end])
}

/// `c.is_alphanumeric()` with the common cases first: ASCII and the CJK Unified Ideographs
/// (most of a Chinese chat) are answered without the Unicode table search, which dominated
/// the per-message text passes of multi-million-message imports.
///
/// ```
/// use qunlens::text::is_word_char;
/// assert!(is_word_char('群') && is_word_char('a') && is_word_char('7') && is_word_char('é'));
/// assert!(!is_word_char('，') && !is_word_char(' ') && !is_word_char('😊'));
/// ```
#[inline]
pub fn is_word_char(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        // CJK Unified Ideographs.
        0x4E00..=0x9FFF => true,
        // Chinese punctuation (、。「」【】…) and general punctuation (“”…—).
        0x2000..=0x206F | 0x3001..=0x3004 | 0x3008..=0x3020 => false,
        // Full-width forms: letters and digits are, punctuation (，！？：) is not.
        0xFF01..=0xFF5E => fold_width(c).is_ascii_alphanumeric(),
        // Emoji and pictographs.
        0x1F300..=0x1FAFF => false,
        _ => c.is_alphanumeric(),
    }
}

/// Every word list of the text rules, compiled once into one automaton (one pass over a text
/// instead of one search per word: this runs on every message of multi-million-message
/// imports). ASCII letters match in any case: the Chinese words have none, and the thank-you
/// "Get了" is written as often as "get了".
fn words() -> &'static WordScanner {
    static WORDS: std::sync::OnceLock<WordScanner> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        use WordKind::*;
        WordScanner::new(&[
            (ZH_QUESTION_WORDS, QuestionWord),
            (ZH_NOT_QUESTIONS, Rhetorical),
            (CHECKIN_WORDS, Checkin),
            (THANKS_ZH, Thanks),
            (THANKS_EN, Thanks),
            (NOT_UNDERSTOOD, NotUnderstood),
            (&[HAI_SHI_WORD], HaiShi),
            (EN_QUESTION_PHRASES, EnPhrase),
            (&["?", "？"], QuestionMark),
            (&["://"], UrlScheme),
            (&["@"], AtSign),
        ])
    })
}

/// Which list a word of a [`WordScanner`] comes from.
#[derive(Clone, Copy)]
enum WordKind {
    QuestionWord,
    Rhetorical,
    Checkin,
    Thanks,
    NotUnderstood,
    HaiShi,
    EnPhrase,
    QuestionMark,
    UrlScheme,
    AtSign,
}

/// Several word lists in one Aho–Corasick DFA, run by a loop of its own over the text (every
/// occurrence of every word, as an overlapping search finds them). The crate's overlapping
/// iterator costs about twice as much per byte on chat-sized texts, and this pass runs on
/// every text message.
///
/// The automaton reads one symbol per character, not per byte: a Chinese chat is mostly
/// three-byte characters, and one table lookup per character replaces two automaton steps
/// of three. ASCII characters are their own symbol; each non-ASCII character of a word gets a
/// symbol of its own from 0x80 up; every other character is [`Symbols::OTHER`], which no word
/// contains. Word positions are then counted in characters, which is all [`Words`] needs.
struct WordScanner {
    dfa: aho_corasick::dfa::DFA,
    start: aho_corasick::automaton::StateID,
    /// The list of each pattern id.
    kinds: Vec<WordKind>,
    symbols: Symbols,
}

/// The symbol of every character below U+10000 (see [`WordScanner`]).
struct Symbols {
    of: Box<[u8; 1 << 16]>,
}

impl Symbols {
    /// The symbol of every character no word contains.
    const OTHER: u8 = 0xFF;

    /// Symbols for the non-ASCII characters of `words`, in order of first use; `None` when
    /// there are more than fit in a byte or one lies beyond U+FFFF.
    fn new<'w>(words: impl IntoIterator<Item = &'w str>) -> Option<Symbols> {
        let mut of: Box<[u8; 1 << 16]> = vec![Self::OTHER; 1 << 16].into_boxed_slice().try_into().ok()?;
        for (code, symbol) in of.iter_mut().zip(0u8..0x80) {
            *code = symbol;
        }
        let mut next = 0x80u8;
        for c in words.into_iter().flat_map(str::chars).filter(|c| !c.is_ascii()) {
            let slot = of.get_mut(c as usize)?;
            if *slot == Self::OTHER {
                if next == Self::OTHER {
                    return None;
                }
                *slot = next;
                next += 1;
            }
        }
        Some(Symbols { of })
    }

    /// `word` as symbols.
    fn encode(&self, word: &str) -> Vec<u8> {
        word.chars().map(|c| self.of.get(c as usize).copied().unwrap_or(Self::OTHER)).collect()
    }

    /// The symbol of the character starting at `bytes[i]` (a character boundary of valid
    /// UTF-8) and its length in bytes.
    #[inline(always)]
    fn at(&self, bytes: &[u8], i: usize) -> (u8, usize) {
        let cont = |k: usize| (bytes.get(i + k).copied().unwrap_or(0) & 0x3F) as usize;
        let b = bytes.get(i).copied().unwrap_or(0);
        let (code, len) = match b {
            0..=0x7F => return (b, 1),
            0x80..=0xDF => (((b as usize & 0x1F) << 6) | cont(1), 2),
            0xE0..=0xEF => (((b as usize & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3),
            _ => return (Self::OTHER, 4),
        };
        (self.of[code & 0xFFFF], len)
    }
}

impl WordScanner {
    fn new(lists: &[(&[&str], WordKind)]) -> Self {
        use aho_corasick::automaton::Automaton;
        let words = || lists.iter().flat_map(|(words, _)| words.iter().copied());
        let symbols = Symbols::new(words()).unwrap_or_else(|| unreachable!("fixed word lists fit")); // ok: constant input, see the test
        let encoded: Vec<Vec<u8>> = words().map(|w| symbols.encode(w)).collect();
        let kinds = lists.iter().flat_map(|&(words, kind)| words.iter().map(move |_| kind)).collect();
        let dfa = aho_corasick::dfa::DFA::builder()
            .ascii_case_insensitive(true)
            // Start states then are ordinary states: only a match makes the loop look twice.
            .prefilter(false)
            .build(&encoded)
            .unwrap_or_else(|_| unreachable!("fixed word lists compile")); // ok: constant input
        let start = dfa.start_state(aho_corasick::Anchored::No).unwrap_or_else(|_| unreachable!("unanchored DFA")); // ok: built unanchored
        WordScanner { dfa, start, kinds, symbols }
    }

    fn scan(&self, t: &str) -> Words {
        use aho_corasick::automaton::Automaton;
        let dfa = &self.dfa;
        let mut found = Words::default();
        let mut words: Vec<usize> = Vec::new();
        let mut rhetorical: Vec<(usize, usize)> = Vec::new();
        let mut sid = self.start;
        let bytes = t.as_bytes();
        // `i` in bytes, `end` in characters (symbols) read so far.
        let (mut i, mut end) = (0, 0);
        while i < bytes.len() {
            let (symbol, len) = self.symbols.at(bytes, i);
            i += len;
            end += 1;
            found.non_ascii |= len > 1;
            sid = dfa.next_state(aho_corasick::Anchored::No, sid, symbol);
            // An unanchored search never dies: special states are match states.
            if !dfa.is_special(sid) || !dfa.is_match(sid) {
                continue;
            }
            for k in 0..dfa.match_len(sid) {
                let pattern = dfa.match_pattern(sid, k);
                match self.kinds[pattern.as_usize()] {
                    WordKind::QuestionWord => words.push(end - dfa.pattern_len(pattern)),
                    WordKind::Rhetorical => rhetorical.push((end - dfa.pattern_len(pattern), end)),
                    WordKind::Checkin => found.checkin = true,
                    WordKind::Thanks => found.thanks_word = true,
                    WordKind::NotUnderstood => found.not_understood = true,
                    WordKind::HaiShi => found.hai_shi = true,
                    WordKind::EnPhrase => found.en_phrase = true,
                    WordKind::QuestionMark => found.question_mark = true,
                    WordKind::UrlScheme => found.url_scheme = true,
                    WordKind::AtSign => found.at_sign = true,
                }
            }
        }
        found.zh_question = words.iter().any(|&w| !rhetorical.iter().any(|&(a, b)| a <= w && w < b));
        found
    }
}

/// What one pass of a [`WordScanner`] found.
#[derive(Debug, Default, PartialEq)]
struct Words {
    zh_question: bool,
    checkin: bool,
    thanks_word: bool,
    not_understood: bool,
    /// 还是 occurs.
    hai_shi: bool,
    /// An English question phrase ("anyone know").
    en_phrase: bool,
    /// `?` or `？`.
    question_mark: bool,
    /// `://`: the text has a URL, whose `?` does not count.
    url_scheme: bool,
    /// A character beyond ASCII (the Chinese rules apply only then).
    non_ascii: bool,
    /// `@`.
    at_sign: bool,
}

impl Words {
    /// [`is_thanks`]: a thank-you word and no "didn't get it".
    fn thanks(&self) -> bool {
        self.thanks_word && !self.not_understood
    }
}

/// `str::trim`, without decoding a character when the field starts and ends with one that
/// cannot be white space: names and ids are trimmed for every message. Every white-space
/// character is ASCII or starts with the byte C2, E1, E2 or E3 (U+0085, U+00A0, U+1680,
/// U+2000…U+205F, U+3000).
///
/// ```
/// assert_eq!(qunlens::text::trim(" 王芳\u{3000}"), "王芳");
/// assert_eq!(qunlens::text::trim("王芳"), "王芳");
/// ```
pub fn trim(s: &str) -> &str {
    let bytes = s.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return s };
    let last_lead = if last < 0x80 {
        last
    } else {
        // The last character's first byte (a valid str ends with a whole character).
        bytes.iter().rev().take(4).copied().find(|b| b & 0xC0 != 0x80).unwrap_or(0xC2)
    };
    let may_be_space = |lead: u8| matches!(lead, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3);
    if may_be_space(first) || may_be_space(last_lead) {
        s.trim()
    } else {
        s
    }
}

/// The text without trailing punctuation, spaces or emoji.
fn trim_end_marks(t: &str) -> &str {
    t.trim_end_matches(|c: char| !is_word_char(c))
}

/// 了没 / 的没 at the end ("到了没"). This and the other ending rules take the text without its
/// trailing marks ([`trim_end_marks`]).
fn zh_final_ask(t: &str) -> bool {
    ZH_FINAL_ASKS.iter().any(|e| t.ends_with(e))
}

/// A split A-not-A question: 不/没 + a character that already occurred ("还能报名不能",
/// "你去公司不去"), at the end of the text.
fn zh_split_a_not_a(t: &str) -> bool {
    let mut tail = t.char_indices().rev();
    let (Some((_, a)), Some((neg_at, neg))) = (tail.next(), tail.next()) else { return false };
    (neg == '不' || neg == '没') && ('\u{4E00}'..='\u{9FFF}').contains(&a) && t[..neg_at].contains(a)
}

const HAI_SHI_WORD: &str = "还是";

/// "A还是B": an alternative question (选B还是选C, 全称还是简称), but not 还是 as "still" or
/// "had better" (我还是觉得, 还是算了, 还是…吧).
fn zh_alternative(t: &str) -> bool {
    const NOT_BEFORE: &[char] = &['我', '们', '也', '但', '都', '就', '可', '你', '他', '她', '却'];
    const NOT_AFTER: &[&str] = &["觉得", "算了", "要", "很", "挺", "不", "有", "会", "没", "在", "老样子"];
    static HAI_SHI: Needle = Needle::new(HAI_SHI_WORD);
    let Some(at) = HAI_SHI.find(t) else { return false };
    let (before, after) = (&t[..at], &t[at + HAI_SHI.len()..]);
    let Some(prev) = before.chars().next_back() else { return false };
    !after.is_empty()
        && !NOT_BEFORE.contains(&prev)
        && !NOT_AFTER.iter().any(|w| after.starts_with(w))
        && !['吧', '了', '的', '啊'].iter().any(|&c| t.ends_with(c))
}

/// Thanks / acknowledgement from an asker after an answer: the "accepted" signal (English
/// words in any letter case).
///
/// ```
/// use qunlens::text::is_thanks;
/// assert!(is_thanks("谢谢老师！"));
/// assert!(is_thanks("明白了"));
/// assert!(is_thanks("Thanks a lot"));
/// assert!(!is_thanks("我不明白"));
/// ```
pub fn is_thanks(text: &str) -> bool {
    words().scan(text).thanks()
}

/// Thank-you words (ASCII letters in any case: "Get了" too) and the "didn't get it" phrases
/// that overrule them.
const THANKS_ZH: &[&str] = &["谢谢", "感谢", "多谢", "谢了", "收到", "明白了", "懂了", "学到了", "好的", "了解了", "get了"];
const THANKS_EN: &[&str] = &["thank", "thx", "got it", "makes sense", "cheers", "appreciate"];
const NOT_UNDERSTOOD: &[&str] = &["不明白", "不懂"];

/// Check-in words (ASCII letters in any case).
const CHECKIN_WORDS: &[&str] = &["打卡", "签到", "check in", "check-in", "checkin"];

/// Check-in messages (打卡 / 签到 / "check in" in any letter case), which earn points in many
/// groups.
///
/// ```
/// assert!(qunlens::text::is_checkin("今日打卡 Day 12"));
/// assert!(!qunlens::text::is_checkin("明天见"));
/// ```
pub fn is_checkin(text: &str) -> bool {
    words().scan(text).checkin
}

/// Text reduced for duplicate detection: whitespace, punctuation and emoji removed,
/// full-width folded to ASCII, lowercased. Two messages with the same key are "the same text".
///
/// ```
/// use qunlens::text::dedupe_key;
/// assert_eq!(dedupe_key("Hello， World！！"), dedupe_key("hello world"));
/// ```
pub fn dedupe_key(text: &str) -> String {
    let mut key = String::new();
    push_dedupe_key(text, &mut key);
    key
}

/// Appends [`dedupe_key`]`(text)` to `key` and returns [`meaningful_len`]`(text)`: both in one
/// pass and without allocating, for loops over every message (the caller reuses `key`).
///
/// ```
/// let mut key = String::new();
/// assert_eq!(qunlens::text::push_dedupe_key("Ｈi，群友！", &mut key), 4);
/// assert_eq!(key, "hi群友");
/// ```
pub fn push_dedupe_key(text: &str, key: &mut String) -> usize {
    let bytes = text.as_bytes();
    let mut meaningful = 0;
    // The common characters byte-wise, and kept in runs copied at once: lowercase ASCII
    // letters and digits, and CJK Unified Ideographs (U+4E00..=U+9FFF: lead byte E4 with a
    // second byte from B8, or E5..=E9), which the key keeps as they are. Decoding and
    // re-encoding every character was most of the leaderboard's classification pass, and
    // then pushing them one by one was most of what remained.
    let mut run = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            meaningful += 1;
            i += 1;
            continue;
        }
        let cjk = (0xE5..=0xE9).contains(&b) || (b == 0xE4 && bytes.get(i + 1).is_some_and(|&b2| b2 >= 0xB8));
        if cjk {
            // A lead byte of a three-byte character: the text is valid UTF-8.
            meaningful += 1;
            i += 3;
            continue;
        }
        key.push_str(text.get(run..i).unwrap_or(""));
        if b.is_ascii() {
            if b.is_ascii_uppercase() {
                meaningful += 1;
                key.push(b.to_ascii_lowercase() as char);
            }
            i += 1;
        } else {
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else { break };
            i += c.len_utf8();
            if is_word_char(c) {
                meaningful += 1;
            }
            let c = fold_width(c);
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    key.push(c.to_ascii_lowercase());
                }
            } else if is_word_char(c) {
                key.extend(c.to_lowercase());
            }
        }
        run = i;
    }
    key.push_str(text.get(run..).unwrap_or(""));
    meaningful
}

/// Number of meaningful characters (letters, digits, CJK; no whitespace, punctuation, emoji):
/// what "minimum length" rules count.
pub fn meaningful_len(text: &str) -> usize {
    text.chars().filter(|&c| is_word_char(c)).count()
}

/// Does `text` contain `word` (lowercase ASCII letters) in any letter case? The answer of
/// `text.to_lowercase().contains(word)` — no non-ASCII character lowercases to an ASCII letter
/// other than `k` (the Kelvin sign) and `i` (İ) — without building a lowercase copy of every
/// message.
///
/// ```
/// use qunlens::text::contains_ascii_nocase;
/// assert!(contains_ascii_nocase("欢迎 WELCOME aboard", "welcome"));
/// assert!(!contains_ascii_nocase("welcom", "welcome"));
/// ```
pub fn contains_ascii_nocase(text: &str, word: &str) -> bool {
    let (t, w) = (text.as_bytes(), word.as_bytes());
    let Some(&first) = w.first() else { return true };
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), t).any(|at| t[at..].len() >= w.len() && t[at..at + w.len()].eq_ignore_ascii_case(w))
}

/// A fixed string searched for in every message. `str::contains` / `find` with a string (or
/// a non-ASCII `char`) set up a Two-Way searcher on every call, which cost more than the
/// search itself on short chat messages; the `memmem` finder here is built once.
pub(crate) struct Needle {
    text: &'static str,
    finder: std::sync::OnceLock<memchr::memmem::Finder<'static>>,
}

impl Needle {
    pub(crate) const fn new(text: &'static str) -> Self {
        Needle { text, finder: std::sync::OnceLock::new() }
    }

    /// Byte offset of the first occurrence in `haystack`.
    pub(crate) fn find(&self, haystack: &str) -> Option<usize> {
        self.finder.get_or_init(|| memchr::memmem::Finder::new(self.text)).find(haystack.as_bytes())
    }

    pub(crate) fn is_in(&self, haystack: &str) -> bool {
        self.find(haystack).is_some()
    }

    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }
}

/// Full-width ASCII forms (Ｈ, １, ！) to their ASCII equivalents; the ideographic space to ' '.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// A sentence-final particle (吗, 呢, …) ends a text without trailing marks.
fn ends_with_particle(t: &str) -> bool {
    t.chars().next_back().is_some_and(|c| ZH_FINAL_PARTICLES.contains(&c))
}

/// Where a URL's scheme ends: texts without it have no URL to remove.
static URL_SCHEME_END: Needle = Needle::new("://");

/// The text with `http(s)://…` runs removed (their `?` is not a question mark).
fn strip_urls(t: &str) -> std::borrow::Cow<'_, str> {
    if !URL_SCHEME_END.is_in(t) {
        return std::borrow::Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(at) = rest.find("http") {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        if from.starts_with("http://") || from.starts_with("https://") {
            let end = from.find(|c: char| c.is_whitespace() || !c.is_ascii()).unwrap_or(from.len());
            rest = &from[end..];
        } else {
            out.push_str("http");
            rest = &from[4..];
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`WordScanner::scan`] must find, by a plain search for every word in a lowercase
    /// copy (positions in bytes; the scanner counts characters, which orders them alike).
    fn words_by_search(t: &str) -> Words {
        let lower = t.to_ascii_lowercase();
        let at = |list: &[&str]| -> Vec<(usize, usize)> {
            list.iter().flat_map(|w| lower.match_indices(&w.to_ascii_lowercase()).map(|(i, m)| (i, i + m.len())).collect::<Vec<_>>()).collect()
        };
        let has = |list: &[&str]| !at(list).is_empty();
        let rhetorical = at(ZH_NOT_QUESTIONS);
        Words {
            zh_question: at(ZH_QUESTION_WORDS).iter().any(|&(w, _)| !rhetorical.iter().any(|&(a, b)| a <= w && w < b)),
            checkin: has(CHECKIN_WORDS),
            thanks_word: has(THANKS_ZH) || has(THANKS_EN),
            not_understood: has(NOT_UNDERSTOOD),
            hai_shi: has(&[HAI_SHI_WORD]),
            en_phrase: has(EN_QUESTION_PHRASES),
            question_mark: has(&["?", "？"]),
            url_scheme: has(&["://"]),
            non_ascii: !t.is_ascii(),
            at_sign: t.contains('@'),
        }
    }

    /// The scanner's symbols (one per character) find what a byte search finds, on texts
    /// made of the words themselves (whole, cut, overlapping, in upper case), the characters
    /// around them, other scripts, emoji and punctuation.
    /// The scanner's word lists (the single marks it looks for, `?` `://` `@` 还是, aside).
    const WORD_LISTS: [&[&str]; 7] = [ZH_QUESTION_WORDS, ZH_NOT_QUESTIONS, CHECKIN_WORDS, THANKS_ZH, THANKS_EN, NOT_UNDERSTOOD, EN_QUESTION_PHRASES];

    #[test]
    fn scan_finds_what_a_plain_search_finds() {
        let mut pieces: Vec<String> = WORD_LISTS.iter().flat_map(|l| l.iter()).flat_map(|w| {
            let cut: String = w.chars().skip(1).collect();
            [w.to_string(), w.to_uppercase(), cut]
        }).collect();
        pieces.extend(["还是", "?", "？", "://", "，", "。", " ", "é", "ß", "😊", "a", "Z", "的", "们", "一", "\u{4DC0}", "\u{2005}", "ｱ"].map(String::from));
        let mut rng = crate::xorshift::Xorshift::new(0x2545_f491_4f6c_dd1d);
        let mut next = |n: usize| rng.below(n as u64) as usize;
        for _ in 0..20_000 {
            let text: String = (0..next(7)).map(|_| pieces[next(pieces.len())].as_str()).collect();
            assert_eq!(words().scan(&text), words_by_search(&text), "{text:?}");
        }
    }

    #[test]
    fn every_word_character_has_a_symbol() {
        assert!(Symbols::new(WORD_LISTS.iter().flat_map(|l| l.iter().copied())).is_some());
        // More distinct characters than symbols: refused, not wrapped around.
        let many: Vec<String> = (0x4E00u32..0x4E00 + 200).filter_map(char::from_u32).map(String::from).collect();
        assert!(Symbols::new(many.iter().map(String::as_str)).is_none());
    }

    #[test]
    fn trim_is_str_trim_for_every_character_at_either_end() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [format!("{c}"), format!("{c}王芳"), format!("王芳{c}"), format!("{c}a{c}"), format!("{c}{c}")] {
                assert_eq!(trim(&s), s.trim(), "{:?}", c as u32);
            }
        }
    }

    #[test]
    fn one_pass_answers_as_the_three_tests_do() {
        let labelled = include_str!("../tests/fixtures/text/questions.tsv");
        let texts = labelled.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once('\t')).map(|(_, t)| t);
        let crafted = [
            "今天打卡了吗", "签到 什么都行", "CHECK-IN 怎么这么早", "打卡 https://x.cn/?a=1", "  checkin  ", "过几天打卡", "",
            "谢谢，怎么打卡？", "Get了 打卡", "还是不明白，谢谢", "THX https://x.cn", "收到，明天签到",
            // The phrase "how to " ends in a space: judged on the trimmed text either way.
            "learn how to ", "  how to\u{3000}", "\u{3000}how to use it", "ANYONE KNOW 这个", "any idea",
            "好的？", "  ?  ", "ftp://a?b 谢谢", "选A还是选B", "我还是觉得", "过几天打卡?", "https://x.cn 怎么打卡",
        ];
        let mut all = 0;
        for text in texts.chain(crafted) {
            let expected = TextTraits { question: is_question(text), checkin: is_checkin(text), thanks: is_thanks(text), at_sign: text.contains('@') };
            assert_eq!(traits(text), expected, "{text:?}");
            all += (expected.question && expected.checkin && expected.thanks) as u32;
        }
        assert!(all > 0, "some text is all three");
    }

    #[test]
    fn dedupe_keys_equal_the_character_by_character_definition() {
        // The definition: word characters only, full-width folded, lowercased; the count of
        // word characters before folding.
        let reference = |text: &str| {
            let key: String = text.chars().filter(|&c| is_word_char(c)).map(fold_width).flat_map(char::to_lowercase).collect();
            (key, text.chars().filter(|&c| is_word_char(c)).count())
        };
        let labelled = include_str!("../tests/fixtures/text/questions.tsv");
        let crafted = ["Ｈi，群友！", "混合ABC中文abc，DEF123！ok", "a", "中", "，", "䷀一鿿\u{9FFF}\u{A000}㐀", "ÀÉÎ İstanbul ǅ Σ", "emoji 😊👍 ok", "全角ＡＢＣ　１２３", "", "\u{4DFF}\u{4E00}"];
        for text in labelled.lines().chain(crafted) {
            let mut key = String::from("kept:");
            let meaningful = push_dedupe_key(text, &mut key);
            let (want, count) = reference(text);
            assert_eq!((key, meaningful), (format!("kept:{want}"), count), "{text:?}");
        }
    }

    #[test]
    fn word_chars_are_exactly_the_alphanumeric_ones() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn particles_only_count_at_the_end() {
        assert!(is_question("你们明天来吗"));
        assert!(is_question("那你呢？"));
        assert!(is_question("报名了吗😊"));
        assert!(!is_question("吗啡是一种药"));
    }

    #[test]
    fn english_needs_a_real_opening() {
        assert!(is_question("can anyone share the slides"));
        assert!(!is_question("is"));
        assert!(!is_question("Great session today"));
        assert!(is_question("any idea when the replay is up"));
    }

    #[test]
    fn rhetorical_phrases_only_hide_their_own_question_word() {
        assert!(!is_question("什么都可以"));
        assert!(is_question("什么都可以，怎么报名"));
        assert!(!is_question("过几天再说"));
        assert!(is_question("退款一般几天到账"));
        assert!(!is_question("不知道为什么今天网速好慢"));
    }

    #[test]
    fn alternatives_and_split_a_not_a() {
        assert!(is_question("这道题选B还是选C"));
        assert!(!is_question("我还是觉得上次的好"));
        assert!(!is_question("我们周三见还是算了"));
        assert!(!is_question("还是周三见吧"));
        assert!(is_question("这个活动还能报名不能"));
        assert!(!is_question("能力不足"));
        assert!(is_question("作业交了没"));
        assert!(!is_question("我还没"));
    }

    #[test]
    fn english_exclamations_and_contractions() {
        assert!(is_question("who's joining the meetup"));
        assert!(!is_question("Why not, let's do it"));
        assert!(!is_question("Who knew it would be this easy"));
    }

    #[test]
    fn urls_are_not_questions() {
        assert!(!is_question("https://mp.weixin.qq.com/s?__biz=abc"));
        assert!(is_question("https://a.com/x?y 这个链接打不开？"));
    }
}
