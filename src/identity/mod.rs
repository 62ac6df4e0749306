//! Identity resolution: which chat member each CRM record, roster row and SDR-invited person
//! is.
//!
//! Keys are tried in order of strength — platform id (wxid, WeCom external userid), phone,
//! email, remark name, nickname — and the first key that finds anyone decides. A record that
//! finds two members, or a member claimed by a weak key (remark, nickname) from two records,
//! is *ambiguous*: never joined silently, listed for the user, who settles it with an
//! override (config `identity_overrides`). Roster rows are resolved first; what they add
//! (phone, email, remark of a member) then helps the CRM records match.
//!
//! The result, [`Identity`], is reused by every section that needs business data per member
//! (funnels, attribution, roles): [`ResolvedPerson`] lists a member's CRM records, roster rows
//! and SDR invitations.

mod normalize;
mod stages;

pub use normalize::{normalize_email, normalize_name, normalize_phone};
pub use stages::{Ladder, StageDef, StageReached};

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::model::{HashMap, MemberId, Model};

/// What matched a record to a member, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKey {
    /// The user chose it (config `identity_overrides`).
    Override,
    PlatformId,
    Phone,
    Email,
    Remark,
    Nickname,
}

impl MatchKey {
    /// How sure a match by this key is, 0–1.
    pub fn confidence(self) -> f64 {
        match self {
            MatchKey::Override | MatchKey::PlatformId => 1.0,
            MatchKey::Phone => 0.95,
            MatchKey::Email => 0.9,
            MatchKey::Remark => 0.7,
            MatchKey::Nickname => 0.5,
        }
    }

    /// Remark and nickname: names people share.
    pub fn is_weak(self) -> bool {
        matches!(self, MatchKey::Remark | MatchKey::Nickname)
    }
}

/// Which kind of business file a record comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    #[default]
    Crm,
    Roster,
    SdrLog,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::Crm, Source::Roster, Source::SdrLog];
}

/// The user's decision about one record: `member` is a report member id (`wechat:wxid_…`)
/// or a platform id; null means "not anyone in the chats".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdentityOverride {
    pub source: Source,
    /// The record key shown in the report's `identity` lists.
    pub record: String,
    pub member: Option<String>,
}

/// How one business record resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Matched { member: MemberId, key: MatchKey },
    /// Several members fit (or one member, claimed by several records by name).
    Ambiguous { candidates: Vec<MemberId>, key: MatchKey },
    Unmatched,
    /// The user said it is nobody in the chats.
    Rejected,
}

/// Everything the business files say about one member.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResolvedPerson {
    /// Indices into `model.business.crm`, the strongest match first.
    pub crm: Vec<usize>,
    /// Indices into `model.business.roster`.
    pub roster: Vec<usize>,
    /// Indices into `model.business.sdr_log` of rows that invited this member.
    pub invited: Vec<usize>,
    /// Key of the primary CRM match.
    pub key: Option<MatchKey>,
}

/// The resolution of every business record.
#[derive(Clone, Debug, Default)]
pub struct Identity {
    pub crm: Vec<Status>,
    pub roster: Vec<Status>,
    /// `None` for SDR rows that name nobody (counts only).
    pub sdr_log: Vec<Option<Status>>,
    /// Per member (index = member id).
    pub persons: Vec<ResolvedPerson>,
    /// Report ids of the members (index = member id).
    pub member_ids: Vec<String>,
    /// Overrides that named a record found in the data.
    pub overrides_applied: usize,
}

impl Identity {
    /// The member's primary CRM record.
    pub fn primary_crm(&self, member: MemberId) -> Option<usize> {
        self.persons.get(member as usize).and_then(|p| p.crm.first().copied())
    }

    /// Statuses of one source (SDR rows that name nobody left out), with record indices.
    pub fn statuses(&self, source: Source) -> Vec<(usize, &Status)> {
        match source {
            Source::Crm => self.crm.iter().enumerate().collect(),
            Source::Roster => self.roster.iter().enumerate().collect(),
            Source::SdrLog => self.sdr_log.iter().enumerate().filter_map(|(i, s)| s.as_ref().map(|s| (i, s))).collect(),
        }
    }
}

/// The key a record is shown and overridden by: a CRM record's id; a roster row's member id
/// (else `file#line`); an SDR row's `file#line`.
pub fn record_key(model: &Model, source: Source, i: usize) -> String {
    let b = &model.business;
    match source {
        Source::Crm => b.crm[i].id.clone(),
        Source::Roster => {
            let r = &b.roster[i];
            match (&r.member_id, &r.group) {
                (Some(id), Some(g)) => format!("{id}@{g}"),
                (Some(id), None) => id.clone(),
                _ => format!("{}#{}", r.file, r.line),
            }
        }
        Source::SdrLog => format!("{}#{}", b.sdr_log[i].file, b.sdr_log[i].line),
    }
}

/// Lookup tables from normalised keys to members.
#[derive(Default)]
struct Index {
    by_id: HashMap<String, Vec<MemberId>>,
    by_phone: HashMap<String, Vec<MemberId>>,
    by_email: HashMap<String, Vec<MemberId>>,
    by_remark: HashMap<String, Vec<MemberId>>,
    by_name: HashMap<String, Vec<MemberId>>,
}

fn add(map: &mut HashMap<String, Vec<MemberId>>, key: String, m: MemberId) {
    let list = map.entry(key).or_default();
    if !list.contains(&m) {
        list.push(m);
    }
}

impl Index {
    fn new(model: &Model) -> Index {
        let mut ix = Index::default();
        for (i, m) in model.members.iter().enumerate() {
            let id = i as MemberId;
            if let Some(pid) = m.platform_id.as_deref() {
                add(&mut ix.by_id, pid.trim().to_lowercase(), id);
                // WhatsApp and phone-number ids are phones too.
                if let Some(p) = normalize_phone(pid) {
                    add(&mut ix.by_phone, p, id);
                }
                if let Some(e) = normalize_email(pid) {
                    add(&mut ix.by_email, e, id);
                }
            }
            for n in &m.names {
                if let Some(p) = normalize_phone(&n.name) {
                    add(&mut ix.by_phone, p, id);
                } else if let Some(k) = normalize_name(&n.name) {
                    add(&mut ix.by_name, k, id);
                }
            }
        }
        ix
    }

    /// Members a value finds at one key level.
    fn find(&self, key: MatchKey, value: &str) -> Vec<MemberId> {
        let hit = |map: &HashMap<String, Vec<MemberId>>, k: Option<String>| k.and_then(|k| map.get(&k).cloned()).unwrap_or_default();
        match key {
            MatchKey::Override => Vec::new(),
            MatchKey::PlatformId => hit(&self.by_id, Some(value.trim().to_lowercase())),
            MatchKey::Phone => hit(&self.by_phone, normalize_phone(value)),
            MatchKey::Email => hit(&self.by_email, normalize_email(value)),
            // A CRM remark is what the rep calls the person: a display name in exports made by
            // that rep, or a remark a roster gave.
            MatchKey::Remark => {
                let mut v = hit(&self.by_remark, normalize_name(value));
                for m in hit(&self.by_name, normalize_name(value)) {
                    if !v.contains(&m) {
                        v.push(m);
                    }
                }
                v
            }
            MatchKey::Nickname => hit(&self.by_name, normalize_name(value)),
        }
    }
}

/// A record's values per key level, strongest first.
type Probes = Vec<(MatchKey, String)>;

/// The values a record has, with their key levels, in the order given.
fn probes_of(values: &[(MatchKey, &Option<String>)]) -> Probes {
    values.iter().filter_map(|(k, v)| v.as_ref().map(|v| (*k, v.clone()))).collect()
}

/// First key level that finds anyone: one member is a match, several are ambiguous.
fn probe(ix: &Index, probes: &Probes, allowed: Option<&[MemberId]>, order: &impl Fn(&mut Vec<MemberId>)) -> Status {
    for (key, value) in probes {
        let mut found = ix.find(*key, value);
        order(&mut found);
        if let Some(allowed) = allowed {
            if key.is_weak() {
                // `allowed` is in member order (see `resolve`): a binary search, not a scan.
                found.retain(|m| allowed.binary_search(m).is_ok());
            }
        }
        match found.len() {
            0 => continue,
            1 => return Status::Matched { member: found[0], key: *key },
            _ => return Status::Ambiguous { candidates: found, key: *key },
        }
    }
    Status::Unmatched
}

/// A member claimed by weak keys from several records: none of them is trusted.
fn settle_weak_claims(statuses: &mut [Status]) {
    let mut claims: HashMap<MemberId, usize> = HashMap::default();
    for s in statuses.iter() {
        if let Status::Matched { member, .. } = s {
            *claims.entry(*member).or_default() += 1;
        }
    }
    for s in statuses.iter_mut() {
        if let Status::Matched { member, key } = *s {
            if key.is_weak() && claims.get(&member).copied().unwrap_or(0) > 1 {
                *s = Status::Ambiguous { candidates: vec![member], key };
            }
        }
    }
}

/// Resolves every business record in `model` against its members, with the config's
/// overrides.
pub fn resolve(model: &Model, config: &Config) -> Identity {
    let groups = crate::report::members::member_groups(model);
    let member_ids = crate::report::members::member_ids(model, &groups);
    // Candidates in report-id order, so the result does not depend on load order.
    let order = |list: &mut Vec<MemberId>| list.sort_by(|a, b| member_ids[*a as usize].cmp(&member_ids[*b as usize]));
    let mut out = Identity { persons: vec![ResolvedPerson::default(); model.members.len()], member_ids: member_ids.clone(), ..Default::default() };
    let b = &model.business;
    if b.is_empty() {
        return out;
    }
    let mut ix = Index::new(model);
    let overrides = Overrides::new(config, &out.member_ids, model);

    // Roster rows: by member id, phone, then name among the members of the row's group.
    let group_members = |name: &str| -> Option<Vec<MemberId>> {
        let gs = crate::report::roles::groups_named(model, name);
        (!gs.is_empty()).then(|| groups.iter().enumerate().filter(|(_, mg)| mg.iter().any(|g| gs.contains(g))).map(|(m, _)| m as MemberId).collect())
    };
    // Once per group name, not per row: a roster lists one group's members many times over.
    let mut members_of_group: HashMap<&str, Option<Vec<MemberId>>> = HashMap::default();
    for g in b.roster.iter().filter_map(|r| r.group.as_deref()) {
        members_of_group.entry(g).or_insert_with(|| group_members(g));
    }
    let mut roster: Vec<Status> = b
        .roster
        .iter()
        .map(|r| {
            use MatchKey::*;
            let probes = probes_of(&[(PlatformId, &r.member_id), (Phone, &r.phone), (Email, &r.email), (Remark, &r.remark), (Nickname, &r.name)]);
            let allowed = r.group.as_deref().and_then(|g| members_of_group.get(g)).and_then(|a| a.as_deref());
            probe(&ix, &probes, allowed, &order)
        })
        .collect();
    settle_weak_claims(&mut roster);
    overrides.apply(Source::Roster, &mut roster, |i| record_key(model, Source::Roster, i), &mut out.overrides_applied);
    // What a matched roster row knows about its member helps the CRM match.
    for (r, s) in b.roster.iter().zip(&roster) {
        if let Status::Matched { member, .. } = *s {
            if let Some(p) = &r.phone {
                add(&mut ix.by_phone, p.clone(), member);
            }
            if let Some(e) = &r.email {
                add(&mut ix.by_email, e.clone(), member);
            }
            if let Some(k) = r.remark.as_deref().and_then(normalize_name) {
                add(&mut ix.by_remark, k, member);
            }
        }
    }

    let mut crm: Vec<Status> = b
        .crm
        .iter()
        .map(|r| {
            use MatchKey::*;
            let probes = probes_of(&[
                (PlatformId, &r.platform_id),
                (Phone, &r.phone),
                (Email, &r.email),
                (Remark, &r.remark),
                (Nickname, &r.nickname),
                (Nickname, &r.name),
            ]);
            probe(&ix, &probes, None, &order)
        })
        .collect();
    settle_weak_claims(&mut crm);
    overrides.apply(Source::Crm, &mut crm, |i| record_key(model, Source::Crm, i), &mut out.overrides_applied);

    let mut sdr: Vec<Option<Status>> = b
        .sdr_log
        .iter()
        .map(|r| {
            let mut probes: Probes = Vec::new();
            if let Some(v) = &r.invited {
                probes.push((MatchKey::PlatformId, v.clone()));
            }
            probes.extend(r.invited_phone.clone().map(|v| (MatchKey::Phone, v)));
            if let Some(v) = &r.invited {
                probes.push((MatchKey::Phone, v.clone()));
                probes.push((MatchKey::Nickname, v.clone()));
            }
            (!probes.is_empty()).then(|| probe(&ix, &probes, None, &order))
        })
        .collect();
    {
        let mut flat: Vec<Status> = sdr.iter().map(|s| s.clone().unwrap_or(Status::Unmatched)).collect();
        overrides.apply(Source::SdrLog, &mut flat, |i| record_key(model, Source::SdrLog, i), &mut out.overrides_applied);
        for (slot, s) in sdr.iter_mut().zip(flat) {
            if slot.is_some() {
                *slot = Some(s);
            }
        }
    }

    // Per member: CRM records strongest key first (then file order).
    let mut by_member: Vec<Vec<(MatchKey, usize)>> = vec![Vec::new(); model.members.len()];
    for (i, s) in crm.iter().enumerate() {
        if let Status::Matched { member, key } = *s {
            by_member[member as usize].push((key, i));
        }
    }
    for (p, mut list) in out.persons.iter_mut().zip(by_member) {
        list.sort();
        p.key = list.first().map(|&(k, _)| k);
        p.crm = list.into_iter().map(|(_, i)| i).collect();
    }
    for (i, s) in roster.iter().enumerate() {
        if let Status::Matched { member, .. } = *s {
            out.persons[member as usize].roster.push(i);
        }
    }
    for (i, s) in sdr.iter().enumerate() {
        if let Some(Status::Matched { member, .. }) = s {
            out.persons[*member as usize].invited.push(i);
        }
    }
    out.crm = crm;
    out.roster = roster;
    out.sdr_log = sdr;
    out
}

/// The config's overrides, with member references resolved.
struct Overrides {
    /// `(source, record key) -> Some(member) | None (not anyone)`; an override naming a member
    /// that is not in the data is ignored.
    decided: HashMap<(Source, String), Option<MemberId>>,
}

impl Overrides {
    fn new(config: &Config, ids: &[String], model: &Model) -> Overrides {
        let mut decided = HashMap::default();
        for o in &config.identity_overrides {
            let member = match o.member.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
                None => None,
                Some(m) => {
                    let found = ids.iter().position(|id| id == m).or_else(|| {
                        model.members.iter().position(|x| x.platform_id.as_deref() == Some(m))
                    });
                    match found {
                        Some(i) => Some(i as MemberId),
                        None => continue,
                    }
                }
            };
            decided.insert((o.source, o.record.trim().to_string()), member);
        }
        Overrides { decided }
    }

    fn apply(&self, source: Source, statuses: &mut [Status], key: impl Fn(usize) -> String, applied: &mut usize) {
        if self.decided.is_empty() {
            return;
        }
        for (i, s) in statuses.iter_mut().enumerate() {
            if let Some(decision) = self.decided.get(&(source, key(i))) {
                *applied += 1;
                *s = match decision {
                    Some(member) => Status::Matched { member: *member, key: MatchKey::Override },
                    None => Status::Rejected,
                };
            }
        }
    }
}
