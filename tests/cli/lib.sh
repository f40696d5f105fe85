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
finish() {
  if [ "$failures" -gt 0 ]; then echo "$failures failure(s)" >&2; exit 1; fi
  echo "ok"
}
