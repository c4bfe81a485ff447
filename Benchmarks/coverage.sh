#!/usr/bin/env bash
# On-demand Monte Carlo check: coverage of 95% intervals after raking over 1,000 simulated biased samples.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
WEIGHTING_MONTE_CARLO=1 swift test -c release --filter "MonteCarlo|AttritionSimulation" 2>&1 | grep -E "MONTE CARLO|ATTRITION|passed|failed"
