#!/bin/sh
# A script mode program for newsclf-train (hyperparameter sagemaker_program=train.sh): the
# pipeline of tools that newsclf-train runs in process, written with SageMaker's SM_* variables.
# Every hyperparameter reaches newsclf-fit as its option: SM_HP_EPOCHS=2 gives --epochs 2.
set -eu

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The training channel: word vectors (glove*) and headline files (everything else).
glove=""
set --
for file in "$SM_CHANNEL_TRAINING"/*; do
  case ${file##*/} in
    glove*) glove=$file ;;
    *) set -- "$@" "$file" ;;
  esac
done
[ "$#" -gt 0 ] || { echo "train.sh: no headline file in $SM_CHANNEL_TRAINING" >&2; exit 1; }
echo "train.sh: host $SM_CURRENT_HOST of $SM_HOSTS, channels $SM_CHANNELS, hyperparameters $SM_HPS" >&2

newsclf-tokenize --max-words 0 -o "$work/tokens" "$@"

# newsclf-fit's options from the hyperparameters: SM_HP_BATCH_SIZE=32 -> --batch-size 32.
options=""
for name in $(env | sed -n 's/^SM_HP_\([A-Z0-9_]*\)=.*/\1/p' | sort); do
  option=$(printf '%s' "$name" | tr 'A-Z_' 'a-z-')
  options="$options --$option $(printenv "SM_HP_$name")"
done

if [ -n "$glove" ]; then
  newsclf-embed --vocab "$work/tokens" -o "$work/embedding.npy" "$glove"
  options="$options --embedding $work/embedding.npy"
fi
# shellcheck disable=SC2086 # one word per option and value
newsclf-fit $options -o "$SM_MODEL_DIR/newsclf.model" "$work/tokens"
