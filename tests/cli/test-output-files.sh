#!/usr/bin/env bash
# -o FILE holds the whole old file or the whole new one, never a mix: a run ended by SIGKILL while
# writing leaves the old file as it was, and its temporary (.FILE.newsclf-tmp.PID) is removed by
# the next run that writes FILE. -o through a symbolic link writes the link's target and keeps
# the link.
. "$(dirname "$0")/lib.sh"

D="$SCRATCH/data"
mkdir -p "$D"
head -n 400 "$TESTDATA/news.sample.tsv" >"$D/small.tsv"
newsclf-tokenize -q --max-words 500 -o "$D/tokens.bin" "$D/small.tsv" || fail "tokenize failed"
newsclf-fit -q --arch linear -o "$D/model.newsclf" "$D/tokens.bin" || fail "fit --arch linear failed"
M="$D/model.newsclf"

# --- SIGKILL in the middle of writing: predict writes its output batch by batch as it reads.
yes 'Stocks rally on jobs report' | head -n 2000000 >"$D/big.txt"
echo "the old predictions" >"$D/out.jsonl"
newsclf-predict -m "$M" -o "$D/out.jsonl" "$D/big.txt" 2>/dev/null &
pid=$!
temporary="$D/.out.jsonl.newsclf-tmp.$pid"
for ((i = 0; i < 200; i++)); do
  [ -s "$temporary" ] && break
  sleep 0.05
done
[ -s "$temporary" ] || fail "predict -o wrote no temporary $temporary within 10 s: $(ls -A "$D")"
kill -KILL "$pid"
wait "$pid"
status=$?
[ "$status" -eq $((128 + 9)) ] || fail "predict should have been ended by SIGKILL, exit $status (did it finish first?)"
[ "$(cat "$D/out.jsonl")" = "the old predictions" ] || fail "a killed predict -o changed the file: $(head -c 200 "$D/out.jsonl")"
[ -e "$temporary" ] || fail "the killed run's temporary should still be there for the next run to remove"
# The next run that writes the same path removes the dead run's temporary, and writes the file.
echo 'Fed holds rates' | newsclf-predict -m "$M" -o "$D/out.jsonl" || fail "predict after the killed run failed"
[ -e "$temporary" ] && fail "the next run left the killed run's temporary $temporary"
[ "$(wc -l <"$D/out.jsonl")" -eq 1 ] && grep -q '"label"' "$D/out.jsonl" || fail "the next run wrote: $(cat "$D/out.jsonl")"
ls -A "$D" | grep -q 'newsclf-tmp' && fail "temporaries left: $(ls -A "$D")"

# --- a symbolic link: the target is replaced, the link kept, the temporary made beside the target
mkdir "$D/real"
echo old >"$D/real/out.jsonl"
ln -s real/out.jsonl "$D/link.jsonl"
echo 'Fed holds rates' | newsclf-predict -m "$M" -o "$D/link.jsonl" || fail "predict -o through a link failed"
[ -L "$D/link.jsonl" ] || fail "predict -o replaced the symbolic link with a file"
[ "$(readlink "$D/link.jsonl")" = real/out.jsonl ] || fail "the link points elsewhere: $(readlink "$D/link.jsonl")"
grep -q '"label"' "$D/real/out.jsonl" || fail "the link's target was not written: $(cat "$D/real/out.jsonl")"
# and with a model, through a link whose target does not exist yet
ln -s real/model2.newsclf "$D/model-link.newsclf"
newsclf-fit -q --arch linear -o "$D/model-link.newsclf" "$D/tokens.bin" || fail "fit -o through a dangling link failed"
[ -L "$D/model-link.newsclf" ] && [ -s "$D/real/model2.newsclf" ] || fail "fit -o did not write through the link"
echo 'Fed holds rates' | newsclf-predict -m "$D/model-link.newsclf" >/dev/null || fail "the model written through a link does not load"
ls -A "$D" "$D/real" | grep -q 'newsclf-tmp' && fail "temporaries left: $(ls -A "$D" "$D/real")"

finish
