#!/usr/bin/env bash
# cmake --install puts the tools, their man pages and their bash completion (written from each
# tool's --help by scripts/bash-completion.sh) under the prefix; the completion offers options,
# enumerated values and files.
. "$(dirname "$0")/lib.sh"
prefix="$SCRATCH/prefix"
cmake --install "$NEWSCLF_BIN/.." --prefix "$prefix" > "$SCRATCH/install.log" 2>&1 || fail "cmake --install failed: $(tail -3 "$SCRATCH/install.log")"
completions="$prefix/share/bash-completion/completions"
for tool in tokenize embed fit eval predict train serve quantize report; do
  [ -x "$prefix/bin/newsclf-$tool" ] || fail "cmake --install left out bin/newsclf-$tool"
  [ -f "$completions/newsclf-$tool" ] || fail "cmake --install left out the completion of newsclf-$tool"
  [ -f "$prefix/share/man/man1/newsclf-$tool.1" ] || fail "cmake --install left out man1/newsclf-$tool.1"
done
[ -f "$prefix/share/man/man5/newsclf-formats.5" ] || fail "cmake --install left out man5/newsclf-formats.5"

# complete WORD...: the candidates bash offers for the last word of the command line WORD...
complete_words() {
  local spec function
  spec=$(complete -p "$1") || { echo "no completion for $1"; return; }
  function=$(echo "$spec" | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  "$function" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  [ "${#COMPREPLY[@]}" -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
for tool in tokenize embed fit eval predict train serve quantize report; do
  # shellcheck disable=SC1090
  . "$completions/newsclf-$tool" || fail "the completion of newsclf-$tool does not source"
done

[ "$(complete_words newsclf-fit --ar)" = "--arch " ] || fail "newsclf-fit --ar: $(complete_words newsclf-fit --ar)"
[ "$(complete_words newsclf-fit --arch '')" = "bag cnn ensemble linear lstm mlp " ] ||
  fail "newsclf-fit --arch: $(complete_words newsclf-fit --arch '')"
# --optimizer=ad: bash splits the word at the "=".
[ "$(complete_words newsclf-fit --optimizer = ad)" = "adam " ] || fail "newsclf-fit --optimizer=ad: $(complete_words newsclf-fit --optimizer = ad)"
[ "$(complete_words newsclf-fit --input-format '')" = "auto fasttext jsonl lines tsv " ] ||
  fail "newsclf-fit --input-format: $(complete_words newsclf-fit --input-format '')"
[ "$(complete_words newsclf-predict --input-format '')" = "auto fasttext jsonl lines tsv " ] ||
  fail "newsclf-predict --input-format: $(complete_words newsclf-predict --input-format '')"
[ "$(complete_words newsclf-predict --output-format f)" = "fasttext " ] || fail "newsclf-predict --output-format f: $(complete_words newsclf-predict --output-format f)"
[ "$(complete_words newsclf-tokenize --output-format '')" = "binary fasttext jsonl " ] ||
  fail "newsclf-tokenize --output-format: $(complete_words newsclf-tokenize --output-format '')"
complete_words newsclf-serve --w | grep -q -- '--workers' || fail "newsclf-serve --w: $(complete_words newsclf-serve --w)"
# Numbers get no candidates; files do, as the positionals and file options.
[ -z "$(complete_words newsclf-fit --epochs '')" ] || fail "newsclf-fit --epochs offers: $(complete_words newsclf-fit --epochs '')"
touch "$SCRATCH/news.tsv" "$SCRATCH/news.model"
cd "$SCRATCH" || exit 1
[ "$(complete_words newsclf-tokenize news.t)" = "news.tsv " ] || fail "newsclf-tokenize news.t: $(complete_words newsclf-tokenize news.t)"
[ "$(complete_words newsclf-predict -m news.m)" = "news.model " ] || fail "newsclf-predict -m news.m: $(complete_words newsclf-predict -m news.m)"
[ "$(complete_words newsclf-eval -q news.)" = "news.model news.tsv " ] || fail "newsclf-eval -q news.: $(complete_words newsclf-eval -q news.)"

finish
