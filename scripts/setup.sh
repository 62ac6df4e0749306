#!/usr/bin/env bash
# Installs what building and testing qunlens needs, idempotently (fast when all is there):
#   - the wasm32 Rust target and the wasm-bindgen CLI at the version pinned in Cargo.toml
#   - with --browser: Debian's Chromium + ChromeDriver and CJK fonts (tests, screenshots)
# Nothing is downloaded outside the package registries (crates.io, npm, Debian).
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    *) echo "setup.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target" >&2
  rustup target add wasm32-unknown-unknown >&2
fi

# The CLI must match the wasm-bindgen crate exactly (it refuses other schema versions).
bindgen_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
if [ -z "$bindgen_version" ]; then
  echo "setup: Cargo.toml must pin wasm-bindgen with '='" >&2; exit 1
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$bindgen_version" ] || ! command -v wasm-bindgen-test-runner >/dev/null; then
  echo "setup: installing wasm-bindgen-cli $bindgen_version (about 2 minutes)" >&2
  # --locked first; the registry may lack a locked transitive version, then resolve afresh.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --locked >&2 \
    || cargo install wasm-bindgen-cli --version "$bindgen_version" >&2
fi

if [ "$want_browser" = 1 ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]} from Debian" >&2
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
  fi
fi
