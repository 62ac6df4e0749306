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
/// are not read. The memory cap is what keeps the page inside WebAssembly's 4 GiB: it weighs
/// what was loaded ([`Loaded::memory_estimate`]), so an export of short messages reads further
/// than one of long ones (a count of messages alone either stops the first early or lets the
/// second run out of memory). The CLI has the same defaults (one report for the same inputs);
/// raise them in its config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Bytes read from one file. Default 0 (files are streamed; size alone is no danger).
    pub max_file_bytes: u64,
    /// Messages over all files. Default 0 (`max_memory_bytes` bounds them).
    pub max_messages: u64,
    /// People over all files. Default 500,000 (the full report of a million people does not
    /// fit yet).
    pub max_members: u64,
    /// What the data loaded and its report may take ([`Loaded::memory_estimate`]). Default
    /// 3,500,000,000: the page's WebAssembly memory ends at 4 GiB (4,295 MB), and the estimate
    /// errs high (by up to 15 % where it was measured).
    pub max_memory_bytes: u64,
    /// The memory of the device reading, in GB, as the browser reports it
    /// (`navigator.deviceMemory`: rounded down to a power of two, from 0.25; Chromium 156
    /// reports up to 16, older browsers up to 8; 0 = not known, the CLI's default). The page
    /// sets it unless the config does. Under 8 the memory cap is at most
    /// [`Limits::DEVICE_SHARE`] of it, so a laptop reporting 4 GB stops reading at about
    /// 1.2 GB with a message instead of the tab running out of memory.
    pub device_memory_gb: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_file_bytes: 0, max_messages: 0, max_members: 500_000, max_memory_bytes: 3_500_000_000, device_memory_gb: 0.0 }
    }
}

/// What has been loaded, as the caps weigh it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Loaded {
    /// Bytes read from the current file.
    pub file_bytes: u64,
    /// Messages over all files.
    pub messages: usize,
    /// People over all files.
    pub members: usize,
    /// Bytes of message text kept.
    pub text_bytes: usize,
    /// Bytes of the current file held whole until it ends (a JSON document read as one value).
    pub held_bytes: usize,
}

/// Two loads together (a piece or another worker's files beside this one's): people both
/// know are counted twice, so the sum errs high, as the estimate does.
impl std::ops::Add for Loaded {
    type Output = Loaded;

    fn add(self, other: Loaded) -> Loaded {
        Loaded {
            file_bytes: self.file_bytes + other.file_bytes,
            messages: self.messages + other.messages,
            members: self.members + other.members,
            text_bytes: self.text_bytes + other.text_bytes,
            held_bytes: self.held_bytes + other.held_bytes,
        }
    }
}

impl Loaded {
    /// The model's bytes per message besides its text: its columns (time 8, group 4, sender
    /// 4, kind 1, flags 1, text span 8) and their share of the rest (29–33 measured).
    const MODEL_BYTES_PER_MESSAGE: u64 = 32;
    /// The report's working memory per message (its time order, the leaderboard's events and
    /// duplicate sets, the health pass's slots): 38 bytes measured where texts repeat, 48
    /// where every text differs.
    const REPORT_BYTES_PER_MESSAGE: u64 = 48;
    /// Per person: names, ids and their tables, their report rows and those rows' JSON.
    const BYTES_PER_MEMBER: u64 = 1_000;
    /// Per byte of a document held whole: itself, and the messages, texts and report it
    /// turns into beside it when it is read (a 1.73 GB Telegram export of 4 million messages:
    /// 2.19 GB peak RSS in the CLI).
    const BYTES_PER_HELD_BYTE: u64 = 2;

    /// About how many bytes the data loaded and its report take, erring high. Measured in
    /// WebAssembly: the 32,128,520-message benchmark export (4.56 GB, texts that repeat) is
    /// estimated at 3.25 GB and took 1.60 GB after the load, 2.82 GB after the report; 11.65
    /// million messages of 220-byte texts that all differ, 3.50 GB estimated, took 2.94 and
    /// 3.39 GB.
    ///
    /// ```
    /// let loaded = qunlens::config::Loaded { messages: 1_000_000, text_bytes: 21_000_000, members: 400, ..Default::default() };
    /// assert_eq!(loaded.memory_estimate(), 80_000_000 + 21_000_000 + 400_000);
    /// ```
    pub fn memory_estimate(&self) -> u64 {
        (Self::MODEL_BYTES_PER_MESSAGE + Self::REPORT_BYTES_PER_MESSAGE) * self.messages as u64
            + self.text_bytes as u64
            + Self::BYTES_PER_MEMBER * self.members as u64
            + Self::BYTES_PER_HELD_BYTE * self.held_bytes as u64
    }
}

impl Limits {
    /// The share of a device's reported memory (`device_memory_gb` under 8) the data loaded
    /// and its report may take. The renderer holds ≈1.2× the estimate plus ≈0.35 GB for the
    /// page itself (the 2 GB benchmark: 1.45 GB estimated, 1.68 GB peak), and a device
    /// reporting 4 GB has 4 to 8 GB, shared with the system and the browser: 30 % of 4 GB
    /// keeps the tab near 1.8 GB.
    pub const DEVICE_SHARE: f64 = 0.3;

    /// The memory cap in force: `max_memory_bytes` (0: none), lowered on a device reporting
    /// under 8 GB (see `device_memory_gb`); with whether the device lowered it.
    ///
    /// ```
    /// use qunlens::config::Limits;
    /// let laptop = Limits { device_memory_gb: 4.0, ..Default::default() };
    /// assert_eq!(laptop.memory_cap(), (1_200_000_000, true));
    /// let desktop = Limits { device_memory_gb: 8.0, ..Default::default() };
    /// assert_eq!(desktop.memory_cap(), (3_500_000_000, false));
    /// let uncapped = Limits { max_memory_bytes: 0, device_memory_gb: 2.0, ..Default::default() };
    /// assert_eq!(uncapped.memory_cap(), (600_000_000, true));
    /// ```
    pub fn memory_cap(&self) -> (u64, bool) {
        let gb = self.device_memory_gb;
        let device = (gb > 0.0 && gb < 8.0).then(|| (gb * Self::DEVICE_SHARE * 1e9) as u64);
        match (self.max_memory_bytes, device) {
            (cap, Some(d)) if cap == 0 || d < cap => (d, true),
            (cap, _) => (cap, false),
        }
    }

    /// The most bytes of a document held whole (see [`Loaded::held_bytes`]) the memory cap
    /// lets be read, before anything else is loaded (`u64::MAX` without a cap).
    pub fn held_bytes_fitting(&self) -> u64 {
        match self.memory_cap().0 {
            0 => u64::MAX,
            cap => cap / Loaded::BYTES_PER_HELD_BYTE,
        }
    }

    /// How many more messages of `text_per_message` bytes of text fit under the message and
    /// memory caps after `loaded` (`usize::MAX` without either cap).
    ///
    /// ```
    /// use qunlens::config::{Limits, Loaded};
    /// let limits = Limits { max_memory_bytes: 1_000_000, ..Default::default() };
    /// let loaded = Loaded { messages: 1_000, text_bytes: 20_000, ..Default::default() };
    /// // 100,000 bytes used; 100 per message (80 + 20 of text): 9,000 more.
    /// assert_eq!(limits.messages_fitting(&loaded, 20.0), 9_000);
    /// ```
    pub fn messages_fitting(&self, loaded: &Loaded, text_per_message: f64) -> usize {
        let by_count = match self.max_messages {
            0 => usize::MAX,
            cap => (cap as usize).saturating_sub(loaded.messages),
        };
        let by_memory = match self.memory_cap().0 {
            0 => usize::MAX,
            cap => {
                let per_message = (Loaded::MODEL_BYTES_PER_MESSAGE + Loaded::REPORT_BYTES_PER_MESSAGE) as f64 + text_per_message.max(0.0);
                (cap.saturating_sub(loaded.memory_estimate()) as f64 / per_message) as usize
            }
        };
        by_count.min(by_memory)
    }

    /// The cap `loaded` passes, if any: its config key and a plain-language message.
    pub fn reached(&self, loaded: &Loaded) -> Option<String> {
        let over = |cap: u64, n: u64| cap > 0 && n > cap;
        if over(self.max_file_bytes, loaded.file_bytes) {
            return Some(format!("stopped after {} bytes of this file: the cap limits.max_file_bytes is {}", self.max_file_bytes, self.max_file_bytes));
        }
        if over(self.max_messages, loaded.messages as u64) {
            return Some(format!("stopped at {} messages: the cap limits.max_messages is {} (raise it in the config if this machine has the memory)", loaded.messages, self.max_messages));
        }
        if over(self.max_members, loaded.members as u64) {
            return Some(format!("stopped at {} people: the cap limits.max_members is {} (raise it in the config if this machine has the memory)", loaded.members, self.max_members));
        }
        let memory = loaded.memory_estimate();
        let (cap, by_device) = self.memory_cap();
        if !over(cap, memory) {
            return None;
        }
        let mb = |bytes: u64| (bytes + 500_000) / 1_000_000;
        // A document held whole gave no message yet: none of it is read.
        let stopped = match loaded.held_bytes {
            0 => format!("stopped at {} messages: with their report they would take about {} MB", loaded.messages, mb(memory)),
            held => format!(
                "not read: this file is one JSON document, held whole before any of its messages is read; at {} MB of it, with the data loaded, that would take about {} MB (split the export, e.g. per chat)",
                mb(held as u64),
                mb(memory)
            ),
        };
        Some(if by_device {
            format!(
                "{stopped}, more than this device can spare (it reports {} GB of memory, so the page keeps to {} MB: limits.device_memory_gb); on a machine with 8 GB or more, or with the CLI, it reads further",
                self.device_memory_gb,
                mb(cap)
            )
        } else {
            format!(
                "{stopped}, over the cap limits.max_memory_bytes ({cap}) (the page cannot use more than 4 GiB; the CLI can: raise the cap in its config)"
            )
        })
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
