/**
 * The qunlens report: the one JSON document produced by the page, the widgets, the wasm API
 * (`Analyzer.report_json()`, `analyze()`) and the CLI (`qunlens analyze FILE... > report.json`).
 *
 * This is public API. Fields are only ever added, never renamed or removed; incompatible
 * changes would bump `schema_version`. Times are RFC 3339 strings in `timezone`
 * (e.g. `2024-03-01T10:00:00+08:00`); ids are strings so 64-bit ids survive JavaScript.
 */
export interface Report {
  /** 1 for this schema. */
  schema_version: number;
  /** `qunlens <version>`. */
  generator: string;
  /** IANA zone (or fixed offset) every time in the report is written in. Default `Asia/Shanghai`. */
  timezone: string;
  /** The instant "active" is measured against: the last message in the data unless `config.as_of` is set. */
  as_of: string | null;
  /** A member is active if they spoke within this many days before `as_of` (default 30). */
  active_days: number;
  inputs: InputReport[];
  /** Sorted by messages, most first. */
  groups: GroupReport[];
  /** Sorted by messages, most first. */
  members: MemberReport[];
  activity: Activity;
  /** Role composition per group against the target pyramid, progression, staff suggestions, recommendations. */
  roles: RolesReport;
  /** Silent members, dying groups, response rates, retention (see HealthReport). */
  health: HealthReport;
  /** Points per member with a per-rule breakdown, and monthly stars (see LeaderboardReport). */
  leaderboard: LeaderboardReport;
  /** How CRM records, roster rows and SDR-invited people matched the chat members. */
  identity: IdentityReport;
  /** Invited -> joined -> active -> lead -> … -> won, with breakdowns and the SDR funnel (see FunnelReport). */
  funnel: FunnelReport;
  /** Leads and revenue credited to groups, SDRs, channels and content by every model (see AttributionReport). */
  attribution: AttributionReport;
}

/** Config key `attribution`; every field optional in a config. */
export interface AttributionSettings {
  /** [`won`] the funnel step that counts as a conversion (`lead`, `mql`, `sql`, `opportunity`, `won`, or a chat step such as `joined`, `active`). */
  conversion: string;
  /** [180] touches older than this before the conversion do not count. */
  lookback_days: number;
  /** [50] touches kept per path (the latest). */
  max_touches: number;
  /** [0.4, 0.4] position-based (U-shaped) shares of the first and last touch; the rest over the middle. */
  position_first: number;
  position_last: number;
  /** [0.3, 0.3, 0.3] W-shaped shares of the first, lead-creation and deal-creation touches; the rest over the others. */
  w_first: number;
  w_lead: number;
  w_deal: number;
  /** [7] time-decay half-life, days. */
  half_life_days: number;
  /** [1] Markov chain order. */
  markov_order: number;
  /** [true] include non-converting people as null paths in the Markov chain. */
  markov_null_paths: boolean;
  /** Channels last-non-direct passes over (case-insensitive); default direct, (direct), (none), none, join, 直接, 直接访问, 自然流量. */
  direct_channels: string[];
  /** [0.5] SDR rule: the inviting SDR's share when another SDR converts. */
  sdr_inviter_share: number;
  /** [0.3] SDR rule: community operations' share when no SDR invited the person. */
  community_share: number;
  /** [50] keys listed per dimension in credits and comparison (the rest as `(other)`); 0 = all. */
  key_limit: number;
}

/** Model names in `AttributionReport.models` order. */
export type AttributionModel =
  | "first_touch" | "last_touch" | "last_non_direct" | "linear" | "position_based"
  | "w_shaped" | "time_decay" | "markov" | "shapley" | "sdr_rule";

export type AttributionDimension = "group" | "sdr" | "channel" | "content";

/**
 * Section `attribution`. Also returned alone by `Analyzer.attribution_json(config_json)`
 * (recomputed from cached journeys and touches). Per dimension a person's path is their
 * touches of that dimension from `lookback_days` before the conversion up to it (`group`: groups
 * joined or first spoken in; `sdr`: SDR log invitations, inviters of joins and roster rows, the
 * CRM owner at lead creation; `channel`: the entry channel at entry; `content`: links and files
 * shared or spoken after within 24 h). A person converts once (the `conversion` step); revenue
 * is the amount of their won CRM records. Non-converting people are null paths (Markov only).
 * Markov: exact absorbing-chain removal effect, repeats collapsed, order `markov_order`, null
 * paths included, credits = RE / ΣRE × conversions (revenue from the value-weighted chain).
 * Shapley: Zhao's simplified game = equal split over a path's distinct keys. `sdr_rule`: same
 * SDR invited and converted → 100 %; invited by SDR1, converted by SDR2 → `sdr_inviter_share`
 * to SDR1; not invited by an SDR → `community_share` to `(community)`, the rest to the CRM owner.
 */
export interface AttributionReport {
  settings: AttributionSettings;
  /** False when `settings.conversion` names no funnel step (nothing converts). */
  conversion_known: boolean;
  people: number;
  /** People who converted, and their won revenue. */
  conversions: number;
  revenue: number;
  /** Conversions whose stage has no time (lookback measured from the last touch). */
  undated_conversions: number;
  dimensions: AttributionDimensionSummary[];
  models: AttributionModelCredits[];
  /** Per listed key, every model's conversions and revenue in `models` order (null = model does not cover the dimension), and the spread of its conversion share over models. */
  comparison: { dimension: AttributionDimension; key: string; label: string; conversions: (number | null)[]; revenue: (number | null)[]; spread: number }[];
  removal_effects: { dimension: AttributionDimension; key: string; removal_effect: number; removal_effect_value: number }[];
  /** Per SDR and `(community)`: people first invited, conversions owned in the CRM, SDR-rule credit. */
  sdr: { sdr: string; invited: number; owned_conversions: number; conversions: number; revenue: number }[];
  /** Channel -> first group -> furthest stage; node ids `channel:<key>`, `group:<id>`, `stage:<name>`; value = people. */
  sankey: { nodes: { id: string; label: string }[]; links: { source: string; target: string; value: number }[] };
}

export interface AttributionDimensionSummary {
  dimension: AttributionDimension;
  paths: number;
  converting_paths: number;
  null_paths: number;
  /** Conversions with no touch of this dimension within the lookback (credited to no key). */
  unattributed_conversions: number;
  touches: number;
  keys: number;
  markov_states: number;
  markov_p_conversion: number;
  /** Keys past the Markov chain's limit (999 at order 1, 100 above) sharing one state; their credit is split by their touches on converting paths. */
  markov_merged_keys: number;
}

export interface AttributionModelCredits {
  name: AttributionModel;
  /** Per dimension, the same keys in every model (by linear credit), then `(other)`. */
  credits: AttributionCredit[];
}

export interface AttributionCredit {
  dimension: AttributionDimension;
  /** Group id, SDR name, channel, content title/URL, `(community)` or `(other)`. */
  key: string;
  label: string;
  conversions: number;
  revenue: number;
  /** conversions / the dimension's credited conversions (4 decimals). */
  share: number;
  revenue_share: number;
}

/** Config key `funnel`; every field optional in a config. */
export interface FunnelSettings {
  /** Step names in order: `invited`, `joined`, `first_message`, `active`, `question`, `file`, and the stage ladder's stages (`lead`, `mql`, `sql`, `opportunity`, `won`). Default: invited, joined, active, lead, mql, sql, opportunity, won. */
  steps: string[];
  /** [`ordered`] or `any_order`. */
  mode: "ordered" | "any_order";
  /** [90] conversion window from entry, days. */
  window_days: number;
  /** [3] distinct days with messages that make a person `active`. */
  active_min_days: number;
  /** Entry date range, local days `YYYY-MM-DD` inclusive; null = open. */
  from: string | null;
  to: string | null;
  /** [20] values per breakdown; the rest are summed as `(other)`. */
  breakdown_limit: number;
  /** [100] people listed per step in `dropoff`, latest activity first; 0 = everyone. */
  dropoff_limit: number;
  /** [0.8] the SDR funnel's weekly goal, joined / calls. */
  sdr_goal_join_rate: number;
}

/**
 * Section `funnel`. Also returned alone by `Analyzer.funnel_json(config_json)` (recomputed
 * from cached per-person journeys, without re-reading files). Semantics: a person counts at
 * step k when they reached steps 1..k in order, each within `window_days` of entry (the first
 * time they reach step 1 inside `from`..`to`; later step-1 events do not restart it); ties in
 * time are in order. Chat steps are events (at or after the previous step); CRM stages are
 * states (one reached before the previous step still holds: `already_reached`). Undated CRM
 * stages count as reached and stay out of the times (`times_unknown`). `any_order`: each of
 * steps 1..k within the window of entry, before or after it; no times.
 */
export interface FunnelReport {
  settings: FunnelSettings;
  /** People considered: non-staff members, CRM records joined to no member, SDR-invited people not in the chats. */
  people: number;
  /** Step names not recognised (left out of `steps`). */
  unknown_steps: string[];
  steps: FunnelStep[];
  /** `group` (first group joined or spoken in), `owner` (CRM owner, else the inviting SDR), `channel` (CRM source or campaign, else roster channel, else `invite` / `qr_code` / `link` / `join`), `cohort` (`YYYY-MM` of first join). */
  breakdowns: FunnelBreakdown[];
  sdr: SdrFunnel;
}

export interface FunnelStep {
  name: string;
  count: number;
  /** count / previous step's count (1 for the first step); 4 decimals. */
  conversion_from_previous: number;
  /** count / first step's count. */
  conversion_from_first: number;
  /** Median (nearest rank) seconds from the previous step over people with both times known; null for the first step, in any_order mode, or when none is known. */
  median_time_from_previous_s: number | null;
  p90_time_from_previous_s: number | null;
  /** People counted here whose time (or the previous step's) is unknown. */
  times_unknown: number;
  /** People counted at this CRM stage who had reached it before the previous step. */
  already_reached: number;
  /** People who reached the previous step and stopped before this one. */
  dropped: number;
  /** Up to `settings.dropoff_limit` of them, latest activity first. */
  dropoff: FunnelDropOff[];
}

export interface FunnelDropOff {
  /** Member id, `crm:<record id>` or `sdr:<file#line>`. */
  person: string;
  name: string;
  /** Report id and name of the person's first group. */
  group: string | null;
  group_name: string | null;
  owner: string | null;
  last_activity: string | null;
}

export interface FunnelBreakdown {
  dimension: "group" | "owner" | "channel" | "cohort";
  /** Most entries first (ties by key); `key` "" = none, "(other)" = the rest. */
  values: { key: string; label: string; counts: number[]; conversion_from_first: number }[];
}

/** Calls -> invitations -> joined -> active -> lead -> SQL -> won per SDR per Monday week. People an SDR brought in: those the log names that week (matched to members) and chat joins whose inviter's name is the SDR's; each followed for the window from the invitation. */
export interface SdrFunnel {
  goal_join_rate: number;
  /** By SDR, then week. */
  weeks: SdrFunnelRow[];
  /** Per SDR over all weeks (`week` null), most joined first. */
  totals: SdrFunnelRow[];
}

export interface SdrFunnelRow {
  sdr: string;
  /** Monday, `YYYY-MM-DD`; null in totals. */
  week: string | null;
  calls: number;
  invitations: number;
  joined: number;
  active: number;
  lead: number;
  sql: number;
  won: number;
  /** joined / calls (joined / invitations when no calls); null when neither. */
  join_rate: number | null;
  meets_goal: boolean | null;
}

/** Section `leaderboard`. Rules and definitions in the README ("Leaderboard"). Also returned
 *  alone by `Analyzer.leaderboard_json(config_json)` (re-ranks without re-reading files). */
export interface LeaderboardReport {
  /** The rules in force: config `leaderboard` with defaults filled in. */
  rules: LeaderboardRules;
  window: LeaderboardWindow;
  /** Members with points > 0, points descending then member id; cut after rank `rules.top`
   *  (members tied at the boundary stay). */
  entries: LeaderboardEntry[];
  /** One per month with events (oldest first), over all the data of the group filter. */
  stars: MonthStars[];
}

/** Config key `leaderboard` (every field optional in the config). */
export interface LeaderboardRules {
  /** Points per event; 0 turns a rule off. Defaults in brackets. */
  points: {
    /** [5] once per member per group per conversation */
    discussion: number;
    /** [10] */ question: number;
    /** [10] */ answer: number;
    /** [10] file, link / article, mini-program */ share: number;
    /** [10] text of at least `long_share_len` meaningful characters */ long_share: number;
    /** [2] someone else quoted the member */ replied: number;
    /** [2] 打卡 / 签到 / check-in */ checkin: number;
    /** [0] */ sticker: number;
    /** [0] */ red_packet: number;
    /** [5] a join naming the member as inviter */ invite: number;
    /** [5] the invitee later spoke in the group */ invite_active: number;
  };
  /** [60] seconds between a member's earning messages. */
  cooldown_s: number;
  /** [50] points per rule per member per local day; 0 = no cap. */
  daily_cap_per_rule: number;
  /** [100] points per member per local day; 0 = no cap. */
  daily_cap: number;
  /** [4] meaningful characters a text needs to earn discussion / question / answer. */
  min_len: number;
  /** [140] */
  long_share_len: number;
  /** [1800] a gap this long between a group's messages starts a new conversation. */
  conversation_gap_s: number;
  /** [3600] */
  answer_window_s: number;
  /** [false] staff earn points too. */
  include_staff: boolean;
  /** ['month'] */
  window: 'month' | 'week' | 'custom' | 'all';
  /** `YYYY-MM` (month) or any day of the week `YYYY-MM-DD`; null = latest with data. */
  period: string | null;
  /** Custom window, inclusive local days `YYYY-MM-DD`. */
  from: string | null;
  to: string | null;
  /** A report group id; null = all groups together (caps and cooldowns then span groups). */
  group: string | null;
  /** [100] entries up to this rank; 0 = all. */
  top: number;
}

export interface LeaderboardWindow {
  kind: 'month' | 'week' | 'custom' | 'all';
  /** `YYYY-MM` for a month, the Monday `YYYY-MM-DD` for a week, else null. */
  period: string | null;
  /** Inclusive start / exclusive end, RFC 3339 in the report zone; null = unbounded. */
  start: string | null;
  end: string | null;
  group: string | null;
  /** Months (window month) or week Mondays (window week) with events, newest first. */
  periods: string[];
}

export interface LeaderboardEntry {
  /** Standard competition ranking: 1, 2, 2, 4. */
  rank: number;
  /** Report member id (as in `members[].id`). */
  member: string;
  /** Latest display name. */
  name: string;
  /** Sum of `breakdown[].points`. */
  points: number;
  /** Rules with count > 0, in rule order. */
  breakdown: LeaderboardLine[];
  /** The member's messages in the window that earned nothing, by reason. */
  skipped: { cooldown: number; duplicate: number; too_short: number };
}

export interface LeaderboardLine {
  rule: keyof LeaderboardRules['points'];
  count: number;
  value: number;
  /** count × value − capped. */
  points: number;
  /** Points the daily caps removed. */
  capped: number;
}

export interface MonthStars {
  /** `YYYY-MM` in the report zone. */
  month: string;
  /** Most points (活跃之星); ties: smaller member id. */
  most_active: Star | null;
  /** Most invites of people who joined (推广之星). */
  best_promoter: Star | null;
  /** Most answers that earned points (助人之星). */
  best_helper: Star | null;
}

export interface Star {
  member: string;
  name: string;
  /** Points, invites or answers. */
  value: number;
}

/** Section `health`. Definitions in the README ("Health"). */
export interface HealthReport {
  settings: HealthSettings;
  /** In the order of `groups`. */
  groups: GroupHealth[];
  /** Current non-staff members silent for at least the smallest threshold, or who never spoke;
   *  per group, longest silence first. */
  members_silent: SilentMember[];
  /** Questions nobody answered, newest first (at most `settings.unanswered_limit`). */
  unanswered: UnansweredQuestion[];
}

export interface HealthSettings {
  thresholds: number[];
  silent_days: number;
  response_window_s: number;
  reply_window_s: number;
  unanswered_limit: number;
}

export interface GroupHealth {
  id: string;
  name: string;
  /** Current members (departed ones excluded), staff included. */
  members: number;
  last_message: string | null;
  days_since_last_message: number | null;
  silent_members: number;
  never_spoke: number;
  questions: number;
  answered: number;
  /** answered / questions, null when nobody asked. */
  response_rate: number | null;
  median_first_response_s: number | null;
  p90_first_response_s: number | null;
  answered_by_members_share: number | null;
  accepted_rate: number | null;
  staff_message_share: number | null;
  /** Only staff spoke in the last 28 days. */
  solo: boolean;
  dau: number;
  wau: number;
  mau: number;
  /** Monday-start weeks (`week` = the Monday), dense up to `as_of`. */
  weekly: {
    week: string; messages: number; speakers: number; joins: number; leaves: number;
    /** Of `joins`, how many each named inviter brought, most first. */
    joins_by_inviter: { inviter: string; name: string; joins: number }[];
  }[];
  declining_weeks: number;
  capacity: { cap: number; fill_mark: number; at_fill_mark: boolean; full: boolean; under_100: boolean };
  /** Join-month cohorts: joiners who spoke 1, 2 and 3 calendar months later. */
  cohorts: { month: string; joined: number; speaking_after: [number, number, number] }[];
  /** Joins per inviter (null inviter: none stated), most first; `left`: of those joiners, how many left since. */
  inviters: { inviter: string | null; name: string | null; joins: number; left: number }[];
  /** 0–100 = activity + response + trend + ugc (each 0–25). */
  score: number;
  score_parts: { activity: number; response: number; trend: number; ugc: number };
}

export interface SilentMember {
  member: string;
  name: string;
  group: string;
  last_message: string | null;
  days_silent: number | null;
  never_spoke: boolean;
}

export interface UnansweredQuestion {
  group: string;
  member: string;
  name: string;
  time: string;
  text: string;
}

export type Format =
  | "wechatmsg-csv"
  | "pywxdump-csv"
  | "wecom-archive"
  | "wecom-group-members"
  | "qq-txt"
  | "qq-nt-json"
  | "weflow-json"
  | "chatlog"
  | "chatlab"
  | "whatsapp-txt"
  | "telegram-json"
  | "discord"
  | "slack-zip"
  | "mapped-csv"
  /** A CRM export (leads, contacts, deals) recognised from its headers by a vendor preset. */
  | "crm-csv"
  /** A group roster: member, group, role tag, inviter, join channel, join time. */
  | "roster-csv"
  /** An SDR activity log: SDR, date, calls, invitations, optionally the invited person. */
  | "sdr-log-csv";

export type Encoding = "utf-8" | "utf-8-bom" | "utf-16le" | "utf-16be" | "gb18030";

export type Platform = "wechat" | "wecom" | "qq" | "whatsapp" | "telegram" | "discord" | "slack" | "other";

/** A repair made while reading, with nothing lost. */
export interface InputNote {
  /** Stable code for translations. */
  code:
    | "repaired_escapes"
    | "repaired_values"
    /** Business files: which vendor preset read the CRM export (`message`: "read as a 纷享销客 export (fxiaoke)"). */
    | "preset"
    /** Business files: cells that could not be read (a date that is not a date) were left empty; the rest of the row is kept. */
    | "unreadable_values"
    /** Business files: one-field lines after the data (a Salesforce report footer) ignored. */
    | "footer_lines"
    /** Business files: read through the user's column mapping (`message` names it) instead of a preset. */
    | "column_map"
    /** Business files: the mapping names fields qunlens does not know (listed in `message`); the others are used. */
    | "unknown_map_fields"
    /** A chunked QQ NT export's `manifest.json`: `count` chunk files listed (its `rows`), `detail` the chat's name; the messages are counted under the chunk files. */
    | "chunk_manifest";
  /** How many times it happened. */
  count: number;
  /** The variable part of the message (column and example value, preset label, mapping name, field names); "" when none. Added with the business files. */
  detail: string;
  /** The same in plain language (English). */
  message: string;
}

/** One input file: what was read, what was skipped and why. */
export interface InputReport {
  file: string;
  /** Detected from content; null when the file is not a recognised export (see `error`). */
  format: Format | null;
  encoding: Encoding | null;
  bytes: number;
  /** Rows (records, messages, member entries) read. */
  rows: number;
  /** Messages read from this file. A message that an overlapping export of the same group also has is counted in each file that has it, and once in the group (`GroupReport.duplicates` counts the repeats): the same whichever file was read first, or by which worker. */
  messages: number;
  /** The first skipped rows (at most 50), in file order. */
  skipped: Skip[];
  /** Every skipped row. */
  skipped_count: number;
  /** Repairs made with nothing lost, e.g. Telegram Desktop's invalid `\xNN` escapes. */
  notes: InputNote[];
  /** Bytes invalid in the detected encoding (shown as U+FFFD). */
  malformed_bytes: number;
  /** Why the whole file could not be read, in plain language (English); null when it was read. */
  error: string | null;
  /** Stable code of `error`, for showing it in another language. */
  error_code:
    | "limit_reached"
    | "empty"
    | "binary"
    | "unknown_format"
    | "no_messages"
    | "no_readable_rows"
    | "bad_archive"
    | "archive_limits"
    | "bad_workbook"
    /** A CRM export, roster or SDR log without a column it needs; `error` names it. */
    | "missing_columns"
    /** A chunk of a chunked QQ NT export (`c000001.jsonl`) that no `manifest.json` of the load
     *  lists (by name and size): only the manifest says which chat it belongs to. */
    | "chunk_without_manifest"
    | null;
}

export interface Skip {
  /** 1-based line in the file where the row starts (0 when the format is not line-based). In a
   *  JSON document, the line where the skipped message (or the error in it) starts. */
  line: number;
  /** Why, in plain language (English). */
  reason: string;
  /** Why, as a stable code for showing it in another language. Added with the translated skips. */
  code: SkipCode;
  /** The variable part of `reason` (column and value, message number, JSON error), for a
   *  translated sentence; "" when none. A skip inside a zip names the entry first. It holds no
   *  English words of qunlens's own (the export's field names and serde's JSON errors stay as
   *  they are): a message is `#11`, or `"Growth Club" #11` in a Telegram export of several
   *  chats. */
  detail: string;
}

export type SkipCode =
  /** A CSV row with more or fewer fields than the header (detail: "found / expected"). */
  | "wrong_columns"
  /** A number column holding something else (detail: column and value). */
  | "not_a_number"
  /** A time or date that cannot be read (detail: field and value). */
  | "bad_time"
  /** A message without a time (detail: the field). */
  | "no_time"
  /** A message without a sender (detail: the fields looked at). */
  | "no_sender"
  /** A field the row cannot do without is empty (detail: the field). */
  | "empty_field"
  /** A CRM, roster or member-list row naming nobody (detail: the fields looked at). */
  | "no_identity"
  /** One record that is not valid JSON, skipped alone (detail: which, and the error). */
  | "not_json"
  /** A JSON document that breaks here: nothing after is read (detail: the error, then ` · ` and the last message read, `expected ',' or ']' · #6`). */
  | "json_broken"
  /** A JSON document cut off here: what came before was read (detail: the last message read, `#6`; "" when none or when the cut is after the messages). */
  | "json_cut_off"
  /** Valid data of another shape than the format's (detail: what was expected or found). */
  | "unexpected_shape"
  /** Text that belongs to no message (detail: the text). */
  | "stray_text"
  /** A WeCom archive record still encrypted. */
  | "encrypted"
  /** A WeCom API response that is an error (detail: its errcode and errmsg). */
  | "api_error"
  /** Messages dated outside 1990–2099, one skip per file (detail: how many, and their span). */
  | "implausible_dates";

export interface GroupReport {
  /** `platform:key`, e.g. `wechat:12345678901@chatroom`, `wecom:wr...`, `qq:<group name>`. */
  id: string;
  name: string;
  platform: Platform;
  /** Distinct people seen: senders, people who joined/left/were removed, inviters, member-list entries. */
  members: number;
  /** Distinct members who sent at least one message. */
  speakers: number;
  /** All messages, system messages included. */
  messages: number;
  /** Members who spoke within `active_days` before `as_of`. */
  active_members: number;
  /** Join events (system messages, member lists with join times). */
  joins: number;
  /** Departures: left + removed. */
  leaves: number;
  /** Of `leaves`, the members removed by an owner/admin. */
  removed: number;
  first_message: string | null;
  last_message: string | null;
  /** Messages dropped because an overlapping export of the group already had them (each message
   *  is kept as often as the export that has it most often). */
  duplicates: number;
}

export type JoinMethod = "invite" | "qr_code" | "link" | "unknown";

export interface MemberReport {
  /** `platform:id` (the exporting account too, once its files name its id: several exporting accounts are several members); `platform:self` for an exporting account whose id is never named; `platform:name:<group key>:<name>` when only a name is known. */
  id: string;
  /** The display name used most recently. */
  name: string;
  /** Every display name seen, in order of first use. */
  names: { name: string; first_seen: string; last_seen: string }[];
  platform: Platform;
  /** wxid / QQ number / WeCom userid, when the export has one. */
  platform_id: string | null;
  is_self: boolean;
  /** Group ids (see `GroupReport.id`). */
  groups: string[];
  /** Messages sent (system tips, recalls and pats excluded). */
  messages: number;
  first_active: string | null;
  last_active: string | null;
  /** Who brought them in, from the first join that names someone. */
  inviter: PersonLink | null;
  /** How they joined, from their first join event. */
  join_method: JoinMethod | null;
  /** Every join, oldest first. */
  joins: { group: string; time: string; method: JoinMethod | null; inviter: PersonLink | null }[];
  /** The CRM record matched to this person (the strongest match; see `identity`), or null. */
  crm_record: string | null;
  /** What matched it. */
  crm_match_key: MatchKey | null;
  /** Confidence of that key, 0–1 (override / platform id 1, phone 0.95, email 0.9, remark 0.7, nickname 0.5). */
  crm_match_confidence: number | null;
}

export interface PersonLink {
  id: string;
  name: string;
}

/** Member messages (system tips, recalls and pats excluded) over time. */
export interface Activity {
  daily: DailySeries;
  /** `heatmap[weekday][hour]`, weekday 0 = Monday, hours in `timezone`. */
  heatmap: number[][];
  /** Per group, in the order of `groups`. */
  by_group: { group: string; daily: DailySeries; heatmap: number[][] }[];
}

/** `messages[i]` is the count on day `start + i` (local days, `YYYY-MM-DD`). */
export interface DailySeries {
  start: string | null;
  messages: number[];
}

/** The config JSON (`qunlens analyze --config FILE`, the page's settings). Every key is optional. */
export interface Config {
  /** Default `Asia/Shanghai`. */
  timezone?: string;
  /** Default 30. */
  active_days?: number;
  /** `YYYY-MM-DD`; default: the last message in the data. */
  as_of?: string | null;
  /** Staff accounts: platform ids, report member ids or display names. */
  staff?: string[];
  /** Explicit role tags (the roster import will produce the same); tags win over behaviour. */
  role_tags?: RoleTag[];
  /** Role rules and targets; every field optional (defaults in `RolesSettings`). */
  roles?: Partial<RolesSettings>;
  /** The canonical CRM stage ladder, lowest first. Default: lead, mql, sql, opportunity, won, and lost (`lost: true`) beside them, each with the labels HubSpot, Salesforce and Chinese CRMs write. */
  stage_ladder?: StageDef[];
  /** Your decisions about business records (the page's Identity tab saves them). */
  identity_overrides?: IdentityOverride[];
  /** Column mappings for files no known format matches (the page's "Map columns…" saves them). */
  column_maps?: ColumnMap[];
  /** Health thresholds and windows. */
  health?: Partial<HealthSettings>;
  /** Leaderboard rules and window. */
  leaderboard?: Partial<LeaderboardRules>;
  /** Funnel steps, mode, window and range (the page's Funnel tab saves them). */
  funnel?: Partial<FunnelSettings>;
  attribution?: Partial<AttributionSettings>;
  /** Caps that stop reading with a clear message (`error_code: "limit_reached"`) before memory runs out; 0 = no cap. Defaults: max_file_bytes 0, max_messages 0, max_members 500,000, max_memory_bytes 3,500,000,000 — what the data loaded and its report would take, estimated as 80 bytes per message plus its text plus 1,000 per person (the page's WebAssembly memory ends at 4 GiB). A JSON document held whole until its file ends (every JSON export is streamed message by message, but one whose messages come before what they belong to — a Telegram chat's id, a WeFlow session, a ChatLab meta written after them — is held) weighs twice its size while it is read. `device_memory_gb`: the device's memory as the browser reports it (`navigator.deviceMemory`; the page sets it unless the setup does; 0 = not known, as in the CLI). Under 8 the memory cap is at most 30 % of it (a device reporting 4 GB: 1.2 GB), and a file stopped by it says so in `error`. */
  limits?: { max_file_bytes?: number; max_messages?: number; max_members?: number; max_memory_bytes?: number; device_memory_gb?: number };
}

/**
 * A column mapping, by header name. Without `kind` it reads chat messages (`time`, `sender`,
 * `text` required; `format: "mapped-csv"`). With `kind` it reads a business file no preset
 * recognises (or one missing a column a preset needs), as `crm-csv` / `roster-csv` /
 * `sdr-log-csv`; only `fields` is used then. A mapping applies to a file whose header has
 * every column it names; CSV, tab- or semicolon-separated text, or a spreadsheet sheet.
 */
export interface ColumnMap {
  /** Label shown in the page and in the `column_map` note. */
  name: string;
  time?: string;
  /** How dates in `time` are written. Default `ymd`. */
  date_order?: "ymd" | "dmy" | "mdy";
  sender?: string;
  sender_id?: string | null;
  text?: string;
  group?: string | null;
  message_id?: string | null;
  reply_to?: string | null;
  kind?: "crm" | "roster" | "sdr_log" | null;
  /**
   * Business mappings: field -> column header. Fields: crm `id name first_name last_name phone
   * email platform_id remark nickname company owner source campaign created stage lead_status
   * amount currency close_date`; roster `member name group tag inviter channel join_time phone
   * email remark`; sdr_log `sdr date calls invitations invited phone`. CRM mappings also read
   * "Became a … Date" / "成为MQL时间" stage-date columns left unmapped.
   */
  fields?: Record<string, string>;
}

// ---------------------------------------------------------------- identity (issue #4)

/** What matched a business record to a chat member, strongest first. */
export type MatchKey = "override" | "platform_id" | "phone" | "email" | "remark" | "nickname";
export type IdentitySource = "crm" | "roster" | "sdr_log";

export interface StageDef {
  /** Canonical name (`lead`, `mql`, …). */
  stage: string;
  /** Labels meaning this stage, compared ignoring case, width, spaces and punctuation. */
  labels?: string[];
  /** A dead end beside the ladder (lost / unqualified). */
  lost?: boolean;
}

export interface IdentityOverride {
  source: IdentitySource;
  /** The record key of the `identity` lists. */
  record: string;
  /** Report member id or platform id; null = "not anyone in the chats". */
  member: string | null;
}

export interface IdentityReport {
  /** Per source, always the three in this order. `records` leaves out SDR rows that name nobody. */
  sources: { source: IdentitySource; records: number; matched: number; ambiguous: number; unmatched: number }[];
  /** Chat members matched to at least one CRM record. */
  members_matched: number;
  /** Overrides of the config that named a record in the data. */
  overrides_applied: number;
  /** Canonical stage names in force, lowest first. */
  stage_ladder: string[];
  matched: (IdentityRecord & { member: PersonLink; key: MatchKey; confidence: number })[];
  /** Never joined silently: several members fit, or one member is claimed by name by several records. */
  ambiguous: (IdentityRecord & { key: MatchKey; candidates: PersonLink[] })[];
  /** `rejected`: an override says this record is nobody in the chats. */
  unmatched: (IdentityRecord & { rejected: boolean })[];
  /** Every CRM record with its canonical stages (for funnels). */
  crm_records: CrmRecordReport[];
}

export interface IdentityRecord {
  source: IdentitySource;
  /** Key to override by: a CRM record id (`<file>#<line>` when the export has none); roster `<member id>@<group>` or `<file>#<line>`; SDR `<file>#<line>`. */
  record: string;
  /** The name the record gives (name, nickname, remark, invited person). */
  label: string;
  file: string;
  line: number;
}

export interface CrmRecordReport {
  id: string;
  /** Preset: `salesforce`, `hubspot`, `fxiaoke` (纷享销客), `neocrm` (销售易), `wecom` (企业微信客户列表), `scrm`, `generic`. */
  vendor: string;
  name: string | null;
  owner: string | null;
  source: string | null;
  campaign: string | null;
  company: string | null;
  /** Canonical current stage; null when the label is not on the ladder. */
  stage: string | null;
  /** The stage as the export wrote it. */
  stage_label: string | null;
  /** Stages reached in ladder order; `time` null when reached but the export gives no time. */
  stages: { stage: string; time: string | null }[];
  amount: number | null;
  /** ISO code (`CNY`, `USD`). */
  currency: string | null;
  created: string | null;
  close_date: string | null;
  /** The matched member's id, or null. */
  member: string | null;
}

// ---------------------------------------------------------------- roles (issue #6)

/** Member roles, top of the pyramid first. */
export type Role = "big_name" | "lecturer" | "kol" | "active" | "ordinary";
/** One number per member role. */
export type PerRole<T> = { big_name: T; lecturer: T; kol: T; active: T; ordinary: T };

export interface RoleTag {
  /** Platform id (`wxid_…`), report member id (`wechat:wxid_…`) or display name (all people with it). */
  member: string;
  /** Report group id or group name: limits a member-role tag to that group (staff tags apply everywhere). */
  group?: string;
  tag: "big_name" | "lecturer" | "kol" | "owner" | "assistant" | "alt";
}

/** The role rules in force (config `roles`), with their defaults. */
export interface RolesSettings {
  /** Percent per role; default 4 / 6 / 8 / 10 / 70. */
  targets: PerRole<number>;
  /** Active: messages on ≥ this many distinct days (4) … */
  active_min_days: number;
  /** … within this many days before `as_of` (30). */
  active_window_days: number;
  /** KOL: replies + quotes + @mentions received ≥ this (10), … */
  kol_min_received: number;
  /** … ≥ this × the group's average (5), … */
  kol_factor: number;
  /** … and within the group's top this-percent (10; ties at the cut-off all in). */
  kol_top_percent: number;
  /** Long-form share: ≥ this many long messages (5) … */
  lecture_min_messages: number;
  /** … of ≥ this many meaningful characters (60) … */
  lecture_min_chars: number;
  /** … within this many minutes (30); or a file followed by `lecture_file_talk` messages (3) in that span. */
  lecture_span_minutes: number;
  lecture_file_talk: number;
  /** Lecturer: ≥ this many long-form shares (1). */
  lecturer_min_shares: number;
  /** Big name: @mentioned by ≥ this many distinct members (5) … */
  big_name_min_mentioners: number;
  /** … while sending ≤ this many messages (5). */
  big_name_max_messages: number;
  /** Group cap (500) and the "near the cap" mark (470). */
  capacity: number;
  capacity_warn: number;
  /** A group lacks a role when its share < this × target (0.5). */
  lacking_fraction: number;
  /** Candidates listed per recommendation (5). */
  max_candidates: number;
  /** Staff suggestion thresholds: same half hour on ≥ 10 days and ≥ 50% of their days; ≥ 5 welcomes; ≥ 10 invites;
   *  first message of the day on ≥ 10 days and ≥ 30% of the group's days. */
  fixed_time_min_days: number;
  fixed_time_percent: number;
  welcome_min: number;
  invite_min: number;
  first_of_day_min_days: number;
  first_of_day_percent: number;
  /** Movers listed per month (50). */
  max_movers: number;
}

export interface RolesReport {
  /** Target percent per role. */
  targets: PerRole<number>;
  settings: RolesSettings;
  /** In the order of `groups`. */
  groups: GroupRoles[];
  /** Non-staff members with a current membership, highest role first. */
  members: MemberRoles[];
  /** Staff, left out of the composition. */
  staff: { id: string; name: string; kind: "owner" | "assistant" | "alt" | "staff"; source: "tag" | "config" | "self" }[];
  transitions: Transitions;
  /** Accounts behaving like staff; shown for confirmation, never applied by themselves. */
  staff_suggestions: StaffSuggestion[];
  recommendations: Recommendation[];
}

export interface GroupRoles {
  id: string;
  name: string;
  /** Current members incl. staff (people who left or were removed are not counted). */
  members: number;
  staff: number;
  /** Non-staff members: the base of `shares`. */
  ranked: number;
  counts: PerRole<number>;
  /** Percent of `ranked`, one decimal. */
  shares: PerRole<number>;
  /** `shares` − target, percentage points. */
  deviation: PerRole<number>;
  /** `ranked` × target, rounded. */
  target_counts: PerRole<number>;
  /** Members whose role came from a tag. */
  tagged: number;
  /** Ordinary members who never spoke. */
  silent: number;
  near_capacity: boolean;
  at_capacity: boolean;
}

/** Why a member has a role. `text` is English; the page translates `code` with the numbers. */
export interface RoleReason {
  code: "tagged" | "mentioned_rarely_speaks" | "long_form_shares" | "replies_received" | "active_days" | "ordinary" | "silent";
  source: "tag" | "behaviour";
  /** The member's number the rule looked at (mentioners, shares, received, days). */
  count: number;
  threshold: number;
  /** KOL only: group average received, and the member's rank as top percent. */
  average?: number;
  top_percent?: number;
  text: string;
}

export interface MemberRoles {
  id: string;
  name: string;
  /** Highest role over the memberships. */
  role: Role;
  reason: RoleReason;
  /** Group id of the membership that gave `role`. */
  group: string;
  memberships: {
    group: string;
    role: Role;
    reason: RoleReason;
    silent: boolean;
    messages: number;
    active_days: number;
    replies: number;
    mentions: number;
    mentioners: number;
    shares: number;
  }[];
}

/** Monthly role snapshots (natural months in `timezone`) along ordinary → active → core → KOL → lecturer → big name. */
export interface Transitions {
  /** `["ordinary","active","core","kol","lecturer","big_name"]`: the index order of `counts` and `matrix`. */
  levels: string[];
  snapshots: { month: string; counts: number[]; up: number; down: number }[];
  /** `matrix[from][to]` over consecutive months (diagonal: stayed). */
  matrix: number[][];
  movers: { month: string; id: string; name: string; group: string; from: string; to: string; up: boolean }[];
}

export interface StaffSuggestion {
  id: string;
  name: string;
  platform_id: string | null;
  signals: { code: "fixed_time" | "welcomes" | "invites" | "first_of_day"; count: number; percent?: number; time?: string }[];
  text: string;
}

export interface Recommendation {
  code: "lacking_kol" | "lacking_lecturer" | "near_capacity" | "at_capacity";
  group: string;
  group_name: string;
  role?: Role;
  /** lacking_*: members with the role; capacity: current members. */
  have: number;
  /** lacking_*: members the target asks for; capacity: the threshold crossed. */
  target: number;
  /** Members of other groups (not in this one) who could fill the gap, best first. */
  candidates: { id: string; name: string; role: Role; group: string; group_name: string }[];
  text: string;
}
