#!/usr/bin/env bash
# Builds the page: the wasm module (release) and its JS glue into www/pkg/, idempotently.
# Installs what is missing first: the wasm32-unknown-unknown target and the wasm-bindgen CLI
# at exactly the version pinned in Cargo.toml (the CLI refuses any other schema version).
# Afterwards www/ is a self-contained static site: serve it (scripts/serve.sh) or copy it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh

echo "build: compiling the wasm module" >&2
cargo build --release --target wasm32-unknown-unknown --lib >&2

echo "build: generating the JS bindings into www/pkg" >&2
rm -rf pkg/qunlens.js pkg/qunlens_bg.wasm pkg/qunlens.d.ts pkg/qunlens_bg.wasm.d.ts
wasm-bindgen --target web --out-dir pkg target/wasm32-unknown-unknown/release/qunlens.wasm
cp www/qunlens-report.d.ts pkg/ 2>/dev/null || true

# www/pkg is a plain copy (not a symlink) so www/ can be copied to any static host as is.
rm -rf www/pkg
mkdir -p www/pkg
cp pkg/qunlens.js pkg/qunlens_bg.wasm pkg/qunlens.d.ts www/pkg/

size=$(wc -c < www/pkg/qunlens_bg.wasm)
gz=$(gzip -9 -c www/pkg/qunlens_bg.wasm | wc -c)
echo "build: www/pkg/qunlens_bg.wasm is $size bytes ($gz gzipped)" >&2
