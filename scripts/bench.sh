#!/usr/bin/env bash
# Benchmark: MB/s, messages/s and peak memory for the CLI and for the page in headless
# Chromium, on generated exports, each beside its floor (the same bytes read, decoded and
# split into records with no analysis). Not part of the test command.
#   scripts/bench.sh [MESSAGES] [wechat|gbk|whatsapp|wecom|telegram|weflow|qce]
#                                                          one file (default 1000000 wechat)
#   scripts/bench.sh --matrix                              100k, 1M and 10M in the four line
#                                                          formats, 100k and 1M in the JSON ones
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

cargo build --release --locked --bin qunlens >&2
bash scripts/setup.sh --browser >&2
bash scripts/build.sh >&2
(cd tests/page && npm ci --no-audit --no-fund --loglevel=error >&2)
mkdir -p bench-data

# Generates (once) and prints the path of the benchmark file for MESSAGES and FORMAT.
data_file() {
  local messages=$1 format=$2 utf8="bench-data/benchmark_${1}_utf8.csv"
  case "$format" in
    wechat)
      [ -f "$utf8" ] || ./target/release/qunlens sample --benchmark --messages "$messages" --out bench-data >&2
      echo "$utf8" ;;
    gbk)
      local gbk="bench-data/benchmark_${messages}_gb18030.csv"
      if [ ! -f "$gbk" ]; then
        [ -f "$utf8" ] || ./target/release/qunlens sample --benchmark --messages "$messages" --out bench-data >&2
        # What Excel on a Chinese Windows writes back: GB18030, no BOM.
        tail -c +4 "$utf8" | iconv -f UTF-8 -t GB18030 > "$gbk"
      fi
      echo "$gbk" ;;
    whatsapp)
      local txt="bench-data/benchmark_${messages}_whatsapp.txt"
      [ -f "$txt" ] || ./target/release/qunlens sample --benchmark --whatsapp --messages "$messages" --out bench-data >&2
      echo "$txt" ;;
    wecom)
      local jsonl="bench-data/benchmark_${messages}_wecom.jsonl"
      [ -f "$jsonl" ] || ./target/release/qunlens sample --benchmark --wecom --messages "$messages" --out bench-data >&2
      echo "$jsonl" ;;
    telegram|weflow|qce)
      # JSON documents (Telegram Desktop result.json, WeFlow, QQ NT by qq-chat-exporter),
      # written by scripts/big-exports.py: the generator writes the line formats only.
      local json="bench-data/benchmark_${messages}_${format}.json"
      [ -f "$json" ] || python3 scripts/big-exports.py "$format" "$messages" "$json" >&2
      echo "$json" ;;
    *) echo "bench: format must be wechat, gbk, whatsapp, wecom, telegram, weflow or qce, not $format" >&2; exit 2 ;;
  esac
}

# Native: best of 3 for the analysis and for the floor, peak RSS of the analysis.
native() {
  python3 - "$1" <<'PY'
import json, os, resource, subprocess, sys, time
data = sys.argv[1]
size = os.path.getsize(data)
def best(cmd):
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True).stdout
        runs.append(time.perf_counter() - t)
    return min(runs), out
floor, _ = best(["./target/release/qunlens", "floor", data])
analysis, out = best(["./target/release/qunlens", "analyze", "--compact", data])
report = json.loads(out)
msgs = sum(i["messages"] for i in report["inputs"])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"cli: {data}: {size/1e6:.1f} MB, {msgs} messages, best of 3 {analysis:.3f} s -> "
      f"{size/1e6/analysis:.0f} MB/s, {msgs/analysis/1e6:.2f} M messages/s, peak RSS {peak:.0f} MB; "
      f"floor {floor:.3f} s ({size/1e6/floor:.0f} MB/s), analysis = {analysis/floor:.2f}x the floor")
PY
}

page() {
  (cd tests/page && node bench.mjs "../../$1" --runs "${2:-3}")
}

if [ "${1:-}" = "--matrix" ]; then
  for format in wechat gbk whatsapp wecom; do
    for messages in 100000 1000000 10000000; do
      file=$(data_file "$messages" "$format")
      native "$file"
      page "$file" $([ "$messages" = 10000000 ] && echo 1 || echo 3)
    done
  done
  # 10M messages of these are 3.8-6.5 GB; the README has their 1.1-2.4 GB rows.
  for format in telegram weflow qce; do
    for messages in 100000 1000000; do
      file=$(data_file "$messages" "$format")
      native "$file"
      page "$file" 3
    done
  done
else
  file=$(data_file "${1:-1000000}" "${2:-wechat}")
  native "$file"
  page "$file"
fi
