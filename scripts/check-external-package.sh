#!/usr/bin/env bash
# Checks Weighting from outside, as a user would: creates a Swift package in a temporary folder (outside this
# repository) that depends on this one by path, builds it, and runs a raking calibration of a small in-memory
# sample with `import Weighting`, printing the weights. Fails if the package does not build, the program fails,
# or the weights do not sum to the population (130).
# Usage: bash scripts/check-external-package.sh   (WEIGHTING_KEEP_EXTERNAL=1 keeps the temporary folder)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/weighting-external-XXXXXX")"
[ "${WEIGHTING_KEEP_EXTERNAL:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
case "$work" in "$repo"/*) echo "check-external-package: $work is inside the repository" >&2; exit 1 ;; esac
mkdir -p "$work/Sources/CalibrateExample"
cat > "$work/Package.swift" <<SWIFT
// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "CalibrateExample",
    dependencies: [.package(path: "$repo")],
    targets: [
        .executableTarget(name: "CalibrateExample", dependencies: [.product(name: "Weighting", package: "$(basename "$repo")")]),
    ]
)
SWIFT
cat > "$work/Sources/CalibrateExample/main.swift" <<'SWIFT'
import Weighting

let sample = try Table([
    "region": .categorical(["N", "N", "N", "N", "S", "S", "S", "S", "E", "E", "E", "E"]),
    "size": .categorical(["small", "small", "large", "large", "small", "small", "small", "large",
                          "small", "large", "large", "small"]),
    "d": .numeric([10, 10, 12, 12, 8, 8, 9, 15, 11, 11, 14, 9]),
])
let margins = Margins(categorical: [
    CategoricalMargin("region", ["N": 50, "S": 45, "E": 35]),
    CategoricalMargin("size", ["small": 70, "large": 60]),
])
let result = try Calibrator(margins: margins, method: .raking).calibrate(sample, weightColumn: "d")
for w in result.weights { print(w) }
let total = result.weights.reduce(0, +)
print("sum", total)
if abs(total - 130) > 1e-8 { fatalError("the weights sum to \(total), not 130") }
SWIFT
cd "$work"
swift build 2>&1 | grep -E "error|warning:|Compiling|Build complete" | grep -v "^\[" || true
swift build >/dev/null
"$(swift build --show-bin-path)/CalibrateExample"
echo "check-external-package: a package outside the repository ($work) built against Weighting by path and calibrated"
