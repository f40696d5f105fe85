#!/usr/bin/env bash
# How honest newsclf's probabilities are, before and after the temperature newsclf-fit fits on
# the validation rows: for every architecture newsclf-fit --help lists under --arch (each with its
# defaults) on the row and the story split, the test file's accuracy, expected calibration error
# (ECE: 15 equal-width bins of the predicted class's probability), log-loss and Brier score of the
# network's probabilities (newsclf-eval --uncalibrated) and of the calibrated ones (newsclf-eval).
#
#   scripts/bench/calibration.sh DATA GLOVE [--json FILE]
#
# DATA is the data set's TSV, GLOVE the GloVe 100-d text (either may be compressed). The splits
# are those of peers.sh, written by split.py: rows by random.Random(99).shuffle, first 80% train;
# stories with int(md5(STORY), 16) % 5 == 0 as test. Each split's train file is tokenized with
# every word (newsclf-tokenize --max-words 0) and embedded once (newsclf-embed, for every arch but
# linear). The temperature is only as good as the likeness of the validation rows to the test
# rows, so by default each arch's validation rows are drawn as the split's test rows are:
# newsclf-fit --split-by row on the row split, --split-by story on the story split;
# VALIDATION_SPLIT_BY=arch keeps each arch's own split_by instead. An arch whose defaults hold out
# no validation rows (linear, bag, cnn, lstm: --validation-split 0 in newsclf-fit --arch ARCH
# --help) has nothing to calibrate on, so it is fit with --validation-split 0.15 (and any arch that
# held out no rows all the same is fit again with it). Prints one table; --json writes one object
# per arch and split with the keys arch, split, validation_rows, temperature, accuracy,
# ece_before, ece_after, log_loss_before, log_loss_after, brier_before and brier_after.
set -euo pipefail
. "$(dirname "$0")/common.sh"
bench=$here/scripts/bench
python=/usr/bin/python3
validation_split_by=${VALIDATION_SPLIT_BY:-test}
data_glove_args "$@"
case "$validation_split_by" in test | arch) ;; *)
  echo "calibration.sh: VALIDATION_SPLIT_BY must be test or arch, not '$validation_split_by'" >&2; exit 2 ;;
esac
require_tools "$bin" tokenize embed fit eval predict
command -v jq > /dev/null || { echo "calibration.sh: missing jq: run scripts/setup.sh" >&2; exit 1; }

archs=$(fit_archs "$bin")
[ -n "$archs" ] || { echo "calibration.sh: newsclf-fit --help lists no --arch choices" >&2; exit 1; }
splits=(row story)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plain "$data" "$work/data.tsv"
plain "$glove" "$work/glove.txt"
echo "calibration.sh: splitting $(basename "$data"); archs: $archs" >&2
$python "$bench/split.py" "$work/data.tsv" "$work/splits"

# step NAME command...: runs the command with its stderr in $work/logs/NAME.log; a failure ends the benchmark.
mkdir -p "$work/logs"
step() {
  local name=$1; shift
  "$@" 2> "$work/logs/$name.log" || {
    echo "calibration.sh: $name failed:" >&2
    tail -5 "$work/logs/$name.log" >&2
    exit 1
  }
}

for s in "${splits[@]}"; do
  d=$work/splits
  step "$s.tokenize" "$bin/newsclf-tokenize" -q --max-words 0 -o "$d/$s.tokens" "$d/$s.train.tsv"
  step "$s.embed" "$bin/newsclf-embed" -q --vocab "$d/$s.tokens" -o "$d/$s.npy" "$work/glove.txt"
  for a in $archs; do
    out=$work/out/$a.$s
    mkdir -p "$out"
    fit_opts=()
    [ "$a" = linear ] || fit_opts=(-e "$d/$s.npy")
    [ "$validation_split_by" = arch ] || fit_opts+=(--split-by "$s")
    # An arch whose --help gives --validation-split 0 gets 0.15 from the start, not after a fit
    # that would hold out nothing; one that held out nothing all the same is fit again with it.
    held_out=(--validation-split 0.15)
    if "$bin/newsclf-fit" --arch "$a" --help | grep -qE -- '^ *--validation-split FLOAT=0(\.0*)? '; then
      fit_opts+=("${held_out[@]}")
      held_out=()
    fi
    step "$a.$s.fit" "$bin/newsclf-fit" --arch "$a" "${fit_opts[@]}" -o "$out/model" "$d/$s.tokens"
    step "$a.$s.inspect" "$bin/newsclf-predict" --inspect -m "$out/model" -o "$out/inspect.json"
    if [ "$(jq '.calibration.validation_rows // 0' "$out/inspect.json")" = 0 ] && [ ${#held_out[@]} -gt 0 ]; then
      step "$a.$s.fit" "$bin/newsclf-fit" --arch "$a" "${held_out[@]}" "${fit_opts[@]}" -o "$out/model" "$d/$s.tokens"
      step "$a.$s.inspect" "$bin/newsclf-predict" --inspect -m "$out/model" -o "$out/inspect.json"
    fi
    step "$a.$s.eval" "$bin/newsclf-eval" -q -m "$out/model" -o "$out/after.json" "$d/$s.test.tsv"
    step "$a.$s.eval" "$bin/newsclf-eval" -q --uncalibrated -m "$out/model" -o "$out/before.json" "$d/$s.test.tsv"
    jq -c -n --arg arch "$a" --arg split "$s" --slurpfile i "$out/inspect.json" \
      --slurpfile b "$out/before.json" --slurpfile f "$out/after.json" \
      '{arch: $arch, split: $split, validation_rows: $i[0].calibration.validation_rows,
        temperature: $i[0].calibration.temperature, accuracy: $f[0].accuracy,
        ece_before: $b[0].ece, ece_after: $f[0].ece, log_loss_before: $b[0].log_loss,
        log_loss_after: $f[0].log_loss, brier_before: $b[0].brier, brier_after: $f[0].brier}' >> "$work/rows.jsonl"
    echo "$s split, $a: ECE $(jq -r '"\(.ece_before) -> \(.ece_after)"' <(tail -1 "$work/rows.jsonl"))" >&2
  done
done

echo
echo "Calibration on $(basename "$data"): $(($(wc -l < "$work/splits/row.test.tsv"))) row-split and" \
  "$(($(wc -l < "$work/splits/story.test.tsv"))) story-split test titles; before: the network's probabilities," \
  "after: at the temperature fit on the validation rows ($([ "$validation_split_by" = test ] &&
    echo "split as the test rows are" || echo "each arch's own split_by"))"
printf '| %-8s | %-5s | %8s | %15s | %11s | %12s | %11s | %15s | %14s | %12s | %11s |\n' \
  arch split accuracy "validation rows" temperature "ECE % before" "ECE % after" "log-loss before" \
  "log-loss after" "Brier before" "Brier after"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ---------- ------- ---------: ----------------: ------------: \
  -------------: ------------: ----------------: ---------------: -------------: ------------:
jq -r '[.arch, .split, .accuracy, .validation_rows, .temperature, 100 * .ece_before, 100 * .ece_after,
        .log_loss_before, .log_loss_after, .brier_before, .brier_after] | @tsv' "$work/rows.jsonl" |
  while IFS=$'\t' read -r a s acc rows t eb ea lb la bb ba; do
    printf '| %-8s | %-5s | %8.4f | %15s | %11.4f | %12.2f | %11.2f | %15.4f | %14.4f | %12.4f | %11.4f |\n' \
      "$a" "$s" "$acc" "$rows" "$t" "$eb" "$ea" "$lb" "$la" "$bb" "$ba"
  done
echo
for s in "${splits[@]}"; do
  jq -r -s --arg s "$s" 'map(select(.split == $s)) | max_by(.accuracy) |
    "\($s) split: most accurate \(.arch) (\(.accuracy * 10000 | round / 10000)), ECE \(.ece_before * 10000 | round / 100)% -> \(.ece_after * 10000 | round / 100)%"' \
    "$work/rows.jsonl"
done

if [ -n "$json" ]; then
  jq -s . "$work/rows.jsonl" > "$json.tmp"
  jq -e 'length > 0' "$json.tmp" > /dev/null && mv "$json.tmp" "$json"
fi
