#!/usr/bin/env bash
# Peers of `weight-cli calibrate` on the 1M-row benchmark file (issue 17 item 1), on demand:
#   bash Benchmarks/peers.sh [--runs N] [--rows N]
# Builds in release mode, generates the data as Benchmarks/run.py does (nothing committed), installs nothing
# (polars: pip install polars), then times interleaved, N rounds (default 5): weight-cli calibrate (raking on
# 3 margins, CSV in and out, every core; the reference), the same with --threads 1, the polars pipeline of Benchmarks/polars_rake.py, and
# `cat DATA > OUT` (the machine's floor), and the same copy made durable as weight-cli's outputs are (`dd ...
# conv=fsync`: the bytes on disk before it ends, as weight-cli's fsync before its rename). Prints min / median /
# CPU time and ratios to weight-cli.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 rows=1000000
while [ $# -gt 0 ]; do case "$1" in --runs) runs=$2; shift 2;; --rows) rows=$2; shift 2;; *) echo "unknown option $1" >&2; exit 1;; esac; done
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
swift build -c release --product weight-cli 2>&1 | { grep -E 'error|complete' || true; } | tail -1
cli="$(swift build -c release --show-bin-path)/weight-cli"
work=.bench
mkdir -p "$work"
[ -f "$work/sample_$rows.csv" ] || python3 Benchmarks/generate.py "$rows" "$work" >/dev/null
data="$work/sample_$rows.csv" margins="$work/margins3_$rows.csv"
commands=("weight-cli=$cli calibrate $data --margins $margins --method raking --weight d --output $work/out_cli.csv"
          "weight-cli-1-thread=$cli calibrate $data --margins $margins --method raking --weight d --threads 1 --output $work/out_cli1.csv"
          "cat=sh -c 'cat $data > $work/out_cat.csv'"
          "cat-fsync=dd if=$data of=$work/out_dd.csv bs=1M conv=fsync status=none")
if python3 -c 'import polars' 2>/dev/null; then
    commands+=("polars=python3 Benchmarks/polars_rake.py $data $margins $work/out_polars.csv")
else
    echo "polars not installed (pip install polars): peer skipped" >&2
fi
echo "$rows rows, $(du -m "$data" | cut -f1) MiB; $(nproc) cores; $(uptime)"
python3 Benchmarks/interleaved.py --runs "$runs" "${commands[@]}"
cmp -s "$work/out_cli.csv" "$work/out_cli1.csv" && echo "outputs of every core and of --threads 1: identical (cmp)" \
  || { echo "outputs of every core and of --threads 1 DIFFER" >&2; exit 1; }
