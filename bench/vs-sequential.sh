#!/usr/bin/env bash
# Measures gate run against the plain way of comparing two revisions, on the fixture module of
# gate run's end-to-end test (3 packages, 10 benchmarks; the head makes one 2x slower, one
# allocate more, one faster):
#   - gate run --count 10: build once per side, 10 interleaved rounds, compare;
#   - sequential: go test -bench . -count 10 on base, then on head, then benchstat.
# It prints each one's wall time, and gate's own accounting of its run: build time, rounds,
# and the share of the rounds spent outside the benchmark processes (gate's overhead).
#
#   bash bench/vs-sequential.sh [benchtime]      # default benchtime: 300x
set -euo pipefail
benchtime=${1:-300x}
cd "$(dirname "$0")/.."
top=$PWD
work=$(mktemp -d)
trap 'git -C "$work/repo" worktree prune 2>/dev/null; rm -rf "$work"' EXIT

go build -o "$work/gate" ./cmd/gate
go build -o "$work/benchstat" golang.org/x/perf/cmd/benchstat
mkdir "$work/repo"
cd "$work/repo"
git init -q
g() { git -c user.name=bench -c user.email=bench@example.com "$@"; }
cp -r "$top/cmd/gate/testdata/fixture/base/." .
g add -A && g commit -qm base
cp -r "$top/cmd/gate/testdata/fixture/head/." .
g add -A && g commit -qm head
export GOTOOLCHAIN=local

now() { date +%s.%N; }
gate_run() {
  local t0; t0=$(now)
  "$work/gate" run --base HEAD~1 --head HEAD --count 10 --benchtime "$benchtime" --out "$work/gate-out" >/dev/null 2>&1 || true
  echo "$(now) - $t0" | bc
}
sequential() {
  local t0; t0=$(now)
  rm -rf "$work/base" && g worktree prune
  g worktree add -q --detach "$work/base" HEAD~1
  (cd "$work/base" && go test -run '^$' -bench . -benchmem -count 10 -benchtime "$benchtime" ./... >"$work/old.txt")
  go test -run '^$' -bench . -benchmem -count 10 -benchtime "$benchtime" ./... >"$work/new.txt"
  "$work/benchstat" "$work/old.txt" "$work/new.txt" >/dev/null
  echo "$(now) - $t0" | bc
}
accounting() {
  python3 - "$work/gate-out/report.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["run"]
r, p = run["rounds_seconds"], run["processes_seconds"]
print(f"  gate run's own accounting: build {run['build_seconds']:.2f} s, {run['rounds']} rounds {r:.2f} s, "
      f"benchmark processes {p:.2f} s, overhead {100*(r-p)/r:.1f}% of the rounds")
PY
}

# Cold: each approach starts from an empty build cache. Warm: each runs again after its own
# first run (gate builds with -trimpath, so its cache entries are its own).
echo "fixture: 3 packages, 10 benchmarks, -count 10, -benchtime $benchtime"
go clean -cache
g_cold=$(gate_run); cold_accounting=$(accounting)
g_warm=$(gate_run); warm_accounting=$(accounting)
go clean -cache
s_cold=$(sequential)
s_warm=$(sequential)
printf 'cold build cache: gate run %6.2f s, go test twice + benchstat %6.2f s\n%s\n' "$g_cold" "$s_cold" "$cold_accounting"
printf 'warm build cache: gate run %6.2f s, go test twice + benchstat %6.2f s\n%s\n' "$g_warm" "$s_warm" "$warm_accounting"
