#!/usr/bin/env bash
# The SageMaker image built and run with Docker, through Makefile.sagemaker as its users run it:
# image, test-dir, train-local; serve-local in the background, answering predict-local with the
# workshop's input.json, JSON Lines and CSV; docker stop ending it with exit 0 within a second;
# the container writing output/failure for a bad hyperparameter; train within --memory 512m;
# train and serve on a read-only root file system (--read-only --tmpfs /tmp); and an MPI job
# training the bag over two containers, each its own host, joined by a veth pair. Prints the image's
# size, its build time and the cold start (docker run to the first /ping answered 200).
# Skipped (exit 77) where no Docker engine answers (scripts/docker-engine.sh starts one) or its
# base image cannot be had, and in the sanitizer builds (the image builds its own Release tools).
. "$(dirname "$0")/lib.sh"
skip() { echo "skipped: $*"; exit 77; }
[ -z "${NEWSCLF_SANITIZE:-}" ] || skip "the image holds a Release build of its own, not the sanitizer's tools"
command -v docker >/dev/null || skip "no docker on PATH (scripts/docker-engine.sh)"
docker info >/dev/null 2>&1 || skip "no Docker engine answers (scripts/docker-engine.sh starts one)"
base=$(sed -n 's/^FROM \([^ ]*\).*/\1/p' "$NEWSCLF_SOURCE_DIR/Dockerfile" | sort -u)
for image in $base; do
  docker image inspect "$image" >/dev/null 2>&1 || docker pull -q "$image" >/dev/null 2>&1 ||
    skip "the base image $image is neither here nor to be pulled (scripts/docker-engine.sh makes it)"
done
for program in curl jq make; do
  command -v "$program" >/dev/null || { echo "FAIL: $program is needed" >&2; exit 1; }
done

cd "$NEWSCLF_SOURCE_DIR" || exit 1
IMAGE=newsclf TAG=ctest
NAME=newsclf-ctest-$$
T="$SCRATCH/test_dir"
# An engine without Docker's bridge (dockerd --bridge=none) builds and serves on the host's network.
if docker network inspect bridge >/dev/null 2>&1; then network=() build_args=""; else network=(NETWORK=host) build_args="--network host"; fi
docker_make() { make -s -f Makefile.sagemaker IMAGE=$IMAGE TAG=$TAG TEST_DIR="$T" "${network[@]}" "$@"; }
cleanup() {
  docker rm -f "$NAME" >/dev/null 2>&1
  [ -z "${make_pid:-}" ] || kill "$make_pid" 2>/dev/null
  # The container wrote as root into TEST_DIR.
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# --- The image, from this tree. Its build stage is tagged too ($TAG-build), so that its layers,
# the packages' above all, stay as the next build's cache; the images of the test's last build
# are then removed, unless something else holds them (a storage driver such as vfs keeps a whole
# copy of the file system a layer, gigabytes a build).
previous=$(docker image inspect -f '{{.Id}}' "$IMAGE:$TAG" "$IMAGE:$TAG-build" 2>/dev/null)
started=$(date +%s)
if ! docker_make DOCKER_BUILD_ARGS="$build_args" image >"$SCRATCH/build.log" 2>&1; then
  fail "make image failed: $(tail -n 20 "$SCRATCH/build.log")"
  finish
fi
# shellcheck disable=SC2086  # the options, a word each
docker build -q $build_args --target build -t "$IMAGE:$TAG-build" . >/dev/null 2>&1 || fail "cannot tag the build stage"
current=$(docker image inspect -f '{{.Id}}' "$IMAGE:$TAG" "$IMAGE:$TAG-build" 2>/dev/null)
for id in $previous; do
  grep -qxF "$id" <<<"$current" || docker rmi "$id" >/dev/null 2>&1 || true
done
size=$(docker image inspect -f '{{.Size}}' "$IMAGE:$TAG")
echo "image $IMAGE:$TAG built in $(( $(date +%s) - started )) s, $(( size / 1000000 )) MB"
[ "$size" -lt 500000000 ] || fail "the image is $(( size / 1000000 )) MB; the runtime stage should hold only what the tools load"

# --- train-local on the sample, as a SageMaker training job runs the image.
train_local docker_make || finish
cp "$T/model/newsclf.model" "$SCRATCH/trained.model"

# serve_up [DOCKER_RUN_ARGS...]: serve-local in the background as container $NAME on $port; sets
# $make_pid and $cold_ms (make started to the first /ping answered 200). Fails when it does not
# come up within 60 s.
serve_up() {
  port=$(free_port) || { fail "no free port found"; return 1; }
  local start_ns i
  start_ns=$(date +%s%N)
  docker_make PORT="$port" DOCKER_RUN_ARGS="--name $NAME $*" serve-local >"$SCRATCH/serve.out" 2>"$SCRATCH/serve.err" &
  make_pid=$!
  for i in $(seq 1 600); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://localhost:$port/ping")" = 200 ]; then
      cold_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
      return 0
    fi
    kill -0 "$make_pid" 2>/dev/null || break
    sleep 0.1
  done
  fail "serve-local did not answer GET /ping with 200 on port $port: $(tail -n 5 "$SCRATCH/serve.err")"
  return 1
}

# serve_down: docker stop; serve-local (make) must end with exit 0, within a second of it.
serve_down() {
  local start_ns took status
  start_ns=$(date +%s%N)
  docker stop -t 10 "$NAME" >/dev/null || fail "docker stop $NAME failed"
  took=$(( ($(date +%s%N) - start_ns) / 1000000 ))
  wait "$make_pid"
  status=$?
  make_pid=""
  echo "docker stop: serve ended in $took ms, exit $status"
  [ "$status" -eq 0 ] || fail "serve-local should exit 0 after docker stop, got $status: $(tail -n 5 "$SCRATCH/serve.err")"
  [ "$took" -lt 1000 ] || fail "docker stop took $took ms; serve should end within 1 s of SIGTERM"
}

# predict CONTENT_TYPE INPUT: predict-local's answer on stdout.
predict() { docker_make PORT="$port" CONTENT_TYPE="$1" INPUT="$2" predict-local; }

# --- serve-local, and predict-local in the three request types of the workshop's clients.
if serve_up; then
  echo "cold start: $cold_ms ms from docker run to the first /ping answered 200"
  shown=$(sed -n '/^\$ make \\-f Makefile.sagemaker predict\\-local$/{n;p;q}' man/newsclf-sagemaker.7)
  answer=$(predict application/json scripts/sagemaker/input.json 2>&1)
  [ "$answer" = "$shown" ] || fail "predict-local of input.json answered $answer; newsclf-sagemaker.7 shows $shown"
  cut -f2 testdata/news.sample.tsv | head -n 5 | jq -R -c '{input: .}' >"$SCRATCH/five.jsonl"
  predict application/jsonlines "$SCRATCH/five.jsonl" >"$SCRATCH/five.out" 2>&1
  [ "$(jq -r .label "$SCRATCH/five.out" 2>/dev/null | grep -c '^[btem]$')" -eq 5 ] ||
    fail "JSON Lines of 5 headlines should get 5 lines with a label: $(cat "$SCRATCH/five.out")"
  cut -f2 testdata/news.sample.tsv | head -n 3 >"$SCRATCH/three.csv"
  predict text/csv "$SCRATCH/three.csv" >"$SCRATCH/three.out" 2>&1
  [ "$(grep -cE '^[btem],(0|1)(\.[0-9]+)?$' "$SCRATCH/three.out")" -eq 3 ] ||
    fail "CSV of 3 headlines should get 3 lines of label,probability: $(cat "$SCRATCH/three.out")"
  # The same answers as the tools of this tree give with the same model.
  cut -f2 testdata/news.sample.tsv | head -n 5 | newsclf-predict -q -m "$SCRATCH/trained.model" --input-format lines |
    jq -r .label >"$SCRATCH/five.want"
  jq -r .label "$SCRATCH/five.out" | cmp -s - "$SCRATCH/five.want" ||
    fail "the container's labels differ from newsclf-predict's with the same model"
  serve_down
fi

# --- A bad hyperparameter: the container's train fails and says why in output/failure.
jq '.epochs = "many"' scripts/sagemaker/hyperparameters.json >"$SCRATCH/bad.json"
docker_make HYPERPARAMETERS="$SCRATCH/bad.json" test-dir >/dev/null 2>&1
if docker_make train-local >"$SCRATCH/bad.out" 2>&1; then
  fail "train-local with epochs \"many\" succeeded"
else
  grep -q epochs "$T/output/failure" 2>/dev/null ||
    fail "output/failure should name the hyperparameter epochs: $(cat "$T/output/failure" 2>/dev/null)"
fi
[ ! -e "$T/model/newsclf.model" ] || fail "a failed training job left a model"
docker_make test-dir >/dev/null 2>&1

# --- Within 512 MB of memory (the limit seen from inside the container), the sample trains.
limit=$(docker run --rm "${network[@]/NETWORK=/--network=}" --memory 512m --entrypoint cat "$IMAGE:$TAG" /sys/fs/cgroup/memory.max 2>/dev/null ||
        docker run --rm "${network[@]/NETWORK=/--network=}" --memory 512m --entrypoint cat "$IMAGE:$TAG" /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null)
[ "$limit" = 536870912 ] || fail "docker run --memory 512m should limit the container to 536870912 bytes, it sees: $limit"
docker_make DOCKER_RUN_ARGS="--memory 512m" train-local >"$SCRATCH/mem.out" 2>&1 ||
  fail "train-local within --memory 512m failed: $(tail -n 5 "$SCRATCH/mem.out")"
[ -s "$T/model/newsclf.model" ] || fail "train-local within --memory 512m left no model"

# --- A read-only root file system: train and serve write only to /opt/ml and /tmp.
docker_make DOCKER_RUN_ARGS="--read-only --tmpfs /tmp" train-local >"$SCRATCH/ro.out" 2>&1 ||
  fail "train-local on a read-only root failed: $(tail -n 5 "$SCRATCH/ro.out")"
[ -s "$T/model/newsclf.model" ] || fail "train-local on a read-only root left no model"
if serve_up --read-only --tmpfs /tmp; then
  answer=$(predict application/json scripts/sagemaker/input.json 2>&1)
  [ "$answer" = "$shown" ] || fail "serve on a read-only root answered $answer"
  serve_down
fi

# --- Two hosts: one MPI job training the bag over two containers of the image, algo-1 and algo-2,
# each in a network namespace of its own joined to the other's by a veth pair; the first one's
# mpirun starts the second one's process through the sshd that train starts there, as on
# SageMaker. The model equals, scored on every sample row, the one two processes of one container
# train (the bag averages its weights over the processes; one thread each).
bag='"arch": "bag", "validation_split": "0.2", "buckets": "65536", "threads": "1", "seed": "2", "sagemaker_mpi_enabled": "true"'
veth=ncd$(( $$ % 100000 ))
net=10.232.$(( $$ % 200 + 20 ))
hosts_down() {
  docker rm -f "$NAME-algo-1" "$NAME-algo-2" "$NAME-alone" >/dev/null 2>&1
  ip link del "${veth}a" >/dev/null 2>&1
}
trap 'hosts_down; cleanup' EXIT
if [ "$(id -u)" != 0 ] || ! command -v nsenter >/dev/null || ! command -v ip >/dev/null; then
  echo "two hosts: left out: joining the containers' network namespaces needs root, ip and nsenter"
else
  for h in 1 2; do sagemaker_job "$SCRATCH/algo-$h" "algo-$h" '["algo-1", "algo-2"]' "$bag"; done
  for h in 2 1; do
    docker run -d --name "$NAME-algo-$h" --hostname "algo-$h" --network none \
      --add-host "algo-1:$net.1" --add-host "algo-2:$net.2" -v "$SCRATCH/algo-$h:/opt/ml" "$IMAGE:$TAG" train >/dev/null ||
      fail "docker run of algo-$h failed"
  done
  # The first host waits for the second one's sshd: the link may come up after both have started.
  pid1=$(docker inspect -f '{{.State.Pid}}' "$NAME-algo-1") pid2=$(docker inspect -f '{{.State.Pid}}' "$NAME-algo-2")
  if ip link add "${veth}a" type veth peer name "${veth}b" && ip link set "${veth}a" netns "$pid1" &&
     ip link set "${veth}b" netns "$pid2" &&
     nsenter -t "$pid1" -n ip addr add "$net.1/24" dev "${veth}a" && nsenter -t "$pid1" -n ip link set "${veth}a" up &&
     nsenter -t "$pid2" -n ip addr add "$net.2/24" dev "${veth}b" && nsenter -t "$pid2" -n ip link set "${veth}b" up; then
    first=$(timeout 300 docker wait "$NAME-algo-1") second=$(timeout 60 docker wait "$NAME-algo-2")
    docker logs "$NAME-algo-1" >"$SCRATCH/algo-1.log" 2>&1
    docker logs "$NAME-algo-2" >"$SCRATCH/algo-2.log" 2>&1
    [ "$first" = 0 ] || fail "two hosts: algo-1's train exited ${first:-(still running)}: $(tail -n 5 "$SCRATCH/algo-1.log")"
    [ "$second" = 0 ] || fail "two hosts: algo-2's train exited ${second:-(still running)}: $(tail -n 5 "$SCRATCH/algo-2.log")"
    grep -q -- "mpirun --hostfile [^ ]* -np 2 " "$SCRATCH/algo-1.log" ||
      fail "two hosts: algo-1 did not start mpirun over both hosts: $(head -n 5 "$SCRATCH/algo-1.log")"
    grep -q "started /usr/sbin/sshd" "$SCRATCH/algo-2.log" ||
      fail "two hosts: algo-2 did not start its sshd: $(head -n 5 "$SCRATCH/algo-2.log")"
    grep -q 'the job.s processes have ended' "$SCRATCH/algo-2.log" ||
      fail "two hosts: algo-2 did not wait for the job's processes: $(tail -n 5 "$SCRATCH/algo-2.log")"
    [ -s "$SCRATCH/algo-1/model/newsclf.model" ] || fail "two hosts: algo-1 wrote no model"
    [ ! -e "$SCRATCH/algo-2/model/newsclf.model" ] || fail "two hosts: algo-2 wrote a model"
    sagemaker_job "$SCRATCH/alone" algo-1 '["algo-1"]' \
      "$bag"', "sagemaker_mpi_num_of_processes_per_host": "2", "sagemaker_mpi_custom_mpi_options": "--oversubscribe"'
    docker run --name "$NAME-alone" "${network[@]/NETWORK=/--network=}" -v "$SCRATCH/alone:/opt/ml" "$IMAGE:$TAG" train >"$SCRATCH/alone.log" 2>&1 ||
      fail "two processes in one container failed: $(tail -n 5 "$SCRATCH/alone.log")"
    cmp -s <(newsclf-eval -q -m "$SCRATCH/algo-1/model" testdata/news.sample.tsv) \
           <(newsclf-eval -q -m "$SCRATCH/alone/model" testdata/news.sample.tsv) ||
      fail "two hosts: the bag trained over two containers differs from the one of two processes in one"
    echo "two hosts: algo-1 and algo-2 trained the bag over MPI; validation accuracy $(jq .final.val_accuracy "$SCRATCH/algo-1/output/data/metrics.json")"
  else
    fail "two hosts: cannot join the containers' network namespaces with a veth pair"
  fi
fi

finish
