#!/usr/bin/env python3
"""Interleaved timing of a few commands on a shared machine (issue 17): each round runs every command once, in
turn, so load changes hit them alike; prints min, median and max wall seconds, peak MiB, the median CPU time
(user + system, steadier than wall time when other jobs share the cores), and the ratios of the minima and of
the medians to the first command (the reference measured in the same run), with the load
average before and after.

Used by Benchmarks/peers.sh and Benchmarks/levels_ratio.sh; also usable alone:
  interleaved.py --runs 5 'label=command line' 'label2=command line' ...
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys


def run_once(cmd):
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {shlex.join(cmd)}\n{p.stderr[-2000:]}")
    secs, kib, user, system = last.split()
    return float(secs), int(kib) / 1024, float(user) + float(system)


def measure(commands, runs):
    """commands: list of (label, argv). Returns {label: [(wall s, peak MiB, CPU s = user + system), ...]}."""
    times = {label: [] for label, _ in commands}
    for _ in range(runs):
        for label, cmd in commands:
            times[label].append(run_once(cmd))
    return times


def report(commands, times):
    load = os.getloadavg()
    ref = commands[0][0]
    rmin = min(t for t, _, _ in times[ref])
    rmed = statistics.median(t for t, _, _ in times[ref])
    rcpu = statistics.median(c for _, _, c in times[ref])
    print(f"| task | runs | min s | median s | max s | peak MiB | CPU s (median) | min / {ref} | median / {ref} "
          f"| CPU / {ref} |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, _ in commands:
        ts = [t for t, _, _ in times[label]]
        cpu = statistics.median(c for _, _, c in times[label])
        mib = max(m for _, m, _ in times[label])
        print(f"| {label} | {len(ts)} | {min(ts):.3f} | {statistics.median(ts):.3f} | {max(ts):.3f} | {mib:.0f} | "
              f"{cpu:.3f} | {min(ts) / rmin:.2f} | {statistics.median(ts) / rmed:.2f} | {cpu / rcpu:.2f} |")
    print(f"\nload average after the runs (1, 5, 15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"{os.cpu_count()} cores")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("commands", nargs="+", help="label=command line")
    a = ap.parse_args()
    commands = []
    for c in a.commands:
        label, _, line = c.partition("=")
        commands.append((label, shlex.split(line)))
    l0 = os.getloadavg()
    print(f"load average before (1, 5, 15 min): {l0[0]:.2f} {l0[1]:.2f} {l0[2]:.2f}")
    report(commands, measure(commands, a.runs))


if __name__ == "__main__":
    main()
