#!/usr/bin/env bash
# scripts/bench/soak.sh for six seconds (MINUTES 0.1), on the fixture model, so that the script
# keeps working: it must pass, print its summary and write its figures; skipped without wrk.
. "$(dirname "$0")/lib.sh"
if ! command -v wrk >/dev/null; then
  echo "skipped: wrk is missing (scripts/setup.sh --bench installs it)"
  exit 0
fi
soak=$NEWSCLF_SOURCE_DIR/scripts/bench/soak.sh
# Under AddressSanitizer freed memory waits in its quarantine, so the RSS grows by design.
growth=10
[ -z "${NEWSCLF_SANITIZE:-}" ] || growth=100000
NEWSCLF_BIN=$NEWSCLF_BIN SAMPLE_SECONDS=1 RSS_GROWTH_PERCENT=$growth "$soak" 0.1 "$TESTDATA/fixtures/tiny.model" --json "$SCRATCH/soak.json" \
  > "$SCRATCH/soak.out" 2> "$SCRATCH/soak.err" || fail "soak.sh failed: $(cat "$SCRATCH/soak.out" "$SCRATCH/soak.err")"
grep -q '^valid requests .* 0 5xx, 0 other non-2xx, 0 dropped$' "$SCRATCH/soak.out" ||
  fail "no clean line for the valid requests: $(cat "$SCRATCH/soak.out")"
jq -e '.passed and .seconds == 6 and .valid.sent > 100 and .hostile.sent > 5 and .valid.status_5xx == 0
       and .hostile.status_4xx > 0 and .fds.after <= .fds.before and .slow_clients.trickle_ok > 0' \
  "$SCRATCH/soak.json" > /dev/null || fail "the figures are not those of a clean run: $(cat "$SCRATCH/soak.json")"

# Usage: a MINUTES that is not a number is refused with status 2.
expect_exit 2 "$soak" soon 2> /dev/null
finish
