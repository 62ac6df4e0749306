//! Report section `identity`: how the business files (CRM, roster, SDR log) matched the chat
//! members — counts per source and the lists of matches, ambiguities and misses, so the user
//! can confirm or override what was not settled.

use serde::Serialize;

use crate::identity::{record_key, Identity, Ladder, MatchKey, Source, Status};
use crate::model::{MemberId, Model};
use crate::time::Zone;

/// The section.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IdentityReport {
    /// Per source (`crm`, `roster`, `sdr_log`): records and how they resolved.
    pub sources: Vec<SourceCounts>,
    /// Chat members matched to at least one CRM record.
    pub members_matched: u64,
    /// Overrides from the config that named a record in the data.
    pub overrides_applied: u64,
    /// Canonical stage names of the ladder in force, lowest first.
    pub stage_ladder: Vec<String>,
    pub matched: Vec<MatchRow>,
    pub ambiguous: Vec<AmbiguousRow>,
    /// Records that matched nobody (or that the user said are nobody: `rejected`).
    pub unmatched: Vec<UnmatchedRow>,
    /// CRM records with their canonical stages (see `stage_ladder`).
    pub crm_records: Vec<CrmRow>,
}

/// Counts for one source.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SourceCounts {
    pub source: Source,
    /// Records that name a person (SDR rows that name nobody are left out).
    pub records: u64,
    pub matched: u64,
    pub ambiguous: u64,
    pub unmatched: u64,
}

/// A business record as the lists show it.
#[derive(Clone, Debug, Serialize)]
pub struct RecordRef {
    pub source: Source,
    /// The key to override it by (CRM record id; roster `member id@group` or `file#line`).
    pub record: String,
    /// The name the record gives (name, nickname, remark or invited person).
    pub label: String,
    pub file: String,
    pub line: u64,
}

/// A member reference.
#[derive(Clone, Debug, Serialize)]
pub struct MemberRef {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct MatchRow {
    #[serde(flatten)]
    pub record: RecordRef,
    pub member: MemberRef,
    pub key: MatchKey,
    pub confidence: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct AmbiguousRow {
    #[serde(flatten)]
    pub record: RecordRef,
    /// The key that found several (or a shared name).
    pub key: MatchKey,
    pub candidates: Vec<MemberRef>,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnmatchedRow {
    #[serde(flatten)]
    pub record: RecordRef,
    /// True when an override says the record is nobody in the chats.
    pub rejected: bool,
}

/// One CRM record with what the funnel needs.
#[derive(Clone, Debug, Serialize)]
pub struct CrmRow {
    pub id: String,
    pub vendor: String,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub source: Option<String>,
    pub campaign: Option<String>,
    pub company: Option<String>,
    /// Canonical current stage, or null when the label is not on the ladder.
    pub stage: Option<String>,
    /// The stage label as the export wrote it.
    pub stage_label: Option<String>,
    /// Stages reached with their times (null: reached, time unknown).
    pub stages: Vec<StageTime>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub created: Option<String>,
    pub close_date: Option<String>,
    /// The matched member's id, or null.
    pub member: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StageTime {
    pub stage: String,
    pub time: Option<String>,
}

/// Builds the section from a resolution.
pub fn build(model: &Model, identity: &Identity, ladder: &Ladder, zone: &Zone) -> IdentityReport {
    let mut out = IdentityReport {
        overrides_applied: identity.overrides_applied as u64,
        members_matched: identity.persons.iter().filter(|p| !p.crm.is_empty()).count() as u64,
        stage_ladder: ladder.stages().iter().map(|s| s.stage.clone()).collect(),
        ..Default::default()
    };
    let member = |m: MemberId| MemberRef {
        id: identity.member_ids.get(m as usize).cloned().unwrap_or_default(),
        name: model.members.get(m as usize).map(super::members::latest_name).unwrap_or_default(),
    };
    for source in Source::ALL {
        let mut counts = SourceCounts { source, ..Default::default() };
        for (i, status) in identity.statuses(source) {
            counts.records += 1;
            let record = record_ref(model, source, i);
            match status {
                Status::Matched { member: m, key } => {
                    counts.matched += 1;
                    out.matched.push(MatchRow { record, member: member(*m), key: *key, confidence: key.confidence() });
                }
                Status::Ambiguous { candidates, key } => {
                    counts.ambiguous += 1;
                    out.ambiguous.push(AmbiguousRow { record, key: *key, candidates: candidates.iter().map(|&m| member(m)).collect() });
                }
                Status::Unmatched | Status::Rejected => {
                    counts.unmatched += 1;
                    out.unmatched.push(UnmatchedRow { record, rejected: matches!(status, Status::Rejected) });
                }
            }
        }
        out.sources.push(counts);
    }
    out.crm_records = model
        .business
        .crm
        .iter()
        .zip(&identity.crm)
        .map(|(r, status)| CrmRow {
            id: r.id.clone(),
            vendor: r.vendor.clone(),
            name: r.name.clone().or_else(|| r.nickname.clone()).or_else(|| r.remark.clone()),
            owner: r.owner.clone(),
            source: r.source.clone(),
            campaign: r.campaign.clone(),
            company: r.company.clone(),
            stage: ladder.current(r).map(|i| ladder.stages()[i].stage.clone()),
            stage_label: r.stage.clone(),
            stages: ladder.reached(r).into_iter().map(|s| StageTime { stage: s.stage, time: s.time.map(|t| zone.format(t)) }).collect(),
            amount: r.amount,
            currency: r.currency.clone(),
            created: r.created.map(|t| zone.format(t)),
            close_date: r.close_date.map(|t| zone.format(t)),
            member: match status {
                Status::Matched { member: m, .. } => identity.member_ids.get(*m as usize).cloned(),
                _ => None,
            },
        })
        .collect();
    out
}

/// How a record is shown in the lists.
fn record_ref(model: &Model, source: Source, i: usize) -> RecordRef {
    let b = &model.business;
    let (label, file, line) = match source {
        Source::Crm => {
            let r = &b.crm[i];
            let label = r.name.as_ref().or(r.nickname.as_ref()).or(r.remark.as_ref()).or(r.phone.as_ref()).or(r.email.as_ref()).or(r.platform_id.as_ref());
            (label.cloned().unwrap_or_default(), &r.file, r.line)
        }
        Source::Roster => {
            let r = &b.roster[i];
            (r.name.clone().or_else(|| r.member_id.clone()).or_else(|| r.phone.clone()).unwrap_or_default(), &r.file, r.line)
        }
        Source::SdrLog => {
            let r = &b.sdr_log[i];
            (r.invited.clone().or_else(|| r.invited_phone.clone()).unwrap_or_default(), &r.file, r.line)
        }
    };
    RecordRef { source, record: record_key(model, source, i), label, file: file.clone(), line }
}
