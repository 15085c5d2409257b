#!/usr/bin/env bash
# Writes ../base.txt and ../head.txt: ten interleaved runs of this module's benchmarks built
# without and with the slower tag (only Sum64/16B changes), as real go test output.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
go test -c -o "$tmp/base.test" .
go test -c -tags slower -o "$tmp/head.test" .
: >../base.txt
: >../head.txt
for i in $(seq 10); do
  "$tmp/base.test" -test.run '^$' -test.bench . -test.benchmem -test.benchtime 200ms >>../base.txt
  "$tmp/head.test" -test.run '^$' -test.bench . -test.benchmem -test.benchtime 200ms >>../head.txt
done
rm -rf "$tmp"
