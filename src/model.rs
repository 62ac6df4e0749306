//! The normalized model every input format maps to.
//!
//! Storage is columnar and interned (one `u32` per group/member reference, one arena for
//! message text) because a year of a large operator's groups is millions of messages and all
//! of it lives in the browser tab.
//!
//! Parsers never build these types directly: they call [`ModelBuilder`], which interns
//! groups and members and resolves name-only references (system messages name people by
//! nickname) once all files are loaded.

/// Interning maps are looked up once or twice per message: foldhash is several times faster
/// than the default SipHash there, and still seeded per process.
pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

mod arena;
pub mod business;
mod dedup;
mod merge;
pub mod wire;
pub use arena::TextArena;
pub use merge::{HandOverCopy, Partial};
pub use business::{Business, CrmRecord, RosterRow, SdrActivity};

/// Index into [`Model::groups`].
pub type GroupId = u32;
/// Index into [`Model::members`].
pub type MemberId = u32;

/// Sender of system messages (joins, recalls, tips): not a member.
pub const SYSTEM: MemberId = MemberId::MAX;

/// Where a chat came from; part of every identity key so ids from two platforms never merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    WeChat,
    WeCom,
    QQ,
    WhatsApp,
    Telegram,
    Discord,
    Slack,
    Other,
}

/// What a message is. System messages carry membership events separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum MessageKind {
    Text = 0,
    Image,
    File,
    Link,
    Voice,
    Video,
    Sticker,
    RedPacket,
    Transfer,
    Pat,
    Recall,
    System,
    Location,
    Card,
    Call,
    MiniProgram,
    Forward,
    Other,
}

impl MessageKind {
    /// All kinds, in `repr` order (for per-kind tallies).
    pub const ALL: [MessageKind; 18] = [
        MessageKind::Text,
        MessageKind::Image,
        MessageKind::File,
        MessageKind::Link,
        MessageKind::Voice,
        MessageKind::Video,
        MessageKind::Sticker,
        MessageKind::RedPacket,
        MessageKind::Transfer,
        MessageKind::Pat,
        MessageKind::Recall,
        MessageKind::System,
        MessageKind::Location,
        MessageKind::Card,
        MessageKind::Call,
        MessageKind::MiniProgram,
        MessageKind::Forward,
        MessageKind::Other,
    ];

    /// Does this message count as a member "speaking" (activity, last active)?
    pub fn is_member_activity(self) -> bool {
        !matches!(self, MessageKind::System | MessageKind::Recall | MessageKind::Pat)
    }
}

/// How someone entered a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinMethod {
    /// Invited directly by a member (`"A"邀请"B"加入了群聊`, WeCom join_scene 1).
    Invite,
    /// Scanned a QR code someone shared (`通过扫描"A"分享的二维码加入群聊`, WeCom join_scene 3).
    QrCode,
    /// Followed an invite link (WeCom join_scene 2).
    Link,
    /// Joined with no method stated (`X加入本群`).
    Unknown,
}

/// Membership change kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipKind {
    Join,
    /// Left on their own.
    Leave,
    /// Removed by an owner/admin.
    Removed,
}

/// A person as a parser sees them: a stable platform id when the export has one, otherwise
/// only a display name (resolved against names seen in the same group when the model is built).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PersonRef {
    /// wxid, QQ number, WeCom userid / external_userid, ...
    Id(String),
    /// Only a display name is known (plain-text system messages, name-only exports).
    Name(String),
    /// The account that made the export ("我", "你", IsSender=1) when its id is not in the file.
    SelfAccount,
    /// The platform itself (system / grey-tip messages); never becomes a member.
    System,
}

/// One membership change, as parsed.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MembershipEvent {
    pub time: i64,
    pub group: GroupId,
    pub member: PersonRef,
    pub kind: MembershipKind,
    pub method: Option<JoinMethod>,
    /// Who invited (join) or removed (removed) them, when stated.
    pub actor: Option<PersonRef>,
}

/// A group chat (or a one-to-one chat when a format mixes them in).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Group {
    pub platform: Platform,
    /// Stable key within the platform (chatroom id, roomid, group name when no id exists).
    pub key: String,
    /// Best display name seen.
    pub name: String,
}

/// A person, merged across groups by platform id (name-only people stay per group).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Member {
    pub platform: Platform,
    /// `Some(id)` for id-keyed members; `None` for name-only ones.
    pub platform_id: Option<String>,
    /// Display names in the order first seen, with first/last time seen.
    pub names: Vec<NameSeen>,
    /// True for the exporting account.
    pub is_self: bool,
}

/// A display name and when it was used.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NameSeen {
    pub name: String,
    pub first_seen: i64,
    pub last_seen: i64,
}

/// A quoted/replied-to message reference as an export gives it.
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    /// Server id of the quoted message, when known.
    pub message_id: Option<String>,
    pub sender: Option<PersonRef>,
    pub text: Option<String>,
}

/// One message as a parser hands it over.
#[derive(Clone, Debug, PartialEq)]
pub struct NewMessage<'a> {
    /// Seconds since the Unix epoch (UTC).
    pub time: i64,
    pub group: GroupId,
    pub sender: &'a PersonRef,
    /// Display name of the sender at this moment, if the export gives one beside the id.
    pub sender_name: Option<&'a str>,
    pub kind: MessageKind,
    pub text: &'a str,
    pub quote: Option<Quote>,
    /// Display names mentioned with `@name`.
    pub mentions: Vec<String>,
}

/// Columnar message storage. Row `i` of each column is message `i`. Handed between workers
/// as its own byte runs ([`wire`]), not through serde.
#[derive(Clone, Debug, Default)]
pub struct Messages {
    pub time: Vec<i64>,
    pub group: Vec<GroupId>,
    pub sender: Vec<MemberId>,
    pub kind: Vec<MessageKind>,
    /// Text classifications made once when the message is read ([`text_flag`] bits), so
    /// every report shares them and parallel readers do that work in parallel.
    pub flags: Vec<u8>,
    /// Where the text is in `text_arena` (read it with [`Messages::text`]).
    pub text_span: Vec<(u32, u32)>,
    pub text_arena: TextArena,
    /// Sparse extras, keyed by message index.
    pub quotes: HashMap<u32, Quote>,
    pub mentions: HashMap<u32, Vec<String>>,
}

/// Bits of [`Messages::flags`].
pub mod text_flag {
    /// A text message [`crate::text::is_question`] accepts.
    pub const QUESTION: u8 = 1;
    /// A text message [`crate::text::is_checkin`] accepts.
    pub const CHECKIN: u8 = 1 << 1;
    /// The message has an entry in [`super::Messages::quotes`]; the per-message passes look
    /// there only then (a hash lookup per message was a tenth of the health pass).
    pub const QUOTE: u8 = 1 << 2;
    /// The message has an entry in [`super::Messages::mentions`].
    pub const MENTIONS: u8 = 1 << 3;
    /// A message (of any kind) whose text [`crate::text::is_thanks`] accepts.
    pub const THANKS: u8 = 1 << 4;

    /// The flags of a message of `kind` with `text`: found while reading, which the parallel
    /// readers share, rather than by each report pass. Also whether it is a text message with
    /// an `@` (only those can have @mentions written in them).
    pub fn of(kind: super::MessageKind, text: &str) -> (u8, bool) {
        let flag = |yes: bool, flag: u8| if yes { flag } else { 0 };
        if kind != super::MessageKind::Text {
            return (flag(!text.is_empty() && crate::text::is_thanks(text), THANKS), false);
        }
        let t = crate::text::traits(text);
        (flag(t.question, QUESTION) | flag(t.checkin, CHECKIN) | flag(t.thanks, THANKS), t.at_sign)
    }
}

impl Messages {
    /// Is message `i` a question (a text message [`crate::text::is_question`] accepts)?
    pub fn is_question(&self, i: usize) -> bool {
        self.flags.get(i).is_some_and(|f| f & text_flag::QUESTION != 0)
    }

    /// Is message `i` a check-in (a text message [`crate::text::is_checkin`] accepts)?
    pub fn is_checkin(&self, i: usize) -> bool {
        self.flags.get(i).is_some_and(|f| f & text_flag::CHECKIN != 0)
    }

    /// Does message `i` thank someone ([`crate::text::is_thanks`] accepts its text)?
    pub fn is_thanks(&self, i: usize) -> bool {
        self.flags.get(i).is_some_and(|f| f & text_flag::THANKS != 0)
    }

    /// What message `i` quotes, if anything.
    pub fn quote(&self, i: usize) -> Option<&Quote> {
        let flagged = self.flags.get(i).is_some_and(|f| f & text_flag::QUOTE != 0);
        flagged.then(|| self.quotes.get(&(i as u32))).flatten()
    }

    /// Whom message `i` @mentions (names as written), if anyone.
    pub fn mentions_in(&self, i: usize) -> Option<&Vec<String>> {
        let flagged = self.flags.get(i).is_some_and(|f| f & text_flag::MENTIONS != 0);
        flagged.then(|| self.mentions.get(&(i as u32))).flatten()
    }

    /// Number of messages.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Gives back the room the columns reserved while growing (up to half of them, just past
    /// a doubling) for the report to use: in the browser, 60+ MB of a 14-million-message load.
    /// In place, without copying, in wasm's and the native allocators.
    pub fn shrink_to_fit(&mut self) {
        self.time.shrink_to_fit();
        self.group.shrink_to_fit();
        self.sender.shrink_to_fit();
        self.kind.shrink_to_fit();
        self.flags.shrink_to_fit();
        self.text_span.shrink_to_fit();
    }

    /// Makes room for exactly `messages` more messages in every column and for about
    /// `text_bytes` more text ([`TextArena::reserve`]): the counterpart of `shrink_to_fit`.
    pub fn reserve_exact(&mut self, messages: usize, text_bytes: usize) {
        self.time.reserve_exact(messages);
        self.group.reserve_exact(messages);
        self.sender.reserve_exact(messages);
        self.kind.reserve_exact(messages);
        self.flags.reserve_exact(messages);
        self.text_span.reserve_exact(messages);
        self.text_arena.reserve(text_bytes);
    }

    /// Messages every column has room for.
    pub fn capacity(&self) -> usize {
        [self.time.capacity(), self.group.capacity(), self.sender.capacity(), self.kind.capacity(), self.flags.capacity(), self.text_span.capacity()]
            .into_iter()
            .min()
            .unwrap_or(0)
    }

    /// True when there are no messages.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// Text of message `i` (empty for media without a caption).
    pub fn text(&self, i: usize) -> &str {
        self.text_span.get(i).map_or("", |&span| self.text_arena.get(span))
    }
}

/// A membership change with people resolved to members.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Membership {
    pub time: i64,
    pub group: GroupId,
    pub member: MemberId,
    pub kind: MembershipKind,
    pub method: Option<JoinMethod>,
    pub actor: Option<MemberId>,
}

/// The loaded data: what every report is computed from. Another worker can compute a section
/// beside this one from its byte runs ([`wire`], [`crate::Analyzer::model_bytes`]).
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub groups: Vec<Group>,
    pub members: Vec<Member>,
    pub messages: Messages,
    pub memberships: Vec<Membership>,
    /// Members listed in a group by a member-list file (WeCom group member list) even if silent.
    pub listed: Vec<(GroupId, MemberId)>,
    /// Per group: messages the files offered, counting repeats of overlapping exports that were
    /// dropped (so dropped = offered - messages kept in the group).
    pub offered: Vec<u64>,
    /// CRM records, roster rows and SDR activity (see [`business`]), in file-then-line order.
    pub business: Business,
}

/// Member lookup tables, split so lookups borrow `&str` (no allocation per message).
#[derive(Debug, Default)]
struct MemberIndex {
    /// Per platform: platform id -> member.
    by_id: HashMap<Platform, HashMap<String, MemberId>>,
    /// Per group: name -> name-only member (name-only people are scoped to their group: two
    /// "小王" in two groups are not merged).
    by_name: Vec<HashMap<String, MemberId>>,
    /// Per platform: the exporting account.
    self_account: HashMap<Platform, MemberId>,
}

/// Builds a [`Model`]; the only way parsers write data.
#[derive(Debug, Default)]
pub struct ModelBuilder {
    model: Model,
    group_index: HashMap<(Platform, String), GroupId>,
    members: MemberIndex,
    /// Per group: display name -> the member who used it first (earliest time; ties: the
    /// smaller platform id), for resolving name-only references. Canonical, so the result
    /// does not depend on the order files are loaded in.
    names_in_group: Vec<HashMap<String, (i64, MemberId)>>,
    /// Per member: the last `(group, index in its names, time)` offered to `names_in_group`.
    /// Offering the same name in the same group again at a later time changes nothing (an
    /// entry only ever moves to an earlier time), so the per-message hash lookup is skipped.
    last_offer: Vec<(GroupId, u32, i64)>,
    /// The exporting account of the file being read, per platform, once the file names its id
    /// ([`ModelBuilder::identify_self`]). Several files may come from several accounts.
    file_self: HashMap<Platform, MemberId>,
    /// `PersonRef::SelfAccount` references of the current file, resolved at
    /// [`ModelBuilder::end_file`] to the file's own account.
    file_self_refs: FileSelfRefs,
    pending_events: Vec<MembershipEvent>,
    pending_listed: Vec<(GroupId, PersonRef, Option<String>, i64)>,
    /// Message senders given only by name (WhatsApp, QQ TXT), interned per group and resolved
    /// at [`ModelBuilder::model`]: one entry per distinct name, not per message, because a
    /// million-message chat has a few hundred senders.
    pending_names: PendingNames,
    /// Messages repeated by overlapping exports of one group.
    dedup: dedup::Dedup,
    /// Messages of the current file dropped for an implausible time: count, earliest and latest.
    implausible: (u64, Option<(i64, i64)>),
    /// Group renames in reading order, so a later piece of the same file renames as reading
    /// it in one go would ([`ModelBuilder::absorb_piece`]).
    renames: Vec<(GroupId, String)>,
}

/// Message times qunlens accepts: 1990-01-01 up to (not including) 2100-01-01 UTC. Outside it a
/// time is a parse accident or a broken clock (year 1 or 2999), and it would move `as_of`.
pub const PLAUSIBLE_TIMES: std::ops::Range<i64> = 631_152_000..4_102_444_800;

/// Name-only senders awaiting resolution; messages carry `PENDING | index` as sender meanwhile.
#[derive(Debug, Default)]
struct PendingNames {
    /// Per group: name -> index into `names`.
    index: Vec<HashMap<String, u32>>,
    /// `(group, name, first time, last time)`.
    names: Vec<(GroupId, String, i64, i64)>,
    /// Messages before this index hold no pending senders.
    first_message: usize,
}

/// Where the current file referred to its exporter before (or without) naming its id.
#[derive(Debug, Default)]
struct FileSelfRefs {
    /// Message indices whose sender is [`SELF_REF`], per platform.
    messages: Vec<(Platform, u32)>,
    /// Display names the exporter used: `(group, name, time)`.
    names: Vec<(GroupId, String, i64)>,
    /// `pending_events` / `pending_listed` lengths when the file began.
    events_from: usize,
    listed_from: usize,
}

/// Sender placeholder for "the exporter of this file" until [`ModelBuilder::end_file`].
const SELF_REF: u32 = u32::MAX - 1;

/// Marks a message sender as an index into [`PendingNames::names`] (member ids never get
/// near 2^31; [`SYSTEM`] is `u32::MAX` and is never pending).
const PENDING: u32 = 1 << 31;

impl PendingNames {
    fn intern(&mut self, group: GroupId, name: &str, time: i64, message: usize) -> u32 {
        if self.names.is_empty() {
            self.first_message = message;
        }
        let g = group as usize;
        if self.index.len() <= g {
            self.index.resize_with(g + 1, HashMap::default);
        }
        if let Some(&i) = self.index[g].get(name) {
            let entry = &mut self.names[i as usize];
            entry.2 = entry.2.min(time);
            entry.3 = entry.3.max(time);
            return PENDING | i;
        }
        let i = self.names.len() as u32;
        self.names.push((group, name.to_string(), time, time));
        self.index[g].insert(name.to_string(), i);
        PENDING | i
    }
}

impl ModelBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Interns a group by `(platform, key)`; a later non-empty `name` replaces an id-like one.
    pub fn group(&mut self, platform: Platform, key: &str, name: Option<&str>) -> GroupId {
        if let Some(&id) = self.group_index.get(&(platform, key.to_string())) {
            if let Some(name) = name.filter(|n| !n.is_empty()) {
                let g = &mut self.model.groups[id as usize];
                if g.name == g.key {
                    g.name = name.to_string();
                }
            }
            return id;
        }
        let id = self.model.groups.len() as GroupId;
        let name = name.filter(|n| !n.is_empty()).unwrap_or(key).to_string();
        self.model.groups.push(Group { platform, key: key.to_string(), name });
        self.group_index.insert((platform, key.to_string()), id);
        id
    }

    /// Renames a group (a `修改群名为` system message, a member-list file's group name).
    pub fn rename_group(&mut self, group: GroupId, name: &str) {
        if let Some(g) = self.model.groups.get_mut(group as usize) {
            if !name.is_empty() {
                g.name = name.to_string();
                self.renames.push((group, g.name.clone()));
            }
        }
    }

    /// Number of messages added so far.
    pub fn message_count(&self) -> usize {
        self.model.messages.len()
    }

    /// Messages offered so far: those added, and the repeats of overlapping exports dropped.
    pub fn offered_count(&self) -> u64 {
        self.model.offered.iter().sum()
    }

    /// Bytes of message text loaded so far.
    pub fn text_bytes(&self) -> usize {
        self.model.messages.text_arena.len()
    }

    /// Makes room for about `messages` more messages with `text_bytes` more text (see
    /// [`crate::ingest::FileIngest::expect_bytes`]).
    pub fn reserve(&mut self, messages: usize, text_bytes: usize) {
        self.model.messages.reserve_exact(messages, text_bytes);
    }

    /// Messages the columns have room for (tests of [`ModelBuilder::reserve`]'s callers).
    #[cfg(test)]
    pub(crate) fn message_capacity(&self) -> usize {
        self.model.messages.capacity()
    }

    /// People loaded so far.
    pub fn member_count(&self) -> usize {
        self.model.members.len()
    }

    /// What is loaded, with `file_bytes` of the current file read, as the caps of config
    /// `limits` weigh it.
    pub fn loaded(&self, file_bytes: u64) -> crate::config::Loaded {
        crate::config::Loaded {
            file_bytes,
            messages: self.message_count(),
            members: self.member_count(),
            text_bytes: self.text_bytes(),
            ..Default::default()
        }
    }

    fn member_for(
        &mut self,
        group: GroupId,
        person: &PersonRef,
        name: Option<&str>,
        time: i64,
    ) -> MemberId {
        let platform = self.platform_of(group);
        let id = match person {
            PersonRef::System => return SYSTEM,
            PersonRef::Id(key) => self.id_member(platform, key),
            PersonRef::Name(n) => {
                let g = group as usize;
                if self.members.by_name.len() <= g {
                    self.members.by_name.resize_with(g + 1, HashMap::default);
                }
                match self.members.by_name[g].get(n.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = self.new_member(platform, None, false);
                        self.members.by_name[g].insert(n.clone(), id);
                        id
                    }
                }
            }
            PersonRef::SelfAccount => match self.file_self.get(&platform) {
                Some(&id) => id,
                None => self.anonymous_self(platform),
            },
        };
        let display = name.or(match person {
            PersonRef::Name(n) => Some(n.as_str()),
            _ => None,
        });
        if let Some(display) = display.map(crate::text::trim).filter(|n| !n.is_empty()) {
            let Some(name) = self.note_name(id, display, time) else { return id };
            let slot = id as usize;
            if self.last_offer.len() <= slot {
                self.last_offer.resize(slot + 1, (GroupId::MAX, 0, 0));
            }
            let (g, n, t) = self.last_offer[slot];
            if (g, n) != (group, name) || t > time {
                self.offer_name(group, display, time, id);
                self.last_offer[slot] = (group, name, time);
            }
        }
        id
    }

    /// Records that `id` used `name` in `group` at `time`; name-only references to `name`
    /// resolve to its earliest user (ties: the smaller canonical key).
    fn offer_name(&mut self, group: GroupId, name: &str, time: i64, id: MemberId) {
        let g = group as usize;
        if self.names_in_group.len() <= g {
            self.names_in_group.resize_with(g + 1, HashMap::default);
        }
        let better = match self.names_in_group[g].get(name) {
            None => true,
            Some(&(t, current)) => current != id && (time, self.canonical_key(id)) < (t, self.canonical_key(current)),
        };
        if better {
            self.names_in_group[g].insert(name.to_string(), (time, id));
        }
    }

    /// The exporter whose id is never named in its files (one per platform).
    fn anonymous_self(&mut self, platform: Platform) -> MemberId {
        if let Some(&id) = self.members.self_account.get(&platform) {
            return id;
        }
        let id = self.new_member(platform, None, true);
        self.members.self_account.insert(platform, id);
        id
    }

    /// Order-independent tie-breaker between members: platform id, else first name.
    fn canonical_key(&self, id: MemberId) -> (&str, &str) {
        let m = &self.model.members[id as usize];
        (m.platform_id.as_deref().unwrap_or(""), m.names.first().map(|n| n.name.as_str()).unwrap_or(""))
    }

    fn id_member(&mut self, platform: Platform, key: &str) -> MemberId {
        if let Some(&id) = self.members.by_id.get(&platform).and_then(|m| m.get(key)) {
            return id;
        }
        let id = self.new_member(platform, Some(key.to_string()), false);
        self.members.by_id.entry(platform).or_default().insert(key.to_string(), id);
        id
    }

    fn new_member(&mut self, platform: Platform, platform_id: Option<String>, is_self: bool) -> MemberId {
        let id = self.model.members.len() as MemberId;
        self.model.members.push(Member { platform, platform_id, names: Vec::new(), is_self });
        id
    }

    /// Records that member `id` used `name` at `time`; returns the name's index in the
    /// member's names (`None` for `SYSTEM`).
    fn note_name(&mut self, id: MemberId, name: &str, time: i64) -> Option<u32> {
        if id == SYSTEM {
            return None;
        }
        let names = &mut self.model.members[id as usize].names;
        match names.iter().position(|n| n.name == name) {
            Some(index) => {
                let seen = &mut names[index];
                seen.first_seen = seen.first_seen.min(time);
                seen.last_seen = seen.last_seen.max(time);
                Some(index as u32)
            }
            None => {
                names.push(NameSeen { name: name.to_string(), first_seen: time, last_seen: time });
                Some(names.len() as u32 - 1)
            }
        }
    }

    fn platform_of(&self, group: GroupId) -> Platform {
        self.model.groups.get(group as usize).map(|g| g.platform).unwrap_or(Platform::Other)
    }

    /// Adds one message.
    pub fn message(&mut self, msg: NewMessage<'_>) {
        self.push_message(msg, None);
    }

    /// Adds one message whose @mentions are written in its text, in the syntax `parse` reads
    /// (`msg.mentions` is ignored). `parse` runs only for a text message with an `@`, which the
    /// text scan every text message gets finds: most have none, and a second pass over every
    /// text to find that out cost ≈4 % of reading a WeChat export.
    pub fn message_mentioning(&mut self, msg: NewMessage<'_>, parse: fn(&str) -> Vec<String>) {
        self.push_message(msg, Some(parse));
    }

    fn push_message(&mut self, msg: NewMessage<'_>, parse_mentions: Option<fn(&str) -> Vec<String>>) {
        if !(PLAUSIBLE_TIMES.contains(&msg.time)) {
            let (n, range) = &mut self.implausible;
            *n += 1;
            *range = Some(range.map_or((msg.time, msg.time), |(lo, hi)| (lo.min(msg.time), hi.max(msg.time))));
            return;
        }
        if !self.keep_message(&msg) {
            return;
        }
        let index = self.model.messages.len() as u32;
        let sender = match &msg.sender {
            PersonRef::System => SYSTEM,
            // A name-only sender may turn out to be an id-keyed member seen elsewhere in the
            // group; resolve after every file is in.
            PersonRef::Name(n) => self.pending_names.intern(msg.group, n, msg.time, index as usize),
            PersonRef::SelfAccount => {
                let platform = self.platform_of(msg.group);
                match self.file_self.get(&platform) {
                    Some(_) => self.member_for(msg.group, &msg.sender, msg.sender_name, msg.time),
                    None => {
                        self.file_self_refs.messages.push((platform, index));
                        if let Some(name) = msg.sender_name.map(crate::text::trim).filter(|n| !n.is_empty()) {
                            self.file_self_refs.names.push((msg.group, name.to_string(), msg.time));
                        }
                        SELF_REF
                    }
                }
            }
            other => self.member_for(msg.group, other, msg.sender_name, msg.time),
        };
        let m = &mut self.model.messages;
        m.time.push(msg.time);
        m.group.push(msg.group);
        m.sender.push(sender);
        m.kind.push(msg.kind);
        let (mut flags, at_sign) = text_flag::of(msg.kind, msg.text);
        let span = m.text_arena.push(msg.text);
        m.text_span.push(span);
        if let Some(q) = msg.quote {
            m.quotes.insert(index, q);
            flags |= text_flag::QUOTE;
        }
        let mentions = match parse_mentions {
            Some(parse) if at_sign => parse(msg.text),
            Some(_) => Vec::new(),
            None => msg.mentions,
        };
        if !mentions.is_empty() {
            m.mentions.insert(index, mentions);
            flags |= text_flag::MENTIONS;
        }
        m.flags.push(flags);
    }

    /// False for a message an earlier export of the same group already brought (see `dedup`).
    fn keep_message(&mut self, msg: &NewMessage<'_>) -> bool {
        let sender = match &msg.sender {
            PersonRef::Id(id) => id.as_str(),
            PersonRef::Name(n) => n.as_str(),
            PersonRef::SelfAccount => match self.file_self.get(&self.platform_of(msg.group)) {
                Some(&id) => self.model.members[id as usize].platform_id.as_deref().unwrap_or(""),
                None => "",
            },
            PersonRef::System => "",
        };
        let g = msg.group as usize;
        if self.model.offered.len() <= g {
            self.model.offered.resize(g + 1, 0);
        }
        self.model.offered[g] += 1;
        let (messages, members, pending) = (&self.model.messages, &self.model.members, &self.pending_names.names);
        // The key (a hash of the text) only when earlier files have the group.
        let key = || dedup::key(msg.time, msg.kind, sender, msg.text);
        self.dedup.keep(msg.group, key, || dedup::keys_of_group(messages, members, pending, msg.group))
    }

    /// Messages of the file being read that were dropped for an implausible time (outside
    /// [`PLAUSIBLE_TIMES`]): how many, the earliest and the latest. Resets the count.
    pub fn take_implausible(&mut self) -> (u64, Option<(i64, i64)>) {
        std::mem::take(&mut self.implausible)
    }

    /// Adds what a piece of the current file read elsewhere dropped for an implausible time
    /// (see [`ModelBuilder::take_implausible`]).
    pub fn add_implausible(&mut self, (n, range): (u64, Option<(i64, i64)>)) {
        let (count, seen) = &mut self.implausible;
        *count += n;
        if let Some((lo, hi)) = range {
            *seen = Some(seen.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
        }
    }

    /// Adds a system (grey tip) message: sender [`PersonRef::System`], kind `System`.
    pub fn system_message(&mut self, group: GroupId, time: i64, text: &str) {
        self.message(NewMessage {
            time,
            group,
            sender: &PersonRef::System,
            sender_name: None,
            kind: MessageKind::System,
            text,
            quote: None,
            mentions: Vec::new(),
        });
    }

    /// Records a join / leave / removal; names are resolved when the model is finished.
    pub fn membership(&mut self, event: MembershipEvent) {
        self.pending_events.push(event);
    }

    /// Records that a member-list file lists `person` in `group` (joined at `time`, or 0).
    pub fn listed_member(&mut self, group: GroupId, person: PersonRef, name: Option<String>, time: i64) {
        self.pending_listed.push((group, person, name, time));
    }

    /// Records a display name for an id-keyed person without adding a message. A WeChat XML
    /// join names each new member by wxid *and* nickname while [`MembershipEvent`] carries only
    /// the [`PersonRef`]; the hint gives the member a name in the report and lets plain-text
    /// system messages that name them resolve to the same member. Name-only and system
    /// references are ignored (they resolve when the model is built).
    pub fn name_hint(&mut self, group: GroupId, person: &PersonRef, name: &str, time: i64) {
        let platform = self.platform_of(group);
        match person {
            PersonRef::SelfAccount if !self.file_self.contains_key(&platform) => {
                let name = name.trim();
                if !name.is_empty() {
                    self.file_self_refs.names.push((group, name.to_string(), time));
                }
            }
            PersonRef::Id(_) | PersonRef::SelfAccount => {
                self.member_for(group, person, Some(name), time);
            }
            _ => {}
        }
    }

    /// Tells the builder the exporting account's platform id for the file being read (WeChat
    /// exports name it on their own rows but say "你"/"我" in system messages): the file's
    /// [`PersonRef::SelfAccount`] references become that member, marked as self. The first id
    /// given per file and platform wins; other files may name other accounts (an operator team
    /// exports from several), each its own member.
    pub fn identify_self(&mut self, group: GroupId, id: &str) {
        let platform = self.platform_of(group);
        if self.file_self.contains_key(&platform) {
            return;
        }
        let member = self.id_member(platform, id);
        self.model.members[member as usize].is_self = true;
        self.file_self.insert(platform, member);
    }

    /// Ends the current file: its exporter references (messages, names, membership events
    /// written before or without the exporter's id) go to the account the file named, or to
    /// the anonymous exporter of the platform. Called by the ingest layer after every file.
    pub fn end_file(&mut self) {
        self.dedup.end_file();
        let refs = std::mem::take(&mut self.file_self_refs);
        let file_self = std::mem::take(&mut self.file_self);
        let target = |b: &mut Self, platform: Platform| match file_self.get(&platform) {
            Some(&id) => id,
            None => b.anonymous_self(platform),
        };
        for (platform, index) in refs.messages {
            let id = target(self, platform);
            self.model.messages.sender[index as usize] = id;
        }
        for (group, name, time) in refs.names {
            // Through member_for, so the name also resolves name-only references in the group.
            let account = file_self.get(&self.platform_of(group)).and_then(|&id| self.model.members[id as usize].platform_id.clone());
            let person = account.map_or(PersonRef::SelfAccount, PersonRef::Id);
            self.member_for(group, &person, Some(&name), time);
        }
        // Events and listings keep their PersonRef until `model()`; name the file's account now.
        let as_id = |b: &Self, r: &mut PersonRef, group: GroupId| {
            if *r == PersonRef::SelfAccount {
                if let Some(&id) = file_self.get(&b.platform_of(group)) {
                    if let Some(pid) = b.model.members[id as usize].platform_id.clone() {
                        *r = PersonRef::Id(pid);
                    }
                }
            }
        };
        let mut events = std::mem::take(&mut self.pending_events);
        let from = refs.events_from.min(events.len());
        for e in &mut events[from..] {
            as_id(self, &mut e.member, e.group);
            if let Some(a) = e.actor.as_mut() {
                as_id(self, a, e.group);
            }
        }
        self.pending_events = events;
        let mut listed = std::mem::take(&mut self.pending_listed);
        let from = refs.listed_from.min(listed.len());
        for l in &mut listed[from..] {
            as_id(self, &mut l.1, l.0);
        }
        self.pending_listed = listed;
        self.file_self_refs.events_from = self.pending_events.len();
        self.file_self_refs.listed_from = self.pending_listed.len();
    }

    /// Resolves name-only references made so far and returns the model. More files can be
    /// added afterwards; the next call resolves their references too.
    pub fn model(&mut self) -> &Model {
        // A file still open (a caller that never ended it) is ended here, so no placeholder
        // sender survives into the model.
        if !self.file_self_refs.messages.is_empty() || !self.file_self_refs.names.is_empty() || !self.file_self.is_empty() {
            self.end_file();
        }
        self.model.messages.shrink_to_fit();
        let listed = std::mem::take(&mut self.pending_listed);
        for (group, person, name, time) in listed {
            let id = self.member_for(group, &person, name.as_deref(), time);
            if id != SYSTEM {
                self.model.listed.push((group, id));
            }
        }
        let pending = std::mem::take(&mut self.pending_names);
        if !pending.names.is_empty() {
            let mut resolved = Vec::with_capacity(pending.names.len());
            for (group, name, first, last) in &pending.names {
                let id = self.resolve_name(*group, name, *first);
                self.note_name(id, name.trim(), *last);
                resolved.push(id);
            }
            for sender in &mut self.model.messages.sender[pending.first_message..] {
                if *sender != SYSTEM && *sender != SELF_REF && *sender & PENDING != 0 {
                    *sender = resolved[(*sender & !PENDING) as usize];
                }
            }
        }
        let events = std::mem::take(&mut self.pending_events);
        self.file_self_refs.events_from = 0;
        self.file_self_refs.listed_from = 0;
        let added = !events.is_empty();
        for e in events {
            let member = self.resolve(e.group, &e.member, e.time);
            // An event about "the system" names nobody (only a damaged partial model says so).
            if member == SYSTEM {
                continue;
            }
            let actor = e.actor.as_ref().map(|a| self.resolve(e.group, a, e.time)).filter(|&a| a != SYSTEM);
            self.model.memberships.push(Membership {
                time: e.time,
                group: e.group,
                member,
                kind: e.kind,
                method: e.method,
                actor,
            });
        }
        if added {
            // Overlapping exports repeat system messages: an identical event counts once.
            self.model.memberships.sort_by_key(|m| (m.time, m.group, m.member, m.kind as u8, m.method.map(|j| j as u8), m.actor));
            self.model.memberships.dedup();
        }
        self.model.listed.sort_unstable();
        self.model.listed.dedup();
        self.model.business.sort();
        &self.model
    }

    /// Resolves everything and returns the model by value.
    pub fn finish(mut self) -> Model {
        self.model();
        self.model
    }

    fn resolve(&mut self, group: GroupId, person: &PersonRef, time: i64) -> MemberId {
        match person {
            PersonRef::Name(n) => self.resolve_name(group, n, time),
            other => self.member_for(group, other, None, time),
        }
    }

    fn resolve_name(&mut self, group: GroupId, name: &str, time: i64) -> MemberId {
        let name = crate::text::trim(name);
        if let Some(&(_, id)) = self.names_in_group.get(group as usize).and_then(|m| m.get(name)) {
            self.note_name(id, name, time);
            return id;
        }
        self.member_for(group, &PersonRef::Name(name.to_string()), None, time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plausible base time (2023-11-14); the tests' times are offsets from it.
    const T0: i64 = 1_700_000_000;

    fn text_msg<'a>(group: GroupId, sender: &'a PersonRef, name: Option<&'a str>, time: i64) -> NewMessage<'a> {
        NewMessage {
            time: T0 + time,
            group,
            sender,
            sender_name: name,
            kind: MessageKind::Text,
            text: "hi",
            quote: None,
            mentions: vec![],
        }
    }

    #[test]
    fn name_only_references_resolve_to_id_members_in_the_same_group() {
        let mut b = ModelBuilder::new();
        let g = b.group(Platform::WeChat, "1@chatroom", Some("群一"));
        b.message(text_msg(g, &PersonRef::Id("wxid_a".into()), Some("小王"), 10));
        b.membership(MembershipEvent {
            time: 20,
            group: g,
            member: PersonRef::Name("新人".into()),
            kind: MembershipKind::Join,
            method: Some(JoinMethod::Invite),
            actor: Some(PersonRef::Name("小王".into())),
        });
        let m = b.finish();
        assert_eq!(m.members.len(), 2);
        assert_eq!(m.memberships[0].actor, Some(0), "inviter resolved to wxid_a");
        assert_eq!(m.members[1].platform_id, None);
        assert_eq!(m.members[1].names[0].name, "新人");
    }

    #[test]
    fn implausible_times_are_dropped_and_counted() {
        let mut b = ModelBuilder::new();
        let g = b.group(Platform::QQ, "g", None);
        b.message(NewMessage { time: 5, ..text_msg(g, &PersonRef::Id("1".into()), None, 0) });
        b.message(text_msg(g, &PersonRef::Id("1".into()), None, 0));
        b.message(NewMessage { time: PLAUSIBLE_TIMES.end, ..text_msg(g, &PersonRef::Id("1".into()), None, 0) });
        assert_eq!(b.take_implausible(), (2, Some((5, PLAUSIBLE_TIMES.end))));
        assert_eq!(b.finish().messages.len(), 1);
    }

    #[test]
    fn name_only_people_in_different_groups_stay_apart() {
        let mut b = ModelBuilder::new();
        let g1 = b.group(Platform::QQ, "g1", None);
        let g2 = b.group(Platform::QQ, "g2", None);
        b.message(text_msg(g1, &PersonRef::Name("小王".into()), None, 1));
        b.message(text_msg(g2, &PersonRef::Name("小王".into()), None, 2));
        let m = b.finish();
        assert_eq!(m.members.len(), 2);
        assert_ne!(m.messages.sender[0], m.messages.sender[1]);
    }

    #[test]
    fn names_are_tracked_over_time() {
        let mut b = ModelBuilder::new();
        let g = b.group(Platform::QQ, "g", None);
        b.message(text_msg(g, &PersonRef::Id("10001".into()), Some("旧名"), 5));
        b.message(text_msg(g, &PersonRef::Id("10001".into()), Some("新名"), 9));
        b.message(text_msg(g, &PersonRef::Id("10001".into()), Some("旧名"), 3));
        let m = b.finish();
        let names = &m.members[0].names;
        assert_eq!(names.len(), 2);
        assert_eq!((names[0].first_seen - T0, names[0].last_seen - T0), (3, 5));
        assert_eq!(names[1].name, "新名");
    }
}
