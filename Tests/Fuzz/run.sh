#!/usr/bin/env bash
# Fuzzes with libFuzzer (Swift's -sanitize=fuzzer,address), RUNS executions per target (default 1,000,000):
#   csv         the CSV reader (typed columns, then the writer)
#   stream      the chunked reading of `calibrate` against the whole-file reader (differential; a tenth of RUNS)
#   margins     the margins parser, followed by calibrations
#   batch       the batch-file interpretation (JSON)
#   batch-text  the YAML and TOML batch paths end to end (Yams / TOMLKit, interpretation, output templates)
# Each run writes a short log to Tests/Fuzz/logs/<UTC date>-<target>.log (commit it: the README's figures come
# from these logs). A crash leaves its input in Tests/Fuzz/crashes/<target>/ and makes the script fail; add it
# as a regression case to the bad-input corpus and to Tests/Fuzz/corpus/<target>/.
# Usage: bash Tests/Fuzz/run.sh [RUNS]   (FUZZ_TARGETS="batch batch-text" to run some targets only)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/install-deps.sh
runs="${1:-1000000}"
work="${FUZZ_WORK:-.build-fuzz}"  # FUZZ_WORK=.build-fuzz2 to run two sets of targets at once
mkdir -p "$work" Tests/Fuzz/crashes Tests/Fuzz/logs
# Build from a snapshot of the sources, so that editing them while the fuzzers run does not break the builds.
snapshot="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' with uncommitted changes')"
rm -rf "$work/src" && mkdir -p "$work/src" && cp -r Sources Tests/Fuzz/*.swift "$work/src/"
# The library modules are compiled as one module (Weighting) with the fuzz target: their imports of each other
# are dropped from the snapshot.
find "$work/src" -name '*.swift' -exec sed -i -E '/^import Weighting(IO|Reports|Simulation)?$/d' {} +
lib=$(find "$work/src/Sources/Weighting" "$work/src/Sources/WeightingIO" "$work/src/Sources/WeightingReports" -name '*.swift' | sort)
common=(-sanitize=fuzzer,address -parse-as-library -O -module-name Weighting -package-name Weighting -I $work/src/Sources/CLapack
        -Xcc -fmodule-map-file=$work/src/Sources/CGLPK/module.modulemap -lglpk
        -Xcc -fmodule-map-file=$work/src/Sources/CReadStat/module.modulemap -lreadstat
        -Xcc -fmodule-map-file=$work/src/Sources/CXLSXWriter/module.modulemap -lxlsxwriter
        -Xcc -fmodule-map-file=$work/src/Sources/CLapack/module.modulemap -llapack -lblas
        -Xcc -fmodule-map-file=$work/src/Sources/CLibcExtras/module.modulemap)

# Yams (with libyaml) and TOMLKit (with toml++), instrumented too, for the batch-text target.
deps="${FUZZ_DEPS:-$work/deps}"
co=.build/checkouts
parsers=()
build_parsers() {
  [ -d "$co/Yams" ] && [ -d "$co/TOMLKit" ] || swift package resolve >/dev/null
  mkdir -p "$deps"
  local yinc=$co/Yams/Sources/CYaml/include tinc=$co/TOMLKit/Sources/CTOML/include f o
  # The C and C++ objects are kept between runs (toml++ is slow to compile); delete .build-fuzz/deps to rebuild.
  for f in $co/Yams/Sources/CYaml/src/*.c; do
    o="$deps/cyaml-$(basename "$f" .c).o"
    [ -f "$o" ] || clang -c -O1 -g -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_EXPORT -I "$yinc" "$f" -o "$o" || return 1
  done
  for f in $co/TOMLKit/Sources/CTOML/Sources/*.cpp; do
    o="$deps/ctoml-$(basename "$f" .cpp | tr -c 'A-Za-z0-9\n' _).o"
    [ -f "$o" ] || clang++ -c -O1 -g -std=c++17 -fsanitize=fuzzer-no-link,address -DTOML_EXCEPTIONS=1 -I "$tinc" \
      -I "$tinc/CTOML" "$f" -o "$o" || return 1
  done
  local yams=() toml=()
  mapfile -t yams < <(find $co/Yams/Sources/Yams -name '*.swift' | sort)
  mapfile -t toml < <(find $co/TOMLKit/Sources/TOMLKit -name '*.swift' | sort)
  swiftc -sanitize=fuzzer,address -parse-as-library -O -wmo -swift-version 5 -D SWIFT_PACKAGE -module-name Yams -c \
    -emit-module -emit-module-path "$deps/Yams.swiftmodule" -Xcc -fmodule-map-file=$yinc/module.modulemap \
    "${yams[@]}" -o "$deps/swift-Yams.o" || return 1
  swiftc -sanitize=fuzzer,address -parse-as-library -O -wmo -swift-version 5 -D SWIFT_PACKAGE -module-name TOMLKit -c \
    -emit-module -emit-module-path "$deps/TOMLKit.swiftmodule" -Xcc -fmodule-map-file=$tinc/CTOML/module.modulemap \
    "${toml[@]}" -o "$deps/swift-TOMLKit.o" || return 1
  parsers=(-I "$deps" -Xcc -fmodule-map-file=$yinc/module.modulemap -Xcc -fmodule-map-file=$tinc/CTOML/module.modulemap
           "$deps"/*.o -lstdc++)
}

status=0
for target in ${FUZZ_TARGETS:-csv stream margins batch batch-text}; do
  case $target in
    csv) extra=($work/src/FuzzCSV.swift) ;;
    stream) extra=($work/src/FuzzStream.swift) ;;
    margins) extra=($work/src/FuzzMargins.swift) ;;
    batch) extra=($work/src/FuzzBatch.swift $work/src/Sources/weight-cli/BatchFile.swift) ;;
    batch-text)
      echo "building Yams and TOMLKit for fuzzing" >&2
      build_parsers > "$work/build-parsers.log" 2>&1 || { cat "$work/build-parsers.log" >&2; exit 1; }
      extra=($work/src/FuzzBatchText.swift $work/src/Sources/weight-cli/BatchFile.swift
             $work/src/Sources/weight-cli/BatchFile+Parsing.swift $work/src/Sources/weight-cli/JSONParseProblem.swift "${parsers[@]}") ;;
    *) echo "unknown fuzz target '$target' (csv, stream, margins, batch, batch-text)" >&2; exit 1 ;;
  esac
  echo "building fuzz-$target" >&2
  swiftc "${common[@]}" $lib "${extra[@]}" -o "$work/fuzz-$target" 2>"$work/build-$target.log" || { cat "$work/build-$target.log" >&2; exit 1; }
  mkdir -p "$work/corpus-$target" "Tests/Fuzz/crashes/$target"
  seeds="Tests/Fuzz/corpus/${target/stream/csv}"
  cp "$seeds"/* "$work/corpus-$target/"
  start=$(date +%s)
  n="$runs"
  # The differential stream target writes and reads files for every input: a tenth of the runs.
  if [ "$target" = stream ]; then n=$((runs / 10)); fi
  log="Tests/Fuzz/logs/$(date -u +%Y-%m-%dT%H%MZ)-$target.log"
  # TOMLKit leaks its error message (strdup in tableCreateFromString, about 100 bytes) on every TOML parse error,
  # found by this target's first run (Tests/Fuzz/logs/2026-12-01T2217Z-batch-text.log); a third-party leak that is
  # harmless in a one-shot command, so leak detection is off for this target only.
  leaks=()
  if [ "$target" = batch-text ]; then leaks=(-detect_leaks=0); fi
  if "$work/fuzz-$target" -runs="$n" -max_len=4096 "${leaks[@]}" -artifact_prefix="Tests/Fuzz/crashes/$target/" \
       "$work/corpus-$target" > "$work/fuzz-$target.log" 2>&1; then
    result="no crash"
  else
    result="CRASH, input saved in Tests/Fuzz/crashes/$target/"
    status=1
  fi
  seconds=$(($(date +%s) - start))
  {
    echo "target: $target"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "sources: commit $snapshot, at the start of the script"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "seeds: $(ls "$seeds" | wc -l) files in $seeds"
    echo "requested runs: $n, max_len 4096 ${leaks[*]}"
    echo "result: $result"
    echo "wall seconds: $seconds"
    echo "--- libFuzzer (first and last lines) ---"
    grep -E '^(INFO: Seed|INFO: Loaded|INFO:.*files found)' "$work/fuzz-$target.log" | head -5 || true
    grep -E '^#[0-9]+' "$work/fuzz-$target.log" | tail -3 || true
    grep -E '^(Done|stat::|==[0-9]+==ERROR|SUMMARY)' "$work/fuzz-$target.log" || true
  } > "$log"
  if [ $status -ne 0 ] && [ "$result" != "no crash" ]; then tail -30 "$work/fuzz-$target.log" >> "$log"; fi
  echo "fuzz-$target: $(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$work/fuzz-$target.log" | tail -1)s, $result ($seconds s); log $log"
  [ "$result" = "no crash" ] || tail -30 "$work/fuzz-$target.log" >&2
done
exit $status
