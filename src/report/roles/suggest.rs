//! Staff suggestions: accounts that behave like an owner, assistant or alt account. They are
//! listed for the operator to confirm (the page adds a confirmed one to config `staff`) and
//! never change a figure by themselves. Signals (thresholds in `roles`):
//! - `fixed_time`: posts in the same half hour of the day on many days (morning reports,
//!   scheduled announcements);
//! - `welcomes`: welcomes people within an hour after they join;
//! - `invites`: invited many people;
//! - `first_of_day`: often sends the group's first message of the day.

use serde::Serialize;

use super::Context;

/// One account that looks like staff.
#[derive(Clone, Debug, Serialize)]
pub struct StaffSuggestion {
    /// Member id (what the page adds to config `staff` on confirmation).
    pub id: String,
    pub name: String,
    /// Platform id, when the export has one.
    pub platform_id: Option<String>,
    pub signals: Vec<StaffSignal>,
    /// The signals in plain English.
    pub text: String,
}

/// One behaviour that suggests staff.
#[derive(Clone, Debug, Serialize)]
pub struct StaffSignal {
    /// `fixed_time`, `welcomes`, `invites`, `first_of_day`.
    pub code: &'static str,
    /// Days (fixed_time, first_of_day), welcomes or people invited.
    pub count: u32,
    /// fixed_time: percent of their posting days; first_of_day: percent of the group's days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    /// fixed_time: the half hour, `HH:MM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
}

pub(super) fn build(cx: &Context<'_>) -> Vec<StaffSuggestion> {
    let cfg = cx.cfg;
    let mut out = Vec::new();
    for (m, h) in cx.features.habits.iter().enumerate() {
        if cx.staff[m] {
            continue;
        }
        let mut signals = Vec::new();
        let mut text = Vec::new();
        let (bucket, days) = h.fixed_slot;
        let percent = |a: u32, b: u32| if b == 0 { 0.0 } else { super::assign::round1(a as f64 * 100.0 / b as f64) };
        let fixed_pct = percent(days, h.days);
        if days >= cfg.fixed_time_min_days.max(1) && fixed_pct >= cfg.fixed_time_percent {
            let time = format!("{:02}:{:02}", bucket / 2, bucket % 2 * 30);
            text.push(format!("posts around {time} on {days} days ({fixed_pct}% of their days)"));
            signals.push(StaffSignal { code: "fixed_time", count: days, percent: Some(fixed_pct), time: Some(time) });
        }
        if h.welcomes >= cfg.welcome_min.max(1) {
            text.push(format!("welcomed newcomers {} times", h.welcomes));
            signals.push(StaffSignal { code: "welcomes", count: h.welcomes, percent: None, time: None });
        }
        if h.invites >= cfg.invite_min.max(1) {
            text.push(format!("invited {} people", h.invites));
            signals.push(StaffSignal { code: "invites", count: h.invites, percent: None, time: None });
        }
        let (first, group_days) = h.first_of_day;
        let first_pct = percent(first, group_days);
        if first >= cfg.first_of_day_min_days.max(1) && first_pct >= cfg.first_of_day_percent {
            text.push(format!("sent the first message of the day on {first} days ({first_pct}% of the group's days)"));
            signals.push(StaffSignal { code: "first_of_day", count: first, percent: Some(first_pct), time: None });
        }
        if signals.is_empty() {
            continue;
        }
        let member = &cx.model.members[m];
        out.push(StaffSuggestion {
            id: cx.member_ids[m].clone(),
            name: cx.member_names[m].clone(),
            platform_id: member.platform_id.clone(),
            text: format!("Looks like staff: {}", text.join("; ")),
            signals,
        });
    }
    out.sort_by(|a, b| b.signals.len().cmp(&a.signals.len()).then_with(|| a.id.cmp(&b.id)));
    out
}
