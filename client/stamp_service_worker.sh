#!/bin/sh
# Trunk post-build hook: stamps sw.js with a digest of every file of this build (so any change
# yields a new worker and a new cache). `cargo xtask build-client` compresses the files afterwards.
set -eu
cd "$TRUNK_STAGING_DIR"
build_id=$(find . -type f ! -name sw.js ! -name '*.br' ! -name '*.gz' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
sed -i "s/__BUILD_ID__/$build_id/" sw.js
