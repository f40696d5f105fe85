#!/usr/bin/env bash
# The container's two entry points end to end, without Docker: `train` on a temporary tree laid
# out like /opt/ml (the sample data in the training channel), then `serve` on what it left,
# checked with curl: /ping, every content type and Accept, the workshop's request and answer,
# every error status, keep-alive, the timeout, the access log, and a clean exit on SIGTERM.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "FAIL: curl is missing (scripts/setup.sh installs it)" >&2; exit 1; }
export PATH="$NEWSCLF_SOURCE_DIR/scripts/sagemaker:$PATH"
ML="$SCRATCH/ml"
mkdir -p "$ML/input/config" "$ML/input/data/training"
cp "$TESTDATA/news.sample.tsv" "$ML/input/data/training/newsCorpora.csv"
cp "$TESTDATA/glove.sample.100d.txt.xz" "$ML/input/data/training/glove.6B.100d.txt.xz"
echo '{"arch": "bag", "threads": "1"}' > "$ML/input/config/hyperparameters.json"
export NEWSCLF_OPT_ML="$ML"
train > "$SCRATCH/train.out" 2> "$SCRATCH/train.err" || fail "train failed: $(cat "$SCRATCH/train.err")"
[ -f "$ML/model/newsclf.model" ] || { fail "train left no model/newsclf.model"; finish; }

server=""
stop_server() { [ -z "$server" ] || kill -KILL "$server" 2>/dev/null; }
trap 'stop_server; rm -rf "$SCRATCH"' EXIT

# start_server [VAR=VALUE...]: serve in the background on a free port; sets $server and $url.
start_server() {
  : > "$SCRATCH/serve.err"
  env SAGEMAKER_BIND_TO_PORT=0 "$@" serve 2> "$SCRATCH/serve.err" &
  server=$!
  # SageMaker's few seconds of grace; a sanitizer's build loads the model ten times slower.
  local limit=2000
  [ -z "${NEWSCLF_SANITIZE:-}" ] || limit=20000
  local port="" started=$(date +%s%N) took=0
  while [ "$took" -le "$limit" ]; do
    port=$(sed -n 's/.*listening on [^ ]*:\([0-9]*\) .*/\1/p' "$SCRATCH/serve.err")
    [ -n "$port" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ping")" = 200 ] && break
    sleep 0.04
    took=$(( ($(date +%s%N) - started) / 1000000 ))
  done
  url="http://127.0.0.1:$port"
  took=$(( ($(date +%s%N) - started) / 1000000 ))
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/ping")" = 200 ] || fail "/ping is not 200 after ${took} ms: $(cat "$SCRATCH/serve.err")"
  [ "$took" -le "$limit" ] || fail "/ping took ${took} ms to answer 200 (at most $limit)"
}

# request METHOD PATH [CONTENT-TYPE [BODY-FILE [ACCEPT]]]: prints "STATUS CONTENT-TYPE" then the body.
request() {
  local args=(-s -X "$1" -o "$SCRATCH/body" -w '%{http_code} %{content_type}\n')
  [ -n "${3:-}" ] && args+=(-H "Content-Type: $3")
  [ -n "${4:-}" ] && args+=(--data-binary "@$4")
  [ -n "${5:-}" ] && args+=(-H "Accept: $5")
  curl "${args[@]}" "$url$2"
  cat "$SCRATCH/body"
}
# expect_answer WHAT WANT-STATUS-AND-TYPE WANT-BODY-REGEX request-args...
expect_answer() {
  local what=$1 head=$2 body=$3; shift 3
  local got
  got=$(request "$@")
  [ "$(head -n 1 <<<"$got")" = "$head" ] || fail "$what: expected \"$head\", got \"$(head -n 1 <<<"$got")\""
  tail -n +2 <<<"$got" | grep -qE -- "$body" || fail "$what: the body does not match /$body/: $(tail -n +2 <<<"$got" | head -c 300)"
}

start_server MODEL_SERVER_WORKERS=3
# The container's serve listens on every interface, as SageMaker's contract needs.
grep -q "listening on 0.0.0.0:" "$SCRATCH/serve.err" || fail "serve does not listen on 0.0.0.0: $(head -n 3 "$SCRATCH/serve.err")"
echo "hyperparameters $(newsclf-predict -m "$ML/model" --inspect | jq -c .hyperparameters.arch)" >&2

# The workshop's request, byte for byte its answer.
printf '{"input": "Why Exercise Alone May Not Be the Key to Weight Loss"}' > "$SCRATCH/input.json"
got=$(curl -s -H 'Content-Type: application/json' --data-binary @"$SCRATCH/input.json" "$url/invocations")
[ "$got" = '{"result": "Health & Medicine"}' ] || fail "the workshop's request answered $got"

printf 'Why Exercise Alone May Not Be the Key to Weight Loss\nApple unveils the new iPhone\n\n' > "$SCRATCH/lines.txt"
printf '%s\n' '{"id": "a1", "input": "Why Exercise Alone May Not Be the Key to Weight Loss"}' '{"title": "Apple unveils the new iPhone"}' > "$SCRATCH/lines.jsonl"
printf '"Fed, ECB and BoJ ""hold"" rates"\r\nApple unveils the new iPhone\r\n' > "$SCRATCH/lines.csv"
printf '{"instances": ["Why Exercise Alone May Not Be the Key to Weight Loss", "Apple unveils the new iPhone"], "configuration": {"k": 2}}' > "$SCRATCH/instances.json"

expect_answer "instances" "200 application/json" '^\[\{"label":\["__label__m","__label__[bte]"\],"prob":\[[0-9.e-]+,[0-9.e-]+\]\},\{"label":\["__label__[btem]",' \
  POST /invocations application/json "$SCRATCH/instances.json"
expect_answer "JSON Lines" "200 application/jsonlines" '^\{"id":"a1","label":"m","category":"Health & Medicine","probabilities":\{' \
  POST /invocations application/jsonlines "$SCRATCH/lines.jsonl"
[ "$(request POST /invocations application/jsonlines "$SCRATCH/lines.jsonl" | tail -n +2 | wc -l)" -eq 2 ] || fail "JSON Lines: not one answer line per input line"
[ "$(request POST /invocations text/plain "$SCRATCH/lines.txt" | tail -n +2 | wc -l)" -eq 3 ] || fail "text/plain: not one answer line per input line"
expect_answer "CSV" "200 text/csv" '^[btem],[0-9.e-]+$' POST /invocations text/csv "$SCRATCH/lines.csv"
expect_answer "Accept text/csv" "200 text/csv" '^m,[0-9.e-]+$' POST /invocations text/plain "$SCRATCH/lines.txt" text/csv
expect_answer "Accept JSON for lines" "200 application/json" '^\[\{"label":\["__label__m"\]' POST /invocations text/plain "$SCRATCH/lines.txt" application/json
expect_answer "Accept JSON Lines for the workshop's request" "200 application/jsonlines" '"category":"Health & Medicine"' \
  POST /invocations application/json "$SCRATCH/input.json" "application/jsonlines; q=1, */*; q=0.1"
expect_answer "an unknown header is ignored" "200 application/json" 'Health' POST /invocations application/json "$SCRATCH/input.json"
got=$(curl -s -H 'X-Amzn-SageMaker-Custom-Attributes: trace' -H 'Content-Type: application/json' --data-binary @"$SCRATCH/input.json" "$url/invocations")
[ "$got" = '{"result": "Health & Medicine"}' ] || fail "a custom header changed the answer: $got"
# Explanations, asked for in the workshop's request and in BlazingText's configuration (a bag model: exact).
printf '{"input": "Why Exercise Alone May Not Be the Key to Weight Loss", "explain": true}' > "$SCRATCH/explain.json"
got=$(curl -s -H 'Content-Type: application/json' --data-binary @"$SCRATCH/explain.json" "$url/invocations")
jq -e '.result == "Health & Medicine" and .explanation.method == "exact" and .explanation.class == "m"
  and .explanation.space == "logit" and (.explanation.contributions[0].text | test("weight|loss|exercise"))
  and (((.explanation.bias + ([.explanation.contributions[].weight] | add)) - .explanation.logit) | fabs) < 1e-4' \
  <<<"$got" > /dev/null || fail "the workshop's request with explain: $(head -c 400 <<<"$got")"
[[ "$got" == '{"result": "Health & Medicine", "explanation": {"method": "exact", '* ]] || fail "explain: not json.dumps's separators: $(head -c 100 <<<"$got")"
printf '{"instances": ["Why Exercise Alone May Not Be the Key to Weight Loss", "Apple unveils the new iPhone"], "configuration": {"k": 2, "explain": true}}' > "$SCRATCH/instances-explain.json"
got=$(curl -s -H 'Content-Type: application/json' --data-binary @"$SCRATCH/instances-explain.json" "$url/invocations")
jq -e 'length == 2 and all(.[]; (keys_unsorted == ["label", "prob", "explanation"]) and ((.label | length) == 2)
  and .explanation.method == "exact" and "__label__" + .explanation.class == .label[0])
  and .[0].label[0] == "__label__m" and .[1].label[0] == "__label__t"' <<<"$got" > /dev/null ||
  fail "instances with explain: $(head -c 400 <<<"$got")"
# The answer without the explanations is the answer of the same request not asking for them.
plain=$(curl -s -H 'Content-Type: application/json' --data-binary @"$SCRATCH/instances.json" "$url/invocations")
[ "$(jq -c 'map(del(.explanation))' <<<"$got")" = "$(jq -c . <<<"$plain")" ] || fail "explain changed the instances' answer: $plain"
expect_answer "explain in JSON Lines" "200 application/jsonlines" '^\{"label":"m",.*"explanation":\{"method":"exact","class":"m"' \
  POST /invocations application/json "$SCRATCH/instances-explain.json" application/jsonlines
expect_answer "explain in CSV" "406 application/json" 'explanations are answered in JSON' \
  POST /invocations application/json "$SCRATCH/instances-explain.json" text/csv
expect_answer "execution parameters" "200 application/json" '^\{"MaxConcurrentTransforms":3,"BatchStrategy":"MULTI_RECORD","MaxPayloadInMB":6\}$' \
  GET /execution-parameters

# Errors: JSON with a message, and the next request is answered as before.
printf '{"input": ' > "$SCRATCH/bad.json"
head -c 7000000 /dev/zero | tr '\0' 'a' > "$SCRATCH/big.txt"
expect_answer "malformed JSON" "400 application/json" '^\{"error":"malformed JSON' POST /invocations application/json "$SCRATCH/bad.json"
expect_answer "over 6 MB" "413 application/json" '^\{"error":"the body is over the limit of 6291456 bytes' POST /invocations text/plain "$SCRATCH/big.txt"
# Without "Expect: 100-continue" the client sends the whole body before it reads: the 413 must
# still reach it whole (the server drops the rest of the body rather than resetting).
got=$(curl -s -H 'Expect:' -H 'Content-Type: text/plain' --data-binary @"$SCRATCH/big.txt" -w ' %{http_code}' "$url/invocations")
[ "$got" = '{"error":"the body is over the limit of 6291456 bytes (6 MB)"} 413' ] || fail "a 413 without Expect arrived as: $got"
printf 'Fed holds rates\nApple \377 unveils\n' > "$SCRATCH/latin1.txt"
expect_answer "text/plain not in UTF-8" "400 application/json" '^\{"error":"request body:2: invalid UTF-8 at byte 7 of the line' \
  POST /invocations text/plain "$SCRATCH/latin1.txt"
printf '%s\n' '{"id": 123456789012345678901234567890, "input": "Fed holds rates"}' '{"id": 1e400, "input": "Apple unveils"}' > "$SCRATCH/big-ids.jsonl"
got=$(request POST /invocations application/jsonlines "$SCRATCH/big-ids.jsonl" | tail -n +2 | jq -r .id | tr '\n' ' ')
[ "$got" = "123456789012345678901234567890 1e400 " ] || fail "large numeric ids came back as: $got"
expect_answer "unsupported type" "415 application/json" '^\{"error":"unsupported Content-Type \\"image/png\\"' POST /invocations image/png "$SCRATCH/input.json"
expect_answer "unknown path" "404 application/json" '^\{"error":"no such path: /predict' POST /predict application/json "$SCRATCH/input.json"
expect_answer "wrong method" "405 application/json" '^\{"error":"GET is not allowed on /invocations; use POST"\}$' GET /invocations
expect_answer "not acceptable" "406 application/json" '"error"' POST /invocations application/json "$SCRATCH/input.json" image/png
got=$(curl -s -H 'Content-Type: application/json' --data-binary @"$SCRATCH/input.json" "$url/invocations")
[ "$got" = '{"result": "Health & Medicine"}' ] || fail "after the errors, the workshop's request answered $got"
# Not HTTP at all: 400, and the connection closed.
exec 3<>"/dev/tcp/127.0.0.1/${url##*:}"
printf 'HELLO\r\n\r\n' >&3
IFS= read -r -t 5 status_line <&3 || true
exec 3<&-
[[ "${status_line:-}" == "HTTP/1.1 400 "* ]] || fail "a request that is not HTTP got \"${status_line:-nothing}\""
# Keep-alive: curl reuses one connection for several requests.
curl -s -v -o /dev/null -o /dev/null "$url/ping" "$url/ping" 2> "$SCRATCH/keepalive.err"
grep -q "Re-using existing connection" "$SCRATCH/keepalive.err" || fail "the connection was not kept alive"

# SIGTERM: exit 0 within a second; every request logged.
kill -TERM "$server"
started=$(date +%s%N)
status=0; wait "$server" || status=$?
took=$(( ($(date +%s%N) - started) / 1000000 ))
server=""
[ "$status" -eq 0 ] || fail "serve exited $status on SIGTERM"
[ "$took" -le 1000 ] || fail "serve took $took ms to stop on SIGTERM"
grep -qE '^[0-9T:-]+Z POST /invocations 200 [0-9]+ [0-9]+us$' "$SCRATCH/serve.err" || fail "no access-log line for a request: $(head -n 5 "$SCRATCH/serve.err")"
grep -qE '^[0-9T:-]+Z POST /invocations 413 [0-9]+ [0-9]+us$' "$SCRATCH/serve.err" || fail "no access-log line for the 413"
logged=$(grep -cE '^[0-9T:-]+Z [A-Z?-]+ [^ ]+ [0-9]{3} [0-9]+ [0-9]+us$' "$SCRATCH/serve.err")
[ "$logged" -ge 25 ] || fail "only $logged access-log lines"

# The timeout closes a connection that sends nothing.
start_server MODEL_SERVER_TIMEOUT=0.5
exec 3<>"/dev/tcp/127.0.0.1/${url##*:}"
sleep 1
if IFS= read -r -t 2 line <&3; then fail "an idle connection was not closed after the timeout"; fi
exec 3<&-
kill -TERM "$server"; wait "$server"; server=""

# A missing model: exit 1 naming it; a bad variable: exit 2.
rm "$ML/model/newsclf.model"
expect_exit 1 env SAGEMAKER_BIND_TO_PORT=0 serve -q 2> "$SCRATCH/missing.err"
grep -q "model" "$SCRATCH/missing.err" || fail "a missing model is not named: $(cat "$SCRATCH/missing.err")"
expect_exit 2 env SAGEMAKER_BIND_TO_PORT=eighty serve -q 2> /dev/null
# Every value the server would accept and then misbehave with (drop every request, start
# thousands of threads) is refused at once, naming the variable, in plain numbers.
for setting in MODEL_SERVER_TIMEOUT=1e18 MODEL_SERVER_TIMEOUT=1e300 MODEL_SERVER_TIMEOUT=nan MODEL_SERVER_TIMEOUT=inf \
               MODEL_SERVER_TIMEOUT=0 MODEL_SERVER_TIMEOUT=-1 MODEL_SERVER_WORKERS=abc MODEL_SERVER_WORKERS=100000 \
               MODEL_SERVER_WORKERS=2.5 SAGEMAKER_BIND_TO_PORT=70000; do
  expect_exit 2 env SAGEMAKER_BIND_TO_PORT=0 "$setting" serve -q 2> "$SCRATCH/setting.err"
  grep -qF "${setting%%=*} sets it too" "$SCRATCH/setting.err" || fail "$setting: the message does not name the variable: $(cat "$SCRATCH/setting.err")"
  grep -qE '[0-9]{20}' "$SCRATCH/setting.err" && fail "$setting: the message holds a number of 20 digits: $(cat "$SCRATCH/setting.err")"
done
finish
