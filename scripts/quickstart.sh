#!/usr/bin/env bash
# Sets newsclf up and trains two models on the bundled sample (testdata/): newsclf's ensemble of a
# TF-IDF linear model, a bag of words and n-grams and a CNN, and the workshop's own network. Each
# is scored on the same 20% of the rows, held out of its training (out/sample/MODEL/metrics.json),
# and asked for the workshop's headlines; newsclf-report shows both on one page with charts
# (out/sample/report.html). With one training thread, every run prints the same.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
headlines="Why Exercise Alone May Not Be the Key to Weight Loss
Apple unveils iPhone 6 with a bigger screen
Fed holds rates steady as inflation stays low
Kim Kardashian and Kanye West marry in Florence
'Deadpool 2' Has More Swearing, Slicing and Dicing from Ryan Reynolds"
models=(ensemble workshop)
for model in "${models[@]}"; do
  case $model in
    ensemble) settings=(ARCH=ensemble) ;;
    workshop) settings=(PRESET=workshop) ;;
  esac
  echo "quickstart: training the $model model (out/sample/$model/train.log)" >&2
  make --no-print-directory -f scripts/experiment.mk OUT="out/sample/$model" "${settings[@]}" THREADS=1 >&2
  build/bin/newsclf-predict -q --model "out/sample/$model/model" <<<"$headlines" >"out/sample/$model/predictions.jsonl"
done

echo "Accuracy on the $(jq .n out/sample/ensemble/metrics.json) rows held out of training, with its 95% interval:"
for model in "${models[@]}"; do
  # shellcheck disable=SC2046  # the three numbers, as printf's arguments
  printf '  %-9s %.3f  [%.3f, %.3f]\n' "$model" \
    $(jq -r '"\(.accuracy) \(.intervals.accuracy[0]) \(.intervals.accuracy[1])"' "out/sample/$model/metrics.json")
done
units=$(jq -r '"\(.intervals.units) \(if .intervals.unit == "story" then "stories" else "rows" end)"' out/sample/ensemble/metrics.json)
echo "  (newsclf-eval's bootstrap over the $units they come from)"
echo
# Each headline, then each model's label, category and probability.
paste -d '\n' <(echo "$headlines") \
  <(paste out/sample/ensemble/predictions.jsonl out/sample/workshop/predictions.jsonl |
    while IFS=$'\t' read -r ensemble workshop; do
      for p in "$ensemble" "$workshop"; do jq -j '"\(.label) \(.category) \(.probabilities[.label] * 100 | round)%\t"' <<<"$p"; done
      echo
    done | awk -F'\t' '{ printf "  ensemble: %-27s workshop: %s\n", $1, $2 }')
echo
echo "The workshop's network squeezes each headline through a Dense layer of 2 units, too few for"
echo "four classes; the ensemble sees every word and word pair (newsclf-fit --arch ensemble --help)."
build/bin/newsclf-report -q --title "newsclf on the sample: the ensemble and the workshop's network" \
  -m out/sample/ensemble/model -m out/sample/workshop/model -o out/sample/report.html out/sample/ensemble/validation.tokens
echo
echo "Both models side by side, with charts: out/sample/report.html"
