#!/usr/bin/env python3
"""Weighting benchmarks: wall time and peak memory of weight-cli against the parse floor and peers.

Usage: python3 Benchmarks/run.py [--sizes 100000,1000000] [--work DIR]
Builds weight-cli in release mode, generates the data (nothing committed), and prints a table with ratios to
the parse floor (`weight-cli inspect`) and to R survey `rake` and Python `weightipy` when they are installed
(the script installs nothing; a missing peer is reported as 'not installed'). Then checks the performance
targets of issue #7 (TARGETS below) on the measurements of this run and prints each as held, NOT HELD or
not measured (size not run, peer not installed); the exit status is 1 when a measured target is not held.
If Benchmarks/levels.sh exists, it is run afterwards and its output printed.
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def measure(cmd, label):
    """Runs cmd under GNU time; returns (seconds, peak MiB) or None on failure."""
    full = ["/usr/bin/time", "-f", "%e %M"] + cmd
    p = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
    if p.returncode != 0:
        print(f"  {label}: failed ({p.stderr.strip().splitlines()[-2:] if p.stderr else ''})", file=sys.stderr)
        return None
    secs, kib = last.split()
    return float(secs), int(kib) / 1024


def have_r_survey():
    if not shutil.which("Rscript"):
        return False
    return subprocess.run(["Rscript", "-e", "library(survey)"], capture_output=True).returncode == 0


def have_weightipy():
    return subprocess.run([sys.executable, "-c", "import weightipy, pandas"], capture_output=True).returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--work", default=os.path.join(ROOT, ".bench"))
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    subprocess.run(["swift", "build", "-c", "release", "--product", "weight-cli"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    binpath = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()
    cli = os.path.join(binpath, "weight-cli")
    os.makedirs(args.work, exist_ok=True)
    r_ok, wp_ok = have_r_survey(), have_weightipy()
    rows = []
    for n in sizes:
        data = os.path.join(args.work, f"sample_{n}.csv")
        if not os.path.exists(data):
            subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), str(n), args.work], check=True,
                           stdout=subprocess.DEVNULL)
        m3 = os.path.join(args.work, f"margins3_{n}.csv")
        m50 = os.path.join(args.work, f"margins50_{n}.csv")
        size_mib = os.path.getsize(data) / 2**20
        out = os.path.join(args.work, f"out_{n}.csv")
        floor = measure([cli, "inspect", data], "parse floor")
        res = {"rows": n, "file MiB": size_mib, "floor": floor}
        res["rake"] = measure([cli, "calibrate", data, "--margins", m3, "--method", "raking", "--weight", "d",
                               "--output", out], "rake")
        if n <= 1_000_000:
            res["linear50"] = measure([cli, "calibrate", data, "--margins", m50, "--method", "linear", "--weight", "d",
                                       "--output", out], "linear 50")
            res["logit50"] = measure([cli, "calibrate", data, "--margins", m50, "--method", "logit", "--bounds", "0.01,100",
                                      "--weight", "d", "--output", out], "logit 50")
            variables = ",".join([f"ind{k}" for k in range(10)] + [f"x{k}" for k in range(10)])
            res["estimate"] = measure([cli, "estimate", data, "--variables", variables, "--by", "region", "--weight", "d",
                                       "--output", os.path.join(args.work, "est.csv")], "estimate 20x18")
        if n <= 1_000_000:
            res["boot500"] = measure([cli, "estimate", data, "--variables", "ind0,x0", "--weight", "d", "--margins", m3,
                                      "--variance", "bootstrap", "--replicates", "500", "--output",
                                      os.path.join(args.work, "boot.csv")], "bootstrap 500")
        res["R rake"] = measure(["Rscript", os.path.join(HERE, "rake.R"), data, m3, out], "R rake") if r_ok and n <= 1_000_000 else None
        res["weightipy"] = measure([sys.executable, os.path.join(HERE, "peers.py"), data, m3, out], "weightipy") if wp_ok and n <= 1_000_000 else None
        rows.append(res)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
    mem = next((int(l.split()[1]) // 2**20 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    print(f"\nmachine: {os.cpu_count()} cores ({cpu}), {mem} GiB; R survey {'found' if r_ok else 'not installed'}; weightipy {'found' if wp_ok else 'not installed'}\n")
    print("| rows | file MiB | task | seconds | peak MiB | x parse floor | peak / file | R rake / this | weightipy / this |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for res in rows:
        fl = res["floor"]
        for key, label in [("floor", "parse floor (inspect)"), ("rake", "raking 3 margins, CSV in/out"),
                           ("linear50", "linear, 50 constraints"), ("logit50", "logit [0.01,100], 50 constraints"),
                           ("estimate", "estimate 20 vars x 18 domains"), ("boot500", "bootstrap 500 re-calibrated"),
                           ("R rake", "R survey rake (peer)"), ("weightipy", "weightipy rake (peer)")]:
            if key not in res:
                continue
            v = res[key]
            if v is None:
                if key in ("R rake", "weightipy"):
                    print(f"| {res['rows']} | {res['file MiB']:.1f} | {label} | not installed or skipped | | | | | |")
                continue
            ratio = f"{v[0] / fl[0]:.2f}" if fl else ""
            rr = wr = ""
            if key == "rake":
                if res.get("R rake"):
                    rr = f"{res['R rake'][0] / v[0]:.1f}"
                if res.get("weightipy"):
                    wr = f"{res['weightipy'][0] / v[0]:.1f}"
            print(f"| {res['rows']} | {res['file MiB']:.1f} | {label} | {v[0]:.2f} | {v[1]:.0f} | {ratio} | {v[1] / res['file MiB']:.2f} | {rr} | {wr} |")
    return rows


# Performance targets (issue #7), each checked on one row size: (description, rows, function of the results
# of that size returning (measured value as text, held?) or None when the run did not measure it).
def _ratio(res, key, base, limit, larger_is_better=False):
    a, b = res.get(key), res.get(base)
    if not a or not b:
        return None
    r = b[0] / a[0] if larger_is_better else a[0] / b[0]
    return (f"{r:.2f}x", r >= limit if larger_is_better else r <= limit)


TARGETS = [
    ("raking 1M rows end to end <= 2x the parse floor", 1_000_000, lambda r: _ratio(r, "rake", "floor", 2.0)),
    ("raking 1M rows >= 10x faster than R survey rake", 1_000_000, lambda r: _ratio(r, "rake", "R rake", 10.0, True)),
    ("raking 1M rows >= 3x faster than weightipy", 1_000_000, lambda r: _ratio(r, "rake", "weightipy", 3.0, True)),
    ("raking 1M rows: peak memory <= 1.5x the file", 1_000_000,
     lambda r: (f"{r['rake'][1] / r['file MiB']:.2f}x", r["rake"][1] / r["file MiB"] <= 1.5) if r.get("rake") else None),
    ("raking 10M rows <= 2x the parse floor", 10_000_000, lambda r: _ratio(r, "rake", "floor", 2.0)),
    ("bootstrap, 500 re-calibrated replicates on 100k rows < 10 s", 100_000,
     lambda r: (f"{r['boot500'][0]:.2f} s", r["boot500"][0] < 10.0) if r.get("boot500") else None),
    ("bootstrap, 500 re-calibrated replicates on 1M rows <= 30 s (issue #17)", 1_000_000,
     lambda r: (f"{r['boot500'][0]:.2f} s", r["boot500"][0] <= 30.0) if r.get("boot500") else None),
    ("bootstrap, 500 re-calibrated replicates on 1M rows <= 1 GiB (issue #17)", 1_000_000,
     lambda r: (f"{r['boot500'][1]:.0f} MiB", r["boot500"][1] <= 1024) if r.get("boot500") else None),
    ("estimate 20 variables x 18 domains on 1M rows <= 1.5x the parse floor (issue #17)", 1_000_000,
     lambda r: _ratio(r, "estimate", "floor", 1.5)),
    ("linear, 50 constraints on 1M rows < 3x the parse floor", 1_000_000, lambda r: _ratio(r, "linear50", "floor", 3.0)),
    ("logit, 50 constraints on 1M rows < 3x the parse floor", 1_000_000, lambda r: _ratio(r, "logit50", "floor", 3.0)),
]


def check_targets(rows):
    """Prints each target as held / NOT HELD / not measured; returns the number not held."""
    by_size = {res["rows"]: res for res in rows}
    failed = 0
    print("\nTargets (issues #7 and #17), on this run:")
    for text, size, check in TARGETS:
        res = by_size.get(size)
        outcome = check(res) if res else None
        if outcome is None:
            why = f"{size} rows not run" if res is None else "not measured (peer not installed or run failed)"
            print(f"  not measured  {text}: {why}")
            continue
        value, held = outcome
        failed += 0 if held else 1
        print(f"  {'held        ' if held else 'NOT HELD    '}  {text}: {value}")
    return failed


def run_levels():
    """Runs Benchmarks/levels.sh when another part of the project provides it."""
    script = os.path.join(HERE, "levels.sh")
    if os.path.exists(script):
        print("\nBenchmarks/levels.sh:")
        sys.stdout.flush()
        return subprocess.run(["bash", script], cwd=ROOT).returncode
    return 0


if __name__ == "__main__":
    results = main()
    not_held = check_targets(results)
    levels_status = run_levels()
    sys.exit(1 if not_held or levels_status else 0)
