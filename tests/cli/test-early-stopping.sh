#!/usr/bin/env bash
# newsclf-fit --patience: stops when the validation loss stops falling and keeps the best epoch's
# weights; without validation rows it is a usage error.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

newsclf-tokenize -q -o tokens "$TESTDATA/news.sample.tsv"
newsclf-embed -q --vocab tokens -o embedding.npy "$TESTDATA/glove.sample.100d.txt.xz"

# On the sample a 32-unit network overfits after its first epoch (val_loss 0.5518, then 0.5590).
newsclf-fit -e embedding.npy --hidden-units 32 --epochs 10 --patience 1 -o model tokens 2> fit.log ||
  fail "fit --patience failed: $(cat fit.log)"
epochs=$(grep -c 'Epoch [0-9]*/10' fit.log)
[ "$epochs" -lt 10 ] || fail "patience 1 trained all 10 epochs"
newsclf-predict -m model --inspect > inspect.json
best=$(jq '.training.best_epoch' inspect.json)
jq -e --argjson n "$epochs" '.training.epochs_run == $n and (.training.history | length) == $n' inspect.json > /dev/null ||
  fail "epochs_run and history do not match the $epochs epochs run"
[ "$epochs" -eq $((best + 1)) ] || fail "patience 1 should stop one epoch after the best ($best), stopped after $epochs"
best_acc=$(grep "Epoch $best/10" fit.log | grep -o 'val_acc: [0-9.]*' | cut -d' ' -f2)
eval_acc=$(newsclf-eval -m model --subset validation tokens | jq -r '.accuracy * 10000 | round / 10000')
[ "$(printf '%.4f' "$best_acc")" = "$(printf '%.4f' "$eval_acc")" ] ||
  fail "the model holds epoch $best's weights (val_acc $best_acc), but evaluates to $eval_acc"

newsclf-fit -e embedding.npy --epochs 3 --patience 1 --validation-split 0 -o model2 tokens 2> err; status=$?
[ "$status" -eq 2 ] || fail "patience without validation rows exited $status, not 2"
grep -q 'patience needs validation rows' err || fail "no clear message: $(cat err)"
[ -e model2 ] && fail "a refused run left a model"

finish
