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
    "谁知道", "谁有", "求助", "求问", "请教", "哪位", "第几", "多久", "多长时间",
];

/// Rhetorical or exclamatory uses of question words ("什么都可以", "怎么这么巧"): never
/// questions by themselves.
const ZH_NOT_QUESTIONS: &[&str] = &["什么都", "怎么这么", "怎么那么", "不管怎么", "无论怎么", "无论如何", "不管如何"];

/// Chinese sentence-final question particles (checked at the end of the text, before any
/// trailing punctuation or emoji); 不 as in "能开发票不".
const ZH_FINAL_PARTICLES: &[char] = &['吗', '呢', '么', '嘛', '不'];

/// English interrogatives that open a question ("how do I…", "can anyone…").
const EN_QUESTION_STARTS: &[&str] = &[
    "what", "how", "why", "when", "where", "which", "who", "whom", "whose", "is", "are", "am", "was", "were",
    "do", "does", "did", "can", "could", "should", "would", "will", "shall", "may", "might", "has", "have",
    "any", "anyone", "anybody",
];

/// Phrases that carry a question anywhere in English text.
const EN_QUESTION_PHRASES: &[&str] = &["anyone know", "does anyone", "can anyone", "any idea", "how do i", "how to "];

/// Is `text` a question? Rules, in order:
/// 1. a `?` or `？` anywhere (after stripping URLs, whose query strings contain `?`);
/// 2. a Chinese question word (请问, 怎么, 如何, 为什么, 什么, 哪, 多少, 是不是, 有没有, …) unless
///    used rhetorically (什么都, 怎么这么, 不管怎么 …), or a sentence-final particle 吗/呢/么/嘛/不;
/// 3. English text opening with an interrogative (what/how/why/…/can/does/is…) or containing
///    a question phrase ("anyone know", "how to").
///
/// English exclamations ("What a day") are not questions. Measured on the 210 hand-labelled
/// messages of `tests/fixtures/text/questions.tsv` (test `tests/health.rs`): see the README.
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
    let text = text.trim();
    if text.is_empty() {
        return false;
    }
    let without_urls = strip_urls(text);
    let t: &str = &without_urls;
    if t.contains(['?', '？']) {
        return true;
    }
    if has_zh_question_word(t) || ends_with_particle(t) {
        return true;
    }
    if !t.bytes().any(|b| b.is_ascii_alphabetic()) {
        return false; // no English words: the English rules cannot match
    }
    // The English rules only look at ASCII words, so ASCII lowercasing is enough (and cheap).
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("what a ") || lower.starts_with("how nice") {
        return false; // exclamations
    }
    let first = lower.split(|c: char| !c.is_alphanumeric() && c != '\'').find(|w| !w.is_empty()).unwrap_or("");
    (EN_QUESTION_STARTS.contains(&first) && lower.split_whitespace().nth(2).is_some())
        || EN_QUESTION_PHRASES.iter().any(|p| lower.contains(p))
}

/// A Chinese question word not used rhetorically. One pass over the characters; at each, only
/// the words starting with that character are tried (found by binary search in a table built
/// once), because this runs on every message of the data.
fn has_zh_question_word(t: &str) -> bool {
    static TABLE: std::sync::OnceLock<Vec<(char, &'static str, bool)>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let first = |w: &str| w.chars().next().unwrap_or_default();
        let mut v: Vec<(char, &'static str, bool)> = ZH_QUESTION_WORDS.iter().map(|w| (first(w), *w, false)).collect();
        v.extend(ZH_NOT_QUESTIONS.iter().map(|w| (first(w), *w, true)));
        v.sort_unstable();
        v
    });
    let mut found = false;
    for (at, c) in t.char_indices() {
        if (c as u32) < 0x3000 {
            continue; // every listed word starts with a CJK character
        }
        let from = table.partition_point(|e| e.0 < c);
        for &(_, word, rhetorical) in table[from..].iter().take_while(|e| e.0 == c) {
            if t[at..].starts_with(word) {
                if rhetorical {
                    return false;
                }
                found = true;
            }
        }
    }
    found
}

/// Thanks / acknowledgement from an asker after an answer: the "accepted" signal.
///
/// ```
/// use qunlens::text::is_thanks;
/// assert!(is_thanks("谢谢老师！"));
/// assert!(is_thanks("明白了"));
/// assert!(is_thanks("Thanks a lot"));
/// assert!(!is_thanks("我不明白"));
/// ```
pub fn is_thanks(text: &str) -> bool {
    const ZH: &[&str] = &["谢谢", "感谢", "多谢", "谢了", "收到", "明白了", "懂了", "学到了", "好的", "了解了", "get了"];
    const EN: &[&str] = &["thank", "thx", "got it", "makes sense", "cheers", "appreciate"];
    let t = text.trim();
    if t.contains("不明白") || t.contains("不懂") {
        return false;
    }
    if ZH.iter().any(|w| t.contains(w)) {
        return true;
    }
    let lower = format!("{} ", t.to_lowercase());
    EN.iter().any(|w| lower.contains(w))
}

/// Check-in messages (打卡 / 签到 / "check in"), which earn points in many groups.
///
/// ```
/// assert!(qunlens::text::is_checkin("今日打卡 Day 12"));
/// assert!(!qunlens::text::is_checkin("明天见"));
/// ```
pub fn is_checkin(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["打卡", "签到", "check in", "check-in", "checkin"].iter().any(|w| lower.contains(w))
}

/// Text reduced for duplicate detection: whitespace, punctuation and emoji removed,
/// full-width folded to ASCII, lowercased. Two messages with the same key are "the same text".
///
/// ```
/// use qunlens::text::dedupe_key;
/// assert_eq!(dedupe_key("Hello， World！！"), dedupe_key("hello world"));
/// ```
pub fn dedupe_key(text: &str) -> String {
    text.chars().map(fold_width).filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Number of meaningful characters (letters, digits, CJK; no whitespace, punctuation, emoji):
/// what "minimum length" rules count.
pub fn meaningful_len(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

/// Full-width ASCII forms (Ｈ, １, ！) to their ASCII equivalents; the ideographic space to ' '.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn ends_with_particle(t: &str) -> bool {
    t.chars()
        .rev()
        .find(|c| c.is_alphanumeric())
        .is_some_and(|c| ZH_FINAL_PARTICLES.contains(&c))
}

/// The text with `http(s)://…` runs removed (their `?` is not a question mark).
fn strip_urls(t: &str) -> std::borrow::Cow<'_, str> {
    if !t.contains("://") {
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
    fn urls_are_not_questions() {
        assert!(!is_question("https://mp.weixin.qq.com/s?__biz=abc"));
        assert!(is_question("https://a.com/x?y 这个链接打不开？"));
    }
}
