#!/usr/bin/env bash
# scripts/bench/workshop.sh on the bundled sample: the table, the JSON (accuracies with their 95%
# intervals), and the checks it promises
# (on 8,000 training rows the workshop's model is below 78%, so the accuracy check must fail), and
# the workshop-85 preset above the workshop's network.
. "$(dirname "$0")/lib.sh"

RUNS=1 PEER=0 bash "$NEWSCLF_SOURCE_DIR/scripts/bench/workshop.sh" "$TESTDATA/news.sample.tsv" \
  "$TESTDATA/glove.sample.100d.txt.xz" --json "$SCRATCH/bench.json" > "$SCRATCH/out" 2> "$SCRATCH/err"
status=$?
[ "$status" -eq 1 ] || fail "the accuracy check should fail on the sample (exit 1), got $status"
for step in tokenize embed fit eval experiment; do
  grep -q "^| $step " "$SCRATCH/out" || fail "the table has no $step row"
done
grep -q 'checks: accuracy in \[0.78, 0.82\]: false; fit < 2 s: true; experiment < 15 s: true' "$SCRATCH/out" ||
  fail "the checks line is wrong: $(grep checks "$SCRATCH/out")"
jq -e '.validation_rows == 2001 and (.val_accuracy_per_epoch | length) == 2 and .accuracy > 0.5
       and .fit_s > 0 and .experiment_s >= .fit_s and .model_bytes > 1000000 and .fit_peak_rss_bytes > 0
       and .checks.accuracy_78_82 == false and .checks.fit_under_2s == true
       and (.workshop_85.val_accuracy_per_epoch | length) == 2 and .workshop_85.accuracy > .accuracy
       and .workshop_85.fit_s > 0
       and .accuracy_interval[0] < .accuracy and .accuracy < .accuracy_interval[1]
       and .macro_f1_interval[0] < .macro_f1 and .macro_f1 < .macro_f1_interval[1]
       and .workshop_85.accuracy_interval[0] < .workshop_85.accuracy' "$SCRATCH/bench.json" > /dev/null ||
  fail "the JSON is not as expected: $(cat "$SCRATCH/bench.json")"

bash "$NEWSCLF_SOURCE_DIR/scripts/bench/workshop.sh" only-one-argument 2> /dev/null
[ $? -eq 2 ] || fail "a missing argument should exit 2"

finish
