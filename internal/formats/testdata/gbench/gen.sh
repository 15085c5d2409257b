#!/usr/bin/env bash
# Regenerates the captured Google Benchmark output of bench.cc:
#   gbench.json             --benchmark_format=json, 3 repetitions: each repetition a sample,
#                           followed by its aggregates (mean, median, stddev, cv)
#   aggregates-only.json    --benchmark_report_aggregates_only=true: only the aggregates
#   CXX  the C++ compiler (default: g++); Google Benchmark's library and headers must be installed
set -euo pipefail
cd "$(dirname "$0")"
bin=$(mktemp)
trap 'rm -f "$bin"' EXIT
"${CXX:-g++}" -O2 -std=c++17 bench.cc -o "$bin" -lbenchmark -lpthread
common=(--benchmark_min_time=0.01 --benchmark_repetitions=3)
"$bin" "${common[@]}" --benchmark_format=json >gbench.json
"$bin" "${common[@]}" --benchmark_report_aggregates_only=true --benchmark_out=aggregates-only.json --benchmark_out_format=json >/dev/null
