#!/usr/bin/env bash
# trm serve's load benchmark: drives a server on loopback with wrk (Debian's package) and prints a
# Markdown table of puzzles/s, latency percentiles and errors at each concurrency, with continuous
# batching (--max-batch 32) and without (--max-batch 1, the naive one-puzzle-at-a-time baseline),
# beside offline `trm eval` on the same puzzles, effort and policy; then an overload run; then,
# with SOAK=SECONDS, a soak at concurrency 16 that samples the server's resident memory.
#
#   bench/serve/load.sh                 # about 12 minutes on 2 cores
#   SOAK=300 bench/serve/load.sh        # and a 5-minute soak
#   ONLY=network bench/serve/load.sh    # only the network section: tokens + TLS, /v2, reload under load
#   ONLY=streams bench/serve/load.sh    # only the step streams beside plain clients
#
# Settings (environment): SECONDS_PER_RUN (20), MAX_REQUESTS per wrk thread and run (100000: a
# safety bound; a thread that reaches it stops sending, and its run still lasts SECONDS_PER_RUN),
# CONCURRENCY ("1 4 16 64"), EFFORT (adaptive), POLICY (verified+q-halt), PUZZLES (a CSV with a
# question column; default: 2,000 generated everyday puzzles, givens 24-34, seed 4242), OUT (folder
# for the raw results; default a temporary one), SERVE_OPTIONS (more options for trm serve, e.g. --spin). Every run is bounded in requests and seconds; the
# server binds 127.0.0.1 and is stopped by its PID when the script ends, however it ends.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

SECONDS_PER_RUN="${SECONDS_PER_RUN:-20}"
MAX_REQUESTS="${MAX_REQUESTS:-100000}"
CONCURRENCY="${CONCURRENCY:-1 4 16 64}"
EFFORT="${EFFORT:-adaptive}"
POLICY="${POLICY:-verified+q-halt}"
SOAK="${SOAK:-0}"
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
export EFFORT POLICY MAX_REQUESTS

command -v wrk >/dev/null || { echo "load.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
[ -f cli/target/trm.jar ] || { echo "load.sh: build first: mvn -B -DskipTests package" >&2; exit 2; }

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" || true
  fi
  server_pid=""
}
trap stop_server EXIT

# start_server MAX_BATCH [more options]: starts trm serve on a free port; sets server_pid and url
start_server() {
  local log="$OUT/serve-$1.log"
  ./trm serve --host 127.0.0.1 --port 0 --max-batch "$@" --threads 2 ${SERVE_OPTIONS:-} >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    url="$(sed -n 's/^listening on //p' "$log")"
    [ -n "$url" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "load.sh: the server did not start" >&2; cat "$log" >&2; exit 1
}

# idle: waits (up to 2 minutes) until the requests a finished wrk run left in flight are done, so
# that they do not run into the next measurement
idle() {
  for _ in $(seq 1 1200); do
    curl -sk "$url/metrics" | awk '/^trm_queue_depth/ {q += $2} /^trm_batch_lanes/ {l += $2} END {exit !(q == 0 && l == 0)}' && return 0
    sleep 0.1
  done
  echo "load.sh: the server did not go idle" >&2
}

# load CONCURRENCY SECONDS: one bounded wrk run (then waits for the server to go idle); prints its RESULT line
load() {
  wrk -t 1 -c "$1" -d "${2}s" --timeout 30s --latency -s "$here/solve.lua" "$url" 2>&1 | sed -n 's/^RESULT //p'
  idle
}

field() { # field NAME "k=v k=v ..."
  sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"
}

# steps: the server's step counters from /metrics: "steps seconds lanes" summed over the run so far
steps() {
  curl -s "$url/metrics" | awk '/^trm_step_seconds_count/ {c = $2} /^trm_step_seconds_sum/ {s = $2} /^trm_batch_occupancy_sum/ {l = $2}
    END {printf "%s %s %s\n", c + 0, s + 0, l + 0}'
}

csv="${PUZZLES:-$OUT/puzzles.csv}"
if [ -z "${PUZZLES:-}" ]; then
  ./trm data generate --count 2000 --givens 24-34 --seed 4242 -o "$csv" >/dev/null
fi
tail -n +2 "$csv" | cut -d, -f2 >"$OUT/puzzles.txt"
export PUZZLES="$OUT/puzzles.txt"
n_puzzles=$(wc -l <"$PUZZLES")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "puzzles: $n_puzzles everyday Sudoku (one per request); effort $EFFORT, policy $POLICY; runs of ${SECONDS_PER_RUN} s or $MAX_REQUESTS requests"
echo

# network: at concurrency 16, side by side in this run (each kind twice, interleaved, so drift hits all
# alike): plain /v1/solve; the same with a token over TLS; /v2 inference (JSON); and /v1 while the
# model reloads every 2 s. Prints a table.
network() {
  echo "## Network and protocol at concurrency 16 (runs of ${SECONDS_PER_RUN} s, each kind twice, interleaved)"
  echo
  local tls="$OUT/tls"
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls/key.pem" -out "$tls/cert.pem" -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 2>/dev/null
  printf '# load benchmark\nbench-%s\n' "$RANDOM$RANDOM" >"$tls/tokens"
  chmod 600 "$tls/tokens"
  local token
  token="$(sed -n 2p "$tls/tokens")"
  echo "| run | puzzles/s | p50 ms | p95 ms | p99 ms | non-200 | socket errors |" >"$OUT/network.md"
  echo "|---|---|---|---|---|---|---|" >>"$OUT/network.md"
  for round in 1 2; do
    for kind in plain tls-token v2 reload; do
      case "$kind" in
        tls-token) start_server 32 --max-queue 4096 --token-file "$tls/tokens" --tls-cert "$tls/cert.pem" --tls-key "$tls/key.pem" ;;
        *) start_server 32 --max-queue 4096 ;;
      esac
      local api=v1 tok=""
      [ "$kind" = v2 ] && api=v2
      [ "$kind" = tls-token ] && tok="$token"
      API="$api" TOKEN="$tok" load 4 5 >/dev/null # warm-up
      local reloads=0 reloader=""
      if [ "$kind" = reload ]; then
        ( while true; do sleep 2; curl -s -o /dev/null -X POST "$url/v1/models/sudoku-default/reload"; done ) &
        reloader=$!
      fi
      r=$(API="$api" TOKEN="$tok" load 16 "$SECONDS_PER_RUN")
      if [ -n "$reloader" ]; then
        kill "$reloader"; wait "$reloader" 2>/dev/null || true
        reloads=$(curl -s "$url/metrics" | awk '/^trm_model_reloads_total.*outcome="loaded"/ {n += $2} END {print n + 0}')
      fi
      req=$(field requests "$r"); secs=$(field seconds "$r")
      nonok=$(( $(field other "$r") + $(field s429 "$r") + $(field s503 "$r") ))
      sock=$(( $(field connect "$r") + $(field read "$r") + $(field write "$r") + $(field timeout "$r") ))
      label="$kind"
      [ "$kind" = reload ] && label="reload every 2 s ($reloads reloads)"
      echo "| $label, round $round | $(awk -v n="$req" -v s="$secs" 'BEGIN {printf "%.1f", n / s}') | $(field p50_ms "$r") | $(field p95_ms "$r") | $(field p99_ms "$r") | $nonok | $sock |" \
        >>"$OUT/network.md"
      stop_server
    done
  done
  cat "$OUT/network.md"
  echo
}

# streams: 16 plain /v1/solve clients beside 8 more clients, which use the step stream or, for the
# comparison, plain /v1/solve; the plain 16's puzzles/s is what a stream costs the others. Each kind
# twice, interleaved (ABBA), each run on a fresh server.
streams() {
  echo "## Step streams beside plain clients (16 plain + 8 others, runs of ${SECONDS_PER_RUN} s, twice, interleaved)"
  echo
  echo "| the 8 others use | round | plain 16: puzzles/s | plain p50 ms | plain p99 ms | the 8: requests | errors |"
  echo "|---|---|---|---|---|---|---|"
  for round in 1 2; do
    local order="/v1/solve /v1/solve/stream"
    [ "$round" = 2 ] && order="/v1/solve/stream /v1/solve" # the other order, so that drift within the run hits both alike
    for others in $order; do
      start_server 32 --max-queue 4096 --access-log off
      API=v1 load 4 5 >/dev/null # warm-up
      local api=v1
      [ "$others" = /v1/solve/stream ] && api=stream
      API="$api" wrk -t 1 -c 8 -d "${SECONDS_PER_RUN}s" --timeout 30s -s "$here/solve.lua" "$url" 2>&1 | sed -n 's/^RESULT //p' >"$OUT/others.txt" &
      local others_pid=$!
      r=$(API=v1 wrk -t 1 -c 16 -d "${SECONDS_PER_RUN}s" --timeout 30s --latency -s "$here/solve.lua" "$url" 2>&1 | sed -n 's/^RESULT //p')
      wait "$others_pid" || true
      idle
      o=$(cat "$OUT/others.txt")
      errs=$(( $(field other "$r") + $(field read "$r") + $(field timeout "$r") + $(field other "$o") + $(field read "$o") + $(field timeout "$o") ))
      echo "| $others | $round | $(awk -v n="$(field requests "$r")" -v s="$(field seconds "$r")" 'BEGIN {printf "%.1f", n / s}') | $(field p50_ms "$r") | $(field p99_ms "$r") | $(field requests "$o") | $errs |"
      stop_server
    done
  done
  echo
}

if [ "${ONLY:-}" = streams ]; then
  streams
  echo "raw results: $OUT"
  exit 0
fi

if [ "${ONLY:-}" = network ]; then
  network
  echo "raw results: $OUT"
  exit 0
fi

echo "## Offline: trm eval on the same puzzles (batch 32, 2 threads)"
./trm eval models/sudoku-default.onnx "$csv" --efforts "$EFFORT" --policies "$POLICY" --batch 32 --threads 2 2>/dev/null \
  | tee "$OUT/eval.txt" | tail -n 2
offline=$(awk '/puzzles\/s/ {getline; print $NF}' "$OUT/eval.txt")
echo
echo "## Latency at concurrency 1 against the same puzzles in process, one at a time (the first 300, both without spinning)"
# curl sends the 300 requests one after another on one kept-alive connection and times each; unlike a
# time-bounded wrk run, every request completes, so the mean is not biased by a long one cut off at the end
head -301 "$csv" >"$OUT/first300.csv"
start_server 32 --max-queue 4096
load 4 5 >/dev/null # warm-up
tail -n +2 "$OUT/first300.csv" | cut -d, -f2 | while read -r p; do
  printf 'url = "%s/v1/solve"\ndata = "{\\"puzzles\\": [\\"%s\\"], \\"effort\\": \\"%s\\", \\"policy\\": \\"%s\\"}"\noutput = "/dev/null"\nwrite-out = "%%{time_total}\\n"\nnext\n' \
    "$url" "$p" "$EFFORT" "$POLICY"
done | sed '$d' >"$OUT/curl-c1.cfg" # no "next" after the last request
curl -s -K "$OUT/curl-c1.cfg" | sort -n >"$OUT/serve-c1.txt"
stop_server
./trm eval models/sudoku-default.onnx "$OUT/first300.csv" --efforts "$EFFORT" --policies "$POLICY" --batch 1 --threads 2 --no-spin \
  2>/dev/null >"$OUT/eval-batch1.txt"
alone_ms=$(awk '/ms\/puzzle/ {getline; print $(NF-1)}' "$OUT/eval-batch1.txt")
awk -v alone="$alone_ms" '{a[NR] = 1000 * $1; s += 1000 * $1} END {printf "%d requests: trm serve %.1f ms mean, %.1f ms p50; in process (trm eval --batch 1 --no-spin) %.1f ms per puzzle: %+.1f%%\n", NR, s / NR, a[int((NR + 1) / 2)], alone, 100 * (s / NR - alone) / alone}' "$OUT/serve-c1.txt"
echo

echo "## trm serve under load"
echo
echo "| max-batch | concurrency | puzzles/s | vs offline | mean ms (c / rate) | p50 ms | p95 ms | p99 ms | errors | lanes per step | ms per step | ms per lane-step |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for batch in 32 1; do
  start_server "$batch" --max-queue 4096
  load 4 5 >/dev/null # warm-up
  for c in $CONCURRENCY; do
    before=$(steps)
    r=$(load "$c" "$SECONDS_PER_RUN")
    after=$(steps)
    batching=$(awk -v b="$before" -v a="$after" 'BEGIN {split(b, x, " "); split(a, y, " "); n = y[1] - x[1]; s = y[2] - x[2]; l = y[3] - x[3];
      if (n > 0) printf "%.1f | %.2f | %.2f", l / n, 1000 * s / n, 1000 * s / l; else print "- | - | -"}')
    echo "$batch $c $r" >>"$OUT/results.txt"
    req=$(field requests "$r"); secs=$(field seconds "$r")
    errs=$(( $(field other "$r") + $(field s429 "$r") + $(field s503 "$r") + $(field connect "$r") + $(field read "$r") + $(field write "$r") + $(field timeout "$r") ))
    rate=$(awk -v n="$req" -v s="$secs" 'BEGIN {printf "%.1f", n / s}')
    ratio=$(awk -v r="$rate" -v o="$offline" 'BEGIN {printf "%.0f%%", 100 * r / o}')
    echo "| $batch | $c | $rate | $ratio | $(awk -v c="$c" -v r="$rate" 'BEGIN {printf "%.1f", 1000 * c / r}') | $(field p50_ms "$r") | $(field p95_ms "$r") | $(field p99_ms "$r") | $errs | $batching |"
  done
  stop_server
done
echo
echo "offline trm eval: $offline puzzles/s"
echo

echo "## Overload: 4x the offline rate, open loop (256 connections), --max-queue 64"
start_server 32 --max-queue 64
# open loop at about 4x the offline rate: each of 256 connections waits 256/RATE s between requests
r=$(RATE=$(awk -v o="$offline" 'BEGIN {printf "%d", 4 * o}') CONNECTIONS=256 load 256 "$SECONDS_PER_RUN")
echo "$r"
echo "answered 200: $(field ok "$r"), 429: $(field s429 "$r"), 503: $(field s503 "$r"), other statuses: $(field other "$r"), socket errors or timeouts: $(( $(field connect "$r") + $(field read "$r") + $(field write "$r") + $(field timeout "$r") ))"
stop_server
echo

network
streams

if [ "$SOAK" -gt 0 ]; then
  echo "## Soak: concurrency 16 for $SOAK s, resident memory of the server every 10 s"
  start_server 32 --max-queue 4096
  load 4 5 >/dev/null
  ( MAX_REQUESTS=10000000 load 16 "$SOAK" >"$OUT/soak.txt" ) &
  wrk_pid=$!
  : >"$OUT/rss.txt"
  while kill -0 "$wrk_pid" 2>/dev/null; do
    ps -o rss= -p "$server_pid" >>"$OUT/rss.txt"
    sleep 10
  done
  wait "$wrk_pid" || true
  r=$(cat "$OUT/soak.txt")
  echo "$r"
  echo "RSS (KB) every 10 s: $(tr '\n' ' ' <"$OUT/rss.txt")"
  awk 'NR == 7 {base = $1} NR >= 7 {if (min == 0 || $1 < min) min = $1; if ($1 > max) max = $1; last = $1}
    END {printf "after the first minute: %d KB at 60 s, %d KB at the end (%+.1f%%), range %d-%d KB\n", base, last, 100 * (last - base) / base, min, max}' "$OUT/rss.txt"
  stop_server
fi
echo "raw results: $OUT"
