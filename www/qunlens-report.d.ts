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
    /** The week's joins per inviter (member id; null: no inviter stated — QR code, link, self). */
    joins_by_inviter: { inviter: string | null; joins: number }[];
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
  | "slack-zip";

export type Encoding = "utf-8" | "utf-8-bom" | "utf-16le" | "utf-16be" | "gb18030";

export type Platform = "wechat" | "wecom" | "qq" | "whatsapp" | "telegram" | "discord" | "slack" | "other";

/** A repair made while reading, with nothing lost. */
export interface InputNote {
  /** Stable code for translations. */
  code: "repaired_escapes" | "repaired_values";
  /** How many times it happened. */
  count: number;
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
  /** Messages this file added. */
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
    | "empty"
    | "binary"
    | "unknown_format"
    | "no_messages"
    | "no_readable_rows"
    | "bad_archive"
    | "archive_limits"
    | "bad_workbook"
    | null;
}

export interface Skip {
  /** 1-based line in the file where the row starts (0 when the format is not line-based). */
  line: number;
  reason: string;
}

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
