#!/usr/bin/env bash
# The README's shell blocks (```sh), run as written, in order, in a scratch copy of the tree whose
# build/bin is the tools under test; a ```json block that follows a shell block is what that block
# must print, diffed against its output. Substituted, as the full data set is not here: data/ holds
# the bundled sample under the full files' names (data/newsCorpora.csv, data/glove.6B.100d.txt),
# and the block's `scripts/fetch-data.sh --from ../shared/data data` line, which would verify the
# published files' SHA-256, is not run (test-fetch-data runs it where ../shared/data exists).
# scripts/quickstart.sh runs with a scripts/setup.sh that does nothing: the tools are built.
# Excluded: the test commands (`ctest`, this suite itself, and the sanitizer and fuzzing runs;
# .ci/run runs them) and the Makefile.sagemaker
# flow (Docker, a push to ECR, and serve-local's server in the foreground;
# test-sagemaker-make runs the flow without Docker). Not under a sanitizer (NEWSCLF_SANITIZE):
# the blocks run the tools as the other tests do (the quick start's ensemble and workshop fits,
# the cross-validation, the pipelines), checking what they print is the Release run's job, and
# under AddressSanitizer they took a minute and a half.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/browser.sh"
if [ -n "${NEWSCLF_SANITIZE:-}" ]; then
  echo "test-readme: the README's blocks run in the Release build only" >&2
  finish
  exit 0
fi

README="$NEWSCLF_SOURCE_DIR/README.md"
tree="$SCRATCH/tree"
mkdir -p "$tree/build" "$tree/data"
ln -s "$NEWSCLF_BIN" "$tree/build/bin"
ln -s "$NEWSCLF_SOURCE_DIR/testdata" "$tree/testdata"
cp -r "$NEWSCLF_SOURCE_DIR/scripts" "$tree/scripts"
printf '#!/usr/bin/env bash\n' >"$tree/scripts/setup.sh"
cp "$TESTDATA/news.sample.tsv" "$tree/data/newsCorpora.csv"
xz -dc "$TESTDATA/glove.sample.100d.txt.xz" >"$tree/data/glove.6B.100d.txt"

# The blocks, each ended by a line "#END". A ```json or ```output block that comes after a shell
# block, with no other block between them, is what that shell block prints on stdout:
# $SCRATCH/expected<N> for block N.
awk -v dir="$SCRATCH" '
  /^```sh$/ { n++; on = 1; next }
  /^```/ && on { print "#END"; on = 0; after = n; next }
  /^```(json|output)$/ && after { shown = dir "/expected" after; printf "" >shown; after = 0; next }
  /^```/ && shown { close(shown); shown = ""; next }
  /^```/ { after = 0; next }
  on
  shown { print >shown }' "$README" >"$SCRATCH/blocks"
blocks=0 ran=0 shown=0
block=""
while IFS= read -r line; do
  if [ "$line" != "#END" ]; then
    block+="$line"$'\n'
    continue
  fi
  blocks=$((blocks + 1))
  case "$block" in
    *ctest* | *scripts/sanitize.sh* | *scripts/fuzz.sh*) echo "README block $blocks: excluded (the test commands, which .ci/run runs)" >&2 ;;
    *Makefile.sagemaker*) echo "README block $blocks: excluded (Docker, ECR, a foreground server)" >&2 ;;
    *)
      ran=$((ran + 1))
      script=$(printf '%s' "$block" | sed 's|^scripts/fetch-data.sh --from ../shared/data data .*|: data/ holds the sample|')
      if ! (cd "$tree" && bash -euo pipefail -c "$script") >"$SCRATCH/block$blocks.out" 2>"$SCRATCH/block$blocks.err" </dev/null; then
        fail "README block $blocks failed:
$block$(tail -n 5 "$SCRATCH/block$blocks.err")"
      elif [ -f "$SCRATCH/expected$blocks" ]; then
        shown=$((shown + 1))
        diff "$SCRATCH/expected$blocks" "$SCRATCH/block$blocks.out" >"$SCRATCH/diff$blocks" ||
          fail "README block $blocks does not print what the README shows after it:
$(cat "$SCRATCH/diff$blocks")"
      fi
      ;;
  esac
  block=""
done <"$SCRATCH/blocks"
[ "$blocks" -ge 5 ] || fail "found only $blocks shell blocks in README.md"
[ "$ran" -ge 3 ] || fail "ran only $ran of the README's shell blocks"
[ "$shown" -ge 1 ] || fail "no shell block of the README had its output checked (a \`\`\`json or \`\`\`output block after it)"
# What the blocks should have left.
for f in out/sample/ensemble/metrics.json out/sample/workshop/metrics.json tokens embedding.npy model linear.model best.model out/base/metrics.json \
  out/story/metrics.json out/cnn/metrics.json out/cnn/final.model headlines.txt out/sample/report.html \
  out/sample/report.png out/report.html out/cv-linear/cv.json; do
  [ -s "$tree/$f" ] || fail "the README's examples left no $f"
done
# The quickstart's page of the ensemble and the workshop's network, in the browser: the data's 2
# charts, the side-by-side 2, 4 of the workshop's network and 3 of the ensemble (trained in one
# pass: no learning curves).
check_page_renders "$tree/out/sample/report.html" 11
# Every file the README links to or shows as an image is in the tree.
while IFS= read -r target; do
  [ -e "$NEWSCLF_SOURCE_DIR/$target" ] || fail "README.md links to $target, which is not in the tree"
done < <(grep -oE '\]\([^)#]+\)' "$README" | sed -E 's/^\]\((.*)\)$/\1/' | grep -v '^[a-z]*://')

finish
