//! Role settings (config key `roles`) and role tags (config key `role_tags`).
//!
//! Every rule threshold lives here with its default and the reason for it, so the page can
//! show and edit them and an operator can predict every assignment.

use serde::{Deserialize, Serialize};

/// A member role, highest first in [`Role::RANKED`]. Staff roles never appear in member
/// counts: staff are left out of the composition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Ordinary,
    Active,
    Kol,
    Lecturer,
    BigName,
}

impl Role {
    /// Member roles from the top of the pyramid down (the order of counts and shares).
    pub const RANKED: [Role; 5] = [Role::BigName, Role::Lecturer, Role::Kol, Role::Active, Role::Ordinary];

    /// The JSON name (`big_name`, `lecturer`, `kol`, `active`, `ordinary`).
    pub fn key(self) -> &'static str {
        match self {
            Role::BigName => "big_name",
            Role::Lecturer => "lecturer",
            Role::Kol => "kol",
            Role::Active => "active",
            Role::Ordinary => "ordinary",
        }
    }

    /// Position in [`Role::RANKED`].
    pub fn index(self) -> usize {
        match self {
            Role::BigName => 0,
            Role::Lecturer => 1,
            Role::Kol => 2,
            Role::Active => 3,
            Role::Ordinary => 4,
        }
    }
}

/// What a role tag says: a member role or a staff role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagKind {
    /// 大咖
    BigName,
    /// 讲师
    Lecturer,
    /// KOL
    Kol,
    /// 群主 (staff)
    Owner,
    /// 群助手 (staff)
    Assistant,
    /// 小号, an assistant's alt account (staff)
    Alt,
}

impl TagKind {
    /// Owner, assistant and alt accounts are staff.
    pub fn is_staff(self) -> bool {
        matches!(self, TagKind::Owner | TagKind::Assistant | TagKind::Alt)
    }

    /// The member role a tag gives (none for staff tags).
    pub fn role(self) -> Option<Role> {
        match self {
            TagKind::BigName => Some(Role::BigName),
            TagKind::Lecturer => Some(Role::Lecturer),
            TagKind::Kol => Some(Role::Kol),
            _ => None,
        }
    }

    /// Which tag wins when one membership has several: staff first, then the higher role.
    pub fn precedence(self) -> u8 {
        match self {
            TagKind::Owner => 6,
            TagKind::Assistant => 5,
            TagKind::Alt => 4,
            TagKind::BigName => 3,
            TagKind::Lecturer => 2,
            TagKind::Kol => 1,
        }
    }
}

/// One explicit tag: `member` is a platform id (`wxid_…`), a report member id
/// (`wechat:wxid_…`) or a display name; `group` (a report group id or a group name) limits a
/// member-role tag to that group. Staff tags mark the person staff everywhere (staff are the
/// operator's own accounts), whatever `group` says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleTag {
    pub member: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub tag: TagKind,
}

/// Target shares of the pyramid, in percent of a group's non-staff members. Defaults from the
/// domain's healthy composition (大咖 4%, 讲师 6%, KOL 8%, 活跃 10%, 普通 70%; the remaining
/// 2% are staff).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Targets {
    pub big_name: f64,
    pub lecturer: f64,
    pub kol: f64,
    pub active: f64,
    pub ordinary: f64,
}

impl Default for Targets {
    fn default() -> Self {
        Targets { big_name: 4.0, lecturer: 6.0, kol: 8.0, active: 10.0, ordinary: 70.0 }
    }
}

impl Targets {
    /// The target percent for `role`.
    pub fn get(&self, role: Role) -> f64 {
        match role {
            Role::BigName => self.big_name,
            Role::Lecturer => self.lecturer,
            Role::Kol => self.kol,
            Role::Active => self.active,
            Role::Ordinary => self.ordinary,
        }
    }
}

/// Role rules (config key `roles`); every field optional.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RolesConfig {
    /// Target pyramid, percent per role.
    pub targets: Targets,
    /// Active: spoke on at least this many distinct local days ... (default 4: about once a
    /// week, the domain's "regular participant")
    pub active_min_days: u32,
    /// ... within this many days before `as_of` (default 30).
    pub active_window_days: u32,
    /// KOL: at least this many replies, quotes and @mentions received from others (default
    /// 10, so a few replies in a quiet group never make a KOL) ...
    pub kol_min_received: u32,
    /// ... at least this many times the group's average per member (default 5: "far above
    /// average") ...
    pub kol_factor: f64,
    /// ... and within this top share (percent) of the group by replies received (default 10;
    /// members tied at the cut-off are all in).
    pub kol_top_percent: f64,
    /// Lecturer: a long-form share is at least this many long messages by one person ...
    /// (default 5)
    pub lecture_min_messages: u32,
    /// ... each at least this many meaningful characters (letters, digits, CJK; default 60) ...
    pub lecture_min_chars: u32,
    /// ... within this many minutes of the first (default 30). A file followed by
    /// `lecture_file_talk` messages from the sharer within the same span is a share too.
    pub lecture_span_minutes: u32,
    /// Messages from the sharer after a file that make it a talk (default 3).
    pub lecture_file_talk: u32,
    /// Lecturer: at least this many long-form shares (default 1).
    pub lecturer_min_shares: u32,
    /// Big name by behaviour: @mentioned by at least this many distinct members ... (default 5)
    pub big_name_min_mentioners: u32,
    /// ... while sending at most this many messages in the group (default 5: "rarely speaks").
    pub big_name_max_messages: u32,
    /// Group capacity (WeChat: 500).
    pub capacity: u32,
    /// "Near the cap" from this many members (default 470, where knowledge groups stop
    /// inviting to leave room for organic joins).
    pub capacity_warn: u32,
    /// A group lacks a role when its share is below this fraction of the target (default 0.5).
    pub lacking_fraction: f64,
    /// Candidate members listed per recommendation (default 5).
    pub max_candidates: u32,
    /// Staff suggestion: posts in the same half hour of the day on at least this many days
    /// (default 10) ...
    pub fixed_time_min_days: u32,
    /// ... and on at least this share (percent) of the days they post (default 50).
    pub fixed_time_percent: f64,
    /// Staff suggestion: welcomes (欢迎 / welcome) within an hour after a join, at least this
    /// many times (default 5).
    pub welcome_min: u32,
    /// Staff suggestion: invited at least this many people (default 10).
    pub invite_min: u32,
    /// Staff suggestion: sent the group's first message of the day on at least this many days
    /// (default 10) ...
    pub first_of_day_min_days: u32,
    /// ... and on at least this share (percent) of the group's days with messages (default 30).
    pub first_of_day_percent: f64,
    /// Movers listed per month in `transitions` (default 50).
    pub max_movers: u32,
}

impl Default for RolesConfig {
    fn default() -> Self {
        RolesConfig {
            targets: Targets::default(),
            active_min_days: 4,
            active_window_days: 30,
            kol_min_received: 10,
            kol_factor: 5.0,
            kol_top_percent: 10.0,
            lecture_min_messages: 5,
            lecture_min_chars: 60,
            lecture_span_minutes: 30,
            lecture_file_talk: 3,
            lecturer_min_shares: 1,
            big_name_min_mentioners: 5,
            big_name_max_messages: 5,
            capacity: 500,
            capacity_warn: 470,
            lacking_fraction: 0.5,
            max_candidates: 5,
            fixed_time_min_days: 10,
            fixed_time_percent: 50.0,
            welcome_min: 5,
            invite_min: 10,
            first_of_day_min_days: 10,
            first_of_day_percent: 30.0,
            max_movers: 50,
        }
    }
}
