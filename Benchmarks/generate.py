#!/usr/bin/env python3
"""Generates a benchmark sample and its margins (nothing is committed).

Usage: generate.py ROWS OUT_DIR
Writes OUT_DIR/sample_ROWS.csv (18 regions, 6 size classes, 5 types, 10 indicators 0/1, 10 numeric scores, a
base weight), OUT_DIR/margins3_ROWS.csv (region, size, type counts for raking) and OUT_DIR/margins50_ROWS.csv
(region 18 + size*type 30 + 2 numeric totals = 50 constraints).
"""
import os
import random
import sys

rows = int(sys.argv[1])
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
rng = random.Random(rows)
regions = [f"R{r:02d}" for r in range(18)]
sizes = [f"S{s}" for s in range(6)]
types = [f"T{t}" for t in range(5)]
pop = {"region": {}, "size": {}, "type": {}, "size*type": {}}
N = rows * 10
rw = [1 + (r % 5) for r in range(18)]
sw = [6, 5, 4, 3, 2, 1]
tw = [5, 4, 3, 2, 1]
path = os.path.join(out, f"sample_{rows}.csv")
sums = [0.0, 0.0]
with open(path, "w") as f:
    f.write("id,region,size,type," + ",".join(f"ind{k}" for k in range(10)) + "," + ",".join(f"x{k}" for k in range(10)) + ",d\n")
    chunk = []
    for i in range(rows):
        r = rng.choices(range(18), rw)[0]
        s = rng.choices(range(6), sw)[0]
        t = rng.choices(range(5), tw)[0]
        inds = ["1" if rng.random() < 0.2 + 0.1 * s else "0" for _ in range(10)]
        xs = [round(rng.gauss(50 + 5 * s, 10), 2) for _ in range(10)]
        sums[0] += xs[0]
        sums[1] += xs[1]
        chunk.append(f"{i},{regions[r]},{sizes[s]},{types[t]}," + ",".join(inds) + "," + ",".join(map(str, xs)) + ",10\n")
        if len(chunk) >= 100000:
            f.write("".join(chunk))
            chunk = []
    f.write("".join(chunk))
# Population margins: a rebalanced population (uniform-ish regions), N = 10 x rows.
def shares(k):
    w = [1.0 + 0.5 * ((j * 7) % 3) for j in range(k)]
    return [x / sum(w) for x in w]
with open(os.path.join(out, f"margins3_{rows}.csv"), "w") as f:
    f.write("variable,level,target\n")
    for name, levels in (("region", regions), ("size", sizes), ("type", types)):
        for lv, sh in zip(levels, shares(len(levels))):
            f.write(f"{name},{lv},{sh * N!r}\n")
with open(os.path.join(out, f"margins50_{rows}.csv"), "w") as f:
    f.write("variable,level,target\n")
    for lv, sh in zip(regions, shares(18)):
        f.write(f"region,{lv},{sh * N!r}\n")
    ss, ts = shares(6), shares(5)
    for a, sa in zip(sizes, ss):
        for b, tb in zip(types, ts):
            f.write(f"size*type,{a}*{b},{sa * tb * N!r}\n")
    f.write(f"x0,,{sums[0] * 10 * 1.02!r}\n")
    f.write(f"x1,,{sums[1] * 10 * 0.99!r}\n")
print(path)
