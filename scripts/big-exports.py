#!/usr/bin/env python3
"""Writes large exports in formats the benchmark generator does not write, for measuring the
paths they take: a classic QQ 消息管理器 TXT (read by one reader, not in pieces), and JSON
documents whose messages are streamed out of one value: a Telegram Desktop `result.json`, a
WeFlow export and a QQ NT export by qq-chat-exporter (QCE).

    python3 scripts/big-exports.py qq-txt bench-data/benchmark_1000000_utf8.csv /tmp/qq1m.txt  # 69 MB
    python3 scripts/big-exports.py telegram 4000000 /tmp/big/tg_1700mb.json                   # 1.73 GB
    python3 scripts/big-exports.py weflow 3000000 /tmp/big/weflow_1gb.json                    # 1.13 GB
    python3 scripts/big-exports.py qce 2000000 /tmp/big/qce_1gb.json                          # 1.30 GB
    python3 scripts/big-exports.py qce-chunked 1500000 /tmp/big/qce_chunked_jsonl             # 30 chunks, 0.75 GB

`qq-txt` rewrites a WeChatMsg CSV (the benchmark's, `qunlens sample --benchmark`) as one QQ
group: the same times (UTC+8), names and texts, a QQ number per sender, `[图片]` for media.
`telegram` writes N messages of one chat from 397 people, ≈430 bytes each as tdesktop
indents them. `weflow` and `qce` write N messages of one group from 397 people, indented as
the tools write them (≈380 and ≈650 bytes a message). `qce-chunked` writes the same messages
as QCE's chunked export: a folder with `manifest.json` and `chunks/c000001.jsonl` …, one
compact message per line, 50,000 per chunk (the exporter's default).
"""
import json
import os
import csv
import datetime
import sys

SEPARATOR = "=" * 64


def qq_txt(source, path):
    zone = datetime.timezone(datetime.timedelta(hours=8))
    numbers = {}
    with open(source, encoding="utf-8-sig", newline="") as rows, \
            open(path, "w", encoding="utf-8-sig", newline="") as out:
        out.write(f"消息记录（此消息记录为文本格式，不支持重新导入）\r\n\r\n{SEPARATOR}\r\n消息分组:我的QQ群\r\n"
                  f"{SEPARATOR}\r\n消息对象:客户交流群\r\n{SEPARATOR}\r\n\r\n")
        reader = csv.reader(rows)
        next(reader)
        for row in reader:
            kind, created, text, remark, nick, sender = row[2], int(row[5]), row[7], row[9], row[10], row[11]
            number = numbers.setdefault(sender, str(10001 + len(numbers)))
            t = datetime.datetime.fromtimestamp(created, zone)
            body = text if kind == "1" else "[图片]"
            out.write(f"{t.year}-{t.month:02d}-{t.day:02d} {t.hour}:{t.minute:02d}:{t.second:02d} "
                      f"{nick or remark or number}({number})\r\n{body}\r\n\r\n")


def write_document(path, head, count, message, tail):
    """Writes `head`, `message(i)` for each i < count (comma-separated, a line each), `tail`."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(head)
        for i in range(count):
            out.write(message(i) + (",\n" if i + 1 < count else "\n"))
        out.write(tail)


def telegram(count, path):
    start = 1709254800

    def message(i):
        person = i % 397
        text = f"Message {i}: how do we export last month's report from the dashboard? 这个价格包含实施吗"
        return (f'  {{\n   "id": {i + 1},\n   "type": "message",\n   "date": "2024-03-01T09:01:00",\n'
                f'   "date_unixtime": "{start + i * 30}",\n   "from": "User {person}",\n'
                f'   "from_id": "user{person}",\n   "text": "{text}",\n'
                f'   "text_entities": [{{"type": "plain", "text": "{text}"}}]\n  }}')

    head = '{\n "name": "Growth Club",\n "type": "private_supergroup",\n "id": 1001,\n "messages": [\n'
    write_document(path, head, count, message, " ]\n}\n")


def text_of(i):
    return f"第{i}条：上个月的报表怎么从后台导出？这个价格包含实施吗 how do we export it"


def weflow(count, path):
    start = 1709254800

    def message(i):
        person = i % 397
        return (f'    {{\n      "localId": {i + 1},\n      "createTime": {start + i * 30},\n'
                f'      "formattedTime": "",\n      "type": "文本消息",\n      "localType": 1,\n'
                f'      "content": "{text_of(i)}",\n      "isSend": 0,\n'
                f'      "senderUsername": "wxid_user{person}",\n      "senderDisplayName": "群友{person}"\n    }}')

    head = ('{\n  "weflow": {\n    "version": "1.0.3",\n    "exportedAt": 1767225600,\n    "generator": "WeFlow"\n  },\n'
            '  "session": {\n    "wxid": "34567890123@chatroom",\n    "nickname": "跨境电商交流群",\n'
            '    "remark": "",\n    "displayName": "跨境电商交流群",\n    "type": "群聊",\n'
            f'    "lastTimestamp": {start + count * 30},\n    "messageCount": {count}\n  }},\n  "messages": [\n')
    write_document(path, head, count, message, '  ],\n  "avatars": {}\n}\n')


def qce(count, path):
    start = 1709254800000

    def message(i):
        person = i % 397
        text = text_of(i)
        return (f'    {{\n      "id": "m_{i + 1}",\n      "seq": "{i + 1}",\n      "timestamp": {start + i * 30000},\n'
                f'      "time": "never read",\n      "sender": {{\n        "uid": "u_{10001 + person}",\n'
                f'        "uin": "{10001 + person}",\n        "name": "群友{person}",\n        "nickname": "群友{person}"\n'
                f'      }},\n      "type": "type_1",\n      "content": {{\n        "text": "{text}",\n'
                f'        "html": "",\n        "elements": [\n          {{\n            "type": "text",\n'
                f'            "data": {{\n              "text": "{text}"\n            }}\n          }}\n        ],\n'
                f'        "resources": [],\n        "mentions": []\n      }},\n      "recalled": false,\n'
                f'      "system": false\n    }}')

    head = ('{\n  "metadata": {\n    "name": "QQChatExporter V5 / https://github.com/shuakami/qq-chat-exporter",\n'
            '    "version": "5.0.0"\n  },\n  "chatInfo": {\n    "name": "产品交流群",\n    "type": "group",\n'
            '    "selfUin": "10001"\n  },\n'
            f'  "statistics": {{\n    "totalMessages": {count}\n  }},\n  "messages": [\n')
    write_document(path, head, count, message, '  ],\n  "exportOptions": {}\n}\n')


def qce_chunked(count, folder):
    start = 1709254800000
    per_chunk = 50_000
    os.makedirs(os.path.join(folder, "chunks"), exist_ok=True)
    chunks = []
    for first in range(0, count, per_chunk):
        name = f"c{len(chunks) + 1:06d}.jsonl"
        lines = []
        for i in range(first, min(count, first + per_chunk)):
            person = i % 397
            text = text_of(i)
            sender = {"uid": f"u_{10001 + person}", "uin": f"{10001 + person}", "name": f"群友{person}", "nickname": f"群友{person}"}
            content = {"text": text, "html": "", "elements": [{"type": "text", "data": {"text": text}}], "resources": [], "mentions": []}
            message = {"id": f"m_{i + 1}", "seq": f"{i + 1}", "timestamp": start + i * 30000, "time": "never read",
                       "sender": sender, "type": "type_1", "content": content, "recalled": False, "system": False}
            lines.append(json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n")
        data = "".join(lines).encode("utf-8")
        with open(os.path.join(folder, "chunks", name), "wb") as out:
            out.write(data)
        chunks.append({"index": len(chunks) + 1, "fileName": name, "relativePath": f"chunks/{name}",
                       "start": "", "end": "", "count": len(lines), "bytes": len(data)})
    manifest = {
        "metadata": {"name": "QQChatExporter V5 / https://github.com/shuakami/qq-chat-exporter", "version": "5.0.0"},
        "chatInfo": {"name": "产品交流群", "type": "group", "selfUin": "10001"},
        "statistics": {"totalMessages": count},
        "chunked": {"format": "jsonl", "chunksDir": "chunks", "chunkFileExt": ".jsonl",
                    "maxMessagesPerChunk": per_chunk, "maxBytesPerChunk": 52428800, "chunks": chunks},
    }
    with open(os.path.join(folder, "manifest.json"), "w", encoding="utf-8") as out:
        out.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    writers = {"telegram": telegram, "weflow": weflow, "qce": qce, "qce-chunked": qce_chunked}
    if len(sys.argv) != 4 or sys.argv[1] not in ("qq-txt", *writers):
        sys.exit(__doc__)
    if sys.argv[1] == "qq-txt":
        qq_txt(sys.argv[2], sys.argv[3])
    else:
        writers[sys.argv[1]](int(sys.argv[2]), sys.argv[3])
