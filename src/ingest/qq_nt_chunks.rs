//! QQ NT chats exported by qq-chat-exporter (QCE) in its chunked mode, the one it offers for
//! large chats: a folder `<name>_chunked_jsonl/` holding `manifest.json` and
//! `chunks/c000001.jsonl`, `c000002.jsonl` … (at most 50,000 messages or 50 MB each).
//!
//! Each chunk line is one message of the single-file export's shape ([`super::qq_nt_json`]),
//! but no line says which chat it belongs to: only the manifest does, in `chatInfo`, and it
//! lists its chunks in `chunked.chunks[]` by `fileName` and `bytes`. So manifests are read
//! first ([`ChunkChats::learn`], by `Analyzer::add_chunk_manifest`), and a chunk file is read
//! into the chat of the manifest that lists its name — and its size, when several do (every
//! chunked export names its first chunk `c000001.jsonl`). A chunk no manifest lists is not
//! read (`chunk_without_manifest`): its messages would land in no group, or a wrong one.
//!
//! ```
//! use qunlens::ingest::qq_nt_chunks::ChunkChats;
//! let manifest = r#"{"metadata":{"name":"QQChatExporter V5"},"chatInfo":{"name":"徒步群","type":"group"},
//!   "chunked":{"format":"jsonl","chunks":[{"index":1,"fileName":"c000001.jsonl","bytes":812}]}}"#;
//! let mut chats = ChunkChats::default();
//! assert_eq!(chats.learn(manifest.as_bytes()), 1);
//! assert_eq!(chats.find("c000001.jsonl", Some(812)).unwrap()["name"], "徒步群"); // ok: doc example
//! assert!(chats.find("c000002.jsonl", None).is_err());
//! ```

use serde_json::{Map, Value};

use super::{qq_nt_json, Context, FormatParser, LineSplitter};
use crate::model::GroupId;

/// Whether a file (or zip entry) of this name is read as a possible manifest before the
/// others: QCE names it `manifest.json`.
pub fn is_manifest_name(name: &str) -> bool {
    base_name(name).eq_ignore_ascii_case("manifest.json")
}

/// The last part of a path (a zip entry's, a folder walk's, or a bare file name).
fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A manifest's chunk list (`chunked.chunks`), if the members are a chunked export's manifest.
pub(super) fn listed_chunks(members: &Map<String, Value>) -> Option<&Vec<Value>> {
    members.get("chunked")?.get("chunks")?.as_array()
}

/// The chunks the manifests read so far list, and the chat of each.
#[derive(Clone, Debug, Default)]
pub struct ChunkChats {
    listed: Vec<Listed>,
}

#[derive(Clone, Debug)]
struct Listed {
    file_name: String,
    bytes: Option<u64>,
    /// The manifest's `chatInfo`.
    chat: std::sync::Arc<Value>,
}

impl ChunkChats {
    /// Learns the chunks a manifest lists (in any encoding the exports come in); returns how
    /// many, 0 when `bytes` is not a QCE chunked export's manifest.
    pub fn learn(&mut self, bytes: &[u8]) -> usize {
        let encoding = crate::decode::sniff_encoding(bytes, true);
        let mut text = String::new();
        crate::decode::StreamDecoder::new(encoding).decode(bytes, &mut text, true);
        let Ok(Value::Object(members)) = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}')) else { return 0 };
        let (Some(chunks), Some(info)) = (listed_chunks(&members), members.get("chatInfo")) else { return 0 };
        let chat = std::sync::Arc::new(info.clone());
        let before = self.listed.len();
        for chunk in chunks {
            let Some(file_name) =
                chunk.get("fileName").and_then(Value::as_str).or_else(|| chunk.get("relativePath").and_then(Value::as_str).map(base_name))
            else {
                continue;
            };
            let bytes = chunk.get("bytes").and_then(Value::as_u64);
            self.listed.push(Listed { file_name: file_name.to_string(), bytes, chat: chat.clone() });
        }
        self.listed.len() - before
    }

    /// Whether any manifest was learnt.
    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// The chat (`chatInfo`) of the chunk file `name` (a path: its last part) of `size` bytes,
    /// or why there is none, in plain language. Matched by name alone when one manifest lists
    /// it, or when the size is not known and all that list it are the same chat.
    pub fn find(&self, name: &str, size: Option<u64>) -> Result<&Value, String> {
        let name = base_name(name);
        let named: Vec<&Listed> = self.listed.iter().filter(|l| l.file_name == name).collect();
        let sized: Vec<&Listed> = match size {
            Some(size) => named.iter().copied().filter(|l| l.bytes.is_none_or(|b| b == size)).collect(),
            None => named.clone(),
        };
        let first = sized.first().map(|l| &l.chat);
        match first {
            Some(chat) if sized.iter().all(|l| l.chat == *chat) => Ok(chat),
            Some(_) => Err(format!(
                "this chunk of a QQ Chat Exporter chunked export is listed by {} manifests with the same name and size; drop one export's folder at a time",
                sized.len()
            )),
            None if named.is_empty() => Err(
                "this is one chunk of a QQ Chat Exporter chunked export, and only its manifest.json says which chat it belongs to: drop the export's whole folder (manifest.json and chunks/) together"
                    .to_string(),
            ),
            None => Err(format!(
                "no manifest.json dropped lists this chunk at {} bytes (the one listing {name} gives another size: a chunk of another export, or changed since)",
                size.unwrap_or_default()
            )),
        }
    }
}

/// Does the head look like a chunk: JSON Lines whose first line is a QCE message?
pub fn sniff(head: &str, _file_name: &str) -> bool {
    let first = head.trim_start_matches('\u{feff}').trim_start().lines().next().unwrap_or("");
    first.starts_with('{')
        && ["\"timestamp\"", "\"sender\"", "\"content\"", "\"elements\""].iter().all(|k| first.contains(k))
        && (first.contains("\"seq\"") || first.contains("\"msgSeq\"") || first.contains("\"recalled\""))
}

/// A parser for one chunk; it reads nothing until it is told its chat ([`FormatParser::listed_in`]).
pub fn parser(_head: &str, _file_name: &str) -> Box<dyn FormatParser> {
    Box::new(Chunk { lines: LineSplitter::new(), chat: None, group: None })
}

struct Chunk {
    lines: LineSplitter,
    chat: Option<Value>,
    group: Option<GroupId>,
}

impl Chunk {
    fn line(&mut self, line: u64, text: &str, cx: &mut Context<'_>) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let group = match self.group {
            Some(g) => g,
            None => *self.group.insert(qq_nt_json::chat_group(self.chat.as_ref(), cx)),
        };
        qq_nt_json::read_message(line, text, line, group, cx);
    }
}

impl FormatParser for Chunk {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        let mut lines = std::mem::take(&mut self.lines);
        lines.feed(text, false, |n, line| self.line(n, line, cx));
        self.lines = lines;
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        let mut lines = std::mem::take(&mut self.lines);
        lines.feed("", true, |n, line| self.line(n, line, cx));
        self.lines = lines;
    }

    fn needs_listing(&self) -> bool {
        true
    }

    fn listed_in(&mut self, chat: &Value) {
        self.chat = Some(chat.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(chat: &str, chunks: &[(&str, u64)]) -> String {
        let list: Vec<String> =
            chunks.iter().map(|(n, b)| format!(r#"{{"fileName":"{n}","relativePath":"chunks/{n}","bytes":{b}}}"#)).collect();
        format!(r#"{{"chatInfo":{{"name":"{chat}"}},"chunked":{{"chunks":[{}]}}}}"#, list.join(","))
    }

    #[test]
    fn a_chunk_is_found_by_name_and_told_apart_by_size() {
        let mut chats = ChunkChats::default();
        assert_eq!(chats.learn(manifest("甲群", &[("c000001.jsonl", 100), ("c000002.jsonl", 50)]).as_bytes()), 2);
        assert_eq!(chats.learn(manifest("乙群", &[("c000001.jsonl", 70)]).as_bytes()), 1);
        assert_eq!(chats.find("c000002.jsonl", None).unwrap()["name"], "甲群");
        assert_eq!(chats.find("c000001.jsonl", Some(70)).unwrap()["name"], "乙群");
        assert_eq!(chats.find("c000001.jsonl", Some(100)).unwrap()["name"], "甲群");
        assert!(chats.find("c000001.jsonl", None).unwrap_err().contains("2 manifests"));
        assert!(chats.find("c000001.jsonl", Some(99)).unwrap_err().contains("at 99 bytes"));
        assert!(chats.find("c000003.jsonl", Some(99)).unwrap_err().contains("whole folder"));
    }

    #[test]
    fn other_documents_are_no_manifest() {
        let mut chats = ChunkChats::default();
        assert_eq!(chats.learn(br#"{"chatInfo":{"name":"x"},"messages":[]}"#), 0);
        assert_eq!(chats.learn(b"not json"), 0);
        assert!(chats.is_empty());
    }

    #[test]
    fn chunks_are_told_from_single_files_and_other_json_lines() {
        let line = r#"{"id":"1","seq":"1","timestamp":1717200000000,"time":"x","sender":{"uid":"u_1"},"type":"text","content":{"text":"a","elements":[]},"recalled":false,"system":false}"#;
        assert!(sniff(&format!("{line}\n{line}\n"), "c000001.jsonl"));
        assert!(!sniff(r#"{"msgid":"1","action":"send","msgtime":1}"#, "a.jsonl"));
        assert!(!sniff("{\n  \"metadata\": {\"name\": \"QQChatExporter V5\"},\n", "a.json"));
    }
}
