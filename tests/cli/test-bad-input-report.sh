#!/usr/bin/env bash
# newsclf-report on bad input, one row each (bad_input.sh says what every row checks besides its
# exit status and message): bad or unlabelled headline rows, models and peers files that are
# missing, damaged or of another kind, no gnuplot to draw with, bad choices, an output that is an
# input.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bad_input.sh"

make_model_fixtures
echo '[{"system": "a", "split": "row", "accuracy": 0.9, "macro_f1": 0.8}]' >"$D/peers.json"
echo '{"system": "a"}' >"$D/peers-object.json"
echo '[{"system": "a", "split": "row", "accuracy": 1.5, "macro_f1": 0.8}]' >"$D/peers-accuracy.json"
echo '[{"system": "a", "split": "row", "accuracy": 0.9, "macro_f1": 0.8}, {"split": "story"}]' >"$D/peers-system.json"
echo '[]' >"$D/peers-empty.json"
# A PATH with every tool but gnuplot.
mkdir -p "$D/bin"
for program in newsclf-report; do ln -s "$(command -v "$program")" "$D/bin/$program"; done
fixtures_ready

bad_table newsclf-report <<'TABLE'
# exit | message fragment | arguments
# --- headline files with a bad row, rows without a category
1 | $D/fields.tsv:4: found 3 TAB-separated fields, expected 8 | -m "$M" "$D/fields.tsv"
1 | $D/label.tsv:4: field 5 (CATEGORY) is "x" | "$D/label.tsv"
1 | $D/no-label.tsv:3: field 5 (CATEGORY) is "" | -m "$M" "$D/no-label.tsv"
1 | $D/unlabelled.bin: record 1 has no category | -m "$M" "$D/unlabelled.bin"
1 | $D/unlabelled.bin: record 1 has no category | "$D/unlabelled.bin"
1 | $D/empty.tsv: the input is empty | -m "$M" "$D/empty.tsv"
1 | $D/missing.tsv: cannot open | -m "$M" "$D/missing.tsv"
1 | $D/escape-label.tsv:4: field 5 (CATEGORY) is "\x1b[31mred\x1b[0m" | "$D/escape-label.tsv"
1 | $D/all-bad.tsv: no valid records: all 2 row(s) were bad and skipped | --skip-bad -m "$M" "$D/all-bad.tsv"
# --- models and token streams: missing, cut short, damaged, of another kind
1 | $D/missing.newsclf: no such model file | -m "$D/missing.newsclf" "$D/small.tsv"
3 | $D/half.newsclf: truncated | -m "$D/half.newsclf" "$D/small.tsv"
3 | $D/flipped.newsclf: checksum mismatch | -m "$D/flipped.newsclf" "$D/small.tsv"
3 | $D/small.tsv: not a newsclf model file | -m "$D/small.tsv" "$D/small.tsv"
3 | $D/half.bin: truncated | -m "$M" "$D/half.bin"
# --- peers files
1 | $D/missing.json: cannot open | -m "$M" --peers "$D/missing.json" "$D/small.tsv"
1 | $D/peers-object.json: not a JSON array of results | -m "$M" --peers "$D/peers-object.json" "$D/small.tsv"
1 | $D/peers-accuracy.json: result 1: field "accuracy" is not a number from 0 to 1 | --peers "$D/peers-accuracy.json" "$D/small.tsv"
1 | $D/peers-system.json: result 2: field "system" is not a string | --peers "$D/peers-system.json" "$D/small.tsv"
1 | $D/peers-empty.json: no results | --peers "$D/peers-empty.json" "$D/small.tsv"
# --- no gnuplot to draw the charts with
1 | gnuplot, which is not on the PATH (Debian: apt-get install gnuplot-nox) | PATH="$D/bin" -m "$M" "$D/small.tsv"
# --- usage
2 | --no-such-option | -m "$M" --no-such-option "$D/small.tsv"
2 | --input-format | -m "$M" --input-format csv "$D/small.tsv"
2 | --words | -m "$M" --words 1001 "$D/small.tsv"
2 | --words | -m "$M" --words -1 "$D/small.tsv"
2 | writing it would destroy what is read | -m "$M" -o "$D/small.tsv" "$D/small.tsv"
2 | writing it would destroy what is read | -m "$M" --peers "$D/peers.json" -o "$D/peers.json" "$D/small.tsv"
2 | writing it would destroy what is read | -m "$M" -o "$M" "$D/small.tsv"
TABLE

bad_input_finish
