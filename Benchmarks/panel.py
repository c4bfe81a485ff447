#!/usr/bin/env python3
"""Generates a large three-wave panel for benchmarking `weight-cli attrition` (nothing is committed).

Usage: panel.py ROWS OUT_DIR [--long]
Writes into OUT_DIR:
  wave1_ROWS.csv   ROWS records: id, region (18), size (6), type (5), maturity (0-10), site_web (oui/non),
                   base weight d, 10 answers ind0..ind9 (0/1) and 10 scores x0..x9 (wide, as a real wave file);
  wave2_ROWS.csv   about 30% of wave 1 answering again (more often when large and mature), plus 1% newcomers;
  wave3_ROWS.csv   about 83% of wave 2's panel members, a few who skipped wave 2, plus 1% newcomers;
  margins_ROWS.csv region, size and type population counts (10 x ROWS);
  long_ROWS.csv    (with --long) the three waves in one file with a column `vague`.
Deterministic for a given ROWS.
"""
import os
import random
import sys

rows = int(sys.argv[1])
out = sys.argv[2]
write_long = "--long" in sys.argv[3:]
os.makedirs(out, exist_ok=True)
rng = random.Random(rows)
regions = [f"R{r:02d}" for r in range(18)]
sizes = [f"S{s}" for s in range(6)]
types = [f"T{t}" for t in range(5)]
rw = [1 + (r % 5) for r in range(18)]
sw = [6, 5, 4, 3, 2, 1]
tw = [5, 4, 3, 2, 1]
N = rows * 10
header = "id,region,size,type,maturity,site_web,d," + ",".join(f"ind{k}" for k in range(10)) + "," + ",".join(f"x{k}" for k in range(10))


def record(i, r, s, t, prefix="c"):
    maturity = round(rng.random() * 10, 1)
    site = "oui" if rng.random() < 0.3 + 0.05 * s else "non"
    inds = ["1" if rng.random() < 0.2 + 0.1 * s else "0" for _ in range(10)]
    xs = [f"{rng.gauss(50 + 5 * s, 10):.2f}" for _ in range(10)]
    return maturity, f"{prefix}{i},{regions[r]},{sizes[s]},{types[t]},{maturity},{site},10," + ",".join(inds) + "," + ",".join(xs)


files = {k: open(os.path.join(out, f"wave{k}_{rows}.csv"), "w") for k in (1, 2, 3)}
long = open(os.path.join(out, f"long_{rows}.csv"), "w") if write_long else None
for f in files.values():
    f.write(header + "\n")
if long:
    long.write("vague," + header + "\n")
buffers = {1: [], 2: [], 3: [], "long": []}


def emit(k, line):
    buffers[k].append(line + "\n")
    if long:
        buffers["long"].append(f"{k},{line}\n")


def flush(final=False):
    for k, f in list(files.items()) + ([("long", long)] if long else []):
        if final or len(buffers[k]) >= 100000:
            f.write("".join(buffers[k]))
            buffers[k].clear()


for i in range(rows):
    r = rng.choices(range(18), rw)[0]
    s = rng.choices(range(6), sw)[0]
    t = rng.choices(range(5), tw)[0]
    maturity, line = record(i, r, s, t)
    emit(1, line)
    p2 = min(0.95, 0.12 + 0.05 * s + 0.02 * maturity)
    in2 = rng.random() < p2
    if in2:
        emit(2, record(i, r, s, t)[1])
    if (in2 and rng.random() < 0.83) or (not in2 and rng.random() < 0.01):
        emit(3, record(i, r, s, t)[1])
    if i % 100 == 0:
        r2 = rng.choices(range(18), rw)[0]
        emit(2, record(i, r2, rng.choices(range(6), sw)[0], rng.choices(range(5), tw)[0], prefix="n2_")[1])
        emit(3, record(i, r2, rng.choices(range(6), sw)[0], rng.choices(range(5), tw)[0], prefix="n3_")[1])
    flush()
flush(final=True)
for f in files.values():
    f.close()
if long:
    long.close()

# Population counts from the same generating shares (raking margins).
with open(os.path.join(out, f"margins_{rows}.csv"), "w") as f:
    f.write("variable,level,target\n")
    for name, levels, weights in (("region", regions, rw), ("size", sizes, sw), ("type", types, tw)):
        total = sum(weights)
        counts = [round(N * w / total) for w in weights]
        counts[-1] += N - sum(counts)
        for level, c in zip(levels, counts):
            f.write(f"{name},{level},{c}\n")
