#!/usr/bin/env bash
# Runs every fuzz target for MINUTES (default 10) each, JOBS targets at a time (default 1; one
# per core is the most a machine gives), and prints target, minutes, executions and crashes.
# Artifacts (crashing inputs) land in fuzz/artifacts/TARGET/, logs in fuzz/logs/TARGET.log.
#   fuzz/run-all.sh [MINUTES] [JOBS]
set -uo pipefail
cd "$(dirname "$0")"
minutes=${1:-10}
jobs=${2:-1}
bash seed.sh >/dev/null
cargo +nightly fuzz build >/dev/null 2>&1
run_one() {
  local target=$1 minutes=$2
  local log="logs/$target.log"
  cargo +nightly fuzz run "$target" -- -max_total_time=$((minutes * 60)) -rss_limit_mb=4096 >"$log" 2>&1
  local status=$?
  local runs crashes
  runs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' | tail -1)
  crashes=$(ls "artifacts/$target" 2>/dev/null | wc -l)
  echo "$target: ${minutes} min, ${runs:-?} executions, exit $status, ${crashes} artifacts"
}
export -f run_one
mkdir -p logs
cargo +nightly fuzz list | xargs -P "$jobs" -I{} bash -c "run_one {} $minutes"
