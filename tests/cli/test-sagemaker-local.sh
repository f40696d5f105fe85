#!/usr/bin/env bash
# The local flow of Makefile.sagemaker without Docker, end to end: test-dir and train-local on the
# sample, serve-local on a free port, predict-local of the workshop's headline, then SIGTERM stops
# the server and the recipe exits 0.
. "$(dirname "$0")/lib.sh"

cd "$NEWSCLF_SOURCE_DIR" || exit 1
for program in curl jq make; do
  command -v "$program" >/dev/null || { echo "FAIL: $program is needed" >&2; exit 1; }
done
CATEGORIES='["Business", "Science & Technology", "Entertainment", "Health & Medicine"]'
T="$SCRATCH/test_dir"
local_make() { make -s -f Makefile.sagemaker NO_DOCKER=1 BIN="$NEWSCLF_BIN" TEST_DIR="$T" "$@"; }

# --- Train on the sample, as a SageMaker training job would.
train_local local_make || finish

# --- A port nothing listens on.
port=$(free_port) || { fail "no free port found"; finish; }

# --- serve-local in the background; the recipe execs, so make's child is the server itself.
make -s -f Makefile.sagemaker NO_DOCKER=1 BIN="$NEWSCLF_BIN" TEST_DIR="$T" PORT="$port" serve-local \
  >"$SCRATCH/serve.out" 2>"$SCRATCH/serve.err" &
make_pid=$!
server_pid=""
stop_all() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  kill "$make_pid" 2>/dev/null
  rm -rf "$SCRATCH"
}
trap stop_all EXIT
up=""
for _ in $(seq 1 100); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://localhost:$port/ping")" = 200 ]; then up=1; break; fi
  kill -0 "$make_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$up" ]; then
  fail "serve-local did not answer GET /ping with 200 on port $port within 10 s: $(tail -n 5 "$SCRATCH/serve.err")"
  finish
fi
server_pid=$(cat "/proc/$make_pid/task/$make_pid/children" 2>/dev/null | awk '{print $1}')
[ -n "$server_pid" ] || fail "serve-local's make has no child process"
[ -z "$server_pid" ] || [ "$(cat "/proc/$server_pid/comm")" = newsclf-serve ] ||
  fail "serve-local's process is $(cat "/proc/$server_pid/comm"), not newsclf-serve (the recipe and the wrapper should exec)"

# --- predict-local: the workshop's headline gets {"result": CATEGORY}, the answer that
# newsclf-sagemaker(7) shows after its predict-local (the model of the training script's network,
# trained on the sample, gets the health headline right).
shown=$(sed -n '/^\$ make \\-f Makefile.sagemaker predict\\-local$/{n;p;q}' "$NEWSCLF_SOURCE_DIR/man/newsclf-sagemaker.7")
[ "$shown" = '{"result": "Health & Medicine"}' ] || fail "newsclf-sagemaker.7 shows $shown after predict-local"
if local_make PORT="$port" predict-local >"$SCRATCH/answer" 2>"$SCRATCH/predict.err"; then
  jq -e -s --argjson categories "$CATEGORIES" \
    'length == 1 and (.[0] | type == "object" and keys == ["result"] and (.result as $r | $categories | index($r)) != null)' \
    "$SCRATCH/answer" >/dev/null 2>&1 ||
    fail "predict-local should answer {\"result\": <one of the four categories>}, got: $(cat "$SCRATCH/answer")"
  [ "$(cat "$SCRATCH/answer")" = "$shown" ] || fail "predict-local answered $(cat "$SCRATCH/answer"), the page shows $shown"
else
  fail "predict-local failed: $(cat "$SCRATCH/predict.err") $(cat "$SCRATCH/answer")"
fi

# --- SIGTERM stops the server; the recipe, and so make, exits 0.
if [ -n "$server_pid" ]; then
  kill -TERM "$server_pid"
  for _ in $(seq 1 100); do
    kill -0 "$make_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$make_pid" 2>/dev/null; then
    fail "the server did not stop within 10 s of SIGTERM"
  else
    wait "$make_pid"
    status=$?
    [ "$status" -eq 0 ] || fail "serve-local should exit 0 after SIGTERM, got $status: $(tail -n 5 "$SCRATCH/serve.err")"
  fi
  server_pid=""
fi

finish
