#!/usr/bin/env bash
# Puts ONNX Runtime Web (the npm package onnxruntime-web, MIT) where the page loads it from:
#   fetch-onnxruntime-web.sh DEST    -> DEST/ort.wasm.min.mjs, ort-wasm-simd-threaded.mjs,
#                                       ort-wasm-simd-threaded.wasm.gz, package.json
# Called by Maven (serve's generate-resources) as the Android build fetches its AAR: pinned version,
# checked by sha256, cached in $XDG_CACHE_HOME/trm (else ~/.cache/trm) so that later builds stay offline.
set -euo pipefail
PACKAGE="onnxruntime-web@1.30.0"
SHA256="d2228df7e4616bc3348bf504ee888f3bec43789a273f0a63f3e68d203ce3bf71"
# the WebAssembly build only (CPU, SIMD; threads where the page is cross-origin isolated): no WebGPU or WebGL
FILES="package/dist/ort.wasm.min.mjs package/dist/ort-wasm-simd-threaded.mjs package/dist/ort-wasm-simd-threaded.wasm package/package.json"

fail() { echo "fetch-onnxruntime-web: $*" >&2; exit 1; }
[ $# -eq 1 ] || fail "usage: fetch-onnxruntime-web.sh DEST"
dest="$1"
cache_root="${XDG_CACHE_HOME:-${HOME:?neither XDG_CACHE_HOME nor HOME is set}/.cache}"
tgz="$cache_root/trm/onnxruntime-web-$SHA256.tgz"
if [ ! -f "$tgz" ]; then
  command -v npm >/dev/null || fail "npm is not on the PATH (needed once, to fetch $PACKAGE; Debian: apt-get install npm)"
  mkdir -p "$(dirname "$tgz")"
  npm_dir="$(mktemp -d)"
  trap 'rm -rf "$npm_dir"' EXIT
  (cd "$npm_dir" && npm pack --silent "$PACKAGE" >/dev/null) || fail "npm pack $PACKAGE failed (is the npm registry reachable?)"
  echo "$SHA256  $(ls "$npm_dir"/*.tgz)" | sha256sum -c --quiet - || fail "$PACKAGE: checksum mismatch"
  mv "$npm_dir"/*.tgz "$tgz.tmp.$$" && mv "$tgz.tmp.$$" "$tgz"
  rm -rf "$npm_dir"
fi
mkdir -p "$dest"
unpacked="$(mktemp -d)"
trap 'rm -rf "$unpacked"' EXIT
# shellcheck disable=SC2086
tar -xzf "$tgz" -C "$unpacked" $FILES
for f in $FILES; do
  mv -f "$unpacked/$f" "$dest/"
done
# The WebAssembly ships gzipped, 3.7 MB instead of 14 MB (the page's worker inflates it once; solver-worker.js):
# a static folder with a model stays small, and any web server hosts it with no compression set up.
# -n keeps the name and time out, so the same package gives the same bytes.
wasm="$dest/ort-wasm-simd-threaded.wasm"
gzip -9 -n -c "$wasm" > "$wasm.gz.tmp.$$" && mv "$wasm.gz.tmp.$$" "$wasm.gz" && rm "$wasm"
