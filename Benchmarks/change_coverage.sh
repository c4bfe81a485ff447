#!/usr/bin/env bash
# On-demand Monte Carlo check of the change between two editions (ChangeMonteCarlo, issue 13): PAIRS simulated
# pairs of editions (default 1,000) with linearization, and BOOT_PAIRS pairs (default 0: none) with the bootstrap
# carried through the attrition chain (REPLICATES replicates each, default 100). Prints one Markdown table per
# method (bias, empirical SD, mean panel and independent-samples SEs, coverages with their Monte Carlo SE).
# Runs `weight-cli demo --change-monte-carlo` from a release build in .build-release.
#   bash Benchmarks/change_coverage.sh [PAIRS] [BOOT_PAIRS] [REPLICATES]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-1000}
boot=${2:-0}
reps=${3:-100}
swift build -c release --product weight-cli --scratch-path .build-release >/dev/null
BIN="$(swift build -c release --scratch-path .build-release --show-bin-path)/weight-cli"
"$BIN" demo --change-monte-carlo "$pairs" --quiet
if [ "$boot" -gt 0 ]; then
  echo
  "$BIN" demo --change-monte-carlo "$boot" --change-replicates "$reps" --quiet
fi
