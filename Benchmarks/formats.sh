#!/usr/bin/env bash
# calibrate on a 1M-row SPSS .sav against the same data as CSV (issue 16), on demand:
#   bash Benchmarks/formats.sh [--rows N] [--repeat K]
# Builds in release mode (in .build-release, so that it does not lock the debug build), installs pyreadstat (to write the .sav) and GNU time when missing, then runs
# Benchmarks/formats.py.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
command -v /usr/bin/time >/dev/null || apt-get install -y time >/dev/null
python3 -c 'import pyreadstat' 2>/dev/null || pip install -q pyreadstat
swift build -c release --scratch-path .build-release --product weight-cli 2>&1 | { grep -E 'error|Compiling|complete' || true; } | tail -1
python3 Benchmarks/formats.py --cli .build-release/release/weight-cli "$@"
