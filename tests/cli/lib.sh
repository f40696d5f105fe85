# Shared by the CLI tests: where the tools are, a scratch directory, and assertions.
set -u
: "${NEWSCLF_BIN:?set NEWSCLF_BIN to the directory of the newsclf tools}"
: "${NEWSCLF_SOURCE_DIR:=$(pwd)}"
export PATH="$NEWSCLF_BIN:$PATH"
TESTDATA="$NEWSCLF_SOURCE_DIR/testdata"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# expect_exit CODE command...: runs the command, checks its exit status.
expect_exit() {
  local want=$1; shift
  "$@"; local got=$?
  [ "$got" -eq "$want" ] || fail "expected exit $want, got $got: $*"
}
# finish: the exit status of the test script.
# stop_process PID SECONDS WHAT: SIGTERM to PID, a child of this shell; its exit status in $stop_status.
# One still running SECONDS later fails the test (WHAT names it) and is killed.
stop_process() {
  local pid=$1 seconds=$2 what=$3 i
  kill -TERM "$pid"
  for ((i = 0; i < seconds * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    fail "$what: still running $seconds s after SIGTERM"
    kill -KILL "$pid"
  fi
  wait "$pid"
  stop_status=$?
}

# train_local MAKE_COMMAND...: `MAKE_COMMAND... test-dir train-local` on $T, then what the
# workshop's training job leaves when it succeeds: model/newsclf.model, output/data/metrics.json,
# no output/failure, two epoch lines on stdout. Returns 1 when make failed.
train_local() {
  if ! "$@" test-dir train-local >"$SCRATCH/train.out" 2>"$SCRATCH/train.err"; then
    fail "test-dir train-local failed: $(tail -n 5 "$SCRATCH/train.err")"
    return 1
  fi
  [ -s "$T/model/newsclf.model" ] || fail "train-local left no model/newsclf.model"
  jq -e 'type == "object"' "$T/output/data/metrics.json" >/dev/null 2>&1 || fail "train-local left no JSON output/data/metrics.json"
  [ ! -e "$T/output/failure" ] || fail "train-local succeeded but wrote output/failure: $(cat "$T/output/failure")"
  [ "$(grep -c 'Epoch [12]/2 ' "$SCRATCH/train.out")" -eq 2 ] ||
    fail "train-local should print two epoch lines on stdout: $(cat "$SCRATCH/train.out")"
}

# free_port: prints a TCP port of localhost that nothing listens on (curl exits 7 when it cannot
# connect); fails when 50 tries found none.
free_port() {
  local candidate
  for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 40000))
    curl -s -o /dev/null --max-time 1 "http://localhost:$candidate/"
    [ $? -eq 7 ] && { echo "$candidate"; return 0; }
  done
  return 1
}

# sagemaker_job DIR HOST HOSTS HYPERPARAMETERS: an /opt/ml tree in DIR for HOST of a training job
# over HOSTS (a JSON array): the sample and its word vectors in the training channel,
# resourceconfig.json, and hyperparameters.json of the JSON members HYPERPARAMETERS.
sagemaker_job() {
  mkdir -p "$1/input/config" "$1/input/data/training"
  cp "$TESTDATA/news.sample.tsv" "$1/input/data/training/newsCorpora.csv"
  cp "$TESTDATA/glove.sample.100d.txt.xz" "$1/input/data/training/"
  printf '{"current_host": "%s", "hosts": %s}\n' "$2" "$3" >"$1/input/config/resourceconfig.json"
  printf '{%s}\n' "$4" >"$1/input/config/hyperparameters.json"
}

finish() {
  if [ "$failures" -gt 0 ]; then echo "$failures failure(s)" >&2; exit 1; fi
  echo "ok"
}
