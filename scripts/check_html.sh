#!/usr/bin/env bash
# Renders the HTML reports in headless Chromium (Debian's package): dumps the DOM, takes screenshots, fails on
# console errors or missing charts. Usage: bash scripts/check_html.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
command -v chromium >/dev/null || { apt-get install -y -qq chromium >/dev/null; }
out="${1:-out/html-check}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
swift build --product weight-cli >&2
bin="$(swift build --show-bin-path)/weight-cli"
data=data/sample/barometre_vague1.csv
margins=data/margins/communes_region_taille.csv
"$bin" calibrate "$data" --margins "$margins" --output "$out/weighted.csv" --report "$out/calibration.html" 2>/dev/null
"$bin" compare "$data" --variables site_web,open_data,score_maturite --margins "$margins" --format html -o "$out/compare.html"
status=0
for page in calibration compare; do
  file="$out/$page.html"
  chromium --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 --dump-dom "file://$file" \
    > "$out/$page.dom.html" 2> "$out/$page.console.log" || true
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,1400 \
    --screenshot="$out/$page.png" "file://$file" 2>/dev/null || true
  svgs=$(grep -o "<svg" "$out/$page.dom.html" | wc -l || true)
  console=$(grep -c "CONSOLE" "$out/$page.console.log" || true)
  echo "$page: $svgs charts in the DOM, $console console messages, screenshot $out/$page.png"
  [ "$svgs" -ge 3 ] || { echo "  missing charts" >&2; status=1; }
  [ "$console" -eq 0 ] || { grep CONSOLE "$out/$page.console.log" >&2; status=1; }
  [ -s "$out/$page.png" ] || { echo "  no screenshot" >&2; status=1; }
done
exit $status
