# Shared by the benchmark scripts (sourced): decompressing inputs, taking medians, and waiting for
# a newsclf-serve to answer.

# The tree's root, and the directory of the tools benchmarked: NEWSCLF_BIN, or the tree's build/bin.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${NEWSCLF_BIN:-$here/build/bin}

# require_tools DIR TOOL...: DIR/newsclf-TOOL is there for each TOOL, or the script ends (status 1)
# naming the one missing.
require_tools() {
  local dir=$1 t
  shift
  for t in "$@"; do
    [ -x "$dir/newsclf-$t" ] || { echo "$(basename "$0"): $dir/newsclf-$t missing: run scripts/setup.sh" >&2; exit 1; }
  done
}

# plain SRC OUT: OUT is SRC decompressed (xz or gzip, by magic bytes), or a link to it.
plain() {
  case "$(head -c 6 "$1" | od -An -tx1 | tr -d ' \n')" in
    fd377a585a00*) xz -dc "$1" > "$2" ;;
    1f8b*) gzip -dc "$1" > "$2" ;;
    *) ln -s "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" "$2" ;;
  esac
}

# median: the median of the numbers on stdin, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# fit_archs BIN: the --arch choices newsclf-fit --help lists, separated by spaces.
fit_archs() { "$1/newsclf-fit" --help | sed -n 's/.*--arch[^{]*{\([^}]*\)}.*/\1/p' | head -1 | tr ',' ' '; }

# data_glove_args "$@": the command line of a benchmark called as `SCRIPT DATA GLOVE [--json FILE]`
# into $data, $glove and $json (empty without --json); --help prints the script's opening
# comment. A call of another shape, a DATA or GLOVE that cannot be read, or a RUNS that is not a
# positive integer ends the script: exit status 2 (1 for a file).
data_glove_args() {
  local name args=()
  name=$(basename "$0")
  json=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --json) [ $# -ge 2 ] || { echo "$name: --json needs a file" >&2; exit 2; }; json=$2; shift 2 ;;
      -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
      *) args+=("$1"); shift ;;
    esac
  done
  [ ${#args[@]} -eq 2 ] || { echo "usage: $0 DATA GLOVE [--json FILE]" >&2; exit 2; }
  data=${args[0]} glove=${args[1]}
  case "${RUNS:-3}" in ''|*[!0-9]*|0) echo "$name: RUNS must be a positive integer, not '$RUNS'" >&2; exit 2 ;; esac
  for f in "$data" "$glove"; do [ -r "$f" ] || { echo "$name: cannot read $f" >&2; exit 1; }; done
}

# server_port LOG: the port a newsclf-serve started with --port 0 says in LOG it listens on, once
# /ping answers 200 there; fails (status 1) when that has not happened within 30 s.
server_port() {
  local log=$1 port="" i
  for i in $(seq 1 300); do
    port=$(sed -n 's/.*listening on [^ ]*:\([0-9]*\) .*/\1/p' "$log")
    if [ -n "$port" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ping")" = 200 ]; then
      echo "$port"
      return 0
    fi
    sleep 0.1
  done
  return 1
}
