#!/usr/bin/env bash
# Seeds each target's corpus with the golden fixtures of its format (idempotent).
set -euo pipefail
cd "$(dirname "$0")"
F=../tests/fixtures
seed() { # target, files...
  local target=$1; shift
  mkdir -p "corpus/$target"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "corpus/$target/$(basename "$f" | tr ' ' _)"; done
}
seed wechatmsg_csv $F/wechat/*.csv
seed pywxdump_csv $F/wechat/*.csv $F/wechat4/pywxdump_same_room.csv
seed wecom_archive $F/wecom/*
seed wecom_group_members $F/wecom/*
seed qq_txt $F/qq/*.txt
seed qq_nt_json $F/qq/*.json
seed weflow_json $F/wechat4/weflow_group.json $F/wechat4/echotrace_group.json
seed chatlog $F/wechat4/chatlog_group.*
seed chatlab $F/wechat4/chatlab_group.*
seed whatsapp_txt $F/whatsapp/*.txt $F/whatsapp/chat-miner/*.txt
seed telegram_json $F/telegram/*.json $F/telegram/chat-miner/*.json
seed discord $F/discord/*
seed any_file $F/wechat/*.csv $F/qq/*.txt $F/whatsapp/*.txt $F/telegram/result.json
seed archive $F/slack/*.zip $F/xlsx/*.xlsx ../tests/page/fixtures/*.zip
seed workbook $F/xlsx/*.xlsx
seed mapped_csv ../tests/page/fixtures/crm_chat_log.csv
mkdir -p corpus/config && echo '{"timezone":"UTC","active_days":14,"staff":["wxid_a"]}' > corpus/config/basic.json
mkdir -p corpus/partial
echo "seeded: $(ls corpus | wc -l) targets"
