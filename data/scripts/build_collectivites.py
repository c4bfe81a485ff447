#!/usr/bin/env python3
"""Build the frame of ALL French collectivités (communes, EPCI, départements, régions) and its margins by type.

Input: the bundled frame folder (default data/frame: communes_extended.csv, epci.csv, departements.csv; INSEE
COG 2026, populations légales 2023 (Mayotte 2017), DGCL EPCI on 01/01/2025; see data/frame/SOURCE.md).
Output:
  data/frame/collectivites.csv           one row per collectivité (36,249 rows)
  data/margins/collectivites/*.csv       margins (counts of units) in the long format `variable,level,target`

Columns of collectivites.csv:
  id            COM-<INSEE code>, EPCI-<SIREN>, DEP-<code>, REG-<code>
  type          commune | EPCI | département | région
  nom           official name
  region        region name (an EPCI's is the region of its seat)
  departement   département code (an EPCI's seat; empty for a région)
  population    legal population (an EPCI's, département's or région's is the sum of its communes')
  log_population natural logarithm of the population (4 decimals)
  taille        size class within the type (the classes of derive_margins.py; régions: one class)
  strate        type and size class together for communes and EPCI, e.g. "commune 500-999"; "département" and
                "région" alone (too few units per size class for a raking margin)
  epci_nature   CC, CA, CU, METRO, MET69 for communes (their EPCI's) and EPCI; "aucune" otherwise
  outre_mer     oui for the five DROM, non otherwise

Deterministic (same input, same bytes); every file written atomically. Standard library only.
Usage: python3 data/scripts/build_collectivites.py [FRAME_DIR]
"""
import csv
import math
import os
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from derive_margins import COMMUNE_SIZES, EPCI_SIZES, DEPARTEMENT_SIZES, size_class  # noqa: E402

OVERSEAS_REGIONS = {"01", "02", "03", "04", "06"}
TYPES = ["commune", "EPCI", "département", "région"]


def read(frame, name):
    with open(os.path.join(frame, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def field(v):
    v = str(v)
    return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n\r') else v


def write(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = ",".join(header) + "\n" + "".join(",".join(field(x) for x in r) + "\n" for r in rows)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix="." + os.path.basename(path) + ".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def build(frame):
    communes = read(frame, "communes_extended.csv")
    epci = read(frame, "epci.csv")
    deps = read(frame, "departements.csv")
    region_name = {d["reg_code"]: d["reg_nom"] for d in deps}
    assert len(communes) == 34875 and len(epci) == 1255 and len(deps) == 101 and len(region_name) == 18
    rows = []

    def add(uid, typ, nom, reg_code, dep, pop, taille, nature):
        rows.append([uid, typ, nom, region_name[reg_code], dep, pop, f"{math.log(max(pop, 1)):.4f}", taille,
                     f"{typ} {taille}" if typ in ("commune", "EPCI") else typ, nature,
                     "oui" if reg_code in OVERSEAS_REGIONS else "non"])

    for c in communes:
        pop = int(c["population"])
        add("COM-" + c["code_insee"], "commune", c["nom"], c["reg_code"], c["dep"], pop,
            size_class(pop, COMMUNE_SIZES), c["epci_nature"] or "aucune")
    for e in epci:
        pop = int(e["population"])
        add("EPCI-" + e["siren"], "EPCI", e["nom"], e["reg_siege"], e["dep_siege"], pop,
            size_class(pop, EPCI_SIZES), e["nature_juridique"])
    reg_pop = Counter()
    for d in deps:
        pop = int(d["population"])
        reg_pop[d["reg_code"]] += pop
        add("DEP-" + d["dep"], "département", d["dep_nom"], d["reg_code"], d["dep"], pop,
            size_class(pop, DEPARTEMENT_SIZES), "aucune")
    for code in sorted(region_name):
        add("REG-" + code, "région", region_name[code], code, "", reg_pop[code], "région", "aucune")
    assert sum(reg_pop.values()) == sum(int(c["population"]) for c in communes)
    return rows


def margins(rows):
    regions = sorted({r[3] for r in rows})
    strates = ([f"commune {x}" for x, _ in COMMUNE_SIZES] + [f"EPCI {x}" for x, _ in EPCI_SIZES]
               + ["département", "région"])
    by = lambda k: Counter(r[k] for r in rows)
    t, reg, st = by(1), by(3), by(8)
    cross = Counter((r[1], r[3]) for r in rows)
    out = {
        "collectivites_type.csv": [("type", x, t[x]) for x in TYPES],
        "collectivites_region.csv": [("region", x, reg[x]) for x in regions],
        "collectivites_strate.csv": [("strate", x, st[x]) for x in strates],
        "collectivites_type_x_region.csv": [("type*region", f"{a}*{b}", cross[(a, b)]) for a in TYPES for b in regions],
    }
    out["collectivites_region_strate.csv"] = out["collectivites_region.csv"] + out["collectivites_strate.csv"]
    communes = [r for r in rows if r[1] == "commune"]
    by_commune = Counter(r[8] for r in communes)
    out["communes_strate.csv"] = [("strate", x, by_commune[x]) for x in strates if x.startswith("commune ")]
    return out


def main(argv):
    frame = argv[1] if len(argv) > 1 else os.path.join(ROOT, "data", "frame")
    rows = build(frame)
    write(os.path.join(ROOT, "data", "frame", "collectivites.csv"),
          ["id", "type", "nom", "region", "departement", "population", "log_population", "taille", "strate",
           "epci_nature", "outre_mer"], rows)
    for name, m in margins(rows).items():
        write(os.path.join(ROOT, "data", "margins", "collectivites", name), ["variable", "level", "target"], m)
    print(f"{len(rows)} collectivités: " + ", ".join(f"{k} {v}" for k, v in Counter(r[1] for r in rows).items()))


if __name__ == "__main__":
    main(sys.argv)
