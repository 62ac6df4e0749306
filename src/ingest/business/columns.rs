//! Recognising business-file columns from their headers, in Chinese and English, with a
//! preset per CRM vendor (research: `shared/formats/crm-exports.md` §4).
//!
//! Headers are compared normalised (full-width folded, lower-cased, only letters and digits
//! kept: `Record ID`, `record_id` and `ＲｅｃｏｒｄＩＤ` are one header). A vendor preset is
//! chosen by signature headers and may read a header differently from the shared table (in
//! a WeCom customer list 客户名称 is the customer's WeChat name, elsewhere a company).

use crate::text::fold_width;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Field {
    // CRM
    Id,
    Name,
    FirstName,
    LastName,
    Phone,
    Email,
    PlatformId,
    Remark,
    Nickname,
    Company,
    Owner,
    Source,
    Campaign,
    Created,
    Stage,
    LeadStatus,
    Amount,
    Currency,
    CloseDate,
    // roster
    Member,
    Group,
    Tag,
    Inviter,
    Channel,
    JoinTime,
    // SDR log
    Sdr,
    Date,
    Calls,
    Invitations,
    Invited,
}

/// Which kind of business file a header belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Crm,
    Roster,
    SdrLog,
}

/// `header` normalised for comparison.
pub(crate) fn norm(header: &str) -> String {
    header.chars().map(fold_width).filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

type Table = &'static [(Field, &'static [&'static str])];

/// CRM columns, every vendor (the first field whose list has the header wins).
const CRM: Table = &[
    (Field::Id, &["Record ID", "Contact ID", "Lead ID", "Deal ID", "Opportunity ID", "Id", "记录ID", "线索ID", "线索编号", "客户编号", "数据ID", "编号"]),
    (Field::PlatformId, &["WeChat ID", "wxid", "微信号", "微信ID", "external_userid", "External UserID", "外部联系人ID", "外部联系人userid", "客户ID", "unionid"]),
    (Field::FirstName, &["First Name", "FirstName", "名"]),
    (Field::LastName, &["Last Name", "LastName", "姓"]),
    (Field::Name, &["Full Name", "Name", "Lead Name", "Contact Name", "姓名", "线索名称", "联系人", "联系人姓名", "客户姓名", "真实姓名"]),
    (Field::Phone, &["Phone", "Phone Number", "Mobile", "Mobile Phone", "MobilePhone", "Mobile Phone Number", "手机", "手机号", "手机号码", "电话", "联系电话", "联系方式", "备注手机号", "remark_mobiles"]),
    (Field::Email, &["Email", "E-mail", "Email Address", "邮箱", "电子邮箱", "电子邮件", "邮件"]),
    (Field::Remark, &["Remark", "备注", "备注名", "客户备注", "备注名称"]),
    (Field::Nickname, &["Nickname", "WeChat Nickname", "昵称", "微信昵称", "客户昵称"]),
    (Field::Company, &["Company", "Company Name", "Company / Account", "Account Name", "Associated Company", "公司", "公司名称", "企业", "企业名称", "客户名称", "客户公司", "单位"]),
    (Field::Owner, &["Contact owner", "HubSpot Owner", "Lead Owner", "Deal owner", "Opportunity Owner", "Owner", "OwnerId", "Owner Name", "负责人", "所有人", "添加人", "跟进人", "归属人", "销售", "SDR", "线索负责人"]),
    (Field::Source, &["Original Source", "Lead Source", "LeadSource", "Source", "线索来源", "来源", "添加方式", "渠道", "来源渠道", "客户来源"]),
    (Field::Campaign, &["Campaign", "Campaign Name", "utm_campaign", "Original Source Drill-Down 1", "市场活动", "活动", "渠道活码", "活码名称", "活码"]),
    (Field::Created, &["Create Date", "Created Date", "CreatedDate", "Created Time", "Created At", "createdate", "创建时间", "创建日期", "添加时间", "录入时间"]),
    (Field::Stage, &["Lifecycle Stage", "lifecyclestage", "Deal Stage", "Stage", "Opportunity Stage", "线索阶段", "生命周期", "生命周期阶段", "销售阶段", "商机阶段", "阶段", "客户阶段"]),
    (Field::LeadStatus, &["Lead Status", "Status", "线索状态", "状态", "跟进状态", "客户状态"]),
    (Field::Amount, &["Amount", "Deal Amount", "Amount in company currency", "Expected Revenue", "金额", "成交金额", "商机金额", "销售金额", "订单金额", "合同金额"]),
    (Field::Currency, &["Currency", "Deal Currency Code", "Currency Code", "币种", "货币"]),
    (Field::CloseDate, &["Close Date", "CloseDate", "结单日期", "成交日期", "成交时间", "赢单日期", "签约日期"]),
];

/// Roster columns.
const ROSTER: Table = &[
    (Field::Member, &["Member ID", "MemberId", "UserID", "User ID", "wxid", "微信号", "微信ID", "成员ID", "群成员ID", "external_userid", "外部联系人ID"]),
    (Field::Name, &["Member", "Member Name", "Name", "Nickname", "成员", "成员昵称", "群成员", "群昵称", "昵称", "姓名", "名称", "成员名称"]),
    (Field::Group, &["Group", "Group Name", "Group ID", "群", "群名", "群名称", "群聊", "所在群", "社群", "群ID"]),
    (Field::Tag, &["Role", "Role Tag", "Tag", "角色", "身份", "标签", "角色标签", "成员身份"]),
    (Field::Inviter, &["Inviter", "Invited By", "邀请人", "邀请者", "拉群人"]),
    (Field::Channel, &["Join Channel", "Channel", "Join Scene", "Source", "入群渠道", "入群方式", "加入方式", "渠道", "来源"]),
    (Field::JoinTime, &["Join Time", "Joined", "Joined At", "Join Date", "入群时间", "加入时间", "进群时间"]),
    (Field::Phone, &["Phone", "Mobile", "手机", "手机号", "电话"]),
    (Field::Email, &["Email", "邮箱"]),
    (Field::Remark, &["Remark", "备注", "备注名"]),
];

/// SDR activity log columns.
const SDR_LOG: Table = &[
    (Field::Sdr, &["SDR", "BDR", "Rep", "Sales Rep", "Owner", "员工", "销售", "销售代表", "跟进人", "坐席", "负责人"]),
    (Field::Date, &["Date", "Day", "Activity Date", "日期", "时间", "工作日"]),
    (Field::Calls, &["Calls", "Calls Made", "Dials", "Call Count", "外呼", "外呼数", "通话数", "拨打数", "电话数", "外呼量", "拨打量"]),
    (Field::Invitations, &["Invitations", "Invites", "Invitations Sent", "Invited Count", "邀约", "邀约数", "邀请数", "邀请量", "邀约量", "发出邀请"]),
    (Field::Invited, &["Invited", "Invited Person", "Invitee", "Contact", "被邀请人", "邀请对象", "受邀人", "客户"]),
    (Field::Phone, &["Invitee Phone", "Phone", "手机", "手机号", "被邀请人手机"]),
];

/// A CRM vendor preset: signature headers (all of one group must be present) and the
/// headers it reads differently from [`CRM`].
pub(crate) struct Preset {
    pub key: &'static str,
    /// Display name for the "read as" note.
    pub label: &'static str,
    signatures: &'static [&'static [&'static str]],
    overrides: Table,
}

/// Checked in order; the first preset with a full signature group wins, else `generic`.
pub(crate) const PRESETS: &[Preset] = &[
    Preset {
        key: "hubspot",
        label: "HubSpot",
        signatures: &[&["Record ID", "Lifecycle Stage"], &["Contact owner"], &["HubSpot Owner"], &["Deal Stage", "Pipeline"], &["Original Source"], &["Contact ID", "Lifecycle Stage"]],
        overrides: &[],
    },
    Preset {
        key: "salesforce",
        label: "Salesforce",
        signatures: &[&["Lead Source"], &["LeadSource"], &["Lead Owner"], &["OwnerId"], &["IsConverted"], &["Opportunity Owner"]],
        overrides: &[],
    },
    Preset {
        key: "scrm",
        label: "SCRM (微伴 / 探马 / 微盛)",
        signatures: &[&["渠道活码"], &["活码名称"], &["添加人", "跟进状态"], &["添加人", "积分"]],
        overrides: &[(Field::Nickname, &["客户名称", "客户", "客户昵称", "微信昵称"])],
    },
    Preset {
        key: "wecom",
        label: "企业微信客户列表",
        signatures: &[&["添加人", "添加时间"], &["外部联系人ID"], &["external_userid"]],
        overrides: &[(Field::Nickname, &["客户名称", "客户", "客户昵称", "微信昵称"]), (Field::Source, &["来源", "添加方式", "添加渠道"])],
    },
    Preset {
        key: "fxiaoke",
        label: "纷享销客",
        signatures: &[&["负责人", "线索状态"], &["线索阶段"], &["线索池"], &["负责人", "线索来源"]],
        overrides: &[],
    },
    Preset {
        key: "neocrm",
        label: "销售易",
        signatures: &[&["所有人", "线索名称"], &["所有人", "线索来源"], &["所有人", "创建日期"]],
        overrides: &[],
    },
];

/// The preset used when no signature matches.
pub(crate) const GENERIC: Preset = Preset { key: "generic", label: "CRM", signatures: &[], overrides: &[] };

/// How a header row maps to fields.
#[derive(Clone, Debug, Default)]
pub(crate) struct Layout {
    /// `(field, column index)`, first column per field.
    pub fields: Vec<(Field, usize)>,
    /// Stage-date columns: `(stage label from the header, column)`.
    pub stage_dates: Vec<(String, usize)>,
    /// Header text per recognised column, for messages.
    pub names: Vec<(usize, String)>,
}

impl Layout {
    pub(crate) fn col(&self, f: Field) -> Option<usize> {
        self.fields.iter().find(|(g, _)| *g == f).map(|&(_, c)| c)
    }

    pub(crate) fn has(&self, f: Field) -> bool {
        self.col(f).is_some()
    }

    fn any(&self, fs: &[Field]) -> bool {
        fs.iter().any(|&f| self.has(f))
    }
}

/// Fields that identify a person in a CRM record.
pub(crate) const CRM_IDENTITY: &[Field] =
    &[Field::Name, Field::FirstName, Field::LastName, Field::Phone, Field::Email, Field::PlatformId, Field::Remark, Field::Nickname];
/// Fields only a CRM export has.
const CRM_BUSINESS: &[Field] = &[
    Field::Id,
    Field::Company,
    Field::Owner,
    Field::Source,
    Field::Campaign,
    Field::Created,
    Field::Stage,
    Field::LeadStatus,
    Field::Amount,
    Field::CloseDate,
];

fn lookup(table: Table, key: &str) -> Option<Field> {
    table.iter().find(|(_, names)| names.iter().any(|n| norm(n) == key)).map(|&(f, _)| f)
}

/// Maps a header row with `table` (and a preset's overrides first).
fn layout(header: &[String], table: Table, overrides: Table, stage_dates: bool) -> Layout {
    let mut out = Layout::default();
    for (i, h) in header.iter().enumerate() {
        let key = norm(h);
        if key.is_empty() {
            continue;
        }
        match lookup(overrides, &key).or_else(|| lookup(table, &key)) {
            Some(f) if !out.has(f) => {
                out.fields.push((f, i));
                out.names.push((i, h.clone()));
            }
            Some(_) => {}
            None if stage_dates => {
                if let Some(label) = stage_date_label(h) {
                    out.stage_dates.push((label, i));
                    out.names.push((i, h.clone()));
                }
            }
            None => {}
        }
    }
    out
}

/// The stage a "when was this stage reached" column is about: HubSpot `Became a Marketing
/// Qualified Lead Date`, `Date entered "Opportunity (Sales Pipeline)"`,
/// `hs_lifecyclestage_lead_date`; Chinese `成为MQL时间`, `转商机日期`, `赢单时间`.
pub(crate) fn stage_date_label(header: &str) -> Option<String> {
    let h: String = header.trim().chars().map(fold_width).collect::<String>().to_lowercase();
    let h = h.trim_matches(|c: char| c == '*' || c.is_whitespace());
    let english = h
        .strip_prefix("became an ")
        .or_else(|| h.strip_prefix("became a "))
        .and_then(|r| r.strip_suffix(" date"))
        .or_else(|| h.strip_prefix("date entered "))
        .or_else(|| h.strip_prefix("hs_lifecyclestage_").and_then(|r| r.strip_suffix("_date")))
        .or_else(|| h.strip_prefix("hs_v2_date_entered_"));
    if let Some(label) = english {
        let label = label.trim().trim_matches('"');
        // `Opportunity (Sales Pipeline)` is about the stage, not the pipeline.
        let label = label.split(" (").next().unwrap_or(label).trim_matches('"').trim();
        return (!label.is_empty()).then(|| label.to_string());
    }
    let stem = h.strip_suffix("时间").or_else(|| h.strip_suffix("日期"))?;
    let stem = ["成为", "转为", "转化为", "进入", "转"].iter().find_map(|p| stem.strip_prefix(p)).unwrap_or(stem);
    let stem = stem.strip_suffix("阶段").unwrap_or(stem).trim();
    let known = crate::identity::StageDef::defaults()
        .iter()
        .any(|s| s.stage == stem || s.labels.iter().any(|l| norm(l) == norm(stem)));
    known.then(|| stem.to_string())
}

/// Field names a column mapping uses (config `column_maps[].fields`), per kind.
const MAP_KEYS: &[(&str, Field)] = &[
    ("id", Field::Id),
    ("name", Field::Name),
    ("first_name", Field::FirstName),
    ("last_name", Field::LastName),
    ("phone", Field::Phone),
    ("email", Field::Email),
    ("platform_id", Field::PlatformId),
    ("remark", Field::Remark),
    ("nickname", Field::Nickname),
    ("company", Field::Company),
    ("owner", Field::Owner),
    ("source", Field::Source),
    ("campaign", Field::Campaign),
    ("created", Field::Created),
    ("stage", Field::Stage),
    ("lead_status", Field::LeadStatus),
    ("amount", Field::Amount),
    ("currency", Field::Currency),
    ("close_date", Field::CloseDate),
    ("member", Field::Member),
    ("group", Field::Group),
    ("tag", Field::Tag),
    ("inviter", Field::Inviter),
    ("channel", Field::Channel),
    ("join_time", Field::JoinTime),
    ("sdr", Field::Sdr),
    ("date", Field::Date),
    ("calls", Field::Calls),
    ("invitations", Field::Invitations),
    ("invited", Field::Invited),
];

/// A user's mapping applied to `header`: `None` when the header lacks a column the mapping
/// names; otherwise the layout and the mapping's field names that mean nothing (for a note).
/// CRM mappings also pick up "Became a … Date" / "成为MQL时间" stage-date columns.
pub(crate) fn mapped_layout(header: &[String], kind: Kind, fields: &std::collections::BTreeMap<String, String>) -> Option<(Layout, Vec<String>)> {
    let mut out = Layout::default();
    let mut unknown = Vec::new();
    for (key, column) in fields {
        let col = header.iter().position(|h| h == column.trim() || norm(h) == norm(column))?;
        match MAP_KEYS.iter().find(|(k, _)| *k == key.trim()) {
            Some(&(_, f)) if !out.has(f) => {
                out.fields.push((f, col));
                out.names.push((col, header[col].clone()));
            }
            Some(_) => {}
            None => unknown.push(key.clone()),
        }
    }
    if kind == Kind::Crm {
        for (i, h) in header.iter().enumerate() {
            if let Some(label) = stage_date_label(h).filter(|_| !out.names.iter().any(|(c, _)| *c == i)) {
                out.stage_dates.push((label, i));
                out.names.push((i, h.clone()));
            }
        }
    }
    Some((out, unknown))
}

/// What a header row looks like: a business file of some kind, or not.
pub(crate) enum Verdict {
    /// Readable as this kind, with this layout (CRM: and preset).
    Fits(Kind, Layout, &'static Preset),
    /// Looks like this kind but lacks required columns: a message naming them.
    Missing(String),
    /// Not a business file.
    No,
}

/// Classifies a header row.
pub(crate) fn classify(header: &[String]) -> Verdict {
    let sdr = layout(header, SDR_LOG, &[], false);
    if sdr.has(Field::Sdr) && sdr.has(Field::Date) && sdr.any(&[Field::Calls, Field::Invitations]) {
        return Verdict::Fits(Kind::SdrLog, sdr, &GENERIC);
    }
    let roster = layout(header, ROSTER, &[], false);
    let roster_specific = roster.any(&[Field::Tag, Field::Inviter, Field::JoinTime, Field::Channel]);
    if roster.any(&[Field::Member, Field::Name]) && roster.has(Field::Group) && roster_specific {
        return Verdict::Fits(Kind::Roster, roster, &GENERIC);
    }
    let preset = preset_for(header);
    let crm = layout(header, CRM, preset.overrides, true);
    let business = CRM_BUSINESS.iter().filter(|&&f| crm.has(f)).count() + crm.stage_dates.len().min(1);
    let identity = crm.any(CRM_IDENTITY);
    if identity && business >= 2 {
        return Verdict::Fits(Kind::Crm, crm, preset);
    }
    if sdr.any(&[Field::Calls, Field::Invitations]) && (sdr.has(Field::Sdr) || sdr.has(Field::Date)) {
        let missing = if sdr.has(Field::Sdr) { "a date column (日期 / Date)" } else { "an SDR column (SDR / 销售 / 员工)" };
        return Verdict::Missing(format!("this looks like an SDR activity log ({}) but it has no {missing}", recognised(header, &sdr)));
    }
    if roster.has(Field::Group) && roster.any(&[Field::Tag, Field::Inviter, Field::JoinTime]) && !roster.any(&[Field::Member, Field::Name]) {
        return Verdict::Missing(
            format!(
                "this looks like a group roster ({}) but it has no member column (成员 / 群昵称 / 微信号 / Member / Member ID)",
                recognised(header, &roster)
            ),
        );
    }
    if business >= 3 && !identity {
        return Verdict::Missing(
            format!(
                "this looks like a {} export ({}) but it has no column that identifies the person: add one of 手机 / Phone, \
                 邮箱 / Email, 微信号 / WeChat ID, 姓名 / Name, 备注 / Remark, 昵称 / Nickname",
                preset.label,
                recognised(header, &crm)
            ),
        );
    }
    Verdict::No
}

/// `header → field` list for messages.
fn recognised(_header: &[String], layout: &Layout) -> String {
    let list: Vec<String> = layout
        .names
        .iter()
        .map(|(i, h)| {
            let field = layout.fields.iter().find(|(_, c)| c == i).map_or("stage date".to_string(), |(f, _)| format!("{f:?}").to_lowercase());
            format!("{h} → {field}")
        })
        .collect();
    format!("recognised columns: {}", list.join(", "))
}

/// The vendor preset whose signature the header carries.
pub(crate) fn preset_for(header: &[String]) -> &'static Preset {
    let keys: Vec<String> = header.iter().map(|h| norm(h)).collect();
    PRESETS
        .iter()
        .find(|p| p.signatures.iter().any(|group| group.iter().all(|s| keys.contains(&norm(s)))))
        .unwrap_or(&GENERIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(s: &str) -> Vec<String> {
        s.split(',').map(str::to_string).collect()
    }

    #[test]
    fn stage_date_columns() {
        assert_eq!(stage_date_label("Became a Marketing Qualified Lead Date").as_deref(), Some("marketing qualified lead"));
        assert_eq!(stage_date_label("Became an Opportunity Date").as_deref(), Some("opportunity"));
        assert_eq!(stage_date_label("Date entered \"Opportunity (Sales Pipeline)\"").as_deref(), Some("opportunity"));
        assert_eq!(stage_date_label("hs_lifecyclestage_salesqualifiedlead_date").as_deref(), Some("salesqualifiedlead"));
        assert_eq!(stage_date_label("成为MQL时间").as_deref(), Some("mql"));
        assert_eq!(stage_date_label("赢单日期").as_deref(), Some("赢单"));
        assert_eq!(stage_date_label("转商机时间").as_deref(), Some("商机"));
        assert_eq!(stage_date_label("创建时间"), None);
        assert_eq!(stage_date_label("最后修改时间"), None);
    }

    #[test]
    fn kinds_and_presets() {
        let v = classify(&header("姓名,手机,公司名称,线索来源,线索状态,负责人,创建时间"));
        assert!(matches!(v, Verdict::Fits(Kind::Crm, _, p) if p.key == "fxiaoke"));
        let v = classify(&header("Record ID,First Name,Last Name,Email,Lifecycle Stage,Contact owner,Create Date"));
        assert!(matches!(v, Verdict::Fits(Kind::Crm, _, p) if p.key == "hubspot"));
        let v = classify(&header("客户名称,备注,添加人,添加时间,来源,企业标签"));
        let Verdict::Fits(Kind::Crm, l, p) = v else { panic!("wecom") };
        assert_eq!(p.key, "wecom");
        assert_eq!(l.col(Field::Nickname), Some(0), "客户名称 is the WeChat name in a WeCom list");
        assert!(matches!(classify(&header("群昵称,微信号,群名,角色,邀请人,入群时间")), Verdict::Fits(Kind::Roster, ..)));
        assert!(matches!(classify(&header("SDR,日期,外呼数,邀约数,被邀请人")), Verdict::Fits(Kind::SdrLog, ..)));
        assert!(matches!(classify(&header("时间,发送人,内容")), Verdict::No));
        let Verdict::Missing(msg) = classify(&header("公司名称,线索来源,负责人,创建时间")) else { panic!("missing") };
        assert!(msg.contains("纷享销客") && msg.contains("手机 / Phone"), "{msg}");
    }
}
