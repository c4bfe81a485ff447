#!/usr/bin/env python3
"""Peer for the benchmark (issue 17): raking with polars, written the way a skilled polars user would.

Usage: polars_rake.py DATA MARGINS OUT [--weight d] [--tolerance 1e-10] [--max-sweeps 100]

read_csv (all cores, the margin columns read as text), group_by the cells (one row per combination of
margin levels, with the sum of the base weights), iterative proportional fitting on the cells (one vectorised
join + group_by per margin and sweep, until every margin is met to the tolerance), join the cell factors
back onto the records, write_csv with the new column `weight` = d x factor. Needs `pip install polars`.
"""
import argparse
import sys

import polars as pl

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("margins")
ap.add_argument("out")
ap.add_argument("--weight", default="d")
ap.add_argument("--tolerance", type=float, default=1e-10)
ap.add_argument("--max-sweeps", type=int, default=100)
a = ap.parse_args()

margins = pl.read_csv(a.margins, schema_overrides={"level": pl.String, "target": pl.Float64})
variables = margins["variable"].unique(maintain_order=True).to_list()
targets = {
    v: margins.filter(pl.col("variable") == v).select(pl.col("level").alias(v), pl.col("target"))
    for v in variables
}

df = pl.read_csv(a.data, schema_overrides={v: pl.String for v in variables})
cells = df.group_by(variables).agg(pl.col(a.weight).sum().alias("s")).with_columns(f=pl.lit(1.0))

for sweep in range(a.max_sweeps):
    worst = 0.0
    for v in variables:
        tot = cells.group_by(v).agg((pl.col("s") * pl.col("f")).sum().alias("tot")).join(targets[v], on=v)
        worst = max(worst, ((tot["target"] - tot["tot"]).abs() / (1 + tot["target"].abs())).max())
        ratio = tot.select(v, (pl.col("target") / pl.col("tot")).alias("r"))
        cells = cells.join(ratio, on=v, how="left").with_columns(f=pl.col("f") * pl.col("r")).drop("r")
    if worst < a.tolerance:
        break
else:
    sys.exit(f"raking did not converge in {a.max_sweeps} sweeps")

out = df.join(cells.select(*variables, "f"), on=variables, how="left", maintain_order="left")
out = out.with_columns(weight=pl.col(a.weight) * pl.col("f")).drop("f")
out.write_csv(a.out)
