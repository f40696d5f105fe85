# Shared by the tests/cli/test-bad-input-<tool>.sh tests, sourced after lib.sh: the fixtures (bad
# headline files, a small model, cut and corrupt binaries) and the table of bad inputs that each
# test runs through `bad_table`.
#
# A table row is "CODE | FRAGMENT | ARGUMENTS": the tool run with ARGUMENTS (shell words, so
# "$D/x.tsv" and quotes work; leading NAME=VALUE words go to its environment; a last word <FILE is
# its standard input, /dev/null otherwise) must exit with CODE and print a message with FRAGMENT.
# $D, $M, $GLOVE and $OUT in a fragment are the fixtures' paths. Every row also checks what holds
# for any bad input: an exit status that is no signal or abort (below 128), every stderr line
# "TOOL: ...", no raw control byte in it (bytes 1 to 31 but tab and newline: a path or a field
# holding an escape sequence is shown escaped), nothing on stdout, and no output file, whole or
# temporary, under $OUT. Lines starting with # are comments; "#? ROW" is a row that describes the
# behaviour expected once a change under way lands: skipped, or run without failing the test when
# BAD_INPUT_PENDING=1 (it then says which of them pass). A CODE written ~CODE is a row whose
# allocation fails ("out of memory"): skipped under a sanitizer, whose allocator reports a size no
# memory holds in its own way.

NEWS="$TESTDATA/news.sample.tsv"
GLOVE="$TESTDATA/glove.sample.100d.txt.xz"
D="$SCRATCH/data"
OUT="$SCRATCH/out"
M="$D/model.newsclf"
mkdir -p "$D"
# The option that names the output file, added to each row that has none (empty: the tool has none).
: "${BAD_OUTPUT_OPTION=-o}"
ESC=$'\e'
# The address space of each run (8 GB), but for a sanitizer's build (NEWSCLF_SANITIZE, set by
# tests/CMakeLists.txt), whose shadow memory needs more.
BAD_INPUT_MEMORY_KB=8000000
[ -z "${NEWSCLF_SANITIZE:-}" ] || BAD_INPUT_MEMORY_KB=

# fixtures_ready: records the fixtures as they are, for bad_input_finish.
fixtures_ready() { (cd "$D" && find . -type f -exec md5sum {} + >"$SCRATCH/fixtures.md5"); }
# bad_input_finish: fails when a run changed a fixture (an input overwritten), then finishes.
bad_input_finish() {
  local changed
  changed=$(cd "$D" && md5sum -c --quiet "$SCRATCH/fixtures.md5" 2>&1) || fail "inputs changed by a run: $changed"
  finish
}

# The bytes no message may hold raw: 1 to 31 but tab and newline.
CONTROL_BYTES=$'\001\002\003\004\005\006\007\010\013\014\015\016\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037'
mkdir -p "$OUT"

# bad CODE FRAGMENT TOOL ARGS...: runs TOOL ARGS -o $OUT/result with stdin from /dev/null (or the
# <FILE of the last argument) and checks the outcome as described above. Bash's own tests rather
# than a grep each: a table has many rows.
bad() {
  local want=$1 fragment=$2 tool=$3
  shift 3
  local -a env=() args=("$@") left
  local input=/dev/null
  while [ ${#args[@]} -gt 0 ] && [[ "${args[0]}" =~ ^[A-Z_][A-Z0-9_]*= ]]; do
    env+=("${args[0]}")
    args=("${args[@]:1}")
  done
  if [ ${#args[@]} -gt 0 ] && [[ "${args[-1]}" == "<"* ]]; then
    input=${args[-1]#<}
    unset 'args[-1]'
  fi
  local has_output=false a
  for a in ${args[@]+"${args[@]}"}; do
    case "$a" in -o | --output | --output=*) has_output=true ;; esac
  done
  $has_output || [ -z "$BAD_OUTPUT_OPTION" ] || args+=("$BAD_OUTPUT_OPTION" "$OUT/result")
  (
    # A size no memory holds fails at once rather than after taking the machine's memory.
    [ -z "$BAD_INPUT_MEMORY_KB" ] || ulimit -v "$BAD_INPUT_MEMORY_KB"
    if [ ${#env[@]} -gt 0 ]; then
      exec env "${env[@]}" "$tool" ${args[@]+"${args[@]}"} <"$input" >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
    fi
    exec "$tool" ${args[@]+"${args[@]}"} <"$input" >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
  )
  local got=$? err="" line
  IFS= read -r -d '' err <"$SCRATCH/stderr"
  local what="${env[*]-} $tool ${args[*]-} (${fragment})" shown=${err:0:2000}
  shown=${shown//$'\e'/'^['}
  [ "$got" -lt 128 ] || fail "ended by a signal or an abort (exit $got): $what: $shown"
  [ "$got" -eq "$want" ] || fail "exit $got, expected $want: $what: $shown"
  [ -n "$err" ] || fail "no message on stderr: $what"
  [[ "$err" == *"$tool: "* && "$err" == *"$fragment"* ]] ||
    fail "the message should say \"$tool: ...$fragment...\": $what; it was: $shown"
  while IFS= read -r line; do
    [[ -z "$line" || "$line" == "$tool: "* ]] || { fail "stderr lines without the \"$tool: \" prefix: $what: $shown"; break; }
  done <<<"$err"
  [[ "$err" == *[$CONTROL_BYTES]* ]] && fail "raw control bytes in the message: $what: $shown"
  [ -s "$SCRATCH/stdout" ] && fail "wrote to stdout: $what: $(head -c 200 "$SCRATCH/stdout" | cat -v)"
  shopt -s nullglob dotglob
  left=("$OUT"/*)
  shopt -u nullglob dotglob
  if [ ${#left[@]} -gt 0 ]; then
    fail "left ${left[*]} behind: $what"
    rm -rf "$OUT" && mkdir "$OUT"
  fi
  return 0
}

# expand TEXT: TEXT with $D, $M, $GLOVE, $OUT and $ESC replaced by their values (fragments only;
# the arguments are shell words).
expand() {
  local s=$1
  s=${s//'$GLOVE'/$GLOVE}
  s=${s//'$ESC'/$ESC}
  s=${s//'$OUT'/$OUT}
  s=${s//'$D'/$D}
  s=${s//'$M'/$M}
  printf '%s' "$s"
}

# bad_table TOOL < TABLE: runs each row of the table (see above) through bad.
bad_table() {
  local tool=$1 line code fragment words pending rows=0 pending_passed=0 before
  local -a args
  while IFS= read -r line; do
    pending=false
    case "$line" in
      '#?'*) [ "${BAD_INPUT_PENDING:-0}" = 1 ] || continue; pending=true; line=${line#'#?'} ;;
      '#'* | '') continue ;;
    esac
    [[ "$line" == *" | "*" | "* ]] || { fail "not a row of CODE | FRAGMENT | ARGUMENTS: $line"; continue; }
    code=${line%% | *}
    line=${line#* | }
    fragment=${line%% | *}
    words=${line#* | }
    code=${code//[[:space:]]/}
    if [[ "$code" == "~"* ]]; then
      [ -z "${NEWSCLF_SANITIZE:-}" ] || continue
      code=${code#"~"}
    fi
    fragment=$(expand "$fragment")
    eval "args=($words)" || { fail "bad arguments in the row: $words"; continue; }
    rows=$((rows + 1))
    if $pending; then
      before=$failures
      bad "$code" "$fragment" "$tool" ${args[@]+"${args[@]}"} 2>"$SCRATCH/pending.err"
      if [ "$failures" -eq "$before" ]; then
        echo "pending row passes now, enable it: $code | $fragment | $words" >&2
        pending_passed=$((pending_passed + 1))
      else
        echo "pending row still fails: $code | $fragment | $words: $(cat "$SCRATCH/pending.err")" >&2
      fi
      failures=$before
    else
      bad "$code" "$fragment" "$tool" ${args[@]+"${args[@]}"}
    fi
  done
  [ "$rows" -gt 0 ] || fail "$tool: the table has no rows"
}

# --- fixtures

# headline files with one bad row (line 4) after three good ones, and others wholly bad.
make_headline_fixtures() {
  head -n 3 "$NEWS" >"$D/good3.tsv"
  row() { printf '999\t%s\thttp://example.com/a\tExample\t%s\tstory999\texample.com\t1394470921011\n' "$1" "$2"; }
  { cat "$D/good3.tsv"; printf '999\tonly three\tfields\n'; } >"$D/fields.tsv"
  { cat "$D/good3.tsv"; row '  ' b; } >"$D/empty-title.tsv"
  { cat "$D/good3.tsv"; row 'Stocks rally on jobs report' x; } >"$D/label.tsv"
  { cat "$D/good3.tsv"; row $'Caf\xe9 prices soar' b; } >"$D/utf8.tsv"
  { cat "$D/good3.tsv"; printf '999\t'; head -c 10000000 /dev/zero | tr '\0' a; printf '\t'; row '' b | cut -f 3-; } >"$D/long.tsv"
  sed 's/$/\r/' "$D/good3.tsv" >"$D/crlf.tsv"
  : >"$D/empty.tsv"
  { echo '{"title": "Stocks rally", "category": "b"}'; echo '{"title": "Stocks fall", "category": "q"}'; } >"$D/label.jsonl"
  { head -n 2 "$D/good3.tsv"; row 'Stocks rally on jobs report' ''; } >"$D/no-label.tsv"
  cat "$D/fields.tsv" "$D/label.tsv" "$D/empty-title.tsv" "$D/utf8.tsv" >"$D/mixed.tsv"
  { tail -n 1 "$D/crlf.tsv"; tail -n 1 "$D/utf8.tsv"; } >"$D/all-bad.tsv"
  # Escape sequences where a message quotes the input: in a field, and in a file's name.
  { cat "$D/good3.tsv"; row 'Stocks rally' $'\e[31mred\e[0m'; } >"$D/escape-label.tsv"
  { cat "$D/good3.tsv"; printf '999\t\e]0;title\a\tfields\n'; } >"$D/escape-fields.tsv"
  printf '{"title": "Stocks rally", "category": "\\u001b[2J"}\n' >"$D/escape-label.jsonl"
  cp "$D/fields.tsv" "$D/esc"$'\e[2J'".tsv"
  head -n 400 "$NEWS" >"$D/small.tsv"
  unset -f row
}

# tokens.bin (and its vocabulary, vocab.txt) from 400 rows of the sample, a token stream without
# categories, and token streams cut short, of a newer version, or claiming what they do not hold.
make_token_fixtures() {
  [ -f "$D/tokens.bin" ] && return
  [ -f "$D/small.tsv" ] || make_headline_fixtures
  newsclf-tokenize -q --max-words 500 --vocab-out "$D/vocab.txt" -o "$D/tokens.bin" "$D/small.tsv" ||
    fail "tokenize of a good file failed"
  cut -f 2 "$D/small.tsv" | head -n 20 >"$D/unlabelled.txt"
  newsclf-tokenize -q --vocab "$D/vocab.txt" --input-format lines -o "$D/unlabelled.bin" "$D/unlabelled.txt" ||
    fail "tokenize of unlabelled headlines failed"
  head -c $(($(stat -c %s "$D/tokens.bin") / 2)) "$D/tokens.bin" >"$D/half.bin"
  newer "$D/tokens.bin" "$D/v2.bin" 2
  container_fixtures "$D/tokens.bin" "$D/tokens"
}

# emb.npy, the matrix of tokens.bin, and .npy files cut short or claiming what they do not hold.
make_embedding_fixtures() {
  [ -f "$D/emb.npy" ] && return
  make_token_fixtures
  newsclf-embed -q --vocab "$D/tokens.bin" -o "$D/emb.npy" "$GLOVE" || fail "embed of a good file failed"
  head -c $(($(stat -c %s "$D/emb.npy") / 2)) "$D/emb.npy" >"$D/half.npy"
  make_npy_fixtures
}

# model.newsclf ($M), an mlp of one epoch on tokens.bin, and models cut short, with a byte
# changed, of a newer version, or claiming what they do not hold.
make_model_fixtures() {
  [ -f "$M" ] && return
  make_embedding_fixtures
  newsclf-fit -q -e "$D/emb.npy" --epochs 1 -o "$M" "$D/tokens.bin" || fail "fit of a good file failed"
  head -c $(($(stat -c %s "$M") / 2)) "$M" >"$D/half.newsclf"
  local size
  size=$(stat -c %s "$M")
  { head -c $((size - 1000)) "$M"; printf '\x7f'; tail -c 999 "$M"; } >"$D/flipped.newsclf"
  cmp -s "$D/flipped.newsclf" "$M" && fail "the flipped model should differ from the model"
  newer "$M" "$D/v2.newsclf" 2
  head -c 16 "$D/v2.newsclf" | grep -q '^newsclf-model/2$' || fail "the patched magic should read newsclf-model/2"
  container_fixtures "$M" "$D/model"
}

# newer FILE COPY MAJOR: FILE with the major version of its magic ("newsclf-model/1\n...") made MAJOR.
newer() { { head -c 16 "$1" | sed "s|/1|/$3|"; tail -c +17 "$1"; } >"$2"; }

# npy HEADER DATA_BYTES FILE: an .npy file (version 1.0) with the given header dict and that many
# zero bytes of data.
npy() {
  local header=$1 bytes=$2 file=$3
  local len=$((${#header} + 1))
  local pad=$(((64 - (10 + len) % 64) % 64))
  {
    printf '\x93NUMPY\x01\x00'
    printf "\\x$(printf %02x $(((len + pad) % 256)))\\x$(printf %02x $(((len + pad) / 256)))"
    printf '%s%*s\n' "$header" "$pad" ''
    head -c "$bytes" /dev/zero
  } >"$file"
}

# .npy files that claim more than they hold, or shapes no memory holds.
make_npy_fixtures() {
  npy "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 100), }" 400 "$D/huge-rows.npy"
  npy "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }" 400 "$D/overflow.npy"
  npy "{'descr': '<f4', 'fortran_order': False, 'shape': (501, 100), }" 4000 "$D/short-data.npy"
  npy "{'descr': '<f4', 'fortran_order': False, 'shape': (501, -100), }" 4000 "$D/negative-shape.npy"
  npy "{'descr': '<f4', 'fortran_order': False, 'shape': (501, 100, 3), }" 4000 "$D/three-dims.npy"
  npy "{'descr': '<f8', 'fortran_order': False, 'shape': (501, 100), }" $((501 * 100 * 8)) "$D/f8.npy"
  npy "{'descr': '<f4', 'fortran_order': True, 'shape': (501, 100), }" $((501 * 100 * 4)) "$D/fortran.npy"
  printf '\x93NUMPY\x01\x00\xff\xff' >"$D/header-cut.npy"
  printf '\x93NUMPY\x02\x00\xff\xff\xff\xff{}' >"$D/header-huge.npy"
}

# container_fixtures FILE PREFIX: containers (newsclf-formats(5)) made from FILE, PREFIX-NAME.bin or
# .newsclf, that claim more than they hold or hold what a reader must refuse, each with its CRC-32
# made right again so that a reader gets past it to the field in question: the metadata count, a
# string's length, a record's token count or tag (token stream); a tensor's dimensions, rank or
# element type, the tensor and member counts, a hyperparameter no memory holds, an escape sequence
# in the arch (model). Then, without a CRC fix, the trailer's item count and length.
container_fixtures() {
  python3 - "$1" "$2" <<'PYTHON' || fail "cannot make the fixtures of $1"
import json, struct, sys, zlib
src, prefix = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
kind = "tokens" if data.startswith(b"newsclf-tokens/") else "model"
ext = ".bin" if kind == "tokens" else ".newsclf"
body_end = len(data) - 28

def read_metadata(b):
    pos, entries = 40, []
    for _ in range(struct.unpack_from("<I", b, 36)[0]):
        (n,) = struct.unpack_from("<H", b, pos); key = b[pos + 2:pos + 2 + n]; pos += 2 + n
        t = b[pos]; pos += 1
        at = pos  # of the value, or of a string's length
        if t in (1, 2): value = b[pos:pos + 8]; pos += 8
        else: (m,) = struct.unpack_from("<Q", b, pos); value = b[pos + 8:pos + 8 + m]; pos += 8 + m
        entries.append([key, t, value, at])
    return entries, pos

def container(head, entries, body, items):
    b = bytearray(head[:36]) + struct.pack("<I", len(entries))
    for key, t, value, _ in entries:
        b += struct.pack("<H", len(key)) + key + bytes([t])
        b += value if t in (1, 2) else struct.pack("<Q", len(value)) + value
    b += body
    return b + b"NCLF-END" + struct.pack("<QQI", len(b), items, zlib.crc32(bytes(b)))

def save(name, b):
    open(prefix + "-" + name + ext, "wb").write(bytes(b))

def patched(offset, fmt, value):
    b = bytearray(data[:body_end]); struct.pack_into(fmt, b, offset, value)
    return b + data[body_end:body_end + 24] + struct.pack("<I", zlib.crc32(bytes(b)))

entries, body_start = read_metadata(data)
body = data[body_start:body_end]
(items,) = struct.unpack_from("<Q", data, body_end + 16)
save("metadata-count", patched(36, "<I", 0xFFFFFFFF))
save("string-length", patched(next(at for key, t, value, at in entries if t in (3, 4)), "<Q", 1 << 62))
if kind == "tokens":
    pos = body_start + 2
    for _ in range(2):
        (n,) = struct.unpack_from("<H", data, pos); pos += 2 + n
    save("token-count", patched(pos, "<H", 65535))
    save("record-tag", patched(body_start, "<B", 7))
    save("no-records", container(data, entries, b"", 0))
else:
    save("tensor-count", patched(body_start, "<I", 0xFFFFFFFF))
    pos = body_start + 4
    (n,) = struct.unpack_from("<H", data, pos); pos += 2 + n
    save("element-type", patched(pos, "<B", 9))
    save("rank", patched(pos + 1, "<B", 255))
    save("dimension", patched(pos + 2, "<Q", 1 << 40))
    save("member-count", patched(body_end - 4, "<I", 0xFFFFFFFF))
    def with_metadata(key, change):
        e = [list(x) for x in entries]
        for x in e:
            if x[0] == key: x[2] = change(x[2])
        return container(data, e, body, items)
    def hyperparameter(name, value):
        def change(v):
            h = json.loads(v); h[name] = value; return json.dumps(h, separators=(",", ":")).encode()
        return change
    save("hidden-units", with_metadata(b"hyperparameters", hyperparameter("hidden_units", "1000000")))
    save("max-len", with_metadata(b"hyperparameters", hyperparameter("max_len", "1000000000")))
    save("nan-learning-rate", with_metadata(b"hyperparameters", hyperparameter("learning_rate", "nan")))
    save("escape-arch", with_metadata(b"arch", lambda v: b"\x1b[2J\x1b]0;title\x07mlp"))
    # metadata damaged, CRC not fixed: the checksum is what a reader should report
    b = bytearray(data); b[41] ^= 0xFF; save("metadata-damaged", b)
trailer = bytearray(data); struct.pack_into("<Q", trailer, body_end + 16, items + (1 << 40)); save("count-more", trailer)
trailer = bytearray(data); struct.pack_into("<Q", trailer, body_end + 16, (1 << 63) - 1); save("count-huge", trailer)
trailer = bytearray(data); struct.pack_into("<Q", trailer, body_end + 8, (1 << 63) - 1); save("length-huge", trailer)
PYTHON
}
