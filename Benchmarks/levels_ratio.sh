#!/usr/bin/env bash
# Many-levels ratio (issue 11 item 3), on demand: bash Benchmarks/levels_ratio.sh [--runs N]
# Times raking on 1M rows with region + size + a 100-level margin (the reference) and with region + size + a
# 100,000-level margin, interleaved, N rounds (default 7), with the data of Benchmarks/levels.py; target:
# ratio of the medians <= 2.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=7
[ "${1:-}" = "--runs" ] && runs=$2
swift build -c release --product weight-cli 2>&1 | { grep -E 'error|complete' || true; } | tail -1
cli="$(swift build -c release --show-bin-path)/weight-cli"
work=/tmp/weighting-levels-bench
[ -f "$work/margins_g100k_1000000.csv" ] || python3 Benchmarks/levels.py --cli "$cli" >/dev/null
data="$work/levels_1000000.csv"
echo "$(nproc) cores; $(uptime)"
python3 Benchmarks/interleaved.py --runs "$runs" \
  "100 levels=$cli calibrate $data --margins $work/margins_g100_1000000.csv --method raking --weight d --output $work/r100.csv" \
  "100,000 levels=$cli calibrate $data --margins $work/margins_g100k_1000000.csv --method raking --weight d --output $work/r100k.csv"
