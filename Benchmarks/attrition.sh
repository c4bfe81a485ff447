#!/usr/bin/env bash
# attrition benchmark (issue 17 item 2), on demand:
#   bash Benchmarks/attrition.sh [ROWS] [BEFORE_BINARY]
# Data from Benchmarks/panel.py in /tmp/weighting-attrition-bench (wave 1 of ROWS records, default 1,000,000;
# waves 2 and 3 with about 30% and 27% of them, newcomers; a long file of the three). Runs the release build in
# .build-release streamed (the shipped path) and with WEIGHTING_STREAM=0 (the whole-file path, same binary), and
# BEFORE_BINARY when given, on separate wave files and on the long file; prints wall time and peak RSS
# (/usr/bin/time -v) and checks with cmp that every output equals the whole-file path's.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
before=${2:-}
swift build -c release --scratch-path .build-release --product weight-cli 2>&1 | { grep -E 'error|Build complete' || true; } | tail -1
cli="$(swift build -c release --scratch-path .build-release --show-bin-path)/weight-cli"
work=/tmp/weighting-attrition-bench
[ -f "$work/long_$rows.csv" ] || python3 Benchmarks/panel.py "$rows" "$work" --long
ls -lL "$work"/*_"$rows".csv | awk '{ printf "%s %.1f MiB\n", $NF, $5 / 1048576 }'
common=(--id id --covariates region,size,maturity --margins "$work/margins_$rows.csv" --calibrate-to-wave1 site_web --weight d)
separate=(--wave1 "$work/wave1_$rows.csv" --wave "$work/wave2_$rows.csv" --wave "$work/wave3_$rows.csv")
long=(--long "$work/long_$rows.csv" --wave-column vague)
run() {  # label, binary, environment (or -), output folder, arguments...
  local label=$1 bin=$2 env=$3 out=$4; shift 4
  rm -rf "$out"
  if [ "$env" = - ]; then env=IGNORED=1; fi
  env "$env" /usr/bin/time -v "$bin" attrition "$@" --output-dir "$out" --report "$out/report.json" 2> "$out.time" >/dev/null
  printf '%-28s wall %8s  peak RSS %6d MiB\n' "$label" "$(grep -oP 'Elapsed.*: \K.*' "$out.time")" \
    $(( $(grep -oP 'Maximum resident set size \(kbytes\): \K[0-9]+' "$out.time") / 1024 ))
}
same() {  # folder, reference folder
  for f in "$2"/*; do cmp "$f" "$1/$(basename "$f")" || return 1; done
  echo "  $(basename "$1"): every output identical to $(basename "$2")"
}
for shape in separate long; do
  if [ $shape = separate ]; then args=("${separate[@]}" "${common[@]}"); else args=("${long[@]}" "${common[@]}"); fi
  [ -n "$before" ] && run "$shape: before binary" "$before" - "$work/out-$shape-before" "${args[@]}"
  run "$shape: whole (STREAM=0)" "$cli" WEIGHTING_STREAM=0 "$work/out-$shape-whole" "${args[@]}"
  run "$shape: streamed" "$cli" - "$work/out-$shape-streamed" "${args[@]}"
  same "$work/out-$shape-streamed" "$work/out-$shape-whole"
  [ -n "$before" ] && same "$work/out-$shape-streamed" "$work/out-$shape-before"
done
