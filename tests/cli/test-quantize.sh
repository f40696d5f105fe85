#!/usr/bin/env bash
# newsclf-quantize on the bundled sample: the bag and linear models trained on 8,000 rows shrink
# more than tenfold, lose at most 1.5 accuracy points on the other 2,001, load in newsclf-eval and
# newsclf-predict as any model, and an mlp model, a missing file, a corrupt one and --cutoff 0 are
# refused with the documented exit codes.
. "$(dirname "$0")/lib.sh"

cd "$SCRATCH" || exit 1
head -n 8000 "$TESTDATA/news.sample.tsv" > train.tsv
tail -n +8001 "$TESTDATA/news.sample.tsv" > test.tsv
newsclf-tokenize -q --max-words 0 -o train.tokens train.tsv || fail "newsclf-tokenize failed"

accuracy() { newsclf-eval -q -m "$1" test.tsv | jq .accuracy; }
for arch in bag linear; do
  newsclf-fit -q --arch "$arch" -o "$arch.model" train.tokens || fail "newsclf-fit --arch $arch failed"
  opts=(--cutoff 20000)
  [ "$arch" = bag ] && opts+=(--bits 4)
  newsclf-quantize -m "$arch.model" "${opts[@]}" -o "$arch.q.model" 2> "$arch.log" ||
    fail "newsclf-quantize $arch failed: $(cat "$arch.log")"
  grep -q "rows kept" "$arch.log" || fail "newsclf-quantize $arch does not say which rows it kept: $(cat "$arch.log")"
  full=$(wc -c < "$arch.model") small=$(wc -c < "$arch.q.model")
  [ "$small" -lt $((full / 10)) ] || fail "$arch: the quantized model has $small bytes, the model $full"
  a=$(accuracy "$arch.model") b=$(accuracy "$arch.q.model")
  awk -v a="$a" -v b="$b" 'BEGIN { exit !(b >= a - 0.015) }' || fail "$arch: accuracy $a, quantized $b"
  echo "Fed signals no rush to raise rates" | newsclf-predict -m "$arch.q.model" | jq -e .label > /dev/null ||
    fail "newsclf-predict cannot use the quantized $arch model"
  # A model newsclf-fit writes has its calibration (1.4), quantized or not; the quantized one keeps it.
  [ "$(newsclf-predict -m "$arch.q.model" --inspect | jq -r .format)" = newsclf-model/1.4 ] ||
    fail "the quantized $arch model is not format 1.4"
  [ "$(newsclf-predict -m "$arch.model" --inspect | jq -r .format)" = newsclf-model/1.4 ] ||
    fail "the $arch model is not format 1.4"
  cmp <(newsclf-predict -m "$arch.q.model" --inspect | jq .calibration) <(newsclf-predict -m "$arch.model" --inspect | jq .calibration) ||
    fail "the quantized $arch model lost its calibration"
done
# Quantizing again changes nothing; stdout is the default output.
newsclf-quantize -q -m linear.q.model > linear.qq.model || fail "newsclf-quantize of a quantized model failed"
cmp -s linear.q.model linear.qq.model || fail "a quantized model quantized again differs"

# Bad inputs.
newsclf-fit -q --epochs 1 --max-len 10 -e "$TESTDATA/fixtures/tiny.npy" -o mlp.model "$TESTDATA/fixtures/tiny.tokens" ||
  fail "newsclf-fit of the mlp failed"
expect_exit 2 newsclf-quantize -q -m mlp.model -o out.model 2> mlp.err
grep -q "only bag and linear" mlp.err || fail "an mlp model is refused without saying why: $(cat mlp.err)"
expect_exit 1 newsclf-quantize -q -m missing.model -o out.model 2> /dev/null
expect_exit 2 newsclf-quantize -q -m linear.model --cutoff 0 -o out.model 2> /dev/null
expect_exit 2 newsclf-quantize -q -m linear.model --bits 5 -o out.model 2> /dev/null
expect_exit 2 newsclf-quantize -q -m linear.model -o linear.model 2> /dev/null
head -c 100000 bag.q.model > cut.model
expect_exit 3 newsclf-quantize -q -m cut.model -o out.model 2> /dev/null
[ ! -e out.model ] || fail "a refused input left an output"

finish
