#!/usr/bin/env bash
# Every tool's --help (and -h): exit 0, the text on stdout, nothing on stderr, the defaults shown.
. "$(dirname "$0")/lib.sh"

cd "$SCRATCH" || exit 1

# has_line TOOL REGEX: a line of TOOL's help matches the extended REGEX.
has_line() { grep -Eq -- "$2" "$1.help" || fail "$1 --help shows no line matching '$2'"; }

for tool in newsclf-tokenize newsclf-embed newsclf-fit newsclf-eval newsclf-predict newsclf-quantize newsclf-report; do
  "$tool" --help >"$tool.help" 2>"$tool.err"
  status=$?
  [ "$status" -eq 0 ] || fail "$tool --help exited $status"
  [ -s "$tool.err" ] && fail "$tool --help wrote to stderr: $(cat "$tool.err")"
  grep -q "^Usage: $tool " "$tool.help" || fail "$tool --help on stdout has no 'Usage: $tool' line"
  "$tool" -h 2>/dev/null | cmp -s - "$tool.help" || fail "$tool -h differs from $tool --help"
  for option in --help --verbose --quiet --output; do has_line "$tool" "^ +(-[a-z],)?$option( |$)"; done
done

# Defaults, as "TYPE=default" after the option.
has_line newsclf-tokenize '^ +--max-words [A-Z:]+.*=10000( |$)'
has_line newsclf-tokenize '^ +--input-format .*=auto( |$)'
has_line newsclf-tokenize '^ +--output-format .*=binary( |$)'
has_line newsclf-tokenize '^ +-o,--output [A-Z]+=-( |$)'
has_line newsclf-embed '^ +--dim [A-Z:]+=100( |$)'
has_line newsclf-embed '^ +--rows [A-Z]+=0( |$)'
has_line newsclf-embed '^ +--vocab [A-Z]+ REQUIRED'
for default in 'epochs [A-Z]+=2' 'batch-size [A-Z]+=32' 'max-len [A-Z]+=100' 'hidden-units [A-Z]+=2' \
  'hidden-layers [A-Z]+=1' 'optimizer \{sgd,rmsprop,adam\}=rmsprop' 'learning-rate [A-Z]+=0\.001' 'rho [A-Z]+=0\.9' \
  'beta-1 [A-Z]+=0\.9' 'beta-2 [A-Z]+=0\.999' 'epsilon [A-Z]+=1e-07' 'momentum [A-Z]+=0' \
  'validation-split [A-Z]+=0\.2' 'split-by \{row,story\}=row' 'seed [A-Z]+=99' 'arch \{mlp(,[a-z]+)+\}=mlp' \
  'dim [A-Z]+=100' 'bag-hidden [A-Z]+=0' 'ngram-dim [A-Z]+=16'; do
  has_line newsclf-fit "^ +--$default( |$)"
done
has_line newsclf-fit '^ +-e,--embedding TEXT +word vectors .*required by mlp'
has_line newsclf-eval '^ +--subset .*=all( |$)'
has_line newsclf-eval '^ +-m,--model [A-Z]+ REQUIRED'
has_line newsclf-predict '^ +-k,--top-k .*=4( |$)'
has_line newsclf-predict '^ +-u,--unbuffered( |$)'
has_line newsclf-predict '^ +--inspect( |$)'
has_line newsclf-quantize '^ +-m,--model [A-Z]+ REQUIRED'
has_line newsclf-quantize '^ +--bits .*=8( |$)'
has_line newsclf-quantize '^ +--cutoff '
has_line newsclf-report '^ +-m,--model TEXT \.\.\. '
has_line newsclf-report '^ +--words .*=12( |$)'
has_line newsclf-report '^ +--title TEXT=newsclf report '

# newsclf-train has no --output: it writes under the job's directory.
unset NEWSCLF_OPT_ML
tool=newsclf-train
"$tool" --help >"$tool.help" 2>"$tool.err" || fail "$tool --help exited $?"
[ -s "$tool.err" ] && fail "$tool --help wrote to stderr: $(cat "$tool.err")"
grep -q "^Usage: $tool " "$tool.help" || fail "$tool --help on stdout has no 'Usage: $tool' line"
for option in --help --verbose --quiet; do has_line "$tool" "^ +(-[a-z],)?$option( |$)"; done
has_line newsclf-train '^ +--opt-ml [A-Z]+=/opt/ml( |$)'
NEWSCLF_OPT_ML=/srv/job newsclf-train --help | grep -Eq -- '^ +--opt-ml [A-Z]+=/srv/job( |$)' ||
  fail "newsclf-train --help should show \$NEWSCLF_OPT_ML as the default of --opt-ml"

# --version: the tool and newsclf's version, the MPI it was built with (or none), OpenBLAS's
# build, on stdout with exit 0.
version=$(sed -nE 's/^project\(newsclf VERSION ([0-9.]+).*/\1/p' "$NEWSCLF_SOURCE_DIR/CMakeLists.txt")
for tool in newsclf-tokenize newsclf-embed newsclf-fit newsclf-eval newsclf-predict newsclf-train newsclf-serve newsclf-quantize newsclf-report; do
  "$tool" --version >"$tool.version" 2>"$tool.err" || fail "$tool --version failed"
  [ -s "$tool.err" ] && fail "$tool --version wrote to stderr: $(cat "$tool.err")"
  [ "$(head -n 1 "$tool.version")" = "$tool $version" ] || fail "$tool --version: first line '$(head -n 1 "$tool.version")'"
  grep -Eq '^MPI: (Open MPI [0-9]+\.[0-9]+\.[0-9]+|none \(built without\))$' "$tool.version" ||
    fail "$tool --version does not name the MPI: $(cat "$tool.version")"
  grep -Eq '^BLAS: OpenBLAS [0-9]' "$tool.version" || fail "$tool --version does not name the BLAS: $(cat "$tool.version")"
done
if command -v mpirun >/dev/null && grep -q 'NEWSCLF_WITH_MPI:BOOL=ON' "$NEWSCLF_BIN/../CMakeCache.txt" 2>/dev/null; then
  grep -q "^MPI: Open MPI $(mpirun --version | sed -nE 's/.*Open MPI\)? ?([0-9]+\.[0-9]+\.[0-9]+).*/\1/p' | head -n 1)\$" \
    newsclf-fit.version || fail "newsclf-fit --version: not mpirun's Open MPI: $(cat newsclf-fit.version)"
fi

finish
