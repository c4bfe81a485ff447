#!/usr/bin/env python3
"""Draws the bundled demo sample: a biased wave-1 sample of French communes with barometer-like answers.

Deterministic (seeded). Reads the real frame (INSEE COG 2026, populations légales 2023) from
../shared/data/communes_extended.csv and writes data/sample/barometre_vague1.csv and its truth file
data/sample/barometre_truth.csv (population rates of each indicator, computed on the whole frame with the
same answer model, so the correction can be checked).

Response model: communes of Nouvelle-Aquitaine, Auvergne-Rhône-Alpes and Occitanie answer about three times
as often, and larger communes more often (propensity grows with the square root of population), which yields
about 2,700 answers as in wave 1 of the Baromètre Numérique & Collectivités.
Answer model: the probability of each indicator rises with size class and a latent digital maturity.
"""
import csv
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FRAME = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data", "communes_extended.csv")
OUT = os.path.join(ROOT, "data", "sample")

SIZES = ["moins de 500", "500-999", "1000-3499", "3500-9999", "10000-49999", "50000 et plus"]
OVER = {"75", "76", "84"}  # Nouvelle-Aquitaine, Occitanie, Auvergne-Rhône-Alpes
DROM = {"01", "02", "03", "04", "06"}  # overseas regions: few communes, boosted so each has respondents
# Indicator: (intercept on the logit scale, effect per size class step, effect of maturity)
INDICATORS = {
    "site_web": (-0.2, 0.55, 0.9),
    "feuille_de_route": (-2.6, 0.50, 1.1),
    "open_data": (-3.4, 0.65, 1.0),
    "charte_teletravail": (-2.9, 0.60, 0.8),
    "saas": (-1.2, 0.35, 0.9),
    "formation_cyber": (-2.2, 0.45, 1.2),
}


def expit(x):
    return 1.0 / (1.0 + math.exp(-x))


def main():
    rng = random.Random(20261122)
    with open(FRAME, newline="", encoding="utf-8") as f:
        frame = list(csv.DictReader(f))
    if len(frame) != 34875:
        sys.exit(f"expected 34,875 communes in {FRAME}, found {len(frame)}")
    truth_sum = {k: 0.0 for k in INDICATORS}
    truth_by_wave = {wave: {k: 0.0 for k in INDICATORS} for wave in (1, 2, 3)}
    rows = []
    members = []  # wave-1 respondents, for the later waves
    for c in frame:
        size = SIZES.index(c["taille"])
        maturity = rng.gauss(0.0, 1.0)
        probs = {k: expit(a + b * size + m * maturity) for k, (a, b, m) in INDICATORS.items()}
        for k, p in probs.items():
            truth_sum[k] += p
        for wave in (1, 2, 3):
            for k, (a, b, m) in INDICATORS.items():
                truth_by_wave[wave][k] += expit(a + b * size + m * maturity + 0.3 * (wave - 1))
        propensity = 0.034 * (3.0 if c["reg_code"] in OVER else 4.0 if c["reg_code"] in DROM else 1.0) * math.sqrt(1 + int(c["population"]) / 1500.0)
        propensity *= 1.0 + 0.25 * maturity  # more mature communes answer more
        if rng.random() < min(max(propensity, 0.0), 0.95):
            answers = {k: ("oui" if rng.random() < p else "non") for k, p in probs.items()}
            if rng.random() < 0.02:
                answers["open_data"] = ""  # item non-response
            score = round(40 + 8 * size + 10 * maturity + rng.gauss(0, 5), 1)
            rows.append([c["code_insee"], c["reg_nom"], c["taille"], c["population"]]
                        + [answers[k] for k in INDICATORS] + [score])
            members.append((c, size, maturity, probs))
    os.makedirs(OUT, exist_ok=True)
    tmp = os.path.join(OUT, ".barometre_vague1.csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code_insee", "region", "taille", "population"] + list(INDICATORS) + ["score_maturite"])
        w.writerows(rows)
    os.replace(tmp, os.path.join(OUT, "barometre_vague1.csv"))
    tmp = os.path.join(OUT, ".barometre_truth.csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["indicator", "wave", "population_rate"])
        for wave in (1, 2, 3):
            for k in INDICATORS:
                w.writerow([k, wave, f"{truth_by_wave[wave][k] / len(frame):.6f}"])
    os.replace(tmp, os.path.join(OUT, "barometre_truth.csv"))
    # Waves 2 and 3: the same communes asked again; staying depends on size and on digital maturity (the
    # mature stay), so those who remain are not like those who left. Rates drift up by 0.3 on the logit
    # scale per wave (digital progress); the truth of wave k uses the same drift over the whole frame.
    retained = members
    header = ["code_insee", "region", "taille", "population"] + list(INDICATORS) + ["score_maturite"]
    for wave, keep_rate in [(2, 0.244), (3, 0.935)]:
        drift = 0.3 * (wave - 1)
        kept = []
        out_rows = []
        for c, size, maturity, probs in retained:
            stay = keep_rate * (0.75 + 0.08 * size) * (1 + 0.5 * max(min(maturity, 1.5), -1.5)) if wave == 2 else keep_rate
            if rng.random() < min(max(stay, 0.0), 1.0):
                kept.append((c, size, maturity, probs))
                answers = {}
                for k, (a, b, m) in INDICATORS.items():
                    answers[k] = "oui" if rng.random() < expit(a + b * size + m * maturity + drift) else "non"
                score = round(40 + 8 * size + 10 * maturity + 3 * (wave - 1) + rng.gauss(0, 5), 1)
                out_rows.append([c["code_insee"], c["reg_nom"], c["taille"], c["population"]]
                                + [answers[k] for k in INDICATORS] + [score])
        retained = kept
        tmp = os.path.join(OUT, f".barometre_vague{wave}.csv.tmp")
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(out_rows)
        os.replace(tmp, os.path.join(OUT, f"barometre_vague{wave}.csv"))
        print(f"wave {wave}: {len(out_rows)} respondents")
    print(f"{len(rows)} respondents written to {OUT}")


if __name__ == "__main__":
    main()
