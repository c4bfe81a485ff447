#!/usr/bin/env bash
# On-demand Monte Carlo check of the change between two editions (ChangeMonteCarloTests): PAIRS simulated pairs
# of editions (default 1,000) with linearization, and BOOT_PAIRS pairs (default 0: none) with the bootstrap
# carried through the attrition chain (REPLICATES replicates each, default 100). Prints one line per indicator.
#   bash Benchmarks/change_coverage.sh [PAIRS] [BOOT_PAIRS] [REPLICATES]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
pairs=${1:-1000}
boot=${2:-0}
reps=${3:-100}
env_boot=()
if [ "$boot" -gt 0 ]; then env_boot=(WEIGHTING_CHANGE_BOOTSTRAP="$boot" WEIGHTING_CHANGE_REPLICATES="$reps"); fi
env WEIGHTING_CHANGE_MONTE_CARLO="$pairs" "${env_boot[@]}" swift test -c release --filter ChangeMonteCarloTests 2>&1 \
  | grep -E "CHANGE MONTE CARLO|passed|failed"
