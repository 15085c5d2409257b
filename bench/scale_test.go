// Package bench holds benchgate's own benchmarks, one file per area: execution (parsing the
// config, reading a damaged --out directory), scale (parsing throughput, compare from 10 to 5,000 benchmarks, with
// the live heap's growth over repeated comparisons and the allocations per compared benchmark at
// 1,000), real-world scenarios (a whole gate run, rendering a comment), the baseline store
// (recording a commit, reading back 1,000 records) and trends (change points in a 1,000-commit
// history). They run with go test -bench, and benchgate gates this repository's pull requests on
// them. Every benchmark uses b.Loop, so each costs one -benchtime (500ms in the workflows,
// 100ms in the README's first command), which keeps the suite under five minutes when gate run runs it for both
// sides: a measurement that would cost another benchmark is reported beside one that runs the
// same loop.
package bench

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/synth"
)

// suite returns the base and head results of n benchmarks, 10 samples each, in 3 units (sec/op,
// B/op, allocs/op), a tenth of them 10% slower on head.
func suite(b *testing.B, n int) (base, head []byte) {
	b.Helper()
	var bb, hb bytes.Buffer
	spec := synth.Spec{Benchmarks: n, Runs: 10, Slowed: n / 10, Slowdown: 1.10, MinCV: 0.02, MaxCV: 0.05, OutlierRate: 0.02, Memory: true, Seed: 1}
	if err := synth.Write(spec, &bb, &hb); err != nil {
		b.Fatal(err)
	}
	return bb.Bytes(), hb.Bytes()
}

func inputs(base, head []byte) []compare.Input {
	return []compare.Input{
		{Name: "base.txt", R: bytes.NewReader(base), Side: report.Base},
		{Name: "head.txt", R: bytes.NewReader(head), Side: report.Head},
	}
}

// BenchmarkParse measures reading and grouping benchmark results, in MB/s of input.
func BenchmarkParse(b *testing.B) {
	base, head := suite(b, 5000)
	b.SetBytes(int64(len(base) + len(head)))
	for b.Loop() {
		if _, err := compare.Read(inputs(base, head)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompare measures gate compare's work without its file I/O: read, compare, give
// verdicts and encode the JSON report, at growing suite sizes.
//
// At 1,000 benchmarks it also reports how much the live heap grows per run once warmed up
// (heap-growth-B/op: a leak shows as growth, a healthy run as about zero) and what one compared
// benchmark costs in allocations, encoding included (allocs/comparison). They are measured on the
// same loop: a benchmark of their own would cost the suite another -benchtime per run and side.
func BenchmarkCompare(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 5000} {
		b.Run(fmt.Sprintf("benchmarks=%d", n), func(b *testing.B) {
			base, head := suite(b, n)
			cfg := config.Default()
			run := func() int {
				rep, err := compare.Compare(inputs(base, head), cfg)
				if err != nil {
					b.Fatal(err)
				}
				if err := report.Write(io.Discard, rep); err != nil {
					b.Fatal(err)
				}
				return len(rep.Comparisons)
			}
			heap := n == 1000
			var before runtime.MemStats
			if heap {
				for range 3 { // warm up: caches and pools settle
					run()
				}
				runtime.GC()
				runtime.ReadMemStats(&before)
			}
			iterations, comparisons := 0, 0
			for b.Loop() {
				comparisons += run()
				iterations++
			}
			if heap {
				var after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(iterations), "heap-growth-B/op")
				b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(comparisons), "allocs/comparison")
			}
		})
	}
}
