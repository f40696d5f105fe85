#!/usr/bin/env bash
# Gets the full UCI News Aggregator data set and GloVe 6B 100-d vectors, and verifies them.
#
#   scripts/fetch-data.sh [--from DIR] [DEST]      (DEST defaults to data/)
#
# Without --from it downloads from the official sources (UCI, Stanford NLP). With --from it takes
# local copies from DIR instead (plain, .xz or .gz; e.g. ../shared/data). It leaves
# DEST/newsCorpora.csv and DEST/glove.6B.100d.txt, each checked against a known SHA-256.
set -euo pipefail

news_url=https://archive.ics.uci.edu/ml/machine-learning-databases/00359/NewsAggregatorDataset.zip
glove_url=https://nlp.stanford.edu/data/glove.6B.zip

# SHA-256 of every copy newsclf knows, decompressed.
declare -A known=(
  [d343d484bb7e97534acf25898b688547b8140a0cea64590456ba368983f28452]="newsCorpora.csv (UCI, 422,937 rows)"
  [1a16aba97aeea31fa89953d50b237eb3cb0204956be3e242fc363699e086d4b4]="newsCorpora.dev.csv (development copy, 382,814 rows)"
  [fc0c379e33a0d0d6f1e923d47dce9e1d10e1ee93a8b1573c9d9a7bf2e71389ca]="glove.6B.100d.wink.txt (341,479 words)"
)
# The Stanford file is pinned by GLOVE_SHA256 when set; otherwise its shape is checked
# (400,000 lines of a word and 100 numbers).

from=""
dest=data
while [ $# -gt 0 ]; do
  case "$1" in
    --from) from=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fetch-data: unknown option $1" >&2; exit 2 ;;
    *) dest=$1; shift ;;
  esac
done
mkdir -p "$dest"

die() { echo "fetch-data: $*" >&2; exit 1; }

# decompress SRC OUT: plain, .xz or .gz by magic bytes.
decompress() {
  local magic
  magic=$(head -c 6 "$1" | od -An -tx1 | tr -d ' \n')
  case "$magic" in
    fd377a585a00*) xz -dc "$1" > "$2" ;;
    1f8b*) gzip -dc "$1" > "$2" ;;
    *) cp "$1" "$2" ;;
  esac
}

# install TMP FINAL: verifies TMP under FINAL's name, then renames it; a file that fails is removed.
install_verified() {
  if verify "$1" "$(basename "$2")"; then mv "$1" "$2"; else rm -f "$1"; exit 1; fi
}

verify() {  # verify FILE NAME
  local sum
  sum=$(sha256sum "$1" | cut -d' ' -f1)
  if [ -n "${known[$sum]:-}" ]; then
    echo "fetch-data: $2: sha256 ok, ${known[$sum]}" >&2
  elif [ "$2" = glove.6B.100d.txt ] && [ -n "${GLOVE_SHA256:-}" ]; then
    [ "$sum" = "$GLOVE_SHA256" ] || { echo "fetch-data: $2: sha256 $sum differs from GLOVE_SHA256" >&2; return 1; }
    echo "fetch-data: $2: sha256 ok (GLOVE_SHA256)" >&2
  elif [ "$2" = glove.6B.100d.txt ]; then
    awk 'NF != 101 { bad = NR; exit } END { if (bad || NR != 400000) exit 1 }' "$1" ||
      { echo "fetch-data: $2: not 400,000 lines of a word and 100 numbers (sha256 $sum)" >&2; return 1; }
    echo "fetch-data: $2: 400,000 vectors of 100 dimensions (sha256 $sum; set GLOVE_SHA256 to pin it)" >&2
  else
    echo "fetch-data: $2: unknown sha256 $sum; the file is damaged or not the published one" >&2
    return 1
  fi
}

# find_local DIR NAME...: the first DIR/NAME[.xz|.gz] that exists.
find_local() {
  local dir=$1; shift
  for name in "$@"; do
    for f in "$dir/$name" "$dir/$name.xz" "$dir/$name.gz"; do
      [ -f "$f" ] && { echo "$f"; return 0; }
    done
  done
  return 1
}

download() {
  curl -fsSL --retry 2 --connect-timeout 15 -o "$2.tmp" "$1" ||
    die "cannot download $1 (no network?). Point the script at local copies: scripts/fetch-data.sh --from DIR"
  mv "$2.tmp" "$2"
}

if [ -n "$from" ]; then
  [ -d "$from" ] || die "$from: no such directory"
  news=$(find_local "$from" newsCorpora.csv newsCorpora.dev.csv) || die "$from holds no newsCorpora.csv[.xz|.gz]"
  glove=$(find_local "$from" glove.6B.100d.txt glove.6B.100d.wink.txt) || die "$from holds no glove.6B.100d.txt[.xz|.gz]"
  decompress "$news" "$dest/newsCorpora.csv.tmp"
  install_verified "$dest/newsCorpora.csv.tmp" "$dest/newsCorpora.csv"
  decompress "$glove" "$dest/glove.6B.100d.txt.tmp"
  install_verified "$dest/glove.6B.100d.txt.tmp" "$dest/glove.6B.100d.txt"
else
  command -v curl >/dev/null || die "curl is needed to download (apt-get install curl)"
  command -v unzip >/dev/null || die "unzip is needed (apt-get install unzip)"
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  download "$news_url" "$tmp/news.zip"
  unzip -p "$tmp/news.zip" newsCorpora.csv > "$dest/newsCorpora.csv.tmp"
  install_verified "$dest/newsCorpora.csv.tmp" "$dest/newsCorpora.csv"
  download "$glove_url" "$tmp/glove.zip"
  unzip -p "$tmp/glove.zip" glove.6B.100d.txt > "$dest/glove.6B.100d.txt.tmp"
  install_verified "$dest/glove.6B.100d.txt.tmp" "$dest/glove.6B.100d.txt"
fi
echo "$dest/newsCorpora.csv"
echo "$dest/glove.6B.100d.txt"
