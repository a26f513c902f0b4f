#!/usr/bin/env bash
# Installs what is missing, builds the web app and the server, and starts Waymark on
# http://127.0.0.1:8080 with the embedded SQLite database in ./data. Arguments are
# passed to the server: `bash scripts/run.sh demo` sets up the demo accounts and exits.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
build_app
say "Building the server (release)"
cargo build --locked --release -p server
say "Starting Waymark (ctrl-c stops it)"
exec "$ROOT/target/release/waymark" --app-dir "$APP_DIST" --data-dir "$ROOT/data" "$@"
