#!/usr/bin/env bash
# scripts/experiment.mk CV=3 ARCH=linear on the sample: three folds of whole stories, disjoint and
# covering every row, the same for every arch; a fit and a score per fold, a line per fold and
# the means; cv.json's fields; nothing redone when nothing changed; the LinearSVC peer on the same
# folds (when scikit-learn is there); newsclf-fit's --folds and --fold refused where they mean
# nothing.
. "$(dirname "$0")/lib.sh"

mk() { make --no-print-directory -C "$NEWSCLF_SOURCE_DIR" -f scripts/experiment.mk BIN="$NEWSCLF_BIN" "$@"; }
out="$SCRATCH/cv"

mk OUT="$out" ARCH=linear CV=3 > "$SCRATCH/cv.log" 2>&1 || fail "CV=3 failed: $(tail -5 "$SCRATCH/cv.log")"
total=0
for i in 1 2 3; do
  for f in train.tokens validation.tokens model metrics.json train.log; do
    [ -s "$out/fold$i/$f" ] || fail "fold $i left no $f"
  done
  grep -q "newsclf-fit --split-by story --folds 3 --fold $i --split-out" "$SCRATCH/cv.log" || fail "fold $i was not split by story"
  newsclf-tokenize --output-format jsonl "$out/fold$i/validation.tokens" > "$SCRATCH/validation.$i.jsonl"
  newsclf-tokenize --output-format jsonl "$out/fold$i/train.tokens" > "$SCRATCH/train.$i.jsonl"
  v=$(wc -l < "$SCRATCH/validation.$i.jsonl") t=$(wc -l < "$SCRATCH/train.$i.jsonl")
  [ $((v + t)) -eq 10001 ] || fail "fold $i: $t training and $v validation rows are not the sample's 10001"
  [ "$v" -gt 3000 ] && [ "$v" -lt 3700 ] || fail "fold $i holds $v rows, not about a third"
  jq -e --argjson v "$v" '.n == $v' "$out/fold$i/metrics.json" > /dev/null || fail "fold $i's metrics.json is not its $v validation rows'"
  grep -q "$t training rows, 0 validation rows" "$out/fold$i/train.log" || fail "fold $i's model was not fit on its $t training rows"
  # No row of the fold's validation is among its training rows, nor any of its stories.
  jq -r .id "$SCRATCH/validation.$i.jsonl" "$SCRATCH/train.$i.jsonl" | sort | uniq -d | grep -q . && fail "fold $i: a row both trains and validates"
  comm -12 <(jq -r .story "$SCRATCH/validation.$i.jsonl" | sort -u) <(jq -r .story "$SCRATCH/train.$i.jsonl" | sort -u) | grep -q . &&
    fail "fold $i: a story both trains and validates"
  total=$((total + v))
done
# The validation folds cover every row once, and no story is in two of them.
[ "$total" -eq 10001 ] || fail "the folds hold $total rows, not 10001"
[ "$(cat "$SCRATCH"/validation.*.jsonl | jq -r .id | sort -u | wc -l)" -eq 10001 ] || fail "a row is in two folds, or in none"
[ "$(for i in 1 2 3; do jq -r .story "$SCRATCH/validation.$i.jsonl" | sort -u; done | sort | uniq -d | wc -l)" -eq 0 ] ||
  fail "a story is in two folds"

# A line per fold and one of the means, as cv.json has them.
for i in 1 2 3; do
  line=$(jq -r --argjson i "$i" '.per_fold[$i - 1] | "newsclf-linear fold \(.fold)/3: \(.n) rows, accuracy "' "$out/cv.json")
  grep -qF "$line" "$SCRATCH/cv.log" || fail "no line '$line...' for fold $i: $(cat "$SCRATCH/cv.log")"
done
grep -qE '^newsclf-linear mean of 3 folds \(10001 rows\): accuracy 0\.[0-9]{4} \(sd 0\.[0-9]{4}, se 0\.[0-9]{4}\), macro-F1 0\.[0-9]{4} \(sd 0\.[0-9]{4}, se 0\.[0-9]{4}\)$' "$SCRATCH/cv.log" ||
  fail "no line of the means: $(tail -3 "$SCRATCH/cv.log")"
jq -e '.system == "newsclf-linear" and .folds == 3 and .n == 10001 and (.split | test("--split-by story --folds 3"))
  and ([.per_fold[].fold] == [1, 2, 3]) and .accuracy.mean > 0.7 and .macro_f1.mean > 0.6
  and .accuracy.sd > 0 and .macro_f1.sd > 0' "$out/cv.json" > /dev/null || fail "cv.json: $(jq -c . "$out/cv.json")"
# The means and spreads are those of the folds' metrics.json (sample sd, se = sd / sqrt(3)).
jq -s -e '(.[0:3] | map(.accuracy)) as $a | .[3].accuracy as $s | ($a | add / 3) as $m
  | (($a | map((. - $m) * (. - $m)) | add) / 2 | sqrt) as $sd
  | (($s.mean - $m) | fabs) < 1e-12 and (($s.sd - $sd) | fabs) < 1e-12 and (($s.se - $sd / (3 | sqrt)) | fabs) < 1e-12' \
  "$out"/fold{1,2,3}/metrics.json "$out/cv.json" > /dev/null || fail "cv.json's accuracy spread is not the folds'"

# Nothing changed: nothing runs, the lines are printed again.
mk OUT="$out" ARCH=linear CV=3 > "$SCRATCH/again.log" 2>&1 || fail "the second CV=3 failed"
grep -v '^newsclf-linear \(fold\|mean\)' "$SCRATCH/again.log" | grep -q 'newsclf-' && fail "a re-run with nothing changed ran: $(cat "$SCRATCH/again.log")"
[ "$(grep -c '^newsclf-linear \(fold\|mean\)' "$SCRATCH/again.log")" -eq 4 ] || fail "a re-run did not print the four lines"

# Another arch on the same folds: a fit changes, the folds do not.
mk OUT="$out" ARCH=linear CV=3 C=0.5 > "$SCRATCH/c.log" 2>&1 || fail "C=0.5 failed: $(tail -3 "$SCRATCH/c.log")"
grep -q -- '--split-out' "$SCRATCH/c.log" && fail "a hyperparameter redid the folds"
[ "$(grep -c 'newsclf-fit .*--c 0.5 .*fold[123]/train.tokens' "$SCRATCH/c.log")" -eq 3 ] || fail "C=0.5 did not refit the three folds"

# The peer on the same folds (not under a sanitizer: scikit-learn is not newsclf's code).
if [ -n "${NEWSCLF_SANITIZE:-}" ]; then
  echo "linearsvc skipped under a sanitizer"
elif /usr/bin/python3 -c 'import sklearn' 2> /dev/null; then
  mk OUT="$out" CV=3 linearsvc > "$SCRATCH/svc.log" 2>&1 || fail "the linearsvc target failed: $(tail -5 "$SCRATCH/svc.log")"
  grep -q -- '--split-out' "$SCRATCH/svc.log" && fail "the peer redid the folds"
  for i in 1 2 3; do
    [ "$(wc -l < "$out/fold$i/validation.ft")" -eq "$(wc -l < "$SCRATCH/validation.$i.jsonl")" ] || fail "fold $i's fastText lines are not its rows"
    jq -e --slurpfile m "$out/fold$i/metrics.json" '.n == $m[0].n' "$out/fold$i/linearsvc.json" > /dev/null || fail "the peer's fold $i is not newsclf's"
  done
  grep -qE '^sklearn-linearsvc fold 3/3: [0-9]+ rows, accuracy 0\.[0-9]{4}, macro-F1 0\.[0-9]{4}$' "$SCRATCH/svc.log" || fail "no peer fold line: $(cat "$SCRATCH/svc.log")"
  grep -qE '^sklearn-linearsvc mean of 3 folds \(10001 rows\): accuracy 0\.[0-9]{4} \(sd' "$SCRATCH/svc.log" || fail "no peer mean line"
  jq -e '.system == "sklearn-linearsvc" and .folds == 3 and .n == 10001 and .accuracy.mean > 0.7' "$out/cv.linearsvc.json" > /dev/null ||
    fail "cv.linearsvc.json: $(jq -c . "$out/cv.linearsvc.json")"
else
  echo "linearsvc skipped: no scikit-learn for /usr/bin/python3"
fi

# A token stream of every word as fastText lines: the lines its headlines give.
newsclf-tokenize -q --output-format fasttext "$TESTDATA/news.sample.tsv" > "$SCRATCH/headlines.ft"
newsclf-tokenize -q --output-format fasttext "$out/tokens" | cmp -s - "$SCRATCH/headlines.ft" ||
  fail "the token stream's fastText lines are not its headlines'"

# --folds and --fold where they mean nothing.
newsclf-fit -q --folds 3 --fold 1 -o "$SCRATCH/m" "$out/tokens" 2> "$SCRATCH/err"; [ $? -eq 2 ] || fail "--folds without --split-out was accepted"
grep -q 'split-out' "$SCRATCH/err" || fail "the error does not name --split-out: $(cat "$SCRATCH/err")"
s=(--split-out "$SCRATCH/a" "$SCRATCH/b")
expect_exit 2 newsclf-fit -q --folds 1 "${s[@]}" "$out/tokens" 2>/dev/null
expect_exit 2 newsclf-fit -q --folds 3 --fold 4 "${s[@]}" "$out/tokens" 2>/dev/null
expect_exit 2 newsclf-fit -q --folds 3 --fold 0 "${s[@]}" "$out/tokens" 2>/dev/null
expect_exit 2 newsclf-fit -q --folds 3 --validation-split 0.3 "${s[@]}" "$out/tokens" 2>/dev/null
expect_exit 2 newsclf-fit -q --fold 2 "${s[@]}" "$out/tokens" 2>/dev/null
head -3 "$TESTDATA/news.sample.tsv" > "$SCRATCH/three.tsv"
expect_exit 1 newsclf-fit -q --folds 5 --fold 5 "${s[@]}" "$SCRATCH/three.tsv" 2>/dev/null
[ -e "$SCRATCH/a" ] && fail "a refused split left a file"
mk OUT="$SCRATCH/bad" CV=1 > "$SCRATCH/bad.log" 2>&1 && fail "CV=1 was accepted"
mk OUT="$SCRATCH/bad" linearsvc > "$SCRATCH/bad.log" 2>&1 && fail "linearsvc without CV was accepted"

finish
