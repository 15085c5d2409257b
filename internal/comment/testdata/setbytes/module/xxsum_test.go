package xxsum

import (
	"strings"
	"testing"
)

var sizes = []struct {
	name string
	n    int
}{{"16B", 16}, {"1KiB", 1 << 10}, {"64KiB", 64 << 10}}

var sink uint64

func BenchmarkSum64(b *testing.B) {
	for _, size := range sizes {
		data := make([]byte, size.n)
		b.Run(size.name, func(b *testing.B) {
			b.SetBytes(int64(size.n))
			for b.Loop() {
				sink = Sum64(data)
			}
		})
	}
}

func BenchmarkSum64String(b *testing.B) {
	for _, size := range sizes {
		s := strings.Repeat("x", size.n)
		b.Run(size.name, func(b *testing.B) {
			b.SetBytes(int64(size.n))
			for b.Loop() {
				sink = Sum64String(s)
			}
		})
	}
}
