#!/usr/bin/env python3
"""Reference values for the distribution tests, from SciPy (an independent implementation: Boost / Cephes).

Run from this folder: python3 make_reference.py > reference.csv
Columns: distribution,param1,param2,x,kind,value (kind: cdf or quantile; for quantile, x is p).
"""
from scipy import stats

rows = []
def add(dist, p1, p2, x, kind, value):
    rows.append(f"{dist},{p1!r},{p2!r},{x!r},{kind},{value:.17g}")

for p in [1e-300, 1e-12, 1e-6, 0.01, 0.025, 0.5, 0.975, 0.999999]:
    add("normal", 0, 1, p, "quantile", stats.norm.ppf(p))
for x in [-30.0, -8.0, -1.96, 0.0, 0.5, 3.0]:
    add("normal", 0, 1, x, "cdf", stats.norm.cdf(x))
for df in [0.7, 1, 2, 3, 5, 10, 29.5, 30, 100, 1e5]:
    for p in [1e-10, 0.001, 0.025, 0.1, 0.5, 0.9, 0.975, 0.999]:
        add("t", df, 0, p, "quantile", stats.t.ppf(p, df))
    for x in [-50.0, -2.5, -0.3, 0.0, 1.7, 12.0]:
        add("t", df, 0, x, "cdf", stats.t.cdf(x, df))
for a, b in [(0.5, 0.5), (0.5, 30), (1, 1), (2, 5), (30, 0.5), (100, 1000), (1e-3, 5), (250.5, 12.25)]:
    for p in [1e-12, 1e-6, 0.025, 0.5, 0.975, 1 - 1e-9]:
        add("beta", a, b, p, "quantile", stats.beta.ppf(p, a, b))
    for x in [1e-8, 0.01, 0.3, 0.5, 0.9, 0.999]:
        add("beta", a, b, x, "cdf", stats.beta.cdf(x, a, b))
for d1, d2 in [(1, 1), (2, 10), (5, 30), (30, 5), (100, 100)]:
    for p in [0.01, 0.5, 0.95, 0.999]:
        add("f", d1, d2, p, "quantile", stats.f.ppf(p, d1, d2))
    for x in [0.1, 1.0, 4.0]:
        add("f", d1, d2, x, "cdf", stats.f.cdf(x, d1, d2))
print("distribution,param1,param2,x,kind,value")
print("\n".join(rows))
