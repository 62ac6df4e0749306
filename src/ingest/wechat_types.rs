//! WeChat message-type codes and the row-level helpers both WeChat CSV readers
//! (WeChatMsg/MemoTrace and PyWxDump) share.
//!
//! Every WeChat export tool copies the database's numeric `(Type, SubType)` pair, packs it into
//! one 64-bit `local_type` (WeChat 4.x), or renders it as a Chinese label (PyWxDump's
//! `type_name`); all three map to one [`MessageKind`] here so the parsers never disagree on what
//! a "红包" or a `49/57` is (format notes §1.1).

use crate::model::{GroupId, MessageKind, ModelBuilder, PersonRef};
use crate::time::{epoch_to_seconds, parse_local, Zone};

/// Maps a WeChat `(Type, SubType)` pair (PC 3.x `MSG.Type`, `MSG.SubType`).
///
/// Type 49 ("app message") is a family whose real kind is in the sub-type; type 10000 is a
/// grey system line whose sub-types mark recalls (1, 5, 6, 33, 36, 57) and PC 3.x pats (4).
pub(crate) fn kind_from_codes(ty: i64, sub: i64) -> MessageKind {
    if ty > i64::from(u32::MAX) {
        // A WeChat 4.x `local_type` written into a Type column.
        return kind_from_local_type(ty);
    }
    match ty {
        1 => MessageKind::Text,
        3 => MessageKind::Image,
        34 => MessageKind::Voice,
        42 | 66 => MessageKind::Card,
        43 | 62 => MessageKind::Video,
        47 => MessageKind::Sticker,
        48 => MessageKind::Location,
        49 => app_message_kind(sub),
        50 => MessageKind::Call,
        10000 => match sub {
            1 | 5 | 6 | 33 | 36 | 57 => MessageKind::Recall,
            4 => MessageKind::Pat,
            _ => MessageKind::System,
        },
        10002 => MessageKind::System,
        _ => MessageKind::Other,
    }
}

/// Kind of a type-49 app message by its sub-type (`<appmsg><type>`).
fn app_message_kind(sub: i64) -> MessageKind {
    match sub {
        // 1 = pasted text, 53 = 接龙 sign-up chain, 57 = quote reply, 87 = group announcement:
        // all are things a member wrote.
        1 | 53 | 57 | 87 => MessageKind::Text,
        0 | 6 | 74 => MessageKind::File,
        8 => MessageKind::Sticker,
        19 | 40 => MessageKind::Forward,
        33 | 36 => MessageKind::MiniProgram,
        50 => MessageKind::Card,
        62 => MessageKind::Pat,
        2000 => MessageKind::Transfer,
        2001 | 2003 => MessageKind::RedPacket,
        // 3 music, 4/5 link cards, 24 note, 44 novel, 51 Channels video, 63/88 live.
        3 | 4 | 5 | 24 | 44 | 51 | 63 | 88 => MessageKind::Link,
        _ => MessageKind::Other,
    }
}

/// Maps a WeChat 4.x 64-bit `local_type`: the type is in the low 32 bits and the sub-type in
/// the high 32 bits (`(sub << 32) | 49`), so it must be split, never compared whole.
pub(crate) fn kind_from_local_type(local_type: i64) -> MessageKind {
    let v = local_type as u64;
    kind_from_codes((v & 0xFFFF_FFFF) as i64, (v >> 32) as i64)
}

/// Maps a PyWxDump `type_name` label (and the older/alternative labels other tools and older
/// PyWxDump versions print). `None` for a label no tool is known to write.
pub(crate) fn kind_from_type_name(label: &str) -> Option<MessageKind> {
    let label = label.trim();
    let kind = match label {
        "文本"
        | "粘贴的文本"
        | "类似文字消息而不一样的消息"
        | "引用回复"
        | "带有引用的文本消息"
        | "群公告"
        | "接龙" => MessageKind::Text,
        "图片" => MessageKind::Image,
        "语音" => MessageKind::Voice,
        "视频" | "小视频" => MessageKind::Video,
        "动画表情" | "用户上传的GIF表情" | "用户上传的 GIF 表情" => MessageKind::Sticker,
        "位置" | "位置共享" => MessageKind::Location,
        "名片" | "推荐公众号" | "(分享)视频号名片" => MessageKind::Card,
        "文件" | "文件(猜)" => MessageKind::File,
        "卡片式链接"
        | "(分享)卡片式链接"
        | "(分享)音乐"
        | "(分享)笔记"
        | "(分享)小说(猜)"
        | "(分享)视频号视频"
        | "视频号直播或直播回放"
        | "视频号直播或直播回放等" => MessageKind::Link,
        "小程序" | "(分享)小程序" | "分享的小程序" => MessageKind::MiniProgram,
        "合并转发的聊天记录" | "(分享)收藏夹" => MessageKind::Forward,
        "转账" | "转账消息" => MessageKind::Transfer,
        "红包" | "赠送红包封面" => MessageKind::RedPacket,
        "语音通话" | "视频通话" => MessageKind::Call,
        "拍一拍" => MessageKind::Pat,
        "系统通知" | "邀请加群" => MessageKind::System,
        "添加好友" | "游戏相关" | "企业微信打招呼(猜)" | "企业微信添加好友(猜)" => {
            MessageKind::Other
        }
        _ if label.starts_with("消息撤回") => MessageKind::Recall,
        // "未知", "未知-49,15", "未知-11000,0": PyWxDump's label for codes it has no name for
        // (including 10002 XML system messages, which the caller sniffs by content).
        _ if label.starts_with("未知") => MessageKind::Other,
        _ => return None,
    };
    Some(kind)
}

/// Maps the Chinese `type` label WeChat 4.x exporters write (WeFlow `getMessageTypeName()`,
/// EchoTrace `typeDescription`, old and new label sets; format notes §5.1). `未知类型(<n>)`
/// carries the raw code. `None` for a label no tool is known to write (the caller falls back
/// to the numeric `localType`).
pub(crate) fn kind_from_export_label(label: &str) -> Option<MessageKind> {
    let label = label.trim();
    let kind = match label {
        "文本消息" | "引用消息" | "群公告" | "群公告消息" | "接龙消息" => MessageKind::Text,
        "图片消息" => MessageKind::Image,
        "语音消息" => MessageKind::Voice,
        "视频消息" => MessageKind::Video,
        "名片消息" => MessageKind::Card,
        "位置消息" => MessageKind::Location,
        "链接消息" | "音乐消息" | "卡片式链接" | "图文消息" | "视频号直播卡片" | "视频号消息" => {
            MessageKind::Link
        }
        "文件消息" => MessageKind::File,
        "通话消息" => MessageKind::Call,
        "系统消息" => MessageKind::System,
        "撤回消息" => MessageKind::Recall,
        "转账消息" | "转账卡片" => MessageKind::Transfer,
        "红包消息" | "红包卡片" => MessageKind::RedPacket,
        "聊天记录" | "聊天记录合并转发" => MessageKind::Forward,
        "小程序消息" | "小程序分享" => MessageKind::MiniProgram,
        "拍一拍消息" => MessageKind::Pat,
        "其他消息" => MessageKind::Other,
        _ => {
            let code = label.strip_prefix("未知类型(").and_then(|r| r.strip_suffix(')'));
            return match code.and_then(parse_int) {
                Some(code) => Some(kind_from_codes(code, 0)),
                None => kind_from_type_name(label),
            };
        }
    };
    Some(kind)
}

/// Splits the `sender_wxid:\n` line WeChat 4.x / Mac / mobile put before group content (format
/// notes §1.2) into `(wxid, rest)`; `None` when the content has no such prefix.
pub(crate) fn split_sender_prefix(content: &str) -> Option<(&str, &str)> {
    let (prefix, rest) = split_colon_newline(content)?;
    let prefix = prefix.trim();
    (looks_like_wxid(prefix) && !prefix.ends_with("@chatroom")).then_some((prefix, rest))
}

/// Splits at the first `:\n` (memchr's substring search: most texts have none, and a
/// `str::split_once` pattern search of every text was a tenth of reading a WeFlow export).
fn split_colon_newline(s: &str) -> Option<(&str, &str)> {
    let at = memchr::memmem::find(s.as_bytes(), b":\n")?;
    Some((&s[..at], &s[at + 2..]))
}

/// A WeChat XML system message (`<sysmsg …>`), after any `wxid:\n` prefix: how PyWxDump and
/// WeFlow write the 10002 system messages they cannot label.
pub(crate) fn is_sysmsg_xml(content: &str) -> bool {
    if !content.contains('<') {
        return false;
    }
    let body = content.trim_start();
    let body = match split_colon_newline(body) {
        Some((prefix, rest)) if !prefix.contains(['<', ' ']) => rest.trim_start(),
        _ => body,
    };
    body.starts_with("<sysmsg")
}

/// Epoch seconds of an epoch number in seconds or milliseconds, if it falls in 2000–2099.
pub(crate) fn epoch_time(v: i64) -> Option<i64> {
    const PLAUSIBLE: std::ops::Range<i64> = 946_684_800..4_102_444_800;
    Some(epoch_to_seconds(v)).filter(|t| PLAUSIBLE.contains(t))
}

/// True for kinds whose content is a WeChat system line (joins, recalls, pats) that
/// [`super::wechat_sys`] should classify.
pub(crate) fn is_system_kind(kind: MessageKind) -> bool {
    matches!(kind, MessageKind::System | MessageKind::Recall | MessageKind::Pat)
}

/// The text worth storing for a message: media rows carry file paths, CDN URLs or raw XML in
/// their content column, which would bloat the text arena and pollute text analytics.
pub(crate) fn stored_text(kind: MessageKind, content: &str) -> &str {
    match kind {
        MessageKind::Text => content,
        MessageKind::Image
        | MessageKind::Voice
        | MessageKind::Video
        | MessageKind::Sticker
        | MessageKind::Call => "",
        _ if content.trim_start().starts_with('<') => "",
        _ => content,
    }
}

// ---------------------------------------------------------------------------------------
// Row helpers shared by the WeChat CSV readers.

/// Does the first line of `head` hold exactly these column names? Tolerates a BOM the decoder
/// left (a file saved twice), quotes around names and spaces, so Excel re-saves still sniff.
pub(crate) fn header_is(head: &str, columns: &[&str]) -> bool {
    let head = head.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n']);
    let line = head.split('\n').next().unwrap_or("");
    let mut fields = line.split(',').map(|f| f.trim().trim_matches('"').trim());
    columns.iter().all(|c| fields.next() == Some(c)) && fields.all(|f| f.is_empty())
}

/// Parses a decimal integer column without allocating; empty is `None`.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    let bytes = s.as_bytes();
    // Nearly every value: bare digits, nothing to trim or sign to read (three per row).
    if bytes.first().is_some_and(u8::is_ascii_digit) && bytes.last().is_some_and(u8::is_ascii_digit) {
        return decimal(bytes);
    }
    let s = s.trim_ascii();
    let (neg, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    decimal(digits.as_bytes()).map(|v| if neg { -v } else { v })
}

/// Up to 18 ASCII digits (so it cannot overflow); anything else is `None`.
fn decimal(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + i64::from(d);
    }
    Some(v)
}

/// Epoch seconds of a time column: an epoch number (seconds or milliseconds) or a local
/// wall-clock string of the exporting PC (`2024-03-01 10:00:00`, Excel's `2024/3/1 10:00`).
/// Epochs outside 2000–2099 are damage (a flipped digit), not times.
pub(crate) fn parse_time(s: &str, zone: &mut Zone) -> Option<i64> {
    const PLAUSIBLE: std::ops::Range<i64> = 946_684_800..4_102_444_800;
    if let Some(v) = parse_int(s) {
        return Some(epoch_to_seconds(v)).filter(|t| PLAUSIBLE.contains(t));
    }
    zone.to_epoch(parse_local(s)?)
}

/// A cell value for a skip reason: quoted, cut to 40 characters.
pub(crate) fn shown(value: &str) -> String {
    const MAX: usize = 40;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}", format!("{}…", &value[..cut])),
        None => format!("{value:?}"),
    }
}

/// Display names mentioned as `@name` + U+2005 (the four-per-em space WeChat inserts after
/// a mention). Empty (no allocation) for the common message without one.
pub(crate) fn mentions(text: &str) -> Vec<String> {
    static END_MARK: crate::text::Needle = crate::text::Needle::new("\u{2005}");
    let mut out = Vec::new();
    if !END_MARK.is_in(text) {
        return out;
    }
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        rest = &rest[at + 1..];
        let Some(end) = END_MARK.find(rest) else { break };
        let name = &rest[..end];
        // A mention never spans lines or another '@'; a long run is prose, not a name.
        if !name.is_empty() && name.chars().count() <= 64 && !name.contains(['@', '\n']) {
            out.push(name.to_string());
            rest = &rest[end..];
        }
    }
    out
}

/// Does a sender column hold a WeChat account id (wxid_…, an old custom id, a WeCom
/// `…@openim`) rather than a display name?
pub(crate) fn looks_like_wxid(s: &str) -> bool {
    if s.starts_with("wxid_") || s.ends_with("@openim") || s.ends_with("@chatroom") {
        return true;
    }
    let b = s.as_bytes();
    (6..=24).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
}

/// Is this an account id at all (ASCII, no spaces), however it is shaped? Pseudonymised
/// exports replace wxids with ids like `12345iru2zsmo22` that [`looks_like_wxid`] rejects.
fn looks_like_id(s: &str) -> bool {
    (3..=64).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_alphanumeric() || b"_-@.".contains(&c))
}

/// Learns the exporting account's id from its own rows, so its messages (`IsSender=1`) and
/// the "你"/"我" of system messages become one member.
///
/// Exports write the exporter's id on its rows, but a hand-edited WeChatMsg fixture shows
/// `IsSender=1` rows carrying the *peer's* id; an id first seen on someone else's row is
/// therefore never taken as the exporter's.
#[derive(Default)]
pub(crate) struct SelfId {
    id: Option<String>,
    first_other: Option<String>,
}

impl SelfId {
    /// Notes the sender id of a row written by someone else (only the first one is kept).
    pub(crate) fn other(&mut self, sender: &str) {
        if self.id.is_none() && self.first_other.is_none() && !sender.is_empty() {
            self.first_other = Some(sender.to_string());
        }
    }

    /// Notes the sender id on one of the exporter's own rows; the first plausible one becomes
    /// the exporter's id. True when `sender` is that id (its name columns can be trusted).
    pub(crate) fn own(&mut self, sender: &str, builder: &mut ModelBuilder, group: GroupId) -> bool {
        match &self.id {
            Some(id) => id == sender,
            None if looks_like_id(sender) && self.first_other.as_deref() != Some(sender) => {
                builder.identify_self(group, sender);
                self.id = Some(sender.to_string());
                true
            }
            None => false,
        }
    }

    /// The exporter's id, once a row told it.
    pub(crate) fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// State for a reader continuing a file whose exporter is already known to be `id` (its
    /// own rows then compare against `id` and nothing else).
    pub(crate) fn known(id: &str) -> Self {
        SelfId { id: Some(id.to_string()), first_other: None }
    }

    /// Who the exporter's rows are from: its id once known, else the anonymous self account.
    pub(crate) fn person(&self) -> PersonRef {
        match &self.id {
            Some(id) => PersonRef::Id(id.clone()),
            None => PersonRef::SelfAccount,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_cover_the_documented_table() {
        use MessageKind::*;
        let cases = [
            ((1, 0), Text),
            ((3, 0), Image),
            ((34, 0), Voice),
            ((42, 0), Card),
            ((43, 0), Video),
            ((47, 0), Sticker),
            ((48, 0), Location),
            ((49, 1), Text),
            ((49, 3), Link),
            ((49, 5), Link),
            ((49, 6), File),
            ((49, 8), Sticker),
            ((49, 19), Forward),
            ((49, 33), MiniProgram),
            ((49, 36), MiniProgram),
            ((49, 57), Text),
            ((49, 62), Pat),
            ((49, 2000), Transfer),
            ((49, 2001), RedPacket),
            ((49, 9999), Other),
            ((50, 0), Call),
            ((10000, 0), System),
            ((10000, 4), Pat),
            ((10000, 57), Recall),
            ((10000, 8000), System),
            ((10002, 0), System),
            ((37, 0), Other),
            ((244813135921, 0), Text),
        ];
        for ((ty, sub), want) in cases {
            assert_eq!(kind_from_codes(ty, sub), want, "({ty},{sub})");
        }
    }

    #[test]
    fn v4_local_type_is_split_into_low_and_high_words() {
        use MessageKind::*;
        for (v, want) in [
            (244813135921, Text),       // quote, sub 57
            (266287972401, Pat),        // sub 62
            (8594229559345, RedPacket), // sub 2001
            (8589934592049, Transfer),  // sub 2000
            (17179869233, Link),        // sub 4
            (21474836529, Link),        // sub 5
            (154618822705, MiniProgram),
            (81604378673, Forward),
            (25769803825, File),
            (1, Text),
            (10000, System),
        ] {
            assert_eq!(kind_from_local_type(v), want, "{v}");
        }
    }

    #[test]
    fn type_name_labels() {
        use MessageKind::*;
        for (label, want) in [
            ("文本", Text),
            ("图片", Image),
            ("引用回复", Text),
            ("系统通知", System),
            ("拍一拍", Pat),
            ("邀请加群", System),
            ("转账", Transfer),
            ("红包", RedPacket),
            ("文件", File),
            ("动画表情", Sticker),
            ("卡片式链接", Link),
            ("(分享)卡片式链接", Link),
            ("语音", Voice),
            ("视频", Video),
            ("位置", Location),
            ("名片", Card),
            ("(分享)小程序", MiniProgram),
            ("合并转发的聊天记录", Forward),
            ("消息撤回1", Recall),
            ("消息撤回57", Recall),
            ("未知", Other),
            ("未知-11000,0", Other),
            (" 文本 ", Text),
        ] {
            assert_eq!(kind_from_type_name(label), Some(want), "{label}");
        }
        assert_eq!(kind_from_type_name("不存在的类型"), None);
    }

    #[test]
    fn export_labels_and_prefixes() {
        use MessageKind::*;
        for (label, want) in [
            ("文本消息", Text),
            ("引用消息", Text),
            ("红包卡片", RedPacket),
            ("转账消息", Transfer),
            ("拍一拍消息", Pat),
            ("系统消息", System),
            ("聊天记录合并转发", Forward),
            ("小程序分享", MiniProgram),
            ("未知类型(48)", Location),
            ("未知类型(244813135921)", Text),
            ("图片", Image),
        ] {
            assert_eq!(kind_from_export_label(label), Some(want), "{label}");
        }
        assert_eq!(kind_from_export_label("胡乱"), None);
        assert_eq!(split_sender_prefix("wxid_abc123:\n你好"), Some(("wxid_abc123", "你好")));
        assert_eq!(split_sender_prefix("123@chatroom:\n<sysmsg/>"), None);
        assert_eq!(split_sender_prefix("注意:\n下午开会"), None);
        assert_eq!(split_sender_prefix("\n wxid_abc123 :\n你好:\n"), Some(("wxid_abc123", "你好:\n")));
        assert!(is_sysmsg_xml("  <sysmsg type=\"pat\"/>"));
        assert!(is_sysmsg_xml("123@chatroom:\n <sysmsg type=\"pat\"/>"));
        assert!(!is_sysmsg_xml("a b:\n<sysmsg/>"), "a prefix with a space is not a sender");
        assert!(!is_sysmsg_xml("sysmsg, no tag"));
        assert_eq!(epoch_time(1709258400000), Some(1709258400));
        assert_eq!(epoch_time(12), None);
    }

    #[test]
    fn header_sniff_tolerates_bom_quotes_and_spaces() {
        let cols = ["a", "b", "c"];
        assert!(header_is("a,b,c\r\n1,2,3", &cols));
        assert!(header_is("\u{FEFF}\"a\", \"b\" ,c\n", &cols));
        assert!(header_is("a,b,c", &cols));
        assert!(header_is("a,b,c,,\n", &cols), "Excel pads empty columns");
        assert!(!header_is("a,b\n", &cols));
        assert!(!header_is("a,b,c,d\n", &cols));
        assert!(!header_is("x\na,b,c\n", &cols));
    }

    #[test]
    fn ints_times_and_shown_values() {
        assert_eq!(parse_int(" 42 "), Some(42));
        assert_eq!(parse_int("-7"), Some(-7));
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("4x"), None);
        assert_eq!(parse_int("99999999999999999999"), None, "overflow is not a number");
        assert_eq!(parse_int("123456789012345678"), Some(123456789012345678));
        assert_eq!(parse_int("4 2"), None, "digits at both ends, not between");
        assert_eq!(parse_int("1:2"), None, "the byte after '9'");
        assert_eq!(parse_int("1/2"), None, "the byte before '0'");
        assert_eq!((parse_int("007"), parse_int("+5"), parse_int("-"), parse_int(" ")), (Some(7), Some(5), None, None));
        let mut z = Zone::new("Asia/Shanghai").unwrap();
        assert_eq!(parse_time("1709258400", &mut z), Some(1709258400));
        assert_eq!(parse_time("1709258400000", &mut z), Some(1709258400));
        assert_eq!(parse_time("2024-03-01 10:00:00", &mut z), Some(1709258400));
        assert_eq!(parse_time("2024/3/1 10:00", &mut z), Some(1709258400));
        assert_eq!(parse_time("昨天", &mut z), None);
        assert_eq!(parse_time("0", &mut z), None);
        assert_eq!(parse_time("17092584000000000", &mut z), None, "year 50000 is damage");
        assert_eq!(shown("abc"), "\"abc\"");
        let long = "长".repeat(50);
        assert_eq!(shown(&long), format!("\"{}…\"", "长".repeat(40)));
    }

    #[test]
    fn mentions_end_with_four_per_em_space() {
        assert_eq!(mentions("？@小王\u{2005}看一下 @李 四\u{2005}"), vec!["小王", "李 四"]);
        assert_eq!(mentions("@所有人\u{2005}今晚开会"), vec!["所有人"]);
        assert!(mentions("mail a@b.com").is_empty());
        assert!(mentions("a@b\nc\u{2005}").is_empty(), "never across lines");
    }

    #[test]
    fn wxid_shapes() {
        for s in ["wxid_abc123", "qq123456789", "lizhuohuan", "1688851234@openim", "a_b-c1d"] {
            assert!(looks_like_wxid(s), "{s}");
        }
        for s in ["小王", "我", "Tom", "", "张 三", "b'\\x08'"] {
            assert!(!looks_like_wxid(s), "{s}");
        }
    }

    #[test]
    fn self_id_ignores_the_peers_id_on_an_own_row() {
        let mut b = ModelBuilder::new();
        let g = b.group(crate::model::Platform::WeChat, "g", None);
        let mut s = SelfId::default();
        s.other("wxid_peer");
        assert!(!s.own("wxid_peer", &mut b, g));
        assert_eq!(s.person(), PersonRef::SelfAccount);
        assert!(!s.own("我自己", &mut b, g), "a display name is no id");
        assert!(s.own("wxid_me", &mut b, g));
        assert!(!s.own("wxid_peer", &mut b, g));
        assert_eq!(s.person(), PersonRef::Id("wxid_me".into()));
        let m = b.finish();
        assert_eq!(m.members.len(), 1);
        assert!(m.members[0].is_self);
        assert_eq!(m.members[0].platform_id.as_deref(), Some("wxid_me"));
    }
}
