#!/usr/bin/env bash
# How close newsclf's tools come to the machine's limit: titles per second of newsclf-tokenize
# (--max-words 0, the whole file) and of newsclf-predict with a model of each architecture (the
# file's titles, one a line, model load included, output to /dev/null), and the seconds of
# newsclf-fit for the workshop's model (2 epochs); each against `wc -w` over the same file, the
# simplest word pass a shell has, and against `fasttext predict-prob` with a fastText model of
# the same words. Medians of RUNS runs (default 3); peak memory (/usr/bin/time) the largest.
# Whether memory stays flat however long the input: tokenize and predict with the first arch
# again over ten copies of the file (steps tokenize-x10 and predict-ARCH-x10, their own titles
# count), which a streaming tool reads in the same peak memory as one copy.
#
#   scripts/bench/throughput.sh DATA GLOVE [--json FILE]
#
# DATA and GLOVE may be compressed; they are decompressed once, outside the timings, and read
# once into the page cache. The models are trained first, untimed, each arch with its defaults
# on the whole file (GLOVE's vectors for every arch); ARCHS="linear bag" limits the archs.
# BASELINE=DIR adds the same rows for the tools in DIR (the bin/ of another build, such as one of
# the commit a change starts from, `scripts/setup.sh --build-dir DIR` in a worktree of it), its
# models trained by its own newsclf-fit; its rows are named "baseline". Without fastText on the
# PATH its row is left out, with a note. --json FILE writes one object per row: {"system", "step",
# "seconds", "titles_per_s", "peak_rss_bytes"}.
set -euo pipefail
. "$(dirname "$0")/common.sh"
runs=${RUNS:-3}
data_glove_args "$@"
systems=(newsclf)
[ -z "${BASELINE:-}" ] || systems+=(baseline)
# bin_of SYSTEM: the directory of its tools.
bin_of() { if [ "$1" = baseline ]; then echo "$BASELINE"; else echo "$bin"; fi; }
for sys in "${systems[@]}"; do require_tools "$(bin_of "$sys")" tokenize embed fit predict; done
archs=${ARCHS:-$(fit_archs "$bin")}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plain "$data" "$work/data.tsv"
plain "$glove" "$work/glove.txt"
cat "$work/data.tsv" "$work/glove.txt" > /dev/null  # into the page cache, like every run after it
cut -f2 "$work/data.tsv" > "$work/titles"
titles=$(wc -l < "$work/titles")
for copy in $(seq 10); do cat "$work/data.tsv"; done > "$work/data.x10.tsv"
for copy in $(seq 10); do cat "$work/titles"; done > "$work/titles.x10"

# timed SYSTEM STEP TITLES command...: appends "SYSTEM STEP wall_s peak_rss_kb TITLES" to $work/times
timed() {
  local sys=$1 step=$2 n=$3; shift 3
  /usr/bin/time -f "$sys $step %e %M $n" -a -o "$work/times" "$@"
}

for sys in "${systems[@]}"; do
  b=$(bin_of "$sys") out="$work/$sys"
  mkdir -p "$out"
  echo "throughput.sh: training the $sys models ($archs)" >&2
  "$b/newsclf-tokenize" -q --max-words 0 -o "$out/tokens" "$work/data.tsv"
  "$b/newsclf-embed" -q --vocab "$out/tokens" -o "$out/embedding.npy" "$work/glove.txt"
  for arch in $archs; do
    "$b/newsclf-fit" -q --arch "$arch" -e "$out/embedding.npy" -o "$out/$arch.model" "$out/tokens"
  done
done
fasttext=false
if command -v fasttext > /dev/null; then
  fasttext=true
  "$bin/newsclf-tokenize" -q --max-words 0 --output-format fasttext -o "$work/train.ft" "$work/data.tsv"
  sed 's/^__label__[a-z]* //' "$work/train.ft" > "$work/words"
  fasttext supervised -input "$work/train.ft" -output "$work/fasttext" -thread 2 -verbose 0 > /dev/null
else
  echo "throughput.sh: no fasttext on the PATH; its row is left out" >&2
fi

first_arch=${archs%% *}
for run in $(seq 1 "$runs"); do
  timed wc words "$titles" wc -w "$work/data.tsv" > /dev/null
  for sys in "${systems[@]}"; do
    b=$(bin_of "$sys") out="$work/$sys"
    timed "$sys" tokenize "$titles" "$b/newsclf-tokenize" -q --max-words 0 -o "$out/timed.tokens" "$work/data.tsv"
    for arch in $archs; do
      timed "$sys" "predict-$arch" "$titles" "$b/newsclf-predict" -q -m "$out/$arch.model" --input-format lines \
        -o /dev/null "$work/titles"
    done
    timed "$sys" fit-workshop "$titles" "$b/newsclf-fit" -q --preset workshop -e "$out/embedding.npy" -o "$out/timed.model" "$out/tokens"
    timed "$sys" tokenize-x10 $((10 * titles)) "$b/newsclf-tokenize" -q --max-words 0 -o "$out/timed.tokens" "$work/data.x10.tsv"
    timed "$sys" "predict-$first_arch-x10" $((10 * titles)) "$b/newsclf-predict" -q -m "$out/$first_arch.model" \
      --input-format lines -o /dev/null "$work/titles.x10"
  done
  if $fasttext; then timed fasttext predict "$titles" fasttext predict-prob "$work/fasttext.bin" "$work/words" > /dev/null; fi
  echo "throughput.sh: run $run of $runs done" >&2
done

# rows: "system step seconds titles_per_s peak_rss_kb", medians of the runs, in the order measured.
awk '!seen[$1 " " $2]++ { print $1, $2 }' "$work/times" | while read -r sys step; do
  seconds=$(awk -v s="$sys" -v t="$step" '$1 == s && $2 == t { print $3 }' "$work/times" | median)
  rss=$(awk -v s="$sys" -v t="$step" '$1 == s && $2 == t && $4 > m { m = $4 } END { print m + 0 }' "$work/times")
  n=$(awk -v s="$sys" -v t="$step" '$1 == s && $2 == t { print $5; exit }' "$work/times")
  echo "$sys $step $seconds $(awk -v n="$n" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }') $rss"
done > "$work/rows"
wc_s=$(awk '$1 == "wc" { print $3 }' "$work/rows")

echo
echo "throughput on $(basename "$data"): $titles titles (x10: ten copies); medians of $runs run(s); vs wc -w: the step's time over wc -w's"
printf '| %-9s | %-16s | %8s | %12s | %9s | %13s |\n' system step seconds "titles/s" "vs wc -w" "peak RSS MiB"
printf '|%s|%s|%s|%s|%s|%s|\n' ----------- ------------------ ---------: -------------: ----------: --------------:
while read -r sys step seconds rate rss; do
  printf '| %-9s | %-16s | %8.2f | %12s | %9.2f | %13.0f |\n' "$sys" "$step" "$seconds" \
    "$rate" "$(echo "$seconds / $wc_s" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
done < "$work/rows"

if [ -n "$json" ]; then
  while read -r sys step seconds rate rss; do
    jq -n --arg system "$sys" --arg step "$step" --argjson seconds "$seconds" --argjson rate "$rate" --argjson rss "$rss" \
      '{system: $system, step: $step, seconds: $seconds, titles_per_s: $rate, peak_rss_bytes: ($rss * 1024)}'
  done < "$work/rows" | jq -s . > "$json.tmp" && mv "$json.tmp" "$json"
fi
