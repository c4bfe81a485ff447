#!/usr/bin/env python3
"""Benchmarks of issue 11 item 3 (memory and time with many levels), run once on demand.

Usage: levels.py [--rows N] [--work DIR] [--cli PATH]
Generates a sample of N rows (default 1,000,000; nothing committed) with a region (18 levels), a size class
(6), a 100-level and a 100,000-level code, a 35,000-level commune, a numeric y and a 0/1 indicator, and
margins for raking on region + size + the 100-level code, and on region + size + the 100,000-level code.
Measures with GNU time (wall seconds, peak RSS):
  - raking with the 100-level margin and with the 100,000-level margin (target: ratio <= 2);
  - estimate --by commune (35,000 domains), means of y and ind (target: peak RSS < 1 GiB), then the same
    after raking on region + size + the 100-level code (variance with calibration residuals).
Prints one table; the ratios come from the same run.
"""
import argparse
import os
import random
import re
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--rows", type=int, default=1_000_000)
ap.add_argument("--work", default="/tmp/weighting-levels-bench")
ap.add_argument("--cli", default=".build/release/weight-cli")
args = ap.parse_args()
os.makedirs(args.work, exist_ok=True)
n = args.rows
rng = random.Random(11)
data = os.path.join(args.work, f"levels_{n}.csv")
big, small, communes = 100_000, 100, 35_000
if not os.path.exists(data):
    with open(data, "w") as f:
        f.write("id,region,size,g100,g100k,commune,y,ind,d\n")
        chunk = []
        for i in range(n):
            r = rng.randrange(18)
            s = rng.randrange(6)
            # every level of the big codes present: the first records run through them
            gk = i if i < big else rng.randrange(big)
            c = i if i < communes else rng.randrange(communes)
            y = round(rng.gauss(50 + 3 * s, 10), 2)
            ind = 1 if rng.random() < 0.2 + 0.1 * s else 0
            chunk.append(f"{i},R{r:02d},S{s},G{rng.randrange(small):03d},K{gk:06d},C{c:05d},{y},{ind},10\n")
            if len(chunk) >= 100_000:
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk))
N = 10.0 * n

def counts(col):
    out = {}
    with open(data) as f:
        header = f.readline().rstrip("\n").split(",")
        j = header.index(col)
        for line in f:
            v = line.split(",")[j]
            out[v] = out.get(v, 0) + 1
    return out

def write_margins(path, columns):
    with open(path, "w") as f:
        f.write("variable,level,target\n")
        for col in columns:
            c = counts(col)
            levels = sorted(c)
            tilt = [1 + 0.3 * ((k * 7) % 5) / 4 for k in range(len(levels))]
            tot = sum(c[l] * t for l, t in zip(levels, tilt))
            for l, t in zip(levels, tilt):
                f.write(f"{col},{l},{c[l] * t / tot * N!r}\n")

m100 = os.path.join(args.work, f"margins_g100_{n}.csv")
m100k = os.path.join(args.work, f"margins_g100k_{n}.csv")
if not os.path.exists(m100):
    write_margins(m100, ["region", "size", "g100"])
if not os.path.exists(m100k):
    write_margins(m100k, ["region", "size", "g100k"])

def measure(cmd, label):
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", r.stderr).group(1)
    parts = [float(p) for p in wall.split(":")]
    secs = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) > 2 else 0)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)) / 1024
    if r.returncode != 0:
        print(f"{label}: exit {r.returncode}\n{r.stderr[-2000:]}", file=sys.stderr)
    return secs, rss, r.returncode

out = os.path.join(args.work, "out.csv")
rows = []
rk100 = measure([args.cli, "calibrate", data, "--margins", m100, "--method", "raking", "--weight", "d", "-o", out, "--quiet"],
                "raking, 100-level margin")
rk100k = measure([args.cli, "calibrate", data, "--margins", m100k, "--method", "raking", "--weight", "d", "-o", out, "--quiet"],
                 "raking, 100,000-level margin")
est = measure([args.cli, "estimate", data, "--variables", "y,ind", "--by", "commune", "--weight", "d", "-o",
               os.path.join(args.work, "est.csv")], "estimate --by commune")
estcal = measure([args.cli, "estimate", data, "--variables", "y,ind", "--by", "commune", "--weight", "d", "--margins", m100,
                  "--method", "raking", "-o", os.path.join(args.work, "estcal.csv")], "estimate --by commune, raked")
print(f"rows {n:,}")
print(f"{'task':<48} {'seconds':>8} {'peak MiB':>9} {'exit':>4}")
print(f"{'raking region+size+100-level margin':<48} {rk100[0]:8.2f} {rk100[1]:9.0f} {rk100[2]:4d}")
print(f"{'raking region+size+100,000-level margin':<48} {rk100k[0]:8.2f} {rk100k[1]:9.0f} {rk100k[2]:4d}")
print(f"{'estimate y,ind --by commune (35,000 domains)':<48} {est[0]:8.2f} {est[1]:9.0f} {est[2]:4d}")
print(f"{'same, raked on region+size+100-level margin':<48} {estcal[0]:8.2f} {estcal[1]:9.0f} {estcal[2]:4d}")
ratio = rk100k[0] / rk100[0]
print(f"100,000 levels / 100 levels time ratio: {ratio:.2f} (target <= 2): {'ok' if ratio <= 2 else 'MISSED'}")
print(f"estimate --by 35,000 domains peak RSS: {est[1]:.0f} MiB (target < 1024): {'ok' if est[1] < 1024 else 'MISSED'}")
