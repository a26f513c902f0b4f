#!/usr/bin/env bash
# Turns the compiled app.wasm into the folder the server serves:
#   index.html, sw.js, manifest.webmanifest        (revalidated on every load)
#   assets/<hash>/app.js, app_bg.wasm, style.css…  (immutable, cached for a year)
# <hash> is the content hash of the assets, so a new build is a new folder and the
# service worker's cache version changes with it. Compressible files get .gz and .br twins.
set -euo pipefail
wasm="$1"
dist="$2"
static="$(cd "$(dirname "${BASH_SOURCE[0]}")/../app/static" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

bash "$(dirname "${BASH_SOURCE[0]}")/finish-wasm.sh" "$wasm" "$work" app
cp "$static"/assets/* "$work/"

# The pages are hashed too: a change to index.html alone must still be a new version,
# or installed apps would keep starting the old page from the service worker's cache.
version="$( (cd "$work" && cat $(ls | sort)) | cat - "$static/index.html" "$static/sw.js" \
  "$static/manifest.webmanifest" | sha256sum | cut -c1-12)"
rm -rf "$dist"
mkdir -p "$dist/assets/$version"
mv "$work"/* "$dist/assets/$version/"

# The precache list for the service worker: the shell and every asset of this version.
precache="'/', '/manifest.webmanifest'"
for file in $(cd "$dist/assets/$version" && ls | sort); do
  precache="$precache, '/assets/$version/$file'"
done
for page in index.html sw.js manifest.webmanifest; do
  sed -e "s|{{VERSION}}|$version|g" -e "s|{{PRECACHE}}|$precache|g" \
    "$static/$page" > "$dist/$page"
done

find "$dist" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.svg' -o -name '*.webmanifest' \) -exec zopfli {} \; -exec brotli -q 11 -k -f {} \;
echo "    app version $version in $dist ($(du -sh "$dist" | cut -f1); wasm $(stat -c %s "$dist/assets/$version/app_bg.wasm") bytes)"
