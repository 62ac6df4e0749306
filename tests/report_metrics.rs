//! Report sections computed on a small hand-built model, against numbers worked out by hand.

use qunlens::model::{
    JoinMethod, MembershipEvent, MembershipKind, MessageKind, ModelBuilder, NewMessage, PersonRef, Platform,
};
use qunlens::report;
use qunlens::time::Zone;
use qunlens::Config;

/// 2024-03-01 00:00:00 +08:00.
const MAR1: i64 = 1709222400;
const DAY: i64 = 86400;
const HOUR: i64 = 3600;

fn say(b: &mut ModelBuilder, group: u32, who: &str, name: &str, time: i64, kind: MessageKind) {
    b.message(NewMessage {
        time,
        group,
        sender: &PersonRef::Id(who.to_string()),
        sender_name: Some(name),
        kind,
        text: "x",
        quote: None,
        mentions: vec![],
    });
}

fn system(b: &mut ModelBuilder, group: u32, time: i64) {
    b.message(NewMessage {
        time,
        group,
        sender: &PersonRef::System,
        sender_name: None,
        kind: MessageKind::System,
        text: "\"王五\"邀请\"新人\"加入了群聊",
        quote: None,
        mentions: vec![],
    });
}

/// Group A (wechat 1@chatroom): 张三 speaks on Mar 1 (2 msgs) and Apr 20 (1 msg);
/// 李四 speaks Mar 1 only; 王五 only invites 新人 on Apr 1 (system message), 新人 never speaks;
/// 赵六 is removed on Apr 2. Group B (wechat 2@chatroom): 张三 speaks once on Apr 25 at
/// 21:30 local; a recall by 李四 there does not count as activity.
fn model() -> qunlens::model::Model {
    let mut b = ModelBuilder::new();
    let a = b.group(Platform::WeChat, "1@chatroom", Some("甲群"));
    let g2 = b.group(Platform::WeChat, "2@chatroom", Some("乙群"));
    say(&mut b, a, "wxid_zhang", "张三", MAR1 + 10 * HOUR, MessageKind::Text);
    say(&mut b, a, "wxid_zhang", "张三", MAR1 + 10 * HOUR + 60, MessageKind::Image);
    say(&mut b, a, "wxid_li", "李四", MAR1 + 11 * HOUR, MessageKind::Text);
    say(&mut b, a, "wxid_wang", "王五", MAR1 + 12 * HOUR, MessageKind::Pat);
    system(&mut b, a, MAR1 + 31 * DAY);
    b.membership(MembershipEvent {
        time: MAR1 + 31 * DAY,
        group: a,
        member: PersonRef::Name("新人".into()),
        kind: MembershipKind::Join,
        method: Some(JoinMethod::Invite),
        actor: Some(PersonRef::Name("王五".into())),
    });
    b.membership(MembershipEvent {
        time: MAR1 + 32 * DAY,
        group: a,
        member: PersonRef::Name("赵六".into()),
        kind: MembershipKind::Removed,
        method: None,
        actor: Some(PersonRef::SelfAccount),
    });
    say(&mut b, a, "wxid_zhang", "张三丰", MAR1 + 50 * DAY + 9 * HOUR, MessageKind::Text);
    say(&mut b, g2, "wxid_zhang", "张三丰", MAR1 + 55 * DAY + 21 * HOUR + 1800, MessageKind::Text);
    say(&mut b, g2, "wxid_li", "李四", MAR1 + 55 * DAY + 22 * HOUR, MessageKind::Recall);
    b.finish()
}

fn build(config: Config) -> report::Report {
    let zone = Zone::new(&config.timezone).unwrap();
    report::build(&model(), &[], &config, &zone)
}

#[test]
fn groups_count_members_messages_activity_and_membership() {
    let r = build(Config::default());
    // as_of = last message = Apr 25 22:00 +08:00; active window = since Mar 26 22:00.
    assert_eq!(r.as_of.as_deref(), Some("2024-04-25T22:00:00+08:00"));
    let a = r.groups.iter().find(|g| g.name == "甲群").unwrap();
    // 张三, 李四, 王五 (pat + inviter), 新人, 赵六, and the exporting account (remover).
    assert_eq!(a.members, 6);
    assert_eq!(a.speakers, 2, "张三 and 李四; a pat is not speaking");
    assert_eq!(a.messages, 6, "5 by members incl. the pat + 1 system message");
    assert_eq!(a.active_members, 1, "only 张三 spoke after Mar 26");
    assert_eq!((a.joins, a.leaves, a.removed), (1, 1, 1));
    assert_eq!(a.first_message.as_deref(), Some("2024-03-01T10:00:00+08:00"));
    assert_eq!(a.last_message.as_deref(), Some("2024-04-20T09:00:00+08:00"));
    let b = r.groups.iter().find(|g| g.name == "乙群").unwrap();
    assert_eq!((b.members, b.speakers, b.messages, b.active_members), (2, 1, 2, 1));
    assert_eq!(r.groups[0].name, "甲群", "sorted by messages");
}

#[test]
fn as_of_and_window_are_configurable() {
    let r = build(Config { as_of: Some("2024-03-10".into()), active_days: 30, ..Config::default() });
    let a = r.groups.iter().find(|g| g.name == "甲群").unwrap();
    assert_eq!(a.active_members, 2, "张三 and 李四 spoke within 30 days before Mar 10");
    let r = build(Config { active_days: 1, ..Config::default() });
    assert_eq!(r.groups.iter().map(|g| g.active_members).sum::<u64>(), 1, "only 张三 in 乙群");
}

#[test]
fn members_merge_across_groups_and_keep_names_and_inviters() {
    let r = build(Config::default());
    let zhang = r.members.iter().find(|m| m.id == "wechat:wxid_zhang").unwrap();
    assert_eq!(zhang.messages, 4);
    assert_eq!(zhang.name, "张三丰", "latest name");
    let names: Vec<&str> = zhang.names.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["张三", "张三丰"]);
    assert_eq!(zhang.groups, ["wechat:1@chatroom", "wechat:2@chatroom"]);
    assert_eq!(zhang.last_active.as_deref(), Some("2024-04-25T21:30:00+08:00"));
    let li = r.members.iter().find(|m| m.id == "wechat:wxid_li").unwrap();
    assert_eq!(li.messages, 1, "a recall is not a message");
    let newbie = r.members.iter().find(|m| m.name == "新人").unwrap();
    assert_eq!(newbie.id, "wechat:name:1@chatroom:新人");
    assert_eq!(newbie.messages, 0);
    let inviter = newbie.inviter.as_ref().unwrap();
    assert_eq!((inviter.id.as_str(), inviter.name.as_str()), ("wechat:wxid_wang", "王五"));
    assert_eq!(newbie.joins[0].time, "2024-04-01T00:00:00+08:00");
    assert!(r.members.iter().any(|m| m.is_self && m.id == "wechat:self"));
}

#[test]
fn activity_is_per_local_day_and_hour_and_per_group() {
    let r = build(Config::default());
    let daily = &r.activity.daily;
    assert_eq!(daily.start.as_deref(), Some("2024-03-01"));
    // Mar 1 .. Apr 25 is 56 days; 3 member messages on Mar 1 (the pat does not count).
    assert_eq!(daily.messages.len(), 56);
    assert_eq!(daily.messages[0], 3);
    assert_eq!(daily.messages[50], 1);
    assert_eq!(daily.messages[55], 1);
    assert_eq!(daily.messages.iter().sum::<u64>(), 5);
    // Mar 1 2024 was a Friday (4): two at 10:00, one at 11:00.
    assert_eq!(r.activity.heatmap[4][10], 2);
    assert_eq!(r.activity.heatmap[4][11], 1);
    // Apr 25 2024 was a Thursday (3), 21:30 local.
    assert_eq!(r.activity.heatmap[3][21], 1);
    let b = &r.activity.by_group[1];
    assert_eq!(b.group, "wechat:2@chatroom");
    assert_eq!((b.daily.start.as_deref(), b.daily.messages.as_slice()), (Some("2024-04-25"), &[1u64][..]));
}

#[test]
fn another_time_zone_moves_days_and_hours() {
    let r = build(Config { timezone: "UTC".into(), ..Config::default() });
    // 10:00 +08:00 = 02:00 UTC on the same day.
    assert_eq!(r.activity.heatmap[4][2], 2);
    assert_eq!(r.groups[0].first_message.as_deref(), Some("2024-03-01T02:00:00+00:00"));
}
