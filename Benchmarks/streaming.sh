#!/usr/bin/env bash
# Streaming benchmark (issue 17 item 2), on demand:
#   bash Benchmarks/streaming.sh [--runs N] [--sizes 1000000,10000000] [--replicates 500]
# Release build in .build-release; data from Benchmarks/generate.py in /tmp/weighting-streaming-bench (25 columns:
# 18 regions, 10 indicators, 10 scores, a weight). For each size, interleaved (Benchmarks/interleaved.py, the
# parse floor `weight-cli inspect` first, as the reference of the ratios):
#   - estimate of 20 variables x 18 domains (linearization), streamed (the shipped path) and read whole
#     (WEIGHTING_STREAM=0, the path before streaming, same binary);
#   - on the first size only: 500 re-calibrated bootstrap replicates of ind0 and x0 after raking on 3 margins.
# 10M rows run once per command (each takes about a minute). Targets (issue 17): estimate on 1M rows <= 1.5x the
# parse floor; 10M rows, 20 variables x 18 domains, in <= 1 GiB; 500 replicates on 1M rows <= 30 s and <= 1 GiB.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5; sizes=1000000,10000000; replicates=500
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --replicates) replicates=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--sizes N,N] [--replicates R]" >&2; exit 1 ;;
  esac
done
swift build -c release --scratch-path .build-release --product weight-cli 2>&1 | { grep -E 'error|Compiling|Build complete' || true; } | tail -1
cli="$(swift build -c release --scratch-path .build-release --show-bin-path)/weight-cli"
work=/tmp/weighting-streaming-bench
mkdir -p "$work"
variables=ind0,ind1,ind2,ind3,ind4,ind5,ind6,ind7,ind8,ind9,x0,x1,x2,x3,x4,x5,x6,x7,x8,x9
echo "$(nproc) cores; $(uptime)"
first=1
for n in ${sizes//,/ }; do
  data="$work/sample_$n.csv"
  [ -f "$data" ] || python3 Benchmarks/generate.py "$n" "$work" >/dev/null
  echo
  echo "## $n rows, $(du -m "$data" | cut -f1) MiB"
  r=$runs
  [ "$n" -ge 10000000 ] && r=1
  python3 Benchmarks/interleaved.py --runs "$r" \
    "parse floor (inspect)=$cli inspect $data" \
    "estimate 20x18, streamed=$cli estimate $data --variables $variables --by region --weight d --output $work/est_stream.csv" \
    "estimate 20x18, read whole=env WEIGHTING_STREAM=0 $cli estimate $data --variables $variables --by region --weight d --output $work/est_whole.csv"
  cmp "$work/est_stream.csv" "$work/est_whole.csv" && echo "outputs identical (cmp)"
  if [ $first = 1 ] && [ "$n" -le 1000000 ]; then
    first=0
    echo
    echo "### $replicates re-calibrated bootstrap replicates, $n rows"
    python3 Benchmarks/interleaved.py --runs 1 \
      "parse floor (inspect)=$cli inspect $data" \
      "bootstrap $replicates, raking on 3 margins=$cli estimate $data --variables ind0,x0 --weight d --margins $work/margins3_$n.csv --method raking --variance bootstrap --replicates $replicates --output $work/boot.csv"
  fi
done
