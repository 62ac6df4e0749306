#!/usr/bin/env bash
# Runs every fuzz target for MINUTES (default 10) each and prints target, minutes, executions
# and crashes. Artifacts (crashing inputs) land in fuzz/artifacts/TARGET/.
set -uo pipefail
cd "$(dirname "$0")"
minutes=${1:-10}
bash seed.sh >/dev/null
for target in $(cargo +nightly fuzz list); do
  log="logs/$target.log"; mkdir -p logs
  cargo +nightly fuzz run "$target" -- -max_total_time=$((minutes * 60)) -rss_limit_mb=4096 >"$log" 2>&1
  status=$?
  runs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' | tail -1)
  crashes=$(ls "artifacts/$target" 2>/dev/null | wc -l)
  echo "$target: ${minutes} min, ${runs:-?} executions, exit $status, ${crashes} artifacts"
done
