//! Telegram Desktop JSON and DiscordChatExporter JSON/CSV: hand-made fixtures and the real
//! Telegram samples of chat-miner (MIT, read in place from `../shared/testdata/telegram/`),
//! through the public API, with hand-computed numbers.
//!
//! `fixtures/telegram/result.json` is a whole-account export of account `user1` ("Admin"):
//! - chat 1001 "Growth Club" (12 messages): #1 Admin creates the group with Bea (renamed to
//!   a draft title), #2 Admin text, #3 Admin adds Cat and a deleted account (`null`), #4 Dan
//!   joins by Bea's link, #5 Cat replies to #2 with entity-array text and an @mention, #6 Dan
//!   text holding two `\x0C` escapes (invalid JSON, repaired), #7 Bea photo, #8 Admin
//!   removes Dan, #9 Cat removes herself (a leave), #10 Admin renames the group, #11 no date
//!   (skipped, line 139), #12 Bea sticker with only a local `date` (09:10 in Asia/Shanghai);
//! - chat 2 "Bea" (personal): Admin text, Bea voice, Bea phone call;
//! - left chat 3003 "Old Group": Eve text, Admin leaves.
//!
//! `fixtures/discord/Growth Srv - general [770000000000000001].json`: 9 messages in one
//! channel — #1 ann joins, #2 ann text mentioning Bob, #3 bob replies (UTC timestamp), #4 bob
//! photo, #5 cy joins, #6 cy PDF with a caption, #7 ann pins (system), #8 a bot, #9 no
//! timestamp (skipped, line 46). The `.csv` of the same channel (DCE's default file name
//! carries the channel id): dee#1234 joins, dee posts a two-line message with an mp4, ann
//! text, bob with the date `yesterday` (skipped, line 6), ann's call.

mod common;
use common::{exporter, member, group, load_bytes};

use qunlens::model::JoinMethod;
use qunlens::report::{Report};
use qunlens::{Analyzer, Config};

const TG: &str = "telegram/result.json";
const DCE_JSON: &str = "discord/Growth Srv - general [770000000000000001].json";
const DCE_CSV: &str = "discord/Growth Srv - general [770000000000000001].csv";
const CHANNEL: &str = "discord:770000000000000001";

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn load(paths: &[&str]) -> Report {
    load_bytes(&paths.iter().map(|p| (*p, fixture(p))).collect::<Vec<_>>())
}


fn ids(r: &Report) -> Vec<&str> {
    r.members.iter().map(|m| m.id.as_str()).collect()
}


fn assert_chunking_is_invisible(name: &str, bytes: &[u8]) {
    let whole = load_bytes(&[(name, bytes.to_vec())]).to_json();
    for chunk in [1, 7, 4096] {
        assert_eq!(
            common::report_in_chunks(name, bytes, chunk).to_json(),
            whole,
            "{name} in {chunk}-byte pieces"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Telegram

#[test]
fn telegram_account_export_reads_every_chat() {
    let r = load(&[TG]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("telegram-json"));
    assert_eq!(input.error, None);
    assert_eq!(
        (input.rows, input.messages, input.skipped_count),
        (16, 16, 1),
        "{:?}",
        input.skipped
    );
    assert_eq!((input.notes[0].code.as_str(), input.notes[0].count), ("repaired_escapes", 2));
    assert!(input.notes[0].message.contains("repaired 2 invalid \\xNN escapes"), "{:?}", input.notes);
    assert_eq!(input.skipped[0].line, 139);
    assert!(
        input.skipped[0]
            .reason
            .contains("message #11 of chat \"Growth Club\" has no usable date"),
        "{}",
        input.skipped[0].reason
    );

    assert_eq!(r.groups.len(), 3);
    let club = group(&r, "telegram:1001");
    assert_eq!(
        club.name, "Growth Club",
        "the export's name wins over the titles of rename messages"
    );
    assert_eq!((club.members, club.speakers, club.messages), (4, 4, 11));
    assert_eq!((club.joins, club.leaves, club.removed), (3, 2, 1));
    assert_eq!(
        club.first_message.as_deref(),
        Some("2024-03-01T09:00:00+08:00")
    );
    assert_eq!(
        club.last_message.as_deref(),
        Some("2024-03-01T09:10:00+08:00"),
        "local `date` read in the zone"
    );

    let dm = group(&r, "telegram:2");
    assert_eq!(
        (dm.name.as_str(), dm.members, dm.speakers, dm.messages),
        ("Bea", 2, 2, 3)
    );
    let old = group(&r, "telegram:3003");
    assert_eq!(
        (
            old.members,
            old.messages,
            old.joins,
            old.leaves,
            old.removed
        ),
        (2, 2, 0, 1, 0)
    );
}

#[test]
fn telegram_people_joins_and_inviters() {
    let r = load(&[TG]);
    assert_eq!(r.members.len(), 5, "{:?}", ids(&r));
    let admin = exporter(&r, "telegram");
    assert_eq!(
        (
            admin.is_self,
            admin.platform_id.as_deref(),
            admin.name.as_str()
        ),
        (true, Some("user1"), "Admin")
    );
    assert_eq!(
        admin.messages, 2,
        "two texts; service messages are not speech"
    );

    let bea = member(&r, "telegram:user2");
    assert_eq!(bea.messages, 4, "photo, sticker, voice and a call");
    assert_eq!(
        bea.join_method,
        Some(JoinMethod::Invite),
        "added when Admin created the group"
    );
    assert_eq!(
        bea.inviter.as_ref().map(|i| i.id.as_str()),
        Some("telegram:user1")
    );

    let cat = member(&r, "telegram:user3");
    assert_eq!(
        (cat.name.as_str(), cat.messages, cat.join_method),
        ("Cat", 1, Some(JoinMethod::Invite))
    );
    assert_eq!(cat.inviter.as_ref().map(|i| i.name.as_str()), Some("Admin"));

    let dan = member(&r, "telegram:user4");
    assert_eq!((dan.messages, dan.join_method), (1, Some(JoinMethod::Link)));
    let inviter = dan.inviter.as_ref().unwrap();
    assert_eq!(
        (inviter.id.as_str(), inviter.name.as_str()),
        ("telegram:user2", "Bea"),
        "inviter name resolved"
    );
    assert_eq!(dan.joins[0].time, "2024-03-01T09:03:00+08:00");

    let eve = member(&r, "telegram:user5");
    assert_eq!((eve.messages, eve.joins.len()), (1, 0));
}

#[test]
fn telegram_one_broken_message_is_skipped_alone() {
    let text = String::from_utf8(fixture(TG)).unwrap();
    let broken = text.replacen(r#""text": "Welcome!","#, r#""text": "Welcome!" "oops","#, 1);
    assert_ne!(broken, text);
    let r = load_bytes(&[("result.json", broken.into_bytes())]);
    let input = &r.inputs[0];
    assert_eq!(
        (input.rows, input.messages, input.skipped_count),
        (15, 15, 2),
        "{:?}",
        input.skipped
    );
    assert!(
        input.skipped[0]
            .reason
            .contains("message #2 of chat \"Growth Club\" is not a valid JSON object"),
        "{:?}",
        input.skipped
    );
    assert_eq!(
        input.skipped[0].line, 42,
        "the line of the error inside message #2"
    );
    assert_eq!(group(&r, "telegram:1001").messages, 10);
}

#[test]
fn telegram_cut_off_file_keeps_the_messages_before_the_cut() {
    let bytes = fixture(TG);
    let text = std::str::from_utf8(&bytes).unwrap();
    let cut = text.find("\"photo\"").unwrap();
    let r = load_bytes(&[("result.json", bytes[..cut].to_vec())]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("telegram-json"));
    assert_eq!((input.rows, input.messages), (6, 6), "{:?}", input.skipped);
    let last = input.skipped.last().unwrap();
    assert!(
        last.reason.contains("ends early") && last.reason.contains("after message #6"),
        "{}",
        last.reason
    );
    assert_eq!(input.skipped_count, 1, "the cut (the repairs are a note)");
    assert_eq!(input.notes.len(), 1);
}

#[test]
fn telegram_chunking_is_invisible() {
    assert_chunking_is_invisible("result.json", &fixture(TG));
}

/// The real exports of chat-miner's test suite, against the parse its authors expect.
#[test]
fn telegram_real_samples_match_chat_miner() {
    let dir = format!("{}/tests/fixtures/telegram/chat-miner", env!("CARGO_MANIFEST_DIR"));
    let target = std::fs::read_to_string(format!("{dir}/chat-miner_target.json")).unwrap();
    let target: Vec<serde_json::Value> = serde_json::from_str(&target).unwrap();
    let config = Config {
        timezone: "UTC".into(),
        ..Config::default()
    };
    for (file, key) in [
        (
            "chat-miner_test_single_export.json",
            "telegram:chat-miner_test_single_export",
        ),
        ("chat-miner_test_batch_export.json", "telegram:Chatname"),
    ] {
        let bytes = std::fs::read(format!("{dir}/{file}")).unwrap();
        let mut a = Analyzer::new(config.clone()).unwrap();
        a.add_file(file, &bytes);
        let r = a.report();
        let input = &r.inputs[0];
        assert_eq!(input.format.as_deref(), Some("telegram-json"), "{file}");
        assert_eq!(
            (input.rows, input.messages, input.skipped_count),
            (2, 2, 0),
            "{file}: {:?}",
            input.skipped
        );
        let g = group(&r, key);
        assert_eq!((g.messages, g.speakers), (target.len() as u64, 2), "{file}");
        let stamp = |i: usize| format!("{}+00:00", target[i]["timestamp"].as_str().unwrap());
        assert_eq!(g.first_message, Some(stamp(0)), "{file}");
        assert_eq!(g.last_message, Some(stamp(1)), "{file}");
        for t in &target {
            let author = t["author"].as_str().unwrap();
            let id = format!(
                "telegram:name:{}:{author}",
                key.trim_start_matches("telegram:")
            );
            let m = member(&r, &id);
            assert_eq!((m.name.as_str(), m.messages), (author, 1), "{file}");
            assert_eq!(
                m.first_active.as_deref(),
                Some(stamp_of(t).as_str()),
                "{file}"
            );
        }
        assert_chunking_is_invisible(file, &bytes);
    }
}

fn stamp_of(t: &serde_json::Value) -> String {
    format!("{}+00:00", t["timestamp"].as_str().unwrap())
}

// ---------------------------------------------------------------------------------------
// Discord

#[test]
fn discord_json_messages_joins_and_skips() {
    let r = load(&[DCE_JSON]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("discord"));
    assert_eq!(
        (input.rows, input.messages, input.skipped_count),
        (8, 8, 1),
        "{:?}",
        input.skipped
    );
    assert_eq!(input.skipped[0].line, 46);
    assert!(
        input.skipped[0]
            .reason
            .contains("message #9 has no usable timestamp"),
        "{}",
        input.skipped[0].reason
    );

    assert_eq!(r.groups.len(), 1);
    let g = group(&r, CHANNEL);
    assert_eq!(g.name, "Growth Srv - general");
    assert_eq!(
        (g.members, g.speakers, g.messages, g.joins, g.leaves),
        (4, 4, 8, 2, 0)
    );
    assert_eq!(
        g.first_message.as_deref(),
        Some("2024-03-01T10:00:00+08:00")
    );
    assert_eq!(g.last_message.as_deref(), Some("2024-03-01T10:07:00+08:00"));

    let ann = member(&r, "discord:111111111111111111");
    assert_eq!(
        (ann.name.as_str(), ann.messages),
        ("Ann", 1),
        "nickname; join and pin are system messages"
    );
    assert_eq!(
        (ann.join_method, ann.inviter.is_none()),
        (Some(JoinMethod::Unknown), true)
    );
    let bob = member(&r, "discord:222222222222222222");
    assert_eq!(
        (bob.name.as_str(), bob.messages, bob.joins.len()),
        ("Bob", 2, 0)
    );
    assert_eq!(
        bob.first_active.as_deref(),
        Some("2024-03-01T10:02:00+08:00"),
        "a UTC timestamp"
    );
    let cy = member(&r, "discord:333333333333333333");
    assert_eq!(
        (cy.name.as_str(), cy.messages, cy.joins[0].time.as_str()),
        ("cy", 1, "2024-03-01T10:04:00+08:00")
    );
    assert_eq!(member(&r, "discord:555555555555555555").messages, 1);
}

#[test]
fn discord_csv_streams_rows_with_the_channel_from_the_file_name() {
    let r = load(&[DCE_CSV]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("discord"));
    assert_eq!(
        (input.rows, input.messages, input.skipped_count),
        (4, 4, 1),
        "{:?}",
        input.skipped
    );
    assert_eq!(input.skipped[0].line, 6);
    assert!(
        input.skipped[0]
            .reason
            .contains("unreadable Date \"yesterday\""),
        "{}",
        input.skipped[0].reason
    );

    let g = group(&r, CHANNEL);
    assert_eq!(g.name, "Growth Srv - general");
    assert_eq!((g.members, g.speakers, g.messages, g.joins), (2, 2, 4, 1));
    let dee = member(&r, "discord:444444444444444444");
    assert_eq!(
        (dee.name.as_str(), dee.messages, dee.join_method),
        ("dee", 1, Some(JoinMethod::Unknown))
    );
    assert_eq!(
        member(&r, "discord:111111111111111111").messages,
        2,
        "a text and a call"
    );
}

#[test]
fn discord_json_and_csv_of_one_channel_merge() {
    let r = load(&[DCE_JSON, DCE_CSV]);
    assert_eq!(r.groups.len(), 1);
    let g = group(&r, CHANNEL);
    assert_eq!((g.members, g.messages, g.joins), (5, 12, 3));
    let ann = member(&r, "discord:111111111111111111");
    assert_eq!((ann.messages, ann.groups.len()), (3, 1));
}

#[test]
fn discord_chunking_is_invisible() {
    for path in [DCE_JSON, DCE_CSV] {
        assert_chunking_is_invisible(path, &fixture(path));
    }
}

// ---------------------------------------------------------------------------------------
// Detection

#[test]
fn other_formats_are_not_claimed() {
    let others = [
        "wecom/archive_array.json",
        "wecom/archive.jsonl",
        "wecom/groupchat.json",
        "qq/qce_group.json",
        "qq/qce_hiking.json",
        "wechat4/chatlab_group.json",
        "wechat4/chatlab_group.jsonl",
        "wechat4/chatlog_group.json",
        "wechat4/chatlog_group.csv",
        "wechat4/echotrace_group.json",
        "wechat4/weflow_group.json",
        "wechat/messages.csv",
    ];
    for path in others {
        let r = load(&[path]);
        let format = r.inputs[0].format.as_deref();
        assert!(format.is_some(), "{path} is read by its own parser");
        assert!(
            !matches!(format, Some("telegram-json" | "discord")),
            "{path} claimed as {format:?}"
        );
    }
    // And ours are not claimed by the formats detected before them.
    assert_eq!(
        load(&[TG]).inputs[0].format.as_deref(),
        Some("telegram-json")
    );
    assert_eq!(
        load(&[DCE_JSON]).inputs[0].format.as_deref(),
        Some("discord")
    );
    assert_eq!(
        load(&[DCE_CSV]).inputs[0].format.as_deref(),
        Some("discord")
    );
}

#[test]
fn cut_and_damaged_files_never_panic() {
    for path in [TG, DCE_JSON, DCE_CSV] {
        let bytes = fixture(path);
        let full = load(&[path]).inputs[0].messages;
        for cut in (0..bytes.len()).step_by(13) {
            let r = load_bytes(&[(path, bytes[..cut].to_vec())]);
            assert!(r.inputs[0].messages <= full, "{path} cut at {cut}");
        }
        for seed in 0..40usize {
            let mut damaged = bytes.clone();
            for k in 0..8 {
                let p = (seed * 7919 + k * 104_729) % damaged.len();
                damaged[p] = damaged[p].wrapping_add(0x5B);
            }
            assert_eq!(load_bytes(&[(path, damaged)]).inputs.len(), 1);
        }
    }
}
