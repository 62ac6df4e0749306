//! Cell values of business files: times in every form CRMs write them, amounts with their
//! currency, role tags.

use crate::report::roles::TagKind;
use crate::time::{days_from_civil, epoch_to_seconds, parse_local, parse_rfc3339, Civil, Zone};

/// A cell with nothing in it (`\N`, `null`, `-`, `N/A` are how exports write "no value").
pub(crate) fn blank(s: &str) -> bool {
    matches!(s.trim(), "" | "\\N" | "null" | "NULL" | "-" | "--" | "N/A" | "n/a" | "无" | "/")
}

/// A trimmed non-blank cell.
pub(crate) fn value(s: &str) -> Option<String> {
    (!blank(s)).then(|| s.trim().to_string())
}

/// A time: RFC 3339 / ISO with offset (Salesforce API, UTC), local `YYYY-MM-DD[ HH:mm[:ss]]`
/// and `YYYY/M/D H:mm` (Excel zh), `YYYY年M月D日[ HH:mm]`, US `M/D/YYYY[ h:mm AM/PM]`
/// (Salesforce en_US, HubSpot), epoch seconds or milliseconds (WeCom, 纷享销客), Excel serial
/// days. Local times are read in `zone`. `Err` for a non-blank cell that is none of these.
pub(crate) fn parse_time(s: &str, zone: &mut Zone) -> Result<Option<i64>, ()> {
    let s = s.trim();
    if blank(s) {
        return Ok(None);
    }
    if let Ok(n) = s.parse::<i64>() {
        return match n {
            // Excel serial days (1900 system): 1954..2119.
            20_000..=80_000 => Ok(serial_days(n as f64, zone)),
            n if n.abs() >= 100_000_000 => Ok(Some(epoch_to_seconds(n))),
            _ => Err(()),
        };
    }
    if let Ok(f) = s.parse::<f64>() {
        return if (20_000.0..80_000.0).contains(&f) { Ok(serial_days(f, zone)) } else { Err(()) };
    }
    if s.ends_with('Z') || s.contains('+') || s.get(10..).is_some_and(|t| t.contains('-') && s.contains('T')) {
        if let Some(t) = parse_rfc3339(s) {
            return Ok(Some(t));
        }
        // Salesforce API `2024-05-02T14:43:32.000Z` parses above; `.000+0000` needs a colon.
        if let Some((head, off)) = s.rsplit_once('+').filter(|(_, o)| o.len() == 4) {
            if let Some(t) = parse_rfc3339(&format!("{head}+{}:{}", &off[..2], &off[2..])) {
                return Ok(Some(t));
            }
        }
    }
    let civil = parse_local(s).or_else(|| parse_chinese(s)).or_else(|| parse_us(s)).ok_or(())?;
    zone.to_epoch(civil).map(Some).ok_or(())
}

fn serial_days(days: f64, zone: &mut Zone) -> Option<i64> {
    let base = days_from_civil(1899, 12, 30);
    let whole = days.floor() as i64;
    let secs = ((days - days.floor()) * 86400.0).round() as i64;
    let (y, m, d) = crate::time::civil_from_days(base + whole);
    let civil = Civil {
        year: y as i16,
        month: m as i8,
        day: d as i8,
        hour: (secs / 3600) as i8,
        minute: (secs % 3600 / 60) as i8,
        second: (secs % 60) as i8,
    };
    zone.to_epoch(civil)
}

/// `2024年3月1日`, `2024年3月1日 10:30`.
fn parse_chinese(s: &str) -> Option<Civil> {
    let (y, rest) = s.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let (d, rest) = rest.split_once(['日', '号'])?;
    let time = rest.trim();
    let text = format!("{}-{}-{}{}{}", y.trim(), m.trim(), d.trim(), if time.is_empty() { "" } else { " " }, time);
    parse_local(&text)
}

/// `3/15/2024`, `3/15/2024 2:30 PM` (month first, as US-locale CRMs write).
fn parse_us(s: &str) -> Option<Civil> {
    let (date, time) = match s.split_once(' ') {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    let mut parts = date.split('/');
    let (m, d, y) = (parts.next()?.parse::<u32>().ok()?, parts.next()?.parse::<u32>().ok()?, parts.next()?.parse::<u32>().ok()?);
    if parts.next().is_some() || y < 1900 {
        return None;
    }
    parse_local(&format!("{y:04}-{m:02}-{d:02}{}{}", if time.is_some() { " " } else { "" }, time.unwrap_or("")))
}

/// An amount and the currency its cell names: `¥12,800.00`, `USD 1,200`, `3.5万`, `8000元`.
/// `Err` for a non-blank cell that is not a number.
pub(crate) fn parse_amount(s: &str) -> Result<(Option<f64>, Option<&'static str>), ()> {
    let s = s.trim();
    if blank(s) {
        return Ok((None, None));
    }
    let mut currency = None;
    let mut scale = 1.0;
    let mut number = String::new();
    let mut letters = String::new();
    for c in s.chars().map(crate::text::fold_width) {
        match c {
            '0'..='9' | '.' | '-' => number.push(c),
            ',' | ' ' | '\u{a0}' | '\'' => {}
            '¥' | '￥' | '元' => currency = Some("CNY"),
            '$' => currency = currency.or(Some("USD")),
            '€' => currency = Some("EUR"),
            '£' => currency = Some("GBP"),
            '万' => scale = 10_000.0,
            c if c.is_ascii_alphabetic() => letters.push(c.to_ascii_uppercase()),
            _ => return Err(()),
        }
    }
    if !letters.is_empty() {
        currency = Some(currency_code(&letters).ok_or(())?);
    }
    let n: f64 = number.parse().map_err(|_| ())?;
    Ok((Some(n * scale), currency))
}

/// An ISO currency code from a cell (`CNY`, `rmb`, `人民币`, `USD`).
pub(crate) fn currency_code(s: &str) -> Option<&'static str> {
    const CODES: &[(&str, &[&str])] = &[
        ("CNY", &["CNY", "RMB", "人民币", "元"]),
        ("USD", &["USD", "美元", "US$"]),
        ("EUR", &["EUR", "欧元"]),
        ("GBP", &["GBP", "英镑"]),
        ("HKD", &["HKD", "HK$", "港币", "港元"]),
        ("JPY", &["JPY", "日元"]),
        ("SGD", &["SGD", "新加坡元"]),
    ];
    let s = s.trim().to_uppercase();
    CODES.iter().find(|(_, names)| names.contains(&s.as_str())).map(|(code, _)| *code)
}

/// A roster role tag (`大咖`, `讲师`, `KOL`, `群主`, `群助手`, `小号`, English too).
pub(crate) fn parse_tag(s: &str) -> Option<TagKind> {
    const TAGS: &[(TagKind, &[&str])] = &[
        (TagKind::Owner, &["群主", "owner", "group owner", "创建者"]),
        (TagKind::Assistant, &["群助手", "助手", "管理员", "群管理", "assistant", "admin", "运营"]),
        (TagKind::Alt, &["小号", "alt", "alt account", "机器人小号"]),
        (TagKind::BigName, &["大咖", "big name", "big_name", "vip嘉宾", "嘉宾", "专家"]),
        (TagKind::Lecturer, &["讲师", "lecturer", "老师", "speaker", "teacher"]),
        (TagKind::Kol, &["kol", "达人", "意见领袖"]),
    ];
    let key = s.trim().to_lowercase();
    TAGS.iter().find(|(_, names)| names.contains(&key.as_str())).map(|(t, _)| *t)
}

/// A roster tag that says "ordinary member" (no special role): not a tag, not an error.
pub(crate) fn is_plain_member(s: &str) -> bool {
    matches!(s.trim().to_lowercase().as_str(), "学员" | "成员" | "普通成员" | "群成员" | "member" | "客户" | "用户" | "普通")
}

/// A count cell (`12`, `12.0` as spreadsheets write whole numbers); `Err` otherwise.
pub(crate) fn parse_count(s: &str) -> Result<u64, ()> {
    let s = s.trim();
    if blank(s) {
        return Ok(0);
    }
    if let Ok(n) = s.parse::<u64>() {
        return Ok(n);
    }
    match s.parse::<f64>() {
        Ok(f) if f >= 0.0 && f.fract() == 0.0 && f < 1e12 => Ok(f as u64),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_every_crm_form() {
        let mut z = Zone::new("Asia/Shanghai").unwrap();
        let t = |s: &str, z: &mut Zone| parse_time(s, z).unwrap().unwrap();
        let base = 1_709_258_400; // 2024-03-01 10:00 +08:00
        assert_eq!(t("2024-03-01 10:00:00", &mut z), base);
        assert_eq!(t("2024/3/1 10:00", &mut z), base);
        assert_eq!(t("2024年3月1日 10:00", &mut z), base);
        assert_eq!(t("3/1/2024 10:00 AM", &mut z), base);
        assert_eq!(t("2024-03-01T02:00:00.000Z", &mut z), base);
        assert_eq!(t("2024-03-01T02:00:00.000+0000", &mut z), base);
        assert_eq!(t("1709258400", &mut z), base);
        assert_eq!(t("1709258400000", &mut z), base);
        assert_eq!(t("45352.41666666667", &mut z), base, "Excel serial");
        assert_eq!(t("45352", &mut z), base - 10 * 3600);
        assert_eq!(parse_time("", &mut z), Ok(None));
        assert_eq!(parse_time("\\N", &mut z), Ok(None));
        assert_eq!(parse_time("next week", &mut z), Err(()));
        assert_eq!(parse_time("42", &mut z), Err(()));
    }

    #[test]
    fn amounts_and_tags() {
        assert_eq!(parse_amount("¥12,800.00"), Ok((Some(12800.0), Some("CNY"))));
        assert_eq!(parse_amount("USD 1,200"), Ok((Some(1200.0), Some("USD"))));
        assert_eq!(parse_amount("3.5万"), Ok((Some(35000.0), None)));
        assert_eq!(parse_amount("8000元"), Ok((Some(8000.0), Some("CNY"))));
        assert_eq!(parse_amount(""), Ok((None, None)));
        assert_eq!(parse_amount("about ten"), Err(()));
        assert_eq!(parse_tag("群助手"), Some(TagKind::Assistant));
        assert_eq!(parse_tag("KOL"), Some(TagKind::Kol));
        assert_eq!(parse_tag("学员"), None);
        assert_eq!(parse_count("12.0"), Ok(12));
        assert_eq!(parse_count("x"), Err(()));
    }
}
