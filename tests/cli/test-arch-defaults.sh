#!/usr/bin/env bash
# One source for every arch's defaults: newsclf-fit --arch ARCH --help prints that arch's defaults
# (the architecture table over FitOptions', as training takes them), plain --help the mlp's and
# says so, and man/newsclf-fit.1's tables under "The defaults of each architecture" hold exactly
# the options whose defaults differ between archs, each with the value --help prints.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

PAGE="$NEWSCLF_SOURCE_DIR/man/newsclf-fit.1"
archs=$(newsclf-fit --help | sed -n 's/.*--arch[^{]*{\([^}]*\)}.*/\1/p' | tr ',' ' ')
[ -n "$archs" ] || fail "newsclf-fit --help lists no --arch choices"

# defaults FILE: "option value" for each option of a --help text that shows a default.
defaults() { sed -nE 's/^  (-[a-zA-Z],)?--([a-z0-9-]+) [^ =]+=([^ ]*).*/\2 \3/p' "$1"; }

newsclf-fit --help >plain.help || fail "newsclf-fit --help failed"
grep -q "^Defaults shown: --arch mlp's" plain.help || fail "newsclf-fit --help does not say whose defaults it shows"
for arch in $archs; do
  newsclf-fit --arch "$arch" --help >"$arch.help" 2>"$arch.err" || fail "newsclf-fit --arch $arch --help failed"
  [ -s "$arch.err" ] && fail "newsclf-fit --arch $arch --help wrote to stderr: $(cat "$arch.err")"
  grep -q "^Defaults shown: --arch $arch's" "$arch.help" || fail "newsclf-fit --arch $arch --help does not name $arch"
  newsclf-fit --help --arch="$arch" | cmp -s - "$arch.help" || fail "--help --arch=$arch differs from --arch $arch --help"
  defaults "$arch.help" >"$arch.defaults"
  [ "$(wc -l <"$arch.defaults")" -gt 20 ] || fail "--arch $arch --help shows too few defaults"
  # --arch itself keeps its own default, mlp, whichever arch's defaults are shown.
  grep -qx 'arch mlp' "$arch.defaults" || fail "--arch $arch --help: --arch's default is not mlp"
done
cmp -s plain.help mlp.help || fail "newsclf-fit --help differs from newsclf-fit --arch mlp --help"
# What the help prints is what training takes: linear's, measured in model files before.
grep -qx 'c 0.7' linear.defaults && grep -qx 'epochs 1000' linear.defaults ||
  fail "--arch linear --help does not show c 0.7 and epochs 1000"
newsclf-fit --arch nope --help >/dev/null 2>&1
[ $? -eq 0 ] || fail "newsclf-fit --arch nope --help should still print the help"

# The options whose default is not the same for every arch.
for arch in $archs; do sed "s/^/$arch /" "$arch.defaults"; done >all.defaults
awk '!($2 in first) { first[$2] = $3 } $3 != first[$2] { differs[$2] = 1 } END { for (o in differs) print o }' \
  all.defaults | sort >differing
[ -s differing ] || fail "no option has defaults that differ between archs"

# The page's tables: "option<TAB>arch<TAB>arch..." then "--option<TAB>value..." rows.
awk '/^\.SS / { on = ($0 ~ /The defaults of each architecture/) } /^\.SH / { on = 0 }
     on && /^\.TS/ { t = 1; head = 0; next } on && /^\.TE/ { t = 0; next }
     on && t && /\t/ { n = split($0, f, "\t")
                       if (!head) { head = 1; for (i = 2; i <= n; i++) a[i] = f[i]; next }
                       for (i = 2; i <= n; i++) print a[i], f[1], f[i] }' "$PAGE" |
  sed -e 's/\\-/-/g' -e 's/ --/ /' | sort >page.defaults
[ -s page.defaults ] || fail "newsclf-fit.1 has no tables under \"The defaults of each architecture\""
# One pass: each row of the page against --help, then each differing option of each arch against the page.
awk 'FILENAME == "differing" { differing[$1] = 1; next }
     FILENAME == "all.defaults" { help[$1 " " $2] = $3; arch[$1] = 1; next }
     { page[$1 " " $2] = $3
       if (!($1 in arch)) print "newsclf-fit.1 lists defaults of " $1 ", which is no arch"
       else if (!($2 in differing)) print "newsclf-fit.1 lists " $2 " for " $1 ", but every arch has the same default"
       else if (help[$1 " " $2] != $3)
         print "newsclf-fit.1 gives " $1 "\x27s " $2 " as " $3 "; newsclf-fit --arch " $1 " --help says " help[$1 " " $2] }
     END { for (a in arch) for (o in differing) if (!((a " " o) in page))
             print "newsclf-fit.1 does not give " a "\x27s default of " o }' differing all.defaults page.defaults >problems
while IFS= read -r problem; do fail "$problem"; done <problems

finish
