#!/usr/bin/env bash
# The static build: one self-contained folder, dist/, for any static host and any sub-path —
# page, workers, widgets, the optimised wasm, the vendored chart library — with .gz and .br
# copies beside every text and wasm file for hosts that serve precompressed files
# (nginx gzip_static / brotli_static, most CDNs and object stores with content-encoding).
# No server logic, nothing fetched from another origin. Installs what it needs itself.
#   scripts/dist.sh [OUT_DIR]      (default dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}

bash scripts/build.sh
(cd scripts/tools && npm ci --no-audit --no-fund --loglevel=error >&2)

rm -rf "$out"
mkdir -p "$out"
# www/ minus what only the repository needs (the vendor build script, type sources).
tar -C www --exclude='vendor/build-echarts.sh' -cf - . | tar -C "$out" -xf -

wasm="$out/pkg/qunlens_bg.wasm"
raw=$(wc -c < "$wasm")
# -O3: speed first (the page parses hundreds of MB); the features our build uses are enabled.
scripts/tools/node_modules/.bin/wasm-opt -O3 --enable-simd --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-reference-types --enable-multivalue -o "$wasm.opt" "$wasm"
mv "$wasm.opt" "$wasm"

# Precompressed copies (the originals stay for hosts that compress on the fly or not at all).
node -e '
  const fs = require("fs"), path = require("path"), zlib = require("zlib");
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
  for (const f of walk(process.argv[1]).filter((f) => /\.(js|mjs|css|html|wasm|json|svg|ts)$/.test(f))) {
    const data = fs.readFileSync(f);
    fs.writeFileSync(f + ".gz", zlib.gzipSync(data, { level: 9 }));
    fs.writeFileSync(f + ".br", zlib.brotliCompressSync(data, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
  }' "$out"

opt=$(wc -c < "$wasm")
echo "dist: $out/ ready; qunlens_bg.wasm $raw bytes raw -> $opt after wasm-opt," \
  "$(wc -c < "$wasm.gz") gzip, $(wc -c < "$wasm.br") brotli; total $(du -sh "$out" | cut -f1)" >&2
