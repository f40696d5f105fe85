#!/usr/bin/env bash
# The layers of lib/newsclf/, read from the sources: every #include "newsclf/<layer>/..." of a file
# under lib/newsclf/<folder>/ names its own folder or one below it. The build enforces the same
# only for the files it compiles; this sees every header, used or not. NEWSCLF_LIB_DIR points it
# at another tree (a scratch copy, to show that it fails).
. "$(dirname "$0")/lib.sh"

LIB_DIR=${NEWSCLF_LIB_DIR:-$NEWSCLF_SOURCE_DIR/lib/newsclf}
# Bottom to top; serving, sagemaker and reporting are siblings at the top (one rank), none including another.
ORDER="base io text formats nn training archs model serving sagemaker reporting"

# Reads "folder NAME" lines, then grep -Hn's include lines ("include FOLDER/FILE:LINE:TEXT"), and
# prints each problem.
CHECK='
BEGIN {
  n = split(order, layers, " ")
  for (i = 1; i <= n; i++) rank[layers[i]] = i
  rank["sagemaker"] = rank["serving"]
  rank["reporting"] = rank["serving"]
}
$1 == "folder" { if (!($2 in rank)) print "lib/newsclf/" $2 " is not a layer of: " order; next }
{
  sub(/^include /, "")
  split($0, parts, ":")
  folder = parts[1]; sub(/\/.*/, "", folder)
  if (!(folder in rank)) next
  target = $0; sub(/.*[<"]newsclf\//, "", target); sub(/[">].*/, "", target)
  layer = target; sub(/\/.*/, "", layer)
  where = "lib/newsclf/" parts[1] ":" parts[2]
  if (!(layer in rank)) print where " includes newsclf/" target ", which is in no layer"
  else if (layer != folder && rank[layer] >= rank[folder])
    print where ": " folder " includes newsclf/" target ", a layer above it or beside it"
}'

[ -d "$LIB_DIR" ] || fail "no $LIB_DIR"
mapfile -t files < <(find "$LIB_DIR" -mindepth 2 -type f \( -name '*.hpp' -o -name '*.cpp' -o -name '*.h' -o -name '*.cc' \) | sort)
[ "${#files[@]}" -gt 0 ] || fail "no source files under $LIB_DIR"
{
  for dir in "$LIB_DIR"/*/; do echo "folder $(basename "$dir")"; done
  grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]newsclf/' "${files[@]}" | sed "s|^$LIB_DIR/|include |"
} | awk -v order="$ORDER" "$CHECK" >"$SCRATCH/problems"
while IFS= read -r problem; do fail "$problem"; done <"$SCRATCH/problems"

finish
