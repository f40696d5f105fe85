#!/usr/bin/env bash
# Benchmark of the workshop's experiment on the full data: tokenize, embed (the whole GloVe
# file), fit (2 epochs, row split 80/20, seed 99), eval on the validation split. Prints a table of
# medians over RUNS runs (default 3): wall time and peak memory per step, validation accuracy per
# epoch, and the checks the project promises (accuracy 78-82%, fit < 2 s, experiment < 15 s).
# Each run also fits `--preset workshop-85`, the network of the workshop's original training
# script (Dense(32, relu) x 2), on the same tokens and embedding: the guide's "around 85%".
#
#   scripts/bench/workshop.sh DATA GLOVE [--json FILE]
#
# DATA and GLOVE may be compressed; they are decompressed once, outside the timings. When
# /usr/bin/python3 has torch (Debian's python3-torch), the same model is also trained by
# scripts/bench/workshop_torch.py on the same token ids and embedding, as the peer of
# newsclf-fit (with the OPENBLAS_CORETYPE override of this machine lifted for it, as it slows
# a current PyTorch); PEER=0 skips it.
set -euo pipefail
. "$(dirname "$0")/common.sh"
runs=${RUNS:-3}
data_glove_args "$@"
require_tools "$bin" tokenize embed fit eval

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plain "$data" "$work/data.tsv"
plain "$glove" "$work/glove.txt"
cat "$work/data.tsv" "$work/glove.txt" > /dev/null  # into the page cache, like every run after it

# timed NAME command...: appends "NAME wall_s peak_rss_kb" to $work/times
timed() {
  local name=$1; shift
  /usr/bin/time -f "$name %e %M" -a -o "$work/times" "$@"
}

for run in $(seq 1 "$runs"); do
  out="$work/run$run"
  mkdir -p "$out"
  start=$(date +%s.%N)
  timed tokenize "$bin/newsclf-tokenize" -q -o "$out/tokens" "$work/data.tsv"
  timed embed "$bin/newsclf-embed" --vocab "$out/tokens" -o "$out/embedding.npy" "$work/glove.txt" 2>> "$out/embed.log"
  timed fit "$bin/newsclf-fit" --embedding "$out/embedding.npy" -o "$out/model" "$out/tokens" 2> "$out/train.log"
  timed eval "$bin/newsclf-eval" -q --model "$out/model" --subset validation --bootstrap-unit row \
    -o "$out/metrics.json" "$out/tokens"
  end=$(date +%s.%N)
  echo "experiment $(echo "$end - $start" | bc) 0" >> "$work/times"
  echo "run $run: $(grep -o 'val_acc: [0-9.]*' "$out/train.log" | tr '\n' ' ')" >&2
  timed fit85 "$bin/newsclf-fit" --preset workshop-85 --embedding "$out/embedding.npy" -o "$out/model85" "$out/tokens" \
    2> "$out/train85.log"
  "$bin/newsclf-eval" -q --model "$out/model85" --subset validation --bootstrap-unit row \
    -o "$out/metrics85.json" "$out/tokens"
  echo "run $run, --preset workshop-85: $(grep -o 'val_acc: [0-9.]*' "$out/train85.log" | tr '\n' ' ')" >&2
done

peer=false
if [ "${PEER:-1}" != 0 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  peer=true
  "$bin/newsclf-tokenize" -q --output-format jsonl -o "$work/tokens.jsonl" "$work/run$runs/tokens"
  for run in $(seq 1 "$runs"); do
    timed torch_fit env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$here/scripts/bench/workshop_torch.py" "$work/tokens.jsonl" \
      "$work/run$run/embedding.npy" "$work/torch.pt" 2> "$work/torch$run.log"
    echo "peer run $run: $(grep -o 'val_acc: [0-9.]*' "$work/torch$run.log" | tr '\n' ' ')" >&2
  done
fi

med_of() { awk -v s="$1" -v c="$2" '$1 == s { print $c }' "$work/times" | median; }

last="$work/run$runs"
rows=$(jq .n "$last/metrics.json")
accuracy=$(jq .accuracy "$last/metrics.json")
macro_f1=$(jq .macro_f1 "$last/metrics.json")
epochs=$(grep -o 'val_acc: [0-9.]*' "$last/train.log" | awk '{ print $2 }' | paste -sd, -)
coverage=$(grep -o 'coverage: .*' "$last/embed.log" | head -1)
model_bytes=$(wc -c < "$last/model")
fit_s=$(med_of fit 2) experiment_s=$(med_of experiment 2)
accuracy85=$(jq .accuracy "$last/metrics85.json")
macro_f1_85=$(jq .macro_f1 "$last/metrics85.json")
epochs85=$(grep -o 'val_acc: [0-9.]*' "$last/train85.log" | awk '{ print $2 }' | paste -sd, -)
fit85_s=$(med_of fit85 2)
# interval FILE FIELD: the 95% interval newsclf-eval gives FIELD, as "[lower, upper]" to 4 places.
interval() { jq -r --arg f "$2" '.intervals[$f] | map(. * 10000 | round / 10000) | "[\(.[0]), \(.[1])]"' "$1"; }
accuracy_interval=$(interval "$last/metrics.json" accuracy) macro_f1_interval=$(interval "$last/metrics.json" macro_f1)
accuracy85_interval=$(interval "$last/metrics85.json" accuracy)
acc_ok=$(awk -v a="$accuracy" 'BEGIN { print (a >= 0.78 && a <= 0.82) ? "true" : "false" }')
fit_ok=$(awk -v t="$fit_s" 'BEGIN { print (t < 2) ? "true" : "false" }')
exp_ok=$(awk -v t="$experiment_s" 'BEGIN { print (t < 15) ? "true" : "false" }')

echo
echo "workshop model on $(basename "$data"): $(wc -l < "$work/data.tsv") rows, row split 80/20 seed 99, 2 epochs; $coverage"
echo "medians of $runs runs"
printf '| %-10s | %8s | %13s |\n' step "wall s" "peak RSS MiB"
printf '|%s|%s|%s|\n' ------------ ---------- ---------------
for s in tokenize embed fit eval; do
  printf '| %-10s | %8.2f | %13.0f |\n' "$s" "$(med_of $s 2)" "$(echo "$(med_of $s 3) / 1024" | bc -l)"
done
printf '| %-10s | %8.2f | %13s |\n' experiment "$experiment_s" ""
if $peer; then
  torch_s=$(med_of torch_fit 2)
  torch_epochs=$(grep -o 'val_acc: [0-9.]*' "$work/torch$runs.log" | awk '{ print $2 }' | paste -sd, -)
  echo
  printf '| %-26s | %8s | %13s | %-22s |\n' "fit, same data and model" "wall s" "peak RSS MiB" "val acc per epoch"
  printf '|%s|%s|%s|%s|\n' ---------------------------- ---------- --------------- ------------------------
  printf '| %-26s | %8.2f | %13.0f | %-22s |\n' newsclf-fit "$fit_s" "$(echo "$(med_of fit 3) / 1024" | bc -l)" "$epochs"
  printf '| %-26s | %8.2f | %13.0f | %-22s |\n' "PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), 2 threads" \
    "$torch_s" "$(echo "$(med_of torch_fit 3) / 1024" | bc -l)" "$torch_epochs"
  echo "newsclf-fit takes $(echo "scale=3; $fit_s / $torch_s" | bc) of PyTorch's time ($(echo "scale=1; $torch_s / $fit_s" | bc)x faster)"
fi
echo
echo "validation accuracy per epoch: $epochs; newsclf-eval on the validation split: accuracy $accuracy $accuracy_interval, macro-F1 $macro_f1 $macro_f1_interval (n=$rows; 95% intervals, bootstrap of the rows)"
echo "--preset workshop-85 (Dense(32) x 2): validation accuracy per epoch: $epochs85; accuracy $accuracy85 $accuracy85_interval, macro-F1 $macro_f1_85; fit $fit85_s s"
echo "checks: accuracy in [0.78, 0.82]: $acc_ok; fit < 2 s: $fit_ok; experiment < 15 s: $exp_ok"

if [ -n "$json" ]; then
  {
    echo "{"
    echo "  \"data\": \"$(basename "$data")\", \"runs\": $runs, \"validation_rows\": $rows,"
    echo "  \"val_accuracy_per_epoch\": [$epochs], \"accuracy\": $accuracy, \"accuracy_interval\": $accuracy_interval,"
    echo "  \"macro_f1\": $macro_f1, \"macro_f1_interval\": $macro_f1_interval,"
    echo "  \"model_bytes\": $model_bytes,"
    for s in tokenize embed fit eval; do
      echo "  \"${s}_s\": $(med_of $s 2), \"${s}_peak_rss_bytes\": $(( $(med_of $s 3 | cut -d. -f1) * 1024 )),"
    done
    echo "  \"experiment_s\": $experiment_s,"
    echo "  \"workshop_85\": {\"val_accuracy_per_epoch\": [$epochs85], \"accuracy\": $accuracy85, \"accuracy_interval\": $accuracy85_interval, \"macro_f1\": $macro_f1_85, \"fit_s\": $fit85_s},"
    if $peer; then
      echo "  \"torch_fit_s\": $torch_s, \"torch_fit_peak_rss_bytes\": $(( $(med_of torch_fit 3 | cut -d. -f1) * 1024 )),"
      echo "  \"torch_val_accuracy_per_epoch\": [$torch_epochs], \"fit_time_ratio_to_torch\": $(echo "scale=4; $fit_s / $torch_s" | bc),"
    fi
    echo "  \"checks\": {\"accuracy_78_82\": $acc_ok, \"fit_under_2s\": $fit_ok, \"experiment_under_15s\": $exp_ok}"
    echo "}"
  } > "$json.tmp" && jq . "$json.tmp" > /dev/null && mv "$json.tmp" "$json"
fi
[ "$acc_ok" = true ] && [ "$fit_ok" = true ] && [ "$exp_ok" = true ]
