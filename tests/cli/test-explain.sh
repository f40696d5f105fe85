#!/usr/bin/env bash
# newsclf-predict --explain on five headlines with linear, bag and mlp models trained on the
# sample: every line keeps its prediction and gains an explanation of its class, exact (the
# weights plus the bias are the logit) for linear and bag, by occlusion for mlp, its parts ranked
# by absolute weight, and the health headline explained by the words of weight loss.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

newsclf-tokenize -q --max-words 0 -o sample.tokens "$TESTDATA/news.sample.tsv" || fail "tokenize failed"
xz -dc "$TESTDATA/glove.sample.100d.txt.xz" > glove.txt
newsclf-embed -q --vocab sample.tokens -o embedding.npy glove.txt || fail "embed failed"
newsclf-fit -q --arch linear --buckets 65536 -o linear.model sample.tokens || fail "fit linear failed"
newsclf-fit -q --arch bag --buckets 65536 --threads 1 -o bag.model sample.tokens || fail "fit bag failed"
newsclf-fit -q -e embedding.npy -o mlp.model sample.tokens || fail "fit mlp failed"
cat > headlines.txt <<'TITLES'
Why Exercise Alone May Not Be the Key to Weight Loss
Apple unveils iPhone 6 with a bigger screen
Fed holds rates steady as inflation stays low
Kim Kardashian and Kanye West marry in Florence
'Deadpool 2' Has More Swearing, Slicing and Dicing from Ryan Reynolds
TITLES

for arch in linear bag mlp; do
  method=exact
  [ "$arch" = mlp ] && method=occlusion
  newsclf-predict --explain -m "$arch.model" headlines.txt > "$arch.explained" || fail "$arch: newsclf-predict --explain failed"
  newsclf-predict -m "$arch.model" headlines.txt > "$arch.plain" || fail "$arch: newsclf-predict failed"
  [ "$(wc -l < "$arch.explained")" -eq 5 ] || fail "$arch: $(wc -l < "$arch.explained") lines for 5 headlines"
  # Without the explanation, each line is what newsclf-predict prints without --explain.
  diff <(jq -c 'del(.explanation)' "$arch.explained") <(jq -c . "$arch.plain") > /dev/null ||
    fail "$arch: --explain changes the predictions: $(diff <(jq -c 'del(.explanation)' "$arch.explained") <(jq -c . "$arch.plain") | head -n 4)"
  jq -e --arg method "$method" '
    .explanation as $x
    | ($x | keys_unsorted) == (if $method == "exact" then ["method", "class", "space", "logit", "bias", "contributions"]
                               else ["method", "class", "space", "probability", "contributions"] end)
    and $x.method == $method and $x.class == .label
    and $x.space == (if $method == "exact" then "logit" else "probability" end)
    and ($x.contributions | length > 0)
    and all($x.contributions[]; (keys_unsorted == ["text", "weight"]) and (.text | type == "string") and (.weight | type == "number"))
    and ([$x.contributions[].weight | fabs] as $w | $w == ($w | sort | reverse))
    and (if $method == "exact" then (($x.bias + ([$x.contributions[].weight] | add) - $x.logit) | fabs) < 1e-4
         else $x.probability == .probabilities[.label] end)' "$arch.explained" > /dev/null ||
    fail "$arch: an explanation has not the expected shape: $(head -c 600 "$arch.explained")"
  # Linear and bag: the health headline's largest part comes from the words of weight loss.
  if [ "$method" = exact ]; then
    top=$(head -n 1 "$arch.explained" | jq -r '.label + " " + .explanation.contributions[0].text')
    case "$top" in
      "m weight"* | "m loss" | "m exercise") ;;
      *) fail "$arch: the health headline's class and top part: \"$top\"" ;;
    esac
  fi
  # A bigram of the linear model is named by its words.
  if [ "$arch" = linear ]; then
    jq -e -s '[.[1].explanation.contributions[].text] | index("apple unveils") != null' linear.explained > /dev/null ||
      fail "linear: no \"apple unveils\" bigram in $(sed -n 2p linear.explained | head -c 400)"
  fi
done
# The words of weight loss weigh on the mlp's answer too.
jq -e -s '[.[0].explanation.contributions[:3][].text] | any(. == "weight" or . == "loss")' mlp.explained > /dev/null ||
  fail "mlp: the health headline's top words: $(head -n 1 mlp.explained | jq -c '[.explanation.contributions[:3][].text]')"

finish
