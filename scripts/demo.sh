#!/usr/bin/env bash
# The main job on the bundled data: `weight-cli demo` simulates the "Baromètre Numérique & Collectivités" on
# the real French frame (INSEE COG 2026, bundled margins), rakes wave 1 on region and size, adjusts waves 2
# and 3 for attrition, and prints truth, raw and weighted estimates with intervals; HTML report in out/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build -c release --product weight-cli >&2
"$(swift build -c release --show-bin-path)/weight-cli" demo --output-dir "${OUT_DIR:-out/demo}"
