#!/usr/bin/env bash
# The SageMaker request files of scripts/sagemaker/: they parse; the training job's hyperparameters
# are strings, equal scripts/sagemaker/hyperparameters.json and train with newsclf-fit; its metric
# regexes read each number from the epoch lines a real run prints; the model, the endpoint
# configuration and newsclf-sagemaker.7 refer to each other and to files that exist.
. "$(dirname "$0")/lib.sh"

SAGEMAKER="$NEWSCLF_SOURCE_DIR/scripts/sagemaker"
AWS="$SAGEMAKER/aws"
PAGE="$NEWSCLF_SOURCE_DIR/man/newsclf-sagemaker.7"
JOB="$AWS/training-job.json"
MODEL="$AWS/model.json"
ENDPOINT_CONFIG="$AWS/endpoint-config.json"
command -v jq >/dev/null || { echo "FAIL: jq is needed (scripts/setup.sh installs it)" >&2; exit 1; }
command -v perl >/dev/null || { echo "FAIL: perl is needed to try the metric regexes" >&2; exit 1; }
# The metrics and the key of the epoch line each one reads.
declare -A METRIC_KEY=([train:loss]=loss [train:accuracy]=acc [validation:loss]=val_loss [validation:accuracy]=val_acc)

# The man page as plain text, roughly: its dashes and backslashes unescaped.
unroffed=$(sed -e 's/\\-/-/g' -e 's/\\e/\\/g' "$PAGE")

# --- Every JSON file parses.
for file in "$AWS"/*.json "$SAGEMAKER"/*.json; do
  jq -e . "$file" >/dev/null 2>"$SCRATCH/jq.err" || fail "$file is not JSON: $(cat "$SCRATCH/jq.err")"
done
for file in "$JOB" "$MODEL" "$ENDPOINT_CONFIG"; do
  [ -f "$file" ] || fail "no $file"
done
jq -e 'keys == ["input"] and (.input | type) == "string"' "$SAGEMAKER/input.json" >/dev/null ||
  fail "scripts/sagemaker/input.json should be {\"input\": \"<headline>\"}"

# --- The hyperparameters: strings, one set for the local and the AWS training job, newsclf-fit's.
jq -e '.HyperParameters | type == "object" and length > 0 and all(.[]; type == "string")' "$JOB" >/dev/null ||
  fail "training-job.json: HyperParameters should be an object of strings"
jq -e 'type == "object" and all(.[]; type == "string")' "$SAGEMAKER/hyperparameters.json" >/dev/null ||
  fail "scripts/sagemaker/hyperparameters.json should be an object of strings"
jq -e --slurpfile local "$SAGEMAKER/hyperparameters.json" '.HyperParameters == $local[0]' "$JOB" >/dev/null ||
  fail "training-job.json's HyperParameters differ from scripts/sagemaker/hyperparameters.json"
newsclf-fit --help >"$SCRATCH/fit.help" || fail "newsclf-fit --help failed"
options=()
while IFS=$'\t' read -r name value; do
  grep -qE -- "--${name//_/-}( |,|$)" "$SCRATCH/fit.help" || fail "hyperparameter $name is not a newsclf-fit option"
  options+=("--${name//_/-}" "$value")
done < <(jq -r 'to_entries[] | [.key, .value] | @tsv' "$SAGEMAKER/hyperparameters.json")

# A real run with them prints the epoch lines the metric regexes read.
FIXTURES="$TESTDATA/fixtures"
newsclf-fit "${options[@]}" -e "$FIXTURES/tiny.npy" -o "$SCRATCH/tiny.model" "$FIXTURES/tiny.tokens" 2>"$SCRATCH/fit.err" ||
  fail "newsclf-fit with the hyperparameters failed: $(cat "$SCRATCH/fit.err")"
grep ' Epoch [0-9]*/' "$SCRATCH/fit.err" >"$SCRATCH/epochs.txt"
epochs=$(jq -r '.HyperParameters.epochs' "$JOB")
[ "$(wc -l <"$SCRATCH/epochs.txt")" -eq "$epochs" ] || fail "newsclf-fit should print $epochs epoch lines: $(cat "$SCRATCH/fit.err")"

# --- The metric definitions: each reads its number from every epoch line, and nothing else.
jq -r '.AlgorithmSpecification.MetricDefinitions[] | [.Name, .Regex] | @tsv' "$JOB" >"$SCRATCH/metrics.tsv" ||
  fail "training-job.json has no AlgorithmSpecification.MetricDefinitions"
for name in "${!METRIC_KEY[@]}"; do
  grep -q "^$name"$'\t' "$SCRATCH/metrics.tsv" || fail "training-job.json does not define the metric $name"
done
while IFS=$'\t' read -r name regex; do
  key=${METRIC_KEY[$name]:-}
  if [ -z "$key" ]; then
    fail "training-job.json defines the metric $name, which this test does not know"
    continue
  fi
  grep -qF "$name" "$PAGE" || fail "newsclf-sagemaker.7 does not name the metric $name"
  # What the regex captures (SageMaker takes group 1), against the number after " - KEY: ".
  REGEX=$regex perl -ne 'print "$1\n" if /$ENV{REGEX}/' "$SCRATCH/fit.err" >"$SCRATCH/captured"
  sed -n "s/.* - $key: \([0-9.]*\).*/\1/p" "$SCRATCH/epochs.txt" >"$SCRATCH/expected"
  [ -s "$SCRATCH/expected" ] || fail "the epoch lines have no \"$key\": $(cat "$SCRATCH/epochs.txt")"
  cmp -s "$SCRATCH/expected" "$SCRATCH/captured" ||
    fail "metric $name (regex $regex) reads \"$(tr '\n' ' ' <"$SCRATCH/captured")\" from the run, not the $key values \"$(tr '\n' ' ' <"$SCRATCH/expected")\""
  # The same with POSIX extended regexes (grep -E), and on the epoch line the man page shows.
  [ "$(grep -cE -- "$regex" "$SCRATCH/fit.err")" -eq "$epochs" ] || fail "metric $name: grep -E \"$regex\" does not match the epoch lines only"
  grep -oE 'Epoch 1/2 .*val_acc: [0-9.]+' <<<"$unroffed" | grep -qE -- "$regex" ||
    fail "metric $name: \"$regex\" does not match the epoch line of newsclf-sagemaker.7"
done <"$SCRATCH/metrics.tsv"

# --- The training job: File mode, the channel "training", an instance, a limit, a role.
jq -e '.AlgorithmSpecification.TrainingInputMode == "File"
       and ([.InputDataConfig[].ChannelName] == ["training"])
       and (.InputDataConfig[0].DataSource.S3DataSource.S3Uri | startswith("s3://"))
       and (.OutputDataConfig.S3OutputPath | startswith("s3://"))
       and .ResourceConfig.InstanceType == "ml.m5.xlarge" and .ResourceConfig.InstanceCount == 1
       and .StoppingCondition.MaxRuntimeInSeconds > 0
       and (.RoleArn | test("^arn:aws:iam::[0-9]{12}:role/"))' "$JOB" >/dev/null ||
  fail "training-job.json lacks File mode, the single channel training, the output path, ml.m5.xlarge, the stopping condition or the role"

# --- The model runs the training image on the job's artifact; the endpoint serves the model.
jq -e --slurpfile job "$JOB" '.PrimaryContainer.Image == $job[0].AlgorithmSpecification.TrainingImage
       and .PrimaryContainer.ModelDataUrl == ($job[0].OutputDataConfig.S3OutputPath + $job[0].TrainingJobName + "/output/model.tar.gz")
       and .ExecutionRoleArn == $job[0].RoleArn' "$MODEL" >/dev/null ||
  fail "model.json should run the training job's image on its model.tar.gz with its role"
jq -e --slurpfile model "$MODEL" '[.ProductionVariants[].ModelName] == [$model[0].ModelName]
       and all(.ProductionVariants[]; .InitialInstanceCount >= 1 and (.InstanceType | startswith("ml.")))' "$ENDPOINT_CONFIG" >/dev/null ||
  fail "endpoint-config.json should serve the model of model.json"

# --- The man page's commands use these names and files.
config_name=$(jq -r .EndpointConfigName "$ENDPOINT_CONFIG")
model_name=$(jq -r .ModelName "$MODEL")
grep -qF -- "--endpoint-config-name $config_name" <<<"$unroffed" || fail "newsclf-sagemaker.7 does not create the endpoint from $config_name"
grep -qF -- "--model-name $model_name" <<<"$unroffed" || fail "newsclf-sagemaker.7 does not name the model $model_name"
grep -qF -- "--content-type application/json" <<<"$unroffed" || fail "newsclf-sagemaker.7 does not invoke the endpoint with application/json"
for name in training-job model endpoint-config; do
  grep -qF -- "--cli-input-json file://$name" <<<"$unroffed" || fail "newsclf-sagemaker.7 does not use $name.json with --cli-input-json"
done
for path in $(grep -oE '(scripts/sagemaker/[a-z/._-]*[a-z]|Makefile\.sagemaker|Dockerfile|\.dockerignore|tests/cli/[a-z.-]+)' <<<"$unroffed" | sort -u); do
  [ -e "$NEWSCLF_SOURCE_DIR/$path" ] || fail "newsclf-sagemaker.7 names $path, which does not exist"
done

finish
