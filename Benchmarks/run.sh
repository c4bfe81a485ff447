#!/usr/bin/env bash
# Benchmarks (on demand): python3 Benchmarks/run.py; BENCH_SIZES=100000,1000000,10000000 for the 10M run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
python3 Benchmarks/run.py --sizes "${BENCH_SIZES:-100000,1000000}"
