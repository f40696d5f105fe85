#!/usr/bin/env bash
# A fit that cannot fit in memory ends with a usage error before it allocates, whatever the limit:
# --arch bag with a hidden layer of a million units under an address-space limit of 1.4 GB (its
# parameters alone take 484 MB, and each training thread copies the dense layers twice) is refused
# with exit 2, naming the hyperparameter and the limit, not an abort or "out of memory" from a
# thread. (That a failing training thread ends the tool like any other error is tested where the
# threads are started, in tests/base/test_parallel.cpp.)
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
if [ -n "${NEWSCLF_SANITIZE:-}" ]; then
  echo "skipped: a sanitizer's shadow memory does not run under ulimit -v"
  exit 0
fi
# OpenBLAS reserves buffers per CPU at start: one, so that the limit means the same everywhere.
export OPENBLAS_NUM_THREADS=1

newsclf-tokenize -q --max-words 0 -o tokens.bin "$TESTDATA/news.sample.tsv" || fail "tokenize failed"
(
  ulimit -v 1400000
  exec newsclf-fit -v --arch bag --bag-hidden 1000000 --threads 2 --epochs 1 -o huge.model tokens.bin
) > out.txt 2> err.txt
status=$?
[ "$status" -eq 2 ] || fail "a fit beyond the memory limit: expected exit 2, got $status: $(tail -2 err.txt)"
grep -q '^newsclf-fit: bag_hidden (--bag-hidden) 1000000: this bag fit would need about [0-9.]* GB of memory, more than the [0-9.]* [MG]B this process may take (ulimit -v); at its default, about' err.txt ||
  fail "the refusal should name --bag-hidden and ulimit -v: $(tail -2 err.txt)"
grep -q 'training rows on 2 threads' err.txt && fail "the fit started its threads before refusing"
[ ! -e huge.model ] || fail "a refused fit left a model file"
[ ! -s out.txt ] || fail "the refused fit wrote to stdout"

finish
