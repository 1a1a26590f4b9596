#!/usr/bin/env bash
# Tests of the ./trm launcher: its class-data sharing archive and a closed standard input (run by .ci/run after the build; needs
# cli/target/trm.jar). Prints one line per check and "N passed, 0 failed" at the end; exits 1 on a
# failure.
#   1. With HOME and XDG_CACHE_HOME unset it writes no archive anywhere (it used to write /.cache/trm).
#   2. A run writes its archive under a temporary name; the next start adopts it once checked.
#   3. A truncated archive left by a run killed while writing it (its PID gone) is dropped, not
#      mapped: the JVM used to die with SIGBUS on every start until it was deleted by hand.
#   4. `trm solve <&-` (standard input closed) says there are no puzzles, not "not UTF-8 text".
#   5. 50 puzzles as arguments (a command line over 4 KB) solve, and nothing is written under
#      ~/.cache/Microsoft: ONNX Runtime's start-up telemetry, which crashed such a JVM (exit 139), is off.
#   6. `trm solve > /dev/full`: a write error is reported (exit 1), not taken for a closed pipe (141).
#   7. An adopted archive damaged later (`truncate -s 50%`) is dropped, not mapped: every start used to
#      die with SIGBUS (rc 134) and leave an hs_err file in the current folder.
#   8. Archives of earlier builds do not pile up: a new build keeps the three most recently used and
#      drops the rest, and the temporary ones of runs that are gone; a start marks its archive used.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
trm="$root/trm"
passed=0
failed=0
check() { # check NAME COMMAND...
  local name="$1"; shift
  if "$@"; then echo "ok: $name"; passed=$((passed + 1)); else echo "FAILED: $name"; failed=$((failed + 1)); fi
}
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT

# 1. no HOME: no archive, and nothing at the filesystem root
root_cache_before=$([ -e /.cache/trm ] && echo yes || echo no)
out=$(cd "$home" && env -u HOME -u XDG_CACHE_HOME "$trm" --version 2>&1)
check "runs with HOME unset" test "$out" = "trm 0.1.0"
if [ "$root_cache_before" = no ]; then
  check "writes nothing to /.cache with HOME unset" test ! -e /.cache/trm
fi

# 2. the archive: written under a temporary name, adopted by the next start
HOME="$home" XDG_CACHE_HOME= "$trm" --version >/dev/null
tmp=$(ls "$home"/.cache/trm/cds-*jsa.tmp.* 2>/dev/null | head -1)
check "the first run writes its archive under a temporary name" test -n "$tmp"
HOME="$home" XDG_CACHE_HOME= "$trm" --version >/dev/null
archive=$(ls "$home"/.cache/trm/cds-*jsa 2>/dev/null | head -1)
check "the next start adopts it under the final name" test -n "$archive" -a ! -e "$tmp"
out=$(HOME="$home" XDG_CACHE_HOME= "$trm" --version 2>&1)
check "a start with the archive works" test "$out" = "trm 0.1.0"

# 3. a truncated archive of a run that died while writing it
if [ -z "$archive" ]; then
  echo "launcher: $passed passed, $((failed + 1)) failed (no archive to truncate)"
  exit 1
fi
dead=999999
while kill -0 "$dead" 2>/dev/null; do dead=$((dead - 1)); done
head -c 3000000 "$archive" >"$archive.tmp.$dead"
rm -f "$archive"
out=$(cd "$home" && HOME="$home" XDG_CACHE_HOME= "$trm" --version 2>&1)
code=$?
check "a start beside a truncated archive works (exit $code: $out)" test "$code" = 0 -a "$out" = "trm 0.1.0"
check "the truncated archive is dropped" test ! -e "$archive.tmp.$dead"
check "no final archive was made of it" test ! -e "$archive"
check "no JVM crash file" test -z "$(ls "$home"/hs_err_pid*.log 2>/dev/null)"

# 7. an adopted archive damaged afterwards
HOME="$home" XDG_CACHE_HOME= "$trm" --version >/dev/null # writes an archive again
HOME="$home" XDG_CACHE_HOME= "$trm" --version >/dev/null # adopts it
adopted=$(ls "$home"/.cache/trm/cds-*jsa 2>/dev/null | head -1)
check "an archive was adopted again" test -n "$adopted" -a -f "$adopted.stamp"
if [ -n "$adopted" ]; then
  truncate -s 50% "$adopted"
  out=$(cd "$home" && HOME="$home" XDG_CACHE_HOME= "$trm" --version 2>&1)
  code=$?
  check "a start after the adopted archive was truncated works (exit $code: $out)" test "$code" = 0 -a "$out" = "trm 0.1.0"
  check "no JVM crash file after it" test -z "$(ls "$home"/hs_err_pid*.log 2>/dev/null)"
fi

# 4. a closed standard input is an empty one, not the first file the JVM opens
out=$(HOME="$home" XDG_CACHE_HOME= "$trm" solve <&- 2>&1)
code=$?
check "trm solve with standard input closed says there are no puzzles (exit $code: $out)" \
  test "$code" = 1 -a "$out" = "trm solve: standard input: no puzzles in it (give puzzles as arguments, with --file or on standard input)"

# 5. a long command line: 50 everyday puzzles as arguments, an empty home
long_home="$(mktemp -d)"
puzzles=()
while IFS=, read -r _ question _; do
  puzzles+=("$question")
done < <(HOME="$long_home" "$trm" data generate --count 50 --givens 30-34 --seed 5 -o "$long_home/p.csv" >/dev/null && tail -n +2 "$long_home/p.csv")
rm -f "$long_home/p.csv"
out=$(cd "$long_home" && HOME="$long_home" XDG_CACHE_HOME= "$trm" solve --effort plain "${puzzles[@]}" 2>&1)
code=$?
check "50 puzzles as arguments ($(echo "${puzzles[*]}" | wc -c) bytes) solve (exit $code)" test "$code" = 0 -o "$code" = 1
check "each of them has its answer" test "$(echo "$out" | grep -c '^puzzle [0-9]*:')" = 50
check "nothing under ~/.cache/Microsoft" test ! -e "$long_home/.cache/Microsoft"
rm -rf "$long_home"

# 6. a write error is not a closed pipe: > /dev/full says so and exits 1 (it used to exit 141 silently)
if [ -w /dev/full ]; then
  err=$(HOME="$home" XDG_CACHE_HOME= "$trm" solve --exact "${puzzles[0]}" 2>&1 >/dev/full)
  code=$?
  check "trm solve > /dev/full exits 1 with a message (exit $code: $err)" \
    test "$code" = 1 -a "$err" = "trm solve: cannot write to standard output (/dev/full): the write failed (a full disk or device?)"
fi

# 8. archives of earlier builds: a start marks its own used; a new build keeps the three most recent
cache="$home/.cache/trm"
HOME="$home" XDG_CACHE_HOME= "$trm" --version >/dev/null # writes this build's archive, if none
HOME="$home" XDG_CACHE_HOME= "$trm" --version >/dev/null # adopts it
current=$(ls "$cache"/cds-*jsa 2>/dev/null | head -1)
touch -d '20 days ago' "$current.stamp"
HOME="$home" XDG_CACHE_HOME= "$trm" --version >/dev/null
check "a start with its archive marks it used" test -n "$(find "$current.stamp" -mmin -5)"
for days in 1 2 3 4 5; do
  echo "an archive of an earlier build" >"$cache/cds-earlier$days-jsa"
  touch -d "$days days ago" "$cache/cds-earlier$days-jsa.stamp"
done
dead=999999
while kill -0 "$dead" 2>/dev/null; do dead=$((dead - 1)); done
echo "left by a run that is gone" >"$cache/cds-earlier9-jsa.tmp.$dead"
echo "being written by a run" >"$cache/cds-earlier8-jsa.tmp.$$"
rm -f "$current" "$current.stamp" # this build is new again: its start makes an archive and prunes
HOME="$home" XDG_CACHE_HOME= "$trm" --version >/dev/null
check "a new build keeps the three most recently used archives" \
  test -f "$cache/cds-earlier1-jsa" -a -f "$cache/cds-earlier2-jsa" -a -f "$cache/cds-earlier3-jsa.stamp"
check "and drops the older ones with their stamps" \
  test ! -e "$cache/cds-earlier4-jsa" -a ! -e "$cache/cds-earlier5-jsa" -a ! -e "$cache/cds-earlier5-jsa.stamp"
check "and a temporary archive whose run is gone" test ! -e "$cache/cds-earlier9-jsa.tmp.$dead"
check "but not one still being written" test -f "$cache/cds-earlier8-jsa.tmp.$$"

echo "launcher: $passed passed, $failed failed"
[ "$failed" = 0 ]
