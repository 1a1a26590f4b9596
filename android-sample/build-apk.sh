#!/usr/bin/env bash
# Builds a signed debug APK of the Sudoku sample without Gradle or Google's repository:
#   javac (Maven) -> D8 -> aapt -> zip -> zipalign -> apksigner
#
#   android-sample/build-apk.sh [--model FILE.onnx]     (or MODEL=FILE.onnx)
#
# Output: android-sample/target/apk/app-debug.apk. The model asset defaults to the toolkit's default
# model in int8, models/sudoku-default-int8.onnx (31% of the fp32 file, faster, and checked by
# trm-export to answer as the fp32 step does); any Sudoku step exported by trm-export can replace it.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
model="${MODEL:-$root/models/sudoku-default-int8.onnx}"
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --model=*) model="${1#--model=}"; shift ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "build-apk: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# Pinned inputs. ONNX Runtime for Android comes as an AAR inside an npm package (MIT); it is the
# same ONNX Runtime release as the desktop jars of the rest of the build.
ORT_NPM_PACKAGE="com.github.asus4.onnxruntime@0.4.9"
ORT_NPM_SHA256="e59788788818fdde1b2e522e766a21ba0f7d8391de55737abf81e32cc801785d"
ORT_AAR_PATH="package/Plugins/Android/onnxruntime.aar"
ORT_AAR_SHA256="98cddbac92640b4a6af72a03c42e0491851f366d3da66bbaeb5dd66310946cf2"
R8="com.android.tools:r8:8.5.35"
ANDROID_ALL="org.robolectric:android-all:14-robolectric-10818077"
MIN_SDK=26
ABIS="arm64-v8a x86_64"
KEY_PASS="android"

out="$here/target/apk"
work="$out/work"
cache="${TRM_CACHE:-$HOME/.cache/trm}"

fail() { echo "build-apk: $*" >&2; exit 1; }
step() { echo "== $*"; }

[ -f "$model" ] || fail "model asset '$model' does not exist (export one with trm-export, or pass --model)"

step "tools"
missing=""
for t in aapt zipalign apksigner; do command -v "$t" >/dev/null || missing="$missing $t"; done
if [ -n "$missing" ]; then
  command -v apt-get >/dev/null || fail "missing:$missing (Debian packages aapt, zipalign, apksigner)"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get install -y -q aapt zipalign apksigner >/dev/null || fail "could not install:$missing"
fi
for t in java mvn npm zip unzip keytool sha256sum; do command -v "$t" >/dev/null || fail "'$t' is not on the PATH"; done

rm -rf "$work"
mkdir -p "$work/tools" "$work/dex" "$work/assets" "$work/native" "$cache"

step "app and runtime classes (Maven)"
(cd "$root" && mvn -B -q -Dstyle.color=never -pl android-sample -am -DskipTests package)
app_jar="$(ls "$here"/target/trm-android-sample-*.jar | head -n 1)"
runtime_jar="$(ls "$root"/runtime/target/trm-runtime-*.jar | grep -v -e sources -e javadoc | head -n 1)"
(cd "$root" && mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="$R8" -DoutputDirectory="$work/tools" \
  && mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="$ANDROID_ALL" -DoutputDirectory="$work/tools")
r8_jar="$(ls "$work"/tools/r8-*.jar)"
android_jar="$(ls "$work"/tools/android-all-*.jar)"

step "ONNX Runtime for Android ($ORT_NPM_PACKAGE)"
aar="$cache/onnxruntime-android-$ORT_AAR_SHA256.aar"
if [ ! -f "$aar" ]; then
  npm_dir="$(mktemp -d)"
  (cd "$npm_dir" && npm pack --silent "$ORT_NPM_PACKAGE" >/dev/null)
  tgz="$(ls "$npm_dir"/*.tgz)"
  echo "$ORT_NPM_SHA256  $tgz" | sha256sum -c --quiet - || fail "$ORT_NPM_PACKAGE: checksum mismatch"
  tar -xzf "$tgz" -C "$npm_dir" "$ORT_AAR_PATH"
  echo "$ORT_AAR_SHA256  $npm_dir/$ORT_AAR_PATH" | sha256sum -c --quiet - || fail "onnxruntime.aar: checksum mismatch"
  mv "$npm_dir/$ORT_AAR_PATH" "$aar.tmp" && mv "$aar.tmp" "$aar"
  rm -rf "$npm_dir"
fi
unzip -q -o "$aar" classes.jar -d "$work/ort"
for abi in $ABIS; do
  mkdir -p "$work/native/lib/$abi"
  unzip -q -o -j "$aar" "jni/$abi/*.so" -d "$work/native/lib/$abi"
done

step "dex (D8, min API $MIN_SDK)"
java -cp "$r8_jar" com.android.tools.r8.D8 --release --min-api "$MIN_SDK" --lib "$android_jar" \
  --output "$work/dex" "$app_jar" "$runtime_jar" "$work/ort/classes.jar"

step "package (aapt), native libraries, align, sign"
cp "$model" "$work/assets/sudoku.onnx"
aapt package -f -M "$here/src/main/AndroidManifest.xml" -S "$here/src/main/res" -A "$work/assets" \
  -I "$android_jar" -0 onnx -F "$work/app.unsigned.apk"
(cd "$work/dex" && zip -q "$work/app.unsigned.apk" classes*.dex)
(cd "$work/native" && zip -q -r "$work/app.unsigned.apk" lib)
zipalign -p -f 4 "$work/app.unsigned.apk" "$work/app.aligned.apk"
keystore="$out/debug.keystore"
if [ ! -f "$keystore" ]; then
  keytool -genkeypair -keystore "$keystore" -storepass "$KEY_PASS" -keypass "$KEY_PASS" -alias androiddebugkey \
    -keyalg RSA -keysize 2048 -validity 10000 -dname "CN=Android Debug,O=Android,C=US" >/dev/null 2>&1
fi
apk="$out/app-debug.apk"
apksigner sign --ks "$keystore" --ks-pass "pass:$KEY_PASS" --key-pass "pass:$KEY_PASS" --out "$apk.tmp" "$work/app.aligned.apk"
mv "$apk.tmp" "$apk"
rm -f "$apk.tmp.idsig"

step "check"
apksigner verify "$apk" || fail "apksigner verify failed"
aapt dump badging "$apk" | grep -E "^(package|sdkVersion|targetSdkVersion|launchable-activity)" || fail "aapt cannot read $apk"
dex="$work/dex/classes.dex"
for type in Ldev/trm/sample/MainActivity\; Ldev/trm/runtime/Solver\; Lai/onnxruntime/OrtSession\;; do
  grep -a -q "$type" "$dex" || fail "classes.dex lacks $type"
done
for abi in $ABIS; do
  for lib in libonnxruntime.so libonnxruntime4j_jni.so; do
    unzip -l "$apk" "lib/$abi/$lib" >/dev/null || fail "$apk lacks lib/$abi/$lib"
  done
done
unzip -l "$apk" assets/sudoku.onnx >/dev/null || fail "$apk lacks the model asset"

step "size by part (compressed bytes in the APK)"
unzip -lv "$apk" | awk '
  $8 ~ /^lib\/arm64-v8a\// { part["native arm64-v8a"] += $3; next }
  $8 ~ /^lib\/x86_64\// { part["native x86_64"] += $3; next }
  $8 ~ /^classes.*\.dex$/ { part["classes.dex"] += $3; next }
  $8 ~ /^assets\// { part["model asset"] += $3; next }
  $1 ~ /^[0-9]+$/ && NF >= 8 { part["manifest, resources, signature"] += $3 }
  END { for (p in part) printf "  %-32s %12d\n", p, part[p] }' | sort
printf "  %-32s %12d\n" "APK file" "$(stat -c %s "$apk")"
echo "wrote $apk"
