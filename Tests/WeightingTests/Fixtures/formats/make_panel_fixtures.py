"""Writes wave 2 of the bundled barometer sample as a Stata file with value labels, for the test that
`weight-cli attrition` reads SPSS and Stata waves (wave 1: barometre.sav from make_fixtures.py) and weights them
exactly as the same waves in CSV. Run from this folder: python3 make_panel_fixtures.py (pyreadstat 1.3.8,
pandas 3.x).

File:
- barometre_vague2.dta: the 644 records of data/sample/barometre_vague2.csv, region (INSEE code), taille and the
  yes/no indicators as labelled numeric codes, as in barometre.sav.
"""
import pandas as pd
import pyreadstat

from make_fixtures_codes import REGIONS, TAILLES, YESNO

raw = pd.read_csv("../../../../data/sample/barometre_vague2.csv", dtype={"code_insee": str})
coded = pd.DataFrame({
    "code_insee": raw["code_insee"],
    "region": raw["region"].map(REGIONS).astype(float),
    "taille": raw["taille"].map({t: k + 1 for k, t in enumerate(TAILLES)}).astype(float),
    "population": raw["population"].astype(float),
})
for v in YESNO:
    coded[v] = raw[v].map({"non": 0, "oui": 1}).astype(float)
coded["score_maturite"] = raw["score_maturite"].astype(float)
labels = {
    "region": {float(c): r for r, c in REGIONS.items()},
    "taille": {float(k + 1): t for k, t in enumerate(TAILLES)},
}
for v in YESNO:
    labels[v] = {0.0: "non", 1.0: "oui"}
pyreadstat.write_dta(coded, "barometre_vague2.dta", variable_value_labels=labels, version=15,
                     file_label="Barometre Numerique & Collectivites, vague 2")
