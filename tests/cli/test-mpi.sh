#!/usr/bin/env bash
# newsclf-fit under mpirun (2 ranks on this machine, oversubscribed): the data-parallel mlp scores
# within 2 points of the one-rank model on held-out rows; only rank 0 speaks and writes; stdin and
# the archs that do not train on ranks are refused; ranks whose weights differ at the end fail the
# run (NEWSCLF_TEST_PERTURB_RANK, a test-only hook of the trainer); a killed rank, or one that
# fails alone, ends the job.
# The trainer's equivalence with one rank (batches of B on 2 ranks = batches of 2B on one) is
# tests/training/test_trainer.cpp's.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

if ! command -v mpirun >/dev/null; then
  echo "skipped: no mpirun (install openmpi-bin)"
  exit 0
fi
if newsclf-fit --version | grep -q '^MPI: none'; then
  echo "skipped: newsclf was built without MPI"
  exit 0
fi
# Open MPI refuses to run as root without these; set here only, for the test's own mpirun.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi() { mpirun --oversubscribe -np 2 "$@"; }

newsclf-tokenize -q --max-words 0 -o tokens "$TESTDATA/news.sample.tsv" || fail "tokenize failed"
newsclf-embed -q --vocab tokens -o emb.npy "$TESTDATA/glove.sample.100d.txt.xz" || fail "embed failed"
newsclf-fit -q --split-out train held tokens || fail "--split-out failed"

# (a) Two ranks against one, on the held-out rows.
newsclf-fit -q -e emb.npy -o one.model train || fail "fit on one rank failed"
mpi newsclf-fit -e emb.npy -o two.model train 2>two.err || fail "fit on two ranks failed: $(cat two.err)"
one=$(newsclf-eval -q -m one.model held | jq .accuracy)
two=$(newsclf-eval -q -m two.model held | jq .accuracy)
echo "held-out accuracy: one rank $one, two ranks $two"
jq -en --argjson a "$one" --argjson b "$two" '($a - $b) | fabs <= 0.02' >/dev/null ||
  fail "two ranks' accuracy $two is not within 2 points of one rank's $one"
[ "$(grep -c '^newsclf-fit: Epoch 2/2' two.err)" -eq 1 ] || fail "not one rank's progress only: $(cat two.err)"
newsclf-predict -m two.model --inspect | jq -e '.hyperparameters | has("scale_lr") | not' >/dev/null ||
  fail "a model trained without --scale-lr records scale_lr"
mpi newsclf-fit -q -e emb.npy --scale-lr 1 -o scaled.model train || fail "fit --scale-lr 1 failed"
newsclf-predict -m scaled.model --inspect | jq -e '.hyperparameters.scale_lr == "1"' >/dev/null ||
  fail "the --scale-lr 1 model does not record it"

# Refusals: stdin, and an arch that does not train on ranks.
expect_exit 2 mpi newsclf-fit -q -e emb.npy -o stdin.model - <train 2>err
grep -q "give a file, not stdin" err || fail "stdin under mpirun: $(cat err)"
expect_exit 2 mpi newsclf-fit -q --arch linear -o linear.model train 2>err
grep -q "does not train on several ranks" err || fail "linear under mpirun: $(cat err)"
[ ! -e stdin.model ] && [ ! -e linear.model ] || fail "a refused run wrote a model"

# (c) A rank whose weights differ at the end fails the run, and no model is written.
expect_exit 4 mpi -x NEWSCLF_TEST_PERTURB_RANK=1 newsclf-fit -q -e emb.npy -o perturbed.model train 2>err
grep -q "ranks ended training with different weights" err || fail "the weights check did not fire: $(cat err)"
[ ! -e perturbed.model ] || fail "ranks that disagree wrote a model"

# (d) A rank killed during training ends the job within 10 s, with a failure.
start=$SECONDS
mpi bash -c 'if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then (sleep 1; kill -9 $$) & fi
             exec newsclf-fit -q -e emb.npy --epochs 100000 -o killed.model train' >/dev/null 2>err
status=$?
elapsed=$((SECONDS - start))
echo "killed rank: exit $status after ${elapsed}s"
[ "$status" -ne 0 ] || fail "the job with a killed rank exited 0"
[ "$elapsed" -le 11 ] || fail "the job with a killed rank took ${elapsed}s to end"
[ ! -e killed.model ] || fail "the job with a killed rank wrote a model"

# A rank that fails alone (its input is missing) takes the other, waiting for it, down at once.
start=$SECONDS
mpi bash -c 'f=train; [ "$OMPI_COMM_WORLD_RANK" = 1 ] && f=missing
             exec newsclf-fit -q -e emb.npy -o lone.model "$f"' >/dev/null 2>err
status=$?
[ "$status" -eq 1 ] || fail "a rank that could not read its input: exit $status, not 1: $(cat err)"
[ $((SECONDS - start)) -le 10 ] || fail "a rank that failed alone left the job running $((SECONDS - start))s"
[ ! -e lone.model ] || fail "a job with a failed rank wrote a model"

finish
