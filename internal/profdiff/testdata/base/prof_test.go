// Package prof is the profile diff's fixture: Work spends its time in steady and hot, Gather
// allocates in gather; on head, hot does three times the work and gather allocates four times
// as much.
package prof

import "testing"

var sink uint64
var kept [][]byte

//go:noinline
func steady() uint64 {
	x := uint64(1)
	for i := 0; i < 20000; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

//go:noinline
func hot() uint64 {
	x := uint64(3)
	for i := 0; i < 1*10000; i++ {
		x = x*2862933555777941757 + 3037000493
	}
	return x
}

//go:noinline
func gather() {
	kept = kept[:0]
	for i := 0; i < 1*8; i++ {
		kept = append(kept, make([]byte, 512))
	}
}

func BenchmarkWork(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += steady() + hot()
	}
}

func BenchmarkGather(b *testing.B) {
	for i := 0; i < b.N; i++ {
		gather()
	}
}
