"""On demand (bash scripts/check_formats.sh): the files calibrate writes, read back by pyreadstat (another
ReadStat binding) and by R haven when it is installed, hold the input's values, value labels, variable labels,
formats and user-missing definitions, plus the weight with its label; and the weights equal, bit for bit, those
calibrated from the same data as CSV.
"""
import os, subprocess, sys, tempfile
import numpy as np
import pandas as pd
import pyreadstat

cli = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/weight-cli"
fx = "Tests/WeightingTests/Fixtures/formats/"
margins = "data/margins/communes_region_taille.csv"
tmp = tempfile.mkdtemp(prefix="weighting-formats-check-")
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)
        print("FAIL", what)


def calibrate(data, out, extra=()):
    subprocess.run([cli, "calibrate", data, "--margins", margins, "-o", out, "--quiet", *extra], check=True)


ref = os.path.join(tmp, "ref.csv")
calibrate(fx + "barometre.csv", ref)
w_ref = pd.read_csv(ref, usecols=["weight"])["weight"].to_numpy()

for ext, reader in [("sav", pyreadstat.read_sav), ("zsav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta),
                    ("xpt", pyreadstat.read_xport), ("sas7bdat", pyreadstat.read_sas7bdat)]:
    out = os.path.join(tmp, "w." + ext)
    calibrate(fx + "barometre.sav", out)
    src, m0 = pyreadstat.read_sav(fx + "barometre.sav", user_missing=True)
    got, m1 = reader(out, **({"user_missing": True} if ext in ("sav", "zsav") else {}))
    w = got["weight"].to_numpy()
    check(np.array_equal(w.view(np.uint64), w_ref.view(np.uint64)), f"{ext}: weights bit for bit equal to the CSV's")
    check(m1.column_names_to_labels.get("weight") == "Calibration weight: raking on region, taille", f"{ext}: weight label")
    for c in src.columns:
        a, b = src[c], got[c]
        if pd.api.types.is_float_dtype(a) and pd.api.types.is_float_dtype(b):
            same = np.array_equal(a.to_numpy(), b.to_numpy(), equal_nan=True)
        else:
            same = list(a.astype(str)) == list(b.astype(str))
        check(same, f"{ext}: values of {c}")
        if ext in ("sav", "zsav", "dta"):
            check(m0.column_names_to_labels[c] == m1.column_names_to_labels[c], f"{ext}: label of {c}")
            check(m0.variable_value_labels.get(c) == m1.variable_value_labels.get(c), f"{ext}: value labels of {c}")
        if ext in ("sav", "zsav"):
            check(m0.original_variable_types[c] == m1.original_variable_types[c], f"{ext}: format of {c}")
            check(m0.missing_ranges.get(c) == m1.missing_ranges.get(c), f"{ext}: missing values of {c}")
    print(f"{ext}: {len(got)} records, {len(got.columns)} variables read back by pyreadstat")

# haven's own user-missing and tagged missing values survive a round trip.
for name, reader, kw in [("haven.sav", pyreadstat.read_sav, {"user_missing": True}), ("haven.dta", pyreadstat.read_dta, {"user_missing": True})]:
    out = os.path.join(tmp, "h-" + name)
    mfile = os.path.join(tmp, "m.csv")
    open(mfile, "w").write("variable,level,target\nregion,Auvergne-Rhône-Alpes,4025\nregion,Occitanie,4446\n"
                           "region,Île-de-France,1266\nregion,Provence-Alpes-Côte d'Azur,946\n")
    subprocess.run([cli, "calibrate", fx + name, "--margins", mfile, "-o", out, "--quiet"], check=True)
    a, ma = reader(fx + name, **kw)
    b, mb = reader(out, **kw)
    for c in a.columns:
        check(list(a[c].astype(str)) == list(b[c].astype(str)), f"{name}: values of {c} (user-missing kept)")
    check(ma.missing_ranges == mb.missing_ranges, f"{name}: missing definitions")
    check(ma.variable_value_labels == mb.variable_value_labels, f"{name}: value labels")
    print(f"{name}: read back with user-missing values and labels")

print("OK" if not problems else f"{len(problems)} problems")
sys.exit(1 if problems else 0)
