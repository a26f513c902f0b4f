# Shared steps of scripts/run.sh and scripts/test.sh. Every install is skipped when
# what it installs is already there, so a second run goes straight to building.
# Everything comes from the package registries (crates.io, npm, Debian): nothing
# downloads a prebuilt binary from anywhere else.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${WAYMARK_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/waymark-tools}"
# binaryen from npm (wasm-opt compiled to wasm, run by node). Debian's binaryen 108
# breaks the app (see ../shared/TOOLCHAIN.md), so it is never used.
BINARYEN_VERSION=132
APP_DIST="$ROOT/app/dist"

say() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nwaymark: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    fail "installing system packages needs root: run as root or install sudo"; fi
}

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then
    say "Updating Debian's package lists"
    as_root apt-get update -q
    APT_UPDATED=1
  fi
  say "Installing $* from Debian's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

ensure_rust() {
  command -v cargo >/dev/null || fail "cargo is missing: install Rust with rustup first"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target to Rust"
    rustup target add wasm32-unknown-unknown
  fi
}

# The wasm-bindgen CLI must be the exact version of the wasm-bindgen crate in Cargo.lock.
ensure_wasm_bindgen() {
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
  [ -n "$want" ] || fail "cannot find the wasm-bindgen version in Cargo.lock"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    say "Installing wasm-bindgen-cli $want from crates.io (about 3 minutes, once)"
    # Without --locked: the CLI's own lock file names a crate version the registry lacks.
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

ensure_wasm_opt() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  if [ ! -x "$TOOLS/node_modules/.bin/wasm-opt" ] ||
     [ "$(cat "$TOOLS/binaryen.version" 2>/dev/null)" != "$BINARYEN_VERSION" ]; then
    say "Installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into $TOOLS"
    mkdir -p "$TOOLS"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS" "binaryen@$BINARYEN_VERSION"
    echo "$BINARYEN_VERSION" > "$TOOLS/binaryen.version"
  fi
  export PATH="$TOOLS/node_modules/.bin:$PATH"
}

# The compressed twins of the app's files. Brotli is what phones on HTTPS receive
# (about 20% smaller than gzip for the WebAssembly); zopfli writes gzip that any
# client reads, about 5% smaller than gzip -9, at the cost of seconds per build.
ensure_compressors() {
  command -v brotli >/dev/null || apt_install brotli
  command -v zopfli >/dev/null || apt_install zopfli
}

ensure_browser() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver
  fi
}

# A throwaway PostgreSQL on a free loopback port for the tests, stopped on exit.
# Sets WAYMARK_TEST_POSTGRES_URL, which the server's tests use beside SQLite.
start_test_postgres() {
  [ -n "${WAYMARK_TEST_POSTGRES_URL:-}" ] && return
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$bin" ]; then
    apt_install postgresql
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
  PG_DIR="$(mktemp -d)"
  local port as_pg=()
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  # PostgreSQL refuses to run as root; Debian's package brings a postgres user.
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; as_pg=(runuser -u postgres --); fi
  say "Starting a throwaway PostgreSQL on 127.0.0.1:$port for the tests"
  "${as_pg[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U waymark >/dev/null
  "${as_pg[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
  PG_STOP=("${as_pg[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop)
  trap 'stop_test_postgres' EXIT
  "${as_pg[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U waymark waymark_test
  export WAYMARK_TEST_POSTGRES_URL="postgres://waymark@127.0.0.1:$port/waymark_test"
}

stop_test_postgres() {
  "${PG_STOP[@]}" >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}

# Builds the WebAssembly app into app/dist with content-hashed assets.
build_app() {
  ensure_rust
  ensure_wasm_bindgen
  ensure_wasm_opt
  ensure_compressors
  say "Building the web app (WebAssembly, size-optimised release)"
  cargo build --locked -p app --target wasm32-unknown-unknown --profile wasm-release
  bash "$ROOT/scripts/package-app.sh" \
    "$ROOT/target/wasm32-unknown-unknown/wasm-release/app.wasm" "$APP_DIST"
}
