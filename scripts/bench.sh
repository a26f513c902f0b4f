#!/usr/bin/env bash
# Builds what the benchmarks need and prints their figures (see BENCHMARKS.md).
# Benchmarks measure; they never pass or fail on a number.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
build_app
ensure_browser
say "Building the server and the benchmark (release)"
cargo build --locked --release -p server -p e2e --bin waymark --bin device-bench --bin sync-bench
say "Device figures (headless Chromium, 360x740; 3 runs)"
WAYMARK_BIN="$ROOT/target/release/waymark" "$ROOT/target/release/device-bench"
say "Sync figures (S1-S3 of ../shared/BENCHMARKS.md, real server on loopback; 3 runs)"
WAYMARK_BIN="$ROOT/target/release/waymark" "$ROOT/target/release/sync-bench"
