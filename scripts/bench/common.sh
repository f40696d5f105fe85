# Shared by the benchmark scripts (sourced): decompressing inputs and taking medians.

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
