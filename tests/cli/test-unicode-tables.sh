#!/usr/bin/env bash
# newsclf's Unicode tables against Python (/usr/bin/python3, the Python they were generated from):
# lib/newsclf/text/unicode_tables.inc is what scripts/unicode-tables.py writes, and the classes
# of every code point as the library answers them (the unit test unit.text.test_unicode_classes
# dumps them) are Python's own (the script's --dump).
. "$(dirname "$0")/lib.sh"

PYTHON=/usr/bin/python3
SCRIPT="$NEWSCLF_SOURCE_DIR/scripts/unicode-tables.py"
UNIT="$NEWSCLF_BIN/../tests/test_text"
if [ ! -x "$PYTHON" ]; then
  echo "skipped: $PYTHON is missing; the tables follow the Python of /usr/bin/python3"
  exit 0
fi
[ -x "$UNIT" ] || { echo "FAIL: $UNIT is missing; build the unit tests first" >&2; exit 1; }

"$PYTHON" "$SCRIPT" --check || fail "lib/newsclf/text/unicode_tables.inc is not what scripts/unicode-tables.py writes"

"$PYTHON" "$SCRIPT" --dump >"$SCRATCH/python.txt" || fail "unicode-tables.py --dump failed"
NEWSCLF_UNICODE_DUMP="$SCRATCH/newsclf.txt" "$UNIT" --source-file='*/text/test_unicode_classes.cpp' \
  --test-case='*dumped for the comparison with Python*' \
  >"$SCRATCH/unit.log" 2>&1 || fail "the dump of unit.text.test_unicode_classes failed: $(cat "$SCRATCH/unit.log")"
[ -s "$SCRATCH/newsclf.txt" ] || fail "unit.text.test_unicode_classes wrote no dump"
[ "$(grep -c '^word ' "$SCRATCH/python.txt")" -gt 100 ] || fail "the Python dump has too few \\w ranges"
diff "$SCRATCH/python.txt" "$SCRATCH/newsclf.txt" >"$SCRATCH/diff.txt" ||
  fail "newsclf's classes differ from Python's (< Python, > newsclf): $(head -20 "$SCRATCH/diff.txt")"

# The usage of the script.
expect_exit 2 "$PYTHON" "$SCRIPT" --no-such-option 2>/dev/null
finish
