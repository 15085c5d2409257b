package spin

import "testing"

var sink uint64

//go:noinline
func spin(n int) uint64 {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

func BenchmarkSpin(b *testing.B) {
	for b.Loop() {
		sink += spin(1000)
	}
}
