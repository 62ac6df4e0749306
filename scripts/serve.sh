#!/usr/bin/env bash
# Builds the page and serves www/ at http://127.0.0.1:${PORT:-8080} (local only).
# Python's http.server sends .wasm as application/wasm, which streaming compilation needs.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8080}
bash scripts/build.sh
echo "serve: open http://127.0.0.1:$port  (Ctrl-C to stop)" >&2
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory www
