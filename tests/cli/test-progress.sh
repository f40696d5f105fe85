#!/usr/bin/env bash
# Progress on stderr: under a terminal (script(1) from util-linux gives one) tokenize, embed, fit,
# eval and predict draw a bar (done of the total, rate, time left); without one, and under -q,
# nothing but the summary lines (none under -q).
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
command -v script >/dev/null || { echo "skipped: script (util-linux) is missing"; exit 0; }
head -n 3000 "$TESTDATA/news.sample.tsv" > news.tsv
xz -dc "$TESTDATA/glove.sample.100d.txt.xz" > glove.txt

# on_terminal COMMAND: runs COMMAND (a string for sh -c) with stdin, stdout and stderr on a
# terminal; what the terminal showed goes to stdout.
on_terminal() { script -qec "$1" /dev/null < /dev/null; }

# The bar, then the summary line after it, on a terminal.
on_terminal "newsclf-tokenize news.tsv -o tokens.bin" > tty.txt
grep -q 'news.tsv [0-9.]*/[0-9.]* MB \[' tty.txt || fail "tokenize on a terminal drew no bar: $(cat -v tty.txt)"
grep -q 'newsclf-tokenize: 3000 headlines' tty.txt || fail "tokenize on a terminal: no summary line: $(cat -v tty.txt)"
# Not on a terminal: the summary line alone.
newsclf-tokenize news.tsv -o tokens.bin 2> err.txt || fail "tokenize failed"
[ "$(cat err.txt)" = "$(grep 'headlines' err.txt)" ] && [ "$(wc -l < err.txt)" -eq 1 ] ||
  fail "tokenize without a terminal wrote more than its summary line: $(cat -v err.txt)"
grep -q $'\r' err.txt && fail "tokenize without a terminal wrote a carriage return"
# -q: nothing at all, terminal or not.
on_terminal "newsclf-tokenize -q news.tsv -o tokens.bin" > tty.txt
[ -s tty.txt ] && fail "tokenize -q on a terminal wrote: $(cat -v tty.txt)"

newsclf-tokenize -q news.tsv --vocab-out vocab.txt -o /dev/null
on_terminal "newsclf-embed glove.txt --vocab vocab.txt -o emb.npy" > tty.txt
grep -q 'glove.txt [0-9.]*/[0-9.]* MB \[' tty.txt || fail "embed on a terminal drew no bar: $(cat -v tty.txt)"
newsclf-embed glove.txt --vocab vocab.txt -o emb.npy 2> err.txt
[ "$(wc -l < err.txt)" -eq 1 ] && grep -q '^newsclf-embed: coverage' err.txt || fail "embed without a terminal: $(cat -v err.txt)"

on_terminal "newsclf-fit --arch bag --epochs 1 --buckets 1000 tokens.bin -o model" > tty.txt
grep -q 'Epoch 1/1 [0-9]*/[0-9]* steps \[' tty.txt || fail "fit on a terminal drew no bar: $(cat -v tty.txt)"
newsclf-fit --arch bag --epochs 1 --buckets 1000 tokens.bin -o model 2> err.txt
grep -q 'steps/s\|\[=' err.txt && fail "fit without a terminal drew a bar: $(cat -v err.txt)"

on_terminal "newsclf-eval -m model news.tsv -o metrics.json" > tty.txt
grep -q 'news.tsv [0-9.]*/[0-9.]* MB \[' tty.txt || fail "eval on a terminal drew no bar while reading: $(cat -v tty.txt)"
grep -q 'evaluating [0-9]*/3000 rows \[' tty.txt || fail "eval on a terminal drew no bar while evaluating: $(cat -v tty.txt)"
newsclf-eval -m model news.tsv -o metrics.json 2> err.txt
[ -s err.txt ] && fail "eval without a terminal wrote: $(cat -v err.txt)"

on_terminal "newsclf-predict -m model news.tsv -o predictions.jsonl" > tty.txt
grep -q 'news.tsv [0-9.]*/[0-9.]* MB \[' tty.txt || fail "predict on a terminal drew no bar: $(cat -v tty.txt)"
[ "$(wc -l < predictions.jsonl)" -eq 3000 ] || fail "predict on a terminal: $(wc -l < predictions.jsonl) predictions"
# Predictions shown on the terminal itself get no bar over them, nor does -u.
on_terminal "head -n 3 news.tsv | newsclf-predict -m model" > tty.txt
grep -q 'MB' tty.txt && fail "predict to the terminal drew a bar over its predictions: $(cat -v tty.txt)"
on_terminal "newsclf-predict -q -m model news.tsv -o predictions.jsonl" > tty.txt
[ -s tty.txt ] && fail "predict -q on a terminal wrote: $(cat -v tty.txt)"
newsclf-predict -m model news.tsv -o predictions.jsonl 2> err.txt
[ -s err.txt ] && fail "predict without a terminal wrote: $(cat -v err.txt)"

finish
