//! Keys people are matched by, normalised so that the same phone, email or nickname written
//! two ways compares equal.

use crate::text::fold_width;

/// A phone number in one canonical form: mainland mobiles as `+86` and 11 digits whatever way
/// they were written (`138 0013 8000`, `+86-138-0013-8000`, `0086 13800138000`,
/// `8613800138000`); other numbers with a country code as `+<digits>`; anything else with at
/// least 7 digits as its digits. `None` for text that is not a phone number (letters, too
/// few digits).
///
/// ```
/// use qunlens::identity::normalize_phone;
/// assert_eq!(normalize_phone("+86 138-0013-8000").as_deref(), Some("+8613800138000"));
/// assert_eq!(normalize_phone("13800138000").as_deref(), Some("+8613800138000"));
/// assert_eq!(normalize_phone("wxid_abc"), None);
/// ```
pub fn normalize_phone(raw: &str) -> Option<String> {
    let folded: String = raw.trim().chars().map(fold_width).collect();
    let plus = folded.starts_with('+');
    let mut digits = String::with_capacity(folded.len());
    for c in folded.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '+' | '\u{a0}' | '\t' => {}
            _ => return None,
        }
    }
    let digits = match digits.strip_prefix("00") {
        Some(rest) if !plus => {
            return (rest.len() >= 7).then(|| canonical_international(rest));
        }
        _ => digits,
    };
    if digits.len() < 7 || digits.len() > 15 {
        return None;
    }
    if plus {
        return Some(canonical_international(&digits));
    }
    if is_cn_mobile(&digits) {
        return Some(format!("+86{digits}"));
    }
    if digits.len() == 13 && digits.starts_with("86") && is_cn_mobile(&digits[2..]) {
        return Some(format!("+{digits}"));
    }
    Some(digits)
}

/// `+<country code><number>`.
fn canonical_international(digits: &str) -> String {
    format!("+{digits}")
}

/// 11 digits starting with 1 and a second digit 3–9: a mainland China mobile number.
fn is_cn_mobile(d: &str) -> bool {
    d.len() == 11 && d.starts_with('1') && matches!(d.as_bytes()[1], b'3'..=b'9')
}

/// An email address, trimmed and lower-cased; `None` if it has no `@` between two parts.
pub fn normalize_email(raw: &str) -> Option<String> {
    let e = raw.trim().to_lowercase();
    let (user, domain) = e.split_once('@')?;
    (!user.is_empty() && domain.contains('.') && !e.contains(char::is_whitespace)).then_some(e)
}

/// A display name reduced to what identifies it: full-width forms folded, lower-cased,
/// bracketed decorations (`【上海】`, `（财务）`, `[VIP]`) dropped, and every emoji, symbol,
/// space and punctuation mark removed. `None` when nothing is left (a name of only emoji).
///
/// ```
/// use qunlens::identity::normalize_name;
/// assert_eq!(normalize_name("🌸王芳🌸").as_deref(), Some("王芳"));
/// assert_eq!(normalize_name("【上海】Ｌｉｌｙ Wang（财务）").as_deref(), Some("lilywang"));
/// assert_eq!(normalize_name("😀"), None);
/// ```
pub fn normalize_name(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut depth = 0usize;
    for c in raw.chars().map(fold_width) {
        match c {
            '(' | '[' | '{' | '【' | '（' | '「' | '『' | '〔' | '〖' | '<' | '《' => depth += 1,
            ')' | ']' | '}' | '】' | '）' | '」' | '』' | '〕' | '〗' | '>' | '》' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    if out.is_empty() {
        // A name that is all decoration ("【管理员】") keeps its bracketed text.
        let inner: String = raw.chars().map(fold_width).filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        return (!inner.is_empty()).then_some(inner);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_in_every_common_spelling() {
        let same = [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "+86-13800138000",
            "0086 13800138000",
            "8613800138000",
            "(+86) 138.0013.8000",
            "１３８００１３８０００",
        ];
        for s in same {
            assert_eq!(normalize_phone(s).as_deref(), Some("+8613800138000"), "{s}");
        }
        assert_eq!(normalize_phone("+1 (415) 555-0100").as_deref(), Some("+14155550100"));
        assert_eq!(normalize_phone("021-6234 5678").as_deref(), Some("02162345678"));
        assert_eq!(normalize_phone("12345"), None);
        assert_eq!(normalize_phone("138 0013 8000 转 8"), None);
        assert_eq!(normalize_phone(""), None);
        assert_eq!(normalize_phone("1234567890123456"), None);
    }

    #[test]
    fn emails_and_names() {
        assert_eq!(normalize_email(" Amy.Li@Example.COM ").as_deref(), Some("amy.li@example.com"));
        assert_eq!(normalize_email("not an email"), None);
        assert_eq!(normalize_email("a@b"), None);
        assert_eq!(normalize_name("A-王芳 ✨").as_deref(), Some("a王芳"));
        assert_eq!(normalize_name("王 芳"), normalize_name("王芳"));
        assert_eq!(normalize_name("KEVIN"), normalize_name("kevin"));
        assert_eq!(normalize_name("【管理员】").as_deref(), Some("管理员"));
    }
}
