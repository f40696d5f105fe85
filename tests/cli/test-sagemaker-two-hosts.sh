#!/usr/bin/env bash
# A real two-host SageMaker job on this machine: two network namespaces joined by a veth pair
# stand in for algo-1 and algo-2 (two_hosts.sh), each runs the train entry point under its own
# host name with its own /opt/ml and resourceconfig.json, and Open MPI runs over TCP between them
# (`ip netns exec` as its launch agent, in place of ssh). The first host launches mpirun and writes the model; the second waits
# for its processes and exits 0 without one. Then the same job on one host, for the accuracy: the
# mlp (gradients averaged each step) and the bag (weights averaged), each within half a point.
# Skipped, with a message, where network namespaces or mpirun are not to be had.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/two_hosts.sh"

TRAIN="$NEWSCLF_SOURCE_DIR/scripts/sagemaker/train"
skip() { echo "skipped: $*"; finish; exit 0; }
command -v mpirun >/dev/null || skip "no mpirun (scripts/setup.sh installs openmpi-bin)"
trap 'two_hosts_down; rm -rf "$SCRATCH"' EXIT
# 10.231.x: addresses of these two namespaces only, reachable from nowhere else.
two_hosts_up "nclf$$" "10.231.$(($$ % 200 + 20))" || skip "$two_hosts_missing"

cd "$SCRATCH" || exit 1
mpi="\"sagemaker_mpi_enabled\": \"true\", \"sagemaker_mpi_custom_mpi_options\": \"$mpi_options\""

# run_job NAME HYPERPARAMETERS: the worker first (it waits for mpirun's processes), then the first
# host; their exit statuses in $first and $second.
run_job() {
  rm -rf "$1.algo1" "$1.algo2"
  sagemaker_job "$1.algo1" "$h1" "[\"$h1\", \"$h2\"]" "$2, $mpi"
  sagemaker_job "$1.algo2" "$h2" "[\"$h1\", \"$h2\"]" "$2, $mpi"
  # No sshd on the worker (the agent is `ip netns exec`), so that none is left running here.
  on_host "$h2" env NEWSCLF_OPT_ML="$PWD/$1.algo2" NEWSCLF_SSHD="$SCRATCH/no-sshd" timeout 60 "$TRAIN" >"$1.algo2.out" 2>"$1.algo2.err" </dev/null &
  local worker=$!
  on_host "$h1" env NEWSCLF_OPT_ML="$PWD/$1.algo1" timeout 60 "$TRAIN" >"$1.algo1.out" 2>"$1.algo1.err" </dev/null
  first=$?
  wait "$worker"
  second=$?
}

# two_hosts NAME HYPERPARAMETERS: the job on both hosts, then on one host alone; the accuracies
# on the validation rows in $two and $one.
two_hosts() {
  local name=$1 hps=$2
  run_job "$name" "$hps"
  if [ "$first" = 124 ]; then
    # Should mpirun's daemons not start the ranks within the minute, a second attempt tells such
    # a stall from a job that cannot run.
    echo "$name: the first attempt timed out: $(tail -2 "$name.algo1.err" | tr '\n' ' ') -- trying once more"
    run_job "$name" "$hps"
  fi
  [ "$first" = 0 ] || fail "$name: the first host's train exited $first: $(tail -5 "$name.algo1.err")"
  [ "$second" = 0 ] || fail "$name: the second host's train exited $second: $(tail -5 "$name.algo2.err")"
  [ -s "$name.algo1/model/newsclf.model" ] || fail "$name: the first host wrote no model"
  [ ! -e "$name.algo2/model/newsclf.model" ] || fail "$name: the second host wrote a model"
  grep -q -- "mpirun --hostfile [^ ]* -np 2 " "$name.algo1.err" ||
    fail "$name: the first host did not start mpirun over both hosts: $(head -3 "$name.algo1.err")"
  grep -q 'the job.s processes have ended' "$name.algo2.err" ||
    fail "$name: the second host did not wait for the job's processes: $(cat "$name.algo2.err")"
  sagemaker_job "$name.alone" algo-1 '["algo-1"]' "$hps"
  NEWSCLF_OPT_ML="$PWD/$name.alone" "$TRAIN" >"$name.alone.out" 2>"$name.alone.err" </dev/null ||
    fail "$name: the one-host job failed: $(tail -3 "$name.alone.err")"
  two=$(jq .final.val_accuracy "$name.algo1/output/data/metrics.json")
  one=$(jq .final.val_accuracy "$name.alone/output/data/metrics.json")
  echo "$name: validation accuracy: two hosts $two, one host $one (loss $(jq .final.val_loss "$name.algo1/output/data/metrics.json"), $(jq .final.val_loss "$name.alone/output/data/metrics.json"))"
  awk -v a="$two" -v b="$one" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.005) }' ||
    fail "$name: two hosts' accuracy $two is not within 0.5 points of one host's $one"
}

two_hosts mlp '"epochs": "2", "hidden_units": "32"'
# The bag averages its weights over the hosts each epoch. With one thread a process its model is
# the one two processes on one host make, to the byte of its weights: the network changes nothing.
# (One model's accuracy on these 2,001 rows moves by up to a point from seed to seed; test-mpi
# compares the mean of three seeds, here one seed is taken.)
bag='"arch": "bag", "validation_split": "0.2", "buckets": "65536", "threads": "1", "seed": "2"'
two_hosts bag "$bag"
sagemaker_job bag.local algo-1 '["algo-1"]' "$bag, \"sagemaker_mpi_enabled\": \"true\", \"sagemaker_mpi_num_of_processes_per_host\": \"2\", \"sagemaker_mpi_custom_mpi_options\": \"--oversubscribe\""
NEWSCLF_OPT_ML="$PWD/bag.local" "$TRAIN" >bag.local.out 2>bag.local.err </dev/null ||
  fail "the bag on two processes of one host failed: $(tail -3 bag.local.err)"
# Scored on every sample row (log-loss to all its digits), the two models agree.
cmp -s <(newsclf-eval -q -m bag.algo1/model "$TESTDATA/news.sample.tsv") <(newsclf-eval -q -m bag.local/model "$TESTDATA/news.sample.tsv") ||
  fail "the bag trained on two hosts differs from the one trained by two processes of one host"
finish
