#!/usr/bin/env bash
# newsclf-serve out of file descriptors: under a low `ulimit -n`, more connections than it can
# hold. It must not spin on accept (its CPU time stays low while saturated), must say so once on
# stderr, must keep serving the connections it holds, and must answer /ping again once the extra
# connections close.
. "$(dirname "$0")/lib.sh"
. "$NEWSCLF_SOURCE_DIR/scripts/bench/common.sh"  # server_port
command -v curl >/dev/null || { echo "FAIL: curl is missing (scripts/setup.sh installs it)" >&2; exit 1; }

server=""
trap '[ -z "$server" ] || kill -KILL "$server" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
# A limit of 32 descriptors: the server's own dozen, and room for about 20 connections.
(ulimit -n 32 && exec newsclf-serve -m "$TESTDATA/fixtures/tiny.model" -p 0 -w 1 --timeout 30) 2> "$SCRATCH/serve.err" &
server=$!
port=$(server_port "$SCRATCH/serve.err") || { fail "the server did not start: $(cat "$SCRATCH/serve.err")"; finish; }
grep -q "listening on 127.0.0.1:" "$SCRATCH/serve.err" || fail "not listening on 127.0.0.1 by default: $(head -n 3 "$SCRATCH/serve.err")"

# cpu_ticks: the server's user and system time so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }

# 60 connections, held open: the kernel completes them all, the server accepts what it can.
fds=()
for _ in $(seq 1 60); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$port" || { fail "cannot connect"; break; }
  fds+=("$fd")
done
sleep 1
before=$(cpu_ticks)
sleep 3
used=$(( $(cpu_ticks) - before ))
ticks_per_s=$(getconf CLK_TCK)
# Spinning on accept takes a whole core (3 s of ticks); a backoff takes next to nothing.
[ "$used" -le $(( ticks_per_s * 3 / 5 )) ] ||
  fail "the server used $used ticks of CPU in 3 s while out of descriptors (at most $(( ticks_per_s * 3 / 5 )))"
grep -q "cannot accept connections" "$SCRATCH/serve.err" || fail "running out of descriptors was not logged: $(cat "$SCRATCH/serve.err")"
[ "$(grep -c "cannot accept connections" "$SCRATCH/serve.err")" -eq 1 ] ||
  fail "running out of descriptors was logged more than once: $(grep -c "cannot accept connections" "$SCRATCH/serve.err") lines"

# The first connection was accepted before the limit: it is still served.
first=${fds[0]}
printf 'GET /ping HTTP/1.1\r\nHost: x\r\n\r\n' >&"$first"
IFS= read -r -t 5 status_line <&"$first" || true
[[ "${status_line:-}" == "HTTP/1.1 200 "* ]] || fail "a held connection got \"${status_line:-nothing}\" while the server was saturated"

for fd in "${fds[@]}"; do exec {fd}>&-; done
started=$(date +%s%N)
got=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ping")
took=$(( ($(date +%s%N) - started) / 1000000 ))
[ "$got" = 200 ] || fail "/ping answered \"$got\" after the extra connections closed"
[ "$took" -le 3000 ] || fail "/ping took $took ms once the extra connections closed (at most 3000)"
sleep 0.3
grep -q "accepting connections again" "$SCRATCH/serve.err" || fail "resuming was not logged: $(tail -n 3 "$SCRATCH/serve.err")"

stop_process "$server" 5 "newsclf-serve"
server=""
[ "$stop_status" -eq 0 ] || fail "newsclf-serve exited $stop_status on SIGTERM"
finish
