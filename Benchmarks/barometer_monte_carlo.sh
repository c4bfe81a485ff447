#!/usr/bin/env bash
# On-demand Monte Carlo of the barometer demo (issue 18): SEEDS seeds (default 200) of both scenarios
# (self-selected, and missing at random), each redrawing the population's maturity, answers and the three waves;
# prints mean absolute biases of the raw, raked, frame-adjusted and attrition-adjusted estimates per wave and the
# coverage of the 95% intervals (two-phase and one-phase for waves 2-3), the coverage with each indicator's mean bias
# removed and |bias|/SE (bias or variance?), and the Monte Carlo SE of the coverages. Release build in .build-release;
# a seed whose wave-1 raking is impossible (an overseas region without respondent) is skipped and counted.
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS="${SEEDS:-200}"
swift build -c release --product weight-cli --scratch-path .build-release >/dev/null
BIN="$(swift build -c release --scratch-path .build-release --show-bin-path)/weight-cli"
for scenario in self-selected mar; do
  "$BIN" demo --monte-carlo "$SEEDS" --seed 1 --scenario "$scenario" --quiet
  echo
done
