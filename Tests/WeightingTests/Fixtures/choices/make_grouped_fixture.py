"""Fixture for within-group calibration: wave 1 of the barometer (data/sample/barometre_vague1.csv) with the
overseas regions merged into 'Outre-mer' (too few small overseas communes answer), a group 'groupe' (petite:
under 1,000 inhabitants; grande: 1,000 and more), base weights N/n, and grouped margins (region and taille within
each group) summed from the frame's region x taille counts (data/margins/communes_default.csv).
Run from this folder: python3 make_grouped_fixture.py"""
import csv
from collections import defaultdict

root = "../../../../"
dom = {"Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"}
small = {"moins de 500", "500-999"}
region = lambda r: "Outre-mer" if r in dom else r
group = lambda t: "petite" if t in small else "grande"

rows = list(csv.DictReader(open(root + "data/sample/barometre_vague1.csv", encoding="utf-8")))
cross = defaultdict(float)
for m in csv.DictReader(open(root + "data/margins/communes_default.csv", encoding="utf-8")):
    if m["variable"] == "region*taille":
        r, t = m["level"].split("*")
        cross[(region(r), t)] += float(m["target"])
N = sum(cross.values())
with open("wave1_groups.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["region", "taille", "groupe", "site_web", "d"])
    for x in rows:
        w.writerow([region(x["region"]), x["taille"], group(x["taille"]), 1 if x["site_web"] == "oui" else 0, repr(N / len(rows))])
with open("margins_grouped.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["group", "variable", "level", "target"])
    for g in ["petite", "grande"]:
        regions = defaultdict(float)
        sizes = defaultdict(float)
        for (r, t), v in cross.items():
            if group(t) == g:
                regions[r] += v
                sizes[t] += v
        for r in sorted(regions):
            w.writerow([g, "region", r, int(regions[r])])
        for t in sorted(sizes):
            w.writerow([g, "taille", t, int(sizes[t])])
