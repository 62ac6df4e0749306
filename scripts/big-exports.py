#!/usr/bin/env python3
"""Writes large exports in formats the benchmark generator does not write, for measuring the
paths they take: a classic QQ 消息管理器 TXT (read by one reader, not in pieces) and a Telegram
Desktop `result.json` (one JSON document, held whole until the file ends).

    python3 scripts/big-exports.py qq-txt bench-data/benchmark_1000000_utf8.csv /tmp/qq1m.txt  # 69 MB
    python3 scripts/big-exports.py telegram 4000000 /tmp/big/tg_1700mb.json                   # 1.73 GB

`qq-txt` rewrites a WeChatMsg CSV (the benchmark's, `qunlens sample --benchmark`) as one QQ
group: the same times (UTC+8), names and texts, a QQ number per sender, `[图片]` for media.
`telegram` writes N messages of one chat from 397 people, ≈430 bytes each as tdesktop
indents them.
"""
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


def telegram(count, path):
    start = 1709254800
    with open(path, "w", encoding="utf-8") as out:
        out.write('{\n "name": "Growth Club",\n "type": "private_supergroup",\n "id": 1001,\n "messages": [\n')
        for i in range(count):
            person = i % 397
            text = f"Message {i}: how do we export last month's report from the dashboard? 这个价格包含实施吗"
            out.write(f'  {{\n   "id": {i + 1},\n   "type": "message",\n   "date": "2024-03-01T09:01:00",\n'
                      f'   "date_unixtime": "{start + i * 30}",\n   "from": "User {person}",\n'
                      f'   "from_id": "user{person}",\n   "text": "{text}",\n'
                      f'   "text_entities": [{{"type": "plain", "text": "{text}"}}]\n  }}'
                      + (",\n" if i + 1 < count else "\n"))
        out.write(" ]\n}\n")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("qq-txt", "telegram"):
        sys.exit(__doc__)
    if sys.argv[1] == "qq-txt":
        qq_txt(sys.argv[2], sys.argv[3])
    else:
        telegram(int(sys.argv[2]), sys.argv[3])
