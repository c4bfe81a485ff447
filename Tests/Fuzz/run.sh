#!/usr/bin/env bash
# Fuzzes the CSV reader (whole-file, and chunked against whole-file), the margins parser and the batch-file interpretation with libFuzzer (Swift's
# -sanitize=fuzzer,address), RUNS executions each (default 1,000,000). A crash leaves its input in
# Tests/Fuzz/crashes/<target>/ and makes the script fail; add it as a regression case to the bad-input corpus.
# Usage: bash Tests/Fuzz/run.sh [RUNS]   (FUZZ_TARGETS="batch" to run some targets only)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/install-deps.sh
runs="${1:-1000000}"
work=".build-fuzz"
mkdir -p "$work" Tests/Fuzz/crashes
# Build from a snapshot of the sources, so that editing them while the fuzzers run does not break the builds.
rm -rf "$work/src" && mkdir -p "$work/src" && cp -r Sources Tests/Fuzz/*.swift "$work/src/"
lib=$(find "$work/src/Sources/Weighting" -name '*.swift' | sort)
common=(-sanitize=fuzzer,address -parse-as-library -O -module-name Weighting -I $work/src/Sources/CLapack
        -Xcc -fmodule-map-file=$work/src/Sources/CLapack/module.modulemap -llapack -lblas)
status=0
for target in ${FUZZ_TARGETS:-csv stream margins batch}; do
  case $target in
    csv) extra=($work/src/FuzzCSV.swift) ;;
    stream) extra=($work/src/FuzzStream.swift) ;;
    margins) extra=($work/src/FuzzMargins.swift) ;;
    batch) extra=($work/src/FuzzBatch.swift $work/src/Sources/weight-cli/BatchJobs.swift) ;;
  esac
  echo "building fuzz-$target" >&2
  swiftc "${common[@]}" $lib "${extra[@]}" -o "$work/fuzz-$target" 2>"$work/build-$target.log" || { cat "$work/build-$target.log" >&2; exit 1; }
  mkdir -p "$work/corpus-$target" "Tests/Fuzz/crashes/$target"
  cp Tests/Fuzz/corpus/${target/stream/csv}/* "$work/corpus-$target/" 2>/dev/null || true
  start=$(date +%s)
  n="$runs"
  # The differential stream target writes and reads files for every input: a tenth of the runs.
  if [ "$target" = stream ]; then n=$((runs / 10)); fi
  if "$work/fuzz-$target" -runs="$n" -max_len=4096 -artifact_prefix="Tests/Fuzz/crashes/$target/" \
       "$work/corpus-$target" > "$work/fuzz-$target.log" 2>&1; then
    echo "fuzz-$target: $(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$work/fuzz-$target.log" | tail -1)s, no crash ($(($(date +%s) - start)) s)"
  else
    echo "fuzz-$target: CRASH, see $work/fuzz-$target.log and Tests/Fuzz/crashes/$target/" >&2
    tail -30 "$work/fuzz-$target.log" >&2
    status=1
  fi
done
exit $status
