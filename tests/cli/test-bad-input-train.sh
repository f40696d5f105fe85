#!/usr/bin/env bash
# newsclf-train on bad input of its own, one row each (bad_input.sh says what every row checks
# besides its exit status and message): the job's hyperparameters.json with numbers out of range,
# not numbers, nan, inf, 1e400, negative or of a size no memory holds, escape sequences, broken
# JSON; a missing job directory, channel or word vectors. The failure file of each job is test-sagemaker-train's.
. "$(dirname "$0")/lib.sh"
BAD_OUTPUT_OPTION=""  # the job's directory holds the outputs
. "$(dirname "$0")/bad_input.sh"

unset NEWSCLF_OPT_ML
cp "$GLOVE" "$D/glove.txt.xz"  # linked into every job
# job NAME HYPERPARAMETERS: an /opt/ml tree, $D/job-NAME, with 50 rows of the sample and the word
# vectors as the training channel.
job() {
  local dir="$D/job-$1"
  mkdir -p "$dir/input/config" "$dir/input/data/training"
  head -n 50 "$NEWS" >"$dir/input/data/training/newsCorpora.csv"
  ln "$D/glove.txt.xz" "$dir/input/data/training/glove.6B.100d.txt.xz"
  printf '%s\n' "$2" >"$dir/input/config/hyperparameters.json"
  printf '%s\n' '{"training": {"ContentType": "text/csv", "TrainingInputMode": "File", "S3DistributionType": "FullyReplicated", "RecordWrapperType": "None"}}' \
    >"$dir/input/config/inputdataconfig.json"
  printf '%s\n' '{"current_host": "algo-1", "hosts": ["algo-1"], "network_interface_name": "eth0"}' \
    >"$dir/input/config/resourceconfig.json"
}
while IFS='|' read -r name hyperparameters; do
  job "$name" "$hyperparameters"
done <<'JOBS'
epochs-nan|{"epochs": "nan"}
epochs-inf|{"epochs": "inf"}
epochs-1e400|{"epochs": "1e400"}
epochs-negative|{"epochs": "-2"}
epochs-number|{"epochs": 2.5}
learning-rate-inf|{"learning_rate": "inf"}
learning-rate-nan|{"learning_rate": "nan"}
learning-rate-text|{"learning_rate": "fast"}
dropout-1e400|{"dropout": "1e400"}
seed-huge|{"seed": "99999999999999999999999"}
validation-split-negative|{"validation_split": "-0.2"}
arch-escape|{"arch": "\u001b[2Jmlp"}
key-escape|{"\u001b]0;title\u0007": "1"}
broken-json|{"epochs": 
not-an-object|["epochs", 2]
hidden-units-huge|{"hidden_units": "1000000", "epochs": "1"}
JOBS
job no-data '{}'
rm -r "$D/job-no-data/input/data/training"
job no-glove '{"epochs": "1"}'
rm "$D/job-no-glove/input/data/training/glove.6B.100d.txt.xz"
fixtures_ready

bad_table newsclf-train <<'TABLE'
# exit | message fragment | arguments
2 | hyperparameters.json: hyperparameter epochs: "nan" is not an integer >= 1 | --opt-ml "$D/job-epochs-nan"
2 | hyperparameter epochs: "inf" | --opt-ml "$D/job-epochs-inf"
2 | hyperparameter epochs: "1e400" | --opt-ml "$D/job-epochs-1e400"
2 | hyperparameter epochs: "-2" | --opt-ml "$D/job-epochs-negative"
2 | hyperparameter epochs: "2.5" | --opt-ml "$D/job-epochs-number"
2 | hyperparameter learning_rate: "inf" is not a number in [0, 10] | --opt-ml "$D/job-learning-rate-inf"
2 | hyperparameter learning_rate: "nan" | --opt-ml "$D/job-learning-rate-nan"
2 | hyperparameter learning_rate: "fast" | --opt-ml "$D/job-learning-rate-text"
2 | hyperparameter dropout: "1e400" | --opt-ml "$D/job-dropout-1e400"
2 | hyperparameter seed: "99999999999999999999999" | --opt-ml "$D/job-seed-huge"
2 | hyperparameter validation_split: "-0.2" | --opt-ml "$D/job-validation-split-negative"
2 | hyperparameter arch: "\x1b[2Jmlp" is not one of | --opt-ml "$D/job-arch-escape"
2 | hyperparameters.json | --opt-ml "$D/job-key-escape"
2 | hyperparameters.json: not valid JSON | --opt-ml "$D/job-broken-json"
2 | hyperparameters.json | --opt-ml "$D/job-not-an-object"
1 | channel "training" | --opt-ml "$D/job-no-data"
1 | no word vector file | --opt-ml "$D/job-no-glove"
1 | $D/job-missing | --opt-ml "$D/job-missing"
2 | --no-such-option | --opt-ml "$D/job-epochs-nan" --no-such-option
# A network no memory holds: the estimate of the fit's memory refuses it, naming the hyperparameter.
2 | hidden_units (--hidden-units) 1000000: this mlp fit would need about | --opt-ml "$D/job-hidden-units-huge"
TABLE

bad_input_finish
