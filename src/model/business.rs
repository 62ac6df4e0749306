//! Business records loaded beside the chats: CRM exports (leads, contacts, deals), group
//! rosters and SDR activity logs.
//!
//! They are kept as read (values cleaned, times as epoch seconds, stage *labels* as the file
//! writes them): which chat member a record belongs to, and which canonical stage a label
//! means, depend on report settings (identity overrides, the stage ladder), so they are
//! decided when a report is built ([`crate::identity`]) and never need the files again.

use serde::{Deserialize, Serialize};

use super::ModelBuilder;
use crate::report::roles::TagKind;

/// One row of a CRM export.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CrmRecord {
    /// File the row came from and its line (1-based, in the decoded file).
    pub file: String,
    pub line: u64,
    /// Preset that recognised the file: `salesforce`, `hubspot`, `fxiaoke` (纷享销客), `neocrm`
    /// (销售易), `wecom` (企业微信客户列表), `scrm`, `generic`.
    pub vendor: String,
    /// The CRM's record id; `<file>#<line>` when the export has none.
    pub id: String,
    pub name: Option<String>,
    /// Normalised (`+8613800138000`), see [`crate::identity::normalize_phone`].
    pub phone: Option<String>,
    /// Lower-cased.
    pub email: Option<String>,
    /// WeChat id (wxid / 微信号) or WeCom external userid: matched against chat platform ids.
    pub platform_id: Option<String>,
    /// The sales rep's remark name for the contact (备注).
    pub remark: Option<String>,
    /// WeChat nickname (昵称).
    pub nickname: Option<String>,
    pub company: Option<String>,
    /// Owner (SDR / sales rep) as the export names them.
    pub owner: Option<String>,
    /// Source / channel (线索来源, Original Source, 添加方式).
    pub source: Option<String>,
    /// Campaign / channel QR code / drill-down.
    pub campaign: Option<String>,
    pub created: Option<i64>,
    /// Current stage label as written (`Marketing Qualified Lead`, `MQL`, `赢单`).
    pub stage: Option<String>,
    /// Stage labels with the time each was reached, from "Became a … Date" / "… 时间" columns.
    pub stage_times: Vec<(String, i64)>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub close_date: Option<i64>,
}

/// One row of a group roster.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RosterRow {
    pub file: String,
    pub line: u64,
    /// The member's platform id (wxid, WeCom userid), when the roster has one.
    pub member_id: Option<String>,
    /// Display name / group nickname.
    pub name: Option<String>,
    /// Group name or id.
    pub group: Option<String>,
    /// Role tag as written (`大咖`, `群助手`, `KOL`) and what it means.
    pub tag_label: Option<String>,
    pub tag: Option<TagKind>,
    pub inviter: Option<String>,
    /// How they joined (入群渠道).
    pub channel: Option<String>,
    pub join_time: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub remark: Option<String>,
}

/// One row of an SDR activity log.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SdrActivity {
    pub file: String,
    pub line: u64,
    pub sdr: String,
    /// Start of the day (or the time) the row is about.
    pub date: i64,
    pub calls: u64,
    pub invitations: u64,
    /// The invited person, when the log names one: a name, phone or WeChat id.
    pub invited: Option<String>,
    pub invited_phone: Option<String>,
}

/// Every business record loaded.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Business {
    pub crm: Vec<CrmRecord>,
    pub roster: Vec<RosterRow>,
    pub sdr_log: Vec<SdrActivity>,
}

impl Business {
    /// True when no business file was loaded.
    pub fn is_empty(&self) -> bool {
        self.crm.is_empty() && self.roster.is_empty() && self.sdr_log.is_empty()
    }

    /// Appends another set (a parse worker's).
    pub(crate) fn extend(&mut self, other: Business) {
        self.crm.extend(other.crm);
        self.roster.extend(other.roster);
        self.sdr_log.extend(other.sdr_log);
    }

    /// Records in file-then-line order, so the model does not depend on load order.
    pub(crate) fn sort(&mut self) {
        self.crm.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        self.roster.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        self.sdr_log.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    }
}

impl ModelBuilder {
    /// Adds a CRM record.
    pub fn crm_record(&mut self, record: CrmRecord) {
        self.model.business.crm.push(record);
    }

    /// Adds a roster row.
    pub fn roster_row(&mut self, row: RosterRow) {
        self.model.business.roster.push(row);
    }

    /// Adds an SDR activity row.
    pub fn sdr_activity(&mut self, row: SdrActivity) {
        self.model.business.sdr_log.push(row);
    }

    /// Business rows added so far (for the per-file row count).
    pub fn business_count(&self) -> usize {
        let b = &self.model.business;
        b.crm.len() + b.roster.len() + b.sdr_log.len()
    }
}
