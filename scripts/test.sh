#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine as root: installs LAPACK/BLAS and Chromium if missing
# (the HTML reports are rendered in headless Chromium), builds, runs every test, and fails if any test or
# suite was skipped. The Monte Carlo coverage and the attrition simulation run reduced (250 and 120 draws);
# WEIGHTING_MONTE_CARLO=1 bash scripts/test.sh runs the full ones of the README (1,000 and 500 draws).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh browser
swift build --build-tests
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test --skip-build 2>&1 | tee "$log" || status=$?
# Swift Testing reports a skipped test or suite as '<symbol> Test "…" skipped' (or Suite), XCTest as
# "Test Case '…' skipped".
if grep -E "^[^ ]+ (Test|Suite) .*skipped|^Test Case .*skipped" "$log" >&2; then
  echo "test.sh: the tests above were skipped; every test must run in CI" >&2
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
