//! WeChat system messages (type 10000 grey text, type 10002 `<sysmsg>` XML) → membership
//! events, group renames, recalls, pats.
//!
//! Joins, invitations, QR-code joins and removals are visible *only* here (format notes §1.4),
//! and they are what attribution runs on ("which SDR invited this lead?"). Two carriers exist:
//!
//! * plain text such as `"A"邀请"B、C"加入了群聊`: nicknames only, and `、` both separates
//!   invitees and may occur inside one nickname, so splitting is a best guess;
//! * XML (`sysmsgtemplate` with `$username$`/`$names$`/`$adder$`/`$from$`/`$kickoutname$`
//!   links listing wxid + nickname, or `delchatroommember` with a `memberlist` of wxids): exact
//!   people, so it is preferred whenever present.
//!
//! Both go through one set of sentence patterns: an XML template *is* the sentence with
//! `$link$` placeholders, so matching the template and resolving placeholders to the link's
//! members gives the XML form for free. "你"/"You" is the exporting account
//! ([`PersonRef::SelfAccount`]).

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::wechat_types::looks_like_wxid;
use crate::model::{
    GroupId, JoinMethod, MembershipEvent, MembershipKind, MessageKind, ModelBuilder, NewMessage, PersonRef,
};

/// A person a system message names: an id when the XML gives one (with the nickname beside
/// it), otherwise a display name, "you", or the system.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Person {
    pub who: PersonRef,
    /// The nickname the XML gives beside an id (plain-text names are in `who`).
    pub name: Option<String>,
}

impl Person {
    fn you() -> Person {
        Person { who: PersonRef::SelfAccount, name: None }
    }

    fn named(name: &str) -> Person {
        Person { who: PersonRef::Name(name.to_string()), name: None }
    }
}

/// What a system message says happened.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SysEvent {
    Join { members: Vec<Person>, inviter: Option<Person>, method: JoinMethod },
    Removed { members: Vec<Person>, by: Option<Person> },
    Renamed { by: Option<Person>, name: String },
    Recalled { by: Option<Person> },
    Pat { from: Option<Person>, to: Option<Person> },
    RedPacketClaimed { by: Option<Person> },
}

/// A classified system message: its kind, readable text (markup stripped, templates
/// rendered), and the event it states, if one was recognised.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SysMessage {
    pub kind: MessageKind,
    pub text: String,
    pub event: Option<SysEvent>,
}

/// Classifies and records one system message: the message itself (sender
/// [`PersonRef::System`]), its membership events, names the XML gives, and a group rename.
/// `code_kind` is the kind the type code says (System, Recall or Pat); it stands when the
/// content states nothing recognisable.
pub(crate) fn record(
    builder: &mut ModelBuilder,
    group: GroupId,
    time: i64,
    content: &str,
    code_kind: MessageKind,
) {
    let msg = classify(content);
    let kind = if msg.event.is_some() { msg.kind } else { code_kind };
    if let Some(event) = &msg.event {
        apply(builder, group, time, event);
    }
    builder.message(NewMessage {
        time,
        group,
        sender: &PersonRef::System,
        sender_name: None,
        kind,
        text: &msg.text,
        quote: None,
        mentions: Vec::new(),
    });
}

/// Classifies a system message's content (plain text or XML, with or without the
/// `…@chatroom:\n` prefix WeChat 4.x puts on system messages).
pub(crate) fn classify(content: &str) -> SysMessage {
    let body = strip_chat_prefix(content).trim();
    if is_xml(body) {
        return classify_xml(body);
    }
    let text = readable(body);
    let event = parse_sentence(&text, &[]);
    SysMessage { kind: kind_of(event.as_ref()), text: text.into_owned(), event }
}

fn kind_of(event: Option<&SysEvent>) -> MessageKind {
    match event {
        Some(SysEvent::Recalled { .. }) => MessageKind::Recall,
        Some(SysEvent::Pat { .. }) => MessageKind::Pat,
        _ => MessageKind::System,
    }
}

fn apply(builder: &mut ModelBuilder, group: GroupId, time: i64, event: &SysEvent) {
    let hint = |b: &mut ModelBuilder, p: Option<&Person>| {
        if let Some(Person { who, name: Some(name) }) = p {
            b.name_hint(group, who, name, time);
        }
    };
    let (members, actor, kind, method) = match event {
        SysEvent::Join { members, inviter, method } => {
            (members, inviter, MembershipKind::Join, Some(*method))
        }
        SysEvent::Removed { members, by } => (members, by, MembershipKind::Removed, None),
        SysEvent::Renamed { by, name } => {
            hint(builder, by.as_ref());
            builder.rename_group(group, name);
            return;
        }
        SysEvent::Recalled { by } | SysEvent::RedPacketClaimed { by } => return hint(builder, by.as_ref()),
        SysEvent::Pat { from, to } => {
            hint(builder, from.as_ref());
            return hint(builder, to.as_ref());
        }
    };
    hint(builder, actor.as_ref());
    for m in members {
        hint(builder, Some(m));
        builder.membership(MembershipEvent {
            time,
            group,
            member: m.who.clone(),
            kind,
            method,
            actor: actor.as_ref().map(|a| a.who.clone()),
        });
    }
}

/// Drops the `<chatroom or wxid>:\n` line WeChat 4.x / Mac / mobile put before content.
fn strip_chat_prefix(content: &str) -> &str {
    let Some(at) = content.find(":\n") else { return content };
    let prefix = content[..at].trim();
    if looks_like_wxid(prefix) && !prefix.contains(char::is_whitespace) {
        &content[at + 2..]
    } else {
        content
    }
}

fn is_xml(body: &str) -> bool {
    body.starts_with("<sysmsg") || body.starts_with("<?xml") || body.starts_with("<msg")
}

/// Removes the markup WeChat mixes into grey text (`<img …/>`, `<_wc_custom_link_ …>`,
/// `<a …>`, `<revokemsg>`, CDATA wrappers) keeping the words, as WeChatMsg's HTML exporter does.
fn readable(text: &str) -> Cow<'_, str> {
    if !text.contains('<') && !text.contains("]]>") {
        return Cow::Borrowed(text);
    }
    const TAGS: &[&str] = &["img", "_wc_custom_link_", "a ", "a>", "revoke"];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tag = &rest[lt + 1..];
        let tag_body = tag.strip_prefix('/').unwrap_or(tag);
        if let Some(inside) = tag.strip_prefix("![CDATA[") {
            rest = inside;
        } else if TAGS.iter().any(|t| tag_body.starts_with(t)) {
            match tag.find('>') {
                Some(gt) => rest = &tag[gt + 1..],
                None => rest = "",
            }
        } else {
            out.push('<');
            rest = tag;
        }
    }
    out.push_str(rest);
    Cow::Owned(out.replace("]]>", "").trim().to_string())
}

// ---------------------------------------------------------------------------------------
// Sentences (plain text and XML templates).

/// Who fills a role in a sentence pattern.
#[derive(Clone, Copy)]
enum Who {
    /// Capture `i`, one person.
    One(usize),
    /// Capture `i`, a `、`-separated list (Chinese client).
    List(usize),
    /// Capture `i`, a `, `-separated list (English client).
    EnList(usize),
    /// The exporting account.
    You,
    /// The exporting account and the `、` list in capture `i`.
    YouAnd(usize),
    /// The exporting account and the `, ` list in capture `i`.
    EnYouAnd(usize),
    Nobody,
}

#[derive(Clone, Copy)]
enum Shape {
    Join { members: Who, inviter: Who, method: JoinMethod },
    Removed { members: Who, by: Who },
    Renamed { by: Who, name: usize },
}

/// Sentence patterns, most specific first; `{}` is a capture. A capture ends at the next
/// literal's first occurrence, the last one at its last occurrence (so a closing quote inside
/// a group name stays in the name), and anything after the final literal is allowed
/// (`，并分享了…`, `，群聊参与人还有：…`, trailing spaces).
const PATTERNS: &[(&str, Shape)] = {
    use JoinMethod::{Invite, QrCode};
    use Shape::{Join, Removed, Renamed};
    use Who::*;
    &[
        ("你邀请\"{}\"加入了群聊", Join { members: List(0), inviter: You, method: Invite }),
        ("\"{}\"邀请你和\"{}\"加入了群聊", Join { members: YouAnd(1), inviter: One(0), method: Invite }),
        ("\"{}\"邀请你加入了群聊", Join { members: You, inviter: One(0), method: Invite }),
        ("\"{}\"邀请\"{}\"加入了群聊", Join { members: List(1), inviter: One(0), method: Invite }),
        ("你通过扫描\"{}\"分享的二维码加入群聊", Join { members: You, inviter: One(0), method: QrCode }),
        // A QR code admits one person, so a `、` inside these quotes is part of the name.
        ("\"{}\"通过扫描你分享的二维码加入群聊", Join { members: One(0), inviter: You, method: QrCode }),
        (
            "\"{}\"通过扫描\"{}\"分享的二维码加入群聊",
            Join { members: One(0), inviter: One(1), method: QrCode },
        ),
        ("\"{}\"通过\"{}\"的邀请二维码加入群聊", Join { members: One(0), inviter: One(1), method: QrCode }),
        ("\"{}\"通过扫描二维码加入群聊", Join { members: One(0), inviter: Nobody, method: QrCode }),
        ("{}通过扫描二维码加入群聊", Join { members: One(0), inviter: Nobody, method: QrCode }),
        ("你将\"{}\"移出了群聊", Removed { members: List(0), by: You }),
        ("\"{}\"将\"{}\"移出了群聊", Removed { members: List(1), by: One(0) }),
        ("你被\"{}\"移出群聊", Removed { members: You, by: One(0) }),
        ("你修改群名为“{}”", Renamed { by: You, name: 0 }),
        ("\"{}\"修改群名为“{}”", Renamed { by: One(0), name: 1 }),
        ("你修改群名为\"{}\"", Renamed { by: You, name: 0 }),
        ("\"{}\"修改群名为\"{}\"", Renamed { by: One(0), name: 1 }),
        // English client.
        ("You invited {} to the group chat", Join { members: EnList(0), inviter: You, method: Invite }),
        (
            "\"{}\" joined group chat via the QR code you shared",
            Join { members: One(0), inviter: You, method: QrCode },
        ),
        (
            "\"{}\" joined the group chat via the QR Code shared by \"{}\"",
            Join { members: One(0), inviter: One(1), method: QrCode },
        ),
        (
            "{} invited you and {} to the group chat",
            Join { members: EnYouAnd(1), inviter: One(0), method: Invite },
        ),
        ("{} invited you to a group chat", Join { members: You, inviter: One(0), method: Invite }),
        ("{} invited you to the group chat", Join { members: You, inviter: One(0), method: Invite }),
        ("{} invited {} to the group chat", Join { members: EnList(1), inviter: One(0), method: Invite }),
        ("You removed \"{}\" from the group chat", Removed { members: EnList(0), by: You }),
        ("You were removed from the group chat by \"{}\"", Removed { members: You, by: One(0) }),
        ("\"{}\" removed \"{}\" from the group chat", Removed { members: EnList(1), by: One(0) }),
        ("You changed the group name to \"{}\"", Renamed { by: You, name: 0 }),
        ("\"{}\" changed the group name to \"{}\"", Renamed { by: One(0), name: 1 }),
    ]
};

/// Recognises the event a sentence (plain text or XML template) states. `links` resolves
/// `$name$` placeholders of a template to the people the XML lists.
fn parse_sentence(text: &str, links: &[Link]) -> Option<SysEvent> {
    let text = text.trim();
    if let Some(event) = recall(text, links).or_else(|| pat(text, links)).or_else(|| red_packet(text, links))
    {
        return Some(event);
    }
    PATTERNS.iter().find_map(|(pattern, shape)| {
        let caps = captures(text, pattern)?;
        build(*shape, &caps, links)
    })
}

fn build(shape: Shape, caps: &[&str], links: &[Link]) -> Option<SysEvent> {
    let event = match shape {
        Shape::Join { members, inviter, method } => {
            let members = who(members, caps, links);
            if members.is_empty() {
                return None;
            }
            SysEvent::Join { members, inviter: who(inviter, caps, links).into_iter().next(), method }
        }
        Shape::Removed { members, by } => {
            let members = who(members, caps, links);
            if members.is_empty() {
                return None;
            }
            SysEvent::Removed { members, by: who(by, caps, links).into_iter().next() }
        }
        Shape::Renamed { by, name } => SysEvent::Renamed {
            by: who(by, caps, links).into_iter().next(),
            name: caps.get(name)?.to_string(),
        },
    };
    Some(event)
}

fn who(role: Who, caps: &[&str], links: &[Link]) -> Vec<Person> {
    let cap = |i: usize| caps.get(i).copied().unwrap_or("");
    match role {
        Who::One(i) => people(cap(i), None, links),
        Who::List(i) => people(cap(i), Some("、"), links),
        Who::EnList(i) => people(cap(i), Some(", "), links),
        Who::You => vec![Person::you()],
        Who::YouAnd(i) => std::iter::once(Person::you()).chain(people(cap(i), Some("、"), links)).collect(),
        Who::EnYouAnd(i) => std::iter::once(Person::you()).chain(people(cap(i), Some(", "), links)).collect(),
        Who::Nobody => Vec::new(),
    }
}

/// The people a capture names: a template placeholder's link members, "you", or display
/// names (split on `sep` when the sentence lists several).
fn people(cap: &str, sep: Option<&str>, links: &[Link]) -> Vec<Person> {
    let cap = unquote(cap);
    if !links.is_empty() {
        if let Some(name) = cap.strip_prefix('$').and_then(|c| c.strip_suffix('$')) {
            // A template placeholder: its link's people, or nobody if the XML lacks the link.
            return links.iter().find(|l| l.name == name).map(Link::people).unwrap_or_default();
        }
    }
    if is_you(cap) {
        return vec![Person::you()];
    }
    match sep {
        Some(sep) => cap.split(sep).map(unquote).filter(|n| !n.is_empty()).map(Person::named).collect(),
        None if cap.is_empty() => Vec::new(),
        None => vec![Person::named(cap)],
    }
}

fn is_you(s: &str) -> bool {
    matches!(s, "你" | "我" | "You" | "you")
}

fn unquote(s: &str) -> &str {
    s.trim().trim_matches(['"', '“', '”']).trim()
}

/// A person named before a keyword (`"A" 撤回了一条消息`, `你领取了…`).
fn actor(before: &str, links: &[Link]) -> Option<Person> {
    people(before, None, links).into_iter().next()
}

fn recall(text: &str, links: &[Link]) -> Option<SysEvent> {
    let before = match text.find("撤回了一条消息") {
        Some(at) => &text[..at],
        None => {
            let at = text.find("recalled a message")?;
            text[..at].trim_end().trim_end_matches(" has")
        }
    };
    Some(SysEvent::Recalled { by: actor(before, links) })
}

/// `"A" 拍了拍 "B"`, `"A" 拍了拍我`, `我拍了拍"B"`, with optional suffix (`"B" 的肩膀`).
fn pat(text: &str, links: &[Link]) -> Option<SysEvent> {
    let at = text.find("拍了拍")?;
    let target = text[at + "拍了拍".len()..].trim_start();
    let to = if target.starts_with('我') || target.starts_with('你') {
        Some(Person::you())
    } else if let Some(quoted) = target.strip_prefix('"') {
        quoted.find('"').and_then(|end| actor(&quoted[..end], links))
    } else {
        None
    };
    Some(SysEvent::Pat { from: actor(&text[..at], links), to })
}

/// `X领取了你的红包` / `你领取了X的红包` (markup already stripped).
fn red_packet(text: &str, links: &[Link]) -> Option<SysEvent> {
    let at = text.find("领取了")?;
    if !text[at..].contains("红包") {
        return None;
    }
    Some(SysEvent::RedPacketClaimed { by: actor(&text[..at], links) })
}

/// Splits `text` by `pattern` (literals with `{}` captures); `None` unless it matches from
/// the start and every capture is non-empty.
fn captures<'a>(text: &'a str, pattern: &str) -> Option<Vec<&'a str>> {
    let mut pieces = pattern.split("{}");
    let mut rest = text.strip_prefix(pieces.next()?)?;
    let pieces: Vec<&str> = pieces.collect();
    let mut caps = Vec::with_capacity(pieces.len());
    for (i, piece) in pieces.iter().enumerate() {
        let last = i + 1 == pieces.len();
        if piece.is_empty() {
            if !last {
                return None;
            }
            caps.push(rest.trim());
            rest = "";
        } else {
            let at = if last { rest.rfind(piece)? } else { rest.find(piece)? };
            caps.push(rest[..at].trim());
            rest = &rest[at + piece.len()..];
        }
    }
    caps.iter().all(|c| !unquote(c).is_empty()).then_some(caps)
}

// ---------------------------------------------------------------------------------------
// XML.

/// A `<link name="…">` of a `sysmsgtemplate`: the people a `$name$` placeholder stands for.
#[derive(Clone, Debug, Default, PartialEq)]
struct Link {
    name: String,
    /// (wxid, nickname) of each `<member>`.
    members: Vec<(String, String)>,
    separator: Option<String>,
}

impl Link {
    fn people(&self) -> Vec<Person> {
        self.members
            .iter()
            .filter(|(id, _)| !id.is_empty())
            .map(|(id, nick)| Person {
                who: PersonRef::Id(id.clone()),
                name: (!nick.trim().is_empty()).then(|| nick.trim().to_string()),
            })
            .collect()
    }

    fn rendered(&self) -> String {
        let names: Vec<&str> = self
            .members
            .iter()
            .map(|(id, nick)| if nick.is_empty() { id.as_str() } else { nick.as_str() })
            .collect();
        names.join(self.separator.as_deref().unwrap_or("、"))
    }
}

/// The parts of a `<sysmsg>` (or `<msg>`) document the classifier reads.
#[derive(Debug, Default)]
struct SysXml {
    /// `<sysmsg type="…">`.
    kind: String,
    template: Option<String>,
    /// The first readable sentence: `plain`, `text`, `replacemsg`, `content`, `title`.
    plain: Option<String>,
    links: Vec<Link>,
    /// `delchatroommember` memberlist usernames (no nicknames in that form).
    usernames: Vec<String>,
    scene: Option<String>,
    pat_from: Option<String>,
    pat_to: Option<String>,
}

fn classify_xml(xml: &str) -> SysMessage {
    let x = parse_xml(xml);
    if x.kind == "pat" || x.pat_from.is_some() {
        let person = |id: &Option<String>| id.as_deref().filter(|s| !s.is_empty()).map(id_person);
        let event = SysEvent::Pat { from: person(&x.pat_from), to: person(&x.pat_to) };
        let text = x.template.as_deref().map(render_pat).unwrap_or_else(|| "拍了拍".to_string());
        return SysMessage { kind: MessageKind::Pat, text, event: Some(event) };
    }
    if let Some(template) = x.template.as_deref() {
        let event = parse_sentence(template, &x.links);
        return SysMessage {
            kind: kind_of(event.as_ref()),
            text: render_template(template, &x.links),
            event,
        };
    }
    let text = readable(x.plain.as_deref().unwrap_or("")).into_owned();
    let mut event = parse_sentence(&text, &[]);
    if !x.usernames.is_empty() {
        event = with_ids(event, &x.usernames, x.scene.as_deref());
    }
    if event.is_none() && x.kind == "revokemsg" {
        event = Some(SysEvent::Recalled { by: None });
    }
    SysMessage { kind: kind_of(event.as_ref()), text, event }
}

fn id_person(id: &str) -> Person {
    Person { who: PersonRef::Id(id.to_string()), name: None }
}

/// Gives the people of a `delchatroommember` sentence their wxids from the memberlist: paired
/// with the names when the counts agree (the sentence's `、` split was right), otherwise the
/// ids alone, which are exact.
fn with_ids(event: Option<SysEvent>, usernames: &[String], scene: Option<&str>) -> Option<SysEvent> {
    let scene_method = match scene.map(str::trim) {
        Some("qrcode") => Some(JoinMethod::QrCode),
        Some("invite") => Some(JoinMethod::Invite),
        _ => None,
    };
    let pair = |members: Vec<Person>| -> Vec<Person> {
        let names: Vec<&str> = members
            .iter()
            .filter_map(|m| match &m.who {
                PersonRef::Name(n) => Some(n.as_str()),
                _ => None,
            })
            .collect();
        let paired = names.len() == usernames.len() && names.len() == members.len();
        usernames
            .iter()
            .enumerate()
            .map(|(i, id)| Person {
                who: PersonRef::Id(id.clone()),
                name: if paired { names.get(i).map(|n| n.to_string()) } else { None },
            })
            .collect()
    };
    match event {
        Some(SysEvent::Join { members, inviter, method }) => {
            Some(SysEvent::Join { members: pair(members), inviter, method: scene_method.unwrap_or(method) })
        }
        Some(SysEvent::Removed { members, by }) => Some(SysEvent::Removed { members: pair(members), by }),
        // The sentence was not understood, but this form only announces your own invitations
        // and QR codes.
        None => scene_method.map(|method| SysEvent::Join {
            members: pair(Vec::new()),
            inviter: Some(Person::you()),
            method,
        }),
        other => other,
    }
}

/// `"$username$"邀请"$names$"加入了群聊` → `"小王"邀请"小李、小张"加入了群聊`.
fn render_template(template: &str, links: &[Link]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('$') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('$') else { break };
        let name = &after[..end];
        out.push_str(&rest[..start]);
        match links.iter().find(|l| l.name == name) {
            Some(link) => out.push_str(&link.rendered()),
            None => out.push_str(&rest[start..start + end + 2]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// `"${wxid_a}" 拍了拍我` → `"wxid_a" 拍了拍我` (the pat XML names people by wxid only).
fn render_pat(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            rest = after;
            break;
        };
        let inner = &after[..end];
        // `${wxid}${fromusername@textstatusicon}`: keep the id, drop decorations.
        if !inner.contains('@') {
            out.push_str(inner);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn parse_xml(xml: &str) -> SysXml {
    let mut out = SysXml::default();
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let decoder = reader.decoder();
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                text.clear();
                out.open(&e, decoder);
                stack.push(e.local_name().as_ref().to_vec());
            }
            Ok(Event::Empty(e)) => out.open(&e, decoder),
            Ok(Event::Text(t)) => text.push_str(&t.decode().unwrap_or_default()),
            Ok(Event::CData(t)) => text.push_str(&t.decode().unwrap_or_default()),
            Ok(Event::GeneralRef(r)) => match r.resolve_char_ref() {
                Ok(Some(c)) => text.push(c),
                _ => {
                    let name = r.decode().unwrap_or_default();
                    text.push_str(quick_xml::escape::resolve_predefined_entity(&name).unwrap_or(""));
                }
            },
            Ok(Event::End(_)) => {
                let Some(name) = stack.pop() else { continue };
                let parent = stack.last().map(Vec::as_slice).unwrap_or(b"");
                out.close(&name, parent, std::mem::take(&mut text));
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out
}

impl SysXml {
    fn open(&mut self, e: &BytesStart<'_>, decoder: quick_xml::encoding::Decoder) {
        let attr = |key: &[u8]| -> String {
            e.try_get_attribute(key)
                .ok()
                .flatten()
                .and_then(|a| a.decode_and_unescape_value(decoder).ok())
                .map(Cow::into_owned)
                .unwrap_or_default()
        };
        match e.local_name().as_ref() {
            b"sysmsg" => self.kind = attr(b"type"),
            b"link" => self.links.push(Link { name: attr(b"name"), ..Link::default() }),
            b"member" => {
                if let Some(link) = self.links.last_mut() {
                    link.members.push(Default::default());
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &[u8], parent: &[u8], text: String) {
        let value = text.trim();
        match name {
            b"template" if !value.is_empty() => self.template = Some(value.to_string()),
            b"plain" | b"text" | b"replacemsg" | b"content" | b"title"
                if parent != b"link" && !value.is_empty() && self.plain.is_none() =>
            {
                self.plain = Some(value.to_string())
            }
            b"username" if parent == b"member" => {
                if let Some(m) = self.links.last_mut().and_then(|l| l.members.last_mut()) {
                    m.0 = value.to_string();
                }
            }
            b"username" if parent == b"memberlist" && !value.is_empty() => {
                self.usernames.push(value.to_string())
            }
            b"nickname" if parent == b"member" => {
                if let Some(m) = self.links.last_mut().and_then(|l| l.members.last_mut()) {
                    m.1 = value.to_string();
                }
            }
            b"separator" => {
                if let Some(link) = self.links.last_mut() {
                    link.separator = Some(text);
                }
            }
            b"scene" => self.scene = Some(value.to_string()),
            b"fromusername" if parent == b"pat" => self.pat_from = Some(value.to_string()),
            b"pattedusername" => self.pat_to = Some(value.to_string()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use JoinMethod::*;

    fn name(n: &str) -> Person {
        Person::named(n)
    }

    fn id(i: &str, nick: &str) -> Person {
        Person { who: PersonRef::Id(i.into()), name: Some(nick.into()) }
    }

    fn you() -> Person {
        Person::you()
    }

    fn event(content: &str) -> SysEvent {
        classify(content).event.unwrap_or_else(|| panic!("no event in {content:?}"))
    }

    fn join(members: Vec<Person>, inviter: Option<Person>, method: JoinMethod) -> SysEvent {
        SysEvent::Join { members, inviter, method }
    }

    #[test]
    fn plain_invites() {
        assert_eq!(
            event("\"成员A\"邀请\"成员B\"加入了群聊"),
            join(vec![name("成员B")], Some(name("成员A")), Invite)
        );
        assert_eq!(
            event("\"成员A\"邀请\"成员B、成员C\"加入了群聊"),
            join(vec![name("成员B"), name("成员C")], Some(name("成员A")), Invite)
        );
        assert_eq!(
            event("\"成员A\"邀请你加入了群聊，群聊参与人还有：成员C、成员D、成员E"),
            join(vec![you()], Some(name("成员A")), Invite)
        );
        assert_eq!(
            event("\"成员A\"邀请你和\"成员B\"加入了群聊"),
            join(vec![you(), name("成员B")], Some(name("成员A")), Invite)
        );
        assert_eq!(event("你邀请\"成员B\"加入了群聊  "), join(vec![name("成员B")], Some(you()), Invite));
    }

    #[test]
    fn plain_qr_joins_keep_one_person_and_trim_the_leading_space() {
        assert_eq!(
            event("\" 成员B、成员B的英文名\"通过扫描\"成员A\"分享的二维码加入群聊"),
            join(vec![name("成员B、成员B的英文名")], Some(name("成员A")), QrCode)
        );
        assert_eq!(
            event("\"成员B\"通过扫描你分享的二维码加入群聊"),
            join(vec![name("成员B")], Some(you()), QrCode)
        );
        assert_eq!(
            event("你通过扫描\"成员A\"分享的二维码加入群聊"),
            join(vec![you()], Some(name("成员A")), QrCode)
        );
        assert_eq!(
            event("\"新人\"通过\"老王\"的邀请二维码加入群聊"),
            join(vec![name("新人")], Some(name("老王")), QrCode)
        );
        assert_eq!(event("小明通过扫描二维码加入群聊"), join(vec![name("小明")], None, QrCode));
    }

    #[test]
    fn plain_removals_and_renames() {
        assert_eq!(
            event("你将\"广告哥\"移出了群聊"),
            SysEvent::Removed { members: vec![name("广告哥")], by: Some(you()) }
        );
        assert_eq!(
            event("\"群主\"将\"广告哥\"移出了群聊"),
            SysEvent::Removed { members: vec![name("广告哥")], by: Some(name("群主")) }
        );
        assert_eq!(
            event("你被\"群主\"移出群聊"),
            SysEvent::Removed { members: vec![you()], by: Some(name("群主")) }
        );
        assert_eq!(
            event("\"群主\"修改群名为“财税交流“2群”"),
            SysEvent::Renamed { by: Some(name("群主")), name: "财税交流“2群".into() }
        );
        assert_eq!(
            event("你修改群名为“新名字”"),
            SysEvent::Renamed { by: Some(you()), name: "新名字".into() }
        );
    }

    #[test]
    fn english_client_variants() {
        assert_eq!(
            event("李卓桓 invited 李佳芮, Huan to the group chat"),
            join(vec![name("李佳芮"), name("Huan")], Some(name("李卓桓")), Invite)
        );
        assert_eq!(
            event("李卓桓 invited you to a group chat with "),
            join(vec![you()], Some(name("李卓桓")), Invite)
        );
        assert_eq!(
            event("李卓桓 invited you and Huan to the group chat"),
            join(vec![you(), name("Huan")], Some(name("李卓桓")), Invite)
        );
        assert_eq!(
            event("You invited 卓桓、Zhuohuan, 李佳芮 to the group chat.   "),
            join(vec![name("卓桓、Zhuohuan"), name("李佳芮")], Some(you()), Invite)
        );
        assert_eq!(
            event("\"卓桓、Zhuohuan\" joined the group chat via the QR Code shared by \"李佳芮\"."),
            join(vec![name("卓桓、Zhuohuan")], Some(name("李佳芮")), QrCode)
        );
        assert_eq!(
            event("\"李佳芮\" joined group chat via the QR code you shared.  "),
            join(vec![name("李佳芮")], Some(you()), QrCode)
        );
        assert_eq!(
            event("You removed \"李卓桓\" from the group chat"),
            SysEvent::Removed { members: vec![name("李卓桓")], by: Some(you()) }
        );
        assert_eq!(
            event("You were removed from the group chat by \"李卓桓\""),
            SysEvent::Removed { members: vec![you()], by: Some(name("李卓桓")) }
        );
        assert_eq!(
            event("\"李卓桓\" changed the group name to \"新群\""),
            SysEvent::Renamed { by: Some(name("李卓桓")), name: "新群".into() }
        );
    }

    #[test]
    fn recalls_pats_and_red_packets() {
        let m = classify("<revokemsg>你撤回了一条消息</revokemsg>");
        assert_eq!((m.kind, m.text.as_str()), (MessageKind::Recall, "你撤回了一条消息"));
        assert_eq!(m.event, Some(SysEvent::Recalled { by: Some(you()) }));
        assert_eq!(event("\"小王\" 撤回了一条消息"), SysEvent::Recalled { by: Some(name("小王")) });
        let m = classify("<![CDATA[你撤回了一条消息 <a href=\"weixin://revoke_edit_click\">重新编辑</a>]]>");
        assert_eq!(m.event, Some(SysEvent::Recalled { by: Some(you()) }));
        assert_eq!(m.text, "你撤回了一条消息 重新编辑");
        let m = classify("\"小王\" 拍了拍 \"小李\" 的肩膀");
        assert_eq!(m.kind, MessageKind::Pat);
        assert_eq!(m.event, Some(SysEvent::Pat { from: Some(name("小王")), to: Some(name("小李")) }));
        assert_eq!(event("\"小王\" 拍了拍我"), SysEvent::Pat { from: Some(name("小王")), to: Some(you()) });
        let m = classify("<img src=\"SystemMessages_HongbaoIcon.png\"/>  小王领取了你的<_wc_custom_link_ color=\"#FD9931\" href=\"weixin://x\">红包</_wc_custom_link_>");
        assert_eq!(m.text, "小王领取了你的红包");
        assert_eq!(
            (m.kind, m.event),
            (MessageKind::System, Some(SysEvent::RedPacketClaimed { by: Some(name("小王")) }))
        );
        let m = classify("你已添加了小王，现在可以开始聊天了。");
        assert_eq!((m.kind, m.event), (MessageKind::System, None));
    }

    const TEMPLATE_INVITE: &str = "2085000353@chatroom:\n<sysmsg type=\"sysmsgtemplate\"><sysmsgtemplate><content_template type=\"tmpl_type_profile\">\n<plain><![CDATA[]]></plain>\n<template><![CDATA[\"$username$\"邀请\"$names$\"加入了群聊]]></template>\n<link_list>\n<link name=\"username\" type=\"link_profile\"><memberlist><member><username><![CDATA[168800001@openim]]></username><nickname><![CDATA[邀请人]]></nickname></member></memberlist></link>\n<link name=\"names\" type=\"link_profile\"><memberlist><member><username><![CDATA[wxid_b]]></username><nickname><![CDATA[琛、]]></nickname></member><member><username><![CDATA[wxid_c]]></username><nickname>C &amp; D</nickname></member></memberlist><separator><![CDATA[、]]></separator></link>\n</link_list></content_template></sysmsgtemplate></sysmsg>";

    #[test]
    fn template_invite_uses_ids_and_nicknames() {
        let m = classify(TEMPLATE_INVITE);
        assert_eq!(m.kind, MessageKind::System);
        assert_eq!(m.text, "\"邀请人\"邀请\"琛、、C & D\"加入了群聊");
        assert_eq!(
            m.event,
            Some(join(
                vec![id("wxid_b", "琛、"), id("wxid_c", "C & D")],
                Some(id("168800001@openim", "邀请人")),
                Invite
            ))
        );
    }

    #[test]
    fn template_you_invite_qr_and_kick_forms() {
        let you_invite = "<sysmsg type=\"sysmsgtemplate\"><sysmsgtemplate><content_template type=\"tmpl_type_profile\">\n<template>你邀请\"$names$\"加入了群聊，并分享了$history$</template>\n<link_list>\n<link name=\"names\" type=\"link_profile\"><memberlist>\n<member><username>wxid_n1</username><nickname>星星</nickname></member>\n<member><username>luqq319</username><nickname>鹿一</nickname></member>\n</memberlist><separator>、</separator></link>\n</link_list></content_template></sysmsgtemplate></sysmsg>";
        assert_eq!(
            event(you_invite),
            join(vec![id("wxid_n1", "星星"), id("luqq319", "鹿一")], Some(you()), Invite)
        );
        let username_is_invitee = "<sysmsg type=\"sysmsgtemplate\"><sysmsgtemplate><content_template type=\"tmpl_type_profile\"><template><![CDATA[你邀请\"$username$\"加入了群聊，并分享了$history$]]></template><link_list><link name=\"username\" type=\"link_profile\"><memberlist><member><username><![CDATA[wxid_inv3]]></username><nickname><![CDATA[被邀请者]]></nickname></member></memberlist></link><link name=\"history\" type=\"link_history\"></link></link_list></content_template></sysmsgtemplate></sysmsg>";
        assert_eq!(event(username_is_invitee), join(vec![id("wxid_inv3", "被邀请者")], Some(you()), Invite));
        let qr = "4902000933@chatroom:\n<sysmsg type=\"sysmsgtemplate\"><sysmsgtemplate><content_template type=\"tmpl_type_profile\">\n<template><![CDATA[\"$adder$\"通过扫描\"$from$\"分享的二维码加入群聊]]></template>\n<link_list>\n<link name=\"adder\"><memberlist><member><username><![CDATA[wxid_scan1]]></username><nickname><![CDATA[扫码人]]></nickname></member></memberlist></link>\n<link name=\"from\"><memberlist><member><username><![CDATA[wxid_share2]]></username><nickname><![CDATA[分享人]]></nickname></member></memberlist></link>\n</link_list></content_template></sysmsgtemplate></sysmsg>";
        let m = classify(qr);
        assert_eq!(m.text, "\"扫码人\"通过扫描\"分享人\"分享的二维码加入群聊");
        assert_eq!(
            m.event,
            Some(join(vec![id("wxid_scan1", "扫码人")], Some(id("wxid_share2", "分享人")), QrCode))
        );
        let via = qr.replace("通过扫描\"$from$\"分享的二维码加入群聊", "通过\"$from$\"的邀请二维码加入群聊");
        assert_eq!(
            event(&via),
            join(vec![id("wxid_scan1", "扫码人")], Some(id("wxid_share2", "分享人")), QrCode)
        );
        let kick = "<sysmsg type=\"sysmsgtemplate\"><sysmsgtemplate><content_template type=\"tmpl_type_profile\"><template><![CDATA[你将\"$kickoutname$\"移出了群聊]]></template><link_list><link name=\"kickoutname\" type=\"link_profile\"><memberlist><member><username><![CDATA[wxid_k1]]></username><nickname><![CDATA[春风]]></nickname></member></memberlist></link></link_list></content_template></sysmsgtemplate></sysmsg>";
        assert_eq!(event(kick), SysEvent::Removed { members: vec![id("wxid_k1", "春风")], by: Some(you()) });
    }

    #[test]
    fn template_without_the_named_link_states_no_join() {
        let no_names = TEMPLATE_INVITE.replace("name=\"names\"", "name=\"other\"");
        assert_eq!(classify(&no_names).event, None);
        let no_inviter = TEMPLATE_INVITE.replace("name=\"username\"", "name=\"other\"");
        let SysEvent::Join { inviter, members, .. } = event(&no_inviter) else { panic!("join") };
        assert_eq!((inviter, members.len()), (None, 2));
    }

    #[test]
    fn delchatroommember_pairs_ids_with_names_when_counts_agree() {
        let xml = "6350854677@chatroom:\n<sysmsg type=\"delchatroommember\">\n\t<delchatroommember>\n\t\t<plain><![CDATA[你邀请\"成员A、成员B\"加入了群聊  ]]></plain>\n\t\t<text><![CDATA[你邀请\"成员A、成员B\"加入了群聊  ]]></text>\n\t\t<link>\n\t\t\t<scene>invite</scene>\n\t\t\t<text><![CDATA[  撤销]]></text>\n\t\t\t<memberlist>\n\t\t\t\t<username><![CDATA[wxid_a]]></username>\n\t\t\t\t<username><![CDATA[wxid_b]]></username>\n\t\t\t</memberlist>\n\t\t</link>\n\t</delchatroommember>\n</sysmsg>";
        let m = classify(xml);
        assert_eq!(m.text, "你邀请\"成员A、成员B\"加入了群聊");
        assert_eq!(
            m.event,
            Some(join(vec![id("wxid_a", "成员A"), id("wxid_b", "成员B")], Some(you()), Invite))
        );
        // Three names by the `、` split but four ids: the ids win, names are not guessed.
        let ambiguous = xml
            .replace("成员A、成员B", "卓桓、Zhuohuan、李佳芮")
            .replace("</memberlist>", "<username>wxid_c</username><username>wxid_d</username></memberlist>");
        let SysEvent::Join { members, .. } = event(&ambiguous) else { panic!("join") };
        assert_eq!(members.len(), 4);
        assert!(members.iter().all(|m| m.name.is_none() && matches!(m.who, PersonRef::Id(_))));
        let qr = "<sysmsg type=\"delchatroommember\"><delchatroommember><plain><![CDATA[\"李佳芮\" joined group chat via the QR code you shared.  ]]></plain><link><scene>qrcode</scene><memberlist><username><![CDATA[qq512436430]]></username></memberlist><qrcode><![CDATA[http://weixin.qq.com/g/x]]></qrcode></link></delchatroommember></sysmsg>";
        assert_eq!(event(qr), join(vec![id("qq512436430", "李佳芮")], Some(you()), QrCode));
    }

    #[test]
    fn xml_revoke_and_pat() {
        let revoke = "<sysmsg type=\"revokemsg\"><revokemsg><session>1@chatroom</session><msgid>1</msgid><newmsgid>2</newmsgid><replacemsg><![CDATA[\"小王\" 撤回了一条消息]]></replacemsg></revokemsg></sysmsg>";
        let m = classify(revoke);
        assert_eq!((m.kind, m.text.as_str()), (MessageKind::Recall, "\"小王\" 撤回了一条消息"));
        assert_eq!(m.event, Some(SysEvent::Recalled { by: Some(name("小王")) }));
        let pat = "<sysmsg type=\"pat\">\n<pat>\n  <fromusername>wxid_a</fromusername>\n  <chatusername>1@chatroom</chatusername>\n  <pattedusername>wxid_b</pattedusername>\n  <patsuffix><![CDATA[]]></patsuffix>\n  <template><![CDATA[\"${wxid_a}\" 拍了拍 \"${wxid_b}\"]]></template>\n</pat>\n</sysmsg>";
        let m = classify(pat);
        assert_eq!((m.kind, m.text.as_str()), (MessageKind::Pat, "\"wxid_a\" 拍了拍 \"wxid_b\""));
        assert_eq!(
            m.event,
            Some(SysEvent::Pat { from: Some(id_person("wxid_a")), to: Some(id_person("wxid_b")) })
        );
    }

    #[test]
    fn malformed_xml_never_panics() {
        for s in [
            "<sysmsg",
            "<sysmsg type=\"x\"><a><b></a>",
            "<msg><appmsg><title>\"甲\" 拍了拍 \"乙\"</title>",
            "<sysmsg>&bogus;</sysmsg>",
        ] {
            let _ = classify(s);
        }
        assert_eq!(
            classify("<msg><appmsg><title>\"甲\" 拍了拍 \"乙\"</title><type>62</type></appmsg></msg>").kind,
            MessageKind::Pat
        );
    }

    #[test]
    fn record_writes_events_names_and_renames() {
        use crate::model::Platform;
        let mut b = ModelBuilder::new();
        let g = b.group(Platform::WeChat, "1@chatroom", None);
        record(&mut b, g, 1_700_000_100, TEMPLATE_INVITE, MessageKind::System);
        record(&mut b, g, 1_700_000_200, "\"邀请人\"修改群名为“新群名”", MessageKind::System);
        record(&mut b, g, 1_700_000_300, "", MessageKind::Recall);
        let m = b.finish();
        assert_eq!(m.groups[0].name, "新群名");
        assert_eq!(m.messages.len(), 3);
        assert!(m.messages.sender.iter().all(|&s| s == crate::model::SYSTEM));
        assert_eq!(m.messages.kind, vec![MessageKind::System, MessageKind::System, MessageKind::Recall]);
        assert_eq!(m.memberships.len(), 2);
        let inviter = m.memberships[0].actor.unwrap() as usize;
        assert_eq!(m.members[inviter].platform_id.as_deref(), Some("168800001@openim"));
        assert_eq!(m.members[inviter].names[0].name, "邀请人");
        let names: Vec<&str> =
            m.memberships.iter().map(|e| m.members[e.member as usize].names[0].name.as_str()).collect();
        assert_eq!(names, ["琛、", "C & D"]);
    }
}
