#!/usr/bin/env bash
# On demand: the .xlsx workbooks of estimate, compare and test, converted by LibreOffice headless, give the
# numbers of the CSV output. Installs LibreOffice Calc (no GUI, about 300 MB) when missing; not part of the test
# suite for that reason. Usage: bash scripts/check_xlsx.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
command -v libreoffice >/dev/null || { apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null; }
swift build --product weight-cli 2>&1 | grep -E 'error|Build complete' | tail -1
python3 scripts/check_xlsx.py .build/debug/weight-cli
