#!/usr/bin/env bash
# What `--measure both` does with a regression only time can see: a b.RunParallel benchmark whose
# head packs its goroutines' counters into one cache line (false sharing). The instructions are
# the same on both sides, and so are the simulated caches (cachegrind simulates one core), but on
# more than one core every increment fights for the line. It prints gate run's table of sec/op,
# instructions/op and est-cycles/op. Linux with valgrind, at least 2 cores.
#
#   bash bench/both/both.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/benchgate-both-XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
go build -o "$work/gate" ./cmd/gate

repo=$work/repo
mkdir -p "$repo"
printf 'module example.com/shared\n\ngo 1.24\n' >"$repo/go.mod"
counters() { # $1: bytes between two goroutines' counters
	cat >"$repo/shared_test.go" <<GO
package shared

import (
	"sync/atomic"
	"testing"
)

// slots are the goroutines' counters, $1 bytes apart.
var slots [64 * $1 / 8]uint64
var next atomic.Int64

func BenchmarkCounters(b *testing.B) {
	b.RunParallel(func(pb *testing.PB) {
		slot := &slots[(next.Add(1)%64)*$1/8]
		for pb.Next() {
			for range 100 {
				atomic.AddUint64(slot, 1)
			}
		}
	})
}
GO
}
git -C "$repo" init -q
counters 64
git -C "$repo" add -A && git -C "$repo" -c user.name=t -c user.email=t@example.com commit -q -m "base: a cache line per counter"
counters 8
git -C "$repo" add -A && git -C "$repo" -c user.name=t -c user.email=t@example.com commit -q -m "head: counters side by side"
chmod -R a+rX "$work"
cd "$repo"
"$work/gate" run --base HEAD~1 --head HEAD --measure both --count 5 --max-count 5 --no-profile || true
