# Shared by the tests of newsclf-report's pages, sourced after lib.sh: a page rendered by headless
# Chromium (Debian's chromium), as a user opening it would see it.

# check_page_renders PAGE CHARTS: Chromium renders the HTML file PAGE without a console message,
# and each of its CHARTS charts (<figure class="chart"><img ...>) loaded, is drawn at a readable
# size, and its region of a screenshot of the whole page is not blank: some of it inked, many
# colours, and one of the report's. A copy of the page with a probe script reports each chart's
# box (in its title, through --dump-dom); the screenshot is of the page itself, left in PAGE.png.
# Not under a sanitizer (NEWSCLF_SANITIZE): Chromium is not newsclf's code, and it renders the
# same page in the Release run.
check_page_renders() {
  local page=$1 charts=$2 dir height
  if [ -n "${NEWSCLF_SANITIZE:-}" ]; then
    echo "$(basename "$page"): the rendering in Chromium skipped: under a sanitizer the page is checked as HTML only"
    return
  fi
  dir=$(cd "$(dirname "$page")" && pwd)
  page="$dir/$(basename "$page")"
  sed 's|</body>|<script>window.addEventListener("load", () => { document.title = JSON.stringify({height: document.documentElement.scrollHeight, charts: Array.from(document.querySelectorAll("figure.chart img")).map(img => { const r = img.getBoundingClientRect(); return {chart: img.parentElement.dataset.chart, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height, loaded: img.complete \&\& img.naturalWidth > 0}; })}); });</script></body>|' \
    "$page" >"$page.probe.html"
  chromium_run --window-size=1600,1000 --dump-dom "file://$page.probe.html" >"$page.dom" 2>"$page.probe.err" ||
    fail "chromium --dump-dom failed: $(tail -n 3 "$page.probe.err")"
  height=$(/usr/bin/python3 -c '
import html, json, re, sys
print(json.loads(html.unescape(re.search(r"<title>(.*?)</title>", open(sys.argv[1]).read(), re.S).group(1)))["height"])' "$page.dom") ||
    fail "no layout from the probe of $page: $(head -c 300 "$page.dom")"
  chromium_run --window-size="1600,${height:-4000}" --screenshot="$page.png" "file://$page" >/dev/null 2>"$page.shot.err" ||
    fail "chromium --screenshot failed: $(tail -n 3 "$page.shot.err")"
  if grep -h 'CONSOLE' "$page.probe.err" "$page.shot.err" | grep -q .; then
    fail "$page: console messages: $(grep -h CONSOLE "$page.probe.err" "$page.shot.err" | head -n 3)"
  fi
  /usr/bin/python3 - "$page.dom" "$page.png" "$charts" >"$page.render.log" 2>&1 <<'PYTHON' || fail "$page: $(cat "$page.render.log")"
import html, json, re, sys
from PIL import Image
layout = json.loads(html.unescape(re.search(r"<title>(.*?)</title>", open(sys.argv[1]).read(), re.S).group(1)))
shot = Image.open(sys.argv[2]).convert("RGB")
palette = [(0x01, 0x73, 0xB2), (0xDE, 0x8F, 0x05), (0x02, 0x9E, 0x73)]
assert len(layout["charts"]) == int(sys.argv[3]), f"{len(layout['charts'])} charts in the layout, expected {sys.argv[3]}"
for chart in layout["charts"]:
    name = chart["chart"]
    assert chart["loaded"], f"{name}: the image did not load"
    assert chart["w"] > 300 and chart["h"] > 150, f"{name}: drawn {chart['w']:.0f} x {chart['h']:.0f} px"
    box = (int(chart["x"]), int(chart["y"]), int(chart["x"] + chart["w"]), int(chart["y"] + chart["h"]))
    assert box[2] <= shot.width and box[3] <= shot.height, f"{name}: {box} outside the {shot.size} screenshot"
    pixels = list(shot.crop(box).getdata())
    inked = sum(1 for p in pixels if min(p) < 230) / len(pixels)
    colours = len(set(pixels))
    coloured = any(all(abs(p[i] - c[i]) < 40 for i in range(3)) for p in pixels[::3] for c in palette)
    assert inked > 0.02, f"{name}: {inked:.1%} of its region drawn"
    assert colours > 20, f"{name}: {colours} colours"
    assert coloured, f"{name}: none of the report's colours"
print("ok")
PYTHON
}

chromium_run() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0 "$@"
}
