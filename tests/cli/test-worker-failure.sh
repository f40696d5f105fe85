#!/usr/bin/env bash
# A training thread that fails ends the tool like any other error: exit 1 and a message, no abort.
# --arch bag with a hidden layer of a million units: the main thread's parameters fit under the
# address-space limit, but each of the two training threads copies the dense layers (twice 484 MB)
# and its allocation fails. A thread started without the library's fan-out would end the process
# through std::terminate (SIGABRT, exit 134).
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
# OpenBLAS reserves buffers per CPU at start: one, so that the limit means the same everywhere.
export OPENBLAS_NUM_THREADS=1

newsclf-tokenize -q --max-words 0 -o tokens.bin "$TESTDATA/news.sample.tsv" || fail "tokenize failed"
(
  ulimit -v 1400000
  exec newsclf-fit -v --arch bag --bag-hidden 1000000 --threads 2 --epochs 1 -o huge.model tokens.bin
) > out.txt 2> err.txt
status=$?
# The main thread got as far as starting the threads (otherwise the limit is too low to test them).
grep -q 'bag: 10001 training rows on 2 threads' err.txt ||
  fail "the fit failed before its training threads started: $(tail -2 err.txt)"
[ "$status" -eq 1 ] || fail "a training thread out of memory: expected exit 1, got $status: $(tail -2 err.txt)"
grep -qx 'newsclf-fit: out of memory' err.txt || fail "no message for the failed thread: $(tail -2 err.txt)"
[ ! -e huge.model ] || fail "a failed fit left a model file"
[ ! -s out.txt ] || fail "the failed fit wrote to stdout"

finish
