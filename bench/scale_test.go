// Package bench holds benchgate's own benchmarks, one file per area: execution (a round's
// overhead, config parsing, malformed input, a partial --out directory), scale (parsing
// throughput, compare from 10 to 5,000 benchmarks), memory (allocations per compared benchmark,
// steady heap over repeated comparisons) and real-world scenarios (a whole gate run, rendering a
// comment). They run with go test -bench, and benchgate gates this repository's pull requests on
// them. Every benchmark uses b.Loop, so each costs one -benchtime, which keeps the suite under
// five minutes when gate run runs it for both sides.
package bench

import (
	"bytes"
	"fmt"
	"io"
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
		{Name: "base.txt", R: bytes.NewReader(base), Side: compare.Base},
		{Name: "head.txt", R: bytes.NewReader(head), Side: compare.Head},
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
func BenchmarkCompare(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 5000} {
		b.Run(fmt.Sprintf("benchmarks=%d", n), func(b *testing.B) {
			base, head := suite(b, n)
			cfg := config.Default()
			for b.Loop() {
				rep, err := compare.Compare(inputs(base, head), cfg)
				if err != nil {
					b.Fatal(err)
				}
				if err := report.Write(io.Discard, rep); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
