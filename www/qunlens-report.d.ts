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
}
