#!/usr/bin/env bash
# Sets newsclf up, trains the workshop's model on the bundled sample (testdata/), evaluates it
# on the rows held out of its training (out/sample/validation.tokens) and classifies a few headlines.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
make -f scripts/experiment.mk OUT=out/sample
echo "== metrics on the held-out rows (out/sample/metrics.json)"
jq '{n, accuracy, macro_f1, log_loss}' out/sample/metrics.json
echo "== predictions"
build/bin/newsclf-predict --model out/sample/model <<'HEADLINES'
Why Exercise Alone May Not Be the Key to Weight Loss
Apple unveils iPhone 6 with a bigger screen
Fed holds rates steady as inflation stays low
Kim Kardashian and Kanye West marry in Florence
HEADLINES
