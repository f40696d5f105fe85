#!/usr/bin/env bash
# newsclf-report on linear, bag and workshop (mlp) models trained on 80% of the sample and scored
# on the other 20%: the page is self-contained HTML whose summary agrees with newsclf-eval, whose
# charts are SVG documents (the class balance counting the data's categories), and which shows the
# strongest words of linear and bag models. Then headless Chromium renders it: no console
# messages, every chart loaded, and each chart's region of the screenshot drawn (not blank, in
# the report's colours).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/browser.sh"
cd "$SCRATCH" || exit 1

newsclf-tokenize -q --max-words 0 -o sample.tokens "$TESTDATA/news.sample.tsv" || fail "tokenize failed"
newsclf-fit -q --validation-split 0.2 --split-out train.tokens test.tokens sample.tokens || fail "split failed"
xz -dc "$TESTDATA/glove.sample.100d.txt.xz" > glove.txt
newsclf-embed -q --vocab train.tokens -o embedding.npy glove.txt || fail "embed failed"
newsclf-fit -q --arch linear --buckets 65536 -o linear.model train.tokens || fail "fit linear failed"
newsclf-fit -q --arch bag --buckets 65536 --threads 1 -o bag.model train.tokens || fail "fit bag failed"
newsclf-fit -q --preset workshop --validation-split 0.1 -e embedding.npy -o mlp.model train.tokens || fail "fit mlp failed"
cat > peers.json <<'JSON'
[
  {"system": "newsclf-linear", "split": "row", "accuracy": 0.9594, "accuracy_interval": [0.9579, 0.9607],
   "interval_unit": "row", "macro_f1": 0.9569, "train_s": 3.14, "model_bytes": 22004358},
  {"system": "newsclf-linear", "split": "story", "accuracy": 0.9123, "macro_f1": 0.9071},
  {"system": "fasttext-default", "split": "row", "accuracy": 0.9466, "macro_f1": 0.9432}
]
JSON

newsclf-report -m linear.model -m bag.model -m mlp.model --peers peers.json --title "Three models" \
  -o report.html test.tokens 2> report.log || fail "newsclf-report failed: $(cat report.log)"
[ -s report.html ] || fail "no report.html"

# Self-contained: nothing loaded from elsewhere, no script.
if grep -Eo '(src|href)="[^"d][^"]*"|<script|<link' report.html | head -n 3 | grep -q .; then
  fail "the page refers to something outside it: $(grep -Eo '(src|href)="[^"d][^"]*"|<script|<link' report.html | head -n 3)"
fi
grep -q '<title>Three models</title>' report.html || fail "no title"

# The summary table's accuracy and macro-F1 are newsclf-eval's, for each model, and so are their
# 95% intervals (the same default bootstrap).
for pair in linear:linear bag:bag "mlp (workshop):mlp"; do
  label=${pair%:*} model=${pair##*:}
  newsclf-eval -q -m "$model.model" -o "$model.eval.json" test.tokens || fail "$model: newsclf-eval failed"
  row=$(grep -F "<tr><td>$label</td>" report.html | head -n 1)
  for field in accuracy macro_f1; do
    value=$(jq -r ".$field * 10000 | round / 10000 | tostring" "$model.eval.json")
    printf -v value '%.4f' "$value"
    [[ "$row" == *"<td class=\"n\">$value</td>"* ]] || fail "$model: $field $value not in its summary row: ${row:0:300}"
    interval=$(jq -r ".intervals.$field | map(. * 10000 | round / 10000) | \"[\(.[0]), \(.[1])]\"" "$model.eval.json")
    interval=$(printf '[%.4f, %.4f]' $(tr -d '[],' <<<"$interval"))
    [[ "$row" == *"<td class=\"n\">$interval</td>"* ]] || fail "$model: $field interval $interval not in its summary row: ${row:0:400}"
  done
done
grep -q '95% interval: percentile bootstrap of 1000 resamples of whole stories' report.html ||
  fail "the summary does not say how its intervals were drawn"
grep -qF '<td class="n">[0.9579, 0.9607] by row</td>' report.html || fail "the peers table lacks the interval of a peers row"

# The charts: SVG documents, each figure with one; the class balance counts each category's rows.
/usr/bin/python3 - report.html linear.eval.json > charts.log 2>&1 <<'PYTHON' || fail "charts: $(cat charts.log)"
import base64, json, re, sys
page = open(sys.argv[1]).read()
evaluation = json.load(open(sys.argv[2]))
figures = re.findall(r'<figure class="chart" data-chart="([^"]+)"><img src="data:image/svg\+xml;base64,([^"]+)" alt="[^"]+">', page)
assert len(figures) == page.count("<figure"), f"{page.count('<figure')} figures, {len(figures)} with an SVG image"
names = [name for name, _ in figures]
# data 2, side by side 2, per model 3 x 3 and learning curves for bag and mlp (linear trains in
# one pass), peers 1
expected = {"class-balance": 1, "title-length": 1, "f1-by-model": 1, "reliability-by-model": 1,
            "learning-curves": 2, "confusion": 3, "per-class": 3, "reliability": 3, "peers": 1}
for name, count in expected.items():
    assert names.count(name) == count, f"{names.count(name)} {name} charts, expected {count}: {names}"
svgs = {}
for name, data in figures:
    svg = base64.b64decode(data).decode("utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg and svg.rstrip().endswith("</svg>"), f"{name}: not an SVG document"
    svgs.setdefault(name, svg)
for code, name in (("b", "Business"), ("t", "Science"), ("e", "Entertainment"), ("m", "Health")):
    support = evaluation["per_class"][code]["support"]
    assert re.search(rf">{support} \(\d+\.\d%\)<", svgs["class-balance"]), f"class balance: no bar of {support} for {code}"
    assert name in svgs["confusion"], f"confusion: no {name}"
print("ok")
PYTHON

# The strongest words: for linear and bag, health's list holds one of the sample's health words.
strongest=$(grep -c '<h3>Strongest words, the model</h3>' report.html)
[ "$strongest" -eq 2 ] || fail "$strongest strongest-word tables, expected 2 (linear and bag)"
/usr/bin/python3 - report.html > words.log 2>&1 <<'PYTHON' || fail "strongest words: $(cat words.log)"
import re, sys
page = open(sys.argv[1]).read()
tables = re.findall(r'<h3>Strongest words, the model</h3>\n<table class="words">(.*?)</table>', page, re.S)
assert len(tables) == 2, f"{len(tables)} tables"
for table in tables:
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    assert len(rows) == 12, f"{len(rows)} rows, expected 12 (--words default)"
    health = [re.findall(r'<span class="word"><span>([^<]*)</span>', row)[3] for row in rows]
    assert set(health) & {"ebola", "cancer", "study", "fda", "health", "drug", "mers", "cdc"}, f"health's words: {health}"
print("ok")
PYTHON

# Headless Chromium renders it: 16 charts drawn, no console message.
check_page_renders report.html 16

# A single model, its data after it, no peers: the page has no side-by-side or peers part.
newsclf-report -q -m linear.model test.tokens > single.html || fail "newsclf-report of one model failed"
grep -q 'id="side-by-side"\|id="peers"' single.html && fail "a single model's page compares or lists peers"
grep -q '<h2 id="models">The model</h2>' single.html || fail "a single model's page has no model section"
finish
