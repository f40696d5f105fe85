#!/usr/bin/env bash
# Script mode under MPI on one host (sagemaker_mpi_enabled, 2 processes, sagemaker_program): the
# train entry point runs mpirun over the example program, both ranks run it with SageMaker's SM_*
# variables, the program's newsclf-fit joins the MPI job (each rank trains on half the rows) and
# rank 0 writes a model newsclf-eval scores; a program that fails on one rank fails the job with
# output/failure; SIGTERM stops every rank. Then the example over two hosts, two network namespaces as in
# test-sagemaker-two-hosts.sh (`ip netns exec` as mpirun's launch agent): the remote rank has
# SageMaker's variables only through mpirun's -x, and the second host, without sshd, says so,
# waits for its processes and exits 0. Skipped, with a message, without mpirun or where newsclf
# was built without MPI; the two-host part where network namespaces are not to be had.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/two_hosts.sh"

TRAIN="$NEWSCLF_SOURCE_DIR/scripts/sagemaker/train"
EXAMPLE="$NEWSCLF_SOURCE_DIR/scripts/sagemaker/example/train.sh"
skip() { echo "skipped: $*"; finish; exit 0; }
command -v mpirun >/dev/null || skip "no mpirun (scripts/setup.sh installs openmpi-bin)"
newsclf-fit --version | grep -q '^MPI: none' && skip "newsclf was built without MPI"
command -v jq >/dev/null || { echo "FAIL: jq is needed (scripts/setup.sh installs it)" >&2; exit 1; }
cd "$SCRATCH" || exit 1

# job DIR HYPERPARAMETERS: an /opt/ml tree of one host with the sample and the word vectors as the
# training channel; the MPI settings added to HYPERPARAMETERS (a JSON object's members).
mpi='"sagemaker_mpi_enabled": "true", "sagemaker_mpi_num_of_processes_per_host": "2", "sagemaker_mpi_custom_mpi_options": "--oversubscribe"'
job() {
  rm -rf "$1"
  mkdir -p "$1/input/config" "$1/input/data/training" "$1/code"
  cp "$TESTDATA/news.sample.tsv" "$1/input/data/training/newsCorpora.csv"
  cp "$TESTDATA/glove.sample.100d.txt.xz" "$1/input/data/training/glove.6B.100d.txt.xz"
  printf '{%s, %s}\n' "$2" "$mpi" >"$1/input/config/hyperparameters.json"
  printf '%s\n' '{"current_host": "algo-1", "hosts": ["algo-1"]}' >"$1/input/config/resourceconfig.json"
}
# run_train DIR: the train entry point on DIR (at most 5 minutes); stdout, stderr, status in DIR.out, .err, .status.
run_train() {
  NEWSCLF_OPT_ML=$PWD/$1 timeout 300 "$TRAIN" >"$1.out" 2>"$1.err" </dev/null
  echo $? >"$1.status"
}

# --- the example program on two ranks
job two '"sagemaker_program": "train.sh", "epochs": "2", "hidden_units": "16"'
cp "$EXAMPLE" two/code/train.sh
run_train two
[ "$(cat two.status)" = 0 ] || fail "script mode under MPI exited $(cat two.status): $(tail -n 20 two.err)"
[ ! -e two/output/failure ] || fail "a successful job wrote output/failure: $(cat two/output/failure)"
[ -s two/model/newsclf.model ] || fail "no two/model/newsclf.model"
# mpirun ran the program, with the variables by name and the program last.
grep 'starting mpirun ' two.err | head -n 1 >two.mpirun
grep -qE 'starting mpirun -np 2 .*--oversubscribe [^ ]*/two/code/train.sh --epochs 2 --hidden_units 16$' two.mpirun ||
  fail "no mpirun over the program: $(cat two.mpirun)"
for name in PATH SM_MODEL_DIR SM_CHANNEL_TRAINING SM_HPS SM_HP_EPOCHS SM_HOSTS SM_CURRENT_HOST; do
  grep -qF -- " -x $name " two.mpirun || fail "mpirun should pass $name on to every rank (-x $name): $(cat two.mpirun)"
done
grep -qF "$PWD/two/model" two.mpirun && fail "a variable's value reached mpirun's command line: $(cat two.mpirun)"
# Both ranks ran it, each with SageMaker's variables (mpirun's --tag-output prefixes).
for rank in 0 1; do
  grep -qF "[1,$rank]<stderr>:train.sh: host algo-1 of [\"algo-1\"], channels [\"training\"], hyperparameters {\"epochs\":\"2\",\"hidden_units\":\"16\"}" two.err ||
    fail "rank $rank did not run the program with the SM_* variables: $(grep -F 'train.sh:' two.err)"
done
# The program's newsclf-fit trained on both ranks: 8,000 training rows, 4,000 a rank, in batches
# of 32: 125 steps an epoch on rank 0 (250 alone); rank 1's newsclf-fit says nothing.
grep -qE '^\[1,0\]<stderr>:.*Epoch 2/2 - 125/125 steps' two.err || fail "newsclf-fit did not train on 2 ranks: $(grep -F 'Epoch' two.err)"
grep -qE '^\[1,1\]<stderr>:.*Epoch' two.err && fail "rank 1's newsclf-fit printed epoch lines"
newsclf-eval -q -m two/model "$TESTDATA/news.sample.tsv" >two.eval || fail "newsclf-eval of the job's model failed"
jq -e '.accuracy > 0.5' two.eval >/dev/null || fail "the two-rank model scores: $(cat two.eval)"
newsclf-predict -m two/model --inspect | jq -e '(.training.history | length) == 2 and .hyperparameters.hidden_units == "16"' >/dev/null ||
  fail "the model should be trained with SM_HP_EPOCHS and SM_HP_HIDDEN_UNITS"

# --- a program that fails on rank 1 ends the job on every rank and fails it
# (A hyperparameter that looks like shell reaches the program as an argument, never a shell.)
job fail '"sagemaker_program": "fail.sh", "note": "; touch '"$SCRATCH"'/pwned; $(touch '"$SCRATCH"'/pwned2)"'
printf '%s\n' 'if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then echo "fail.sh: rank 1 found no data" >&2; exit 3; fi' 'sleep 60' >fail/code/fail.sh
start=$SECONDS
run_train fail
[ "$(cat fail.status)" = 1 ] || fail "a program failing on rank 1: exit $(cat fail.status), expected 1: $(tail -n 5 fail.err)"
[ $((SECONDS - start)) -lt 45 ] || fail "rank 0 was not ended when rank 1 failed ($((SECONDS - start)) s)"
if [ -f fail/output/failure ]; then
  head -n 1 fail/output/failure | grep -qF "sagemaker_program fail.sh failed on a rank: mpirun exited with status" ||
    fail "output/failure should name the program and mpirun's status: $(head -n 3 fail/output/failure)"
  grep -qF 'fail.sh: rank 1 found no data' fail/output/failure || fail "output/failure should hold rank 1's reason: $(cat fail/output/failure)"
  grep -qF 'sagemaker_program fail.sh failed on a rank' fail.err || fail "stderr lacks the failure: $(tail -n 3 fail.err)"
else
  fail "a failing program under MPI wrote no output/failure"
fi
grep -qF '[1,1]<stderr>:fail.sh: rank 1 found no data' fail.err || fail "rank 1's stderr should pass through: $(cat fail.err)"
[ ! -e fail/model/newsclf.model ] || fail "a failed job left a model"
[ ! -e pwned ] && [ ! -e pwned2 ] || fail "a hyperparameter reached a shell"
grep -qF -- "fail.sh --note ; touch $SCRATCH/pwned; \$(touch $SCRATCH/pwned2)" fail.err ||
  fail "the hyperparameter should reach the program as its argument: $(grep -F 'starting mpirun' fail.err)"
pgrep -f -- "$PWD/fail/code/fail.sh" >/dev/null && fail "rank 0's program survived the failure"

# --- SIGTERM (StopTrainingJob) once the ranks train: out within 10 s with status 143, no model,
# no failure, no rank left
job stopped '"sagemaker_program": "train.sh", "epochs": "100000", "hidden_units": "32"'
cp "$EXAMPLE" stopped/code/train.sh
NEWSCLF_OPT_ML=$PWD/stopped "$TRAIN" >stopped.out 2>stopped.err </dev/null &
pid=$!
for ((i = 0; i < 600; i++)); do
  grep -q 'Epoch 1/' stopped.err 2>/dev/null && break
  sleep 0.1
done
grep -q 'Epoch 1/' stopped.err || fail "stopped: training did not start: $(tail -n 5 stopped.err)"
stop_process "$pid" 10 stopped
status=$stop_status
[ "$status" = 143 ] || fail "stopped: exit status $status after SIGTERM, expected 143: $(tail -n 5 stopped.err)"
[ ! -e stopped/model/newsclf.model ] || fail "stopped: a stopped job left a model"
[ ! -e stopped/output/failure ] || fail "stopped: a stopped job wrote output/failure: $(cat stopped/output/failure)"
sleep 0.5
pgrep -f -- "$PWD/stopped/model/newsclf.model" >/dev/null && fail "stopped: a rank's newsclf-fit survived the stop"

# --- two hosts: algo-1's mpirun runs the program on algo-2 too
two_hosts() {
  trap 'two_hosts_down; rm -rf "$SCRATCH"' EXIT
  # 10.232.x: addresses of these two namespaces only (test-sagemaker-two-hosts.sh uses 10.231.x).
  two_hosts_up "nclfs$$" "10.232.$(($$ % 200 + 20))" || { echo "two hosts skipped: $two_hosts_missing"; return; }
  mpi="\"sagemaker_mpi_enabled\": \"true\", \"sagemaker_mpi_custom_mpi_options\": \"$mpi_options\""
  local dir host
  for dir in algo1 algo2; do
    job "$dir" '"sagemaker_program": "train.sh", "epochs": "1", "hidden_units": "16"'
    cp "$EXAMPLE" "$dir/code/train.sh"
  done
  printf '{"current_host": "%s", "hosts": ["%s", "%s"]}\n' "$h1" "$h1" "$h2" >algo1/input/config/resourceconfig.json
  printf '{"current_host": "%s", "hosts": ["%s", "%s"]}\n' "$h2" "$h1" "$h2" >algo2/input/config/resourceconfig.json
  # The second host first (it waits for mpirun's processes), with no sshd to start.
  on_host "$h2" env NEWSCLF_OPT_ML="$PWD/algo2" NEWSCLF_SSHD="$SCRATCH/no-sshd" timeout 120 "$TRAIN" \
    >algo2.out 2>algo2.err </dev/null &
  local worker=$!
  on_host "$h1" env NEWSCLF_OPT_ML="$PWD/algo1" timeout 120 "$TRAIN" >algo1.out 2>algo1.err </dev/null
  local first=$?
  wait "$worker"
  local second=$?
  [ "$first" = 0 ] || fail "the first host's train exited $first: $(tail -n 20 algo1.err)"
  [ "$second" = 0 ] || fail "the second host's train exited $second: $(tail -n 5 algo2.err)"
  [ -s algo1/model/newsclf.model ] || fail "the first host wrote no model"
  [ ! -e algo2/model/newsclf.model ] || fail "the second host wrote a model"
  grep -q "starting mpirun --hostfile [^ ]* -np 2 .* -x SM_CHANNEL_TRAINING .*/algo1/code/train.sh --epochs 1 --hidden_units 16$" algo1.err ||
    fail "the first host did not start mpirun over the program on both hosts: $(grep mpirun algo1.err | head -n 3)"
  # Rank 1 runs on the second host (one slot each): its SM_* variables came through -x.
  for rank in 0 1; do
    grep -qF "[1,$rank]<stderr>:train.sh: host $h1 of [\"$h1\",\"$h2\"], channels [\"training\"]" algo1.err ||
      fail "rank $rank did not run the program with the first host's SM_* variables: $(grep -F 'train.sh' algo1.err)"
  done
  grep -qE '^\[1,0\]<stderr>:.*Epoch 1/1 - 125/125 steps' algo1.err || fail "newsclf-fit did not train on the 2 hosts' ranks: $(grep -F 'Epoch' algo1.err)"
  newsclf-eval -q -m algo1/model "$TESTDATA/news.sample.tsv" | jq -e '.accuracy > 0.5' >/dev/null ||
    fail "the two-host model does not score"
  grep -qF "no $SCRATCH/no-sshd on this host: the first host's mpirun must reach it by another launch agent" algo2.err ||
    fail "the second host did not say it has no sshd: $(cat algo2.err)"
  grep -q 'the job.s processes have ended' algo2.err || fail "the second host did not wait for the job's processes: $(cat algo2.err)"
}
two_hosts

finish
