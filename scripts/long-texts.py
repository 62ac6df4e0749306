#!/usr/bin/env python3
"""Writes a WeChatMsg CSV of N text messages whose texts are long (~220 bytes) and all
different: the shape that weighs most per message on the page's memory (every text kept,
every text a distinct entry in the leaderboard's duplicate sets), for checking the
`limits.max_memory_bytes` cap. The benchmark generator's texts are short and repeat.

    python3 scripts/long-texts.py 13500000 /tmp/heavy/long_13500000_utf8.csv   # 4.2 GB
"""
import random
import sys
import time

WORDS = ["我们", "公司", "这个", "价格", "包含", "实施", "问题", "后来", "流程", "报表", "导出", "上个月",
         "客户", "需要", "培训", "课程", "老师", "同学", "作业", "资料", "分享", "一下", "大家", "今天",
         "明天", "会议", "项目", "方案", "合同", "续费"]


def main(count, path):
    rng = random.Random(7)
    people = [("wxid_%014x" % rng.getrandbits(56), "成员%d" % i) for i in range(400)]
    start = 1671984470
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("\ufefflocalId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,"
                  "Remark,NickName,Sender\n")
        rows = []
        for i in range(1, count + 1):
            wxid, name = people[i % 400 if i % 7 else (i * 13) % 400]
            t = start + i * 3
            text = "".join(rng.choice(WORDS) for _ in range(34)) + "第%d条" % i
            shown = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t + 8 * 3600))
            rows.append(f"{i},217,1,0,0,{t},,{text},{shown},{name},{name},{wxid}\n")
            if len(rows) == 100_000:
                out.write("".join(rows))
                rows = []
        out.write("".join(rows))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(int(sys.argv[1]), sys.argv[2])
