#!/usr/bin/env bash
# The man pages against the code: each tool's page has its sections, every option of --help with
# its default, renders without warnings and has EXAMPLES that run; newsclf-formats.5 names every
# magic string, metadata key, value type, JSON member and tensor that the code writes.
. "$(dirname "$0")/lib.sh"

MAN_DIR="$NEWSCLF_SOURCE_DIR/man"
LIB_DIR="$NEWSCLF_SOURCE_DIR/lib/newsclf"
TOOLS="tokenize embed fit eval predict train serve quantize report"
unset NEWSCLF_OPT_ML  # newsclf-train --help shows it as the default of --opt-ml
# For the examples' mpirun, when the tests run as root (in this test only).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

# render PAGE WIDTH: the page as plain ASCII without hyphenation; roff warnings in $SCRATCH/warnings.
# man first (it runs tbl when the page asks for it), then groff, then mandoc.
render() {
  local page=$1 width=$2
  if command -v man >/dev/null &&
     LC_ALL=C MANWIDTH=$width MANROFFOPT=-rHY=0 MAN_KEEP_FORMATTING= man --warnings=w -l "$page" \
       2>"$SCRATCH/warnings" >"$SCRATCH/rendered" && grep -q '^NAME$' "$SCRATCH/rendered"; then
    cat "$SCRATCH/rendered"
  elif command -v groff >/dev/null; then
    LC_ALL=C groff -man -t -ww -Tascii -P-cbou -rLL="${width}n" -rHY=0 "$page" 2>"$SCRATCH/warnings"
  elif command -v mandoc >/dev/null; then
    LC_ALL=C mandoc -W warning -T ascii -O width="$width" "$page" 2>"$SCRATCH/warnings" | col -b
  else
    echo "no man, groff or mandoc to render $page" >"$SCRATCH/warnings"
    return 1
  fi
}

# section TEXT NAME: the lines of one top-level section of a rendered page.
section() {
  awk -v name="$2" '/^[^ ]/ { on = ($0 == name); next } on' "$1"
}

# check_render PAGE: renders at 80 columns without a warning and without tbl markup shown raw
# (a T{ or T} of a table whose .TS was lost, a .TS or .TE that no tbl read); leaves a wide
# rendering in PAGE.txt.
check_render() {
  local page=$1 raw
  if ! render "$page" 80 >"$SCRATCH/narrow.txt"; then
    fail "$(basename "$page"): cannot be rendered: $(cat "$SCRATCH/warnings")"
  elif [ -s "$SCRATCH/warnings" ]; then
    fail "$(basename "$page"): warnings when rendered: $(cat "$SCRATCH/warnings")"
  fi
  render "$page" 1000 >"$SCRATCH/$(basename "$page").txt" 2>/dev/null
  raw=$(grep -n -e 'T[{}]' -e '^ *\.T[SE]\b' "$SCRATCH/narrow.txt" "$SCRATCH/$(basename "$page").txt")
  [ -z "$raw" ] || fail "$(basename "$page"): raw table markup in the rendered page: $raw"
}

# check_sections TEXT PAGE SECTION...: every named section is present.
check_sections() {
  local text=$1 page=$2; shift 2
  local s
  for s in "$@"; do
    grep -qx "$s" "$text" || fail "$page: no $s section"
  done
}

# check_options TOOL TEXT: the OPTIONS section documents exactly the options of --help, each with
# its short form and its default ("Default: VALUE", or every word of a default of several words).
# Bash's own string operations where a command per option would cost a process each.
check_options() {
  local tool=$1 text=$2 page="newsclf-$1.1"
  local help="$SCRATCH/$tool.help" options="$SCRATCH/$tool.options"
  if ! "newsclf-$tool" --help >"$help"; then
    fail "newsclf-$tool --help failed"
    return
  fi
  section "$text" OPTIONS >"$options"
  local line spec names short long default block word
  # Each option word of a tag line ("       -x, --long ARG") with its paragraph (the tag line and
  # the lines up to the next tag), on one line: "word<TAB>block"; a word of several tags gets
  # all their blocks.
  local -A blocks=()
  local -a documented=()
  while IFS=$'\t' read -r word block; do
    blocks[$word]+="$block"
    documented+=("$word")
  done < <(awk '
    function flush() { if (tag != "") { n = split(tag, w, /[ ,]+/)
                         for (i = 1; i <= n; i++) if (w[i] ~ /^--[a-z0-9]/) { sub(/[^a-z0-9-].*/, "", w[i]); print w[i] "\t" block } } }
    /^       -/ { flush(); tag = $0; sub(/^ +/, "", tag); sub(/  .*/, "", tag); block = "" }
    tag != "" { block = block $0 " " }
    END { flush() }' "$options" | sed -E 's/ +/ /g')
  # CLI11 prints an option, its type and default in a column of 30 characters, followed by the
  # description, or alone on its line when it is wider (the description then starts the next).
  local -a help_lines
  mapfile -t help_lines <"$help"
  local help_text=" ${help_lines[*]} "
  local column
  printf -v column '%30s' ''
  local i
  for ((i = 0; i < ${#help_lines[@]}; i++)); do
    line=${help_lines[i]}
    [[ "$line" =~ ^\ \ (-[A-Za-z],)?--[a-z0-9-]+ ]] || continue
    if [[ "${help_lines[i + 1]:-}" != "$column"* || "${line:2}" == *"  "* ]]; then
      line=${line:0:30}
    fi
    spec=${line#"${line%%[! ]*}"}
    spec=${spec%%  *}
    spec=${spec%"${spec##*[! ]}"}
    names=${spec%% *}
    long=${names##*,}
    short=""
    [ "$names" != "$long" ] && short=${names%%,*}
    default=""
    case "$spec" in *" "*=*) default=${spec#* }; default=${default#*=} ;; esac
    default=${default% (Env:*}  # CLI11 names the environment variable an option reads
    block=${blocks[$long]:-}
    if [ -z "$block" ]; then
      fail "$page: option $long of newsclf-$tool --help is not documented in OPTIONS"
      continue
    fi
    if [ -n "$short" ] && ! [[ " $block" =~ \ $short([ ,]|$) ]]; then
      fail "$page: $long is documented without its short form $short"
    fi
    [ -z "$default" ] && continue
    case "$block" in
      *"Default: $default"[\ ,\;\)]* | *"Default: $default. "* | *"Default: $default." | \
      *"Default: \"$default\""*) continue ;;
    esac
    if [ "${default#* }" != "$default" ] && [[ "$block" == *"Default: "* ]]; then
      local missing="" words
      read -r -a words <<<"$default"
      for word in "${words[@]}"; do
        [[ "$block" == *"$word"* ]] || missing=1
      done
      [ -z "$missing" ] && continue
    fi
    fail "$page: $long does not give its default \"$default\" (Default: ...)"
  done
  for long in "${documented[@]}"; do
    [[ "$help_text" =~ [\ ,]$long\  ]] || fail "$page: documents $long, which newsclf-$tool does not have"
  done
}

# check_exit_status TEXT PAGE: the statuses 0 to 4 are listed.
check_exit_status() {
  local code
  for code in 0 1 2 3 4; do
    section "$1" "EXIT STATUS" | grep -qE "^       $code( |$)" || fail "$2: EXIT STATUS does not list $code"
  done
}

# unroff: the roff escapes of the pages as plain characters.
unroff() {
  sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' -e 's/\\(ga/`/g' \
      -e 's/\\&//g' -e 's/\\e/\\/g'
}

# start_examples PAGE: check_examples in the background, each page's examples in a directory of
# their own; finish_examples waits for them all and counts their failures. Not under a sanitizer
# (NEWSCLF_SANITIZE): the examples run the tools as the other tests do, and checking what they
# print is the Release run's job; under AddressSanitizer they took most of this test's minute.
start_examples() {
  if [ -n "${NEWSCLF_SANITIZE:-}" ]; then
    echo "$(basename "$1"): examples not run under a sanitizer" >&2
    return
  fi
  (failures=0; check_examples "$1"; echo "$failures" >"$SCRATCH/examples-$(basename "$1").failures") &
}
finish_examples() {
  wait
  local f
  for f in "$SCRATCH"/examples-*.failures; do
    [ -f "$f" ] && failures=$((failures + $(cat "$f")))
  done
}

# check_examples PAGE: runs every "$ " command of the EXAMPLES section in order, in a scratch
# directory that has testdata/; each must exit 0. Lines that continue a command (after a trailing
# "\" or "|") belong to it. The lines after a command, up to the next one or the end of the
# example, are its output: what it prints on standard output and error together, durations
# ("0.03s") aside. A command that needs a program this machine lacks is skipped.
check_examples() {
  local page=$1 name dir cmd line prog skip i ran=0
  name=$(basename "$page")
  dir="$SCRATCH/examples-$name"
  mkdir -p "$dir"
  ln -s "$NEWSCLF_SOURCE_DIR/testdata" "$dir/testdata"
  local -a commands=() outputs=()
  cmd=""
  while IFS= read -r line; do
    if [ -n "$cmd" ] && [[ "$cmd" == *\\ || "$cmd" == *\| ]]; then
      cmd+=$'\n'"$line"
      continue
    fi
    if [ -n "$cmd" ]; then
      commands+=("$cmd")
      outputs+=("")
      cmd=""
    fi
    if [[ "$line" == '$ '* ]]; then
      cmd=${line#\$ }
    elif [ "$line" = "#EE" ]; then
      commands+=("") outputs+=("")  # no output runs on into the next example
    elif [ ${#commands[@]} -gt 0 ]; then
      outputs[-1]+="$line"$'\n'
    fi
  done < <(awk '/^\.SH / { on = ($2 == "EXAMPLES"); next }
                on && /^\.EX/ { ex = 1; next } on && /^\.EE/ { ex = 0; print "#EE"; next }
                on && ex' "$page" | unroff)
  for i in "${!commands[@]}"; do
    cmd=${commands[$i]}
    [ -n "$cmd" ] || continue
    skip=""
    for prog in python3 jq xz gzip cmp od mpirun; do
      if [[ " $cmd" =~ [\ \|\;\(]$prog[[:space:]] ]] && ! command -v "$prog" >/dev/null; then skip=$prog; fi
    done
    if [[ "$cmd" == *"import numpy"* ]] && ! python3 -c 'import numpy' 2>/dev/null; then skip=numpy; fi
    if [ -n "$skip" ]; then
      echo "$name: skipped (no $skip): $cmd" >&2
      continue
    fi
    ran=$((ran + 1))
    if ! (cd "$dir" && bash -c "$cmd") >"$dir.out" 2>&1 </dev/null; then
      fail "$name: example failed: $cmd
$(tail -n 5 "$dir.out")"
    elif [ -n "${outputs[$i]}" ] && ! printf '%s' "${outputs[$i]}" | shows "$dir.out"; then
      fail "$name: the example prints otherwise than the page shows: $cmd
shown:
${outputs[$i]}printed:
$(head -n 20 "$dir.out")"
    fi
  done
  [ "$ran" -gt 0 ] || fail "$name: no example was run"
}

# shows PRINTED: whether the lines on stdin, as a page shows them, are the lines of PRINTED: a
# line "..." stands for any lines left out, durations ("0.03s", "1.5 s") and trailing blanks
# aside.
shows() {
  awk 'function plain(line) { gsub(/[0-9]+\.[0-9]+ ?s/, "Ns", line); sub(/[ \t]+$/, "", line); return line }
       NR == FNR { shown[++n] = plain($0); next }
       { printed[++m] = plain($0) }
       END {
         # can[i, j]: the first i lines shown match the first j printed.
         can[0, 0] = 1
         for (i = 0; i <= n; i++)
           for (j = 0; j <= m; j++) {
             if (i == 0 && j == 0) continue
             if (i > 0 && shown[i] == "...") can[i, j] = can[i - 1, j] || (j > 0 && can[i, j - 1])
             else can[i, j] = i > 0 && j > 0 && can[i - 1, j - 1] && shown[i] == printed[j]
           }
         exit !can[n, m]
       }' - "$1"
}

for tool in $TOOLS; do
  page="$MAN_DIR/newsclf-$tool.1"
  if [ ! -f "$page" ]; then
    fail "newsclf-$tool has no man page ($page)"
    continue
  fi
  check_render "$page"
  text="$SCRATCH/newsclf-$tool.1.txt"
  check_sections "$text" "newsclf-$tool.1" NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"
  section "$text" NAME | grep -q "newsclf-$tool - " || fail "newsclf-$tool.1: NAME does not name newsclf-$tool"
  section "$text" "SEE ALSO" | grep -q "newsclf-formats(5)" || fail "newsclf-$tool.1: SEE ALSO lacks newsclf-formats(5)"
  check_options "$tool" "$text"
  check_exit_status "$text" "newsclf-$tool.1"
  start_examples "$page"
done

# newsclf-formats.5 against lib/: format.hpp's constants, the metadata keys and JSON members the
# code writes, the hyperparameters of newsclf-fit and the tensor names.
page="$MAN_DIR/newsclf-formats.5"
if [ ! -f "$page" ]; then
  fail "no newsclf-formats.5 ($page)"
else
  check_render "$page"
  text="$SCRATCH/newsclf-formats.5.txt"
  check_sections "$text" newsclf-formats.5 NAME DESCRIPTION "TOKEN STREAM" "MODEL FILE" VERSIONS EXAMPLES "SEE ALSO"
  section "$text" "TOKEN STREAM" >"$SCRATCH/tokens.txt"
  section "$text" "MODEL FILE" >"$SCRATCH/model.txt"

  # constant NAME: the value of a constant of format.hpp.
  constant() {
    grep -oE "\b$1 = \"?[^\",;]*" "$LIB_DIR/formats/container.hpp" | head -n 1 | sed -E 's/.* = "?//'
  }
  prefix=$(constant magic_prefix)
  for kind in tokens model; do
    magic="$prefix$(constant "${kind}_kind")/$(constant "${kind}_major")"
    version="$(constant "${kind}_major").$(constant "${kind}_minor")"
    [ "$magic" != "${magic#newsclf-}" ] || fail "cannot read the $kind magic from format.hpp"
    grep -qF "\"$magic\"" "$text" || fail "newsclf-formats.5 does not give the magic \"$magic\""
  done
  section "$text" VERSIONS | grep -qF "token stream $(constant tokens_major).$(constant tokens_minor)" ||
    fail "newsclf-formats.5: VERSIONS does not name token stream $(constant tokens_major).$(constant tokens_minor)"
  section "$text" VERSIONS | grep -qF "model file $(constant model_major).$(constant model_minor)" ||
    fail "newsclf-formats.5: VERSIONS does not name model file $(constant model_major).$(constant model_minor)"
  trailer=$(constant trailer_magic)
  grep -qF "\"$trailer\"" "$text" || fail "newsclf-formats.5 does not give the end marker \"$trailer\""
  grep -qF 'x93NUMPY' "$text" || fail "newsclf-formats.5 does not give the .npy magic"
  grep -q 'little-endian' "$text" || fail "newsclf-formats.5 does not give the byte order"

  # The value types (ValueType) in the metadata type table, and the tensor element types (DType).
  for pair in $(sed -nE 's/.*enum class ValueType[^{]*\{([^}]*)\}.*/\1/p' "$LIB_DIR/formats/container.hpp" | tr -d ' ' | tr ',' ' '); do
    grep -qE "^ +${pair#*=} +${pair%=*} " "$text" || fail "newsclf-formats.5: metadata type ${pair#*=} (${pair%=*}) is not in the type table"
  done
  for pair in $(sed -nE 's/.*enum class DType[^{]*\{([^}]*)\}.*/\1/p' "$LIB_DIR/formats/container.hpp" | tr -d ' ' | tr ',' ' '); do
    grep -qF "${pair#*=} = ${pair%=*}" "$SCRATCH/model.txt" || fail "newsclf-formats.5: tensor element type ${pair#*=} = ${pair%=*} is missing"
  done

  # check_keys SOURCE SECTION-TEXT WHAT: each meta["key"] that SOURCE writes is documented as
  # "key (type)" in the section, with type json exactly when the code writes a JsonText.
  check_keys() {
    local source=$1 section_text=$2 what=$3 key type
    local keys
    keys=$(grep -oE 'meta\["[a-z0-9_]+"\]' "$source" | sed -E 's/meta\["(.*)"\]/\1/' | sort -u)
    [ -n "$keys" ] || fail "no metadata keys found in $source"
    for key in $keys; do
      type=$(grep -oE "^       $key \([a-z0-9]+\)" "$section_text" | sed -E 's/.*\((.*)\)/\1/')
      if [ -z "$type" ]; then
        fail "newsclf-formats.5: the $what metadata key $key is not documented as \"$key (type)\""
      elif grep -qE "meta\[\"$key\"\] = JsonText" "$source"; then
        [ "$type" = json ] || fail "newsclf-formats.5: $what key $key is written as json, documented as $type"
      else
        [ "$type" != json ] || fail "newsclf-formats.5: $what key $key is documented as json, but not written as json"
      fi
    done
  }
  check_keys "$LIB_DIR/formats/token_stream.cpp" "$SCRATCH/tokens.txt" "token stream"
  check_keys "$LIB_DIR/model/model_file.cpp" "$SCRATCH/model.txt" "model"

  # json_members FILE FUNCTION: the JSON member names a C++ function writes with the JSON
  # writer, as member("name", ...) or key("name").
  json_members() {
    sed -n "/^[a-zA-Z].*[ &*]$2(/,/^}/p" "$1" | grep -oE '(member|key)\("[a-z0-9_]+"' | sed -E 's/.*\("(.*)"/\1/' | sort -u
  }
  # check_words SECTION-TEXT WHAT WORD...: each word appears in the section.
  check_words() {
    local section_text=$1 what=$2 word; shift 2
    [ "$#" -gt 0 ] || fail "newsclf-formats.5: found no $what in the code"
    for word in "$@"; do
      grep -qw -- "$word" "$section_text" || fail "newsclf-formats.5: the $what \"$word\" is not described"
    done
  }
  check_words "$SCRATCH/tokens.txt" "normalizer member" $(json_members "$LIB_DIR/formats/token_stream.cpp" normalizer_to_json)
  check_words "$SCRATCH/model.txt" "labels member" $(json_members "$LIB_DIR/model/model_file.cpp" labels_json)
  check_words "$SCRATCH/model.txt" "self_tests member" $(json_members "$LIB_DIR/model/model_file.cpp" self_tests_json)
  check_words "$SCRATCH/model.txt" "training member" \
    $(json_members "$LIB_DIR/model/fitting.cpp" training_json) \
    $(json_members "$LIB_DIR/model/fitting.cpp" write_evaluation)
  # Every arch's tensors: the blocks its network names (blocks.push_back({"name", ...).
  check_words "$SCRATCH/model.txt" "tensor" \
    $(grep -ohE 'write_tensor\(w, "[a-z0-9_.]+"|push_back\(\{"[a-z0-9_.]+"' "$LIB_DIR/model/model_file.cpp" "$LIB_DIR"/archs/*.cpp |
      grep -oE '"[^"]+"' | tr -d '"')
  start_examples "$page"
fi

# newsclf-sagemaker.7, the image and its use: renders without warnings, with its sections.
page="$MAN_DIR/newsclf-sagemaker.7"
if [ ! -f "$page" ]; then
  fail "no newsclf-sagemaker.7 ($page)"
else
  check_render "$page"
  check_sections "$SCRATCH/newsclf-sagemaker.7.txt" newsclf-sagemaker.7 NAME SYNOPSIS DESCRIPTION "THE IMAGE" \
    "THE LOCAL FLOW" "ON AWS" FILES "SEE ALSO"
fi

finish_examples
finish
