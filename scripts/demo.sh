#!/usr/bin/env bash
# The main job on the bundled data: reweight wave 1 of the simulated "Baromètre Numérique & Collectivités"
# (2,774 communes answering, Sud-Ouest, Rhône-Alpes and Occitanie over-represented, large communes too) to the
# real French frame (INSEE COG 2026: communes by region and by size class), then compare raw and weighted
# estimates of six indicators with the population truth.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build -c release --product weight-cli >&2
bin="$(swift build -c release --show-bin-path)/weight-cli"
out="${OUT_DIR:-out}"
mkdir -p "$out"
data=data/sample/barometre_vague1.csv
margins=data/margins/communes_region_taille.csv
vars=site_web,feuille_de_route,open_data,charte_teletravail,saas,formation_cyber

"$bin" calibrate "$data" --margins "$margins" --method raking --output "$out/vague1_pondere.csv" \
  --report "$out/calage.md"
"$bin" estimate "$data" --variables "$vars" --format csv --output "$out/brut.csv"
"$bin" estimate "$out/vague1_pondere.csv" --variables "$vars" --weight weight --ci logit --format csv \
  --output "$out/pondere.csv"

python3 - "$out" <<'PY'
import csv, sys
out = sys.argv[1]
truth = {r["indicator"]: float(r["population_rate"]) for r in csv.DictReader(open("data/sample/barometre_truth.csv")) if r["wave"] == "1"}
def oui(path):
    return {r["variable"]: r for r in csv.DictReader(open(path, encoding="utf-8")) if r["level"] == "oui"}
raw, wtd = oui(f"{out}/brut.csv"), oui(f"{out}/pondere.csv")
print(f"{'indicator':<20}{'truth':>8}{'raw':>8}{'weighted':>10}  95% CI (logit)      closer")
for k, t in truth.items():
    r, w = float(raw[k]["estimate"]), float(wtd[k]["estimate"])
    lo, hi = float(wtd[k]["ci_low"]), float(wtd[k]["ci_high"])
    print(f"{k:<20}{t:8.1%}{r:8.1%}{w:10.1%}  [{lo:6.1%}, {hi:6.1%}]   {'weighted' if abs(w - t) < abs(r - t) else 'raw'}")
PY
echo "weighted file: $out/vague1_pondere.csv; calibration report: $out/calage.md" >&2
