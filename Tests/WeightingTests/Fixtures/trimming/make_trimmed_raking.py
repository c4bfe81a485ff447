#!/usr/bin/env python3
"""Reference for raking with trimmed weights, solved in the primal (independently of Weighting's dual Newton).

Raking of data/sample/barometre_vague1.csv (base weight d = 34875 / n) on region and size
(data/margins/communes_region_taille.csv) with every weight in [1, 30]: minimize the raking distance
sum_i d_i (g_i log g_i - g_i + 1) (Deville & Särndal 1992, case 2) subject to the margins and
1/d <= g_i <= 30/d. Records of one region x size cell share g (the problem is symmetric and strictly convex),
so the unknowns are the cell ratios. Solved with scipy's interior-point trust-constr (scipy 1.17). R survey's calibrate(calfun =
"raking", bounds = c(1, 30), bounds.const = TRUE) does not converge on this problem (eps 0.41 after 500
iterations), hence this reference. Writes trimmed_raking_1_30.csv: region, taille, respondents, weight.
Usage: python3 Tests/WeightingTests/Fixtures/trimming/make_trimmed_raking.py (from the repository root)
"""
import csv
import os

import numpy as np
from scipy.optimize import minimize

HERE = os.path.dirname(os.path.abspath(__file__))
rows = list(csv.DictReader(open("data/sample/barometre_vague1.csv", encoding="utf-8")))
margins = list(csv.DictReader(open("data/margins/communes_region_taille.csv", encoding="utf-8")))
N, n = 34875.0, len(rows)
d = N / n
count = {}
for r in rows:
    count[(r["region"], r["taille"])] = count.get((r["region"], r["taille"]), 0) + 1
cells = sorted(count)
k = np.array([count[c] for c in cells], dtype=float)
A = np.array([[1.0 if c[0 if m["variable"] == "region" else 1] == m["level"] else 0.0 for c in cells] for m in margins])
t = np.array([float(m["target"]) for m in margins])
lo, hi = 1.0 / d, 30.0 / d


def objective(g):
    return float(np.sum(k * d * (g * np.log(g) - g + 1))) / N


def gradient(g):
    return k * d * np.log(g) / N


constraints = {"type": "eq", "fun": lambda g: (A @ (k * d * g) - t) / t, "jac": lambda g: A * (k * d) / t[:, None]}
start = np.clip(np.ones(len(cells)), lo, hi)
from scipy.optimize import Bounds, LinearConstraint
res = minimize(objective, start, jac=gradient, hess=lambda g: np.diag(k * d / g / N), bounds=Bounds(lo, hi),
               constraints=[LinearConstraint(A * (k * d) / t[:, None], 1, 1)], method="trust-constr",
               options={"gtol": 1e-14, "xtol": 1e-15, "barrier_tol": 1e-14, "maxiter": 20000})
g = res.x
assert res.success, res.message
worst = np.max(np.abs(A @ (k * d * g) - t) / t)
print(f"trust-constr: {res.nit} iterations, max relative margin error {worst:.2e}, weights in [{d * g.min():.6f}, {d * g.max():.6f}]")
with open(os.path.join(HERE, "trimmed_raking_1_30.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["region", "taille", "respondents", "weight"])
    for c, kc, gc in zip(cells, k, g):
        w.writerow([c[0], c[1], int(kc), repr(float(d * gc))])
