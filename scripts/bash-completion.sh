#!/usr/bin/env bash
# Writes the bash completion of each newsclf tool from its --help, so that options, their
# enumerated values ({auto,tsv,...}) and the file arguments never drift from the tools: the build
# runs it (tools/CMakeLists.txt) and `cmake --install` puts the files in
# share/bash-completion/completions.
# Usage: scripts/bash-completion.sh OUTPUT_DIR TOOL...   (TOOL: the path of a built newsclf-* binary)
set -euo pipefail
out=${1:?usage: bash-completion.sh OUTPUT_DIR TOOL...}
shift
mkdir -p "$out"

for tool in "$@"; do
  name=$(basename "$tool")
  function_name=_$(echo "$name" | tr -- '-' '_')
  help=$("$tool" --help)
  # One row per option: its names (comma-separated), then its value's kind: "flag", "files",
  # "none" (a number) or "values a b c" (an enumeration); "positional" rows say files are taken.
  table=$(printf '%s\n' "$help" | awk '
    /^Positionals:/ { section = "positionals"; next }
    /^Options:/ { section = "options"; next }
    /^[^ ]/ { section = "" }
    section == "positionals" && /^  [^ ]/ { print "positional"; next }
    section == "options" && /^  -/ {
      line = substr($0, 3)
      left = line
      gap = index(line, "  ")
      if (gap > 0) left = substr(line, 1, gap - 1)
      split(left, part, " ")
      names = part[1]
      type = (split(left, rest, " ") > 1) ? rest[2] : ""
      if (type == "") { print names " flag"; next }
      if (match(type, /\{[^}]*\}/)) {
        values = substr(type, RSTART + 1, RLENGTH - 2)
        gsub(",", " ", values)
        print names " values " values
        next
      }
      if (type ~ /^(INT|UINT|FLOAT|NUMBER)/) { print names " none"; next }
      print names " files"
    }')

  options=""
  cases=""
  positional=false
  while read -r names kind values; do
    [ -n "$names" ] || continue
    if [ "$names" = positional ]; then positional=true; continue; fi
    pattern=${names//,/|}
    options+=" ${names//,/ }"
    case $kind in
      flag) ;;
      files) cases+="        $pattern) _newsclf_files \"\$cur\"; return ;;"$'\n' ;;
      none) cases+="        $pattern) return ;;"$'\n' ;;
      values) cases+="        $pattern) COMPREPLY=(\$(compgen -W \"$values\" -- \"\$cur\")); return ;;"$'\n' ;;
    esac
  done <<< "$table"

  if $positional; then
    words="    if [[ \$cur != -* ]]; then _newsclf_files \"\$cur\"; return; fi"
  else
    words=""
  fi
  cat > "$out/$name.tmp" <<EOF
# bash completion for $name, written by scripts/bash-completion.sh from $name --help.
_newsclf_files() {
    local IFS=\$'\\n'
    COMPREPLY=(\$(compgen -f -- "\$1"))
    compopt -o filenames 2>/dev/null
}

$function_name() {
    local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]:-}
    # --option=value: bash splits the word at the "=" (COMP_WORDBREAKS).
    if [ "\$cur" = "=" ]; then
        cur=
    elif [ "\$prev" = "=" ]; then
        prev=\${COMP_WORDS[COMP_CWORD-2]:-}
    fi
    case \$prev in
$cases    esac
$words
    COMPREPLY=(\$(compgen -W "$options" -- "\$cur"))
}
complete -F $function_name $name
EOF
  mv "$out/$name.tmp" "$out/$name"
done
