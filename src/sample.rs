//! A deterministic generator of realistic exports: the page's "load sample data" button,
//! the page tests and the benchmarks all use it, at any size.
//!
//! It simulates an operator's groups over a period: staff (owner, assistant = the exporting
//! account, SDRs), members who join by invitation or QR code (with system messages naming
//! the inviter), a few removals, heavy-tailed activity (most members stay silent), office-hour
//! and evening peaks, and then writes each group in a format people really export:
//! WeChatMsg/MemoTrace CSV (UTF-8 with BOM), PyWxDump CSV re-saved by Excel (GBK, dates
//! without seconds), a classic QQ 消息管理器 TXT (UTF-8 BOM, CRLF), and a WeCom session
//! archive (JSON lines) with its customer-group member list.
//!
//! ```
//! let files = qunlens::sample::generate(&qunlens::sample::SampleSpec::default());
//! assert!(files.iter().any(|f| f.name.ends_with("_utf8.csv")));
//! assert_eq!(files, qunlens::sample::generate(&Default::default()), "deterministic");
//! ```

mod business;

use crate::time::{civil_from_days, days_from_civil};

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleSpec {
    pub seed: u64,
    /// WeChat groups written as WeChatMsg CSV (the PyWxDump/GBK, QQ and WeCom groups come on top
    /// when `other_formats` is set).
    pub wechat_groups: usize,
    /// Distinct people in the pool the groups draw from.
    pub people: usize,
    /// Messages across all groups (approximately; system messages come on top).
    pub messages: usize,
    /// First day, as days since 1970-01-01 (local, UTC+8).
    pub start_day: i64,
    pub days: u32,
    /// Also write the PyWxDump GBK, QQ TXT and WeCom files.
    pub other_formats: bool,
}

impl Default for SampleSpec {
    /// Several groups, thousands of members, tens of thousands of messages, Jan–Jun 2024.
    fn default() -> Self {
        SampleSpec {
            seed: 20240101,
            wechat_groups: 4,
            people: 3000,
            messages: 40_000,
            start_day: days_from_civil(2024, 1, 1),
            days: 182,
            other_formats: true,
        }
    }
}

impl SampleSpec {
    /// One big WeChatMsg group CSV of about `messages` messages, for benchmarks.
    pub fn benchmark(messages: usize) -> Self {
        SampleSpec {
            seed: 7,
            wechat_groups: 1,
            people: 490,
            messages,
            start_day: days_from_civil(2023, 1, 1),
            days: 730,
            other_formats: false,
        }
    }
}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Generates the sample files.
pub fn generate(spec: &SampleSpec) -> Vec<SampleFile> {
    let mut rng = Rng(spec.seed ^ 0x9E37_79B9_7F4A_7C15);
    let people = make_people(&mut rng, spec.people.max(20));
    let mut files = Vec::new();
    let total_groups = spec.wechat_groups + if spec.other_formats { 3 } else { 0 };
    let per_group = spec.messages / total_groups.max(1);
    let mut business = Vec::new();
    for g in 0..spec.wechat_groups {
        let name = format!("{}{}群", GROUP_THEMES[g % GROUP_THEMES.len()], g / GROUP_THEMES.len() + 1);
        let sim = simulate(&mut rng, spec, &people, g, per_group);
        files.push(SampleFile { name: format!("{name}_utf8.csv"), bytes: write_wechatmsg(&sim, &people) });
        if g == 0 && spec.other_formats {
            business = business::files(spec.seed, &sim, &people, &name);
        }
    }
    if spec.other_formats {
        let g = spec.wechat_groups;
        let sim = simulate(&mut rng, spec, &people, g, per_group);
        files.push(SampleFile {
            name: "25123456789@chatroom_0_5000.csv".to_string(),
            bytes: write_pywxdump_excel_gbk(&sim, &people, "25123456789@chatroom"),
        });
        let sim = simulate(&mut rng, spec, &people, g + 1, per_group);
        files.push(SampleFile { name: "全部消息记录.txt".to_string(), bytes: write_qq_txt(&sim, &people, "会计实务交流群") });
        let sim = simulate(&mut rng, spec, &people, g + 2, per_group);
        files.push(SampleFile { name: "wecom_archive.jsonl".to_string(), bytes: write_wecom_archive(&sim, &people, WECOM_ROOM) });
        files.push(SampleFile {
            name: "wecom_groupchat.json".to_string(),
            bytes: write_wecom_members(&sim, &people, WECOM_ROOM, "企业客户服务群"),
        });
        files.extend(business);
    }
    files
}

/// Writes one WeChatMsg CSV group of about `spec.messages` messages into `out` (benchmarks
/// generate hundreds of megabytes this way without holding a `SampleFile`).
pub fn write_benchmark_csv(spec: &SampleSpec, out: &mut Vec<u8>) {
    let (people, sim) = simulate_benchmark(spec);
    out.extend_from_slice(&write_wechatmsg(&sim, &people));
}

/// The people and the one group's events of a benchmark: the same for every format.
fn simulate_benchmark(spec: &SampleSpec) -> (Vec<Person>, Sim) {
    let mut rng = Rng(spec.seed);
    let people = make_people(&mut rng, spec.people.max(20));
    let sim = simulate(&mut rng, spec, &people, 0, spec.messages);
    (people, sim)
}

/// Writes one WeCom session archive of about `messages` messages into `out`: decrypted
/// records as JSON Lines, one customer group, from the same simulation as the benchmark CSV
/// (what was said; an archive has no joins).
pub fn write_wecom_benchmark(messages: usize, out: &mut Vec<u8>) {
    let (people, sim) = simulate_benchmark(&SampleSpec::benchmark(messages));
    out.extend_from_slice(&write_wecom_archive(&sim, &people, WECOM_ROOM));
}

/// Writes one WhatsApp Android group export (en-US: `M/D/YY, h:mm\u{202F}PM - Name: text`) of
/// about `messages` messages into `out`, from the same simulation as the benchmark CSV:
/// invitations as `X added Y`, QR-code joins as invite-link joins, removals by the exporting
/// account (`You removed X`), recalls as `This message was deleted`, media as
/// `<Media omitted>`, multi-line texts as continuation lines.
pub fn write_whatsapp_benchmark(messages: usize, out: &mut Vec<u8>) {
    use std::fmt::Write;
    let spec = SampleSpec::benchmark(messages);
    let (people, sim) = simulate_benchmark(&spec);
    let mut s = String::with_capacity(sim.events.len() * 70 + 256);
    let stamp = |s: &mut String, t: i64| {
        let l = t + UTC8;
        let (y, m, d) = civil_from_days(l.div_euclid(86400));
        let sec = l.rem_euclid(86400);
        let (h, min) = (sec / 3600, sec % 3600 / 60);
        let h12 = if h % 12 == 0 { 12 } else { h % 12 };
        let _ = write!(s, "{m}/{d}/{:02}, {h12}:{min:02}\u{202F}{} - ", y % 100, if h < 12 { "AM" } else { "PM" });
    };
    let first = sim.events.first().map_or(spec.start_day * 86400, |e| e.0) - 60;
    stamp(&mut s, first);
    s.push_str("Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.\n");
    stamp(&mut s, first);
    let _ = writeln!(s, "{} created group \"WhatsApp 客户群\"", people[sim.owner].nick);
    for &(t, ev) in &sim.events {
        stamp(&mut s, t);
        match ev {
            Event::Say { person, kind, template } => {
                let body = match kind {
                    SayKind::Text | SayKind::RedPacket => say_text(template),
                    SayKind::Image | SayKind::Sticker => "<Media omitted>",
                    SayKind::Link => "https://example.com/webinar",
                };
                let _ = writeln!(s, "{}: {body}", people[person].nick);
            }
            Event::Join { person, qr: true, .. } => {
                let _ = writeln!(s, "{} joined using this group's invite link", people[person].nick);
            }
            Event::Join { person, by, .. } => {
                let by = if by == sim.assistant { "You" } else { people[by].nick.as_str() };
                let _ = writeln!(s, "{by} added {}", people[person].nick);
            }
            Event::Remove { person } => {
                let _ = writeln!(s, "You removed {}", people[person].nick);
            }
            Event::Recall { person } => {
                let _ = writeln!(s, "{}: This message was deleted", people[person].nick);
            }
        }
    }
    out.extend_from_slice(s.as_bytes());
}

/// The WeCom customer group's `roomid`.
const WECOM_ROOM: &str = "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA";

const GROUP_THEMES: &[&str] = &["产品交流", "财税学习", "客户成功", "线下活动", "新品体验", "行业交流"];

// ---------------------------------------------------------------------------------------
// Random numbers: SplitMix64, so output never depends on a crate's algorithm changing.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

// ---------------------------------------------------------------------------------------
// People.

struct Person {
    nick: String,
    wxid: String,
    qq: u64,
    wecom: String,
    /// Relative chance of speaking; heavy-tailed, many near zero.
    weight: f64,
}

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林"];
const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "晨", "曦"];
const CITIES: &[&str] = &["上海", "北京", "深圳", "杭州", "成都", "武汉", "南京", "苏州"];
const ROLES: &[&str] = &["财务", "HR", "采购", "运营", "老板", "销售", "IT"];
const EN: &[&str] = &["Lily", "Kevin", "Amy", "Jason", "Coco", "Leo", "Vivian", "Tony", "Grace", "Eric"];

fn make_people(rng: &mut Rng, n: usize) -> Vec<Person> {
    (0..n)
        .map(|i| {
            let nick = match rng.below(6) {
                0 => format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)),
                1 => format!("{}{}{}", rng.pick(SURNAMES), rng.pick(GIVEN), rng.pick(GIVEN)),
                2 => format!("{}-{}-{}{}", rng.pick(CITIES), rng.pick(ROLES), rng.pick(SURNAMES), rng.pick(GIVEN)),
                3 => format!("{}{}", rng.pick(EN), rng.pick(SURNAMES)),
                4 => format!("老{}", rng.pick(SURNAMES)),
                _ => format!("{}{}🌸", rng.pick(SURNAMES), rng.pick(GIVEN)),
            };
            // Distinct nicknames keep name-only references (system messages) unambiguous.
            let nick = format!("{nick}{}", if i < 60 { String::new() } else { (i % 97).to_string() });
            let wxid = format!("wxid_{:014x}", rng.next() & 0xFF_FFFF_FFFF_FFFF);
            let u = rng.unit();
            Person {
                nick,
                wxid,
                qq: 100_000_000 + rng.below(899_999_999),
                wecom: format!("wmOgQhDgAA{:016X}AAAA", rng.next()),
                weight: u.powf(4.0) * if rng.chance(0.45) { 0.0 } else { 1.0 },
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Group simulation.

#[derive(Clone, Copy, PartialEq)]
enum Event {
    /// `person` says something of `kind` (a template index picks the text).
    Say { person: usize, kind: SayKind, template: u32 },
    /// `person` joins, invited by `by` (None: QR code shared by `qr_from`).
    Join { person: usize, by: usize, qr: bool },
    /// The assistant (the exporting account) removes `person`.
    Remove { person: usize },
    Recall { person: usize },
}

#[derive(Clone, Copy, PartialEq)]
enum SayKind {
    Text,
    Image,
    Sticker,
    Link,
    RedPacket,
}

struct Sim {
    /// Staff: owner, assistant (exporter), SDRs.
    owner: usize,
    assistant: usize,
    /// (epoch seconds, event), sorted by time.
    events: Vec<(i64, Event)>,
    /// Members present from the start (no join message).
    founders: Vec<usize>,
    /// Members others @mention with their questions (KOLs of the roles report); only in
    /// every other WeChatMsg group of the default sample, so the sample has both balanced and
    /// unbalanced groups.
    kols: Vec<usize>,
    /// Everyone in the group at some point with their join time (0 = founder).
    roster: Vec<(usize, i64)>,
    /// Owner, assistant and the two SDRs.
    staff: Vec<usize>,
}

const UTC8: i64 = 8 * 3600;

fn simulate(rng: &mut Rng, spec: &SampleSpec, people: &[Person], group: usize, messages: usize) -> Sim {
    let n = people.len();
    let size = (match group % 5 {
        0 => 470,
        1 => 320,
        2 => 180,
        3 => 95,
        _ => 140,
    })
    .min(n - 3);
    // Members overlap between groups: a window into the pool shifted per group.
    let offset = (group * n / 5) % n;
    let staff: Vec<usize> = (0..4).map(|k| (k * 7 + group) % 20).collect();
    let (owner, assistant) = (staff[0], staff[1]);
    let start = spec.start_day * 86400 - UTC8;
    let span = spec.days.max(1) as i64 * 86400;
    let mut roster: Vec<(usize, i64)> = staff.iter().map(|&s| (s, 0)).collect();
    let mut events = Vec::new();
    let mut k = 0;
    while roster.len() < size {
        let p = (offset + k) % n;
        k += 1;
        if staff.contains(&p) || roster.iter().any(|&(q, _)| q == p) {
            continue;
        }
        if rng.chance(0.4) {
            roster.push((p, 0));
        } else {
            // Joins cluster early (launch campaign) and trickle in later.
            let t = start + (rng.unit().powf(1.6) * span as f64) as i64;
            let t = with_hour(rng, t);
            let qr = rng.chance(0.35);
            let by = if rng.chance(0.7) { staff[2 + rng.below(2) as usize] } else { roster[rng.below(roster.len() as u64) as usize].0 };
            roster.push((p, t));
            events.push((t, Event::Join { person: p, by, qr }));
        }
    }
    let founders: Vec<usize> = roster.iter().filter(|r| r.1 == 0).map(|r| r.0).collect();
    // Speaking weights: staff talk a lot; members per their personal weight.
    let weights: Vec<f64> = roster
        .iter()
        .map(|&(p, _)| if p == owner { 0.6 } else if p == assistant { 1.5 } else if staff.contains(&p) { 0.4 } else { people[p].weight })
        .collect();
    let mut cumulative = Vec::with_capacity(weights.len());
    let mut acc = 0.0;
    for w in &weights {
        acc += w;
        cumulative.push(acc);
    }
    // Activity declines over time in some groups (a dying group: density falling linearly to
    // zero), stays flat in others.
    let declining = group % 3 == 2;
    for _ in 0..messages {
        let u = rng.unit();
        let x = if declining { 1.0 - (1.0 - u).sqrt() } else { u };
        let t = start + (x * span as f64) as i64;
        let t = with_hour(rng, t);
        let mut who = assistant;
        for _ in 0..8 {
            let x = rng.unit() * acc;
            let i = cumulative.partition_point(|&c| c < x).min(roster.len() - 1);
            if roster[i].1 <= t {
                who = roster[i].0;
                break;
            }
        }
        let kind = match rng.below(100) {
            0..=74 => SayKind::Text,
            75..=84 => SayKind::Image,
            85..=92 => SayKind::Sticker,
            93..=97 => SayKind::Link,
            _ => SayKind::RedPacket,
        };
        events.push((t, Event::Say { person: who, kind, template: rng.below(1 << 16) as u32 }));
        if rng.chance(0.004) {
            events.push((t + 30, Event::Recall { person: who }));
        }
    }
    // A few removals of late joiners (spam accounts).
    for &(p, joined) in roster.iter().filter(|r| r.1 > 0).take(size / 60 + 1) {
        if rng.chance(0.5) {
            events.push((joined + 3600 * (1 + rng.below(48) as i64), Event::Remove { person: p }));
        }
    }
    let kols = if spec.other_formats && group < spec.wechat_groups && group % 2 == 0 {
        let mut talkers: Vec<usize> = roster.iter().map(|r| r.0).filter(|p| !staff.contains(p)).collect();
        talkers.sort_by(|a, b| people[*b].weight.total_cmp(&people[*a].weight).then(a.cmp(b)));
        talkers.truncate(3);
        talkers
    } else {
        Vec::new()
    };
    // The first of them gives two evening lectures (five long messages, three minutes apart).
    if let Some(&lecturer) = kols.first() {
        for third in [1, 2] {
            let day = (start + UTC8 + span * third / 3).div_euclid(86400);
            let t = day * 86400 - UTC8 + 20 * 3600;
            for k in 0..LECTURE.len() as i64 {
                events.push((t + k * 180, Event::Say { person: lecturer, kind: SayKind::Text, template: LECTURE_TEMPLATE + k as u32 }));
            }
        }
    }
    events.sort_by_key(|e| e.0);
    Sim { owner, assistant, events, founders, roster, kols, staff }
}

/// Moves `t` to a realistic hour of its day (peaks 9–11, 14–17, 20–22 local time).
fn with_hour(rng: &mut Rng, t: i64) -> i64 {
    const HOURS: &[u8] = &[0, 1, 7, 8, 9, 9, 9, 10, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17, 18, 19, 20, 20, 21, 21, 21, 22, 22, 23];
    let local_day = (t + UTC8).div_euclid(86400);
    // Weekends are quieter: move half of weekend messages to a weekday of the same week.
    let weekday = (local_day + 3).rem_euclid(7);
    let local_day = if weekday >= 5 && rng.chance(0.5) { local_day - weekday + rng.below(5) as i64 } else { local_day };
    let h = *rng.pick(HOURS) as i64;
    local_day * 86400 - UTC8 + h * 3600 + rng.below(3600) as i64
}

// ---------------------------------------------------------------------------------------
// Message text.

const QUESTIONS: &[&str] = &[
    "请问发票抬头填错了怎么办？",
    "这个功能在哪里开通呢？",
    "有人用过电子签章吗？效果怎么样",
    "年底汇算清缴需要准备哪些材料？",
    "怎么导出上个月的报表？",
    "How do we export last month's report?",
    "新版本什么时候上线？",
    "老师，个税专项扣除可以补报吗？",
];
const ANSWERS: &[&str] = &[
    "在设置-账户里面可以改，改完要重新登录",
    "可以的，下个月申报的时候一起补",
    "我们上周刚用过，挺方便的",
    "私聊你发个操作手册",
    "看群公告第三条",
    "要准备营业执照、财务报表和纳税申报表",
];
const CHATTER: &[&str] = &[
    "谢谢老师！",
    "收到",
    "明白了，感谢",
    "打卡",
    "早上好☀️",
    "👍👍👍",
    "今天的分享太有用了",
    "+1",
    "同问",
    "欢迎新朋友",
    "周四晚上8点直播，记得来",
    "干货满满，建议收藏",
    "我们公司也遇到过这个问题，后来换了流程\n第一步先对账\n第二步再开票",
    "哈哈哈",
    "这个价格包含实施吗，",
];

/// A lecture's paragraphs (long-form share): template `LECTURE_TEMPLATE + k` is paragraph `k`.
const LECTURE: &[&str] = &[
    "今晚分享的主题是月末结账，第一部分讲对账：银行流水、往来款和库存三张表要先对平，差异逐条记录原因，不要等到季末再一起处理，否则很难追溯。",
    "第二部分讲费用归集：按部门和项目两个维度建辅助核算，报销单上的项目编号必须填写，月底导出明细后和预算表核对，超支的项目当月就要提醒负责人。",
    "第三部分讲发票管理：进项发票当月勾选确认，海关缴款书单独登记，异常发票一定要在系统里标注原因，抵扣前再核对一次销售方的纳税人识别号和开票信息。",
    "第四部分讲税金计提：增值税、附加税和印花税在结账前计提，个税按工资表核对申报数，企业所得税季度预缴时注意把不得扣除的费用提前做好纳税调整记录。",
    "最后是结账检查清单：科目余额方向、未达账项、暂估入库、固定资产折旧和长期待摊费用摊销，逐项打勾确认后再结账，今天的资料稍后会发到群文件里。",
];
/// Templates from here are lecture paragraphs (ordinary templates stay below 2^16; the last
/// digit 5 keeps them out of the question range of [`wechat_text`]).
const LECTURE_TEMPLATE: u32 = (1 << 20) + 5;

fn say_text(template: u32) -> &'static str {
    if let Some(k) = template.checked_sub(LECTURE_TEMPLATE) {
        return LECTURE[k as usize % LECTURE.len()];
    }
    let t = template as usize;
    match t % 10 {
        0..=1 => QUESTIONS[t / 10 % QUESTIONS.len()],
        2..=3 => ANSWERS[t / 10 % ANSWERS.len()],
        _ => CHATTER[t / 10 % CHATTER.len()],
    }
}

// ---------------------------------------------------------------------------------------
// Writers.

fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn csv_row(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, f);
    }
    out.push_str("\r\n");
}

/// `YYYY-MM-DD HH:MM:SS` in UTC+8 (the exporting PC's clock).
fn local_string(t: i64) -> String {
    let l = t + UTC8;
    let (y, m, d) = civil_from_days(l.div_euclid(86400));
    let s = l.rem_euclid(86400);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// Excel's re-save: `2024/3/1 9:05`, seconds dropped, no zero padding.
fn excel_string(t: i64) -> String {
    let l = t + UTC8;
    let (y, m, d) = civil_from_days(l.div_euclid(86400));
    let s = l.rem_euclid(86400);
    format!("{y}/{m}/{d} {}:{:02}", s / 3600, s % 3600 / 60)
}

fn write_wechatmsg(sim: &Sim, people: &[Person]) -> Vec<u8> {
    let mut out = String::with_capacity(sim.events.len() * 150 + 256);
    out.push('\u{FEFF}');
    out.push_str("localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\r\n");
    for (i, &(t, ev)) in sim.events.iter().enumerate() {
        let local_id = (i + 1).to_string();
        let time = t.to_string();
        let str_time = local_string(t);
        let (ty, sub, sender, content): (&str, &str, Option<usize>, String) = match ev {
            Event::Say { person, kind, template } => match kind {
                SayKind::Text => ("1", "0", Some(person), wechat_text(sim, people, person, template)),
                SayKind::Image => ("3", "0", Some(person), format!("<?xml version=\"1.0\"?><msg><img aeskey=\"{template:08x}\" length=\"{}\" md5=\"{template:032x}\" /></msg>", 20_000 + template)),
                SayKind::Sticker => ("47", "0", Some(person), format!("<msg><emoji fromusername=\"{}\" type=\"2\" md5=\"{template:032x}\" len=\"{}\" /></msg>", people[person].wxid, 9000 + template)),
                // WeChatMsg leaves StrContent empty for every type-49 row.
                SayKind::Link => ("49", "5", Some(person), String::new()),
                SayKind::RedPacket => ("49", "2001", Some(person), String::new()),
            },
            Event::Join { person, by, qr } => {
                let text = if qr {
                    format!("\"{}\"通过扫描\"{}\"分享的二维码加入群聊", people[person].nick, people[by].nick)
                } else if by == sim.assistant {
                    format!("你邀请\"{}\"加入了群聊", people[person].nick)
                } else {
                    format!("\"{}\"邀请\"{}\"加入了群聊", people[by].nick, people[person].nick)
                };
                ("10000", "0", None, text)
            }
            Event::Remove { person } => ("10000", "0", None, format!("你将\"{}\"移出了群聊", people[person].nick)),
            Event::Recall { person } => {
                let text = if person == sim.assistant { "你撤回了一条消息".to_string() } else { format!("\"{}\" 撤回了一条消息", people[person].nick) };
                ("10000", "0", None, text)
            }
        };
        let is_sender = if sender == Some(sim.assistant) { "1" } else { "0" };
        let (remark, nick, wxid) = match sender {
            Some(p) => (people[p].nick.as_str(), people[p].nick.as_str(), people[p].wxid.as_str()),
            None => ("", "", ""),
        };
        csv_row(&mut out, &[&local_id, "217", ty, sub, is_sender, &time, "", &content, &str_time, remark, nick, wxid]);
    }
    out.into_bytes()
}

/// A WeChat text; in groups with KOLs a third of the questions @mention one of them
/// (`@name` + U+2005, as WeChat writes it).
fn wechat_text(sim: &Sim, people: &[Person], sender: usize, template: u32) -> String {
    let text = say_text(template);
    let is_question = template % 10 <= 1;
    match sim.kols.get(template as usize / 7 % 3) {
        Some(&kol) if is_question && kol != sender && template % 3 == 0 => format!("@{}\u{2005}{text}", people[kol].nick),
        _ => text.to_string(),
    }
}

fn write_pywxdump_excel_gbk(sim: &Sim, people: &[Person], room: &str) -> Vec<u8> {
    let mut out = String::with_capacity(sim.events.len() * 120);
    out.push_str("id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\r\n");
    for (i, &(t, ev)) in sim.events.iter().enumerate() {
        let id = (i + 1).to_string();
        // Excel shows 19-digit ids in scientific notation and saves them that way.
        let svr = format!("{}.{:05}E+18", 1 + i % 9, (i * 7919) % 100_000);
        let time = excel_string(t);
        let (type_name, talker, msg, src): (&str, &str, String, String) = match ev {
            Event::Say { person, kind, template } => {
                let talker = if person == sim.assistant { "我" } else { people[person].wxid.as_str() };
                match kind {
                    SayKind::Text if template % 10 == 2 => {
                        let q = QUESTIONS[template as usize % QUESTIONS.len()];
                        let who = &people[sim.owner].nick;
                        let reply = format!("{}\n\n[引用]({}){who}:{q}", say_text(template), local_string(t - 600));
                        ("引用回复", talker, reply, String::new())
                    }
                    SayKind::Text => ("文本", talker, say_text(template).to_string(), String::new()),
                    SayKind::Image => ("图片", talker, "图片".to_string(), format!("FileStorage\\MsgAttach\\{template:032x}\\Image\\2024-03\\{template:032x}.dat")),
                    SayKind::Sticker => ("动画表情", talker, "表情".to_string(), format!("http://wxapp.tc.qq.com/262/20304/stodownload?m={template:032x}")),
                    SayKind::Link => ("(分享)卡片式链接", talker, "年终结账清单\n十个步骤\n\n<a href=\"https://mp.weixin.qq.com/s/abc\" target=\"_blank\">点击查看详情</a>".to_string(), "https://mp.weixin.qq.com/s/abc".to_string()),
                    SayKind::RedPacket => ("红包", talker, "红包".to_string(), String::new()),
                }
            }
            Event::Join { person, by, qr } => {
                let text = if qr {
                    format!("\"{}\"通过扫描\"{}\"分享的二维码加入群聊", people[person].nick, people[by].nick)
                } else {
                    format!("\"{}\"邀请\"{}\"加入了群聊", people[by].nick, people[person].nick)
                };
                ("系统通知", "系统", text, String::new())
            }
            Event::Remove { person } => ("系统通知", "系统", format!("你将\"{}\"移出了群聊", people[person].nick), String::new()),
            Event::Recall { person } => {
                let text = if person == sim.assistant { "<revokemsg>你撤回了一条消息</revokemsg>".to_string() } else { format!("\"{}\" 撤回了一条消息", people[person].nick) };
                ("系统通知", "系统", text, String::new())
            }
        };
        let is_sender = if talker == "我" { "1" } else { "0" };
        csv_row(&mut out, &[&id, &svr, type_name, is_sender, talker, room, &msg, &src, &time]);
    }
    encoding_rs::GBK.encode(&out).0.into_owned()
}

fn write_qq_txt(sim: &Sim, people: &[Person], group: &str) -> Vec<u8> {
    let mut out = String::with_capacity(sim.events.len() * 80);
    out.push('\u{FEFF}');
    out.push_str("消息记录（此消息记录为文本格式，不支持重新导入）\r\n\r\n");
    let bar = "=".repeat(64);
    out.push_str(&format!("{bar}\r\n消息分组:我的QQ群\r\n{bar}\r\n消息对象:{group}\r\n{bar}\r\n\r\n"));
    for &(t, ev) in &sim.events {
        let stamp = {
            let s = local_string(t);
            // QQ writes hours without zero padding.
            match s.as_bytes().get(11) {
                Some(b'0') => format!("{}{}", &s[..11], &s[12..]),
                _ => s,
            }
        };
        let (who, body) = match ev {
            Event::Say { person, kind, template } => {
                let p = &people[person];
                let title = if person == sim.owner { "【群主】" } else if person == sim.assistant { "【管理员】" } else { "" };
                let who = format!("{title}{}({})", p.nick, p.qq);
                let body = match kind {
                    SayKind::Text => say_text(template).to_string(),
                    SayKind::Image => "[图片]".to_string(),
                    SayKind::Sticker => "[表情]".to_string(),
                    SayKind::Link => format!("{}[图片]", say_text(template)),
                    SayKind::RedPacket => "[QQ红包]".to_string(),
                };
                (who, body)
            }
            Event::Join { person, by, qr } => {
                let body = if qr { format!("{}加入本群", people[person].nick) } else { format!("{}邀请{}加入了本群。", people[by].nick, people[person].nick) };
                ("系统消息(10000)".to_string(), body)
            }
            Event::Remove { person } => ("系统消息(10000)".to_string(), format!("{}被管理员移出本群", people[person].nick)),
            Event::Recall { person } => ("系统消息(10000)".to_string(), format!("{}撤回了一条消息", people[person].nick)),
        };
        // Record lines end CRLF; line breaks inside a message are bare LF (as in real exports).
        out.push_str(&format!("{stamp} {who}\r\n{body}\r\n\r\n"));
    }
    out.into_bytes()
}

fn wecom_id(sim: &Sim, people: &[Person], p: usize) -> String {
    if p == sim.owner || p == sim.assistant || p < 20 {
        format!("staff{:03}", p)
    } else {
        people[p].wecom.clone()
    }
}

fn write_wecom_archive(sim: &Sim, people: &[Person], room: &str) -> Vec<u8> {
    let mut out = String::with_capacity(sim.events.len() * 220);
    for (i, &(t, ev)) in sim.events.iter().enumerate() {
        let Event::Say { person, kind, template } = ev else { continue };
        let from = wecom_id(sim, people, person);
        let ms = t * 1000 + (template % 1000) as i64;
        let msgid = format!("{}_{}", 14822339130656386894u64.wrapping_add(i as u64 * 7919), t);
        let body = match kind {
            SayKind::Text => format!("\"msgtype\":\"text\",\"text\":{{\"content\":{}}}", json_string(say_text(template))),
            SayKind::Image => format!("\"msgtype\":\"image\",\"image\":{{\"md5sum\":\"{template:032x}\",\"filesize\":{},\"sdkfileid\":\"CtYBMzA2OTAyMDEwMjA0NjIz\"}}", 10_000 + template),
            SayKind::Sticker => "\"msgtype\":\"emotion\",\"emotion\":{\"type\":1,\"width\":240,\"height\":240}".to_string(),
            SayKind::Link => "\"msgtype\":\"link\",\"link\":{\"title\":\"年终结账清单\",\"description\":\"十个步骤\",\"link_url\":\"https://example.com/a\"}".to_string(),
            SayKind::RedPacket => "\"msgtype\":\"redpacket\",\"redpacket\":{\"type\":2,\"wish\":\"恭喜发财，大吉大利\",\"totalcnt\":5,\"totalamount\":3000}".to_string(),
        };
        out.push_str(&format!(
            "{{\"msgid\":\"{msgid}\",\"action\":\"send\",\"from\":\"{from}\",\"tolist\":[\"{}\"],\"roomid\":\"{room}\",\"msgtime\":{ms},{body}}}\n",
            wecom_id(sim, people, sim.owner)
        ));
    }
    out.into_bytes()
}

fn write_wecom_members(sim: &Sim, people: &[Person], room: &str, name: &str) -> Vec<u8> {
    let removed: Vec<usize> = sim.events.iter().filter_map(|e| match e.1 { Event::Remove { person } => Some(person), _ => None }).collect();
    let create = sim.events.first().map(|e| e.0 - 86400).unwrap_or(0);
    let mut members = Vec::new();
    for &(p, joined) in &sim.roster {
        if removed.contains(&p) {
            continue; // the API lists current members only
        }
        let id = wecom_id(sim, people, p);
        let staff = id.starts_with("staff");
        let join = sim.events.iter().find_map(|e| match e.1 {
            Event::Join { person, by, qr } if person == p => Some((by, qr)),
            _ => None,
        });
        let (scene, invitor) = match join {
            Some((_, true)) => (3, String::new()),
            Some((by, false)) => (1, format!(",\"invitor\":{{\"userid\":\"{}\"}}", wecom_id(sim, people, by))),
            None => (1, String::new()),
        };
        let time = if joined == 0 { create } else { joined };
        members.push(format!(
            "{{\"userid\":\"{id}\",\"type\":{},\"join_time\":{time},\"join_scene\":{scene}{invitor},\"group_nickname\":\"\",\"name\":{}}}",
            if staff { 1 } else { 2 },
            json_string(&people[p].nick)
        ));
    }
    let _ = &sim.founders;
    format!(
        "{{\"errcode\":0,\"errmsg\":\"ok\",\"group_chat\":{{\"chat_id\":\"{room}\",\"name\":{},\"owner\":\"{}\",\"create_time\":{create},\"notice\":\"文明沟通，拒绝广告\",\"member_list\":[{}],\"admin_list\":[{{\"userid\":\"{}\"}}]}}}}\n",
        json_string(name),
        wecom_id(sim, people, sim.owner),
        members.join(","),
        wecom_id(sim, people, sim.assistant)
    )
    .into_bytes()
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_sample_has_every_format_and_encoding() {
        let files = generate(&SampleSpec::default());
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(files.len(), 11, "{names:?}");
        let gbk = files.iter().find(|f| f.name.starts_with("25123456789")).unwrap();
        assert!(std::str::from_utf8(&gbk.bytes).is_err(), "GBK, not UTF-8");
        let (text, _, bad) = encoding_rs::GBK.decode(&gbk.bytes);
        assert!(!bad && text.contains("2024/"), "Excel-style dates");
        assert!(files[0].bytes.starts_with(b"\xEF\xBB\xBF"));
    }

    #[test]
    fn excel_and_local_time_strings() {
        // 2024-03-01T02:05:09Z = 10:05:09 in UTC+8.
        assert_eq!(local_string(1709258709), "2024-03-01 10:05:09");
        assert_eq!(excel_string(1709258709), "2024/3/1 10:05");
    }

    #[test]
    fn benchmark_spec_scales() {
        let mut out = Vec::new();
        write_benchmark_csv(&SampleSpec::benchmark(10_000), &mut out);
        let lines = out.iter().filter(|&&b| b == b'\n').count();
        assert!(lines > 10_000, "{lines}");
    }
}
