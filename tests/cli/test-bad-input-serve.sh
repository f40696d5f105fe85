#!/usr/bin/env bash
# newsclf-serve on bad options, environment variables and models, one row each (bad_input.sh says
# what every row checks besides its exit status and message): the port, workers, timeout and
# payload limit, as options or SageMaker's variables, out of range, not numbers, nan, inf, 1e400,
# negative, huge or holding escape sequences; models that are missing or damaged. Every row fails
# before serving a request; those that get as far as listening listen on a free loopback port.
. "$(dirname "$0")/lib.sh"
BAD_OUTPUT_OPTION=""  # the server writes no file
. "$(dirname "$0")/bad_input.sh"

make_model_fixtures
unset SAGEMAKER_BIND_TO_PORT MODEL_SERVER_WORKERS MODEL_SERVER_TIMEOUT
fixtures_ready

bad_table newsclf-serve <<'TABLE'
# exit | message fragment | arguments
# --- the port: 0 (any free one) to 65535, from -p or SAGEMAKER_BIND_TO_PORT
2 | --port: "65536" is not a whole number from 0 to 65535 (SAGEMAKER_BIND_TO_PORT sets it too) | -m "$M" --address 127.0.0.1 -p 65536
2 | --port: "-1" | -m "$M" --address 127.0.0.1 -p -1
2 | --port: "nan" | -m "$M" --address 127.0.0.1 -p nan
2 | --port: "inf" | -m "$M" --address 127.0.0.1 -p inf
2 | --port: "1e400" | -m "$M" --address 127.0.0.1 -p 1e400
2 | --port: "8080.5" | -m "$M" --address 127.0.0.1 -p 8080.5
2 | --port: "99999999999999999999" | -m "$M" --address 127.0.0.1 -p 99999999999999999999
2 | --port: "?[2J" | -m "$M" --address 127.0.0.1 -p $'\e[2J'
2 | SAGEMAKER_BIND_TO_PORT | SAGEMAKER_BIND_TO_PORT=abc -m "$M" --address 127.0.0.1
2 | SAGEMAKER_BIND_TO_PORT | SAGEMAKER_BIND_TO_PORT=nan -m "$M" --address 127.0.0.1
2 | SAGEMAKER_BIND_TO_PORT | SAGEMAKER_BIND_TO_PORT=-8080 -m "$M" --address 127.0.0.1
2 | SAGEMAKER_BIND_TO_PORT | SAGEMAKER_BIND_TO_PORT=1e400 -m "$M" --address 127.0.0.1
2 | SAGEMAKER_BIND_TO_PORT | SAGEMAKER_BIND_TO_PORT=$'8080\e[2J' -m "$M" --address 127.0.0.1
# --- workers: 0 (one per CPU) to 256, from -w or MODEL_SERVER_WORKERS
2 | --workers: "257" is not a whole number from 0 to 256 (MODEL_SERVER_WORKERS sets it too) | -m "$M" --address 127.0.0.1 -p 0 -w 257
2 | --workers: "-1" | -m "$M" --address 127.0.0.1 -p 0 -w -1
2 | --workers: "nan" | -m "$M" --address 127.0.0.1 -p 0 -w nan
2 | --workers: "1000000000" | -m "$M" --address 127.0.0.1 -p 0 -w 1000000000
2 | MODEL_SERVER_WORKERS | MODEL_SERVER_WORKERS=inf -m "$M" --address 127.0.0.1 -p 0
2 | MODEL_SERVER_WORKERS | MODEL_SERVER_WORKERS=1e400 -m "$M" --address 127.0.0.1 -p 0
2 | MODEL_SERVER_WORKERS | MODEL_SERVER_WORKERS=$'\e]0;x\a' -m "$M" --address 127.0.0.1 -p 0
# --- the timeout: 0.001 to 86400 seconds, from --timeout or MODEL_SERVER_TIMEOUT
2 | --timeout: "0" is not a number from 0.001 to 86400 (MODEL_SERVER_TIMEOUT sets it too) | -m "$M" --address 127.0.0.1 -p 0 --timeout 0
2 | --timeout: "-5" | -m "$M" --address 127.0.0.1 -p 0 --timeout -5
2 | --timeout: "nan" | -m "$M" --address 127.0.0.1 -p 0 --timeout nan
2 | --timeout: "inf" | -m "$M" --address 127.0.0.1 -p 0 --timeout inf
2 | --timeout: "1e400" | -m "$M" --address 127.0.0.1 -p 0 --timeout 1e400
2 | --timeout: "1e18" | -m "$M" --address 127.0.0.1 -p 0 --timeout 1e18
2 | MODEL_SERVER_TIMEOUT | MODEL_SERVER_TIMEOUT=nan -m "$M" --address 127.0.0.1 -p 0
2 | MODEL_SERVER_TIMEOUT | MODEL_SERVER_TIMEOUT=-inf -m "$M" --address 127.0.0.1 -p 0
# --- the payload limit: 1 to 1024 MB
2 | --max-payload-mb | -m "$M" --address 127.0.0.1 -p 0 --max-payload-mb 0
2 | --max-payload-mb | -m "$M" --address 127.0.0.1 -p 0 --max-payload-mb 1025
2 | --max-payload-mb | -m "$M" --address 127.0.0.1 -p 0 --max-payload-mb -1
2 | --max-payload-mb | -m "$M" --address 127.0.0.1 -p 0 --max-payload-mb nan
2 | --max-payload-mb | -m "$M" --address 127.0.0.1 -p 0 --max-payload-mb inf
2 | --max-payload-mb | -m "$M" --address 127.0.0.1 -p 0 --max-payload-mb 1e400
2 | --max-payload-mb | -m "$M" --address 127.0.0.1 -p 0 --max-payload-mb 99999999999999999999
# --- other usage
2 | --model is required | --address 127.0.0.1 -p 0
2 | --no-such-option | -m "$M" --address 127.0.0.1 -p 0 --no-such-option
# --- models: the server listens, then fails to load it and stops
1 | $D/missing.newsclf: no such model file | -m "$D/missing.newsclf" --address 127.0.0.1 -p 0
1 | $D/missing\x1b[2J.newsclf: no such model file | -m "$D/missing"$'\e[2J'".newsclf" --address 127.0.0.1 -p 0
3 | $D/half.newsclf: truncated | -m "$D/half.newsclf" --address 127.0.0.1 -p 0
3 | $D/flipped.newsclf: checksum mismatch | -m "$D/flipped.newsclf" --address 127.0.0.1 -p 0
3 | upgrade newsclf | -m "$D/v2.newsclf" --address 127.0.0.1 -p 0
3 | $D/tokens.bin: this is a newsclf tokens file, but a model file is needed | -m "$D/tokens.bin" --address 127.0.0.1 -p 0
3 | $D/model-dimension.newsclf | -m "$D/model-dimension.newsclf" --address 127.0.0.1 -p 0
3 | $D/model-hidden-units.newsclf: tensor "dense_0.kernel" [10000,2] does not match | -m "$D/model-hidden-units.newsclf" --address 127.0.0.1 -p 0
3 | $D/model-escape-arch.newsclf | -m "$D/model-escape-arch.newsclf" --address 127.0.0.1 -p 0
TABLE

bad_input_finish
