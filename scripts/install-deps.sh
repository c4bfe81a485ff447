#!/usr/bin/env bash
# Installs the Debian packages Weighting needs, only when missing: LAPACK, BLAS and GLPK, ReadStat (SPSS, Stata,
# SAS files) and libxlsxwriter (Excel workbooks), all linked by the library, and pkg-config; with the argument
# `browser` (as scripts/test.sh does) also Chromium, in which the test suite renders the HTML reports and asserts on
# the DOM. Usage: source scripts/install-deps.sh [browser]
need=()
pkgs=(liblapack-dev libblas-dev libglpk-dev pkg-config libreadstat-dev libxlsxwriter-dev)
[ "${1:-}" = browser ] && pkgs+=(chromium)
for pkg in "${pkgs[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
