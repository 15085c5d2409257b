#!/usr/bin/env bash
# Regenerates hyperfine.json: hyperfine --export-json for two commands, the first with a
# --command-name that ends in "-10" (which the Go format would read as GOMAXPROCS), the second
# named by its command line, which has a space.
set -euo pipefail
cd "$(dirname "$0")"
hyperfine --style none --runs 5 --warmup 1 --export-json hyperfine.json \
  --command-name nap-10 'sleep 0.01' 'sleep 0.02'
