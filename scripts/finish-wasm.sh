#!/usr/bin/env bash
# The step every browser build shares, the app's and the size floors' alike, so
# their sizes compare: wasm-bindgen (web target), then wasm-opt -Oz on the module.
# Usage: scripts/finish-wasm.sh COMPILED.wasm OUT_DIR NAME  → OUT_DIR/NAME.js, NAME_bg.wasm
set -euo pipefail
wasm="$1"
out="$2"
name="$3"
echo "    wasm-bindgen ($name)"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name "$name" "$wasm"
echo "    wasm-opt -Oz ($name)"
wasm-opt -Oz "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
