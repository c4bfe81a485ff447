#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine as root: installs LAPACK/BLAS and Chromium if missing
# (the HTML reports are rendered in headless Chromium), builds, runs every test, and fails if any test or
# suite was skipped. The Monte Carlo coverage and the attrition simulation run reduced (250 and 120 draws);
# WEIGHTING_MONTE_CARLO=1 bash scripts/test.sh runs the full ones of the README (1,000 and 500 draws).
# Then it builds the documentation (failing on any warning) and checks the package from outside
# (scripts/check-external-package.sh).
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
# The documentation of the library (DocC catalog Sources/Weighting/Weighting.docc and every doc comment) must
# build without a warning: an unresolved symbol link or an undocumented parameter fails the run.
docs=$(mktemp)
trap 'rm -f "$log" "$docs"' EXIT
swift package generate-documentation --target Weighting >"$docs" 2>&1 || { cat "$docs" >&2; status=1; }
if grep -E "warning:|error:" "$docs" >&2; then
  echo "test.sh: the documentation above has warnings; it must build without any" >&2
  [ "$status" -ne 0 ] || status=1
fi
# A package outside the repository depends on this one by path, builds and runs a calibration.
bash scripts/check-external-package.sh || status=1
exit "$status"
