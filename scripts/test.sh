#!/usr/bin/env bash
# Installs what is missing and runs every check and test: formatting, lints, unit and
# property tests, server integration tests over real HTTP (on SQLite and on a
# throwaway PostgreSQL), and browser tests against the real server binary in
# headless Chromium.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
started=$SECONDS

ensure_rust
say "Checking formatting (cargo fmt)"
cargo fmt --all -- --check
say "Linting (cargo clippy, warnings are errors)"
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo clippy --locked -p app --target wasm32-unknown-unknown --bins --examples -- -D warnings

build_app
ensure_browser
start_test_postgres
say "Building the server binary the browser tests start"
cargo build --locked -p server
say "Running every test (unit, property, integration, browser)"
cargo test --locked --workspace --no-fail-fast
say "All checks and tests passed in $((SECONDS - started)) s"
