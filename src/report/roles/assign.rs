//! The role rules, applied to one group's non-staff members at a time. Every assignment comes
//! with a [`Reason`] naming the rule and the numbers behind it.
//!
//! Order (the first that applies wins):
//! 1. a role tag (`role_tags`, later the roster): big name, lecturer or KOL;
//! 2. big name: @mentioned by at least `big_name_min_mentioners` distinct members while
//!    sending at most `big_name_max_messages` messages;
//! 3. lecturer: at least `lecturer_min_shares` long-form shares;
//! 4. KOL: replies + quotes + mentions received ≥ `kol_min_received`, ≥ `kol_factor` × the
//!    group's average, and within the top `kol_top_percent` % of the group (ties included);
//! 5. active: messages on ≥ `active_min_days` distinct days in the last `active_window_days`;
//! 6. ordinary; members who never spoke are ordinary and flagged silent.

use serde::Serialize;

use super::features::Evidence;
use super::settings::{Role, RolesConfig, TagKind};

/// Where a role came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Tag,
    Behaviour,
}

/// Why a member has a role: a code the page translates, the numbers, and an English sentence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reason {
    /// `tagged`, `mentioned_rarely_speaks`, `long_form_shares`, `replies_received`,
    /// `active_days`, `ordinary`, `silent`.
    pub code: &'static str,
    pub source: Source,
    /// The member's number the rule looked at (mentioners, shares, received, days, messages).
    pub count: u32,
    /// The rule's threshold for `count`.
    pub threshold: f64,
    /// KOL: the group's average received per member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average: Option<f64>,
    /// KOL: the member's rank as a top share of the group, in percent (1 = top 1%).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_percent: Option<f64>,
    /// The same in plain English.
    pub text: String,
}

/// One membership as the rules see it.
pub struct Candidate<'a> {
    pub evidence: &'a Evidence,
    pub tag: Option<TagKind>,
}

/// Roles of one group's non-staff members, in input order.
pub fn assign_group(members: &[Candidate<'_>], cfg: &RolesConfig) -> Vec<(Role, Reason)> {
    let n = members.len();
    let total: u64 = members.iter().map(|c| c.evidence.received() as u64).sum();
    let average = if n == 0 { 0.0 } else { total as f64 / n as f64 };
    let mut sorted: Vec<u32> = members.iter().map(|c| c.evidence.received()).collect();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    // Members tied at the cut-off are all in: a member is in the top when fewer than `cut`
    // members received strictly more.
    let cut = ((n as f64 * cfg.kol_top_percent / 100.0).ceil() as usize).max(1);
    members
        .iter()
        .map(|c| {
            let received = c.evidence.received();
            let above = sorted.partition_point(|&x| x > received);
            let top_percent = if n == 0 { 100.0 } else { round1((above + 1) as f64 * 100.0 / n as f64) };
            decide(c, cfg, Kol { received, above, cut, average, top_percent })
        })
        .collect()
}

struct Kol {
    received: u32,
    above: usize,
    cut: usize,
    average: f64,
    top_percent: f64,
}

fn decide(c: &Candidate<'_>, cfg: &RolesConfig, kol: Kol) -> (Role, Reason) {
    let e = c.evidence;
    let reason = |code, count, threshold: f64, text: String| Reason {
        code,
        source: Source::Behaviour,
        count,
        threshold,
        average: None,
        top_percent: None,
        text,
    };
    if let Some(role) = c.tag.and_then(TagKind::role) {
        let text = format!("{} because tagged {}", label(role), role.key());
        return (role, Reason { source: Source::Tag, ..reason("tagged", 0, 0.0, text) });
    }
    if e.mentioners >= cfg.big_name_min_mentioners.max(1) && e.messages <= cfg.big_name_max_messages {
        let text = format!(
            "Big name because @mentioned by {} members while sending only {} messages",
            e.mentioners, e.messages
        );
        return (Role::BigName, reason("mentioned_rarely_speaks", e.mentioners, cfg.big_name_min_mentioners as f64, text));
    }
    if e.shares >= cfg.lecturer_min_shares.max(1) {
        let text = format!("Lecturer because of {} long-form share(s)", e.shares);
        return (Role::Lecturer, reason("long_form_shares", e.shares, cfg.lecturer_min_shares as f64, text));
    }
    let far_above = kol.received as f64 >= cfg.kol_factor * kol.average;
    if kol.received >= cfg.kol_min_received.max(1) && far_above && kol.above < kol.cut {
        let text = format!(
            "KOL because {} replies and mentions received (group average {:.1}), top {}% of group",
            kol.received, kol.average, kol.top_percent
        );
        let r = reason("replies_received", kol.received, cfg.kol_min_received as f64, text);
        return (Role::Kol, Reason { average: Some(round1(kol.average)), top_percent: Some(kol.top_percent), ..r });
    }
    if e.active_days >= cfg.active_min_days.max(1) {
        let text = format!(
            "Active because messages on {} days in the last {} days",
            e.active_days, cfg.active_window_days
        );
        return (Role::Active, reason("active_days", e.active_days, cfg.active_min_days as f64, text));
    }
    if e.messages == 0 {
        return (Role::Ordinary, reason("silent", 0, 0.0, "Ordinary: never spoke in this group (silent)".to_string()));
    }
    let text = format!(
        "Ordinary: messages on {} days in the last {} days (active needs {})",
        e.active_days, cfg.active_window_days, cfg.active_min_days
    );
    (Role::Ordinary, reason("ordinary", e.active_days, cfg.active_min_days as f64, text))
}

fn label(role: Role) -> &'static str {
    match role {
        Role::BigName => "Big name",
        Role::Lecturer => "Lecturer",
        Role::Kol => "KOL",
        Role::Active => "Active",
        Role::Ordinary => "Ordinary",
    }
}

/// One decimal place.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(messages: u32, active_days: u32, replies: u32) -> Evidence {
        Evidence { messages, active_days, replies, ..Evidence::default() }
    }

    #[test]
    fn kol_ties_at_the_cut_are_all_in_and_need_far_above_average() {
        // 20 members: two tied at 30 received, one at 12, the rest 0. Top 10% = 2 places;
        // the tie fills them; 12 is above the minimum but outside the top.
        let mut list = vec![ev(5, 1, 30), ev(5, 1, 30), ev(5, 1, 12)];
        list.extend((0..17).map(|_| ev(1, 1, 0)));
        let cands: Vec<Candidate> = list.iter().map(|e| Candidate { evidence: e, tag: None }).collect();
        let roles: Vec<Role> = assign_group(&cands, &RolesConfig::default()).into_iter().map(|r| r.0).collect();
        assert_eq!(&roles[..3], &[Role::Kol, Role::Kol, Role::Ordinary]);
        // Three tied at the top of 20: all three are in (only 0 received more).
        list[2] = ev(5, 1, 30);
        let cands: Vec<Candidate> = list.iter().map(|e| Candidate { evidence: e, tag: None }).collect();
        let out = assign_group(&cands, &RolesConfig::default());
        assert_eq!(out.iter().filter(|r| r.0 == Role::Kol).count(), 3);
        assert_eq!(out[0].1.average, Some(4.5));
        assert_eq!(out[0].1.top_percent, Some(5.0));
        assert_eq!(out[0].1.text, "KOL because 30 replies and mentions received (group average 4.5), top 5% of group");
    }

    #[test]
    fn tags_win_and_silence_is_flagged() {
        let lecturer = Evidence { shares: 2, messages: 40, ..Evidence::default() };
        let silent = Evidence::default();
        let cands = [
            Candidate { evidence: &lecturer, tag: Some(TagKind::Kol) },
            Candidate { evidence: &lecturer, tag: None },
            Candidate { evidence: &silent, tag: None },
        ];
        let out = assign_group(&cands, &RolesConfig::default());
        assert_eq!((out[0].0, out[0].1.code, out[0].1.source), (Role::Kol, "tagged", Source::Tag));
        assert_eq!((out[1].0, out[1].1.code), (Role::Lecturer, "long_form_shares"));
        assert_eq!((out[2].0, out[2].1.code), (Role::Ordinary, "silent"));
    }
}
