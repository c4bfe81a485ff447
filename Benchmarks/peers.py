#!/usr/bin/env python3
"""Peer implementation for the benchmark: weightipy raking, CSV in, CSV out. Usage: peers.py DATA MARGINS3 OUT"""
import sys
import pandas as pd
import weightipy as wp

data, margins, out = sys.argv[1:4]
df = pd.read_csv(data, dtype={"region": str, "size": str, "type": str})
m = pd.read_csv(margins)
targets = {}
for var, g in m.groupby("variable"):
    total = g["target"].sum()
    targets[var] = {lv: 100.0 * t / total for lv, t in zip(g["level"], g["target"])}
scheme = wp.scheme_from_dict(targets)
weighted = wp.weight_dataframe(df, scheme, weight_column="weight")
weighted["weight"] = weighted["weight"] * (m.groupby("variable")["target"].sum().iloc[0] / len(df))
weighted.to_csv(out, index=False)
