#!/usr/bin/env bash
# Calibration: newsclf-fit's temperature on the validation rows (recorded in the model, --calibrate
# none, no validation rows said once on stderr), newsclf-eval's calibration keys (ECE, Brier score,
# per-class log-loss, reliability bins) checked against scikit-learn and a hand computation from
# newsclf-predict's probabilities, --uncalibrated, and scripts/bench/calibration.sh on the first
# 3,000 rows of the sample (a table row and a JSON object for every arch on both splits).
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

head -n 8000 "$TESTDATA/news.sample.tsv" > train.tsv
tail -n +8001 "$TESTDATA/news.sample.tsv" > test.tsv
newsclf-tokenize -q --max-words 0 -o train.tokens train.tsv || fail "tokenize failed"

fit() { newsclf-fit --arch linear --buckets 65536 "$@" train.tokens; }
fit --validation-split 0.2 -o cal.model 2> cal.log || fail "fit failed: $(cat cal.log)"
grep -q "calibration: temperature .* on 1600 validation rows; ECE" cal.log || fail "no calibration line: $(cat cal.log)"
newsclf-predict --inspect -m cal.model > cal.inspect || fail "--inspect failed"
jq -e '.format == "newsclf-model/1.4" and .calibration.method == "temperature" and .calibration.temperature > 0
       and .calibration.validation_rows == 1600 and .calibration.after.log_loss <= .calibration.before.log_loss
       and (.calibration.before.ece | type) == "number" and (.calibration.after.ece | type) == "number"' \
  cal.inspect > /dev/null || fail "the model's calibration metadata: $(jq -c .calibration cal.inspect)"

fit --validation-split 0.2 --calibrate none -o none.model 2> none.log || fail "--calibrate none failed: $(cat none.log)"
jq -e '.calibration == {"method": "none", "temperature": 1} and .hyperparameters.calibrate == "none"' \
  <(newsclf-predict --inspect -m none.model) > /dev/null || fail "--calibrate none is not recorded"
fit --validation-split 0 -o unheld.model 2> unheld.log || fail "--validation-split 0 failed: $(cat unheld.log)"
[ "$(grep -c "no validation rows to calibrate on" unheld.log)" = 1 ] ||
  fail "without validation rows, stderr does not say so once: $(cat unheld.log)"
jq -e '.calibration.temperature == 1 and .calibration.validation_rows == 0' <(newsclf-predict --inspect -m unheld.model) \
  > /dev/null || fail "without validation rows the temperature is not 1"
expect_exit 2 newsclf-fit --arch linear --calibrate platt -o x.model train.tokens 2> /dev/null

# The keys: every one there was, and the new ones.
newsclf-eval -q -m cal.model -o after.json test.tsv || fail "newsclf-eval failed"
newsclf-eval -q --uncalibrated -m cal.model -o before.json test.tsv || fail "newsclf-eval --uncalibrated failed"
jq -e '(keys == ["accuracy","brier","confusion_matrix","ece","intervals","log_loss","macro_f1","n","per_class","reliability"])
       and (.per_class | to_entries | all(.value | keys ==
            ["brier","category","ece","f1","log_loss","precision","recall","support"]))
       and (.reliability | length == 15) and (.reliability | map(.rows) | add) == .n
       and (.reliability | all(keys == ["accuracy","confidence","lower","rows","upper"]))
       and (.reliability[14].upper == 1) and .ece >= 0 and .ece <= 1' after.json > /dev/null ||
  fail "newsclf-eval's keys: $(head -c 600 after.json)"
jq -e -n --slurpfile a after.json --slurpfile b before.json \
  '$a[0].accuracy == $b[0].accuracy and $a[0].log_loss < $b[0].log_loss and $a[0].ece != $b[0].ece' > /dev/null ||
  fail "the calibrated model is not better in log-loss than --uncalibrated: $(jq -c '{log_loss, ece}' after.json before.json)"
# --calibrate none: the network's probabilities, as --uncalibrated gives them.
cmp <(newsclf-eval -q -m none.model test.tsv) <(newsclf-eval -q --uncalibrated -m none.model test.tsv) ||
  fail "--calibrate none and --uncalibrated differ"

# The metrics again, from newsclf-predict's probabilities: by hand, and by scikit-learn when it is there.
newsclf-predict -m cal.model --input-format tsv test.tsv > after.jsonl || fail "newsclf-predict failed"
cut -f5 test.tsv > gold
/usr/bin/python3 - after.jsonl gold after.json > check.log 2>&1 << 'EOF' || fail "the metrics disagree: $(cat check.log)"
import json, math, sys
rows = [json.loads(line)["probabilities"] for line in open(sys.argv[1])]
gold = [line.strip() for line in open(sys.argv[2])]
ev = json.load(open(sys.argv[3]))
codes = ["b", "t", "e", "m"]
P = [[r[c] for c in codes] for r in rows]
n = len(P)
def close(name, a, b, tol=2e-6):
    if abs(a - b) > tol * max(1.0, abs(b)):
        sys.exit(f"{name}: newsclf-eval {b}, recomputed {a}")
# ECE by hand: 15 equal-width bins of the predicted class's probability.
bins = [[0, 0.0, 0] for _ in range(15)]
for p, g in zip(P, gold):
    k = max(range(4), key=lambda c: (p[c], -c))
    b = bins[min(14, int(p[k] * 15))]
    b[0] += 1; b[1] += p[k]; b[2] += codes[k] == g
close("ece", sum(abs(h - s) for _, s, h in bins) / n, ev["ece"], 1e-4)
for b, e in zip(bins, ev["reliability"]):
    if b[0] != e["rows"]: sys.exit(f"reliability rows {e['rows']}, recomputed {b[0]}")
brier = sum(sum((p[c] - (codes[c] == g)) ** 2 for c in range(4)) for p, g in zip(P, gold)) / n
close("brier", brier, ev["brier"], 1e-5)
for c, code in enumerate(codes):
    mine = [-math.log(max(p[c], 1e-15)) for p, g in zip(P, gold) if g == code]
    close("log_loss of " + code, sum(mine) / len(mine) if mine else 0.0, ev["per_class"][code]["log_loss"], 1e-5)
try:
    from sklearn.metrics import brier_score_loss, log_loss
except ImportError:
    print("scikit-learn missing: checked by hand only")
    sys.exit(0)
# scikit-learn takes the columns in the sorted order of the labels.
ordered = sorted(codes)
close("log_loss (scikit-learn)", log_loss(gold, [[r[c] for c in ordered] for r in rows], labels=ordered),
      ev["log_loss"], 1e-5)
for c, code in enumerate(codes):
    y = [int(g == code) for g in gold]
    close("brier of " + code + " (scikit-learn)", brier_score_loss(y, [p[c] for p in P]), ev["per_class"][code]["brier"], 1e-5)
print("agree with scikit-learn")
EOF

# The benchmark on a small sample: one table row and JSON object per arch and split.
head -n 3000 "$TESTDATA/news.sample.tsv" > news.tsv
NEWSCLF_BIN="$NEWSCLF_BIN" "$NEWSCLF_SOURCE_DIR/scripts/bench/calibration.sh" news.tsv \
  "$TESTDATA/glove.sample.100d.txt.xz" --json bench.json > table.txt 2> bench.log ||
  fail "calibration.sh failed: $(tail -5 bench.log)"
keys='["accuracy","arch","brier_after","brier_before","ece_after","ece_before","log_loss_after","log_loss_before","split","temperature","validation_rows"]'
jq -e --argjson k "$keys" 'type == "array" and all(.[]; keys == $k and .temperature > 0 and .validation_rows > 0
       and .ece_before >= 0 and .ece_after >= 0 and .accuracy > 0.25)' bench.json > /dev/null ||
  fail "the benchmark's JSON: $(head -c 600 bench.json)"
archs=$(newsclf-fit --help | sed -n 's/.*--arch[^{]*{\([^}]*\)}.*/\1/p' | tr ',' ' ')
for a in $archs; do
  for split in row story; do
    [ "$(jq --arg a "$a" --arg s "$split" '[.[] | select(.arch == $a and .split == $s)] | length' bench.json)" = 1 ] ||
      fail "not one JSON object for $a on the $split split"
    grep -Eq "^\| $a +\| $split +\|" table.txt || fail "no table row for $a on the $split split"
  done
done
expect_exit 2 "$NEWSCLF_SOURCE_DIR/scripts/bench/calibration.sh" news.tsv 2> /dev/null
expect_exit 2 env VALIDATION_SPLIT_BY=x "$NEWSCLF_SOURCE_DIR/scripts/bench/calibration.sh" news.tsv \
  "$TESTDATA/glove.sample.100d.txt.xz" 2> /dev/null

finish
