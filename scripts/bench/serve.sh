#!/usr/bin/env bash
# Load benchmark of newsclf-serve (the `serve` of the container) with wrk, on real headlines of
# testdata/news.sample.tsv, over loopback on this machine:
#   - single-headline JSON requests ({"input": ...}) on 16 keep-alive connections: requests/s,
#     p99 latency, errors;
#   - the same on 256 connections: errors and dropped connections (wrk's connect/read errors);
#   - batches of 1,000 headlines a request ({"instances": [...]}) on 4 connections: headlines/s.
#
#   scripts/bench/serve.sh MODEL [--json FILE]
#
# The server runs with its defaults (one worker per CPU, access log on, written to a file) and
# wrk with WRK_THREADS threads (default 1, so that the server keeps a core) in turn on the same
# machine. Each load runs RUNS times (default 3) for SECONDS (default 30; the 256-connection and
# batch loads run a third of it); the numbers are medians, errors the sum over all runs.
# --json FILE writes requests_per_s, p99_ms, errors, c256_errors, c256_requests_per_s and
# batch_headlines_per_s. Needs wrk and jq (scripts/setup.sh --bench).
set -euo pipefail
. "$(dirname "$0")/common.sh"
runs=${RUNS:-3}
seconds=${SECONDS_PER_LOAD:-30}
short=$(( seconds / 3 > 0 ? seconds / 3 : 1 ))
wrk_threads=${WRK_THREADS:-1}
model="" json=""
while [ $# -gt 0 ]; do
  case "$1" in
    --json) json=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) model=$1; shift ;;
  esac
done
[ -n "$model" ] || { echo "usage: scripts/bench/serve.sh MODEL [--json FILE]" >&2; exit 2; }
for tool in wrk jq curl; do
  command -v $tool >/dev/null || { echo "serve.sh: $tool is missing (scripts/setup.sh --bench)" >&2; exit 2; }
done

work=$(mktemp -d)
server=""
cleanup() { [ -z "$server" ] || kill -TERM "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

cut -f2 "$here/testdata/news.sample.tsv" > "$work/titles"
jq -R -c '{input: .}' "$work/titles" > "$work/single.jsonl"
jq -R . "$work/titles" | jq -s -c '_nwise(1000) | select(length == 1000) | {instances: .}' > "$work/batch.jsonl"

"$bin/newsclf-serve" --model "$model" --port 0 2> "$work/serve.log" &
server=$!
port=$(server_port "$work/serve.log") ||
  { cat "$work/serve.log" >&2; echo "serve.sh: the server did not become ready" >&2; exit 1; }

# load CONNECTIONS SECONDS BODIES: prints wrk's RESULT line as "key=value" words.
load() {
  wrk -t"$(( wrk_threads < $1 ? wrk_threads : $1 ))" -c"$1" -d"$2"s --timeout 5s -s "$here/scripts/bench/serve.lua" \
    "http://127.0.0.1:$port/invocations" -- "$3" | sed -n 's/^RESULT //p'
}
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
errors_of() { tr ' ' '\n' | awk -F= '$1 ~ /^(connect|read|write|status|timeout)$/ { s += $2 } END { print s + 0 }'; }

: > "$work/single" ; : > "$work/c256" ; : > "$work/batch"
for run in $(seq 1 "$runs"); do
  echo "run $run/$runs: 16 connections, ${seconds}s" >&2
  load 16 "$seconds" "$work/single.jsonl" >> "$work/single"
  echo "run $run/$runs: 256 connections, ${short}s" >&2
  load 256 "$short" "$work/single.jsonl" >> "$work/c256"
  echo "run $run/$runs: batches of 1000, 4 connections, ${short}s" >&2
  load 4 "$short" "$work/batch.jsonl" >> "$work/batch"
done

rate() { awk '{ split($0, w, " "); for (i in w) { split(w[i], kv, "="); v[kv[1]] = kv[2] } print v["requests"] / v["seconds"] }'; }
rps=$(rate < "$work/single" | median)
p99_ms=$(while read -r l; do echo "$l" | field p99_us; done < "$work/single" | median | awk '{ printf "%.3f", $1 / 1000 }')
errors=$(while read -r l; do echo "$l" | errors_of; done < "$work/single" | awk '{ s += $1 } END { print s + 0 }')
c256_rps=$(rate < "$work/c256" | median)
c256_errors=$(while read -r l; do echo "$l" | errors_of; done < "$work/c256" | awk '{ s += $1 } END { print s + 0 }')
batch_hps=$(rate < "$work/batch" | median | awk '{ printf "%.0f", $1 * 1000 }')
batch_errors=$(while read -r l; do echo "$l" | errors_of; done < "$work/batch" | awk '{ s += $1 } END { print s + 0 }')

kill -TERM "$server"
stop_start=$(date +%s%N)
status=0; wait "$server" || status=$?
stop_ms=$(( ($(date +%s%N) - stop_start) / 1000000 ))
server=""

printf '%-44s %s\n' "model" "$model"
printf '%-44s %.0f\n' "16 connections: requests/s (median)" "$rps"
printf '%-44s %s\n' "16 connections: p99 latency ms (median)" "$p99_ms"
printf '%-44s %s\n' "16 connections: errors (all runs)" "$errors"
printf '%-44s %.0f\n' "256 connections: requests/s (median)" "$c256_rps"
printf '%-44s %s\n' "256 connections: errors and drops (all runs)" "$c256_errors"
printf '%-44s %s\n' "batches of 1000: headlines/s (median)" "$batch_hps"
printf '%-44s %s\n' "batches of 1000: errors (all runs)" "$batch_errors"
printf '%-44s exit %s after %s ms\n' "SIGTERM" "$status" "$stop_ms"
if [ -n "$json" ]; then
  jq -n --arg model "$model" --argjson runs "$runs" --argjson seconds "$seconds" \
    --argjson rps "$rps" --argjson p99 "$p99_ms" --argjson errors "$errors" \
    --argjson c256_rps "$c256_rps" --argjson c256_errors "$c256_errors" \
    --argjson batch "$batch_hps" --argjson batch_errors "$batch_errors" \
    --argjson stop_status "$status" --argjson stop_ms "$stop_ms" \
    '{model: $model, runs: $runs, seconds: $seconds, requests_per_s: $rps, p99_ms: $p99, errors: $errors,
      c256_requests_per_s: $c256_rps, c256_errors: $c256_errors,
      batch_headlines_per_s: $batch, batch_errors: $batch_errors,
      sigterm_exit: $stop_status, sigterm_ms: $stop_ms}' > "$json"
fi
