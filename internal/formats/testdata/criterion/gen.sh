#!/usr/bin/env bash
# Regenerates out/: the JSON files gate reads from the target/criterion directory that
# "cargo bench" leaves behind for the benchmarks in crate/ (Criterion.rs 0.3), and nothing else.
#
#   CARGO       the cargo to run (default: cargo)
#   CRATES_DIR  a directory of vendored crates ("cargo vendor" output) to build from, offline
#   CARGO_TARGET_DIR  reuse a build (default: a temporary directory, removed afterwards)
set -euo pipefail
cd "$(dirname "$0")"
here=$PWD
cargo=${CARGO:-cargo}
args=()
if [ -n "${CRATES_DIR:-}" ]; then
  args+=(--config 'source.crates-io.replace-with="vendored"' --config "source.vendored.directory=\"$CRATES_DIR\"")
  offline=(--offline)
else
  offline=()
fi
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  CARGO_TARGET_DIR=$(mktemp -d)
  trap 'rm -rf "$CARGO_TARGET_DIR" "$here/crate/Cargo.lock"' EXIT
  export CARGO_TARGET_DIR
fi
rm -rf "$CARGO_TARGET_DIR/criterion"
(cd crate && "$cargo" "${args[@]}" bench "${offline[@]}" --bench fixture)
rm -rf out
cd "$CARGO_TARGET_DIR/criterion"
# Each benchmark's latest run: new/sample.json (the samples) and new/benchmark.json (its id).
find . -path '*/new/sample.json' -o -path '*/new/benchmark.json' | sort | while read -r f; do
  mkdir -p "$here/out/$(dirname "$f")"
  cp "$f" "$here/out/$f"
done
