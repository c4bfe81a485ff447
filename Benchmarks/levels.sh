#!/usr/bin/env bash
# Many-levels benchmark (issue 11 item 3), on demand: bash Benchmarks/levels.sh [--rows N]
# Builds in release mode, then runs Benchmarks/levels.py (GNU time for wall time and peak RSS).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
command -v /usr/bin/time >/dev/null || apt-get install -y time >/dev/null
swift build -c release --product weight-cli 2>&1 | { grep -E 'error|Compiling|complete' || true; } | tail -1
python3 Benchmarks/levels.py --cli .build/release/weight-cli "$@"
