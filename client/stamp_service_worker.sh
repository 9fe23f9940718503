#!/bin/sh
# Trunk post-build hook.
# 1. Copies the split-off pages' module and its loader (written by the build's wasm-bindgen step,
#    `xtask/src/split.rs`, into $CARNET_PAGES_OUT) into `pages-<hash>/` (the folder named in
#    $CARNET_PAGES_OUT/folder), where the UI module imports them, and names that folder in sw.js.
# 2. Stamps sw.js with a digest of every file of this build (so any change yields a new worker
#    and a new cache). `cargo xtask build-client` compresses the files afterwards.
set -eu
cd "$TRUNK_STAGING_DIR"
if [ -z "${CARNET_PAGES_OUT:-}" ] || [ ! -f "$CARNET_PAGES_OUT/folder" ]; then
  echo "the split-off pages are missing: build the client with 'cargo xtask build-client'" >&2
  exit 1
fi
folder=$(cat "$CARNET_PAGES_OUT/folder")
case "$folder" in
  pages-*[!0-9a-f]*|"") echo "unexpected pages folder name: $folder" >&2; exit 1 ;;
  pages-*) ;;
  *) echo "unexpected pages folder name: $folder" >&2; exit 1 ;;
esac
mkdir -p "$folder"
cp "$CARNET_PAGES_OUT"/pages.js "$CARNET_PAGES_OUT"/*.wasm "$folder"/
sed -i "s/__PAGES_FOLDER__/$folder/g" sw.js
build_id=$(find . -type f ! -name sw.js ! -name '*.br' ! -name '*.gz' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
sed -i "s/__BUILD_ID__/$build_id/" sw.js
