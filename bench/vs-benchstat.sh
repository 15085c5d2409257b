#!/usr/bin/env bash
# Measures gate compare against benchstat of the same x/perf version on one large input: wall
# time and peak memory (/usr/bin/time -v), several runs each, interleaved, and prints the medians
# and gate's ratios to benchstat. It exits 1 when gate misses a target: peak RSS at most
# benchstat's, wall time at most half of benchstat's. Wall times move with whatever else the
# machine runs: measure on an otherwise idle one.
#
#   bash bench/vs-benchstat.sh [runs] [benchmarks]     # defaults: 7 runs, 5000 benchmarks
#
# The input is synthetic (bench/synth): 10 samples per benchmark and side in 3 units (sec/op,
# B/op, allocs/op), a tenth of the benchmarks 15% slower on head.
set -euo pipefail
declare -A wall rss
runs=${1:-7}
benchmarks=${2:-5000}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
go build -o "$work/gate" ./cmd/gate
go build -o "$work/benchstat" golang.org/x/perf/cmd/benchstat
go run ./bench/synth -benchmarks "$benchmarks" -slowed $((benchmarks / 10)) -out "$work/in" >/dev/null
echo "input: $benchmarks benchmarks x 10 runs x 3 units per side, $(du -ch "$work"/in/*.txt | tail -1 | cut -f1) in all"

measure() { # name command...: appends "seconds kbytes" to $work/name
  local name=$1; shift
  /usr/bin/time -v "$@" >/dev/null 2>"$work/time.txt" || true
  awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=t[n]+(n>1?t[n-1]*60:0)} /Maximum resident/ {m=$2} END {print s, m}' "$work/time.txt" >>"$work/times-$name"
}
for _ in $(seq "$runs"); do
  measure gate "$work/gate" compare --format json "$work/in/base.txt" "$work/in/head.txt"
  measure benchstat "$work/benchstat" "$work/in/base.txt" "$work/in/head.txt"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for tool in gate benchstat; do
  wall[$tool]=$(cut -d' ' -f1 "$work/times-$tool" | median)
  rss[$tool]=$(cut -d' ' -f2 "$work/times-$tool" | median)
done
printf '%-16s %12s %16s   (medians of %d runs)\n' "" "wall (s)" "peak RSS (MiB)" "$runs"
for tool in gate benchstat; do
  printf '%-16s %12.2f %16.1f\n' "$tool" "${wall[$tool]}" "$(echo "${rss[$tool]} / 1024" | bc -l)"
done
wall_ratio=$(echo "${wall[gate]} / ${wall[benchstat]}" | bc -l)
rss_ratio=$(echo "${rss[gate]} / ${rss[benchstat]}" | bc -l)
printf '%-16s %12.2f %16.2f\n' "gate/benchstat" "$wall_ratio" "$rss_ratio"
printf '%-16s %12s %16s\n' "target" "<= 0.50" "<= 1.00"
missed=0
if (($(echo "$wall_ratio > 0.5" | bc -l))); then echo "missed: wall time ratio $(printf '%.2f' "$wall_ratio") > 0.50"; missed=1; fi
if (($(echo "$rss_ratio > 1" | bc -l))); then echo "missed: peak RSS ratio $(printf '%.2f' "$rss_ratio") > 1.00"; missed=1; fi
exit $missed
