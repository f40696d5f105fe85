#!/usr/bin/env bash
# SageMaker's training contract (scripts/sagemaker/train, newsclf-train) on /opt/ml trees laid out
# in a scratch directory: the model, metrics and epoch lines; the failure file of bad
# hyperparameters, missing data and Pipe mode; a validation channel; script mode with the example
# program and SageMaker's SM_* variables; SIGTERM.
. "$(dirname "$0")/lib.sh"

TRAIN="$NEWSCLF_SOURCE_DIR/scripts/sagemaker/train"
EXAMPLE="$NEWSCLF_SOURCE_DIR/scripts/sagemaker/example/train.sh"
NEWS="$TESTDATA/news.sample.tsv"
GLOVE="$TESTDATA/glove.sample.100d.txt.xz"
cd "$SCRATCH" || exit 1
command -v jq >/dev/null || { echo "FAIL: jq is needed (scripts/setup.sh installs it)" >&2; exit 1; }
[ -x "$TRAIN" ] || fail "$TRAIN is not executable"
[ -x "$EXAMPLE" ] || fail "$EXAMPLE is not executable"

# job DIR HYPERPARAMETERS [glove]: an /opt/ml tree with the sample as the training channel, the
# word vectors too unless the third argument is "noglove", and a File-mode inputdataconfig.json.
job() {
  local dir=$1
  rm -rf "$dir"
  mkdir -p "$dir/input/config" "$dir/input/data/training"
  cp "$NEWS" "$dir/input/data/training/newsCorpora.csv"
  [ "${3:-}" = noglove ] || cp "$GLOVE" "$dir/input/data/training/glove.6B.100d.txt.xz"
  printf '%s\n' "$2" >"$dir/input/config/hyperparameters.json"
  printf '%s\n' '{"training": {"ContentType": "text/csv", "TrainingInputMode": "File", "S3DistributionType": "FullyReplicated", "RecordWrapperType": "None"}}' \
    >"$dir/input/config/inputdataconfig.json"
  printf '%s\n' '{"current_host": "algo-1", "hosts": ["algo-1"], "network_interface_name": "eth0"}' \
    >"$dir/input/config/resourceconfig.json"
}

# run_train DIR: runs the train wrapper on DIR; stdout, stderr and the status in DIR.out, .err, .status.
run_train() {
  NEWSCLF_OPT_ML=$PWD/$1 "$TRAIN" >"$1.out" 2>"$1.err" </dev/null
  echo $? >"$1.status"
}

# failed DIR STATUS TEXT: the job failed with STATUS, output/failure's first line holds TEXT (and
# so does stderr), and there is no model.
failed() {
  local dir=$1 status=$2 text=$3
  [ "$(cat "$dir.status")" = "$status" ] || fail "$dir: exit status $(cat "$dir.status"), expected $status: $(cat "$dir.err")"
  if [ -f "$dir/output/failure" ]; then
    head -n 1 "$dir/output/failure" | grep -qF -- "$text" || fail "$dir: output/failure's first line lacks '$text': $(cat "$dir/output/failure")"
  else
    fail "$dir: no output/failure"
  fi
  grep -qF -- "$text" "$dir.err" || fail "$dir: stderr lacks '$text': $(cat "$dir.err")"
  [ ! -e "$dir/model/newsclf.model" ] || fail "$dir: a failed job left a model"
}

# --- the workshop's model from string hyperparameters; SageMaker's own keys are ignored
job good '{"epochs": "2", "batch_size": "32", "optimizer": "\"rmsprop\"", "sagemaker_region": "\"eu-west-1\"", "_tuning_objective_metric": "validation:accuracy"}'
run_train good
[ "$(cat good.status)" = 0 ] || fail "train failed: $(cat good.err)"
[ -s good/model/newsclf.model ] || fail "no good/model/newsclf.model"
[ ! -e good/output/failure ] || fail "a successful job wrote output/failure"
echo "Why Exercise Alone May Not Be the Key to Weight Loss" | newsclf-predict -m good/model >good.predict ||
  fail "newsclf-predict -m good/model failed"
jq -e '.label | IN("b", "t", "e", "m")' good.predict >/dev/null || fail "predict of the job's model: $(cat good.predict)"
jq -e '(.epochs | length) == 2 and .final.epoch == 2 and .final == .epochs[1]
       and .rows == 10001 and .train_rows == 8000 and .validation_rows == 2001 and .seconds > 0
       and .hyperparameters.epochs == "2" and .hyperparameters.arch == "mlp"
       and all(.epochs[]; has("loss") and has("accuracy") and has("val_loss") and has("val_accuracy"))' \
  good/output/data/metrics.json >/dev/null || fail "metrics.json: $(cat good/output/data/metrics.json)"
# stdout: the Keras-like epoch lines only, as SageMaker's metric definitions read them.
[ "$(wc -l <good.out)" -eq 2 ] || fail "stdout should hold the 2 epoch lines: $(cat good.out)"
grep -qE '^Epoch 1/2 - 250/250 steps - [0-9.]+s - loss: [0-9.]+ - acc: [0-9.]+ - val_loss: [0-9.]+ - val_acc: [0-9.]+$' good.out ||
  fail "no Keras-like line for epoch 1 on stdout: $(cat good.out)"
grep -q '^Epoch 2/2 ' good.out || fail "no line for epoch 2 on stdout"
[ "$(sed -n 's/.* val_acc: //p' good.out | tail -n 1)" = "$(jq -r .final.val_accuracy good/output/data/metrics.json | xargs printf '%.4f')" ] ||
  fail "the last epoch line's val_acc differs from metrics.json's final val_accuracy"
find good -name '*.newsclf-tmp.*' | grep -q . && fail "temporary files left: $(find good -name '*.newsclf-tmp.*')"

# The model is the pipeline's: tokenize --max-words 0 | embed | fit, byte for byte.
newsclf-tokenize -q --max-words 0 -o all.tokens "$NEWS" &&
  newsclf-embed -q --vocab all.tokens -o all.npy "$GLOVE" &&
  newsclf-fit -q -e all.npy -o pipeline.model all.tokens || fail "the pipeline of tools failed"
cmp -s pipeline.model good/model/newsclf.model || fail "the job's model differs from the pipeline's"

# --opt-ml instead of the variable; a numeric value for a hyperparameter.
job opt '{"epochs": 1}'
newsclf-train -q --opt-ml opt >opt.out 2>opt.err || fail "newsclf-train --opt-ml failed: $(cat opt.err)"
[ "$(jq '.epochs | length' opt/output/data/metrics.json)" = 1 ] || fail "{\"epochs\": 1} should give one epoch"

# --- bad hyperparameters: a bad value, an unknown name; an earlier job's outputs do not survive
job badvalue '{"epochs": "two"}'
mkdir -p badvalue/model && cp good/model/newsclf.model badvalue/model/
run_train badvalue
failed badvalue 2 'hyperparameter epochs: "two" is not an integer >= 1'
[ "$(head -n 1 badvalue/output/failure)" = "$PWD/badvalue/input/config/hyperparameters.json: hyperparameter epochs: \"two\" is not an integer >= 1" ] ||
  fail "the failure should name hyperparameters.json: $(cat badvalue/output/failure)"
[ ! -e badvalue/output/data/metrics.json ] || fail "a failed job wrote metrics.json"

job unknown '{"epoch": "2"}'
run_train unknown
failed unknown 2 'hyperparameter "epoch": unknown (did you mean "epochs"?); known: preset, arch, max_words, epochs'

job notstring '{"epochs": ["2"]}'
run_train notstring
failed notstring 2 'hyperparameter "epochs": the value ["2"] is not a string'

# --- missing data, Pipe mode
job nodata '{}'
rm -r nodata/input/data/training
run_train nodata
failed nodata 1 'channel "training": no directory'
grep -qF 'nodata/input/data/training' nodata/output/failure || fail "the failure should say where it looked: $(cat nodata/output/failure)"

job noheadlines '{}'
rm noheadlines/input/data/training/newsCorpora.csv
run_train noheadlines
failed noheadlines 1 'channel "training": no headline file (such as newsCorpora.csv) in'

job noglove '{}' noglove
run_train noglove
failed noglove 1 'no word vector file (glove*.txt, .xz or .gz) in'
grep -qF 'arch mlp needs pretrained vectors' noglove/output/failure || fail "the failure should name the arch: $(cat noglove/output/failure)"

job pipe '{}'
printf '%s\n' '{"training": {"TrainingInputMode": "Pipe"}}' >pipe/input/config/inputdataconfig.json
run_train pipe
failed pipe 2 'channel "training" has TrainingInputMode Pipe; newsclf-train reads only File'

NEWSCLF_OPT_ML=$PWD/nowhere "$TRAIN" >/dev/null 2>nowhere.err
[ $? = 1 ] || fail "a missing /opt/ml should exit 1"
grep -qF "nowhere: no such directory" nowhere.err || fail "a missing /opt/ml: $(cat nowhere.err)"
[ ! -e nowhere ] || fail "a failure made the missing /opt/ml directory"

# --- a validation channel replaces the split; the linear model needs no word vectors
job valid '{"arch": "linear", "threads": "1"}' noglove
head -n 8000 "$NEWS" >valid/input/data/training/newsCorpora.csv
mkdir -p valid/input/data/validation
tail -n +8001 "$NEWS" >valid/input/data/validation/valid.tsv
printf '%s\n' '{"training": {"TrainingInputMode": "File"}, "validation": {"TrainingInputMode": "File"}}' \
  >valid/input/config/inputdataconfig.json
run_train valid
[ "$(cat valid.status)" = 0 ] || fail "train with a validation channel failed: $(cat valid.err)"
jq -e '.train_rows == 8000 and .validation_rows == 2001 and .rows == 10001 and .hyperparameters.arch == "linear"
       and .hyperparameters.validation_split == "0" and (.final | has("val_accuracy"))' \
  valid/output/data/metrics.json >/dev/null || fail "metrics with a validation channel: $(cat valid/output/data/metrics.json)"
newsclf-predict -m valid/model --inspect >valid.inspect || fail "inspect of the linear job's model failed"
jq -e '.arch == "linear" and .training.validation_rows == 2001' valid.inspect >/dev/null ||
  fail "the linear job's model: $(head -c 300 valid.inspect)"
grep -qF "from $PWD/valid/input/data/validation" valid.err || fail "train should say the validation rows come from the channel: $(cat valid.err)"

# Without inputdataconfig.json the channels are the directories under input/data.
rm valid/input/config/inputdataconfig.json
run_train valid
jq -e '.validation_rows == 2001' valid/output/data/metrics.json >/dev/null || fail "the validation directory without inputdataconfig.json is not used"

# --- script mode: the example program, SageMaker's variables, a failing program
job script '{"sagemaker_program": "\"train.sh\"", "sagemaker_submit_directory": "\"s3://bucket/code.tar.gz\"", "epochs": "1", "hidden_units": "4"}'
mkdir -p script/code
cp "$EXAMPLE" script/code/train.sh
run_train script
[ "$(cat script.status)" = 0 ] || fail "script mode with the example failed: $(cat script.err)"
[ -s script/model/newsclf.model ] || fail "the example program wrote no model"
newsclf-predict -m script/model --inspect >script.inspect || fail "inspect of the example's model failed"
jq -e '(.training.history | length) == 1 and .hyperparameters.hidden_units == "4"' script.inspect >/dev/null ||
  fail "the example should train with SM_HP_EPOCHS and SM_HP_HIDDEN_UNITS: $(head -c 400 script.inspect)"
grep -qF "train.sh: host algo-1 of [\"algo-1\"], channels [\"training\"], hyperparameters {\"epochs\":\"1\",\"hidden_units\":\"4\"}" script.err ||
  fail "the example program's view of SM_* on stderr: $(cat script.err)"
[ ! -e script/output/data/metrics.json ] || fail "script mode should leave the metrics to the program"

# The SDK's local mode: the code as a file:// tarball in sagemaker_submit_directory, nothing in /opt/ml/code.
mkdir -p sdk_source && cp "$EXAMPLE" sdk_source/train.sh && tar -czf sdk_source.tar.gz -C sdk_source .
job sdk '{"sagemaker_program": "\"train.sh\"", "sagemaker_submit_directory": "\"file://'"$PWD"'/sdk_source.tar.gz\"", "epochs": "1"}'
run_train sdk
[ "$(cat sdk.status)" = 0 ] || fail "script mode from a file:// sagemaker_submit_directory failed: $(cat sdk.err)"
[ -s sdk/model/newsclf.model ] && [ -f sdk/code/train.sh ] || fail "the submitted code did not run from sdk/code"
# An s3:// one without the aws CLI and without the code anywhere: a failure that says what to do.
job s3 '{"sagemaker_program": "train.sh", "sagemaker_submit_directory": "s3://bucket/sourcedir.tar.gz", "epochs": "1"}'
PATH=$NEWSCLF_BIN:/usr/bin:/bin NEWSCLF_OPT_ML=$PWD/s3 "$TRAIN" >s3.out 2>s3.err </dev/null; echo $? >s3.status
failed s3 2 'pass the code as the channel "code"'

# Every variable, from a program that prints them; the code from the channel "code"; a makefile.
job env '{"sagemaker_program": "env.mk", "epochs": "3"}'
mkdir -p env/input/data/code
printf 'all:\n\t@env | grep "^SM_" | sort > "$$SM_OUTPUT_DATA_DIR/env.txt"\n\t@printf "%%s\\n" "$$PATH" > "$$SM_OUTPUT_DATA_DIR/path.txt"\n\t@pwd > "$$SM_OUTPUT_DATA_DIR/pwd.txt"\n' \
  >env/input/data/code/env.mk
printf '%s\n' '{"training": {"TrainingInputMode": "File"}, "code": {"TrainingInputMode": "File"}}' >env/input/config/inputdataconfig.json
run_train env
[ "$(cat env.status)" = 0 ] || fail "script mode with env.mk failed: $(cat env.err)"
D=$PWD/env
for line in "SM_MODEL_DIR=$D/model" "SM_CHANNEL_TRAINING=$D/input/data/training" "SM_CHANNEL_CODE=$D/input/data/code" \
  'SM_CHANNELS=["code","training"]' 'SM_HPS={"epochs":"3"}' "SM_HP_EPOCHS=3" 'SM_HOSTS=["algo-1"]' "SM_CURRENT_HOST=algo-1" \
  "SM_NUM_GPUS=0" "SM_OUTPUT_DATA_DIR=$D/output/data" "SM_OUTPUT_DIR=$D/output" "SM_INPUT_DIR=$D/input" \
  "SM_INPUT_CONFIG_DIR=$D/input/config" "SM_USER_ENTRY_POINT=env.mk" "SM_MODULE_DIR=$D/input/data/code"; do
  grep -qxF -- "$line" env/output/data/env.txt || fail "script mode: no $line in the environment: $(cat env/output/data/env.txt)"
done
grep -qxE 'SM_NUM_CPUS=[1-9][0-9]*' env/output/data/env.txt || fail "script mode: no SM_NUM_CPUS"
grep -q '^SM_HP_SAGEMAKER' env/output/data/env.txt && fail "sagemaker_* hyperparameters should not be SM_HP_ variables"
[ "$(cut -d: -f1 env/output/data/path.txt)" = "$(cd "$NEWSCLF_BIN" && pwd -P)" ] ||
  fail "PATH should start with the tools' directory: $(cat env/output/data/path.txt)"
[ "$(cat env/output/data/pwd.txt)" = "$(cd env/input/data/code && pwd -P)" ] || fail "the program should run in the code directory"

job scriptfail '{"sagemaker_program": "fail.sh"}'
mkdir -p scriptfail/code
printf '%s\n' 'echo "some progress"' 'i=0; while [ $i -lt 200 ]; do echo "noise $i" >&2; i=$((i + 1)); done' \
  'echo "fail.sh: the data is not what I expected" >&2' 'exit 4' >scriptfail/code/fail.sh
run_train scriptfail
failed scriptfail 1 'sagemaker_program fail.sh exited with status 4'
tail -n 1 scriptfail/output/failure | grep -qxF 'fail.sh: the data is not what I expected' ||
  fail "output/failure should end with the program's last stderr line: $(tail -n 3 scriptfail/output/failure)"
[ "$(wc -c <scriptfail/output/failure)" -le 1025 ] || fail "output/failure should fit in the 1,024 characters SageMaker shows"
grep -qxF 'noise 0' scriptfail.err || fail "the program's stderr should pass through whole"
grep -qxF 'some progress' scriptfail.out || fail "the program's stdout should pass through"

job noprogram '{"sagemaker_program": "missing.sh"}'
run_train noprogram
failed noprogram 2 "hyperparameter sagemaker_program: no file $PWD/noprogram/code/missing.sh nor $PWD/noprogram/input/data/code/missing.sh"

# --- SIGTERM (StopTrainingJob): out within 5 s with status 143, no model, no temporaries, no failure
# stop DIR: starts the job, sends SIGTERM once it printed an epoch line (in process) or its
# program started newsclf-fit, and checks how it ended.
stop() {
  local dir=$1 pid i status
  NEWSCLF_OPT_ML=$PWD/$dir "$TRAIN" >"$dir.out" 2>"$dir.err" </dev/null &
  pid=$!
  for ((i = 0; i < 300; i++)); do
    grep -q 'Epoch 1/' "$dir.out" "$dir.err" 2>/dev/null && break
    sleep 0.1
  done
  grep -q 'Epoch 1/' "$dir.out" "$dir.err" || fail "$dir: training did not start: $(cat "$dir.err")"
  stop_process "$pid" 5 "$dir"
  status=$stop_status
  [ "$status" = 143 ] || fail "$dir: exit status $status after SIGTERM, expected 143"
  [ ! -e "$dir/model/newsclf.model" ] || fail "$dir: a stopped job left a model"
  [ ! -e "$dir/output/failure" ] || fail "$dir: a stopped job wrote output/failure: $(cat "$dir/output/failure")"
  find "$dir" -name '*.newsclf-tmp.*' | grep -q . && fail "$dir: temporaries left: $(find "$dir" -name '*.newsclf-tmp.*')"
}
job stopped '{"epochs": "100000", "hidden_units": "32"}'
stop stopped
job stopscript '{"sagemaker_program": "train.sh", "epochs": "100000", "hidden_units": "32"}'
mkdir -p stopscript/code
cp "$EXAMPLE" stopscript/code/train.sh
stop stopscript
sleep 0.5
pgrep -f -- "$PWD/stopscript/model/newsclf.model" >/dev/null && fail "the program's newsclf-fit survived the stop"

# --- several hosts without sagemaker_mpi_enabled: the first trains, every other exits 0 at once
job second_host '{"epochs": "1"}'
printf '%s\n' '{"current_host": "algo-2", "hosts": ["algo-1", "algo-2", "algo-3"]}' >second_host/input/config/resourceconfig.json
run_train second_host
[ "$(cat second_host.status)" = 0 ] || fail "algo-2 of a job without MPI: exit $(cat second_host.status): $(cat second_host.err)"
grep -q 'trains on algo-1 alone' second_host.err || fail "algo-2 did not say why it does nothing: $(cat second_host.err)"
[ ! -e second_host/model/newsclf.model ] && [ ! -e second_host/output/failure ] || fail "algo-2 of a job without MPI wrote a model or a failure"
grep -q 'Epoch' second_host.out && fail "algo-2 of a job without MPI trained"

# --- MPI with custom options that look like shell: they reach mpirun as words (and fail it), never a shell
job mpi '{"epochs": "1", "sagemaker_mpi_enabled": "true", "sagemaker_mpi_custom_mpi_options": "\"; touch '"$SCRATCH"'/pwned\""}'
run_train mpi
failed mpi 1 "mpirun exited with status"
[ ! -e "$SCRATCH/pwned" ] || fail "a hyperparameter reached a shell"
# ... and in each other MPI hyperparameter the job fails naming it, and nothing runs it.
for hp in '"sagemaker_mpi_enabled": "true; touch '"$SCRATCH"'/pwned"' \
          '"sagemaker_mpi_enabled": "true", "sagemaker_mpi_num_of_processes_per_host": "2; touch '"$SCRATCH"'/pwned"' \
          '"sagemaker_distribution": "{\"mpi\": {\"enabled\": true, \"custom_mpi_options\": \"; touch '"$SCRATCH"'/pwned\"}}"'; do
  job mpihp "{\"epochs\": \"1\", $hp}"
  run_train mpihp
  [ "$(cat mpihp.status)" != 0 ] || fail "a shell-like MPI hyperparameter ($hp) did not fail the job"
  [ ! -e "$SCRATCH/pwned" ] || fail "the MPI hyperparameter $hp reached a shell"
  echo "shell-like MPI hyperparameter: $(head -c 160 mpihp/output/failure)"
done

# --- MPI with the bag, two processes on this host: the first writes the model and the metrics
job mpibag '{"arch": "bag", "epochs": "1", "buckets": "65536", "sagemaker_mpi_enabled": "true", "sagemaker_mpi_num_of_processes_per_host": "2", "sagemaker_mpi_custom_mpi_options": "--oversubscribe"}'
run_train mpibag
[ "$(cat mpibag.status)" = 0 ] || fail "the bag on two MPI processes: exit $(cat mpibag.status): $(cat mpibag.err)"
[ -s mpibag/model/newsclf.model ] && [ -s mpibag/output/data/metrics.json ] || fail "the bag on two MPI processes wrote no model or metrics"
[ "$(grep -c 'Epoch 1/1' mpibag.out)" -eq 1 ] || fail "not one epoch line from the first process only: $(cat mpibag.out)"

# --- MPI where every process fails (no word vectors for the mlp): the failure is the first process's reason
job mpinoglove '{"epochs": "1", "sagemaker_mpi_enabled": "true", "sagemaker_mpi_num_of_processes_per_host": "2", "sagemaker_mpi_custom_mpi_options": "--oversubscribe"}' noglove
run_train mpinoglove
failed mpinoglove 1 "no word vector file"

finish
