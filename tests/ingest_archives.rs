//! Zip inputs: the real Slack test archive (hfaran/slack-export-viewer, MIT; read in place
//! from tests/fixtures/slack, copied from ../shared/testdata) and zip limits. Expected numbers were counted from the archive's
//! raw JSON: enrique 102 messages (4 channel_join, 2 bot_add, 66 bot_message, 30 plain) from
//! 6 senders; traveling-sailor 56 messages (4 joins, 3 file_share, a file_comment whose author
//! is in `comment.user`) from 4 senders incl. a bot; every join
//! but the creator's names U0BMQB6JE (display name "hamza") as inviter.

use qunlens::model::JoinMethod;
use qunlens::{Analyzer, Config};

/// The real archive from slack-export-viewer's test suite (MIT, licence next to it).
fn slack_archive() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/slack/slack-export-viewer_testarchive.zip");
    std::fs::read(path).expect("the Slack fixture is in the repo")
}

#[test]
fn slack_export_channels_members_joins_and_inviters() {
    let bytes = slack_archive();
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file("slack.zip", &bytes);
    let r = a.report();
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("slack-zip"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (158, 158, 0), "{:?}", input.skipped);
    let enrique = r.groups.iter().find(|g| g.id == "slack:C0JGLMMNX").unwrap();
    assert_eq!((enrique.name.as_str(), enrique.messages, enrique.joins, enrique.speakers), ("enrique", 102, 4, 6));
    let sailor = r.groups.iter().find(|g| g.id == "slack:C0JL6CGQ2").unwrap();
    assert_eq!((sailor.messages, sailor.joins, sailor.speakers), (56, 4, 4));
    assert_eq!(sailor.first_message.as_deref(), Some("2016-01-17T08:00:21+08:00"));
    let harry = r.members.iter().find(|m| m.id == "slack:U0BMYT2FL").unwrap();
    assert_eq!(harry.name, "abilinski");
    assert_eq!(harry.join_method, Some(JoinMethod::Invite));
    let inviter = harry.inviter.as_ref().unwrap();
    assert_eq!((inviter.id.as_str(), inviter.name.as_str()), ("slack:U0BMQB6JE", "hamza"));
    let hamza = r.members.iter().find(|m| m.id == "slack:U0BMQB6JE").unwrap();
    assert_eq!(hamza.join_method, Some(JoinMethod::Unknown), "the creator joined by themself");
}

#[test]
fn the_slack_zip_in_pieces_reads_the_same() {
    let bytes = slack_archive();
    let whole = {
        let mut a = Analyzer::new(Config::default()).unwrap();
        a.add_file("slack.zip", &bytes);
        a.report().to_json()
    };
    for chunk in [7, 4096] {
        let mut a = Analyzer::new(Config::default()).unwrap();
        a.begin_file("slack.zip");
        for piece in bytes.chunks(chunk) {
            a.push(piece);
        }
        a.end_file();
        assert_eq!(a.report().to_json(), whole, "{chunk}-byte pieces");
    }
}

#[test]
fn a_truncated_zip_is_a_plain_error_and_other_files_still_load() {
    let bytes = slack_archive();
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file("cut.zip", &bytes[..bytes.len() / 2]);
    a.add_file("slack.zip", &bytes);
    let r = a.report();
    assert_eq!(r.inputs[0].error_code.as_deref(), Some("bad_archive"));
    assert!(r.inputs[0].error.as_deref().unwrap().contains("damaged"));
    assert_eq!(r.inputs[1].messages, 158);
}
