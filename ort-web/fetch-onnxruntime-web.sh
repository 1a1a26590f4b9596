#!/usr/bin/env bash
# Puts ONNX Runtime Web (the npm package onnxruntime-web, MIT) where the page loads it from:
#   fetch-onnxruntime-web.sh DEST    -> DEST/ort.wasm.min.mjs, ort-wasm-simd-threaded.mjs,
#                                       ort-wasm-simd-threaded.wasm.gz, package.json
# Called by Maven (this module's generate-resources) as the Android build fetches its AAR: pinned version,
# checked by sha256, and the files made ready once into $XDG_CACHE_HOME/trm (else ~/.cache/trm), so that
# later builds stay offline and only copy them.
set -euo pipefail
PACKAGE="onnxruntime-web@1.30.0"
SHA256="d2228df7e4616bc3348bf504ee888f3bec43789a273f0a63f3e68d203ce3bf71"
# the WebAssembly build only (CPU, SIMD; threads where the page is cross-origin isolated): no WebGPU or WebGL
FILES="package/dist/ort.wasm.min.mjs package/dist/ort-wasm-simd-threaded.mjs package/dist/ort-wasm-simd-threaded.wasm package/package.json"
WASM="ort-wasm-simd-threaded.wasm"

fail() { echo "fetch-onnxruntime-web: $*" >&2; exit 1; }
[ $# -eq 1 ] || fail "usage: fetch-onnxruntime-web.sh DEST"
dest="$1"
cache_root="${XDG_CACHE_HOME:-${HOME:?neither XDG_CACHE_HOME nor HOME is set}/.cache}"
ready="$cache_root/trm/onnxruntime-web-$SHA256"
if [ ! -d "$ready" ]; then
  command -v npm >/dev/null || fail "npm is not on the PATH (needed once, to fetch $PACKAGE; Debian: apt-get install npm)"
  mkdir -p "$(dirname "$ready")"
  work="$(mktemp -d "$ready.tmp.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$PACKAGE" >/dev/null) || fail "npm pack $PACKAGE failed (is the npm registry reachable?)"
  echo "$SHA256  $(ls "$work"/*.tgz)" | sha256sum -c --quiet - || fail "$PACKAGE: checksum mismatch"
  mkdir "$work/files"
  # shellcheck disable=SC2086
  tar -xzf "$work"/*.tgz -C "$work" $FILES
  for f in $FILES; do
    mv "$work/$f" "$work/files/"
  done
  # The WebAssembly ships gzipped, 3.7 MB instead of 14 MB (the page's worker inflates it once; solver-worker.js):
  # a static folder with a model stays small, and any web server hosts it with no compression set up.
  # -n keeps the name and time out, so the same package gives the same bytes.
  gzip -9 -n "$work/files/$WASM"
  # whole or not at all: a build stopped half-way leaves no half-made folder here, and of two builds
  # making it at once the second keeps the first's (-T: never a folder moved inside the other)
  mv -T "$work/files" "$ready" 2>/dev/null || [ -d "$ready" ] || fail "cannot make $ready"
fi
mkdir -p "$dest"
cp "$ready"/* "$dest/"
