//! Journeys: for every person, *when* each thing that funnels and attribution care about
//! happened — invited, joined a group, first message, each active day, questions asked, files
//! shared, and every CRM stage reached.
//!
//! Built once per model and identity (the [`Cache`] keeps it between reports), so changing
//! funnel steps, windows or attribution models only re-reads these columns: a funnel over a
//! million people recomputes without touching the messages again.
//!
//! People are the chat members that are not staff, then CRM records joined to nobody (still
//! leads and deals — a CRM-only funnel must count them), then people an SDR log says were
//! invited who were never found in the chats.

use crate::config::Config;
use crate::identity::{Identity, Ladder, Source, Status};
use crate::model::{GroupId, HashMap, JoinMethod, MemberId, MembershipKind, MessageKind, Model, SYSTEM};
use crate::time::Zone;

/// Sorted times per person, stored as one column with offsets (a million people would
/// otherwise be a million small vectors).
#[derive(Clone, Debug, Default)]
pub struct Times {
    offsets: Vec<u32>,
    times: Vec<i64>,
}

impl Times {
    /// Groups `(person, time)` pairs by person, each person's times sorted.
    fn from_pairs(persons: usize, pairs: &[(u32, i64)]) -> Times {
        let mut offsets = vec![0u32; persons + 1];
        for &(p, _) in pairs {
            offsets[p as usize + 1] += 1;
        }
        for i in 0..persons {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut times = vec![0i64; pairs.len()];
        for &(p, t) in pairs {
            let at = &mut fill[p as usize];
            times[*at as usize] = t;
            *at += 1;
        }
        for p in 0..persons {
            times[offsets[p] as usize..offsets[p + 1] as usize].sort_unstable();
        }
        Times { offsets, times }
    }

    /// One person's times, sorted.
    pub fn of(&self, person: usize) -> &[i64] {
        match (self.offsets.get(person), self.offsets.get(person + 1)) {
            (Some(&a), Some(&b)) => &self.times[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The person's earliest time in `lo..=hi`.
    pub fn first_in(&self, person: usize, lo: i64, hi: i64) -> Option<i64> {
        let list = self.of(person);
        let at = list.partition_point(|&t| t < lo);
        list.get(at).copied().filter(|&t| t <= hi)
    }
}

/// How a CRM stage's time is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageTime {
    NotReached,
    /// The export gives the time.
    Known(i64),
    /// The stage was passed but has no time of its own; it happened no later than this
    /// (the time of the next stage up that has one, e.g. a won deal with no SQL date).
    NoLaterThan(i64),
    /// Passed, and nothing says when.
    Undated,
}

/// Who a person is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonKind {
    Member(MemberId),
    /// A CRM record joined to no member (index into `model.business.crm`).
    CrmOnly(usize),
    /// An SDR log row naming someone not found in the chats (index into `sdr_log`).
    InvitedOnly(usize),
}

/// What breakdowns and drop-off lists show about a person.
#[derive(Clone, Debug)]
pub struct Person {
    pub kind: PersonKind,
    /// Report id: a member id, `crm:<record id>` or `sdr:<file#line>`.
    pub id: String,
    pub name: String,
    /// The first group joined or spoken in.
    pub group: Option<GroupId>,
    /// CRM owner (sales / SDR) of the primary record, else the SDR whose log invited them.
    pub owner: Option<String>,
    /// CRM source or campaign, else the roster's join channel, else how they joined.
    pub channel: Option<String>,
    /// Last message, else the latest stage time.
    pub last_activity: Option<i64>,
    /// First join (or first message) time: the join-month cohort.
    pub first_joined: Option<i64>,
}

/// The earliest time of each (person, group) seen so far. A person's messages mostly come in
/// runs in one group, in time order: each person's last group and its earliest time answer
/// most of them without a hash lookup (one per message was most of the passes that need
/// this).
pub(crate) struct EarliestInGroup {
    earliest: HashMap<(u32, GroupId), i64>,
    last: Vec<(GroupId, i64)>,
}

impl EarliestInGroup {
    pub(crate) fn new(persons: usize) -> Self {
        EarliestInGroup { earliest: HashMap::default(), last: vec![(GroupId::MAX, i64::MIN); persons] }
    }

    /// Notes `person` in `group` at `time`.
    pub(crate) fn note(&mut self, person: u32, group: GroupId, time: i64) {
        if let Some(&(g, t)) = self.last.get(person as usize) {
            if g == group && t <= time {
                return;
            }
        }
        let slot = self.earliest.entry((person, group)).or_insert(time);
        *slot = (*slot).min(time);
        if let Some(last) = self.last.get_mut(person as usize) {
            *last = (group, *slot);
        }
    }

    /// `((person, group), earliest time)` in no particular order.
    pub(crate) fn into_pairs(self) -> impl Iterator<Item = ((u32, GroupId), i64)> {
        self.earliest.into_iter()
    }
}

/// Every person's events (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct Journeys {
    pub persons: Vec<Person>,
    /// SDR log dates naming the person, and chat joins someone else brought them into.
    pub invited: Times,
    /// Join events, and the first message in a group they have no join event for.
    pub joined: Times,
    /// First message (any group).
    pub first_message: Vec<Option<i64>>,
    /// The first message of each distinct local day they spoke on.
    pub active_days: Times,
    /// Files shared.
    pub files: Times,
    /// Attribution touchpoints; built on first use ([`crate::report::attribution`]).
    pub attribution: Option<crate::report::attribution::touches::Touches>,
    /// Questions asked; filled on first use ([`Journeys::ensure_questions`]).
    questions: Option<Times>,
    /// Canonical names of the ladder's non-lost stages, in order.
    pub stage_names: Vec<String>,
    /// Per stage (as `stage_names`), per person.
    pub stages: Vec<Vec<StageTime>>,
    /// Owners (`owner_names[owner_of[p]]`, id 0 = none) and channels, interned once so that
    /// breakdowns count by index.
    pub owner_of: Vec<u32>,
    pub owner_names: Vec<String>,
    pub channel_of: Vec<u32>,
    pub channel_names: Vec<String>,
    /// Month number (`year * 12 + month - 1`, local) of `first_joined`, precomputed because a
    /// time-zone lookup per person would dominate a funnel recompute; `i64::MIN` = none.
    pub first_joined_month: Vec<i64>,
    /// Compact copies of `persons[p].group` (+1, 0 = none) and `last_activity` (`i64::MIN` =
    /// none): a recompute walks a million people and should not touch their strings.
    pub group_of: Vec<u32>,
    pub last_activity: Vec<i64>,
    /// Per member, its person (none for staff).
    pub person_of_member: Vec<Option<u32>>,
    /// Per SDR log row, the person it invited (none when the row names nobody).
    pub person_of_sdr_row: Vec<Option<u32>>,
    /// Per roster row, its person (none when unmatched or staff).
    pub person_of_roster_row: Vec<Option<u32>>,
    /// Per person: the amounts of their won CRM records, summed (attribution's revenue).
    pub won_value: Vec<f64>,
    /// Per person: whether a CRM record names them (so its owner is the one converting them).
    pub in_crm: Vec<bool>,
}

impl Journeys {
    /// Builds every column from the model and its resolved identity.
    pub fn build(model: &Model, identity: &Identity, config: &Config, zone: &Zone) -> Journeys {
        let staff = crate::report::staff::staff_flags(model, config);
        let ladder = Ladder::new(&config.stage_ladder);
        let b = &model.business;

        // People: members (not staff), then unjoined CRM records and SDR invitations.
        let mut person_of: Vec<Option<u32>> = vec![None; model.members.len()];
        let mut persons: Vec<Person> = Vec::new();
        for (m, member) in model.members.iter().enumerate() {
            if crate::report::staff::is_staff(&staff, m as MemberId) {
                continue;
            }
            person_of[m] = Some(persons.len() as u32);
            persons.push(Person {
                kind: PersonKind::Member(m as MemberId),
                id: identity.member_ids.get(m).cloned().unwrap_or_default(),
                name: crate::report::members::latest_name(member),
                group: None,
                owner: None,
                channel: None,
                last_activity: None,
                first_joined: None,
            });
        }
        for (i, status) in identity.crm.iter().enumerate() {
            if !matches!(status, Status::Matched { .. }) {
                let rec = &b.crm[i];
                persons.push(Person {
                    kind: PersonKind::CrmOnly(i),
                    id: format!("crm:{}", rec.id),
                    name: rec.name.clone().or_else(|| rec.nickname.clone()).unwrap_or_else(|| rec.id.clone()),
                    group: None,
                    owner: rec.owner.clone(),
                    channel: rec.source.clone().or_else(|| rec.campaign.clone()),
                    last_activity: None,
                    first_joined: None,
                });
            }
        }
        let mut invited: Vec<(u32, i64)> = Vec::new();
        let mut person_of_sdr_row: Vec<Option<u32>> = vec![None; b.sdr_log.len()];
        for (i, status) in identity.sdr_log.iter().enumerate() {
            let row = &b.sdr_log[i];
            match status {
                Some(Status::Matched { member, .. }) => {
                    if let Some(p) = person_of.get(*member as usize).copied().flatten() {
                        person_of_sdr_row[i] = Some(p);
                        invited.push((p, row.date));
                        persons[p as usize].owner.get_or_insert_with(|| row.sdr.clone());
                    }
                }
                Some(_) => {
                    person_of_sdr_row[i] = Some(persons.len() as u32);
                    invited.push((persons.len() as u32, row.date));
                    persons.push(Person {
                        kind: PersonKind::InvitedOnly(i),
                        id: format!("sdr:{}", crate::identity::record_key(model, Source::SdrLog, i)),
                        name: row.invited.clone().or_else(|| row.invited_phone.clone()).unwrap_or_default(),
                        group: None,
                        owner: Some(row.sdr.clone()),
                        channel: None,
                        last_activity: None,
                        first_joined: None,
                    });
                }
                None => {}
            }
        }
        let n = persons.len();

        // Messages: first message, per-group first messages, active days, files.
        let m = &model.messages;
        let mut first_message: Vec<Option<i64>> = vec![None; n];
        let mut spoke: Vec<(u32, i64)> = Vec::with_capacity(m.len());
        let mut first_in_group = EarliestInGroup::new(n);
        let mut files: Vec<(u32, i64)> = Vec::new();
        for i in 0..m.len() {
            let sender = m.sender[i];
            if sender == SYSTEM || !m.kind[i].is_member_activity() {
                continue;
            }
            let Some(p) = person_of.get(sender as usize).copied().flatten() else { continue };
            let t = m.time[i];
            spoke.push((p, t));
            let first = &mut first_message[p as usize];
            *first = Some(first.map_or(t, |f| f.min(t)));
            first_in_group.note(p, m.group[i], t);
            if m.kind[i] == MessageKind::File {
                files.push((p, t));
            }
        }
        let spoke = Times::from_pairs(n, &spoke);
        let mut day_firsts: Vec<(u32, i64)> = Vec::new();
        let mut cache = crate::time::LocalCache::default();
        for p in 0..n {
            let mut last_day = None;
            for &t in spoke.of(p) {
                let day = zone.local_cached(t, &mut cache).days;
                if last_day != Some(day) {
                    day_firsts.push((p as u32, t));
                    last_day = Some(day);
                }
            }
            if let Some(&t) = spoke.of(p).last() {
                persons[p].last_activity = Some(t);
            }
        }

        // Joins (and who brought them in), then first messages where no join was seen.
        let mut joined: Vec<(u32, i64)> = Vec::new();
        let mut join_seen: HashMap<(u32, GroupId), ()> = HashMap::default();
        let mut first_group: Vec<Option<(i64, GroupId)>> = vec![None; n];
        let mut method: Vec<Option<(i64, JoinMethod)>> = vec![None; n];
        // Ties in time go to the group first by report id (group ids follow file order).
        let mut by_id: Vec<GroupId> = (0..model.groups.len() as GroupId).collect();
        by_id.sort_by_cached_key(|&g| crate::report::group_id(&model.groups[g as usize]));
        let mut rank = vec![0u32; model.groups.len()];
        for (r, &g) in by_id.iter().enumerate() {
            rank[g as usize] = r as u32;
        }
        let rank_of = |g: GroupId| rank.get(g as usize).copied().unwrap_or(u32::MAX);
        let earliest = |slot: &mut Option<(i64, GroupId)>, t: i64, g: GroupId| {
            if slot.is_none_or(|(t0, g0)| (t, rank_of(g)) < (t0, rank_of(g0))) {
                *slot = Some((t, g));
            }
        };
        for e in model.memberships.iter().filter(|e| e.kind == MembershipKind::Join) {
            let Some(p) = person_of.get(e.member as usize).copied().flatten() else { continue };
            joined.push((p, e.time));
            join_seen.insert((p, e.group), ());
            earliest(&mut first_group[p as usize], e.time, e.group);
            if e.actor.is_some_and(|a| a != e.member) {
                invited.push((p, e.time));
            }
            if let Some(how) = e.method {
                if method[p as usize].is_none_or(|(t0, _)| e.time < t0) {
                    method[p as usize] = Some((e.time, how));
                }
            }
        }
        let mut firsts: Vec<((u32, GroupId), i64)> = first_in_group.into_pairs().collect();
        firsts.sort_unstable();
        for ((p, g), t) in firsts {
            if !join_seen.contains_key(&(p, g)) {
                joined.push((p, t));
            }
            earliest(&mut first_group[p as usize], t, g);
        }

        // Roster rows: join time, inviter, channel.
        let mut person_of_roster_row: Vec<Option<u32>> = vec![None; b.roster.len()];
        for (i, (r, status)) in b.roster.iter().zip(&identity.roster).enumerate() {
            let Status::Matched { member, .. } = status else { continue };
            let Some(p) = person_of.get(*member as usize).copied().flatten() else { continue };
            person_of_roster_row[i] = Some(p);
            if let Some(t) = r.join_time {
                joined.push((p, t));
                if r.inviter.is_some() {
                    invited.push((p, t));
                }
                if let Some(g) = r.group.as_deref().and_then(|g| crate::report::roles::groups_named(model, g).first().copied()) {
                    earliest(&mut first_group[p as usize], t, g);
                }
            }
            if persons[p as usize].channel.is_none() {
                persons[p as usize].channel = r.channel.clone();
            }
        }

        // CRM stages: the earliest time over a person's records, per canonical stage.
        let stage_defs: Vec<usize> = (0..ladder.stages().len()).filter(|&i| !ladder.stages()[i].lost).collect();
        let stage_names: Vec<String> = stage_defs.iter().map(|&i| ladder.stages()[i].stage.clone()).collect();
        let mut stages = vec![vec![StageTime::NotReached; n]; stage_names.len()];
        let mut won_value = vec![0.0; n];
        let mut in_crm = vec![false; n];
        let records_of = |p: &Person| -> Vec<usize> {
            match p.kind {
                PersonKind::Member(mm) => identity.persons.get(mm as usize).map(|r| r.crm.clone()).unwrap_or_default(),
                PersonKind::CrmOnly(i) => vec![i],
                PersonKind::InvitedOnly(_) => Vec::new(),
            }
        };
        for (p, person) in persons.iter_mut().enumerate() {
            let records = records_of(person);
            if records.is_empty() {
                continue;
            }
            in_crm[p] = true;
            if let PersonKind::Member(_) = person.kind {
                let primary = &b.crm[records[0]];
                if let Some(owner) = primary.owner.clone() {
                    person.owner = Some(owner);
                }
                if let Some(channel) = primary.source.clone().or_else(|| primary.campaign.clone()) {
                    person.channel = Some(channel);
                }
            }
            let mut reached: Vec<Option<Option<i64>>> = vec![None; stage_names.len()];
            for &r in &records {
                let passed = ladder.reached(&b.crm[r]);
                if passed.iter().any(|s| s.stage == "won") {
                    won_value[p] += b.crm[r].amount.unwrap_or(0.0);
                }
                for s in passed {
                    let Some(k) = stage_names.iter().position(|n| *n == s.stage) else { continue };
                    let slot = &mut reached[k];
                    *slot = Some(match (*slot, s.time) {
                        (Some(Some(a)), Some(t)) => Some(a.min(t)),
                        (Some(Some(a)), None) => Some(a),
                        (_, t) => t,
                    });
                }
            }
            let mut later_known: Option<i64> = None;
            for k in (0..stage_names.len()).rev() {
                stages[k][p] = match reached[k] {
                    None => StageTime::NotReached,
                    Some(Some(t)) => {
                        later_known = Some(later_known.map_or(t, |l| l.min(t)));
                        StageTime::Known(t)
                    }
                    Some(None) => later_known.map_or(StageTime::Undated, StageTime::NoLaterThan),
                };
            }
            if person.last_activity.is_none() {
                person.last_activity = reached.iter().filter_map(|r| r.flatten()).max();
            }
        }

        for (p, person) in persons.iter_mut().enumerate() {
            if let Some((t, g)) = first_group[p] {
                person.group = Some(g);
                person.first_joined = Some(t);
            }
            if person.channel.is_none() {
                person.channel = method[p].map(|(_, how)| join_channel(how).to_string());
            }
        }
        let first_joined_month = persons.iter().map(|p| p.first_joined.map_or(i64::MIN, |t| crate::report::health::series::month_of(zone, t))).collect();
        let (owner_of, owner_names) = intern(persons.iter().map(|p| p.owner.as_deref()));
        let (channel_of, channel_names) = intern(persons.iter().map(|p| p.channel.as_deref()));
        let group_of = persons.iter().map(|p| p.group.map_or(0, |g| g + 1)).collect();
        let last_activity = persons.iter().map(|p| p.last_activity.unwrap_or(i64::MIN)).collect();
        Journeys {
            group_of,
            last_activity,
            first_joined_month,
            owner_of,
            owner_names,
            channel_of,
            channel_names,
            invited: Times::from_pairs(n, &invited),
            joined: Times::from_pairs(n, &joined),
            first_message,
            active_days: Times::from_pairs(n, &day_firsts),
            files: Times::from_pairs(n, &files),
            questions: None,
            attribution: None,
            stage_names,
            stages,
            persons,
            person_of_member: person_of,
            person_of_sdr_row,
            person_of_roster_row,
            won_value,
            in_crm,
        }
    }

    /// Questions asked per person (classifies every text message once, on first use).
    pub fn ensure_questions(&mut self, model: &Model) -> &Times {
        if self.questions.is_none() {
            let person_of = &self.person_of_member;
            let msgs = &model.messages;
            let mut pairs = Vec::new();
            for i in 0..msgs.len() {
                if msgs.kind[i] != MessageKind::Text || msgs.sender[i] == SYSTEM {
                    continue;
                }
                let Some(p) = person_of.get(msgs.sender[i] as usize).copied().flatten() else { continue };
                if msgs.is_question(i) {
                    pairs.push((p, msgs.time[i]));
                }
            }
            self.questions = Some(Times::from_pairs(self.persons.len(), &pairs));
        }
        self.questions.get_or_insert_with(Times::default)
    }

    /// Questions, if [`Journeys::ensure_questions`] ran.
    pub fn questions(&self) -> Option<&Times> {
        self.questions.as_ref()
    }
}

/// Dense ids for trimmed values (0 = none or blank) and the names by id.
fn intern<'a>(values: impl Iterator<Item = Option<&'a str>>) -> (Vec<u32>, Vec<String>) {
    let mut names = vec![String::new()];
    let mut ids: HashMap<&'a str, u32> = HashMap::default();
    let of = values
        .map(|v| match v.map(str::trim).filter(|v| !v.is_empty()) {
            None => 0,
            Some(v) => *ids.entry(v).or_insert_with(|| {
                names.push(v.to_string());
                names.len() as u32 - 1
            }),
        })
        .collect();
    (of, names)
}

/// The channel a join method stands for when nothing better is known.
fn join_channel(how: JoinMethod) -> &'static str {
    match how {
        JoinMethod::Invite => "invite",
        JoinMethod::QrCode => "qr_code",
        JoinMethod::Link => "link",
        JoinMethod::Unknown => "join",
    }
}

/// Keeps the journeys between reports while the data and the settings that shape them (time
/// zone, identity overrides, stage ladder, staff) are unchanged.
#[derive(Default)]
pub struct Cache {
    key: Option<String>,
    journeys: Journeys,
}

impl Cache {
    fn key(model: &Model, config: &Config, zone: &Zone) -> String {
        let b = &model.business;
        let shaping = (
            &config.stage_ladder,
            &config.identity_overrides,
            &config.staff,
            config.self_is_staff,
            &config.role_tags,
        );
        format!(
            "{}|{}|{}|{}|{}|{}|{}|{}",
            model.messages.len(),
            model.memberships.len(),
            model.members.len(),
            b.crm.len(),
            b.roster.len(),
            b.sdr_log.len(),
            zone.name(),
            serde_json::to_string(&shaping).unwrap_or_default()
        )
    }

    /// The journeys for this model and settings; `identity` is resolved only when they must
    /// be built again.
    pub fn get(&mut self, model: &Model, config: &Config, zone: &Zone, identity: impl FnOnce() -> Identity) -> &mut Journeys {
        let key = Cache::key(model, config, zone);
        if self.key.as_deref() != Some(key.as_str()) {
            self.journeys = Journeys::build(model, &identity(), config, zone);
            self.key = Some(key);
        }
        &mut self.journeys
    }

    /// Forgets everything (new files arrived).
    pub fn clear(&mut self) {
        self.key = None;
        self.journeys = Journeys::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The earliest time per (person, group) whatever the order of the notes: runs in one
    /// group, groups interleaved, times going back, a person out of range.
    #[test]
    fn earliest_in_group_is_the_minimum_of_every_note() {
        let mut rng = crate::xorshift::Xorshift::new(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: u64| rng.below(n);
        let mut fast = EarliestInGroup::new(5);
        let mut plain: std::collections::BTreeMap<(u32, GroupId), i64> = Default::default();
        let (mut person, mut group) = (0u32, 0 as GroupId);
        for _ in 0..5_000 {
            // Mostly runs: the same person and group again, later or (less often) earlier.
            if next(4) == 0 {
                person = next(6) as u32; // 5 is beyond the persons given
                group = next(3) as GroupId;
            }
            let time = next(1_000) as i64;
            fast.note(person, group, time);
            let slot = plain.entry((person, group)).or_insert(time);
            *slot = (*slot).min(time);
        }
        let mut got: Vec<_> = fast.into_pairs().collect();
        got.sort();
        assert_eq!(got, plain.into_iter().collect::<Vec<_>>());
    }
}
