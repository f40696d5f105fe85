#!/usr/bin/env bash
# Benchmark of newsclf against the classifiers a user would pick instead, on the same train and
# test files and the same words: every architecture newsclf-fit --help lists under --arch (each
# with its defaults), fastText supervised (defaults; -wordNgrams 2 -epoch 10; both -thread 2) and
# TF-IDF 1-2 grams (sublinear tf) + LinearSVC from scikit-learn. Prints one table: accuracy with
# its 95% interval, macro-F1, training wall time, prediction throughput, model size, training
# peak memory; then, per split, the most accurate newsclf system against the most accurate peer,
# paired on the same test rows (newsclf-eval --compare: the difference, its interval, McNemar's p).
#
#   scripts/bench/peers.sh DATA GLOVE [--json FILE]
#
# DATA is the data set's TSV, GLOVE the GloVe 100-d text (either may be compressed). Outside the
# timings: the row split (random.Random(99).shuffle, first 80% train) and the story split
# (int(md5(STORY), 16) % 5 == 0 is test) are written by split.py, and newsclf-tokenize
# --output-format fasttext turns them into the words every peer reads.
# Timed, whole processes, one at a time: training from the train file to a model file (newsclf:
# tokenize with every word + embed + fit with the arch's defaults; fastText: supervised;
# scikit-learn: tfidf_linearsvc.py train), then prediction of the whole test file, model load
# included (newsclf-predict on the titles, fasttext predict-prob, tfidf_linearsvc.py predict).
# Timings are medians of RUNS runs (default 3), peak memory the largest of the runs, accuracy and
# macro-F1 those of the last run, all scored by score.py from the predicted labels (checked
# against newsclf-eval on newsclf's own models). The intervals are newsclf-eval's percentile
# bootstrap: 1000 resamples of the test rows on the row split, of whole stories on the story split
# (tomorrow's headlines belong to stories nobody has seen). The peers come with scripts/setup.sh --bench.
# Compact models, after the others: newsclf-bag-quantized and newsclf-linear-quantized are the
# bag and linear models of the same run through newsclf-quantize (bag: --bits 4 --cutoff 200000,
# linear: --cutoff 300000; train s adds the quantization to the fit), fasttext-quantized is
# fastText's .ftz: supervised with its defaults, then quantize -qnorm -retrain -cutoff 100000
# (both timed). SYSTEMS="name ..." limits the run to those systems (a quantized one needs its base).
# FASTTEXT_BUCKET (default 2000000, fastText's own) sets fastText's hash buckets; the project's
# test lowers it, as the default's 765 MB model takes most of a run on a small sample.
set -euo pipefail
. "$(dirname "$0")/common.sh"
bench=$here/scripts/bench
runs=${RUNS:-3}
fasttext_bucket=${FASTTEXT_BUCKET:-2000000}
python=/usr/bin/python3
data_glove_args "$@"
case "$fasttext_bucket" in ''|*[!0-9]*) echo "peers.sh: FASTTEXT_BUCKET must be an integer, not '$fasttext_bucket'" >&2; exit 2 ;; esac
require_tools "$bin" tokenize embed fit eval predict

# Whatever architectures newsclf-fit offers, as its --help lists them: "--arch {mlp,linear}=mlp".
archs=$(fit_archs "$bin")
[ -n "$archs" ] || { echo "peers.sh: newsclf-fit --help lists no --arch choices" >&2; exit 1; }
systems=()
for a in $archs; do systems+=("newsclf-$a"); done
systems+=(fasttext-default fasttext-bigram sklearn-linearsvc)
for a in bag linear; do
  case " $archs " in *" $a "*) systems+=("newsclf-$a-quantized") ;; esac
done
systems+=(fasttext-quantized)
if [ -n "${SYSTEMS:-}" ]; then
  chosen=()
  for sys in $SYSTEMS; do
    case " ${systems[*]} " in *" $sys "*) chosen+=("$sys") ;; *) echo "peers.sh: SYSTEMS: no system $sys (${systems[*]})" >&2; exit 2 ;; esac
    case "$sys" in newsclf-*-quantized) case " $SYSTEMS " in *" ${sys%-quantized} "*) ;; *)
      echo "peers.sh: SYSTEMS: $sys needs ${sys%-quantized}" >&2; exit 2 ;; esac ;; esac
  done
  systems=()
  for sys in newsclf-mlp newsclf-linear newsclf-bag newsclf-cnn newsclf-lstm newsclf-ensemble fasttext-default fasttext-bigram \
    sklearn-linearsvc newsclf-bag-quantized newsclf-linear-quantized fasttext-quantized; do
    case " ${chosen[*]} " in *" $sys "*) systems+=("$sys") ;; esac
  done
fi
# The peers' programs, for the systems that run them.
missing=()
case " ${systems[*]} " in *" fasttext-"*) command -v fasttext > /dev/null || missing+=("fasttext") ;; esac
case " ${systems[*]} " in *" sklearn-"*) $python -c 'import sklearn' 2> /dev/null || missing+=("python3-sklearn (for $python)") ;; esac
[ -x /usr/bin/time ] || missing+=("time (/usr/bin/time)")
command -v jq > /dev/null || missing+=("jq")
if [ ${#missing[@]} -gt 0 ]; then
  echo "peers.sh: missing ${missing[*]}: run scripts/setup.sh --bench" >&2
  exit 1
fi
splits=(row story)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plain "$data" "$work/data.tsv"
plain "$glove" "$work/glove.txt"

echo "peers.sh: splitting $(basename "$data"); systems: ${systems[*]}; $runs run(s)" >&2
$python "$bench/split.py" "$work/data.tsv" "$work/splits"
for s in "${splits[@]}"; do
  d=$work/splits
  for p in train test; do
    "$bin/newsclf-tokenize" -q --output-format fasttext -o "$d/$s.$p.ft" "$d/$s.$p.tsv"
  done
  sed 's/^__label__[a-z]* \{0,1\}//' "$d/$s.test.ft" > "$d/$s.test.words"  # the words alone
  cut -f2 "$d/$s.test.tsv" > "$d/$s.test.titles"
  cut -f5 "$d/$s.test.tsv" > "$d/$s.test.gold"
done
cat "$work/data.tsv" "$work/glove.txt" "$work"/splits/* > /dev/null  # into the page cache

# run_timed SYSTEM SPLIT STEP RUN command...: when the command succeeds, appends
# "SYSTEM SPLIT STEP RUN wall_s peak_rss_kb" to $work/times; its stderr goes to $work/logs.
# Returns the command's exit status. timed: the same, and a failure ends the benchmark.
mkdir -p "$work/logs"
run_timed() {
  local sys=$1 split=$2 step=$3 run=$4 rc=0; shift 4
  /usr/bin/time -f "$sys $split $step $run %e %M" -o "$work/time.last" "$@" 2> "$work/logs/$sys.$split.$step.log" || rc=$?
  [ "$rc" -ne 0 ] || cat "$work/time.last" >> "$work/times"
  return "$rc"
}
step_failed() {
  echo "peers.sh: $1 ($2 split, $3) failed:" >&2
  tail -5 "$work/logs/$1.$2.$3.log" >&2
  exit 1
}
timed() { run_timed "$@" || step_failed "$@"; }

# train_and_predict SYSTEM SPLIT RUN: trains on the split's train file, predicts its test file,
# leaves the model's size in $out/model_bytes and the predicted labels in $out/pred.
train_and_predict() {
  local sys=$1 s=$2 run=$3 d=$work/splits out=$work/out/$1.$2
  rm -rf "$out"; mkdir -p "$out"
  case "$sys" in
    newsclf-*-quantized)
      # The base model of this run and split, quantized; its training steps count as this one's.
      local base=${sys%-quantized} opts=(--cutoff 300000)
      [ "$base" = newsclf-bag ] && opts=(--bits 4 --cutoff 200000)
      awk -v b="$base" -v s="$s" -v r="$run" -v q="$sys" '$1 == b && $2 == s && $4 == r && $3 != "predict" { $1 = q; print }' \
        "$work/times" >> "$work/times"
      timed "$sys" "$s" quantize "$run" "$bin/newsclf-quantize" -q "${opts[@]}" -m "$work/out/$base.$s/model" -o "$out/model"
      timed "$sys" "$s" predict "$run" "$bin/newsclf-predict" -q -m "$out/model" --input-format lines \
        -o "$out/pred.jsonl" "$d/$s.test.titles"
      jq -r .label "$out/pred.jsonl" > "$out/pred"
      wc -c < "$out/model" > "$out/model_bytes"
      ;;
    newsclf-*)
      # Every word of the train file; each arch keeps the words it wants (its max_words default).
      # Every arch reads the word vectors (linear: the direction of a headline's mean vector).
      local arch=${sys#newsclf-}
      timed "$sys" "$s" tokenize "$run" "$bin/newsclf-tokenize" -q --max-words 0 -o "$out/tokens" "$d/$s.train.tsv"
      timed "$sys" "$s" embed "$run" "$bin/newsclf-embed" -q --vocab "$out/tokens" -o "$out/embedding.npy" "$work/glove.txt"
      timed "$sys" "$s" fit "$run" "$bin/newsclf-fit" -q --arch "$arch" -e "$out/embedding.npy" -o "$out/model" "$out/tokens"
      timed "$sys" "$s" predict "$run" "$bin/newsclf-predict" -q -m "$out/model" --input-format lines \
        -o "$out/pred.jsonl" "$d/$s.test.titles"
      jq -r .label "$out/pred.jsonl" > "$out/pred"
      wc -c < "$out/model" > "$out/model_bytes"
      ;;
    fasttext-*)
      local opts=() model=$out/model.bin
      [ "$sys" = fasttext-bigram ] && opts=(-wordNgrams 2 -epoch 10)
      timed "$sys" "$s" train "$run" fasttext supervised -input "$d/$s.train.ft" -output "$out/model" \
        -thread 2 -verbose 0 -bucket "$fasttext_bucket" "${opts[@]}"
      if [ "$sys" = fasttext-quantized ]; then
        timed "$sys" "$s" quantize "$run" fasttext quantize -input "$d/$s.train.ft" -output "$out/model" \
          -thread 2 -verbose 0 -qnorm -retrain -cutoff 100000
        model=$out/model.ftz
      fi
      timed "$sys" "$s" predict "$run" sh -c 'fasttext predict-prob "$1" "$2" > "$3"' sh \
        "$model" "$d/$s.test.words" "$out/pred.txt"
      sed 's/^__label__\([a-z]*\).*/\1/' "$out/pred.txt" > "$out/pred"
      wc -c < "$model" > "$out/model_bytes"
      rm -f "$out/model.bin" "$out/model.vec"  # the bigram model is 800 MB
      ;;
    sklearn-linearsvc)
      timed "$sys" "$s" train "$run" $python "$bench/tfidf_linearsvc.py" train "$d/$s.train.ft" "$out/model.pkl"
      timed "$sys" "$s" predict "$run" sh -c '"$1" "$2" predict "$3" "$4" > "$5"' sh \
        $python "$bench/tfidf_linearsvc.py" "$out/model.pkl" "$d/$s.test.words" "$out/pred"
      wc -c < "$out/model.pkl" > "$out/model_bytes"
      ;;
  esac
  $python "$bench/score.py" "$d/$s.test.gold" "$out/pred" > "$out/score.json"
}

# unit_of SPLIT: what a bootstrap resample of its test rows draws.
unit_of() { if [ "$1" = story ]; then echo story; else echo row; fi; }
# labels_for_eval PRED GOLD: the predicted labels with an empty line (no prediction, which
# score.py counts as wrong) made a wrong label, as newsclf-eval --compare needs a label a row.
labels_for_eval() {
  awk 'NR == FNR { gold[FNR] = $0; next }
    $0 == "" { $0 = (gold[FNR] == "b" ? "t" : "b") } { print }' "$2" "$1"
}

for run in $(seq 1 "$runs"); do
  for s in "${splits[@]}"; do
    for sys in "${systems[@]}"; do
      train_and_predict "$sys" "$s" "$run"
      echo "run $run, $s split, $sys: accuracy $(jq .accuracy "$work/out/$sys.$s/score.json")" >&2
    done
  done
done

# The scorer must agree with newsclf-eval on newsclf's own models (last run).
disagree=0
for s in "${splits[@]}"; do
  for sys in "${systems[@]}"; do
    case "$sys" in newsclf-*) ;; *) continue ;; esac
    out=$work/out/$sys.$s
    "$bin/newsclf-eval" -q -m "$out/model" --bootstrap-unit "$(unit_of "$s")" -o "$out/eval.json" "$work/splits/$s.test.tsv"
    if ! jq -e -n --slurpfile a "$out/score.json" --slurpfile b "$out/eval.json" \
      '($a[0].n == $b[0].n) and ((($a[0].accuracy - $b[0].accuracy) | fabs) < 1e-6)
       and ((($a[0].macro_f1 - $b[0].macro_f1) | fabs) < 1e-6)' > /dev/null; then
      echo "peers.sh: score.py and newsclf-eval disagree on $sys ($s split): $(jq -c . "$out/score.json") vs $(jq -c '{n, accuracy, macro_f1}' "$out/eval.json")" >&2
      disagree=1
    fi
  done
done

# The 95% interval of each system's accuracy (newsclf-eval's percentile bootstrap, 1000 resamples:
# of whole stories on the story split, of rows on the row split) in $out/interval as "lo hi". A
# peer's comes from newsclf-eval --compare with its labels, as B's interval (any newsclf model of
# the split is A; the draws are the same); without a newsclf model in the run, none.
for s in "${splits[@]}"; do
  ref=""
  for sys in "${systems[@]}"; do case "$sys" in newsclf-*) ref=$work/out/$sys.$s/model; break ;; esac; done
  for sys in "${systems[@]}"; do
    out=$work/out/$sys.$s
    case "$sys" in
      newsclf-*) jq -r '.intervals.accuracy | "\(.[0]) \(.[1])"' "$out/eval.json" > "$out/interval" ;;
      *)
        : > "$out/interval"
        [ -n "$ref" ] || continue
        labels_for_eval "$out/pred" "$work/splits/$s.test.gold" > "$out/pred.labels"
        "$bin/newsclf-eval" -q -m "$ref" --bootstrap-unit "$(unit_of "$s")" --compare "$out/pred.labels" \
          -o "$out/compare.json" "$work/splits/$s.test.tsv"
        jq -r '.comparison.accuracy.b_interval | "\(.[0]) \(.[1])"' "$out/compare.json" > "$out/interval"
        ;;
    esac
  done
done

# train_s SYS SPLIT: median over runs of the training steps' summed wall time.
train_s() {
  awk -v sys="$1" -v s="$2" '$1 == sys && $2 == s && $3 != "predict" { t[$4] += $5 } END { for (r in t) print t[r] }' "$work/times" | median
}
step_s() { awk -v sys="$1" -v s="$2" -v st="$3" '$1 == sys && $2 == s && $3 == st { print $5 }' "$work/times" | median; }
train_rss_kb() {
  awk -v sys="$1" -v s="$2" '$1 == sys && $2 == s && $3 != "predict" && $6 > m { m = $6 } END { print m + 0 }' "$work/times"
}
commas() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
peer_of() {
  case "$1" in
    newsclf-*-quantized) echo fasttext-quantized ;;
    newsclf-linear | newsclf-ensemble) echo sklearn-linearsvc ;;
    newsclf-*) echo fasttext-bigram ;;
  esac
}

# One line per system and split: "sys split accuracy macro_f1 train_s titles_per_s model_bytes peak_rss_bytes
# accuracy_lo accuracy_hi" (the interval "- -" when there is none)
for s in "${splits[@]}"; do
  n=$(wc -l < "$work/splits/$s.test.gold")
  for sys in "${systems[@]}"; do
    out=$work/out/$sys.$s
    echo "$sys $s $(jq -r '"\(.accuracy) \(.macro_f1)"' "$out/score.json") $(train_s "$sys" "$s")" \
      "$(awk -v n="$n" -v t="$(step_s "$sys" "$s" predict)" 'BEGIN { printf "%.0f", n / (t > 0 ? t : 0.005) }')" \
      "$(cat "$out/model_bytes") $(( $(train_rss_kb "$sys" "$s") * 1024 ))" \
      "$(if [ -s "$out/interval" ]; then cat "$out/interval"; else echo - -; fi)"
  done
done > "$work/rows"

echo
echo "newsclf against its peers on $(basename "$data"): $(wc -l < "$work/splits/row.test.gold") row-split and" \
  "$(wc -l < "$work/splits/story.test.gold") story-split test titles; medians of $runs run(s)"
printf '| %-24s | %-5s | %8s | %-16s | %8s | %8s | %-29s | %16s | %9s | %18s |\n' \
  system split accuracy "95% interval" macro-F1 "train s" "train time vs peer" "predict titles/s" "model MiB" "train peak RSS MiB"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------------------------- ------- ---------: ------------------ ---------: ---------: \
  ------------------------------- -----------------: ----------: -------------------:
while read -r sys s acc f1 tr tps bytes rss lo hi; do
  ratio=""
  peer=$(peer_of "$sys")
  peer_tr=""
  [ -n "$peer" ] && peer_tr=$(awk -v p="$peer" -v s="$s" '$1 == p && $2 == s { print $5 }' "$work/rows")
  if [ -n "$peer_tr" ]; then  # SYSTEMS may leave the peer out
    ratio=$(awk -v a="$tr" -v b="$peer_tr" -v p="$peer" 'BEGIN { printf "%.3f of %s", a / b, p }')
  fi
  interval=""
  [ "$lo" = - ] || interval=$(printf '[%.4f, %.4f]' "$lo" "$hi")
  printf '| %-24s | %-5s | %8.4f | %-16s | %8.4f | %8.2f | %-29s | %16s | %9.1f | %18.0f |\n' "$sys" "$s" "$acc" "$interval" "$f1" "$tr" \
    "$ratio" "$(commas "$tps")" "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')" \
    "$(awk -v b="$rss" 'BEGIN { print b / 1048576 }')"
done < "$work/rows"
echo
for sys in "${systems[@]}"; do
  case "$sys" in
    newsclf-*-quantized)
      echo "$sys: train s = ${sys%-quantized}'s + newsclf-quantize; the quantization alone:" \
        "$(printf '%.2f s (row), %.2f s (story)' "$(step_s "$sys" row quantize)" "$(step_s "$sys" story quantize)")"
      continue ;;
    newsclf-*) ;;
    *) continue ;;
  esac
  echo "$sys, fit with its defaults: train s = newsclf-tokenize + newsclf-embed + newsclf-fit; the fit alone:" \
    "$(printf '%.2f s (row), %.2f s (story)' "$(step_s "$sys" row fit)" "$(step_s "$sys" story fit)")"
done
echo "95% interval: of the accuracy, newsclf-eval's percentile bootstrap (1000 resamples of the test" \
  "rows on the row split, of whole stories on the story split)"
# Per split, the most accurate newsclf system against the most accurate peer on the same test rows:
# newsclf-eval --compare with the peer's labels (paired bootstrap, McNemar's test).
for s in "${splits[@]}"; do
  read -r ns ps <<< "$(awk -v s="$s" '$2 == s {
      if ($1 ~ /^newsclf-/) { if ($3 > na) { na = $3; ns = $1 } } else if ($3 > pa) { pa = $3; ps = $1 } }
    END { print (ns == "" ? "-" : ns), (ps == "" ? "-" : ps) }' "$work/rows")"
  [ "$ns" = - ] && continue
  if [ "$ps" = - ]; then
    printf '%s split: most accurate newsclf model %s %.4f (no peer ran)\n' "$s" "$ns" \
      "$(awk -v s="$s" -v n="$ns" '$1 == n && $2 == s { print $3 }' "$work/rows")"
    continue
  fi
  # The peer's labels as the intervals above wrote them.
  "$bin/newsclf-eval" -q -m "$work/out/$ns.$s/model" --bootstrap-unit "$(unit_of "$s")" \
    --compare "$work/out/$ps.$s/pred.labels" -o "$work/compare.$s.json" "$work/splits/$s.test.tsv"
  read -r acc_a acc_b diff lo hi units mb mc p <<< "$(jq -r '.comparison | [.accuracy.a, .accuracy.b, .accuracy.difference,
    .accuracy.interval[0], .accuracy.interval[1], .units, .mcnemar.b, .mcnemar.c, .mcnemar.p_value] | map(tostring) | join(" ")' \
    "$work/compare.$s.json")"
  printf '%s split: most accurate newsclf model %s %.4f, best peer %s %.4f: %+.2f points, 95%% interval %+.2f to %+.2f' \
    "$s" "$ns" "$acc_a" "$ps" "$acc_b" "$(awk -v d="$diff" 'BEGIN { print 100 * d }')" \
    "$(awk -v d="$lo" 'BEGIN { print 100 * d }')" "$(awk -v d="$hi" 'BEGIN { print 100 * d }')"
  units_of=rows
  [ "$(unit_of "$s")" = story ] && units_of=stories
  printf ' (paired bootstrap of %s %s); McNemar: %s rows right by %s alone, %s by %s alone, p = %.3g\n' \
    "$units" "$units_of" "$mb" "$ns" "$mc" "$ps" "$p"
done

if [ -n "$json" ]; then
  awk 'BEGIN { print "[" } NR > 1 { print "," }
    { interval = ($9 == "-" ? "null" : "[" $9 ", " $10 "]")
      printf "  {\"system\": \"%s\", \"split\": \"%s\", \"accuracy\": %s, \"accuracy_interval\": %s, \"interval_unit\": \"%s\", \"macro_f1\": %s, \"train_s\": %s, \"predict_titles_per_s\": %s, \"model_bytes\": %s, \"peak_rss_bytes\": %s}", $1, $2, $3, interval, ($2 == "story" ? "story" : "row"), $4, $5, $6, $7, $8 }
    END { print ""; print "]" }' "$work/rows" > "$json.tmp"
  jq -e 'length > 0' "$json.tmp" > /dev/null && mv "$json.tmp" "$json"
fi
exit "$disagree"
