//! The report: one JSON document produced identically by the page, the widgets and the CLI.
//!
//! Section and field names are public API (documented in `www/qunlens-report.d.ts` and the
//! README): add fields, never rename them. Times are RFC 3339 strings in the configured zone;
//! ids are strings (`platform:id`) so 64-bit ids survive JavaScript.

mod activity;
mod groups;
pub mod identity;
mod inputs;
mod membership_index;
pub mod order;
mod parts;
pub(crate) mod members;
pub mod roles;
pub mod health;
pub mod leaderboard;
pub mod staff;
pub mod funnel;
pub mod attribution;

pub use parts::PART_PATHS;

pub use activity::{Activity, DailySeries, GroupActivity};
pub use groups::GroupReport;
pub use inputs::InputReport;
pub use members::{MemberJoin, MemberName, MemberReport, PersonLink};

use serde::Serialize;

use crate::config::Config;
use crate::model::{Group, Member, Model};
use crate::time::Zone;

/// Version of the report schema; bumped only for incompatible changes (there are none yet).
pub const SCHEMA_VERSION: u32 = 1;

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    /// `qunlens <version>`.
    pub generator: String,
    /// The zone every time in the report is written in.
    pub timezone: String,
    /// The instant "active" and "silent" are measured against (the end of the data unless
    /// configured), or null when there are no messages.
    pub as_of: Option<String>,
    /// Days of silence after which a member no longer counts as active.
    pub active_days: u32,
    pub inputs: Vec<InputReport>,
    pub groups: Vec<GroupReport>,
    pub members: Vec<MemberReport>,
    pub activity: Activity,
    /// Role composition per group, progression, staff suggestions and recommendations.
    pub roles: roles::RolesReport,
    /// Silent members, dying groups, response rates (see [`health`]).
    pub health: health::HealthReport,
    /// Points per member with a per-rule breakdown, and monthly stars (see [`leaderboard`]).
    pub leaderboard: leaderboard::LeaderboardReport,
    /// How CRM records, roster rows and SDR-invited people matched the chat members.
    pub identity: identity::IdentityReport,
    /// Invited -> joined -> active -> lead -> … -> won, with breakdowns and the SDR funnel.
    pub funnel: funnel::FunnelReport,
    /// Leads and revenue credited to groups, SDRs, channels and content by every model.
    pub attribution: attribution::AttributionReport,
}

impl Report {
    /// The report as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }

    /// The report as indented JSON (CLI output).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }
}

/// Computes every section from the model.
pub fn build(model: &Model, inputs: &[InputReport], config: &Config, zone: &Zone) -> Report {
    build_cached(model, inputs, config, zone, &mut Default::default(), Leaderboard::Compute)
}

/// Whether [`build_cached`] computes the leaderboard, or leaves it empty because another worker
/// computes it from a copy of the model at the same time (the page, where wasm has one thread).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leaderboard {
    Compute,
    LeaveEmpty,
}

/// What survives between reports so that settings changes recompute only what they touch.
#[derive(Default)]
pub struct Caches {
    /// The leaderboard's rule-independent classification.
    pub leaderboard: leaderboard::Cache,
    /// Per-person journeys for funnels and attribution.
    pub journeys: crate::journey::Cache,
}

impl Caches {
    /// Forgets everything (the loaded data changed).
    pub fn clear(&mut self) {
        self.leaderboard.clear();
        self.journeys.clear();
    }
}

/// [`build`], reusing what `caches` kept from the previous report.
pub fn build_cached(model: &Model, inputs: &[InputReport], config: &Config, zone: &Zone, caches: &mut Caches, board: Leaderboard) -> Report {
    let as_of = as_of(model, config, zone);
    let active_since = as_of.map(|t| t - config.active_days as i64 * 86400);
    let group_order = groups::order(model);
    let Caches { leaderboard: leaderboard_cache, journeys: journeys_cache } = caches;
    // The sections read the model and nothing else of each other (the group order aside,
    // counted first): the leaderboard (the heaviest), activity and groups run beside the
    // others where the platform has threads. In WebAssembly they run one after the other, the leaderboard first: its
    // working memory is the largest single block (tens of bytes per message), and the later
    // sections' smaller blocks fit in the room it gives back — computed last, it had to go
    // above their freed blocks (a 14-million-message load then needed 1.8 GB of wasm memory
    // instead of 1.5).
    let ((leaderboard, activity, groups), (resolved, funnel, attribution, roles, health)) = crate::parallel::join(
        || {
            (
                match board {
                    Leaderboard::Compute => leaderboard::build(model, config, zone, leaderboard_cache),
                    Leaderboard::LeaveEmpty => leaderboard::LeaderboardReport::default(),
                },
                activity::build(model, zone, &group_order),
                groups::build(model, zone, active_since),
            )
        },
        || {
            // Here, not before the join: in WebAssembly this runs after the leaderboard, whose
            // peak it would otherwise add to (4 bytes per message).
            let by_time = order::time_order(model);
            let resolved = crate::identity::resolve(model, config);
            let journeys = journeys_cache.get(model, config, zone, || resolved.clone());
            let funnel = funnel::build(model, journeys, &config.funnel, zone);
            let attribution = attribution::build(model, journeys, &config.attribution, config.funnel.active_min_days);
            let roles = roles::build(model, config, zone, as_of, &group_order, &by_time);
            let health = health::build(model, config, zone, as_of, &group_order, &by_time);
            (resolved, funnel, attribution, roles, health)
        },
    );
    let ladder = crate::identity::Ladder::new(&config.stage_ladder);
    Report {
        schema_version: SCHEMA_VERSION,
        generator: format!("qunlens {}", env!("CARGO_PKG_VERSION")),
        timezone: zone.name().to_string(),
        as_of: as_of.map(|t| zone.format(t)),
        active_days: config.active_days,
        inputs: sorted_inputs(inputs),
        activity,
        roles,
        health,
        leaderboard,
        groups,
        members: members::build(model, zone, &resolved),
        identity: identity::build(model, &resolved, &ladder, zone),
        funnel,
        attribution,
    }
}

/// Inputs in file-name order (then size), so the report does not depend on load order.
fn sorted_inputs(inputs: &[InputReport]) -> Vec<InputReport> {
    let mut rows = inputs.to_vec();
    rows.sort_by(|a, b| a.file.cmp(&b.file).then(a.bytes.cmp(&b.bytes)).then(a.messages.cmp(&b.messages)));
    rows
}

/// The configured as-of instant (end of that local day), else the last message time.
fn as_of(model: &Model, config: &Config, zone: &Zone) -> Option<i64> {
    if let Some(day) = config.as_of.as_deref() {
        if let Some(c) = crate::time::parse_local(day) {
            let mut z = zone.clone();
            let end = crate::time::Civil { hour: 23, minute: 59, second: 59, ..c };
            if let Some(t) = z.to_epoch(end) {
                return Some(t);
            }
        }
    }
    model.messages.time.iter().copied().max()
}

/// `platform:key` id of a group.
pub fn group_id(g: &Group) -> String {
    format!("{}:{}", platform_label(g.platform), g.key)
}

/// `platform:id`; `platform:self` for an exporting account whose id its files never name;
/// `platform:name:<group key>:<name>` for name-only members.
pub fn member_id(model: &Model, m: &Member, first_group: Option<u32>) -> String {
    let p = platform_label(m.platform);
    match &m.platform_id {
        Some(id) => format!("{p}:{id}"),
        None if m.is_self => format!("{p}:self"),
        None => {
            let group = first_group.and_then(|g| model.groups.get(g as usize)).map(|g| g.key.as_str());
            let name = m.names.first().map(|n| n.name.as_str()).unwrap_or("");
            format!("{p}:name:{}:{name}", group.unwrap_or(""))
        }
    }
}

pub(crate) fn platform_label(p: crate::model::Platform) -> &'static str {
    use crate::model::Platform::*;
    match p {
        WeChat => "wechat",
        WeCom => "wecom",
        QQ => "qq",
        WhatsApp => "whatsapp",
        Telegram => "telegram",
        Discord => "discord",
        Slack => "slack",
        Other => "other",
    }
}
