#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine as root: installs LAPACK/BLAS if missing, then swift test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
