//! Report settings, read from the config JSON (CLI `--config FILE`, the page's settings).
//! Every field has a default, so `{}` is a valid config; later sections add their own keys.

use serde::{Deserialize, Serialize};

/// Settings for reading and reporting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// IANA zone (or fixed offset like `+08:00`) for exports written in local time and for
    /// dates in the report. Default `Asia/Shanghai`.
    pub timezone: String,
    /// A member is active if they spoke within this many days before `as_of`. Default 30.
    pub active_days: u32,
    /// The "as of" date (`YYYY-MM-DD`, end of that day in `timezone`) for activity and
    /// silence. Default: the time of the last message in the data, never the wall clock.
    pub as_of: Option<String>,
    /// Column mappings for CSVs no known format matches (see `ingest::mapped_csv`).
    pub column_maps: Vec<crate::ingest::mapped_csv::ColumnMap>,
    /// Staff accounts (群主 owner, 群助手 assistant, 小号 alt accounts): each entry is a
    /// platform id (`wxid_…`), a report member id (`wechat:wxid_…`) or a display name.
    /// Staff are left out of member-only figures (leaderboard, UGC share, roles).
    pub staff: Vec<String>,
    /// Whether the exporting account (`is_self`) counts as staff. Default true: exports are
    /// made by the operator's own account.
    pub self_is_staff: bool,
    /// Explicit role tags (大咖 big_name, 讲师 lecturer, KOL, 群主 owner, 群助手 assistant, 小号
    /// alt): `[{"member": "wxid_… | wechat:wxid_… | display name", "group": "optional group id
    /// or name", "tag": "kol"}]`. Tags win over behaviour; owner/assistant/alt mark staff.
    pub role_tags: Vec<crate::report::roles::RoleTag>,
    /// Role rules and the target pyramid (see [`crate::report::roles::RolesConfig`]).
    pub roles: crate::report::roles::RolesConfig,
    /// Health settings: silence thresholds, the answer window (see [`crate::report::health`]).
    pub health: crate::report::health::HealthConfig,
    /// Points leaderboard rules and window (see [`crate::report::leaderboard`]).
    pub leaderboard: crate::report::leaderboard::LeaderboardConfig,
    /// The canonical CRM stage ladder, lowest first: `[{"stage": "lead", "labels": ["线索", …],
    /// "lost": false}, …]`. Default: lead, mql, sql, opportunity, won, and lost beside them.
    pub stage_ladder: Vec<crate::identity::StageDef>,
    /// The user's decisions about business records the identity matching could not settle
    /// (or got wrong): `[{"source": "crm", "record": "<record key>", "member": "wechat:wxid_…"
    /// | null}]`, null meaning "not anyone in the chats".
    pub identity_overrides: Vec<crate::identity::IdentityOverride>,
    /// Funnel steps, mode, conversion window and date range (see [`crate::report::funnel`]).
    pub funnel: crate::report::funnel::FunnelConfig,
    /// Conversion step, lookback, model weights and the SDR rule (see [`crate::report::attribution`]).
    pub attribution: crate::report::attribution::AttributionConfig,
    /// Caps that stop reading with a clear message before memory runs out (see [`Limits`]).
    pub limits: Limits,
}

/// Caps on what is read (config key `limits`; 0 = no cap). Reading stops at a cap: the file
/// that reached it keeps what was read and says so (`error_code: limit_reached`), later files
/// are not read. The defaults keep the browser inside wasm32's 4 GiB: ≈ 72–91 bytes per
/// message, and the full report of a million people does not fit yet. The CLI has the same
/// defaults (one report for the same inputs); raise them in its config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Bytes read from one file. Default 0 (files are streamed; size alone is no danger).
    pub max_file_bytes: u64,
    /// Messages over all files. Default 30,000,000.
    pub max_messages: u64,
    /// People over all files. Default 500,000.
    pub max_members: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_file_bytes: 0, max_messages: 30_000_000, max_members: 500_000 }
    }
}

impl Limits {
    /// The cap reached, if any: its config key and a plain-language message.
    pub fn reached(&self, file_bytes: u64, messages: usize, members: usize) -> Option<String> {
        let over = |cap: u64, n: u64| cap > 0 && n > cap;
        if over(self.max_file_bytes, file_bytes) {
            return Some(format!("stopped after {} bytes of this file: the cap limits.max_file_bytes is {}", self.max_file_bytes, self.max_file_bytes));
        }
        if over(self.max_messages, messages as u64) {
            return Some(format!("stopped at {} messages: the cap limits.max_messages is {} (raise it in the config if this machine has the memory)", messages, self.max_messages));
        }
        if over(self.max_members, members as u64) {
            return Some(format!("stopped at {} people: the cap limits.max_members is {} (raise it in the config if this machine has the memory)", members, self.max_members));
        }
        None
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            timezone: crate::time::DEFAULT_TIMEZONE.to_string(),
            active_days: 30,
            as_of: None,
            column_maps: Vec::new(),
            staff: Vec::new(),
            self_is_staff: true,
            role_tags: Vec::new(),
            roles: Default::default(),
            health: Default::default(),
            leaderboard: Default::default(),
            stage_ladder: crate::identity::StageDef::defaults(),
            identity_overrides: Vec::new(),
            funnel: Default::default(),
            attribution: Default::default(),
            limits: Default::default(),
        }
    }
}

impl Config {
    /// Does switching from `self` to `other` change how files are read? (Then loaded files
    /// must be read again; everything else is recomputed from the loaded model.)
    pub fn affects_reading(&self, other: &Config) -> bool {
        self.timezone != other.timezone || self.column_maps != other.column_maps || self.limits != other.limits
    }

    /// Parses a config JSON; errors name the offending field.
    ///
    /// ```
    /// let c = qunlens::Config::from_json(r#"{"active_days": 14}"#).unwrap(); // ok: doc example, not runtime code
    /// assert_eq!((c.active_days, c.timezone.as_str()), (14, "Asia/Shanghai"));
    /// assert!(qunlens::Config::from_json(r#"{"active_days": "x"}"#).is_err());
    /// ```
    pub fn from_json(json: &str) -> Result<Config, String> {
        let json = json.trim_start_matches('\u{FEFF}');
        if json.trim().is_empty() {
            return Ok(Config::default());
        }
        serde_json::from_str(json).map_err(|e| format!("config: {e}"))
    }
}
