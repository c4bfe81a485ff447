#!/usr/bin/env python3
"""Derives the population margins Weighting bundles as its defaults from the real French frame.

Input: the frame in ../shared/data (INSEE COG 2026, populations légales millésime 2023; DGCL EPCI perimeters
on 01/01/2025; see its SOURCE.md). Output: aggregate margin files in data/margins/ in the long format
`variable,level,target` (counts), written atomically. Standard library only; deterministic.

Usage: python3 data/scripts/derive_margins.py [FRAME_DIR]
"""
import csv
import json
import os
import sys
from collections import Counter, OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FRAME = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "data", "margins")

SIZES = ["moins de 500", "500-999", "1000-3499", "3500-9999", "10000-49999", "50000 et plus"]
SIZE_BOUNDS = [0, 500, 1000, 3500, 10000, 50000]
EPCI_SIZES = ["moins de 15000", "15000-29999", "30000-49999", "50000-99999", "100000 et plus"]
EPCI_BOUNDS = [0, 15000, 30000, 50000, 100000]
DEP_SIZES = ["moins de 250000", "250000-499999", "500000-999999", "1000000 et plus"]
DEP_BOUNDS = [0, 250000, 500000, 1000000]
NATURES = ["CC", "CA", "CU", "METRO", "MET69"]


def size_class(population, bounds, labels):
    k = 0
    for i, b in enumerate(bounds):
        if population >= b:
            k = i
    return labels[k]


def read(name):
    with open(os.path.join(FRAME, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fail(message):
    sys.exit(f"derive_margins: {message}")


def write(name, rows):
    """rows: list of (variable, level, target)."""
    path = os.path.join(OUT, name)
    tmp = os.path.join(OUT, f".{name}.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["variable", "level", "target"])
        for r in rows:
            w.writerow(r)
    os.replace(tmp, path)
    return len(rows)


def main():
    communes = read("communes_extended.csv")
    epci = read("epci.csv")
    deps = read("departements.csv")
    if len(communes) != 34875:
        fail(f"expected 34,875 communes, found {len(communes)}")
    if len({c["code_insee"] for c in communes}) != len(communes):
        fail("duplicate code_insee in the frame")
    if len(epci) != 1255:
        fail(f"expected 1,255 EPCI, found {len(epci)}")
    if len(deps) != 101:
        fail(f"expected 101 départements, found {len(deps)}")
    for c in communes:
        if c["taille"] != size_class(int(c["population"]), SIZE_BOUNDS, SIZES):
            fail(f"commune {c['code_insee']}: size class {c['taille']} does not match population {c['population']}")

    region_name = OrderedDict()
    for c in sorted(communes, key=lambda c: c["reg_code"]):
        region_name.setdefault(c["reg_code"], c["reg_nom"])
    regions = list(region_name.values())

    by_region = Counter(c["reg_nom"] for c in communes)
    by_size = Counter(c["taille"] for c in communes)
    by_cross = Counter((c["reg_nom"], c["taille"]) for c in communes)
    population = sum(int(c["population"]) for c in communes)

    region_rows = [("region", r, by_region[r]) for r in regions]
    size_rows = [("taille", s, by_size[s]) for s in SIZES]
    cross_rows = [("region*taille", f"{r}*{s}", by_cross[(r, s)]) for r in regions for s in SIZES]
    counts = {}
    os.makedirs(OUT, exist_ok=True)
    counts["communes_region.csv"] = write("communes_region.csv", region_rows)
    counts["communes_taille.csv"] = write("communes_taille.csv", size_rows)
    counts["communes_region_x_taille.csv"] = write("communes_region_x_taille.csv", cross_rows)
    counts["communes_default.csv"] = write("communes_default.csv", region_rows + size_rows + cross_rows)
    counts["communes_region_taille.csv"] = write("communes_region_taille.csv", region_rows + size_rows)
    counts["communes_population.csv"] = write("communes_population.csv",
                                              region_rows + size_rows + [("population", "", population)])

    epci_region = Counter(region_name[e["reg_siege"]] for e in epci)
    epci_nature = Counter(e["nature_juridique"] for e in epci)
    unknown = set(epci_nature) - set(NATURES)
    if unknown:
        fail(f"unexpected EPCI natures {sorted(unknown)}")
    epci_size = Counter(size_class(int(e["population"]), EPCI_BOUNDS, EPCI_SIZES) for e in epci)
    er = [("region", r, epci_region[r]) for r in regions if epci_region[r] > 0]
    en = [("nature", n, epci_nature[n]) for n in NATURES]
    counts["epci_region.csv"] = write("epci_region.csv", er)
    counts["epci_nature.csv"] = write("epci_nature.csv", en)
    counts["epci_taille.csv"] = write("epci_taille.csv", [("taille", s, epci_size[s]) for s in EPCI_SIZES])
    counts["epci_default.csv"] = write("epci_default.csv", er + en)

    dep_region = Counter(d["reg_nom"] for d in deps)
    dep_size = Counter(size_class(int(d["population"]), DEP_BOUNDS, DEP_SIZES) for d in deps)
    counts["departements_region.csv"] = write("departements_region.csv", [("region", r, dep_region[r]) for r in regions])
    counts["departements_taille.csv"] = write("departements_taille.csv", [("taille", s, dep_size[s]) for s in DEP_SIZES])

    summary = OrderedDict([
        ("source", "INSEE Code officiel géographique 2026 and populations légales millésime 2023 (Mayotte: 2017), "
                   "via the frame in shared/data (see its SOURCE.md); EPCI perimeters DGCL 01/01/2025"),
        ("licence", "Licence Ouverte / Open Licence v2.0 (Etalab)"),
        ("communes", len(communes)),
        ("population", population),
        ("epci", len(epci)),
        ("departements", len(deps)),
        ("communes_by_region", OrderedDict((r, by_region[r]) for r in regions)),
        ("communes_by_taille", OrderedDict((s, by_size[s]) for s in SIZES)),
        ("rows", counts),
    ])
    tmp = os.path.join(OUT, ".frame_summary.json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=2)
        f.write("\n")
    os.replace(tmp, os.path.join(OUT, "frame_summary.json"))
    print(f"{len(counts)} margin files written to {OUT}")


if __name__ == "__main__":
    main()
