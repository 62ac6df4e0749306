#!/usr/bin/env bash
# Benchmark: MB/s, messages/s and peak memory for the CLI and for the page in headless
# Chromium, on a generated export (default 1,000,000 messages). Not part of the test command.
#   scripts/bench.sh [MESSAGES] [wechat|whatsapp]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
messages=${1:-1000000}
format=${2:-wechat}
mkdir -p bench-data
cargo build --release --locked --bin qunlens >&2
case "$format" in
  wechat) data="bench-data/benchmark_${messages}_utf8.csv"; extra=() ;;
  whatsapp) data="bench-data/benchmark_${messages}_whatsapp.txt"; extra=(--whatsapp) ;;
  *) echo "bench: format must be wechat or whatsapp, not $format" >&2; exit 2 ;;
esac
[ -f "$data" ] || ./target/release/qunlens sample --benchmark "${extra[@]}" --messages "$messages" --out bench-data >&2

python3 - "$data" <<'PY'
import json, resource, subprocess, sys, time
data = sys.argv[1]
size = __import__("os").path.getsize(data)
runs = []
for _ in range(3):
    t = time.perf_counter()
    out = subprocess.run(["./target/release/qunlens", "analyze", "--compact", data],
                         check=True, capture_output=True).stdout
    runs.append(time.perf_counter() - t)
report = json.loads(out)
msgs = sum(i["messages"] for i in report["inputs"])
best = min(runs)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"cli: {size/1e6:.1f} MB, {msgs} messages, best of 3 {best:.3f} s -> "
      f"{size/1e6/best:.0f} MB/s, {msgs/best/1e6:.2f} M messages/s, peak RSS {peak:.0f} MB")
PY

bash scripts/setup.sh --browser
bash scripts/build.sh >&2
(cd tests/page && npm ci --no-audit --no-fund --loglevel=error >&2 && node bench.mjs "../../$data")
