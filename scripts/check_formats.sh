#!/usr/bin/env bash
# On demand: the SPSS, Stata and SAS files calibrate writes, read back by pyreadstat (installed when missing),
# keep the input's values, labels, formats and missing definitions, and carry the weight of the CSV, bit for bit.
# Usage: bash scripts/check_formats.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
python3 -c 'import pyreadstat' 2>/dev/null || pip install -q pyreadstat
swift build --product weight-cli 2>&1 | grep -E 'error|Build complete' | tail -1
python3 scripts/check_formats.py .build/debug/weight-cli
