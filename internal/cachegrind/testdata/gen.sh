#!/bin/sh
# Remakes the real cachegrind outputs the tests read: BenchmarkSpin of spin/, counted under
# cachegrind with the cache simulation at 1000 and 2000 iterations, as gate run --measure
# instructions counts it (Valgrind 3.19 here).
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd spin && go test -c -o "$tmp/spin.test" .)
for n in 1000 2000; do
	GODEBUG=cpu.rdtscp=off,asyncpreemptoff=1 valgrind --tool=cachegrind --cache-sim=yes \
		--I1=32768,8,64 --D1=32768,8,64 --LL=8388608,16,64 --cachegrind-out-file="spin.$n.out" \
		"$tmp/spin.test" -test.run '^$' -test.bench '^BenchmarkSpin$' -test.benchtime "${n}x" -test.cpu 1 >/dev/null 2>&1
done
