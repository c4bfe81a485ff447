"""Writes the SPSS / Stata / SAS fixtures of the file-format tests with pyreadstat (and pandas for the Latin-1
Stata file), from the bundled barometer sample. Run from this folder: python3 make_fixtures.py
(pyreadstat 1.3.8, pandas 3.x). The R haven fixtures are made by make_fixtures.R.

Files:
- barometre.csv: wave 1 of the bundled sample, with its labels as text (the reference for bit-for-bit equality);
- barometre.sav / .zsav / .dta / .xpt / .por: the same records, region, taille and the yes/no indicators as
  labelled numeric codes (region by INSEE code), variable labels, a user-missing code (satisfaction 9 = "Ne sait
  pas", missing), a date, a 300-character string;
- margins_codes.csv: the region x taille margins naming levels by code instead of label;
- latin1.dta: a Stata 114 file (Latin-1 text, as pandas writes it).
"""
import datetime
import pandas as pd
import pyreadstat

REGIONS = {
    "Guadeloupe": 1, "Martinique": 2, "Guyane": 3, "La Réunion": 4, "Mayotte": 6, "Île-de-France": 11,
    "Centre-Val de Loire": 24, "Bourgogne-Franche-Comté": 27, "Normandie": 28, "Hauts-de-France": 32,
    "Grand Est": 44, "Pays de la Loire": 52, "Bretagne": 53, "Nouvelle-Aquitaine": 75, "Occitanie": 76,
    "Auvergne-Rhône-Alpes": 84, "Provence-Alpes-Côte d'Azur": 93, "Corse": 94,
}
TAILLES = ["moins de 500", "500-999", "1000-3499", "3500-9999", "10000-49999", "50000 et plus"]
YESNO = ["site_web", "feuille_de_route", "open_data", "charte_teletravail", "saas", "formation_cyber"]

raw = pd.read_csv("../../../../data/sample/barometre_vague1.csv", dtype={"code_insee": str})
n = len(raw)
# Deterministic extra variables: satisfaction 1-4 or 9 (user-missing "Ne sait pas"), a date, a long comment.
satisfaction = [9 if i % 17 == 0 else 1 + (i * 7) % 4 for i in range(n)]
dates = [datetime.date(2024, 3, 1) + datetime.timedelta(days=i % 60) for i in range(n)]
long_text = ["Commentaire n°%d : " % i + "é" * 150 + "x" * (140 - len(str(i))) if i % 50 == 0 else "" for i in range(n)]

coded = pd.DataFrame({
    "code_insee": raw["code_insee"],
    "region": raw["region"].map(REGIONS).astype(float),
    "taille": raw["taille"].map({t: k + 1 for k, t in enumerate(TAILLES)}).astype(float),
    "population": raw["population"].astype(float),
})
for v in YESNO:
    coded[v] = raw[v].map({"non": 0, "oui": 1}).astype(float)
coded["score_maturite"] = raw["score_maturite"].astype(float)
coded["satisfaction"] = [float(s) for s in satisfaction]
coded["date_reponse"] = dates
coded["commentaire"] = long_text

text = raw.copy()
text["satisfaction"] = [None if s == 9 else s for s in satisfaction]
text["date_reponse"] = [d.isoformat() for d in dates]
text["commentaire"] = long_text
text.to_csv("barometre.csv", index=False)

labels = {
    "region": {float(c): r for r, c in REGIONS.items()},
    "taille": {float(k + 1): t for k, t in enumerate(TAILLES)},
    "satisfaction": {1.0: "Pas du tout", 2.0: "Plutôt pas", 3.0: "Plutôt", 4.0: "Tout à fait", 9.0: "Ne sait pas"},
}
for v in YESNO:
    labels[v] = {0.0: "non", 1.0: "oui"}
column_labels = {
    "code_insee": "Code INSEE de la commune", "region": "Région", "taille": "Taille de la commune (habitants)",
    "population": "Population municipale", "score_maturite": "Score de maturité numérique (0-100)",
    "satisfaction": "Satisfaction à l'égard de l'accompagnement", "date_reponse": "Date de la réponse",
    "commentaire": "Commentaire libre",
}
column_labels.update({v: "Indicateur : " + v.replace("_", " ") for v in YESNO})
names = list(coded.columns)
col_labels = [column_labels[c] for c in names]
formats = {"population": "F8.0", "score_maturite": "F5.1", "region": "F2.0", "taille": "F1.0", "satisfaction": "F1.0"}

pyreadstat.write_sav(coded, "barometre.sav", column_labels=col_labels, variable_value_labels=labels,
                     missing_ranges={"satisfaction": [9]}, variable_format=formats,
                     variable_measure={"region": "nominal", "taille": "ordinal", "population": "scale"},
                     file_label="Barometre Numerique & Collectivites, vague 1", row_compress=True)
pyreadstat.write_sav(coded, "barometre.zsav", column_labels=col_labels, variable_value_labels=labels,
                     missing_ranges={"satisfaction": [9]}, compress=True)
# Stata: value labels on integer codes; Stata has no user-missing codes, so satisfaction 9 stays a value here.
pyreadstat.write_dta(coded.head(600), "barometre.dta", column_labels=col_labels, variable_value_labels=labels, version=15)
pyreadstat.write_xport(coded.drop(columns=["commentaire"]), "barometre.xpt",
                       column_labels=col_labels[:-1], table_name="BAROM")
# SPSS portable files take names of at most 8 characters.
pyreadstat.write_por(coded[["region", "taille", "saas", "score_maturite"]].rename(columns={"score_maturite": "score"}),
                     "barometre.por")

# The margins naming region and taille by code.
m = pd.read_csv("../../../../data/margins/communes_region_taille.csv")
m["level"] = [str(REGIONS[l]) if v == "region" else str(TAILLES.index(l) + 1) for v, l in zip(m["variable"], m["level"])]
m.to_csv("margins_codes.csv", index=False)

# Latin-1: pandas writes Stata 114 text in Latin-1.
small = pd.DataFrame({"region": raw["region"].head(40), "taille": raw["taille"].head(40),
                      "population": raw["population"].head(40).astype(float)})
small.to_stata("latin1.dta", version=114, write_index=False,
               variable_labels={"region": "Région", "taille": "Taille de la commune"})
small.to_csv("latin1.csv", index=False)
