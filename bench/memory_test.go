package bench

import (
	"runtime"
	"testing"

	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
)

// BenchmarkSteadyHeap runs compare on 1,000 benchmarks over and over and reports how much the
// live heap grows per run once warmed up (heap-growth-B/op): a leak shows as growth, a healthy
// run as about zero. It also reports what one compared benchmark costs in allocations.
func BenchmarkSteadyHeap(b *testing.B) {
	const n = 1000
	base, head := suite(b, n)
	cfg := config.Default()
	run := func() int {
		rep, err := compare.Compare(inputs(base, head), cfg)
		if err != nil {
			b.Fatal(err)
		}
		return len(rep.Comparisons)
	}
	for range 3 { // warm up: caches and pools settle
		run()
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	iterations, comparisons := 0, 0
	for b.Loop() {
		comparisons += run()
		iterations++
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(iterations), "heap-growth-B/op")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(comparisons), "allocs/comparison")
}
