#!/usr/bin/env bash
# The one command that runs every test (README; .ci/run calls it):
#   1. native: unit, golden-file integration and doc tests (cargo test)
#   2. the wasm boundary in headless Chromium (wasm-bindgen-test)
#   3. the page: build, serve, upload files and click through it in Chromium (Playwright)
# It installs what it needs first (scripts/setup.sh), so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh --browser

echo "== native tests" >&2
cargo test --locked

echo "== wasm tests in headless Chromium" >&2
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --locked --target wasm32-unknown-unknown --test wasm

echo "== page tests in headless Chromium" >&2
# dist.sh builds www/ (scripts/build.sh) and the optimised static build the sub-path test serves.
bash scripts/dist.sh
(cd tests/page && npm ci --no-audit --no-fund --loglevel=error && node --test)
