#!/usr/bin/env python3
"""Compares two weight-cli binaries on the benchmark tasks (same data, same run, interleaved).

Usage: python3 Benchmarks/compare_builds.py BEFORE AFTER [--sizes 1000000] [--repeat 3] [--work DIR]

Generates the data of Benchmarks/run.py if missing, then runs every task with each binary in turn, `--repeat`
times, and prints the minimum wall time, CPU time (user + system) and peak memory (GNU time) of each with the ratio after / before. The
machine is shared and noisy: interleaving and taking the minimum compares the programs, not the moments.
Used to measure the build without `-Ounchecked` against the one with it (README, Performance).
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def measure(cmd):
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr}")
    secs, kib, user, system = p.stderr.strip().splitlines()[-1].split()
    return float(secs), int(kib) / 1024, float(user) + float(system)


def tasks(n, work):
    data = os.path.join(work, f"sample_{n}.csv")
    m3, m50 = os.path.join(work, f"margins3_{n}.csv"), os.path.join(work, f"margins50_{n}.csv")
    out = os.path.join(work, f"cmp_out_{n}.csv")
    variables = ",".join([f"ind{k}" for k in range(10)] + [f"x{k}" for k in range(10)])
    t = [("parse floor (inspect)", ["inspect", data]),
         ("raking 3 margins, CSV in/out", ["calibrate", data, "--margins", m3, "--method", "raking", "--weight", "d", "--output", out])]
    if n <= 1_000_000:
        t += [("linear, 50 constraints", ["calibrate", data, "--margins", m50, "--method", "linear", "--weight", "d", "--output", out]),
              ("logit [0.01,100], 50 constraints", ["calibrate", data, "--margins", m50, "--method", "logit", "--bounds", "0.01,100",
                                                    "--weight", "d", "--output", out]),
              ("estimate 20 vars x 18 domains", ["estimate", data, "--variables", variables, "--by", "region", "--weight", "d",
                                                 "--output", os.path.join(work, "cmp_est.csv")])]
    if n <= 100_000:
        t += [("bootstrap 500 re-calibrated", ["estimate", data, "--variables", "ind0,x0", "--weight", "d", "--margins", m3,
                                               "--variance", "bootstrap", "--replicates", "500", "--output",
                                               os.path.join(work, "cmp_boot.csv")])]
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--sizes", default="1000000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=os.path.join(os.path.dirname(HERE), ".bench"))
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    print(f"before: {args.before}\nafter:  {args.after}\nminimum of {args.repeat} interleaved runs\n")
    print("| rows | task | before s | after s | after / before | before CPU s | after CPU s | CPU after / before | before MiB | after MiB |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in [int(s) for s in args.sizes.split(",")]:
        if not os.path.exists(os.path.join(args.work, f"sample_{n}.csv")):
            subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), str(n), args.work], check=True,
                           stdout=subprocess.DEVNULL)
        for label, cmd in tasks(n, args.work):
            runs = {"before": [], "after": []}
            for _ in range(args.repeat):
                for key in ("before", "after"):
                    runs[key].append(measure([getattr(args, key)] + cmd))
            b, a = min(r[0] for r in runs["before"]), min(r[0] for r in runs["after"])
            bm, am = min(r[1] for r in runs["before"]), min(r[1] for r in runs["after"])
            bc, ac = min(r[2] for r in runs["before"]), min(r[2] for r in runs["after"])
            print(f"| {n} | {label} | {b:.2f} | {a:.2f} | {a / b:.2f} | {bc:.2f} | {ac:.2f} | {ac / bc:.2f} | {bm:.0f} | {am:.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()
