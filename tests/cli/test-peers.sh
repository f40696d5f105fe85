#!/usr/bin/env bash
# scripts/bench/peers.sh on the bundled sample, one run: a row of the table and of the JSON for
# every system (each newsclf-fit --arch choice, the three peers, the quantized bag, linear and
# fastText models) on both splits, with the JSON keys the benchmark promises, every accuracy's
# interval around it, and each split's paired comparison of the best newsclf system and peer. Skipped when
# fastText or scikit-learn is not installed (scripts/setup.sh --bench installs them). Under a
# sanitizer (NEWSCLF_SANITIZE) newsclf's systems alone (SYSTEMS): the peers are not newsclf's
# code, and the Release run has them.
. "$(dirname "$0")/lib.sh"

archs=$(newsclf-fit --help | sed -n 's/.*--arch[^{]*{\([^}]*\)}.*/\1/p' | tr ',' ' ')
[ -n "$archs" ] || fail "newsclf-fit --help lists no --arch choices"
systems=""
for a in $archs; do systems="$systems newsclf-$a"; done
for a in bag linear; do
  case " $archs " in *" $a "*) systems="$systems newsclf-$a-quantized" ;; esac
done
if [ -n "${NEWSCLF_SANITIZE:-}" ]; then
  peers=""
  echo "newsclf's systems alone: under a sanitizer the peers would only repeat the Release run"
elif ! command -v fasttext > /dev/null || ! /usr/bin/python3 -c 'import sklearn' 2> /dev/null; then
  echo "skipped: fasttext or python3-sklearn missing (scripts/setup.sh --bench)"
  finish
  exit 0
else
  peers="fasttext-default fasttext-bigram sklearn-linearsvc fasttext-quantized"
fi
systems="$peers$systems"
systems=${systems# }

json=$SCRATCH/peers.json
# The first 3,000 rows of the sample: every row and key is there as with all 10,001, and the
# values stay plausible, in a third of the time.
head -n 3000 "$TESTDATA/news.sample.tsv" > "$SCRATCH/news.tsv"
RUNS=1 FASTTEXT_BUCKET=100000 SYSTEMS=$systems NEWSCLF_BIN="$NEWSCLF_BIN" "$NEWSCLF_SOURCE_DIR/scripts/bench/peers.sh" \
  "$SCRATCH/news.tsv" "$TESTDATA/glove.sample.100d.txt.xz" --json "$json" \
  > "$SCRATCH/table.txt" 2> "$SCRATCH/peers.log" || fail "peers.sh failed: $(tail -5 "$SCRATCH/peers.log")"

keys='["accuracy","accuracy_interval","interval_unit","macro_f1","model_bytes","peak_rss_bytes","predict_titles_per_s","split","system","train_s"]'
jq -e --argjson k "$keys" 'type == "array" and all(.[]; (keys == $k))' "$json" > /dev/null ||
  fail "the JSON's objects do not have exactly the keys $keys: $(head -c 300 "$json")"
jq -e 'all(.[]; (.accuracy | type) == "number" and .accuracy > 0.25 and .accuracy <= 1
                and .macro_f1 > 0 and .macro_f1 <= 1 and .train_s > 0 and .predict_titles_per_s > 0
                and .model_bytes > 0 and .peak_rss_bytes > 0)' "$json" > /dev/null ||
  fail "implausible values in the JSON: $(cat "$json")"
for sys in $systems; do
  for split in row story; do
    n=$(jq --arg s "$sys" --arg p "$split" '[.[] | select(.system == $s and .split == $p)] | length' "$json")
    [ "$n" = 1 ] || fail "$n JSON rows for $sys on the $split split, expected 1"
    grep -Eq "^\| $sys +\| $split +\|" "$SCRATCH/table.txt" || fail "no table row for $sys on the $split split"
  done
done
[ "$(jq length "$json")" -eq "$(echo "$systems" | wc -w | awk '{ print 2 * $1 }')" ] ||
  fail "the JSON has rows for systems that are not benchmarked: $(jq -c '[.[].system]' "$json")"
# Every accuracy, the peers' too, has its 95% interval around it: of stories on the story split, of
# rows on the row split; the table shows it.
jq -e 'all(.[]; (.accuracy_interval | type) == "array" and (.accuracy_interval | length) == 2
                and .accuracy_interval[0] <= .accuracy and .accuracy <= .accuracy_interval[1]
                and .accuracy_interval[0] < .accuracy_interval[1] and .accuracy_interval[1] <= 1
                and .interval_unit == (if .split == "story" then "story" else "row" end))' "$json" > /dev/null ||
  fail "accuracy intervals missing or not around the accuracy: $(jq -c '[.[] | {system, split, accuracy, accuracy_interval, interval_unit}]' "$json")"
grep -Eq '^\| newsclf-linear +\| story +\| +0\.[0-9]{4} \| \[0\.[0-9]{4}, [01]\.[0-9]{4}\] +\|' "$SCRATCH/table.txt" ||
  fail "the table has no interval column: $(grep newsclf-linear "$SCRATCH/table.txt")"
# Per split, the best newsclf system against the best peer, paired: difference, interval, McNemar.
for split in row story; do
  line=$(grep "^$split split: most accurate newsclf model " "$SCRATCH/table.txt") || fail "no comparison for the $split split"
  if [ -z "$peers" ]; then
    [[ "$line" == *"(no peer ran)" ]] || fail "the $split split's line without peers: $line"
    continue
  fi
  echo "$line" | grep -Eq ": [-+][0-9.]+ points, 95% interval [-+][0-9.]+ to [-+][0-9.]+ \(paired bootstrap of [0-9]+ (rows|stories)\); McNemar: [0-9]+ rows right by newsclf-[a-z-]+ alone, [0-9]+ by [a-z-]+ alone, p = [0-9.e+-]+$" ||
    fail "the $split split's comparison: $line"
  lo=$(echo "$line" | sed 's/.*95% interval \([-+][0-9.]*\) to.*/\1/'); hi=$(echo "$line" | sed 's/.* to \([-+][0-9.]*\) (paired.*/\1/')
  d=$(echo "$line" | sed 's/.*: \([-+][0-9.]*\) points,.*/\1/')
  awk -v l="$lo" -v h="$hi" -v d="$d" 'BEGIN { exit !(l <= d + 0.005 && d <= h + 0.005 && l <= h) }' ||
    fail "the $split split's difference $d is not inside its interval [$lo, $hi]"
done
if [ -n "$peers" ]; then
  grep -q 'newsclf-mlp .*of fasttext-bigram' "$SCRATCH/table.txt" || fail "newsclf-mlp's training time is not compared with fasttext-bigram's"
  grep -q 'newsclf-bag-quantized .*of fasttext-quantized' "$SCRATCH/table.txt" ||
    fail "newsclf-bag-quantized's training time is not compared with fasttext-quantized's"
else
  grep -q 'of fasttext-\|of sklearn-' "$SCRATCH/table.txt" && fail "a comparison with a peer that did not run: $(cat "$SCRATCH/table.txt")"
  grep -q '^| fasttext-\|^| sklearn-' "$SCRATCH/table.txt" && fail "a row of a peer that SYSTEMS left out: $(cat "$SCRATCH/table.txt")"
fi
# The compact models are smaller than those they come from.
for sys in newsclf-bag newsclf-linear ${peers:+fasttext-default}; do
  q=${sys%-default}-quantized
  jq -e --arg a "$sys" --arg b "$q" '([.[] | select(.system == $a and .split == "row")][0].model_bytes) >
    ([.[] | select(.system == $b and .split == "row")][0].model_bytes)' "$json" > /dev/null ||
    fail "$q is not smaller than $sys: $(jq -c '[.[] | select(.split == "row") | {system, model_bytes}]' "$json")"
done

# The usage, a missing input, SYSTEMS naming an unknown system or a quantized one without its base.
expect_exit 2 env SYSTEMS="newsclf-nope" "$NEWSCLF_SOURCE_DIR/scripts/bench/peers.sh" "$TESTDATA/news.sample.tsv" \
  "$TESTDATA/glove.sample.100d.txt.xz" 2> /dev/null
expect_exit 2 env SYSTEMS="newsclf-bag-quantized" "$NEWSCLF_SOURCE_DIR/scripts/bench/peers.sh" "$TESTDATA/news.sample.tsv" \
  "$TESTDATA/glove.sample.100d.txt.xz" 2> /dev/null
expect_exit 2 "$NEWSCLF_SOURCE_DIR/scripts/bench/peers.sh" "$TESTDATA/news.sample.tsv" 2> /dev/null
expect_exit 1 "$NEWSCLF_SOURCE_DIR/scripts/bench/peers.sh" "$SCRATCH/none.tsv" "$TESTDATA/glove.sample.100d.txt.xz" 2> /dev/null

finish
