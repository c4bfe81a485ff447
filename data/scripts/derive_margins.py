#!/usr/bin/env python3
"""Derive the population margins that Weighting bundles as defaults from the real French frame.

Input: the frame folder (default: data/frame, the bundled copy of the shared frame). It holds INSEE COG 2026 and
populations légales millésime 2023 (Mayotte: 2017), plus the DGCL EPCI perimeters on 01/01/2025.
See the frame's SOURCE.md.
Output: aggregate margin files in data/margins/, in the long format `variable,level,target` (counts),
plus frame_summary.json. Each file is written atomically: a temporary file in the same folder, then
os.replace.

Nothing is written unless every check of the inputs passes. Standard library only. The output depends only
on the input files, so two runs on the same frame give byte-identical files.

Usage: python3 data/scripts/derive_margins.py [FRAME_DIR]
"""
import csv
import hashlib
import json
import os
import re
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))  # the repository root is two levels up from this script
DEFAULT_FRAME = os.path.join(ROOT, "data", "frame")
OUT = os.path.join(ROOT, "data", "margins")

# What the frame must hold (see its SOURCE.md). A different frame must be checked by hand, then these updated.
EXPECTED_COMMUNES = 34875
EXPECTED_EPCI = 1255
EXPECTED_DEPARTEMENTS = 101
EXPECTED_REGIONS = 18
EXPECTED_POP_YEARS = {"2023", "2017"}  # 2017 is Mayotte (département 976) only
MAYOTTE_DEP = "976"

HEADERS = {
    "communes_extended.csv": ["code_insee", "nom", "dep", "dep_nom", "reg_code", "reg_nom", "population",
                              "pop_annee", "taille", "epci_siren", "epci_nom", "epci_nature"],
    "epci.csv": ["siren", "nom", "nature_juridique", "mode_financ", "dep_siege", "reg_siege", "n_communes",
                 "population", "population_dgcl_pl2022"],
    "departements.csv": ["dep", "dep_nom", "reg_code", "reg_nom", "n_communes", "population"],
}

# Size classes: (label, lower bound inclusive). The upper bound of a class is the next one's lower bound.
COMMUNE_SIZES = [("moins de 500", 0), ("500-999", 500), ("1000-3499", 1000), ("3500-9999", 3500),
                 ("10000-49999", 10000), ("50000 et plus", 50000)]
EPCI_SIZES = [("moins de 15000", 0), ("15000-29999", 15000), ("30000-49999", 30000),
              ("50000-99999", 50000), ("100000 et plus", 100000)]
DEPARTEMENT_SIZES = [("moins de 250000", 0), ("250000-499999", 250000), ("500000-999999", 500000),
                     ("1000000 et plus", 1000000)]
EPCI_NATURES = ["CC", "CA", "CU", "METRO", "MET69"]

HEADER = "variable,level,target"


class FrameError(Exception):
    pass


def check(condition, message):
    if not condition:
        raise FrameError(message)


def size_class(population, classes):
    label = None
    for name, lower in classes:
        if population >= lower:
            label = name
    check(label is not None, f"population {population} falls in no size class")
    return label


def labels(classes):
    return [name for name, _ in classes]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_table(frame, name):
    path = os.path.join(frame, name)
    check(os.path.isfile(path), f"{path}: missing")
    with open(path, newline="", encoding="utf-8-sig") as f:  # tolerate a byte-order mark
        reader = csv.reader(f)
        header = next(reader, None)
        check(header == HEADERS[name], f"{name}: header is {header}, expected {HEADERS[name]}")
        rows = []
        for line, fields in enumerate(reader, start=2):
            check(len(fields) == len(header), f"{name}, line {line}: {len(fields)} fields, expected {len(header)}")
            rows.append(dict(zip(header, fields)))
    return rows


def count(value, what):
    check(re.fullmatch(r"[0-9]+", value) is not None, f"{what}: {value!r} is not a non-negative integer")
    return int(value)


def verify(communes, epci, deps):
    """Checks the frame and returns the region names in region-code order. Raises FrameError."""
    # Communes: row count, unique codes, population, year, size class.
    check(len(communes) == EXPECTED_COMMUNES, f"communes_extended.csv: {len(communes)} rows, expected {EXPECTED_COMMUNES}")
    codes = Counter(c["code_insee"] for c in communes)
    duplicated = sorted(k for k, n in codes.items() if n > 1)
    check(not duplicated, f"communes_extended.csv: duplicated code_insee {duplicated[:10]}")
    sizes = labels(COMMUNE_SIZES)
    for c in communes:
        where = f"communes_extended.csv, commune {c['code_insee']}"
        check(re.fullmatch(r"[0-9][0-9AB][0-9]{3}", c["code_insee"]) is not None, f"{where}: malformed code_insee")
        population = count(c["population"], f"{where}, population")
        check(c["taille"] in sizes, f"{where}: unknown size class {c['taille']!r}")
        expected = size_class(population, COMMUNE_SIZES)
        check(c["taille"] == expected,
              f"{where}: size class {c['taille']!r} does not match population {population} (expected {expected!r})")
        check(c["pop_annee"] in EXPECTED_POP_YEARS, f"{where}: unexpected population year {c['pop_annee']!r}")
        check((c["pop_annee"] == "2017") == (c["dep"] == MAYOTTE_DEP),
              f"{where}: population year {c['pop_annee']} in département {c['dep']} (2017 is for Mayotte only)")
        for key in ("reg_nom", "dep_nom", "reg_code", "dep"):
            check(c[key].strip() != "" and c[key] == c[key].strip(), f"{where}: empty or padded {key}")

    # Regions: one name per code and one code per name, 18 of them.
    region_of_code, code_of_region = {}, {}
    for c in communes:
        check(region_of_code.setdefault(c["reg_code"], c["reg_nom"]) == c["reg_nom"],
              f"region code {c['reg_code']} has two names: {region_of_code[c['reg_code']]!r} and {c['reg_nom']!r}")
        check(code_of_region.setdefault(c["reg_nom"], c["reg_code"]) == c["reg_code"],
              f"region name {c['reg_nom']!r} has two codes")
    check(len(region_of_code) == EXPECTED_REGIONS, f"{len(region_of_code)} regions, expected {EXPECTED_REGIONS}")
    for name in list(code_of_region) + sizes + EPCI_NATURES:
        check("*" not in name and "\n" not in name and "\r" not in name,
              f"level {name!r} contains '*' or a line break, which the margins format cannot carry")

    # Départements: unique codes, same names and regions as the communes, counts and populations add up.
    check(len(deps) == EXPECTED_DEPARTEMENTS, f"departements.csv: {len(deps)} rows, expected {EXPECTED_DEPARTEMENTS}")
    dep_codes = Counter(d["dep"] for d in deps)
    duplicated = sorted(k for k, n in dep_codes.items() if n > 1)
    check(not duplicated, f"departements.csv: duplicated dep {duplicated}")
    dep_of_commune = {}
    dep_n, dep_pop = Counter(), Counter()
    for c in communes:
        key = (c["dep_nom"], c["reg_code"], c["reg_nom"])
        check(dep_of_commune.setdefault(c["dep"], key) == key,
              f"communes_extended.csv: département {c['dep']} has inconsistent names or regions")
        dep_n[c["dep"]] += 1
        dep_pop[c["dep"]] += int(c["population"])
    check(set(dep_codes) == set(dep_of_commune),
          f"départements differ between departements.csv and communes_extended.csv: "
          f"{sorted(set(dep_codes) ^ set(dep_of_commune))}")
    for d in deps:
        where = f"departements.csv, dep {d['dep']}"
        check(dep_of_commune[d["dep"]] == (d["dep_nom"], d["reg_code"], d["reg_nom"]),
              f"{where}: name or region differs from communes_extended.csv")
        check(count(d["n_communes"], f"{where}, n_communes") == dep_n[d["dep"]],
              f"{where}: n_communes {d['n_communes']} but {dep_n[d['dep']]} communes in the frame")
        check(count(d["population"], f"{where}, population") == dep_pop[d["dep"]],
              f"{where}: population {d['population']} but its communes sum to {dep_pop[d['dep']]}")

    # EPCI: unique SIREN, known nature and region of the seat, members and population match the communes.
    check(len(epci) == EXPECTED_EPCI, f"epci.csv: {len(epci)} rows, expected {EXPECTED_EPCI}")
    sirens = Counter(e["siren"] for e in epci)
    duplicated = sorted(k for k, n in sirens.items() if n > 1)
    check(not duplicated, f"epci.csv: duplicated siren {duplicated[:10]}")
    members, member_pop, member_nature = Counter(), Counter(), {}
    for c in communes:
        if c["epci_siren"]:
            check(c["epci_siren"] in sirens,
                  f"communes_extended.csv, commune {c['code_insee']}: EPCI {c['epci_siren']} is not in epci.csv")
            members[c["epci_siren"]] += 1
            member_pop[c["epci_siren"]] += int(c["population"])
            member_nature.setdefault(c["epci_siren"], set()).add(c["epci_nature"])
        else:
            check(c["epci_nature"] == "" and c["epci_nom"] == "",
                  f"communes_extended.csv, commune {c['code_insee']}: EPCI name or nature without a SIREN")
    for e in epci:
        where = f"epci.csv, siren {e['siren']}"
        check(re.fullmatch(r"[0-9]{9}", e["siren"]) is not None, f"{where}: malformed SIREN")
        check(e["nature_juridique"] in EPCI_NATURES, f"{where}: unknown nature {e['nature_juridique']!r}")
        check(e["reg_siege"] in region_of_code, f"{where}: unknown region of the seat {e['reg_siege']!r}")
        check(e["dep_siege"] in dep_of_commune and dep_of_commune[e["dep_siege"]][1] == e["reg_siege"],
              f"{where}: seat département {e['dep_siege']!r} is not in region {e['reg_siege']}")
        check(count(e["n_communes"], f"{where}, n_communes") == members[e["siren"]],
              f"{where}: n_communes {e['n_communes']} but {members[e['siren']]} member communes in the frame")
        check(count(e["population"], f"{where}, population") == member_pop[e["siren"]],
              f"{where}: population {e['population']} but its members sum to {member_pop[e['siren']]}")
        check(member_nature.get(e["siren"]) == {e["nature_juridique"]},
              f"{where}: nature differs between epci.csv and communes_extended.csv")

    return [region_of_code[code] for code in sorted(region_of_code)]


def field(value):
    """One CSV field, quoted per RFC 4180 only when needed."""
    text = str(value)
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def margins_text(rows):
    lines = [HEADER] + [",".join(field(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def write_atomically(directory, name, text):
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, os.path.join(directory, name))
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def source_reference(frame):
    path = os.path.join(frame, "SOURCE.md")
    check(os.path.isfile(path), f"{path}: missing (the frame must document its source)")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    commit = re.search(r"commit `([0-9a-f]{40})`", text)
    check(commit is not None, f"{path}: no upstream commit found")
    tag = re.search(r"tagged `([^`]+)`", text)
    repository = re.search(r"\*\*`([\w.-]+/[\w.-]+)`\*\*", text)
    return {
        "document": "shared/data/SOURCE.md",
        "document_sha256": sha256(path),
        "repository": repository.group(1) if repository else None,
        "commit": commit.group(1),
        "tag": tag.group(1) if tag else None,
    }


def derive(frame):
    """Returns {file name: text} for every output file. Raises FrameError if the frame fails a check."""
    communes = read_table(frame, "communes_extended.csv")
    epci = read_table(frame, "epci.csv")
    deps = read_table(frame, "departements.csv")
    regions = verify(communes, epci, deps)
    region_of_code = {c["reg_code"]: c["reg_nom"] for c in communes}
    sizes, epci_sizes, dep_sizes = labels(COMMUNE_SIZES), labels(EPCI_SIZES), labels(DEPARTEMENT_SIZES)

    # Communes.
    by_region = Counter(c["reg_nom"] for c in communes)
    by_size = Counter(c["taille"] for c in communes)
    by_cross = Counter((c["reg_nom"], c["taille"]) for c in communes)
    population = sum(int(c["population"]) for c in communes)
    population_2023 = sum(int(c["population"]) for c in communes if c["pop_annee"] == "2023")
    region_rows = [("region", r, by_region[r]) for r in regions]
    size_rows = [("taille", s, by_size[s]) for s in sizes]
    cross_rows = [("region*taille", f"{r}*{s}", by_cross[(r, s)]) for r in regions for s in sizes]

    # EPCI (region of the seat, legal nature, size class of the PMUN 2023 of the members).
    epci_by_region = Counter(region_of_code[e["reg_siege"]] for e in epci)
    epci_by_nature = Counter(e["nature_juridique"] for e in epci)
    epci_by_size = Counter(size_class(int(e["population"]), EPCI_SIZES) for e in epci)
    epci_region_rows = [("region", r, epci_by_region[r]) for r in regions]
    epci_nature_rows = [("nature", n, epci_by_nature[n]) for n in EPCI_NATURES]
    epci_size_rows = [("taille", s, epci_by_size[s]) for s in epci_sizes]

    # Départements.
    dep_by_region = Counter(d["reg_nom"] for d in deps)
    dep_by_size = Counter(size_class(int(d["population"]), DEPARTEMENT_SIZES) for d in deps)
    dep_region_rows = [("region", r, dep_by_region[r]) for r in regions]
    dep_size_rows = [("taille", s, dep_by_size[s]) for s in dep_sizes]

    files = {
        "communes_region.csv": region_rows,
        "communes_taille.csv": size_rows,
        "communes_region_x_taille.csv": cross_rows,
        "communes_region_taille.csv": region_rows + size_rows,
        "communes_default.csv": region_rows + size_rows + cross_rows,
        "communes_population.csv": [("population", "", population)] + region_rows + size_rows,
        "epci_region.csv": epci_region_rows,
        "epci_nature.csv": epci_nature_rows,
        "epci_taille.csv": epci_size_rows,
        "epci_default.csv": epci_region_rows + epci_nature_rows,
        "departements_region.csv": dep_region_rows,
        "departements_taille.csv": dep_size_rows,
    }
    # Every categorical block of a file must add up to the number of units it counts.
    units = {"communes": len(communes), "epci": len(epci), "departements": len(deps)}
    for name, rows in files.items():
        total = units[name.split("_")[0]]
        for variable in dict.fromkeys(r[0] for r in rows if r[0] != "population"):
            s = sum(r[2] for r in rows if r[0] == variable)
            check(s == total, f"{name}: margin {variable} sums to {s}, expected {total}")

    def ordered(counter, keys):
        return {k: counter[k] for k in keys}

    summary = {
        "description": "Aggregate margins derived from the French frame of communes, EPCI and départements "
                       "by data/scripts/derive_margins.py. Counts of units, not the raw frame.",
        "source": {
            "frame": source_reference(frame),
            "inputs": {name: {"rows": n, "sha256": sha256(os.path.join(frame, name))}
                       for name, n in (("communes_extended.csv", len(communes)), ("epci.csv", len(epci)),
                                       ("departements.csv", len(deps)))},
            "producers": "INSEE (Code officiel géographique, populations légales), DGCL (EPCI perimeters)",
            "licence": "Licence Ouverte / Open Licence v2.0 (Etalab)",
        },
        "year": {
            "geography": "COG 2026",
            "population": "populations légales millésime 2023 (population municipale on 01/01/2023)",
            "population_mayotte": "census 2017",
            "epci_perimeters": "DGCL, 01/01/2025",
        },
        "communes": len(communes),
        "population": population,
        "population_excluding_mayotte": population_2023,
        "epci": len(epci),
        "departements": len(deps),
        "regions": len(regions),
        "communes_without_epci": sum(1 for c in communes if not c["epci_siren"]),
        "size_classes": {
            "communes": [f"{n} (>= {lo})" for n, lo in COMMUNE_SIZES],
            "epci": [f"{n} (>= {lo})" for n, lo in EPCI_SIZES],
            "departements": [f"{n} (>= {lo})" for n, lo in DEPARTEMENT_SIZES],
        },
        "communes_by_region": ordered(by_region, regions),
        "communes_by_taille": ordered(by_size, sizes),
        "epci_by_region": ordered(epci_by_region, regions),
        "epci_by_nature": ordered(epci_by_nature, EPCI_NATURES),
        "epci_by_taille": ordered(epci_by_size, epci_sizes),
        "departements_by_region": ordered(dep_by_region, regions),
        "departements_by_taille": ordered(dep_by_size, dep_sizes),
        "rows": {name: len(rows) for name, rows in files.items()},
    }
    out = {name: margins_text(rows) for name, rows in files.items()}
    out["frame_summary.json"] = json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
    return out


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__.strip(), file=sys.stderr)
        return 0 if len(argv) == 2 else 64
    frame = os.path.abspath(argv[1] if len(argv) == 2 else DEFAULT_FRAME)
    try:
        check(os.path.isdir(frame), f"{frame}: frame folder not found")
        outputs = derive(frame)
    except FrameError as e:
        print(f"derive_margins: error: {e}; nothing written", file=sys.stderr)
        return 1
    os.makedirs(OUT, exist_ok=True)
    for name in sorted(outputs):
        write_atomically(OUT, name, outputs[name])
    print(f"derive_margins: {len(outputs)} files written to {OUT} from {frame}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
