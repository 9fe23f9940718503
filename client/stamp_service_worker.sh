#!/bin/sh
# Trunk post-build hook.
# 1. Copies the split-off pages' module and its loader (written by the build's wasm-bindgen step,
#    `xtask/src/split.rs`, into $CARNET_PAGES_OUT) into `pages/`, where the UI module imports them.
# 2. Stamps sw.js with a digest of every file of this build (so any change yields a new worker
#    and a new cache). `cargo xtask build-client` compresses the files afterwards.
set -eu
cd "$TRUNK_STAGING_DIR"
if [ -z "${CARNET_PAGES_OUT:-}" ] || [ ! -f "$CARNET_PAGES_OUT/pages.js" ]; then
  echo "the split-off pages are missing: build the client with 'cargo xtask build-client'" >&2
  exit 1
fi
mkdir -p pages
cp "$CARNET_PAGES_OUT"/pages.js "$CARNET_PAGES_OUT"/*.wasm pages/
build_id=$(find . -type f ! -name sw.js ! -name '*.br' ! -name '*.gz' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
sed -i "s/__BUILD_ID__/$build_id/" sw.js
