#!/usr/bin/env bash
# Regenerates cargo-bench.txt: what "cargo bench -- --output-format bencher" prints for the
# benchmarks in ../criterion/crate, run twice and appended, as a user collects several runs
# (bencher output has one value per benchmark and run). The environment is ../criterion/gen.sh's.
set -euo pipefail
cd "$(dirname "$0")"
here=$PWD
cargo=${CARGO:-cargo}
args=()
offline=()
if [ -n "${CRATES_DIR:-}" ]; then
  args+=(--config 'source.crates-io.replace-with="vendored"' --config "source.vendored.directory=\"$CRATES_DIR\"")
  offline=(--offline)
fi
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  CARGO_TARGET_DIR=$(mktemp -d)
  trap 'rm -rf "$CARGO_TARGET_DIR" "$here/../criterion/crate/Cargo.lock"' EXIT
  export CARGO_TARGET_DIR
fi
cd ../criterion/crate
: >"$here/cargo-bench.txt"
for run in 1 2; do
  "$cargo" "${args[@]}" bench "${offline[@]}" --bench fixture -- --output-format bencher >>"$here/cargo-bench.txt"
done
