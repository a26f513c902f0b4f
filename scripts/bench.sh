#!/usr/bin/env bash
# Builds what the benchmarks need and prints their figures (see BENCHMARKS.md).
# Benchmarks measure; they never pass or fail on a number.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
build_app
ensure_browser

# The floors the app's size is compared with (app/examples): Automerge alone, and
# Automerge with a bare two-route Leptos app. Built and packed exactly like the app.
FLOORS="$ROOT/target/size-floors"
say "Building the size floors (app/examples, size-optimised release)"
cargo build --locked -p app --examples --target wasm32-unknown-unknown --profile wasm-release
for floor in automerge_floor stack_floor; do
  rm -rf "${FLOORS:?}/$floor"
  bash "$ROOT/scripts/finish-wasm.sh" \
    "$ROOT/target/wasm32-unknown-unknown/wasm-release/examples/$floor.wasm" "$FLOORS/$floor" "$floor"
  zopfli "$FLOORS/$floor/${floor}_bg.wasm" "$FLOORS/$floor/$floor.js"
done
say "Building the server and the benchmark (release)"
cargo build --locked --release -p server -p e2e --bin waymark --bin device-bench --bin sync-bench
say "Device figures (headless Chromium, 360x740; 3 runs)"
WAYMARK_BIN="$ROOT/target/release/waymark" WAYMARK_SIZE_FLOORS="$FLOORS" \
  "$ROOT/target/release/device-bench"
say "Sync figures (S1-S3 of ../shared/BENCHMARKS.md, real server on loopback; 3 runs)"
WAYMARK_BIN="$ROOT/target/release/waymark" "$ROOT/target/release/sync-bench"
