#!/usr/bin/env bash
# Makefile.sagemaker without Docker or AWS: help and newsclf-sagemaker.7 cover every target and
# variable; test-dir lays out /opt/ml for real; the local targets run the image or, with
# NO_DOCKER=1, the wrappers with the right directory, PATH and port (make -n); push runs the ECR
# steps in order against recording stand-ins for aws and docker; only push asks aws anything.
. "$(dirname "$0")/lib.sh"

cd "$NEWSCLF_SOURCE_DIR" || exit 1
MAKEFILE=Makefile.sagemaker
PAGE=man/newsclf-sagemaker.7
[ -f "$MAKEFILE" ] || { echo "FAIL: no $MAKEFILE" >&2; exit 1; }
command -v jq >/dev/null || { echo "FAIL: jq is needed (scripts/setup.sh installs it)" >&2; exit 1; }

# aws and docker stand-ins: each call is appended to $CALLS; aws answers as a configured account.
export CALLS="$SCRATCH/calls"
mkdir -p "$SCRATCH/bin"
cat >"$SCRATCH/bin/aws" <<'EOF'
#!/bin/sh
echo "aws $*" >>"$CALLS"
case "$*" in
  "configure get region") [ -n "${FAKE_REGION-us-east-1}" ] || exit 1; echo "${FAKE_REGION-us-east-1}" ;;
  "sts get-caller-identity --query Account --output text") echo 123456789012 ;;
  "ecr describe-repositories "*) [ -n "${FAKE_REPOSITORY:-}" ] || { echo "RepositoryNotFoundException" >&2; exit 254; } ;;
  "ecr get-login-password "*) echo the-password ;;
esac
EOF
cat >"$SCRATCH/bin/docker" <<'EOF'
#!/bin/sh
echo "docker $*" >>"$CALLS"
[ "$1" != login ] || echo "docker login read: $(cat)" >>"$CALLS"
EOF
chmod +x "$SCRATCH/bin/aws" "$SCRATCH/bin/docker"
export PATH="$SCRATCH/bin:$PATH"
unset REGION ACCOUNT IMAGE TAG TEST_DIR DATA GLOVE PORT NO_DOCKER FAKE_REGION FAKE_REPOSITORY

# no_calls WHAT: nothing was asked of aws or docker since the last reset.
no_calls() {
  [ ! -s "$CALLS" ] || fail "$1 called aws or docker: $(cat "$CALLS")"
  rm -f "$CALLS"
}

# --- help is the default target, and it and the man page cover every target and variable.
make -s -f $MAKEFILE >"$SCRATCH/help" 2>&1 || fail "make -f $MAKEFILE (help) failed: $(cat "$SCRATCH/help")"
no_calls "help"
make -s -f $MAKEFILE help | cmp -s - "$SCRATCH/help" || fail "help is not the default target"
targets=$(sed -nE 's/^([a-z][a-z-]*):.*/\1/p' $MAKEFILE | sort -u)
variables=$(sed -nE 's/^([A-Z_]+) \?=.*/\1/p' $MAKEFILE)
[ "$(echo "$targets" | wc -w)" -ge 7 ] || fail "cannot read the targets of $MAKEFILE: $targets"
for t in $targets; do
  grep -qE "^  $t " "$SCRATCH/help" || fail "help does not list the target $t"
  grep -qE "^\.B $(sed 's/-/\\\\-/g' <<<"$t")$" $PAGE || fail "$PAGE does not document the target $t"
done
for v in $variables; do
  grep -qw "$v" "$SCRATCH/help" || fail "help does not list the variable $v"
  grep -qE "^\.BR? .*\b$v\b" $PAGE || fail "$PAGE does not document the variable $v"
done
for t in $(grep -oE '^\.PHONY:.*' $MAKEFILE | cut -d: -f2); do
  [[ " $(echo $targets) " == *" $t "* ]] || fail ".PHONY names $t, which is not a target"
done

# --- An empty TEST_DIR is refused (train-local empties TEST_DIR/model).
make -s -f $MAKEFILE TEST_DIR= test-dir >/dev/null 2>"$SCRATCH/err" && fail "an empty TEST_DIR should be refused"
grep -q 'TEST_DIR is empty' "$SCRATCH/err" || fail "an empty TEST_DIR: $(cat "$SCRATCH/err")"

# --- test-dir, for real: /opt/ml's layout, the channel's files under the contract's names.
T="$SCRATCH/test_dir"
make -s -f $MAKEFILE NO_DOCKER=1 TEST_DIR="$T" test-dir >"$SCRATCH/out" 2>&1 || fail "test-dir failed: $(cat "$SCRATCH/out")"
no_calls "test-dir"
for d in input/config input/data/training model output; do
  [ -d "$T/$d" ] || fail "test-dir did not make $d"
done
cmp -s scripts/sagemaker/hyperparameters.json "$T/input/config/hyperparameters.json" ||
  fail "input/config/hyperparameters.json is not scripts/sagemaker/hyperparameters.json"
jq -e 'all(.[]; type == "string")' "$T/input/config/hyperparameters.json" >/dev/null ||
  fail "the hyperparameters should all be strings, as SageMaker writes them"
cmp -s testdata/news.sample.tsv "$T/input/data/training/newsCorpora.csv" || fail "the channel's newsCorpora.csv is not DATA"
cmp -s testdata/glove.sample.100d.txt.xz "$T/input/data/training/glove.6B.100d.txt.xz" ||
  fail "the channel's glove.6B.100d.txt.xz is not GLOVE"
# Other files keep their compression, and replace the previous ones.
gzip -c testdata/news.sample.tsv >"$SCRATCH/news.tsv.gz"
xz -dc testdata/glove.sample.100d.txt.xz >"$SCRATCH/glove.txt"
make -s -f $MAKEFILE TEST_DIR="$T" DATA="$SCRATCH/news.tsv.gz" GLOVE="$SCRATCH/glove.txt" test-dir >"$SCRATCH/out" 2>&1 ||
  fail "test-dir with a .gz DATA failed: $(cat "$SCRATCH/out")"
[ "$(cd "$T/input/data/training" && echo *)" = "glove.6B.100d.txt newsCorpora.csv.gz" ] ||
  fail "the channel should hold glove.6B.100d.txt and newsCorpora.csv.gz only: $(cd "$T/input/data/training" && echo *)"
cmp -s "$SCRATCH/news.tsv.gz" "$T/input/data/training/newsCorpora.csv.gz" || fail "newsCorpora.csv.gz is not DATA"
no_calls "test-dir with other files"

# --- The local targets with Docker (make -n): the image, with TEST_DIR as /opt/ml.
make -n -f $MAKEFILE TEST_DIR=rel/dir PORT=18080 train-local serve-local predict-local >"$SCRATCH/n" 2>&1 ||
  fail "make -n of the local targets failed: $(cat "$SCRATCH/n")"
no_calls "make -n of the local targets"
abs=$(pwd)/rel/dir
grep -qxF "docker run -v $abs:/opt/ml --rm newsclf:latest train" "$SCRATCH/n" || fail "train-local does not run the image's train: $(cat "$SCRATCH/n")"
grep -qxF "exec docker run -p 18080:8080 -v $abs:/opt/ml --rm newsclf:latest serve" "$SCRATCH/n" ||
  fail "serve-local does not run the image's serve on PORT: $(cat "$SCRATCH/n")"
grep -qF "rm -rf rel/dir/model/* rel/dir/output/*" "$SCRATCH/n" || fail "train-local does not empty model/ and output/"
grep -qxF "curl -sS --fail-with-body -H 'Content-Type: application/json' --data-binary @scripts/sagemaker/input.json http://localhost:18080/invocations" "$SCRATCH/n" ||
  fail "predict-local does not post input.json to PORT: $(cat "$SCRATCH/n")"
# Docker's own options: DOCKER_RUN_ARGS to both runs, DOCKER_BUILD_ARGS to the build, and on the
# host's network the server listens on PORT itself.
make -n -f $MAKEFILE TEST_DIR=rel/dir PORT=18080 NETWORK=host DOCKER_RUN_ARGS='--memory 512m --read-only' \
  DOCKER_BUILD_ARGS='--network host' train-local serve-local image >"$SCRATCH/n2" 2>&1 ||
  fail "make -n with NETWORK=host failed: $(cat "$SCRATCH/n2")"
no_calls "make -n with NETWORK=host"
grep -qxF "docker run --network host --memory 512m --read-only -v $abs:/opt/ml --rm newsclf:latest train" "$SCRATCH/n2" ||
  fail "train-local with NETWORK=host and DOCKER_RUN_ARGS: $(cat "$SCRATCH/n2")"
grep -qxF "exec docker run --network host -e SAGEMAKER_BIND_TO_PORT=18080 --memory 512m --read-only -v $abs:/opt/ml --rm newsclf:latest serve" "$SCRATCH/n2" ||
  fail "serve-local with NETWORK=host should listen on PORT on the host's network: $(cat "$SCRATCH/n2")"
grep -qxF "docker build --network host -t newsclf:latest ." "$SCRATCH/n2" || fail "image ignores DOCKER_BUILD_ARGS: $(cat "$SCRATCH/n2")"
make -n -f $MAKEFILE TEST_DIR=rel/dir PORT=18080 NETWORK=mine serve-local | grep -qxF "exec docker run --network mine -p 18080:8080 -v $abs:/opt/ml --rm newsclf:latest serve" ||
  fail "serve-local on a network of the user's should publish PORT"
make -n -f $MAKEFILE IMAGE=other TAG=v2 train-local | grep -q -- '--rm other:v2 train$' || fail "train-local ignores IMAGE and TAG"

# --- With NO_DOCKER=1 (make -n): the wrappers, the tools of BIN on PATH, NEWSCLF_OPT_ML, the port.
make -n -f $MAKEFILE NO_DOCKER=1 TEST_DIR=rel/dir BIN=some/bin PORT=18080 train-local serve-local >"$SCRATCH/n" 2>&1 ||
  fail "make -n NO_DOCKER=1 failed: $(cat "$SCRATCH/n")"
no_calls "make -n NO_DOCKER=1"
grep -qxF "NEWSCLF_OPT_ML=$abs PATH=\"$(pwd)/some/bin:\$PATH\" scripts/sagemaker/train" "$SCRATCH/n" ||
  fail "NO_DOCKER=1 train-local does not run scripts/sagemaker/train on TEST_DIR: $(cat "$SCRATCH/n")"
grep -qxF "exec env NEWSCLF_OPT_ML=$abs PATH=\"$(pwd)/some/bin:\$PATH\" SAGEMAKER_BIND_TO_PORT=18080 scripts/sagemaker/serve" "$SCRATCH/n" ||
  fail "NO_DOCKER=1 serve-local does not run scripts/sagemaker/serve on TEST_DIR and PORT: $(cat "$SCRATCH/n")"
grep -q docker "$SCRATCH/n" && fail "NO_DOCKER=1 still runs docker: $(cat "$SCRATCH/n")"

# --- image and push, run against the stand-ins: build, repository, login, tag, push.
make -s -f $MAKEFILE PLATFORM=linux/amd64 image >"$SCRATCH/out" 2>&1 || fail "image failed: $(cat "$SCRATCH/out")"
[ "$(cat "$CALLS")" = "docker build --platform linux/amd64 -t newsclf:latest ." ] || fail "image ran: $(cat "$CALLS")"
rm -f "$CALLS"
make -s -f $MAKEFILE push >"$SCRATCH/out" 2>&1 || fail "push failed: $(cat "$SCRATCH/out")"
registry=123456789012.dkr.ecr.us-east-1.amazonaws.com
printf '%s\n' "docker build -t newsclf:latest ." \
  "aws configure get region" \
  "aws sts get-caller-identity --query Account --output text" \
  "aws ecr describe-repositories --region us-east-1 --repository-names newsclf" \
  "aws ecr create-repository --region us-east-1 --repository-name newsclf" \
  "aws ecr get-login-password --region us-east-1" \
  "docker login --username AWS --password-stdin $registry" \
  "docker login read: the-password" \
  "docker tag newsclf:latest $registry/newsclf:latest" \
  "docker push $registry/newsclf:latest" >"$SCRATCH/want"
# The login's two sides run at once: compare the calls without their order for those.
sort "$SCRATCH/want" | diff -u - <(sort "$CALLS") >&2 || fail "push ran other commands (diff above)"
[ "$(tail -n 2 "$CALLS" | head -n 1)" = "docker tag newsclf:latest $registry/newsclf:latest" ] &&
  [ "$(tail -n 1 "$CALLS")" = "docker push $registry/newsclf:latest" ] || fail "push should tag, then push, last"
rm -f "$CALLS"
# An existing repository is not created again; REGION and ACCOUNT given are not asked of aws.
FAKE_REPOSITORY=1 make -s -f $MAKEFILE REGION=eu-west-1 ACCOUNT=210987654321 IMAGE=other TAG=v2 push >"$SCRATCH/out" 2>&1 ||
  fail "push to an existing repository failed: $(cat "$SCRATCH/out")"
grep -q 'create-repository\|configure get\|get-caller-identity' "$CALLS" && fail "push asked aws what it was told, or created an existing repository: $(cat "$CALLS")"
grep -qxF "docker push 210987654321.dkr.ecr.eu-west-1.amazonaws.com/other:v2" "$CALLS" || fail "push to REGION/ACCOUNT/IMAGE:TAG: $(cat "$CALLS")"
rm -f "$CALLS"
make -s -f $MAKEFILE REGION=cn-north-1 ACCOUNT=210987654321 push >/dev/null 2>&1
grep -qxF "docker push 210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn/newsclf:latest" "$CALLS" || fail "push to a China region should use amazonaws.com.cn: $(cat "$CALLS")"
rm -f "$CALLS"
# Without a region, push stops before ECR.
FAKE_REGION="" make -s -f $MAKEFILE push >/dev/null 2>"$SCRATCH/err"
[ $? -eq 2 ] || fail "push without a region should exit 2"
grep -q 'no region' "$SCRATCH/err" || fail "push without a region: $(cat "$SCRATCH/err")"
grep -q '^aws ecr\|^docker push' "$CALLS" && fail "push without a region still went on: $(cat "$CALLS")"
rm -f "$CALLS"

finish
