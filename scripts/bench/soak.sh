#!/usr/bin/env bash
# Soak test of newsclf-serve over loopback on this machine: MINUTES (fractions too, 0.1 is six
# seconds) of wrk on 64 keep-alive connections, about one request in ten malformed or hostile
# (scripts/bench/soak.lua), alongside four slow clients (scripts/bench/soak_slow.py: two trickle
# valid requests byte by byte, two never finish their headers). The server's RSS and open
# descriptors are sampled every SAMPLE_SECONDS (default 5).
#
#   scripts/bench/soak.sh MINUTES [MODEL] [--json FILE]
#
# Without MODEL, a linear model of testdata/news.sample.tsv is fitted first. The server runs with
# its defaults (one worker per CPU, access log on, written to a file) but a request timeout of 5 s
# and bodies up to 1 MB, so that slow clients are cut and oversized bodies refused quickly.
# It passes (exit 0) when:
#   - valid requests got only 2xx answers (no 5xx, no other status) and none was dropped (its
#     connection closed before the answer), and wrk had no connect error;
#   - hostile requests got only 4xx answers (no 5xx, nor a 2xx for what must be refused);
#   - the trickling clients got 200s, and the slowloris ones were cut within the timeout;
#   - the server is still running at the end, and exits 0 on SIGTERM;
#   - the RSS at the end is within RSS_GROWTH_PERCENT (default 10) plus 2 MiB of the RSS after the
#     first minute (after half the run when it is shorter than two minutes);
#   - the open descriptors are back to their number before the load once it ends.
# It prints a summary and exits 1 otherwise (2 for bad usage or a missing tool). --json FILE
# writes the figures. Needs wrk, jq, curl and python3 (scripts/setup.sh --bench).
set -euo pipefail
. "$(dirname "$0")/common.sh"
sample_seconds=${SAMPLE_SECONDS:-5}
rss_growth_percent=${RSS_GROWTH_PERCENT:-10}
connections=64
timeout_s=5
max_payload_mb=1
minutes="" model="" json=""
while [ $# -gt 0 ]; do
  case "$1" in
    --json) [ $# -ge 2 ] || { echo "soak.sh: --json needs a file" >&2; exit 2; }; json=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) if [ -z "$minutes" ]; then minutes=$1; elif [ -z "$model" ]; then model=$1; else
         echo "usage: scripts/bench/soak.sh MINUTES [MODEL] [--json FILE]" >&2; exit 2; fi; shift ;;
  esac
done
[[ "$minutes" =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "usage: scripts/bench/soak.sh MINUTES [MODEL] [--json FILE]" >&2; exit 2; }
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60 + 0.5); print (s < 1 ? 1 : s) }')
for tool in wrk jq curl python3; do
  command -v $tool >/dev/null || { echo "soak.sh: $tool is missing (scripts/setup.sh --bench)" >&2; exit 2; }
done

work=$(mktemp -d)
server="" sampler="" slow=""
cleanup() {
  for pid in $slow $sampler; do kill "$pid" 2>/dev/null || true; done
  [ -z "$server" ] || kill -TERM "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$model" ]; then
  echo "soak.sh: fitting a linear model of testdata/news.sample.tsv" >&2
  "$bin/newsclf-tokenize" -q --max-words 0 -o "$work/news.tokens" "$here/testdata/news.sample.tsv"
  "$bin/newsclf-fit" -q --arch linear -o "$work/model" "$work/news.tokens"
  model=$work/model
  model_name="linear model of testdata/news.sample.tsv"
fi
model_name=${model_name:-$model}
awk -F "\t" 'NR <= 2000 { print $2 }' "$here/testdata/news.sample.tsv" > "$work/titles.txt"
jq -R . "$work/titles.txt" > "$work/titles.json"

"$bin/newsclf-serve" --model "$model" --port 0 --timeout "$timeout_s" --max-payload-mb "$max_payload_mb" \
  2> "$work/serve.log" &
server=$!
port=$(server_port "$work/serve.log") ||
  { cat "$work/serve.log" >&2; echo "soak.sh: the server did not become ready" >&2; exit 1; }

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$server/status" 2>/dev/null || echo 0; }
fd_count() { ls "/proc/$server/fd" 2>/dev/null | wc -l; }
fds_before=$(fd_count)
rss_before=$(rss_kb)

# Samples "SECONDS RSS_KB FDS" until the server ends or the sampler is stopped.
(
  start=$(date +%s%N)
  while kill -0 "$server" 2>/dev/null; do
    echo "$(( ($(date +%s%N) - start) / 1000000000 )) $(rss_kb) $(fd_count)"
    sleep "$sample_seconds"
  done
) > "$work/samples" &
sampler=$!

echo "soak.sh: ${seconds}s of wrk on $connections connections (one thread each) against port $port, with 4 slow clients" >&2
python3 "$here/scripts/bench/soak_slow.py" "$port" "$seconds" "$timeout_s" 4 > "$work/slow.json" &
slow=$!
wrk_status=0
wrk -t"$connections" -c"$connections" -d"${seconds}s" --timeout 10s -s "$here/scripts/bench/soak.lua" \
  "http://127.0.0.1:$port" -- "$work" 10 $(( max_payload_mb * 1024 * 1024 )) > "$work/wrk.out" 2> "$work/wrk.err" ||
  wrk_status=$?
slow_status=0
wait "$slow" || slow_status=$?
slow=""
load_end=$(date +%s)

# Descriptors back to their start once the load ends (slowloris connections are cut by the timeout).
fds_after=$(fd_count)
for _ in $(seq 1 $(( (timeout_s + 5) * 10 ))); do
  [ "$fds_after" -le "$fds_before" ] && break
  sleep 0.1
  fds_after=$(fd_count)
done
rss_end=$(rss_kb)
alive=true
kill -0 "$server" 2>/dev/null || alive=false
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
sampler=""

stop_status=0
if $alive; then
  kill -TERM "$server"
  wait "$server" || stop_status=$?
else
  wait "$server" || stop_status=$?
fi
server=""

# The figures.
tally() { awk -v c="$1" -v p="$2" '$1 == "TALLY" && $2 == c && $4 ~ p { s += $5 } END { print s + 0 }' "$work/wrk.out"; }
line_value() { awk -v k="$1" -v c="$2" '$1 == k && $2 == c { print $3 }' "$work/wrk.out"; }
wrk_field() { tr ' ' '\n' < <(grep '^WRK ' "$work/wrk.out") | sed -n "s/^$1=//p"; }
if [ "$wrk_status" -ne 0 ] || ! grep -q '^WRK ' "$work/wrk.out"; then
  cat "$work/wrk.err" >&2
  echo "soak.sh: wrk failed (exit $wrk_status)" >&2
  exit 1
fi
requests=$(wrk_field requests)
wrk_seconds=$(wrk_field seconds)
rps=$(awk -v r="$requests" -v s="$wrk_seconds" 'BEGIN { printf "%.0f", r / s }')
p99_ms=$(awk -v u="$(wrk_field p99_us)" 'BEGIN { printf "%.3f", u / 1000 }')
connect_errors=$(wrk_field connect)
socket_errors=$(( $(wrk_field read) + $(wrk_field write) ))
timeouts=$(wrk_field timeout)
valid_sent=$(line_value SENT valid) hostile_sent=$(line_value SENT hostile)
valid_dropped=$(line_value DROPPED valid) hostile_dropped=$(line_value DROPPED hostile)
in_flight=$(awk '$1 == "INFLIGHT" { print $2 }' "$work/wrk.out")
valid_2xx=$(tally valid '^2') valid_5xx=$(tally valid '^5') valid_non2xx=$(tally valid '^[^2]')
hostile_4xx=$(tally hostile '^4') hostile_5xx=$(tally hostile '^5') hostile_other=$(tally hostile '^[^4]')
unmatched=$(tally unmatched '.')
slow_json=$(cat "$work/slow.json" 2>/dev/null || echo '{}')
[ -n "$slow_json" ] || slow_json='{}'
slow_field() { jq -r ".$1 // -1" <<<"$slow_json"; }
trickle_ok=$(slow_field trickle_ok) trickle_failed=$(slow_field trickle_failed)
slowloris_cut=$(slow_field slowloris_cut) slowloris_overdue=$(slow_field slowloris_overdue)
max_slowloris_s=$(slow_field max_slowloris_s)
# RSS after the first minute (after half the run when it is shorter than two minutes).
warm_at=$(( seconds >= 120 ? 60 : seconds / 2 ))
rss_warm=$(awk -v t="$warm_at" '$1 >= t && $2 > 0 { print $2; exit }' "$work/samples")
rss_warm=${rss_warm:-$rss_before}
rss_max=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$work/samples")
fds_max=$(awk 'BEGIN { m = 0 } $3 > m { m = $3 } END { print m }' "$work/samples")
samples=$(wc -l < "$work/samples")
status_counts=$(awk '$1 == "TALLY" { n[$2 " " $4] += $5 } END { for (k in n) print k, n[k] }' "$work/wrk.out" | sort |
  awk '{ printf "%s%s %s: %d", (NR > 1 ? ", " : ""), $1, $2, $3 }')

failures=()
[ "$valid_5xx" -eq 0 ] || failures+=("$valid_5xx valid requests answered 5xx")
[ "$valid_non2xx" -eq 0 ] || failures+=("$valid_non2xx valid requests answered other than 2xx")
[ "$valid_dropped" -eq 0 ] || failures+=("$valid_dropped valid requests dropped")
[ "$connect_errors" -eq 0 ] || failures+=("$connect_errors connections refused")
[ "$hostile_5xx" -eq 0 ] || failures+=("$hostile_5xx hostile requests answered 5xx")
[ "$hostile_other" -eq 0 ] || failures+=("$hostile_other hostile requests answered other than 4xx")
[ "$unmatched" -eq 0 ] || failures+=("$unmatched answers to no request")
[ "$slow_status" -eq 0 ] || failures+=("the slow clients failed (exit $slow_status)")
[ "$trickle_failed" -eq 0 ] && [ "$trickle_ok" -gt 0 ] || failures+=("trickling clients: $trickle_ok answered 200, $trickle_failed not")
[ "$slowloris_overdue" -eq 0 ] && [ "$slowloris_cut" -gt 0 ] || failures+=("slowloris clients: $slowloris_cut cut, $slowloris_overdue held past the timeout")
$alive || failures+=("the server died during the load")
[ "$stop_status" -eq 0 ] || failures+=("the server exited $stop_status on SIGTERM")
[ "$rss_end" -le $(( rss_warm * (100 + rss_growth_percent) / 100 + 2048 )) ] ||
  failures+=("RSS grew from $rss_warm kB to $rss_end kB (more than ${rss_growth_percent}% + 2 MiB)")
[ "$fds_after" -le "$fds_before" ] || failures+=("$fds_after descriptors open after the load, $fds_before before")

printf '%-42s %s\n' "model" "$model_name"
printf '%-42s %s s, %s connections, wrk p99 %s ms\n' "load" "$seconds" "$connections" "$p99_ms"
printf '%-42s %s (%s/s)\n' "requests answered" "$requests" "$rps"
printf '%-42s %s sent, %s 2xx, %s 5xx, %s other non-2xx, %s dropped\n' "valid requests" \
  "$valid_sent" "$valid_2xx" "$valid_5xx" "$(( valid_non2xx - valid_5xx ))" "$valid_dropped"
printf '%-42s %s sent, %s 4xx, %s 5xx, %s other, %s dropped\n' "hostile requests" \
  "$hostile_sent" "$hostile_4xx" "$hostile_5xx" "$(( hostile_other - hostile_5xx ))" "$hostile_dropped"
printf '%-42s %s\n' "answers by class and status" "$status_counts"
drop_list=$(awk '$1 == "DROP" { printf "%s%s %s %s: %d", (n++ ? ", " : ""), $2, $3, $4, $5 }' "$work/wrk.out")
[ -z "$drop_list" ] || printf '%-42s %s\n' "dropped requests (kind after kind)" "$drop_list"
printf '%-42s connect %s, read/write %s, timeouts %s, in flight at the end %s\n' "wrk errors" \
  "$connect_errors" "$socket_errors" "$timeouts" "$in_flight"
printf '%-42s %s answered 200, %s not; slowloris %s cut (longest %s s), %s overdue\n' "slow clients" \
  "$trickle_ok" "$trickle_failed" "$slowloris_cut" "$max_slowloris_s" "$slowloris_overdue"
printf '%-42s %s kB at start, %s kB at %s s, %s kB at the end (max %s kB, %s samples)\n' "RSS" \
  "$rss_before" "$rss_warm" "$warm_at" "$rss_end" "$rss_max" "$samples"
printf '%-42s %s before, %s at most, %s after\n' "open descriptors" "$fds_before" "$fds_max" "$fds_after"
printf '%-42s exit %s\n' "SIGTERM" "$stop_status"
if [ -n "$json" ]; then
  jq -n --arg model "$model_name" --argjson seconds "$seconds" --argjson connections "$connections" \
    --argjson requests "$requests" --argjson rps "$rps" --argjson p99 "$p99_ms" \
    --argjson valid_sent "$valid_sent" --argjson valid_2xx "$valid_2xx" --argjson valid_5xx "$valid_5xx" \
    --argjson valid_non2xx "$valid_non2xx" --argjson valid_dropped "$valid_dropped" \
    --argjson hostile_sent "$hostile_sent" --argjson hostile_4xx "$hostile_4xx" --argjson hostile_5xx "$hostile_5xx" \
    --argjson hostile_dropped "$hostile_dropped" --argjson connect "$connect_errors" --argjson socket "$socket_errors" \
    --argjson timeouts "$timeouts" --argjson slow "$slow_json" \
    --argjson rss_start "$rss_before" --argjson rss_warm "$rss_warm" --argjson warm_at "$warm_at" \
    --argjson rss_end "$rss_end" --argjson rss_max "$rss_max" \
    --argjson fds_before "$fds_before" --argjson fds_max "$fds_max" --argjson fds_after "$fds_after" \
    --argjson alive "$alive" --argjson stop_status "$stop_status" --argjson passed "$([ ${#failures[@]} -eq 0 ] && echo true || echo false)" \
    --arg failures "$(printf '%s\n' "${failures[@]+"${failures[@]}"}")" \
    '{model: $model, seconds: $seconds, connections: $connections, requests: $requests, requests_per_s: $rps,
      p99_ms: $p99, valid: {sent: $valid_sent, ok_2xx: $valid_2xx, status_5xx: $valid_5xx, non_2xx: $valid_non2xx,
      dropped: $valid_dropped}, hostile: {sent: $hostile_sent, status_4xx: $hostile_4xx, status_5xx: $hostile_5xx,
      dropped: $hostile_dropped}, wrk_errors: {connect: $connect, read_write: $socket, timeout: $timeouts},
      slow_clients: $slow, rss_kb: {start: $rss_start, warm: $rss_warm, warm_at_s: $warm_at, end: $rss_end, max: $rss_max},
      fds: {before: $fds_before, max: $fds_max, after: $fds_after}, alive: $alive, sigterm_exit: $stop_status,
      passed: $passed, failures: ($failures | split("\n") | map(select(length > 0)))}' > "$json"
fi
if [ ${#failures[@]} -gt 0 ]; then
  printf 'soak.sh: FAILED: %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "soak.sh: passed" >&2
