// Package synth writes synthetic Go benchmark results with known effects: a base and a head
// run of many benchmarks, some of them made slower by a set factor, with log-normal noise and
// occasional outliers like those of a shared machine.
//
// It exists to measure benchgate itself: how often it catches a slowdown of known size, how
// often it cries wolf on unchanged benchmarks, and how fast it compares thousands of them.
package synth

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
)

// Spec describes a synthetic suite.
type Spec struct {
	Benchmarks int // how many benchmarks
	Runs       int // samples per benchmark and side
	// Slowed is how many benchmarks (the first ones) head makes slower, by the factor Slowdown
	// (1.15 is 15% slower).
	Slowed   int
	Slowdown float64
	// MinCV and MaxCV bound each benchmark's coefficient of variation; each benchmark draws its
	// own from the range.
	MinCV, MaxCV float64
	// OutlierRate is the chance that a sample is an outlier, 10% to 50% slower than it should be.
	OutlierRate float64
	// Memory adds B/op and allocs/op columns, as -benchmem does.
	Memory bool
	Seed   uint64
}

// Name is the name of benchmark i, without the "Benchmark" prefix.
func Name(i int) string { return fmt.Sprintf("Synth%05d-8", i) }

// Write writes the base and head results of s. Both sides of a benchmark share its center and
// noise level; head is multiplied by Slowdown for the slowed ones.
func Write(s Spec, base, head io.Writer) error {
	rng := rand.New(rand.NewPCG(s.Seed, s.Seed^0x9e3779b97f4a7c15))
	type bench struct{ center, cv, bytes, allocs float64 }
	benches := make([]bench, s.Benchmarks)
	for i := range benches {
		benches[i] = bench{
			center: math.Exp(rng.Float64()*math.Log(1e6)) * 10, // 10ns to 10ms, log-uniform
			cv:     s.MinCV + rng.Float64()*(s.MaxCV-s.MinCV),
			bytes:  float64(16 * rng.IntN(64)),
			allocs: float64(rng.IntN(8)),
		}
	}
	for _, side := range []struct {
		w    io.Writer
		head bool
	}{{base, false}, {head, true}} {
		bw := bufio.NewWriter(side.w)
		fmt.Fprintf(bw, "goos: linux\ngoarch: amd64\npkg: example.com/synth\ncpu: Synthetic CPU\n")
		for range s.Runs {
			for i, b := range benches {
				center := b.center
				if side.head && i < s.Slowed {
					center *= s.Slowdown
				}
				// A log-normal with the benchmark's coefficient of variation.
				sigma := math.Sqrt(math.Log1p(b.cv * b.cv))
				v := center * math.Exp(rng.NormFloat64()*sigma-sigma*sigma/2)
				if rng.Float64() < s.OutlierRate {
					v *= 1.1 + 0.4*rng.Float64()
				}
				fmt.Fprintf(bw, "Benchmark%s\t%8d\t%12.2f ns/op", Name(i), 1_000_000_000/int(max(center, 1)), v)
				if s.Memory {
					fmt.Fprintf(bw, "\t%6.0f B/op\t%4.0f allocs/op", b.bytes, b.allocs)
				}
				bw.WriteByte('\n')
			}
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return nil
}
